#!/usr/bin/env bash
# natsprobe publish and mk/scripts/events.sh against a real nats-server -js on a free
# loopback port with the kit's CORE_LIFECYCLE stream: the envelope (CloudEvents field
# names) from flags and from stdin, the JetStream ack checked, events read back from the
# stream (tests/cortex/lifecycle_read.py); no stream, no server, a hanging server.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_cmd nats-server jq python3
need_probe natsprobe
NP="$ARC_BIN/natsprobe"
unset NATS_URL NATS_TOKEN NATS_USER NATS_PASSWORD NATS_CREDS
# shellcheck disable=SC2119 # a default server, no extra options
start_nats
URL="nats://127.0.0.1:$NATS_PORT"
jq '{streams: [.streams[] | select(.name == "CORE_LIFECYCLE")]}' \
    "$ARC_ROOT/services/messaging/streams.json" >"$TEST_TMP/streams.json"
is "$(jq -r '.streams[0].subjects | join(",")' "$TEST_TMP/streams.json")" "core.lifecycle.>" \
    "CORE_LIFECYCLE stores core.lifecycle.>"
check_cmd "no stream yet: publish fails (no ack)" 1 "no stream stores" \
    "$NP" -t 3 --server "$URL" publish core.lifecycle.flash.started --type arc.lifecycle.started
check_cmd "streams apply" 0 "" "$NP" --server "$URL" streams apply "$TEST_TMP/streams.json"
events() { python3 "$ARC_ROOT/tests/cortex/lifecycle_read.py" "127.0.0.1:$NATS_PORT"; }

check_cmd "publish from flags: ack from CORE_LIFECYCLE" 0 "stream CORE_LIFECYCLE, seq 1" \
    "$NP" --server "$URL" publish core.lifecycle.flash.started --type arc.lifecycle.started \
    --about flash --data '{"runtime":"native"}'
run "$NP" --json --server "$URL" publish core.lifecycle.sonic.stopping --type arc.lifecycle.stopping --about sonic
is "$RC" 0 "publish --json"
is "$(jq -r '.stream + " " + (.seq|tostring)' <<<"$OUT")" "CORE_LIFECYCLE 2" "--json names the stream and seq"
EV=$(events)
E=$(head -1 <<<"$EV")
is "$(jq -r .subject <<<"$E")" core.lifecycle.flash.started "read back: the subject"
is "$(jq -r '.event | [.specversion, .source, .type, .subject, .datacontenttype] | join(" ")' <<<"$E")" \
    "1.0 arc-kit arc.lifecycle.started flash application/json" "read back: the envelope's fields"
like "$(jq -r .event.id <<<"$E")" '^[0-9a-f]{32}$' "id: 128 random bits in hex"
like "$(jq -r .event.time <<<"$E")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' \
    "time: RFC 3339 UTC"
is "$(jq -c .event.data <<<"$E")" '{"runtime":"native"}' "data as given"

ENV='{"specversion":"1.0","id":"e-1","source":"arc-test","type":"arc.lifecycle.healthy","subject":"oracle","data":{}}'
printf '%s' "$ENV" >"$TEST_TMP/ev.json"
run bash -c "'$NP' --server '$URL' publish core.lifecycle.oracle.healthy <'$TEST_TMP/ev.json'"
is "$RC" 0 "the envelope from stdin"
run bash -c "'$NP' --server '$URL' publish core.lifecycle.oracle.healthy <'$TEST_TMP/ev.json'"
like "$OUT" "duplicate" "the same id again: JetStream de-duplicates it (Nats-Msg-Id)"
is "$(events | jq -s 'map(select(.subject == "core.lifecycle.oracle.healthy")) | length')" 1 \
    "stored once"
run bash -c "echo '[1]' | '$NP' --server '$URL' publish core.lifecycle.x.y"
is "$RC" 65 "stdin not an object: 65"
run bash -c "echo '{\"id\":\"1\"}' | '$NP' --server '$URL' publish core.lifecycle.x.y"
is "$RC" 65 "an envelope without specversion/source/type: 65"
like "$ERR" 'specversion' "names the missing field"
head -c 300000 /dev/zero | tr '\0' ' ' >"$TEST_TMP/big"
run bash -c "'$NP' --server '$URL' publish core.lifecycle.x.y <'$TEST_TMP/big'"
is "$RC" 65 "an envelope over 256 KiB: 65 (stdin read bounded)"
check_cmd "a wildcard subject: 64" 64 "without wildcards" "$NP" publish 'core.lifecycle.>'
check_cmd "--about without --type: 64" 64 "need --type" "$NP" publish core.lifecycle.a.b --about x
check_cmd "a subject no stream stores: 1" 1 "no stream stores 'other.subject'" \
    "$NP" -t 3 --server "$URL" publish other.subject --type t
check_cmd "no server: 1" 1 "cannot connect" \
    "$NP" -t 2 --server "nats://127.0.0.1:$(dead_port)" publish core.lifecycle.a.b --type t
start_hang
check_cmd "a server that never answers: 1 within --timeout" 1 "" \
    "$NP" -t 1 --server "nats://127.0.0.1:$HANG_PORT" publish core.lifecycle.a.b --type t
within 3 "bounded by --timeout"

# ---- mk/scripts/events.sh -----------------------------------------------------------
run env NATS_URL="$URL" ARC_BIN="$ARC_BIN" ARC_RUNTIME=native "$ARC_ROOT/mk/scripts/events.sh" started flash sonic oracle
is "$RC" 0 "events.sh started flash sonic oracle"
is "$(events | jq -r 'select(.event.type == "arc.lifecycle.started" and .event.source == "arc-kit") | .event.subject' | sort | tr '\n' ' ')" \
    "flash flash oracle sonic " "one started event per service, read back"
is "$(events | jq -r 'select(.subject == "core.lifecycle.sonic.started") | .event.data.runtime')" native \
    "data names the runtime"
run env NATS_URL="nats://127.0.0.1:$(dead_port)" ARC_BIN="$ARC_BIN" "$ARC_ROOT/mk/scripts/events.sh" stopped flash
is "$RC" 0 "events.sh with flash down: exit 0 (never fails make)"
is "$(wc -l <<<"$ERR" | tr -d ' ')" 1 "one note line"
like "$ERR" "flash is not running" "the note says why"
run env NATS_URL="$URL" ARC_BIN="$ARC_BIN" "$ARC_ROOT/mk/scripts/events.sh" 'bad event' flash
is "$RC" 0 "a bad event name: exit 0 with a note"
valgrind_clean "publish" 0 "$NP" -q --server "$URL" publish core.lifecycle.v.started --type t
done_testing
