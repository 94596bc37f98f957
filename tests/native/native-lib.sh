#!/usr/bin/env bash
# native-lib.sh — helpers for tests/native/*.t (sourced after ../lib/tap.sh).
#
#   native_setup      a private copy of the kit in $KIT (no .env files), the native runtime,
#                     a private state folder $STATE (ARC_STATE_DIR) and free ports for
#                     every service (ARC_*_PORT: free_service_ports), so nothing touches the developer's .arc/
#                     or the default ports; the EXIT trap stops our supervisord and every
#                     process of $STATE
#   nmake ARGS...     make in $KIT
#   sv ARGS...        supervisorctl on our supervisord
#   sv_pid            our supervisord's pid (empty when not running)
#   prog_pid NAME     the pid supervisor reports for arc-NAME (empty when none)
#   state_procs       "pid args" of every process that belongs to $STATE (by command line
#                     or working directory), one a line
# shellcheck disable=SC2034  # KIT, STATE and the port variables are used by the test files

nmake() { make -C "$KIT" --no-print-directory "$@"; }

native_setup() {
    need_cmd supervisord supervisorctl nats-server redis-server redis-cli python3 curl jq
    pg_bindir >/dev/null || skip_all "PostgreSQL server binaries not installed (run 'make deps')"
    local p
    for p in natsprobe redisping pgcheck pulsaradm; do need_probe "$p"; done
    KIT=$TEST_TMP/kit
    mkdir -p "$KIT"
    cp -a "$ARC_ROOT"/Makefile "$ARC_ROOT"/profiles.yaml "$ARC_ROOT"/mk "$ARC_ROOT"/services "$KIT"/
    [ ! -f "$ARC_ROOT/VERSION" ] || cp "$ARC_ROOT/VERSION" "$KIT"/
    rm -f "$KIT"/services/*/.env
    STATE=$TEST_TMP/state
    export ARC_RUNTIME=native ARC_STATE_DIR=$STATE
    unset ARC_RUNTIME_RESOLVED PULSAR_HOME ARC_PROFILE_UP YES FOLLOW ARC_ORACLE_USER ARC_ORACLE_DB
    # Not the default: the tests look for it where it must never be.
    export ARC_ORACLE_PASSWORD=Native-pw-9f3k2
    free_service_ports
    on_exit native_teardown
}

# free_service_ports: every port variable the services declare (service.yaml ports: env, as
# svcmeta resolves them) exported with a free loopback port of its own, so nothing run here
# uses a default port (flash's route port included: it is checked free in every profile).
free_service_ports() {
    local v p used=" "
    # shellcheck disable=SC2016  # expanded by the inner bash
    for v in $(bash -c 'eval "$("$1" --root "$2" resolve)"; printf "%s\n" "${META_PORTS[@]}"' _ \
        "$ARC_BIN/svcmeta" "$ARC_ROOT" | awk '$4 != "-" && $4 != "" { print $4 }' | sort -u); do
        p=$(free_port)
        while [[ "$used" == *" $p "* ]]; do p=$(free_port); done
        used+="$p "
        printf -v "$v" '%s' "$p"
        export "${v?}"
    done
    [ -n "${ARC_FLASH_PORT:-}" ] || bail_out "no port variables from svcmeta resolve ($ARC_BIN/svcmeta)"
}

sv() { supervisorctl -c "$STATE/run/supervisord.conf" "$@"; }

sv_pid() {
    local p
    p=$(cat "$STATE/run/supervisord.pid" 2>/dev/null) || return 0
    if kill -0 "$p" 2>/dev/null && grep -qsF supervisord "/proc/$p/cmdline"; then echo "$p"; fi
}

prog_pid() {
    local out
    out=$(sv pid "arc-$1" 2>/dev/null || true)
    if [[ "$out" =~ ^[1-9][0-9]*$ ]]; then echo "$out"; fi
}

state_procs() {
    local d pid cwd
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        if [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ]; then continue; fi
        cwd=$(readlink "$d/cwd" 2>/dev/null || true)
        if grep -qsF "$STATE/" "$d/cmdline" || [[ "$cwd/" == "$STATE/"* ]]; then
            printf '%s %s\n' "$pid" "$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)"
        fi
    done
}

native_teardown() {
    local p pid
    p=$(sv_pid)
    if [ -n "$p" ]; then
        sv shutdown >/dev/null 2>&1 || kill "$p" 2>/dev/null || true
        for _ in $(seq 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    fi
    while read -r pid _; do
        if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
    done < <(state_procs)
}

# redis_cmd ARGS...: redis-cli against sonic.
redis_cmd() { redis-cli -h 127.0.0.1 -p "$ARC_SONIC_PORT" "$@"; }
# pg_sql SQL: psql over TCP as the service's user (compose's defaults: arc, database arc).
pg_sql() {
    PGPASSWORD=$ARC_ORACLE_PASSWORD "$(pg_bindir)/psql" -X -qAt -v ON_ERROR_STOP=1 \
        "host=127.0.0.1 port=$ARC_ORACLE_PORT user=arc dbname=arc" -c "$1"
}
# js_messages STREAM: the stream's message count from the monitoring port (/jsz).
js_messages() {
    curl -fsS "http://127.0.0.1:$ARC_FLASH_MONITOR_PORT/jsz?streams=true" |
        jq -r --arg s "$1" '[.account_details[]?.stream_detail[]? | select(.name == $s) | .state.messages][0] // "none"'
}
# nats_pub SUBJECT PAYLOAD: a core NATS publish with a round trip (PING/PONG) before closing.
nats_pub() {
    python3 - "$ARC_FLASH_PORT" "$1" "$2" <<'PY'
import socket, sys
port, subject, payload = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
s = socket.create_connection(("127.0.0.1", port), timeout=5)
f = s.makefile("rb")
f.readline()  # INFO
s.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\n')
s.sendall(b"PUB %s %d\r\n%s\r\nPING\r\n" % (subject.encode(), len(payload), payload))
while True:
    line = f.readline()
    if not line or line.startswith(b"PONG") or line.startswith(b"-ERR"):
        break
sys.exit(0 if line.startswith(b"PONG") else 1)
PY
}
