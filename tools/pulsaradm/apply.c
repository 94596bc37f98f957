/* apply.c — `apply FILE`: make the broker hold the declared tenant,
 * namespaces and partitioned topics. Everything is READ first; a write is
 * sent only for what is missing (or a partition count below the declared
 * one), so a second run reports every item `exists` and writes nothing.
 *
 * A 409 on a partitioned-topic create also comes back when a NON-partitioned
 * topic of that name exists, so "409 means done" is wrong: the partition
 * metadata is read first, and an existing non-partitioned topic or a larger
 * partition count is a conflict, named, exit 1. */
#include "pulsaradm.h"

#include <stdlib.h>
#include <string.h>

typedef enum { ST_CREATED, ST_EXISTS, ST_UPDATED, ST_CONFLICT, ST_FAILED, ST_COUNT } item_state;
static const char *const state_name[ST_COUNT] = {"created", "exists", "updated", "conflict",
                                                 "failed"};
/* --dry-run: the plan's words */
static const char *const plan_name[ST_COUNT] = {"create", "unchanged", "update", "conflict",
                                                "failed"};

typedef struct {
    pa_ctx *x;
    const pa_spec *s;
    arc_deadline dl;
    pa_reply r;             /* reused by every request */
    arc_buf items;          /* --json: the items array */
    unsigned count[ST_COUNT];
    unsigned writes;        /* PUT/POST sent */
    char problem[1024];     /* first conflict or failure, for the summary */
    bool tenant_new;        /* created now: it has no namespaces yet */
    bool *ns_new;           /* per namespace: created now, so it has no topics */
    pa_strv ns_topics;      /* topic list of one namespace, read on demand */
    char ns_topics_of[PA_NAME_MAX];
} apply_run;

enum { GO_ON = 0, STOP = -1 };

/* Record and print one item: "KIND NAME: STATE[: detail]". */
static void item(apply_run *a, const char *kind, const char *name, item_state st,
                 const char *detail)
{
    const char *word = a->x->dry_run ? plan_name[st] : state_name[st];
    a->count[st]++;
    if ((st == ST_FAILED || (st == ST_CONFLICT && !a->x->dry_run)) && !a->problem[0])
        arc_snprintf(a->problem, sizeof a->problem, "%s %s: %s%s%s", kind, name, word,
                     *detail ? ": " : "", detail);
    if (a->x->c.quiet || (!a->x->c.json && !arc_text_output(&a->x->c)))
        return; /* nagios, prometheus: the verdict alone */
    if (arc_text_output(&a->x->c)) {
        printf("%s %s: %s%s%s\n", kind, name, word, *detail ? ": " : "", detail);
        return;
    }
    arc_buf *b = &a->items;
    arc_buf_puts(b, b->len ? ",{\"kind\":" : "{\"kind\":");
    arc_buf_json_str(b, kind);
    arc_buf_puts(b, ",\"name\":");
    arc_buf_json_str(b, name);
    arc_buf_printf(b, ",\"result\":\"%s\",\"plan\":\"%s\",\"detail\":", state_name[st],
                   plan_name[st]);
    arc_buf_json_str(b, detail);
    arc_buf_puts(b, "}");
}

/* One request with the run's deadline. 0: a reply came (any status). */
static int call(apply_run *a, const char *method, const char *path, const char *body,
                char *why, size_t n)
{
    if (strcmp(method, "GET") != 0)
        a->writes++;
    if (pa_http_do(a->x->http, method, path, body, &a->dl, &a->r) == 0)
        return 0;
    pa_describe(a->x, method, path, &a->r, why, n);
    return -1;
}

/* GET a JSON list of names (200) into out. */
static int read_list(apply_run *a, const char *path, pa_strv *out, char *why, size_t n)
{
    if (call(a, "GET", path, NULL, why, n) != 0)
        return -1;
    if (a->r.status != 200) {
        pa_describe(a->x, "GET", path, &a->r, why, n);
        return -1;
    }
    return pa_reply_strv(a->x, "GET", path, &a->r, out, why, n);
}

/* {"adminRoles":[...],"allowedClusters":[...]} */
static void tenant_body(arc_buf *b, const pa_strv *roles, const pa_strv *clusters)
{
    arc_buf_puts(b, "{\"adminRoles\":[");
    for (size_t i = 0; i < roles->n; i++) {
        arc_buf_puts(b, i ? "," : "");
        arc_buf_json_str(b, roles->v[i]);
    }
    arc_buf_puts(b, "],\"allowedClusters\":[");
    for (size_t i = 0; i < clusters->n; i++) {
        arc_buf_puts(b, i ? "," : "");
        arc_buf_json_str(b, clusters->v[i]);
    }
    arc_buf_puts(b, "]}");
}

/* "prefix a, b, c" */
static void join(const pa_strv *v, const char *prefix, char *out, size_t n)
{
    arc_buf b;
    arc_buf_init(&b);
    arc_buf_puts(&b, prefix);
    for (size_t i = 0; i < v->n; i++)
        arc_buf_printf(&b, "%s%s", i ? ", " : "", v->v[i]);
    arc_strlcpy(out, arc_buf_str(&b), n);
    arc_buf_free(&b);
}

/* The allowed clusters: from the file, else every cluster the broker lists. */
static int tenant_clusters(apply_run *a, pa_strv *listed, const pa_strv **use, char *why,
                           size_t n)
{
    *use = &a->s->clusters;
    if (a->s->clusters_given)
        return 0;
    if (read_list(a, "/admin/v2/clusters", listed, why, n) != 0)
        return -1;
    if (listed->n == 0)
        return arc_errf(why, n, "GET /admin/v2/clusters lists no cluster; set \"allowedClusters\"");
    *use = listed;
    return 0;
}

static int create_tenant(apply_run *a, const char *tenant)
{
    char why[1024], path[PA_NAME_MAX + 32];
    pa_strv listed;
    pa_strv_init(&listed);
    const pa_strv *clusters;
    int rc = STOP;
    arc_buf body;
    arc_buf_init(&body);
    arc_snprintf(path, sizeof path, "/admin/v2/tenants/%s", tenant);
    if (a->x->dry_run) {
        a->tenant_new = true;
        item(a, "tenant", tenant, ST_CREATED, "");
        rc = GO_ON;
    } else if (tenant_clusters(a, &listed, &clusters, why, sizeof why) != 0) {
        item(a, "tenant", tenant, ST_FAILED, why);
    } else {
        tenant_body(&body, &a->s->admin_roles, clusters);
        if (call(a, "PUT", path, arc_buf_str(&body), why, sizeof why) != 0) {
            item(a, "tenant", tenant, ST_FAILED, why);
        } else if (a->r.status == 204 || a->r.status == 200 || a->r.status == 409) {
            char detail[512];
            join(clusters, "allowed clusters ", detail, sizeof detail);
            a->tenant_new = a->r.status != 409;
            item(a, "tenant", tenant, a->tenant_new ? ST_CREATED : ST_EXISTS,
                 a->tenant_new ? detail : "");
            rc = GO_ON;
        } else {
            pa_describe(a->x, "PUT", path, &a->r, why, sizeof why);
            item(a, "tenant", tenant, ST_FAILED, why);
        }
    }
    arc_buf_free(&body);
    pa_strv_free(&listed);
    return rc;
}

/* An existing tenant is left as it is (its roles and clusters unchanged). */
static int apply_tenant(apply_run *a)
{
    const char *tenant = a->s->tenant;
    char why[1024];
    pa_strv tenants;
    pa_strv_init(&tenants);
    int rc = read_list(a, "/admin/v2/tenants", &tenants, why, sizeof why);
    bool exists = rc == 0 && pa_strv_has(&tenants, tenant);
    pa_strv_free(&tenants);
    if (rc != 0) {
        item(a, "tenant", tenant, ST_FAILED, why);
        return STOP;
    }
    if (exists) {
        item(a, "tenant", tenant, ST_EXISTS, "");
        return GO_ON;
    }
    return create_tenant(a, tenant);
}

static int create_namespace(apply_run *a, size_t i, const char *full)
{
    char why[1024], path[PA_NAME_MAX * 2 + 32];
    arc_snprintf(path, sizeof path, "/admin/v2/namespaces/%s", full);
    if (a->x->dry_run) {
        a->ns_new[i] = true;
        item(a, "namespace", full, ST_CREATED, "");
        return GO_ON;
    }
    if (call(a, "PUT", path, "{}", why, sizeof why) != 0) {
        item(a, "namespace", full, ST_FAILED, why);
        return STOP;
    }
    if (a->r.status == 204 || a->r.status == 200 || a->r.status == 409) {
        a->ns_new[i] = a->r.status != 409;
        item(a, "namespace", full, a->ns_new[i] ? ST_CREATED : ST_EXISTS, "");
        return GO_ON;
    }
    pa_describe(a->x, "PUT", path, &a->r, why, sizeof why);
    item(a, "namespace", full, ST_FAILED, why);
    return STOP;
}

static int apply_namespaces(apply_run *a)
{
    const pa_strv *want = &a->s->namespaces;
    char why[1024], path[PA_NAME_MAX + 32], full[PA_NAME_MAX * 2 + 2];
    pa_strv have;
    pa_strv_init(&have);
    int rc = GO_ON;
    arc_snprintf(path, sizeof path, "/admin/v2/namespaces/%s", a->s->tenant);
    if (want->n > 0 && !a->tenant_new && read_list(a, path, &have, why, sizeof why) != 0) {
        arc_snprintf(full, sizeof full, "%s/%s", a->s->tenant, want->v[0]);
        item(a, "namespace", full, ST_FAILED, why);
        rc = STOP;
    }
    for (size_t i = 0; rc == GO_ON && i < want->n; i++) {
        arc_snprintf(full, sizeof full, "%s/%s", a->s->tenant, want->v[i]);
        if (pa_strv_has(&have, full))
            item(a, "namespace", full, ST_EXISTS, "");
        else
            rc = create_namespace(a, i, full);
    }
    pa_strv_free(&have);
    return rc;
}

/* Is there a topic of exactly this name in the namespace's topic list? */
static int listed_in_namespace(apply_run *a, const pa_topic *t, const char *full, bool *found,
                               char *why, size_t n)
{
    if (strcmp(a->ns_topics_of, t->ns) != 0) {
        char path[PA_NAME_MAX * 2 + 32];
        pa_strv_free(&a->ns_topics);
        a->ns_topics_of[0] = '\0';
        arc_snprintf(path, sizeof path, "/admin/v2/persistent/%s/%s", a->s->tenant, t->ns);
        if (read_list(a, path, &a->ns_topics, why, n) != 0)
            return -1;
        arc_strlcpy(a->ns_topics_of, t->ns, sizeof a->ns_topics_of);
    }
    *found = pa_strv_has(&a->ns_topics, full);
    return 0;
}

/* Partition count of a topic: N > 0 partitioned, 0 non-partitioned, -1 missing.
 * Pulsar answers {"partitions":0} for a non-partitioned topic (and some
 * versions for a missing one), so 0 is confirmed with the topic list. */
static int read_partitions(apply_run *a, const pa_topic *t, const char *full, const char *path,
                           long *have, char *why, size_t n)
{
    long v = -1;
    *have = -1;
    if (call(a, "GET", path, NULL, why, n) != 0)
        return -1;
    if (a->r.status == 404)
        return 0;
    if (a->r.status != 200) {
        pa_describe(a->x, "GET", path, &a->r, why, n);
        return -1;
    }
    if (pa_reply_partitions(a->x, path, &a->r, &v, why, n) != 0)
        return -1;
    bool found = true;
    if (v == 0 && listed_in_namespace(a, t, full, &found, why, n) != 0)
        return -1;
    *have = v == 0 && !found ? -1 : v;
    return 0;
}

/* PUT (create) or POST (raise) the partition count. */
static int write_partitions(apply_run *a, const char *method, const char *full,
                            const char *path, long want, item_state done, const char *detail)
{
    char why[1024], body[32];
    arc_snprintf(body, sizeof body, "%ld", want);
    if (a->x->dry_run) {
        item(a, "topic", full, done, detail);
        return GO_ON;
    }
    if (call(a, method, path, body, why, sizeof why) != 0) {
        item(a, "topic", full, ST_FAILED, why);
        return STOP;
    }
    if (a->r.status == 204 || a->r.status == 200) {
        item(a, "topic", full, done, detail);
        return GO_ON;
    }
    pa_describe(a->x, method, path, &a->r, why, sizeof why);
    /* 409 here: something of that name appeared meanwhile; say so, go on. */
    item(a, "topic", full, a->r.status == 409 ? ST_CONFLICT : ST_FAILED, why);
    return a->r.status == 409 ? GO_ON : STOP;
}

static int apply_topic(apply_run *a, const pa_topic *t, bool ns_new)
{
    char full[PA_NAME_MAX * 3 + 16], path[PA_NAME_MAX * 3 + 48], why[1024], detail[128];
    long have = -1, want = t->partitions;
    arc_snprintf(full, sizeof full, "persistent://%s/%s/%s", a->s->tenant, t->ns, t->name);
    arc_snprintf(path, sizeof path, "/admin/v2/persistent/%s/%s/%s/partitions", a->s->tenant,
                 t->ns, t->name);
    if (!ns_new && read_partitions(a, t, full, path, &have, why, sizeof why) != 0) {
        item(a, "topic", full, ST_FAILED, why);
        return STOP;
    }
    if (have < 0) {
        arc_snprintf(detail, sizeof detail, "%ld partition%s", want, want == 1 ? "" : "s");
        return write_partitions(a, "PUT", full, path, want, ST_CREATED, detail);
    }
    if (have == 0) {
        item(a, "topic", full, ST_CONFLICT, "partitions non-partitioned -> partitioned (exists "
             "as a non-partitioned topic; not recreated)");
        return GO_ON;
    }
    if (have < want) {
        arc_snprintf(detail, sizeof detail, a->x->dry_run ? "partitions %ld -> %ld"
                     : "partitions raised from %ld to %ld", have, want);
        return write_partitions(a, "POST", full, path, want, ST_UPDATED, detail);
    }
    if (have > want)
        arc_snprintf(detail, sizeof detail, "partitions %ld -> %ld (partitions cannot be "
                     "lowered; not recreated)", have, want);
    else
        arc_snprintf(detail, sizeof detail, "%ld partition%s", have, have == 1 ? "" : "s");
    item(a, "topic", full, have > want ? ST_CONFLICT : ST_EXISTS, detail);
    return GO_ON;
}

/* POST one policy; 204 (void method) or 200 is done. */
static int write_policy(apply_run *a, const pa_policies *want, pa_pol_kind kind,
                        const char *full, const char *name, const char *detail)
{
    char path[PA_NAME_MAX * 2 + 96], suffix[64], why[1024];
    arc_buf body;
    arc_buf_init(&body);
    pa_policy_request(want, kind, suffix, sizeof suffix, &body);
    arc_snprintf(path, sizeof path, "/admin/v2/namespaces/%s/%s", full, suffix);
    int rc = GO_ON;
    if (call(a, "POST", path, arc_buf_str(&body), why, sizeof why) != 0) {
        item(a, "policy", name, ST_FAILED, why);
        rc = STOP;
    } else if (a->r.status == 204 || a->r.status == 200) {
        item(a, "policy", name, ST_UPDATED, detail);
    } else {
        pa_describe(a->x, "POST", path, &a->r, why, sizeof why);
        item(a, "policy", name, ST_FAILED, why);
        rc = STOP;
    }
    arc_buf_free(&body);
    return rc;
}

/* The namespace's policies as the server has them (a new one has none). */
static int read_policies(apply_run *a, const char *full, bool ns_new, pa_policies *have)
{
    char path[PA_NAME_MAX * 2 + 32], why[1024];
    arc_json j = {0};
    memset(have, 0, sizeof *have);
    if (ns_new)
        return GO_ON;
    arc_snprintf(path, sizeof path, "/admin/v2/namespaces/%s", full);
    int rc = call(a, "GET", path, NULL, why, sizeof why);
    if (rc == 0 && a->r.status != 200) {
        pa_describe(a->x, "GET", path, &a->r, why, sizeof why);
        rc = -1;
    }
    if (rc == 0 && pa_reply_json(a->x, "GET", path, &a->r, &j, why, sizeof why) != 0)
        rc = -1;
    if (rc == 0 && !arc_json_is(&j, 0, JSMN_OBJECT)) {
        arc_snprintf(why, sizeof why, "GET %s: the policies are not a JSON object", path);
        rc = -1;
    }
    if (rc == 0)
        pa_policies_from_server(&j, 0, have);
    arc_json_free(&j);
    if (rc != 0)
        item(a, "namespace", full, ST_FAILED, why);
    return rc == 0 ? GO_ON : STOP;
}

/* Each declared policy of namespace i: unchanged, or set (an update: every
 * policy changes in place). */
static int apply_policies_of(apply_run *a, size_t i)
{
    const pa_policies *want = &a->s->policies[i];
    char full[PA_NAME_MAX * 2 + 2], name[PA_NAME_MAX * 2 + 32], detail[400];
    pa_policies have;
    bool any = false;
    for (int k = 0; k < PA_NPOL; k++)
        any = any || want->set[k];
    if (!any)
        return GO_ON;
    arc_snprintf(full, sizeof full, "%s/%s", a->s->tenant, a->s->namespaces.v[i]);
    int rc = read_policies(a, full, a->ns_new[i], &have);
    for (int k = 0; rc == GO_ON && k < PA_NPOL; k++) {
        if (!want->set[k])
            continue;
        arc_snprintf(name, sizeof name, "%s/%s", full, pa_pol_name[k]);
        if (!pa_policy_differs(want, &have, (pa_pol_kind)k, detail, sizeof detail))
            item(a, "policy", name, ST_EXISTS, detail);
        else if (a->x->dry_run)
            item(a, "policy", name, ST_UPDATED, detail);
        else
            rc = write_policy(a, want, (pa_pol_kind)k, full, name, detail);
    }
    return rc;
}

static int apply_policies(apply_run *a)
{
    int rc = GO_ON;
    for (size_t i = 0; a->s->policies && rc == GO_ON && i < a->s->namespaces.n; i++)
        rc = apply_policies_of(a, i);
    return rc;
}

static size_t ns_index(const pa_spec *s, const char *ns)
{
    size_t i = 0;
    while (i < s->namespaces.n && strcmp(s->namespaces.v[i], ns) != 0)
        i++;
    return i;
}

static int apply_topics(apply_run *a)
{
    int rc = GO_ON;
    for (size_t i = 0; rc == GO_ON && i < a->s->ntopics; i++) {
        const pa_topic *t = &a->s->topics[i];
        rc = apply_topic(a, t, a->ns_new[ns_index(a->s, t->ns)]);
    }
    return rc;
}

static int report(apply_run *a, const char *file, double ms)
{
    const unsigned *k = a->count;
    bool ok = !a->problem[0];
    char counts[160], detail[1400];
    arc_snprintf(counts, sizeof counts, "%u created, %u exists, %u updated, %u conflict", k[0],
                 k[1], k[2], k[3]);
    if (ok && a->x->dry_run)
        arc_snprintf(detail, sizeof detail, "dry run, %s: %u items: %u to create, %u to update, "
                     "%u unchanged, %u conflict", file, k[0] + k[1] + k[2] + k[3], k[0], k[2],
                     k[1], k[3]);
    else if (ok)
        arc_snprintf(detail, sizeof detail, "%s: %u items: %s", file, k[0] + k[1] + k[2], counts);
    else
        arc_snprintf(detail, sizeof detail, "%s (%s%s)", a->problem, counts,
                     k[ST_FAILED] ? ", stopped" : "");
    arc_buf extra;
    arc_buf_init(&extra);
    arc_buf_puts(&extra, ",\"file\":");
    arc_buf_json_str(&extra, file);
    arc_buf_printf(&extra, ",\"dry_run\":%s,\"pending\":%u", a->x->dry_run ? "true" : "false",
                   k[ST_CREATED] + k[ST_UPDATED] + k[ST_CONFLICT]);
    arc_buf_printf(&extra, ",\"summary\":{\"created\":%u,\"exists\":%u,\"updated\":%u,"
                   "\"conflict\":%u,\"failed\":%u},\"writes\":%u,\"connections\":%ld,\"items\":[%s]",
                   k[0], k[1], k[2], k[3], k[4], a->writes, pa_http_connections(a->x->http),
                   arc_buf_str(&a->items));
    arc_result out = {.ok = ok, .check = "apply", .target = a->x->target, .latency_ms = ms,
                      .attempts = 1, .detail = detail, .json_extra = arc_buf_str(&extra)};
    int rc = arc_report(&a->x->c, &out);
    arc_buf_free(&extra);
    /* --dry-run is a plan: 0 in sync, 2 changes pending, 1 error */
    if (rc == ARC_EXIT_OK && a->x->dry_run && k[ST_CREATED] + k[ST_UPDATED] + k[ST_CONFLICT])
        rc = PA_EXIT_PENDING;
    return rc;
}

/* Every step, reading before writing, until one says stop. */
static int run_steps(apply_run *a)
{
    a->ns_new = calloc(a->s->namespaces.n + 1, sizeof *a->ns_new);
    if (!a->ns_new)
        return -1;
    if (apply_tenant(a) == GO_ON && apply_namespaces(a) == GO_ON && apply_policies(a) == GO_ON)
        apply_topics(a);
    return 0;
}

static void run_free(apply_run *a)
{
    free(a->ns_new);
    pa_strv_free(&a->ns_topics);
    arc_buf_free(&a->items);
    pa_reply_free(&a->r);
}

static int run(pa_ctx *x, const pa_spec *s, const char *file)
{
    apply_run a = {.x = x, .s = s};
    pa_reply_init(&a.r);
    arc_buf_init(&a.items);
    pa_strv_init(&a.ns_topics);
    /* --timeout from the start (reading FILE counted), or, after --wait's
     * wait for health, from now */
    if (x->c.wait > 0)
        arc_deadline_init(&a.dl, x->c.timeout);
    else
        arc_deadline_since_start(&x->c, &a.dl);
    int rc = ARC_EXIT_FAIL;
    if (run_steps(&a) != 0)
        arc_err(&x->c, "out of memory");
    else
        rc = report(&a, file, arc_deadline_elapsed(&a.dl) * 1000.0);
    run_free(&a);
    return rc;
}

int pa_apply_once(pa_ctx *x, const pa_spec *s, const arc_deadline *dl, pa_counts *k,
                  char *why, size_t n)
{
    apply_run a = {.x = x, .s = s, .dl = *dl};
    pa_reply_init(&a.r);
    arc_buf_init(&a.items);
    pa_strv_init(&a.ns_topics);
    int rc = run_steps(&a);
    *k = (pa_counts){a.count[ST_CREATED], a.count[ST_EXISTS], a.count[ST_UPDATED],
                     a.count[ST_CONFLICT], a.count[ST_FAILED]};
    if (rc != 0)
        arc_strlcpy(why, "out of memory", n);
    else if (a.problem[0])
        arc_strlcpy(why, a.problem, n);
    else
        arc_snprintf(why, n, "%u items: %u created, %u exists, %u updated", k->created +
                     k->exists + k->updated, k->created, k->exists, k->updated);
    rc = rc != 0 || a.problem[0] ? ARC_EXIT_FAIL : ARC_EXIT_OK;
    run_free(&a);
    return rc;
}

int pa_cmd_apply(pa_ctx *x, const char *file)
{
    pa_spec s;
    char err[1024];
    int rc = pa_spec_load(file, &s, err, sizeof err);
    if (rc != 0)
        return arc_input_error(&x->c, rc, "%s", err);
    rc = pa_wait_healthy(x);
    if (rc == ARC_EXIT_OK)
        rc = run(x, &s, file);
    pa_spec_free(&s);
    return rc;
}
