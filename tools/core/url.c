/* url.c — scheme://[user[:pass]@]host[:port][/path] parsing and masking. */
#include "arc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    return (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : -1;
}

/* Decode %XX escapes of s[0..n) into out; -1 when malformed or too long. */
static int pct_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int ch = (unsigned char)s[i];
        if (ch == '%') {
            if (i + 2 >= n)
                return -1;
            int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            ch = hi * 16 + lo;
            i += 2;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = (char)ch;
    }
    out[o] = '\0';
    return 0;
}

static int parse_port(const char *s, size_t n, int *port)
{
    if (n == 0 || n > 5)
        return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1 || v > 65535)
        return -1;
    *port = (int)v;
    return 0;
}

/* host[:port] or [v6][:port] in s[0..n) */
static int parse_hostport(const char *s, size_t n, arc_url *u, char *err, size_t errlen)
{
    const char *port = NULL;
    size_t hostlen;
    const char *host = s;
    if (n > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close)
            return arc_errf(err, errlen, "unterminated '[' in IPv6 host");
        host = s + 1;
        hostlen = (size_t)(close - host);
        size_t rest = n - (size_t)(close - s) - 1;
        if (rest > 0) {
            if (close[1] != ':')
                return arc_errf(err, errlen, "unexpected text after ']' in host");
            port = close + 2;
        }
    } else {
        const char *colon = memchr(s, ':', n);
        hostlen = colon ? (size_t)(colon - s) : n;
        if (colon)
            port = colon + 1;
    }
    if (hostlen == 0)
        return arc_errf(err, errlen, "missing host");
    if (hostlen >= sizeof u->host)
        return arc_errf(err, errlen, "host is too long");
    memcpy(u->host, host, hostlen);
    u->host[hostlen] = '\0';
    if (port && parse_port(port, (size_t)(s + n - port), &u->port) != 0)
        return arc_errf(err, errlen, "port must be a number from 1 to 65535");
    return 0;
}

int arc_url_parse(const char *in, arc_url *u, char *err, size_t errlen)
{
    memset(u, 0, sizeof *u);
    const char *sep = strstr(in, "://");
    if (!sep || sep == in)
        return arc_errf(err, errlen, "expected scheme://host[:port]");
    size_t slen = (size_t)(sep - in);
    if (slen >= sizeof u->scheme)
        return arc_errf(err, errlen, "scheme is too long");
    for (size_t i = 0; i < slen; i++)
        u->scheme[i] = (char)tolower((unsigned char)in[i]);
    const char *auth = sep + 3;
    size_t alen = strcspn(auth, "/?#");
    const char *rest = auth + alen;
    if (arc_strlcpy(u->path, rest, sizeof u->path) != 0)
        return arc_errf(err, errlen, "path is too long");
    /* userinfo ends at the last '@' of the authority */
    const char *at = NULL;
    for (const char *p = auth; p < rest; p++)
        if (*p == '@')
            at = p;
    const char *hp = auth;
    if (at) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));
        size_t ulen = colon ? (size_t)(colon - auth) : (size_t)(at - auth);
        if (pct_decode(auth, ulen, u->user, sizeof u->user) != 0)
            return arc_errf(err, errlen, "bad user name in URL");
        if (colon) {
            if (pct_decode(colon + 1, (size_t)(at - colon - 1), u->pass, sizeof u->pass) != 0)
                return arc_errf(err, errlen, "bad password in URL (escape or length)");
            u->has_pass = true;
        }
        hp = at + 1;
    }
    return parse_hostport(hp, (size_t)(rest - hp), u, err, errlen);
}

void arc_url_hostport(const arc_url *u, char *out, size_t n)
{
    bool v6 = strchr(u->host, ':') != NULL;
    if (u->port)
        arc_snprintf(out, n, v6 ? "[%s]:%d" : "%s:%d", u->host, u->port);
    else
        arc_snprintf(out, n, v6 ? "[%s]" : "%s", u->host);
}

void arc_url_shown(const arc_url *u, char *out, size_t n)
{
    char hp[300];
    arc_url_hostport(u, hp, sizeof hp);
    arc_buf b;
    arc_buf_init(&b);
    arc_buf_printf(&b, "%s://", u->scheme);
    if (u->user[0] || u->has_pass)
        arc_buf_printf(&b, "%s%s@", u->user, u->has_pass ? ":***" : "");
    arc_buf_puts(&b, hp);
    arc_buf_puts(&b, strchr(u->path, '@') ? "/..." : u->path);
    arc_strlcpy(out, arc_buf_str(&b), n);
    arc_buf_free(&b);
}

void arc_mask_url(const char *url, char *out, size_t n)
{
    arc_url u;
    char err[160];
    if (arc_url_parse(url, &u, err, sizeof err) == 0)
        arc_url_shown(&u, out, n);
    else if (!strchr(url, '@')) /* no user info: nothing secret to hide */
        arc_strlcpy(out, url, n);
    else
        arc_strlcpy(out, "(URL not shown: it does not parse and may hold a password)", n);
    arc_wipe(&u, sizeof u);
}

bool arc_has_ctrl(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return true;
    return false;
}
