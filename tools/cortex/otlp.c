/* otlp.c — OTLP/HTTP with the JSON encoding. The resource (service.name from
 * OTEL_SERVICE_NAME, default arc-cortex, plus OTEL_RESOURCE_ATTRIBUTES k=v,k=v
 * percent-decoded) is built once; spans are encoded as one
 * ExportTraceServiceRequest and queued on the outbox; its thread POSTs them to
 * $OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces (libcurl) within ARC_CORTEX_OTLP_TIMEOUT,
 * reading at most 64 KiB of the reply. The metrics (metrics.c encodes them) go the
 * same way as one ExportMetricsServiceRequest to .../v1/metrics.
 * OTEL_SDK_DISABLED=true: nothing is built. */
#include "cortex.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#define RESOURCE_MAX 4096

static char traces_url[600], metrics_url[600];
static char resource[RESOURCE_MAX]; /* the "attributes" array's elements */
static bool enabled;

/* ---- attributes (KeyValue) ----------------------------------------------------------- */
static void attr_key(arc_buf *a, const char *key)
{
    arc_buf_puts(a, a->len ? ",{\"key\":" : "{\"key\":");
    arc_buf_json_str(a, key);
}

void cx_attr_str(arc_buf *a, const char *key, const char *val)
{
    attr_key(a, key);
    arc_buf_puts(a, ",\"value\":{\"stringValue\":");
    arc_buf_json_str(a, val);
    arc_buf_puts(a, "}}");
}

void cx_attr_int(arc_buf *a, const char *key, long long val)
{
    attr_key(a, key);
    arc_buf_printf(a, ",\"value\":{\"intValue\":\"%lld\"}}", val); /* int64: a string */
}

void cx_attr_double(arc_buf *a, const char *key, double val)
{
    attr_key(a, key);
    arc_buf_printf(a, ",\"value\":{\"doubleValue\":%.6f}}", val);
}

/* ---- the resource ----------------------------------------------------------------------- */
static int hexval(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* s[0..n) trimmed of blanks and percent-decoded into out (a bad %XX stays as is). */
static void decode(const char *s, size_t n, char *out, size_t cap)
{
    while (n > 0 && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        int hi = i + 2 < n && s[i] == '%' ? hexval(s[i + 1]) : -1;
        int lo = hi >= 0 ? hexval(s[i + 2]) : -1;
        if (lo >= 0) {
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
}

/* OTEL_RESOURCE_ATTRIBUTES: k=v pairs split on ','; an entry without '=' or with an
 * empty key is ignored; OTEL_SERVICE_NAME, when set, beats a service.name here. */
static void resource_attrs(const cx_config *c, arc_buf *a, char *service, size_t n)
{
    for (const char *p = c->resource_attrs; p && *p;) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        char key[256], val[1024];
        if (eq) {
            decode(p, (size_t)(eq - p), key, sizeof key);
            decode(eq + 1, len - (size_t)(eq - p) - 1, val, sizeof val);
            if (strcmp(key, "service.name") == 0 && !c->service_name_given)
                arc_strlcpy(service, val, n);
            else if (key[0] && strcmp(key, "service.name") != 0)
                cx_attr_str(a, key, val);
        }
        p += len + (p[len] == ',');
    }
}

void cx_otlp_configure(const cx_config *c)
{
    arc_snprintf(traces_url, sizeof traces_url, "%s/v1/traces", c->otlp_endpoint);
    arc_snprintf(metrics_url, sizeof metrics_url, "%s/v1/metrics", c->otlp_endpoint);
    cx_metrics_epoch();
    enabled = !c->otel_disabled;
    char service[256];
    arc_strlcpy(service, c->service_name, sizeof service);
    arc_buf rest, all;
    arc_buf_init(&rest);
    arc_buf_init(&all);
    resource_attrs(c, &rest, service, sizeof service);
    cx_attr_str(&all, "service.name", service);
    cx_attr_str(&all, "service.version", ARC_VERSION);
    if (rest.len)
        arc_buf_printf(&all, ",%s", arc_buf_str(&rest));
    if (all.oom || arc_strlcpy(resource, arc_buf_str(&all), sizeof resource) != 0) {
        fprintf(stderr, "%s: OTEL_RESOURCE_ATTRIBUTES over %d bytes: ignored\n", CX_PROG,
                RESOURCE_MAX);
        arc_buf_reset(&all);
        cx_attr_str(&all, "service.name", service);
        arc_strlcpy(resource, arc_buf_str(&all), sizeof resource);
    }
    arc_buf_free(&rest);
    arc_buf_free(&all);
}

bool cx_otlp_enabled(void)
{
    return enabled;
}

/* ---- spans ------------------------------------------------------------------------------ */
static unsigned long long nanos(double unix_s)
{
    return unix_s > 0 ? (unsigned long long)(unix_s * 1e9) : 0;
}

static void span_json(const cx_span *s, arc_buf *o)
{
    unsigned long long start = nanos(s->start), end = nanos(s->end);
    arc_buf_printf(o, "{\"traceId\":\"%s\",\"spanId\":\"%s\",", s->trace_id, s->span_id);
    if (s->parent_id[0])
        arc_buf_printf(o, "\"parentSpanId\":\"%s\",", s->parent_id);
    arc_buf_puts(o, "\"name\":");
    arc_buf_json_str(o, s->name);
    arc_buf_printf(o, ",\"kind\":%d,\"startTimeUnixNano\":\"%llu\",\"endTimeUnixNano\":\"%llu\","
                   "\"attributes\":[%s],\"events\":[%s],\"status\":{\"code\":%d",
                   s->kind, start, end < start ? start : end, arc_buf_str(&s->attrs),
                   arc_buf_str(&s->events), s->status);
    if (s->status_msg[0]) {
        arc_buf_puts(o, ",\"message\":");
        arc_buf_json_str(o, s->status_msg);
    }
    arc_buf_puts(o, "}}");
}

void cx_otlp_export(const cx_span *spans, int n)
{
    if (!enabled || n <= 0)
        return;
    arc_buf o;
    arc_buf_init(&o);
    arc_buf_printf(&o, "{\"resourceSpans\":[{\"resource\":{\"attributes\":[%s]},"
                   "\"scopeSpans\":[{\"scope\":{\"name\":\"arc-cortex\",\"version\":\"%s\"},"
                   "\"spans\":[", resource, ARC_VERSION);
    for (int i = 0; i < n; i++) {
        arc_buf_puts(&o, i ? "," : "");
        span_json(&spans[i], &o);
    }
    arc_buf_puts(&o, "]}]}]}");
    char *body = o.oom ? NULL : strdup(arc_buf_str(&o));
    arc_buf_free(&o);
    if (body)
        cx_outbox_push(CX_OUT_OTLP, NULL, body);
    else
        cx_metric_drop(CX_OUT_OTLP);
}

/* ---- metrics ------------------------------------------------------------------------------ */
void cx_otlp_export_metrics(void)
{
    if (!enabled)
        return;
    arc_buf o;
    arc_buf_init(&o);
    arc_buf_printf(&o, "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[%s]},"
                   "\"scopeMetrics\":[{\"scope\":{\"name\":\"arc-cortex\",\"version\":\"%s\"},"
                   "\"metrics\":[", resource, ARC_VERSION);
    cx_metrics_otlp(&o);
    arc_buf_puts(&o, "]}]}]}");
    char *body = o.oom ? NULL : strdup(arc_buf_str(&o));
    arc_buf_free(&o);
    if (body)
        cx_outbox_push(CX_OUT_OTLP, "metrics", body);
    else
        cx_metric_drop(CX_OUT_OTLP);
}

/* ---- the POST ----------------------------------------------------------------------------- */
static size_t discard(char *p, size_t sz, size_t n, void *ud)
{
    size_t *seen = ud;
    (void)p;
    *seen += sz * n;
    return *seen > (64u << 10) ? 0 : sz * n;
}

bool cx_otlp_send(bool metrics, const char *body, double timeout)
{
    const char *url = metrics ? metrics_url : traces_url;
    CURL *h = curl_easy_init();
    if (!h) {
        cx_metric_export(false);
        return false;
    }
    size_t seen = 0;
    struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
    long ms = (long)(timeout * 1000);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &seen);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    bool ok = rc == CURLE_OK && status >= 200 && status < 300;
    cx_metric_export(ok);
    static bool told; /* the outbox thread only: the first failure is told, all are counted */
    if (!ok && !told && (told = true))
        fprintf(stderr, "%s: OTLP export to %s failed: %s (HTTP %ld); failures are "
                "counted in /metrics\n", CX_PROG, url,
                rc == CURLE_OK ? "refused" : curl_easy_strerror(rc), status);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    return ok;
}
