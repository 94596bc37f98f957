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

# probe_once CODENAME: the service's probe (lib.sh probe_service) in one short try; its
# line in PROBE_OUT.
probe_once() {
    PROBE_OUT=$(probe_service "$1" --timeout "${ARC_PROBE_TIMEOUT:-2}")
}

# check_program CODENAME ELAPSED LIMIT: one look at the supervised program, for wait_all.
check_program() {
    local c=$1 st pid
    read -r st pid <<<"$(sv_state "arc-$c")"
    # STARTING: supervisor waits startsecs (1 s) before it says RUNNING; a probe that
    # passes already is the better word (a crash later is supervisor's to restart).
    if { [ "$st" = RUNNING ] || [ "$st" = STARTING ]; } && probe_once "$c"; then
        wait_say "arc-$c is healthy (${2}s, pid $pid)"
        return 0
    fi
    case "$st" in
    BACKOFF | EXITED | FATAL | STOPPED | ABSENT)
        # BACKOFF: it exited before it was up (startsecs) — a start that failed, not a
        # slow one. No retrying in the background after a failed up.
        wait_warn "arc-$c did not start: supervisor reports $st (the program exited)"
        log_tail "$c"
        sv_stop "arc-$c" >/dev/null 2>&1 || true
        sv_shutdown_if_idle >/dev/null || true
        return 1 ;;
    esac
    if [ "$2" -ge "$3" ]; then
        wait_warn "arc-$c is not healthy after ${3}s (supervisor: $st): ${PROBE_OUT:-}"
        warn "  ARC_UP_TIMEOUT=<seconds> waits longer"
        log_tail "$c"
        return 1
    fi
    # shellcheck disable=SC2034  # read by wait_all (lib.sh)
    WAIT_STATE=${st,,}
    return 2
}

wait_healthy() { wait_all check_program "$@"; }
