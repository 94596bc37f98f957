#!/usr/bin/env bash
# Every probe against hostile servers on loopback (tests/probes/trap_server.pl,
# a test helper): replies that declare gigabytes, floods, drips and redirects
# to another host. Each must stop unhealthy (exit 1) within its deadline and
# a bounded memory, naming why; secrets in URLs are masked by position.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_cmd perl
for p in redisping pgcheck httpprobe pulsaradm natsprobe; do need_probe "$p"; done
TRAP=$ARC_ROOT/tests/probes/trap_server.pl
# Max RSS allowed, KiB: the caps are 1-16 MiB; ASan's shadow memory adds more.
case $ARC_BIN in *-asan/*) MEM_MAX=400000 ;; *) MEM_MAX=120000 ;; esac

# start_trap MODE -> TRAP_PORT
start_trap() {
    local pf=$TEST_TMP/trap.$1.port
    perl "$TRAP" "$1" "$pf" &
    track_pid $!
    for _ in $(seq 100); do [ -s "$pf" ] && break; sleep 0.05; done
    TRAP_PORT=$(cat "$pf")
}

# mem_run LIMIT-DESC cmd...: run under /usr/bin/time; MEM = max RSS in KiB.
mem_run() {
    run /usr/bin/time -f 'maxrss=%M' -o "$TEST_TMP/time" "$@"
    MEM=$(sed -n 's/^maxrss=//p' "$TEST_TMP/time")
}
mem_under() {
    if [ "${MEM:-0}" -gt 0 ] && [ "$MEM" -lt "$MEM_MAX" ]; then pass "$1 (max RSS ${MEM} KiB < $MEM_MAX)"
    else fail "$1" "max RSS ${MEM:-?} KiB, bound $MEM_MAX"; fi
}
[ -x /usr/bin/time ] || skip_all "/usr/bin/time is not installed (Debian package time)"

# ---- redis ----------------------------------------------------------------------------
start_trap redis-flood
mem_run "$ARC_BIN/redisping" --url "redis://127.0.0.1:$TRAP_PORT" --timeout 3
is "$RC" 1 "redis: a bulk reply declaring 2 GB, then a flood: exit 1"
like "$OUT" "PING: reply too large" "redis flood: 'reply too large'"
within 3.5 "redis flood: within the deadline"
mem_under "redis flood: memory stays bounded"
start_trap redis-drip
mem_run "$ARC_BIN/redisping" --url "redis://127.0.0.1:$TRAP_PORT" --timeout 1
is "$RC" 1 "redis: a declared 2 GB bulk, dripped: exit 1"
like "$OUT" "reply too large" "redis drip: refused by its declared length, not waited for"
within 1.5 "redis drip: within the deadline"
start_trap redis-array
check_cmd "redis: an array declaring 2e9 elements: reply too large" 1 "reply too large" \
    "$ARC_BIN/redisping" --url "redis://127.0.0.1:$TRAP_PORT" --timeout 1
within 1.5 "redis array: within the deadline"
start_trap redis-split
check_cmd "redis: the array header split over two reads: still reply too large" 1 "reply too large" \
    "$ARC_BIN/redisping" --url "redis://127.0.0.1:$TRAP_PORT" --timeout 1

# ---- postgres ---------------------------------------------------------------------------
start_trap pg-flood
mem_run "$ARC_BIN/pgcheck" --dsn "host=127.0.0.1 port=$TRAP_PORT user=u dbname=d sslmode=disable" --timeout 3
is "$RC" 1 "pg: an ErrorResponse declaring 2 GB, then a flood: exit 1"
like "$OUT" "reply too large" "pg flood: 'reply too large'"
within 3.5 "pg flood: within the deadline"
mem_under "pg flood: memory stays bounded"
start_trap pg-flood-100m
mem_run "$ARC_BIN/pgcheck" --dsn "host=127.0.0.1 port=$TRAP_PORT user=u dbname=d sslmode=disable" --timeout 3
like "$OUT" "reply too large \(over 8 MiB received" "pg: a 100 MiB message libpq can hold is stopped by the 8 MiB byte cap"
within 3.5 "pg 100 MiB flood: within the deadline"
mem_under "pg 100 MiB flood: memory stays bounded"

# ---- http ---------------------------------------------------------------------------------
start_trap http-endless
mem_run "$ARC_BIN/httpprobe" --url "http://127.0.0.1:$TRAP_PORT/" --timeout 3
is "$RC" 1 "http: an endless body: exit 1"
like "$OUT" "reply too large \(over 1024 KiB\)" "http endless body: 'reply too large'"
within 3.5 "http endless body: within the deadline"
mem_under "http endless body: memory stays bounded"
start_trap http-length
check_cmd "http: Content-Length 2000000000: refused before reading" 1 "reply too large" \
    "$ARC_BIN/httpprobe" --url "http://127.0.0.1:$TRAP_PORT/" --timeout 2
start_trap http-endless
check_cmd "pulsaradm: an endless body: reply too large" 1 "reply too large \(over 16 MiB\)" \
    "$ARC_BIN/pulsaradm" -u "http://127.0.0.1:$TRAP_PORT" --timeout 3
check_cmd "natsprobe health: an endless body from the monitoring port: exit 1" 1 "too large" \
    "$ARC_BIN/natsprobe" --monitor "http://127.0.0.1:$TRAP_PORT" --timeout 3 health

# ---- redirects ------------------------------------------------------------------------------
start_trap http-redirect
R=127.0.0.1:$TRAP_PORT
check_cmd "httpprobe: a redirect to another host is reported with its target, exit 1" 1 \
    "HTTP 307 redirect to http://127\.0\.0\.2:$TRAP_PORT/away not followed" \
    "$ARC_BIN/httpprobe" --url "http://$R/away"
check_cmd "httpprobe --follow-redirects: never to another host" 1 \
    "redirect to http://127\.0\.0\.2:$TRAP_PORT/away not followed \(another host" \
    "$ARC_BIN/httpprobe" --url "http://$R/away" --follow-redirects
check_cmd "httpprobe: a same-host redirect is not followed without the flag" 1 \
    "HTTP 302 redirect to http://127\.0\.0\.1:$TRAP_PORT/ok not followed" \
    "$ARC_BIN/httpprobe" --url "http://$R/same"
check_cmd "httpprobe --follow-redirects: a same-host redirect is followed" 0 "HTTP 200" \
    "$ARC_BIN/httpprobe" --url "http://$R/same" --follow-redirects
check_cmd "pulsaradm: a 307 to another host is not followed, named" 1 \
    "redirect to http://127\.0\.0\.2:$TRAP_PORT/admin/v2/brokers/health not followed" \
    "$ARC_BIN/pulsaradm" -u "http://$R"
check_cmd "pulsaradm --follow-redirects: never to another host" 1 "another host" \
    "$ARC_BIN/pulsaradm" -u "http://$R" --follow-redirects
check_cmd "pulsaradm --follow-redirects: the same host is followed" 0 "OK health" \
    "$ARC_BIN/pulsaradm" -u "http://$R/same" --follow-redirects
check_cmd "pulsaradm: the same host without the flag: not followed" 1 "not followed" \
    "$ARC_BIN/pulsaradm" -u "http://$R/same"

# ---- secrets masked by position --------------------------------------------------------------
# Passwords holding '@' and ':' written unescaped, and a one-letter one.
DEAD=$(dead_port)
A=$(printf 'p@ss:w%s' "$RANDOM")
run "$ARC_BIN/redisping" --url "redis://u:$A@127.0.0.1:$DEAD" --json
is "$RC" 1 "redis: a password with '@' and ':' parses (last '@' ends it)"
unlike "$ALL" "ss:w" "redis: no part of the '@'/':' password in --json output"
run "$ARC_BIN/redisping" --url "redis://u:$A@127.0.0.1:$DEAD"
unlike "$ALL" "ss:w" "redis: no part of it in text output"
run "$ARC_BIN/redisping" --url "redis://u:$A@127.0.0.1:99999"
is "$RC" 64 "redis: an unparsable URL with a password: exit 64"
unlike "$ALL" "ss:w|p@ss" "redis: the unparsable URL is not echoed"
run "$ARC_BIN/redisping" --url "redis://:a@127.0.0.1:$DEAD"
like "$OUT" "Connection refused" "redis, one-letter password 'a': unrelated text is not masked"
unlike "$OUT" '\*\*\*' "redis: no '***' in unrelated text"
run "$ARC_BIN/httpprobe" --url "http://u:$A@$R/ok"
is "$RC" 0 "httpprobe: basic auth with a password holding '@' and ':' (sent by position)"
like "$OUT" "http://u:\*\*\*@127\.0\.0\.1:$TRAP_PORT/ok" "httpprobe: the password's position is masked"
unlike "$ALL" "ss:w" "httpprobe: no part of the password"
run "$ARC_BIN/httpprobe" --url "http://u:a@$R/ok" --json
like "$OUT" '"detail":"HTTP 200"' "httpprobe, password 'a': the detail is not masked"
run "$ARC_BIN/httpprobe" --url "http://u:$A@$R/away" --format nagios
unlike "$ALL" "ss:w" "httpprobe --format nagios: no part of the password"
run "$ARC_BIN/httpprobe" --url "http://u:$A@$R/away" --format prometheus
unlike "$ALL" "ss:w" "httpprobe --format prometheus: no part of the password"
run "$ARC_BIN/pulsaradm" -u "http://u:$A@127.0.0.1:$DEAD"
is "$RC" 1 "pulsaradm: admin URL with an '@'/':' password: unreachable, exit 1"
unlike "$ALL" "ss:w" "pulsaradm: no part of the password"
run "$ARC_BIN/natsprobe" --server "nats://u:$A@127.0.0.1:$DEAD" --json
unlike "$ALL" "ss:w" "natsprobe: no part of the password"
run "$ARC_BIN/natsprobe" --server "nats://u:a@127.0.0.1:$DEAD"
like "$OUT" "cannot connect" "natsprobe, password 'a': unrelated text intact"
run "$ARC_BIN/pgcheck" --dsn "postgresql://u:$A@127.0.0.1:$DEAD/db"
is "$RC" 64 "pgcheck: a URI whose password holds an unescaped '@' is refused (libpq would misplace it)"
unlike "$ALL" "ss:w|p@ss" "pgcheck: and it is not echoed"
run "$ARC_BIN/pgcheck" --dsn "postgresql://u:a:b@127.0.0.1:$DEAD/db" --json
is "$RC" 1 "pgcheck: a password holding ':' is fine (unreachable: exit 1)"
like "$OUT" '"target":"127\.0\.0\.1:'"$DEAD"'/db"' "pgcheck: target without the password, not masked elsewhere"
run "$ARC_BIN/pgcheck" --dsn "postgresql://u:a@127.0.0.1:$DEAD/a"
like "$OUT" "127\.0\.0\.1:$DEAD/a" "pgcheck, password 'a' and dbname 'a': the dbname is shown as it is"

done_testing
