/*
 * pulsaradm.h — what the files of the pulsaradm probe share.
 *
 *   main.c    options and dispatch (reads like --help)
 *   http.c    one libcurl easy handle for the whole run (one TCP connection)
 *   reply.c   a reply as one line (JSON reason / first line of a text 500),
 *             and JSON replies
 *   strv.c    a list of strings with a hash index
 *   health.c  `health` and `ready`
 *   spec.c    the provisioning file (apply FILE)
 *   apply.c   read, compare, then write only what is missing (or plan)
 *   policy.c  namespace policies: the file's, the server's, the POSTs
 *   list.c    `tenants`, `namespaces TENANT`, `topics TENANT/NAMESPACE`
 *   once.c    health and apply as functions (for cortex, which links these objects)
 */
#ifndef PULSARADM_H
#define PULSARADM_H

#include "arc.h"

#define PA_PROG "pulsaradm"
#define PA_DEFAULT_URL "http://127.0.0.1:8080"
#define PA_NAME_MAX 256   /* tenant, namespace, topic, role, cluster names */
#define PA_TOKEN_MAX 8192 /* bearer tokens (JWTs) */
#define PA_MAX_PARTITIONS 100000

/* ---- http.c --------------------------------------------------------------- */
#define PA_REPLY_MAX (16u << 20) /* a larger reply is "reply too large" */
#define PA_MAX_REDIRECTS 3
typedef struct pa_http pa_http;

typedef struct {
    long status;      /* HTTP status; 0 when no reply arrived */
    arc_buf body;     /* reply body, NUL-terminated */
    char ctype[128];  /* Content-Type, "" when absent */
    char err[512];    /* transport error ("" when a reply arrived) */
} pa_reply;

void pa_reply_init(pa_reply *r);
void pa_reply_free(pa_reply *r);

/* base: scheme://host:port[/prefix] without user info or a trailing '/';
 * token, user and pass may be NULL (user/pass: basic auth from the URL).
 * follow: follow redirects to the same scheme, host and port only. */
pa_http *pa_http_open(const char *base, const char *token, const char *user,
                      const char *pass, bool follow, char *err, size_t errlen);
void pa_http_close(pa_http *h);
/*
 * One request on the shared handle, bounded by what is left of dl.
 * body (JSON) may be NULL. Returns 0 when a reply arrived (whatever its
 * status), -1 on a transport error or timeout (r->err says which).
 */
int pa_http_do(pa_http *h, const char *method, const char *path, const char *body,
               const arc_deadline *dl, pa_reply *r);
/* Split an admin URL: parsed, base (scheme://host:port[/prefix] without user
 * info or a trailing '/') and target (host:port). 0, or -1 with a reason. */
int pa_base_url(const char *url, arc_url *parsed, char *base, size_t bn, char *target,
                size_t tn, char *err, size_t errlen);
/* TCP connections opened so far (1 when every request reused the first). */
long pa_http_connections(const pa_http *h);

/* ---- the run -------------------------------------------------------------- */
typedef struct {
    arc_common c;
    char target[300];          /* host:port for messages */
    const char *token;         /* NULL: no Authorization header */
    bool follow;               /* --follow-redirects (same host only) */
    pa_http *http;
    bool dry_run;              /* apply --dry-run: the plan, no writes; exit 0/2/1 */
} pa_ctx;

/* ---- reply.c -------------------------------------------------------------- */
/* A failed request as one line: the transport error, or the reply's JSON
 * reason / text message / HTML title with its status. */
void pa_reply_line(const pa_ctx *x, const pa_reply *r, char *out, size_t n);
/* "METHOD PATH: <why>" for a failed request: the transport error, or the
 * reply as one line. Never a stack dump, never a secret. */
void pa_describe(const pa_ctx *x, const char *method, const char *path,
                 const pa_reply *r, char *out, size_t n);
/* Parse a JSON reply; on garbage writes "METHOD PATH: reply is not JSON ..." */
int pa_reply_json(const pa_ctx *x, const char *method, const char *path,
                  const pa_reply *r, arc_json *j, char *why, size_t n);
/* The N of a GET .../partitions reply {"partitions":N}. 0 ok; -1 with
 * "GET PATH: unexpected reply ..." in why. */
int pa_reply_partitions(const pa_ctx *x, const char *path, const pa_reply *r, long *n,
                        char *why, size_t whylen);
/* The start of a reply body, quoted and on one line: 'abc...' */
void pa_reply_snippet(const pa_reply *r, char *out, size_t cap);

/* ---- strv.c: a list of strings with a hash index (has() in O(1)) ---------- */
typedef struct {
    char **v;
    size_t n, cap;
    size_t *slot;  /* open addressing: index + 1 into v, 0 empty */
    size_t nslot;  /* a power of two, at least 2 * n */
} pa_strv;

void pa_strv_init(pa_strv *s);
void pa_strv_free(pa_strv *s);
int pa_strv_add(pa_strv *s, const char *str);
bool pa_strv_has(const pa_strv *s, const char *str);
/* A JSON array of strings (the reply of every Pulsar list endpoint) into s.
 * 0 ok; -1 with "METHOD PATH: ..." in why. */
int pa_reply_strv(const pa_ctx *x, const char *method, const char *path,
                  const pa_reply *r, pa_strv *s, char *why, size_t n);

/* ---- health.c ------------------------------------------------------------- */
/* check: "health" (GET /admin/v2/brokers/health) or "ready". */
int pa_cmd_health(pa_ctx *x, const char *check);
/* For --wait before apply and listings: wait until health answers ok.
 * 0 ok, else 1 after reporting the failure. */
int pa_wait_healthy(pa_ctx *x);

/* ---- spec.c --------------------------------------------------------------- */
typedef struct {
    char ns[PA_NAME_MAX];    /* namespace, without the tenant */
    char name[PA_NAME_MAX];  /* local topic name */
    long partitions;
} pa_topic;

/* Namespace policies (policy.c): what a namespace object may declare, in
 * the admin API's own terms. Each is read from GET /admin/v2/namespaces/T/NS
 * (the whole policies object) and set with its own POST. */
typedef enum { PA_POL_RETENTION, PA_POL_TTL, PA_POL_DEDUP, PA_POL_QUOTA, PA_NPOL } pa_pol_kind;

typedef struct {
    bool set[PA_NPOL];          /* declared (file) / present (server) */
    long long retention_minutes, retention_mb;   /* -1 infinite */
    long long ttl_seconds;
    bool dedup;
    long long quota_size, quota_time;            /* bytes, seconds; -1 none */
    char quota_policy[40];
} pa_policies;

typedef struct {
    char tenant[PA_NAME_MAX];
    pa_strv admin_roles;
    pa_strv clusters;        /* empty: use what GET /admin/v2/clusters lists */
    bool clusters_given;
    pa_strv namespaces;      /* without the tenant */
    pa_topic *topics;
    size_t ntopics;
    pa_policies *policies;   /* one per namespace (same index), or NULL */
} pa_spec;

/* 0, or ARC_EXIT_DATAERR with "FILE: line L, column C: ..." in err. */
int pa_spec_load(const char *path, pa_spec *s, char *err, size_t errlen);
void pa_spec_free(pa_spec *s);
/* Pulsar's NamedEntity rule: [-=:.A-Za-z0-9_]+ */
bool pa_valid_name(const char *s);

/* ---- policy.c --------------------------------------------------------------- */
extern const char *const pa_pol_name[PA_NPOL]; /* "retention", "messageTTL", ... */
/* A namespace object's policy keys (spec.c hands each key token k). 0; 1 when
 * the key is no policy; ARC_EXIT_DATAERR-style -1 with a reason in err. */
int pa_policy_parse(const arc_json *j, int k, pa_policies *p, char *err, size_t n);
/* The server's policies object (token obj) into have. */
void pa_policies_from_server(const arc_json *j, int obj, pa_policies *have);
/* Does declared policy `kind` differ from the server's? text: "old -> new". */
bool pa_policy_differs(const pa_policies *want, const pa_policies *have, pa_pol_kind kind,
                       char *text, size_t n);
/* The POST that sets it: path suffix (after /admin/v2/namespaces/T/NS) and body. */
void pa_policy_request(const pa_policies *want, pa_pol_kind kind, char *suffix, size_t n,
                       arc_buf *body);

/* ---- apply.c / list.c ----------------------------------------------------- */
int pa_cmd_apply(pa_ctx *x, const char *file);
int pa_cmd_tenants(pa_ctx *x);
int pa_cmd_namespaces(pa_ctx *x, const char *tenant);
int pa_cmd_topics(pa_ctx *x, const char *tenant_ns);

/* ---- one attempt as a function (health.c, apply.c, once.c), for cortex ------ */
typedef struct {
    unsigned created, exists, updated, conflict, failed;
} pa_counts;

/* apply --dry-run: 2 when the plan has changes (Terraform's -detailed-exitcode). */
#define PA_EXIT_PENDING 2

/* One GET /admin/v2/brokers/health bounded by dl: 0 ok, 1 with why. */
int pa_health_once(pa_ctx *x, const arc_deadline *dl, char *why, size_t n);
/* apply of a loaded spec bounded by dl, nothing printed: 0 ok, 1 with the
 * first conflict or failure in why. */
int pa_apply_once(pa_ctx *x, const pa_spec *s, const arc_deadline *dl, pa_counts *k,
                  char *why, size_t n);
/* once.c: a quiet session for url (NULL: $PULSAR_ADMIN_URL, else the
 * default), token from $PULSAR_AUTH_TOKEN. 0, or 64 with err. */
int pa_once_open(pa_ctx *x, const char *url, char *err, size_t errlen);
void pa_once_close(pa_ctx *x);
/* `apply FILE` (file != NULL) or `health` (file NULL) once, quietly. 0 ok,
 * 1 failed, 64 bad URL, 65 bad file. */
int pa_once(const char *url, const char *file, const arc_deadline *dl, pa_counts *k,
            char *why, size_t n);

#endif /* PULSARADM_H */
