#!/usr/bin/env bash
# The core's unit tests built with ASan+UBSan: any sanitizer report fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cc=$(basename "${CC:-cc}")
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 exec "$root/build/$cc-asan/tests/test_core"
