#!/usr/bin/env bash
# The native runtime as a regular user (the usual developer's case; under root the test
# runs as `nobody`): a missing package is named with the command that installs it (and
# nothing is installed), and oracle (PostgreSQL runs as the user itself, no `postgres`
# account needed) and sonic come up and go down.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/native-lib.sh
. "$(dirname "$0")/native-lib.sh"
native_setup

user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
    id nobody >/dev/null 2>&1 || skip_all "no 'nobody' account to run as"
    user=nobody
fi
mkdir -p "$STATE"
chown "$user" "$STATE"
# as_test_user CMD...: CMD as that user, with the test's environment and a system PATH.
as_test_user() {
    local envs=(PATH="${TEST_PATH:-/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}" HOME="$STATE"
        ARC_RUNTIME=native ARC_STATE_DIR="$STATE" ARC_BIN="$ARC_BIN" ARC_ORACLE_PASSWORD="$ARC_ORACLE_PASSWORD"
        ARC_ORACLE_PORT="$ARC_ORACLE_PORT" ARC_SONIC_PORT="$ARC_SONIC_PORT" ARC_FLASH_PORT="$ARC_FLASH_PORT"
        ARC_FLASH_MONITOR_PORT="$ARC_FLASH_MONITOR_PORT")
    if [ "$user" = "$(id -un)" ]; then env -i "${envs[@]}" "$@"; else runuser -u "$user" -- env -i "${envs[@]}" "$@"; fi
}
note "running as $user"

# nats-server lives in /usr/sbin on Debian: without it on PATH, it is "missing".
TEST_PATH=/usr/bin:/bin check_cmd "a missing package is named, with the install command" 1 \
    'missing packages for flash: nats-server' as_test_user "$KIT/mk/scripts/runtime-native.sh" up flash
like "$ALL" "apt-get install -y --no-install-recommends nats-server" "... and the command that installs it"
is "$(sv_pid)" "" "... and nothing was started"

check_cmd "oracle-up and sonic-up as $user exit 0" 0 'arc-sonic is healthy' \
    as_test_user make -C "$KIT" --no-print-directory oracle-up sonic-up
like "$ALL" "arc-oracle is healthy" "oracle is healthy"
pg_pid=$(prog_pid oracle)
is "$(stat -c %U "/proc/${pg_pid:-0}" 2>/dev/null)" "$user" "postgres runs as $user"
is "$(stat -c %U "$STATE/data/oracle")" "$user" "PGDATA belongs to $user"
is "$(pg_sql 'SELECT 1')" "1" "oracle answers over TCP with the password"
check_cmd "down as $user exits 0" 0 'supervisord stopped' as_test_user make -C "$KIT" --no-print-directory down
is "$(state_procs)" "" "no process of the state folder is left"

done_testing
