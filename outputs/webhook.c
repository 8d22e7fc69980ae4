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
 * The webhook output: alerts, not a feed.  The rules pick the events
 * worth a message: an eventid pattern, or detections; a source on the
 * ignore list never alerts, the same alert is sent once per dedup
 * window, and at most rate alerts go per window, the others counted
 * into one summary sent when the rate allows.  Each alert is one POST
 * of JSON over HTTPS, on a connection of its own, one at a time and in
 * order.  A 2xx reply delivers it; no reply, 429 or 5xx is a failure
 * retried after the backoff; any other reply drops the alert with a
 * warning, so that one the peer will never take does not stop the rest.
 * Events that do not alert are delivered as soon as they are judged.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "config.h"
#include "enrich.h"
#include "log.h"
#include "proc.h"
#include "outputs/output.h"

#define HOOK_TIMEOUT		10		/* seconds, a request */
#define HOOK_REPLY_MAX		(64 * 1024)	/* a reply's body */
#define HOOK_SEEN_MAX		8192		/* alerts dedup remembers */
#define HOOK_KINDS_MAX		8		/* detection kinds in a key */
#define HOOK_TEXT_MAX		512		/* the summary line */

/* An alert sent not long ago: eventid, src_ip, detection kinds. */
struct hook_seen {
	RB_ENTRY(hook_seen)	 hs_node;
	TAILQ_ENTRY(hook_seen)	 hs_age;
	time_t			 hs_until;
	char			 hs_key[];
};
RB_HEAD(hook_seens, hook_seen);
TAILQ_HEAD(hook_ages, hook_seen);

struct hook_out {
	char			 ho_ip[INET6_ADDRSTRLEN];	/* resolved */
	int			 ho_af;
	int			 ho_hostname;	/* the URL names a host */
	char			 ho_host[CONF_HOSTNAMELEN + 8];	/* Host: */
	char			 ho_url[PATH_MAX + CONF_HOSTNAMELEN + 16];
	SSL_CTX			*ho_ctx;

	/* The alert on its way: the queue's first event, or the summary. */
	char			*ho_body;
	int64_t			 ho_id;		/* 0: the summary */
	struct evhttp_connection *ho_evcon;
	int			 ho_timers;	/* the two below are set */
	struct event		 ho_done_ev;
	int			 ho_status;	/* HTTP; 0 none */
	char			 ho_reason[64];	/* its reason phrase */
	int			 ho_error;	/* EVREQ_HTTP_*; -1 none */
	int			 ho_errno;
	time_t			 ho_start;

	/* dedup */
	struct hook_seens	 ho_seen;
	struct hook_ages	 ho_ages;	/* oldest first */
	size_t			 ho_nseen;

	/* rate: when the last om_rate alerts went, a ring */
	time_t			*ho_sent;
	int			 ho_nsent;
	int			 ho_next;	/* the oldest when full */
	unsigned long long	 ho_suppressed;	/* since the last summary */
	struct event		 ho_rate_ev;

	/* what never went, for the log */
	unsigned long long	 ho_dropped;
};

static int	hook_setup(struct output *, char *, size_t);
static void	hook_kick(struct output *);
static char	*hook_judge(struct output *, const struct out_event *,
		    time_t);
static int	hook_match(const struct output *, const char *);
static int	hook_ignored(const struct output *, const char *);
static void	hook_kinds(json_t *, char *, size_t);
static int	hook_seen_cmp(struct hook_seen *, struct hook_seen *);
static int	hook_dup(struct hook_out *, const char *, time_t, int);
static int	hook_rate_ok(const struct output *, time_t);
static void	hook_rate_take(struct output *, time_t);
static void	hook_rate_arm(struct output *, time_t);
static void	hook_rate_cb(int, short, void *);
static char	*hook_alert(struct output *, const struct out_event *,
		    json_t *, const char *);
static char	*hook_summary(struct output *);
static void	hook_text(char *, size_t, const char *, int);
static void	hook_post(struct output *);
static void	hook_reply(struct evhttp_request *, void *);
static void	hook_error(enum evhttp_request_error, void *);
static void	hook_done(int, short, void *);
static void	hook_why(struct output *, char *, size_t);
static time_t	hook_now(void);

/* libbsd leaves __unused undefined (it clashes with Linux headers). */
#define HOOK_RB_ATTR	__attribute__((__unused__)) static
RB_GENERATE_INTERNAL(hook_seens, hook_seen, hs_node, hook_seen_cmp,
    HOOK_RB_ATTR)

const struct output_ops output_webhook_ops = { hook_setup, hook_kick };

static int
hook_setup(struct output *o, char *why, size_t len)
{
	struct hook_out		*ho;
	struct addrinfo		 hints, *res;
	struct in6_addr		 a6;
	char			 port[8];
	int			 r;

	if ((ho = calloc(1, sizeof(*ho))) == NULL ||
	    (ho->ho_sent = calloc((size_t)o->o_conf.om_rate,
	    sizeof(*ho->ho_sent))) == NULL) {
		free(ho);
		(void)snprintf(why, len, "%s", strerror(errno));
		return (-1);
	}
	o->o_priv = ho;
	RB_INIT(&ho->ho_seen);
	TAILQ_INIT(&ho->ho_ages);
	if (o->o_conf.om_rate < 1 || o->o_conf.om_window < 1 ||
	    o->o_conf.om_dedup < 0) {
		(void)snprintf(why, len, "bad rate, window or dedup");
		return (-1);
	}

	/* Resolved now: the jail has no resolver. */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	(void)snprintf(port, sizeof(port), "%d", o->o_conf.om_port);
	if ((r = getaddrinfo(o->o_conf.om_address, port, &hints, &res)) !=
	    0) {
		(void)snprintf(why, len, "%s: %s", o->o_conf.om_address,
		    gai_strerror(r));
		return (-1);
	}
	ho->ho_af = res->ai_family;
	r = getnameinfo(res->ai_addr, res->ai_addrlen, ho->ho_ip,
	    sizeof(ho->ho_ip), NULL, 0, NI_NUMERICHOST);
	freeaddrinfo(res);
	if (r != 0) {
		(void)snprintf(why, len, "%s: %s", o->o_conf.om_address,
		    gai_strerror(r));
		return (-1);
	}
	ho->ho_hostname = inet_pton(AF_INET, o->o_conf.om_address, &a6) !=
	    1 && inet_pton(AF_INET6, o->o_conf.om_address, &a6) != 1;
	/* Host: names the port unless it is the scheme's own. */
	(void)snprintf(ho->ho_host, sizeof(ho->ho_host), "%s%s%s",
	    strchr(o->o_conf.om_address, ':') != NULL ? "[" : "",
	    o->o_conf.om_address,
	    strchr(o->o_conf.om_address, ':') != NULL ? "]" : "");
	if (o->o_conf.om_port != (o->o_conf.om_tls ? 443 : 80)) {
		(void)snprintf(port, sizeof(port), ":%d", o->o_conf.om_port);
		(void)strlcat(ho->ho_host, port, sizeof(ho->ho_host));
	}
	(void)snprintf(ho->ho_url, sizeof(ho->ho_url), "%s://%s%s",
	    o->o_conf.om_tls ? "https" : "http", ho->ho_host,
	    o->o_conf.om_path);

	if (!o->o_conf.om_tls)
		return (0);
	/* The CA file is read now, before the jail. */
	if ((ho->ho_ctx = output_tls_client(o, why, len)) == NULL)
		return (-1);
	return (0);
}

static time_t
hook_now(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("%s: clock_gettime", __func__);
	return (ts.tv_sec);
}

/*
 * One alert at a time: the one that failed goes again; otherwise the
 * summary when one is owed and the rate allows it, then the queue's
 * events, judged in order until one alerts.
 */
static void
hook_kick(struct output *o)
{
	struct hook_out		*ho = o->o_priv;
	struct out_event	*oe;
	size_t			 n = 0;
	time_t			 now;

	/* The event base comes after the set-up. */
	if (!ho->ho_timers) {
		evtimer_assign(&ho->ho_done_ev, proc_child_base(), hook_done,
		    o);
		evtimer_assign(&ho->ho_rate_ev, proc_child_base(), hook_rate_cb,
		    o);
		ho->ho_timers = 1;
	}
	if (ho->ho_evcon != NULL)
		return;
	if (ho->ho_body == NULL) {
		now = hook_now();
		if (ho->ho_suppressed > 0 && hook_rate_ok(o, now)) {
			hook_rate_take(o, now);
			ho->ho_body = hook_summary(o);
			ho->ho_id = 0;
		} else {
			if (ho->ho_suppressed > 0)
				hook_rate_arm(o, now);
			TAILQ_FOREACH(oe, &o->o_queue, oe_entry) {
				if ((ho->ho_body = hook_judge(o, oe, now)) !=
				    NULL) {
					ho->ho_id = oe->oe_id;
					break;
				}
				n++;
			}
			output_delivered(o, n);
		}
	}
	if (ho->ho_body != NULL)
		hook_post(o);
}

/* The alert's body when the event is one, NULL when it is not. */
static char *
hook_judge(struct output *o, const struct out_event *oe, time_t now)
{
	struct hook_out	*ho = o->o_priv;
	json_t		*ev, *det;
	const char	*eid, *src;
	char		 kinds[256], key[1024];
	char		*body;

	if ((ev = output_parse(o, oe)) == NULL)
		return (NULL);	/* skipped */
	if ((eid = json_string_value(json_object_get(ev, "eventid"))) ==
	    NULL)
		eid = "";
	det = json_object_get(ev, "detections");
	if (!hook_match(o, eid) && !(o->o_conf.om_detections &&
	    json_is_array(det) && json_array_size(det) > 0)) {
		json_decref(ev);
		return (NULL);
	}
	src = json_string_value(json_object_get(ev, "src_ip"));
	if (src != NULL && hook_ignored(o, src)) {
		json_decref(ev);
		return (NULL);
	}
	hook_kinds(det, kinds, sizeof(kinds));
	(void)snprintf(key, sizeof(key), "%s\n%s\n%s", eid,
	    src != NULL ? src : "", kinds);
	if (o->o_conf.om_dedup > 0 && hook_dup(ho, key, now, 0)) {
		json_decref(ev);
		return (NULL);
	}
	if (!hook_rate_ok(o, now)) {
		if (ho->ho_suppressed++ == 0)
			log_warnx("output %s: more than %d alerts in %d "
			    "seconds; suppressing", o->o_conf.om_name,
			    o->o_conf.om_rate, o->o_conf.om_window);
		hook_rate_arm(o, now);
		json_decref(ev);
		return (NULL);
	}
	hook_rate_take(o, now);
	/* Only what was said counts for dedup, not what was suppressed. */
	if (o->o_conf.om_dedup > 0)
		(void)hook_dup(ho, key, now, o->o_conf.om_dedup);
	if (output_enrich() != NULL)
		(void)enrich_event(output_enrich(), ev);
	body = hook_alert(o, oe, ev, kinds);
	json_decref(ev);
	return (body);
}

/* Exact, or a prefix when the pattern ends in '*'. */
static int
hook_match(const struct output *o, const char *eid)
{
	const char	*p;
	size_t		 len;
	int		 i;

	for (i = 0; i < o->o_conf.om_nevents; i++) {
		p = o->o_conf.om_events[i];
		len = strnlen(p, sizeof(o->o_conf.om_events[i]));
		if (len > 0 && p[len - 1] == '*') {
			if (strncmp(eid, p, len - 1) == 0)
				return (1);
		} else if (len < sizeof(o->o_conf.om_events[i]) &&
		    strcmp(eid, p) == 0)
			return (1);
	}
	return (0);
}

static int
hook_ignored(const struct output *o, const char *src)
{
	const struct output_prefix	*op;
	uint8_t				 a[16];
	int				 af, i, full, rest;

	if (inet_pton(AF_INET, src, a) == 1)
		af = AF_INET;
	else if (inet_pton(AF_INET6, src, a) == 1)
		af = AF_INET6;
	else
		return (0);
	for (i = 0; i < o->o_conf.om_nignore; i++) {
		op = &o->o_conf.om_ignore[i];
		if (op->op_af != af || op->op_bits > (af == AF_INET ? 32 : 128))
			continue;
		full = op->op_bits / 8;
		rest = op->op_bits % 8;
		if (memcmp(a, op->op_addr, (size_t)full) != 0)
			continue;
		if (rest == 0 || ((a[full] ^ op->op_addr[full]) &
		    (0xff << (8 - rest)) & 0xff) == 0)
			return (1);
	}
	return (0);
}

static int
kind_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/* The detections' kinds, sorted, each once: "overflow,shellcode". */
static void
hook_kinds(json_t *det, char *buf, size_t len)
{
	const char	*k[HOOK_KINDS_MAX];
	json_t		*d;
	size_t		 i, n = 0;

	buf[0] = '\0';
	if (!json_is_array(det))
		return;
	json_array_foreach(det, i, d) {
		if (n == HOOK_KINDS_MAX)
			break;
		if ((k[n] = json_string_value(json_object_get(d, "kind"))) !=
		    NULL)
			n++;
	}
	qsort(k, n, sizeof(k[0]), kind_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(k[i], k[i - 1]) == 0)
			continue;
		if (buf[0] != '\0')
			(void)strlcat(buf, ",", len);
		(void)strlcat(buf, k[i], len);
	}
}

static int
hook_seen_cmp(struct hook_seen *a, struct hook_seen *b)
{
	return (strcmp(a->hs_key, b->hs_key));
}

/*
 * Whether key alerted less than dedup seconds ago; with keep > 0,
 * remember for keep seconds that it does now.  Entries leave as they
 * expire, and the oldest goes early when there are too many.
 */
static int
hook_dup(struct hook_out *ho, const char *key, time_t now, int keep)
{
	struct hook_seen	*hs, *find;
	size_t			 len = strlen(key) + 1;

	while ((hs = TAILQ_FIRST(&ho->ho_ages)) != NULL &&
	    (hs->hs_until <= now || ho->ho_nseen >= HOOK_SEEN_MAX)) {
		TAILQ_REMOVE(&ho->ho_ages, hs, hs_age);
		RB_REMOVE(hook_seens, &ho->ho_seen, hs);
		ho->ho_nseen--;
		free(hs);
	}
	if ((find = malloc(sizeof(*find) + len)) == NULL)
		fatal("%s", __func__);
	memcpy(find->hs_key, key, len);
	if ((hs = RB_FIND(hook_seens, &ho->ho_seen, find)) != NULL ||
	    keep <= 0) {
		free(find);
		return (hs != NULL);
	}
	/* The window is the same for all: the list stays in age order. */
	find->hs_until = now + keep;
	RB_INSERT(hook_seens, &ho->ho_seen, find);
	TAILQ_INSERT_TAIL(&ho->ho_ages, find, hs_age);
	ho->ho_nseen++;
	return (0);
}

static int
hook_rate_ok(const struct output *o, time_t now)
{
	const struct hook_out	*ho = o->o_priv;

	return (ho->ho_nsent < o->o_conf.om_rate ||
	    now - ho->ho_sent[ho->ho_next] >= o->o_conf.om_window);
}

static void
hook_rate_take(struct output *o, time_t now)
{
	struct hook_out	*ho = o->o_priv;

	ho->ho_sent[ho->ho_next] = now;
	ho->ho_next = (ho->ho_next + 1) % o->o_conf.om_rate;
	if (ho->ho_nsent < o->o_conf.om_rate)
		ho->ho_nsent++;
}

/* Wake up when the oldest alert of the window leaves it. */
static void
hook_rate_arm(struct output *o, time_t now)
{
	struct hook_out	*ho = o->o_priv;
	struct timeval	 tv;
	time_t		 wait;

	if (evtimer_pending(&ho->ho_rate_ev, NULL))
		return;
	wait = ho->ho_sent[ho->ho_next] + o->o_conf.om_window - now;
	tv.tv_sec = wait < 1 ? 1 : wait;
	tv.tv_usec = 0;
	if (evtimer_add(&ho->ho_rate_ev, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

static void
hook_rate_cb(int fd, short event, void *arg)
{
	struct output	*o = arg;

	(void)fd;
	(void)event;
	/* During a backoff the retry comes first. */
	if (!o->o_waiting)
		hook_kick(o);
}

/*
 * json: {"text": line, "id": "master:id", "event": {...}}, the event as
 * stored with the enrichment.  slack: {"text": line}.
 */
static char *
hook_alert(struct output *o, const struct out_event *oe, json_t *ev,
    const char *kinds)
{
	json_t		*body, *v;
	const char	*s;
	char		 text[HOOK_TEXT_MAX], part[160], id[HS_NAMELEN + 24];
	char		*out;

	s = json_string_value(json_object_get(ev, "eventid"));
	(void)snprintf(text, sizeof(text), "HoneySpy %s",
	    s != NULL ? s : "event");
	if ((s = json_string_value(json_object_get(ev, "sensor"))) != NULL) {
		(void)snprintf(part, sizeof(part), " on %.64s", s);
		(void)strlcat(text, part, sizeof(text));
	}
	if ((s = json_string_value(json_object_get(ev, "src_ip"))) != NULL) {
		v = json_object_get(ev, "src_country");
		(void)snprintf(part, sizeof(part), ": from %.64s%s%.8s%s", s,
		    json_is_string(v) ? " (" : "",
		    json_is_string(v) ? json_string_value(v) : "",
		    json_is_string(v) ? ")" : "");
		(void)strlcat(text, part, sizeof(text));
	}
	if ((s = json_string_value(json_object_get(ev, "service"))) != NULL) {
		(void)snprintf(part, sizeof(part), ", service %.64s", s);
		(void)strlcat(text, part, sizeof(text));
	}
	if ((s = json_string_value(json_object_get(ev, "username"))) !=
	    NULL) {
		(void)snprintf(part, sizeof(part), ", user %.64s", s);
		(void)strlcat(text, part, sizeof(text));
	}
	if (kinds[0] != '\0') {
		(void)snprintf(part, sizeof(part), ", detections %s", kinds);
		(void)strlcat(text, part, sizeof(text));
	}
	hook_text(text, sizeof(text), text, o->o_conf.om_format);
	if (o->o_conf.om_format == HOOK_SLACK)
		body = json_pack("{s:s}", "text", text);
	else {
		(void)snprintf(id, sizeof(id), "%s:%lld", o->o_conf.om_node,
		    (long long)oe->oe_id);
		body = json_pack("{s:s, s:s, s:O}", "text", text, "id", id,
		    "event", ev);
	}
	if (body == NULL || (out = json_dumps(body, JSON_COMPACT)) == NULL)
		fatalx("%s: out of memory", __func__);
	json_decref(body);
	return (out);
}

/* "N alerts suppressed": what the rate held back since the last one. */
static char *
hook_summary(struct output *o)
{
	struct hook_out	*ho = o->o_priv;
	json_t		*body;
	char		 text[HOOK_TEXT_MAX], *out;

	(void)snprintf(text, sizeof(text), "HoneySpy: %llu alert%s "
	    "suppressed (more than %d in %d seconds)", ho->ho_suppressed,
	    ho->ho_suppressed == 1 ? "" : "s", o->o_conf.om_rate,
	    o->o_conf.om_window);
	log_info("output %s: %llu alerts suppressed", o->o_conf.om_name,
	    ho->ho_suppressed);
	if (o->o_conf.om_format == HOOK_SLACK)
		body = json_pack("{s:s}", "text", text);
	else
		body = json_pack("{s:s, s:I}", "text", text, "suppressed",
		    (json_int_t)ho->ho_suppressed);
	ho->ho_suppressed = 0;
	if (body == NULL || (out = json_dumps(body, JSON_COMPACT)) == NULL)
		fatalx("%s: out of memory", __func__);
	json_decref(body);
	return (out);
}

/*
 * The line as the peer shows it: control characters become spaces, and
 * for Slack &, < and > are written as entities (its only escapes), so
 * that what an attacker put in a field cannot make a link or a mention.
 */
static void
hook_text(char *dst, size_t len, const char *src, int format)
{
	char	 tmp[HOOK_TEXT_MAX * 5];
	size_t	 n = 0;

	for (; *src != '\0' && n + 6 < sizeof(tmp); src++) {
		if (format == HOOK_SLACK && *src == '&') {
			memcpy(tmp + n, "&amp;", 5);
			n += 5;
		} else if (format == HOOK_SLACK && *src == '<') {
			memcpy(tmp + n, "&lt;", 4);
			n += 4;
		} else if (format == HOOK_SLACK && *src == '>') {
			memcpy(tmp + n, "&gt;", 4);
			n += 4;
		} else if ((unsigned char)*src < 0x20 || *src == 0x7f)
			tmp[n++] = ' ';
		else
			tmp[n++] = *src;
	}
	tmp[n] = '\0';
	(void)strlcpy(dst, tmp, len);
}

/* A connection of its own for ho_body; hook_reply says how it went. */
static void
hook_post(struct output *o)
{
	struct hook_out		*ho = o->o_priv;
	struct bufferevent	*bev = NULL;
	struct evhttp_request	*req;
	struct evkeyvalq	*h;
	X509_VERIFY_PARAM	*vp;
	SSL			*ssl;

	if (o->o_conf.om_tls) {
		if ((ssl = SSL_new(ho->ho_ctx)) == NULL)
			fatalx("%s: SSL_new", __func__);
		/* The certificate must name the host of the URL. */
		vp = SSL_get0_param(ssl);
		if (ho->ho_hostname) {
			if (SSL_set_tlsext_host_name(ssl,
			    o->o_conf.om_address) != 1 ||
			    X509_VERIFY_PARAM_set1_host(vp,
			    o->o_conf.om_address, 0) != 1)
				fatalx("%s: cannot set the peer's name",
				    __func__);
		} else if (X509_VERIFY_PARAM_set1_ip_asc(vp,
		    o->o_conf.om_address) != 1)
			fatalx("%s: cannot set the peer's address", __func__);
		if ((bev = bufferevent_openssl_socket_new(proc_child_base(),
		    -1, ssl, BUFFEREVENT_SSL_CONNECTING,
		    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS)) == NULL)
			fatalx("%s: bufferevent_openssl_socket_new", __func__);
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	}
	/* The address is numeric: libevent connects without a look-up. */
	if ((ho->ho_evcon = evhttp_connection_base_bufferevent_new(
	    proc_child_base(), NULL, bev, ho->ho_ip,
	    (unsigned short)o->o_conf.om_port)) == NULL)
		fatalx("%s: evhttp_connection_base_bufferevent_new", __func__);
	evhttp_connection_set_family(ho->ho_evcon, ho->ho_af);
	evhttp_connection_set_timeout(ho->ho_evcon, HOOK_TIMEOUT);
	evhttp_connection_set_max_body_size(ho->ho_evcon, HOOK_REPLY_MAX);
	evhttp_connection_set_max_headers_size(ho->ho_evcon, 16 * 1024);
	if ((req = evhttp_request_new(hook_reply, o)) == NULL)
		fatalx("%s: evhttp_request_new", __func__);
	evhttp_request_set_error_cb(req, hook_error);
	h = evhttp_request_get_output_headers(req);
	if (evhttp_add_header(h, "Host", ho->ho_host) == -1 ||
	    evhttp_add_header(h, "Content-Type", "application/json") == -1 ||
	    evhttp_add_header(h, "User-Agent", "HoneySpy") == -1 ||
	    evhttp_add_header(h, "Connection", "close") == -1 ||
	    evbuffer_add(evhttp_request_get_output_buffer(req), ho->ho_body,
	    strlen(ho->ho_body)) == -1)
		fatalx("%s: cannot build the request", __func__);
	ho->ho_status = 0;
	ho->ho_reason[0] = '\0';
	ho->ho_error = -1;
	ho->ho_errno = 0;
	ho->ho_start = hook_now();
	errno = 0;
	if (evhttp_make_request(ho->ho_evcon, req, EVHTTP_REQ_POST,
	    o->o_conf.om_path) == -1) {
		/* Out of memory or sockets: a failure like another. */
		ho->ho_errno = errno;
		hook_reply(NULL, o);
	}
}

static void
hook_error(enum evhttp_request_error e, void *arg)
{
	struct output	*o = arg;
	struct hook_out	*ho = o->o_priv;

	ho->ho_error = (int)e;
}

/*
 * The reply, or NULL.  libevent still holds the connection here; it is
 * freed, and the result acted on, in hook_done once the stack unwound.
 */
static void
hook_reply(struct evhttp_request *req, void *arg)
{
	struct output	*o = arg;
	struct hook_out	*ho = o->o_priv;
	struct timeval	 now = { 0, 0 };
	const char	*line;

	if (ho->ho_errno == 0)
		ho->ho_errno = errno;
	if (req != NULL && (ho->ho_status =
	    evhttp_request_get_response_code(req)) != 0 &&
	    (line = evhttp_request_get_response_code_line(req)) != NULL)
		hook_text(ho->ho_reason, sizeof(ho->ho_reason), line,
		    HOOK_JSON);
	if (evtimer_add(&ho->ho_done_ev, &now) == -1)
		fatal("%s: evtimer_add", __func__);
}

/* Why no reply came, as well as can be told. */
static void
hook_why(struct output *o, char *why, size_t len)
{
	struct hook_out		*ho = o->o_priv;
	struct bufferevent	*bev;
	unsigned long		 e = 0;
	long			 vr = X509_V_OK;
	SSL			*ssl;

	if (o->o_conf.om_tls && ho->ho_evcon != NULL &&
	    (bev = evhttp_connection_get_bufferevent(ho->ho_evcon)) != NULL &&
	    (ssl = bufferevent_openssl_get_ssl(bev)) != NULL) {
		vr = SSL_get_verify_result(ssl);
		e = bufferevent_get_openssl_error(bev);
	}
	if (vr != X509_V_OK)
		(void)snprintf(why, len, "TLS: certificate verify failed: %s",
		    X509_verify_cert_error_string(vr));
	else if (e != 0 && ERR_SYSTEM_ERROR(e))
		(void)snprintf(why, len, "%s", strerror(ERR_GET_REASON(e)));
	else if (e != 0 && ERR_reason_error_string(e) != NULL)
		(void)snprintf(why, len, "TLS: %s", ERR_reason_error_string(e));
	else if (ho->ho_error == EVREQ_HTTP_TIMEOUT ||
	    hook_now() - ho->ho_start >= HOOK_TIMEOUT)
		(void)snprintf(why, len, "timed out");
	else if (ho->ho_error == EVREQ_HTTP_EOF)
		(void)snprintf(why, len, "closed by the peer");
	else if (ho->ho_error == EVREQ_HTTP_INVALID_HEADER ||
	    ho->ho_error == EVREQ_HTTP_DATA_TOO_LONG)
		(void)snprintf(why, len, "bad reply");
	else if (ho->ho_errno == ENOTCONN)
		/* TLS wrote to a socket whose connect(2) had failed. */
		(void)snprintf(why, len, "cannot connect");
	else if (ho->ho_errno != 0)
		(void)snprintf(why, len, "%s", strerror(ho->ho_errno));
	else
		(void)snprintf(why, len, "no reply");
}

static void
hook_done(int fd, short event, void *arg)
{
	struct output		*o = arg;
	struct hook_out		*ho = o->o_priv;
	struct out_event	*oe;
	char			 why[256];
	int			 st = ho->ho_status;

	(void)fd;
	(void)event;
	if (st == 0)
		hook_why(o, why, sizeof(why));
	if (ho->ho_evcon != NULL) {
		evhttp_connection_free(ho->ho_evcon);
		ho->ho_evcon = NULL;
	}
	if (st == 0 || st == 429 || st >= 500) {
		/* Keep it and its place; it goes again after the backoff. */
		if (st == 0)
			output_failed(o, "%s: %s", ho->ho_url, why);
		else
			output_failed(o, "%s: HTTP %d %s", ho->ho_url, st,
			    ho->ho_reason);
		return;
	}
	if (st < 200 || st > 299) {
		ho->ho_dropped++;
		log_warnx("output %s: %s answered HTTP %d %s; %s dropped "
		    "(%llu so far)", o->o_conf.om_name, ho->ho_url, st,
		    ho->ho_reason, ho->ho_id == 0 ? "the summary" :
		    "the alert", ho->ho_dropped);
	}
	free(ho->ho_body);
	ho->ho_body = NULL;
	if (ho->ho_id != 0) {
		if ((oe = TAILQ_FIRST(&o->o_queue)) == NULL ||
		    oe->oe_id != ho->ho_id)
			fatalx("%s: the alert is not first", __func__);
		output_delivered(o, 1);
	} else
		output_up(o);
	hook_kick(o);
}
