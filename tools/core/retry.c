/* retry.c — one attempt, or --wait: retry with backoff until the deadline;
 * then the verdict. */
#include "arc.h"

#include <unistd.h>

#define RETRY_BASE 0.1
#define RETRY_CAP 2.0
#define RETRY_JITTER 0.5

arc_retry_result arc_retry(const arc_common *c, arc_attempt_fn fn, void *ctx,
                           char *why, size_t whylen)
{
    arc_retry_result res = {ARC_EXIT_FAIL, 0, 0, 0};
    arc_deadline overall; /* from the start of the run: reading files counts */
    arc_common from_start = *c;
    from_start.timeout = c->wait > 0 ? c->wait : c->timeout;
    arc_deadline_since_start(&from_start, &overall);
    arc_backoff bo;
    arc_backoff_init(&bo, RETRY_BASE, RETRY_CAP, RETRY_JITTER,
                     (uint64_t)(arc_now() * 1e6) ^ (uint64_t)getpid());
    for (;;) {
        arc_deadline per;
        arc_deadline_init(&per, c->timeout);
        per = arc_deadline_min(&per, &overall);
        why[0] = '\0';
        double t0 = arc_now();
        res.rc = fn(ctx, &per, why, whylen);
        res.last_ms = (arc_now() - t0) * 1000.0;
        res.attempts++;
        if (res.rc != ARC_EXIT_FAIL || c->wait <= 0)
            break;
        double left = arc_deadline_left(&overall);
        if (left <= 0)
            break;
        arc_progress(c, res.attempts, left, why);
        double delay = arc_backoff_next(&bo);
        arc_sleep(delay < left ? delay : left);
        if (arc_deadline_expired(&overall))
            break;
    }
    arc_progress_done(c);
    res.elapsed = arc_deadline_elapsed(&overall);
    return res;
}

int arc_report_retry(const arc_common *c, const arc_retry_result *res, const char *check,
                     const char *target, const char *detail, const char *json_extra)
{
    arc_result r = {
        .ok = res->rc == ARC_EXIT_OK,
        .check = check,
        .target = target,
        .latency_ms = res->last_ms,
        .attempts = res->attempts,
        .detail = detail,
        .json_extra = json_extra,
    };
    return arc_report(c, &r);
}

int arc_run_check(const arc_common *c, const char *check, const char *target,
                  arc_attempt_fn fn, void *ctx, const arc_buf *extra)
{
    char why[2048];
    arc_retry_result res = arc_retry(c, fn, ctx, why, sizeof why);
    return arc_report_retry(c, &res, check, target, why, extra ? arc_buf_str(extra) : NULL);
}
