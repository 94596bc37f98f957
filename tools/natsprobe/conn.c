/* conn.c — one connection to the server, bounded by the deadline, with
 * reconnects off; nats.c's errors turned into short reasons; and `ping`. */
#include "natsprobe.h"

#include <string.h>

int64_t np_ms_left(const arc_deadline *dl)
{
    int ms = arc_deadline_left_ms(dl);
    return ms > 0 ? ms : 1;
}

void np_nats_error(natsStatus s, const char *what, char *why,
                   size_t whylen)
{
    natsStatus last = NATS_OK;
    const char *text = nats_GetLastError(&last);
    if (!text || !*text || last != s)
        text = natsStatus_GetText(s);
    if (text[0] == '(' && strstr(text, "): ")) /* "(conn.c:1905): " */
        text = strstr(text, "): ") + 3;
    arc_snprintf(why, whylen, "%s: %s", what, text);
}

static natsStatus set_auth(natsOptions *no, const np_target *t)
{
    natsStatus s = NATS_OK;
    if (t->token[0])
        s = natsOptions_SetToken(no, t->token);
    if (s == NATS_OK && t->user[0])
        s = natsOptions_SetUserInfo(no, t->user, t->pass);
    if (s == NATS_OK && t->creds[0])
        s = natsOptions_SetUserCredentialsFromFiles(no, t->creds, NULL);
    return s;
}

/* One server, no reconnects, no discovered servers, connect within dl. */
static natsStatus make_options(const np_target *t, const arc_deadline *dl, natsOptions **out)
{
    natsOptions *no = NULL;
    natsStatus s = natsOptions_Create(&no);
    if (s == NATS_OK)
        s = natsOptions_SetURL(no, t->url);
    if (s == NATS_OK)
        s = natsOptions_SetName(no, "natsprobe");
    if (s == NATS_OK)
        s = natsOptions_SetTimeout(no, np_ms_left(dl));
    if (s == NATS_OK)
        s = natsOptions_SetAllowReconnect(no, false);
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(no, 0);
    if (s == NATS_OK)
        s = natsOptions_SetIgnoreDiscoveredServers(no, true);
    if (s == NATS_OK)
        s = natsOptions_SetFailRequestsOnDisconnect(no, true);
    if (s == NATS_OK)
        s = set_auth(no, t);
    if (s != NATS_OK) {
        natsOptions_Destroy(no);
        no = NULL;
    }
    *out = no;
    return s;
}

static void connect_error(natsStatus s, const arc_deadline *dl, char *why,
                          size_t whylen)
{
    if (s == NATS_CONNECTION_AUTH_FAILED || s == NATS_NOT_PERMITTED)
        np_nats_error(s, "authorization failed", why, whylen);
    else if (s == NATS_TIMEOUT)
        arc_snprintf(why, whylen, "no answer from the server within %.1fs",
                     arc_now() - dl->start);
    else if (s == NATS_NO_SERVER)
        arc_snprintf(why, whylen, "cannot connect (connection refused or unreachable)");
    else
        np_nats_error(s, "cannot connect", why, whylen);
}

int np_connect(const np_target *t, const arc_deadline *dl, natsConnection **nc, char *why,
               size_t whylen)
{
    natsOptions *no = NULL;
    *nc = NULL;
    natsStatus s = make_options(t, dl, &no);
    if (s != NATS_OK) {
        np_nats_error(s, "NATS client options", why, whylen);
        return ARC_EXIT_FAIL;
    }
    s = natsConnection_Connect(nc, no);
    natsOptions_Destroy(no);
    if (s == NATS_OK)
        return ARC_EXIT_OK;
    connect_error(s, dl, why, whylen);
    natsConnection_Destroy(*nc);
    *nc = NULL;
    return ARC_EXIT_FAIL;
}

int np_run_connect(np_run *run, const arc_deadline *dl, natsConnection **nc, char *why,
                   size_t whylen)
{
    arc_buf_reset(&run->text);
    arc_buf_reset(&run->extra);
    return np_connect(run->t, dl, nc, why, whylen);
}

void np_disconnect(natsConnection *nc)
{
    if (!nc)
        return;
    natsConnection_Close(nc);
    natsConnection_Destroy(nc);
}

/* ping: connect, then PING and wait for the PONG (a flush). */
int np_ping(void *ctx, const arc_deadline *dl, char *why, size_t whylen)
{
    np_run *r = ctx;
    natsConnection *nc = NULL;
    double t0 = arc_now();
    if (np_run_connect(r, dl, &nc, why, whylen) != 0)
        return ARC_EXIT_FAIL;
    double t1 = arc_now();
    natsStatus s = natsConnection_FlushTimeout(nc, np_ms_left(dl));
    double rtt = (arc_now() - t1) * 1000.0, connect_ms = (t1 - t0) * 1000.0;
    int rc = ARC_EXIT_OK;
    if (s == NATS_TIMEOUT) {
        arc_snprintf(why, whylen, "connected, but no PONG within the deadline");
        rc = ARC_EXIT_FAIL;
    } else if (s != NATS_OK) {
        np_nats_error(s, "PING", why, whylen);
        rc = ARC_EXIT_FAIL;
    } else {
        arc_snprintf(why, whylen, "PONG, rtt %.2f ms, connect %.2f ms", rtt, connect_ms);
        arc_buf_printf(&r->extra, ",\"rtt_ms\":%.3f,\"connect_ms\":%.3f", rtt, connect_ms);
    }
    np_disconnect(nc);
    return rc;
}
