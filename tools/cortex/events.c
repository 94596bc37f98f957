/* events.c — the lifecycle events cortex publishes (docs/events.md), through the
 * outbox: core.lifecycle.cortex.bootstrap_completed|bootstrap_failed after each
 * bootstrap, core.lifecycle.<codename>.healthy|unhealthy when the monitor sees a
 * dependency change state (its first round included). Source "arc-cortex". */
#include "cortex.h"
#include "natsprobe.h"

#include <stdlib.h>
#include <string.h>

void cx_event(const char *codename, const char *event, const char *data)
{
    char subject[160], type[96];
    arc_snprintf(subject, sizeof subject, "core.lifecycle.%s.%s", codename, event);
    arc_snprintf(type, sizeof type, "arc.lifecycle.%s", event);
    np_event e = {"arc-cortex", type, codename, data};
    arc_buf b;
    arc_buf_init(&b);
    np_event_build(&e, &b);
    char *payload = b.oom ? NULL : strdup(arc_buf_str(&b));
    arc_buf_free(&b);
    if (payload)
        cx_outbox_push(CX_OUT_EVENT, subject, payload);
}

void cx_bootstrap_done(const cx_bootstrap *b, double seconds)
{
    if (b->interrupted)
        return;
    cx_metric_bootstrap(b, seconds);
    cx_event_bootstrap(b, seconds);
    cx_trace_bootstrap(b, seconds);
    cx_otlp_export_metrics();
}

void cx_event_bootstrap(const cx_bootstrap *b, double seconds)
{
    arc_buf d;
    arc_buf_init(&d);
    arc_buf_printf(&d, "{\"ok\":%s,\"duration_s\":%.3f,\"phases\":[", b->ok ? "true" : "false",
                   seconds);
    for (int k = 0; k < b->nrun; k++) {
        const cx_phase_run *ph = &b->ph[b->order[k]];
        arc_buf_printf(&d, "%s{\"phase\":\"%s\",\"status\":\"%s\",\"attempts\":%u}", k ? "," : "",
                       cx_phase_names[ph->id], ph->ok ? "ok" : "failed", ph->attempts);
    }
    arc_buf_puts(&d, "]}");
    cx_event("cortex", b->ok ? "bootstrap_completed" : "bootstrap_failed", arc_buf_str(&d));
    arc_buf_free(&d);
}

void cx_event_health(const cx_deep_round *prev, const cx_deep_round *now)
{
    for (int i = 0; i < CX_NPHASES; i++) {
        if (now->skipped[i] || (prev->known[i] && prev->up[i] == now->up[i]))
            continue;
        char data[1400];
        arc_buf why;
        arc_buf_init(&why);
        arc_buf_json_str(&why, now->up[i] ? "" : now->why[i]);
        arc_snprintf(data, sizeof data, "{\"dependency\":\"%s\",\"latency_ms\":%.3f%s%s}",
                     cx_phase_names[i], now->ms[i], now->up[i] ? "" : ",\"error\":",
                     now->up[i] ? "" : arc_buf_str(&why));
        arc_buf_free(&why);
        cx_event(cx_phase_services[i], now->up[i] ? "healthy" : "unhealthy", data);
    }
}
