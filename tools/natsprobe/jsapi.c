/* jsapi.c — JetStream's request/reply API ($JS.API.*) as JSON over the
 * connection, paging through the stream list, and `jetstream`. */
#include "natsprobe.h"

#include <stdlib.h>
#include <string.h>

void np_reply_free(np_reply *r)
{
    arc_json_free(&r->j);
    free(r->text);
    memset(r, 0, sizeof *r);
}

/* Why a request got no reply. */
static void request_error(natsStatus s, const char *subj,
                          const arc_deadline *dl, char *why, size_t whylen)
{
    if (s == NATS_NO_RESPONDERS)
        arc_snprintf(why, whylen, "JetStream is not enabled (no responders for %s)", subj);
    else if (s == NATS_TIMEOUT)
        arc_snprintf(why, whylen, "%s: no answer within %.1fs", subj, arc_now() - dl->start);
    else
        np_nats_error(s, subj, why, whylen);
}

/* The API error object, if the reply is one. */
static void read_error(np_reply *r)
{
    int e = arc_json_get(&r->j, 0, "error");
    if (!arc_json_is(&r->j, e, JSMN_OBJECT))
        return;
    long long code = 0;
    if (arc_json_int(&r->j, arc_json_get(&r->j, e, "err_code"), &code) != 0 || code == 0)
        arc_json_int(&r->j, arc_json_get(&r->j, e, "code"), &code);
    r->err_code = code ? code : -1;
    if (arc_json_str(&r->j, arc_json_get(&r->j, e, "description"), r->err, sizeof r->err) != 0)
        arc_strlcpy(r->err, "error without a description", sizeof r->err);
}

static int take_reply(np_reply *r, natsMsg *m, const char *subj, char *why, size_t whylen)
{
    int len = natsMsg_GetDataLength(m);
    r->text = malloc((size_t)len + 1);
    if (!r->text) {
        arc_snprintf(why, whylen, "%s: out of memory", subj);
        return ARC_EXIT_FAIL;
    }
    memcpy(r->text, natsMsg_GetData(m), (size_t)len);
    r->text[len] = '\0';
    char err[256];
    if (arc_json_parse(&r->j, r->text, (size_t)len, err, sizeof err) != 0 ||
        !arc_json_is(&r->j, 0, JSMN_OBJECT)) {
        arc_snprintf(why, whylen, "%s: malformed reply (%s)", subj,
                     r->j.tok ? "not an object" : err);
        return ARC_EXIT_FAIL;
    }
    read_error(r);
    return ARC_EXIT_OK;
}

int np_js_call(natsConnection *nc, const arc_deadline *dl, const char *subj,
               const char *body, np_reply *r, char *why, size_t whylen)
{
    memset(r, 0, sizeof *r);
    natsMsg *m = NULL;
    natsStatus s = natsConnection_Request(&m, nc, subj, body, (int)strlen(body), np_ms_left(dl));
    if (s != NATS_OK) {
        request_error(s, subj, dl, why, whylen);
        return ARC_EXIT_FAIL;
    }
    int rc = take_reply(r, m, subj, why, whylen);
    natsMsg_Destroy(m);
    if (rc != ARC_EXIT_OK)
        np_reply_free(r);
    return rc;
}

/* One page of $JS.API.STREAM.LIST: calls fn per stream; *count, *total. */
static int list_page(natsConnection *nc, const arc_deadline *dl,
                     long long offset, np_stream_fn fn, void *ctx, long long *count,
                     long long *total, char *why, size_t whylen)
{
    char body[64];
    np_reply r;
    arc_snprintf(body, sizeof body, "{\"offset\":%lld}", offset);
    int rc = np_js_call(nc, dl, "$JS.API.STREAM.LIST", body, &r, why, whylen);
    if (rc != ARC_EXIT_OK)
        return rc;
    *count = 0;
    if (r.err_code) {
        arc_snprintf(why, whylen, "listing streams: %s", r.err);
        rc = ARC_EXIT_FAIL;
    } else if (arc_json_int(&r.j, arc_json_get(&r.j, 0, "total"), total) != 0) {
        arc_snprintf(why, whylen, "listing streams: the reply has no total");
        rc = ARC_EXIT_FAIL;
    }
    int arr = arc_json_get(&r.j, 0, "streams");
    if (rc == ARC_EXIT_OK && arc_json_is(&r.j, arr, JSMN_ARRAY)) {
        for (int i = arr + 1, k = 0; rc == ARC_EXIT_OK && k < r.j.tok[arr].size;
             k++, i = arc_json_next(&r.j, i)) {
            rc = fn(ctx, &r.j, i);
            (*count)++;
        }
    }
    np_reply_free(&r);
    return rc;
}

int np_js_each_stream(natsConnection *nc, const arc_deadline *dl,
                      np_stream_fn fn, void *ctx, char *why, size_t whylen)
{
    long long offset = 0, count = 0, total = 0;
    for (;;) {
        int rc = list_page(nc, dl, offset, fn, ctx, &count, &total, why, whylen);
        if (rc != ARC_EXIT_OK)
            return rc;
        offset += count;
        if (count == 0 || offset >= total)
            return ARC_EXIT_OK;
    }
}

/* Numbers of the account-info reply, for the detail and --json. */
static void account_summary(const np_reply *r, char *why, size_t whylen, arc_buf *extra)
{
    long long streams = 0, consumers = 0, memory = 0, storage = 0;
    arc_json_int(&r->j, arc_json_get(&r->j, 0, "streams"), &streams);
    arc_json_int(&r->j, arc_json_get(&r->j, 0, "consumers"), &consumers);
    arc_json_int(&r->j, arc_json_get(&r->j, 0, "memory"), &memory);
    arc_json_int(&r->j, arc_json_get(&r->j, 0, "storage"), &storage);
    arc_snprintf(why, whylen, "JetStream enabled: %lld streams, %lld consumers, "
                 "%lld bytes memory, %lld bytes storage", streams, consumers, memory, storage);
    arc_buf_printf(extra, ",\"streams\":%lld,\"consumers\":%lld,\"memory\":%lld,\"storage\":%lld",
                   streams, consumers, memory, storage);
}

/* jetstream: the account's JetStream answers $JS.API.INFO without error. */
int np_jetstream(void *ctx, const arc_deadline *dl, char *why, size_t whylen)
{
    np_run *run = ctx;
    natsConnection *nc = NULL;
    if (np_run_connect(run, dl, &nc, why, whylen) != 0)
        return ARC_EXIT_FAIL;
    np_reply r;
    int rc = np_js_call(nc, dl, "$JS.API.INFO", "", &r, why, whylen);
    if (rc == ARC_EXIT_OK && r.err_code) {
        arc_snprintf(why, whylen, "JetStream is not usable: %s (err_code %lld)", r.err,
                     r.err_code);
        rc = ARC_EXIT_FAIL;
    } else if (rc == ARC_EXIT_OK) {
        account_summary(&r, why, whylen, &run->extra);
    }
    np_reply_free(&r); /* np_js_call leaves r empty on failure */
    np_disconnect(nc);
    return rc;
}
