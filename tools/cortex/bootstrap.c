/* bootstrap.c — the phases at once, one thread each. A phase retries its
 * attempt with capped exponential backoff (arc_backoff, no jitter: base,
 * doubling, cap) behind a circuit breaker: after `threshold` consecutive
 * failures the next attempt waits at least `open` seconds. A phase gives up
 * at its deadline (`timeout` seconds); one attempt never runs past it. Exit
 * codes 64/65 of an attempt (bad URL, bad file) stop the phase at once.
 * Phases never cancel each other. The lock keeps two bootstraps apart. */
#include "cortex.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* ---- the lock -------------------------------------------------------------- */
static void pid_path(const cx_config *c, char *out, size_t n)
{
    arc_snprintf(out, n, "%s.pid", c->lock);
}

static void read_holder(const cx_config *c, cx_holder *h)
{
    char path[1100], err[128];
    pid_path(c, path, sizeof path);
    h->pid = 0;
    h->since[0] = '\0';
    char *text = arc_read_file(path, NULL, err, sizeof err);
    if (!text)
        return;
    char *end;
    h->pid = strtol(text, &end, 10);
    if (*end == '\n' && end[1])
        arc_snprintf(h->since, sizeof h->since, "%.*s", (int)strcspn(end + 1, "\n"), end + 1);
    free(text);
}

int cx_lock_take(const cx_config *c, cx_lock *l, cx_holder *h, char *err, size_t errlen)
{
    if (cx_mkdirs_for(c->lock) != 0)
        return arc_errf(err, errlen, "cannot create the directory of %s: %s", c->lock,
                        strerror(errno)), ARC_EXIT_FAIL;
    l->fd = open(c->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (l->fd < 0)
        return arc_errf(err, errlen, "cannot open %s: %s", c->lock, strerror(errno)),
               ARC_EXIT_FAIL;
    if (flock(l->fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(l->fd);
        l->fd = -1;
        if (e != EWOULDBLOCK)
            return arc_errf(err, errlen, "cannot lock %s: %s", c->lock, strerror(e)),
                   ARC_EXIT_FAIL;
        read_holder(c, h);
        return CX_EXIT_LOCKED;
    }
    char path[1100], since[32], line[80];
    pid_path(c, path, sizeof path);
    cx_iso_now(since, sizeof since);
    arc_snprintf(line, sizeof line, "%ld\n%s\n", (long)getpid(), since);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(line, f);
        fclose(f);
    }
    return 0;
}

void cx_lock_release(const cx_config *c, cx_lock *l)
{
    char path[1100];
    if (l->fd < 0)
        return;
    pid_path(c, path, sizeof path);
    unlink(path);
    close(l->fd); /* releases the flock */
    l->fd = -1;
}

/* ---- one phase ----------------------------------------------------------------- */
typedef struct {
    cx_bootstrap *b;
    cx_phase_run *ph;
} phase_job;

/* The reason, at most 200 bytes, never cut inside a UTF-8 sequence. */
static void short_reason(const char *why, char *out, size_t n)
{
    size_t len = strcspn(why, "\n");
    if (len > 200) {
        len = 200;
        while (len > 0 && ((unsigned char)why[len] & 0xC0) == 0x80)
            len--;
    }
    arc_snprintf(out, n, "%.*s", (int)len, why);
}

static void record_ok(cx_phase_run *ph, const cx_attempt *a)
{
    ph->ok = true;
    ph->counted = a->counted;
    ph->created = a->created;
    ph->updated = a->updated;
    ph->unchanged = a->unchanged;
    if (a->created == 0 && a->updated == 0)
        arc_strlcpy(ph->changes, "nothing", sizeof ph->changes);
    else
        arc_snprintf(ph->changes, sizeof ph->changes, "created %d, updated %d", a->created,
                     a->updated);
    if (a->warning[0]) {
        size_t l = strlen(ph->changes);
        arc_snprintf(ph->changes + l, sizeof ph->changes - l, " (warning: %s)", a->warning);
    }
    ph->detail[0] = '\0';
}

static void record_failed(cx_phase_run *ph, const char *why)
{
    char reason[256];
    short_reason(*why ? why : "no reason given", reason, sizeof reason);
    ph->ok = false;
    arc_strlcpy(ph->changes, "-", sizeof ph->changes);
    arc_snprintf(ph->detail, sizeof ph->detail, "gave up after %u attempt(s): %s", ph->attempts,
                 reason);
}

static void *run_phase(void *arg)
{
    phase_job *job = arg;
    const cx_config *c = job->b->cfg;
    cx_phase_run *ph = job->ph;
    cx_attempt a;
    arc_backoff bo;
    arc_backoff_init(&bo, c->base, c->cap, 0, 1);
    double start = arc_now(), deadline = start + c->timeout;
    ph->start_unix = cx_unix_now();
    unsigned fails = 0;
    for (;;) {
        double t = arc_now();
        if (ph->attempts < CX_MAX_TIMES && ph->times)
            ph->times[ph->attempts] = t - start;
        ph->attempts++;
        double left = deadline - t, per = c->probe_timeout;
        if (per > (left > 1 ? left : 1))
            per = left > 1 ? left : 1;
        cx_phase_attempt(c, ph->id, per, &a);
        if (a.rc == ARC_EXIT_OK) {
            record_ok(ph, &a);
            break;
        }
        fails++;
        if (a.rc == ARC_EXIT_USAGE || a.rc == ARC_EXIT_DATAERR || cx_stop) {
            record_failed(ph, cx_stop ? "interrupted" : a.why);
            break;
        }
        double delay = arc_backoff_next(&bo);
        if (fails >= c->threshold) {
            delay = delay > c->open ? delay : c->open;
            if (job->b->verbose)
                fprintf(stderr, "%s: %s: breaker open after %u consecutive failures, "
                        "pausing %gs\n", CX_PROG, cx_phase_names[ph->id], fails, delay);
        }
        left = deadline - arc_now();
        if (left <= delay) {
            /* the next attempt would fall past the deadline: report at it */
            cx_nap(left);
            record_failed(ph, cx_stop ? "interrupted" : a.why);
            break;
        }
        cx_nap(delay);
    }
    ph->duration = arc_now() - start;
    return NULL;
}

/* ---- the whole bootstrap ---------------------------------------------------------- */
void cx_bootstrap_init(cx_bootstrap *b, const cx_config *c)
{
    memset(b, 0, sizeof *b);
    b->cfg = c;
    for (int i = 0; i < CX_NPHASES; i++)
        b->ph[i].id = (cx_phase_id)i;
}

void cx_bootstrap_want(cx_bootstrap *b, cx_phase_id p)
{
    if (b->ph[p].run || b->ph[p].skipped)
        return;
    b->ph[p].run = true;
    b->order[b->nrun++] = p;
}

void cx_bootstrap_skip(cx_bootstrap *b, cx_phase_id p, const char *why)
{
    b->ph[p].skipped = true;
    arc_strlcpy(b->ph[p].skip_why, why, sizeof b->ph[p].skip_why);
}

void cx_bootstrap_run(cx_bootstrap *b)
{
    pthread_t th[CX_NPHASES];
    phase_job jobs[CX_NPHASES];
    bool started[CX_NPHASES] = {false};
    b->start_unix = cx_unix_now();
    for (int k = 0; k < b->nrun; k++) {
        cx_phase_run *ph = &b->ph[b->order[k]];
        ph->times = calloc(CX_MAX_TIMES, sizeof *ph->times);
        jobs[k] = (phase_job){b, ph};
        started[k] = pthread_create(&th[k], NULL, run_phase, &jobs[k]) == 0;
        if (!started[k])
            record_failed(ph, "cannot start a thread");
    }
    b->ok = true;
    for (int k = 0; k < b->nrun; k++) {
        if (started[k])
            pthread_join(th[k], NULL);
        b->ok = b->ok && b->ph[b->order[k]].ok;
    }
    b->interrupted = cx_stop;
}

void cx_bootstrap_free(cx_bootstrap *b)
{
    for (int i = 0; i < CX_NPHASES; i++) {
        free(b->ph[i].times);
        b->ph[i].times = NULL;
    }
}
