/*
 * vars.c — ${VAR} and ${VAR:-default} in a service's strings. A variable's
 * value comes from the environment (when not empty), else the service
 * folder's .env (KEY=VALUE, optional `export `, quotes stripped, # comments),
 * else, for a port's `env` variable, the port's `host`. An empty value takes
 * the default; unset without a default is an error naming file and field.
 * Values are never shown in messages: .env and health.env hold secrets.
 */
#include "svcmeta.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SPACES " \t\r\n\v\f"

static char *strip(char *s)
{
    s += strspn(s, SPACES);
    size_t n = strlen(s);
    while (n && strchr(SPACES, s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* One line of .env into (key, value); 0 skipped or stored, -1 malformed. */
static int dotenv_line(sm_kit *k, sm_service *s, char *line, size_t *cap)
{
    line = strip(line);
    if (!*line || *line == '#')
        return 0;
    char *eq = strchr(line, '=');
    if (!eq)
        return -1;
    *eq = '\0';
    char *key = strip(line);
    if (!strncmp(key, "export ", 7))
        key = strip(key + 7);
    if (!sm_is_ident(key))
        return -1;
    char *val = strip(eq + 1);
    size_t n = strlen(val);
    if (n >= 2 && val[0] == val[n - 1] && (val[0] == '\'' || val[0] == '"')) {
        val[n - 1] = '\0';
        val++;
    }
    if (s->ndotenv == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        sm_var *grown = sm_alloc(&k->arena, *cap * sizeof *grown);
        if (s->ndotenv)
            memcpy(grown, s->dotenv, s->ndotenv * sizeof *grown);
        s->dotenv = grown;
    }
    s->dotenv[s->ndotenv++] = (sm_var){sm_strdup(&k->arena, key), sm_strdup(&k->arena, val)};
    return 0;
}

int sm_dotenv(sm_kit *k, sm_service *s)
{
    if (s->dotenv_read)
        return 0;
    s->dotenv_read = true;
    const char *path = sm_printf(&k->arena, "%s/.env", s->dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? 0 : sm_fail(&k->err, ARC_EXIT_FAIL, "%s: cannot read: %s",
                                             sm_shown(k, path), strerror(errno));
    char *line = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (long n = 1; getline(&line, &len, f) != -1; n++)
        if (dotenv_line(k, s, line, &cap)) {
            rc = sm_fail(&k->err, ARC_EXIT_DATAERR, "%s:%ld: expected KEY=VALUE (KEY a variable name)",
                         sm_shown(k, path), n);
            break;
        }
    if (len)
        arc_wipe(line, len);
    free(line);
    fclose(f);
    return rc;
}

/* The value of name[0..len): environment > .env > port default; NULL unset. */
static const char *lookup(const sm_service *s, const char *name, size_t len);

const char *sm_var_value(sm_kit *k, sm_service *s, const char *name)
{
    if (sm_dotenv(k, s))
        return NULL;
    return lookup(s, name, strlen(name));
}


static const char *lookup(const sm_service *s, const char *name, size_t len)
{
    char key[256];
    if (len >= sizeof key)
        return NULL;
    memcpy(key, name, len);
    key[len] = '\0';
    const char *v = arc_env(key);
    if (v)
        return v;
    for (size_t i = s->ndotenv; i-- > 0;)
        if (!strcmp(s->dotenv[i].key, key))
            return s->dotenv[i].value;
    for (size_t i = s->nports; i-- > 0;)
        if (s->ports[i].env && !strcmp(s->ports[i].env, key))
            return s->ports[i].host_text;
    return NULL;
}

static bool has_control(const char *v)
{
    for (; *v; v++)
        if ((unsigned char)*v < 0x20 || *v == 0x7f)
            return true;
    return false;
}

/* A port number 1-65535 written in digits only; -1 otherwise. */
static long port_value(const char *v)
{
    if (!v || !*v || v[strspn(v, "0123456789")])
        return -1;
    v += strspn(v, "0");
    if (strlen(v) > 5)
        return -1;
    long p = strtol(v, NULL, 10);
    return p >= 1 && p <= 65535 ? p : -1;
}

int sm_port_check(sm_kit *k, sm_service *s, const sm_port *p)
{
    if (!p->env)
        return 0;
    if (sm_dotenv(k, s))
        return -1;
    const char *v = lookup(s, p->env, strlen(p->env));
    if (port_value(v) < 0)
        return sm_fail(&k->err, ARC_EXIT_USAGE, "%s='%s' is not a port number (1-65535)", p->env,
                       has_control(v) ? "(control characters)" : v);
    return 0;
}

int sm_check_ports(sm_kit *k, sm_service *s)
{
    for (size_t i = 0; i < s->nports; i++)
        if (sm_port_check(k, s, &s->ports[i]))
            return -1;
    return 0;
}

long sm_host_port(const sm_service *s, const sm_port *p)
{
    return p->env ? port_value(lookup(s, p->env, strlen(p->env))) : p->host;
}

/* At s: "${NAME}" or "${NAME:-default}"; the length matched, or 0. */
static size_t match_var(const char *s, size_t *nlen, const char **def, size_t *dlen)
{
    if (s[0] != '$' || s[1] != '{')
        return 0;
    const char *p = s + 2;
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
        return 0;
    size_t n = 1 + strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    *nlen = n;
    *def = NULL;
    p += n;
    if (*p == '}')
        return (size_t)(p + 1 - s);
    if (p[0] != ':' || p[1] != '-')
        return 0;
    const char *end = strchr(p + 2, '}');
    if (!end)
        return 0;
    *def = p + 2;
    *dlen = (size_t)(end - *def);
    return (size_t)(end + 1 - s);
}

int sm_expand(sm_kit *k, sm_service *s, const sm_node *n, const char *field, arc_buf *out)
{
    if (sm_dotenv(k, s))
        return -1;
    for (const char *p = n->str; *p;) {
        size_t nlen, dlen = 0;
        const char *def;
        size_t m = match_var(p, &nlen, &def, &dlen);
        if (!m) {
            size_t lit = 1 + strcspn(p + 1, "$");
            arc_buf_add(out, p, lit);
            p += lit;
            continue;
        }
        const char *v = lookup(s, p + 2, nlen);
        if (v && *v) {
            if (has_control(v))
                return sm_fail(&k->err, ARC_EXIT_DATAERR,
                               "%s:%d:%d: %s: the value of %.*s contains a control character",
                               s->file.shown, n->line, n->col, field, (int)nlen, p + 2);
            arc_buf_puts(out, v);
        } else if (def) {
            arc_buf_add(out, def, dlen);
        } else {
            return sm_fail(&k->err, ARC_EXIT_FAIL, "%s:%d:%d: %s: ${%.*s} is not set",
                           s->file.shown, n->line, n->col, field, (int)nlen, p + 2);
        }
        p += m;
    }
    return 0;
}

int sm_expand_dup(sm_kit *k, sm_service *s, const sm_node *n, const char *field,
                  const char **out)
{
    arc_buf b;
    arc_buf_init(&b);
    int rc = sm_expand(k, s, n, field, &b);
    *out = rc ? NULL : sm_strndup(&k->arena, arc_buf_str(&b), b.len);
    if (b.s)
        arc_wipe(b.s, b.cap); /* may hold a secret */
    arc_buf_free(&b);
    return rc;
}
