/*
 * cortex.h — what the files of cortex share. cortex provisions and verifies
 * the platform (`cortex bootstrap`) and serves its state over HTTP
 * (`cortex server`). The checks are the probes' own code, linked in
 * (natsprobe, pulsaradm, redisping, pgcheck: everything but their main.o).
 *
 *   main.c       options and dispatch (reads like --help)
 *   config.c     settings: flags, then BOOTSTRAP_* / ARC_CORTEX_* variables, then defaults
 *   phases.c     the four phases and the deep checks: one call into a probe each
 *   bootstrap.c  phases at once, each retried with backoff behind a breaker; the lock
 *   result.c     the table and the result JSON
 *   monitor.c    /health/deep: every dependency in parallel; the monitor thread
 *   server.c     the libmicrohttpd daemon, its limits, and the signals that stop it
 *   routes.c     the HTTP API: /health, /health/deep, /ready, POST /api/v1/bootstrap, /metrics
 *   outbox.c     one bounded queue and one thread for what is sent on the side
 *   events.c     the lifecycle events (core.lifecycle.<codename>.<event>) through it
 *   metrics.c    the counters, the Prometheus text of /metrics, their OTLP JSON
 *   otlp.c       OTLP/HTTP JSON: the resource, the spans' encoding, the metrics'
 *                request, the POST (libcurl)
 *   trace.c      ids (getrandom), W3C traceparent, the spans of a bootstrap and of a
 *                deep-health round
 */
#ifndef CORTEX_H
#define CORTEX_H

#include "arc.h"

#include <pthread.h>
#include <signal.h>

#define CX_PROG "cortex"
#define CX_EXIT_LOCKED 75 /* another bootstrap holds the lock (EX_TEMPFAIL) */
#define CX_EXIT_SIGNAL 130

/* ---- phases (phases.c) ------------------------------------------------------ */
typedef enum { CX_SQL, CX_NATS, CX_PULSAR, CX_REDIS, CX_NPHASES } cx_phase_id;

extern const char *const cx_phase_names[CX_NPHASES];
extern const char *const cx_phase_services[CX_NPHASES]; /* oracle, flash, ... */
/* The phase called name, or -1. */
int cx_phase_by_name(const char *name, size_t len);

/* ---- settings (config.c) ------------------------------------------------------ */
typedef struct {
    double timeout;       /* BOOTSTRAP_TIMEOUT: seconds per phase (300) */
    double base, cap;     /* BOOTSTRAP_BACKOFF_BASE (2), BOOTSTRAP_BACKOFF_CAP (30) */
    double threshold;     /* BOOTSTRAP_BREAKER_THRESHOLD (3) failures */
    double open;          /* BOOTSTRAP_BREAKER_OPEN (30) seconds */
    double probe_timeout; /* BOOTSTRAP_PROBE_TIMEOUT (10): one attempt */
    char result[1024];    /* BOOTSTRAP_RESULT */
    char lock[1024];      /* BOOTSTRAP_LOCK */
    char streams[1024];   /* BOOTSTRAP_STREAMS */
    long replicas;        /* ARC_FLASH_REPLICAS: every stream's replicas, 0: the file's */
    char pulsar[1024];    /* BOOTSTRAP_PULSAR */
    char schema[1024];    /* BOOTSTRAP_SCHEMA */
    const char *skip;     /* BOOTSTRAP_SKIP: "PHASE|reason" lines */
    /* the probes' targets (NULL: the probe's default) */
    const char *database_url, *nats_url, *pulsar_url, *redis_url;
    /* server */
    char addr[64];        /* ARC_CORTEX_ADDR (127.0.0.1) */
    long port;            /* ARC_CORTEX_PORT (8081) */
    double interval;      /* ARC_CORTEX_MONITOR_INTERVAL (30) */
    double check_timeout; /* ARC_CORTEX_CHECK_TIMEOUT (3): one deep check */
    long max_conns;       /* ARC_CORTEX_MAX_CONNECTIONS (128) */
    long conn_timeout;    /* ARC_CORTEX_CONNECTION_TIMEOUT (10) seconds idle */
    /* telemetry */
    double event_timeout; /* ARC_CORTEX_EVENT_TIMEOUT (2): one event */
    double otlp_timeout;  /* ARC_CORTEX_OTLP_TIMEOUT (2): one OTLP export */
    char otlp_endpoint[512]; /* OTEL_EXPORTER_OTLP_ENDPOINT (http://127.0.0.1:4318) */
    char service_name[128];  /* OTEL_SERVICE_NAME (arc-cortex) */
    const char *resource_attrs; /* OTEL_RESOURCE_ATTRIBUTES: k=v,k=v */
    bool service_name_given; /* OTEL_SERVICE_NAME set: beats a service.name in the above */
    bool otel_disabled;      /* OTEL_SDK_DISABLED=true */
} cx_config;

/* Flags a subcommand may set before cx_config_load; NULL: not given. */
typedef struct {
    const char *v[16];
} cx_flags;

enum {
    CX_F_TIMEOUT, CX_F_BASE, CX_F_CAP, CX_F_THRESHOLD, CX_F_OPEN, CX_F_PROBE_TIMEOUT,
    CX_F_RESULT, CX_F_LOCK, CX_F_ADDR, CX_F_PORT, CX_F_INTERVAL, CX_NFLAGS
};

/* flags, else the environment, else the defaults. 0, or -1 with a message. */
int cx_config_load(cx_config *c, const cx_flags *f, char *err, size_t errlen);
/* The reason BOOTSTRAP_SKIP gives for phase p, or NULL. */
const char *cx_skip_reason(const cx_config *c, cx_phase_id p, char *out, size_t n);

/* ---- stop flag (set by SIGTERM/SIGINT; phases check it between attempts) -- */
extern volatile sig_atomic_t cx_stop;
/* Sleep up to sec seconds, waking early when cx_stop is set. */
void cx_nap(double sec);

/* ---- one attempt of a phase, one deep check (phases.c) ------------------------ */
typedef struct {
    int rc;              /* 0 ok, 1 failed, 64/65: will not fix itself */
    int created, updated, unchanged;
    bool counted;        /* the probe reports its counts (nats, pulsar) */
    char warning[256];
    char why[1024];      /* detail (ok) or reason (failed) */
} cx_attempt;

void cx_phase_attempt(const cx_config *c, cx_phase_id p, double seconds, cx_attempt *out);
/* Health only (no provisioning): pg health, JetStream, broker health, PING. */
void cx_dep_check(const cx_config *c, cx_phase_id p, double seconds, cx_attempt *out);

/* ---- a bootstrap (bootstrap.c) ----------------------------------------------- */
#define CX_MAX_TIMES 4096

typedef struct {
    cx_phase_id id;
    bool run;            /* asked for */
    bool skipped;        /* BOOTSTRAP_SKIP or a request's skip */
    char skip_why[256];
    bool ok;
    unsigned attempts;
    double duration;
    double start_unix;   /* wall clock, for the span */
    int created, updated, unchanged; /* the last attempt's, when counted */
    bool counted;
    double *times;       /* attempt start times, seconds from the phase's start */
    char changes[320];   /* "created N, updated M" / "nothing" [+ warning], or "-" */
    char detail[512];
} cx_phase_run;

/* A W3C traceparent (version 00): the caller's trace and span. */
typedef struct {
    bool valid;
    char trace_id[33], span_id[17]; /* lowercase hex */
} cx_traceparent;

typedef struct {
    const cx_config *cfg;
    cx_phase_run ph[CX_NPHASES];
    int order[CX_NPHASES]; /* phases in the order asked */
    int nrun;
    bool ok;
    bool interrupted;
    bool verbose;          /* breaker messages on stderr */
    bool served;           /* run for POST /api/v1/bootstrap (root span kind SERVER) */
    cx_traceparent parent; /* the request's traceparent, when valid */
    double start_unix;     /* wall clock, for the root span */
} cx_bootstrap;

/* Who holds the lock, for the refusal. */
typedef struct {
    long pid;
    char since[32];       /* ISO 8601 UTC, "" when unknown */
} cx_holder;

typedef struct {
    int fd;
} cx_lock;

/* 0 taken; CX_EXIT_LOCKED (holder filled); 1 with err on an I/O error. */
int cx_lock_take(const cx_config *c, cx_lock *l, cx_holder *h, char *err, size_t errlen);
void cx_lock_release(const cx_config *c, cx_lock *l);

/* Prepare b: phases (names; none = all four), skips. */
void cx_bootstrap_init(cx_bootstrap *b, const cx_config *c);
void cx_bootstrap_want(cx_bootstrap *b, cx_phase_id p);
void cx_bootstrap_skip(cx_bootstrap *b, cx_phase_id p, const char *why);
/* Run the asked phases at once (threads) and wait for all. */
void cx_bootstrap_run(cx_bootstrap *b);
void cx_bootstrap_free(cx_bootstrap *b);

/* ---- output (result.c) ------------------------------------------------------- */
void cx_result_json(const cx_bootstrap *b, arc_buf *out);
void cx_result_table(const cx_bootstrap *b, arc_buf *out);
/* Write the JSON to cfg->result (directories created). 0, or -1 with err. */
int cx_result_write(const cx_bootstrap *b, const char *json, char *err, size_t errlen);
/* mkdir -p of path's directory. */
int cx_mkdirs_for(const char *path);
void cx_iso_now(char *out, size_t n);
/* CLOCK_REALTIME in seconds. */
double cx_unix_now(void);

/* ---- deep health (monitor.c) ------------------------------------------------- */
/* One round's verdicts, for the events and the metrics. */
typedef struct {
    bool known[CX_NPHASES], up[CX_NPHASES], skipped[CX_NPHASES];
    double ms[CX_NPHASES];
    char why[CX_NPHASES][256];
    double start_unix, end_unix; /* wall clock, for the span */
} cx_deep_round;

typedef struct {
    bool checked;
    bool healthy;
    char at[32];
    arc_buf json; /* the /health/deep body */
} cx_deep;

typedef struct {
    const cx_config *cfg;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping;
    pthread_t thread;
    bool started;
    cx_deep last;
} cx_monitor;

/* Check every dependency in parallel now; the body into out, healthy or not. */
bool cx_deep_check(const cx_config *c, arc_buf *out, cx_deep_round *round);
int cx_monitor_start(cx_monitor *m, const cx_config *c);
void cx_monitor_stop(cx_monitor *m);
/* Store a fresh result as the last one. */
void cx_monitor_store(cx_monitor *m, bool healthy, const char *json);
/* Copy the last result; false when none yet. */
bool cx_monitor_last(cx_monitor *m, bool *healthy, arc_buf *out);

/* ---- server (server.c, routes.c) --------------------------------------------- */
#define CX_BODY_MAX 4096 /* a request body over this is 413 */

typedef struct {
    const cx_config *cfg;
    cx_monitor monitor;
    pthread_mutex_t mu;
    bool running;          /* a bootstrap of this server runs */
    char running_since[32];
    char running_phases[64];
    bool ready;            /* a bootstrap has succeeded */
    char ready_at[32];
} cx_server;

int cx_server_main(const cx_config *c);
struct MHD_Connection;
/* The MHD access handler's work, once the body is read. */
int cx_route(cx_server *s, struct MHD_Connection *conn, const char *method, const char *url,
             const char *body, size_t len, bool too_large);

/* ---- bootstrap command (main.c) ---------------------------------------------- */
int cx_cmd_bootstrap(const cx_config *c, int nphases, char **phases);

/* ---- on the side: outbox, events, metrics, traces ---------------------------------- */
typedef enum { CX_OUT_EVENT, CX_OUT_OTLP } cx_out_kind;

void cx_outbox_start(const cx_config *c);
/* Queue payload (malloc'd; taken); false (dropped, counted) when full or stopped. */
bool cx_outbox_push(cx_out_kind kind, const char *subject, char *payload);
/* Drain within flush seconds, then stop. */
void cx_outbox_stop(double flush);

void cx_event(const char *codename, const char *event, const char *data);
void cx_event_bootstrap(const cx_bootstrap *b, double seconds);
/* After a bootstrap (not interrupted): metrics, event, trace, OTLP metrics. */
void cx_bootstrap_done(const cx_bootstrap *b, double seconds);
void cx_event_health(const cx_deep_round *prev, const cx_deep_round *now);

void cx_metric_event(bool ok);
void cx_metric_drop(cx_out_kind kind);
void cx_metric_export(bool ok);
void cx_metric_bootstrap(const cx_bootstrap *b, double seconds);
void cx_metric_deep(const cx_deep_round *r);
void cx_metrics_text(arc_buf *out);
/* The cumulative sums' start time: now, once (cx_otlp_configure calls it). */
void cx_metrics_epoch(void);
/* The metrics as OTLP JSON Metric objects, comma-separated. */
void cx_metrics_otlp(arc_buf *out);

/* ---- traces (trace.c, otlp.c) ------------------------------------------------- */
enum { CX_KIND_INTERNAL = 1, CX_KIND_SERVER = 2 };
enum { CX_STATUS_UNSET = 0, CX_STATUS_OK = 1, CX_STATUS_ERROR = 2 };

typedef struct {
    const char *name;
    char trace_id[33], span_id[17], parent_id[17]; /* parent "" for a root */
    int kind, status;
    char status_msg[256];
    double start, end;   /* unix seconds */
    arc_buf attrs;       /* KeyValue objects, comma-separated (cx_attr_*) */
    arc_buf events;      /* Event objects, comma-separated */
} cx_span;

/* 0 and out filled when h is a valid version-00 traceparent; else -1 (ignored). */
int cx_traceparent_parse(const char *h, cx_traceparent *out);
/* n random bytes as 2n lowercase hex (getrandom), never all zero. */
void cx_random_hex(char *out, size_t nbytes);
/* After a bootstrap: its trace (root + a span per phase run), queued for export. */
void cx_trace_bootstrap(const cx_bootstrap *b, double seconds);
/* After a deep-health round: one span cortex.health.deep. */
void cx_trace_deep(const cx_deep_round *r, bool healthy);

void cx_attr_str(arc_buf *a, const char *key, const char *val);
void cx_attr_int(arc_buf *a, const char *key, long long val);
void cx_attr_double(arc_buf *a, const char *key, double val);
/* The resource (service.name, OTEL_RESOURCE_ATTRIBUTES) and the traces URL. */
void cx_otlp_configure(const cx_config *c);
bool cx_otlp_enabled(void);
/* Encode spans as one ExportTraceServiceRequest and queue it (the outbox). */
void cx_otlp_export(const cx_span *spans, int n);
/* The metrics as one ExportMetricsServiceRequest, queued (after a bootstrap, a deep round). */
void cx_otlp_export_metrics(void);
/* POST an OTLP JSON body to the traces (or metrics) endpoint within timeout (outbox
 * thread); true on a 2xx. */
bool cx_otlp_send(bool metrics, const char *body, double timeout);

#endif /* CORTEX_H */
