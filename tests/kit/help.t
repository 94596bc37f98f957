#!/usr/bin/env bash
# make help: every described target of every makefile, under its own section;
# make <codename>-help: exactly that service's targets; every target is .PHONY.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/kit-lib.sh
. "$(dirname "$0")/kit-lib.sh"
need_cmd make awk

cd "$ARC_ROOT"
mapfile -t makefiles < <(ls Makefile mk/*.mk services/*/*.mk 2>/dev/null)

# described FILE: "section<TAB>target<TAB>description" for each `target: ## text`.
described() {
    awk '/^##@ / { s = substr($0, 5); next }
         /^[a-zA-Z0-9_.%\/-]+:.*## / { t = $0; sub(/:.*/, "", t); d = $0; sub(/^[^#]*## /, "", d)
                                       printf "%s\t%s\t%s\n", s, t, d }' "$1"
}
# help_pairs: "section<TAB>target" as `make help` shows them.
help_pairs() {
    awk 'NF == 0 { next } /^  / { print s "\t" $1; next } /^Usage:/ { next } { s = $0 }'
}

check_cmd "make help exits 0" 0 'Usage: make' rmake help
help_out=$OUT
pairs=$(printf '%s\n' "$help_out" | help_pairs)

for f in "${makefiles[@]}"; do
    n=0 missing=() misplaced=() desc_missing=()
    while IFS=$'\t' read -r section target desc; do
        n=$((n + 1))
        line=$(printf '%s\n' "$help_out" | grep -E "^  ${target//./\\.} +" || true)
        if [ -z "$line" ]; then missing+=("$target"); continue; fi
        [[ "$line" == *"$desc"* ]] || desc_missing+=("$target")
        printf '%s\n' "$pairs" | grep -qxF "$section"$'\t'"$target" || misplaced+=("$target (section '$section')")
    done < <(described "$f")
    [ "$n" -gt 0 ] || continue
    is "${missing[*]-}" "" "make help lists all $n described targets of $f"
    is "${desc_missing[*]-}" "" "make help shows the description of every target of $f"
    is "${misplaced[*]-}" "" "make help groups the targets of $f under their ##@ section"
done

# Every described target is .PHONY in its own file (mine and everyone's).
for f in "${makefiles[@]}"; do
    phony=$( (grep -hE '^\.PHONY:' "$f" || true) | sed 's/^\.PHONY://' | tr ' ' '\n' | awk NF | sort -u)
    not=()
    while IFS=$'\t' read -r _ target _; do
        printf '%s\n' "$phony" | grep -qxF "$target" || not+=("$target")
    done < <(described "$f")
    [ -n "$(described "$f")" ] || continue
    is "${not[*]-}" "" "every described target of $f is .PHONY"
done

# Each service: its section title starts with the codename; <codename>-help lists
# exactly the targets of its .mk; the targets the kit promises are there.
for c in $(kit_codenames); do
    mk=$(ls services/*/"$c".mk)
    first=$(grep -m1 '^##@ ' "$mk" | cut -c5-)
    like "$first" "^$c( |$)" "$mk: its section title starts with '$c'"
    want=$(described "$mk" | cut -f2 | sort)
    check_cmd "make $c-help exits 0" 0 "$c-help" rmake "$c-help"
    got=$(printf '%s\n' "$OUT" | awk '/^  / { print $1 }' | sort)
    is "$got" "$want" "make $c-help lists exactly the targets of $mk"
    if [ "$("$ARC_BIN/svcmeta" get "$c" kind)" = service ]; then
        for t in build up health logs down clean shell help; do
            printf '%s\n' "$want" | grep -qx "$c-$t" || fail "$mk has no $c-$t"
        done
        pass "$mk has $c-build/up/health/logs/down/clean/shell/help"
    fi
done

check_cmd "make messaging-help lists the messaging targets" 0 \
    'messaging-up.*messaging-down.*messaging-health.*messaging-logs.*messaging-help' \
    bash -c "make -C '$ARC_ROOT' --no-print-directory messaging-help | tr '\n' ' '"
run rmake messaging-help
unlike "$OUT" 'sonic-up|flash-up|^  up ' "messaging-help shows no other section's targets"
check_cmd "make help-section with an unknown section fails, naming it" 2 "no help section named 'nosuch'" \
    rmake help-section SECTION=nosuch

done_testing
