#!/usr/bin/env bash
# cortex natively: `make up` starts `cortex server` under supervisord and ends with the
# bootstrap table its after_up hook got from the server (POST /api/v1/bootstrap).
# `make bootstrap` against the native runtime: after `make up`, the NATS, Redis and
# PostgreSQL phases are provisioned natively (the Pulsar phase needs Pulsar, which does
# not run here without PULSAR_HOME, so the test asserts nothing about it). Skipped while
# the kit has no `bootstrap` target.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/native-lib.sh
. "$(dirname "$0")/native-lib.sh"
grep -qsE '^bootstrap:' "$ARC_ROOT"/mk/*.mk "$ARC_ROOT"/services/*/*.mk ||
    skip_all "the kit has no 'make bootstrap' target yet"
native_setup
# cortex server on a free port too (native-lib.sh moves the other services)
ARC_CORTEX_PORT=$(free_port)
export ARC_CORTEX_PORT

check_cmd "make up exits 0" 0 'arc-oracle is healthy' nmake up
like "$ALL" "bootstrap by the cortex server" "make up asked the running cortex server for the bootstrap"
like "$ALL" "redis +ok" "make up ends with the bootstrap table (the server's)"
run curl -s --max-time 5 "http://127.0.0.1:$ARC_CORTEX_PORT/ready"
like "$OUT" '"status":"ready"' "cortex server: /ready is 200 after make up's bootstrap"
# Short phase deadlines: Pulsar's phase cannot succeed here and must not hold the test.
run make -C "$KIT" --no-print-directory bootstrap BOOTSTRAP_TIMEOUT=20 BOOTSTRAP_BACKOFF_CAP=4
note "make bootstrap exited $RC"
table=$ALL
for phase in 'sql|postgres|postgresql|oracle' 'nats|flash' 'redis|sonic'; do
    like "$table" "^[[:space:]]*($phase)[[:space:]].*\<ok\>" "bootstrap: the ${phase%%|*} phase is ok natively"
done
while read -r stream; do
    check_cmd "the JetStream stream $stream (services/messaging/streams.json) exists" 0 '' \
        "$ARC_BIN/natsprobe" --server "nats://127.0.0.1:$ARC_FLASH_PORT" stream info "$stream"
done < <(jq -r '.streams[].name' "$KIT/services/messaging/streams.json")
check_cmd "make down exits 0" 0 '' nmake down

done_testing
