#!/usr/bin/env bash
# services/cache/native.sh — sonic in the native runtime: the distribution's redis-server on
# 127.0.0.1:ARC_SONIC_PORT, data (AOF, RDB) in the state folder (data/sonic), with the same
# persistence and memory settings as docker-compose.yml's command (tests/native check that
# they stay the same). Sourced by mk/scripts/runtime-native.sh (native/lib.sh: the contract).
# shellcheck shell=bash disable=SC2034  # NATIVE_* are read by the runtime

NATIVE_NEEDS=(redis-server:redis-server redis-cli:redis-server)

# Append-only file, fsync every second; 512 MB and never evict (the platform keeps state
# here: a full cache must fail writes, not drop keys). As in docker-compose.yml.
SONIC_FLAGS=(--appendonly yes --appendfsync everysec --maxmemory 512mb --maxmemory-policy noeviction)

native_command() {
    NATIVE_CMD=("$(command -v redis-server)" --bind 127.0.0.1 --port "$ARC_SONIC_PORT"
        --dir "$NATIVE_DATA" --daemonize no "${SONIC_FLAGS[@]}")
}

native_shell() { exec redis-cli -h 127.0.0.1 -p "$ARC_SONIC_PORT"; }
