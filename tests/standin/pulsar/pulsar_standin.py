#!/usr/bin/env python3
"""pulsar_standin.py — a STAND-IN for tests. This is NOT Apache Pulsar.

Apache Pulsar cannot be installed on the machines that build and test this
kit, so the tests of `pulsaradm` (and the docker end-to-end run) talk to this
small admin-REST server instead. It reproduces only what the kit relies on,
as documented in ../../../../shared/reference/protocols.md section 1 (Pulsar
admin REST v2, 3.x): the status codes, their check order, `{"reason": ...}`
JSON error bodies, text/plain 500s with a stack trace, and the Jetty 401
page when a token is required. It keeps everything in memory, has no
messaging at all, and must never be mistaken for a broker.

Python 3 standard library only. HTTP/1.1 keep-alive (one connection serves
many requests), one thread per connection.

Admin endpoints (under /admin/v2):
  GET  brokers/health, brokers/ready, clusters
  GET  tenants, tenants/T          PUT tenants/T   POST tenants/T
  GET  namespaces/T, namespaces/T/NS                PUT namespaces/T/NS
       (GET namespaces/T/NS: the whole policies object, set policies included)
  Namespace policies (shared/reference/protocols.md sections 1 and 8):
  POST namespaces/T/NS/retention       {"retentionTimeInMinutes":N,"retentionSizeInMB":N}
  POST namespaces/T/NS/messageTTL      N (seconds)
  POST namespaces/T/NS/deduplication   true|false
  POST namespaces/T/NS/backlogQuota?backlogQuotaType=destination_storage
                                       {"limitSize":N,"limitTime":N,"policy":"..."}
       -> 204; GET of each (backlogQuotaMap for the quota) -> 200 with the value,
       or 204 No Content while unset (backlogQuotaMap: {}); DELETE -> 204 (unset)
  GET  persistent/T/NS (all topics, partitions expanded)
  GET  persistent/T/NS/partitioned
  GET  persistent/T/NS/TOPIC/partitions   -> {"partitions": N}, 0 = non-partitioned
  PUT  persistent/T/NS/TOPIC/partitions   body N: create a partitioned topic
  POST persistent/T/NS/TOPIC/partitions   body N: raise the partition count
  PUT  persistent/T/NS/TOPIC              create a non-partitioned topic
  DELETE persistent/T/NS/TOPIC[/partitions]

Control endpoints (never counted, never need the token):
  GET  /_standin/stats        {"requests": n, "writes": n, "connections": n}
  POST /_standin/reset-stats  zero the counters and the request log
  GET  /_standin/log          ["METHOD /admin/...", ...] since the last reset
  PUT  /_standin/topic/T/NS/TOPIC   a NON-partitioned topic (tenant and
                              namespace are created when missing)
  POST /_standin/config       {"health": "ok|500|503|garbage|hang",
                               "garbage": true|false  (JSON replies -> non-JSON),
                               "fail_writes": true|false  (writes -> text 500)}
Writes are PUT/POST/DELETE under /admin; `connections` counts the TCP
connections that sent at least one /admin request.
"""

import argparse
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

NAME = re.compile(r"^[-=:.A-Za-z0-9_]+$")  # Pulsar NamedEntity
HEALTH_MODES = ("ok", "500", "503", "garbage", "hang")
GARBAGE = b"<<stand-in garbage: this is not JSON>>"

JETTY_401 = """<html>
<head>
<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>
<title>Error 401 Authentication required</title>
</head>
<body><h2>HTTP ERROR 401 Authentication required</h2>
<table>
<tr><th>URI:</th><td>{uri}</td></tr>
<tr><th>STATUS:</th><td>401</td></tr>
<tr><th>MESSAGE:</th><td>Authentication required</td></tr>
<tr><th>SERVLET:</th><td>-</td></tr>
</table>
</body>
</html>
"""


class Reply:
    """A status, a content type and a body (bytes)."""

    def __init__(self, status, body=b"", ctype="application/json"):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode()
        self.ctype = ctype if self.body else None


def ok_json(value):
    return Reply(200, json.dumps(value, separators=(",", ":")))


def no_content():
    return Reply(204)


def reason(status, message):
    """RestException(status, message): {"reason": message} as JSON."""
    return Reply(status, json.dumps({"reason": message}))


def text_500(message, exc="java.lang.IllegalStateException"):
    """RestException(Throwable): text/plain 500 with a stack trace."""
    body = (
        "\n --- An unexpected error occurred in the server ---\n\n"
        f"Message: {message}\n\nStacktrace:\n\n{exc}: {message}\n"
        "\tat org.apache.pulsar.broker.admin.impl.StandIn.fail(StandIn.java:42)\n"
        "\tat org.glassfish.jersey.server.model.ResourceMethodInvoker.invoke"
        "(ResourceMethodInvoker.java:397)\n"
        "\tat java.base/java.lang.Thread.run(Thread.java:1583)\n"
    )
    return Reply(500, body, "text/plain")


class State:
    """Everything the stand-in knows, behind one lock."""

    def __init__(self, clusters, health):
        self.lock = threading.Lock()
        self.clusters = list(clusters)
        self.tenants = {"public": {"adminRoles": [], "allowedClusters": list(clusters)}}
        self.namespaces = {"public": {"default"}}
        self.topics = {}  # "tenant/ns" -> {topic: partitions}, 0 = non-partitioned
        self.policies = {}  # "tenant/ns" -> {policies object key: value}
        self.query = ""  # the query string of the request being handled
        self.health = health
        self.garbage = False
        self.fail_writes = False
        self.reset_stats()

    def reset_stats(self):
        self.requests = self.writes = self.connections = 0
        self.log = []

    def ns_exists(self, tenant, ns):
        return ns in self.namespaces.get(tenant, ())

    def add_namespace(self, tenant, ns):
        self.namespaces.setdefault(tenant, set()).add(ns)
        self.topics.setdefault(f"{tenant}/{ns}", {})

    def topic_names(self, tenant, ns):
        out = []
        for name, parts in self.topics.get(f"{tenant}/{ns}", {}).items():
            base = f"persistent://{tenant}/{ns}/{name}"
            out += [base] if parts == 0 else [f"{base}-partition-{i}" for i in range(parts)]
        return sorted(out)


# ---- /admin/v2 handlers: (state, segments, body) -> Reply, lock held -------------


def get_health(st, _seg, _body):
    return {
        "ok": Reply(200, "ok"),
        "500": text_500("Deadlocked threads detected"),
        "503": Reply(503),
        "garbage": Reply(200, "not-ok: heartbeat topic lagging"),
    }[st.health]


def get_ready(st, _seg, _body):
    return Reply(200, "ok") if st.health in ("ok", "garbage") else reason(500, "Broker is not ready")


def get_tenant(st, seg, _body):
    info = st.tenants.get(seg[1])
    return ok_json(info) if info else reason(404, "Tenant does not exist")


def parse_json(body):
    try:
        return json.loads(body or b"null")
    except ValueError:
        return Ellipsis


def put_tenant(st, seg, body):
    tenant = seg[1]
    if not NAME.match(tenant):
        return reason(412, "Tenant name is not valid")
    info = parse_json(body)
    if not isinstance(info, dict):
        return reason(400, "Cannot deserialize the tenant info")
    clusters = info.get("allowedClusters")
    if not clusters or any(not isinstance(c, str) or not c.strip() for c in clusters):
        return reason(412, "Clusters can not be empty")
    if any(c not in st.clusters and c != "global" for c in clusters):
        return reason(412, "Clusters do not exist")
    if tenant in st.tenants:
        return reason(409, "Tenant already exist")
    st.tenants[tenant] = {"adminRoles": list(info.get("adminRoles") or []),
                          "allowedClusters": list(clusters)}
    st.namespaces.setdefault(tenant, set())
    return no_content()


def post_tenant(st, seg, body):
    if seg[1] not in st.tenants:
        return reason(404, f"Tenant {seg[1]} not found")
    info = parse_json(body)
    if not isinstance(info, dict):
        return reason(400, "Cannot deserialize the tenant info")
    st.tenants[seg[1]].update({k: v for k, v in info.items()
                               if k in ("adminRoles", "allowedClusters")})
    return no_content()


def get_namespaces(st, seg, _body):
    tenant = seg[1]
    if not NAME.match(tenant):
        return reason(412, "Tenant name is not valid")
    if tenant not in st.tenants:
        return reason(404, "Tenant not found")
    return ok_json(sorted(f"{tenant}/{ns}" for ns in st.namespaces.get(tenant, ())))


def get_namespace(st, seg, _body):
    if not st.ns_exists(seg[1], seg[2]):
        return reason(404, "Namespace does not exist")
    policies = {"bundles": {"numBundles": 4}, "replication_clusters": st.clusters[:1],
                "backlog_quota_map": {}}
    policies.update(st.policies.get(f"{seg[1]}/{seg[2]}", {}))
    return ok_json(policies)


# ---- namespace policies: (file of Pulsar's Policies object key, reader of the body)
def retention_body(value):
    if not isinstance(value, dict):
        return None, reason(400, "Cannot deserialize RetentionPolicies")
    t, s = value.get("retentionTimeInMinutes"), value.get("retentionSizeInMB")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (t, s)):
        return None, reason(400, "Cannot deserialize RetentionPolicies")
    if (t == 0) != (s == 0):
        return None, reason(400, "Invalid retention policy: size and time must be either "
                            "both zero or both non-zero")
    return {"retentionTimeInMinutes": t, "retentionSizeInMB": s}, None


def ttl_body(value):
    if not isinstance(value, int) or isinstance(value, bool):
        return None, reason(400, "Cannot deserialize the message TTL")
    if value < 0:
        return None, reason(412, "Invalid value for message TTL")
    return value, None


def dedup_body(value):
    if not isinstance(value, bool):
        return None, reason(400, "Cannot deserialize the deduplication flag")
    return value, None


QUOTA_POLICIES = ("producer_request_hold", "producer_exception", "consumer_backlog_eviction")


def quota_body(value):
    if not isinstance(value, dict) or value.get("policy") not in QUOTA_POLICIES:
        return None, reason(400, "Cannot deserialize BacklogQuota")
    size, when = value.get("limitSize", -1), value.get("limitTime", -1)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (size, when)):
        return None, reason(400, "Cannot deserialize BacklogQuota")
    return {"limit": size, "limitSize": size, "limitTime": when, "policy": value["policy"]}, None


# URL suffix -> (key in the policies object, body reader)
POLICIES = {
    "retention": ("retention_policies", retention_body),
    "messageTTL": ("message_ttl_in_seconds", ttl_body),
    "deduplication": ("deduplicationEnabled", dedup_body),
    "backlogQuota": ("backlog_quota_map", quota_body),
}


def quota_type(st):
    for part in st.query.split("&"):
        if part.startswith("backlogQuotaType="):
            return part.split("=", 1)[1]
    return "destination_storage"  # Pulsar's default when the parameter is left out


def set_policy(st, seg, body):
    if not st.ns_exists(seg[1], seg[2]):
        return reason(404, "Namespace does not exist")
    key, reader = POLICIES[seg[3]]
    value, error = reader(parse_json(body))
    if error:
        return error
    pol = st.policies.setdefault(f"{seg[1]}/{seg[2]}", {})
    if key == "backlog_quota_map":
        qtype = quota_type(st)
        if qtype not in ("destination_storage", "message_age"):
            return reason(400, f"Invalid backlogQuotaType {qtype}")
        retention = pol.get("retention_policies")
        if (retention and retention["retentionSizeInMB"] > 0 and qtype == "destination_storage"
                and value["limitSize"] >= retention["retentionSizeInMB"] * 1024 * 1024):
            return reason(412, "Backlog Quota exceeds configured retention quota for "
                          "namespace. Please increase retention quota and retry")
        pol.setdefault(key, {})[qtype] = value
    elif key == "retention_policies" and value["retentionSizeInMB"] > 0 and any(
            q["limitSize"] >= value["retentionSizeInMB"] * 1024 * 1024
            for t, q in pol.get("backlog_quota_map", {}).items() if t == "destination_storage"):
        return reason(412, "Retention Quota must exceed backlog quota")
    else:
        pol[key] = value
    return no_content()


def get_policy(st, seg, _body):
    if not st.ns_exists(seg[1], seg[2]):
        return reason(404, "Namespace does not exist")
    pol = st.policies.get(f"{seg[1]}/{seg[2]}", {})
    if seg[3] == "backlogQuotaMap":
        return ok_json(pol.get("backlog_quota_map", {}))
    key = POLICIES[seg[3]][0]
    return ok_json(pol[key]) if key in pol else no_content()  # unset: a null entity -> 204


def delete_policy(st, seg, _body):
    if not st.ns_exists(seg[1], seg[2]):
        return reason(404, "Namespace does not exist")
    pol = st.policies.get(f"{seg[1]}/{seg[2]}", {})
    key = POLICIES[seg[3]][0]
    if key == "backlog_quota_map":
        pol.get(key, {}).pop(quota_type(st), None)
    else:
        pol.pop(key, None)
    return no_content()


def put_namespace(st, seg, _body):
    tenant, ns = seg[1], seg[2]
    if not NAME.match(tenant) or not NAME.match(ns):
        return reason(412, "Namespace name is not valid")
    if tenant not in st.tenants:
        return reason(404, "Tenant does not exist")
    local = st.clusters[0]
    if local not in st.tenants[tenant]["allowedClusters"]:
        return reason(403, f"Cluster [{local}] is not in the list of allowed clusters list "
                      f"for tenant [{tenant}]")
    if st.ns_exists(tenant, ns):
        return reason(409, "Namespace already exists")
    st.add_namespace(tenant, ns)
    return no_content()


def get_topics(st, seg, _body):
    if not st.ns_exists(seg[1], seg[2]):
        return reason(404, "Namespace does not exist")
    return ok_json(st.topic_names(seg[1], seg[2]))


def get_partitioned(st, seg, _body):
    tenant, ns = seg[1], seg[2]
    if not st.ns_exists(tenant, ns):
        return reason(404, "Namespace does not exist")
    return ok_json(sorted(f"persistent://{tenant}/{ns}/{t}"
                          for t, p in st.topics[f"{tenant}/{ns}"].items() if p > 0))


def full_name(seg):
    return f"persistent://{seg[1]}/{seg[2]}/{seg[3]}"


def get_metadata(st, seg, _body):
    parts = st.topics.get(f"{seg[1]}/{seg[2]}", {}).get(seg[3])
    if parts is None:
        return reason(404, f"Topic {full_name(seg)} not found")
    return ok_json({"partitions": parts, "deleted": False})


def partition_count(body):
    value = parse_json(body)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def put_partitioned(st, seg, body):
    tenant, ns, topic = seg[1], seg[2], seg[3]
    if "-partition-" in topic:
        return reason(412, "Partitioned Topic Name should not contain '-partition-'")
    if not topic or "/" in topic:
        return reason(412, "Topic name is not valid")
    count = partition_count(body)
    if count is None:
        return reason(400, "Cannot deserialize the number of partitions")
    if count <= 0:
        return reason(406, "Number of partitions should be more than 0")
    if not st.ns_exists(tenant, ns):
        return reason(404, "Namespace does not exist")
    if topic in st.topics[f"{tenant}/{ns}"]:  # partitioned OR non-partitioned
        return reason(409, "This topic already exists")
    st.topics[f"{tenant}/{ns}"][topic] = count
    return no_content()


def post_partitioned(st, seg, body):
    tenant, ns, topic = seg[1], seg[2], seg[3]
    count = partition_count(body)
    if count is None:
        return reason(400, "Cannot deserialize the number of partitions")
    if count <= 0:
        return reason(406, "Number of partitions should be more than 0")
    if not st.ns_exists(tenant, ns):
        return reason(404, "Namespace does not exist")
    have = st.topics[f"{tenant}/{ns}"].get(topic)
    if have is None:
        return reason(404, f"Partitioned Topic {full_name(seg)} not found")
    if have == 0:
        return reason(409, "Topic is not partitioned topic")
    if have >= count:
        return reason(409, "Number of new partitions must be greater than existing number "
                      "of partitions")
    st.topics[f"{tenant}/{ns}"][topic] = count
    return no_content()


def put_topic(st, seg, _body):
    tenant, ns, topic = seg[1], seg[2], seg[3]
    if not st.ns_exists(tenant, ns):
        return reason(404, "Namespace does not exist")
    if topic in st.topics[f"{tenant}/{ns}"]:
        return reason(409, "This topic already exists")
    st.topics[f"{tenant}/{ns}"][topic] = 0
    return no_content()


def delete_topic(partitioned):
    def handler(st, seg, _body):
        have = st.topics.get(f"{seg[1]}/{seg[2]}", {}).get(seg[3])
        if have is None or (have > 0) != partitioned:
            return reason(404, f"Topic {full_name(seg)} not found")
        del st.topics[f"{seg[1]}/{seg[2]}"][seg[3]]
        return no_content()
    return handler


# (method, pattern of segments after /admin/v2) -> handler; "*" = any one segment
ROUTES = [
    ("GET", ("brokers", "health"), get_health),
    ("GET", ("brokers", "ready"), get_ready),
    ("GET", ("clusters",), lambda st, s, b: ok_json(st.clusters)),
    ("GET", ("tenants",), lambda st, s, b: ok_json(sorted(st.tenants))),
    ("GET", ("tenants", "*"), get_tenant),
    ("PUT", ("tenants", "*"), put_tenant),
    ("POST", ("tenants", "*"), post_tenant),
    ("GET", ("namespaces", "*"), get_namespaces),
    ("GET", ("namespaces", "*", "*"), get_namespace),
    ("PUT", ("namespaces", "*", "*"), put_namespace),
    ("POST", ("namespaces", "*", "*", "retention"), set_policy),
    ("GET", ("namespaces", "*", "*", "retention"), get_policy),
    ("DELETE", ("namespaces", "*", "*", "retention"), delete_policy),
    ("POST", ("namespaces", "*", "*", "messageTTL"), set_policy),
    ("GET", ("namespaces", "*", "*", "messageTTL"), get_policy),
    ("DELETE", ("namespaces", "*", "*", "messageTTL"), delete_policy),
    ("POST", ("namespaces", "*", "*", "deduplication"), set_policy),
    ("GET", ("namespaces", "*", "*", "deduplication"), get_policy),
    ("DELETE", ("namespaces", "*", "*", "deduplication"), delete_policy),
    ("POST", ("namespaces", "*", "*", "backlogQuota"), set_policy),
    ("GET", ("namespaces", "*", "*", "backlogQuotaMap"), get_policy),
    ("DELETE", ("namespaces", "*", "*", "backlogQuota"), delete_policy),
    ("GET", ("persistent", "*", "*"), get_topics),
    ("GET", ("persistent", "*", "*", "partitioned"), get_partitioned),
    ("GET", ("persistent", "*", "*", "*", "partitions"), get_metadata),
    ("PUT", ("persistent", "*", "*", "*", "partitions"), put_partitioned),
    ("POST", ("persistent", "*", "*", "*", "partitions"), post_partitioned),
    ("DELETE", ("persistent", "*", "*", "*", "partitions"), delete_topic(True)),
    ("PUT", ("persistent", "*", "*", "*"), put_topic),
    ("DELETE", ("persistent", "*", "*", "*"), delete_topic(False)),
]


def route(method, seg):
    """The handler for a request, or the Reply when none matches."""
    path_known = False
    for m, pattern, handler in ROUTES:
        if len(pattern) == len(seg) and all(p in ("*", s) for p, s in zip(pattern, seg)):
            path_known = True
            if m == method:
                return handler
    if path_known:
        return Reply(405, "HTTP 405 Method Not Allowed", "text/plain")
    return not_found()


def not_found():
    """Jetty's page for a path no resource serves."""
    return Reply(404, "<html><head><title>Error 404 Not Found</title></head>"
                 "<body><h2>HTTP ERROR 404 Not Found</h2></body></html>\n", "text/html")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True
    server_version = "Pulsar-StandIn"

    def setup(self):
        super().setup()
        self.counted = False  # this connection sent an /admin request

    # -- plumbing ------------------------------------------------------------
    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("pulsar-standin: " + (fmt % args) + "\n")

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send(self, reply):
        """Status line, headers and body in one write (no Nagle stalls)."""
        head = [f"HTTP/1.1 {reply.status} {self.responses.get(reply.status, ('',))[0]}",
                f"Date: {self.date_time_string()}", f"Server: {self.server_version}"]
        if reply.status != 204:
            head.append(f"Content-Length: {len(reply.body)}")
        if reply.ctype:
            head.append(f"Content-Type: {reply.ctype}")
        if self.close_connection:
            head.append("Connection: close")
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(data + (reply.body if reply.status != 204 else b""))
        self.log_request(reply.status)

    def handle_any(self):
        body = self.read_body()  # always, so the next request on the connection parses
        path = urlsplit(self.path).path
        self.query = urlsplit(self.path).query
        st = self.server.state
        if path.startswith("/_standin/"):
            return self.send(self.control(st, path, body))
        if not path.startswith("/admin/"):
            return self.send(not_found())
        self.count(st, path)
        if self.server.token and self.headers.get("Authorization") != f"Bearer {self.server.token}":
            return self.send(Reply(401, JETTY_401.format(uri=path), "text/html;charset=iso-8859-1"))
        self.send(self.admin(st, path, body))

    def count(self, st, path):
        with st.lock:
            st.requests += 1
            if self.command in ("PUT", "POST", "DELETE"):
                st.writes += 1
            if not self.counted:
                st.connections += 1
                self.counted = True
            if len(st.log) < 100000:
                st.log.append(f"{self.command} {path}")

    def admin(self, st, path, body):
        seg = tuple(unquote(s) for s in path[len("/admin/v2/"):].strip("/").split("/"))
        handler = route(self.command, seg) if path.startswith("/admin/v2/") else not_found()
        if isinstance(handler, Reply):
            return handler
        if seg[0] == "brokers" and st.health == "hang":
            self.server.stopping.wait()  # accept, never answer
        with st.lock:
            if st.fail_writes and self.command != "GET":
                return text_500("Failed to write to the metadata store",
                                "org.apache.pulsar.metadata.api.MetadataStoreException")
            try:
                st.query = self.query
                reply = handler(st, seg, body)
            except Exception as exc:  # a stand-in bug: answer like Pulsar's RestException(e)
                return text_500(f"{type(exc).__name__}: {exc}", "java.lang.RuntimeException")
            if st.garbage and self.command == "GET" and reply.status == 200 and seg[0] != "brokers":
                reply = Reply(200, GARBAGE)
            return reply

    # -- /_standin/ control API ----------------------------------------------
    def control(self, st, path, body):
        seg = tuple(unquote(s) for s in path[len("/_standin/"):].strip("/").split("/"))
        with st.lock:
            if self.command == "GET" and seg == ("stats",):
                return ok_json({"requests": st.requests, "writes": st.writes,
                                "connections": st.connections})
            if self.command == "GET" and seg == ("log",):
                return ok_json(st.log)
            if self.command == "POST" and seg == ("reset-stats",):
                st.reset_stats()
                return no_content()
            if self.command == "POST" and seg == ("config",):
                return self.configure(st, body)
            if self.command == "PUT" and len(seg) == 4 and seg[0] == "topic":
                if not st.ns_exists(seg[1], seg[2]):
                    st.tenants.setdefault(seg[1], {"adminRoles": [],
                                                   "allowedClusters": list(st.clusters)})
                    st.add_namespace(seg[1], seg[2])
                return put_topic(st, seg, body)
        return reason(404, f"unknown stand-in control request {self.command} {path}")

    @staticmethod
    def configure(st, body):
        conf = parse_json(body)
        if not isinstance(conf, dict):
            return reason(400, "config must be a JSON object")
        if conf.get("health", st.health) not in HEALTH_MODES:
            return reason(400, f"health must be one of {', '.join(HEALTH_MODES)}")
        st.health = conf.get("health", st.health)
        st.garbage = bool(conf.get("garbage", st.garbage))
        st.fail_writes = bool(conf.get("fail_writes", st.fail_writes))
        return no_content()

    do_GET = do_PUT = do_POST = do_DELETE = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main():
    ap = argparse.ArgumentParser(
        prog="pulsar_standin.py",
        description="STAND-IN for tests, NOT Apache Pulsar: a small in-memory server that "
        "answers part of the Pulsar admin REST API v2 with the documented status codes "
        "and bodies, so pulsaradm can be tested where Pulsar cannot be installed.")
    ap.add_argument("--port", type=int, default=8080, help="TCP port; 0 = pick a free one "
                    "(the chosen port is printed) (default 8080)")
    ap.add_argument("--bind", default="127.0.0.1", help="address to listen on (default "
                    "127.0.0.1; 0.0.0.0 inside a container)")
    ap.add_argument("--token", help="require 'Authorization: Bearer TOKEN' on /admin "
                    "(else a Jetty-style 401 page)")
    ap.add_argument("--health", choices=HEALTH_MODES, default="ok",
                    help="what GET /admin/v2/brokers/health does (default ok)")
    ap.add_argument("--clusters", default="standalone",
                    help="comma-separated cluster names; the first is the local one "
                    "(default standalone)")
    ap.add_argument("-v", "--verbose", action="store_true", help="log every request to stderr")
    args = ap.parse_args()

    clusters = [c for c in args.clusters.split(",") if c]
    if not clusters:
        ap.error("--clusters needs at least one name")
    srv = Server((args.bind, args.port), Handler)
    srv.state = State(clusters, args.health)
    srv.token = args.token
    srv.verbose = args.verbose
    srv.stopping = threading.Event()
    host, port = srv.server_address[:2]
    print(f"pulsar-standin (NOT Apache Pulsar) listening on {host}:{port}", flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.stopping.set()
        srv.server_close()


if __name__ == "__main__":
    main()
