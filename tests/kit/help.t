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

# Each service (kind: service, as svcmeta reads service.yaml): a section titled with its
# codename and description; <codename>-help lists exactly the targets every service has
# (mk/services.mk); each is .PHONY and calls svc.sh for that service.
phony_all=$( (make -pRrq -f Makefile : 2>/dev/null || true) | sed -n 's/^\.PHONY: //p' | tr ' ' '\n' | sort -u)
for c in $("$ARC_BIN/svcmeta" --root "$ARC_ROOT" list); do
    [ "$("$ARC_BIN/svcmeta" --root "$ARC_ROOT" get "$c" kind)" = service ] || continue
    desc=$("$ARC_BIN/svcmeta" --root "$ARC_ROOT" get "$c" description)
    # shellcheck disable=SC2016 # $0 is awk's
    ok_if "make help has a section '$c — <its service.yaml description> (<folder>)'" \
        awk -v t="$c — $desc (" 'index($0, t) == 1 { f = 1 } END { exit !f }' <<<"$help_out"
    check_cmd "make $c-help exits 0" 0 "$c-help" rmake "$c-help"
    got=$(printf '%s\n' "$OUT" | awk '/^  / { print $1 }' | sort | tr '\n' ' ')
    want=$(printf "$c-%s\n" build up health status logs down clean shell help | sort | tr '\n' ' ')
    is "$got" "$want" "make $c-help lists exactly $c-build/up/health/status/logs/down/clean/shell/help"
    not=()
    for t in $want; do printf '%s\n' "$phony_all" | grep -qxF "$t" || not+=("$t"); done
    is "${not[*]-}" "" "every $c-* target is .PHONY"
    for t in up down status logs; do
        run rmake -n "$c-$t"
        like "$OUT" "svc\.sh $t $c\$" "make -n $c-$t runs svc.sh $t $c"
    done
done

check_cmd "make messaging-help lists the messaging targets" 0 \
    'messaging-up.*messaging-down.*messaging-health.*messaging-logs.*messaging-help' \
    bash -c "make -C '$ARC_ROOT' --no-print-directory messaging-help | tr '\n' ' '"
run rmake messaging-help
unlike "$OUT" 'sonic-up|flash-up|^  up ' "messaging-help shows no other section's targets"
check_cmd "make help-section with an unknown section fails, naming it" 2 "no help section named 'nosuch'" \
    rmake help-section SECTION=nosuch

done_testing
