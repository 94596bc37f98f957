/*
 * fetch.c — one GET with libcurl, bounded by a deadline. Redirects are not
 * followed (a health endpoint that redirects is answering something else),
 * proxy variables are ignored (a health check talks to the service itself),
 * and only http and https are allowed.
 */
#include "httpprobe.h"

#include <curl/curl.h>
#include <string.h>

void hp_reply_init(hp_reply *r)
{
    r->status = 0;
    arc_buf_init(&r->body);
    r->err[0] = '\0';
}

void hp_reply_free(hp_reply *r)
{
    arc_buf_free(&r->body);
}

/* Keep the first HP_BODY_MAX bytes; read (and drop) the rest. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    hp_reply *r = userp;
    size_t n = size * nmemb;
    if (r->body.len < HP_BODY_MAX) {
        size_t room = HP_BODY_MAX - r->body.len;
        arc_buf_add(&r->body, data, n < room ? n : room);
    }
    return n;
}

static void setup(CURL *h, const char *url, long ms, hp_reply *r, char *errbuf)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, HP_PROG "/" ARC_VERSION);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
}

/* A transport failure as one short line ("cannot connect: Connection refused"). */
static void describe(CURLcode rc, long os_errno, const char *errbuf, const arc_deadline *dl,
                     hp_reply *r)
{
    if (rc == CURLE_OPERATION_TIMEDOUT)
        arc_snprintf(r->err, sizeof r->err, "no reply within %.1fs (timed out)",
                     dl->end - dl->start);
    else if (rc == CURLE_COULDNT_CONNECT && os_errno)
        arc_snprintf(r->err, sizeof r->err, "cannot connect: %s", strerror((int)os_errno));
    else
        arc_snprintf(r->err, sizeof r->err, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

int hp_fetch(const char *url, const arc_deadline *dl, hp_reply *r)
{
    long ms = arc_deadline_left_ms(dl);
    if (ms <= 0) {
        describe(CURLE_OPERATION_TIMEDOUT, 0, "", dl, r);
        return -1;
    }
    CURL *h = curl_easy_init();
    if (!h) {
        arc_strlcpy(r->err, "cannot start libcurl", sizeof r->err);
        return -1;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    setup(h, url, ms, r, errbuf);
    CURLcode rc = curl_easy_perform(h);
    long os_errno = 0;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    } else {
        curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
        describe(rc, os_errno, errbuf, dl, r);
    }
    curl_easy_cleanup(h);
    return rc == CURLE_OK ? 0 : -1;
}
