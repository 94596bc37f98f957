#!/usr/bin/env bash
# release.sh — what a release tag means, and the notes of its GitHub release.
#
#   release.sh meta TAG                 key=value lines (for $GITHUB_OUTPUT)
#   release.sh notes TAG IMAGE@DIGEST...  markdown body with the image table
#
# A release tag is <component>/v<MAJOR>.<MINOR>.<PATCH>[-<prerelease>], e.g.
# messaging/v0.1.0 or messaging/v0.2.0-rc.1. From it:
#   image-tag   messaging-v0.1.0   (a '/' cannot be in an image tag)
#   version     0.1.0
#   prerelease  true when the version has a -suffix
#   latest      true when not a prerelease (the images also get the tag latest)
# Exit status: 0 ok, 64 bad tag or arguments.
set -euo pipefail

usage() {
    echo "usage: release.sh meta TAG | release.sh notes TAG IMAGE@sha256:DIGEST..." >&2
    exit 64
}
bad() { echo "release: $*" >&2; exit 64; }

num='(0|[1-9][0-9]*)'
ident='[0-9A-Za-z-]+'
tag_re="^([a-z][a-z0-9-]*)/v($num\\.$num\\.$num(-$ident(\\.$ident)*)?)\$"

# parse TAG: sets component, version, prerelease, image_tag, latest
parse() {
    local tag=${1#refs/tags/}
    [ -n "$tag" ] || bad "no tag given (expected e.g. messaging/v0.1.0)"
    [[ $tag =~ $tag_re ]] ||
        bad "bad release tag '$tag': expected <component>/v<MAJOR>.<MINOR>.<PATCH>[-<prerelease>], e.g. messaging/v0.1.0 or messaging/v0.2.0-rc.1"
    component=${BASH_REMATCH[1]}
    version=${BASH_REMATCH[2]}
    image_tag="$component-v$version"
    if [[ $version == *-* ]]; then prerelease=true latest=false; else prerelease=false latest=true; fi
    tag_name=$tag
}

meta() {
    parse "$1"
    printf '%s=%s\n' tag "$tag_name" component "$component" version "$version" \
        image-tag "$image_tag" prerelease "$prerelease" latest "$latest"
}

notes() {
    parse "$1"
    shift
    [ $# -gt 0 ] || bad "notes: no images given (IMAGE@sha256:DIGEST ...)"
    local tags="\`$image_tag\`" ref name digest
    [ "$latest" = true ] && tags="$tags, \`latest\`"
    echo "## $component $version"
    echo
    [ "$prerelease" = true ] && { echo "Pre-release: the images are not tagged \`latest\`."; echo; }
    echo "Images for linux/amd64 and linux/arm64:"
    echo
    echo "| Image | Tags | Digest |"
    echo "|-------|------|--------|"
    for ref in "$@"; do
        [[ $ref =~ ^([a-z0-9./_-]+)@(sha256:[0-9a-f]{64})$ ]] ||
            bad "notes: '$ref' is not IMAGE@sha256:<64 hex digits> (did a build not push?)"
        name=${BASH_REMATCH[1]}
        digest=${BASH_REMATCH[2]}
        echo "| \`$name\` | $tags | \`$digest\` |"
    done
    echo
    echo "Pull by tag or, to be exact, by digest:"
    echo
    echo '```sh'
    for ref in "$@"; do
        echo "docker pull ${ref%@*}:$image_tag"
    done
    echo '```'
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case "$cmd" in
meta) [ $# -eq 1 ] || usage; meta "$1" ;;
notes) [ $# -ge 1 ] || usage; notes "$@" ;;
*) usage ;;
esac
