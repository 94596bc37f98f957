/* main.c — pgcheck: is PostgreSQL really answering, over TCP, with the
 * schema we expect? Options and dispatch; the work is in the other files. */
#include "pgcheck.h"

#include <getopt.h>
#include <string.h>

static const char usage[] =
    "Usage: pgcheck [options]               connect over TCP and run a real query\n"
    "       pgcheck [options] schema FILE   ... then check the schema declared in FILE\n"
    "       pgcheck [options] schema --plan FILE\n"
    "                                       one line per declared item: unchanged,\n"
    "                                       missing, or conflict (a column type);\n"
    "                                       changes nothing; exit 0 in sync, 2\n"
    "                                       something missing or in conflict, 1 error\n"
    "\n"
    "Connection (libpq):\n"
    "      --dsn CONNINFO       'host=H port=P dbname=D user=U ...' or\n"
    "                           postgresql://user[:password]@host[:port]/dbname[?...]\n"
    "                           (default: $DATABASE_URL, else libpq's PG* variables:\n"
    "                           PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD,\n"
    "                           PGPASSFILE, PGSSLMODE, PGSERVICE, ...)\n"
    "      --password-file F    the password is the first line of F (wins over\n"
    "                           the DSN, PGPASSWORD and PGPASSFILE)\n"
    "  With no host in the DSN and PGHOST/PGHOSTADDR unset, pgcheck connects to\n"
    "  127.0.0.1 over TCP, never to a unix socket; ask for a socket explicitly\n"
    "  with host=/socket/dir or PGHOST=/socket/dir. Default port 5432.\n"
    "\n"
    "Replication (the health check, not with 'schema'):\n"
    "      --expect-role ROLE   primary or standby (pg_is_in_recovery()); the\n"
    "                           other role is unhealthy\n"
    "      --max-lag SIZE       bytes, or with a unit: 16kB, 1MB, 2GB (B, kB, MB,\n"
    "                           GB, TB; 1024-based like PostgreSQL's). A standby\n"
    "                           must be streaming from the primary and have\n"
    "                           replayed to within SIZE of the primary's end of\n"
    "                           WAL; on a primary every standby must be within\n"
    "                           SIZE and every physical replication slot active\n"
    "      --standbys N         a primary: at least N standbys streaming\n"
    "                           (default 0)\n"
    "  With any of them the verdict names the role, the standbys streaming and\n"
    "  their lag, and inactive slots with the WAL they retain. Reading\n"
    "  pg_stat_replication and pg_stat_wal_receiver needs a superuser or\n"
    "  pg_read_all_stats.\n"
    "\n"
    "Healthy = connected, authenticated, and 'SELECT 1' answered within --timeout.\n"
    "schema FILE: every declared extension (created), schema, table and column\n"
    "  must exist; every missing item is listed. An extension declared\n"
    "  {\"name\": \"vector\", \"optional\": true} that the server cannot provide is\n"
    "  a warning, not a failure. File format: docs/pgcheck.md.\n"
    "\n"
    "Examples:\n"
    "  pgcheck --dsn postgresql://arc@127.0.0.1:5432/arc --password-file /run/secrets/pg\n"
    "  DATABASE_URL=postgres://arc@db/arc pgcheck --wait 60 schema schema.json\n"
    "  pgcheck --expect-role primary --standbys 1 --max-lag 16MB\n"
    "\n" ARC_COMMON_HELP "\n" ARC_EXIT_HELP;

enum {
    OPT_DSN = ARC_OPT_FIRST_PROBE,
    OPT_PASSWORD_FILE,
    OPT_PLAN,
    OPT_EXPECT_ROLE,
    OPT_MAX_LAG,
    OPT_STANDBYS
};

/* --expect-role, --max-lag, --standbys: 1 when opt is one of them. */
static int parse_repl_opt(pgc_opts *o, int opt, const char *arg)
{
    pgc_repl_want *w = &o->repl;
    if (opt == OPT_EXPECT_ROLE) {
        int role = pgc_parse_role(arg);
        if (role < 0)
            arc_usage_error(&o->common, "--expect-role: '%s' is not a role (primary, standby)",
                            arg);
        w->role = (pgc_role)role;
    } else if (opt == OPT_MAX_LAG) {
        if (pgc_parse_size(arg, &w->max_lag) != 0)
            arc_usage_error(&o->common, "--max-lag: '%s' is not a size (bytes, or a whole "
                            "number with B, kB, MB, GB or TB: 16MB)", arg);
        w->check_lag = true;
    } else if (opt == OPT_STANDBYS) {
        if (arc_parse_long(arg, 0, 1000, &w->standbys) != 0)
            arc_usage_error(&o->common, "--standbys: '%s' is not a number of standbys (0-1000)",
                            arg);
    } else {
        return 0;
    }
    w->asked = true;
    return 1;
}

/* What follows the options: nothing, or "schema FILE". */
static void parse_command(pgc_opts *o, int argc, char **argv)
{
    if (argc == 0)
        return;
    if (strcmp(argv[0], "schema") != 0)
        arc_usage_error(&o->common, "unknown command '%s' (expected: schema FILE)", argv[0]);
    if (argc < 2)
        arc_usage_error(&o->common, "schema: missing FILE");
    if (argc > 2)
        arc_usage_error(&o->common, "schema: unexpected argument '%s'", argv[2]);
    o->schema_file = argv[1];
}

static void parse_args(pgc_opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dsn", required_argument, NULL, OPT_DSN},
        {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
        {"plan", no_argument, NULL, OPT_PLAN},
        {"expect-role", required_argument, NULL, OPT_EXPECT_ROLE},
        {"max-lag", required_argument, NULL, OPT_MAX_LAG},
        {"standbys", required_argument, NULL, OPT_STANDBYS},
        ARC_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, ":" ARC_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (arc_common_opt(&o->common, opt, optarg, argv) || parse_repl_opt(o, opt, optarg))
            continue;
        if (opt == OPT_DSN) {
            if (!*optarg)
                arc_usage_error(&o->common, "--dsn: empty connection string");
            o->dsn = optarg;
            o->dsn_source = "--dsn";
        } else if (opt == OPT_PASSWORD_FILE) {
            o->password_file = optarg;
        } else if (opt == OPT_PLAN) {
            o->plan = true;
        }
    }
    parse_command(o, argc - optind, argv + optind);
    if (o->plan && !o->schema_file)
        arc_usage_error(&o->common, "--plan only goes with 'schema FILE'");
    if (o->repl.asked && o->schema_file)
        arc_usage_error(&o->common, "--expect-role, --max-lag and --standbys go with the "
                        "health check, not with 'schema'");
    if (o->repl.role == PGC_ROLE_STANDBY && o->repl.standbys > 0)
        arc_usage_error(&o->common, "--standbys counts a primary's standbys, not with "
                        "--expect-role standby");
    if (!o->dsn && (o->dsn = arc_env("DATABASE_URL")) != NULL)
        o->dsn_source = "DATABASE_URL";
}

int main(int argc, char **argv)
{
    pgc_opts o = {0};
    arc_common_init(&o.common, "pgcheck", usage);
    parse_args(&o, argc, argv);

    char err[1024];
    pgc_params params;
    int rc = pgc_params_init(&params, &o, err, sizeof err);
    if (rc == ARC_EXIT_USAGE) {
        pgc_params_free(&params);
        arc_usage_error(&o.common, "%s", err);
    }
    pgc_spec spec = {0};
    if (rc == 0 && o.schema_file)
        rc = pgc_spec_load(&spec, o.schema_file, err, sizeof err);
    if (rc != 0)
        rc = arc_input_error(&o.common, rc, "%s", err);
    else
        rc = o.plan ? pgc_run_plan(&o, &params, &spec)
                    : pgc_run(&o, &params, o.schema_file ? &spec : NULL);
    pgc_spec_free(&spec);
    pgc_params_free(&params);
    return rc;
}
