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
 * libFuzzer target for the persona rewriter and its fingerprint parsers.
 * The first byte picks what to do: parse the rest as an nmap-os-db and a
 * p0f.fp, or hand it to the rewriter as a packet to or from an alias of
 * one of the personalities below (made up for this test, not taken from
 * either database) with the buffer's room chosen too.  What comes out
 * must fit in that room and go through the rewriter again.
 */

#include <arpa/inet.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "persona/rewrite.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char db[] =
    "Fingerprint Fuzz One\n"
    "SEQ(SP=0-5%GCD=FA00|1F400%ISR=90-9A%TI=BI%CI=Z%II=RI%SS=S%TS=7)\n"
    "OPS(O1=M218NW2NNT10SLL%O2=M5B4%O3=%O4=WFFNNS%O5=T01NN%O6=L)\n"
    "WIN(W1=FFFF%W2=0%W3=100%W4=8%W5=1%W6=2)\n"
    "ECN(R=Y%DF=N%T=FA-104%TG=FF%W=4000%O=M5B4NNSNW6%CC=S%Q=RU)\n"
    "T1(R=Y%DF=N%T=3B-45%TG=40%S=A+%A=Z%F=AUPRSFE%RD=0%Q=U)\n"
    "T2(R=Y%DF=Y%T=40%W=0%S=A%A=S+%F=AS%O=M5B4NW3T11S%RD=0%Q=R)\n"
    "T3(R=Y%DF=N%T=40%W=400%S=O%A=O%F=AS%O=MFFFFWEL%RD=0%Q=)\n"
    "T4(R=Y%DF=Y%T=80%W=0%S=Z%A=S%F=R%O=%RD=0%Q=)\n"
    "T5(R=N)\n"
    "T6(R=Y%DF=Y%T=80%W=FFFF%S=O%A=O%F=AR%O=N%RD=0%Q=U)\n"
    "T7(R=Y%DF=N%T=20%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
    "U1(DF=Y%T=FF%IPL=38%UN=1234%RIPL=148|G%RID=1042%RIPCK=I%RUCK=0%"
    "RUD=I)\n"
    "IE(DFI=O%T=FF%CD=O)\n"
    "\n"
    "Fingerprint Fuzz Two\n"
    "SEQ(SP=100-10A%GCD=1-6%ISR=108-112%TI=I%CI=I%II=I%SS=O%TS=A)\n"
    "OPS(O1=M5B4NW8ST11%O2=M5B4NW8ST11%O3=M5B4NW8NNT11%O4=M5B4NW8ST11"
    "%O5=M5B4NW8ST11%O6=M5B4ST11)\n"
    "WIN(W1=2000%W2=2000%W3=2000%W4=2000%W5=2000%W6=2000)\n"
    "ECN(R=N)\n"
    "T1(R=Y%DF=Y%T=80%S=O%A=S+%F=AS%RD=0%Q=)\n"
    "T2(R=N)\nT3(R=N)\nT4(R=N)\n"
    "T5(R=Y%DF=Y%T=80%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
    "T6(R=N)\nT7(R=N)\n"
    "U1(R=N)\n"
    "IE(R=N)\n";

static const char p0f[] =
    "[tcp:response]\n"
    "label = s:fuzz:Fuzz:Two or 2\n"
    "sig   = *:128:0:*:8192,8:mss,nop,ws,sok,ts:df,id+:0\n"
    "sig   = *:128:0:*:mss*4,0:mss,nop,nop,ts:df,id+,ts1-:0\n"
    "sig   = *:128:0:*:65535,0:mss,eol+1:df:0\n";

static struct prw_state	 state;
static struct pfp	 pf[2];
static struct prw	 rw;
static uint32_t		 seed = 1;
static int		 ready;

static uint32_t
rnd(void)
{
	seed = seed * 1103515245 + 12345;
	return (seed);
}

static void
setup(void)
{
	char	why[256];

	if (pfp_parse_nmap(db, sizeof(db) - 1, "Fuzz One", &pf[0], why,
	    sizeof(why)) == -1 || pfp_parse_nmap(db, sizeof(db) - 1,
	    "Fuzz Two", &pf[1], why, sizeof(why)) == -1)
		abort();
	(void)pfp_parse_p0f(p0f, sizeof(p0f) - 1, &pf[1]);
	if (pf[1].pf_p0f == 0)
		abort();
	prw_state_reset(&state);
	prw_init(&rw, &state, rnd);
	if (prw_add(&rw, htonl(0xc6336432), &pf[0]) == -1 ||
	    prw_add(&rw, htonl(0xc6336433), &pf[1]) == -1)
		abort();
	ready = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pfp	 parsed;
	uint8_t		*buf;
	size_t		 cap, n, want;
	uint32_t	 alias, now;
	int		 out;
	char		 why[256];

	if (!ready)
		setup();
	if (len < 3)
		return (0);
	if (data[0] & 0x80) {
		/* the databases: names are looked for in untrusted text */
		(void)pfp_parse_nmap((const char *)data + 1, len - 1,
		    "Fuzz One", &parsed, why, sizeof(why));
		(void)pfp_parse_p0f((const char *)data + 1, len - 1, &parsed);
		return (0);
	}
	out = data[0] & 1;
	alias = htonl(data[0] & 2 ? 0xc6336433 : 0xc6336432);
	now = (uint32_t)data[1] * 997;
	n = len - 2;
	/* room: exactly the packet, or more for growing options */
	cap = n + (data[0] & 4 ? 0 : 64);
	if ((buf = malloc(cap == 0 ? 1 : cap)) == NULL)
		abort();
	memcpy(buf, data + 2, n);
	if (n >= 20)
		memcpy(buf + (out ? 12 : 16), &alias, 4);
	want = n;
	(void)prw_packet(&rw, out, buf, &want, cap, now);
	if (want > cap)
		abort();
	/* what we made is a packet too: it must go through again */
	(void)prw_packet(&rw, !out, buf, &want, cap, now + 1);
	if (want > cap)
		abort();
	free(buf);
	return (0);
}
