#!/usr/bin/env bash
# natsprobe cluster tests again, against the ASan+UBSan build (tests/lib/asan.sh).
exec bash "$(dirname "$0")/../lib/asan.sh" "$0"
