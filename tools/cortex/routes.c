/* routes.c — the HTTP API. Every answer is JSON (the bootstrap's table with
 * ?format=text excepted); every error is {"error":"...",...} with its code:
 * 404 unknown path, 405 wrong method (with Allow), 413 body over CX_BODY_MAX,
 * 400 malformed body, 409 a bootstrap already runs. */
#include "cortex.h"

#include <microhttpd.h>
#include <string.h>
#include <unistd.h>

static int reply(struct MHD_Connection *conn, unsigned status, const char *body,
                 const char *ctype, const char *allow)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
                                                             MHD_RESPMEM_MUST_COPY);
    if (!r)
        return -1;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok == MHD_YES ? 0 : -1;
}

static int json(struct MHD_Connection *conn, unsigned status, const char *body)
{
    return reply(conn, status, body, "application/json", NULL);
}

/* {"error":msg[,"path":url]} */
static int error(struct MHD_Connection *conn, unsigned status, const char *msg, const char *url,
                 const char *allow)
{
    arc_buf b;
    arc_buf_init(&b);
    arc_buf_puts(&b, "{\"error\":");
    arc_buf_json_str(&b, msg);
    if (url) {
        arc_buf_puts(&b, ",\"path\":");
        arc_buf_json_str(&b, url);
    }
    if (allow)
        arc_buf_printf(&b, ",\"allow\":\"%s\"", allow);
    arc_buf_puts(&b, "}\n");
    int rc = reply(conn, status, arc_buf_str(&b), "application/json", allow);
    arc_buf_free(&b);
    return rc;
}

static const char *query(struct MHD_Connection *conn, const char *key)
{
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
}

/* ---- GET /health, /health/deep, /ready --------------------------------------- */
static int get_health(cx_server *s, struct MHD_Connection *conn)
{
    (void)s;
    return json(conn, MHD_HTTP_OK, "{\"status\":\"ok\"}\n");
}

static int get_deep(cx_server *s, struct MHD_Connection *conn)
{
    arc_buf b;
    arc_buf_init(&b);
    bool healthy = false;
    const char *cached = query(conn, "cached");
    if (!(cached && strcmp(cached, "1") == 0 && cx_monitor_last(&s->monitor, &healthy, &b))) {
        healthy = cx_deep_check(s->cfg, &b, NULL);
        cx_monitor_store(&s->monitor, healthy, arc_buf_str(&b));
    }
    int rc = json(conn, healthy ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, arc_buf_str(&b));
    arc_buf_free(&b);
    return rc;
}

static int get_metrics(cx_server *s, struct MHD_Connection *conn)
{
    (void)s;
    arc_buf b;
    arc_buf_init(&b);
    cx_metrics_text(&b);
    int rc = reply(conn, MHD_HTTP_OK, arc_buf_str(&b), "text/plain; version=0.0.4; charset=utf-8",
                   NULL);
    arc_buf_free(&b);
    return rc;
}

static int get_ready(cx_server *s, struct MHD_Connection *conn)
{
    char body[160];
    pthread_mutex_lock(&s->mu);
    bool ready = s->ready;
    if (ready)
        arc_snprintf(body, sizeof body, "{\"status\":\"ready\",\"bootstrapped_at\":\"%s\"}\n",
                     s->ready_at);
    pthread_mutex_unlock(&s->mu);
    if (!ready)
        return json(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
                    "{\"status\":\"not ready\",\"reason\":\"no bootstrap has succeeded yet\"}\n");
    return json(conn, MHD_HTTP_OK, body);
}

/* ---- POST /api/v1/bootstrap -------------------------------------------------------- */
/* {"phases":["nats",...],"skip":{"pulsar":"why"}}, both optional; an empty
 * body asks for every phase. 0, or -1 with why. */
static int parse_body(cx_bootstrap *b, const char *body, size_t len, char *why, size_t n)
{
    if (strspn(body, " \t\r\n") == len)
        return 0;
    arc_json j;
    if (arc_json_parse(&j, body, len, why, n) != 0)
        return -1;
    int rc = arc_json_is(&j, 0, JSMN_OBJECT) ? 0 : arc_errf(why, n, "the body must be an object");
    for (int k = 1; rc == 0 && k < j.ntok; k = arc_json_next(&j, k + 1)) {
        int v = k + 1;
        bool phases = arc_json_eq(&j, k, "phases"), skip = arc_json_eq(&j, k, "skip");
        if (!phases && !skip) {
            int l;
            const char *key = arc_json_raw(&j, k, &l);
            rc = arc_errf(why, n, "unknown field \"%.*s\" (phases, skip)", l > 64 ? 64 : l, key);
        } else if (!arc_json_is(&j, v, phases ? JSMN_ARRAY : JSMN_OBJECT)) {
            rc = arc_errf(why, n, "\"%s\" must be %s", phases ? "phases" : "skip",
                          phases ? "an array of phase names" : "an object PHASE: reason");
        }
        for (int e = v + 1; rc == 0 && e < arc_json_next(&j, v); e = arc_json_next(&j, e)) {
            char name[16], reason[256];
            int p = arc_json_str(&j, e, name, sizeof name) == 0
                        ? cx_phase_by_name(name, strlen(name)) : -1;
            if (p < 0) {
                rc = arc_errf(why, n, "unknown phase in \"%s\" (phases: sql nats pulsar redis)",
                              phases ? "phases" : "skip");
            } else if (phases) {
                cx_bootstrap_want(b, (cx_phase_id)p);
            } else {
                e = arc_json_next(&j, e); /* the reason */
                if (arc_json_name(&j, e, reason, sizeof reason) != 0)
                    rc = arc_errf(why, n, "skip.%s: the reason must be a short string", name);
                else
                    cx_bootstrap_skip(b, (cx_phase_id)p, reason);
            }
        }
    }
    arc_json_free(&j);
    return rc;
}

static void running_json(cx_server *s, const char *pid_note, arc_buf *out)
{
    arc_buf_puts(out, "{\"error\":\"a bootstrap is already running\",\"running\":{");
    arc_buf_puts(out, pid_note);
    arc_buf_puts(out, "}}\n");
    (void)s;
}

/* 409 naming the running bootstrap: this server's, or another process's lock. */
static int conflict(cx_server *s, struct MHD_Connection *conn, const cx_holder *h)
{
    arc_buf note, out;
    arc_buf_init(&note);
    arc_buf_init(&out);
    if (h) {
        arc_buf_printf(&note, "\"by\":\"process\",\"pid\":%ld,\"since\":", h->pid);
        arc_buf_json_str(&note, h->since);
        arc_buf_puts(&note, ",\"lock\":");
        arc_buf_json_str(&note, s->cfg->lock);
    } else {
        arc_buf_printf(&note, "\"by\":\"this server\",\"pid\":%ld,\"since\":\"%s\","
                       "\"phases\":\"%s\"", (long)getpid(), s->running_since, s->running_phases);
    }
    running_json(s, arc_buf_str(&note), &out);
    int rc = json(conn, MHD_HTTP_CONFLICT, arc_buf_str(&out));
    arc_buf_free(&note);
    arc_buf_free(&out);
    return rc;
}

/* Claim the right to run: 0, or answers 409 / 500 and returns 1 (-1 on error). */
static int claim(cx_server *s, struct MHD_Connection *conn, const cx_bootstrap *b,
                 cx_lock *lock)
{
    pthread_mutex_lock(&s->mu);
    if (s->running) {
        pthread_mutex_unlock(&s->mu);
        return conflict(s, conn, NULL) == 0 ? 1 : -1;
    }
    cx_holder h;
    char err[1200];
    int rc = cx_lock_take(s->cfg, lock, &h, err, sizeof err);
    if (rc == 0) {
        s->running = true;
        cx_iso_now(s->running_since, sizeof s->running_since);
        s->running_phases[0] = '\0';
        for (int k = 0; k < b->nrun; k++) {
            size_t l = strlen(s->running_phases);
            arc_snprintf(s->running_phases + l, sizeof s->running_phases - l, "%s%s",
                         k ? " " : "", cx_phase_names[b->order[k]]);
        }
    }
    pthread_mutex_unlock(&s->mu);
    if (rc == CX_EXIT_LOCKED)
        return conflict(s, conn, &h) == 0 ? 1 : -1;
    if (rc != 0)
        return error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, err, NULL, NULL) == 0 ? 1 : -1;
    return 0;
}

static int post_bootstrap(cx_server *s, struct MHD_Connection *conn, const char *body,
                          size_t len)
{
    cx_bootstrap b;
    cx_bootstrap_init(&b, s->cfg);
    b.verbose = true;
    b.served = true;
    cx_traceparent_parse(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "traceparent"),
                         &b.parent);
    char why[256], err[1200];
    for (int i = 0; i < CX_NPHASES; i++)
        if (cx_skip_reason(s->cfg, (cx_phase_id)i, why, sizeof why))
            cx_bootstrap_skip(&b, (cx_phase_id)i, why);
    if (parse_body(&b, body, len, why, sizeof why) != 0) {
        char msg[300];
        arc_snprintf(msg, sizeof msg, "malformed body: %s", why);
        return error(conn, MHD_HTTP_BAD_REQUEST, msg, NULL, NULL);
    }
    bool all = b.nrun == 0;
    for (int i = 0; all && i < CX_NPHASES; i++)
        cx_bootstrap_want(&b, (cx_phase_id)i);
    cx_lock lock;
    int rc = claim(s, conn, &b, &lock);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    double t0 = arc_now();
    cx_bootstrap_run(&b);
    cx_bootstrap_done(&b, arc_now() - t0);
    arc_buf out;
    arc_buf_init(&out);
    cx_result_json(&b, &out);
    bool written = cx_result_write(&b, arc_buf_str(&out), err, sizeof err) == 0;
    if (!written)
        fprintf(stderr, "%s: %s\n", CX_PROG, err);
    pthread_mutex_lock(&s->mu);
    if (b.ok && !b.interrupted) {
        s->ready = true;
        cx_iso_now(s->ready_at, sizeof s->ready_at);
    }
    s->running = false;
    cx_lock_release(s->cfg, &lock);
    pthread_mutex_unlock(&s->mu);
    const char *fmt = query(conn, "format");
    unsigned status = b.ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE;
    if (fmt && strcmp(fmt, "text") == 0) {
        arc_buf_reset(&out);
        cx_result_table(&b, &out);
        if (written)
            arc_buf_printf(&out, "\n%s: result written to %s\n", CX_PROG, s->cfg->result);
        arc_buf_printf(&out, "%s: %s\n", CX_PROG, b.ok ? "all phases ok" : "some phases FAILED");
        rc = reply(conn, status, arc_buf_str(&out), "text/plain; charset=utf-8", NULL);
    } else {
        rc = json(conn, status, arc_buf_str(&out));
    }
    arc_buf_free(&out);
    cx_bootstrap_free(&b);
    return rc;
}

/* ---- the table of routes --------------------------------------------------------- */
typedef struct {
    const char *path;
    const char *method; /* GET routes answer HEAD too */
    int (*get)(cx_server *, struct MHD_Connection *);
} route;

static const route routes[] = {
    {"/health", "GET", get_health},
    {"/health/deep", "GET", get_deep},
    {"/ready", "GET", get_ready},
    {"/metrics", "GET", get_metrics},
    {"/api/v1/bootstrap", "POST", NULL},
};

int cx_route(cx_server *s, struct MHD_Connection *conn, const char *method, const char *url,
             const char *body, size_t len, bool too_large)
{
    const route *r = NULL;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0] && !r; i++)
        if (strcmp(url, routes[i].path) == 0)
            r = &routes[i];
    if (!r)
        return error(conn, MHD_HTTP_NOT_FOUND, "not found", url, NULL);
    bool get = strcmp(r->method, "GET") == 0;
    if (strcmp(method, r->method) != 0 && !(get && strcmp(method, "HEAD") == 0))
        return error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", url,
                     get ? "GET, HEAD" : "POST");
    if (too_large) {
        char msg[80];
        arc_snprintf(msg, sizeof msg, "request body too large (limit %u bytes)", CX_BODY_MAX);
        return error(conn, MHD_HTTP_CONTENT_TOO_LARGE, msg, NULL, NULL);
    }
    if (get)
        return r->get(s, conn);
    return post_bootstrap(s, conn, body, len);
}
