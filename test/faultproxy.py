#!/usr/bin/env python3
"""A test-only HTTP proxy on 127.0.0.1 that injects faults into object GETs.

It stands between s3bench and the local gateway and forwards requests
unchanged (the Host header included, so SigV4 signatures stay valid). On a
schedule it answers an object GET with a fault instead:

  slowdown  503 with an S3 SlowDown error document
  reset     the status line, headers and half the body, then a TCP reset
  stall     the status line, headers and half the body, then silence
  short     the status line, headers and half the body, then a clean close

With --delay-ms every object GET is answered that much later: a server of
known latency, for checking the percentiles.

The schedule names every Nth distinct object (`slowdown=7,reset=11,...`):
each object is faulted at most once, so a client that retries always gets
it in the end and a run's outcome is deterministic. Counts of injected
faults are written to --stats as JSON after each injection.

  test/faultproxy.py --port P --upstream 127.0.0.1:7480 \
      [--schedule slowdown=7,reset=11,stall=13,short=17] [--delay-ms MS] --stats FILE
"""
import argparse
import http.client
import json
import os
import socket
import socketserver
import struct
import sys
import threading
import time

SLOWDOWN_BODY = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
                 b'<Message>Please reduce your request rate.</Message>'
                 b'<RequestId>faultproxy</RequestId></Error>')


class State:
    def __init__(self, schedule, stats_path, stall_seconds, delay):
        self.schedule = schedule  # list of (kind, every)
        self.stats_path = stats_path
        self.stall_seconds = stall_seconds
        self.delay = delay
        self.lock = threading.Lock()
        self.seen = {}            # path -> ordinal of first sight
        self.faulted = set()
        self.counts = {kind: 0 for kind, _ in schedule}

    def fault_for(self, path):
        """The fault to inject for this GET of path, or None."""
        with self.lock:
            if path in self.faulted:
                return None
            n = self.seen.setdefault(path, len(self.seen) + 1)
            for kind, every in self.schedule:
                if n % every == 0:
                    self.faulted.add(path)
                    self.counts[kind] += 1
                    with open(self.stats_path + ".tmp", "w") as f:
                        json.dump(self.counts, f)
                    os.replace(self.stats_path + ".tmp", self.stats_path)
                    return kind
            return None


def read_head(rfile):
    """Reads a request head; returns (method, target, version, headers) or None at EOF."""
    line = rfile.readline(65537)
    if not line:
        return None
    method, target, version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    headers = []
    while True:
        h = rfile.readline(65537)
        if h in (b"\r\n", b"\n", b""):
            break
        name, _, value = h.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    return method, target, version, headers


def is_object_get(method, target):
    path = target.split("?", 1)[0]
    return method == "GET" and path.count("/") >= 2 and len(path.split("/", 2)[2]) > 0


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        # Without TCP_NODELAY every small answer waits on a delayed ACK.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        state = self.server.state
        upstream = None
        try:
            while True:
                head = read_head(self.rfile)
                if head is None:
                    return
                method, target, version, headers = head
                length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
                body = self.rfile.read(length) if length else b""
                kind = None
                if is_object_get(method, target):
                    kind = state.fault_for(target.split("?", 1)[0])
                    if state.delay:
                        time.sleep(state.delay)
                if kind == "slowdown":
                    self.wfile.write(b"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\n"
                                     b"Content-Length: %d\r\n\r\n" % len(SLOWDOWN_BODY) + SLOWDOWN_BODY)
                    self.wfile.flush()
                    continue
                if upstream is None:
                    upstream = http.client.HTTPConnection(self.server.upstream_host, self.server.upstream_port)
                    upstream.connect()
                    upstream.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                upstream.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
                for k, v in headers:
                    upstream.putheader(k, v)
                upstream.endheaders(body if body else None)
                resp = upstream.getresponse()
                data = resp.read()
                out = [b"HTTP/1.1 %d %s\r\n" % (resp.status, resp.reason.encode("latin-1"))]
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "content-length", "connection"):
                        out.append(b"%s: %s\r\n" % (k.encode("latin-1"), v.encode("latin-1")))
                out.append(b"Content-Length: %d\r\n\r\n" % len(data))
                self.wfile.write(b"".join(out))
                if kind is None or not data:
                    self.wfile.write(data)
                    self.wfile.flush()
                    continue
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                if kind == "reset":
                    # SO_LINGER with a zero timeout makes close() send RST.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                elif kind == "stall":
                    time.sleep(state.stall_seconds)
                return
        except (ConnectionError, OSError, ValueError):
            return
        finally:
            if upstream is not None:
                upstream.close()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream", required=True, help="HOST:PORT of the real server")
    ap.add_argument("--schedule", default="", help="kind=N,... with kind slowdown, reset, stall or short")
    ap.add_argument("--delay-ms", type=float, default=0.0, help="answer every object GET this much later")
    ap.add_argument("--stats", required=True, help="file to write the injected counts to")
    ap.add_argument("--stall-seconds", type=float, default=30.0)
    a = ap.parse_args()
    schedule = []
    for part in filter(None, a.schedule.split(",")):
        kind, _, every = part.partition("=")
        if kind not in ("slowdown", "reset", "stall", "short") or not every.isdigit() or int(every) < 1:
            ap.error("bad schedule entry %r" % part)
        schedule.append((kind, int(every)))
    state = State(schedule, a.stats, a.stall_seconds, a.delay_ms / 1000.0)
    with open(a.stats, "w") as f:
        json.dump(state.counts, f)
    host, _, port = a.upstream.rpartition(":")
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.state = state
    srv.upstream_host, srv.upstream_port = host, int(port)
    print("faultproxy: listening on 127.0.0.1:%d" % a.port, file=sys.stderr, flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
