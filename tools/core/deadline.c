/* deadline.c — monotonic clock, sleeping, and overall deadlines. */
#include "arc.h"

#include <errno.h>
#include <math.h>
#include <time.h>

double arc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void arc_sleep(double seconds)
{
    if (!(seconds > 0))
        return;
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

void arc_deadline_init(arc_deadline *d, double seconds)
{
    d->start = arc_now();
    d->end = d->start + (seconds > 0 ? seconds : 0);
}

double arc_deadline_left(const arc_deadline *d)
{
    double left = d->end - arc_now();
    return left > 0 ? left : 0;
}

int arc_deadline_left_ms(const arc_deadline *d)
{
    double ms = ceil(arc_deadline_left(d) * 1000.0);
    return ms > 2147483647.0 ? 2147483647 : (int)ms;
}

bool arc_deadline_expired(const arc_deadline *d)
{
    return arc_now() >= d->end;
}

double arc_deadline_elapsed(const arc_deadline *d)
{
    return arc_now() - d->start;
}

arc_deadline arc_deadline_min(const arc_deadline *a, const arc_deadline *b)
{
    arc_deadline r = *a;
    if (b->end < r.end)
        r.end = b->end;
    return r;
}
