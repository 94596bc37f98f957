/* metrics.c — cortex's counters, and their Prometheus text (exposition format
 * 0.0.4) for GET /metrics: bootstrap duration (a histogram) and outcomes, phase
 * attempts and outcomes, deep-health latency and verdict per dependency, and what
 * the outbox sent or dropped (events, OTLP exports). One mutex guards them all.
 * The same instruments as OTLP JSON metrics (cx_metrics_otlp; otlp.c wraps them in
 * an ExportMetricsServiceRequest): sums cumulative and monotonic since
 * cx_metrics_epoch, gauges, the histogram with per-bucket counts. */
#include "cortex.h"

#include <string.h>

static const double buckets[] = {0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

static struct {
    pthread_mutex_t mu;
    unsigned long long boot_bucket[NBUCKETS], boot_count, boots[2]; /* [0] ok [1] failed */
    double boot_sum;
    unsigned long long attempts[CX_NPHASES], runs[CX_NPHASES][3]; /* ok failed skipped */
    bool dep_known[CX_NPHASES], dep_up[CX_NPHASES];
    double dep_latency[CX_NPHASES];
    unsigned long long dep_rounds;
    unsigned long long events[2], exports[2], dropped[2]; /* [0] ok/event [1] failed/otlp */
    double epoch; /* unix seconds: the cumulative sums' start */
} m = {.mu = PTHREAD_MUTEX_INITIALIZER};

void cx_metric_event(bool ok)
{
    pthread_mutex_lock(&m.mu);
    m.events[ok ? 0 : 1]++;
    pthread_mutex_unlock(&m.mu);
}

void cx_metric_export(bool ok)
{
    pthread_mutex_lock(&m.mu);
    m.exports[ok ? 0 : 1]++;
    pthread_mutex_unlock(&m.mu);
}

void cx_metric_drop(cx_out_kind kind)
{
    pthread_mutex_lock(&m.mu);
    m.dropped[kind == CX_OUT_EVENT ? 0 : 1]++;
    pthread_mutex_unlock(&m.mu);
}

void cx_metric_bootstrap(const cx_bootstrap *b, double seconds)
{
    pthread_mutex_lock(&m.mu);
    for (size_t i = 0; i < NBUCKETS; i++)
        m.boot_bucket[i] += seconds <= buckets[i];
    m.boot_count++;
    m.boot_sum += seconds;
    m.boots[b->ok ? 0 : 1]++;
    for (int i = 0; i < CX_NPHASES; i++) {
        const cx_phase_run *ph = &b->ph[i];
        if (ph->skipped)
            m.runs[i][2]++;
        if (!ph->run || ph->skipped)
            continue;
        m.attempts[i] += ph->attempts;
        m.runs[i][ph->ok ? 0 : 1]++;
    }
    pthread_mutex_unlock(&m.mu);
}

void cx_metric_deep(const cx_deep_round *r)
{
    pthread_mutex_lock(&m.mu);
    m.dep_rounds++;
    for (int i = 0; i < CX_NPHASES; i++) {
        if (r->skipped[i] || !r->known[i])
            continue;
        m.dep_known[i] = true;
        m.dep_up[i] = r->up[i];
        m.dep_latency[i] = r->ms[i] / 1000.0;
    }
    pthread_mutex_unlock(&m.mu);
}

static void family(arc_buf *o, const char *name, const char *type, const char *help)
{
    arc_buf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void bootstrap_text(arc_buf *o)
{
    family(o, "cortex_bootstrap_duration_seconds", "histogram", "Duration of a whole bootstrap.");
    for (size_t i = 0; i < NBUCKETS; i++)
        arc_buf_printf(o, "cortex_bootstrap_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[i],
                       m.boot_bucket[i]);
    arc_buf_printf(o, "cortex_bootstrap_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                   "cortex_bootstrap_duration_seconds_sum %.6f\n"
                   "cortex_bootstrap_duration_seconds_count %llu\n",
                   m.boot_count, m.boot_sum, m.boot_count);
    family(o, "cortex_bootstraps_total", "counter", "Bootstraps run, by outcome.");
    arc_buf_printf(o, "cortex_bootstraps_total{outcome=\"ok\"} %llu\n"
                   "cortex_bootstraps_total{outcome=\"failed\"} %llu\n", m.boots[0], m.boots[1]);
    family(o, "cortex_phase_attempts_total", "counter", "Attempts of each bootstrap phase.");
    for (int i = 0; i < CX_NPHASES; i++)
        arc_buf_printf(o, "cortex_phase_attempts_total{phase=\"%s\"} %llu\n", cx_phase_names[i],
                       m.attempts[i]);
    family(o, "cortex_phase_runs_total", "counter", "Bootstrap phases run, by outcome.");
    static const char *const outcomes[] = {"ok", "failed", "skipped"};
    for (int i = 0; i < CX_NPHASES; i++)
        for (int k = 0; k < 3; k++)
            arc_buf_printf(o, "cortex_phase_runs_total{phase=\"%s\",outcome=\"%s\"} %llu\n",
                           cx_phase_names[i], outcomes[k], m.runs[i][k]);
}

static void deep_text(arc_buf *o)
{
    family(o, "cortex_deep_health_rounds_total", "counter", "Deep-health rounds run.");
    arc_buf_printf(o, "cortex_deep_health_rounds_total %llu\n", m.dep_rounds);
    family(o, "cortex_dependency_check_latency_seconds", "gauge",
           "Latency of the last deep check of each dependency.");
    for (int i = 0; i < CX_NPHASES; i++)
        if (m.dep_known[i])
            arc_buf_printf(o, "cortex_dependency_check_latency_seconds{dependency=\"%s\","
                           "service=\"%s\"} %.6f\n", cx_phase_names[i], cx_phase_services[i],
                           m.dep_latency[i]);
    family(o, "cortex_dependency_up", "gauge", "1 when the last deep check of a dependency passed.");
    for (int i = 0; i < CX_NPHASES; i++)
        if (m.dep_known[i])
            arc_buf_printf(o, "cortex_dependency_up{dependency=\"%s\",service=\"%s\"} %d\n",
                           cx_phase_names[i], cx_phase_services[i], m.dep_up[i] ? 1 : 0);
}

static void outbox_text(arc_buf *o)
{
    family(o, "cortex_events_total", "counter", "Lifecycle events sent, by result (JetStream ack).");
    arc_buf_printf(o, "cortex_events_total{result=\"acked\"} %llu\n"
                   "cortex_events_total{result=\"failed\"} %llu\n", m.events[0], m.events[1]);
    family(o, "cortex_otlp_exports_total", "counter", "OTLP/HTTP trace exports, by result.");
    arc_buf_printf(o, "cortex_otlp_exports_total{result=\"ok\"} %llu\n"
                   "cortex_otlp_exports_total{result=\"failed\"} %llu\n", m.exports[0],
                   m.exports[1]);
    family(o, "cortex_outbox_dropped_total", "counter",
           "Events and OTLP exports dropped: the queue was full or cortex was stopping.");
    arc_buf_printf(o, "cortex_outbox_dropped_total{kind=\"event\"} %llu\n"
                   "cortex_outbox_dropped_total{kind=\"otlp\"} %llu\n", m.dropped[0],
                   m.dropped[1]);
}

void cx_metrics_text(arc_buf *out)
{
    pthread_mutex_lock(&m.mu);
    bootstrap_text(out);
    deep_text(out);
    outbox_text(out);
    pthread_mutex_unlock(&m.mu);
}

/* ---- OTLP JSON ------------------------------------------------------------------------- */
void cx_metrics_epoch(void)
{
    pthread_mutex_lock(&m.mu);
    if (m.epoch <= 0)
        m.epoch = cx_unix_now();
    pthread_mutex_unlock(&m.mu);
}

typedef struct {
    arc_buf *o;
    unsigned long long t0, t; /* nanoseconds */
    int metrics, points;      /* written so far: for the commas */
} otlp_enc;

/* type: "sum", "gauge" or "histogram" */
static void o_open(otlp_enc *e, const char *name, const char *unit, const char *desc,
                   const char *type)
{
    arc_buf_printf(e->o, "%s{\"name\":\"%s\",\"description\":", e->metrics++ ? "," : "", name);
    arc_buf_json_str(e->o, desc);
    arc_buf_printf(e->o, ",\"unit\":\"%s\",\"%s\":{\"dataPoints\":[", unit, type);
    e->points = 0;
}

static void o_close_sum(otlp_enc *e)
{
    arc_buf_puts(e->o, "],\"aggregationTemporality\":2,\"isMonotonic\":true}}");
}

static void o_close_gauge(otlp_enc *e)
{
    arc_buf_puts(e->o, "]}}");
}

/* A point's head: attributes (KeyValues or ""), the times (a gauge: no start). */
static void o_point(otlp_enc *e, const char *attrs, bool start)
{
    arc_buf_printf(e->o, "%s{\"attributes\":[%s],", e->points++ ? "," : "", attrs);
    if (start)
        arc_buf_printf(e->o, "\"startTimeUnixNano\":\"%llu\",", e->t0);
    arc_buf_printf(e->o, "\"timeUnixNano\":\"%llu\"", e->t);
}

static void o_int(otlp_enc *e, const char *attrs, bool start, unsigned long long v)
{
    o_point(e, attrs, start);
    arc_buf_printf(e->o, ",\"asInt\":\"%llu\"}", v);
}

/* One sum with points labelled key=vals[i] (key NULL: one point, no attributes). */
static void o_sum(otlp_enc *e, const char *name, const char *unit, const char *desc,
                  const char *key, const char *const *vals, const unsigned long long *v, int n)
{
    o_open(e, name, unit, desc, "sum");
    arc_buf a;
    arc_buf_init(&a);
    for (int i = 0; i < n; i++) {
        arc_buf_reset(&a);
        if (key)
            cx_attr_str(&a, key, vals[i]);
        o_int(e, arc_buf_str(&a), true, v[i]);
    }
    arc_buf_free(&a);
    o_close_sum(e);
}

static void bootstrap_otlp(otlp_enc *e)
{
    o_open(e, "cortex.bootstrap.duration", "s", "Duration of a whole bootstrap.", "histogram");
    o_point(e, "", true);
    arc_buf_printf(e->o, ",\"count\":\"%llu\",\"sum\":%.6f,\"bucketCounts\":[", m.boot_count,
                   m.boot_sum);
    unsigned long long below = 0;
    for (size_t i = 0; i < NBUCKETS; i++) {
        arc_buf_printf(e->o, "\"%llu\",", m.boot_bucket[i] - below);
        below = m.boot_bucket[i];
    }
    arc_buf_printf(e->o, "\"%llu\"],\"explicitBounds\":[", m.boot_count - below);
    for (size_t i = 0; i < NBUCKETS; i++)
        arc_buf_printf(e->o, "%s%g", i ? "," : "", buckets[i]);
    arc_buf_puts(e->o, "]}],\"aggregationTemporality\":2}}");

    static const char *const outcomes[] = {"ok", "failed", "skipped"};
    o_sum(e, "cortex.bootstraps", "{bootstrap}", "Bootstraps run, by outcome.", "outcome",
          outcomes, m.boots, 2);
    o_sum(e, "cortex.phase.attempts", "{attempt}", "Attempts of each bootstrap phase.", "phase",
          cx_phase_names, m.attempts, CX_NPHASES);
    o_open(e, "cortex.phase.runs", "{run}", "Bootstrap phases run, by outcome.", "sum");
    arc_buf a;
    arc_buf_init(&a);
    for (int i = 0; i < CX_NPHASES; i++)
        for (int k = 0; k < 3; k++) {
            arc_buf_reset(&a);
            cx_attr_str(&a, "phase", cx_phase_names[i]);
            cx_attr_str(&a, "outcome", outcomes[k]);
            o_int(e, arc_buf_str(&a), true, m.runs[i][k]);
        }
    arc_buf_free(&a);
    o_close_sum(e);
}

static void deep_otlp(otlp_enc *e)
{
    o_sum(e, "cortex.deep_health.rounds", "{round}", "Deep-health rounds run.", NULL, NULL,
          &m.dep_rounds, 1);
    bool any = false;
    for (int i = 0; i < CX_NPHASES; i++)
        any = any || m.dep_known[i];
    if (!any)
        return;
    arc_buf a;
    arc_buf_init(&a);
    for (int g = 0; g < 2; g++) {
        if (g == 0)
            o_open(e, "cortex.dependency.check_latency", "s",
                   "Latency of the last deep check of each dependency.", "gauge");
        else
            o_open(e, "cortex.dependency.up", "1",
                   "1 when the last deep check of a dependency passed.", "gauge");
        for (int i = 0; i < CX_NPHASES; i++) {
            if (!m.dep_known[i])
                continue;
            arc_buf_reset(&a);
            cx_attr_str(&a, "dependency", cx_phase_names[i]);
            cx_attr_str(&a, "service", cx_phase_services[i]);
            if (g == 0) {
                o_point(e, arc_buf_str(&a), false);
                arc_buf_printf(e->o, ",\"asDouble\":%.6f}", m.dep_latency[i]);
            } else {
                o_int(e, arc_buf_str(&a), false, m.dep_up[i] ? 1 : 0);
            }
        }
        o_close_gauge(e);
    }
    arc_buf_free(&a);
}

static void outbox_otlp(otlp_enc *e)
{
    static const char *const results[] = {"acked", "failed"}, *const oks[] = {"ok", "failed"},
                             *const kinds[] = {"event", "otlp"};
    o_sum(e, "cortex.events", "{event}", "Lifecycle events sent, by result (JetStream ack).",
          "result", results, m.events, 2);
    o_sum(e, "cortex.otlp.exports", "{export}", "OTLP/HTTP exports (traces and metrics), by result.",
          "result", oks, m.exports, 2);
    o_sum(e, "cortex.outbox.dropped", "{item}",
          "Events and OTLP exports dropped: the queue was full or cortex was stopping.", "kind",
          kinds, m.dropped, 2);
}

void cx_metrics_otlp(arc_buf *out)
{
    double now = cx_unix_now();
    pthread_mutex_lock(&m.mu);
    double t0 = m.epoch > 0 && m.epoch <= now ? m.epoch : now;
    otlp_enc e = {out, (unsigned long long)(t0 * 1e9), (unsigned long long)(now * 1e9), 0, 0};
    bootstrap_otlp(&e);
    deep_otlp(&e);
    outbox_otlp(&e);
    pthread_mutex_unlock(&m.mu);
}
