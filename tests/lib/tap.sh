#!/usr/bin/env bash
# tests/lib/tap.sh — TAP helpers and real-server fixtures for the kit's tests.
#
# Source it from a test (`. "$(dirname "$0")/../lib/tap.sh"`), then:
#   check_cmd "what" EXPECTED_RC 'regex' cmd args...   # monitoring-plugins style
#   run cmd args...        # sets RC, OUT (stdout), ERR (stderr), ELAPSED (seconds)
#   ok COND-RC "what"; is GOT WANT "what"; like TEXT REGEX "what"; unlike ...
#   start_redis [args]; start_pg; start_nats [args]; start_hang   # real servers on free ports
#   done_testing           # prints the plan; exit status = failures
# Every server started here is stopped and every temp file removed by the EXIT trap.
set -euo pipefail

ARC_ROOT=${ARC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# Which build of the probes to test: bin/ by default, ARC_BIN=... for the ASan build.
ARC_BIN=${ARC_BIN:-$ARC_ROOT/bin}
export ARC_ROOT ARC_BIN

_tap_n=0
_tap_fail=0
_tap_pids=()
_tap_cleanups=()
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/arc-test.XXXXXX")
chmod 755 "$TEST_TMP"

_tap_cleanup() {
    local rc=$?
    local c p
    for c in "${_tap_cleanups[@]+"${_tap_cleanups[@]}"}"; do eval "$c" >/dev/null 2>&1 || true; done
    for p in "${_tap_pids[@]+"${_tap_pids[@]}"}"; do kill "$p" 2>/dev/null || true; done
    for p in "${_tap_pids[@]+"${_tap_pids[@]}"}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null || true
    done
    rm -rf "$TEST_TMP"
    exit "$rc"
}
trap _tap_cleanup EXIT
trap 'exit 130' INT TERM

# Register a command to run at exit (before servers are killed).
on_exit() { _tap_cleanups+=("$*"); }
track_pid() { _tap_pids+=("$1"); }

diag() { printf '# %s\n' "$@" | sed '2,$s/^/# /' >&2; }
note() { printf '# %s\n' "$*"; }

_tap_result() { # rc desc
    _tap_n=$((_tap_n + 1))
    if [ "$1" -eq 0 ]; then
        printf 'ok %d - %s\n' "$_tap_n" "$2"
    else
        _tap_fail=$((_tap_fail + 1))
        printf 'not ok %d - %s\n' "$_tap_n" "$2"
    fi
}

pass() { _tap_result 0 "$1"; }
todo() { # what why: a failing assertion marked TODO (TAP: visible, not counted as a failure)
    _tap_n=$((_tap_n + 1))
    printf 'not ok %d - %s # TODO %s\n' "$_tap_n" "$1" "$2"
}
fail() { _tap_result 1 "$1"; [ $# -lt 2 ] || diag "$2"; }
ok() { # "test-expr-result" desc  e.g. ok "$(( RC == 0 ))"... use: ok_if cmd... instead
    if [ "$1" = 0 ] || [ "$1" = true ]; then pass "$2"; else fail "$2"; fi
}
# ok_if "desc" cmd args... : passes when the command succeeds
ok_if() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d" "command failed: $*"; fi; }
is() {
    if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "got:      '$1'
expected: '$2'"; fi
}
isnt() {
    if [ "$1" != "$2" ]; then pass "$3"; else fail "$3" "got '$1', expected anything else"; fi
}
like() {
    if grep -Eq -- "$2" <<<"$1"; then pass "$3"; else fail "$3" "text:  '$1'
regex: /$2/"; fi
}
unlike() {
    if grep -Eq -- "$2" <<<"$1"; then fail "$3" "text:  '$1'
must not match /$2/"; else pass "$3"; fi
}
skip() { _tap_n=$((_tap_n + 1)); printf 'ok %d # skip %s\n' "$_tap_n" "$1"; }
skip_all() { printf '1..0 # SKIP %s\n' "$1"; trap - EXIT; rm -rf "$TEST_TMP"; exit 0; }
bail_out() { printf 'Bail out! %s\n' "$1"; exit 255; }

done_testing() {
    printf '1..%d\n' "$_tap_n"
    [ "$_tap_fail" -eq 0 ]
}

now() { date +%s.%N; }

# run cmd...: RC, OUT, ERR, ALL (both), ELAPSED; never aborts the test.
run() {
    local t0 t1
    t0=$(now)
    set +e
    "$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err" </dev/null
    RC=$?
    set -e
    t1=$(now)
    OUT=$(cat "$TEST_TMP/.out")
    ERR=$(cat "$TEST_TMP/.err")
    ALL="$OUT${OUT:+${ERR:+
}}$ERR"
    ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

# check_cmd "what" EXPECTED_RC 'regex over stdout+stderr' cmd args...
check_cmd() {
    local desc=$1 want=$2 re=$3
    shift 3
    run "$@"
    if [ "$RC" -ne "$want" ]; then
        fail "$desc" "exit $RC, expected $want; command: $*
output: $ALL"
        return 0
    fi
    if [ -n "$re" ] && ! grep -Eq -- "$re" <<<"$ALL"; then
        fail "$desc" "exit $RC ok, but output does not match /$re/: $ALL"
        return 0
    fi
    pass "$desc"
}

# within SECONDS "what": the last run's ELAPSED is below SECONDS (a bound from
# the probe's contract, e.g. --timeout + 0.5, never a performance target).
within() {
    if awk -v e="$ELAPSED" -v m="$1" 'BEGIN { exit !(e < m) }'; then pass "$2 (${ELAPSED}s < $1s)"
    else fail "$2" "took ${ELAPSED}s, bound ${1}s"; fi
}

need_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed (run 'make deps')"
    done
}
need_probe() {
    [ -x "$ARC_BIN/$1" ] || bail_out "$ARC_BIN/$1 is not built (run 'make tools')"
}

# ---- ports ---------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Ports come from 20000-32767: below the kernel's ephemeral range (32768-60999),
# so an outgoing connection of a parallel test never holds "our" port.
free_port() {
    local p
    for _ in $(seq 200); do
        p=$((20000 + RANDOM % 12768))
        port_in_use "$p" || { echo "$p"; return 0; }
    done
    bail_out "no free port found"
}
wait_port() { # port [seconds] [pid]: fails early when pid (the server) has exited
    local deadline=$((SECONDS + ${2:-20}))
    until port_in_use "$1"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then return 1; fi
        sleep 0.05
    done
}
# bail_out_log "what" FILE: stop the test file, showing the whole log.
bail_out_log() {
    diag "$(cat "$2" 2>/dev/null || echo "(no log)")"
    bail_out "$1"
}

# ---- real servers ----------------------------------------------------------------
# start_redis [redis-server args...] -> REDIS_PORT REDIS_PID REDIS_DIR
# A port picked free can still be taken before the server binds it: servers
# are started up to three times on fresh ports.
start_redis() {
    need_cmd redis-server
    REDIS_DIR=$(mktemp -d "$TEST_TMP/redis.XXXX")
    for _ in 1 2 3; do
        REDIS_PORT=$(free_port)
        redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" --save '' \
            --daemonize no --logfile "$REDIS_DIR/log" "$@" &
        REDIS_PID=$!
        track_pid "$REDIS_PID"
        wait_port "$REDIS_PORT" 20 "$REDIS_PID" && return 0
    done
    bail_out_log "redis-server did not start" "$REDIS_DIR/log"
}

pg_bindir() {
    local d
    d=$(printf "%s\n" /usr/lib/postgresql/*/bin | grep -v "\*" | sort -V | tail -n 1)
    [ -n "$d" ] && echo "$d"
}
# as_pg cmd...: PostgreSQL refuses to run as root; use the postgres account then.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
# start_pg -> PG_PORT PG_DIR PG_BIN; superuser "postgres" with password "secret-pg-pw"
# over TCP (scram), trust nowhere.
PG_PASSWORD=secret-pg-pw
start_pg() {
    PG_BIN=$(pg_bindir) || skip_all "PostgreSQL server binaries not installed (run 'make deps')"
    PG_DIR=$(mktemp -d "$TEST_TMP/pg.XXXX")
    [ "$(id -u)" -ne 0 ] || chown postgres "$PG_DIR"
    printf '%s\n' "$PG_PASSWORD" >"$PG_DIR/.pw"
    [ "$(id -u)" -ne 0 ] || chown postgres "$PG_DIR/.pw"
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --pwfile="$PG_DIR/.pw" \
        --auth-host=scram-sha-256 --auth-local=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
        bail_out "initdb failed: $(cat "$PG_DIR/initdb.log")"
    local started=0
    for _ in 1 2 3; do
        PG_PORT=$(free_port)
        if as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off" \
            start >/dev/null; then
            started=1
            break
        fi
    done
    [ "$started" = 1 ] || bail_out_log "postgres did not start" "$PG_DIR/log"
    on_exit "as_pg '$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m immediate stop"
}
# psql_pg SQL...: run SQL as the superuser over the test server's socket.
psql_pg() {
    as_pg "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d "${PG_DB:-postgres}" \
        -v ON_ERROR_STOP=1 -qAtX -c "$1"
}

# start_nats [nats-server args...] -> NATS_PORT NATS_MON_PORT NATS_PID NATS_DIR
# JetStream is on unless NATS_NO_JS=1.
start_nats() {
    need_cmd nats-server
    NATS_DIR=$(mktemp -d "$TEST_TMP/nats.XXXX")
    local js=(-js -sd "$NATS_DIR/js")
    [ "${NATS_NO_JS:-0}" = 1 ] && js=()
    for _ in 1 2 3; do
        NATS_PORT=$(free_port)
        NATS_MON_PORT=$(free_port)
        nats-server -a 127.0.0.1 -p "$NATS_PORT" -m "$NATS_MON_PORT" "${js[@]}" \
            -l "$NATS_DIR/log" "$@" &
        NATS_PID=$!
        track_pid "$NATS_PID"
        wait_port "$NATS_PORT" 20 "$NATS_PID" && wait_port "$NATS_MON_PORT" 20 "$NATS_PID" && return 0
    done
    bail_out_log "nats-server did not start" "$NATS_DIR/log"
}

# start_hang -> HANG_PORT: a listener that accepts connections and never answers.
start_hang() {
    need_cmd python3
    local pid
    for _ in 1 2 3; do
        HANG_PORT=$(free_port)
        python3 - "$HANG_PORT" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
held = []
while True:
    c, _ = s.accept()
    held.append(c)
PY
        pid=$!
        track_pid "$pid"
        wait_port "$HANG_PORT" 20 "$pid" && return 0
    done
    bail_out "hanging listener did not start"
}

# start_pulsar_standin VAR [stand-in args...]: start the Pulsar admin-REST
# STAND-IN (tests/standin/pulsar — not Apache Pulsar, which cannot be installed
# here) on a port it picks itself, and set VAR to its base URL.
start_pulsar_standin() {
    need_cmd python3
    local var=$1 log port pid
    shift
    log=$(mktemp "$TEST_TMP/standin.XXXX")
    python3 "$ARC_ROOT/tests/standin/pulsar/pulsar_standin.py" --port 0 "$@" >"$log" 2>&1 &
    pid=$!
    track_pid "$pid"
    for _ in $(seq 200); do
        grep -q 'listening on' "$log" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")
    [ -n "$port" ] || bail_out_log "the Pulsar stand-in did not start" "$log"
    printf -v "$var" 'http://127.0.0.1:%s' "$port"
}

# A port where nothing listens (server down).
dead_port() { free_port; }

# valgrind_clean "what" EXPECTED_RC cmd...: no memory errors and no leaks.
valgrind_clean() {
    local desc=$1 want=$2
    shift 2
    command -v valgrind >/dev/null || { skip "$desc: valgrind not installed"; return 0; }
    case "$1" in *-asan/*) skip "valgrind: $desc (an ASan build cannot run under valgrind)"; return 0 ;; esac
    run valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
        --track-fds=no "$@"
    if [ "$RC" -eq "$want" ]; then pass "valgrind: $desc"
    else fail "valgrind: $desc" "exit $RC (99 = valgrind errors), expected $want: $ERR"; fi
}
