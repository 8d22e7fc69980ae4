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

/* The output children's common part: set-up, queue, acks, backoff. */

#include <sys/types.h>

#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "config.h"
#include "enrich.h"
#include "log.h"
#include "proc.h"
#include "outputs/output.h"

#define OUTPUT_MAX	CONF_MAX_OUTPUTS

static struct output	*outputs[OUTPUT_MAX];
static struct enrich	*enrich;
static struct imsgev	*iev_parent;

static void	output_setup(void);
static int	output_dispatch_parent(struct imsgev *, struct imsg *);
static void	output_queue(struct imsg *);
static void	output_retry(int, short, void *);
static void	output_state(struct output *, int, const char *);
static void	output_wake(struct output *);
static void	output_kick(int, short, void *);

__attribute__((__noreturn__)) void
output_main(const struct proc_def *pd)
{
	struct hello_msg	 hm;
	size_t			 i;

	proc_child_init(pd, &hm);
	iev_parent = proc_child_iev();
	/* A sensor's event may fill a whole frame. */
	if (imsgbuf_set_maxsize(&iev_parent->ibuf, HS_CTL_MAXMSG) == -1)
		fatal("%s: imsgbuf_set_maxsize", __func__);
	/* Files, keys and peers are looked up here, before the jail. */
	output_setup();
	proc_child_jail(pd, &hm);
	/*
	 * Storing comes first: outputs run when the cores are otherwise
	 * idle, and catch up from their cursors.  Threads made from now on
	 * (libnats's) inherit it.
	 */
	{
		struct sched_param	 sp;

		memset(&sp, 0, sizeof(sp));
		if (sched_setscheduler(0, SCHED_IDLE, &sp) == -1)
			log_warn("%s: SCHED_IDLE", __func__);
	}
	proc_child_setup_done(pd, &hm);
	for (i = 0; i < OUTPUT_MAX; i++)
		if (outputs[i] != NULL) {
			evtimer_set(&outputs[i]->o_retry_ev, output_retry,
			    outputs[i]);
			evtimer_set(&outputs[i]->o_kick_ev, output_kick,
			    outputs[i]);
		}
	proc_child_run(pd, output_dispatch_parent);
}

static void
output_setup(void)
{
	struct imsg		 imsg;
	struct output_msg	 om;
	struct output		*o;
	char			 why[512];
	int			 done = 0, rdns_on = 0;

	while (!done) {
		proc_child_next(iev_parent, &imsg);
		switch (imsg_get_type(&imsg)) {
		case IMSG_CFG_NODE:
			break;
		case IMSG_OUT_CONFIG:
			if (imsg_get_data(&imsg, &om, sizeof(om)) == -1 ||
			    om.om_index < 0 || om.om_index >= OUTPUT_MAX ||
			    outputs[om.om_index] != NULL ||
			    memchr(om.om_name, '\0', sizeof(om.om_name)) ==
			    NULL ||
			    memchr(om.om_path, '\0', sizeof(om.om_path)) ==
			    NULL ||
			    memchr(om.om_address, '\0',
			    sizeof(om.om_address)) == NULL ||
			    memchr(om.om_ca, '\0', sizeof(om.om_ca)) == NULL ||
			    memchr(om.om_cert, '\0', sizeof(om.om_cert)) ==
			    NULL ||
			    memchr(om.om_key, '\0', sizeof(om.om_key)) ==
			    NULL ||
			    memchr(om.om_location, '\0',
			    sizeof(om.om_location)) == NULL ||
			    memchr(om.om_oui, '\0', sizeof(om.om_oui)) ==
			    NULL ||
			    memchr(om.om_resolver, '\0',
			    sizeof(om.om_resolver)) == NULL ||
			    memchr(om.om_node, '\0', sizeof(om.om_node)) ==
			    NULL || om.om_queue < 1 ||
			    om.om_nservers < 0 ||
			    om.om_nservers > HS_MAXSERVERS ||
			    memchr(om.om_stream, '\0', sizeof(om.om_stream)) ==
			    NULL ||
			    memchr(om.om_subject, '\0',
			    sizeof(om.om_subject)) == NULL ||
			    om.om_nevents < 0 ||
			    om.om_nevents > HS_HOOK_EVENTS ||
			    om.om_nignore < 0 || om.om_nignore > HS_HOOK_IGNORE)
				fatalx("%s: IMSG_OUT_CONFIG: bad message",
				    __func__);
			if ((o = calloc(1, sizeof(*o))) == NULL)
				fatal("%s", __func__);
			o->o_conf = om;
			o->o_up = -1;
			TAILQ_INIT(&o->o_queue);
			switch (om.om_type) {
			case OUTPUT_FILE:
				o->o_ops = &output_file_ops;
				break;
			case OUTPUT_SYSLOG:
				o->o_ops = &output_syslog_ops;
				break;
			case OUTPUT_NATS:
				o->o_ops = &output_nats_ops;
				break;
			case OUTPUT_WEBHOOK:
				o->o_ops = &output_webhook_ops;
				break;
			default:
				fatalx("%s: output %s: unknown type %d",
				    __func__, om.om_name, om.om_type);
			}
			/* One database for all; they all ask the same. */
			if (enrich == NULL && (om.om_location[0] != '\0' ||
			    om.om_oui[0] != '\0' || om.om_rdns) &&
			    (enrich = enrich_open(om.om_location, om.om_oui,
			    why, sizeof(why))) == NULL)
				log_warnx("output %s: no enrichment: %s",
				    om.om_name, why);
			/* The resolver reads resolv.conf: before the jail. */
			if (enrich != NULL && om.om_rdns && !rdns_on) {
				if (enrich_rdns(enrich, om.om_resolver, why,
				    sizeof(why)) == -1)
					fatalx("output %s: %s", om.om_name,
					    why);
				rdns_on = 1;
			}
			if (o->o_ops->oo_setup(o, why, sizeof(why)) == -1)
				fatalx("output %s: %s", om.om_name, why);
			outputs[om.om_index] = o;
			break;
		case IMSG_CFG_DONE:
			done = 1;
			break;
		default:
			fatalx("%s: unexpected imsg %u", __func__,
			    imsg_get_type(&imsg));
		}
		imsg_free(&imsg);
	}
}

static int
output_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	if (proc_child_common(iev, imsg))
		return (0);
	switch (imsg_get_type(imsg)) {
	case IMSG_OUT_EVENT:
		output_queue(imsg);
		break;
	default:
		fatalx("%s: unexpected imsg %u", __func__,
		    imsg_get_type(imsg));
	}
	return (0);
}

/* A stored event for one of ours, appended to its queue. */
static void
output_queue(struct imsg *imsg)
{
	struct ibuf		 ib;
	struct output		*o;
	struct out_event	*oe;
	uint32_t		 idx = imsg_get_id(imsg);
	int64_t			 id;
	size_t			 len;

	if (idx >= OUTPUT_MAX || (o = outputs[idx]) == NULL ||
	    imsg_get_ibuf(imsg, &ib) == -1 ||
	    ibuf_get(&ib, &id, sizeof(id)) == -1 ||
	    (len = ibuf_size(&ib)) < 3 || id <= 0 ||
	    ((const char *)ibuf_data(&ib))[len - 1] != '\0' ||
	    o->o_nqueued >= (size_t)o->o_conf.om_queue)
		fatalx("%s: IMSG_OUT_EVENT: bad message", __func__);
	if ((oe = malloc(sizeof(*oe) + len)) == NULL)
		fatal("%s", __func__);
	oe->oe_id = id;
	oe->oe_len = len - 1;
	memcpy(oe->oe_json, ibuf_data(&ib), len);
	TAILQ_INSERT_TAIL(&o->o_queue, oe, oe_entry);
	o->o_nqueued++;
	output_wake(o);
}

/*
 * Deliver once this turn's events are all queued, so that they go out
 * as one batch; not while a failure makes us wait.
 */
static void
output_wake(struct output *o)
{
	struct timeval	 tv = { 0, 0 };

	if (o->o_waiting || o->o_kick_armed)
		return;
	o->o_kick_armed = 1;
	if (evtimer_add(&o->o_kick_ev, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

static void
output_kick(int fd, short event, void *arg)
{
	struct output	*o = arg;

	(void)fd;
	(void)event;
	o->o_kick_armed = 0;
	if (!o->o_waiting)
		o->o_ops->oo_kick(o);
}

/* The first n queued events reached the peer: forget them, tell. */
void
output_delivered(struct output *o, size_t n)
{
	struct out_event	*oe;
	struct output_ack	 oa;

	if (n == 0)
		return;
	memset(&oa, 0, sizeof(oa));
	while (n-- > 0 && (oe = TAILQ_FIRST(&o->o_queue)) != NULL) {
		TAILQ_REMOVE(&o->o_queue, oe, oe_entry);
		o->o_nqueued--;
		oa.oa_id = oe->oe_id;
		oa.oa_count++;
		free(oe);
	}
	if (imsgev_compose(iev_parent, IMSG_OUT_ACK,
	    (uint32_t)o->o_conf.om_index, 0, -1, &oa, sizeof(oa)) == -1)
		fatal("%s: compose", __func__);
	output_up(o);
}

void
output_up(struct output *o)
{
	o->o_backoff = 0;
	if (o->o_up != 1)
		output_state(o, 1, "");
}

/*
 * The peer is away or refused: keep the queue, say why once, and try
 * again after a backoff that doubles up to the output's retry limit,
 * with up to a quarter of jitter so that outputs do not beat together.
 */
void
output_failed(struct output *o, const char *fmt, ...)
{
	struct timeval	 tv;
	va_list		 ap;
	char		 why[256];
	int		 jitter;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (o->o_up != 0)
		output_state(o, 0, why);
	o->o_backoff = o->o_backoff == 0 ? 1 : o->o_backoff * 2;
	if (o->o_backoff > o->o_conf.om_retry)
		o->o_backoff = o->o_conf.om_retry;
	jitter = (int)arc4random_uniform((uint32_t)o->o_backoff * 250 + 1);
	tv.tv_sec = o->o_backoff;
	tv.tv_usec = 0;
	tv.tv_sec += jitter / 1000;
	tv.tv_usec = (jitter % 1000) * 1000;
	o->o_waiting = 1;
	if (evtimer_add(&o->o_retry_ev, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

static void
output_retry(int fd, short event, void *arg)
{
	struct output	*o = arg;

	(void)fd;
	(void)event;
	o->o_waiting = 0;
	o->o_ops->oo_kick(o);
}

static void
output_state(struct output *o, int up, const char *why)
{
	struct output_state	 os;

	o->o_up = up;
	memset(&os, 0, sizeof(os));
	os.os_up = up;
	(void)strlcpy(os.os_why, why, sizeof(os.os_why));
	if (imsgev_compose(iev_parent, IMSG_OUT_STATE,
	    (uint32_t)o->o_conf.om_index, 0, -1, &os, sizeof(os)) == -1)
		fatal("%s: compose", __func__);
}

/*
 * The stored event as an object; NULL, said in the log, when its text is
 * not a JSON object (the parent checked it when it was stored, so this
 * is a bug, and the caller goes on without it).
 */
json_t *
output_parse(struct output *o, const struct out_event *oe)
{
	json_error_t	 jerr;
	json_t		*ev;

	if ((ev = json_loadb(oe->oe_json, oe->oe_len, 0, &jerr)) == NULL ||
	    !json_is_object(ev)) {
		log_warnx("output %s: event %lld: %s", o->o_conf.om_name,
		    (long long)oe->oe_id, ev == NULL ? jerr.text :
		    "not an object");
		json_decref(ev);
		return (NULL);
	}
	return (ev);
}

/* The same, with what the databases add. */
json_t *
output_event(struct output *o, const struct out_event *oe)
{
	json_t	*ev;

	if ((ev = output_parse(o, oe)) != NULL && enrich != NULL)
		(void)enrich_event(enrich, ev);
	return (ev);
}

/*
 * A TLS client context that checks the peer's certificate against the
 * output's ca, TLS 1.2 at least; read before the jail.  The caller
 * names the peer on each connection.
 */
SSL_CTX *
output_tls_client(struct output *o, char *why, size_t len)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_load_verify_locations(ctx, o->o_conf.om_ca, NULL) != 1) {
		(void)snprintf(why, len, "%s: %s", o->o_conf.om_ca,
		    ERR_reason_error_string(ERR_get_error()));
		SSL_CTX_free(ctx);
		return (NULL);
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return (ctx);
}

struct enrich *
output_enrich(void)
{
	return (enrich);
}
