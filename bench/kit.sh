#!/usr/bin/env bash
# bench/kit.sh — the kit's own commands (make status, health, up, down) on the NATIVE
# runtime, each beside the floor it is compared with: `supervisorctl status`, the
# probes run directly with service.yaml's health arguments, and the servers' own
# start-to-ready and stop times (redis-server, nats-server, postgres started here
# directly, data present). Prints a markdown section on stdout (bench/run.sh puts it
# into docs/benchmarks.md); progress goes to stderr.
#
# BENCH_KIT_RUNS runs per command (default 9, at least 5): median, min and max of
# wall time. The processes one command starts are counted once under
# `strace -f -e trace=execve`. Everything runs in a private state folder
# (ARC_STATE_DIR) on free loopback ports; the EXIT trap runs `make down` on it and
# stops the processes of that folder and the servers started here (by pid).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$root/tests/lib/tap.sh"
# shellcheck source=tests/native/native-lib.sh
. "$root/tests/native/native-lib.sh"

runs=${BENCH_KIT_RUNS:-9}
[ "$runs" -ge 5 ] || { echo "bench/kit.sh: BENCH_KIT_RUNS must be at least 5" >&2; exit 64; }
bin=$ARC_BIN
need_cmd make supervisord supervisorctl nats-server redis-server strace python3
PG_BIN=$(pg_bindir) || { echo "bench/kit.sh: PostgreSQL server binaries not installed" >&2; exit 1; }
for p in svcmeta redisping natsprobe pgcheck pulsaradm; do
    [ -x "$bin/$p" ] || { echo "bench/kit.sh: $bin/$p is not built (make tools)" >&2; exit 1; }
done

log() { echo "bench kit: $*" >&2; }
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# A user's shell, not the environment of the `make bench` recipe around us.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES ARC_COMPOSE BUILDER_IMAGE ARC_PROFILE \
    ARC_PROFILES_FILE ARC_MAKEFILES ARC_MAKE ARC_RUNTIME_RESOLVED PULSAR_HOME ARC_PROFILE_UP \
    YES FOLLOW BOOTSTRAP_TIMEOUT BOOTSTRAP_BACKOFF_BASE BOOTSTRAP_BACKOFF_CAP \
    BOOTSTRAP_BREAKER_THRESHOLD BOOTSTRAP_BREAKER_OPEN

# ---- the kit, native, in its own state folder on free ports -----------------------------
# The kit itself (not a copy): what a user runs, including make's probe-build step.
KIT=$root
STATE=$TEST_TMP/state
export ARC_RUNTIME=native ARC_STATE_DIR=$STATE BOOTSTRAP_RESULT=$TEST_TMP/bootstrap.json
# Every port variable of services/*/service.yaml: a free one (native-lib.sh).
free_service_ports
kit_down() {
    [ -d "$STATE/run" ] || return 0
    nmake down >/dev/null 2>&1 || true
    native_teardown # whatever of $STATE is still running (our processes only)
}
on_exit kit_down

times=$TEST_TMP/times
mkdir -p "$times"
# tm KEY EXPECTED_RC|any CMD...: one timed run, its wall time appended to times/KEY.
tm() {
    local key=$1 want=$2 t0 t1 rc
    shift 2
    t0=$EPOCHREALTIME
    set +e
    "$@" >"$TEST_TMP/last.out" 2>&1 </dev/null
    rc=$?
    set -e
    t1=$EPOCHREALTIME
    if [ "$want" != any ] && [ "$rc" != "$want" ]; then
        log "$key: exit $rc, expected $want: $*"
        cat "$TEST_TMP/last.out" >&2
        exit 1
    fi
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }' >>"$times/$key"
}
# med KEY -> "median min max" (seconds)
med() {
    sort -n "$times/$1" | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'
}
# procs KEY CMD...: the processes one run of CMD (a program, not a function) starts:
# "all bash python3" into procs/KEY. CMD runs under a dash wrapper that writes its exit
# status; strace stops (detaching from whatever CMD left running, e.g. supervisord and
# the servers of `make up`) as soon as that status is written. The wrapper is not counted.
mkdir -p "$TEST_TMP/procs"
procs() {
    local key=$1 d=$TEST_TMP/strace.$1 rcf=$TEST_TMP/strace.$1.rc spid all b p
    shift
    mkdir -p "$d"
    rm -f "$rcf"
    # -I1: strace obeys SIGTERM (with -o it would block it).
    # shellcheck disable=SC2016  # for the wrapper to expand
    strace -I1 -ff -qq -e trace=execve -o "$d/t" /bin/sh -c '"$@"; echo "$?" >"$0"' "$rcf" "$@" \
        >/dev/null 2>&1 </dev/null &
    spid=$!
    until [ -s "$rcf" ] || ! kill -0 "$spid" 2>/dev/null; do sleep 0.05; done
    kill -TERM "$spid" 2>/dev/null || true
    wait "$spid" 2>/dev/null || true
    read -r all b p < <(python3 "$root/bench/procs.py" "$d")
    echo "$((all - 1)) $b $p" >"$TEST_TMP/procs/$key"
    rm -rf "$d" "$rcf"
}

# ---- first up (initdb, bootstrap): not measured ----------------------------------------
log "native state folder $STATE; first make up (initdb)"
tm first-up 0 nmake up

# ---- the probes, as service.yaml's health runs them ------------------------------------
# The profile's services that run natively: all but strange (Pulsar has no package here).
svcs=()
while read -r c; do [ "$c" = strange ] || svcs+=("$c"); done < <("$bin/svcmeta" --root "$root" profile "" service)
[ ${#svcs[@]} -gt 0 ] || { echo "bench/kit.sh: no service in the default profile" >&2; exit 1; }
health_targets=("${svcs[@]/%/-health}")
# probe CODENAME: the service's health command (svcmeta env: probe, arguments, environment).
for c in "${svcs[@]}"; do "$bin/svcmeta" --root "$root" env "$c" >"$TEST_TMP/meta.$c"; done
probe() {
    (
        eval "$(cat "$TEST_TMP/meta.$1")"
        exec "$bin/$SVC_PROBE" "${SVC_HEALTH_ARGS[@]}"
    )
}
# probe_shown CODENAME: that command as text, its ports written PORT.
probe_shown() {
    (
        eval "$(cat "$TEST_TMP/meta.$1")"
        local t="$SVC_PROBE ${SVC_HEALTH_ARGS[*]}" r port
        for r in "${SVC_PORTS[@]}"; do
            read -r _ port _ <<<"$r"
            t=${t//127.0.0.1:$port/127.0.0.1:PORT}
        done
        printf '%s' "$t"
    )
}
pg_pw=$("$bin/svcmeta" --root "$root" var oracle ARC_ORACLE_PASSWORD)
pg_pw=${pg_pw:-arc-local-dev}

sv_status() { supervisorctl -c "$STATE/run/supervisord.conf" status; }

# ---- everything up: status, health, up, the probes, supervisorctl, alternating ---------
log "everything up (${svcs[*]}): $runs runs each, alternating"
for _ in $(seq "$runs"); do
    tm status 0 nmake status
    tm sv-status 0 sv_status
    tm health 2 nmake health # strange (Pulsar) cannot run natively: non-zero by design
    tm health-each 0 nmake "${health_targets[@]}"
    for c in "${svcs[@]}"; do tm "probe-$c" 0 probe "$c"; done
    tm up-up 0 nmake up
done
kmake=(make -C "$KIT" --no-print-directory) # nmake, as a command strace can run
procs status "${kmake[@]}" status
procs sv-status supervisorctl -c "$STATE/run/supervisord.conf" status
procs health "${kmake[@]}" health
procs health-each "${kmake[@]}" "${health_targets[@]}"
procs up-up "${kmake[@]}" up

# ---- down and up from down (data present), alternating -----------------------------------
log "down / up from down: $runs runs each"
for _ in $(seq "$runs"); do
    tm down 0 nmake down
    tm up-down 0 nmake up
done
procs down "${kmake[@]}" down
procs up-down "${kmake[@]}" up
nmake down >/dev/null 2>&1

# ---- the servers' own start-to-ready and stop, started here directly ----------------------
ready_loop() { # PROBE...: until it passes (10 ms between tries)
    until "$@" >/dev/null 2>&1 </dev/null; do sleep 0.01; done
}
stop_wait() { # PID SIGNAL: until the process is gone
    kill "-$2" "$1" 2>/dev/null || true
    while kill -0 "$1" 2>/dev/null; do sleep 0.01; done
}
timed_to() { # KEY T0: the time since T0 appended to times/KEY
    awk -v a="$2" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f\n", b - a }' >>"$times/$1"
}
srv=$TEST_TMP/servers
mkdir -p "$srv/redis" "$srv/nats"
log "servers started directly: $runs starts each"

# redis-server: the kit's redis.conf (when there is one: its settings), AOF in a data folder.
r_port=$(free_port)
r_conf=()
[ ! -f "$root/services/cache/redis.conf" ] || r_conf=("$root/services/cache/redis.conf")
r_args=(--bind 127.0.0.1 --port "$r_port" --dir "$srv/redis" --daemonize no
    --logfile "$srv/redis/log" --appendonly yes --maxmemory-policy noeviction)
# nats-server: JetStream with a file store.
n_port=$(free_port)
n_mon=$(free_port)
n_args=(-a 127.0.0.1 -p "$n_port" -m "$n_mon" -js -sd "$srv/nats/js" -l "$srv/nats/log")
# postgres: a cluster made once (initdb, not measured), then started with pg_ctl (no wait).
pg_port=$(free_port)
pg_dir=$srv/pg
mkdir -p "$pg_dir"
[ "$(id -u)" -ne 0 ] || chown postgres "$pg_dir"
printf '%s\n' "$pg_pw" >"$pg_dir/.pw"
[ "$(id -u)" -ne 0 ] || chown postgres "$pg_dir/.pw"
as_pg "$PG_BIN/initdb" -D "$pg_dir/data" -U arc --pwfile="$pg_dir/.pw" --auth-host=scram-sha-256 \
    --auth-local=trust -E UTF8 >"$pg_dir/initdb.log" 2>&1 || bail_out_log "initdb failed" "$pg_dir/initdb.log"
pg_opts="-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pg_dir"
pg_stop_on_exit() {
    if [ -f "$pg_dir/data/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
}
on_exit pg_stop_on_exit

for i in $(seq 0 "$runs"); do # run 0 makes the data (first start): not measured
    t0=$EPOCHREALTIME
    redis-server "${r_conf[@]}" "${r_args[@]}" &
    pid=$!
    track_pid "$pid"
    ready_loop "$bin/redisping" --url "redis://127.0.0.1:$r_port" --timeout 1 -q
    [ "$i" = 0 ] || timed_to srv-redis "$t0"
    t0=$EPOCHREALTIME
    stop_wait "$pid" TERM
    [ "$i" = 0 ] || timed_to stop-redis "$t0"

    t0=$EPOCHREALTIME
    nats-server "${n_args[@]}" &
    pid=$!
    track_pid "$pid"
    ready_loop "$bin/natsprobe" --server "nats://127.0.0.1:$n_port" --timeout 1 -q jetstream
    [ "$i" = 0 ] || timed_to srv-nats "$t0"
    t0=$EPOCHREALTIME
    stop_wait "$pid" TERM
    [ "$i" = 0 ] || timed_to stop-nats "$t0"

    t0=$EPOCHREALTIME
    as_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -o "$pg_opts" start >/dev/null
    PGPASSWORD=$pg_pw ready_loop "$bin/pgcheck" --dsn "postgresql://arc@127.0.0.1:$pg_port/postgres" --timeout 1 -q
    [ "$i" = 0 ] || timed_to srv-oracle "$t0"
    pid=$(head -n 1 "$pg_dir/data/postmaster.pid")
    t0=$EPOCHREALTIME
    stop_wait "$pid" INT # fast shutdown
    [ "$i" = 0 ] || timed_to stop-oracle "$t0"
done

# ---- the section ---------------------------------------------------------------------------
read -r m_sv _ <<<"$(med sv-status)"
read -r m_sr _ <<<"$(med srv-redis)"
read -r m_sn _ <<<"$(med srv-nats)"
read -r m_so _ <<<"$(med srv-oracle)"
read -r m_xr _ <<<"$(med stop-redis)"
read -r m_xn _ <<<"$(med stop-nats)"
read -r m_xo _ <<<"$(med stop-oracle)"
probe_meds=()
for c in "${svcs[@]}"; do probe_meds+=("$(med "probe-$c" | cut -d' ' -f1)"); done
maxof() { printf '%s\n' "$@" | sort -n | tail -n 1; }
sumof() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.3f", s }'; }
p_max=$(maxof "${probe_meds[@]}")
p_sum=$(sumof "${probe_meds[@]}")
s_max=$(maxof "$m_sr" "$m_sn" "$m_so")
x_sum=$(sumof "$m_xr" "$m_xn" "$m_xo")
h_target=$(awk -v p="$p_max" 'BEGIN { printf "%.3f", p + 0.1 }')
u_target=$(awk -v s="$s_max" 'BEGIN { printf "%.3f", s + 1 }')
verdict() { # VALUE TARGET
    if awk -v v="$1" -v t="$2" 'BEGIN { exit !(v <= t) }'; then echo "**met**"; else echo "**not met**"; fi
}
row() { # LABEL KEY FLOOR TARGET-TEXT TARGET
    local m lo hi a b p
    read -r m lo hi <<<"$(med "$2")"
    read -r a b p <"$TEST_TMP/procs/$2"
    echo "| $1 | $m | $lo – $hi | $a / $b / $p | $3 | ≤ $4 | $(verdict "$m" "$5") |"
}
floor_row() { # LABEL KEY [PROCS-KEY]
    local m lo hi a b p pr="-"
    read -r m lo hi <<<"$(med "$2")"
    if [ -n "${3:-}" ]; then read -r a b p <"$TEST_TMP/procs/$3"; pr="$a / $b / $p"; fi
    echo "| $1 | $m | $lo – $hi | $pr |"
}
load=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
cat <<EOF
## Kit commands (native runtime)

Measured by \`make bench\` (bench/kit.sh) on $(date -u +%Y-%m-%d), $(nproc) cores ($cpu),
$(. /etc/os-release; echo "$PRETTY_NAME"), load average (1, 5, 15 min)
$load0 at the start and $load at the end: the kit's own commands on the **native** runtime
(\`ARC_RUNTIME=native\`, a private \`ARC_STATE_DIR\`, free loopback ports), profile think
(${svcs[*]} run; strange — Pulsar — cannot run natively and is reported not
started). Wall time of $runs runs each:
median, min – max, in seconds. The commands with everything up ran alternating, as did
\`make down\` and \`make up\` from down (data present). Processes: those one run starts
(all / bash / python3), counted with \`strace -f -e trace=execve\` (a fork without exec,
e.g. a bash subshell, counts as a process; python3 counts Debian's \`supervisord\` and
\`supervisorctl\`, Python programs on /usr/bin/python3).

| command | median (s) | min – max (s) | processes: all / bash / python3 | floor | target | |
|---|---:|---:|---:|---|---|---|
$(row "\`make status\`" status "\`supervisorctl status\` $m_sv s" "0.3 s" 0.3)
$(row "\`make health\` (exits 2 by design: strange cannot run natively)" health "slowest probe $p_max s (sum of the ${#svcs[@]} $p_sum s)" "slowest probe + 0.1 = $h_target s" "$h_target")
$(row "\`make ${health_targets[*]}\`" health-each "slowest probe $p_max s (sum $p_sum s)" "$h_target s" "$h_target")
$(row "\`make up\`, everything already up" up-up "nothing to start; the probes: slowest $p_max s" "0.5 s" 0.5)
$(row "\`make up\` from down (data present)" up-down "slowest server start-to-ready $s_max s" "slowest start-to-ready + 1 = $u_target s" "$u_target")
$(row "\`make down\`" down "redis-server, nats-server and postgres stopped one after another: $x_sum s" "2 s" 2)

The floors, measured in the same run:

| floor | median (s) | min – max (s) | processes: all / bash / python3 |
|---|---:|---:|---:|
$(floor_row "\`supervisorctl -c <state>/run/supervisord.conf status\`" sv-status sv-status)
$(for c in "${svcs[@]}"; do floor_row "$c's health probe: \`$(probe_shown "$c")\`" "probe-$c"; done)
$(floor_row "redis-server start to ready (redisping passes; AOF data present)" srv-redis)
$(floor_row "nats-server -js start to ready (natsprobe jetstream passes; store present)" srv-nats)
$(floor_row "postgres start to ready (pgcheck passes; cluster present)" srv-oracle)
$(floor_row "redis-server stop (SIGTERM to exit)" stop-redis)
$(floor_row "nats-server stop (SIGTERM to exit)" stop-nats)
$(floor_row "postgres stop (fast shutdown, SIGINT to exit)" stop-oracle)

The servers were started directly (not under supervisord) on their own ports and data
folders, readiness polled every 10 ms with the same probe the kit uses (cortex's server,
a program of the kit, has no such floor). The targets are the ones of issue 15; they are
reported here, never asserted by a test.
EOF
log "done"
