/* test_core.c — unit tests of the shared probe core (TAP). */
#include "arc.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

static void test_url(void)
{
    arc_url u;
    char err[128];
    OK(arc_url_parse("redis://user:p%40ss@127.0.0.1:6380/2", &u, err, sizeof err) == 0,
       "full redis URL parses");
    IS_STR(u.scheme, "redis", "scheme");
    IS_STR(u.user, "user", "user");
    IS_STR(u.pass, "p@ss", "password is percent-decoded");
    IS_STR(u.host, "127.0.0.1", "host");
    OK(u.port == 6380, "port 6380");
    IS_STR(u.path, "/2", "path keeps the database");
    OK(arc_url_parse("nats://[::1]:4222", &u, err, sizeof err) == 0 && strcmp(u.host, "::1") == 0 &&
           u.port == 4222, "IPv6 host in brackets");
    char hp[64];
    arc_url_hostport(&u, hp, sizeof hp);
    IS_STR(hp, "[::1]:4222", "hostport re-brackets IPv6");
    OK(arc_url_parse("redis://:only-pass@h", &u, err, sizeof err) == 0 && u.has_pass &&
           strcmp(u.user, "") == 0 && strcmp(u.pass, "only-pass") == 0 && u.port == 0,
       "password without user, no port");
    OK(arc_url_parse("127.0.0.1:6379", &u, err, sizeof err) == -1, "missing scheme is an error");
    OK(arc_url_parse("redis://h:99999", &u, err, sizeof err) == -1 && strstr(err, "port"),
       "port out of range names the port");
    OK(arc_url_parse("redis://h:12ab", &u, err, sizeof err) == -1, "non-numeric port rejected");
    OK(arc_url_parse("redis://:s3cret@", &u, err, sizeof err) == -1 && !strstr(err, "s3cret"),
       "error for missing host does not show the password");
    OK(arc_url_parse("http://a@b@host:1/x", &u, err, sizeof err) == 0 && strcmp(u.host, "host") == 0,
       "last '@' ends the user info");
}

static void test_mask(void)
{
    char out[256];
    arc_mask_url("redis://user:hunter2@127.0.0.1:6379/0", out, sizeof out);
    IS_STR(out, "redis://user:***@127.0.0.1:6379/0", "URL password masked");
    arc_mask_url("nats://127.0.0.1:4222", out, sizeof out);
    IS_STR(out, "nats://127.0.0.1:4222", "URL without password unchanged");
    arc_mask_url("postgresql://bob@h/db", out, sizeof out);
    IS_STR(out, "postgresql://bob@h/db", "user without password unchanged");
    arc_mask_url("redis://u:p@ss:w@127.0.0.1:6379/0", out, sizeof out);
    IS_STR(out, "redis://u:***@127.0.0.1:6379/0", "password with '@' and ':' masked whole");
    arc_mask_url("redis://:a@127.0.0.1:6379/a", out, sizeof out);
    IS_STR(out, "redis://:***@127.0.0.1:6379/a", "one-letter password: the path 'a' stays");
    arc_mask_url("redis://u:12/ss@h", out, sizeof out);
    OK(!strstr(out, "ss"), "a password that spilled into the path is not shown: %s", out);
    arc_mask_url("redis://u:pw@h:99999", out, sizeof out);
    OK(!strstr(out, "pw"), "an unparsable URL with user info is not echoed: %s", out);
    OK(arc_has_ctrl("a\x01b", 3) && arc_has_ctrl("a\0b", 3) && !arc_has_ctrl("abc", 3),
       "control characters, NUL included, are found");
    char msg[128] = "auth failed for token abc123 (abc123)";
    arc_redact(msg, sizeof msg, "abc123");
    IS_STR(msg, "auth failed for token *** (***)", "every occurrence redacted");
    char msg2[64] = "nothing here";
    arc_redact(msg2, sizeof msg2, "");
    IS_STR(msg2, "nothing here", "empty secret changes nothing");
}

static void test_backoff(void)
{
    arc_backoff b;
    arc_backoff_init(&b, 2.0, 30.0, 0.0, 42);
    const double want[] = {2, 4, 8, 16, 30, 30};
    int good = 1;
    for (int i = 0; i < 6; i++)
        good &= fabs(arc_backoff_next(&b) - want[i]) < 1e-9;
    OK(good, "no jitter: 2 4 8 16 30 30 (capped)");
    OK(fabs(arc_backoff_nominal(&b, 100) - 30.0) < 1e-9, "huge attempt number stays at the cap");
    arc_backoff_init(&b, 0.1, 2.0, 0.5, 7);
    int in_range = 1;
    double prev_nom = 0;
    for (unsigned i = 0; i < 50; i++) {
        double nom = arc_backoff_nominal(&b, b.attempt);
        double d = arc_backoff_next(&b);
        in_range &= d <= nom + 1e-12 && d >= nom * 0.5 - 1e-12 && nom >= prev_nom;
        prev_nom = nom;
    }
    OK(in_range, "jitter 0.5: each delay within [nominal/2, nominal], nominal non-decreasing");
    arc_backoff a, c;
    arc_backoff_init(&a, 1, 8, 1, 99);
    arc_backoff_init(&c, 1, 8, 1, 99);
    OK(arc_backoff_next(&a) == arc_backoff_next(&c), "same seed, same schedule");
}

static void test_deadline(void)
{
    arc_deadline d;
    arc_deadline_init(&d, 0.2);
    OK(!arc_deadline_expired(&d) && arc_deadline_left(&d) > 0.1, "fresh deadline has time left");
    OK(arc_deadline_left_ms(&d) <= 200 && arc_deadline_left_ms(&d) > 100, "left_ms in range");
    arc_sleep(0.25);
    OK(arc_deadline_expired(&d) && arc_deadline_left(&d) == 0 && arc_deadline_left_ms(&d) == 0,
       "expired after sleeping past it");
    arc_deadline a, b;
    arc_deadline_init(&a, 10);
    arc_deadline_init(&b, 1);
    arc_deadline m = arc_deadline_min(&a, &b);
    OK(arc_deadline_left(&m) <= 1.0, "min picks the earlier deadline");
}

static void test_numbers(void)
{
    double s;
    long l;
    OK(arc_parse_seconds("1.5", &s) == 0 && s == 1.5, "1.5 seconds");
    OK(arc_parse_seconds("-1", &s) == -1, "negative rejected");
    OK(arc_parse_seconds("5s", &s) == -1, "trailing garbage rejected");
    OK(arc_parse_seconds("nan", &s) == -1 && arc_parse_seconds("inf", &s) == -1, "nan/inf rejected");
    OK(arc_parse_seconds("", &s) == -1, "empty rejected");
    OK(arc_parse_long("42", 1, 100, &l) == 0 && l == 42, "42 in range");
    OK(arc_parse_long("101", 1, 100, &l) == -1, "out of range rejected");
}

static void test_json(void)
{
    const char *doc = "{\n  \"name\": \"a\\u00e9\\n\",\n  \"n\": 12,\n  \"b\": true,\n"
                      "  \"list\": [1, {\"x\": 2}],\n  \"z\": null\n}";
    arc_json j;
    char err[128], s[32];
    OK(arc_json_parse(&j, doc, strlen(doc), err, sizeof err) == 0, "valid document parses");
    int name = arc_json_get(&j, 0, "name");
    OK(arc_json_str(&j, name, s, sizeof s) == 0 && strcmp(s, "a\xc3\xa9\n") == 0,
       "string unescaped (\\u00e9 to UTF-8, \\n)");
    long long n = 0;
    OK(arc_json_int(&j, arc_json_get(&j, 0, "n"), &n) == 0 && n == 12, "integer");
    bool b = false;
    OK(arc_json_bool(&j, arc_json_get(&j, 0, "b"), &b) == 0 && b, "boolean");
    OK(arc_json_null(&j, arc_json_get(&j, 0, "z")), "null");
    OK(arc_json_get(&j, 0, "x") == -1, "nested key not found at top level");
    int list = arc_json_get(&j, 0, "list");
    OK(arc_json_is(&j, list, JSMN_ARRAY) && j.tok[list].size == 2, "array of 2");
    OK(arc_json_next(&j, list) == arc_json_get(&j, 0, "z") - 1, "next skips the whole subtree");
    int line, col;
    arc_json_pos(&j, arc_json_get(&j, 0, "n"), &line, &col);
    OK(line == 3 && col == 8, "position of a value: line 3, column 8 (got %d:%d)", line, col);
    OK(arc_json_str(&j, name, s, 3) == -1, "too small buffer refused");
    arc_json_free(&j);

    const char *bad = "{\n  \"a\": 1,\n  \"b\": forever\n}";
    OK(arc_json_parse(&j, bad, strlen(bad), err, sizeof err) == -1 && strstr(err, "line 3"),
       "bare word is invalid in strict mode, error names line 3: %s", err);
    const char *open = "{\"a\": [1, 2";
    OK(arc_json_parse(&j, open, strlen(open), err, sizeof err) == -1 && strstr(err, "unexpected end"),
       "unclosed document: %s", err);
    const char *two = "{} {}";
    OK(arc_json_parse(&j, two, strlen(two), err, sizeof err) == -1 && strstr(err, "column 4"),
       "trailing second document rejected: %s", err);
    OK(arc_json_parse(&j, "", 0, err, sizeof err) == -1, "empty input rejected");
}

static void test_buf(void)
{
    arc_buf b;
    arc_buf_init(&b);
    IS_STR(arc_buf_str(&b), "", "empty buffer is \"\"");
    arc_buf_json_str(&b, "a\"b\\c\n\x01");
    IS_STR(arc_buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001\"", "JSON string escaping");
    arc_buf_reset(&b);
    for (int i = 0; i < 1000; i++)
        arc_buf_printf(&b, "%d,", i);
    OK(b.len > 3000 && !b.oom, "buffer grows");
    arc_buf_free(&b);
    char small[4];
    OK(arc_strlcpy(small, "abcdef", sizeof small) == -1 && strcmp(small, "abc") == 0,
       "strlcpy truncates and reports it");
    OK(arc_snprintf(small, sizeof small, "%d", 12) == 0, "snprintf fits");
    char err[16];
    OK(arc_errf(err, sizeof err, "port %d is bad", 99999) == -1 &&
           strcmp(err, "port 99999 is b") == 0, "errf formats, truncates and returns -1");
}

/* An attempt that fails `failures` times with `code`, then succeeds. */
typedef struct {
    int calls, failures, code;
} flaky;

static int flaky_attempt(void *ctx, const arc_deadline *dl, char *why, size_t whylen)
{
    flaky *f = ctx;
    (void)dl;
    if (++f->calls <= f->failures) {
        arc_snprintf(why, whylen, "down (call %d)", f->calls);
        return f->code;
    }
    arc_strlcpy(why, "up", whylen);
    return ARC_EXIT_OK;
}

/* arc_run_check with its stdout captured into out. */
static int run_captured(const arc_common *c, flaky *f, const arc_buf *extra, char *out, size_t n)
{
    fflush(stdout);
    FILE *tmp = tmpfile();
    int saved = dup(STDOUT_FILENO);
    if (!tmp || saved < 0 || dup2(fileno(tmp), STDOUT_FILENO) < 0)
        return -1;
    int rc = arc_run_check(c, "ping", "127.0.0.1:1", flaky_attempt, f, extra);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    rewind(tmp);
    size_t k = fread(out, 1, n - 1, tmp);
    out[k] = '\0';
    fclose(tmp);
    return rc;
}

static void test_run_check(void)
{
    arc_common c;
    arc_common_init(&c, "probe", "usage\n");
    c.tty = false; /* no progress line */
    char out[512];
    arc_buf extra;
    arc_buf_init(&extra);
    arc_buf_puts(&extra, ",\"x\":1");

    flaky once = {0, 1, ARC_EXIT_FAIL};
    OK(run_captured(&c, &once, NULL, out, sizeof out) == 1 && once.calls == 1,
       "without --wait: one attempt, exit 1");
    const char *line = "probe FAIL ping 127.0.0.1:1: down (call 1) (";
    OK(strncmp(out, line, strlen(line)) == 0 && !strstr(out, "attempts"),
       "one verdict line: %.*s", (int)strcspn(out, "\n"), out);

    flaky twice = {0, 2, ARC_EXIT_FAIL};
    c.wait = 5;
    c.json = true;
    OK(run_captured(&c, &twice, &extra, out, sizeof out) == 0 && twice.calls == 3,
       "--wait retries until healthy, exit 0");
    OK(strstr(out, "\"ok\":true") && strstr(out, "\"attempts\":3") &&
           strstr(out, "\"detail\":\"up\",\"x\":1}\n"),
       "--json: one object with attempts, detail and the extra keys: %.*s",
       (int)strcspn(out, "\n"), out);

    flaky final = {0, 1, 3};
    c.quiet = true;
    OK(run_captured(&c, &final, NULL, out, sizeof out) == 1 && final.calls == 1 && !out[0],
       "a code other than 1 stops --wait at once, is reported as 1, -q prints nothing");
    arc_buf_free(&extra);
}

int main(void)
{
    test_url();
    test_mask();
    test_backoff();
    test_deadline();
    test_numbers();
    test_json();
    test_buf();
    test_run_check();
    return tap_done();
}
