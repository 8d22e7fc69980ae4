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

#include <libloc/libloc.h>
#include <libloc/as.h>
#include <libloc/database.h>
#include <libloc/network.h>

#include "enrich.h"

#define OUI_MAX		100000	/* entries; the IEEE list has ~35,000 */

struct oui {
	uint32_t	 o_prefix;	/* the first three octets */
	char		 o_vendor[ENRICH_VENDOR_LEN];
};

struct enrich {
	struct loc_ctx		*e_ctx;
	struct loc_database	*e_db;
	struct oui		*e_ouis;
	size_t			 e_nouis;
};

static int	oui_load(struct enrich *, const char *, char *, size_t);
static int	oui_line(const char *, uint32_t *, const char **);
static int	oui_cmp(const void *, const void *);

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
 * Add what the databases know about the event's src_ip and mac as
 * src_country, src_asn, src_as_org and mac_vendor.  Returns how many
 * fields were added.
 */
int
enrich_event(struct enrich *e, json_t *ev)
{
	struct enrich_ip	 ei;
	const char		*s, *vendor;
	int			 n = 0;

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
 * Two formats, one entry per line: Debian's ieee-data oui.txt
 * ("00-22-72   (hex)\t\tVendor") and nmap's nmap-mac-prefixes
 * ("002272 Vendor").  Other lines are skipped.
 */
static int
oui_line(const char *line, uint32_t *prefix, const char **vendor)
{
	unsigned int	 b[3];
	int		 n = 0;
	const char	*p;

	if (sscanf(line, "%2x-%2x-%2x (hex)%n", &b[0], &b[1], &b[2], &n) ==
	    3 && n > 0)
		p = line + n;
	else if (sscanf(line, "%2x%2x%2x%n", &b[0], &b[1], &b[2], &n) == 3 &&
	    n == 6 && (line[6] == ' ' || line[6] == '\t'))
		p = line + n;
	else
		return (-1);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '\n' || *p == '\r')
		return (-1);
	*prefix = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
	*vendor = p;
	return (0);
}

static int
oui_load(struct enrich *e, const char *path, char *err, size_t errlen)
{
	FILE		*f;
	char		*line = NULL, *q;
	size_t		 cap = 0, n = 0, alloc = 0, i, j;
	ssize_t		 len;
	uint32_t	 prefix;
	const char	*vendor;
	struct oui	*o;

	if ((f = fopen(path, "re")) == NULL) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		if (oui_line(line, &prefix, &vendor) == -1)
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
		/* Printable text only, without the line's end. */
		for (q = o->o_vendor; *q != '\0'; q++)
			if (*q == '\n' || *q == '\r')
				*q = '\0';
			else if (!isprint((unsigned char)*q))
				*q = '?';
		q = o->o_vendor + strlen(o->o_vendor);
		while (q > o->o_vendor && q[-1] == ' ')
			*--q = '\0';
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
