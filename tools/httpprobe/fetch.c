/*
 * fetch.c — one GET with libcurl, bounded by a deadline. Redirects are
 * reported, not followed (a health endpoint that redirects is answering
 * something else); --follow-redirects follows them on the same scheme, host
 * and port only. Proxy variables are ignored (a health check talks to the
 * service itself), only http and https are allowed, and a body over
 * HP_BODY_MAX bytes stops the transfer as "reply too large".
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

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    hp_reply *r = userp;
    size_t n = size * nmemb;
    if (r->body.len + n > HP_BODY_MAX)
        return 0; /* CURLE_WRITE_ERROR: too large */
    arc_buf_add(&r->body, data, n);
    return r->body.oom ? 0 : n;
}

static void setup(CURL *h, const hp_options *o, long ms, hp_reply *r, char *errbuf)
{
    arc_curl_setup(h, HP_PROG, errbuf);
    arc_curl_timeout(h, ms);
    arc_curl_cap(h, HP_BODY_MAX);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    if (o->has_user) { /* by position in the URL, never parsed again by curl */
        curl_easy_setopt(h, CURLOPT_USERNAME, o->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, o->pass);
    }
}

static int timed_out(const arc_deadline *dl, hp_reply *r)
{
    return arc_errf(r->err, sizeof r->err, "no reply within %.1fs (timed out)",
                    dl->end - dl->start);
}

/* One request of url; 1 when a redirect is to be followed (next set). */
static int get_once(CURL *h, const hp_options *o, const char *url, const arc_deadline *dl,
                    hp_reply *r, char *errbuf, char next[static 1024])
{
    arc_buf_reset(&r->body);
    curl_easy_setopt(h, CURLOPT_URL, url);
    arc_curl_timeout(h, arc_deadline_left_ms(dl));
    errbuf[0] = '\0';
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OPERATION_TIMEDOUT || (rc == CURLE_OK && arc_deadline_expired(dl)))
        return timed_out(dl, r);
    if (arc_curl_too_large(rc))
        return arc_errf(r->err, sizeof r->err, "reply too large (over %u KiB)", HP_BODY_MAX / 1024);
    if (rc != CURLE_OK) {
        arc_curl_error(h, rc, errbuf, r->err, sizeof r->err);
        return -1;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    int redir = arc_curl_redirect(h, url, o->follow, next, 1024, r->err, sizeof r->err);
    return redir == ARC_REDIRECT_REFUSED ? -1 : redir == ARC_REDIRECT_FOLLOW;
}

int hp_fetch(const hp_options *o, const arc_deadline *dl, hp_reply *r)
{
    if (arc_deadline_left_ms(dl) <= 0)
        return timed_out(dl, r);
    CURL *h = curl_easy_init();
    if (!h)
        return arc_errf(r->err, sizeof r->err, "cannot start libcurl");
    char errbuf[CURL_ERROR_SIZE] = "", url[1024], next[1024];
    setup(h, o, arc_deadline_left_ms(dl), r, errbuf);
    arc_strlcpy(url, o->request, sizeof url);
    int rc = 1;
    for (int hop = 0; rc == 1 && hop <= HP_MAX_REDIRECTS; hop++) {
        rc = get_once(h, o, url, dl, r, errbuf, next);
        if (rc == 1)
            arc_strlcpy(url, next, sizeof url);
    }
    if (rc == 1)
        rc = arc_errf(r->err, sizeof r->err, "more than %d redirects", HP_MAX_REDIRECTS);
    curl_easy_cleanup(h);
    return rc;
}
