/* schema.c — look up every declared item on the server and list what is
 * missing: extensions (pg_extension vs pg_available_extensions), schemas
 * (pg_namespace), tables (pg_class) and columns (information_schema). */
#include "pgcheck.h"

#include <string.h>

static const char sql_extension[] =
    "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = $1), "
    "EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = $1)";
static const char sql_schema[] =
    "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)";
/* Tables, partitioned tables, views, materialized views, foreign tables. */
static const char sql_table[] =
    "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r','p','v','m','f'))";
static const char sql_columns[] =
    "SELECT column_name FROM information_schema.columns "
    "WHERE table_schema = $1 AND table_name = $2";

void pgc_findings_init(pgc_findings *f)
{
    arc_buf_init(&f->missing);
    arc_buf_init(&f->warnings);
    f->nmissing = f->nwarnings = 0;
}

void pgc_findings_reset(pgc_findings *f)
{
    arc_buf_reset(&f->missing);
    arc_buf_reset(&f->warnings);
    f->nmissing = f->nwarnings = 0;
}

void pgc_findings_free(pgc_findings *f)
{
    arc_buf_free(&f->missing);
    arc_buf_free(&f->warnings);
}

static void note(arc_buf *b, int *count, const char *fmt, ...) ARC_PRINTF(3, 4);

static void note(arc_buf *b, int *count, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    arc_buf_puts(b, line);
    arc_buf_puts(b, "\n");
    (*count)++;
}

/* Row 0 of a query as booleans: out[i] = column i is true. */
static int ask(pgc_session *s, const char *sql, int np, const char *const *params,
               const arc_deadline *dl, bool *out, int nout, char *why, size_t n)
{
    PGresult *r;
    if (pgc_query(s, sql, np, params, dl, &r, why, n) != 0)
        return 1;
    int rc = PQntuples(r) == 1 && PQnfields(r) == nout ? 0 : 1;
    for (int i = 0; rc == 0 && i < nout; i++)
        out[i] = strcmp(PQgetvalue(r, 0, i), "t") == 0;
    if (rc != 0)
        arc_snprintf(why, n, "unexpected answer from the catalog");
    PQclear(r);
    return rc;
}

/* The name as SQL needs it in CREATE EXTENSION: bare when lower-case. */
static void sql_ident(const char *name, char *out, size_t n)
{
    bool bare = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(name) &&
                !(name[0] >= '0' && name[0] <= '9');
    if (bare) {
        arc_strlcpy(out, name, n);
        return;
    }
    arc_buf b;
    arc_buf_init(&b);
    arc_buf_puts(&b, "\"");
    for (const char *p = name; *p; p++)
        arc_buf_add(&b, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
    arc_buf_puts(&b, "\"");
    arc_strlcpy(out, arc_buf_str(&b), n);
    arc_buf_free(&b);
}

static int check_extension(pgc_session *s, const pgc_extension *x, const arc_deadline *dl,
                           pgc_findings *f, char *why, size_t n)
{
    const char *params[] = {x->name};
    bool have[2]; /* installed, available */
    if (ask(s, sql_extension, 1, params, dl, have, 2, why, n) != 0)
        return 1;
    const char *sep = x->why[0] ? " — " : "";
    if (have[0])
        return 0;
    if (have[1]) {
        char ident[2 * PGC_NAME_LEN + 3];
        sql_ident(x->name, ident, sizeof ident);
        note(&f->missing, &f->nmissing, "extension %s (available, not created: CREATE EXTENSION %s)",
             x->name, ident);
    } else if (x->optional) {
        note(&f->warnings, &f->nwarnings, "extension %s unavailable on this server (optional)%s%s",
             x->name, sep, x->why);
    } else {
        note(&f->missing, &f->nmissing, "extension %s unavailable on this server%s%s", x->name,
             sep, x->why);
    }
    return 0;
}

static int check_schema(pgc_session *s, const char *name, const arc_deadline *dl,
                        pgc_findings *f, char *why, size_t n)
{
    const char *params[] = {name};
    bool have;
    if (ask(s, sql_schema, 1, params, dl, &have, 1, why, n) != 0)
        return 1;
    if (!have)
        note(&f->missing, &f->nmissing, "schema %s", name);
    return 0;
}

static bool has_column(const PGresult *r, const char *col)
{
    for (int i = 0; i < PQntuples(r); i++)
        if (strcmp(PQgetvalue(r, i, 0), col) == 0)
            return true;
    return false;
}

/* Declared column types against format_type's (a differing type is named). */
static int check_types(pgc_session *s, const pgc_table *t, const arc_deadline *dl,
                       pgc_findings *f, char *why, size_t n)
{
    PGresult *r;
    if (pgc_table_columns(s, t, dl, &r, why, n) != 0)
        return 1;
    for (int i = 0; i < t->ncolumns; i++)
        for (int k = 0; t->types[i][0] && k < PQntuples(r); k++)
            if (strcmp(PQgetvalue(r, k, 0), t->columns[i]) == 0 &&
                !pgc_type_matches(t->types[i], PQgetvalue(r, k, 1)))
                note(&f->missing, &f->nmissing, "column %s.%s.%s: type %s, declared %s",
                     t->schema, t->name, t->columns[i], PQgetvalue(r, k, 1), t->types[i]);
    PQclear(r);
    return 0;
}

static int check_columns(pgc_session *s, const pgc_table *t, const arc_deadline *dl,
                         pgc_findings *f, char *why, size_t n)
{
    const char *params[] = {t->schema, t->name};
    PGresult *r;
    if (pgc_query(s, sql_columns, 2, params, dl, &r, why, n) != 0)
        return 1;
    bool typed = false;
    for (int i = 0; i < t->ncolumns; i++) {
        if (!has_column(r, t->columns[i]))
            note(&f->missing, &f->nmissing, "column %s.%s.%s", t->schema, t->name, t->columns[i]);
        typed = typed || (t->types && t->types[i][0]);
    }
    PQclear(r);
    return typed ? check_types(s, t, dl, f, why, n) : 0;
}

/* A missing table is one item; its columns are not listed again. */
static int check_table(pgc_session *s, const pgc_table *t, const arc_deadline *dl,
                       pgc_findings *f, char *why, size_t n)
{
    const char *params[] = {t->schema, t->name};
    bool have;
    if (ask(s, sql_table, 2, params, dl, &have, 1, why, n) != 0)
        return 1;
    if (!have) {
        note(&f->missing, &f->nmissing, "table %s.%s", t->schema, t->name);
        return 0;
    }
    return t->ncolumns > 0 ? check_columns(s, t, dl, f, why, n) : 0;
}

int pgc_schema_check(pgc_session *s, const pgc_spec *spec, const arc_deadline *dl,
                     pgc_findings *f, char *why, size_t n)
{
    int rc = 0;
    for (int i = 0; rc == 0 && i < spec->nextensions; i++)
        rc = check_extension(s, &spec->extensions[i], dl, f, why, n);
    for (int i = 0; rc == 0 && i < spec->nschemas; i++)
        rc = check_schema(s, spec->schemas[i], dl, f, why, n);
    for (int i = 0; rc == 0 && i < spec->ntables; i++)
        rc = check_table(s, &spec->tables[i], dl, f, why, n);
    return rc;
}
