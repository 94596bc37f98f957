#!/usr/bin/env bash
# `make messaging-up` end to end on a real Docker engine, on the path a user takes: no
# image variable is set. The shipped Dockerfiles and compose files run with their
# defaults; since no remote registry is reachable, a local registry set as the engine's
# mirror serves STAND-IN images (tests/e2e/standin/) under the upstream names
# (nats, apachepulsar/pulsar, redis, and debian for the probes builder). The kit builds
# its probes image itself, then flash (NATS), strange (Pulsar: the admin-REST stand-in,
# not Apache Pulsar) and sonic (Redis) come up healthy by their own healthchecks (the
# probes inside), stay up on a second `up`, keep their data over down + up, publish on
# 127.0.0.1 only and run as non-root.
# Needs a Docker engine and root (the mirror edits /etc/docker/daemon.json, restored at
# exit); skipped otherwise.
#
# It uses the kit's real container, volume and image names (arc-flash,
# arc-flash-jetstream, arc-flash:latest, ...), so it refuses to run when any of them
# exists already (ARC_E2E_REPLACE=1 removes them); host ports are free ones picked here.
# Everything it created is removed at the end except the cached stand-in and probes images.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

e2e_need_engine
need_cmd redis-cli jq

SERVICES=(flash strange sonic)
declare -A PROBE=([flash]=natsprobe [strange]=pulsaradm [sonic]=redisping)
# The data volumes, as the seeds name them (spec 003: arc-flash-jetstream).
declare -A VOLUME=([flash]=arc-flash-jetstream [strange]=arc-strange-data [sonic]=arc-sonic-data)

e2e_services "${SERVICES[@]}"
e2e_port ARC_FLASH_PORT
e2e_port ARC_FLASH_MONITOR_PORT
e2e_port ARC_FLASH_CLUSTER_PORT
e2e_port ARC_STRANGE_PORT
e2e_port ARC_STRANGE_ADMIN_PORT
e2e_port ARC_SONIC_PORT
note "host ports: flash $ARC_FLASH_PORT/$ARC_FLASH_MONITOR_PORT, strange $ARC_STRANGE_PORT/$ARC_STRANGE_ADMIN_PORT, sonic $ARC_SONIC_PORT"

cid() { docker inspect -f '{{.Id}}' "arc-$1" 2>/dev/null || echo "absent"; }
health_of() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "arc-$1" 2>/dev/null || echo absent; }
stop_here() { bail_out "$1"; }   # the exit handler dumps the state

e2e_step "host probes built (make tools; the health targets and this test use them)" \
    make -C "$ARC_ROOT" -s tools || stop_here "the probes do not build"
e2e_default_path "${SERVICES[@]}" || stop_here "the registry mirror with the stand-ins is not ready"
ok_if "no ARC_*_IMAGE or ARC_*_BASE_IMAGE variable is set: the defaults are used" \
    test -z "$(env | grep -E '^ARC_[A-Z_]*IMAGE=' || true)"

# ---- up from nothing: the kit builds its probes image, then the service images --------
kit "make messaging-up exits 0 (probes image and service images built from the defaults)" 0 messaging-up
like "$OUT" "probes image $E2E_PROBES_IMAGE is not here: building it" "messaging-up says it builds the probes image, and why"
for c in "${SERVICES[@]}"; do
    up=$(dockerfile_base "$ARC_ROOT/services/${E2E_DIR_OF[$c]}/Dockerfile")
    is "$(docker image inspect -f '{{index .Config.Labels "arc.service.codename"}} {{index .Config.Labels "org.opencontainers.image.base.name"}}' "arc-$c:latest" 2>&1)" \
        "$c $up" "docker image inspect arc-$c:latest: codename $c, base $up (the Dockerfile's default)"
    like "$(docker image inspect -f '{{index .Config.Labels "arc.standin"}}' "arc-$c:latest" 2>&1)" "stand-in" \
        "arc-$c:latest was built on what the mirror served as $up (the stand-in's label)"
    like "$(docker image inspect -f '{{index .Config.Labels "arc.standin"}}' "$up" 2>&1)" "stand-in" \
        "$up is here now: the engine pulled it through its registry mirror"
done

# ---- healthy by the containers' own healthchecks --------------------------------------
for c in "${SERVICES[@]}"; do
    e2e_healthy "$c" "${PROBE[$c]}"
done

kit "make messaging-health exits 0 with all three up" 0 messaging-health
for c in "${SERVICES[@]}"; do
    like "$ALL" "$c \([a-z]+\) healthy" "messaging-health reports $c healthy"
done

# ---- a stopped service is named ------------------------------------------------------
docker stop arc-sonic >/dev/null
kit_fails "make messaging-health fails after docker stop arc-sonic" messaging-health
like "$ERR" "sonic" "messaging-health names sonic"
unlike "$ERR" "(flash|strange) \([a-z]+\) unhealthy" "messaging-health does not blame flash or strange"
kit "make messaging-up brings arc-sonic back" 0 messaging-up
is "$(health_of sonic)" healthy "arc-sonic is healthy again"

# ---- a second up recreates nothing ---------------------------------------------------
declare -A id0=() started0=()
for c in "${SERVICES[@]}"; do
    id0[$c]=$(cid "$c")
    started0[$c]=$(docker inspect -f '{{.State.StartedAt}}' "arc-$c")
done
kit "make messaging-up a second time exits 0" 0 messaging-up
for c in "${SERVICES[@]}"; do
    is "$(cid "$c")" "${id0[$c]}" "second messaging-up: arc-$c not recreated (same container ID)"
    is "$(docker inspect -f '{{.State.StartedAt}}' "arc-$c")" "${started0[$c]}" "second messaging-up: arc-$c not restarted"
done

# ---- ports on 127.0.0.1 only; non-root users ------------------------------------------
for c in "${SERVICES[@]}"; do
    e2e_inspect "$c"
done

# ---- data survives messaging-down + messaging-up -------------------------------------
key="arc:e2e:$$"
value="kept-$RANDOM-$RANDOM"
msg="jetstream-kept-$RANDOM"
printf '{"streams":[{"name":"ARC_E2E","subjects":["arc.e2e.>"],"storage":"file"}]}\n' >"$TEST_TMP/streams.json"
check_cmd "natsprobe streams apply creates a file-backed stream on arc-flash" 0 '' \
    "$ARC_BIN/natsprobe" --server "nats://127.0.0.1:$ARC_FLASH_PORT" streams apply "$TEST_TMP/streams.json"
check_cmd "a JetStream message is published to arc-flash (acked by the stream)" 0 '"seq":1' \
    python3 "$ARC_ROOT/tests/e2e/natsmsg.py" pub "127.0.0.1:$ARC_FLASH_PORT" arc.e2e.kept "$msg"
check_cmd "a Redis key is written to arc-sonic" 0 '^OK$' \
    redis-cli -h 127.0.0.1 -p "$ARC_SONIC_PORT" SET "$key" "$value"

kit "make messaging-down exits 0" 0 messaging-down
left=$(for c in "${SERVICES[@]}"; do
    docker ps -aq --filter "label=com.docker.compose.project=arc-$c"
    docker ps -aq --filter "name=^/?arc-$c\$"
done | sort -u | tr '\n' ' ')
is "$left" "" "messaging-down leaves no arc container behind (by name or compose project)"
for c in "${SERVICES[@]}"; do
    ok_if "messaging-down keeps the volume ${VOLUME[$c]}" e2e_volume_exists "${VOLUME[$c]}"
done

kit "make messaging-up after down exits 0" 0 messaging-up
check_cmd "the Redis key survived down + up" 0 "^$value\$" \
    redis-cli -h 127.0.0.1 -p "$ARC_SONIC_PORT" GET "$key"
check_cmd "the JetStream message survived down + up" 0 "^$msg\$" \
    python3 "$ARC_ROOT/tests/e2e/natsmsg.py" get "127.0.0.1:$ARC_FLASH_PORT" ARC_E2E 1

# ---- sonic-clean refuses without a terminal and without YES=1 --------------------------
kit_fails "make sonic-clean without a terminal and without YES=1 refuses" sonic-clean
like "$ALL" "refus" "sonic-clean says it refuses"
ok_if "sonic-clean refused: the volume arc-sonic-data is still there" e2e_volume_exists arc-sonic-data
check_cmd "sonic-clean refused: the Redis key is still there" 0 "^$value\$" \
    redis-cli -h 127.0.0.1 -p "$ARC_SONIC_PORT" GET "$key"

kit "make messaging-down at the end exits 0" 0 messaging-down

e2e_done
