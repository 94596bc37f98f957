#!/usr/bin/env bash
# `make plan` (mk/plan.mk, mk/scripts/plan.sh) against real nats-server -js and PostgreSQL,
# and the Pulsar admin-REST STAND-IN (tests/standin/pulsar — NOT Apache Pulsar, which
# cannot be installed here). The kit is pointed at the test servers the way a user points it
# at a runtime's services: ARC_RUNTIME=native and the port variables (ARC_FLASH_PORT,
# ARC_ORACLE_PORT, ...), PULSAR_ADMIN_URL for the stand-in (natively strange runs only
# with PULSAR_HOME).
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/kit-lib.sh
. "$(dirname "$0")/kit-lib.sh"
for p in natsprobe pulsaradm pgcheck svcmeta; do need_probe "$p"; done
need_cmd jq curl make
# shellcheck disable=SC2119
start_nats
start_pulsar_standin SA
start_pg
psql_pg "CREATE DATABASE arc" >/dev/null
for f in "$ARC_ROOT"/services/sql/init/*.sql; do PG_DB=arc psql_pg "$(cat "$f")" >/dev/null 2>&1; done
start_hang

unset NATS_URL DATABASE_URL PGPASSWORD PULSAR_ADMIN_URL PULSAR_AUTH_TOKEN PGHOST PGPORT PGUSER \
    PLAN_JSON PLAN_TIMEOUT PULSAR_HOME http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
export ARC_RUNTIME=native ARC_STATE_DIR=$TEST_TMP/state
export ARC_FLASH_PORT=$NATS_PORT ARC_FLASH_MONITOR_PORT=$NATS_MON_PORT ARC_ORACLE_PORT=$PG_PORT
export ARC_ORACLE_USER=postgres ARC_ORACLE_DB=arc ARC_ORACLE_PASSWORD=$PG_PASSWORD
ARC_STRANGE_ADMIN_PORT=${SA##*:} ARC_STRANGE_PORT=$(free_port) ARC_SONIC_PORT=$(free_port)
export ARC_STRANGE_ADMIN_PORT ARC_STRANGE_PORT ARC_SONIC_PORT
PLAN=(make -C "$ARC_ROOT" --no-print-directory -s plan "ARC_BIN=$ARC_BIN")
# make itself exits 2 whenever a recipe fails, so an error (1) is told apart from changes
# pending (2) by the script's own status (and by the verdict line and PLAN_JSON's "exit").
SCRIPT=("$ARC_ROOT/mk/scripts/plan.sh")

# pending OUT: the plan's lines that are not "unchanged", "KIND NAME: WORD" sorted.
pending() {
    sed -nE 's/^([a-z]+ [^ ]+): (create|update|conflict|missing)(:.*)?$/\1: \2/p' <<<"$1" | sort
}
# js_req SUBJECT: one JetStream API request over a raw NATS connection ("by hand").
js_req() {
    local line
    exec 5<>"/dev/tcp/127.0.0.1/$NATS_PORT"
    read -r -t 5 line <&5
    printf 'CONNECT {"verbose":false}\r\nSUB _BYHAND.r 1\r\nPUB %s _BYHAND.r 0\r\n\r\n' "$1" >&5
    while read -r -t 5 line <&5; do case "$line" in MSG*) read -r -t 5 line <&5; break ;; esac; done
    exec 5>&-
}
sa() { curl -sS -X "$1" ${3:+-H 'Content-Type: application/json' -d "$3"} "$SA$2"; }
servers() { # what the three servers hold, to show a plan changed nothing
    curl -sf "http://127.0.0.1:$NATS_MON_PORT/jsz?streams=true&config=true&consumers=true" |
        jq -cS '[.account_details[]?.stream_detail[]? | {name, created, config, c: [.consumer_detail[]? | .name]}] | sort_by(.name)'
    sa GET /_standin/stats | jq .writes
    PG_DB=arc psql_pg "SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY 1)
        FROM information_schema.columns WHERE table_schema = 'arc'"
}

note "--- a fresh platform: everything to create on NATS and Pulsar, the schema in place"
export PULSAR_ADMIN_URL=$SA
run "${PLAN[@]}"
is "$RC" 2 "make plan before any apply: exit 2 (changes pending)"
like "$OUT" "plan: nats 4 to change \(4 create\)" "summary: nats, 3 streams and the consumer to create"
like "$OUT" "plan: pulsar 15 to change \(7 create, 8 update\)" "summary: pulsar, tenant, namespaces, policies, topics"
like "$OUT" "plan: sql 0 to change" "summary: sql in sync"
like "$OUT" "changes pending \(exit 2\)" "the verdict says so"

note "--- applied: in sync"
"$ARC_BIN/natsprobe" --server "nats://127.0.0.1:$NATS_PORT" -q streams apply "$ARC_ROOT/services/messaging/streams.json"
"$ARC_BIN/pulsaradm" -u "$SA" -q apply "$ARC_ROOT/services/streaming/pulsar.json"
check_cmd "make plan on a freshly applied platform: 0" 0 "plan: in sync \(exit 0\)" "${PLAN[@]}"
is "$(pending "$OUT")" "" "... no line to change"
like "$OUT" "consumer AGENT_JOBS/workers: unchanged" "... the consumer listed"
like "$OUT" "policy arc-system/events/retention: unchanged" "... the namespace policies listed"
like "$OUT" "column arc.agents.created_at: unchanged" "... the SQL columns listed"

note "--- changed by hand: exactly those items, the servers unchanged by the plan"
js_req "\$JS.API.STREAM.DELETE.CORE_LIFECYCLE"
js_req "\$JS.API.CONSUMER.DELETE.AGENT_JOBS.workers"
sa DELETE /admin/v2/persistent/arc-system/events/agent-events/partitions
sa POST /admin/v2/namespaces/arc-system/audit/retention '{"retentionTimeInMinutes":60,"retentionSizeInMB":10}'
PG_DB=arc psql_pg "ALTER TABLE arc.memories DROP COLUMN content" >/dev/null
sa POST /_standin/reset-stats
before=$(servers)
check_cmd "make plan after the hand edits: 2" 2 "changes pending \(exit 2\)" "${PLAN[@]}"
is "$(pending "$OUT")" "$(printf '%s\n' 'column arc.memories.content: missing' 'consumer AGENT_JOBS/workers: create' \
    'policy arc-system/audit/retention: update' 'stream CORE_LIFECYCLE: create' \
    'topic persistent://arc-system/events/agent-events: create')" "... naming exactly those items"
like "$OUT" "policy arc-system/audit/retention: update: 60 min, 10 MB -> 43200 min, 4096 MB" "... a policy old -> new"
is "$(servers)" "$before" "... and every server is unchanged (streams, writes to the stand-in, columns)"

run env PLAN_JSON=1 "${PLAN[@]}"
is "$RC" 2 "PLAN_JSON=1: exit 2"
is "$(jq -r '[.exit, .in_sync, .nats.pending, .pulsar.pending, .sql.pending] | @tsv' <<<"$OUT")" \
    $'2\tfalse\t2\t2\t1' "PLAN_JSON=1: one JSON object with each engine's plan"
run make -C "$ARC_ROOT" --no-print-directory -s plan-json "ARC_BIN=$ARC_BIN"
is "$RC/$(jq -r .exit <<<"$OUT")" "2/2" "make plan-json: the same"

"$ARC_BIN/natsprobe" --server "nats://127.0.0.1:$NATS_PORT" -q streams apply "$ARC_ROOT/services/messaging/streams.json"
"$ARC_BIN/pulsaradm" -u "$SA" -q apply "$ARC_ROOT/services/streaming/pulsar.json"
PG_DB=arc psql_pg "ALTER TABLE arc.memories ADD COLUMN content text" >/dev/null
check_cmd "apply, then make plan: 0" 0 "plan: in sync" "${PLAN[@]}"

note "--- conflicts are named, never recreated"
sa POST /admin/v2/persistent/arc-system/audit/audit-log/partitions 3
PG_DB=arc psql_pg "ALTER TABLE arc.agents ALTER COLUMN kind TYPE varchar(20)" >/dev/null
check_cmd "a conflict on two engines: 2" 2 "plan: pulsar 1 to change \(1 conflict, 14 unchanged\)" "${PLAN[@]}"
like "$OUT" "topic persistent://arc-system/audit/audit-log: conflict: partitions 3 -> 2" "... fewer partitions named"
like "$OUT" "column arc.agents.kind: conflict: type character varying\(20\) -> text" "... the column type named"
PG_DB=arc psql_pg "ALTER TABLE arc.agents ALTER COLUMN kind TYPE text" >/dev/null

note "--- natively without Pulsar: the pulsar plan is skipped, saying why"
unset PULSAR_ADMIN_URL
run "${PLAN[@]}"
like "$OUT" "plan: pulsar skipped \(strange not started: PULSAR_HOME is not set" "pulsar skipped with the runtime's reason"
is "$RC" 0 "... and the other two plans decide the exit (0)"
run env PLAN_JSON=1 "${PLAN[@]}"
like "$(jq -r .pulsar.skipped <<<"$OUT")" "^strange not started" "PLAN_JSON=1: pulsar.skipped says why"

note "--- errors, and the three plans run at once"
run env ARC_FLASH_PORT="$(dead_port)" "${SCRIPT[@]}"
is "$RC" 1 "NATS down: plan.sh exits 1"
like "$OUT" "plan: nats ERROR" "... naming the engine"
like "$OUT" "plan: sql 0 to change" "... the other plans still shown"
run env ARC_FLASH_PORT="$(dead_port)" "${PLAN[@]}"
is "$RC" 2 "make plan: make's own failure status (2) ..."
like "$OUT" "plan: error \(exit 1\)" "... and the verdict says error"
run env ARC_FLASH_PORT="$(dead_port)" PLAN_JSON=1 "${PLAN[@]}"
is "$(jq -r '[.exit, .nats.ok] | @tsv' <<<"$OUT")" $'1\tfalse' "PLAN_JSON=1: \"exit\": 1 for CI"
run env ARC_FLASH_PORT="$HANG_PORT" PULSAR_ADMIN_URL="http://127.0.0.1:$HANG_PORT" PLAN_TIMEOUT=2 "${SCRIPT[@]}"
is "$RC" 1 "two servers that never answer: exit 1"
within 3.8 "... within one PLAN_TIMEOUT, not two (the plans run in parallel)"
check_cmd "a bad PLAN_TIMEOUT: 1 naming it" 1 "PLAN_TIMEOUT must be seconds" env PLAN_TIMEOUT=soon "${SCRIPT[@]}"

done_testing
