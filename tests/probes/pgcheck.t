#!/usr/bin/env bash
# pgcheck against a real PostgreSQL (start_pg: scram over TCP, trust on its
# private socket): health, auth failures, deadlines, where the target comes
# from (DSN, DATABASE_URL, PG*), the TCP default, and schema checks.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_probe pgcheck
need_cmd jq
P=$ARC_BIN/pgcheck
FIX=$ARC_ROOT/tests/fixtures/pgcheck

# Only what each test sets: no PG* or DATABASE_URL from the caller, no ~/.pgpass.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGSSLMODE \
    PGOPTIONS PGCONNECT_TIMEOUT PGAPPNAME DATABASE_URL
export PGPASSFILE=$TEST_TMP/no-pgpass PGSERVICEFILE=$TEST_TMP/no-service

# ---- usage (no server needed) -------------------------------------------------------
check_cmd "--help shows the options and the exit table" 0 'Exit status:.*' "$P" --help
like "$OUT" '--dsn CONNINFO' "--help documents --dsn"
like "$OUT" 'schema FILE' "--help documents the schema command"
check_cmd "--version" 0 '^pgcheck [0-9]' "$P" --version
check_cmd "unknown flag -> 64" 64 "unknown option '--bogus'" "$P" --bogus
like "$ERR" "Try 'pgcheck --help'" "unknown flag: a hint to --help"
check_cmd "unknown command -> 64" 64 "unknown command 'frobnicate'" "$P" frobnicate
check_cmd "schema without FILE -> 64" 64 'schema: missing FILE' "$P" schema
check_cmd "--timeout 0 -> 64" 64 'timeout' "$P" --timeout 0
check_cmd "bad DSN -> 64, libpq's reason" 64 'invalid connection option "hots"' "$P" --dsn 'hots=x'
check_cmd "bad DSN holding a password -> 64, password not shown" 64 'details withheld' \
    "$P" --dsn 'host=x password=hush hush'
unlike "$ALL" 'hush' "the bad DSN's password is not echoed"
check_cmd "unreadable --password-file -> 65 naming it" 65 'password file /nonexistent/pw' \
    "$P" --password-file /nonexistent/pw

# ---- schema file errors (before connecting) ------------------------------------------
check_cmd "malformed schema file -> 65 with line and column" 65 \
    "malformed.json: line 3, column 3: expected ',' or '\}'" "$P" schema "$FIX/malformed.json"
check_cmd "unknown key -> 65 naming it and where" 65 \
    'unknown-key.json: line 4, column 6: unknown key "colums" in tables\[0\]' \
    "$P" schema "$FIX/unknown-key.json"
check_cmd "wrong type -> 65 naming the key" 65 \
    'wrong-type.json: line 2, column 14: "schemas" must be an array' \
    "$P" schema "$FIX/wrong-type.json"
check_cmd "unreadable schema file -> 65 naming it" 65 'cannot read schema file .*nope.json' \
    "$P" schema "$TEST_TMP/nope.json"
printf '{"tables": ["a" "b"]}' >"$TEST_TMP/nocomma.json"
check_cmd "a missing comma is caught (jsmn alone accepts it)" 65 \
    "line 1, column 17: expected ',' or '\]'" "$P" schema "$TEST_TMP/nocomma.json"

# ---- a real server ----------------------------------------------------------------------
start_pg
URL="postgresql://postgres:$PG_PASSWORD@127.0.0.1:$PG_PORT/postgres"
KV="host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres"
no_secret() { # what [extra-secret]
    unlike "$ALL" "$PG_PASSWORD${2:+|$2}" "$1: no password in the output"
}

check_cmd "healthy -> 0" 0 '' "$P" --dsn "$URL"
like "$OUT" "^pgcheck OK health 127\.0\.0\.1:$PG_PORT/postgres: PostgreSQL 15[.0-9]*, primary \([0-9.]+ ms\)$" \
    "one line: verdict, target, detail, latency"
is "$(printf '%s\n' "$OUT" | wc -l)" 1 "healthy output is one line"
is "$ERR" "" "nothing on stderr"
no_secret "healthy"

check_cmd "--json healthy" 0 '' "$P" --dsn "$URL" --json
is "$(jq -r '[.ok, .check, .target, .transport, .in_recovery] | @tsv' <<<"$OUT")" \
    "true	health	127.0.0.1:$PG_PORT/postgres	tcp	false" "JSON: ok, check, target, transport, recovery"
like "$(jq -r .latency_ms <<<"$OUT")" '^[0-9.]+$' "JSON: latency"

run "$P" --dsn "$URL" -q
is "$RC:$ALL" "0:" "-q: exit 0, no output"

# ---- failures ------------------------------------------------------------------------
DOWN=$(dead_port)
check_cmd "server down -> 1" 1 "FAIL health 127\.0\.0\.1:$DOWN/postgres: .*Connection refused" \
    "$P" --dsn "host=127.0.0.1 port=$DOWN user=postgres dbname=postgres" --timeout 5
within 2 "server down fails at once, not at --timeout"

start_hang
check_cmd "hanging listener -> 1" 1 'no answer within 1\.0 s \(connecting\)' \
    "$P" --dsn "host=127.0.0.1 port=$HANG_PORT user=postgres" --timeout 1
within 1.5 "hanging listener: within --timeout + 0.5 s"

# A stand-in that completes the startup (no SSL, AuthenticationOk,
# ReadyForQuery) and then never answers the query.
QPORT=$(free_port)
python3 - "$QPORT" <<'PY' &
import socket, struct, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
held = []
def recv_exact(c, n):
    b = b""
    while len(b) < n:
        chunk = c.recv(n - len(b))
        if not chunk:
            raise EOFError
        b += chunk
    return b
while True:
    c, _ = s.accept()
    held.append(c)
    try:
        while True:
            n = struct.unpack("!I", recv_exact(c, 4))[0]
            code = struct.unpack("!I", recv_exact(c, n - 4)[:4])[0]
            if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest
                c.sendall(b"N")
                continue
            break
        c.sendall(b"R" + struct.pack("!II", 8, 0) + b"Z" + struct.pack("!I", 5) + b"I")
    except EOFError:
        pass
PY
track_pid $!
wait_port "$QPORT" || bail_out "query stand-in did not start"
check_cmd "server that never answers the query -> 1" 1 'no answer within 1\.0 s \(waiting for the query\)' \
    "$P" --dsn "host=127.0.0.1 port=$QPORT user=postgres" --timeout 1
within 1.5 "unanswered query: within --timeout + 0.5 s"

check_cmd "wrong database -> 1 with libpq's reason" 1 'database "nope" does not exist' \
    "$P" --dsn "${URL%/postgres}/nope"
no_secret "wrong database"
check_cmd "wrong user -> 1 with libpq's reason" 1 'password authentication failed for user "nobody"' \
    "$P" --dsn "postgresql://nobody:$PG_PASSWORD@127.0.0.1:$PG_PORT/postgres"
no_secret "wrong user"
check_cmd "wrong password -> 1 with libpq's reason" 1 \
    'FAIL health .*password authentication failed for user "postgres"' \
    "$P" --dsn "postgresql://postgres:Wr0ng-pw-42@127.0.0.1:$PG_PORT/postgres"
no_secret "wrong password" 'Wr0ng-pw-42'
check_cmd "wrong password --json -> 1" 1 '' \
    "$P" --dsn "postgresql://postgres:Wr0ng-pw-42@127.0.0.1:$PG_PORT/postgres" --json
like "$(jq -r .detail <<<"$OUT")" 'password authentication failed' "JSON detail has the reason"
no_secret "wrong password --json" 'Wr0ng-pw-42'
check_cmd "no password -> 1" 1 'no password supplied' "$P" --dsn "$KV"

# ---- where the password and the target come from --------------------------------------
check_cmd "password in the DSN URL -> 0" 0 'OK health' "$P" --dsn "$URL"
check_cmd "password from PGPASSWORD -> 0" 0 'OK health' env PGPASSWORD="$PG_PASSWORD" "$P" --dsn "$KV"
printf '%s\n' "$PG_PASSWORD" >"$TEST_TMP/pw"
check_cmd "password from --password-file -> 0" 0 'OK health' \
    "$P" --dsn "$KV" --password-file "$TEST_TMP/pw"
printf 'Wr0ng-pw-42\n' >"$TEST_TMP/badpw"
check_cmd "--password-file wins over the DSN's password" 1 'password authentication failed' \
    "$P" --dsn "$URL" --password-file "$TEST_TMP/badpw"
no_secret "--password-file" 'Wr0ng-pw-42'
check_cmd "DATABASE_URL is used without --dsn" 0 "OK health 127\.0\.0\.1:$PG_PORT/postgres" \
    env DATABASE_URL="$URL" "$P"
check_cmd "--dsn wins over DATABASE_URL" 0 "OK health 127\.0\.0\.1:$PG_PORT/" \
    env DATABASE_URL="postgresql://postgres@127.0.0.1:$DOWN/postgres" "$P" --dsn "$URL"
check_cmd "PGHOST/PGPORT/PGUSER/PGDATABASE are honoured" 0 "OK health 127\.0\.0\.1:$PG_PORT/postgres" \
    env PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=postgres PGDATABASE=postgres \
    PGPASSWORD="$PG_PASSWORD" "$P"
check_cmd "PGSSLMODE is honoured (require on a server without SSL -> 1)" 1 'SSL' \
    env PGSSLMODE=require PGPASSWORD="$PG_PASSWORD" "$P" --dsn "$KV"

# No host anywhere: TCP to 127.0.0.1, never the default unix socket. The
# server logs each connection's origin; the probe reports what the server saw.
psql_pg "ALTER SYSTEM SET log_connections = on" >/dev/null
psql_pg "SELECT pg_reload_conf()" >/dev/null
tcp_logins() { grep -c "connection received: host=127\.0\.0\.1 " "$PG_DIR/log" || true; }
before=$(tcp_logins)
check_cmd "no host given, PGHOST unset -> TCP 127.0.0.1" 0 "\"target\":\"127\.0\.0\.1:$PG_PORT/postgres\"" \
    env PGPORT="$PG_PORT" PGUSER=postgres PGPASSWORD="$PG_PASSWORD" "$P" --json
is "$(jq -r .transport <<<"$OUT")" tcp "the server saw a TCP client (inet_server_addr)"
is "$(tcp_logins)" "$((before + 1))" "the server logged one TCP connection from 127.0.0.1"
check_cmd "URL without a host -> TCP 127.0.0.1" 0 "OK health 127\.0\.0\.1:$PG_PORT/postgres" \
    "$P" --dsn "postgresql://postgres:$PG_PASSWORD@:$PG_PORT/postgres"
run env -u PGPORT "$P" --timeout 2
like "$ALL" 'health 127\.0\.0\.1:5432/' "nothing set at all -> 127.0.0.1:5432"
check_cmd "a socket asked for with PGHOST=/dir is used" 0 'over a unix socket' \
    env PGHOST="$PG_DIR" PGPORT="$PG_PORT" PGUSER=postgres "$P"
check_cmd "a socket asked for with host=/dir is used" 0 'over a unix socket' \
    "$P" --dsn "host=$PG_DIR port=$PG_PORT user=postgres dbname=postgres"

# ---- schema ------------------------------------------------------------------------------
ext_available() { [ "$(psql_pg "SELECT count(*) FROM pg_available_extensions WHERE name = '$1'")" = 1 ]; }
psql_pg "CREATE EXTENSION hstore; CREATE SCHEMA arc;
         CREATE TABLE arc.agents (id bigint, name text); CREATE TABLE public.t2 (x int)" >/dev/null

check_cmd "schema: all present -> 0" 0 \
    "^pgcheck OK schema 127\.0\.0\.1:$PG_PORT/postgres: 10 declared items present \([0-9.]+ ms\)$" \
    "$P" --dsn "$URL" schema "$FIX/present.json"

if ext_available pgcrypto; then
    check_cmd "schema: missing items -> 1" 1 \
        "FAIL schema 127\.0\.0\.1:$PG_PORT/postgres: 4 of 10 declared items missing" \
        "$P" --dsn "$URL" schema "$FIX/missing.json"
    is "$(printf '%s\n' "$OUT" | sed -n 's/^  missing: //p')" \
        'extension pgcrypto (available, not created: CREATE EXTENSION pgcrypto)
schema ghost
column arc.agents.created_at
table public.nope' "every missing item is listed, one per line"
    is "$(psql_pg "SELECT count(*) FROM pg_extension WHERE extname = 'pgcrypto'")" 0 \
        "pgcheck changed nothing on the server"
    check_cmd "schema --json: missing array" 1 '' "$P" --dsn "$URL" schema "$FIX/missing.json" --json
    is "$(jq -c '[.check, .ok, .declared, (.missing | length), .warnings]' <<<"$OUT")" \
        '["schema",false,10,4,[]]' "JSON: check, verdict, declared, missing, warnings"
    is "$(jq -r '.missing[2]' <<<"$OUT")" 'column arc.agents.created_at' "JSON names the column"
    check_cmd "optional but available and not created -> still 1" 1 \
        'missing: extension pgcrypto \(available, not created: CREATE EXTENSION pgcrypto\)' \
        "$P" --dsn "$URL" schema "$FIX/optional-not-created.json"
    psql_pg "CREATE EXTENSION pgcrypto" >/dev/null
    check_cmd "after CREATE EXTENSION the item is no longer missing" 1 '3 of 10 declared items missing' \
        "$P" --dsn "$URL" schema "$FIX/missing.json"
    unlike "$OUT" 'pgcrypto' "pgcrypto no longer listed"
else
    skip "pgcrypto is not available on this server (postgresql-contrib)"
fi

if ext_available vector; then
    skip "vector is available here; the unavailable-extension tests need a server without it"
else
    check_cmd "optional vector unavailable -> 0 with a warning" 0 \
        'OK schema .*warning: extension vector unavailable on this server \(optional\) — pgvector' \
        "$P" --dsn "$URL" schema "$FIX/vector-optional.json"
    check_cmd "optional vector --json" 0 '' "$P" --dsn "$URL" schema "$FIX/vector-optional.json" --json
    is "$(jq -c '[.ok, .missing, (.warnings | length)]' <<<"$OUT")" '[true,[],1]' \
        "JSON: ok, nothing missing, one warning"
    like "$(jq -r '.warnings[0]' <<<"$OUT")" '^extension vector unavailable on this server \(optional\)' \
        "JSON warning text"
    check_cmd "required vector unavailable -> 1" 1 \
        'missing: extension vector unavailable on this server — pgvector' \
        "$P" --dsn "$URL" schema "$FIX/vector-required.json"
fi

check_cmd "schema on a server that is down -> 1" 1 "FAIL schema 127\.0\.0\.1:$DOWN/" \
    "$P" --dsn "host=127.0.0.1 port=$DOWN user=postgres" schema "$FIX/present.json"

# ---- memory: valgrind (not on the ASan build) -------------------------------------------
case $ARC_BIN in
*-asan/*) skip "valgrind: not on the ASan build"; skip "valgrind: not on the ASan build" ;;
*)
    valgrind_clean "healthy schema run" 0 "$P" --timeout 30 --dsn "$URL" schema "$FIX/present.json"
    valgrind_clean "wrong password" 1 "$P" --timeout 30 --dsn "postgresql://postgres:Wr0ng-pw-42@127.0.0.1:$PG_PORT/postgres"
    ;;
esac

# ---- --wait: the server comes back while pgcheck retries -----------------------------------
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
check_cmd "--wait gives up at the deadline" 1 'Connection refused' "$P" --dsn "$URL" --wait 1 --timeout 0.5
within 1.5 "--wait 1: within the wait + 0.5 s"
"$P" --dsn "$URL" --wait 30 --json >"$TEST_TMP/wait.out" 2>&1 &
waiter=$!
sleep 1
# restart with the options it was started with (postmaster.opts)
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w restart >/dev/null 2>&1 ||
    bail_out "postgres did not restart: $(tail -n 5 "$PG_DIR/log")"
set +e
wait "$waiter"
RC=$?
set -e
is "$RC" 0 "--wait: healthy once the server is back"
like "$(jq -r .attempts "$TEST_TMP/wait.out")" '^([2-9]|[1-9][0-9]+)$' "--wait: took several attempts"

done_testing
