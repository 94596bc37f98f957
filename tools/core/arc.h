/*
 * arc.h — the shared core of the A.R.C. probes.
 *
 * Every probe (redisping, pgcheck, natsprobe, pulsaradm, httpprobe) includes
 * this one header. The core is deliberately small: exit codes, common
 * options, a monotonic deadline, capped exponential backoff with jitter, the
 * retry loop behind --wait, output (text, json, nagios, prometheus, -q),
 * URL and environment
 * handling, secret masking, a growable string buffer and a jsmn-based JSON
 * reader. It links no client library (arc_curl.h is the header-only part
 * for the probes that use libcurl).
 */
#ifndef ARC_H
#define ARC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifndef ARC_VERSION
#define ARC_VERSION "0.1.0"
#endif

/* ARC_NORETURN: the function exits; compilers and analysers know the code
 * after a call is not reached. */
#if defined(__GNUC__)
#define ARC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ARC_NORETURN __attribute__((noreturn))
#else
#define ARC_PRINTF(f, a)
#define ARC_NORETURN _Noreturn
#endif

/* ---- exit codes (the same table in every probe's --help) ---------------- */
enum {
    ARC_EXIT_OK = 0,      /* healthy / applied                               */
    ARC_EXIT_FAIL = 1,    /* unhealthy / failed (Docker reserves 2)          */
    ARC_EXIT_USAGE = 64,  /* bad usage: unknown flag, bad value (EX_USAGE)   */
    ARC_EXIT_DATAERR = 65 /* bad input file: malformed or invalid (EX_DATAERR) */
};

/* Under --format nagios the monitoring-plugins codes replace the table. */
enum {
    ARC_NAGIOS_OK = 0,
    ARC_NAGIOS_WARNING = 1,
    ARC_NAGIOS_CRITICAL = 2,
    ARC_NAGIOS_UNKNOWN = 3
};

/* Every reply read from a server is capped; over the cap the probe stops
 * with "reply too large" (unhealthy). ARC_REPLY_MAX is the default cap. */
#define ARC_REPLY_MAX (1u << 20) /* 1 MiB */

/* Text for the exit-code table printed at the end of every --help. */
#define ARC_EXIT_HELP                                                        \
    "With --format nagios the exit status is 0 OK, 1 WARNING (latency over\n" \
    "--warning), 2 CRITICAL (unhealthy, or latency over --critical), 3 UNKNOWN\n" \
    "(bad usage or input); with --format prometheus 0 once the metrics are\n" \
    "written (arc_probe_up tells the verdict). Otherwise:\n"                  \
    "Exit status:\n"                                                         \
    "  0   healthy / applied\n"                                              \
    "  1   unhealthy / failed (unreachable, error reply, timeout, conflict,\n" \
    "      reply too large, redirect not followed)\n"                        \
    "  64  bad usage (unknown flag, bad value, missing argument)\n"          \
    "  65  bad input file (malformed JSON, unknown field or value, control\n" \
    "      character in a name)\n"

#define ARC_COMMON_HELP                                                      \
    "Common options:\n"                                                      \
    "  -t, --timeout SEC  hard deadline for one check, from the start: files\n" \
    "                     read and validated count (default 5)\n"            \
    "  -w, --wait SEC     retry with capped exponential backoff + jitter\n"  \
    "                     until healthy or SEC elapsed (default 0: once)\n"  \
    "      --json         one JSON object on stdout (= --format json)\n"     \
    "      --format FMT   text (default), json, nagios (one line with\n"     \
    "                     perfdata, exit 0/1/2/3) or prometheus (text\n"     \
    "                     exposition for node_exporter's textfile collector)\n" \
    "      --warning SEC  with --format nagios: WARNING when slower\n"      \
    "      --critical SEC with --format nagios: CRITICAL when slower\n"     \
    "  -q, --quiet        no output; the exit status is the verdict\n"       \
    "  -h, --help         this help\n"                                       \
    "  -V, --version      print the version\n"

/* ---- time: monotonic clock and deadlines (deadline.c) -------------------- */
double arc_now(void); /* CLOCK_MONOTONIC, seconds */
void arc_sleep(double seconds);

typedef struct {
    double start;
    double end;
} arc_deadline;

void arc_deadline_init(arc_deadline *d, double seconds);
double arc_deadline_left(const arc_deadline *d); /* >= 0 */
int arc_deadline_left_ms(const arc_deadline *d); /* >= 0, rounded up */
bool arc_deadline_expired(const arc_deadline *d);
double arc_deadline_elapsed(const arc_deadline *d);
/* The earlier of two deadlines. */
arc_deadline arc_deadline_min(const arc_deadline *a, const arc_deadline *b);

/* ---- backoff (backoff.c) ------------------------------------------------- */
typedef struct {
    double base;      /* first nominal delay, seconds */
    double cap;       /* largest nominal delay */
    double jitter;    /* fraction 0..1 of the delay that is randomised */
    unsigned attempt; /* delays handed out so far */
    uint64_t rng;     /* xorshift state */
} arc_backoff;

void arc_backoff_init(arc_backoff *b, double base, double cap, double jitter,
                      uint64_t seed);
/* Nominal delay before retry number n (0-based): min(cap, base * 2^n). */
double arc_backoff_nominal(const arc_backoff *b, unsigned n);
/* Next delay: nominal * (1 - jitter * u), u uniform in [0,1). Never above cap. */
double arc_backoff_next(arc_backoff *b);

/* ---- common options (opts.c) --------------------------------------------- */
typedef enum {
    ARC_FMT_TEXT,
    ARC_FMT_JSON,
    ARC_FMT_NAGIOS,
    ARC_FMT_PROMETHEUS
} arc_format;

typedef struct {
    const char *prog;          /* program name for messages */
    const char *usage;         /* full --help text */
    double timeout;            /* --timeout, default 5 s */
    double wait;               /* --wait, 0 = single attempt */
    bool json;                 /* --json or --format json */
    bool quiet;                /* -q */
    bool tty;                  /* stderr is a terminal (progress) */
    arc_format format;         /* --format */
    double warning, critical;  /* --warning / --critical seconds, < 0 unset */
    double t0;                 /* arc_now() at arc_common_init: the deadline
                                  counts from here, file reading included */
} arc_common;

enum {
    ARC_OPT_JSON = 0x100,
    ARC_OPT_FORMAT,
    ARC_OPT_WARNING,
    ARC_OPT_CRITICAL,
    ARC_OPT_FIRST_PROBE = 0x200
};

/* Append to a probe's `struct option` table (getopt_long). */
#define ARC_COMMON_LONGOPTS                                 \
    {"timeout", required_argument, NULL, 't'},              \
    {"wait", required_argument, NULL, 'w'},                 \
    {"json", no_argument, NULL, ARC_OPT_JSON},              \
    {"format", required_argument, NULL, ARC_OPT_FORMAT},    \
    {"warning", required_argument, NULL, ARC_OPT_WARNING},  \
    {"critical", required_argument, NULL, ARC_OPT_CRITICAL}, \
    {"quiet", no_argument, NULL, 'q'},                      \
    {"help", no_argument, NULL, 'h'},                       \
    {"version", no_argument, NULL, 'V'}
#define ARC_COMMON_SHORTOPTS "t:w:qhV"

void arc_common_init(arc_common *c, const char *prog, const char *usage);
/*
 * Handle one getopt_long result that belongs to the common set.
 * Returns 1 when handled, 0 when the option is not a common one.
 * --help / --version print and exit 0; a bad value or an unknown option
 * ('?' or ':') prints a message naming it plus a hint and exits 64.
 * `argv`/`optind` are used to name an unknown long option.
 */
int arc_common_opt(arc_common *c, int opt, const char *arg, char *const argv[]);
/* Print "prog: <msg>\nTry 'prog --help' for more information." and exit 64
 * (under --format nagios: "PROG UNKNOWN: <msg>" on stdout, exit 3). */
ARC_NORETURN void arc_usage_error(const arc_common *c, const char *fmt, ...) ARC_PRINTF(2, 3);
/* The --timeout deadline counted from the start of the run (c->t0): what
 * the probe did before (reading and validating files) uses it up too. */
void arc_deadline_since_start(const arc_common *c, arc_deadline *d);
/* Strict number parsers: whole string, finite, in range. 0 ok, -1 bad. */
int arc_parse_seconds(const char *s, double *out); /* >= 0, <= 86400 */
int arc_parse_long(const char *s, long min, long max, long *out);

/* ---- output (out.c) ------------------------------------------------------ */
/* Error on stderr as "prog: message" unless quiet. */
void arc_err(const arc_common *c, const char *fmt, ...) ARC_PRINTF(2, 3);
/* A bad input (rc 64 or 65) found after the options: the message in the
 * output's format (nagios: "PROG UNKNOWN: ..." on stdout), and the exit code
 * to return (3 under nagios, else rc). */
int arc_input_error(const arc_common *c, int rc, const char *fmt, ...) ARC_PRINTF(3, 4);
/* The probe's name in capitals: the SERVICE word of a nagios line. */
void arc_service_name(const arc_common *c, char *out, size_t n);
/* Lines beside the verdict (listings, per-item lines) only in text format. */
bool arc_text_output(const arc_common *c);
/* Progress line on a terminal while --wait retries (overwrites itself). */
void arc_progress(const arc_common *c, unsigned attempt, double left,
                  const char *why);
void arc_progress_done(const arc_common *c);

/* The verdict of a check: one line of text, or one JSON object. */
typedef struct {
    bool ok;
    const char *check;      /* e.g. "ping", "health", "schema" */
    const char *target;     /* already masked, e.g. "127.0.0.1:6379" */
    double latency_ms;      /* < 0: not measured */
    unsigned attempts;      /* 1 without --wait */
    const char *detail;     /* e.g. "PONG", "NOAUTH Authentication required." */
    const char *json_extra; /* optional: ,"key":value... appended inside the object */
} arc_result;

/* Renders the verdict in the --format (report.c): text "prog OK check target:
 * detail (0.31 ms)", one JSON object, one nagios line with perfdata, or
 * prometheus metrics; nothing under -q. Returns the exit code: 0 or 1;
 * nagios 0/1/2 (latency against --warning/--critical); prometheus 0. */
int arc_report(const arc_common *c, const arc_result *r);

/* ---- growable string (buf.c) ---------------------------------------------- */
typedef struct {
    char *s;
    size_t len;
    size_t cap;
    bool oom;
} arc_buf;

void arc_buf_init(arc_buf *b);
void arc_buf_free(arc_buf *b);
void arc_buf_reset(arc_buf *b);
void arc_buf_add(arc_buf *b, const char *s, size_t n);
void arc_buf_puts(arc_buf *b, const char *s);
void arc_buf_printf(arc_buf *b, const char *fmt, ...) ARC_PRINTF(2, 3);
/* Append s as a JSON string literal with quotes and escapes. */
void arc_buf_json_str(arc_buf *b, const char *s);
void arc_buf_json_strn(arc_buf *b, const char *s, size_t n);
/* Always NUL-terminated ("" when empty). */
const char *arc_buf_str(const arc_buf *b);

/* Bounded copy and format: always terminate, return -1 when truncated. */
int arc_strlcpy(char *dst, const char *src, size_t n);
int arc_snprintf(char *dst, size_t n, const char *fmt, ...) ARC_PRINTF(3, 4);
/* Format an error message into err and return -1, for
 * `return arc_errf(err, errlen, "port %d is out of range", port);`. */
int arc_errf(char *err, size_t errlen, const char *fmt, ...) ARC_PRINTF(3, 4);

/* ---- URLs, environment, secrets (url.c, env.c) ---------------------------- */
typedef struct {
    char scheme[16];
    char user[128];
    char pass[256];
    char host[256];  /* without brackets for IPv6 */
    int port;        /* 0 when absent */
    char path[512];  /* from the first '/' after the authority, may be "" */
    bool has_pass;
} arc_url;

/* Parse scheme://[user[:pass]@]host[:port][/path]. Percent-escapes in user
 * and pass are decoded. Returns 0 or -1 with a reason in err (never showing
 * the password). */
int arc_url_parse(const char *in, arc_url *u, char *err, size_t errlen);
/* "host:port" (IPv6 in brackets) for messages. */
void arc_url_hostport(const arc_url *u, char *out, size_t n);
/* A parsed URL for messages: scheme://[user[:***]@]host[:port][/path]; the
 * password is replaced by its position, and a path holding '@' (a password
 * that was not escaped may have landed there) is shown as "/...". */
void arc_url_shown(const arc_url *u, char *out, size_t n);
/* Copy a URL for messages: parsed, then arc_url_shown. A URL that does not
 * parse and holds an '@' is never echoed (it may hold a password): out says
 * so instead. */
void arc_mask_url(const char *url, char *out, size_t n);
/* Legacy: replace every occurrence of secret in s by "***", in place. The
 * probes do not use it (a short secret masks unrelated text, a partly
 * printed one is missed); mask by position with arc_url_shown instead. */
void arc_redact(char *s, size_t cap, const char *secret);
/* Does s[0..n) hold a control character (NUL included)? */
bool arc_has_ctrl(const char *s, size_t n);
/* Zero a secret buffer so it does not linger in memory. */
void arc_wipe(void *p, size_t n);

/* getenv that treats "" as unset. */
const char *arc_env(const char *name);
/* Read a whole file into a NUL-terminated malloc'd buffer. NULL + err on failure. */
char *arc_read_file(const char *path, size_t *len, char *err, size_t errlen);
/* Read a secret (password, token) from a file: first line, trailing
 * whitespace removed. 0 ok, -1 with err. */
int arc_read_secret_file(const char *path, char *out, size_t n, char *err,
                         size_t errlen);

/* ---- the --wait loop (retry.c) -------------------------------------------- */
/*
 * One attempt of a check. `dl` is the deadline for this attempt (the earlier
 * of --timeout from now and the overall --wait deadline). Return 0 when
 * healthy, 1 when unhealthy (write a short reason into why), or another code
 * (e.g. 64/65) to stop at once without retrying.
 */
typedef int (*arc_attempt_fn)(void *ctx, const arc_deadline *dl, char *why,
                              size_t whylen);

typedef struct {
    int rc;            /* 0 healthy, 1 unhealthy, or a code the attempt returned */
    unsigned attempts; /* attempts made */
    double elapsed;    /* seconds since start */
    double last_ms;    /* duration of the last attempt, ms */
} arc_retry_result;

/*
 * Without --wait: one attempt bounded by --timeout.
 * With --wait W: attempts until healthy or W seconds have passed; each
 * attempt bounded by min(--timeout, time left); between attempts a capped
 * exponential backoff with jitter (base 0.1 s, cap 2 s), never sleeping past
 * the overall deadline. Shows progress on a terminal.
 */
arc_retry_result arc_retry(const arc_common *c, arc_attempt_fn fn, void *ctx,
                           char *why, size_t whylen);
/* The verdict after arc_retry: ok when res->rc is 0, the last attempt's
 * latency and the number of attempts; json_extra may be NULL. Returns the
 * exit code, 0 or 1 (any other code an attempt returned is a failure). */
int arc_report_retry(const arc_common *c, const arc_retry_result *res,
                     const char *check, const char *target, const char *detail,
                     const char *json_extra);
/* A whole check: arc_retry, then arc_report_retry with the last attempt's
 * reason as the detail and extra (may be NULL; the attempts fill it) as
 * json_extra. Returns the exit code, 0 or 1. */
int arc_run_check(const arc_common *c, const char *check, const char *target,
                  arc_attempt_fn fn, void *ctx, const arc_buf *extra);

/* ---- JSON input (json.c; jsmn underneath) -------------------------------- */
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#ifndef ARC_JSON_IMPL
#define JSMN_HEADER /* json.c alone compiles jsmn's code */
#endif
#include <jsmn.h>

typedef struct {
    const char *js;
    size_t len;
    jsmntok_t *tok;
    int ntok;
    size_t *lines;  /* offset where each line starts (positions in O(log n)) */
    size_t nlines;
} arc_json;

/* Check js[0..len) against the JSON grammar; 0 ok, -1 with err
 * "line L, column C: reason" (jsonsyntax.c). arc_json_parse calls it. */
int arc_json_syntax(const char *js, size_t len, char *err, size_t errlen);
/* Parse js[0..len). 0 ok; -1 with err "line L, column C: reason". */
int arc_json_parse(arc_json *j, const char *js, size_t len, char *err,
                   size_t errlen);
void arc_json_free(arc_json *j);
/* Index of the token following the whole subtree rooted at i. */
int arc_json_next(const arc_json *j, int i);
/* Value token of key in object obj, or -1. */
int arc_json_get(const arc_json *j, int obj, const char *key);
bool arc_json_is(const arc_json *j, int i, jsmntype_t type);
bool arc_json_eq(const arc_json *j, int i, const char *s); /* string/primitive text equals */
/* Copy a string token, decoding escapes (\uXXXX to UTF-8). -1 if not a
 * string or it does not fit. */
int arc_json_str(const arc_json *j, int i, char *out, size_t n);
/* arc_json_str for a declared name: -2 when the decoded text holds a control
 * character (a \u0000 would silently cut the name short). */
int arc_json_name(const arc_json *j, int i, char *out, size_t n);
int arc_json_int(const arc_json *j, int i, long long *out); /* integer primitive */
int arc_json_bool(const arc_json *j, int i, bool *out);
bool arc_json_null(const arc_json *j, int i);
/* 1-based line and column of token i in the source, for error messages. */
void arc_json_pos(const arc_json *j, int i, int *line, int *col);
/* The raw text of token i (not NUL-terminated): pointer and length. */
const char *arc_json_raw(const arc_json *j, int i, int *len);

#endif /* ARC_H */
