#!/usr/bin/env bash
# Every shell script of the kit passes shellcheck; the kit's python parses; every
# make target (every .PHONY one, as make itself lists them) runs under `make -n`.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_cmd shellcheck make python3

cd "$ARC_ROOT"

# ---- shellcheck: every file that starts with a sh/bash shebang, and every *.sh ----------
mapfile -t scripts < <(
    git ls-files --cached --others --exclude-standard 2>/dev/null ||
        find . -type f -not -path './.git/*' -not -path './build/*' | sed 's|^\./||'
)
n=0
for f in "${scripts[@]}"; do
    [ -f "$f" ] || continue
    case "$f" in build/* | bin/*) continue ;; esac
    if [[ "$f" == *.sh ]] || head -n 1 "$f" | grep -qE '^#!(/usr/bin/env (ba)?sh|/bin/(ba)?sh)'; then
        n=$((n + 1))
        check_cmd "shellcheck -x $f" 0 '' shellcheck -x "$f"
    fi
done
[ "$n" -gt 0 ] || fail "no shell script found"
note "$n shell scripts checked"

# ---- python ----------------------------------------------------------------------------
for f in tests/kit/*.py tests/fixtures/*/*.py; do
    check_cmd "python3 compiles $f" 0 '' python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' "$f"
done

# ---- make -n over every .PHONY target -----------------------------------------------------
mapfile -t targets < <(make -pRrq -f Makefile : 2>/dev/null | sed -n 's/^\.PHONY: //p' | tr ' ' '\n' |
    grep -vE '^$|\$' | sort -u)
[ ${#targets[@]} -gt 20 ] || fail "make lists too few .PHONY targets: ${targets[*]-}"
note "${#targets[@]} targets"
for t in "${targets[@]}"; do
    extra=()
    [ "$t" != help-section ] || extra=(SECTION=sonic)
    check_cmd "make -n $t" 0 '' make --no-print-directory -n "$t" "${extra[@]+"${extra[@]}"}"
done

done_testing
