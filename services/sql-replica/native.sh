#!/usr/bin/env bash
# services/sql-replica/native.sh — oracle2 in the native runtime: a hot standby of oracle,
# started by services/sql/standby.sh (as in docker) under supervisord, once oracle is
# healthy: on its first start it copies oracle over oracle's unix socket (trusted there: no
# password is written anywhere) into data/oracle2 and follows it over the same socket; the
# replication slot arc_replica keeps the WAL it has not received while it is down. The
# server, its account and its checks are oracle's (services/sql/native.sh), on
# 127.0.0.1:ARC_ORACLE2_PORT.
# shellcheck shell=bash disable=SC2034  # NATIVE_* are read by the runtime
# shellcheck source-path=SCRIPTDIR source=../sql/native.sh
. "$ARC_ROOT/services/sql/native.sh"

native_prepare() {
    oracle_bindir >/dev/null || die "oracle2: no PostgreSQL server found (package postgresql)"
    mkdir -p "$NATIVE_RUN" "$NATIVE_DATA"
    [ -z "$NATIVE_USER" ] || chown "$NATIVE_USER" "$NATIVE_RUN" "$NATIVE_DATA"
    chmod 700 "$NATIVE_RUN" "$NATIVE_DATA"
}

native_command() {
    local bin
    bin=$(oracle_bindir) || die "oracle2: no PostgreSQL server found (package postgresql)"
    oracle_vars
    NATIVE_ENV=("PGDATA=$NATIVE_DATA" "ARC_PRIMARY_HOST=$NATIVE_RUNDIR/oracle"
        "ARC_PRIMARY_PORT=$(service_port oracle postgres)" "POSTGRES_USER=$ORACLE_USER"
        "POSTGRES_DB=$ORACLE_DB" "ARC_PG_BINDIR=$bin")
    NATIVE_CWD=$NATIVE_RUN
    NATIVE_CMD=("$ARC_ROOT/services/sql/standby.sh" -D "$NATIVE_DATA" -c listen_addresses=127.0.0.1
        -c "port=$ARC_ORACLE2_PORT" -c "unix_socket_directories=$NATIVE_RUN")
}

native_shell() {
    oracle_vars
    exec psql -h "$NATIVE_RUN" -p "$ARC_ORACLE2_PORT" -U "$ORACLE_USER" -d "$ORACLE_DB"
}
