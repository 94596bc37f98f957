/* conn.c — connect and query with libpq's non-blocking API, waiting in
 * poll() on the connection's socket for no longer than the deadline, so a
 * server that accepts and never answers cannot hold us (connect_timeout is
 * whole seconds, at least 2, and only used by the blocking calls).
 *
 * Replies are capped: libpq makes room for a whole message as soon as its
 * header declares the length (up to 1 GB for a data row or an error), and
 * offers no limit. So before each read libpq makes (PQconnectPoll,
 * PQconsumeInput) we ask the kernel how many bytes the connection has
 * received in all (TCP_INFO's tcpi_bytes_received, counted before libpq
 * reads them); over PGC_REPLY_MAX the session stops with "reply too large".
 * libpq reads at most what the socket holds, so its buffer stays under the
 * cap plus one socket buffer. A unix socket has no such count: the deadline
 * still holds there. */
#include "pgcheck.h"

#include <errno.h>
#include <netinet/in.h>
#include <linux/tcp.h> /* tcp_info with tcpi_bytes_received (glibc's is older) */
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

enum { WAIT_TIMEOUT = 0, WAIT_READY = 1, WAIT_ERROR = -1, WAIT_TOO_LARGE = -2 };

/* Bytes the connection received so far (0 when not a TCP socket). */
static unsigned long long received(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
        len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof ti.tcpi_bytes_received)
        return 0;
    return ti.tcpi_bytes_received;
}

/* Wait until the socket is ready for events or the deadline passes. */
static int wait_socket(PGconn *c, short events, const arc_deadline *dl)
{
    int fd = PQsocket(c);
    if (fd < 0)
        return WAIT_ERROR;
    struct pollfd p = {.fd = fd, .events = events, .revents = 0};
    for (;;) {
        int ms = arc_deadline_left_ms(dl);
        if (ms <= 0)
            return WAIT_TIMEOUT;
        int r = poll(&p, 1, ms);
        if (r > 0 && received(fd) > PGC_REPLY_MAX)
            return WAIT_TOO_LARGE;
        if (r > 0)
            return WAIT_READY;
        if (r < 0 && errno != EINTR)
            return WAIT_ERROR;
    }
}

/* "connection to server at "h", port p failed: X" -> "X" (the target is
 * already on the line); "FATAL:  X" -> "FATAL: X". */
static const char *strip_prefix(const char *m)
{
    static const char pre[] = "connection to server ";
    const char *f = strstr(m, " failed: ");
    if (strncmp(m, pre, sizeof pre - 1) == 0 && f)
        return f + strlen(" failed: ");
    return m;
}

/* libpq's message as a reason: first line, trimmed. (libpq never quotes a
 * password; params.c refuses the DSNs whose password it would misplace.) */
static void reason(const char *msg, char *why, size_t n)
{
    const char *m = strip_prefix(msg && *msg ? msg : "unknown error");
    size_t len = strcspn(m, "\r\n"), o = 0;
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        if (m[i] == '\t' || (m[i] == ' ' && o > 0 && why[o - 1] == ' '))
            continue;
        why[o++] = m[i];
    }
    while (o > 0 && why[o - 1] == ' ')
        o--;
    if (n)
        why[o] = '\0';
}

static int conn_failed(pgc_session *s, char *why, size_t n)
{
    const char *msg = s->conn ? PQerrorMessage(s->conn) : "out of memory";
    /* libpq's words when a message header declares more than it can hold */
    if (strstr(msg, "cannot allocate memory for input buffer"))
        msg = "reply too large (a message declares more than can be held)";
    reason(msg, why, n);
    return 1;
}

/* A wait that did not end ready: timed out, too large, or failed. */
static int wait_failed(pgc_session *s, int w, const arc_deadline *dl, const char *while_,
                       char *why, size_t n);

static int timed_out(const arc_deadline *dl, const char *while_, char *why, size_t n)
{
    arc_snprintf(why, n, "no answer within %.1f s (%s)", arc_deadline_elapsed(dl), while_);
    return 1;
}

static int wait_failed(pgc_session *s, int w, const arc_deadline *dl, const char *while_,
                       char *why, size_t n)
{
    if (w == WAIT_TIMEOUT)
        return timed_out(dl, while_, why, n);
    if (w == WAIT_TOO_LARGE) {
        arc_snprintf(why, n, "reply too large (over %u MiB received, %s)",
                     PGC_REPLY_MAX >> 20, while_);
        return 1;
    }
    return conn_failed(s, why, n);
}

static const char *conninfo_val(PQconninfoOption *opts, const char *kw)
{
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, kw) == 0)
            return o->val;
    return NULL;
}

/* host:port/dbname of the host being tried (libpq's view, env included). */
static void set_target(pgc_session *s)
{
    PQconninfoOption *info = PQconninfo(s->conn);
    const char *host = PQhost(s->conn), *port = PQport(s->conn), *db = PQdb(s->conn);
    if (!host || !*host)
        host = conninfo_val(info, "host");
    if (!host || !*host)
        host = conninfo_val(info, "hostaddr");
    if (!port || !*port)
        port = conninfo_val(info, "port");
    bool v6 = host && strchr(host, ':') && host[0] != '/';
    arc_snprintf(s->target, sizeof s->target, v6 ? "[%s]:%s/%s" : "%s:%s/%s",
                 host && *host ? host : "?", port && *port ? port : "5432", db ? db : "");
    PQconninfoFree(info);
}

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Drive PQconnectPoll, sleeping in poll() on whatever it waits for. */
static int connect_poll(pgc_session *s, const arc_deadline *dl, char *why, size_t n)
{
    if (!s->conn || PQstatus(s->conn) == CONNECTION_BAD)
        return conn_failed(s, why, n);
    PQsetNoticeProcessor(s->conn, quiet_notices, NULL);
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK) {
        if (st == PGRES_POLLING_FAILED)
            return conn_failed(s, why, n);
        int w = wait_socket(s->conn, st == PGRES_POLLING_READING ? POLLIN : POLLOUT, dl);
        if (w != WAIT_READY)
            return wait_failed(s, w, dl, "connecting", why, n);
        st = PQconnectPoll(s->conn);
    }
    return PQsetnonblocking(s->conn, 1) == 0 ? 0 : conn_failed(s, why, n);
}

int pgc_connect(pgc_session *s, const pgc_params *p, const arc_deadline *dl, char *why,
                size_t n)
{
    s->params = p;
    s->connected = false;
    s->conn = PQconnectStartParams(p->keys, p->vals, 0);
    int rc = connect_poll(s, dl, why, n);
    if (s->conn)
        set_target(s);
    return rc;
}

/* Send everything queued; read meanwhile so the server never stalls on us. */
static int flush_all(pgc_session *s, const arc_deadline *dl, char *why, size_t n)
{
    int f;
    while ((f = PQflush(s->conn)) == 1) {
        int w = wait_socket(s->conn, POLLIN | POLLOUT, dl);
        if (w != WAIT_READY)
            return wait_failed(s, w, dl, "sending the query", why, n);
        if (!PQconsumeInput(s->conn))
            return conn_failed(s, why, n);
    }
    return f == 0 ? 0 : conn_failed(s, why, n);
}

/* The next result (NULL after the last) without blocking past the deadline. */
static int next_result(pgc_session *s, const arc_deadline *dl, PGresult **r, char *why,
                       size_t n)
{
    while (PQisBusy(s->conn)) {
        int w = wait_socket(s->conn, POLLIN, dl);
        if (w != WAIT_READY)
            return wait_failed(s, w, dl, "waiting for the query", why, n);
        if (!PQconsumeInput(s->conn))
            return conn_failed(s, why, n);
    }
    *r = PQgetResult(s->conn);
    return 0;
}

int pgc_query(pgc_session *s, const char *sql, int nparams, const char *const *params,
              const arc_deadline *dl, PGresult **res, char *why, size_t n)
{
    *res = NULL;
    if (!PQsendQueryParams(s->conn, sql, nparams, NULL, params, NULL, NULL, 0))
        return conn_failed(s, why, n);
    if (flush_all(s, dl, why, n) != 0)
        return 1;
    PGresult *first = NULL, *r = NULL;
    do {
        if (next_result(s, dl, &r, why, n) != 0) {
            PQclear(first);
            return 1;
        }
        if (!first)
            first = r;
        else
            PQclear(r);
    } while (r);
    if (!first || PQresultStatus(first) != PGRES_TUPLES_OK) {
        reason(first ? PQresultErrorMessage(first) : PQerrorMessage(s->conn), why, n);
        PQclear(first);
        return 1;
    }
    *res = first;
    return 0;
}

void pgc_close(pgc_session *s)
{
    PQfinish(s->conn);
    s->conn = NULL;
}
