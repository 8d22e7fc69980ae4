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

/* Process plumbing: imsg channels on libevent, child start-up and status. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <linux/capability.h>

#include <errno.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "util.h"

#define LOG_TEXT_MAX	1024
#define IMSGEV_READS	64	/* reads per call, while fds come */

static void	imsgev_read(int, short, void *);
static void	imsgev_write(int, short, void *);
static void	imsgev_closed_now(struct imsgev *);
static void	imsgev_schedule(struct imsgev *, int);
static void	child_log_sink(int, const char *, int);
static void	child_closed(struct imsgev *);

static struct imsgev	 child_iev;	/* a child's channel to its parent */
static char		 child_chroot[PATH_MAX];
static int		 child_chrooted;
static const char	*child_name;
static struct event_base *child_base;

void
imsgev_init(struct imsgev *iev, int fd, const char *name,
    imsgev_handler handler, imsgev_closed closed, void *data)
{
	memset(iev, 0, sizeof(*iev));
	if (imsgbuf_init(&iev->ibuf, fd) == -1)
		fatal("%s: imsgbuf_init", __func__);
	iev->handler = handler;
	iev->closed = closed;
	iev->data = data;
	iev->name = name;
}

/*
 * Watch for input always.  Output queued during one turn of the event
 * loop goes out in one sendmsg at the end of that turn, from an event we
 * make active ourselves; only when the socket is full do we wait for
 * writability.  So a busy channel costs no epoll_ctl per message, and no
 * message waits for the next epoll_wait.
 */
void
imsgev_add(struct imsgev *iev)
{
	if (!iev->attached) {
		event_set(&iev->ev_read, iev->ibuf.fd, EV_READ | EV_PERSIST,
		    imsgev_read, iev);
		event_set(&iev->ev_write, iev->ibuf.fd, EV_WRITE, imsgev_write,
		    iev);
		event_set(&iev->ev_flush, -1, 0, imsgev_write, iev);
		if (event_add(&iev->ev_read, NULL) == -1)
			fatal("%s: event_add", __func__);
		iev->attached = 1;
	}
	imsgev_schedule(iev, 0);
}

/* Queued output goes within IMSGEV_LATER_MS, with what follows it. */
void
imsgev_flush_later(struct imsgev *iev)
{
	if (iev->attached)
		imsgev_schedule(iev, 1);
}

static void
imsgev_schedule(struct imsgev *iev, int later)
{
	struct timeval	 tv = { 0, IMSGEV_LATER_MS * 1000 };

	if (imsgbuf_queuelen(&iev->ibuf) == 0 ||
	    iev->flushing == IMSGEV_FLUSH_NOW ||
	    event_pending(&iev->ev_write, EV_WRITE, NULL))
		return;
	if (later && imsgbuf_queuelen(&iev->ibuf) < IMSGEV_LATER_MAX) {
		if (iev->flushing == IMSGEV_FLUSH_NONE) {
			if (evtimer_add(&iev->ev_flush, &tv) == -1)
				fatal("%s: evtimer_add", __func__);
			iev->flushing = IMSGEV_FLUSH_LATER;
		}
		return;
	}
	if (iev->flushing == IMSGEV_FLUSH_LATER)
		evtimer_del(&iev->ev_flush);
	iev->flushing = IMSGEV_FLUSH_NOW;
	event_active(&iev->ev_flush, EV_WRITE, 1);
}

/* Stop watching and drop queued output; the fd is the owner's to close. */
void
imsgev_clear(struct imsgev *iev)
{
	if (iev->attached) {
		event_del(&iev->ev_read);
		event_del(&iev->ev_write);
		event_del(&iev->ev_flush);
	}
	iev->attached = 0;
	iev->flushing = IMSGEV_FLUSH_NONE;
	imsgbuf_clear(&iev->ibuf);
}

/* Like imsgev_compose, for messages that can wait a moment: no fd. */
int
imsgev_compose_later(struct imsgev *iev, uint32_t type, uint32_t peerid,
    pid_t pid, const void *data, size_t len)
{
	int	 ret;

	if ((ret = imsg_compose(&iev->ibuf, type, peerid, pid, -1, data,
	    len)) == -1)
		return (-1);
	imsgev_flush_later(iev);
	return (ret);
}

int
imsgev_compose(struct imsgev *iev, uint32_t type, uint32_t peerid, pid_t pid,
    int fd, const void *data, size_t len)
{
	int	 ret;

	if ((ret = imsg_compose(&iev->ibuf, type, peerid, pid, fd, data,
	    len)) == -1)
		return (-1);
	/*
	 * An fd rides alone on its sendmsg, so waiting for the end of the
	 * turn would batch nothing; alone in the queue it goes at once.  A
	 * failure leaves it queued, for the flush to meet and report.
	 */
	if (fd != -1 && iev->attached && imsgbuf_queuelen(&iev->ibuf) == 1 &&
	    !event_pending(&iev->ev_write, EV_WRITE, NULL))
		(void)imsgbuf_write(&iev->ibuf);
	if (iev->attached)
		imsgev_add(iev);
	return (ret);
}

static void
imsgev_closed_now(struct imsgev *iev)
{
	imsgev_clear(iev);
	iev->closed(iev);
}

/*
 * Read, hand each complete message to the handler, arm the writer.  A
 * read that ended with a passed fd may have stopped short of more, so we
 * read on: an AF_UNIX socket in flight makes the kernel queue its garbage
 * collector at every release of any AF_UNIX socket, and what we have
 * read is no longer in flight.  End of file or an error after such a
 * read waits for the next call, once what came before it is handled.
 */
static void
imsgev_read(int fd, short event, void *arg)
{
	struct imsgev	*iev = arg;
	struct imsg	 imsg;
	int		 n, rv, reads;

	(void)fd;
	(void)event;
	for (reads = 0; reads < IMSGEV_READS; reads++) {
		if ((n = imsgbuf_read(&iev->ibuf)) == 1 &&
		    iev->ibuf.r_fdlast)
			continue;
		if (n == 1 || reads > 0)
			break;
		if (n == -1)
			log_warn("%s: read from %s", __func__, iev->name);
		imsgev_closed_now(iev);
		return;
	}
	for (;;) {
		if ((n = imsgbuf_get(&iev->ibuf, &imsg)) == -1) {
			log_warn("%s: bad message from %s", __func__,
			    iev->name);
			imsgev_closed_now(iev);
			return;
		}
		if (n == 0)
			break;
		rv = iev->handler(iev, &imsg);
		imsg_free(&imsg);
		if (rv == -1) {
			imsgev_closed_now(iev);
			return;
		}
	}
	imsgev_add(iev);
}

/* The end of a turn (ev_flush), or room in a full socket (ev_write). */
static void
imsgev_write(int fd, short event, void *arg)
{
	struct imsgev	*iev = arg;

	(void)fd;
	(void)event;
	if (iev->flushing == IMSGEV_FLUSH_LATER)
		evtimer_del(&iev->ev_flush);
	iev->flushing = IMSGEV_FLUSH_NONE;
	if (imsgbuf_write(&iev->ibuf) == -1) {
		if (errno != EPIPE)
			log_warn("%s: write to %s", __func__, iev->name);
		imsgev_closed_now(iev);
		return;
	}
	if (imsgbuf_queuelen(&iev->ibuf) > 0 &&
	    event_add(&iev->ev_write, NULL) == -1)
		fatal("%s: event_add", __func__);
}

/*
 * Start a child as a new image of ourselves, "honeyspyd -P name", with its
 * channel on HS_PARENT_FD and nothing else open past stderr.  A fresh exec
 * gives each child its own address space layout and no inherited heap.
 */
pid_t
proc_start(const char *self, const struct proc_def *pd, int debug,
    int verbose, int *chanfd)
{
	char	 arg0[] = "honeyspyd", optp[] = "-P", optd[] = "-d";
	char	 optv[] = "-v", name[HS_NAMELEN];
	char	*argv[8];
	int	 sp[2], argc = 0;
	pid_t	 pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1)
		fatal("%s: socketpair", __func__);
	switch ((pid = fork())) {
	case -1:
		fatal("%s: fork", __func__);
	case 0:
		if (sp[1] == HS_PARENT_FD) {
			if (fcntl(sp[1], F_SETFD, 0) == -1)
				_exit(1);
		} else if (dup2(sp[1], HS_PARENT_FD) == -1)
			_exit(1);
		closefrom(HS_PARENT_FD + 1);
		(void)strlcpy(name, pd->pd_name, sizeof(name));
		argv[argc++] = arg0;
		argv[argc++] = optp;
		argv[argc++] = name;
		if (debug)
			argv[argc++] = optd;
		if (verbose)
			argv[argc++] = optv;
		argv[argc] = NULL;
		execv(self, argv);
		(void)fprintf(stderr, "honeyspyd: exec %s: %s\n", self,
		    strerror(errno));
		_exit(1);
	}
	close(sp[1]);
	*chanfd = sp[0];
	return (pid);
}

/*
 * Ship a child's log line to the parent, which owns stderr and syslog.  The
 * write is synchronous so that a fatal message is out before we exit.
 */
static void
child_log_sink(int priority, const char *line, int fatal_msg)
{
	struct log_msg	 lm;
	struct iovec	 iov[2];
	char		 text[LOG_TEXT_MAX];

	(void)fatal_msg;
	lm.lm_priority = priority;
	(void)strlcpy(text, line, sizeof(text));
	iov[0].iov_base = &lm;
	iov[0].iov_len = sizeof(lm);
	iov[1].iov_base = text;
	iov[1].iov_len = strlen(text) + 1;
	if (imsg_composev(&child_iev.ibuf, IMSG_LOG, 0, 0, -1, iov, 2) == -1 ||
	    imsgbuf_flush(&child_iev.ibuf) == -1) {
		/* The parent is gone; stderr is the last resort. */
		log_setsink(NULL);
		log_line(priority, line);
		log_setsink(child_log_sink);
	}
}

static void
child_closed(struct imsgev *iev)
{
	(void)iev;
	/* The parent is gone: a child has no purpose without it. */
	exit(0);
}

/*
 * First step of every child: name the process, route logs to the parent and
 * wait for the parent's hello, which says how to jail ourselves.
 */
void
proc_child_init(const struct proc_def *pd, struct hello_msg *hm)
{
	struct imsg	 imsg;
	int		 n;

	child_name = pd->pd_name;
	log_procinit(pd->pd_name);
	setproctitle("%s", pd->pd_name);
	imsgev_init(&child_iev, HS_PARENT_FD, "parent", NULL, child_closed,
	    NULL);
	/*
	 * The parent hands some children sockets; they may arrive in the
	 * same read as the hello.  A child that expects none rejects the
	 * message they come with.
	 */
	imsgbuf_allow_fdpass(&child_iev.ibuf);
	/*
	 * Set-up messages may follow the hello in the same read, and some
	 * (paths, an output's settings) pass the default bound; the parent
	 * is the one process every child trusts, so its bound is the
	 * largest message anyone sends.
	 */
	if (imsgbuf_set_maxsize(&child_iev.ibuf, HS_CTL_MAXMSG) == -1)
		fatal("%s: imsgbuf_set_maxsize", __func__);
	log_setsink(child_log_sink);

	/*
	 * Only the parent may stop us.  ^C in a terminal and a service manager
	 * signal the whole group; the parent then shuts us down in order.
	 */
	if (signal(SIGINT, SIG_IGN) == SIG_ERR ||
	    signal(SIGTERM, SIG_IGN) == SIG_ERR ||
	    signal(SIGHUP, SIG_IGN) == SIG_ERR ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("%s: signal", __func__);

	while ((n = imsgbuf_get(&child_iev.ibuf, &imsg)) == 0) {
		if ((n = imsgbuf_read(&child_iev.ibuf)) == -1)
			fatal("%s: read hello", __func__);
		if (n == 0)
			exit(0);
	}
	if (n == -1)
		fatal("%s: bad hello", __func__);
	if (imsg_get_type(&imsg) != IMSG_HELLO)
		fatalx("%s: expected hello, got imsg %u", __func__,
		    imsg_get_type(&imsg));
	if (imsg_get_id(&imsg) != HS_PROTO_VERSION)
		fatalx("%s: parent speaks protocol %u, we speak %d", __func__,
		    imsg_get_id(&imsg), HS_PROTO_VERSION);
	if (imsg_get_data(&imsg, hm, sizeof(*hm)) == -1)
		fatalx("%s: hello: bad size", __func__);
	imsg_free(&imsg);
	if (memchr(hm->hm_chroot, '\0', sizeof(hm->hm_chroot)) == NULL)
		fatalx("%s: hello: chroot not terminated", __func__);
	if (hm->hm_privmode < PRIVMODE_USER || hm->hm_privmode > PRIVMODE_ROOT)
		fatalx("%s: hello: bad mode %d", __func__, hm->hm_privmode);
	log_setverbose(hm->hm_verbose);
}

/*
 * Enter the jail and give up the uid and every capability the table does
 * not list.  Without root there is no chroot or uid change to make; the
 * capability set still shrinks to the table's entry.
 */
void
proc_child_jail(const struct proc_def *pd, const struct hello_msg *hm)
{
	uint64_t	 keep = (pd->pd_caps | pd->pd_setup_caps) &
			    hm->hm_permitted;

	switch (hm->hm_privmode) {
	case PRIVMODE_ROOT:
		if (pd->pd_chroot) {
			proc_check_jail(hm->hm_chroot);
			if (chroot(hm->hm_chroot) == -1)
				fatal("%s: chroot %s", __func__, hm->hm_chroot);
			if (chdir("/") == -1)
				fatal("%s: chdir /", __func__);
			(void)strlcpy(child_chroot, hm->hm_chroot,
			    sizeof(child_chroot));
			child_chrooted = 1;
		}
		proc_drop(hm->hm_uid, hm->hm_gid, keep, PRIVMODE_ROOT);
		break;
	case PRIVMODE_CAPS:
		proc_drop(getuid(), getgid(), keep, PRIVMODE_CAPS);
		break;
	case PRIVMODE_USER:
		break;
	}
}

/*
 * Setup is over: let go of the capabilities needed only to open things,
 * then seal the process.  Nothing may open a file or socket after this.
 */
void
proc_child_setup_done(const struct proc_def *pd, const struct hello_msg *hm)
{
	if (pd->pd_setup_caps != 0 && hm->hm_privmode != PRIVMODE_USER)
		proc_drop(getuid(), getgid(), pd->pd_caps & hm->hm_permitted,
		    PRIVMODE_CAPS);
	if ((child_base = event_init()) == NULL)
		fatalx("%s: event_init", __func__);
	if (fd_nonblock(HS_PARENT_FD) == -1)
		fatal("%s: fd_nonblock", __func__);
	sandbox_install(pd->pd_id);
}

/*
 * The parent's next message while a child sets up, before its event loop
 * runs: waits for it, and leaves quietly when the parent has gone.
 */
void
proc_child_next(struct imsgev *iev, struct imsg *imsg)
{
	int	 n;

	while ((n = imsgbuf_get(&iev->ibuf, imsg)) == 0) {
		if ((n = imsgbuf_read(&iev->ibuf)) == -1)
			fatal("%s: read", __func__);
		if (n == 0)
			exit(0);
	}
	if (n == -1)
		fatal("%s: bad message", __func__);
}

/* IMSG_CFG_NODE: the node's name, checked, into buf. */
void
proc_child_node(struct imsg *imsg, char *buf, size_t len)
{
	struct node_msg	 nm;

	if (imsg_get_data(imsg, &nm, sizeof(nm)) == -1 ||
	    memchr(nm.nm_name, '\0', sizeof(nm.nm_name)) == NULL)
		fatalx("IMSG_CFG_NODE: bad message");
	(void)strlcpy(buf, nm.nm_name, len);
}

/* The channel to the parent, for children that tune it before running. */
struct imsgev *
proc_child_iev(void)
{
	return (&child_iev);
}

struct event_base *
proc_child_base(void)
{
	return (child_base);
}

/* Report ready to the parent and serve it until it goes away. */
__attribute__((__noreturn__)) void
proc_child_run(const struct proc_def *pd, imsgev_handler handler)
{
	struct proc_status_msg	 ps;

	child_iev.handler = handler;
	proc_self_status(pd->pd_name, &ps);
	if (imsgev_compose(&child_iev, IMSG_HELLO, HS_PROTO_VERSION, 0, -1,
	    &ps, sizeof(ps)) == -1)
		fatal("%s: compose hello", __func__);
	imsgev_add(&child_iev);
	/*
	 * The read that brought the hello may have brought the parent's
	 * next messages too; they wait in the buffer, where epoll cannot see
	 * them, so look once without waiting for the socket.
	 */
	event_active(&child_iev.ev_read, EV_READ, 1);
	log_debug("ready");
	if (event_dispatch() == -1)
		fatal("%s: event_dispatch", __func__);
	exit(0);
}

/*
 * Messages every child answers the same way.  Returns 1 when it handled
 * the message, 0 when the caller must.
 */
int
proc_child_common(struct imsgev *iev, struct imsg *imsg)
{
	struct proc_status_msg	 ps;

	switch (imsg_get_type(imsg)) {
	case IMSG_STATUS_REQ:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: IMSG_STATUS_REQ: bad size", __func__);
		proc_self_status(child_name, &ps);
		if (imsgev_compose(iev, IMSG_STATUS, imsg_get_id(imsg), 0, -1,
		    &ps, sizeof(ps)) == -1)
			fatal("%s: compose", __func__);
		return (1);
	default:
		return (0);
	}
}

/* What this process holds right now, read from the kernel where it can be. */
void
proc_self_status(const char *name, struct proc_status_msg *ps)
{
	struct __user_cap_header_struct	 hdr;
	struct __user_cap_data_struct	 data[2];

	memset(ps, 0, sizeof(*ps));
	(void)strlcpy(ps->ps_name, name, sizeof(ps->ps_name));
	ps->ps_pid = getpid();
	ps->ps_uid = getuid();
	ps->ps_gid = getgid();
	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &hdr, data) == -1)
		fatal("%s: capget", __func__);
	ps->ps_capeff = data[0].effective |
	    ((uint64_t)data[1].effective << 32);
	ps->ps_seccomp = sandbox_state();
	ps->ps_chrooted = child_chrooted;
	(void)strlcpy(ps->ps_chroot, child_chroot, sizeof(ps->ps_chroot));
}
