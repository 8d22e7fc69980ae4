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
 * libFuzzer target for p0f fingerprinting.  Input: two bytes (little
 * endian) giving the length of a signature file, that file, one byte
 * choosing the link type, then a frame.  The file is parsed; whether or
 * not it loads, the frame is decoded and matched, against it if it loaded
 * and against a built-in database that covers every notation otherwise.
 * The frame's bytes, and the decoded packet's payload, are also read as
 * an HTTP request and as a response, whole and cut short.  Every result
 * string must be terminated and printable (HTTP's raw_sig and software may
 * hold DEL, as p0f's do).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "capture/decode.h"
#include "capture/p0f.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char builtin[] =
    "classes = win,unix,other\n"
    "[mtu]\n"
    "label = Ethernet or modem\n"
    "sig = 1500\n"
    "label = DSL\n"
    "sig = 1492\n"
    "[tcp:request]\n"
    "label = s:unix:Linux:3.11 and newer\n"
    "sig = *:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0\n"
    "sig = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0\n"
    "label = g:unix:Linux:2.2.x-3.x\n"
    "sig = *:64:0:*:*,*:mss,sok,ts,nop,ws:df,id+:0\n"
    "label = s:win:Windows:7 or 8\n"
    "sig = *:128:0:*:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0\n"
    "label = s:unix:Mac OS X:10.x\n"
    "sig = *:64:0:*:65535,1:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0\n"
    "label = s:other:Odd:\n"
    "sig = 4:128:0:1460:mtu*2,0:mss,nop,ws:0+:0\n"
    "sig = 6:64+1:0:*:%8192,*:?30,mss:flow,ecn:*\n"
    "sig = *:255:0:0:*,15:ws,sack,?254:seq-,ack+,uptr+,urgf+,pushf+,"
    "ts1-,ts2+,opt+,exws,bad:+\n"
    "label = s:!:NMap:SYN scan\n"
    "sys = @unix,@win\n"
    "sig = *:64-:0:1460:1024,0:mss::0\n"
    "[tcp:response]\n"
    "label = s:unix:Linux:3.x\n"
    "sig = *:64:0:*:mss*10,0:mss:df:0\n"
    "sig = *:64:0:*:mss*10,*:mss,sok,ts,nop,ws:df:0\n"
    "label = g:win:Windows:NT kernel\n"
    "sig = *:128:0:*:*,*:mss,nop,ws,sok,ts:df,id+,ack-:0\n"
    "[http:request]\n"
    "ua_os = Linux,Windows\n"
    "label = s:!:wget:\n"
    "sys = Linux\n"
    "sig = *:User-Agent,Host:Accept:Wget\n"
    "label = g:!:Generic:client\n"
    "sys = @unix\n"
    "sig = 1:?Host,Accept=[*/*],?Cookie,User-Agent:Keep-Alive,Via:\n"
    "label = s:unix:Linux:from HTTP\n"
    "sig = 0:Host,Accept-Language=[en],X-Odd_1=[a b]::\n"
    "[http:response]\n"
    "label = s:!:Apache:2.x\n"
    "sys = Linux\n"
    "sig = 1:Date,Server,?Content-Length,Connection=[close]:Keep-Alive:"
    "Apache\n"
    "label = g:!:Any:server\n"
    "sys = Linux\n"
    "sig = *:Server::\n";

static const int dlts[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4,
	DLT_IPV6, DLT_NULL, DLT_LOOP
};

static void	check_str(const char *, size_t);
static void	check_str_del(const char *, size_t);
static void	check(const struct p0f_result *);
static void	check_http(const struct p0f_db *, const uint8_t *, size_t);

static struct p0f_db		*base;
static struct p0f_uptime	*ut;

static void
check_str(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			abort();
	if (i == len)
		abort();
}

static void
check_str_del(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7f)
			abort();
	if (i == len)
		abort();
}

/* Both directions, from bytes of exactly this length (for ASan). */
static void
check_http(const struct p0f_db *db, const uint8_t *b, size_t len)
{
	struct p0f_http	 h;
	char		 buf[P0F_PARAMSLEN];
	int		 dir, rv;

	for (dir = P0F_REQUEST; dir <= P0F_RESPONSE; dir++) {
		rv = p0f_http_match(db, dir, b, len, &h);
		if (rv != P0F_HTTP_DONE && rv != P0F_HTTP_MORE &&
		    rv != P0F_HTTP_NOTHTTP)
			abort();
		if (rv != P0F_HTTP_DONE)
			continue;
		if (h.ph_dir != dir || h.ph_ver > 1)
			abort();
		check_str(h.ph_class, sizeof(h.ph_class));
		check_str(h.ph_genre, sizeof(h.ph_genre));
		check_str(h.ph_flavor, sizeof(h.ph_flavor));
		check_str(h.ph_label, sizeof(h.ph_label));
		check_str(h.ph_app, sizeof(h.ph_app));
		check_str(h.ph_langcode, sizeof(h.ph_langcode));
		check_str(h.ph_lang, sizeof(h.ph_lang));
		check_str_del(h.ph_sw, sizeof(h.ph_sw));
		check_str_del(h.ph_rawsig, sizeof(h.ph_rawsig));
		check_str(p0f_http_lang(&h), P0F_HTTP_LANGLEN);
		p0f_http_params(&h, buf, sizeof(buf));
		check_str(buf, sizeof(buf));
		if ((h.ph_flags & P0F_H_MATCH) == 0 && h.ph_label[0] != '\0')
			abort();
	}
}

static void
check(const struct p0f_result *r)
{
	char	 buf[P0F_PARAMSLEN];

	check_str(r->pr_class, sizeof(r->pr_class));
	check_str(r->pr_genre, sizeof(r->pr_genre));
	check_str(r->pr_flavor, sizeof(r->pr_flavor));
	check_str(r->pr_label, sizeof(r->pr_label));
	check_str(r->pr_os, sizeof(r->pr_os));
	check_str(r->pr_rawsig, sizeof(r->pr_rawsig));
	check_str(r->pr_link, sizeof(r->pr_link));
	p0f_params(r, buf, sizeof(buf));
	check_str(buf, sizeof(buf));
	p0f_dist(r, buf, sizeof(buf));
	check_str(buf, sizeof(buf));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct p0f_db		*db;
	struct p0f_result	 r;
	struct pkt		 p;
	char			 err[256];
	uint8_t			*frame;
	size_t			 slen, flen;
	int			 dlt;
	static uint64_t		 now;

	if (base == NULL) {
		base = p0f_db_parse("builtin", builtin, sizeof(builtin) - 1,
		    err, sizeof(err));
		if (base == NULL) {
			fprintf(stderr, "%s\n", err);
			abort();
		}
		if ((ut = p0f_uptime_new(64)) == NULL)
			abort();
	}
	if (len < 3)
		return (0);
	slen = data[0] | (size_t)data[1] << 8;
	if (slen > len - 3)
		slen = len - 3;
	err[0] = '\0';
	db = p0f_db_parse("fuzz", (const char *)data + 2, slen, err,
	    sizeof(err));
	if (db == NULL)
		check_str(err, sizeof(err));
	dlt = dlts[data[2 + slen] % (sizeof(dlts) / sizeof(dlts[0]))];
	flen = len - 3 - slen;
	if ((frame = malloc(flen == 0 ? 1 : flen)) == NULL)
		abort();
	memcpy(frame, data + 3 + slen, flen);
	if (pkt_decode(&p, dlt, frame, flen, flen) == 0) {
		if (p0f_match(db != NULL ? db : base, &p, (uint16_t)slen,
		    P0F_FUZZY, &r) == 0)
			check(&r);
		else
			memset(&r, 0, sizeof(r));
		now += 50 + (len & 0xff);
		(void)p0f_uptime_check(ut, &p, now, &r);
		if (p0f_match(base, &p, 0, 0, &r) == 0)
			check(&r);
		if (p.p_payload != NULL)
			check_http(db != NULL ? db : base, p.p_payload,
			    p.p_paylen);
	}
	check_http(db != NULL ? db : base, frame, flen);
	check_http(base, frame, flen / 2);
	free(frame);
	p0f_db_free(db);
	return (0);
}
