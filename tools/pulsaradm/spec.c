/* spec.c — the provisioning file of `pulsaradm apply FILE`:
 *
 *   {
 *     "tenant": "arc-system",
 *     "adminRoles": ["arc-admin"],          optional, default []
 *     "allowedClusters": ["standalone"],    optional, default: GET /admin/v2/clusters
 *     "namespaces": ["events", "commands"], "NS" or "TENANT/NS", or
 *                   {"name": "events", "retention": {...}, "messageTTL": N,
 *                    "deduplication": true, "backlogQuota": {...}} (policy.c)
 *     "topics": [ {"name": "persistent://arc-system/events/agent-events",
 *                  "partitions": 4} ],       name may also be "NS/TOPIC"
 *     "comment": "free text"                optional, also inside a topic
 *   }
 *
 * Every error names the file, line and column, and the field. */
#include "pulsaradm.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *path;
    arc_json j;
    pa_spec *s;
    pa_strv topic_keys; /* "ns/name" of the topics so far */
    char *err;
    size_t errlen;
} parser;

static int fail_at(parser *p, int tok, const char *fmt, ...) ARC_PRINTF(3, 4);
static int fail_at(parser *p, int tok, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line, col;
    arc_json_pos(&p->j, tok, &line, &col);
    arc_snprintf(p->err, p->errlen, "%s: line %d, column %d: %s", p->path, line, col, msg);
    return ARC_EXIT_DATAERR;
}

bool pa_valid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        char ch = *s;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || strchr("-=:._", ch);
        if (!ok)
            return false;
    }
    return true;
}

/* A string value that is a valid Pulsar name. */
static int get_string(parser *p, int tok, const char *what, char *out, size_t n)
{
    if (!arc_json_is(&p->j, tok, JSMN_STRING))
        return fail_at(p, tok, "%s: must be a string", what);
    int rc = arc_json_name(&p->j, tok, out, n);
    if (rc == -2)
        return fail_at(p, tok, "%s: contains a control character (\\u0000 included)", what);
    if (rc != 0)
        return fail_at(p, tok, "%s: too long (at most %zu characters)", what, n - 1);
    return 0;
}

static int get_name(parser *p, int tok, const char *what, char *out)
{
    int rc = get_string(p, tok, what, out, PA_NAME_MAX);
    if (rc == 0 && !pa_valid_name(out))
        return fail_at(p, tok, "%s: '%s' is not a valid name (letters, digits, - _ . : =)",
                       what, out);
    return rc;
}

/* A JSON array of distinct names. */
static int get_names(parser *p, int tok, const char *what, pa_strv *out)
{
    if (!arc_json_is(&p->j, tok, JSMN_ARRAY))
        return fail_at(p, tok, "%s: must be an array of strings", what);
    char name[PA_NAME_MAX], field[64];
    int k = 0;
    for (int i = tok + 1, end = arc_json_next(&p->j, tok); i < end; i = arc_json_next(&p->j, i), k++) {
        arc_snprintf(field, sizeof field, "%s[%d]", what, k);
        int rc = get_name(p, i, field, name);
        if (rc)
            return rc;
        if (pa_strv_has(out, name))
            return fail_at(p, i, "%s: '%s' is listed twice", field, name);
        if (pa_strv_add(out, name) != 0)
            return fail_at(p, i, "out of memory");
    }
    return 0;
}

/* "NS" or "TENANT/NS" */
static int get_namespace(parser *p, int tok, const char *field, char *ns)
{
    char full[PA_NAME_MAX * 2];
    int rc = get_string(p, tok, field, full, sizeof full);
    if (rc)
        return rc;
    const char *slash = strchr(full, '/');
    const char *local = slash ? slash + 1 : full;
    if (slash && (strncmp(full, p->s->tenant, (size_t)(slash - full)) != 0 ||
                  strlen(p->s->tenant) != (size_t)(slash - full)))
        return fail_at(p, tok, "%s: '%s' is not in tenant '%s'", field, full, p->s->tenant);
    if (arc_strlcpy(ns, local, PA_NAME_MAX) != 0 || !pa_valid_name(ns))
        return fail_at(p, tok, "%s: '%s' is not a valid namespace name", field, full);
    return 0;
}

/* {"name": "NS", "retention": {...}, "messageTTL": N, "deduplication": B,
 *  "backlogQuota": {...}, "comment": "..."} */
static int get_namespace_object(parser *p, int tok, const char *field, char *ns,
                                pa_policies *pol)
{
    int name = -1;
    char why[400];
    for (int i = tok + 1, end = arc_json_next(&p->j, tok); i < end; i = arc_json_next(&p->j, i + 1)) {
        if (arc_json_eq(&p->j, i, "name") && name < 0) {
            name = i + 1;
            continue;
        }
        if (arc_json_eq(&p->j, i, "comment"))
            continue;
        int rc = pa_policy_parse(&p->j, i, pol, why, sizeof why);
        if (rc < 0)
            return fail_at(p, i + 1, "%s.%s", field, why);
        if (rc > 0)
            return fail_at(p, i, "%s: unknown or repeated key '%.*s' (expected name, retention, "
                           "messageTTL, deduplication, backlogQuota, comment)", field,
                           p->j.tok[i].end - p->j.tok[i].start, p->j.js + p->j.tok[i].start);
    }
    if (name < 0)
        return fail_at(p, tok, "%s: needs a \"name\"", field);
    return get_namespace(p, name, field, ns);
}

/* Each "NS", "TENANT/NS", or an object with the name and its policies. */
static int get_namespaces(parser *p, int tok)
{
    if (!arc_json_is(&p->j, tok, JSMN_ARRAY))
        return fail_at(p, tok, "namespaces: must be an array of names or objects");
    char ns[PA_NAME_MAX], field[64];
    p->s->policies = calloc((size_t)p->j.tok[tok].size + 1, sizeof *p->s->policies);
    if (!p->s->policies)
        return fail_at(p, tok, "out of memory");
    int k = 0;
    for (int i = tok + 1, end = arc_json_next(&p->j, tok); i < end; i = arc_json_next(&p->j, i), k++) {
        arc_snprintf(field, sizeof field, "namespaces[%d]", k);
        int rc = arc_json_is(&p->j, i, JSMN_OBJECT)
                     ? get_namespace_object(p, i, field, ns, &p->s->policies[k])
                     : get_namespace(p, i, field, ns);
        if (rc)
            return rc;
        if (pa_strv_has(&p->s->namespaces, ns))
            return fail_at(p, i, "%s: namespace '%s' is listed twice", field, ns);
        if (pa_strv_add(&p->s->namespaces, ns) != 0)
            return fail_at(p, i, "out of memory");
    }
    return 0;
}

/* "persistent://TENANT/NS/TOPIC", "TENANT/NS/TOPIC" or "NS/TOPIC" */
static int split_topic(parser *p, int tok, const char *field, const char *full, pa_topic *t)
{
    const char *rest = full, *scheme = strstr(full, "://");
    if (scheme && strncmp(full, "persistent://", 13) != 0)
        return fail_at(p, tok, "%s: '%s': only persistent:// topics are supported", field, full);
    if (scheme)
        rest = full + 13;
    const char *a = strchr(rest, '/'), *b = a ? strchr(a + 1, '/') : NULL;
    if (!a || (scheme && !b) || (b && strchr(b + 1, '/')))
        return fail_at(p, tok, "%s: '%s' is not persistent://TENANT/NAMESPACE/TOPIC or "
                       "NAMESPACE/TOPIC", field, full);
    if (b && ((size_t)(a - rest) != strlen(p->s->tenant) ||
              strncmp(rest, p->s->tenant, (size_t)(a - rest)) != 0))
        return fail_at(p, tok, "%s: '%s' is not in tenant '%s'", field, full, p->s->tenant);
    const char *ns = b ? a + 1 : rest, *name = b ? b + 1 : a + 1;
    size_t nslen = (size_t)((b ? b : a) - ns);
    if (nslen >= PA_NAME_MAX || arc_strlcpy(t->name, name, sizeof t->name) != 0)
        return fail_at(p, tok, "%s: '%s' is too long", field, full);
    memcpy(t->ns, ns, nslen);
    t->ns[nslen] = '\0';
    if (!pa_valid_name(t->ns) || !pa_valid_name(t->name))
        return fail_at(p, tok, "%s: '%s' is not a valid topic name (letters, digits, - _ . : =)",
                       field, full);
    if (strstr(t->name, "-partition-"))
        return fail_at(p, tok, "%s: '%s': a partitioned topic name must not contain "
                       "'-partition-'", field, full);
    return 0;
}

static int topic_name(parser *p, int tok, const char *field, pa_topic *t)
{
    char full[PA_NAME_MAX * 3];
    int rc = get_string(p, tok, field, full, sizeof full);
    if (rc == 0)
        rc = split_topic(p, tok, field, full, t);
    if (rc == 0 && !pa_strv_has(&p->s->namespaces, t->ns))
        return fail_at(p, tok, "%s: namespace '%s' is not declared in \"namespaces\"", field,
                       t->ns);
    char key[PA_NAME_MAX * 2 + 2];
    arc_snprintf(key, sizeof key, "%s/%s", t->ns, t->name);
    if (rc == 0 && pa_strv_has(&p->topic_keys, key))
        return fail_at(p, tok, "%s: topic '%s/%s' is declared twice", field, t->ns, t->name);
    if (rc == 0 && pa_strv_add(&p->topic_keys, key) != 0)
        return fail_at(p, tok, "out of memory");
    return rc;
}

static int topic_partitions(parser *p, int tok, const char *field, pa_topic *t)
{
    long long v;
    if (arc_json_int(&p->j, tok, &v) != 0 || v < 1 || v > PA_MAX_PARTITIONS) {
        int n;
        const char *raw = arc_json_raw(&p->j, tok, &n);
        return fail_at(p, tok, "%s.partitions: must be an integer from 1 to %d (got %.*s)", field,
                       PA_MAX_PARTITIONS, n > 40 ? 40 : n, raw);
    }
    t->partitions = (long)v;
    return 0;
}

static int get_topic(parser *p, int tok, int k)
{
    char field[64];
    arc_snprintf(field, sizeof field, "topics[%d]", k);
    if (!arc_json_is(&p->j, tok, JSMN_OBJECT))
        return fail_at(p, tok, "%s: must be an object {\"name\": ..., \"partitions\": N}", field);
    pa_topic t = {.partitions = 0};
    int name = -1, parts = -1, rc;
    for (int i = tok + 1, end = arc_json_next(&p->j, tok); i < end; i = arc_json_next(&p->j, i + 1)) {
        if (arc_json_eq(&p->j, i, "name") && name < 0)
            name = i + 1;
        else if (arc_json_eq(&p->j, i, "partitions") && parts < 0)
            parts = i + 1;
        else if (!arc_json_eq(&p->j, i, "comment"))
            return fail_at(p, i, "%s: unknown or repeated key '%.*s' (expected name, partitions, "
                           "comment)", field, p->j.tok[i].end - p->j.tok[i].start,
                           p->j.js + p->j.tok[i].start);
    }
    if (name < 0 || parts < 0)
        return fail_at(p, tok, "%s: needs both \"name\" and \"partitions\"", field);
    if ((rc = topic_name(p, name, field, &t)) || (rc = topic_partitions(p, parts, field, &t)))
        return rc;
    p->s->topics[p->s->ntopics++] = t;
    return 0;
}

static int get_topics(parser *p, int tok)
{
    if (!arc_json_is(&p->j, tok, JSMN_ARRAY))
        return fail_at(p, tok, "topics: must be an array of objects");
    size_t n = (size_t)p->j.tok[tok].size;
    p->s->topics = calloc(n ? n : 1, sizeof *p->s->topics);
    if (!p->s->topics)
        return fail_at(p, tok, "out of memory");
    int k = 0, rc = 0;
    for (int i = tok + 1, end = arc_json_next(&p->j, tok); rc == 0 && i < end; i = arc_json_next(&p->j, i))
        rc = get_topic(p, i, k++);
    return rc;
}

enum { K_TENANT, K_ROLES, K_CLUSTERS, K_NAMESPACES, K_TOPICS, K_COMMENT, K_COUNT };
static const char *const root_keys[K_COUNT] = {"tenant",     "adminRoles", "allowedClusters",
                                               "namespaces", "topics",     "comment"};

/* Find each top-level key (any order), refusing unknown and repeated keys. */
static int index_root(parser *p, int val[K_COUNT])
{
    if (!arc_json_is(&p->j, 0, JSMN_OBJECT))
        return fail_at(p, 0, "the file must hold one JSON object");
    for (int k = 0; k < K_COUNT; k++)
        val[k] = -1;
    for (int i = 1; i < p->j.ntok; i = arc_json_next(&p->j, i + 1)) {
        int k = 0;
        while (k < K_COUNT && !arc_json_eq(&p->j, i, root_keys[k]))
            k++;
        int n = p->j.tok[i].end - p->j.tok[i].start;
        if (k == K_COUNT)
            return fail_at(p, i, "unknown key '%.*s' (expected tenant, adminRoles, "
                           "allowedClusters, namespaces, topics, comment)", n,
                           p->j.js + p->j.tok[i].start);
        if (val[k] >= 0)
            return fail_at(p, i, "key '%s' appears twice", root_keys[k]);
        val[k] = i + 1;
    }
    if (val[K_TENANT] < 0)
        return fail_at(p, 0, "missing \"tenant\"");
    return 0;
}

static int parse_root(parser *p)
{
    int v[K_COUNT], rc = index_root(p, v);
    pa_spec *s = p->s;
    if (rc || (rc = get_name(p, v[K_TENANT], "tenant", s->tenant)))
        return rc;
    if (v[K_ROLES] >= 0 && (rc = get_names(p, v[K_ROLES], "adminRoles", &s->admin_roles)))
        return rc;
    if (v[K_CLUSTERS] >= 0) {
        if ((rc = get_names(p, v[K_CLUSTERS], "allowedClusters", &s->clusters)))
            return rc;
        if (s->clusters.n == 0)
            return fail_at(p, v[K_CLUSTERS], "allowedClusters: must not be empty (leave it out "
                           "to use every cluster the broker lists)");
        s->clusters_given = true;
    }
    if (v[K_COMMENT] >= 0 && !arc_json_is(&p->j, v[K_COMMENT], JSMN_STRING))
        return fail_at(p, v[K_COMMENT], "comment: must be a string");
    if (v[K_NAMESPACES] >= 0 && (rc = get_namespaces(p, v[K_NAMESPACES])))
        return rc;
    if (v[K_TOPICS] >= 0)
        rc = get_topics(p, v[K_TOPICS]);
    return rc;
}

int pa_spec_load(const char *path, pa_spec *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    size_t len = 0;
    char jerr[256];
    char *text = arc_read_file(path, &len, err, errlen);
    if (!text)
        return ARC_EXIT_DATAERR;
    parser p = {.path = path, .s = s, .err = err, .errlen = errlen};
    int rc;
    if (arc_json_parse(&p.j, text, len, jerr, sizeof jerr) != 0) {
        arc_snprintf(err, errlen, "%s: %s", path, jerr);
        rc = ARC_EXIT_DATAERR;
    } else {
        rc = parse_root(&p);
        arc_json_free(&p.j);
    }
    pa_strv_free(&p.topic_keys);
    free(text);
    if (rc)
        pa_spec_free(s);
    return rc;
}

void pa_spec_free(pa_spec *s)
{
    pa_strv_free(&s->admin_roles);
    pa_strv_free(&s->clusters);
    pa_strv_free(&s->namespaces);
    free(s->topics);
    s->topics = NULL;
    s->ntopics = 0;
    free(s->policies);
    s->policies = NULL;
}
