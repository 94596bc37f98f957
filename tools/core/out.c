/* out.c — every message a probe prints goes through here (the verdict in
 * report.c). */
#include "arc.h"

#include <ctype.h>
#include <string.h>

void arc_err(const arc_common *c, const char *fmt, ...)
{
    if (c->quiet)
        return;
    va_list ap;
    fprintf(stderr, "%s: ", c->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void arc_progress(const arc_common *c, unsigned attempt, double left,
                  const char *why)
{
    if (c->quiet || !c->tty)
        return;
    fprintf(stderr, "\r\033[K%s: waiting (attempt %u, %.0fs left): %.60s",
            c->prog, attempt, left, why);
    fflush(stderr);
}

void arc_progress_done(const arc_common *c)
{
    if (c->quiet || !c->tty)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* "natsprobe" -> "NATSPROBE": the SERVICE word of a nagios line. */
void arc_service_name(const arc_common *c, char *out, size_t n)
{
    size_t k = 0;
    for (const char *p = c->prog; *p && k + 1 < n; p++)
        out[k++] = (char)toupper((unsigned char)*p);
    if (n)
        out[k] = '\0';
}

int arc_input_error(const arc_common *c, int rc, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->format != ARC_FMT_NAGIOS) {
        arc_err(c, "%s", msg);
        return rc;
    }
    if (!c->quiet) {
        char svc[64];
        arc_service_name(c, svc, sizeof svc);
        for (char *p = msg; *p; p++) /* one line, no perfdata separator */
            if (*p == '|' || (unsigned char)*p < 0x20)
                *p = ' ';
        printf("%s UNKNOWN: %s\n", svc, msg);
        fflush(stdout);
    }
    return ARC_NAGIOS_UNKNOWN;
}

bool arc_text_output(const arc_common *c)
{
    return !c->quiet && !c->json && c->format == ARC_FMT_TEXT;
}
