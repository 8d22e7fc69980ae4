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
 * persona: the nftables table that sends an alias's packets to our queue.
 * Kernels without nft's own queue expression still have the xtables
 * NFQUEUE target behind nft_compat, so the rules carry that target,
 * built with libnftnl; the table is ours alone and is replaced whole.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/netlink.h>

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/xt_NFQUEUE.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "persona/rules.h"

static struct mnl_socket	*nl;
static uint32_t			 nl_seq;

static int	 pr_run(struct nftnl_batch *, char *, size_t);
static void	 pr_table(struct nftnl_batch *, uint16_t);
static void	 pr_chain(struct nftnl_batch *, const char *, int, int);
enum pr_which {
	PR_NOTTCP, PR_TCPCTL, PR_TCPNOACK, PR_TCPWIN1024, PR_TCPWIN32768,
	PR_TCPDATA
};

static struct nftnl_expr *pr_expr(const char *);
static void	 pr_load(struct nftnl_rule *, uint32_t, uint32_t, uint32_t);
static void	 pr_cmp(struct nftnl_rule *, uint32_t, const void *,
		    uint32_t);
static void	 pr_mask(struct nftnl_rule *, uint8_t);
static void	 pr_rule(struct nftnl_batch *, const char *, uint32_t,
		    uint32_t, uint16_t, int, enum pr_which,
		    const struct pr_host *);
static void	 pr_set16(struct nftnl_rule *, uint32_t, const uint8_t *,
		    const uint8_t *);

int
pr_open(char *why, size_t len)
{
	int	rcvbuf = 4 * 1024 * 1024;

	if ((nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == -1) {
		(void)snprintf(why, len, "netlink: %s", strerror(errno));
		return (-1);
	}
	/*
	 * Room for the kernel's answers to a whole batch: a failed one
	 * answers every message it got that far, and answers that find the
	 * socket full are lost (ENOBUFS) although the batch was applied.
	 */
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE,
	    &rcvbuf, sizeof(rcvbuf)) == -1)
		(void)setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF,
		    &rcvbuf, sizeof(rcvbuf));
	/* and for the batch itself, sent whole: 64 hosts make some 200 kB */
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE,
	    &rcvbuf, sizeof(rcvbuf)) == -1)
		(void)setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUF,
		    &rcvbuf, sizeof(rcvbuf));
	nl_seq = (uint32_t)time(NULL);
	return (0);
}

/* Send a batch and read the kernel's answers; -1 with the first error. */
static int
pr_run(struct nftnl_batch *b, char *why, size_t len)
{
	char		 buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t	 port = mnl_socket_get_portid(nl);
	ssize_t		 n;
	int		 r, err = 0;

	struct iovec		*iov;
	struct sockaddr_nl	 sa;
	struct msghdr		 msg;
	int			 niov, rv;

	niov = nftnl_batch_iovec_len(b);
	if ((iov = calloc((size_t)niov, sizeof(*iov))) == NULL) {
		(void)snprintf(why, len, "out of memory");
		return (-1);
	}
	nftnl_batch_iovec(b, iov, (uint32_t)niov);
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &sa;
	msg.msg_namelen = sizeof(sa);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)niov;
	rv = sendmsg(mnl_socket_get_fd(nl), &msg, 0) == -1 ? -1 : 0;
	free(iov);
	if (rv == -1) {
		(void)snprintf(why, len, "netlink send: %s", strerror(errno));
		return (-1);
	}
	/*
	 * The table and the chains ask for an ack; rules, hundreds with
	 * many hosts, are answered only when they fail.  The kernel has
	 * done the batch when sendmsg returns: read until nothing is left.
	 */
	for (;;) {
		n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf),
		    MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			(void)snprintf(why, len, "netlink: %s",
			    strerror(errno));
			return (-1);
		}
		r = mnl_cb_run(buf, (size_t)n, 0, port, NULL, NULL);
		if (r == -1 && err == 0)
			err = errno;
	}
	if (err != 0) {
		errno = err;
		(void)snprintf(why, len, "nftables: %s", strerror(err));
		return (-1);
	}
	return (0);
}

static void
pr_table(struct nftnl_batch *b, uint16_t type)
{
	struct nftnl_table	*t;
	struct nlmsghdr		*nlh;

	if ((t = nftnl_table_alloc()) == NULL)
		abort();
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, PR_TABLE);
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b), type, NFPROTO_IPV4,
	    NLM_F_ACK | (type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0),
	    nl_seq++);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	(void)nftnl_batch_update(b);
}

static void
pr_chain(struct nftnl_batch *b, const char *name, int hook, int prio)
{
	struct nftnl_chain	*c;
	struct nlmsghdr		*nlh;

	if ((c = nftnl_chain_alloc()) == NULL)
		abort();
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, PR_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b), NFT_MSG_NEWCHAIN,
	    NFPROTO_IPV4, NLM_F_CREATE | NLM_F_ACK, nl_seq++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	(void)nftnl_batch_update(b);
}

static struct nftnl_expr *
pr_expr(const char *name)
{
	struct nftnl_expr	*e;

	if ((e = nftnl_expr_alloc(name)) == NULL)
		abort();
	return (e);
}

/* Load LEN bytes at OFF of header BASE into register 1. */
static void
pr_load(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr	*e = pr_expr("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_rule_add_expr(r, e);
}

static void
pr_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr	*e = pr_expr("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
}

/*
 * Two bytes of the IP header at OFF become (them & MASK) ^ XOR, with the
 * header checksum kept right: two, so that the sum stays aligned.
 */
static void
pr_set16(struct nftnl_rule *r, uint32_t off, const uint8_t *mask,
    const uint8_t *xor)
{
	struct nftnl_expr	*e;

	pr_load(r, NFT_PAYLOAD_NETWORK_HEADER, off, 2);
	e = pr_expr("bitwise");
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 2);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, 2);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, xor, 2);
	nftnl_rule_add_expr(r, e);
	e = pr_expr("payload");
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE,
	    NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_TYPE,
	    NFT_PAYLOAD_CSUM_INET);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_OFFSET, 10);
	nftnl_rule_add_expr(r, e);
}

/* register 1 &= MASK (one byte) */
static void
pr_mask(struct nftnl_rule *r, uint8_t mask)
{
	struct nftnl_expr	*e = pr_expr("bitwise");
	uint8_t			 zero = 0;

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 1);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, 1);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 1);
	nftnl_rule_add_expr(r, e);
}

/*
 * ip saddr|daddr ADDR [what WHICH says] -> NFQUEUE QUEUE [bypass].
 * Only what the rewriter reads or changes is queued: all but TCP, and
 * TCP segments that open, close, reset or probe.  The ordinary segments
 * of a connection stay in the kernel: inbound untouched, outbound
 * (PR_TCPDATA) with the personality's TTL and DF set here, since an
 * ordinary connection keeps the kernel's ISN, timestamps and unscaled
 * window.
 */
static void
pr_rule(struct nftnl_batch *b, const char *chain, uint32_t off,
    uint32_t addr, uint16_t queue, int bypass, enum pr_which which,
    const struct pr_host *ph)
{
	struct nftnl_rule	*r;
	struct nftnl_expr	*e;
	struct nlmsghdr		*nlh;
	/* the target's data is padded to 8 bytes as xtables aligns it */
	uint8_t			*info, proto = IPPROTO_TCP, zero = 0;
	uint16_t		 win;
	struct xt_NFQ_info_v3	 q;

	if ((r = nftnl_rule_alloc()) == NULL)
		abort();
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, PR_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);

	pr_load(r, NFT_PAYLOAD_NETWORK_HEADER, off, 4);
	pr_cmp(r, NFT_CMP_EQ, &addr, sizeof(addr));
	pr_load(r, NFT_PAYLOAD_NETWORK_HEADER, 9, 1);
	pr_cmp(r, which == PR_NOTTCP ? NFT_CMP_NEQ : NFT_CMP_EQ, &proto, 1);
	switch (which) {
	case PR_TCPCTL:		/* FIN, SYN, RST or URG */
		pr_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
		pr_mask(r, 0x27);
		pr_cmp(r, NFT_CMP_NEQ, &zero, 1);
		break;
	case PR_TCPNOACK:	/* no ACK: nmap's null and FIN/PSH/URG probes */
		pr_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
		pr_mask(r, 0x10);
		pr_cmp(r, NFT_CMP_EQ, &zero, 1);
		break;
	case PR_TCPWIN1024:	/* nmap's bare ACKs: T4, T6 */
	case PR_TCPWIN32768:
		win = htons(which == PR_TCPWIN1024 ? 1024 : 32768);
		pr_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 14, 2);
		pr_cmp(r, NFT_CMP_EQ, &win, 2);
		break;
	case PR_TCPDATA: {
		/* TTL (with the protocol beside it), then DF */
		uint8_t	ttlmask[2] = { 0x00, 0xff };
		uint8_t	ttlxor[2] = { ph->ph_ttl, 0x00 };
		uint8_t	dfmask[2] = { 0xbf, 0xff };
		uint8_t	dfxor[2] = { ph->ph_df ? 0x40 : 0x00, 0x00 };

		pr_set16(r, 8, ttlmask, ttlxor);
		pr_set16(r, 6, dfmask, dfxor);
		goto build;
	}
	default:
		break;
	}

	/* libnftnl keeps, and later frees, the target's data */
	if ((info = calloc(1, 8)) == NULL)
		abort();
	memset(&q, 0, sizeof(q));
	q.queuenum = queue;
	q.queues_total = 1;
	q.flags = bypass ? NFQ_FLAG_BYPASS : 0;
	memcpy(info, &q, sizeof(q));
	e = pr_expr("target");
	nftnl_expr_set_str(e, NFTNL_EXPR_TG_NAME, "NFQUEUE");
	nftnl_expr_set_u32(e, NFTNL_EXPR_TG_REV, 3);
	nftnl_expr_set(e, NFTNL_EXPR_TG_INFO, info, 8);
	nftnl_rule_add_expr(r, e);
build:
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b), NFT_MSG_NEWRULE,
	    NFPROTO_IPV4, NLM_F_APPEND | NLM_F_CREATE, nl_seq++);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	(void)nftnl_batch_update(b);
}

/* Remove our table; not having one is fine. */
int
pr_remove(char *why, size_t len)
{
	struct nftnl_batch	*b;
	int			 rv;

	if (nl == NULL)
		return (0);
	if ((b = nftnl_batch_alloc(MNL_SOCKET_BUFFER_SIZE * 2,
	    MNL_SOCKET_BUFFER_SIZE)) == NULL) {
		(void)snprintf(why, len, "out of memory");
		return (-1);
	}
	nftnl_batch_begin(nftnl_batch_buffer(b), nl_seq++);
	(void)nftnl_batch_update(b);
	pr_table(b, NFT_MSG_DELTABLE);
	nftnl_batch_end(nftnl_batch_buffer(b), nl_seq++);
	(void)nftnl_batch_update(b);
	rv = pr_run(b, why, len);
	nftnl_batch_free(b);
	if (rv == -1 && errno == ENOENT)
		rv = 0;
	return (rv);
}

/*
 * The table for these aliases, replacing any we left: packets to an alias
 * before the kernel's connection tracking sees them, packets from it last
 * thing on the way out.  FAILCLOSED[i] leaves out the bypass flag, so
 * that the kernel drops what nobody is there to rewrite.
 */
int
pr_install(const struct pr_host *hosts, size_t n, uint16_t queue, char *why,
    size_t len)
{
	struct nftnl_batch	*b;
	size_t			 i;
	int			 rv;
	enum pr_which		 w;

	if (pr_remove(why, len) == -1)
		return (-1);
	if (n == 0)
		return (0);
	/*
	 * Pages of two socket buffers, each with room for a whole message
	 * past its end (the overrun): libnftnl starts a new page only then.
	 */
	if ((b = nftnl_batch_alloc(MNL_SOCKET_BUFFER_SIZE * 2,
	    MNL_SOCKET_BUFFER_SIZE)) == NULL) {
		(void)snprintf(why, len, "out of memory");
		return (-1);
	}
	nftnl_batch_begin(nftnl_batch_buffer(b), nl_seq++);
	(void)nftnl_batch_update(b);
	pr_table(b, NFT_MSG_NEWTABLE);
	pr_chain(b, "in", NF_INET_PRE_ROUTING, -300);
	pr_chain(b, "out", NF_INET_LOCAL_OUT, 300);
	for (i = 0; i < n; i++) {
		for (w = PR_NOTTCP; w <= PR_TCPWIN32768; w++)
			pr_rule(b, "in", 16, hosts[i].ph_addr, queue,
			    !hosts[i].ph_failclosed, w, &hosts[i]);
		pr_rule(b, "out", 12, hosts[i].ph_addr, queue,
		    !hosts[i].ph_failclosed, PR_NOTTCP, &hosts[i]);
		pr_rule(b, "out", 12, hosts[i].ph_addr, queue,
		    !hosts[i].ph_failclosed, PR_TCPCTL, &hosts[i]);
		pr_rule(b, "out", 12, hosts[i].ph_addr, queue,
		    !hosts[i].ph_failclosed, PR_TCPDATA, &hosts[i]);
	}
	nftnl_batch_end(nftnl_batch_buffer(b), nl_seq++);
	(void)nftnl_batch_update(b);
	rv = pr_run(b, why, len);
	nftnl_batch_free(b);
	return (rv);
}
