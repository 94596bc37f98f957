/* phases.c — the four phases and the deep checks, each one call into the
 * probe that owns the check (linked in, never spawned):
 *   sql    pgcheck schema FILE          oracle
 *   nats   natsprobe streams apply FILE flash
 *   pulsar pulsaradm apply FILE         strange
 *   redis  redisping                    sonic */
#include "cortex.h"

#include "natsprobe.h"
#include "pgcheck.h"
#include "pulsaradm.h"
#include "redisping.h"

#include <string.h>
#include <time.h>

const char *const cx_phase_names[CX_NPHASES] = {"sql", "nats", "pulsar", "redis"};
const char *const cx_phase_services[CX_NPHASES] = {"oracle", "flash", "strange", "sonic"};

volatile sig_atomic_t cx_stop;

int cx_phase_by_name(const char *name, size_t len)
{
    for (int i = 0; i < CX_NPHASES; i++)
        if (strlen(cx_phase_names[i]) == len && strncmp(cx_phase_names[i], name, len) == 0)
            return i;
    return -1;
}

void cx_nap(double sec)
{
    double end = arc_now() + sec;
    for (double left = sec; left > 0 && !cx_stop; left = end - arc_now())
        arc_sleep(left < 0.05 ? left : 0.05);
}

/* provision: the bootstrap's work; else health only (deep checks). */
static void attempt(const cx_config *c, cx_phase_id p, double seconds, bool provision,
                    cx_attempt *out)
{
    arc_deadline dl;
    arc_deadline_init(&dl, seconds);
    memset(out, 0, sizeof *out);
    switch (p) {
    case CX_SQL:
        out->rc = pgc_once(c->database_url, provision ? c->schema : NULL, &dl, out->warning,
                           sizeof out->warning, out->why, sizeof out->why);
        break;
    case CX_NATS: {
        np_once_result r;
        out->rc = np_once(provision ? NP_STREAMS_APPLY : NP_JETSTREAM, c->nats_url,
                          provision ? c->streams : NULL, c->replicas, &dl, &r, out->why,
                          sizeof out->why);
        out->created = r.created;
        out->updated = r.updated;
        out->unchanged = -1; /* natsprobe does not count them */
        out->counted = provision;
        break;
    }
    case CX_PULSAR: {
        pa_counts k;
        out->rc = pa_once(c->pulsar_url, provision ? c->pulsar : NULL, &dl, &k, out->why,
                          sizeof out->why);
        out->created = (int)k.created;
        out->updated = (int)k.updated;
        out->unchanged = (int)k.exists;
        out->counted = provision;
        break;
    }
    case CX_REDIS:
    case CX_NPHASES:
        out->rc = rp_once(c->redis_url, &dl, out->why, sizeof out->why);
        break;
    }
}

void cx_phase_attempt(const cx_config *c, cx_phase_id p, double seconds, cx_attempt *out)
{
    attempt(c, p, seconds, true, out);
}

void cx_dep_check(const cx_config *c, cx_phase_id p, double seconds, cx_attempt *out)
{
    attempt(c, p, seconds, false, out);
}
