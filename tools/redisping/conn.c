/*
 * conn.c — hiredis under a hard deadline.
 *
 * The connect uses hiredis' own timeout (non-blocking connect + poll). Each
 * command is written and its reply read with poll() bounded by what is left
 * of the deadline, so a server that accepts and never answers (or trickles
 * bytes) cannot hold the probe past --timeout; and before hiredis parses
 * what arrived, resp.c checks that the reply is not too large (a server that
 * declares a 2 GB bulk string cannot make us allocate it).
 */
#include "redisping.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/time.h>

static struct timeval left_tv(const arc_deadline *dl)
{
    int ms = arc_deadline_left_ms(dl);
    if (ms < 1)
        ms = 1; /* hiredis reads {0,0} as "no timeout" in some versions */
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    return tv;
}

/* 1 ready, 0 deadline reached, -1 poll error. */
static int wait_fd(int fd, short events, const arc_deadline *dl)
{
    for (;;) {
        int ms = arc_deadline_left_ms(dl);
        if (ms <= 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = events, .revents = 0};
        int n = poll(&p, 1, ms);
        if (n > 0)
            return 1;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

redisContext *rp_connect(const rp_target *t, const arc_deadline *dl, char *err,
                         size_t errlen)
{
    redisContext *c = redisConnectWithTimeout(t->host, t->port, left_tv(dl));
    if (!c) {
        arc_strlcpy(err, "out of memory", errlen);
        return NULL;
    }
    if (c->err) {
        arc_strlcpy(err, c->errstr, errlen);
        redisFree(c);
        return NULL;
    }
    return c;
}

static int io_fail(redisContext *c, int w, char *err, size_t errlen)
{
    if (w == 0)
        arc_strlcpy(err, "timed out waiting for the server", errlen);
    else if (w < 0)
        arc_snprintf(err, errlen, "poll: %s", strerror(errno));
    else
        arc_strlcpy(err, c->errstr[0] ? c->errstr : "I/O error", errlen);
    return -1;
}

static int send_all(redisContext *c, const arc_deadline *dl, char *err, size_t errlen)
{
    int done = 0;
    while (!done) {
        int w = wait_fd(c->fd, POLLOUT, dl);
        if (w <= 0)
            return io_fail(c, w, err, errlen);
        if (redisBufferWrite(c, &done) != REDIS_OK)
            return io_fail(c, 1, err, errlen);
    }
    return 0;
}

static bool too_large(const redisContext *c, char *err, size_t errlen)
{
    if (rp_reader_too_large(c->reader, RP_REPLY_MAX, RP_MAX_ELEMENTS) == 0)
        return false;
    arc_snprintf(err, errlen, "reply too large (over %u KiB or %d elements)",
                 RP_REPLY_MAX / 1024, RP_MAX_ELEMENTS);
    return true;
}

static redisReply *read_reply(redisContext *c, const arc_deadline *dl, char *err,
                              size_t errlen)
{
    for (;;) {
        void *reply = NULL;
        if (too_large(c, err, errlen))
            return NULL;
        if (redisGetReplyFromReader(c, &reply) != REDIS_OK) {
            io_fail(c, 1, err, errlen);
            return NULL;
        }
        if (reply)
            return reply;
        int w = wait_fd(c->fd, POLLIN, dl);
        if (w <= 0 || redisBufferRead(c) != REDIS_OK) {
            io_fail(c, w, err, errlen);
            return NULL;
        }
    }
}

redisReply *rp_command(redisContext *c, const arc_deadline *dl, int argc,
                       const char **argv, char *err, size_t errlen)
{
    /* Backstop for the blocking socket: SO_RCVTIMEO/SO_SNDTIMEO. */
    redisSetTimeout(c, left_tv(dl));
    if (redisAppendCommandArgv(c, argc, argv, NULL) != REDIS_OK) {
        io_fail(c, 1, err, errlen);
        return NULL;
    }
    if (send_all(c, dl, err, errlen) != 0)
        return NULL;
    return read_reply(c, dl, err, errlen);
}
