/* otlp.c — OTLP/HTTP with the JSON encoding: POST to
 * $OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces (libcurl), bounded by a timeout, on
 * the outbox's thread only; the reply is read at most 64 KiB and discarded. */
#include "cortex.h"

#include <curl/curl.h>
#include <string.h>

static char traces_url[600];

void cx_otlp_configure(const cx_config *c)
{
    arc_snprintf(traces_url, sizeof traces_url, "%s/v1/traces", c->otlp_endpoint);
}

static size_t discard(char *p, size_t sz, size_t n, void *ud)
{
    size_t *seen = ud;
    (void)p;
    *seen += sz * n;
    return *seen > (64u << 10) ? 0 : sz * n;
}

void cx_otlp_send(const char *body, double timeout)
{
    CURL *h = curl_easy_init();
    if (!h) {
        cx_metric_export(false);
        return;
    }
    size_t seen = 0;
    struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
    long ms = (long)(timeout * 1000);
    curl_easy_setopt(h, CURLOPT_URL, traces_url);
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
    cx_metric_export(rc == CURLE_OK && status >= 200 && status < 300);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
}
