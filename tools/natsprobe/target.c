/* target.c — which server and monitoring port, and which credentials:
 * flags first, then the server URL's own, then the environment. */
#include "natsprobe.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_SERVER "nats://127.0.0.1:4222"
#define DEFAULT_MONITOR "http://127.0.0.1:8222"

/* "host:4222" without a scheme means nats://host:4222. */
static void with_scheme(const char *in, const char *scheme, char *out, size_t n)
{
    if (strstr(in, "://"))
        arc_strlcpy(out, in, n);
    else
        arc_snprintf(out, n, "%s://%s", scheme, in);
}

static int resolve_server(const np_options *o, np_target *t, arc_url *u, char *err,
                          size_t errlen)
{
    const char *origin = o->server_origin ? o->server_origin : "NATS_URL";
    const char *in = o->server ? o->server : DEFAULT_SERVER;
    if (strchr(in, ','))
        return arc_errf(err, errlen, "%s: give one server URL, not a list", origin);
    char full[1024], why[128];
    with_scheme(in, "nats", full, sizeof full);
    int bad = arc_url_parse(full, u, why, sizeof why);
    arc_wipe(full, sizeof full);
    if (bad)
        return arc_errf(err, errlen, "%s: %s", origin, why);
    if (strcmp(u->scheme, "nats") != 0 && strcmp(u->scheme, "tls") != 0)
        return arc_errf(err, errlen, "%s: scheme must be nats:// or tls://, not %s://", origin,
                        u->scheme);
    if (!u->port)
        u->port = 4222;
    arc_url_hostport(u, t->target, sizeof t->target);
    arc_snprintf(t->url, sizeof t->url, "%s://%s", u->scheme, t->target);
    return 0;
}

static int resolve_token(const np_options *o, np_target *t, const arc_url *u, char *err,
                         size_t errlen)
{
    char why[600];
    if (o->token && o->token_file)
        return arc_errf(err, errlen, "give --token or --token-file, not both");
    if (o->token) {
        if (arc_strlcpy(t->token, o->token, sizeof t->token) != 0)
            return arc_errf(err, errlen, "--token: the token is too long");
    } else if (o->token_file) {
        if (arc_read_secret_file(o->token_file, t->token, sizeof t->token, why, sizeof why) != 0)
            return arc_errf(err, errlen, "--token-file: %s", why);
    } else if (u->user[0] && !u->has_pass) {
        arc_strlcpy(t->token, u->user, sizeof t->token); /* nats://TOKEN@host */
    } else if (!u->has_pass && arc_env("NATS_TOKEN")) {
        if (arc_strlcpy(t->token, arc_env("NATS_TOKEN"), sizeof t->token) != 0)
            return arc_errf(err, errlen, "NATS_TOKEN: the token is too long");
    }
    return 0;
}

static int resolve_user(np_target *t, const arc_url *u, char *err, size_t errlen)
{
    if (u->has_pass) {
        if (t->token[0])
            return arc_errf(err, errlen, "give a token or user:password in the URL, not both");
        arc_strlcpy(t->user, u->user, sizeof t->user);
        arc_strlcpy(t->pass, u->pass, sizeof t->pass);
    } else if (!t->token[0] && arc_env("NATS_USER")) {
        if (arc_strlcpy(t->user, arc_env("NATS_USER"), sizeof t->user) != 0 ||
            arc_strlcpy(t->pass, arc_env("NATS_PASSWORD") ? arc_env("NATS_PASSWORD") : "",
                        sizeof t->pass) != 0)
            return arc_errf(err, errlen, "NATS_USER / NATS_PASSWORD: too long");
    }
    return 0;
}

static int resolve_creds(const np_options *o, np_target *t, char *err, size_t errlen)
{
    const char *path = o->creds ? o->creds : arc_env("NATS_CREDS");
    const char *origin = o->creds ? "--creds" : "NATS_CREDS";
    if (!path)
        return 0;
    if (access(path, R_OK) != 0)
        return arc_errf(err, errlen, "%s: cannot read the credentials file: %s", origin,
                        strerror(errno));
    if (arc_strlcpy(t->creds, path, sizeof t->creds) != 0)
        return arc_errf(err, errlen, "%s: path is too long", origin);
    return 0;
}

static int resolve_monitor(const np_options *o, np_target *t, char *err, size_t errlen)
{
    char full[1024], why[128];
    arc_url u;
    with_scheme(o->monitor ? o->monitor : DEFAULT_MONITOR, "http", full, sizeof full);
    if (arc_url_parse(full, &u, why, sizeof why) != 0)
        return arc_errf(err, errlen, "--monitor: %s", why);
    if (strcmp(u.scheme, "http") != 0 && strcmp(u.scheme, "https") != 0)
        return arc_errf(err, errlen, "--monitor: scheme must be http:// or https://, not %s://",
                        u.scheme);
    if (u.user[0] || u.has_pass)
        return arc_errf(err, errlen, "--monitor: the monitoring port takes no credentials");
    arc_url_hostport(&u, t->mon_target, sizeof t->mon_target);
    size_t plen = strcspn(u.path, "?#");
    while (plen > 0 && u.path[plen - 1] == '/')
        plen--;
    arc_snprintf(t->mon_url, sizeof t->mon_url, "%s://%s%.*s", u.scheme, t->mon_target,
                 (int)plen, u.path);
    return 0;
}

int np_target_resolve(const np_options *o, np_target *t, char *err, size_t errlen)
{
    arc_url u;
    np_options eff = *o;
    if (!eff.server)
        eff.server = arc_env("NATS_URL");
    int rc = resolve_server(&eff, t, &u, err, errlen);
    if (rc == 0)
        rc = resolve_token(o, t, &u, err, errlen);
    if (rc == 0)
        rc = resolve_user(t, &u, err, errlen);
    if (rc == 0)
        rc = resolve_creds(o, t, err, errlen);
    if (rc == 0)
        rc = resolve_monitor(o, t, err, errlen);
    arc_wipe(&u, sizeof u);
    return rc;
}
