#!/usr/bin/env bash
# STAND-IN base image for the Docker end-to-end test (tests only, never shipped).
#
# No container registry is reachable where the kit is tested, so the upstream base
# images cannot be pulled. This builds a Debian root filesystem (SUITE) with
# `debootstrap --variant=minbase` (its default mirror) and imports it as
# arc-standin/debian:<suite>. The service stand-ins and the probes image's builder
# stage are built FROM it (trixie: the first Debian release whose libnats-dev ships a
# static library, with nats-server 2.10 and pgvector packaged).
#
#   build.sh [--force] [SUITE]     (default SUITE: trixie)
# Cached: does nothing when arc-standin/debian:SUITE already exists, unless --force.
set -euo pipefail

force=0
if [ "${1:-}" = --force ]; then force=1; shift; fi
suite=${1:-trixie}
case "$suite" in
*[!a-z]* | '') echo "standin: bad suite name '$suite'" >&2; exit 64 ;;
esac
image=arc-standin/debian:$suite

if [ "$force" = 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
    echo "standin: $image present (cached)"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "standin: debootstrap needs root to build $image" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "standin: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }

root=$(mktemp -d "${TMPDIR:-/tmp}/arc-standin-rootfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

echo "standin: debootstrap --variant=minbase $suite (a few minutes on first run)"
if ! debootstrap --variant=minbase "$suite" "$root" >"$root.log" 2>&1; then
    tail -n 30 "$root.log" >&2
    rm -f "$root.log"
    echo "standin: debootstrap failed" >&2
    exit 1
fi
rm -f "$root.log"

# What the Debian container images do too: services are not started by package
# scripts during image builds, no recommends, no cached .debs.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$root/etc/apt/apt.conf.d/90arc-standin"
printf 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb || true"; };\n' \
    >"$root/etc/apt/apt.conf.d/91arc-standin-clean"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/tmp/*

tar --numeric-owner -C "$root" -c . |
    docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change "LABEL arc.standin=\"debootstrap $suite minbase: a test stand-in, not an upstream image\"" \
        --change 'CMD ["bash"]' \
        - "$image" >/dev/null
echo "standin: built $image"
