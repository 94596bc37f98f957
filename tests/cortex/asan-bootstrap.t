#!/usr/bin/env bash
# tests/kit/bootstrap.t (cortex bootstrap against real servers) again, against the ASan+UBSan build (tests/lib/asan.sh).
exec bash "$(dirname "$0")/../lib/asan.sh" "$0" "$(dirname "$0")/../../tests/kit/bootstrap.t"
