/*
 * check.c — one attempt of httpprobe: GET the URL, then the status must be
 * --expect-status and, with --expect-body, the body must contain that text.
 * The reason of a failure is one line: the transport error ("Connection
 * refused", "no reply within 2.0s (timed out)") or what the reply got wrong.
 */
#include "httpprobe.h"

#include <string.h>

/* Does hay[0..n) contain needle? (The body may hold NUL bytes.) */
static bool contains(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k == 0)
        return true;
    for (size_t i = 0; i + k <= n; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, k) == 0)
            return true;
    return false;
}

static int judge(hp_check *k, const hp_reply *r, char *why, size_t whylen)
{
    const hp_options *o = k->opts;
    k->last_status = r->status;
    if (r->status != o->expect_status) {
        arc_snprintf(why, whylen, "HTTP %ld, expected %ld", r->status, o->expect_status);
        return ARC_EXIT_FAIL;
    }
    if (!o->expect_body) {
        arc_snprintf(why, whylen, "HTTP %ld", r->status);
        return ARC_EXIT_OK;
    }
    k->body_matched = contains(r->body.s ? r->body.s : "", r->body.len, o->expect_body);
    arc_snprintf(why, whylen, "HTTP %ld, body %s \"%.60s\"", r->status,
                 k->body_matched ? "contains" : "does not contain", o->expect_body);
    return k->body_matched ? ARC_EXIT_OK : ARC_EXIT_FAIL;
}

/* ,"http_status":...,"expect_status":...[,"expect_body":...,"body_matched":...] */
static void describe_json(hp_check *k)
{
    const hp_options *o = k->opts;
    arc_buf *j = &k->json;
    arc_buf_reset(j);
    if (k->last_status)
        arc_buf_printf(j, ",\"http_status\":%ld", k->last_status);
    else
        arc_buf_puts(j, ",\"http_status\":null");
    arc_buf_printf(j, ",\"expect_status\":%ld", o->expect_status);
    if (!o->expect_body)
        return;
    arc_buf_puts(j, ",\"expect_body\":");
    arc_buf_json_str(j, o->expect_body);
    arc_buf_printf(j, ",\"body_matched\":%s",
                   k->body_matched < 0 ? "null" : k->body_matched ? "true" : "false");
}

int hp_attempt(void *ctx, const arc_deadline *dl, char *why, size_t whylen)
{
    hp_check *k = ctx;
    k->last_status = 0;
    k->body_matched = -1;
    hp_reply r;
    hp_reply_init(&r);
    int rc = ARC_EXIT_FAIL;
    if (hp_fetch(k->opts, dl, &r) == 0)
        rc = judge(k, &r, why, whylen);
    else
        arc_strlcpy(why, r.err, whylen);
    describe_json(k);
    hp_reply_free(&r);
    return rc;
}
