#!/usr/bin/env bash
# probes-image.sh — build the probes image arc-probes:<VERSION> (and arc-probes:latest)
# from tools/Dockerfile: the probes, fully static, in an otherwise empty image. The
# service images copy their probe from it. `make probes-image` and the docker runtime
# (when a service image needs it and it is absent) call this.
#
#   probes-image.sh [docker build options...]
#   BUILDER_IMAGE=...   the builder stage's base (default: tools/Dockerfile's, debian:trixie)
#
# The build context is streamed as a tar of what the image needs (Makefile, VERSION,
# mk/, tools/), so build/, bin/ and everything else in the work tree stay out of it.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

image=arc-probes:$ARC_VERSION
builder=${BUILDER_IMAGE:-$(dockerfile_arg "$ARC_ROOT/tools/Dockerfile" BUILDER_IMAGE)}
say "probes-image: building $image (builder $builder)"
tar -C "$ARC_ROOT" -cf - --exclude='*.o' --exclude='__pycache__' Makefile VERSION mk tools |
    docker build --force-rm -f tools/Dockerfile \
        --build-arg "BUILDER_IMAGE=$builder" --build-arg "VERSION=$ARC_VERSION" \
        -t "$image" -t arc-probes:latest "$@" -
