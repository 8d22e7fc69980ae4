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

/* honeyspyd: main, the process table and the parent's event loop. */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include "config.h"
#include "honeyspyd.h"
#include "log.h"
#include "proc.h"
#include "util.h"

#include "capture/capture.h"
#include "netctl/netctl.h"
#include "persona/persona.h"
#include "rpc/rpc.h"
#include "superserver/binder.h"
#include "superserver/spawner.h"
#include "superserver/superserver.h"
#include "web/web.h"
#ifdef HS_REGRESS
#include "regress/sandbox/violator.h"
#endif

#define CAP(c)		((uint64_t)1 << (c))

/*
 * Every process, what it may keep and where it lives (DESIGN.md section 2).
 * This table is the only way in to a child's main.
 */
static const struct proc_def proc_table[] = {
	{ PROC_NETCTL, "netctl", netctl_main,
	    CAP(CAP_NET_ADMIN), 0, 1, 0, 0, "virtual hosts and MAC addresses" },
	{ PROC_CAPTURE, "capture", capture_main,
	    0, CAP(CAP_NET_RAW), 1, 0, 0, "packet capture and fingerprints" },
	{ PROC_PERSONA, "persona", persona_main,
	    CAP(CAP_NET_ADMIN), 0, 1, 0, 0, "TCP/IP personalities" },
	{ PROC_BINDER, "binder", binder_main,
	    CAP(CAP_NET_BIND_SERVICE), 0, 1, 0, 0,
	    "services on ports below 1024" },
	{ PROC_SUPERSERVER, "superserver", superserver_main,
	    0, 0, 0, 0, 0, "services" },
	/*
	 * Programs need their files, so no chroot; without root they run
	 * as the suite's own user.
	 */
	{ PROC_SPAWNER, "spawner", spawner_main,
	    CAP(CAP_SETUID) | CAP(CAP_SETGID) | CAP(CAP_SYS_CHROOT) |
	    CAP(CAP_KILL), 0, 0, 0, 1, "service programs as their own user" },
	{ PROC_RPC, "rpc", rpc_main,
	    0, 0, 1, 0, 0, "link to the master" },
	{ PROC_WEB, "web", web_main,
	    0, 0, 1, 1, 0, "web console" },
#ifdef HS_REGRESS
	{ PROC_REGRESS, "violator", violator_main,
	    0, 0, 1, 0, 0, "sandbox regression test" },
#endif
};
#define PROC_TABLE_SIZE	(sizeof(proc_table) / sizeof(proc_table[0]))

static struct parent	 parent_state;
struct parent		*hs = &parent_state;

static struct event	 ev_sigterm, ev_sigint, ev_sighup, ev_sigchld;

__dead static void	usage(void);
__dead static void	parent_shutdown(int);
static void		parent_drain(struct child *);
static void		parent_sig(int, short, void *);
static void		parent_reap(int, short, void *);
static int		parent_dispatch_child(struct imsgev *, struct imsg *);
static void		parent_child_closed(struct imsgev *);
static void		parent_child_wait(int, short, void *);
static void		parent_start_children(const char *);
static void		parent_log_features(void);
static int		child_wanted(const struct proc_def *);
static const struct proc_def *proc_find(const char *);
static void		describe_status(int, char *, size_t);

__dead static void
usage(void)
{
	(void)fprintf(stderr,
	    "usage: honeyspyd [-dnv] [-f file] [-s socket]\n");
	exit(1);
}

static const struct proc_def *
proc_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < PROC_TABLE_SIZE; i++)
		if (strcmp(proc_table[i].pd_name, name) == 0)
			return (&proc_table[i]);
	return (NULL);
}

int
main(int argc, char *argv[])
{
	extern char		**environ;
	const struct proc_def	*pd;
	struct passwd		*pw;
	const char		*title = NULL;
	char			 self[PATH_MAX];
	ssize_t			 len;
	int			 ch, noaction = 0;

	setproctitle_init(argc, argv, environ);
	hs->p_conffile = HS_CONFIG;
	hs->p_socket = HS_SOCKET;
	hs->p_table = proc_table;
	hs->p_ntable = PROC_TABLE_SIZE;

	while ((ch = getopt(argc, argv, "+df:nP:s:v")) != -1) {
		switch (ch) {
		case 'd':
			hs->p_debug = 1;
			break;
		case 'f':
			hs->p_conffile = optarg;
			break;
		case 'n':
			noaction = 1;
			break;
		case 'P':
			title = optarg;
			break;
		case 's':
			hs->p_socket = optarg;
			break;
		case 'v':
			hs->p_verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	if (argc != 0)
		usage();

	/* A child: everything it needs comes from the parent's hello. */
	if (title != NULL) {
		if ((pd = proc_find(title)) == NULL)
			fatalx("unknown process %s", title);
		log_init(1, LOG_DAEMON);
		pd->pd_main(pd);
		/* NOTREACHED */
	}

	/* Nothing a caller left open belongs to us or to our children. */
	closefrom(STDERR_FILENO + 1);
	/*
	 * libevent then folds the event changes of one loop iteration into
	 * as few epoll_ctl(2) calls as it can; none of our event fds is a
	 * dup(2) of another, which is what that mode cannot handle.  The
	 * children inherit it with the environment.
	 */
	if (setenv("EVENT_EPOLL_USE_CHANGELIST", "1", 1) == -1)
		fatal("setenv");
	log_init(hs->p_debug || noaction, LOG_DAEMON);
	log_setverbose(hs->p_verbose);
	if ((hs->p_conf = config_parse_file(hs->p_conffile)) == NULL)
		exit(1);
	if (noaction) {
		if (hs->p_verbose) {
			config_print(stdout, hs->p_conf);
			(void)printf("# configuration OK\n");
		} else
			(void)printf("configuration OK\n");
		config_free(hs->p_conf);
		exit(0);
	}

	log_procinit("parent");
	hs->p_privmode = proc_privmode(&hs->p_permitted);
	if (hs->p_privmode == PRIVMODE_ROOT) {
		if ((pw = getpwnam(hs->p_conf->c_node.n_user)) == NULL)
			fatalx("unknown user %s", hs->p_conf->c_node.n_user);
		if (pw->pw_uid == 0)
			fatalx("node.user %s is root; it must be an "
			    "unprivileged user", pw->pw_name);
		hs->p_uid = pw->pw_uid;
		hs->p_gid = pw->pw_gid;
		proc_check_jail(hs->p_conf->c_node.n_chroot);
	} else {
		hs->p_uid = getuid();
		hs->p_gid = getgid();
	}

	if (getcwd(hs->p_cwd, sizeof(hs->p_cwd)) == NULL)
		fatal("getcwd");
	eventlog_open(hs->p_conf->c_log.lg_file, hs->p_uid, hs->p_gid,
	    hs->p_privmode == PRIVMODE_ROOT);
	artifacts_open(hs->p_conf->c_log.lg_artifacts, hs->p_uid, hs->p_gid,
	    hs->p_privmode == PRIVMODE_ROOT);

	/* Children are new images of this very file. */
	if ((len = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		fatal("readlink /proc/self/exe");
	self[len] = '\0';
	(void)strlcpy(hs->p_self, self, sizeof(hs->p_self));

	control_init(hs->p_socket, hs->p_uid, hs->p_gid, hs->p_privmode);
	if (!hs->p_debug && daemon(1, 0) == -1)
		fatal("daemon");
	hs->p_started = time(NULL);
	log_info("starting in %s mode as %s node %s",
	    privmode_name(hs->p_privmode),
	    config_nodemode_name(hs->p_conf->c_node.n_mode),
	    hs->p_conf->c_node.n_name);
	parent_log_features();
	parent_start_children(self);

	/* Everything privileged is done: the children hold what is needed. */
	proc_drop(hs->p_uid, hs->p_gid, 0, hs->p_privmode);
	setproctitle("parent");

	if (event_init() == NULL)
		fatalx("event_init");
	signal_set(&ev_sigterm, SIGTERM, parent_sig, NULL);
	signal_set(&ev_sigint, SIGINT, parent_sig, NULL);
	signal_set(&ev_sighup, SIGHUP, parent_sig, NULL);
	signal_set(&ev_sigchld, SIGCHLD, parent_sig, NULL);
	if (signal_add(&ev_sigterm, NULL) == -1 ||
	    signal_add(&ev_sigint, NULL) == -1 ||
	    signal_add(&ev_sighup, NULL) == -1 ||
	    signal_add(&ev_sigchld, NULL) == -1)
		fatal("signal_add");
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal");
	for (size_t i = 0; i < PROC_MAX; i++) {
		struct child	*c = &hs->p_child[i];

		if (c->c_def == NULL)
			continue;
		if (fd_nonblock(c->c_fd) == -1)
			fatal("fd_nonblock");
		/* The binder sends sockets; the superserver, big events. */
		if (c->c_def->pd_id == PROC_BINDER)
			imsgbuf_allow_fdpass(&c->c_iev.ibuf);
		if (c->c_def->pd_id == PROC_SUPERSERVER &&
		    imsgbuf_set_maxsize(&c->c_iev.ibuf, HS_EVENT_MAX + 1024) ==
		    -1)
			fatal("imsgbuf_set_maxsize");
		imsgev_add(&c->c_iev);
	}
	control_listen();
	/* Before the sandbox: it resolves users, which may load nss. */
	services_init();
	sandbox_install(PROC_PARENT);
	/* A child may have died before SIGCHLD was watched. */
	parent_reap(-1, 0, NULL);

	if (event_dispatch() == -1)
		fatal("event_dispatch");
	parent_shutdown(1);
}

/*
 * Whether this child runs here, or why not: privileged children need their
 * capability, the web console needs master mode.  The reason goes to the
 * log and to honeyspyctl status.
 */
int
parent_feature(const struct proc_def *pd, char *why, size_t len)
{
	uint64_t	 need = pd->pd_caps | pd->pd_setup_caps;
	char		 names[128];

	why[0] = '\0';
	if (pd->pd_master_only &&
	    hs->p_conf->c_node.n_mode != NODEMODE_MASTER) {
		(void)strlcpy(why, "master mode only", len);
		return (0);
	}
	if (pd->pd_caps_optional) {
		if ((need & ~hs->p_permitted) != 0)
			(void)snprintf(why, len, "programs run as uid %d: "
			    "%s mode cannot change users", (int)hs->p_uid,
			    privmode_name(hs->p_privmode));
		return (1);
	}
	if ((need & ~hs->p_permitted) != 0) {
		if (caps_format(need & ~hs->p_permitted, names,
		    sizeof(names)) == -1)
			(void)strlcpy(names, "capabilities", sizeof(names));
		(void)snprintf(why, len, "needs %s, which %s mode lacks",
		    names, privmode_name(hs->p_privmode));
		return (0);
	}
	return (1);
}

static int
child_wanted(const struct proc_def *pd)
{
	char	 why[128];

#ifdef HS_REGRESS
	if (pd->pd_id == PROC_REGRESS)
		return (getenv("HS_REGRESS_VIOLATE") != NULL);
#endif
	return (parent_feature(pd, why, sizeof(why)));
}

/* Name each feature this run goes without, once, with the reason. */
static void
parent_log_features(void)
{
	size_t	 i;
	char	 why[128];

	for (i = 0; i < PROC_TABLE_SIZE; i++) {
		if (proc_table[i].pd_master_only)
			continue;
		if (!parent_feature(&proc_table[i], why, sizeof(why)))
			log_warnx("%s (%s) disabled: %s",
			    proc_table[i].pd_feature, proc_table[i].pd_name,
			    why);
	}
	if (hs->p_privmode == PRIVMODE_USER)
		log_warnx("user mode: services listen on ports 1024 and up "
		    "only");
	if (hs->p_privmode != PRIVMODE_ROOT)
		log_warnx("%s mode: chroot and user change need root; "
		    "children run unjailed as uid %d", privmode_name(
		    hs->p_privmode), (int)getuid());
}

static void
parent_start_children(const char *self)
{
	struct hello_msg	 hm;
	struct child		*c;
	size_t			 i;

	memset(&hm, 0, sizeof(hm));
	hm.hm_privmode = hs->p_privmode;
	hm.hm_verbose = hs->p_verbose;
	hm.hm_uid = hs->p_uid;
	hm.hm_gid = hs->p_gid;
	hm.hm_permitted = hs->p_permitted;
	if (strlcpy(hm.hm_chroot, hs->p_conf->c_node.n_chroot,
	    sizeof(hm.hm_chroot)) >= sizeof(hm.hm_chroot))
		fatalx("node.chroot too long");

	for (i = 0; i < PROC_TABLE_SIZE; i++) {
		if (!child_wanted(&proc_table[i]))
			continue;
		c = &hs->p_child[proc_table[i].pd_id];
		c->c_def = &proc_table[i];
		c->c_pid = proc_start(self, c->c_def, hs->p_debug,
		    hs->p_verbose, &c->c_fd);
		c->c_running = 1;
		imsgev_init(&c->c_iev, c->c_fd, c->c_def->pd_name,
		    parent_dispatch_child, parent_child_closed, c);
		if (imsg_compose(&c->c_iev.ibuf, IMSG_HELLO, HS_PROTO_VERSION,
		    0, -1, &hm, sizeof(hm)) == -1 ||
		    imsgbuf_flush(&c->c_iev.ibuf) == -1)
			fatal("hello to %s", c->c_def->pd_name);
		log_debug("started %s, pid %d", c->c_def->pd_name,
		    (int)c->c_pid);
	}
}

static void
parent_sig(int sig, short event, void *arg)
{
	(void)event;
	(void)arg;
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("SIG%s received, shutting down", sigabbrev_np(sig));
		parent_shutdown(0);
	case SIGHUP:
		log_info("SIGHUP received, reloading %s", hs->p_conffile);
		(void)parent_reload();
		eventlog_reopen();
		break;
	case SIGCHLD:
		parent_reap(-1, 0, NULL);
		break;
	}
}

static void
describe_status(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		(void)snprintf(buf, len, "killed by signal %d (%s)%s",
		    WTERMSIG(status), strsignal(WTERMSIG(status)),
		    WTERMSIG(status) == SIGSYS ? ": sandbox violation" : "");
	else if (WIFEXITED(status))
		(void)snprintf(buf, len, "exited with status %d",
		    WEXITSTATUS(status));
	else
		(void)snprintf(buf, len, "stopped (status 0x%x)", status);
}

/*
 * Crash-only: when any child dies the suite is no longer what the
 * configuration asked for, so everything stops and the service manager
 * starts us again from a clean state.
 */
static void
parent_reap(int fd, short event, void *arg)
{
	struct child	*c;
	char		 how[128];
	pid_t		 pid;
	int		 status, lost = 0;
	size_t		 i;

	(void)fd;
	(void)event;
	(void)arg;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < PROC_MAX; i++) {
			c = &hs->p_child[i];
			if (c->c_def == NULL || c->c_pid != pid)
				continue;
			c->c_running = 0;
			describe_status(status, how, sizeof(how));
			log_warnx("lost child %s (pid %d): %s",
			    c->c_def->pd_name, (int)pid, how);
			lost = 1;
		}
	}
	if (lost)
		parent_shutdown(1);
}

/*
 * A closed channel means a dying child; its exit status follows at once.
 * Reap it, and do not wait long for a child that only closed the fd.
 */
static void
parent_child_closed(struct imsgev *iev)
{
	struct child	*c = iev->data;

	log_debug("%s closed its channel", c->c_def->pd_name);
	evtimer_set(&c->c_wait, parent_child_wait, c);
	parent_child_wait(-1, 0, c);
}

static void
parent_child_wait(int fd, short event, void *arg)
{
	struct child	*c = arg;
	struct timeval	 tv = { 0, 20 * 1000 };

	(void)fd;
	(void)event;
	parent_reap(-1, 0, NULL);
	if (++c->c_waits > 25) {
		log_warnx("lost child %s (pid %d): closed its channel",
		    c->c_def->pd_name, (int)c->c_pid);
		parent_shutdown(1);
	}
	if (evtimer_add(&c->c_wait, &tv) == -1)
		fatal("evtimer_add");
}

static int
parent_dispatch_child(struct imsgev *iev, struct imsg *imsg)
{
	struct child		*c = iev->data;
	struct proc_status_msg	 ps;
	struct log_msg		 lm;
	struct detect_data	 dd;
	struct detect_done	 dn;
	struct ibuf		 ib;
	char			 text[1024], esc[4 * 1024 + 1];
	size_t			 n;

	switch (imsg_get_type(imsg)) {
	case IMSG_HELLO:
	case IMSG_STATUS:
		if (imsg_get_data(imsg, &ps, sizeof(ps)) == -1)
			fatalx("%s: status from %s: bad size", __func__,
			    c->c_def->pd_name);
		if (memchr(ps.ps_name, '\0', sizeof(ps.ps_name)) == NULL ||
		    memchr(ps.ps_chroot, '\0', sizeof(ps.ps_chroot)) == NULL ||
		    strcmp(ps.ps_name, c->c_def->pd_name) != 0 ||
		    ps.ps_pid != c->c_pid)
			fatalx("%s: status from %s: bad contents", __func__,
			    c->c_def->pd_name);
		if (imsg_get_type(imsg) == IMSG_HELLO) {
			if (imsg_get_id(imsg) != HS_PROTO_VERSION)
				fatalx("%s: %s speaks protocol %u", __func__,
				    c->c_def->pd_name, imsg_get_id(imsg));
			if (c->c_ready)
				fatalx("%s: second hello from %s", __func__,
				    c->c_def->pd_name);
			c->c_ready = 1;
		} else
			control_status_reply(imsg_get_id(imsg),
			    c->c_def->pd_id, &ps);
		break;
	case IMSG_BIND_FD:
		if (c->c_def->pd_id != PROC_BINDER)
			goto unexpected;
		services_bind_reply(imsg);
		break;
	case IMSG_SS_LISTENING:
		if (c->c_def->pd_id != PROC_SUPERSERVER)
			goto unexpected;
		services_listening(imsg);
		break;
	case IMSG_SS_DRAIN:
		if (c->c_def->pd_id != PROC_SUPERSERVER ||
		    imsg_get_len(imsg) != 0)
			goto unexpected;
		c->c_drained = 1;
		break;
	case IMSG_EVENT:
		if (c->c_def->pd_id != PROC_SUPERSERVER)
			goto unexpected;
		if (imsg_get_ibuf(imsg, &ib) == -1)
			fatalx("%s: event from %s: bad message", __func__,
			    c->c_def->pd_name);
		eventlog_write(ibuf_data(&ib), ibuf_size(&ib));
		break;
	case IMSG_ARTIFACT_DATA:
		if (c->c_def->pd_id != PROC_SUPERSERVER)
			goto unexpected;
		if (imsg_get_ibuf(imsg, &ib) == -1 ||
		    ibuf_get(&ib, &dd, sizeof(dd)) == -1 ||
		    ibuf_size(&ib) == 0 || ibuf_size(&ib) > HS_DETECT_CHUNK)
			fatalx("%s: artifact from %s: bad message", __func__,
			    c->c_def->pd_name);
		artifacts_data(&dd, ibuf_data(&ib), ibuf_size(&ib));
		break;
	case IMSG_ARTIFACT_END:
		if (c->c_def->pd_id != PROC_SUPERSERVER)
			goto unexpected;
		if (imsg_get_data(imsg, &dn, sizeof(dn)) == -1)
			fatalx("%s: artifact from %s: bad message", __func__,
			    c->c_def->pd_name);
		artifacts_end(&dn);
		break;
	case IMSG_LOG:
		/* A jailed child's log line: bounded, terminated, escaped. */
		if (imsg_get_ibuf(imsg, &ib) == -1 ||
		    ibuf_get(&ib, &lm, sizeof(lm)) == -1 ||
		    (n = ibuf_size(&ib)) == 0 || n > sizeof(text) ||
		    ibuf_get(&ib, text, n) == -1 || text[n - 1] != '\0')
			fatalx("%s: log from %s: bad size", __func__,
			    c->c_def->pd_name);
		if ((lm.lm_priority & ~LOG_PRIMASK) != 0)
			fatalx("%s: log from %s: bad priority", __func__,
			    c->c_def->pd_name);
		(void)str_escape(text, strlen(text), esc, sizeof(esc));
		log_line(lm.lm_priority, esc);
		break;
	default:
 unexpected:
		fatalx("%s: unexpected imsg %u from %s", __func__,
		    imsg_get_type(imsg), c->c_def->pd_name);
	}
	return (0);
}

/* Ask every running child for its status; returns how many were asked. */
int
parent_status_request(uint32_t id)
{
	struct child	*c;
	size_t		 i;
	int		 n = 0;

	for (i = 0; i < PROC_MAX; i++) {
		c = &hs->p_child[i];
		if (c->c_def == NULL || !c->c_running)
			continue;
		if (imsgev_compose(&c->c_iev, IMSG_STATUS_REQ, id, 0, -1,
		    NULL, 0) == -1)
			fatal("%s: compose", __func__);
		n++;
	}
	return (n);
}

/*
 * Read the configuration again.  A file with errors changes nothing; the
 * errors are logged and the running configuration stays.
 */
int
parent_reload(void)
{
	struct hs_config	*nconf, *oconf = hs->p_conf;

	if ((nconf = config_parse_file(hs->p_conffile)) == NULL) {
		log_warnx("reload: %s has errors; keeping the running "
		    "configuration", hs->p_conffile);
		return (-1);
	}
	if (strcmp(nconf->c_node.n_user, oconf->c_node.n_user) != 0 ||
	    strcmp(nconf->c_node.n_chroot, oconf->c_node.n_chroot) != 0 ||
	    nconf->c_node.n_mode != oconf->c_node.n_mode)
		log_warnx("reload: node.user, node.chroot and node.mode "
		    "take effect at the next start");
	hs->p_conf = nconf;
	config_free(oconf);
	log_info("configuration reloaded from %s", hs->p_conffile);
	services_reload();
	return (0);
}

/*
 * Before the channels close, the superserver ends its sessions and we
 * write what it reports, so that a stop loses no event.  A child that
 * does not answer within two seconds is not waited for.
 */
static void
parent_drain(struct child *c)
{
	struct imsg	 imsg;
	struct pollfd	 pfd;
	struct timespec	 start, now;
	int		 n, ms;

	if (c->c_def == NULL || !c->c_running || c->c_fd == -1 ||
	    !c->c_iev.attached)
		return;
	if (imsg_compose(&c->c_iev.ibuf, IMSG_SS_DRAIN, 0, 0, -1, NULL, 0) ==
	    -1 || imsgbuf_flush(&c->c_iev.ibuf) == -1)
		return;
	(void)clock_gettime(CLOCK_MONOTONIC, &start);
	while (!c->c_drained) {
		(void)clock_gettime(CLOCK_MONOTONIC, &now);
		ms = 2000 - (int)((now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000);
		if (ms <= 0) {
			log_warnx("%s did not drain its sessions in time",
			    c->c_def->pd_name);
			return;
		}
		pfd.fd = c->c_fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, ms) == -1 && errno != EINTR)
			return;
		if ((n = imsgbuf_read(&c->c_iev.ibuf)) <= 0)
			return;
		while ((n = imsgbuf_get(&c->c_iev.ibuf, &imsg)) == 1) {
			(void)parent_dispatch_child(&c->c_iev, &imsg);
			imsg_free(&imsg);
		}
		if (n == -1)
			return;
	}
}

/*
 * Stop in order: close every channel (a child exits when its parent goes
 * away), reap, and kill whatever has not left within two seconds.
 */
__dead static void
parent_shutdown(int code)
{
	struct child	*c;
	struct timespec	 tick = { 0, 10 * 1000 * 1000 };
	char		 how[128];
	pid_t		 pid;
	int		 status, left, waited = 0;
	size_t		 i;

	hs->p_stopping = 1;
	parent_drain(&hs->p_child[PROC_SUPERSERVER]);
	for (i = 0; i < PROC_MAX; i++) {
		c = &hs->p_child[i];
		if (c->c_def == NULL || c->c_fd == -1)
			continue;
		imsgev_clear(&c->c_iev);
		close(c->c_fd);
		c->c_fd = -1;
	}
	for (;;) {
		left = 0;
		for (i = 0; i < PROC_MAX; i++) {
			c = &hs->p_child[i];
			if (c->c_def == NULL || !c->c_running)
				continue;
			if ((pid = waitpid(c->c_pid, &status, WNOHANG)) == 0) {
				left++;
				if (waited == 200)
					(void)kill(c->c_pid, SIGKILL);
				continue;
			}
			c->c_running = 0;
			if (pid == -1 || (WIFEXITED(status) &&
			    WEXITSTATUS(status) == 0))
				continue;
			describe_status(status, how, sizeof(how));
			/*
			 * Before our SIGKILL, a child that died did so on its
			 * own: when one death brings down a sibling first,
			 * the log still names every cause.
			 */
			log_warnx("%s %s (pid %d): %s", waited < 200 ?
			    "lost child" : "stopped child", c->c_def->pd_name,
			    (int)c->c_pid, how);
		}
		if (left == 0)
			break;
		(void)nanosleep(&tick, NULL);
		waited++;
	}
	control_cleanup();
	log_info("terminating");
	exit(code);
}
