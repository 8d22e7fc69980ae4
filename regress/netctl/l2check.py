#!/usr/bin/python3
# What an observer on the segment sees of the virtual hosts.
#
#   l2check.py frames PCAP SENSOR_MAC ALIAS=MAC...
#       every frame that carries an alias's address as IP or ARP sender
#       carries that alias's MAC, in the Ethernet header and in the ARP
#       sender field; none pairs the sensor's own MAC with an alias's
#       address; prints how many frames each alias sent.
#   l2check.py badarp IFACE ALIAS ALIAS_MAC
#       malformed ARP for the alias earns no reply at all; then a
#       well-formed request earns exactly one, from the alias's MAC.
import sys

import threading
import time

from scapy.all import (ARP, Ether, IP, IPv6, AsyncSniffer, rdpcap, sendp,
                       srp, get_if_hwaddr)


def frames(pcap, sensor_mac, pairs):
    want = dict(p.split("=", 1) for p in pairs)
    want = {a: m.lower() for a, m in want.items()}
    sensor_mac = sensor_mac.lower()
    seen = {a: 0 for a in want}
    bad = 0
    for f in rdpcap(pcap):
        if Ether not in f:
            continue
        src = f[Ether].src.lower()
        ips = []
        if IP in f:
            ips.append(f[IP].src)
        if IPv6 in f:
            ips.append(f[IPv6].src)
        if ARP in f:
            ips.append(f[ARP].psrc)
        for ip in ips:
            if ip not in want:
                continue
            seen[ip] += 1
            macs = {src}
            if ARP in f:
                macs.add(f[ARP].hwsrc.lower())
            if macs != {want[ip]} or sensor_mac in macs:
                print("frame from %s with MAC %s: %s" %
                      (ip, ",".join(sorted(macs)), f.summary()))
                bad += 1
    for a, n in seen.items():
        print("%s %d" % (a, n))
    return 1 if bad else 0


def badarp(iface, alias, alias_mac):
    me = get_if_hwaddr(iface)
    bcast = "ff:ff:ff:ff:ff:ff"
    bad = [
        # a hardware address of 8 bytes on Ethernet
        Ether(src=me, dst=bcast) / ARP(hwlen=8, hwsrc=me + ":00:00",
                                       hwdst="00" * 8, pdst=alias, op=1),
        # a protocol length that is not IPv4's
        Ether(src=me, dst=bcast) / ARP(plen=6, pdst=alias, op=1),
        # an unknown opcode
        Ether(src=me, dst=bcast) / ARP(op=9, hwsrc=me, pdst=alias),
        # a request from a multicast hardware address
        Ether(src=me, dst=bcast) / ARP(op=1, hwsrc="01:00:5e:00:00:01",
                                       psrc="198.51.100.99", pdst=alias),
        # a request from the loopback network
        Ether(src=me, dst=bcast) / ARP(op=1, hwsrc=me, psrc="127.0.0.1",
                                       pdst=alias),
    ]
    ready = threading.Event()
    sn = AsyncSniffer(iface=iface, filter="arp", started_callback=ready.set,
                      lfilter=lambda p: ARP in p and p[ARP].op == 2)
    sn.start()
    ready.wait(5)
    sendp(bad, iface=iface, verbose=False)
    # the kernel answers at once or never; a second is plenty
    time.sleep(1)
    got = sn.stop()
    if len(got) != 0:
        for p in got:
            print("reply to malformed ARP: %s" % p.summary())
        return 1
    ans, _ = srp(Ether(src=me, dst=bcast) /
                 ARP(op=1, hwsrc=me, psrc="198.51.100.20", pdst=alias),
                 iface=iface, timeout=1, multi=True, verbose=False)
    replies = [r for _, r in ans if r[ARP].psrc == alias]
    if len(replies) != 1 or replies[0][ARP].hwsrc.lower() != \
            alias_mac.lower() or replies[0][Ether].src.lower() != \
            alias_mac.lower():
        print("well-formed request: %d replies: %s" %
              (len(replies), [p.summary() for p in replies]))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "frames":
        sys.exit(frames(sys.argv[2], sys.argv[3], sys.argv[4:]))
    if sys.argv[1] == "badarp":
        sys.exit(badarp(sys.argv[2], sys.argv[3], sys.argv[4]))
    sys.exit(2)
