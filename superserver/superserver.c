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

/* superserver: accepts, limits and relays connections to service programs. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "hs_event.h"
#include "log.h"
#include "net.h"
#include "proc.h"
#include "service.h"
#include "util.h"
#include "superserver/superserver.h"

#define SS_CHUNK		4096		/* bytes per transcript event */
#define SS_GATHER_MS		100	/* a TCP chunk gathers this long */
#define SS_READ_MAX		(4 * SS_CHUNK)	/* bytes per read */
#define SS_READS		8	/* reads per wake-up, at most */
#define SS_HIGHWATER		(256 * 1024)	/* stop reading the other side */
#define SS_ACCEPT_BATCH		64
#define SS_MAX_SOURCES		65536		/* per service */
#define SS_SWEEP		1		/* seconds between sweeps */
#define SS_DGRAM_MAX		65536
#define SS_LINGER		2	/* seconds to read after the answer */
#define SS_POOL_SIZE		128	/* socketpairs made ahead, per type */
#define SS_IN			0
#define SS_OUT			1
#define SS_DEC			2	/* what the service decoded of the input */
#define SS_NDIR			3
/*
 * The analyser's id for each: the session's id, with the top bit flipped
 * for its output and the next one for the decoded input.
 */
#define SS_OUTPUT_ID(id)	((id) ^ (1ULL << 63))
#define SS_DECODED_ID(id)	((id) ^ (1ULL << 62))
#define SS_HOSTS_MAX		4096	/* sources whose os we keep */
#define SS_PACKETS_MAX		1024	/* packets out with the analyser */
#define SS_DETECT_WAIT		30	/* seconds for the analyser's verdict */
#define SS_DETECT_QUEUE		2048	/* messages queued for it, at most */
#define SS_DETECT_STAGE		2048	/* bytes held back per direction */
#define SS_DETECT_BACKOFF_MAX	60	/* seconds between restarts */

struct ss_service;

/* What we know about one source address of one service. */
struct ss_source {
	RB_ENTRY(ss_source)	 src_entry;
	int			 src_af;
	uint8_t			 src_addr[16];
	char			 src_text[HS_ADDRSTRLEN];
	int			 src_sessions;
	time_t			 src_window;	/* start of the rate window */
	int			 src_new;	/* admitted in the window */
	int			 src_limited;	/* refused in the window */
	const char		*src_why;	/* the last reason */
};
RB_HEAD(ss_sources, ss_source);

/* One side of a TCP session: the client's socket, or the program's. */
struct ss_end {
	int			 e_fd;		/* -1: closed */
	struct event		 e_rd;
	struct event		 e_wr;
	struct evbuffer		*e_out;		/* what it has not taken yet */
	int			 e_reading;	/* e_rd is added */
	int			 e_writing;	/* e_wr is added */
	int			 e_eof;		/* it sent all it will */
};

struct ss_session {
	RB_ENTRY(ss_session)	 ses_entry;	/* by id */
	RB_ENTRY(ss_session)	 ses_peer_entry;	/* UDP: by peer */
	uint64_t		 ses_id;
	struct ss_service	*ses_svc;
	struct ss_source	*ses_src;
	int			 ses_af;
	uint8_t			 ses_saddr[16];
	uint8_t			 ses_daddr[16];
	char			 ses_stext[HS_ADDRSTRLEN];
	char			 ses_dtext[HS_ADDRSTRLEN];
	int			 ses_sport;
	int			 ses_dport;
	struct sockaddr_storage	 ses_peer;	/* UDP: where replies go */
	socklen_t		 ses_peerlen;
	struct ss_end		 ses_c;		/* TCP: the client */
	struct ss_end		 ses_p;		/* TCP: the program */
	int			 ses_pfd;	/* UDP: program's datagrams */
	struct event		 ses_pev;	/* UDP */
	struct event		 ses_timer;	/* whole session */
	struct event		 ses_idle;	/* UDP silence */
	struct timespec		 ses_start;
	uint64_t		 ses_in;
	uint64_t		 ses_out;
	uint64_t		 ses_recorded;
	EVP_MD_CTX		*ses_sha;	/* of everything received */
	json_t			*ses_fields;	/* shared by its events */
	char			*ses_common;	/* the same, dumped once */
	int			 ses_spawning;	/* no answer from the spawner yet */
	int			 ses_exited;	/* its program and group are gone */
	const char		*ses_ending;	/* closed, waiting for that answer */
	struct timespec		 ses_end;
	int			 ses_evfd;	/* the program's events, or -1 */
	struct event		 ses_evev;
	struct evbuffer		*ses_evbuf;
	int			 ses_evskip;	/* inside an over-long line */
	uint64_t		 ses_evbytes;
	uint64_t		 ses_evdropped;
	/* exploit detection */
	/*
	 * per direction: [SS_IN] what the client sent, [SS_OUT] replies,
	 * [SS_DEC] what the service decoded of the input (ses_events_line)
	 */
	int			 ses_detect[SS_NDIR];	/* the analyser has some */
	int			 ses_dwait;	/* verdicts still to come */
	const char		*ses_derror;	/* why it has no verdict */
	int			 ses_dtruncated;
	uint64_t		 ses_dsent[SS_NDIR];
	unsigned char		*ses_dstage[SS_NDIR];	/* held back, not sent */
	size_t			 ses_dstaged[SS_NDIR];
	size_t			 ses_dstagesz[SS_NDIR];	/* allocated */
	uint64_t		 ses_dpayload[SS_NDIR]; /* artifact bytes passed on */
	struct event		 ses_dtimer;
	int			 ses_dtimed;	/* ses_dtimer is set */
	json_t			*ses_detections;
	char			 ses_artifact[SS_NDIR][65];
	int			 ses_finishing;
	int			 ses_lingering;	/* TCP: answered, still reading */
	struct event		 ses_ltimer;
	/* TCP: the transcript chunk being gathered, one direction's */
	unsigned char		*ses_chunk;
	size_t			 ses_chunklen;
	size_t			 ses_chunksz;	/* allocated */
	int			 ses_chunkdir;
	struct timespec		 ses_chunkts;	/* when its first byte came */
	struct event		 ses_ctimer;
	int			 ses_ctimed;	/* ses_ctimer is set */
};
RB_HEAD(ss_sessions, ss_session);
RB_HEAD(ss_peers, ss_session);

/* What capture's fingerprints say a source runs. */
struct ss_host {
	RB_ENTRY(ss_host)	 sh_entry;
	TAILQ_ENTRY(ss_host)	 sh_lru;
	int			 sh_af;
	uint8_t			 sh_addr[16];
	char			 sh_os[HS_NAMELEN];
};
RB_HEAD(ss_hosts, ss_host);
TAILQ_HEAD(ss_hostlru, ss_host);

/* A captured packet's payload, out with the analyser. */
struct ss_packet {
	RB_ENTRY(ss_packet)	 pk_entry;
	uint64_t		 pk_id;
	json_t			*pk_fields;	/* its flow, for the events */
	json_t			*pk_events;	/* held until the artifact */
	uint64_t		 pk_sent;
	uint64_t		 pk_payload;
};
RB_HEAD(ss_packets, ss_packet);

struct ss_service {
	TAILQ_ENTRY(ss_service)	 svc_entry;
	struct service_msg	 svc_sv;
	int			 svc_fd;
	int			 svc_sockaf;	/* the listening socket's */
	/* Bound to one address, which is then every connection's. */
	struct sockaddr_storage	 svc_local;
	int			 svc_local_fixed;	/* else getsockname */
	struct event		 svc_ev;
	struct event		 svc_pause;
	int			 svc_listening;
	int			 svc_deleted;
	int			 svc_sessions;
	int			 svc_nsources;
	int			 svc_failing;	/* program would not start */
	struct ss_sources	 svc_sources;
	struct ss_peers		 svc_peers;	/* UDP sessions */
};

/*
 * Socketpairs for sessions, made ahead in batches, their program ends
 * already with the spawner; a spawn request then names one instead of
 * carrying it.  The kernel queues its AF_UNIX garbage collector, a
 * kworker's run, at every release of an AF_UNIX socket while any such
 * socket is in flight anywhere: with a socket in each request, one was in
 * flight nearly all the time under load (1.7 runs per connection with 32
 * in flight; 0.26 with pairs made ahead, which are in flight only while
 * a batch crosses).  One pool per socket type, started by the first
 * session of that type.
 */
struct ss_pool {
	int			 pl_type;	/* SOCK_STREAM, SOCK_DGRAM */
	int			 pl_fd[SS_POOL_SIZE];	/* our ends */
	uint32_t		 pl_id[SS_POOL_SIZE];
	size_t			 pl_head;
	size_t			 pl_count;
};

static TAILQ_HEAD(, ss_service)	 services = TAILQ_HEAD_INITIALIZER(services);
static struct ss_sessions	 sessions = RB_INITIALIZER(&sessions);
static struct imsgev		*iev_parent;
static struct imsgev		 iev_spawner;
static int			 spawner_attached;
static int			 draining;
static struct ss_hosts		 hosts = RB_INITIALIZER(&hosts);
static struct ss_hostlru	 hostlru = TAILQ_HEAD_INITIALIZER(hostlru);
static size_t			 nhosts;
static struct ss_packets	 packets = RB_INITIALIZER(&packets);
static size_t			 npackets;
static struct ss_pool		 pools[] = {
	{ .pl_type = SOCK_STREAM }, { .pl_type = SOCK_DGRAM }
};
static uint32_t			 pair_last;	/* ids: never 0 */
static int			 pool_failing;	/* socketpair(2) failed */
static size_t			 pool_size = SS_POOL_SIZE;	/* or fewer */

/*
 * The payload analyser: honeyspy-detect -w, a program the spawner runs
 * for us.  It sees every session's input; it may crash or be killed by
 * its own limits, and then we start another, with growing pauses.
 */
static int			 detect_wanted;
static int			 detect_up;
static int			 detect_spawning;
static uint64_t			 detect_id;
static struct imsgev		 iev_detect;
static struct bufferevent	*detect_err;
static struct event		 ev_detect_retry;
static int			 detect_backoff;
static time_t			 detect_since;
static char			 sensor[HS_NAMELEN] = "unknown";
static struct event		 ev_sweep;
static struct event_base	*base;
static unsigned char		 dgram[SS_DGRAM_MAX];
static EVP_MD			*sha256;	/* fetched once, not per session */

static int	superserver_dispatch_parent(struct imsgev *, struct imsg *);
static int	superserver_dispatch_spawner(struct imsgev *, struct imsg *);
static void	superserver_drain(void);
static void	spawner_closed(struct imsgev *);
static struct ss_service *svc_find(uint32_t);
static void	svc_listen(struct ss_service *, int);
static int	sockaddr_fixed(const struct sockaddr_storage *);
static void	svc_delete(struct ss_service *);
static void	svc_release(struct ss_service *);
static void	svc_accept(int, short, void *);
static void	svc_resume(int, short, void *);
static void	svc_udp_read(int, short, void *);
static void	sweep(int, short, void *);
static struct ss_source *src_get(struct ss_service *, int, const uint8_t *,
		    const char *);
static int	src_admit(struct ss_service *, struct ss_source *, time_t);
static void	src_flush(struct ss_service *, struct ss_source *);
static struct ss_session *ses_new(struct ss_service *, struct ss_source *,
		    const struct sockaddr_storage *,
		    const struct sockaddr_storage *, int);
static void	ses_close(struct ss_session *, const char *);
static void	ses_finish(struct ss_session *);
static void	ses_final(struct ss_session *);
static int	tcp_answered(struct ss_session *);
static void	tcp_linger_timeout(int, short, void *);
static void	ses_detect_timeout(int, short, void *);
static void	detect_start(void);
static void	detect_retry(int, short, void *);
static void	detect_lost(const char *);
static void	detect_closed(struct imsgev *);
static void	detect_stderr(struct bufferevent *, void *);
static void	detect_stderr_event(struct bufferevent *, short, void *);
static int	superserver_dispatch_detect(struct imsgev *, struct imsg *);
static int	detect_finding(struct imsg *);
static int	detect_payload(struct imsg *);
static int	detect_done(struct imsg *);
static void	detect_feed(struct ss_session *, int, const void *, size_t);
static void	detect_send(struct ss_session *, int, const void *, size_t);
static void	ses_decoded(struct ss_session *, const char *, json_t *);
static uint64_t	detect_id_of(const struct ss_session *, int);
static int	detect_any(const struct ss_session *);
static const char *detect_dirname(int);
static void	detect_unstage(struct ss_session *, int, int);
static struct ss_session *detect_owner(uint64_t, int *);
static void	ses_events_attach(struct ss_session *, int);
static void	ses_events_read(int, short, void *);
static int	ses_events_pull(struct ss_session *);
static void	ses_events_line(struct ss_session *, const char *, size_t);
static int	prog_eventid_ok(const char *);
static void	ses_record(struct ss_session *, int, const void *, size_t);
static void	ses_send_bytes(struct ss_session *, int, const void *, size_t,
		    const struct timespec *);
static void	ses_gather(struct ss_session *, int, const void *, size_t);
static void	ses_chunk_send(struct ss_session *);
static void	ses_chunk_due(int, short, void *);
static void	ses_send_at(struct ss_session *, json_t *,
		    const struct timespec *);
static void	grow(unsigned char **, size_t *, size_t, size_t);
static int	ses_spawn(struct ss_session *, int, uint32_t);
static int	pair_make(int, int [2]);
static struct ss_pool *pool_of(int);
static int	pool_take(struct ss_pool *, uint32_t *);
static void	pool_fill(struct ss_pool *);
static void	ses_timeout(int, short, void *);
static void	ses_idle(int, short, void *);
static size_t	end_pending(const struct ss_end *);
static void	end_watch(struct ss_end *, struct event *, int *, int);
static void	end_reading(struct ss_end *, int);
static void	end_writing(struct ss_end *, int);
static void	end_open(struct ss_end *, int, void (*)(int, short, void *),
		    void (*)(int, short, void *), struct ss_session *);
static void	end_close(struct ss_end *);
static int	end_send(struct ss_end *, const void *, size_t);
static int	end_flush(struct ss_end *);
static ssize_t	end_read(struct ss_end *, unsigned char *, size_t);
static void	tcp_client_read(int, short, void *);
static void	tcp_client_eof(struct ss_session *);
static void	tcp_prog_read(int, short, void *);
static int	tcp_prog_relay(struct ss_session *, const unsigned char *,
		    size_t);
static int	tcp_prog_done(struct ss_session *, int);
static void	tcp_client_write(int, short, void *);
static void	tcp_prog_write(int, short, void *);
static void	udp_prog_read(int, short, void *);
static void	event_send(json_t *);
static json_t	*ses_event(struct ss_session *, const char *);
static void	ses_send(struct ss_session *, json_t *);
static char	*ses_common(json_t *);
static int	ses_reserved(struct ss_session *, const char *);
static int	ses_cmp(struct ss_session *, struct ss_session *);
static int	peer_cmp(struct ss_session *, struct ss_session *);
static int	src_cmp(struct ss_source *, struct ss_source *);
static int	host_cmp(struct ss_host *, struct ss_host *);
static int	packet_cmp(struct ss_packet *, struct ss_packet *);
static const char *host_os(int, const uint8_t *);
static void	host_learn(struct imsg *);
static void	packet_analyse(struct imsg *);
static void	packet_free(struct ss_packet *, int);
static struct ss_packet *packet_find(uint64_t);

/* libbsd leaves __unused undefined (it clashes with Linux headers). */
#define SS_RB_ATTR	__attribute__((__unused__)) static
RB_GENERATE_INTERNAL(ss_sessions, ss_session, ses_entry, ses_cmp, SS_RB_ATTR)
RB_GENERATE_INTERNAL(ss_peers, ss_session, ses_peer_entry, peer_cmp,
    SS_RB_ATTR)
RB_GENERATE_INTERNAL(ss_sources, ss_source, src_entry, src_cmp, SS_RB_ATTR)
RB_GENERATE_INTERNAL(ss_hosts, ss_host, sh_entry, host_cmp, SS_RB_ATTR)
RB_GENERATE_INTERNAL(ss_packets, ss_packet, pk_entry, packet_cmp, SS_RB_ATTR)

static int
ses_cmp(struct ss_session *a, struct ss_session *b)
{
	return (a->ses_id < b->ses_id ? -1 : a->ses_id > b->ses_id);
}

static int
peer_cmp(struct ss_session *a, struct ss_session *b)
{
	if (a->ses_peerlen != b->ses_peerlen)
		return (a->ses_peerlen < b->ses_peerlen ? -1 : 1);
	return (memcmp(&a->ses_peer, &b->ses_peer, a->ses_peerlen));
}

static int
src_cmp(struct ss_source *a, struct ss_source *b)
{
	if (a->src_af != b->src_af)
		return (a->src_af < b->src_af ? -1 : 1);
	return (memcmp(a->src_addr, b->src_addr, sizeof(a->src_addr)));
}

__attribute__((__noreturn__)) void
superserver_main(const struct proc_def *pd)
{
	struct hello_msg	 hm;
	struct timeval		 tv = { SS_SWEEP, 0 };
	struct rlimit		 rl;

	proc_child_init(pd, &hm);
	proc_child_jail(pd, &hm);
	/* OpenSSL may read its configuration here, before the sandbox. */
	if ((sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		fatalx("%s: EVP_MD_fetch SHA256", __func__);
	/*
	 * A pool holds one of our descriptors per pair: both together at
	 * most an eighth of what we may open, never what sessions need.
	 */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 16 < pool_size)
		pool_size = (size_t)rl.rlim_cur / 16;
	proc_child_setup_done(pd, &hm);
	base = proc_child_base();
	evtimer_set(&ev_detect_retry, detect_retry, NULL);
	evtimer_set(&ev_sweep, sweep, NULL);
	if (evtimer_add(&ev_sweep, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
	iev_parent = proc_child_iev();
	if (imsgbuf_set_maxsize(&iev_parent->ibuf, HS_EVENT_MAX + 1024) == -1)
		fatal("%s: imsgbuf_set_maxsize", __func__);
	proc_child_run(pd, superserver_dispatch_parent);
}

static struct ss_service *
svc_find(uint32_t id)
{
	struct ss_service	*svc;

	TAILQ_FOREACH(svc, &services, svc_entry)
		if (svc->svc_sv.sv_id == id && !svc->svc_deleted)
			return (svc);
	return (NULL);
}

/* Hand a finished event to the parent, which owns the event log. */
static void
event_send(json_t *ev)
{
	char	*line;

	if (ev == NULL) {
		log_warnx("%s: cannot build event", __func__);
		return;
	}
	if ((line = hs_event_dump(ev, HS_EVENT_MAX - 1)) == NULL)
		log_warn("%s: event_dump", __func__);
	else if (imsgev_compose_later(iev_parent, IMSG_EVENT, 0, 0, line,
	    strlen(line) + 1) == -1)
		fatal("%s: compose", __func__);
	free(line);
	json_decref(ev);
}

/*
 * The fields every event of a session carries (its id, the service, the
 * flow and its Community ID) are worked out once, when it starts.
 */
static json_t *
ses_fields(struct ss_session *ses)
{
	const char	*os;
	json_t		*f;
	char		 id[17];

	if ((f = json_object()) == NULL)
		return (NULL);
	(void)snprintf(id, sizeof(id), "%016llx",
	    (unsigned long long)ses->ses_id);
	if (hs_event_set_str(f, "session", id) == -1 ||
	    hs_event_set_str(f, "service", ses->ses_svc->svc_sv.sv_name) == -1 ||
	    hs_event_set_flow(f, ses->ses_af, ses->ses_saddr, ses->ses_daddr,
	    (uint8_t)ses->ses_svc->svc_sv.sv_proto, (uint16_t)ses->ses_sport,
	    (uint16_t)ses->ses_dport) == -1 ||
	    ((os = host_os(ses->ses_af, ses->ses_saddr)) != NULL &&
	    hs_event_set_str(f, "os", os) == -1)) {
		json_decref(f);
		return (NULL);
	}
	return (f);
}

/* The shared members, dumped, without the braces around them. */
static char *
ses_common(json_t *fields)
{
	char	*s;
	size_t	 len;

	if (fields == NULL ||
	    (s = hs_event_dump(fields, HS_EVENT_MAX / 2)) == NULL)
		return (NULL);
	if ((len = strlen(s)) < 2) {
		free(s);
		return (NULL);
	}
	memmove(s, s + 1, len - 2);
	s[len - 2] = '\0';
	return (s);
}

static json_t *
ses_event(struct ss_session *ses, const char *eventid)
{
	json_t	*ev;

	if (ses->ses_common == NULL || (ev = json_object()) == NULL)
		return (NULL);
	if (hs_event_set_str(ev, "eventid", eventid) == -1) {
		json_decref(ev);
		return (NULL);
	}
	return (ev);
}

/*
 * A session's event: what ses_event made, with its own members added.
 * The time, the sensor and the session's shared members go in here, the
 * shared ones as dumped once when the session began.
 */
static void
ses_send(struct ss_session *ses, json_t *ev)
{
	ses_send_at(ses, ev, NULL);
}

/* The same for what happened at *ts. */
static void
ses_send_at(struct ss_session *ses, json_t *ev, const struct timespec *ts)
{
	const char	*id;
	json_t		*head;
	char		*line;

	if (ev == NULL ||
	    (id = json_string_value(json_object_get(ev, "eventid"))) == NULL ||
	    (head = hs_event_new_at(id, sensor, ts)) == NULL) {
		log_warnx("%s: cannot build event", __func__);
		json_decref(ev);
		return;
	}
	(void)json_object_del(ev, "eventid");
	if ((line = hs_event_dump_joined(head, ses->ses_common, ev,
	    HS_EVENT_MAX - 1)) == NULL)
		log_warn("%s: event_dump", __func__);
	else if (imsgev_compose_later(iev_parent, IMSG_EVENT, 0, 0, line,
	    strlen(line) + 1) == -1)
		fatal("%s: compose", __func__);
	free(line);
	json_decref(head);
	json_decref(ev);
}

/* A member that ses_send sets for every event of the session. */
static int
ses_reserved(struct ss_session *ses, const char *key)
{
	return (strcmp(key, "eventid") == 0 || strcmp(key, "timestamp") == 0 ||
	    strcmp(key, "sensor") == 0 ||
	    json_object_get(ses->ses_fields, key) != NULL);
}

/* Bound to one address, not to the any-address of its family. */
static int
sockaddr_fixed(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;

	switch (ss->ss_family) {
	case AF_INET:
		return (sin->sin_addr.s_addr != htonl(INADDR_ANY));
	case AF_INET6:
		return (!IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr));
	}
	return (0);
}

/*
 * Start listening: on the fd the binder made, or, without one (user
 * mode), on a socket of our own.  The parent learns either way.
 */
static void
svc_listen(struct ss_service *svc, int fd)
{
	struct service_msg	*sv = &svc->svc_sv;
	struct bind_reply	 br;
	int			 af;

	memset(&br, 0, sizeof(br));
	br.br_id = sv->sv_id;
	if (svc->svc_listening) {
		if (fd != -1)
			close(fd);
		br.br_errno = EALREADY;
		(void)strlcpy(br.br_reason, "already listening",
		    sizeof(br.br_reason));
		goto reply;
	}
	if (fd == -1) {
		af = sv->sv_af == AF_UNSPEC ? AF_INET6 : sv->sv_af;
		if ((fd = net_listen(af, sv->sv_addr, sv->sv_proto,
		    sv->sv_port, br.br_reason, sizeof(br.br_reason))) == -1) {
			br.br_errno = errno;
			goto reply;
		}
	}
	svc->svc_fd = fd;
	svc->svc_sockaf = sv->sv_af;
	{
		struct sockaddr_storage	 ss;
		socklen_t		 sslen = sizeof(ss);

		if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0) {
			svc->svc_sockaf = ss.ss_family;
			svc->svc_local = ss;
			svc->svc_local_fixed = sockaddr_fixed(&ss);
		}
	}
	if (sv->sv_proto == IPPROTO_TCP)
		event_set(&svc->svc_ev, fd, EV_READ | EV_PERSIST, svc_accept,
		    svc);
	else
		event_set(&svc->svc_ev, fd, EV_READ | EV_PERSIST, svc_udp_read,
		    svc);
	evtimer_set(&svc->svc_pause, svc_resume, svc);
	if (event_add(&svc->svc_ev, NULL) == -1)
		fatal("%s: event_add", __func__);
	svc->svc_listening = 1;
 reply:
	if (imsgev_compose(iev_parent, IMSG_SS_LISTENING, 0, 0, -1, &br,
	    sizeof(br)) == -1)
		fatal("%s: compose", __func__);
}

/*
 * Stop taking new sessions; running ones finish.  The listening fd of a
 * UDP service carries its replies, so it stays open until they end.
 */
static void
svc_delete(struct ss_service *svc)
{
	struct ss_source	*src, *next;

	if (svc->svc_listening) {
		event_del(&svc->svc_ev);
		evtimer_del(&svc->svc_pause);
	}
	RB_FOREACH_SAFE(src, ss_sources, &svc->svc_sources, next)
		src_flush(svc, src);
	svc->svc_deleted = 1;
	if (svc->svc_sessions == 0)
		svc_release(svc);
}

static void
svc_release(struct ss_service *svc)
{
	struct ss_source	*src, *next;

	RB_FOREACH_SAFE(src, ss_sources, &svc->svc_sources, next) {
		RB_REMOVE(ss_sources, &svc->svc_sources, src);
		free(src);
	}
	if (svc->svc_listening)
		close(svc->svc_fd);
	TAILQ_REMOVE(&services, svc, svc_entry);
	free(svc);
}

static void
svc_resume(int fd, short event, void *arg)
{
	struct ss_service	*svc = arg;

	(void)fd;
	(void)event;
	if (!svc->svc_deleted && event_add(&svc->svc_ev, NULL) == -1)
		fatal("%s: event_add", __func__);
}

/* Out of descriptors: stop this listener for a second, do not spin. */
static void
svc_pause(struct ss_service *svc)
{
	struct timeval	 tv = { 1, 0 };

	log_warn("service %s: accept", svc->svc_sv.sv_name);
	event_del(&svc->svc_ev);
	if (evtimer_add(&svc->svc_pause, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

static struct ss_source *
src_get(struct ss_service *svc, int af, const uint8_t *addr, const char *text)
{
	struct ss_source	 key, *src;

	memset(&key, 0, sizeof(key));
	key.src_af = af;
	memcpy(key.src_addr, addr, sizeof(key.src_addr));
	if ((src = RB_FIND(ss_sources, &svc->svc_sources, &key)) != NULL)
		return (src);
	/* A flood from ever new addresses must not grow us without bound. */
	if (svc->svc_nsources >= SS_MAX_SOURCES)
		return (NULL);
	if ((src = calloc(1, sizeof(*src))) == NULL) {
		log_warn("%s: calloc", __func__);
		return (NULL);
	}
	*src = key;
	(void)strlcpy(src->src_text, text, sizeof(src->src_text));
	src->src_window = time(NULL);
	RB_INSERT(ss_sources, &svc->svc_sources, src);
	svc->svc_nsources++;
	return (src);
}

/* Report what a source was refused in its window: one event, a count. */
static void
src_flush(struct ss_service *svc, struct ss_source *src)
{
	json_t	*ev;

	if (src->src_limited == 0)
		return;
	if ((ev = hs_event_new("honeyspy.session.limited", sensor)) != NULL &&
	    (hs_event_set_str(ev, "service", svc->svc_sv.sv_name) == -1 ||
	    hs_event_set_str(ev, "src_ip", src->src_text) == -1 ||
	    hs_event_set_str(ev, "dst_ip", svc->svc_sv.sv_addrtext) == -1 ||
	    hs_event_set_int(ev, "dst_port", svc->svc_sv.sv_port) == -1 ||
	    hs_event_set_str(ev, "protocol", svc->svc_sv.sv_proto ==
	    IPPROTO_UDP ? "udp" : "tcp") == -1 ||
	    hs_event_set_int(ev, "count", src->src_limited) == -1 ||
	    hs_event_set_int(ev, "window", svc->svc_sv.sv_window) == -1 ||
	    hs_event_set_str(ev, "limit", src->src_why) == -1)) {
		json_decref(ev);
		ev = NULL;
	}
	event_send(ev);
	src->src_limited = 0;
}

/*
 * Concurrent sessions per service and per source, and new sessions per
 * source per window.  Refusals are only counted here; src_flush reports
 * them once per window so that a flood cannot flood the log.
 */
static int
src_admit(struct ss_service *svc, struct ss_source *src, time_t now)
{
	const struct service_msg	*sv = &svc->svc_sv;

	if (now - src->src_window >= svc->svc_sv.sv_window) {
		src_flush(svc, src);
		src->src_window = now;
		src->src_new = 0;
	}
	if (svc->svc_sessions >= sv->sv_connections)
		src->src_why = "connections";
	else if (src->src_sessions >= sv->sv_per_source)
		src->src_why = "per_source";
	else if (src->src_new >= sv->sv_rate)
		src->src_why = "rate";
	else {
		src->src_new++;
		return (1);
	}
	src->src_limited++;
	return (0);
}

/* Report finished windows and forget idle sources. */
static void
sweep(int fd, short event, void *arg)
{
	struct ss_service	*svc;
	struct ss_source	*src, *next;
	struct timeval		 tv = { SS_SWEEP, 0 };
	time_t			 now = time(NULL);

	(void)fd;
	(void)event;
	(void)arg;
	TAILQ_FOREACH(svc, &services, svc_entry) {
		RB_FOREACH_SAFE(src, ss_sources, &svc->svc_sources, next) {
			if (now - src->src_window < svc->svc_sv.sv_window)
				continue;
			src_flush(svc, src);
			if (src->src_sessions > 0) {
				src->src_window = now;
				src->src_new = 0;
				continue;
			}
			RB_REMOVE(ss_sources, &svc->svc_sources, src);
			svc->svc_nsources--;
			free(src);
		}
	}
	if (evtimer_add(&ev_sweep, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

/* The 16-byte form of a printable address, as the events want it. */
static int
addr_bytes(int af, const char *text, uint8_t *out)
{
	memset(out, 0, 16);
	return (inet_pton(af, text, out) == 1 ? 0 : -1);
}

/*
 * A new session for an admitted peer.  fd is the accepted TCP socket, or
 * -1 for UDP.  The program's end of a socketpair goes to the spawner.
 */
static struct ss_session *
ses_new(struct ss_service *svc, struct ss_source *src,
    const struct sockaddr_storage *peer, const struct sockaddr_storage *local,
    int fd)
{
	struct ss_session	*ses;
	struct ss_pool		*pl;
	struct timeval		 tv;
	uint32_t		 pair;
	int			 sp[2], type, af, spawned;

	if ((ses = calloc(1, sizeof(*ses))) == NULL) {
		log_warn("%s: calloc", __func__);
		return (NULL);
	}
	type = svc->svc_sv.sv_proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	arc4random_buf(&ses->ses_id, sizeof(ses->ses_id));
	ses->ses_svc = svc;
	ses->ses_src = src;
	ses->ses_c.e_fd = ses->ses_p.e_fd = -1;
	ses->ses_pfd = -1;
	ses->ses_evfd = -1;
	af = net_addrtext(peer, ses->ses_stext, sizeof(ses->ses_stext),
	    &ses->ses_sport);
	if (net_addrtext(local, ses->ses_dtext, sizeof(ses->ses_dtext),
	    &ses->ses_dport) != af || af == -1 ||
	    addr_bytes(af, ses->ses_stext, ses->ses_saddr) == -1 ||
	    addr_bytes(af, ses->ses_dtext, ses->ses_daddr) == -1) {
		log_warnx("%s: unusable addresses", __func__);
		free(ses);
		return (NULL);
	}
	/* A pair made ahead, or, while there is none, one made now. */
	pl = pool_of(type);
	sp[1] = -1;
	if ((sp[0] = pool_take(pl, &pair)) == -1 &&
	    pair_make(type, sp) == -1) {
		log_warn("%s: socketpair", __func__);
		free(ses);
		return (NULL);
	}
	ses->ses_af = af;
	memcpy(&ses->ses_peer, peer, sizeof(ses->ses_peer));
	ses->ses_peerlen = peer->ss_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	/* The program starts while we set up the rest. */
	spawned = ses_spawn(ses, sp[1], pair) == 0;
	/*
	 * After the request, which need not wait for them.  The spawner
	 * only needs them before the requests that name them, so the pool
	 * may run low, down to an eighth or empty: the larger a batch, the
	 * fewer times one crosses.
	 */
	if (pl->pl_count <= pool_size / 8)
		pool_fill(pl);
	if ((ses->ses_sha = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ses->ses_sha, sha256, NULL) != 1)
		fatalx("%s: EVP_DigestInit_ex", __func__);
	ses->ses_fields = ses_fields(ses);
	ses->ses_common = ses_common(ses->ses_fields);
	(void)clock_gettime(CLOCK_REALTIME, &ses->ses_start);

	if (type == SOCK_STREAM) {
		end_open(&ses->ses_c, fd, tcp_client_read, tcp_client_write,
		    ses);
		end_open(&ses->ses_p, sp[0], tcp_prog_read, tcp_prog_write,
		    ses);
	} else {
		ses->ses_pfd = sp[0];
		event_set(&ses->ses_pev, sp[0], EV_READ | EV_PERSIST,
		    udp_prog_read, ses);
		if (event_add(&ses->ses_pev, NULL) == -1)
			fatal("%s: event_add", __func__);
		evtimer_set(&ses->ses_idle, ses_idle, ses);
		tv.tv_sec = svc->svc_sv.sv_idle;
		tv.tv_usec = 0;
		if (evtimer_add(&ses->ses_idle, &tv) == -1)
			fatal("%s: evtimer_add", __func__);
		RB_INSERT(ss_peers, &svc->svc_peers, ses);
	}
	evtimer_set(&ses->ses_timer, ses_timeout, ses);
	tv.tv_sec = svc->svc_sv.sv_timeout;
	tv.tv_usec = 0;
	if (evtimer_add(&ses->ses_timer, &tv) == -1)
		fatal("%s: evtimer_add", __func__);

	RB_INSERT(ss_sessions, &sessions, ses);
	svc->svc_sessions++;
	src->src_sessions++;
	ses_send(ses, ses_event(ses, "honeyspy.session.connect"));
	if (!spawned)
		ses_close(ses, "no spawner");
	return (ses);
}

/*
 * Ask the spawner for a program on the other end of the socketpair: the
 * pair made ahead, or fd, which we always give away; -1 when there is no
 * spawner to ask.
 */
static int
ses_spawn(struct ss_session *ses, int fd, uint32_t pair)
{
	struct spawn_msg	 sm;
	const char		*os;

	memset(&sm, 0, sizeof(sm));
	sm.sp_session = ses->ses_id;
	sm.sp_pair = pair;
	sm.sp_service = ses->ses_svc->svc_sv.sv_id;
	sm.sp_proto = ses->ses_svc->svc_sv.sv_proto;
	(void)strlcpy(sm.sp_src, ses->ses_stext, sizeof(sm.sp_src));
	(void)strlcpy(sm.sp_dst, ses->ses_dtext, sizeof(sm.sp_dst));
	sm.sp_sport = ses->ses_sport;
	sm.sp_dport = ses->ses_dport;
	if ((os = host_os(ses->ses_af, ses->ses_saddr)) != NULL)
		(void)strlcpy(sm.sp_remote_os, os, sizeof(sm.sp_remote_os));
	if (!spawner_attached) {
		if (fd != -1)
			close(fd);
		return (-1);
	}
	if (imsgev_compose(&iev_spawner, IMSG_SPAWN_REQ, 0, 0, fd, &sm,
	    sizeof(sm)) == -1)
		fatal("%s: compose", __func__);
	ses->ses_spawning = 1;
	return (0);
}

static struct ss_pool *
pool_of(int type)
{
	return (type == SOCK_STREAM ? &pools[0] : &pools[1]);
}

/* Our end of the oldest pair made ahead, and its id; -1 if none. */
static int
pool_take(struct ss_pool *pl, uint32_t *id)
{
	int	 fd;

	*id = 0;
	if (pl->pl_count == 0)
		return (-1);
	fd = pl->pl_fd[pl->pl_head];
	*id = pl->pl_id[pl->pl_head];
	pl->pl_head = (pl->pl_head + 1) % SS_POOL_SIZE;
	pl->pl_count--;
	return (fd);
}

/*
 * A session's socketpair.  Both ends non-blocking: the flag belongs to
 * each end's file, and the spawner clears it on the program's, whose
 * reads of its stdin are expected to block.
 */
static int
pair_make(int type, int sp[2])
{
	return (socketpair(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0,
	    sp));
}

/*
 * Make pairs until the pool is full, each program end sent to the spawner
 * ahead of the request that will name it.  A failure leaves the pool
 * short; sessions then make their own.
 */
static void
pool_fill(struct ss_pool *pl)
{
	struct spawn_pair	 spp;
	size_t			 slot;
	int			 sp[2];

	while (spawner_attached && pl->pl_count < pool_size) {
		if (pair_make(pl->pl_type, sp) == -1) {
			/* Said once: each session that then fails says so. */
			if (!pool_failing)
				log_warn("%s: socketpair", __func__);
			pool_failing = 1;
			return;
		}
		pool_failing = 0;
		if (++pair_last == 0)
			pair_last = 1;
		memset(&spp, 0, sizeof(spp));
		spp.spp_pair = pair_last;
		spp.spp_type = pl->pl_type;
		if (imsgev_compose(&iev_spawner, IMSG_SPAWN_PAIR, 0, 0, sp[1],
		    &spp, sizeof(spp)) == -1)
			fatal("%s: compose", __func__);
		slot = (pl->pl_head + pl->pl_count) % SS_POOL_SIZE;
		pl->pl_fd[slot] = sp[0];
		pl->pl_id[slot] = pair_last;
		pl->pl_count++;
	}
}

/*
 * One chunk of the session in one direction: hashed and counted always,
 * kept in the transcript while the session's budget lasts.
 */
static void
ses_record(struct ss_session *ses, int input, const void *data, size_t len)
{
	int64_t	 budget = ses->ses_svc->svc_sv.sv_transcript;
	size_t	 keep = len, chunk;

	if (input) {
		ses->ses_in += len;
		if (EVP_DigestUpdate(ses->ses_sha, data, len) != 1)
			fatalx("%s: EVP_DigestUpdate", __func__);
		detect_feed(ses, SS_IN, data, len);
	} else {
		ses->ses_out += len;
		detect_feed(ses, SS_OUT, data, len);
	}
	if ((int64_t)ses->ses_recorded >= budget)
		return;
	if ((int64_t)(ses->ses_recorded + keep) > budget)
		keep = (size_t)(budget - (int64_t)ses->ses_recorded);
	ses->ses_recorded += keep;
	if (ses->ses_pfd == -1) {
		ses_gather(ses, input ? SS_IN : SS_OUT, data, keep);
		return;
	}
	/*
	 * A datagram is a record of its own, cut in chunks: the worst
	 * encoding (\u00XX for every byte) of SS_CHUNK bytes stays far below
	 * an event's size limit, so no datagram, however large, loses its
	 * record.
	 */
	while (keep > 0) {
		chunk = keep > SS_CHUNK ? SS_CHUNK : keep;
		ses_send_bytes(ses, input, data, chunk, NULL);
		data = (const unsigned char *)data + chunk;
		keep -= chunk;
	}
}

/* One transcript event: bytes of one direction, from *ts (NULL: now). */
static void
ses_send_bytes(struct ss_session *ses, int input, const void *data,
    size_t len, const struct timespec *ts)
{
	json_t	*ev;

	ev = ses_event(ses, input ? "honeyspy.session.input" :
	    "honeyspy.session.output");
	if (ev != NULL && hs_event_set_bytes(ev, input ? "input" : "output",
	    data, len) == -1) {
		json_decref(ev);
		ev = NULL;
	}
	ses_send_at(ses, ev, ts);
}

/*
 * A TCP stream's bytes gather into chunks: a chunk holds one direction's
 * bytes for SS_GATHER_MS from its first, SS_CHUNK at most, and leaves
 * early when the other side speaks, the program reports an event or the
 * session ends.  A peer sending
 * a byte per segment, or a program writing a byte at a time, would
 * otherwise make an event per byte.
 */
static void
ses_gather(struct ss_session *ses, int dir, const void *data, size_t len)
{
	struct timeval	 tv = { 0, SS_GATHER_MS * 1000 };
	size_t		 n;

	if (ses->ses_chunklen > 0 && ses->ses_chunkdir != dir)
		ses_chunk_send(ses);
	while (len > 0) {
		if (ses->ses_chunklen == 0) {
			ses->ses_chunkdir = dir;
			(void)clock_gettime(CLOCK_REALTIME, &ses->ses_chunkts);
		}
		n = SS_CHUNK - ses->ses_chunklen;
		if (n > len)
			n = len;
		grow(&ses->ses_chunk, &ses->ses_chunksz, ses->ses_chunklen + n,
		    SS_CHUNK);
		memcpy(ses->ses_chunk + ses->ses_chunklen, data, n);
		ses->ses_chunklen += n;
		data = (const unsigned char *)data + n;
		len -= n;
		if (ses->ses_chunklen == SS_CHUNK)
			ses_chunk_send(ses);
	}
	if (ses->ses_chunklen > 0 && !ses->ses_ctimed) {
		evtimer_set(&ses->ses_ctimer, ses_chunk_due, ses);
		if (evtimer_add(&ses->ses_ctimer, &tv) == -1)
			fatal("%s: evtimer_add", __func__);
		ses->ses_ctimed = 1;
	}
}

/* The chunk gathered so far, as an event with its first byte's time. */
static void
ses_chunk_send(struct ss_session *ses)
{
	if (ses->ses_ctimed) {
		evtimer_del(&ses->ses_ctimer);
		ses->ses_ctimed = 0;
	}
	if (ses->ses_chunklen == 0)
		return;
	ses_send_bytes(ses, ses->ses_chunkdir == SS_IN, ses->ses_chunk,
	    ses->ses_chunklen, &ses->ses_chunkts);
	ses->ses_chunklen = 0;
}

static void
ses_chunk_due(int fd, short event, void *arg)
{
	struct ss_session	*ses = arg;

	(void)fd;
	(void)event;
	ses->ses_ctimed = 0;
	ses_chunk_send(ses);
}

/*
 * Room for need bytes in *p, doubling from a small start up to max: most
 * sessions say a few lines, and a block of the full size for each would
 * be a large allocation.
 */
static void
grow(unsigned char **p, size_t *size, size_t need, size_t max)
{
	unsigned char	*n;
	size_t		 sz;

	if (need <= *size)
		return;
	sz = *size == 0 ? 256 : *size;
	while (sz < need)
		sz *= 2;
	if (sz > max)
		sz = max;
	if ((n = realloc(*p, sz)) == NULL)
		fatal("%s: realloc", __func__);
	*p = n;
	*size = sz;
}

static int
ses_over_budget(struct ss_session *ses)
{
	int64_t	 max = ses->ses_svc->svc_sv.sv_bytes;

	return (max > 0 && (int64_t)(ses->ses_in + ses->ses_out) > max);
}

/* How much input one side has not taken yet. */
static size_t
end_pending(const struct ss_end *e)
{
	return (e->e_out == NULL ? 0 : evbuffer_get_length(e->e_out));
}

/* Start (on) or stop one of a side's events; *added says which it is. */
static void
end_watch(struct ss_end *e, struct event *ev, int *added, int on)
{
	if (e->e_fd == -1 || *added == on)
		return;
	if ((on ? event_add(ev, NULL) : event_del(ev)) == -1)
		fatal("%s: event", __func__);
	*added = on;
}

/* Start (on) or stop watching one side for input. */
static void
end_reading(struct ss_end *e, int on)
{
	end_watch(e, &e->e_rd, &e->e_reading, on);
}

/* Start (on) or stop waiting for room on one side. */
static void
end_writing(struct ss_end *e, int on)
{
	end_watch(e, &e->e_wr, &e->e_writing, on);
}

static void
end_open(struct ss_end *e, int fd, void (*rd)(int, short, void *),
    void (*wr)(int, short, void *), struct ss_session *ses)
{
	e->e_fd = fd;
	event_set(&e->e_rd, fd, EV_READ | EV_PERSIST, rd, ses);
	event_set(&e->e_wr, fd, EV_WRITE | EV_PERSIST, wr, ses);
	end_reading(e, 1);
}

static void
end_close(struct ss_end *e)
{
	if (e->e_fd == -1)
		return;
	end_reading(e, 0);
	end_writing(e, 0);
	close(e->e_fd);
	e->e_fd = -1;
	if (e->e_out != NULL) {
		evbuffer_free(e->e_out);
		e->e_out = NULL;
	}
}

/*
 * Hand bytes to one side: at once when nothing waits before them, else
 * queued behind what does, with a write event to take it from there.
 * -1 with errno when the side can take nothing any more.
 */
static int
end_send(struct ss_end *e, const void *data, size_t len)
{
	ssize_t	n = 0;

	if (end_pending(e) == 0) {
		if ((n = write(e->e_fd, data, len)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				return (-1);
			n = 0;
		}
		if ((size_t)n == len)
			return (0);
	}
	if (e->e_out == NULL && (e->e_out = evbuffer_new()) == NULL)
		fatal("%s: evbuffer_new", __func__);
	if (evbuffer_add(e->e_out, (const unsigned char *)data + n,
	    len - (size_t)n) == -1)
		fatal("%s: evbuffer_add", __func__);
	end_writing(e, 1);
	return (0);
}

/*
 * Write what waits for one side.  1 when it all went, 0 when some is
 * left for the next write event, -1 with errno when the side is gone.
 */
static int
end_flush(struct ss_end *e)
{
	int	n;

	while (end_pending(e) > 0) {
		if ((n = evbuffer_write(e->e_out, e->e_fd)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return (0);
			return (-1);
		}
		if (n == 0)
			return (0);
	}
	end_writing(e, 0);
	return (1);
}

/*
 * One read from one side into buf: the byte count, 0 at end-of-file,
 * -1 with EAGAIN when nothing is there, -1 with another errno on error.
 */
static ssize_t
end_read(struct ss_end *e, unsigned char *buf, size_t len)
{
	ssize_t	n;

	while ((n = read(e->e_fd, buf, len)) == -1 && errno == EINTR)
		;
	return (n);
}

/*
 * The client sent something.  While the program runs it goes there,
 * recorded on the way; once the program is done (or while we linger),
 * it is recorded and let go.  We read until the socket is empty, a few
 * times at most: a line and the EOF behind it then take one wake-up.
 */
static void
tcp_client_read(int fd, short event, void *arg)
{
	struct ss_session	*ses = arg;
	unsigned char		 buf[SS_READ_MAX];
	ssize_t			 n;
	int			 failed, reads = 0;

	(void)fd;
	(void)event;
	do {
		if ((n = end_read(&ses->ses_c, buf, sizeof(buf))) == -1) {
			if (errno != EAGAIN)
				ses_close(ses, "client");
			return;
		}
		if (n == 0) {
			tcp_client_eof(ses);
			return;
		}
		/* Passed on first, then recorded: the program waits, the log can. */
		failed = !ses->ses_p.e_eof && end_send(&ses->ses_p, buf,
		    (size_t)n) == -1;
		ses_record(ses, 1, buf, (size_t)n);
		/* After a close the session may be gone: touch nothing. */
		if (failed && tcp_prog_done(ses, 1) == -1)
			return;
		if (ses_over_budget(ses)) {
			ses_close(ses, "bytes");
			return;
		}
	} while (++reads < SS_READS && ses->ses_c.e_reading);
	/* A program that does not read must not make us buffer without end. */
	if (end_pending(&ses->ses_p) >= SS_HIGHWATER)
		end_reading(&ses->ses_c, 0);
}

/*
 * The client is done sending.  The program still gets what is queued
 * for it and then EOF, and may go on answering until it closes its end.
 */
static void
tcp_client_eof(struct ss_session *ses)
{
	ses->ses_c.e_eof = 1;
	end_reading(&ses->ses_c, 0);
	if (ses->ses_p.e_eof) {
		if (end_pending(&ses->ses_c) == 0)
			ses_close(ses, "service");
		return;
	}
	if (end_pending(&ses->ses_p) == 0)
		(void)shutdown(ses->ses_p.e_fd, SHUT_WR);
}

/* The program said something: to the client, recorded on the way. */
static void
tcp_prog_read(int fd, short event, void *arg)
{
	struct ss_session	*ses = arg;
	unsigned char		 buf[SS_READ_MAX];
	ssize_t			 n;
	int			 reads = 0;

	(void)fd;
	(void)event;
	do {
		if ((n = end_read(&ses->ses_p, buf, sizeof(buf))) == -1) {
			if (errno != EAGAIN)
				(void)tcp_prog_done(ses, 1);
			return;
		}
		if (n == 0) {
			(void)tcp_prog_done(ses, 0);
			return;
		}
		if (tcp_prog_relay(ses, buf, (size_t)n) == -1)
			return;
	} while (++reads < SS_READS && ses->ses_p.e_reading);
	if (end_pending(&ses->ses_c) >= SS_HIGHWATER)
		end_reading(&ses->ses_p, 0);
}

/* -1 when the session ended on the way. */
static int
tcp_prog_relay(struct ss_session *ses, const unsigned char *data, size_t len)
{
	int	failed;

	/* Passed on first, then recorded: the client waits, the log can. */
	failed = end_send(&ses->ses_c, data, len) == -1;
	ses_record(ses, 0, data, len);
	if (failed) {
		ses_close(ses, "client");
		return (-1);
	}
	if (ses_over_budget(ses)) {
		ses_close(ses, "bytes");
		return (-1);
	}
	return (0);
}

/*
 * The program closed its end, exited, or stopped reading: flush to the
 * client, then end.  A program that exits without reading all we sent
 * resets the socket, and what it said last is still unread there: take
 * it all before giving up on that side, or the client never gets the
 * answer and the transcript misses it.  A client that only half-closed
 * still reads the answer, so its output drains first either way;
 * tcp_client_write finishes the job.  drain: after an error, when data
 * may still wait.  -1 when the session ended, and may be gone.
 */
static int
tcp_prog_done(struct ss_session *ses, int drain)
{
	unsigned char	 buf[SS_READ_MAX];
	ssize_t		 n;
	int		 resets = 0;

	if (ses->ses_p.e_eof)
		return (0);
	ses->ses_p.e_eof = 1;
	/* The reset is reported once, then the data follow. */
	while (drain) {
		n = end_read(&ses->ses_p, buf, sizeof(buf));
		if (n == -1 && errno == ECONNRESET && resets++ == 0)
			continue;
		if (n <= 0)
			break;
		if (tcp_prog_relay(ses, buf, (size_t)n) == -1)
			return (-1);
	}
	end_close(&ses->ses_p);
	if (end_pending(&ses->ses_c) == 0)
		return (tcp_answered(ses));
	return (0);
}

/* The client took what was queued for it; more may come now. */
static void
tcp_client_write(int fd, short event, void *arg)
{
	struct ss_session	*ses = arg;
	int			 r;

	(void)fd;
	(void)event;
	if ((r = end_flush(&ses->ses_c)) == -1) {
		ses_close(ses, "client");
		return;
	}
	if (ses->ses_p.e_eof) {
		if (r == 1)
			(void)tcp_answered(ses);
		return;
	}
	if (end_pending(&ses->ses_c) < SS_HIGHWATER / 2)
		end_reading(&ses->ses_p, 1);
}

/* The program took what was queued for it: more from the client, or EOF. */
static void
tcp_prog_write(int fd, short event, void *arg)
{
	struct ss_session	*ses = arg;
	int			 r;

	(void)fd;
	(void)event;
	if ((r = end_flush(&ses->ses_p)) == -1) {
		(void)tcp_prog_done(ses, 1);
		return;
	}
	if (ses->ses_c.e_eof) {
		if (r == 1)
			(void)shutdown(ses->ses_p.e_fd, SHUT_WR);
		return;
	}
	if (end_pending(&ses->ses_p) < SS_HIGHWATER / 2)
		end_reading(&ses->ses_c, 1);
}

/*
 * The program is done and the client has all of its answer.  Closing
 * now, with client data unread, would send a reset, and a reset makes
 * the client's kernel drop whatever of the answer it has not read yet.
 * So, like Apache's lingering close, we only stop sending, and read and
 * record what still comes for a moment before we close.  The side that
 * closed first is the one that ended the session.  -1 when the session
 * ended, and may be gone.
 */
static int
tcp_answered(struct ss_session *ses)
{
	struct timeval	 tv = { SS_LINGER, 0 };

	if (ses->ses_c.e_eof) {
		ses_close(ses, "client");
		return (-1);
	}
	if (ses->ses_lingering)
		return (0);
	ses->ses_lingering = 1;
	(void)shutdown(ses->ses_c.e_fd, SHUT_WR);
	end_reading(&ses->ses_c, 1);
	evtimer_set(&ses->ses_ltimer, tcp_linger_timeout, ses);
	if (evtimer_add(&ses->ses_ltimer, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
	return (0);
}

static void
tcp_linger_timeout(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	ses_close(arg, "service");
}

static void
ses_timeout(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	ses_close(arg, "timeout");
}

static void
ses_idle(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	ses_close(arg, "idle");
}

static void
ses_idle_reset(struct ss_session *ses)
{
	struct timeval	 tv = { ses->ses_svc->svc_sv.sv_idle, 0 };

	if (evtimer_add(&ses->ses_idle, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

/*
 * End a session: its I/O stops and its program's process group is killed
 * (it may outlive its socket) within moments.  The closed event waits
 * for the spawner's answer to our request, because that answer carries
 * the program's event pipe: what a quick program said before it exited
 * is still in the pipe, and it belongs before the totals.
 */
static void
ses_close(struct ss_session *ses, const char *why)
{
	struct ss_service	*svc = ses->ses_svc;
	struct spawn_reply	 sr;

	if (ses->ses_ending != NULL)
		return;
	ses->ses_ending = why;
	(void)clock_gettime(CLOCK_REALTIME, &ses->ses_end);

	/*
	 * The spawner ends a group when its leader exits; else we ask.  The
	 * request may wait a few ms for company: mostly the program is
	 * exiting anyway, and its exit and our request cross.
	 */
	memset(&sr, 0, sizeof(sr));
	sr.sr_session = ses->ses_id;
	if (spawner_attached && !ses->ses_exited &&
	    imsgev_compose_later(&iev_spawner, IMSG_SPAWN_KILL, 0, 0, &sr,
	    sizeof(sr)) == -1)
		fatal("%s: compose", __func__);

	evtimer_del(&ses->ses_timer);
	if (ses->ses_lingering)
		evtimer_del(&ses->ses_ltimer);
	end_close(&ses->ses_c);
	end_close(&ses->ses_p);
	if (ses->ses_pfd != -1) {
		event_del(&ses->ses_pev);
		evtimer_del(&ses->ses_idle);
		close(ses->ses_pfd);
		ses->ses_pfd = -1;
		RB_REMOVE(ss_peers, &svc->svc_peers, ses);
	}
	/* Recorded once the client has its end of file, not before. */
	ses_chunk_send(ses);
	if (!ses->ses_spawning)
		ses_finish(ses);
}

/*
 * The program's last events, then the analyser's verdict on the input,
 * then one closed event with the totals.
 */
static void
ses_finish(struct ss_session *ses)
{
	struct detect_data	 dd;
	struct timeval		 tv = { SS_DETECT_WAIT, 0 };
	int			 dir;

	if (ses->ses_finishing)
		return;
	ses->ses_finishing = 1;
	if (ses->ses_evfd != -1) {
		while (ses_events_pull(ses) > 0)
			;
		/* A last line without its newline still counts. */
		if (!ses->ses_evskip && evbuffer_get_length(ses->ses_evbuf) > 0)
			ses_events_line(ses, (const char *)evbuffer_pullup(
			    ses->ses_evbuf, -1), evbuffer_get_length(
			    ses->ses_evbuf));
		event_del(&ses->ses_evev);
		close(ses->ses_evfd);
		evbuffer_free(ses->ses_evbuf);
		ses->ses_evfd = -1;
	}
	for (dir = 0; dir < SS_NDIR; dir++)
		detect_unstage(ses, dir, detect_up && !draining &&
		    ses->ses_derror == NULL);
	if (detect_up && !draining) {
		for (dir = 0; dir < SS_NDIR; dir++) {
			if (!ses->ses_detect[dir])
				continue;
			dd.dd_session = detect_id_of(ses, dir);
			if (imsgev_compose_later(&iev_detect, IMSG_DETECT_END,
			    0, 0, &dd, sizeof(dd)) == -1)
				fatal("%s: compose", __func__);
			ses->ses_dwait++;
		}
		if (ses->ses_dwait > 0) {
			evtimer_set(&ses->ses_dtimer, ses_detect_timeout, ses);
			if (evtimer_add(&ses->ses_dtimer, &tv) == -1)
				fatal("%s: evtimer_add", __func__);
			ses->ses_dtimed = 1;
			return;
		}
	}
	if (detect_any(ses) && ses->ses_derror == NULL)
		ses->ses_derror = draining ? "shutdown" : "analyser down";
	ses_final(ses);
}

static void
ses_detect_timeout(int fd, short event, void *arg)
{
	struct ss_session	*ses = arg;

	(void)fd;
	(void)event;
	log_warnx("session %016llx: no verdict from the analyser in %d s",
	    (unsigned long long)ses->ses_id, SS_DETECT_WAIT);
	ses->ses_derror = "timeout";
	ses->ses_dwait = 0;
	ses_final(ses);
}

/* The closed event, and the session is gone. */
static void
ses_final(struct ss_session *ses)
{
	struct ss_service	*svc = ses->ses_svc;
	const char		*os;
	unsigned char		 digest[32];
	unsigned int		 dlen;
	json_t			*ev;
	double			 duration;
	size_t			 i;
	int			 dir;

	if (ses->ses_dtimed)
		evtimer_del(&ses->ses_dtimer);
	ses->ses_dwait = 0;
	duration = (double)(ses->ses_end.tv_sec - ses->ses_start.tv_sec) +
	    (double)(ses->ses_end.tv_nsec - ses->ses_start.tv_nsec) / 1e9;
	if (EVP_DigestFinal_ex(ses->ses_sha, digest, &dlen) != 1)
		fatalx("%s: EVP_DigestFinal_ex", __func__);
	EVP_MD_CTX_free(ses->ses_sha);
	if ((ev = ses_event(ses, "honeyspy.session.closed")) != NULL &&
	    (hs_event_set_int(ev, "bytes_in", (long long)ses->ses_in) == -1 ||
	    hs_event_set_int(ev, "bytes_out", (long long)ses->ses_out) == -1 ||
	    hs_event_set_double(ev, "duration", duration) == -1 ||
	    hs_event_set_sha256(ev, "sha256", digest) == -1 ||
	    hs_event_set_str(ev, "closed_by", ses->ses_ending) == -1 ||
	    (ses->ses_evdropped > 0 && hs_event_set_int(ev, "events_dropped",
	    (long long)ses->ses_evdropped) == -1) ||
	    (ses->ses_detections != NULL && json_object_set(ev, "detections",
	    ses->ses_detections) == -1) ||
	    (ses->ses_artifact[SS_IN][0] != '\0' && hs_event_set_str(ev,
	    "artifact", ses->ses_artifact[SS_IN]) == -1) ||
	    (ses->ses_artifact[SS_OUT][0] != '\0' && hs_event_set_str(ev,
	    "artifact_output", ses->ses_artifact[SS_OUT]) == -1) ||
	    (ses->ses_artifact[SS_DEC][0] != '\0' && hs_event_set_str(ev,
	    "artifact_decoded", ses->ses_artifact[SS_DEC]) == -1) ||
	    (ses->ses_dtruncated && hs_event_set_int(ev,
	    "detect_truncated", 1) == -1) ||
	    (ses->ses_derror != NULL && hs_event_set_str(ev, "detect_error",
	    ses->ses_derror) == -1) ||
	    (json_object_get(ses->ses_fields, "os") == NULL &&
	    (os = host_os(ses->ses_af, ses->ses_saddr)) != NULL &&
	    hs_event_set_str(ev, "os", os) == -1))) {
		json_decref(ev);
		ev = NULL;
	}
	ses_send(ses, ev);
	json_decref(ses->ses_detections);

	RB_REMOVE(ss_sessions, &sessions, ses);
	ses->ses_src->src_sessions--;
	json_decref(ses->ses_fields);
	free(ses->ses_common);
	for (dir = 0; dir < SS_NDIR; dir++)
		detect_unstage(ses, dir, 0);
	free(ses->ses_chunk);
	free(ses);
	if (--svc->svc_sessions == 0 && svc->svc_deleted)
		svc_release(svc);
	/*
	 * Quiet again: pools that are in use fill up, so that a quiet
	 * superserver always holds the same descriptors.
	 */
	if (RB_EMPTY(&sessions))
		for (i = 0; i < sizeof(pools) / sizeof(pools[0]); i++)
			if (pools[i].pl_count > 0)
				pool_fill(&pools[i]);
}

/* The read end of the pipe that is the program's stderr, non-blocking. */
static void
ses_events_attach(struct ss_session *ses, int fd)
{
	if ((ses->ses_evbuf = evbuffer_new()) == NULL)
		fatal("%s: evbuffer_new", __func__);
	ses->ses_evfd = fd;
	event_set(&ses->ses_evev, fd, EV_READ | EV_PERSIST, ses_events_read,
	    ses);
	if (ses->ses_ending == NULL && event_add(&ses->ses_evev, NULL) == -1)
		fatal("%s: event_add", __func__);
}

static void
ses_events_read(int fd, short event, void *arg)
{
	struct ss_session	*ses = arg;

	(void)fd;
	(void)event;
	if (ses_events_pull(ses) == 0)
		event_del(&ses->ses_evev);
}

/*
 * Read what is there and handle every whole line: 1 more may follow,
 * 0 end of file or error, -1 nothing now.  A line longer than an event
 * may be is dropped up to its newline and counted, never buffered.
 */
static int
ses_events_pull(struct ss_session *ses)
{
	struct evbuffer_ptr	 eol;
	unsigned char		 buf[SS_CHUNK];
	size_t			 len;
	char			*line;
	ssize_t			 n;

	n = read(ses->ses_evfd, buf, sizeof(buf));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return (-1);
	if (n > 0 && evbuffer_add(ses->ses_evbuf, buf, (size_t)n) == -1)
		fatal("%s: evbuffer_add", __func__);
	for (;;) {
		eol = evbuffer_search_eol(ses->ses_evbuf, NULL, &len,
		    EVBUFFER_EOL_LF);
		if (eol.pos == -1) {
			if (evbuffer_get_length(ses->ses_evbuf) <
			    HS_PROG_EVENT_MAX)
				break;
			/* Too long already: drop it as it arrives. */
			if (!ses->ses_evskip)
				ses->ses_evdropped++;
			ses->ses_evskip = 1;
			(void)evbuffer_drain(ses->ses_evbuf,
			    evbuffer_get_length(ses->ses_evbuf));
			break;
		}
		if (ses->ses_evskip || (size_t)eol.pos >= HS_PROG_EVENT_MAX) {
			if (!ses->ses_evskip)
				ses->ses_evdropped++;
			ses->ses_evskip = 0;
			(void)evbuffer_drain(ses->ses_evbuf,
			    (size_t)eol.pos + len);
			continue;
		}
		line = (char *)evbuffer_pullup(ses->ses_evbuf, eol.pos + 1);
		ses_events_line(ses, line, (size_t)eol.pos);
		(void)evbuffer_drain(ses->ses_evbuf, (size_t)eol.pos + len);
	}
	return (n > 0 ? 1 : 0);
}

/*
 * Areas only we may speak for: a program must not be able to forge a
 * session's totals, a sensor's state or an RPC record.
 */
static int
prog_eventid_ok(const char *id)
{
	static const char *const reserved[] = {
		"honeyspy.session.", "honeyspy.sensor.", "honeyspy.rpc."
	};
	const char	*p, *dot;
	size_t		 i;

	if (strncmp(id, "honeyspy.", 9) != 0 || strlen(id) > HS_NAMELEN)
		return (0);
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strncmp(id, reserved[i], strlen(reserved[i])) == 0)
			return (0);
	p = id + 9;
	if ((dot = strchr(p, '.')) == NULL || dot == p || dot[1] == '\0')
		return (0);
	for (; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_' || (*p == '.' && p == dot)))
			return (0);
	return (1);
}

/*
 * Attacker text that the transcript shows only encrypted or encoded, as
 * the service decoded it: a shell's command lines (SSH), login names and
 * passwords (SSH, SMTP AUTH).  The analyser gets it as the session's
 * third stream, a line each.  Other events repeat what the transcript
 * already shows in clear, and would only find the same things twice.
 */
static void
ses_decoded(struct ss_session *ses, const char *id, json_t *in)
{
	static const char *const keys[] = { "input", "username", "password" };
	unsigned char	*b;
	size_t		 i, n;

	if (strcmp(id, "honeyspy.command.input") != 0 &&
	    strcmp(id, "honeyspy.login.failed") != 0 &&
	    strcmp(id, "honeyspy.login.success") != 0)
		return;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if ((b = hs_event_get_bytes(in, keys[i], &n)) == NULL)
			continue;
		detect_feed(ses, SS_DEC, b, n);
		detect_feed(ses, SS_DEC, "\n", 1);
		free(b);
	}
}

/*
 * One line from the program.  A JSON object with a proper eventid is
 * its event: our fields (time, sensor, session, flow) replace any it
 * set.  Anything else, a honeyd script's complaint say, is kept as the
 * program's message.  Either way it counts against the transcript
 * budget, so a program echoing an attacker cannot flood the log.
 */
static void
ses_events_line(struct ss_session *ses, const char *line, size_t len)
{
	json_error_t	 err;
	json_t		*in, *ev = NULL, *v;
	const char	*id, *key;
	int		 ok = 0;

	if (len == 0)
		return;
	if ((int64_t)(ses->ses_evbytes + len) >
	    ses->ses_svc->svc_sv.sv_transcript) {
		ses->ses_evdropped++;
		return;
	}
	ses->ses_evbytes += len;
	in = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
	    &err);
	if (json_is_object(in) &&
	    (id = json_string_value(json_object_get(in, "eventid"))) != NULL &&
	    prog_eventid_ok(id) && (ev = ses_event(ses, id)) != NULL) {
		ok = 1;
		ses_decoded(ses, id, in);
		json_object_foreach(in, key, v) {
			if (strlen(key) > HS_NAMELEN ||
			    key[strspn(key, "abcdefghijklmnopqrstuvwxyz"
			    "0123456789_")] != '\0') {
				ok = 0;
				break;
			}
			if (json_object_get(ev, key) == NULL &&
			    !ses_reserved(ses, key) &&
			    json_object_set(ev, key, v) == -1) {
				ok = 0;
				break;
			}
		}
	}
	json_decref(in);
	if (!ok) {
		json_decref(ev);
		if ((ev = ses_event(ses, "honeyspy.service.message")) != NULL &&
		    hs_event_set_bytes(ev, "message", line, len) == -1) {
			json_decref(ev);
			ev = NULL;
		}
	}
	/* What the program heard before it spoke goes first in the log. */
	ses_chunk_send(ses);
	ses_send(ses, ev);
}

static void
svc_accept(int lfd, short event, void *arg)
{
	struct ss_service	*svc = arg;
	struct ss_source	*src;
	struct sockaddr_storage	 peer, local;
	socklen_t		 plen, llen;
	char			 text[HS_ADDRSTRLEN];
	uint8_t			 addr[16];
	time_t			 now = time(NULL);
	int			 i, fd, af, port;

	(void)event;
	for (i = 0; i < SS_ACCEPT_BATCH; i++) {
		plen = sizeof(peer);
		if ((fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
			if (errno == EMFILE || errno == ENFILE)
				svc_pause(svc);
			else if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("service %s: accept",
				    svc->svc_sv.sv_name);
			return;
		}
		llen = sizeof(local);
		if (svc->svc_local_fixed)
			local = svc->svc_local;
		else if (getsockname(fd, (struct sockaddr *)&local,
		    &llen) == -1) {
			close(fd);
			continue;
		}
		if ((af = net_addrtext(&peer, text, sizeof(text), &port)) ==
		    -1 || addr_bytes(af, text, addr) == -1 ||
		    (src = src_get(svc, af, addr, text)) == NULL) {
			close(fd);
			continue;
		}
		if (!src_admit(svc, src, now) ||
		    ses_new(svc, src, &peer, &local, fd) == NULL)
			close(fd);
	}
}

/* The address a datagram was sent to, from its IP_PKTINFO. */
static int
udp_local(struct msghdr *msg, const struct ss_service *svc,
    struct sockaddr_storage *local)
{
	struct cmsghdr		*cm;
	struct sockaddr_in	*sin = (struct sockaddr_in *)local;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)local;
	struct in_pktinfo	 pi;
	struct in6_pktinfo	 pi6;

	memset(local, 0, sizeof(*local));
	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(pi))) {
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			sin->sin_family = AF_INET;
			sin->sin_addr = pi.ipi_addr;
			sin->sin_port = htons((uint16_t)svc->svc_sv.sv_port);
			return (0);
		}
		if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(pi6))) {
			memcpy(&pi6, CMSG_DATA(cm), sizeof(pi6));
			sin6->sin6_family = AF_INET6;
			sin6->sin6_addr = pi6.ipi6_addr;
			sin6->sin6_port = htons((uint16_t)svc->svc_sv.sv_port);
			return (0);
		}
	}
	return (-1);
}

/*
 * UDP: one pseudo-session per source address and port.  Each datagram is
 * recorded and handed to the session's program as one datagram.
 */
static void
svc_udp_read(int lfd, short event, void *arg)
{
	struct ss_service	*svc = arg;
	struct ss_session	 key, *ses;
	struct ss_source	*src;
	struct sockaddr_storage	 peer, local;
	struct msghdr		 msg;
	struct iovec		 iov;
	union {
		struct cmsghdr	 hdr;
		unsigned char	 buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	}			 cmsg;
	char			 text[HS_ADDRSTRLEN];
	uint8_t			 addr[16];
	ssize_t			 n;
	time_t			 now = time(NULL);
	int			 i, af, port;

	(void)event;
	for (i = 0; i < SS_ACCEPT_BATCH; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = dgram;
		iov.iov_len = sizeof(dgram);
		msg.msg_name = &peer;
		msg.msg_namelen = sizeof(peer);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cmsg.buf;
		msg.msg_controllen = sizeof(cmsg.buf);
		if ((n = recvmsg(lfd, &msg, 0)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("service %s: recvmsg",
				    svc->svc_sv.sv_name);
			return;
		}
		memset(&key, 0, sizeof(key));
		memcpy(&key.ses_peer, &peer, sizeof(peer));
		key.ses_peerlen = peer.ss_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		if ((ses = RB_FIND(ss_peers, &svc->svc_peers, &key)) == NULL) {
			if (udp_local(&msg, svc, &local) == -1 ||
			    (af = net_addrtext(&peer, text, sizeof(text),
			    &port)) == -1 || addr_bytes(af, text, addr) == -1 ||
			    (src = src_get(svc, af, addr, text)) == NULL ||
			    !src_admit(svc, src, now) ||
			    (ses = ses_new(svc, src, &peer, &local, -1)) ==
			    NULL)
				continue;
		}
		ses_record(ses, 1, dgram, (size_t)n);
		/* A program that does not read loses datagrams, as UDP does. */
		(void)send(ses->ses_pfd, dgram, (size_t)n, MSG_DONTWAIT);
		if (ses_over_budget(ses))
			ses_close(ses, "bytes");
		else
			ses_idle_reset(ses);
	}
}

/*
 * Send to the peer from the address it sent to: on a socket bound to any
 * address the kernel would otherwise pick the source by route.
 */
static void
udp_send(struct ss_session *ses, const void *data, size_t len)
{
	struct msghdr		 msg;
	struct iovec		 iov;
	struct cmsghdr		*cm;
	struct in_pktinfo	 pi;
	struct in6_pktinfo	 pi6;
	union {
		struct cmsghdr	 hdr;
		unsigned char	 buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	}			 cmsg;

	memset(&msg, 0, sizeof(msg));
	memset(&cmsg, 0, sizeof(cmsg));
	iov.iov_base = (void *)(uintptr_t)data;
	iov.iov_len = len;
	msg.msg_name = &ses->ses_peer;
	msg.msg_namelen = ses->ses_peerlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsg.buf;
	cm = (struct cmsghdr *)cmsg.buf;
	if (ses->ses_svc->svc_sockaf == AF_INET) {
		memset(&pi, 0, sizeof(pi));
		memcpy(&pi.ipi_spec_dst, ses->ses_daddr, 4);
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	} else {
		memset(&pi6, 0, sizeof(pi6));
		if (ses->ses_af == AF_INET) {
			pi6.ipi6_addr.s6_addr[10] = 0xff;
			pi6.ipi6_addr.s6_addr[11] = 0xff;
			memcpy(&pi6.ipi6_addr.s6_addr[12], ses->ses_daddr, 4);
		} else
			memcpy(&pi6.ipi6_addr, ses->ses_daddr, 16);
		msg.msg_controllen = CMSG_SPACE(sizeof(pi6));
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi6));
		memcpy(CMSG_DATA(cm), &pi6, sizeof(pi6));
	}
	(void)sendmsg(ses->ses_svc->svc_fd, &msg, MSG_DONTWAIT);
}

/* A datagram from the program goes back to the peer, from its address. */
static void
udp_prog_read(int fd, short event, void *arg)
{
	struct ss_session	*ses = arg;
	ssize_t			 n;
	int			 i;

	(void)event;
	for (i = 0; i < SS_ACCEPT_BATCH; i++) {
		if ((n = recv(fd, dgram, sizeof(dgram), 0)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				ses_close(ses, "service");
			return;
		}
		if (n == 0) {
			ses_close(ses, "service");
			return;
		}
		ses_record(ses, 0, dgram, (size_t)n);
		udp_send(ses, dgram, (size_t)n);
		if (ses_over_budget(ses)) {
			ses_close(ses, "bytes");
			return;
		}
		ses_idle_reset(ses);
	}
}

/*
 * The suite is stopping: take no more sessions, end every running one and
 * report every pending refusal, so that the log has all of it, then say
 * so.  The parent waits for the answer before it closes our channel.
 */
static void
superserver_drain(void)
{
	struct ss_service	*svc, *next;
	struct ss_session	*ses;

	TAILQ_FOREACH(svc, &services, svc_entry)
		if (svc->svc_listening && !svc->svc_deleted) {
			event_del(&svc->svc_ev);
			evtimer_del(&svc->svc_pause);
		}
	/* No answer is waited for from here on: the channels are closing. */
	draining = 1;
	while ((ses = RB_MIN(ss_sessions, &sessions)) != NULL) {
		if (ses->ses_ending == NULL)
			ses_close(ses, "shutdown");
		else if (ses->ses_dwait) {
			ses->ses_derror = "shutdown";
			ses_final(ses);
		} else if (ses->ses_spawning)
			ses_finish(ses);
		else
			fatalx("%s: session %016llx is stuck", __func__,
			    (unsigned long long)ses->ses_id);
	}
	for (svc = TAILQ_FIRST(&services); svc != NULL; svc = next) {
		next = TAILQ_NEXT(svc, svc_entry);
		svc_delete(svc);
	}
	if (imsgev_compose(iev_parent, IMSG_SS_DRAIN, 0, 0, -1, NULL, 0) == -1)
		fatal("%s: compose", __func__);
}

static void
spawner_closed(struct imsgev *iev)
{
	(void)iev;
	fatalx("the spawner closed its channel");
}

static int
superserver_dispatch_spawner(struct imsgev *iev, struct imsg *imsg)
{
	struct spawn_reply	 sr;
	struct ss_session	 key, *ses;
	int			 fd;

	(void)iev;
	switch (imsg_get_type(imsg)) {
	case IMSG_SPAWN_STARTED:
		if (imsg_get_data(imsg, &sr, sizeof(sr)) == -1)
			fatalx("%s: IMSG_SPAWN_STARTED: bad size", __func__);
		fd = imsg_get_fd(imsg);
		if (detect_spawning && sr.sr_session == detect_id) {
			detect_spawning = 0;
			if (sr.sr_errno != 0) {
				log_warnx("cannot start the payload analyser: "
				    "%s", strerror(sr.sr_errno));
				detect_lost(NULL);
				break;
			}
			/* Its complaints go to our log, escaped. */
			if (fd != -1) {
				if (fd_nonblock(fd) == -1)
					fatal("%s: fd_nonblock", __func__);
				if ((detect_err = bufferevent_socket_new(base,
				    fd, BEV_OPT_CLOSE_ON_FREE)) == NULL)
					fatalx("%s: bufferevent", __func__);
				bufferevent_setcb(detect_err, detect_stderr,
				    NULL, detect_stderr_event, NULL);
				(void)bufferevent_enable(detect_err, EV_READ);
			}
			break;
		}
		key.ses_id = sr.sr_session;
		if ((ses = RB_FIND(ss_sessions, &sessions, &key)) == NULL ||
		    !ses->ses_spawning) {
			if (fd != -1)
				close(fd);
			break;		/* given up on at shutdown */
		}
		ses->ses_spawning = 0;
		if (fd != -1)
			ses_events_attach(ses, fd);
		if (ses->ses_ending != NULL) {
			ses_finish(ses);
			break;
		}
		if (sr.sr_errno != 0) {
			if (!ses->ses_svc->svc_failing)
				log_warnx("service %s: cannot start %s: %s",
				    ses->ses_svc->svc_sv.sv_name,
				    ses->ses_svc->svc_sv.sv_program,
				    strerror(sr.sr_errno));
			ses->ses_svc->svc_failing = 1;
			ses_close(ses, "service failed");
		} else
			ses->ses_svc->svc_failing = 0;
		break;
	case IMSG_SPAWN_EXIT:
		if (imsg_get_data(imsg, &sr, sizeof(sr)) == -1)
			fatalx("%s: IMSG_SPAWN_EXIT: bad size", __func__);
		if (sr.sr_session == detect_id) {
			if (WIFSIGNALED(sr.sr_status))
				log_warnx("the payload analyser was killed by "
				    "signal %d (%s)", WTERMSIG(sr.sr_status),
				    strsignal(WTERMSIG(sr.sr_status)));
			else
				log_warnx("the payload analyser exited with "
				    "status %d", WEXITSTATUS(sr.sr_status));
			detect_lost(NULL);
			break;
		}
		/* The socket's EOF ends the session; nothing to kill then. */
		key.ses_id = sr.sr_session;
		if ((ses = RB_FIND(ss_sessions, &sessions, &key)) != NULL)
			ses->ses_exited = 1;
		break;
	default:
		fatalx("%s: unexpected imsg %u from the spawner", __func__,
		    imsg_get_type(imsg));
	}
	return (0);
}

static int
superserver_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct ss_service	*svc;
	struct service_msg	 sv;
	char			 why[128];
	int			 fd;

	if (proc_child_common(iev, imsg))
		return (0);
	switch (imsg_get_type(imsg)) {
	case IMSG_CFG_NODE:
		proc_child_node(imsg, sensor, sizeof(sensor));
		break;
	case IMSG_CFG_SERVICE:
		if (imsg_get_data(imsg, &sv, sizeof(sv)) == -1)
			fatalx("%s: IMSG_CFG_SERVICE: bad size", __func__);
		if (!service_msg_valid(&sv, why, sizeof(why)))
			fatalx("%s: IMSG_CFG_SERVICE: %s", __func__, why);
		if ((svc = svc_find(sv.sv_id)) == NULL) {
			if ((svc = calloc(1, sizeof(*svc))) == NULL)
				fatal("%s: calloc", __func__);
			svc->svc_fd = -1;
			RB_INIT(&svc->svc_sources);
			RB_INIT(&svc->svc_peers);
			TAILQ_INSERT_TAIL(&services, svc, svc_entry);
		}
		svc->svc_sv = sv;
		break;
	case IMSG_CFG_DELSERVICE:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: IMSG_CFG_DELSERVICE: bad size", __func__);
		if ((svc = svc_find(imsg_get_id(imsg))) != NULL)
			svc_delete(svc);
		break;
	case IMSG_CFG_DONE:
		break;
	case IMSG_SS_HOST:
		host_learn(imsg);
		break;
	case IMSG_SS_PACKET:
		packet_analyse(imsg);
		break;
	case IMSG_CFG_DETECT:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: IMSG_CFG_DETECT: bad size", __func__);
		detect_wanted = 1;
		detect_start();
		break;
	case IMSG_SS_DRAIN:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: IMSG_SS_DRAIN: bad size", __func__);
		superserver_drain();
		break;
	case IMSG_SS_LISTEN:
		fd = imsg_get_fd(imsg);
		if (imsg_get_len(imsg) != 0 ||
		    (svc = svc_find(imsg_get_id(imsg))) == NULL)
			fatalx("%s: IMSG_SS_LISTEN: bad message", __func__);
		svc_listen(svc, fd);
		break;
	case IMSG_SPAWN_CHAN:
		if (spawner_attached || imsg_get_len(imsg) != 0 ||
		    (fd = imsg_get_fd(imsg)) == -1)
			fatalx("%s: IMSG_SPAWN_CHAN: bad message", __func__);
		imsgev_init(&iev_spawner, fd, "spawner",
		    superserver_dispatch_spawner, spawner_closed, NULL);
		imsgbuf_allow_fdpass(&iev_spawner.ibuf);
		imsgev_add(&iev_spawner);
		spawner_attached = 1;
		detect_start();
		break;
	default:
		fatalx("%s: unexpected imsg %u", __func__, imsg_get_type(imsg));
	}
	return (0);
}

/*
 * Start the analyser when we have both the spawner and the parent's word
 * that it is installed.  Its channel exists from now on: input queues
 * there while the program starts.
 */
static void
detect_start(void)
{
	struct spawn_msg	 sm;
	int			 sp[2];

	if (!detect_wanted || !spawner_attached || detect_up || draining ||
	    evtimer_pending(&ev_detect_retry, NULL))
		return;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		log_warn("%s: socketpair", __func__);
		detect_lost(NULL);
		return;
	}
	if (fd_nonblock(sp[0]) == -1)
		fatal("%s: fd_nonblock", __func__);
	imsgev_init(&iev_detect, sp[0], "analyser",
	    superserver_dispatch_detect, detect_closed, NULL);
	imsgev_add(&iev_detect);
	detect_up = 1;
	detect_since = time(NULL);

	memset(&sm, 0, sizeof(sm));
	arc4random_buf(&detect_id, sizeof(detect_id));
	sm.sp_session = detect_id;
	sm.sp_service = HS_DETECT_SERVICE;
	sm.sp_proto = IPPROTO_TCP;
	(void)strlcpy(sm.sp_src, "127.0.0.1", sizeof(sm.sp_src));
	(void)strlcpy(sm.sp_dst, "127.0.0.1", sizeof(sm.sp_dst));
	if (imsgev_compose(&iev_spawner, IMSG_SPAWN_REQ, 0, 0, sp[1], &sm,
	    sizeof(sm)) == -1)
		fatal("%s: compose", __func__);
	detect_spawning = 1;
}

static void
detect_retry(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	(void)arg;
	detect_start();
}

/*
 * The analyser is gone or broken.  Sessions it owed a verdict end now,
 * saying so; sessions still running go on unanalysed.  Another starts
 * after a pause that doubles while they keep failing young.
 */
static void
detect_lost(const char *why)
{
	struct ss_session	*ses, *next;
	struct ss_packet	*pk;
	struct spawn_reply	 sr;
	struct timeval		 tv;
	int			 dir;

	if (why != NULL)
		log_warnx("the payload analyser %s", why);
	if (!detect_up && !detect_spawning)
		return;		/* told twice: by its exit and its channel */
	detect_spawning = 0;
	if (detect_up) {
		imsgev_clear(&iev_detect);
		close(iev_detect.ibuf.fd);
		detect_up = 0;
	}
	if (detect_err != NULL) {
		bufferevent_free(detect_err);
		detect_err = NULL;
	}
	/* It may live on with a broken channel: make sure it does not. */
	memset(&sr, 0, sizeof(sr));
	sr.sr_session = detect_id;
	if (spawner_attached && imsgev_compose(&iev_spawner, IMSG_SPAWN_KILL,
	    0, 0, -1, &sr, sizeof(sr)) == -1)
		fatal("%s: compose", __func__);
	/* Their findings so far are still worth reporting. */
	while ((pk = RB_MIN(ss_packets, &packets)) != NULL)
		packet_free(pk, 1);
	for (ses = RB_MIN(ss_sessions, &sessions); ses != NULL; ses = next) {
		next = RB_NEXT(ss_sessions, &sessions, ses);
		for (dir = 0; dir < SS_NDIR; dir++)
			detect_unstage(ses, dir, 0);
		if (!detect_any(ses))
			continue;
		memset(ses->ses_detect, 0, sizeof(ses->ses_detect));
		ses->ses_derror = "analyser failed";
		if (ses->ses_dwait)
			ses_final(ses);
	}
	if (draining)
		return;
	if (time(NULL) - detect_since >= SS_DETECT_BACKOFF_MAX)
		detect_backoff = 0;
	detect_backoff = detect_backoff == 0 ? 1 :
	    detect_backoff * 2 > SS_DETECT_BACKOFF_MAX ?
	    SS_DETECT_BACKOFF_MAX : detect_backoff * 2;
	log_info("restarting the payload analyser in %d s", detect_backoff);
	tv.tv_sec = detect_backoff;
	tv.tv_usec = 0;
	if (evtimer_add(&ev_detect_retry, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

static void
detect_closed(struct imsgev *iev)
{
	(void)iev;
	detect_lost("closed its channel");
}

/* The analyser's stderr: a line at a time into our log, escaped. */
static void
detect_stderr(struct bufferevent *bev, void *arg)
{
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line, esc[1024];
	size_t		 len;

	(void)arg;
	while ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) != NULL) {
		(void)str_escape(line, len, esc, sizeof(esc));
		log_warnx("payload analyser: %s", esc);
		free(line);
	}
	/* A line that never ends is not worth buffering. */
	if (evbuffer_get_length(in) > 4096)
		(void)evbuffer_drain(in, evbuffer_get_length(in));
}

static void
detect_stderr_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		(void)bufferevent_disable(bev, EV_READ);
}

/*
 * A session's input for the analyser.  The first bytes are held back, so
 * that a short session reaches the analyser in one go when it ends,
 * instead of waking it for every read.
 */
static void
detect_feed(struct ss_session *ses, int dir, const void *data, size_t len)
{
	if (!detect_up || ses->ses_derror != NULL)
		return;
	if (ses->ses_dsent[dir] == 0 &&
	    ses->ses_dstaged[dir] + len <= SS_DETECT_STAGE) {
		grow(&ses->ses_dstage[dir], &ses->ses_dstagesz[dir],
		    ses->ses_dstaged[dir] + len, SS_DETECT_STAGE);
		memcpy(ses->ses_dstage[dir] + ses->ses_dstaged[dir], data, len);
		ses->ses_dstaged[dir] += len;
		ses->ses_detect[dir] = 1;
		return;
	}
	detect_unstage(ses, dir, 1);
	detect_send(ses, dir, data, len);
}

/* What was held back goes to the analyser now (send), or is let go. */
static void
detect_unstage(struct ss_session *ses, int dir, int send)
{
	size_t	n = ses->ses_dstaged[dir];

	ses->ses_dstaged[dir] = 0;
	if (send && n > 0)
		detect_send(ses, dir, ses->ses_dstage[dir], n);
	free(ses->ses_dstage[dir]);
	ses->ses_dstage[dir] = NULL;
	ses->ses_dstagesz[dir] = 0;
}

/*
 * At most what the analyser keeps, and never more than a bounded queue,
 * so a stalled analyser costs us no memory.
 */
static void
detect_send(struct ss_session *ses, int dir, const void *data, size_t len)
{
	struct detect_data	 dd;
	struct ibuf		*b;
	size_t			 n;

	if (!detect_up || ses->ses_derror != NULL)
		return;
	dd.dd_session = detect_id_of(ses, dir);
	while (len > 0) {
		if (ses->ses_dsent[dir] >= HS_ARTIFACT_MAX ||
		    imsgbuf_queuelen(&iev_detect.ibuf) >= SS_DETECT_QUEUE) {
			ses->ses_dtruncated = 1;
			return;
		}
		n = len > HS_DETECT_CHUNK ? HS_DETECT_CHUNK : len;
		if (n > HS_ARTIFACT_MAX - ses->ses_dsent[dir])
			n = (size_t)(HS_ARTIFACT_MAX - ses->ses_dsent[dir]);
		if ((b = imsg_create(&iev_detect.ibuf, IMSG_DETECT_DATA, 0, 0,
		    sizeof(dd) + n)) == NULL ||
		    imsg_add(b, &dd, sizeof(dd)) == -1 ||
		    imsg_add(b, data, n) == -1)
			fatal("%s: imsg_create", __func__);
		imsg_close(&iev_detect.ibuf, b);
		imsgev_flush_later(&iev_detect);
		ses->ses_detect[dir] = 1;
		ses->ses_dsent[dir] += n;
		data = (const uint8_t *)data + n;
		len -= n;
	}
}

/* The session an analyser id belongs to, and which of its directions. */
static struct ss_session *
detect_owner(uint64_t id, int *dir)
{
	struct ss_session	 key, *ses;

	for (*dir = 0; *dir < SS_NDIR; (*dir)++) {
		key.ses_id = id;
		key.ses_id = detect_id_of(&key, *dir);
		if ((ses = RB_FIND(ss_sessions, &sessions, &key)) != NULL)
			return (ses);
	}
	return (NULL);
}

/*
 * The analyser's id for one of a session's streams.  Flipping a bit is
 * its own inverse, so detect_owner finds the session with it too.
 */
static uint64_t
detect_id_of(const struct ss_session *ses, int dir)
{
	switch (dir) {
	case SS_OUT:
		return (SS_OUTPUT_ID(ses->ses_id));
	case SS_DEC:
		return (SS_DECODED_ID(ses->ses_id));
	default:
		return (ses->ses_id);
	}
}

static int
detect_any(const struct ss_session *ses)
{
	int	 dir;

	for (dir = 0; dir < SS_NDIR; dir++)
		if (ses->ses_detect[dir])
			return (1);
	return (0);
}

static const char *
detect_dirname(int dir)
{
	return (dir == SS_IN ? "input" : dir == SS_OUT ? "output" :
	    "decoded");
}

static int
detect_finding(struct imsg *imsg)
{
	static const char *const kinds[] = {
		"shellcode", "format_string", "overflow"
	};
	struct detect_finding_msg	 m;
	struct ss_session		*ses;
	struct ss_packet		*pk;
	char				 eventid[HS_NAMELEN];
	json_t				*ev, *d;
	int				 dir;

	if (imsg_get_data(imsg, &m, sizeof(m)) == -1 ||
	    m.df_kind < 0 || m.df_kind >= (int)(sizeof(kinds) /
	    sizeof(kinds[0])) || m.df_confidence < 0 ||
	    m.df_confidence > 100 || m.df_offset > HS_ARTIFACT_MAX ||
	    m.df_length > HS_ARTIFACT_MAX ||
	    !str_printable(m.df_desc, sizeof(m.df_desc)) ||
	    !str_printable(m.df_arch, sizeof(m.df_arch)) ||
	    !str_printable(m.df_disasm, sizeof(m.df_disasm)))
		return (-1);
	(void)snprintf(eventid, sizeof(eventid), "honeyspy.detect.%s",
	    kinds[m.df_kind]);
	pk = NULL;
	if ((ses = detect_owner(m.df_session, &dir)) != NULL) {
		if (!ses->ses_detect[dir])
			return (0);
		if ((ev = ses_event(ses, eventid)) != NULL &&
		    hs_event_set_str(ev, "direction", detect_dirname(dir)) ==
		    -1) {
			json_decref(ev);
			ev = NULL;
		}
	} else if ((pk = packet_find(m.df_session)) != NULL) {
		if ((ev = hs_event_new(eventid, sensor)) != NULL &&
		    json_object_update(ev, pk->pk_fields) == -1) {
			json_decref(ev);
			ev = NULL;
		}
	} else
		return (0);
	if (ev != NULL &&
	    (hs_event_set_int(ev, "offset", (long long)m.df_offset) == -1 ||
	    hs_event_set_int(ev, "length", (long long)m.df_length) == -1 ||
	    hs_event_set_int(ev, "confidence", m.df_confidence) == -1 ||
	    hs_event_set_str(ev, "description", m.df_desc) == -1 ||
	    (m.df_arch[0] != '\0' &&
	    hs_event_set_str(ev, "arch", m.df_arch) == -1) ||
	    (m.df_disasm[0] != '\0' &&
	    hs_event_set_str(ev, "disassembly", m.df_disasm) == -1))) {
		json_decref(ev);
		ev = NULL;
	}
	/* A packet's findings wait for the name of its artifact. */
	if (pk != NULL) {
		if (ev != NULL && json_array_append_new(pk->pk_events, ev) == -1)
			log_warnx("%s: cannot keep an event", __func__);
		return (0);
	}
	ses_send(ses, ev);
	/* The closed event lists them, briefly. */
	if (ses->ses_detections == NULL &&
	    (ses->ses_detections = json_array()) == NULL)
		return (0);
	if ((d = json_pack("{s:s, s:s, s:I, s:I, s:i}", "kind",
	    kinds[m.df_kind], "direction", detect_dirname(dir),
	    "offset", (json_int_t)m.df_offset, "length",
	    (json_int_t)m.df_length, "confidence", m.df_confidence)) != NULL)
		(void)json_array_append_new(ses->ses_detections, d);
	return (0);
}

/* Bytes of a session's artifact, passed on to the parent as they come. */
static int
detect_payload(struct imsg *imsg)
{
	struct detect_data	 dd;
	struct ss_session	*ses;
	struct ss_packet	*pk;
	struct ibuf		 ib;
	struct ibuf		*b;
	size_t			 n;
	int			 dir;

	if (imsg_get_ibuf(imsg, &ib) == -1 ||
	    ibuf_get(&ib, &dd, sizeof(dd)) == -1 ||
	    (n = ibuf_size(&ib)) == 0 || n > HS_DETECT_CHUNK)
		return (-1);
	if ((ses = detect_owner(dd.dd_session, &dir)) != NULL) {
		if (!ses->ses_dwait)
			return (0);
		if (ses->ses_dpayload[dir] + n > ses->ses_dsent[dir])
			return (-1);
		ses->ses_dpayload[dir] += n;
	} else if ((pk = packet_find(dd.dd_session)) != NULL) {
		if (pk->pk_payload + n > pk->pk_sent)
			return (-1);
		pk->pk_payload += n;
	} else
		return (0);
	if ((b = imsg_create(&iev_parent->ibuf, IMSG_ARTIFACT_DATA, 0, 0,
	    sizeof(dd) + n)) == NULL ||
	    imsg_add(b, &dd, sizeof(dd)) == -1 ||
	    imsg_add(b, ibuf_data(&ib), n) == -1)
		fatal("%s: imsg_create", __func__);
	imsg_close(&iev_parent->ibuf, b);
	imsgev_add(iev_parent);
	return (0);
}

/* The verdict is complete: the artifact is named, the session can end. */
static int
detect_done(struct imsg *imsg)
{
	struct detect_done	 dn;
	struct ss_session	*ses;
	struct ss_packet	*pk;
	size_t			 i;
	int			 dir;

	if (imsg_get_data(imsg, &dn, sizeof(dn)) == -1 ||
	    memchr(dn.dn_sha256, '\0', sizeof(dn.dn_sha256)) == NULL)
		return (-1);
	for (i = 0; dn.dn_sha256[i] != '\0'; i++)
		if (!((dn.dn_sha256[i] >= '0' && dn.dn_sha256[i] <= '9') ||
		    (dn.dn_sha256[i] >= 'a' && dn.dn_sha256[i] <= 'f')))
			return (-1);
	if (i != 0 && i != 64)
		return (-1);
	if ((ses = detect_owner(dn.dn_session, &dir)) == NULL) {
		if ((pk = packet_find(dn.dn_session)) == NULL)
			return (0);
		if (dn.dn_length != pk->pk_payload)
			return (-1);
		if (i == 64) {
			if (imsgev_compose(iev_parent, IMSG_ARTIFACT_END, 0, 0,
			    -1, &dn, sizeof(dn)) == -1)
				fatal("%s: compose", __func__);
			for (i = 0; i < json_array_size(pk->pk_events); i++)
				(void)hs_event_set_str(json_array_get(
				    pk->pk_events, i), "artifact",
				    dn.dn_sha256);
		}
		packet_free(pk, 1);
		return (0);
	}
	if (!ses->ses_dwait)
		return (0);
	if (dn.dn_length != ses->ses_dpayload[dir])
		return (-1);
	if (dn.dn_truncated)
		ses->ses_dtruncated = 1;
	if (i == 64) {
		(void)strlcpy(ses->ses_artifact[dir], dn.dn_sha256,
		    sizeof(ses->ses_artifact[dir]));
		if (imsgev_compose(iev_parent, IMSG_ARTIFACT_END, 0, 0, -1,
		    &dn, sizeof(dn)) == -1)
			fatal("%s: compose", __func__);
	}
	/* The session ends when every direction has its verdict. */
	if (--ses->ses_dwait == 0)
		ses_final(ses);
	return (0);
}

/*
 * What the analyser says.  It handles attacker code, so it is trusted
 * less than anyone: a malformed message ends it, never us.
 */
static int
superserver_dispatch_detect(struct imsgev *iev, struct imsg *imsg)
{
	int	 r;

	(void)iev;
	switch (imsg_get_type(imsg)) {
	case IMSG_DETECT_FINDING:
		r = detect_finding(imsg);
		break;
	case IMSG_DETECT_PAYLOAD:
		r = detect_payload(imsg);
		break;
	case IMSG_DETECT_DONE:
		r = detect_done(imsg);
		break;
	default:
		r = -1;
	}
	/* Our caller then closes the channel, and detect_closed follows. */
	if (r == -1)
		log_warnx("the payload analyser sent a malformed message");
	return (r);
}

static int
host_cmp(struct ss_host *a, struct ss_host *b)
{
	if (a->sh_af != b->sh_af)
		return (a->sh_af < b->sh_af ? -1 : 1);
	return (memcmp(a->sh_addr, b->sh_addr, sizeof(a->sh_addr)));
}

static int
packet_cmp(struct ss_packet *a, struct ss_packet *b)
{
	return (a->pk_id < b->pk_id ? -1 : a->pk_id > b->pk_id);
}

/* What a source runs, as capture fingerprinted it, or NULL. */
static const char *
host_os(int af, const uint8_t *addr)
{
	struct ss_host	 key, *h;

	memset(&key, 0, sizeof(key));
	key.sh_af = af;
	memcpy(key.sh_addr, addr, af == AF_INET ? 4 : 16);
	if ((h = RB_FIND(ss_hosts, &hosts, &key)) == NULL)
		return (NULL);
	return (h->sh_os);
}

/*
 * A source's system, from the parent, which checked the message: kept
 * for the sessions from it, the least recently told forgotten first.
 */
static void
host_learn(struct imsg *imsg)
{
	struct host_msg	 ho;
	struct ss_host	 key, *h;

	if (imsg_get_data(imsg, &ho, sizeof(ho)) == -1 ||
	    (ho.ho_af != AF_INET && ho.ho_af != AF_INET6) ||
	    memchr(ho.ho_os, '\0', sizeof(ho.ho_os)) == NULL ||
	    ho.ho_os[0] == '\0')
		fatalx("%s: IMSG_SS_HOST: bad message", __func__);
	memset(&key, 0, sizeof(key));
	key.sh_af = ho.ho_af;
	memcpy(key.sh_addr, ho.ho_addr, ho.ho_af == AF_INET ? 4 : 16);
	if ((h = RB_FIND(ss_hosts, &hosts, &key)) != NULL)
		TAILQ_REMOVE(&hostlru, h, sh_lru);
	else {
		if (nhosts == SS_HOSTS_MAX) {
			h = TAILQ_LAST(&hostlru, ss_hostlru);
			TAILQ_REMOVE(&hostlru, h, sh_lru);
			RB_REMOVE(ss_hosts, &hosts, h);
		} else if ((h = calloc(1, sizeof(*h))) == NULL)
			fatal("%s: calloc", __func__);
		else
			nhosts++;
		h->sh_af = key.sh_af;
		memcpy(h->sh_addr, key.sh_addr, sizeof(h->sh_addr));
		RB_INSERT(ss_hosts, &hosts, h);
	}
	(void)strlcpy(h->sh_os, ho.ho_os, sizeof(h->sh_os));
	TAILQ_INSERT_HEAD(&hostlru, h, sh_lru);
}

static struct ss_packet *
packet_find(uint64_t id)
{
	struct ss_packet	 key;

	key.pk_id = id;
	return (RB_FIND(ss_packets, &packets, &key));
}

/* Done with a packet; its findings go out first when asked to. */
static void
packet_free(struct ss_packet *pk, int send)
{
	size_t	 i;

	for (i = 0; send && i < json_array_size(pk->pk_events); i++)
		event_send(json_incref(json_array_get(pk->pk_events, i)));
	RB_REMOVE(ss_packets, &packets, pk);
	npackets--;
	json_decref(pk->pk_fields);
	json_decref(pk->pk_events);
	free(pk);
}

/*
 * A captured packet's payload: the analyser looks at it like a short
 * session of its own, and its findings carry the packet's flow and time.
 * When the analyser is down or behind, the packet goes unanalysed; its
 * match event is in the log either way.
 */
static void
packet_analyse(struct imsg *imsg)
{
	struct packet_msg	 pm;
	struct detect_data	 dd;
	struct ss_packet	*pk;
	struct timespec		 ts;
	struct ibuf		 ib;
	struct ibuf		*b;
	char			 stamp[EVENT_TIMESTAMP_LEN];
	size_t			 n;

	if (imsg_get_ibuf(imsg, &ib) == -1 ||
	    ibuf_get(&ib, &pm, sizeof(pm)) == -1 ||
	    (n = ibuf_size(&ib)) == 0 || n > HS_DETECT_CHUNK ||
	    (pm.pm_af != AF_INET && pm.pm_af != AF_INET6) ||
	    pm.pm_proto < 0 || pm.pm_proto > 255 ||
	    pm.pm_sport < 0 || pm.pm_sport > 65535 ||
	    pm.pm_dport < 0 || pm.pm_dport > 65535 ||
	    pm.pm_usec < 0 || pm.pm_usec >= 1000000)
		fatalx("%s: IMSG_SS_PACKET: bad message", __func__);
	if (!detect_up || draining || npackets >= SS_PACKETS_MAX ||
	    imsgbuf_queuelen(&iev_detect.ibuf) >= SS_DETECT_QUEUE)
		return;
	if ((pk = calloc(1, sizeof(*pk))) == NULL)
		fatal("%s: calloc", __func__);
	arc4random_buf(&pk->pk_id, sizeof(pk->pk_id));
	ts.tv_sec = (time_t)pm.pm_sec;
	ts.tv_nsec = (long)pm.pm_usec * 1000;
	if ((pk->pk_fields = json_object()) == NULL ||
	    (pk->pk_events = json_array()) == NULL ||
	    hs_event_set_flow(pk->pk_fields, pm.pm_af, pm.pm_src, pm.pm_dst,
	    (uint8_t)pm.pm_proto, (uint16_t)pm.pm_sport,
	    (uint16_t)pm.pm_dport) == -1 ||
	    hs_event_set_str(pk->pk_fields, "source", "packet") == -1 ||
	    hs_event_timestamp(stamp, sizeof(stamp), &ts) == -1 ||
	    hs_event_set_str(pk->pk_fields, "packet_time", stamp) == -1 ||
	    hs_event_set_int(pk->pk_fields, "payload_length",
	    (long long)pm.pm_length) == -1) {
		log_warnx("%s: cannot describe a packet", __func__);
		json_decref(pk->pk_fields);
		json_decref(pk->pk_events);
		free(pk);
		return;
	}
	RB_INSERT(ss_packets, &packets, pk);
	npackets++;
	dd.dd_session = pk->pk_id;
	if ((b = imsg_create(&iev_detect.ibuf, IMSG_DETECT_DATA, 0, 0,
	    sizeof(dd) + n)) == NULL ||
	    imsg_add(b, &dd, sizeof(dd)) == -1 ||
	    imsg_add(b, ibuf_data(&ib), n) == -1)
		fatal("%s: imsg_create", __func__);
	imsg_close(&iev_detect.ibuf, b);
	pk->pk_sent = n;
	if (imsgev_compose(&iev_detect, IMSG_DETECT_END, 0, 0, -1, &dd,
	    sizeof(dd)) == -1)
		fatal("%s: compose", __func__);
}
