#!/usr/bin/env bash
# svc.sh — the one entry point for per-service work; the make targets call it.
#
#   svc.sh ACTION CODENAME...
#
#   health   the service's probe from the host against 127.0.0.1 (health.sh); the
#            same in every runtime, the exit status is the verdict
#   clean    asks first (refuses without a terminal unless YES=1), then the runtime
#   build up down logs status ps shell
#            handed to the runtime: mk/scripts/runtime-<runtime>.sh ACTION CODENAME...;
#            after `up` and before `down`/`clean`, each service's hooks (service.yaml),
#            and the lifecycle events started / stopping / stopped (events.sh)
#            where <runtime> comes from ARC_RUNTIME=auto|docker|native (auto: docker
#            when a Docker engine answers, else native).
#
# The runtime script interface (runtime-docker.sh implements it; runtime-native.sh
# follows the same). Codenames arrive in start order, one-shots never:
#   build  CODENAME...  prepare what `up` runs (images); may do nothing
#   up     CODENAME...  start, dependencies first, then wait (bounded, with progress)
#                       until every one is healthy; non-zero naming the ones that are not.
#                       ARC_PROFILE_UP=1 (set by `make up`, a whole profile): a service the
#                       runtime cannot run here may be skipped, reported with its reason
#   down   CODENAME...  stop and remove what runs (in reverse order); data is kept
#   clean  CODENAME...  down, then delete the data (the caller has asked already)
#   logs   CODENAME...  recent log lines, prefixed by codename when several; FOLLOW=1
#                       follows (default: follow on a terminal), LOGS_TAIL=N lines
#   status CODENAME...  one line each, tab-separated: codename, container or process,
#                       state, health, ports (what the status table shows)
#   ps     CODENAME...  what runs, as the runtime's own tool shows it
#   shell  CODENAME     an interactive shell inside the service
set -euo pipefail
_here=${BASH_SOURCE[0]%/*}
[ "$_here" != "${BASH_SOURCE[0]}" ] || _here=. # (no dirname process: this runs on every command)
# shellcheck source=SCRIPTDIR/lib.sh
. "$_here/lib.sh"

usage() { die "usage: svc.sh build|up|down|clean|logs|status|ps|shell|health CODENAME..."; }

[ $# -ge 2 ] || usage
action=$1
shift

# A whole profile or group (ARC_PROFILE_UP=1): the runtime may leave out what it
# cannot run here (e.g. strange natively without PULSAR_HOME). Such a service is still
# checked (something else may serve its port); when nothing answers, health names it with
# the runtime's reason and fails: a check of all services is only healthy when all are.
# Only an explicit "not started" row does this: when the runtime cannot say, every
# service is simply probed.
if [ "$action" = health ] && [ "${ARC_PROFILE_UP:-}" = 1 ]; then
    resolve_runtime
    runtime_states "$@"
    keep=()
    down=()
    for c in "$@"; do
        state=${RUNTIME_STATE[$c]:-}
        case "$state" in
        "not started"*)
            if out=$("$SCRIPTS/health.sh" "$c" 2>&1); then
                say "$out"
            else
                warn "$c unhealthy: $state (make $c-up says how to run it here)"
                down+=("$c")
            fi ;;
        *) keep+=("$c") ;;
        esac
    done
    rc=0
    [ ${#keep[@]} -eq 0 ] || "$SCRIPTS/health.sh" "${keep[@]}" || rc=$?
    [ ${#down[@]} -eq 0 ] || { warn "not running: ${down[*]}"; rc=1; }
    exit "$rc"
fi

case "$action" in
health) exec "$SCRIPTS/health.sh" "$@" ;;
build | up | down | clean | logs | status | ps | shell) ;;
*) usage ;;
esac

# Only services run; a one-shot (e.g. cortex) has its own targets.
meta_load
for c in "$@"; do
    [ -n "${META_KIND[$c]+x}" ] || die "unknown service '$c' (known: ${ARC_META_ALL[*]})"
    kind=${META_KIND[$c]}
    [ "$kind" = service ] || die "$c is a one-shot ($kind): it has no $action of its own; see 'make $c-help'"
done
[ "$action" != shell ] || [ $# -eq 1 ] || die "svc.sh shell: one service at a time"

if [ "$action" = clean ]; then
    what="${ARC_CLEAN_WHAT:-$1-clean}"
    confirm "$what" "Delete ALL data of: $*? (down first; the data cannot be recovered)"
fi

# hooks WHEN CODENAME...: each service's hook (service.yaml hooks: after_up, before_down),
# run directly from its folder's path.
hooks() {
    local when=$1 c hook
    shift
    for c in "$@"; do
        if [ "$when" = after_up ]; then eval "hook=(${META_AFTER_UP[$c]})"; else eval "hook=(${META_BEFORE_DOWN[$c]})"; fi
        [ ${#hook[@]} -eq 0 ] || "${hook[@]}"
    done
}

resolve_runtime # in this shell: what runs below reuses the answer
runtime=$(runtime_script)
# The lifecycle events (docs/events.md) go to the running flash; events.sh never fails.
case "$action" in
up)
    "$runtime" up "$@"
    hooks after_up "$@"
    # `started` only for what runs: a profile's up may have left one out (not started).
    ran=("$@")
    if [ "${ARC_PROFILE_UP:-}" = 1 ]; then
        runtime_states "$@"
        ran=()
        for c in "$@"; do
            [[ "${RUNTIME_STATE[$c]:-}" == "not started"* ]] || ran+=("$c")
        done
    fi
    [ ${#ran[@]} -eq 0 ] || "$SCRIPTS/events.sh" started "${ran[@]}" ;;
down | clean)
    rev=()
    for c in "$@"; do rev=("$c" "${rev[@]+"${rev[@]}"}"); done
    hooks before_down "${rev[@]}"
    "$SCRIPTS/events.sh" stopping "${rev[@]}"
    "$runtime" "$action" "$@"
    # Once flash itself is stopped there is nowhere to publish to: then no `stopped`.
    [[ " $* " == *" flash "* ]] || "$SCRIPTS/events.sh" stopped "${rev[@]}" ;;
*) exec "$runtime" "$action" "$@" ;;
esac
