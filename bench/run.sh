#!/usr/bin/env bash
# bench/run.sh — each probe side by side with the tool a user would use instead,
# on the same real servers, in one run. Prints a markdown report and writes it
# to docs/benchmarks.md (BENCH_OUT to change). BENCH_RUNS sets the runs per
# command (default 200). Pulsar is measured against the admin-REST STAND-IN
# (tests/standin/pulsar), not Apache Pulsar: it cannot be installed here.
# bench/kit.sh adds the kit's own commands on the native runtime (BENCH_KIT_RUNS,
# default 9; BENCH_KIT=0 leaves them out); bench/ha.sh the ha profile's publish-with-ack
# throughput (one node R1, three nodes R3) and failover.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$root/tests/lib/tap.sh"
runs=${BENCH_RUNS:-200}
out=${BENCH_OUT:-$root/docs/benchmarks.md}
bin=$ARC_BIN
measure="$root/bench/measure.py"
for p in redisping pgcheck natsprobe pulsaradm; do
    [ -x "$bin/$p" ] || { echo "bench: $bin/$p is not built (make tools)" >&2; exit 1; }
done
need_cmd redis-cli curl valgrind python3 /usr/bin/time

log() { echo "bench: $*" >&2; }

# The static probes the service images ship (arc-probes image), when Docker has it:
# they skip the dynamic loader's work, which dominates a dynamically linked probe.
sbin=""
version=$(cat "$root/VERSION")
if command -v docker >/dev/null 2>&1 && docker image inspect "arc-probes:$version" >/dev/null 2>&1; then
    sbin="$TEST_TMP/static"
    mkdir -p "$sbin"
    cid=$(docker create --entrypoint /usr/local/bin/redisping "arc-probes:$version")
    for p in redisping pgcheck natsprobe pulsaradm; do docker cp -q "$cid:/usr/local/bin/$p" "$sbin/$p"; done
    docker rm -f "$cid" >/dev/null
    log "also measuring the static probes of arc-probes:$version"
else
    log "arc-probes:$version not found (make probes-image): measuring the host builds only"
fi
# static LABEL PROBE ARGS...: the same command with the static build, when there is one.
static() {
    local label=$1 p=$2
    shift 2
    [ -n "$sbin" ] || return 0
    printf '%s\0' --label "$label (static)" -- "$sbin/$p" "$@"
}

report="$TEST_TMP/report.md"
rows="$TEST_TMP/rows.jsonl"
: >"$rows"


# pair TITLE --label A -- cmd... --label B -- cmd...
pair() {
    local title=$1
    shift
    log "$title ($runs runs each, alternating)"
    python3 "$measure" --runs "$runs" "$@" | sed "s/^{/{\"pair\": \"$title\", /" >>"$rows"
}

# ---- the kit's own commands, natively (bench/kit.sh), before our servers start ----
kit="$TEST_TMP/kit.md"
if [ "${BENCH_KIT:-1}" = 1 ]; then
    log "kit commands on the native runtime (bench/kit.sh; BENCH_KIT=0 skips)"
    "$root/bench/kit.sh" >"$kit"
else
    : >"$kit"
fi

# ---- the ha profile's NATS: publish with ack, R1 and R3, failover (bench/ha.sh) ---------
ha="$TEST_TMP/ha.md"
log "the ha profile's NATS figures (bench/ha.sh)"
"$root/bench/ha.sh" >"$ha"

# ---- servers --------------------------------------------------------------------
start_redis --appendonly no
start_pg
# shellcheck disable=SC2119  # the fixture's defaults are what we want
start_nats
pg_isready_bin="$PG_BIN/pg_isready" # the real binary, not Debian's perl wrapper
pulsar_url=""
start_pulsar_standin pulsar_url
export PGPASSWORD=$PG_PASSWORD

# ---- health checks side by side --------------------------------------------------
# pair_with_static TITLE "PROBE ARGS..." then the peers as for pair
r_args=(--url "redis://127.0.0.1:$REDIS_PORT" -q)
mapfile -d '' -t rs < <(static redisping redisping "${r_args[@]}")
pair "Redis PING" \
    --label redisping -- "$bin/redisping" "${r_args[@]}" "${rs[@]}" \
    --label "redis-cli ping" -- redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
p_args=(--dsn "postgresql://postgres@127.0.0.1:$PG_PORT/postgres" -q)
mapfile -d '' -t ps < <(static pgcheck pgcheck "${p_args[@]}")
pair "PostgreSQL ready" \
    --label pgcheck -- "$bin/pgcheck" "${p_args[@]}" "${ps[@]}" \
    --label pg_isready -- "$pg_isready_bin" -h 127.0.0.1 -p "$PG_PORT" -q \
    --label "psql select 1" -- "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtX -c 'select 1'
n_args=(--server "nats://127.0.0.1:$NATS_PORT" -q ping)
h_args=(--monitor "http://127.0.0.1:$NATS_MON_PORT" -q health)
mapfile -d '' -t ns < <(static "natsprobe ping" natsprobe "${n_args[@]}"; static "natsprobe health" natsprobe "${h_args[@]}")
pair "NATS health" \
    --label "natsprobe ping" -- "$bin/natsprobe" "${n_args[@]}" \
    --label "natsprobe health" -- "$bin/natsprobe" "${h_args[@]}" "${ns[@]}" \
    --label "curl /healthz" -- curl -sf "http://127.0.0.1:$NATS_MON_PORT/healthz"
a_args=(--admin-url "$pulsar_url" -q health)
mapfile -d '' -t as < <(static "pulsaradm health" pulsaradm "${a_args[@]}")
pair "Pulsar health (stand-in)" \
    --label "pulsaradm health" -- "$bin/pulsaradm" "${a_args[@]}" "${as[@]}" \
    --label "curl brokers/health" -- curl -sf "$pulsar_url/admin/v2/brokers/health"

# ---- provisioning at scale -------------------------------------------------------
gen_streams() { # N -> JSON with N streams, disjoint subjects
    python3 - "$1" <<'PY'
import json, sys
n = int(sys.argv[1])
print(json.dumps({"streams": [{"name": f"BENCH_{i}", "subjects": [f"bench.{i}.>"],
                               "storage": "memory", "max_age": "1h"} for i in range(n)]}))
PY
}
gen_topics() { # N -> pulsar provisioning file with N partitioned topics
    python3 - "$1" <<'PY'
import json, sys
n = int(sys.argv[1])
print(json.dumps({"tenant": "bench", "namespaces": ["load"],
                  "topics": [{"name": f"persistent://bench/load/t{i}", "partitions": 2} for i in range(n)]}))
PY
}
timed() { # cmd... -> seconds on stdout; fails loudly
    local t0 t1
    t0=$(now)
    "$@" >/dev/null
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
stats() { curl -sf "$pulsar_url/_standin/stats"; }
jfield() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

prov="$TEST_TMP/prov.md"
{
    echo "| what | items | first apply (s) | re-apply (s) | requests first / re-apply | connections first / re-apply |"
    echo "|---|---:|---:|---:|---:|---:|"
} >"$prov"
for n in 10 100 1000; do
    f="$TEST_TMP/streams-$n.json"
    gen_streams "$n" >"$f"
    log "natsprobe streams apply: $n streams"
    first=$(timed "$bin/natsprobe" --server "nats://127.0.0.1:$NATS_PORT" --timeout 120 -q streams apply "$f")
    again=$(timed "$bin/natsprobe" --server "nats://127.0.0.1:$NATS_PORT" --timeout 120 -q streams apply "$f")
    echo "| natsprobe streams apply | $n | $first | $again | - | 1 / 1 |" >>"$prov"
done
for n in 10 100 1000; do
    f="$TEST_TMP/topics-$n.json"
    gen_topics "$n" >"$f"
    log "pulsaradm apply (stand-in): $n topics"
    curl -sf -X POST "$pulsar_url/_standin/reset-stats" >/dev/null
    first=$(timed "$bin/pulsaradm" --admin-url "$pulsar_url" --timeout 120 -q apply "$f")
    s1=$(stats)
    curl -sf -X POST "$pulsar_url/_standin/reset-stats" >/dev/null
    again=$(timed "$bin/pulsaradm" --admin-url "$pulsar_url" --timeout 120 -q apply "$f")
    s2=$(stats)
    echo "| pulsaradm apply (stand-in) | $n | $first | $again | $(jfield requests <<<"$s1") ($(jfield writes <<<"$s1") writes) / $(jfield requests <<<"$s2") ($(jfield writes <<<"$s2") writes) | $(jfield connections <<<"$s1") / $(jfield connections <<<"$s2") |" >>"$prov"
done

# ---- report ----------------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
{
    echo "# Benchmarks"
    echo
    echo "Generated by \`make bench\` on $(date -u +%Y-%m-%d). Each command ran $runs times, the"
    echo "commands of a group alternating; medians of wall and CPU time (user+system), the"
    echo "largest max-RSS of five runs (GNU time), and the instructions of one run counted by"
    echo "valgrind's callgrind (repeatable on a noisy machine). Pulsar figures are against the"
    echo "admin-REST **stand-in** (tests/standin/pulsar), not Apache Pulsar."
    echo
    echo "Machine: $(nproc) cores, $cpu, $(free -g | awk '/Mem:/ {print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r)."
    echo "Versions: kit $(cat "$root/VERSION"), redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'),"
    echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), nats-server $(nats-server --version | awk '{print $NF}'),"
    echo "curl $(curl --version | awk 'NR==1 {print $2}'), valgrind $(valgrind --version | sed 's/valgrind-//')."
    echo
    echo "## Health checks"
    echo
    python3 - "$rows" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("| check | command | median wall (ms) | median CPU (ms) | peak RSS (KiB) | instructions | instructions ÷ first row |")
print("|---|---|---:|---:|---:|---:|---:|")
pairs = {}
for r in rows:
    pairs.setdefault(r["pair"], []).append(r)
for title, group in pairs.items():
    base = group[0]
    for r in group:
        if "error" in r:
            print(f"| {title} | `{r['label']}` | error: {r['error']} | | | | |")
            continue
        ratio = ""
        if r is not base and base.get("instructions") and r.get("instructions"):
            ratio = f"{r['instructions'] / base['instructions']:.1f}x instr."
        print(f"| {title} | `{r['label']}` | {r['median_wall_ms']:.2f} | {r['median_cpu_ms']:.2f} | "
              f"{r['peak_rss_kb']} | {r['instructions'] or 'n/a':,} | {ratio} |".replace("n/a,", "n/a"))
PY
    echo
    echo "In the NATS group the first row (natsprobe ping) is the reference for the ratios; natsprobe"
    echo "health does the same HTTP request as curl."
    echo
    echo "## Provisioning at scale"
    echo
    cat "$prov"
    echo
    echo "## Reading the numbers"
    echo
    echo "- The \`(static)\` rows are the probes as the service images ship them (copied from the"
    echo "  \`arc-probes\` image): no dynamic loader. A dynamically linked probe spends most of its"
    echo "  instructions in \`ld.so\` resolving libcurl's and libpq's dependency chains (measured"
    echo "  with callgrind: about 11 of the 15 million instructions of \`natsprobe health\`)."
    echo "- pgcheck authenticates (SCRAM-SHA-256) and runs a query; SCRAM's key derivation"
    echo "  (4096 HMAC-SHA-256 rounds in libpq) is most of its cost, as it is for psql and for"
    echo "  pg_isready given a password. pg_isready proves less: it reports \"accepting\" before"
    echo "  authentication or queries work, and without -h it checks the unix socket."
    echo "- The HTTP probes' remaining cost is mostly libcurl's one-time OpenSSL initialisation."
    echo
    echo "Targets (reported, never asserted in tests): each probe at most a quarter of its peer's"
    echo "instructions and no slower in median wall time; a re-apply of 1000 streams under 1 s;"
    echo "provisioning requests growing linearly with the items, one connection per run."
    if [ -s "$kit" ]; then
        echo
        cat "$kit"
    fi
    echo
    cat "$ha"
} >"$report"
mkdir -p "$(dirname "$out")"
cp "$report" "$out"
cat "$report"
log "report written to $out"
