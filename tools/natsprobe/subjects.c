/* subjects.c — NATS subjects and stream names: validity, and whether two
 * subject patterns can match the same subject (`*` one token, `>` the rest). */
#include "natsprobe.h"

#include <string.h>

/* Tokens separated by '.', none empty, no whitespace; '*' and '>' only as
 * whole tokens, '>' only last. */
bool np_subject_valid(const char *s)
{
    if (!s || !*s)
        return false;
    for (const char *t = s;;) {
        size_t len = strcspn(t, ".");
        if (len == 0)
            return false;
        for (size_t i = 0; i < len; i++) {
            unsigned char ch = (unsigned char)t[i];
            if (ch <= ' ' || ch == 0x7f || ((ch == '*' || ch == '>') && len != 1))
                return false;
        }
        if (t[len] == '\0')
            return true;
        if (len == 1 && t[0] == '>')
            return false;
        t += len + 1;
    }
}

/* What the server accepts as a stream name: no whitespace, '.', '*', '>',
 * or path separators; at most 255 bytes. */
bool np_stream_name_valid(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > 255)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch <= ' ' || ch == 0x7f || strchr(".*>/\\", ch))
            return false;
    }
    return true;
}

static bool is_token(const char *t, size_t len, char c)
{
    return len == 1 && t[0] == c;
}

bool np_subjects_overlap(const char *a, const char *b)
{
    for (;;) {
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");
        if (is_token(a, la, '>') || is_token(b, lb, '>'))
            return true;
        bool wild = is_token(a, la, '*') || is_token(b, lb, '*');
        if (!wild && (la != lb || memcmp(a, b, la) != 0))
            return false;
        a += la;
        b += lb;
        if (!*a || !*b)
            return !*a && !*b;
        a++;
        b++;
    }
}
