#!/usr/bin/env bash
# services/cache/native.sh — sonic in the native runtime: the distribution's redis-server on
# 127.0.0.1:ARC_SONIC_PORT, data (AOF, RDB) in the state folder (data/sonic), on this
# folder's redis.conf — the persistence and memory settings the image runs with too.
# Sourced by mk/scripts/runtime-native.sh (native/lib.sh: the contract).
# shellcheck shell=bash disable=SC2034  # NATIVE_* are read by the runtime

NATIVE_NEEDS=(redis-server:redis-server redis-cli:redis-server)

native_command() {
    NATIVE_CMD=("$(command -v redis-server)" "$SVC_DIR/redis.conf" --bind 127.0.0.1
        --port "$ARC_SONIC_PORT" --dir "$NATIVE_DATA" --daemonize no)
}

native_shell() { exec redis-cli -h 127.0.0.1 -p "$ARC_SONIC_PORT"; }
