/* run.c — one check (health, health + replication, or health + schema)
 * under arc_retry, then the verdict: one line (plus the missing items) or
 * one JSON object. */
#include "pgcheck.h"

#include <string.h>

typedef struct {
    const pgc_params *params;
    const pgc_spec *spec; /* NULL: health only */
    const pgc_repl_want *want; /* NULL or nothing asked: no replication check */
    pgc_session s;
    pgc_findings f;
    pgc_repl repl;
} run_ctx;

static bool repl_asked(const run_ctx *r)
{
    return r->want && r->want->asked;
}

static int attempt(void *ctx, const arc_deadline *dl, char *why, size_t n)
{
    run_ctx *r = ctx;
    pgc_findings_reset(&r->f);
    r->repl = (pgc_repl){.lag = -1};
    int rc = pgc_connect(&r->s, r->params, dl, why, n);
    if (rc == 0)
        rc = pgc_health(&r->s, dl, why, n);
    if (rc == 0 && repl_asked(r))
        rc = pgc_replication(&r->s, r->want, dl, &r->repl, why, n);
    if (rc == 0 && r->spec)
        rc = pgc_schema_check(&r->s, r->spec, dl, &r->f, why, n);
    pgc_close(&r->s);
    if (rc == 0 && r->f.nmissing > 0) {
        arc_snprintf(why, n, "%d of %d declared items missing", r->f.nmissing,
                     pgc_spec_count(r->spec));
        rc = 1;
    }
    return rc;
}

/* Calls fn(item, len, arg) for each line of a findings list. */
static void each_line(const arc_buf *items, void (*fn)(const char *, size_t, void *), void *arg)
{
    for (const char *p = arc_buf_str(items); *p;) {
        size_t len = strcspn(p, "\n");
        fn(p, len, arg);
        p += len + (p[len] == '\n');
    }
}

static void add_json_item(const char *item, size_t len, void *arg)
{
    arc_buf *b = arg;
    if (b->len > 0 && b->s[b->len - 1] != '[')
        arc_buf_puts(b, ",");
    arc_buf_json_strn(b, item, len);
}

static void add_warning(const char *item, size_t len, void *arg)
{
    arc_buf_printf(arg, "; warning: %.*s", (int)len, item);
}

static void print_missing(const char *item, size_t len, void *arg)
{
    printf("  %s: %.*s\n", (const char *)arg, (int)len, item);
}

static void json_extra(const run_ctx *r, arc_buf *b)
{
    if (r->s.connected) {
        arc_buf_puts(b, ",\"server_version\":");
        arc_buf_json_str(b, r->s.version);
        arc_buf_printf(b, ",\"in_recovery\":%s,\"transport\":\"%s\",\"role\":\"%s\"",
                       r->s.in_recovery ? "true" : "false", r->s.tcp ? "tcp" : "unix",
                       r->s.in_recovery ? "standby" : "primary");
    }
    if (r->s.connected && repl_asked(r)) {
        if (r->repl.lag >= 0)
            arc_buf_printf(b, ",\"lag_bytes\":%lld", r->repl.lag);
        else
            arc_buf_puts(b, ",\"lag_bytes\":null");
        if (r->repl.checked && !r->s.in_recovery)
            arc_buf_printf(b, ",\"standbys_streaming\":%d", r->repl.streaming);
    }
    if (!r->spec)
        return;
    arc_buf_printf(b, ",\"declared\":%d,\"missing\":[", pgc_spec_count(r->spec));
    each_line(&r->f.missing, add_json_item, b);
    arc_buf_puts(b, "],\"warnings\":[");
    each_line(&r->f.warnings, add_json_item, b);
    arc_buf_puts(b, "]");
}

/* The detail of a healthy verdict. */
static void ok_detail(const run_ctx *r, arc_buf *b)
{
    if (r->spec) {
        arc_buf_printf(b, "%d declared items present", pgc_spec_count(r->spec));
        each_line(&r->f.warnings, add_warning, b);
        return;
    }
    const char *role = r->s.in_recovery ? "standby (in recovery)" : "primary";
    arc_buf_printf(b, "PostgreSQL %s, %s", r->s.version,
                   repl_asked(r) ? r->repl.summary : role);
    if (!r->s.tcp)
        arc_buf_puts(b, ", over a unix socket");
}

int pgc_run(const pgc_opts *o, const pgc_params *p, const pgc_spec *spec)
{
    run_ctx r = {.params = p, .spec = spec, .want = &o->repl};
    arc_strlcpy(r.s.target, "?", sizeof r.s.target);
    pgc_findings_init(&r.f);
    char why[1024];
    arc_retry_result res = arc_retry(&o->common, attempt, &r, why, sizeof why);

    arc_buf detail, extra;
    arc_buf_init(&detail);
    arc_buf_init(&extra);
    if (res.rc == 0)
        ok_detail(&r, &detail);
    else
        arc_buf_puts(&detail, why);
    json_extra(&r, &extra);
    int rc = arc_report_retry(&o->common, &res, spec ? "schema" : "health", r.s.target,
                              arc_buf_str(&detail), arc_buf_str(&extra));
    if (rc != 0 && arc_text_output(&o->common)) {
        each_line(&r.f.missing, print_missing, "missing");
        each_line(&r.f.warnings, print_missing, "warning");
        fflush(stdout);
    }
    arc_buf_free(&detail);
    arc_buf_free(&extra);
    pgc_findings_free(&r.f);
    return rc;
}

int pgc_once(const char *dsn, const char *schema_file, const arc_deadline *dl, char *warning,
             size_t wn, char *why, size_t n)
{
    pgc_opts o = {.dsn = dsn, .dsn_source = "DATABASE_URL", .schema_file = schema_file};
    o.common = (arc_common){.prog = "pgcheck", .usage = "", .timeout = 5, .quiet = true,
                            .warning = -1, .critical = -1, .t0 = arc_now()};
    pgc_params params;
    pgc_spec spec = {0};
    int rc = pgc_params_init(&params, &o, why, n);
    if (rc == 0 && schema_file)
        rc = pgc_spec_load(&spec, schema_file, why, n);
    if (warning && wn > 0)
        warning[0] = '\0';
    if (rc == 0) {
        run_ctx r = {.params = &params, .spec = schema_file ? &spec : NULL};
        arc_strlcpy(r.s.target, "?", sizeof r.s.target);
        pgc_findings_init(&r.f);
        rc = attempt(&r, dl, why, n);
        if (rc == 0) {
            arc_buf detail;
            arc_buf_init(&detail);
            ok_detail(&r, &detail);
            arc_strlcpy(why, arc_buf_str(&detail), n);
            arc_buf_free(&detail);
        }
        const char *w = arc_buf_str(&r.f.warnings);
        if (warning && wn > 0 && *w)
            arc_snprintf(warning, wn, "%.*s", (int)strcspn(w, "\n"), w);
        pgc_findings_free(&r.f);
    }
    pgc_spec_free(&spec);
    pgc_params_free(&params);
    return rc;
}
