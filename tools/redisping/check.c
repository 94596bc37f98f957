/*
 * check.c — one attempt of redisping: connect, AUTH, SELECT, PING, then the
 * --expect checks. Any error reply is a failure named by the reply itself
 * ("PING: LOADING Redis is loading the dataset in memory").
 */
#include "redisping.h"

#include <string.h>

/* Run one command that must not fail; 0 ok (reply kept in *out if asked). */
static int step(redisContext *c, const arc_deadline *dl, const char *name, int argc,
                const char **argv, redisReply **out, char *why, size_t whylen)
{
    char err[256];
    redisReply *r = rp_command(c, dl, argc, argv, err, sizeof err);
    if (!r) {
        arc_snprintf(why, whylen, "%s: %s", name, err);
        return 1;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        arc_snprintf(why, whylen, "%s: %s", name, r->str);
        freeReplyObject(r);
        return 1;
    }
    if (out)
        *out = r;
    else
        freeReplyObject(r);
    return 0;
}

static int auth(redisContext *c, const arc_deadline *dl, const rp_target *t,
                char *why, size_t whylen)
{
    if (!t->pass[0])
        return 0;
    if (t->user[0]) { /* ACL user */
        const char *argv[] = {"AUTH", t->user, t->pass};
        return step(c, dl, "AUTH", 3, argv, NULL, why, whylen);
    }
    const char *argv[] = {"AUTH", t->pass};
    return step(c, dl, "AUTH", 2, argv, NULL, why, whylen);
}

static int select_db(redisContext *c, const arc_deadline *dl, const rp_target *t,
                     char *why, size_t whylen)
{
    if (t->db < 0)
        return 0;
    char num[24];
    arc_snprintf(num, sizeof num, "%ld", t->db);
    const char *argv[] = {"SELECT", num};
    return step(c, dl, "SELECT", 2, argv, NULL, why, whylen);
}

static int ping(redisContext *c, const arc_deadline *dl, char *why, size_t whylen)
{
    const char *argv[] = {"PING"};
    redisReply *r = NULL;
    if (step(c, dl, "PING", 1, argv, &r, why, whylen) != 0)
        return 1;
    int bad = !(r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0);
    if (bad)
        arc_snprintf(why, whylen, "PING: unexpected reply '%.80s'",
                     r->str ? r->str : "(not a string)");
    else
        arc_strlcpy(why, "PONG", whylen);
    freeReplyObject(r);
    return bad;
}

static int talk(redisContext *c, const arc_deadline *dl, rp_check *k, char *why,
                size_t whylen)
{
    if (auth(c, dl, k->target, why, whylen) || select_db(c, dl, k->target, why, whylen) ||
        ping(c, dl, why, whylen))
        return ARC_EXIT_FAIL;
    if (k->opts->nexpect == 0)
        return ARC_EXIT_OK;
    arc_buf detail;
    arc_buf_init(&detail);
    int rc = rp_expect_run(c, dl, k->opts, &detail, &k->json);
    if (rc == 0)
        arc_snprintf(why, whylen, "PONG, %s", arc_buf_str(&detail));
    else
        arc_strlcpy(why, arc_buf_str(&detail), whylen);
    arc_buf_free(&detail);
    return rc == 0 ? ARC_EXIT_OK : ARC_EXIT_FAIL;
}

int rp_attempt(void *ctx, const arc_deadline *dl, char *why, size_t whylen)
{
    rp_check *k = ctx;
    arc_buf_reset(&k->json);
    char err[256];
    redisContext *c = rp_connect(k->target, dl, err, sizeof err);
    if (!c) {
        arc_snprintf(why, whylen, "connect: %s", err);
        return ARC_EXIT_FAIL;
    }
    int rc = talk(c, dl, k, why, whylen);
    redisFree(c);
    return rc;
}
