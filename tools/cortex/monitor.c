/* monitor.c — deep health: every dependency checked at once (one thread
 * each, each bounded by ARC_CORTEX_CHECK_TIMEOUT), and the monitor thread
 * that re-checks every ARC_CORTEX_MONITOR_INTERVAL seconds and keeps the last
 * result. A phase BOOTSTRAP_SKIP names is reported skipped and does not count.
 *   {"status":"ok"|"unhealthy","checked_at":T,"unhealthy":["redis"],
 *    "services":[{"name":"redis","service":"sonic","status":"ok"|"down"|"skipped",
 *                 "latency_ms":0.4,"error":null|"..."},...]} */
#include "cortex.h"

#include <errno.h>
#include <string.h>
#include <time.h>

typedef struct {
    const cx_config *cfg;
    cx_phase_id id;
    bool skipped;
    char skip_why[256];
    double ms;
    cx_attempt a;
} dep_job;

static void *check_one(void *arg)
{
    dep_job *j = arg;
    double t0 = arc_now();
    cx_dep_check(j->cfg, j->id, j->cfg->check_timeout, &j->a);
    j->ms = (arc_now() - t0) * 1000.0;
    return NULL;
}

static void dep_json(const dep_job *j, arc_buf *out)
{
    arc_buf_printf(out, "{\"name\":\"%s\",\"service\":\"%s\",\"status\":\"%s\"",
                   cx_phase_names[j->id], cx_phase_services[j->id],
                   j->skipped ? "skipped" : j->a.rc == 0 ? "ok" : "down");
    if (j->skipped) {
        arc_buf_puts(out, ",\"latency_ms\":null,\"error\":null,\"reason\":");
        arc_buf_json_str(out, j->skip_why);
    } else {
        arc_buf_printf(out, ",\"latency_ms\":%.3f,\"error\":", j->ms);
        if (j->a.rc == 0)
            arc_buf_puts(out, "null");
        else
            arc_buf_json_str(out, j->a.why);
    }
    arc_buf_puts(out, "}");
}

/* The round's verdicts, for the events and the metrics. */
static void fill_round(const dep_job *jobs, cx_deep_round *r)
{
    for (int i = 0; i < CX_NPHASES; i++) {
        r->known[i] = true;
        r->skipped[i] = jobs[i].skipped;
        r->up[i] = !jobs[i].skipped && jobs[i].a.rc == 0;
        r->ms[i] = jobs[i].ms;
        arc_strlcpy(r->why[i], jobs[i].a.rc == 0 ? "" : jobs[i].a.why, sizeof r->why[i]);
    }
}

bool cx_deep_check(const cx_config *c, arc_buf *out, cx_deep_round *round)
{
    cx_deep_round own;
    cx_deep_round *r = round ? round : &own;
    memset(r, 0, sizeof *r);
    r->start_unix = cx_unix_now();
    dep_job jobs[CX_NPHASES];
    pthread_t th[CX_NPHASES];
    bool started[CX_NPHASES];
    for (int i = 0; i < CX_NPHASES; i++) {
        jobs[i] = (dep_job){.cfg = c, .id = (cx_phase_id)i};
        jobs[i].skipped = cx_skip_reason(c, (cx_phase_id)i, jobs[i].skip_why,
                                         sizeof jobs[i].skip_why) != NULL;
        started[i] = !jobs[i].skipped && pthread_create(&th[i], NULL, check_one, &jobs[i]) == 0;
        if (!jobs[i].skipped && !started[i]) {
            jobs[i].a.rc = ARC_EXIT_FAIL;
            arc_strlcpy(jobs[i].a.why, "cannot start a thread", sizeof jobs[i].a.why);
        }
    }
    bool healthy = true;
    arc_buf bad;
    arc_buf_init(&bad);
    for (int i = 0; i < CX_NPHASES; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        if (!jobs[i].skipped && jobs[i].a.rc != 0) {
            healthy = false;
            arc_buf_printf(&bad, "%s\"%s\"", bad.len ? "," : "", cx_phase_names[i]);
        }
    }
    char at[32];
    cx_iso_now(at, sizeof at);
    arc_buf_printf(out, "{\"status\":\"%s\",\"checked_at\":\"%s\",\"unhealthy\":[%s],"
                   "\"services\":[", healthy ? "ok" : "unhealthy", at, arc_buf_str(&bad));
    for (int i = 0; i < CX_NPHASES; i++) {
        arc_buf_puts(out, i ? "," : "");
        dep_json(&jobs[i], out);
    }
    arc_buf_puts(out, "]}\n");
    arc_buf_free(&bad);
    r->end_unix = cx_unix_now();
    fill_round(jobs, r);
    cx_metric_deep(r);
    cx_trace_deep(r, healthy);
    cx_otlp_export_metrics();
    return healthy;
}

void cx_monitor_store(cx_monitor *m, bool healthy, const char *json)
{
    pthread_mutex_lock(&m->mu);
    arc_buf_reset(&m->last.json);
    arc_buf_puts(&m->last.json, json);
    m->last.checked = true;
    m->last.healthy = healthy;
    pthread_mutex_unlock(&m->mu);
}

bool cx_monitor_last(cx_monitor *m, bool *healthy, arc_buf *out)
{
    pthread_mutex_lock(&m->mu);
    bool have = m->last.checked;
    if (have) {
        *healthy = m->last.healthy;
        arc_buf_puts(out, arc_buf_str(&m->last.json));
    }
    pthread_mutex_unlock(&m->mu);
    return have;
}

static void *monitor_loop(void *arg)
{
    cx_monitor *m = arg;
    cx_deep_round prev, now;
    memset(&prev, 0, sizeof prev);
    arc_buf json;
    arc_buf_init(&json);
    pthread_mutex_lock(&m->mu);
    while (!m->stopping) {
        pthread_mutex_unlock(&m->mu);
        arc_buf_reset(&json);
        bool healthy = cx_deep_check(m->cfg, &json, &now);
        cx_monitor_store(m, healthy, arc_buf_str(&json));
        cx_event_health(&prev, &now);
        prev = now;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        double s = (double)until.tv_sec + until.tv_nsec / 1e9 + m->cfg->interval;
        until.tv_sec = (time_t)s;
        until.tv_nsec = (long)((s - (double)until.tv_sec) * 1e9);
        pthread_mutex_lock(&m->mu);
        while (!m->stopping && pthread_cond_timedwait(&m->cv, &m->mu, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&m->mu);
    arc_buf_free(&json);
    return NULL;
}

int cx_monitor_start(cx_monitor *m, const cx_config *c)
{
    memset(m, 0, sizeof *m);
    m->cfg = c;
    arc_buf_init(&m->last.json);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->cv, &ca);
    pthread_condattr_destroy(&ca);
    m->started = pthread_create(&m->thread, NULL, monitor_loop, m) == 0;
    return m->started ? 0 : -1;
}

void cx_monitor_stop(cx_monitor *m)
{
    pthread_mutex_lock(&m->mu);
    m->stopping = true;
    pthread_cond_broadcast(&m->cv);
    pthread_mutex_unlock(&m->mu);
    if (m->started)
        pthread_join(m->thread, NULL);
    pthread_cond_destroy(&m->cv);
    pthread_mutex_destroy(&m->mu);
    arc_buf_free(&m->last.json);
}
