/*
 * profiles.c — profiles.yaml (default: NAME; profiles: NAME -> {description,
 * services, includes, env}) and the start order of a set of services:
 * dependencies before dependents, depth first in the listed order, one-shots
 * last.
 */
#include "svcmeta.h"

#include <stdlib.h>
#include <string.h>

static const char *const top_keys[] = {"default", "profiles", NULL};
static const char *const profile_keys[] = {"description", "services", "includes", "env", NULL};

const sm_profile *sm_profile_find(const sm_kit *k, const char *name)
{
    for (size_t i = 0; i < k->nprof; i++)
        if (!strcmp(k->prof[i].name, name))
            return &k->prof[i];
    return NULL;
}

/* env: {VAR: value}: names a variable may have, plain scalar values. */
static int read_env(sm_kit *k, const sm_node *n, sm_profile *p)
{
    if (!n)
        return 0;
    if (n->kind != SM_MAP)
        return sm_bad(&k->err, &k->pfile, n, "profiles.%s.env must map VARIABLE: value",
                      p->name);
    p->env = sm_alloc(&k->arena, (n->count + 1) * sizeof *p->env);
    for (const sm_node *key = n->first; key; key = key->next->next) {
        const sm_node *v = key->next;
        if (!sm_is_ident(key->str))
            return sm_bad(&k->err, &k->pfile, key, "profiles.%s.env: '%s' is not a variable "
                          "name ([A-Za-z_][A-Za-z0-9_]*)", p->name, key->str);
        if (v->kind != SM_SCALAR)
            return sm_bad(&k->err, &k->pfile, v, "profiles.%s.env.%s must be a plain value",
                          p->name, key->str);
        p->env[p->nenv++] = (sm_var){key->str, v->str};
    }
    return 0;
}

static int read_profile(sm_kit *k, const sm_node *key, sm_profile *p)
{
    sm_err *e = &k->err;
    const sm_file *f = &k->pfile;
    const sm_node *n = key->next;
    char field[160];
    const char *desc;
    p->name = key->str;
    p->node = key;
    arc_snprintf(field, sizeof field, "profiles.%s", p->name);
    if (n->kind != SM_MAP)
        return sm_bad(e, f, n, "profile '%s' must be a mapping with 'services'", p->name);
    if (sm_keys(e, f, n, field, profile_keys, NULL, NULL) ||
        sm_str(e, f, n, "description", "description", false, &desc))
        return -1;
    arc_snprintf(field, sizeof field, "profiles.%s.services", p->name);
    if (sm_strlist(&k->arena, e, f, sm_get(n, "services"), field, "[flash, sonic]", false,
                   &p->services))
        return -1;
    arc_snprintf(field, sizeof field, "profiles.%s.includes", p->name);
    if (sm_strlist(&k->arena, e, f, sm_get(n, "includes"), field, "[think]", false,
                   &p->includes))
        return -1;
    return read_env(k, sm_get(n, "env"), p);
}

/* Every include names a profile, every service a service.yaml. */
static int check_names(sm_kit *k, const sm_profile *p)
{
    for (size_t i = 0; i < p->includes.n; i++)
        if (!sm_profile_find(k, p->includes.v[i]->str))
            return sm_bad(&k->err, &k->pfile, p->includes.v[i],
                          "profile '%s' includes unknown profile '%s'", p->name,
                          p->includes.v[i]->str);
    for (size_t i = 0; i < p->services.n; i++) {
        const char *c = p->services.v[i]->str;
        if (!sm_find(k, c))
            return sm_bad(&k->err, &k->pfile, p->services.v[i],
                          "profile '%s' names unknown service '%s' (no services/*/service.yaml "
                          "has codename '%s')", p->name, c, c);
    }
    return 0;
}

/* Includes must not loop: a -> b -> a. path holds the chain so far. */
static int check_includes(sm_kit *k, const sm_profile *p, const sm_profile **path, size_t depth)
{
    for (size_t i = 0; i < depth; i++) {
        if (path[i] != p)
            continue;
        arc_buf chain;
        arc_buf_init(&chain);
        for (size_t j = i; j < depth; j++)
            arc_buf_printf(&chain, "%s -> ", path[j]->name);
        arc_buf_puts(&chain, p->name);
        sm_bad(&k->err, &k->pfile, p->node, "profiles include each other: %s", arc_buf_str(&chain));
        arc_buf_free(&chain);
        return -1;
    }
    path[depth] = p;
    for (size_t i = 0; i < p->includes.n; i++)
        if (check_includes(k, sm_profile_find(k, p->includes.v[i]->str), path, depth + 1))
            return -1;
    return 0;
}

static int read_profiles(sm_kit *k, const sm_node *root)
{
    sm_err *e = &k->err;
    const sm_node *profs = sm_get(root, "profiles");
    if (!profs || profs->kind != SM_MAP || profs->count == 0)
        return sm_bad(e, &k->pfile, profs ? profs : root,
                      "'profiles' must map each profile name to {services: [...]}");
    k->prof = sm_alloc(&k->arena, profs->count * sizeof *k->prof);
    for (const sm_node *key = profs->first; key; key = key->next->next)
        if (read_profile(k, key, &k->prof[k->nprof++]))
            return -1;
    const sm_profile **path = sm_alloc(&k->arena, (k->nprof + 1) * sizeof *path);
    for (size_t i = 0; i < k->nprof; i++)
        if (check_names(k, &k->prof[i]) || check_includes(k, &k->prof[i], path, 0))
            return -1;
    return 0;
}

int sm_load_profiles(sm_kit *k)
{
    if (k->profiles_read)
        return 0;
    sm_err *e = &k->err;
    if (sm_yaml_load(&k->arena, &k->pfile, e))
        return -1;
    const sm_node *root = k->pfile.root;
    if (!root || root->kind != SM_MAP)
        return sm_bad(e, &k->pfile, root, "must be a mapping with 'profiles:' (name -> "
                      "{services: [...]}) and 'default:'");
    if (sm_keys(e, &k->pfile, root, "", top_keys, NULL, NULL) || read_profiles(k, root) ||
        sm_str(e, &k->pfile, root, "default", "default", true, &k->deflt))
        return -1;
    if (!sm_profile_find(k, k->deflt))
        return sm_bad(e, &k->pfile, sm_get(root, "default"),
                      "default profile '%s' is not defined under 'profiles'", k->deflt);
    k->profiles_read = true;
    return 0;
}

/* ---- start order ------------------------------------------------------------ */
typedef struct {
    sm_kit *k;
    unsigned char *state; /* per service: 0 new, 1 on the stack, 2 placed */
    sm_service **stack;
    size_t depth;
    sm_service **order;
    size_t n;
} orderer;

static int cycle(orderer *o, const sm_service *s)
{
    arc_buf chain;
    arc_buf_init(&chain);
    for (size_t i = 0; i < o->depth; i++)
        arc_buf_printf(&chain, "%s -> ", o->stack[i]->codename);
    arc_buf_puts(&chain, s->codename);
    sm_fail(&o->k->err, ARC_EXIT_FAIL, "depends_on cycle: %s", arc_buf_str(&chain));
    arc_buf_free(&chain);
    return -1;
}

static int visit(orderer *o, sm_service *s)
{
    size_t i = (size_t)(s - o->k->svc);
    if (o->state[i] == 2)
        return 0;
    if (o->state[i] == 1)
        return cycle(o, s);
    o->state[i] = 1;
    o->stack[o->depth++] = s;
    for (size_t d = 0; d < s->depends.n; d++) {
        sm_service *dep = sm_find(o->k, s->depends.v[d]->str);
        if (!dep)
            return sm_fail(&o->k->err, ARC_EXIT_FAIL, "%s: depends_on names unknown service '%s'",
                           s->file.shown, s->depends.v[d]->str);
        if (visit(o, dep))
            return -1;
    }
    o->depth--;
    o->state[i] = 2;
    o->order[o->n++] = s;
    return 0;
}

static void orderer_init(orderer *o, sm_kit *k)
{
    o->k = k;
    o->state = sm_alloc(&k->arena, k->nsvc + 1);
    o->stack = sm_alloc(&k->arena, (k->nsvc + 1) * sizeof *o->stack);
    o->order = sm_alloc(&k->arena, (k->nsvc + 1) * sizeof *o->order);
    o->depth = o->n = 0;
}

/* Services first, then one-shots, each in the order found. */
static void finish(const orderer *o, sm_service **out, size_t *n)
{
    *n = 0;
    for (int oneshot = 0; oneshot < 2; oneshot++)
        for (size_t i = 0; i < o->n; i++)
            if (o->order[i]->oneshot == oneshot)
                out[(*n)++] = o->order[i];
}

int sm_start_order(sm_kit *k, sm_service *const *names, size_t nnames, sm_service **out,
                   size_t *n)
{
    orderer o;
    orderer_init(&o, k);
    for (size_t i = 0; i < nnames; i++)
        if (visit(&o, names[i]))
            return -1;
    finish(&o, out, n);
    return 0;
}

/* A profile's members: its includes' first (recursively), then its own. */
static int visit_profile(orderer *o, const sm_profile *p)
{
    for (size_t i = 0; i < p->includes.n; i++)
        if (visit_profile(o, sm_profile_find(o->k, p->includes.v[i]->str)))
            return -1;
    for (size_t i = 0; i < p->services.n; i++)
        if (visit(o, sm_find(o->k, p->services.v[i]->str)))
            return -1;
    return 0;
}

/* set: the names this command has put in the environment (a later profile
 * may change them; the caller's own never). */
static void apply_env(sm_kit *k, const sm_profile *p, sm_list *set, arc_buf *out)
{
    for (size_t i = 0; i < p->includes.n; i++)
        apply_env(k, sm_profile_find(k, p->includes.v[i]->str), set, out);
    for (size_t i = 0; i < p->nenv; i++) {
        const sm_var *v = &p->env[i];
        if (getenv(v->key) && !sm_list_has(set, v->key))
            continue; /* the caller's own setting wins */
        if (setenv(v->key, v->value, 1) != 0)
            continue;
        if (!sm_list_has(set, v->key)) {
            sm_node *name = sm_alloc(&k->arena, sizeof *name);
            name->str = v->key;
            set->v[set->n++] = name;
        }
        arc_buf_printf(out, "export %s=", v->key);
        sm_shq(out, v->value, false);
        arc_buf_add(out, "\n", 1);
    }
}

static size_t count_env(const sm_kit *k, const sm_profile *p)
{
    size_t n = p->nenv;
    for (size_t i = 0; i < p->includes.n; i++)
        n += count_env(k, sm_profile_find(k, p->includes.v[i]->str));
    return n;
}

void sm_profile_env(sm_kit *k, const char *name, arc_buf *out)
{
    const sm_profile *p = sm_profile_find(k, name && *name ? name : k->deflt);
    if (!p)
        return;
    sm_list set = {0};
    set.v = sm_alloc(&k->arena, (count_env(k, p) + 1) * sizeof *set.v);
    apply_env(k, p, &set, out);
}

int sm_profile_order(sm_kit *k, const char *name, sm_service **out, size_t *n)
{
    if (sm_load_profiles(k))
        return -1;
    if (!name || !*name)
        name = k->deflt;
    const sm_profile *p = sm_profile_find(k, name);
    if (!p) {
        arc_buf known;
        arc_buf_init(&known);
        for (size_t i = 0; i < k->nprof; i++)
            arc_buf_printf(&known, "%s%s", i ? ", " : "", k->prof[i].name);
        sm_fail(&k->err, ARC_EXIT_USAGE, "unknown profile '%s' in %s (known: %s)", name,
                k->pfile.shown, arc_buf_str(&known));
        arc_buf_free(&known);
        return -1;
    }
    orderer o;
    orderer_init(&o, k);
    if (visit_profile(&o, p))
        return -1;
    finish(&o, out, n);
    return 0;
}
