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

/* Unit tests for capture/decode.c: every link type, and broken packets. */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/dlt.h>

#include "capture/decode.h"

#define FRAME_MAX	256

static void	put16(uint8_t *, uint16_t);
static size_t	ip4_tcp(uint8_t *, const uint8_t *, size_t, size_t);
static size_t	ip6_tcp(uint8_t *, const uint8_t *, size_t);
static size_t	with_ether(uint8_t *, const uint8_t *, size_t, uint16_t);

/* mss 1460, sok, ts 0x01020304/0, nop, ws 7: a Linux SYN's options. */
static const uint8_t linux_opts[] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7
};

static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

/* TCP header with the given options after an IPv4 header, DLT_RAW. */
static size_t
ip4_tcp(uint8_t *b, const uint8_t *opt, size_t optlen, size_t paylen)
{
	size_t	 th = 20 + optlen, len = 20 + th + paylen;

	memset(b, 0, len);
	b[0] = 0x45;
	b[1] = 0x02;				/* ECT(0) */
	put16(b + 2, (uint16_t)len);
	put16(b + 4, 0x1234);
	b[6] = 0x40;				/* DF */
	b[8] = 57;
	b[9] = IPPROTO_TCP;
	memcpy(b + 12, "\xc6\x33\x64\x07", 4);	/* 198.51.100.7 */
	memcpy(b + 16, "\xc6\x33\x64\x01", 4);
	put16(b + 20, 40000);
	put16(b + 22, 22);
	memcpy(b + 24, "\x00\x00\x10\x00", 4);	/* seq 4096 */
	b[32] = (uint8_t)((th / 4) << 4);
	b[33] = 0x02;				/* SYN */
	put16(b + 34, 29200);
	if (optlen > 0)
		memcpy(b + 40, opt, optlen);
	memset(b + 20 + th, 'x', paylen);
	return (len);
}

static size_t
ip6_tcp(uint8_t *b, const uint8_t *opt, size_t optlen)
{
	size_t	 th = 20 + optlen;

	memset(b, 0, 40 + th);
	b[0] = 0x60;
	b[1] = 0x0a;				/* flow label 0xabcde */
	b[2] = 0xbc;
	b[3] = 0xde;
	put16(b + 4, (uint16_t)th);
	b[6] = IPPROTO_TCP;
	b[7] = 63;
	memcpy(b + 8, "\x20\x01\x0d\xb8", 4);
	b[23] = 7;
	memcpy(b + 24, "\x20\x01\x0d\xb8", 4);
	b[39] = 1;
	put16(b + 40, 40001);
	put16(b + 42, 80);
	b[52] = (uint8_t)((th / 4) << 4);
	b[53] = 0x12;				/* SYN+ACK */
	b[47] = 1;				/* ack 1 */
	put16(b + 54, 65535);
	if (optlen > 0)
		memcpy(b + 60, opt, optlen);
	return (40 + th);
}

static size_t
with_ether(uint8_t *out, const uint8_t *ip, size_t len, uint16_t type)
{
	memcpy(out, "\x02\x00\x5e\x00\x53\x01", 6);
	memcpy(out + 6, "\x02\x00\x5e\x00\x53\x02", 6);
	put16(out + 12, type);
	memcpy(out + 14, ip, len);
	return (14 + len);
}

static void
test_ether_ipv4_syn(void **state)
{
	uint8_t		 ip[FRAME_MAX], f[FRAME_MAX];
	struct pkt	 p;
	size_t		 n;

	(void)state;
	n = ip4_tcp(ip, linux_opts, sizeof(linux_opts), 5);
	n = with_ether(f, ip, n, 0x0800);
	/* Ethernet pads short frames: the IP length must win. */
	memset(f + n, 0xee, 8);
	assert_int_equal(pkt_decode(&p, DLT_EN10MB, f, n + 8, n + 8), 0);
	assert_true(p.p_flags & PKT_F_ETHER);
	assert_true(p.p_flags & PKT_F_TCP);
	assert_false(p.p_flags & (PKT_F_TRUNC | PKT_F_BAD));
	assert_memory_equal(p.p_ethsrc, "\x02\x00\x5e\x00\x53\x02", 6);
	assert_memory_equal(p.p_ethdst, "\x02\x00\x5e\x00\x53\x01", 6);
	assert_int_equal(p.p_af, AF_INET);
	assert_int_equal(p.p_ipver, 4);
	assert_memory_equal(p.p_src, "\xc6\x33\x64\x07", 4);
	assert_int_equal(p.p_ttl, 57);
	assert_int_equal(p.p_tos, 2);
	assert_int_equal(p.p_ipid, 0x1234);
	assert_int_equal(p.p_ipflags, PKT_IP_DF);
	assert_int_equal(p.p_proto, IPPROTO_TCP);
	assert_int_equal(p.p_sport, 40000);
	assert_int_equal(p.p_dport, 22);
	assert_int_equal(p.p_seq, 4096);
	assert_int_equal(p.p_tcpflags, PKT_TH_SYN);
	assert_int_equal(p.p_win, 29200);
	assert_int_equal(p.p_thlen, 40);
	assert_int_equal(p.p_tcpoptlen, 20);
	assert_memory_equal(p.p_tcpopt, linux_opts, 20);
	assert_int_equal(p.p_tcpoptflags, PKT_TO_MSS | PKT_TO_WS | PKT_TO_TS |
	    PKT_TO_SACKOK);
	assert_int_equal(p.p_mss, 1460);
	assert_int_equal(p.p_wscale, 7);
	assert_int_equal(p.p_ts1, 0x01020304);
	assert_int_equal(p.p_ts2, 0);
	assert_int_equal(p.p_paylen, 5);
	assert_int_equal(p.p_wirepaylen, 5);
	assert_memory_equal(p.p_payload, "xxxxx", 5);
}

static void
test_vlan_and_not_ip(void **state)
{
	uint8_t		 ip[FRAME_MAX], f[FRAME_MAX];
	struct pkt	 p;
	size_t		 n;

	(void)state;
	n = ip4_tcp(ip, NULL, 0, 0);
	memcpy(f, "\x02\x00\x5e\x00\x53\x01\x02\x00\x5e\x00\x53\x02", 12);
	memcpy(f + 12, "\x81\x00\x20\x2a\x08\x00", 6);	/* prio 1, VLAN 42 */
	memcpy(f + 18, ip, n);
	assert_int_equal(pkt_decode(&p, DLT_EN10MB, f, n + 18, n + 18), 0);
	assert_true(p.p_flags & PKT_F_VLAN);
	assert_int_equal(p.p_vlan, 42);
	assert_int_equal(p.p_linklen, 18);
	assert_true(p.p_flags & PKT_F_TCP);
	/* A tag with nothing after it, ARP, and a type we do not know. */
	assert_int_equal(pkt_decode(&p, DLT_EN10MB, f, 16, 16), -1);
	put16(f + 16, 0x0806);
	assert_int_equal(pkt_decode(&p, DLT_EN10MB, f, n + 18, n + 18), -1);
	assert_true(p.p_flags & PKT_F_NOTIP);
	assert_int_equal(pkt_decode(&p, 9999, f, n + 18, n + 18), -1);
	assert_int_equal(pkt_decode(&p, DLT_EN10MB, NULL, 0, 0), -1);
}

static void
test_other_links(void **state)
{
	uint8_t		 ip[FRAME_MAX], ip6[FRAME_MAX], f[FRAME_MAX];
	struct pkt	 p;
	size_t		 n, n6;

	(void)state;
	n = ip4_tcp(ip, NULL, 0, 0);
	n6 = ip6_tcp(ip6, NULL, 0);

	/* Linux cooked v1: the one address is the sender's. */
	memset(f, 0, 16);
	put16(f + 2, 1);
	put16(f + 4, 6);
	memcpy(f + 6, "\x02\x00\x5e\x00\x53\x09", 6);
	put16(f + 14, 0x86dd);
	memcpy(f + 16, ip6, n6);
	assert_int_equal(pkt_decode(&p, DLT_LINUX_SLL, f, n6 + 16, n6 + 16),
	    0);
	assert_int_equal(p.p_af, AF_INET6);
	assert_true(p.p_flags & PKT_F_ETHER);
	assert_memory_equal(p.p_ethsrc, "\x02\x00\x5e\x00\x53\x09", 6);
	assert_int_equal(p.p_tcpflags, PKT_TH_SYN | PKT_TH_ACK);
	assert_int_equal(p.p_flow, 0xabcde);
	assert_int_equal(p.p_ttl, 63);

	/* Linux cooked v2. */
	memset(f, 0, 20);
	put16(f, 0x0800);
	put16(f + 8, 1);
	f[11] = 6;
	memcpy(f + 12, "\x02\x00\x5e\x00\x53\x0a", 6);
	memcpy(f + 20, ip, n);
	assert_int_equal(pkt_decode(&p, DLT_LINUX_SLL2, f, n + 20, n + 20),
	    0);
	assert_int_equal(p.p_af, AF_INET);
	assert_memory_equal(p.p_ethsrc, "\x02\x00\x5e\x00\x53\x0a", 6);
	assert_int_equal(pkt_decode(&p, DLT_LINUX_SLL2, f, 19, 19), -1);

	/* BSD loopback, either byte order, and the IPv6 families. */
	memcpy(f, "\x02\x00\x00\x00", 4);
	memcpy(f + 4, ip, n);
	assert_int_equal(pkt_decode(&p, DLT_NULL, f, n + 4, n + 4), 0);
	assert_int_equal(p.p_af, AF_INET);
	memcpy(f, "\x00\x00\x00\x02", 4);
	assert_int_equal(pkt_decode(&p, DLT_LOOP, f, n + 4, n + 4), 0);
	memcpy(f, "\x00\x00\x00\x1e", 4);		/* macOS AF_INET6 */
	memcpy(f + 4, ip6, n6);
	assert_int_equal(pkt_decode(&p, DLT_LOOP, f, n6 + 4, n6 + 4), 0);
	assert_int_equal(p.p_af, AF_INET6);
	memcpy(f, "\x07\x00\x00\x00", 4);
	assert_int_equal(pkt_decode(&p, DLT_NULL, f, n6 + 4, n6 + 4), -1);

	/* Raw IP, and a link type that says which IP but lies. */
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip6, n6, n6), 0);
	assert_int_equal(p.p_af, AF_INET6);
	assert_int_equal(pkt_decode(&p, DLT_IPV4, ip, n, n), 0);
	assert_int_equal(pkt_decode(&p, DLT_IPV6, ip6, n6, n6), 0);
	assert_int_equal(pkt_decode(&p, DLT_IPV4, ip6, n6, n6), -1);
	assert_int_equal(pkt_decode(&p, DLT_IPV6, ip, n, n), -1);
	f[0] = 0x50;
	assert_int_equal(pkt_decode(&p, DLT_RAW, f, 60, 60), -1);
}

static void
test_ipv6_extensions(void **state)
{
	uint8_t		 ip6[FRAME_MAX], f[FRAME_MAX];
	struct pkt	 p;
	size_t		 n6, i;

	(void)state;
	n6 = ip6_tcp(ip6, linux_opts, sizeof(linux_opts));
	/* Hop-by-hop (8), destination options (16), fragment (8). */
	memcpy(f, ip6, 40);
	f[6] = 0;
	memset(f + 40, 0, 32);
	f[40] = 60;
	f[48] = 44;
	f[49] = 1;
	f[64] = IPPROTO_TCP;
	f[71] = 0x99;				/* fragment id */
	memcpy(f + 72, ip6 + 40, n6 - 40);
	put16(f + 4, (uint16_t)(n6 - 40 + 32));
	assert_int_equal(pkt_decode(&p, DLT_RAW, f, n6 + 32, n6 + 32), 0);
	assert_int_equal(p.p_proto, IPPROTO_TCP);
	assert_int_equal(p.p_ipoptlen, 32);
	assert_int_equal(p.p_iphlen, 72);
	assert_true(p.p_flags & PKT_F_TCP);
	assert_int_equal(p.p_mss, 1460);

	/* A later fragment carries no TCP header. */
	put16(f + 66, 0x0100);
	assert_int_equal(pkt_decode(&p, DLT_RAW, f, n6 + 32, n6 + 32), 0);
	assert_true(p.p_flags & PKT_F_FRAG);
	assert_false(p.p_flags & PKT_F_TCP);

	/* The chain cut by the capture. */
	put16(f + 66, 0);
	assert_int_equal(pkt_decode(&p, DLT_RAW, f, 60, n6 + 32), 0);
	assert_true(p.p_flags & PKT_F_TRUNC);
	assert_false(p.p_flags & PKT_F_TCP);

	/* Seventeen destination-option headers: refused, not walked. */
	memcpy(f, ip6, 40);
	f[6] = 60;
	for (i = 0; i < 17; i++) {
		memset(f + 40 + i * 8, 0, 8);
		f[40 + i * 8] = 60;
	}
	put16(f + 4, 17 * 8);
	assert_int_equal(pkt_decode(&p, DLT_RAW, f, 40 + 17 * 8,
	    40 + 17 * 8), 0);
	assert_true(p.p_flags & PKT_F_BAD);
	assert_false(p.p_flags & PKT_F_TCP);
}

static void
test_truncated(void **state)
{
	uint8_t		 ip[FRAME_MAX], f[FRAME_MAX], *copy;
	struct pkt	 p;
	size_t		 n, i;
	int		 dlt;

	(void)state;
	n = ip4_tcp(ip, linux_opts, sizeof(linux_opts), 10);
	n = with_ether(f, ip, n, 0x0800);
	/* Every prefix, each in a buffer of exactly that size. */
	for (dlt = 0; dlt < 2; dlt++)
		for (i = 0; i <= (dlt ? n - 14 : n); i++) {
			copy = malloc(i == 0 ? 1 : i);
			assert_non_null(copy);
			memcpy(copy, dlt ? ip : f, i);
			(void)pkt_decode(&p, dlt ? DLT_RAW : DLT_EN10MB, copy,
			    i, n);
			if (p.p_payload != NULL)
				assert_true(p.p_payload >= copy &&
				    p.p_payload + p.p_paylen <= copy + i);
			free(copy);
		}
	/* Snapped inside the options: keep what is there, say so. */
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, 20 + 20 + 6, n), 0);
	assert_true(p.p_flags & PKT_F_TRUNC);
	assert_true(p.p_flags & PKT_F_TCP);
	assert_int_equal(p.p_thlen, 40);
	assert_int_equal(p.p_tcpoptlen, 6);
	assert_int_equal(p.p_mss, 1460);
	assert_false(p.p_tcpoptflags & PKT_TO_TS);
	/* Not even a whole TCP header. */
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, 30, n), 0);
	assert_false(p.p_flags & PKT_F_TCP);
	assert_true(p.p_flags & PKT_F_TRUNC);
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, 19, n), -1);
}

static void
test_odd_headers(void **state)
{
	uint8_t		 ip[FRAME_MAX];
	struct pkt	 p;
	size_t		 n;
	static const uint8_t bad_len[] = { 2, 4, 5, 0xb4, 3, 9, 7, 0 };
	static const uint8_t trail[] = { 2, 4, 5, 0xb4, 0, 0, 7, 0 };

	(void)state;
	n = ip4_tcp(ip, NULL, 0, 0);
	ip[0] = 0x44;				/* IHL 4 */
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, n, n), 0);
	assert_true(p.p_flags & PKT_F_BAD);
	assert_false(p.p_flags & PKT_F_TCP);
	ip[0] = 0x4f;				/* options past the end */
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, n, n), 0);
	assert_true(p.p_flags & PKT_F_TRUNC);
	ip[0] = 0x45;
	put16(ip + 2, 10);			/* shorter than its header */
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, n, n), 0);
	assert_true(p.p_flags & PKT_F_BAD);
	put16(ip + 2, 0);		/* offloaded: use what we have */
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, n, n), 0);
	assert_true(p.p_flags & PKT_F_TCP);
	put16(ip + 2, (uint16_t)n);
	ip[32] = 0x40;				/* TCP offset 4 */
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, n, n), 0);
	assert_true(p.p_flags & PKT_F_BAD);
	assert_true(p.p_flags & PKT_F_TCP);
	ip[32] = 0x51;				/* NS bit */
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, n, n), 0);
	assert_int_equal(p.p_tcpflags, PKT_TH_SYN | PKT_TH_NS);
	put16(ip + 6, 0x2000 | 0x0010);		/* MF, offset 128 */
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, n, n), 0);
	assert_true(p.p_flags & PKT_F_FRAG);
	assert_int_equal(p.p_fragoff, 128);
	assert_int_equal(p.p_ipflags, PKT_IP_MF);
	put16(ip + 6, 0x8000);			/* the evil bit */
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, n, n), 0);
	assert_int_equal(p.p_ipflags, PKT_IP_RES);

	n = ip4_tcp(ip, bad_len, sizeof(bad_len), 0);
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, n, n), 0);
	assert_true(p.p_flags & PKT_F_TCPOPT_BAD);
	assert_int_equal(p.p_mss, 1460);
	n = ip4_tcp(ip, trail, sizeof(trail), 0);
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, n, n), 0);
	assert_true(p.p_flags & PKT_F_TCPOPT_TRAIL);
	assert_true(p.p_tcpoptflags & PKT_TO_EOL);
}

static void
test_udp_icmp(void **state)
{
	uint8_t		 ip[FRAME_MAX], ip6[FRAME_MAX];
	struct pkt	 p;
	size_t		 n, n6;

	(void)state;
	n = ip4_tcp(ip, NULL, 0, 4);
	ip[9] = IPPROTO_UDP;
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, n, n), 0);
	assert_true(p.p_flags & PKT_F_UDP);
	assert_int_equal(p.p_sport, 40000);
	assert_int_equal(p.p_dport, 22);
	assert_int_equal(p.p_paylen, 16);
	assert_string_equal(pkt_proto_name(p.p_proto), "udp");
	ip[9] = IPPROTO_ICMP;
	ip[20] = 8;
	ip[21] = 0;
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip, n, n), 0);
	assert_true(p.p_flags & PKT_F_ICMP);
	assert_int_equal(p.p_icmptype, 8);
	assert_int_equal(p.p_paylen, 16);
	n6 = ip6_tcp(ip6, NULL, 0);
	ip6[6] = IPPROTO_ICMPV6;
	ip6[40] = 128;
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip6, n6, n6), 0);
	assert_true(p.p_flags & PKT_F_ICMP);
	assert_int_equal(p.p_icmptype, 128);
	ip6[6] = 59;				/* no next header */
	assert_int_equal(pkt_decode(&p, DLT_RAW, ip6, n6, n6), 0);
	assert_int_equal(p.p_flags & (PKT_F_TCP | PKT_F_UDP | PKT_F_ICMP),
	    0);
	assert_null(pkt_proto_name(59));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ether_ipv4_syn),
		cmocka_unit_test(test_vlan_and_not_ip),
		cmocka_unit_test(test_other_links),
		cmocka_unit_test(test_ipv6_extensions),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_odd_headers),
		cmocka_unit_test(test_udp_icmp),
	};

	return (cmocka_run_group_tests_name("decode", tests, NULL, NULL));
}
