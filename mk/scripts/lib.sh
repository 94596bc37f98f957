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
    read -r ARC_VERSION <"$ARC_ROOT/VERSION"
    export ARC_VERSION
fi

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
die() { printf '%s\n' "$*" >&2; exit 1; }
# Path relative to the kit's root, for messages.
relpath() { printf '%s\n' "${1#"$ARC_ROOT"/}"; }

# ---- service metadata (services/*/service.yaml, profiles.yaml) ---------------------
# svcmeta (tools/svcmeta, C on libyaml) reads them; built on first use when missing.
meta() {
    if [ ! -x "$ARC_BIN/svcmeta" ]; then
        make -C "$ARC_ROOT" -s svcmeta >&2 ||
            die "svcmeta (the kit's reader of service.yaml) did not build: run 'make deps', then 'make tools'"
    fi
    "$ARC_BIN/svcmeta" "$@"
}

# meta_load: everything svcmeta knows (services, the profile ARC_PROFILE), read once per
# script: the META_* arrays keyed by codename, ARC_META_SERVICES / ARC_META_ONESHOTS
# (the profile's, in start order), ARC_META_ALL, and every port variable exported.
meta_load() {
    [ -z "${_meta_loaded:-}" ] || return 0
    local code
    code=$(meta resolve "${ARC_PROFILE:-}") || exit 1
    eval "$code"
    _meta_loaded=1
}

# load_service CODENAME: SVC_* of that service (scalars, and the arrays SVC_DEPENDS,
# SVC_PORTS "name host container env url" rows, SVC_HEALTH_ARGS), its health
# environment exported. No process is started once meta_load has run.
load_service() {
    meta_load
    local c=$1 kv
    [ -n "${META_KIND[$c]+x}" ] || die "unknown service '$c' (known: ${ARC_META_ALL[*]})"
    if [[ " ${ARC_META_INCOMPLETE[*]-} " == *" $c "* ]]; then
        meta env "$c" >/dev/null || exit 1 # says what is missing
    fi
    SVC_CODENAME=$c SVC_NAME=${META_NAME[$c]} SVC_TECH=${META_TECH[$c]} SVC_ROLE=${META_ROLE[$c]}
    SVC_KIND=${META_KIND[$c]} SVC_DESCRIPTION=${META_DESCRIPTION[$c]} SVC_DIR=${META_DIR[$c]}
    SVC_COMPOSE=${META_COMPOSE[$c]} SVC_CONTAINER=${META_CONTAINER[$c]}
    SVC_UP_TIMEOUT=${META_UP_TIMEOUT[$c]} SVC_PROBE=${META_PROBE[$c]}
    read -r -a SVC_DEPENDS <<<"${META_DEPENDS[$c]}"
    SVC_PORTS=()
    [ -z "${META_PORTS[$c]}" ] || mapfile -t SVC_PORTS <<<"${META_PORTS[$c]}"
    eval "SVC_HEALTH_ARGS=(${META_HEALTH_ARGS[$c]})"
    eval "SVC_HEALTH_ENV=(${META_HEALTH_ENV[$c]})"
    for kv in "${SVC_HEALTH_ENV[@]+"${SVC_HEALTH_ENV[@]}"}"; do export "${kv?}"; done
}

# probe_service CODENAME [PROBE-OPTION...]: the service's health probe from the host
# (service.yaml health: probe, args, env), its line on stdout, its exit status the verdict.
# A subshell: one service's environment (e.g. PGPASSWORD) stays its own.
probe_service() (
    load_service "$1"
    shift
    if [ ! -x "$ARC_BIN/$SVC_PROBE" ]; then
        echo "cannot check, $ARC_BIN/$SVC_PROBE is not built (run 'make tools' or 'make $SVC_PROBE')"
        exit 1
    fi
    exec "$ARC_BIN/$SVC_PROBE" "$@" "${SVC_HEALTH_ARGS[@]}" 2>&1
)

# service_url CODENAME PORTNAME: the URL service.yaml gives that port, resolved.
service_url() {
    meta_load
    local name url
    while read -r name _ _ _ url; do
        [ "$name" != "$2" ] || { printf '%s\n' "$url"; return 0; }
    done <<<"${META_PORTS[$1]:-}"
    die "$1 has no port named '$2' in its service.yaml"
}

# service_port CODENAME PORTNAME: that port's host port, resolved.
service_port() {
    meta_load
    local name host
    while read -r name host _; do
        [ "$name" != "$2" ] || { printf '%s\n' "$host"; return 0; }
    done <<<"${META_PORTS[$1]:-}"
    die "$1 has no port named '$2' in its service.yaml"
}

# service_env CODENAME VAR: a variable of the service's health environment (service.yaml
# health.env, e.g. oracle's PGPASSWORD), resolved; empty when it has none.
service_env() {
    meta_load
    local kv words=()
    eval "words=(${META_HEALTH_ENV[$1]:-})"
    for kv in "${words[@]+"${words[@]}"}"; do
        [ "${kv%%=*}" != "$2" ] || { printf '%s\n' "${kv#*=}"; return 0; }
    done
}

# runtime_states CODENAME...: RUNTIME_STATE[codename] = its state as the runtime reports it
# ("running", "not started: <why>", ...), without probing anything.
runtime_states() {
    declare -gA RUNTIME_STATE=()
    local c st _
    resolve_runtime # here, not in the subshell below: once per script
    while IFS=$'\t' read -r c _ st _; do
        [ -z "$c" ] || RUNTIME_STATE[$c]=$st
    done < <(ARC_STATUS_PROBE=0 "$(runtime_script)" status "$@" 2>/dev/null || true)
}

declare -gA PROBE_RC=() PROBE_LINE=()
# probe_all [PROBE-OPTION...] -- CODENAME...: every service's probe at once; the verdicts
# in PROBE_RC[codename], the lines in PROBE_LINE[codename]. Takes as long as the slowest.
probe_all() {
    local opts=() c dir
    while [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    declare -gA PROBE_RC=() PROBE_LINE=()
    [ $# -gt 0 ] || return 0
    meta_load
    local -A pid=()
    dir=$(mktemp -d "${TMPDIR:-/tmp}/arc-probe.XXXXXX")
    for c in "$@"; do
        probe_service "$c" "${opts[@]+"${opts[@]}"}" >"$dir/$c" &
        pid[$c]=$!
    done
    for c in "$@"; do
        PROBE_RC[$c]=0
        wait "${pid[$c]}" || PROBE_RC[$c]=$?
        IFS= read -r -d '' "PROBE_LINE[$c]" <"$dir/$c" || true
        PROBE_LINE[$c]=${PROBE_LINE[$c]%$'\n'}
    done
    rm -rf "$dir"
}

# probe_role CODENAME: the role the service's last probe line (probe_all) names — natsprobe
# cluster's "role leader|follower", pgcheck's "role primary|standby" — else "-".
probe_role() {
    local re='role ([a-z]+)'
    if [[ "${PROBE_LINE[$1]:-}" =~ $re ]]; then printf '%s\n' "${BASH_REMATCH[1]}"; else echo -; fi
}

# ---- runtime ---------------------------------------------------------------------
docker_answers() {
    command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1
}

# ---- images (docker runtime) ---------------------------------------------------------
# The probes image the service images copy their probe from: ARC_PROBES_IMAGE when the
# user names one (pulled like any image), else arc-probes:<VERSION>, which the kit builds
# here from tools/Dockerfile when it is absent (ARC_PROBES_LOCAL=1 marks that case).
if [ -z "${ARC_PROBES_IMAGE:-}" ]; then
    ARC_PROBES_IMAGE=arc-probes:$ARC_VERSION
    ARC_PROBES_LOCAL=1
fi
export ARC_PROBES_IMAGE ARC_PROBES_LOCAL=${ARC_PROBES_LOCAL:-0}

# dockerfile_arg FILE NAME: the default of `ARG NAME=...` in a Dockerfile (the one place
# an upstream image is named: BASE_IMAGE in the service Dockerfiles, BUILDER_IMAGE in
# tools/Dockerfile).
dockerfile_arg() {
    sed -n "s/^ARG $2=//p" "$1" | head -n 1
}

# engine_api PATH: GET PATH from the Docker engine's API (the socket DOCKER_HOST names,
# else the default one). Non-zero when it cannot be asked or answers with an error.
engine_api() {
    local host=${DOCKER_HOST:-unix:///var/run/docker.sock}
    command -v curl >/dev/null 2>&1 || return 2
    case "$host" in
    unix://*) curl -sf --max-time 15 --unix-socket "${host#unix://}" "http://engine$1" ;;
    tcp://*) [ -z "${DOCKER_TLS_VERIFY:-}" ] || return 2
        curl -sf --max-time 15 "http://${host#tcp://}$1" ;;
    *) return 2 ;;
    esac
}

# image_obtainable IMAGE: present here, or the engine can pull it. The engine is asked
# (its /distribution endpoint), not a registry: it resolves the name through its own
# registry mirrors and credentials, as `docker pull` and `docker build` will.
image_obtainable() {
    docker image inspect "$1" >/dev/null 2>&1 || engine_api "/distribution/$1/json" >/dev/null
}

# service_image CODENAME: the image compose builds and runs for it (arc-<codename>:<tag>).
service_image() {
    local tag="ARC_${1^^}_TAG"
    printf 'arc-%s:%s\n' "$1" "${!tag:-latest}"
}

# service_dockerfile CODENAME: the Dockerfile its compose file builds (needs load_service).
service_dockerfile() {
    local ctx
    ctx=$(sed -n 's/^[[:space:]]*context:[[:space:]]*//p' "$SVC_COMPOSE" | head -n 1)
    printf '%s/%s/Dockerfile\n' "$SVC_DIR" "${ctx:-.}"
}

# images_needed CODENAME...: one line per image that `up` would have to pull, for the
# services whose image is not built here yet: each one's upstream base and the probes
# image (or, when the kit builds that, its builder base).
images_needed() {
    local c build=0
    for c in "$@"; do
        docker image inspect "$(service_image "$c")" >/dev/null 2>&1 && continue
        load_service "$c"
        [ -n "$SVC_COMPOSE" ] || continue
        dockerfile_arg "$(service_dockerfile "$c")" BASE_IMAGE
        build=1
    done
    [ "$build" = 1 ] || return 0
    if docker image inspect "$ARC_PROBES_IMAGE" >/dev/null 2>&1; then
        :
    elif [ "$ARC_PROBES_LOCAL" = 1 ]; then
        dockerfile_arg "$ARC_ROOT/tools/Dockerfile" BUILDER_IMAGE
    else
        printf '%s\n' "$ARC_PROBES_IMAGE"
    fi
}

# docker_images_obtainable CODENAME...: arc-* containers run already, or every image the
# services need is here or can be pulled by the engine. Otherwise MISSING_IMAGES names
# those that cannot. The engine is asked for all of them at once.
docker_images_obtainable() {
    MISSING_IMAGES=""
    [ -z "$(docker ps -q --filter name=^arc- 2>/dev/null)" ] || return 0 # the kit already runs there
    local img pids=() imgs=() i
    while IFS= read -r img; do
        [ -n "$img" ] || continue
        image_obtainable "$img" & pids+=($!)
        imgs+=("$img")
    done < <(images_needed "$@" | sort -u)
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || MISSING_IMAGES+="${MISSING_IMAGES:+, }${imgs[$i]}"
    done
    [ -z "$MISSING_IMAGES" ]
}

# resolve_runtime: ARC_RUNTIME (auto|docker|native) -> ARC_RUNTIME_RESOLVED (exported,
# so nested calls do not ask Docker again).
resolve_runtime() {
    [ -z "${ARC_RUNTIME_RESOLVED:-}" ] || return 0
    case "${ARC_RUNTIME:-auto}" in
    auto)
        if ! docker_answers; then
            ARC_RUNTIME_RESOLVED=native
        elif meta_load && docker_images_obtainable "${ARC_META_SERVICES[@]+"${ARC_META_SERVICES[@]}"}"; then
            ARC_RUNTIME_RESOLVED=docker
        else
            ARC_RUNTIME_RESOLVED=native
            warn "runtime: Docker answers, but it cannot have $MISSING_IMAGES (not here, and the engine cannot pull it through its registries or mirrors): using the native runtime (ARC_RUNTIME=docker to insist)"
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
# wait_all CHECK CODENAME...: bounded wait with progress. Every 0.2 s, for each
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
        sleep "${ARC_POLL_INTERVAL:-0.2}"
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
