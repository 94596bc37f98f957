#!/usr/bin/env bash
# bench/ha.sh — the ha profile's NATS figures, on Debian's nats-server on loopback ports
# (the nodes configured as the native runtime configures flash, flash2 and flash3: routes
# between them, a store each). Prints a markdown section for docs/benchmarks.md:
#   - publish with a JetStream ack (bench/jspub, one message in flight, as an agent that
#     waits for its ack publishes): the floor (a core publish and a flush round trip), one
#     node with an R1 stream, the three-node cluster with an R3 stream; BENCH_HA_MSGS messages each (default 5000), median of BENCH_HA_RUNS (3);
#   - failover: the R3 stream's leader killed (kill -9): the time until a publish is acked
#     again (the other two elect a new leader), and, after the node's restart on its store,
#     until natsprobe cluster passes on it (it has caught up).
# Run by bench/run.sh; the PostgreSQL replica's recovery is in tests/native/ha.t (# lines).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$root/tests/lib/tap.sh"
need_cmd nats-server jq curl
msgs=${BENCH_HA_MSGS:-5000}
runs=${BENCH_HA_RUNS:-3}
jspub=$root/build/bench/jspub
[ -x "$jspub" ] || make -C "$root" -s jspub >&2
P=$ARC_BIN/natsprobe
log() { echo "bench ha: $*" >&2; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
med() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A cport mport rport pid
node_conf() { # NAME N-NODES: the node's config on stdout
    local n=$1 size=$2 m
    printf 'server_name: %s\nhost: 127.0.0.1\nport: %s\nhttp: "127.0.0.1:%s"\n' "$n" "${cport[$n]}" "${mport[$n]}"
    printf 'jetstream { store_dir: "%s/%s" }\n' "$TEST_TMP" "$n"
    [ "$size" -gt 1 ] || return 0
    printf 'cluster {\n  name: bench\n  listen: "127.0.0.1:%s"\n  routes: [\n' "${rport[$n]}"
    for m in n1 n2 n3; do printf '    "nats-route://127.0.0.1:%s"\n' "${rport[$m]}"; done
    printf '  ]\n}\n'
}
start_node() { # NAME N-NODES
    node_conf "$1" "$2" >"$TEST_TMP/$1.conf"
    nats-server -c "$TEST_TMP/$1.conf" >>"$TEST_TMP/$1.log" 2>&1 &
    pid[$1]=$!
    track_pid "${pid[$1]}"
}
for n in n1 n2 n3; do cport[$n]=$(free_port) mport[$n]=$(free_port) rport[$n]=$(free_port); done
stream() { # NAME REPLICAS URL
    printf '{"streams": [{"name": "%s", "subjects": ["%s.>"], "storage": "file", "replicas": %s}]}\n' \
        "$1" "${1,,}" "$2" >"$TEST_TMP/$1.json"
    "$P" --server "$3" -q --wait 30 streams apply "$TEST_TMP/$1.json"
}
publish() { # LABEL URLS SUBJECT [JSPUB-OPTION...]: median acks/s, p50, p99 over the runs
    local k out rates=() p50=() p99=()
    for k in $(seq "$runs"); do
        out=$("$jspub" "${@:4}" "$2" "$3.$k" "$msgs")
        rates+=("$(awk '{ print $12 }' <<<"$out")") p50+=("$(awk '{ print $14 }' <<<"$out")")
        p99+=("$(awk '{ print $16 }' <<<"$out")")
    done
    printf '| %s | %s | %s | %s |\n' "$1" "$(med "${rates[@]}")" "$(med "${p50[@]}")" "$(med "${p99[@]}")"
}

# ---- one node, R1 ----------------------------------------------------------------------
log "one node, R1 ($msgs messages x $runs)"
start_node n1 1
wait_port "${cport[n1]}" 10 "${pid[n1]}"
stream ONE 1 "nats://127.0.0.1:${cport[n1]}"
row1=$(publish "one node, R1 stream" "nats://127.0.0.1:${cport[n1]}" one)
row0=$(publish "floor: core publish + flush round trip, one node, nothing stored" "nats://127.0.0.1:${cport[n1]}" floor --floor)
kill "${pid[n1]}"
wait "${pid[n1]}" 2>/dev/null || true
rm -rf "${TEST_TMP:?}/n1"

# ---- three nodes, R3 ---------------------------------------------------------------------
log "three nodes, R3 ($msgs messages x $runs)"
for n in n1 n2 n3; do start_node "$n" 3; done
for n in n1 n2 n3; do "$P" --monitor "http://127.0.0.1:${mport[$n]}" -q --wait 60 cluster; done
urls=$(printf 'nats://127.0.0.1:%s,' "${cport[n1]}" "${cport[n2]}" "${cport[n3]}")
urls=${urls%,}
stream THREE 3 "nats://127.0.0.1:${cport[n1]}"
row3=$(publish "three nodes, R3 stream (ha)" "$urls" three)

# ---- failover --------------------------------------------------------------------------
leader=$(curl -sf "http://127.0.0.1:${mport[n1]}/jsz?accounts=true&streams=true" |
    jq -r '.. | objects | select(.name? == "THREE") | .cluster.leader // empty' | head -n 1)
[ -n "$leader" ] || { log "no leader for THREE"; exit 1; }
log "failover: kill -9 $leader (the R3 stream's leader)"
kill -9 "${pid[$leader]}"
wait "${pid[$leader]}" 2>/dev/null || true
t0=$(now)
acked=0
for _ in $(seq 600); do
    if "$jspub" --ack-wait 250 "$urls" three.failover 1 >/dev/null 2>&1; then acked=1; break; fi
done
t1=$(now)
[ "$acked" = 1 ] || { log "no publish was acked within 600 tries after the kill"; exit 1; }
failover=$(secs "$t0" "$t1")
start_node "$leader" 3
t2=$(now)
"$P" --monitor "http://127.0.0.1:${mport[$leader]}" -q --wait 60 cluster
t3=$(now)
rejoin=$(secs "$t2" "$t3")
for n in n1 n2 n3; do kill "${pid[$n]}" 2>/dev/null || true; done

cat <<EOF
## The ha profile: publish with ack, one node and the R3 cluster

Debian's nats-server $(nats-server --version | awk '{ print $2 }') on loopback, configured as the native runtime configures
flash (one node) and flash, flash2, flash3 (profile ha); \`bench/jspub\` (nats.c) publishes
$msgs messages, each waiting for its JetStream ack (one in flight, as an agent that needs
the ack before it goes on); median of $runs runs, on this 2-core machine (the three servers
and the client share it). bench/ha.sh.

| Setup | acks/s | ack p50 ms | ack p99 ms |
|---|---:|---:|---:|
$row0
$row1
$row3

The floor is the round trip every acknowledged publish costs at least (\`jspub --floor\`: a
core NATS publish and a PING/PONG, nothing stored); natscli's \`nats bench --js\`, what a
user would reach for, is not packaged for Debian and is not measured here. The R3 ack waits
for a quorum (two of three stores) through the stream leader: the price of
losing nothing when a node dies. Failover (the R3 stream's leader killed with \`kill -9\`):
a publish was acked again **$failover s** later (the two others elected a new stream
leader); restarted on its store, the node passed \`natsprobe cluster\` (routes, meta group,
every replica current) **$rejoin s** after its start. tests/native/ha.t shows the same on
the kit's own nodes, with every acknowledged message kept, and the PostgreSQL replica's
catch-up (its # lines print the times).
EOF
