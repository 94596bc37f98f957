#!/bin/sh
# Run once on a new PGDATA, before the server's first real start — by the image's entrypoint
# (docker; executable, so run rather than sourced) and by the native runtime's first start
# (mk/scripts/native/pg-init.sh) — so that the ha profile's standby (oracle2, docs/ha.md) can
# follow oracle:
#   - replication connections, authenticated like every other connection (docker: from the
#     platform network; natively the server listens on 127.0.0.1 and its own socket only);
#   - max_slot_wal_keep_size: the WAL the slot arc_replica may hold for a standby that is
#     away (under think, or stopped) is bounded; past it the slot is given up and oracle2
#     is copied again (make oracle2-clean, then make up PROFILE=ha).
set -eu
printf '%s\n' "host replication all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
printf '%s\n' "max_slot_wal_keep_size = 1GB  # services/sql/init/00-replication.sh (docs/ha.md)" \
    >>"$PGDATA/postgresql.conf"
