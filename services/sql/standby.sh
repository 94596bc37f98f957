#!/bin/sh
# standby.sh — how oracle2, the ha profile's streaming replica (docs/ha.md), starts, in both
# runtimes (docker: the image's /usr/local/bin/arc-standby.sh; native: run by supervisord).
# On an empty PGDATA: create oracle's physical replication slot arc_replica when absent, copy
# oracle with pg_basebackup, and make the copy a standby of it: standby.signal, and in
# postgresql.auto.conf the connection to follow (application_name oracle2, the slot) —
# without the password (-R would write it there): the server reads PGPASSWORD from its
# environment when it needs one. Then exec the server as a hot standby, with the arguments
# given.
#
# Environment: PGDATA, ARC_PRIMARY_HOST (a host, or oracle's socket folder), ARC_PRIMARY_PORT
# (5432), POSTGRES_USER, POSTGRES_DB, ARC_PG_BINDIR (else PATH); a password, when one is
# needed, in PGPASSWORD — never on a command line. A failed copy leaves PGDATA empty.
set -eu
: "${PGDATA:?}" "${ARC_PRIMARY_HOST:?}" "${POSTGRES_USER:?}" "${POSTGRES_DB:?}"
port=${ARC_PRIMARY_PORT:-5432}
bin=${ARC_PG_BINDIR:+$ARC_PG_BINDIR/}
slot=arc_replica
done=$PGDATA/arc-standby.done
# Both go into primary_conninfo below: plain words only.
case $ARC_PRIMARY_HOST$POSTGRES_USER in
*[!A-Za-z0-9._/+@-]*) echo "oracle2: ARC_PRIMARY_HOST '$ARC_PRIMARY_HOST' and POSTGRES_USER '$POSTGRES_USER': letters, digits and . _ / + @ - only" >&2; exit 1 ;;
esac
# A copy is whole once arc-standby.done is written, last: a copy cut short (killed, timed
# out) is thrown away and made again, never started half-made or as a second primary.
if [ -s "$PGDATA/PG_VERSION" ] && [ ! -e "$done" ]; then
    echo "oracle2: $PGDATA holds an unfinished copy of oracle: removing it to copy again"
    find "$PGDATA" -mindepth 1 -delete
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    echo "oracle2: first start: a copy of oracle at $ARC_PRIMARY_HOST:$port (pg_basebackup, slot $slot)"
    "${bin}psql" -X -q -v ON_ERROR_STOP=1 -h "$ARC_PRIMARY_HOST" -p "$port" -U "$POSTGRES_USER" \
        -d "$POSTGRES_DB" -c "SELECT pg_create_physical_replication_slot('$slot') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$slot')" >/dev/null
    mkdir -p "$PGDATA"
    chmod 700 "$PGDATA"
    if ! "${bin}pg_basebackup" -h "$ARC_PRIMARY_HOST" -p "$port" -U "$POSTGRES_USER" -D "$PGDATA" \
        -S "$slot" -X stream --checkpoint=fast; then
        find "$PGDATA" -mindepth 1 -delete
        echo "oracle2: pg_basebackup from oracle failed (above); PGDATA left empty" >&2
        exit 1
    fi
    {
        echo "# oracle2 follows oracle (services/sql/standby.sh)"
        echo "primary_conninfo = 'host=''$ARC_PRIMARY_HOST'' port=$port user=''$POSTGRES_USER'' application_name=oracle2'"
        echo "primary_slot_name = '$slot'"
    } >>"$PGDATA/postgresql.auto.conf"
    : >"$PGDATA/standby.signal"
    echo "copied from oracle by services/sql/standby.sh" >"$done"
    echo "oracle2: copied; following oracle over slot $slot"
fi
exec "${bin}postgres" -c hot_standby=on "$@"
