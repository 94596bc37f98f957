/* trace.c — the spans cortex exports (otlp.c encodes and queues them):
 *   cortex.bootstrap        one root per bootstrap (kind SERVER under POST
 *                           /api/v1/bootstrap, INTERNAL for the CLI); a valid
 *                           traceparent makes it a child of the caller's span
 *   cortex.bootstrap.PHASE  a child per phase run: phase, attempts, outcome, the
 *                           created/updated/unchanged counts when the probe knows
 *                           them; a failed phase: status ERROR and an "exception" event
 *   cortex.health.deep      one per deep-health round, a root of its own
 * Ids: 16-byte traceId, 8-byte spanId from getrandom(2), lowercase hex. */
#include "cortex.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* ---- ids ---------------------------------------------------------------------------- */
static void random_bytes(unsigned char *p, size_t n)
{
    size_t got = 0;
    for (int tries = 0; got < n && tries < 16; tries++) {
        ssize_t r = getrandom(p + got, n - got, 0);
        if (r > 0)
            got += (size_t)r;
        else if (r < 0 && errno != EINTR)
            break;
    }
    unsigned long long x = (unsigned long long)getpid() * 0x9E3779B97F4A7C15ull +
                           (unsigned long long)(arc_now() * 1e6);
    for (size_t i = got; i < n; i++) { /* no getrandom: a xorshift, still distinct */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        p[i] = (unsigned char)(x >> 24);
    }
}

void cx_random_hex(char *out, size_t nbytes)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    if (nbytes == 0 || nbytes > sizeof b)
        nbytes = nbytes ? sizeof b : 1;
    random_bytes(b, nbytes);
    bool zero = true;
    for (size_t i = 0; i < nbytes; i++)
        zero = zero && b[i] == 0;
    if (zero)
        b[nbytes - 1] = 1; /* an all-zero id is invalid */
    for (size_t i = 0; i < nbytes; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    out[2 * nbytes] = '\0';
}

/* ---- traceparent: 00-<32 hex>-<16 hex>-<2 hex>, lowercase, ids not all zero ----------- */
static bool lower_hex(const char *s, size_t n, bool nonzero)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
        any = any || s[i] != '0';
    }
    return any || !nonzero;
}

int cx_traceparent_parse(const char *h, cx_traceparent *out)
{
    memset(out, 0, sizeof *out);
    if (!h || strlen(h) != 55 || strncmp(h, "00-", 3) != 0 || h[35] != '-' || h[52] != '-' ||
        !lower_hex(h + 3, 32, true) || !lower_hex(h + 36, 16, true) ||
        !lower_hex(h + 53, 2, false))
        return -1;
    memcpy(out->trace_id, h + 3, 32);
    memcpy(out->span_id, h + 36, 16);
    out->valid = true;
    return 0;
}

/* ---- spans ------------------------------------------------------------------------------ */
static void span_init(cx_span *s, const char *name, const char *trace_id, const char *parent)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    arc_strlcpy(s->trace_id, trace_id, sizeof s->trace_id);
    cx_random_hex(s->span_id, 8);
    arc_strlcpy(s->parent_id, parent ? parent : "", sizeof s->parent_id);
    s->kind = CX_KIND_INTERNAL;
    arc_buf_init(&s->attrs);
    arc_buf_init(&s->events);
}

static void span_free(cx_span *s)
{
    arc_buf_free(&s->attrs);
    arc_buf_free(&s->events);
}

/* Status ERROR, and the error as an "exception" event at the span's end. */
static void span_error(cx_span *s, const char *why)
{
    s->status = CX_STATUS_ERROR;
    arc_strlcpy(s->status_msg, why, sizeof s->status_msg);
    arc_buf a;
    arc_buf_init(&a);
    cx_attr_str(&a, "exception.message", why);
    arc_buf_printf(&s->events, "%s{\"timeUnixNano\":\"%llu\",\"name\":\"exception\","
                   "\"attributes\":[%s]}", s->events.len ? "," : "",
                   (unsigned long long)(s->end * 1e9), arc_buf_str(&a));
    arc_buf_free(&a);
}

static void phase_span(cx_span *s, const cx_bootstrap *b, const cx_phase_run *ph,
                       const cx_span *root)
{
    static const char *const names[CX_NPHASES] = {
        "cortex.bootstrap.sql", "cortex.bootstrap.nats", "cortex.bootstrap.pulsar",
        "cortex.bootstrap.redis"};
    span_init(s, names[ph->id], root->trace_id, root->span_id);
    s->start = ph->start_unix > 0 ? ph->start_unix : b->start_unix;
    s->end = s->start + ph->duration;
    cx_attr_str(&s->attrs, "phase", cx_phase_names[ph->id]);
    cx_attr_str(&s->attrs, "service", cx_phase_services[ph->id]);
    cx_attr_int(&s->attrs, "attempts", ph->attempts);
    cx_attr_str(&s->attrs, "outcome", ph->ok ? "ok" : "failed");
    if (ph->ok && ph->counted) {
        cx_attr_int(&s->attrs, "created", ph->created);
        cx_attr_int(&s->attrs, "updated", ph->updated);
        if (ph->unchanged >= 0)
            cx_attr_int(&s->attrs, "unchanged", ph->unchanged);
    }
    if (ph->ok)
        s->status = CX_STATUS_OK;
    else
        span_error(s, ph->detail[0] ? ph->detail : "failed");
}

void cx_trace_bootstrap(const cx_bootstrap *b, double seconds)
{
    if (!cx_otlp_enabled())
        return;
    cx_span spans[1 + CX_NPHASES];
    char trace_id[33];
    if (b->parent.valid)
        arc_strlcpy(trace_id, b->parent.trace_id, sizeof trace_id);
    else
        cx_random_hex(trace_id, 16);
    cx_span *root = &spans[0];
    span_init(root, "cortex.bootstrap", trace_id, b->parent.valid ? b->parent.span_id : NULL);
    root->kind = b->served ? CX_KIND_SERVER : CX_KIND_INTERNAL;
    root->start = b->start_unix;
    root->end = b->start_unix + seconds;
    cx_attr_str(&root->attrs, "outcome", b->ok ? "ok" : "failed");
    cx_attr_int(&root->attrs, "phases", b->nrun);
    int n = 1;
    for (int k = 0; k < b->nrun; k++)
        phase_span(&spans[n++], b, &b->ph[b->order[k]], root);
    if (b->ok)
        root->status = CX_STATUS_OK;
    else
        span_error(root, "some phases failed");
    cx_otlp_export(spans, n);
    for (int i = 0; i < n; i++)
        span_free(&spans[i]);
}

void cx_trace_deep(const cx_deep_round *r, bool healthy)
{
    if (!cx_otlp_enabled())
        return;
    char trace_id[33], key[64];
    cx_random_hex(trace_id, 16);
    cx_span s;
    span_init(&s, "cortex.health.deep", trace_id, NULL);
    s.start = r->start_unix;
    s.end = r->end_unix;
    cx_attr_str(&s.attrs, "health.status", healthy ? "ok" : "unhealthy");
    arc_buf bad;
    arc_buf_init(&bad);
    for (int i = 0; i < CX_NPHASES; i++) {
        const char *st = r->skipped[i] ? "skipped" : r->up[i] ? "ok" : "down";
        arc_snprintf(key, sizeof key, "dependency.%s.status", cx_phase_names[i]);
        cx_attr_str(&s.attrs, key, st);
        if (r->skipped[i])
            continue;
        arc_snprintf(key, sizeof key, "dependency.%s.latency_ms", cx_phase_names[i]);
        cx_attr_double(&s.attrs, key, r->ms[i]);
        if (!r->up[i])
            arc_buf_printf(&bad, "%s%s", bad.len ? " " : "", cx_phase_names[i]);
    }
    if (healthy)
        s.status = CX_STATUS_OK;
    else
        span_error(&s, arc_buf_str(&bad));
    cx_otlp_export(&s, 1);
    arc_buf_free(&bad);
    span_free(&s);
}
