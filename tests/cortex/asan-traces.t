#!/usr/bin/env bash
# tests/cortex/traces.t again, against the ASan+UBSan build (tests/lib/asan.sh);
# a leak or an error at a bootstrap's or a server's exit fails its exit-status tests.
exec bash "$(dirname "$0")/../lib/asan.sh" "$0" "$(dirname "$0")/../../tests/cortex/traces.t"
