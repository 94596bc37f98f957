#!/usr/bin/env bash
# The native runtime when something stands in the way: a port taken by another process,
# a service that cannot run here (strange without PULSAR_HOME), a bad state folder; and
# strange with a Pulsar distribution — played by a STAND-IN (bin/pulsar running the
# admin-REST stand-in of tests/standin/pulsar; NOT Apache Pulsar), to check the wiring:
# the generated standalone.conf, the command line, the environment and the health check.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/native-lib.sh
. "$(dirname "$0")/native-lib.sh"
native_setup
runtime=$KIT/mk/scripts/runtime-native.sh

# ---- a port already taken -------------------------------------------------------------
start_hang
check_cmd "make up with sonic's port taken fails" 2 \
    "sonic: port $HANG_PORT \(redis\) on 127\.0\.0\.1 is already in use by another process" \
    env ARC_SONIC_PORT="$HANG_PORT" make -C "$KIT" --no-print-directory up
if command -v ss >/dev/null; then
    like "$ALL" "pid [0-9]+ \(python3\)" "... naming the process that holds it"
else
    skip "ss (iproute2) not installed: the holder of a port is not named"
fi
like "$ALL" "ARC_SONIC_PORT=<port>" "... and the variable that moves sonic"
is "$(sv_pid)" "" "... before anything was started (no supervisord)"
is "$(state_procs)" "" "... and no process of the state folder"
ok_if "... and no data made (oracle's initdb did not run)" test ! -e "$STATE/data/oracle"
check_cmd "make flash-up with the monitoring port taken fails" 2 \
    "flash: port $HANG_PORT \(monitor\)" \
    env ARC_FLASH_MONITOR_PORT="$HANG_PORT" make -C "$KIT" --no-print-directory flash-up

# ---- a service that cannot run here -------------------------------------------------------
check_cmd "make strange-up without PULSAR_HOME fails" 2 \
    'strange: not started: PULSAR_HOME is not set.*remedy: set PULSAR_HOME=.*or use Docker' nmake strange-up
check_cmd "runtime-native.sh up strange exits 1" 1 'PULSAR_HOME is not set' \
    env ARC_ROOT="$KIT" "$runtime" up strange
check_cmd "PULSAR_HOME that is no distribution: the reason" 2 \
    "PULSAR_HOME=$TEST_TMP is not a Pulsar distribution" env PULSAR_HOME="$TEST_TMP" make -C "$KIT" --no-print-directory strange-up
check_cmd "a profile-wide up skips it, exit 0 (runtime alone)" 0 'strange: not started: PULSAR_HOME is not set' \
    env ARC_ROOT="$KIT" ARC_PROFILE_UP=1 "$runtime" up strange
check_cmd "make status says why strange is not started" 0 'strange +- +not started: PULSAR_HOME is not set' nmake status

# ---- missing packages, as root: installed through mk/scripts/deps.sh native ----------------
if [ "$(id -u)" -eq 0 ]; then
    # A recording deps.sh in the copy "installs" nats-server onto a private PATH entry.
    fakebin=$TEST_TMP/fakebin
    mkdir -p "$fakebin"
    cp "$KIT/mk/scripts/deps.sh" "$TEST_TMP/deps.sh.real"
    cat >"$KIT/mk/scripts/deps.sh" <<EOF
#!/usr/bin/env bash
echo "deps.sh \$*" >>"$TEST_TMP/deps.calls"
ln -sf "$(command -v nats-server)" "$fakebin/nats-server"
EOF
    check_cmd "as root, a missing package is installed (deps.sh native), then the service starts" 0 \
        'installing nats-server \(for flash\).*' env PATH="$fakebin:/usr/bin:/bin" make -C "$KIT" --no-print-directory flash-up
    like "$ALL" "arc-flash is healthy" "... and flash is healthy"
    is "$(cat "$TEST_TMP/deps.calls" 2>/dev/null)" "deps.sh native" "... through 'deps.sh native'"
    check_cmd "flash-down" 0 'arc-flash stopped' nmake flash-down
    cp "$TEST_TMP/deps.sh.real" "$KIT/mk/scripts/deps.sh"
else
    skip "not root: installing packages is tested by nonroot.t's counterpart (the command is named)"
fi

# ---- a bad state folder ----------------------------------------------------------------
check_cmd "ARC_STATE_DIR with a space is refused" 2 "ARC_STATE_DIR='$TEST_TMP/a b'.*no spaces" \
    env ARC_STATE_DIR="$TEST_TMP/a b" make -C "$KIT" --no-print-directory sonic-up
long=$TEST_TMP/$(printf 'x%.0s' $(seq 90))
check_cmd "an ARC_STATE_DIR too long for unix sockets is refused" 2 "too long for unix socket paths" \
    env ARC_STATE_DIR="$long" make -C "$KIT" --no-print-directory sonic-up

# ---- strange with a (stand-in) Pulsar distribution -------------------------------------
home=$TEST_TMP/pulsar-standin
mkdir -p "$home/bin" "$home/conf" "$TEST_TMP/jdk/bin"
printf '%s\n' '# stand-in conf' 'brokerServicePort=6650' 'webServicePort=8080' 'clusterName=standalone' \
    '#bindAddress=0.0.0.0' >"$home/conf/standalone.conf"
printf '#!/bin/sh\necho "stand-in java"\n' >"$TEST_TMP/jdk/bin/java"
cat >"$home/bin/pulsar" <<EOF
#!/usr/bin/env bash
# STAND-IN for bin/pulsar (tests only; NOT Apache Pulsar): records how it was started and
# serves the admin-REST stand-in on the configured webServicePort.
printf '%s\n' "\$*" >"$TEST_TMP/pulsar.args"
env | grep -E '^(PULSAR_|JAVA_HOME)' | sort >"$TEST_TMP/pulsar.env"
web=\$(sed -n 's/^webServicePort=//p' "\$PULSAR_STANDALONE_CONF" | tail -n 1)
exec python3 "$ARC_ROOT/tests/standin/pulsar/pulsar_standin.py" --port "\$web"
EOF
chmod +x "$home/bin/pulsar" "$TEST_TMP/jdk/bin/java"
export PULSAR_HOME=$home JAVA_HOME=$TEST_TMP/jdk

check_cmd "make strange-up with the stand-in distribution exits 0" 0 'arc-strange is healthy' nmake strange-up
conf=$STATE/run/strange/standalone.conf
like "$(cat "$conf")" "^webServicePort=$ARC_STRANGE_ADMIN_PORT" "standalone.conf: the admin port is ARC_STRANGE_ADMIN_PORT"
like "$(cat "$conf")" "^brokerServicePort=$ARC_STRANGE_PORT" "standalone.conf: the broker port is ARC_STRANGE_PORT"
like "$(cat "$conf")" "^bindAddress=127\.0\.0\.1" "standalone.conf: bound to 127.0.0.1"
like "$(cat "$conf")" "clusterName=standalone" "standalone.conf: the distribution's other settings kept"
args=$(cat "$TEST_TMP/pulsar.args" 2>/dev/null || true)
like "$args" "^standalone --no-functions-worker --no-stream-storage" "bin/pulsar standalone, without functions worker and stream storage"
like "$args" "--metadata-dir $STATE/data/strange/metadata --bookkeeper-dir $STATE/data/strange/bookkeeper" \
    "Pulsar's data in the state folder"
like "$(cat "$TEST_TMP/pulsar.env")" "PULSAR_MEM=-Xms512m -Xmx1024m -XX:MaxDirectMemorySize=512m" "PULSAR_MEM as in compose"
like "$(cat "$TEST_TMP/pulsar.env")" "JAVA_HOME=$TEST_TMP/jdk" "JAVA_HOME passed on"
check_cmd "make strange-health exits 0" 0 'pulsaradm OK' nmake strange-health
check_cmd "make strange-status: running (or still starting, to supervisor), healthy" 0 'strange +arc-strange pid [0-9]+ +(running|starting) +healthy' nmake status
pid=$(prog_pid strange)
check_cmd "make strange-down exits 0" 0 'arc-strange stopped' nmake strange-down
ok_if "the stand-in process is gone" bash -c "! kill -0 ${pid:-0} 2>/dev/null"
is "$(sv_pid)" "" "supervisord stopped with nothing left"
# A server that dies at once: up fails naming it, with its log, and leaves nothing running.
printf '#!/bin/sh\necho "stand-in: cannot start"\nexit 3\n' >"$home/bin/pulsar"
check_cmd "a program that dies at once: strange-up fails naming it" 2 'arc-strange did not start' nmake strange-up
like "$ALL" "stand-in: cannot start" "... showing the end of its log"
is "$(sv_pid)" "" "... and leaves no supervisord retrying in the background"
JAVA_HOME=$TEST_TMP/nojdk
check_cmd "JAVA_HOME without bin/java: the reason" 2 "JAVA_HOME=$TEST_TMP/nojdk has no bin/java" nmake strange-up

done_testing
