/*
 * redisping — is this Redis really serving? PING must answer PONG; error
 * replies (-LOADING, -NOAUTH, -WRONGPASS, -BUSY, -MASTERDOWN, ...) fail;
 * --expect checks INFO / CONFIG values. One line, --json, or -q.
 */
#include "redisping.h"

#include <getopt.h>
#include <stdlib.h>

static const char usage[] =
    "Usage: redisping [--url redis://[user:pass@]host:port[/db]] [--password-file FILE]\n"
    "                 [--timeout SEC] [--wait SEC] [--expect FIELD=VALUE]... [--json] [-q]\n"
    "\n"
    "Check that a Redis server answers PING with PONG, and optionally that INFO\n"
    "fields or CONFIG parameters have the values you expect. Any error reply\n"
    "(-LOADING, -NOAUTH, -WRONGPASS, -BUSY, -MASTERDOWN, ...) is a failure.\n"
    "\n"
    "Options:\n"
    "      --url URL             redis://[user:pass@]host:port[/db] (default: $REDIS_URL,\n"
    "                            else redis://127.0.0.1:6379); /db selects a database\n"
    "      --password-file FILE  the password, from FILE's first line (not together with\n"
    "                            a password in the URL); with a URL user: AUTH user pass\n"
    "      --expect FIELD=VALUE  FIELD's value must be VALUE: an INFO field (aof_enabled=1,\n"
    "                            maxmemory_policy=noeviction), else a CONFIG GET parameter\n"
    "                            (appendfsync=everysec); repeatable\n"
    "\n"
    "Examples:\n"
    "  redisping --wait 30                          wait up to 30 s for a healthy server\n"
    "  redisping --url redis://127.0.0.1:6379/0 --expect aof_enabled=1 --json\n"
    "\n"
    "Environment:\n"
    "  REDIS_URL      target when --url is absent\n"
    "  REDISCLI_AUTH  the password when neither the URL nor --password-file gives one\n"
    "\n" ARC_COMMON_HELP "\n" ARC_EXIT_HELP;

enum { OPT_URL = ARC_OPT_FIRST_PROBE, OPT_PASSWORD_FILE, OPT_EXPECT };

static const struct option longopts[] = {
    {"url", required_argument, NULL, OPT_URL},
    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
    {"expect", required_argument, NULL, OPT_EXPECT},
    ARC_COMMON_LONGOPTS,
    {NULL, 0, NULL, 0},
};

static void add_expect(rp_options *o, const char *arg)
{
    if (o->nexpect >= RP_MAX_EXPECT)
        arc_usage_error(&o->common, "--expect: at most %d checks", RP_MAX_EXPECT);
    if (rp_expect_parse(arg, &o->expect[o->nexpect]) != 0)
        arc_usage_error(&o->common,
                        "--expect '%s': expected FIELD=VALUE (FIELD: letters, digits, _ - .)",
                        arg);
    o->nexpect++;
}

static void parse_args(rp_options *o, int argc, char *argv[])
{
    arc_common_init(&o->common, "redisping", usage);
    int opt;
    while ((opt = getopt_long(argc, argv, ":" ARC_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_URL:
            o->url = optarg;
            o->url_origin = "--url";
            break;
        case OPT_PASSWORD_FILE:
            o->password_file = optarg;
            break;
        case OPT_EXPECT:
            add_expect(o, optarg);
            break;
        default:
            arc_common_opt(&o->common, opt, optarg, argv);
        }
    }
    if (optind < argc)
        arc_usage_error(&o->common, "unexpected argument '%s'", argv[optind]);
    if (!o->url && (o->url = arc_env("REDIS_URL")) != NULL)
        o->url_origin = "REDIS_URL";
}

int main(int argc, char *argv[])
{
    static rp_options opts; /* zeroed; filled once from argv */
    parse_args(&opts, argc, argv);

    static rp_target target;
    char err[700];
    if (rp_target_resolve(&opts, &target, err, sizeof err) != 0)
        arc_usage_error(&opts.common, "%s", err);

    rp_check check = {.opts = &opts, .target = &target};
    arc_buf_init(&check.json);
    int rc = arc_run_check(&opts.common, "ping", target.target, rp_attempt, &check, &check.json);
    arc_buf_free(&check.json);
    arc_wipe(&target, sizeof target);
    return rc;
}
