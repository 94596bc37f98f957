/*
 * schema.c — typed reads of tree nodes. Every refusal names the file, the
 * line and column of the node, and the field path ("ports[1].host"), and
 * exits 65 (a malformed file).
 */
#include "svcmeta.h"

#include <stdlib.h>
#include <string.h>

int sm_bad(sm_err *e, const sm_file *f, const sm_node *n, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sm_fail(e, ARC_EXIT_DATAERR, "%s:%d:%d: %s", f->shown, n ? n->line : 1,
                   n ? n->col : 1, msg);
}

static const char *kind_name(const sm_node *n)
{
    return n->kind == SM_MAP ? "a mapping" : n->kind == SM_SEQ ? "a list" : "a string";
}

bool sm_is_null(const sm_node *n)
{
    return n->kind == SM_SCALAR && n->plain &&
           (!*n->str || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
            !strcmp(n->str, "Null") || !strcmp(n->str, "NULL"));
}

const sm_node *sm_get(const sm_node *map, const char *key)
{
    if (!map || map->kind != SM_MAP)
        return NULL;
    for (const sm_node *k = map->first; k; k = k->next->next)
        if (!strcmp(k->str, key))
            return k->next;
    return NULL;
}

static bool allowed_key(const char *const *allowed, const char *key)
{
    for (; *allowed; allowed++)
        if (!strcmp(*allowed, key))
            return true;
    return false;
}

int sm_keys(sm_err *e, const sm_file *f, const sm_node *map, const char *field,
            const char *const *allowed, const char *hinted, const char *hint)
{
    for (const sm_node *k = map->first; k; k = k->next->next) {
        if (allowed_key(allowed, k->str))
            continue;
        char known[256] = "";
        for (const char *const *a = allowed; *a; a++) {
            size_t len = strlen(known);
            arc_snprintf(known + len, sizeof known - len, "%s%s", len ? ", " : "", *a);
        }
        bool hinted_key = hinted && !strcmp(k->str, hinted);
        return sm_bad(e, f, k, "unknown key '%s'%s%s (%s%s)", k->str, *field ? " in " : "",
                      field, hinted_key ? hint : "known: ", hinted_key ? "" : known);
    }
    return 0;
}

int sm_str(sm_err *e, const sm_file *f, const sm_node *map, const char *key,
           const char *field, bool need, const char **out)
{
    const sm_node *n = sm_get(map, key);
    *out = NULL;
    if (!n)
        return need ? sm_bad(e, f, map, "missing '%s'", field) : 0;
    if (n->kind != SM_SCALAR)
        return sm_bad(e, f, n, "%s must be a string, got %s", field, kind_name(n));
    *out = sm_is_null(n) ? "" : n->str;
    if (need && !**out)
        return sm_bad(e, f, n, "%s must not be empty", field);
    return 0;
}

int sm_int(sm_err *e, const sm_file *f, const sm_node *n, const char *field,
           long min, long max, const char *what, long *out)
{
    if (n->kind != SM_SCALAR)
        return sm_bad(e, f, n, "%s must be %s, got %s", field, what, kind_name(n));
    const char *s = n->str;
    size_t len = strspn(s, "0123456789");
    long v = 0;
    if (!n->plain || len == 0 || s[len] || len > 9 || (v = strtol(s, NULL, 10)) < min || v > max)
        return sm_bad(e, f, n, "%s must be %s, got '%s'", field, what, s);
    *out = v;
    return 0;
}

int sm_strlist(sm_arena *a, sm_err *e, const sm_file *f, const sm_node *n,
               const char *field, const char *example, bool allow_empty, sm_list *out)
{
    out->v = NULL;
    out->n = 0;
    if (!n)
        return 0;
    if (n->kind != SM_SEQ)
        return sm_bad(e, f, n, "%s must be a list of strings, e.g. %s", field, example);
    out->v = sm_alloc(a, (n->count + 1) * sizeof *out->v);
    for (const sm_node *it = n->first; it; it = it->next) {
        if (it->kind != SM_SCALAR || (!allow_empty && (!*it->str || sm_is_null(it))))
            return sm_bad(e, f, it, "%s[%zu] must be a %sstring, e.g. %s", field, out->n,
                          allow_empty ? "" : "non-empty ", example);
        out->v[out->n++] = it;
    }
    return 0;
}

bool sm_list_has(const sm_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i]->str, s))
            return true;
    return false;
}

bool sm_is_ident(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}
