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

# compose IMPL ARGS...: with a clean environment and no .env, so defaults are what is read.
compose() {
    local impl=$1
    shift
    # shellcheck disable=SC2086  # "docker compose" is two words
    env -i PATH="$PATH" HOME="$HOME" $impl --env-file "$TEST_TMP/empty.env" "$@"
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
is "$(comm -23 <(printf '%s\n' "$used") <(printf '%s\n' "$documented") | grep -v -e '^ARC_SONIC_PASSWORD$' | tr '\n' ' ')" "" \
    ".env.example documents every variable of the otel compose files"
is "$(comm -13 <(printf '%s\n' "$used") <(printf '%s\n' "$documented") | tr '\n' ' ')" "" \
    ".env.example has no variable the compose files ignore"

# ---- the collector image, built by compose ---------------------------------------------------
# No registry here: the base image is a stand-in imported from a tarball (the Dockerfile has
# no RUN, so an empty base is enough to check what it puts where). The probes image is the
# kit's own arc-probes:<VERSION> when `make probes-image` has built it (then the healthcheck
# command runs inside the image against a real HTTP server), else a stand-in too.
if docker info >/dev/null 2>&1; then
    tag="t$$-$RANDOM"
    probes="arc-probes:$(tr -d ' \n' <VERSION)"
    docker image inspect "$probes" >/dev/null 2>&1 || probes=""
    mkdir -p "$TEST_TMP/sb/probes/usr/local/bin" "$TEST_TMP/sb/base"
    printf 'stand-in probe\n' >"$TEST_TMP/sb/probes/usr/local/bin/httpprobe"
    chmod 755 "$TEST_TMP/sb/probes/usr/local/bin/httpprobe"
    printf 'stand-in collector\n' >"$TEST_TMP/sb/base/signoz-otel-collector"
    on_exit "docker rmi -f arc-friday:$tag arc-test-otel-base:$tag arc-test-otel-probes:$tag"
    tar -C "$TEST_TMP/sb/base" -c . | docker import - "arc-test-otel-base:$tag" >/dev/null
    if [ -z "$probes" ]; then
        probes="arc-test-otel-probes:$tag"
        tar -C "$TEST_TMP/sb/probes" -c . | docker import - "$probes" >/dev/null
    fi
    run env ARC_FRIDAY_TAG="$tag" ARC_FRIDAY_BASE_IMAGE="arc-test-otel-base:$tag" ARC_PROBES_IMAGE="$probes" \
        "${impls[0]}" -p "arc-test-friday-$tag" -f services/otel/docker-compose.yml build friday
    is "$RC" 0 "compose builds arc-friday:$tag (probes from $probes)"
    [ "$RC" = 0 ] || diag "$ALL"
    is "$(docker inspect -f '{{.Config.User}}' "arc-friday:$tag" 2>&1)" 10001 "the image runs as USER 10001"
    is "$(docker inspect -f '{{index .Config.Labels "arc.service.codename"}} {{index .Config.Labels "org.opencontainers.image.base.name"}}' "arc-friday:$tag" 2>&1)" \
        "friday arc-test-otel-base:$tag" "labels: codename friday, base image from the build argument"
    is "$(docker inspect -f '{{json .Config.Entrypoint}} {{index .Config.Cmd 0}}' "arc-friday:$tag" 2>&1)" \
        '["/signoz-otel-collector"] --config=/etc/otel/config.yaml' "the collector starts on the baked config"
    cid=$(docker create "arc-friday:$tag" 2>/dev/null || true)
    if [ -n "$cid" ]; then
        on_exit "docker rm -f $cid"
        mkdir -p "$TEST_TMP/img"
        for f in /etc/otel/config.yaml /etc/otel/manager-config.yaml /usr/local/bin/httpprobe; do
            docker cp "$cid:$f" "$TEST_TMP/img/$(basename "$f")" >/dev/null 2>&1 || true
        done
        ok_if "the image holds the repository's collector config" \
            cmp -s "$TEST_TMP/img/config.yaml" "$CONFIG"
        ok_if "the image holds the OpAMP config" \
            cmp -s "$TEST_TMP/img/manager-config.yaml" "$OTEL/telemetry/config/opamp-config.yaml"
        ok_if "the image holds httpprobe" test -s "$TEST_TMP/img/httpprobe"
    else
        fail "docker create arc-friday:$tag"
    fi
    if [ "$probes" = "arc-test-otel-probes:$tag" ]; then
        skip "arc-probes image not built ('make probes-image'): the healthcheck is not run in the image"
        skip "(same)"
    else
        # The compose healthcheck's command, with the test server's port for 13133.
        start_httpd
        hc=(/usr/local/bin/httpprobe -q --timeout 4 --url "http://127.0.0.1:$HTTPD_PORT/")
        run docker run --rm --network host --entrypoint "${hc[0]}" "arc-friday:$tag" "${hc[@]:1}"
        is "$RC" 0 "the healthcheck command passes inside arc-friday (user 10001) when health_check answers${ERR:+: $ERR}"
        stop_httpd
        run docker run --rm --network host --entrypoint "${hc[0]}" "arc-friday:$tag" "${hc[@]:1}"
        is "$RC" 1 "the healthcheck command fails inside arc-friday when nothing answers"
    fi
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
for t in "${targets[@]}" friday-help; do
    like "$section" "^  $t +[^ ]" "make help describes $t"
done
run make otel-help
is "$RC" 0 "make otel-help"
like "$OUT" '^otel — friday' "otel-help shows the otel section"
unlike "$OUT" 'General|Probes|Tests' "otel-help shows no other section"
run make friday-help
is "$OUT" "$(make otel-help)" "friday-help is otel-help"
phony=$(make -pn help 2>/dev/null | sed -n 's/^\.PHONY: //p' | tr ' ' '\n')
for t in "${targets[@]}" friday-up friday-down friday-health friday-clean friday-help; do
    if printf '%s\n' "$phony" | grep -qx "$t"; then pass "$t is .PHONY"; else fail "$t is .PHONY"; fi
    run make -n "$t"
    is "$RC" 0 "make -n $t${ERR:+: $ERR}"
done
run make -n otel-up
like "$OUT" 'svc\.sh up friday' "otel-up starts friday through svc.sh (network, compose, wait for healthy)"
like "$OUT" 'stack\.sh exporters up' "otel-up starts the exporters"
run make -n friday-up
like "$OUT" 'svc\.sh up friday' "friday-up runs otel-up"

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
