/*
 * resp.c — look ahead at what hiredis is about to parse, so that a reply
 * that declares more than we accept is refused before anything is allocated
 * for it. A bulk string over RP_REPLY_MAX bytes or an array of more than
 * RP_MAX_ELEMENTS is "too large"; so is more than RP_REPLY_MAX bytes waiting.
 */
#include "redisping.h"

#include <string.h>

/* The integer of a header line s[1..eol); -1 when it is not one. */
static long long header_num(const char *s, const char *eol)
{
    long long v = 0;
    const char *p = s + 1;
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

int rp_resp_check(const char *buf, size_t len, size_t max_bytes, long long max_elems)
{
    if (len > max_bytes)
        return 1;
    size_t i = 0;
    while (i < len) {
        const char *s = buf + i;
        const char *eol = memchr(s, '\r', len - i);
        if (!eol || (size_t)(eol - buf) + 1 >= len)
            return 0; /* the header line is not complete yet */
        long long n = header_num(s, eol);
        i = (size_t)(eol - buf) + 2;
        if (*s == '$' && n > (long long)max_bytes)
            return 1;
        if (*s == '*' && n > max_elems)
            return 1;
        if (*s == '$' && n >= 0) {
            if ((size_t)n + 2 > len - i)
                return 0; /* the body is still arriving */
            i += (size_t)n + 2;
        } else if (!strchr("+-:*$", *s)) {
            return 0; /* not RESP2: hiredis names the protocol error */
        }
    }
    return 0;
}
