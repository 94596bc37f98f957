#!/usr/bin/env bash
# oracle (PostgreSQL + pgvector) on a real Docker engine, built from services/sql with the
# probes image and the STAND-IN pgvector base: `make oracle-up` → healthy by its own
# healthcheck (the static pgcheck inside a Debian-based image), the init SQL ran, host
# health, 127.0.0.1 only, non-root. Needs a Docker engine; skipped otherwise.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

e2e_need_engine
need_cmd jq psql
UP_BOUND=120

e2e_services oracle
e2e_port ARC_ORACLE_PORT
export ARC_ORACLE_BASE_IMAGE=arc-standin/pgvector:pg16 ARC_ORACLE_PASSWORD=e2e-oracle-pw
stop_here() { bail_out "$1"; }   # the exit handler dumps the state

e2e_probes_image || stop_here "the probes image did not build"
e2e_standins pgvector || stop_here "the pgvector stand-in did not build"
e2e_step "make oracle-build (probes image + stand-in base)" make -C "$ARC_ROOT" oracle-build ||
    stop_here "the oracle image did not build"

kit "make oracle-up exits 0" 0 oracle-up
within "$UP_BOUND" "make oracle-up has arc-oracle healthy within ${UP_BOUND}s"
e2e_healthy oracle pgcheck
kit "make oracle-health exits 0 (pgcheck from the host, password from the environment)" 0 oracle-health
unlike "$ALL" "$ARC_ORACLE_PASSWORD" "the password stays out of oracle-health's output"
check_cmd "the init SQL ran on the first start: extension vector exists" 0 '^[0-9]' \
    env PGPASSWORD="$ARC_ORACLE_PASSWORD" psql -h 127.0.0.1 -p "$ARC_ORACLE_PORT" -U arc -d arc -AtX \
    -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'"
e2e_inspect oracle
kit "make oracle-down exits 0" 0 oracle-down
is "$(docker ps -a --format '{{.Names}}' | grep -Ex 'arc-oracle' || true)" "" "oracle-down leaves no container"
ok_if "oracle-down keeps the volume arc-oracle-data" e2e_volume_exists arc-oracle-data

e2e_done
