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

/* Flood control: a few packet events per flow and second, the rest counted. */

#ifndef HS_FLOWS_H
#define HS_FLOWS_H

#include <sys/time.h>

#include <stdint.h>
#include <time.h>

#define FLOW_EVENTS		10	/* events per flow and window */
#define FLOW_BUDGET		500	/* events per window, all flows */
#define FLOW_MAX		FLOW_BUDGET	/* each began with an event */

struct pkt;

/* A flow seen in the window, as its first packet showed it. */
struct flow_sum {
	int		 fs_untracked;	/* no room: every flow left over */
	int		 fs_af;		/* AF_INET, AF_INET6; 0: not IP */
	uint8_t		 fs_proto;
	uint8_t		 fs_src[16];
	uint8_t		 fs_dst[16];
	uint16_t	 fs_sport;	/* ICMP: type */
	uint16_t	 fs_dport;	/* ICMP: code */
	int		 fs_ether;
	uint8_t		 fs_ethsrc[6];
	uint8_t		 fs_ethdst[6];
	uint16_t	 fs_ethertype;
	uint64_t	 fs_events;	/* sent for it in the window */
	uint64_t	 fs_count;	/* packets only counted */
	uint64_t	 fs_bytes;	/* their size on the wire */
	struct timeval	 fs_first;	/* of the counted ones */
	struct timeval	 fs_last;
};

typedef void	(*flows_summary_cb)(const struct flow_sum *);

void	flows_ports(const struct pkt *, uint16_t *, uint16_t *);
void	flows_tick(time_t, flows_summary_cb);
int	flows_admit(const struct pkt *, const struct timeval *);

#endif /* HS_FLOWS_H */
