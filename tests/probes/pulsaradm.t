#!/usr/bin/env bash
# pulsaradm against the Pulsar admin-REST STAND-IN (tests/standin/pulsar/pulsar_standin.py).
#
# Apache Pulsar cannot be installed here, so every broker below is the stand-in:
# a small in-memory server that reproduces the documented admin REST status
# codes and bodies (shared/reference/protocols.md section 1). It is NOT Pulsar.
# Each stand-in runs on a free loopback port and is stopped by the EXIT trap.
# What the probe did is checked on the stand-in's side too: its own listing
# endpoints, and its counters (requests, writes, TCP connections).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/../lib/tap.sh"

need_cmd python3 curl jq
need_probe pulsaradm
P="$ARC_BIN/pulsaradm"
STANDIN="$ARC_ROOT/tests/standin/pulsar/pulsar_standin.py"
FIX="$ARC_ROOT/tests/fixtures/pulsaradm"
SPEC="$ARC_ROOT/services/streaming/pulsar.json"
unset PULSAR_ADMIN_URL PULSAR_AUTH_TOKEN http_proxy https_proxy HTTP_PROXY HTTPS_PROXY

# sa URL METHOD PATH [BODY]: talk to a stand-in directly (control or admin API).
sa() { curl -sS -X "$2" ${4:+-H 'Content-Type: application/json' -d "$4"} "$1$3"; }
stat_of() { sa "$1" GET /_standin/stats | jq -r ".$2"; }
partitions_of() { sa "$1" GET "/admin/v2/persistent/$2/partitions" | jq -r .partitions; }

start_pulsar_standin A
start_pulsar_standin B
start_pulsar_standin T --token 'tok-Secret-42'
start_hang

# ---- usage --------------------------------------------------------------------------
check_cmd "--help shows the commands and the exit-code table" 0 'apply FILE.*|64 +bad usage' "$P" --help
check_cmd "--version" 0 '^pulsaradm [0-9]' "$P" --version
check_cmd "unknown flag -> 64 naming it" 64 "unknown option '--frobnicate'" "$P" --frobnicate
check_cmd "unknown command -> 64" 64 "unknown command 'explode'" "$P" -u "$A" explode
check_cmd "apply without FILE -> 64" 64 'usage: pulsaradm apply FILE' "$P" -u "$A" apply
check_cmd "--token and --token-file together -> 64" 64 'not both' "$P" --token x --token-file /dev/null
check_cmd "a non-http admin URL -> 64" 64 'http or https' "$P" -u "pulsar://127.0.0.1:6650"
check_cmd "topics needs TENANT/NAMESPACE -> 64" 64 'TENANT/NAMESPACE' "$P" -u "$A" topics arc-system

# ---- health / ready -------------------------------------------------------------------
check_cmd "health: 200 'ok' -> 0" 0 '^pulsaradm OK health 127\.0\.0\.1:[0-9]+: ok' "$P" -u "$A"
check_cmd "ready: 200 'ok' -> 0" 0 'OK ready' "$P" -u "$A" ready
PULSAR_ADMIN_URL="$A" check_cmd "PULSAR_ADMIN_URL is honoured" 0 'OK health' "$P" health
run "$P" -u "$A" --json
is "$(printf '%s' "$OUT" | jq -r '[.ok, .check, .http_status] | @tsv')" $'true\thealth\t200' "health --json: one JSON object"
run "$P" -u "$A" -q
is "$RC/$OUT$ERR" "0/" "-q: exit status only"

sa "$A" POST /_standin/config '{"health":"500"}'
check_cmd "health: 500 -> 1 with the message of the text/plain 500" 1 'FAIL health .*HTTP 500: Deadlocked threads detected' "$P" -u "$A"
unlike "$ALL" 'Stacktrace|unexpected error occurred|[[:space:]]at org\.' "the 500's stack trace is not shown"
is "$(printf '%s\n' "$ALL" | wc -l)" 1 "the failure is one line"
sa "$A" POST /_standin/config '{"health":"503"}'
check_cmd "health: 503 -> 1" 1 'HTTP 503' "$P" -u "$A"
check_cmd "ready while the broker is not ready -> 1" 1 'FAIL ready .*HTTP 500: Broker is not ready' "$P" -u "$A" ready
sa "$A" POST /_standin/config '{"health":"garbage"}'
check_cmd "health: 200 with another body -> 1" 1 "unexpected reply 'not-ok: heartbeat topic lagging'" "$P" -u "$A"
sa "$A" POST /_standin/config '{"health":"hang"}'
run "$P" -u "$A" --timeout 1
is "$RC" 1 "health: a broker that never answers -> 1"
within 1.5 "... within --timeout + 0.5 s"
sa "$A" POST /_standin/config '{"health":"ok"}'

DEAD=$(dead_port)
run "$P" -u "http://127.0.0.1:$DEAD" --timeout 5
is "$RC" 1 "health: nothing listening -> 1"
like "$OUT" 'Connection refused' "... says the connection was refused"
within 1 "... at once, not after --timeout"
run "$P" -u "http://127.0.0.1:$HANG_PORT" --timeout 1
is "$RC" 1 "health: a listener that accepts and never answers -> 1"
within 1.5 "... within --timeout + 0.5 s"
like "$OUT" 'no reply within 1\.0 s' "... and says it timed out"
run "$P" -u "http://127.0.0.1:$HANG_PORT" --timeout 1 apply "$SPEC"
is "$RC" 1 "apply: --timeout bounds the whole run against a silent listener"
within 1.5 "... within --timeout + 0.5 s"

# --wait: the broker comes up while the probe waits.
WPORT=$(free_port)
run "$P" -u "http://127.0.0.1:$WPORT" --wait 0.6 --timeout 0.3
is "$RC" 1 "--wait gives up at its deadline when nothing comes up"
like "$OUT" 'after [2-9][0-9]* attempts' "... after several attempts"
(sleep 0.7 && exec python3 "$STANDIN" --port "$WPORT") >"$TEST_TMP/late.log" 2>&1 &
track_pid $!
run "$P" -u "http://127.0.0.1:$WPORT" --wait 10 --timeout 1
is "$RC" 0 "--wait: healthy once the broker comes up"
like "$OUT" 'OK health .*after [2-9][0-9]* attempts' "... after several attempts"

# ---- apply: a fresh broker ------------------------------------------------------------
sa "$A" POST /_standin/reset-stats
check_cmd "apply services/streaming/pulsar.json on a fresh broker -> 0" 0 'OK apply .*15 items: 7 created, 0 exists, 8 updated' "$P" -u "$A" apply "$SPEC"
is "$(stat_of "$A" connections)" 1 "... over one TCP connection (stand-in count)"
like "$OUT" 'tenant arc-system: created' "... tenant created"
is "$(grep -c '^namespace arc-system/.*: created$' <<<"$OUT")" 3 "... three namespaces created"
like "$OUT" 'topic persistent://arc-system/events/agent-events: created: 4 partitions' "... topics created with their partitions"
is "$(sa "$A" GET /admin/v2/tenants | jq -c .)" '["arc-system","public"]' "the broker lists the tenant"
is "$(sa "$A" GET /admin/v2/tenants/arc-system | jq -c .allowedClusters)" '["standalone"]' "... with the clusters the broker listed"
is "$(sa "$A" GET /admin/v2/namespaces/arc-system | jq -c .)" '["arc-system/audit","arc-system/commands","arc-system/events"]' "the broker lists the three namespaces"
is "$(partitions_of "$A" arc-system/events/agent-events)/$(partitions_of "$A" arc-system/commands/agent-commands)/$(partitions_of "$A" arc-system/audit/audit-log)" \
    "4/4/2" "the broker holds the three partitioned topics with the declared counts"
is "$(sa "$A" GET /admin/v2/persistent/arc-system/events/partitioned | jq -c .)" '["persistent://arc-system/events/agent-events"]' "... and lists them as partitioned"
LOG=$(sa "$A" GET /_standin/log | jq -r '.[]')
t_at=$(grep -n '^PUT /admin/v2/tenants/arc-system$' <<<"$LOG" | cut -d: -f1)
n_at=$(grep -n '^PUT /admin/v2/namespaces/' <<<"$LOG" | head -n 1 | cut -d: -f1)
ok "$([ -n "$t_at" ] && [ -n "$n_at" ] && [ "$t_at" -lt "$n_at" ] && echo 0 || echo 1)" "the missing tenant is created before its namespaces"

# ---- apply again: nothing to do ----------------------------------------------------------
sa "$A" POST /_standin/reset-stats
check_cmd "apply again -> 0" 0 'OK apply .*15 items: 0 created, 15 exists, 0 updated, 0 conflict' "$P" -u "$A" apply "$SPEC"
is "$(grep -c ': exists' <<<"$OUT")" 15 "... every item reports exists"
is "$(stat_of "$A" writes)" 0 "... and made zero write requests (stand-in count)"
ok "$([ "$(stat_of "$A" requests)" -gt 0 ] && echo 0 || echo 1)" "... it did read first"
is "$(stat_of "$A" connections)" 1 "... over exactly one TCP connection"
run "$P" -u "$A" apply "$SPEC" --json
is "$(printf '%s' "$OUT" | jq -r '[.ok, .summary.exists, .summary.created, .writes, .connections, (.items|length)] | @tsv')" \
    $'true\t15\t0\t0\t1\t15' "apply --json: one object with summary, writes, connections, items"
check_cmd "apply --wait: waits for health, then applies" 0 'OK apply' "$P" -u "$A" --wait 2 apply "$SPEC"
run "$P" -u "$A" -q apply "$SPEC"
is "$RC/$OUT$ERR" "0/" "apply -q: exit status only"

# ---- listings --------------------------------------------------------------------------
check_cmd "tenants" 0 '^arc-system$' "$P" -u "$A" tenants
check_cmd "namespaces TENANT" 0 '^arc-system/commands$' "$P" -u "$A" namespaces arc-system
check_cmd "topics TENANT/NAMESPACE shows partition counts" 0 '^persistent://arc-system/events/agent-events 4 partitions$' "$P" -u "$A" topics arc-system/events
run "$P" -u "$A" topics arc-system/audit --json
is "$(printf '%s' "$OUT" | jq -c '.topics')" '[{"name":"persistent://arc-system/audit/audit-log","partitions":2}]' "topics --json"
check_cmd "namespaces of a missing tenant -> 1 with the reason" 1 'HTTP 404: Tenant not found' "$P" -u "$A" namespaces nobody

# ---- apply: what is there already ----------------------------------------------------------
# B: agent-events exists as a NON-partitioned topic; agent-commands with 2 partitions;
# audit-log with 8 (more than declared).
sa "$B" PUT /_standin/topic/arc-system/events/agent-events
sa "$B" PUT /admin/v2/namespaces/arc-system/commands '{}'
sa "$B" PUT /admin/v2/namespaces/arc-system/audit '{}'
sa "$B" PUT /admin/v2/persistent/arc-system/commands/agent-commands/partitions 2
sa "$B" PUT /admin/v2/persistent/arc-system/audit/audit-log/partitions 8
check_cmd "a non-partitioned topic of a declared name -> 1" 1 'FAIL apply .*topic persistent://arc-system/events/agent-events: conflict: partitions non-partitioned -> partitioned \(exists as a non-partitioned topic' "$P" -u "$B" apply "$SPEC"
like "$OUT" 'topic persistent://arc-system/commands/agent-commands: updated: partitions raised from 2 to 4' "a lower partition count is raised"
is "$(partitions_of "$B" arc-system/commands/agent-commands)" 4 "... the broker now has 4 partitions"
like "$OUT" 'topic persistent://arc-system/audit/audit-log: conflict: partitions 8 -> 2 \(partitions cannot be lowered' "more partitions than declared is a conflict, named"
is "$(partitions_of "$B" arc-system/audit/audit-log)/$(partitions_of "$B" arc-system/events/agent-events)" "8/0" "... nothing was lowered or replaced"
check_cmd "another tenant with roles and clusters -> created" 0 'tenant arc-extra: created: allowed clusters standalone' "$P" -u "$B" apply "$FIX/extra-tenant.json"
is "$(sa "$B" GET /admin/v2/tenants/arc-extra | jq -c .)" '{"adminRoles":["arc-admin"],"allowedClusters":["standalone"]}' "... with the declared roles and clusters"
is "$(partitions_of "$B" arc-extra/jobs/queue)" 3 "... and its topic"
sa "$A" POST /_standin/reset-stats
check_cmd "declaring fewer partitions than the broker has -> 1" 1 'agent-events: conflict: partitions 4 -> 2' "$P" -u "$A" apply "$FIX/lower.json"
is "$(stat_of "$A" writes)" 0 "... without any write"
check_cmd "declaring more partitions on a good broker -> updated" 0 'agent-events: updated: partitions raised from 4 to 6' "$P" -u "$A" apply "$FIX/raise.json"

# ---- token ----------------------------------------------------------------------------------
TOKEN='tok-Secret-42'
printf '%s\n' "$TOKEN" >"$TEST_TMP/token"
check_cmd "token required, none given -> 1 naming authentication" 1 'authentication required \(HTTP 401\)' "$P" -u "$T"
check_cmd "apply without the token -> 1 naming authentication" 1 'authentication required' "$P" -u "$T" apply "$SPEC"
check_cmd "a wrong token -> 1" 1 'rejected the token \(HTTP 401\)' "$P" -u "$T" --token wrong-token
check_cmd "--token-file -> 0" 0 'OK apply .*7 created' "$P" -u "$T" --token-file "$TEST_TMP/token" apply "$SPEC"
PULSAR_AUTH_TOKEN=$TOKEN check_cmd "PULSAR_AUTH_TOKEN -> 0" 0 'OK health' "$P" -u "$T"
seen=""
for args in "health" "--json health" "--json apply $SPEC" "apply $FIX/lower.json" "tenants --json" "topics arc-system/events"; do
    # shellcheck disable=SC2086 # word splitting of the argument sets is wanted
    run "$P" -u "$T" --token "$TOKEN" $args
    case "$ALL" in *"$TOKEN"*) seen="$seen [$args]" ;; esac
    # shellcheck disable=SC2086
    PULSAR_AUTH_TOKEN=$TOKEN run "$P" -u "$A" $args
    case "$ALL" in *"$TOKEN"*) seen="$seen [env: $args]" ;; esac
done
is "$seen" "" "the token never appears in any output (ok, failing, --json)"
sa "$T" POST /_standin/config '{"garbage":true}'
run "$P" -u "$T" --token "$TOKEN" --json tenants
unlike "$ALL" "$TOKEN" "... nor with a garbage reply"
sa "$T" POST /_standin/config '{"garbage":false}'

# ---- bad input files --------------------------------------------------------------------------
check_cmd "malformed FILE -> 65 naming line and column" 65 'malformed\.json: line 3, column 39: ' "$P" -u "$A" apply "$FIX/malformed.json"
check_cmd "unknown key -> 65 naming it and its place" 65 "unknown-key\.json: line 4, column 46: topics\[0\]: unknown or repeated key 'partitons'" "$P" -u "$A" apply "$FIX/unknown-key.json"
check_cmd "bad value -> 65 naming the field" 65 'bad-partitions\.json: line 4, column 60: topics\[0\]\.partitions: must be an integer' "$P" -u "$A" apply "$FIX/bad-partitions.json"
check_cmd "undeclared namespace -> 65" 65 "namespace 'metrics' is not declared" "$P" -u "$A" apply "$FIX/undeclared-namespace.json"
check_cmd "missing FILE -> 65" 65 'nope\.json: No such file' "$P" -u "$A" apply "$TEST_TMP/nope.json"

# ---- broken replies ----------------------------------------------------------------------------
sa "$A" POST /_standin/config '{"garbage":true}'
check_cmd "garbage JSON reply -> 1 with a clear message" 1 'GET /admin/v2/tenants: reply is not valid JSON \(line 1, column 1' "$P" -u "$A" apply "$SPEC"
check_cmd "garbage JSON reply to a listing -> 1" 1 'reply is not valid JSON' "$P" -u "$A" topics arc-system/events
sa "$A" POST /_standin/config '{"garbage":false,"fail_writes":true}'
check_cmd "a text/plain 500 on a write -> 1, shown as its message" 1 'PUT /admin/v2/tenants/arc-extra: HTTP 500: Failed to write to the metadata store' "$P" -u "$A" apply "$FIX/extra-tenant.json"
unlike "$ALL" 'Stacktrace|MetadataStoreException:|[[:space:]]at org\.' "... without the stack trace"
sa "$A" POST /_standin/config '{"fail_writes":false}'

# ---- memory (release build only: valgrind and ASan do not mix) ---------------------------------
case "$ARC_BIN" in
*-asan*)
    skip "valgrind: not with the ASan build (the sanitizers check it)"
    skip "valgrind: not with the ASan build (the sanitizers check it)"
    skip "valgrind: not with the ASan build (the sanitizers check it)"
    ;;
*)
    valgrind_clean "healthy apply with --json" 0 "$P" -u "$B" --json apply "$FIX/extra-tenant.json"
    valgrind_clean "failing apply (conflicts) and a token" 1 "$P" -u "$T" --token "$TOKEN" apply "$FIX/lower.json"
    valgrind_clean "health against a silent listener" 1 "$P" -u "http://127.0.0.1:$HANG_PORT" --timeout 0.5
    ;;
esac

done_testing
