#!/usr/bin/env bash
# Runtime dispatch and the docker runtime.
# - Every runtime-specific target goes through mk/scripts/svc.sh to
#   mk/scripts/runtime-<runtime>.sh: proven with a recording runtime in a private copy
#   of the kit (ARC_RUNTIME=native pointing at it), including order, one-shots, and the
#   clean confirmation; a missing runtime and a bad ARC_RUNTIME give clear errors.
# - Compose detection: plugin first, then docker-compose, else what to install.
# - make .env never overwrites.
# - runtime-docker.sh for real (when a Docker engine answers), on tiny test services of
#   a private copy (containers arc-t*<pid>, a local image; no upstream image involved):
#   network, wait for healthy with a bound, idempotent up, status, logs, down keeps the
#   volume, clean asks, an unhealthy or slow service is named with its health log.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/kit-lib.sh
. "$(dirname "$0")/kit-lib.sh"
need_cmd make python3

kit_copy
rm -f "$KIT"/services/cortex/*.mk "$KIT"/mk/scripts/runtime-native.sh
# In this copy cortex is a one-shot (kind: oneshot: no container, a command run last), so
# that the one-shot mechanics are tested too; the kit's own cortex is a service.
cat >"$KIT/services/cortex/service.yaml" <<'YAML'
name: arc-cortex
codename: cortex
tech: bootstrap
role: cortex
kind: oneshot
description: a one-shot for this test
depends_on: [oracle, flash, strange, sonic]
YAML
calls=$TEST_TMP/calls
export ARC_TEST_CALLS=$calls

# ---- no native runtime yet / bad ARC_RUNTIME ---------------------------------------------
check_cmd "ARC_RUNTIME=native without runtime-native.sh: clear error" 2 \
    'native runtime not available yet: mk/scripts/runtime-native.sh does not exist' \
    env ARC_RUNTIME=native make -C "$KIT" sonic-up
check_cmd "ARC_RUNTIME=bogus: clear error listing the choices" 2 "ARC_RUNTIME='bogus' is not one of: auto, docker, native" \
    env ARC_RUNTIME=bogus make -C "$KIT" sonic-status

# ---- a recording runtime: what svc.sh hands over, in which order ---------------------------
cat >"$KIT/mk/scripts/runtime-native.sh" <<'EOF'
#!/usr/bin/env bash
# Test runtime: records each call; status answers like a real runtime.
echo "$*${ARC_PROFILE_UP:+ (profile)}" >>"$ARC_TEST_CALLS"
if [ "$1" = status ]; then
    shift
    for c in "$@"; do printf '%s\tproc-%s\trunning\thealthy\t-\t127.0.0.1:1->1\n' "$c" "$c"; done
fi
EOF
chmod +x "$KIT/mk/scripts/runtime-native.sh"
export ARC_RUNTIME=native
calls_are() { # "what" expected-lines
    is "$(cat "$calls" 2>/dev/null)" "$2" "$1"
    : >"$calls"
}
: >"$calls"
for a in build up down logs status shell; do
    kmake "sonic-$a" >/dev/null
done
calls_are "sonic-build/up/down/logs/status/shell go to the runtime" \
    $'build sonic\nup sonic\ndown sonic\nlogs sonic\nstatus sonic\nshell sonic'
kmake messaging-up >/dev/null
kmake messaging-down >/dev/null
kmake messaging-logs >/dev/null
calls_are "messaging-up/down/logs: flash, strange, sonic (up as a group; then their states, for the started events)" \
    $'up flash strange sonic (profile)\nstatus flash strange sonic (profile)\ndown flash strange sonic\nlogs flash strange sonic'

# One-shots run what their service.yaml names (run:), directly, once the services are up.
check_cmd "make up: the profile's services, dependencies first (a one-shot without run: is named)" 0 \
    'cortex: nothing to run' kmake up
like "$ALL" 'note: flash2 flash3 friday oracle2 still running outside profile think' \
    "make up names the services of other profiles the runtime reports running"
calls_are "make up asks for the others' states, starts oracle (cortex's dependency) with flash, strange, sonic, as a profile, then shows the status table" \
    $'status flash2 flash3 friday oracle2\nup oracle flash strange sonic (profile)\nstatus oracle flash strange sonic (profile)\nstatus oracle flash strange sonic'
# shellcheck disable=SC2016 # the script expands these when it runs
printf '#!/bin/sh\necho "ONESHOT RAN ($*) after: $(tail -n 1 "$ARC_TEST_CALLS")"\n' >"$KIT/services/cortex/oneshot.sh"
chmod +x "$KIT/services/cortex/oneshot.sh"
printf 'run: [oneshot.sh, "two words"]\n' >>"$KIT/services/cortex/service.yaml"
check_cmd "make up runs the one-shot's run: last, from its folder, with its arguments" 0 \
    'ONESHOT RAN \(two words\) after: status oracle flash strange sonic \(profile\)' kmake up
# Hooks (service.yaml hooks:) run after up and before down, from the service's folder.
# shellcheck disable=SC2016 # the script expands these when it runs
printf '#!/bin/sh\necho "HOOK $1, calls so far: $(wc -l <"$ARC_TEST_CALLS")"\n' >"$KIT/services/cache/hook.sh"
chmod +x "$KIT/services/cache/hook.sh"
printf 'hooks:\n  after_up: [hook.sh, after-up]\n  before_down: [hook.sh, before-down]\n' >>"$KIT/services/cache/service.yaml"
: >"$calls"
check_cmd "make up runs sonic's after_up hook once the services are up" 0 \
    'HOOK after-up, calls so far: 2' kmake up
: >"$calls"
check_cmd "make down runs sonic's before_down hook before stopping anything" 0 \
    'HOOK before-down, calls so far: 0' kmake down
: >"$calls"
check_cmd "make sonic-up runs the hook too" 0 'HOOK after-up, calls so far: 1' kmake sonic-up
cp "$ARC_ROOT/services/cache/service.yaml" "$KIT/services/cache/service.yaml"
: >"$calls"
check_cmd "make up PROFILE=reason on a non-docker runtime: friday's exporter hook steps aside" 0 \
    'exporters: the metrics exporters run on the docker runtime only: skipped' kmake up PROFILE=reason
check_cmd "make down PROFILE=reason: the hook steps aside and the services are stopped" 0 \
    'exporters: .*skipped' kmake down PROFILE=reason
like "$(cat "$calls")" "down .*sonic.*friday|down .*friday" "make down PROFILE=reason reached the runtime"
: >"$calls"
: >"$calls"
kmake down >/dev/null
kmake ps >/dev/null
kmake logs >/dev/null
calls_are "make down/ps/logs over the profile (one-shots have none)" \
    $'down oracle flash strange sonic (profile)\nps oracle flash strange sonic\nlogs oracle flash strange sonic'
check_cmd "make status: one table with the runtime's rows and the one-shot" 0 \
    'SERVICE +CONTAINER +STATE +HEALTH +ROLE +PORTS' kmake status
like "$OUT" 'runtime: native \(ARC_RUNTIME=native\)' "make status names the runtime"
like "$OUT" 'sonic +proc-sonic +running +healthy +- +127\.0\.0\.1:1->1' "make status shows the runtime's status row"
like "$OUT" 'cortex +- +one-shot' "make status lists the one-shot cortex"
: >"$calls"

# Clean: asks; without a terminal refuses (and calls nothing) unless YES=1.
check_cmd "make sonic-clean without a terminal refuses, saying YES=1" 2 'sonic-clean: refusing .*YES=1' kmake sonic-clean
check_cmd "make clean without a terminal refuses, saying YES=1" 2 'clean: refusing .*make clean YES=1' kmake clean
calls_are "... and nothing was handed to the runtime" ''
kmake sonic-clean YES=1 >/dev/null
kmake clean YES=1 >/dev/null
calls_are "with YES=1 clean goes to the runtime" $'clean sonic\nclean oracle flash strange sonic'
if command -v script >/dev/null; then
    run script -qec "make -C '$KIT' --no-print-directory sonic-clean" /dev/null <<<"n"
    like "$ALL" 'Delete ALL data of: sonic\? .*\[y/N\]' "on a terminal sonic-clean asks"
    calls_are "... and an answer other than y removes nothing" ''
fi

check_cmd "make info: URLs follow the port variables" 0 'redis://127\.0\.0\.1:16379' \
    env ARC_SONIC_PORT=16379 make -C "$KIT" info
like "$OUT" 'http://127\.0\.0\.1:8082' "make info: Pulsar admin on 8082 (host 8080 stays free)"
like "$OUT" 'postgresql://arc@127\.0\.0\.1:5432/arc' "make info: the PostgreSQL URL has no password"

# ---- .env -------------------------------------------------------------------------------------
check_cmd "make .env creates each service's .env from .env.example" 0 'created services/cache/.env' kmake .env
ok_if "services/cache/.env is a copy of .env.example" cmp -s "$KIT/services/cache/.env.example" "$KIT/services/cache/.env"
echo 'ARC_SONIC_PORT=1234' >"$KIT/services/cache/.env"
check_cmd "make .env again keeps existing files" 0 'kept +services/cache/.env' kmake .env
is "$(cat "$KIT/services/cache/.env")" 'ARC_SONIC_PORT=1234' "... without overwriting them"

# ---- compose detection -------------------------------------------------------------------------
fakebin=$TEST_TMP/fakebin
mkdir -p "$fakebin"
for t in bash dirname tr cat; do ln -sf "$(command -v "$t")" "$fakebin/$t"; done
check_cmd "no compose at all: says what to install" 1 'no Docker Compose found: install the Compose plugin .* docker-compose' \
    env PATH="$fakebin" bash "$ARC_ROOT/mk/scripts/compose.sh" --which
printf '#!/bin/sh\nexit 0\n' >"$fakebin/docker-compose"
chmod +x "$fakebin/docker-compose"
check_cmd "only docker-compose: it is used" 0 '^docker-compose$' env PATH="$fakebin" bash "$ARC_ROOT/mk/scripts/compose.sh" --which
cat >"$fakebin/docker" <<'EOF'
#!/bin/sh
[ "$1 $2" = "compose version" ] && echo "Docker Compose version v2" && exit 0
exit 1
EOF
chmod +x "$fakebin/docker"
check_cmd "the docker compose plugin is preferred" 0 '^docker compose$' env PATH="$fakebin" bash "$ARC_ROOT/mk/scripts/compose.sh" --which
check_cmd "compose.sh --all lists both" 0 '' env PATH="$fakebin" bash "$ARC_ROOT/mk/scripts/compose.sh" --all
is "$(printf '%s' "$OUT" | tr '\n' ',')" 'docker compose,docker-compose' "... the plugin first"
check_cmd "COMPOSE=... (ARC_COMPOSE) overrides the detection" 0 '^docker-compose$' \
    env PATH="$fakebin:$PATH" make -C "$KIT" compose-which COMPOSE=docker-compose

# ---- the docker runtime, for real ---------------------------------------------------------------
unset ARC_RUNTIME
if ! timeout 20 docker info >/dev/null 2>&1 ||
    { ! command -v docker-compose >/dev/null && ! docker compose version >/dev/null 2>&1; }; then
    skip "no Docker engine (or no compose) here: the docker runtime is not run"
    done_testing
    exit
fi
export ARC_RUNTIME=docker ARC_ROOT=$KIT
img="arc-kittest-mini:$$"
ok_c="tok$$" bad_c="tbad$$" slow_c="tslow$$"
on_exit "docker rm -f arc-$ok_c arc-$bad_c arc-$slow_c; docker volume rm arc-$ok_c-data arc-$bad_c-data arc-$slow_c-data; docker rmi -f $img"
mini_image "$img"
port=$(free_port)
# test_service CODENAME HEALTH-TEST START_PERIOD: a service folder in the copy.
test_service() {
    local d="$KIT/services/test-$1"
    mkdir -p "$d"
    cat >"$d/service.yaml" <<EOF
name: arc-$1
codename: $1
tech: test
role: test
kind: service
up_timeout: 60
ports: [{name: web, host: $port, container: 8000, env: ARC_TEST_PORT}]
health: {probe: none}
EOF
    cat >"$d/docker-compose.yml" <<EOF
services:
  $1:
    image: $img
    container_name: arc-$1
    command: ["/bin/sh", "-c", "echo hello from $1; : >/tmp/ok; while :; do sleep 1; done"]
    ports: ["127.0.0.1:\${ARC_TEST_PORT:-$port}:8000"]
    volumes: ["arc-$1-data:/data"]
    networks: [arc_platform_net]
    healthcheck: {test: ["CMD", "/bin/sh", "-c", "$2"], interval: 1s, timeout: 2s, retries: 1, start_period: $3}
volumes:
  arc-$1-data: {name: arc-$1-data}
networks:
  arc_platform_net: {external: true, name: arc_platform_net}
EOF
}
test_service "$ok_c" "test -f /tmp/ok" 0s
svc() { "$KIT/mk/scripts/svc.sh" "$@"; }

check_cmd "runtime-docker up: starts and waits until healthy" 0 "arc-$ok_c is healthy" svc up "$ok_c"
ok_if "the network arc_platform_net exists" quiet docker network inspect arc_platform_net
is "$(docker inspect -f '{{.State.Health.Status}}' "arc-$ok_c")" healthy "docker says healthy too"
is "$(docker port "arc-$ok_c" 8000/tcp)" "127.0.0.1:$port" "the host port is bound to 127.0.0.1"
id1=$(docker inspect -f '{{.Id}}' "arc-$ok_c")
check_cmd "up a second time: 0" 0 "arc-$ok_c is healthy" svc up "$ok_c"
is "$(docker inspect -f '{{.Id}}' "arc-$ok_c")" "$id1" "... and the container was not recreated"
check_cmd "status: one tab-separated row" 0 "^$ok_c	arc-$ok_c	running	healthy	-	127\\.0\\.0\\.1:$port->8000\$" svc status "$ok_c"
check_cmd "logs: the container's output" 0 "hello from $ok_c" env FOLLOW=0 "$KIT/mk/scripts/svc.sh" logs "$ok_c"
check_cmd "ps: the container" 0 "arc-$ok_c" svc ps "$ok_c"
check_cmd "shell: runs in the container (ARC_SHELL=command)" 0 '^1$' \
    env ARC_SHELL="grep -c ^root: /etc/passwd" "$KIT/mk/scripts/svc.sh" shell "$ok_c"
check_cmd "down: removes the container" 0 '' svc down "$ok_c"
ok_if "... no container left" bash -c "! docker inspect arc-$ok_c >/dev/null 2>&1"
ok_if "... the volume is kept" quiet docker volume inspect "arc-$ok_c-data"
check_cmd "status after down: absent, configured ports" 0 "^$ok_c	arc-$ok_c	absent	-	-	127\\.0\\.0\\.1:$port->8000\$" svc status "$ok_c"
check_cmd "clean without a terminal refuses" 1 'refusing .*YES=1' svc clean "$ok_c"
ok_if "... and keeps the volume" quiet docker volume inspect "arc-$ok_c-data"
check_cmd "clean with YES=1 removes the volume" 0 '' env YES=1 "$KIT/mk/scripts/svc.sh" clean "$ok_c"
ok_if "... gone" bash -c "! docker volume inspect arc-$ok_c-data >/dev/null 2>&1"

test_service "$bad_c" "exit 1" 0s
check_cmd "up: an unhealthy service fails, named, with its health log" 1 "arc-$bad_c failed to become healthy" svc up "$bad_c"
like "$ERR" "last healthcheck of arc-$bad_c" "... showing the healthcheck and the logs"
svc down "$bad_c" >/dev/null 2>&1

test_service "$slow_c" "exit 1" 120s
check_cmd "up: a service still starting after ARC_UP_TIMEOUT fails, named" 1 \
    "arc-$slow_c is not healthy after 3s .*ARC_UP_TIMEOUT" env ARC_UP_TIMEOUT=3 "$KIT/mk/scripts/svc.sh" up "$slow_c"
within 30 "... bounded"
like "$OUT" "waiting for healthy" "... with progress"
svc down "$slow_c" >/dev/null 2>&1

done_testing
