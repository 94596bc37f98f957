/*
 * arc_curl.h — what the probes that speak HTTP through libcurl (httpprobe,
 * natsprobe's monitoring port, pulsaradm) set up alike, and how they word a
 * failed transfer. Header only: the core itself links no libcurl, so only
 * the probes that include this file need it.
 */
#ifndef ARC_CURL_H
#define ARC_CURL_H

#include "arc.h"

#include <curl/curl.h>
#include <string.h>
#include <strings.h>

/* Every handle: no signals (the deadline is ours), curl's message in errbuf
 * (CURL_ERROR_SIZE bytes), "prog/version" as the User-Agent, http and https
 * only, and no redirect followed by libcurl (arc_curl_redirect decides). */
static inline void arc_curl_setup(CURL *h, const char *prog, char *errbuf)
{
    char agent[64];
    arc_snprintf(agent, sizeof agent, "%s/%s", prog, ARC_VERSION);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, agent); /* libcurl keeps a copy */
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
}

/* Bound the connect and the whole transfer by ms (at least 1: libcurl reads
 * 0 as "no timeout"). */
static inline void arc_curl_timeout(CURL *h, long ms)
{
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms > 0 ? ms : 1L);
}

/* A failed transfer as a short phrase without the URL ("cannot connect:
 * Connection refused", "Could not resolve host: db"). Call it before
 * curl_easy_cleanup(h). Timeouts are not worded here: each probe names its
 * own deadline. */
static inline void arc_curl_error(CURL *h, CURLcode rc, const char *errbuf, char *out,
                                  size_t n)
{
    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    long os = 0; /* errno of connect(): "Connection refused" says it best */
    if (rc == CURLE_COULDNT_CONNECT) {
        curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os);
        arc_snprintf(out, n, "cannot connect: %s", os ? strerror((int)os) : detail);
    } else if (rc == CURLE_GOT_NOTHING) {
        arc_strlcpy(out, "the server closed the connection without a reply", n);
    } else {
        arc_snprintf(out, n, "%s", detail);
    }
}

/* A body over max bytes is refused: by its Content-Length before it is
 * read, else by the write callback (which returns 0 past max: curl then
 * reports CURLE_WRITE_ERROR). */
static inline void arc_curl_cap(CURL *h, size_t max)
{
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
}

/* Did the transfer stop because the reply was over the cap? */
static inline bool arc_curl_too_large(CURLcode rc)
{
    return rc == CURLE_FILESIZE_EXCEEDED || rc == CURLE_WRITE_ERROR;
}

/* Same scheme, host and port (default ports made explicit)? */
static inline bool arc_curl_same_origin(const char *a, const char *b)
{
    static const CURLUPart parts[] = {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT};
    CURLU *ua = curl_url(), *ub = curl_url();
    bool same = ua && ub && curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
                curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK;
    for (size_t i = 0; same && i < sizeof parts / sizeof parts[0]; i++) {
        char *x = NULL, *y = NULL;
        same = curl_url_get(ua, parts[i], &x, CURLU_DEFAULT_PORT) == CURLUE_OK &&
               curl_url_get(ub, parts[i], &y, CURLU_DEFAULT_PORT) == CURLUE_OK &&
               strcasecmp(x, y) == 0;
        curl_free(x);
        curl_free(y);
    }
    curl_url_cleanup(ua);
    curl_url_cleanup(ub);
    return same;
}

enum { ARC_REDIRECT_NONE = 0, ARC_REDIRECT_FOLLOW = 1, ARC_REDIRECT_REFUSED = -1 };

/*
 * After a transfer: is the reply a redirect, and may it be followed? Only
 * with follow set, and only to the same scheme, host and port as from (the
 * URL just requested). FOLLOW: the absolute target in next. REFUSED: why says
 * "HTTP 302 redirect to <target, password masked> not followed (...)".
 */
static inline int arc_curl_redirect(CURL *h, const char *from, bool follow, char *next,
                                    size_t n, char *why, size_t whylen)
{
    long status = 0;
    char *to = NULL;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status < 300 || status > 399 || curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &to) != CURLE_OK ||
        !to)
        return ARC_REDIRECT_NONE;
    bool same = arc_curl_same_origin(from, to);
    if (follow && same && arc_strlcpy(next, to, n) == 0)
        return ARC_REDIRECT_FOLLOW;
    char shown[512];
    arc_mask_url(to, shown, sizeof shown);
    arc_snprintf(why, whylen, "HTTP %ld redirect to %s not followed (%s)", status, shown,
                 !follow ? "--follow-redirects allows same-host redirects"
                 : !same ? "another host, scheme or port" : "target too long");
    return ARC_REDIRECT_REFUSED;
}

#endif /* ARC_CURL_H */
