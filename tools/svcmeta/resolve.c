/*
 * resolve.c — one bash snippet for `eval` that describes a profile and every
 * service, so a script reads the metadata once per command:
 *
 *   ARC_META_PROFILE=think            ARC_META_PROFILES=(think reason)
 *   ARC_META_ALL=(...)                every codename, sorted
 *   ARC_META_SERVICES=(...)           the profile's services in start order
 *   ARC_META_ONESHOTS=(...)           then its one-shots
 *   ARC_META_INCOMPLETE=(...)         services outside the profile with fields left empty
 *   declare -gA META_NAME=([c]=...)   one associative array per field (META_NAME,
 *                                     META_CONTAINER, ..., META_RUN: see array_names);
 *                                     META_PORTS rows are "name host container env url"
 *                                     (env "-" when the port has no variable)
 *   export ARC_FLASH_CLUSTER=arc ...  the profile's env: settings the caller has not
 *                                     set (first, so everything after sees them)
 *   export ARC_FLASH_PORT=4222 ...    every resolved port variable
 *
 * The profile's services are resolved strictly (an unset variable or a bad
 * port fails the command, as `env` does). For the other services a field that
 * cannot be resolved is left empty, its port variables are not exported, and
 * the service is listed in ARC_META_INCOMPLETE: a missing variable of a service
 * that is not started must not stop the ones that are.
 */
#include "svcmeta.h"

#include <stdlib.h>
#include <string.h>

enum {
    F_NAME, F_CONTAINER, F_TECH, F_ROLE, F_KIND, F_DESCRIPTION, F_DIR, F_COMPOSE, F_UP_TIMEOUT,
    F_PROBE, F_DEPENDS, F_PORTS, F_HEALTH_ARGS, F_HEALTH_ENV, F_AFTER_UP,
    F_BEFORE_DOWN, F_RUN, F_COUNT
};

static const char *const array_names[F_COUNT] = {
    "META_NAME", "META_CONTAINER", "META_TECH", "META_ROLE", "META_KIND", "META_DESCRIPTION",
    "META_DIR", "META_COMPOSE", "META_UP_TIMEOUT", "META_PROBE", "META_DEPENDS", "META_PORTS",
    "META_HEALTH_ARGS", "META_HEALTH_ENV", "META_AFTER_UP", "META_BEFORE_DOWN", "META_RUN"};

typedef struct {
    sm_service *s;
    bool strict;     /* in the profile: every failure is the command's */
    bool incomplete; /* some field was left empty */
    const char *v[F_COUNT];
    arc_buf exports; /* VAR=port words */
} row;

/* A field could not be resolved: fatal in the profile, else left empty. */
static int give_up(sm_kit *k, row *r, arc_buf *field)
{
    if (r->strict)
        return -1;
    arc_buf_reset(field);
    r->incomplete = true;
    sm_err_clear(&k->err);
    return 0;
}

/* A word list (health.args, hooks, run) as shell-quoted words; with
 * absolute, the first word is made a path under the service folder. */
static int words(sm_kit *k, row *r, const sm_list *l, const char *field, bool absolute,
                 arc_buf *out)
{
    for (size_t i = 0; i < l->n; i++) {
        char name[64];
        const char *w;
        arc_snprintf(name, sizeof name, "%s[%zu]", field, i);
        if (sm_expand_dup(k, r->s, l->v[i], name, &w))
            return give_up(k, r, out);
        if (absolute && i == 0)
            w = sm_printf(&k->arena, "%s/%s", r->s->dir, w);
        if (i)
            arc_buf_add(out, " ", 1);
        sm_shq(out, w, false);
    }
    return 0;
}

/* health.env as VAR=value words (the values may be secrets). */
static int env_words(sm_kit *k, row *r, arc_buf *out)
{
    const sm_service *s = r->s;
    for (size_t i = 0; i < s->nhenv; i++) {
        char name[300];
        const char *v;
        arc_snprintf(name, sizeof name, "health.env.%s", s->henv[i].key->str);
        if (sm_expand_dup(k, r->s, s->henv[i].value, name, &v))
            return give_up(k, r, out);
        const char *word = sm_printf(&k->arena, "%s=%s", s->henv[i].key->str, v);
        if (i)
            arc_buf_add(out, " ", 1);
        sm_shq(out, word, false);
    }
    return 0;
}

/* "name host container env url" rows, and the port variables to export. */
static int port_rows(sm_kit *k, row *r, arc_buf *out)
{
    sm_service *s = r->s;
    bool ok = true;
    for (size_t i = 0; i < s->nports; i++) {
        const sm_port *p = &s->ports[i];
        if (sm_port_check(k, s, p)) {
            if (give_up(k, r, out))
                return -1;
            ok = false;
            continue;
        }
        long host = sm_host_port(s, p);
        if (p->env)
            arc_buf_printf(&r->exports, "%s%s=%ld", r->exports.len ? " " : "", p->env, host);
        const char *url = "";
        char name[64];
        arc_snprintf(name, sizeof name, "ports[%zu].url", i);
        if (p->url && sm_expand_dup(k, s, p->url, name, &url)) {
            if (give_up(k, r, out))
                return -1;
            ok = false;
        }
        if (ok)
            arc_buf_printf(out, "%s%s %ld %ld %s%s%s", i ? "\n" : "", p->name, host,
                           p->container, p->env ? p->env : "-", *url ? " " : "", url);
    }
    if (!ok)
        arc_buf_reset(out);
    return 0;
}

typedef int (*field_fn)(sm_kit *k, row *r, arc_buf *out);

static int health_args(sm_kit *k, row *r, arc_buf *out)
{
    return words(k, r, &r->s->args, "health.args", false, out);
}
static int after_up(sm_kit *k, row *r, arc_buf *out)
{
    return words(k, r, &r->s->after_up, "hooks.after_up", true, out);
}
static int before_down(sm_kit *k, row *r, arc_buf *out)
{
    return words(k, r, &r->s->before_down, "hooks.before_down", true, out);
}
static int run_words(sm_kit *k, row *r, arc_buf *out)
{
    return words(k, r, &r->s->run, "run", true, out);
}

static const struct {
    int field;
    field_fn fn;
} computed[] = {
    {F_PORTS, port_rows}, {F_HEALTH_ARGS, health_args}, {F_HEALTH_ENV, env_words},
    {F_AFTER_UP, after_up}, {F_BEFORE_DOWN, before_down}, {F_RUN, run_words},
};

static int fill_row(sm_kit *k, row *r)
{
    sm_service *s = r->s;
    if (sm_dotenv(k, s)) /* a malformed .env is fatal for every service */
        return -1;
    r->v[F_NAME] = s->name;
    r->v[F_CONTAINER] = s->container;
    r->v[F_TECH] = s->tech;
    r->v[F_ROLE] = s->role;
    r->v[F_KIND] = s->kind;
    r->v[F_DESCRIPTION] = s->description;
    r->v[F_DIR] = s->dir;
    r->v[F_COMPOSE] = sm_has_compose(s) ? sm_printf(&k->arena, "%s/docker-compose.yml", s->dir) : "";
    r->v[F_UP_TIMEOUT] = sm_printf(&k->arena, "%ld", s->up_timeout);
    r->v[F_PROBE] = s->probe ? s->probe : "";
    arc_buf b;
    arc_buf_init(&b);
    for (size_t i = 0; i < s->depends.n; i++)
        arc_buf_printf(&b, "%s%s", i ? " " : "", s->depends.v[i]->str);
    r->v[F_DEPENDS] = sm_strdup(&k->arena, arc_buf_str(&b));
    int rc = 0;
    for (size_t i = 0; i < sizeof computed / sizeof computed[0] && rc == 0; i++) {
        arc_buf_reset(&b);
        rc = computed[i].fn(k, r, &b);
        r->v[computed[i].field] = sm_strdup(&k->arena, arc_buf_str(&b));
    }
    if (b.s)
        arc_wipe(b.s, b.cap);
    arc_buf_free(&b);
    return rc;
}

static int by_codename(const void *a, const void *b)
{
    return strcmp(((const row *)a)->s->codename, ((const row *)b)->s->codename);
}

static void emit_list(arc_buf *out, const char *name, sm_service *const *v, size_t n, int kind)
{
    arc_buf_printf(out, "%s=(", name);
    bool first = true;
    for (size_t i = 0; i < n; i++)
        if (kind < 0 || v[i]->oneshot == kind) {
            arc_buf_printf(out, "%s%s", first ? "" : " ", v[i]->codename);
            first = false;
        }
    arc_buf_puts(out, ")\n");
}

static void emit(sm_kit *k, const char *profile, sm_service *const *order, size_t norder,
                 row *rows, arc_buf *out)
{
    arc_buf_puts(out, "ARC_META_PROFILE=");
    sm_shq(out, profile, false);
    arc_buf_puts(out, "\nARC_META_PROFILES=(");
    for (size_t i = 0; i < k->nprof; i++) {
        if (i)
            arc_buf_add(out, " ", 1);
        sm_shq(out, k->prof[i].name, false);
    }
    arc_buf_puts(out, ")\nARC_META_ALL=(");
    for (size_t i = 0; i < k->nsvc; i++)
        arc_buf_printf(out, "%s%s", i ? " " : "", rows[i].s->codename);
    arc_buf_puts(out, ")\n");
    emit_list(out, "ARC_META_SERVICES", order, norder, 0);
    emit_list(out, "ARC_META_ONESHOTS", order, norder, 1);
    arc_buf_puts(out, "ARC_META_INCOMPLETE=(");
    bool first = true;
    for (size_t i = 0; i < k->nsvc; i++)
        if (rows[i].incomplete) {
            arc_buf_printf(out, "%s%s", first ? "" : " ", rows[i].s->codename);
            first = false;
        }
    arc_buf_puts(out, ")\nunset -v");
    for (int f = 0; f < F_COUNT; f++)
        arc_buf_printf(out, " %s", array_names[f]);
    for (int f = 0; f < F_COUNT; f++) {
        arc_buf_printf(out, "\ndeclare -gA %s=(", array_names[f]);
        for (size_t i = 0; i < k->nsvc; i++) {
            arc_buf_printf(out, "%s[%s]=", i ? " " : "", rows[i].s->codename);
            sm_shq(out, rows[i].v[f], false);
        }
        arc_buf_add(out, ")", 1);
    }
    first = true;
    for (size_t i = 0; i < k->nsvc; i++)
        if (rows[i].exports.len) {
            arc_buf_printf(out, "%s%s", first ? "\nexport " : " ", arc_buf_str(&rows[i].exports));
            first = false;
        }
}

int sm_cmd_resolve(sm_kit *k, const char *profile, arc_buf *out)
{
    sm_service **order = sm_alloc(&k->arena, (k->nsvc + 1) * sizeof *order);
    size_t norder;
    if (sm_profile_order(k, profile, order, &norder))
        return -1;
    row *rows = calloc(k->nsvc + 1, sizeof *rows);
    if (!rows)
        return sm_fail(&k->err, ARC_EXIT_FAIL, "out of memory");
    for (size_t i = 0; i < k->nsvc; i++) {
        rows[i].s = &k->svc[i];
        arc_buf_init(&rows[i].exports);
        for (size_t j = 0; j < norder; j++)
            rows[i].strict |= order[j] == &k->svc[i];
    }
    qsort(rows, k->nsvc, sizeof *rows, by_codename);
    /* Before any ${VAR} is expanded: the profile's settings count as set. */
    sm_profile_env(k, profile, out);
    int rc = 0;
    for (size_t i = 0; i < k->nsvc && rc == 0; i++)
        rc = fill_row(k, &rows[i]);
    if (rc == 0)
        emit(k, profile && *profile ? profile : k->deflt, order, norder, rows, out);
    for (size_t i = 0; i < k->nsvc; i++)
        arc_buf_free(&rows[i].exports);
    free(rows);
    return rc;
}
