/*
 * tree.c — libyaml's events turned into a tiny node tree: scalars, sequences
 * and mappings with the line and column each starts at. Block and flow
 * styles, quoted scalars and comments are libyaml's business; anchors,
 * aliases, tags and several documents are refused with their position, and so
 * are duplicate keys, non-scalar keys and control characters in values.
 */
#include "svcmeta.h"

#include <errno.h>
#include <string.h>
#include <yaml.h>

typedef struct {
    sm_arena *a;
    sm_file *f;
    sm_err *e;
    sm_node *stack[SM_MAX_DEPTH];
    const char *key[SM_MAX_DEPTH]; /* per mapping on the stack: its current key */
    int depth;
    int docs;
} builder;

static int bad_at(builder *b, yaml_mark_t m, const char *what, const char *detail)
{
    return sm_fail(b->e, ARC_EXIT_DATAERR, "%s:%zu:%zu: %s%s", b->f->shown,
                   m.line + 1, m.column + 1, what, detail);
}

static int syntax_error(builder *b, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "cannot parse";
    if (p->error == YAML_READER_ERROR)
        return sm_fail(b->e, ARC_EXIT_DATAERR, "%s: not valid YAML: %s (byte %zu)",
                       b->f->shown, problem, p->problem_offset);
    if (p->error == YAML_MEMORY_ERROR)
        return sm_fail(b->e, ARC_EXIT_FAIL, "%s: out of memory", b->f->shown);
    if (p->context)
        return sm_fail(b->e, ARC_EXIT_DATAERR,
                       "%s:%zu:%zu: not valid YAML: %s (%s at line %zu)", b->f->shown,
                       p->problem_mark.line + 1, p->problem_mark.column + 1, problem,
                       p->context, p->context_mark.line + 1);
    return sm_fail(b->e, ARC_EXIT_DATAERR, "%s:%zu:%zu: not valid YAML: %s", b->f->shown,
                   p->problem_mark.line + 1, p->problem_mark.column + 1, problem);
}

/* Anchors, aliases and tags are not part of the kit's files. */
static int plain_node(builder *b, const yaml_event_t *ev, const yaml_char_t *anchor,
                      const yaml_char_t *tag)
{
    if (anchor)
        return bad_at(b, ev->start_mark, "anchors (&name) are not supported", "");
    if (tag)
        return bad_at(b, ev->start_mark, "tags (!name) are not supported", "");
    return 0;
}

static sm_node *new_node(builder *b, sm_kind kind, const yaml_event_t *ev)
{
    sm_node *n = sm_alloc(b->a, sizeof *n);
    n->kind = kind;
    n->line = (int)ev->start_mark.line + 1;
    n->col = (int)ev->start_mark.column + 1;
    return n;
}

/* A key of a mapping: a scalar, not seen before in the same mapping. */
static int check_key(builder *b, const sm_node *map, const sm_node *key)
{
    if (key->kind != SM_SCALAR)
        return sm_fail(b->e, ARC_EXIT_DATAERR, "%s:%d:%d: a mapping key must be a string",
                       b->f->shown, key->line, key->col);
    int i = 0;
    for (const sm_node *k = map->first; k; k = k->next, i++)
        if (i % 2 == 0 && strcmp(k->str, key->str) == 0)
            return sm_fail(b->e, ARC_EXIT_DATAERR, "%s:%d:%d: duplicate key '%s' (first at line %d)",
                           b->f->shown, key->line, key->col, key->str, k->line);
    return 0;
}

static int attach(builder *b, sm_node *n)
{
    if (b->depth == 0) {
        b->f->root = n;
        return 0;
    }
    sm_node *parent = b->stack[b->depth - 1];
    if (parent->kind == SM_MAP && parent->count % 2 == 0) {
        if (check_key(b, parent, n) != 0)
            return -1;
        b->key[b->depth - 1] = n->str;
    }
    if (parent->last)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
    parent->count++; /* children; halved to pairs when a mapping ends */
    return 0;
}

static int push(builder *b, sm_kind kind, const yaml_event_t *ev)
{
    if (b->depth == SM_MAX_DEPTH)
        return bad_at(b, ev->start_mark, "nested too deeply", "");
    sm_node *n = new_node(b, kind, ev);
    if (attach(b, n) != 0)
        return -1;
    b->stack[b->depth++] = n;
    return 0;
}

/* The field path of the node about to be attached ("ports[1].host"). */
static void field_path(const builder *b, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < b->depth && len < n; i++) {
        const sm_node *c = b->stack[i];
        bool top = i == b->depth - 1; /* the new node is not a child yet */
        if (c->kind == SM_SEQ)
            arc_snprintf(out + len, n - len, "[%zu]", top ? c->count : c->count - 1);
        else if (!top || c->count % 2) /* at the top, an even count: a new key */
            arc_snprintf(out + len, n - len, "%s%s", len ? "." : "", b->key[i]);
        len = strlen(out);
    }
}

static int scalar(builder *b, const yaml_event_t *ev)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != 0x7f)
            continue;
        const sm_node *parent = b->depth ? b->stack[b->depth - 1] : NULL;
        bool is_key = parent && parent->kind == SM_MAP && parent->count % 2 == 0;
        char path[256];
        field_path(b, path, sizeof path);
        return sm_fail(b->e, ARC_EXIT_DATAERR,
                       "%s:%zu:%zu: %s%s: control characters (tab, newline, NUL, ...) are "
                       "not allowed", b->f->shown, ev->start_mark.line + 1,
                       ev->start_mark.column + 1, is_key ? "a key in " : "",
                       *path ? path : "the document");
    }
    sm_node *n = new_node(b, SM_SCALAR, ev);
    n->str = sm_strndup(b->a, s, len);
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return attach(b, n);
}

static int on_event(builder *b, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->docs > 1)
            return bad_at(b, ev->start_mark, "only one YAML document is allowed", "");
        return 0;
    case YAML_ALIAS_EVENT:
        return bad_at(b, ev->start_mark, "aliases (*name) are not supported", "");
    case YAML_SCALAR_EVENT:
        if (plain_node(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag) != 0)
            return -1;
        return scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        if (plain_node(b, ev, ev->data.sequence_start.anchor, ev->data.sequence_start.tag) != 0)
            return -1;
        return push(b, SM_SEQ, ev);
    case YAML_MAPPING_START_EVENT:
        if (plain_node(b, ev, ev->data.mapping_start.anchor, ev->data.mapping_start.tag) != 0)
            return -1;
        return push(b, SM_MAP, ev);
    case YAML_MAPPING_END_EVENT:
        b->stack[b->depth - 1]->count /= 2;
        b->depth--;
        return 0;
    case YAML_SEQUENCE_END_EVENT:
        b->depth--;
        return 0;
    default: /* stream start/end, document end, no event */
        return 0;
    }
}

static int build(builder *b, yaml_parser_t *p)
{
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(p, &ev))
            return syntax_error(b, p);
        int rc = on_event(b, &ev);
        bool end = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (rc != 0 || end)
            return rc;
    }
}

int sm_yaml_load(sm_arena *a, sm_file *f, sm_err *e)
{
    f->root = NULL;
    FILE *fp = fopen(f->path, "rb");
    if (!fp)
        return sm_fail(e, ARC_EXIT_FAIL, "%s: cannot read: %s", f->shown, strerror(errno));
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        fclose(fp);
        return sm_fail(e, ARC_EXIT_FAIL, "%s: out of memory", f->shown);
    }
    yaml_parser_set_input_file(&p, fp);
    builder b = {.a = a, .f = f, .e = e};
    int rc = build(&b, &p);
    yaml_parser_delete(&p);
    fclose(fp);
    return rc;
}
