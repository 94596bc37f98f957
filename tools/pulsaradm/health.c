/* health.c — `health` (GET /admin/v2/brokers/health) and `ready`
 * (GET /admin/v2/brokers/ready): healthy only on HTTP 200 with body `ok`. */
#include "pulsaradm.h"

#include <string.h>
#include <strings.h>

typedef struct {
    pa_ctx *x;
    const char *path;
    long status; /* of the last reply, 0 when none */
} health_check;

/* The body is the raw two bytes `ok`; the Java admin client trims it and
 * compares without case, and so do we. */
static bool body_is_ok(const pa_reply *r)
{
    const char *s = r->body.s;
    size_t n = r->body.len;
    while (n > 0 && strchr(" \t\r\n", s[0])) {
        s++;
        n--;
    }
    while (n > 0 && strchr(" \t\r\n", s[n - 1]))
        n--;
    return n == 2 && strncasecmp(s, "ok", 2) == 0;
}

static int attempt(void *ud, const arc_deadline *dl, char *why, size_t n)
{
    health_check *h = ud;
    pa_reply r;
    pa_reply_init(&r);
    int rc = ARC_EXIT_FAIL;
    if (pa_http_do(h->x->http, "GET", h->path, NULL, dl, &r) != 0) {
        pa_reply_line(h->x, &r, why, n);
    } else if (r.status == 200 && body_is_ok(&r)) {
        arc_strlcpy(why, "ok", n);
        rc = ARC_EXIT_OK;
    } else if (r.status == 200) {
        char shown[96];
        pa_reply_snippet(&r, shown, sizeof shown);
        arc_snprintf(why, n, "unexpected reply %s (want 'ok')", shown);
    } else {
        pa_reply_line(h->x, &r, why, n);
    }
    h->status = r.status;
    pa_reply_free(&r);
    return rc;
}

static int run_check(pa_ctx *x, const char *check, bool report_ok)
{
    health_check h = {x, strcmp(check, "ready") == 0 ? "/admin/v2/brokers/ready"
                                                     : "/admin/v2/brokers/health", 0};
    char why[768], extra[64];
    arc_retry_result res = arc_retry(&x->c, attempt, &h, why, sizeof why);
    if (res.rc == ARC_EXIT_OK && !report_ok)
        return ARC_EXIT_OK;
    arc_snprintf(extra, sizeof extra, ",\"http_status\":%ld", h.status);
    return arc_report_retry(&x->c, &res, check, x->target, why, extra);
}

int pa_cmd_health(pa_ctx *x, const char *check)
{
    return run_check(x, check, true);
}

int pa_wait_healthy(pa_ctx *x)
{
    if (x->c.wait <= 0)
        return ARC_EXIT_OK;
    return run_check(x, "health", false);
}

int pa_health_once(pa_ctx *x, const arc_deadline *dl, char *why, size_t n)
{
    health_check h = {x, "/admin/v2/brokers/health", 0};
    return attempt(&h, dl, why, n);
}
