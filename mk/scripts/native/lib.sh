#!/usr/bin/env bash
# native/lib.sh — the native runtime's shared parts (sourced by runtime-native.sh, after
# ../lib.sh; never run): the state folder, a service's native.sh, and the packages.
#
# The state folder (ARC_STATE_DIR, default <kit>/.arc; a relative path is taken from the
# kit's root) holds everything the native runtime writes:
#   data/<codename>/   the service's data (JetStream store, AOF, PGDATA, ...)
#   logs/              <codename>.log (the program's output) and supervisord.log
#   run/               supervisord.conf, supervisor.sock, supervisord.pid, programs/*.conf,
#                      native.lock, and run/<codename>/ (generated configs, sockets)
#
# A service runs natively when its folder has native.sh (services/<role>/native.sh). It is
# sourced by native_load with SVC_* (lib.sh: load_service) and these set:
#   NATIVE_CODE NATIVE_PROGRAM (arc-<codename>) NATIVE_DATA NATIVE_RUN NATIVE_LOG
# and may set or define (defaults in native_load):
#   NATIVE_NEEDS=(command:package ...)  what must be installed (package = Debian's)
#   NATIVE_USER        the account the program runs as when the kit runs as root
#   NATIVE_STOPSIGNAL  (TERM) and NATIVE_STOPWAIT (30 s) for supervisor's stop
#   native_missing     print the missing packages, one a line (default: NATIVE_NEEDS)
#   native_check       can it run here? else set NATIVE_REASON, NATIVE_REMEDY, return 1
#   native_prepare     create the data and config it needs (every `up`; idempotent)
#   native_command     set NATIVE_CMD=(program args...), NATIVE_ENV=(KEY=VALUE ...),
#                      NATIVE_CWD (default NATIVE_DATA)
#   native_shell       exec an interactive client (`make <codename>-shell`)
# shellcheck disable=SC2034,SC2317  # NATIVE_* are read, native_* defaults replaced, elsewhere

NATIVE_LIB=$SCRIPTS/native

# ---- the state folder ----------------------------------------------------------------
native_state_init() {
    local s=${ARC_STATE_DIR:-$ARC_ROOT/.arc}
    [ "${s#/}" != "$s" ] || s=$ARC_ROOT/$s
    s=${s%/}
    # Paths go into supervisor's config, PostgreSQL's -c options and unix socket names:
    # keep them plain.
    [[ "$s" =~ ^/[A-Za-z0-9._/+@-]*$ ]] ||
        die "ARC_STATE_DIR='$s': use a path of letters, digits and . _ / + @ - only (no spaces, quotes or commas)"
    NATIVE_STATE=$s
    NATIVE_DATA_ROOT=$s/data
    NATIVE_LOGS=$s/logs
    NATIVE_RUNDIR=$s/run
    SV_CONF=$NATIVE_RUNDIR/supervisord.conf
    SV_SOCK=$NATIVE_RUNDIR/supervisor.sock
    SV_PIDFILE=$NATIVE_RUNDIR/supervisord.pid
    SV_PROGRAMS=$NATIVE_RUNDIR/programs
    # A unix socket path has at most 107 bytes (PostgreSQL's: run/oracle/.s.PGSQL.<port>).
    [ $((${#NATIVE_RUNDIR} + 30)) -le 107 ] ||
        die "ARC_STATE_DIR='$s' is too long for unix socket paths (<= 77 characters): choose a shorter folder, e.g. ARC_STATE_DIR=/var/tmp/arc"
}

native_dirs() {
    mkdir -p "$NATIVE_DATA_ROOT" "$NATIVE_LOGS" "$NATIVE_RUNDIR" "$SV_PROGRAMS" ||
        die "cannot create the state folder $NATIVE_STATE (ARC_STATE_DIR)"
}

# native_lock: one up/down/clean at a time on a state folder (held until exit).
native_lock() {
    native_dirs
    exec 8>"$NATIVE_RUNDIR/native.lock"
    flock -n 8 && return 0
    say "waiting for another native up/down/clean on $NATIVE_STATE ..."
    flock -w "${ARC_LOCK_TIMEOUT:-600}" 8 ||
        die "another native up/down/clean still holds $NATIVE_RUNDIR/native.lock"
}

NATIVE_UID=$(id -u)
is_root() { [ "$NATIVE_UID" -eq 0 ]; }

# as_user USER CMD...: CMD as USER (empty: as we are).
as_user() {
    local u=$1
    shift
    if [ -n "$u" ] && [ "$u" != "$(id -un)" ]; then runuser -u "$u" -- "$@"; else "$@"; fi
}

# ---- service metadata beyond lib.sh ---------------------------------------------------
# svc_var NAME DEFAULT: the environment, else the service folder's .env, else DEFAULT —
# the order compose uses for \${NAME:-DEFAULT} (needs SVC_CODENAME). The .env is read by
# svcmeta (svcmeta var), with the same rules as everywhere else.
svc_var() {
    local v=${!1:-}
    if [ -z "$v" ] && [ -f "$SVC_DIR/.env" ]; then
        v=$(meta var "$SVC_CODENAME" "$1") || exit 1
    fi
    printf '%s\n' "${v:-$2}"
}

# ---- a service's native.sh -------------------------------------------------------------
native_load() {
    load_service "$1"
    NATIVE_CODE=$1
    NATIVE_PROGRAM=arc-$1
    NATIVE_DATA=$NATIVE_DATA_ROOT/$1
    NATIVE_RUN=$NATIVE_RUNDIR/$1
    NATIVE_LOG=$NATIVE_LOGS/$1.log
    NATIVE_FILE=$SVC_DIR/native.sh
    NATIVE_NEEDS=() NATIVE_CMD=() NATIVE_ENV=()
    NATIVE_USER="" NATIVE_CWD="" NATIVE_STOPSIGNAL=TERM NATIVE_STOPWAIT=30
    # Defaults, replaced by what native.sh defines.
    native_missing() { native_needs_missing; }
    native_check() { return 0; }
    native_prepare() { mkdir -p "$NATIVE_DATA"; }
    native_command() { NATIVE_CMD=(); }
    native_shell() { cd "$NATIVE_DATA" && exec "${SHELL:-bash}" -i; }
    NATIVE_HAS=0
    if [ -f "$NATIVE_FILE" ]; then
        # shellcheck source=/dev/null
        . "$NATIVE_FILE"
        NATIVE_HAS=1
    fi
    is_root || NATIVE_USER=""
}

native_needs_missing() {
    local n
    for n in "${NATIVE_NEEDS[@]+"${NATIVE_NEEDS[@]}"}"; do
        command -v "${n%%:*}" >/dev/null 2>&1 || echo "${n#*:}"
    done
}

# native_available: can the loaded service run here? Else NATIVE_REASON / NATIVE_REMEDY.
native_available() {
    NATIVE_REASON="" NATIVE_REMEDY=""
    if [ "$NATIVE_HAS" = 0 ]; then
        NATIVE_REASON="$NATIVE_CODE ($SVC_TECH) has no native runtime ($(relpath "$SVC_DIR")/native.sh does not exist)"
        NATIVE_REMEDY="use Docker (ARC_RUNTIME=docker)"
        return 1
    fi
    native_check
}

# native_why: "<reason>; remedy: <remedy>" of the last native_available.
native_why() { printf '%s%s\n' "$NATIVE_REASON" "${NATIVE_REMEDY:+; remedy: $NATIVE_REMEDY}"; }

# ---- packages -------------------------------------------------------------------------
# native_packages CODENAME...: what the services and the supervisor need is installed;
# as root, installs what is missing (mk/scripts/deps.sh native), else names it and fails.
native_packages() {
    local c missing=() who=()
    if ! command -v supervisord >/dev/null 2>&1 || ! command -v supervisorctl >/dev/null 2>&1; then
        missing+=(supervisor)
        who+=(supervisor)
    fi
    for c in "$@"; do
        native_load "$c"
        [ "$NATIVE_HAS" = 1 ] || continue
        local m
        m=$(native_missing)
        [ -z "$m" ] || { mapfile -t -O "${#missing[@]}" missing <<<"$m"; who+=("$c"); }
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk 'NF && !seen[$0]++')
    if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
        die "native runtime: missing packages for ${who[*]}: ${missing[*]}
  install them with:  sudo apt-get install -y --no-install-recommends ${missing[*]}
  (or run 'make up' as root: it installs them; or use Docker: ARC_RUNTIME=docker)"
    fi
    say "native runtime: installing ${missing[*]} (for ${who[*]})"
    "$SCRIPTS/deps.sh" native || die "native runtime: installing ${missing[*]} failed (above)"
    hash -r
    # What deps.sh's group does not carry is still missing: say so.
    local still=()
    command -v supervisord >/dev/null 2>&1 || still+=(supervisor)
    for c in "$@"; do
        native_load "$c"
        [ "$NATIVE_HAS" = 0 ] || mapfile -t -O "${#still[@]}" still < <(native_missing)
    done
    [ ${#still[@]} -eq 0 ] || die "native runtime: still missing after installing: ${still[*]}"
}

# native_leftovers CODENAME...: "pid name" of those services' servers (nats-server,
# redis-server, postgres, java, cortex) that run outside our supervisord, e.g. after it
# was killed -9 and its programs lived on. Recognized by their command line naming the
# service's data/ or run/ folder (Redis rewrites its own and cortex names none: by their
# working directory); nothing else is ever counted.
native_leftovers() {
    local d pid comm cwd c pats=()
    for c in "$@"; do pats+=(-e "$NATIVE_DATA_ROOT/$c" -e "$NATIVE_RUNDIR/$c/"); done
    [ ${#pats[@]} -gt 0 ] || return 0
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        comm=$(cat "$d/comm" 2>/dev/null) || continue
        case "$comm" in
        nats-server | postgres | java)
            tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qsF "${pats[@]}" || continue ;;
        redis-server | cortex)
            cwd=$(readlink "$d/cwd" 2>/dev/null || true)
            printf '%s/\n' "$cwd" | grep -qsF "${pats[@]}" || continue ;;
        *) continue ;;
        esac
        printf '%s %s\n' "$pid" "$comm"
    done
}

# native_stop_leftovers CODENAME...: stop them (postgres: fast shutdown), wait up to 30 s;
# 1 when some remain.
native_stop_leftovers() {
    local left pid comm _
    left=$(native_leftovers "$@")
    [ -n "$left" ] || return 0
    while read -r pid comm; do
        say "stopping pid $pid ($comm): left over from an earlier run, outside the kit's supervisord"
        if [ "$comm" = postgres ]; then kill -INT "$pid" 2>/dev/null || true; else kill "$pid" 2>/dev/null || true; fi
    done <<<"$left"
    for _ in $(seq 150); do
        [ -n "$(native_leftovers "$@")" ] || return 0
        sleep 0.2
    done
    return 1
}
