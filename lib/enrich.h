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
 * Enrichment of events at the master, offline: country and autonomous
 * system of an address from libloc's database, vendor of a MAC address
 * from an OUI list.  Both files are opened before the caller's jail.
 * Optionally, not offline: the name of an address from reverse DNS.
 */

#ifndef HS_ENRICH_H
#define HS_ENRICH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define ENRICH_CC_LEN		3	/* "DE" and a NUL */
#define ENRICH_ORG_LEN		128
#define ENRICH_VENDOR_LEN	64

struct enrich;

struct enrich_ip {
	char		 ei_country[ENRICH_CC_LEN];	/* "" unknown */
	uint32_t	 ei_asn;			/* 0 unknown */
	char		 ei_as_org[ENRICH_ORG_LEN];	/* "" unknown */
};

#define ENRICH_NAME_LEN	254	/* a DNS name and a NUL */

struct enrich	*enrich_open(const char *, const char *, char *, size_t);
int		 enrich_rdns(struct enrich *, const char *, char *, size_t);
int		 enrich_hostname(struct enrich *, const char *, char *, size_t);
void		 enrich_close(struct enrich *);
int		 enrich_ip(struct enrich *, const char *, struct enrich_ip *);
const char	*enrich_mac(struct enrich *, const char *);
int		 enrich_event(struct enrich *, json_t *);
int		 enrich_oui_line(char *, uint32_t *, char **);
size_t		 enrich_vendors(struct enrich *);

#endif /* HS_ENRICH_H */
