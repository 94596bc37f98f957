/*
 * jspub — publish COUNT messages to a JetStream subject, each with its ack,
 * at a steady rate, and say what was acknowledged. The load of `make bench`
 * (publish-with-ack throughput, one node and the ha profile's R3 cluster) and
 * of the ha fault test (a node killed while publishing: every acknowledged
 * message must be readable afterwards).
 *
 *   jspub [--rate N] [--ack-wait MS] [--acked FILE] [--floor] URL[,URL...] SUBJECT COUNT
 *
 * URLs: every server of the cluster (the client fails over between them).
 * --rate: messages a second (0, the default: each as soon as the last is acked).
 * A publish that gets no ack within --ack-wait (default 2000 ms) is counted as
 * failed and the next one follows: only acknowledged messages are promised.
 * --acked FILE: "SEQ ID" of every acknowledged message, a line each.
 * --floor: core NATS instead, each publish followed by a flush (PING/PONG): the round
 * trip any acknowledged publish costs at least, with nothing stored.
 * Each message has its own id (Nats-Msg-Id "jspub-<pid>-<start>-<n>"): a run never
 * repeats an earlier run's ids, which JetStream would drop as duplicates; an ack
 * that says duplicate counts as failed.
 * Prints one line: published, acked, failed, the highest acked sequence, the
 * elapsed seconds, acks a second and the ack latency's p50/p99 in ms.
 * Exit: 0 every message acked, 1 some failed, 64 bad usage.
 */
#define _POSIX_C_SOURCE 200809L
#include <nats/nats.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_SERVERS 8

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap(double sec)
{
    if (sec <= 0)
        return;
    struct timespec ts = {(time_t)sec, (long)((sec - (double)(time_t)sec) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static int usage(const char *why)
{
    fprintf(stderr, "jspub: %s\nUsage: jspub [--rate N] [--ack-wait MS] [--acked FILE] "
            "URL[,URL...] SUBJECT COUNT\n", why);
    return 64;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Split the comma-separated URLs in place. */
static int split_urls(char *list, const char **v)
{
    int n = 0;
    for (char *save = NULL, *u = strtok_r(list, ",", &save); u && n < MAX_SERVERS;
         u = strtok_r(NULL, ",", &save))
        v[n++] = u;
    return n;
}

static natsStatus connect_all(const char **urls, int n, natsConnection **nc)
{
    natsOptions *o = NULL;
    natsStatus s = natsOptions_Create(&o);
    if (s == NATS_OK)
        s = natsOptions_SetServers(o, urls, n);
    if (s == NATS_OK)
        s = natsOptions_SetTimeout(o, 2000);
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(o, 600);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(o, 100);
    if (s == NATS_OK)
        s = natsConnection_Connect(nc, o);
    natsOptions_Destroy(o);
    return s;
}

int main(int argc, char **argv)
{
    double rate = 0;
    long ack_wait = 2000;
    const char *acked_path = NULL;
    bool floor = false;
    int i = 1;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        char *end;
        if (!strcmp(argv[i], "--floor")) {
            floor = true;
            i--; /* no value */
        } else if (!strcmp(argv[i], "--rate")) {
            rate = strtod(argv[i + 1], &end);
            if (*end || rate < 0 || rate > 1e6)
                return usage("--rate: a number of messages a second, 0 to 1000000");
        } else if (!strcmp(argv[i], "--ack-wait")) {
            ack_wait = strtol(argv[i + 1], &end, 10);
            if (*end || ack_wait < 1 || ack_wait > 60000)
                return usage("--ack-wait: milliseconds, 1 to 60000");
        } else if (!strcmp(argv[i], "--acked")) {
            acked_path = argv[i + 1];
        } else {
            return usage("unknown option");
        }
    }
    if (argc - i != 3)
        return usage("expected URL[,URL...] SUBJECT COUNT");
    char *end;
    long count = strtol(argv[i + 2], &end, 10);
    if (*end || count < 1 || count > 10000000)
        return usage("COUNT: 1 to 10000000 messages");
    const char *urls[MAX_SERVERS];
    int nurls = split_urls(argv[i], urls);
    const char *subject = argv[i + 1];
    if (nurls == 0)
        return usage("no server URL");

    FILE *acked = acked_path ? fopen(acked_path, "w") : NULL;
    if (acked_path && !acked) {
        fprintf(stderr, "jspub: %s: %s\n", acked_path, strerror(errno));
        return 1;
    }
    double *lat = malloc((size_t)count * sizeof *lat);
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    natsStatus s = lat ? connect_all(urls, nurls, &nc) : NATS_NO_MEMORY;
    if (s == NATS_OK)
        s = natsConnection_JetStream(&js, nc, NULL);
    if (s != NATS_OK) {
        fprintf(stderr, "jspub: cannot connect to %s: %s\n", argv[i], natsStatus_GetText(s));
        free(lat);
        if (acked)
            fclose(acked);
        natsConnection_Destroy(nc);
        return 1;
    }
    long ok = 0, failed = 0;
    unsigned long long max_seq = 0;
    double t0 = now();
    char run[48];
    snprintf(run, sizeof run, "%ld-%lld", (long)getpid(), (long long)time(NULL));
    for (long k = 0; k < count; k++) {
        if (rate > 0)
            nap(t0 + (double)k / rate - now());
        char id[64], data[128];
        snprintf(id, sizeof id, "jspub-%s-%ld", run, k);
        int len = snprintf(data, sizeof data, "{\"n\":%ld}", k);
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.MaxWait = ack_wait;
        po.MsgId = id;
        jsPubAck *pa = NULL;
        double t = now();
        if (floor) {
            if (natsConnection_Publish(nc, subject, data, len) == NATS_OK &&
                natsConnection_FlushTimeout(nc, ack_wait) == NATS_OK) {
                lat[ok++] = (now() - t) * 1000;
                max_seq = (unsigned long long)ok;
            } else {
                failed++;
            }
        } else if (js_Publish(&pa, js, subject, data, len, &po, NULL) == NATS_OK && pa &&
            !pa->Duplicate) {
            lat[ok++] = (now() - t) * 1000;
            if (pa->Sequence > max_seq)
                max_seq = pa->Sequence;
            if (acked)
                fprintf(acked, "%llu %s\n", (unsigned long long)pa->Sequence, id);
        } else {
            failed++;
        }
        jsPubAck_Destroy(pa);
    }
    double elapsed = now() - t0;
    qsort(lat, (size_t)ok, sizeof *lat, by_value);
    printf("published %ld acked %ld failed %ld max_seq %llu elapsed %.3f acks_per_s %.0f "
           "p50_ms %.3f p99_ms %.3f\n", count, ok, failed, max_seq, elapsed,
           elapsed > 0 ? (double)ok / elapsed : 0, ok ? lat[ok / 2] : 0,
           ok ? lat[(long)((double)(ok - 1) * 0.99)] : 0);
    free(lat);
    if (acked && fclose(acked) != 0)
        failed++;
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return failed ? 1 : 0;
}
