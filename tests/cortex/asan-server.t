#!/usr/bin/env bash
# tests/cortex/server.t again, against the ASan+UBSan build (tests/lib/asan.sh);
# a leak or an error at the server's SIGTERM exit fails its exit-status tests.
exec bash "$(dirname "$0")/../lib/asan.sh" "$0" "$(dirname "$0")/../../tests/cortex/server.t"
