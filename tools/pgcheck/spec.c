/* spec.c — the declared schema file (strict JSON, see docs/pgcheck.md):
 *
 *   {"description": "...",
 *    "extensions": ["pgcrypto", {"name": "vector", "optional": true, "why": "..."}],
 *    "schemas": ["arc"],
 *    "tables": [{"name": "arc.agents", "columns": ["id", "name"]}, "public.t2"]}
 *
 * Every error names the file, line and column, and the key or value at fault. */
#include "pgcheck.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const arc_json *j;
    const char *path;
    char *err;
    size_t errlen;
} parse_ctx;

static int bad(const parse_ctx *c, int tok, const char *fmt, ...) ARC_PRINTF(3, 4);

static int bad(const parse_ctx *c, int tok, const char *fmt, ...)
{
    int line, col;
    arc_json_pos(c->j, tok, &line, &col);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    arc_snprintf(c->err, c->errlen, "%s: line %d, column %d: %s", c->path, line, col, msg);
    return ARC_EXIT_DATAERR;
}

static int size_of(const parse_ctx *c, int tok)
{
    return c->j->tok[tok].size;
}

/* A string value without control characters that fits in n bytes. */
static int get_text(const parse_ctx *c, int tok, char *out, size_t n, const char *what)
{
    if (!arc_json_is(c->j, tok, JSMN_STRING))
        return bad(c, tok, "%s must be a string", what);
    int rc = arc_json_name(c->j, tok, out, n);
    if (rc == -2)
        return bad(c, tok, "%s contains a control character (\\u0000 included)", what);
    if (rc != 0)
        return bad(c, tok, "%s is too long (at most %zu bytes)", what, n - 1);
    return 0;
}

static int get_name(const parse_ctx *c, int tok, char *out, size_t n, const char *what)
{
    int rc = get_text(c, tok, out, n, what);
    if (rc == 0 && !*out)
        return bad(c, tok, "%s is empty", what);
    return rc;
}

static bool same_text(const parse_ctx *c, int a, int b)
{
    int la, lb;
    const char *ra = arc_json_raw(c->j, a, &la), *rb = arc_json_raw(c->j, b, &lb);
    return la == lb && memcmp(ra, rb, (size_t)la) == 0;
}

/* Every key of object obj must be one of allowed, and appear once. */
static int only_keys(const parse_ctx *c, int obj, const char *where,
                     const char *const *allowed, const char *expected)
{
    int k = obj + 1;
    for (int m = 0; m < size_of(c, obj); m++) {
        int len;
        const char *raw = arc_json_raw(c->j, k, &len);
        bool known = false;
        for (const char *const *a = allowed; *a; a++)
            known = known || arc_json_eq(c->j, k, *a);
        if (!known)
            return bad(c, k, "unknown key \"%.*s\" in %s (expected: %s)", len > 60 ? 60 : len, raw,
                       where, expected);
        for (int p = obj + 1; p < k; p = arc_json_next(c->j, p + 1))
            if (same_text(c, p, k))
                return bad(c, k, "duplicate key \"%.*s\" in %s", len, raw, where);
        k = arc_json_next(c->j, k + 1);
    }
    return 0;
}

static int want_array(const parse_ctx *c, int tok, const char *key)
{
    if (!arc_json_is(c->j, tok, JSMN_ARRAY))
        return bad(c, tok, "\"%s\" must be an array", key);
    return 0;
}

/* calloc for n elements (at least one, so 0 is not an error). */
static void *alloc_n(const parse_ctx *c, int tok, int n, size_t size, int *rc)
{
    void *p = calloc(n > 0 ? (size_t)n : 1, size);
    *rc = p ? 0 : bad(c, tok, "out of memory");
    return p;
}

/* ---- extensions -------------------------------------------------------------- */
static int parse_extension_obj(const parse_ctx *c, int e, const char *what, pgc_extension *x)
{
    static const char *const keys[] = {"name", "optional", "why", NULL};
    int rc = only_keys(c, e, what, keys, "name, optional, why");
    int t = arc_json_get(c->j, e, "name");
    if (rc == 0 && t < 0)
        rc = bad(c, e, "%s: missing \"name\"", what);
    if (rc == 0)
        rc = get_name(c, t, x->name, sizeof x->name, "extension name");
    if (rc == 0 && (t = arc_json_get(c->j, e, "optional")) >= 0 &&
        arc_json_bool(c->j, t, &x->optional) != 0)
        rc = bad(c, t, "\"optional\" must be true or false");
    if (rc == 0 && (t = arc_json_get(c->j, e, "why")) >= 0)
        rc = get_text(c, t, x->why, sizeof x->why, "\"why\"");
    return rc;
}

static int parse_extensions(const parse_ctx *c, int arr, pgc_spec *s)
{
    int rc = want_array(c, arr, "extensions");
    if (rc == 0)
        s->extensions = alloc_n(c, arr, size_of(c, arr), sizeof *s->extensions, &rc);
    int e = arr + 1;
    for (int i = 0; rc == 0 && i < size_of(c, arr); i++, e = arc_json_next(c->j, e)) {
        char what[48];
        arc_snprintf(what, sizeof what, "extensions[%d]", i);
        pgc_extension *x = &s->extensions[s->nextensions++];
        if (arc_json_is(c->j, e, JSMN_STRING))
            rc = get_name(c, e, x->name, sizeof x->name, "extension name");
        else if (arc_json_is(c->j, e, JSMN_OBJECT))
            rc = parse_extension_obj(c, e, what, x);
        else
            rc = bad(c, e, "%s must be a name or an object {\"name\": ...}", what);
    }
    return rc;
}

/* ---- schemas ------------------------------------------------------------------ */
static int parse_names(const parse_ctx *c, int arr, const char *key, const char *what,
                       char (**out)[PGC_NAME_LEN], int *n)
{
    int rc = want_array(c, arr, key);
    if (rc == 0)
        *out = alloc_n(c, arr, size_of(c, arr), sizeof **out, &rc);
    int e = arr + 1;
    for (int i = 0; rc == 0 && i < size_of(c, arr); i++, e = arc_json_next(c->j, e))
        rc = get_name(c, e, (*out)[(*n)++], PGC_NAME_LEN, what);
    return rc;
}

/* ---- tables ------------------------------------------------------------------- */
/* "schema.table" or "table" (schema public). */
static int split_table(const parse_ctx *c, int tok, pgc_table *t)
{
    char full[2 * PGC_NAME_LEN];
    int rc = get_name(c, tok, full, sizeof full, "table name");
    if (rc != 0)
        return rc;
    char *dot = strchr(full, '.');
    if (dot && strchr(dot + 1, '.'))
        return bad(c, tok, "table name \"%s\": expected [schema.]table", full);
    const char *schema = dot ? full : "public", *name = dot ? dot + 1 : full;
    if (dot)
        *dot = '\0';
    if (!*schema || !*name)
        return bad(c, tok, "table name: empty schema or table before/after the dot");
    if (arc_strlcpy(t->schema, schema, sizeof t->schema) != 0 ||
        arc_strlcpy(t->name, name, sizeof t->name) != 0)
        return bad(c, tok, "table name: schema or table longer than %d bytes", PGC_NAME_LEN - 1);
    return 0;
}

/* Each column "name", or {"name": "id", "type": "bigint"}. */
static int parse_columns(const parse_ctx *c, int arr, pgc_table *t)
{
    static const char *const keys[] = {"name", "type", NULL};
    int rc = want_array(c, arr, "columns");
    if (rc == 0)
        t->columns = alloc_n(c, arr, size_of(c, arr), sizeof *t->columns, &rc);
    if (rc == 0)
        t->types = alloc_n(c, arr, size_of(c, arr), sizeof *t->types, &rc);
    int e = arr + 1;
    for (int i = 0; rc == 0 && i < size_of(c, arr); i++, e = arc_json_next(c->j, e)) {
        int k = t->ncolumns++;
        if (!arc_json_is(c->j, e, JSMN_OBJECT)) {
            rc = get_name(c, e, t->columns[k], PGC_NAME_LEN, "column name");
            continue;
        }
        rc = only_keys(c, e, "a column", keys, "name, type");
        int nm = arc_json_get(c->j, e, "name"), ty = arc_json_get(c->j, e, "type");
        if (rc == 0 && nm < 0)
            rc = bad(c, e, "a column object needs a \"name\"");
        if (rc == 0)
            rc = get_name(c, nm, t->columns[k], PGC_NAME_LEN, "column name");
        if (rc == 0 && ty >= 0)
            rc = get_name(c, ty, t->types[k], PGC_TYPE_LEN, "column type");
    }
    return rc;
}

static int parse_table_obj(const parse_ctx *c, int e, const char *what, pgc_table *t)
{
    static const char *const keys[] = {"name", "columns", "why", NULL};
    int rc = only_keys(c, e, what, keys, "name, columns, why");
    int k = arc_json_get(c->j, e, "name");
    if (rc == 0 && k < 0)
        rc = bad(c, e, "%s: missing \"name\"", what);
    if (rc == 0)
        rc = split_table(c, k, t);
    if (rc == 0 && (k = arc_json_get(c->j, e, "columns")) >= 0)
        rc = parse_columns(c, k, t);
    if (rc == 0 && (k = arc_json_get(c->j, e, "why")) >= 0) {
        char why[PGC_WHY_LEN]; /* checked, not kept: a note for readers of the file */
        rc = get_text(c, k, why, sizeof why, "\"why\"");
    }
    return rc;
}

static int parse_tables(const parse_ctx *c, int arr, pgc_spec *s)
{
    int rc = want_array(c, arr, "tables");
    if (rc == 0)
        s->tables = alloc_n(c, arr, size_of(c, arr), sizeof *s->tables, &rc);
    int e = arr + 1;
    for (int i = 0; rc == 0 && i < size_of(c, arr); i++, e = arc_json_next(c->j, e)) {
        char what[48];
        arc_snprintf(what, sizeof what, "tables[%d]", i);
        pgc_table *t = &s->tables[s->ntables++];
        if (arc_json_is(c->j, e, JSMN_STRING))
            rc = split_table(c, e, t);
        else if (arc_json_is(c->j, e, JSMN_OBJECT))
            rc = parse_table_obj(c, e, what, t);
        else
            rc = bad(c, e, "%s must be a name or an object {\"name\": ..., \"columns\": [...]}",
                     what);
    }
    return rc;
}

/* ---- the file ------------------------------------------------------------------ */
static int parse_root(const parse_ctx *c, pgc_spec *s)
{
    static const char *const keys[] = {"description", "extensions", "schemas", "tables", NULL};
    if (!arc_json_is(c->j, 0, JSMN_OBJECT))
        return bad(c, 0, "expected a JSON object {\"extensions\": ..., \"schemas\": ..., "
                         "\"tables\": ...}");
    int rc = only_keys(c, 0, "the schema file", keys, "extensions, schemas, tables, description");
    int t;
    if (rc == 0 && (t = arc_json_get(c->j, 0, "description")) >= 0 &&
        !arc_json_is(c->j, t, JSMN_STRING))
        rc = bad(c, t, "\"description\" must be a string");
    if (rc == 0 && (t = arc_json_get(c->j, 0, "extensions")) >= 0)
        rc = parse_extensions(c, t, s);
    if (rc == 0 && (t = arc_json_get(c->j, 0, "schemas")) >= 0)
        rc = parse_names(c, t, "schemas", "schema name", &s->schemas, &s->nschemas);
    if (rc == 0 && (t = arc_json_get(c->j, 0, "tables")) >= 0)
        rc = parse_tables(c, t, s);
    return rc;
}

int pgc_spec_load(pgc_spec *s, const char *path, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    char why[512];
    size_t len;
    char *js = arc_read_file(path, &len, why, sizeof why);
    if (!js) {
        arc_snprintf(err, errlen, "cannot read schema file %s", why);
        return ARC_EXIT_DATAERR;
    }
    arc_json j;
    int rc = ARC_EXIT_DATAERR;
    if (arc_json_parse(&j, js, len, why, sizeof why) != 0) {
        arc_snprintf(err, errlen, "%s: %s", path, why);
    } else {
        parse_ctx c = {&j, path, err, errlen};
        rc = parse_root(&c, s);
        arc_json_free(&j);
    }
    free(js);
    if (rc != 0)
        pgc_spec_free(s);
    return rc;
}

void pgc_spec_free(pgc_spec *s)
{
    for (int i = 0; s->tables && i < s->ntables; i++) {
        free(s->tables[i].columns);
        free(s->tables[i].types);
    }
    free(s->tables);
    free(s->schemas);
    free(s->extensions);
    memset(s, 0, sizeof *s);
}

int pgc_spec_count(const pgc_spec *s)
{
    int n = s->nextensions + s->nschemas + s->ntables;
    for (int i = 0; i < s->ntables; i++)
        n += s->tables[i].ncolumns;
    return n;
}
