#!/usr/bin/env bash
# The compose files and Dockerfiles of flash, strange, sonic and oracle:
# - every services/*/docker-compose*.yml validates with every compose command present
#   (docker-compose here; the `docker compose` plugin where it exists);
# - the settings, read from compose's own parsed config (compose_check.py);
# - environment overrides and the folder's .env reach compose as the kit calls it;
# - nats-server.conf runs in a real nats-server with JetStream;
# - each Dockerfile really builds (docker build, classic builder) on small local
#   stand-in images, copies its probe, runs non-root, and carries its labels.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/kit-lib.sh
. "$(dirname "$0")/kit-lib.sh"
need_cmd python3

cd "$ARC_ROOT"
version=$(tr -d ' \n' <VERSION)
mapfile -t impls < <(mk/scripts/compose.sh --all)
[ ${#impls[@]} -gt 0 ] || skip_all "no compose command installed (docker-compose or the docker compose plugin)"
note "compose commands: ${impls[*]}"
SERVICES="flash strange sonic oracle"
dir_of() { python3 mk/scripts/svcmeta.py get "$1" dir; }

# ---- every compose file validates ---------------------------------------------------
# make validate runs `<compose> -f FILE config -q` for each file and each compose command.
check_cmd "make validate passes" 0 'ok: [0-9]+ services' rmake validate
for impl in "${impls[@]}"; do
    for f in services/*/docker-compose*.yml; do
        like "$OUT" "ok +$impl: $f\$" "$impl config: $f is valid"
    done
done
kit_copy
printf 'services:\n  sonic:\n    ports: [1, 2\n' >"$KIT/services/cache/docker-compose.yml"
check_cmd "make validate fails on a broken compose file, naming it" 2 'INVALID .*services/cache/docker-compose.yml' \
    kmake validate

# ---- the settings, from compose's parsed config ------------------------------------
for impl in "${impls[@]}"; do
    read -r -a dc <<<"$impl"
    for c in $SERVICES; do
        d=$(dir_of "$c")
        # No .env of the developer's may change what we check: use the documented defaults.
        env -i PATH="$PATH" HOME="$HOME" "${dc[@]}" --project-directory "$TEST_TMP" \
            -f "$d/docker-compose.yml" config >"$TEST_TMP/$c.cfg"
        while IFS= read -r line; do
            case "$line" in
            "ok "*) pass "$impl: ${line#ok }" ;;
            *) fail "$impl: ${line#not ok }" ;;
            esac
        done < <(python3 tests/kit/compose_check.py "$d/service.yaml" "$TEST_TMP/$c.cfg" "$version")
    done
done

# ---- overrides: environment, and the folder's .env (as runtime-docker.sh calls compose) --
cfg_get() { # FILE python-expression-on-c
    python3 -c "import sys, yaml; c = yaml.safe_load(open(sys.argv[1])); print($2)" "$1"
}
d=$(dir_of sonic)
ARC_SONIC_PORT=16379 ARC_SONIC_TAG=t1 ARC_SONIC_BASE_IMAGE=local/redis:x ARC_PROBES_IMAGE=local/probes:y \
    mk/scripts/compose.sh --project-directory "$TEST_TMP" -f "$d/docker-compose.yml" config >"$TEST_TMP/o.cfg"
is "$(cfg_get "$TEST_TMP/o.cfg" 'c["services"]["sonic"]["ports"][0]')" "127.0.0.1:16379:6379/tcp" \
    "ARC_SONIC_PORT moves the host port (still on 127.0.0.1)"
is "$(cfg_get "$TEST_TMP/o.cfg" 'c["services"]["sonic"]["image"]')" "arc-sonic:t1" "ARC_SONIC_TAG sets the image tag"
is "$(cfg_get "$TEST_TMP/o.cfg" 'c["services"]["sonic"]["build"]["args"]["BASE_IMAGE"]')" "local/redis:x" \
    "ARC_SONIC_BASE_IMAGE sets the base image build argument"
is "$(cfg_get "$TEST_TMP/o.cfg" 'c["services"]["sonic"]["build"]["args"]["PROBES_IMAGE"]')" "local/probes:y" \
    "ARC_PROBES_IMAGE sets the probes image build argument"
d=$(dir_of oracle)
ARC_ORACLE_PASSWORD=pw-not-on-argv-42 \
    mk/scripts/compose.sh --project-directory "$TEST_TMP" -f "$d/docker-compose.yml" config >"$TEST_TMP/p.cfg"
unlike "$(cfg_get "$TEST_TMP/p.cfg" 'c["services"]["oracle"]["healthcheck"]["test"]')" 'pw-not-on-argv-42' \
    "oracle: the password is not on the healthcheck command line"
is "$(cfg_get "$TEST_TMP/p.cfg" 'c["services"]["oracle"]["environment"]["PGPASSWORD"]')" 'pw-not-on-argv-42' \
    "oracle: the healthcheck's probe gets the password from the environment (PGPASSWORD)"

kit_copy
printf 'ARC_SONIC_PORT=16380\n' >"$KIT/services/cache/.env"
env -u ARC_SONIC_PORT "$KIT/mk/scripts/compose.sh" -p arc-sonic --project-directory "$KIT/services/cache" \
    -f "$KIT/services/cache/docker-compose.yml" config >"$TEST_TMP/e.cfg"
is "$(cfg_get "$TEST_TMP/e.cfg" 'c["services"]["sonic"]["ports"][0]')" "127.0.0.1:16380:6379/tcp" \
    "the service folder's .env reaches compose (project directory = the folder)"
ARC_SONIC_PORT=16381 "$KIT/mk/scripts/compose.sh" -p arc-sonic --project-directory "$KIT/services/cache" \
    -f "$KIT/services/cache/docker-compose.yml" config >"$TEST_TMP/e2.cfg"
is "$(cfg_get "$TEST_TMP/e2.cfg" 'c["services"]["sonic"]["ports"][0]')" "127.0.0.1:16381:6379/tcp" \
    "the environment wins over .env"

# ---- versions: every default probes image tag is the kit's VERSION --------------------
stale=$(grep -rhoE 'arc-probes:[0-9A-Za-z._-]+' services/*/Dockerfile services/*/docker-compose.yml \
    services/*/.env.example | sort -u | grep -vxF "arc-probes:$version" || true)
is "$stale" "" "every default arc-probes tag is the kit's version ($version)"
stale=$(grep -rhoE 'ARC_VERSION(:-|=)[0-9A-Za-z._-]+' services/*/Dockerfile services/*/docker-compose.yml |
    sed -E 's/.*(:-|=)//' | sort -u | grep -vxF "$version" || true)
is "$stale" "" "every default ARC_VERSION (the image's version label) is the kit's version"

# ---- Dockerfiles: the contract, read from the files --------------------------------------
declare -A base=([flash]=nats:2.10-alpine [strange]=apachepulsar/pulsar:3.3.0
    [sonic]=redis:7.4-alpine [oracle]=pgvector/pgvector:pg16)
declare -A user=([flash]=1000:1000 [strange]=10000 [sonic]=redis [oracle]=postgres)
for c in $SERVICES; do
    f="$(dir_of "$c")/Dockerfile"
    probe=$(python3 mk/scripts/svcmeta.py get "$c" probe)
    txt=$(cat "$f")
    like "$txt" "ARG PROBES_IMAGE=ghcr\.io/arc-framework/arc-probes:$version" "$c Dockerfile: ARG PROBES_IMAGE (kit version)"
    like "$txt" "ARG BASE_IMAGE=${base[$c]//./\\.}" "$c Dockerfile: ARG BASE_IMAGE=${base[$c]}"
    like "$txt" 'FROM \$\{PROBES_IMAGE\} AS probes' "$c Dockerfile: FROM \${PROBES_IMAGE} AS probes"
    like "$txt" 'FROM \$\{BASE_IMAGE\}' "$c Dockerfile: FROM \${BASE_IMAGE}"
    like "$txt" "COPY --from=probes /usr/local/bin/$probe /usr/local/bin/" "$c Dockerfile: copies $probe"
    unlike "$(grep -v '^#' "$f")" 'adduser|useradd|groupadd|addgroup' "$c Dockerfile: no adduser/useradd"
    is "$(grep -E '^USER ' "$f" | tail -n 1)" "USER ${user[$c]}" "$c Dockerfile: runs as ${user[$c]} (non-root)"
done
like "$(cat services/streaming/Dockerfile)" 'uid 10000' "strange Dockerfile: says Pulsar 3.x runs as uid 10000"

# ---- nats-server.conf in a real nats-server ------------------------------------------------
if command -v nats-server >/dev/null && [ -x "$ARC_BIN/natsprobe" ]; then
    sed "s|store_dir: /data|store_dir: $TEST_TMP/js|" services/messaging/nats-server.conf >"$TEST_TMP/nats.conf"
    # The fixture's ports override the file's; JetStream comes from the file alone.
    NATS_NO_JS=1 start_nats -c "$TEST_TMP/nats.conf"
    check_cmd "nats-server.conf runs with JetStream enabled (natsprobe jetstream)" 0 'OK' \
        "$ARC_BIN/natsprobe" --server "nats://127.0.0.1:$NATS_PORT" jetstream
    check_cmd "nats-server.conf: JetStream stores under store_dir" 0 '' test -d "$TEST_TMP/js/jetstream"
else
    skip "nats-server or natsprobe missing: nats-server.conf not run"
fi

# ---- each Dockerfile builds (on small local stand-ins for the upstream images) -------------
if ! timeout 20 docker info >/dev/null 2>&1; then
    skip "no Docker engine answers: Dockerfiles not built"
    done_testing
    exit
fi
export DOCKER_BUILDKIT=0
tag="kittest-$$"
on_exit "docker rmi -f arc-kittest-base:$tag arc-kittest-probes:$tag $(for c in $SERVICES; do printf 'arc-kittest-%s:%s ' "$c" "$tag"; done)"

mini_image "arc-kittest-base:$tag"
mkdir -p "$TEST_TMP/probes/usr/local/bin"
for p in natsprobe pulsaradm redisping pgcheck; do
    : >"$TEST_TMP/probes/usr/local/bin/$p"
    chmod 755 "$TEST_TMP/probes/usr/local/bin/$p"
done
tar -C "$TEST_TMP/probes" -cf - . | docker import - "arc-kittest-probes:$tag" >/dev/null

for c in $SERVICES; do
    d=$(dir_of "$c")
    img="arc-kittest-$c:$tag"
    probe=$(python3 mk/scripts/svcmeta.py get "$c" probe)
    tech=$(python3 mk/scripts/svcmeta.py get "$c" tech)
    check_cmd "$c: docker build of ${d#"$ARC_ROOT"/}/Dockerfile" 0 '' \
        docker build -q --build-arg "BASE_IMAGE=arc-kittest-base:$tag" \
        --build-arg "PROBES_IMAGE=arc-kittest-probes:$tag" -t "$img" "$d"
    [ "$RC" = 0 ] || continue
    is "$(docker inspect -f '{{.Config.User}}' "$img")" "${user[$c]}" "$c image: runs as ${user[$c]}"
    is "$(docker inspect -f '{{index .Config.Labels "arc.service.codename"}} {{index .Config.Labels "arc.service.tech"}} {{index .Config.Labels "org.opencontainers.image.title"}}' "$img")" \
        "$c $tech arc-$c" "$c image: labels arc.service.codename/tech and the OCI title"
    is "$(docker inspect -f '{{index .Config.Labels "org.opencontainers.image.base.name"}}' "$img")" \
        "arc-kittest-base:$tag" "$c image: OCI base.name is the BASE_IMAGE build argument"
    check_cmd "$c image: /usr/local/bin/$probe is there" 0 '' \
        docker run --rm --entrypoint /bin/sh "$img" -c "test -x /usr/local/bin/$probe"
done
check_cmd "flash image: user nats is uid/gid 1000 (in /etc/passwd and /etc/group)" 0 '^nats:x:1000:1000:' \
    docker run --rm --entrypoint /bin/sh "arc-kittest-flash:$tag" -c 'grep -q "^nats:x:1000:" /etc/group && grep "^nats:" /etc/passwd'
check_cmd "flash image: the nats user can write /data (the JetStream store)" 0 '' \
    docker run --rm --entrypoint /bin/sh "arc-kittest-flash:$tag" -c 'test -w /data && test -f /etc/nats/nats-server.conf'
check_cmd "flash image: CMD passes the config explicitly" 0 'nats-server --config /etc/nats/nats-server.conf' \
    docker inspect -f '{{join .Config.Cmd " "}}' "arc-kittest-flash:$tag"
check_cmd "oracle image: the first-start SQL is in /docker-entrypoint-initdb.d" 0 '' \
    docker run --rm --entrypoint /bin/sh "arc-kittest-oracle:$tag" -c 'test -f /docker-entrypoint-initdb.d/01-extensions.sql'

done_testing
