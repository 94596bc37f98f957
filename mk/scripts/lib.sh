#!/usr/bin/env bash
# lib.sh — shared by the kit's scripts (sourced, never run):
#   messages (die, say), service metadata (load_service, meta), the runtime
#   (resolve_runtime), the compose command (compose_detect), and asking (confirm).
# shellcheck disable=SC2034  # SVC_* and COMPOSE are used by the scripts that source this

ARC_ROOT=${ARC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SCRIPTS=$ARC_ROOT/mk/scripts
ARC_BIN=${ARC_BIN:-$ARC_ROOT/bin}
ARC_NETWORK=arc_platform_net
export ARC_ROOT ARC_BIN

# The kit's version names the probes image tag the compose files default to.
if [ -z "${ARC_VERSION:-}" ] && [ -r "$ARC_ROOT/VERSION" ]; then
    ARC_VERSION=$(tr -d ' \n' <"$ARC_ROOT/VERSION")
    export ARC_VERSION
fi

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
die() { printf '%s\n' "$*" >&2; exit 1; }
# Path relative to the kit's root, for messages.
relpath() { printf '%s\n' "${1#"$ARC_ROOT"/}"; }

# ---- service metadata (services/*/service.yaml, profiles.yaml) ---------------------
meta() {
    command -v python3 >/dev/null 2>&1 ||
        die "python3 is not installed: the kit reads service.yaml with it (run 'make deps')"
    python3 "$SCRIPTS/svcmeta.py" "$@"
}

# load_service CODENAME: sets SVC_* (see svcmeta.py env) and exports the service's
# port variables and health environment. Exits with the reader's message on error.
load_service() {
    local code
    code=$(meta env "$1") || exit 1
    eval "$code"
}

# profile_services [service|oneshot]: the profile's codenames (ARC_PROFILE, else the
# file's default) in start order, optionally only one kind.
profile_services() {
    meta profile "${ARC_PROFILE:-}" ${1:+"$1"}
}

# ---- runtime ---------------------------------------------------------------------
docker_answers() {
    command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1
}

# docker_images_reachable: arc-* containers run already, or the service images are
# built here already, or a registry answers for an upstream base image (so `compose build` can pull it). Without
# either, a docker `make up` could only fail.
docker_images_reachable() {
    [ -z "$(docker ps -q --filter name=^arc- 2>/dev/null)" ] || return 0 # the kit already runs there
    docker image inspect "arc-flash:${ARC_FLASH_TAG:-latest}" >/dev/null 2>&1 && return 0
    timeout 15 docker manifest inspect "${ARC_FLASH_BASE_IMAGE:-nats:2.10-alpine}" >/dev/null 2>&1
}

# resolve_runtime: ARC_RUNTIME (auto|docker|native) -> ARC_RUNTIME_RESOLVED (exported,
# so nested calls do not ask Docker again).
resolve_runtime() {
    [ -z "${ARC_RUNTIME_RESOLVED:-}" ] || return 0
    case "${ARC_RUNTIME:-auto}" in
    auto)
        if ! docker_answers; then
            ARC_RUNTIME_RESOLVED=native
        elif docker_images_reachable; then
            ARC_RUNTIME_RESOLVED=docker
        else
            ARC_RUNTIME_RESOLVED=native
            warn "runtime: Docker answers, but the kit's images are not built and no registry answers for the upstream images: using the native runtime (ARC_RUNTIME=docker to insist)"
        fi ;;
    docker)
        docker_answers || die "ARC_RUNTIME=docker, but no Docker engine answers ('docker info' failed): start Docker, or use ARC_RUNTIME=native"
        ARC_RUNTIME_RESOLVED=docker ;;
    native) ARC_RUNTIME_RESOLVED=native ;;
    *) die "ARC_RUNTIME='${ARC_RUNTIME}' is not one of: auto, docker, native" ;;
    esac
    export ARC_RUNTIME_RESOLVED
}

# runtime_label: "docker (ARC_RUNTIME=auto)" for status and info.
runtime_label() {
    resolve_runtime
    printf '%s (ARC_RUNTIME=%s)\n' "$ARC_RUNTIME_RESOLVED" "${ARC_RUNTIME:-auto}"
}

# runtime_script: the script that implements the resolved runtime.
runtime_script() {
    resolve_runtime
    local s="$SCRIPTS/runtime-$ARC_RUNTIME_RESOLVED.sh"
    if [ ! -x "$s" ]; then
        if [ "$ARC_RUNTIME_RESOLVED" = native ]; then
            local why="ARC_RUNTIME=native was asked for"
            [ "${ARC_RUNTIME:-auto}" != auto ] || why="ARC_RUNTIME=auto chose it: no Docker engine answers"
            die "native runtime not available yet: $(relpath "$s") does not exist ($why). Start Docker and use ARC_RUNTIME=auto or docker."
        fi
        die "runtime '$ARC_RUNTIME_RESOLVED' is not available: $(relpath "$s") does not exist"
    fi
    printf '%s\n' "$s"
}

# ---- compose -----------------------------------------------------------------------
# compose_detect: COMPOSE=(the compose command): ARC_COMPOSE when set, else the
# `docker compose` plugin, else the standalone docker-compose.
compose_detect() {
    if [ -n "${ARC_COMPOSE:-}" ]; then
        read -r -a COMPOSE <<<"$ARC_COMPOSE"
    elif docker compose version >/dev/null 2>&1; then
        COMPOSE=(docker compose)
    elif command -v docker-compose >/dev/null 2>&1; then
        COMPOSE=(docker-compose)
    else
        die "no Docker Compose found: install the Compose plugin ('docker compose', from Docker's packages) or the standalone docker-compose (Debian: apt-get install docker-compose)"
    fi
}

# compose_all: every compose implementation present, one a line (for validate).
compose_all() {
    if [ -n "${ARC_COMPOSE:-}" ]; then printf '%s\n' "$ARC_COMPOSE"; return 0; fi
    if docker compose version >/dev/null 2>&1; then echo "docker compose"; fi
    if command -v docker-compose >/dev/null 2>&1; then echo "docker-compose"; fi
}

# ---- asking -------------------------------------------------------------------------
# confirm WHAT QUESTION: yes with YES=1; else ask on the terminal; no terminal = refuse.
confirm() {
    local what=$1 question=$2 answer
    [ "${YES:-}" != 1 ] || return 0
    if [ ! -t 0 ]; then
        die "$what: refusing to delete data without a terminal to ask on; to confirm, run it again with YES=1 (e.g. make $what YES=1)"
    fi
    read -r -p "$question [y/N] " answer || answer=
    case "$answer" in
    y | Y | yes | YES) return 0 ;;
    esac
    die "$what: cancelled, nothing removed"
}

# ---- waiting until healthy (both runtimes) ------------------------------------------
# wait_all CHECK CODENAME...: bounded wait with progress. Once a second, for each
# service still pending, `CHECK CODENAME ELAPSED LIMIT` answers 0 (healthy; it has
# said so), 1 (failed for good, or past LIMIT; it has said why) or 2 (not yet; it
# sets WAIT_STATE, a word for the progress line). LIMIT is ARC_UP_TIMEOUT, else the
# service's up_timeout. The progress line is rewritten in place on a terminal, and
# otherwise printed when it changes or every 15 s; CHECK calls wait_say / wait_warn
# so its messages do not land on the progress line.
WAIT_TTY=0
wait_say() { [ "$WAIT_TTY" = 0 ] || printf '\r\033[K'; say "$@"; }
wait_warn() { [ "$WAIT_TTY" = 0 ] || printf '\r\033[K'; warn "$@"; }
wait_all() {
    local check=$1
    shift
    local -A limit=()
    local pending=("$@") t0=$SECONDS c rc next line last="" printed=$SECONDS
    for c in "$@"; do
        load_service "$c"
        limit[$c]=${ARC_UP_TIMEOUT:-$SVC_UP_TIMEOUT}
    done
    WAIT_TTY=0
    [ ! -t 1 ] || WAIT_TTY=1
    while [ ${#pending[@]} -gt 0 ]; do
        next=()
        line=""
        for c in "${pending[@]}"; do
            WAIT_STATE=""
            rc=0
            "$check" "$c" $((SECONDS - t0)) "${limit[$c]}" || rc=$?
            case "$rc" in
            0) ;;
            2) line+=" $c:$WAIT_STATE"; next+=("$c") ;;
            *) return 1 ;;
            esac
        done
        pending=("${next[@]+"${next[@]}"}")
        [ ${#pending[@]} -gt 0 ] || break
        line="waiting for healthy ($((SECONDS - t0))s):$line"
        if [ "$WAIT_TTY" = 1 ]; then
            printf '\r\033[K%s' "$line"
        elif [ "${line#*:}" != "$last" ] || [ $((SECONDS - printed)) -ge 15 ]; then
            say "$line"
            printed=$SECONDS
        fi
        last=${line#*:}
        sleep 1
    done
}

# start_in_order START CODENAME...: run `START CODENAME` for each service in the order
# given (dependencies first); before a service starts, the dependencies started here
# must be healthy; then wait until all are. wait_healthy is the runtime's.
start_in_order() {
    local start=$1 c d started=()
    shift
    for c in "$@"; do
        load_service "$c"
        for d in "${SVC_DEPENDS[@]+"${SVC_DEPENDS[@]}"}"; do
            [[ " ${started[*]-} " != *" $d "* ]] || wait_healthy "$d"
        done
        "$start" "$c"
        started+=("$c")
    done
    wait_healthy "${started[@]}"
}
