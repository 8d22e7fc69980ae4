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
 * persona: rewrite an alias's IPv4 packets so that its stack looks like
 * the configured OS.  Inbound packets are recorded (which of nmap's
 * probes they are) and sometimes changed so that the kernel answers where
 * the target OS would; outbound packets get the personality's TTL, DF,
 * IP ID, window, options, timestamps and, for probes, the exact answer
 * shape.  Every byte comes from the network: nothing is trusted, every
 * length is checked against the buffer before use.
 */

#include <sys/types.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "persona/rewrite.h"

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80

/* Which of nmap's probes an inbound packet was. */
enum {
	PRB_NONE = 0,
	PRB_P1, PRB_P2, PRB_P3, PRB_P4, PRB_P5, PRB_P6,	/* SEQ, T1 */
	PRB_ECN,
	PRB_T2 = 12, PRB_T3, PRB_T4, PRB_T5, PRB_T6, PRB_T7,
	PRB_ECHO = 20
};

#define FL_TOSYN	0x01	/* inbound turned into a SYN */
#define FL_HASWS	0x02	/* window scaling on both sides */
#define FL_PROBEDF	0x04	/* ICMP: the request had DF */
#define FL_SHAPED	0x08	/* pf_delta is in force */
#define FL_TS		0x10	/* pf_tsdelta is in force */

#define IP_DF		0x4000
#define IP_MF		0x2000
#define IP_OFFMASK	0x1fff

#define FLOW_PROBE	16	/* slots looked at per lookup */

struct pkt {
	uint8_t		*p;
	size_t		 len;
	size_t		 cap;
	size_t		 hl;	/* IP header */
	uint8_t		 proto;
	uint32_t	 src, dst;	/* network order */
};

static uint16_t	 get16(const uint8_t *);
static uint32_t	 get32(const uint8_t *);
static void	 put16(uint8_t *, uint16_t);
static void	 put32(uint8_t *, uint32_t);
static uint32_t	 sum(const uint8_t *, size_t, uint32_t);
static uint16_t	 fold(uint32_t);
static void	 fix_ip(struct pkt *);
static void	 fix_l4(struct pkt *);
static int	 alias_index(const struct prw *, uint32_t);
static struct prw_flow *flow_get(struct prw *, uint32_t, uint16_t, uint32_t,
		    uint16_t, uint8_t, int, uint32_t);
static uint16_t	 next_ipid(struct prw *, int, const struct pfp *, int,
		    uint16_t);
static uint32_t	 ts_first(struct prw *, int, const struct pfp *,
		    uint32_t);
static uint32_t	 isn_next(struct prw *, int, const struct pfp *, uint32_t);
static int	 tcp_opt_find(const uint8_t *, size_t, uint8_t, size_t *);
static int	 tcp_set_options(struct pkt *, const uint8_t *, size_t);
static void	 ip_set(struct pkt *, int, int, uint16_t);
static int	 tcp_in(struct prw *, int, struct pkt *, uint32_t);
static int	 tcp_out(struct prw *, int, struct pkt *, uint32_t);
static int	 icmp_in(struct prw *, int, struct pkt *, uint32_t);
static int	 icmp_out(struct prw *, int, struct pkt *, uint32_t);
static int	 has_o(const char *, char);
static const char *normal_o(const struct pfp *);
static int	 p0f_pick(const struct pfp *, int, int);
static void	 strip_o(const char *, char *, size_t, int, int, int);
static int	 tcp_set_rd(struct pkt *, uint32_t);

static uint16_t
get16(const uint8_t *b)
{
	return ((uint16_t)(b[0] << 8 | b[1]));
}

static uint32_t
get32(const uint8_t *b)
{
	return ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3]);
}

static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static void
put32(uint8_t *b, uint32_t v)
{
	b[0] = v >> 24;
	b[1] = (v >> 16) & 0xff;
	b[2] = (v >> 8) & 0xff;
	b[3] = v & 0xff;
}

/*
 * The one's complement sum of N bytes, added to S, as RFC 1071 has it:
 * summed eight bytes at a time in the machine's order and swapped at
 * the end, since a bulk stream's 64 kB packets all pass through here.
 */
static uint32_t
sum(const uint8_t *b, size_t n, uint32_t s)
{
	uint64_t	acc = 0, w;
	uint32_t	w4;
	uint16_t	w2, r;

	while (n >= 8) {
		memcpy(&w, b, 8);
		acc += (w & 0xffffffffu) + (w >> 32);
		b += 8;
		n -= 8;
	}
	if (n >= 4) {
		memcpy(&w4, b, 4);
		acc += w4;
		b += 4;
		n -= 4;
	}
	if (n >= 2) {
		memcpy(&w2, b, 2);
		acc += w2;
		b += 2;
		n -= 2;
	}
	if (n == 1) {
		w2 = 0;
		memcpy(&w2, b, 1);
		acc += w2;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	r = (uint16_t)acc;
	/* the machine's order to the network's */
	w2 = 0x0102;
	if (*(uint8_t *)&w2 == 0x02)
		r = (uint16_t)(r << 8 | r >> 8);
	return (s + r);
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ((uint16_t)~s);
}

static void
fix_ip(struct pkt *k)
{
	put16(k->p + 2, (uint16_t)k->len);
	put16(k->p + 10, 0);
	put16(k->p + 10, fold(sum(k->p, k->hl, 0)));
}

/* The transport checksum, over the pseudo-header where it has one. */
static void
fix_l4(struct pkt *k)
{
	uint8_t		*l4 = k->p + k->hl;
	size_t		 n = k->len - k->hl;
	uint32_t	 s = 0;
	size_t		 off;

	switch (k->proto) {
	case 6:
		if (n < 20)
			return;
		off = 16;
		break;
	case 17:
		if (n < 8)
			return;
		off = 6;
		break;
	case 1:
		if (n < 4)
			return;
		put16(l4 + 2, 0);
		put16(l4 + 2, fold(sum(l4, n, 0)));
		return;
	default:
		return;
	}
	put16(l4 + off, 0);
	s = sum(k->p + 12, 8, 0);
	s += k->proto;
	s += (uint32_t)n;
	s = sum(l4, n, s);
	put16(l4 + off, fold(s));
	if (k->proto == 17 && get16(l4 + off) == 0)
		put16(l4 + off, 0xffff);
}

static int
alias_index(const struct prw *rw, uint32_t addr)
{
	size_t	i;

	for (i = 0; i < rw->rw_n; i++)
		if (rw->rw_addr[i] == addr && rw->rw_pfp[i] != NULL)
			return ((int)i);
	return (-1);
}

/*
 * The record of one connection or probe.  CREATE takes a free or stale
 * slot (the oldest of those looked at when all are in use): a flood of
 * new connections can push out old ones, which then lose their shaping,
 * never the process.
 */
static struct prw_flow *
flow_get(struct prw *rw, uint32_t peer, uint16_t pport, uint32_t alias,
    uint16_t aport, uint8_t proto, int create, uint32_t now)
{
	struct prw_state	*st = rw->rw_state;
	struct prw_flow		*f, *old = NULL;
	uint32_t		 h, i;

	now /= 1000;

	h = peer * 2654435761u ^ alias * 40503u ^
	    ((uint32_t)pport << 16 | aport) * 2246822519u ^ proto;
	h ^= h >> 15;
	for (i = 0; i < FLOW_PROBE; i++) {
		f = &st->ps_flow[(h + i) & (PRW_NFLOWS - 1)];
		if (f->pf_proto == proto && f->pf_peer == peer &&
		    f->pf_alias == alias && f->pf_pport == pport &&
		    f->pf_aport == aport) {
			if (create)
				f->pf_seen = now;
			return (f);
		}
		if (old == NULL || f->pf_proto == 0 ||
		    (old->pf_proto != 0 && f->pf_seen < old->pf_seen))
			old = f;
	}
	if (!create)
		return (NULL);
	memset(old, 0, sizeof(*old));
	old->pf_peer = peer;
	old->pf_pport = pport;
	old->pf_alias = alias;
	old->pf_aport = aport;
	old->pf_proto = proto;
	old->pf_seen = now;
	return (old);
}

/*
 * The next IP ID of a class: WHICH is 0 for TCP answers on open ports
 * and data (TI), 1 for resets from closed ports (CI), 2 for ICMP (II).
 * Returns CUR when the personality leaves the kernel's.
 */
static uint16_t
next_ipid(struct prw *rw, int ai, const struct pfp *pf, int which,
    uint16_t cur)
{
	struct prw_alias_state	*as = &rw->rw_state->ps_alias[ai];
	enum pfp_ipid		 c;
	uint16_t		 fixed, step;
	int			 ctr = which;

	switch (which) {
	case 1:
		c = pf->pf_ci;
		fixed = pf->pf_ci_fixed;
		if (c == pf->pf_ti)
			ctr = 0;
		break;
	case 2:
		c = pf->pf_ii;
		fixed = pf->pf_ii_fixed;
		if (pf->pf_ss || c == IPID_LINUX) {
			if (c == IPID_LINUX)
				c = pf->pf_ti;
			ctr = 0;
		}
		break;
	default:
		c = pf->pf_ti;
		fixed = pf->pf_ti_fixed;
		break;
	}
	switch (c) {
	case IPID_Z:
		return (0);
	case IPID_I:
		return (++as->pa_ipid[ctr]);
	case IPID_BI:
		as->pa_ipid[ctr] += 256;
		return (as->pa_ipid[ctr]);
	case IPID_RI:
		step = 1000 + rw->rw_random() % 1000;
		if (step % 256 == 0)
			step++;
		as->pa_ipid[ctr] += step;
		return (as->pa_ipid[ctr]);
	case IPID_RD:
		return ((uint16_t)rw->rw_random());
	case IPID_FIXED:
		return (fixed);
	default:
		return (cur);
	}
}

/*
 * Timestamps.  The kernel starts each connection's clock at a random
 * value, which nmap sees as a random clock; a personality's clock runs at
 * its rate from a per-alias offset, or is random where the real stack's
 * is, or stays at zero.  Each connection keeps the difference to the
 * kernel's value, so that what comes back can be given back.
 */
static uint32_t
ts_first(struct prw *rw, int ai, const struct pfp *pf, uint32_t now)
{
	if (pf->pf_ts_log2 > 0)
		/* under 2^40 Hz, so that ms * Hz / 1000 fits in 64 bits */
		return ((uint32_t)((uint64_t)now * ((1ULL << pf->pf_ts_log2) /
		    1000)) + rw->rw_state->ps_alias[ai].pa_tsoff);
	if (pf->pf_ts == 0)
		return (0);
	if (pf->pf_ts == PFP_TS_RANDOM || pf->pf_ts == PFP_TS_NONE)
		return (rw->rw_random());
	return ((uint32_t)((uint64_t)now * (uint32_t)pf->pf_ts / 1000) +
	    rw->rw_state->ps_alias[ai].pa_tsoff);
}

/*
 * Our ISN for a new connection: the personality's rate (ISR), spread
 * as its SP says, in steps of its GCD, counted from a per-alias start so
 * that every connection and every restart stays on one line.
 */
static uint32_t
isn_next(struct prw *rw, int ai, const struct pfp *pf, uint32_t now)
{
	struct prw_alias_state	*as = &rw->rw_state->ps_alias[ai];
	double			 rate, sd, noise;
	uint64_t		 v;
	uint32_t		 gcd = (uint32_t)pf->pf_isn_gcd, r;

	rate = exp2((double)pf->pf_isn_isr / 8.0);
	sd = exp2((double)pf->pf_isn_sp / 8.0) * (double)gcd;
	if (pf->pf_isn_sp == 0)
		sd = 0;
	/* nmap samples 100 ms apart; its SP is the spread of rates */
	r = rw->rw_random();
	noise = ((double)r / 4294967295.0 * 2.0 - 1.0) * sd * 0.1 * 1.2247;
	v = (uint64_t)(rate * (double)(uint32_t)(now - as->pa_isn_ms) /
	    1000.0 + noise + 4294967296.0 * 4);
	v += as->pa_isn;
	v = (v / gcd) * gcd;
	return ((uint32_t)v);
}

/* Offset of option KIND in OPT (the bytes after the fixed header). */
static int
tcp_opt_find(const uint8_t *opt, size_t n, uint8_t kind, size_t *at)
{
	size_t	i = 0, l;

	while (i < n) {
		if (opt[i] == 0)
			return (-1);
		if (opt[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || (l = opt[i + 1]) < 2 || i + l > n)
			return (-1);
		if (opt[i] == kind) {
			*at = i;
			return ((int)l);
		}
		i += l;
	}
	return (-1);
}

/* Replace the TCP options, moving any payload. */
static int
tcp_set_options(struct pkt *k, const uint8_t *opt, size_t olen)
{
	uint8_t	*th = k->p + k->hl;
	size_t	 thl = (th[12] >> 4) * 4, pay = k->len - k->hl - thl;

	if (olen > 40 || k->hl + 20 + olen + pay > k->cap)
		return (-1);
	memmove(th + 20 + olen, th + thl, pay);
	memcpy(th + 20, opt, olen);
	th[12] = (uint8_t)(((20 + olen) / 4) << 4) | (th[12] & 0x0f);
	k->len = k->hl + 20 + olen + pay;
	return (0);
}

/*
 * Data for a reset: four bytes whose CRC-32 is RD, as nmap reports a
 * reset's data.  The CRC register is run back from the one RD leaves,
 * a byte a step: each step's table entry is known from its top byte,
 * which no two entries share.
 */
static int
tcp_set_rd(struct pkt *k, uint32_t rd)
{
	const z_crc_t	*tab = get_crc_table();
	uint8_t		*th = k->p + k->hl, inv[256];
	size_t		 thl = (th[12] >> 4) * 4;
	uint32_t	 r = rd ^ 0xffffffff;
	unsigned int	 i, j;

	if (k->hl + thl + 4 > k->cap)
		return (-1);
	for (i = 0; i < 256; i++)
		inv[tab[i] >> 24] = (uint8_t)i;
	for (i = 0; i < 4; i++) {
		j = inv[r >> 24];
		r = ((r ^ (uint32_t)tab[j]) << 8) | j;
	}
	r ^= 0xffffffff;
	for (i = 0; i < 4; i++)
		th[thl + i] = (uint8_t)(r >> (8 * i));
	k->len = k->hl + thl + 4;
	return (0);
}

/* TTL, DF and IP ID of an outbound packet. */
static void
ip_set(struct pkt *k, int ttl, int df, uint16_t id)
{
	uint16_t	off = get16(k->p + 6);

	if (ttl > 0)
		k->p[8] = (uint8_t)ttl;
	if (df >= 0)
		off = df ? (off | IP_DF) : (off & ~IP_DF);
	put16(k->p + 6, off);
	put16(k->p + 4, id);
}

/*
 * The options of an ordinary SYN+ACK: what the SYN may be agreed to is
 * the richest layout the personality has.
 */
static const char *
normal_o(const struct pfp *pf)
{
	const char	*best = pf->pf_o[0], *o;
	int		 i, score, bs = -1;

	for (i = 0; i < pf->pf_p0f; i++) {
		o = pf->pf_p0f_sig[i].ps_o;
		score = has_o(o, 'T') + has_o(o, 'S');
		if (score > bs) {
			bs = score;
			best = o;
		}
	}
	return (best);
}

/* p0f's signature for a SYN+ACK with these options, or -1. */
static int
p0f_pick(const struct pfp *pf, int ts, int sack)
{
	int	i;

	for (i = 0; i < pf->pf_p0f; i++)
		if (has_o(pf->pf_p0f_sig[i].ps_o, 'T') == (ts != 0) &&
		    has_o(pf->pf_p0f_sig[i].ps_o, 'S') == (sack != 0))
			return (i);
	return (-1);
}

/* O without what the peer did not offer: W, T or S. */
static void
strip_o(const char *o, char *out, size_t len, int ws, int ts, int sack)
{
	size_t	n = 0, k;

	while (*o != '\0' && n + 1 < len) {
		k = 1;
		if (*o == 'M' || *o == 'W') {
			while (o[k] != '\0' && strchr("0123456789ABCDEF",
			    o[k]) != NULL)
				k++;
		} else if (*o == 'T')
			k = (o[1] != '\0' && o[2] != '\0') ? 3 : 1;
		if ((*o == 'W' && !ws) || (*o == 'T' && !ts) ||
		    (*o == 'S' && !sack)) {
			o += k;
			continue;
		}
		if (n + k >= len)
			break;
		memcpy(out + n, o, k);
		n += k;
		o += k;
	}
	out[n] = '\0';
}

static int
has_o(const char *o, char c)
{
	return (strchr(o, c) != NULL);
}

/*
 * Inbound TCP: remember nmap's probes, refuse those the target OS does not
 * answer, turn those it answers but Linux would not into ones that Linux
 * answers, and take out of a SYN what the personality would not agree to.
 */
static int
tcp_in(struct prw *rw, int ai, struct pkt *k, uint32_t now)
{
	const struct pfp	*pf = rw->rw_pfp[ai];
	const struct pfp_tcp	*t = NULL;
	struct prw_flow		*f;
	uint8_t			*th = k->p + k->hl;
	size_t			 thl, at, i;
	uint8_t			 fl;
	uint16_t		 win;
	int			 cls = PRB_NONE, changed = 0, l;
	const char		*o;

	if (k->len - k->hl < 20 || (thl = (th[12] >> 4) * 4) < 20 ||
	    thl > k->len - k->hl)
		return (-1);
	fl = th[13];
	win = get16(th + 14);
	if (fl == TH_SYN) {
		switch (win) {
		case 1: cls = PRB_P1; break;
		case 63: cls = PRB_P2; break;
		case 4:
			cls = thl > 20 && th[20] == 8 ? PRB_P3 : PRB_P4;
			break;
		case 16: cls = PRB_P5; break;
		case 512: cls = PRB_P6; break;
		case 31337: cls = PRB_T5; break;
		default: break;
		}
	} else if (fl == (TH_SYN | TH_ECE | TH_CWR) && win == 3)
		cls = PRB_ECN;
	else if (fl == 0 && win == 128)
		cls = PRB_T2;
	else if (fl == (TH_SYN | TH_FIN | TH_PUSH | TH_URG) && win == 256)
		cls = PRB_T3;
	else if (fl == TH_ACK && win == 1024)
		cls = PRB_T4;
	else if (fl == TH_ACK && win == 32768)
		cls = PRB_T6;
	else if (fl == (TH_FIN | TH_PUSH | TH_URG) && win == 65535)
		cls = PRB_T7;

	/*
	 * nmap's T2-T7 carry WS first; an ordinary segment of a connection
	 * we know is never taken for one.
	 */
	if (cls >= PRB_T2 && cls != PRB_T5 && !(fl & TH_SYN) &&
	    (thl < 40 || th[20] != 3 || ((f = flow_get(rw, k->src, get16(th),
	    k->dst, get16(th + 2), 6, 0, now)) != NULL &&
	    f->pf_class == PRB_NONE)))
		cls = PRB_NONE;
	if (cls == PRB_NONE && !(fl & TH_SYN)) {
		/* an ordinary segment: undo our ISN and timestamp changes */
		f = flow_get(rw, k->src, get16(th), k->dst, get16(th + 2), 6,
		    0, now);
		if (f != NULL && (f->pf_flags & FL_SHAPED) && (fl & TH_ACK)) {
			put32(th + 8, get32(th + 8) - f->pf_delta);
			if ((l = tcp_opt_find(th + 20, thl - 20, 5, &at)) >= 10)
				for (i = at + 2; i + 8 <= at + (size_t)l;
				    i += 4)
					put32(th + 20 + i, get32(th + 20 + i) -
					    f->pf_delta);
			changed = 1;
		}
		if (f != NULL && (f->pf_flags & FL_TS) &&
		    tcp_opt_find(th + 20, thl - 20, 8, &at) == 10 &&
		    get32(th + 20 + at + 6) != 0) {
			put32(th + 20 + at + 6, get32(th + 20 + at + 6) +
			    f->pf_tsdelta);
			changed = 1;
		}
		if (f != NULL)
			f->pf_seen = now / 1000;
		return (changed);
	}

	f = flow_get(rw, k->src, get16(th), k->dst, get16(th + 2), 6, 1, now);
	if (!(f->pf_class == cls && f->pf_seq == get32(th + 4) &&
	    (fl & TH_SYN))) {
		/* not a retransmission: a new connection or probe */
		f->pf_flags = 0;
		f->pf_delta = 0;
		f->pf_tsdelta = 0;
	}
	f->pf_class = (uint8_t)cls;
	f->pf_seq = get32(th + 4);
	f->pf_ack = get32(th + 8);

	if (cls == PRB_ECN)
		t = &pf->pf_t[0];
	else if (cls >= PRB_P1 && cls <= PRB_P6)
		t = &pf->pf_t[1];
	else if (cls >= PRB_T2)
		t = &pf->pf_t[cls - PRB_T2 + 2];
	if (t != NULL && t->pt_present && !t->pt_r)
		return (-2);

	if (cls == PRB_T2 || cls == PRB_T3) {
		/* Linux stays silent: make it a packet it answers */
		if (t != NULL && t->pt_hasflags && (t->pt_flags & TH_SYN)) {
			th[13] = TH_SYN;
			f->pf_flags |= FL_TOSYN;
		} else
			th[13] = TH_ACK;
		put16(th + 18, 0);
		fl = th[13];
		changed = 1;
	}
	if (fl & TH_SYN) {
		/*
		 * Agree only to what the answer will show.  An ordinary
		 * connection also goes without window scaling, so that its
		 * segments need no translating and stay in the kernel.
		 */
		if (cls >= PRB_P1 && cls <= PRB_P6)
			o = pf->pf_o[cls - PRB_P1];
		else if (cls == PRB_ECN)
			o = pf->pf_t[0].pt_o;
		else if (cls == PRB_T3)
			o = pf->pf_t[3].pt_o;
		else
			o = normal_o(pf);
		for (i = 20; i < thl; ) {
			uint8_t kind = th[i], ol;

			if (kind == 0)
				break;
			if (kind == 1) {
				i++;
				continue;
			}
			if (i + 1 >= thl || (ol = th[i + 1]) < 2 ||
			    i + ol > thl)
				break;
			if ((kind == 8 && (!has_o(o, 'T') ||
			    pf->pf_ts == PFP_TS_NONE)) ||
			    (kind == 3 && (!has_o(o, 'W') ||
			    cls == PRB_NONE)) ||
			    (kind == 4 && !has_o(o, 'S'))) {
				memset(th + i, 1, ol);
				changed = 1;
			}
			i += ol;
		}
	}
	return (changed);
}

/*
 * Outbound TCP: the answer to a probe takes the shape nmap-os-db gives;
 * everything else keeps the kernel's flow of bytes with the personality's
 * IP fields, window scale, timestamps and sequence space.
 */
static int
tcp_out(struct prw *rw, int ai, struct pkt *k, uint32_t now)
{
	const struct pfp	*pf = rw->rw_pfp[ai];
	const struct pfp_tcp	*t = NULL;
	struct prw_flow		*f;
	uint8_t			*th = k->p + k->hl;
	uint8_t			 opt[40];
	char			 ostr[PFP_OSTRLEN];
	const char		*o = NULL;
	const struct pfp_p0f	*ps = NULL;
	size_t			 thl, at;
	uint32_t		 w = 0, tsval = 0, tsecr = 0, seq, win, isn,
				 mss = 1460;
	int			 cls, olen, l, ws_real = -1, hasts = 0,
				 hassack, ttl, df, which = 0;
	uint16_t		 id;
	uint8_t			 fl;

	if (k->len - k->hl < 20 || (thl = (th[12] >> 4) * 4) < 20 ||
	    thl > k->len - k->hl)
		return (-1);
	fl = th[13];
	f = flow_get(rw, k->dst, get16(th + 2), k->src, get16(th), 6, 0, now);
	cls = f != NULL ? f->pf_class : PRB_NONE;
	ttl = pf->pf_p0f ? pf->pf_p0f_ttl : pf->pf_t[1].pt_ttl;
	df = pf->pf_p0f ? pf->pf_p0f_df : pf->pf_t[1].pt_df;

	if ((fl & (TH_SYN | TH_ACK | TH_RST)) == (TH_SYN | TH_ACK)) {
		if ((l = tcp_opt_find(th + 20, thl - 20, 3, &at)) == 3)
			ws_real = th[20 + at + 2];
		if (tcp_opt_find(th + 20, thl - 20, 2, &at) == 4)
			mss = get16(th + 20 + at + 2);
		hasts = tcp_opt_find(th + 20, thl - 20, 8, &at) == 10;
		hassack = tcp_opt_find(th + 20, thl - 20, 4, &at) == 2;
		if (f == NULL)
			f = flow_get(rw, k->dst, get16(th + 2), k->src,
			    get16(th), 6, 1, now);
		/*
		 * An ordinary connection answers as p0f.fp has the OS, where
		 * it has a signature for what the SYN was agreed to.
		 */
		if (cls == PRB_NONE && ws_real < 0 &&
		    (l = p0f_pick(pf, hasts, hassack)) >= 0)
			ps = &pf->pf_p0f_sig[l];
		/*
		 * nmap's probes see the personality's clock; an ordinary
		 * connection keeps the kernel's (random from one to the next,
		 * as p0f expects of most stacks), so that nothing of it that
		 * comes back needs translating, nor passes through us.
		 */
		if (tcp_opt_find(th + 20, thl - 20, 8, &at) == 10) {
			tsval = get32(th + 20 + at + 2);
			if (cls != PRB_NONE) {
				if (!(f->pf_flags & FL_TS))
					f->pf_tsdelta = tsval - ts_first(rw, ai,
					    pf, now);
				tsval -= f->pf_tsdelta;
				f->pf_flags |= FL_TS;
			} else if (pf->pf_ts == 0 && ps == NULL) {
				/*
				 * A clock at zero, in the SYN+ACK only.  The
				 * data that follow never reach us and carry
				 * the kernel's clock, so the FIN or reset we
				 * see must carry it too: a zero after it
				 * fails the client's PAWS test (RFC 7323),
				 * and the FIN, with the last data it may
				 * carry, is dropped at every retransmission.
				 * A zero in a SYN+ACK is taken as no clock.
				 */
				tsval = 0;
			}
			tsecr = get32(th + 20 + at + 6);
		}
		if (cls >= PRB_P1 && cls <= PRB_P6) {
			o = pf->pf_o[cls - PRB_P1];
			w = pf->pf_w[cls - PRB_P1];
			t = &pf->pf_t[1];
		} else if (cls == PRB_ECN) {
			t = &pf->pf_t[0];
			o = t->pt_o;
			w = t->pt_w;
		} else if (cls == PRB_T3 && f != NULL &&
		    (f->pf_flags & FL_TOSYN)) {
			t = &pf->pf_t[3];
			o = t->pt_o;
			w = t->pt_w;
		} else if (ps != NULL) {
			/*
			 * The kernel's MSS where p0f has any, and never more
			 * (the link may be narrower than the signature's
			 * Ethernet), made small enough for a window of so
			 * many of them to fit.
			 */
			o = ps->ps_o;
			if (ps->ps_mss != 0 && ps->ps_mss < mss)
				mss = ps->ps_mss;
			if (ps->ps_wmss && mss * ps->ps_w > 0xffff)
				mss = 0xffff / ps->ps_w;
			w = ps->ps_wmss ? mss * ps->ps_w : ps->ps_w;
			df = ps->ps_df;
		} else {
			strip_o(pf->pf_o[0], ostr, sizeof(ostr),
			    ws_real >= 0, hasts, hassack);
			o = ostr;
			w = pf->pf_w[0];
		}
		if (t != NULL) {
			ttl = t->pt_ttl;
			df = t->pt_df;
		}
		if ((olen = pfp_options(o, opt, sizeof(opt), tsval, tsecr,
		    hasts)) == -1)
			return (-1);
		if (ps != NULL && tcp_opt_find(opt, (size_t)olen, 2, &at) == 4)
			put16(opt + at + 2, (uint16_t)mss);
		if (tcp_set_options(k, opt, (size_t)olen) == -1)
			return (-1);
		th = k->p + k->hl;
		put16(th + 14, (uint16_t)(w > 0xffff ? 0xffff : w));
		f->pf_flags &= ~FL_HASWS;
		if (ws_real >= 0 && has_o(o, 'W')) {
			const char *wp = strchr(o, 'W');

			f->pf_ws_real = (uint8_t)ws_real;
			f->pf_ws_fake = (uint8_t)strtoul(wp + 1, NULL, 16);
			f->pf_flags |= FL_HASWS;
		}
		if (cls == PRB_ECN) {
			th[13] &= ~(TH_ECE | TH_CWR);
			if (t->pt_cc == 'Y')
				th[13] |= TH_ECE;
			else if (t->pt_cc == 'S')
				th[13] |= TH_ECE | TH_CWR;
		} else if (t != NULL && cls == PRB_T3 && t->pt_hasflags)
			th[13] = t->pt_flags;
		/*
		 * Our ISN, for nmap's probes, which measure it; a retransmitted
		 * SYN+ACK keeps the first one's.  Ordinary connections keep
		 * the kernel's, which is as random as most stacks' are.
		 */
		if (cls != PRB_NONE && !(f->pf_flags & FL_SHAPED)) {
			isn = isn_next(rw, ai, pf, now);
			f->pf_delta = isn - get32(th + 4);
			f->pf_flags |= FL_SHAPED;
		}
		if (t != NULL) {
			if (t->pt_quirk_r)
				th[12] |= 0x01;
			if (t->pt_quirk_u && !(th[13] & TH_URG))
				put16(th + 18, 0xf7f5);
		}
		if (cls == PRB_T3 && t != NULL) {
			if (t->pt_a == 'Z')
				put32(th + 8, 0);
			else if (t->pt_a == 'S')
				put32(th + 8, f->pf_seq);
			else if (t->pt_a == 'O')
				put32(th + 8, f->pf_seq + 7);
		}
	} else if (fl & TH_RST) {
		which = 1;
		if (cls >= PRB_T2 && cls <= PRB_T7)
			t = &pf->pf_t[cls - PRB_T2 + 2];
		else if (cls >= PRB_P1 && cls <= PRB_P6)
			t = NULL;
		else
			t = (fl & TH_ACK) ? &pf->pf_t[5] : &pf->pf_t[6];
		if (t != NULL && t->pt_present && t->pt_r) {
			ttl = t->pt_ttl;
			df = t->pt_df;
			if (cls >= PRB_T2 && cls <= PRB_T7) {
				if (cls == PRB_T4)
					which = 0;
				if (t->pt_hasflags)
					th[13] = t->pt_flags;
				switch (t->pt_s) {
				case 'Z': seq = 0; break;
				case 'A': seq = f->pf_ack; break;
				case '+': seq = f->pf_ack + 1; break;
				default: seq = f->pf_ack + 0x1234567; break;
				}
				put32(th + 4, seq);
				switch (t->pt_a) {
				case 'Z': seq = 0; break;
				case 'S': seq = f->pf_seq; break;
				case '+': seq = f->pf_seq + 1; break;
				default: seq = f->pf_seq + 0x7654321; break;
				}
				put32(th + 8, seq);
				put16(th + 14, (uint16_t)t->pt_w);
				if (t->pt_haso) {
					/*
					 * Options on a reset (z/OS): its
					 * clock where "T1x" wants one, and
					 * an echo where "Tx1" does.
					 */
					tsval = ts_first(rw, ai, pf, now);
					if ((olen = pfp_options(t->pt_o, opt,
					    sizeof(opt), tsval != 0 ? tsval : 1,
					    1, 0)) == -1 ||
					    tcp_set_options(k, opt,
					    (size_t)olen) == -1)
						return (-1);
					th = k->p + k->hl;
				}
				put16(th + 18, t->pt_quirk_u ? 0xf7f5 : 0);
				th[12] = (th[12] & 0xf0) |
				    (t->pt_quirk_r ? 0x01 : 0);
			} else
				put16(th + 14, (uint16_t)t->pt_w);
			/* every reset of a system that sends data in them */
			if (t->pt_rd != 0 && tcp_set_rd(k, t->pt_rd) == -1)
				return (-1);
		}
	} else if (f != NULL) {
		/* an ordinary segment of a connection we have seen */
		if (f->pf_flags & FL_HASWS) {
			/* RFC 7323 caps the shift at 14: so do we */
			win = (uint32_t)get16(th + 14) <<
			    (f->pf_ws_real > 14 ? 14 : f->pf_ws_real);
			win >>= f->pf_ws_fake > 14 ? 14 : f->pf_ws_fake;
			put16(th + 14, (uint16_t)(win > 0xffff ? 0xffff : win));
		}
		f->pf_seen = now / 1000;
	}
	if (f != NULL && (f->pf_flags & FL_SHAPED) && !(fl & TH_RST &&
	    cls >= PRB_T2))
		put32(th + 4, get32(th + 4) + f->pf_delta);
	if (!(fl & TH_SYN) && f != NULL && (f->pf_flags & FL_TS) &&
	    tcp_opt_find(th + 20, ((th[12] >> 4) * 4) - 20, 8, &at) == 10)
		put32(th + 20 + at + 2, pf->pf_ts == 0 ? 0 :
		    get32(th + 20 + at + 2) - f->pf_tsdelta);
	id = next_ipid(rw, ai, pf, which, get16(k->p + 4));
	if (ps != NULL && !ps->ps_id)
		id = 0;
	else if (ps != NULL && id == 0)
		id = (uint16_t)(1 + rw->rw_random() % 0xffff);
	ip_set(k, ttl, df, id);
	return (1);
}

static int
icmp_in(struct prw *rw, int ai, struct pkt *k, uint32_t now)
{
	const struct pfp	*pf = rw->rw_pfp[ai];
	struct prw_flow		*f;
	uint8_t			*ic = k->p + k->hl;

	if (k->len - k->hl < 8 || ic[0] != 8)
		return (0);
	if (!pf->pf_ie_r)
		return (-2);
	f = flow_get(rw, k->src, get16(ic + 4), k->dst, get16(ic + 6), 1, 1,
	    now);
	f->pf_class = PRB_ECHO;
	f->pf_flags = (get16(k->p + 6) & IP_DF) ? FL_PROBEDF : 0;
	f->pf_seq = ic[1];
	return (0);
}

static int
icmp_out(struct prw *rw, int ai, struct pkt *k, uint32_t now)
{
	const struct pfp	*pf = rw->rw_pfp[ai];
	struct prw_flow		*f;
	uint8_t			*ic = k->p + k->hl, *rip;
	size_t			 n = k->len - k->hl, rhl, want;
	int			 df = -1, pdf;

	if (n < 8)
		return (-1);
	if (ic[0] == 0) {
		if (!pf->pf_ie_r)
			return (-2);
		f = flow_get(rw, k->dst, get16(ic + 4), k->src, get16(ic + 6),
		    1, 0, now);
		pdf = f != NULL && (f->pf_flags & FL_PROBEDF);
		switch (pf->pf_ie_dfi) {
		case 'Y': df = 1; break;
		case 'S': df = pdf; break;
		case 'O': df = !pdf; break;
		default: df = 0; break;
		}
		if (pf->pf_ie_cd == -1)
			ic[1] = 0;
		else if (pf->pf_ie_cd == -2 && f != NULL)
			ic[1] = (uint8_t)f->pf_seq;
		else if (pf->pf_ie_cd == -3)
			ic[1] = f != NULL && f->pf_seq == 0 ? 1 : 0;
		else if (pf->pf_ie_cd >= 0)
			ic[1] = (uint8_t)pf->pf_ie_cd;
		ip_set(k, pf->pf_ie_ttl, df, next_ipid(rw, ai, pf, 2,
		    get16(k->p + 4)));
		return (1);
	}
	if (ic[0] == 3 && ic[1] == 3) {
		if (!pf->pf_u_r)
			return (-2);
		if (pf->pf_u_ipl > 0) {
			want = (size_t)pf->pf_u_ipl;
			if (want < k->hl + 8)
				want = k->hl + 8;
			if (want > k->cap)
				want = k->cap;
			if (want > k->len)
				memset(k->p + k->len, 0, want - k->len);
			k->len = want;
			n = k->len - k->hl;
		}
		put32(ic + 4, pf->pf_u_un);
		rip = ic + 8;
		if (n >= 8 + 20 && (rip[0] >> 4) == 4 &&
		    (rhl = (size_t)(rip[0] & 0x0f) * 4) >= 20 &&
		    n >= 8 + rhl) {
			if (pf->pf_u_ripl >= 0)
				put16(rip + 2, (uint16_t)pf->pf_u_ripl);
			if (pf->pf_u_rid >= 0)
				put16(rip + 4, (uint16_t)pf->pf_u_rid);
			if (pf->pf_u_ripck == 'Z')
				put16(rip + 10, 0);
			else if (pf->pf_u_ripck == 'I')
				put16(rip + 10, get16(rip + 10) + 1);
			if (n >= 8 + rhl + 8) {
				if (pf->pf_u_ruck >= 0)
					put16(rip + rhl + 6,
					    (uint16_t)pf->pf_u_ruck);
				if (pf->pf_u_rud == 'I' && n > 8 + rhl + 8)
					rip[rhl + 8] ^= 0xff;
			}
		}
		ip_set(k, pf->pf_u_ttl, pf->pf_u_df, next_ipid(rw, ai, pf, 2,
		    get16(k->p + 4)));
		return (1);
	}
	ip_set(k, pf->pf_ie_ttl, -1, next_ipid(rw, ai, pf, 2,
	    get16(k->p + 4)));
	return (1);
}

/* The TTL and DF of a personality's ordinary segments. */
void
prw_ordinary(const struct pfp *pf, uint8_t *ttl, int *df)
{
	*ttl = (uint8_t)(pf->pf_p0f ? pf->pf_p0f_ttl : pf->pf_t[1].pt_ttl);
	*df = pf->pf_p0f ? pf->pf_p0f_df : pf->pf_t[1].pt_df;
}

void
prw_state_reset(struct prw_state *st)
{
	memset(st, 0, sizeof(*st));
	st->ps_magic = PRW_MAGIC;
	st->ps_version = PRW_VERSION;
	st->ps_nflows = PRW_NFLOWS;
}

int
prw_state_valid(const struct prw_state *st)
{
	return (st->ps_magic == PRW_MAGIC && st->ps_version == PRW_VERSION &&
	    st->ps_nflows == PRW_NFLOWS);
}

void
prw_init(struct prw *rw, struct prw_state *st, uint32_t (*rnd)(void))
{
	memset(rw, 0, sizeof(*rw));
	rw->rw_state = st;
	rw->rw_random = rnd;
}

/*
 * Rewrite packets to and from ADDR (network order) as PF.  The alias's
 * counters live in the shared state and are kept when it is already
 * there, so that a restarted child goes on where the last one stopped.
 */
int
prw_add(struct prw *rw, uint32_t addr, const struct pfp *pf)
{
	struct prw_alias_state	*as;
	int			 i, freei = -1;

	for (i = 0; i < (int)rw->rw_n; i++)
		if (rw->rw_addr[i] == addr) {
			rw->rw_pfp[i] = pf;
			return (i);
		}
	if (rw->rw_n >= PRW_MAXALIAS)
		return (-1);
	i = (int)rw->rw_n++;
	rw->rw_addr[i] = addr;
	rw->rw_pfp[i] = pf;
	as = &rw->rw_state->ps_alias[i];
	if (as->pa_addr != addr) {
		/* our slot holds another alias: find this one's, or reset */
		for (freei = 0; freei < PRW_MAXALIAS; freei++)
			if (rw->rw_state->ps_alias[freei].pa_addr == addr)
				break;
		if (freei < PRW_MAXALIAS) {
			struct prw_alias_state tmp = *as;

			*as = rw->rw_state->ps_alias[freei];
			rw->rw_state->ps_alias[freei] = tmp;
		} else {
			memset(as, 0, sizeof(*as));
			as->pa_addr = addr;
			as->pa_ipid[0] = (uint16_t)rw->rw_random();
			as->pa_ipid[1] = (uint16_t)rw->rw_random();
			as->pa_ipid[2] = (uint16_t)rw->rw_random();
			as->pa_tsoff = rw->rw_random();
			as->pa_isn = rw->rw_random();
			as->pa_isn_ms = rw->rw_now;
		}
	}
	return (i);
}

void
prw_del(struct prw *rw, uint32_t addr)
{
	size_t	i;

	for (i = 0; i < rw->rw_n; i++)
		if (rw->rw_addr[i] == addr)
			rw->rw_pfp[i] = NULL;
}

/*
 * One packet, OUT when the alias sent it.  The packet may grow (a SYN+ACK
 * with more options than the kernel's, a padded ICMP error) up to CAP.
 * NOW is in milliseconds.  Returns PRW_ACCEPT (unchanged), PRW_CHANGED
 * (checksums made anew) or PRW_DROP; a packet we cannot make sense of
 * is let through as it is.
 */
int
prw_packet(struct prw *rw, int out, uint8_t *p, size_t *len, size_t cap,
    uint32_t now)
{
	struct pkt	 k;
	uint16_t	 off;
	int		 ai, rv = 0;

	out ? rw->rw_stats.rs_out++ : rw->rw_stats.rs_in++;
	rw->rw_now = now;
	if (*len < 20 || (p[0] >> 4) != 4 || (p[0] & 0x0f) < 5 ||
	    get16(p + 2) > *len || get16(p + 2) < (p[0] & 0x0f) * 4) {
		rw->rw_stats.rs_bad++;
		return (PRW_ACCEPT);
	}
	memset(&k, 0, sizeof(k));
	k.p = p;
	k.len = get16(p + 2);
	k.cap = cap > 65535 ? 65535 : cap;
	k.hl = (size_t)(p[0] & 0x0f) * 4;
	k.proto = p[9];
	memcpy(&k.src, p + 12, 4);
	memcpy(&k.dst, p + 16, 4);
	if ((ai = alias_index(rw, out ? k.src : k.dst)) == -1)
		return (PRW_ACCEPT);
	off = get16(p + 6);
	if (off & (IP_MF | IP_OFFMASK)) {
		/* a fragment: only the IP header is ours to change */
		if (out) {
			ip_set(&k, rw->rw_pfp[ai]->pf_t[1].pt_ttl, -1,
			    get16(p + 4));
			fix_ip(&k);
			*len = k.len;
			return (PRW_CHANGED);
		}
		return (PRW_ACCEPT);
	}
	switch (k.proto) {
	case 6:
		rv = out ? tcp_out(rw, ai, &k, now) :
		    tcp_in(rw, ai, &k, now);
		break;
	case 1:
		rv = out ? icmp_out(rw, ai, &k, now) : icmp_in(rw, ai, &k,
		    now);
		break;
	case 17:
		if (out) {
			ip_set(&k, rw->rw_pfp[ai]->pf_t[1].pt_ttl,
			    rw->rw_pfp[ai]->pf_t[1].pt_df, next_ipid(rw, ai,
			    rw->rw_pfp[ai], 0, get16(p + 4)));
			rv = 1;
		}
		break;
	default:
		if (out) {
			ip_set(&k, rw->rw_pfp[ai]->pf_t[1].pt_ttl, -1,
			    get16(p + 4));
			rv = 1;
		}
		break;
	}
	if (rv == -2) {
		rw->rw_stats.rs_dropped++;
		return (PRW_DROP);
	}
	if (rv == -1) {
		rw->rw_stats.rs_bad++;
		return (PRW_ACCEPT);
	}
	if (rv > 0) {
		fix_l4(&k);
		fix_ip(&k);
		*len = k.len;
		rw->rw_stats.rs_changed++;
		return (PRW_CHANGED);
	}
	return (PRW_ACCEPT);
}
