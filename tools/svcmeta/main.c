/*
 * svcmeta — what the kit knows about its services, read from the files:
 * services/<folder>/service.yaml (one service each) and profiles.yaml. Every
 * command reads them once, validates them, and prints one answer; scripts
 * eval the shell code of `env` and `resolve`.
 */
#include "svcmeta.h"

#include <getopt.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "Usage: svcmeta [--root DIR] [--profiles FILE] COMMAND [ARGS]\n"
    "\n"
    "What the kit knows about its services, read from services/*/service.yaml\n"
    "(one service each) and profiles.yaml.\n"
    "\n"
    "Commands:\n"
    "  list                   every codename, one a line (in folder order)\n"
    "  get CODENAME FIELD     one field: name codename tech role kind description dir\n"
    "                         compose container probe up_timeout depends_on profiles\n"
    "  env CODENAME           shell code (for eval) describing one service, its ports\n"
    "                         and health command resolved\n"
    "  var CODENAME NAME      a variable as the service sees it: the environment, else\n"
    "                         its folder's .env, else its port's default; empty if unset\n"
    "  profile [NAME [KIND]]  the profile's services in start order: dependencies\n"
    "                         first, one-shots last (NAME empty = the default profile;\n"
    "                         KIND service|oneshot keeps only that kind)\n"
    "  profiles               the profile names\n"
    "  default                the default profile's name\n"
    "  check                  validate every service.yaml and profiles.yaml\n"
    "  resolve [PROFILE]      shell code (for eval) describing the profile (empty =\n"
    "                         the default) and every service: ARC_META_* lists,\n"
    "                         META_* associative arrays keyed by codename, and the\n"
    "                         export of the profile's env: settings (where the\n"
    "                         caller has not set them) and of every port variable.\n"
    "                         The profile's services\n"
    "                         are resolved strictly; for the others a field whose\n"
    "                         variables cannot be resolved is left empty and the\n"
    "                         service is named in ARC_META_INCOMPLETE\n"
    "\n"
    "Options:\n"
    "      --root DIR       the kit's root (default: $ARC_ROOT)\n"
    "      --profiles FILE  the profiles file (default: $ARC_PROFILES_FILE, else\n"
    "                       ROOT/profiles.yaml)\n"
    "  -h, --help           this help\n"
    "  -V, --version        print the version\n"
    "\n"
    "Values: ${VAR} and ${VAR:-default} in urls, health args and env, hooks and\n"
    "run are taken from the environment (when not empty), else the service\n"
    "folder's .env, else (for a port's env variable) the port's host.\n"
    "\n"
    "Environment:\n"
    "  ARC_ROOT           the kit's root when --root is absent\n"
    "  ARC_PROFILES_FILE  the profiles file when --profiles is absent\n"
    "\n"
    "Exit status:\n"
    "  0   ok\n"
    "  1   not found / inconsistent (unknown service, unset variable, check failed)\n"
    "  64  bad usage (unknown command, option, profile, kind or field; a port\n"
    "      variable that is not a port number)\n"
    "  65  malformed file (not valid YAML, unknown key, bad value, bad .env line)\n";

enum { OPT_ROOT = ARC_OPT_FIRST_PROBE, OPT_PROFILES };

static const struct option longopts[] = {
    {"root", required_argument, NULL, OPT_ROOT},
    {"profiles", required_argument, NULL, OPT_PROFILES},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

typedef struct {
    arc_common common;
    const char *root;
    const char *profiles;
    const char *cmd;
    char *const *args;
    int nargs;
} options;

static const struct {
    const char *name;
    int min, max;
} commands[] = {
    {"list", 0, 0},     {"get", 2, 2},     {"env", 1, 1},   {"profile", 0, 2},
    {"profiles", 0, 0}, {"default", 0, 0}, {"check", 0, 0}, {"resolve", 0, 1}, {"var", 2, 2},
};

static void parse_args(options *o, int argc, char *argv[])
{
    arc_common_init(&o->common, SM_PROG, usage);
    int opt;
    while ((opt = getopt_long(argc, argv, "+:hV", longopts, NULL)) != -1) {
        if (opt == OPT_ROOT)
            o->root = optarg;
        else if (opt == OPT_PROFILES)
            o->profiles = optarg;
        else
            arc_common_opt(&o->common, opt, optarg, argv);
    }
    if (optind >= argc)
        arc_usage_error(&o->common, "no command (list, get, env, profile, profiles, default, "
                                    "check, resolve)");
    o->cmd = argv[optind];
    o->args = argv + optind + 1;
    o->nargs = argc - optind - 1;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(o->cmd, commands[i].name)) {
            if (o->nargs < commands[i].min || o->nargs > commands[i].max)
                arc_usage_error(&o->common, "%s: expected %d to %d arguments, got %d", o->cmd,
                                commands[i].min, commands[i].max, o->nargs);
            return;
        }
    arc_usage_error(&o->common, "unknown command '%s'", o->cmd);
}

/* The root made absolute, without trailing slashes (messages and paths
 * strip it as a prefix). */
static const char *kit_root(options *o, char *buf, size_t n)
{
    const char *root = o->root ? o->root : arc_env("ARC_ROOT");
    if (!root || !*root)
        arc_usage_error(&o->common, "no kit root: pass --root DIR or set ARC_ROOT");
    char cwd[PATH_MAX] = "";
    if (root[0] != '/' && !getcwd(cwd, sizeof cwd))
        arc_usage_error(&o->common, "cannot find the current directory for '%s'", root);
    if (arc_snprintf(buf, n, "%s%s%s", cwd, *cwd ? "/" : "", root) != 0)
        arc_usage_error(&o->common, "root path too long: '%s'", root);
    size_t len = strlen(buf);
    while (len > 1 && buf[len - 1] == '/')
        buf[--len] = '\0';
    return buf;
}

static const char *arg(const options *o, int i)
{
    return i < o->nargs ? o->args[i] : NULL;
}

static int dispatch(sm_kit *k, const options *o, arc_buf *out)
{
    const char *c = o->cmd;
    if (!strcmp(c, "list"))
        return sm_cmd_list(k, out);
    if (!strcmp(c, "get"))
        return sm_cmd_get(k, arg(o, 0), arg(o, 1), out);
    if (!strcmp(c, "env"))
        return sm_cmd_env(k, arg(o, 0), out);
    if (!strcmp(c, "var"))
        return sm_cmd_var(k, arg(o, 0), arg(o, 1), out);
    if (!strcmp(c, "profile"))
        return sm_cmd_profile(k, arg(o, 0), arg(o, 1), out);
    if (!strcmp(c, "profiles"))
        return sm_cmd_profiles(k, out);
    if (!strcmp(c, "default"))
        return sm_cmd_default(k, out);
    if (!strcmp(c, "check"))
        return sm_cmd_check(k, out);
    return sm_cmd_resolve(k, arg(o, 0), out);
}

/* Every line of the error, prefixed with the program's name. */
static void print_error(const sm_err *e)
{
    const char *s = arc_buf_str(&e->msg);
    do {
        size_t n = strcspn(s, "\n");
        fprintf(stderr, "%s: %.*s\n", SM_PROG, (int)n, s);
        s += n + (s[n] == '\n');
    } while (*s);
}

int main(int argc, char *argv[])
{
    static options o;
    parse_args(&o, argc, argv);
    char root[PATH_MAX];
    kit_root(&o, root, sizeof root);
    const char *profiles = o.profiles ? o.profiles : arc_env("ARC_PROFILES_FILE");
    char pdefault[PATH_MAX + 16];
    if (!profiles) {
        arc_snprintf(pdefault, sizeof pdefault, "%s/profiles.yaml", root);
        profiles = pdefault;
    }

    sm_kit k;
    sm_kit_init(&k, root, profiles);
    arc_buf out;
    arc_buf_init(&out);
    int rc = sm_load_services(&k) || dispatch(&k, &o, &out) ? k.err.code : ARC_EXIT_OK;
    if (rc == ARC_EXIT_OK && out.oom)
        rc = sm_fail(&k.err, ARC_EXIT_FAIL, "out of memory") ? ARC_EXIT_FAIL : 0;
    if (rc == ARC_EXIT_OK && k.err.msg.len) /* cannot happen: every failure sets a code */
        rc = ARC_EXIT_FAIL;
    if (rc != ARC_EXIT_OK)
        print_error(&k.err);
    else if (out.len && (fwrite(out.s, 1, out.len, stdout) != out.len || putchar('\n') == EOF))
        rc = ARC_EXIT_FAIL;
    if (fflush(stdout) != 0)
        rc = ARC_EXIT_FAIL;
    if (out.s)
        arc_wipe(out.s, out.cap); /* env and resolve hold secrets */
    arc_buf_free(&out);
    sm_kit_free(&k);
    return rc;
}
