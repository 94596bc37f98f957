/*
 * resp.c — look ahead at what hiredis is about to parse, so that a reply
 * that declares more than we accept is refused before anything is allocated
 * for it. A bulk string over RP_REPLY_MAX bytes or an array of more than
 * RP_MAX_ELEMENTS is "too large"; so is more than RP_REPLY_MAX bytes waiting.
 */
#include "redisping.h"

#include <string.h>

/* The integer of a header line from p (after the type byte) to eol; -1
 * when it is not one. */
static long long header_num(const char *p, const char *eol)
{
    long long v = 0;
    bool neg = p < eol && *p == '-';
    if (neg)
        p++;
    if (p == eol)
        return -1;
    for (; p < eol; p++) {
        if (*p < '0' || *p > '9' || v > 1000000000000LL)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return neg ? -1 : v;
}

/* The "\r\n" ending the line at s (hiredis' own rule), or NULL. */
static const char *line_end(const char *s, size_t n)
{
    for (const char *p = s; (p = memchr(p, '\r', n - (size_t)(p - s))) != NULL; p++)
        if ((size_t)(p - s) + 1 < n && p[1] == '\n')
            return p;
    return NULL;
}

int rp_resp_check(char pending, const char *buf, size_t len, size_t max_bytes,
                  long long max_elems)
{
    if (len > max_bytes)
        return 1;
    size_t i = 0;
    while (i < len) {
        const char *s = buf + i;
        /* the item hiredis began: its type byte is read, its line is not */
        char type = pending ? pending : *s;
        const char *eol = line_end(s, len - i);
        if (!eol)
            return 0; /* the header line is not complete yet */
        long long n = header_num(pending ? s : s + 1, eol);
        pending = 0;
        i = (size_t)(eol - buf) + 2;
        if (type == '$' && n > (long long)max_bytes)
            return 1;
        if (type == '*' && n > max_elems)
            return 1;
        if (type == '$' && n >= 0) {
            if ((size_t)n + 2 > len - i)
                return 0; /* the body is still arriving */
            i += (size_t)n + 2;
        } else if (!strchr("+-:*$", type)) {
            return 0; /* not RESP2: hiredis names the protocol error */
        }
    }
    return 0;
}

int rp_reader_too_large(const redisReader *r, size_t max_bytes, long long max_elems)
{
    static const char types[] = {
        [REDIS_REPLY_STRING] = '$', [REDIS_REPLY_ARRAY] = '*', [REDIS_REPLY_INTEGER] = ':',
        [REDIS_REPLY_STATUS] = '+', [REDIS_REPLY_ERROR] = '-'};
    char pending = 0;
    /* hiredis 1.x keeps its read tasks in a growing array of pointers (task),
     * 0.14 (Debian 12) in a fixed one (rstack): the probes are built on both. */
#if HIREDIS_MAJOR >= 1
    const redisReadTask *t = r->ridx >= 0 ? r->task[r->ridx] : NULL;
#else
    const redisReadTask *t = r->ridx >= 0 ? &r->rstack[r->ridx] : NULL;
#endif
    if (t && t->type > 0 && (size_t)t->type < sizeof types)
        pending = types[t->type];
    return rp_resp_check(pending, r->buf + r->pos, r->len - r->pos, max_bytes, max_elems);
}
