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
 * Test and bench tool: fingerprint every SYN and SYN+ACK in a pcap with
 * capture/decode.c and capture/p0f.c, and print what p0f -o would say.
 * By default one line per host and role (the first observation); -a
 * prints every observation the way p0f's log does, without the date,
 * HTTP requests and responses included: for those, flows are followed as
 * p0f follows them (a SYN it keeps, its SYN+ACK, data in sequence, up to
 * 8 KB each way).  Addresses are printed as p0f prints them, so lines
 * compare as text.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/decode.h"
#include "capture/p0f.h"

#define FLOW_SLOTS	(1u << 16)	/* SYNs remembered for their MSS */
#define UPTIME_HOSTS	(1u << 16)

struct flow {
	int		 f_used;
	uint8_t		 f_key[2 * PKT_ADDRLEN + 4];
	uint16_t	 f_mss;
	int		 f_sendsyn;
};

/* A connection followed for HTTP, as p0f follows one. */
struct hflow {
	struct hflow	*hf_next;
	uint8_t		 hf_key[2 * PKT_ADDRLEN + 4];
	int		 hf_acked;
	int		 hf_reqdone;
	uint32_t	 hf_cseq;		/* next client byte */
	uint32_t	 hf_sseq;		/* next server byte */
	uint8_t		*hf_buf[2];		/* client's, server's bytes */
	size_t		 hf_len[2];
};

struct host {
	uint8_t		 h_key[PKT_ADDRLEN + 2];	/* addr, af, subj */
	char		*h_line;
	int		 h_uptime;
	uint32_t	 h_upmin;
	uint32_t	 h_upmod;
};

struct hosts {
	struct host	*hs_v;		/* in order of first sight */
	size_t		 hs_n;
	size_t		 hs_cap;
	uint32_t	*hs_idx;	/* open addressing, index + 1 */
	size_t		 hs_mask;
};

static void	usage(void) __attribute__((__noreturn__));
static void	addrstr(const struct pkt *, int, char *, size_t);
static uint32_t	hash(const uint8_t *, size_t);
static void	flowkey(const struct pkt *, int, uint8_t *);
static struct host *host_get(struct hosts *, const struct pkt *, int, int,
		    int *);
static void	hosts_grow(struct hosts *);
static char	*obs_line(const struct p0f_result *, const char *,
		    const char *, int);
static struct hflow **hflow_find(const uint8_t *);
static void	hflow_drop(struct hflow **);
static void	http_packet(const struct p0f_db *, const struct pkt *,
		    const struct p0f_result *, int, size_t *);

static struct flow	*flows;
static struct hflow	**hflows;

static void
usage(void)
{
	fprintf(stderr, "usage: p0fcheck [-an] [-f p0f.fp] file.pcap\n");
	exit(2);
}

/* p0f's own format: IPv6 with every group and no "::". */
static void
addrstr(const struct pkt *p, int dst, char *buf, size_t len)
{
	const uint8_t	*a = dst ? p->p_dst : p->p_src;

	if (p->p_af == AF_INET)
		(void)snprintf(buf, len, "%u.%u.%u.%u", a[0], a[1], a[2],
		    a[3]);
	else
		(void)snprintf(buf, len, "%x:%x:%x:%x:%x:%x:%x:%x",
		    (a[0] << 8) | a[1], (a[2] << 8) | a[3],
		    (a[4] << 8) | a[5], (a[6] << 8) | a[7],
		    (a[8] << 8) | a[9], (a[10] << 8) | a[11],
		    (a[12] << 8) | a[13], (a[14] << 8) | a[15]);
}

static uint32_t
hash(const uint8_t *b, size_t n)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return (h);
}

/* Client address and port first, whichever way the packet goes. */
static void
flowkey(const struct pkt *p, int reverse, uint8_t *k)
{
	memcpy(k, reverse ? p->p_dst : p->p_src, PKT_ADDRLEN);
	memcpy(k + PKT_ADDRLEN, reverse ? p->p_src : p->p_dst, PKT_ADDRLEN);
	k[2 * PKT_ADDRLEN] = (reverse ? p->p_dport : p->p_sport) >> 8;
	k[2 * PKT_ADDRLEN + 1] = (reverse ? p->p_dport : p->p_sport) & 0xff;
	k[2 * PKT_ADDRLEN + 2] = (reverse ? p->p_sport : p->p_dport) >> 8;
	k[2 * PKT_ADDRLEN + 3] = (reverse ? p->p_sport : p->p_dport) & 0xff;
}

static void
hosts_grow(struct hosts *hs)
{
	size_t	 n, i, j;

	n = hs->hs_mask == 0 ? 1024 : (hs->hs_mask + 1) * 2;
	free(hs->hs_idx);
	if ((hs->hs_idx = calloc(n, sizeof(*hs->hs_idx))) == NULL)
		err(1, "calloc");
	hs->hs_mask = n - 1;
	for (i = 0; i < hs->hs_n; i++) {
		j = hash(hs->hs_v[i].h_key, sizeof(hs->hs_v[i].h_key)) &
		    hs->hs_mask;
		while (hs->hs_idx[j] != 0)
			j = (j + 1) & hs->hs_mask;
		hs->hs_idx[j] = (uint32_t)i + 1;
	}
}

static struct host *
host_get(struct hosts *hs, const struct pkt *p, int subj, int create,
    int *isnew)
{
	uint8_t	 k[PKT_ADDRLEN + 2];
	size_t	 j;
	void	*nv;

	memcpy(k, p->p_src, PKT_ADDRLEN);
	k[PKT_ADDRLEN] = (uint8_t)p->p_af;
	k[PKT_ADDRLEN + 1] = (uint8_t)subj;
	*isnew = 0;
	if ((hs->hs_n + 1) * 2 > hs->hs_mask)
		hosts_grow(hs);
	j = hash(k, sizeof(k)) & hs->hs_mask;
	while (hs->hs_idx[j] != 0) {
		if (memcmp(hs->hs_v[hs->hs_idx[j] - 1].h_key, k,
		    sizeof(k)) == 0)
			return (&hs->hs_v[hs->hs_idx[j] - 1]);
		j = (j + 1) & hs->hs_mask;
	}
	if (!create)
		return (NULL);
	if (hs->hs_n == hs->hs_cap) {
		hs->hs_cap = hs->hs_cap == 0 ? 1024 : hs->hs_cap * 2;
		nv = reallocarray(hs->hs_v, hs->hs_cap, sizeof(*hs->hs_v));
		if (nv == NULL)
			err(1, "reallocarray");
		hs->hs_v = nv;
	}
	memset(&hs->hs_v[hs->hs_n], 0, sizeof(hs->hs_v[hs->hs_n]));
	memcpy(hs->hs_v[hs->hs_n].h_key, k, sizeof(k));
	hs->hs_idx[j] = (uint32_t)++hs->hs_n;
	*isnew = 1;
	return (&hs->hs_v[hs->hs_n - 1]);
}

static struct hflow **
hflow_find(const uint8_t *k)
{
	struct hflow	**hp;

	hp = &hflows[hash(k, 2 * PKT_ADDRLEN + 4) & (FLOW_SLOTS - 1)];
	while (*hp != NULL && memcmp((*hp)->hf_key, k, sizeof((*hp)->hf_key))
	    != 0)
		hp = &(*hp)->hf_next;
	return (hp);
}

static void
hflow_drop(struct hflow **hp)
{
	struct hflow	*hf = *hp;

	*hp = hf->hf_next;
	free(hf->hf_buf[0]);
	free(hf->hf_buf[1]);
	free(hf);
}

/*
 * p0f's flow handling, for HTTP: a SYN starts a flow unless a tool's
 * signature matched it; a SYN+ACK completes it unless one matched that;
 * FIN or RST ends it; data in sequence is appended and the request, then
 * the response, read once complete.  *r is what p0f_match() said of a
 * SYN or SYN+ACK; matched whether it said anything.
 */
static void
http_packet(const struct p0f_db *db, const struct pkt *p,
    const struct p0f_result *r, int matched, size_t *nfp)
{
	struct hflow	**hp, *hf;
	struct p0f_http	 h;
	char		 cli[64], srv[64], params[64];
	uint8_t		 k[2 * PKT_ADDRLEN + 4];
	uint16_t	 type;
	int		 toserver, rv, dir;
	size_t		 n;

	type = p->p_tcpflags & (PKT_TH_SYN | PKT_TH_ACK | PKT_TH_FIN |
	    PKT_TH_RST);
	flowkey(p, 0, k);
	hp = hflow_find(k);
	toserver = 1;
	if (*hp == NULL) {
		flowkey(p, 1, k);
		hp = hflow_find(k);
		toserver = 0;
	}
	hf = *hp;
	switch (type) {
	case PKT_TH_SYN:
		if (hf != NULL) {
			if (toserver && hf->hf_cseq - 1 == p->p_seq)
				return;
			hflow_drop(hp);
		}
		if ((matched && (r->pr_flags & P0F_R_USERLAND)) ||
		    (matched && (r->pr_flags & P0F_R_SENDSYN)))
			return;
		if ((hf = calloc(1, sizeof(*hf))) == NULL)
			err(1, "calloc");
		flowkey(p, 0, hf->hf_key);
		hf->hf_cseq = p->p_seq + 1;
		hp = hflow_find(hf->hf_key);
		hf->hf_next = *hp;
		*hp = hf;
		return;
	case PKT_TH_SYN | PKT_TH_ACK:
		if (hf == NULL || toserver || hf->hf_acked)
			return;
		if (matched && (r->pr_flags & (P0F_R_USERLAND |
		    P0F_R_SENDSYN))) {
			hflow_drop(hp);
			return;
		}
		hf->hf_acked = 1;
		hf->hf_sseq = p->p_seq + 1;
		return;
	case PKT_TH_FIN:
	case PKT_TH_FIN | PKT_TH_ACK:
	case PKT_TH_RST:
	case PKT_TH_RST | PKT_TH_ACK:
		if (hf != NULL)
			hflow_drop(hp);
		return;
	case PKT_TH_ACK:
		break;
	default:
		return;
	}
	if (hf == NULL)
		return;
	if (!hf->hf_acked) {
		hflow_drop(hp);
		return;
	}
	/* p0f drops a packet that is shorter than its IP length says. */
	if (p->p_paylen != p->p_wirepaylen)
		return;
	dir = toserver ? 0 : 1;
	if (p->p_seq != (toserver ? hf->hf_cseq : hf->hf_sseq))
		return;
	if (hf->hf_len[dir] < P0F_HTTP_MAXDATA && p->p_paylen > 0) {
		n = P0F_HTTP_MAXDATA - hf->hf_len[dir];
		if (n > p->p_paylen)
			n = p->p_paylen;
		if ((hf->hf_buf[dir] = realloc(hf->hf_buf[dir],
		    hf->hf_len[dir] + n)) == NULL)
			err(1, "realloc");
		memcpy(hf->hf_buf[dir] + hf->hf_len[dir], p->p_payload, n);
		hf->hf_len[dir] += n;
	}
	if (toserver)
		hf->hf_cseq += (uint32_t)p->p_paylen;
	else
		hf->hf_sseq += (uint32_t)p->p_paylen;
	if (p->p_paylen == 0)
		return;
	if (toserver && hf->hf_reqdone)
		return;
	if (!toserver && !hf->hf_reqdone) {
		hflow_drop(hp);
		return;
	}
	rv = p0f_http_match(db, toserver ? P0F_REQUEST : P0F_RESPONSE,
	    hf->hf_buf[dir], hf->hf_len[dir], &h);
	if (rv == P0F_HTTP_MORE)
		return;
	if (rv == P0F_HTTP_DONE) {
		(*nfp)++;
		addrstr(p, !toserver, cli, sizeof(cli));
		addrstr(p, toserver, srv, sizeof(srv));
		p0f_http_params(&h, params, sizeof(params));
		printf("mod=http %s|cli=%s/%u|srv=%s/%u|subj=%s|%s=%s|"
		    "lang=%s|params=%s|raw_sig=%s\n",
		    toserver ? "request" : "response", cli,
		    toserver ? p->p_sport : p->p_dport, srv,
		    toserver ? p->p_dport : p->p_sport,
		    toserver ? "cli" : "srv",
		    (h.ph_flags & P0F_H_MATCH) &&
		    !(h.ph_flags & P0F_H_USERLAND) ? "os" : "app",
		    h.ph_flags & P0F_H_MATCH ? h.ph_app : "???",
		    p0f_http_lang(&h), params, h.ph_rawsig);
		if (toserver) {
			hf->hf_reqdone = 1;
			return;
		}
	}
	hflow_drop(hp);
}

/* The fields p0f logs for a syn / syn+ack observation, and mtu's. */
static char *
obs_line(const struct p0f_result *r, const char *prefix, const char *mtupfx,
    int joined)
{
	char	 params[P0F_PARAMSLEN], dist[16], *s = NULL;
	char	 mtu[P0F_NAMELEN + 64];
	int	 n;

	p0f_params(r, params, sizeof(params));
	p0f_dist(r, dist, sizeof(dist));
	mtu[0] = '\0';
	if (r->pr_flags & P0F_R_MTU)
		(void)snprintf(mtu, sizeof(mtu), "%s%slink=%s|raw_mtu=%u",
		    joined ? "|" : "\n", joined ? "" : mtupfx,
		    r->pr_flags & P0F_R_LINK ? r->pr_link : "???",
		    r->pr_mtu);
	n = asprintf(&s, "%s|%s=%s|dist=%s|params=%s|raw_sig=%s%s", prefix,
	    (r->pr_flags & P0F_R_MATCH) &&
	    (r->pr_flags & (P0F_R_USERLAND | P0F_R_SENDSYN)) ? "app" : "os",
	    r->pr_flags & P0F_R_MATCH ? r->pr_os : "???", dist, params,
	    r->pr_rawsig, mtu);
	if (n == -1)
		err(1, "asprintf");
	return (s);
}

int
main(int argc, char *argv[])
{
	char			 ebuf[PCAP_ERRBUF_SIZE > 512 ?
				    PCAP_ERRBUF_SIZE : 512];
	char			 cli[64], srv[64], pfx[256], mpfx[256];
	char			*line;
	const char		*fp = "/etc/p0f/p0f.fp";
	struct p0f_db		*db;
	struct p0f_uptime	*ut;
	struct p0f_result	 r;
	struct pcap_pkthdr	*ph;
	struct hosts		 hs;
	struct host		*h;
	struct pkt		 p;
	struct flow		*f;
	const u_char		*data;
	pcap_t			*pc;
	uint64_t		 ms;
	uint8_t			 k[sizeof(f->f_key)];
	uint16_t		 syn_mss;
	int			 ch, all = 0, flags = P0F_FUZZY, dlt, rc;
	int			 subj, isnew, matched, up, sendsyn;
	unsigned int		 cport, sport;
	size_t			 i, npkt = 0, nfp = 0;

	while ((ch = getopt(argc, argv, "af:n")) != -1) {
		switch (ch) {
		case 'a':
			all = 1;
			break;
		case 'f':
			fp = optarg;
			break;
		case 'n':
			flags &= ~P0F_FUZZY;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();

	if ((db = p0f_db_open(fp, ebuf, sizeof(ebuf))) == NULL)
		errx(1, "%s", ebuf);
	if ((pc = pcap_open_offline(argv[0], ebuf)) == NULL)
		errx(1, "%s", ebuf);
	dlt = pcap_datalink(pc);
	if ((ut = p0f_uptime_new(UPTIME_HOSTS)) == NULL ||
	    (flows = calloc(FLOW_SLOTS, sizeof(*flows))) == NULL ||
	    (all && (hflows = calloc(FLOW_SLOTS, sizeof(*hflows))) == NULL))
		err(1, "calloc");
	memset(&hs, 0, sizeof(hs));

	while ((rc = pcap_next_ex(pc, &ph, &data)) == 1) {
		npkt++;
		if (pkt_decode(&p, dlt, data, ph->caplen, ph->len) == -1 ||
		    !(p.p_flags & PKT_F_TCP))
			continue;
		ms = (uint64_t)ph->ts.tv_sec * 1000 +
		    (uint64_t)ph->ts.tv_usec / 1000;
		/* The SYN's MSS, for the SYN+ACK that answers it. */
		syn_mss = 0;
		sendsyn = 0;
		if ((p.p_tcpflags & (PKT_TH_SYN | PKT_TH_ACK)) ==
		    (PKT_TH_SYN | PKT_TH_ACK)) {
			flowkey(&p, 1, k);
			f = &flows[hash(k, sizeof(k)) & (FLOW_SLOTS - 1)];
			if (f->f_used && memcmp(f->f_key, k, sizeof(k)) == 0) {
				syn_mss = f->f_mss;
				sendsyn = f->f_sendsyn;
			}
		}
		matched = p0f_match(db, &p, syn_mss, flags, &r) == 0;
		if (!matched)
			memset(&r, 0, sizeof(r));
		else if (r.pr_dir == P0F_REQUEST) {
			flowkey(&p, 0, k);
			f = &flows[hash(k, sizeof(k)) & (FLOW_SLOTS - 1)];
			f->f_used = 1;
			memcpy(f->f_key, k, sizeof(k));
			f->f_mss = p.p_mss;
			f->f_sendsyn = (r.pr_flags & P0F_R_SENDSYN) != 0;
		} else if (sendsyn) {
			/* p0f reports the answer to its probe as a tool. */
			r.pr_flags |= P0F_R_SENDSYN;
			r.pr_flags &= ~(P0F_R_MTU | P0F_R_LINK);
		}
		up = p0f_uptime_check(ut, &p, ms, &r);

		subj = matched && r.pr_dir == P0F_RESPONSE;
		addrstr(&p, subj, cli, sizeof(cli));
		addrstr(&p, !subj, srv, sizeof(srv));
		cport = subj ? p.p_dport : p.p_sport;
		sport = subj ? p.p_sport : p.p_dport;
		if (matched)
			nfp++;
		if (all && matched) {
			(void)snprintf(pfx, sizeof(pfx),
			    "mod=%s|cli=%s/%u|srv=%s/%u|subj=%s",
			    r.pr_flags & P0F_R_SENDSYN ? (subj ?
			    "sendsyn response" : "sendsyn probe") :
			    (subj ? "syn+ack" : "syn"), cli, cport, srv, sport,
			    subj ? "srv" : "cli");
			(void)snprintf(mpfx, sizeof(mpfx),
			    "mod=mtu|cli=%s/%u|srv=%s/%u|subj=%s|", cli, cport,
			    srv, sport, subj ? "srv" : "cli");
			line = obs_line(&r, pfx, mpfx, 0);
			puts(line);
			free(line);
		}
		if (all && up)
			printf("mod=uptime|cli=%s/%u|srv=%s/%u|subj=%s|"
			    "uptime=%u days %u hrs %u min (modulo %u days)|"
			    "raw_freq=%.02f Hz\n", cli, cport, srv, sport,
			    subj ? "srv" : "cli",
			    r.pr_uptime_min / 60 / 24,
			    (r.pr_uptime_min / 60) % 24, r.pr_uptime_min % 60,
			    r.pr_uptime_mod_days, r.pr_tsfreq_raw);
		if (all) {
			http_packet(db, &p, &r, matched, &nfp);
			continue;
		}
		if (up && ((h = host_get(&hs, &p, subj, 0, &isnew)) != NULL ||
		    (h = host_get(&hs, &p, !subj, 0, &isnew)) != NULL)) {
			h->h_uptime = 1;
			h->h_upmin = r.pr_uptime_min;
			h->h_upmod = r.pr_uptime_mod_days;
		}
		if (!matched)
			continue;
		h = host_get(&hs, &p, subj, 1, &isnew);
		if (!isnew)
			continue;
		(void)snprintf(pfx, sizeof(pfx), "subj=%s|host=%s",
		    subj ? "srv" : "cli", subj ? srv : cli);
		h->h_line = obs_line(&r, pfx, NULL, 1);
	}
	if (rc == -1)
		errx(1, "%s: %s", argv[0], pcap_geterr(pc));
	for (i = 0; i < hs.hs_n; i++) {
		h = &hs.hs_v[i];
		if (h->h_uptime)
			printf("%s|uptime=%u days %u hrs %u min (modulo %u "
			    "days)\n", h->h_line, h->h_upmin / 60 / 24,
			    (h->h_upmin / 60) % 24, h->h_upmin % 60,
			    h->h_upmod);
		else
			puts(h->h_line);
		free(h->h_line);
	}
	fprintf(stderr, "p0fcheck: %zu packets, %zu fingerprinted, %zu "
	    "hosts\n", npkt, nfp, hs.hs_n);
	free(hs.hs_v);
	free(hs.hs_idx);
	free(flows);
	if (hflows != NULL) {
		for (i = 0; i < FLOW_SLOTS; i++)
			while (hflows[i] != NULL)
				hflow_drop(&hflows[i]);
		free(hflows);
	}
	p0f_uptime_free(ut);
	p0f_db_free(db);
	pcap_close(pc);
	return (0);
}
