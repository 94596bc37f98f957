#!/usr/bin/env bash
# `make up` end to end on a real Docker engine, as a user runs it: the default profile
# (think: oracle, flash, strange, sonic, then cortex, whose hook runs the bootstrap) with no image
# variable set. As in messaging.t, a local registry set as the engine's mirror serves
# STAND-IN images under the upstream names (pgvector/pgvector, nats, apachepulsar/pulsar —
# the admin-REST stand-in, not Apache Pulsar —, redis, debian for the probes builder),
# so the shipped Dockerfiles and compose files run with their defaults. Every service is
# healthy by its own healthcheck, the bootstrap provisions them, the init SQL ran, the
# database password appears in no output, and `make down` keeps every volume.
# Needs a Docker engine and root; skipped otherwise. Refuses to touch existing arc-*
# containers, volumes or images (ARC_E2E_REPLACE=1 removes them).
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

e2e_need_engine
need_cmd jq psql curl

SERVICES=(oracle flash strange sonic cortex)
declare -A PROBE=([oracle]=pgcheck [flash]=natsprobe [strange]=pulsaradm [sonic]=redisping [cortex]=httpprobe)
e2e_services "${SERVICES[@]}"
e2e_port ARC_ORACLE_PORT
e2e_port ARC_FLASH_PORT
e2e_port ARC_FLASH_MONITOR_PORT
e2e_port ARC_FLASH_CLUSTER_PORT
e2e_port ARC_STRANGE_PORT
e2e_port ARC_STRANGE_ADMIN_PORT
e2e_port ARC_SONIC_PORT
e2e_port ARC_CORTEX_PORT
export ARC_ORACLE_PASSWORD=e2e-oracle-$RANDOM-pw
unset ARC_PROFILE PROFILE

e2e_step "host probes built (make tools)" make -C "$ARC_ROOT" -s tools || bail_out "the probes do not build"
e2e_default_path "${SERVICES[@]}" || bail_out "the registry mirror with the stand-ins is not ready"

kit "make up exits 0 (the think profile, default images)" 0 up
up_out=$OUT up_all=$ALL
for c in "${SERVICES[@]}"; do
    e2e_healthy "$c" "${PROBE[$c]}"
    e2e_inspect "$c"
done
like "$up_out" "PHASE +STATUS +ATTEMPTS" "make up prints the bootstrap's table"
like "$up_out" "cortex: all phases ok" "... and every bootstrap phase is ok"
like "$up_out" "SERVICE +CONTAINER +STATE" "make up ends with the status table"
unlike "$up_all" "$ARC_ORACLE_PASSWORD" "the database password appears nowhere in make up's output"
check_cmd "the init SQL ran on the first start: extension vector exists" 0 '^[0-9]' \
    env PGPASSWORD="$ARC_ORACLE_PASSWORD" psql -h 127.0.0.1 -p "$ARC_ORACLE_PORT" -U arc -d arc -AtX \
    -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'"
check_cmd "the bootstrap created the JetStream streams on arc-flash" 0 'AGENT_JOBS' \
    "$ARC_BIN/natsprobe" --server "nats://127.0.0.1:$ARC_FLASH_PORT" streams ls
check_cmd "arc-cortex answers /ready 200 after the bootstrap its hook asked for" 0 '' \
    curl -sf "http://127.0.0.1:$ARC_CORTEX_PORT/ready"
check_cmd "arc-cortex: /health/deep sees every dependency healthy (through the container network)" 0 '"status":"ok"' \
    curl -sf "http://127.0.0.1:$ARC_CORTEX_PORT/health/deep"
kit "make health exits 0" 0 health
kit "make up a second time exits 0 (nothing to do)" 0 up

kit "make down exits 0" 0 down
is "$(docker ps -aq --filter name='^/?arc-' | tr -d '\n')" "" "make down leaves no arc container"
for v in arc-oracle-data arc-flash-jetstream arc-strange-data arc-sonic-data; do
    ok_if "make down keeps the volume $v" e2e_volume_exists "$v"
done

e2e_done
