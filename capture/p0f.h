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
 * Passive OS fingerprints: p0f v3 signature files, SYN and SYN+ACK matching,
 * HTTP request and response matching.
 */

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
#define P0F_R_HOSTCHANGE	0x0400	/* unlike the host's last signature */
#define P0F_R_SHARING		0x0800	/* its signatures keep disagreeing */

/* Why a host looks shared (pr_nat_reasons), named as p0f names them. */
#define P0F_NAT_OS		0x0001	/* os_diff: another OS */
#define P0F_NAT_UNK		0x0002	/* sig_diff: unknown sigs differ */
#define P0F_NAT_TOUNK		0x0004	/* x_known: known <-> unknown */
#define P0F_NAT_TTL		0x0008	/* ttl */
#define P0F_NAT_PORT		0x0010	/* port: source port went back */
#define P0F_NAT_MSS		0x0020	/* mtu */
#define P0F_NAT_FUZZY		0x0040	/* fuzzy: matched less exactly */

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
	uint32_t	 pr_nat_reasons;	/* P0F_NAT_* */
	uint32_t	 pr_nat_score;		/* this signature's */
};

struct p0f_stats {
	size_t		 ps_classes;
	size_t		 ps_labels;
	size_t		 ps_tcp[2];		/* by P0F_REQUEST... */
	size_t		 ps_mtu;
	size_t		 ps_http[2];		/* by P0F_REQUEST... */
};

/* HTTP: p0f's limits on what it reads of a header block. */
#define P0F_HTTP_MAXHDRS	32	/* headers in a block or a signature */
#define P0F_HTTP_MAXNAME	32	/* bytes of a header name */
#define P0F_HTTP_MAXVAL		1024	/* bytes of a header value */
#define P0F_HTTP_MAXLINE	1024	/* bytes of the first line */
#define P0F_HTTP_MAXDATA	8192	/* bytes p0f keeps of a flow */
#define P0F_HTTP_SHOW		200	/* bytes of a value in raw_sig */
#define P0F_HTTP_SIGLEN		8192	/* the longest raw_sig possible */
#define P0F_HTTP_LANGLEN	32

/* ph_flags */
#define P0F_H_MATCH		0x0001	/* a signature matched */
#define P0F_H_GENERIC		0x0002	/* ... a "g:" one */
#define P0F_H_USERLAND		0x0004	/* ... of class "!": an application */
#define P0F_H_DISHONEST		0x0008	/* software string not the sig's */
#define P0F_H_ANONYMOUS		0x0010	/* no User-Agent / Server value */
#define P0F_H_LANG		0x0020	/* Accept-Language starts with a code */

/*
 * An HTTP request or response, fixed-size and pointer-free like
 * p0f_result.  Strings are NUL-terminated and empty when unknown; they
 * hold printable ASCII, except that ph_sw and ph_rawsig show bytes 0x20
 * to 0x7f of the message, DEL included, as p0f does.
 */
struct p0f_http {
	int		 ph_dir;		/* P0F_REQUEST, P0F_RESPONSE */
	uint32_t	 ph_flags;		/* P0F_H_* */
	uint32_t	 ph_line;		/* of the matching sig */
	uint8_t		 ph_ver;		/* 0: HTTP/1.0, 1: HTTP/1.1 */
	char		 ph_class[P0F_CLASSLEN];	/* "!", or an OS class */
	char		 ph_genre[P0F_NAMELEN];		/* "Firefox" */
	char		 ph_flavor[P0F_FLAVORLEN];	/* "10.x or newer" */
	char		 ph_label[P0F_LABELLEN];	/* "s:!:Firefox:..." */
	char		 ph_app[P0F_OSLEN];		/* genre flavor */
	char		 ph_langcode[3];		/* "en" */
	char		 ph_lang[P0F_HTTP_LANGLEN];	/* "English" */
	char		 ph_sw[P0F_HTTP_SHOW + 1];	/* User-Agent, Server */
	char		 ph_rawsig[P0F_HTTP_SIGLEN];	/* p0f's raw_sig */
};

/* p0f_http_match() results. */
#define P0F_HTTP_DONE		0	/* *res filled in (matched or not) */
#define P0F_HTTP_MORE		1	/* the header block is not complete */
#define P0F_HTTP_NOTHTTP	(-1)	/* not something p0f reads as HTTP */

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
/*
 * Fingerprint the header block of an HTTP request (P0F_REQUEST: a GET or
 * HEAD, as p0f) or of the response to one (P0F_RESPONSE), given the bytes
 * from the start of that direction of the connection.  Bytes past the
 * header block are not looked at, nor any past P0F_HTTP_MAXDATA: a block
 * not complete by then is P0F_HTTP_NOTHTTP, as p0f gives up on it.
 */
int		 p0f_http_match(const struct p0f_db *, int, const uint8_t *,
		    size_t, struct p0f_http *);
/* p0f's "params" field for HTTP: "dishonest anonymous generic" or "none". */
void		 p0f_http_params(const struct p0f_http *, char *, size_t);
/* p0f's "lang" field: "English", "???" for an unknown code, or "none". */
const char	*p0f_http_lang(const struct p0f_http *);
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

/*
 * NAT and load-balancer hints: each OS signature is compared with the
 * last one of the same kind from the same address, much as p0f does; a big
 * difference is a host change, repeated ones mean several hosts share
 * the address.  A bounded table, like the uptime one.
 */
struct p0f_nat;
struct p0f_nat	*p0f_nat_new(size_t);
void		 p0f_nat_free(struct p0f_nat *);
void		 p0f_nat_check(struct p0f_nat *, const struct pkt *,
		    struct p0f_result *);
/* "os_diff,ttl": the reasons' names, or "" for none. */
void		 p0f_nat_reasons(uint32_t, char *, size_t);

#endif /* HS_P0F_H */
