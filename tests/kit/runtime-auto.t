#!/usr/bin/env bash
# ARC_RUNTIME=auto: docker only when a Docker engine answers AND its images can be
# had (built here, or a registry answers for the upstream images); else native, and
# when Docker answers but cannot build, it says why. A fake `docker` on PATH plays
# each situation.
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_cmd make python3

fake="$TEST_TMP/bin"
mkdir -p "$fake"
cat >"$fake/docker" <<'SH'
#!/usr/bin/env bash
# fake docker: FAKE_INFO, FAKE_IMAGE, FAKE_MANIFEST are the exit codes of each call
case "$1 ${2:-}" in
"info "*) exit "${FAKE_INFO:-0}" ;;
"image inspect") exit "${FAKE_IMAGE:-1}" ;;
"manifest inspect") exit "${FAKE_MANIFEST:-1}" ;;
esac
exit 0
SH
chmod +x "$fake/docker"
# info FAKE_INFO FAKE_IMAGE FAKE_MANIFEST: `make info` (it names the runtime) in that situation
info() {
    run env -u ARC_RUNTIME -u ARC_RUNTIME_RESOLVED PATH="$fake:$PATH" FAKE_INFO="$1" FAKE_IMAGE="$2" \
        FAKE_MANIFEST="$3" make -C "$ARC_ROOT" -s info
}

info 1 1 1
like "$OUT" "runtime native \(ARC_RUNTIME=auto\)" "no engine answers: native"
unlike "$ERR" "Docker answers" "no engine: no note about Docker"

info 0 1 1
like "$OUT" "runtime native \(ARC_RUNTIME=auto\)" "engine answers, no images, no registry: native"
like "$ERR" "Docker answers, but the kit's images are not built and no registry answers.*ARC_RUNTIME=docker to insist" \
    "... and it says why, and how to insist"

info 0 0 1
like "$OUT" "runtime docker \(ARC_RUNTIME=auto\)" "engine answers, images built here: docker"

info 0 1 0
like "$OUT" "runtime docker \(ARC_RUNTIME=auto\)" "engine answers, a registry answers for the upstream images: docker"

run env PATH="$fake:$PATH" FAKE_INFO=0 FAKE_IMAGE=1 FAKE_MANIFEST=1 ARC_RUNTIME=docker make -C "$ARC_ROOT" -s info
like "$OUT" "runtime docker \(ARC_RUNTIME=docker\)" "ARC_RUNTIME=docker insists"

done_testing
