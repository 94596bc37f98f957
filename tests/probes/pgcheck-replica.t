#!/usr/bin/env bash
# pgcheck's replication checks (--expect-role, --standbys, --max-lag) against
# a real primary (start_pg) and a real streaming standby made from it with
# pg_basebackup -R -S arc_replica: both healthy, the wrong role, a role
# without pg_read_all_stats, replay paused, the standby killed (-9) while
# rows are written, then restarted until it has caught up.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_probe pgcheck
need_cmd jq
P=$ARC_BIN/pgcheck

# Only what each test sets: no PG* or DATABASE_URL from the caller, no ~/.pgpass.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGSSLMODE \
    PGOPTIONS PGCONNECT_TIMEOUT PGAPPNAME DATABASE_URL
export PGPASSFILE=$TEST_TMP/no-pgpass PGSERVICEFILE=$TEST_TMP/no-service

LSN='[0-9A-F]+/[0-9A-F]+'
SIZE='[0-9.]+ [kMGT]?B'

# ---- usage (no server needed) -------------------------------------------------------
check_cmd "--help documents --expect-role" 0 '--expect-role ROLE' "$P" --help
like "$OUT" '--max-lag SIZE' "--help documents --max-lag"
like "$OUT" '--standbys N' "--help documents --standbys"
check_cmd "--expect-role leader -> 64" 64 "--expect-role: 'leader' is not a role \(primary, standby\)" \
    "$P" --expect-role leader
for bad in 1XB 1kb -1 1.5MB '' 16M 99999999999TB; do
    check_cmd "--max-lag '$bad' -> 64" 64 "--max-lag: '.*' is not a size" "$P" --max-lag "$bad"
done
check_cmd "--standbys -1 -> 64" 64 "--standbys: '-1' is not a number" "$P" --standbys -1
check_cmd "--standbys with --expect-role standby -> 64" 64 "--standbys counts a primary's standbys" \
    "$P" --expect-role standby --standbys 1
check_cmd "replication options with 'schema' -> 64" 64 'go with the health check' \
    "$P" --expect-role primary schema "$TEST_TMP/x.json"

# ---- a primary and a standby streaming from it ------------------------------------------
start_pg
is "$(psql_pg "SHOW wal_level")" replica "the primary runs wal_level=replica"
psql_pg "SELECT pg_create_physical_replication_slot('arc_replica')" >/dev/null
psql_pg "CREATE TABLE t (id int PRIMARY KEY, v text)" >/dev/null

SB_DIR=$(mktemp -d "$TEST_TMP/standby.XXXX")
[ "$(id -u)" -ne 0 ] || chown postgres "$SB_DIR"
as_pg env PGPASSWORD="$PG_PASSWORD" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" \
    -U postgres -D "$SB_DIR/data" -R -S arc_replica -X stream -c fast >"$SB_DIR/basebackup.log" 2>&1 ||
    bail_out_log "pg_basebackup failed" "$SB_DIR/basebackup.log"
on_exit "as_pg '$PG_BIN/pg_ctl' -D '$SB_DIR/data' -m immediate stop"
# The standby reports its positions every second (wal_receiver_status_interval);
# its WAL receiver's application_name is the cluster_name.
standby_up() { # port
    as_pg "$PG_BIN/pg_ctl" -D "$SB_DIR/data" -l "$SB_DIR/log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$1 -c unix_socket_directories=$SB_DIR -c fsync=off -c cluster_name=arc_replica -c wal_receiver_status_interval=1" \
        start >>"$SB_DIR/pg_ctl.log" 2>&1
}
started=0
for _ in 1 2 3; do
    SB_PORT=$(free_port)
    if standby_up "$SB_PORT"; then started=1; break; fi
done
[ "$started" = 1 ] || bail_out_log "the standby did not start" "$SB_DIR/log"
psql_sb() {
    as_pg "$PG_BIN/psql" -h "$SB_DIR" -p "$SB_PORT" -U postgres -d postgres \
        -v ON_ERROR_STOP=1 -qAtX -c "$1"
}

PRIMARY="postgresql://postgres:$PG_PASSWORD@127.0.0.1:$PG_PORT/postgres"
STANDBY="postgresql://postgres:$PG_PASSWORD@127.0.0.1:$SB_PORT/postgres"

check_cmd "primary --standbys 1 --max-lag 1MB --wait: the standby comes up streaming" 0 \
    "role primary, 1 standby streaming \(arc_replica lag $SIZE\)" \
    "$P" --dsn "$PRIMARY" --expect-role primary --standbys 1 --max-lag 1MB --wait 30
check_cmd "primary --expect-role primary -> 0 naming 1 standby" 0 \
    "^pgcheck OK health 127\.0\.0\.1:$PG_PORT/postgres: PostgreSQL [0-9.]+, role primary, 1 standby streaming \(arc_replica lag $SIZE\) \([0-9.]+ ms\)$" \
    "$P" --dsn "$PRIMARY" --expect-role primary
check_cmd "standby --expect-role standby -> 0, streaming" 0 \
    "^pgcheck OK health 127\.0\.0\.1:$SB_PORT/postgres: PostgreSQL [0-9.]+, role standby, streaming, lag $SIZE \([0-9.]+ ms\)$" \
    "$P" --dsn "$STANDBY" --expect-role standby --wait 30
check_cmd "standby --max-lag 1MB -> 0" 0 'role standby, streaming, lag' \
    "$P" --dsn "$STANDBY" --max-lag 1MB
check_cmd "primary --max-lag 1MB --standbys 1 -> 0" 0 'role primary, 1 standby streaming' \
    "$P" --dsn "$PRIMARY" --max-lag 1MB --standbys 1
check_cmd "the plain health check is unchanged" 0 'PostgreSQL [0-9.]+, standby \(in recovery\) \(' \
    "$P" --dsn "$STANDBY"

check_cmd "primary --expect-role standby -> 1 naming both" 1 \
    "FAIL health .*: role primary, expected standby" "$P" --dsn "$PRIMARY" --expect-role standby
check_cmd "standby --expect-role primary -> 1 naming both" 1 \
    "FAIL health .*: role standby, expected primary" "$P" --dsn "$STANDBY" --expect-role primary
check_cmd "standby --standbys 1 -> 1 (a primary's count)" 1 \
    'role standby, expected primary \(--standbys 1\)' "$P" --dsn "$STANDBY" --standbys 1

check_cmd "primary --json" 0 '' "$P" --dsn "$PRIMARY" --expect-role primary --json
is "$(jq -c '[.ok, .role, .standbys_streaming, (.lag_bytes | type)]' <<<"$OUT")" \
    '[true,"primary",1,"number"]' "JSON: role, standbys streaming, lag_bytes"
check_cmd "standby --json" 0 '' "$P" --dsn "$STANDBY" --expect-role standby --max-lag 1MB --json
is "$(jq -c '[.ok, .role, .in_recovery, (.lag_bytes | type), has("standbys_streaming")]' <<<"$OUT")" \
    '[true,"standby",true,"number",false]' "JSON: role standby, lag_bytes"
check_cmd "wrong role --json" 1 '' "$P" --dsn "$STANDBY" --expect-role primary --json
is "$(jq -r '[.role, .detail] | @tsv' <<<"$OUT")" "standby	role standby, expected primary" \
    "JSON: the role and the reason"

# ---- a role without pg_read_all_stats ---------------------------------------------------
psql_pg "CREATE ROLE arc_mon LOGIN PASSWORD 'mon-pw-7'" >/dev/null
MON_P="postgresql://arc_mon:mon-pw-7@127.0.0.1:$PG_PORT/postgres"
MON_S="postgresql://arc_mon:mon-pw-7@127.0.0.1:$SB_PORT/postgres"
check_cmd "primary as arc_mon -> 1: cannot read" 1 \
    'cannot read replication state as arc_mon \(needs pg_read_all_stats\)' \
    "$P" --dsn "$MON_P" --expect-role primary
# the role reaches the standby by replication
for _ in $(seq 100); do
    [ "$(psql_sb "SELECT count(*) FROM pg_roles WHERE rolname = 'arc_mon'")" = 1 ] && break
    sleep 0.1
done
check_cmd "standby as arc_mon -> 1: cannot read" 1 \
    'cannot read replication state as arc_mon \(needs pg_read_all_stats\)' \
    "$P" --dsn "$MON_S" --expect-role standby
psql_pg "GRANT pg_read_all_stats TO arc_mon" >/dev/null
check_cmd "primary as arc_mon with pg_read_all_stats -> 0" 0 'role primary, 1 standby streaming' \
    "$P" --dsn "$MON_P" --expect-role primary --standbys 1
check_cmd "standby as arc_mon with pg_read_all_stats -> 0" 0 'role standby, streaming' \
    "$P" --dsn "$MON_S" --expect-role standby --max-lag 1MB --wait 10

# ---- replay paused: both sides see the lag ----------------------------------------------
psql_sb "SELECT pg_wal_replay_pause()" >/dev/null
psql_pg "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 5000) g" >/dev/null
# until the standby has received what it does not replay (bounded)
fails_within() { # seconds cmd...: run until exit 1, at most seconds
    local end=$((SECONDS + $1))
    shift
    run "$@"
    while [ "$RC" -ne 1 ] && [ "$SECONDS" -lt "$end" ]; do
        sleep 0.2
        run "$@"
    done
}
fails_within 20 "$P" --dsn "$STANDBY" --max-lag 1kB
is "$RC" 1 "standby, replay paused, --max-lag 1kB -> 1"
like "$OUT" "FAIL health .*: replication lag $SIZE > 1 kB \(replayed to $LSN, primary at $LSN\)" \
    "the standby names its lag, where it replayed to and where the primary is"
fails_within 20 "$P" --dsn "$PRIMARY" --max-lag 1kB
is "$RC" 1 "primary, replay paused, --max-lag 1kB -> 1"
like "$OUT" "FAIL health .*: standby arc_replica lag $SIZE > 1 kB \(replayed to $LSN, primary at $LSN\)" \
    "the primary names the standby that is behind"
psql_sb "SELECT pg_wal_replay_resume()" >/dev/null
check_cmd "replay resumed: primary --max-lag 1kB --wait -> 0" 0 'role primary, 1 standby streaming' \
    "$P" --dsn "$PRIMARY" --max-lag 1kB --wait 30

# ---- the standby killed while rows are written --------------------------------------------
SB_PID=$(head -n 1 "$SB_DIR/data/postmaster.pid")
mapfile -t SB_CHILDREN < <(pgrep -P "$SB_PID" || true)
kill -9 "$SB_PID"
# its processes notice the postmaster is gone and exit; the slot turns inactive
for _ in $(seq 300); do
    alive=0
    for c in "${SB_CHILDREN[@]}"; do kill -0 "$c" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && [ "$(psql_pg "SELECT active FROM pg_replication_slots WHERE slot_name = 'arc_replica'")" = f ] && break
    sleep 0.1
done
is "$(psql_pg "SELECT active FROM pg_replication_slots WHERE slot_name = 'arc_replica'")" f \
    "the slot is inactive once the standby is gone"

check_cmd "standby down: primary --standbys 1 -> 1 naming the slot" 1 \
    "FAIL health .*: 0 standbys streaming, expected 1; slot arc_replica inactive, $SIZE of WAL retained" \
    "$P" --dsn "$PRIMARY" --standbys 1
check_cmd "standby down: --expect-role primary alone -> 0, the slot noted" 0 \
    "role primary, 0 standbys streaming; slot arc_replica inactive, $SIZE of WAL retained" \
    "$P" --dsn "$PRIMARY" --expect-role primary

psql_pg "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(5001, 25000) g" >/dev/null
held=$(psql_pg "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint
                FROM pg_replication_slots WHERE slot_name = 'arc_replica'")
check_cmd "20000 rows later: primary --max-lag 1kB -> 1 naming the slot" 1 \
    "FAIL health .*: slot arc_replica inactive, [0-9.]+ MB of WAL retained" \
    "$P" --dsn "$PRIMARY" --max-lag 1kB
check_cmd "the same --json" 1 '' "$P" --dsn "$PRIMARY" --max-lag 1kB --json
lag=$(jq -r .lag_bytes <<<"$OUT")
ok_if "JSON lag_bytes ($lag) is the slot's retained WAL (>= $held bytes, > 1 MB)" \
    test "$lag" -ge "$held" -a "$lag" -gt 1048576
is "$(jq -c '[.ok, .role, .standbys_streaming]' <<<"$OUT")" '[false,"primary",0]' \
    "JSON: not ok, primary, 0 standbys streaming"

# ---- restarted: it catches up --------------------------------------------------------------
standby_up "$SB_PORT" || bail_out_log "the standby did not restart" "$SB_DIR/log"
check_cmd "standby restarted: primary --standbys 1 --max-lag 1kB --wait -> 0" 0 \
    'role primary, 1 standby streaming \(arc_replica lag' \
    "$P" --dsn "$PRIMARY" --expect-role primary --standbys 1 --max-lag 1kB --wait 60
check_cmd "standby restarted: --max-lag 1kB --wait -> 0" 0 'role standby, streaming, lag' \
    "$P" --dsn "$STANDBY" --expect-role standby --max-lag 1kB --wait 60
is "$(psql_sb "SELECT count(*) FROM t")" "$(psql_pg "SELECT count(*) FROM t")" \
    "every row written is on the standby"
is "$(psql_sb "SELECT count(*) FROM t")" 25000 "25000 rows on the standby"

# ---- the primary stopped: the standby is not streaming -------------------------------------
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
fails_within 20 "$P" --dsn "$STANDBY" --max-lag 1MB
is "$RC" 1 "primary down: standby --max-lag 1MB -> 1"
like "$OUT" 'FAIL health .*: not streaming from the primary \(wal receiver: [a-z]+\)' \
    "the standby says it is not streaming, with the WAL receiver's state"
check_cmd "primary down: standby --expect-role standby alone -> 0, not streaming" 0 \
    "role standby, not streaming \(wal receiver: [a-z]+\), replayed to $LSN" \
    "$P" --dsn "$STANDBY" --expect-role standby

done_testing
