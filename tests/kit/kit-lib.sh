#!/usr/bin/env bash
# kit-lib.sh — helpers for the tests/kit/*.t files (sourced after ../lib/tap.sh).
#   rmake ARGS...   make in the kit itself; quiet CMD...: CMD without output
#   kit_copy        a private copy of the kit's make files, scripts and service folders in
#                   $KIT (for tests that create or break files); kmake ARGS... runs make there
# shellcheck disable=SC2034  # KIT is used by the test files

quiet() { "$@" >/dev/null 2>&1; }
rmake() { make -C "$ARC_ROOT" --no-print-directory "$@"; }

kit_copy() {
    KIT=$TEST_TMP/kit
    rm -rf "$KIT"
    mkdir -p "$KIT"
    cp -a "$ARC_ROOT"/Makefile "$ARC_ROOT"/VERSION "$ARC_ROOT"/profiles.yaml \
        "$ARC_ROOT"/mk "$ARC_ROOT"/services "$KIT"/
    rm -f "$KIT"/services/*/.env
}
kmake() { make -C "$KIT" --no-print-directory "$@"; }


# mini_image TAG: a tiny local image (docker import) with dash as /bin/sh and the few
# tools the kit's Dockerfiles and test services use, plus the users the upstream images
# have (redis, postgres). A test stand-in, not any upstream image.
mini_image() {
    local rootfs=$TEST_TMP/rootfs b p lib
    rm -rf "$rootfs"
    mkdir -p "$rootfs"/{bin,etc,tmp,data,var/lib/postgresql/data,docker-entrypoint-initdb.d}
    chmod 1777 "$rootfs/tmp"
    for b in dash grep mkdir chown cat sleep; do
        p=$(command -v "$b")
        cp "$p" "$rootfs/bin/$b"
        for lib in $(ldd "$p" | grep -oE '/[^ ]+'); do
            mkdir -p "$rootfs$(dirname "$lib")"
            cp -L "$lib" "$rootfs$lib"
        done
    done
    ln -s dash "$rootfs/bin/sh"
    printf 'root:x:0:0:root:/root:/bin/sh\nredis:x:999:1000::/data:/bin/sh\npostgres:x:998:998::/var/lib/postgresql:/bin/sh\n' \
        >"$rootfs/etc/passwd"
    printf 'root:x:0:\nredis:x:1000:\npostgres:x:998:\n' >"$rootfs/etc/group"
    tar -C "$rootfs" -cf - . | docker import - "$1" >/dev/null
}
