#!/usr/bin/env bash
# tests/cortex/traces.t again, against the ASan+UBSan build (build/<cc>-asan/bin, make tools-asan):
# a leak or an error at a bootstrap's or a server's exit fails its exit-status tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cc=$(basename "${CC:-cc}")
export ARC_BIN="$root/build/$cc-asan/bin"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec bash "$root/tests/cortex/traces.t"
