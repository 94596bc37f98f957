/* outbox.c — what cortex sends out on the side (lifecycle events to JetStream,
 * OTLP trace and metrics exports) goes through one bounded queue and one background thread,
 * so sending never delays nor fails a bootstrap or a request: a full queue drops
 * (counted in /metrics), an event is bounded by ARC_CORTEX_EVENT_TIMEOUT (2 s),
 * an export by ARC_CORTEX_OTLP_TIMEOUT (2 s).
 * cx_outbox_stop drains what is queued within a bound, then stops the thread; while
 * it drains, an OTLP export after one that failed is dropped (counted), not tried:
 * the endpoint is down or silent, and the exit would wait a timeout per export. */
#include "cortex.h"
#include "natsprobe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OUT_MAX 64

typedef struct {
    cx_out_kind kind;
    char *subject; /* event: the NATS subject; OTLP: "metrics" or NULL (traces) */
    char *payload;
} out_item;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    out_item q[OUT_MAX];
    int head, n;
    bool started, stopping, busy, draining, otlp_failed;
    double send_timeout, otlp_timeout;
    const char *nats_url;
    pthread_t thread;
} ob = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void send_event(const out_item *it)
{
    arc_deadline dl;
    arc_deadline_init(&dl, ob.send_timeout);
    np_pub_ack ack = {{0}, 0, false};
    char why[512];
    int rc = np_publish_once(ob.nats_url, it->subject, it->payload, &dl, &ack, why, sizeof why);
    cx_metric_event(rc == 0);
    if (rc != 0)
        fprintf(stderr, "%s: event %s not published: %s\n", CX_PROG, it->subject, why);
}

static void *outbox_loop(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&ob.mu);
    for (;;) {
        while (ob.n == 0 && !ob.stopping)
            pthread_cond_wait(&ob.cv, &ob.mu);
        if (ob.n == 0)
            break;
        out_item it = ob.q[ob.head];
        ob.head = (ob.head + 1) % OUT_MAX;
        ob.n--;
        ob.busy = true;
        bool skip = it.kind == CX_OUT_OTLP && ob.draining && ob.otlp_failed;
        pthread_mutex_unlock(&ob.mu);
        bool failed = false;
        if (skip)
            cx_metric_drop(it.kind);
        else if (it.kind == CX_OUT_EVENT)
            send_event(&it);
        else
            failed = !cx_otlp_send(it.subject != NULL, it.payload, ob.otlp_timeout);
        free(it.subject);
        free(it.payload);
        pthread_mutex_lock(&ob.mu);
        if (it.kind == CX_OUT_OTLP && !skip)
            ob.otlp_failed = failed;
        ob.busy = false;
        pthread_cond_broadcast(&ob.cv);
    }
    pthread_mutex_unlock(&ob.mu);
    return NULL;
}

void cx_outbox_start(const cx_config *c)
{
    pthread_mutex_lock(&ob.mu);
    ob.send_timeout = c->event_timeout;
    ob.otlp_timeout = c->otlp_timeout;
    ob.nats_url = c->nats_url;
    ob.stopping = ob.draining = ob.otlp_failed = false;
    ob.started = pthread_create(&ob.thread, NULL, outbox_loop, NULL) == 0;
    pthread_mutex_unlock(&ob.mu);
}

bool cx_outbox_push(cx_out_kind kind, const char *subject, char *payload)
{
    pthread_mutex_lock(&ob.mu);
    bool ok = ob.started && !ob.stopping && ob.n < OUT_MAX;
    char *subj = ok && subject ? strdup(subject) : NULL;
    if (ok) {
        ob.q[(ob.head + ob.n) % OUT_MAX] = (out_item){kind, subj, payload};
        ob.n++;
        pthread_cond_signal(&ob.cv);
    }
    pthread_mutex_unlock(&ob.mu);
    if (!ok) {
        free(payload);
        cx_metric_drop(kind);
    }
    return ok;
}

/* Wait up to flush seconds for the queue to empty, then stop the thread (an
 * item still queued is dropped and counted; the one being sent finishes within
 * its own timeout). */
void cx_outbox_stop(double flush)
{
    pthread_mutex_lock(&ob.mu);
    if (!ob.started) {
        pthread_mutex_unlock(&ob.mu);
        return;
    }
    ob.draining = true;
    double end = arc_now() + flush;
    while ((ob.n > 0 || ob.busy) && arc_now() < end) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 20000000;
        if (ts.tv_nsec >= 1000000000L)
            ts.tv_sec++, ts.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&ob.cv, &ob.mu, &ts);
    }
    while (ob.n > 0) {
        out_item *it = &ob.q[ob.head];
        cx_metric_drop(it->kind);
        free(it->subject);
        free(it->payload);
        ob.head = (ob.head + 1) % OUT_MAX;
        ob.n--;
    }
    ob.stopping = true;
    pthread_cond_broadcast(&ob.cv);
    pthread_mutex_unlock(&ob.mu);
    pthread_join(ob.thread, NULL);
    ob.started = false;
}
