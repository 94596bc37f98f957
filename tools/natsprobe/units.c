/* units.c — durations ("7d", "1h30m", "500ms") and sizes ("64MiB") as the
 * streams file writes them, and back. */
#include "natsprobe.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

typedef struct {
    const char *name;
    long long factor;
} unit;

/* Longest names first where one is a prefix of another ("ms" before "m"). */
static const unit duration_units[] = {
    {"d", 86400000000000LL}, {"h", 3600000000000LL}, {"ms", 1000000LL},
    {"m", 60000000000LL},    {"s", 1000000000LL},    {"us", 1000LL},
    {"ns", 1LL},
};
static const unit size_units[] = {
    {"TiB", 1LL << 40}, {"GiB", 1LL << 30}, {"MiB", 1LL << 20}, {"KiB", 1LL << 10}, {"B", 1LL},
};

/* Leading digits of *p into *v (no overflow); advances *p. */
static int read_digits(const char **p, long long *v)
{
    if (!isdigit((unsigned char)**p))
        return -1;
    long long n = 0;
    while (isdigit((unsigned char)**p)) {
        int d = **p - '0';
        if (n > (LLONG_MAX - d) / 10)
            return -1;
        n = n * 10 + d;
        (*p)++;
    }
    *v = n;
    return 0;
}

/* The unit at *p among units[0..n); advances *p. */
static const unit *read_unit(const char **p, const unit *units, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(units[i].name);
        if (strncmp(*p, units[i].name, len) == 0 && !isalpha((unsigned char)(*p)[len])) {
            *p += len;
            return &units[i];
        }
    }
    return NULL;
}

int np_parse_duration(const char *s, long long *ns)
{
    if (strcmp(s, "0") == 0) {
        *ns = 0;
        return 0;
    }
    long long total = 0, v;
    const char *p = s;
    if (!*p)
        return -1;
    while (*p) {
        const unit *u;
        if (read_digits(&p, &v) != 0 ||
            !(u = read_unit(&p, duration_units, sizeof duration_units / sizeof *duration_units)))
            return -1;
        if (v > (LLONG_MAX - total) / u->factor)
            return -1;
        total += v * u->factor;
    }
    *ns = total;
    return 0;
}

void np_format_duration(long long ns, char *out, size_t n)
{
    static const int order[] = {0, 1, 3, 4, 2, 5, 6}; /* d h m s ms us ns */
    if (ns <= 0) {
        arc_snprintf(out, n, "%lld", ns);
        return;
    }
    arc_buf b;
    arc_buf_init(&b);
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        const unit *u = &duration_units[order[i]];
        if (ns >= u->factor) {
            arc_buf_printf(&b, "%lld%s", ns / u->factor, u->name);
            ns %= u->factor;
        }
    }
    arc_strlcpy(out, arc_buf_str(&b), n);
    arc_buf_free(&b);
}

int np_parse_size(const char *s, long long *bytes)
{
    const char *p = s;
    long long v;
    if (read_digits(&p, &v) != 0)
        return -1;
    long long factor = 1;
    if (*p) {
        const unit *u = read_unit(&p, size_units, sizeof size_units / sizeof *size_units);
        if (!u || *p)
            return -1;
        factor = u->factor;
    }
    if (v > LLONG_MAX / factor)
        return -1;
    *bytes = v * factor;
    return 0;
}

void np_format_size(long long bytes, char *out, size_t n)
{
    for (size_t i = 0; i + 1 < sizeof size_units / sizeof *size_units; i++) {
        if (bytes > 0 && bytes % size_units[i].factor == 0) {
            arc_snprintf(out, n, "%lld%s", bytes / size_units[i].factor, size_units[i].name);
            return;
        }
    }
    arc_snprintf(out, n, "%lld", bytes);
}
