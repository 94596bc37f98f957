/* apply_report.c — what `streams apply` tells: one line per stream and per
 * consumer (with the fields that change, old -> new), and the same as JSON.
 * Under --dry-run the lines are the plan: create, update, unchanged,
 * conflict. */
#include "natsprobe.h"

static const char *const done_word[NP_NACTIONS] = {"created", "updated", "unchanged",
                                                   "conflict"};
static const char *const plan_word[NP_NACTIONS] = {"create", "update", "unchanged", "conflict"};

/* One item of either kind, as the report needs it. */
typedef struct {
    const char *kind;      /* "stream", "consumer" */
    const char *name;      /* "AGENT_JOBS", "AGENT_JOBS/workers" */
    np_action action;
    bool done;
    const np_field *fields;
    const int *changed;
    int nchanged;
    const np_value *have, *want;
    int conflict;
} report_item;

/* "created", "update", or "not created (apply stopped)". */
static void state_text(bool dry_run, const report_item *r, arc_buf *out)
{
    if (dry_run)
        arc_buf_puts(out, plan_word[r->action]);
    else if (r->action == NP_UNCHANGED || r->action == NP_CONFLICT || r->done)
        arc_buf_puts(out, done_word[r->action]);
    else
        arc_buf_printf(out, "not %s (apply stopped)", done_word[r->action]);
}

static void change_text(const report_item *r, int f, arc_buf *out)
{
    const np_field *fd = &r->fields[f];
    arc_buf_printf(out, "%s ", fd->key);
    np_value_text(fd, &r->have[f], out);
    arc_buf_puts(out, " -> ");
    np_value_text(fd, &r->want[f], out);
}

static void line_for(bool dry_run, const report_item *r, arc_buf *out)
{
    arc_buf_printf(out, "%s %s: ", r->kind, r->name);
    state_text(dry_run, r, out);
    if (r->action == NP_CONFLICT) {
        arc_buf_puts(out, ": ");
        change_text(r, r->conflict, out);
        arc_buf_printf(out, " (cannot change on an existing %s; not recreated)\n", r->kind);
        return;
    }
    for (int k = 0; k < r->nchanged; k++) {
        arc_buf_puts(out, k ? "; " : ": ");
        change_text(r, r->changed[k], out);
    }
    arc_buf_puts(out, "\n");
}

static void json_for(const report_item *r, arc_buf *out)
{
    arc_buf_puts(out, "{\"name\":");
    arc_buf_json_str(out, r->name);
    arc_buf_printf(out, ",\"action\":\"%s\",\"plan\":\"%s\",\"applied\":%s",
                   done_word[r->action], plan_word[r->action],
                   r->action == NP_UNCHANGED || r->done ? "true" : "false");
    if (r->action == NP_CONFLICT)
        arc_buf_printf(out, ",\"conflict\":\"%s\"", r->fields[r->conflict].key);
    arc_buf_puts(out, ",\"changes\":[");
    for (int k = 0; k < r->nchanged; k++) {
        const np_field *f = &r->fields[r->changed[k]];
        arc_buf_printf(out, "%s{\"field\":\"%s\",\"from\":", k ? "," : "", f->key);
        np_value_json(f, &r->have[r->changed[k]], false, out);
        arc_buf_puts(out, ",\"to\":");
        np_value_json(f, &r->want[r->changed[k]], false, out);
        arc_buf_puts(out, "}");
    }
    arc_buf_puts(out, "]}");
}

static report_item stream_report(const np_plan_item *it, int *changed)
{
    for (int k = 0; k < it->nchanged; k++)
        changed[k] = it->changed[k];
    return (report_item){"stream", it->want->name, it->action, it->done, np_fields, changed,
                         it->nchanged, it->have.v, it->want->v, it->conflict};
}

void np_consumers_summarise(const np_apply_run *a, arc_buf *text, arc_buf *json, int *n)
{
    int changed[NP_NCFIELDS];
    char name[520];
    for (int i = 0; a->citems && i < a->ncitems; i++) {
        const np_cplan_item *it = &a->citems[i];
        if (!it->planned)
            continue;
        for (int k = 0; k < it->nchanged; k++)
            changed[k] = it->changed[k];
        arc_snprintf(name, sizeof name, "%s/%s", it->stream->name, it->want->name);
        report_item r = {"consumer", name, it->action, it->done, np_cfields, changed,
                         it->nchanged, it->have.v, it->want->v, it->conflict};
        n[it->action]++;
        line_for(a->run.opts->dry_run, &r, text);
        arc_buf_puts(json, json->len ? "," : "");
        json_for(&r, json);
    }
}

int np_apply_pending(const np_apply_run *a)
{
    int n = 0;
    for (int i = 0; a->items && i < a->sf->n; i++)
        n += a->items[i].planned && a->items[i].action != NP_UNCHANGED;
    for (int i = 0; a->citems && i < a->ncitems; i++)
        n += a->citems[i].planned && a->citems[i].action != NP_UNCHANGED;
    return n;
}

void np_apply_summarise(np_apply_run *a)
{
    int n[NP_NACTIONS] = {0}, cn[NP_NACTIONS] = {0}, shown = 0, changed[NP_NFIELDS];
    arc_buf list, clist;
    arc_buf_init(&list);
    arc_buf_init(&clist);
    for (int i = 0; a->items && i < a->sf->n; i++) {
        const np_plan_item *it = &a->items[i];
        if (!it->planned)
            continue;
        n[it->action]++;
        report_item r = stream_report(it, changed);
        line_for(a->run.opts->dry_run, &r, &a->run.text);
        arc_buf_puts(&list, shown++ ? "," : "");
        json_for(&r, &list);
    }
    np_consumers_summarise(a, &a->run.text, &clist, cn);
    arc_buf_puts(&a->run.extra, ",\"file\":");
    arc_buf_json_str(&a->run.extra, a->run.opts->file);
    arc_buf_printf(&a->run.extra,
                   ",\"dry_run\":%s,\"created\":%d,\"updated\":%d,\"unchanged\":%d,"
                   "\"conflict\":%d,\"pending\":%d,\"streams\":[%s],\"consumers\":[%s]",
                   a->run.opts->dry_run ? "true" : "false", n[NP_CREATE] + cn[NP_CREATE],
                   n[NP_UPDATE] + cn[NP_UPDATE], n[NP_UNCHANGED] + cn[NP_UNCHANGED],
                   n[NP_CONFLICT] + cn[NP_CONFLICT], np_apply_pending(a), arc_buf_str(&list),
                   arc_buf_str(&clist));
    arc_buf_free(&list);
    arc_buf_free(&clist);
}
