#!/usr/bin/env bash
# The kit against docs/upstream.md — the upstream images' facts, each read from the image's
# own sources (named in the table's source column). Nothing expected here is copied from
# the kit: every expected value comes from the table, every actual value from the kit's
# files, and each assertion names the upstream source the truth came from.
#   - each service Dockerfile's BASE_IMAGE default (the one place an upstream image is
#     named) and tools/Dockerfile's BUILDER_IMAGE are documented and maintained;
#   - USER agrees with the documented user/uid (or adds a non-root user where upstream
#     runs as root), and that user owns the documented data directory;
#   - an ENTRYPOINT the kit sets is the documented one; commands run the documented binary;
#   - compose volumes mount the documented data directories;
#   - every flag of the compose `command:` lines and the Dockerfiles' CMD, and every key of
#     services/messaging/nats-server.conf, has a row saying the upstream version knows it.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/../lib/upstream.sh
. "$(dirname "$0")/../lib/upstream.sh"
need_cmd python3
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is not installed (run 'make deps')"
cd "$ARC_ROOT"
[ -f "$UPSTREAM_DOC" ] || bail_out "$UPSTREAM_DOC is missing"

# Upstream images that are documented as not maintained and kept deliberately: reported
# as TODO (visible in every run, not a failure) with the reason. Anything else that is
# not maintained fails.
declare -A KNOWN_UNMAINTAINED=(
    [signoz/signoz-otel-collector:0.111.30]="pinned with the SigNoz v0.76.0 set (services/otel/.env.example); moving it means moving the whole set"
)

# fact IMAGE FACT WHAT: sets F (value) and S (source); when the row is missing, one failed
# assertion "WHAT" with docs/upstream.md's message, and returns 1.
fact() {
    if F=$(upstream_fact "$1" "$2" 2>"$TEST_TMP/fact.err") && S=$(upstream_source "$1" "$2" 2>/dev/null); then
        return 0
    fi
    fail "$3" "$(cat "$TEST_TMP/fact.err")"
    return 1
}

# nats_conf_keys FILE: the keys of a nats-server config file: top level, jetstream's as they
# are (store_dir), other blocks' as block.key (cluster.routes); `include` as include.
nats_conf_keys() {
    awk '
        { sub(/#.*/, "") }
        /^[[:space:]]*$/ { next }
        /^[[:space:]]*include[[:space:]]/ { if (depth == 0) print "include"; next }
        {
            line = $0
            if (match(line, /^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*[[:space:]]*(:|=|\{)/)) {
                k = substr(line, RSTART, RLENGTH); gsub(/[[:space:]:={]/, "", k)
                if (depth == 0) print k
                else if (depth == 1) print (block == "jetstream" ? k : block "." k)
                if (depth == 0 && line ~ /\{/) block = k
            }
            n = gsub(/\{/, "{", line); depth += n
            n = gsub(/\}/, "}", line); depth -= n
        }' "$1"
}

# nats_cluster_conf BASE FILE: what cluster.conf relies on beyond its keys — the environment
# references it makes, and its keys that override the included file's.
nats_cluster_conf() {
    local base=$1 conf=$2 inc k
    if grep -Eq '\$[A-Za-z_]' "$conf" && fact "$base" config_env_reference "$conf: environment references"; then
        like "$F" '^yes' "$conf: \$NAME from the environment is upstream behaviour (docs/upstream.md, source $S)"
    fi
    inc=$(awk '/^[[:space:]]*include[[:space:]]/ { print $2; exit }' "$conf")
    [ -n "$inc" ] || return 0
    for k in $(nats_conf_keys "$conf"); do
        nats_conf_keys "$(dirname "$conf")/$inc" | grep -qxF "$k" || continue
        fact "$base" config_key_redefined "$conf: $k set again after the include" || continue
        is "$F" "later wins" "$conf: $k replaces $inc's (docs/upstream.md, source $S)"
    done
}

# dockerfile FILE: one line per instruction, "INSTR<TAB>args" (continuations joined,
# comments dropped); exec-form arguments re-printed as compact JSON.
dockerfile() {
    python3 - "$1" <<'PY'
import json, sys
lines, cur = [], ""
for raw in open(sys.argv[1], encoding="utf-8"):
    s = raw.rstrip("\n")
    if not cur and (s.strip().startswith("#") or not s.strip()):
        continue
    if s.rstrip().endswith("\\"):
        cur += s.rstrip()[:-1] + " "
        continue
    lines.append(cur + s)
    cur = ""
for l in lines:
    instr, _, args = l.strip().partition(" ")
    args = args.strip()
    if args.startswith("["):
        try:
            args = json.dumps(json.loads(args), separators=(",", ":"))
        except ValueError:
            pass
    print(f"{instr.upper()}\t{args}")
PY
}
df_last() { dockerfile "$1" | awk -F'\t' -v i="$2" '$1 == i { v = $2 } END { print v }'; }
df_arg() { dockerfile "$1" | sed -n "s/^ARG	$2=//p" | head -n 1; }
json_eq() { python3 -c 'import json, sys; sys.exit(json.loads(sys.argv[1]) != json.loads(sys.argv[2]))' "$1" "$2" 2>/dev/null; }
json_words() { python3 -c 'import json, sys; [print(w) for w in json.loads(sys.argv[1])]' "$1"; }
json_first() { python3 -c 'import json, sys; a = json.loads(sys.argv[1]); print(a[0] if a else "")' "$1"; }

# maintained IMAGE WHAT: the image's `maintained` row says yes (UNCONFIRMED is accepted
# but named); `no` fails, unless the image is a known deliberate pin (TODO).
maintained() {
    fact "$1" maintained "$2: docs/upstream.md documents whether $1 is maintained" || return 0
    case $F in
    yes*) pass "$2: $1 is maintained: $F (docs/upstream.md, source $S)" ;;
    UNCONFIRMED*) pass "$2: $1 is documented, maintenance UNCONFIRMED: $F (docs/upstream.md, source $S)" ;;
    *)
        if [ -n "${KNOWN_UNMAINTAINED[$1]:-}" ]; then
            todo "$2: $1 is maintained (docs/upstream.md says: $F; source $S)" "${KNOWN_UNMAINTAINED[$1]}"
        else
            fail "$2: $1 is maintained" "docs/upstream.md says: $F (source $S)"
        fi ;;
    esac
}

# compose_services DOCKERFILE: "COMPOSE_FILE<TAB>SERVICE" for each compose service that
# builds this Dockerfile (build.context = the Dockerfile's folder).
compose_services() {
    python3 - "$1" services/*/docker-compose.yml <<'PY'
import os, sys, yaml
want = os.path.realpath(os.path.dirname(sys.argv[1]))
for f in sys.argv[2:]:
    doc = yaml.safe_load(open(f, encoding="utf-8")) or {}
    for name, svc in (doc.get("services") or {}).items():
        b = (svc or {}).get("build")
        ctx = b if isinstance(b, str) else (b or {}).get("context")
        if ctx and os.path.realpath(os.path.join(os.path.dirname(f), ctx)) == want:
            print(f"{f}\t{name}")
PY
}
# compose_get FILE SERVICE KEY: the service's command (JSON list) or volume targets (lines)
compose_get() {
    python3 - "$@" <<'PY'
import json, sys, yaml
f, name, key = sys.argv[1:4]
svc = yaml.safe_load(open(f, encoding="utf-8"))["services"][name]
if key == "command":
    c = svc.get("command")
    print(json.dumps(c.split() if isinstance(c, str) else c) if c else "")
elif key == "volumes":
    for v in svc.get("volumes") or []:
        print(v.get("target") if isinstance(v, dict) else str(v).split(":")[1])
PY
}

# flags IMAGE WHAT JSON-ARGV: each argument that is a flag (--x, --x=v, -x) has a
# `flag:<name>` row saying yes.
flags() {
    local img=$1 what=$2 w name
    while IFS= read -r w; do
        case $w in -*) ;; *) continue ;; esac
        name=${w%%=*}
        fact "$img" "flag:$name" "$what: flag $name is documented for $img" || continue
        case $F in
        yes*) pass "$what: $img knows the flag $name (docs/upstream.md, source $S)" ;;
        *) fail "$what: $img knows the flag $name" "docs/upstream.md says: $F (source $S)" ;;
        esac
    done < <(json_words "$3")
}

# program IMAGE WHAT JSON-ARGV: the first word, when it is a program (not a flag), is the
# documented binary (same path, or the same name when the command gives a bare name).
program() {
    local img=$1 what=$2 first
    first=$(json_first "$3")
    case $first in -* | '') return 0 ;; esac
    fact "$img" binary "$what: the binary of $img is documented" || return 0
    if [ "$first" = "$F" ] || { [ "${first#*/}" = "$first" ] && [ "$first" = "$(basename "$F")" ]; }; then
        pass "$what: runs $first = $img's binary $F (docs/upstream.md, source $S)"
    else
        fail "$what: runs $img's binary" "runs '$first', docs/upstream.md says $F (source $S)"
    fi
}

# ---- the sections themselves ---------------------------------------------------------------
mapfile -t images < <(upstream_images)
isnt "${#images[@]}" 0 "docs/upstream.md has ## <image>:<tag> sections"
nosrc=$(awk -F'|' '/^## /{ sec = $0 } /^\| / && $2 !~ /^ *(fact|---)/ {
            s = $4; gsub(/^ +| +$/, "", s); if (s == "") print sec ": " $2 }' "$UPSTREAM_DOC")
is "$nosrc" "" "every fact row of docs/upstream.md names its source"

# ---- tools/Dockerfile: the probes image's builder base ---------------------------------------
builder=$(df_arg tools/Dockerfile BUILDER_IMAGE)
isnt "$builder" "" "tools/Dockerfile: ARG BUILDER_IMAGE has a default"
if upstream_has "$builder"; then
    pass "tools/Dockerfile: BUILDER_IMAGE $builder is a section of docs/upstream.md"
    maintained "$builder" "tools/Dockerfile"
else
    fail "tools/Dockerfile: BUILDER_IMAGE $builder is a section of docs/upstream.md" "sections: ${images[*]}"
fi

# ---- each service Dockerfile ------------------------------------------------------------------
dockerfiles=(services/*/Dockerfile services/otel/telemetry/Dockerfile)
for df in "${dockerfiles[@]}"; do
    [ -f "$df" ] || continue
    base=$(df_arg "$df" BASE_IMAGE)
    if [ -z "$base" ]; then
        # The kit's own program (cortex): no upstream image at all, only scratch and the
        # probes image's binaries.
        froms=$(dockerfile "$df" | awk -F'\t' '$1 == "FROM" { print $2 }' | tr '\n' ';')
        if [ "$froms" = "\${PROBES_IMAGE} AS probes;scratch;" ]; then
            pass "$df: no upstream image (FROM scratch with the probes image's binaries), so no BASE_IMAGE"
            user=$(df_last "$df" USER)
            if [ -n "$user" ] && [ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ]; then
                pass "$df: a non-root USER ($user)"
            else
                fail "$df: a non-root USER" "USER is '$user'"
            fi
        else
            fail "$df: ARG BASE_IMAGE has a default (the one place the upstream image is named)" "FROM lines: $froms"
        fi
        continue
    fi
    froms=$(dockerfile "$df" | awk -F'\t' '$1 == "FROM" { print $2 }' | tr '\n' ';')
    is "$froms" "\${PROBES_IMAGE} AS probes;\${BASE_IMAGE};" \
        "$df: builds FROM \${BASE_IMAGE} (and the probes stage), naming no other image"
    if ! upstream_has "$base"; then
        fail "$df: BASE_IMAGE $base is a section of docs/upstream.md" "sections: ${images[*]}"
        continue
    fi
    pass "$df: BASE_IMAGE $base is a section of docs/upstream.md"
    maintained "$base" "$df"

    # USER: the documented user, or (upstream runs as root) a non-root user of the kit's own.
    user=$(df_last "$df" USER)
    u=${user%%:*}
    isnt "$u" "" "$df: sets USER"
    if fact "$base" uid "$df: the uid of $base is documented"; then
        up_uid=$F up_src=$S
        fact "$base" user "$df: the user of $base is documented" && up_user=$F || up_user=""
        if [ "$up_uid" = 0 ]; then
            case $u in
            root | 0 | '') fail "$df: runs non-root although $base runs as root" "USER '$user' (docs/upstream.md, source $up_src)" ;;
            *) pass "$df: $base runs as root (docs/upstream.md, source $up_src): the kit adds its own non-root USER $user" ;;
            esac
        elif [[ $u =~ ^[0-9]+$ ]]; then
            is "$u" "$up_uid" "$df: USER $user is $base's uid $up_uid (docs/upstream.md, source $up_src)"
        else
            is "$u" "$up_user" "$df: USER $user is $base's user $up_user (docs/upstream.md, source $S)"
        fi
        # The user the image runs as owns the documented data directory.
        if upstream_has "$base" data_owner && [ "$up_uid" != 0 ]; then
            fact "$base" data_owner "$df: data_owner of $base"
            is "${F%%:*}" "$up_uid" "$df: $base's data directory belongs to the uid the image runs as ($up_uid) (docs/upstream.md, source $S)"
        fi
    fi

    # ENTRYPOINT: when the kit sets one, it is the documented one and runs the documented binary.
    ep=$(df_last "$df" ENTRYPOINT)
    if [ -n "$ep" ]; then
        if fact "$base" entrypoint "$df: the entrypoint of $base is documented"; then
            if json_eq "$ep" "$F"; then
                pass "$df: ENTRYPOINT $ep is $base's entrypoint (docs/upstream.md, source $S)"
            else
                fail "$df: ENTRYPOINT is $base's entrypoint" "Dockerfile $ep, docs/upstream.md $F (source $S)"
            fi
        fi
        program "$base" "$df ENTRYPOINT" "$ep"
    fi

    # CMD: its program and its flags.
    cmd=$(df_last "$df" CMD)
    if [ -n "$cmd" ]; then
        program "$base" "$df CMD" "$cmd"
        flags "$base" "$df CMD" "$cmd"
    fi

    # The compose service(s) built from it: command and volume targets.
    while IFS=$'\t' read -r cf svc; do
        ccmd=$(compose_get "$cf" "$svc" command)
        if [ -n "$ccmd" ]; then
            program "$base" "$cf $svc command" "$ccmd"
            flags "$base" "$cf $svc command" "$ccmd"
        fi
        mapfile -t targets < <(compose_get "$cf" "$svc" volumes)
        if upstream_has "$base" data_dir; then
            fact "$base" data_dir "$df: data_dir of $base"
            is "${targets[*]}" "$F" "$cf $svc: the volume is mounted at $base's data directory $F (docs/upstream.md, source $S)"
        elif [ ${#targets[@]} -gt 0 ]; then
            # No data directory upstream (e.g. nats): the kit's Dockerfile declares its own.
            vol=$(df_last "$df" VOLUME)
            is "${targets[*]}" "${vol:-<no VOLUME>}" \
                "$cf $svc: $base documents no data directory, so the volume target is the Dockerfile's own VOLUME"
        fi
    done < <(compose_services "$df")

    # The server config files the image is given: every key known to the upstream version.
    confs=()
    for f in nats-server.conf cluster.conf redis.conf; do
        ! dockerfile "$df" | grep -q "^COPY	$f " || confs+=("$(dirname "$df")/$f")
    done
    for conf in "${confs[@]+"${confs[@]}"}"; do
        case $conf in
        */redis.conf) mapfile -t keys < <(awk '!/^[[:space:]]*(#|$)/ { print $1 }' "$conf") ;; # "key value..." lines
        *) mapfile -t keys < <(nats_conf_keys "$conf") ;;
        esac
        isnt "${#keys[@]}" 0 "$conf: keys read"
        for k in "${keys[@]}"; do
            case $k in
            include) what=config_include ;;
            *) what=config_key:$k ;;
            esac
            fact "$base" "$what" "$conf: $what is documented for $base" || continue
            case $F in
            yes*) pass "$conf: $base knows $what (docs/upstream.md, source $S)" ;;
            *) fail "$conf: $base knows $what" "docs/upstream.md says: $F (source $S)" ;;
            esac
        done
        [[ "$conf" != */cluster.conf ]] || nats_cluster_conf "$base" "$conf"
    done
    # Init scripts the image's entrypoint runs on a new PGDATA: an executable *.sh is run as a
    # program (a sourced one would run inside the entrypoint's shell).
    if dockerfile "$df" | grep -q '^COPY	init/ /docker-entrypoint-initdb.d/'; then
        for f in "$(dirname "$df")"/init/*.sh; do
            [ -e "$f" ] || continue
            fact "$base" initdb_sh "$f: how $base runs it" || continue
            like "$F" '^executable \*\.sh: run as a program' "$f: $base runs an executable *.sh as a program (docs/upstream.md, source $S)"
            ok_if "$f is executable" test -x "$f"
        done
    fi
done

# ---- the parser itself fails clearly on a missing row ----------------------------------------
run upstream_fact "${images[0]}" "no-such-fact"
is "$RC" 1 "upstream_fact fails on a missing row"
like "$ERR" "no row \"no-such-fact\"" "upstream_fact names the missing row"
run upstream_fact "no/such:image" user
like "$ERR" 'no section "## no/such:image"' "upstream_fact names the missing section"

done_testing
