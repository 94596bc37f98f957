/* backoff.c — capped exponential backoff with jitter (xorshift64*). */
#include "arc.h"

void arc_backoff_init(arc_backoff *b, double base, double cap, double jitter,
                      uint64_t seed)
{
    b->base = base > 0 ? base : 0.1;
    b->cap = cap >= b->base ? cap : b->base;
    b->jitter = jitter < 0 ? 0 : (jitter > 1 ? 1 : jitter);
    b->attempt = 0;
    b->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
}

double arc_backoff_nominal(const arc_backoff *b, unsigned n)
{
    double d = b->base;
    for (unsigned i = 0; i < n && d < b->cap; i++)
        d *= 2;
    return d < b->cap ? d : b->cap;
}

static double next_unit(arc_backoff *b)
{
    uint64_t x = b->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    b->rng = x;
    return (double)((x * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

double arc_backoff_next(arc_backoff *b)
{
    double nominal = arc_backoff_nominal(b, b->attempt++);
    return nominal * (1.0 - b->jitter * next_unit(b));
}
