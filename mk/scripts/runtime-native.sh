#!/usr/bin/env bash
# runtime-native.sh — the native runtime: each service runs from the distribution's own
# server package as a program of the kit's OWN supervisord (Debian's `supervisor`), on
# 127.0.0.1 and the same host ports as in docker mode, all state in one folder
# (ARC_STATE_DIR, default .arc/: data/<codename>/, logs/, run/). What each service runs
# is its folder's native.sh (services/<role>/native.sh); docs/native.md tells the story.
#
#   runtime-native.sh build|up|down|clean|logs|status|ps|shell CODENAME...
#
# The interface is described in svc.sh (which calls this). Environment:
#   ARC_STATE_DIR      the state folder (default <kit>/.arc)
#   ARC_PROFILE_UP=1   set by `make up` (a whole profile): a service that cannot run here
#                      (e.g. strange without PULSAR_HOME) is reported "not started" with
#                      its reason and skipped; without it, asking for it fails (exit 1)
#   ARC_UP_TIMEOUT     seconds `up` waits for healthy (default: service.yaml up_timeout)
#   FOLLOW, LOGS_TAIL  logs: follow (default on a terminal) and how many lines (100)
#   ARC_STATUS_PROBE=0 status: the states only, without probing (for callers that need
#                      only "running" or "not started")
#   ARC_SHELL          shell: the command to run instead of the service's client
set -euo pipefail
here=${BASH_SOURCE[0]%/*}
[ "$here" != "${BASH_SOURCE[0]}" ] || here=. # (no dirname process: this runs on every command)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
# shellcheck source=SCRIPTDIR/native/lib.sh
. "$here/native/lib.sh"
# shellcheck source=SCRIPTDIR/native/supervisor.sh
. "$here/native/supervisor.sh"
# shellcheck source=SCRIPTDIR/native/ports.sh
. "$here/native/ports.sh"
# shellcheck source=SCRIPTDIR/native/wait.sh
. "$here/native/wait.sh"

# running STATE: supervisor keeps (or is bringing) the program up.
running() { case "$1" in RUNNING | STARTING | BACKOFF) return 0 ;; esac; return 1; }

# ensure_probes CODENAME...: the probes the health checks run are built.
ensure_probes() {
    local c
    for c in "$@"; do
        load_service "$c"
        [ ! -x "$ARC_BIN/$SVC_PROBE" ] || continue
        say "building $SVC_PROBE (the health check of $c)"
        "${ARC_MAKE:-make}" -C "$ARC_ROOT" -s "$SVC_PROBE" >&2 || true
        [ -x "$ARC_BIN/$SVC_PROBE" ] ||
            die "$c: cannot check health: $ARC_BIN/$SVC_PROBE is not built (run 'make tools')"
    done
}

# not_started CODENAME: after native_available failed — skip it (a profile: reported at
# the end) or fail.
not_started() {
    [ "${ARC_PROFILE_UP:-}" = 1 ] || die "$1: not started: $(native_why)"
}

# start CODENAME: its program configured and started under supervisor.
start() {
    local c=$1 st pid
    native_load "$c"
    native_command
    [ ${#NATIVE_CMD[@]} -gt 0 ] || die "$c: $(relpath "$NATIVE_FILE") gives no command (native_command)"
    if sv_program_write; then
        sv_update "$NATIVE_PROGRAM"
        read -r st pid <<<"$(sv_state "$NATIVE_PROGRAM")"
    else # as do_up saw it (one getAllProcessInfo for all)
        st=${UP_STATE[$NATIVE_PROGRAM]:-ABSENT} pid=${UP_PID[$NATIVE_PROGRAM]:--}
    fi
    case "$st" in
    # STARTING: running, supervisor's startsecs not over yet (the wait checks its health).
    RUNNING | STARTING) say "$NATIVE_PROGRAM is already running (pid $pid)"; return 0 ;;
    # Failing and being retried: start afresh.
    BACKOFF) sv_stop "$NATIVE_PROGRAM" >/dev/null 2>&1 || true ;;
    esac
    say "starting $NATIVE_PROGRAM ($SVC_TECH) on $(ports_of "$c")"
    if ! sv_start_program "$NATIVE_PROGRAM"; then
        warn "$NATIVE_PROGRAM did not start: $SV_FAULT"
        log_tail "$c"
        # No retrying in the background after a failed up.
        sv_stop "$NATIVE_PROGRAM" >/dev/null 2>&1 || true
        sv_shutdown_if_idle >/dev/null || true
        exit 1
    fi
}

do_up() {
    local c st skipped=() run=()
    native_lock
    native_packages "$@"
    for c in "$@"; do
        native_load "$c"
        if native_available; then run+=("$c"); else not_started "$c"; skipped+=("$c: $(native_why)"); fi
    done
    if [ ${#run[@]} -eq 0 ]; then
        for c in "${skipped[@]}"; do say "${c%%:*}: not started:${c#*:}"; done
        return 0
    fi
    ensure_probes "${run[@]}"
    local name pid
    declare -gA UP_STATE=() UP_PID=()
    while read -r name st pid; do UP_STATE[$name]=$st UP_PID[$name]=$pid; done < <(sv_states)
    for c in "${run[@]}"; do
        load_service "$c"
        running "${UP_STATE[arc-$c]:-ABSENT}" || ports_check "$c"
    done
    for c in "${run[@]}"; do
        native_load "$c"
        native_prepare
    done
    sv_start
    start_in_order start "${run[@]}"
    for c in "${skipped[@]+"${skipped[@]}"}"; do say "${c%%:*}: not started:${c#*:}"; done
}

do_build() {
    local c
    native_packages "$@"
    for c in "$@"; do
        native_load "$c"
        if native_available; then
            say "$c: nothing to build natively (runs ${SVC_TECH} from the machine's packages)"
        else
            say "$c: cannot run natively: $(native_why)"
        fi
    done
}

stop() {
    local st pid
    read -r st pid <<<"$(sv_state "arc-$1")"
    if running "$st" || [ "$st" = STOPPING ]; then
        say "stopping arc-$1 (pid $pid)"
        sv_stop_program "$1"
        say "arc-$1 stopped (data kept in $(relpath "$NATIVE_DATA_ROOT/$1"))"
    else
        sv_stop_program "$1"
        say "arc-$1 is not running"
    fi
}

do_down() {
    local i c st name pid stopping=()
    local -A state=() spid=()
    native_lock
    while read -r name st pid; do state[$name]=$st spid[$name]=$pid; done < <(sv_states)
    # Every program told to stop at once (dependents first), then one wait for them all.
    for ((i = $#; i >= 1; i--)); do
        c=${!i}
        st=${state[arc-$c]:-ABSENT}
        if running "$st" || [ "$st" = STOPPING ]; then
            say "stopping arc-$c (pid ${spid[arc-$c]})"
            sv_rpc supervisor.stopProcess "$(sv_str "arc-$c")" "<boolean>0</boolean>" >/dev/null || true
            stopping+=("$c")
        else
            say "arc-$c is not running"
        fi
    done
    sv_wait_stopped "${stopping[@]+"${stopping[@]}"}"
    for c in "${stopping[@]+"${stopping[@]}"}"; do
        say "arc-$c stopped (data kept in $(relpath "$NATIVE_DATA_ROOT/$c"))"
    done
    sv_forget "$@"
    sv_shutdown_if_idle
    stop_leftovers "$@"
}

# stop_leftovers CODENAME...: with supervisord gone, stop the servers it left behind.
stop_leftovers() {
    ! sv_alive || return 0
    native_stop_leftovers "$@" && return 0
    warn "still running from $NATIVE_STATE after 30s:"
    native_leftovers "$@" | sed 's/^/    pid /' >&2
    return 1
}

do_clean() {
    local c i
    native_lock
    for ((i = $#; i >= 1; i--)); do stop "${!i}"; done
    sv_shutdown_if_idle
    stop_leftovers "$@" || die "clean: nothing deleted while those processes may still use the data"
    for c in "$@"; do
        rm -rf "${NATIVE_DATA_ROOT:?}/$c" "$NATIVE_DATA_ROOT/$c.init" "${NATIVE_RUNDIR:?}/$c"
        say "arc-$c: data deleted ($(relpath "$NATIVE_DATA_ROOT/$c"))"
    done
}

# ports_of CODENAME: "127.0.0.1:4222,127.0.0.1:8222" (after load_service).
ports_of() {
    local p host out=()
    for p in "${SVC_PORTS[@]+"${SVC_PORTS[@]}"}"; do
        read -r _ host _ <<<"$p"
        out+=("127.0.0.1:$host")
    done
    local IFS=,
    printf '%s' "${out[*]-}"
}

do_status() {
    local c st pid proc health name
    local -A state=() spid=()
    while read -r name st pid; do state[$name]=$st spid[$name]=$pid; done < <(sv_states)
    # Every running service's probe at once (ARC_STATUS_PROBE=0: the states alone).
    local running=()
    for c in "$@"; do
        case "${state[arc-$c]:-}" in RUNNING | STARTING) running+=("$c") ;; esac
    done
    [ "${ARC_STATUS_PROBE:-1}" = 0 ] || probe_all --timeout "${ARC_PROBE_TIMEOUT:-2}" -- "${running[@]+"${running[@]}"}"
    for c in "$@"; do
        native_load "$c"
        st=${state[arc-$c]:-ABSENT} pid=${spid[arc-$c]:--}
        proc=arc-$c health=-
        [ "$pid" = - ] || proc="arc-$c pid $pid"
        if [ -n "${PROBE_RC[$c]+x}" ]; then
            if [ "${PROBE_RC[$c]}" = 0 ]; then health=healthy; else health=unhealthy; fi
            # Supervisor says STARTING for its first second (startsecs); serving, it runs.
            [ "$st" != STARTING ] || [ "$health" != healthy ] || st=RUNNING
        fi
        if [ "$st" != ABSENT ]; then
            st=${st,,}
        elif ! native_available; then
            st="not started: $NATIVE_REASON" proc=-
        elif [ -d "$NATIVE_DATA" ]; then
            st=stopped
        else
            st=absent
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$proc" "$st" "$health" "$(probe_role "$c")" "$(ports_of "$c")"
    done
}

do_ps() {
    local c out
    if ! sv_alive; then
        say "the kit's supervisord is not running (state folder $NATIVE_STATE): nothing runs natively"
        return 0
    fi
    say "supervisord pid $(sv_pid) — supervisorctl -c $SV_CONF"
    out=$(sv_ctl status 2>/dev/null || true)
    for c in "$@"; do
        printf '%s\n' "$out" | awk -v p="arc-$c" '$1 == p { print; f = 1 } END { exit !f }' ||
            printf '%-32s %s\n' "arc-$c" "NOT CONFIGURED (not started)"
    done
}

do_logs() {
    local c follow=() shown=0 width=0 f
    case "${FOLLOW:-}" in
    1) follow=(-F) ;;
    0) ;;
    *) [ ! -t 1 ] || follow=(-F) ;;
    esac
    for c in "$@"; do [ ${#c} -le "$width" ] || width=${#c}; done
    for c in "$@"; do
        f=$NATIVE_LOGS/$c.log
        if [ ! -f "$f" ]; then
            warn "arc-$c: no log yet ($(relpath "$f")): not started"
            continue
        fi
        shown=$((shown + 1))
        if [ $# -eq 1 ]; then
            exec tail -n "${LOGS_TAIL:-100}" "${follow[@]+"${follow[@]}"}" "$f"
        fi
        tail -n "${LOGS_TAIL:-100}" "${follow[@]+"${follow[@]}"}" "$f" |
            while IFS= read -r line; do printf '%-*s | %s\n' "$width" "$c" "$line"; done &
    done
    wait
    [ "$shown" -gt 0 ] || die "no log of: $*"
}

do_shell() {
    local st
    native_load "$1"
    native_available || die "$1: not started: $(native_why)"
    read -r st _ <<<"$(sv_state "arc-$1")"
    [ "$st" = RUNNING ] || die "arc-$1 is not running: start it with 'make $1-up'"
    if [ -n "${ARC_SHELL:-}" ]; then
        cd "$NATIVE_DATA"
        # shellcheck disable=SC2086  # ARC_SHELL may carry arguments
        exec ${ARC_SHELL}
    fi
    native_shell
}

[ $# -ge 2 ] || die "usage: runtime-native.sh build|up|down|clean|logs|status|ps|shell CODENAME..."
action=$1
shift
native_state_init
case "$action" in
build | up | down | clean | logs | status | ps | shell) "do_$action" "$@" ;;
*) die "runtime-native.sh: unknown action '$action'" ;;
esac
