#!/usr/bin/env bash
# STAND-IN entrypoint (tests only) reproducing the upstream postgres image's first-start
# behaviour that the arc-oracle service relies on. Not the upstream script.
set -Eeuo pipefail

# `-c x=y ...`: arguments for postgres.
if [ "${1:0:1}" = - ]; then
    set -- postgres "$@"
fi

init_dirs() {
    mkdir -p "$PGDATA"
    chmod 00700 "$PGDATA" || :
    mkdir -p /var/run/postgresql
    chmod 03775 /var/run/postgresql || :
}

init_cluster() {
    local user=${POSTGRES_USER:-postgres} db pw f
    db=${POSTGRES_DB:-$user}
    if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
        echo "stand-in postgres: database is uninitialized and POSTGRES_PASSWORD is not set" >&2
        exit 1
    fi
    pw=$(mktemp)
    printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pw"
    # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a list of words, as upstream
    initdb --username="$user" --pwfile="$pw" -D "$PGDATA" ${POSTGRES_INITDB_ARGS:-} >/dev/null
    rm -f "$pw"
    printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >>"$PGDATA/pg_hba.conf"

    # A temporary server on the socket only, for the init scripts.
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start >/dev/null
    export PGUSER=$user PGHOST=/var/run/postgresql PGPORT=5432
    if [ "$db" != postgres ]; then
        psql -v ON_ERROR_STOP=1 -qX --dbname postgres -c "CREATE DATABASE \"$db\""
    fi
    for f in /docker-entrypoint-initdb.d/*; do
        case "$f" in
        *.sh)
            echo "stand-in postgres: running $f"
            # shellcheck source=/dev/null
            . "$f"
            ;;
        *.sql) echo "stand-in postgres: running $f"; psql -v ON_ERROR_STOP=1 -qX --dbname "$db" -f "$f" ;;
        *) [ ! -e "$f" ] || echo "stand-in postgres: ignoring $f" ;;
        esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    unset PGUSER PGHOST PGPORT
    echo "stand-in postgres: init process complete; ready for start up"
}

# postgres --version, --help, -C ... only print: no initialisation for them.
wants_help() {
    local a
    for a in "$@"; do
        case "$a" in -'?' | --help | --describe-config | -V | --version | -C | -C*) return 0 ;; esac
    done
    return 1
}

if [ "$1" = postgres ] && ! wants_help "$@"; then
    if [ "$(id -u)" = 0 ]; then
        init_dirs
        chown -R postgres:postgres "$PGDATA" /var/run/postgresql
        exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
    fi
    init_dirs
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
        init_cluster
    fi
fi
exec "$@"
