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

/* honeyspyctl's command grammar. */

#ifndef HS_CTL_PARSER_H
#define HS_CTL_PARSER_H

#include "proto.h"

enum ctl_action {
	CTL_NONE,
	CTL_GETNAME,
	CTL_STATUS,
	CTL_RELOAD,
	CTL_ADDSERVICE,
	CTL_DELSERVICE,
	CTL_GETSERVICES,
	CTL_ADDFILTER,
	CTL_DELFILTER,
	CTL_REPLACEFILTERS,
	CTL_GETFILTERS,
	CTL_GETFILTER,
	CTL_ENABLEPCAP,
	CTL_DISABLEPCAP,
	CTL_GETHOSTS,
	CTL_GETSENSORS,
	CTL_GETEVENTS,
	CTL_GETSTATS,
	CTL_KILL,
	CTL_INFO,
	CTL_SETCONFIG,
	CTL_GETCONFIG,
	CTL_ADDALIAS,
	CTL_DELALIAS,
	CTL_GETALIASES,
	CTL_SETFINGERPRINT,
	CTL_GETFINGERPRINT
};

/* replaceFilters: its rules, NUL-separated, in one request. */
#define CTL_FILTERSLEN		16000

struct parse_result {
	enum ctl_action		 action;
	struct ctl_service	 service;	/* add and delService */
	struct ctl_filter	 filter;	/* add, del and getFilter */
	struct ctl_alias	 alias;		/* add and delAlias */
	char			 filters[CTL_FILTERSLEN];
	size_t			 filterslen;	/* replaceFilters */
	struct ctl_query	 query;		/* getEvents */
	struct ctl_config	*config;	/* set and getConfig: the */
	size_t			 configlen;	/*   request, its YAML after */
};

const struct parse_result	*parse(int, char *[]);
const char			*parse_error(void);
void				 parse_free(void);

#endif /* HS_CTL_PARSER_H */
