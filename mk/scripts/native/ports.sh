#!/usr/bin/env bash
# native/ports.sh — is a service's host port free on 127.0.0.1, and who holds it?
# Sourced by runtime-native.sh after native/lib.sh; never run.
#
#   port_busy PORT          something accepts connections on 127.0.0.1:PORT
#   port_owner PORT         "pid N (name)" of the listener when it can be seen, else empty
#   ports_check CODENAME    every port of the service is free, else fail naming service,
#                           port, holder and the variable that moves it

# shellcheck disable=SC2016  # \$1 is the inner shell's
port_busy() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }

port_owner() {
    command -v ss >/dev/null 2>&1 || return 0
    local line pid name
    line=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n 1)
    [[ "$line" =~ \(\(\"([^\"]+)\",pid=([0-9]+) ]] || return 0
    name=${BASH_REMATCH[1]} pid=${BASH_REMATCH[2]}
    printf 'pid %s (%s)' "$pid" "$name"
    # A server of this state folder that outlived its supervisord (e.g. it was killed).
    if grep -qsF "$NATIVE_STATE/" "/proc/$pid/cmdline" ||
        [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)/" == "$NATIVE_STATE/"* ]]; then
        printf ", left over from an earlier native run of this state folder: stop it with 'make down' (or kill %s)" "$pid"
    fi
}

ports_check() {
    local c=$1 p name host owner var
    for p in "${SVC_PORTS[@]+"${SVC_PORTS[@]}"}"; do
        read -r name host _ var _ <<<"$p"
        port_busy "$host" || continue
        owner=$(port_owner "$host")
        [ "$var" != - ] || var=""
        die "$c: port $host ($name) on 127.0.0.1 is already in use by another process${owner:+: $owner}
  free it, or give $c another port${var:+ with $var=<port> (environment or $(relpath "$SVC_DIR")/.env)}"
    done
}
