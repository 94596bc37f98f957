#!/usr/bin/env python3
"""otlp_receiver.py — a TEST RECEIVER for OTLP/HTTP traces (JSON encoding), for
tests/cortex/traces.t only: not a collector. It listens on a free 127.0.0.1 port
(printed as "listening on 127.0.0.1:PORT"), accepts POST /v1/traces with a
Content-Length of at most 4 MiB, checks every export against the OTLP JSON
encoding, records each span (one JSON line per span in --out, with its
resource's attributes) and answers 200 ({}); an export that breaks the encoding
is recorded in --errors and answered 400.

Checked: resourceSpans[].resource.attributes holds service.name;
scopeSpans[].spans[] each with traceId (32 lowercase hex, not all zero),
spanId (16), parentSpanId when set (16), name, kind (integer 0..5),
startTimeUnixNano / endTimeUnixNano decimal strings with end >= start,
status (an object, code 0..2), attributes as KeyValue objects, events with
timeUnixNano strings.

    otlp_receiver.py --out spans.jsonl --errors errors.txt
"""
import argparse
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 4 << 20
HEX = re.compile(r"^[0-9a-f]+$")
DIGITS = re.compile(r"^[0-9]+$")
LOCK = threading.Lock()


def check_id(span, field, length, errs, required=True):
    v = span.get(field)
    if v is None or v == "":
        if required:
            errs.append(f"span {span.get('name')!r}: {field} missing")
        return
    if not isinstance(v, str) or len(v) != length or not HEX.match(v) or set(v) == {"0"}:
        errs.append(f"span {span.get('name')!r}: {field} {v!r} is not {length} lowercase hex")


def check_attrs(where, attrs, errs):
    if not isinstance(attrs, list):
        errs.append(f"{where}: attributes is not an array")
        return {}
    out = {}
    for kv in attrs:
        if not isinstance(kv, dict) or not isinstance(kv.get("key"), str) or \
                not isinstance(kv.get("value"), dict) or len(kv["value"]) != 1:
            errs.append(f"{where}: attribute {kv!r} is not a KeyValue")
            continue
        (kind, val), = kv["value"].items()
        if kind == "intValue" and not (isinstance(val, str) and re.match(r"^-?[0-9]+$", val)):
            errs.append(f"{where}: {kv['key']}: intValue {val!r} is not a decimal string")
        elif kind not in ("stringValue", "intValue", "doubleValue", "boolValue"):
            errs.append(f"{where}: {kv['key']}: unexpected value kind {kind}")
        out[kv["key"]] = val
    return out


def check_time(span, field, errs):
    v = span.get(field)
    if not isinstance(v, str) or not DIGITS.match(v):
        errs.append(f"span {span.get('name')!r}: {field} {v!r} is not a decimal string")
        return 0
    return int(v)


def check_span(span, errs):
    if not isinstance(span, dict):
        errs.append(f"span {span!r} is not an object")
        return
    check_id(span, "traceId", 32, errs)
    check_id(span, "spanId", 16, errs)
    check_id(span, "parentSpanId", 16, errs, required=False)
    if not isinstance(span.get("name"), str) or not span["name"]:
        errs.append("a span without a name")
    if not isinstance(span.get("kind"), int) or not 0 <= span["kind"] <= 5:
        errs.append(f"span {span.get('name')!r}: kind {span.get('kind')!r}")
    start = check_time(span, "startTimeUnixNano", errs)
    end = check_time(span, "endTimeUnixNano", errs)
    if end < start:
        errs.append(f"span {span.get('name')!r}: ends ({end}) before it starts ({start})")
    st = span.get("status")
    if not isinstance(st, dict) or st.get("code", 0) not in (0, 1, 2):
        errs.append(f"span {span.get('name')!r}: status {st!r}")
    span["_attrs"] = check_attrs(f"span {span.get('name')!r}", span.get("attributes", []), errs)
    for ev in span.get("events", []):
        if not isinstance(ev, dict) or not DIGITS.match(str(ev.get("timeUnixNano", ""))) or \
                not isinstance(ev.get("timeUnixNano"), str) or not ev.get("name"):
            errs.append(f"span {span.get('name')!r}: event {ev!r}")
        else:
            check_attrs(f"event {ev['name']!r}", ev.get("attributes", []), errs)


def check_export(doc):
    """(spans, errors): the spans with their resource's attributes under _resource."""
    errs, spans = [], []
    rss = doc.get("resourceSpans") if isinstance(doc, dict) else None
    if not isinstance(rss, list) or not rss:
        return spans, ["resourceSpans missing or empty"]
    for rs in rss:
        res = check_attrs("resource", (rs.get("resource") or {}).get("attributes"), errs)
        if not isinstance(res.get("service.name"), str) or not res.get("service.name"):
            errs.append("resource: no service.name")
        for ss in rs.get("scopeSpans") or errs.append("scopeSpans missing") or []:
            for span in ss.get("spans") or errs.append("spans missing") or []:
                check_span(span, errs)
                if isinstance(span, dict):
                    span["_resource"] = res
                    spans.append(span)
    return spans, errs


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *_):
        pass

    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        if self.path != "/v1/traces":
            return self.answer(404, {"error": "not found"})
        try:
            n = int(self.headers.get("Content-Length", "-1"))
        except ValueError:
            n = -1
        if not 0 <= n <= MAX_BODY:
            return self.answer(411, {"error": "a Content-Length up to 4 MiB is required"})
        if "application/json" not in self.headers.get("Content-Type", ""):
            errs, spans = ["Content-Type is not application/json"], []
        else:
            try:
                spans, errs = check_export(json.loads(self.rfile.read(n)))
            except (ValueError, UnicodeDecodeError) as e:
                spans, errs = [], [f"not JSON: {e}"]
        with LOCK:
            if errs:
                with open(self.server.errors, "a") as f:
                    f.write("".join(e + "\n" for e in errs))
            with open(self.server.out, "a") as f:
                for s in spans:
                    f.write(json.dumps(s) + "\n")
        self.answer(400 if errs else 200, {"errors": errs} if errs else {})


def main():
    ap = argparse.ArgumentParser(description="OTLP/HTTP JSON test receiver (tests only)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--errors", required=True)
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.out, srv.errors = a.out, a.errors
    open(a.out, "a").close()
    open(a.errors, "a").close()
    print(f"listening on 127.0.0.1:{srv.server_address[1]}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
