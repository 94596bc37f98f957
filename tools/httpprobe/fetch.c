/*
 * fetch.c — one GET with libcurl, bounded by a deadline. Redirects are not
 * followed (a health endpoint that redirects is answering something else),
 * proxy variables are ignored (a health check talks to the service itself),
 * and only http and https are allowed.
 */
#include "httpprobe.h"

#include "arc_curl.h"

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
    arc_curl_setup(h, HP_PROG, errbuf);
    arc_curl_timeout(h, ms);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
}

static int timed_out(const arc_deadline *dl, hp_reply *r)
{
    return arc_errf(r->err, sizeof r->err, "no reply within %.1fs (timed out)",
                    dl->end - dl->start);
}

int hp_fetch(const char *url, const arc_deadline *dl, hp_reply *r)
{
    long ms = arc_deadline_left_ms(dl);
    if (ms <= 0)
        return timed_out(dl, r);
    CURL *h = curl_easy_init();
    if (!h)
        return arc_errf(r->err, sizeof r->err, "cannot start libcurl");
    char errbuf[CURL_ERROR_SIZE] = "";
    setup(h, url, ms, r, errbuf);
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        timed_out(dl, r);
    else
        arc_curl_error(h, rc, errbuf, r->err, sizeof r->err);
    curl_easy_cleanup(h);
    return rc == CURLE_OK ? 0 : -1;
}
