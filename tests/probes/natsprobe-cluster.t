#!/usr/bin/env bash
# natsprobe cluster against a real 3-server JetStream cluster of the installed
# nats-server on loopback: every server ok with exactly one meta leader; an R3
# stream counted; a server killed (-9) named by the survivors' check, and ok
# again once it is back with its store; bad --cluster-size; a monitoring port
# down or hanging. Then the v2.12 reply shapes (named and pooled routes), from a
# stand-in HTTP server serving tests/fixtures/natsprobe/cluster-v2.12, for the
# failures a live cluster does not show on demand.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_cmd nats-server jq python3
need_probe natsprobe
NP="$ARC_BIN/natsprobe"
FIX="$ARC_ROOT/tests/fixtures/natsprobe"
unset NATS_URL NATS_TOKEN NATS_USER NATS_PASSWORD NATS_CREDS

# Nine distinct free ports: client, monitoring and cluster port of n1..n3.
PORTS=()
for _ in $(seq 50); do
    p=$(free_port)
    case " ${PORTS[*]-} " in *" $p "*) ;; *) PORTS+=("$p") ;; esac
    [ "${#PORTS[@]}" -lt 9 ] || break
done
[ "${#PORTS[@]}" -eq 9 ] || bail_out "no nine free ports"
CLIENT=(- "${PORTS[@]:0:3}")
MON=(- "${PORTS[@]:3:3}")
ROUTE=(- "${PORTS[@]:6:3}")
PID=(- 0 0 0)

# start_node I: server nI of cluster "arc", routes to the other two, its store
# in $TEST_TMP/nI (the same on a restart).
start_node() {
    local i=$1 k routes=""
    for k in 1 2 3; do
        [ "$k" = "$i" ] || routes+="${routes:+,}nats://127.0.0.1:${ROUTE[$k]}"
    done
    nats-server -a 127.0.0.1 -p "${CLIENT[$i]}" -m "${MON[$i]}" -n "n$i" -js -sd "$TEST_TMP/n$i" \
        --cluster_name arc --cluster "nats://127.0.0.1:${ROUTE[$i]}" --routes "$routes" \
        -l "$TEST_TMP/n$i.log" &
    PID[i]=$!
    track_pid "${PID[i]}"
    wait_port "${MON[i]}" 20 "${PID[i]}" || bail_out_log "nats-server n$i did not start" "$TEST_TMP/n$i.log"
}
on() { "$NP" --monitor "127.0.0.1:${MON[$1]}" "${@:2}"; }
# json_ok FILTER "what": jq's FILTER is true of the last run's stdout.
json_ok() {
    if jq -e "$1" >/dev/null 2>&1 <<<"$OUT"; then pass "$2"; else fail "$2" "not true: $1
of: $OUT"; fi
}
# The servers' roles, "n1=leader n2=follower ...", each asked once more.
roles() {
    local i
    for i in 1 2 3; do
        printf 'n%s=%s ' "$i" "$(on "$i" cluster --json | jq -r '.role // "?"')"
    done
}

note "--- three servers: each a healthy member, exactly one meta leader"
for i in 1 2 3; do start_node "$i"; done
for i in 1 2 3; do
    check_cmd "n$i: cluster ok (--wait while the cluster forms)" 0 \
        "^natsprobe OK cluster 127\.0\.0\.1:${MON[i]}: n$i: role (leader|follower), leader n[123], cluster arc, routes 2/2, meta (peers|group) 3/3" \
        on "$i" --wait 60 cluster
done
ROLES=$(roles)
is "$(grep -o '=leader' <<<"$ROLES" | wc -l)" 1 "exactly one 'role leader' among the three ($ROLES)"
LEADER=$(grep -o 'n[123]=leader' <<<"$ROLES" | cut -c2)
FOLLOWER=$(( LEADER % 3 + 1 ))
OTHER=$(( FOLLOWER % 3 + 1 ))
check_cmd "the leader's line: role leader, its peers current" 0 \
    "n$LEADER: role leader, leader n$LEADER, .*meta peers 3/3 current, 0 streams" on "$LEADER" cluster
check_cmd "a follower's line names the leader" 0 "n$FOLLOWER: role follower, leader n$LEADER," \
    on "$FOLLOWER" cluster

run on "$LEADER" cluster --json
is "$RC" 0 "--json: exit 0"
json_ok ".ok and .check == \"cluster\" and .role == \"leader\" and .leader == \"n$LEADER\"
    and .server == \"n$LEADER\" and .routes == 2 and .cluster == \"arc\"" \
    "--json on the leader: role, leader, routes, cluster"
run on "$FOLLOWER" cluster --json
json_ok ".ok and .role == \"follower\" and .leader == \"n$LEADER\" and .routes == 2" \
    "--json on a follower: role follower and the leader's name"
run on "$LEADER" cluster -q
is "$RC:$OUT$ERR" "0:" "-q: exit 0 and no output"

note "--- an R3 stream: one replica on each server"
check_cmd "streams apply creates the R3 stream" 0 "1 streams: 1 created" \
    "$NP" --server "127.0.0.1:${CLIENT[1]}" --timeout 10 streams apply "$FIX/cluster-r3.json"
for i in 1 2 3; do
    check_cmd "n$i: the stream counted, its replicas current" 0 "1 streams with replicas current, /healthz ok" \
        on "$i" --wait 30 cluster
done

note "--- --cluster-size"
for bad in 1 16 abc "" 3x; do
    check_cmd "--cluster-size '$bad': 64" 64 "--cluster-size: '$bad' is not a number of servers from 2 to 15" \
        on 1 cluster --cluster-size "$bad"
done
check_cmd "--cluster-size with another command: 64" 64 "--cluster-size only goes with 'cluster'" \
    on 1 health --cluster-size 3
check_cmd "--cluster-size 5: too few routes, the connected ones counted" 1 \
    "FAIL cluster .*: routes 2/4 \(connected: [^;]+, [^;]+; missing 2\)" on 1 cluster --cluster-size 5
check_cmd "--cluster-size 2: routes enough, but the meta group is larger" 1 \
    "meta group of 3 servers \(led by n$LEADER\), expected 2" on 1 cluster --cluster-size 2

note "--- n$OTHER killed (-9): the survivors' checks fail and name it"
kill -9 "${PID[OTHER]}"
wait "${PID[OTHER]}" 2>/dev/null || true
check_cmd "the leader n$LEADER: routes 1/2 at once" 1 "FAIL cluster .*: routes 1/2 \(connected: [^;]+; missing 1\)" \
    on "$LEADER" cluster
check_cmd "the follower n$FOLLOWER: routes 1/2 at once" 1 "routes 1/2 \(connected: [^;]+; missing 1\)" \
    on "$FOLLOWER" cluster
# The leader's meta group names the lost peer once its heartbeats are 5 s overdue.
named=""
for _ in $(seq 40); do
    run on "$LEADER" cluster
    if [ "$RC" = 1 ] && grep -q "meta peer n$OTHER " <<<"$OUT"; then named=$OUT; break; fi
    sleep 0.5
done
like "$named" "routes 1/2 \(connected: [^;]+; missing 1\); meta peer n$OTHER (was last seen|is not current).* [0-9.]+s ago" \
    "the leader names n$OTHER within 20 s"
note "seen: $named"
run on "$FOLLOWER" cluster --wait 1 --timeout 0.5
like "$RC $OUT" "^1 natsprobe FAIL cluster .*routes 1/2.* after [0-9]+ attempts" "--wait 1 on a survivor: still 1"

note "--- n$OTHER back with its store: ok again"
start_node "$OTHER"
for i in "$LEADER" "$FOLLOWER" "$OTHER"; do
    check_cmd "n$i: ok again within --wait 60" 0 "n$i: role .*routes 2/2, meta .*3/3.*1 streams with replicas current" \
        on "$i" --wait 60 cluster
done
ROLES=$(roles)
is "$(grep -o '=leader' <<<"$ROLES" | wc -l)" 1 "still exactly one leader ($ROLES)"

note "--- the monitoring port down or hanging"
DEAD=$(dead_port)
check_cmd "down: 1, naming the port and what failed" 1 \
    "^natsprobe FAIL cluster 127\.0\.0\.1:$DEAD: GET /varz: cannot connect" "$NP" --monitor "127.0.0.1:$DEAD" cluster
within 1 "down: fails at once"
start_hang
check_cmd "hanging: 1 within the deadline" 1 "FAIL cluster 127\.0\.0\.1:$HANG_PORT: GET /varz: no answer within" \
    "$NP" --monitor "127.0.0.1:$HANG_PORT" --timeout 1 cluster
within 1.5 "hanging: keeps --timeout"

note "--- v2.12 replies (a stand-in serving recorded files): named, pooled routes"
SERVE="$TEST_TMP/standin"
mkdir -p "$SERVE"
python3 - "$SERVE" "$TEST_TMP/standin.port" <<'PY' >"$TEST_TMP/standin.log" 2>&1 &
# GET /NAME[?...] -> DIR/NAME.json (NAME-streams.json when the query asks for
# streams), status from DIR/NAME.status when present; loopback only.
import http.server, os, sys
root, portfile = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path, _, query = self.path.partition("?")
        name = os.path.join(root, os.path.basename(path.strip("/")))
        name += "-streams" if "streams=true" in query else ""
        try:
            body = open(name + ".json", "rb").read()
            code = int(open(name + ".status").read()) if os.path.exists(name + ".status") else 200
        except OSError:
            body, code = b"not found", 404
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
os.rename(portfile + ".tmp", portfile)
s.serve_forever()
PY
track_pid $!
for _ in $(seq 100); do [ -s "$TEST_TMP/standin.port" ] && break; sleep 0.05; done
[ -s "$TEST_TMP/standin.port" ] || bail_out_log "the stand-in did not start" "$TEST_TMP/standin.log"
# the verdict's end: the detail, then the latency
END=' \([0-9.]+ ms\)$'
STANDIN=("$NP" --monitor "127.0.0.1:$(cat "$TEST_TMP/standin.port")")
# scenario [FILE JQ-FILTER]...: the recorded replies, FILE edited by each filter.
scenario() {
    rm -f "$SERVE"/*
    cp "$FIX"/cluster-v2.12/*.json "$SERVE"/
    while [ $# -ge 2 ]; do
        jq "$2" "$FIX/cluster-v2.12/$1.json" >"$SERVE/$1.json"
        shift 2
    done
}

scenario
check_cmd "recorded leader: ok, 6 pooled routes are 2 servers" 0 \
    "flash-1: role leader, leader flash-1, cluster flash, routes 2/2, meta peers 3/3 current, 1 streams with replicas current, /healthz ok" \
    "${STANDIN[@]}" cluster
scenario routez '.routes |= map(select(.remote_name != "flash-3"))'
check_cmd "routes: the connected named, the missing one from the meta group" 1 \
    "routes 1/2 \(connected: flash-2; missing 1\); not routed to meta peer flash-3$END" "${STANDIN[@]}" cluster
scenario jsz '.meta_cluster.replicas[1] += {current: false, offline: true, active: 12300000000}'
check_cmd "meta: a peer offline" 1 "meta peer flash-3 is not current \(offline, last seen 12\.3s ago\)$END" \
    "${STANDIN[@]}" cluster
scenario jsz '.meta_cluster.replicas[0].active = 6100000000'
check_cmd "meta: a peer not seen for 6 s" 1 "meta peer flash-2 was last seen 6\.1s ago$END" "${STANDIN[@]}" cluster
scenario jsz 'del(.meta_cluster.leader)'
check_cmd "meta: no leader" 1 "no JetStream meta leader elected$END" "${STANDIN[@]}" cluster
scenario jsz '.meta_cluster.replicas |= .[:1]'
check_cmd "meta: a peer the leader does not know" 1 "meta group of 2 servers \(led by flash-1\), expected 3$END" \
    "${STANDIN[@]}" cluster
scenario jsz '{server_id, disabled: true}'
check_cmd "JetStream off" 1 "JetStream is not enabled on flash-1$END" "${STANDIN[@]}" cluster
scenario jsz-streams '.account_details[0].stream_detail[0].cluster.replicas[1] += {current: false, lag: 12}'
check_cmd "stream: a replica behind" 1 "stream ARC_EVENTS: replica flash-3 is not current \(lag 12\)$END" \
    "${STANDIN[@]}" cluster
scenario jsz-streams '.account_details[0].stream_detail[0].cluster.leader = ""'
check_cmd "stream: no leader" 1 "stream ARC_EVENTS: no leader elected$END" "${STANDIN[@]}" cluster
scenario varz '.server_name = "flash-2"' jsz 'del(.meta_cluster.replicas)' \
    jsz-streams '.account_details[0].stream_detail[0].cluster.replicas = [
        {name: "flash-1", current: true, active: 300000000, lag: 1},
        {name: "flash-3", current: false, active: 0}]'
check_cmd "a follower: the leader's entry judged, the other follower's not (v2.12 leaves it not current)" 0 \
    "flash-2: role follower, leader flash-1, .*meta group 3/3, 1 streams with replicas current" "${STANDIN[@]}" cluster
scenario varz '.server_name = "flash-2"' jsz 'del(.meta_cluster.replicas)' \
    jsz-streams '.account_details[0].stream_detail[0].cluster.replicas = [
        {name: "flash-1", current: false, active: 7200000000, lag: 3},
        {name: "flash-3", current: false, active: 0}]'
check_cmd "a follower: the stream's leader not current" 1 \
    "stream ARC_EVENTS: leader flash-1 is not current \(last seen 7\.2s ago, lag 3\)$END" "${STANDIN[@]}" cluster
# shellcheck disable=SC2016 # $G is the account's name, not an expansion
scenario healthz '{status: "unavailable", error: "JetStream stream \u0027$G > ARC_EVENTS\u0027 is not current"}'
printf 503 >"$SERVE/healthz.status"
check_cmd "/healthz: the server's own error" 1 \
    "/healthz: HTTP 503, status unavailable: JetStream stream '.G > ARC_EVENTS' is not current$END" "${STANDIN[@]}" cluster
# A consumer /healthz says is behind: its leader named (from /jsz?...&consumers=true).
# shellcheck disable=SC2016 # $G is the account's name, not an expansion
scenario healthz '{status: "unavailable", error: "JetStream consumer \u0027$G > ARC_EVENTS > workers\u0027 is not current"}' \
    jsz-streams '.account_details[0].stream_detail[0].consumer_detail = [{name: "other", cluster: {leader: "flash-3"}},
        {name: "workers", cluster: {leader: "flash-2", replicas: []}}]'
printf 503 >"$SERVE/healthz.status"
check_cmd "/healthz: a consumer behind, its leader named" 1 \
    "/healthz: HTTP 503, status unavailable: JetStream consumer '.G > ARC_EVENTS > workers' is not current \(its leader: flash-2\)$END" \
    "${STANDIN[@]}" cluster
# shellcheck disable=SC2016 # $G is the account's name, not an expansion
scenario healthz '{status: "unavailable", error: "JetStream consumer \u0027$G > ARC_EVENTS > gone\u0027 is not current"}'
printf 503 >"$SERVE/healthz.status"
check_cmd "/healthz: a consumer /jsz does not list: the server's error as it is" 1 \
    "/healthz: HTTP 503, status unavailable: JetStream consumer '.G > ARC_EVENTS > gone' is not current$END" \
    "${STANDIN[@]}" cluster
scenario varz 'del(.cluster)'
check_cmd "a server outside any cluster" 1 "flash-1 is not in a cluster \(no cluster name in /varz\)$END" \
    "${STANDIN[@]}" cluster
scenario
printf 'not json' >"$SERVE/routez.json"
check_cmd "a malformed reply names the endpoint" 1 "GET /routez: malformed reply" "${STANDIN[@]}" cluster
scenario
rm "$SERVE/jsz.json"
check_cmd "HTTP 404 names the endpoint" 1 "GET /jsz: HTTP 404$END" "${STANDIN[@]}" cluster

scenario
valgrind_clean "cluster ok" 0 "${STANDIN[@]}" cluster
scenario jsz-streams '.account_details[0].stream_detail[0].cluster.replicas[1] += {current: false, lag: 12}'
valgrind_clean "cluster failing" 1 "${STANDIN[@]}" cluster --json

done_testing
