#!/usr/bin/env bash
# asan.sh — run tests again against the ASan+UBSan build (build/<cc>-asan/bin; CC picks
# the compiler). A wrapper execs it:
#   asan.sh WRAPPER          tests/asan/<probe>.t: the probe's tests/probes/<probe>.t
#   asan.sh WRAPPER TEST     any other test file, e.g. tests/cortex/server.t
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=$(basename "$1" .t)
cc=$(basename "${CC:-cc}")
export ARC_BIN="$root/build/$cc-asan/bin"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec bash "${2:-$root/tests/probes/$name.t}"
