#!/bin/sh
# standby.sh — how oracle2, the ha profile's streaming replica (docs/ha.md), starts, in both
# runtimes (docker: the image's /usr/local/bin/arc-standby.sh; native: run by supervisord).
# On an empty PGDATA: create oracle's physical replication slot arc_replica when absent and
# copy oracle with pg_basebackup -R (standby.signal, and the connection to follow). Then
# exec the server as a hot standby, with the arguments given.
#
# Environment: PGDATA, ARC_PRIMARY_HOST (a host, or oracle's socket folder), ARC_PRIMARY_PORT
# (5432), POSTGRES_USER, POSTGRES_DB, ARC_PG_BINDIR (else PATH); a password, when one is
# needed, in PGPASSWORD — never on a command line. A failed copy leaves PGDATA empty.
set -eu
: "${PGDATA:?}" "${ARC_PRIMARY_HOST:?}" "${POSTGRES_USER:?}" "${POSTGRES_DB:?}"
port=${ARC_PRIMARY_PORT:-5432}
bin=${ARC_PG_BINDIR:+$ARC_PG_BINDIR/}
slot=arc_replica
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    echo "oracle2: first start: a copy of oracle at $ARC_PRIMARY_HOST:$port (pg_basebackup, slot $slot)"
    "${bin}psql" -X -q -v ON_ERROR_STOP=1 -h "$ARC_PRIMARY_HOST" -p "$port" -U "$POSTGRES_USER" \
        -d "$POSTGRES_DB" -c "SELECT pg_create_physical_replication_slot('$slot') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$slot')" >/dev/null
    mkdir -p "$PGDATA"
    chmod 700 "$PGDATA"
    if ! "${bin}pg_basebackup" -h "$ARC_PRIMARY_HOST" -p "$port" -U "$POSTGRES_USER" -D "$PGDATA" \
        -R -S "$slot" -X stream --checkpoint=fast; then
        find "$PGDATA" -mindepth 1 -delete
        echo "oracle2: pg_basebackup from oracle failed (above); PGDATA left empty" >&2
        exit 1
    fi
    echo "oracle2: copied; following oracle over slot $slot"
fi
exec "${bin}postgres" -c hot_standby=on "$@"
