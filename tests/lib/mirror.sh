#!/usr/bin/env bash
# tests/lib/mirror.sh — a local registry as the Docker engine's registry mirror, so that
# the shipped Dockerfiles and compose files run unchanged, with their defaults: the
# engine pulls `nats:…`, `apachepulsar/pulsar:…` and the other Docker Hub names through
# its mirror, which serves STAND-IN images under those names (tests/e2e/standin/).
# Source it after tests/lib/tap.sh.
#
#   mirror_start          Debian's docker-registry on a free 127.0.0.1 port (storage kept
#                         between runs in ARC_TEST_REGISTRY_DIR, default
#                         /var/cache/arc-test-registry), set as the engine's only
#                         `registry-mirrors` in /etc/docker/daemon.json and reloaded
#                         (SIGHUP to dockerd). At exit the file is put back as it was
#                         (or removed when there was none) and the engine reloaded.
#                         skip_all when that cannot be done (not root, no dockerd here).
#                         Tests that use it run one at a time (a lock, held until exit).
#   mirror_push NAME IMG  serve local image IMG as Docker Hub's NAME (e.g. nats:2.11-alpine)
#   mirror_forget NAME    remove the local NAME when it is a stand-in pulled earlier (label
#                         arc.standin), so the next build pulls it through the mirror again
#   mirror_has NAME       the mirror serves NAME
#   mirror_delete NAME    the mirror stops serving NAME
set -euo pipefail

MIRROR_DAEMON_JSON=${ARC_TEST_DAEMON_JSON:-/etc/docker/daemon.json}
MIRROR_PORT=""
MIRROR_URL=""
_mirror_saved=""

# _hub_path NAME: Docker Hub's repository path and tag: nats:2.11 -> library/nats:2.11
_hub_path() {
    case "${1%%:*}" in
    */*) printf '%s\n' "$1" ;;
    *) printf 'library/%s\n' "$1" ;;
    esac
}

_mirror_reload() {
    local pid want=$1 tries=50
    pid=$(pgrep -o -x dockerd) || return 1
    kill -HUP "$pid"
    while [ "$tries" -gt 0 ]; do
        tries=$((tries - 1))
        [ "$(docker info --format '{{json .RegistryConfig.Mirrors}}' 2>/dev/null)" = "$want" ] && return 0
        sleep 0.2
    done
    return 1
}

mirror_restore() {
    [ -n "$_mirror_saved" ] || return 0
    if [ "$_mirror_saved" = absent ]; then
        rm -f "$MIRROR_DAEMON_JSON"
    else
        cp -p "$_mirror_saved" "$MIRROR_DAEMON_JSON"
    fi
    local want
    want=$(jq -c '.["registry-mirrors"] // [] | map(sub("/*$"; "/"))' "$MIRROR_DAEMON_JSON" 2>/dev/null || echo '[]')
    [ "$want" != "[]" ] || want='[]'
    _mirror_reload "$want" || diag "the engine did not report its restored registry mirrors"
    _mirror_saved=""
}

mirror_start() {
    local store=${ARC_TEST_REGISTRY_DIR:-/var/cache/arc-test-registry} conf
    [ "$(id -u)" -eq 0 ] || skip_all "the registry mirror needs root (it edits $MIRROR_DAEMON_JSON and reloads dockerd)"
    pgrep -x dockerd >/dev/null || skip_all "no dockerd on this machine to reload (a remote engine cannot be given a loopback mirror)"
    command -v docker-registry >/dev/null || skip_all "docker-registry is not installed (Debian package docker-registry; run as root: mk/scripts/deps.sh test)"
    need_cmd jq flock
    # One mirror at a time: the engine has one configuration, so tests that set it wait
    # for each other (the lock is held until this test's process ends).
    exec {_mirror_lock}>"${ARC_TEST_MIRROR_LOCK:-/run/lock/arc-test-mirror.lock}"
    flock -w 1800 "$_mirror_lock" || bail_out "another test holds the registry mirror for over 30 min"
    mkdir -p "$store"
    MIRROR_PORT=$(free_port)
    MIRROR_URL="http://127.0.0.1:$MIRROR_PORT"
    conf=$TEST_TMP/registry.yml
    cat >"$conf" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $store
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$MIRROR_PORT
YAML
    # Without the lock's descriptor: the registry must not hold the lock after this test.
    docker-registry serve "$conf" >"$TEST_TMP/registry.log" 2>&1 {_mirror_lock}>&- &
    track_pid $!
    wait_port "$MIRROR_PORT" 20 $! || bail_out_log "docker-registry did not start" "$TEST_TMP/registry.log"

    if [ -e "$MIRROR_DAEMON_JSON" ]; then
        _mirror_saved=$TEST_TMP/daemon.json.orig
        cp -p "$MIRROR_DAEMON_JSON" "$_mirror_saved"
        jq --arg m "$MIRROR_URL" '.["registry-mirrors"] = [$m]' "$_mirror_saved" >"$TEST_TMP/daemon.json" ||
            bail_out "$MIRROR_DAEMON_JSON is not valid JSON: not touching it"
    else
        _mirror_saved=absent
        mkdir -p "$(dirname "$MIRROR_DAEMON_JSON")"
        jq -n --arg m "$MIRROR_URL" '{"registry-mirrors": [$m]}' >"$TEST_TMP/daemon.json"
    fi
    on_exit mirror_restore
    cp "$TEST_TMP/daemon.json" "$MIRROR_DAEMON_JSON"
    _mirror_reload "[\"$MIRROR_URL/\"]" || bail_out "dockerd did not take the registry mirror $MIRROR_URL on SIGHUP"
    note "registry mirror: $MIRROR_URL (storage $store), set in $MIRROR_DAEMON_JSON"
}

mirror_push() {
    local name=$1 image=$2 dest
    dest=127.0.0.1:$MIRROR_PORT/$(_hub_path "$name")
    docker tag "$image" "$dest" || return 1
    if ! docker push "$dest" >"$TEST_TMP/push.log" 2>&1; then
        diag "$(tail -n 20 "$TEST_TMP/push.log")"
        docker rmi "$dest" >/dev/null 2>&1
        return 1
    fi
    docker rmi "$dest" >/dev/null
}

mirror_has() {
    local path
    path=$(_hub_path "$1")
    curl -sf -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
        "$MIRROR_URL/v2/${path%:*}/manifests/${path##*:}"
}

mirror_forget() {
    [ -n "$(docker image inspect -f '{{index .Config.Labels "arc.standin"}}' "$1" 2>/dev/null)" ] || return 0
    docker rmi "$1" >/dev/null
}

# mirror_delete NAME: the mirror stops serving NAME (its manifest is deleted).
mirror_delete() {
    local path digest accept='Accept: application/vnd.docker.distribution.manifest.v2+json'
    path=$(_hub_path "$1")
    digest=$(curl -sf -I -H "$accept" "$MIRROR_URL/v2/${path%:*}/manifests/${path##*:}" |
        tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
    [ -n "$digest" ] && curl -sf -X DELETE "$MIRROR_URL/v2/${path%:*}/manifests/$digest"
}
