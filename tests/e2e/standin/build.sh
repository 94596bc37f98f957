#!/usr/bin/env bash
# Builds the STAND-IN images of the Docker end-to-end test (tests only, never shipped).
# No registry is reachable where the kit is tested: the upstream images the services wrap
# are replaced by these, built from Debian packages on a debootstrap base.
#
#   build.sh [NAME...]      NAME: nats redis pgvector pulsar (default: all)
#   STANDIN_SUITE=trixie    the Debian release of the base (debian/build.sh)
#
# Prints `NAME=IMAGE` per stand-in on stdout; progress on stderr. The base image is
# cached (built only when missing); the others go through Docker's layer cache, so an
# unchanged stand-in takes seconds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
suite=${STANDIN_SUITE:-trixie}
base=arc-standin/debian:$suite

# The stand-ins are tagged arc-standin/<name>; the tests serve them under the upstream
# names (tests/lib/mirror.sh), which docs/upstream.md and the service Dockerfiles give.
image_of() {
    case "$1" in
    nats | redis | pgvector | pulsar) echo "arc-standin/$1" ;;
    *) echo "standin: unknown stand-in '$1' (nats, redis, pgvector, pulsar)" >&2; return 64 ;;
    esac
}

build_one() {
    local name=$1 image ctx log
    image=$(image_of "$name")
    ctx=$(mktemp -d "${TMPDIR:-/tmp}/arc-standin-$name.XXXXXX")
    cp -R "$here/$name/." "$ctx/"
    if [ "$name" = pulsar ]; then
        cp "$root/tests/standin/pulsar/pulsar_standin.py" "$ctx/"
    fi
    log="$ctx.log"
    echo "standin: building $image" >&2
    if ! docker build --force-rm --build-arg "BASE_IMAGE=$base" -t "$image" "$ctx" >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        rm -rf "$ctx" "$log"
        echo "standin: building $image failed" >&2
        return 1
    fi
    rm -rf "$ctx" "$log"
    echo "$name=$image"
}

[ $# -gt 0 ] || set -- nats redis pgvector pulsar
for n in "$@"; do image_of "$n" >/dev/null; done
"$here/debian/build.sh" "$suite" >&2
for n in "$@"; do build_one "$n"; done
