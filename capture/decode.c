/*
 * Copyright (c) 2026 The HoneySpy authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/* Packet decoder: one captured frame in, every header field we use out. */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pcap/dlt.h>

#include "capture/decode.h"

/*
 * Every length below comes from the wire.  The rule throughout: a header
 * is read only after "off + need <= len" holds, with off and need both
 * bounded by len first, so nothing can wrap.
 */

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_QINQ		0x88a8

#define ARPHRD_ETHER_		1	/* <net/if_arp.h> would pull in more */

#define LINKTYPE_RAW_		101	/* pcap files may carry it unmapped */

/* IPv6 extension headers that we walk over. */
#define IP6_HOPOPTS		0
#define IP6_ROUTING		43
#define IP6_FRAGMENT		44
#define IP6_ESP			50
#define IP6_AH			51
#define IP6_NONXT		59
#define IP6_DSTOPTS		60
#define IP6_MOBILITY		135
#define IP6_HIP			139
#define IP6_SHIM6		140
/* A chain longer than this is an attack on the decoder, not a packet. */
#define IP6_MAXEXT		16

static uint16_t	get16(const uint8_t *);
static uint32_t	get32(const uint8_t *);
static int	decode_link(struct pkt *, int, const uint8_t *, size_t,
		    size_t *, int *);
static int	decode_ether(struct pkt *, const uint8_t *, size_t, size_t *,
		    int *);
static int	ethertype_af(uint16_t);
static int	decode_ip4(struct pkt *, const uint8_t *, size_t);
static int	decode_ip6(struct pkt *, const uint8_t *, size_t);
static void	decode_transport(struct pkt *, const uint8_t *, size_t,
		    size_t);
static void	decode_tcp(struct pkt *, const uint8_t *, size_t, size_t);
static void	decode_tcpopt(struct pkt *);

static uint16_t
get16(const uint8_t *b)
{
	return ((uint16_t)((b[0] << 8) | b[1]));
}

static uint32_t
get32(const uint8_t *b)
{
	return (((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	    ((uint32_t)b[2] << 8) | (uint32_t)b[3]);
}

const char *
pkt_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return ("tcp");
	case IPPROTO_UDP:
		return ("udp");
	case IPPROTO_ICMP:
		return ("icmp");
	case IPPROTO_ICMPV6:
		return ("ipv6-icmp");
	case IPPROTO_SCTP:
		return ("sctp");
	case IPPROTO_GRE:
		return ("gre");
	default:
		return (NULL);
	}
}

int
pkt_decode(struct pkt *p, int dlt, const uint8_t *data, size_t caplen,
    size_t wirelen)
{
	size_t	 off = 0;
	int	 af = 0;

	memset(p, 0, sizeof(*p));
	p->p_dlt = dlt;
	p->p_caplen = caplen;
	p->p_wirelen = wirelen;
	if (data == NULL)
		caplen = 0;
	if (caplen < wirelen)
		p->p_flags |= PKT_F_TRUNC;

	if (decode_link(p, dlt, data, caplen, &off, &af) == -1)
		return (-1);
	p->p_linklen = off;
	if (off > caplen)	/* decode_link keeps this, but be sure */
		return (-1);
	data += off;
	caplen -= off;

	/* Raw links say nothing: the version nibble decides. */
	if (af == 0) {
		if (caplen < 1)
			return (-1);
		if ((data[0] >> 4) == 4)
			af = AF_INET;
		else if ((data[0] >> 4) == 6)
			af = AF_INET6;
		else {
			p->p_flags |= PKT_F_NOTIP;
			return (-1);
		}
	}
	if (af == AF_INET)
		return (decode_ip4(p, data, caplen));
	return (decode_ip6(p, data, caplen));
}

/*
 * Sets *off past the link header and *af to the network protocol it
 * announces (0: look at the IP version).  -1 for anything not IP.
 */
static int
decode_link(struct pkt *p, int dlt, const uint8_t *b, size_t len,
    size_t *off, int *af)
{
	uint32_t	 fam;
	uint16_t	 hatype, halen;

	*off = 0;
	*af = 0;
	switch (dlt) {
	case DLT_EN10MB:
		return (decode_ether(p, b, len, off, af));
	case DLT_LINUX_SLL:
		/* pkttype, hatype, halen, 8 address bytes, protocol */
		if (len < 16)
			return (-1);
		hatype = get16(b + 2);
		halen = get16(b + 4);
		/* The one address is the sender's, for both directions. */
		if (hatype == ARPHRD_ETHER_ && halen == PKT_ETHERLEN) {
			memcpy(p->p_ethsrc, b + 6, PKT_ETHERLEN);
			p->p_flags |= PKT_F_ETHER;
		}
		p->p_ethertype = get16(b + 14);
		*off = 16;
		break;
	case DLT_LINUX_SLL2:
		/* protocol, reserved, ifindex, hatype, pkttype, halen, addr */
		if (len < 20)
			return (-1);
		hatype = get16(b + 8);
		halen = b[11];
		if (hatype == ARPHRD_ETHER_ && halen == PKT_ETHERLEN) {
			memcpy(p->p_ethsrc, b + 12, PKT_ETHERLEN);
			p->p_flags |= PKT_F_ETHER;
		}
		p->p_ethertype = get16(b);
		*off = 20;
		break;
	case DLT_NULL:
	case DLT_LOOP:
		if (len < 4)
			return (-1);
		/*
		 * DLT_NULL is in the capturing host's byte order, which a
		 * file read elsewhere does not share; families are small, so
		 * the order that yields a small number is the right one.
		 */
		fam = get32(b);
		if (fam > 0xffff)
			fam = ((fam & 0xff) << 24) | ((fam & 0xff00) << 8) |
			    ((fam >> 8) & 0xff00) | (fam >> 24);
		*off = 4;
		switch (fam) {
		case 2:
			*af = AF_INET;
			return (0);
		case 10:		/* Linux */
		case 24:		/* OpenBSD, NetBSD */
		case 28:		/* FreeBSD */
		case 30:		/* macOS */
			*af = AF_INET6;
			return (0);
		default:
			p->p_flags |= PKT_F_NOTIP;
			return (-1);
		}
	case DLT_RAW:
	case LINKTYPE_RAW_:
#if DLT_RAW != 14
	case 14:		/* DLT_RAW in OpenBSD files */
#endif
		return (0);
	case DLT_IPV4:
		*af = AF_INET;
		return (0);
	case DLT_IPV6:
		*af = AF_INET6;
		return (0);
	default:
		return (-1);
	}
	if ((*af = ethertype_af(p->p_ethertype)) == 0) {
		p->p_flags |= PKT_F_NOTIP;
		return (-1);
	}
	return (0);
}

static int
decode_ether(struct pkt *p, const uint8_t *b, size_t len, size_t *off,
    int *af)
{
	uint16_t	 type;

	if (len < 14)
		return (-1);
	memcpy(p->p_ethdst, b, PKT_ETHERLEN);
	memcpy(p->p_ethsrc, b + 6, PKT_ETHERLEN);
	p->p_flags |= PKT_F_ETHER;
	type = get16(b + 12);
	*off = 14;
	/* One tag only: a stack of them is not what our sensors see. */
	if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) {
		if (len < 18)
			return (-1);
		p->p_vlan = get16(b + 14) & 0x0fff;
		p->p_flags |= PKT_F_VLAN;
		type = get16(b + 16);
		*off = 18;
	}
	p->p_ethertype = type;
	if ((*af = ethertype_af(type)) == 0) {
		p->p_flags |= PKT_F_NOTIP;
		return (-1);
	}
	return (0);
}

static int
ethertype_af(uint16_t type)
{
	if (type == ETHERTYPE_IPV4)
		return (AF_INET);
	if (type == ETHERTYPE_IPV6)
		return (AF_INET6);
	return (0);
}

static int
decode_ip4(struct pkt *p, const uint8_t *b, size_t len)
{
	size_t		 hlen, end;
	uint16_t	 frag;

	if (len < 20 || (b[0] >> 4) != 4) {
		p->p_flags |= PKT_F_NOTIP;
		return (-1);
	}
	p->p_flags |= PKT_F_IP;
	p->p_af = AF_INET;
	p->p_ipver = 4;
	hlen = (size_t)(b[0] & 0x0f) * 4;
	p->p_tos = b[1];
	p->p_iplen = get16(b + 2);
	p->p_ipid = get16(b + 4);
	frag = get16(b + 6);
	if (frag & 0x8000)
		p->p_ipflags |= PKT_IP_RES;
	if (frag & 0x4000)
		p->p_ipflags |= PKT_IP_DF;
	if (frag & 0x2000)
		p->p_ipflags |= PKT_IP_MF;
	p->p_fragoff = (uint16_t)((frag & 0x1fff) * 8);
	p->p_ttl = b[8];
	p->p_proto = b[9];
	memcpy(p->p_src, b + 12, 4);
	memcpy(p->p_dst, b + 16, 4);

	if (hlen < 20) {
		p->p_flags |= PKT_F_BAD;
		return (0);
	}
	p->p_iphlen = (uint16_t)hlen;
	p->p_ipoptlen = (uint16_t)(hlen - 20);
	if (hlen > len) {
		p->p_flags |= PKT_F_TRUNC;
		return (0);
	}

	/*
	 * The claimed length bounds the packet; Ethernet padding past it
	 * is not payload.  0 is what offloaded outgoing segments show.
	 */
	end = len;
	if (p->p_iplen != 0) {
		if (p->p_iplen < hlen) {
			p->p_flags |= PKT_F_BAD;
			return (0);
		}
		if (p->p_iplen < len)
			end = p->p_iplen;
		else if (p->p_iplen > len)
			p->p_flags |= PKT_F_TRUNC;
	}
	if (p->p_fragoff != 0) {
		/* Transport headers live in the first fragment only. */
		p->p_flags |= PKT_F_FRAG;
		p->p_payload = b + hlen;
		p->p_paylen = end - hlen;
		p->p_wirepaylen = p->p_iplen > hlen ?
		    p->p_iplen - hlen : p->p_paylen;
		return (0);
	}
	decode_transport(p, b + hlen, end - hlen,
	    p->p_iplen != 0 ? p->p_iplen - hlen : end - hlen);
	return (0);
}

static int
decode_ip6(struct pkt *p, const uint8_t *b, size_t len)
{
	size_t		 off, end, wireend, elen;
	uint8_t		 nxt;
	uint16_t	 plen;
	int		 n;

	if (len < 40 || (b[0] >> 4) != 6) {
		p->p_flags |= PKT_F_NOTIP;
		return (-1);
	}
	p->p_flags |= PKT_F_IP;
	p->p_af = AF_INET6;
	p->p_ipver = 6;
	p->p_tos = (uint8_t)(((b[0] & 0x0f) << 4) | (b[1] >> 4));
	p->p_flow = get32(b) & 0x000fffff;
	plen = get16(b + 4);
	nxt = b[6];
	p->p_ttl = b[7];
	memcpy(p->p_src, b + 8, 16);
	memcpy(p->p_dst, b + 24, 16);
	p->p_iplen = (uint16_t)(plen > 0xffff - 40 ? 0xffff : plen + 40);

	/* A zero payload length is a jumbogram or offload: trust caplen. */
	end = len;
	wireend = len;
	if (plen != 0) {
		wireend = (size_t)plen + 40;
		if (wireend < len)
			end = wireend;
		else if (wireend > len)
			p->p_flags |= PKT_F_TRUNC;
	}

	off = 40;
	for (n = 0; ; n++) {
		if (n >= IP6_MAXEXT) {
			p->p_flags |= PKT_F_BAD;
			break;
		}
		switch (nxt) {
		case IP6_HOPOPTS:
		case IP6_ROUTING:
		case IP6_DSTOPTS:
		case IP6_MOBILITY:
		case IP6_HIP:
		case IP6_SHIM6:
			if (end - off < 8)
				goto trunc;
			elen = ((size_t)b[off + 1] + 1) * 8;
			break;
		case IP6_AH:
			if (end - off < 8)
				goto trunc;
			elen = ((size_t)b[off + 1] + 2) * 4;
			break;
		case IP6_FRAGMENT:
			if (end - off < 8)
				goto trunc;
			elen = 8;
			p->p_fragoff = get16(b + off + 2) & 0xfff8;
			if (get16(b + off + 2) & 0x0001)
				p->p_ipflags |= PKT_IP_MF;
			p->p_ipid = get16(b + off + 6);
			break;
		default:
			goto done;
		}
		if (elen > end - off)
			goto trunc;
		nxt = b[off];
		off += elen;
		if (p->p_fragoff != 0)
			break;
	}
 done:
	p->p_proto = nxt;
	p->p_iphlen = (uint16_t)off;
	p->p_ipoptlen = (uint16_t)(off - 40);
	if (p->p_flags & PKT_F_BAD)
		return (0);
	if (p->p_fragoff != 0) {
		p->p_flags |= PKT_F_FRAG;
		p->p_payload = b + off;
		p->p_paylen = end - off;
		p->p_wirepaylen = wireend > off ? wireend - off : 0;
		return (0);
	}
	if (nxt == IP6_NONXT || nxt == IP6_ESP) {
		p->p_payload = b + off;
		p->p_paylen = end - off;
		p->p_wirepaylen = wireend > off ? wireend - off : 0;
		return (0);
	}
	decode_transport(p, b + off, end - off,
	    wireend > off ? wireend - off : 0);
	return (0);

 trunc:
	/* The chain ran off the capture: we never learn the protocol. */
	p->p_flags |= PKT_F_TRUNC;
	p->p_proto = nxt;
	p->p_iphlen = (uint16_t)off;
	p->p_ipoptlen = (uint16_t)(off - 40);
	return (0);
}

/* len: captured bytes of the IP payload; wlen: what the IP header says. */
static void
decode_transport(struct pkt *p, const uint8_t *b, size_t len, size_t wlen)
{
	size_t	 hlen;

	switch (p->p_proto) {
	case IPPROTO_TCP:
		decode_tcp(p, b, len, wlen);
		return;
	case IPPROTO_UDP:
		if (len < 8) {
			p->p_flags |= PKT_F_TRUNC;
			return;
		}
		p->p_flags |= PKT_F_UDP;
		p->p_sport = get16(b);
		p->p_dport = get16(b + 2);
		hlen = 8;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (len < 4) {
			p->p_flags |= PKT_F_TRUNC;
			return;
		}
		p->p_flags |= PKT_F_ICMP;
		p->p_icmptype = b[0];
		p->p_icmpcode = b[1];
		/* Type, code, checksum and the 4-byte rest-of-header. */
		hlen = len < 8 ? len : 8;
		break;
	default:
		hlen = 0;
		break;
	}
	p->p_payload = b + hlen;
	p->p_paylen = len - hlen;
	p->p_wirepaylen = wlen > hlen ? wlen - hlen : 0;
}

static void
decode_tcp(struct pkt *p, const uint8_t *b, size_t len, size_t wlen)
{
	size_t	 hlen, optlen;

	if (len < 20) {
		p->p_flags |= PKT_F_TRUNC;
		return;
	}
	p->p_flags |= PKT_F_TCP;
	p->p_sport = get16(b);
	p->p_dport = get16(b + 2);
	p->p_seq = get32(b + 4);
	p->p_ack = get32(b + 8);
	hlen = (size_t)(b[12] >> 4) * 4;
	p->p_tcpres = (b[12] >> 1) & 0x07;
	p->p_tcpflags = b[13];
	if (b[12] & 0x01)
		p->p_tcpflags |= PKT_TH_NS;
	p->p_win = get16(b + 14);
	p->p_urp = get16(b + 18);
	p->p_thlen = (uint8_t)hlen;
	if (hlen < 20) {
		p->p_flags |= PKT_F_BAD;
		return;
	}
	if (hlen > len) {
		/* Keep the options we have: they still say a lot. */
		p->p_flags |= PKT_F_TRUNC;
		optlen = len - 20;
		hlen = len;
	} else
		optlen = hlen - 20;
	memcpy(p->p_tcpopt, b + 20, optlen);
	p->p_tcpoptlen = (uint8_t)optlen;
	decode_tcpopt(p);
	p->p_payload = b + hlen;
	p->p_paylen = len - hlen;
	p->p_wirepaylen = wlen > hlen ? wlen - hlen : 0;
}

/* The common options, each only when its length is the standard one. */
static void
decode_tcpopt(struct pkt *p)
{
	const uint8_t	*o = p->p_tcpopt;
	size_t		 i = 0, n = p->p_tcpoptlen, olen;

	while (i < n) {
		switch (o[i]) {
		case 0:		/* EOL: the rest should be zero padding */
			p->p_tcpoptflags |= PKT_TO_EOL;
			for (i++; i < n; i++)
				if (o[i] != 0)
					p->p_flags |= PKT_F_TCPOPT_TRAIL;
			return;
		case 1:		/* NOP */
			i++;
			continue;
		}
		if (n - i < 2) {
			p->p_flags |= PKT_F_TCPOPT_BAD;
			return;
		}
		olen = o[i + 1];
		if (olen < 2 || olen > n - i) {
			p->p_flags |= PKT_F_TCPOPT_BAD;
			return;
		}
		switch (o[i]) {
		case 2:
			if (olen == 4) {
				p->p_mss = get16(o + i + 2);
				p->p_tcpoptflags |= PKT_TO_MSS;
			}
			break;
		case 3:
			if (olen == 3) {
				p->p_wscale = o[i + 2];
				p->p_tcpoptflags |= PKT_TO_WS;
			}
			break;
		case 4:
			if (olen == 2)
				p->p_tcpoptflags |= PKT_TO_SACKOK;
			break;
		case 5:
			p->p_tcpoptflags |= PKT_TO_SACK;
			break;
		case 8:
			if (olen == 10) {
				p->p_ts1 = get32(o + i + 2);
				p->p_ts2 = get32(o + i + 6);
				p->p_tcpoptflags |= PKT_TO_TS;
			}
			break;
		}
		i += olen;
	}
}
