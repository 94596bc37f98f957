#!/usr/bin/env bash
# check-static.sh BINARY... — fail unless every binary is fully static (no program
# interpreter, `ldd` calls it not dynamic) and answers --version.
set -euo pipefail

rc=0
for b in "$@"; do
    name=$(basename "$b")
    if readelf -l "$b" | grep -q 'Requesting program interpreter'; then
        echo "check-static: $name has a program interpreter (dynamically linked)" >&2
        rc=1
    fi
    lddout=$(LC_ALL=C ldd "$b" 2>&1 || true)   # ldd exits 1 on a static binary
    case "$lddout" in
    *'not a dynamic executable'*) ;;
    *) echo "check-static: ldd does not call $name static: $lddout" >&2; rc=1 ;;
    esac
    if ! out=$("$b" --version 2>&1); then
        echo "check-static: $name --version failed: $out" >&2
        rc=1
    else
        echo "check-static: $name static ok: $out"
    fi
done
exit "$rc"
