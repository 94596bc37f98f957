#!/usr/bin/env bash
# natsprobe against real nats-server processes on free loopback ports: ping,
# health and jetstream; the hard deadline; streams apply / ls / info checked
# against the server's own monitoring (/jsz); bad files; token auth; valgrind.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_cmd nats-server curl jq
need_probe natsprobe
NP="$ARC_BIN/natsprobe"
FIX="$ARC_ROOT/tests/fixtures/natsprobe"
# The platform's streams without their consumers (consumers: tests/probes/plan.t),
# so the write counts below are stream creates and updates only.
STREAMS="$TEST_TMP/streams.json"
jq 'del(.streams[].consumers)' "$ARC_ROOT/services/messaging/streams.json" >"$STREAMS"
TOKEN=tok-Zq81-secret
unset NATS_URL NATS_TOKEN NATS_USER NATS_PASSWORD NATS_CREDS

# A JetStream server with protocol tracing (-V): its log shows every write.
start_nats -V
JS_PORT=$NATS_PORT JS_MON=$NATS_MON_PORT JS_LOG=$NATS_DIR/log
NATS_NO_JS=1 start_nats
NOJS_PORT=$NATS_PORT NOJS_MON=$NATS_MON_PORT
start_nats --auth "$TOKEN"
AUTH_PORT=$NATS_PORT
start_nats --user arc --pass pw-Lk29-secret
USER_PORT=$NATS_PORT
start_hang
DEAD=$(dead_port)

# The probe aimed at each server (arrays, so valgrind can run them too).
JS=("$NP" --server "nats://127.0.0.1:$JS_PORT" --monitor "http://127.0.0.1:$JS_MON")
NOJS=("$NP" --server "127.0.0.1:$NOJS_PORT" --monitor "127.0.0.1:$NOJS_MON")
AUTH=("$NP" --server "127.0.0.1:$AUTH_PORT")
jsz() { curl -fsS "http://127.0.0.1:$JS_MON/jsz?streams=true&config=true"; }
# json_ok FILTER "what": jq's FILTER is true of the last run's stdout.
json_ok() {
    if jq -e "$1" >/dev/null 2>&1 <<<"$OUT"; then pass "$2"; else fail "$2" "not true: $1
of: $OUT"; fi
}
stream_names() { jsz | jq -r '[.account_details[]?.stream_detail[]?.name] | sort | join(",")'; }
# Stream creates and updates the server has received so far (from its trace).
# shellcheck disable=SC2016 # a regex, not an expansion
writes() { grep -cE 'PUB \$JS\.API\.STREAM\.(CREATE|UPDATE)\.' "$JS_LOG" || true; }
# Every stream's creation time and config, as the server reports them.
server_state() { jsz | jq -cS '[.account_details[]?.stream_detail[]? | {name, created, config}] | sort_by(.name)'; }

# The file's values in the server's units: sizes in bytes, durations in ns.
JQ_UNITS='
def size: if type == "string" then capture("^(?<n>[0-9]+)(?<u>[KMGT]iB)?$")
  | (.n | tonumber) * ({"KiB": 1024, "MiB": 1048576, "GiB": 1073741824,
                        "TiB": 1099511627776}[.u // "B"] // 1) else . end;
def ns: if type == "string" then capture("^(?<n>[0-9]+)(?<u>ms|s|m|h|d)$")
  | (.n | tonumber) * {"ms": 1e6, "s": 1e9, "m": 6e10, "h": 3.6e12, "d": 8.64e13}[.u]
  else . end;
'
CONFIG_KEYS='{name, description, subjects, retention, storage, discard, max_age,
  duplicate_window, max_bytes, max_msg_size, num_replicas}'
file_as_server() {
    jq -cS "$JQ_UNITS"' [.streams[] | .num_replicas = .replicas | .max_age |= ns
        | .duplicate_window |= ns | .max_bytes |= size | .max_msg_size |= size
        | '"$CONFIG_KEYS"'] | sort_by(.name)' "$1"
}
server_configs() {
    jsz | jq -cS '[.account_details[]?.stream_detail[]?.config | '"$CONFIG_KEYS"'] | sort_by(.name)'
}

note "--- a healthy JetStream server"
check_cmd "ping: 0 with the round trip" 0 "^natsprobe OK ping 127\.0\.0\.1:$JS_PORT: PONG, rtt [0-9.]+ ms" "${JS[@]}" ping
check_cmd "no command means ping" 0 "OK ping" "${JS[@]}"
check_cmd "health: /healthz with the JetStream check is ok" 0 "OK health 127\.0\.0\.1:$JS_MON: /healthz: status ok" "${JS[@]}" health
check_cmd "jetstream: enabled and usable" 0 "OK jetstream .*JetStream enabled: 0 streams" "${JS[@]}" jetstream
run "${JS[@]}" ping --json
is "$RC" 0 "ping --json exits 0"
json_ok '.probe == "natsprobe" and .check == "ping" and .ok == true and (.rtt_ms | type) == "number"' \
    "ping --json is one object with the RTT"
run "${JS[@]}" jetstream -q
is "$RC:$OUT$ERR" "0:" "-q: exit 0 and no output"
run env NATS_URL="nats://127.0.0.1:$JS_PORT" "$NP" ping
like "$RC $OUT" "^0 natsprobe OK ping 127\.0\.0\.1:$JS_PORT" "NATS_URL gives the server"

note "--- a server without JetStream"
check_cmd "ping still works" 0 "OK ping" "${NOJS[@]}" ping
check_cmd "/healthz says ok without JetStream (why 'jetstream' exists)" 0 "OK health" "${NOJS[@]}" health
check_cmd "jetstream: 1, not enabled" 1 "FAIL jetstream .*JetStream is not enabled" "${NOJS[@]}" jetstream
run curl -fsS "http://127.0.0.1:$NOJS_MON/jsz"
like "$OUT" '"disabled": ?true' "the server's /jsz confirms JetStream is off"

note "--- server down: 1 at once; a listener that never answers: within --timeout + 0.5 s"
for cmd in ping jetstream "streams ls" "stream info AGENT_EVENTS"; do
    # shellcheck disable=SC2086 # cmd is words
    run "$NP" --server "127.0.0.1:$DEAD" --timeout 5 $cmd
    like "$RC $OUT" "^1 natsprobe FAIL .*cannot connect" "down: $cmd fails"
    within 1 "down: $cmd fails at once"
    # shellcheck disable=SC2086
    run "$NP" --server "127.0.0.1:$HANG_PORT" --timeout 1 $cmd
    like "$RC $OUT" "^1 natsprobe FAIL .*no answer" "hanging: $cmd fails"
    within 1.5 "hanging: $cmd keeps the deadline"
done
run "$NP" --monitor "127.0.0.1:$DEAD" --timeout 5 health
is "$RC" 1 "down: health fails"
within 1 "down: health fails at once"
run "$NP" --monitor "127.0.0.1:$HANG_PORT" --timeout 1 health
like "$RC $OUT" "^1 .*no answer within" "hanging: health fails"
within 1.5 "hanging: health keeps the deadline"
run "$NP" --server "127.0.0.1:$DEAD" --timeout 5 streams apply "$STREAMS"
like "$RC $OUT" "^1 natsprobe FAIL streams apply .*cannot connect" "down: streams apply fails"
within 1 "down: streams apply fails at once"
run "$NP" --server "127.0.0.1:$HANG_PORT" --timeout 1 streams apply "$STREAMS"
is "$RC" 1 "hanging: streams apply fails"
within 1.5 "hanging: streams apply keeps the deadline"
run "$NP" --server "127.0.0.1:$DEAD" --wait 1 --timeout 0.5 ping
like "$RC $OUT" "^1 .*after [0-9]+ attempts" "--wait retries until its deadline"
within 1.6 "--wait 1 gives up after about 1 s"

LATE_PORT=$(free_port)
(sleep 1; exec nats-server -a 127.0.0.1 -p "$LATE_PORT" -js -sd "$TEST_TMP/late" -l "$TEST_TMP/late.log") &
track_pid $!
check_cmd "--wait: healthy once the server comes up" 0 "OK jetstream .*after [0-9]+ attempts" \
    "$NP" --server "127.0.0.1:$LATE_PORT" --wait 15 jetstream

note "--- streams apply"
check_cmd "dry run (a plan): all to create, exit 2 (changes pending)" 2 "dry run, 3 streams: 3 to create" "${JS[@]}" streams apply --dry-run "$STREAMS"
like "$OUT" "stream AGENT_JOBS: create" "dry run names each stream"
is "$(stream_names)" "" "dry run: the server has no streams"
is "$(writes)" 0 "dry run: no create or update reached the server"

check_cmd "apply creates the three streams" 0 "3 streams: 3 created, 0 updated, 0 unchanged" "${JS[@]}" streams apply "$STREAMS"
like "$OUT" "stream AGENT_EVENTS: created" "one line per stream"
is "$(stream_names)" "AGENT_EVENTS,AGENT_JOBS,CORE_LIFECYCLE" "the server has the three streams"
w0=$(writes)
check_cmd "--replicas 2 overrides the file's replicas: the plan updates every stream" 2 "0 to create, 3 to update" \
    "${JS[@]}" --replicas 2 streams apply --dry-run "$STREAMS"
like "$OUT" "stream AGENT_EVENTS: update: replicas 1 -> 2" "... naming the change"
is "$(writes)" "$w0" "... and writing nothing (a plan)"
is "$(writes)" 3 "the server's trace shows exactly three creates"
is "$(server_configs)" "$(file_as_server "$STREAMS")" "the server's /jsz config matches the file, field by field"
for s in AGENT_EVENTS AGENT_JOBS CORE_LIFECYCLE; do
    want=$(jq -cS --arg n "$s" "$JQ_UNITS"' .streams[] | select(.name == $n)
        | .max_bytes |= size | .max_msg_size |= size' "$STREAMS")
    got=$("${JS[@]}" stream info "$s" --json | jq -cS --argjson w "$want" '.stream
        | with_entries(select(.key as $k | $w | has($k)))')
    is "$got" "$want" "stream info $s --json matches the file"
done
is "$(jsz | jq -r '.account_details[].stream_detail[] | select(.name == "AGENT_JOBS") | .config.retention')" \
    workqueue "AGENT_JOBS is a work queue on the server"

before=$(server_state) writes_before=$(writes)
check_cmd "second run: all unchanged" 0 "3 streams: 0 created, 0 updated, 3 unchanged" "${JS[@]}" streams apply "$STREAMS"
is "$(writes)" "$writes_before" "second run: no create or update reached the server"
is "$(server_state)" "$before" "second run: created times and configs unchanged"
run "${JS[@]}" streams apply "$STREAMS" --json
json_ok '.ok and (.streams | length == 3)
    and all(.streams[]; .action == "unchanged" and .changes == [] and (.name | length > 0))' \
    "--json: every stream unchanged, with name, action, changes"

jq '(.streams[] | select(.name == "AGENT_EVENTS") | .max_age) = "14d"' "$STREAMS" >"$TEST_TMP/longer.json"
check_cmd "max_age changed: updated, showing the change" 0 "stream AGENT_EVENTS: updated: max_age 7d -> 14d" \
    "${JS[@]}" streams apply "$TEST_TMP/longer.json"
like "$OUT" "3 streams: 0 created, 1 updated, 2 unchanged" "only that stream is updated"
is "$(jsz | jq '.account_details[].stream_detail[] | select(.name == "AGENT_EVENTS") | .config.max_age')" \
    1209600000000000 "the server shows the new max_age (14 days in ns)"
is "$("${JS[@]}" stream info AGENT_EVENTS --json | jq -r .stream.max_age)" 14d "stream info shows 14d"
run "${JS[@]}" streams apply "$TEST_TMP/longer.json" --json
json_ok '.updated == 0 and .unchanged == 3' "re-applying the change: unchanged (no flip-flop)"
run "${JS[@]}" streams apply "$STREAMS" --json
json_ok '.streams[0] == {"name": "AGENT_EVENTS", "action": "updated", "plan": "update", "applied": true,
    "changes": [{"field": "max_age", "from": "14d", "to": "7d"}]}' \
    "--json of an update lists the field, from and to"

note "--- conflicts: 1 naming both streams, nothing applied"
names=$(stream_names) writes_before=$(writes)
check_cmd "overlap between two declared streams" 1 "ORDERS_BY_REGION.*ORDERS_EU.*nothing applied" \
    "${JS[@]}" streams apply "$FIX/overlap-declared.json"
check_cmd "overlap with an existing stream" 1 "CORE_AUDIT .*core\.lifecycle\.audit\.>.*CORE_LIFECYCLE .*core\.lifecycle\.>" \
    "${JS[@]}" streams apply "$FIX/overlap-existing.json"
jq '(.streams[] | select(.name == "AGENT_JOBS") | .storage) = "memory"' "$STREAMS" >"$TEST_TMP/memory.json"
check_cmd "storage cannot change in place: named, not a server error" 1 \
    "stream AGENT_JOBS: storage cannot change on an existing stream \(file -> memory\)" \
    "${JS[@]}" streams apply "$TEST_TMP/memory.json"
is "$(stream_names)" "$names" "no stream was created by the refused files"
is "$(writes)" "$writes_before" "no create or update reached the server"

note "--- bad input: 65 (file), 64 (usage)"
check_cmd "malformed JSON: 65 with the position" 65 "malformed\.json: line 6, column 7: expected ',' or '\}'" \
    "${JS[@]}" streams apply "$FIX/malformed.json"
check_cmd "retention forever: 65 naming stream, field, line and column" 65 \
    'bad-retention\.json: line 6, column 20: stream "FOREVER", field "retention": "forever" is not one of' \
    "${JS[@]}" streams apply "$FIX/bad-retention.json"
check_cmd "unknown field: 65" 65 'line 6, column 7: stream "TYPO", field "max_agee": unknown field' \
    "${JS[@]}" streams apply "$FIX/unknown-field.json"
check_cmd "missing file: 65" 65 "no-such-file\.json" "${JS[@]}" streams apply "$TEST_TMP/no-such-file.json"
check_cmd "unknown flag: 64" 64 "unknown option '--frobnicate'" "${JS[@]}" --frobnicate ping
check_cmd "unknown command: 64" 64 "unknown command 'pong'" "${JS[@]}" pong
check_cmd "--dry-run without apply: 64" 64 "dry-run" "${JS[@]}" --dry-run ping
check_cmd "--replicas out of range: 64 naming it" 64 "--replicas: '6' is not a number of replicas from 1 to 5" \
    "${JS[@]}" --replicas 6 streams apply "$STREAMS"
check_cmd "--replicas without streams apply: 64" 64 "--replicas only goes with 'streams apply'" "${JS[@]}" --replicas 3 ping
check_cmd "streams apply without FILE: 64" 64 "needs a FILE" "${JS[@]}" streams apply
check_cmd "bad --timeout: 64" 64 "timeout" "${JS[@]}" --timeout soon ping
check_cmd "--help shows the exit codes" 0 "65  bad input file" "${JS[@]}" --help

note "--- streams ls, stream info"
check_cmd "streams ls" 0 "OK streams ls .*: 3 streams" "${JS[@]}" streams ls
like "$OUT" "AGENT_JOBS  subjects agent\.jobs\.>  workqueue/file" "ls shows each stream"
run "${JS[@]}" streams ls --json
json_ok '[.streams[].name] == ["AGENT_EVENTS", "AGENT_JOBS", "CORE_LIFECYCLE"]' "streams ls --json"
check_cmd "stream info (text)" 0 "max_age +7d" "${JS[@]}" stream info AGENT_EVENTS
check_cmd "stream info of a missing stream: 1 naming it" 1 "FAIL stream info .*stream NO_SUCH not found" \
    "${JS[@]}" stream info NO_SUCH

note "--- token auth"
check_cmd "no token: 1, authorization failure" 1 "FAIL ping .*authorization failed" "${AUTH[@]}" ping
check_cmd "wrong token: 1, authorization failure" 1 "authorization failed" "${AUTH[@]}" --token wrong-tok-4711 ping
unlike "$ALL" "wrong-tok-4711" "the wrong token is not shown"
check_cmd "right token: 0" 0 "OK ping" "${AUTH[@]}" --token "$TOKEN" ping
unlike "$ALL" "$TOKEN" "the token is not shown"
run "$NP" --server "nats://$TOKEN@127.0.0.1:$AUTH_PORT" jetstream --json
is "$RC" 0 "token in the URL: 0"
unlike "$ALL" "$TOKEN" "token in the URL: not shown in --json"
run "$NP" --server "nats://wrong-tok-4711@127.0.0.1:$AUTH_PORT" ping --json
like "$RC $OUT" '^1 .*authorization failed' "wrong token in the URL: 1"
unlike "$ALL" "wrong-tok-4711" "wrong token in the URL: not shown"
run env NATS_TOKEN="$TOKEN" "$NP" --server "127.0.0.1:$AUTH_PORT" ping
is "$RC" 0 "NATS_TOKEN: 0"
printf '%s\n' "$TOKEN" >"$TEST_TMP/token"
check_cmd "--token-file: 0" 0 "OK ping" "${AUTH[@]}" --token-file "$TEST_TMP/token" ping
check_cmd "streams apply works with a token" 2 "dry run, 3 streams: 3 to create" \
    "${AUTH[@]}" --token "$TOKEN" streams apply "$STREAMS" --dry-run
unlike "$ALL" "$TOKEN" "streams apply does not show the token"

note "--- user and password"
check_cmd "user:pass in the URL: 0" 0 "OK ping 127\.0\.0\.1:$USER_PORT:" \
    "$NP" --server "nats://arc:pw-Lk29-secret@127.0.0.1:$USER_PORT" ping
unlike "$ALL" "pw-Lk29-secret" "the password is not shown"
check_cmd "wrong password: 1, authorization failure" 1 "authorization failed" \
    "$NP" --server "nats://arc:pw-wrong-0815@127.0.0.1:$USER_PORT" ping --json
unlike "$ALL" "pw-wrong-0815" "the wrong password is not shown"
check_cmd "NATS_USER and NATS_PASSWORD: 0" 0 "OK ping" \
    env NATS_USER=arc NATS_PASSWORD=pw-Lk29-secret "$NP" --server "127.0.0.1:$USER_PORT" ping
check_cmd "a missing --creds file: 64 naming it" 64 "--creds: cannot read the credentials file" \
    "$NP" --creds "$TEST_TMP/none.creds" ping

note "--- valgrind (release build only: valgrind and ASan do not mix)"
case "$ARC_BIN" in
*-asan*) skip "valgrind: the ASan build is checked by ASan itself" ;;
*)
    valgrind_clean "healthy ping" 0 "${JS[@]}" ping
    valgrind_clean "health" 0 "${JS[@]}" health
    valgrind_clean "streams apply, unchanged, --json" 0 "${JS[@]}" streams apply "$STREAMS" --json
    valgrind_clean "stream info" 0 "${JS[@]}" stream info AGENT_JOBS
    valgrind_clean "jetstream without JetStream" 1 "${NOJS[@]}" jetstream
    valgrind_clean "wrong token" 1 "${AUTH[@]}" --token wrong-tok-4711 ping
    valgrind_clean "overlap refused" 1 "${JS[@]}" streams apply "$FIX/overlap-existing.json"
    valgrind_clean "bad file" 65 "${JS[@]}" streams apply "$FIX/bad-retention.json"
    ;;
esac

done_testing
