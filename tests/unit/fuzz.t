#!/usr/bin/env bash
# The libFuzzer targets (tools/fuzz, mk/fuzz.mk): each builds with clang's
# libFuzzer under ASan+UBSan and runs a few seconds from its seed corpus
# (the test fixtures) without a crash, a leak or a timeout.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

SECONDS_EACH=${ARC_FUZZ_SECONDS:-3}
command -v clang >/dev/null || skip_all "clang is not installed (apt-get install clang)"
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
    >"$TEST_TMP/probe.c"
clang -fsanitize=fuzzer -o "$TEST_TMP/probe" "$TEST_TMP/probe.c" 2>/dev/null ||
    skip_all "clang cannot link libFuzzer (-fsanitize=fuzzer): install libclang-rt-dev / libclang-rt-14-dev"

run make -C "$ARC_ROOT" --no-print-directory fuzz-build
is "$RC" 0 "make fuzz-build builds every target"
[ "$RC" -eq 0 ] || diag "$ALL"
targets=$(for f in "$ARC_ROOT"/tools/fuzz/fuzz_*.c; do f=${f##*/}; echo "${f%.c}"; done)
for t in $targets; do
    ok_if "$t is built" test -x "$ARC_ROOT/build/fuzz/$t"
    ok_if "$t has a seed corpus" test -n "$(ls -A "$ARC_ROOT/build/fuzz/seeds/$t" 2>/dev/null)"
    mkdir -p "$TEST_TMP/corpus/$t"
    run "$ARC_ROOT/build/fuzz/$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$TEST_TMP/$t-" "$TEST_TMP/corpus/$t" "$ARC_ROOT/build/fuzz/seeds/$t"
    is "$RC" 0 "$t runs ${SECONDS_EACH}s without a finding"
    [ "$RC" -eq 0 ] || diag "$(tail -n 30 <<<"$ERR")"
done
for p in core natsprobe pulsaradm pgcheck redisping; do
    isnt "$(compgen -G "$ARC_ROOT/tools/fuzz/fuzz_${p}_*.c" || true)" "" "a fuzz target for $p's parsers"
done

done_testing
