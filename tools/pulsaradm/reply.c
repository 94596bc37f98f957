/* reply.c — a Pulsar admin reply as one printable line, JSON replies, and a
 * small list of strings. An error reply is shown by its JSON `reason`, or the
 * message of a text/plain 500 (never its stack trace), and never a secret. */
#include "pulsaradm.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINE_MAX_SHOWN 200

/* Copy s[0..n) as one line: control characters become spaces, runs of
 * spaces collapse, long text is cut with "...". */
static void one_line(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    bool space = true; /* drop leading blanks */
    for (size_t i = 0; i < n && o + 4 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f || ch == ' ') {
            if (!space)
                out[o++] = ' ';
            space = true;
            continue;
        }
        out[o++] = (char)ch;
        space = false;
        if (o >= LINE_MAX_SHOWN && i + 1 < n) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

/* The `reason` of a JSON error body ({"reason":"..."}), if there is one. */
static bool json_reason(const pa_reply *r, char *out, size_t cap)
{
    arc_json j;
    char err[128], tmp[1024];
    const char *p = r->body.s + strspn(r->body.s, " \t\r\n");
    if (*p != '{' || arc_json_parse(&j, r->body.s, r->body.len, err, sizeof err) != 0)
        return false;
    int v = arc_json_get(&j, 0, "reason");
    bool ok = v >= 0 && arc_json_str(&j, v, tmp, sizeof tmp) == 0;
    if (ok)
        one_line(tmp, strlen(tmp), out, cap);
    arc_json_free(&j);
    return ok && *out;
}

/* A text body: the "Message: ..." line of Pulsar's text/plain 500, else the
 * first non-empty line. */
static void text_line(const pa_reply *r, char *out, size_t cap)
{
    const char *s = r->body.s, *msg = strstr(s, "\nMessage: ");
    if (msg)
        s = msg + 10;
    s += strspn(s, " \t\r\n");
    one_line(s, strcspn(s, "\r\n"), out, cap);
}

/* An HTML error page (Jetty): its <title>. */
static void html_title(const pa_reply *r, char *out, size_t cap)
{
    out[0] = '\0';
    const char *t = strstr(r->body.s, "<title>");
    const char *e = t ? strstr(t, "</title>") : NULL;
    if (t && e)
        one_line(t + 7, (size_t)(e - t - 7), out, cap);
}

static bool is_html(const pa_reply *r)
{
    const char *p = r->body.s + strspn(r->body.s, " \t\r\n");
    return strstr(r->ctype, "html") != NULL || strncasecmp(p, "<html", 5) == 0 ||
           strncasecmp(p, "<!doctype", 9) == 0;
}

/* What the reply says, as one line without the status. */
static void reason_of(const pa_reply *r, char *out, size_t cap)
{
    out[0] = '\0';
    if (r->body.len == 0)
        return;
    if (json_reason(r, out, cap))
        return;
    if (is_html(r))
        html_title(r, out, cap);
    else
        text_line(r, out, cap);
}

static void auth_line(const pa_ctx *x, const pa_reply *r, const char *why, char *out,
                      size_t n)
{
    if (r->status == 401 && x->token)
        arc_snprintf(out, n, "authentication failed: the broker rejected the token (HTTP 401)");
    else if (r->status == 401)
        arc_snprintf(out, n, "authentication required (HTTP 401): give a token with "
                             "--token-file, --token or PULSAR_AUTH_TOKEN");
    else
        arc_snprintf(out, n, "not authorized (HTTP 403)%s%s", *why ? ": " : "", why);
}

void pa_reply_line(const pa_ctx *x, const pa_reply *r, char *out, size_t n)
{
    char why[512];
    if (r->status == 0 || r->err[0]) { /* no reply, or a refused redirect */
        arc_snprintf(out, n, "%s", r->err);
    } else {
        reason_of(r, why, sizeof why);
        if (r->status == 401 || r->status == 403)
            auth_line(x, r, why, out, n);
        else if (*why)
            arc_snprintf(out, n, "HTTP %ld: %s", r->status, why);
        else
            arc_snprintf(out, n, "HTTP %ld (empty reply)", r->status);
    }
}

void pa_describe(const pa_ctx *x, const char *method, const char *path,
                 const pa_reply *r, char *out, size_t n)
{
    char line[768];
    pa_reply_line(x, r, line, sizeof line);
    arc_snprintf(out, n, "%s %s: %s", method, path, line);
}

/* "'first 60 characters'" of a reply, for saying what came instead. */
void pa_reply_snippet(const pa_reply *r, char *out, size_t cap)
{
    char tmp[64];
    size_t n = r->body.len < 60 ? r->body.len : 60;
    one_line(r->body.s, n, tmp, sizeof tmp);
    arc_snprintf(out, cap, "'%s%s'", tmp, r->body.len > 60 ? "..." : "");
}

int pa_reply_json(const pa_ctx *x, const char *method, const char *path,
                  const pa_reply *r, arc_json *j, char *why, size_t n)
{
    (void)x; /* the run's context, as every pa_reply_* takes it */
    char err[160], shown[96];
    if (arc_json_parse(j, r->body.s, r->body.len, err, sizeof err) == 0)
        return 0;
    pa_reply_snippet(r, shown, sizeof shown);
    arc_snprintf(why, n, "%s %s: reply is not valid JSON (%s): %s", method, path, err, shown);
    return -1;
}

int pa_reply_partitions(const pa_ctx *x, const char *path, const pa_reply *r, long *n,
                        char *why, size_t whylen)
{
    arc_json j;
    long long v = -1;
    if (pa_reply_json(x, "GET", path, r, &j, why, whylen) != 0)
        return -1;
    bool ok = arc_json_int(&j, arc_json_get(&j, 0, "partitions"), &v) == 0 && v >= 0;
    arc_json_free(&j);
    if (!ok) {
        char shown[96];
        pa_reply_snippet(r, shown, sizeof shown);
        arc_snprintf(why, whylen, "GET %s: unexpected reply (want {\"partitions\":N}): %s",
                     path, shown);
        return -1;
    }
    *n = (long)v;
    return 0;
}

int pa_reply_strv(const pa_ctx *x, const char *method, const char *path,
                  const pa_reply *r, pa_strv *s, char *why, size_t n)
{
    arc_json j;
    if (pa_reply_json(x, method, path, r, &j, why, n) != 0)
        return -1;
    int rc = arc_json_is(&j, 0, JSMN_ARRAY) ? 0 : -1;
    char name[PA_NAME_MAX * 2];
    for (int i = 1; rc == 0 && i < j.ntok; i = arc_json_next(&j, i)) {
        if (arc_json_str(&j, i, name, sizeof name) != 0 || pa_strv_add(s, name) != 0)
            rc = -1;
    }
    arc_json_free(&j);
    if (rc != 0) {
        char shown[96];
        pa_reply_snippet(r, shown, sizeof shown);
        arc_snprintf(why, n, "%s %s: unexpected reply (want a JSON array of names): %s",
                     method, path, shown);
    }
    return rc;
}

/* ---- a list of strings ------------------------------------------------------ */
