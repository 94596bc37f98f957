#!/usr/bin/env bash
# runtime-docker.sh — the docker runtime: each service is its folder's docker-compose.yml,
# run as compose project arc-<codename> on the external network arc_platform_net.
#
#   runtime-docker.sh build|up|down|clean|logs|status|ps|shell CODENAME...
#
# The interface is described in svc.sh (which calls this). Environment:
#   ARC_UP_TIMEOUT     seconds `up` waits for healthy (default: service.yaml up_timeout)
#   ARC_COMPOSE        the compose command (default: plugin, else docker-compose)
#   ARC_COMPOSE_OVERLAYS  names (space or comma separated) of docker-compose.<name>.yml
#                      files laid over each service's compose file where they exist
#                      (e.g. metrics: the exporters); the profile's name always counts
#   FOLLOW, LOGS_TAIL  logs: follow (default on a terminal) and how many lines (100)
#   ARC_SHELL          shell: the command run in the container (default sh)
set -euo pipefail
_here=${BASH_SOURCE[0]%/*}
[ "$_here" != "${BASH_SOURCE[0]}" ] || _here=. # (no dirname process: this runs on every command)
# shellcheck source=SCRIPTDIR/lib.sh
. "$_here/lib.sh"

# dc CODENAME: DC=(compose command for that service's project): its docker-compose.yml, then
# the overlays beside it that exist: docker-compose.<profile>.yml (e.g. flash under ha), and
# docker-compose.<name>.yml for each name in ARC_COMPOSE_OVERLAYS (e.g. metrics).
dc() {
    load_service "$1"
    [ -n "$SVC_COMPOSE" ] || die "$1: no docker-compose.yml in $(relpath "$SVC_DIR")"
    compose_detect
    DC=("${COMPOSE[@]}" -p "arc-$1" --project-directory "$SVC_DIR" -f "$SVC_COMPOSE")
    local o names=${ARC_COMPOSE_OVERLAYS:-}
    for o in "$ARC_META_PROFILE" ${names//,/ }; do
        [ ! -f "$SVC_DIR/docker-compose.$o.yml" ] || DC+=(-f "$SVC_DIR/docker-compose.$o.yml")
    done
}

ensure_network() {
    docker network inspect "$ARC_NETWORK" >/dev/null 2>&1 && return 0
    docker network create "$ARC_NETWORK" >/dev/null
    say "network $ARC_NETWORK created"
}

# state CONTAINER: "<status> <health>", e.g. "running healthy", "absent -".
state() {
    local s
    s=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' \
        "$1" 2>/dev/null) || s="absent -"
    printf '%s\n' "$s"
}

# why_not_healthy CONTAINER: the last healthcheck output and log lines.
why_not_healthy() {
    warn "--- last healthcheck of $1:"
    docker inspect -f '{{if .State.Health}}{{range .State.Health.Log}}{{.Output}}{{end}}{{end}}' "$1" 2>/dev/null |
        tail -n 5 >&2 || true
    warn "--- last log lines of $1:"
    docker logs --tail 20 "$1" 2>&1 | sed 's/^/    /' >&2 || true
}

# container_of CODENAME: its container's name (service.yaml `container`, else arc-<codename>).
container_of() {
    load_service "$1"
    printf '%s\n' "$SVC_CONTAINER"
}

# check_container CODENAME ELAPSED LIMIT: one look at the container, for wait_all.
check_container() {
    local c st health
    c=$(container_of "$1")
    read -r st health <<<"$(state "$c")"
    if [ "$st" = running ] && { [ "$health" = healthy ] || [ "$health" = none ]; }; then
        wait_say "$c is healthy (${2}s)"
        return 0
    fi
    if [ "$st" = exited ] || [ "$st" = dead ] || [ "$st" = absent ] || [ "$health" = unhealthy ]; then
        wait_warn "$c failed to become healthy: state $st, health $health"
        why_not_healthy "$c"
        return 1
    fi
    if [ "$2" -ge "$3" ]; then
        wait_warn "$c is not healthy after ${3}s (state $st, health $health); ARC_UP_TIMEOUT=<seconds> waits longer"
        why_not_healthy "$c"
        return 1
    fi
    WAIT_STATE=${health/none/$st}
    return 2
}

# wait_healthy CODENAME...: until each container is healthy; bounded per service.
wait_healthy() { wait_all check_container "$@"; }

# ensure_probes_image [always] CODENAME...: the probes image the service images copy
# their probe from, when one of them is to be built (always, or its image is absent):
# the kit's own arc-probes:<VERSION> is built here from tools/Dockerfile, a probes image
# named by ARC_PROBES_IMAGE is pulled.
ensure_probes_image() {
    local c need=0
    if [ "$1" = always ]; then need=1; shift; fi
    for c in "$@"; do
        docker image inspect "$(service_image "$c")" >/dev/null 2>&1 || need=1
    done
    [ "$need" = 1 ] || return 0
    docker image inspect "$ARC_PROBES_IMAGE" >/dev/null 2>&1 && return 0
    if [ "$ARC_PROBES_LOCAL" = 1 ]; then
        say "probes image $ARC_PROBES_IMAGE is not here: building it from tools/Dockerfile, since the service images copy their probe from it (several minutes the first time; cached after)"
        "$SCRIPTS/probes-image.sh" || die "the probes image $ARC_PROBES_IMAGE did not build (above); 'make probes-image' retries it alone"
    else
        say "pulling the probes image $ARC_PROBES_IMAGE (ARC_PROBES_IMAGE)"
        docker pull "$ARC_PROBES_IMAGE" || die "cannot pull ARC_PROBES_IMAGE=$ARC_PROBES_IMAGE; unset it to have the kit build arc-probes:$ARC_VERSION here"
    fi
}

do_build() {
    local c
    ensure_probes_image always "$@"
    for c in "$@"; do
        dc "$c"
        say "building arc-$c (${SVC_TECH})"
        "${DC[@]}" build
    done
}

start_container() {
    dc "$1"
    "${DC[@]}" up -d
}

do_up() {
    ensure_probes_image "$@"
    ensure_network
    start_in_order start_container "$@"
}

do_down() {
    local c i
    for ((i = $#; i >= 1; i--)); do
        c=${!i}
        dc "$c"
        "${DC[@]}" down
    done
}

do_clean() {
    local c v
    for c in "$@"; do
        dc "$c"
        "${DC[@]}" down -v
        for v in $(docker volume ls -q | grep -E "^arc-$c-" || true); do
            docker volume rm "$v" >/dev/null
            say "volume $v removed"
        done
    done
}

do_logs() {
    local c name follow=() shown=0 width=0
    case "${FOLLOW:-}" in
    1) follow=(-f) ;;
    0) ;;
    *) [ ! -t 1 ] || follow=(-f) ;;
    esac
    for c in "$@"; do [ ${#c} -le "$width" ] || width=${#c}; done
    for c in "$@"; do
        name=$(container_of "$c")
        if ! docker inspect "$name" >/dev/null 2>&1; then
            warn "$name: no such container (not started)"
            continue
        fi
        shown=$((shown + 1))
        if [ $# -eq 1 ]; then
            docker logs --tail "${LOGS_TAIL:-100}" "${follow[@]+"${follow[@]}"}" "$name"
            return
        fi
        docker logs --tail "${LOGS_TAIL:-100}" "${follow[@]+"${follow[@]}"}" "$name" 2>&1 |
            while IFS= read -r line; do printf '%-*s | %s\n' "$width" "$c" "$line"; done &
    done
    wait
    [ "$shown" -gt 0 ] || die "no container of: $*"
}

# ports CODENAME: "127.0.0.1:6379->6379" list, from docker when running, else configured.
ports_of() {
    local p host cont out=()
    if [ "$(docker inspect -f '{{.State.Running}}' "$SVC_CONTAINER" 2>/dev/null)" = true ]; then
        docker port "$SVC_CONTAINER" 2>/dev/null |
            awk '{ split($1, c, "/"); printf "%s%s->%s", (NR > 1 ? "," : ""), $3, c[1] }'
        return
    fi
    for p in "${SVC_PORTS[@]+"${SVC_PORTS[@]}"}"; do
        read -r _ host cont _ <<<"$p"
        out+=("127.0.0.1:$host->$cont")
    done
    local IFS=,
    printf '%s' "${out[*]-}"
}

do_status() {
    local c st health running=()
    local -A sth=()
    for c in "$@"; do
        load_service "$c"
        sth[$c]=$(state "$SVC_CONTAINER")
        [[ "${sth[$c]}" != running* ]] || running+=("$c")
    done
    # The roles (leader/follower, primary/standby): the probes from the host, all at once.
    [ "${ARC_STATUS_PROBE:-1}" = 0 ] || probe_all --timeout "${ARC_PROBE_TIMEOUT:-2}" -- "${running[@]+"${running[@]}"}"
    for c in "$@"; do
        load_service "$c"
        read -r st health <<<"${sth[$c]}"
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$SVC_CONTAINER" "$st" "$health" "$(probe_role "$c")" "$(ports_of)"
    done
}

do_ps() {
    local c filters=()
    for c in "$@"; do filters+=(--filter "name=^/?$(container_of "$c")\$"); done
    docker ps -a "${filters[@]}" --format 'table {{.Names}}\t{{.Image}}\t{{.Status}}\t{{.Ports}}'
}

do_shell() {
    local it=(-i) name
    [ ! -t 0 ] || it=(-it)
    name=$(container_of "$1")
    [ "$(docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" = true ] ||
        die "$name is not running: start it with 'make $1-up'"
    # shellcheck disable=SC2086  # ARC_SHELL may carry arguments
    exec docker exec "${it[@]}" "$name" ${ARC_SHELL:-sh}
}

[ $# -ge 2 ] || die "usage: runtime-docker.sh build|up|down|clean|logs|status|ps|shell CODENAME..."
action=$1
shift
case "$action" in
build | up | down | clean | logs | status | ps | shell) "do_$action" "$@" ;;
*) die "runtime-docker.sh: unknown action '$action'" ;;
esac
