#!/usr/bin/env bash
# health.sh — is each service healthy? Runs the service's probe (service.yaml: health)
# from the host against 127.0.0.1 and its host port, whatever runtime started it.
#
#   health.sh CODENAME...
#
# One line per service: "sonic (redis) healthy: <probe line>", or on stderr
# "sonic (redis) unhealthy: <probe line>". Exit 0 only when all are healthy.
# Environment: ARC_BIN (the probes, default bin/), ARC_HEALTH_TIMEOUT (seconds per
# check, default 5), ARC_HEALTH_WAIT (retry up to that many seconds, default 0), and
# each service's port variables (e.g. ARC_SONIC_PORT), also read from its .env.
set -euo pipefail
_here=${BASH_SOURCE[0]%/*}
[ "$_here" != "${BASH_SOURCE[0]}" ] || _here=. # (no dirname process: this runs on every command)
# shellcheck source=SCRIPTDIR/lib.sh
. "$_here/lib.sh"

[ $# -ge 1 ] || die "usage: health.sh CODENAME..."

meta_load
opts=(--timeout "${ARC_HEALTH_TIMEOUT:-5}")
[ "${ARC_HEALTH_WAIT:-0}" = 0 ] || opts+=(--wait "$ARC_HEALTH_WAIT")
checked=()
for c in "$@"; do
    load_service "$c"
    if [ "$SVC_KIND" != service ]; then
        say "$c ($SVC_TECH): one-shot, nothing to check"
    else
        checked+=("$c")
    fi
done
# Every probe at once: as long as the slowest, not the sum.
probe_all "${opts[@]}" -- "${checked[@]+"${checked[@]}"}"
failed=()
for c in "${checked[@]+"${checked[@]}"}"; do
    if [ "${PROBE_RC[$c]}" = 0 ]; then
        say "$c (${META_TECH[$c]}) healthy: ${PROBE_LINE[$c]}"
    else
        warn "$c (${META_TECH[$c]}) unhealthy: ${PROBE_LINE[$c]:-${META_PROBE[$c]} failed without a message}"
        failed+=("$c")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    list=$(printf '%s, ' "${failed[@]}")
    [ $# -eq 1 ] || warn "unhealthy: ${list%, }"
    exit 1
fi
