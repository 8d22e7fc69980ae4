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
 * The parent's side of the network link.
 *
 * A sensor with a master spools every event before anything else sees
 * it, and feeds the rpc child from the spool: after each (re)connect it
 * starts again after the last event the master acknowledged, so what was
 * in flight when a link broke is sent again and nothing is lost.
 *
 * A master keeps the events of its sensors, and its own, in the store;
 * a sensor's events are acknowledged once the transaction that holds
 * them has committed, never before.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "honeyspyd.h"
#include "hs_event.h"
#include "log.h"
#include "net.h"
#include "proc.h"
#include "spool.h"
#include "store.h"
#include "util.h"

#define LINK_WINDOW		50000	/* events sent, not yet acknowledged */
#define LINK_BATCH_BYTES	(60 * 1024)	/* of records per message */
#define LINK_CRL_CHECK		5	/* seconds between looks at the CRL */
#define LINK_CRL_MAX		(16 * 1024 * 1024)
#define LINK_CRL_PIECE		(60 * 1024)
#define LINK_EXPIRE_EVERY	60	/* seconds */
#define LINK_QUERY_BYTES	(768 * 1024)	/* a getEvents page */
#define LINK_SENSORS_MAX	1024
/*
 * Group commit: what arrives within this long shares one fdatasync(2)
 * or one transaction.  Nothing is sent or acknowledged before it is
 * durable, so the wait costs latency, never events.
 */
#define LINK_FLUSH_USEC		10000

struct pending_ack {
	uint32_t	 pa_link;
	uint64_t	 pa_seq;
};

struct online {
	char		 on_name[HS_NAMELEN];
	uint32_t	 on_link;
};

static struct spool		*spool;
static struct store		*store;
static struct event		 flush_ev;
static int			 flush_armed;
static uint32_t			 up_link;	/* the rpc child's link */
static uint64_t			 up_sent;	/* last seq handed to it */
static struct event		 crl_ev;
static struct stat		 crl_st;
static int			 crl_known;
static struct event		 expire_ev;
static struct pending_ack	*acks;
static size_t			 nacks;
static int			 in_batch;
static struct online		 online[LINK_SENSORS_MAX];
static size_t			 nonline;
static char			 db_dir[PATH_MAX];
static char			 hs_config_sha[65];	/* what we run */

static struct imsgev	*rpc_iev(void);
static void		 link_flush(int, short, void *);
static void		 link_arm(void);
static void		 uplink_feed(void);
static void		 crl_check(int, short, void *);
static void		 crl_send(int);
static const char	*crl_path(void);
static void		 master_store(struct imsg *);
static void		 master_own(const char *, size_t);
static void		 master_sensor(struct imsg *);
static void		 master_expire(int, short, void *);
static int		 master_mode(void);
static int		 uplink_mode(void);
static void		 master_push(const struct rpc_sensor_msg *);
static char		*link_read_file(const char *, size_t, size_t *,
			    struct stat *);
static void		 spool_lost_event(uint64_t);

static int
master_mode(void)
{
	return (hs->p_conf->c_node.n_mode == NODEMODE_MASTER);
}

static int
uplink_mode(void)
{
	return (!master_mode() && hs->p_conf->c_master.m_configured);
}

/*
 * Events go to a store of our own: a master's, and a standalone
 * sensor's when it has outputs, which read them from there.
 */
static int
store_mode(void)
{
	return (master_mode() || (!uplink_mode() &&
	    hs->p_conf->c_noutputs > 0));
}

static struct imsgev *
rpc_iev(void)
{
	struct child	*c = &hs->p_child[PROC_RPC];

	if (c->c_def == NULL || c->c_fd == -1)
		return (NULL);
	return (&c->c_iev);
}

/*
 * Before the privileges go: the directories that the spool or the store
 * will fill must belong to the daemon's user.
 */
void
link_init(void)
{
	const char	*dir;
	char		 path[PATH_MAX];

	if (uplink_mode())
		dir = hs->p_conf->c_log.lg_spool;
	else if (store_mode()) {
		(void)strlcpy(path, hs->p_conf->c_log.lg_database,
		    sizeof(path));
		(void)strlcpy(db_dir, dirname(path), sizeof(db_dir));
		dir = db_dir;
	} else
		return;
	if (mkdir(dir, 0750) == 0 && hs->p_privmode == PRIVMODE_ROOT &&
	    chown(dir, hs->p_uid, hs->p_gid) == -1)
		fatal("chown %s", dir);
}

/* The rpc child's set-up, sent as soon as it runs. */
void
link_start(void)
{
	struct imsgev		*iev;
	struct rpc_config_msg	 rc;
	struct node_msg		 nm;
	struct addrinfo		 hints, *res0, *res;
	char			 port[16], why[256];
	json_t			*feat;
	char			*ftext;
	uint8_t			 any[16];
	socklen_t		 slen;
	char			*text;
	size_t			 tlen;
	size_t			 i;
	int			 sv[2], e;

	if ((iev = rpc_iev()) == NULL)
		return;
	memset(&rc, 0, sizeof(rc));
	rc.rc_mode = hs->p_conf->c_node.n_mode;
	rc.rc_heartbeat = 10;
	rc.rc_frame_max = 1024 * 1024;
	rc.rc_reconnect = hs->p_conf->c_master.m_reconnect;
	(void)strlcpy(rc.rc_privmode, privmode_name(hs->p_privmode),
	    sizeof(rc.rc_privmode));
	feat = json_object();
	for (i = 0; i < hs->p_ntable; i++)
		if (hs->p_table[i].pd_where != PD_MASTER)
			(void)json_object_set_new(feat,
			    hs->p_table[i].pd_name, json_boolean(
			    parent_feature(&hs->p_table[i], why,
			    sizeof(why))));
	if ((ftext = json_dumps(feat, JSON_COMPACT)) != NULL &&
	    strlen(ftext) < sizeof(rc.rc_features))
		(void)strlcpy(rc.rc_features, ftext, sizeof(rc.rc_features));
	free(ftext);
	json_decref(feat);

	if (uplink_mode()) {
		(void)strlcpy(rc.rc_ca, hs->p_conf->c_master.m_ca,
		    sizeof(rc.rc_ca));
		(void)strlcpy(rc.rc_cert, hs->p_conf->c_master.m_cert,
		    sizeof(rc.rc_cert));
		(void)strlcpy(rc.rc_key, hs->p_conf->c_master.m_key,
		    sizeof(rc.rc_key));
		(void)snprintf(rc.rc_peer, sizeof(rc.rc_peer), "%s:%d",
		    hs->p_conf->c_master.m_address,
		    hs->p_conf->c_master.m_port);
		(void)snprintf(port, sizeof(port), "%d",
		    hs->p_conf->c_master.m_port);
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		/* Resolved once, here: the child's jail has no resolver. */
		if ((e = getaddrinfo(hs->p_conf->c_master.m_address, port,
		    &hints, &res0)) != 0)
			fatalx("master.address %s: %s",
			    hs->p_conf->c_master.m_address, gai_strerror(e));
		for (res = res0; res != NULL &&
		    rc.rc_naddrs < HS_RPC_MAXADDRS; res = res->ai_next) {
			if (res->ai_addrlen > sizeof(rc.rc_addrs[0]))
				continue;
			memcpy(&rc.rc_addrs[rc.rc_naddrs++], res->ai_addr,
			    res->ai_addrlen);
		}
		freeaddrinfo(res0);
		(void)strlcpy(rc.rc_epoch, spool_epoch(spool),
		    sizeof(rc.rc_epoch));
		if ((text = link_read_file(hs->p_conffile, HS_CONFIG_MAX, &tlen, NULL)) != NULL) {
			sha256_hex(text, tlen, hs_config_sha);
			free(text);
		}
		(void)strlcpy(rc.rc_config, hs_config_sha,
		    sizeof(rc.rc_config));
	} else if (master_mode()) {
		(void)strlcpy(rc.rc_ca, hs->p_conf->c_listen.l_ca,
		    sizeof(rc.rc_ca));
		(void)strlcpy(rc.rc_cert, hs->p_conf->c_listen.l_cert,
		    sizeof(rc.rc_cert));
		(void)strlcpy(rc.rc_key, hs->p_conf->c_listen.l_key,
		    sizeof(rc.rc_key));
		(void)snprintf(rc.rc_peer, sizeof(rc.rc_peer), "%s port %d",
		    hs->p_conf->c_listen.l_addr.a_text,
		    hs->p_conf->c_listen.l_port);
		/* "*" is every address, IPv4 too (v4-mapped). */
		memset(&any, 0, sizeof(any));
		if (net_sockaddr(hs->p_conf->c_listen.l_addr.a_af == AF_UNSPEC ?
		    AF_INET6 : hs->p_conf->c_listen.l_addr.a_af,
		    hs->p_conf->c_listen.l_addr.a_af == AF_UNSPEC ? any :
		    (const uint8_t *)&hs->p_conf->c_listen.l_addr.a_u,
		    hs->p_conf->c_listen.l_port, &rc.rc_listen, &slen) == -1)
			fatalx("listen.address %s: cannot use it",
			    hs->p_conf->c_listen.l_addr.a_text);
	}

	memset(&nm, 0, sizeof(nm));
	(void)strlcpy(nm.nm_name, hs->p_conf->c_node.n_name,
	    sizeof(nm.nm_name));
	if (imsgev_compose(iev, IMSG_CFG_NODE, 0, 0, -1, &nm,
	    sizeof(nm)) == -1)
		fatal("%s: compose", __func__);
	if (crl_path() != NULL)
		crl_send(1);
	if (imsgev_compose(iev, IMSG_RPC_CONFIG, 0, 0, -1, &rc,
	    sizeof(rc)) == -1 ||
	    imsgev_compose(iev, IMSG_CFG_DONE, 0, 0, -1, NULL, 0) == -1)
		fatal("%s: compose", __func__);

	/* Its own control connection, for the calls its peers make. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("%s: socketpair", __func__);
	if (fd_nonblock(sv[0]) == -1)
		fatal("%s: fd_nonblock", __func__);
	control_adopt(sv[0], "rpc");
	if (imsgev_compose(iev, IMSG_RPC_CTL, 0, 0, sv[1], NULL, 0) == -1)
		fatal("%s: compose", __func__);

	evtimer_set(&flush_ev, link_flush, NULL);
	evtimer_set(&crl_ev, crl_check, NULL);
	if (crl_path() != NULL) {
		struct timeval	 tv = { LINK_CRL_CHECK, 0 };

		if (evtimer_add(&crl_ev, &tv) == -1)
			fatal("%s: evtimer_add", __func__);
	}
	if (store_mode()) {
		struct timeval	 tv = { 1, 0 };

		evtimer_set(&expire_ev, master_expire, NULL);
		if (evtimer_add(&expire_ev, &tv) == -1)
			fatal("%s: evtimer_add", __func__);
	}
}

/*
 * After the privileges went: open the spool or the store as the user
 * that will write them for the rest of the run.
 */
void
link_open(void)
{
	char	 dir[PATH_MAX], err[512];
	int	 n;

	if (uplink_mode()) {
		n = snprintf(dir, sizeof(dir), "%s/outbox",
		    hs->p_conf->c_log.lg_spool);
		if (n < 0 || (size_t)n >= sizeof(dir))
			fatalx("log.spool: path too long");
		if (spool_open(&spool, dir, (uint64_t)
		    hs->p_conf->c_log.lg_spool_max, 0, err, sizeof(err)) == -1)
			fatalx("spool %s: %s", dir, err);
		log_info("spool %s: epoch %s, %llu event%s waiting", dir,
		    spool_epoch(spool), (unsigned long long)(spool_last(spool) -
		    spool_acked(spool)), spool_last(spool) -
		    spool_acked(spool) == 1 ? "" : "s");
	} else if (store_mode()) {
		if (store_open(&store, hs->p_conf->c_log.lg_database, err,
		    sizeof(err)) == -1)
			fatalx("log.database %s: %s",
			    hs->p_conf->c_log.lg_database, err);
		outputs_start(store);
	}
}

/* Make what came in this turn of the loop durable, then pass it on. */
static void
link_arm(void)
{
	struct timeval	 tv = { 0, LINK_FLUSH_USEC };

	if (flush_armed)
		return;
	flush_armed = 1;
	if (evtimer_add(&flush_ev, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

/* Every event the parent logs: into the spool, or into the store. */
void
link_event(const char *line, size_t len)
{
	if (spool != NULL) {
		if (spool_append(spool, line, len - 1) == 0)
			fatalx("spool: %s", spool_error(spool));
		link_arm();
	} else if (store != NULL)
		master_own(line, len);
}

static void
link_flush(int fd, short event, void *arg)
{
	struct imsgev	*iev = rpc_iev();
	uint64_t	 lost;
	size_t		 i;

	(void)fd;
	(void)event;
	(void)arg;
	flush_armed = 0;
	if (spool != NULL) {
		if (spool_sync(spool) == -1)
			fatalx("spool: %s", spool_error(spool));
		if ((lost = spool_take_lost(spool)) > 0)
			spool_lost_event(lost);
		uplink_feed();
		return;
	}
	if (store == NULL || !in_batch)
		return;
	in_batch = 0;
	/*
	 * Crash-only: a store that cannot commit loses nothing yet, since
	 * nothing was acknowledged; the restart makes the sensors resend.
	 */
	if (store_commit(store) == -1)
		fatalx("store: commit: %s", store_error(store));
	for (i = 0; i < nacks && iev != NULL; i++)
		if (imsgev_compose(iev, IMSG_RPC_ACK, acks[i].pa_link, 0, -1,
		    &acks[i].pa_seq, sizeof(acks[i].pa_seq)) == -1)
			fatal("%s: compose", __func__);
	nacks = 0;
	outputs_feed();
}

/* Whether stored events wait for their commit. */
int
link_in_batch(void)
{
	return (in_batch);
}

/*
 * The size bound threw events away before the master had them: say so,
 * as an event of its own, which is spooled like any other.
 */
static void
spool_lost_event(uint64_t lost)
{
	json_t	*ev;
	char	*line;

	log_warnx("spool full (log.spool_max %lld bytes): %llu unsent "
	    "event%s dropped, the oldest first",
	    hs->p_conf->c_log.lg_spool_max, (unsigned long long)lost,
	    lost == 1 ? "" : "s");
	if ((ev = hs_event_new("honeyspy.sensor.spool_full",
	    hs->p_conf->c_node.n_name)) == NULL)
		return;
	(void)hs_event_set_int(ev, "lost", (long long)lost);
	(void)hs_event_set_int(ev, "spool_max", hs->p_conf->c_log.lg_spool_max);
	(void)hs_event_set_str(ev, "message", "spool full: the oldest unsent "
	    "events were dropped");
	line = hs_event_dump(ev, HS_EVENT_MAX - 1);
	json_decref(ev);
	if (line == NULL)
		return;
	eventlog_write(line, strlen(line) + 1);
	link_event(line, strlen(line) + 1);
	free(line);
}

struct feed {
	struct imsgev	*f_iev;
	struct ibuf	*f_buf;
	size_t		 f_len;
};

static int
feed_record(void *arg, uint64_t seq, const char *json, size_t len)
{
	struct feed		*f = arg;
	struct rpc_record	 rr;

	if (f->f_buf != NULL && f->f_len + sizeof(rr) + len >
	    LINK_BATCH_BYTES) {
		imsg_close(&f->f_iev->ibuf, f->f_buf);
		f->f_buf = NULL;
	}
	if (f->f_buf == NULL) {
		if ((f->f_buf = imsg_create(&f->f_iev->ibuf, IMSG_RPC_EVENTS,
		    up_link, 0, LINK_BATCH_BYTES)) == NULL)
			fatal("%s: imsg_create", __func__);
		f->f_len = 0;
	}
	memset(&rr, 0, sizeof(rr));
	rr.rr_seq = seq;
	rr.rr_len = (uint32_t)len;
	if (imsg_add(f->f_buf, &rr, sizeof(rr)) == -1 ||
	    imsg_add(f->f_buf, json, len) == -1)
		fatal("%s: imsg_add", __func__);
	f->f_len += sizeof(rr) + len;
	up_sent = seq;
	return (0);
}

/*
 * Keep the link busy, but no more than a window ahead of the master's
 * acknowledgements: the rest waits on disk, not in memory.
 */
static void
uplink_feed(void)
{
	struct feed	 f;
	uint64_t	 inflight, next;
	int		 n;

	if (spool == NULL || up_link == 0 || (f.f_iev = rpc_iev()) == NULL)
		return;
	f.f_buf = NULL;
	f.f_len = 0;
	for (;;) {
		if (up_sent < spool_acked(spool))
			up_sent = spool_acked(spool);
		inflight = up_sent - spool_acked(spool);
		if (inflight >= LINK_WINDOW)
			break;
		if ((n = spool_read(spool, up_sent + 1, feed_record, &f,
		    LINK_WINDOW - inflight, 4 * LINK_BATCH_BYTES, &next)) ==
		    -1)
			fatalx("spool: %s", spool_error(spool));
		if (n == 0)
			break;
		if (next > 0 && next - 1 > up_sent)
			up_sent = next - 1;
	}
	if (f.f_buf != NULL)
		imsg_close(&f.f_iev->ibuf, f.f_buf);
	imsgev_add(f.f_iev);
}

/*
 * Messages from the rpc child about the link.  Returns 0 when it took the
 * message, -1 when it is not one of ours.  A bad one is fatal: the child
 * is ours, and broken if it says nonsense.
 */
int
link_dispatch(struct imsg *imsg)
{
	uint64_t	 seq;
	int32_t		 up;

	switch (imsg_get_type(imsg)) {
	case IMSG_RPC_LINK:
		if (imsg_get_data(imsg, &up, sizeof(up)) == -1)
			fatalx("%s: IMSG_RPC_LINK: bad message", __func__);
		if (spool == NULL)
			return (0);
		if (up) {
			/* Everything not acknowledged goes again. */
			up_link = imsg_get_id(imsg);
			up_sent = spool_acked(spool);
			log_info("linked to the master: sending from event %llu "
			    "of %llu", (unsigned long long)up_sent + 1,
			    (unsigned long long)spool_last(spool));
			uplink_feed();
		} else if (imsg_get_id(imsg) == up_link)
			up_link = 0;
		return (0);
	case IMSG_RPC_ACK:
		if (imsg_get_data(imsg, &seq, sizeof(seq)) == -1)
			fatalx("%s: IMSG_RPC_ACK: bad message", __func__);
		if (spool == NULL)
			return (0);
		/* The master can only acknowledge what it was sent. */
		if (seq > spool_synced(spool)) {
			log_warnx("master acknowledged event %llu, which does "
			    "not exist yet; ignored", (unsigned long long)seq);
			return (0);
		}
		if (spool_ack(spool, seq) == -1)
			fatalx("spool: %s", spool_error(spool));
		uplink_feed();
		return (0);
	case IMSG_RPC_STORE:
		master_store(imsg);
		return (0);
	case IMSG_RPC_SENSOR:
		master_sensor(imsg);
		return (0);
	default:
		return (-1);
	}
}

/* A sensor's event from the rpc child, into the open batch. */
static void
master_store(struct imsg *imsg)
{
	struct rpc_store_msg	 sm;
	struct store_event	 se;
	struct ibuf		 ib;
	const char		*json;
	size_t			 len, i;

	if (store == NULL || imsg_get_ibuf(imsg, &ib) == -1 ||
	    ibuf_get(&ib, &sm, sizeof(sm)) == -1 ||
	    (len = ibuf_size(&ib)) < 3 ||
	    memchr(sm.sm_sensor, '\0', sizeof(sm.sm_sensor)) == NULL ||
	    memchr(sm.sm_epoch, '\0', sizeof(sm.sm_epoch)) == NULL ||
	    memchr(sm.sm_eventid, '\0', sizeof(sm.sm_eventid)) == NULL ||
	    memchr(sm.sm_src_ip, '\0', sizeof(sm.sm_src_ip)) == NULL ||
	    sm.sm_seq <= 0)
		fatalx("%s: IMSG_RPC_STORE: bad message", __func__);
	json = ibuf_data(&ib);
	if (json[len - 1] != '\0' || json[0] != '{')
		fatalx("%s: IMSG_RPC_STORE: bad event", __func__);
	if (!in_batch) {
		if (store_begin(store) == -1)
			fatalx("store: %s", store_error(store));
		in_batch = 1;
	}
	memset(&se, 0, sizeof(se));
	se.se_sensor = sm.sm_sensor;
	se.se_epoch = sm.sm_epoch;
	se.se_seq = sm.sm_seq;
	se.se_time = sm.sm_time;
	se.se_eventid = sm.sm_eventid;
	se.se_src_ip = sm.sm_src_ip[0] != '\0' ? sm.sm_src_ip : NULL;
	se.se_json = json;
	se.se_jsonlen = len - 1;
	if (store_add(store, &se) == -1)
		fatalx("store: %s", store_error(store));
	for (i = 0; i < nacks; i++)
		if (acks[i].pa_link == sm.sm_link)
			break;
	if (i == nacks) {
		if ((acks = reallocarray(acks, nacks + 1,
		    sizeof(*acks))) == NULL)
			fatal("%s: reallocarray", __func__);
		acks[nacks].pa_link = sm.sm_link;
		acks[nacks].pa_seq = 0;
		nacks++;
	}
	if ((uint64_t)sm.sm_seq > acks[i].pa_seq)
		acks[i].pa_seq = (uint64_t)sm.sm_seq;
	link_arm();
}

/* The master's own events, stored beside its sensors'. */
static void
master_own(const char *line, size_t len)
{
	struct store_event	 se;
	struct timespec		 ts;
	json_error_t		 jerr;
	json_t			*ev;

	if ((ev = json_loadb(line, len - 1, 0, &jerr)) == NULL) {
		log_warnx("%s: %s", __func__, jerr.text);
		return;
	}
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	memset(&se, 0, sizeof(se));
	se.se_sensor = hs->p_conf->c_node.n_name;
	se.se_epoch = "";
	se.se_seq = 0;
	se.se_time = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	se.se_eventid = json_string_value(json_object_get(ev, "eventid"));
	if (se.se_eventid == NULL)
		se.se_eventid = "";
	se.se_src_ip = json_string_value(json_object_get(ev, "src_ip"));
	se.se_json = line;
	se.se_jsonlen = len - 1;
	if (!in_batch) {
		if (store_begin(store) == -1)
			fatalx("store: %s", store_error(store));
		in_batch = 1;
	}
	if (store_add(store, &se) == -1)
		fatalx("store: %s", store_error(store));
	json_decref(ev);
	link_arm();
}

/* A sensor joined, is alive, or left: the registry and who is online. */
static void
master_sensor(struct imsg *imsg)
{
	struct rpc_sensor_msg	 sn;
	struct timespec		 ts;
	int64_t			 now;
	size_t			 i;

	if (store == NULL || imsg_get_data(imsg, &sn, sizeof(sn)) == -1 ||
	    memchr(sn.sn_name, '\0', sizeof(sn.sn_name)) == NULL ||
	    memchr(sn.sn_config, '\0', sizeof(sn.sn_config)) == NULL ||
	    memchr(sn.sn_address, '\0', sizeof(sn.sn_address)) == NULL ||
	    memchr(sn.sn_mode, '\0', sizeof(sn.sn_mode)) == NULL ||
	    memchr(sn.sn_features, '\0', sizeof(sn.sn_features)) == NULL)
		fatalx("%s: IMSG_RPC_SENSOR: bad message", __func__);
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	for (i = 0; i < nonline; i++)
		if (strcmp(online[i].on_name, sn.sn_name) == 0)
			break;
	switch (sn.sn_state) {
	case RPC_SENSOR_JOINED:
		if (i == nonline && nonline < LINK_SENSORS_MAX)
			(void)strlcpy(online[nonline++].on_name, sn.sn_name,
			    sizeof(online[0].on_name));
		if (i < nonline)
			online[i].on_link = sn.sn_link;
		if (store_sensor_seen(store, sn.sn_name, sn.sn_address,
		    sn.sn_mode[0] != '\0' ? sn.sn_mode : NULL,
		    sn.sn_features[0] != '\0' ? sn.sn_features : NULL,
		    now) == -1)
			fatalx("store: %s", store_error(store));
		master_push(&sn);
		break;
	case RPC_SENSOR_SEEN:
		if (store_sensor_seen(store, sn.sn_name, NULL, NULL, NULL,
		    now) == -1)
			fatalx("store: %s", store_error(store));
		break;
	case RPC_SENSOR_LEFT:
		if (i < nonline && online[i].on_link == sn.sn_link) {
			online[i] = online[--nonline];
			if (store_sensor_seen(store, sn.sn_name, NULL, NULL,
			    NULL, now) == -1)
				fatalx("store: %s", store_error(store));
		}
		break;
	default:
		fatalx("%s: IMSG_RPC_SENSOR: bad state", __func__);
	}
}

/*
 * A sensor that joins runs the configuration kept for it, or is sent it
 * now: what an admin set while it was away reaches it when it comes.
 */
static void
master_push(const struct rpc_sensor_msg *sn)
{
	struct imsgev	*iev = rpc_iev();
	char		*text, sha[65];
	size_t		 len;
	int		 rv;

	if (iev == NULL || (rv = store_config_get(store, sn->sn_name, &text,
	    &len)) == 0)
		return;
	if (rv == -1) {
		log_warnx("store: %s", store_error(store));
		return;
	}
	sha256_hex(text, len, sha);
	if (strcmp(sha, sn->sn_config) != 0) {
		log_info("sensor %s runs another configuration than the one "
		    "kept for it: sending it", sn->sn_name);
		if (imsgev_compose(iev, IMSG_RPC_PUSH, sn->sn_link, 0, -1,
		    text, len + 1) == -1)
			fatal("%s: compose", __func__);
	}
	free(text);
}

static int
sensor_item(void *arg, const struct store_sensor *ss)
{
	struct imsgev	*iev = arg;
	json_error_t	 jerr;
	json_t		*o, *feat = NULL;
	char		*text;
	size_t		 i;
	int		 on = 0, rv;

	/* The master's own events are counted too; it is no sensor. */
	if (strcmp(ss->ss_name, hs->p_conf->c_node.n_name) == 0)
		return (0);
	for (i = 0; i < nonline; i++)
		if (strcmp(online[i].on_name, ss->ss_name) == 0)
			on = 1;
	if (ss->ss_features != NULL)
		feat = json_loads(ss->ss_features, 0, &jerr);
	o = json_pack("{s:s, s:s, s:b, s:s, s:o, s:I, s:I, s:I}",
	    "name", ss->ss_name, "address", ss->ss_address, "online", on,
	    "mode", ss->ss_mode, "features", feat != NULL ? feat :
	    json_object(), "first_seen", (json_int_t)ss->ss_first_seen,
	    "last_seen", (json_int_t)ss->ss_last_seen,
	    "events", (json_int_t)ss->ss_events);
	if (o == NULL || (text = json_dumps(o, JSON_COMPACT |
	    JSON_ENSURE_ASCII)) == NULL) {
		json_decref(o);
		return (-1);
	}
	json_decref(o);
	rv = imsgev_compose(iev, IMSG_CTL_JSON, 0, 0, -1, text,
	    strlen(text) + 1);
	free(text);
	return (rv == -1 ? -1 : 0);
}

/* getSensors: every sensor ever seen, and whether it is linked now. */
int
master_ctl_sensors(struct imsgev *iev, char *why, size_t len)
{
	if (store == NULL) {
		(void)strlcpy(why, "getSensors: only a master knows sensors",
		    len);
		return (-1);
	}
	if (in_batch) {
		/* What the registry says must include this batch. */
		link_flush(-1, 0, NULL);
	}
	if (store_sensors(store, sensor_item, iev) == -1) {
		(void)snprintf(why, len, "getSensors: %s", store_error(store));
		return (-1);
	}
	return (0);
}

struct page {
	struct imsgev	*p_iev;
	size_t		 p_bytes;
	int64_t		 p_last;
	int		 p_full;
};

static int
event_item(void *arg, int64_t id, const char *json, size_t len)
{
	struct page	*p = arg;

	if (p->p_bytes > 0 && p->p_bytes + len > LINK_QUERY_BYTES) {
		p->p_full = 1;
		return (1);
	}
	p->p_bytes += len;
	p->p_last = id;
	if (len + 1 > HS_CTL_MAXMSG - 64)
		return (0);	/* cannot be one message; see the log */
	return (imsgev_compose(p->p_iev, IMSG_CTL_JSON, 0, 0, -1, json,
	    len + 1) == -1 ? -1 : 0);
}

/*
 * getEvents: one page, in the order they were stored, small enough to be
 * one RPC reply; the cursor says where the next page starts.
 */
int
master_ctl_events(struct imsgev *iev, const struct ctl_query *cq, char *why,
    size_t len)
{
	struct store_query	 sq;
	struct ctl_cursor	 cc;
	struct page		 p;
	int64_t			 next = 0;
	int			 rv;

	if (store == NULL) {
		(void)strlcpy(why, "getEvents: only a master stores events",
		    len);
		return (-1);
	}
	if (in_batch)
		link_flush(-1, 0, NULL);
	memset(&cc, 0, sizeof(cc));
	if (cq->cq_after == -1) {
		/* after=end: where a reader that wants only new ones starts */
		if (store_last_id(store, &cc.cc_last) == -1) {
			(void)snprintf(why, len, "getEvents: %s",
			    store_error(store));
			return (-1);
		}
		return (imsgev_compose(iev, IMSG_CTL_CURSOR, 0, 0, -1, &cc,
		    sizeof(cc)) == -1 ? -1 : 0);
	}
	memset(&sq, 0, sizeof(sq));
	sq.sq_since = cq->cq_since;
	sq.sq_until = cq->cq_until;
	sq.sq_after = cq->cq_after;
	sq.sq_limit = cq->cq_limit;
	sq.sq_sensor = cq->cq_sensor[0] != '\0' ? cq->cq_sensor : NULL;
	sq.sq_eventid = cq->cq_eventid[0] != '\0' ? cq->cq_eventid : NULL;
	sq.sq_src_ip = cq->cq_src_ip[0] != '\0' ? cq->cq_src_ip : NULL;
	sq.sq_session = cq->cq_session[0] != '\0' ? cq->cq_session : NULL;
	sq.sq_text = cq->cq_text[0] != '\0' ? cq->cq_text : NULL;
	memset(&p, 0, sizeof(p));
	p.p_iev = iev;
	p.p_last = cq->cq_after;
	rv = store_query(store, &sq, event_item, &p, &next);
	if (rv == -1) {
		(void)snprintf(why, len, "getEvents: %s", store_error(store));
		return (-1);
	}
	if (p.p_full)
		next = p.p_last;
	cc.cc_next = next;
	cc.cc_last = p.p_last;
	if (imsgev_compose(iev, IMSG_CTL_CURSOR, 0, 0, -1, &cc,
	    sizeof(cc)) == -1)
		return (-1);
	return (0);
}

/*
 * getStats: the overview of a time range, by default the last day, for
 * all sensors or one, all sources or one.
 */
int
master_ctl_stats(struct imsgev *iev, const struct ctl_query *cq, char *why,
    size_t len)
{
	struct store_query	 sq;
	struct timespec		 now;
	json_t			*o;
	char			*text;
	int			 rv;

	if (store == NULL) {
		(void)strlcpy(why, "getStats: only a master stores events",
		    len);
		return (-1);
	}
	if (in_batch)
		link_flush(-1, 0, NULL);
	(void)clock_gettime(CLOCK_REALTIME, &now);
	memset(&sq, 0, sizeof(sq));
	sq.sq_until = cq->cq_until != 0 ? cq->cq_until :
	    (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000 + 1;
	sq.sq_since = cq->cq_since != 0 ? cq->cq_since :
	    sq.sq_until - (int64_t)86400 * 1000000;
	sq.sq_sensor = cq->cq_sensor[0] != '\0' ? cq->cq_sensor : NULL;
	sq.sq_src_ip = cq->cq_src_ip[0] != '\0' ? cq->cq_src_ip : NULL;
	if ((o = store_stats(store, &sq)) == NULL) {
		(void)snprintf(why, len, "getStats: %s", store_error(store));
		return (-1);
	}
	text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (text == NULL) {
		(void)strlcpy(why, "getStats: out of memory", len);
		return (-1);
	}
	if (strlen(text) + 1 > HS_CTL_MAXMSG - 64) {
		free(text);
		(void)strlcpy(why, "getStats: too large a reply", len);
		return (-1);
	}
	rv = imsgev_compose(iev, IMSG_CTL_JSON, 0, 0, -1, text,
	    strlen(text) + 1);
	free(text);
	return (rv == -1 ? -1 : 0);
}

/* Retention: by age, then by size, once a minute. */
static void
master_expire(int fd, short event, void *arg)
{
	struct timeval	 tv = { LINK_EXPIRE_EVERY, 0 };
	int64_t		 cutoff = 0, deleted = 0;

	(void)fd;
	(void)event;
	(void)arg;
	if (store != NULL && !in_batch) {
		if (hs->p_conf->c_log.lg_retention > 0)
			cutoff = ((int64_t)time(NULL) -
			    (int64_t)hs->p_conf->c_log.lg_retention * 86400) *
			    1000000;
		if ((cutoff > 0 || hs->p_conf->c_log.lg_database_max > 0) &&
		    store_expire(store, cutoff,
		    hs->p_conf->c_log.lg_database_max, &deleted) == -1)
			log_warnx("store: retention: %s", store_error(store));
		else if (deleted > 0)
			log_info("store: retention removed %lld event%s",
			    (long long)deleted, deleted == 1 ? "" : "s");
	}
	if (evtimer_add(&expire_ev, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

/*
 * The CRL, read by us (the child cannot open files) and sent in pieces;
 * honeyspy-cert revoke replaces the file, and the next look sees it.
 */
/*
 * The revocation list this node checks its peers against: listen.crl on
 * a master, master.crl on a sensor; NULL for none.
 */
static const char *
crl_path(void)
{
	const char	*path = NULL;

	if (master_mode())
		path = hs->p_conf->c_listen.l_crl;
	else if (uplink_mode())
		path = hs->p_conf->c_master.m_crl;
	return (path != NULL && path[0] != '\0' ? path : NULL);
}

static void
crl_send(int first)
{
	struct imsgev	*iev = rpc_iev();
	struct stat	 st;
	const char	*path = crl_path();
	char		*buf;
	size_t		 len, off, n;

	if (iev == NULL || path == NULL)
		return;
	if (stat(path, &st) == -1) {
		if (first || crl_known)
			log_warn("CRL %s", path);
		crl_known = 0;
		return;
	}
	if (crl_known && st.st_ino == crl_st.st_ino &&
	    st.st_size == crl_st.st_size &&
	    st.st_mtim.tv_sec == crl_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == crl_st.st_mtim.tv_nsec)
		return;
	/* What was read is what is remembered: a later change is seen. */
	if ((buf = link_read_file(path, LINK_CRL_MAX, &len, &st)) == NULL) {
		log_warn("CRL %s", path);
		return;
	}
	if (len == 0) {
		log_warnx("CRL %s: empty", path);
		free(buf);
		return;
	}
	for (off = 0; off < len; off += n) {
		n = len - off > LINK_CRL_PIECE ? LINK_CRL_PIECE : len - off;
		if (imsgev_compose(iev, IMSG_RPC_CRL, off + n == len, 0, -1,
		    buf + off, n) == -1)
			fatal("%s: compose", __func__);
	}
	free(buf);
	if (crl_known)
		log_info("CRL %s changed: sent to the rpc child", path);
	crl_st = st;
	crl_known = 1;
}

static void
crl_check(int fd, short event, void *arg)
{
	struct timeval	 tv = { LINK_CRL_CHECK, 0 };

	(void)fd;
	(void)event;
	(void)arg;
	crl_send(0);
	if (evtimer_add(&crl_ev, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

/* SIGHUP: look at the CRL now rather than in a few seconds. */
void
link_reload(void)
{
	crl_send(0);
}

/* Shutting down: what is buffered goes to disk first. */
void
link_shutdown(void)
{
	if (flush_armed)
		evtimer_del(&flush_ev);
	if (spool != NULL) {
		if (spool_sync(spool) == -1)
			log_warnx("spool: %s", spool_error(spool));
		spool_close(spool);
		spool = NULL;
	}
	if (store != NULL) {
		if (in_batch && store_commit(store) == -1)
			log_warnx("store: %s", store_error(store));
		in_batch = 0;
		store_close(store);
		store = NULL;
	}
}

/*
 * Configurations a master keeps for its sensors.  A sensor runs the one
 * its master pushed, kept in log.spool, so that it restarts with it even
 * while the master is away; the file given with -f only bootstraps it.
 */
#define LINK_PUSHED	"pushed.yaml"

struct errlines {
	char	*el_buf;
	size_t	 el_size;
	size_t	 el_off;
	int	 el_n;
};

static void
errlines_add(void *arg, const char *line)
{
	struct errlines	*el = arg;
	int		 n;

	el->el_n++;
	if (el->el_off >= el->el_size)
		return;
	n = snprintf(el->el_buf + el->el_off, el->el_size - el->el_off,
	    "\n%s", line);
	if (n > 0)
		el->el_off += (size_t)n;
}

/* <log.spool>/pushed.yaml, or NULL when the path would not fit. */
const char *
link_pushed_config(const struct hs_config *c, char *buf, size_t len)
{
	int	 n;

	n = snprintf(buf, len, "%s/%s", c->c_log.lg_spool, LINK_PUSHED);
	if (n < 0 || (size_t)n >= len)
		return (NULL);
	return (buf);
}

/*
 * Whether text is a configuration this sensor may run: the parser's own
 * errors, every one, then what a pushed file must keep so that the
 * sensor still finds its master after it applied it.
 */
static struct hs_config *
link_check_config(const char *node, const char *text, size_t len,
    char *why, size_t whylen)
{
	struct hs_config	*c;
	struct errlines		 el;
	char			 name[HS_NAMELEN + 16];
	int			 n;

	(void)snprintf(name, sizeof(name), "setConfig(%s)", node);
	memset(&el, 0, sizeof(el));
	n = snprintf(why, whylen, "the configuration has errors:");
	el.el_buf = why;
	el.el_size = whylen;
	el.el_off = n > 0 && (size_t)n < whylen ? (size_t)n : whylen;
	config_set_errsink(errlines_add, &el);
	c = config_parse_buf(name, text, len);
	config_set_errsink(NULL, NULL);
	if (c == NULL)
		return (NULL);
	if (c->c_node.n_mode != NODEMODE_SENSOR)
		(void)snprintf(why, whylen, "node.mode must be sensor");
	else if (!c->c_master.m_configured)
		(void)snprintf(why, whylen, "a sensor's configuration must "
		    "keep its master section");
	else if (strcmp(c->c_node.n_name, node) != 0)
		(void)snprintf(why, whylen, "node.name is %s, not %s",
		    c->c_node.n_name, node);
	else
		return (c);
	config_free(c);
	return (NULL);
}

/* One JSON object as the reply's item; -1 if it cannot be one. */
static int
link_ctl_item(struct imsgev *iev, json_t *o, char *why, size_t len)
{
	char	*text;
	int	 rv = -1;

	if (o == NULL || (text = json_dumps(o, JSON_COMPACT |
	    JSON_ENSURE_ASCII)) == NULL) {
		(void)strlcpy(why, "out of memory", len);
		json_decref(o);
		return (-1);
	}
	json_decref(o);
	if (strlen(text) + 1 > HS_CTL_MAXMSG - 64)
		(void)strlcpy(why, "reply too large", len);
	else if (imsgev_compose(iev, IMSG_CTL_JSON, 0, 0, -1, text,
	    strlen(text) + 1) == -1)
		(void)strlcpy(why, "cannot reply", len);
	else
		rv = 0;
	free(text);
	return (rv);
}

/*
 * A whole small file, NUL-terminated, or NULL with errno (EFBIG beyond
 * max).  *st, when given, is what it was when it was read.
 */
static char *
link_read_file(const char *path, size_t max, size_t *len, struct stat *st)
{
	struct stat	 sb;
	char		*buf;
	size_t		 off;
	ssize_t		 n;
	int		 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (NULL);
	if (fstat(fd, &sb) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return (NULL);
	}
	if (sb.st_size < 0 || (size_t)sb.st_size > max) {
		close(fd);
		errno = EFBIG;
		return (NULL);
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		errno = ENOMEM;
		return (NULL);
	}
	for (off = 0; off < (size_t)sb.st_size; off += (size_t)n)
		if ((n = read(fd, buf + off, (size_t)sb.st_size - off)) <= 0)
			break;
	close(fd);
	if (off != (size_t)sb.st_size) {
		free(buf);
		errno = EIO;
		return (NULL);
	}
	buf[off] = '\0';
	*len = off;
	if (st != NULL)
		*st = sb;
	return (buf);
}

int
link_ctl_setconfig(struct imsgev *iev, const char *node, const char *text,
    size_t len, char *why, size_t whylen)
{
	static char		 pushed[PATH_MAX];
	struct hs_config	*c;
	struct timespec		 ts;
	char			 tmp[PATH_MAX];
	const char		*own = hs->p_conf->c_node.n_name;
	int			 fd;

	if (master_mode()) {
		if (node[0] == '\0') {
			(void)strlcpy(why, "setConfig: name the sensor",
			    whylen);
			return (-1);
		}
		if ((c = link_check_config(node, text, len, why,
		    whylen)) == NULL)
			return (-1);
		config_free(c);
		(void)clock_gettime(CLOCK_REALTIME, &ts);
		if (store_config_set(store, node, text, len,
		    (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000) == -1) {
			(void)snprintf(why, whylen, "setConfig: %s",
			    store_error(store));
			return (-1);
		}
		return (link_ctl_item(iev, json_pack("{s:s, s:b}", "node",
		    node, "stored", 1), why, whylen));
	}

	if (node[0] != '\0' && strcmp(node, own) != 0) {
		(void)snprintf(why, whylen, "this is %s, not %s", own, node);
		return (-1);
	}
	if (!hs->p_conf->c_master.m_configured) {
		(void)strlcpy(why, "setConfig: only a sensor with a master "
		    "runs pushed configurations", whylen);
		return (-1);
	}
	if ((c = link_check_config(own, text, len, why, whylen)) == NULL)
		return (-1);
	config_free(c);
	/* Whole or not at all: a crash leaves the old file or the new. */
	if (link_pushed_config(hs->p_conf, pushed, sizeof(pushed)) == NULL ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", pushed) >= (int)sizeof(tmp)) {
		(void)strlcpy(why, "log.spool: path too long", whylen);
		return (-1);
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0640)) == -1 || write(fd, text, len) != (ssize_t)len ||
	    fsync(fd) == -1 || close(fd) == -1 || rename(tmp, pushed) == -1) {
		(void)snprintf(why, whylen, "%s: %s", pushed, strerror(errno));
		if (fd != -1)
			(void)close(fd);
		(void)unlink(tmp);
		return (-1);
	}
	hs->p_conffile = pushed;
	sha256_hex(text, len, hs_config_sha);
	log_info("configuration pushed by the master kept in %s", pushed);
	if (parent_reload() == -1) {
		(void)snprintf(why, whylen, "%s: kept, but the reload failed "
		    "(see the log)", pushed);
		return (-1);
	}
	return (link_ctl_item(iev, json_pack("{s:s, s:b, s:s}", "node", own,
	    "applied", 1, "file", pushed), why, whylen));
}

int
link_ctl_getconfig(struct imsgev *iev, const char *node, char *why,
    size_t whylen)
{
	char	*text;
	size_t	 len;
	int	 rv;

	if (master_mode()) {
		if (node[0] == '\0') {
			(void)strlcpy(why, "getConfig: name the sensor",
			    whylen);
			return (-1);
		}
		if ((rv = store_config_get(store, node, &text, &len)) == -1) {
			(void)snprintf(why, whylen, "getConfig: %s",
			    store_error(store));
			return (-1);
		}
		if (rv == 0) {
			(void)snprintf(why, whylen, "no configuration kept "
			    "for %s", node);
			return (-1);
		}
	} else if ((text = link_read_file(hs->p_conffile, HS_CONFIG_MAX, &len, NULL)) == NULL) {
		(void)snprintf(why, whylen, "%s: %s", hs->p_conffile,
		    strerror(errno));
		return (-1);
	}
	rv = link_ctl_item(iev, json_pack("{s:s, s:s%}", "node", node[0] !=
	    '\0' ? node : hs->p_conf->c_node.n_name, "config", text, len),
	    why, whylen);
	free(text);
	return (rv);
}
