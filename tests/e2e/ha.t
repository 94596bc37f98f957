#!/usr/bin/env bash
# `make up PROFILE=ha` end to end on a real Docker engine, as a user runs it (no image
# variable set): one container per node on arc_platform_net — flash, flash2, flash3 (the
# flash image: flash2 and flash3 with cluster.conf, flash with docker-compose.ha.yml laid
# over its compose file) and oracle2 (the oracle image, copying oracle on its first start).
# As in up.t, a local registry set as the engine's mirror serves STAND-IN images under the
# upstream names (nats: Debian's nats-server; pgvector/pgvector: Debian's PostgreSQL;
# apachepulsar/pulsar: the admin-REST stand-in, not Apache Pulsar). Every node is healthy by
# its own cluster-aware healthcheck; status shows one meta leader, two followers, the primary
# and the standby; the streams have three replicas; a row written on oracle is read on
# oracle2; a node stopped is named by the survivors' check and heals when it is back;
# `make down` keeps every node's volume.
# Needs a Docker engine and root; skipped otherwise. Refuses to touch existing arc-*
# containers, volumes or images (ARC_E2E_REPLACE=1 removes them).
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

e2e_need_engine
need_cmd jq psql curl

SERVICES=(oracle oracle2 flash flash2 flash3 strange sonic cortex)
declare -A PROBE=([oracle]=pgcheck [oracle2]=pgcheck [flash]=natsprobe [flash2]=natsprobe
    [flash3]=natsprobe [strange]=pulsaradm [sonic]=redisping [cortex]=httpprobe)
e2e_services "${SERVICES[@]}"
for v in ARC_ORACLE_PORT ARC_ORACLE2_PORT ARC_FLASH_PORT ARC_FLASH_MONITOR_PORT ARC_FLASH_CLUSTER_PORT \
    ARC_FLASH2_PORT ARC_FLASH2_MONITOR_PORT ARC_FLASH2_CLUSTER_PORT ARC_FLASH3_PORT \
    ARC_FLASH3_MONITOR_PORT ARC_FLASH3_CLUSTER_PORT ARC_STRANGE_PORT ARC_STRANGE_ADMIN_PORT \
    ARC_SONIC_PORT ARC_CORTEX_PORT; do
    e2e_port "$v"
done
export ARC_ORACLE_PASSWORD=e2e-ha-$RANDOM-pw
unset ARC_PROFILE PROFILE ARC_FLASH_CLUSTER ARC_FLASH_CHECK ARC_FLASH_REPLICAS

e2e_step "host probes built (make tools)" make -C "$ARC_ROOT" -s tools || bail_out "the probes do not build"
e2e_default_path "${SERVICES[@]}" || bail_out "the registry mirror with the stand-ins is not ready"

kit "make up PROFILE=ha exits 0 (default images)" 0 up PROFILE=ha
up_all=$ALL
for c in "${SERVICES[@]}"; do
    e2e_healthy "$c" "${PROBE[$c]}"
    e2e_inspect "$c"
done
for c in flash flash2 flash3; do
    like "$(docker inspect -f '{{json .Config.Healthcheck.Test}}' "arc-$c")" '"cluster"\]$' \
        "arc-$c's healthcheck is the cluster check"
    is "$(docker inspect -f '{{.Config.Image}}' "arc-$c")" "arc-flash:latest" "arc-$c runs the flash image"
    like "$(docker inspect -f '{{json .Config.Cmd}}' "arc-$c")" '/etc/nats/cluster.conf' \
        "arc-$c runs cluster.conf"
done
is "$(docker inspect "arc-flash" | jq -r '.[0].Mounts[] | select(.Destination == "/data") | .Name')" \
    arc-flash-cluster-jetstream "under ha, flash's store is its cluster volume (its single-node volume is left alone)"
is "$(docker inspect -f '{{.Config.Image}}' arc-oracle2)" "arc-oracle:latest" "arc-oracle2 runs the oracle image"
unlike "$up_all" "$ARC_ORACLE_PASSWORD" "the database password appears nowhere in make up's output"
like "$up_all" "cortex: all phases ok" "the bootstrap's phases are ok on the cluster"

check_cmd "make status PROFILE=ha" 0 '' make -C "$ARC_ROOT" --no-print-directory -s status PROFILE=ha
status=$OUT
is "$(grep -cE '^flash[23]? .* healthy +leader ' <<<"$status")" 1 "status: exactly one NATS node is the meta leader"
is "$(grep -cE '^flash[23]? .* healthy +follower ' <<<"$status")" 2 "status: the two others are followers"
like "$status" 'oracle +arc-oracle .* healthy +primary ' "status: oracle is the primary"
like "$status" 'oracle2 +arc-oracle2 .* healthy +standby ' "status: oracle2 is the standby"
kit "make health PROFILE=ha exits 0" 0 health PROFILE=ha
info=$("$ARC_BIN/natsprobe" --server "nats://127.0.0.1:$ARC_FLASH3_PORT" --json stream info AGENT_EVENTS || true)
is "$(jq -r '[.. | objects | .num_replicas? // empty] | first' <<<"$info" 2>&1)" 3 \
    "the platform's streams have three replicas (AGENT_EVENTS, asked of flash3)"

export PGPASSWORD=$ARC_ORACLE_PASSWORD
psql -h 127.0.0.1 -p "$ARC_ORACLE_PORT" -U arc -d arc -qAtX -v ON_ERROR_STOP=1 \
    -c "CREATE TABLE e2e_ha (v text); INSERT INTO e2e_ha VALUES ('replicated')"
check_cmd "a row written on oracle is read on oracle2 (once it has replayed it)" 0 'lag 0 B' \
    "$ARC_BIN/pgcheck" --dsn "postgresql://arc@127.0.0.1:$ARC_ORACLE2_PORT/arc" --expect-role standby --max-lag 0 --wait 30
is "$(psql -h 127.0.0.1 -p "$ARC_ORACLE2_PORT" -U arc -d arc -qAtX -c 'SELECT v FROM e2e_ha')" replicated \
    "oracle2 holds oracle's row"
unset PGPASSWORD

# A node stopped: the survivors' check names it missing; back, everything heals.
docker stop -t 5 arc-flash3 >/dev/null
check_cmd "arc-flash3 stopped: flash's cluster check fails on the lost route" 1 'routes 1/2' \
    "$ARC_BIN/natsprobe" --monitor "http://127.0.0.1:$ARC_FLASH_MONITOR_PORT" cluster
kit "make flash3-up brings it back" 0 flash3-up PROFILE=ha
check_cmd "every node healthy again" 0 'routes 2/2' \
    "$ARC_BIN/natsprobe" --monitor "http://127.0.0.1:$ARC_FLASH_MONITOR_PORT" --wait 60 cluster

kit "make down PROFILE=ha exits 0" 0 down PROFILE=ha
is "$(docker ps -aq --filter name='^/?arc-' | tr -d '\n')" "" "make down leaves no arc container"
for v in arc-flash-cluster-jetstream arc-flash2-jetstream arc-flash3-jetstream arc-oracle-data arc-oracle2-data; do
    ok_if "make down keeps the volume $v" e2e_volume_exists "$v"
done

e2e_done
