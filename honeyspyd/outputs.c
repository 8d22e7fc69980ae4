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
 * A master's outputs, the parent's side.  Each output has a cursor in the
 * store: the id of the last event its peer has.  The parent reads the
 * committed events after what it already sent, hands at most the output's
 * queue to its child, and moves the cursor as the child acknowledges.  An
 * output that is down stops taking events; the store holds them until it
 * is back, and a restart resumes at the cursor.  Outputs read only
 * committed rows, after each commit, and never hold up storing.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "honeyspyd.h"
#include "hs_event.h"
#include "log.h"
#include "proc.h"
#include "store.h"
#include "util.h"

#define OUTPUTS_READ	500	/* events read from the store at a time */

struct out_state {
	const struct conf_output *os_conf;
	int		 os_index;
	enum proc_id	 os_proc;
	int64_t		 os_acked;	/* the cursor */
	int64_t		 os_sent;	/* the last id handed over */
	size_t		 os_inflight;
	int		 os_up;		/* -1 unknown */
	int		 os_caught_up;	/* the last read found no more */
};

static struct out_state	 outs[CONF_MAX_OUTPUTS];
static size_t		 nouts;
static struct store	*ostore;

static enum proc_id	 output_proc(int);
static int		 outputs_send(void *, int64_t, const char *, size_t);
static void		 outputs_event(const struct out_state *, int,
			    const char *);

static enum proc_id
output_proc(int type)
{
	switch (type) {
	case OUTPUT_SYSLOG:
		return (PROC_OUTSYSLOG);
	case OUTPUT_NATS:
		return (PROC_OUTNATS);
	case OUTPUT_WEBHOOK:
		return (PROC_OUTWEBHOOK);
	default:
		return (PROC_OUTFILE);
	}
}

/*
 * Whether a child for outputs of this kind has work; any other child is
 * not an output's and is wanted as far as we are concerned.
 */
int
outputs_wanted(enum proc_id id, char *why, size_t len)
{
	const struct conf_output	*o;

	if (id != PROC_OUTFILE && id != PROC_OUTSYSLOG && id != PROC_OUTNATS &&
	    id != PROC_OUTWEBHOOK)
		return (1);

	TAILQ_FOREACH(o, &hs->p_conf->c_outputs, o_entry)
		if (output_proc(o->o_type) == id)
			return (1);
	(void)strlcpy(why, "no output of this kind configured", len);
	return (0);
}

/* Configure each output child; called once its process runs. */
void
outputs_init(void)
{
	const struct conf_output	*o;
	const struct conf_str		*s;
	struct output_msg		 om;
	struct node_msg			 nm;
	struct imsgev			*iev;
	int				 i = 0;
	enum proc_id			 p;

	nouts = 0;
	memset(&nm, 0, sizeof(nm));
	(void)strlcpy(nm.nm_name, hs->p_conf->c_node.n_name,
	    sizeof(nm.nm_name));
	for (p = PROC_OUTFILE; p <= PROC_OUTWEBHOOK; p++)
		if ((iev = child_iev(p)) != NULL &&
		    (imsgbuf_set_maxsize(&iev->ibuf, HS_CTL_MAXMSG) == -1 ||
		    imsgev_compose(iev, IMSG_CFG_NODE, 0, 0, -1, &nm,
		    sizeof(nm)) == -1))
			fatal("%s: compose", __func__);
	TAILQ_FOREACH(o, &hs->p_conf->c_outputs, o_entry) {
		p = output_proc(o->o_type);
		if ((iev = child_iev(p)) == NULL) {
			i++;
			continue;
		}
		memset(&om, 0, sizeof(om));
		om.om_index = i;
		om.om_type = o->o_type;
		(void)strlcpy(om.om_name, o->o_name, sizeof(om.om_name));
		(void)strlcpy(om.om_node, hs->p_conf->c_node.n_name,
		    sizeof(om.om_node));
		om.om_queue = o->o_queue;
		om.om_retry = o->o_retry;
		om.om_rotate_size = o->o_rotate_size;
		om.om_rotate_keep = o->o_rotate_keep;
		om.om_port = o->o_port;
		om.om_transport = o->o_transport;
		om.om_facility = o->o_facility;
		(void)strlcpy(om.om_path, o->o_path, sizeof(om.om_path));
		(void)strlcpy(om.om_address, o->o_address,
		    sizeof(om.om_address));
		(void)strlcpy(om.om_ca, o->o_ca, sizeof(om.om_ca));
		(void)strlcpy(om.om_cert, o->o_cert, sizeof(om.om_cert));
		(void)strlcpy(om.om_key, o->o_key, sizeof(om.om_key));
		(void)strlcpy(om.om_location, hs->p_conf->c_enrich.en_location,
		    sizeof(om.om_location));
		(void)strlcpy(om.om_oui, hs->p_conf->c_enrich.en_oui,
		    sizeof(om.om_oui));
		om.om_rdns = hs->p_conf->c_enrich.en_rdns;
		(void)strlcpy(om.om_resolver, hs->p_conf->c_enrich.en_resolver,
		    sizeof(om.om_resolver));
		TAILQ_FOREACH(s, &o->o_servers, cs_entry)
			if (om.om_nservers < HS_MAXSERVERS)
				(void)strlcpy(om.om_servers[om.om_nservers++],
				    s->cs_str, sizeof(om.om_servers[0]));
		om.om_create = o->o_create;
		om.om_replicas = o->o_replicas;
		(void)strlcpy(om.om_stream, o->o_stream, sizeof(om.om_stream));
		(void)strlcpy(om.om_subject, o->o_subject,
		    sizeof(om.om_subject));
		om.om_tls = o->o_tls;
		om.om_format = o->o_format;
		om.om_detections = o->o_detections;
		om.om_dedup = o->o_dedup;
		om.om_rate = o->o_rate;
		om.om_window = o->o_window;
		om.om_nevents = o->o_nevents;
		memcpy(om.om_events, o->o_events, sizeof(om.om_events));
		om.om_nignore = o->o_nignore;
		memcpy(om.om_ignore, o->o_ignore, sizeof(om.om_ignore));
		if (imsgev_compose(iev, IMSG_OUT_CONFIG, 0, 0, -1, &om,
		    sizeof(om)) == -1)
			fatal("%s: compose", __func__);
		outs[nouts].os_conf = o;
		outs[nouts].os_index = i;
		outs[nouts].os_proc = p;
		outs[nouts].os_up = -1;
		nouts++;
		i++;
	}
	for (p = PROC_OUTFILE; p <= PROC_OUTWEBHOOK; p++)
		if ((iev = child_iev(p)) != NULL &&
		    imsgev_compose(iev, IMSG_CFG_DONE, 0, 0, -1, NULL, 0) ==
		    -1)
			fatal("%s: compose", __func__);
}

/* The store is open: read each cursor and start feeding. */
void
outputs_start(struct store *st)
{
	size_t	 i;

	ostore = st;
	for (i = 0; i < nouts; i++) {
		if (store_output_get(st, outs[i].os_conf->o_name,
		    &outs[i].os_acked) == -1)
			fatalx("store: %s", store_error(st));
		outs[i].os_sent = outs[i].os_acked;
		log_info("output %s (%s) resumes after event %lld",
		    outs[i].os_conf->o_name,
		    config_output_type_name(outs[i].os_conf->o_type),
		    (long long)outs[i].os_acked);
	}
	outputs_feed();
}

static int
outputs_send(void *arg, int64_t id, const char *json, size_t len)
{
	struct out_state	*os = arg;
	struct imsgev		*iev = child_iev(os->os_proc);
	struct ibuf		*buf;

	if ((buf = imsg_create(&iev->ibuf, IMSG_OUT_EVENT,
	    (uint32_t)os->os_index, 0, sizeof(id) + len + 1)) == NULL ||
	    imsg_add(buf, &id, sizeof(id)) == -1 ||
	    imsg_add(buf, json, len) == -1 ||
	    imsg_add(buf, "", 1) == -1)
		fatal("%s: imsg_create", __func__);
	imsg_close(&iev->ibuf, buf);
	os->os_sent = id;
	os->os_inflight++;
	return (0);
}

/*
 * Hand each output what it has room for.  Called after a commit and
 * after an acknowledgement, never while a batch is open, so that only
 * committed events leave.
 */
void
outputs_feed(void)
{
	struct out_state	*os;
	struct store_query	 sq;
	struct imsgev		*iev;
	int64_t			 next;
	size_t			 i, room, before;

	if (ostore == NULL)
		return;
	for (i = 0; i < nouts; i++) {
		os = &outs[i];
		if ((iev = child_iev(os->os_proc)) == NULL)
			continue;
		while (os->os_inflight < (size_t)os->os_conf->o_queue) {
			room = (size_t)os->os_conf->o_queue - os->os_inflight;
			memset(&sq, 0, sizeof(sq));
			sq.sq_after = os->os_sent;
			sq.sq_limit = room < OUTPUTS_READ ? (int)room :
			    OUTPUTS_READ;
			before = os->os_inflight;
			if (store_query(ostore, &sq, outputs_send, os,
			    &next) == -1)
				fatalx("store: %s", store_error(ostore));
			if (os->os_inflight - before < (size_t)sq.sq_limit)
				break;		/* caught up */
		}
		imsgev_add(iev);
	}
}

/* An output child's acknowledgement or change of state. */
int
outputs_dispatch(struct imsg *imsg, enum proc_id from)
{
	struct output_ack	 oa;
	struct output_state	 ost;
	struct out_state	*os = NULL;
	uint32_t		 idx = imsg_get_id(imsg);
	size_t			 i;

	for (i = 0; i < nouts; i++)
		if (outs[i].os_index == (int)idx && outs[i].os_proc == from)
			os = &outs[i];
	if (os == NULL)
		return (-1);
	switch (imsg_get_type(imsg)) {
	case IMSG_OUT_ACK:
		if (imsg_get_data(imsg, &oa, sizeof(oa)) == -1 ||
		    oa.oa_count == 0 || oa.oa_count > os->os_inflight ||
		    oa.oa_id <= os->os_acked || oa.oa_id > os->os_sent)
			return (-1);
		os->os_inflight -= oa.oa_count;
		os->os_acked = oa.oa_id;
		if (store_output_set(ostore, os->os_conf->o_name,
		    os->os_acked) == -1)
			fatalx("store: %s", store_error(ostore));
		if (!link_in_batch())
			outputs_feed();
		break;
	case IMSG_OUT_STATE:
		if (imsg_get_data(imsg, &ost, sizeof(ost)) == -1 ||
		    !str_printable(ost.os_why, sizeof(ost.os_why)))
			return (-1);
		if (ost.os_up == os->os_up)
			break;
		os->os_up = ost.os_up != 0;
		if (os->os_up)
			log_info("output %s: up", os->os_conf->o_name);
		else
			log_warnx("output %s: down: %s; events wait in the "
			    "store", os->os_conf->o_name, ost.os_why);
		outputs_event(os, os->os_up, ost.os_why);
		break;
	default:
		return (-1);
	}
	return (0);
}

/* honeyspy.output.up|down, for the log, the store and other outputs. */
static void
outputs_event(const struct out_state *os, int up, const char *why)
{
	json_t	*ev;
	char	*line;

	if ((ev = hs_event_new(up ? "honeyspy.output.up" :
	    "honeyspy.output.down", hs->p_conf->c_node.n_name)) == NULL)
		return;
	(void)hs_event_set_str(ev, "output", os->os_conf->o_name);
	(void)hs_event_set_str(ev, "output_type",
	    config_output_type_name(os->os_conf->o_type));
	(void)hs_event_set_int(ev, "cursor", (long long)os->os_acked);
	if (!up)
		(void)hs_event_set_str(ev, "message", why);
	line = hs_event_dump(ev, HS_EVENT_MAX - 1);
	json_decref(ev);
	if (line == NULL)
		return;
	eventlog_write(line, strlen(line) + 1);
	link_event(line, strlen(line) + 1);
	free(line);
}
