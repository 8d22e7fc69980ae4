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


/* Control requests and replies: building the one, collecting the other. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlmsg.h"
#include "proto.h"
#include "service.h"
#include "util.h"

#define CTL_ITEMS_MAX	100000	/* JSON items in one reply */

static void	*grow(void *, size_t *, size_t);
static json_t	*info_json(const struct status_reply *);

/* The request for a parsed call: its type and the data that go with it. */
int
ctl_request(const struct parse_result *res, uint32_t *type, const void **data,
    size_t *len)
{
	*data = NULL;
	*len = 0;
	switch (res->action) {
	case CTL_GETNAME:
	case CTL_STATUS:
	case CTL_INFO:
		*type = IMSG_CTL_STATUS;
		break;
	case CTL_RELOAD:
		*type = IMSG_CTL_RELOAD;
		break;
	case CTL_KILL:
		*type = IMSG_CTL_KILL;
		break;
	case CTL_ADDSERVICE:
	case CTL_DELSERVICE:
		*type = res->action == CTL_ADDSERVICE ? IMSG_CTL_ADDSERVICE :
		    IMSG_CTL_DELSERVICE;
		*data = &res->service;
		*len = sizeof(res->service);
		break;
	case CTL_GETSERVICES:
		*type = IMSG_CTL_GETSERVICES;
		break;
	case CTL_ADDFILTER:
	case CTL_DELFILTER:
	case CTL_GETFILTER:
		*type = res->action == CTL_ADDFILTER ? IMSG_CTL_ADDFILTER :
		    res->action == CTL_DELFILTER ? IMSG_CTL_DELFILTER :
		    IMSG_CTL_GETFILTER;
		*data = &res->filter;
		*len = sizeof(res->filter);
		break;
	case CTL_REPLACEFILTERS:
		*type = IMSG_CTL_REPLACEFILTERS;
		*data = res->filters;
		*len = res->filterslen;
		break;
	case CTL_GETFILTERS:
		*type = IMSG_CTL_GETFILTERS;
		break;
	case CTL_ENABLEPCAP:
		*type = IMSG_CTL_ENABLEPCAP;
		break;
	case CTL_DISABLEPCAP:
		*type = IMSG_CTL_DISABLEPCAP;
		break;
	case CTL_GETHOSTS:
		*type = IMSG_CTL_GETHOSTS;
		break;
	case CTL_ADDALIAS:
	case CTL_DELALIAS:
		*type = res->action == CTL_ADDALIAS ? IMSG_CTL_ADDALIAS :
		    IMSG_CTL_DELALIAS;
		*data = &res->alias;
		*len = sizeof(res->alias);
		break;
	case CTL_GETALIASES:
		*type = IMSG_CTL_GETALIASES;
		break;
	case CTL_SETFINGERPRINT:
	case CTL_GETFINGERPRINT:
		*type = res->action == CTL_SETFINGERPRINT ?
		    IMSG_CTL_SETFINGERPRINT : IMSG_CTL_GETFINGERPRINT;
		*data = &res->alias;
		*len = sizeof(res->alias);
		break;
	case CTL_GETSENSORS:
		*type = IMSG_CTL_GETSENSORS;
		break;
	case CTL_GETEVENTS:
	case CTL_GETSTATS:
		*type = res->action == CTL_GETEVENTS ? IMSG_CTL_GETEVENTS :
		    IMSG_CTL_GETSTATS;
		*data = &res->query;
		*len = sizeof(res->query);
		break;
	case CTL_SETCONFIG:
	case CTL_GETCONFIG:
		*type = res->action == CTL_SETCONFIG ? IMSG_CTL_SETCONFIG :
		    IMSG_CTL_GETCONFIG;
		*data = res->config;
		*len = res->configlen;
		break;
	case CTL_NONE:
	default:
		return (-1);
	}
	return (0);
}

/* Room for one more element of size sz in an array of *n. */
static void *
grow(void *p, size_t *n, size_t sz)
{
	void	*np;

	if ((np = reallocarray(p, *n + 1, sz)) == NULL)
		return (NULL);
	(*n)++;
	return (np);
}

#define GROW(arr, n) do {						\
	void	*np_ = grow((arr), &(n), sizeof(*(arr)));		\
	if (np_ == NULL) {						\
		(void)snprintf(why, whylen, "out of memory");		\
		return (-1);						\
	}								\
	(arr) = np_;							\
} while (0)

/*
 * Take one message of a reply.  The daemon is trusted more than most
 * peers, but its strings are still checked before anyone prints them.
 * Returns CTL_REPLY_MORE, _DONE, _FAILED (the daemon's reason in why), or
 * -1 for a reply that makes no sense (what was wrong in why).
 */
int
ctl_reply_add(struct status_reply *sr, struct imsg *imsg, char *why,
    size_t whylen)
{
	struct ibuf		 ib;
	struct host_msg		*ho;
	struct ctl_filter	*cf;
	struct alias_msg	*am;
	struct ctl_cursor	 cc;
	json_t			*o;
	json_error_t		 jerr;
	char			 reason[4096];

	switch (imsg_get_type(imsg)) {
	case IMSG_CTL_HELLO:
		if (imsg_get_id(imsg) != HS_PROTO_VERSION) {
			(void)snprintf(why, whylen, "daemon speaks protocol "
			    "%u, we speak %d", imsg_get_id(imsg),
			    HS_PROTO_VERSION);
			return (-1);
		}
		return (CTL_REPLY_MORE);
	case IMSG_CTL_STATUS:
		if (imsg_get_data(imsg, &sr->st, sizeof(sr->st)) == -1 ||
		    memchr(sr->st.cs_node, '\0',
		    sizeof(sr->st.cs_node)) == NULL)
			break;
		return (CTL_REPLY_MORE);
	case IMSG_CTL_PROC:
		GROW(sr->procs, sr->nprocs);
		if (imsg_get_data(imsg, &sr->procs[sr->nprocs - 1],
		    sizeof(*sr->procs)) == -1 ||
		    memchr(sr->procs[sr->nprocs - 1].ps_name, '\0',
		    HS_NAMELEN) == NULL ||
		    memchr(sr->procs[sr->nprocs - 1].ps_chroot, '\0',
		    PATH_MAX) == NULL)
			break;
		return (CTL_REPLY_MORE);
	case IMSG_CTL_FEATURE:
		GROW(sr->features, sr->nfeatures);
		if (imsg_get_data(imsg, &sr->features[sr->nfeatures - 1],
		    sizeof(*sr->features)) == -1 ||
		    memchr(sr->features[sr->nfeatures - 1].cf_name, '\0',
		    HS_NAMELEN) == NULL ||
		    memchr(sr->features[sr->nfeatures - 1].cf_desc, '\0',
		    HS_NAMELEN) == NULL ||
		    memchr(sr->features[sr->nfeatures - 1].cf_reason, '\0',
		    sizeof(sr->features[0].cf_reason)) == NULL)
			break;
		return (CTL_REPLY_MORE);
	case IMSG_CTL_SERVICE:
		GROW(sr->services, sr->nservices);
		if (imsg_get_data(imsg, &sr->services[sr->nservices - 1],
		    sizeof(*sr->services)) == -1 ||
		    !service_msg_valid(&sr->services[sr->nservices - 1].si_sv,
		    reason, sizeof(reason)))
			break;
		return (CTL_REPLY_MORE);
	case IMSG_CTL_CAPTURE:
		if (imsg_get_data(imsg, &sr->capture,
		    sizeof(sr->capture)) == -1 ||
		    memchr(sr->capture.cs_interface, '\0',
		    sizeof(sr->capture.cs_interface)) == NULL ||
		    memchr(sr->capture.cs_why, '\0',
		    sizeof(sr->capture.cs_why)) == NULL)
			break;
		sr->have_capture = 1;
		return (CTL_REPLY_MORE);
	case IMSG_CTL_FILTER:
		GROW(sr->filters, sr->nfilters);
		cf = &sr->filters[sr->nfilters - 1];
		if (imsg_get_data(imsg, cf, sizeof(*cf)) == -1 ||
		    memchr(cf->fl_expr, '\0', sizeof(cf->fl_expr)) == NULL)
			break;
		return (CTL_REPLY_MORE);
	case IMSG_CTL_HOST:
		GROW(sr->hosts, sr->nhosts);
		ho = &sr->hosts[sr->nhosts - 1];
		if (imsg_get_data(imsg, ho, sizeof(*ho)) == -1 ||
		    memchr(ho->ho_addrtext, '\0',
		    sizeof(ho->ho_addrtext)) == NULL ||
		    memchr(ho->ho_os, '\0', sizeof(ho->ho_os)) == NULL ||
		    memchr(ho->ho_class, '\0', sizeof(ho->ho_class)) == NULL ||
		    memchr(ho->ho_link, '\0', sizeof(ho->ho_link)) == NULL)
			break;
		return (CTL_REPLY_MORE);
	case IMSG_CTL_ALIAS:
		GROW(sr->aliases, sr->naliases);
		am = &sr->aliases[sr->naliases - 1];
		if (imsg_get_data(imsg, am, sizeof(*am)) == -1 ||
		    !str_printable(am->al_addrtext, sizeof(am->al_addrtext)) ||
		    !str_printable(am->al_vendor, sizeof(am->al_vendor)) ||
		    !str_printable(am->al_personality,
		    sizeof(am->al_personality)) ||
		    !str_printable(am->al_ifname, sizeof(am->al_ifname)))
			break;
		return (CTL_REPLY_MORE);
	case IMSG_CTL_JSON:
		if (sr->items == NULL && (sr->items = json_array()) == NULL) {
			(void)snprintf(why, whylen, "out of memory");
			return (-1);
		}
		if (imsg_get_ibuf(imsg, &ib) == -1 || ibuf_size(&ib) < 3 ||
		    json_array_size(sr->items) >= CTL_ITEMS_MAX ||
		    (o = json_loadb(ibuf_data(&ib), ibuf_size(&ib) - 1, 0,
		    &jerr)) == NULL)
			break;
		if (!json_is_object(o) ||
		    json_array_append_new(sr->items, o) == -1)
			break;
		return (CTL_REPLY_MORE);
	case IMSG_CTL_CURSOR:
		if (imsg_get_data(imsg, &cc, sizeof(cc)) == -1 ||
		    cc.cc_next < 0 || cc.cc_last < 0)
			break;
		sr->cursor = cc.cc_next;
		sr->last = cc.cc_last;
		return (CTL_REPLY_MORE);
	case IMSG_CTL_END:
		return (CTL_REPLY_DONE);
	case IMSG_CTL_FAIL:
		/* Raw: whoever shows it to a person escapes it. */
		if (imsg_get_strbuf(imsg, why, whylen) == -1)
			(void)strlcpy(why, "(unreadable reason)", whylen);
		return (CTL_REPLY_FAILED);
	default:
		(void)snprintf(why, whylen, "unexpected reply %u",
		    imsg_get_type(imsg));
		return (-1);
	}
	(void)snprintf(why, whylen, "bad reply %u from the daemon",
	    imsg_get_type(imsg));
	return (-1);
}

void
ctl_reply_free(struct status_reply *sr)
{
	free(sr->filters);
	free(sr->hosts);
	free(sr->aliases);
	free(sr->services);
	free(sr->procs);
	free(sr->features);
	json_decref(sr->items);
	memset(sr, 0, sizeof(*sr));
}

/* info: who the node is, in a line or an object. */
static json_t *
info_json(const struct status_reply *sr)
{
	return (json_pack("{s:s, s:s, s:s, s:I}", "node", sr->st.cs_node,
	    "node_mode", sr->st.cs_nodemode == 1 ? "master" : "sensor",
	    "mode", privmode_name(sr->st.cs_privmode),
	    "started", (json_int_t)sr->st.cs_started));
}

/* A successful reply as the result of an RPC call. */
json_t *
ctl_reply_json(const struct parse_result *res, const struct status_reply *sr)
{
	switch (res->action) {
	case CTL_STATUS:
		return (status_json(sr));
	case CTL_GETNAME:
		return (json_string(sr->st.cs_node));
	case CTL_INFO:
		return (info_json(sr));
	case CTL_GETSERVICES:
		return (services_json(sr));
	case CTL_GETFILTERS:
	case CTL_GETFILTER:
		return (filters_json(sr, res->action == CTL_GETFILTER));
	case CTL_GETHOSTS:
		return (hosts_json(sr));
	case CTL_GETALIASES:
		return (aliases_json(sr));
	case CTL_SETFINGERPRINT:
	case CTL_GETFINGERPRINT:
		return (fingerprint_json(sr));
	case CTL_GETSENSORS:
		return (sr->items != NULL ? json_incref(sr->items) :
		    json_array());
	case CTL_GETEVENTS:
		return (json_pack("{s:O, s:o, s:I}", "events",
		    sr->items != NULL ? sr->items : json_array(), "next",
		    sr->cursor > 0 ? json_integer(sr->cursor) : json_null(),
		    "last", (json_int_t)sr->last));
	case CTL_GETSTATS:
		if (sr->items != NULL && json_array_size(sr->items) > 0)
			return (json_incref(json_array_get(sr->items, 0)));
		return (json_object());
	case CTL_GETCONFIG:
		/* The document itself, as it was written. */
		if (sr->items != NULL && json_array_size(sr->items) > 0)
			return (json_incref(json_object_get(json_array_get(
			    sr->items, 0), "config")));
		return (json_null());
	case CTL_SETCONFIG:
		if (sr->items != NULL && json_array_size(sr->items) > 0)
			return (json_incref(json_array_get(sr->items, 0)));
		return (json_integer(0));
	default:
		return (json_integer(0));
	}
}

/* A successful reply for the person (or script) that asked. */
void
ctl_reply_print(const struct parse_result *res, const struct status_reply *sr,
    int json)
{
	const char	*text;
	char		*line;
	size_t		 i;

	switch (res->action) {
	case CTL_STATUS:
		output_status(sr, json);
		break;
	case CTL_GETNAME:
		(void)printf("%s\n", sr->st.cs_node);
		break;
	case CTL_INFO:
		if (json)
			output_json(info_json(sr));
		else
			(void)printf("node %s (%s), %s mode\n", sr->st.cs_node,
			    sr->st.cs_nodemode == 1 ? "master" : "sensor",
			    privmode_name(sr->st.cs_privmode));
		break;
	case CTL_GETSERVICES:
		output_services(sr, json);
		break;
	case CTL_GETFILTERS:
	case CTL_GETFILTER:
		output_filters(sr, json, res->action == CTL_GETFILTER);
		break;
	case CTL_GETHOSTS:
		output_hosts(sr, json);
		break;
	case CTL_GETALIASES:
		output_aliases(sr, json);
		break;
	case CTL_SETFINGERPRINT:
	case CTL_GETFINGERPRINT:
		output_fingerprint(sr, json);
		break;
	case CTL_GETSENSORS:
		output_sensors(sr, json);
		break;
	case CTL_GETSTATS:
		if (sr->items != NULL && json_array_size(sr->items) > 0)
			output_json(json_incref(json_array_get(sr->items, 0)));
		break;
	case CTL_GETCONFIG:
	case CTL_SETCONFIG:
		if (sr->items == NULL || json_array_size(sr->items) == 0)
			break;
		if (json)
			output_json(json_incref(json_array_get(sr->items, 0)));
		else if ((text = json_string_value(json_object_get(
		    json_array_get(sr->items, 0), "config"))) != NULL)
			output_text(text);
		else
			output_json(json_incref(json_array_get(sr->items, 0)));
		break;
	case CTL_GETEVENTS:
		/* One event per line, as in the event log. */
		for (i = 0; sr->items != NULL &&
		    i < json_array_size(sr->items); i++) {
			line = json_dumps(json_array_get(sr->items, i),
			    JSON_COMPACT | JSON_ENSURE_ASCII);
			if (line != NULL)
				(void)printf("%s\n", line);
			free(line);
		}
		if (sr->cursor > 0)
			(void)fprintf(stderr, "more: after=%lld\n",
			    (long long)sr->cursor);
		break;
	default:
		break;
	}
}
