/* target.c — where redisping connects, and with which credentials. */
#include "redisping.h"

#include <string.h>

static int bad(char *err, size_t errlen, const char *origin, const char *url,
               const char *why)
{
    char masked[600];
    arc_mask_url(url, masked, sizeof masked);
    arc_snprintf(err, errlen, "%s '%s': %s", origin, masked, why);
    return ARC_EXIT_USAGE;
}

/* "" and "/" select nothing; "/N" selects database N. */
static int parse_db(const char *path, long *db)
{
    *db = -1;
    if (path[0] == '\0' || strcmp(path, "/") == 0)
        return 0;
    if (path[0] != '/')
        return -1;
    return arc_parse_long(path + 1, 0, 1000000, db);
}

static int from_url(const rp_options *o, rp_target *t, char *err, size_t errlen)
{
    arc_url u;
    char why[160];
    int rc = 0;
    if (arc_url_parse(o->url, &u, why, sizeof why) != 0)
        rc = bad(err, errlen, o->url_origin, o->url, why);
    else if (strcmp(u.scheme, "rediss") == 0)
        rc = bad(err, errlen, o->url_origin, o->url, "TLS (rediss://) is not supported");
    else if (strcmp(u.scheme, "redis") != 0)
        rc = bad(err, errlen, o->url_origin, o->url, "the scheme must be redis://");
    else if (parse_db(u.path, &t->db) != 0)
        rc = bad(err, errlen, o->url_origin, o->url, "the path must be /DB, a database number");
    else if (u.has_pass && u.pass[0] && o->password_file)
        rc = bad(err, errlen, o->url_origin, o->url,
                 "has a password and --password-file gives another; use one");
    if (rc == 0) {
        arc_strlcpy(t->host, u.host, sizeof t->host);
        t->port = u.port ? u.port : RP_DEFAULT_PORT;
        arc_strlcpy(t->user, u.user, sizeof t->user);
        if (u.has_pass)
            arc_strlcpy(t->pass, u.pass, sizeof t->pass);
    }
    arc_wipe(&u, sizeof u);
    return rc;
}

/* The password: the URL's, else --password-file, else $REDISCLI_AUTH. */
static int password(const rp_options *o, rp_target *t, char *err, size_t errlen)
{
    if (t->pass[0])
        return 0;
    if (o->password_file) {
        char why[600];
        if (arc_read_secret_file(o->password_file, t->pass, sizeof t->pass, why,
                                 sizeof why) != 0) {
            arc_snprintf(err, errlen, "--password-file %s", why);
            return ARC_EXIT_USAGE;
        }
        return 0;
    }
    const char *env = arc_env("REDISCLI_AUTH");
    if (env && arc_strlcpy(t->pass, env, sizeof t->pass) != 0) {
        arc_wipe(t->pass, sizeof t->pass);
        arc_strlcpy(err, "REDISCLI_AUTH: the password is too long", errlen);
        return ARC_EXIT_USAGE;
    }
    return 0;
}

int rp_target_resolve(const rp_options *o, rp_target *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    arc_strlcpy(t->host, RP_DEFAULT_HOST, sizeof t->host);
    t->port = RP_DEFAULT_PORT;
    t->db = -1;
    int rc = o->url ? from_url(o, t, err, errlen) : 0;
    if (rc == 0)
        rc = password(o, t, err, errlen);
    if (rc != 0)
        return rc;
    arc_url hp; /* only for arc_url_hostport's IPv6 brackets */
    memset(&hp, 0, sizeof hp);
    arc_strlcpy(hp.host, t->host, sizeof hp.host);
    hp.port = t->port;
    char where[280];
    arc_url_hostport(&hp, where, sizeof where);
    if (t->db >= 0)
        arc_snprintf(t->target, sizeof t->target, "%s/%ld", where, t->db);
    else
        arc_strlcpy(t->target, where, sizeof t->target);
    return 0;
}
