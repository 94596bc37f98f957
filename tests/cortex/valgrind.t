#!/usr/bin/env bash
# cortex bootstrap under valgrind (memcheck: no errors, no definite or indirect leaks)
# against real PostgreSQL, nats-server -js and redis-server and the Pulsar admin-REST
# STAND-IN (tests/standin/pulsar — not Apache Pulsar); one run with every phase ok,
# one with a phase that fails (a dead port).
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/cortex-lib.sh
. "$(dirname "$0")/cortex-lib.sh"
need_probe cortex
cortex_platform
valgrind_clean "cortex bootstrap, every phase ok" 0 "$ARC_BIN/cortex" --probe-timeout 30 bootstrap
is "$(jq -r .ok "$BOOTSTRAP_RESULT")" true "... and the result says ok"
REDIS_URL="redis://127.0.0.1:$(dead_port)" valgrind_clean "cortex bootstrap, redis down" 1 \
    "$ARC_BIN/cortex" --timeout 3 --backoff-base 0.5 bootstrap redis nats
is "$(jq -r '.phases[] | select(.phase == "redis") | .status' "$BOOTSTRAP_RESULT")" failed \
    "... and the result says which phase failed"
done_testing
