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

/*
 * Unit tests for persona/osdb.c and persona/rewrite.c: a made-up
 * personality compiled from text, then probes and answers built by hand
 * and checked byte by byte, checksums included.
 */

#include <sys/types.h>

#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "persona/rewrite.h"

#define ALIAS	0xc6336432	/* 198.51.100.50 */
#define PEER	0xc6336414	/* 198.51.100.20 */

static const char db[] =
    "# made up for this test\n"
    "Fingerprint Other OS\n"
    "SEQ(TI=Z)\nT1(R=Y%DF=N%T=40%S=O%A=S+%F=AS%RD=0%Q=)\n"
    "\n"
    "Fingerprint Test OS 1.0\n"
    "Class Test | Test | 1.X | general purpose\n"
    "SEQ(SP=100-10A%GCD=1-6%ISR=108-112%TI=I%CI=I%II=I%SS=S%TS=A)\n"
    "OPS(O1=M5B4NW8ST11%O2=M578NW8ST11%O3=M280NW8NNT11%O4=M5B4NW8ST11"
    "%O5=M218NW8ST11%O6=M109ST11)\n"
    "WIN(W1=2000%W2=2001%W3=2002%W4=2003%W5=2004%W6=2005)\n"
    "ECN(R=Y%DF=Y%T=7B-85%TG=80%W=2000%O=M5B4NW8NNS%CC=N%Q=)\n"
    "T1(R=Y%DF=Y%T=7B-85%TG=80%S=O%A=S+%F=AS%RD=0%Q=)\n"
    "T2(R=Y%DF=Y%T=80%W=0%S=Z%A=S%F=AR%O=%RD=BD1AB510%Q=)\n"
    "T3(R=N)\n"
    "T4(R=Y%DF=Y%T=80%W=0%S=A%A=O%F=R%O=%RD=0%Q=)\n"
    "T5(R=Y%DF=Y%T=80%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
    "T6(R=Y%DF=Y%T=80%W=0%S=A%A=O%F=R%O=%RD=0%Q=)\n"
    "T7(R=N)\n"
    "U1(DF=N%T=80%IPL=38%UN=0%RIPL=G%RID=G%RIPCK=Z%RUCK=G%RUD=G)\n"
    "IE(DFI=N%T=80%CD=Z)\n";

static struct prw_state	 state;
static struct prw	 rw;
static struct pfp	 pf;

static uint32_t
rnd(void)
{
	return (0x12345678);
}

static uint16_t
cksum(const uint8_t *b, size_t n, uint32_t s)
{
	size_t	i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)(b[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ((uint16_t)s);
}

/* Whether the IP header's and the TCP or ICMP checksums are right. */
static int
sums_ok(const uint8_t *p, size_t len)
{
	size_t		 hl = (size_t)(p[0] & 0x0f) * 4;
	uint32_t	 s;

	if (cksum(p, hl, 0) != 0xffff)
		return (0);
	if (p[9] == 1)
		return (cksum(p + hl, len - hl, 0) == 0xffff);
	s = cksum(p + 12, 8, 0) + 6 + (uint32_t)(len - hl);
	return (cksum(p + hl, len - hl, s) == 0xffff);
}

/* A TCP/IPv4 packet: the options given, no payload. */
static size_t
tcp(uint8_t *p, int out, uint8_t flags, uint16_t win, uint32_t seq,
    uint32_t ack, const uint8_t *opt, size_t olen)
{
	uint32_t	src = htonl(out ? ALIAS : PEER);
	uint32_t	dst = htonl(out ? PEER : ALIAS);
	size_t		len = 40 + olen;

	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[6] = 0x40;		/* DF, as Linux sets it */
	p[8] = 64;
	p[9] = 6;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	p[20] = out ? 0x1b : 0xa0;	/* ports 7000 and 41000 */
	p[21] = out ? 0x58 : 0x28;
	p[22] = out ? 0xa0 : 0x1b;
	p[23] = out ? 0x28 : 0x58;
	p[24] = seq >> 24; p[25] = seq >> 16; p[26] = seq >> 8; p[27] = seq;
	p[28] = ack >> 24; p[29] = ack >> 16; p[30] = ack >> 8; p[31] = ack;
	p[32] = (uint8_t)(((20 + olen) / 4) << 4);
	p[33] = flags;
	p[34] = win >> 8;
	p[35] = win & 0xff;
	if (olen > 0)
		memcpy(p + 40, opt, olen);
	return (len);
}

static void
setup_persona(void)
{
	char	why[256];

	assert_int_equal(pfp_parse_nmap(db, sizeof(db) - 1, "Test OS 1.0",
	    &pf, why, sizeof(why)), 0);
	prw_state_reset(&state);
	prw_init(&rw, &state, rnd);
	assert_int_equal(prw_add(&rw, htonl(ALIAS), &pf), 0);
}

static void
test_parse(void **unused)
{
	struct pfp	other;
	char		why[256];

	(void)unused;
	setup_persona();
	assert_string_equal(pf.pf_name, "Test OS 1.0");
	assert_string_equal(pf.pf_o[1], "M578NW8ST11");
	assert_int_equal(pf.pf_w[5], 0x2005);
	assert_int_equal(pf.pf_t[1].pt_ttl, 0x80);
	assert_int_equal(pf.pf_t[0].pt_ttl, 0x80);
	assert_int_equal(pf.pf_t[2].pt_flags, 0x14);	/* AR */
	assert_int_equal(pf.pf_t[3].pt_r, 0);
	assert_int_equal(pf.pf_ts, 1024);
	assert_int_equal(pf.pf_isn_isr, 0x10d);		/* the middle */
	assert_int_equal(pf.pf_ti, IPID_I);
	assert_int_equal(pf.pf_u_ipl, 0x38);
	assert_int_equal(pf.pf_u_ripck, 'Z');
	assert_int_equal(pf.pf_ie_cd, -1);
	/* a missing name says so */
	assert_int_equal(pfp_parse_nmap(db, sizeof(db) - 1, "Test OS 1.0.1",
	    &other, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "no nmap fingerprint called"));
	assert_int_equal(pfp_parse_nmap(db, sizeof(db) - 1, "Test O",
	    &other, why, sizeof(why)), -1);
	/* else the name but for case, or the shortest it begins */
	assert_int_equal(pfp_parse_nmap(db, sizeof(db) - 1, "test os 1.0",
	    &other, why, sizeof(why)), 0);
	assert_string_equal(other.pf_name, "Test OS 1.0");
	assert_int_equal(pfp_parse_nmap(db, sizeof(db) - 1, "Test OS",
	    &other, why, sizeof(why)), 0);
	assert_string_equal(other.pf_name, "Test OS 1.0");
	assert_int_equal(other.pf_t[1].pt_ttl, 0x80);
	/* of two entries with one name, the one with fewer alternatives */
	{
		static const char two[] =
		    "Fingerprint Twin\n"
		    "Class A | B | C | general purpose\n"
		    "OPS(O1=NNT11|M5B4NW0NNT00NNS%O2=M5B4)\n"
		    "T1(R=Y%DF=Y%T=7B-85%TG=80%S=O%A=O|S+%F=A|AS%RD=0%Q=)\n"
		    "\n"
		    "Fingerprint Twin\n"
		    "Class A | B | C | general purpose\n"
		    "OPS(O1=M5B4NW0NNT00NNS%O2=M5B4)\n"
		    "T1(R=Y%DF=Y%T=7B-85%TG=80%S=O%A=S+%F=AS%RD=0%Q=)\n";

		assert_int_equal(pfp_parse_nmap(two, sizeof(two) - 1,
		    "Twin", &other, why, sizeof(why)), 0);
		assert_string_equal(other.pf_o[0], "M5B4NW0NNT00NNS");
		assert_int_equal(other.pf_t[1].pt_flags, 0x12);	/* AS */
	}
	/* a guess outside the range sent: the range wins */
	{
		static const char odd[] =
		    "Fingerprint Odd\n"
		    "T1(R=Y%DF=Y%T=40-4A%TG=80%S=O%A=S+%F=AS%RD=0%Q=)\n";

		assert_int_equal(pfp_parse_nmap(odd, sizeof(odd) - 1, "Odd",
		    &other, why, sizeof(why)), 0);
		assert_int_equal(other.pf_t[1].pt_ttl, 0x45);
	}
	/* an entry taken behind a filter, only when there is no other */
	{
		static const char filt[] =
		    "Fingerprint Filt\n"
		    "SEQ(R=N)\n"
		    "T1(R=Y%DF=Y%T=40%S=Z%A=S+%F=AR%RD=0%Q=)\n"
		    "\n"
		    "Fingerprint Filt\n"
		    "SEQ(SP=1-5%TI=I|RD%SS=O|S)\n"
		    "T1(R=Y%DF=Y%T=100%TG=FF%S=O%A=S+%F=AS%RD=0%Q=)\n";

		assert_int_equal(pfp_parse_nmap(filt, sizeof(filt) - 1,
		    "Filt", &other, why, sizeof(why)), 0);
		assert_int_equal(other.pf_t[1].pt_flags, 0x12);	/* AS */
		/* T=100: 255 sent, one hop away */
		assert_int_equal(other.pf_t[1].pt_ttl, 255);
		assert_int_equal(pfp_parse_nmap(filt, 67, "Filt", &other,
		    why, sizeof(why)), 0);
		assert_int_equal(other.pf_t[1].pt_flags, 0x14);	/* AR */
	}
	/* cut anywhere, the text never makes it read past its end */
	for (size_t n = 0; n < sizeof(db) - 1; n += 7)
		(void)pfp_parse_nmap(db, n, "Test OS 1.0", &other, why,
		    sizeof(why));
}

static void
test_options(void)
{
	uint8_t	o[40];

	assert_int_equal(pfp_options("M5B4NW8ST11", o, sizeof(o), 7, 9, 1),
	    20);
	assert_memory_equal(o, "\x02\x04\x05\xb4\x01\x03\x03\x08\x04\x02"
	    "\x08\x0a\x00\x00\x00\x07\x00\x00\x00\x09", 20);
	assert_int_equal(pfp_options("MFFFFWEL", o, sizeof(o), 0, 0, 0), 8);
	assert_int_equal(pfp_options("X", o, sizeof(o), 0, 0, 0), -1);
	assert_int_equal(pfp_options("T11T11T11T11", o, 20, 0, 0, 0), -1);
}

/* nmap's second SEQ probe and the kernel's answer to it. */
static void
test_seq_probe(void **unused)
{
	static const uint8_t probe[] = { 2, 4, 5, 0x78, 3, 3, 0, 4, 2, 8, 10,
	    0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0 };
	static const uint8_t linux_opts[] = { 2, 4, 5, 0xb4, 4, 2, 8, 10,
	    0, 0, 0x10, 0, 0xff, 0xff, 0xff, 0xff, 1, 3, 3, 10 };
	uint8_t		 p[128];
	size_t		 len;

	(void)unused;
	setup_persona();
	test_options();
	len = tcp(p, 0, 0x02, 63, 1000, 0, probe, sizeof(probe));
	assert_int_not_equal(prw_packet(&rw, 0, p, &len, sizeof(p), 5000),
	    PRW_DROP);
	len = tcp(p, 1, 0x12, 65160, 77777, 1001, linux_opts,
	    sizeof(linux_opts));
	assert_int_equal(prw_packet(&rw, 1, p, &len, sizeof(p), 5001),
	    PRW_CHANGED);
	assert_int_equal(len, 60);
	assert_int_equal(p[8], 0x80);			/* TTL */
	assert_int_equal(p[6] & 0x40, 0x40);		/* DF, as T1 says */
	assert_int_equal(p[34] << 8 | p[35], 0x2001);	/* W2 */
	/* O2: MSS 0x578, NOP, WS 8, SACK, TS with both values set */
	assert_memory_equal(p + 40, "\x02\x04\x05\x78\x01\x03\x03\x08\x04\x02"
	    "\x08\x0a", 12);
	assert_int_not_equal(memcmp(p + 52, "\0\0\0\0", 4), 0);
	assert_memory_equal(p + 56, "\xff\xff\xff\xff", 4);
	assert_true(sums_ok(p, len));
}

/* T2, a null probe Linux ignores, answered; T3 and T7 dropped. */
static void
test_t_probes(void **unused)
{
	static const uint8_t opt[] = { 3, 3, 10, 1, 2, 4, 1, 9, 8, 10,
	    0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, 2 };
	uint8_t		 p[128];
	size_t		 len;

	(void)unused;
	setup_persona();
	len = tcp(p, 0, 0x00, 128, 5555, 0, opt, sizeof(opt));
	assert_int_equal(prw_packet(&rw, 0, p, &len, sizeof(p), 1),
	    PRW_CHANGED);
	assert_int_equal(p[33], 0x10);		/* made an ACK: Linux resets */
	assert_true(sums_ok(p, len));
	len = tcp(p, 1, 0x04, 0, 0, 0, NULL, 0);
	assert_int_equal(prw_packet(&rw, 1, p, &len, sizeof(p), 2),
	    PRW_CHANGED);
	assert_int_equal(p[33], 0x14);		/* F=AR */
	assert_memory_equal(p + 24, "\0\0\0\0", 4);	/* S=Z */
	assert_memory_equal(p + 28, "\x00\x00\x15\xb3", 4);	/* A=S */
	/* RD: data whose CRC-32 is the entry's */
	assert_int_equal(len, 44);
	assert_int_equal(p[2] << 8 | p[3], 44);
	assert_int_equal(crc32(0, p + 40, 4), 0xbd1ab510);
	assert_true(sums_ok(p, len));

	len = tcp(p, 0, 0x2b, 256, 1, 0, opt, sizeof(opt));	/* T3 */
	assert_int_equal(prw_packet(&rw, 0, p, &len, sizeof(p), 3), PRW_DROP);
	len = tcp(p, 0, 0x29, 65535, 1, 0, opt, sizeof(opt));	/* T7 */
	assert_int_equal(prw_packet(&rw, 0, p, &len, sizeof(p), 4), PRW_DROP);
}

/* An echo reply: TTL, no DF, code zero; a port unreachable cut short. */
static void
test_icmp(void **unused)
{
	uint8_t		 p[400];
	uint32_t	 a = htonl(ALIAS), b = htonl(PEER);
	size_t		 len = 84;

	(void)unused;
	setup_persona();
	memset(p, 0, sizeof(p));
	p[0] = 0x45; p[3] = 84; p[6] = 0x40; p[8] = 64; p[9] = 1;
	memcpy(p + 12, &a, 4);
	memcpy(p + 16, &b, 4);
	p[20] = 0;	/* echo reply */
	p[21] = 9;	/* the code nmap's first probe had */
	assert_int_equal(prw_packet(&rw, 1, p, &len, sizeof(p), 1),
	    PRW_CHANGED);
	assert_int_equal(p[8], 0x80);
	assert_int_equal(p[6] & 0x40, 0);
	assert_int_equal(p[21], 0);
	assert_true(sums_ok(p, len));

	/* port unreachable quoting a 328-byte UDP probe */
	len = 20 + 8 + 328;
	memset(p, 0, sizeof(p));
	p[0] = 0x45; p[2] = (uint8_t)(len >> 8); p[3] = (uint8_t)len;
	p[8] = 64; p[9] = 1;
	memcpy(p + 12, &a, 4);
	memcpy(p + 16, &b, 4);
	p[20] = 3; p[21] = 3;
	p[28] = 0x45; p[30] = 0x01; p[31] = 0x48; p[36] = 64; p[37] = 17;
	p[38] = 0xab; p[39] = 0xcd;
	assert_int_equal(prw_packet(&rw, 1, p, &len, sizeof(p), 2),
	    PRW_CHANGED);
	assert_int_equal(len, 0x38);		/* IPL */
	assert_int_equal(p[2] << 8 | p[3], 0x38);
	assert_int_equal(p[38] | p[39], 0);	/* RIPCK=Z */
	assert_true(sums_ok(p, len));
}

/* Garbage in: never a crash, never a longer packet than the room. */
static void
test_garbage(void **unused)
{
	uint8_t		 p[64];
	size_t		 len, i;

	(void)unused;
	setup_persona();
	for (i = 0; i < 2000; i++) {
		memset(p, (int)(i * 37), sizeof(p));
		p[0] = 0x45;
		len = (i % 64) + 1;
		p[2] = 0;
		p[3] = (uint8_t)len;
		memcpy(p + 12, &(uint32_t){ htonl(ALIAS) }, 4);
		(void)prw_packet(&rw, (int)(i & 1), p, &len, sizeof(p),
		    (uint32_t)i);
		assert_true(len <= sizeof(p));
	}
}

/* A p0f.fp excerpt: which label names which nmap entry. */
static const char p0fdb[] =
    "[tcp:request]\n"
    "label = s:unix:Test OS:9.x\n"
    "sig   = *:64:0:*:mss*20,0:mss:df:0\n"
    "[tcp:response]\n"
    "label = s:unix:Linux:3.x\n"
    "sig   = *:64:0:*:mss*10,0:mss,sok,ts:df:0\n"
    "sig   = *:64:0:*:mss*10,*:mss,sok,ts,nop,ws:df:0\n"
    "label = s:unix:Linux:2.4-2.6\n"
    "sig   = *:64:0:*:mss*4,0:mss,sok,ts:df:0\n"
    "label = s:unix:FreeBSD:9.x\n"
    "sig   = *:64:0:*:65535,6:mss,nop,ws:df,id+:0\n"
    "label = s:unix:FreeBSD:8.x-9.x\n"
    "sig   = *:64:0:*:65535,0:mss,sok,ts:df,id+:0\n"
    "label = s:unix:Mac OS X:10.x\n"
    "sig   = *:64:0:*:65535,0:mss,nop,nop,ts,sok,eol+1:df,id+:0\n"
    "label = s:unix:Solaris:10\n"
    "sig   = *:64:0:*:mss*37,0:mss:df,id+:0\n"
    "label = s:unix:HP-UX:11.x\n"
    "sig   = *:64:0:*:32768,0:mss:df,id+:0\n"
    "label = s:win:Windows:XP\n"
    "sig   = *:128:0:*:65535,0:mss,nop,nop,sok:df,id+:0\n"
    "label = s:win:Windows:7 or 8\n"
    "sig   = *:128:0:*:8192,0:mss,sok,ts:df,id+:0\n"
    "label = s:unix:OpenBSD:5.x\n"
    "sig   = *:64:0:1460:16384,0:mss,nop,nop,sok,nop,nop,ts:df,id+:0\n"
    "label = s:unix:Test OS:1.x\n"
    "sig   = *:64:0:*:mss*10,0:mss,sok,ts:df:0\n"
    "[http:request]\n"
    "label = s:unix:Test OS:1.x\n";

static void
test_p0f_labels(void **unused)
{
	static const struct {
		const char	*name, *label;
	} t[] = {
		{ "Linux 3.13 or 4.2", "s:unix:Linux:3.x" },
		{ "Linux 2.6.24 - 3.2", "s:unix:Linux:2.4-2.6" },
		/* 9.x has only signatures with window scaling */
		{ "FreeBSD 9.3-RELEASE", "s:unix:FreeBSD:8.x-9.x" },
		{ "NAS4Free (FreeBSD 9.1-RELEASE - 10.3-RELEASE)",
		    "s:unix:FreeBSD:8.x-9.x" },
		{ "Apple macOS 10.13 (High Sierra) (Darwin 17.0.0)",
		    "s:unix:Mac OS X:10.x" },
		{ "Apple OS X 10.10 (Yosemite) (Darwin 14.0.0)",
		    "s:unix:Mac OS X:10.x" },
		{ "Sun Solaris 9 or Oracle Solaris 10", "s:unix:Solaris:10" },
		{ "HP-UX B.11.31", "s:unix:HP-UX:11.x" },
		{ "Microsoft Windows 8.1", "s:win:Windows:7 or 8" },
		/* Windows by its stack: NT 5 as XP, NT 6 and later as 7 */
		{ "Microsoft Windows 10", "s:win:Windows:7 or 8" },
		{ "Microsoft Windows Server 2008 R2", "s:win:Windows:7 or 8" },
		{ "Microsoft Windows 2000 SP4", "s:win:Windows:XP" },
		{ "Microsoft Windows Server 2003 SP2", "s:win:Windows:XP" },
		/* else the nearest release of the system */
		{ "Linux 4.4", "s:unix:Linux:3.x" },
		{ "Linux 2.2.14", "s:unix:Linux:2.4-2.6" },
		{ "FreeBSD 11.2-RELEASE", "s:unix:FreeBSD:8.x-9.x" },
		{ "Oracle Solaris 11", "s:unix:Solaris:10" },
		{ "Sun OpenSolaris 2009.06", NULL },
		{ "NetBSD 7.0", NULL },
		{ "Microsoft Windows CE", NULL },
		{ "Microsoft Windows 98 SE", NULL },
	};
	struct pfp	 other;
	size_t		 i;

	(void)unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&other, 0, sizeof(other));
		(void)strlcpy(other.pf_name, t[i].name,
		    sizeof(other.pf_name));
		if (t[i].label == NULL) {
			assert_int_equal(pfp_parse_p0f(p0fdb,
			    sizeof(p0fdb) - 1, &other), -1);
			continue;
		}
		assert_int_equal(pfp_parse_p0f(p0fdb, sizeof(p0fdb) - 1,
		    &other), 0);
		assert_string_equal(other.pf_p0f_label, t[i].label);
	}
	/* the signature with window scaling is left out */
	(void)strlcpy(other.pf_name, "Linux 3.2", sizeof(other.pf_name));
	assert_int_equal(pfp_parse_p0f(p0fdb, sizeof(p0fdb) - 1, &other), 0);
	assert_int_equal(other.pf_p0f, 1);
	assert_string_equal(other.pf_p0f_sig[0].ps_o, "M5B4ST11");
	assert_int_equal(other.pf_p0f_sig[0].ps_wmss, 1);
	assert_int_equal(other.pf_p0f_sig[0].ps_w, 10);
	assert_int_equal(other.pf_p0f_sig[0].ps_id, 0);
	(void)strlcpy(other.pf_name, "OpenBSD 5.4", sizeof(other.pf_name));
	assert_int_equal(pfp_parse_p0f(p0fdb, sizeof(p0fdb) - 1, &other), 0);
	assert_int_equal(other.pf_p0f_sig[0].ps_mss, 1460);
	assert_int_equal(other.pf_p0f_sig[0].ps_id, 1);
}

/*
 * An ordinary connection: the SYN goes without window scaling and the
 * SYN+ACK is p0f's, with the kernel's MSS, however large nmap's was.
 */
static void
test_p0f_session(void **unused)
{
	static const uint8_t syn_opts[] = { 2, 4, 5, 0xb4, 4, 2, 8, 10,
	    0, 0, 0x10, 0, 0, 0, 0, 0, 1, 3, 3, 7 };
	uint8_t		 synack_opts[] = { 2, 4, 0xff, 0xcb, 4, 2, 8, 10,
	    0, 0, 0x20, 0, 0, 0, 0x10, 0 };
	uint8_t		 p[128];
	size_t		 len;
	char		 why[256];

	(void)unused;
	assert_int_equal(pfp_parse_nmap(db, sizeof(db) - 1, "Test OS 1.0",
	    &pf, why, sizeof(why)), 0);
	assert_int_equal(pfp_parse_p0f(p0fdb, sizeof(p0fdb) - 1, &pf), 0);
	assert_string_equal(pf.pf_p0f_label, "s:unix:Test OS:1.x");
	prw_state_reset(&state);
	prw_init(&rw, &state, rnd);
	assert_int_equal(prw_add(&rw, htonl(ALIAS), &pf), 0);

	len = tcp(p, 0, 0x02, 64240, 5000, 0, syn_opts, sizeof(syn_opts));
	assert_int_equal(prw_packet(&rw, 0, p, &len, sizeof(p), 100),
	    PRW_CHANGED);
	assert_memory_equal(p + 56, "\x01\x01\x01\x01", 4);	/* no WS */
	assert_true(sums_ok(p, len));

	/* the kernel's MSS of 65483 (loopback) makes a window too big */
	len = tcp(p, 1, 0x12, 65483, 9000, 5001, synack_opts,
	    sizeof(synack_opts));
	assert_int_equal(prw_packet(&rw, 1, p, &len, sizeof(p), 101),
	    PRW_CHANGED);
	assert_int_equal(len, 56);
	assert_int_equal(p[8], 64);			/* p0f's TTL */
	assert_int_equal(p[6] & 0x40, 0x40);		/* DF */
	assert_int_equal(p[4] << 8 | p[5], 0);		/* and no IP ID */
	assert_memory_equal(p + 40, "\x02\x04\x19\x99\x04\x02\x08\x0a"
	    "\x00\x00\x20\x00\x00\x00\x10\x00", 16);	/* 6553 */
	assert_int_equal(p[34] << 8 | p[35], 65530);	/* 10 MSS */
	assert_true(sums_ok(p, len));

	/* with a usual MSS, that MSS and ten of it */
	synack_opts[2] = 0x05;
	synack_opts[3] = 0xb4;
	len = tcp(p, 1, 0x12, 65160, 9100, 7001, synack_opts,
	    sizeof(synack_opts));
	assert_int_equal(prw_packet(&rw, 1, p, &len, sizeof(p), 102),
	    PRW_CHANGED);
	assert_memory_equal(p + 40, "\x02\x04\x05\xb4", 4);
	assert_int_equal(p[34] << 8 | p[35], 14600);
	assert_true(sums_ok(p, len));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_seq_probe),
		cmocka_unit_test(test_t_probes),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_p0f_labels),
		cmocka_unit_test(test_p0f_session),
	};

	return (cmocka_run_group_tests_name("persona", tests, NULL, NULL));
}
