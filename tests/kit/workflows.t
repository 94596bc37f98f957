#!/usr/bin/env bash
# The GitHub workflows (.github/workflows/), checked by tools since GitHub Actions
# cannot run here: valid YAML, actionlint clean (and actionlint really catches
# errors), every `make` target a workflow calls exists in `make help`, every step
# that runs the kit is a make call, the path filters name existing paths, the
# reusable build is called with inputs it declares, least-privilege permissions,
# concurrency groups, pinned actions, the release tag logic, and the probes matrix
# expanded into the make commands of each leg (run with make -n).
# Regexes and bash -c scripts below hold a literal $ on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_cmd python3 make
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is not installed (run 'make deps')"
cd "$ARC_ROOT"
WF=.github/workflows
release=mk/scripts/release.sh

# ---- helper: parses the workflows, prints one problem a line ---------------------
cat >"$TEST_TMP/wf.py" <<'PY'
import glob, itertools, os, re, shlex, sys
import yaml

WF = ".github/workflows"

def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)

def triggers(wf):
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {t: None for t in on}
    return on or {}

def workflows():
    return sorted(glob.glob(f"{WF}/*.yml") + glob.glob(f"{WF}/*.yaml"))

def reusable_only(wf):
    return set(triggers(wf)) == {"workflow_call"}

def steps(wf):
    for job_id, job in (wf.get("jobs") or {}).items():
        for step in job.get("steps") or []:
            yield job_id, job, step

def commands(script):
    """Each simple command of a run: block, as a token list."""
    script = re.sub(r"\\\n", " ", script)
    for line in script.splitlines():
        for part in re.split(r"&&|\|\||;|\|", line):
            try:
                toks = shlex.split(part, comments=True)
            except ValueError:
                toks = part.split()
            if toks:
                yield toks

def make_targets(toks):
    out, skip = [], False
    for t in toks[1:]:
        if skip:
            skip = False
        elif re.match(r"^\d*>>?|^<", t):
            break
        elif t in ("-C", "-f", "-j", "-o", "-W"):
            skip = True
        elif t.startswith("-") or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", t):
            continue
        else:
            out.append(t)
    return out

def cmd_yaml(_):
    for f in workflows():
        try:
            wf = load(f)
            if not isinstance(wf, dict) or "jobs" not in wf or not triggers(wf):
                print(f"{f}: not a workflow (no `on:` or no `jobs:`)")
        except yaml.YAMLError as e:
            print(f"{f}: {str(e).splitlines()[0]}")

def cmd_make_targets(_):
    found = set()
    for f in workflows():
        for _, _, step in steps(load(f)):
            for toks in commands(step.get("run") or ""):
                if toks[0] == "make":
                    found.update(make_targets(toks))
    print("\n".join(sorted(found)))

def sets_output(toks):
    """`echo NAME=VALUE >> "$GITHUB_OUTPUT"`: setting a variable, not logic."""
    return toks[0] == "echo" and toks[-2:-1] == [">>"] and toks[-1] == "$GITHUB_OUTPUT"

def cmd_kit_steps(_):
    """Every run: step is make calls (or sets a step output); a step named
    `Bootstrap...` may install make itself."""
    for f in workflows():
        for job_id, _, step in steps(load(f)):
            run, name = step.get("run"), str(step.get("name", ""))
            if run is None or name.startswith("Bootstrap"):
                continue
            for toks in commands(run):
                if toks[0] != "make" and not sets_output(toks):
                    print(f"{f}: job {job_id}, step '{name}': runs '{' '.join(toks)}', not a make target")

def check_pattern(where, pat):
    p = str(pat).lstrip("!")
    prefix = re.split(r"[*?\[{]", p, maxsplit=1)[0]
    if not prefix.strip("/"):
        print(f"{where}: '{pat}' matches everything")
    elif not (os.path.exists(prefix.rstrip("/")) or glob.glob(glob.escape(prefix) + "*")):
        print(f"{where}: '{pat}': nothing at '{prefix}'")

def cmd_filters(_):
    """dorny/paths-filter filters and the triggers' paths: name existing paths."""
    for f in workflows():
        for event, spec in triggers(load(f)).items():
            for pat in (spec or {}).get("paths", []) if isinstance(spec, dict) else []:
                check_pattern(f"{f}: on.{event}.paths", pat)
        for job_id, _, step in steps(load(f)):
            if not str(step.get("uses", "")).startswith("dorny/paths-filter@"):
                continue
            filters = (step.get("with") or {}).get("filters")
            if not filters:
                print(f"{f}: job {job_id}: paths-filter without filters")
                continue
            spec = load(filters) if os.path.isfile(filters) else yaml.safe_load(filters)
            for name, pats in spec.items():
                for pat in pats if isinstance(pats, list) else [pats]:
                    if isinstance(pat, dict):
                        pat = next(iter(pat.values()))
                    check_pattern(f"{f}: filter {name}", pat)

def cmd_reusable(_):
    """Calls of local reusable workflows pass declared inputs, all required ones,
    and read only outputs the called workflow declares."""
    for f in workflows():
        wf = load(f)
        callee_of = {}
        for job_id, job in (wf.get("jobs") or {}).items():
            uses = str(job.get("uses", ""))
            if not uses.startswith("./"):
                continue
            if not os.path.isfile(uses):
                print(f"{f}: job {job_id}: {uses} does not exist")
                continue
            call = triggers(load(uses)).get("workflow_call") or {}
            declared = call.get("inputs") or {}
            callee_of[job_id] = call.get("outputs") or {}
            given = job.get("with") or {}
            for k in given:
                if k not in declared:
                    print(f"{f}: job {job_id}: input '{k}' is not declared by {uses}")
            for k, spec in declared.items():
                if spec.get("required") and k not in given:
                    print(f"{f}: job {job_id}: required input '{k}' of {uses} not given")
                if spec.get("type") == "boolean" and k in given and not (
                        isinstance(given[k], bool) or "${{" in str(given[k])):
                    print(f"{f}: job {job_id}: input '{k}' must be a boolean")
        text = open(f, encoding="utf-8").read()
        for job, out in re.findall(r"needs\.([\w-]+)\.outputs\.([\w-]+)", text):
            if job in callee_of and out not in callee_of[job]:
                print(f"{f}: needs.{job}.outputs.{out}: the called workflow has no output '{out}'")

def cmd_permissions(_):
    for f in workflows():
        wf = load(f)
        text = open(f, encoding="utf-8").read()
        if re.search(r"(write|read)-all", text):
            print(f"{f}: uses read-all/write-all")
        top = wf.get("permissions")
        if reusable_only(wf):
            if top is not None:
                print(f"{f}: a reusable workflow should leave permissions to its callers")
        elif not isinstance(top, dict) or top.get("contents") != "read":
            print(f"{f}: workflow permissions must be the default `contents: read`, got {top!r}")
        elif any(v != "read" for v in top.values()):
            print(f"{f}: workflow-level permissions grant more than read: {top!r}")
        for job_id, job in (wf.get("jobs") or {}).items():
            perms = job.get("permissions")
            if reusable_only(wf):
                if perms is not None:
                    print(f"{f}: job {job_id}: permissions belong to the calling job")
                continue
            if not isinstance(perms, dict):
                print(f"{f}: job {job_id}: no job-level permissions")
                continue
            for scope, level in perms.items():
                if level not in ("read", "write", "none"):
                    print(f"{f}: job {job_id}: {scope}: {level!r}")

def cmd_concurrency(_):
    for f in workflows():
        wf = load(f)
        if reusable_only(wf):
            continue
        c = wf.get("concurrency")
        if not isinstance(c, dict) or "github." not in str(c.get("group", "")):
            print(f"{f}: no concurrency group keyed on the run's ref or workflow")

def cmd_pins(_):
    for f in workflows():
        for line_no, line in enumerate(open(f, encoding="utf-8"), 1):
            m = re.match(r"\s*(?:-\s*)?uses:\s*['\"]?([^'\"\s#]+)", line)
            if not m or m.group(1).startswith(("./", "docker://")):
                continue
            ref = m.group(1)
            if "@" not in ref:
                print(f"{f}:{line_no}: {ref} is not pinned")
            elif not re.fullmatch(r"v\d+(\.\d+)*|\d+\.\d+\.\d+|[0-9a-f]{40}", ref.split("@", 1)[1]):
                print(f"{f}:{line_no}: {ref}: pin a version (vN, x.y.z or a commit)")

def expr(value, matrix):
    """${{ matrix.x }} -> its value in this leg ('' when the leg has none)."""
    return re.sub(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}",
                  lambda m: str(matrix.get(m.group(1), "")), str(value))

def legs(strategy):
    m = dict(strategy.get("matrix") or {})
    include, exclude = m.pop("include", []) or [], m.pop("exclude", []) or []
    axes = list(m)
    combos = [dict(zip(axes, v)) for v in itertools.product(*(m[a] for a in axes))]
    combos = [c for c in combos if not any(all(c.get(k) == v for k, v in e.items()) for e in exclude)]
    for inc in include:
        matched = False
        for c in combos:
            if all(c.get(k) == v for k, v in inc.items() if k in axes):
                c.update({k: v for k, v in inc.items() if k not in axes})
                matched = True
        if not matched:
            combos.append(dict(inc))
    return combos

def cmd_matrix_legs(args):
    """One line a leg and make step: NAME<TAB>ENV (k=v;...)<TAB>command."""
    wf = load(args[0])
    for job_id, job in wf["jobs"].items():
        for leg in legs(job.get("strategy") or {}):
            env = ";".join(f"{k}={expr(v, leg)}" for k, v in (job.get("env") or {}).items())
            name = expr(job.get("name", job_id), leg)
            for step in job.get("steps") or []:
                for toks in commands(step.get("run") or ""):
                    if toks[0] == "make":
                        print(f"{name}\t{env}\t{' '.join(shlex.quote(t) for t in toks)}")

def cmd_matrix_axes(args):
    m = load(args[0])["jobs"]["probes"]["strategy"]["matrix"]
    print("cc=" + ",".join(m["cc"]))
    print("build=" + ",".join(m["build"]))
    print("os=" + ",".join(m["os"]))
    print("legs=" + " ".join(sorted(f"{l['cc']}-{l['build']}-{l['os']}:{l.get('image', '')}"
                                    for l in legs({"matrix": m}))))

def cmd_triggers(args):
    for k, v in triggers(load(args[0])).items():
        print(f"{k}={v!r}")

globals()["cmd_" + sys.argv[1].replace("-", "_")](sys.argv[2:])
PY
wf() { python3 "$TEST_TMP/wf.py" "$@"; }

# ---- the files -----------------------------------------------------------------
for f in _reusable-build.yml messaging-images.yml messaging-release.yml probes.yml; do
    ok_if "$f exists" test -f "$WF/$f"
done
run wf yaml
is "$ALL" "" "every workflow is valid YAML with on: and jobs:"

# ---- actionlint ------------------------------------------------------------------
run mk/scripts/actionlint.sh
is "$RC" 0 "actionlint: every workflow is clean"
[ "$RC" -eq 0 ] || diag "$ALL"

mkdir -p "$TEST_TMP/bad"
cat >"$TEST_TMP/bad/broken.yml" <<'YML'
name: broken
on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-24.04
    needs: nowhere
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depthh: 1
      - run: echo $UNQUOTED
YML
check_cmd "actionlint catches an unknown job in needs" 1 'job "nowhere" which does not exist' \
    mk/scripts/actionlint.sh "$TEST_TMP/bad/broken.yml"
like "$ALL" 'input "fetch-depthh" is not defined' "actionlint checks action inputs"
like "$ALL" 'SC2086' "shellcheck runs over run: blocks"
check_cmd "actionlint names a missing file" 1 'no such file' mk/scripts/actionlint.sh "$TEST_TMP/none.yml"

# ---- make targets --------------------------------------------------------------
help=$(make --no-print-directory help 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | awk '/^  [^ ]/ { print $1 }' | sort -u)
called=$(wf make-targets)
like "$called" '^deps$' "the workflows call make targets (found: ${called//$'\n'/ })"
missing=$(comm -23 <(echo "$called") <(echo "$help"))
is "$missing" "" "every make target a workflow calls is in make help"
[ -z "$missing" ] || diag "missing from make help: ${missing//$'\n'/ }"
for t in actionlint ci-probes-test ci-release-meta ci-release-notes; do
    like "$help" "^$t\$" "make help lists $t"
done

run wf kit-steps
is "$ALL" "" "every step that runs the kit is a make call"

# ---- path filters, reusable workflow calls ---------------------------------------
run wf filters
is "$ALL" "" "every paths-filter pattern and trigger path names an existing folder or file"
run wf reusable
is "$ALL" "" "reusable workflow calls: declared inputs, required inputs given, declared outputs read"

# ---- permissions, concurrency, pins ---------------------------------------------
run wf permissions
is "$ALL" "" "least-privilege permissions: contents: read by default, the rest per job"
like "$(grep -n 'write' "$WF/messaging-release.yml")" 'contents: write' "only the release job writes contents"
is "$(grep -c 'contents: write' "$WF"/*.yml | awk -F: '{ s += $2 } END { print s }')" 1 \
    "contents: write appears exactly once (the GitHub release)"
run wf concurrency
is "$ALL" "" "every triggered workflow has a concurrency group"
run wf pins
is "$ALL" "" "every action is pinned to a version"

# ---- the checks above catch what they look for (a broken copy) ---------------------
broken=$TEST_TMP/broken
mkdir -p "$broken/.github" "$broken/services/cache"
cp -r "$WF" "$broken/.github/"
cp -r tools "$broken/"
python3 - "$broken/.github/workflows" <<'PY'
import sys
d = sys.argv[1]
def edit(name, old, new):
    p = f"{d}/{name}"
    s = open(p, encoding="utf-8").read()
    assert old in s, f"{name}: '{old}' not found"
    open(p, "w", encoding="utf-8").write(s.replace(old, new, 1))
edit("messaging-images.yml", "permissions:\n  contents: read\n", "permissions: write-all\n")
edit("messaging-images.yml", "      image: ghcr.io/arc-framework/arc-flash\n",
     "      image: ghcr.io/arc-framework/arc-flash\n      no-such-input: 1\n")
edit("messaging-images.yml", "services/streaming/**", "services/steaming/**")
edit("messaging-images.yml", "probes-image: ${{ needs.probes.outputs.image }}",
     "probes-image: ${{ needs.probes.outputs.imagee }}")
edit("probes.yml", "actions/checkout@v4", "actions/checkout@main")
edit("probes.yml", '"tests/unit/**"', '"tests/units/**"')
edit("probes.yml", "run: make deps", "run: mk/scripts/deps.sh build test")
edit("messaging-release.yml", "concurrency:", "x-no-concurrency:")
edit("messaging-release.yml", "make ci-release-meta", "make ci-release-metaa")
PY
bwf() { (cd "$broken" && python3 "$TEST_TMP/wf.py" "$@"); }
run bwf permissions
like "$ALL" 'messaging-images.yml: uses read-all/write-all' "broken copy: write-all is caught"
run bwf reusable
like "$ALL" "input 'no-such-input' is not declared" "broken copy: an undeclared reusable input is caught"
like "$ALL" "no output 'imagee'" "broken copy: reading an undeclared reusable output is caught"
run bwf filters
like "$ALL" "services/steaming/\*\*': nothing at 'services/steaming/'" "broken copy: a filter on a missing folder is caught"
like "$ALL" "on.push.paths: 'tests/units/\*\*': nothing" "broken copy: a trigger path on a missing folder is caught"
run bwf pins
like "$ALL" 'actions/checkout@main: pin a version' "broken copy: an unpinned action is caught"
run bwf kit-steps
like "$ALL" "runs 'mk/scripts/deps.sh build test', not a make target" "broken copy: a step that is not make is caught"
run bwf concurrency
like "$ALL" 'messaging-release.yml: no concurrency group' "broken copy: a missing concurrency group is caught"
run bwf make-targets
like "$ALL" '^ci-release-metaa$' "broken copy: a mistyped make target is listed (and so not in make help)"

# ---- triggers ----------------------------------------------------------------------
run wf triggers "$WF/messaging-release.yml"
is "$ALL" "push={'tags': ['messaging/v*']}" "the release runs on messaging/v* tags"
run wf triggers "$WF/messaging-images.yml"
like "$ALL" "push=\{'branches': \['main', 'dev'\]\}" "images: push to main and dev"
like "$ALL" "pull_request=\{'branches': \['main'\]\}" "images: pull requests to main"
like "$ALL" "workflow_dispatch=.*'options': \['ci', 'release'\]" "images: manual run with mode ci|release"

# ---- release tag logic -------------------------------------------------------------
check_cmd "make ci-release-meta: messaging/v0.1.0" 0 '' \
    make --no-print-directory ci-release-meta TAG=messaging/v0.1.0
is "$OUT" "tag=messaging/v0.1.0
component=messaging
version=0.1.0
image-tag=messaging-v0.1.0
prerelease=false
latest=true" "messaging/v0.1.0 -> messaging-v0.1.0, 0.1.0, not a prerelease, latest"

check_cmd "meta: messaging/v0.2.0-rc.1" 0 '' $release meta messaging/v0.2.0-rc.1
like "$OUT" '^image-tag=messaging-v0.2.0-rc.1$' "rc tag -> image tag messaging-v0.2.0-rc.1"
like "$OUT" '^version=0.2.0-rc.1$' "rc tag -> version 0.2.0-rc.1"
like "$OUT" 'prerelease=true' "rc tag -> prerelease"
like "$OUT" 'latest=false' "rc tag -> not latest"
check_cmd "meta: refs/tags/ prefix accepted" 0 'version=1.22.333' $release meta refs/tags/messaging/v1.22.333

for bad in messaging/0.1.0 messaging/v1.2 v0.1.0 messaging-v0.1.0 messaging/v0.1.0+build.1 \
    messaging/v01.0.0 'messaging/v0.1.0-' 'messaging/v0.1.0;id' ''; do
    check_cmd "meta: bad tag '$bad' -> clear error, exit 64" 64 "bad release tag|no tag given" $release meta "$bad"
    is "$OUT" "" "meta: bad tag '$bad' prints nothing on stdout"
done
# make itself exits 2 when a recipe fails.
check_cmd "make ci-release-meta without TAG fails" 2 'no tag given' make --no-print-directory ci-release-meta
check_cmd "make ci-release-meta: a quote in TAG is data, not shell" 2 "bad release tag 'messaging/v1[.]0[.]0''" \
    make --no-print-directory ci-release-meta "TAG=messaging/v1.0.0'"

d1=sha256:$(printf 'a%.0s' $(seq 64))
d2=sha256:$(printf 'b%.0s' $(seq 64))
check_cmd "make ci-release-notes: image table" 0 '' make --no-print-directory ci-release-notes \
    TAG=messaging/v0.1.0 IMAGES="ghcr.io/arc-framework/arc-probes@$d1 ghcr.io/arc-framework/arc-flash@$d2"
like "$OUT" '^## messaging 0.1.0' "notes: title"
like "$OUT" "\| \`ghcr.io/arc-framework/arc-flash\` \| \`messaging-v0.1.0\`, \`latest\` \| \`$d2\` \|" \
    "notes: a row with image, tags and digest"
like "$OUT" "docker pull ghcr.io/arc-framework/arc-probes:messaging-v0.1.0" "notes: pull command"
check_cmd "notes: prerelease says so and has no latest" 0 'Pre-release' \
    $release notes messaging/v0.2.0-rc.1 "ghcr.io/arc-framework/arc-sonic@$d1"
unlike "$OUT" '`messaging-v0.2.0-rc.1`, `latest`' "notes: prerelease rows carry no latest tag"
check_cmd "notes: an image without digest (build did not push) -> error" 64 'not IMAGE@sha256' \
    $release notes messaging/v0.1.0 "ghcr.io/arc-framework/arc-flash@"

# ---- the probes matrix --------------------------------------------------------------
run wf matrix-axes "$WF/probes.yml"
like "$OUT" '^cc=gcc,clang$' "probes matrix: gcc and clang"
like "$OUT" '^build=release,asan$' "probes matrix: release and asan builds"
like "$OUT" '^os=debian,alpine$' "probes matrix: Debian and Alpine axes"
like "$OUT" 'legs=clang-asan-debian:debian:bookworm clang-release-debian:debian:bookworm gcc-asan-debian:debian:bookworm gcc-release-debian:debian:bookworm$' \
    "probes matrix: four Debian (bookworm container) legs; Alpine excluded"
like "$(grep -B2 -A6 'exclude:' "$WF/probes.yml")" 'nats\.c' "the Alpine exclusion says why (nats.c not packaged)"

# Each leg's make commands, with its matrix values, must resolve (make -n).
wf matrix-legs "$WF/probes.yml" >"$TEST_TMP/legs"
is "$(wc -l <"$TEST_TMP/legs")" 12 "4 legs x 3 make steps (deps, tools, ci-probes-test)"
like "$(cat "$TEST_TMP/legs")" 'clang asan \(debian\)	CC=clang;LEG_SAN=asan	make tools .?CC=\$CC.? .?SAN=\$LEG_SAN' \
    "the clang ASan leg builds with CC=clang SAN=asan"
while IFS=$'\t' read -r leg env cmd; do
    IFS=';' read -r -a vars <<<"$env"
    run env "${vars[@]}" bash -c "${cmd/make/make -n --no-print-directory}"
    is "$RC" 0 "make -n resolves for leg '$leg': $cmd"
    [ "$RC" -eq 0 ] || diag "$ERR"
done <"$TEST_TMP/legs"
# The ASan leg builds ASan objects; the release leg does not.
run env CC=clang bash -c 'make -n --no-print-directory tools CC="$CC" SAN=asan'
like "$OUT" 'fsanitize=address,undefined' "asan leg: -fsanitize=address,undefined"
like "$OUT" 'clang' "asan leg: compiled by clang"
run env CC=gcc bash -c 'make -n --no-print-directory ci-probes-test CC="$CC" SAN=asan'
like "$OUT" 'tests/asan' "ci-probes-test SAN=asan runs tests/asan"
unlike "$OUT" 'prove.*tests/probes' "ci-probes-test SAN=asan does not rerun the release tests"
run env CC=gcc bash -c 'make -n --no-print-directory ci-probes-test CC="$CC" SAN='
like "$OUT" 'prove.*tests/probes' "ci-probes-test (release) runs tests/probes"
like "$OUT" 'ARC_BIN=[^ ]*/build/gcc-release/bin CC=gcc .*prove' "ci-probes-test (release) tests the gcc release build"

done_testing
