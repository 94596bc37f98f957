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

/* Every handle: no signals (the deadline is ours), curl's message in errbuf
 * (CURL_ERROR_SIZE bytes), "prog/version" as the User-Agent, and http and
 * https only, redirects included. */
static inline void arc_curl_setup(CURL *h, const char *prog, char *errbuf)
{
    char agent[64];
    arc_snprintf(agent, sizeof agent, "%s/%s", prog, ARC_VERSION);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, agent); /* libcurl keeps a copy */
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

#endif /* ARC_CURL_H */
