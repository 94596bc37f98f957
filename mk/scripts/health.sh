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
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -ge 1 ] || die "usage: health.sh CODENAME..."

# check CODENAME: in a subshell, so one service's environment (e.g. PGPASSWORD) stays its own.
check() (
    load_service "$1"
    label="$1 ($SVC_TECH)"
    if [ "$SVC_KIND" != service ]; then
        say "$label: one-shot, nothing to check"
        return 0
    fi
    probe="$ARC_BIN/$SVC_PROBE"
    if [ ! -x "$probe" ]; then
        warn "$label unhealthy: cannot check, $probe is not built (run 'make tools' or 'make $SVC_PROBE')"
        return 1
    fi
    opts=(--timeout "${ARC_HEALTH_TIMEOUT:-5}")
    [ "${ARC_HEALTH_WAIT:-0}" = 0 ] || opts+=(--wait "$ARC_HEALTH_WAIT")
    if out=$("$probe" "${opts[@]}" "${SVC_HEALTH_ARGS[@]}" 2>&1); then
        say "$label healthy: $out"
    else
        warn "$label unhealthy: ${out:-$SVC_PROBE failed without a message}"
        return 1
    fi
)

failed=()
for c in "$@"; do
    check "$c" || failed+=("$c")
done
if [ ${#failed[@]} -gt 0 ]; then
    list=$(printf '%s, ' "${failed[@]}")
    [ $# -eq 1 ] || warn "unhealthy: ${list%, }"
    exit 1
fi
