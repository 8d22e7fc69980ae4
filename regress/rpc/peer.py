#!/usr/bin/python3
# A peer on a master's RPC port that we control byte for byte.
# usage: peer.py HOST PORT CA CERT KEY PASSFILE|- badframes
#        peer.py HOST PORT CA CERT KEY PASSFILE|- call NAME [ARG...]
# badframes sends frames the master must refuse, each on its own link,
# checks that it closes each link and still answers a good one; call
# makes one call with any certificate and prints the reply.
#        peer.py HOST PORT CA CERT KEY PASSFILE|- event JSON [JSON...]
# event says hello as the sensor the certificate names, with an epoch of
# its own (PEER_EPOCH, or 0ddba11: the master stores a sequence number of
# one epoch once), sends the events and waits for the master's
# acknowledgement of the last.

import json
import os
import socket
import ssl
import struct
import sys

host, port, ca, cert, key, passfile, mode = sys.argv[1:8]
password = None
if passfile != "-":
    with open(passfile) as f:
        password = f.readline().rstrip("\n")

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.load_verify_locations(ca)
ctx.check_hostname = False
ctx.load_cert_chain(cert, key, password=password)


def link():
    s = socket.create_connection((host, int(port)), timeout=10)
    return ctx.wrap_socket(s)


def closed(t):
    """True when the master ends the link without sending anything."""
    try:
        while True:
            b = t.recv(4096)
            if not b:
                return True
            return False
    except (ConnectionResetError, ssl.SSLError, BrokenPipeError):
        return True


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


def reply(t):
    hdr = b""
    while len(hdr) < 4:
        b = t.recv(4 - len(hdr))
        if not b:
            raise SystemExit("closed before the reply")
        hdr += b
    n = struct.unpack(">I", hdr)[0]
    body = b""
    while len(body) < n:
        body += t.recv(n - len(body))
    return body


if mode == "call":
    t = link()
    t.sendall(frame(json.dumps({"id": 1, "call": sys.argv[8],
                                "args": sys.argv[9:]}).encode()))
    print(reply(t).decode())
    sys.exit(0)

if mode == "event":
    t = link()
    hello = {"name": "peer", "epoch": os.environ.get("PEER_EPOCH", "0ddba11"),
             "mode": "user", "features": {}, "version": 1,
             "config": "0" * 64}
    t.sendall(frame(json.dumps({"id": 1, "call": "hello",
                                "args": [hello]}).encode()))
    print(reply(t).decode())
    events = sys.argv[8:]
    for seq, ev in enumerate(events, 1):
        t.sendall(frame(json.dumps({"seq": seq,
                                    "event": json.loads(ev)}).encode()))
    while True:
        m = json.loads(reply(t))
        if m.get("ack", 0) >= len(events):
            print("acknowledged")
            sys.exit(0)

bad = [
    ("oversized", struct.pack(">I", 2 * 1024 * 1024) + b"{" * 1024),
    ("not JSON", frame(b"{\"id\":1,\"call\":")),
    ("wrong shape", frame(b"{\"foo\":1}")),
]
ok = True
for name, data in bad:
    t = link()
    t.sendall(data)
    if closed(t):
        print("closed after %s frame" % name)
    else:
        print("NOT closed after %s frame" % name)
        ok = False
    t.close()

t = link()
t.sendall(frame(b"{\"id\":7,\"call\":\"getName\",\"args\":[]}"))
body = reply(t)
print("good link answered:", body.decode())
if b"\"id\":7" not in body or b"\"ok\":true" not in body:
    ok = False
sys.exit(0 if ok else 1)
