#!/usr/bin/env bash
# The compose files and Dockerfiles of flash, strange, sonic and oracle:
# - every services/*/docker-compose*.yml validates with every compose command present
#   (docker-compose here; the `docker compose` plugin where it exists);
# - the compose files need the kit's environment (ARC_PROBES_IMAGE, ARC_VERSION, which
#   mk/scripts/lib.sh sets from VERSION): without it `config` fails naming the variable;
# - the settings, read from compose's own parsed config (compose_check.py);
# - environment overrides and the folder's .env reach compose as the kit calls it;
# - no compose file or Dockerfile names a probes image, its registry or a version;
# - the Dockerfiles' shape (probes stage, FROM ${BASE_IMAGE}, probe copied, non-root);
# - nats-server.conf runs in a real nats-server with JetStream.
# Upstream facts (base images, users, entrypoints, flags, data directories) are checked
# against docs/upstream.md by tests/kit/upstream.t; the images are built and run on the
# default path by the e2e tests (tests/e2e/).
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
[ -x "$ARC_BIN/svcmeta" ] || bail_out "$ARC_BIN/svcmeta is not built (run 'make tools')"
meta() { "$ARC_BIN/svcmeta" "$@"; }
dir_of() { meta get "$1" dir; }

# ---- the kit's environment (mk/scripts/lib.sh, with nothing else set) -----------------------
# shellcheck disable=SC2016  # expanded by the inner bash
kit_env() { # VAR=VALUE...: print ARC_PROBES_IMAGE ARC_VERSION ARC_PROBES_LOCAL as lib.sh sets them
    env -i PATH="$PATH" HOME="$HOME" ARC_ROOT="$ARC_ROOT" "$@" bash -c \
        '. mk/scripts/lib.sh && printf "%s %s %s\n" "$ARC_PROBES_IMAGE" "$ARC_VERSION" "$ARC_PROBES_LOCAL"'
}
read -r KIT_PROBES KIT_VERSION local_build < <(kit_env)
is "$KIT_VERSION" "$version" "lib.sh: ARC_VERSION comes from VERSION ($version)"
is "$KIT_PROBES $local_build" "arc-probes:$version 1" \
    "lib.sh: ARC_PROBES_IMAGE defaults to the local arc-probes:<VERSION>, built here when absent"
is "$(kit_env ARC_PROBES_IMAGE=registry.example/p:9)" "registry.example/p:9 $version 0" \
    "lib.sh: an ARC_PROBES_IMAGE the user names is kept, and not built here"

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

# ---- the kit's environment is required -----------------------------------------------
# Every compose file that builds an image needs ARC_PROBES_IMAGE and ARC_VERSION: without
# them `config` fails (nothing falls back to a registry or a version written in a file);
# with them it passes; through the kit (compose.sh sources lib.sh) it passes as is.
# A fresh copy of the kit (no developer .env); each file's folder is its project directory.
kit_copy
mapfile -t building < <(cd "$KIT" && grep -l '^[[:space:]]*build:' services/*/docker-compose.yml)
isnt "${#building[@]}" 0 "compose files that build an image: ${building[*]}"
# A node of the ha profile's cluster also needs the profile's ARC_FLASH_CLUSTER (profiles.yaml
# env:), named when absent; the kit's way gives it with ARC_PROFILE=ha.
needs_cluster() { grep -q 'ARC_FLASH_CLUSTER:?' "$KIT/$1"; }
for impl in "${impls[@]}"; do
    read -r -a dc <<<"$impl"
    for f in "${building[@]}"; do
        at=(--project-directory "$KIT/$(dirname "$f")" -f "$KIT/$f")
        extra=()
        if needs_cluster "$f"; then
            extra=(ARC_FLASH_CLUSTER=arc-test)
            check_cmd "$impl config $f fails without ARC_FLASH_CLUSTER, naming it and the profile" 1 \
                'ARC_FLASH_CLUSTER is not set.*PROFILE=ha' \
                env -i PATH="$PATH" HOME="$HOME" ARC_PROBES_IMAGE="$KIT_PROBES" ARC_VERSION="$KIT_VERSION" \
                "${dc[@]}" "${at[@]}" config -q
        fi
        check_cmd "$impl config $f fails without ARC_PROBES_IMAGE, naming it" 1 'ARC_PROBES_IMAGE.*probes image' \
            env -i PATH="$PATH" HOME="$HOME" ARC_VERSION="$KIT_VERSION" "${extra[@]}" "${dc[@]}" "${at[@]}" config -q
        check_cmd "$impl config $f fails without ARC_VERSION, naming it" 1 'ARC_VERSION.*VERSION' \
            env -i PATH="$PATH" HOME="$HOME" ARC_PROBES_IMAGE="$KIT_PROBES" "${extra[@]}" "${dc[@]}" "${at[@]}" config -q
        check_cmd "$impl config $f passes with the kit's environment" 0 '' \
            env -i PATH="$PATH" HOME="$HOME" ARC_PROBES_IMAGE="$KIT_PROBES" ARC_VERSION="$KIT_VERSION" \
            "${extra[@]}" "${dc[@]}" "${at[@]}" config -q
    done
done
for f in "${building[@]}"; do
    profile=()
    ! needs_cluster "$f" || profile=(ARC_PROFILE=ha)
    check_cmd "compose.sh (the kit's way) config $f passes with no variable set${profile:+ but ${profile[*]}}" 0 '' \
        env -i PATH="$PATH" HOME="$HOME" ARC_BIN="$ARC_BIN" "${profile[@]}" "$KIT/mk/scripts/compose.sh" \
        --project-directory "$KIT/$(dirname "$f")" -f "$KIT/$f" config -q
done

# ---- the settings, from compose's parsed config ------------------------------------
for impl in "${impls[@]}"; do
    read -r -a dc <<<"$impl"
    for c in $SERVICES; do
        d=$(dir_of "$c")
        # No .env of the developer's may change what we check: the documented defaults,
        # plus the kit's environment.
        env -i PATH="$PATH" HOME="$HOME" ARC_PROBES_IMAGE="$KIT_PROBES" ARC_VERSION="$KIT_VERSION" \
            "${dc[@]}" --project-directory "$TEST_TMP" -f "$d/docker-compose.yml" config >"$TEST_TMP/$c.cfg"
        while IFS= read -r line; do
            case "$line" in
            "ok "*) pass "$impl: ${line#ok }" ;;
            *) fail "$impl: ${line#not ok }" ;;
            esac
        done < <(python3 tests/kit/compose_check.py "$d/service.yaml" "$TEST_TMP/$c.cfg" "$KIT_PROBES" "$KIT_VERSION")
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
is "$(cfg_get "$TEST_TMP/o.cfg" 'c["services"]["sonic"]["build"]["args"].get("BASE_IMAGE")')" "None" \
    "ARC_SONIC_BASE_IMAGE is no override: no BASE_IMAGE build argument reaches the build"
is "$(cfg_get "$TEST_TMP/o.cfg" 'c["services"]["sonic"]["build"]["args"]["PROBES_IMAGE"]')" "local/probes:y" \
    "ARC_PROBES_IMAGE (a probes image the user names) sets the probes image build argument"
is "$(cfg_get "$TEST_TMP/o.cfg" 'c["services"]["sonic"]["build"]["args"]["ARC_VERSION"]')" "$version" \
    "through the kit, the ARC_VERSION build argument is VERSION's"
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

# ---- no probes image, registry or version written in the service files -------------------
# The probes image comes from ARC_PROBES_IMAGE (the kit: arc-probes:<VERSION>), the image
# version label from ARC_VERSION (the kit: VERSION): neither has a default in a file.
svcfiles=(services/*/Dockerfile services/*/*/Dockerfile services/*/docker-compose*.yml services/*/.env.example)
nocomment() { grep -vE '^[^:]+:[0-9]+:[[:space:]]*#' || true; }
is "$(grep -HnE 'arc-probes|ghcr\.io|docker\.io/|quay\.io' "${svcfiles[@]}" | nocomment)" "" \
    "no service Dockerfile, compose file or .env.example names a probes image or a registry"
is "$(grep -HnF "$version" "${svcfiles[@]}" | nocomment)" "" \
    "no service file writes the kit's version ($version): it comes from VERSION"
is "$(grep -HnE '^ARG (PROBES_IMAGE|ARC_VERSION)=|ARC_(PROBES_IMAGE|VERSION):?-' "${svcfiles[@]}" || true)" "" \
    "PROBES_IMAGE and ARC_VERSION have no default in any Dockerfile or compose file"
is "$(grep -HnE 'BASE_IMAGE' services/*/docker-compose*.yml services/*/.env.example || true)" "" \
    "no compose file or .env.example passes or documents a BASE_IMAGE override"

# ---- Dockerfiles: the kit's contract, read from the files ----------------------------------
for c in $SERVICES; do
    f="$(dir_of "$c")/Dockerfile"
    probe=$(meta get "$c" probe)
    tech=$(meta get "$c" tech)
    txt=$(cat "$f")
    like "$txt" '^ARG PROBES_IMAGE$' "$c Dockerfile: ARG PROBES_IMAGE, no default (the kit gives it)"
    like "$txt" '^ARG BASE_IMAGE=[^ ]+$' "$c Dockerfile: ARG BASE_IMAGE has a default (the upstream image, docs/upstream.md)"
    like "$txt" '^FROM \$\{PROBES_IMAGE\} AS probes$' "$c Dockerfile: FROM \${PROBES_IMAGE} AS probes"
    like "$txt" '^FROM \$\{BASE_IMAGE\}$' "$c Dockerfile: FROM \${BASE_IMAGE}"
    like "$txt" 'org\.opencontainers\.image\.base\.name="\$\{BASE_IMAGE\}"' "$c Dockerfile: labels the base image it is built on"
    like "$txt" 'org\.opencontainers\.image\.version="\$\{ARC_VERSION\}"' "$c Dockerfile: labels its version from ARC_VERSION"
    like "$txt" "arc\\.service\\.codename=\"$c\"" "$c Dockerfile: label arc.service.codename=$c (service.yaml)"
    like "$txt" "arc\\.service\\.tech=\"$tech\"" "$c Dockerfile: label arc.service.tech=$tech (service.yaml)"
    like "$txt" "COPY --from=probes /usr/local/bin/$probe /usr/local/bin/" "$c Dockerfile: copies $probe (service.yaml's probe)"
    user=$(grep -E '^USER ' "$f" | tail -n 1 | cut -d' ' -f2)
    isnt "$user" "" "$c Dockerfile: sets USER"
    unlike "${user%%:*}" '^(root|0)$' "$c Dockerfile: USER ${user:-<none>} is not root"
done

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

done_testing
