#!/usr/bin/env bash
# The STAND-IN base images (tests/e2e/standin/) reproduce what the service folders rely
# on from the upstream images (shared/reference/protocols.md): the NATS entrypoint drops
# the config file when the first argument is a flag; Redis starts as root, hands /data to
# uid 999 and drops to it; PostgreSQL initialises PGDATA on the first start and runs
# docker-entrypoint-initdb.d (pgvector available); the Pulsar stand-in serves the
# admin-REST stand-in on 8080 as uid 10000 through /pulsar/bin/pulsar standalone.
# Needs a Docker engine (as root one is installed and started); skipped otherwise.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

e2e_need_engine
need_cmd curl psql
e2e_step "host probes built (make tools)" make -C "$ARC_ROOT" -s tools || bail_out "the probes do not build"
e2e_standins nats redis pgvector pulsar || bail_out "the stand-in images did not build"

P=arc-e2e-standin-$$
names=()
remove_containers() { local n; for n in "${names[@]+"${names[@]}"}"; do docker rm -f "$n"; done; }
on_exit remove_containers

# start NAME IMAGE [docker run options --] [ARGS...]: a detached container, ports published
# on free 127.0.0.1 ports.
start() {
    local name=$P-$1 image=$2 opts=()
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ $# -eq 0 ] || shift
    names+=("$name")
    docker run -d --name "$name" "${opts[@]+"${opts[@]}"}" "$image" "$@" >/dev/null
}
# hostport NAME PORT: the 127.0.0.1 port Docker published for it.
hostport() { docker port "$P-$1" "$2/tcp" | sed -n 's/^127\.0\.0\.1://p' | head -n 1; }
uids() { docker top "$P-$1" -eo pid,uid,args | awk 'NR > 1 { print $2 }' | sort -u | tr '\n' ' '; }
args_of() { docker top "$P-$1" -eo pid,args | awk 'NR == 2 { $1 = ""; sub(/^ /, ""); print }'; }

# ---- nats:2.10-alpine ---------------------------------------------------------------
start nats-default arc-standin/nats -p 127.0.0.1::4222 -p 127.0.0.1::8222 --
start nats-flag arc-standin/nats -p 127.0.0.1::4222 -p 127.0.0.1::8222 -- -js
n1=$(hostport nats-default 4222) m1=$(hostport nats-default 8222)
n2=$(hostport nats-flag 4222) m2=$(hostport nats-flag 8222)
check_cmd "nats stand-in, default CMD: server answers" 0 '^natsprobe OK' \
    "$ARC_BIN/natsprobe" --wait 20 --server "nats://127.0.0.1:$n1"
is "$(args_of nats-default)" "nats-server --config /etc/nats/nats-server.conf" \
    "nats stand-in, default CMD: nats-server --config /etc/nats/nats-server.conf"
check_cmd "nats stand-in, default config: monitoring on 8222" 0 '"server_id"' \
    curl -sf "http://127.0.0.1:$m1/varz"
check_cmd "nats stand-in, default config: JetStream off" 1 '' \
    "$ARC_BIN/natsprobe" --server "nats://127.0.0.1:$n1" jetstream
check_cmd "nats stand-in, first argument -js: server answers" 0 '^natsprobe OK' \
    "$ARC_BIN/natsprobe" --wait 20 --server "nats://127.0.0.1:$n2" jetstream
is "$(args_of nats-flag)" "nats-server -js" "nats stand-in: '-js' runs 'nats-server -js' (config file dropped)"
run curl -sf -o /dev/null "http://127.0.0.1:$m2/varz"
isnt "$RC" 0 "nats stand-in, '-js': no monitoring port (the config was dropped)"
is "$(uids nats-default)" "0 " "nats stand-in runs as root, like upstream"

# ---- redis:7.4-alpine ---------------------------------------------------------------
start redis arc-standin/redis -p 127.0.0.1::6379 -- --appendonly yes
r=$(hostport redis 6379)
check_cmd "redis stand-in: '--appendonly yes' runs redis-server with it (protected mode off, as upstream)" 0 '^redisping OK' \
    "$ARC_BIN/redisping" --wait 20 --url "redis://127.0.0.1:$r" --expect aof_enabled=1
is "$(uids redis)" "999 " "redis stand-in: started as root, redis-server runs as uid 999"
is "$(docker exec "$P-redis" stat -c '%u %U' /data)" "999 redis" "redis stand-in: /data belongs to redis"
is "$(docker inspect -f '{{.Config.WorkingDir}} {{json .Config.Volumes}}' arc-standin/redis)" \
    '/data {"/data":{}}' "redis stand-in: WORKDIR /data, VOLUME /data"

# ---- pgvector:pg16 ------------------------------------------------------------------
start pg arc-standin/pgvector -p 127.0.0.1::5432 -e POSTGRES_USER=arc -e POSTGRES_DB=arcdb \
    -e POSTGRES_PASSWORD=e2e-pg-pw -v "$ARC_ROOT/services/sql/init:/docker-entrypoint-initdb.d:ro" --
pg=$(hostport pg 5432)
check_cmd "pgvector stand-in: first start initialises PGDATA; POSTGRES_USER/DB over TCP with the password" \
    0 '^pgcheck OK' env PGPASSWORD=e2e-pg-pw "$ARC_BIN/pgcheck" --wait 60 \
    --dsn "postgresql://arc@127.0.0.1:$pg/arcdb"
check_cmd "pgvector stand-in: docker-entrypoint-initdb.d ran (extension vector created)" 0 '^[0-9]' \
    env PGPASSWORD=e2e-pg-pw psql -h 127.0.0.1 -p "$pg" -U arc -d arcdb -AtX \
    -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'"
check_cmd "pgvector stand-in: a wrong password is refused (scram over TCP)" 2 '' \
    env PGPASSWORD=wrong psql -h 127.0.0.1 -p "$pg" -U arc -d arcdb -AtX -c 'SELECT 1'
is "$(uids pg)" "999 " "pgvector stand-in: postgres runs as uid 999"
start pg-nopw arc-standin/pgvector --
for _ in $(seq 50); do [ "$(docker inspect -f '{{.State.Running}}' "$P-pg-nopw")" = false ] && break; sleep 0.2; done
is "$(docker inspect -f '{{.State.Running}} {{.State.ExitCode}}' "$P-pg-nopw")" "false 1" \
    "pgvector stand-in: no POSTGRES_PASSWORD on an empty PGDATA -> exits 1, like upstream"

# ---- pulsar:3.3.0 -------------------------------------------------------------------
start pulsar arc-standin/pulsar -p 127.0.0.1::8080 -- /pulsar/bin/pulsar standalone --no-functions-worker
a=$(hostport pulsar 8080)
check_cmd "pulsar stand-in: 'bin/pulsar standalone ...' serves the admin-REST stand-in on 8080" 0 '^pulsaradm OK' \
    "$ARC_BIN/pulsaradm" --wait 20 --admin-url "http://127.0.0.1:$a" health
is "$(uids pulsar)" "10000 " "pulsar stand-in runs as uid 10000"
is "$(docker inspect -f '{{.Config.User}} {{.Config.WorkingDir}}' arc-standin/pulsar)" "10000 /pulsar" \
    "pulsar stand-in: USER 10000, WORKDIR /pulsar"
like "$(docker logs "$P-pulsar" 2>&1)" "NOT Apache Pulsar" "pulsar stand-in says it is not Apache Pulsar"
check_cmd "pulsar stand-in: other bin/pulsar commands fail, saying it is a stand-in" 64 'not Apache Pulsar' \
    docker run --rm arc-standin/pulsar /pulsar/bin/pulsar broker

for img in arc-standin/nats arc-standin/redis arc-standin/pgvector \
    arc-standin/pulsar; do
    like "$(docker inspect -f '{{index .Config.Labels "arc.standin"}}' "$img")" 'stand-in' \
        "$img is labelled a stand-in"
done

e2e_done
