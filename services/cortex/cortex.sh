#!/usr/bin/env bash
# cortex.sh — run the bootstrap against the running runtime's services.
#
#   cortex.sh [PHASE...]                 `cortex bootstrap` here (make bootstrap; no server)
#   cortex.sh --via-server [PHASE...]    ask the running cortex server for one
#                                        (POST /api/v1/bootstrap; the after_up hook)
#
# Derives each phase's target from the services' service.yaml (ports, with the
# ARC_*_PORT overrides and .env) unless the probe's own variable is already set:
#   sql    -> DATABASE_URL (+ PGPASSWORD)   oracle
#   nats   -> NATS_URL                      flash
#   pulsar -> PULSAR_ADMIN_URL              strange
#   redis  -> REDIS_URL                     sonic
# When the runtime reports strange "not started" (natively, Pulsar runs only with
# PULSAR_HOME) the pulsar phase is skipped and the result says why. Then runs
# `cortex bootstrap` (tools/cortex): the phases in-process, no server needed.
set -euo pipefail
_here=${BASH_SOURCE[0]%/*}
[ "$_here" != "${BASH_SOURCE[0]}" ] || _here=.
# shellcheck source=SCRIPTDIR/../../mk/scripts/lib.sh
. "$_here/../../mk/scripts/lib.sh"


meta_load # once: the URLs below are read from it
via_server=0
if [ "${1:-}" = --via-server ]; then via_server=1; shift; fi
phases=("$@")
[ ${#phases[@]} -gt 0 ] || phases=(sql nats pulsar redis)
run=()
skip=""
for ph in "${phases[@]}"; do
    case "$ph" in
    sql)
        : "${DATABASE_URL:=$(service_url oracle postgres)}"
        : "${PGPASSWORD:=$(service_env oracle PGPASSWORD)}"
        export DATABASE_URL PGPASSWORD ;;
    nats) : "${NATS_URL:=$(service_url flash client)}"; export NATS_URL ;;
    pulsar)
        if [ -z "${PULSAR_ADMIN_URL:-}" ]; then
            # the runtime says when it cannot run Pulsar here (natively without PULSAR_HOME)
            runtime_states strange
            state=${RUNTIME_STATE[strange]:-}
            case "$state" in
            "not started"*) skip="pulsar|strange $state"; continue ;;
            esac
        fi
        : "${PULSAR_ADMIN_URL:=$(service_url strange admin)}"; export PULSAR_ADMIN_URL ;;
    redis) : "${REDIS_URL:=$(service_url sonic redis)}"; export REDIS_URL ;;
    esac
    run+=("$ph")
done
[ ${#run[@]} -gt 0 ] || die "cortex: no phase can run here (${skip#*|})"

# The server has its own targets (native.sh, docker-compose.yml): send the phases and skips.
if [ "$via_server" = 1 ]; then
    command -v curl >/dev/null || die "cortex: curl is needed to ask the cortex server for a bootstrap"
    api=$(service_url cortex api)
    body='{"phases":['
    sep=""
    for ph in "${run[@]}"; do body+="$sep\"$ph\""; sep=","; done
    body+='],"skip":{'
    [ -z "$skip" ] || body+="\"${skip%%|*}\":\"$(printf '%s' "${skip#*|}" | sed 's/[\\"]/\\&/g')\""
    body+='}}'
    out=$(mktemp "${TMPDIR:-/tmp}/arc-cortex.XXXXXX")
    trap 'rm -f "$out"' EXIT
    # a bootstrap takes up to BOOTSTRAP_TIMEOUT per phase (the server's, 300 s by default)
    code=$(curl -sS --max-time "${CORTEX_REQUEST_TIMEOUT:-420}" -o "$out" -w '%{http_code}' \
        -X POST -H 'Content-Type: application/json' --data-binary "$body" \
        "$api/api/v1/bootstrap?format=text") || die "cortex: cannot reach the cortex server at $api"
    say "cortex: bootstrap by the cortex server at $api (phases ${run[*]})"
    case "$code" in
    200) cat "$out"; exit 0 ;;
    503) cat "$out" >&2; exit 1 ;;
    409) die "cortex: the server refused: $(cat "$out")" ;;
    *) die "cortex: the server answered $code: $(cat "$out")" ;;
    esac
fi
export BOOTSTRAP_SKIP=$skip
[ -x "$ARC_BIN/cortex" ] || die "cortex: $ARC_BIN/cortex is not built (run 'make tools' or 'make cortex')"
exec "$ARC_BIN/cortex" bootstrap "${run[@]}"
