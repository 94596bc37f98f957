#!/usr/bin/env bash
# large and hostile input files again, against the ASan+UBSan build (tests/lib/asan.sh).
exec bash "$(dirname "$0")/../lib/asan.sh" "$0"
