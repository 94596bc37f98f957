/* list.c — `tenants`, `namespaces TENANT`, `topics TENANT/NAMESPACE`:
 * one name per line (topics with their partition count), or with --json one
 * object holding the list. */
#include "pulsaradm.h"

#include <ctype.h>
#include <string.h>

typedef struct {
    pa_ctx *x;
    const char *check;
    arc_deadline dl;
    pa_reply r;
    char why[1024];
    double t0;
    size_t shown; /* topics written so far */
} lister;

static void lister_init(lister *l, pa_ctx *x, const char *check)
{
    l->x = x;
    l->check = check;
    pa_reply_init(&l->r);
    l->why[0] = '\0';
    arc_deadline_init(&l->dl, x->c.timeout);
    l->t0 = arc_now();
    l->shown = 0;
}

/* GET a JSON list of names; on failure l->why says what went wrong. */
static int get_list(lister *l, const char *path, pa_strv *out)
{
    if (pa_http_do(l->x->http, "GET", path, NULL, &l->dl, &l->r) != 0 || l->r.status != 200) {
        pa_describe(l->x, "GET", path, &l->r, l->why, sizeof l->why);
        return -1;
    }
    return pa_reply_strv(l->x, "GET", path, &l->r, out, l->why, sizeof l->why);
}

/* The verdict line / JSON object; json_extra carries the list. */
static int finish(lister *l, bool ok, const char *detail, const char *json_extra)
{
    pa_reply_free(&l->r);
    if (ok && arc_text_output(&l->x->c))
        return ARC_EXIT_OK; /* the names were the output */
    arc_result out = {.ok = ok, .check = l->check, .target = l->x->target,
                      .latency_ms = (arc_now() - l->t0) * 1000.0, .attempts = 1,
                      .detail = ok ? detail : l->why, .json_extra = json_extra};
    return arc_report(&l->x->c, &out);
}

/* Print names (text) or finish with {"<key>":[...]} (JSON). */
static int names_result(lister *l, const char *key, const pa_strv *v)
{
    arc_buf extra;
    arc_buf_init(&extra);
    arc_buf_printf(&extra, ",\"%s\":[", key);
    for (size_t i = 0; i < v->n; i++) {
        if (arc_text_output(&l->x->c))
            printf("%s\n", v->v[i]);
        arc_buf_puts(&extra, i ? "," : "");
        arc_buf_json_str(&extra, v->v[i]);
    }
    arc_buf_puts(&extra, "]");
    char detail[64];
    arc_snprintf(detail, sizeof detail, "%zu %s", v->n, key);
    int rc = finish(l, true, detail, arc_buf_str(&extra));
    arc_buf_free(&extra);
    return rc;
}

static int list_names(pa_ctx *x, const char *check, const char *path, const char *key)
{
    if (pa_wait_healthy(x) != ARC_EXIT_OK)
        return ARC_EXIT_FAIL;
    lister l;
    lister_init(&l, x, check);
    pa_strv v;
    pa_strv_init(&v);
    int rc = get_list(&l, path, &v) == 0 ? names_result(&l, key, &v) : finish(&l, false, "", NULL);
    pa_strv_free(&v);
    return rc;
}

int pa_cmd_tenants(pa_ctx *x)
{
    return list_names(x, "tenants", "/admin/v2/tenants", "tenants");
}

int pa_cmd_namespaces(pa_ctx *x, const char *tenant)
{
    char path[PA_NAME_MAX + 32];
    arc_snprintf(path, sizeof path, "/admin/v2/namespaces/%s", tenant);
    return list_names(x, "namespaces", path, "namespaces");
}

/* "persistent://t/ns/x-partition-3" is a partition of x, not a topic. */
static bool is_partition(const char *name)
{
    const char *p = strstr(name, "-partition-");
    if (!p || !p[11])
        return false;
    for (p += 11; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return true;
}

/* One topic: text line or JSON element. partitions 0 = non-partitioned. */
static void topic_out(lister *l, arc_buf *extra, const char *name, long partitions)
{
    if (arc_text_output(&l->x->c)) {
        if (partitions > 0)
            printf("%s %ld partition%s\n", name, partitions, partitions == 1 ? "" : "s");
        else
            printf("%s non-partitioned\n", name);
    }
    arc_buf_puts(extra, l->shown++ ? ",{\"name\":" : "{\"name\":");
    arc_buf_json_str(extra, name);
    arc_buf_printf(extra, ",\"partitions\":%ld}", partitions);
}

/* GET <topic>/partitions → N */
static int partition_count(lister *l, const char *topic, long *n)
{
    char path[PA_NAME_MAX * 4];
    arc_snprintf(path, sizeof path, "/admin/v2/persistent/%s/partitions", topic + 13);
    if (pa_http_do(l->x->http, "GET", path, NULL, &l->dl, &l->r) != 0 || l->r.status != 200) {
        pa_describe(l->x, "GET", path, &l->r, l->why, sizeof l->why);
        return -1;
    }
    return pa_reply_partitions(l->x, path, &l->r, n, l->why, sizeof l->why);
}

/* Partitioned topics with their counts, then the non-partitioned ones. */
static int topics_out(lister *l, const pa_strv *parted, const pa_strv *all, arc_buf *extra)
{
    for (size_t i = 0; i < parted->n; i++) {
        long n = 0;
        if (strncmp(parted->v[i], "persistent://", 13) != 0)
            return arc_errf(l->why, sizeof l->why, "unexpected topic name '%.200s'", parted->v[i]);
        if (partition_count(l, parted->v[i], &n) != 0)
            return -1;
        topic_out(l, extra, parted->v[i], n);
    }
    for (size_t i = 0; i < all->n; i++)
        if (!is_partition(all->v[i]) && !pa_strv_has(parted, all->v[i]))
            topic_out(l, extra, all->v[i], 0);
    return 0;
}

int pa_cmd_topics(pa_ctx *x, const char *tenant_ns)
{
    if (pa_wait_healthy(x) != ARC_EXIT_OK)
        return ARC_EXIT_FAIL;
    char path[PA_NAME_MAX * 2 + 48], detail[64];
    lister l;
    lister_init(&l, x, "topics");
    pa_strv parted, all;
    pa_strv_init(&parted);
    pa_strv_init(&all);
    arc_buf extra;
    arc_buf_init(&extra);
    arc_buf_puts(&extra, ",\"topics\":[");
    arc_snprintf(path, sizeof path, "/admin/v2/persistent/%s/partitioned", tenant_ns);
    int ok = get_list(&l, path, &parted) == 0;
    arc_snprintf(path, sizeof path, "/admin/v2/persistent/%s", tenant_ns);
    ok = ok && get_list(&l, path, &all) == 0 && topics_out(&l, &parted, &all, &extra) == 0;
    arc_buf_puts(&extra, "]");
    arc_snprintf(detail, sizeof detail, "%zu topics", l.shown);
    int rc = finish(&l, ok, detail, ok ? arc_buf_str(&extra) : NULL);
    arc_buf_free(&extra);
    pa_strv_free(&parted);
    pa_strv_free(&all);
    return rc;
}
