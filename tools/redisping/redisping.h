/*
 * redisping.h — what the files of the redisping probe share.
 *
 *   main.c    options and dispatch (reads like --help)
 *   target.c  where to connect and with which credentials (URL, env, file)
 *   conn.c    hiredis connect and commands bounded by a deadline
 *   check.c   one attempt: connect, AUTH, SELECT, PING, then the --expect checks
 *   expect.c  --expect FIELD=VALUE: parsing, INFO lookup, CONFIG GET fallback
 *   resp.c    the size of a reply, looked at before hiredis parses it
 *   once.c    one attempt as a function (for cortex, which links these objects)
 */
#ifndef REDISPING_H
#define REDISPING_H

#include "arc.h"

#include <hiredis/hiredis.h>

#define RP_DEFAULT_HOST "127.0.0.1"
#define RP_DEFAULT_PORT 6379
#define RP_MAX_EXPECT 32
#define RP_REPLY_MAX ARC_REPLY_MAX /* largest reply (bytes waiting or one bulk) */
#define RP_MAX_ELEMENTS 65536      /* largest array reply */

typedef struct {
    const char *field; /* points into argv; not NUL-terminated at flen */
    size_t flen;
    const char *value; /* after the '=' */
} rp_expect;

typedef struct {
    arc_common common;
    const char *url;        /* --url, else $REDIS_URL, else NULL (default) */
    const char *url_origin; /* "--url" or "REDIS_URL", for messages */
    const char *password_file;
    rp_expect expect[RP_MAX_EXPECT];
    int nexpect;
} rp_options;

typedef struct {
    char host[256];
    int port;
    long db;        /* -1: no SELECT */
    char user[128]; /* "" = AUTH with the password only */
    char pass[256]; /* "" = no AUTH; never printed */
    char target[300]; /* host:port[/db], for output */
} rp_target;

/* target.c: 0, or ARC_EXIT_USAGE with a message in err (password masked). */
int rp_target_resolve(const rp_options *o, rp_target *t, char *err, size_t errlen);

/* conn.c: NULL with err on failure. */
redisContext *rp_connect(const rp_target *t, const arc_deadline *dl, char *err,
                         size_t errlen);
/* Send argv and wait for the reply until dl. NULL with err (no command name)
 * on I/O failure or timeout; error replies are returned as replies. */
redisReply *rp_command(redisContext *c, const arc_deadline *dl, int argc,
                       const char **argv, char *err, size_t errlen);

/* resp.c: does the RESP2 text buf[0..len) (what hiredis has yet to parse)
 * declare or hold more than we accept? 1 too large, 0 not (yet). pending:
 * the type byte of an item hiredis has begun (read the byte, not yet its
 * line), else 0. */
int rp_resp_check(char pending, const char *buf, size_t len, size_t max_bytes,
                  long long max_elems);
/* The same for what hiredis' reader holds. */
int rp_reader_too_large(const redisReader *r, size_t max_bytes, long long max_elems);

/* expect.c */
int rp_expect_parse(const char *arg, rp_expect *e); /* 0 ok, -1 malformed */
/* Check every --expect; appends "field=value, ..." (all match) or the
 * mismatches to detail, and ,"expect":[...] to json. Values of secret fields
 * (names with "pass" or "auth") are masked, by the field, never by their text.
 * Returns 0 when all match, 1 otherwise. */
int rp_expect_run(redisContext *c, const arc_deadline *dl, const rp_options *o,
                  arc_buf *detail, arc_buf *json);

/* check.c: the arc_attempt_fn behind arc_retry; ctx is an rp_check. */
typedef struct {
    const rp_options *opts;
    const rp_target *target;
    arc_buf json; /* json_extra of the last attempt */
} rp_check;

int rp_attempt(void *ctx, const arc_deadline *dl, char *why, size_t whylen);

/* once.c: one attempt against url (NULL: the default), bounded by dl, with
 * nothing printed. 0 healthy (why: the detail, e.g. "PONG"), 1 unhealthy
 * (why: the reason), 64 bad URL. */
int rp_once(const char *url, const arc_deadline *dl, char *why, size_t n);

#endif /* REDISPING_H */
