#!/usr/bin/env bash
# native/wait.sh — wait until services are healthy (bounded, with progress), as the
# docker runtime does, with the same probe (mk/scripts/health.sh). Sourced by
# runtime-native.sh after native/supervisor.sh; never run.
#
#   wait_healthy CODENAME...   each within ARC_UP_TIMEOUT (default: service.yaml up_timeout);
#                              fails at once when supervisor gives the program up
#   log_tail CODENAME [N]      the last N (20) lines of the service's log, on stderr

log_tail() {
    local f=$NATIVE_LOGS/$1.log
    warn "--- last lines of $f:"
    tail -n "${2:-20}" "$f" 2>/dev/null | sed 's/^/    /' >&2 || warn "    (no log yet)"
}

# probe_once CODENAME: health.sh's verdict in one short try; its line in PROBE_OUT.
probe_once() {
    PROBE_OUT=$(ARC_HEALTH_TIMEOUT=${ARC_PROBE_TIMEOUT:-2} ARC_HEALTH_WAIT=0 "$SCRIPTS/health.sh" "$1" 2>&1)
}

wait_healthy() {
    local -A limit=()
    local pending=("$@") t0=$SECONDS c st pid next line last="" printed=$SECONDS tty=0 cr=""
    for c in "$@"; do
        load_service "$c"
        limit[$c]=${ARC_UP_TIMEOUT:-$SVC_UP_TIMEOUT}
    done
    [ ! -t 1 ] || { tty=1; cr=$'\r\033[K'; }
    while [ ${#pending[@]} -gt 0 ]; do
        next=()
        line=""
        for c in "${pending[@]}"; do
            read -r st pid <<<"$(sv_state "arc-$c")"
            if [ "$st" = RUNNING ] && probe_once "$c"; then
                printf '%s' "$cr"
                say "arc-$c is healthy ($((SECONDS - t0))s, pid $pid)"
                continue
            fi
            case "$st" in
            FATAL | STOPPED | ABSENT)
                printf '%s' "$cr"
                warn "arc-$c failed to start: supervisor reports $st (it gave up restarting it)"
                log_tail "$c"
                return 1 ;;
            esac
            if [ $((SECONDS - t0)) -ge "${limit[$c]}" ]; then
                printf '%s' "$cr"
                warn "arc-$c is not healthy after ${limit[$c]}s (supervisor: $st): ${PROBE_OUT:-}"
                warn "  ARC_UP_TIMEOUT=<seconds> waits longer"
                log_tail "$c"
                return 1
            fi
            line+=" $c:${st,,}"
            next+=("$c")
        done
        pending=("${next[@]+"${next[@]}"}")
        [ ${#pending[@]} -gt 0 ] || break
        line="waiting for healthy ($((SECONDS - t0))s):$line"
        if [ "$tty" = 1 ]; then
            printf '%s%s' "$cr" "$line"
        elif [ "${line#*:}" != "$last" ] || [ $((SECONDS - printed)) -ge 15 ]; then
            say "$line"
            printed=$SECONDS
        fi
        last=${line#*:}
        sleep 1
    done
}
