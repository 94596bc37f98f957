#!/usr/bin/env bash
# tests/kit/bootstrap.t (cortex bootstrap against real servers) again, against the
# ASan+UBSan build (build/<cc>-asan/bin, make tools-asan).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cc=$(basename "${CC:-cc}")
export ARC_BIN="$root/build/$cc-asan/bin"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec bash "$root/tests/kit/bootstrap.t"
