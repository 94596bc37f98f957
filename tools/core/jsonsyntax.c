/* jsonsyntax.c — check a document against the JSON grammar (RFC 8259) and
 * name the line and column of the first error. jsmn, even in strict mode,
 * accepts missing or doubled separators ({"a" "b"}, [1,,2], {"a": }) and
 * bare words starting with t/f/n, so arc_json_parse runs this first. */
#include "arc.h"

#include <ctype.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct {
    const char *s;
    size_t n;
    size_t i;
    int depth;
    const char *why; /* first error */
} syn;

static bool value(syn *p);

static bool fail(syn *p, const char *why)
{
    if (!p->why)
        p->why = why;
    return false;
}

static int peek(const syn *p)
{
    return p->i < p->n ? (unsigned char)p->s[p->i] : -1;
}

static void skip_ws(syn *p)
{
    while (peek(p) == ' ' || peek(p) == '\t' || peek(p) == '\r' || peek(p) == '\n')
        p->i++;
}

static bool literal(syn *p, const char *word)
{
    size_t k = strlen(word);
    if (p->n - p->i < k || memcmp(p->s + p->i, word, k) != 0)
        return fail(p, "invalid value (strings need double quotes)");
    p->i += k;
    return true;
}

static bool digits(syn *p)
{
    if (!isdigit(peek(p)))
        return fail(p, "invalid number");
    while (isdigit(peek(p)))
        p->i++;
    return true;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number(syn *p)
{
    if (peek(p) == '-')
        p->i++;
    if (peek(p) == '0')
        p->i++;
    else if (!digits(p))
        return false;
    if (peek(p) == '.') {
        p->i++;
        if (!digits(p))
            return false;
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->i++;
        if (peek(p) == '+' || peek(p) == '-')
            p->i++;
        if (!digits(p))
            return false;
    }
    return true;
}

static bool escape(syn *p)
{
    int e = peek(p);
    if (e == 'u') {
        for (int k = 1; k <= 4; k++)
            if (p->i + (size_t)k >= p->n || !isxdigit((unsigned char)p->s[p->i + (size_t)k]))
                return fail(p, "bad \\u escape (needs 4 hex digits)");
        p->i += 5;
        return true;
    }
    if (e < 0 || !strchr("\"\\/bfnrt", e) || e == 0)
        return fail(p, "bad escape in string");
    p->i++;
    return true;
}

static bool string(syn *p)
{
    p->i++; /* the opening quote */
    for (;;) {
        int c = peek(p);
        if (c < 0)
            return fail(p, "unterminated string");
        if (c == '"') {
            p->i++;
            return true;
        }
        if (c < 0x20)
            return fail(p, "control character in string (write \\n, \\t, ...)");
        p->i++;
        if (c == '\\' && !escape(p))
            return false;
    }
}

static bool array(syn *p)
{
    p->i++;
    skip_ws(p);
    if (peek(p) == ']') {
        p->i++;
        return true;
    }
    for (;;) {
        if (!value(p))
            return false;
        skip_ws(p);
        int c = peek(p);
        p->i += c == ',' || c == ']';
        if (c == ']')
            return true;
        if (c < 0)
            return fail(p, "unexpected end of input (unclosed '[')");
        if (c != ',')
            return fail(p, "expected ',' or ']'");
    }
}

static bool object(syn *p)
{
    p->i++;
    skip_ws(p);
    if (peek(p) == '}') {
        p->i++;
        return true;
    }
    for (;;) {
        skip_ws(p);
        if (peek(p) != '"')
            return fail(p, "expected a key in double quotes");
        if (!string(p))
            return false;
        skip_ws(p);
        if (peek(p) != ':')
            return fail(p, "expected ':' after the key");
        p->i++;
        if (!value(p))
            return false;
        skip_ws(p);
        int c = peek(p);
        p->i += c == ',' || c == '}';
        if (c == '}')
            return true;
        if (c < 0)
            return fail(p, "unexpected end of input (unclosed '{')");
        if (c != ',')
            return fail(p, "expected ',' or '}'");
    }
}

static bool value(syn *p)
{
    skip_ws(p);
    int c = peek(p);
    if (c < 0)
        return fail(p, "unexpected end of input");
    if (++p->depth > MAX_DEPTH)
        return fail(p, "nested too deeply");
    bool ok;
    if (c == '{')
        ok = object(p);
    else if (c == '[')
        ok = array(p);
    else if (c == '"')
        ok = string(p);
    else if (c == '-' || isdigit(c))
        ok = number(p);
    else if (c == 't' || c == 'f' || c == 'n')
        ok = literal(p, c == 't' ? "true" : c == 'f' ? "false" : "null");
    else
        ok = fail(p, "expected a value");
    p->depth--;
    return ok;
}

int arc_json_syntax(const char *js, size_t len, char *err, size_t errlen)
{
    syn p = {.s = js, .n = len};
    bool ok = value(&p);
    skip_ws(&p);
    if (ok && p.i < p.n)
        ok = fail(&p, "unexpected text after the document");
    if (ok)
        return 0;
    int line = 1, col = 1;
    for (size_t k = 0; k < p.i && k < len; k++) {
        line += js[k] == '\n';
        col = js[k] == '\n' ? 1 : col + 1;
    }
    return arc_errf(err, errlen, "line %d, column %d: %s", line, col, p.why);
}
