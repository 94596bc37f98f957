#!/usr/bin/env bash
# The three plans on real servers: `natsprobe streams apply --dry-run` (nats-server -js),
# `pulsaradm apply --dry-run` (the Pulsar admin-REST STAND-IN, tests/standin/pulsar:
# NOT Apache Pulsar, which cannot be installed here) and `pgcheck schema --plan`
# (PostgreSQL). Each: exit 0 in sync, 2 changes pending, 1 error; one line per item;
# the servers unchanged by a plan; a change that cannot be made in place is a
# conflict that names the field and is never "fixed" by deleting and recreating.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/../lib/tap.sh"

need_cmd nats-server curl jq python3
need_probe natsprobe
need_probe pulsaradm
need_probe pgcheck
NP="$ARC_BIN/natsprobe" PA="$ARC_BIN/pulsaradm" PG="$ARC_BIN/pgcheck"
STREAMS="$ARC_ROOT/services/messaging/streams.json"
PULSAR="$ARC_ROOT/services/streaming/pulsar.json"
SCHEMA="$ARC_ROOT/services/sql/schema.json"
unset NATS_URL NATS_TOKEN NATS_USER NATS_PASSWORD NATS_CREDS PULSAR_ADMIN_URL PULSAR_AUTH_TOKEN
unset DATABASE_URL PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD http_proxy https_proxy HTTP_PROXY HTTPS_PROXY

# shellcheck disable=SC2119
start_nats
start_pulsar_standin SA
start_pg
JS=("$NP" --server "nats://127.0.0.1:$NATS_PORT")
PULSARADM=("$PA" -u "$SA")

# pending OUT: the plan's lines that are not "unchanged", "KIND NAME: WORD" sorted, one per line.
pending() {
    sed -nE 's/^([a-z]+ [^ ]+): (create|update|conflict|missing)(:.*)?$/\1: \2/p' <<<"$1" | sort
}
# js_req SUBJECT [BODY]: one JetStream API request over a raw NATS connection
# ("by hand", as the nats CLI would), printing the reply.
js_req() {
    local body=${2:-} line
    exec 5<>"/dev/tcp/127.0.0.1/$NATS_PORT"
    read -r -t 5 line <&5 # INFO
    printf 'CONNECT {"verbose":false,"pedantic":false}\r\nSUB _BYHAND.r 1\r\nPUB %s _BYHAND.r %d\r\n%s\r\n' \
        "$1" "${#body}" "$body" >&5
    while read -r -t 5 line <&5; do
        case "$line" in
        MSG*) read -r -t 5 line <&5; printf '%s\n' "${line%$'\r'}"; break ;;
        PING*) printf 'PONG\r\n' >&5 ;;
        esac
    done
    exec 5>&-
}
# The server's streams and consumers as they are (configs and creation times).
nats_state() {
    curl -sf "http://127.0.0.1:$NATS_MON_PORT/jsz?streams=true&config=true&consumers=true" |
        jq -cS '[.account_details[]?.stream_detail[]? | {name, created, config,
                  consumers: [.consumer_detail[]? | {name, created, config}]}] | sort_by(.name)'
}
sa() { curl -sS -X "$2" ${4:+-H 'Content-Type: application/json' -d "$4"} "$1$3"; }
writes_of() { sa "$1" GET /_standin/stats | jq -r .writes; }

note "--- JetStream: streams and the workers' durable consumer"
check_cmd "plan on an empty server: 2, everything to create" 2 \
    "dry run, 3 streams and 1 consumer: 4 to create" "${JS[@]}" streams apply --dry-run "$STREAMS"
is "$(pending "$OUT")" "$(printf '%s\n' 'consumer AGENT_JOBS/workers: create' 'stream AGENT_EVENTS: create' \
    'stream AGENT_JOBS: create' 'stream CORE_LIFECYCLE: create')" "... one line per stream and consumer"
is "$(nats_state)" "[]" "... and the server still has nothing"
check_cmd "apply" 0 "3 streams and 1 consumer: 4 created" "${JS[@]}" streams apply "$STREAMS"
is "$(curl -sf "http://127.0.0.1:$NATS_MON_PORT/jsz?consumers=true&config=true" |
    jq -r '.account_details[].stream_detail[] | select(.name == "AGENT_JOBS") | .consumer_detail[0]
    | [.name, .config.ack_policy, .config.max_deliver, .config.ack_wait, .config.filter_subject] | @tsv')" \
    $'workers\texplicit\t5\t300000000000\tagent.jobs.>' "the server has the durable pull consumer as declared"
check_cmd "plan after apply: 0, in sync" 0 "0 to create, 0 to update, 4 unchanged, 0 conflicts" \
    "${JS[@]}" streams apply --dry-run "$STREAMS"
is "$(pending "$OUT")" "" "... every item unchanged"
run "${JS[@]}" streams apply --dry-run "$STREAMS" --json
is "$RC $(jq -r '[.pending, (.streams | length), (.consumers | length), .consumers[0].plan] | @tsv' <<<"$OUT")" \
    $'0 0\t3\t1\tunchanged' "--json: pending, streams and consumers with their plan"

before=$(nats_state)
info=$(js_req "\$JS.API.STREAM.INFO.AGENT_EVENTS")
js_req "\$JS.API.STREAM.UPDATE.AGENT_EVENTS" "$(jq -c '.config | .max_age = 3600000000000' <<<"$info")" >/dev/null
js_req "\$JS.API.STREAM.DELETE.CORE_LIFECYCLE" >/dev/null
js_req "\$JS.API.CONSUMER.DELETE.AGENT_JOBS.workers" >/dev/null
edited=$(nats_state)
isnt "$edited" "$before" "by hand: AGENT_EVENTS edited, CORE_LIFECYCLE and the consumer deleted"
check_cmd "plan after the hand edits: 2" 2 "1 to create|2 to create" "${JS[@]}" streams apply --dry-run "$STREAMS"
is "$(pending "$OUT")" "$(printf '%s\n' 'consumer AGENT_JOBS/workers: create' 'stream AGENT_EVENTS: update' \
    'stream CORE_LIFECYCLE: create')" "... naming exactly those items"
like "$OUT" "stream AGENT_EVENTS: update: max_age 1h -> 7d" "... the edited field, old -> new"
is "$(nats_state)" "$edited" "... and the server is unchanged by the plan"
check_cmd "apply puts it back" 0 "1 created|2 created" "${JS[@]}" streams apply "$STREAMS"
check_cmd "plan: 0 again" 0 "4 unchanged" "${JS[@]}" streams apply --dry-run "$STREAMS"

note "--- JetStream conflicts: named, never recreated"
synced=$(nats_state)
jq '(.streams[] | select(.name == "AGENT_EVENTS") | .storage) = "memory"
  | (.streams[] | select(.name == "AGENT_JOBS") | .retention) = "limits"
  | (.streams[] | select(.name == "AGENT_JOBS") | .consumers[0].ack_policy) = "all"
  | (.streams[] | select(.name == "AGENT_JOBS") | .consumers[0].max_deliver) = 9' \
    "$STREAMS" >"$TEST_TMP/conflicts.json"
check_cmd "plan: conflicts are pending changes (2)" 2 "3 conflicts" "${JS[@]}" streams apply --dry-run "$TEST_TMP/conflicts.json"
like "$OUT" "stream AGENT_EVENTS: conflict: storage file -> memory \(cannot change on an existing stream; not recreated\)" \
    "... storage named"
like "$OUT" "stream AGENT_JOBS: conflict: retention workqueue -> limits" "... retention named"
like "$OUT" "consumer AGENT_JOBS/workers: conflict: ack_policy explicit -> all" "... a consumer's ack_policy named"
check_cmd "apply refuses: 1, nothing applied" 1 "storage cannot change on an existing stream.*nothing applied" \
    "${JS[@]}" streams apply "$TEST_TMP/conflicts.json"
is "$(nats_state)" "$synced" "... no stream or consumer was deleted, recreated or changed"
jq '(.streams[] | select(.name == "AGENT_JOBS") | .consumers[0].max_deliver) = 9' "$STREAMS" >"$TEST_TMP/deliver.json"
check_cmd "a consumer field that can change: update" 2 "consumer AGENT_JOBS/workers: update: max_deliver 5 -> 9" \
    "${JS[@]}" streams apply --dry-run "$TEST_TMP/deliver.json"
check_cmd "... applied in place" 0 "consumer AGENT_JOBS/workers: updated: max_deliver 5 -> 9" \
    "${JS[@]}" streams apply "$TEST_TMP/deliver.json"
is "$(nats_state | jq -r '.[] | select(.name == "AGENT_JOBS") | .consumers[0].created')" \
    "$(jq -r '.[] | select(.name == "AGENT_JOBS") | .consumers[0].created' <<<"$synced")" \
    "... the same consumer (its creation time unchanged)"
check_cmd "plan error: no server -> 1" 1 "FAIL streams apply" \
    "$NP" --server "nats://127.0.0.1:$(dead_port)" --timeout 2 streams apply --dry-run "$STREAMS"
check_cmd "consumer with an unknown field: 65" 65 'consumer "w", field "ack_wiat": unknown field' \
    "${JS[@]}" streams apply --dry-run "$ARC_ROOT/tests/fixtures/natsprobe/bad-consumer.json"

note "--- Pulsar (the STAND-IN): tenant, namespaces with policies, partitioned topics"
check_cmd "plan on an empty broker: 2" 2 "dry run, .*7 to create, 8 to update" "${PULSARADM[@]}" apply --dry-run "$PULSAR"
is "$(writes_of "$SA")" 0 "... no write reached the stand-in"
check_cmd "apply" 0 "7 created, 0 exists, 8 updated" "${PULSARADM[@]}" apply "$PULSAR"
is "$(sa "$SA" GET /admin/v2/namespaces/arc-system/events | jq -c '[.retention_policies, .message_ttl_in_seconds,
    .backlog_quota_map.destination_storage.limitSize]')" '[{"retentionTimeInMinutes":10080,"retentionSizeInMB":1024},604800,536870912]' \
    "the namespace holds the declared policies"
is "$(sa "$SA" GET /admin/v2/namespaces/arc-system/commands/deduplication)" true "deduplication on where declared"
check_cmd "plan after apply: 0" 0 "0 to create, 0 to update, 15 unchanged, 0 conflict" "${PULSARADM[@]}" apply --dry-run "$PULSAR"
sa "$SA" DELETE /admin/v2/persistent/arc-system/audit/audit-log/partitions
sa "$SA" POST /admin/v2/namespaces/arc-system/events/messageTTL 60
sa "$SA" DELETE /admin/v2/namespaces/arc-system/commands/deduplication
sa "$SA" POST /_standin/reset-stats
check_cmd "plan after a topic deletion and policy changes: 2" 2 "1 to create, 2 to update" \
    "${PULSARADM[@]}" apply --dry-run "$PULSAR"
is "$(pending "$OUT")" "$(printf '%s\n' 'policy arc-system/commands/deduplication: update' \
    'policy arc-system/events/messageTTL: update' 'topic persistent://arc-system/audit/audit-log: create')" \
    "... naming exactly those items"
like "$OUT" "policy arc-system/events/messageTTL: update: 60 s -> 604800 s" "... old -> new"
is "$(writes_of "$SA")" 0 "... and the broker is unchanged (no write)"
run "${PULSARADM[@]}" apply --dry-run "$PULSAR" --json
is "$RC $(jq -r '[.dry_run, .pending, .writes, ([.items[] | select(.plan != "unchanged")] | length)] | @tsv' <<<"$OUT")" \
    $'2 true\t3\t0\t3' "--json: dry_run, pending, each item's plan"
check_cmd "apply" 0 "1 created, 12 exists, 2 updated" "${PULSARADM[@]}" apply "$PULSAR"
check_cmd "plan: 0 again" 0 "15 unchanged" "${PULSARADM[@]}" apply --dry-run "$PULSAR"
jq '.topics[0].partitions = 2' "$PULSAR" >"$TEST_TMP/fewer.json"
check_cmd "fewer partitions: a conflict (2)" 2 "topic persistent://arc-system/events/agent-events: conflict: partitions 4 -> 2 \(partitions cannot be lowered; not recreated\)" \
    "${PULSARADM[@]}" apply --dry-run "$TEST_TMP/fewer.json"
sa "$SA" POST /_standin/reset-stats
check_cmd "... apply refuses it (1)" 1 "conflict: partitions 4 -> 2" "${PULSARADM[@]}" apply "$TEST_TMP/fewer.json"
is "$(writes_of "$SA")/$(sa "$SA" GET /admin/v2/persistent/arc-system/events/agent-events/partitions | jq .partitions)" \
    "0/4" "... nothing deleted or recreated: no write, still 4 partitions"
check_cmd "plan error: broker down -> 1" 1 "FAIL apply" "$PA" -u "http://127.0.0.1:$(dead_port)" --timeout 2 apply --dry-run "$PULSAR"
check_cmd "a bad policy: 65 naming it" 65 "messageTTL: must be seconds" "$PA" -u "$SA" apply --dry-run \
    "$ARC_ROOT/tests/fixtures/pulsaradm/bad-policy.json"
check_cmd "--dry-run without apply: 64" 64 "dry-run" "$PA" -u "$SA" --dry-run health

note "--- PostgreSQL: the declared schema"
psql_pg "CREATE DATABASE arc" >/dev/null
DSN="postgresql://postgres@127.0.0.1:$PG_PORT/arc"
export PGPASSWORD=$PG_PASSWORD
check_cmd "plan on an empty database: 2, the schema and tables missing" 2 "4 missing" \
    "$PG" --dsn "$DSN" schema --plan "$SCHEMA"
is "$(pending "$OUT")" "$(printf '%s\n' 'schema arc: missing' 'table arc.agents: missing' 'table arc.memories: missing' \
    'table arc.sessions: missing')" "... naming them"
for f in "$ARC_ROOT"/services/sql/init/*.sql; do PG_DB=arc psql_pg "$(cat "$f")" >/dev/null 2>&1; done
catalog() { PG_DB=arc psql_pg "SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY 1)
    FROM information_schema.columns WHERE table_schema = 'arc'"; }
check_cmd "plan after the init scripts: 0" 0 "0 missing, 0 conflict" "$PG" --dsn "$DSN" schema --plan "$SCHEMA"
like "$OUT" "column arc.agents.created_at: unchanged: timestamp with time zone" "... column types as the server prints them"
PG_DB=arc psql_pg "ALTER TABLE arc.sessions DROP COLUMN ended_at; ALTER TABLE arc.agents ALTER COLUMN kind TYPE varchar(32)" >/dev/null
before=$(catalog)
check_cmd "a dropped column and a changed type: 2" 2 "1 missing, 1 conflict" "$PG" --dsn "$DSN" schema --plan "$SCHEMA"
is "$(pending "$OUT")" "$(printf '%s\n' 'column arc.agents.kind: conflict' 'column arc.sessions.ended_at: missing')" \
    "... naming exactly those"
like "$OUT" "column arc.agents.kind: conflict: type character varying\(32\) -> text \(changing a column's type rewrites the table; not altered, not recreated\)" \
    "... the type conflict names old -> new"
is "$(catalog)" "$before" "... and the database is unchanged"
run "$PG" --dsn "$DSN" schema --plan "$SCHEMA" --json
is "$RC $(jq -r '[.plan, .pending, .conflict, ([.items[] | select(.plan == "conflict")][0].name)] | @tsv' <<<"$OUT")" \
    $'2 true\t2\t1\tarc.agents.kind' "--json: pending, conflict, items"
check_cmd "schema without --plan: 1 naming the type" 1 "column arc.agents.kind: type character varying\(32\), declared text" \
    "$PG" --dsn "$DSN" schema "$SCHEMA"
check_cmd "plan error: no server -> 1" 1 "FAIL schema plan" \
    "$PG" --dsn "postgresql://postgres@127.0.0.1:$(dead_port)/arc" --timeout 2 schema --plan "$SCHEMA"
check_cmd "--plan without schema: 64" 64 "--plan only goes with" "$PG" --dsn "$DSN" --plan

note "--- memory"
valgrind_clean "natsprobe plan" 2 "${JS[@]}" streams apply --dry-run "$TEST_TMP/conflicts.json"
valgrind_clean "pulsaradm plan" 2 "${PULSARADM[@]}" apply --dry-run "$TEST_TMP/fewer.json"
valgrind_clean "pgcheck plan" 2 "$PG" --dsn "$DSN" schema --plan "$SCHEMA"

done_testing
