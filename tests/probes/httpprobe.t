#!/usr/bin/env bash
# httpprobe against a real HTTP server (tests/fixtures/otel/httpd.py) on a free
# loopback port, a port where nothing listens, and a listener that never answers.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source-path=SCRIPTDIR source=../fixtures/otel/httpd.sh
. "$ARC_ROOT/tests/fixtures/otel/httpd.sh"

need_probe httpprobe
P=$ARC_BIN/httpprobe
PW=s3cret-pw

start_httpd
start_hang
BASE=http://127.0.0.1:$HTTPD_PORT
DEAD=$(dead_port)

# ---- usage -----------------------------------------------------------------
check_cmd "--help exits 0 and shows the exit-code table" 0 'Exit status:.*' "$P" --help
like "$OUT" '--expect-status CODE' "--help names --expect-status"
like "$OUT" '--expect-body TEXT' "--help names --expect-body"
like "$OUT" '64  bad usage' "--help has code 64"
check_cmd "--version" 0 '^httpprobe [0-9]+\.[0-9]+' "$P" --version
check_cmd "unknown flag is a usage error" 64 "unknown option '--nope'" "$P" --nope
check_cmd "--expect-status must be a number" 64 "'abc' is not an HTTP status" "$P" --expect-status abc
check_cmd "--expect-status below 100" 64 "not an HTTP status" "$P" --expect-status 99
check_cmd "--expect-status above 599" 64 "not an HTTP status" "$P" --expect-status 600
check_cmd "--expect-body must not be empty" 64 "must not be empty" "$P" --expect-body ''
check_cmd "--url without a value" 64 "needs a value" "$P" --url
check_cmd "only http and https" 64 "only http:// and https://" "$P" --url ftp://127.0.0.1/
check_cmd "a URL without scheme" 64 "expected scheme://" "$P" --url 127.0.0.1:13133
check_cmd "a bad port" 64 "port must be a number" "$P" --url http://127.0.0.1:99999/
check_cmd "a stray argument" 64 "unexpected argument 'extra'" "$P" --url "$BASE/" extra
check_cmd "--timeout 0 is refused" 64 "--timeout" "$P" --timeout 0
check_cmd "a bad URL with a password is not echoed" 64 "URL not shown: .*port must be" \
    "$P" --url "http://user:$PW@127.0.0.1:99999/"
unlike "$ALL" "$PW" "the password is not in the usage error"

# ---- healthy and unhealthy replies -----------------------------------------
check_cmd "200 from the health endpoint" 0 \
    "^httpprobe OK http $BASE/: HTTP 200 \([0-9.]+ ms\)$" "$P" --url "$BASE/"
like "$(cat "$HTTPD_LOG")" "^GET / httpprobe/[0-9]" "the server saw one GET / from httpprobe"
is "$(wc -l <"$HTTPD_LOG")" 1 "exactly one request without --wait"
check_cmd "--expect-body found" 0 'HTTP 200, body contains "Server available"' \
    "$P" --url "$BASE/" --expect-body "Server available"
check_cmd "--expect-body not found" 1 'FAIL http .*HTTP 200, body does not contain "Server not available"' \
    "$P" --url "$BASE/" --expect-body "Server not available"
check_cmd "503 fails" 1 "FAIL http $BASE/status/503: HTTP 503, expected 200" "$P" --url "$BASE/status/503"
check_cmd "--expect-status 503 accepts 503" 0 "OK http .*HTTP 503" \
    "$P" --url "$BASE/status/503" --expect-status 503
check_cmd "--expect-status 204 refuses 200" 1 "HTTP 200, expected 204" \
    "$P" --url "$BASE/" --expect-status 204
check_cmd "404 fails" 1 "HTTP 404, expected 200" "$P" --url "$BASE/missing"
: >"$HTTPD_LOG"
check_cmd "a redirect is not followed, and named with its target" 1 \
    "HTTP 302 redirect to http://127\.0\.0\.1:$HTTPD_PORT/ not followed" "$P" --url "$BASE/redirect"
is "$(cat "$HTTPD_LOG")" "GET /redirect httpprobe/$("$P" --version | cut -d' ' -f2)" \
    "only the redirecting URL was requested"
check_cmd "text past the first 64 KiB is searched (the body is capped at 1 MiB)" 0 'contains "NEEDLE"' \
    "$P" --url "$BASE/big" --expect-body NEEDLE
check_cmd "a large body is read to the end and searched at the start" 0 'body contains "xxxx"' \
    "$P" --url "$BASE/big" --expect-body xxxx
check_cmd "text after NUL bytes is found" 0 'body contains "after-nul"' \
    "$P" --url "$BASE/nul" --expect-body after-nul

# ---- output modes ------------------------------------------------------------
run "$P" --url "$BASE/" --json --expect-body "Server available"
is "$RC" 0 "--json ok exits 0"
json_field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(json.dumps(d[sys.argv[2]]))' "$OUT" "$1"; }
is "$(json_field probe)" '"httpprobe"' "--json: probe"
is "$(json_field ok)" true "--json: ok"
is "$(json_field http_status)" 200 "--json: http_status"
is "$(json_field expect_status)" 200 "--json: expect_status"
is "$(json_field body_matched)" true "--json: body_matched"
is "$(json_field target)" "\"$BASE/\"" "--json: target"
is "$(printf '%s\n' "$OUT" | wc -l)" 1 "--json is one line"
run "$P" --url "http://127.0.0.1:$DEAD/" --json
is "$RC" 1 "--json failure exits 1"
is "$(json_field http_status)" null "--json: no status when nothing answered"
is "$(json_field status)" '"fail"' "--json: status fail"
check_cmd "-q prints nothing on success" 0 '' "$P" -q --url "$BASE/"
is "$ALL" "" "-q: no output on success"
check_cmd "-q prints nothing on failure" 1 '' "$P" -q --url "$BASE/status/500"
is "$ALL" "" "-q: no output on failure"

# ---- unreachable, hanging, stalling -------------------------------------------
check_cmd "nothing listening" 1 "FAIL http http://127.0.0.1:$DEAD/: cannot connect: Connection refused" \
    "$P" --url "http://127.0.0.1:$DEAD/"
check_cmd "a listener that never answers" 1 "no reply within 1.0s \(timed out\)" \
    "$P" --url "http://127.0.0.1:$HANG_PORT/" --timeout 1
within 1.5 "the hard deadline holds against a silent listener"
check_cmd "headers then silence" 1 "timed out" "$P" --url "$BASE/stall" --timeout 1
within 1.5 "the hard deadline holds against a stalled body"

# ---- --wait -------------------------------------------------------------------------
: >"$HTTPD_LOG"
check_cmd "--wait retries until healthy" 0 "OK http .*HTTP 200 .* after 3 attempts" \
    "$P" --url "$BASE/flaky/2" --wait 20
is "$(grep -c '^GET /flaky/2 ' "$HTTPD_LOG")" 3 "the server saw three attempts"
check_cmd "--wait gives up at its deadline (nothing listening)" 1 "Connection refused.* after [0-9]+ attempts" \
    "$P" --url "http://127.0.0.1:$DEAD/" --wait 1.5
within 2.0 "--wait 1.5 ends within its deadline"
check_cmd "--wait against a silent listener" 1 "timed out" \
    "$P" --url "http://127.0.0.1:$HANG_PORT/" --wait 1.5 --timeout 0.5
within 2.0 "--wait 1.5 --timeout 0.5 ends within its deadline"
check_cmd "--wait stops at once on a bad flag" 64 "unknown option" "$P" --wait 5 --nope
within 1.0 "usage errors are not retried"

# ---- target from the environment, secrets ------------------------------------
check_cmd "HTTPPROBE_URL is the target without --url" 0 "OK http $BASE/status/200" \
    env HTTPPROBE_URL="$BASE/status/200" "$P"
check_cmd "--url wins over HTTPPROBE_URL" 1 "FAIL http $BASE/status/500" \
    env HTTPPROBE_URL="$BASE/status/200" "$P" --url "$BASE/status/500"
run env -u HTTPPROBE_URL "$P" --timeout 1
like "$OUT" " http://127.0.0.1:13133/" "default URL is http://127.0.0.1:13133/"
check_cmd "a URL password is sent as basic auth" 0 "OK http http://user:\*\*\*@127.0.0.1:$HTTPD_PORT/auth: HTTP 200" \
    "$P" --url "http://user:$PW@127.0.0.1:$HTTPD_PORT/auth"
unlike "$ALL" "$PW" "the password is not printed on success"
check_cmd "a wrong password is a 401" 1 "HTTP 401, expected 200" \
    "$P" --url "http://user:wrong-$PW@127.0.0.1:$HTTPD_PORT/auth" --json
unlike "$ALL" "$PW" "the password is not in --json on failure"
check_cmd "an unreachable URL with a password" 1 "user:\*\*\*@" \
    "$P" --url "http://user:$PW@127.0.0.1:$DEAD/" --wait 0.5
unlike "$ALL" "$PW" "the password is not printed when unreachable"
check_cmd "a password from HTTPPROBE_URL is masked" 0 "user:\*\*\*@" \
    env HTTPPROBE_URL="http://user:$PW@127.0.0.1:$HTTPD_PORT/auth" "$P"
unlike "$ALL" "$PW" "the password from the environment is not printed"

# ---- memory (release build only: valgrind and ASan do not mix) ------------------
case $ARC_BIN in
*-asan*) skip "valgrind: the ASan build is checked by ASan itself" ;;
*)
    valgrind_clean "healthy, with --expect-body and --json" 0 "$P" --url "$BASE/" --expect-body Server --json
    valgrind_clean "refused, with --wait" 1 "$P" --url "http://127.0.0.1:$DEAD/" --wait 0.5
    valgrind_clean "silent listener" 1 "$P" --url "http://127.0.0.1:$HANG_PORT/" --timeout 0.5
    valgrind_clean "401 with a password" 1 "$P" --url "http://user:bad@127.0.0.1:$HTTPD_PORT/auth"
    ;;
esac

done_testing
