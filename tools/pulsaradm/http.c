/* http.c — the admin REST client: one libcurl easy handle for the whole run,
 * so every request reuses one keep-alive TCP connection. */
#include "pulsaradm.h"

#include "arc_curl.h"

#include <stdlib.h>
#include <string.h>


struct pa_http {
    CURL *curl;
    struct curl_slist *get_hdrs;  /* Accept (+ Authorization) */
    struct curl_slist *body_hdrs; /* + Content-Type: application/json */
    char base[1024];
    char errbuf[CURL_ERROR_SIZE];
    long connections;
    bool follow;
};

void pa_reply_init(pa_reply *r)
{
    r->status = 0;
    arc_buf_init(&r->body);
    r->ctype[0] = '\0';
    r->err[0] = '\0';
}

void pa_reply_free(pa_reply *r)
{
    arc_buf_free(&r->body);
    pa_reply_init(r);
}

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
    arc_buf *b = ud;
    size_t n = size * nmemb;
    if (b->len + n > PA_REPLY_MAX)
        return 0; /* curl reports CURLE_WRITE_ERROR */
    arc_buf_add(b, p, n);
    return b->oom ? 0 : n;
}

/* Wipe the token out of a header list before handing it back. */
static void free_headers(struct curl_slist *l)
{
    for (struct curl_slist *p = l; p; p = p->next)
        arc_wipe(p->data, strlen(p->data));
    curl_slist_free_all(l);
}

/* Append one line (line NULL: out of memory); on failure the whole list is
 * freed and NULL returned, so no half-built list leaks. */
static struct curl_slist *add_line(struct curl_slist *l, const char *line)
{
    struct curl_slist *next = line ? curl_slist_append(l, line) : NULL;
    if (!next)
        free_headers(l);
    return next;
}

/* Build one header list; the Authorization line holds the token. */
static struct curl_slist *headers(const char *token, bool with_body)
{
    struct curl_slist *l = add_line(NULL, "Accept: application/json");
    if (l && with_body)
        l = add_line(l, "Content-Type: application/json");
    if (l && with_body)
        l = add_line(l, "Expect:");
    if (l && token) {
        arc_buf auth;
        arc_buf_init(&auth);
        arc_buf_printf(&auth, "Authorization: Bearer %s", token);
        l = add_line(l, auth.oom ? NULL : auth.s);
        arc_wipe(auth.s, auth.len);
        arc_buf_free(&auth);
    }
    return l;
}

pa_http *pa_http_open(const char *base, const char *token, const char *user,
                      const char *pass, bool follow, char *err, size_t errlen)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        arc_strlcpy(err, "libcurl initialisation failed", errlen);
        return NULL;
    }
    pa_http *h = calloc(1, sizeof *h);
    if (!h || arc_strlcpy(h->base, base, sizeof h->base) != 0 ||
        !(h->curl = curl_easy_init()) || !(h->get_hdrs = headers(token, false)) ||
        !(h->body_hdrs = headers(token, true))) {
        arc_strlcpy(err, h ? "cannot set up the HTTP client" : "out of memory", errlen);
        pa_http_close(h);
        return NULL;
    }
    CURL *c = h->curl;
    arc_curl_setup(c, PA_PROG, h->errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    arc_curl_cap(c, PA_REPLY_MAX);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    if (user) { /* from the URL's user info, by position */
        curl_easy_setopt(c, CURLOPT_USERNAME, user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, pass ? pass : "");
    }
    h->follow = follow;
    return h;
}

void pa_http_close(pa_http *h)
{
    if (!h)
        return;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    free_headers(h->get_hdrs);
    free_headers(h->body_hdrs);
    free(h);
    curl_global_cleanup();
}

long pa_http_connections(const pa_http *h)
{
    return h->connections;
}

/* Method, body and headers for this request; everything else stays set. */
static void set_request(pa_http *h, const char *method, const char *body)
{
    CURL *c = h->curl;
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, strcmp(method, "POST") ? method : NULL);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->body_hdrs);
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, strcmp(method, "GET") ? method : NULL);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->get_hdrs);
    }
}

/* A transport failure as a short phrase (no URL, no secret). */
static void transport_error(const pa_http *h, CURLcode rc, long timeout_ms, pa_reply *r)
{
    if (rc == CURLE_OPERATION_TIMEDOUT)
        arc_snprintf(r->err, sizeof r->err, "no reply within %.1f s (timeout)",
                     (double)timeout_ms / 1000.0);
    else if (arc_curl_too_large(rc)) /* over PA_REPLY_MAX */
        arc_snprintf(r->err, sizeof r->err, "reply too large (over %u MiB)", PA_REPLY_MAX >> 20);
    else
        arc_curl_error(h->curl, rc, h->errbuf, r->err, sizeof r->err);
}

/* One request of url; 1 when a redirect is to be followed (next set). */
static int request(pa_http *h, const char *method, const char *url, const char *body,
                   const arc_deadline *dl, pa_reply *r, char next[static 2048])
{
    pa_reply_free(r);
    long left = arc_deadline_left_ms(dl);
    if (left <= 0)
        return arc_errf(r->err, sizeof r->err, "timed out (--timeout reached)");
    CURL *c = h->curl;
    h->errbuf[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    arc_curl_timeout(c, left);
    set_request(h, method, body);
    CURLcode rc = curl_easy_perform(c);
    long conns = 0;
    if (curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns) == CURLE_OK)
        h->connections += conns;
    if (!r->body.s)
        arc_buf_add(&r->body, "", 0);
    if (rc != CURLE_OK) {
        transport_error(h, rc, left, r);
        return -1;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    char *ct = NULL;
    if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
        arc_strlcpy(r->ctype, ct, sizeof r->ctype);
    int redir = arc_curl_redirect(c, url, h->follow, next, 2048, r->err, sizeof r->err);
    return redir == ARC_REDIRECT_REFUSED ? -1 : redir == ARC_REDIRECT_FOLLOW;
}

int pa_http_do(pa_http *h, const char *method, const char *path, const char *body,
               const arc_deadline *dl, pa_reply *r)
{
    char url[2048], next[2048];
    if (arc_snprintf(url, sizeof url, "%s%s", h->base, path) != 0)
        return arc_errf(r->err, sizeof r->err, "URL too long");
    int rc = 1;
    for (int hop = 0; rc == 1 && hop <= PA_MAX_REDIRECTS; hop++) {
        rc = request(h, method, url, body, dl, r, next);
        if (rc == 1)
            arc_strlcpy(url, next, sizeof url);
    }
    if (rc == 1)
        rc = arc_errf(r->err, sizeof r->err, "more than %d redirects", PA_MAX_REDIRECTS);
    return rc;
}

int pa_base_url(const char *url, arc_url *parsed, char *base, size_t bn, char *target,
                size_t tn, char *err, size_t errlen)
{
    if (arc_url_parse(url, parsed, err, errlen) != 0)
        return -1;
    if (strcmp(parsed->scheme, "http") != 0 && strcmp(parsed->scheme, "https") != 0)
        return arc_errf(err, errlen, "scheme must be http or https");
    if (strpbrk(parsed->path, "?#"))
        return arc_errf(err, errlen, "no query or fragment allowed");
    arc_url_hostport(parsed, target, tn);
    /* the base without user info: user and password go to libcurl apart */
    if (arc_snprintf(base, bn, "%s://%s%s", parsed->scheme, target, parsed->path) != 0)
        return arc_errf(err, errlen, "URL too long");
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        base[--n] = '\0';
    return 0;
}
