#!/usr/bin/env bash
# services/messaging/native.sh — flash in the native runtime: the distribution's nats-server
# (Debian 12: 2.9) with JetStream and monitoring, from this folder's nats-server.conf with
# the host, ports and store moved: 127.0.0.1, the node's client and monitor ports, and the
# JetStream store in the state folder. The JetStream limits stay the file's.
#
# One node (ARC_FLASH_CLUSTER unset): the store is data/flash.
# A node of the ha profile's cluster (ARC_FLASH_CLUSTER=<cluster name>, set by profiles.yaml):
# flash and its peers (services/messaging-2, -3 source this file: flash2, flash3) each add cluster.conf's
# part — a server name (the codename), the cluster name, the route port, and a route to every
# nats service of the profile. flash's cluster store is data/flash/cluster, apart from the
# single node's: a store is never switched between the two (docs/ha.md).
# Sourced by mk/scripts/runtime-native.sh (native/lib.sh describes the contract).
# shellcheck shell=bash disable=SC2034  # NATIVE_* are read by the runtime

NATIVE_NEEDS=(nats-server:nats-server)

# flash_conf SOURCE PORT MONITOR STORE: the node's config on stdout; fails when a setting it
# moves is missing.
flash_conf() {
    awk -v port="$2" -v mon="$3" -v store="$4" '
        BEGIN { print "# Generated from services/messaging/nats-server.conf by the native runtime."
                print "host: 127.0.0.1" }
        /^[[:space:]]*(host|listen|http|monitor_port|http_port)[[:space:]]*[:=]/ {
            if ($0 ~ /monitor_port|http_port/) { print "http: \"127.0.0.1:" mon "\""; seen["mon"] = 1 }
            next }
        /^[[:space:]]*port[[:space:]]*[:=]/ { print "port: " port; seen["port"] = 1; next }
        /^[[:space:]]*store_dir[[:space:]]*[:=]/ { print "  store_dir: \"" store "\""; seen["store"] = 1; next }
        { print }
        END { if (!seen["port"] || !seen["mon"] || !seen["store"]) exit 1 }' "$1"
}

# flash_cluster_conf: the cluster part (cluster.conf's, with loopback routes) on stdout.
flash_cluster_conf() {
    local c
    printf 'server_name: %s\ncluster {\n  name: %s\n  listen: "127.0.0.1:%s"\n  routes: [\n' \
        "$SVC_CODENAME" "$ARC_FLASH_CLUSTER" "$(service_port "$SVC_CODENAME" cluster)"
    for c in "${ARC_META_SERVICES[@]}"; do
        [ "${META_TECH[$c]}" = nats ] || continue
        printf '    "nats-route://127.0.0.1:%s"\n' "$(service_port "$c" cluster)"
    done
    printf '  ]\n}\n'
}

# The generated file: its name tells the mode, so a change of mode changes the program's
# command line and supervisord restarts it.
flash_conf_path() {
    if [ -n "${ARC_FLASH_CLUSTER:-}" ]; then echo "$NATIVE_RUN/nats-cluster.conf"; else echo "$NATIVE_RUN/nats-server.conf"; fi
}

native_check() {
    [ "$SVC_CODENAME" = flash ] || [ -n "${ARC_FLASH_CLUSTER:-}" ] || {
        NATIVE_REASON="$SVC_CODENAME is a node of the ha profile's NATS cluster and ARC_FLASH_CLUSTER is not set"
        NATIVE_REMEDY="start it with its profile: make up PROFILE=ha"
        return 1
    }
}

native_prepare() {
    local src=$SVC_DIR/nats-server.conf store=$NATIVE_DATA conf
    conf=$(flash_conf_path)
    [ -f "$src" ] || src=$ARC_ROOT/services/messaging/nats-server.conf
    [ -z "${ARC_FLASH_CLUSTER:-}" ] || [ "$SVC_CODENAME" != flash ] || store=$NATIVE_DATA/cluster
    mkdir -p "$store" "$NATIVE_RUN"
    flash_conf "$src" "$(service_port "$SVC_CODENAME" client)" \
        "$(service_port "$SVC_CODENAME" monitor)" "$store" >"$conf.tmp" ||
        die "$SVC_CODENAME: $(relpath "$src") has no port, monitor_port or jetstream store_dir line: the native runtime moves those"
    [ -z "${ARC_FLASH_CLUSTER:-}" ] || flash_cluster_conf >>"$conf.tmp"
    mv "$conf.tmp" "$conf"
}

native_command() {
    NATIVE_CMD=("$(command -v nats-server)" --config "$(flash_conf_path)")
}

# A shell in the JetStream store, with NATS_URL set for whatever client is at hand.
native_shell() {
    cd "$NATIVE_DATA" || exit 1
    export NATS_URL
    NATS_URL=$(service_url "$SVC_CODENAME" client)
    say "$SVC_CODENAME: a shell in $NATIVE_DATA (NATS_URL=$NATS_URL; natsprobe: $ARC_BIN/natsprobe)"
    exec "${SHELL:-bash}" -i
}
