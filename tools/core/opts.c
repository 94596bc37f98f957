/* opts.c — the options every probe shares, and strict number parsing. */
#include "arc.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void arc_common_init(arc_common *c, const char *prog, const char *usage)
{
    c->prog = prog;
    c->usage = usage;
    c->timeout = 5.0;
    c->wait = 0.0;
    c->json = false;
    c->quiet = false;
    c->tty = isatty(STDERR_FILENO) == 1;
    c->format = ARC_FMT_TEXT;
    c->warning = c->critical = -1;
    c->t0 = arc_now();
    opterr = 0; /* we name bad options ourselves */
}

void arc_usage_error(const arc_common *c, const char *fmt, ...)
{
    va_list ap;
    char msg[1024];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->format == ARC_FMT_NAGIOS)
        exit(arc_input_error(c, ARC_EXIT_USAGE, "%s", msg));
    fprintf(stderr, "%s: %s\nTry '%s --help' for more information.\n", c->prog, msg, c->prog);
    exit(ARC_EXIT_USAGE);
}

static arc_format parse_format(const arc_common *c, const char *arg)
{
    static const char *const names[] = {"text", "json", "nagios", "prometheus"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(arg, names[i]) == 0)
            return (arc_format)i;
    arc_usage_error(c, "--format: '%s' is not one of text, json, nagios, prometheus", arg);
}

static double parse_threshold(const arc_common *c, const char *flag, const char *arg)
{
    double v;
    if (arc_parse_seconds(arg, &v) != 0)
        arc_usage_error(c, "%s: '%s' is not a number of seconds >= 0 (max 86400)", flag, arg);
    return v;
}

int arc_parse_seconds(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    errno = 0;
    char *end = NULL;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(v) || v < 0 || v > 86400)
        return -1;
    *out = v;
    return 0;
}

int arc_parse_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s)
        return -1;
    errno = 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Name the option that getopt rejected: the short letter or the long word. */
static void bad_option(const arc_common *c, int missing_arg, char *const argv[])
{
    const char *word = (optind > 0 && argv[optind - 1]) ? argv[optind - 1] : "?";
    if (optopt && !(word[0] == '-' && word[1] == '-')) {
        if (missing_arg)
            arc_usage_error(c, "option '-%c' needs a value", optopt);
        arc_usage_error(c, "unknown option '-%c'", optopt);
    }
    if (missing_arg)
        arc_usage_error(c, "option '%s' needs a value", word);
    arc_usage_error(c, "unknown option '%s'", word);
}

int arc_common_opt(arc_common *c, int opt, const char *arg, char *const argv[])
{
    switch (opt) {
    case 't':
        if (arc_parse_seconds(arg, &c->timeout) != 0 || c->timeout <= 0)
            arc_usage_error(c, "--timeout: '%s' is not a number of seconds > 0 (max 86400)", arg);
        return 1;
    case 'w':
        if (arc_parse_seconds(arg, &c->wait) != 0)
            arc_usage_error(c, "--wait: '%s' is not a number of seconds >= 0 (max 86400)", arg);
        return 1;
    case ARC_OPT_JSON:
        c->json = true;
        c->format = ARC_FMT_JSON;
        return 1;
    case ARC_OPT_FORMAT:
        c->format = parse_format(c, arg);
        c->json = c->format == ARC_FMT_JSON;
        return 1;
    case ARC_OPT_WARNING:
        c->warning = parse_threshold(c, "--warning", arg);
        return 1;
    case ARC_OPT_CRITICAL:
        c->critical = parse_threshold(c, "--critical", arg);
        return 1;
    case 'q':
        c->quiet = true;
        return 1;
    case 'h':
        fputs(c->usage, stdout);
        exit(ARC_EXIT_OK);
    case 'V':
        printf("%s %s\n", c->prog, ARC_VERSION);
        exit(ARC_EXIT_OK);
    case ':':
        bad_option(c, 1, argv);
        return 1;
    case '?':
        bad_option(c, 0, argv);
        return 1;
    default:
        return 0;
    }
}

void arc_deadline_since_start(const arc_common *c, arc_deadline *d)
{
    arc_deadline_init(d, c->timeout);
    if (c->t0 > 0 && c->t0 < d->start) {
        d->end -= d->start - c->t0;
        d->start = c->t0;
    }
}
