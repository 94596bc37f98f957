#!/usr/bin/env bash
# pg-init.sh — the first start of oracle in the native runtime, as the docker image does it
# on an empty volume: initdb, the database, then the init SQL files, once.
#
#   pg-init.sh BINDIR PGDATA SOCKDIR PORT USER DB INITDIR [RUNAS]
#
# The password comes from ARC_PG_INIT_PASSWORD (never a command line). Everything runs as
# RUNAS when given (PostgreSQL refuses root). The cluster is built in PGDATA.init and
# renamed to PGDATA only when all went well, so a failed first start leaves nothing
# half-made behind. A temporary server listens on the unix socket only (no TCP).
#
# Init files, in name order, as the image's entrypoint runs them: *.sql each in ONE
# transaction (all or nothing) — when the server cannot provide pgvector (`vector`) and a
# file fails on it, that file is skipped, named, with the error, and the others still run;
# any other error fails —, and executable *.sh files run with PGDATA set (as we are: they
# may only edit files in PGDATA, which keep their owner).
# Exit: 0 ready, 1 failed (the reason on stderr), 64 bad usage.
set -euo pipefail

[ $# -ge 7 ] || { echo "usage: pg-init.sh BINDIR PGDATA SOCKDIR PORT USER DB INITDIR [RUNAS]" >&2; exit 64; }
bin=$1 pgdata=$2 sock=$3 port=$4 user=$5 db=$6 initdir=$7 runas=${8:-}
tmp=$pgdata.init
log=$sock/init-server.log
: "${ARC_PG_INIT_PASSWORD:?pg-init.sh: ARC_PG_INIT_PASSWORD is not set}"

say() { printf 'oracle: %s\n' "$*"; }
fail() { printf 'oracle: %s\n' "$*" >&2; exit 1; }
as() { if [ -n "$runas" ] && [ "$runas" != "$(id -un)" ]; then runuser -u "$runas" -- "$@"; else "$@"; fi; }
own() { [ -z "$runas" ] || chown "$runas" "$@"; }
sql() { as "$bin/psql" -X -q -h "$sock" -p "$port" -U "$user" "$@"; }

started=0
cleanup() {
    local rc=$?
    [ "$started" = 0 ] || as "$bin/pg_ctl" -D "$tmp" -m immediate -w stop >/dev/null 2>&1 || true
    rm -f "$sock/.pwfile"
    [ "$rc" = 0 ] || rm -rf "$tmp"
    exit "$rc"
}
trap cleanup EXIT

if [ -e "$pgdata" ]; then
    rmdir "$pgdata" 2>/dev/null || fail "$pgdata exists but is no PostgreSQL data folder (no PG_VERSION): move it away, or 'make oracle-clean'"
fi
say "first start: initdb in $pgdata (superuser $user, database $db)"
rm -rf "$tmp"
mkdir -p "$tmp" "$sock"
own "$tmp" "$sock"
chmod 700 "$tmp"
(umask 077 && printf '%s\n' "$ARC_PG_INIT_PASSWORD" >"$sock/.pwfile")
own "$sock/.pwfile"
out=$(as "$bin/initdb" -D "$tmp" -U "$user" --pwfile="$sock/.pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 2>&1) || fail "initdb failed:
$out"
rm -f "$sock/.pwfile"

as "$bin/pg_ctl" -D "$tmp" -l "$log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$sock' -c port=$port" start >/dev/null ||
    fail "the temporary server did not start: $(tail -n 5 "$log" 2>/dev/null)"
started=1

if [ "$db" != postgres ]; then
    printf 'CREATE DATABASE :"db";\n' | sql -v ON_ERROR_STOP=1 -v db="$db" -d postgres ||
        fail "CREATE DATABASE $db failed"
fi

vector=$(sql -tA -d "$db" -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")
skipped=()
for f in "$initdir"/*; do
    [ -e "$f" ] || continue
    name=$(basename "$(dirname "$f")")/$(basename "$f")
    case "$f" in
    *.sql) ;;
    *.sh)
        [ -x "$f" ] || { say "init: $name skipped (not executable: the native runtime runs *.sh files that are)"; continue; }
        out=$(PGDATA="$tmp" "$f" 2>&1) || { printf '%s\n' "$out" | sed 's/^/    /' >&2; fail "init: $name failed (above); nothing was kept"; }
        say "init: ran $name"
        continue
        ;;
    *) say "init: $name skipped (the native runtime runs *.sql and executable *.sh files)"; continue ;;
    esac
    # Read by us, fed on stdin: the server's account need not read the kit's folder.
    if out=$(sql -v ON_ERROR_STOP=1 --single-transaction -d "$db" -f - <"$f" 2>&1); then
        say "init: ran $name"
        [ -z "$out" ] || printf '%s\n' "$out" | sed "s|<stdin>|$name|; s/^/    /"
    elif [ "$vector" = 0 ] && printf '%s\n' "$out" | grep -Eqi '"vector"|vector\.control'; then
        say "init: SKIPPED $name (rolled back): it needs extension 'vector' (pgvector), which is unavailable natively:"
        printf '%s\n' "$out" | sed "s|<stdin>|$name|; s/^/    /"
        skipped+=("$name")
    else
        printf '%s\n' "$out" | sed "s|<stdin>|$name|; s/^/    /" >&2
        fail "init: $name failed (above); nothing was kept — fix it and run up again"
    fi
done

as "$bin/pg_ctl" -D "$tmp" -m fast -w stop >/dev/null || fail "the temporary server did not stop"
started=0
mv "$tmp" "$pgdata"
say "initialized${skipped[*]:+ (skipped, needs vector: ${skipped[*]})}"
