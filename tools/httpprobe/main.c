/*
 * httpprobe — does this HTTP endpoint answer as it should? GET the URL; the
 * status must be --expect-status (200) and, with --expect-body, the body must
 * contain that text. Made for images without curl or wget (the OpenTelemetry
 * collector's health_check extension). One line, --json, or -q.
 */
#include "httpprobe.h"

#include <curl/curl.h>
#include <getopt.h>
#include <string.h>

static const char usage[] =
    "Usage: httpprobe [--url URL] [--expect-status CODE] [--expect-body TEXT]\n"
    "                 [--follow-redirects] [--timeout SEC] [--wait SEC]\n"
    "                 [--format text|json|nagios|prometheus] [-q]\n"
    "\n"
    "GET an HTTP endpoint and check its reply: the status must be CODE and,\n"
    "with --expect-body, the body must contain TEXT. A redirect is reported with\n"
    "its target and fails unless --follow-redirects, which follows it only to\n"
    "the same scheme, host and port. Proxy variables are ignored; a server that\n"
    "accepts the connection and never answers fails at the --timeout deadline;\n"
    "a body over 1 MiB fails as 'reply too large'.\n"
    "\n"
    "Options:\n"
    "      --url URL             http[s]://[user:pass@]host[:port][/path]\n"
    "                            (default: $HTTPPROBE_URL, else " HP_DEFAULT_URL ",\n"
    "                            the OpenTelemetry collector's health_check)\n"
    "      --expect-status CODE  the status the reply must have (default 200)\n"
    "      --expect-body TEXT    text the body must contain\n"
    "      --follow-redirects    follow up to 5 redirects to the same scheme, host\n"
    "                            and port (never to another host)\n"
    "\n"
    "Environment:\n"
    "  HTTPPROBE_URL  target when --url is absent\n"
    "\n"
    "A password in the URL is sent as HTTP basic auth and shown as ***.\n"
    "\n" ARC_COMMON_HELP "\n" ARC_EXIT_HELP;

enum { OPT_URL = ARC_OPT_FIRST_PROBE, OPT_EXPECT_STATUS, OPT_EXPECT_BODY, OPT_FOLLOW };

static const struct option longopts[] = {
    {"url", required_argument, NULL, OPT_URL},
    {"expect-status", required_argument, NULL, OPT_EXPECT_STATUS},
    {"expect-body", required_argument, NULL, OPT_EXPECT_BODY},
    {"follow-redirects", no_argument, NULL, OPT_FOLLOW},
    ARC_COMMON_LONGOPTS,
    {NULL, 0, NULL, 0},
};

static void parse_args(hp_options *o, int argc, char *argv[])
{
    arc_common_init(&o->common, HP_PROG, usage);
    o->expect_status = 200;
    int opt;
    while ((opt = getopt_long(argc, argv, ":" ARC_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_URL:
            o->url = optarg;
            o->url_origin = "--url";
            break;
        case OPT_EXPECT_STATUS:
            if (arc_parse_long(optarg, 100, 599, &o->expect_status) != 0)
                arc_usage_error(&o->common,
                                "--expect-status: '%s' is not an HTTP status (100-599)", optarg);
            break;
        case OPT_EXPECT_BODY:
            if (!*optarg)
                arc_usage_error(&o->common, "--expect-body: the text must not be empty");
            o->expect_body = optarg;
            break;
        case OPT_FOLLOW:
            o->follow = true;
            break;
        default:
            arc_common_opt(&o->common, opt, optarg, argv);
        }
    }
    if (optind < argc)
        arc_usage_error(&o->common, "unexpected argument '%s'", argv[optind]);
    if (!o->url && (o->url = arc_env("HTTPPROBE_URL")) != NULL)
        o->url_origin = "HTTPPROBE_URL";
    if (!o->url) {
        o->url = HP_DEFAULT_URL;
        o->url_origin = "default";
    }
}

/* The URL must be http(s)://host...: its masked form for output, the URL
 * without user info for libcurl, and the user and password by position. */
static void check_url(hp_options *o)
{
    arc_mask_url(o->url, o->shown, sizeof o->shown);
    static arc_url u;
    char err[256], hp[300];
    if (arc_url_parse(o->url, &u, err, sizeof err) != 0)
        arc_usage_error(&o->common, "%s '%s': %s", o->url_origin, o->shown, err);
    if (strcmp(u.scheme, "http") != 0 && strcmp(u.scheme, "https") != 0)
        arc_usage_error(&o->common, "%s '%s': only http:// and https:// URLs are supported",
                        o->url_origin, o->shown);
    arc_url_hostport(&u, hp, sizeof hp);
    if (arc_snprintf(o->request, sizeof o->request, "%s://%s%s", u.scheme, hp, u.path) != 0)
        arc_usage_error(&o->common, "%s '%s': URL is too long", o->url_origin, o->shown);
    o->has_user = u.user[0] || u.has_pass;
    arc_strlcpy(o->user, u.user, sizeof o->user);
    arc_strlcpy(o->pass, u.pass, sizeof o->pass);
    arc_wipe(&u, sizeof u);
}

int main(int argc, char *argv[])
{
    static hp_options opts; /* zeroed; filled once from argv */
    parse_args(&opts, argc, argv);
    check_url(&opts);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        arc_err(&opts.common, "cannot initialise libcurl");
        return ARC_EXIT_FAIL;
    }

    hp_check check = {.opts = &opts, .body_matched = -1};
    arc_buf_init(&check.json);
    int rc = arc_run_check(&opts.common, "http", opts.shown, hp_attempt, &check, &check.json);
    arc_buf_free(&check.json);
    arc_wipe(opts.pass, sizeof opts.pass);
    curl_global_cleanup();
    return rc;
}
