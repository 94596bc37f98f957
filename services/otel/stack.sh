#!/usr/bin/env bash
# stack.sh — the parts of `make otel-*` that are more than the one service friday
# (which mk/scripts/svc.sh runs like every other service):
#
#   stack.sh exporters up|down   the metrics exporters (services/*/docker-compose.metrics.yml:
#                                arc-flash-exporter, arc-sonic-exporter), each started in its
#                                own service's compose project (arc-flash, arc-sonic), the
#                                same place ARC_COMPOSE_OVERLAYS=metrics puts them
#   stack.sh logs                the logs of every container of the SigNoz stack
#                                (FOLLOW=1|0, default: follow on a terminal; LOGS_TAIL=100)
#   stack.sh ps                  the stack's containers and the exporters
#
# Environment: ARC_COMPOSE (the compose command; default: plugin, else docker-compose).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../../mk/scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../mk/scripts/lib.sh"

OTEL_DIR=$ARC_ROOT/services/otel
PROJECT=arc-friday

# The docker runtime only: exporters and the stack are containers.
need_docker() {
    resolve_runtime
    [ "$ARC_RUNTIME_RESOLVED" = docker ] ||
        die "$1: the SigNoz stack runs on Docker only (runtime: $(runtime_label))"
}

# exporters up|down: every service folder with a docker-compose.metrics.yml.
exporters() {
    local action=$1 c dir addon svcs dc found=0
    # From the platform's up/down hooks (ARC_PROFILE_UP=1) on another runtime there are
    # no containers to add exporters to: say so and go on. Asked for directly, fail.
    resolve_runtime
    if [ "$ARC_RUNTIME_RESOLVED" != docker ] && [ "${ARC_PROFILE_UP:-}" = 1 ]; then
        say "exporters: the metrics exporters run on the docker runtime only: skipped (runtime: $(runtime_label))"
        return 0
    fi
    need_docker "exporters $action"
    compose_detect
    meta_load
    for c in "${ARC_META_ALL[@]}"; do
        dir=${META_DIR[$c]}
        addon=$dir/docker-compose.metrics.yml
        [ -f "$addon" ] || continue
        found=1
        mapfile -t svcs < <("${COMPOSE[@]}" -f "$addon" config --services)
        dc=("${COMPOSE[@]}" -p "arc-$c" --project-directory "$dir" -f "$dir/docker-compose.yml" -f "$addon")
        if [ "$action" = up ]; then
            "${dc[@]}" up -d "${svcs[@]}"
            say "$c metrics: ${svcs[*]} started (project arc-$c)"
        else
            "${dc[@]}" rm -s -f "${svcs[@]}"
            say "$c metrics: ${svcs[*]} removed"
        fi
    done
    [ "$found" = 1 ] || say "no services/*/docker-compose.metrics.yml: no exporters"
}

logs() {
    local follow=()
    case "${FOLLOW:-}" in
    1) follow=(-f) ;;
    0) ;;
    *) [ ! -t 1 ] || follow=(-f) ;;
    esac
    need_docker logs
    compose_detect
    "${COMPOSE[@]}" -p "$PROJECT" --project-directory "$OTEL_DIR" -f "$OTEL_DIR/docker-compose.yml" \
        logs --tail "${LOGS_TAIL:-100}" "${follow[@]+"${follow[@]}"}"
}

ps_all() {
    need_docker ps
    docker ps -a --filter "name=^/?arc-friday" --filter "name=^/?arc-[a-z0-9]+-exporter\$" \
        --format 'table {{.Names}}\t{{.Image}}\t{{.Status}}\t{{.Ports}}'
}

case "${1:-} ${2:-}" in
"exporters up" | "exporters down") exporters "$2" ;;
"logs ") logs ;;
"ps ") ps_all ;;
*) die "usage: stack.sh exporters up|down | logs | ps" ;;
esac
