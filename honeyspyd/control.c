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

/* The control socket: local clients such as honeyspyctl talk to the parent here. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calls.h"
#include "config.h"
#include "honeyspyd.h"
#include "log.h"
#include "proc.h"
#include "util.h"

#define CONTROL_BACKLOG		16
#define CONTROL_MAX_CLIENTS	32

struct ctl_conn {
	TAILQ_ENTRY(ctl_conn)	 entry;
	uint32_t		 id;
	int			 fd;
	int			 hello;		/* version checked */
	int			 pending;	/* status replies awaited */
	uid_t			 uid;
	pid_t			 pid;
	const char		*who;		/* NULL: a local client */
	struct imsgev		 iev;
	int			 have[PROC_MAX];
	struct proc_status_msg	 procs[PROC_MAX];
	int			 have_capture;
	struct cap_stats_msg	 capture;
};

static TAILQ_HEAD(, ctl_conn)	 ctl_conns = TAILQ_HEAD_INITIALIZER(ctl_conns);
static int			 ctl_nconns;
static uint32_t			 ctl_nextid = 1;
static int			 control_fd = -1;
static char			 control_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static struct event		 control_ev;
static struct event		 control_pause;

static void	control_accept(int, short, void *);
static void	control_resume(int, short, void *);
static int	control_peer_allowed(int, uid_t *, pid_t *);
static int	control_dispatch_client(struct imsgev *, struct imsg *);
static void	control_closed(struct imsgev *);
static void	control_status_finish(struct ctl_conn *);
static int	control_capture(struct ctl_conn *, struct imsg *);
static int	control_alias(struct ctl_conn *, struct imsg *);
static int	control_done(struct imsgev *, int, const char *);
static const char *control_who(struct ctl_conn *, char *, size_t);
static int	control_config(struct ctl_conn *, struct imsg *);

/*
 * Create the socket while we are still root, so that it can belong to root
 * and the daemon's group.  A socket left by a previous run is removed; one
 * that still answers belongs to a running daemon and stops us.
 */
void
control_init(const char *path, uid_t uid, gid_t gid, enum hs_privmode mode)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 old_umask;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		fatalx("control socket %s: path too long", path);
	(void)strlcpy(control_path, path, sizeof(control_path));

	/*
	 * The default directory belongs to the daemon's user so that it can
	 * remove its socket at exit; its group may only look inside.
	 */
	if (mode == PRIVMODE_ROOT && strcmp(path, HS_SOCKET) == 0) {
		if (mkdir("/run/honeyspy", 0750) == -1 && errno != EEXIST)
			fatal("mkdir /run/honeyspy");
		if (chown("/run/honeyspy", uid, gid) == -1 ||
		    chmod("/run/honeyspy", 0750) == -1)
			fatal("/run/honeyspy");
	}

	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			fatalx("control socket %s: exists and is not a socket",
			    path);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
			fatal("%s: socket", __func__);
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			fatalx("control socket %s: another honeyspyd is "
			    "running", path);
		close(fd);
		if (unlink(path) == -1)
			fatal("control socket %s: cannot remove stale socket",
			    path);
		log_info("removed stale control socket %s", path);
	} else if (errno != ENOENT)
		fatal("control socket %s", path);

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		fatal("%s: socket", __func__);
	old_umask = umask(S_IXUSR | S_IXGRP | S_IRWXO);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("control socket %s: bind", path);
	(void)umask(old_umask);
	if (mode == PRIVMODE_ROOT && chown(path, 0, gid) == -1)
		fatal("control socket %s: chown", path);
	if (chmod(path, 0660) == -1)
		fatal("control socket %s: chmod", path);
	if (listen(fd, CONTROL_BACKLOG) == -1)
		fatal("control socket %s: listen", path);
	control_fd = fd;
}

void
control_listen(void)
{
	event_set(&control_ev, control_fd, EV_READ | EV_PERSIST,
	    control_accept, NULL);
	if (event_add(&control_ev, NULL) == -1)
		fatal("%s: event_add", __func__);
	evtimer_set(&control_pause, control_resume, NULL);
}

void
control_cleanup(void)
{
	if (control_fd == -1)
		return;
	close(control_fd);
	control_fd = -1;
	if (unlink(control_path) == -1 && errno != ENOENT)
		log_warn("cannot remove control socket %s", control_path);
}

static void
control_resume(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	(void)arg;
	if (event_add(&control_ev, NULL) == -1)
		fatal("%s: event_add", __func__);
}

/*
 * The socket's mode already keeps strangers out; the kernel's word on who
 * connected is checked again in case the file was made reachable by
 * mistake.  Root, our own user and members of our group may talk to us.
 */
static int
control_peer_allowed(int fd, uid_t *uid, pid_t *pid)
{
	struct ucred	 cred;
	socklen_t	 len = sizeof(cred);
	gid_t		 groups[NGROUPS_MAX];
	socklen_t	 glen = sizeof(groups);
	size_t		 i;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("%s: SO_PEERCRED", __func__);
		return (0);
	}
	*uid = cred.uid;
	*pid = cred.pid;
	if (cred.uid == 0 || cred.uid == geteuid() || cred.gid == getegid())
		return (1);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0)
		for (i = 0; i < glen / sizeof(gid_t); i++)
			if (groups[i] == getegid())
				return (1);
	return (0);
}

static void
control_accept(int lfd, short event, void *arg)
{
	struct ctl_conn	*conn;
	struct timeval	 tv = { 1, 0 };
	uid_t		 uid = (uid_t)-1;
	pid_t		 pid = -1;
	int		 fd;

	(void)event;
	(void)arg;
	if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1) {
		/*
		 * Out of descriptors: stop accepting for a second rather
		 * than spin on a listening socket that stays readable.
		 */
		if (errno == EMFILE || errno == ENFILE) {
			log_warn("%s: accept", __func__);
			event_del(&control_ev);
			if (evtimer_add(&control_pause, &tv) == -1)
				fatal("%s: evtimer_add", __func__);
		} else if (errno != EINTR && errno != EAGAIN &&
		    errno != ECONNABORTED)
			log_warn("%s: accept", __func__);
		return;
	}
	if (!control_peer_allowed(fd, &uid, &pid)) {
		log_warnx("control: refusing uid %d pid %d", (int)uid,
		    (int)pid);
		close(fd);
		return;
	}
	if (ctl_nconns >= CONTROL_MAX_CLIENTS) {
		log_warnx("control: too many clients, refusing pid %d",
		    (int)pid);
		close(fd);
		return;
	}
	if ((conn = calloc(1, sizeof(*conn))) == NULL) {
		log_warn("%s: calloc", __func__);
		close(fd);
		return;
	}
	conn->id = ctl_nextid++;
	conn->fd = fd;
	conn->uid = uid;
	conn->pid = pid;
	imsgev_init(&conn->iev, fd, "control client", control_dispatch_client,
	    control_closed, conn);
	if (imsgbuf_set_maxsize(&conn->iev.ibuf, HS_CTL_MAXMSG) == -1)
		fatal("%s: imsgbuf_set_maxsize", __func__);
	TAILQ_INSERT_TAIL(&ctl_conns, conn, entry);
	ctl_nconns++;
	imsgev_add(&conn->iev);
}

/*
 * The rpc child's own connection: it asks for what masters and admins
 * call, exactly as honeyspyctl would.  It is ours, so no peer check; its
 * requests are checked like any other client's.
 */
void
control_adopt(int fd, const char *who)
{
	struct ctl_conn	*conn;

	if ((conn = calloc(1, sizeof(*conn))) == NULL)
		fatal("%s: calloc", __func__);
	conn->id = ctl_nextid++;
	conn->fd = fd;
	conn->uid = geteuid();
	conn->pid = -1;
	conn->who = who;
	imsgev_init(&conn->iev, fd, who, control_dispatch_client,
	    control_closed, conn);
	if (imsgbuf_set_maxsize(&conn->iev.ibuf, HS_CTL_MAXMSG) == -1)
		fatal("%s: imsgbuf_set_maxsize", __func__);
	TAILQ_INSERT_TAIL(&ctl_conns, conn, entry);
	imsgev_add(&conn->iev);
}

static void
control_closed(struct imsgev *iev)
{
	struct ctl_conn	*conn = iev->data;

	/* The rpc child's end closes when it dies; its channel says so. */
	if (conn->who == NULL)
		ctl_nconns--;
	imsgev_clear(&conn->iev);
	close(conn->fd);
	services_ctl_gone(conn->id);
	TAILQ_REMOVE(&ctl_conns, conn, entry);
	free(conn);
}

/*
 * A client's request.  Anything unexpected costs the client its connection
 * and a warning in the log; it never costs the daemon anything.
 */
static int
control_dispatch_client(struct imsgev *iev, struct imsg *imsg)
{
	struct ctl_conn		*conn = iev->data;
	struct ctl_service	 cv;
	struct ctl_query	 cq;
	const char		*fail;
	char			 why[256];

	if (!conn->hello) {
		if (imsg_get_type(imsg) != IMSG_CTL_HELLO ||
		    imsg_get_len(imsg) != 0 ||
		    imsg_get_id(imsg) != HS_PROTO_VERSION) {
			log_warnx("control: pid %d: bad hello (imsg %u, "
			    "version %u), closing", (int)conn->pid,
			    imsg_get_type(imsg), imsg_get_id(imsg));
			return (-1);
		}
		conn->hello = 1;
		if (imsgev_compose(iev, IMSG_CTL_HELLO, HS_PROTO_VERSION, 0,
		    -1, NULL, 0) == -1)
			return (-1);
		return (0);
	}

	switch (imsg_get_type(imsg)) {
	case IMSG_CTL_STATUS:
		if (imsg_get_len(imsg) != 0 || conn->pending != 0)
			break;
		memset(conn->have, 0, sizeof(conn->have));
		conn->have_capture = 0;
		if ((conn->pending = parent_status_request(conn->id)) == 0)
			control_status_finish(conn);
		return (0);
	case IMSG_CTL_RELOAD:
		if (imsg_get_len(imsg) != 0)
			break;
		log_info("reload requested by %s", control_who(conn, why,
		    sizeof(why)));
		if (parent_reload() == 0)
			return (imsgev_compose(iev, IMSG_CTL_END, 0, 0, -1,
			    NULL, 0) == -1 ? -1 : 0);
		fail = "configuration has errors; the running one is kept "
		    "(see the log)";
		return (imsgev_compose(iev, IMSG_CTL_FAIL, 0, 0, -1, fail,
		    strlen(fail) + 1) == -1 ? -1 : 0);
	case IMSG_CTL_ADDSERVICE:
	case IMSG_CTL_DELSERVICE:
		if (imsg_get_data(imsg, &cv, sizeof(cv)) == -1)
			break;
		log_info("%s requested by %s",
		    imsg_get_type(imsg) == IMSG_CTL_ADDSERVICE ?
		    "addService" : "delService", control_who(conn, why,
		    sizeof(why)));
		if (imsg_get_type(imsg) == IMSG_CTL_ADDSERVICE) {
			/* The reply comes once it listens, or cannot. */
			if (services_ctl_add(conn->id, &cv, why,
			    sizeof(why)) == 0)
				return (0);
		} else if (services_ctl_del(&cv, why, sizeof(why)) == 0)
			return (imsgev_compose(iev, IMSG_CTL_END, 0, 0, -1,
			    NULL, 0) == -1 ? -1 : 0);
		return (imsgev_compose(iev, IMSG_CTL_FAIL, 0, 0, -1, why,
		    strlen(why) + 1) == -1 ? -1 : 0);
	case IMSG_CTL_KILL:
		if (imsg_get_len(imsg) != 0)
			break;
		log_info("stop requested by %s", control_who(conn, why,
		    sizeof(why)));
		if (imsgev_compose(iev, IMSG_CTL_END, 0, 0, -1, NULL, 0) == -1)
			return (-1);
		parent_stop_soon();
		return (0);
	case IMSG_CTL_GETSENSORS:
		if (imsg_get_len(imsg) != 0)
			break;
		return (control_done(iev, master_ctl_sensors(iev, why,
		    sizeof(why)), why));
	case IMSG_CTL_GETEVENTS:
	case IMSG_CTL_GETSTATS:
		if (imsg_get_data(imsg, &cq, sizeof(cq)) == -1 ||
		    memchr(cq.cq_sensor, '\0', sizeof(cq.cq_sensor)) == NULL ||
		    memchr(cq.cq_eventid, '\0', sizeof(cq.cq_eventid)) ==
		    NULL ||
		    memchr(cq.cq_src_ip, '\0', sizeof(cq.cq_src_ip)) == NULL ||
		    memchr(cq.cq_session, '\0', sizeof(cq.cq_session)) ==
		    NULL ||
		    memchr(cq.cq_text, '\0', sizeof(cq.cq_text)) == NULL ||
		    cq.cq_limit < 0 || cq.cq_limit > 10000 || cq.cq_after < -1)
			break;
		if (imsg_get_type(imsg) == IMSG_CTL_GETSTATS)
			return (control_done(iev, master_ctl_stats(iev, &cq,
			    why, sizeof(why)), why));
		return (control_done(iev, master_ctl_events(iev, &cq, why,
		    sizeof(why)), why));
	case IMSG_CTL_SETCONFIG:
	case IMSG_CTL_GETCONFIG:
		return (control_config(conn, imsg));
	case IMSG_CTL_GETSERVICES:
		if (imsg_get_len(imsg) != 0)
			break;
		services_ctl_get(iev);
		return (imsgev_compose(iev, IMSG_CTL_END, 0, 0, -1, NULL,
		    0) == -1 ? -1 : 0);
	case IMSG_CTL_ADDFILTER:
	case IMSG_CTL_DELFILTER:
	case IMSG_CTL_REPLACEFILTERS:
	case IMSG_CTL_GETFILTERS:
	case IMSG_CTL_GETFILTER:
	case IMSG_CTL_ENABLEPCAP:
	case IMSG_CTL_DISABLEPCAP:
	case IMSG_CTL_GETHOSTS:
		if (control_capture(conn, imsg) == 0)
			return (0);
		break;
	case IMSG_CTL_ADDALIAS:
	case IMSG_CTL_DELALIAS:
	case IMSG_CTL_GETALIASES:
	case IMSG_CTL_SETFINGERPRINT:
	case IMSG_CTL_GETFINGERPRINT:
		if (control_alias(conn, imsg) == 0)
			return (0);
		break;
	default:
		break;
	}
	log_warnx("control: pid %d: malformed request (imsg %u, %zu bytes), "
	    "closing", (int)conn->pid, imsg_get_type(imsg), imsg_get_len(imsg));
	return (-1);
}

/* END, or FAIL with why; -1 when even that cannot be sent. */
/*
 * setConfig and getConfig.  The answer to a pushed configuration lists
 * every error the parser found, so it gets a buffer of its own.
 */
static int
control_config(struct ctl_conn *conn, struct imsg *imsg)
{
	struct ctl_config	 cc;
	struct ibuf		 ib;
	const char		*text = NULL;
	char			 why[8192], who[64];
	size_t			 len = 0;
	int			 rv;

	/* The node's name goes to the log and the store: a name or none. */
	if (imsg_get_ibuf(imsg, &ib) == -1 || ibuf_get(&ib, &cc,
	    sizeof(cc)) == -1 ||
	    memchr(cc.cc_node, '\0', sizeof(cc.cc_node)) == NULL ||
	    (cc.cc_node[0] != '\0' && !call_name_valid(cc.cc_node)))
		goto bad;
	if (imsg_get_type(imsg) == IMSG_CTL_SETCONFIG) {
		if ((len = ibuf_size(&ib)) == 0 || len > HS_CONFIG_MAX + 1)
			goto bad;
		text = ibuf_data(&ib);
		if (text[len - 1] != '\0' || strlen(text) != len - 1)
			goto bad;
		log_info("setConfig%s%s requested by %s",
		    cc.cc_node[0] != '\0' ? " " : "", cc.cc_node,
		    control_who(conn, who, sizeof(who)));
		rv = link_ctl_setconfig(&conn->iev, cc.cc_node, text, len - 1,
		    why, sizeof(why));
	} else {
		if (ibuf_size(&ib) != 0)
			goto bad;
		rv = link_ctl_getconfig(&conn->iev, cc.cc_node, why,
		    sizeof(why));
	}
	return (control_done(&conn->iev, rv, why));
 bad:
	log_warnx("control: pid %d: malformed configuration request, closing",
	    (int)conn->pid);
	return (-1);
}

/* Who asked, for the log. */
static const char *
control_who(struct ctl_conn *conn, char *buf, size_t len)
{
	if (conn->who != NULL)
		(void)snprintf(buf, len, "the %s child", conn->who);
	else
		(void)snprintf(buf, len, "uid %d pid %d", (int)conn->uid,
		    (int)conn->pid);
	return (buf);
}

static int
control_done(struct imsgev *iev, int rv, const char *why)
{
	if (rv == 0)
		return (imsgev_compose(iev, IMSG_CTL_END, 0, 0, -1, NULL,
		    0) == -1 ? -1 : 0);
	return (imsgev_compose(iev, IMSG_CTL_FAIL, 0, 0, -1, why,
	    strlen(why) + 1) == -1 ? -1 : 0);
}

/*
 * The capture calls.  Changes to the rules, and enabling, wait for the
 * capture child's word and are answered with control_reply(); lists are
 * answered at once.  Returns -1 for a malformed request.
 */
static int
control_capture(struct ctl_conn *conn, struct imsg *imsg)
{
	struct imsgev		*iev = &conn->iev;
	struct ctl_filter	 cf;
	struct ibuf		 ib;
	char			*exprs[HS_MAXFILTERS];
	char			 buf[MAX_IMSGSIZE];
	char			 why[HS_FILTERLEN + 128];
	const char		*call;
	size_t			 n = 0, off, len;
	uint32_t		 type = imsg_get_type(imsg);
	int			 rv;

	memset(&cf, 0, sizeof(cf));
	switch (type) {
	case IMSG_CTL_ADDFILTER:
	case IMSG_CTL_DELFILTER:
	case IMSG_CTL_GETFILTER:
		if (imsg_get_data(imsg, &cf, sizeof(cf)) == -1 ||
		    memchr(cf.fl_expr, '\0', sizeof(cf.fl_expr)) == NULL)
			return (-1);
		break;
	case IMSG_CTL_REPLACEFILTERS:
		/* Rules one after the other, each with its NUL. */
		if (imsg_get_ibuf(imsg, &ib) == -1 ||
		    (len = ibuf_size(&ib)) > sizeof(buf) ||
		    ibuf_get(&ib, buf, len) == -1 ||
		    (len > 0 && buf[len - 1] != '\0'))
			return (-1);
		for (off = 0; off < len; off += strlen(buf + off) + 1) {
			if (n == HS_MAXFILTERS)
				return (-1);
			exprs[n++] = buf + off;
		}
		break;
	default:
		if (imsg_get_len(imsg) != 0)
			return (-1);
		break;
	}

	switch (type) {
	case IMSG_CTL_GETFILTERS:
	case IMSG_CTL_GETFILTER:
		if (type == IMSG_CTL_GETFILTER && cf.fl_index == 0) {
			(void)strlcpy(why, "rules are numbered from 1",
			    sizeof(why));
			return (control_done(iev, -1, why));
		}
		rv = capctl_get(iev, type == IMSG_CTL_GETFILTER ?
		    cf.fl_index : 0, why, sizeof(why));
		return (control_done(iev, rv, why));
	case IMSG_CTL_GETHOSTS:
		return (control_done(iev, capctl_hosts(iev, why, sizeof(why)),
		    why));
	default:
		break;
	}

	switch (type) {
	case IMSG_CTL_ADDFILTER:
		call = "addFilter";
		rv = capctl_add(conn->id, cf.fl_expr, why, sizeof(why));
		break;
	case IMSG_CTL_DELFILTER:
		call = "delFilter";
		rv = capctl_del(conn->id, cf.fl_index, why, sizeof(why));
		break;
	case IMSG_CTL_REPLACEFILTERS:
		call = "replaceFilters";
		rv = capctl_replace(conn->id, exprs, n, why, sizeof(why));
		break;
	default:
		call = type == IMSG_CTL_ENABLEPCAP ? "enablePcap" :
		    "disablePcap";
		rv = capctl_enable(conn->id, type == IMSG_CTL_ENABLEPCAP, why,
		    sizeof(why));
		break;
	}
	{
		char	 who[64];

		log_info("%s requested by %s", call, control_who(conn, who,
		    sizeof(who)));
	}
	if (rv == 0)
		return (0);	/* the answer comes when the child's does */
	return (control_done(iev, rv, why));
}

/* Part of the answer to a request that had to wait. */
void
control_data(uint32_t id, uint32_t type, const void *data, size_t len)
{
	struct ctl_conn	*conn;

	TAILQ_FOREACH(conn, &ctl_conns, entry)
		if (conn->id == id)
			break;
	if (conn == NULL)
		return;		/* the client left meanwhile */
	if (imsgev_compose(&conn->iev, type, 0, 0, -1, data, len) == -1)
		log_warn("%s: compose", __func__);
}

/*
 * addAlias, delAlias, getAliases: netctl answers, through control_data()
 * and control_reply(); setFingerprint and getFingerprint: the persona
 * child does.  Returns -1 for a malformed request.
 */
static int
control_alias(struct ctl_conn *conn, struct imsg *imsg)
{
	struct ctl_alias	 ca;
	char			 why[HS_REASONLEN], who[64];
	uint32_t		 type = imsg_get_type(imsg);
	int			 rv;

	if (type == IMSG_CTL_GETALIASES) {
		if (imsg_get_len(imsg) != 0)
			return (-1);
		rv = aliasctl_get(conn->id, why, sizeof(why));
	} else {
		if (imsg_get_data(imsg, &ca, sizeof(ca)) == -1 ||
		    !str_printable(ca.ca_addr, sizeof(ca.ca_addr)) ||
		    !str_printable(ca.ca_how, sizeof(ca.ca_how)))
			return (-1);
		if (type == IMSG_CTL_SETFINGERPRINT && ca.ca_how[0] == '\0')
			return (-1);
		log_info("%s %s%s%s requested by %s",
		    type == IMSG_CTL_ADDALIAS ? "addAlias" :
		    type == IMSG_CTL_DELALIAS ? "delAlias" :
		    type == IMSG_CTL_SETFINGERPRINT ? "setFingerprint" :
		    "getFingerprint", ca.ca_addr,
		    type == IMSG_CTL_SETFINGERPRINT ? " " : "",
		    type == IMSG_CTL_SETFINGERPRINT ? ca.ca_how : "",
		    control_who(conn, who, sizeof(who)));
		switch (type) {
		case IMSG_CTL_ADDALIAS:
			rv = aliasctl_add(conn->id, &ca, why, sizeof(why));
			break;
		case IMSG_CTL_DELALIAS:
			rv = aliasctl_del(conn->id, &ca, why, sizeof(why));
			break;
		case IMSG_CTL_SETFINGERPRINT:
			rv = personactl_set(conn->id, &ca, why, sizeof(why));
			break;
		default:
			rv = personactl_get(conn->id, &ca, why, sizeof(why));
			break;
		}
	}
	if (rv == 0)
		return (0);	/* the answer comes when netctl's does */
	return (control_done(&conn->iev, rv, why));
}

/* The outcome of a request that had to wait: END, or FAIL with why. */
void
control_reply(uint32_t id, const char *why)
{
	struct ctl_conn	*conn;

	TAILQ_FOREACH(conn, &ctl_conns, entry)
		if (conn->id == id)
			break;
	if (conn == NULL)
		return;		/* the client left meanwhile */
	if (why == NULL) {
		if (imsgev_compose(&conn->iev, IMSG_CTL_END, 0, 0, -1, NULL,
		    0) == -1)
			log_warn("%s: compose", __func__);
	} else if (imsgev_compose(&conn->iev, IMSG_CTL_FAIL, 0, 0, -1, why,
	    strlen(why) + 1) == -1)
		log_warn("%s: compose", __func__);
}

/* A child answered a status request made for client id. */
void
control_status_reply(uint32_t id, enum proc_id proc,
    const struct proc_status_msg *ps)
{
	struct ctl_conn	*conn;

	TAILQ_FOREACH(conn, &ctl_conns, entry)
		if (conn->id == id)
			break;
	if (conn == NULL || conn->pending == 0)
		return;		/* the client left meanwhile */
	conn->procs[proc] = *ps;
	conn->have[proc] = 1;
	if (--conn->pending == 0)
		control_status_finish(conn);
}

/* The capture child's counters, ahead of its status. */
void
control_capture_stats(uint32_t id, const struct cap_stats_msg *cs)
{
	struct ctl_conn	*conn;

	TAILQ_FOREACH(conn, &ctl_conns, entry)
		if (conn->id == id)
			break;
	if (conn == NULL || conn->pending == 0)
		return;		/* the client left meanwhile */
	conn->capture = *cs;
	conn->have_capture = 1;
}

static void
control_status_finish(struct ctl_conn *conn)
{
	struct ctl_status	 cs;
	struct ctl_feature	 cf;
	struct proc_status_msg	 ps;
	size_t			 i;
	int			 rv = 0;

	memset(&cs, 0, sizeof(cs));
	cs.cs_privmode = hs->p_privmode;
	cs.cs_nodemode = hs->p_conf->c_node.n_mode;
	(void)strlcpy(cs.cs_node, hs->p_conf->c_node.n_name,
	    sizeof(cs.cs_node));
	cs.cs_started = hs->p_started;
	rv |= imsgev_compose(&conn->iev, IMSG_CTL_STATUS, 0, 0, -1, &cs,
	    sizeof(cs));
	proc_self_status("parent", &ps);
	rv |= imsgev_compose(&conn->iev, IMSG_CTL_PROC, 0, 0, -1, &ps,
	    sizeof(ps));
	for (i = 0; i < PROC_MAX; i++)
		if (conn->have[i])
			rv |= imsgev_compose(&conn->iev, IMSG_CTL_PROC, 0, 0,
			    -1, &conn->procs[i], sizeof(conn->procs[i]));
	if (conn->have_capture)
		rv |= imsgev_compose(&conn->iev, IMSG_CTL_CAPTURE, 0, 0, -1,
		    &conn->capture, sizeof(conn->capture));
	for (i = 0; i < hs->p_ntable; i++) {
		memset(&cf, 0, sizeof(cf));
		(void)strlcpy(cf.cf_name, hs->p_table[i].pd_name,
		    sizeof(cf.cf_name));
		(void)strlcpy(cf.cf_desc, hs->p_table[i].pd_feature,
		    sizeof(cf.cf_desc));
		cf.cf_enabled = parent_feature(&hs->p_table[i], cf.cf_reason,
		    sizeof(cf.cf_reason));
		rv |= imsgev_compose(&conn->iev, IMSG_CTL_FEATURE, 0, 0, -1,
		    &cf, sizeof(cf));
	}
	rv |= persona_status(&conn->iev);
	rv |= imsgev_compose(&conn->iev, IMSG_CTL_END, 0, 0, -1, NULL, 0);
	if (rv == -1)
		log_warn("%s: compose", __func__);
}
