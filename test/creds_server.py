#!/usr/bin/env python3
"""A credentials endpoint for the end-to-end tests, on 127.0.0.1 only: the
ECS/Fargate container endpoint and EC2's IMDSv2 in one server, handing out
real temporary credentials of the local gateway.

Each credential answer comes from a fresh AssumeRole call to the gateway's STS
(made with curl --aws-sigv4 as the role's owner), so every answer carries a new
access key, secret and session token that the gateway itself checks and lets
expire after --lifetime seconds, and an Expiration that says so.

  creds_server.py --ports 17400-17499 --port-file F --sts http://127.0.0.1:P
                  --role-arn ARN --lifetime SECONDS --log FILE --secrets FILE
                  [--container-token-file FILE]

Environment: OWNER_ACCESS_KEY_ID, OWNER_SECRET_ACCESS_KEY (who assumes the role).

Container endpoint: GET /container/creds; with --container-token-file the
Authorization header must equal that file's content (else 401).
IMDSv2: PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds
(1..21600) gives a token; GET /latest/meta-data/iam/security-credentials/
(the role name) and .../ROLE (the credentials) need X-aws-ec2-metadata-token
with an issued token (else 401): IMDSv1 is refused, as on an instance that
requires v2.

--log gets one line per answer: "container AKID" or "imds AKID" (no secret);
--secrets gets the secret and token of each answer, for the test that checks
s3bench never prints them. Binds the first free port of --ports and writes it
to --port-file once listening.
"""
import argparse
import datetime
import http.server
import json
import os
import secrets
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET

from creds_listen import Server, serve

ROLE_NAME = "s3bench-test-role"
CREDS_PATH = "/latest/meta-data/iam/security-credentials/"


def assume_role(args):
    """Calls AssumeRole on the gateway's STS; returns (akid, secret, token, expiration)."""
    body = urllib.parse.urlencode({
        "Action": "AssumeRole", "Version": "2011-06-15", "RoleArn": args.role_arn,
        "RoleSessionName": "s3bench-e2e", "DurationSeconds": str(args.lifetime),
    })
    # The owner's keys go to curl on stdin, not on its command line.
    config = 'user = "%s:%s"\n' % (os.environ["OWNER_ACCESS_KEY_ID"], os.environ["OWNER_SECRET_ACCESS_KEY"])
    out = subprocess.run(
        ["curl", "-sS", "--fail", "--max-time", "10", "--noproxy", "*", "-K", "-",
         "--aws-sigv4", "aws:amz:us-east-1:sts", "--data", body, args.sts + "/"],
        input=config.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if out.returncode != 0:
        raise RuntimeError("AssumeRole failed: " + out.stderr.decode(errors="replace").strip())
    root = ET.fromstring(out.stdout)
    found = {}
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        if tag in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
            found[tag] = el.text or ""
    # The gateway writes nanoseconds; the services write whole seconds in Z.
    exp = found["Expiration"].split(".")[0].rstrip("Z")
    exp = datetime.datetime.strptime(exp, "%Y-%m-%dT%H:%M:%S").strftime("%Y-%m-%dT%H:%M:%SZ")
    return found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"], exp


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this the body waits
    # for the client's delayed ACK, 40 ms a request.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *a):  # quiet: the test reads --log instead
        pass

    def reply(self, status, body, ctype="text/plain"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def credentials(self, kind):
        srv = self.server
        try:
            akid, secret, token, exp = assume_role(srv.args)
        except Exception as e:  # the test sees a 500 and s3bench's message
            return self.reply(500, "no credentials: %s\n" % e)
        with srv.lock:
            with open(srv.args.log, "a") as f:
                f.write("%s %s\n" % (kind, akid))
            with open(srv.args.secrets, "a") as f:
                f.write("%s\n%s\n" % (secret, token))
        doc = {"AccessKeyId": akid, "SecretAccessKey": secret, "Token": token, "Expiration": exp}
        if kind == "imds":
            now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            doc = dict({"Code": "Success", "LastUpdated": now, "Type": "AWS-HMAC"}, **doc)
        else:
            doc["RoleArn"] = srv.args.role_arn
        return self.reply(200, json.dumps(doc), "application/json")

    def imds_token_ok(self):
        with self.server.lock:
            return self.headers.get("X-aws-ec2-metadata-token", "") in self.server.imds_tokens

    def do_PUT(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path != "/latest/api/token":
            return self.reply(404, "not found\n")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
        if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self.reply(400, "bad TTL\n")
        token = secrets.token_urlsafe(40)
        with self.server.lock:
            self.server.imds_tokens.add(token)
        return self.reply(200, token)

    def do_GET(self):
        if self.path == "/container/creds":
            want = self.server.container_token()
            if want is not None and self.headers.get("Authorization", "") != want:
                return self.reply(401, "bad or missing Authorization\n")
            return self.credentials("container")
        if self.path.startswith(CREDS_PATH):
            if not self.imds_token_ok():
                return self.reply(401, "IMDSv2 token required\n")
            role = self.path[len(CREDS_PATH):]
            if role == "":
                return self.reply(200, ROLE_NAME)
            if role == ROLE_NAME:
                return self.credentials("imds")
        return self.reply(404, "not found\n")


class CredsServer(Server):
    def __init__(self, addr, args):
        super().__init__(addr, Handler, args)
        self.imds_tokens = set()

    def container_token(self):
        if not self.args.container_token_file:
            return None
        with open(self.args.container_token_file) as f:
            return f.read().strip()


def main():
    ap = argparse.ArgumentParser()
    for name in ("--ports", "--port-file", "--sts", "--role-arn", "--log", "--secrets"):
        ap.add_argument(name, required=True)
    ap.add_argument("--lifetime", type=int, required=True)
    ap.add_argument("--container-token-file")
    args = ap.parse_args()
    serve(lambda addr: CredsServer(addr, args), args.ports, args.port_file, "creds_server")


if __name__ == "__main__":
    main()
