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
 * Flood control for packet events.  A flow (both directions of one
 * address, port and protocol tuple) gets FLOW_EVENTS events in a window of
 * one second and the whole interface FLOW_BUDGET; past that a packet is
 * only counted, and each flow that had packets counted gets one summary
 * when the window ends.  Flows that come when the budget is spent share
 * one untracked summary; so a window makes at most twice FLOW_BUDGET
 * events and one more, and the table never holds more than FLOW_MAX.
 * A tree, not a hash, because the keys are the attacker's to choose.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <netinet/in.h>

#include <string.h>

#include "capture/decode.h"
#include "capture/flows.h"
#include "util.h"

struct flow_key {
	uint8_t		 fk_af;
	uint8_t		 fk_proto;
	uint16_t	 fk_port[2];
	uint8_t		 fk_addr[2][16];	/* not IP: the MACs */
	uint16_t	 fk_ethertype;
};

struct flow {
	RB_ENTRY(flow)	 fw_entry;
	struct flow_key	 fw_key;
	struct flow_sum	 fw_sum;
};
RB_HEAD(flow_tree, flow);

static int	flow_cmp(struct flow *, struct flow *);
static void	flow_key(const struct pkt *, struct flow_key *);
static void	flow_count(struct flow_sum *, const struct pkt *,
		    const struct timeval *);

RB_GENERATE_INTERNAL(flow_tree, flow, fw_entry, flow_cmp, HS_RB_STATIC)

static struct flow_tree	 flows = RB_INITIALIZER(&flows);
static struct flow	 pool[FLOW_MAX];
static size_t		 npool;
static struct flow_sum	 untracked;
static uint64_t		 budget;		/* events left in the window */
static time_t		 window = -1;

static int
flow_cmp(struct flow *a, struct flow *b)
{
	return (memcmp(&a->fw_key, &b->fw_key, sizeof(a->fw_key)));
}

/* What an event of this packet calls its ports: ICMP type and code. */
void
flows_ports(const struct pkt *p, uint16_t *sport, uint16_t *dport)
{
	*sport = *dport = 0;
	if (p->p_flags & (PKT_F_TCP | PKT_F_UDP)) {
		*sport = p->p_sport;
		*dport = p->p_dport;
	} else if (p->p_flags & PKT_F_ICMP) {
		*sport = p->p_icmptype;
		*dport = p->p_icmpcode;
	}
}

/* The same key for both directions: the lower end first. */
static void
flow_key(const struct pkt *p, struct flow_key *k)
{
	uint16_t	 sport, dport;
	int		 swap;

	memset(k, 0, sizeof(*k));
	if (!(p->p_flags & PKT_F_IP)) {
		k->fk_ethertype = p->p_ethertype;
		swap = memcmp(p->p_ethsrc, p->p_ethdst, PKT_ETHERLEN) > 0;
		memcpy(k->fk_addr[swap], p->p_ethsrc, PKT_ETHERLEN);
		memcpy(k->fk_addr[!swap], p->p_ethdst, PKT_ETHERLEN);
		return;
	}
	k->fk_af = (uint8_t)p->p_af;
	k->fk_proto = p->p_proto;
	flows_ports(p, &sport, &dport);
	swap = memcmp(p->p_src, p->p_dst, PKT_ADDRLEN);
	swap = swap > 0 || (swap == 0 && sport > dport);
	memcpy(k->fk_addr[swap], p->p_src, PKT_ADDRLEN);
	memcpy(k->fk_addr[!swap], p->p_dst, PKT_ADDRLEN);
	k->fk_port[swap] = sport;
	k->fk_port[!swap] = dport;
}

static void
flow_count(struct flow_sum *fs, const struct pkt *p, const struct timeval *ts)
{
	if (fs->fs_count == 0)
		fs->fs_first = *ts;
	fs->fs_last = *ts;
	fs->fs_count++;
	fs->fs_bytes += p->p_wirelen;
}

/*
 * A new window: summarise the one that ended, then forget it.  Called for
 * every batch of packets and once a second, so that a flood that stopped
 * is still summed up.
 */
void
flows_tick(time_t now, flows_summary_cb cb)
{
	struct flow	*f;

	if (now == window)
		return;
	RB_FOREACH(f, flow_tree, &flows)
		if (f->fw_sum.fs_count > 0)
			cb(&f->fw_sum);
	if (untracked.fs_count > 0)
		cb(&untracked);
	RB_INIT(&flows);
	npool = 0;
	memset(&untracked, 0, sizeof(untracked));
	untracked.fs_untracked = 1;
	budget = FLOW_BUDGET;
	window = now;
}

/* 1: this packet gets an event; 0: it is only counted. */
int
flows_admit(const struct pkt *p, const struct timeval *ts)
{
	struct flow	 key, *f;
	struct flow_sum	*fs;

	flow_key(p, &key.fw_key);
	if ((f = RB_FIND(flow_tree, &flows, &key)) == NULL) {
		/*
		 * A flow gets a summary of its own only if it had an event:
		 * a scan that makes a new flow of every packet must not make
		 * a summary of every packet instead.
		 */
		if (npool == FLOW_MAX || budget == 0) {
			flow_count(&untracked, p, ts);
			return (0);
		}
		f = &pool[npool++];
		memset(f, 0, sizeof(*f));
		f->fw_key = key.fw_key;
		fs = &f->fw_sum;
		fs->fs_af = (p->p_flags & PKT_F_IP) ? p->p_af : 0;
		fs->fs_proto = p->p_proto;
		memcpy(fs->fs_src, p->p_src, sizeof(fs->fs_src));
		memcpy(fs->fs_dst, p->p_dst, sizeof(fs->fs_dst));
		flows_ports(p, &fs->fs_sport, &fs->fs_dport);
		fs->fs_ether = (p->p_flags & PKT_F_ETHER) != 0;
		memcpy(fs->fs_ethsrc, p->p_ethsrc, sizeof(fs->fs_ethsrc));
		memcpy(fs->fs_ethdst, p->p_ethdst, sizeof(fs->fs_ethdst));
		fs->fs_ethertype = p->p_ethertype;
		RB_INSERT(flow_tree, &flows, f);
	}
	fs = &f->fw_sum;
	if (fs->fs_events < FLOW_EVENTS && budget > 0) {
		fs->fs_events++;
		budget--;
		return (1);
	}
	flow_count(fs, p, ts);
	return (0);
}
