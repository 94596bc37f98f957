/* buf.c — a growable string, bounded copies and formats, error messages and
 * JSON string escaping. */
#include "arc.h"

#include <stdlib.h>
#include <string.h>

void arc_buf_init(arc_buf *b)
{
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

void arc_buf_free(arc_buf *b)
{
    free(b->s);
    arc_buf_init(b);
}

void arc_buf_reset(arc_buf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

static bool grow(arc_buf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void arc_buf_add(arc_buf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void arc_buf_puts(arc_buf *b, const char *s)
{
    arc_buf_add(b, s, strlen(s));
}

void arc_buf_printf(arc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void arc_buf_json_strn(arc_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    arc_buf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '"': arc_buf_add(b, "\\\"", 2); break;
        case '\\': arc_buf_add(b, "\\\\", 2); break;
        case '\n': arc_buf_add(b, "\\n", 2); break;
        case '\r': arc_buf_add(b, "\\r", 2); break;
        case '\t': arc_buf_add(b, "\\t", 2); break;
        default:
            if (ch < 0x20) {
                char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
                arc_buf_add(b, esc, sizeof esc);
            } else {
                arc_buf_add(b, (const char *)&s[i], 1);
            }
        }
    }
    arc_buf_add(b, "\"", 1);
}

void arc_buf_json_str(arc_buf *b, const char *s)
{
    arc_buf_json_strn(b, s ? s : "", s ? strlen(s) : 0);
}

const char *arc_buf_str(const arc_buf *b)
{
    return b->s ? b->s : "";
}

int arc_strlcpy(char *dst, const char *src, size_t n)
{
    if (n == 0)
        return -1;
    size_t len = strlen(src);
    size_t k = len < n - 1 ? len : n - 1;
    memcpy(dst, src, k);
    dst[k] = '\0';
    return len < n ? 0 : -1;
}

int arc_snprintf(char *dst, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(dst, n, fmt, ap);
    va_end(ap);
    return (r < 0 || (size_t)r >= n) ? -1 : 0;
}

int arc_errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}
