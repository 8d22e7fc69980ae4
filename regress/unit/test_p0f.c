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

/* Unit tests for capture/p0f.c: signature files, and matching by hand. */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/dlt.h>

#include "capture/decode.h"
#include "capture/p0f.h"

/* What a test packet looks like; zero is a plain IPv4 SYN. */
struct spec {
	int		 v6;
	uint8_t		 ttl;
	uint8_t		 tos;
	int		 nodf;
	uint16_t	 id;
	uint32_t	 flow;
	uint8_t		 flags;		/* 0: SYN */
	int		 zeroseq;
	uint32_t	 seq;
	uint32_t	 ack;
	uint16_t	 win;
	uint16_t	 urp;
	const uint8_t	*opt;
	size_t		 optlen;
	size_t		 paylen;
};

static void	put16(uint8_t *, uint16_t);
static void	put32(uint8_t *, uint32_t);
static void	build(struct pkt *, uint8_t *, const struct spec *);
static struct p0f_db *load(const char *);
static void	bad_file(const char *, const char *);
static void	http(const struct p0f_db *, int, const char *,
		    struct p0f_http *);

static const char sigs[] =
    "; a comment, then blank lines\n"
    "\n"
    "classes = win,unix,other\n"
    "[mtu]\n"
    "label = Ethernet or modem\n"
    "sig   = 1500\n"
    "label = DSL\n"
    "sig   = 1492\n"
    "[tcp:request]\n"
    "label = s:unix:Linux:3.11 and newer\n"
    "sig   = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0\n"
    "label = g:unix:Linux:2.2.x-3.x\n"
    "sig   = *:64:0:*:*,*:mss,sok,ts,nop,ws:df,id+:0\n"
    "label = s:win:Windows:7 or 8\n"
    "sig   = *:128:0:*:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0\n"
    "label = s:unix:OpenVMS:8.x\n"
    "sig   = 4:128:0:1460:mtu*2,0:mss,nop,ws::0\n"
    "label = s:other:Modulo:\n"
    "sig   = 4:64:0:1400:%1000,0:mss::+\n"
    "label = s:!:NMap:SYN scan\n"
    "sys   = @unix,@win\n"
    "sig   = *:64-:0:1460:1024,0:mss::0\n"
    "\t\n"
    "[tcp:response]\n"
    "label = s:unix:Linux:3.x\n"
    "sig   = *:64:0:*:mss*10,0:mss:df:0\r\n"
    "[http:request]\n"
    "ua_os = Linux,Windows\n"
    "label = s:!:wget:\n"
    "sys   = Linux\n"
    "sig   = *:User-Agent,Host:Accept:Wget\n";

static const uint8_t linux_opts[] = {	/* mss 1460,sok,ts,nop,ws 7 */
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x30, 0x39, 0, 0, 0, 0, 1, 3, 3, 7
};
static const uint8_t win_opts[] = {	/* mss 1460,nop,ws 8,nop,nop,sok */
	2, 4, 0x05, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2
};
static const uint8_t vms_opts[] = {	/* mss 1460,nop,ws 0 */
	2, 4, 0x05, 0xb4, 1, 3, 3, 0
};
static const uint8_t mss_opts[] = {	/* mss 1460 */
	2, 4, 0x05, 0xb4
};

static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static void
put32(uint8_t *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v & 0xffff);
}

/* A raw IP frame from a spec, decoded into *p. */
static void
build(struct pkt *p, uint8_t *b, const struct spec *s)
{
	size_t	 ih = s->v6 ? 40 : 20, th = 20 + s->optlen;
	size_t	 len = ih + th + s->paylen;
	uint8_t	*t = b + ih;

	memset(b, 0, len);
	if (s->v6) {
		put32(b, 0x60000000 | (uint32_t)s->tos << 20 | s->flow);
		put16(b + 4, (uint16_t)(th + s->paylen));
		b[6] = IPPROTO_TCP;
		b[7] = s->ttl ? s->ttl : 64;
		memcpy(b + 8, "\x20\x01\x0d\xb8", 4);
		b[23] = 7;
		memcpy(b + 24, "\x20\x01\x0d\xb8", 4);
		b[39] = 1;
	} else {
		b[0] = 0x45;
		b[1] = s->tos;
		put16(b + 2, (uint16_t)len);
		put16(b + 4, s->id);
		b[6] = s->nodf ? 0 : 0x40;
		b[8] = s->ttl ? s->ttl : 64;
		b[9] = IPPROTO_TCP;
		memcpy(b + 12, "\xc6\x33\x64\x07", 4);
		memcpy(b + 16, "\xc6\x33\x64\x01", 4);
	}
	put16(t, 40000);
	put16(t + 2, 80);
	put32(t + 4, s->zeroseq ? 0 : s->seq ? s->seq : 1000);
	put32(t + 8, s->ack);
	t[12] = (uint8_t)((th / 4) << 4);
	t[13] = s->flags ? s->flags : 0x02;
	put16(t + 14, s->win);
	put16(t + 18, s->urp);
	if (s->optlen > 0)
		memcpy(t + 20, s->opt, s->optlen);
	memset(t + th, 'x', s->paylen);
	assert_int_equal(pkt_decode(p, DLT_RAW, b, len, len), 0);
	assert_true(p->p_flags & PKT_F_TCP);
}

static struct p0f_db *
load(const char *text)
{
	struct p0f_db	*db;
	char		 err[256];

	db = p0f_db_parse("test.fp", text, strlen(text), err, sizeof(err));
	if (db == NULL)
		fail_msg("%s", err);
	return (db);
}

/* The first line of text is fine; the bad one's number and reason. */
static void
bad_file(const char *text, const char *want)
{
	char	 err[256];

	assert_null(p0f_db_parse("bad.fp", text, strlen(text), err,
	    sizeof(err)));
	if (strstr(err, want) == NULL)
		fail_msg("got '%s', want '%s'", err, want);
}

static void
test_parse(void **state)
{
	struct p0f_db	*db;
	struct p0f_stats st;

	(void)state;
	db = load(sigs);
	p0f_db_stats(db, &st);
	assert_int_equal(st.ps_classes, 3);
	assert_int_equal(st.ps_labels, 10);
	assert_int_equal(st.ps_tcp[P0F_REQUEST], 6);
	assert_int_equal(st.ps_tcp[P0F_RESPONSE], 1);
	assert_int_equal(st.ps_mtu, 2);
	assert_int_equal(st.ps_http[P0F_REQUEST], 1);
	assert_int_equal(st.ps_http[P0F_RESPONSE], 0);
	p0f_db_free(db);
	p0f_db_free(NULL);
}

static void
test_parse_errors(void **state)
{
	char	 err[256];
	char	 big[5000];

	(void)state;
#define HDR	"classes = unix\n[tcp:request]\nlabel = s:unix:Linux:x\n"
	bad_file(HDR "sig = 5:64:0:*:*,*:mss::0\n", "bad.fp:4: IP version");
	bad_file(HDR "sig = *:0:0:*:*,*:mss::0\n", "bad.fp:4: initial TTL");
	bad_file(HDR "sig = *:64+300:0:*:*,*:mss::0\n", "bad.fp:4: initial");
	bad_file(HDR "sig = *:64:x:*:*,*:mss::0\n", "bad.fp:4: IP option");
	bad_file(HDR "sig = *:64:0:70000:*,*:mss::0\n", "bad.fp:4: MSS");
	bad_file(HDR "sig = *:64:0:*:mss*0,*:mss::0\n", "bad.fp:4: window");
	bad_file(HDR "sig = *:64:0:*:%1,*:mss::0\n", "bad.fp:4: window");
	bad_file(HDR "sig = *:64:0:*:*,x:mss::0\n", "bad.fp:4: window scale");
	bad_file(HDR "sig = *:64:0:*:*,*:mss,foo::0\n", "bad.fp:4: unknown "
	    "TCP option");
	bad_file(HDR "sig = *:64:0:*:*,*:eol+1,mss::0\n", "bad.fp:4: 'eol' "
	    "must be the last");
	bad_file(HDR "sig = *:64:0:*:*,*:mss:df,what:0\n", "bad.fp:4: unknown "
	    "quirk");
	bad_file(HDR "sig = 6:64:0:*:*,*:mss:df:0\n", "bad.fp:4: quirk 'df' "
	    "is not valid for IPv6");
	bad_file(HDR "sig = 4:64:0:*:*,*:mss:flow:0\n", "bad.fp:4: quirk "
	    "'flow' is not valid for IPv4");
	bad_file(HDR "sig = *:64:0:*:*,*:mss::-\n", "bad.fp:4: payload");
	bad_file(HDR "sig = *:64:0:*:*,*:mss::0\nsig = *:64:0:*:*,*:mss::0\n",
	    "bad.fp:5: signature already covered by line 4");
	bad_file(HDR "label = s:nosuch:X:\n", "bad.fp:4: unknown class "
	    "'nosuch'");
	bad_file(HDR "label = x:unix:X:\n", "bad.fp:4: label must start");
	bad_file(HDR "label = s:!:Tool:\nsig = *:64:0:*:*,*:mss::0\n",
	    "bad.fp:5: label of class '!' needs 'sys'");
	bad_file(HDR "sys = Linux\n", "bad.fp:4: 'sys' only follows");
	bad_file("classes = unix\nsig = *:64:0:*:*,*:mss::0\n",
	    "bad.fp:2: 'sig' without a label");
	bad_file("[tcp:sideways]\n", "bad.fp:1: unknown section");
	bad_file(HDR "frobnicate = 1\n", "bad.fp:4: unknown field");
	bad_file(HDR "just some words\n", "bad.fp:4: expected 'name = value'");
	bad_file("[tcp:request]\nclasses = unix\n", "bad.fp:2: 'classes' "
	    "after");
	bad_file("classes = unix\n[mtu]\nlabel = X\nsig = 0\n", "bad.fp:4: "
	    "MTU must be");
	bad_file("classes = unix\n\n\nlabel\x01 = x\n", "bad.fp:4:");
#undef HDR
	/* A NUL in the file, and a line too long to be a signature. */
	assert_null(p0f_db_parse("nul.fp", "classes = unix\n\n[mtu\0]\n", 21,
	    err, sizeof(err)));
	assert_string_equal(err, "nul.fp:3: NUL byte");
	memset(big, 'a', sizeof(big));
	memcpy(big, "classes = unix\n", 15);
	assert_null(p0f_db_parse("long.fp", big, sizeof(big), err,
	    sizeof(err)));
	assert_non_null(strstr(err, "long.fp:2: line longer"));
	/* Errors never echo control bytes from the file. */
	assert_null(p0f_db_parse("ctl.fp", "\x1b[31m = 1\n", 10, err,
	    sizeof(err)));
	assert_null(strchr(err, '\x1b'));
	assert_null(p0f_db_open("/nonexistent/p0f.fp", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/p0f.fp: "));
}

static void
test_exact_and_distance(void **state)
{
	struct p0f_db		*db = load(sigs);
	struct p0f_result	 r;
	struct spec		 s;
	struct pkt		 p;
	uint8_t			 b[128];
	char			 buf[64];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.ttl = 57;
	s.id = 7;
	s.win = 29200;
	s.opt = linux_opts;
	s.optlen = sizeof(linux_opts);
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, P0F_FUZZY, &r), 0);
	assert_int_equal(r.pr_dir, P0F_REQUEST);
	assert_int_equal(r.pr_flags & (P0F_R_MATCH | P0F_R_GENERIC |
	    P0F_R_FUZZY), P0F_R_MATCH);
	assert_string_equal(r.pr_genre, "Linux");
	assert_string_equal(r.pr_flavor, "3.11 and newer");
	assert_string_equal(r.pr_class, "unix");
	assert_string_equal(r.pr_label, "s:unix:Linux:3.11 and newer");
	assert_string_equal(r.pr_os, "Linux 3.11 and newer");
	assert_int_equal(r.pr_line, 11);
	assert_int_equal(r.pr_dist, 7);
	assert_int_equal(r.pr_ttl, 57);
	assert_string_equal(r.pr_rawsig,
	    "4:57+7:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0");
	assert_true(r.pr_flags & P0F_R_LINK);
	assert_int_equal(r.pr_mtu, 1500);
	assert_string_equal(r.pr_link, "Ethernet or modem");
	p0f_params(&r, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	p0f_dist(&r, buf, sizeof(buf));
	assert_string_equal(buf, "7");

	/*
	 * The same stack over IPv6: "*" drops df and id+ from the sig, but
	 * a flow label is a quirk the sig lacks, and not one that a fuzzy
	 * match forgives.
	 */
	s.v6 = 1;
	s.flow = 0x12345;
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, P0F_FUZZY, &r), 0);
	assert_false(r.pr_flags & P0F_R_MATCH);
	assert_string_equal(r.pr_rawsig,
	    "6:57+7:0:1460:mss*20,7:mss,sok,ts,nop,ws:flow:0");
	assert_int_equal(r.pr_mtu, 1520);
	assert_false(r.pr_flags & P0F_R_LINK);
	s.flow = 0;
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), 0);
	assert_string_equal(r.pr_os, "Linux 3.11 and newer");
	assert_int_equal(r.pr_flags & (P0F_R_GENERIC | P0F_R_FUZZY), 0);
	p0f_db_free(db);
}

static void
test_generic_fuzzy(void **state)
{
	struct p0f_db		*db = load(sigs);
	struct p0f_result	 r;
	struct spec		 s;
	struct pkt		 p;
	uint8_t			 b[128];
	char			 buf[64];

	(void)state;
	/* The window fits no specific sig: the generic one answers. */
	memset(&s, 0, sizeof(s));
	s.id = 7;
	s.win = 12345;
	s.opt = linux_opts;
	s.optlen = sizeof(linux_opts);
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, P0F_FUZZY, &r), 0);
	assert_string_equal(r.pr_label, "g:unix:Linux:2.2.x-3.x");
	assert_int_equal(r.pr_flags & (P0F_R_GENERIC | P0F_R_FUZZY),
	    P0F_R_GENERIC);
	p0f_params(&r, buf, sizeof(buf));
	assert_string_equal(buf, "generic");

	/* A middlebox cleared DF and zeroed the ID: only a fuzzy match. */
	memset(&s, 0, sizeof(s));
	s.nodf = 1;
	s.ttl = 120;
	s.tos = 0x20;
	s.win = 8192;
	s.opt = win_opts;
	s.optlen = sizeof(win_opts);
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, P0F_FUZZY, &r), 0);
	assert_string_equal(r.pr_os, "Windows 7 or 8");
	assert_true(r.pr_flags & P0F_R_FUZZY);
	assert_int_equal(r.pr_dist, 8);
	p0f_params(&r, buf, sizeof(buf));
	assert_string_equal(buf, "fuzzy tos:0x08");
	/* Without P0F_FUZZY: unknown, the distance guessed from the TTL. */
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), 0);
	assert_false(r.pr_flags & P0F_R_MATCH);
	assert_string_equal(r.pr_os, "");
	assert_int_equal(r.pr_dist, 8);
	assert_string_equal(r.pr_rawsig,
	    "4:120+8:0:1460:8192,8:mss,nop,ws,nop,nop,sok:id-:0");

	/* TTL above the sig's initial TTL: fuzzy too, and a distance guess. */
	s.nodf = 0;
	s.id = 1;
	s.tos = 0;
	s.ttl = 200;
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, P0F_FUZZY, &r), 0);
	assert_true(r.pr_flags & P0F_R_FUZZY);
	assert_int_equal(r.pr_dist, 55);
	assert_true(r.pr_flags & P0F_R_EXCESSDIST);
	assert_string_equal(r.pr_rawsig,
	    "4:200+?:0:1460:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0");
	p0f_db_free(db);
}

static void
test_windows_and_tools(void **state)
{
	struct p0f_db		*db = load(sigs);
	struct p0f_result	 r;
	struct spec		 s;
	struct pkt		 p;
	uint8_t			 b[128];
	char			 buf[64];

	(void)state;
	/* mtu*2: 2 * (1460 + 40), and not a multiple of the MSS. */
	memset(&s, 0, sizeof(s));
	s.nodf = 1;
	s.id = 9;
	s.ttl = 126;
	s.win = 3000;
	s.opt = vms_opts;
	s.optlen = sizeof(vms_opts);
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), 0);
	assert_string_equal(r.pr_os, "OpenVMS 8.x");
	assert_string_equal(r.pr_rawsig,
	    "4:126+2:0:1460:mtu*2,0:mss,nop,ws::0");

	/* %1000 with a payload. */
	memset(&s, 0, sizeof(s));
	s.nodf = 1;
	s.id = 9;
	s.win = 5000;
	s.opt = (const uint8_t *)"\x02\x04\x05\x78";	/* mss 1400 */
	s.optlen = 4;
	s.paylen = 3;
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), 0);
	assert_string_equal(r.pr_os, "Modulo");
	assert_string_equal(r.pr_label, "s:other:Modulo:");
	s.win = 5500;
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), 0);
	assert_false(r.pr_flags & P0F_R_MATCH);

	/* A tool with a random TTL: a bound, and no link guess. */
	memset(&s, 0, sizeof(s));
	s.nodf = 1;
	s.id = 77;
	s.ttl = 41;
	s.win = 1024;
	s.opt = mss_opts;
	s.optlen = sizeof(mss_opts);
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), 0);
	assert_string_equal(r.pr_os, "NMap SYN scan");
	assert_true(r.pr_flags & P0F_R_USERLAND);
	assert_true(r.pr_flags & P0F_R_BADTTL);
	assert_false(r.pr_flags & P0F_R_MTU);
	p0f_dist(&r, buf, sizeof(buf));
	assert_string_equal(buf, "<= 23");
	p0f_params(&r, buf, sizeof(buf));
	assert_string_equal(buf, "random_ttl");
	/* Its TTL may not be above the bound. */
	s.ttl = 65;
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, P0F_FUZZY, &r), 0);
	assert_false(r.pr_flags & P0F_R_MATCH);
	p0f_db_free(db);
}

static void
test_direction_and_quirks(void **state)
{
	struct p0f_db		*db = load(sigs);
	struct p0f_result	 r;
	struct spec		 s;
	struct pkt		 p;
	uint8_t			 b[128];

	(void)state;
	/* A SYN+ACK goes to [tcp:response], window from its own MSS. */
	memset(&s, 0, sizeof(s));
	s.flags = 0x12;
	s.ack = 1001;
	s.win = 14600;
	s.opt = mss_opts;
	s.optlen = sizeof(mss_opts);
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 1460, 0, &r), 0);
	assert_int_equal(r.pr_dir, P0F_RESPONSE);
	assert_string_equal(r.pr_os, "Linux 3.x");
	assert_string_equal(r.pr_rawsig, "4:64+0:0:1460:mss*10,0:mss:df:0");
	/* ... and never to [tcp:request]: a SYN like it is unknown. */
	s.flags = 0x02;
	s.ack = 0;
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), 0);
	assert_false(r.pr_flags & P0F_R_MATCH);
	/* Neither SYN nor SYN+ACK, and SYN with RST: not fingerprinted. */
	s.flags = 0x10;
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), -1);
	s.flags = 0x06;
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), -1);

	/* Every quirk a SYN can show, and their order in raw_sig. */
	memset(&s, 0, sizeof(s));
	s.nodf = 1;
	s.tos = 0x01;
	s.flags = 0x02 | 0x20 | 0x08 | 0x80;
	s.ack = 5;
	s.zeroseq = 1;
	s.urp = 9;
	s.opt = (const uint8_t *)"\x03\x03\x0f\x08\x0a\x00\x00\x00\x00\x00"
	    "\x00\x00\x01\x00\x07\x00";		/* ws 15, ts 0/1, eol, 7, 0 */
	s.optlen = 16;
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), 0);
	assert_string_equal(r.pr_rawsig, "4:64+0:0:0:0,15:ws,ts,eol+2:"
	    "id-,ecn,seq-,ack+,urgf+,pushf+,ts1-,ts2+,opt+,exws:0");
	/* Options that run off the header: "bad", layout kept so far. */
	s.opt = (const uint8_t *)"\x02\x05\x05\xb4\x01\x1e\x09\x00";
	s.optlen = 8;
	s.flags = 0x02;
	s.ack = 0;
	s.urp = 9;
	s.tos = 0;
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), 0);
	assert_string_equal(r.pr_rawsig, "4:64+0:0:1460:0,0:mss,nop,?30:"
	    "id-,seq-,uptr+,bad:0");
	p0f_db_free(db);
}

static void
test_uptime(void **state)
{
	struct p0f_db		*db = load(sigs);
	struct p0f_uptime	*ut;
	struct p0f_result	 r;
	struct spec		 s;
	struct pkt		 p;
	uint8_t			 b[128], opts[sizeof(linux_opts)];

	(void)state;
	assert_non_null(ut = p0f_uptime_new(16));
	memcpy(opts, linux_opts, sizeof(opts));
	memset(&s, 0, sizeof(s));
	s.id = 7;
	s.win = 29200;
	s.opt = opts;
	s.optlen = sizeof(opts);
	/* 1000 Hz, 12345678 ticks: 3 hours 25 minutes of uptime. */
	put32(opts + 8, 12345678 - 2000);
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), 0);
	assert_int_equal(p0f_uptime_check(ut, &p, 100000, &r), 0);
	put32(opts + 8, 12345678);
	build(&p, b, &s);
	assert_int_equal(p0f_match(db, &p, 0, 0, &r), 0);
	assert_int_equal(p0f_uptime_check(ut, &p, 102000, &r), 1);
	assert_true(r.pr_flags & P0F_R_UPTIME);
	assert_int_equal(r.pr_tsfreq, 1000);
	assert_int_equal(r.pr_uptime_min, 205);
	assert_int_equal(r.pr_uptime_mod_days, 49);
	/* Too soon after the last one: nothing. */
	assert_int_equal(p0f_uptime_check(ut, &p, 102010, &r), 0);
	p0f_uptime_free(ut);
	p0f_uptime_free(NULL);
	p0f_db_free(db);
}

static const char httpsigs[] =
    "classes = win,unix\n"
    "[http:request]\n"
    "label = s:!:curl:\n"
    "sys   = @unix\n"
    "sig   = *:User-Agent,Host,Accept=[*/*]:Connection,Accept-Language:"
    "curl/\n"
    "label = s:!:Browser:1.x\n"
    "sys   = Windows\n"
    "sig   = 1:Host,User-Agent,Accept=[,*/*;q=],?Accept-Language=[;q=],"
    "Accept-Encoding=[gzip],?DNT=[1],Connection=[keep-alive],?Referer:"
    "Keep-Alive:Browser/\n"
    "label = s:unix:Linux:from HTTP\n"
    "sig   = 0:Host,X-Linux::\n"
    "label = g:!:Anything:\n"
    "sys   = Linux\n"
    "sig   = *:Host::\n"
    "[http:response]\n"
    "label = s:!:Apache:2.x\n"
    "sys   = Linux\n"
    "sig   = 1:Date,Server,?Content-Length,Connection=[close]:Keep-Alive:"
    "Apache\n";

/* p0f_http_match() on a C string; the result must be DONE. */
static void
http(const struct p0f_db *db, int dir, const char *msg, struct p0f_http *h)
{
	assert_int_equal(p0f_http_match(db, dir, (const uint8_t *)msg,
	    strlen(msg), h), P0F_HTTP_DONE);
	assert_int_equal(h->ph_dir, dir);
}

static void
test_http_parse(void **state)
{
	struct p0f_db	*db;
	struct p0f_stats st;
	char		 big[4096];
	size_t		 i, off;

	(void)state;
	db = load(httpsigs);
	p0f_db_stats(db, &st);
	assert_int_equal(st.ps_http[P0F_REQUEST], 4);
	assert_int_equal(st.ps_http[P0F_RESPONSE], 1);
	p0f_db_free(db);

#define HTTPHEAD	"classes = unix\n[http:request]\nlabel = s:unix:X:\n"
	bad_file(HTTPHEAD "sig = 2:Host::\n",
	    "bad.fp:4: HTTP version must be 0, 1 or *");
	bad_file(HTTPHEAD "sig = 1:Host=x::\n",
	    "bad.fp:4: '=' must be followed by '['");
	bad_file(HTTPHEAD "sig = 1:Host=[]::\n",
	    "bad.fp:4: malformed header value");
	bad_file(HTTPHEAD "sig = 1:Host=[abc::\n",
	    "bad.fp:4: malformed header value");
	bad_file(HTTPHEAD "sig = 1:Host;X::\n",
	    "bad.fp:4: malformed header list near ';X::'");
	bad_file(HTTPHEAD "sig = 1:?::\n",
	    "bad.fp:4: malformed header name");
	bad_file(HTTPHEAD "sig = 1:Host:A=[b]:\n",
	    "bad.fp:4: malformed absent header list");
	bad_file(HTTPHEAD "sig = 1:Host::a:b\n",
	    "bad.fp:4: HTTP signature has more than four fields");
	bad_file(HTTPHEAD "sig = 1:Host\n",
	    "bad.fp:4: malformed header list");
	/* An earlier specific signature matching all it can: a mistake. */
	bad_file(HTTPHEAD "sig = *:Host,Accept::\nsig = 1:Host,?X,Accept::\n",
	    "bad.fp:5: signature already covered by line 4");
	/* Unless it bans more, or this one says less for certain. */
	db = load(HTTPHEAD "sig = *:Host,Accept:Via:\n"
	    "sig = 1:Host,Accept::\nsig = 1:Host,?Accept::\n");
	p0f_db_free(db);

	off = (size_t)snprintf(big, sizeof(big), HTTPHEAD "sig = 1:");
	for (i = 0; i < P0F_HTTP_MAXHDRS + 1; i++)
		off += (size_t)snprintf(big + off, sizeof(big) - off, "%sH%zu",
		    i > 0 ? "," : "", i);
	(void)snprintf(big + off, sizeof(big) - off, "::\n");
	bad_file(big, "bad.fp:4: more than 32 headers");
}

static void
test_http_request(void **state)
{
	struct p0f_db	*db;
	struct p0f_http	 h;
	char		 params[64];

	(void)state;
	db = load(httpsigs);

	http(db, P0F_REQUEST, "GET / HTTP/1.1\r\nUser-Agent: curl/7.88.1\r\n"
	    "Host: example.com\r\nAccept: */*\r\n\r\nbody", &h);
	assert_int_equal(h.ph_flags, P0F_H_MATCH | P0F_H_USERLAND);
	assert_string_equal(h.ph_label, "s:!:curl:");
	assert_string_equal(h.ph_app, "curl");
	assert_string_equal(h.ph_class, "!");
	assert_int_equal(h.ph_line, 5);
	assert_int_equal(h.ph_ver, 1);
	assert_string_equal(h.ph_sw, "curl/7.88.1");
	assert_string_equal(p0f_http_lang(&h), "none");
	p0f_http_params(&h, params, sizeof(params));
	assert_string_equal(params, "none");
	assert_string_equal(h.ph_rawsig, "1:User-Agent,Host,Accept=[*/*]:"
	    "Connection,Accept-Encoding,Accept-Language,Accept-Charset,"
	    "Keep-Alive:curl/7.88.1");

	/* Another User-Agent: dishonest; an absent header present: not. */
	http(db, P0F_REQUEST, "HEAD /x HTTP/1.0\nUser-Agent: Wget/1\n"
	    "Host: h\nAccept: text/html, */*\n\n", &h);
	assert_int_equal(h.ph_flags, P0F_H_MATCH | P0F_H_USERLAND |
	    P0F_H_DISHONEST);
	assert_int_equal(h.ph_ver, 0);
	p0f_http_params(&h, params, sizeof(params));
	assert_string_equal(params, "dishonest");
	http(db, P0F_REQUEST, "GET / HTTP/1.1\r\nUser-Agent: curl/8\r\n"
	    "Host: h\r\nAccept: */*\r\nConnection: close\r\n\r\n", &h);
	assert_string_equal(h.ph_label, "g:!:Anything:");
	assert_int_equal(h.ph_flags, P0F_H_MATCH | P0F_H_USERLAND |
	    P0F_H_GENERIC);
	p0f_http_params(&h, params, sizeof(params));
	assert_string_equal(params, "generic");

	/* Optional headers: in their place, or nowhere. */
	http(db, P0F_REQUEST, "GET / HTTP/1.1\r\nHost: h\r\n"
	    "User-Agent: Browser/2\r\nAccept: text/html,*/*;q=0.8\r\n"
	    "Accept-Language: de-DE,de;q=0.5\r\nAccept-Encoding: gzip\r\n"
	    "Connection: keep-alive\r\nReferer: http://x/\r\n\r\n", &h);
	assert_string_equal(h.ph_app, "Browser 1.x");
	assert_string_equal(h.ph_langcode, "de");
	assert_string_equal(p0f_http_lang(&h), "German");
	assert_string_equal(h.ph_rawsig, "1:Host,User-Agent,"
	    "Accept=[text/html,*/*;q=0.8],Accept-Language=[de-DE,de;q=0.5],"
	    "Accept-Encoding=[gzip],Connection=[keep-alive],?Referer:"
	    "Accept-Charset,Keep-Alive:Browser/2");
	http(db, P0F_REQUEST, "GET / HTTP/1.1\r\nHost: h\r\n"
	    "User-Agent: Browser/2\r\nAccept: ,*/*;q=\r\n"
	    "Accept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n", &h);
	assert_string_equal(h.ph_app, "Browser 1.x");
	/* Out of place, or without the value asked for: generic. */
	http(db, P0F_REQUEST, "GET / HTTP/1.1\r\nHost: h\r\n"
	    "User-Agent: Browser/2\r\nAccept: ,*/*;q=\r\n"
	    "Accept-Encoding: gzip\r\nConnection: keep-alive\r\n"
	    "DNT: 1\r\n\r\n", &h);
	assert_string_equal(h.ph_label, "g:!:Anything:");
	http(db, P0F_REQUEST, "GET / HTTP/1.1\r\nHost: h\r\n"
	    "User-Agent: Browser/2\r\nAccept: ,*/*;q=\r\n"
	    "Accept-Language: en\r\nAccept-Encoding: gzip\r\n"
	    "Connection: keep-alive\r\n\r\n", &h);
	assert_string_equal(h.ph_label, "g:!:Anything:");
	assert_string_equal(p0f_http_lang(&h), "English");
	/* HTTP/1.0 is not what the signature says. */
	http(db, P0F_REQUEST, "GET / HTTP/1.0\r\nHost: h\r\n"
	    "User-Agent: Browser/2\r\nAccept: ,*/*;q=\r\n"
	    "Accept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n", &h);
	assert_string_equal(h.ph_label, "g:!:Anything:");

	/* An OS signature; an anonymous client; unknown names as sent. */
	http(db, P0F_REQUEST, "GET / HTTP/1.0\r\nHost: h\r\nx-linux: 1\r\n"
	    "X-Linux: a|b]c\r\nAccept-Language: xx\r\n\r\n", &h);
	assert_string_equal(h.ph_label, "s:unix:Linux:from HTTP");
	assert_int_equal(h.ph_flags, P0F_H_MATCH | P0F_H_ANONYMOUS |
	    P0F_H_LANG);
	assert_string_equal(p0f_http_lang(&h), "???");
	assert_string_equal(h.ph_rawsig, "0:Host,x-linux=[1],X-Linux=[a],"
	    "Accept-Language=[xx]:User-Agent,Connection,Accept,"
	    "Accept-Encoding,Accept-Charset,Keep-Alive:");
	p0f_http_params(&h, params, sizeof(params));
	assert_string_equal(params, "anonymous");
	/* No match at all; values are C strings, as in p0f. */
	assert_int_equal(p0f_http_match(db, P0F_REQUEST, (const uint8_t *)
	    "GET / HTTP/1.1\r\nX-A:  two\r\nUser-Agent: a\0b\r\n"
	    "X-Pipe: a|b]\r\nAccept-Language: EN\r\n\r\n", 81, &h),
	    P0F_HTTP_DONE);
	assert_int_equal(h.ph_flags, P0F_H_LANG);
	assert_string_equal(h.ph_label, "");
	assert_string_equal(h.ph_sw, "a");
	assert_string_equal(p0f_http_lang(&h), "???");
	assert_string_equal(h.ph_rawsig, "1:X-A=[ two],User-Agent,"
	    "X-Pipe=[a|b],Accept-Language=[EN]:Host,Connection,Accept,"
	    "Accept-Encoding,Accept-Charset,Keep-Alive:a");
	p0f_db_free(db);
}

static void
test_http_response(void **state)
{
	struct p0f_db	*db;
	struct p0f_http	 h;

	(void)state;
	db = load(httpsigs);
	http(db, P0F_RESPONSE, "HTTP/1.1 200 OK\r\nDate: Mon, 1 Jan 2024\r\n"
	    "Server: Apache/2.4\r\nConnection: close\r\n"
	    "Content-Type: text/html\r\nCache-Control: x\r\n\r\n", &h);
	assert_string_equal(h.ph_app, "Apache 2.x");
	assert_int_equal(h.ph_flags, P0F_H_MATCH | P0F_H_USERLAND);
	assert_string_equal(h.ph_rawsig, "1:Date,Server,Connection=[close],"
	    "Content-Type,?Cache-Control:Keep-Alive,Accept-Ranges:"
	    "Apache/2.4");
	/* A response's Accept-Language is no language. */
	http(db, P0F_RESPONSE, "HTTP/1.1 200 OK\r\nDate: x\r\nServer: nginx\r\n"
	    "Content-Length: 5\r\nConnection: close\r\n"
	    "Accept-Language: en\r\n\r\n", &h);
	assert_int_equal(h.ph_flags, P0F_H_MATCH | P0F_H_USERLAND |
	    P0F_H_DISHONEST);
	assert_string_equal(p0f_http_lang(&h), "none");
	http(db, P0F_RESPONSE, "HTTP/1.0 404 Not Found\r\n\r\n", &h);
	assert_int_equal(h.ph_flags, P0F_H_ANONYMOUS);
	assert_string_equal(h.ph_rawsig, "0::Content-Type,Connection,"
	    "Keep-Alive,Accept-Ranges,Date:");
	p0f_db_free(db);
}

/* What p0f does not read, and where it waits for more. */
static void
test_http_limits(void **state)
{
	struct p0f_db	*db;
	struct p0f_http	 h;
	uint8_t		*big;
	size_t		 i, off;

	(void)state;
	db = load(httpsigs);
#define HM(dir, s)	p0f_http_match(db, (dir), (const uint8_t *)(s), \
			    strlen(s), &h)
	assert_int_equal(HM(P0F_REQUEST, "GET / HTTP/1.1"), P0F_HTTP_MORE);
	assert_int_equal(HM(P0F_REQUEST, "GET / HTTP/1.1\r\nHost: h\r\n"),
	    P0F_HTTP_MORE);
	assert_int_equal(HM(P0F_REQUEST, "GET / HTTP/1.1\r\nHost"),
	    P0F_HTTP_MORE);
	assert_int_equal(HM(P0F_REQUEST, "POST / HTTP/1.1\r\n\r\n"),
	    P0F_HTTP_NOTHTTP);
	assert_int_equal(HM(P0F_REQUEST, "GET x HTTP/1.1\r\n\r\n"),
	    P0F_HTTP_NOTHTTP);
	assert_int_equal(HM(P0F_REQUEST, "GET / HTTP/2.0\r\n\r\n"),
	    P0F_HTTP_NOTHTTP);
	assert_int_equal(HM(P0F_REQUEST, "GET / HTTP/1.1\r\nHost h\r\n\r\n"),
	    P0F_HTTP_NOTHTTP);
	assert_int_equal(HM(P0F_REQUEST, "GET /\x01 HTTP/1.1\r\n\r\n"),
	    P0F_HTTP_NOTHTTP);
	assert_int_equal(HM(P0F_REQUEST, "GET / H\r\n\r\n\r\n\r\n"),
	    P0F_HTTP_NOTHTTP);
	assert_int_equal(HM(P0F_RESPONSE, "HTTP/1.1 2\r\n\r\n"),
	    P0F_HTTP_NOTHTTP);
	assert_int_equal(HM(P0F_RESPONSE, "HTTP/1.1 200"), P0F_HTTP_MORE);
	assert_int_equal(HM(P0F_RESPONSE, "HTTP/2 200 OK\r\n\r\n"),
	    P0F_HTTP_NOTHTTP);
	assert_int_equal(HM(P0F_RESPONSE, "GET / HTTP/1.1\r\n\r\n"),
	    P0F_HTTP_NOTHTTP);
	assert_int_equal(p0f_http_match(db, 7, (const uint8_t *)"x", 1, &h),
	    P0F_HTTP_NOTHTTP);
	/* One blank line, or just its CR, ends the block. */
	assert_int_equal(HM(P0F_RESPONSE, "HTTP/1.1 200 OK\r\n\r"),
	    P0F_HTTP_DONE);
	/* The longest name p0f reads, then one more byte. */
	assert_int_equal(HM(P0F_REQUEST, "GET / HTTP/1.1\r\n"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_0123: 1\r\n\r\n"), P0F_HTTP_DONE);
	assert_int_equal(HM(P0F_REQUEST, "GET / HTTP/1.1\r\n"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_01234: 1\r\n\r\n"), P0F_HTTP_NOTHTTP);

	if ((big = malloc(P0F_HTTP_MAXDATA + 100)) == NULL)
		fail();
	/* 32 headers, not 33. */
	off = (size_t)snprintf((char *)big, 100, "GET / HTTP/1.1\r\n");
	for (i = 0; i < P0F_HTTP_MAXHDRS; i++)
		off += (size_t)snprintf((char *)big + off, 100, "X%zu: y\r\n", i);
	memcpy(big + off, "\r\n", 2);
	assert_int_equal(p0f_http_match(db, P0F_REQUEST, big, off + 2, &h),
	    P0F_HTTP_DONE);
	memcpy(big + off, "Z: 1\r\n\r\n", 8);
	assert_int_equal(p0f_http_match(db, P0F_REQUEST, big, off + 8, &h),
	    P0F_HTTP_NOTHTTP);
	/* A value of 1024 bytes and its CR is too long. */
	off = (size_t)snprintf((char *)big, 100, "GET / HTTP/1.1\r\nX: ");
	memset(big + off, 'v', P0F_HTTP_MAXVAL);
	memcpy(big + off + P0F_HTTP_MAXVAL, "\r\n\r\n", 4);
	assert_int_equal(p0f_http_match(db, P0F_REQUEST, big,
	    off + P0F_HTTP_MAXVAL + 4, &h), P0F_HTTP_NOTHTTP);
	memcpy(big + off + P0F_HTTP_MAXVAL - 1, "\r\n\r\n", 4);
	assert_int_equal(p0f_http_match(db, P0F_REQUEST, big,
	    off + P0F_HTTP_MAXVAL + 3, &h), P0F_HTTP_DONE);
	/* A first line of 1023 bytes and its LF, then one more. */
	memset(big, 'a', P0F_HTTP_MAXLINE + 10);
	memcpy(big, "GET /", 5);
	memcpy(big + P0F_HTTP_MAXLINE - 11, " HTTP/1.1\r\n\r\n", 13);
	assert_int_equal(p0f_http_match(db, P0F_REQUEST, big,
	    P0F_HTTP_MAXLINE + 2, &h), P0F_HTTP_DONE);
	memcpy(big + P0F_HTTP_MAXLINE - 10, " HTTP/1.1\r\n\r\n", 13);
	assert_int_equal(p0f_http_match(db, P0F_REQUEST, big,
	    P0F_HTTP_MAXLINE + 3, &h), P0F_HTTP_NOTHTTP);
	/* Headers that never end: p0f waits for 8 KB, then gives up. */
	off = (size_t)snprintf((char *)big, 100, "GET / HTTP/1.1\r\n");
	while (off + 12 < P0F_HTTP_MAXDATA + 100)
		off += (size_t)snprintf((char *)big + off, 13, "X: %07zu\r\n",
		    off);
	assert_int_equal(p0f_http_match(db, P0F_REQUEST, big,
	    P0F_HTTP_MAXDATA - 1, &h), P0F_HTTP_NOTHTTP);
	/* ... it is the header count that stopped that one: fewer. */
	off = (size_t)snprintf((char *)big, 100, "GET / HTTP/1.1\r\nX: ");
	memset(big + off, 'v', P0F_HTTP_MAXDATA + 100 - off);
	assert_int_equal(p0f_http_match(db, P0F_REQUEST, big, 500, &h),
	    P0F_HTTP_MORE);
	for (i = off + 1000; i < P0F_HTTP_MAXDATA + 100; i += 1000)
		memcpy(big + i, "\r\nX: ", 5);
	assert_int_equal(p0f_http_match(db, P0F_REQUEST, big,
	    P0F_HTTP_MAXDATA - 1, &h), P0F_HTTP_MORE);
	assert_int_equal(p0f_http_match(db, P0F_REQUEST, big,
	    P0F_HTTP_MAXDATA + 100, &h), P0F_HTTP_NOTHTTP);
	free(big);
#undef HM
	p0f_db_free(db);
}

static void
test_stock_file(void **state)
{
	struct p0f_db	*db;
	struct p0f_stats st;
	struct p0f_http	 h;
	char		 err[256];

	(void)state;
	if ((db = p0f_db_open("/etc/p0f/p0f.fp", err, sizeof(err))) == NULL)
		skip();
	p0f_db_stats(db, &st);
	assert_true(st.ps_tcp[P0F_REQUEST] > 50);
	assert_true(st.ps_tcp[P0F_RESPONSE] > 50);
	assert_true(st.ps_mtu > 10);
	assert_true(st.ps_http[P0F_REQUEST] > 50);
	assert_true(st.ps_http[P0F_RESPONSE] > 10);
	/* As p0f 3.09b reads them. */
	http(db, P0F_REQUEST, "GET / HTTP/1.1\r\nUser-Agent: curl/7.88.1\r\n"
	    "Host: h\r\nAccept: */*\r\n\r\n", &h);
	assert_string_equal(h.ph_app, "curl");
	http(db, P0F_RESPONSE, "HTTP/1.1 200 OK\r\n"
	    "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n"
	    "Server: Apache/2.4.57 (Debian)\r\nLast-Modified: x\r\n"
	    "ETag: \"x\"\r\nAccept-Ranges: bytes\r\nContent-Length: 3\r\n"
	    "Vary: Accept-Encoding\r\nKeep-Alive: timeout=5, max=100\r\n"
	    "Connection: Keep-Alive\r\nContent-Type: text/html\r\n\r\n",
	    &h);
	assert_string_equal(h.ph_app, "Apache 2.x");
	assert_string_equal(h.ph_rawsig, "1:Date,Server,?Last-Modified,?ETag,"
	    "Accept-Ranges=[bytes],?Content-Length,?Vary,"
	    "Keep-Alive=[timeout=5, max=100],Connection=[Keep-Alive],"
	    "Content-Type::Apache/2.4.57 (Debian)");
	p0f_db_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_exact_and_distance),
		cmocka_unit_test(test_generic_fuzzy),
		cmocka_unit_test(test_windows_and_tools),
		cmocka_unit_test(test_direction_and_quirks),
		cmocka_unit_test(test_uptime),
		cmocka_unit_test(test_http_parse),
		cmocka_unit_test(test_http_request),
		cmocka_unit_test(test_http_response),
		cmocka_unit_test(test_http_limits),
		cmocka_unit_test(test_stock_file),
	};

	return (cmocka_run_group_tests_name("p0f", tests, NULL, NULL));
}
