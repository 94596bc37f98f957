#!/usr/bin/env bash
# tests/e2e/lib.sh — shared by the Docker end-to-end tests (tests/e2e/*.t); source it
# after tests/lib/tap.sh.
#
#   e2e_need_engine       a Docker engine and a compose command, or skip_all saying why
#                         (as root: installs and starts what is missing)
#   e2e_standins [NAME..] the STAND-IN images (tests/e2e/standin/build.sh)
#   e2e_default_path CODENAME...
#                         the default path: a registry mirror (tests/lib/mirror.sh) serves
#                         the stand-ins under the upstream names the services' Dockerfiles
#                         name (BASE_IMAGE) and the Debian base under the probes builder's
#                         (tools/Dockerfile BUILDER_IMAGE); the kit's probes image is
#                         removed, so `make` builds it itself as a user's first run does
#   e2e_probes_image      arc-probes:<VERSION> built by `make probes-image` with its defaults
#                         (needs e2e_default_path's mirror, or the real registry)
#   e2e_step "what" cmd   run a build step, its log shown only when it fails
#   e2e_dump [NAME...]    docker ps -a, and each container's health log and last logs
#
#   e2e_done              done_testing, after e2e_dump when something failed
#   e2e_services CODENAME...   claim the kit's real names for these services (skip_all
#                         when the container arc-<codename>, a volume arc-<codename>-* or
#                         the image arc-<codename>:latest exists, unless ARC_E2E_REPLACE=1);
#                         removes them and the network (when created here) at exit
#   kit "what" RC TARGET...    make in the kit without a terminal, one TAP result
#   kit_fails "what" TARGET... the same, passing on a non-zero exit status
#
# The stand-in images and the Debian base are cached between runs (never removed here).
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
[ -n "${_tap_n+x}" ] || . "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/../lib/mirror.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/mirror.sh"

# A test that stops early (bail_out, an unexpected error) dumps the containers' state too,
# then tap.sh's own exit handler cleans up as usual.
E2E_DONE=0
_e2e_exit() {
    local rc=$?
    # No errexit here: `(exit "$rc")` below would end the handler before the cleanup.
    set +e
    if [ "$rc" -ne 0 ] && [ "$E2E_DONE" = 0 ] && command -v docker >/dev/null 2>&1; then
        e2e_dump
    fi
    (exit "$rc")
    _tap_cleanup
}
trap _e2e_exit EXIT

E2E_SUITE=${ARC_E2E_SUITE:-trixie}
E2E_BASE=arc-standin/debian:$E2E_SUITE
E2E_VERSION=$(cat "$ARC_ROOT/VERSION")
E2E_PROBES_IMAGE=arc-probes:$E2E_VERSION
E2E_T0=$SECONDS

e2e_elapsed() { echo "$((SECONDS - E2E_T0))s"; }

e2e_need_engine() {
    need_cmd make python3
    if [ "$(id -u)" -eq 0 ]; then
        # docker.io, docker-compose and debootstrap when missing (the kit's `docker` group).
        "$ARC_ROOT/mk/scripts/deps.sh" docker >&2 || true
        "$ARC_ROOT/mk/scripts/docker-engine.sh" >&2 ||
            skip_all "no usable Docker engine (mk/scripts/docker-engine.sh could not start one)"
    else
        "$ARC_ROOT/mk/scripts/docker-engine.sh" --check 2>/dev/null ||
            skip_all "no Docker engine answers 'docker info' (run as root to have it installed and started)"
        [ -n "$(command -v debootstrap)" ] ||
            skip_all "debootstrap is not installed (the stand-in base images need it; run 'make deps')"
        docker image inspect "$E2E_BASE" >/dev/null 2>&1 ||
            skip_all "the stand-in base $E2E_BASE is missing and building it (debootstrap) needs root"
    fi
    if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
        skip_all "no compose command (the docker compose plugin or docker-compose)"
    fi
}

# e2e_step "what" cmd...: one TAP result; the command's output only when it fails.
e2e_step() {
    local what=$1 log t0=$SECONDS
    shift
    log=$(mktemp "$TEST_TMP/step.XXXXXX")
    if "$@" >"$log" 2>&1 </dev/null; then
        pass "$what ($((SECONDS - t0))s)"
        return 0
    fi
    fail "$what" "command: $*
$(tail -n 60 "$log")"
    return 1
}

e2e_standins() {
    e2e_step "stand-in images built: ${*:-all} (base $E2E_BASE, debootstrap when missing)" \
        env STANDIN_SUITE="$E2E_SUITE" "$ARC_ROOT/tests/e2e/standin/build.sh" "$@"
}

e2e_probes_image() {
    local builder
    docker image inspect "$E2E_PROBES_IMAGE" >/dev/null 2>&1 && return 0
    builder=$(dockerfile_base "$ARC_ROOT/tools/Dockerfile" BUILDER_IMAGE)
    [ -n "$MIRROR_PORT" ] || mirror_start
    e2e_standins_base || return 1
    mirror_forget "$builder" || true
    e2e_step "the mirror serves $E2E_BASE as $builder" mirror_push "$builder" "$E2E_BASE" || return 1
    e2e_step "make probes-image builds $E2E_PROBES_IMAGE (builder: tools/Dockerfile's default base)" \
        make -C "$ARC_ROOT" probes-image
}

# dockerfile_base FILE [ARG]: the default of ARG (BASE_IMAGE) in a Dockerfile.
dockerfile_base() { sed -n "s/^ARG ${2:-BASE_IMAGE}=//p" "$1" | head -n 1; }

# The stand-in that plays each upstream repository.
declare -A E2E_STANDIN_OF=([nats]=nats [redis]=redis [apachepulsar/pulsar]=pulsar [pgvector/pgvector]=pgvector)
declare -A E2E_DIR_OF=([flash]=messaging [strange]=streaming [sonic]=cache [oracle]=sql [cortex]=cortex)
E2E_UPSTREAM=()

e2e_default_path() {
    local c up standin names=()
    mirror_start
    for c in "$@"; do
        up=$(dockerfile_base "$ARC_ROOT/services/${E2E_DIR_OF[$c]}/Dockerfile")
        [ -n "$up" ] || continue # the kit's own program on scratch (cortex): no upstream image
        standin=${E2E_STANDIN_OF[${up%%:*}]:-}
        [ -n "$standin" ] || { fail "a stand-in plays $up (the $c Dockerfile's BASE_IMAGE)"; return 1; }
        names+=("$standin")
        E2E_UPSTREAM+=("$up=arc-standin/$standin")
    done
    E2E_UPSTREAM+=("$(dockerfile_base "$ARC_ROOT/tools/Dockerfile" BUILDER_IMAGE)=$E2E_BASE")
    e2e_standins "${names[@]}" || return 1
    for up in "${E2E_UPSTREAM[@]}"; do
        mirror_forget "${up%%=*}" || true
        e2e_step "the mirror serves ${up#*=} as ${up%%=*}" mirror_push "${up%%=*}" "${up#*=}" || return 1
    done
    if [ "$(docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.title"}}' "$E2E_PROBES_IMAGE" 2>/dev/null)" = arc-probes ]; then
        docker rmi "$E2E_PROBES_IMAGE" arc-probes:latest >/dev/null 2>&1 || true
    fi
}

e2e_standins_base() {
    e2e_step "stand-in Debian base $E2E_BASE present (debootstrap when missing)" \
        "$ARC_ROOT/tests/e2e/standin/debian/build.sh" "$E2E_SUITE"
}

# e2e_dump [CONTAINER...]: what a failure needs, on stderr (TAP comments).
e2e_dump() {
    local c names
    if [ $# -eq 0 ]; then
        mapfile -t names < <(docker ps -a --format '{{.Names}}' | grep -E '^arc-' || true)
        set -- "${names[@]+"${names[@]}"}"
    fi
    {
        echo "--- docker ps -a"
        docker ps -a --format 'table {{.Names}}\t{{.Image}}\t{{.Status}}\t{{.Ports}}' || true
        for c in "$@"; do
            docker inspect "$c" >/dev/null 2>&1 || continue
            echo "--- $c: health"
            docker inspect --format '{{json .State.Health}}' "$c" || true
            echo "--- $c: last logs"
            docker logs --tail 30 "$c" 2>&1 || true
        done
    } 2>&1 | sed 's/^/# /' >&2
}

E2E_SERVICES=()
E2E_OWN_NETWORK=0
E2E_USED_PORTS=" "

e2e_services() {
    local c v existing=()
    E2E_SERVICES=("$@")
    for c in "$@"; do
        ! docker container inspect "arc-$c" >/dev/null 2>&1 || existing+=("container arc-$c")
        for v in $(docker volume ls -q | grep -E "^arc-$c-" || true); do existing+=("volume $v"); done
        ! docker image inspect "arc-$c:latest" >/dev/null 2>&1 || existing+=("image arc-$c:latest")
    done
    if [ ${#existing[@]} -gt 0 ]; then
        [ "${ARC_E2E_REPLACE:-0}" = 1 ] ||
            skip_all "$(printf '%s, ' "${existing[@]}")already exist: not touching them (ARC_E2E_REPLACE=1 lets this test remove them)"
        e2e_remove_services
    fi
    docker network inspect arc_platform_net >/dev/null 2>&1 || E2E_OWN_NETWORK=1
    on_exit e2e_remove_services
    export ARC_RUNTIME=docker
    unset YES ARC_PROBES_IMAGE ARC_PROBES_LOCAL
    for c in "$@"; do unset "ARC_${c^^}_TAG"; done
}

e2e_remove_services() {
    local c v
    for c in "${E2E_SERVICES[@]+"${E2E_SERVICES[@]}"}"; do
        docker rm -f "arc-$c" >/dev/null 2>&1 || true
        for v in $(docker volume ls -q | grep -E "^arc-$c-" || true); do docker volume rm -f "$v" >/dev/null 2>&1 || true; done
        docker rmi -f "arc-$c:latest" >/dev/null 2>&1 || true
    done
    [ "$E2E_OWN_NETWORK" = 0 ] || docker network rm arc_platform_net >/dev/null 2>&1 || true
}

e2e_volume_exists() { docker volume inspect "$1" >/dev/null 2>&1; }

# e2e_port VAR: export VAR as a free loopback port no other VAR got.
e2e_port() {
    local p
    p=$(free_port)
    while [[ "$E2E_USED_PORTS" == *" $p "* ]]; do p=$(free_port); done
    E2E_USED_PORTS+="$p "
    printf -v "$1" '%s' "$p"
    export "${1?}"
}

kit() {
    local what=$1 want=$2
    shift 2
    check_cmd "$what" "$want" '' make -C "$ARC_ROOT" --no-print-directory "$@"
}

kit_fails() {
    local what=$1
    shift
    run make -C "$ARC_ROOT" --no-print-directory "$@"
    if [ "$RC" -ne 0 ]; then pass "$what (exit $RC)"; else fail "$what" "exit 0: $ALL"; fi
}

# e2e_inspect CODENAME: ports on 127.0.0.1 only, a non-root user, no process as uid 0.
e2e_inspect() {
    local c=$1 binds user uids
    binds=$(docker inspect "arc-$c" | jq -r '.[0].NetworkSettings.Ports // {} | to_entries[] | .value // [] | .[] | .HostIp')
    [ -n "$binds" ] || binds="(none)"
    is "$(printf '%s\n' "$binds" | sort -u | tr '\n' ' ')" "127.0.0.1 " "arc-$c publishes its ports on 127.0.0.1 only"
    user=$(docker inspect -f '{{.Config.User}}' "arc-$c")
    if [ -n "$user" ] && [ "${user%%:*}" != root ] && [ "${user%%:*}" != 0 ]; then
        pass "arc-$c: docker inspect shows non-root user '$user'"
    else
        fail "arc-$c: docker inspect shows a non-root user" "Config.User is '$user'"
    fi
    uids=$(docker top "arc-$c" -eo pid,uid | awk 'NR > 1 { print $2 }' | sort -u | tr '\n' ' ')
    unlike " $uids" " 0 " "arc-$c: no process runs as uid 0 (uids: $uids)"
}

# e2e_healthy CODENAME PROBE: healthy by the container's own healthcheck, which runs PROBE.
e2e_healthy() {
    local c=$1 probe=$2
    is "$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "arc-$c" 2>&1)" \
        healthy "arc-$c is healthy by its own healthcheck"
    like "$(docker inspect -f '{{json .Config.Healthcheck.Test}}' "arc-$c" 2>&1)" "/usr/local/bin/$probe\"" \
        "arc-$c's healthcheck runs $probe inside the container"
    is "$(docker inspect "arc-$c" | jq -r '.[0].State.Health.Log[-1].ExitCode')" 0 \
        "arc-$c: the last healthcheck ($probe) exited 0"
}

e2e_done() {
    E2E_DONE=1
    # shellcheck disable=SC2154  # _tap_fail is tap.sh's failure count
    [ "$_tap_fail" -eq 0 ] || e2e_dump
    note "elapsed: $(e2e_elapsed)"
    done_testing
}
