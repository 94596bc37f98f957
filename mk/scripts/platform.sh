#!/usr/bin/env bash
# platform.sh — the platform over a profile (profiles.yaml; ARC_PROFILE, default: the
# file's `default`). The make targets up, down, health, ... call it.
#
#   platform.sh up|down|health|status|ps|logs|info|clean
#   platform.sh validate    every service.yaml, profiles.yaml, and every compose file
#                           with every compose command present
#   platform.sh env         services/*/.env from .env.example (never overwrites)
#
# Services go through svc.sh (and so the runtime, and the services' hooks); one-shots
# (kind: oneshot) run last: the command their service.yaml names (run:).
set -euo pipefail
_here=${BASH_SOURCE[0]%/*}
[ "$_here" != "${BASH_SOURCE[0]}" ] || _here=. # (no dirname process: this runs on every command)
# shellcheck source=SCRIPTDIR/lib.sh
. "$_here/lib.sh"
cd "$ARC_ROOT"

# members KIND: the profile's codenames of that kind into MEMBERS (exits on error).
members() {
    meta_load
    if [ "$1" = service ]; then
        MEMBERS=("${ARC_META_SERVICES[@]+"${ARC_META_SERVICES[@]}"}")
    else
        MEMBERS=("${ARC_META_ONESHOTS[@]+"${ARC_META_ONESHOTS[@]}"}")
    fi
}

profile_name() { meta_load; printf '%s\n' "$ARC_META_PROFILE"; }

svc() { "$SCRIPTS/svc.sh" "$@"; }

# others_running MEMBER...: name the services outside the profile that still run (e.g. the ha
# profile's flash2, flash3, oracle2 under think): left as they are, but said.
others_running() {
    local c others=() running=()
    for c in "${ARC_META_ALL[@]}"; do [[ " $* " == *" $c "* ]] || others+=("$c"); done
    [ ${#others[@]} -gt 0 ] || return 0
    runtime_states "${others[@]}"
    for c in "${others[@]}"; do
        case "${RUNTIME_STATE[$c]:-}" in running | starting | backoff | restarting) running+=("$c") ;; esac
    done
    [ ${#running[@]} -eq 0 ] ||
        warn "note: ${running[*]} still running outside profile $(profile_name), left as they are: 'make down PROFILE=<the profile that started them>' stops them"
}

do_up() {
    local o run
    members service
    local services=("${MEMBERS[@]+"${MEMBERS[@]}"}")
    members oneshot
    say "profile $(profile_name): ${services[*]-} ${MEMBERS[*]-}"
    others_running "${services[@]+"${services[@]}"}" "${MEMBERS[@]+"${MEMBERS[@]}"}"
    # A whole profile: a runtime may skip what it cannot run here, saying why.
    [ ${#services[@]} -eq 0 ] || ARC_PROFILE_UP=1 svc up "${services[@]}"
    # One-shots last, each running what its service.yaml says (run:), directly.
    for o in "${MEMBERS[@]+"${MEMBERS[@]}"}"; do
        eval "run=(${META_RUN[$o]})"
        if [ ${#run[@]} -gt 0 ]; then
            "${run[@]}"
        else
            say "$o: nothing to run (its service.yaml has no run:)"
        fi
    done
    say ""
    do_status
}

do_down() {
    members service
    [ ${#MEMBERS[@]} -gt 0 ] || { say "profile $(profile_name) has no services"; return 0; }
    ARC_PROFILE_UP=1 svc down "${MEMBERS[@]}"
}

# over_services ACTION: svc.sh ACTION over the profile's services (one-shots have none).
over_services() {
    members service
    [ ${#MEMBERS[@]} -gt 0 ] || { say "profile $(profile_name) has no services"; return 0; }
    svc "$1" "${MEMBERS[@]}"
}

do_clean() {
    members service
    [ ${#MEMBERS[@]} -gt 0 ] || return 0
    confirm clean "Delete ALL data of profile $(profile_name): ${MEMBERS[*]}? (the data cannot be recovered)"
    YES=1 svc clean "${MEMBERS[@]}"
}

# table: tab-separated rows on stdin -> aligned columns.
table() {
    awk -F'\t' '{ for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) }
                  if (NF > nf) nf = NF }
        END { for (r = 1; r <= NR; r++) { line = ""
                for (i = 1; i <= nf; i++) line = line sprintf(i < nf ? "%-" w[i] + 2 "s" : "%s", cell[r, i])
                print line } }'
}

do_status() {
    local rows o
    members service
    say "runtime: $(runtime_label)   profile: $(profile_name)"
    rows=""
    if [ ${#MEMBERS[@]} -gt 0 ]; then rows=$(svc status "${MEMBERS[@]}"); fi
    members oneshot
    {
        printf 'SERVICE\tCONTAINER\tSTATE\tHEALTH\tROLE\tPORTS\n'
        [ -z "$rows" ] || printf '%s\n' "$rows"
        for o in "${MEMBERS[@]+"${MEMBERS[@]}"}"; do printf '%s\t-\tone-shot\t-\t-\t-\n' "$o"; done
    } | table
}

do_info() {
    local c p name url
    members service
    local services=("${MEMBERS[@]+"${MEMBERS[@]}"}")
    members oneshot
    say "A.R.C. platform — profile $(profile_name), runtime $(runtime_label)"
    {
        for c in "${services[@]+"${services[@]}"}"; do
            (
                load_service "$c"
                for p in "${SVC_PORTS[@]}"; do
                    read -r name _ _ _ url <<<"$p"
                    printf '%s\t%s\t%s\t%s\n' "$c" "$SVC_TECH" "$name" "$url"
                done
            ) || exit 1
        done
        for c in "${MEMBERS[@]+"${MEMBERS[@]}"}"; do
            printf '%s\t%s\t%s\t%s\n' "$c" "${META_TECH[$c]}" "one-shot" "make $c-up (after the others are healthy)"
        done
    } | sed 's/^/  /' | table
}

do_validate() {
    local impls impl cmd f out failed=0 p files
    meta check || failed=1
    mapfile -t impls < <(compose_all)
    [ ${#impls[@]} -gt 0 ] || compose_detect # dies saying what to install
    # Every profile's settings (env:), as `make up PROFILE=...` gives them to compose.
    meta_load
    for p in "${ARC_META_PROFILES[@]}"; do eval "$(meta resolve "$p" | grep '^export ')"; done
    for impl in "${impls[@]}"; do
        read -r -a cmd <<<"$impl"
        # Each file on its own: extra files (e.g. docker-compose.metrics.yml) are projects
        # too; a profile's docker-compose.<profile>.yml goes with the docker-compose.yml it
        # changes.
        for f in services/*/docker-compose*.yml; do
            [ -f "$f" ] || continue
            files=(-f "$f")
            p=${f##*/docker-compose.}
            p=${p%.yml}
            [[ " ${ARC_META_PROFILES[*]} " != *" $p "* ]] || files=(-f "${f%/*}/docker-compose.yml" -f "$f")
            if out=$("${cmd[@]}" "${files[@]}" config -q 2>&1); then
                say "ok      $impl: $f"
            else
                warn "INVALID $impl: $f"
                printf '%s\n' "$out" | sed 's/^/        /' >&2
                failed=1
            fi
        done
    done
    [ "$failed" = 0 ] || die "validate: some files are invalid (above)"
}

do_env() {
    local ex target found=0
    for ex in services/*/.env.example .env.example; do
        [ -f "$ex" ] || continue
        found=1
        target=${ex%.example}
        if [ -e "$target" ]; then
            say "kept    $target (exists; not overwritten)"
        else
            cp "$ex" "$target"
            say "created $target from $(basename "$ex")"
        fi
    done
    [ "$found" = 1 ] || say "no .env.example found"
}

[ $# -eq 1 ] || die "usage: platform.sh up|down|health|status|ps|logs|info|clean|validate|env"
# once, here: the scripts this one calls inherit the answer
case "$1" in validate | env) ;; *) resolve_runtime ;; esac
case "$1" in
up | down | status | info | clean | validate | env) "do_$1" ;;
health) ARC_PROFILE_UP=1 over_services health ;;
ps | logs) over_services "$1" ;;
*) die "platform.sh: unknown action '$1'" ;;
esac
