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

/* Passive OS fingerprints: p0f v3 signature files, SYN and SYN+ACK matching. */

#ifndef HS_P0F_H
#define HS_P0F_H

#include <stddef.h>
#include <stdint.h>

struct pkt;
struct p0f_db;
struct p0f_uptime;

/* Which [tcp:*] section a packet is matched against. */
#define P0F_REQUEST		0	/* SYN: [tcp:request] */
#define P0F_RESPONSE		1	/* SYN+ACK: [tcp:response] */

/* p0f_match() flags. */
#define P0F_FUZZY		0x01	/* p0f's approximate matches too */

/* pr_flags */
#define P0F_R_MATCH		0x0001	/* a signature matched */
#define P0F_R_GENERIC		0x0002	/* ... a "g:" one */
#define P0F_R_FUZZY		0x0004	/* ... only approximately */
#define P0F_R_USERLAND		0x0008	/* ... of class "!": a tool */
#define P0F_R_BADTTL		0x0010	/* random TTL: dist is a bound */
#define P0F_R_EXCESSDIST	0x0020	/* distance beyond P0F_MAX_DIST */
#define P0F_R_MTU		0x0040	/* pr_mtu from the MSS */
#define P0F_R_LINK		0x0080	/* pr_link from the [mtu] section */
#define P0F_R_UPTIME		0x0100	/* pr_uptime_* from TCP timestamps */
#define P0F_R_SENDSYN		0x0200	/* a p0f-sendsyn probe (SYN only) */

#define P0F_MAX_DIST		35	/* hops; p0f's limit for a TTL match */
#define P0F_CLASSLEN		16
#define P0F_NAMELEN		64
#define P0F_FLAVORLEN		96
#define P0F_LABELLEN		(4 + P0F_CLASSLEN + P0F_NAMELEN + P0F_FLAVORLEN)
#define P0F_OSLEN		(P0F_NAMELEN + P0F_FLAVORLEN)
#define P0F_SIGLEN		320	/* the longest raw_sig p0f can print */
#define P0F_PARAMSLEN		64

/*
 * Fixed-size and pointer-free, so that it can cross a process boundary
 * as it is.  Strings are NUL-terminated and empty when unknown.
 */
struct p0f_result {
	int		 pr_dir;		/* P0F_REQUEST, P0F_RESPONSE */
	uint32_t	 pr_flags;		/* P0F_R_* */
	uint32_t	 pr_line;		/* of the matching sig */
	uint8_t		 pr_ttl;		/* as observed */
	uint8_t		 pr_dist;		/* initial TTL less observed */
	uint8_t		 pr_tos;		/* DSCP, as p0f's "tos:" */
	char		 pr_class[P0F_CLASSLEN];	/* "unix", "win", "!" */
	char		 pr_genre[P0F_NAMELEN];		/* "Linux" */
	char		 pr_flavor[P0F_FLAVORLEN];	/* "3.11 and newer" */
	char		 pr_label[P0F_LABELLEN];	/* "s:unix:Linux:..." */
	char		 pr_os[P0F_OSLEN];		/* genre flavor */
	char		 pr_rawsig[P0F_SIGLEN];		/* p0f's raw_sig */
	uint16_t	 pr_mtu;
	char		 pr_link[P0F_NAMELEN];		/* "DSL" */
	uint32_t	 pr_uptime_min;
	uint32_t	 pr_uptime_mod_days;	/* uptime wraps after this */
	uint32_t	 pr_tsfreq;		/* timestamp clock, Hz */
	double		 pr_tsfreq_raw;		/* as measured */
};

struct p0f_stats {
	size_t		 ps_classes;
	size_t		 ps_labels;
	size_t		 ps_tcp[2];		/* by P0F_REQUEST... */
	size_t		 ps_mtu;
	size_t		 ps_http;		/* parsed, not matched */
};

/* Load a p0f.fp; on failure NULL and "file:line: reason" in the buffer. */
struct p0f_db	*p0f_db_open(const char *, char *, size_t);
/* The same from memory; the name is only for messages. */
struct p0f_db	*p0f_db_parse(const char *, const char *, size_t, char *,
		    size_t);
void		 p0f_db_free(struct p0f_db *);
void		 p0f_db_stats(const struct p0f_db *, struct p0f_stats *);

/*
 * Fingerprint a SYN or SYN+ACK.  The uint16_t is the MSS of the SYN that
 * a SYN+ACK answers (0 if unknown), which p0f uses to explain a window.
 * Returns 0 when *res was filled in (matched or not), -1 when the packet
 * is not something p0f fingerprints.
 */
int		 p0f_match(const struct p0f_db *, const struct pkt *, uint16_t,
		    int, struct p0f_result *);
/* p0f's "params" field: "generic fuzzy random_ttl ..." or "none". */
void		 p0f_params(const struct p0f_result *, char *, size_t);
/* p0f's "dist" field: "12", or "<= 12" for a random-TTL tool. */
void		 p0f_dist(const struct p0f_result *, char *, size_t);

/*
 * Uptime needs two timestamped packets from one host some time apart: a
 * table of the last SYN or SYN+ACK per address, of at most the given size.
 */
struct p0f_uptime *p0f_uptime_new(size_t);
void		 p0f_uptime_free(struct p0f_uptime *);
/*
 * Any TCP packet, with the time in ms; for a SYN or SYN+ACK, *res must be
 * what p0f_match() said of it (zeroed otherwise).  Fills in pr_uptime_*
 * and returns 1 when the host's clock could be read.
 */
int		 p0f_uptime_check(struct p0f_uptime *, const struct pkt *,
		    uint64_t, struct p0f_result *);

#endif /* HS_P0F_H */
