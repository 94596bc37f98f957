#!/usr/bin/env bash
# services/cortex/native.sh — cortex in the native runtime: `$ARC_BIN/cortex server` on
# 127.0.0.1:ARC_CORTEX_PORT under the kit's supervisord, reaching oracle, flash, strange
# and sonic on the ports their service.yaml give (ARC_*_PORT and .env move them), the
# result file in build/bootstrap/ as `make bootstrap` writes it. Sourced by
# mk/scripts/runtime-native.sh (native/lib.sh: the contract).
# shellcheck shell=bash disable=SC2034  # NATIVE_* are read by the runtime

NATIVE_NEEDS=()


native_check() {
    [ -x "$ARC_BIN/cortex" ] && return 0
    NATIVE_REASON="$ARC_BIN/cortex is not built"
    NATIVE_REMEDY="make tools (or make cortex)"
    return 1
}

# cortex_local_dsn: oracle's URL, over its unix socket in the state folder instead of TCP.
# The native cluster trusts local socket connections (pg-init.sh: --auth-local=trust), so
# cortex needs no password, and none is written into its program config.
cortex_local_dsn() {
    local url rest
    url=$(service_url oracle postgres) # postgresql://USER@127.0.0.1:PORT/DB
    rest=${url#*://}
    printf 'postgresql://%s@/%s?host=%s&port=%s\n' "${rest%%@*}" "${rest##*/}" \
        "$NATIVE_RUNDIR/oracle" "$ARC_ORACLE_PORT"
}

native_command() {
    NATIVE_CMD=("$ARC_BIN/cortex" server --addr 127.0.0.1 --port "$ARC_CORTEX_PORT")
    NATIVE_ENV=(
        "ARC_ROOT=$ARC_ROOT"
        "DATABASE_URL=$(cortex_local_dsn)"
        "NATS_URL=$(service_url flash client)"
        "PULSAR_ADMIN_URL=$(service_url strange admin)"
        "REDIS_URL=$(service_url sonic redis)"
    )
    # cortex's own settings and the standard OTel variables, when the caller sets them
    # (supervisord starts with a clean environment).
    local v
    for v in ARC_CORTEX_MONITOR_INTERVAL ARC_CORTEX_CHECK_TIMEOUT ARC_CORTEX_EVENT_TIMEOUT \
        ARC_CORTEX_OTLP_TIMEOUT ARC_FLASH_REPLICAS BOOTSTRAP_TIMEOUT OTEL_EXPORTER_OTLP_ENDPOINT OTEL_SERVICE_NAME \
        OTEL_RESOURCE_ATTRIBUTES OTEL_SDK_DISABLED; do
        [ -z "${!v:-}" ] || NATIVE_ENV+=("$v=${!v}")
    done
    # Its working directory is its state folder (data/cortex), like every native program:
    # that is how a server left behind by a killed supervisord is recognised and stopped.
    # It finds the kit's files through ARC_ROOT.
    NATIVE_CWD=$NATIVE_DATA
}
