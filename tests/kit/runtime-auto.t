#!/usr/bin/env bash
# ARC_RUNTIME=auto on a real Docker engine: docker only when the engine answers AND it
# can have every image `make up` needs (built here already, or pullable by the engine —
# through its registry mirrors too: the engine is asked, not a registry); else native,
# saying which image cannot be had. A local registry set as the engine's mirror
# (tests/lib/mirror.sh) plays the registry; tiny images stand for the upstream ones
# (only their names matter here). Needs a Docker engine and root; skipped otherwise.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/../lib/mirror.sh
. "$(dirname "$0")/../lib/mirror.sh"
need_cmd make jq curl
timeout 20 docker info >/dev/null 2>&1 || skip_all "no Docker engine answers 'docker info'"

# The kit's services in the default profile and the upstream image each one builds on.
cd "$ARC_ROOT"
declare -A dir=([flash]=messaging [strange]=streaming [sonic]=cache [oracle]=sql [cortex]=cortex)
tag=t$$-$RANDOM
probes=arc-test-probes/probes:$tag
export ARC_PROBES_IMAGE=$probes
unset ARC_PROBES_LOCAL ARC_RUNTIME_RESOLVED
needed=("$probes")
for c in "${!dir[@]}"; do
    export "ARC_${c^^}_TAG=$tag"   # images that do not exist here
    base=$(sed -n 's/^ARG BASE_IMAGE=//p' "services/${dir[$c]}/Dockerfile")
    [ -z "$base" ] || needed+=("$base") # cortex: the kit's own program on scratch, no base
done

info() { run env -u ARC_RUNTIME "$@" make -C "$ARC_ROOT" -s info; }

# Stand-ins an earlier test pulled under these names go; a real image of that name that
# is here stays, and is then not asserted missing.
absent=()
for img in "${needed[@]}"; do
    mirror_forget "$img" || true
    docker image inspect "$img" >/dev/null 2>&1 || absent+=("$img")
done
note "images the engine does not have here: ${absent[*]}"

# ---- no engine --------------------------------------------------------------------------
info DOCKER_HOST=unix:///nonexistent/docker.sock
like "$OUT" "runtime native \(ARC_RUNTIME=auto\)" "no engine answers: native"
unlike "$ERR" "Docker answers" "no engine: no note about Docker"

# ---- an engine whose mirror has none of the images ---------------------------------------
ARC_TEST_REGISTRY_DIR=$TEST_TMP/registry mirror_start   # an empty registry of its own
info
like "$OUT" "runtime native \(ARC_RUNTIME=auto\)" "engine answers, the images are neither here nor pullable: native"
for img in "${absent[@]}"; do
    like "$ERR" "cannot have .*$img" "... and it names $img as not to be had"
done
like "$ERR" "ARC_RUNTIME=docker to insist" "... and says how to insist"

# ---- the mirror serves them: the engine can pull them --------------------------------------
empty=$TEST_TMP/empty
mkdir -p "$empty"
tiny=arc-test-tiny:$tag
tar -C "$empty" -c . | docker import - "$tiny" >/dev/null
on_exit "docker rmi -f $tiny >/dev/null 2>&1"
for img in "${needed[@]}"; do
    mirror_push "$img" "$tiny" || bail_out "cannot push $img to the mirror"
done
for img in "${absent[@]}"; do
    ok_if "the mirror serves $img" mirror_has "$img"
    run docker image inspect "$img"
    isnt "$RC" 0 "$img is not on this engine (only the mirror has it)"
done
info
like "$OUT" "runtime docker \(ARC_RUNTIME=auto\)" "engine answers and can pull every image through its mirror: docker"

# ...but not when one of them is missing from the mirror
last=$probes
mirror_delete "$last" || bail_out "cannot delete $last from the mirror"
info
like "$OUT" "runtime native \(ARC_RUNTIME=auto\)" "one image ($last) missing from the mirror: native"
like "$ERR" "cannot have $last" "... naming $last"

# ---- the images are built here: no registry needed ----------------------------------------
for c in "${!dir[@]}"; do
    docker tag "$tiny" "arc-$c:$tag"
    on_exit "docker rmi -f arc-$c:$tag >/dev/null 2>&1"
done
info
like "$OUT" "runtime docker \(ARC_RUNTIME=auto\)" "engine answers, the service images are built here: docker"

# ---- insisting --------------------------------------------------------------------------------
for c in "${!dir[@]}"; do docker rmi -f "arc-$c:$tag" >/dev/null; done
run env ARC_RUNTIME=docker make -C "$ARC_ROOT" -s info
like "$OUT" "runtime docker \(ARC_RUNTIME=docker\)" "ARC_RUNTIME=docker insists"
run env ARC_RUNTIME=docker DOCKER_HOST=unix:///nonexistent/docker.sock make -C "$ARC_ROOT" -s info
isnt "$RC" 0 "ARC_RUNTIME=docker without an engine fails"
like "$ERR" "ARC_RUNTIME=docker, but no Docker engine answers" "... saying so"

done_testing
