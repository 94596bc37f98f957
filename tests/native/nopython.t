#!/usr/bin/env bash
# The kit's commands need no python3 of the user's (issue 15): on the native runtime,
# `make up`, status, health, info, logs, bootstrap, sonic-down/up/health/status and down
# work (a) in an activated virtualenv that lacks PyYAML, and (b) with no python3 on PATH
# at all — a PATH of symlinks to every program but python*, with a `python3` and a
# `python` first that log their call and fail: the log must stay empty. supervisord and
# supervisorctl keep their `#!/usr/bin/python3` (Debian's package runs on the system's
# Python, by its absolute path): that is not the kit calling python3 from PATH.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/native-lib.sh
. "$(dirname "$0")/native-lib.sh"
native_setup
# cortex's server too gets a free port (native_setup predates it).
export ARC_CORTEX_PORT
ARC_CORTEX_PORT=$(free_port)
[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 (the system's Python, for the virtualenv) is not installed"

orig_path=$PATH
calls=$TEST_TMP/python-calls.log
: >"$calls"

# ---- (b)'s PATH: every program of PATH but python*, behind a logging python3 ---------------
shim=$TEST_TMP/shim
farm=$TEST_TMP/farm
mkdir -p "$shim" "$farm"
for p in python3 python; do
    # A python3 that is not there: records who called it, then fails as "not found" would.
    cat >"$shim/$p" <<'EOF'
#!/bin/sh
printf '%s %s (parent: %s)\n' "$0" "$*" "$(tr '\0' ' ' </proc/$PPID/cmdline)" >>@LOG@
exit 127
EOF
    sed -i "s|@LOG@|'$calls'|" "$shim/$p" # the log's path written in: whatever the environment
    chmod +x "$shim/$p"
done
IFS=: read -r -a path_dirs <<<"$orig_path"
for d in "${path_dirs[@]}"; do
    case "$d" in *pyenv* | *conda* | *virtualenv* | "") continue ;; esac
    [ -d "$d" ] || continue
    for f in "$d"/*; do
        n=${f##*/}
        case "$n" in python*) continue ;; esac
        if [ -x "$f" ] && [ ! -d "$f" ] && [ ! -e "$farm/$n" ]; then ln -s "$f" "$farm/$n"; fi
    done
done
nopy_path=$shim:$farm

# ---- (a) a virtualenv without PyYAML --------------------------------------------------------
venv=$TEST_TMP/venv
/usr/bin/python3 -m venv --without-pip "$venv" >/dev/null 2>&1 ||
    bail_out "python3 -m venv --without-pip failed (package python3-venv?)"

# kit_commands WHAT: every kit command, in the PATH of the moment.
kit_commands() {
    local what=$1 c
    check_cmd "$what: make up exits 0" 0 'arc-sonic is healthy' nmake up
    for c in flash sonic oracle; do
        like "$ALL" "arc-$c is healthy" "$what: make up: $c is healthy"
    done
    like "$ALL" "strange: not started: PULSAR_HOME is not set" "$what: make up: strange not started, with the reason"
    check_cmd "$what: make status exits 0" 0 'runtime: native' nmake status
    for c in flash sonic oracle; do
        like "$OUT" "${c}[[:space:]]+arc-$c pid [0-9]+[[:space:]]+running[[:space:]]+healthy" "$what: make status: $c running and healthy"
    done
    # strange (Pulsar) cannot run natively: health fails by design, naming it, and only it.
    check_cmd "$what: make health fails naming strange (not runnable natively), only strange" 2 \
        'strange( \(pulsar\))? unhealthy' nmake health
    like "$ALL" "flash \(nats\) healthy" "$what: make health: flash healthy"
    like "$ALL" "sonic \(redis\) healthy" "$what: make health: sonic healthy"
    like "$ALL" "oracle \(postgres\) healthy" "$what: make health: oracle healthy"
    like "$ALL" "^[a-z ]+: strange\$" "$what: make health: its summary names strange, and only strange"
    unlike "$ALL" "^(flash|sonic|oracle)[^:]* unhealthy" "$what: make health: no other service unhealthy"
    check_cmd "$what: make info exits 0" 0 'runtime native' nmake info
    check_cmd "$what: make logs FOLLOW=0 exits 0" 0 'Ready to accept connections' nmake logs FOLLOW=0
    check_cmd "$what: make bootstrap exits 0" 0 'all phases ok' nmake bootstrap
    check_cmd "$what: make sonic-down exits 0" 0 'arc-sonic stopped' nmake sonic-down
    check_cmd "$what: make sonic-up exits 0" 0 'arc-sonic is healthy' nmake sonic-up
    check_cmd "$what: make sonic-health exits 0" 0 'sonic \(redis\) healthy' nmake sonic-health
    check_cmd "$what: make sonic-status exits 0" 0 'sonic[[:space:]]+arc-sonic pid [0-9]+[[:space:]]+running[[:space:]]+healthy' nmake sonic-status
    check_cmd "$what: make down exits 0" 0 'supervisord stopped' nmake down
    is "$(state_procs)" "" "$what: make down: no process of the state folder is left"
}

# ---- (a) ----------------------------------------------------------------------------------
export VIRTUAL_ENV_DISABLE_PROMPT=1
# shellcheck disable=SC1091  # made above
. "$venv/bin/activate"
is "$(command -v python3)" "$venv/bin/python3" "(a) python3 on PATH is the virtualenv's"
run python3 -c 'import yaml'
isnt "$RC" 0 "(a) the virtualenv's python3 has no PyYAML"
kit_commands "(a) venv without PyYAML"
deactivate
is "$(command -v python3)" "$(PATH=$orig_path command -v python3)" "(a) deactivated"

# ---- (b) ----------------------------------------------------------------------------------
PATH=$nopy_path
hash -r
is "$(command -v python3)" "$shim/python3" "(b) python3 on PATH is only the logging stand-in"
is "$(find "$farm" -name 'python*' | wc -l)" "0" "(b) no python* among the other programs of PATH"
run python3 -c 'pass'
is "$RC" 127 "(b) the stand-in fails as a missing python3 would"
like "$(cat "$calls")" "python3 -c pass" "(b) ... and logs the call"
: >"$calls"
kit_commands "(b) no python3"
PATH=$orig_path
hash -r
is "$(cat "$calls")" "" "(b) the kit never called python3 (or python) from PATH"

done_testing
