#!/usr/bin/env bash
# services/sql/native.sh — oracle in the native runtime: the distribution's PostgreSQL
# (Debian 12: 15, /usr/lib/postgresql/<major>/bin; ARC_PG_BINDIR overrides) on
# 127.0.0.1:ARC_ORACLE_PORT, its unix socket in run/oracle, PGDATA in data/oracle.
# The first `up` does what the docker image does on an empty volume: initdb with
# ARC_ORACLE_USER as superuser and ARC_ORACLE_PASSWORD (scram over TCP), creates
# ARC_ORACLE_DB and runs init/*.sql once (mk/scripts/native/pg-init.sh). PostgreSQL refuses
# to run as root: as root it runs as the `postgres` account. pgvector (`vector`) is not
# packaged for Debian 12's PostgreSQL: it is reported unavailable, never fatal.
# Sourced by mk/scripts/runtime-native.sh (native/lib.sh describes the contract).
# shellcheck shell=bash disable=SC2034  # NATIVE_* are read by the runtime

NATIVE_USER=postgres
# Fast shutdown: disconnect clients, checkpoint, exit (SIGTERM would wait for clients).
NATIVE_STOPSIGNAL=INT
NATIVE_STOPWAIT=60

# oracle_bindir: the newest installed server's bin directory.
oracle_bindir() {
    if [ -n "${ARC_PG_BINDIR:-}" ]; then
        [ -x "$ARC_PG_BINDIR/postgres" ] && printf '%s\n' "$ARC_PG_BINDIR"
        return
    fi
    local d
    d=$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n 1)
    [ -n "$d" ] && [ -x "$d/postgres" ] && [ -x "$d/initdb" ] && printf '%s\n' "$d"
}

native_missing() {
    oracle_bindir >/dev/null || echo postgresql
    command -v psql >/dev/null 2>&1 || echo postgresql-client
}

native_check() {
    [ -z "$NATIVE_USER" ] || id -u "$NATIVE_USER" >/dev/null 2>&1 || {
        NATIVE_REASON="PostgreSQL refuses to run as root and there is no '$NATIVE_USER' account"
        NATIVE_REMEDY="install the postgresql package (it creates the account), or run make as a regular user"
        return 1
    }
}

# The names and password compose uses (services/sql/.env, else the same defaults).
oracle_vars() {
    ORACLE_USER=$(svc_var ARC_ORACLE_USER arc)
    ORACLE_DB=$(svc_var ARC_ORACLE_DB arc)
}

# vector_note BINDIR: say when the server cannot provide pgvector.
vector_note() {
    local share
    share=$("$1/pg_config" --sharedir 2>/dev/null) || return 0
    [ ! -f "$share/extension/vector.control" ] || return 0
    say "oracle: note: extension 'vector' (pgvector) is unavailable natively — Debian 12 does not package it for PostgreSQL $(basename "$(dirname "$1")"); SQL that needs it is skipped and named. Use the docker runtime (ARC_RUNTIME=docker) for pgvector."
}

native_prepare() {
    local bin
    bin=$(oracle_bindir) || die "oracle: no PostgreSQL server found (package postgresql)"
    oracle_vars
    mkdir -p "$NATIVE_RUN"
    if [ -n "$NATIVE_USER" ]; then
        chown "$NATIVE_USER" "$NATIVE_RUN"
        as_user "$NATIVE_USER" test -w "$NATIVE_RUN" -a -x "$NATIVE_DATA_ROOT" ||
            die "oracle: the '$NATIVE_USER' account cannot reach $NATIVE_STATE (PostgreSQL refuses root, so oracle runs as $NATIVE_USER): choose a state folder it can reach, e.g. ARC_STATE_DIR=/var/lib/arc"
    fi
    chmod 700 "$NATIVE_RUN"
    vector_note "$bin"
    [ ! -f "$NATIVE_DATA/PG_VERSION" ] || return 0
    ARC_PG_INIT_PASSWORD=$(svc_var ARC_ORACLE_PASSWORD arc-local-dev) \
        "$NATIVE_LIB/pg-init.sh" "$bin" "$NATIVE_DATA" "$NATIVE_RUN" "$ARC_ORACLE_PORT" \
        "$ORACLE_USER" "$ORACLE_DB" "$SVC_DIR/init" "$NATIVE_USER"
}

native_command() {
    local bin
    bin=$(oracle_bindir) || die "oracle: no PostgreSQL server found (package postgresql)"
    NATIVE_CMD=("$bin/postgres" -D "$NATIVE_DATA" -c listen_addresses=127.0.0.1
        -c "port=$ARC_ORACLE_PORT" -c "unix_socket_directories=$NATIVE_RUN")
}

native_shell() {
    oracle_vars
    exec psql -h "$NATIVE_RUN" -p "$ARC_ORACLE_PORT" -U "$ORACLE_USER" -d "$ORACLE_DB"
}
