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
#define HP_BODY_MAX 65536                        /* bytes of the body searched */

typedef struct {
    arc_common common;
    const char *url;        /* --url, else $HTTPPROBE_URL, else HP_DEFAULT_URL */
    const char *url_origin; /* "--url", "HTTPPROBE_URL" or "default", for messages */
    long expect_status;     /* --expect-status, default 200 */
    const char *expect_body; /* --expect-body: text the body must contain, or NULL */
    char shown[1024];       /* the URL with its password masked, for output */
    char secret[256];       /* the URL's password ("" when none), to scrub messages */
} hp_options;

/* ---- fetch.c ---------------------------------------------------------------- */
typedef struct {
    long status;  /* HTTP status; 0 when no reply arrived */
    arc_buf body; /* the first HP_BODY_MAX bytes of the body */
    char err[256]; /* transport error or timeout ("" when a reply arrived) */
} hp_reply;

void hp_reply_init(hp_reply *r);
void hp_reply_free(hp_reply *r);
/* GET url without following redirects, bounded by what is left of dl.
 * 0 when a reply arrived (whatever its status), -1 with r->err otherwise. */
int hp_fetch(const char *url, const arc_deadline *dl, hp_reply *r);

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
