#!/usr/bin/env bash
# Large and hostile input files: a declaration with tens of thousands of
# entries is read and validated inside --timeout (the clock starts before the
# file is read; validation is O(n log n)); a NUL or another control character
# inside a declared name is a bad input file (65) naming the field.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_cmd perl
for p in pgcheck pulsaradm natsprobe; do need_probe "$p"; done
# The contract holds for the release build; the ASan build (5-10x slower,
# plus its leak check at exit) gets fewer entries so a loaded machine does not
# turn a sanitizer run into a timing test.
case $ARC_BIN in *-asan/*) N=15000 ;; *) N=30000 ;; esac
DEAD=$(dead_port)
start_hang

perl -e 'my $n = shift; print "{\"streams\":[", join(",", map {
    "{\"name\":\"S$_\",\"subjects\":[\"arc.s$_.>\",\"arc.t$_.*\"]}" } 1 .. $n), "]}\n"' "$N" >"$TEST_TMP/streams.json"
perl -e 'my $n = shift; print "{\"tenant\":\"arc-system\",\"namespaces\":[",
    join(",", map { "\"ns$_\"" } 1 .. $n), "],\"topics\":[",
    join(",", map { "{\"name\":\"ns$_/t$_\",\"partitions\":2}" } 1 .. $n), "]}\n"' "$N" >"$TEST_TMP/pulsar.json"
perl -e 'my $n = shift; print "{\"schemas\":[", join(",", map { "\"s$_\"" } 1 .. $n), "],\"tables\":[",
    join(",", map { "{\"name\":\"s$_.t$_\",\"columns\":[\"a\",\"b\"]}" } 1 .. $n), "]}\n"' "$N" >"$TEST_TMP/schema.json"

for target in "dead:127.0.0.1:$DEAD" "hang:127.0.0.1:$HANG_PORT"; do
    what=${target%%:*} hp=${target#*:}
    run "$ARC_BIN/natsprobe" --server "nats://$hp" --timeout 1 streams apply "$TEST_TMP/streams.json"
    is "$RC" 1 "natsprobe: $N streams against a $what server: exit 1"
    within 1.5 "natsprobe: $N streams, $what server: within --timeout + 0.5 s"
    run "$ARC_BIN/pulsaradm" -u "http://$hp" --timeout 1 apply "$TEST_TMP/pulsar.json"
    is "$RC" 1 "pulsaradm: $N namespaces and topics against a $what server: exit 1"
    within 1.5 "pulsaradm: $N namespaces, $what server: within --timeout + 0.5 s"
    run "$ARC_BIN/pgcheck" --dsn "host=${hp%:*} port=${hp##*:} connect_timeout=10" --timeout 1 \
        schema "$TEST_TMP/schema.json"
    is "$RC" 1 "pgcheck: $N schemas and tables against a $what server: exit 1"
    within 1.5 "pgcheck: $N tables, $what server: within --timeout + 0.5 s"
done
# an overlap at the end of a large file is still found, in time
perl -e 'my $n = shift; print "{\"streams\":[", join(",", map {
    "{\"name\":\"S$_\",\"subjects\":[\"arc.s$_.>\"]}" } 1 .. $n), ",{\"name\":\"LAST\",\"subjects\":[\"arc.*.x\"]}]}\n"' "$N" \
    >"$TEST_TMP/overlap.json"
check_cmd "natsprobe: an overlap among $N streams is found" 1 "subjects overlap: stream S1 \(arc\.s1\.>\) and declared stream LAST" \
    "$ARC_BIN/natsprobe" --server "nats://127.0.0.1:$DEAD" --timeout 1 streams apply "$TEST_TMP/overlap.json"
within 1.5 "natsprobe: the overlap check is fast"
perl -e 'my $n = shift; print "{\"streams\":[", join(",", map {
    "{\"name\":\"S$_\",\"subjects\":[\"arc.s$_\"]}" } 1 .. $n), ",{\"name\":\"S7\",\"subjects\":[\"x\"]}]}\n"' "$N" \
    >"$TEST_TMP/twice.json"
check_cmd "natsprobe: a name declared twice among $N is found" 65 "S7.*declared twice" \
    "$ARC_BIN/natsprobe" --timeout 1 streams apply "$TEST_TMP/twice.json"

# ---- control characters in names ---------------------------------------------------------
nul() { printf '%s\n' "$1" >"$TEST_TMP/nul.json"; }
nul '{"streams":[{"name":"ORD\u0000ERS","subjects":["a.>"]}]}'
check_cmd "natsprobe: NUL in a stream name: 65 naming the field" 65 'field "name".*control character' \
    "$ARC_BIN/natsprobe" streams apply "$TEST_TMP/nul.json"
nul '{"streams":[{"name":"ORDERS","subjects":["a.\u0000b"]}]}'
check_cmd "natsprobe: NUL in a subject: 65 naming the field" 65 '"subjects".*control character' \
    "$ARC_BIN/natsprobe" streams apply "$TEST_TMP/nul.json"
nul '{"streams":[{"name":"ORDERS","subjects":["a.\u001bb"]}]}'
check_cmd "natsprobe: ESC in a subject: 65" 65 'control character' \
    "$ARC_BIN/natsprobe" streams apply "$TEST_TMP/nul.json"
nul '{"tenant":"arc\u0000x","namespaces":["ns"]}'
check_cmd "pulsaradm: NUL in the tenant: 65 naming the field" 65 'tenant.*control character' \
    "$ARC_BIN/pulsaradm" -u "http://127.0.0.1:$DEAD" apply "$TEST_TMP/nul.json"
nul '{"tenant":"arc","namespaces":["n\u0000s"]}'
check_cmd "pulsaradm: NUL in a namespace: 65 naming it" 65 'namespaces\[0\].*control character' \
    "$ARC_BIN/pulsaradm" -u "http://127.0.0.1:$DEAD" apply "$TEST_TMP/nul.json"
nul '{"tenant":"arc","namespaces":["ns"],"topics":[{"name":"ns/t\u0000x","partitions":1}]}'
check_cmd "pulsaradm: NUL in a topic: 65 naming it" 65 'topics\[0\].*control character' \
    "$ARC_BIN/pulsaradm" -u "http://127.0.0.1:$DEAD" apply "$TEST_TMP/nul.json"
nul '{"tables":["arc.ag\u0000ents"]}'
check_cmd "pgcheck: NUL in a table name: 65 naming it" 65 'control character' \
    "$ARC_BIN/pgcheck" --dsn "host=127.0.0.1 port=$DEAD" schema "$TEST_TMP/nul.json"
nul '{"extensions":["vec\u0000tor"]}'
check_cmd "pgcheck: NUL in an extension name: 65" 65 'control character' \
    "$ARC_BIN/pgcheck" --dsn "host=127.0.0.1 port=$DEAD" schema "$TEST_TMP/nul.json"
nul '{"schemas":["a\u0007b"]}'
check_cmd "pgcheck: BEL in a schema name: 65" 65 'control character' \
    "$ARC_BIN/pgcheck" --dsn "host=127.0.0.1 port=$DEAD" schema "$TEST_TMP/nul.json"

done_testing
