#!/usr/bin/python3
# A webhook receiver for the tests, on loopback.
# usage: hookd.py PORT CERT KEY DIR
# Serves HTTPS with CERT and KEY.  Each POST that it takes is one line of
# DIR/PATH.jsonl (the request path without its slashes): the body as
# JSON, or {"invalid": text} when it is not.  While DIR/status holds a
# number, every POST gets that status instead, counted by a line in
# DIR/refused.  Writes DIR/ready once listening.

import json
import os
import ssl
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

port, cert, key, top = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]


class Hook(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def answer(self, status):
        body = b"{}"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(n)
        try:
            with open(os.path.join(top, "status")) as f:
                status = int(f.read().strip())
        except (OSError, ValueError):
            status = 200
        if status != 200:
            with open(os.path.join(top, "refused"), "a") as f:
                f.write("%d %s\n" % (status, self.path))
            self.answer(status)
            return
        try:
            rec = json.loads(data)
        except ValueError:
            rec = {"invalid": data.decode("utf-8", "replace")}
        if self.headers.get("Content-Type") != "application/json":
            rec = {"bad content type": self.headers.get("Content-Type")}
        name = self.path.strip("/").replace("/", "_") or "root"
        with open(os.path.join(top, name + ".jsonl"), "a") as f:
            f.write(json.dumps(rec, sort_keys=True) + "\n")
        self.answer(200)


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = HTTPServer(("127.0.0.1", int(port)), Hook)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(os.path.join(top, "ready"), "w") as f:
    f.write("%d\n" % os.getpid())
try:
    srv.serve_forever()
except KeyboardInterrupt:
    pass
