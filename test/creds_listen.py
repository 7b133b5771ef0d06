"""Shared by the test servers of test/e2e_creds.sh (creds_server.py,
creds_proxy.py): a threading HTTP server that keeps the parsed arguments,
listening on the first free port of a range on 127.0.0.1 and telling the test
which through a file written once the socket listens."""
import http.server
import os
import sys
import threading


class Server(http.server.ThreadingHTTPServer):
    """Serves handler with the command line's args and a lock at hand."""
    daemon_threads = True

    def __init__(self, addr, handler, args):
        super().__init__(addr, handler)
        self.args = args
        self.lock = threading.Lock()


def serve(make_server, ports, port_file, name):
    """make_server((host, port)) for each port of "LO-HI" until one binds;
    writes its port to port_file (atomically) and serves forever."""
    lo, hi = (int(p) for p in ports.split("-"))
    for port in range(lo, hi + 1):
        try:
            srv = make_server(("127.0.0.1", port))
            break
        except OSError:
            continue
    else:
        sys.exit("%s: no free port in %s" % (name, ports))
    with open(port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    srv.serve_forever()
