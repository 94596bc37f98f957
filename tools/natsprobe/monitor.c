/* monitor.c — the monitoring port over HTTP (libcurl), and `health`. */
#include "natsprobe.h"

#include "arc_curl.h"

#include <string.h>

#define NP_HTTP_MAX ARC_REPLY_MAX /* a larger body is "reply too large" */

void np_http_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void np_http_cleanup(void)
{
    curl_global_cleanup();
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    arc_buf *b = ud;
    size_t k = size * n;
    if (b->len + k > NP_HTTP_MAX)
        return 0;
    arc_buf_add(b, p, k);
    return b->oom ? 0 : k;
}

static void set_options(CURL *h, const char *url, const arc_deadline *dl, arc_buf *body,
                        char *errbuf)
{
    arc_curl_setup(h, "natsprobe", errbuf);
    arc_curl_timeout(h, (long)np_ms_left(dl));
    curl_easy_setopt(h, CURLOPT_URL, url);
    arc_curl_cap(h, NP_HTTP_MAX);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
}

int np_http_get(const np_target *t, const char *path, const arc_deadline *dl, long *status,
                arc_buf *body, char *why, size_t whylen)
{
    char url[1024], errbuf[CURL_ERROR_SIZE] = "";
    arc_snprintf(url, sizeof url, "%s%s", t->mon_url, path);
    *status = 0;
    arc_buf_reset(body);
    CURL *h = curl_easy_init();
    if (!h) {
        arc_snprintf(why, whylen, "cannot initialise libcurl");
        return ARC_EXIT_FAIL;
    }
    set_options(h, url, dl, body, errbuf);
    CURLcode cc = curl_easy_perform(h);
    char failure[512] = "";
    if (cc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    else if (arc_curl_too_large(cc))
        arc_snprintf(failure, sizeof failure, "reply too large (over %d KiB)", NP_HTTP_MAX / 1024);
    else if (cc == CURLE_OPERATION_TIMEDOUT)
        arc_snprintf(failure, sizeof failure, "no answer within %.1fs", arc_now() - dl->start);
    else
        arc_curl_error(h, cc, errbuf, failure, sizeof failure);
    curl_easy_cleanup(h);
    if (cc != CURLE_OK)
        arc_snprintf(why, whylen, "GET %s: %s", path, failure);
    return cc == CURLE_OK ? ARC_EXIT_OK : ARC_EXIT_FAIL;
}

void np_health_words(const arc_buf *body, char *status, size_t slen, char *error,
                     size_t elen)
{
    arc_json j;
    char err[128];
    status[0] = error[0] = '\0';
    if (arc_json_parse(&j, arc_buf_str(body), body->len, err, sizeof err) == 0) {
        arc_json_str(&j, arc_json_get(&j, 0, "status"), status, slen);
        arc_json_str(&j, arc_json_get(&j, 0, "error"), error, elen);
        arc_json_free(&j);
    }
    if (!status[0])
        arc_snprintf(error, elen, "unexpected body '%.60s'", arc_buf_str(body));
}

/* health: /healthz with the JetStream check, 200 {"status":"ok"} only. */
int np_health(void *ctx, const arc_deadline *dl, char *why, size_t whylen)
{
    np_run *r = ctx;
    const char *path = "/healthz?js-enabled-only=true";
    long code = 0;
    arc_buf body;
    arc_buf_init(&body);
    arc_buf_reset(&r->extra);
    int rc = np_http_get(r->t, path, dl, &code, &body, why, whylen);
    if (rc == ARC_EXIT_OK) {
        char status[64], error[512];
        np_health_words(&body, status, sizeof status, error, sizeof error);
        rc = code == 200 && strcmp(status, "ok") == 0 ? ARC_EXIT_OK : ARC_EXIT_FAIL;
        if (rc == ARC_EXIT_OK)
            arc_snprintf(why, whylen, "/healthz: status ok");
        else
            arc_snprintf(why, whylen, "/healthz: HTTP %ld, status %s%s%s", code,
                         status[0] ? status : "?", error[0] ? ": " : "", error);
        arc_buf_printf(&r->extra, ",\"http_status\":%ld,\"health_status\":", code);
        arc_buf_json_str(&r->extra, status);
    }
    arc_buf_free(&body);
    return rc;
}
