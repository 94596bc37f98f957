#!/usr/bin/env bash
# services/messaging/native.sh — flash in the native runtime: the distribution's nats-server
# (Debian 12: 2.9) with JetStream and monitoring, from this folder's nats-server.conf with
# the host, ports and store moved: 127.0.0.1, ARC_FLASH_PORT / ARC_FLASH_MONITOR_PORT, and
# the JetStream store in the state folder (data/flash). The JetStream limits stay the
# file's. Sourced by mk/scripts/runtime-native.sh (native/lib.sh describes the contract).
# shellcheck shell=bash disable=SC2034  # NATIVE_* are read by the runtime

NATIVE_NEEDS=(nats-server:nats-server)

# flash_conf SOURCE: the native config on stdout; fails when a setting it moves is missing.
flash_conf() {
    awk -v port="$ARC_FLASH_PORT" -v mon="$ARC_FLASH_MONITOR_PORT" -v store="$NATIVE_DATA" '
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

native_prepare() {
    local src=$SVC_DIR/nats-server.conf
    mkdir -p "$NATIVE_DATA" "$NATIVE_RUN"
    flash_conf "$src" >"$NATIVE_RUN/nats-server.conf.tmp" ||
        die "flash: $(relpath "$src") has no port, monitor_port or jetstream store_dir line: the native runtime moves those"
    mv "$NATIVE_RUN/nats-server.conf.tmp" "$NATIVE_RUN/nats-server.conf"
}

native_command() {
    NATIVE_CMD=("$(command -v nats-server)" --config "$NATIVE_RUN/nats-server.conf")
}

# A shell in the JetStream store, with NATS_URL set for whatever client is at hand.
native_shell() {
    cd "$NATIVE_DATA" || exit 1
    export NATS_URL="nats://127.0.0.1:$ARC_FLASH_PORT"
    say "flash: a shell in $NATIVE_DATA (NATS_URL=$NATS_URL; natsprobe: $ARC_BIN/natsprobe)"
    exec "${SHELL:-bash}" -i
}
