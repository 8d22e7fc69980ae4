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

/* persona: compiled personalities and the packet rewriter's interface. */

#ifndef HS_PERSONA_REWRITE_H
#define HS_PERSONA_REWRITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PFP_NAMELEN	256	/* nmap-os-db names run to 232 bytes */
#define PFP_OPTMAX	40
#define PFP_OSTRLEN	48
#define PFP_P0FMAX	16
#define PFP_TS_NONE	-1
#define PFP_TS_RANDOM	-2	/* a new clock for each connection */

/* An IP ID sequence class (nmap's TI, CI, II). */
enum pfp_ipid {
	IPID_LINUX = 0,		/* not said: leave the kernel's */
	IPID_Z,			/* always zero */
	IPID_I,			/* +1 */
	IPID_BI,		/* +256, the byte-swapped counter */
	IPID_RI,		/* random positive steps */
	IPID_RD,		/* random */
	IPID_FIXED		/* one constant value */
};

/* One TCP answer as nmap describes it (T1-T7, ECN). */
struct pfp_tcp {
	int		pt_present;
	int		pt_r;		/* answers at all */
	int		pt_df;
	int		pt_ttl;
	uint32_t	pt_w;
	char		pt_s;		/* Z A + (A+) O */
	char		pt_a;		/* Z S + (S+) O */
	uint8_t		pt_flags;	/* TCP flags byte, ECE/CWR included */
	int		pt_hasflags;
	char		pt_o[PFP_OSTRLEN];	/* nmap's option string */
	int		pt_haso;
	uint32_t	pt_rd;		/* CRC-32 of a reset's data, 0: none */
	int		pt_quirk_r;	/* reserved bits set */
	int		pt_quirk_u;	/* urgent pointer without URG */
	char		pt_cc;		/* ECN: Y N S O */
};

/* One SYN+ACK signature of p0f.fp, without window scaling. */
struct pfp_p0f {
	char		ps_o[PFP_OSTRLEN];	/* options, nmap's letters */
	uint32_t	ps_w;		/* window, or how many MSS */
	int		ps_wmss;	/* ps_w counts MSS */
	uint16_t	ps_mss;		/* 0: the kernel's */
	int		ps_df;
	int		ps_id;		/* 1: nonzero IP ID, 0: zero */
};

/* A personality compiled from one nmap-os-db entry. */
struct pfp {
	char		pf_name[PFP_NAMELEN];
	char		pf_o[6][PFP_OSTRLEN];	/* OPS O1-O6 */
	uint32_t	pf_w[6];		/* WIN W1-W6 */
	struct pfp_tcp	pf_t[8];		/* T1-T7; [0] is ECN */
	enum pfp_ipid	pf_ti, pf_ci, pf_ii;
	uint16_t	pf_ti_fixed, pf_ci_fixed, pf_ii_fixed;
	int		pf_ss;		/* ICMP shares the TCP counter */
	int		pf_ts;		/* Hz of the TCP timestamp clock;
					   0 zero; PFP_TS_NONE, _RANDOM */
	int		pf_ts_log2;	/* >0: a clock of 2^this Hz, which
					   nmap reports for random values */
	int		pf_isn_gcd;	/* ISN steps are multiples of it */
	int		pf_isn_isr;	/* ISR and SP as nmap reports them */
	int		pf_isn_sp;
	/* U1: the port unreachable */
	int		pf_u_r, pf_u_df, pf_u_ttl;
	int		pf_u_ipl;	/* -1: as the kernel made it */
	uint32_t	pf_u_un;
	int		pf_u_ripl, pf_u_rid;	/* -1: as sent */
	char		pf_u_ripck, pf_u_rud;	/* G Z I */
	int		pf_u_ruck;	/* -1: as sent */
	/* IE: echo replies */
	int		pf_ie_r, pf_ie_ttl;
	char		pf_ie_dfi;	/* N S Y O */
	int		pf_ie_cd;	/* -1 Z, -2 S, -3 O, else the code */
	/* ordinary connections: from p0f.fp where it has a signature */
	int		pf_p0f;		/* p0f SYN+ACK signatures that apply */
	char		pf_p0f_label[PFP_NAMELEN];
	struct pfp_p0f	pf_p0f_sig[PFP_P0FMAX];
	int		pf_p0f_ttl, pf_p0f_df;
};

/* What the rewriter does with a packet. */
#define PRW_ACCEPT	0	/* as it came */
#define PRW_DROP	1
#define PRW_CHANGED	2	/* accept what is in the buffer now */

#define PRW_MAXALIAS	64
#define PRW_NFLOWS	16384	/* per-connection records, a power of 2 */

/* One connection or probe we have seen, shared across restarts. */
struct prw_flow {
	uint32_t	pf_peer;	/* network order */
	uint32_t	pf_alias;
	uint16_t	pf_pport;	/* network order; ICMP: id */
	uint16_t	pf_aport;	/* ICMP: sequence */
	uint8_t		pf_proto;
	uint8_t		pf_class;	/* the probe it was, PRB_* */
	uint8_t		pf_ws_real;	/* the kernel's window scale */
	uint8_t		pf_ws_fake;	/* the one we announced */
	uint8_t		pf_flags;	/* FL_* */
	uint8_t		pf_pad[3];
	uint32_t	pf_seq;		/* probe's sequence number (host) */
	uint32_t	pf_ack;		/* probe's acknowledgment (host) */
	uint32_t	pf_delta;	/* our ISN minus the kernel's */
	uint32_t	pf_tsdelta;	/* the kernel's TSval minus ours */
	uint32_t	pf_seen;	/* seconds, for reuse */
	uint32_t	pf_pad2;
};

struct prw_alias_state {
	uint32_t	pa_addr;	/* network order; 0 free */
	uint16_t	pa_ipid[3];	/* TI, CI, II counters */
	uint16_t	pa_pad;
	uint32_t	pa_tsoff;	/* timestamp offset */
	uint32_t	pa_isn;		/* ISN at pa_isn_ms */
	uint32_t	pa_isn_ms;	/* start of the ISN clock */
};

/* The shared state: a file mapped by every run of the child. */
#define PRW_MAGIC	0x68737052	/* "hspR" */
#define PRW_VERSION	2
struct prw_state {
	uint32_t		ps_magic;
	uint32_t		ps_version;
	uint32_t		ps_nflows;
	uint32_t		ps_pad;
	struct prw_alias_state	ps_alias[PRW_MAXALIAS];
	struct prw_flow		ps_flow[PRW_NFLOWS];
};

struct prw_stats {
	uint64_t	rs_in, rs_out, rs_changed, rs_dropped, rs_bad;
};

struct prw {
	struct prw_state	*rw_state;
	uint32_t		 rw_addr[PRW_MAXALIAS];	/* network order */
	const struct pfp	*rw_pfp[PRW_MAXALIAS];
	size_t			 rw_n;
	struct prw_stats	 rw_stats;
	uint32_t		(*rw_random)(void);
	uint32_t		 rw_now;	/* ms, of the last packet */
};

/* osdb.c */
int	pfp_load_nmap(FILE *, const char *, struct pfp *, char *, size_t);
int	pfp_parse_nmap(const char *, size_t, const char *, struct pfp *,
	    char *, size_t);
int	pfp_parse_p0f(const char *, size_t, struct pfp *);
int	pfp_options(const char *, uint8_t *, size_t, uint32_t, uint32_t,
	    int);

/* rewrite.c */
void	prw_init(struct prw *, struct prw_state *, uint32_t (*)(void));
int	prw_add(struct prw *, uint32_t, const struct pfp *);
void	prw_del(struct prw *, uint32_t);
int	prw_packet(struct prw *, int, uint8_t *, size_t *, size_t, uint32_t);
void	prw_state_reset(struct prw_state *);
void	prw_ordinary(const struct pfp *, uint8_t *, int *);
int	prw_state_valid(const struct prw_state *);

#endif /* HS_PERSONA_REWRITE_H */
