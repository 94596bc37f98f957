#!/usr/bin/env bash
# service.yaml and profiles.yaml: consistent with each other, resolved in the right order,
# and every malformed file or unknown name gives a clear error naming the problem.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/kit-lib.sh
. "$(dirname "$0")/kit-lib.sh"
need_cmd python3 make
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is not installed (run 'make deps')"

cd "$ARC_ROOT"
meta() { "$ARC_BIN/svcmeta" "$@"; }

# ---- the files as they are: read independently of svcmeta.py ----------------------------
check_cmd "svcmeta.py check: every service.yaml and profiles.yaml are consistent" 0 '^ok: ' meta check
facts=$(python3 - <<'PY'
import glob, os, yaml
svc = {}
for p in sorted(glob.glob("services/*/service.yaml")):
    d = yaml.safe_load(open(p))
    svc[d["codename"]] = (p, d)
prof = yaml.safe_load(open("profiles.yaml"))
for name, p in prof["profiles"].items():
    for c in p.get("services", []):
        print(f"profile-member {name} {c} {'yes' if c in svc else 'no'}")
for c, (p, d) in svc.items():
    print(f"name {c} {d['name']} {os.path.basename(os.path.dirname(p))}")
    for dep in d.get("depends_on", []):
        print(f"dep {c} {dep} {'yes' if dep in svc else 'no'}")
print(f"default {prof['default']}")
PY
)
while read -r kind a b c; do
    case "$kind" in
    profile-member) is "$c" yes "profile '$a' names '$b', which has a services/*/service.yaml" ;;
    dep) is "$c" yes "$a depends_on '$b', a known codename" ;;
    name) is "$b" "arc-$a" "$a: service.yaml name is arc-$a (services/$c)" ;;
    default) is "$a" think "the default profile is think" ;;
    esac
done <<<"$facts"

# ---- profile resolution ---------------------------------------------------------------------
think=$(meta profile think | tr '\n' ' ')
for c in cortex flash strange sonic oracle; do
    like " $think" " $c " "profile think has $c"
done
like "$think" '^oracle .*cortex $' "think: oracle (cortex's dependency) first, cortex (which depends on all the others) last"
is "$(meta profile think oneshot)" "" "think has no one-shot (cortex is a service)"
is "$(meta profile)" "$(meta profile think)" "no profile name = the default (think)"
reason=$(meta profile reason | tr '\n' ' ')
missing=""
for c in $think; do [[ " $reason " == *" $c "* ]] || missing+=" $c"; done
is "$missing" "" "profile reason includes everything of think"
like "$reason" '^oracle flash strange sonic cortex' "reason: cortex after everything it depends on"

# ---- unknown names -------------------------------------------------------------------------
check_cmd "an unknown PROFILE is a clear error naming it and the known ones" 2 \
    "unknown profile 'nosuch' in profiles.yaml \\(known: think, reason" rmake info PROFILE=nosuch
check_cmd "svc.sh with an unknown codename names it and the known ones" 1 \
    "unknown service 'nosuch' \\(known: .*sonic" mk/scripts/svc.sh status nosuch
kit_copy
sed -i 's/^kind: service$/kind: oneshot/; /^health:/,/^[a-z]/{/^health:/d;/^  /d}; /^hooks:/,$d' "$KIT/services/cortex/service.yaml"
check_cmd "svc.sh with a one-shot says it has no container actions" 1 "cortex is a one-shot" \
    env ARC_ROOT="$KIT" "$KIT/mk/scripts/svc.sh" up cortex
check_cmd "an invalid port variable is a clear error naming it" 2 "ARC_SONIC_PORT='6379x' is not a port number" \
    env ARC_SONIC_PORT=6379x make -C "$ARC_ROOT" --no-print-directory sonic-health

# ---- malformed profiles.yaml (a temp copy, through PROFILES_FILE) ----------------------------
bad() { # "what" 'regex' CONTENT
    printf '%s\n' "$3" >"$TEST_TMP/profiles.yaml"
    check_cmd "malformed profiles.yaml: $1" 2 "$2" rmake info PROFILES_FILE="$TEST_TMP/profiles.yaml"
}
bad "not YAML: the error names the file and line" "profiles.yaml:4:9: not valid YAML" \
    $'default: think\nprofiles:\n  think: [a\n  reason: {'
bad "not a mapping" "profiles.yaml:1:1: must be a mapping with 'profiles:'" '- think'
bad "no profiles" "profiles.yaml:1:1: 'profiles' must map each profile name" 'default: think'
bad "a profile's services not a list" "profiles.yaml:4:15: profiles.think.services must be a list" \
    $'default: think\nprofiles:\n  think:\n    services: cortex'
bad "an unknown service" "profile 'think' names unknown service 'ghost'" \
    $'default: think\nprofiles:\n  think:\n    services: [flash, ghost]'
bad "an unknown include" "profile 'think' includes unknown profile 'nope'" \
    $'default: think\nprofiles:\n  think:\n    includes: [nope]\n    services: [flash]'
bad "profiles including each other" "profiles include each other: think -> reason -> think" \
    $'default: think\nprofiles:\n  think:\n    includes: [reason]\n  reason:\n    includes: [think]'
bad "a default that is not defined" "default profile 'other' is not defined" \
    $'default: other\nprofiles:\n  think:\n    services: [flash]'
check_cmd "a missing PROFILES_FILE is named" 2 "nothere.yaml: cannot read" \
    rmake info PROFILES_FILE="$TEST_TMP/nothere.yaml"
printf 'default: solo\nprofiles:\n  solo:\n    services: [sonic]\n' >"$TEST_TMP/profiles.yaml"
check_cmd "PROFILES_FILE is what the platform targets read" 0 'sonic +redis +redis +redis://127.0.0.1:6379' \
    rmake info PROFILES_FILE="$TEST_TMP/profiles.yaml"
unlike "$OUT" 'flash|oracle' "a one-service profile shows only that service"

# ---- malformed service.yaml (a private copy of the kit) -------------------------------------
kit_copy
svc_bad() { # "what" 'regex' sed-expression
    cp "$ARC_ROOT/services/cache/service.yaml" "$KIT/services/cache/service.yaml"
    sed -i "$3" "$KIT/services/cache/service.yaml"
    check_cmd "malformed service.yaml: $1" 2 "$2" kmake info
}
svc_bad "a port that is not a number" "services/cache/service.yaml:[0-9]+:[0-9]+: ports\\[0\\]\\.host must be a port number" \
    's/host: 6379/host: sixty/'
svc_bad "a missing codename" "services/cache/service.yaml:[0-9]+:[0-9]+: missing 'codename'" '/^codename:/d'
svc_bad "a wrong name" "services/cache/service.yaml:3:7: name must be 'arc-sonic'" 's/^name: arc-sonic/name: sonic/'
svc_bad "an unknown kind" "kind must be one of service, oneshot" 's/^kind: service/kind: daemon/'
svc_bad "broken YAML" "services/cache/service.yaml:[0-9]+:[0-9]+: not valid YAML" 's/^ports:/ports: [/'
svc_bad "an unknown dependency" "depends_on names unknown service 'ghost'" 's/^depends_on: \[\]/depends_on: [ghost]/'
cp "$ARC_ROOT/services/cache/service.yaml" "$KIT/services/cache/service.yaml"
sed -i 's/^depends_on: \[\]/depends_on: [flash]/' "$KIT/services/cache/service.yaml"
sed -i 's/^depends_on: \[\]/depends_on: [sonic]/' "$KIT/services/messaging/service.yaml"
check_cmd "a depends_on cycle is named" 2 "depends_on cycle: .*(sonic -> flash -> sonic|flash -> sonic -> flash)" kmake info
cp "$ARC_ROOT/services/cache/service.yaml" "$KIT/services/cache/service.yaml"
cp "$ARC_ROOT/services/messaging/service.yaml" "$KIT/services/messaging/service.yaml"
printf 'profiles: [reason]\n' >>"$KIT/services/cache/service.yaml"
check_cmd "svcmeta check: a service.yaml listing profiles is refused (profiles.yaml is their one place)" 65 \
    "services/cache/service.yaml:[0-9]+:1: unknown key 'profiles' \\(profiles are listed in profiles.yaml only\\)" \
    env ARC_ROOT="$KIT" "$ARC_BIN/svcmeta" check
check_cmd "make validate fails on that too" 2 "unknown key 'profiles'" kmake validate

done_testing
