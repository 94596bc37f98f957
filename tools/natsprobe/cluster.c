/*
 * cluster.c — `cluster`: is the server behind --monitor a healthy member of a
 * JetStream cluster of --cluster-size servers? Its monitoring port is asked,
 * in order, and the first failure is named: routes to the other servers
 * (/routez), the JetStream meta group (/jsz), every clustered stream's
 * replicas (/jsz?accounts=true&streams=true), the server's own verdict
 * (/healthz: meta group, streams and consumers). /varz first gives its name.
 *
 * Field names as nats-server writes them, the same in v2.9.10 (Debian) and
 * v2.12.x (the images) unless said otherwise:
 *   server/monitor.go   Varz "server_name", "cluster"{"name"}; Routez "routes";
 *                       RouteInfo "remote_id", "remote_name" (v2.9.16 and later
 *                       only: v2.9.10 names a route by the remote's server id;
 *                       from v2.10 a remote has a pool of routes, so remotes are
 *                       counted by id); JSInfo "disabled", "meta_cluster",
 *                       "account_details"; MetaClusterInfo "name", "leader",
 *                       "replicas", "cluster_size"; AccountDetail "stream_detail";
 *                       StreamDetail "name", "cluster". Jsz() fills
 *                       meta_cluster.replicas only `if isLeader`: the meta
 *                       leader lists the other peers, a follower none (so a
 *                       follower's peers are judged by the leader, and its
 *                       meta group is counted by cluster_size).
 *   server/stream.go    ClusterInfo "leader", "replicas"; PeerInfo "name",
 *                       "current", "offline", "active" (ns since last seen), "lag".
 *   server/jetstream_cluster.go clusterInfo() and server/raft.go Peers(): a
 *                       replica's "current" is the group leader's knowledge;
 *                       on a follower v2.12 reports the other followers not
 *                       current on purpose. A stream's replicas are judged where
 *                       this server leads the stream, else only its leader's entry.
 *   natscli monitor/check_jetstream_meta.go CheckJetstreamMeta: asks the meta
 *                       leader; peers = replicas + 1; a peer fails when not
 *                       current, offline, or not seen within --seen-critical.
 */
#include "natsprobe.h"

#include <string.h>

/* natscli's --seen-critical, fixed: five raft heartbeats (1 s apart) missed. */
#define CL_SEEN_MAX_NS 5000000000LL
#define CL_NAME 256
#define CL_REMOTES 32 /* distinct remotes remembered (--cluster-size is at most 15) */

/* One reply of the monitoring port, parsed (j points into body). */
typedef struct {
    arc_buf body;
    arc_json j;
} cl_doc;

/* What the checks learned, for the verdict and --json. */
typedef struct {
    const np_run *run;
    int size;                /* --cluster-size */
    char server[CL_NAME];    /* this server's name */
    char cluster[CL_NAME];   /* the cluster's name */
    char leader[CL_NAME];    /* the meta group's leader */
    int routes;              /* distinct remote servers routed to; -1 unknown */
    int peers;               /* the meta group's size; -1 unknown */
    int streams;             /* streams checked; -1 unknown */
} cl_state;

/* The remotes of /routez, one entry per server. */
typedef struct {
    char id[CL_REMOTES][64];
    char name[CL_REMOTES][CL_NAME]; /* remote_name, else the id */
    int n;
    bool named;                      /* every remote has a remote_name */
} cl_remotes;

/* why, formatted, and 1: `return failf(why, whylen, "stream %s: ...", name);` */
static int failf(char *why, size_t whylen, const char *fmt, ...) ARC_PRINTF(3, 4);

static int failf(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return ARC_EXIT_FAIL;
}

/* Key of obj as text: "" when absent, "?" when not a name fit for one line. */
static void text_of(const arc_json *j, int obj, const char *key, char *out, size_t n)
{
    int k = arc_json_get(j, obj, key);
    out[0] = '\0';
    if (k >= 0 && arc_json_name(j, k, out, n) != 0)
        arc_strlcpy(out, "?", n);
}

static bool flag_of(const arc_json *j, int obj, const char *key)
{
    bool b = false;
    return arc_json_bool(j, arc_json_get(j, obj, key), &b) == 0 && b;
}

static long long int_of(const arc_json *j, int obj, const char *key)
{
    long long v = 0;
    return arc_json_int(j, arc_json_get(j, obj, key), &v) == 0 ? v : 0;
}

/* GET path: 200 and a JSON object, else 1 with why naming the path. */
static int doc_get(const cl_state *st, const char *path, const arc_deadline *dl, cl_doc *d,
                   char *why, size_t whylen)
{
    long code = 0;
    char err[256];
    arc_buf_init(&d->body);
    memset(&d->j, 0, sizeof d->j);
    if (np_http_get(st->run->t, path, dl, &code, &d->body, why, whylen) != ARC_EXIT_OK)
        return ARC_EXIT_FAIL;
    if (code != 200)
        return failf(why, whylen, "GET %s: HTTP %ld", path, code);
    if (arc_json_parse(&d->j, arc_buf_str(&d->body), d->body.len, err, sizeof err) != 0)
        return failf(why, whylen, "GET %s: malformed reply (%s)", path, err);
    if (!arc_json_is(&d->j, 0, JSMN_OBJECT))
        return failf(why, whylen, "GET %s: malformed reply (not an object)", path);
    return ARC_EXIT_OK;
}

static void doc_free(cl_doc *d)
{
    arc_json_free(&d->j);
    arc_buf_free(&d->body);
}

static bool is_leader(const cl_state *st)
{
    return st->leader[0] && strcmp(st->leader, st->server) == 0;
}

/* Is replica p (a PeerInfo) unhealthy? Then how in how: "is not current
 * (offline, last seen 12.3s ago)", "is offline", "was last seen 6.1s ago". */
static bool peer_fault(const arc_json *j, int p, char *how, size_t n)
{
    bool current = flag_of(j, p, "current"), offline = flag_of(j, p, "offline");
    long long seen = int_of(j, p, "active"), lag = int_of(j, p, "lag");
    bool stale = seen > CL_SEEN_MAX_NS;
    if (current && !offline && !stale)
        return false;
    arc_buf b;
    arc_buf_init(&b);
    if (!current || offline)
        arc_buf_puts(&b, !current ? "is not current" : "is offline");
    else
        arc_buf_printf(&b, "was last seen %.1fs ago", (double)seen / 1e9);
    size_t verb = b.len;
    if (!current && offline)
        arc_buf_puts(&b, ", offline");
    if (stale && (!current || offline))
        arc_buf_printf(&b, ", last seen %.1fs ago", (double)seen / 1e9);
    if (lag > 0)
        arc_buf_printf(&b, ", lag %lld", lag);
    const char *s = arc_buf_str(&b);
    if (b.len > verb)
        arc_snprintf(how, n, "%.*s (%s)", (int)verb, s, s + verb + 2);
    else
        arc_strlcpy(how, s, n);
    arc_buf_free(&b);
    return true;
}

/* ---- who is asked: /varz ------------------------------------------------------ */
static int check_identity(cl_state *st, const arc_deadline *dl, char *why, size_t whylen)
{
    cl_doc d;
    int rc = doc_get(st, "/varz", dl, &d, why, whylen);
    if (rc == ARC_EXIT_OK) {
        text_of(&d.j, 0, "server_name", st->server, sizeof st->server);
        text_of(&d.j, arc_json_get(&d.j, 0, "cluster"), "name", st->cluster, sizeof st->cluster);
        if (!st->server[0])
            rc = failf(why, whylen, "GET /varz: no server_name");
        else if (!st->cluster[0])
            rc = failf(why, whylen, "%s is not in a cluster (no cluster name in /varz)",
                       st->server);
    }
    doc_free(&d);
    return rc;
}

/* ---- 1. routes: /routez ---------------------------------------------------------- */
static void remote_add(cl_remotes *rs, const arc_json *j, int route)
{
    char id[64], name[CL_NAME];
    text_of(j, route, "remote_id", id, sizeof id);
    text_of(j, route, "remote_name", name, sizeof name);
    for (int i = 0; i < rs->n; i++)
        if (strcmp(rs->id[i], id) == 0)
            return; /* another route of a pool, or an account's own route */
    if (!id[0] || rs->n == CL_REMOTES)
        return;
    arc_strlcpy(rs->id[rs->n], id, sizeof rs->id[0]);
    arc_strlcpy(rs->name[rs->n], name[0] ? name : id, sizeof rs->name[0]);
    rs->named = rs->named && name[0];
    rs->n++;
}

static bool remote_named(const cl_remotes *rs, const char *name)
{
    for (int i = 0; i < rs->n; i++)
        if (strcmp(rs->name[i], name) == 0)
            return true;
    return false;
}

/* The meta group's word on the servers not routed to, when this server leads
 * it (only the leader lists its peers): the peers no route names (remote_name
 * known), else the peers it finds unhealthy. Appended to out. */
static void missing_by_meta(const cl_state *st, const cl_remotes *rs, const arc_deadline *dl,
                            arc_buf *out)
{
    cl_doc d;
    char why[256], name[CL_NAME], how[192];
    if (doc_get(st, "/jsz", dl, &d, why, sizeof why) == ARC_EXIT_OK) {
        int reps = arc_json_get(&d.j, arc_json_get(&d.j, 0, "meta_cluster"), "replicas");
        int n = arc_json_is(&d.j, reps, JSMN_ARRAY) ? d.j.tok[reps].size : 0;
        for (int m = 0, p = reps + 1; m < n; m++, p = arc_json_next(&d.j, p)) {
            text_of(&d.j, p, "name", name, sizeof name);
            if (rs->named && !remote_named(rs, name))
                arc_buf_printf(out, "; not routed to meta peer %s", name);
            else if (!rs->named && peer_fault(&d.j, p, how, sizeof how))
                arc_buf_printf(out, "; meta peer %s %s", name, how);
        }
    }
    doc_free(&d);
}

static int routes_verdict(cl_state *st, const cl_remotes *rs, const arc_deadline *dl, char *why,
                          size_t whylen)
{
    int want = st->size - 1;
    st->routes = rs->n;
    if (rs->n >= want)
        return ARC_EXIT_OK;
    arc_buf b;
    arc_buf_init(&b);
    arc_buf_printf(&b, "routes %d/%d (connected: ", rs->n, want);
    for (int i = 0; i < rs->n; i++)
        arc_buf_printf(&b, "%s%s", i ? ", " : "", rs->name[i]);
    arc_buf_printf(&b, "%s; missing %d)", rs->n ? "" : "none", want - rs->n);
    missing_by_meta(st, rs, dl, &b);
    arc_snprintf(why, whylen, "%s", arc_buf_str(&b));
    arc_buf_free(&b);
    return ARC_EXIT_FAIL;
}

static int check_routes(cl_state *st, const arc_deadline *dl, char *why, size_t whylen)
{
    cl_doc d;
    cl_remotes rs = {.n = 0, .named = true};
    int rc = doc_get(st, "/routez", dl, &d, why, whylen);
    int arr = rc == ARC_EXIT_OK ? arc_json_get(&d.j, 0, "routes") : -1;
    int n = arc_json_is(&d.j, arr, JSMN_ARRAY) ? d.j.tok[arr].size : 0;
    for (int m = 0, k = arr + 1; m < n; m++, k = arc_json_next(&d.j, k))
        remote_add(&rs, &d.j, k);
    doc_free(&d);
    return rc == ARC_EXIT_OK ? routes_verdict(st, &rs, dl, why, whylen) : rc;
}

/* ---- 2. the meta group: /jsz ------------------------------------------------------ */
static int meta_verdict(cl_state *st, const arc_json *j, char *why, size_t whylen)
{
    int meta = arc_json_get(j, 0, "meta_cluster");
    if (flag_of(j, 0, "disabled"))
        return failf(why, whylen, "JetStream is not enabled on %s", st->server);
    if (!arc_json_is(j, meta, JSMN_OBJECT))
        return failf(why, whylen, "JetStream is not clustered on %s (no meta_cluster in /jsz)",
                     st->server);
    text_of(j, meta, "leader", st->leader, sizeof st->leader);
    if (!st->leader[0])
        return failf(why, whylen, "no JetStream meta leader elected");
    int reps = arc_json_get(j, meta, "replicas");
    int n = arc_json_is(j, reps, JSMN_ARRAY) ? j->tok[reps].size : 0;
    char name[CL_NAME], how[192];
    for (int m = 0, p = reps + 1; m < n; m++, p = arc_json_next(j, p)) {
        text_of(j, p, "name", name, sizeof name);
        if (peer_fault(j, p, how, sizeof how))
            return failf(why, whylen, "meta peer %s %s", name, how);
    }
    /* the leader lists the others; a follower knows the group's size */
    st->peers = is_leader(st) ? n + 1 : (int)int_of(j, meta, "cluster_size");
    if (st->peers != st->size)
        return failf(why, whylen, "meta group of %d servers (led by %s), expected %d", st->peers,
                     st->leader, st->size);
    return ARC_EXIT_OK;
}

static int check_meta(cl_state *st, const arc_deadline *dl, char *why, size_t whylen)
{
    cl_doc d;
    int rc = doc_get(st, "/jsz", dl, &d, why, whylen);
    if (rc == ARC_EXIT_OK)
        rc = meta_verdict(st, &d.j, why, whylen);
    doc_free(&d);
    return rc;
}

/* ---- 3. the streams' replicas: /jsz?accounts=true&streams=true ------------------------ */
/* One stream's ClusterInfo c: a leader, and its replicas current where this
 * server leads the stream (else the leader's entry, as this server sees it). */
static int stream_verdict(const cl_state *st, const arc_json *j, const char *stream, int c,
                          char *why, size_t whylen)
{
    char leader[CL_NAME], name[CL_NAME], how[192];
    text_of(j, c, "leader", leader, sizeof leader);
    if (!leader[0])
        return failf(why, whylen, "stream %s: no leader elected", stream);
    bool leads = strcmp(leader, st->server) == 0;
    int reps = arc_json_get(j, c, "replicas");
    int n = arc_json_is(j, reps, JSMN_ARRAY) ? j->tok[reps].size : 0;
    for (int m = 0, p = reps + 1; m < n; m++, p = arc_json_next(j, p)) {
        text_of(j, p, "name", name, sizeof name);
        if ((leads || strcmp(name, leader) == 0) && peer_fault(j, p, how, sizeof how))
            return failf(why, whylen, "stream %s: %s %s %s", stream,
                         leads ? "replica" : "leader", name, how);
    }
    return ARC_EXIT_OK;
}

static int account_streams(cl_state *st, const arc_json *j, int acc, char *why, size_t whylen)
{
    int arr = arc_json_get(j, acc, "stream_detail");
    int n = arc_json_is(j, arr, JSMN_ARRAY) ? j->tok[arr].size : 0;
    char stream[CL_NAME];
    for (int m = 0, s = arr + 1; m < n; m++, s = arc_json_next(j, s)) {
        int c = arc_json_get(j, s, "cluster");
        text_of(j, s, "name", stream, sizeof stream);
        if (arc_json_is(j, c, JSMN_OBJECT) && stream_verdict(st, j, stream, c, why, whylen) != 0)
            return ARC_EXIT_FAIL;
        st->streams++;
    }
    return ARC_EXIT_OK;
}

static int check_streams(cl_state *st, const arc_deadline *dl, char *why, size_t whylen)
{
    cl_doc d;
    int rc = doc_get(st, "/jsz?accounts=true&streams=true", dl, &d, why, whylen);
    int arr = rc == ARC_EXIT_OK ? arc_json_get(&d.j, 0, "account_details") : -1;
    int n = arc_json_is(&d.j, arr, JSMN_ARRAY) ? d.j.tok[arr].size : 0;
    st->streams = rc == ARC_EXIT_OK ? 0 : -1;
    for (int m = 0, a = arr + 1; rc == ARC_EXIT_OK && m < n; m++, a = arc_json_next(&d.j, a))
        rc = account_streams(st, &d.j, a, why, whylen);
    doc_free(&d);
    return rc;
}

/* ---- 4. the server's own verdict: /healthz ------------------------------------------ */
/* "... consumer '$G > STREAM > NAME' is not current": the three names, else false. */
static bool consumer_named(const char *error, char part[3][CL_NAME])
{
    const char *p = strstr(error, "consumer '");
    if (!p)
        return false;
    p += strlen("consumer '");
    for (int i = 0; i < 3; i++) {
        const char *end = strstr(p, i < 2 ? " > " : "'");
        if (!end || (size_t)(end - p) >= CL_NAME || end == p)
            return false;
        memcpy(part[i], p, (size_t)(end - p));
        part[i][end - p] = '\0';
        p = end + (i < 2 ? 3 : 1);
    }
    return true;
}

/* The element of array arr (a key of obj) whose "name" is name, or -1. */
static int named_in(const arc_json *j, int obj, const char *arr_key, const char *name)
{
    int arr = arc_json_get(j, obj, arr_key);
    int n = arc_json_is(j, arr, JSMN_ARRAY) ? j->tok[arr].size : 0;
    char got[CL_NAME];
    for (int m = 0, e = arr + 1; m < n; m++, e = arc_json_next(j, e)) {
        text_of(j, e, "name", got, sizeof got);
        if (strcmp(got, name) == 0)
            return e;
    }
    return -1;
}

/* The leader of the consumer /healthz names, as this server sees it (so a user knows which
 * node leads the replica that is behind); "" when it cannot be told. */
static void consumer_leader(const cl_state *st, const char *error, const arc_deadline *dl,
                            char *leader, size_t n)
{
    char part[3][CL_NAME], why[256];
    cl_doc d;
    leader[0] = '\0';
    if (!consumer_named(error, part))
        return;
    if (doc_get(st, "/jsz?accounts=true&streams=true&consumers=true", dl, &d, why,
                sizeof why) == ARC_EXIT_OK) {
        int acc = named_in(&d.j, 0, "account_details", part[0]);
        int stream = acc < 0 ? -1 : named_in(&d.j, acc, "stream_detail", part[1]);
        int cons = stream < 0 ? -1 : named_in(&d.j, stream, "consumer_detail", part[2]);
        if (cons >= 0)
            text_of(&d.j, arc_json_get(&d.j, cons, "cluster"), "leader", leader, n);
    }
    doc_free(&d);
}

static int check_healthz(cl_state *st, const arc_deadline *dl, char *why, size_t whylen)
{
    long code = 0;
    arc_buf body;
    arc_buf_init(&body);
    int rc = np_http_get(st->run->t, "/healthz", dl, &code, &body, why, whylen);
    if (rc == ARC_EXIT_OK) {
        char status[64], error[512], leader[CL_NAME];
        np_health_words(&body, status, sizeof status, error, sizeof error);
        if (code != 200 || strcmp(status, "ok") != 0) {
            consumer_leader(st, error, dl, leader, sizeof leader);
            rc = failf(why, whylen, "/healthz: HTTP %ld, status %s%s%s%s%s%s", code,
                       status[0] ? status : "?", error[0] ? ": " : "", error,
                       leader[0] ? " (its leader: " : "", leader, leader[0] ? ")" : "");
        }
    }
    arc_buf_free(&body);
    return rc;
}

/* ---- the verdict --------------------------------------------------------------------- */
static void summarise(const cl_state *st, char *why, size_t whylen)
{
    char meta[64];
    if (is_leader(st))
        arc_snprintf(meta, sizeof meta, "meta peers %d/%d current", st->peers, st->size);
    else
        arc_snprintf(meta, sizeof meta, "meta group %d/%d", st->peers, st->size);
    arc_snprintf(why, whylen,
                 "%s: role %s, leader %s, cluster %s, routes %d/%d, %s, %d streams with "
                 "replicas current, /healthz ok",
                 st->server, is_leader(st) ? "leader" : "follower", st->leader, st->cluster,
                 st->routes, st->size - 1, meta, st->streams);
}

/* --json: what is known, even when a check failed. */
static void add_extra(const cl_state *st, arc_buf *x)
{
    static const char *const keys[] = {"server", "cluster", "leader"};
    const char *const vals[] = {st->server, st->cluster, st->leader};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        if (!vals[i][0])
            continue;
        arc_buf_printf(x, ",\"%s\":", keys[i]);
        arc_buf_json_str(x, vals[i]);
    }
    if (st->leader[0])
        arc_buf_printf(x, ",\"role\":\"%s\"", is_leader(st) ? "leader" : "follower");
    if (st->routes >= 0)
        arc_buf_printf(x, ",\"routes\":%d", st->routes);
    if (st->peers >= 0)
        arc_buf_printf(x, ",\"meta_peers\":%d", st->peers);
    if (st->streams >= 0)
        arc_buf_printf(x, ",\"streams\":%d", st->streams);
}

typedef int (*cl_step)(cl_state *st, const arc_deadline *dl, char *why, size_t whylen);

int np_cluster(void *ctx, const arc_deadline *dl, char *why, size_t whylen)
{
    static const cl_step steps[] = {check_identity, check_routes, check_meta, check_streams,
                                    check_healthz};
    np_run *r = ctx;
    cl_state st = {.run = r, .routes = -1, .peers = -1, .streams = -1};
    st.size = r->opts->cluster_size ? (int)r->opts->cluster_size : NP_CLUSTER_SIZE;
    arc_buf_reset(&r->extra);
    arc_buf_reset(&r->text);
    int rc = ARC_EXIT_OK;
    for (size_t i = 0; rc == ARC_EXIT_OK && i < sizeof steps / sizeof *steps; i++)
        rc = steps[i](&st, dl, why, whylen);
    if (rc == ARC_EXIT_OK)
        summarise(&st, why, whylen);
    add_extra(&st, &r->extra);
    return rc;
}
