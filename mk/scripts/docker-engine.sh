#!/usr/bin/env bash
# docker-engine.sh — make sure a Docker engine answers `docker info`.
#
#   docker-engine.sh           ensure: as root, install docker.io + docker-compose when
#                              missing and start dockerd when it does not answer
#   docker-engine.sh --check   only say whether an engine answers (exit 0/1)
#
# Exit 0 when `docker info` works at the end. Otherwise exit 1 with one line on stderr
# saying why and what to do. dockerd started here keeps running in the background
# (log: $ARC_DOCKERD_LOG, default /var/log/arc-dockerd.log); ARC_DOCKER_WAIT (default 60)
# bounds the wait for it in seconds.
set -euo pipefail

log=${ARC_DOCKERD_LOG:-/var/log/arc-dockerd.log}
wait_s=${ARC_DOCKER_WAIT:-60}

say() { printf 'docker-engine: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }
answers() { command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1; }

if answers; then
    exit 0
fi
[ "${1:-}" != --check ] || fail "no Docker engine answers 'docker info'"

if [ "$(id -u)" -ne 0 ]; then
    if command -v docker >/dev/null 2>&1; then
        fail "the Docker engine does not answer 'docker info' for $(id -un): start it (sudo systemctl start docker, or sudo dockerd &) and make sure you may use it (the docker group)"
    fi
    fail "docker is not installed: sudo apt-get install docker.io docker-compose"
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    say "installing docker.io and docker-compose"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || fail "apt-get update failed: cannot install docker.io"
    apt-get install -y -qq --no-install-recommends docker.io docker-compose >/dev/null ||
        fail "apt-get install docker.io docker-compose failed"
fi

if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    say "starting the docker service (systemctl start docker)"
    systemctl start docker >/dev/null 2>&1 || say "systemctl start docker failed; starting dockerd directly"
fi
if ! answers && ! pgrep -x dockerd >/dev/null 2>&1; then
    say "starting dockerd in the background (log: $log)"
    mkdir -p "$(dirname "$log")"
    setsid nohup dockerd >>"$log" 2>&1 </dev/null &
fi

deadline=$((SECONDS + wait_s))
until answers; do
    if [ "$SECONDS" -ge "$deadline" ]; then
        tail -n 5 "$log" 2>/dev/null | sed 's/^/    /' >&2 || true
        fail "dockerd did not answer within ${wait_s}s (see $log); a container without privileges cannot run it"
    fi
    sleep 1
done
say "Docker engine ready ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
