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
 * rpc: the mutual-TLS links of the network (DESIGN.md section 3).
 *
 * A sensor keeps one link to its master: it sends the events its parent
 * spooled, takes the master's acknowledgements back to the parent, and
 * runs the calls the master sends through its own control connection,
 * the way honeyspyctl would.  A master accepts sensors and admins: it
 * hands each sensor's events to the parent's store and acknowledges them
 * once they are committed, answers admins through its control connection
 * and forwards runOnNode to the sensor named.
 *
 * Every byte a peer sends is parsed here, in a jailed process without
 * capabilities; the parent gets checked, structured messages.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "calls.h"
#include "config.h"
#include "ctlmsg.h"
#include "frame.h"
#include "hs_event.h"
#include "log.h"
#include "net.h"
#include "proc.h"
#include "rpc/rpc.h"
#include "tls.h"
#include "util.h"

#define RPC_MAX_LINKS		1024
#define RPC_HANDSHAKE_TIMEOUT	10	/* seconds */
#define RPC_CALL_TIMEOUT	60	/* seconds a sensor has to answer */
#define RPC_OUTPUT_MAX		(16 * 1024 * 1024)	/* queued to a peer */
#define RPC_BACKOFF_FIRST	1	/* seconds */
#define RPC_CTL_QUEUE_MAX	256

struct link;

/* A call waiting for the node's parent, which answers one at a time. */
struct ctl_job {
	TAILQ_ENTRY(ctl_job)	 cj_entry;
	uint32_t		 cj_link;
	int64_t			 cj_id;
	char			 cj_caller[TLS_NAMELEN];
	int			 cj_quiet;	/* the web's reads: no event */
	char			 cj_call[64];
	json_t			*cj_args;
	struct parse_result	*cj_res;
};

/* runOnNode: an admin's request, sent on to a sensor. */
struct forward {
	TAILQ_ENTRY(forward)	 fw_entry;
	int64_t			 fw_id;		/* ours, on the sensor link */
	uint32_t		 fw_admin;	/* the admin's link */
	int64_t			 fw_admin_id;	/* the admin's request id */
	uint32_t		 fw_sensor;	/* the sensor's link */
	char			 fw_admin_name[TLS_NAMELEN];
	char			 fw_sensor_name[TLS_NAMELEN];
	char			 fw_call[64];
	json_t			*fw_args;
	time_t			 fw_started;
	int			 fw_role;	/* of who asked */
};

struct link {
	TAILQ_ENTRY(link)	 l_entry;
	uint32_t		 l_id;
	struct bufferevent	*l_bev;
	SSL			*l_ssl;		/* NULL: the local link */
	int			 l_ready;	/* identity accepted */
	int			 l_role;
	char			 l_name[TLS_NAMELEN];
	char			 l_addr[HS_ADDRSTRLEN];
	int			 l_port;
	time_t			 l_seen;	/* last frame */
	time_t			 l_started;
	/* master: a sensor's hello */
	int			 l_hello;
	char			 l_epoch[40];
	int64_t			 l_events;	/* frames of events */
	int64_t			 l_lastseq;
	struct event		 l_timeout;	/* handshake */
	const char		*l_raw;		/* the frame being handled */
	size_t			 l_rawlen;
};

TAILQ_HEAD(linklist, link);

static struct rpc_config_msg	 conf;
static char			 node[HS_NAMELEN];
static SSL_CTX			*ctx;
static STACK_OF(X509)		*cas;
static X509_CRL			*crl_list[64];
static size_t			 ncrl;
static char			*crl_buf;
static size_t			 crl_len;
static struct linklist		 links = TAILQ_HEAD_INITIALIZER(links);
static int			 nlinks;
static uint32_t			 next_link = 1;
static int64_t			 next_id = 1;
static int			 listen_fd = -1;
static struct event		 listen_ev;
static struct event		 tick_ev;
static struct imsgev		*iev_parent;
static struct imsgev		 ctl_iev;
static int			 ctl_ready;
static TAILQ_HEAD(, ctl_job)	 ctl_jobs = TAILQ_HEAD_INITIALIZER(ctl_jobs);
static int			 ctl_njobs;
static struct status_reply	 ctl_sr;
static TAILQ_HEAD(, forward)	 forwards = TAILQ_HEAD_INITIALIZER(forwards);

/* sensor */
static struct link		*uplink;
static struct event		 reconnect_ev;
static int			 backoff;	/* seconds of the last wait */
static int			 addr_idx;
static time_t			 last_heartbeat;

static void	rpc_setup(struct imsgev *);
static int	rpc_dispatch_parent(struct imsgev *, struct imsg *);
static void	rpc_listen(void);
static void	rpc_accept(int, short, void *);
static void	rpc_connect(int, short, void *);
static void	rpc_reconnect_later(void);
static void	rpc_tick(int, short, void *);
static struct link *link_new(int, SSL *, const struct sockaddr *,
		    int);
static struct link *link_find(uint32_t);
static void	link_local(int);
static void	link_caller(struct link *, const struct rpc_msg *, char *,
		    size_t);
static struct link *link_by_name(const char *, int);
static void	link_free(struct link *, const char *);
static void	link_read(struct bufferevent *, void *);
static void	link_event(struct bufferevent *, short, void *);
static void	link_handshake_timeout(int, short, void *);
static void	link_established(struct link *);
static void	link_frame(struct link *, json_t *, struct rpc_msg *);
static int	link_send(struct link *, json_t *);
static void	frame_free(const void *, size_t, void *);
static void	link_reply(struct link *, int64_t, json_t *, const char *);
static void	link_request(struct link *, struct rpc_msg *);
static void	link_events(struct link *, struct imsg *);
static void	link_store(struct link *, struct rpc_msg *);
static void	rejected(const char *, int, const char *, const char *);
static const char *handshake_error(struct link *, int, char *, size_t);
static void	emit(json_t *);
static void	call_event(const char *, int, const char *, const char *,
		    json_t *, int, const char *, const char *);
static void	ctl_channel(int);
static int	ctl_dispatch(struct imsgev *, struct imsg *);
static void	ctl_closed(struct imsgev *);
static void	ctl_next(void);
static void	ctl_job_free(struct ctl_job *);
static void	fwd_finish(struct forward *, int, int, json_t *,
		    const char *);
static void	crl_piece(struct imsg *);
static void	crl_enforce(void);
static void	hello_send(struct link *);
static void	config_send(struct link *, const char *, int64_t,
		    const char *, const char *);
static void	config_push(struct imsg *);
static void	config_ran(const char *);

__attribute__((__noreturn__)) void
rpc_main(const struct proc_def *pd)
{
	struct hello_msg	 hm;

	proc_child_init(pd, &hm);
	iev_parent = proc_child_iev();
	/* Keys and certificates are read here, before the jail. */
	rpc_setup(iev_parent);
	proc_child_jail(pd, &hm);
	proc_child_setup_done(pd, &hm);
	if (imsgbuf_set_maxsize(&iev_parent->ibuf, FRAME_MAX_DEFAULT + 4096) ==
	    -1)
		fatal("%s: imsgbuf_set_maxsize", __func__);

	evtimer_set(&tick_ev, rpc_tick, NULL);
	evtimer_set(&reconnect_ev, rpc_connect, NULL);
	if (conf.rc_mode == NODEMODE_MASTER)
		rpc_listen();
	else if (conf.rc_naddrs > 0)
		event_active(&reconnect_ev, EV_TIMEOUT, 1);
	{
		struct timeval	 tv = { 1, 0 };

		if (evtimer_add(&tick_ev, &tv) == -1)
			fatal("%s: evtimer_add", __func__);
	}
	proc_child_run(pd, rpc_dispatch_parent);
}

/*
 * Before the jail: the node's name, where to connect or listen, and the
 * files of our identity, ending in IMSG_CFG_DONE.  A master binds its
 * port here too, while it may still.
 */
static void
rpc_setup(struct imsgev *iev)
{
	struct imsg		 imsg;
	char			 err[512];
	int			 done = 0, have = 0;

	if (imsgbuf_set_maxsize(&iev->ibuf, FRAME_MAX_DEFAULT + 4096) == -1)
		fatal("%s: imsgbuf_set_maxsize", __func__);
	while (!done) {
		proc_child_next(iev, &imsg);
		switch (imsg_get_type(&imsg)) {
		case IMSG_CFG_NODE:
			proc_child_node(&imsg, node, sizeof(node));
			break;
		case IMSG_RPC_CONFIG:
			if (imsg_get_data(&imsg, &conf, sizeof(conf)) == -1 ||
			    memchr(conf.rc_ca, '\0', sizeof(conf.rc_ca)) ==
			    NULL ||
			    memchr(conf.rc_cert, '\0', sizeof(conf.rc_cert)) ==
			    NULL ||
			    memchr(conf.rc_key, '\0', sizeof(conf.rc_key)) ==
			    NULL ||
			    memchr(conf.rc_peer, '\0', sizeof(conf.rc_peer)) ==
			    NULL ||
			    memchr(conf.rc_epoch, '\0',
			    sizeof(conf.rc_epoch)) == NULL ||
			    memchr(conf.rc_privmode, '\0',
			    sizeof(conf.rc_privmode)) == NULL ||
			    memchr(conf.rc_features, '\0',
			    sizeof(conf.rc_features)) == NULL ||
			    memchr(conf.rc_config, '\0',
			    sizeof(conf.rc_config)) == NULL ||
			    conf.rc_naddrs < 0 ||
			    conf.rc_naddrs > HS_RPC_MAXADDRS ||
			    conf.rc_frame_max < 1024 ||
			    conf.rc_frame_max > FRAME_MAX_DEFAULT ||
			    conf.rc_heartbeat < 1 || conf.rc_reconnect < 1)
				fatalx("%s: IMSG_RPC_CONFIG: bad message",
				    __func__);
			have = 1;
			break;
		case IMSG_RPC_CRL:
			crl_piece(&imsg);
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
	if (!have)
		fatalx("%s: no configuration", __func__);
	/* Standalone: nothing to connect to, nothing to listen on. */
	if (conf.rc_mode != NODEMODE_MASTER && conf.rc_naddrs == 0)
		return;

	if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS |
	    OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL) != 1)
		fatalx("%s: OPENSSL_init_ssl", __func__);
	if ((ctx = tls_ctx_new(conf.rc_mode == NODEMODE_MASTER, conf.rc_ca,
	    conf.rc_cert, conf.rc_key, NULL, NULL, &cas, err,
	    sizeof(err))) == NULL)
		fatalx("TLS: %s", err);
	if (crl_buf != NULL && tls_set_trust(ctx, cas, crl_buf, crl_len, err,
	    sizeof(err)) == -1)
		fatalx("CRL: %s", err);

	if (conf.rc_mode != NODEMODE_MASTER)
		return;
	if ((listen_fd = net_listen_tcp(&conf.rc_listen, err, sizeof(err))) ==
	    -1)
		fatalx("listen: %s: %s", conf.rc_peer, err);
	log_info("listening for sensors and admins on %s", conf.rc_peer);
}

/*
 * A piece of the revocation list; the last piece (peerid 1) makes it the
 * list in force, and links whose certificate it revokes are closed.
 */
static void
crl_piece(struct imsg *imsg)
{
	static char	*acc;
	static size_t	 acclen;
	struct ibuf	 ib;
	BIO		*bio;
	X509_CRL	*c;
	char		*p, err[256];
	size_t		 i;

	if (imsg_get_ibuf(imsg, &ib) == -1 ||
	    acclen + ibuf_size(&ib) > 64 * 1024 * 1024)
		fatalx("%s: bad message", __func__);
	if ((p = realloc(acc, acclen + ibuf_size(&ib) + 1)) == NULL)
		fatal("%s: realloc", __func__);
	acc = p;
	memcpy(acc + acclen, ibuf_data(&ib), ibuf_size(&ib));
	acclen += ibuf_size(&ib);
	if (imsg_get_id(imsg) != 1)
		return;

	free(crl_buf);
	crl_buf = acc;
	crl_len = acclen;
	acc = NULL;
	acclen = 0;
	for (i = 0; i < ncrl; i++)
		X509_CRL_free(crl_list[i]);
	ncrl = 0;
	if ((bio = BIO_new_mem_buf(crl_buf, (int)crl_len)) == NULL)
		fatalx("%s: BIO_new_mem_buf", __func__);
	while (ncrl < sizeof(crl_list) / sizeof(crl_list[0]) &&
	    (c = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL)
		crl_list[ncrl++] = c;
	BIO_free(bio);
	ERR_clear_error();
	if (ctx == NULL)
		return;		/* set-up: the context comes next */
	if (tls_set_trust(ctx, cas, crl_buf, crl_len, err, sizeof(err)) ==
	    -1) {
		log_warnx("new CRL not used: %s", err);
		return;
	}
	log_info("revocation list loaded: %zu list%s", ncrl,
	    ncrl == 1 ? "" : "s");
	crl_enforce();
}

/* A peer whose certificate was revoked while connected loses its link. */
static void
crl_enforce(void)
{
	struct link	*l, *tmp;
	X509_REVOKED	*rev;
	X509		*x;
	size_t		 i;

	TAILQ_FOREACH_SAFE(l, &links, l_entry, tmp) {
		if (!l->l_ready || l->l_ssl == NULL ||
		    (x = SSL_get0_peer_certificate(l->l_ssl)) == NULL)
			continue;
		for (i = 0; i < ncrl; i++) {
			if (X509_NAME_cmp(X509_CRL_get_issuer(crl_list[i]),
			    X509_get_issuer_name(x)) != 0 ||
			    X509_CRL_get0_by_cert(crl_list[i], &rev, x) != 1)
				continue;
			rejected(l->l_addr, l->l_port, l->l_name,
			    "certificate revoked");
			link_free(l, "certificate revoked");
			break;
		}
	}
}

static int
rpc_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct link	*l;
	uint64_t	 seq;
	json_t		*o;

	if (proc_child_common(iev, imsg))
		return (0);
	switch (imsg_get_type(imsg)) {
	case IMSG_RPC_CTL:
		ctl_channel(imsg_get_fd(imsg));
		return (0);
	case IMSG_RPC_CRL:
		crl_piece(imsg);
		return (0);
	case IMSG_RPC_LOCAL:
		if (conf.rc_mode != NODEMODE_MASTER)
			break;
		link_local(imsg_get_fd(imsg));
		return (0);
	case IMSG_RPC_PUSH:
		if (conf.rc_mode != NODEMODE_MASTER)
			break;
		config_push(imsg);
		return (0);
	case IMSG_RPC_EVENTS:
		if (conf.rc_mode == NODEMODE_MASTER)
			break;
		/* Events for a link that is gone wait in the spool. */
		if (uplink != NULL && uplink->l_ready &&
		    uplink->l_id == imsg_get_id(imsg))
			link_events(uplink, imsg);
		return (0);
	case IMSG_RPC_ACK:
		if (conf.rc_mode != NODEMODE_MASTER ||
		    imsg_get_data(imsg, &seq, sizeof(seq)) == -1 ||
		    seq > INT64_MAX)
			break;
		if ((l = link_find(imsg_get_id(imsg))) == NULL ||
		    !l->l_ready)
			return (0);
		if ((o = json_pack("{s:I}", "ack", (json_int_t)seq)) ==
		    NULL || link_send(l, o) == -1)
			link_free(l, "cannot send an acknowledgement");
		return (0);
	default:
		break;
	}
	fatalx("%s: unexpected imsg %u", __func__, imsg_get_type(imsg));
}

/* Our own event, for the parent's log (and the spool or the store). */
static void
emit(json_t *ev)
{
	char	*line;

	if (ev == NULL)
		return;
	if ((line = hs_event_dump(ev, HS_EVENT_MAX - 1)) == NULL) {
		log_warn("%s: event", __func__);
		json_decref(ev);
		return;
	}
	json_decref(ev);
	if (imsgev_compose(iev_parent, IMSG_EVENT, 0, 0, -1, line,
	    strlen(line) + 1) == -1)
		fatal("%s: compose", __func__);
	free(line);
}

/* honeyspy.rpc.rejected: a peer that never got a session, and why. */
static void
rejected(const char *addr, int port, const char *name, const char *why)
{
	json_t	*ev;

	log_warnx("rejected %s%s%s%s port %d: %s",
	    conf.rc_mode == NODEMODE_MASTER ? "" : "master ",
	    name != NULL ? name : "", name != NULL ? " from " : "", addr, port,
	    why);
	if ((ev = hs_event_new("honeyspy.rpc.rejected", node)) == NULL)
		return;
	(void)hs_event_set_str(ev, "src_ip", addr);
	(void)hs_event_set_int(ev, "src_port", port);
	if (name != NULL)
		(void)hs_event_set_str(ev, "peer", name);
	(void)hs_event_set_str(ev, "reason", why);
	emit(ev);
}

/*
 * honeyspy.rpc.call: who called what on which node, and how it went.
 * Arguments are the caller's words; the encoder escapes them.
 */
static void
call_event(const char *caller, int role, const char *target,
    const char *call, json_t *args, int ok, const char *error,
    const char *addr)
{
	json_t	*ev;

	if ((ev = hs_event_new("honeyspy.rpc.call", node)) == NULL)
		return;
	(void)hs_event_set_str(ev, "caller", caller);
	(void)hs_event_set_str(ev, "role", call_role_name(role));
	if (addr != NULL && addr[0] != '\0')
		(void)hs_event_set_str(ev, "src_ip", addr);
	(void)hs_event_set_str(ev, "target", target);
	(void)hs_event_set_str(ev, "call", call);
	if (args != NULL)
		(void)json_object_set(ev, "args", args);
	(void)json_object_set_new(ev, "ok", json_boolean(ok));
	if (!ok && error != NULL)
		(void)hs_event_set_str(ev, "error", error);
	emit(ev);
}

static void
rpc_listen(void)
{
	event_set(&listen_ev, listen_fd, EV_READ | EV_PERSIST, rpc_accept,
	    NULL);
	if (event_add(&listen_ev, NULL) == -1)
		fatal("%s: event_add", __func__);
}

static void
rpc_accept(int fd, short event, void *arg)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	SSL			*ssl;
	int			 s, on = 1, port = 0;
	char			 addr[HS_ADDRSTRLEN];

	(void)event;
	(void)arg;
	if ((s = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("%s: accept", __func__);
		return;
	}
	if (nlinks >= RPC_MAX_LINKS) {
		if (net_addrtext(&ss, addr, sizeof(addr), &port) == -1)
			(void)strlcpy(addr, "?", sizeof(addr));
		rejected(addr, port, NULL, "too many links");
		close(s);
		return;
	}
	(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	(void)setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	if ((ssl = SSL_new(ctx)) == NULL) {
		log_warnx("%s: SSL_new failed", __func__);
		close(s);
		return;
	}
	if (link_new(s, ssl, (struct sockaddr *)&ss, 1) == NULL)
		close(s);
}

/* A new link, its TLS handshake under way. */
static struct link *
link_new(int fd, SSL *ssl, const struct sockaddr *sa, int server)
{
	struct link	*l;
	struct timeval	 tv = { RPC_HANDSHAKE_TIMEOUT, 0 };

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		log_warn("%s: calloc", __func__);
		SSL_free(ssl);
		return (NULL);
	}
	l->l_id = next_link++;
	if (next_link == 0)
		next_link = 1;
	l->l_ssl = ssl;
	l->l_started = l->l_seen = time(NULL);
	if (net_addrtext((const struct sockaddr_storage *)sa, l->l_addr,
	    sizeof(l->l_addr), &l->l_port) == -1)
		(void)strlcpy(l->l_addr, "?", sizeof(l->l_addr));
	if ((l->l_bev = bufferevent_openssl_socket_new(proc_child_base(), fd,
	    ssl, server ? BUFFEREVENT_SSL_ACCEPTING :
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		log_warnx("%s: bufferevent_openssl_socket_new failed",
		    __func__);
		SSL_free(ssl);
		free(l);
		return (NULL);
	}
	/* A dirty shutdown is how a killed peer ends; it loses nothing. */
	bufferevent_openssl_set_allow_dirty_shutdown(l->l_bev, 1);
	bufferevent_setcb(l->l_bev, link_read, NULL, link_event, l);
	bufferevent_setwatermark(l->l_bev, EV_READ, 0,
	    (size_t)conf.rc_frame_max + FRAME_HEADER + 65536);
	if (bufferevent_enable(l->l_bev, EV_READ | EV_WRITE) == -1) {
		bufferevent_free(l->l_bev);
		free(l);
		return (NULL);
	}
	evtimer_set(&l->l_timeout, link_handshake_timeout, l);
	if (evtimer_add(&l->l_timeout, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
	TAILQ_INSERT_TAIL(&links, l, l_entry);
	nlinks++;
	return (l);
}

static struct link *
link_find(uint32_t id)
{
	struct link	*l;

	TAILQ_FOREACH(l, &links, l_entry)
		if (l->l_id == id)
			return (l);
	return (NULL);
}

/*
 * The web child's link, made by the parent: an admin without TLS, whose
 * calls may say which of the web's users made them.
 */
static void
link_local(int fd)
{
	struct link	*l;

	if (fd == -1)
		fatalx("%s: no descriptor", __func__);
	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("%s: calloc", __func__);
	l->l_id = next_link++;
	if (next_link == 0)
		next_link = 1;
	l->l_ready = 1;
	l->l_role = ROLE_ADMIN;
	(void)strlcpy(l->l_name, "web", sizeof(l->l_name));
	/* no address: its events must not look like a peer's */
	l->l_addr[0] = '\0';
	l->l_started = l->l_seen = time(NULL);
	if (fd_nonblock(fd) == -1 ||
	    (l->l_bev = bufferevent_socket_new(proc_child_base(), fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("%s: cannot set up the web's link", __func__);
	bufferevent_setcb(l->l_bev, link_read, NULL, link_event, l);
	bufferevent_setwatermark(l->l_bev, EV_READ, 0,
	    (size_t)conf.rc_frame_max + FRAME_HEADER + 65536);
	if (bufferevent_enable(l->l_bev, EV_READ | EV_WRITE) == -1)
		fatalx("%s: bufferevent_enable", __func__);
	evtimer_set(&l->l_timeout, link_handshake_timeout, l);
	TAILQ_INSERT_TAIL(&links, l, l_entry);
	nlinks++;
	log_debug("the web console's link is up");
}

/*
 * Who made a call, for its events: a web user is "web/NAME", and a sensor
 * names the admin its master says it runs a call for, "master/alice".
 */
static void
link_caller(struct link *l, const struct rpc_msg *m, char *buf, size_t len)
{
	const char	*as = m->m_as;
	size_t		 i;

	(void)strlcpy(buf, l->l_name, len);
	if (as == NULL || (l->l_ssl != NULL && (l->l_role != ROLE_MASTER ||
	    conf.rc_mode == NODEMODE_MASTER)))
		return;
	/* names, and the '/' between them */
	for (i = 0; as[i] != '\0'; i++)
		if (!isalnum((unsigned char)as[i]) && strchr("._-/",
		    as[i]) == NULL)
			return;
	(void)strlcat(buf, "/", len);
	(void)strlcat(buf, as, len);
}

static struct link *
link_by_name(const char *name, int role)
{
	struct link	*l;

	TAILQ_FOREACH(l, &links, l_entry)
		if (l->l_ready && l->l_role == role &&
		    strcmp(l->l_name, name) == 0)
			return (l);
	return (NULL);
}

/*
 * Close a link and forget everything that waited on it: calls it made
 * are answered to nobody, calls forwarded to it fail for their admins.
 */
static void
link_free(struct link *l, const char *why)
{
	struct forward	*fw, *fwtmp;
	struct ctl_job	*cj;
	json_t		*ev;
	int32_t		 up = 0;

	if (l->l_ready)
		log_info("%s %s (%s port %d) left: %s",
		    call_role_name(l->l_role), l->l_name, l->l_addr,
		    l->l_port, why);
	TAILQ_FOREACH_SAFE(fw, &forwards, fw_entry, fwtmp) {
		if (fw->fw_sensor == l->l_id)
			fwd_finish(fw, 0, 0, NULL, "the sensor went away");
		else if (fw->fw_admin == l->l_id)
			fw->fw_admin = 0;
	}
	TAILQ_FOREACH(cj, &ctl_jobs, cj_entry)
		if (cj->cj_link == l->l_id)
			cj->cj_link = 0;
	if (conf.rc_mode == NODEMODE_MASTER && l->l_ready &&
	    l->l_role == ROLE_SENSOR && l->l_hello) {
		struct rpc_sensor_msg	 sn;

		memset(&sn, 0, sizeof(sn));
		sn.sn_state = RPC_SENSOR_LEFT;
		sn.sn_link = l->l_id;
		(void)strlcpy(sn.sn_name, l->l_name, sizeof(sn.sn_name));
		if (imsgev_compose(iev_parent, IMSG_RPC_SENSOR, 0, 0, -1, &sn,
		    sizeof(sn)) == -1)
			fatal("%s: compose", __func__);
		if ((ev = hs_event_new("honeyspy.sensor.left", node)) != NULL) {
			(void)hs_event_set_str(ev, "peer", l->l_name);
			(void)hs_event_set_str(ev, "src_ip", l->l_addr);
			(void)hs_event_set_int(ev, "src_port", l->l_port);
			(void)hs_event_set_str(ev, "reason", why);
			(void)hs_event_set_int(ev, "events",
			    (long long)l->l_events);
			emit(ev);
		}
	}
	if (l == uplink) {
		uplink = NULL;
		if (imsgev_compose(iev_parent, IMSG_RPC_LINK, l->l_id, 0, -1,
		    &up, sizeof(up)) == -1)
			fatal("%s: compose", __func__);
		rpc_reconnect_later();
	}
	evtimer_del(&l->l_timeout);
	TAILQ_REMOVE(&links, l, l_entry);
	nlinks--;
	bufferevent_free(l->l_bev);	/* frees the SSL and closes */
	free(l);
}

static void
link_handshake_timeout(int fd, short event, void *arg)
{
	struct link	*l = arg;

	(void)fd;
	(void)event;
	if (l->l_ready)
		return;
	if (conf.rc_mode == NODEMODE_MASTER)
		rejected(l->l_addr, l->l_port, NULL, "TLS handshake timed out");
	else
		log_warnx("master %s: TLS handshake timed out", conf.rc_peer);
	link_free(l, "handshake timeout");
}

/*
 * Why a handshake failed, in the words an operator can act on: the
 * certificate check's verdict when there was one, else OpenSSL's.
 */
static const char *
handshake_error(struct link *l, int serr, char *buf, size_t len)
{
	unsigned long	 e;
	long		 v;

	if (l->l_ssl == NULL) {
		(void)snprintf(buf, len, "%s", serr != 0 ? strerror(serr) :
		    "connection closed");
		return (buf);
	}
	v = SSL_get_verify_result(l->l_ssl);
	if (v != X509_V_OK) {
		(void)snprintf(buf, len, "%s",
		    X509_verify_cert_error_string(v));
		ERR_clear_error();
		return (buf);
	}
	if ((e = bufferevent_get_openssl_error(l->l_bev)) != 0 ||
	    (e = ERR_peek_last_error()) != 0) {
		if (ERR_GET_REASON(e) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
			(void)snprintf(buf, len, "no certificate");
		else
			(void)snprintf(buf, len, "%s",
			    ERR_reason_error_string(e) != NULL ?
			    ERR_reason_error_string(e) : "TLS error");
		while (bufferevent_get_openssl_error(l->l_bev) != 0)
			;
		ERR_clear_error();
		return (buf);
	}
	if (serr != 0)
		(void)snprintf(buf, len, "%s", strerror(serr));
	else
		(void)snprintf(buf, len, "connection closed");
	return (buf);
}

static void
link_event(struct bufferevent *bev, short what, void *arg)
{
	struct link	*l = arg;
	char		 why[256];
	int		 serr = EVUTIL_SOCKET_ERROR(), ours;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		link_established(l);
		return;
	}
	if (!l->l_ready) {
		ours = SSL_get_verify_result(l->l_ssl) != X509_V_OK;
		(void)handshake_error(l, serr, why, sizeof(why));
		/* A master we refused is an event; one that refused us not. */
		if (conf.rc_mode == NODEMODE_MASTER || ours)
			rejected(l->l_addr, l->l_port, NULL, why);
		else
			log_warnx("master %s (%s port %d): %s", conf.rc_peer,
			    l->l_addr, l->l_port, why);
		link_free(l, why);
		return;
	}
	if (what & BEV_EVENT_EOF)
		link_free(l, "closed by the peer");
	else if (what & BEV_EVENT_ERROR) {
		(void)handshake_error(l, serr, why, sizeof(why));
		link_free(l, why);
	} else if (what & BEV_EVENT_TIMEOUT)
		link_free(l, "timed out");
}

/*
 * The handshake is done and the chain verified: the certificate must
 * also give a role this side talks to.  A sensor takes only its master;
 * a master takes sensors and admins, one link per sensor name.
 */
static void
link_established(struct link *l)
{
	struct link	*old;
	char		 why[256];
	int		 role;
	int32_t		 up = 1;

	evtimer_del(&l->l_timeout);
	if (tls_peer(l->l_ssl, &role, l->l_name, sizeof(l->l_name)) == -1) {
		(void)snprintf(why, sizeof(why), "certificate gives no "
		    "HoneySpy role and name");
		goto reject;
	}
	l->l_role = role;
	if (conf.rc_mode == NODEMODE_MASTER) {
		if (role != ROLE_SENSOR && role != ROLE_ADMIN) {
			(void)snprintf(why, sizeof(why), "wrong role: %s "
			    "certificates cannot connect to a master",
			    call_role_name(role));
			goto reject;
		}
		if (role == ROLE_SENSOR &&
		    (old = link_by_name(l->l_name, ROLE_SENSOR)) != NULL)
			link_free(old, "replaced by a new link");
	} else if (role != ROLE_MASTER) {
		(void)snprintf(why, sizeof(why), "wrong role: %s is not a "
		    "master", call_role_name(role));
		goto reject;
	}
	l->l_ready = 1;
	l->l_seen = time(NULL);
	log_info("%s %s connected from %s port %d (%s)",
	    call_role_name(role), l->l_name, l->l_addr, l->l_port,
	    SSL_get_cipher_name(l->l_ssl));
	if (conf.rc_mode != NODEMODE_MASTER) {
		uplink = l;
		backoff = 0;
		hello_send(l);
		if (imsgev_compose(iev_parent, IMSG_RPC_LINK, l->l_id, 0, -1,
		    &up, sizeof(up)) == -1)
			fatal("%s: compose", __func__);
	}
	/* Frames may have come with the handshake's last flight. */
	link_read(l->l_bev, l);
	return;
 reject:
	rejected(l->l_addr, l->l_port, l->l_name[0] != '\0' ? l->l_name :
	    NULL, why);
	link_free(l, why);
}

/* A sensor says who it is once it is linked. */
static void
hello_send(struct link *l)
{
	json_t		*feat, *o;
	json_error_t	 jerr;

	if ((feat = json_loads(conf.rc_features, 0, &jerr)) == NULL)
		feat = json_object();
	o = json_pack("{s:I, s:s, s:[{s:s, s:s, s:s, s:o, s:i, s:s}]}",
	    "id", (json_int_t)next_id++, "call", "hello", "args",
	    "name", node, "epoch", conf.rc_epoch, "mode", conf.rc_privmode,
	    "features", feat, "version", HS_PROTO_VERSION, "config",
	    conf.rc_config);
	if (o == NULL || link_send(l, o) == -1)
		link_free(l, "cannot send hello");
	last_heartbeat = time(NULL);
}

static void
frame_free(const void *data, size_t len, void *extra)
{
	(void)len;
	(void)extra;
	free((void *)(uintptr_t)data);
}

/* Queue one message; -1 when the peer is too far behind to keep. */
static int
link_send(struct link *l, json_t *o)
{
	struct evbuffer	*out = bufferevent_get_output(l->l_bev);
	char		*frame;
	size_t		 len;

	frame = frame_encode(o, (size_t)conf.rc_frame_max, &len);
	json_decref(o);
	if (frame == NULL) {
		log_warnx("%s: %s: message too large or not encodable",
		    __func__, l->l_name);
		return (0);
	}
	if (evbuffer_get_length(out) + len > RPC_OUTPUT_MAX) {
		free(frame);
		return (-1);
	}
	if (evbuffer_add_reference(out, frame, len, frame_free, NULL) == -1) {
		free(frame);
		return (-1);
	}
	return (0);
}

/*
 * Whole frames out of the link's input.  A frame that is too large or
 * not one of the four shapes ends this link, and only this link.
 */
static void
link_read(struct bufferevent *bev, void *arg)
{
	struct link	*l = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct rpc_msg	 m;
	unsigned char	*p;
	json_t		*o;
	size_t		 len;
	uint32_t	 id = l->l_id;
	char		 why[256], esc[4 * 256 + 1];
	int		 r;

	if (!l->l_ready)
		return;
	for (;;) {
		if ((p = evbuffer_pullup(in, FRAME_HEADER)) == NULL)
			return;
		r = frame_length(p, evbuffer_get_length(in),
		    (size_t)conf.rc_frame_max, &len, why, sizeof(why));
		if (r == 0)
			return;
		if (r == -1)
			goto bad;
		if (evbuffer_get_length(in) < FRAME_HEADER + len)
			return;
		if ((p = evbuffer_pullup(in, (ev_ssize_t)(FRAME_HEADER +
		    len))) == NULL) {
			(void)snprintf(why, sizeof(why), "out of memory");
			goto bad;
		}
		if ((o = frame_decode(p + FRAME_HEADER, len, &m, why,
		    sizeof(why))) == NULL) {
			(void)evbuffer_drain(in, FRAME_HEADER + len);
			goto bad;
		}
		l->l_seen = time(NULL);
		l->l_raw = (const char *)p + FRAME_HEADER;
		l->l_rawlen = len;
		link_frame(l, o, &m);
		json_decref(o);
		/* The frame may have cost the link its life, and its buffer. */
		if (link_find(id) != l)
			return;
		l->l_raw = NULL;
		(void)evbuffer_drain(in, FRAME_HEADER + len);
	}
 bad:
	/* The parser quotes the peer's bytes: never raw into the log. */
	(void)str_escape(why, strlen(why), esc, sizeof(esc));
	log_warnx("%s %s (%s port %d): bad frame: %s; closing the link",
	    call_role_name(l->l_role), l->l_name, l->l_addr, l->l_port, esc);
	link_free(l, esc);
}

static void
link_reply(struct link *l, int64_t id, json_t *result, const char *error)
{
	json_t	*o;

	if (error != NULL)
		o = json_pack("{s:I, s:b, s:s}", "id", (json_int_t)id, "ok", 0,
		    "error", error);
	else
		o = json_pack("{s:I, s:b, s:o}", "id", (json_int_t)id, "ok", 1,
		    "result", result != NULL ? result : json_integer(0));
	if (o == NULL || link_send(l, o) == -1)
		link_free(l, "peer does not read its replies");
}

/* One message from a peer, by kind and by what the peer is. */
static void
link_frame(struct link *l, json_t *o, struct rpc_msg *m)
{
	struct forward	*fw;

	(void)o;
	switch (m->m_kind) {
	case RPC_REQUEST:
		link_request(l, m);
		return;
	case RPC_REPLY:
		if (conf.rc_mode != NODEMODE_MASTER) {
			/* hello and heartbeat: only a refusal matters. */
			if (!m->m_ok) {
				char	 esc[4 * 256 + 1];

				(void)str_escape(m->m_error, strlen(m->m_error),
				    esc, sizeof(esc));
				log_warnx("master %s: %s", l->l_name, esc);
			}
			return;
		}
		if (l->l_role != ROLE_SENSOR)
			break;
		TAILQ_FOREACH(fw, &forwards, fw_entry)
			if (fw->fw_id == m->m_id && fw->fw_sensor == l->l_id) {
				fwd_finish(fw, 1, m->m_ok, m->m_result,
				    m->m_error);
				return;
			}
		return;		/* an answer that came too late */
	case RPC_EVENT:
		if (conf.rc_mode != NODEMODE_MASTER ||
		    l->l_role != ROLE_SENSOR)
			break;
		if (!l->l_hello) {
			link_free(l, "events before hello");
			return;
		}
		link_store(l, m);
		return;
	case RPC_ACK:
		if (conf.rc_mode == NODEMODE_MASTER)
			break;
		if (imsgev_compose(iev_parent, IMSG_RPC_ACK, l->l_id, 0, -1,
		    &m->m_ack, sizeof(m->m_ack)) == -1)
			fatal("%s: compose", __func__);
		return;
	}
	log_warnx("%s %s: unexpected %s; closing the link",
	    call_role_name(l->l_role), l->l_name,
	    m->m_kind == RPC_EVENT ? "event" : m->m_kind == RPC_ACK ? "ack" :
	    "reply");
	link_free(l, "protocol error");
}

/*
 * Microseconds since the epoch from an event's own RFC 3339 timestamp;
 * the time it arrived when it has none we can read.
 */
static int64_t
event_time(json_t *ev)
{
	struct timespec	 ts;
	const char	*s;
	int64_t		 us;

	if ((s = json_string_value(json_object_get(ev, "timestamp"))) !=
	    NULL && rfc3339_us(s, &us) == 0)
		return (us);
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/*
 * The event's JSON text.  Our sensors send {"seq":N,"event":{...}} as it
 * stands, and the frame already parsed as exactly that: then the event is
 * the text between, taken as it came.  Any other spelling is encoded
 * again.  NUL-terminated copy; *len without the NUL.
 */
static char *
event_text(struct link *l, struct rpc_msg *m, size_t *len)
{
	static const char	 head[] = "{\"seq\":", mid[] = ",\"event\":";
	const char		*r = l->l_raw, *e;
	char			*line;
	size_t			 n = l->l_rawlen, i;

	if (r != NULL && n > sizeof(head) + sizeof(mid) &&
	    memcmp(r, head, sizeof(head) - 1) == 0 && r[n - 1] == '}') {
		for (i = sizeof(head) - 1; i < n && r[i] >= '0' && r[i] <= '9';
		    i++)
			;
		if (n - i > sizeof(mid) && memcmp(r + i, mid,
		    sizeof(mid) - 1) == 0) {
			e = r + i + sizeof(mid) - 1;
			*len = (size_t)(r + n - 1 - e);
			if (*len > 1 && e[0] == '{' && e[*len - 1] == '}' &&
			    (line = malloc(*len + 1)) != NULL) {
				memcpy(line, e, *len);
				line[*len] = '\0';
				return (line);
			}
		}
	}
	if ((line = hs_event_dump(m->m_event, (size_t)conf.rc_frame_max)) ==
	    NULL)
		return (NULL);
	*len = strlen(line);
	return (line);
}

/*
 * A sensor's event, for the store.  Nothing is dropped for its content:
 * the fields the store indexes are taken when they make sense and left
 * empty when they do not; the event itself is kept as it came.
 */
static void
link_store(struct link *l, struct rpc_msg *m)
{
	struct rpc_store_msg	 sm;
	const char		*s;
	char			*line;
	struct ibuf		*buf;
	size_t			 len;

	memset(&sm, 0, sizeof(sm));
	sm.sm_link = l->l_id;
	sm.sm_seq = m->m_seq;
	sm.sm_time = event_time(m->m_event);
	(void)strlcpy(sm.sm_sensor, l->l_name, sizeof(sm.sm_sensor));
	(void)strlcpy(sm.sm_epoch, l->l_epoch, sizeof(sm.sm_epoch));
	if ((s = json_string_value(json_object_get(m->m_event, "eventid"))) !=
	    NULL && strlen(s) < sizeof(sm.sm_eventid))
		(void)strlcpy(sm.sm_eventid, s, sizeof(sm.sm_eventid));
	if ((s = json_string_value(json_object_get(m->m_event, "src_ip"))) !=
	    NULL && strlen(s) < sizeof(sm.sm_src_ip))
		(void)strlcpy(sm.sm_src_ip, s, sizeof(sm.sm_src_ip));
	if ((line = event_text(l, m, &len)) == NULL) {
		link_free(l, "event cannot be encoded");
		return;
	}
	len++;
	if ((buf = imsg_create(&iev_parent->ibuf, IMSG_RPC_STORE, 0, 0,
	    sizeof(sm) + len)) == NULL ||
	    imsg_add(buf, &sm, sizeof(sm)) == -1 ||
	    imsg_add(buf, line, len) == -1)
		fatal("%s: imsg", __func__);
	imsg_close(&iev_parent->ibuf, buf);
	imsgev_add(iev_parent);
	free(line);
	l->l_events++;
	l->l_lastseq = m->m_seq;
}

/*
 * A request, checked against the call table for this node and the
 * caller's role before anything is done with it.
 */
static void
link_request(struct link *l, struct rpc_msg *m)
{
	const struct call_def	*cd, *inner;
	struct rpc_sensor_msg	 sn;
	struct forward		*fw;
	struct ctl_job		*cj;
	struct link		*s;
	json_t			*hello, *args;
	const char		*name, *epoch, *mode, *cfg;
	char			 why[512], *feat, caller[TLS_NAMELEN];
	int			 nodes = conf.rc_mode == NODEMODE_MASTER ?
				    NODE_MASTER : NODE_SENSOR;
	size_t			 i;

	link_caller(l, m, caller, sizeof(caller));
	if ((cd = call_find(m->m_call, nodes)) == NULL) {
		(void)snprintf(why, sizeof(why), "unknown call %s",
		    m->m_call);
		link_reply(l, m->m_id, NULL, why);
		return;
	}
	if (call_check(cd, l->l_role, m->m_args, 0, why, sizeof(why)) == -1) {
		link_reply(l, m->m_id, NULL, why);
		return;
	}

	if (strcmp(cd->cd_name, "heartbeat") == 0) {
		memset(&sn, 0, sizeof(sn));
		sn.sn_state = RPC_SENSOR_SEEN;
		sn.sn_link = l->l_id;
		(void)strlcpy(sn.sn_name, l->l_name, sizeof(sn.sn_name));
		if (l->l_hello && imsgev_compose(iev_parent, IMSG_RPC_SENSOR,
		    0, 0, -1, &sn, sizeof(sn)) == -1)
			fatal("%s: compose", __func__);
		link_reply(l, m->m_id, json_integer(0), NULL);
		return;
	}
	if (strcmp(cd->cd_name, "hello") == 0) {
		hello = json_array_get(m->m_args, 0);
		name = json_string_value(json_object_get(hello, "name"));
		epoch = json_string_value(json_object_get(hello, "epoch"));
		mode = json_string_value(json_object_get(hello, "mode"));
		if (epoch == NULL || strlen(epoch) == 0 ||
		    strlen(epoch) >= sizeof(l->l_epoch) ||
		    strspn(epoch, "0123456789abcdef") != strlen(epoch)) {
			link_reply(l, m->m_id, NULL, "hello: bad epoch");
			link_free(l, "bad hello");
			return;
		}
		(void)strlcpy(l->l_epoch, epoch, sizeof(l->l_epoch));
		l->l_hello = 1;
		memset(&sn, 0, sizeof(sn));
		sn.sn_state = RPC_SENSOR_JOINED;
		sn.sn_link = l->l_id;
		(void)strlcpy(sn.sn_name, l->l_name, sizeof(sn.sn_name));
		(void)snprintf(sn.sn_address, sizeof(sn.sn_address), "%s:%d",
		    l->l_addr, l->l_port);
		if (mode != NULL && strlen(mode) < sizeof(sn.sn_mode) &&
		    call_name_valid(mode))
			(void)strlcpy(sn.sn_mode, mode, sizeof(sn.sn_mode));
		if ((cfg = json_string_value(json_object_get(hello,
		    "config"))) != NULL && strlen(cfg) == 64 &&
		    strspn(cfg, "0123456789abcdef") == 64)
			(void)strlcpy(sn.sn_config, cfg, sizeof(sn.sn_config));
		if (json_is_object(json_object_get(hello, "features")) &&
		    (feat = json_dumps(json_object_get(hello, "features"),
		    JSON_COMPACT | JSON_ENSURE_ASCII)) != NULL) {
			if (strlen(feat) < sizeof(sn.sn_features))
				(void)strlcpy(sn.sn_features, feat,
				    sizeof(sn.sn_features));
			free(feat);
		}
		if (imsgev_compose(iev_parent, IMSG_RPC_SENSOR, 0, 0, -1, &sn,
		    sizeof(sn)) == -1)
			fatal("%s: compose", __func__);
		{
			json_t	*ev;

			if ((ev = hs_event_new("honeyspy.sensor.joined",
			    node)) != NULL) {
				(void)hs_event_set_str(ev, "peer", l->l_name);
				(void)hs_event_set_str(ev, "src_ip",
				    l->l_addr);
				(void)hs_event_set_int(ev, "src_port",
				    l->l_port);
				if (name != NULL)
					(void)hs_event_set_str(ev, "node",
					    name);
				emit(ev);
			}
		}
		link_reply(l, m->m_id, json_pack("{s:s}", "master", node),
		    NULL);
		return;
	}
	if (strcmp(cd->cd_name, "runOnNode") == 0) {
		name = json_string_value(json_array_get(m->m_args, 0));
		if ((inner = call_find(json_string_value(
		    json_array_get(m->m_args, 1)), NODE_SENSOR)) == NULL) {
			(void)snprintf(why, sizeof(why), "runOnNode: unknown "
			    "sensor call %s", json_string_value(
			    json_array_get(m->m_args, 1)));
			link_reply(l, m->m_id, NULL, why);
			return;
		}
		if (call_check(inner, ROLE_MASTER, m->m_args, 2, why,
		    sizeof(why)) == -1) {
			link_reply(l, m->m_id, NULL, why);
			return;
		}
		if ((s = link_by_name(name, ROLE_SENSOR)) == NULL ||
		    !s->l_hello) {
			(void)snprintf(why, sizeof(why), "sensor %s is not "
			    "connected", name);
			link_reply(l, m->m_id, NULL, why);
			return;
		}
		if ((fw = calloc(1, sizeof(*fw))) == NULL ||
		    (args = json_array()) == NULL) {
			free(fw);
			link_reply(l, m->m_id, NULL, "out of memory");
			return;
		}
		for (i = 2; i < json_array_size(m->m_args); i++)
			(void)json_array_append(args,
			    json_array_get(m->m_args, i));
		fw->fw_id = next_id++;
		fw->fw_admin = l->l_id;
		fw->fw_admin_id = m->m_id;
		fw->fw_role = ROLE_ADMIN;
		fw->fw_sensor = s->l_id;
		fw->fw_started = time(NULL);
		fw->fw_args = args;
		(void)strlcpy(fw->fw_admin_name, caller,
		    sizeof(fw->fw_admin_name));
		(void)strlcpy(fw->fw_sensor_name, s->l_name,
		    sizeof(fw->fw_sensor_name));
		(void)strlcpy(fw->fw_call, inner->cd_name,
		    sizeof(fw->fw_call));
		TAILQ_INSERT_TAIL(&forwards, fw, fw_entry);
		if (link_send(s, json_pack("{s:I, s:s, s:O, s:s}", "id",
		    (json_int_t)fw->fw_id, "call", inner->cd_name, "args",
		    args, "as", caller)) == -1)
			link_free(s, "sensor does not read its requests");
		return;
	}

	/* Everything else is asked of this node's parent, in turn. */
	if (!ctl_ready || ctl_njobs >= RPC_CTL_QUEUE_MAX) {
		link_reply(l, m->m_id, NULL, ctl_ready ? "too many calls "
		    "waiting; try again" : "the node is not ready yet");
		return;
	}
	if ((cj = calloc(1, sizeof(*cj))) == NULL) {
		link_reply(l, m->m_id, NULL, "out of memory");
		return;
	}
	cj->cj_link = l->l_id;
	cj->cj_id = m->m_id;
	(void)strlcpy(cj->cj_caller, caller, sizeof(cj->cj_caller));
	/* The web console reads all the time; what it changes is logged. */
	cj->cj_quiet = l->l_ssl == NULL && strncmp(cd->cd_name, "get", 3) == 0;
	(void)strlcpy(cj->cj_call, cd->cd_name, sizeof(cj->cj_call));
	cj->cj_args = json_incref(m->m_args);
	{
		const struct parse_result	*res;
		char				**argv;
		int				  argc = 0;

		if ((argv = call_argv(cd, m->m_args, 0, &argc)) == NULL) {
			ctl_job_free(cj);
			link_reply(l, m->m_id, NULL, "out of memory");
			return;
		}
		res = parse(argc, argv);
		call_argv_free(argv, argc);
		if (res == NULL) {
			parse_free();
			(void)strlcpy(why, parse_error(), sizeof(why));
			why[strcspn(why, "\n")] = '\0';
			call_event(caller, l->l_role, node, cd->cd_name,
			    m->m_args, 0, why, l->l_addr);
			ctl_job_free(cj);
			link_reply(l, m->m_id, NULL, why);
			return;
		}
		if ((cj->cj_res = malloc(sizeof(*res))) == NULL) {
			ctl_job_free(cj);
			link_reply(l, m->m_id, NULL, "out of memory");
			return;
		}
		memcpy(cj->cj_res, res, sizeof(*res));
	}
	TAILQ_INSERT_TAIL(&ctl_jobs, cj, cj_entry);
	if (++ctl_njobs == 1)
		ctl_next();
}

static void
ctl_job_free(struct ctl_job *cj)
{
	json_decref(cj->cj_args);
	if (cj->cj_res != NULL)
		free(cj->cj_res->config);
	free(cj->cj_res);
	free(cj);
}

/* The sensor answered a forwarded call, or never will: tell the admin. */
static void
fwd_finish(struct forward *fw, int answered, int ok, json_t *result,
    const char *error)
{
	struct link	*admin;
	char		 why[512];

	if (!ok && error != NULL) {
		(void)snprintf(why, sizeof(why), "%s: %s", fw->fw_sensor_name,
		    error);
		error = why;
	}
	call_event(fw->fw_admin_name, fw->fw_role, fw->fw_sensor_name,
	    fw->fw_call, fw->fw_args, ok, error, NULL);
	admin = fw->fw_admin != 0 ? link_find(fw->fw_admin) : NULL;
	/*
	 * A configuration is in our store before it goes out: a sensor that
	 * went away or never answered gets it when it links again.
	 */
	if (admin != NULL && !answered && strcmp(fw->fw_call, "setConfig") ==
	    0 && fw->fw_role == ROLE_ADMIN)
		link_reply(admin, fw->fw_admin_id, json_pack("{s:s, s:b, "
		    "s:b, s:s}", "node", fw->fw_sensor_name, "stored", 1,
		    "applied", 0, "reason", error != NULL ? error : "failed"),
		    NULL);
	else if (admin != NULL)
		link_reply(admin, fw->fw_admin_id, ok ? json_incref(result) :
		    NULL, ok ? NULL : error != NULL ? error : "failed");
	TAILQ_REMOVE(&forwards, fw, fw_entry);
	json_decref(fw->fw_args);
	free(fw);
}

/* Our own connection to the parent's control socket, made for us. */
static void
ctl_channel(int fd)
{
	if (fd == -1 || ctl_iev.ibuf.fd > 0)
		fatalx("%s: bad control channel", __func__);
	if (fd_nonblock(fd) == -1)
		fatal("%s: fd_nonblock", __func__);
	imsgev_init(&ctl_iev, fd, "control", ctl_dispatch, ctl_closed, NULL);
	if (imsgbuf_set_maxsize(&ctl_iev.ibuf, HS_EVENT_MAX + 4096) == -1)
		fatal("%s: imsgbuf_set_maxsize", __func__);
	if (imsgev_compose(&ctl_iev, IMSG_CTL_HELLO, HS_PROTO_VERSION, 0, -1,
	    NULL, 0) == -1)
		fatal("%s: compose", __func__);
	imsgev_add(&ctl_iev);
	ctl_ready = 1;
}

static void
ctl_closed(struct imsgev *iev)
{
	(void)iev;
	fatalx("control channel closed");
}

static void
ctl_next(void)
{
	struct ctl_job	*cj;
	uint32_t	 type;
	const void	*data;
	size_t		 len;

	if ((cj = TAILQ_FIRST(&ctl_jobs)) == NULL)
		return;
	memset(&ctl_sr, 0, sizeof(ctl_sr));
	if (ctl_request(cj->cj_res, &type, &data, &len) == -1)
		fatalx("%s: %s has no request", __func__, cj->cj_call);
	if (imsgev_compose(&ctl_iev, type, 0, 0, -1, data, len) == -1)
		fatal("%s: compose", __func__);
}

/* A piece of the parent's answer to the call at the head of the queue. */
static int
ctl_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	struct ctl_job	*cj;
	struct link	*l;
	json_t		*result;
	char		 why[4096];
	int		 rv;

	(void)iev;
	if (imsg_get_type(imsg) == IMSG_CTL_HELLO) {
		if (imsg_get_id(imsg) != HS_PROTO_VERSION)
			fatalx("control: protocol %u", imsg_get_id(imsg));
		return (0);
	}
	if ((cj = TAILQ_FIRST(&ctl_jobs)) == NULL)
		fatalx("control: reply %u to no call", imsg_get_type(imsg));
	if ((rv = ctl_reply_add(&ctl_sr, imsg, why, sizeof(why))) == -1)
		fatalx("control: %s", why);
	if (rv == CTL_REPLY_MORE)
		return (0);

	l = cj->cj_link != 0 ? link_find(cj->cj_link) : NULL;
	if (rv == CTL_REPLY_DONE && conf.rc_mode == NODEMODE_MASTER &&
	    strcmp(cj->cj_call, "setConfig") == 0 && l != NULL) {
		/* Kept; now the sensor, if it is here, applies it. */
		call_event(cj->cj_caller, l->l_role, node, cj->cj_call,
		    cj->cj_args, 1, NULL, l->l_addr);
		config_send(l, cj->cj_caller, cj->cj_id, json_string_value(
		    json_array_get(cj->cj_args, 0)), json_string_value(
		    json_array_get(cj->cj_args, 1)));
	} else if (rv == CTL_REPLY_DONE) {
		if (conf.rc_mode != NODEMODE_MASTER &&
		    strcmp(cj->cj_call, "setConfig") == 0)
			config_ran(json_string_value(json_array_get(cj->cj_args,
			    0)));
		result = ctl_reply_json(cj->cj_res, &ctl_sr);
		if (l != NULL) {
			if (!cj->cj_quiet)
				call_event(cj->cj_caller, l->l_role, node,
				    cj->cj_call, cj->cj_args, 1, NULL,
				    l->l_addr);
			link_reply(l, cj->cj_id, result, NULL);
		} else
			json_decref(result);
	} else if (l != NULL) {
		call_event(cj->cj_caller, l->l_role, node, cj->cj_call,
		    cj->cj_args, 0, why, l->l_addr);
		link_reply(l, cj->cj_id, NULL, why);
	}
	ctl_reply_free(&ctl_sr);
	TAILQ_REMOVE(&ctl_jobs, cj, cj_entry);
	ctl_njobs--;
	ctl_job_free(cj);
	ctl_next();
	return (0);
}

/*
 * Spooled events from the parent, each sent as {"seq":N,"event":{...}}.
 * The JSON was made by our own encoder and checked by the parent; it is
 * framed as it is, without being parsed again.
 */
static void
link_events(struct link *l, struct imsg *imsg)
{
	struct evbuffer		*out = bufferevent_get_output(l->l_bev);
	struct rpc_record	 rr;
	struct ibuf		 ib;
	unsigned char		 hdr[FRAME_HEADER];
	char			 head[64];
	int			 n;

	if (imsg_get_ibuf(imsg, &ib) == -1)
		fatalx("%s: bad message", __func__);
	while (ibuf_size(&ib) > 0) {
		if (ibuf_get(&ib, &rr, sizeof(rr)) == -1 ||
		    rr.rr_len < 2 || rr.rr_len > ibuf_size(&ib) ||
		    rr.rr_seq == 0 || rr.rr_seq > INT64_MAX)
			fatalx("%s: bad record", __func__);
		n = snprintf(head, sizeof(head), "{\"seq\":%llu,\"event\":",
		    (unsigned long long)rr.rr_seq);
		if ((size_t)n + rr.rr_len + 1 > (size_t)conf.rc_frame_max) {
			log_warnx("event %llu is larger than a frame; not "
			    "sent", (unsigned long long)rr.rr_seq);
			(void)ibuf_skip(&ib, rr.rr_len);
			continue;
		}
		frame_header(hdr, (size_t)n + rr.rr_len + 1);
		if (evbuffer_add(out, hdr, sizeof(hdr)) == -1 ||
		    evbuffer_add(out, head, (size_t)n) == -1 ||
		    evbuffer_add(out, ibuf_data(&ib), rr.rr_len) == -1 ||
		    evbuffer_add(out, "}", 1) == -1)
			fatal("%s: evbuffer_add", __func__);
		(void)ibuf_skip(&ib, rr.rr_len);
	}
}

/*
 * Once a second: heartbeats from a sensor, and links that went quiet.
 * A peer that sent nothing for three heartbeats is gone; TCP alone can
 * take many minutes to notice.
 */
static void
rpc_tick(int fd, short event, void *arg)
{
	struct timeval	 tv = { 1, 0 };
	struct link	*l, *tmp;
	struct forward	*fw, *fwtmp;
	time_t		 now = time(NULL);
	char		 why[128];
	json_t		*o;

	(void)fd;
	(void)event;
	(void)arg;
	TAILQ_FOREACH_SAFE(l, &links, l_entry, tmp) {
		if (!l->l_ready || l->l_role == ROLE_ADMIN)
			continue;
		if (now - l->l_seen > 3 * conf.rc_heartbeat) {
			(void)snprintf(why, sizeof(why), "nothing heard for "
			    "%lld seconds", (long long)(now - l->l_seen));
			link_free(l, why);
		}
	}
	if (uplink != NULL && uplink->l_ready &&
	    now - last_heartbeat >= conf.rc_heartbeat) {
		last_heartbeat = now;
		o = json_pack("{s:I, s:s, s:[]}", "id", (json_int_t)next_id++,
		    "call", "heartbeat", "args");
		if (o == NULL || link_send(uplink, o) == -1)
			link_free(uplink, "master does not read");
	}
	TAILQ_FOREACH_SAFE(fw, &forwards, fw_entry, fwtmp)
		if (now - fw->fw_started > RPC_CALL_TIMEOUT) {
			(void)snprintf(why, sizeof(why), "no answer within %d "
			    "seconds", RPC_CALL_TIMEOUT);
			fwd_finish(fw, 0, 0, NULL, why);
		}
	if (evtimer_add(&tick_ev, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

/*
 * Wait before the next attempt: doubling from a second up to the
 * configured cap, each wait drawn at random from its upper half so that
 * sensors cut off together do not all come back in the same second.
 */
static void
rpc_reconnect_later(void)
{
	struct timeval	 tv;
	uint32_t	 r;
	int		 ms;

	backoff = backoff == 0 ? RPC_BACKOFF_FIRST : backoff * 2;
	if (backoff > conf.rc_reconnect)
		backoff = conf.rc_reconnect;
	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		r = (uint32_t)time(NULL);
	ms = backoff * 500 + (int)(r % ((uint32_t)backoff * 500 + 1));
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	log_info("connecting to master %s again in %d.%03d s", conf.rc_peer,
	    ms / 1000, ms % 1000);
	if (evtimer_add(&reconnect_ev, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

/* Try the master's next address. */
static void
rpc_connect(int fd, short event, void *arg)
{
	struct sockaddr_storage	*ss;
	SSL			*ssl;
	socklen_t		 len;
	int			 s, on = 1;

	(void)fd;
	(void)event;
	(void)arg;
	if (uplink != NULL)
		return;
	ss = &conf.rc_addrs[addr_idx++ % conf.rc_naddrs];
	len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	if ((s = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		log_warn("master %s: socket", conf.rc_peer);
		rpc_reconnect_later();
		return;
	}
	(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	(void)setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	if (connect(s, (struct sockaddr *)ss, len) == -1 &&
	    errno != EINPROGRESS) {
		log_warn("master %s: connect", conf.rc_peer);
		close(s);
		rpc_reconnect_later();
		return;
	}
	if ((ssl = SSL_new(ctx)) == NULL) {
		log_warnx("%s: SSL_new failed", __func__);
		close(s);
		rpc_reconnect_later();
		return;
	}
	if ((uplink = link_new(s, ssl, (struct sockaddr *)ss, 0)) == NULL) {
		close(s);
		rpc_reconnect_later();
		return;
	}
	log_debug("connecting to master %s (%s port %d)", conf.rc_peer,
	    uplink->l_addr, uplink->l_port);
}

/*
 * Send a sensor the configuration kept for it.  With an admin waiting
 * (admin != NULL) the sensor's answer goes back to the admin; a sensor
 * that is away gets it when it links again.  The event names the call,
 * not the whole document.
 */
static void
config_send(struct link *admin, const char *caller, int64_t admin_id,
    const char *name, const char *yaml)
{
	struct forward	*fw;
	struct link	*s;
	char		 what[64];

	if ((s = link_by_name(name, ROLE_SENSOR)) == NULL || !s->l_hello) {
		if (admin != NULL)
			link_reply(admin, admin_id, json_pack("{s:s, s:b, s:b, "
			    "s:s}", "node", name, "stored", 1, "applied", 0,
			    "reason", "not connected: it gets the "
			    "configuration when it links"), NULL);
		return;
	}
	if ((fw = calloc(1, sizeof(*fw))) == NULL) {
		if (admin != NULL)
			link_reply(admin, admin_id, NULL, "out of memory");
		return;
	}
	(void)snprintf(what, sizeof(what), "(%zu bytes of YAML)",
	    strlen(yaml));
	fw->fw_id = next_id++;
	fw->fw_admin = admin != NULL ? admin->l_id : 0;
	fw->fw_admin_id = admin_id;
	fw->fw_role = admin != NULL ? ROLE_ADMIN : ROLE_MASTER;
	fw->fw_sensor = s->l_id;
	fw->fw_started = time(NULL);
	fw->fw_args = json_pack("[s]", what);
	(void)strlcpy(fw->fw_admin_name, caller != NULL ? caller : node,
	    sizeof(fw->fw_admin_name));
	(void)strlcpy(fw->fw_sensor_name, s->l_name,
	    sizeof(fw->fw_sensor_name));
	(void)strlcpy(fw->fw_call, "setConfig", sizeof(fw->fw_call));
	TAILQ_INSERT_TAIL(&forwards, fw, fw_entry);
	if (link_send(s, json_pack("{s:I, s:s, s:[s]}", "id",
	    (json_int_t)fw->fw_id, "call", "setConfig", "args", yaml)) == -1)
		link_free(s, "sensor does not read its requests");
}

/* The parent found that a sensor that joined runs another configuration. */
static void
config_push(struct imsg *imsg)
{
	struct ibuf	 ib;
	struct link	*l;
	const char	*yaml;

	if (imsg_get_ibuf(imsg, &ib) == -1 || ibuf_size(&ib) < 1 ||
	    ibuf_size(&ib) > HS_CONFIG_MAX + 1)
		fatalx("%s: bad message", __func__);
	yaml = ibuf_data(&ib);
	if (yaml[ibuf_size(&ib) - 1] != '\0')
		fatalx("%s: bad message", __func__);
	if ((l = link_find(imsg_get_id(imsg))) == NULL || !l->l_hello)
		return;
	config_send(NULL, NULL, 0, l->l_name, yaml);
}

/* A sensor now runs what its master sent: the next hello says so. */
static void
config_ran(const char *yaml)
{
	if (yaml != NULL)
		sha256_hex(yaml, strlen(yaml), conf.rc_config);
}
