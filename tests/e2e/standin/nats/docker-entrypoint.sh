#!/bin/sh
# STAND-IN entrypoint (tests only) reproducing the nats:2.10-alpine image's: with no
# arguments, or when the first one is a flag, run nats-server with them.
set -e
if [ $# -eq 0 ] || [ "${1#-}" != "$1" ]; then
    set -- nats-server "$@"
fi
exec "$@"
