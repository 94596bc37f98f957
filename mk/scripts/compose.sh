#!/usr/bin/env bash
# compose.sh — run the compose command the kit uses: ARC_COMPOSE when set, else the
# `docker compose` plugin, else the standalone docker-compose (else: what to install).
#
#   compose.sh --which     print the command
#   compose.sh --all       every compose command present, one a line
#   compose.sh ARGS...     run it, e.g. compose.sh -f services/cache/docker-compose.yml config,
#                          with ARC_PROFILE set: in that profile's environment (its env:
#                          settings, e.g. ARC_PROFILE=ha for services/messaging-2)
set -euo pipefail
_here=${BASH_SOURCE[0]%/*}
[ "$_here" != "${BASH_SOURCE[0]}" ] || _here=. # (no dirname process: this runs on every command)
# shellcheck source=SCRIPTDIR/lib.sh
. "$_here/lib.sh"

case "${1:-}" in
--all) compose_all ;;
--which) compose_detect; echo "${COMPOSE[*]}" ;;
*)
    compose_detect
    [ -z "${ARC_PROFILE:-}" ] || meta_load
    exec "${COMPOSE[@]}" "$@"
    ;;
esac
