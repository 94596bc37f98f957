#!/usr/bin/env bash
# The platform's lifecycle events, end to end on the native runtime: after `make up`, the
# CORE_LIFECYCLE stream on flash holds a CloudEvents envelope per service started (from
# make, mk/scripts/events.sh) and cortex's bootstrap completed; a `kill -9` of sonic's
# redis-server makes cortex's monitor publish sonic unhealthy (supervisord restarts it:
# healthy again). (The monitor's very first round comes before the bootstrap has created
# the stream on a new platform, so those first states are not stored.) `make down`
# publishes stopping for every service before anything stops. Read back from the stream
# with tests/cortex/lifecycle_read.py (a test helper speaking the NATS protocol).
# Pulsar cannot run natively (no Debian package): strange is reported not started.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/native-lib.sh
. "$(dirname "$0")/native-lib.sh"
native_setup
need_probe cortex
# The monitor looks often, so that it sees a killed server before supervisord restarts it.
export ARC_CORTEX_MONITOR_INTERVAL=0.1

events() { python3 "$ARC_ROOT/tests/cortex/lifecycle_read.py" "127.0.0.1:$ARC_FLASH_PORT"; }
# subjects: the stored events' subjects, one a line
subjects() { events | jq -r '.subject'; }

check_cmd "make up exits 0" 0 'cortex: all phases ok' nmake up
run events
is "$RC" 0 "the CORE_LIFECYCLE stream can be read back${ERR:+: $ERR}"
got=$(printf '%s\n' "$OUT" | jq -r '.subject')
for c in oracle flash sonic cortex; do
    like "$got" "^core\\.lifecycle\\.$c\\.started\$" "make up published $c started"
done
unlike "$got" "core\\.lifecycle\\.strange\\.started" "strange, not started natively, has no started event"
like "$got" '^core\.lifecycle\.cortex\.bootstrap_completed$' "cortex published bootstrap_completed"
# Every envelope has CloudEvents' required attributes.
bad=$(printf '%s\n' "$OUT" | jq -c 'select((.event.specversion != "1.0") or (.event.id | type != "string") or
    (.event.source | type != "string") or (.event.type | type != "string") or
    (.event.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T") | not))' | head -n 3)
is "$bad" "" "every event is a CloudEvents envelope (specversion 1.0, id, source, type, time)"
started=$(printf '%s\n' "$OUT" | jq -c 'select(.subject == "core.lifecycle.sonic.started") | .event' | head -n 1)
like "$started" '"subject":"sonic"' "sonic's started event names it as its subject"

# ---- kill -9 of sonic's server: the monitor says unhealthy --------------------------------
seen=""
for _ in $(seq 20); do
    pid=$(prog_pid sonic)
    [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true
    sleep 0.3
    if subjects | grep -qx 'core.lifecycle.sonic.unhealthy'; then seen=1; break; fi
done
ok_if "after kill -9 of arc-sonic's redis-server, cortex published sonic unhealthy" test -n "$seen"
healthy_again=""
for _ in $(seq 50); do
    if [ "$(subjects | grep -E '^core\.lifecycle\.sonic\.(healthy|unhealthy)$' | tail -n 1)" = core.lifecycle.sonic.healthy ]; then
        healthy_again=1
        break
    fi
    sleep 0.2
done
ok_if "supervisord restarted it and cortex published sonic healthy again" test -n "$healthy_again"

# ---- make down: stopping, before anything stopped -------------------------------------------
check_cmd "make down exits 0" 0 '' nmake down
check_cmd "flash alone up again, to read its stream" 0 '' nmake flash-up
got=$(subjects)
for c in oracle flash sonic cortex; do
    like "$got" "^core\\.lifecycle\\.$c\\.stopping\$" "make down published $c stopping"
done
check_cmd "make flash-down" 0 '' nmake flash-down

done_testing
