/* policy.c — namespace policies, in the admin API's own terms:
 *
 *   file key        POST …/namespaces/T/NS/<suffix>   body           policies object key
 *   retention       retention                         {"retentionTimeInMinutes":N,
 *                                                      "retentionSizeInMB":N}  retention_policies
 *   messageTTL      messageTTL                        N (seconds)    message_ttl_in_seconds
 *   deduplication   deduplication                     true|false     deduplicationEnabled
 *   backlogQuota    backlogQuota?backlogQuotaType=destination_storage
 *                                                     {"limitSize":N,"limitTime":N,"policy":P}
 *                                                                    backlog_quota_map.destination_storage
 *
 * Every policy changes in place: a difference is an update, never a conflict. */
#include "pulsaradm.h"

#include <limits.h>
#include <string.h>

const char *const pa_pol_name[PA_NPOL] = {"retention", "messageTTL", "deduplication",
                                          "backlogQuota"};

static const char *const quota_policies[] = {"producer_request_hold", "producer_exception",
                                             "consumer_backlog_eviction", NULL};

static int get_int(const arc_json *j, int obj, const char *key, long long min, long long *out,
                   char *err, size_t n)
{
    int k = arc_json_get(j, obj, key);
    if (k < 0 || arc_json_int(j, k, out) != 0 || *out < min)
        return arc_errf(err, n, "\"%s\": needs an integer of at least %lld", key, min);
    return 0;
}

static int parse_retention(const arc_json *j, int v, pa_policies *p, char *err, size_t n)
{
    if (!arc_json_is(j, v, JSMN_OBJECT) || j->tok[v].size != 2)
        return arc_errf(err, n, "retention: must be {\"retentionTimeInMinutes\": N, "
                        "\"retentionSizeInMB\": N} (-1 infinite, both 0 disabled)");
    if (get_int(j, v, "retentionTimeInMinutes", -1, &p->retention_minutes, err, n) != 0 ||
        get_int(j, v, "retentionSizeInMB", -1, &p->retention_mb, err, n) != 0)
        return -1;
    if ((p->retention_minutes == 0) != (p->retention_mb == 0))
        return arc_errf(err, n, "retention: a single 0 with the other non-zero is refused by "
                        "Pulsar (both 0 = disabled, -1 = infinite)");
    return 0;
}

static int parse_quota(const arc_json *j, int v, pa_policies *p, char *err, size_t n)
{
    if (!arc_json_is(j, v, JSMN_OBJECT) || j->tok[v].size != 3)
        return arc_errf(err, n, "backlogQuota: must be {\"limitSize\": BYTES, \"limitTime\": SEC, "
                        "\"policy\": \"producer_request_hold\"} (-1: no limit)");
    if (get_int(j, v, "limitSize", -1, &p->quota_size, err, n) != 0 ||
        get_int(j, v, "limitTime", -1, &p->quota_time, err, n) != 0)
        return -1;
    int k = arc_json_get(j, v, "policy");
    if (k < 0 || arc_json_str(j, k, p->quota_policy, sizeof p->quota_policy) != 0)
        return arc_errf(err, n, "backlogQuota: \"policy\" must be a string");
    for (int i = 0; quota_policies[i]; i++)
        if (strcmp(p->quota_policy, quota_policies[i]) == 0)
            return 0;
    return arc_errf(err, n, "backlogQuota: \"policy\" '%s' is not one of producer_request_hold, "
                    "producer_exception, consumer_backlog_eviction", p->quota_policy);
}

int pa_policy_parse(const arc_json *j, int k, pa_policies *p, char *err, size_t n)
{
    int kind = 0, v = k + 1;
    while (kind < PA_NPOL && !arc_json_eq(j, k, pa_pol_name[kind]))
        kind++;
    if (kind == PA_NPOL)
        return 1;
    if (p->set[kind])
        return arc_errf(err, n, "%s: given twice", pa_pol_name[kind]);
    p->set[kind] = true;
    switch ((pa_pol_kind)kind) {
    case PA_POL_RETENTION: return parse_retention(j, v, p, err, n);
    case PA_POL_QUOTA: return parse_quota(j, v, p, err, n);
    case PA_POL_DEDUP:
        return arc_json_bool(j, v, &p->dedup) == 0
                   ? 0 : arc_errf(err, n, "deduplication: must be true or false");
    default:
        if (arc_json_int(j, v, &p->ttl_seconds) != 0 || p->ttl_seconds < 0 ||
            p->ttl_seconds > INT_MAX)
            return arc_errf(err, n, "messageTTL: must be seconds from 0 to %d (0: none)",
                            INT_MAX);
        return 0;
    }
}

void pa_policies_from_server(const arc_json *j, int obj, pa_policies *have)
{
    memset(have, 0, sizeof *have);
    char e[8];
    int r = arc_json_get(j, obj, "retention_policies");
    if (arc_json_is(j, r, JSMN_OBJECT))
        have->set[PA_POL_RETENTION] =
            get_int(j, r, "retentionTimeInMinutes", LLONG_MIN, &have->retention_minutes, e,
                    sizeof e) == 0 &&
            get_int(j, r, "retentionSizeInMB", LLONG_MIN, &have->retention_mb, e, sizeof e) == 0;
    have->set[PA_POL_TTL] =
        arc_json_int(j, arc_json_get(j, obj, "message_ttl_in_seconds"), &have->ttl_seconds) == 0;
    have->set[PA_POL_DEDUP] =
        arc_json_bool(j, arc_json_get(j, obj, "deduplicationEnabled"), &have->dedup) == 0;
    int m = arc_json_get(j, obj, "backlog_quota_map");
    int q = arc_json_is(j, m, JSMN_OBJECT) ? arc_json_get(j, m, "destination_storage") : -1;
    if (arc_json_is(j, q, JSMN_OBJECT)) {
        have->set[PA_POL_QUOTA] =
            get_int(j, q, "limitSize", LLONG_MIN, &have->quota_size, e, sizeof e) == 0 &&
            arc_json_str(j, arc_json_get(j, q, "policy"), have->quota_policy,
                         sizeof have->quota_policy) == 0;
        if (get_int(j, q, "limitTime", LLONG_MIN, &have->quota_time, e, sizeof e) != 0)
            have->quota_time = -1;
    }
}

static void value_text(const pa_policies *p, pa_pol_kind kind, char *out, size_t n)
{
    if (!p->set[kind])
        arc_strlcpy(out, "(not set)", n);
    else if (kind == PA_POL_RETENTION)
        arc_snprintf(out, n, "%lld min, %lld MB", p->retention_minutes, p->retention_mb);
    else if (kind == PA_POL_TTL)
        arc_snprintf(out, n, "%lld s", p->ttl_seconds);
    else if (kind == PA_POL_DEDUP)
        arc_strlcpy(out, p->dedup ? "true" : "false", n);
    else
        arc_snprintf(out, n, "%lld bytes, %lld s, %s", p->quota_size, p->quota_time,
                     p->quota_policy);
}

static bool same(const pa_policies *a, const pa_policies *b, pa_pol_kind kind)
{
    if (a->set[kind] != b->set[kind])
        return false;
    switch (kind) {
    case PA_POL_RETENTION:
        return a->retention_minutes == b->retention_minutes && a->retention_mb == b->retention_mb;
    case PA_POL_TTL: return a->ttl_seconds == b->ttl_seconds;
    case PA_POL_DEDUP: return a->dedup == b->dedup;
    default:
        return a->quota_size == b->quota_size && a->quota_time == b->quota_time &&
               strcmp(a->quota_policy, b->quota_policy) == 0;
    }
}

bool pa_policy_differs(const pa_policies *want, const pa_policies *have, pa_pol_kind kind,
                       char *text, size_t n)
{
    char from[160], to[160];
    value_text(have, kind, from, sizeof from);
    value_text(want, kind, to, sizeof to);
    bool differs = !same(want, have, kind);
    if (differs)
        arc_snprintf(text, n, "%s -> %s", from, to);
    else
        arc_strlcpy(text, to, n);
    return differs;
}

void pa_policy_request(const pa_policies *want, pa_pol_kind kind, char *suffix, size_t n,
                       arc_buf *body)
{
    arc_buf_reset(body);
    arc_strlcpy(suffix, pa_pol_name[kind], n);
    if (kind == PA_POL_RETENTION)
        arc_buf_printf(body, "{\"retentionTimeInMinutes\":%lld,\"retentionSizeInMB\":%lld}",
                       want->retention_minutes, want->retention_mb);
    else if (kind == PA_POL_TTL)
        arc_buf_printf(body, "%lld", want->ttl_seconds);
    else if (kind == PA_POL_DEDUP)
        arc_buf_puts(body, want->dedup ? "true" : "false");
    else {
        arc_snprintf(suffix, n, "%s?backlogQuotaType=destination_storage", pa_pol_name[kind]);
        arc_buf_printf(body, "{\"limitSize\":%lld,\"limitTime\":%lld,\"policy\":",
                       want->quota_size, want->quota_time);
        arc_buf_json_str(body, want->quota_policy);
        arc_buf_puts(body, "}");
    }
}
