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

/* netctl's kernel side: links, addresses, routes (libnl), nftables. */

#include <sys/types.h>
#include <sys/socket.h>

#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <arpa/inet.h>

#include <linux/if_addr.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <nftables/libnftables.h>

#include "log.h"
#include "netctl/kernel.h"

/*
 * What the frames leaving through the bridge may say.  Whatever carries
 * an alias's address as its IP or ARP sender must carry that alias's own
 * MAC too; anything else is dropped before it reaches the wire, so that a
 * mistake in routing can cost a packet but never give the sensor away.
 * Coming in, ARP for an alias that no host should send (a sender with a
 * multicast MAC, a loopback or multicast address, an opcode that is
 * neither request nor reply) is dropped, so that it earns no answer.
 */
#define NK_NFT_SCRIPT							\
	"add table bridge " NK_NFT_TABLE "\n"				\
	"add set bridge " NK_NFT_TABLE " addrs4 { type ipv4_addr; }\n"	\
	"add set bridge " NK_NFT_TABLE " pairs4 "			\
	"{ type ipv4_addr . ether_addr; }\n"				\
	"add set bridge " NK_NFT_TABLE " addrs6 { type ipv6_addr; }\n"	\
	"add set bridge " NK_NFT_TABLE " pairs6 "			\
	"{ type ipv6_addr . ether_addr; }\n"				\
	"add chain bridge " NK_NFT_TABLE " out "			\
	"{ type filter hook output priority 0; policy accept; }\n"	\
	"add rule bridge " NK_NFT_TABLE " out ip saddr @addrs4 "	\
	"ip saddr . ether saddr != @pairs4 counter drop\n"		\
	"add rule bridge " NK_NFT_TABLE " out ip6 saddr @addrs6 "	\
	"ip6 saddr . ether saddr != @pairs6 counter drop\n"		\
	"add rule bridge " NK_NFT_TABLE " out arp saddr ip @addrs4 "	\
	"arp saddr ip . ether saddr != @pairs4 counter drop\n"		\
	"add rule bridge " NK_NFT_TABLE " out arp saddr ip @addrs4 "	\
	"arp saddr ip . arp saddr ether != @pairs4 counter drop\n"	\
	"add chain bridge " NK_NFT_TABLE " in "				\
	"{ type filter hook input priority 0; policy accept; }\n"	\
	"add rule bridge " NK_NFT_TABLE " in arp daddr ip @addrs4 "	\
	"arp hlen != 6 counter drop\n"					\
	"add rule bridge " NK_NFT_TABLE " in arp daddr ip @addrs4 "	\
	"arp plen != 4 counter drop\n"					\
	"add rule bridge " NK_NFT_TABLE " in arp daddr ip @addrs4 "	\
	"arp operation != { request, reply } counter drop\n"		\
	"add rule bridge " NK_NFT_TABLE " in arp daddr ip @addrs4 "	\
	"@nh,64,8 & 0x01 == 0x01 counter drop\n"			\
	"add rule bridge " NK_NFT_TABLE " in arp daddr ip @addrs4 "	\
	"arp saddr ip { 127.0.0.0/8, 224.0.0.0/3 } counter drop\n"

static struct nl_sock	*nk_sk;
static struct nft_ctx	*nk_nft;
static int		 nk_arpfd = -1;	/* gratuitous ARP */
static int		 nk_nafd = -1;	/* unsolicited neighbour adverts */
static char		 nk_bridge[IFNAMSIZ];
static char		 nk_uplink[IFNAMSIZ];
static int		 nk_brindex;	/* 0: no bridge, no aliases */
static int		 nk_upindex;
static int		 nk_ownbridge;	/* we made it: teardown removes it */
static int		 nk_nftable;	/* our table exists */

static struct rtnl_link	*nk_link_get(const char *);
static int		 nk_link_ours(struct rtnl_link *);
static int		 nk_link_del(int);
static void		 nk_link_conf(int, int, int);
static int		 nk_nft_run(const char *, int);
static void		 nk_migrate(int, int, const char *);
static int		 nk_prefix(int, const uint8_t *, struct nl_addr **);
static int		 nk_table_routes(const struct nk_alias *, int, char *,
			    size_t);
static struct rtnl_rule	*nk_rule(const struct nk_alias *);
static void		 nk_nft_elements(const struct nk_alias *, int);
static void		 nk_announce(const struct nk_alias *, int);
static void		 nk_mac_text(const uint8_t *, char *, size_t);

/*
 * The netlink sockets.  Opened while we are still root, outside the jail:
 * libnftables reads its tables from /etc when its context is made.
 */
void
nk_open(void)
{
	int	 r;

	if ((nk_sk = nl_socket_alloc()) == NULL)
		fatalx("%s: nl_socket_alloc", __func__);
	if ((r = nl_connect(nk_sk, NETLINK_ROUTE)) < 0)
		fatalx("%s: nl_connect: %s", __func__, nl_geterror(r));
	if ((nk_nft = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL)
		fatalx("%s: nft_ctx_new", __func__);
	if (nft_ctx_buffer_output(nk_nft) == -1 ||
	    nft_ctx_buffer_error(nk_nft) == -1)
		fatalx("%s: nft_ctx_buffer", __func__);
}

/*
 * Announcing a new host takes raw frames: a packet socket for ARP and an
 * ICMPv6 socket for neighbour advertisements, opened while CAP_NET_RAW is
 * still held.  Neither ever reads: the ARP socket is bound to no protocol
 * and the ICMPv6 one filters out every type.
 */
void
nk_open_raw(void)
{
	struct icmp6_filter	 filt;
	int			 hops = 255;

	if ((nk_arpfd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) ==
	    -1)
		log_warn("%s: packet socket: no gratuitous ARP", __func__);
	if ((nk_nafd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC,
	    IPPROTO_ICMPV6)) == -1) {
		log_warn("%s: ICMPv6 socket: no neighbour advertisements",
		    __func__);
		return;
	}
	ICMP6_FILTER_SETBLOCKALL(&filt);
	if (setsockopt(nk_nafd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt,
	    sizeof(filt)) == -1 ||
	    setsockopt(nk_nafd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
	    sizeof(hops)) == -1)
		fatal("%s: setsockopt", __func__);
}

static struct rtnl_link *
nk_link_get(const char *name)
{
	struct rtnl_link	*l = NULL;

	if (rtnl_link_get_kernel(nk_sk, 0, name, &l) < 0)
		return (NULL);
	return (l);
}

static int
nk_link_ours(struct rtnl_link *l)
{
	const char	*a = rtnl_link_get_ifalias(l);

	return (a != NULL && strcmp(a, NK_IFALIAS) == 0);
}

static int
nk_link_del(int ifindex)
{
	struct rtnl_link	*l;
	int			 r;

	if ((l = rtnl_link_alloc()) == NULL)
		fatalx("%s: rtnl_link_alloc", __func__);
	rtnl_link_set_ifindex(l, ifindex);
	r = rtnl_link_delete(nk_sk, l);
	rtnl_link_put(l);
	if (r < 0) {
		log_warnx("%s: link %d: %s", __func__, ifindex,
		    nl_geterror(r));
		return (-1);
	}
	return (0);
}

/*
 * ARP as an ordinary host does it on a host with many interfaces: answer
 * only for an address of the interface the request came in on (otherwise
 * the bridge would answer for every alias with the sensor's own MAC), and
 * ask with an address of the interface the request leaves by.  A link we
 * made gets our mark here: the kernel takes an ifalias only on a change.
 */
static void
nk_link_conf(int ifindex, int up, int mark)
{
	struct rtnl_link	*orig, *chg;
	int			 r;

	if ((orig = rtnl_link_alloc()) == NULL ||
	    (chg = rtnl_link_alloc()) == NULL)
		fatalx("%s: rtnl_link_alloc", __func__);
	rtnl_link_set_ifindex(orig, ifindex);
	if (rtnl_link_inet_set_conf(chg, IPV4_DEVCONF_ARP_IGNORE, 1) < 0 ||
	    rtnl_link_inet_set_conf(chg, IPV4_DEVCONF_ARP_ANNOUNCE, 2) < 0)
		fatalx("%s: rtnl_link_inet_set_conf", __func__);
	if (up)
		rtnl_link_set_flags(chg, IFF_UP);
	if (mark)
		rtnl_link_set_ifalias(chg, NK_IFALIAS);
	if ((r = rtnl_link_change(nk_sk, orig, chg, 0)) < 0)
		log_warnx("%s: link %d: %s", __func__, ifindex,
		    nl_geterror(r));
	rtnl_link_put(orig);
	rtnl_link_put(chg);
}

/* One nft transaction; its complaint goes to the log unless quiet. */
static int
nk_nft_run(const char *cmd, int quiet)
{
	const char	*err;

	if (nft_run_cmd_from_buffer(nk_nft, cmd) == 0)
		return (0);
	err = nft_ctx_get_error_buffer(nk_nft);
	if (!quiet)
		log_warnx("nft: %s", err != NULL ? err : "failed");
	return (-1);
}

/*
 * Move the addresses (IPv4, and IPv6 beyond the link) and the main
 * table's routes through one interface to another: the uplink's to the
 * bridge that takes its place, and back when we go.
 */
static void
nk_migrate(int from, int to, const char *toname)
{
	struct nl_cache		*ac = NULL, *rc = NULL;
	struct nl_object	*o;
	struct rtnl_addr	*a, *na, *addrs[64];
	struct rtnl_route	*rt, *routes[64];
	struct rtnl_nexthop	*nh;
	size_t			 na_n = 0, nr_n = 0, i;
	int			 r, fam, n, j;

	if (rtnl_addr_alloc_cache(nk_sk, &ac) < 0 ||
	    rtnl_route_alloc_cache(nk_sk, AF_UNSPEC, 0, &rc) < 0)
		fatalx("%s: cannot read addresses and routes", __func__);
	for (o = nl_cache_get_first(ac); o != NULL && na_n < 64;
	    o = nl_cache_get_next(o)) {
		a = (struct rtnl_addr *)o;
		fam = rtnl_addr_get_family(a);
		if (rtnl_addr_get_ifindex(a) != from ||
		    (fam != AF_INET && fam != AF_INET6) ||
		    (fam == AF_INET6 &&
		    rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE))
			continue;
		nl_object_get(o);
		addrs[na_n++] = a;
	}
	for (o = nl_cache_get_first(rc); o != NULL && nr_n < 64;
	    o = nl_cache_get_next(o)) {
		rt = (struct rtnl_route *)o;
		fam = rtnl_route_get_family(rt);
		if ((fam != AF_INET && fam != AF_INET6) ||
		    rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
		    rtnl_route_get_protocol(rt) == RTPROT_KERNEL ||
		    rtnl_route_get_type(rt) != RTN_UNICAST ||
		    (n = rtnl_route_get_nnexthops(rt)) == 0)
			continue;
		for (j = 0; j < n; j++)
			if (rtnl_route_nh_get_ifindex(
			    rtnl_route_nexthop_n(rt, j)) != from)
				break;
		if (j != n)
			continue;
		nl_object_get(o);
		routes[nr_n++] = rt;
	}

	for (i = 0; i < nr_n; i++)
		(void)rtnl_route_delete(nk_sk, routes[i], 0);
	for (i = 0; i < na_n; i++) {
		if ((r = rtnl_addr_delete(nk_sk, addrs[i], 0)) < 0)
			log_warnx("%s: delete address: %s", __func__,
			    nl_geterror(r));
	}
	for (i = 0; i < na_n; i++) {
		a = addrs[i];
		if ((na = rtnl_addr_alloc()) == NULL)
			fatalx("%s: rtnl_addr_alloc", __func__);
		fam = rtnl_addr_get_family(a);
		rtnl_addr_set_family(na, fam);
		rtnl_addr_set_ifindex(na, to);
		if (rtnl_addr_set_local(na, rtnl_addr_get_local(a)) < 0)
			fatalx("%s: rtnl_addr_set_local", __func__);
		rtnl_addr_set_prefixlen(na, rtnl_addr_get_prefixlen(a));
		if (fam == AF_INET) {
			if (rtnl_addr_get_broadcast(a) != NULL)
				(void)rtnl_addr_set_broadcast(na,
				    rtnl_addr_get_broadcast(a));
			(void)rtnl_addr_set_label(na, toname);
		} else
			rtnl_addr_set_flags(na, IFA_F_NODAD);
		if ((r = rtnl_addr_add(nk_sk, na, 0)) < 0)
			log_warnx("%s: add address to %s: %s", __func__,
			    toname, nl_geterror(r));
		rtnl_addr_put(na);
		rtnl_addr_put(a);
	}
	for (i = 0; i < nr_n; i++) {
		rt = routes[i];
		n = rtnl_route_get_nnexthops(rt);
		for (j = 0; j < n; j++) {
			nh = rtnl_route_nexthop_n(rt, j);
			rtnl_route_nh_set_ifindex(nh, to);
		}
		if ((r = rtnl_route_add(nk_sk, rt, 0)) < 0 &&
		    r != -NLE_EXIST)
			log_warnx("%s: add route to %s: %s", __func__, toname,
			    nl_geterror(r));
		rtnl_route_put(rt);
	}
	nl_cache_free(ac);
	nl_cache_free(rc);
}

/*
 * Whatever a previous run left, in the order that undoes it: our nftables
 * table, our rules and the links we made (macvlans take their addresses
 * and routes with them), then our bridge, whose addresses and routes go
 * back to the interface it had taken them from.
 */
void
nk_cleanup(const char *bridge, const char *uplink)
{
	struct nl_cache		*lc = NULL, *rc = NULL;
	struct nl_object	*o, *p;
	struct rtnl_link	*l;
	struct rtnl_rule	*ru;
	const char		*name, *type;
	uint32_t		 t;
	int			 fams[] = { AF_INET, AF_INET6 };
	int			 port, bi;
	size_t			 i;

	(void)bridge;
	(void)uplink;
	/* Adding first makes the delete succeed whether it was there or not. */
	(void)nk_nft_run("add table bridge " NK_NFT_TABLE "\n"
	    "delete table bridge " NK_NFT_TABLE "\n", 0);
	nk_nftable = 0;

	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		if (rtnl_rule_alloc_cache(nk_sk, fams[i], &rc) < 0)
			fatalx("%s: cannot read rules", __func__);
		for (o = nl_cache_get_first(rc); o != NULL;
		    o = nl_cache_get_next(o)) {
			ru = (struct rtnl_rule *)o;
			t = rtnl_rule_get_table(ru);
			if (t >= NK_RT_TABLE_BASE &&
			    t < NK_RT_TABLE_BASE + NK_RT_TABLES)
				(void)rtnl_rule_delete(nk_sk, ru, 0);
		}
		nl_cache_free(rc);
		rc = NULL;
	}

	if (rtnl_link_alloc_cache(nk_sk, AF_UNSPEC, &lc) < 0)
		fatalx("%s: cannot read links", __func__);
	for (o = nl_cache_get_first(lc); o != NULL; o = nl_cache_get_next(o)) {
		l = (struct rtnl_link *)o;
		name = rtnl_link_get_name(l);
		type = rtnl_link_get_type(l);
		if (name == NULL || type == NULL || !nk_link_ours(l) ||
		    strcmp(type, "macvlan") != 0 ||
		    strncmp(name, NK_IFPREFIX, strlen(NK_IFPREFIX)) != 0)
			continue;
		log_info("removing %s, left by a previous run", name);
		(void)nk_link_del(rtnl_link_get_ifindex(l));
	}
	for (o = nl_cache_get_first(lc); o != NULL; o = nl_cache_get_next(o)) {
		l = (struct rtnl_link *)o;
		type = rtnl_link_get_type(l);
		if (type == NULL || strcmp(type, "bridge") != 0 ||
		    !nk_link_ours(l))
			continue;
		bi = rtnl_link_get_ifindex(l);
		port = 0;
		for (p = nl_cache_get_first(lc); p != NULL;
		    p = nl_cache_get_next(p))
			if (rtnl_link_get_master((struct rtnl_link *)p) ==
			    bi) {
				port = rtnl_link_get_ifindex(
				    (struct rtnl_link *)p);
				name = rtnl_link_get_name(
				    (struct rtnl_link *)p);
				break;
			}
		log_info("removing bridge %s, left by a previous run",
		    rtnl_link_get_name(l));
		if (port != 0) {
			(void)rtnl_link_release_ifindex(nk_sk, port);
			nk_migrate(bi, port, name);
		}
		(void)nk_link_del(bi);
	}
	nl_cache_free(lc);
}

/*
 * The topology: with an uplink, a bridge of ours takes its place, its
 * MAC, addresses and routes; without one, the named bridge is used as it
 * is, if there is one.  Then our nftables table.
 */
int
nk_build(const char *bridge, const char *uplink, char *why, size_t len)
{
	struct rtnl_link	*up = NULL, *br;
	int			 r;

	(void)strlcpy(nk_bridge, bridge, sizeof(nk_bridge));
	(void)strlcpy(nk_uplink, uplink, sizeof(nk_uplink));
	if (uplink[0] != '\0') {
		if ((up = nk_link_get(uplink)) == NULL) {
			(void)snprintf(why, len, "network.uplink %s: no such "
			    "interface", uplink);
			return (-1);
		}
		if (rtnl_link_get_master(up) != 0) {
			(void)snprintf(why, len, "network.uplink %s is a port "
			    "of another bridge already", uplink);
			rtnl_link_put(up);
			return (-1);
		}
		nk_upindex = rtnl_link_get_ifindex(up);
		if ((br = rtnl_link_bridge_alloc()) == NULL)
			fatalx("%s: rtnl_link_bridge_alloc", __func__);
		rtnl_link_set_name(br, bridge);
		rtnl_link_set_ifalias(br, NK_IFALIAS);
		/* the sensor keeps its one MAC: the bridge wears the uplink's */
		if (rtnl_link_get_addr(up) != NULL)
			rtnl_link_set_addr(br, rtnl_link_get_addr(up));
		r = rtnl_link_add(nk_sk, br, NLM_F_CREATE | NLM_F_EXCL);
		rtnl_link_put(br);
		rtnl_link_put(up);
		if (r < 0) {
			(void)snprintf(why, len, "cannot create bridge %s: %s",
			    bridge, r == -NLE_EXIST ? "an interface of that "
			    "name exists and is not HoneySpy's" :
			    nl_geterror(r));
			return (-1);
		}
		nk_ownbridge = 1;
		if ((br = nk_link_get(bridge)) == NULL) {
			(void)snprintf(why, len, "bridge %s vanished", bridge);
			return (-1);
		}
		nk_brindex = rtnl_link_get_ifindex(br);
		rtnl_link_put(br);
		nk_link_conf(nk_brindex, 1, 1);
		if ((r = rtnl_link_enslave_ifindex(nk_sk, nk_brindex,
		    nk_upindex)) < 0) {
			(void)snprintf(why, len, "cannot make %s a port of %s: "
			    "%s", uplink, bridge, nl_geterror(r));
			return (-1);
		}
		nk_migrate(nk_upindex, nk_brindex, bridge);
		log_info("bridge %s up with %s as its port", bridge, uplink);
	} else if ((br = nk_link_get(bridge)) != NULL) {
		nk_brindex = rtnl_link_get_ifindex(br);
		rtnl_link_put(br);
		nk_link_conf(nk_brindex, 0, 0);
		log_info("virtual hosts go on bridge %s, which is not ours",
		    bridge);
	} else {
		log_debug("no bridge %s and no network.uplink: no virtual "
		    "hosts", bridge);
		return (0);
	}
	if (nk_nft_run(NK_NFT_SCRIPT, 0) == -1) {
		(void)snprintf(why, len, "cannot create nftables table bridge "
		    "%s", NK_NFT_TABLE);
		return (-1);
	}
	nk_nftable = 1;
	return (0);
}

/*
 * The on-link prefix of the bridge that holds addr, as a new nl_addr, or
 * -1 when no address of the bridge covers it.
 */
static int
nk_prefix(int af, const uint8_t *addr, struct nl_addr **pfx)
{
	struct nl_cache		*ac = NULL;
	struct nl_object	*o;
	struct rtnl_addr	*a;
	struct nl_addr		*l, *want;
	int			 rv = -1;

	if (rtnl_addr_alloc_cache(nk_sk, &ac) < 0)
		return (-1);
	if ((want = nl_addr_build(af, addr, af == AF_INET ? 4 : 16)) == NULL)
		fatalx("%s: nl_addr_build", __func__);
	for (o = nl_cache_get_first(ac); o != NULL; o = nl_cache_get_next(o)) {
		a = (struct rtnl_addr *)o;
		if (rtnl_addr_get_ifindex(a) != nk_brindex ||
		    rtnl_addr_get_family(a) != af ||
		    (l = rtnl_addr_get_local(a)) == NULL)
			continue;
		nl_addr_set_prefixlen(want, rtnl_addr_get_prefixlen(a));
		if (rtnl_addr_get_prefixlen(a) >= (af == AF_INET ? 31 : 127) ||
		    nl_addr_cmp_prefix(l, want) != 0)
			continue;
		if (pfx != NULL) {
			if ((*pfx = nl_addr_clone(l)) == NULL)
				fatalx("%s: nl_addr_clone", __func__);
			nl_addr_set_prefixlen(*pfx,
			    rtnl_addr_get_prefixlen(a));
		}
		rv = 0;
		break;
	}
	nl_addr_put(want);
	nl_cache_free(ac);
	return (rv);
}

/*
 * Whether addr may become a virtual host: a unicast address on the
 * bridge's own network that no interface here has yet.  Anything else
 * would either not be reachable the way we route it or steal an address
 * from the sensor itself.
 */
int
nk_addr_ok(int af, const uint8_t *addr, char *why, size_t len)
{
	struct nl_cache		*ac = NULL;
	struct nl_object	*o;
	struct nl_addr		*want, *l;
	struct in6_addr		 a6;
	uint32_t		 a4;
	int			 taken = 0;

	if (nk_brindex == 0) {
		(void)snprintf(why, len, "no bridge %s: set network.uplink",
		    nk_bridge);
		return (-1);
	}
	if (af == AF_INET) {
		memcpy(&a4, addr, 4);
		a4 = ntohl(a4);
		if ((a4 >> 24) == 0 || (a4 >> 24) == 127 ||
		    IN_MULTICAST(a4) || a4 >= 0xf0000000U ||
		    (a4 >> 16) == 0xa9fe) {
			(void)snprintf(why, len, "not a unicast host address");
			return (-1);
		}
	} else {
		memcpy(&a6, addr, 16);
		if (IN6_IS_ADDR_UNSPECIFIED(&a6) || IN6_IS_ADDR_LOOPBACK(&a6) ||
		    IN6_IS_ADDR_MULTICAST(&a6) || IN6_IS_ADDR_LINKLOCAL(&a6) ||
		    IN6_IS_ADDR_V4MAPPED(&a6)) {
			(void)snprintf(why, len, "not a global unicast "
			    "address");
			return (-1);
		}
	}
	if (nk_prefix(af, addr, NULL) == -1) {
		(void)snprintf(why, len, "not on the network of bridge %s",
		    nk_bridge);
		return (-1);
	}
	if (rtnl_addr_alloc_cache(nk_sk, &ac) < 0) {
		(void)snprintf(why, len, "cannot read addresses");
		return (-1);
	}
	if ((want = nl_addr_build(af, addr, af == AF_INET ? 4 : 16)) == NULL)
		fatalx("%s: nl_addr_build", __func__);
	for (o = nl_cache_get_first(ac); o != NULL; o = nl_cache_get_next(o))
		if ((l = rtnl_addr_get_local((struct rtnl_addr *)o)) != NULL &&
		    nl_addr_get_family(l) == af &&
		    memcmp(nl_addr_get_binary_addr(l), addr,
		    af == AF_INET ? 4 : 16) == 0)
			taken = 1;
	nl_addr_put(want);
	nl_cache_free(ac);
	if (taken) {
		(void)snprintf(why, len, "an interface here has that address "
		    "already");
		return (-1);
	}
	return (0);
}

/*
 * The alias's own routing table: every route of the main table through
 * the bridge, through the alias's link instead, so that what the alias
 * sends leaves with its MAC.  Link-local routes stay: each link has its
 * own.
 */
static int
nk_table_routes(const struct nk_alias *ka, int ifindex, char *why, size_t len)
{
	struct nl_cache		*rc = NULL;
	struct nl_object	*o;
	struct rtnl_route	*rt, *nr;
	struct rtnl_nexthop	*nh, *nnh;
	struct nl_addr		*dst;
	struct in6_addr		 ll;
	int			 r, n = 0;

	if (rtnl_route_alloc_cache(nk_sk, ka->ka_af, 0, &rc) < 0) {
		(void)snprintf(why, len, "cannot read routes");
		return (-1);
	}
	(void)inet_pton(AF_INET6, "fe80::", &ll);
	for (o = nl_cache_get_first(rc); o != NULL; o = nl_cache_get_next(o)) {
		rt = (struct rtnl_route *)o;
		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
		    rtnl_route_get_type(rt) != RTN_UNICAST ||
		    rtnl_route_get_nnexthops(rt) != 1)
			continue;
		nh = rtnl_route_nexthop_n(rt, 0);
		if (rtnl_route_nh_get_ifindex(nh) != nk_brindex)
			continue;
		dst = rtnl_route_get_dst(rt);
		if (ka->ka_af == AF_INET6 && dst != NULL &&
		    nl_addr_get_prefixlen(dst) >= 10 &&
		    memcmp(nl_addr_get_binary_addr(dst), &ll, 2) == 0)
			continue;
		if ((nr = rtnl_route_alloc()) == NULL ||
		    (nnh = rtnl_route_nh_alloc()) == NULL)
			fatalx("%s: alloc", __func__);
		rtnl_route_set_family(nr, (uint8_t)ka->ka_af);
		rtnl_route_set_table(nr, NK_RT_TABLE_BASE +
		    (uint32_t)ka->ka_index);
		rtnl_route_set_type(nr, RTN_UNICAST);
		rtnl_route_set_protocol(nr, RTPROT_STATIC);
		rtnl_route_set_scope(nr, rtnl_route_get_scope(rt));
		if (dst != NULL && rtnl_route_set_dst(nr, dst) < 0)
			fatalx("%s: rtnl_route_set_dst", __func__);
		rtnl_route_nh_set_ifindex(nnh, ifindex);
		if (rtnl_route_nh_get_gateway(nh) != NULL)
			rtnl_route_nh_set_gateway(nnh,
			    rtnl_route_nh_get_gateway(nh));
		rtnl_route_add_nexthop(nr, nnh);
		if ((r = rtnl_route_add(nk_sk, nr, 0)) < 0 && r != -NLE_EXIST) {
			(void)snprintf(why, len, "cannot add a route for %s: "
			    "%s", ka->ka_ifname, nl_geterror(r));
			rtnl_route_put(nr);
			nl_cache_free(rc);
			return (-1);
		}
		rtnl_route_put(nr);
		n++;
	}
	nl_cache_free(rc);
	if (n == 0) {
		(void)snprintf(why, len, "no route through bridge %s to copy",
		    nk_bridge);
		return (-1);
	}
	return (0);
}

/* from ALIAS lookup the alias's table */
static struct rtnl_rule *
nk_rule(const struct nk_alias *ka)
{
	struct rtnl_rule	*ru;
	struct nl_addr		*src;

	if ((ru = rtnl_rule_alloc()) == NULL ||
	    (src = nl_addr_build(ka->ka_af, ka->ka_addr,
	    ka->ka_af == AF_INET ? 4 : 16)) == NULL)
		fatalx("%s: alloc", __func__);
	nl_addr_set_prefixlen(src, ka->ka_af == AF_INET ? 32 : 128);
	rtnl_rule_set_family(ru, ka->ka_af);
	if (rtnl_rule_set_src(ru, src) < 0)
		fatalx("%s: rtnl_rule_set_src", __func__);
	nl_addr_put(src);
	rtnl_rule_set_table(ru, NK_RT_TABLE_BASE + (uint32_t)ka->ka_index);
	rtnl_rule_set_prio(ru, NK_RULE_PRIO);
	rtnl_rule_set_action(ru, FR_ACT_TO_TBL);
	return (ru);
}

static void
nk_mac_text(const uint8_t *mac, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
	    mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* The alias's address and its MAC into (or out of) the nftables sets. */
static void
nk_nft_elements(const struct nk_alias *ka, int add)
{
	char	 cmd[512], addr[INET6_ADDRSTRLEN], mac[18];
	int	 v = ka->ka_af == AF_INET ? 4 : 6;

	if (!nk_nftable)
		return;
	if (inet_ntop(ka->ka_af, ka->ka_addr, addr, sizeof(addr)) == NULL)
		fatal("%s: inet_ntop", __func__);
	nk_mac_text(ka->ka_mac, mac, sizeof(mac));
	(void)snprintf(cmd, sizeof(cmd),
	    "%s element bridge %s addrs%d { %s }\n"
	    "%s element bridge %s pairs%d { %s . %s }\n",
	    add ? "add" : "delete", NK_NFT_TABLE, v, addr,
	    add ? "add" : "delete", NK_NFT_TABLE, v, addr, mac);
	(void)nk_nft_run(cmd, !add);
}

/*
 * Tell the segment the host is there, as a host coming up does: a
 * gratuitous ARP request (RFC 5227 announcement) or an unsolicited
 * neighbour advertisement with the override flag (RFC 4861 7.2.6), both
 * from the alias's own link, so with its MAC.
 */
static void
nk_announce(const struct nk_alias *ka, int ifindex)
{
	struct sockaddr_ll	 sll;
	struct sockaddr_in6	 to;
	struct in6_pktinfo	*pi;
	struct nd_neighbor_advert *na;
	struct nd_opt_hdr	*opt;
	struct arphdr		*ah;
	struct msghdr		 msg;
	struct iovec		 iov;
	struct cmsghdr		*cm;
	uint8_t			 pkt[64], cbuf[CMSG_SPACE(sizeof(*pi))];
	size_t			 n;

	memset(pkt, 0, sizeof(pkt));
	if (ka->ka_af == AF_INET) {
		if (nk_arpfd == -1)
			return;
		ah = (struct arphdr *)pkt;
		ah->ar_hrd = htons(ARPHRD_ETHER);
		ah->ar_pro = htons(ETH_P_IP);
		ah->ar_hln = HS_MACLEN;
		ah->ar_pln = 4;
		ah->ar_op = htons(ARPOP_REQUEST);
		n = sizeof(*ah);
		memcpy(pkt + n, ka->ka_mac, HS_MACLEN);		/* sender */
		memcpy(pkt + n + 6, ka->ka_addr, 4);
		memcpy(pkt + n + 16, ka->ka_addr, 4);		/* target */
		n += 20;
		memset(&sll, 0, sizeof(sll));
		sll.sll_family = AF_PACKET;
		sll.sll_protocol = htons(ETH_P_ARP);
		sll.sll_ifindex = ifindex;
		sll.sll_halen = HS_MACLEN;
		memset(sll.sll_addr, 0xff, HS_MACLEN);
		if (sendto(nk_arpfd, pkt, n, 0, (struct sockaddr *)&sll,
		    sizeof(sll)) == -1)
			log_warn("%s: gratuitous ARP for %s", __func__,
			    ka->ka_ifname);
		return;
	}
	if (nk_nafd == -1)
		return;
	na = (struct nd_neighbor_advert *)pkt;
	na->nd_na_type = ND_NEIGHBOR_ADVERT;
	na->nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	memcpy(&na->nd_na_target, ka->ka_addr, 16);
	opt = (struct nd_opt_hdr *)(pkt + sizeof(*na));
	opt->nd_opt_type = ND_OPT_TARGET_LINKADDR;
	opt->nd_opt_len = 1;
	memcpy(opt + 1, ka->ka_mac, HS_MACLEN);
	n = sizeof(*na) + 8;

	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	(void)inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	to.sin6_scope_id = (uint32_t)ifindex;
	iov.iov_base = pkt;
	iov.iov_len = n;
	memset(&msg, 0, sizeof(msg));
	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_name = &to;
	msg.msg_namelen = sizeof(to);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(*pi));
	pi = (struct in6_pktinfo *)CMSG_DATA(cm);
	memcpy(&pi->ipi6_addr, ka->ka_addr, 16);
	pi->ipi6_ifindex = (unsigned int)ifindex;
	if (sendmsg(nk_nafd, &msg, 0) == -1)
		log_warn("%s: neighbour advertisement for %s", __func__,
		    ka->ka_ifname);
}

/*
 * A virtual host: a macvlan link of its own on the bridge, with its MAC,
 * its address, its routing table and the rule that sends what it says
 * there.  On failure whatever was made is taken down again.
 */
int
nk_alias_add(struct nk_alias *ka, char *why, size_t len)
{
	struct rtnl_link	*ml;
	struct rtnl_addr	*a;
	struct rtnl_rule	*ru;
	struct nl_addr		*mac, *local;
	int			 r, ifindex;

	if (nk_addr_ok(ka->ka_af, ka->ka_addr, why, len) == -1)
		return (-1);
	if (snprintf(ka->ka_ifname, sizeof(ka->ka_ifname), "%s%d",
	    NK_IFPREFIX, ka->ka_index) >= (int)sizeof(ka->ka_ifname))
		fatalx("%s: index %d", __func__, ka->ka_index);
	if ((ml = rtnl_link_macvlan_alloc()) == NULL ||
	    (mac = nl_addr_build(AF_LLC, ka->ka_mac, HS_MACLEN)) == NULL)
		fatalx("%s: alloc", __func__);
	rtnl_link_set_name(ml, ka->ka_ifname);
	rtnl_link_set_link(ml, nk_brindex);
	rtnl_link_set_addr(ml, mac);
	rtnl_link_set_ifalias(ml, NK_IFALIAS);
	nl_addr_put(mac);
	if (rtnl_link_macvlan_set_mode(ml, MACVLAN_MODE_BRIDGE) < 0)
		fatalx("%s: rtnl_link_macvlan_set_mode", __func__);
	r = rtnl_link_add(nk_sk, ml, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(ml);
	if (r < 0) {
		(void)snprintf(why, len, "cannot create %s: %s",
		    ka->ka_ifname, nl_geterror(r));
		return (-1);
	}
	if ((ml = nk_link_get(ka->ka_ifname)) == NULL) {
		(void)snprintf(why, len, "%s vanished", ka->ka_ifname);
		return (-1);
	}
	ifindex = rtnl_link_get_ifindex(ml);
	rtnl_link_put(ml);
	nk_link_conf(ifindex, 1, 1);

	if ((a = rtnl_addr_alloc()) == NULL ||
	    (local = nl_addr_build(ka->ka_af, ka->ka_addr,
	    ka->ka_af == AF_INET ? 4 : 16)) == NULL)
		fatalx("%s: alloc", __func__);
	nl_addr_set_prefixlen(local, ka->ka_af == AF_INET ? 32 : 128);
	rtnl_addr_set_family(a, ka->ka_af);
	rtnl_addr_set_ifindex(a, ifindex);
	if (rtnl_addr_set_local(a, local) < 0)
		fatalx("%s: rtnl_addr_set_local", __func__);
	nl_addr_put(local);
	if (ka->ka_af == AF_INET)
		(void)rtnl_addr_set_label(a, ka->ka_ifname);
	else
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	r = rtnl_addr_add(nk_sk, a, 0);
	rtnl_addr_put(a);
	if (r < 0) {
		(void)snprintf(why, len, "cannot add the address to %s: %s",
		    ka->ka_ifname, nl_geterror(r));
		goto fail;
	}
	if (nk_table_routes(ka, ifindex, why, len) == -1)
		goto fail;
	ru = nk_rule(ka);
	r = rtnl_rule_add(nk_sk, ru, NLM_F_CREATE);
	rtnl_rule_put(ru);
	if (r < 0) {
		(void)snprintf(why, len, "cannot add the rule for %s: %s",
		    ka->ka_ifname, nl_geterror(r));
		goto fail;
	}
	nk_nft_elements(ka, 1);
	nk_announce(ka, ifindex);
	return (0);
 fail:
	(void)nk_link_del(ifindex);
	return (-1);
}

void
nk_alias_del(const struct nk_alias *ka)
{
	struct rtnl_rule	*ru;
	struct rtnl_link	*ml;

	ru = nk_rule(ka);
	(void)rtnl_rule_delete(nk_sk, ru, 0);
	rtnl_rule_put(ru);
	/* the link takes its address and its table's routes with it */
	if ((ml = nk_link_get(ka->ka_ifname)) != NULL) {
		if (nk_link_ours(ml))
			(void)nk_link_del(rtnl_link_get_ifindex(ml));
		rtnl_link_put(ml);
	}
	nk_nft_elements(ka, 0);
}

/* Leave nothing behind: the aliases are gone already when this runs. */
void
nk_teardown(void)
{
	if (nk_nftable)
		(void)nk_nft_run("delete table bridge " NK_NFT_TABLE "\n", 0);
	nk_nftable = 0;
	if (nk_ownbridge && nk_brindex != 0) {
		if (nk_upindex != 0) {
			(void)rtnl_link_release_ifindex(nk_sk, nk_upindex);
			nk_migrate(nk_brindex, nk_upindex, nk_uplink);
		}
		(void)nk_link_del(nk_brindex);
	}
	nk_ownbridge = 0;
	nk_brindex = 0;
}
