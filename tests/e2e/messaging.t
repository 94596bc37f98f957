#!/usr/bin/env bash
# `make messaging-up` end to end on a real Docker engine: flash (NATS), strange (Pulsar)
# and sonic (Redis) built from their service folders — with the probes image and, since
# no registry is reachable, STAND-IN base images (tests/e2e/standin/) — come up healthy
# by their own healthchecks (the probes inside), stay up on a second `up`, keep their
# data over down + up, publish on 127.0.0.1 only and run as non-root.
# Needs a Docker engine (as root one is installed and started); skipped otherwise.
#
# It uses the kit's real container and volume names (arc-flash, arc-flash-data, ...), so
# it refuses to run when any of them exists already (ARC_E2E_REPLACE=1 removes them);
# host ports are free ones picked here, the images are tagged :e2e, and everything it
# created is removed at the end except the cached stand-in and probes images.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

e2e_need_engine
need_cmd redis-cli jq

SERVICES=(flash strange sonic)
declare -A PROBE=([flash]=natsprobe [strange]=pulsaradm [sonic]=redisping)
# Seconds `make messaging-up` may take to have all three healthy (stand-ins: ~20 s).
UP_BOUND=180

e2e_services "${SERVICES[@]}"
e2e_port ARC_FLASH_PORT
e2e_port ARC_FLASH_MONITOR_PORT
e2e_port ARC_STRANGE_PORT
e2e_port ARC_STRANGE_ADMIN_PORT
e2e_port ARC_SONIC_PORT
export ARC_FLASH_BASE_IMAGE=arc-standin/nats:2.10-alpine
export ARC_STRANGE_BASE_IMAGE=arc-standin/pulsar:3.3.0
export ARC_SONIC_BASE_IMAGE=arc-standin/redis:7.4-alpine
note "host ports: flash $ARC_FLASH_PORT/$ARC_FLASH_MONITOR_PORT, strange $ARC_STRANGE_PORT/$ARC_STRANGE_ADMIN_PORT, sonic $ARC_SONIC_PORT"

cid() { docker inspect -f '{{.Id}}' "arc-$1" 2>/dev/null || echo "absent"; }
health_of() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "arc-$1" 2>/dev/null || echo absent; }
stop_here() { bail_out "$1"; }   # the exit handler dumps the state

# ---- images -------------------------------------------------------------------------
e2e_step "host probes built (make tools; the health targets and this test use them)" \
    make -C "$ARC_ROOT" -s tools || stop_here "the probes do not build"
e2e_probes_image || stop_here "the probes image did not build"
e2e_standins nats redis pulsar || stop_here "the stand-in images did not build"
e2e_step "make flash-build strange-build sonic-build (probes image + stand-in bases)" \
    make -C "$ARC_ROOT" flash-build strange-build sonic-build || stop_here "the service images did not build"
for c in "${SERVICES[@]}"; do
    is "$(docker inspect -f '{{index .Config.Labels "arc.service.codename"}} {{index .Config.Labels "org.opencontainers.image.base.name"}}' "arc-$c:e2e" 2>&1)" \
        "$c $(v="ARC_${c^^}_BASE_IMAGE"; echo "${!v}")" "arc-$c:e2e is labelled $c and built on the stand-in base"
done

# ---- up: healthy by the containers' own healthchecks --------------------------------
kit "make messaging-up exits 0" 0 messaging-up
within "$UP_BOUND" "make messaging-up has all three healthy within ${UP_BOUND}s"
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
    ok_if "messaging-down keeps the volume arc-$c-data" e2e_volume_exists "arc-$c-data"
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
