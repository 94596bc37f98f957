#!/usr/bin/env bash
# httpprobe tests again, against the ASan+UBSan build.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cc=$(basename "${CC:-cc}")
export ARC_BIN="$root/build/$cc-asan/bin"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec bash "$root/tests/probes/httpprobe.t"
