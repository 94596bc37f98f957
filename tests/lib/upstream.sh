#!/usr/bin/env bash
# tests/lib/upstream.sh — reads docs/upstream.md, the table of upstream image facts with
# the upstream source each was read from. Tests check the kit against it (never against
# values copied from the kit). Sections are `## <image>:<tag>`, each with a table
# `| fact | value | source | note |`.
#
#   upstream_images               the section names (image:tag), one a line
#   upstream_fact IMAGE FACT      the value column of that row, backticks stripped
#   upstream_source IMAGE FACT    the source column of that row
#   upstream_has IMAGE [FACT]     the section (and row) exist; prints nothing
# upstream_fact/upstream_source print a clear message on stderr and return 1 when the
# section or the row is missing. UPSTREAM_DOC names another file (default docs/upstream.md).

UPSTREAM_DOC=${UPSTREAM_DOC:-${ARC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/docs/upstream.md}

upstream_images() {
    sed -n 's/^## \([^ ]*:[^ ]*\)[[:space:]]*$/\1/p' "$UPSTREAM_DOC"
}

# _upstream_cell IMAGE FACT COLUMN (3 = value, 4 = source, as awk fields split on '|').
# Exit 0 found, 3 no such section, 4 no such row.
_upstream_cell() {
    awk -F'|' -v img="$1" -v fact="$2" -v col="$3" '
        function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
        /^## / { insec = ($0 == "## " img); if (insec) seen = 1; next }
        insec && /^\|/ && trim($2) == fact {
            v = trim($col)
            if (col == 3) gsub(/`/, "", v)
            print v; found = 1; exit
        }
        END { if (found) exit 0; exit (seen ? 4 : 3) }
    ' "$UPSTREAM_DOC"
}

_upstream_get() {
    local rc=0 doc=$UPSTREAM_DOC
    [ -z "${ARC_ROOT:-}" ] || doc=${doc#"$ARC_ROOT/"}
    _upstream_cell "$1" "$2" "$3" || rc=$?
    case $rc in
    0) return 0 ;;
    3) printf '%s: no section "## %s"\n' "$doc" "$1" >&2 ;;
    4) printf '%s: section "## %s" has no row "%s"\n' "$doc" "$1" "$2" >&2 ;;
    *) printf '%s: cannot be read (awk exit %s)\n' "$doc" "$rc" >&2 ;;
    esac
    return 1
}

upstream_fact() { _upstream_get "$1" "$2" 3; }
upstream_source() { _upstream_get "$1" "$2" 4; }

upstream_has() {
    if [ $# -ge 2 ]; then
        _upstream_cell "$1" "$2" 3 >/dev/null 2>&1
    else
        upstream_images | grep -qxF -- "$1"
    fi
}
