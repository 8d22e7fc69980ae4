#!/usr/bin/python3
#
# Copyright (c) 2026 The HoneySpy authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
"""Synthesise HTTP connections from many clients and servers, for p0f.

For every signature in the [http:request] and [http:response] sections of
a p0f.fp, write whole TCP connections (handshake, request, response) whose
request or response the signature describes: its version, its headers in
its order (each "?" one there or not), values holding what it asks for,
none of its absent headers, and a User-Agent or Server with its software
string, or now and then one without it ("dishonest").  Accept-Language
varies.  Each request signature gets a response from a few usual servers,
each response signature a request from a few usual clients.  Then come
hand-made oddities: values with '|', ']' and NUL bytes, unknown and
lower-case names, a request in two segments, a response before its
request, POST, too many headers, HTTP/1.0, bare LF line ends.

Clients are 192.0.2.0/24 and 2001:db8:2::/64, servers 203.0.113.0/24 and
2001:db8:3::/64.  --merge appends captures (the lab's real clients).

Usage: gen_http.py [-f p0f.fp] [-o out.pcap] [--seed S] [--merge X.pcap]
"""

import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_stacks import choose, frame, Skip  # noqa: E402
from scapy.utils import rdpcap, wrpcap  # noqa: E402

T0 = 1700000000.0
# Linux for the handshake: p0f drops a flow whose SYN is a tool's.
SYN_SIG = "*:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0"
SYNACK_SIG = "*:64:0:*:mss*10,0:mss,sok,ts:df:0"

LANGS = ["en-US,en;q=0.5", "de-DE,de;q=0.8,en;q=0.3", "pl", "fr", "ja",
         "pt-BR", "xx-YY", "EN-us", "e", "zh-CN,zh;q=0.9", "123", "ru;q=1"]

DEFAULTS = {
    "Host": "www.example.com",
    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate",
    "Accept-Charset": "utf-8",
    "Connection": "keep-alive",
    "Keep-Alive": "115",
    "Referer": "http://www.example.com/",
    "Cookie": "a=b",
    "Date": "Tue, 14 Nov 2023 22:13:20 GMT",
    "Content-Type": "text/html; charset=UTF-8",
    "Content-Length": "612",
    "Last-Modified": "Tue, 14 Nov 2023 10:00:00 GMT",
    "ETag": "\"5f2-54\"",
    "Accept-Ranges": "bytes",
    "Cache-Control": "max-age=0",
    "Transfer-Encoding": "chunked",
    "Vary": "Accept-Encoding",
    "Expires": "Thu, 01 Jan 1970 00:00:00 GMT",
    "Pragma": "no-cache",
    "X-Powered-By": "PHP/5.3.3",
}

# Usual clients and servers for the other half of each connection.
CLIENTS = [
    "GET / HTTP/1.1\r\nUser-Agent: curl/7.88.1\r\nHost: h\r\n"
    "Accept: */*\r\n\r\n",
    "GET /x HTTP/1.1\r\nUser-Agent: Wget/1.21.3\r\nAccept: */*\r\n"
    "Accept-Encoding: identity\r\nHost: h\r\nConnection: Keep-Alive\r\n\r\n",
    "HEAD / HTTP/1.0\r\nHost: h\r\n\r\n",
]
SERVERS = [
    "HTTP/1.1 200 OK\r\nDate: Tue, 14 Nov 2023 22:13:20 GMT\r\n"
    "Server: Apache/2.4.57 (Debian)\r\nLast-Modified: x\r\nETag: \"x\"\r\n"
    "Accept-Ranges: bytes\r\nContent-Length: 3\r\nVary: Accept-Encoding\r\n"
    "Keep-Alive: timeout=5, max=100\r\nConnection: Keep-Alive\r\n"
    "Content-Type: text/html\r\n\r\nhi\n",
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
    "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\nContent-Type: text/html\r\n"
    "Content-Length: 3\r\nLast-Modified: x\r\nConnection: keep-alive\r\n"
    "ETag: \"x\"\r\nAccept-Ranges: bytes\r\n\r\nhi\n",
    "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.2\r\n"
    "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\nContent-type: text/html\r\n\r\n",
]

# Oddities: (request, response), either may be None.
ODD = [
    ("GET / HTTP/1.1\r\nHost: a|b]c\r\nX-Odd: p|q]r\r\nAccept: a|b\r\n"
     "User-Agent: curl/8|x]\r\n\r\n", SERVERS[0]),
    ("GET / HTTP/1.1\r\nhost: h\r\nuser-agent: Mozilla/5.0\r\n"
     "accept: */*\r\n\r\n", SERVERS[1]),
    ("GET / HTTP/1.1\r\nUser-Agent: curl/\x007\r\nHost: h\r\n"
     "Accept: \x00*/*\r\nAccept-Language: de\x00\r\n\r\n", None),
    ("GET / HTTP/1.1\nUser-Agent: Wget/1.0\nHost: h\nAccept: */*\n\n",
     "HTTP/1.1 200 OK\nServer: Apache\nDate: x\n\n"),
    ("POST / HTTP/1.1\r\nHost: h\r\nUser-Agent: curl/7\r\n\r\n",
     SERVERS[0]),
    ("GET / HTTP/1.1\r\n" + "".join("X-H%d: %d\r\n" % (i, i)
                                    for i in range(33)) + "\r\n", None),
    ("GET / HTTP/1.1\r\n" + "".join("X-H%d: %d\r\n" % (i, i)
                                    for i in range(32)) + "\r\n",
     SERVERS[2]),
    ("GET / HTTP/1.1\r\nUser-Agent:\r\nHost:  two blanks\r\n"
     "Accept:\t*/*\r\nAccept-Language:\r\n\r\n", SERVERS[1]),
    ("GET /" + "a" * 1100 + " HTTP/1.1\r\nHost: h\r\n\r\n", SERVERS[0]),
    ("GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: " + "u" * 300 + "\r\n\r\n",
     "HTTP/1.1 200 OK\r\nServer: " + "s" * 300 + "\r\n\r\n"),
    ("GET / HTTP/1.1\r\nHost: h\r\nX: " + "v" * 1030 + "\r\n\r\n", None),
    ("GET / HTTP/1.1\r\nA-Very-Long-Header-Name-Of-33-Bytes: 1\r\n\r\n",
     None),
    ("GET / HTTP/1.1\r\nA-Long-Header-Name-Of-32-Bytes-X: 1\r\n\r\n",
     SERVERS[0]),
    ("GET / HTTP/1.1\r\nUser-Agent: \xe9t\xe9\r\n\r\n", None),
    ("GET / HTTP/1.1\r\nHost h\r\n\r\n", None),
    ("GET / HTTP/1.1\r\nHost: h\r\n\r", "HTTP/1.1 404 Not Found\r\n\r\n"),
    ("GET / HTTP/1.1\r\nHost: h\r\n", None),
    ("GET / HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 2\r\n\r\n"),
    ("GET / HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/2.0 200 OK\r\n\r\n"),
    ("GET / HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 200 \x01K\r\n\r\n"),
    ("GET / HTTP/1.1\r\nHost: h\r\n\r\n",
     "HTTP/1.1 200 OK\r\nServer: Apache\r\nDate: x\r\n"),
    ("GET / HTTP/1.9\r\nUser-Agent: x\r\n\r\n", None),
    ("GET / HTTP/2.0\r\nUser-Agent: x\r\n\r\n", None),
    ("HEAD / HTTP/1.1\r\nUser-Agent: Wget/1\r\n\r\n", SERVERS[1]),
]


def parse_fp(path):
    """(section, label, line, sig) for every HTTP signature."""
    out = []
    sect = label = None
    with open(path, encoding="latin-1") as f:
        for no, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith(";"):
                continue
            if line.startswith("["):
                sect = line
                continue
            key, _, val = line.partition("=")
            key, val = key.strip(), val.strip()
            if key == "label":
                label = val
            elif key == "sig" and sect in ("[http:request]",
                                           "[http:response]"):
                out.append((sect, label, no, val))
    return out


def split_sig(sig):
    """ver, [(name, optional, value)], [absent], software."""
    ver, rest = sig[0], sig[2:]
    hdrs = []
    i = 0
    while rest[i] != ":":
        opt = rest[i] == "?"
        if opt:
            i += 1
        j = i
        while rest[j].isalnum() or rest[j] in "-_":
            j += 1
        name, val = rest[i:j], None
        i = j
        if rest[i] == "=":
            j = rest.index("]", i)
            val = rest[i + 2:j]
            i = j + 1
        hdrs.append((name, opt, val))
        if rest[i] == ",":
            i += 1
    rest = rest[i + 1:]
    absent, _, sw = rest.partition(":")
    return ver, hdrs, [x for x in absent.split(",") if x], sw


def make_msg(sig, resp, rng):
    """A request or response the signature describes."""
    ver, hdrs, absent, sw = split_sig(sig)
    if ver == "*":
        ver = rng.choice("01")
    lines = []
    swh = "Server" if resp else "User-Agent"
    for name, opt, val in hdrs:
        if opt and rng.random() < 0.5:
            continue
        if name == swh:
            v = "Mozilla/5.0 (X11; Linux x86_64) %s1.2" % sw if sw else \
                "Some/1.0"
            if sw and rng.random() < 0.1:
                v = "Honest/1.0"
        elif name == "Accept-Language":
            v = rng.choice(LANGS)
        else:
            v = DEFAULTS.get(name, "v%d" % rng.randint(0, 9))
        if val is not None and val not in v:
            v = rng.choice([val, v + val, val + v[:3]])
        lines.append("%s: %s" % (name, v))
    if resp:
        first = "HTTP/1.%s 200 OK" % ver
    else:
        first = "%s /%s HTTP/1.%s" % (rng.choice(["GET", "GET", "HEAD"]),
                                       rng.choice(["", "index.html", "a?b"]),
                                       ver)
    return "\r\n".join([first] + lines) + "\r\n\r\n"


class Conn:
    """One TCP connection's packets, from a Linux client and server."""

    def __init__(self, rng, ver, cli, srv, sport, dport):
        self.rng, self.ver = rng, ver
        self.cli, self.srv, self.sport, self.dport = cli, srv, sport, dport
        self.c = choose(SYN_SIG, ver, False, rng, 0)
        self.s = choose(SYNACK_SIG, ver, True, rng, self.c["mss"])
        self.cseq = rng.randint(1, 0xffffffff)
        self.sseq = rng.randint(1, 0xffffffff)
        self.out = []

    def _pkt(self, toserver, flags, payload=b"", opts=None, seq=None):
        v = dict(self.c if toserver else self.s)
        v["flags"] = flags
        v["payload"] = payload
        v["seq"] = (self.cseq if toserver else self.sseq) \
            if seq is None else seq
        v["ack"] = (self.sseq if toserver else self.cseq) \
            if flags & 0x10 else 0
        v["opts"] = opts if opts is not None else b""
        v["urg"] = 0
        v["tos"] = 0
        if v["ver"] == 4:
            v["ipid"] = self.rng.randint(1, 65535)
        if toserver:
            self.out.append(frame(v, self.cli, self.srv, self.sport,
                                  self.dport))
        else:
            self.out.append(frame(v, self.srv, self.cli, self.dport,
                                  self.sport))

    def handshake(self):
        self._pkt(True, 0x02, opts=self.c["opts"])
        self.cseq = (self.cseq + 1) & 0xffffffff
        self._pkt(False, 0x12, opts=self.s["opts"])
        self.sseq = (self.sseq + 1) & 0xffffffff
        self._pkt(True, 0x10)

    def send(self, toserver, data, split=0):
        data = data.encode("latin-1") if isinstance(data, str) else data
        parts = [data[:split], data[split:]] if split else [data]
        for d in parts:
            self._pkt(toserver, 0x18, d)
            if toserver:
                self.cseq = (self.cseq + len(d)) & 0xffffffff
            else:
                self.sseq = (self.sseq + len(d)) & 0xffffffff
            self._pkt(not toserver, 0x10)

    def close(self):
        self._pkt(True, 0x11)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-f", default="/etc/p0f/p0f.fp")
    ap.add_argument("-o", default="http.pcap")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--merge", action="append", default=[])
    args = ap.parse_args()
    rng = random.Random(args.seed)

    sigs = parse_fp(args.f)
    conns = []
    n = [0]

    def conn():
        n[0] += 1
        i = n[0]
        if i % 4 == 0:
            cli = "2001:db8:2::%x" % i
            srv = "2001:db8:3::%x" % (i % 200 + 1)
            ver = 6
        else:
            cli = "192.0.2.%d" % (i % 250 + 1)
            srv = "203.0.113.%d" % (i % 200 + 1)
            ver = 4
        c = Conn(rng, ver, cli, srv, 1024 + i, rng.choice([80, 8080]))
        conns.append(c)
        return c

    skipped = 0
    for sect, label, line, sig in sigs:
        resp = sect == "[http:response]"
        for _ in range(3):
            try:
                msg = make_msg(sig, resp, rng)
            except (ValueError, IndexError, Skip):
                skipped += 1
                break
            c = conn()
            c.handshake()
            if resp:
                c.send(True, rng.choice(CLIENTS))
                c.send(False, msg)
            else:
                c.send(True, msg)
                c.send(False, rng.choice(SERVERS))
            c.close()
    for req, res in ODD:
        c = conn()
        c.handshake()
        c.send(True, req, split=rng.choice([0, 0, 10]))
        if res is not None:
            c.send(False, res)
        c.close()
    # A response before its request: p0f reads neither.
    c = conn()
    c.handshake()
    c.send(False, SERVERS[0])
    c.send(True, CLIENTS[0])
    c.close()

    frames = []
    t = T0
    # Interleave connections a little, keeping each one's order.
    queues = [list(c.out) for c in conns]
    while queues:
        q = queues[rng.randrange(min(4, len(queues)))]
        fr = q.pop(0)
        fr.time = t
        t += 0.0005
        frames.append(fr)
        if not q:
            queues.remove(q)
    for path in args.merge:
        for p in rdpcap(path):
            p.time = t
            t += 0.0005
            frames.append(p)
    wrpcap(args.o, frames)
    sys.stderr.write("gen_http: %d signatures, %d connections, %d skipped\n"
                     % (len(sigs), len(conns), skipped))


if __name__ == "__main__":
    main()
