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

static const np_stream *stream_of(const np_streamfile *sf, const np_stream *other, int k)
{
    return k < sf->n ? &sf->v[k] : &other[k - sf->n];
}

/* Does a declared stream claim a subject that another declared stream, or
 * one of other[0..nother) (skip[i]: not to check), could also match? Names
 * both in why. */
static bool any_overlap(const np_streamfile *sf, const np_stream *other, int nother,
                        const bool *skip, char *why, size_t whylen)
{
    int n = 0;
    for (int k = 0; k < sf->n + nother; k++)
        n += (k < sf->n || !skip[k - sf->n]) ? stream_of(sf, other, k)->v[NP_F_SUBJECTS].nlist : 0;
    np_subj_ref *refs = malloc(((size_t)n + 1) * sizeof *refs);
    if (!refs)
    {
        arc_strlcpy(why, "out of memory", whylen);
        return true;
    }
    n = 0;
    for (int k = 0; k < sf->n + nother; k++) {
        const np_value *v = &stream_of(sf, other, k)->v[NP_F_SUBJECTS];
        for (int i = 0; (k < sf->n || !skip[k - sf->n]) && i < v->nlist; i++)
            refs[n++] = (np_subj_ref){v->list[i], k, k < sf->n};
    }
    int x, y;
    bool hit = np_find_overlap(refs, n, &x, &y);
    if (hit && (!refs[x].declared || (refs[y].declared && refs[y].stream < refs[x].stream))) {
        int t = x;
        x = y;
        y = t;
    }
    if (hit)
        arc_snprintf(why, whylen, "subjects overlap: stream %s (%s) and %s stream %s (%s) "
                     "can match the same subject; nothing applied",
                     stream_of(sf, other, refs[x].stream)->name, refs[x].subject,
                     refs[y].declared ? "declared" : "existing",
                     stream_of(sf, other, refs[y].stream)->name, refs[y].subject);
    free(refs);
    return hit;
}

int np_apply_check_file(const np_streamfile *sf, char *why, size_t whylen)
{
    return any_overlap(sf, NULL, 0, NULL, why, whylen) ? ARC_EXIT_FAIL : ARC_EXIT_OK;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* skip[i]: server stream i is declared (it gets the file's subjects). */
static bool *declared_mask(const np_streamfile *sf, const server_streams *ss)
{
    const char **names = malloc(((size_t)sf->n + 1) * sizeof *names);
    bool *skip = calloc((size_t)ss->n + 1, sizeof *skip);
    for (int i = 0; names && skip && i < sf->n; i++)
        names[i] = sf->v[i].name;
    if (names && skip)
        qsort(names, (size_t)sf->n, sizeof *names, cmp_name);
    for (int i = 0; names && skip && i < ss->n; i++) {
        const char *key = ss->v[i].name;
        skip[i] = bsearch(&key, names, (size_t)sf->n, sizeof *names, cmp_name) != NULL;
    }
    if (!names) {
        free(skip);
        skip = NULL;
    }
    free(names);
    return skip;
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
    bool *skip = rc == ARC_EXIT_OK ? declared_mask(a->sf, &ss) : NULL;
    if (rc == ARC_EXIT_OK && !skip)
    {
        arc_strlcpy(why, "out of memory", whylen);
        rc = ARC_EXIT_FAIL;
    }
    if (rc == ARC_EXIT_OK && any_overlap(a->sf, ss.v, ss.n, skip, why, whylen))
        rc = NP_FAIL_FINAL;
    free(skip);
    server_streams_free(&ss);
    return rc;
}

/* A field that cannot change in place differs: a conflict, naming it. It is
 * never resolved by deleting and recreating the stream. Under --dry-run the
 * plan goes on; an apply refuses before writing anything. */
static int check_fixed(np_plan_item *it, bool dry_run, char *why, size_t whylen)
{
    for (int k = 0; k < it->nchanged; k++) {
        const np_field *f = &np_fields[it->changed[k]];
        if (!f->fixed)
            continue;
        it->action = NP_CONFLICT;
        it->conflict = it->changed[k];
        if (dry_run)
            return ARC_EXIT_OK;
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
static int plan_item(np_plan_item *it, bool dry_run, natsConnection *nc,
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
    return check_fixed(it, dry_run, why, whylen);
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
        a->items[i].conflict = -1;
    }
    if (a->items && np_consumers_reset(a) != 0) {
        free(a->items);
        a->items = NULL;
    }
}

static void ok_detail(const np_apply_run *a, char *why, size_t whylen)
{
    int n[NP_NACTIONS] = {0};
    for (int i = 0; i < a->sf->n; i++)
        n[a->items[i].action]++;
    for (int i = 0; i < a->ncitems; i++)
        n[a->citems[i].action]++;
    char what[96] = "";
    if (a->ncitems)
        arc_snprintf(what, sizeof what, " and %d consumer%s", a->ncitems,
                     a->ncitems == 1 ? "" : "s");
    if (a->run.opts->dry_run)
        arc_snprintf(why, whylen, "dry run, %d streams%s: %d to create, %d to update, "
                     "%d unchanged, %d conflict%s", a->sf->n, what, n[NP_CREATE], n[NP_UPDATE],
                     n[NP_UNCHANGED], n[NP_CONFLICT], n[NP_CONFLICT] == 1 ? "" : "s");
    else
        arc_snprintf(why, whylen, "%d streams%s: %d created, %d updated, %d unchanged", a->sf->n,
                     what, n[NP_CREATE], n[NP_UPDATE], n[NP_UNCHANGED]);
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
    bool dry = a->run.opts->dry_run;
    for (int i = 0; rc == ARC_EXIT_OK && i < a->sf->n; i++)
        rc = plan_item(&a->items[i], dry, nc, dl, why, whylen);
    if (rc == ARC_EXIT_OK)
        rc = np_consumers_plan(a, nc, dl, why, whylen);
    for (int i = 0; rc == ARC_EXIT_OK && !dry && i < a->sf->n; i++)
        if (a->items[i].action == NP_CREATE || a->items[i].action == NP_UPDATE)
            rc = write_item(&a->items[i], nc, dl, why, whylen);
    if (rc == ARC_EXIT_OK && !dry)
        rc = np_consumers_write(a, nc, dl, why, whylen);
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
    np_consumers_free(a);
}
