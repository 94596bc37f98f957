/* apply.c — `streams apply FILE`: plan every declared stream against the
 * server (reads only), refuse conflicts before writing anything, then create
 * or update what differs and check that the server now matches the file. */
#include "natsprobe.h"

#include <stdlib.h>
#include <string.h>

/* The server's streams (name and subjects), for the overlap check. */
typedef struct {
    np_stream *v;
    int n, cap;
    char err[512];
} server_streams;

static int collect(void *ctx, const arc_json *j, int info)
{
    server_streams *ss = ctx;
    if (ss->n == ss->cap) {
        int cap = ss->cap ? ss->cap * 2 : 16;
        np_stream *v = realloc(ss->v, (size_t)cap * sizeof *v);
        if (!v) {
            arc_snprintf(ss->err, sizeof ss->err, "out of memory");
            return ARC_EXIT_FAIL;
        }
        memset(v + ss->n, 0, (size_t)(cap - ss->n) * sizeof *v);
        ss->v = v;
        ss->cap = cap;
    }
    int rc = np_stream_from_config(j, arc_json_get(j, info, "config"), &ss->v[ss->n], ss->err,
                                   sizeof ss->err);
    ss->n++;
    return rc == 0 ? ARC_EXIT_OK : ARC_EXIT_FAIL;
}

static void server_streams_free(server_streams *ss)
{
    for (int i = 0; i < ss->n; i++)
        np_stream_free(&ss->v[i]);
    free(ss->v);
}

/* Do streams a and b claim a common subject? Names both in why. */
static bool overlap(const np_stream *a, const np_stream *b, const char *b_kind, char *why,
                    size_t whylen)
{
    const np_value *sa = &a->v[NP_F_SUBJECTS], *sb = &b->v[NP_F_SUBJECTS];
    for (int x = 0; x < sa->nlist; x++)
        for (int y = 0; y < sb->nlist; y++)
            if (np_subjects_overlap(sa->list[x], sb->list[y])) {
                arc_snprintf(why, whylen, "subjects overlap: stream %s (%s) and %s stream %s (%s) "
                             "can match the same subject; nothing applied", a->name,
                             sa->list[x], b_kind, b->name, sb->list[y]);
                return true;
            }
    return false;
}

int np_apply_check_file(const np_streamfile *sf, char *why, size_t whylen)
{
    for (int a = 0; a < sf->n; a++)
        for (int b = a + 1; b < sf->n; b++)
            if (overlap(&sf->v[a], &sf->v[b], "declared", why, whylen))
                return ARC_EXIT_FAIL;
    return ARC_EXIT_OK;
}

static bool declared(const np_streamfile *sf, const char *name)
{
    for (int i = 0; i < sf->n; i++)
        if (strcmp(sf->v[i].name, name) == 0)
            return true;
    return false;
}

/* Declared streams against the server's other streams (those the file does
 * not declare: the declared ones get the file's subjects). */
static int check_server_overlap(np_apply_run *a, natsConnection *nc, const arc_deadline *dl,
                                char *why, size_t whylen)
{
    server_streams ss = {NULL, 0, 0, ""};
    int rc = np_js_each_stream(nc, dl, collect, &ss, why, whylen);
    if (rc != ARC_EXIT_OK && ss.err[0])
        arc_snprintf(why, whylen, "listing streams: %s", ss.err);
    for (int i = 0; rc == ARC_EXIT_OK && i < ss.n; i++) {
        if (declared(a->sf, ss.v[i].name))
            continue;
        for (int d = 0; rc == ARC_EXIT_OK && d < a->sf->n; d++)
            if (overlap(&a->sf->v[d], &ss.v[i], "existing", why, whylen))
                rc = NP_FAIL_FINAL;
    }
    server_streams_free(&ss);
    return rc;
}

/* A field that cannot change in place differs: refuse, naming it. */
static int check_fixed(const np_plan_item *it, char *why, size_t whylen)
{
    for (int k = 0; k < it->nchanged; k++) {
        const np_field *f = &np_fields[it->changed[k]];
        if (!f->fixed)
            continue;
        arc_buf have, want;
        arc_buf_init(&have);
        arc_buf_init(&want);
        np_value_text(f, &it->have.v[it->changed[k]], &have);
        np_value_text(f, &it->want->v[it->changed[k]], &want);
        arc_snprintf(why, whylen, "stream %s: %s cannot change on an existing stream (%s -> %s); "
                     "delete the stream or declare a new one; nothing applied", it->want->name,
                     f->key, arc_buf_str(&have), arc_buf_str(&want));
        arc_buf_free(&have);
        arc_buf_free(&want);
        return NP_FAIL_FINAL;
    }
    return ARC_EXIT_OK;
}

/* Read one stream's info and decide what it needs. */
static int plan_item(np_plan_item *it, natsConnection *nc,
                     const arc_deadline *dl, char *why, size_t whylen)
{
    char subj[320], err[512];
    arc_snprintf(subj, sizeof subj, "$JS.API.STREAM.INFO.%s", it->want->name);
    int rc = np_js_call(nc, dl, subj, "", &it->info, why, whylen);
    if (rc != ARC_EXIT_OK)
        return rc;
    it->config = arc_json_get(&it->info.j, 0, "config");
    if (it->info.err_code == NP_JS_STREAM_NOT_FOUND) {
        it->config = -1;
    } else if (it->info.err_code) {
        arc_snprintf(why, whylen, "stream %s: %s", it->want->name, it->info.err);
        return ARC_EXIT_FAIL;
    } else if (!arc_json_is(&it->info.j, it->config, JSMN_OBJECT)) {
        arc_snprintf(why, whylen, "stream %s: the info reply has no config", it->want->name);
        return ARC_EXIT_FAIL;
    }
    if (np_plan_diff(it, err, sizeof err) != 0) {
        arc_snprintf(why, whylen, "%s", err);
        return ARC_EXIT_FAIL;
    }
    it->planned = true;
    return check_fixed(it, why, whylen);
}

/* After a write: the server's reply config must now match the file, or
 * every later run would "update" again. */
static int verify(const np_plan_item *it, np_reply *r, char *why, size_t whylen)
{
    np_plan_item now = {.want = it->want, .config = arc_json_get(&r->j, 0, "config")};
    now.info = *r;
    char err[512];
    int rc = ARC_EXIT_OK;
    if (!arc_json_is(&r->j, now.config, JSMN_OBJECT) || np_plan_diff(&now, err, sizeof err) != 0) {
        arc_snprintf(why, whylen, "stream %s: the server's reply has no readable config",
                     it->want->name);
        rc = NP_FAIL_FINAL;
    } else if (now.nchanged) {
        const np_field *f = &np_fields[now.changed[0]];
        arc_buf have;
        arc_buf_init(&have);
        np_value_text(f, &now.have.v[now.changed[0]], &have);
        arc_snprintf(why, whylen, "stream %s: the server stored %s as %s, not as declared; "
                     "fix the file or every run will update it again", it->want->name, f->key,
                     arc_buf_str(&have));
        arc_buf_free(&have);
        rc = NP_FAIL_FINAL;
    }
    np_stream_free(&now.have);
    return rc;
}

static int write_item(np_plan_item *it, natsConnection *nc,
                      const arc_deadline *dl, char *why, size_t whylen)
{
    const char *verb = it->action == NP_CREATE ? "CREATE" : "UPDATE";
    char subj[320], inner[1024];
    arc_buf body;
    arc_buf_init(&body);
    np_plan_body(it, &body);
    arc_snprintf(subj, sizeof subj, "$JS.API.STREAM.%s.%s", verb, it->want->name);
    np_reply r;
    int rc = np_js_call(nc, dl, subj, arc_buf_str(&body), &r, inner, sizeof inner);
    arc_buf_free(&body);
    if (rc != ARC_EXIT_OK) {
        arc_snprintf(why, whylen, "stream %s: %s", it->want->name, inner);
        return NP_FAIL_FINAL;
    }
    if (r.err_code) {
        arc_snprintf(why, whylen, "stream %s: the server refused the %s: %s (err_code %lld)",
                     it->want->name, it->action == NP_CREATE ? "create" : "update", r.err,
                     r.err_code);
        rc = NP_FAIL_FINAL;
    } else {
        it->done = true;
        rc = verify(it, &r, why, whylen);
    }
    np_reply_free(&r);
    return rc;
}

static void reset_items(np_apply_run *a)
{
    np_apply_free(a);
    a->items = calloc((size_t)a->sf->n + 1, sizeof *a->items);
    for (int i = 0; a->items && i < a->sf->n; i++) {
        a->items[i].want = &a->sf->v[i];
        a->items[i].config = -1;
    }
}

static void ok_detail(const np_apply_run *a, char *why, size_t whylen)
{
    int n[3] = {0, 0, 0};
    for (int i = 0; i < a->sf->n; i++)
        n[a->items[i].action]++;
    if (a->run.opts->dry_run)
        arc_snprintf(why, whylen, "dry run, %d streams: %d to create, %d to update, %d unchanged",
                     a->sf->n, n[NP_CREATE], n[NP_UPDATE], n[NP_UNCHANGED]);
    else
        arc_snprintf(why, whylen, "%d streams: %d created, %d updated, %d unchanged", a->sf->n,
                     n[NP_CREATE], n[NP_UPDATE], n[NP_UNCHANGED]);
}

int np_streams_apply(void *ctx, const arc_deadline *dl, char *why, size_t whylen)
{
    np_apply_run *a = ctx;
    natsConnection *nc = NULL;
    reset_items(a);
    if (!a->items) {
        arc_snprintf(why, whylen, "out of memory");
        return NP_FAIL_FINAL;
    }
    if (np_run_connect(&a->run, dl, &nc, why, whylen) != 0)
        return ARC_EXIT_FAIL;
    int rc = check_server_overlap(a, nc, dl, why, whylen);
    for (int i = 0; rc == ARC_EXIT_OK && i < a->sf->n; i++)
        rc = plan_item(&a->items[i], nc, dl, why, whylen);
    for (int i = 0; rc == ARC_EXIT_OK && !a->run.opts->dry_run && i < a->sf->n; i++)
        if (a->items[i].action != NP_UNCHANGED)
            rc = write_item(&a->items[i], nc, dl, why, whylen);
    np_disconnect(nc);
    if (rc == ARC_EXIT_OK)
        ok_detail(a, why, whylen);
    return rc;
}

void np_apply_free(np_apply_run *a)
{
    for (int i = 0; a->items && i < a->sf->n; i++) {
        np_reply_free(&a->items[i].info);
        np_stream_free(&a->items[i].have);
    }
    free(a->items);
    a->items = NULL;
}
