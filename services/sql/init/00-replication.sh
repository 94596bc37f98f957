#!/bin/sh
# Run once by the image's entrypoint on an empty volume (docker runtime; the native runtime
# runs *.sql only and its initdb already allows replication over oracle's unix socket): let
# the ha profile's standby (oracle2, docs/ha.md) connect for replication from the platform
# network, with the same password authentication as every other connection.
set -eu
printf '%s\n' "host replication all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
