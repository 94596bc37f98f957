#!/usr/bin/env bash
# asan.sh — run a probe's tests again against the ASan+UBSan build. A wrapper
# tests/asan/<probe>.t execs it with its own path; the probe's tests are
# tests/probes/<probe>.t and the build is build/<cc>-asan/bin (CC picks the compiler).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=$(basename "$1" .t)
cc=$(basename "${CC:-cc}")
export ARC_BIN="$root/build/$cc-asan/bin"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec bash "$root/tests/probes/$name.t"
