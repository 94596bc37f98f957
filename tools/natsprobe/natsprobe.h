/*
 * natsprobe.h — what the natsprobe files share: options, the resolved target,
 * the connection, the JetStream API, the streams file and its fields.
 */
#ifndef NATSPROBE_H
#define NATSPROBE_H

#include "arc.h"

#include <nats/nats.h>

/* ---- options and target (main.c, target.c) -------------------------------- */
typedef enum {
    NP_PING,
    NP_HEALTH,
    NP_JETSTREAM,
    NP_STREAMS_LS,
    NP_STREAMS_APPLY,
    NP_STREAM_INFO,
    NP_PUBLISH,
    NP_CLUSTER
} np_command;

typedef struct {
    arc_common common;
    np_command cmd;
    const char *server;     /* --server, else $NATS_URL (may hold credentials) */
    const char *server_origin;
    const char *monitor;    /* --monitor */
    const char *token;      /* --token */
    const char *token_file; /* --token-file */
    const char *creds;      /* --creds, else $NATS_CREDS */
    const char *file;       /* streams apply FILE */
    const char *stream;     /* stream info NAME */
    bool dry_run;
    const char *subject;    /* publish SUBJECT */
    const char *payload;    /* publish: the envelope (stdin, or built from the flags) */
    const char *ev_type, *ev_source, *ev_about, *ev_data; /* --type --source --about --data */
    long cluster_size;      /* --cluster-size, 0: not given (NP_CLUSTER_SIZE) */
    long replicas;          /* --replicas: every stream's, 0: the file's */
} np_options;

#define NP_CLUSTER_SIZE 3 /* cluster: servers when --cluster-size is not given */
#define NP_CLUSTER_MAX 15

/* Where to connect and as whom; secrets stay here and are wiped at exit. */
typedef struct {
    char url[600];        /* scheme://host:port, no credentials (given to nats.c) */
    char target[300];     /* host:port, for output */
    char user[128];
    char pass[256];
    char token[1024];
    char creds[1024];
    char mon_url[600];    /* http://host:port[/base], no trailing slash */
    char mon_target[300];
} np_target;

/* Resolve flags + environment into t. 0 ok; -1 with a usage message in err. */
int np_target_resolve(const np_options *o, np_target *t, char *err, size_t errlen);

/* ---- connection (conn.c) -------------------------------------------------- */
/* Connect within dl. 0 ok; 1 with a reason (auth failures say so). */
int np_connect(const np_target *t, const arc_deadline *dl, natsConnection **nc,
               char *why, size_t whylen);
void np_disconnect(natsConnection *nc);
/* "what: nats.c's last error" without its source location (nats.c's errors
 * name no credentials: they go to it apart from the URL). */
void np_nats_error(natsStatus s, const char *what, char *why,
                   size_t whylen);
/* Milliseconds left on dl, at least 1 (nats.c rejects 0). */
int64_t np_ms_left(const arc_deadline *dl);

/* What every command's attempt gets. */
typedef struct {
    const np_options *opts;
    const np_target *t;
    arc_buf extra;     /* JSON appended to the result object */
    arc_buf text;      /* lines printed before the verdict (text mode) */
} np_run;

/* How an attempt starts: the last attempt's extra and text cleared, then
 * np_connect. */
int np_run_connect(np_run *run, const arc_deadline *dl, natsConnection **nc, char *why,
                   size_t whylen);

/* ---- commands ---------------------------------------------------------------
 * Each is an arc_attempt_fn. ctx is always an np_apply_run, whose first
 * member is the np_run the other commands use. */
int np_ping(void *ctx, const arc_deadline *dl, char *why, size_t whylen);
int np_health(void *ctx, const arc_deadline *dl, char *why, size_t whylen);
int np_jetstream(void *ctx, const arc_deadline *dl, char *why, size_t whylen);
int np_streams_ls(void *ctx, const arc_deadline *dl, char *why, size_t whylen);
int np_stream_info(void *ctx, const arc_deadline *dl, char *why, size_t whylen);
int np_cluster(void *ctx, const arc_deadline *dl, char *why, size_t whylen);

/* A failure that --wait must not retry (a conflict, a rejected write). Only
 * ever returned to arc_retry; reported as 1. */
#define NP_FAIL_FINAL 3
/* streams apply --dry-run: the plan found changes (Terraform's
 * -detailed-exitcode); in sync is 0, an error 1. */
#define NP_EXIT_PENDING 2

/* ---- monitoring HTTP (monitor.c) ------------------------------------------- */
/* libcurl's global state, once per process. */
void np_http_init(void);
void np_http_cleanup(void);
/* GET mon_url + path within dl. 0 with status and body; 1 with a reason. */
int np_http_get(const np_target *t, const char *path, const arc_deadline *dl, long *status,
                arc_buf *body, char *why, size_t whylen);
/* The "status" (and "error") of a /healthz body, or a snippet of it. */
void np_health_words(const arc_buf *body, char *status, size_t slen, char *error,
                     size_t elen);

/* ---- JetStream API (jsapi.c) ------------------------------------------------ */
typedef struct {
    char *text;         /* the reply payload, NUL-terminated */
    arc_json j;         /* parsed; token 0 is the reply object */
    long long err_code; /* JetStream err_code, 0 when the reply is no error */
    char err[512];      /* the error's description */
} np_reply;

enum { NP_JS_STREAM_NOT_FOUND = 10059 };

/* Request subj with body (may be "") within dl. 0 when a JSON reply arrived
 * (check r->err_code); 1 on no reply (JetStream off, timeout) with why. */
int np_js_call(natsConnection *nc, const arc_deadline *dl,
               const char *subj, const char *body, np_reply *r, char *why,
               size_t whylen);
void np_reply_free(np_reply *r);

/* Page through $JS.API.STREAM.LIST; fn gets each stream info object. */
typedef int (*np_stream_fn)(void *ctx, const arc_json *j, int info);
int np_js_each_stream(natsConnection *nc, const arc_deadline *dl,
                      np_stream_fn fn, void *ctx, char *why, size_t whylen);

/* ---- stream fields (fields.c) ------------------------------------------------ */
typedef enum { NP_TEXT, NP_ENUM, NP_DURATION, NP_INT, NP_SUBJECTS } np_kind;

typedef enum {
    NP_F_DESCRIPTION,
    NP_F_SUBJECTS,
    NP_F_RETENTION,
    NP_F_STORAGE,
    NP_F_DISCARD,
    NP_F_MAX_AGE,
    NP_F_DUPLICATE_WINDOW,
    NP_F_MAX_BYTES,
    NP_F_MAX_MSGS,
    NP_F_MAX_MSGS_PER_SUBJECT,
    NP_F_MAX_MSG_SIZE,
    NP_F_MAX_CONSUMERS,
    NP_F_REPLICAS,
    NP_NFIELDS
} np_field_id;

typedef struct {
    const char *key;            /* in the streams file */
    const char *server_key;     /* in the server's stream config */
    np_kind kind;
    const char *const *choices; /* NP_ENUM: NULL-terminated */
    long long min, max;         /* NP_INT, NP_DURATION (ns); NP_TEXT: max length */
    long long min_nonzero;      /* smallest value other than 0 (max_age: 100ms) */
    const char *hint;           /* added to a range error */
    bool zero_unlimited;        /* NP_INT: 0 means -1 (the server's own rule) */
    bool sizes;                 /* NP_INT: accepts "64MiB" */
    bool fixed;                 /* cannot change on an existing stream */
} np_field;

extern const np_field np_fields[NP_NFIELDS];

typedef struct {
    bool set;
    long long num;   /* NP_INT, NP_DURATION (ns), NP_ENUM (index, -1 unknown) */
    char *text;      /* NP_TEXT */
    char **list;     /* NP_SUBJECTS */
    int nlist;
    int line, col;   /* where the file declares it */
} np_value;

/* A durable consumer a stream declares (consumer.c). */
typedef enum {
    NP_C_DESCRIPTION,
    NP_C_DELIVER_POLICY,
    NP_C_ACK_POLICY,
    NP_C_ACK_WAIT,
    NP_C_MAX_DELIVER,
    NP_C_FILTER_SUBJECT,
    NP_C_REPLAY_POLICY,
    NP_C_MAX_ACK_PENDING,
    NP_C_MAX_WAITING,
    NP_NCFIELDS
} np_cfield_id;

extern const np_field np_cfields[NP_NCFIELDS];

typedef struct {
    char name[256];  /* durable_name */
    int line, col;
    np_value v[NP_NCFIELDS];
} np_consumer;

typedef struct {
    char name[256];
    int line, col;
    np_value v[NP_NFIELDS];
    np_consumer *consumers; /* declared durable consumers (file side only) */
    int nconsumers;
} np_stream;

const np_field *np_field_by_key(const char *key);
/* Read a value from token i of j into v. 0 ok; -1 with a reason in err.
 * from_server: the server's representation (durations in ns, no units). */
int np_value_read(const np_field *f, const arc_json *j, int i, bool from_server,
                  np_value *v, char *err, size_t errlen);
void np_value_free(np_value *v);
bool np_value_equal(const np_field *f, const np_value *a, const np_value *b);
/* Human form: "7d", "file", "1GiB", "a.>,b.*", "\"text\"". */
void np_value_text(const np_field *f, const np_value *v, arc_buf *out);
/* JSON in the file's form (durations "7d") or the server's (ns). */
void np_value_json(const np_field *f, const np_value *v, bool server_form, arc_buf *out);
void np_stream_free(np_stream *s);
/* Fill s from a server stream config object. -1 with err on a bad config;
 * either way s needs np_stream_free. */
int np_stream_from_config(const arc_json *j, int config, np_stream *s, char *err,
                          size_t errlen);

/* ---- units (units.c) --------------------------------------------------------- */
int np_parse_duration(const char *s, long long *ns);   /* "1h30m", "7d", "0" */
void np_format_duration(long long ns, char *out, size_t n);
int np_parse_size(const char *s, long long *bytes);    /* "512MiB", "1GiB" */
void np_format_size(long long bytes, char *out, size_t n);

/* ---- subjects (subjects.c) ----------------------------------------------------- */
bool np_subject_valid(const char *s);
bool np_stream_name_valid(const char *s);
/* Could one subject match both patterns? (`*` one token, `>` the rest) */
bool np_subjects_overlap(const char *a, const char *b);

/* ---- many subjects at once (overlap.c), in O(n log n) for real files ------------ */
/* The first string listed twice in list[0..n), or NULL. */
const char *np_first_duplicate(char **list, int n);

typedef struct {
    const char *subject;
    int stream;    /* which stream claims it */
    bool declared; /* the file declares that stream (else: on the server) */
} np_subj_ref;

/* Two subjects of different streams, one of them declared, that one subject
 * could match: true with their indexes in *a and *b. */
bool np_find_overlap(const np_subj_ref *refs, int n, int *a, int *b);


/* ---- the streams file (streamfile.c) --------------------------------------------- */
typedef struct {
    np_stream *v;
    int n;
} np_streamfile;

/* Load and validate FILE. 0 ok; ARC_EXIT_DATAERR with
 * "FILE: line L, column C: stream "X", field "f": ..." in err. */
int np_streamfile_load(const char *path, np_streamfile *sf, char *err, size_t errlen);
void np_streamfile_free(np_streamfile *sf);
/* Every stream of sf declared with n replicas (a profile's, e.g. ha: 3), as if
 * the file said so where it says "replicas". */
void np_streamfile_replicas(np_streamfile *sf, long n);

/* ---- plan and apply (plan.c, apply.c) ---------------------------------------------- */
/* NP_CONFLICT: a field that cannot change in place differs; never "fixed"
 * by deleting and recreating (it->conflict names the field). */
typedef enum { NP_CREATE, NP_UPDATE, NP_UNCHANGED, NP_CONFLICT, NP_NACTIONS } np_action;

typedef struct {
    const np_stream *want;
    np_action action;
    bool planned;           /* action is known */
    bool done;              /* the write happened */
    np_reply info;          /* the server's stream info (update: merged into) */
    int config;             /* token of info's "config", -1 when none */
    np_field_id changed[NP_NFIELDS];
    int nchanged;
    np_stream have;         /* the server's values */
    int conflict;           /* NP_CONFLICT: the field id, else -1 */
} np_plan_item;

/* Compare it->want with the server's config in it->info; fill action and
 * changed[]. -1 with err on a malformed server reply. */
int np_plan_diff(np_plan_item *it, char *err, size_t errlen);
/* The request body: create = declared fields; update = the server's config
 * with the declared fields replaced (fields we do not know are kept). */
void np_plan_body(const np_plan_item *it, arc_buf *out);

/* One declared consumer against the server (consumer.c). */
typedef struct {
    const np_stream *stream;
    const np_consumer *want;
    np_action action;
    bool planned, done;
    np_reply info;          /* the server's consumer info */
    int config;             /* token of info's "config", -1 when none */
    np_cfield_id changed[NP_NCFIELDS];
    int nchanged;
    np_consumer have;
    int conflict;           /* NP_CONFLICT: the field id, else -1 */
} np_cplan_item;

typedef struct {
    np_run run;
    const np_streamfile *sf;
    np_plan_item *items; /* one per declared stream */
    int created, updated, unchanged;
    np_cplan_item *citems; /* one per declared consumer, streams in file order */
    int ncitems;
} np_apply_run;

int np_streams_apply(void *ctx, const arc_deadline *dl, char *why, size_t whylen);
/* Checks that need no server: subject overlap between declared streams.
 * 0 ok; 1 with why naming both streams. */
int np_apply_check_file(const np_streamfile *sf, char *why, size_t whylen);
/* Per-stream lines and the JSON "streams" array, after the attempt. */
void np_apply_summarise(np_apply_run *a);
void np_apply_free(np_apply_run *a);
/* --dry-run: items that differ from the server (create, update, conflict). */
int np_apply_pending(const np_apply_run *a);

/* ---- consumers (consumer.c, consumer_plan.c) ------------------------------------------ */
/* Read a stream's "consumers" array at token arr (streamfile.c). 0, or -1
 * with "consumer "X", field "f": why" in err and the token at fault in *tok. */
int np_consumers_read(const arc_json *j, int arr, np_stream *s, int *tok, char *err,
                      size_t errlen);
void np_consumer_free(np_consumer *c);
/* Fill c from a server consumer config object. -1 with err. */
int np_consumer_from_config(const arc_json *j, int config, np_consumer *c, char *err,
                            size_t errlen);
/* The server's config object at token config with declared values (want[i]
 * of table f[0..n), where set) replaced or appended; unknown keys kept. */
void np_config_merge(const arc_json *j, int config, const np_field *f, int n,
                     const np_value *want, arc_buf *out);
/* Allocate a->citems for every declared consumer (after the streams' items). */
int np_consumers_reset(np_apply_run *a);
/* Plan every consumer (reads only); in apply mode a conflict stops (final). */
int np_consumers_plan(np_apply_run *a, natsConnection *nc, const arc_deadline *dl, char *why,
                      size_t whylen);
/* Create or update the consumers that need it. */
int np_consumers_write(np_apply_run *a, natsConnection *nc, const arc_deadline *dl, char *why,
                       size_t whylen);
void np_consumers_free(np_apply_run *a);
/* Lines and the JSON "consumers" array. */
void np_consumers_summarise(const np_apply_run *a, arc_buf *text, arc_buf *json, int *n);

/* ---- one attempt as a function (once.c), for cortex ---------------------------------- */
typedef struct {
    int created, updated; /* streams apply: what the attempt planned */
} np_once_result;

/* cmd NP_PING, NP_JETSTREAM or NP_STREAMS_APPLY (file) against server (NULL:
 * the default), bounded by dl, nothing printed. 0 ok (why: the detail),
 * 1 failed, 64 bad URL or credentials, 65 bad file. */
int np_once(np_command cmd, const char *server, const char *file, long replicas,
            const arc_deadline *dl, np_once_result *out, char *why, size_t n);

/* ---- lifecycle events (publish.c) ------------------------------------------------------ */
#define NP_EVENT_MAX (256u << 10) /* CORE_LIFECYCLE's max_msg_size */

typedef struct {
    const char *source;  /* "arc-kit", "arc-cortex" */
    const char *type;    /* "arc.lifecycle.started" */
    const char *about;   /* CloudEvents "subject": the codename */
    const char *data;    /* a JSON value, NULL: {} */
} np_event;

typedef struct {
    char stream[64];
    uint64_t seq;
    bool duplicate;
} np_pub_ack;

/* The envelope (CloudEvents field names; a fresh id and time) into out. */
void np_event_build(const np_event *e, arc_buf *out);
/* 0, or ARC_EXIT_DATAERR with err: not an object naming specversion, id, source, type. */
int np_event_check(const char *payload, size_t len, char *err, size_t errlen);
/* nbytes random bytes as 2*nbytes hex digits (out holds 2*nbytes+1). */
void np_random_hex(char *out, size_t nbytes);
/* publish: an arc_attempt_fn; JetStream publish of opts->payload on opts->subject. */
int np_publish(void *ctx, const arc_deadline *dl, char *why, size_t whylen);
/* The same, for cortex: connect, publish, check the ack, within dl. 0 ok, 1 failed
 * (no stream, no ack, unreachable), 64 bad URL. */
int np_publish_once(const char *server, const char *subject, const char *payload,
                    const arc_deadline *dl, np_pub_ack *ack, char *why, size_t n);

#endif /* NATSPROBE_H */
