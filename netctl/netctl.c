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

/* netctl: the bridge, IP aliases and their MAC addresses (keeps CAP_NET_ADMIN). */

/*
 * How a virtual host is made, and why this way.
 *
 * The original design put dummy interfaces on a bridge and had arptables
 * and ebtables rewrite the MAC of whatever left with an alias's address.
 * Rewriting cannot reach inside an IPv6 neighbour advertisement, whose
 * target link-layer option would still carry the sensor's own MAC, and it
 * leaves the kernel answering ARP for every alias on the bridge.  So each
 * virtual host is a macvlan link (hsvN) on the bridge with a MAC of its
 * own: the kernel then answers ARP and neighbour solicitations for it, as
 * for any host, with that MAC.  Three things keep the sensor's MAC out of
 * the alias's traffic:
 *
 *  - arp_ignore=1 and arp_announce=2 on the bridge and on every hsvN: an
 *    interface answers ARP only for its own addresses and asks with them;
 *  - a rule "from ALIAS lookup 47000+N" whose table copies the main
 *    table's routes through the bridge onto hsvN, so that replies leave
 *    through the alias's own link;
 *  - one nftables table, bridge family, "honeyspy", which drops any frame
 *    leaving through the bridge that carries an alias's IP or ARP sender
 *    address with another MAC: a mistake in routing costs a packet and
 *    never gives the sensor away.
 *
 * With network.uplink set, the bridge (network.bridge) is ours: it takes
 * the uplink as its port, its MAC, its addresses and routes, and gives
 * them back when we stop.  Everything we make is found again by its name
 * prefix (hsv), its ifalias ("honeyspy"), the table range of its rules
 * and the nftables table's name, so that a start after kill -9 removes
 * what the dead run left before it builds anew.
 *
 * A host's MAC is the configured one, or the OUI of its vendor (named,
 * or guessed from its personality) from the list the parent hands us,
 * followed by three bytes of SHA-256 over the node's name and the
 * address: the same on every start, different on every sensor.  With no
 * vendor it is a locally administered address made the same way.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "enrich.h"
#include "hs_event.h"
#include "log.h"
#include "proc.h"
#include "util.h"
#include "netctl/kernel.h"
#include "netctl/netctl.h"

#define NC_MAXALIASES		1024
#define NC_OUIFILE_MAX		(8 * 1024 * 1024)
#define NC_EVENT_MAX		4096

struct oui {
	uint8_t		 o_prefix[3];
	const char	*o_name;
};

struct alias {
	int		 a_used;
	struct alias_msg a_msg;
	struct nk_alias	 a_k;
};

static struct imsgev	*iev_parent;
static char		 sensor[HS_NAMELEN];
static struct net_config_msg netconf;
static char		*oui_text;
static struct oui	*ouis;
static size_t		 nouis;
static struct alias	 aliases[NC_MAXALIASES];
static size_t		 naliases;

/* Vendors that fit a personality, as its name suggests it. */
static const struct {
	const char	*pv_word;
	const char	*pv_vendor;
} persona_vendors[] = {
	{ "linksys", "Cisco-Linksys" },
	{ "cisco", "Cisco Systems" },
	{ "juniper", "Juniper Networks" },
	{ "junos", "Juniper Networks" },
	{ "vmware", "VMware" },
	{ "esx", "VMware" },
	{ "apple", "Apple" },
	{ "mac os", "Apple" },
	{ "macos", "Apple" },
	{ "iphone", "Apple" },
	{ "ios ", "Apple" },
	{ "jetdirect", "Hewlett Packard" },
	{ "hp-ux", "Hewlett Packard" },
	{ "hp ", "Hewlett Packard" },
	{ "solaris", "Oracle" },
	{ "sunos", "Oracle" },
	{ "aix", "IBM" },
	{ "os/400", "IBM" },
	{ "z/os", "IBM" },
	{ "irix", "Silicon Graphics" },
	{ "nokia", "Nokia" },
	{ "ipso", "Nokia" },
	{ "netgear", "Netgear" },
	{ "d-link", "D-Link" },
	{ "dlink", "D-Link" },
	{ "zyxel", "Zyxel" },
	{ "zynos", "Zyxel" },
	{ "avaya", "Avaya" },
	{ "nortel", "Nortel" },
	{ "3com", "3Com" },
	{ "huawei", "Huawei Technologies" },
	{ "mikrotik", "Routerboard.com" },
	{ "routeros", "Routerboard.com" },
	{ "ubiquiti", "Ubiquiti" },
	{ "edgeos", "Ubiquiti" },
	{ "fortigate", "Fortinet" },
	{ "fortios", "Fortinet" },
	{ "pan-os", "Palo Alto" },
	{ "palo alto", "Palo Alto" },
	{ "check point", "Check Point" },
	{ "tp-link", "Tp-link" },
	{ "synology", "Synology" },
	{ "qnap", "Qnap" },
	{ "aruba", "Aruba" },
	{ "extreme", "Extreme Networks" },
	{ "brocade", "Brocade" },
	{ "big-ip", "F5 Networks" },
	{ "polycom", "Polycom" },
	{ "axis", "Axis" },
	{ "xerox", "Xerox" },
	{ "brother", "Brother" },
	{ "canon", "Canon" },
	{ "epson", "Seiko Epson" },
	{ "lexmark", "Lexmark" },
	{ "printer", "Hewlett Packard" },
	{ "playstation", "Sony" },
	{ "nintendo", "Nintendo" },
	{ "xbox", "Microsoft" },
	{ "android", "Samsung" },
	{ "raspberry", "Raspberry Pi Trading" },
	{ "windows", "Dell" },
	{ "linux", "Intel Corporate" },
	{ "bsd", "Intel Corporate" },
};

static void	netctl_setup(struct imsgev *);
static void	netctl_ouis(int);
static void	netctl_shutdown(void);
static int	netctl_dispatch_parent(struct imsgev *, struct imsg *);
static int	netctl_check(struct alias_msg *, char *, size_t);
static int	netctl_mac(struct alias_msg *, char *, size_t);
static const struct oui *netctl_vendor(const char *);
static struct alias *netctl_find(const struct alias_msg *);
static int	netctl_add(struct alias_msg *, int, char *, size_t);
static void	netctl_del(struct alias *);
static void	netctl_event(const char *, const struct alias_msg *);
static void	netctl_result(uint32_t, const struct alias_msg *,
		    const char *);

__attribute__((__noreturn__)) void
netctl_main(const struct proc_def *pd)
{
	struct hello_msg	 hm;

	proc_child_init(pd, &hm);
	/* libnftables reads its tables from /etc: before the jail */
	nk_open();
	proc_child_jail(pd, &hm);
	nk_open_raw();
	iev_parent = proc_child_iev();
	if (atexit(netctl_shutdown) != 0)
		fatalx("%s: atexit", __func__);
	netctl_setup(iev_parent);
	proc_child_setup_done(pd, &hm);
	proc_child_run(pd, netctl_dispatch_parent);
}

/*
 * The node's name, the network, the vendor list and the hosts of the
 * file, ending in IMSG_CFG_DONE; then the topology, built on a clean
 * slate.  A host that cannot be made is logged and left out: the others
 * and the sensor's services are still worth running.
 */
static void
netctl_setup(struct imsgev *iev)
{
	struct imsg		 imsg;
	struct alias_msg	*hosts = NULL, am;
	size_t			 nhosts = 0, i;
	char			 why[HS_REASONLEN];
	int			 done = 0, have = 0, fd;

	while (!done) {
		proc_child_next(iev, &imsg);
		switch (imsg_get_type(&imsg)) {
		case IMSG_CFG_NODE:
			proc_child_node(&imsg, sensor, sizeof(sensor));
			break;
		case IMSG_NET_CONFIG:
			if (have || imsg_get_data(&imsg, &netconf,
			    sizeof(netconf)) == -1)
				fatalx("%s: IMSG_NET_CONFIG: bad message",
				    __func__);
			/* only interface names: printable, no path */
			if (memchr(netconf.nc_bridge, '\0',
			    sizeof(netconf.nc_bridge)) == NULL ||
			    memchr(netconf.nc_uplink, '\0',
			    sizeof(netconf.nc_uplink)) == NULL ||
			    memchr(netconf.nc_ouifile, '\0',
			    sizeof(netconf.nc_ouifile)) == NULL ||
			    netconf.nc_bridge[0] == '\0' ||
			    !str_printable(netconf.nc_bridge,
			    sizeof(netconf.nc_bridge)) ||
			    !str_printable(netconf.nc_uplink,
			    sizeof(netconf.nc_uplink)) ||
			    strchr(netconf.nc_bridge, '/') != NULL ||
			    strchr(netconf.nc_uplink, '/') != NULL ||
			    strncmp(netconf.nc_bridge, NK_IFPREFIX,
			    strlen(NK_IFPREFIX)) == 0 ||
			    strcmp(netconf.nc_bridge, netconf.nc_uplink) == 0)
				fatalx("%s: IMSG_NET_CONFIG: bad names",
				    __func__);
			fd = imsg_get_fd(&imsg);
			netctl_ouis(fd);
			have = 1;
			break;
		case IMSG_NET_HOST:
			if (imsg_get_data(&imsg, &am, sizeof(am)) == -1 ||
			    nhosts >= NC_MAXALIASES)
				fatalx("%s: IMSG_NET_HOST: bad message",
				    __func__);
			if ((hosts = reallocarray(hosts, nhosts + 1,
			    sizeof(*hosts))) == NULL)
				fatal("%s", __func__);
			hosts[nhosts++] = am;
			break;
		case IMSG_CFG_DONE:
			if (!have || imsg_get_len(&imsg) != 0)
				fatalx("%s: IMSG_CFG_DONE: bad message",
				    __func__);
			done = 1;
			break;
		default:
			fatalx("%s: unexpected imsg %u", __func__,
			    imsg_get_type(&imsg));
		}
		imsg_free(&imsg);
	}

	nk_cleanup(netconf.nc_bridge, netconf.nc_uplink);
	if (nk_build(netconf.nc_bridge, netconf.nc_uplink, why,
	    sizeof(why)) == -1)
		fatalx("%s", why);
	for (i = 0; i < nhosts; i++) {
		hosts[i].al_fromconf = 1;
		if (netctl_check(&hosts[i], why, sizeof(why)) == -1 ||
		    netctl_add(&hosts[i], 1, why, sizeof(why)) == -1)
			log_warnx("hosts: %s: %s", hosts[i].al_addrtext, why);
	}
	free(hosts);
}

/*
 * The vendor list: nmap-mac-prefixes (the names nmap shows) or
 * ieee-data's oui.txt, read as lib/enrich.c reads it.  Kept in memory:
 * the jail has no files.
 */
static void
netctl_ouis(int fd)
{
	struct stat	 st;
	struct oui	*o;
	char		*line, *end, *name;
	size_t		 len = 0;
	ssize_t		 r;
	uint32_t	 prefix;

	if (fd == -1) {
		log_warnx("no vendor list (%s): MACs are locally administered",
		    netconf.nc_ouifile);
		return;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > NC_OUIFILE_MAX)
		fatalx("%s: %s: not a regular file of at most %d bytes",
		    __func__, netconf.nc_ouifile, NC_OUIFILE_MAX);
	if ((oui_text = malloc((size_t)st.st_size + 1)) == NULL)
		fatal("%s", __func__);
	while (len < (size_t)st.st_size &&
	    (r = read(fd, oui_text + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)r;
	oui_text[len] = '\0';
	close(fd);
	for (line = oui_text; line != NULL && *line != '\0'; line = end) {
		if ((end = strchr(line, '\n')) != NULL)
			*end++ = '\0';
		if (enrich_oui_line(line, &prefix, &name) == -1)
			continue;
		if ((ouis = reallocarray(ouis, nouis + 1,
		    sizeof(*ouis))) == NULL)
			fatal("%s", __func__);
		o = &ouis[nouis++];
		o->o_prefix[0] = (uint8_t)(prefix >> 16);
		o->o_prefix[1] = (uint8_t)(prefix >> 8);
		o->o_prefix[2] = (uint8_t)prefix;
		o->o_name = name;
	}
	log_debug("%zu vendor prefixes from %s", nouis, netconf.nc_ouifile);
}

/* A vendor by name: the same name first, else the first it begins. */
static const struct oui *
netctl_vendor(const char *name)
{
	size_t	 i, n = strlen(name);

	if (n == 0)
		return (NULL);
	for (i = 0; i < nouis; i++)
		if (strcasecmp(ouis[i].o_name, name) == 0)
			return (&ouis[i]);
	for (i = 0; i < nouis; i++)
		if (strncasecmp(ouis[i].o_name, name, n) == 0)
			return (&ouis[i]);
	return (NULL);
}

/*
 * The alias's MAC, unless the request gave one: the vendor's OUI and
 * three bytes of SHA-256(node name, NUL, address), stable across starts.
 */
static int
netctl_mac(struct alias_msg *am, char *why, size_t len)
{
	const struct oui	*o = NULL;
	const char		*vendor = am->al_vendor;
	uint8_t			 in[HS_NAMELEN + HS_ADDRSTRLEN];
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	char			 lower[HS_NAMELEN];
	size_t			 i, n, m;

	if (am->al_hasmac)
		return (0);
	if (vendor[0] == '\0' && am->al_personality[0] != '\0') {
		for (i = 0; i < sizeof(lower) - 1 &&
		    am->al_personality[i] != '\0'; i++)
			lower[i] = (char)tolower(
			    (unsigned char)am->al_personality[i]);
		lower[i] = '\0';
		for (i = 0; i < sizeof(persona_vendors) /
		    sizeof(persona_vendors[0]); i++)
			if (strstr(lower, persona_vendors[i].pv_word) != NULL) {
				vendor = persona_vendors[i].pv_vendor;
				break;
			}
	}
	if (vendor[0] != '\0' && (o = netctl_vendor(vendor)) == NULL &&
	    am->al_vendor[0] != '\0') {
		(void)snprintf(why, len, "no vendor \"%s\" in the vendor "
		    "list", am->al_vendor);
		return (-1);
	}
	n = strlen(sensor) + 1;
	m = strlen(am->al_addrtext);
	memcpy(in, sensor, n);
	memcpy(in + n, am->al_addrtext, m);
	if (EVP_Digest(in, n + m, md, &mdlen, EVP_sha256(), NULL) != 1)
		fatalx("%s: EVP_Digest", __func__);
	if (o != NULL) {
		memcpy(am->al_mac, o->o_prefix, 3);
		memcpy(am->al_mac + 3, md, 3);
		(void)strlcpy(am->al_vendor, o->o_name,
		    sizeof(am->al_vendor));
	} else {
		memcpy(am->al_mac, md, HS_MACLEN);
		am->al_mac[0] = (uint8_t)((am->al_mac[0] & 0xfc) | 0x02);
		am->al_vendor[0] = '\0';
	}
	am->al_hasmac = 1;
	return (0);
}

/*
 * A request from the parent, checked before anything touches the kernel:
 * terminated strings, a real address in its own family whose text says
 * the same, a unicast MAC, a vendor in printable characters.  Whether the
 * address fits the bridge's network is the kernel side's check.
 */
static int
netctl_check(struct alias_msg *am, char *why, size_t len)
{
	uint8_t	 bin[16];
	char	 text[HS_ADDRSTRLEN];
	static const uint8_t zero[HS_MACLEN];

	if (memchr(am->al_addrtext, '\0', sizeof(am->al_addrtext)) == NULL ||
	    memchr(am->al_vendor, '\0', sizeof(am->al_vendor)) == NULL ||
	    memchr(am->al_personality, '\0',
	    sizeof(am->al_personality)) == NULL ||
	    (am->al_af != AF_INET && am->al_af != AF_INET6) ||
	    (am->al_hasmac != 0 && am->al_hasmac != 1))
		fatalx("%s: malformed alias from the parent", __func__);
	if (inet_ntop(am->al_af, am->al_addr, text, sizeof(text)) == NULL ||
	    inet_pton(am->al_af, am->al_addrtext, bin) != 1 ||
	    memcmp(bin, am->al_addr, am->al_af == AF_INET ? 4 : 16) != 0)
		fatalx("%s: alias address and its text differ", __func__);
	(void)strlcpy(am->al_addrtext, text, sizeof(am->al_addrtext));
	/* the file may say anything; the vendor lists' names are ASCII */
	if (!str_printable(am->al_vendor, sizeof(am->al_vendor))) {
		(void)snprintf(why, len, "vendor is not printable ASCII");
		return (-1);
	}
	if (am->al_hasmac && ((am->al_mac[0] & 0x01) ||
	    memcmp(am->al_mac, zero, sizeof(zero)) == 0)) {
		(void)snprintf(why, len, "not a unicast MAC address");
		return (-1);
	}
	am->al_ifname[0] = '\0';
	return (0);
}

static struct alias *
netctl_find(const struct alias_msg *am)
{
	size_t	 i;

	for (i = 0; i < NC_MAXALIASES; i++)
		if (aliases[i].a_used && aliases[i].a_msg.al_af == am->al_af &&
		    memcmp(aliases[i].a_msg.al_addr, am->al_addr,
		    am->al_af == AF_INET ? 4 : 16) == 0)
			return (&aliases[i]);
	return (NULL);
}

static int
netctl_add(struct alias_msg *am, int fromconf, char *why, size_t len)
{
	struct alias	*a = NULL;
	size_t		 i;

	if (netctl_find(am) != NULL) {
		(void)snprintf(why, len, "%s is an alias already",
		    am->al_addrtext);
		return (-1);
	}
	for (i = 0; i < NC_MAXALIASES; i++)
		if (!aliases[i].a_used) {
			a = &aliases[i];
			break;
		}
	if (a == NULL) {
		(void)snprintf(why, len, "%d aliases already", NC_MAXALIASES);
		return (-1);
	}
	if (netctl_mac(am, why, len) == -1)
		return (-1);
	for (i = 0; i < NC_MAXALIASES; i++)
		if (aliases[i].a_used && memcmp(aliases[i].a_msg.al_mac,
		    am->al_mac, HS_MACLEN) == 0) {
			(void)snprintf(why, len, "alias %s has that MAC "
			    "already", aliases[i].a_msg.al_addrtext);
			return (-1);
		}
	memset(&a->a_k, 0, sizeof(a->a_k));
	a->a_k.ka_af = am->al_af;
	memcpy(a->a_k.ka_addr, am->al_addr, sizeof(a->a_k.ka_addr));
	memcpy(a->a_k.ka_mac, am->al_mac, HS_MACLEN);
	a->a_k.ka_index = (int)(a - aliases);
	if (nk_alias_add(&a->a_k, why, len) == -1)
		return (-1);
	am->al_fromconf = fromconf;
	(void)strlcpy(am->al_ifname, a->a_k.ka_ifname, sizeof(am->al_ifname));
	a->a_msg = *am;
	a->a_used = 1;
	naliases++;
	log_info("alias %s on %s, MAC %02x:%02x:%02x:%02x:%02x:%02x%s%s",
	    am->al_addrtext, am->al_ifname, am->al_mac[0], am->al_mac[1],
	    am->al_mac[2], am->al_mac[3], am->al_mac[4], am->al_mac[5],
	    am->al_vendor[0] != '\0' ? ", vendor " : "", am->al_vendor);
	netctl_event("honeyspy.alias.added", am);
	return (0);
}

static void
netctl_del(struct alias *a)
{
	nk_alias_del(&a->a_k);
	a->a_used = 0;
	naliases--;
	log_info("alias %s removed", a->a_msg.al_addrtext);
	netctl_event("honeyspy.alias.removed", &a->a_msg);
}

/* Exit, whatever the cause: take down everything we made. */
static void
netctl_shutdown(void)
{
	size_t	 i;

	for (i = 0; i < NC_MAXALIASES; i++)
		if (aliases[i].a_used) {
			nk_alias_del(&aliases[i].a_k);
			aliases[i].a_used = 0;
		}
	naliases = 0;
	nk_teardown();
}

static void
netctl_event(const char *eventid, const struct alias_msg *am)
{
	json_t	*ev;
	char	*line, mac[18];
	int	 rv = 0;

	(void)snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
	    am->al_mac[0], am->al_mac[1], am->al_mac[2], am->al_mac[3],
	    am->al_mac[4], am->al_mac[5]);
	if ((ev = hs_event_new(eventid, sensor)) == NULL) {
		log_warnx("%s: cannot build event", __func__);
		return;
	}
	rv |= hs_event_set_str(ev, "alias", am->al_addrtext);
	rv |= hs_event_set_str(ev, "mac", mac);
	if (am->al_vendor[0] != '\0')
		rv |= hs_event_set_str(ev, "vendor", am->al_vendor);
	rv |= hs_event_set_str(ev, "interface", am->al_ifname);
	rv |= hs_event_set_str(ev, "source", am->al_fromconf ? "config" :
	    "call");
	if (rv != 0 || (line = hs_event_dump(ev, NC_EVENT_MAX - 1)) == NULL) {
		log_warnx("%s: cannot encode event", __func__);
		json_decref(ev);
		return;
	}
	if (imsgev_compose(iev_parent, IMSG_EVENT, 0, 0, -1, line,
	    strlen(line) + 1) == -1)
		fatal("%s: compose", __func__);
	free(line);
	json_decref(ev);
}

static void
netctl_result(uint32_t id, const struct alias_msg *am, const char *why)
{
	struct net_result	 nr;

	memset(&nr, 0, sizeof(nr));
	nr.nr_ok = why == NULL;
	if (am != NULL)
		nr.nr_alias = *am;
	if (why != NULL)
		(void)strlcpy(nr.nr_reason, why, sizeof(nr.nr_reason));
	if (imsgev_compose(iev_parent, IMSG_NET_RESULT, id, 0, -1, &nr,
	    sizeof(nr)) == -1)
		fatal("%s: compose", __func__);
}

static int
netctl_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct alias_msg	 am;
	struct alias		*a;
	char			 why[HS_REASONLEN];
	uint32_t		 id = imsg_get_id(imsg);
	size_t			 i;

	if (proc_child_common(iev, imsg))
		return (0);
	switch (imsg_get_type(imsg)) {
	case IMSG_NET_ADD:
		if (imsg_get_data(imsg, &am, sizeof(am)) == -1)
			fatalx("%s: IMSG_NET_ADD: bad size", __func__);
		if (netctl_check(&am, why, sizeof(why)) == -1 ||
		    netctl_add(&am, 0, why, sizeof(why)) == -1)
			netctl_result(id, &am, why);
		else
			netctl_result(id, &am, NULL);
		return (0);
	case IMSG_NET_DEL:
		if (imsg_get_data(imsg, &am, sizeof(am)) == -1)
			fatalx("%s: IMSG_NET_DEL: bad size", __func__);
		(void)netctl_check(&am, why, sizeof(why));
		if ((a = netctl_find(&am)) == NULL) {
			(void)snprintf(why, sizeof(why), "%s is not an alias",
			    am.al_addrtext);
			netctl_result(id, &am, why);
			return (0);
		}
		am = a->a_msg;
		netctl_del(a);
		netctl_result(id, &am, NULL);
		return (0);
	case IMSG_NET_GET:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: IMSG_NET_GET: bad size", __func__);
		for (i = 0; i < NC_MAXALIASES; i++)
			if (aliases[i].a_used &&
			    imsgev_compose(iev, IMSG_NET_ALIAS, id, 0, -1,
			    &aliases[i].a_msg, sizeof(aliases[i].a_msg)) == -1)
				fatal("%s: compose", __func__);
		netctl_result(id, NULL, NULL);
		return (0);
	default:
		break;
	}
	fatalx("%s: unexpected imsg %u", __func__, imsg_get_type(imsg));
}
