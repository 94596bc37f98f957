/*
 * expect.c — --expect FIELD=VALUE: the field is looked up in INFO
 * ("field:value" lines), and when INFO does not have it, with CONFIG GET.
 * Values are compared as exact strings.
 */
#include "redisping.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define FIELD_MAX 100

typedef struct {
    char actual[256];   /* shown value (masked when secret) */
    const char *source; /* "info", "config", or NULL when not found */
    bool match;
    char problem[320];  /* CONFIG GET error reply, or an I/O failure */
} seen;

int rp_expect_parse(const char *arg, rp_expect *e)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) > FIELD_MAX)
        return -1;
    for (const char *p = arg; p < eq; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_-.", *p))
            return -1;
    e->field = arg;
    e->flen = (size_t)(eq - arg);
    e->value = eq + 1;
    return 0;
}

static bool secret_field(const rp_expect *e)
{
    char low[FIELD_MAX + 1];
    for (size_t i = 0; i < e->flen; i++)
        low[i] = (char)tolower((unsigned char)e->field[i]);
    low[e->flen] = '\0';
    return strstr(low, "pass") || strstr(low, "auth");
}

/* What may be printed of a value: the values of secret fields are masked. */
static void shown(const rp_expect *e, const char *v, size_t n, char *out, size_t cap)
{
    if (secret_field(e))
        arc_strlcpy(out, "***", cap);
    else
        arc_snprintf(out, cap, "%.*s", (int)n, v);
}

/* The value of field in INFO text, or NULL. */
static const char *info_find(const char *info, const rp_expect *e, size_t *vlen)
{
    const char *line = info;
    while (*line) {
        size_t n = strcspn(line, "\r\n");
        if (n > e->flen && line[e->flen] == ':' && strncmp(line, e->field, e->flen) == 0) {
            *vlen = n - e->flen - 1;
            return line + e->flen + 1;
        }
        line += n;
        line += strspn(line, "\r\n");
    }
    return NULL;
}

/* CONFIG GET field: 0 looked up (found or not, or an error reply in
 * problem), -1 when the connection failed (problem says why). */
static int config_get(redisContext *c, const arc_deadline *dl, const rp_expect *e,
                      seen *s)
{
    char field[FIELD_MAX + 1];
    arc_snprintf(field, sizeof field, "%.*s", (int)e->flen, e->field);
    const char *argv[] = {"CONFIG", "GET", field};
    char err[256];
    redisReply *r = rp_command(c, dl, 3, argv, err, sizeof err);
    if (!r) {
        arc_snprintf(s->problem, sizeof s->problem, "CONFIG GET %s: %s", field, err);
        return -1;
    }
    if (r->type == REDIS_REPLY_ERROR)
        arc_snprintf(s->problem, sizeof s->problem, "%s: not in INFO, and CONFIG GET: %s",
                     field, r->str);
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements; i += 2) {
        redisReply *k = r->element[i], *v = r->element[i + 1];
        if (k->type == REDIS_REPLY_STRING && v->type == REDIS_REPLY_STRING &&
            strcasecmp(k->str, field) == 0) {
            s->source = "config";
            s->match = strcmp(v->str, e->value) == 0;
            shown(e, v->str, v->len, s->actual, sizeof s->actual);
            break;
        }
    }
    freeReplyObject(r);
    return 0;
}

static int lookup(redisContext *c, const arc_deadline *dl, const char *info,
                  const rp_expect *e, seen *s)
{
    memset(s, 0, sizeof *s);
    size_t n = 0;
    const char *v = info_find(info, e, &n);
    if (!v)
        return config_get(c, dl, e, s);
    s->source = "info";
    s->match = strlen(e->value) == n && strncmp(v, e->value, n) == 0;
    shown(e, v, n, s->actual, sizeof s->actual);
    return 0;
}

static void add_json(arc_buf *json, const rp_expect *e, const seen *s, const char *want)
{
    arc_buf_puts(json, "{\"field\":");
    arc_buf_json_strn(json, e->field, e->flen);
    arc_buf_puts(json, ",\"expected\":");
    arc_buf_json_str(json, want);
    arc_buf_puts(json, ",\"actual\":");
    if (s->source)
        arc_buf_json_str(json, s->actual);
    else
        arc_buf_puts(json, "null");
    arc_buf_puts(json, ",\"source\":");
    if (s->source)
        arc_buf_json_str(json, s->source);
    else
        arc_buf_puts(json, "null");
    arc_buf_printf(json, ",\"ok\":%s}", s->match ? "true" : "false");
}

/* One line of text for an expectation: "f=v" when it holds, else why not. */
static void add_text(arc_buf *good, arc_buf *bad, const rp_expect *e, const seen *s,
                     const char *want)
{
    int fl = (int)e->flen;
    if (s->match) {
        arc_buf_printf(good, "%s%.*s=%s", good->len ? ", " : "", fl, e->field, s->actual);
        return;
    }
    if (bad->len)
        arc_buf_puts(bad, "; ");
    if (s->problem[0])
        arc_buf_puts(bad, s->problem);
    else if (s->source)
        arc_buf_printf(bad, "%.*s: expected %s, got %s", fl, e->field, want, s->actual);
    else
        arc_buf_printf(bad, "%.*s: expected %s, got nothing (not in INFO, no such CONFIG "
                            "parameter)", fl, e->field, want);
}

static int check_all(redisContext *c, const arc_deadline *dl, const rp_options *o,
                     const char *info, arc_buf *detail, arc_buf *json)
{
    arc_buf good, bad;
    arc_buf_init(&good);
    arc_buf_init(&bad);
    arc_buf_puts(json, ",\"expect\":[");
    for (int i = 0; i < o->nexpect; i++) {
        const rp_expect *e = &o->expect[i];
        seen s;
        if (lookup(c, dl, info, e, &s) != 0) {
            arc_buf_reset(&bad);
            arc_buf_puts(&bad, s.problem); /* the connection failed: that is the story */
            break;
        }
        char want[256];
        shown(e, e->value, strlen(e->value), want, sizeof want);
        if (i > 0)
            arc_buf_puts(json, ",");
        add_json(json, e, &s, want);
        add_text(&good, &bad, e, &s, want);
    }
    arc_buf_puts(json, "]");
    int rc = bad.len ? 1 : 0;
    arc_buf_puts(detail, arc_buf_str(rc ? &bad : &good));
    arc_buf_free(&good);
    arc_buf_free(&bad);
    return rc;
}

int rp_expect_run(redisContext *c, const arc_deadline *dl, const rp_options *o,
                  arc_buf *detail, arc_buf *json)
{
    const char *argv[] = {"INFO"};
    char err[256];
    redisReply *r = rp_command(c, dl, 1, argv, err, sizeof err);
    if (!r || r->type != REDIS_REPLY_STRING) {
        arc_buf_printf(detail, "INFO: %s",
                       !r ? err : r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
        if (r)
            freeReplyObject(r);
        return 1;
    }
    int rc = check_all(c, dl, o, r->str, detail, json);
    freeReplyObject(r);
    return rc;
}
