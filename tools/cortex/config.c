/* config.c — cortex's settings: a flag, else its environment variable, else
 * the default. The variables are bootstrap.sh's (BOOTSTRAP_*) and the probes'
 * (DATABASE_URL, NATS_URL, PULSAR_ADMIN_URL, REDIS_URL), plus ARC_CORTEX_*. */
#include "cortex.h"

#include <string.h>
#include <strings.h>

typedef struct {
    const char *name; /* in messages */
    const char *env;
    double def;
    double min, max;
    size_t off;       /* where in cx_config (a double) */
} num_setting;

static const num_setting nums[] = {
    [CX_F_TIMEOUT] = {"timeout", "BOOTSTRAP_TIMEOUT", 300, 0, 86400, offsetof(cx_config, timeout)},
    [CX_F_BASE] = {"base", "BOOTSTRAP_BACKOFF_BASE", 2, 0, 86400, offsetof(cx_config, base)},
    [CX_F_CAP] = {"cap", "BOOTSTRAP_BACKOFF_CAP", 30, 0, 86400, offsetof(cx_config, cap)},
    [CX_F_THRESHOLD] = {"threshold", "BOOTSTRAP_BREAKER_THRESHOLD", 3, 0, 1e6,
                        offsetof(cx_config, threshold)},
    [CX_F_OPEN] = {"open", "BOOTSTRAP_BREAKER_OPEN", 30, 0, 86400, offsetof(cx_config, open)},
    [CX_F_PROBE_TIMEOUT] = {"probe_timeout", "BOOTSTRAP_PROBE_TIMEOUT", 10, 0, 86400,
                            offsetof(cx_config, probe_timeout)},
    [CX_F_INTERVAL] = {"monitor interval", "ARC_CORTEX_MONITOR_INTERVAL", 30, 0.05, 86400,
                       offsetof(cx_config, interval)},
};

/* The flag's value, else the variable's, else NULL. */
static const char *pick(const cx_flags *f, int flag, const char *env)
{
    return f && f->v[flag] ? f->v[flag] : arc_env(env);
}

/* A number of seconds as bootstrap.sh accepted it: digits, an optional fraction. */
static int parse_num(const char *s, double *out)
{
    size_t d = strspn(s, "0123456789");
    if (d == 0 || (s[d] && (s[d] != '.' || strspn(s + d + 1, "0123456789") == 0 ||
                            s[d + 1 + strspn(s + d + 1, "0123456789")])))
        return -1;
    return arc_parse_seconds(s, out);
}

static int load_nums(cx_config *c, const cx_flags *f, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        const num_setting *n = &nums[i];
        if (!n->name)
            continue;
        double *dst = (double *)(void *)((char *)c + n->off);
        const char *v = pick(f, (int)i, n->env);
        *dst = n->def;
        if (v && (parse_num(v, dst) != 0 || *dst < n->min || *dst > n->max))
            return arc_errf(err, errlen, "%s must be a number of seconds (%s), got '%s'",
                            n->name, n->env, v);
    }
    return 0;
}

static int load_path(char *dst, size_t n, const char *given, const char *root,
                     const char *rel, const char *env, char *err, size_t errlen)
{
    int rc = given ? arc_strlcpy(dst, given, n) : arc_snprintf(dst, n, "%s/%s", root, rel);
    return rc == 0 ? 0 : arc_errf(err, errlen, "%s: path too long", env);
}

static int load_paths(cx_config *c, const cx_flags *f, char *err, size_t errlen)
{
    const char *root = arc_env("ARC_ROOT") ? arc_env("ARC_ROOT") : ".";
    struct {
        char *dst;
        const char *given, *rel, *env;
    } p[] = {
        {c->result, pick(f, CX_F_RESULT, "BOOTSTRAP_RESULT"), "build/bootstrap/result.json",
         "BOOTSTRAP_RESULT"},
        {c->lock, pick(f, CX_F_LOCK, "BOOTSTRAP_LOCK"), "build/bootstrap/lock", "BOOTSTRAP_LOCK"},
        {c->streams, arc_env("BOOTSTRAP_STREAMS"), "services/messaging/streams.json",
         "BOOTSTRAP_STREAMS"},
        {c->pulsar, arc_env("BOOTSTRAP_PULSAR"), "services/streaming/pulsar.json",
         "BOOTSTRAP_PULSAR"},
        {c->schema, arc_env("BOOTSTRAP_SCHEMA"), "services/sql/schema.json", "BOOTSTRAP_SCHEMA"},
    };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        if (load_path(p[i].dst, sizeof c->result, p[i].given, root, p[i].rel, p[i].env, err,
                      errlen) != 0)
            return -1;
    return 0;
}

/* ARC_FLASH_REPLICAS: the replicas of every stream (a clustered profile's, e.g. ha: 3). */
static int load_replicas(cx_config *c, char *err, size_t errlen)
{
    const char *r = arc_env("ARC_FLASH_REPLICAS");
    c->replicas = 0;
    if (r && *r && arc_parse_long(r, 1, 5, &c->replicas) != 0)
        return arc_errf(err, errlen, "ARC_FLASH_REPLICAS must be a number of replicas from 1 "
                        "to 5, got '%s'", r);
    return 0;
}

static int load_server(cx_config *c, const cx_flags *f, char *err, size_t errlen)
{
    const char *addr = pick(f, CX_F_ADDR, "ARC_CORTEX_ADDR");
    const char *port = pick(f, CX_F_PORT, "ARC_CORTEX_PORT");
    const char *ct = arc_env("ARC_CORTEX_CHECK_TIMEOUT");
    const char *mc = arc_env("ARC_CORTEX_MAX_CONNECTIONS");
    const char *it = arc_env("ARC_CORTEX_CONNECTION_TIMEOUT");
    if (arc_strlcpy(c->addr, addr ? addr : "127.0.0.1", sizeof c->addr) != 0)
        return arc_errf(err, errlen, "address too long (ARC_CORTEX_ADDR)");
    c->port = 8081;
    if (port && arc_parse_long(port, 1, 65535, &c->port) != 0)
        return arc_errf(err, errlen, "port must be 1..65535 (ARC_CORTEX_PORT), got '%s'", port);
    c->check_timeout = 3;
    if (ct && (parse_num(ct, &c->check_timeout) != 0 || c->check_timeout <= 0))
        return arc_errf(err, errlen, "check timeout must be a number of seconds "
                        "(ARC_CORTEX_CHECK_TIMEOUT), got '%s'", ct);
    c->max_conns = 128;
    if (mc && arc_parse_long(mc, 8, 4096, &c->max_conns) != 0)
        return arc_errf(err, errlen, "ARC_CORTEX_MAX_CONNECTIONS must be 8..4096, got '%s'", mc);
    c->conn_timeout = 10;
    if (it && arc_parse_long(it, 1, 3600, &c->conn_timeout) != 0)
        return arc_errf(err, errlen, "ARC_CORTEX_CONNECTION_TIMEOUT must be 1..3600 s, got '%s'",
                        it);
    return 0;
}

/* ARC_CORTEX_EVENT_TIMEOUT, ARC_CORTEX_OTLP_TIMEOUT; the standard OTEL_* variables. */
static int load_telemetry(cx_config *c, char *err, size_t errlen)
{
    const char *et = arc_env("ARC_CORTEX_EVENT_TIMEOUT");
    const char *ot = arc_env("ARC_CORTEX_OTLP_TIMEOUT");
    const char *ep = arc_env("OTEL_EXPORTER_OTLP_ENDPOINT");
    const char *sn = arc_env("OTEL_SERVICE_NAME");
    const char *off = arc_env("OTEL_SDK_DISABLED");
    c->event_timeout = 2;
    if (et && (parse_num(et, &c->event_timeout) != 0 || c->event_timeout <= 0))
        return arc_errf(err, errlen, "ARC_CORTEX_EVENT_TIMEOUT must be a number of seconds, "
                        "got '%s'", et);
    c->otlp_timeout = 2;
    if (ot && (parse_num(ot, &c->otlp_timeout) != 0 || c->otlp_timeout <= 0 ||
               c->otlp_timeout > 60))
        return arc_errf(err, errlen, "ARC_CORTEX_OTLP_TIMEOUT must be a number of seconds "
                        "(at most 60), got '%s'", ot);
    c->service_name_given = sn && *sn;
    c->otel_disabled = off && strcasecmp(off, "true") == 0;
    if (arc_strlcpy(c->otlp_endpoint, ep && *ep ? ep : "http://127.0.0.1:4318",
                    sizeof c->otlp_endpoint) != 0 ||
        arc_strlcpy(c->service_name, sn && *sn ? sn : "arc-cortex", sizeof c->service_name) != 0)
        return arc_errf(err, errlen, "OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_SERVICE_NAME too long");
    size_t l = strlen(c->otlp_endpoint);
    while (l > 0 && c->otlp_endpoint[l - 1] == '/')
        c->otlp_endpoint[--l] = '\0';
    c->resource_attrs = arc_env("OTEL_RESOURCE_ATTRIBUTES");
    return 0;
}

int cx_config_load(cx_config *c, const cx_flags *f, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    if (load_nums(c, f, err, errlen) != 0 || load_paths(c, f, err, errlen) != 0 ||
        load_replicas(c, err, errlen) != 0 || load_server(c, f, err, errlen) != 0)
        return -1;
    if (load_telemetry(c, err, errlen) != 0)
        return -1;
    c->skip = arc_env("BOOTSTRAP_SKIP");
    c->database_url = arc_env("DATABASE_URL");
    c->nats_url = arc_env("NATS_URL");
    c->pulsar_url = arc_env("PULSAR_ADMIN_URL");
    c->redis_url = arc_env("REDIS_URL");
    return 0;
}

const char *cx_skip_reason(const cx_config *c, cx_phase_id p, char *out, size_t n)
{
    const char *name = cx_phase_names[p];
    size_t len = strlen(name);
    for (const char *l = c->skip; l && *l;) {
        size_t ll = strcspn(l, "\n");
        if (ll > len && strncmp(l, name, len) == 0 && l[len] == '|') {
            arc_snprintf(out, n, "%.*s", (int)(ll - len - 1), l + len + 1);
            return out;
        }
        l += ll + (l[ll] == '\n');
    }
    return NULL;
}
