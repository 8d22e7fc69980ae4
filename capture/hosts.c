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
 * Passive fingerprints.  Every SYN and SYN+ACK the handle passes goes
 * through p0f; its sender becomes a host in a bounded table.  A host that
 * is new, or whose fingerprint changed, is logged as a
 * honeyspy.host.fingerprint event; the hosts seen in a second are sent to
 * the parent (for getHosts) at the end of it.  Both are bounded per
 * second, so that a flood from forged addresses costs a count, not a
 * message per packet.
 *
 * With http, the handle also passes segments that start with "GET ",
 * "HEAD" or "HTTP".  A connection is followed from its SYN in a bounded
 * table, as p0f follows it: the first segment of the client's data must
 * hold a GET or HEAD request with its whole header block, and the first of
 * the server's, after that, the response's.  What p0f says of either is
 * logged as a honeyspy.host.fingerprint event of the sender; it does not
 * go to the parent, whose table is the operating systems'.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hs_event.h"
#include "log.h"
#include "util.h"
#include "proto.h"
#include "capture/capture.h"
#include "capture/decode.h"
#include "capture/hosts.h"
#include "capture/p0f.h"

/* Every SYN, with or without ACK; tcp[] reaches IPv4 only. */
#define HOSTS_FILTER	"(tcp[13] & 2 != 0) or " \
			"(ip6[6] == 6 and ip6[53] & 2 != 0)"
/* ... and data starting "GET ", "HEAD" or "HTTP". */
#define HOSTS_TCPDATA	"tcp[((tcp[12] & 0xf0) >> 2):4]"
#define HOSTS_TCP6DATA	"ip6[40 + ((ip6[52] & 0xf0) >> 2):4]"
#define HOSTS_HTTPFILTER HOSTS_FILTER " or " \
			"(" HOSTS_TCPDATA " = 0x47455420 or " \
			HOSTS_TCPDATA " = 0x48454144 or " \
			HOSTS_TCPDATA " = 0x48545450) or " \
			"(ip6[6] == 6 and (" HOSTS_TCP6DATA " = 0x47455420 or " \
			HOSTS_TCP6DATA " = 0x48454144 or " \
			HOSTS_TCP6DATA " = 0x48545450))"

#define HOSTS_SIDES	4	/* SYN, SYN+ACK, HTTP request, response */
#define SIDE_HTTPREQ	2
#define SIDE_HTTPRESP	3

struct host {
	RB_ENTRY(host)		 h_entry;
	TAILQ_ENTRY(host)	 h_lru;
	TAILQ_ENTRY(host)	 h_dirty;
	int			 h_isdirty;	/* the parent's copy is old */
	struct host_msg		 h_msg;
	/* As last logged, for a SYN, a SYN+ACK, and HTTP both ways. */
	char			 h_label[HOSTS_SIDES][P0F_LABELLEN + 48];
	int			 h_logged[HOSTS_SIDES];
	time_t			 h_evented;	/* monotonic; -1 never */
	time_t			 h_http_evented;	/* the same for HTTP */
	/* What HTTP said last: the application, its language. */
	char			 h_http_app[P0F_OSLEN];
	char			 h_http_lang[P0F_HTTP_LANGLEN];
	int			 h_http_dishonest;
};
RB_HEAD(host_tree, host);
TAILQ_HEAD(host_lru, host);

/* A SYN's MSS, for p0f to explain the SYN+ACK that answers it. */
struct syn {
	int			 sy_af;
	uint8_t			 sy_src[16];
	uint8_t			 sy_dst[16];
	uint16_t		 sy_sport;
	uint16_t		 sy_dport;
	uint16_t		 sy_mss;
};

/* A connection followed for HTTP, from its SYN. */
#define HF_FREE		0
#define HF_SYN		1	/* the SYN+ACK is next */
#define HF_OPEN		2	/* the request is next */
#define HF_REQ		3	/* the response is next */

struct hflow {
	int			 hf_state;	/* HF_* */
	int			 hf_af;
	uint8_t			 hf_cli[16];
	uint8_t			 hf_srv[16];
	uint16_t		 hf_cport;
	uint16_t		 hf_sport;
	uint32_t		 hf_cseq;	/* the client's first byte */
	uint32_t		 hf_sseq;	/* the server's first byte */
	time_t			 hf_when;	/* of the SYN, capture time */
};

static int	host_cmp(struct host *, struct host *);
static struct host *host_get(const struct pkt *, const struct timeval *);
static void	host_seen(const struct pkt *, const struct p0f_result *,
		    const struct timeval *);
static json_t	*fp_event_new(const struct pkt *, const struct timeval *, int *);
static void	host_event(const struct pkt *, const struct p0f_result *,
		    const struct timeval *);
static void	copy_printable(char *, const char *, size_t);
static size_t	syn_slot(int, const uint8_t *, const uint8_t *, uint16_t,
		    uint16_t, size_t);
static void	syn_remember(const struct pkt *);
static uint16_t	syn_mss(const struct pkt *);
static struct hflow *hflow_get(const struct pkt *, int);
static void	http_packet(const struct pkt *, const struct timeval *);
static void	http_seen(const struct pkt *, const struct p0f_http *,
		    const struct timeval *);
static void	http_event(const struct pkt *, const struct p0f_http *,
		    const struct timeval *);

RB_GENERATE_INTERNAL(host_tree, host, h_entry, host_cmp, HS_RB_STATIC)

static struct p0f_db	*db;
static struct p0f_uptime *uptime;
static struct p0f_nat	*nat;
static int		 kinds;		/* HS_FP_* */
static int		 fuzzy;
static uint64_t		 nfingerprints;
static struct host_tree	 hosts = RB_INITIALIZER(&hosts);
static struct host_lru	 lru = TAILQ_HEAD_INITIALIZER(lru);
static struct host_lru	 dirty = TAILQ_HEAD_INITIALIZER(dirty);
static size_t		 nhosts;
static int		 evbudget = HOSTS_EVENTS;
static int		 sendbudget = HOSTS_EVENTS;	/* hosts sent at once */
static struct syn	 syns[HOSTS_SYNS];
static uint32_t		 syn_seed;
static struct hflow	 hflows[HOSTS_HTTP_FLOWS];

static int
host_cmp(struct host *a, struct host *b)
{
	if (a->h_msg.ho_af != b->h_msg.ho_af)
		return (a->h_msg.ho_af < b->h_msg.ho_af ? -1 : 1);
	return (memcmp(a->h_msg.ho_addr, b->h_msg.ho_addr,
	    sizeof(a->h_msg.ho_addr)));
}

/*
 * Before the sandbox: parse the database the parent read for us.  No
 * database, or one that does not parse, means no fingerprints, said once.
 */
void
hosts_init(const char *buf, size_t len, const char *name, int want,
    int fz)
{
	struct p0f_stats	 ps;
	char			 err[256];

	if (getrandom(&syn_seed, sizeof(syn_seed), 0) !=
	    (ssize_t)sizeof(syn_seed))
		fatal("%s: getrandom", __func__);
	if (buf == NULL ||
	    (want & (HS_FP_SYN | HS_FP_SYNACK | HS_FP_HTTP)) == 0)
		return;
	if ((db = p0f_db_parse(name, buf, len, err, sizeof(err))) == NULL) {
		log_warnx("fingerprint.database %s; fingerprinting off", err);
		return;
	}
	if ((uptime = p0f_uptime_new(HOSTS_MAX)) == NULL)
		fatal("%s: p0f_uptime_new", __func__);
	if ((nat = p0f_nat_new(HOSTS_MAX)) == NULL)
		fatal("%s: p0f_nat_new", __func__);
	p0f_db_stats(db, &ps);
	log_debug("fingerprint: %zu SYN, %zu SYN+ACK, %zu HTTP request and "
	    "%zu HTTP response signatures from %s", ps.ps_tcp[P0F_REQUEST],
	    ps.ps_tcp[P0F_RESPONSE], ps.ps_http[P0F_REQUEST],
	    ps.ps_http[P0F_RESPONSE], name);
	hosts_configure(want, fz);
}

/* fingerprint.packets and .fuzzy, at start and on reload. */
void
hosts_configure(int want, int fz)
{
	/* Connections followed so far would be half-known after a gap. */
	if (!(want & HS_FP_HTTP))
		memset(hflows, 0, sizeof(hflows));
	kinds = want;
	fuzzy = fz;
}

/* What the handle must pass for us, or NULL for nothing. */
const char *
hosts_filter(void)
{
	if (db == NULL)
		return (NULL);
	if (kinds & HS_FP_HTTP)
		return (HOSTS_HTTPFILTER);
	if ((kinds & (HS_FP_SYN | HS_FP_SYNACK)) == 0)
		return (NULL);
	return (HOSTS_FILTER);
}

uint64_t
hosts_count(void)
{
	return (nfingerprints);
}

void
hosts_packet(const struct pkt *p, const struct timeval *ts)
{
	struct p0f_result	 res;
	uint64_t		 ms;
	uint16_t		 mss = 0;

	if (hosts_filter() == NULL || !(p->p_flags & PKT_F_TCP) ||
	    (p->p_flags & (PKT_F_FRAG | PKT_F_BAD)))
		return;
	if (kinds & HS_FP_HTTP)
		http_packet(p, ts);
	if (!(p->p_tcpflags & PKT_TH_SYN) ||
	    !(kinds & (HS_FP_SYN | HS_FP_SYNACK)))
		return;
	if (p->p_tcpflags & PKT_TH_ACK) {
		if (!(kinds & HS_FP_SYNACK))
			return;
		mss = syn_mss(p);
	} else {
		syn_remember(p);
		if (!(kinds & HS_FP_SYN))
			return;
	}
	memset(&res, 0, sizeof(res));
	if (p0f_match(db, p, mss, fuzzy ? P0F_FUZZY : 0, &res) == -1)
		return;
	ms = (uint64_t)ts->tv_sec * 1000 + (uint64_t)ts->tv_usec / 1000;
	(void)p0f_uptime_check(uptime, p, ms, &res);
	p0f_nat_check(nat, p, &res);
	nfingerprints++;
	host_seen(p, &res, ts);
}

static size_t
syn_slot(int af, const uint8_t *src, const uint8_t *dst, uint16_t sport,
    uint16_t dport, size_t n)
{
	uint32_t	 h = syn_seed ^ 2166136261U;
	size_t		 i;

	for (i = 0; i < PKT_ADDRLEN; i++)
		h = (h ^ src[i] ^ ((uint32_t)dst[i] << 8)) * 16777619U;
	h = (h ^ (uint32_t)af ^ ((uint32_t)sport << 16) ^ dport) *
	    16777619U;
	return (h % n);
}

/* The newest SYN of a slot wins: a lost MSS costs only a finer guess. */
static void
syn_remember(const struct pkt *p)
{
	struct syn	*sy;

	if (!(p->p_tcpoptflags & PKT_TO_MSS))
		return;
	sy = &syns[syn_slot(p->p_af, p->p_src, p->p_dst, p->p_sport,
	    p->p_dport, HOSTS_SYNS)];
	sy->sy_af = p->p_af;
	memcpy(sy->sy_src, p->p_src, sizeof(sy->sy_src));
	memcpy(sy->sy_dst, p->p_dst, sizeof(sy->sy_dst));
	sy->sy_sport = p->p_sport;
	sy->sy_dport = p->p_dport;
	sy->sy_mss = p->p_mss;
}

/* The MSS of the SYN this SYN+ACK answers, or 0. */
static uint16_t
syn_mss(const struct pkt *p)
{
	struct syn	*sy;

	sy = &syns[syn_slot(p->p_af, p->p_dst, p->p_src, p->p_dport,
	    p->p_sport, HOSTS_SYNS)];
	if (sy->sy_af != p->p_af || sy->sy_sport != p->p_dport ||
	    sy->sy_dport != p->p_sport ||
	    memcmp(sy->sy_src, p->p_dst, sizeof(sy->sy_src)) != 0 ||
	    memcmp(sy->sy_dst, p->p_src, sizeof(sy->sy_dst)) != 0)
		return (0);
	return (sy->sy_mss);
}

/* The connection of a segment to the server (toserver) or from it, or NULL. */
static struct hflow *
hflow_get(const struct pkt *p, int toserver)
{
	struct hflow	*hf;
	const uint8_t	*cli, *srv;
	uint16_t	 cport, sport;

	cli = toserver ? p->p_src : p->p_dst;
	srv = toserver ? p->p_dst : p->p_src;
	cport = toserver ? p->p_sport : p->p_dport;
	sport = toserver ? p->p_dport : p->p_sport;
	hf = &hflows[syn_slot(p->p_af, cli, srv, cport, sport,
	    HOSTS_HTTP_FLOWS)];
	if (hf->hf_state == HF_FREE || hf->hf_af != p->p_af ||
	    hf->hf_cport != cport || hf->hf_sport != sport ||
	    memcmp(hf->hf_cli, cli, sizeof(hf->hf_cli)) != 0 ||
	    memcmp(hf->hf_srv, srv, sizeof(hf->hf_srv)) != 0)
		return (NULL);
	return (hf);
}

/*
 * p0f's way with a connection, for HTTP: from a SYN, through its SYN+ACK,
 * to the first data each way.  A slot taken by a newer SYN forgets the
 * older connection: a flood of SYNs costs HTTP fingerprints, no memory.
 */
static void
http_packet(const struct pkt *p, const struct timeval *ts)
{
	struct hflow	*hf;
	struct p0f_http	 res;
	uint16_t	 type;
	int		 toserver = 1, rv;

	type = p->p_tcpflags & (PKT_TH_SYN | PKT_TH_ACK | PKT_TH_FIN |
	    PKT_TH_RST);
	if (type == PKT_TH_SYN) {
		hf = &hflows[syn_slot(p->p_af, p->p_src, p->p_dst, p->p_sport,
		    p->p_dport, HOSTS_HTTP_FLOWS)];
		/* A retransmitted SYN changes nothing. */
		if (hflow_get(p, 1) == hf && hf->hf_cseq == p->p_seq + 1)
			return;
		memset(hf, 0, sizeof(*hf));
		hf->hf_state = HF_SYN;
		hf->hf_af = p->p_af;
		memcpy(hf->hf_cli, p->p_src, sizeof(hf->hf_cli));
		memcpy(hf->hf_srv, p->p_dst, sizeof(hf->hf_srv));
		hf->hf_cport = p->p_sport;
		hf->hf_sport = p->p_dport;
		hf->hf_cseq = p->p_seq + 1;
		hf->hf_when = ts->tv_sec;
		return;
	}
	if ((hf = hflow_get(p, 1)) == NULL) {
		if ((hf = hflow_get(p, 0)) == NULL)
			return;
		toserver = 0;
	}
	if (ts->tv_sec < hf->hf_when ||
	    ts->tv_sec - hf->hf_when > HOSTS_HTTP_AGE) {
		hf->hf_state = HF_FREE;
		return;
	}
	if (type == (PKT_TH_SYN | PKT_TH_ACK)) {
		if (!toserver && hf->hf_state == HF_SYN) {
			hf->hf_sseq = p->p_seq + 1;
			hf->hf_state = HF_OPEN;
		}
		return;
	}
	if (type != PKT_TH_ACK) {
		/* FIN or RST end it; anything odder is not looked at. */
		if (type & (PKT_TH_FIN | PKT_TH_RST))
			hf->hf_state = HF_FREE;
		return;
	}
	if (p->p_paylen == 0)
		return;
	if (toserver) {
		/* A later request of the same connection: p0f reads one. */
		if (hf->hf_state == HF_REQ)
			return;
		if (hf->hf_state != HF_OPEN || p->p_seq != hf->hf_cseq) {
			hf->hf_state = HF_FREE;
			return;
		}
	} else if (hf->hf_state != HF_REQ || p->p_seq != hf->hf_sseq) {
		/* Server data first, or some we did not see. */
		hf->hf_state = HF_FREE;
		return;
	}
	rv = p0f_http_match(db, toserver ? P0F_REQUEST : P0F_RESPONSE,
	    p->p_payload, p->p_paylen, &res);
	/* The header block must be in the first segment: no reassembly. */
	if (rv != P0F_HTTP_DONE || !toserver)
		hf->hf_state = HF_FREE;
	else
		hf->hf_state = HF_REQ;
	if (rv == P0F_HTTP_DONE) {
		nfingerprints++;
		http_seen(p, &res, ts);
	}
}

/* The sender's application; logged when new or changed, as for TCP. */
static void
http_seen(const struct pkt *p, const struct p0f_http *res,
    const struct timeval *ts)
{
	struct host	*h;
	struct timespec	 now;
	char		 key[sizeof(h->h_label[0])];
	int		 side;

	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		fatal("%s: clock_gettime", __func__);
	h = host_get(p, ts);
	side = res->ph_dir == P0F_REQUEST ? SIDE_HTTPREQ : SIDE_HTTPRESP;
	if (res->ph_flags & P0F_H_MATCH) {
		copy_printable(h->h_http_app, res->ph_app,
		    sizeof(h->h_http_app));
		h->h_http_dishonest = (res->ph_flags & P0F_H_DISHONEST) != 0;
	}
	if (res->ph_lang[0] != '\0')
		copy_printable(h->h_http_lang, res->ph_lang,
		    sizeof(h->h_http_lang));
	(void)snprintf(key, sizeof(key), "%s|%s|%d",
	    (res->ph_flags & P0F_H_MATCH) ? res->ph_label : "",
	    res->ph_langcode, (res->ph_flags & P0F_H_DISHONEST) != 0);
	if (h->h_logged[side] && strcmp(h->h_label[side], key) == 0)
		return;
	if ((h->h_http_evented != -1 && now.tv_sec - h->h_http_evented <
	    HOSTS_EVENT_GAP) || evbudget == 0)
		return;
	evbudget--;
	http_event(p, res, ts);
	(void)strlcpy(h->h_label[side], key, sizeof(h->h_label[side]));
	h->h_logged[side] = 1;
	h->h_http_evented = now.tv_sec;
}

/*
 * The parent takes only printable ASCII from us; a database that says
 * more gets question marks, not a dead child.
 */
static void
copy_printable(char *dst, const char *src, size_t size)
{
	size_t	 i;

	for (i = 0; i + 1 < size && src[i] != '\0'; i++)
		dst[i] = (unsigned char)src[i] < 0x20 ||
		    (unsigned char)src[i] > 0x7e ? '?' : src[i];
	dst[i] = '\0';
}

/* The sender's entry, made (in place of the least recent) when new. */
static struct host *
host_get(const struct pkt *p, const struct timeval *ts)
{
	struct host	 key, *h;

	memset(&key, 0, sizeof(key));
	key.h_msg.ho_af = p->p_af;
	memcpy(key.h_msg.ho_addr, p->p_src, sizeof(key.h_msg.ho_addr));
	if ((h = RB_FIND(host_tree, &hosts, &key)) != NULL) {
		TAILQ_REMOVE(&lru, h, h_lru);
		TAILQ_INSERT_HEAD(&lru, h, h_lru);
		return (h);
	}
	if (nhosts == HOSTS_MAX) {
		h = TAILQ_LAST(&lru, host_lru);
		TAILQ_REMOVE(&lru, h, h_lru);
		RB_REMOVE(host_tree, &hosts, h);
		if (h->h_isdirty)
			TAILQ_REMOVE(&dirty, h, h_dirty);
		memset(h, 0, sizeof(*h));
	} else {
		if ((h = calloc(1, sizeof(*h))) == NULL)
			fatal("%s: calloc", __func__);
		nhosts++;
	}
	h->h_msg = key.h_msg;
	if (inet_ntop(p->p_af, p->p_src, h->h_msg.ho_addrtext,
	    sizeof(h->h_msg.ho_addrtext)) == NULL)
		fatal("%s: inet_ntop", __func__);
	h->h_msg.ho_first = ts->tv_sec;
	h->h_evented = -1;
	h->h_http_evented = -1;
	RB_INSERT(host_tree, &hosts, h);
	TAILQ_INSERT_HEAD(&lru, h, h_lru);
	return (h);
}

static void
host_seen(const struct pkt *p, const struct p0f_result *res,
    const struct timeval *ts)
{
	struct host	*h;
	struct host_msg	*ho;
	struct timespec	 now;
	const char	*label;
	char		 oldos[HS_NAMELEN];
	int		 side, verdict;

	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		fatal("%s: clock_gettime", __func__);
	h = host_get(p, ts);
	ho = &h->h_msg;
	side = (p->p_tcpflags & PKT_TH_ACK) ? 1 : 0;
	label = (res->pr_flags & P0F_R_MATCH) ? res->pr_label : "";

	ho->ho_kind = side ? HS_FP_SYNACK : HS_FP_SYN;
	ho->ho_count++;
	ho->ho_last = ts->tv_sec;
	ho->ho_distance = res->pr_dist;
	ho->ho_fuzzy = (res->pr_flags & P0F_R_FUZZY) != 0;
	ho->ho_generic = (res->pr_flags & P0F_R_GENERIC) != 0;
	if (res->pr_flags & P0F_R_SHARING)
		ho->ho_sharing = 1;
	/* What a host is stays known when a later packet says nothing. */
	(void)strlcpy(oldos, ho->ho_os, sizeof(oldos));
	if (res->pr_flags & P0F_R_MATCH) {
		copy_printable(ho->ho_os, res->pr_os, sizeof(ho->ho_os));
		copy_printable(ho->ho_class, res->pr_class,
		    sizeof(ho->ho_class));
	}
	if ((kinds & HS_FP_MTU) && (res->pr_flags & P0F_R_LINK))
		copy_printable(ho->ho_link, res->pr_link,
		    sizeof(ho->ho_link));
	/*
	 * A host whose system just became known goes to the parent now:
	 * the connection its SYN opens is being accepted as we speak, and
	 * its session should say what it comes from.  The rest can wait
	 * for the tick.
	 */
	if (strcmp(oldos, ho->ho_os) != 0 && sendbudget > 0) {
		sendbudget--;
		if (h->h_isdirty) {
			TAILQ_REMOVE(&dirty, h, h_dirty);
			h->h_isdirty = 0;
		}
		capture_host_send(ho);
	} else if (!h->h_isdirty) {
		TAILQ_INSERT_TAIL(&dirty, h, h_dirty);
		h->h_isdirty = 1;
	}

	/*
	 * Logged when new or changed, or when it looks like another host
	 * or a shared address; a host that flaps, not every time.
	 */
	verdict = (res->pr_flags & (P0F_R_HOSTCHANGE | P0F_R_SHARING)) != 0;
	if (h->h_logged[side] && strcmp(h->h_label[side], label) == 0 &&
	    !verdict)
		return;
	/* A verdict on the address is news even right after the last. */
	if ((h->h_evented != -1 && now.tv_sec - h->h_evented <
	    HOSTS_EVENT_GAP && !verdict) || evbudget == 0)
		return;
	evbudget--;
	host_event(p, res, ts);
	(void)strlcpy(h->h_label[side], label, sizeof(h->h_label[side]));
	h->h_logged[side] = 1;
	h->h_evented = now.tv_sec;
}

/* Once a second: what the parent's table is missing, and a new budget. */
void
hosts_tick(void)
{
	struct host	*h;
	int		 n;

	evbudget = HOSTS_EVENTS;
	sendbudget = HOSTS_EVENTS;
	for (n = 0; n < HOSTS_FLUSH && (h = TAILQ_FIRST(&dirty)) != NULL;
	    n++) {
		TAILQ_REMOVE(&dirty, h, h_dirty);
		h->h_isdirty = 0;
		capture_host_send(&h->h_msg);
	}
}

/* A fingerprint event's start: when, the flow, the sender's MAC. */
static json_t *
fp_event_new(const struct pkt *p, const struct timeval *tv, int *rv)
{
	json_t	*ev;

	if ((ev = capture_event_new("honeyspy.host.fingerprint")) == NULL) {
		log_warnx("%s: cannot build event", __func__);
		return (NULL);
	}
	*rv |= capture_set_stamp(ev, "timestamp", tv);
	if (hs_event_set_flow(ev, p->p_af, p->p_src, p->p_dst, p->p_proto,
	    p->p_sport, p->p_dport) == -1)
		*rv = -1;
	if (p->p_flags & PKT_F_ETHER)
		*rv |= capture_set_mac(ev, "mac", p->p_ethsrc);
	return (ev);
}

/* honeyspy.host.fingerprint: p0f's verdict on the sender of a SYN. */
static void
host_event(const struct pkt *p, const struct p0f_result *res,
    const struct timeval *tv)
{
	json_t		*ev;
	char		 buf[128];
	int		 rv = 0;

	if ((ev = fp_event_new(p, tv, &rv)) == NULL)
		return;
	rv |= hs_event_set_str(ev, "direction",
	    (p->p_tcpflags & PKT_TH_ACK) ? "synack" : "syn");
	if (res->pr_flags & P0F_R_MATCH) {
		rv |= hs_event_set_str(ev, "os", res->pr_os);
		rv |= hs_event_set_str(ev, "os_class", res->pr_class);
		rv |= hs_event_set_str(ev, "os_name", res->pr_genre);
		rv |= hs_event_set_str(ev, "os_flavor", res->pr_flavor);
		rv |= hs_event_set_str(ev, "p0f_label", res->pr_label);
	}
	p0f_dist(res, buf, sizeof(buf));
	rv |= hs_event_set_str(ev, "distance", buf);
	p0f_params(res, buf, sizeof(buf));
	rv |= hs_event_set_str(ev, "params", buf);
	rv |= hs_event_set_str(ev, "raw_sig", res->pr_rawsig);
	if ((kinds & HS_FP_MTU) && (res->pr_flags & P0F_R_MTU)) {
		rv |= hs_event_set_int(ev, "mtu", res->pr_mtu);
		if (res->pr_flags & P0F_R_LINK)
			rv |= hs_event_set_str(ev, "link", res->pr_link);
	}
	if (res->pr_flags & P0F_R_UPTIME)
		rv |= hs_event_set_int(ev, "uptime_min", res->pr_uptime_min);
	/* p0f's "host change" and "ip sharing", with its reasons. */
	if (res->pr_flags & (P0F_R_HOSTCHANGE | P0F_R_SHARING)) {
		p0f_nat_reasons(res->pr_nat_reasons, buf, sizeof(buf));
		rv |= hs_event_set_str(ev, "sharing",
		    (res->pr_flags & P0F_R_HOSTCHANGE) ? "host change" :
		    (p->p_tcpflags & PKT_TH_ACK) ? "load balancer" : "nat");
		rv |= hs_event_set_str(ev, "sharing_reasons", buf);
		rv |= hs_event_set_int(ev, "sharing_score",
		    res->pr_nat_score);
	}
	if (rv != 0) {
		log_warnx("%s: cannot build event", __func__);
		json_decref(ev);
		return;
	}
	capture_event_send(ev);
}

/* honeyspy.host.fingerprint for HTTP: p0f's verdict on the sender. */
static void
http_event(const struct pkt *p, const struct p0f_http *res,
    const struct timeval *tv)
{
	json_t		*ev;
	char		 buf[64];
	int		 rv = 0;

	if ((ev = fp_event_new(p, tv, &rv)) == NULL)
		return;
	rv |= hs_event_set_str(ev, "direction",
	    res->ph_dir == P0F_REQUEST ? "http_request" : "http_response");
	rv |= hs_event_set_str(ev, "http_version",
	    res->ph_ver ? "1.1" : "1.0");
	if (res->ph_flags & P0F_H_MATCH) {
		rv |= hs_event_set_str(ev, "http_app", res->ph_app);
		rv |= hs_event_set_str(ev, "http_app_class", res->ph_class);
		rv |= hs_event_set_str(ev, "p0f_label", res->ph_label);
		if (json_object_set_new(ev, "http_dishonest",
		    json_boolean(res->ph_flags & P0F_H_DISHONEST)) == -1)
			rv = -1;
	}
	if (res->ph_flags & P0F_H_LANG) {
		rv |= hs_event_set_str(ev, "http_lang_code", res->ph_langcode);
		if (res->ph_lang[0] != '\0')
			rv |= hs_event_set_str(ev, "http_lang", res->ph_lang);
	}
	if (res->ph_sw[0] != '\0')
		rv |= hs_event_set_str(ev, "http_software", res->ph_sw);
	p0f_http_params(res, buf, sizeof(buf));
	rv |= hs_event_set_str(ev, "params", buf);
	rv |= hs_event_set_str(ev, "raw_sig", res->ph_rawsig);
	if (rv != 0) {
		log_warnx("%s: cannot build event", __func__);
		json_decref(ev);
		return;
	}
	capture_event_send(ev);
}
