#!/usr/bin/env python3
"""natsmsg.py — publish a JetStream message and read one back, over the plain NATS
protocol (Python standard library only). The Docker end-to-end test uses it from the
host, against arc-flash's published port, to prove that a message outlives
`make messaging-down` + `make messaging-up`.

  natsmsg.py pub HOST:PORT SUBJECT DATA     publish; prints the stream's ack JSON
                                            ({"stream":...,"seq":N}); exit 1 without one
  natsmsg.py get HOST:PORT STREAM SEQ       prints message SEQ's data; exit 1 if absent
"""

import base64
import json
import socket
import sys

INBOX = "_INBOX.arc-e2e"
TIMEOUT = 10.0


class Conn:
    def __init__(self, addr):
        host, port = addr.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=TIMEOUT)
        self.buf = b""
        if not self.line().startswith(b"INFO "):
            raise SystemExit("natsmsg: no INFO from the server")
        self.send(b'CONNECT {"verbose":false,"pedantic":false,"lang":"python","version":"0"}\r\n')
        self.send(b"SUB " + INBOX.encode() + b" 1\r\n")

    def send(self, data):
        self.sock.sendall(data)

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SystemExit("natsmsg: connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def payload(self, size):
        while len(self.buf) < size + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SystemExit("natsmsg: connection closed")
            self.buf += chunk
        data, self.buf = self.buf[:size], self.buf[size + 2:]
        return data

    def request(self, subject, data):
        """PUB with our inbox as the reply subject; the first MSG on it is the answer."""
        self.send(b"PUB %s %s %d\r\n%s\r\n" % (subject.encode(), INBOX.encode(), len(data), data))
        while True:
            line = self.line()
            if line == b"PING":
                self.send(b"PONG\r\n")
            elif line.startswith(b"-ERR"):
                raise SystemExit("natsmsg: server error: " + line.decode(errors="replace"))
            elif line.startswith(b"MSG "):
                return self.payload(int(line.split()[-1]))


def main(argv):
    if len(argv) != 5 or argv[1] not in ("pub", "get"):
        sys.stderr.write(__doc__)
        return 64
    conn = Conn(argv[2])
    if argv[1] == "pub":
        ack = json.loads(conn.request(argv[3], argv[4].encode()))
        print(json.dumps(ack, separators=(",", ":")))
        return 0 if "seq" in ack and "error" not in ack else 1
    reply = json.loads(conn.request("$JS.API.STREAM.MSG.GET." + argv[3],
                                    json.dumps({"seq": int(argv[4])}).encode()))
    msg = reply.get("message")
    if not msg:
        sys.stderr.write("natsmsg: no message: %s\n" % json.dumps(reply))
        return 1
    print(base64.b64decode(msg.get("data", "")).decode(errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
