/* out.c — every message a probe prints goes through here. */
#include "arc.h"

#include <string.h>

void arc_err(const arc_common *c, const char *fmt, ...)
{
    if (c->quiet)
        return;
    va_list ap;
    fprintf(stderr, "%s: ", c->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void arc_progress(const arc_common *c, unsigned attempt, double left,
                  const char *why)
{
    if (c->quiet || !c->tty)
        return;
    fprintf(stderr, "\r\033[K%s: waiting (attempt %u, %.0fs left): %.60s",
            c->prog, attempt, left, why);
    fflush(stderr);
}

void arc_progress_done(const arc_common *c)
{
    if (c->quiet || !c->tty)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
}

int arc_report(const arc_common *c, const arc_result *r)
{
    int rc = r->ok ? ARC_EXIT_OK : ARC_EXIT_FAIL;
    if (c->quiet)
        return rc;
    arc_buf b;
    arc_buf_init(&b);
    if (c->json) {
        arc_buf_puts(&b, "{\"probe\":");
        arc_buf_json_str(&b, c->prog);
        arc_buf_puts(&b, ",\"check\":");
        arc_buf_json_str(&b, r->check);
        arc_buf_puts(&b, ",\"target\":");
        arc_buf_json_str(&b, r->target);
        arc_buf_printf(&b, ",\"ok\":%s,\"status\":\"%s\"", r->ok ? "true" : "false",
                       r->ok ? "ok" : "fail");
        if (r->latency_ms >= 0)
            arc_buf_printf(&b, ",\"latency_ms\":%.3f", r->latency_ms);
        arc_buf_printf(&b, ",\"attempts\":%u,\"detail\":", r->attempts ? r->attempts : 1);
        arc_buf_json_str(&b, r->detail ? r->detail : "");
        if (r->json_extra)
            arc_buf_puts(&b, r->json_extra);
        arc_buf_puts(&b, "}\n");
    } else {
        arc_buf_printf(&b, "%s %s %s %s", c->prog, r->ok ? "OK" : "FAIL", r->check,
                       r->target);
        if (r->detail && *r->detail)
            arc_buf_printf(&b, ": %s", r->detail);
        if (r->latency_ms >= 0)
            arc_buf_printf(&b, " (%.2f ms)", r->latency_ms);
        if (r->attempts > 1)
            arc_buf_printf(&b, " after %u attempts", r->attempts);
        arc_buf_puts(&b, "\n");
    }
    fputs(arc_buf_str(&b), stdout);
    fflush(stdout);
    arc_buf_free(&b);
    return rc;
}
