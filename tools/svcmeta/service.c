/*
 * service.c — services/<folder>/service.yaml, one service each, read in
 * folder order and validated: identity, ports, health, depends_on, hooks
 * and run. Any other key (profiles included: they live in profiles.yaml) is
 * refused.
 */
#include "svcmeta.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const service_keys[] = {
    "name", "container", "codename", "tech", "role", "kind", "description",
    "up_timeout", "ports", "health", "depends_on", "hooks", "run", NULL};
static const char *const port_keys[] = {"name", "host", "container", "env", "url", NULL};
static const char *const health_keys[] = {"probe", "args", "env", NULL};
static const char *const hook_keys[] = {"after_up", "before_down", NULL};

#define ARGV_EXAMPLE "[stack.sh, exporters, up]"

void sm_kit_init(sm_kit *k, const char *root, const char *profiles_path)
{
    memset(k, 0, sizeof *k);
    arc_buf_init(&k->err.msg);
    k->root = root;
    k->pfile.path = profiles_path;
    k->pfile.shown = sm_shown(k, profiles_path);
}

void sm_kit_free(sm_kit *k)
{
    arc_buf_free(&k->err.msg);
    sm_arena_free(&k->arena);
}

const char *sm_shown(sm_kit *k, const char *path)
{
    size_t n = strlen(k->root);
    if (!strncmp(path, k->root, n) && path[n] == '/' && path[n + 1])
        return path + n + 1;
    return path;
}

static bool is_codename(const char *s)
{
    if (*s < 'a' || *s > 'z')
        return false;
    return s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789")] == '\0';
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

static bool is_word(const char *s)
{
    return *s && s[strspn(s, ALNUM "._-")] == '\0';
}

static int read_identity(sm_kit *k, sm_service *s, const sm_node *root)
{
    sm_err *e = &k->err;
    const sm_file *f = &s->file;
    if (sm_str(e, f, root, "name", "name", true, &s->name) ||
        sm_str(e, f, root, "codename", "codename", true, &s->codename) ||
        sm_str(e, f, root, "tech", "tech", true, &s->tech) ||
        sm_str(e, f, root, "role", "role", true, &s->role) ||
        sm_str(e, f, root, "kind", "kind", true, &s->kind) ||
        sm_str(e, f, root, "description", "description", false, &s->description) ||
        sm_str(e, f, root, "container", "container", false, &s->container))
        return -1;
    if (!s->description)
        s->description = "";
    if (!s->container)
        s->container = s->name;
    else if (!is_word(s->container) || !strchr(ALNUM, s->container[0]))
        return sm_bad(e, f, sm_get(root, "container"),
                      "container must be a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*), got '%s'",
                      s->container);
    if (!is_codename(s->codename))
        return sm_bad(e, f, sm_get(root, "codename"),
                      "codename '%s' must be lower-case letters/digits, starting with a letter",
                      s->codename);
    if (strncmp(s->name, "arc-", 4) || strcmp(s->name + 4, s->codename))
        return sm_bad(e, f, sm_get(root, "name"), "name must be 'arc-%s', got '%s'",
                      s->codename, s->name);
    s->oneshot = !strcmp(s->kind, "oneshot");
    if (!s->oneshot && strcmp(s->kind, "service"))
        return sm_bad(e, f, sm_get(root, "kind"), "kind must be one of service, oneshot, got '%s'",
                      s->kind);
    const sm_node *t = sm_get(root, "up_timeout");
    s->up_timeout = 120;
    return t ? sm_int(e, f, t, "up_timeout", 1, 86400, "whole seconds (1-86400)", &s->up_timeout)
             : 0;
}

static int read_port(sm_kit *k, sm_service *s, const sm_node *n, size_t i, sm_port *p)
{
    sm_err *e = &k->err;
    const sm_file *f = &s->file;
    char field[64];
    arc_snprintf(field, sizeof field, "ports[%zu]", i);
    if (n->kind != SM_MAP)
        return sm_bad(e, f, n, "%s must be a mapping of name, host, container, env, url", field);
    if (sm_keys(e, f, n, field, port_keys, NULL, NULL))
        return -1;
    char sub[96];
    arc_snprintf(sub, sizeof sub, "%s.name", field);
    if (sm_str(e, f, n, "name", sub, true, &p->name))
        return -1;
    if (!is_word(p->name))
        return sm_bad(e, f, sm_get(n, "name"), "%s must be one word (letters, digits, . _ -)", sub);
    const char *keys[] = {"host", "container"};
    long *vals[] = {&p->host, &p->container};
    for (int j = 0; j < 2; j++) {
        const sm_node *v = sm_get(n, keys[j]);
        arc_snprintf(sub, sizeof sub, "%s.%s", field, keys[j]);
        if (!v)
            return sm_bad(e, f, n, "missing '%s'", sub);
        if (sm_int(e, f, v, sub, 1, 65535, "a port number 1-65535", vals[j]))
            return -1;
    }
    arc_snprintf(sub, sizeof sub, "%s.env", field);
    if (sm_str(e, f, n, "env", sub, false, &p->env))
        return -1;
    if (p->env && !sm_is_ident(p->env))
        return sm_bad(e, f, sm_get(n, "env"), "%s must be a variable name ([A-Za-z_][A-Za-z0-9_]*)",
                      sub);
    const char *url;
    arc_snprintf(sub, sizeof sub, "%s.url", field);
    if (sm_str(e, f, n, "url", sub, false, &url))
        return -1;
    p->url = url && *url ? sm_get(n, "url") : NULL;
    p->node = n;
    p->host_text = sm_printf(&k->arena, "%ld", p->host);
    return 0;
}

static int read_ports(sm_kit *k, sm_service *s, const sm_node *root)
{
    const sm_node *n = sm_get(root, "ports");
    if (!n)
        return 0;
    if (n->kind != SM_SEQ)
        return sm_bad(&k->err, &s->file, n, "'ports' must be a list of {name, host, container}");
    s->ports = sm_alloc(&k->arena, (n->count + 1) * sizeof *s->ports);
    for (const sm_node *it = n->first; it; it = it->next, s->nports++)
        if (read_port(k, s, it, s->nports, &s->ports[s->nports]))
            return -1;
    return 0;
}

static int read_health_env(sm_kit *k, sm_service *s, const sm_node *env)
{
    sm_err *e = &k->err;
    if (!env)
        return 0;
    if (env->kind != SM_MAP)
        return sm_bad(e, &s->file, env, "health.env must map variable names to strings");
    s->henv = sm_alloc(&k->arena, (env->count + 1) * sizeof *s->henv);
    for (const sm_node *key = env->first; key; key = key->next->next) {
        if (!sm_is_ident(key->str))
            return sm_bad(e, &s->file, key, "health.env: '%s' is not a variable name", key->str);
        if (key->next->kind != SM_SCALAR)
            return sm_bad(e, &s->file, key->next, "health.env.%s must be a string", key->str);
        s->henv[s->nhenv++] = (sm_pair){key, key->next};
    }
    return 0;
}

static int read_health(sm_kit *k, sm_service *s, const sm_node *root)
{
    sm_err *e = &k->err;
    const sm_node *h = sm_get(root, "health");
    if (!h)
        return s->oneshot ? 0 : sm_bad(e, &s->file, root, "a service needs 'health' (the probe command)");
    if (h->kind != SM_MAP)
        return sm_bad(e, &s->file, h, "'health' must be a mapping with 'probe' (and 'args', optional 'env')");
    s->has_health = true;
    if (sm_keys(e, &s->file, h, "health", health_keys, NULL, NULL) ||
        sm_str(e, &s->file, h, "probe", "health.probe", true, &s->probe) ||
        sm_strlist(&k->arena, e, &s->file, sm_get(h, "args"), "health.args", "[--url, URL]", true,
                   &s->args))
        return -1;
    return read_health_env(k, s, sm_get(h, "env"));
}

/* An argv whose first word is a program relative to the service folder. */
static int read_argv(sm_kit *k, sm_service *s, const sm_node *n, const char *field, sm_list *out)
{
    if (sm_strlist(&k->arena, &k->err, &s->file, n, field, ARGV_EXAMPLE, false, out))
        return -1;
    if (out->n && out->v[0]->str[0] == '/')
        return sm_bad(&k->err, &s->file, out->v[0],
                      "%s[0] must be a path relative to the service folder, got '%s'", field,
                      out->v[0]->str);
    return 0;
}

static int read_commands(sm_kit *k, sm_service *s, const sm_node *root)
{
    const sm_node *hooks = sm_get(root, "hooks");
    const sm_node *run = sm_get(root, "run");
    if (hooks && hooks->kind != SM_MAP)
        return sm_bad(&k->err, &s->file, hooks, "'hooks' must be a mapping with after_up and/or before_down");
    if (hooks && (sm_keys(&k->err, &s->file, hooks, "hooks", hook_keys, NULL, NULL) ||
                  read_argv(k, s, sm_get(hooks, "after_up"), "hooks.after_up", &s->after_up) ||
                  read_argv(k, s, sm_get(hooks, "before_down"), "hooks.before_down", &s->before_down)))
        return -1;
    if (run && !s->oneshot)
        return sm_bad(&k->err, &s->file, run, "'run' is for kind: oneshot (a service is started by its compose file)");
    return read_argv(k, s, run, "run", &s->run);
}

static int read_service(sm_kit *k, sm_service *s)
{
    if (sm_yaml_load(&k->arena, &s->file, &k->err))
        return -1;
    const sm_node *root = s->file.root;
    if (!root || root->kind != SM_MAP)
        return sm_bad(&k->err, &s->file, root, "must be a mapping (name, codename, tech, ...)");
    if (sm_keys(&k->err, &s->file, root, "", service_keys, "profiles",
                "profiles are listed in profiles.yaml only") ||
        read_identity(k, s, root) || read_ports(k, s, root) || read_health(k, s, root) ||
        sm_strlist(&k->arena, &k->err, &s->file, sm_get(root, "depends_on"), "depends_on",
                   "[a, b]", false, &s->depends) ||
        read_commands(k, s, root))
        return -1;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The folders of ROOT/services, sorted; none when it does not exist. */
static int list_folders(sm_kit *k, const char *base, char ***out, size_t *n)
{
    *n = 0;
    *out = NULL;
    DIR *d = opendir(base);
    if (!d)
        return errno == ENOENT ? 0 : sm_fail(&k->err, ARC_EXIT_FAIL, "%s: cannot read: %s",
                                             sm_shown(k, base), strerror(errno));
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = sm_alloc(&k->arena, cap * sizeof *grown);
            if (*n)
                memcpy(grown, *out, *n * sizeof *grown);
            *out = grown;
        }
        (*out)[(*n)++] = sm_strdup(&k->arena, de->d_name);
    }
    closedir(d);
    if (*n)
        qsort(*out, *n, sizeof **out, by_name);
    return 0;
}

int sm_load_services(sm_kit *k)
{
    struct stat st;
    if (stat(k->root, &st) != 0 || !S_ISDIR(st.st_mode))
        return sm_fail(&k->err, ARC_EXIT_FAIL, "%s: not a directory (the kit's root)", k->root);
    const char *base = sm_printf(&k->arena, "%s/services", k->root);
    char **folders;
    size_t nfolders;
    if (list_folders(k, base, &folders, &nfolders))
        return -1;
    k->svc = sm_alloc(&k->arena, (nfolders + 1) * sizeof *k->svc);
    for (size_t i = 0; i < nfolders; i++) {
        sm_service *s = &k->svc[k->nsvc];
        s->dir = sm_printf(&k->arena, "%s/%s", base, folders[i]);
        s->file.path = sm_printf(&k->arena, "%s/service.yaml", s->dir);
        s->file.shown = sm_shown(k, s->file.path);
        if (!is_file(s->file.path))
            continue;
        if (read_service(k, s))
            return -1;
        const sm_service *other = sm_find(k, s->codename);
        if (other)
            return sm_bad(&k->err, &s->file, sm_get(s->file.root, "codename"),
                          "codename '%s' is also used by %s", s->codename, other->file.shown);
        k->nsvc++;
    }
    return 0;
}

sm_service *sm_find(sm_kit *k, const char *codename)
{
    for (size_t i = 0; i < k->nsvc; i++)
        if (!strcmp(k->svc[i].codename, codename))
            return &k->svc[i];
    return NULL;
}

sm_service *sm_need(sm_kit *k, const char *codename)
{
    sm_service *s = sm_find(k, codename);
    if (s)
        return s;
    const char **names = sm_alloc(&k->arena, (k->nsvc + 1) * sizeof *names);
    for (size_t i = 0; i < k->nsvc; i++)
        names[i] = k->svc[i].codename;
    qsort(names, k->nsvc, sizeof *names, by_name);
    arc_buf known;
    arc_buf_init(&known);
    for (size_t i = 0; i < k->nsvc; i++)
        arc_buf_printf(&known, "%s%s", i ? ", " : "", names[i]);
    sm_fail(&k->err, ARC_EXIT_FAIL, "unknown service '%s' (known: %s)", codename,
            k->nsvc ? arc_buf_str(&known) : "none");
    arc_buf_free(&known);
    return NULL;
}

bool sm_has_compose(const sm_service *s)
{
    char path[4096];
    return arc_snprintf(path, sizeof path, "%s/docker-compose.yml", s->dir) == 0 && is_file(path);
}
