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
 * The syslog output: RFC 5424 messages, over TLS with octet-counting
 * framing (RFC 5425) or one per UDP datagram (RFC 5426).  The structured
 * data element honeyspy@32473 carries the key fields (32473 is the
 * enterprise number RFC 5612 sets aside for examples: HoneySpy has none
 * of its own); the message is the enriched event as JSON.
 *
 * Syslog has no acknowledgements.  Over TLS an event counts as delivered
 * once the kernel took its bytes: what a connection that breaks later
 * still held is lost to the peer, which is the protocol's limit.  Over
 * UDP an event counts as delivered when it was sent.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "config.h"
#include "log.h"
#include "proc.h"
#include "outputs/output.h"

#define SYSLOG_SDID		"honeyspy@32473"
#define SYSLOG_MSG_MAX		(HS_EVENT_MAX + 4096)
#define SYSLOG_UDP_MAX		65000	/* what one IPv4 datagram holds */
#define SYSLOG_BATCH		256	/* events written per turn */
#define SYSLOG_CONNECT_TIMEOUT	10

struct syslog_out {
	struct sockaddr_storage	 so_addr;
	socklen_t		 so_addrlen;
	SSL_CTX			*so_ctx;
	struct bufferevent	*so_bev;
	int			 so_connected;
	int			 so_udp;	/* fd, -1 */
	size_t			 so_written;	/* queued events in so_bev */
	int			 so_hostname;	/* address is a name */
};

static int	syslog_setup(struct output *, char *, size_t);
static void	syslog_kick(struct output *);
static void	syslog_connect(struct output *);
static void	syslog_event_cb(struct bufferevent *, short, void *);
static void	syslog_write_cb(struct bufferevent *, void *);
static void	syslog_read_cb(struct bufferevent *, void *);
static void	syslog_drop(struct output *);
static void	syslog_fill(struct output *);
static int	syslog_format(struct output *, const struct out_event *,
		    char *, size_t);
static size_t	sd_value(char *, size_t, const char *);
static void	sd_param(char *, size_t, size_t *, const char *, json_t *);

const struct output_ops output_syslog_ops = { syslog_setup, syslog_kick };

static int
syslog_setup(struct output *o, char *why, size_t len)
{
	struct syslog_out	*so;
	struct addrinfo		 hints, *res;
	char			 port[8];
	int			 r;

	if ((so = calloc(1, sizeof(*so))) == NULL) {
		(void)snprintf(why, len, "%s", strerror(errno));
		return (-1);
	}
	so->so_udp = -1;
	o->o_priv = so;

	/* Resolved now: the jail has no resolver. */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = o->o_conf.om_transport == TRANSPORT_UDP ?
	    SOCK_DGRAM : SOCK_STREAM;
	(void)snprintf(port, sizeof(port), "%d", o->o_conf.om_port);
	if ((r = getaddrinfo(o->o_conf.om_address, port, &hints, &res)) !=
	    0) {
		(void)snprintf(why, len, "%s: %s", o->o_conf.om_address,
		    gai_strerror(r));
		return (-1);
	}
	memcpy(&so->so_addr, res->ai_addr, res->ai_addrlen);
	so->so_addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	{
		struct in6_addr	 a6;

		so->so_hostname = inet_pton(AF_INET, o->o_conf.om_address,
		    &a6) != 1 && inet_pton(AF_INET6, o->o_conf.om_address,
		    &a6) != 1;
	}

	if (o->o_conf.om_transport == TRANSPORT_UDP)
		return (0);
	if ((so->so_ctx = output_tls_client(o, why, len)) == NULL)
		return (-1);
	if (o->o_conf.om_cert[0] != '\0' &&
	    (SSL_CTX_use_certificate_chain_file(so->so_ctx,
	    o->o_conf.om_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(so->so_ctx, o->o_conf.om_key,
	    SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(so->so_ctx) != 1)) {
		(void)snprintf(why, len, "%s: %s", o->o_conf.om_cert,
		    ERR_reason_error_string(ERR_get_error()));
		return (-1);
	}
	return (0);
}

/* Close whatever link there is; what it held goes again next time. */
static void
syslog_drop(struct output *o)
{
	struct syslog_out	*so = o->o_priv;

	if (so->so_bev != NULL) {
		bufferevent_free(so->so_bev);
		so->so_bev = NULL;
	}
	so->so_connected = 0;
	so->so_written = 0;
}

static void
syslog_connect(struct output *o)
{
	struct syslog_out	*so = o->o_priv;
	struct timeval		 tv = { SYSLOG_CONNECT_TIMEOUT, 0 };
	SSL			*ssl;
	X509_VERIFY_PARAM	*vp;

	if ((ssl = SSL_new(so->so_ctx)) == NULL)
		fatalx("%s: SSL_new", __func__);
	/* The certificate must name the peer we were told to use. */
	vp = SSL_get0_param(ssl);
	if (so->so_hostname) {
		if (SSL_set_tlsext_host_name(ssl, o->o_conf.om_address) != 1 ||
		    X509_VERIFY_PARAM_set1_host(vp, o->o_conf.om_address, 0) !=
		    1)
			fatalx("%s: cannot set the peer's name", __func__);
	} else if (X509_VERIFY_PARAM_set1_ip_asc(vp, o->o_conf.om_address) !=
	    1)
		fatalx("%s: cannot set the peer's address", __func__);
	so->so_bev = bufferevent_openssl_socket_new(proc_child_base(), -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (so->so_bev == NULL)
		fatalx("%s: bufferevent_openssl_socket_new", __func__);
	bufferevent_openssl_set_allow_dirty_shutdown(so->so_bev, 1);
	bufferevent_setcb(so->so_bev, syslog_read_cb, syslog_write_cb,
	    syslog_event_cb, o);
	bufferevent_set_timeouts(so->so_bev, NULL, &tv);
	if (bufferevent_socket_connect(so->so_bev,
	    (struct sockaddr *)&so->so_addr, (int)so->so_addrlen) == -1) {
		syslog_drop(o);
		output_failed(o, "connect %s port %d: %s",
		    o->o_conf.om_address, o->o_conf.om_port, strerror(errno));
		return;
	}
	(void)bufferevent_enable(so->so_bev, EV_READ | EV_WRITE);
}

static void
syslog_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct output		*o = arg;
	struct syslog_out	*so = o->o_priv;
	unsigned long		 e;
	char			 why[256];

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		so->so_connected = 1;
		/* Writes may take long; a stuck peer is a write timeout. */
		bufferevent_set_timeouts(so->so_bev, NULL, NULL);
		syslog_fill(o);
		return;
	}
	if ((e = bufferevent_get_openssl_error(so->so_bev)) != 0)
		(void)snprintf(why, sizeof(why), "TLS: %s",
		    ERR_reason_error_string(e));
	else if (what & BEV_EVENT_TIMEOUT)
		(void)snprintf(why, sizeof(why), "timed out");
	else if (what & BEV_EVENT_EOF)
		(void)snprintf(why, sizeof(why), "closed by the peer");
	else
		(void)snprintf(why, sizeof(why), "%s",
		    strerror(EVUTIL_SOCKET_ERROR()));
	syslog_drop(o);
	output_failed(o, "%s port %d: %s", o->o_conf.om_address,
	    o->o_conf.om_port, why);
}

/* A syslog receiver says nothing back; whatever comes is discarded. */
static void
syslog_read_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	(void)evbuffer_drain(bufferevent_get_input(bev),
	    evbuffer_get_length(bufferevent_get_input(bev)));
}

/* The kernel has what we wrote: those events are delivered. */
static void
syslog_write_cb(struct bufferevent *bev, void *arg)
{
	struct output		*o = arg;
	struct syslog_out	*so = o->o_priv;
	size_t			 n = so->so_written;

	(void)bev;
	so->so_written = 0;
	output_delivered(o, n);
	syslog_fill(o);
}

/* Write what is queued and not yet written, a batch at a time. */
static void
syslog_fill(struct output *o)
{
	struct syslog_out	*so = o->o_priv;
	struct out_event	*oe;
	struct evbuffer		*out;
	static char		 msg[SYSLOG_MSG_MAX];
	size_t			 i = 0;
	int			 len;

	if (!so->so_connected || so->so_written > 0)
		return;
	out = bufferevent_get_output(so->so_bev);
	TAILQ_FOREACH(oe, &o->o_queue, oe_entry) {
		if (i == SYSLOG_BATCH)
			break;
		len = syslog_format(o, oe, msg, sizeof(msg));
		if (evbuffer_add_printf(out, "%d ", len) == -1 ||
		    evbuffer_add(out, msg, (size_t)len) == -1)
			fatalx("%s: evbuffer_add", __func__);
		i++;
	}
	so->so_written = i;
}

static void
syslog_kick(struct output *o)
{
	struct syslog_out	*so = o->o_priv;
	struct out_event	*oe;
	static char		 msg[SYSLOG_MSG_MAX];
	size_t			 n = 0;
	int			 len;

	if (o->o_conf.om_transport == TRANSPORT_TLS) {
		if (so->so_bev == NULL)
			syslog_connect(o);
		else
			syslog_fill(o);
		return;
	}
	if (so->so_udp == -1) {
		if ((so->so_udp = socket(so->so_addr.ss_family, SOCK_DGRAM |
		    SOCK_CLOEXEC, 0)) == -1 ||
		    connect(so->so_udp, (struct sockaddr *)&so->so_addr,
		    so->so_addrlen) == -1) {
			if (so->so_udp != -1)
				(void)close(so->so_udp);
			so->so_udp = -1;
			output_failed(o, "%s port %d: %s",
			    o->o_conf.om_address, o->o_conf.om_port,
			    strerror(errno));
			return;
		}
	}
	TAILQ_FOREACH(oe, &o->o_queue, oe_entry) {
		len = syslog_format(o, oe, msg, sizeof(msg));
		/* A datagram cannot hold more; the end is cut off. */
		if (len > SYSLOG_UDP_MAX)
			len = SYSLOG_UDP_MAX;
		if (send(so->so_udp, msg, (size_t)len, 0) == -1) {
			if (n > 0)
				output_delivered(o, n);
			output_failed(o, "%s port %d: %s",
			    o->o_conf.om_address, o->o_conf.om_port,
			    strerror(errno));
			return;
		}
		n++;
	}
	output_delivered(o, n);
}

/* RFC 5424 section 6.3.3: '"', '\' and ']' are escaped. */
static size_t
sd_value(char *dst, size_t len, const char *s)
{
	size_t	 n = 0;
	char	 c;

	for (; *s != '\0'; s++) {
		/* Attackers' bytes: no control character for a terminal. */
		c = *s;
		if ((unsigned char)c < 0x20 || c == 0x7f)
			c = '?';
		if (c == '"' || c == '\\' || c == ']') {
			if (n + 2 >= len)
				break;
			dst[n++] = '\\';
		} else if (n + 1 >= len)
			break;
		dst[n++] = c;
	}
	dst[n] = '\0';
	return (n);
}

/* name="value" for a string or integer field the event has. */
static void
sd_param(char *buf, size_t len, size_t *off, const char *name, json_t *v)
{
	char	 val[512], esc[1100];
	int	 r;

	if (v == NULL)
		return;
	if (json_is_string(v))
		(void)strlcpy(val, json_string_value(v), sizeof(val));
	else if (json_is_integer(v))
		(void)snprintf(val, sizeof(val), "%lld",
		    (long long)json_integer_value(v));
	else
		return;
	(void)sd_value(esc, sizeof(esc), val);
	r = snprintf(buf + *off, len - *off, " %s=\"%s\"", name, esc);
	if (r > 0 && (size_t)r < len - *off)
		*off += (size_t)r;
}

/*
 * <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] BOM MSG: the host
 * is the sensor, MSGID the event's type, the severity notice, or warning
 * for a detection.  Returns the length; the message is cut to fit.
 */
static int
syslog_format(struct output *o, const struct out_event *oe, char *buf,
    size_t len)
{
	static const char *const keys[] = { "sensor", "session", "src_ip",
	    "src_port", "dst_ip", "dst_port", "protocol", "service",
	    "username", "community_id", "src_country", "src_asn",
	    "src_hostname", "mac_vendor", NULL };
	json_t		*ev;
	const char	*eid, *ts, *host;
	char		*text, msgid[33], hostname[256];
	size_t		 off, i;
	int		 sev = 5, r;

	if ((ev = output_event(o, oe)) == NULL) {
		/* Sent as it was stored. */
		r = snprintf(buf, len, "<%d>1 - - honeyspy - - - %s",
		    o->o_conf.om_facility * 8 + 4, oe->oe_json);
		return (r < 0 ? 0 : (size_t)r >= len ? (int)len - 1 : r);
	}
	eid = json_string_value(json_object_get(ev, "eventid"));
	ts = json_string_value(json_object_get(ev, "timestamp"));
	host = json_string_value(json_object_get(ev, "sensor"));
	if (eid != NULL && strncmp(eid, "honeyspy.detect.", 16) == 0)
		sev = 4;
	/* PRINTUSASCII without spaces, 32 at most. */
	(void)strlcpy(msgid, eid != NULL ? eid : "-", sizeof(msgid));
	for (i = 0; msgid[i] != '\0'; i++)
		if (msgid[i] < 33 || msgid[i] > 126)
			msgid[i] = '_';
	(void)strlcpy(hostname, host != NULL ? host : o->o_conf.om_node,
	    sizeof(hostname));
	for (i = 0; hostname[i] != '\0'; i++)
		if (hostname[i] < 33 || hostname[i] > 126)
			hostname[i] = '_';
	r = snprintf(buf, len, "<%d>1 %s %s honeyspy - %s [%s",
	    o->o_conf.om_facility * 8 + sev,
	    ts != NULL && strlen(ts) < 40 && strchr(ts, ' ') == NULL ? ts : "-",
	    hostname, msgid, SYSLOG_SDID);
	if (r < 0 || (size_t)r >= len)
		fatalx("%s: header does not fit", __func__);
	off = (size_t)r;
	{
		char	 id[HS_NAMELEN + 24];
		json_t	*v;

		(void)snprintf(id, sizeof(id), "%s:%lld", o->o_conf.om_node,
		    (long long)oe->oe_id);
		v = json_string(id);
		sd_param(buf, len, &off, "id", v);
		json_decref(v);
	}
	for (i = 0; keys[i] != NULL; i++)
		sd_param(buf, len, &off, keys[i], json_object_get(ev, keys[i]));
	if ((text = json_dumps(ev, JSON_COMPACT)) == NULL)
		fatalx("%s: out of memory", __func__);
	json_decref(ev);
	/* "] " then the UTF-8 byte order mark RFC 5424 asks for. */
	r = snprintf(buf + off, len - off, "] \xef\xbb\xbf%s", text);
	free(text);
	if (r < 0)
		return ((int)off);
	off = (size_t)r >= len - off ? len - 1 : off + (size_t)r;
	return ((int)off);
}
