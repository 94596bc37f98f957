/* main.c — pulsaradm: Pulsar broker health and idempotent provisioning of a
 * tenant, its namespaces and partitioned topics through the admin REST API.
 * This file is the options and the dispatch; it reads like --help. */
#include "pulsaradm.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: pulsaradm [OPTIONS] [COMMAND]\n"
    "\n"
    "Check an Apache Pulsar broker and provision its tenant, namespaces and\n"
    "partitioned topics through the admin REST API (libcurl, no JVM).\n"
    "\n"
    "Commands:\n"
    "  health                   GET /admin/v2/brokers/health answers 200 'ok' (default)\n"
    "  ready                    GET /admin/v2/brokers/ready answers 200 'ok'\n"
    "  apply FILE               create the tenant, namespaces (with their policies)\n"
    "                           and partitioned topics FILE declares; reads first and\n"
    "                           writes only what differs; per item\n"
    "                           created|exists|updated|conflict; a change Pulsar\n"
    "                           cannot make in place is a conflict, never a\n"
    "                           delete and recreate\n"
    "  tenants                  list the tenants\n"
    "  namespaces TENANT        list the namespaces of TENANT\n"
    "  topics TENANT/NAMESPACE  list the topics with their partition counts\n"
    "\n"
    "Options:\n"
    "  -u, --admin-url URL  admin REST URL (default $PULSAR_ADMIN_URL, else\n"
    "                       " PA_DEFAULT_URL ")\n"
    "      --token TOKEN    bearer token (default $PULSAR_AUTH_TOKEN; visible in\n"
    "                       the process list: prefer --token-file)\n"
    "      --token-file F   read the token from the first line of F\n"
    "      --dry-run        with 'apply': the plan, one line per item (create,\n"
    "                       update, unchanged, conflict); writes nothing; exit 0\n"
    "                       in sync, 2 changes pending, 1 error\n"
    "      --follow-redirects  follow a redirect (e.g. a 307 to the owner broker)\n"
    "                       only to the same scheme, host and port; without it a\n"
    "                       redirect fails, naming its target\n"
    "\n"
    "A reply over 16 MiB fails as 'reply too large'.\n"
    "\n"
    "--timeout bounds the whole command (every request of an apply). With --wait,\n"
    "apply and the listings first wait until health answers 'ok'.\n"
    "\n" ARC_COMMON_HELP "\n" ARC_EXIT_HELP;

enum { OPT_TOKEN = ARC_OPT_FIRST_PROBE, OPT_TOKEN_FILE, OPT_FOLLOW, OPT_DRY_RUN };

typedef struct {
    const char *url;
    const char *token_file;
    bool token_given;
    bool follow;
    bool dry_run;
    char token[PA_TOKEN_MAX];
    char base[1024];
    arc_url parsed;
} options;

/* Copy --token, then blank it in argv so it leaves the process list. */
static void take_token(const arc_common *c, options *o, char *arg)
{
    if (arc_strlcpy(o->token, arg, sizeof o->token) != 0)
        arc_usage_error(c, "--token: the token is too long");
    arc_wipe(arg, strlen(arg));
    o->token_given = true;
}

static void parse_options(arc_common *c, options *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"admin-url", required_argument, NULL, 'u'},
        {"token", required_argument, NULL, OPT_TOKEN},
        {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
        {"follow-redirects", no_argument, NULL, OPT_FOLLOW},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        ARC_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, ":u:" ARC_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (arc_common_opt(c, opt, optarg, argv))
            continue;
        if (opt == 'u')
            o->url = optarg;
        else if (opt == OPT_TOKEN)
            take_token(c, o, optarg);
        else if (opt == OPT_TOKEN_FILE)
            o->token_file = optarg;
        else if (opt == OPT_FOLLOW)
            o->follow = true;
        else if (opt == OPT_DRY_RUN)
            o->dry_run = true;
    }
}

/* --admin-url, else $PULSAR_ADMIN_URL, else the default; http(s) only. */
static void resolve_url(const arc_common *c, options *o, pa_ctx *x)
{
    char err[256];
    const char *url = o->url, *from = "--admin-url";
    if (!url && (url = arc_env("PULSAR_ADMIN_URL")) != NULL)
        from = "PULSAR_ADMIN_URL";
    if (!url) {
        url = PA_DEFAULT_URL;
        from = "default URL";
    }
    if (pa_base_url(url, &o->parsed, o->base, sizeof o->base, x->target, sizeof x->target, err,
                    sizeof err) != 0)
        arc_usage_error(c, "%s: %s", from, err);
}

/* --token, else --token-file, else $PULSAR_AUTH_TOKEN, else none. */
static void resolve_token(const arc_common *c, options *o, pa_ctx *x)
{
    char err[512];
    if (o->token_given && o->token_file)
        arc_usage_error(c, "give --token or --token-file, not both");
    if (o->token_file && arc_read_secret_file(o->token_file, o->token, sizeof o->token, err,
                                              sizeof err) != 0)
        arc_usage_error(c, "--token-file: %s", err);
    if (!o->token_given && !o->token_file && arc_env("PULSAR_AUTH_TOKEN") &&
        arc_strlcpy(o->token, arc_env("PULSAR_AUTH_TOKEN"), sizeof o->token) != 0)
        arc_usage_error(c, "PULSAR_AUTH_TOKEN: the token is too long");
    for (const char *p = o->token; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            arc_usage_error(c, "the token contains spaces or control characters");
    x->token = o->token[0] ? o->token : NULL;
}

/* Check the command and its arguments before any network traffic. */
static void check_command(const arc_common *c, int nargs, char **args)
{
    static const struct { const char *name; int nargs; const char *usage; } cmds[] = {
        {"health", 0, "health"},         {"ready", 0, "ready"},
        {"apply", 1, "apply FILE"},      {"tenants", 0, "tenants"},
        {"namespaces", 1, "namespaces TENANT"},
        {"topics", 1, "topics TENANT/NAMESPACE"}};
    const char *cmd = nargs > 0 ? args[0] : "health";
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        if (strcmp(cmd, cmds[i].name) != 0)
            continue;
        if (nargs > 0 && nargs - 1 != cmds[i].nargs)
            arc_usage_error(c, "usage: pulsaradm %s", cmds[i].usage);
        return;
    }
    arc_usage_error(c, "unknown command '%s' (health, ready, apply, tenants, namespaces, topics)",
                    cmd);
}

/* TENANT or TENANT/NAMESPACE as a command argument. */
static void check_names(const arc_common *c, const char *arg, bool with_ns)
{
    char t[PA_NAME_MAX];
    const char *slash = strchr(arg, '/');
    bool ok = with_ns ? slash && (size_t)(slash - arg) < sizeof t : !slash;
    if (ok && with_ns) {
        memcpy(t, arg, (size_t)(slash - arg));
        t[slash - arg] = '\0';
        ok = pa_valid_name(t) && pa_valid_name(slash + 1);
    } else if (ok) {
        ok = pa_valid_name(arg);
    }
    if (!ok)
        arc_usage_error(c, "'%s' is not %s", arg, with_ns ? "TENANT/NAMESPACE" : "a tenant name");
}

static int dispatch(pa_ctx *x, int nargs, char **args)
{
    const char *cmd = nargs > 0 ? args[0] : "health";
    if (strcmp(cmd, "health") == 0 || strcmp(cmd, "ready") == 0)
        return pa_cmd_health(x, cmd);
    if (strcmp(cmd, "apply") == 0)
        return pa_cmd_apply(x, args[1]);
    if (strcmp(cmd, "tenants") == 0)
        return pa_cmd_tenants(x);
    if (strcmp(cmd, "namespaces") == 0)
        return pa_cmd_namespaces(x, args[1]);
    return pa_cmd_topics(x, args[1]);
}

int main(int argc, char **argv)
{
    options o = {0};
    pa_ctx x = {0};
    char err[256];
    arc_common_init(&x.c, PA_PROG, usage);
    parse_options(&x.c, &o, argc, argv);
    int nargs = argc - optind;
    char **args = argv + optind;
    check_command(&x.c, nargs, args);
    if (nargs == 2 && strcmp(args[0], "apply") != 0)
        check_names(&x.c, args[1], strcmp(args[0], "topics") == 0);
    resolve_url(&x.c, &o, &x);
    resolve_token(&x.c, &o, &x);
    bool has_user = o.parsed.user[0] || o.parsed.has_pass;
    x.follow = o.follow;
    x.dry_run = o.dry_run;
    if (o.dry_run && (nargs == 0 || strcmp(args[0], "apply") != 0))
        arc_usage_error(&x.c, "--dry-run only goes with 'apply FILE'");
    x.http = pa_http_open(o.base, x.token, has_user ? o.parsed.user : NULL,
                          has_user ? o.parsed.pass : NULL, o.follow, err, sizeof err);
    int rc = ARC_EXIT_FAIL;
    if (x.http)
        rc = dispatch(&x, nargs, args);
    else
        arc_err(&x.c, "%s", err);
    pa_http_close(x.http);
    arc_wipe(o.token, sizeof o.token);
    arc_wipe(o.parsed.pass, sizeof o.parsed.pass);
    return rc;
}
