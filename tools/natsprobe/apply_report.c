/* apply_report.c — what `streams apply` tells: one line per stream (with the
 * fields that change), and the same as JSON. */
#include "natsprobe.h"

static const char *action_word(np_action act)
{
    return act == NP_CREATE ? "created" : act == NP_UPDATE ? "updated" : "unchanged";
}

/* "created", "would be created", or "not created (stopped before it)". */
static void state_text(const np_apply_run *a, const np_plan_item *it, arc_buf *out)
{
    const char *word = action_word(it->action);
    if (it->action == NP_UNCHANGED || it->done)
        arc_buf_puts(out, word);
    else if (a->run.opts->dry_run)
        arc_buf_printf(out, "would be %s", word);
    else
        arc_buf_printf(out, "not %s (apply stopped)", word);
}

static void line_for(const np_apply_run *a, const np_plan_item *it, arc_buf *out)
{
    arc_buf_printf(out, "stream %s: ", it->want->name);
    state_text(a, it, out);
    for (int k = 0; k < it->nchanged; k++) {
        const np_field *f = &np_fields[it->changed[k]];
        arc_buf_printf(out, "%s%s ", k ? "; " : ": ", f->key);
        np_value_text(f, &it->have.v[it->changed[k]], out);
        arc_buf_puts(out, " -> ");
        np_value_text(f, &it->want->v[it->changed[k]], out);
    }
    arc_buf_puts(out, "\n");
}

static void json_for(const np_plan_item *it, arc_buf *out)
{
    arc_buf_puts(out, "{\"name\":");
    arc_buf_json_str(out, it->want->name);
    arc_buf_printf(out, ",\"action\":\"%s\",\"applied\":%s,\"changes\":[",
                   action_word(it->action),
                   it->action == NP_UNCHANGED || it->done ? "true" : "false");
    for (int k = 0; k < it->nchanged; k++) {
        const np_field *f = &np_fields[it->changed[k]];
        arc_buf_printf(out, "%s{\"field\":\"%s\",\"from\":", k ? "," : "", f->key);
        np_value_json(f, &it->have.v[it->changed[k]], false, out);
        arc_buf_puts(out, ",\"to\":");
        np_value_json(f, &it->want->v[it->changed[k]], false, out);
        arc_buf_puts(out, "}");
    }
    arc_buf_puts(out, "]}");
}

void np_apply_summarise(np_apply_run *a)
{
    int n[3] = {0, 0, 0}, shown = 0;
    arc_buf list;
    arc_buf_init(&list);
    for (int i = 0; a->items && i < a->sf->n; i++) {
        const np_plan_item *it = &a->items[i];
        if (!it->planned)
            continue;
        n[it->action]++;
        line_for(a, it, &a->run.text);
        arc_buf_puts(&list, shown++ ? "," : "");
        json_for(it, &list);
    }
    arc_buf_puts(&a->run.extra, ",\"file\":");
    arc_buf_json_str(&a->run.extra, a->run.opts->file);
    arc_buf_printf(&a->run.extra,
                   ",\"dry_run\":%s,\"created\":%d,\"updated\":%d,\"unchanged\":%d,\"streams\":[%s]",
                   a->run.opts->dry_run ? "true" : "false", n[NP_CREATE], n[NP_UPDATE],
                   n[NP_UNCHANGED], arc_buf_str(&list));
    arc_buf_free(&list);
}
