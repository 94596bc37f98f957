#!/bin/sh
# STAND-IN entrypoint (tests only) reproducing the redis:7.4-alpine image's behaviour.
set -e
# `-flag ...` or `x.conf ...`: arguments for redis-server.
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
    set -- redis-server "$@"
fi
# Started as root: give the working directory (/data) to redis and drop to it (this
# script runs again as redis).
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
# Upstream builds redis-server with protected mode OFF by default (Docker publishes ports
# only on request); Debian's binary defaults to ON. Same effect: `--protected-mode no`
# right after the optional config file, so the caller's own options and a config file
# that sets protected-mode still decide.
if [ "$1" = redis-server ]; then
    shift
    conf=
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then conf=$1; shift; fi
    if [ -n "$conf" ] && grep -Eq '^[[:space:]]*protected-mode[[:space:]]' "$conf" 2>/dev/null; then
        set -- redis-server "$conf" "$@"
    else
        set -- redis-server ${conf:+"$conf"} --protected-mode no "$@"
    fi
fi
# A default umask would leave the data world-readable.
if [ "$(umask)" = 0022 ]; then
    umask 0077
fi
exec "$@"
