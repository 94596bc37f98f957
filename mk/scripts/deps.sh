#!/usr/bin/env bash
# deps.sh — install the Debian packages the kit needs, or print the command.
#   deps.sh [--check] GROUP...     groups: build test docker native
# As root: installs what is missing (apt-get update first). Otherwise prints
# the exact command to run and exits 1 when something is missing.
set -euo pipefail

group_pkgs() {
    case "$1" in
    build) echo build-essential pkg-config libcurl4-openssl-dev libhiredis-dev libpq-dev libnats-dev libjsmn-dev ;;
    test) echo clang valgrind shellcheck nats-server redis-server redis-tools postgresql postgresql-client python3 python3-yaml curl jq procps time iproute2 supervisor ;;
    docker) echo docker.io docker-compose debootstrap python3 python3-yaml ;;
    native) echo nats-server redis-server postgresql supervisor python3 python3-yaml procps iproute2 ;;
    *) echo "deps.sh: unknown package group '$1' (build, test, docker, native)" >&2; exit 64 ;;
    esac
}

check_only=0
if [ "${1:-}" = --check ]; then check_only=1; shift; fi
[ $# -gt 0 ] || set -- build test

want=()
for g in "$@"; do
    read -r -a p <<<"$(group_pkgs "$g")"
    want+=("${p[@]}")
done

missing=()
for p in "${want[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done
# de-duplicate, keep order
mapfile -t missing < <(printf '%s\n' "${missing[@]+"${missing[@]}"}" | awk 'NF && !seen[$0]++')

if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all packages present ($*)"
    exit 0
fi
cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$check_only" = 1 ] || [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages: ${missing[*]}" >&2
    echo "deps: install them with:  sudo sh -c '$cmd'" >&2
    exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${#missing[@]} package(s)"
