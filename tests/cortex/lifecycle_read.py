#!/usr/bin/env python3
"""lifecycle_read.py HOST:PORT [STREAM] — a TEST helper: every message the JetStream
stream (default CORE_LIFECYCLE) holds, one JSON line each: {"subject":..., "seq":...,
"event": <the envelope, parsed>}. Speaks the NATS client protocol directly (the JS API:
$JS.API.STREAM.INFO, $JS.API.STREAM.MSG.GET); loopback only; bounded by a 5 s timeout."""
import base64
import json
import socket
import sys


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    stream = sys.argv[2] if len(sys.argv) > 2 else "CORE_LIFECYCLE"
    s = socket.create_connection((host, int(port)), timeout=5)
    f = s.makefile("rb")
    f.readline()  # INFO
    s.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\nSUB _INBOX.t 1\r\n')

    def request(subj, body):
        b = body.encode()
        s.sendall(b"PUB %s _INBOX.t %d\r\n%s\r\nPING\r\n" % (subj.encode(), len(b), b))
        for _ in range(100):
            line = f.readline()
            if not line:
                raise SystemExit("connection closed")
            if line.startswith(b"MSG "):
                n = int(line.split()[-1])
                payload = f.read(n + 2)[:n]
                return json.loads(payload)
            if line.startswith(b"PING"):
                s.sendall(b"PONG\r\n")
            if line.startswith(b"-ERR"):
                raise SystemExit(line.decode())
        raise SystemExit("no reply")

    info = request("$JS.API.STREAM.INFO." + stream, "")
    if "error" in info:
        raise SystemExit(json.dumps(info["error"]))
    st = info["state"]
    for seq in range(st["first_seq"], st["last_seq"] + 1):
        r = request("$JS.API.STREAM.MSG.GET." + stream, json.dumps({"seq": seq}))
        if "message" not in r:
            continue
        m = r["message"]
        ev = json.loads(base64.b64decode(m.get("data", "")) or b"null")
        print(json.dumps({"subject": m["subject"], "seq": m["seq"], "event": ev}))


main()
