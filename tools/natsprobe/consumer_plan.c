/* consumer_plan.c — the declared durable consumers against the server: read
 * each one's info, compare the declared fields, then create or update
 * through $JS.API.CONSUMER.DURABLE.CREATE (which also updates an existing
 * durable on 2.9 and 2.10). A field the server cannot change in place is a
 * conflict, never a delete-and-recreate. */
#include "natsprobe.h"

#include <stdlib.h>
#include <string.h>

enum { NP_JS_CONSUMER_NOT_FOUND = 10014 };

int np_consumers_reset(np_apply_run *a)
{
    int n = 0;
    np_consumers_free(a);
    for (int i = 0; i < a->sf->n; i++)
        n += a->sf->v[i].nconsumers;
    a->citems = calloc((size_t)n + 1, sizeof *a->citems);
    if (!a->citems)
        return -1;
    for (int i = 0, k = 0; i < a->sf->n; i++)
        for (int c = 0; c < a->sf->v[i].nconsumers; c++, k++) {
            a->citems[k].stream = &a->sf->v[i];
            a->citems[k].want = &a->sf->v[i].consumers[c];
            a->citems[k].config = -1;
            a->citems[k].conflict = -1;
        }
    a->ncitems = n;
    return 0;
}

void np_consumers_free(np_apply_run *a)
{
    for (int i = 0; a->citems && i < a->ncitems; i++) {
        np_reply_free(&a->citems[i].info);
        np_consumer_free(&a->citems[i].have);
    }
    free(a->citems);
    a->citems = NULL;
    a->ncitems = 0;
}

/* The stream's plan item (the consumer of a stream to create is created). */
static const np_plan_item *stream_item(const np_apply_run *a, const np_stream *s)
{
    return &a->items[s - a->sf->v];
}

static void diff(np_cplan_item *it)
{
    it->nchanged = 0;
    for (int i = 0; i < NP_NCFIELDS; i++) {
        const np_value *want = &it->want->v[i];
        if (want->set && !np_value_equal(&np_cfields[i], want, &it->have.v[i]))
            it->changed[it->nchanged++] = (np_cfield_id)i;
    }
    it->action = it->nchanged ? NP_UPDATE : NP_UNCHANGED;
    for (int k = 0; k < it->nchanged; k++)
        if (np_cfields[it->changed[k]].fixed) {
            it->action = NP_CONFLICT;
            it->conflict = it->changed[k];
            break;
        }
}

static int read_info(np_cplan_item *it, natsConnection *nc, const arc_deadline *dl, char *why,
                     size_t whylen)
{
    char subj[600], err[512];
    arc_snprintf(subj, sizeof subj, "$JS.API.CONSUMER.INFO.%s.%s", it->stream->name,
                 it->want->name);
    int rc = np_js_call(nc, dl, subj, "", &it->info, why, whylen);
    if (rc != ARC_EXIT_OK)
        return rc;
    if (it->info.err_code == NP_JS_CONSUMER_NOT_FOUND) {
        it->action = NP_CREATE;
        return ARC_EXIT_OK;
    }
    if (it->info.err_code)
        return arc_errf(why, whylen, "consumer %s/%s: %s", it->stream->name, it->want->name,
                        it->info.err), ARC_EXIT_FAIL;
    it->config = arc_json_get(&it->info.j, 0, "config");
    if (!arc_json_is(&it->info.j, it->config, JSMN_OBJECT) ||
        np_consumer_from_config(&it->info.j, it->config, &it->have, err, sizeof err) != 0)
        return arc_errf(why, whylen, "consumer %s/%s: unreadable info reply", it->stream->name,
                        it->want->name), ARC_EXIT_FAIL;
    diff(it);
    return ARC_EXIT_OK;
}

static void conflict_text(const np_cplan_item *it, char *why, size_t whylen)
{
    const np_field *f = &np_cfields[it->conflict];
    arc_buf have, want;
    arc_buf_init(&have);
    arc_buf_init(&want);
    np_value_text(f, &it->have.v[it->conflict], &have);
    np_value_text(f, &it->want->v[it->conflict], &want);
    arc_snprintf(why, whylen, "consumer %s/%s: %s cannot change on an existing consumer "
                 "(%s -> %s); delete it by hand or declare a new one; nothing applied",
                 it->stream->name, it->want->name, f->key, arc_buf_str(&have),
                 arc_buf_str(&want));
    arc_buf_free(&have);
    arc_buf_free(&want);
}

int np_consumers_plan(np_apply_run *a, natsConnection *nc, const arc_deadline *dl, char *why,
                      size_t whylen)
{
    for (int i = 0; i < a->ncitems; i++) {
        np_cplan_item *it = &a->citems[i];
        const np_plan_item *s = stream_item(a, it->stream);
        int rc = ARC_EXIT_OK;
        if (s->action == NP_CREATE)
            it->action = NP_CREATE;
        else
            rc = read_info(it, nc, dl, why, whylen);
        if (rc != ARC_EXIT_OK)
            return rc;
        it->planned = true;
        if (it->action == NP_CONFLICT && !a->run.opts->dry_run) {
            conflict_text(it, why, whylen);
            return NP_FAIL_FINAL;
        }
    }
    return ARC_EXIT_OK;
}

/* {"stream_name":S,"config":{...}}: a create names the durable, the declared
 * fields and the policies spelled out; an update is the server's config
 * with the declared fields replaced. */
static void body_of(const np_cplan_item *it, arc_buf *out)
{
    static const struct {
        np_cfield_id id;
        const char *value;
    } defaults[] = {{NP_C_DELIVER_POLICY, "all"},
                    {NP_C_ACK_POLICY, "explicit"},
                    {NP_C_REPLAY_POLICY, "instant"}};
    arc_buf_puts(out, "{\"stream_name\":");
    arc_buf_json_str(out, it->stream->name);
    arc_buf_puts(out, ",\"config\":");
    if (it->action == NP_UPDATE) {
        np_config_merge(&it->info.j, it->config, np_cfields, NP_NCFIELDS, it->want->v, out);
        arc_buf_puts(out, "}");
        return;
    }
    arc_buf_puts(out, "{\"durable_name\":");
    arc_buf_json_str(out, it->want->name);
    for (int i = 0; i < NP_NCFIELDS; i++) {
        if (!it->want->v[i].set)
            continue;
        arc_buf_printf(out, ",\"%s\":", np_cfields[i].server_key);
        np_value_json(&np_cfields[i], &it->want->v[i], true, out);
    }
    for (size_t k = 0; k < sizeof defaults / sizeof *defaults; k++)
        if (!it->want->v[defaults[k].id].set)
            arc_buf_printf(out, ",\"%s\":\"%s\"", np_cfields[defaults[k].id].server_key,
                           defaults[k].value);
    arc_buf_puts(out, "}}");
}

/* The reply's config must now hold the declared values. */
static int verify(np_cplan_item *it, np_reply *r, char *why, size_t whylen)
{
    char err[512];
    np_consumer now = {.name = ""};
    int config = arc_json_get(&r->j, 0, "config");
    int rc = ARC_EXIT_OK;
    if (!arc_json_is(&r->j, config, JSMN_OBJECT) ||
        np_consumer_from_config(&r->j, config, &now, err, sizeof err) != 0) {
        arc_snprintf(why, whylen, "consumer %s/%s: the server's reply has no readable config",
                     it->stream->name, it->want->name);
        rc = NP_FAIL_FINAL;
    }
    for (int i = 0; rc == ARC_EXIT_OK && i < NP_NCFIELDS; i++) {
        if (!it->want->v[i].set || np_value_equal(&np_cfields[i], &it->want->v[i], &now.v[i]))
            continue;
        arc_snprintf(why, whylen, "consumer %s/%s: the server stored %s differently; fix the "
                     "file or every run will update it again", it->stream->name,
                     it->want->name, np_cfields[i].key);
        rc = NP_FAIL_FINAL;
    }
    np_consumer_free(&now);
    return rc;
}

static int write_one(np_cplan_item *it, natsConnection *nc, const arc_deadline *dl, char *why,
                     size_t whylen)
{
    char subj[600], inner[1024];
    arc_buf body;
    arc_buf_init(&body);
    body_of(it, &body);
    arc_snprintf(subj, sizeof subj, "$JS.API.CONSUMER.DURABLE.CREATE.%s.%s", it->stream->name,
                 it->want->name);
    np_reply r;
    int rc = np_js_call(nc, dl, subj, arc_buf_str(&body), &r, inner, sizeof inner);
    arc_buf_free(&body);
    if (rc != ARC_EXIT_OK)
        return arc_errf(why, whylen, "consumer %s/%s: %s", it->stream->name, it->want->name,
                        inner), NP_FAIL_FINAL;
    if (r.err_code) {
        arc_snprintf(why, whylen, "consumer %s/%s: the server refused the %s: %s (err_code %lld)",
                     it->stream->name, it->want->name,
                     it->action == NP_CREATE ? "create" : "update", r.err, r.err_code);
        rc = NP_FAIL_FINAL;
    } else {
        it->done = true;
        rc = verify(it, &r, why, whylen);
    }
    np_reply_free(&r);
    return rc;
}

int np_consumers_write(np_apply_run *a, natsConnection *nc, const arc_deadline *dl, char *why,
                       size_t whylen)
{
    int rc = ARC_EXIT_OK;
    for (int i = 0; rc == ARC_EXIT_OK && i < a->ncitems; i++)
        if (a->citems[i].action == NP_CREATE || a->citems[i].action == NP_UPDATE)
            rc = write_one(&a->citems[i], nc, dl, why, whylen);
    return rc;
}
