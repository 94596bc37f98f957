#!/usr/bin/env bash
# The arc-probes image (tools/Dockerfile, `make probes-image`): each probe (natsprobe,
# pulsaradm, redisping, pgcheck, and any other in tools/) is fully static — `ldd` calls
# it not dynamic, it prints its version in an empty container holding nothing but the
# binary — and the four check real servers from there.
# Needs a Docker engine (as root one is installed and started); skipped otherwise.
# shellcheck disable=SC2119  # start_redis / start_nats take optional server flags
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

e2e_need_engine
# Every probe in tools/ (the image carries them all); the four of the issue at least.
mapfile -t PROBES < <(cd "$ARC_ROOT/tools" && for m in */main.c; do echo "${m%/main.c}"; done)
for p in natsprobe pulsaradm redisping pgcheck; do
    [[ " ${PROBES[*]} " == *" $p "* ]] || bail_out "tools/$p/main.c is missing"
done

e2e_probes_image || bail_out "the probes image did not build"

# Only the probes, nothing else, in the image.
run docker create "$E2E_PROBES_IMAGE" /usr/local/bin/redisping
cid=$OUT
on_exit "docker rm -f $cid"
# (Docker itself adds .dockerenv, /etc/hosts, hostname, resolv.conf, mtab, /dev, /proc, /sys.)
content=$(docker export "$cid" | tar -t | grep -v '/$' |
    grep -Ev '^(\.dockerenv|etc/(hosts|hostname|resolv\.conf|mtab)|(dev|proc|sys)/.*)$' | sort | tr '\n' ' ')
for p in "${PROBES[@]}"; do
    like "$content" "(^| )usr/local/bin/$p( |$)" "$E2E_PROBES_IMAGE holds /usr/local/bin/$p"
done
unlike "$content" "(^| )([^u]|u[^s]|us[^r]|usr/[^l]|usr/l[^o]|usr/local/[^b])" \
    "$E2E_PROBES_IMAGE holds nothing but /usr/local/bin (no shell, libraries, configuration): $content"

# scratch_image PROBE: an image FROM scratch with nothing but that binary.
scratch_image() {
    local p=$1 ctx="$TEST_TMP/scratch-$1"
    mkdir -p "$ctx"
    cp "$TEST_TMP/$p" "$ctx/$p"
    printf 'FROM scratch\nCOPY %s /%s\nENTRYPOINT ["/%s"]\n' "$p" "$p" "$p" >"$ctx/Dockerfile"
    docker build -q --force-rm -t "arc-e2e-scratch/$p:test" "$ctx" >"$ctx.log" 2>&1 ||
        { diag "$(cat "$ctx.log")"; return 1; }
}

for p in "${PROBES[@]}"; do
    docker cp "$cid:/usr/local/bin/$p" "$TEST_TMP/$p"
    run env LC_ALL=C ldd "$TEST_TMP/$p"
    like "$ALL" 'not a dynamic executable' "ldd: $p is not a dynamic executable"
    run readelf -l "$TEST_TMP/$p"
    unlike "$OUT" 'program interpreter' "readelf: $p has no program interpreter"
    if scratch_image "$p"; then
        on_exit "docker rmi -f arc-e2e-scratch/$p:test"
        check_cmd "$p --version in an empty container (FROM scratch + the binary only)" 0 \
            "^$p $E2E_VERSION\$" docker run --rm --network none "arc-e2e-scratch/$p:test" --version
    else
        fail "scratch image with $p alone builds"
    fi
done

# The static probes at work, from their empty containers, against real servers.
start_redis
start_nats
start_pg
pulsar_port=$(free_port)
python3 "$ARC_ROOT/tests/standin/pulsar/pulsar_standin.py" --port "$pulsar_port" >/dev/null 2>&1 &
track_pid $!
wait_port "$pulsar_port" || bail_out "pulsar admin-REST stand-in did not start"
dr=(docker run --rm --network host)
check_cmd "static redisping checks a real redis-server" 0 '^redisping OK' \
    "${dr[@]}" arc-e2e-scratch/redisping:test --url "redis://127.0.0.1:$REDIS_PORT"
check_cmd "static natsprobe checks a real nats-server's JetStream" 0 '^natsprobe OK jetstream' \
    "${dr[@]}" arc-e2e-scratch/natsprobe:test --server "nats://127.0.0.1:$NATS_PORT" jetstream
check_cmd "static natsprobe reads the monitoring port over HTTP (libcurl)" 0 '^natsprobe OK health' \
    "${dr[@]}" arc-e2e-scratch/natsprobe:test --server "nats://127.0.0.1:$NATS_PORT" \
    --monitor "http://127.0.0.1:$NATS_MON_PORT" health
check_cmd "static pulsaradm checks the admin-REST stand-in" 0 '^pulsaradm OK' \
    "${dr[@]}" arc-e2e-scratch/pulsaradm:test --admin-url "http://127.0.0.1:$pulsar_port" health
check_cmd "static pgcheck checks a real PostgreSQL (password from PGPASSWORD)" 0 '^pgcheck OK' \
    "${dr[@]}" -e PGPASSWORD="$PG_PASSWORD" arc-e2e-scratch/pgcheck:test \
    --dsn "postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
unlike "$ALL" "$PG_PASSWORD" "the password stays out of pgcheck's output"
check_cmd "static redisping says unhealthy when nothing listens" 1 '^redisping FAIL' \
    "${dr[@]}" arc-e2e-scratch/redisping:test --timeout 2 --url "redis://127.0.0.1:$(dead_port)"

e2e_done
