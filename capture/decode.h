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

#ifndef HS_DECODE_H
#define HS_DECODE_H

#include <stddef.h>
#include <stdint.h>

#define PKT_ADDRLEN		16	/* IPv4 uses the first 4 bytes */
#define PKT_ETHERLEN		6
#define PKT_TCPOPT_MAX		40	/* 60-byte header less the fixed 20 */

/* p_flags: what was found, and what was wrong with it. */
#define PKT_F_ETHER		0x00000001	/* p_ethsrc/p_ethdst are set */
#define PKT_F_VLAN		0x00000002	/* one 802.1Q tag, p_vlan */
#define PKT_F_IP		0x00000004	/* an IPv4 or IPv6 header */
#define PKT_F_TCP		0x00000008
#define PKT_F_UDP		0x00000010
#define PKT_F_ICMP		0x00000020	/* ICMP or ICMPv6 */
#define PKT_F_FRAG		0x00000040	/* not the first fragment */
#define PKT_F_TRUNC		0x00000100	/* less captured than claimed */
#define PKT_F_BAD		0x00000200	/* a header is malformed */
#define PKT_F_NOTIP		0x00000400	/* the link carried non-IP */
#define PKT_F_TCPOPT_BAD	0x00000800	/* option past the header */
#define PKT_F_TCPOPT_TRAIL	0x00001000	/* non-zero bytes after EOL */

/* p_ipflags */
#define PKT_IP_DF		0x01
#define PKT_IP_MF		0x02
#define PKT_IP_RES		0x04	/* IPv4 reserved ("evil") bit */

/* p_tcpflags: the eight classic flags, then NS from the offset byte. */
#define PKT_TH_FIN		0x001
#define PKT_TH_SYN		0x002
#define PKT_TH_RST		0x004
#define PKT_TH_PUSH		0x008
#define PKT_TH_ACK		0x010
#define PKT_TH_URG		0x020
#define PKT_TH_ECE		0x040
#define PKT_TH_CWR		0x080
#define PKT_TH_NS		0x100

/* p_tcpoptflags: which of the parsed option fields are valid. */
#define PKT_TO_MSS		0x01
#define PKT_TO_WS		0x02
#define PKT_TO_TS		0x04
#define PKT_TO_SACKOK		0x08
#define PKT_TO_SACK		0x10
#define PKT_TO_EOL		0x20

/*
 * Pointers refer into the buffer given to pkt_decode() and live only as
 * long as it does.  Multi-byte fields are in host byte order; addresses
 * stay in network order.
 */
struct pkt {
	uint32_t	 p_flags;		/* PKT_F_* */
	size_t		 p_caplen;
	size_t		 p_wirelen;

	/* Link layer. */
	int		 p_dlt;
	uint8_t		 p_ethsrc[PKT_ETHERLEN];
	uint8_t		 p_ethdst[PKT_ETHERLEN];
	uint16_t	 p_ethertype;		/* after any VLAN tag */
	uint16_t	 p_vlan;		/* VLAN ID, PKT_F_VLAN */
	size_t		 p_linklen;		/* bytes before the IP header */

	/* Network layer. */
	int		 p_af;			/* AF_INET, AF_INET6 or 0 */
	uint8_t		 p_ipver;		/* 4 or 6 */
	uint8_t		 p_src[PKT_ADDRLEN];
	uint8_t		 p_dst[PKT_ADDRLEN];
	uint8_t		 p_tos;			/* TOS / traffic class */
	uint8_t		 p_ttl;			/* TTL / hop limit */
	uint16_t	 p_iplen;		/* total length as claimed */
	uint16_t	 p_ipid;		/* IPv4 identification */
	uint32_t	 p_flow;		/* IPv6 flow label (20 bits) */
	uint8_t		 p_ipflags;		/* PKT_IP_* */
	uint16_t	 p_fragoff;		/* in bytes */
	uint16_t	 p_ipoptlen;		/* v4 options, v6 ext hdrs */
	uint16_t	 p_iphlen;		/* IP header with those */
	uint8_t		 p_proto;		/* upper layer after ext hdrs */

	/* Transport: TCP, UDP (ports only), ICMP. */
	uint16_t	 p_sport;
	uint16_t	 p_dport;
	uint32_t	 p_seq;
	uint32_t	 p_ack;
	uint16_t	 p_tcpflags;		/* PKT_TH_* */
	uint8_t		 p_tcpres;		/* reserved bits, not NS */
	uint16_t	 p_win;
	uint16_t	 p_urp;
	uint8_t		 p_thlen;		/* TCP header length in bytes */
	uint8_t		 p_tcpopt[PKT_TCPOPT_MAX];
	uint8_t		 p_tcpoptlen;		/* captured option bytes */
	uint8_t		 p_tcpoptflags;		/* PKT_TO_* */
	uint16_t	 p_mss;
	uint8_t		 p_wscale;
	uint32_t	 p_ts1;			/* TSval */
	uint32_t	 p_ts2;			/* TSecr */
	uint8_t		 p_icmptype;
	uint8_t		 p_icmpcode;

	/* What follows the transport header (or the IP header otherwise). */
	const uint8_t	*p_payload;
	size_t		 p_paylen;		/* captured bytes */
	size_t		 p_wirepaylen;		/* as the IP length claims */
};

/*
 * Fill *p from one frame.  Returns 0 when an IP header was read (check
 * p_flags for PKT_F_TCP and friends, PKT_F_TRUNC, PKT_F_BAD) and -1 when
 * there was nothing to read: unknown DLT, a non-IP frame, or too short.
 */
int	pkt_decode(struct pkt *, int, const uint8_t *, size_t, size_t);
/* "tcp", "udp", "icmp", ... or NULL for anything else. */
const char *pkt_proto_name(uint8_t);

#endif /* HS_DECODE_H */
