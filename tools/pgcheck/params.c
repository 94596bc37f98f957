/* params.c — what pgcheck connects to: the DSN (--dsn or DATABASE_URL) as
 * libpq parses it, libpq's own PG* defaults, host=127.0.0.1 when nothing
 * names a host (never a silent unix socket), and --password-file. */
#include "pgcheck.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_HOST "127.0.0.1"

static const char *opt_val(const PQconninfoOption *o, const char *kw)
{
    for (; o && o->keyword; o++)
        if (strcmp(o->keyword, kw) == 0)
            return o->val;
    return NULL;
}

static bool opt_set(const PQconninfoOption *o, const char *kw)
{
    const char *v = opt_val(o, kw);
    return v && *v;
}

/* libpq's defaults from PG* variables and the service file. A service named
 * in the DSN is read the way libpq will read it (PQconndefaults only knows
 * PGSERVICE, so it is set for the duration of the call). */
static PQconninfoOption *defaults_with_service(const char *service)
{
    if (!service || !*service)
        return PQconndefaults();
    const char *prev = getenv("PGSERVICE");
    char *saved = prev ? strdup(prev) : NULL;
    setenv("PGSERVICE", service, 1);
    PQconninfoOption *d = PQconndefaults();
    if (saved)
        setenv("PGSERVICE", saved, 1);
    else
        unsetenv("PGSERVICE");
    free(saved);
    return d;
}

/* Does the DSN, PGHOST/PGHOSTADDR or a service name a host (or socket)? */
static bool host_named(const PQconninfoOption *dsn)
{
    if (opt_set(dsn, "host") || opt_set(dsn, "hostaddr"))
        return true;
    PQconninfoOption *d = defaults_with_service(opt_val(dsn, "service"));
    bool named = opt_set(d, "host") || opt_set(d, "hostaddr");
    PQconninfoFree(d);
    return named;
}

/* A DSN that does not parse: show libpq's reason unless the DSN holds a
 * password (the reason quotes the text it choked on). */
static int bad_dsn(const pgc_opts *o, char *perr, char *err, size_t errlen)
{
    bool secret = strstr(o->dsn, "password") != NULL ||
                  (strstr(o->dsn, "://") && strchr(o->dsn, '@'));
    char reason[512] = "out of memory";
    if (perr)
        arc_strlcpy(reason, perr, sizeof reason);
    reason[strcspn(reason, "\r\n")] = '\0';
    if (secret)
        arc_snprintf(err, errlen, "%s: invalid connection string (details withheld: it holds a password)",
                     o->dsn_source);
    else
        arc_snprintf(err, errlen, "%s: invalid connection string: %s", o->dsn_source, reason);
    PQfreemem(perr);
    return ARC_EXIT_USAGE;
}

/* Would libpq put part of a password where messages show it? In a URI it
 * ends the user info at the first '@' (or takes none when a '/' comes
 * first), so a password holding an unescaped '@' or '/' spills into the
 * host or database name. Such a DSN is refused, never echoed. */
static const char *misplaced_password(const char *dsn)
{
    const char *rest = NULL;
    if (strncmp(dsn, "postgresql://", 13) == 0)
        rest = dsn + 13;
    else if (strncmp(dsn, "postgres://", 11) == 0)
        rest = dsn + 11;
    if (!rest)
        return NULL;
    const char *at = strchr(rest, '@');
    if (at && strchr(at + 1, '@'))
        return "more than one '@'";
    if (at && memchr(rest, '/', (size_t)(at - rest)))
        return "an '@' after a '/'";
    return NULL;
}

/* libpq takes a dbname literally here (no expansion): a URL with user info
 * given as the dbname would reach messages whole. */
static bool url_as_dbname(const char *db)
{
    return db && strstr(db, "://") && strchr(db, '@');
}

static void add_param(pgc_params *p, int *k, const char *key, const char *val)
{
    p->keys[*k] = key;
    p->vals[*k] = val;
    (*k)++;
}

/* keys/vals: the DSN's options, then our host default and password. */
static int build_arrays(pgc_params *p, bool want_host)
{
    int n = 0;
    for (const PQconninfoOption *o = p->parsed; o && o->keyword; o++)
        n++;
    p->keys = calloc((size_t)n + 3, sizeof *p->keys);
    p->vals = calloc((size_t)n + 3, sizeof *p->vals);
    if (!p->keys || !p->vals)
        return -1;
    int k = 0;
    for (const PQconninfoOption *o = p->parsed; o && o->keyword; o++) {
        bool empty_host = (!strcmp(o->keyword, "host") || !strcmp(o->keyword, "hostaddr")) &&
                          o->val && !*o->val;
        bool replaced = p->password[0] && !strcmp(o->keyword, "password");
        if (o->val && !empty_host && !replaced)
            add_param(p, &k, o->keyword, o->val);
    }
    if (want_host)
        add_param(p, &k, "host", DEFAULT_HOST);
    if (p->password[0])
        add_param(p, &k, "password", p->password);
    return 0;
}

int pgc_params_init(pgc_params *p, const pgc_opts *o, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    char why[512];
    if (o->password_file &&
        arc_read_secret_file(o->password_file, p->password, sizeof p->password, why, sizeof why) != 0) {
        arc_snprintf(err, errlen, "cannot read password file %s", why);
        return ARC_EXIT_DATAERR;
    }
    const char *spill = o->dsn ? misplaced_password(o->dsn) : NULL;
    if (spill) {
        arc_snprintf(err, errlen, "%s: the URI has %s (not shown: a password holding '@' or "
                     "'/' must be percent-encoded, e.g. %%40, %%2F)", o->dsn_source, spill);
        return ARC_EXIT_USAGE;
    }
    if (o->dsn) {
        char *perr = NULL;
        p->parsed = PQconninfoParse(o->dsn, &perr);
        if (!p->parsed)
            return bad_dsn(o, perr, err, errlen);
    }
    if (url_as_dbname(opt_set(p->parsed, "dbname") ? opt_val(p->parsed, "dbname")
                                                   : arc_env("PGDATABASE"))) {
        arc_snprintf(err, errlen, "the database name is a URL with user info (not shown); "
                     "give a URL with --dsn or DATABASE_URL");
        return ARC_EXIT_USAGE;
    }
    if (build_arrays(p, !host_named(p->parsed)) != 0) {
        arc_snprintf(err, errlen, "out of memory");
        return ARC_EXIT_FAIL;
    }
    return 0;
}

void pgc_params_free(pgc_params *p)
{
    free(p->keys);
    free(p->vals);
    p->keys = p->vals = NULL;
    if (p->parsed) {
        char *pw = (char *)opt_val(p->parsed, "password");
        if (pw)
            arc_wipe(pw, strlen(pw));
        PQconninfoFree(p->parsed);
        p->parsed = NULL;
    }
    arc_wipe(p->password, sizeof p->password);
}
