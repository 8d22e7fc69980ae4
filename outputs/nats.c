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
 * The NATS JetStream output, with Synadia's C client (libnats).  Each
 * event is published to SUBJECT.SENSOR.EVENTID (honeyspy.s1.honeyspy.
 * session.connect) with the header Nats-Msg-Id set to its event.id, so
 * that the stream drops a copy sent again after a failure.  A batch counts
 * as delivered when the stream acknowledged every message of it; when a
 * server is lost, the client moves to another of the cluster and the
 * batch is published again.
 *
 * libnats runs threads of its own.  The connection is made after the
 * jail and the system call filter, which covers those threads too.
 * Server URLs are resolved then, so they must name addresses.
 */

#include <sys/types.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

#include "log.h"
#include "outputs/output.h"

#define NATS_BATCH	256	/* messages in flight per batch */
#define NATS_WAIT_MS	5000	/* for the batch's acknowledgements */

struct nats_out {
	natsOptions	*no_opts;
	natsConnection	*no_conn;
	jsCtx		*no_js;
	int		 no_stream;	/* the stream is known to exist */
	atomic_int	 no_errors;	/* publishes the stream refused */
	char		 no_why[256];	/* the last refusal, for the log */
};

static int	nats_setup(struct output *, char *, size_t);
static void	nats_kick(struct output *);
static int	nats_connect(struct output *);
static int	nats_stream(struct output *);
static void	nats_puberr(jsCtx *, jsPubAckErr *, void *);
static void	nats_subject(struct output *, json_t *, char *, size_t);
static void	nats_forget(struct output *);

const struct output_ops output_nats_ops = { nats_setup, nats_kick };

/* Keys and certificates are read now, before the jail. */
static int
nats_setup(struct output *o, char *why, size_t len)
{
	struct nats_out	*no;
	const char	*urls[HS_MAXSERVERS];
	natsStatus	 s;
	int		 i;

	if ((no = calloc(1, sizeof(*no))) == NULL) {
		(void)snprintf(why, len, "out of memory");
		return (-1);
	}
	o->o_priv = no;
	for (i = 0; i < o->o_conf.om_nservers; i++) {
		if (memchr(o->o_conf.om_servers[i], '\0',
		    sizeof(o->o_conf.om_servers[i])) == NULL) {
			(void)snprintf(why, len, "bad server URL");
			return (-1);
		}
		urls[i] = o->o_conf.om_servers[i];
	}
	if (o->o_conf.om_nservers == 0) {
		(void)snprintf(why, len, "no servers");
		return (-1);
	}
	if ((s = natsOptions_Create(&no->no_opts)) != NATS_OK ||
	    (s = natsOptions_SetServers(no->no_opts, urls,
	    o->o_conf.om_nservers)) != NATS_OK ||
	    (s = natsOptions_SetName(no->no_opts, "honeyspyd")) != NATS_OK ||
	    (s = natsOptions_SetMaxReconnect(no->no_opts, -1)) != NATS_OK ||
	    (s = natsOptions_SetReconnectWait(no->no_opts, 500)) != NATS_OK ||
	    (s = natsOptions_SetTimeout(no->no_opts, 2000)) != NATS_OK ||
	    (s = natsOptions_SetRetryOnFailedConnect(no->no_opts, true, NULL,
	    NULL)) != NATS_OK) {
		(void)snprintf(why, len, "nats options: %s",
		    natsStatus_GetText(s));
		return (-1);
	}
	if (o->o_conf.om_ca[0] != '\0' &&
	    ((s = natsOptions_SetSecure(no->no_opts, true)) != NATS_OK ||
	    (s = natsOptions_LoadCATrustedCertificates(no->no_opts,
	    o->o_conf.om_ca)) != NATS_OK)) {
		(void)snprintf(why, len, "%s: %s", o->o_conf.om_ca,
		    natsStatus_GetText(s));
		return (-1);
	}
	if (o->o_conf.om_cert[0] != '\0' &&
	    (s = natsOptions_LoadCertificatesChain(no->no_opts,
	    o->o_conf.om_cert, o->o_conf.om_key)) != NATS_OK) {
		(void)snprintf(why, len, "%s: %s", o->o_conf.om_cert,
		    natsStatus_GetText(s));
		return (-1);
	}
	return (0);
}

/*
 * Called from a thread of libnats when the stream refused a message or
 * its acknowledgement did not come: the batch is not delivered.
 */
static void
nats_puberr(jsCtx *js, jsPubAckErr *pae, void *arg)
{
	struct nats_out	*no = arg;

	(void)js;
	if (atomic_fetch_add(&no->no_errors, 1) == 0)
		(void)snprintf(no->no_why, sizeof(no->no_why), "%s",
		    pae->ErrText != NULL ? pae->ErrText :
		    natsStatus_GetText(pae->Err));
}

static int
nats_connect(struct output *o)
{
	struct nats_out	*no = o->o_priv;
	jsOptions	 jo;
	natsStatus	 s;

	s = natsConnection_Connect(&no->no_conn, no->no_opts);
	if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) {
		output_failed(o, "connect: %s", natsStatus_GetText(s));
		no->no_conn = NULL;
		return (-1);
	}
	jsOptions_Init(&jo);
	jo.Wait = NATS_WAIT_MS;
	/* Room for a batch and what a failed one left: never a stall. */
	jo.PublishAsync.MaxPending = 4 * NATS_BATCH;
	jo.PublishAsync.ErrHandler = nats_puberr;
	jo.PublishAsync.ErrHandlerClosure = no;
	if ((s = natsConnection_JetStream(&no->no_js, no->no_conn, &jo)) !=
	    NATS_OK)
		fatalx("%s: JetStream context: %s", __func__,
		    natsStatus_GetText(s));
	return (0);
}

/* Make the stream when asked to; one that exists already is fine. */
static int
nats_stream(struct output *o)
{
	struct nats_out	*no = o->o_priv;
	jsStreamConfig	 sc;
	jsStreamInfo	*si = NULL;
	jsErrCode	 jerr = 0;
	natsStatus	 s;
	char		 subj[128];
	const char	*subjects[1];

	if (no->no_stream || !o->o_conf.om_create)
		return (0);
	(void)snprintf(subj, sizeof(subj), "%s.>", o->o_conf.om_subject);
	subjects[0] = subj;
	jsStreamConfig_Init(&sc);
	sc.Name = o->o_conf.om_stream;
	sc.Subjects = subjects;
	sc.SubjectsLen = 1;
	sc.Storage = js_FileStorage;
	sc.Replicas = o->o_conf.om_replicas;
	s = js_AddStream(&si, no->no_js, &sc, NULL, &jerr);
	if (si != NULL)
		jsStreamInfo_Destroy(si);
	if (s != NATS_OK && jerr != JSStreamNameExistErr) {
		output_failed(o, "stream %s: %s%s%s", o->o_conf.om_stream,
		    natsStatus_GetText(s), jerr ? ": error " : "",
		    jerr ? "from the server" : "");
		return (-1);
	}
	no->no_stream = 1;
	log_info("output %s: stream %s ready", o->o_conf.om_name,
	    o->o_conf.om_stream);
	return (0);
}

/*
 * PREFIX.SENSOR.EVENTID; a sensor name with dots would add tokens, so
 * they become '_', as does anything a subject cannot carry.
 */
static void
nats_subject(struct output *o, json_t *ev, char *buf, size_t len)
{
	const char	*sensor, *eid;
	char		 s[HS_NAMELEN], e[HS_NAMELEN];
	size_t		 i;

	sensor = json_string_value(json_object_get(ev, "sensor"));
	eid = json_string_value(json_object_get(ev, "eventid"));
	(void)strlcpy(s, sensor != NULL && *sensor != '\0' ? sensor :
	    o->o_conf.om_node, sizeof(s));
	(void)strlcpy(e, eid != NULL && *eid != '\0' ? eid : "unknown",
	    sizeof(e));
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == '.' || s[i] <= ' ' || s[i] > '~' || s[i] == '*' ||
		    s[i] == '>')
			s[i] = '_';
	for (i = 0; e[i] != '\0'; i++)
		if (e[i] <= ' ' || e[i] > '~' || e[i] == '*' || e[i] == '>' ||
		    (e[i] == '.' && (i == 0 || e[i + 1] == '\0' ||
		    e[i + 1] == '.')))
			e[i] = '_';
	(void)snprintf(buf, len, "%s.%s.%s", o->o_conf.om_subject, s, e);
}

/*
 * A batch failed: what libnats still waits for goes, and is published
 * again with the batch, the stream dropping any copy it already has.
 */
static void
nats_forget(struct output *o)
{
	struct nats_out	*no = o->o_priv;
	natsMsgList	 list;

	memset(&list, 0, sizeof(list));
	if (js_PublishAsyncGetPendingList(&list, no->no_js) == NATS_OK)
		natsMsgList_Destroy(&list);
}

static void
nats_kick(struct output *o)
{
	struct nats_out		*no = o->o_priv;
	struct out_event	*oe;
	jsPubOptions		 po;
	json_t			*ev;
	natsStatus		 s;
	char			*text, subject[256], id[HS_NAMELEN + 24];
	size_t			 n;

	if (no->no_conn == NULL && nats_connect(o) == -1)
		return;
	while (!TAILQ_EMPTY(&o->o_queue)) {
		if (natsConnection_Status(no->no_conn) !=
		    NATS_CONN_STATUS_CONNECTED) {
			output_failed(o, "not connected to any of the %d "
			    "server%s", o->o_conf.om_nservers,
			    o->o_conf.om_nservers == 1 ? "" : "s");
			return;
		}
		if (nats_stream(o) == -1)
			return;
		atomic_store(&no->no_errors, 0);
		n = 0;
		TAILQ_FOREACH(oe, &o->o_queue, oe_entry) {
			if (n == NATS_BATCH)
				break;
			n++;
			if ((ev = output_event(o, oe)) == NULL)
				continue;	/* skipped */
			nats_subject(o, ev, subject, sizeof(subject));
			if ((text = json_dumps(ev, JSON_COMPACT)) == NULL)
				fatalx("%s: out of memory", __func__);
			json_decref(ev);
			(void)snprintf(id, sizeof(id), "%s:%lld",
			    o->o_conf.om_node, (long long)oe->oe_id);
			jsPubOptions_Init(&po);
			po.MsgId = id;
			s = js_PublishAsync(no->no_js, subject, text,
			    (int)strlen(text), &po);
			free(text);
			if (s != NATS_OK) {
				nats_forget(o);
				output_failed(o, "publish: %s",
				    natsStatus_GetText(s));
				return;
			}
		}
		jsPubOptions_Init(&po);
		po.MaxWait = NATS_WAIT_MS;
		s = js_PublishAsyncComplete(no->no_js, &po);
		if (s != NATS_OK) {
			nats_forget(o);
			output_failed(o, "stream %s: acknowledgements: %s",
			    o->o_conf.om_stream, natsStatus_GetText(s));
			return;
		}
		if (atomic_load(&no->no_errors) != 0) {
			output_failed(o, "stream %s: %d of %zu refused: %s",
			    o->o_conf.om_stream, atomic_load(&no->no_errors),
			    n, no->no_why);
			return;
		}
		output_delivered(o, n);
	}
}
