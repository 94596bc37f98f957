/*
 * httpprobe.h — what the files of the httpprobe probe share.
 *
 *   main.c    options and dispatch (reads like --help)
 *   fetch.c   one GET with libcurl, bounded by a deadline
 *   check.c   one attempt: GET, then judge the status and the body
 */
#ifndef HTTPPROBE_H
#define HTTPPROBE_H

#include "arc.h"

#define HP_PROG "httpprobe"
#define HP_DEFAULT_URL "http://127.0.0.1:13133/" /* the collector's health_check */
#define HP_BODY_MAX ARC_REPLY_MAX /* a longer body is "reply too large" */
#define HP_MAX_REDIRECTS 5        /* with --follow-redirects, same host only */

typedef struct {
    arc_common common;
    const char *url;        /* --url, else $HTTPPROBE_URL, else HP_DEFAULT_URL */
    const char *url_origin; /* "--url", "HTTPPROBE_URL" or "default", for messages */
    long expect_status;     /* --expect-status, default 200 */
    const char *expect_body; /* --expect-body: text the body must contain, or NULL */
    bool follow;            /* --follow-redirects: same scheme, host and port only */
    char shown[1024];       /* the URL with its password masked, for output */
    char request[1024];     /* the URL without user info (given to libcurl) */
    char user[128];         /* the URL's user and password, sent as basic auth */
    char pass[256];
    bool has_user;
} hp_options;

/* ---- fetch.c ---------------------------------------------------------------- */
typedef struct {
    long status;  /* HTTP status; 0 when no reply arrived */
    arc_buf body; /* the body, at most HP_BODY_MAX bytes */
    char err[768]; /* transport error, timeout, too large, refused redirect */
} hp_reply;

void hp_reply_init(hp_reply *r);
void hp_reply_free(hp_reply *r);
/* GET the URL, bounded by what is left of dl. A redirect is followed only
 * with --follow-redirects and to the same scheme, host and port. 0 when a
 * reply arrived (whatever its status), -1 with r->err otherwise (a refused
 * redirect, a reply over HP_BODY_MAX, a transport error or timeout). */
int hp_fetch(const hp_options *o, const arc_deadline *dl, hp_reply *r);

/* ---- check.c ---------------------------------------------------------------- */
typedef struct {
    const hp_options *opts;
    long last_status; /* status of the last attempt, 0 when none arrived */
    int body_matched; /* -1 not checked / no reply, 0 no, 1 yes */
    arc_buf json;     /* json_extra of the last attempt */
} hp_check;

/* The arc_attempt_fn behind arc_retry; ctx is an hp_check. */
int hp_attempt(void *ctx, const arc_deadline *dl, char *why, size_t whylen);

#endif /* HTTPPROBE_H */
