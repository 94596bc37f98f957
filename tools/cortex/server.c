/* server.c — `cortex server`: libmicrohttpd with one thread per connection
 * (an idle or slow client holds only its own thread, never /health's), at
 * most ARC_CORTEX_MAX_CONNECTIONS at once, each closed after
 * ARC_CORTEX_CONNECTION_TIMEOUT idle seconds, request headers within 16 KiB
 * and bodies within CX_BODY_MAX. SIGTERM/SIGINT stop it: no new connections,
 * a running bootstrap ends after its current attempt, the monitor stops. */
#include "cortex.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define DISCARD_MAX (1u << 20) /* a chunked body over this: connection closed */

typedef struct {
    arc_buf body;
    size_t seen;
    bool too_large;
} request;

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)conn, (void)why;
    request *r = *con_cls;
    if (!r)
        return;
    arc_buf_free(&r->body);
    free(r);
    *con_cls = NULL;
}

/* Content-Length over the cap: known before the body arrives. */
static bool declared_too_large(struct MHD_Connection *conn)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    long n;
    return cl && (arc_parse_long(cl, 0, CX_BODY_MAX, &n) != 0);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    request *r = *con_cls;
    if (!r) { /* the headers are in: answer a declared oversize body at once */
        if (!(r = calloc(1, sizeof *r)))
            return MHD_NO;
        arc_buf_init(&r->body);
        *con_cls = r;
        if (declared_too_large(conn))
            return cx_route(cls, conn, method, url, NULL, 0, true) == 0 ? MHD_YES : MHD_NO;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        r->seen += *upload_size;
        if (r->seen > CX_BODY_MAX)
            r->too_large = true;
        else
            arc_buf_add(&r->body, upload, *upload_size);
        *upload_size = 0;
        return r->seen > DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    return cx_route(cls, conn, method, url, arc_buf_str(&r->body), r->body.len,
                    r->too_large || r->body.oom) == 0
               ? MHD_YES
               : MHD_NO;
}

static struct MHD_Daemon *start(cx_server *s, const cx_config *c)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)c->port);
    if (inet_pton(AF_INET, c->addr, &sa.sin_addr) != 1) {
        fprintf(stderr, "%s: '%s' is not an IPv4 address (ARC_CORTEX_ADDR)\n", CX_PROG, c->addr);
        return NULL;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, on_request, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->max_conns,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->conn_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16u << 10),
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_END);
    if (!d)
        fprintf(stderr, "%s: cannot listen on %s:%ld (in use, or not permitted)\n", CX_PROG,
                c->addr, c->port);
    return d;
}

int cx_server_main(const cx_config *c)
{
    static cx_server s; /* the handlers reach it through MHD's cls */
    memset(&s, 0, sizeof s);
    s.cfg = c;
    pthread_mutex_init(&s.mu, NULL);
    /* every thread started from here on inherits the mask: only sigwait sees them */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    cx_otlp_configure(c);
    cx_outbox_start(c);
    struct MHD_Daemon *d = start(&s, c);
    if (!d) {
        cx_outbox_stop(0);
        return ARC_EXIT_FAIL;
    }
    if (cx_monitor_start(&s.monitor, c) != 0)
        fprintf(stderr, "%s: cannot start the monitor thread\n", CX_PROG);
    printf("%s: listening on http://%s:%ld (monitor every %gs)\n", CX_PROG, c->addr, c->port,
           c->interval);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    cx_stop = 1;
    printf("%s: %s, stopping\n", CX_PROG, sig == SIGINT ? "SIGINT" : "SIGTERM");
    fflush(stdout);
    MHD_stop_daemon(d);
    cx_monitor_stop(&s.monitor);
    cx_outbox_stop(c->event_timeout);
    pthread_mutex_destroy(&s.mu);
    return ARC_EXIT_OK;
}
