/* streamfile.c — read and validate a streams file:
 *   {"streams": [{"name": "AGENT_EVENTS", "subjects": ["agent.events.>"], ...}]}
 * Every problem is exit 65 with "FILE: line L, column C: stream "X", field "f": why". */
#include "natsprobe.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *path;
    const arc_json *j;
    char *err;
    size_t errlen;
} loader;

static int vbad(const loader *L, int line, int col, const char *stream, const char *field,
                const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    arc_buf b;
    arc_buf_init(&b);
    arc_buf_printf(&b, "%s: line %d, column %d: ", L->path, line, col);
    if (stream)
        arc_buf_printf(&b, "stream \"%s\"%s", stream, field ? ", " : ": ");
    if (field)
        arc_buf_printf(&b, "field \"%s\": ", field);
    arc_buf_puts(&b, msg);
    arc_strlcpy(L->err, arc_buf_str(&b), L->errlen);
    arc_buf_free(&b);
    return ARC_EXIT_DATAERR;
}

/* A problem at a line and column; returns 65. */
static int bad_at(const loader *L, int line, int col, const char *stream, const char *field,
                  const char *fmt, ...) ARC_PRINTF(6, 7);

static int bad_at(const loader *L, int line, int col, const char *stream, const char *field,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vbad(L, line, col, stream, field, fmt, ap);
    va_end(ap);
    return rc;
}

/* A problem at JSON token tok; returns 65. */
static int bad(const loader *L, int tok, const char *stream, const char *field,
               const char *fmt, ...) ARC_PRINTF(5, 6);

static int bad(const loader *L, int tok, const char *stream, const char *field,
               const char *fmt, ...)
{
    int line, col;
    arc_json_pos(L->j, tok, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    int rc = vbad(L, line, col, stream, field, fmt, ap);
    va_end(ap);
    return rc;
}

static void known_fields(char *out, size_t n)
{
    arc_buf b;
    arc_buf_init(&b);
    arc_buf_puts(&b, "name");
    for (int i = 0; i < NP_NFIELDS; i++)
        arc_buf_printf(&b, ", %s", np_fields[i].key);
    arc_buf_puts(&b, ", consumers");
    arc_strlcpy(out, arc_buf_str(&b), n);
    arc_buf_free(&b);
}

/* The object key at token k, decoded (truncated names still read well). */
static void key_text(const arc_json *j, int k, char *out, size_t n)
{
    if (arc_json_str(j, k, out, n) != 0)
        arc_strlcpy(out, "(a long key)", n);
}

static int read_name(const loader *L, int obj, np_stream *s)
{
    int k = arc_json_get(L->j, obj, "name");
    if (k < 0)
        return bad(L, obj, NULL, NULL, "a stream without a \"name\"");
    if (arc_json_name(L->j, k, s->name, sizeof s->name) == -2)
        return bad(L, k, NULL, "name", "contains a control character (\\u0000 included)");
    if (arc_json_str(L->j, k, s->name, sizeof s->name) != 0 || !np_stream_name_valid(s->name))
        return bad(L, k, NULL, "name", "not a valid stream name (a string of at most 255 bytes "
                   "without spaces, '.', '*', '>', '/' or '\\')");
    return 0;
}

/* One "key": value of a stream object. */
static int read_field(const loader *L, int k, np_stream *s, bool *name_seen)
{
    char key[64], why[512];
    key_text(L->j, k, key, sizeof key);
    if (strcmp(key, "name") == 0) {
        if (*name_seen)
            return bad(L, k, s->name, "name", "given twice");
        *name_seen = true;
        return 0;
    }
    if (strcmp(key, "consumers") == 0) {
        int tok;
        if (np_consumers_read(L->j, k + 1, s, &tok, why, sizeof why) != 0)
            return bad(L, tok, s->name, NULL, "%s", why);
        return 0;
    }
    const np_field *f = np_field_by_key(key);
    if (!f) {
        known_fields(why, sizeof why);
        return bad(L, k, s->name, key, "unknown field (known: %s)", why);
    }
    np_value *v = &s->v[f - np_fields];
    if (v->set)
        return bad(L, k, s->name, key, "given twice");
    if (np_value_read(f, L->j, k + 1, false, v, why, sizeof why) != 0)
        return bad(L, k + 1, s->name, key, "%s", why);
    arc_json_pos(L->j, k + 1, &v->line, &v->col);
    return 0;
}

/* Rules across fields. */
static int check_stream(const loader *L, int obj, const np_stream *s)
{
    const np_value *age = &s->v[NP_F_MAX_AGE], *dup = &s->v[NP_F_DUPLICATE_WINDOW];
    if (!s->v[NP_F_SUBJECTS].set)
        return bad(L, obj, s->name, "subjects", "missing (every stream needs its subjects)");
    if (age->set && dup->set && age->num > 0 && dup->num > age->num)
        return bad_at(L, dup->line, dup->col, s->name, "duplicate_window",
                      "must not be longer than max_age");
    return 0;
}

static int read_stream(const loader *L, int obj, np_stream *s)
{
    if (!arc_json_is(L->j, obj, JSMN_OBJECT))
        return bad(L, obj, NULL, NULL, "each stream must be an object {\"name\": ...}");
    arc_json_pos(L->j, obj, &s->line, &s->col);
    int rc = read_name(L, obj, s);
    bool name_seen = false;
    for (int m = 0, k = obj + 1; rc == 0 && m < L->j->tok[obj].size;
         m++, k = arc_json_next(L->j, k + 1))
        rc = read_field(L, k, s, &name_seen);
    return rc ? rc : check_stream(L, obj, s);
}

static int cmp_stream(const void *a, const void *b)
{
    const np_stream *x = *(const np_stream *const *)a, *y = *(const np_stream *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x > y) - (x < y); /* equal names in file order */
}

/* A name declared twice: sorted, then neighbours compared (O(n log n)). */
static int check_names(const loader *L, const np_streamfile *sf)
{
    const np_stream **v = malloc(((size_t)sf->n + 1) * sizeof *v);
    if (!v)
        return bad_at(L, 1, 1, NULL, NULL, "out of memory");
    for (int i = 0; i < sf->n; i++)
        v[i] = &sf->v[i];
    qsort(v, (size_t)sf->n, sizeof *v, cmp_stream);
    int rc = 0;
    for (int i = 1; i < sf->n && rc == 0; i++)
        if (strcmp(v[i - 1]->name, v[i]->name) == 0)
            rc = bad_at(L, v[i]->line, v[i]->col, v[i]->name, NULL,
                        "declared twice (first at line %d)", v[i - 1]->line);
    free(v);
    return rc;
}

/* The "streams" array of the top-level object, or a 65. */
static int streams_array(const loader *L, int *arr)
{
    char key[64];
    if (!arc_json_is(L->j, 0, JSMN_OBJECT))
        return bad(L, 0, NULL, NULL, "expected an object {\"streams\": [...]}");
    for (int m = 0, k = 1; m < L->j->tok[0].size; m++, k = arc_json_next(L->j, k + 1)) {
        key_text(L->j, k, key, sizeof key);
        if (strcmp(key, "streams") != 0)
            return bad(L, k, NULL, NULL, "unknown key \"%s\" (the file has only \"streams\")",
                       key);
    }
    *arr = arc_json_get(L->j, 0, "streams");
    if (*arr < 0)
        return bad(L, 0, NULL, NULL, "missing \"streams\"");
    if (!arc_json_is(L->j, *arr, JSMN_ARRAY))
        return bad(L, *arr, NULL, NULL, "\"streams\" must be an array of stream objects");
    return 0;
}

static int read_root(const loader *L, np_streamfile *sf)
{
    int arr = -1, rc = streams_array(L, &arr);
    if (rc != 0)
        return rc;
    int n = L->j->tok[arr].size;
    sf->v = calloc((size_t)n + 1, sizeof *sf->v);
    if (!sf->v)
        return bad_at(L, 1, 1, NULL, NULL, "out of memory");
    for (int m = 0, k = arr + 1; rc == 0 && m < n; m++, k = arc_json_next(L->j, k)) {
        sf->n++;
        rc = read_stream(L, k, &sf->v[m]);
    }
    return rc ? rc : check_names(L, sf);
}

int np_streamfile_load(const char *path, np_streamfile *sf, char *err, size_t errlen)
{
    char why[512];
    size_t len = 0;
    memset(sf, 0, sizeof *sf);
    char *text = arc_read_file(path, &len, why, sizeof why);
    if (!text) {
        arc_snprintf(err, errlen, "%s", why);
        return ARC_EXIT_DATAERR;
    }
    arc_json j;
    int rc = ARC_EXIT_DATAERR;
    if (arc_json_parse(&j, text, len, why, sizeof why) != 0) {
        arc_snprintf(err, errlen, "%s: %s", path, why);
    } else {
        loader L = {path, &j, err, errlen};
        rc = read_root(&L, sf);
        arc_json_free(&j);
    }
    free(text);
    if (rc != 0)
        np_streamfile_free(sf);
    return rc;
}

void np_streamfile_free(np_streamfile *sf)
{
    for (int i = 0; i < sf->n; i++)
        np_stream_free(&sf->v[i]);
    free(sf->v);
    sf->v = NULL;
    sf->n = 0;
}

void np_streamfile_replicas(np_streamfile *sf, long n)
{
    for (int i = 0; i < sf->n; i++) {
        np_value *v = &sf->v[i].v[NP_F_REPLICAS];
        v->set = true;
        v->num = n;
    }
}
