#!/usr/bin/env bash
# events.sh — the kit's lifecycle events: one per service, published with JetStream to
# core.lifecycle.<codename>.<event> on the running flash (the CORE_LIFECYCLE stream),
# through $ARC_BIN/natsprobe publish (the ack is checked). docs/events.md.
#
#   events.sh EVENT CODENAME...      EVENT: started, stopping, stopped
#
# Never fails its caller: when flash is not running (or its JetStream does not ack),
# one note line on stderr and exit 0. Flash is NATS_URL, else 127.0.0.1:$ARC_FLASH_PORT.
# Environment: ARC_BIN, NATS_URL, ARC_FLASH_PORT (4222), ARC_RUNTIME, ARC_PROFILE,
# ARC_EVENTS_TIMEOUT (seconds per publish, 3).
set -uo pipefail
ARC_ROOT=${ARC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ARC_BIN=${ARC_BIN:-$ARC_ROOT/bin}

note() { printf 'events: %s\n' "$*" >&2; }

if [ $# -lt 2 ]; then
    note "usage: events.sh EVENT CODENAME... (nothing published)"
    exit 0
fi
event=$1
shift
case "$event" in
*[!a-z_]* | '') note "'$event' is not an event name (a-z, _); nothing published"; exit 0 ;;
esac
np=$ARC_BIN/natsprobe
url=${NATS_URL:-nats://127.0.0.1:${ARC_FLASH_PORT:-4222}}
timeout=${ARC_EVENTS_TIMEOUT:-3}
if [ ! -x "$np" ]; then
    note "$np is not built; '$event' not published"
    exit 0
fi
if ! "$np" -q --timeout 1 --server "$url" ping 2>/dev/null; then
    note "flash is not running; '$event' of $* not published"
    exit 0
fi
data="{\"by\":\"make\",\"runtime\":\"${ARC_RUNTIME:-auto}\",\"profile\":\"${ARC_PROFILE:-}\"}"
failed=()
for c in "$@"; do
    case "$c" in *[!a-z0-9_-]* | '') failed+=("$c"); continue ;; esac
    "$np" -q --timeout "$timeout" --server "$url" publish "core.lifecycle.$c.$event" \
        --type "arc.lifecycle.$event" --source arc-kit --about "$c" --data "$data" \
        2>/dev/null || failed+=("$c")
done
[ ${#failed[@]} -eq 0 ] || note "'$event' not acknowledged for ${failed[*]} (is CORE_LIFECYCLE provisioned? make bootstrap)"
exit 0
