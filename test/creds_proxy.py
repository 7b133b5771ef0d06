#!/usr/bin/env python3
"""A forwarding proxy in front of the local gateway for the end-to-end tests
of test/e2e_creds.sh, on 127.0.0.1 only. Requests pass through unchanged (the
Host header too, so the gateway checks the client's signature as sent), with
two optional behaviours the gateway lacks:

  --delay-ms N   waits N ms before forwarding each request, so a run lasts
                 long enough for short-lived credentials to expire mid-run
  --region R     plays a bucket that lives in region R, as S3 does: a request
                 signed for another region gets no answer but an error naming
                 R, in the style given by --redirect:
                   header  301 PermanentRedirect, the region only in the
                           x-amz-bucket-region header (what S3 answers at the
                           wrong regional endpoint)
                   body    400 AuthorizationHeaderMalformed, the region only in
                           the <Region> element (S3's answer to a wrong
                           signing region)

  creds_proxy.py --ports 17400-17499 --port-file F --upstream 127.0.0.1:PORT
                 [--delay-ms N] [--region R --redirect header|body] [--log FILE]

--log gets one line per request: "forward METHOD REGION" or "redirect METHOD
REGION", REGION being the one the request was signed for. Binds the first free
port of --ports and writes it to --port-file once listening.
"""
import argparse
import http.client
import http.server
import re
import time

from creds_listen import Server, serve

SCOPE = re.compile(r"Credential=[^/,]+/\d{8}/([^/,]+)/s3/aws4_request")
HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade", "te"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this the body waits
    # for the client's delayed ACK, 40 ms a request.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *a):
        pass

    def log(self, what, region):
        if self.server.args.log:
            with self.server.lock, open(self.server.args.log, "a") as f:
                f.write("%s %s %s\n" % (what, self.command, region))

    def send(self, status, headers, body):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, signed, want):
        args = self.server.args
        if args.redirect == "header":
            body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PermanentRedirect</Code>"
                    "<Message>The bucket you are attempting to access must be addressed using the "
                    "specified endpoint.</Message><Endpoint>s3.%s.amazonaws.com</Endpoint>"
                    "<RequestId>proxy</RequestId><HostId>proxy</HostId></Error>" % want)
            self.send(301, [("x-amz-bucket-region", want), ("Content-Type", "application/xml")],
                      body.encode())
        else:
            body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"
                    "<Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is "
                    "malformed; the region '%s' is wrong; expecting '%s'</Message><Region>%s</Region>"
                    "<RequestId>proxy</RequestId><HostId>proxy</HostId></Error>" % (signed, want, want))
            self.send(400, [("Content-Type", "application/xml")], body.encode())

    def handle_any(self):
        args = self.server.args
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        m = SCOPE.search(self.headers.get("Authorization", ""))
        signed = m.group(1) if m else "-"
        if args.region and signed != args.region:
            self.log("redirect", signed)
            return self.redirect(signed, args.region)
        self.log("forward", signed)
        if args.delay_ms:
            time.sleep(args.delay_ms / 1000.0)
        host, port = args.upstream.rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for k, v in self.headers.items():
                if k.lower() not in HOP:
                    conn.putheader(k, v)
            conn.endheaders(body if body else None)
            resp = conn.getresponse()
            data = resp.read()
            headers = [(k, v) for k, v in resp.getheaders()
                       if k.lower() not in HOP and k.lower() != "content-length"]
            self.send(resp.status, headers, data)
        finally:
            conn.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ports", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--region")
    ap.add_argument("--redirect", choices=("header", "body"), default="header")
    ap.add_argument("--log")
    args = ap.parse_args()
    serve(lambda addr: Server(addr, Handler, args), args.ports, args.port_file, "creds_proxy")


if __name__ == "__main__":
    main()
