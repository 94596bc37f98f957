#!/usr/bin/env bash
# svcmeta: the kit's reader of services/*/service.yaml and profiles.yaml.
# 1. The kit's real files (a copy without the retired `profiles:` lines): the answers
#    follow from the YAML, whose premises are checked here too.
# 2. tests/fixtures/svcmeta/kit: precedence of variables, hooks and run, resolve of a
#    profile when a service outside it has an unset variable.
# 3. Every error: a fixture each, with the exit code and the file:line:col it names.
# 4. Quoting: values with quotes, spaces, $, backticks evaluate back exactly.
# 5. Valgrind (the Python reader it replaced is gone; its outputs matched while both existed).
# shellcheck disable=SC2016 # code in single quotes is evaluated after resolve's snippet
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_probe svcmeta
export LC_ALL=C
SM=$ARC_BIN/svcmeta
FIX=$ARC_ROOT/tests/fixtures/svcmeta

# No variable of the caller's shell may change the answers.
while read -r v; do
    case $v in ARC_ROOT | ARC_BIN) ;; ARC_* | ALPHA_* | BETA_* | GAMMA_* | ODD_*) unset "$v" ;; esac
done < <(compgen -e)

# The kit's files, copied; the services' `profiles:` lines are retired (profiles.yaml
# alone lists them) and local .env files are not part of the test.
KIT=$TEST_TMP/kit
mkdir -p "$KIT"
cp -r "$ARC_ROOT/services" "$ARC_ROOT/profiles.yaml" "$KIT/"
sed -i '/^profiles:/d' "$KIT"/services/*/service.yaml
rm -f "$KIT"/services/*/.env
sm() { "$SM" --root "$KIT" "$@"; }
yaml_of() { grep -l "^codename: $1\$" "$KIT"/services/*/service.yaml; }

# ---- usage ---------------------------------------------------------------------------
check_cmd "--help lists the commands and the exit codes" 0 'resolve \[PROFILE\].*' "$SM" --help
like "$OUT" '65  malformed file' "--help: the exit status table"
check_cmd "--version" 0 '^svcmeta [0-9]' "$SM" --version
check_cmd "no command -> 64" 64 'no command' "$SM" --root "$KIT"
check_cmd "unknown command -> 64" 64 "unknown command 'frob'" "$SM" --root "$KIT" frob
check_cmd "get with one argument -> 64" 64 'get: expected 2 to 2 arguments, got 1' sm get sonic
check_cmd "unknown option -> 64" 64 "unknown option '--nope'" "$SM" --nope list
check_cmd "no root: names ARC_ROOT -> 64" 64 'ARC_ROOT' env -u ARC_ROOT "$SM" list
check_cmd "a root that is not a directory -> 1" 1 'not a directory' "$SM" --root "$TEST_TMP/none" list
check_cmd "ARC_ROOT is the default root" 0 '' env ARC_ROOT="$KIT" "$SM" list
is "$OUT" "$(sm list)" "ARC_ROOT and --root give the same answer"

# ---- the kit's real files ---------------------------------------------------------------
# Folder order: the folders' names sorted bytewise (messaging before messaging-2).
codenames=$(for d in $(cd "$KIT/services" && printf '%s\n' */ | tr -d / | LC_ALL=C sort); do
    [ ! -f "$KIT/services/$d/service.yaml" ] || sed -n 's/^codename: *//p' "$KIT/services/$d/service.yaml"; done)
# The profiles: the keys two spaces in under profiles: (read here without svcmeta).
profiles=$(awk '/^profiles:/ { p = 1; next } p && /^  [a-z][a-z0-9_-]*:/ { sub(/:.*/, ""); print $1 }' "$KIT/profiles.yaml")
check_cmd "check: the kit's files are consistent" 0 "^ok: $(wc -l <<<"$codenames") services, $(wc -l <<<"$profiles") profiles\$" sm check
check_cmd "list" 0 '' sm list
is "$OUT" "$codenames" "list: every codename, in folder order"
is "$(sm profiles)" "$profiles" "profiles: in file order"
is "$(sm default)" "$(sed -n 's/^default: *//p' "$KIT/profiles.yaml")" "default: the file's default"

# The premises of the start order, read from the files.
like "$(grep -A3 '^  think:' "$KIT/profiles.yaml")" 'services: \[cortex, flash, strange, sonic\]' \
    "premise: think lists cortex, flash, strange, sonic"
like "$(grep -A3 '^  reason:' "$KIT/profiles.yaml")" 'includes: \[think\]' "premise: reason includes think"
like "$(grep -A3 '^  reason:' "$KIT/profiles.yaml")" 'services: \[friday\]' "premise: reason adds friday"
is "$(sed -n 's/^depends_on: *//p' "$(yaml_of cortex)")" "[oracle, flash, strange, sonic]" \
    "premise: cortex depends on oracle, flash, strange, sonic, in that order"
is "$(grep -l '^kind: oneshot' "$KIT"/services/*/service.yaml || true)" "" "premise: no one-shot (cortex is a service)"
is "$(grep -l '^depends_on: *\[..*\]' "$KIT"/services/*/service.yaml | sed 's|.*/services/||' | xargs)" \
    "cortex/service.yaml sql-replica/service.yaml" \
    "premise: no service but cortex and oracle2 (ha only) depends on anything"
# Hence: cortex's dependencies first, depth first in its order, then cortex; reason adds
# friday after think's (its includes come first).
is "$(sm profile think | xargs)" "oracle flash strange sonic cortex" "profile think: start order"
is "$(sm profile | xargs)" "oracle flash strange sonic cortex" "profile with no name: the default (think)"
is "$(sm profile reason | xargs)" "oracle flash strange sonic cortex friday" "profile reason: think's, then friday"
is "$(sm profile reason service | xargs)" "oracle flash strange sonic cortex friday" "profile reason service: all of them are services"
is "$(sm profile think oneshot)" "" "profile think oneshot: none"
check_cmd "unknown profile -> 64, naming the known ones" 64 "unknown profile 'nope' in profiles.yaml \\(known: $(xargs <<<"$profiles" | sed 's/ /, /g')\\)" sm profile nope
check_cmd "unknown kind -> 64" 64 "unknown kind 'daemon'" sm profile think daemon

# resolve: one snippet, evaluated in a subshell.
check_cmd "resolve (the default profile)" 0 '^ARC_META_PROFILE=think$' sm resolve
snippet=$OUT
check_cmd "resolve '' is the default profile" 0 '' sm resolve ''
is "$OUT" "$snippet" "resolve '' = resolve"
meta() { bash -c 'set -eu; eval "$1"; shift; eval "$1"' _ "$snippet" "$1"; }
is "$(meta 'echo "${ARC_META_SERVICES[*]}|${ARC_META_ONESHOTS[*]}"')" "oracle flash strange sonic cortex|" \
    "resolve: ARC_META_SERVICES and ARC_META_ONESHOTS in start order"
is "$(meta 'echo "${ARC_META_PROFILES[*]}"')" "$(xargs <<<"$profiles")" "resolve: ARC_META_PROFILES"
is "$(meta 'echo "${ARC_META_ALL[*]}"')" "$(sort <<<"$codenames" | xargs)" "resolve: ARC_META_ALL, every service (sorted)"
is "$(meta 'echo "${#ARC_META_INCOMPLETE[@]}"')" 0 "resolve: nothing left unresolved"
for c in $codenames; do
    f=$(yaml_of "$c")
    dir=$(dirname "$f")
    want_probe=$(sed -n 's/^  probe: *//p' "$f")
    want_timeout=$(sed -n 's/^up_timeout: *//p' "$f")
    want_deps=$(sed -n 's/^depends_on: *\[\(.*\)\]/\1/p' "$f" | tr -d ,)
    want_compose=
    if [ -f "$dir/docker-compose.yml" ]; then want_compose=$dir/docker-compose.yml; fi
    is "$(meta "printf '%s|' \"\${META_NAME[$c]}\" \"\${META_DIR[$c]}\" \"\${META_PROBE[$c]}\" \"\${META_UP_TIMEOUT[$c]}\" \"\${META_DEPENDS[$c]}\" \"\${META_COMPOSE[$c]}\"")" \
        "arc-$c|$dir|$want_probe|${want_timeout:-120}|$want_deps|$want_compose|" "resolve: $c's name, dir, probe, up_timeout, depends_on, compose"
    is "$(sm get "$c" dir)|$(sm get "$c" probe)|$(sm get "$c" up_timeout)" "$dir|$want_probe|${want_timeout:-120}" \
        "get $c dir/probe/up_timeout"
done
# Port variables: each port's env defaults to its host (read from the YAML).
ports=$(awk '/^ +host:/ { h = $2 } /^ +env: +[A-Z]/ { print $2 "=" h }' "$KIT"/services/*/service.yaml | sort)
is "$(wc -l <<<"$ports")" "$(grep -c '^ *env: ARC_' "$KIT"/services/*/service.yaml | awk -F: '{ n += $2 } END { print n }')" \
    "premise: every port variable paired with its host"
is "$(meta 'for v in $(compgen -e | grep "^ARC_.*_PORT$"); do echo "$v=${!v}"; done' | sort)" "$ports" \
    "resolve exports every service's port variables, defaulted to the hosts"
sonic_port=$(sed -n 's/^ARC_SONIC_PORT=//p' <<<"$ports")
is "$(meta 'eval "a=(${META_HEALTH_ARGS[sonic]})"; printf "%s|" "${a[@]}"')" \
    "--url|redis://127.0.0.1:$sonic_port|--expect|aof_enabled=1|--expect|maxmemory_policy=noeviction|" \
    "resolve: sonic's health args, one array element per word"
like "$(meta 'echo "${META_PORTS[strange]}"')" "^broker [0-9]+ [0-9]+ ARC_STRANGE_PORT pulsar://127.0.0.1:[0-9]+
admin [0-9]+ 8080 ARC_STRANGE_ADMIN_PORT " "resolve: META_PORTS rows 'name host container env url', one a line"
is "$(meta 'eval "e=(${META_HEALTH_ENV[oracle]})"; echo "${e[*]}"')" \
    "PGPASSWORD=$(sed -n 's/.*PGPASSWORD: *\${ARC_ORACLE_PASSWORD:-\(.*\)}/\1/p' "$(yaml_of oracle)")" \
    "resolve: oracle's health env, with the password's default"
check_cmd "resolve reason" 0 '^ARC_META_PROFILE=reason$' sm resolve reason
check_cmd "resolve of an unknown profile -> 64" 64 "unknown profile 'nope'" sm resolve nope

# ---- the fixture kit: variables, hooks, run, incomplete services --------------------------
K=$TEST_TMP/fkit
cp -r "$FIX/kit" "$K"
fk() { "$SM" --root "$K" "$@"; }
ev() { # ev PROFILE 'code': evaluate resolve's snippet, then code
    local s
    s=$(fk resolve "$1") || return 1
    bash -c 'set -eu; eval "$1"; eval "$2"' _ "$s" "$2"
}
is "$(fk list | xargs)" "gamma beta alpha" "fixture: list in folder order (aaa-obs, boot, store)"
is "$(fk profile full | xargs)" "alpha gamma beta" "fixture: full = base's beta (after alpha), then gamma; one-shots last"
is "$(fk get beta depends_on)" alpha "get depends_on"
is "$(fk get gamma container)" arc-gamma-main "get container: the container key"
is "$(fk get alpha container)" arc-alpha "get container: defaults to the name"
is "$(fk get beta profiles | xargs)" "base full" "get profiles: the profiles that start it"
is "$(fk get gamma profiles)" full "get profiles: gamma only in full"
check_cmd "get of an unknown field -> 64" 64 "unknown field 'colour'" fk get alpha colour
check_cmd "get of an unknown service -> 1" 1 "unknown service 'nosuch' \\(known: alpha, beta, gamma\\)" fk get nosuch name
check_cmd "check: the fixture kit is consistent" 0 '^ok: 3 services, 2 profiles$' fk check

# Precedence: environment (non-empty) > .env > port default.
is "$(ev base 'echo "$ALPHA_PORT ${META_PORTS[alpha]}"')" "7101 main 7101 7100 ALPHA_PORT tcp://admin@127.0.0.1:7101" \
    "port variable: the host by default; url default for ALPHA_USER"
printf '# local settings\nexport ALPHA_PORT=7201\nALPHA_USER="bob"\n\nALPHA_PASSWORD='"'"'pw from env file'"'"'\n' >"$K/services/store/.env"
is "$(ev base 'echo "$ALPHA_PORT ${META_PORTS[alpha]}"')" "7201 main 7201 7100 ALPHA_PORT tcp://bob@127.0.0.1:7201" \
    ".env beats the port default (export prefix, quotes stripped)"
is "$(ALPHA_PORT=7301 ev base 'echo "$ALPHA_PORT ${META_PORTS[alpha]}"')" "7301 main 7301 7100 ALPHA_PORT tcp://bob@127.0.0.1:7301" \
    "the environment beats .env"
is "$(ALPHA_PORT='' ev base 'echo "$ALPHA_PORT"')" 7201 "an empty environment variable does not count"
is "$(ev base 'eval "e=(${META_HEALTH_ENV[alpha]})"; echo "${e[0]}"')" "ALPHA_SECRET=pw from env file" \
    "health env from .env, one word with its space"
is "$(ALPHA_PORT=7301 fk env alpha | grep '^export ALPHA_PORT')" "export ALPHA_PORT=7301" "env: the same precedence"
check_cmd "a port variable that is not a number -> 64, naming it" 64 "ALPHA_PORT='http' is not a port number" \
    env ALPHA_PORT=http "$SM" --root "$K" env alpha
check_cmd "a port variable out of range -> 64 (resolve of its profile)" 64 "ALPHA_PORT='65536' is not a port number" \
    env ALPHA_PORT=65536 "$SM" --root "$K" resolve base
printf 'ALPHA_USER=bob\nthis line is wrong s3cret-in-env-file\n' >"$K/services/store/.env"
check_cmd ".env: a bad line -> 65, naming file and line" 65 '^svcmeta: services/store/.env:2: expected KEY=VALUE' fk env alpha
unlike "$ALL" 's3cret' "... without showing the line (it may hold a secret)"
check_cmd ".env: a bad line breaks resolve too" 65 'services/store/.env:2:' fk resolve base
rm "$K/services/store/.env"

# Hooks and run: argv arrays, the program made absolute.
is "$(ev base 'eval "a=(${META_AFTER_UP[alpha]})"; printf "%s|" "${a[@]}"')" "$K/services/store/hooks/up.sh|--fast|" \
    "hooks.after_up: an argv, the program under the service folder"
is "$(ev base 'eval "a=(${META_AFTER_UP[alpha]})"; "${a[@]}"')" "up --fast" "hooks.after_up runs as it is"
is "$(ev base 'eval "a=(${META_BEFORE_DOWN[alpha]})"; "${a[@]}"')" "down" "hooks.before_down"
is "$(BETA_MODE=quick ev base 'eval "a=(${META_RUN[beta]})"; "${a[@]}"')" "run --once quick" "run: the one-shot's command, variables expanded"
is "$(ev base 'eval "a=(${META_RUN[beta]})"; echo "${a[2]}"')" "full" "run: a variable's default"

# A variable missing in a service outside the profile does not break the profile.
check_cmd "resolve base: gamma's \${GAMMA_PATH} is unset, gamma is not in base -> 0" 0 '' fk resolve base
is "$(ev base 'echo "${ARC_META_INCOMPLETE[*]}|${META_PORTS[gamma]}|${META_HEALTH_ARGS[gamma]}|$GAMMA_PORT"')" \
    "gamma||--url http://127.0.0.1:7102/|7102" \
    "... gamma is named incomplete, its unresolved field empty, the rest resolved"
check_cmd "resolve full: gamma is in it -> 1, naming file, line and field" 1 \
    'services/aaa-obs/service.yaml:9:[0-9]+: ports\[0\]\.url: \$\{GAMMA_PATH\} is not set' fk resolve full
check_cmd "env gamma: the same error" 1 'ports\[0\]\.url: \$\{GAMMA_PATH\} is not set' fk env gamma
is "$(GAMMA_PATH=x ev full 'echo "${#ARC_META_INCOMPLETE[@]} ${META_PORTS[gamma]}"')" "0 http 7102 80 GAMMA_PORT http://127.0.0.1:7102/x
raw 7103 81 -" "with GAMMA_PATH set: resolved, a port without url or env as 'name host container -'"
check_cmd "resolve base: a bad port variable of gamma (not in base) -> 0" 0 '' env GAMMA_PORT=x "$SM" --root "$K" resolve base
unlike "$OUT" 'GAMMA_PORT=' "... and gamma's bad port variable is not exported"
check_cmd "resolve full: the same bad port variable -> 64" 64 "GAMMA_PORT='x'" env GAMMA_PORT=x GAMMA_PATH=p "$SM" --root "$K" resolve full

# Secrets: in resolve's stdout only, never in an error.
check_cmd "resolve: the password is in the snippet" 0 'ALPHA_SECRET=hunter2-secret' env ALPHA_PASSWORD=hunter2-secret "$SM" --root "$K" resolve
check_cmd "an error after the secret was read does not show it" 1 'GAMMA_PATH' \
    env ALPHA_PASSWORD=hunter2-secret "$SM" --root "$K" resolve full
unlike "$ALL" 'hunter2' "... the password is nowhere in the output"
check_cmd "a control character in a variable -> 65, naming the variable, not the value" 65 \
    'health.env.ALPHA_SECRET: the value of ALPHA_PASSWORD contains a control character' \
    env ALPHA_PASSWORD="$(printf 'hunter2\nrm -rf')" "$SM" --root "$K" resolve
unlike "$ALL" 'hunter2' "... and without the value"

# ---- every error of a service.yaml: exit 65, file:line:col and the field ------------------
bad() { # bad FIXTURE "what" 'regex': the fixture as services/zeta/service.yaml
    local k=$TEST_TMP/bad-$1
    rm -rf "$k"
    cp -r "$FIX/kit" "$k"
    mkdir -p "$k/services/zeta"
    cp "$FIX/bad/$1.yaml" "$k/services/zeta/service.yaml"
    check_cmd "$2 -> 65" 65 "^svcmeta: services/zeta/service.yaml:$3" "$SM" --root "$k" list
}
line_of() { grep -n -- "$2" "$FIX/bad/$1.yaml" | head -n 1 | cut -d: -f1; }
bad malformed "not valid YAML, with line and column" "$(($(line_of malformed '^  args') + 1)):1: not valid YAML: did not find expected ',' or ']'"
bad unknown-key "the retired 'profiles' key" \
    "$(line_of unknown-key '^profiles'):1: unknown key 'profiles' \\(profiles are listed in profiles.yaml only\\)"
bad nested-unknown-key "an unknown key in a port" "$(line_of nested-unknown-key proto):5: unknown key 'proto' in ports\\[1\\]"
bad bad-port "a port number out of range" "$(line_of bad-port 70000):[0-9]+: ports\\[1\\]\\.host must be a port number 1-65535, got '70000'"
bad quoted-port "a quoted port (a string, not a number)" "$(line_of quoted-port 7301):[0-9]+: ports\\[0\\]\\.host must be a port number"
bad bad-name "a name that is not arc-<codename>" "1:7: name must be 'arc-zeta', got 'arc-other'"
bad bad-codename "a codename with capitals" "2:11: codename 'Zeta' must be lower-case"
bad bad-kind "an unknown kind" "5:7: kind must be one of service, oneshot, got 'daemon'"
bad no-health "a service without health" "1:1: a service needs 'health'"
bad bad-timeout "up_timeout 0" "$(line_of bad-timeout up_timeout):13: up_timeout must be whole seconds \\(1-86400\\), got '0'"
bad anchor "an anchor" "$(line_of anchor '&d'):14: anchors \\(&name\\) are not supported"
bad duplicate-key "a key given twice" "$(line_of duplicate-key again):1: duplicate key 'tech' \\(first at line 3\\)"
bad control-char "a tab in a value" "$(line_of control-char description):14: description: control characters"
bad run-on-service "run on a service" "$(line_of run-on-service '^run'):6: 'run' is for kind: oneshot"
bad absolute-hook "an absolute hook program" "$(line_of absolute-hook after_up):[0-9]+: hooks\\.after_up\\[0\\] must be a path relative to the service folder"
bad hook-not-a-list "a hook that is not a list" "$(line_of hook-not-a-list after_up):13: hooks\\.after_up must be a list of strings"
bad bad-env-name "a health.env name that is no variable name" "$(line_of bad-env-name BAD-NAME):5: health\\.env: 'BAD-NAME' is not a variable name"
bad two-documents "two YAML documents" "$(line_of two-documents '^---'):1: only one YAML document is allowed"
bad depends-not-a-list "depends_on that is not a list" "$(line_of depends-not-a-list depends_on):13: depends_on must be a list"

# Errors across services: exit 1 (inconsistent) or 65 (duplicate codename).
logic_kit() { # logic_kit NAME: a copy of the fixture kit; add services with add_svc
    LK=$TEST_TMP/logic-$1
    rm -rf "$LK"
    cp -r "$FIX/kit" "$LK"
}
add_svc() { # add_svc FOLDER CODENAME [extra YAML lines...]
    local d=$LK/services/$1 c=$2
    shift 2
    mkdir -p "$d"
    printf 'services: {}\n' >"$d/docker-compose.yml"
    printf '%s\n' "name: arc-$c" "codename: $c" "tech: t" "role: r" "kind: service" "health: {probe: p}" "$@" >"$d/service.yaml"
}
logic_kit cycle
add_svc zeta zeta 'depends_on: [eta]'
add_svc eta eta 'depends_on: [zeta]'
check_cmd "check: a depends_on cycle -> 1" 1 'depends_on cycle: (eta -> zeta -> eta|zeta -> eta -> zeta)' "$SM" --root "$LK" check
logic_kit unknown-dep
add_svc zeta zeta 'depends_on: [nosuch]'
check_cmd "check: depends_on an unknown service -> 1, with its position" 1 \
    "services/zeta/service.yaml:7:[0-9]+: depends_on names unknown service 'nosuch'" "$SM" --root "$LK" check
logic_kit dup-codename
add_svc zeta alpha
check_cmd "a codename used twice -> 65, naming both files" 65 \
    "services/zeta/service.yaml:2:11: codename 'alpha' is also used by services/store/service.yaml" "$SM" --root "$LK" list
logic_kit port-twice
add_svc zeta zeta 'ports: [{name: again, host: 7101, container: 1}]'
check_cmd "check: a host port used twice -> 1" 1 'host port 7101 is used by alpha.main and zeta.again' "$SM" --root "$LK" check
logic_kit no-compose
add_svc zeta zeta
rm "$LK/services/zeta/docker-compose.yml"
check_cmd "check: a service without docker-compose.yml -> 1" 1 'services/zeta/service.yaml: a service needs docker-compose.yml' "$SM" --root "$LK" check
logic_kit no-hook
rm "$LK/services/store/hooks/down.sh"
check_cmd "check: a hook program that is not there -> 1" 1 'hooks\.before_down\[0\]: no file services/store/hooks/down.sh' "$SM" --root "$LK" check

# profiles.yaml: structure, includes, names (65); unknown profile (64).
prof() { check_cmd "profiles.yaml: $2 -> 65" 65 "profiles/$1.yaml:$3" "$SM" --root "$K" --profiles "$FIX/profiles/$1.yaml" profiles; }
prof unknown-service "an unknown service" "4:23: profile 'base' names unknown service 'nosuch'"
prof includes-cycle "includes in a loop" "[0-9]+:[0-9]+: profiles include each other: one -> two -> one"
prof default-undefined "a default that is not defined" "1:10: default profile 'missing' is not defined"
prof unknown-include "an unknown include" "4:16: profile 'base' includes unknown profile 'nosuch'"
prof not-a-mapping "not a mapping" "1:1: must be a mapping"
prof unknown-key "an unknown key" "5:5: unknown key 'start' in profiles.base"
check_cmd "ARC_PROFILES_FILE names the profiles file" 65 'default-undefined.yaml' \
    env ARC_PROFILES_FILE="$FIX/profiles/default-undefined.yaml" "$SM" --root "$K" default
check_cmd "a missing profiles file -> 1" 1 'nosuch.yaml: cannot read' "$SM" --root "$K" --profiles "$TEST_TMP/nosuch.yaml" default

# ---- quoting: what eval gives back is exactly the value ------------------------------------
Q=$FIX/quoting
nasty="a b'c\"d\$HOME\`id\`\\e;*?!{}[]~#&|<>()\$(id)"
qr() { env ODD_ARG="$nasty" ODD_SECRET="$nasty" "$SM" --root "$Q" "$@"; }
check_cmd "quoting fixture: resolve" 0 '' qr resolve
qs=$OUT
qeval() { bash -c 'set -eu; eval "$1"; eval "$2"' _ "$qs" "$1"; }
desc=$(sed -n "s/^description: '\\(.*\\)'\$/\\1/p" "$Q/services/odd/service.yaml" | sed "s/''/'/g")
is "$(qeval 'printf %s "${META_DESCRIPTION[odd]}"')" "$desc" "resolve: a description with quotes, \$, backticks, backslash"
is "$(qeval 'eval "a=(${META_HEALTH_ARGS[odd]})"; printf "<%s>" "${a[@]}"')" \
    "<$nasty><lit \$HOME \`id\` \$(id)><two words><><7201>" "resolve: health args, word for word (an empty one kept)"
is "$(qeval 'eval "e=(${META_HEALTH_ENV[odd]})"; printf "<%s>" "${e[@]}"')" "<ODD_TOKEN=$nasty>" "resolve: health env, one word"
is "$(qeval 'eval "a=(${META_AFTER_UP[odd]})"; printf "<%s>" "${a[@]}"')" \
    "<$Q/services/odd/dir with space/up it's.sh><$nasty>" "resolve: a hook whose path has a space and a quote"
is "$(qeval 'printf %s "${META_PORTS[odd]}"')" "main 7201 7201 ODD_PORT x://a b/\$HOME/\`id\`/'q'/\"dq\"/$nasty" "resolve: a url"
check_cmd "quoting fixture: env" 0 '' qr env odd
is "$(bash -c 'set -eu; eval "$1"; printf "<%s>" "$SVC_DESCRIPTION" "${SVC_HEALTH_ARGS[@]}" "$ODD_TOKEN"' _ "$OUT")" \
    "<$desc><$nasty><lit \$HOME \`id\` \$(id)><two words><><7201><$nasty>" "env: the same values"


# ---- memory ------------------------------------------------------------------------------------
valgrind_clean "resolve reason" 0 "$SM" --root "$KIT" resolve reason
valgrind_clean "check" 0 "$SM" --root "$KIT" check
valgrind_clean "resolve with an incomplete service" 0 "$SM" --root "$K" resolve base
valgrind_clean "an error path (a malformed file)" 65 "$SM" --root "$TEST_TMP/bad-malformed" list

# ---- a profile's env: settings --------------------------------------------------------------
K3=$TEST_TMP/envkit
cp -r "$FIX/kit" "$K3"
cat >>"$K3/profiles.yaml" <<'YAML'
  quick:
    description: base, its one-shot quick, with a setting of its own
    includes: [base]
    env:
      BETA_MODE: quick
      EXTRA_NOTE: "two words"
  quicker:
    description: quick with BETA_MODE changed
    includes: [quick]
    env:
      BETA_MODE: quicker
YAML
ek() { "$SM" --root "$K3" "$@"; }
eev() { local s; s=$(ek resolve "$1") || return 1; bash -c 'set -eu; eval "$1"; eval "$2"' _ "$s" "$2"; }
is "$(eev quick 'eval "a=(${META_RUN[beta]})"; echo "${a[2]}|$BETA_MODE|$EXTRA_NOTE"')" "quick|quick|two words" \
    "env: the profile's setting is expanded in service.yaml and exported (one word with its space)"
is "$(eev quicker 'eval "a=(${META_RUN[beta]})"; echo "${a[2]}|$EXTRA_NOTE"')" "quicker|two words" \
    "env: an including profile's setting overrides the included one's; the others carry over"
is "$(BETA_MODE=mine eev quick 'eval "a=(${META_RUN[beta]})"; echo "${a[2]}|$BETA_MODE"')" "mine|mine" \
    "env: the caller's own setting wins over the profile's"
is "$(eev base 'eval "a=(${META_RUN[beta]})"; echo "${a[2]}|${BETA_MODE-unset}"')" "full|unset" \
    "env: another profile's settings are not applied"
is "$(ek resolve quick | grep -c '^export BETA_MODE=')" 1 "env: exported once"
cp "$K3/profiles.yaml" "$TEST_TMP/profiles.good"
sed -i 's/^      EXTRA_NOTE:/      9EXTRA:/' "$K3/profiles.yaml"
check_cmd "env: a key that is no variable name -> 65, naming file, line and key" 65 \
    "profiles.yaml:[0-9]+:[0-9]+: profiles.quick.env: '9EXTRA' is not a variable name" ek check
cp "$TEST_TMP/profiles.good" "$K3/profiles.yaml"
sed -i 's/^      EXTRA_NOTE: .*/      EXTRA_NOTE: [a, b]/' "$K3/profiles.yaml"
check_cmd "env: a value that is not a plain value -> 65, naming it" 65 \
    "profiles.yaml:[0-9]+:[0-9]+: profiles.quick.env.EXTRA_NOTE must be a plain value" ek check

done_testing
