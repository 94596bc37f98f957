#!/usr/bin/env python3
"""otlp_receiver.py — a TEST RECEIVER for OTLP/HTTP traces and metrics (JSON
encoding), for tests/cortex/traces.t and metrics-otlp.t only: not a collector. It
listens on a free 127.0.0.1 port (printed as "listening on 127.0.0.1:PORT"),
accepts POST /v1/traces and POST /v1/metrics with a Content-Length of at most
4 MiB, checks every export against the OTLP JSON encoding, records each span (one
JSON line per span in --out, with its resource's attributes) and each metric (one
JSON line per metric in --metrics, when given, with _resource and _export: the
export's number) and answers 200 ({}); an export that breaks the encoding is
recorded in --errors and answered 400.

Checked: resourceSpans[].resource.attributes holds service.name;
scopeSpans[].spans[] each with traceId (32 lowercase hex, not all zero),
spanId (16), parentSpanId when set (16), name, kind (integer 0..5),
startTimeUnixNano / endTimeUnixNano decimal strings with end >= start,
status (an object, code 0..2), attributes as KeyValue objects, events with
timeUnixNano strings.

Metrics checked: resourceMetrics[].resource.attributes holds service.name;
scopeMetrics[].metrics[] each with a name, a unit (a string) and exactly one of
sum (dataPoints, aggregationTemporality 1 or 2, isMonotonic a boolean), gauge
(dataPoints) or histogram (dataPoints, aggregationTemporality); every data point
with KeyValue attributes, timeUnixNano (and startTimeUnixNano when set, required
for sums and histograms) decimal strings with start <= time, a sum's and a
gauge's value exactly one of asInt (a decimal string) or asDouble (a number),
not negative for a monotonic sum; a histogram point's count (a decimal string),
sum (a number), bucketCounts (decimal strings, one more than explicitBounds,
adding up to count), explicitBounds (numbers, strictly increasing).

    otlp_receiver.py --out spans.jsonl --errors errors.txt [--metrics metrics.jsonl]
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


def check_point(where, p, kind, monotonic, errs):
    if not isinstance(p, dict):
        errs.append(f"{where}: data point {p!r} is not an object")
        return
    p["_attrs"] = check_attrs(where, p.get("attributes", []), errs)
    t = p.get("timeUnixNano")
    if not isinstance(t, str) or not DIGITS.match(t) or int(t) == 0:
        errs.append(f"{where}: timeUnixNano {t!r} is not a decimal string")
        t = "0"
    st = p.get("startTimeUnixNano")
    if st is None:
        if kind != "gauge":
            errs.append(f"{where}: startTimeUnixNano missing")
    elif not isinstance(st, str) or not DIGITS.match(st):
        errs.append(f"{where}: startTimeUnixNano {st!r} is not a decimal string")
    elif int(st) > int(t):
        errs.append(f"{where}: startTimeUnixNano {st} after timeUnixNano {t}")
    if kind in ("sum", "gauge"):
        has = [k for k in ("asInt", "asDouble") if k in p]
        if len(has) != 1:
            errs.append(f"{where}: a point needs exactly one of asInt, asDouble: {p!r}")
            return
        v = p[has[0]]
        if has[0] == "asInt" and not (isinstance(v, str) and re.match(r"^-?[0-9]+$", v)):
            errs.append(f"{where}: asInt {v!r} is not a decimal string")
        elif has[0] == "asDouble" and (isinstance(v, bool) or not isinstance(v, (int, float))):
            errs.append(f"{where}: asDouble {v!r} is not a number")
        elif monotonic and float(v) < 0:
            errs.append(f"{where}: a monotonic sum's point is negative: {v}")
        return
    c, s, bc, eb = p.get("count"), p.get("sum"), p.get("bucketCounts"), p.get("explicitBounds")
    if not isinstance(c, str) or not DIGITS.match(c):
        errs.append(f"{where}: count {c!r} is not a decimal string")
        return
    if s is not None and (isinstance(s, bool) or not isinstance(s, (int, float)) or s < 0):
        errs.append(f"{where}: sum {s!r} is not a number >= 0")
    if not isinstance(eb, list) or any(isinstance(b, bool) or not isinstance(b, (int, float))
                                       for b in eb) or any(a >= b for a, b in zip(eb, eb[1:])):
        errs.append(f"{where}: explicitBounds {eb!r} are not increasing numbers")
        return
    if not isinstance(bc, list) or any(not isinstance(x, str) or not DIGITS.match(x) for x in bc):
        errs.append(f"{where}: bucketCounts {bc!r} are not decimal strings")
        return
    if len(bc) != len(eb) + 1:
        errs.append(f"{where}: {len(bc)} bucketCounts for {len(eb)} explicitBounds")
    elif sum(int(x) for x in bc) != int(c):
        errs.append(f"{where}: bucketCounts add up to {sum(int(x) for x in bc)}, count is {c}")


def check_metric(mt, errs):
    if not isinstance(mt, dict) or not isinstance(mt.get("name"), str) or not mt["name"]:
        errs.append(f"metric {mt!r}: no name")
        return
    where = f"metric {mt['name']!r}"
    if not isinstance(mt.get("unit", ""), str):
        errs.append(f"{where}: unit {mt.get('unit')!r} is not a string")
    kinds = [k for k in ("sum", "gauge", "histogram", "exponentialHistogram", "summary") if k in mt]
    if len(kinds) != 1 or kinds[0] not in ("sum", "gauge", "histogram"):
        errs.append(f"{where}: needs exactly one of sum, gauge, histogram: {kinds}")
        return
    kind = kinds[0]
    body = mt[kind]
    if not isinstance(body, dict) or not isinstance(body.get("dataPoints"), list):
        errs.append(f"{where}: {kind}.dataPoints is not an array")
        return
    if kind != "gauge" and body.get("aggregationTemporality") not in (1, 2):
        errs.append(f"{where}: aggregationTemporality {body.get('aggregationTemporality')!r}")
    if kind == "sum" and not isinstance(body.get("isMonotonic"), bool):
        errs.append(f"{where}: isMonotonic {body.get('isMonotonic')!r} is not a boolean")
    mt["_kind"] = kind
    for p in body["dataPoints"]:
        check_point(where, p, kind, kind == "sum" and body.get("isMonotonic") is True, errs)


def check_metrics_export(doc):
    """(metrics, errors): the metrics with their resource's attributes under _resource."""
    errs, metrics = [], []
    rms = doc.get("resourceMetrics") if isinstance(doc, dict) else None
    if not isinstance(rms, list) or not rms:
        return metrics, ["resourceMetrics missing or empty"]
    for rm in rms:
        res = check_attrs("resource", (rm.get("resource") or {}).get("attributes"), errs)
        if not isinstance(res.get("service.name"), str) or not res.get("service.name"):
            errs.append("resource: no service.name")
        for sm in rm.get("scopeMetrics") or errs.append("scopeMetrics missing") or []:
            for mt in sm.get("metrics") or errs.append("metrics missing") or []:
                check_metric(mt, errs)
                if isinstance(mt, dict):
                    mt["_resource"] = res
                    metrics.append(mt)
    return metrics, errs


EXPORTS = [0]


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
        if self.path not in ("/v1/traces", "/v1/metrics"):
            return self.answer(404, {"error": "not found"})
        check = check_export if self.path == "/v1/traces" else check_metrics_export
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
                spans, errs = check(json.loads(self.rfile.read(n)))
            except (ValueError, UnicodeDecodeError) as e:
                spans, errs = [], [f"not JSON: {e}"]
        with LOCK:
            if errs:
                with open(self.server.errors, "a") as f:
                    f.write("".join(e + "\n" for e in errs))
            out = self.server.out if check is check_export else self.server.metrics
            if out:
                EXPORTS[0] += 1
                with open(out, "a") as f:
                    for s in spans:
                        if check is check_metrics_export:
                            s["_export"] = EXPORTS[0]
                        f.write(json.dumps(s) + "\n")
        self.answer(400 if errs else 200, {"errors": errs} if errs else {})


def main():
    ap = argparse.ArgumentParser(description="OTLP/HTTP JSON test receiver (tests only)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--errors", required=True)
    ap.add_argument("--metrics", help="one JSON line per metric received")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.out, srv.errors, srv.metrics = a.out, a.errors, a.metrics
    if a.metrics:
        open(a.metrics, "a").close()
    open(a.out, "a").close()
    open(a.errors, "a").close()
    print(f"listening on 127.0.0.1:{srv.server_address[1]}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
