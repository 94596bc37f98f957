/*
 * natsprobe — is this NATS server really serving, with JetStream? And the
 * platform's JetStream streams, provisioned idempotently from a JSON file.
 * One line, --json, or -q.
 */
#include "natsprobe.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: natsprobe [--server URL] [--monitor URL] [--token TOKEN | --token-file FILE]\n"
    "                 [--creds FILE] [--cluster-size N] [--replicas N] [--timeout SEC]\n"
    "                 [--wait SEC] [--json] [-q] [COMMAND]\n"
    "\n"
    "Check a NATS server and its JetStream, and create or update JetStream streams\n"
    "from a declarative file.\n"
    "\n"
    "Commands:\n"
    "  ping                  connect and do a PING/PONG round trip (the default)\n"
    "  health                the monitoring port's /healthz?js-enabled-only=true must\n"
    "                        answer 200 {\"status\":\"ok\"}\n"
    "  jetstream             JetStream is enabled and usable for this account\n"
    "                        ($JS.API.INFO answers); /healthz alone says ok without it\n"
    "  streams ls            list the account's streams\n"
    "  stream info NAME      one stream's configuration and state\n"
    "  streams apply FILE    create or update every stream (and durable consumer) FILE\n"
    "                        declares; a second run reports every item unchanged and\n"
    "                        writes nothing; a change the server cannot make in place\n"
    "                        is a conflict (never a delete and recreate)\n"
    "  publish SUBJECT       publish one lifecycle event with JetStream and check the\n"
    "                        ack (no stream stores SUBJECT: exit 1); the envelope is\n"
    "                        read from stdin, or built with --type (docs/events.md)\n"
    "  cluster               the server behind --monitor is a healthy member of a\n"
    "                        JetStream cluster of --cluster-size servers; in order,\n"
    "                        the first failure named: routes to the others (/routez),\n"
    "                        a meta leader and its peers current (/jsz), every\n"
    "                        clustered stream's leader and replicas current, and\n"
    "                        /healthz; ok says the server's role (leader, follower)\n"
    "\n"
    "Options:\n"
    "  -s, --server URL      nats://[user:pass@|token@]host:port (default: $NATS_URL,\n"
    "                        else nats://127.0.0.1:4222); tls:// for TLS\n"
    "  -m, --monitor URL     monitoring endpoint for 'health' and 'cluster'\n"
    "                        (default http://127.0.0.1:8222)\n"
    "      --token TOKEN     authenticate with TOKEN (else the URL's, else $NATS_TOKEN)\n"
    "      --token-file FILE the token on FILE's first line\n"
    "      --creds FILE      NATS credentials file (user JWT + NKey seed)\n"
    "                        (default: $NATS_CREDS)\n"
    "      --cluster-size N  with 'cluster': the servers in the cluster, 2 to 15\n"
    "                        (default 3)\n"
    "  -n, --dry-run         with 'streams apply': the plan, one line per stream and\n"
    "                        consumer (create, update, unchanged, conflict); changes\n"
    "                        nothing; exit 0 in sync, 2 changes pending, 1 error\n"
    "      --replicas N      with 'streams apply': every stream with N replicas, 1 to 5,\n"
    "                        whatever the file says (a cluster's profile, e.g. ha: 3)\n"
    "      --type TYPE       publish: build the envelope, e.g. arc.lifecycle.started\n"
    "      --source SRC      publish: its source (default arc-kit)\n"
    "      --about NAME      publish: its subject, the service's codename\n"
    "      --data JSON       publish: its data (default {})\n"
    "\n"
    "Environment:\n"
    "  NATS_URL                    server when --server is absent\n"
    "  NATS_TOKEN                  token when neither a flag nor the URL gives one\n"
    "  NATS_USER, NATS_PASSWORD    user and password when the URL has none\n"
    "  NATS_CREDS                  credentials file when --creds is absent\n"
    "Secrets never appear in the output.\n"
    "\n" ARC_COMMON_HELP "\n" ARC_EXIT_HELP;

enum { OPT_TOKEN = ARC_OPT_FIRST_PROBE, OPT_TOKEN_FILE, OPT_CREDS, OPT_TYPE, OPT_SOURCE,
       OPT_ABOUT, OPT_DATA, OPT_CLUSTER_SIZE, OPT_REPLICAS };

static const struct option longopts[] = {
    {"server", required_argument, NULL, 's'},
    {"monitor", required_argument, NULL, 'm'},
    {"token", required_argument, NULL, OPT_TOKEN},
    {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
    {"creds", required_argument, NULL, OPT_CREDS},
    {"dry-run", no_argument, NULL, 'n'},
    {"type", required_argument, NULL, OPT_TYPE},
    {"source", required_argument, NULL, OPT_SOURCE},
    {"about", required_argument, NULL, OPT_ABOUT},
    {"data", required_argument, NULL, OPT_DATA},
    {"cluster-size", required_argument, NULL, OPT_CLUSTER_SIZE},
    {"replicas", required_argument, NULL, OPT_REPLICAS},
    ARC_COMMON_LONGOPTS,
    {NULL, 0, NULL, 0},
};

/* COMMAND [ARG]: the words after the options. */
static void parse_command(np_options *o, int argc, char *argv[])
{
    const char *w1 = optind < argc ? argv[optind] : "ping";
    const char *w2 = optind + 1 < argc ? argv[optind + 1] : NULL;
    const char *w3 = optind + 2 < argc ? argv[optind + 2] : NULL;
    int used = 1;
    if (strcmp(w1, "ping") == 0) {
        o->cmd = NP_PING;
    } else if (strcmp(w1, "health") == 0) {
        o->cmd = NP_HEALTH;
    } else if (strcmp(w1, "jetstream") == 0) {
        o->cmd = NP_JETSTREAM;
    } else if (strcmp(w1, "streams") == 0 && w2 && (strcmp(w2, "ls") == 0 || strcmp(w2, "list") == 0)) {
        o->cmd = NP_STREAMS_LS;
        used = 2;
    } else if (strcmp(w1, "streams") == 0 && w2 && strcmp(w2, "apply") == 0) {
        if (!w3)
            arc_usage_error(&o->common, "'streams apply' needs a FILE");
        o->cmd = NP_STREAMS_APPLY;
        o->file = w3;
        used = 3;
    } else if (strcmp(w1, "stream") == 0 && w2 && strcmp(w2, "info") == 0) {
        if (!w3)
            arc_usage_error(&o->common, "'stream info' needs a stream NAME");
        else if (!np_stream_name_valid(w3))
            arc_usage_error(&o->common, "'%s' is not a valid stream name", w3);
        o->cmd = NP_STREAM_INFO;
        o->stream = w3;
        used = 3;
    } else if (strcmp(w1, "publish") == 0) {
        if (!w2 || !np_subject_valid(w2) || strpbrk(w2, "*>"))
            arc_usage_error(&o->common, "'publish' needs a SUBJECT without wildcards%s%s",
                            w2 ? ": not " : "", w2 ? w2 : "");
        o->cmd = NP_PUBLISH;
        o->subject = w2;
        used = 2;
    } else if (strcmp(w1, "cluster") == 0) {
        o->cmd = NP_CLUSTER;
    } else if (strcmp(w1, "streams") == 0 || strcmp(w1, "stream") == 0) {
        arc_usage_error(&o->common, "'%s' needs a subcommand: streams ls, streams apply FILE, "
                        "stream info NAME", w1);
    } else {
        arc_usage_error(&o->common, "unknown command '%s' (ping, health, jetstream, streams ls, "
                        "streams apply, stream info, publish, cluster)", w1);
    }
    if (optind + used < argc)
        arc_usage_error(&o->common, "unexpected argument '%s'", argv[optind + used]);
    if (o->dry_run && o->cmd != NP_STREAMS_APPLY)
        arc_usage_error(&o->common, "--dry-run only goes with 'streams apply'");
    if (o->cluster_size && o->cmd != NP_CLUSTER)
        arc_usage_error(&o->common, "--cluster-size only goes with 'cluster'");
    if (o->replicas && o->cmd != NP_STREAMS_APPLY)
        arc_usage_error(&o->common, "--replicas only goes with 'streams apply'");
}

static void parse_args(np_options *o, int argc, char *argv[])
{
    arc_common_init(&o->common, "natsprobe", usage);
    int opt;
    while ((opt = getopt_long(argc, argv, ":s:m:n" ARC_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        switch (opt) {
        case 's': o->server = optarg; o->server_origin = "--server"; break;
        case 'm': o->monitor = optarg; break;
        case OPT_TOKEN: o->token = optarg; break;
        case OPT_TOKEN_FILE: o->token_file = optarg; break;
        case OPT_CREDS: o->creds = optarg; break;
        case 'n': o->dry_run = true; break;
        case OPT_TYPE: o->ev_type = optarg; break;
        case OPT_SOURCE: o->ev_source = optarg; break;
        case OPT_ABOUT: o->ev_about = optarg; break;
        case OPT_DATA: o->ev_data = optarg; break;
        case OPT_CLUSTER_SIZE:
            if (arc_parse_long(optarg, 2, NP_CLUSTER_MAX, &o->cluster_size) != 0)
                arc_usage_error(&o->common, "--cluster-size: '%s' is not a number of servers "
                                "from 2 to %d", optarg, NP_CLUSTER_MAX);
            break;
        case OPT_REPLICAS:
            if (arc_parse_long(optarg, 1, np_fields[NP_F_REPLICAS].max, &o->replicas) != 0)
                arc_usage_error(&o->common, "--replicas: '%s' is not a number of replicas from "
                                "1 to %lld", optarg, np_fields[NP_F_REPLICAS].max);
            break;
        default: arc_common_opt(&o->common, opt, optarg, argv);
        }
    }
    parse_command(o, argc, argv);
}

static const char *check_name(np_command cmd)
{
    static const char *const names[] = {
        [NP_PING] = "ping",           [NP_HEALTH] = "health",
        [NP_JETSTREAM] = "jetstream", [NP_STREAMS_LS] = "streams ls",
        [NP_STREAMS_APPLY] = "streams apply", [NP_STREAM_INFO] = "stream info",
        [NP_PUBLISH] = "publish",     [NP_CLUSTER] = "cluster",
    };
    return names[cmd];
}

static arc_attempt_fn attempt_of(np_command cmd)
{
    static const arc_attempt_fn fns[] = {
        [NP_PING] = np_ping,           [NP_HEALTH] = np_health,
        [NP_JETSTREAM] = np_jetstream, [NP_STREAMS_LS] = np_streams_ls,
        [NP_STREAMS_APPLY] = np_streams_apply, [NP_STREAM_INFO] = np_stream_info,
        [NP_PUBLISH] = np_publish,     [NP_CLUSTER] = np_cluster,
    };
    return fns[cmd];
}

/* Run the command (with --wait retries) and report; returns the exit code. */
static int run_command(const np_options *o, const np_target *t, const np_streamfile *sf)
{
    np_apply_run a = {.run = {.opts = o, .t = t}, .sf = sf};
    arc_buf_init(&a.run.extra);
    arc_buf_init(&a.run.text);
    char why[2048];
    arc_retry_result res = arc_retry(&o->common, attempt_of(o->cmd), &a, why, sizeof why);
    if (o->cmd == NP_STREAMS_APPLY)
        np_apply_summarise(&a);
    if (arc_text_output(&o->common))
        fputs(arc_buf_str(&a.run.text), stdout);
    /* NP_FAIL_FINAL is reported as a 1 like any failure */
    bool on_monitor = o->cmd == NP_HEALTH || o->cmd == NP_CLUSTER;
    int rc = arc_report_retry(&o->common, &res, check_name(o->cmd),
                              on_monitor ? t->mon_target : t->target, why,
                              arc_buf_str(&a.run.extra));
    /* --dry-run is a plan: 0 in sync, 2 changes pending, 1 error */
    if (o->dry_run && rc == ARC_EXIT_OK && np_apply_pending(&a) > 0)
        rc = NP_EXIT_PENDING;
    np_apply_free(&a);
    arc_buf_free(&a.run.extra);
    arc_buf_free(&a.run.text);
    return rc;
}

/* streams apply: a bad file is 65 and an overlap inside it is 1, both
 * before connecting. Returns -1 when the file is fine. */
static int check_file(const np_options *o, const np_target *t, np_streamfile *sf)
{
    char err[1024];
    int rc = np_streamfile_load(o->file, sf, err, sizeof err);
    if (rc != 0)
        return arc_input_error(&o->common, rc, "%s", err);
    if (o->replicas > 0)
        np_streamfile_replicas(sf, o->replicas);
    if (np_apply_check_file(sf, err, sizeof err) == 0)
        return -1;
    arc_result r = {.ok = false, .check = "streams apply", .target = t->target,
                    .latency_ms = -1, .attempts = 1, .detail = err};
    return arc_report(&o->common, &r);
}

/* publish: the envelope from the flags, else from stdin (bounded), checked
 * before connecting. Returns -1 when it is fine. */
static int read_event(np_options *o, const np_target *t, arc_buf *ev)
{
    char err[512];
    if (o->ev_type) {
        np_event e = {o->ev_source ? o->ev_source : "arc-kit", o->ev_type,
                      o->ev_about ? o->ev_about : "", o->ev_data};
        np_event_build(&e, ev);
    } else if (o->ev_source || o->ev_about || o->ev_data) {
        arc_usage_error(&o->common, "--source, --about and --data need --type");
    } else {
        char chunk[4096];
        size_t n;
        while (ev->len <= NP_EVENT_MAX && (n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
            arc_buf_add(ev, chunk, n);
        if (ev->len > NP_EVENT_MAX)
            return arc_input_error(&o->common, ARC_EXIT_DATAERR,
                                   "stdin: the event is over %u bytes", NP_EVENT_MAX);
    }
    int rc = ev->oom ? arc_errf(err, sizeof err, "out of memory"), ARC_EXIT_FAIL
                     : np_event_check(arc_buf_str(ev), ev->len, err, sizeof err);
    if (rc != 0)
        return arc_input_error(&o->common, rc, "%s: %s", o->ev_type ? "--data" : "stdin", err);
    o->payload = arc_buf_str(ev);
    (void)t;
    return -1;
}

int main(int argc, char *argv[])
{
    static np_options opts; /* zeroed; filled once from argv */
    parse_args(&opts, argc, argv);

    static np_target target;
    char err[1024];
    if (np_target_resolve(&opts, &target, err, sizeof err) != 0)
        arc_usage_error(&opts.common, "%s", err);

    np_streamfile sf = {NULL, 0};
    arc_buf ev;
    arc_buf_init(&ev);
    int rc = opts.cmd == NP_STREAMS_APPLY ? check_file(&opts, &target, &sf)
             : opts.cmd == NP_PUBLISH     ? read_event(&opts, &target, &ev)
                                          : -1;
    if (rc < 0) {
        /* libcurl (and OpenSSL with it) only where HTTP is spoken: the monitoring port. */
        bool http = opts.cmd == NP_HEALTH || opts.cmd == NP_CLUSTER;
        if (http)
            np_http_init();
        rc = run_command(&opts, &target, &sf);
        if (http)
            np_http_cleanup();
    }
    np_streamfile_free(&sf);
    arc_buf_free(&ev);
    arc_wipe(&target, sizeof target);
    nats_CloseAndWait(2000); /* nats.c's threads and memory, for a clean valgrind */
    return rc;
}
