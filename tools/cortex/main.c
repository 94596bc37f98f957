/*
 * cortex — provision and verify the A.R.C. platform, and serve its state.
 * Options and dispatch; the work is in the other files (cortex.h lists them).
 */
#include "cortex.h"

#include <curl/curl.h>
#include <getopt.h>
#include <nats/nats.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: cortex [OPTIONS] bootstrap [PHASE...]\n"
    "       cortex [OPTIONS] server\n"
    "\n"
    "bootstrap: provision and verify the platform, four phases at once\n"
    "  (phases: sql nats pulsar redis; default: all four):\n"
    "    sql     pgcheck schema: the declared schema is there     (DATABASE_URL, PGPASSWORD)\n"
    "    nats    natsprobe streams apply: the JetStream streams   (NATS_URL)\n"
    "    pulsar  pulsaradm apply: tenant, namespaces, topics      (PULSAR_ADMIN_URL)\n"
    "    redis   redisping: PING answers PONG                     (REDIS_URL)\n"
    "  The probes' checks run in-process. Each phase retries with capped exponential\n"
    "  backoff (base, doubling, cap) behind a circuit breaker: after THRESHOLD\n"
    "  consecutive failures the next attempt waits at least OPEN seconds. A phase\n"
    "  gives up at its deadline; phases never cancel each other. Prints a table,\n"
    "  writes the result JSON. Only one bootstrap runs at a time (a lock file).\n"
    "  BOOTSTRAP_SKIP=\"PHASE|reason\" (one per line): phases reported as skipped.\n"
    "\n"
    "server: HTTP on ADDR:PORT (libmicrohttpd)\n"
    "    GET  /health            200 {\"status\":\"ok\"}, from memory\n"
    "    GET  /health/deep       every dependency checked in parallel: 200 or 503\n"
    "                            (?cached=1: the monitor's last result)\n"
    "    GET  /ready             503 until a bootstrap has succeeded, then 200\n"
    "    POST /api/v1/bootstrap  run a bootstrap, answer its result JSON (200 ok,\n"
    "                            503 failed, 409 while one runs); body optional:\n"
    "                            {\"phases\":[\"nats\"],\"skip\":{\"pulsar\":\"why\"}}\n"
    "                            (?format=text: the table instead; a W3C traceparent\n"
    "                            header continues the caller's trace)\n"
    "    GET  /metrics           Prometheus text 0.0.4: bootstraps, phases, deep health,\n"
    "                            events and OTLP exports sent, failed, dropped\n"
    "\n"
    "Options (each beats its variable, which beats the default):\n"
    "      --timeout SEC            seconds per phase     BOOTSTRAP_TIMEOUT (300)\n"
    "      --backoff-base SEC       first retry delay     BOOTSTRAP_BACKOFF_BASE (2)\n"
    "      --backoff-cap SEC        largest retry delay   BOOTSTRAP_BACKOFF_CAP (30)\n"
    "      --breaker-threshold N    failures to open      BOOTSTRAP_BREAKER_THRESHOLD (3)\n"
    "      --breaker-open SEC       pause when open       BOOTSTRAP_BREAKER_OPEN (30)\n"
    "      --probe-timeout SEC      one attempt           BOOTSTRAP_PROBE_TIMEOUT (10)\n"
    "      --result FILE            the result JSON       BOOTSTRAP_RESULT\n"
    "                               ($ARC_ROOT/build/bootstrap/result.json)\n"
    "      --lock FILE              the lock              BOOTSTRAP_LOCK\n"
    "                               ($ARC_ROOT/build/bootstrap/lock)\n"
    "      --addr ADDR              server address        ARC_CORTEX_ADDR (127.0.0.1)\n"
    "  -p, --port PORT              server port           ARC_CORTEX_PORT (8081)\n"
    "      --monitor-interval SEC   deep re-check period  ARC_CORTEX_MONITOR_INTERVAL (30)\n"
    "  -h, --help                   this help\n"
    "  -V, --version                print the version\n"
    "Files: BOOTSTRAP_STREAMS, BOOTSTRAP_PULSAR, BOOTSTRAP_SCHEMA (under $ARC_ROOT/services).\n"
    "ARC_FLASH_REPLICAS: every stream's replicas, whatever BOOTSTRAP_STREAMS says (ha: 3).\n"
    "Server limits: ARC_CORTEX_MAX_CONNECTIONS (128), ARC_CORTEX_CONNECTION_TIMEOUT (10 s\n"
    "idle), ARC_CORTEX_CHECK_TIMEOUT (3 s per deep check), request bodies up to 4 KiB.\n"    "\n"
    "Telemetry (never delays nor fails a bootstrap: one bounded queue, one thread):\n"
    "  lifecycle events to NATS_URL, each within ARC_CORTEX_EVENT_TIMEOUT (2 s);\n"
    "  traces over OTLP/HTTP JSON (a span per bootstrap, per phase, per deep-health\n"
    "  round) to $OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces (http://127.0.0.1:4318), each\n"
    "  within ARC_CORTEX_OTLP_TIMEOUT (2 s); the /metrics instruments as OTLP/HTTP JSON\n"
    "  metrics to .../v1/metrics after each bootstrap and deep-health round;\n"
    "  OTEL_SERVICE_NAME (arc-cortex), OTEL_RESOURCE_ATTRIBUTES (k=v,k=v),\n"
    "  OTEL_SDK_DISABLED=true: no traces, no metrics export.\n"
    "  The CLI waits at exit at most both timeouts for what is queued (after a\n"
    "  failed OTLP export, the next ones queued are dropped).\n"
    "\n"
    "Exit status:\n"
    "  0    every phase ok (server: stopped by SIGTERM/SIGINT)\n"
    "  1    some phase failed (server: could not start)\n"
    "  64   bad usage (unknown phase or option, bad value)\n"
    "  75   another bootstrap is running (the lock is held)\n"
    "  130  interrupted (SIGINT/SIGTERM during a bootstrap)\n";

enum { OPT_BASE = 0x100, OPT_CAP, OPT_THRESHOLD, OPT_OPEN, OPT_PROBE_TIMEOUT, OPT_RESULT,
       OPT_LOCK, OPT_ADDR, OPT_INTERVAL, OPT_TIMEOUT };

ARC_NORETURN static void usage_error(const char *fmt, ...) ARC_PRINTF(1, 2);

static void usage_error(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\nTry '%s --help' for more information.\n", CX_PROG, msg, CX_PROG);
    exit(ARC_EXIT_USAGE);
}

static int parse_flags(cx_flags *f, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"backoff-base", required_argument, NULL, OPT_BASE},
        {"backoff-cap", required_argument, NULL, OPT_CAP},
        {"breaker-threshold", required_argument, NULL, OPT_THRESHOLD},
        {"breaker-open", required_argument, NULL, OPT_OPEN},
        {"probe-timeout", required_argument, NULL, OPT_PROBE_TIMEOUT},
        {"result", required_argument, NULL, OPT_RESULT},
        {"lock", required_argument, NULL, OPT_LOCK},
        {"addr", required_argument, NULL, OPT_ADDR},
        {"port", required_argument, NULL, 'p'},
        {"monitor-interval", required_argument, NULL, OPT_INTERVAL},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    static const int slot[] = {
        [OPT_TIMEOUT - OPT_BASE] = CX_F_TIMEOUT, [0] = CX_F_BASE,
        [OPT_CAP - OPT_BASE] = CX_F_CAP,         [OPT_THRESHOLD - OPT_BASE] = CX_F_THRESHOLD,
        [OPT_OPEN - OPT_BASE] = CX_F_OPEN,       [OPT_PROBE_TIMEOUT - OPT_BASE] = CX_F_PROBE_TIMEOUT,
        [OPT_RESULT - OPT_BASE] = CX_F_RESULT,   [OPT_LOCK - OPT_BASE] = CX_F_LOCK,
        [OPT_ADDR - OPT_BASE] = CX_F_ADDR,       [OPT_INTERVAL - OPT_BASE] = CX_F_INTERVAL};
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":p:hV", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            exit(0);
        } else if (opt == 'V') {
            printf("%s %s\n", CX_PROG, ARC_VERSION);
            exit(0);
        } else if (opt == 'p') {
            f->v[CX_F_PORT] = optarg;
        } else if (opt >= OPT_BASE && opt <= OPT_TIMEOUT) {
            f->v[slot[opt - OPT_BASE]] = optarg;
        } else if (opt == ':') {
            usage_error("option '%s' needs a value", argv[optind - 1]);
        } else {
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    return optind;
}

static void on_signal(int sig)
{
    (void)sig;
    cx_stop = 1;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int cx_cmd_bootstrap(const cx_config *c, int nphases, char **phases)
{
    cx_bootstrap b;
    cx_bootstrap_init(&b, c);
    b.verbose = true;
    char why[256], err[1200];
    for (int i = 0; i < CX_NPHASES; i++)
        if (cx_skip_reason(c, (cx_phase_id)i, why, sizeof why))
            cx_bootstrap_skip(&b, (cx_phase_id)i, why);
    for (int i = 0; i < nphases; i++)
        cx_bootstrap_want(&b, (cx_phase_id)cx_phase_by_name(phases[i], strlen(phases[i])));
    for (int i = 0; nphases == 0 && i < CX_NPHASES; i++)
        cx_bootstrap_want(&b, (cx_phase_id)i);

    cx_lock lock;
    cx_holder h;
    int rc = cx_lock_take(c, &lock, &h, err, sizeof err);
    if (rc == CX_EXIT_LOCKED) {
        fprintf(stderr, "%s: another bootstrap is running (pid %ld%s%s, lock %s); refusing to "
                "run twice\n", CX_PROG, h.pid, h.since[0] ? ", since " : "", h.since, c->lock);
        return rc;
    }
    if (rc != 0) {
        fprintf(stderr, "%s: %s\n", CX_PROG, err);
        return rc;
    }
    printf("%s: phases", CX_PROG);
    for (int k = 0; k < b.nrun; k++)
        printf(" %s", cx_phase_names[b.order[k]]);
    printf(" (timeout %gs each, backoff %gs..%gs, breaker %g failures -> %gs)\n", c->timeout,
           c->base, c->cap, c->threshold, c->open);
    fflush(stdout);
    double t0 = arc_now();
    cx_bootstrap_run(&b);
    cx_bootstrap_done(&b, arc_now() - t0);
    if (b.interrupted) {
        fprintf(stderr, "%s: interrupted\n", CX_PROG);
        cx_lock_release(c, &lock);
        cx_bootstrap_free(&b);
        return CX_EXIT_SIGNAL;
    }
    arc_buf table, json;
    arc_buf_init(&table);
    arc_buf_init(&json);
    cx_result_table(&b, &table);
    cx_result_json(&b, &json);
    fputs(arc_buf_str(&table), stdout);
    rc = b.ok ? ARC_EXIT_OK : ARC_EXIT_FAIL;
    if (cx_result_write(&b, arc_buf_str(&json), err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", CX_PROG, err);
        rc = ARC_EXIT_FAIL;
    } else {
        printf("\n%s: result written to %s\n", CX_PROG, c->result);
    }
    if (b.ok)
        printf("%s: all phases ok\n", CX_PROG);
    else
        fprintf(stderr, "%s: some phases FAILED\n", CX_PROG);
    cx_lock_release(c, &lock);
    arc_buf_free(&table);
    arc_buf_free(&json);
    cx_bootstrap_free(&b);
    return rc;
}

int main(int argc, char **argv)
{
    cx_flags f = {{NULL}};
    int first = parse_flags(&f, argc, argv);
    if (first >= argc)
        usage_error("missing command (bootstrap or server)");
    const char *cmd = argv[first];
    bool server = strcmp(cmd, "server") == 0;
    if (!server && strcmp(cmd, "bootstrap") != 0)
        usage_error("unknown command '%s' (bootstrap or server)", cmd);
    if (server && first + 1 < argc)
        usage_error("server: unexpected argument '%s'", argv[first + 1]);
    for (int i = first + 1; !server && i < argc; i++)
        if (cx_phase_by_name(argv[i], strlen(argv[i])) < 0)
            usage_error("unknown phase '%s' (phases: sql nats pulsar redis)", argv[i]);
    cx_config c;
    char err[512];
    if (cx_config_load(&c, &f, err, sizeof err) != 0)
        usage_error("%s", err);

    /* once per process, before any thread: libcurl (pulsaradm) and nats.c */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || nats_Open(-1) != NATS_OK) {
        fprintf(stderr, "%s: cannot initialise libcurl or nats.c\n", CX_PROG);
        return ARC_EXIT_FAIL;
    }
    int rc;
    if (server) {
        rc = cx_server_main(&c);
    } else {
        catch_signals();
        cx_otlp_configure(&c);
        cx_outbox_start(&c);
        rc = cx_cmd_bootstrap(&c, argc - first - 1, argv + first + 1);
        /* the event, then the trace of this bootstrap: each within its own timeout */
        cx_outbox_stop(c.event_timeout + c.otlp_timeout);
    }
    nats_CloseAndWait(2000);
    curl_global_cleanup();
    return rc;
}
