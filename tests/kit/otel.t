#!/usr/bin/env bash
# friday (observability): the collector config, the SigNoz compose file, the metrics add-ons,
# the collector's Dockerfile, service.yaml and the otel make targets.
# No image can be pulled here, so the stack is not started: the compose files are validated
# and read back through `docker compose config` / `docker-compose config`, and otel-health
# runs against a real HTTP server standing where the collector's health_check would be.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source-path=SCRIPTDIR source=../fixtures/otel/httpd.sh
. "$ARC_ROOT/tests/fixtures/otel/httpd.sh"

need_cmd python3 make
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is not installed (run 'make deps')"

OTEL=$ARC_ROOT/services/otel
CONFIG=$OTEL/telemetry/config/otel-collector-config.yaml
FIX=$ARC_ROOT/tests/fixtures/otel
cd "$ARC_ROOT"

# py_checks ARGS...: tests/fixtures/otel/check_otel.py; one TAP result per line it prints.
py_checks() {
    local out status what why
    if ! out=$(python3 "$FIX/check_otel.py" "$@" 2>&1); then
        fail "check_otel.py $1 ran" "$out"
        return 0
    fi
    while IFS=$'\t' read -r status what why; do
        case $status in
        ok) pass "$what" ;;
        "not ok") fail "$what" "$why" ;;
        *) fail "check_otel.py $1 printed an unexpected line" "$status $what $why" ;;
        esac
    done <<<"$out"
}

# ---- the collector config ------------------------------------------------------------
py_checks collector "$CONFIG" "$FIX/pipelines.before.yaml"

# ---- compose files: every implementation present validates them ----------------------
impls=()
if docker compose version >/dev/null 2>&1; then impls+=("docker compose"); fi
if command -v docker-compose >/dev/null 2>&1; then impls+=("docker-compose"); fi
[ ${#impls[@]} -gt 0 ] || bail_out "neither 'docker compose' nor docker-compose is installed (run 'make deps')"
: >"$TEST_TMP/empty.env"

# The kit's environment as mk/scripts/lib.sh sets it (the probes image and the version).
# shellcheck disable=SC2016  # expanded by the inner bash
read -r KIT_PROBES KIT_VERSION < <(env -i PATH="$PATH" HOME="$HOME" ARC_ROOT="$ARC_ROOT" bash -c \
    '. mk/scripts/lib.sh && printf "%s %s\n" "$ARC_PROBES_IMAGE" "$ARC_VERSION"')

# compose IMPL ARGS...: with a clean environment (but the kit's, and the cluster name the ha
# profile's nodes require) and no .env, so defaults are what is read.
compose() {
    local impl=$1
    shift
    # shellcheck disable=SC2086  # "docker compose" is two words
    env -i PATH="$PATH" HOME="$HOME" ARC_PROBES_IMAGE="$KIT_PROBES" ARC_VERSION="$KIT_VERSION" \
        ARC_FLASH_CLUSTER=otel-test $impl --env-file "$TEST_TMP/empty.env" "$@"
}

addons=(services/*/docker-compose.metrics.yml)
for impl in "${impls[@]}"; do
    run compose "$impl" -f services/otel/docker-compose.yml config -q
    is "$RC" 0 "$impl: services/otel/docker-compose.yml validates${ERR:+ ($ERR)}"
    for a in "${addons[@]}"; do
        run compose "$impl" -f "$a" config -q
        is "$RC" 0 "$impl: $a validates on its own${ERR:+ ($ERR)}"
        run compose "$impl" -f "$(dirname "$a")/docker-compose.yml" -f "$a" config -q
        is "$RC" 0 "$impl: $a validates beside $(dirname "$a")/docker-compose.yml${ERR:+ ($ERR)}"
    done
done
like "${addons[*]}" 'services/messaging/docker-compose.metrics.yml' "the NATS exporter add-on exists"
like "${addons[*]}" 'services/cache/docker-compose.metrics.yml' "the Redis exporter add-on exists"

# resolve FILE: the config as compose reads it (file name in RESOLVED, appended to
# resolved[]), for the YAML checks.
resolved=()
resolve() {
    RESOLVED="$TEST_TMP/resolved.$(printf '%s' "$1" | tr '/' '_')"
    if { printf '# source: %s\n' "$1"; compose "${impls[0]}" -f "$1" config; } >"$RESOLVED" 2>"$RESOLVED.err"; then
        resolved+=("$RESOLVED")
    else
        fail "${impls[0]} config $1" "$(cat "$RESOLVED.err")"
    fi
}
STACK=""
for f in services/*/docker-compose.yml "${addons[@]}"; do
    resolve "$f"
    [ "$f" != services/otel/docker-compose.yml ] || STACK=$RESOLVED
done

py_checks stack "$STACK"
py_checks targets "$CONFIG" "${resolved[@]}"
py_checks exporters "${resolved[@]}"
py_checks service "$OTEL/service.yaml" "$STACK"
py_checks dockerfile "$OTEL/telemetry/Dockerfile" "$STACK"
py_checks files "$OTEL" "$STACK"

# .env.example documents every variable the otel compose files read, and no other.
used=$(cat services/otel/docker-compose.yml "${addons[@]}" | grep -o '[$][{]ARC_[A-Z0-9_]*' | cut -c3- | sort -u)
documented=$(sed -n 's/^#\{0,1\}\(ARC_[A-Z0-9_]*\)=.*/\1/p' services/otel/.env.example | sort -u)
# ARC_PROBES_IMAGE and ARC_VERSION come from the kit's environment (mk/scripts/lib.sh), which
# wins over a folder's .env: they are documented in docs/kit.md, not in .env.example.
is "$(comm -23 <(printf '%s\n' "$used") <(printf '%s\n' "$documented") |
    grep -v -x -e ARC_SONIC_PASSWORD -e ARC_PROBES_IMAGE -e ARC_VERSION | tr '\n' ' ')" "" \
    ".env.example documents every variable of the otel compose files (but those the kit sets)"
is "$(comm -13 <(printf '%s\n' "$used") <(printf '%s\n' "$documented") | tr '\n' ' ')" "" \
    ".env.example has no variable the compose files ignore"

# ---- the collector image, built on the default path ---------------------------------------
# The shipped Dockerfile and compose file, unchanged and with no image variable: the kit's
# compose.sh gives ARC_PROBES_IMAGE=arc-probes:<VERSION> and ARC_VERSION, and the engine
# pulls the Dockerfile's BASE_IMAGE default by its upstream name. No registry is reachable
# here, so a local registry set as the engine's mirror (tests/lib/mirror.sh) serves a
# STAND-IN under that name: tests/e2e/standin/collector, which reproduces docs/upstream.md's
# facts for the collector image (user, entrypoint, command, ports) and answers the
# health_check port; it is not the SigNoz collector.
# shellcheck source-path=SCRIPTDIR source=../lib/upstream.sh
. "$ARC_ROOT/tests/lib/upstream.sh"
collector_image_checks() {
    local base tag img standin cid hc
    base=$(sed -n 's/^ARG BASE_IMAGE=//p' "$OTEL/telemetry/Dockerfile")
    if ! upstream_has "$base"; then
        fail "the collector's BASE_IMAGE $base is a section of docs/upstream.md"
        return 0
    fi
    if ! docker image inspect "$KIT_PROBES" >/dev/null 2>&1; then
        skip "$KIT_PROBES (the kit's probes image) is not built: the collector image is not built here (the e2e tests build it; or make probes-image)"
        return 0
    fi
    local why=""
    [ "$(id -u)" -eq 0 ] || why="not root (the registry mirror edits the engine's daemon.json)"
    [ -n "$why" ] || pgrep -x dockerd >/dev/null || why="no local dockerd to give a registry mirror"
    [ -n "$why" ] || command -v docker-registry >/dev/null || why="docker-registry is not installed (mk/scripts/deps.sh test)"
    [ -n "$why" ] || command -v jq >/dev/null || why="jq is not installed"
    if [ -z "$why" ]; then
        case $(docker info --format '{{json .RegistryConfig.Mirrors}}' 2>/dev/null) in
        '' | '[]' | null) ;;
        *) why="the engine has registry mirrors set already (another test's mirror, or the user's): not replacing them" ;;
        esac
    fi
    [ -n "$why" ] || docker image inspect arc-standin/debian:trixie >/dev/null 2>&1 ||
        "$ARC_ROOT/tests/e2e/standin/debian/build.sh" trixie >&2 || why="the Debian stand-in base did not build"
    if [ -n "$why" ]; then
        skip "the collector image is not built on the default path: $why"
        return 0
    fi

    # The stand-in, and what it reproduces of docs/upstream.md.
    standin=arc-standin/collector
    run docker build -q --force-rm -t "$standin" "$ARC_ROOT/tests/e2e/standin/collector"
    is "$RC" 0 "the collector stand-in builds (tests/e2e/standin/collector)${ERR:+: $ERR}"
    [ "$RC" = 0 ] || return 0
    upstream_fact "$base" user >/dev/null && is "$(docker inspect -f '{{.Config.User}}' "$standin")" \
        "$(upstream_fact "$base" user)" "stand-in: USER as $base's ($(upstream_source "$base" user))"
    is "$(docker inspect -f '{{json .Config.Entrypoint}}' "$standin" | tr -d ' ')" \
        "$(upstream_fact "$base" entrypoint | tr -d ' ')" "stand-in: ENTRYPOINT as $base's ($(upstream_source "$base" entrypoint))"
    is "$(docker inspect -f '{{json .Config.Cmd}}' "$standin" | tr -d ' ')" \
        "$(upstream_fact "$base" cmd | tr -d ' ')" "stand-in: CMD as $base's ($(upstream_source "$base" cmd))"
    is "$(docker inspect -f '{{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}' "$standin" | sed 's|/tcp||g; s/ $//')" \
        "$(upstream_fact "$base" expose)" "stand-in: EXPOSE as $base's ($(upstream_source "$base" expose))"
    run docker run --rm "$standin" --no-such-flag
    like "$ERR" 'STAND-IN.*not the SigNoz collector' "stand-in: /signoz-collector says it is a stand-in"

    # Served under the upstream name by the mirror; the kit builds on its default.
    # shellcheck source-path=SCRIPTDIR source=../lib/mirror.sh
    . "$ARC_ROOT/tests/lib/mirror.sh"
    mirror_start
    mirror_forget "$base"
    on_exit "mirror_forget $base"
    if ! docker image inspect "$base" >/dev/null 2>&1; then
        ok_if "the mirror serves the stand-in as $base" mirror_push "$base" "$standin"
    else
        skip "$base is present here and is not a stand-in: built on it as it is"
    fi
    tag="t$$-$RANDOM"
    img="arc-friday:$tag"
    on_exit "docker rmi -f $img"
    run env -i PATH="$PATH" HOME="$HOME" ARC_FRIDAY_TAG="$tag" DOCKER_HOST="${DOCKER_HOST:-}" \
        mk/scripts/compose.sh -p "arc-test-friday-$tag" -f services/otel/docker-compose.yml build arc-friday-collector
    is "$RC" 0 "compose.sh builds arc-friday-collector ($img) with no image variable set"
    [ "$RC" = 0 ] || { diag "$ALL"; return 0; }
    is "$(docker inspect -f '{{index .Config.Labels "org.opencontainers.image.base.name"}}' "$img")" "$base" \
        "the image's base.name label is the documented $base"
    is "$(docker inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}} {{index .Config.Labels "arc.service.codename"}}' "$img")" \
        "$KIT_VERSION friday" "labels: version from VERSION ($KIT_VERSION), codename friday"
    like "$(docker inspect -f '{{index .Config.Labels "arc.standin"}}' "$img")" 'stand-in' \
        "it was built on the stand-in pulled through the mirror (label arc.standin inherited)"
    is "$(docker inspect -f '{{json .Config.Entrypoint}}' "$img" | tr -d ' ')" \
        "$(upstream_fact "$base" entrypoint | tr -d ' ')" \
        "the image's Entrypoint is $base's ($(upstream_source "$base" entrypoint))"
    is "$(docker inspect -f '{{.Config.User}}' "$img")" "$(upstream_fact "$base" uid)" \
        "the image runs as $base's uid ($(upstream_source "$base" uid))"
    is "$(docker inspect -f '{{index .Config.Cmd 0}}' "$img")" "--config=/etc/otel/config.yaml" \
        "the collector starts on the baked config"

    cid=$(docker create "$img" 2>/dev/null || true)
    if [ -n "$cid" ]; then
        on_exit "docker rm -f $cid"
        mkdir -p "$TEST_TMP/img"
        for f in /etc/otel/config.yaml /etc/otel/manager-config.yaml /usr/local/bin/httpprobe; do
            docker cp "$cid:$f" "$TEST_TMP/img/$(basename "$f")" >/dev/null 2>&1 || true
        done
        ok_if "the image holds the repository's collector config" cmp -s "$TEST_TMP/img/config.yaml" "$CONFIG"
        ok_if "the image holds the OpAMP config" \
            cmp -s "$TEST_TMP/img/manager-config.yaml" "$OTEL/telemetry/config/opamp-config.yaml"
        ok_if "the image holds httpprobe" test -s "$TEST_TMP/img/httpprobe"
        docker rm -f "$cid" >/dev/null
    else
        fail "docker create $img"
    fi

    # Started as built (entrypoint + CMD), the compose healthcheck's command passes inside it.
    mapfile -t hc < <(python3 -c 'import sys, yaml
t = yaml.safe_load(open(sys.argv[1]))["services"]["arc-friday-collector"]["healthcheck"]["test"]
print("\n".join(t[1:] if t[0] == "CMD" else []))' "$STACK")
    cid=$(docker run -d "$img")
    on_exit "docker rm -f $cid"
    for _ in $(seq 20); do
        run docker exec "$cid" "${hc[@]}"
        [ "$RC" != 0 ] || break
        sleep 0.5
    done
    is "$RC" 0 "the compose healthcheck (${hc[*]}) passes inside the running image when health_check answers${ERR:+: $ERR}"
    is "$(docker exec "$cid" id -u 2>&1)" "$(upstream_fact "$base" uid)" \
        "the running collector is uid $(upstream_fact "$base" uid) ($(upstream_source "$base" uid))"
    run docker run --rm --entrypoint "${hc[0]}" "$img" "${hc[@]:1}"
    is "$RC" 1 "the healthcheck command fails inside the image when nothing answers"
    docker rm -f "$cid" >/dev/null
}
if docker info >/dev/null 2>&1; then
    collector_image_checks
else
    skip "no Docker engine answers: the image build is not checked"
fi

# ---- scripts -------------------------------------------------------------------------------
if command -v shellcheck >/dev/null 2>&1; then
    for s in services/otel/stack.sh services/otel/clickhouse/init-histogram-quantile.sh \
        tests/kit/otel.t tests/probes/httpprobe.t tests/asan/httpprobe.t tests/fixtures/otel/httpd.sh; do
        run shellcheck -x "$s"
        is "$RC" 0 "shellcheck $s${OUT:+: $OUT}"
    done
else
    skip "shellcheck is not installed"
fi

# ---- make targets --------------------------------------------------------------------------
targets=(otel-build otel-up otel-down otel-health otel-status otel-logs otel-ps otel-shell otel-clean otel-help)
run make help
is "$RC" 0 "make help"
section=$(printf '%s\n' "$OUT" | sed -n '/^otel — /,/^$/p')
like "$section" '^otel — friday' "make help has the otel section"
for t in otel-logs otel-ps otel-clean otel-help; do
    like "$section" "^  $t +[^ ]" "make help describes $t"
done
run make otel-help
is "$RC" 0 "make otel-help"
like "$OUT" '^otel — friday' "otel-help shows the otel section"
unlike "$OUT" 'General|Probes|Tests' "otel-help shows no other section"
run make friday-help
like "$OUT" '^friday — ' "friday-help shows friday's own section (the targets every service has)"
like "$OUT" '  friday-up ' "... with friday-up"
phony=$( (make -pRrq -f Makefile : 2>/dev/null || true) | sed -n 's/^\.PHONY: //p' | tr ' ' '\n')
for t in "${targets[@]}" friday-up friday-down friday-health friday-clean friday-help; do
    if printf '%s\n' "$phony" | grep -qx "$t"; then pass "$t is .PHONY"; else fail "$t is .PHONY"; fi
    run make -n "$t"
    is "$RC" 0 "make -n $t${ERR:+: $ERR}"
done
run make -n otel-up
like "$OUT" 'svc\.sh up friday' "otel-up is friday-up: svc.sh up friday (network, compose, wait for healthy, hooks)"
# The exporters are friday's hooks (service.yaml), which svc.sh runs after up and before down.
run "$ARC_BIN/svcmeta" --root "$ARC_ROOT" resolve reason
like "$OUT" "\[friday\]='[^']*/services/otel/stack.sh exporters up'" "friday's after_up hook starts the exporters (stack.sh exporters up)"
like "$OUT" "\[friday\]='[^']*/services/otel/stack.sh exporters down'" "friday's before_down hook removes them (stack.sh exporters down)"

# otel-clean without a terminal and without YES=1 refuses before any compose command.
fake=$TEST_TMP/fake-compose
cat >"$fake" <<EOF
#!/usr/bin/env bash
printf '%s\n' "\$*" >>"$TEST_TMP/compose.log"
case " \$* " in *" config "*) exec docker-compose "\$@" ;; esac
EOF
chmod +x "$fake"
: >"$TEST_TMP/compose.log"
run env ARC_COMPOSE="$fake" ARC_RUNTIME_RESOLVED=docker make otel-clean
isnt "$RC" 0 "otel-clean without a terminal refuses"
like "$ERR" "otel-clean: refusing .*YES=1" "the refusal says how to confirm"
is "$(cat "$TEST_TMP/compose.log")" "" "nothing was run by the refused otel-clean"

# The exporters join their own service's project (where ARC_COMPOSE_OVERLAYS=metrics puts
# them too), only the exporter services, beside the service's compose file.
: >"$TEST_TMP/compose.log"
run env ARC_COMPOSE="$fake" ARC_RUNTIME_RESOLVED=docker services/otel/stack.sh exporters up
is "$RC" 0 "stack.sh exporters up (compose recorded, not run)${ERR:+: $ERR}"
log=$(grep -v ' config ' "$TEST_TMP/compose.log" || true)
like "$log" "^-p arc-flash --project-directory $ARC_ROOT/services/messaging -f $ARC_ROOT/services/messaging/docker-compose.yml -f $ARC_ROOT/services/messaging/docker-compose.metrics.yml up -d flash-exporter$" \
    "the NATS exporter starts in project arc-flash"
like "$log" "^-p arc-sonic .* -f $ARC_ROOT/services/cache/docker-compose.metrics.yml up -d sonic-exporter$" \
    "the Redis exporter starts in project arc-sonic"
: >"$TEST_TMP/compose.log"
run env ARC_COMPOSE="$fake" ARC_RUNTIME_RESOLVED=docker services/otel/stack.sh exporters down
like "$(grep -v ' config ' "$TEST_TMP/compose.log")" "^-p arc-flash .* rm -s -f flash-exporter$" \
    "exporters down removes only the exporters"
check_cmd "stack.sh refuses an unknown action" 1 "usage: stack.sh" services/otel/stack.sh nope
# ARC_COMPOSE_OVERLAYS=metrics lays the add-on over the service's own compose file; the profile's
# docker-compose.<profile>.yml (flash under ha) is laid over it the same way.
m=$ARC_ROOT/services/messaging
: >"$TEST_TMP/compose.log"
run env ARC_COMPOSE="$fake" ARC_RUNTIME_RESOLVED=docker ARC_COMPOSE_OVERLAYS=metrics mk/scripts/runtime-docker.sh down flash
like "$(cat "$TEST_TMP/compose.log")" "^-p arc-flash --project-directory $m -f $m/docker-compose.yml -f $m/docker-compose.metrics.yml down$" \
    "ARC_COMPOSE_OVERLAYS=metrics: flash's project with docker-compose.metrics.yml laid over it"
: >"$TEST_TMP/compose.log"
run env ARC_COMPOSE="$fake" ARC_RUNTIME_RESOLVED=docker ARC_PROFILE=ha mk/scripts/runtime-docker.sh down flash sonic
like "$(cat "$TEST_TMP/compose.log")" "^-p arc-flash --project-directory $m -f $m/docker-compose.yml -f $m/docker-compose.ha.yml down$" \
    "profile ha: flash's project with docker-compose.ha.yml laid over it"
like "$(cat "$TEST_TMP/compose.log")" "^-p arc-sonic --project-directory [^ ]* -f [^ ]*/services/cache/docker-compose.yml down$" \
    "profile ha: sonic, with no ha file, as it is"

# otel-health: the probe from the host, against a real HTTP server on the health port.
need_probe httpprobe
start_httpd
check_cmd "otel-health: healthy when the health_check answers 200" 0 \
    "friday \(otel-collector\) healthy: httpprobe OK http http://127.0.0.1:$HTTPD_PORT/: HTTP 200" \
    make otel-health ARC_FRIDAY_HEALTH_PORT="$HTTPD_PORT"
like "$(cat "$HTTPD_LOG")" "^GET / httpprobe/" "the server saw the probe's GET /"
stop_httpd
check_cmd "otel-health: unhealthy, naming friday, when nothing answers" 2 \
    "friday \(otel-collector\) unhealthy: .*Connection refused" \
    make otel-health ARC_FRIDAY_HEALTH_PORT="$HTTPD_PORT"
start_hang
check_cmd "otel-health: unhealthy when the port accepts and never answers" 2 "timed out" \
    make otel-health ARC_FRIDAY_HEALTH_PORT="$HANG_PORT" ARC_HEALTH_TIMEOUT=1
within 4 "otel-health is bounded by ARC_HEALTH_TIMEOUT against a silent port"

# ---- docs -------------------------------------------------------------------------------------
if [ -f docs/otel.md ]; then
    doc=$(cat docs/otel.md)
    like "$doc" '127\.0\.0\.1:3301' "docs/otel.md names the SigNoz UI address"
    like "$doc" 'make otel-up' "docs/otel.md shows make otel-up"
    like "$doc" '/varz' "docs/otel.md explains the NATS exporter"
else
    fail "docs/otel.md exists"
fi

done_testing
