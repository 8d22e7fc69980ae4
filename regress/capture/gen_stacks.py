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
"""Synthesise SYNs and SYN+ACKs from many TCP stacks, for p0f comparisons.

For every signature in the [tcp:request] and [tcp:response] sections of a
p0f.fp, build a packet that the signature describes: a TTL a few hops below
its initial TTL, an MSS, window and scale that fit its notation, the option
layout byte for byte, and header fields that give exactly its quirks.  A
signature for both IP versions gives one IPv4 and one IPv6 host.  Each
SYN+ACK follows a SYN from a fixed client, because p0f only looks at a
SYN+ACK whose SYN it saw.  Some hosts send a second SYN seconds later with
the timestamp clock advanced, so that uptime can be computed.

Hosts are in 198.51.100.40-254 and 2001:db8:1::/48; .10, .20, .30 and
2001:db8::10/20/30 are left to the namespace lab, whose captures --merge
adds.  With --count N the set is repeated (fresh client ports, and fresh
IPv6 host addresses) until N flows have been written: a bench input.

Usage: gen_stacks.py [-f p0f.fp] [-o out.pcap] [-n COUNT] [--seed S]
                     [--expect FILE] [--merge lab.pcap ...]
"""

import argparse
import ipaddress
import random
import struct
import sys

from scapy.all import IP, IPv6, Ether, Raw, IPOption  # noqa: E402
from scapy.utils import RawPcapWriter, rdpcap, wrpcap  # noqa: E402

SERVER4 = "198.51.100.40"       # target of every request-section SYN
CLIENT4 = "198.51.100.41"       # client of every response-section flow
SERVER6 = "2001:db8:1::40"
CLIENT6 = "2001:db8:1::41"
FIRST4 = 42                     # synthetic hosts: 198.51.100.42 .. .254
PORTS = [21, 22, 23, 25, 80, 110, 143, 443, 445, 993, 3389, 8080]
MAC_C = "02:00:5e:00:53:01"
MAC_S = "02:00:5e:00:53:02"
T0 = 1700000000.0

# The fixed client's SYN: Linux 3.11 and newer, so that p0f keeps the flow.
CLIENT_SIG = "*:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0"


class Skip(Exception):
    """A signature no packet can match exactly, as p0f reads packets."""


def parse_fp(path):
    """(section, label, line, sig) for every TCP signature, in file order."""
    out = []
    sect = label = None
    with open(path, encoding="ascii", errors="replace") as f:
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
            elif key == "sig" and sect in ("[tcp:request]",
                                           "[tcp:response]"):
                out.append((sect, label, no, val))
    return out


def label_os(label):
    """p0f's os= text for a label: name, then flavor if any."""
    parts = label.split(":", 3)
    name, flavor = parts[2], parts[3] if len(parts) > 3 else ""
    return name + (" " + flavor if flavor else "")


def win_multi(win, mss, ts1, ver, tothdr, syn_mss):
    """p0f 3.09b's detection of windows that are MSS or MTU multiples."""
    if not win or mss < 100:
        return (-1, 0)
    divs = [(mss, 0)]
    if ts1:
        divs.append((mss - 12, 0))
    divs += [(1460, 0), (1448, 0)]
    if ver == 6:
        divs += [(1440, 0), (1428, 0)]
    divs += [(mss + 40, 1), (mss + tothdr, 1)]
    if ver == 6:
        divs.append((mss + 60, 1))
    divs.append((1500, 1))
    if syn_mss:
        divs += [(syn_mss, 0), (syn_mss - 12, 0)]
    for d, m in divs:
        if d > 0 and win % d == 0:
            return (win // d, m)
    return (-1, 0)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def tcp_checksum(ver, src, dst, seg):
    if ver == 4:
        ph = (ipaddress.IPv4Address(src).packed +
              ipaddress.IPv4Address(dst).packed +
              struct.pack("!BBH", 0, 6, len(seg)))
    else:
        ph = (ipaddress.IPv6Address(src).packed +
              ipaddress.IPv6Address(dst).packed +
              struct.pack("!I3xB", len(seg), 6))
    return csum(ph + seg)


def build_opts(layout, eolpad, mss, scale, ts1, ts2, quirks, rng):
    """Option bytes for a layout; the 'bad' and 'opt+' quirks on purpose."""
    bad = "bad" in quirks
    out = bytearray()
    unknown_at = None
    for item in layout:
        if item.startswith("eol"):
            pad = bytearray(eolpad)
            if "opt+" in quirks:
                # p0f misses a non-zero byte in the last position.
                if eolpad < 2:
                    raise Skip("opt+ needs eol+2 or more")
                pad[0] = rng.randint(1, 255)
            out += b"\0" + pad
            continue
        if item == "nop":
            out += b"\x01"
        elif item == "mss":
            out += struct.pack("!BBH", 2, 5 if bad else 4, mss)
            bad = False
        elif item == "ws":
            out += struct.pack("!BBB", 3, 4 if bad else 3, scale)
            bad = False
        elif item == "sok":
            out += struct.pack("!BB", 4, 3 if bad else 2)
            bad = False
        elif item == "sack":
            out += struct.pack("!BBII", 5, 10, rng.getrandbits(32),
                               rng.getrandbits(32))
        elif item == "ts":
            out += struct.pack("!BBII", 8, 11 if bad else 10, ts1, ts2)
            bad = False
        elif item.startswith("?"):
            kind = int(item[1:])
            if kind in (0, 1, 2, 3, 4, 5, 8):
                raise Skip("?%d names a known option" % kind)
            if unknown_at is None:
                unknown_at = len(out)
            out += struct.pack("!BB", kind, 2)
        else:
            raise Skip("option %s" % item)
    if bad:
        raise Skip("'bad' without an option to break")
    if "eol" not in "".join(layout) and len(out) % 4:
        if unknown_at is None:
            raise Skip("layout is not a multiple of 4 bytes")
        grow = 4 - len(out) % 4
        out[unknown_at + 1] += grow
        out[unknown_at + 2:unknown_at + 2] = bytes(grow)
    if len(out) % 4 or len(out) > 40:
        raise Skip("options take %d bytes" % len(out))
    return bytes(out)


def choose(sig, ver, resp, rng, syn_mss):
    """Concrete header values for one signature and IP version."""
    f = sig.split(":")
    if len(f) != 8:
        raise Skip("malformed")
    sver, ittl, olen, smss, wsz, layout, quirks, pclass = f
    win_s, scale_s = wsz.split(",")
    layout = [x for x in layout.split(",") if x]
    quirks = set(x for x in quirks.split(",") if x)
    olen = int(olen)
    if ver == 6 and olen:
        raise Skip("IPv6 with IP options")
    if ver == 4 and "flow" in quirks and sver == "4":
        raise Skip("flow on IPv4")
    if ver == 6:
        quirks -= {"df", "id+", "id-", "0+"}
    else:
        quirks -= {"flow"}
    if resp and ("ack+" in quirks or "ts2+" in quirks):
        raise Skip("quirk impossible on a SYN+ACK")
    if not resp and "ack-" in quirks:
        raise Skip("ack- on a SYN")

    badttl = ittl.endswith("-")
    ittl = ittl.rstrip("-")
    if "+" in ittl:
        a, b = ittl.split("+")
        ittl = int(a) + int(b)
    ittl = int(ittl)
    ttl = ittl - rng.randint(0, min(20, ittl - 1))
    if badttl:
        ttl = ittl - rng.randint(0, ittl // 2)

    eolpad = 0
    for x in layout:
        if x.startswith("eol+"):
            eolpad = int(x[4:])
    has = set(x if not x.startswith("eol") else "eol" for x in layout)
    if "mss" in has:
        if smss == "*":
            cands = [1460, 1452, 1440, 1400, 1380, 1360, 1420, 1300]
            if ver == 6:
                cands = [1440, 1420, 1380, 1400, 1280, 1432]
            rng.shuffle(cands)
        else:
            cands = [int(smss)]
    else:
        if smss not in ("*", "0"):
            raise Skip("MSS without an mss option")
        cands = [0]
    if "ws" in has:
        if scale_s == "*":
            scale = rng.randint(15, 16) if "exws" in quirks else \
                rng.randint(0, 14)
        else:
            scale = int(scale_s)
    else:
        if scale_s not in ("*", "0"):
            raise Skip("scale without a ws option")
        scale = 0
    if ("exws" in quirks) != (scale > 14):
        raise Skip("exws and scale disagree")
    if ("ts1-" in quirks or "ts2+" in quirks) and "ts" not in has:
        raise Skip("timestamp quirk without ts")
    ts1 = 0 if "ts1-" in quirks else rng.randint(1, 0x7fffffff)
    if resp:
        ts2 = rng.randint(1, 0x7fffffff)
    else:
        ts2 = rng.randint(1, 0x7fffffff) if "ts2+" in quirks else 0
    ip_hdr = 20 + olen if ver == 4 else 40

    # The window: the notation decides, and p0f's own search must agree.
    for mss in cands:
        opts = build_opts(layout, eolpad, mss, scale, ts1, ts2, quirks, rng)
        tothdr = ip_hdr + 20 + len(opts)
        tsv = ts1 if "ts" in has else 0
        if win_s == "*":
            win = rng.randint(1, 65535)
        elif win_s.startswith("%"):
            n = int(win_s[1:])
            win = n * rng.randint(1, max(1, 65535 // n))
        elif win_s[:4] in ("mss*", "mtu*"):
            n = int(win_s[4:])
            want = (n, 1 if win_s[1] == "t" else 0)
            bases = [mss] if want[1] == 0 else \
                [mss + 40, mss + tothdr, mss + 60, 1500]
            win = None
            for b in bases:
                if 0 < b * n <= 65535 and win_multi(
                        b * n, mss, tsv, ver, tothdr,
                        syn_mss if resp else 0) == want:
                    win = b * n
                    break
            if win is None:
                continue
        else:
            win = int(win_s)
        break
    else:
        raise Skip("no MSS gives window %s" % win_s)

    flags = 0x12 if resp else 0x02
    if "urgf+" in quirks:
        flags |= 0x20
    if "pushf+" in quirks:
        flags |= 0x08
    tos = 0
    if "ecn" in quirks:
        pick = rng.randint(0, 2)
        if pick == 0:
            tos |= 0x02
        elif resp:
            flags |= 0x40
        else:
            flags |= 0xc0
    elif rng.random() < 0.1:
        tos = 0x20                      # DSCP 8: p0f's params "tos:0x08"
    urg = rng.randint(1, 65535) if "uptr+" in quirks else \
        (rng.randint(0, 65535) if "urgf+" in quirks else 0)
    seq = 0 if "seq-" in quirks else rng.randint(1, 0xffffffff)
    if resp:
        ack = None if "ack-" not in quirks else 0
    else:
        # p0f 3.09b on little-endian hosts sees "ack+" through bit 24 only.
        ack = (rng.getrandbits(32) | 0x01000000) if "ack+" in quirks else 0
    df = "df" in quirks
    if ver == 4:
        if "id+" in quirks:
            ipid = rng.randint(1, 65535)
        elif "id-" in quirks:
            ipid = 0
        else:
            ipid = 0 if df else rng.randint(1, 65535)
        if "id+" in quirks and not df:
            raise Skip("id+ without df")
        if "id-" in quirks and df:
            raise Skip("id- with df")
    else:
        ipid = 0
    flow = rng.randint(1, 0xfffff) if "flow" in quirks else 0
    if pclass == "+" or (pclass == "*" and rng.random() < 0.5):
        payload = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 48)))
    else:
        payload = b""
    return dict(ver=ver, ttl=ttl, tos=tos, olen=olen, df=df, ipid=ipid,
                evil="0+" in quirks, flow=flow, flags=flags, seq=seq, ack=ack,
                win=win, urg=urg, opts=opts, payload=payload,
                res=0, mss=mss, ts1=ts1, has_ts="ts" in has)


def frame(v, src, dst, sport, dport):
    """Ethernet frame for chosen values v, scapy below the TCP header."""
    ver = v["ver"]
    doff = (20 + len(v["opts"])) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, v["seq"], v["ack"],
                      (doff << 4) | v["res"], v["flags"], v["win"], 0,
                      v["urg"]) + v["opts"] + v["payload"]
    c = tcp_checksum(ver, src, dst, seg)
    seg = seg[:16] + struct.pack("!H", c) + seg[18:]
    if ver == 4:
        fl = (2 if v["df"] else 0) | (4 if v["evil"] else 0)
        kw = {}
        if v["olen"]:
            kw["options"] = [IPOption(b"\x01" * (v["olen"] - 1) + b"\0")]
        ip = IP(src=src, dst=dst, ttl=v["ttl"], tos=v["tos"], id=v["ipid"],
                flags=fl, proto=6, **kw)
        mac = (MAC_C, MAC_S)
        return Ether(src=mac[0], dst=mac[1], type=0x0800) / ip / Raw(seg)
    ip = IPv6(src=src, dst=dst, hlim=v["ttl"], tc=v["tos"], fl=v["flow"],
              nh=6)
    return Ether(src=MAC_C, dst=MAC_S, type=0x86dd) / ip / Raw(seg)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-f", default="/etc/p0f/p0f.fp")
    ap.add_argument("-o", default="stacks.pcap")
    ap.add_argument("-n", "--count", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--expect")
    ap.add_argument("--merge", action="append", default=[])
    args = ap.parse_args()
    rng = random.Random(args.seed)

    sigs = parse_fp(args.f)
    frames = []         # (frame, flow id) in order
    expect = []
    skipped = {}
    next4 = FIRST4
    next6 = 0x100
    t = T0
    client_tpl = choose(CLIENT_SIG, 4, False, rng, 0)
    client_tpl6 = choose(CLIENT_SIG, 6, False, rng, 0)
    flow_id = 0

    for sect, label, line, sig in sigs:
        resp = sect == "[tcp:response]"
        sver = sig.split(":", 1)[0]
        for ver in ((4, 6) if sver == "*" else (int(sver),)):
            try:
                v = choose(sig, ver, resp, rng, client_tpl["mss"])
            except Skip as e:
                skipped[(line, ver)] = str(e)
                continue
            if ver == 4:
                if next4 > 254:
                    skipped[(line, ver)] = "out of IPv4 addresses"
                    continue
                host = "198.51.100.%d" % next4
                next4 += 1
                server, client = SERVER4, CLIENT4
            else:
                host = str(ipaddress.IPv6Address("2001:db8:1::") + next6)
                next6 += 1
                server, client = SERVER6, CLIENT6
            sport = rng.randint(1024, 65535)
            dport = rng.choice(PORTS)
            flow_id += 1
            if not resp:
                frames.append((frame(v, host, server, sport, dport), t,
                               flow_id))
                t += 0.001
                expect.append(("cli", host, label_os(label), line))
                # A second SYN later, the clock advanced: uptime.
                if v["has_ts"] and v["ts1"] and rng.random() < 0.25:
                    hz = rng.choice([100, 250, 1000])
                    dt = rng.randint(1, 5)
                    v2 = dict(v)
                    v2["ts1"] = (v["ts1"] + hz * dt) & 0xffffffff
                    v2["opts"] = v["opts"].replace(
                        struct.pack("!I", v["ts1"]),
                        struct.pack("!I", v2["ts1"]), 1)
                    v2["seq"] = rng.randint(1, 0xffffffff)
                    flow_id += 1
                    frames.append((frame(v2, host, server, sport + 1
                                         if sport < 65535 else 1024,
                                         dport), t + dt, flow_id))
                continue
            c = dict(client_tpl if ver == 4 else client_tpl6)
            c["seq"] = rng.randint(1, 0xffffffff)
            frames.append((frame(c, client, host, sport, dport), t, flow_id))
            t += 0.0005
            if v["ack"] is None:
                v["ack"] = (c["seq"] + 1) & 0xffffffff
            fr = frame(v, host, client, dport, sport)
            fr[Ether].src, fr[Ether].dst = MAC_S, MAC_C
            frames.append((fr, t, flow_id))
            t += 0.001
            expect.append(("srv", host, label_os(label), line))

    # Lab captures keep their own spacing: uptime needs the real gaps.
    for path in args.merge:
        pkts = rdpcap(path)
        if len(pkts) == 0:
            continue
        base = float(pkts[0].time)
        for p in pkts:
            frames.append((p, t + float(p.time) - base, -1))
        t += float(pkts[-1].time) - base + 0.001

    frames.sort(key=lambda x: x[1])
    if args.count <= 0:
        pkts = []
        for fr, ts, _ in frames:
            fr.time = ts
            pkts.append(fr)
        wrpcap(args.o, pkts)
    else:
        bulk(args.o, frames, args.count)
    if args.expect:
        with open(args.expect, "w") as f:
            for e in expect:
                f.write("%s\t%s\t%s\t%d\n" % e)
    sys.stderr.write("gen_stacks: %d signatures, %d hosts, %d skipped\n" %
                     (len(sigs), len(expect), len(skipped)))
    for (line, ver), why in sorted(skipped.items()):
        sys.stderr.write("gen_stacks: skipped line %d IPv%d: %s\n" %
                         (line, ver, why))


def bulk(path, frames, count):
    """Repeat the flows until count flows are out: new client ports, and
    new IPv6 host addresses, checksums redone; scapy writes the file."""
    raw = [(bytes(fr), fid) for fr, _, fid in frames if fid > 0]
    byflow = {}
    for b, fid in raw:
        byflow.setdefault(fid, []).append(b)
    flows = list(byflow.values())
    w = RawPcapWriter(path, linktype=1, sync=False)
    w.write_header(None)    # write_packet() alone would leave it out
    t = T0
    n = 0
    while n < count:
        for pkts in flows:
            if n >= count:
                break
            rnd = n // len(flows)
            port = 1024 + (n % 64000)
            for b in pkts:
                b = bytearray(b)
                et = struct.unpack("!H", b[12:14])[0]
                if et == 0x0800:
                    ihl = (b[14] & 0x0f) * 4
                    tcp = 14 + ihl
                    src, dst = b[26:30], b[30:34]
                    ver = 4
                else:
                    tcp = 54
                    ver = 6
                    # Hosts live in 2001:db8:1::/48: vary bytes 6-7.
                    for a in (22, 38):
                        if b[a:a + 6] == bytes.fromhex("20010db80001"):
                            b[a + 6:a + 8] = struct.pack("!H", rnd & 0xffff)
                    src, dst = b[22:38], b[38:54]
                sp, dp = struct.unpack("!HH", b[tcp:tcp + 4])
                if (b[tcp + 13] & 0x12) == 0x12:
                    dp = port
                else:
                    sp = port
                b[tcp:tcp + 4] = struct.pack("!HH", sp, dp)
                b[tcp + 16:tcp + 18] = b"\0\0"
                seg = bytes(b[tcp:])
                if ver == 4:
                    ph = bytes(src) + bytes(dst) + struct.pack(
                        "!BBH", 0, 6, len(seg))
                else:
                    ph = bytes(src) + bytes(dst) + struct.pack(
                        "!I3xB", len(seg), 6)
                b[tcp + 16:tcp + 18] = struct.pack("!H", csum(ph + seg))
                sec = int(t)
                w.write_packet(bytes(b), sec=sec,
                               usec=int((t - sec) * 1e6))
                t += 0.0002
            n += 1
    w.close()


if __name__ == "__main__":
    main()
