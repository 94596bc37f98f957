/* json.c — reading JSON with jsmn: parse with exact error positions,
 * walk objects, and convert tokens to C values. */
#define ARC_JSON_IMPL
#include "arc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void pos_scan(const char *js, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (js[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Where every line starts, so that positions cost a binary search instead
 * of a scan from the top (a file with 50 000 errors-to-be stays linear). */
static int index_lines(arc_json *j)
{
    size_t n = 1;
    for (size_t i = 0; i < j->len; i++)
        n += j->js[i] == '\n';
    j->lines = malloc(n * sizeof *j->lines);
    if (!j->lines)
        return -1;
    j->nlines = 0;
    j->lines[j->nlines++] = 0;
    for (size_t i = 0; i < j->len; i++)
        if (j->js[i] == '\n')
            j->lines[j->nlines++] = i + 1;
    return 0;
}

static void pos_of(const arc_json *j, size_t off, int *line, int *col)
{
    if (!j->lines) {
        pos_scan(j->js, off, line, col);
        return;
    }
    size_t lo = 0, hi = j->nlines; /* the last line start <= off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (j->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line = (int)lo + 1;
    *col = (int)(off - j->lines[lo]) + 1;
}

int arc_json_parse(arc_json *j, const char *js, size_t len, char *err,
                   size_t errlen)
{
    memset(j, 0, sizeof *j);
    j->js = js;
    j->len = len;
    if (arc_json_syntax(js, len, err, errlen) != 0)
        return -1;
    jsmn_parser p;
    jsmn_init(&p);
    int n = jsmn_parse(&p, js, len, NULL, 0);
    if (n < 0) {
        int line, col;
        pos_scan(js, p.pos, &line, &col);
        return arc_errf(err, errlen, "line %d, column %d: %s", line, col,
                        n == JSMN_ERROR_PART ? "unexpected end of input (unclosed value)"
                                             : "invalid JSON");
    }
    if (n == 0)
        return arc_errf(err, errlen, "line 1, column 1: empty document");
    j->tok = calloc((size_t)n, sizeof *j->tok);
    if (!j->tok || index_lines(j) != 0) {
        arc_json_free(j);
        return arc_errf(err, errlen, "out of memory");
    }
    jsmn_init(&p);
    j->ntok = jsmn_parse(&p, js, len, j->tok, (unsigned)n);
    if (j->ntok != n) {
        arc_json_free(j);
        return arc_errf(err, errlen, "internal JSON parser error");
    }
    return 0;
}

void arc_json_free(arc_json *j)
{
    free(j->tok);
    free(j->lines);
    j->tok = NULL;
    j->ntok = 0;
    j->lines = NULL;
    j->nlines = 0;
}

int arc_json_next(const arc_json *j, int i)
{
    if (i < 0 || i >= j->ntok)
        return j->ntok;
    int end = j->tok[i].end;
    int k = i + 1;
    while (k < j->ntok && j->tok[k].start < end)
        k++;
    return k;
}

bool arc_json_is(const arc_json *j, int i, jsmntype_t type)
{
    return i >= 0 && i < j->ntok && j->tok[i].type == type;
}

bool arc_json_eq(const arc_json *j, int i, const char *s)
{
    if (i < 0 || i >= j->ntok)
        return false;
    size_t n = (size_t)(j->tok[i].end - j->tok[i].start);
    return strlen(s) == n && memcmp(j->js + j->tok[i].start, s, n) == 0;
}

int arc_json_get(const arc_json *j, int obj, const char *key)
{
    if (!arc_json_is(j, obj, JSMN_OBJECT))
        return -1;
    int k = obj + 1;
    for (int m = 0; m < j->tok[obj].size; m++) {
        if (arc_json_is(j, k, JSMN_STRING) && arc_json_eq(j, k, key))
            return k + 1;
        k = arc_json_next(j, k + 1);
    }
    return -1;
}

static int put_utf8(char *out, size_t n, size_t *o, unsigned cp)
{
    unsigned char tmp[4];
    size_t k;
    if (cp < 0x80) {
        tmp[0] = (unsigned char)cp;
        k = 1;
    } else if (cp < 0x800) {
        tmp[0] = (unsigned char)(0xC0 | (cp >> 6));
        tmp[1] = (unsigned char)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        tmp[0] = (unsigned char)(0xE0 | (cp >> 12));
        tmp[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        tmp[2] = (unsigned char)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        tmp[0] = (unsigned char)(0xF0 | (cp >> 18));
        tmp[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        tmp[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        tmp[3] = (unsigned char)(0x80 | (cp & 0x3F));
        k = 4;
    }
    if (*o + k >= n)
        return -1;
    memcpy(out + *o, tmp, k);
    *o += k;
    return 0;
}

static int hex4(const char *s, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = (unsigned)(c - 'A' + 10);
        else return -1;
        *v = *v * 16 + d;
    }
    return 0;
}

/* Decode string token i into out; *olen is the decoded length (a \u0000
 * inside counts: the C string would end there). */
static int decode(const arc_json *j, int i, char *out, size_t n, size_t *olen)
{
    if (!arc_json_is(j, i, JSMN_STRING) || n == 0)
        return -1;
    const char *s = j->js + j->tok[i].start;
    size_t len = (size_t)(j->tok[i].end - j->tok[i].start), o = 0;
    for (size_t k = 0; k < len; k++) {
        char c = s[k];
        if (c == '\\' && k + 1 < len) {
            char e = s[++k];
            unsigned cp;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u':
                if (k + 4 >= len || hex4(s + k + 1, &cp) != 0)
                    return -1;
                k += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && k + 6 < len && s[k + 1] == '\\' &&
                    s[k + 2] == 'u') {
                    unsigned lo;
                    if (hex4(s + k + 3, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        k += 6;
                    }
                }
                if (put_utf8(out, n, &o, cp) != 0)
                    return -1;
                continue;
            default: c = e; break; /* \" \\ \/ */
            }
        }
        if (o + 1 >= n)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    *olen = o;
    return 0;
}

int arc_json_str(const arc_json *j, int i, char *out, size_t n)
{
    size_t len;
    return decode(j, i, out, n, &len);
}

int arc_json_name(const arc_json *j, int i, char *out, size_t n)
{
    size_t len;
    if (decode(j, i, out, n, &len) != 0)
        return -1;
    for (size_t k = 0; k < len; k++)
        if ((unsigned char)out[k] < 0x20 || out[k] == 0x7f)
            return -2;
    return 0;
}

int arc_json_int(const arc_json *j, int i, long long *out)
{
    if (!arc_json_is(j, i, JSMN_PRIMITIVE))
        return -1;
    char tmp[32];
    int len = j->tok[i].end - j->tok[i].start;
    if (len <= 0 || len >= (int)sizeof tmp)
        return -1;
    memcpy(tmp, j->js + j->tok[i].start, (size_t)len);
    tmp[len] = '\0';
    errno = 0;
    char *end = NULL;
    long long v = strtoll(tmp, &end, 10);
    if (errno || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int arc_json_bool(const arc_json *j, int i, bool *out)
{
    if (arc_json_is(j, i, JSMN_PRIMITIVE) && arc_json_eq(j, i, "true"))
        *out = true;
    else if (arc_json_is(j, i, JSMN_PRIMITIVE) && arc_json_eq(j, i, "false"))
        *out = false;
    else
        return -1;
    return 0;
}

bool arc_json_null(const arc_json *j, int i)
{
    return arc_json_is(j, i, JSMN_PRIMITIVE) && arc_json_eq(j, i, "null");
}

void arc_json_pos(const arc_json *j, int i, int *line, int *col)
{
    size_t off = (i >= 0 && i < j->ntok) ? (size_t)j->tok[i].start : 0;
    /* point at the opening quote of a string */
    if (i >= 0 && i < j->ntok && j->tok[i].type == JSMN_STRING && off > 0)
        off--;
    pos_of(j, off, line, col);
}

const char *arc_json_raw(const arc_json *j, int i, int *len)
{
    if (i < 0 || i >= j->ntok) {
        *len = 0;
        return "";
    }
    *len = j->tok[i].end - j->tok[i].start;
    return j->js + j->tok[i].start;
}
