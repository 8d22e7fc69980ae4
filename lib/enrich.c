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

/* Country, AS and MAC vendor for events, from offline databases. */

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <sys/socket.h>
#include <sys/tree.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <libloc/libloc.h>
#include <libloc/as.h>
#include <libloc/database.h>
#include <libloc/network.h>

#include "enrich.h"
#include "util.h"

#define OUI_MAX		100000	/* entries; the IEEE list has ~35,000 */
#define RDNS_MAX	4096	/* names cached; then the cache starts over */
#define RDNS_TTL	3600	/* seconds a name, or its absence, is kept */

/* A reverse lookup's answer; an empty name when there was none. */
struct rdns {
	RB_ENTRY(rdns)	 r_entry;
	char		 r_addr[INET6_ADDRSTRLEN];
	char		 r_name[ENRICH_NAME_LEN];
	time_t		 r_expires;
};
RB_HEAD(rdns_tree, rdns);

struct rdns_query {
	int		 q_done;
	char		 q_name[ENRICH_NAME_LEN];
};

struct oui {
	uint32_t	 o_prefix;	/* the first three octets */
	char		 o_vendor[ENRICH_VENDOR_LEN];
};

struct enrich {
	struct loc_ctx		*e_ctx;
	struct loc_database	*e_db;
	struct oui		*e_ouis;
	size_t			 e_nouis;
	struct event_base	*e_dnsbase;	/* reverse DNS: NULL off */
	struct evdns_base	*e_dns;
	struct rdns_tree	 e_rdns;
	size_t			 e_nrdns;
};

static int	oui_load(struct enrich *, const char *, char *, size_t);
static int	oui_cmp(const void *, const void *);
static int	rdns_cmp(struct rdns *, struct rdns *);
static void	rdns_clear(struct enrich *);
static void	rdns_answer(int, char, int, int, void *, void *);
static int	rdns_name_ok(const char *);

RB_GENERATE_INTERNAL(rdns_tree, rdns, r_entry, rdns_cmp, HS_RB_STATIC)

/*
 * Either file may be "" to go without.  On error, err says which file
 * and why, and nothing stays open.
 */
struct enrich *
enrich_open(const char *location, const char *oui, char *err, size_t errlen)
{
	struct enrich	*e;
	FILE		*f;
	int		 r;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		(void)snprintf(err, errlen, "%s", strerror(errno));
		return (NULL);
	}
	RB_INIT(&e->e_rdns);
	if (location[0] != '\0') {
		if ((f = fopen(location, "re")) == NULL) {
			(void)snprintf(err, errlen, "%s: %s", location,
			    strerror(errno));
			goto fail;
		}
		if ((r = loc_new(&e->e_ctx)) != 0) {
			(void)fclose(f);
			(void)snprintf(err, errlen, "libloc: %s",
			    strerror(-r));
			goto fail;
		}
		/* Our message says what went wrong; libloc's would repeat it. */
		loc_set_log_priority(e->e_ctx, LOG_EMERG);
		/* libloc maps the file; the stream may go. */
		r = loc_database_new(e->e_ctx, &e->e_db, f);
		(void)fclose(f);
		if (r != 0) {
			(void)snprintf(err, errlen, "%s: not a location "
			    "database", location);
			goto fail;
		}
	}
	if (oui[0] != '\0' && oui_load(e, oui, err, errlen) == -1)
		goto fail;
	return (e);
 fail:
	enrich_close(e);
	return (NULL);
}

void
enrich_close(struct enrich *e)
{
	if (e == NULL)
		return;
	rdns_clear(e);
	if (e->e_dns != NULL)
		evdns_base_free(e->e_dns, 0);
	if (e->e_dnsbase != NULL)
		event_base_free(e->e_dnsbase);
	if (e->e_db != NULL)
		(void)loc_database_unref(e->e_db);
	if (e->e_ctx != NULL)
		(void)loc_unref(e->e_ctx);
	free(e->e_ouis);
	free(e);
}

size_t
enrich_vendors(struct enrich *e)
{
	return (e->e_nouis);
}

/*
 * 0 and *out filled (fields left empty when the database does not say);
 * -1 when the address is not in the database or no database is open.
 */
int
enrich_ip(struct enrich *e, const char *addr, struct enrich_ip *out)
{
	struct loc_network	*net = NULL;
	struct loc_as		*as = NULL;
	const char		*cc, *name;

	memset(out, 0, sizeof(*out));
	if (e->e_db == NULL ||
	    loc_database_lookup_from_string(e->e_db, addr, &net) != 0 ||
	    net == NULL)
		return (-1);
	if ((cc = loc_network_get_country_code(net)) != NULL &&
	    isupper((unsigned char)cc[0]) && isupper((unsigned char)cc[1]))
		(void)strlcpy(out->ei_country, cc, sizeof(out->ei_country));
	out->ei_asn = loc_network_get_asn(net);
	if (out->ei_asn != 0 &&
	    loc_database_get_as(e->e_db, &as, out->ei_asn) == 0 &&
	    as != NULL) {
		if ((name = loc_as_get_name(as)) != NULL)
			(void)strlcpy(out->ei_as_org, name,
			    sizeof(out->ei_as_org));
		(void)loc_as_unref(as);
	}
	(void)loc_network_unref(net);
	return (0);
}

/* The vendor for "aa:bb:cc:dd:ee:ff" (or with dashes), or NULL. */
const char *
enrich_mac(struct enrich *e, const char *mac)
{
	struct oui	 key, *o;
	unsigned int	 b[3];
	char		 sep[2];

	if (e->e_nouis == 0 ||
	    sscanf(mac, "%2x%1[:-]%2x%*1[:-]%2x", &b[0], sep, &b[1],
	    &b[2]) != 4)
		return (NULL);
	key.o_prefix = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
	o = bsearch(&key, e->e_ouis, e->e_nouis, sizeof(*o), oui_cmp);
	return (o != NULL ? o->o_vendor : NULL);
}

/*
 * Turn reverse DNS on, before the caller's jail: with the nameservers of
 * /etc/resolv.conf, or with resolver ("address" or "address:port").
 * Lookups run on an event base of their own, so that they may block the
 * caller (an output, at idle priority) but never its other events.
 */
int
enrich_rdns(struct enrich *e, const char *resolver, char *err, size_t errlen)
{
	if ((e->e_dnsbase = event_base_new()) == NULL ||
	    (e->e_dns = evdns_base_new(e->e_dnsbase, resolver[0] == '\0' ?
	    EVDNS_BASE_INITIALIZE_NAMESERVERS : 0)) == NULL) {
		(void)snprintf(err, errlen, "reverse DNS: cannot set up the "
		    "resolver%s", resolver[0] == '\0' ? " from "
		    "/etc/resolv.conf" : "");
		return (-1);
	}
	if (resolver[0] != '\0' &&
	    evdns_base_nameserver_ip_add(e->e_dns, resolver) != 0) {
		(void)snprintf(err, errlen, "reverse DNS: %s: not an address "
		    "with an optional port", resolver);
		return (-1);
	}
	if (evdns_base_count_nameservers(e->e_dns) == 0) {
		(void)snprintf(err, errlen, "reverse DNS: no nameserver");
		return (-1);
	}
	/* A slow or silent server costs an event two seconds at most. */
	if (evdns_base_set_option(e->e_dns, "timeout:", "1") != 0 ||
	    evdns_base_set_option(e->e_dns, "attempts:", "2") != 0) {
		(void)snprintf(err, errlen, "reverse DNS: options");
		return (-1);
	}
	return (0);
}

static void
rdns_answer(int result, char type, int count, int ttl, void *addrs,
    void *arg)
{
	struct rdns_query	*q = arg;

	(void)ttl;
	q->q_done = 1;
	/* For PTR, libevent hands over a pointer to the name. */
	if (result == DNS_ERR_NONE && type == DNS_PTR && count > 0 &&
	    addrs != NULL && *(char **)addrs != NULL)
		(void)strlcpy(q->q_name, *(char **)addrs, sizeof(q->q_name));
}

/*
 * A name from somebody's reverse zone, which an attacker may run: only
 * the letters, digits, '-', '_' and '.' of host names, and no empty or
 * overlong label.
 */
static int
rdns_name_ok(const char *s)
{
	size_t	 label = 0;

	if (*s == '\0' || strlen(s) >= ENRICH_NAME_LEN)
		return (0);
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (label == 0)
				return (0);
			label = 0;
		} else if (isalnum((unsigned char)*s) || *s == '-' ||
		    *s == '_') {
			if (++label > 63)
				return (0);
		} else
			return (0);
	}
	return (1);
}

/*
 * The name of addr by reverse DNS, cached, in name: 0; -1 when reverse
 * DNS is off or there is no acceptable name.
 */
int
enrich_hostname(struct enrich *e, const char *addr, char *name, size_t len)
{
	struct rdns		 key, *r;
	struct rdns_query	 q;
	struct in_addr		 in4;
	struct in6_addr		 in6;
	time_t			 now = time(NULL);

	if (e->e_dns == NULL ||
	    strlcpy(key.r_addr, addr, sizeof(key.r_addr)) >=
	    sizeof(key.r_addr))
		return (-1);
	if ((r = RB_FIND(rdns_tree, &e->e_rdns, &key)) == NULL ||
	    r->r_expires < now) {
		memset(&q, 0, sizeof(q));
		if (inet_pton(AF_INET, addr, &in4) == 1) {
			if (evdns_base_resolve_reverse(e->e_dns, &in4,
			    DNS_QUERY_NO_SEARCH, rdns_answer, &q) == NULL)
				return (-1);
		} else if (inet_pton(AF_INET6, addr, &in6) == 1) {
			if (evdns_base_resolve_reverse_ipv6(e->e_dns, &in6,
			    DNS_QUERY_NO_SEARCH, rdns_answer, &q) == NULL)
				return (-1);
		} else
			return (-1);
		while (!q.q_done)
			if (event_base_loop(e->e_dnsbase, EVLOOP_ONCE) == -1)
				return (-1);
		if (r == NULL) {
			if (e->e_nrdns >= RDNS_MAX)
				rdns_clear(e);
			if ((r = calloc(1, sizeof(*r))) == NULL)
				return (-1);
			(void)strlcpy(r->r_addr, addr, sizeof(r->r_addr));
			RB_INSERT(rdns_tree, &e->e_rdns, r);
			e->e_nrdns++;
		}
		/* A trailing dot says nothing: drop it. */
		if (q.q_name[0] != '\0' &&
		    q.q_name[strlen(q.q_name) - 1] == '.')
			q.q_name[strlen(q.q_name) - 1] = '\0';
		(void)strlcpy(r->r_name, rdns_name_ok(q.q_name) ? q.q_name :
		    "", sizeof(r->r_name));
		r->r_expires = now + RDNS_TTL;
	}
	if (r->r_name[0] == '\0')
		return (-1);
	(void)strlcpy(name, r->r_name, len);
	return (0);
}

static void
rdns_clear(struct enrich *e)
{
	struct rdns	*r;

	while ((r = RB_ROOT(&e->e_rdns)) != NULL) {
		RB_REMOVE(rdns_tree, &e->e_rdns, r);
		free(r);
	}
	e->e_nrdns = 0;
}

static int
rdns_cmp(struct rdns *a, struct rdns *b)
{
	return (strcmp(a->r_addr, b->r_addr));
}

/*
 * Add what the databases know about the event's src_ip and mac as
 * src_country, src_asn, src_as_org and mac_vendor, and with reverse DNS
 * on, src_hostname.  Returns how many fields were added.
 */
int
enrich_event(struct enrich *e, json_t *ev)
{
	struct enrich_ip	 ei;
	const char		*s, *vendor;
	char			 host[ENRICH_NAME_LEN];
	int			 n = 0;

	if ((s = json_string_value(json_object_get(ev, "src_ip"))) != NULL &&
	    enrich_hostname(e, s, host, sizeof(host)) == 0 &&
	    json_object_set_new(ev, "src_hostname", json_string(host)) == 0)
		n++;
	if ((s = json_string_value(json_object_get(ev, "src_ip"))) != NULL &&
	    enrich_ip(e, s, &ei) == 0) {
		if (ei.ei_country[0] != '\0' &&
		    json_object_set_new(ev, "src_country",
		    json_string(ei.ei_country)) == 0)
			n++;
		if (ei.ei_asn != 0 && json_object_set_new(ev, "src_asn",
		    json_integer(ei.ei_asn)) == 0)
			n++;
		if (ei.ei_as_org[0] != '\0' &&
		    json_object_set_new(ev, "src_as_org",
		    json_string(ei.ei_as_org)) == 0)
			n++;
	}
	if ((s = json_string_value(json_object_get(ev, "mac"))) != NULL &&
	    (vendor = enrich_mac(e, s)) != NULL &&
	    json_object_set_new(ev, "mac_vendor", json_string(vendor)) == 0)
		n++;
	return (n);
}

/*
 * One entry of a vendor list, for every reader of one: Debian's
 * ieee-data oui.txt ("00-22-72   (hex)\t\tVendor", and again as
 * "002272     (base 16)\t\tVendor") or nmap's nmap-mac-prefixes
 * ("002272 Vendor").  0 with the prefix and the vendor, edited in place
 * to printable ASCII ('?' for anything else) without trailing blanks;
 * -1 for any other line.
 */
int
enrich_oui_line(char *line, uint32_t *prefix, char **vendor)
{
	unsigned int	 b[3];
	int		 n = 0;
	char		*p, *q;

	if (sscanf(line, "%2x-%2x-%2x (hex)%n", &b[0], &b[1], &b[2], &n) ==
	    3 && n > 0)
		p = line + n;
	else if (strspn(line, "0123456789abcdefABCDEF") == 6 &&
	    (line[6] == ' ' || line[6] == '\t') &&
	    sscanf(line, "%2x%2x%2x", &b[0], &b[1], &b[2]) == 3) {
		p = line + 6 + strspn(line + 6, " \t");
		if (strncmp(p, "(base 16)", 9) == 0)
			p += 9;
	} else
		return (-1);
	p += strspn(p, " \t");
	for (q = p; *q != '\0' && *q != '\n' && *q != '\r'; q++)
		if (!isprint((unsigned char)*q))
			*q = '?';
	while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	*q = '\0';
	if (*p == '\0')
		return (-1);
	*prefix = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
	*vendor = p;
	return (0);
}

static int
oui_load(struct enrich *e, const char *path, char *err, size_t errlen)
{
	FILE		*f;
	char		*line = NULL, *vendor;
	size_t		 cap = 0, n = 0, alloc = 0, i, j;
	ssize_t		 len;
	uint32_t	 prefix;
	struct oui	*o;

	if ((f = fopen(path, "re")) == NULL) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		if (enrich_oui_line(line, &prefix, &vendor) == -1)
			continue;
		if (n == OUI_MAX) {
			(void)snprintf(err, errlen, "%s: more than %d "
			    "entries", path, OUI_MAX);
			goto fail;
		}
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 4096;
			if ((o = reallocarray(e->e_ouis, alloc,
			    sizeof(*o))) == NULL) {
				(void)snprintf(err, errlen, "%s", strerror(errno));
				goto fail;
			}
			e->e_ouis = o;
		}
		o = &e->e_ouis[n++];
		o->o_prefix = prefix;
		(void)strlcpy(o->o_vendor, vendor, sizeof(o->o_vendor));
	}
	if (ferror(f)) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	free(line);
	(void)fclose(f);
	if (n == 0) {
		(void)snprintf(err, errlen, "%s: no OUI entries", path);
		return (-1);
	}
	qsort(e->e_ouis, n, sizeof(*e->e_ouis), oui_cmp);
	/* The IEEE list repeats a few prefixes: keep one of each. */
	for (i = 1, j = 1; i < n; i++)
		if (e->e_ouis[i].o_prefix != e->e_ouis[j - 1].o_prefix)
			e->e_ouis[j++] = e->e_ouis[i];
	e->e_nouis = j;
	return (0);
 fail:
	free(line);
	(void)fclose(f);
	return (-1);
}

static int
oui_cmp(const void *a, const void *b)
{
	const struct oui	*x = a, *y = b;

	return (x->o_prefix < y->o_prefix ? -1 : x->o_prefix > y->o_prefix);
}
