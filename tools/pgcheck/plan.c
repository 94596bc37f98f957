/* plan.c — `pgcheck schema --plan FILE`: every declared item against the
 * server, one line each: unchanged, missing (on the server), or conflict (a
 * column whose type differs: PostgreSQL would rewrite the table, so it is
 * named and never altered, let alone dropped and recreated). Reads only.
 * Exit 0 in sync, 2 something missing or in conflict, 1 error. */
#include "pgcheck.h"

#include <ctype.h>
#include <string.h>

enum { P_UNCHANGED, P_MISSING, P_CONFLICT, P_NSTATES };
static const char *const state_word[P_NSTATES] = {"unchanged", "missing", "conflict"};

static const char sql_extension[] =
    "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = $1), "
    "EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = $1)";
static const char sql_schema[] =
    "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1), false";
static const char sql_table[] =
    "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r','p','v','m','f')), false";
static const char sql_columns[] =
    "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) "
    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped";

int pgc_table_columns(pgc_session *s, const pgc_table *t, const arc_deadline *dl,
                      PGresult **res, char *why, size_t n)
{
    const char *params[] = {t->schema, t->name};
    return pgc_query(s, sql_columns, 2, params, dl, res, why, n);
}

/* Lower-case, blanks squeezed, the common aliases spelled as format_type does. */
static void normalise(const char *in, char *out, size_t n)
{
    static const struct {
        const char *alias, *name;
    } aliases[] = {{"int", "integer"},       {"int4", "integer"},
                   {"int8", "bigint"},       {"int2", "smallint"},
                   {"bool", "boolean"},      {"float8", "double precision"},
                   {"float4", "real"},       {"varchar", "character varying"},
                   {"char", "character"},    {"decimal", "numeric"},
                   {"timestamptz", "timestamp with time zone"},
                   {"timestamp", "timestamp without time zone"},
                   {"timetz", "time with time zone"},
                   {"time", "time without time zone"}};
    char low[PGC_TYPE_LEN];
    size_t k = 0;
    for (const char *p = in; *p && k + 1 < sizeof low; p++) {
        if (isspace((unsigned char)*p) && (k == 0 || low[k - 1] == ' '))
            continue;
        low[k++] = (char)tolower((unsigned char)(isspace((unsigned char)*p) ? ' ' : *p));
    }
    while (k > 0 && low[k - 1] == ' ')
        k--;
    low[k] = '\0';
    size_t base = strcspn(low, "(");
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (strlen(aliases[i].alias) == base && strncmp(low, aliases[i].alias, base) == 0) {
            arc_snprintf(out, n, "%s%s", aliases[i].name, low + base);
            return;
        }
    arc_strlcpy(out, low, n);
}

bool pgc_type_matches(const char *declared, const char *server)
{
    char a[PGC_TYPE_LEN * 2], b[PGC_TYPE_LEN * 2];
    normalise(declared, a, sizeof a);
    normalise(server, b, sizeof b);
    return strcmp(a, b) == 0;
}

typedef struct {
    const pgc_params *params;
    const pgc_spec *spec;
    pgc_session s;
    arc_buf lines, items;
    int n[P_NSTATES];
} plan_run;

static void item(plan_run *r, const char *kind, const char *name, int st, const char *fmt, ...)
    ARC_PRINTF(5, 6);

static void item(plan_run *r, const char *kind, const char *name, int st, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    r->n[st]++;
    arc_buf_printf(&r->lines, "%s %s: %s%s%s\n", kind, name, state_word[st], *detail ? ": " : "",
                   detail);
    arc_buf_printf(&r->items, "%s{\"kind\":\"%s\",\"name\":", r->items.len ? "," : "", kind);
    arc_buf_json_str(&r->items, name);
    arc_buf_printf(&r->items, ",\"plan\":\"%s\",\"detail\":", state_word[st]);
    arc_buf_json_str(&r->items, detail);
    arc_buf_puts(&r->items, "}");
}

/* Row 0 of a two-boolean query. */
static int ask(plan_run *r, const char *sql, int np, const char *const *params,
               const arc_deadline *dl, bool out[2], char *why, size_t n)
{
    PGresult *res;
    if (pgc_query(&r->s, sql, np, params, dl, &res, why, n) != 0)
        return 1;
    int rc = PQntuples(res) == 1 && PQnfields(res) == 2 ? 0 : 1;
    for (int i = 0; rc == 0 && i < 2; i++)
        out[i] = strcmp(PQgetvalue(res, 0, i), "t") == 0;
    if (rc != 0)
        arc_snprintf(why, n, "unexpected answer from the catalog");
    PQclear(res);
    return rc;
}

static int plan_extension(plan_run *r, const pgc_extension *x, const arc_deadline *dl,
                          char *why, size_t n)
{
    const char *params[] = {x->name};
    bool have[2];
    if (ask(r, sql_extension, 1, params, dl, have, why, n) != 0)
        return 1;
    if (have[0])
        item(r, "extension", x->name, P_UNCHANGED, "%s", "");
    else if (have[1])
        item(r, "extension", x->name, P_MISSING, "available, not created");
    else if (x->optional)
        item(r, "extension", x->name, P_UNCHANGED, "unavailable on this server (optional)");
    else
        item(r, "extension", x->name, P_MISSING, "unavailable on this server");
    return 0;
}

static const char *type_of(const PGresult *res, const char *col)
{
    for (int i = 0; i < PQntuples(res); i++)
        if (strcmp(PQgetvalue(res, i, 0), col) == 0)
            return PQgetvalue(res, i, 1);
    return NULL;
}

static int plan_columns(plan_run *r, const pgc_table *t, const arc_deadline *dl, char *why,
                        size_t n)
{
    PGresult *res;
    char name[3 * PGC_NAME_LEN + 4];
    if (pgc_table_columns(&r->s, t, dl, &res, why, n) != 0)
        return 1;
    for (int i = 0; i < t->ncolumns; i++) {
        const char *have = type_of(res, t->columns[i]);
        const char *want = t->types ? t->types[i] : "";
        arc_snprintf(name, sizeof name, "%s.%s.%s", t->schema, t->name, t->columns[i]);
        if (!have)
            item(r, "column", name, P_MISSING, "%s", want);
        else if (*want && !pgc_type_matches(want, have))
            item(r, "column", name, P_CONFLICT, "type %s -> %s (changing a column's type "
                 "rewrites the table; not altered, not recreated)", have, want);
        else
            item(r, "column", name, P_UNCHANGED, "%s", have);
    }
    PQclear(res);
    return 0;
}

static int plan_table(plan_run *r, const pgc_table *t, const arc_deadline *dl, char *why,
                      size_t n)
{
    const char *params[] = {t->schema, t->name};
    char name[2 * PGC_NAME_LEN + 2];
    bool have[2];
    if (ask(r, sql_table, 2, params, dl, have, why, n) != 0)
        return 1;
    arc_snprintf(name, sizeof name, "%s.%s", t->schema, t->name);
    if (!have[0]) {
        item(r, "table", name, P_MISSING, "%s", "");
        return 0;
    }
    item(r, "table", name, P_UNCHANGED, "%s", "");
    return t->ncolumns > 0 ? plan_columns(r, t, dl, why, n) : 0;
}

static int walk(plan_run *r, const arc_deadline *dl, char *why, size_t n)
{
    const pgc_spec *sp = r->spec;
    int rc = 0;
    for (int i = 0; rc == 0 && i < sp->nextensions; i++)
        rc = plan_extension(r, &sp->extensions[i], dl, why, n);
    for (int i = 0; rc == 0 && i < sp->nschemas; i++) {
        const char *params[] = {sp->schemas[i]};
        bool have[2];
        rc = ask(r, sql_schema, 1, params, dl, have, why, n);
        if (rc == 0)
            item(r, "schema", sp->schemas[i], have[0] ? P_UNCHANGED : P_MISSING, "%s", "");
    }
    for (int i = 0; rc == 0 && i < sp->ntables; i++)
        rc = plan_table(r, &sp->tables[i], dl, why, n);
    return rc;
}

static int attempt(void *ctx, const arc_deadline *dl, char *why, size_t n)
{
    plan_run *r = ctx;
    arc_buf_reset(&r->lines);
    arc_buf_reset(&r->items);
    memset(r->n, 0, sizeof r->n);
    int rc = pgc_connect(&r->s, r->params, dl, why, n);
    if (rc == 0)
        rc = pgc_health(&r->s, dl, why, n);
    if (rc == 0)
        rc = walk(r, dl, why, n);
    pgc_close(&r->s);
    if (rc == 0)
        arc_snprintf(why, n, "plan, %d items: %d unchanged, %d missing, %d conflict",
                     r->n[0] + r->n[1] + r->n[2], r->n[P_UNCHANGED], r->n[P_MISSING],
                     r->n[P_CONFLICT]);
    return rc;
}

int pgc_run_plan(const pgc_opts *o, const pgc_params *p, const pgc_spec *spec)
{
    plan_run r = {.params = p, .spec = spec};
    arc_strlcpy(r.s.target, "?", sizeof r.s.target);
    arc_buf_init(&r.lines);
    arc_buf_init(&r.items);
    char why[1024];
    arc_retry_result res = arc_retry(&o->common, attempt, &r, why, sizeof why);
    int pending = r.n[P_MISSING] + r.n[P_CONFLICT];
    arc_buf extra;
    arc_buf_init(&extra);
    if (res.rc == 0)
        arc_buf_printf(&extra, ",\"plan\":true,\"unchanged\":%d,\"missing\":%d,\"conflict\":%d,"
                       "\"pending\":%d,\"items\":[%s]", r.n[P_UNCHANGED], r.n[P_MISSING],
                       r.n[P_CONFLICT], pending, arc_buf_str(&r.items));
    if (res.rc == 0 && arc_text_output(&o->common))
        fputs(arc_buf_str(&r.lines), stdout);
    int rc = arc_report_retry(&o->common, &res, "schema plan", r.s.target, why,
                              arc_buf_str(&extra));
    arc_buf_free(&extra);
    arc_buf_free(&r.lines);
    arc_buf_free(&r.items);
    return rc == 0 && pending > 0 ? 2 : rc;
}
