/* result.c — a bootstrap's outcome as the table on stdout and as the result
 * JSON (build/bootstrap/result.json, and the body of POST /api/v1/bootstrap):
 *   {"ok":B,"settings":{...},"phases":[{"phase","status","attempts",
 *    "duration_s","changes","detail","attempt_times_s":[...]},...]}
 * Skipped phases come first, then the phases in the order asked. */
#include "cortex.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void cx_iso_now(char *out, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        arc_strlcpy(out, "", n);
}

double cx_unix_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *status_of(const cx_phase_run *ph)
{
    return ph->skipped ? "skipped" : ph->ok ? "ok" : "failed";
}

static void phase_json(const cx_phase_run *ph, arc_buf *out)
{
    arc_buf_printf(out, "{\"phase\":\"%s\",\"status\":\"%s\"", cx_phase_names[ph->id],
                   status_of(ph));
    if (ph->skipped) {
        arc_buf_puts(out, ",\"attempts\":0,\"duration_s\":0,\"changes\":\"-\",\"detail\":");
        arc_buf_json_str(out, ph->skip_why);
        arc_buf_puts(out, ",\"attempt_times_s\":[]}");
        return;
    }
    arc_buf_printf(out, ",\"attempts\":%u,\"duration_s\":%.3f,\"changes\":", ph->attempts,
                   ph->duration);
    arc_buf_json_str(out, ph->changes);
    arc_buf_puts(out, ",\"detail\":");
    arc_buf_json_str(out, ph->detail);
    arc_buf_puts(out, ",\"attempt_times_s\":[");
    for (unsigned i = 0; ph->times && i < ph->attempts && i < CX_MAX_TIMES; i++)
        arc_buf_printf(out, "%s%.3f", i ? "," : "", ph->times[i]);
    arc_buf_puts(out, "]}");
}

void cx_result_json(const cx_bootstrap *b, arc_buf *out)
{
    const cx_config *c = b->cfg;
    arc_buf_printf(out, "{\"ok\":%s,\"settings\":{\"timeout_s\":%g,\"backoff_base_s\":%g,"
                   "\"backoff_cap_s\":%g,\"breaker_threshold\":%g,\"breaker_open_s\":%g},"
                   "\"phases\":[",
                   b->ok ? "true" : "false", c->timeout, c->base, c->cap, c->threshold, c->open);
    int n = 0;
    for (int i = 0; i < CX_NPHASES; i++)
        if (b->ph[i].skipped) {
            arc_buf_puts(out, n++ ? "," : "");
            phase_json(&b->ph[i], out);
        }
    for (int k = 0; k < b->nrun; k++) {
        arc_buf_puts(out, n++ ? "," : "");
        phase_json(&b->ph[b->order[k]], out);
    }
    arc_buf_puts(out, "]}\n");
}

static void row(const cx_phase_run *ph, arc_buf *out)
{
    char dur[32];
    if (ph->skipped) {
        arc_buf_printf(out, "%-8s %-8s %8s %9ss  - \u2014 %s\n", cx_phase_names[ph->id],
                       "skipped", "0", "0", ph->skip_why);
        return;
    }
    arc_snprintf(dur, sizeof dur, "%.3f", ph->duration);
    arc_buf_printf(out, "%-8s %-8s %8u %9ss  %s%s%s\n", cx_phase_names[ph->id], status_of(ph),
                   ph->attempts, dur, ph->changes, ph->detail[0] ? " \u2014 " : "", ph->detail);
}

void cx_result_table(const cx_bootstrap *b, arc_buf *out)
{
    arc_buf_printf(out, "\n%-8s %-8s %8s %10s  %s\n", "PHASE", "STATUS", "ATTEMPTS", "DURATION",
                   "CHANGED");
    for (int i = 0; i < CX_NPHASES; i++)
        if (b->ph[i].skipped)
            row(&b->ph[i], out);
    for (int k = 0; k < b->nrun; k++)
        row(&b->ph[b->order[k]], out);
}

int cx_mkdirs_for(const char *path)
{
    char dir[1024];
    if (arc_strlcpy(dir, path, sizeof dir) != 0)
        return errno = ENAMETOOLONG, -1;
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(dir, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Written to a temporary file, then renamed: a reader never sees half a result. */
int cx_result_write(const cx_bootstrap *b, const char *json, char *err, size_t errlen)
{
    const char *path = b->cfg->result;
    char tmp[1100];
    if (cx_mkdirs_for(path) != 0)
        return arc_errf(err, errlen, "cannot create the directory of %s: %s", path,
                        strerror(errno));
    arc_snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return arc_errf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
    bool ok = fputs(json, f) >= 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return arc_errf(err, errlen, "cannot write %s: %s", path, strerror(e));
    }
    return 0;
}
