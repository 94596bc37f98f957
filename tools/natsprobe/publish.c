/*
 * publish.c — `natsprobe publish SUBJECT`: one lifecycle event, a JSON
 * envelope with CloudEvents' field names, published with JetStream and its
 * ack checked (a subject no stream stores is a failure, not a silent
 * drop). The envelope comes from stdin, or is built from --type, --source,
 * --about and --data. np_event_build and np_publish_once serve cortex too.
 *   {"specversion":"1.0","id":"<32 hex>","time":"2025-01-01T00:00:00.123Z",
 *    "source":"arc-kit","type":"arc.lifecycle.started","subject":"flash",
 *    "datacontenttype":"application/json","data":{...}}
 */
#include "natsprobe.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* 128 random bits as 32 hex digits (the kernel's generator). */
static void random_hex(char *out, size_t nbytes)
{
    unsigned char raw[32] = {0};
    if (nbytes > sizeof raw)
        nbytes = sizeof raw;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, raw, nbytes) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)nbytes) { /* no /dev/urandom (scratch): time and pid */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
        for (size_t i = 0; i < nbytes; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            raw[i] = (unsigned char)x;
        }
    }
    for (size_t i = 0; i < nbytes; i++)
        arc_snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

void np_random_hex(char *out, size_t nbytes)
{
    random_hex(out, nbytes);
}

/* RFC 3339, UTC, milliseconds. */
static void rfc3339_now(char *out, size_t n)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    char s[32];
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
    arc_snprintf(out, n, "%s.%03ldZ", s, ts.tv_nsec / 1000000);
}

void np_event_build(const np_event *e, arc_buf *out)
{
    char id[33], at[40];
    random_hex(id, 16);
    rfc3339_now(at, sizeof at);
    arc_buf_printf(out, "{\"specversion\":\"1.0\",\"id\":\"%s\",\"time\":\"%s\",\"source\":", id,
                   at);
    arc_buf_json_str(out, e->source);
    arc_buf_puts(out, ",\"type\":");
    arc_buf_json_str(out, e->type);
    arc_buf_puts(out, ",\"subject\":");
    arc_buf_json_str(out, e->about);
    arc_buf_puts(out, ",\"datacontenttype\":\"application/json\",\"data\":");
    arc_buf_puts(out, e->data && *e->data ? e->data : "{}");
    arc_buf_puts(out, "}");
}

/* The envelope must be a JSON object naming specversion, id, source, type. */
int np_event_check(const char *payload, size_t len, char *err, size_t errlen)
{
    arc_json j;
    if (arc_json_parse(&j, payload, len, err, errlen) != 0)
        return ARC_EXIT_DATAERR;
    int rc = ARC_EXIT_OK;
    static const char *const need[] = {"specversion", "id", "source", "type"};
    if (!arc_json_is(&j, 0, JSMN_OBJECT)) {
        arc_errf(err, errlen, "the event must be a JSON object");
        rc = ARC_EXIT_DATAERR;
    }
    for (size_t i = 0; rc == 0 && i < sizeof need / sizeof need[0]; i++) {
        if (arc_json_get(&j, 0, need[i]) < 0) {
            arc_errf(err, errlen, "the event has no \"%s\" (CloudEvents)", need[i]);
            rc = ARC_EXIT_DATAERR;
        }
    }
    arc_json_free(&j);
    return rc;
}

/* Publish payload on subj over nc; the stream's ack into ack. */
static int js_send(natsConnection *nc, const arc_deadline *dl, const char *subj,
                   const char *payload, const char *msgid, np_pub_ack *ack, char *why,
                   size_t whylen)
{
    jsCtx *js = NULL;
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = np_ms_left(dl);
    natsStatus s = natsConnection_JetStream(&js, nc, &jo);
    if (s != NATS_OK) {
        np_nats_error(s, "JetStream context", why, whylen);
        return ARC_EXIT_FAIL;
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = np_ms_left(dl);
    po.MsgId = msgid && *msgid ? msgid : NULL;
    jsPubAck *pa = NULL;
    jsErrCode jerr = 0;
    s = js_Publish(&pa, js, subj, payload, (int)strlen(payload), &po, &jerr);
    int rc = s == NATS_OK ? ARC_EXIT_OK : ARC_EXIT_FAIL;
    if (s == NATS_NO_RESPONDERS)
        arc_errf(why, whylen, "no stream stores '%s' (no JetStream ack)", subj);
    else if (s == NATS_TIMEOUT)
        arc_errf(why, whylen, "no JetStream ack within the deadline");
    else if (s != NATS_OK)
        np_nats_error(s, jerr ? "rejected by JetStream" : "publish", why, whylen);
    if (rc == ARC_EXIT_OK && pa) {
        arc_strlcpy(ack->stream, pa->Stream ? pa->Stream : "", sizeof ack->stream);
        ack->seq = pa->Sequence;
        ack->duplicate = pa->Duplicate;
    }
    jsPubAck_Destroy(pa);
    jsCtx_Destroy(js);
    return rc;
}

/* The envelope's id, for JetStream's de-duplication (Nats-Msg-Id). */
static void envelope_id(const char *payload, char *out, size_t n)
{
    arc_json j;
    char err[64];
    out[0] = '\0';
    if (arc_json_parse(&j, payload, strlen(payload), err, sizeof err) != 0)
        return;
    int v = arc_json_get(&j, 0, "id");
    if (v < 0 || arc_json_str(&j, v, out, n) != 0)
        out[0] = '\0';
    arc_json_free(&j);
}

/* publish: an arc_attempt_fn (ctx: np_apply_run). */
int np_publish(void *ctx, const arc_deadline *dl, char *why, size_t whylen)
{
    np_run *r = ctx;
    natsConnection *nc = NULL;
    if (np_run_connect(r, dl, &nc, why, whylen) != 0)
        return ARC_EXIT_FAIL;
    char id[128];
    np_pub_ack ack = {{0}, 0, false};
    envelope_id(r->opts->payload, id, sizeof id);
    int rc = js_send(nc, dl, r->opts->subject, r->opts->payload, id, &ack, why, whylen);
    if (rc == ARC_EXIT_OK) {
        arc_snprintf(why, whylen, "%s: stream %s, seq %llu%s", r->opts->subject, ack.stream,
                     (unsigned long long)ack.seq, ack.duplicate ? " (duplicate)" : "");
        arc_buf_puts(&r->extra, ",\"subject\":");
        arc_buf_json_str(&r->extra, r->opts->subject);
        arc_buf_puts(&r->extra, ",\"stream\":");
        arc_buf_json_str(&r->extra, ack.stream);
        arc_buf_printf(&r->extra, ",\"seq\":%llu,\"duplicate\":%s", (unsigned long long)ack.seq,
                       ack.duplicate ? "true" : "false");
    }
    np_disconnect(nc);
    return rc;
}

int np_publish_once(const char *server, const char *subject, const char *payload,
                    const arc_deadline *dl, np_pub_ack *ack, char *why, size_t n)
{
    np_options o = {.cmd = NP_PUBLISH, .server = server, .server_origin = "NATS_URL"};
    o.subject = subject;
    o.payload = payload;
    o.common = (arc_common){.prog = "natsprobe", .usage = "", .timeout = 5, .quiet = true,
                            .warning = -1, .critical = -1, .t0 = arc_now()};
    np_target *t = calloc(1, sizeof *t);
    if (!t)
        return arc_errf(why, n, "out of memory"), ARC_EXIT_FAIL;
    int rc = np_target_resolve(&o, t, why, n) != 0 ? ARC_EXIT_USAGE : ARC_EXIT_OK;
    natsConnection *nc = NULL;
    if (rc == ARC_EXIT_OK)
        rc = np_connect(t, dl, &nc, why, n);
    char id[128];
    envelope_id(payload, id, sizeof id);
    if (rc == ARC_EXIT_OK)
        rc = js_send(nc, dl, subject, payload, id, ack, why, n);
    np_disconnect(nc);
    arc_wipe(t, sizeof *t);
    free(t);
    return rc;
}
