/*
 * commands.c — list, get, env, profile, profiles, default and check: the
 * outputs svcmeta.py gave, line for line. (resolve is in resolve.c.)
 */
#include "svcmeta.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sm_cmd_list(sm_kit *k, arc_buf *out)
{
    for (size_t i = 0; i < k->nsvc; i++)
        arc_buf_printf(out, "%s%s", i ? "\n" : "", k->svc[i].codename);
    return 0;
}

/* The profiles whose services (includes and dependencies counted) hold s. */
static int profiles_of(sm_kit *k, const sm_service *s, arc_buf *out)
{
    sm_service **order = sm_alloc(&k->arena, (k->nsvc + 1) * sizeof *order);
    if (sm_load_profiles(k))
        return -1;
    for (size_t p = 0; p < k->nprof; p++) {
        size_t n;
        if (sm_profile_order(k, k->prof[p].name, order, &n))
            return -1;
        for (size_t i = 0; i < n; i++)
            if (order[i] == s)
                arc_buf_printf(out, "%s%s", out->len ? "\n" : "", k->prof[p].name);
    }
    return 0;
}

int sm_cmd_get(sm_kit *k, const char *codename, const char *field, arc_buf *out)
{
    sm_service *s = sm_need(k, codename);
    if (!s)
        return -1;
    const struct {
        const char *field, *value;
    } plain[] = {
        {"name", s->name}, {"codename", s->codename}, {"tech", s->tech},
        {"role", s->role}, {"kind", s->kind}, {"description", s->description},
        {"dir", s->dir}, {"container", s->container}, {"probe", s->probe ? s->probe : ""},
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (!strcmp(field, plain[i].field)) {
            arc_buf_puts(out, plain[i].value);
            return 0;
        }
    if (!strcmp(field, "compose")) {
        if (sm_has_compose(s))
            arc_buf_printf(out, "%s/docker-compose.yml", s->dir);
    } else if (!strcmp(field, "up_timeout")) {
        arc_buf_printf(out, "%ld", s->up_timeout);
    } else if (!strcmp(field, "depends_on")) {
        for (size_t i = 0; i < s->depends.n; i++)
            arc_buf_printf(out, "%s%s", i ? "\n" : "", s->depends.v[i]->str);
    } else if (!strcmp(field, "profiles")) {
        return profiles_of(k, s, out);
    } else {
        return sm_fail(&k->err, ARC_EXIT_USAGE, "unknown field '%s'", field);
    }
    return 0;
}

static void assign(arc_buf *out, const char *name, const char *value)
{
    arc_buf_printf(out, "%s=", name);
    sm_shq(out, value, true);
    arc_buf_add(out, "\n", 1);
}

/* SVC_PORTS=(...) with `export VAR=port` lines before it, as svcmeta.py wrote. */
static int env_ports(sm_kit *k, sm_service *s, arc_buf *out)
{
    const char **rows = sm_alloc(&k->arena, (s->nports + 1) * sizeof *rows);
    for (size_t i = 0; i < s->nports; i++) {
        const sm_port *p = &s->ports[i];
        const char *url = "";
        char field[64];
        arc_snprintf(field, sizeof field, "ports[%zu].url", i);
        if (p->url && sm_expand_dup(k, s, p->url, field, &url))
            return -1;
        long host = sm_host_port(s, p);
        rows[i] = sm_printf(&k->arena, "%s %ld %ld%s%s", p->name, host, p->container,
                            *url ? " " : "", url);
        if (p->env)
            arc_buf_printf(out, "export %s=%ld\n", p->env, host);
    }
    sm_sh_array(out, "SVC_PORTS", rows, s->nports, true);
    arc_buf_add(out, "\n", 1);
    return 0;
}

static int env_health(sm_kit *k, sm_service *s, arc_buf *out)
{
    assign(out, "SVC_PROBE", s->probe ? s->probe : "");
    const char **args = sm_alloc(&k->arena, (s->args.n + 1) * sizeof *args);
    for (size_t i = 0; i < s->args.n; i++) {
        char field[64];
        arc_snprintf(field, sizeof field, "health.args[%zu]", i);
        if (sm_expand_dup(k, s, s->args.v[i], field, &args[i]))
            return -1;
    }
    sm_sh_array(out, "SVC_HEALTH_ARGS", args, s->args.n, true);
    for (size_t i = 0; i < s->nhenv; i++) {
        const char *v;
        char field[300];
        arc_snprintf(field, sizeof field, "health.env.%s", s->henv[i].key->str);
        if (sm_expand_dup(k, s, s->henv[i].value, field, &v))
            return -1;
        arc_buf_printf(out, "\nexport %s=", s->henv[i].key->str);
        sm_shq(out, v, true);
    }
    return 0;
}

int sm_cmd_env(sm_kit *k, const char *codename, arc_buf *out)
{
    sm_service *s = sm_need(k, codename);
    if (!s || sm_check_ports(k, s))
        return -1;
    const char *compose = sm_has_compose(s) ? sm_printf(&k->arena, "%s/docker-compose.yml", s->dir) : "";
    const char *fields[][2] = {
        {"SVC_CODENAME", s->codename}, {"SVC_NAME", s->name}, {"SVC_TECH", s->tech},
        {"SVC_ROLE", s->role}, {"SVC_KIND", s->kind}, {"SVC_DESCRIPTION", s->description},
        {"SVC_DIR", s->dir}, {"SVC_COMPOSE", compose}, {"SVC_CONTAINER", s->container},
        {"SVC_UP_TIMEOUT", sm_printf(&k->arena, "%ld", s->up_timeout)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        assign(out, fields[i][0], fields[i][1]);
    const char **deps = sm_alloc(&k->arena, (s->depends.n + 1) * sizeof *deps);
    for (size_t i = 0; i < s->depends.n; i++)
        deps[i] = s->depends.v[i]->str;
    sm_sh_array(out, "SVC_DEPENDS", deps, s->depends.n, true);
    arc_buf_add(out, "\n", 1);
    return env_ports(k, s, out) || env_health(k, s, out) ? -1 : 0;
}

int sm_cmd_var(sm_kit *k, const char *codename, const char *name, arc_buf *out)
{
    sm_service *s = sm_need(k, codename);
    if (!s)
        return -1;
    const char *v = sm_var_value(k, s, name);
    if (!v && k->err.code)
        return -1;
    if (v)
        arc_buf_add(out, v, strlen(v));
    return 0;
}

int sm_cmd_profile(sm_kit *k, const char *name, const char *kind, arc_buf *out)
{
    sm_service **order = sm_alloc(&k->arena, (k->nsvc + 1) * sizeof *order);
    size_t n;
    if (sm_profile_order(k, name, order, &n))
        return -1;
    if (kind && *kind && strcmp(kind, "service") && strcmp(kind, "oneshot"))
        return sm_fail(&k->err, ARC_EXIT_USAGE, "unknown kind '%s' (one of service, oneshot)", kind);
    for (size_t i = 0; i < n; i++)
        if (!kind || !*kind || !strcmp(order[i]->kind, kind))
            arc_buf_printf(out, "%s%s", out->len ? "\n" : "", order[i]->codename);
    return 0;
}

int sm_cmd_profiles(sm_kit *k, arc_buf *out)
{
    if (sm_load_profiles(k))
        return -1;
    for (size_t i = 0; i < k->nprof; i++)
        arc_buf_printf(out, "%s%s", i ? "\n" : "", k->prof[i].name);
    return 0;
}

int sm_cmd_default(sm_kit *k, arc_buf *out)
{
    if (sm_load_profiles(k))
        return -1;
    arc_buf_puts(out, k->deflt);
    return 0;
}

/* ---- check -------------------------------------------------------------------- */

/* A hook's or run's program must be an executable file of the folder (when its
 * name holds no variable). */
static void check_program(sm_kit *k, const sm_service *s, const sm_list *l, const char *field)
{
    if (!l->n || strchr(l->v[0]->str, '$'))
        return;
    const char *path = sm_printf(&k->arena, "%s/%s", s->dir, l->v[0]->str);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        sm_problem(&k->err, "%s:%d:%d: %s[0]: no file %s", s->file.shown, l->v[0]->line,
                   l->v[0]->col, field, sm_shown(k, path));
    else if (access(path, X_OK) != 0)
        sm_problem(&k->err, "%s:%d:%d: %s[0]: %s is not executable", s->file.shown,
                   l->v[0]->line, l->v[0]->col, field, sm_shown(k, path));
}

/* depends_on names, compose files and programs: every problem, then exit 1. */
static void check_files(sm_kit *k)
{
    for (size_t i = 0; i < k->nsvc; i++) {
        const sm_service *s = &k->svc[i];
        for (size_t d = 0; d < s->depends.n; d++)
            if (!sm_find(k, s->depends.v[d]->str))
                sm_problem(&k->err, "%s:%d:%d: depends_on names unknown service '%s'",
                           s->file.shown, s->depends.v[d]->line, s->depends.v[d]->col,
                           s->depends.v[d]->str);
        if (!s->oneshot && !sm_has_compose(s))
            sm_problem(&k->err, "%s: a service needs docker-compose.yml beside it", s->file.shown);
        check_program(k, s, &s->after_up, "hooks.after_up");
        check_program(k, s, &s->before_down, "hooks.before_down");
        check_program(k, s, &s->run, "run");
    }
}

/* The first port before svc[i].ports[p] with the same host port, or NULL. */
static const sm_port *first_use(const sm_kit *k, size_t i, size_t p, const sm_service **owner)
{
    long host = k->svc[i].ports[p].host;
    for (size_t j = 0; j <= i; j++) {
        size_t end = j < i ? k->svc[j].nports : p;
        for (size_t q = 0; q < end; q++)
            if (k->svc[j].ports[q].host == host) {
                *owner = &k->svc[j];
                return &k->svc[j].ports[q];
            }
    }
    return NULL;
}

static void check_host_ports(sm_kit *k)
{
    for (size_t i = 0; i < k->nsvc; i++)
        for (size_t p = 0; p < k->svc[i].nports; p++) {
            const sm_service *owner;
            const sm_port *first = first_use(k, i, p, &owner);
            if (first)
                sm_problem(&k->err, "host port %ld is used by %s.%s and %s.%s", first->host,
                           owner->codename, first->name, k->svc[i].codename,
                           k->svc[i].ports[p].name);
        }
}

int sm_cmd_check(sm_kit *k, arc_buf *out)
{
    sm_err_clear(&k->err);
    check_files(k);
    if (k->err.msg.len)
        return -1;
    sm_service **order = sm_alloc(&k->arena, (k->nsvc + 1) * sizeof *order);
    sm_service **all = sm_alloc(&k->arena, (k->nsvc + 1) * sizeof *all);
    size_t n;
    if (sm_load_profiles(k))
        return -1;
    for (size_t p = 0; p < k->nprof; p++)
        if (sm_profile_order(k, k->prof[p].name, order, &n))
            return -1;
    for (size_t i = 0; i < k->nsvc; i++)
        all[i] = &k->svc[i];
    if (sm_start_order(k, all, k->nsvc, order, &n))
        return -1;
    check_host_ports(k);
    if (k->err.msg.len)
        return -1;
    arc_buf_printf(out, "ok: %zu services, %zu profiles", k->nsvc, k->nprof);
    return 0;
}
