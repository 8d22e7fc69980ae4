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
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/tree.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
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
#include <systemd/sd-daemon.h>

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
#include "outputs/output.h"
#ifdef HS_REGRESS
#include "regress/sandbox/violator.h"
#endif

#define CAP(c)		((uint64_t)1 << (c))

/*
 * Every process, what it may keep and where it lives (DESIGN.md section 2).
 * This table is the only way in to a child's main.
 */
static const struct proc_def proc_table[] = {
	/* CAP_NET_RAW only to open the sockets that announce new hosts */
	{ PROC_NETCTL, "netctl", netctl_main,
	    CAP(CAP_NET_ADMIN), CAP(CAP_NET_RAW), 1, PD_SENSOR, 0,
	    "virtual hosts and MAC addresses" },
	{ PROC_CAPTURE, "capture", capture_main,
	    0, CAP(CAP_NET_RAW), 1, 0, 0, "packet capture and fingerprints" },
	{ PROC_PERSONA, "persona", persona_main,
	    CAP(CAP_NET_ADMIN), 0, 1, PD_SENSOR, 0, "TCP/IP personalities" },
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
	    0, 0, 1, PD_MASTER, 0, "web console" },
	/* A master's, or a standalone sensor's: as outputs are configured. */
	{ PROC_OUTFILE, "out-file", output_main,
	    0, 0, 1, 0, 0, "file outputs" },
	{ PROC_OUTSYSLOG, "out-syslog", output_main,
	    0, 0, 1, 0, 0, "syslog outputs" },
	{ PROC_OUTNATS, "out-nats", output_main,
	    0, 0, 1, 0, 0, "NATS JetStream outputs" },
	{ PROC_OUTWEBHOOK, "out-webhook", output_main,
	    0, 0, 1, 0, 0, "webhook alerts" },
#ifdef HS_REGRESS
	{ PROC_REGRESS, "violator", violator_main,
	    0, 0, 1, 0, 0, "sandbox regression test" },
#endif
};
#define PROC_TABLE_SIZE	(sizeof(proc_table) / sizeof(proc_table[0]))

static struct parent	 parent_state;
static char		 persona_offwhy[128];	/* the child's: no queue */
struct parent		*hs = &parent_state;

/* Packet capture: the rules, the changes waiting for the child, hosts. */
#define CAP_STATEFILE	"capture-filters"	/* in log.spool */
#define CAP_OPS_MAX	32	/* changes waiting for the capture child */
#define CAP_HOSTS_MAX	4096

enum capop_type {
	CAPOP_START,	/* capture.filters, then the state file's rules */
	CAPOP_RELOAD,	/* a new capture.filters; the added rules stay */
	CAPOP_ADD,
	CAPOP_DEL,
	CAPOP_REPLACE,	/* the rules added at run time */
	CAPOP_ENABLE,
	CAPOP_DISABLE
};

struct caprule {
	char			 ru_expr[HS_FILTERLEN];
	int			 ru_fromconf;	/* capture.filters */
};

struct capop {
	TAILQ_ENTRY(capop)	 co_entry;
	enum capop_type		 co_type;
	uint32_t		 co_ctl;	/* control client; 0: none */
	uint32_t		 co_id;		/* request to the child */
	uint32_t		 co_index;	/* delFilter */
	struct caprule		*co_args;	/* the rules it was given */
	size_t			 co_nargs;
	struct caprule		*co_new;	/* the list it would make */
	size_t			 co_nnew;
};

struct caphost {
	RB_ENTRY(caphost)	 ch_entry;
	TAILQ_ENTRY(caphost)	 ch_lru;
	struct host_msg		 ch_msg;
};
RB_HEAD(caphost_tree, caphost);
TAILQ_HEAD(caphost_lru, caphost);

static struct caprule	 cap_rules[HS_MAXFILTERS];
static size_t		 cap_nrules;
static TAILQ_HEAD(, capop) cap_ops = TAILQ_HEAD_INITIALIZER(cap_ops);
static size_t		 cap_nops;
static uint32_t		 cap_nextid = 1;
static int		 cap_dirfd = -1;	/* log.spool */
static int		 cap_dbfd = -1;		/* the p0f database */
static int		 cap_dbsent;	/* ... went to the child */
static int		 cap_enabled;
static int		 cap_started;	/* the file's rules and switch took */
static int		 cap_fileenabled;	/* capture.enabled, as read */
static char		 cap_ifname[HS_IFNAMELEN];	/* as started */
static int		 cap_snaplen;
static long long	 cap_ring;
static char		 cap_database[PATH_MAX];
static struct caphost_tree cap_hosts = RB_INITIALIZER(&cap_hosts);
static struct caphost_lru cap_hostlru = TAILQ_HEAD_INITIALIZER(cap_hostlru);
static size_t		 cap_nhosts;

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
static void		parent_pushed_config(void);
static int		child_wanted(const struct proc_def *);
static const struct proc_def *proc_find(const char *);
static void		describe_status(int, char *, size_t);
static struct imsgev	*cap_iev(void);
static int		cap_expr_ok(const char *, char *, size_t);
static void		parent_cap_open(void);
static void		parent_cap_config(int);
static size_t		parent_cap_confrules(const struct hs_config *,
			    struct caprule *);
static size_t		parent_cap_load(struct caprule *, size_t);
static void		parent_cap_save(void);
static void		parent_cap_start(void);
static void		parent_ready(void);
static void		parent_cap_reload(void);
static void		parent_cap_result(struct imsg *);
static void		parent_cap_stats(struct imsg *);
static void		parent_cap_host(struct imsg *);
static void		parent_cap_payload(struct imsg *);
static void		parent_to_superserver(uint32_t, const void *, size_t,
			    const void *, size_t);
static struct capop	*capop_new(enum capop_type, uint32_t);
static void		capop_free(struct capop *);
static int		capop_queue(struct capop *, char *, size_t);
static void		capop_done(struct capop *, const char *);
static int		capop_build(struct capop *, char *, size_t);
static void		capop_next(void);
static int		caphost_cmp(struct caphost *, struct caphost *);
static int		capctl_running(char *, size_t);
static void		parent_net_open(void);
static void		parent_net_start(void);
static void		parent_persona_start(void);
static void		parent_persona_reply(struct imsg *);
static void		persona_patch(struct alias_msg *);
static void		parent_net_reply(struct imsg *);
static int		net_request(uint32_t, uint32_t, const void *, size_t,
			    char *, size_t);
static int		net_running(char *, size_t);
static int		net_defers_capture(void);
static void		net_host_msg(const struct conf_host *,
			    struct alias_msg *);
static int		net_alias_msg(const struct ctl_alias *,
			    struct alias_msg *, char *, size_t);

RB_GENERATE_INTERNAL(caphost_tree, caphost, ch_entry, caphost_cmp,
    HS_RB_STATIC)

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
	if (!noaction)
		parent_pushed_config();
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
	parent_cap_open();
	parent_net_open();
	link_init();
	outputs_init();

	/* Everything privileged is done: the children hold what is needed. */
	proc_drop(hs->p_uid, hs->p_gid, 0, hs->p_privmode);
	setproctitle("parent");

	if (event_init() == NULL)
		fatalx("event_init");
	eventlog_hold();
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
		/*
		 * The rpc child: a sensor's event may take a whole frame;
		 * the web child's settings are paths.
		 */
		if ((c->c_def->pd_id == PROC_RPC ||
		    c->c_def->pd_id == PROC_WEB) &&
		    imsgbuf_set_maxsize(&c->c_iev.ibuf, HS_CTL_MAXMSG) == -1)
			fatal("imsgbuf_set_maxsize");
		imsgev_add(&c->c_iev);
	}
	control_listen();
	/* Before the sandbox: it resolves users, which may load nss. */
	services_init();
	parent_net_start();
	parent_persona_start();
	/* capture may open the bridge: only once netctl has built it */
	if (!net_defers_capture())
		parent_cap_start();
	link_open();
	link_start();
	webui_start();
	sandbox_install(PROC_PARENT);
	parent_ready();
	/* A child may have died before SIGCHLD was watched. */
	parent_reap(-1, 0, NULL);

	if (event_dispatch() == -1)
		fatal("event_dispatch");
	parent_shutdown(1);
}

/*
 * Ready when every child has finished its set-up: said once in the log,
 * and to systemd (Type=notify) when it started us.  NOTIFY_SOCKET is
 * dropped then, so that nothing started later can speak for us.
 */
static void
parent_ready(void)
{
	static int	 done;
	struct child	*c;
	size_t		 i;

	if (done)
		return;
	for (i = 0; i < PROC_MAX; i++) {
		c = &hs->p_child[i];
		if (c->c_def != NULL && c->c_running && !c->c_ready)
			return;
	}
	done = 1;
	log_info("ready: every process finished its set-up");
	if (sd_notify(1, "READY=1") < 0)
		log_warnx("cannot tell the service manager we are ready");
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
	if (pd->pd_where == PD_MASTER &&
	    hs->p_conf->c_node.n_mode != NODEMODE_MASTER) {
		(void)strlcpy(why, "master mode only", len);
		return (0);
	}
	if (pd->pd_where == PD_SENSOR &&
	    hs->p_conf->c_node.n_mode == NODEMODE_MASTER) {
		(void)strlcpy(why, "not on a master", len);
		return (0);
	}
	if (!outputs_wanted(pd->pd_id, why, len))
		return (0);
	if (pd->pd_id == PROC_WEB && !webui_wanted(why, len))
		return (0);
	if (pd->pd_caps_optional) {
		if ((need & ~hs->p_permitted) != 0)
			(void)snprintf(why, len, "programs run as uid %d: "
			    "%s mode cannot change users", (int)hs->p_uid,
			    privmode_name(hs->p_privmode));
		return (1);
	}
	if (pd->pd_id == PROC_PERSONA && persona_offwhy[0] != '\0') {
		(void)strlcpy(why, persona_offwhy, len);
		return (0);
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
		/*
		 * Outputs not configured are not missed, nor a sensor's
		 * children on a master: no word.  The web's is below.
		 */
		if (proc_table[i].pd_where == PD_MASTER ||
		    (proc_table[i].pd_where == PD_SENSOR &&
		    hs->p_conf->c_node.n_mode == NODEMODE_MASTER) ||
		    !outputs_wanted(proc_table[i].pd_id, why, sizeof(why)))
			continue;
		if (!parent_feature(&proc_table[i], why, sizeof(why)))
			log_warnx("%s (%s) disabled: %s",
			    proc_table[i].pd_feature, proc_table[i].pd_name,
			    why);
	}
	if (hs->p_conf->c_node.n_mode == NODEMODE_MASTER &&
	    !webui_wanted(why, sizeof(why)))
		log_warnx("web console (web) disabled: %s", why);
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
		link_reload();
		webui_reload();
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
			if (c->c_def->pd_id == PROC_NETCTL &&
			    net_defers_capture())
				parent_cap_start();
			parent_ready();
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
		if (c->c_def->pd_id != PROC_SUPERSERVER &&
		    c->c_def->pd_id != PROC_CAPTURE &&
		    c->c_def->pd_id != PROC_NETCTL &&
		    c->c_def->pd_id != PROC_RPC)
			goto unexpected;
		if (imsg_get_ibuf(imsg, &ib) == -1)
			fatalx("%s: event from %s: bad message", __func__,
			    c->c_def->pd_name);
		eventlog_write(ibuf_data(&ib), ibuf_size(&ib));
		link_event(ibuf_data(&ib), ibuf_size(&ib));
		break;
	case IMSG_OUT_ACK:
	case IMSG_OUT_STATE:
		if (outputs_dispatch(imsg, c->c_def->pd_id) == -1)
			goto unexpected;
		break;
	case IMSG_RPC_LINK:
	case IMSG_RPC_ACK:
	case IMSG_RPC_STORE:
	case IMSG_RPC_SENSOR:
		if (c->c_def->pd_id != PROC_RPC || link_dispatch(imsg) == -1)
			goto unexpected;
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
	case IMSG_CAP_RESULT:
		if (c->c_def->pd_id != PROC_CAPTURE)
			goto unexpected;
		parent_cap_result(imsg);
		break;
	case IMSG_CAP_STATS:
		if (c->c_def->pd_id != PROC_CAPTURE)
			goto unexpected;
		parent_cap_stats(imsg);
		break;
	case IMSG_CAP_HOST:
		if (c->c_def->pd_id != PROC_CAPTURE)
			goto unexpected;
		parent_cap_host(imsg);
		break;
	case IMSG_CAP_PAYLOAD:
		if (c->c_def->pd_id != PROC_CAPTURE)
			goto unexpected;
		parent_cap_payload(imsg);
		break;
	case IMSG_NET_ALIAS:
	case IMSG_NET_RESULT:
		if (c->c_def->pd_id != PROC_NETCTL)
			goto unexpected;
		parent_net_reply(imsg);
		break;
	case IMSG_PERSONA_ALIAS:
	case IMSG_PERSONA_RESULT:
	case IMSG_PERSONA_OFF:
		if (c->c_def->pd_id != PROC_PERSONA)
			goto unexpected;
		parent_persona_reply(imsg);
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
		/* one still setting up (capture waits for netctl) cannot say */
		if (c->c_def == NULL || !c->c_running || !c->c_ready)
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
	parent_cap_reload();
	return (0);
}

/*
 * Packet capture, the parent's side.  The rules are ours: those of
 * capture.filters first, then those added at run time, which are also
 * kept in a state file in log.spool so that they outlive a restart.  The
 * capture child compiles: every change goes to it as the whole new list
 * and becomes ours once it took.  Changes wait in line and go one at a
 * time, so that each is made on top of the one before.
 */

static struct imsgev *
cap_iev(void)
{
	struct child	*c = &hs->p_child[PROC_CAPTURE];

	if (c->c_def == NULL || !c->c_running || c->c_fd == -1)
		return (NULL);
	return (&c->c_iev);
}

/*
 * A rule is printable ASCII with something in it: pcap's grammar needs
 * no more, our log and state file stay plain, and a blank rule, which
 * pcap would take as "everything", is refused.
 */
static int
cap_expr_ok(const char *expr, char *why, size_t len)
{
	size_t	 i, n;

	if ((n = strnlen(expr, HS_FILTERLEN)) == HS_FILTERLEN) {
		(void)snprintf(why, len, "rule longer than %d bytes",
		    HS_FILTERLEN - 1);
		return (0);
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)expr[i] < 0x20 ||
		    (unsigned char)expr[i] > 0x7e) {
			(void)snprintf(why, len, "rule with a byte that is "
			    "not printable ASCII (0x%02x)",
			    (unsigned char)expr[i]);
			return (0);
		}
	if (strspn(expr, " ") == n) {
		(void)strlcpy(why, "empty rule", len);
		return (0);
	}
	return (1);
}

/*
 * At start, with privileges: the directory of the state file, and the
 * p0f database, which the child reads through the fd we pass it.
 */
static void
parent_cap_open(void)
{
	const char	*spool = hs->p_conf->c_log.lg_spool;
	const char	*db = hs->p_conf->c_fingerprint.fp_database;

	if (hs->p_child[PROC_CAPTURE].c_def == NULL)
		return;
	if (mkdir(spool, 0750) == 0 && hs->p_privmode == PRIVMODE_ROOT &&
	    chown(spool, hs->p_uid, hs->p_gid) == -1)
		fatal("log.spool: chown %s", spool);
	if ((cap_dirfd = open(spool, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		log_warn("log.spool %s: capture rules added at run time will "
		    "not outlive a restart", spool);
	if ((hs->p_conf->c_fingerprint.fp_packets &
	    (FP_SYN | FP_SYNACK | FP_HTTP)) &&
	    (cap_dbfd = open(db, O_RDONLY | O_CLOEXEC)) == -1)
		log_warn("fingerprint.database %s: fingerprinting off", db);
}

/* What the child needs to know, at start and after a reload. */
static void
parent_cap_config(int dbfd)
{
	struct imsgev		*iev;
	struct node_msg		 nm;
	struct capture_msg	 cm;
	int			 fp = hs->p_conf->c_fingerprint.fp_packets;

	if ((iev = cap_iev()) == NULL) {
		if (dbfd != -1)
			close(dbfd);
		return;
	}
	memset(&nm, 0, sizeof(nm));
	(void)strlcpy(nm.nm_name, hs->p_conf->c_node.n_name,
	    sizeof(nm.nm_name));
	memset(&cm, 0, sizeof(cm));
	(void)strlcpy(cm.cm_interface, cap_ifname, sizeof(cm.cm_interface));
	cm.cm_snaplen = cap_snaplen;
	cm.cm_ring = cap_ring;
	cm.cm_fp_packets = ((fp & FP_SYN) ? HS_FP_SYN : 0) |
	    ((fp & FP_SYNACK) ? HS_FP_SYNACK : 0) |
	    ((fp & FP_MTU) ? HS_FP_MTU : 0) |
	    ((fp & FP_HTTP) ? HS_FP_HTTP : 0);
	cm.cm_fp_fuzzy = hs->p_conf->c_fingerprint.fp_fuzzy != 0;
	(void)strlcpy(cm.cm_fp_database, cap_database,
	    sizeof(cm.cm_fp_database));
	if (imsgev_compose(iev, IMSG_CFG_NODE, 0, 0, -1, &nm,
	    sizeof(nm)) == -1 ||
	    imsgev_compose(iev, IMSG_CAP_CONFIG, 0, 0, dbfd, &cm,
	    sizeof(cm)) == -1 ||
	    imsgev_compose(iev, IMSG_CFG_DONE, 0, 0, -1, NULL, 0) == -1)
		fatal("%s: compose", __func__);
}

/* capture.filters as rules; 0 when the file holds a bad one. */
static size_t
parent_cap_confrules(const struct hs_config *conf, struct caprule *r)
{
	struct conf_str	*s;
	size_t		 n = 0;

	TAILQ_FOREACH(s, &conf->c_capture.cp_filters, cs_entry) {
		if (n == HS_MAXFILTERS)
			break;
		(void)strlcpy(r[n].ru_expr, s->cs_str, sizeof(r[n].ru_expr));
		r[n].ru_fromconf = 1;
		n++;
	}
	return (n);
}

/* The rules added at run time by an earlier run, after those given. */
static size_t
parent_cap_load(struct caprule *r, size_t n)
{
	FILE	*fp;
	char	*line = NULL, why[128];
	size_t	 size = 0, lineno = 0;
	ssize_t	 len;
	int	 fd;

	if (cap_dirfd == -1)
		return (n);
	if ((fd = openat(cap_dirfd, CAP_STATEFILE, O_RDONLY | O_CLOEXEC)) ==
	    -1) {
		if (errno != ENOENT)
			log_warn("%s/%s", hs->p_conf->c_log.lg_spool,
			    CAP_STATEFILE);
		return (n);
	}
	if ((fp = fdopen(fd, "r")) == NULL)
		fatal("%s: fdopen", __func__);
	while ((len = getline(&line, &size, fp)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strlen(line) != (size_t)len) {
			log_warnx("%s/%s:%zu: a NUL byte; skipped",
			    hs->p_conf->c_log.lg_spool, CAP_STATEFILE, lineno);
			continue;
		}
		if (!cap_expr_ok(line, why, sizeof(why))) {
			log_warnx("%s/%s:%zu: %s; skipped",
			    hs->p_conf->c_log.lg_spool, CAP_STATEFILE, lineno,
			    why);
			continue;
		}
		if (n == HS_MAXFILTERS) {
			log_warnx("%s/%s:%zu: more than %d rules; the rest "
			    "are skipped", hs->p_conf->c_log.lg_spool,
			    CAP_STATEFILE, lineno, HS_MAXFILTERS);
			break;
		}
		(void)strlcpy(r[n].ru_expr, line, sizeof(r[n].ru_expr));
		r[n].ru_fromconf = 0;
		n++;
	}
	free(line);
	(void)fclose(fp);
	return (n);
}

/*
 * Write the rules added at run time: a new file, synced, renamed over the
 * old one, so that a crash leaves one or the other whole.
 */
static void
parent_cap_save(void)
{
	const char	*spool = hs->p_conf->c_log.lg_spool;
	const char	*head = "# Capture rules added with honeyspyctl; "
			    "honeyspyd rewrites this file.\n";
	size_t		 i;
	int		 fd, rv = 0;

	if (cap_dirfd == -1)
		return;
	if ((fd = openat(cap_dirfd, CAP_STATEFILE ".new", O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, 0640)) == -1) {
		log_warn("%s/%s.new", spool, CAP_STATEFILE);
		return;
	}
	if (write(fd, head, strlen(head)) == -1)
		rv = -1;
	for (i = 0; i < cap_nrules && rv == 0; i++) {
		if (cap_rules[i].ru_fromconf)
			continue;
		if (write(fd, cap_rules[i].ru_expr,
		    strlen(cap_rules[i].ru_expr)) == -1 ||
		    write(fd, "\n", 1) == -1)
			rv = -1;
	}
	if (rv == -1 || fsync(fd) == -1) {
		log_warn("%s/%s.new", spool, CAP_STATEFILE);
		close(fd);
		(void)unlinkat(cap_dirfd, CAP_STATEFILE ".new", 0);
		return;
	}
	close(fd);
	if (renameat(cap_dirfd, CAP_STATEFILE ".new", cap_dirfd,
	    CAP_STATEFILE) == -1)
		log_warn("%s/%s", spool, CAP_STATEFILE);
}

static struct capop *
capop_new(enum capop_type type, uint32_t ctl)
{
	struct capop	*op;

	if ((op = calloc(1, sizeof(*op))) == NULL ||
	    (op->co_new = calloc(HS_MAXFILTERS, sizeof(*op->co_new))) ==
	    NULL || (op->co_args = calloc(HS_MAXFILTERS,
	    sizeof(*op->co_args))) == NULL)
		fatal("%s: calloc", __func__);
	op->co_type = type;
	op->co_ctl = ctl;
	return (op);
}

static void
capop_free(struct capop *op)
{
	free(op->co_new);
	free(op->co_args);
	free(op);
}

/* 0: it waits its turn; -1: no room, and why. */
static int
capop_queue(struct capop *op, char *why, size_t len)
{
	if (cap_nops >= CAP_OPS_MAX) {
		(void)strlcpy(why, "too many capture requests waiting; try "
		    "again", len);
		capop_free(op);
		return (-1);
	}
	TAILQ_INSERT_TAIL(&cap_ops, op, co_entry);
	cap_nops++;
	if (cap_nops == 1)
		capop_next();
	return (0);
}

static void
capop_done(struct capop *op, const char *why)
{
	if (op->co_ctl != 0)
		control_reply(op->co_ctl, why);
	TAILQ_REMOVE(&cap_ops, op, co_entry);
	cap_nops--;
	capop_free(op);
}

/*
 * The list a change would make, from the list we have; -1 and why when
 * the change makes no sense.
 */
static int
capop_build(struct capop *op, char *why, size_t len)
{
	size_t	 i, n = 0;

	switch (op->co_type) {
	case CAPOP_START:
		memcpy(op->co_new, op->co_args,
		    op->co_nargs * sizeof(*op->co_new));
		op->co_nnew = op->co_nargs;
		return (0);
	case CAPOP_RELOAD:
		/* The file's new rules, then the ones we added. */
		memcpy(op->co_new, op->co_args,
		    op->co_nargs * sizeof(*op->co_new));
		n = op->co_nargs;
		for (i = 0; i < cap_nrules; i++) {
			if (cap_rules[i].ru_fromconf)
				continue;
			if (n == HS_MAXFILTERS) {
				(void)snprintf(why, len, "more than %d rules",
				    HS_MAXFILTERS);
				return (-1);
			}
			op->co_new[n++] = cap_rules[i];
		}
		break;
	case CAPOP_ADD:
		if (cap_nrules == HS_MAXFILTERS) {
			(void)snprintf(why, len, "there are %d rules already, "
			    "the most there can be", HS_MAXFILTERS);
			return (-1);
		}
		memcpy(op->co_new, cap_rules, cap_nrules * sizeof(*cap_rules));
		n = cap_nrules;
		op->co_new[n++] = op->co_args[0];
		break;
	case CAPOP_DEL:
		if (op->co_index < 1 || op->co_index > cap_nrules) {
			(void)snprintf(why, len, "no rule %u; there %s %zu",
			    op->co_index, cap_nrules == 1 ? "is" : "are",
			    cap_nrules);
			return (-1);
		}
		if (cap_rules[op->co_index - 1].ru_fromconf) {
			(void)snprintf(why, len, "rule %u is from "
			    "capture.filters in %s: change it there and "
			    "reload", op->co_index, hs->p_conffile);
			return (-1);
		}
		for (i = 0; i < cap_nrules; i++)
			if (i != op->co_index - 1)
				op->co_new[n++] = cap_rules[i];
		break;
	case CAPOP_REPLACE:
		for (i = 0; i < cap_nrules; i++)
			if (cap_rules[i].ru_fromconf)
				op->co_new[n++] = cap_rules[i];
		if (n + op->co_nargs > HS_MAXFILTERS) {
			(void)snprintf(why, len, "more than %d rules with the "
			    "%zu of capture.filters", HS_MAXFILTERS, n);
			return (-1);
		}
		memcpy(op->co_new + n, op->co_args,
		    op->co_nargs * sizeof(*op->co_new));
		n += op->co_nargs;
		break;
	case CAPOP_ENABLE:
	case CAPOP_DISABLE:
		break;
	}
	op->co_nnew = n;
	return (0);
}

/* Start the first change in line; those that cannot start end here. */
static void
capop_next(void)
{
	struct imsgev	*iev;
	struct capop	*op;
	char		 why[256];
	size_t		 i;

	while ((op = TAILQ_FIRST(&cap_ops)) != NULL) {
		if ((iev = cap_iev()) == NULL) {
			capop_done(op, "packet capture is not running");
			continue;
		}
		if (capop_build(op, why, sizeof(why)) == -1) {
			capop_done(op, why);
			continue;
		}
		op->co_id = cap_nextid++;
		if (op->co_type == CAPOP_ENABLE ||
		    op->co_type == CAPOP_DISABLE) {
			if (imsgev_compose(iev, op->co_type == CAPOP_ENABLE ?
			    IMSG_CAP_ENABLE : IMSG_CAP_DISABLE, op->co_id, 0,
			    -1, NULL, 0) == -1)
				fatal("%s: compose", __func__);
			return;
		}
		for (i = 0; i < op->co_nnew; i++)
			if (imsgev_compose(iev, IMSG_CAP_RULE, op->co_id, 0,
			    -1, op->co_new[i].ru_expr,
			    strlen(op->co_new[i].ru_expr) + 1) == -1)
				fatal("%s: compose", __func__);
		if (imsgev_compose(iev, IMSG_CAP_APPLY, op->co_id, 0, -1, NULL,
		    0) == -1)
			fatal("%s: compose", __func__);
		return;
	}
}

/* The child's verdict on the first change in line. */
static void
parent_cap_result(struct imsg *imsg)
{
	struct cap_result	 cr;
	struct capop		*op = TAILQ_FIRST(&cap_ops), *retry;
	char			 reason[4 * HS_REASONLEN + 1];
	char			 why[HS_FILTERLEN + sizeof(reason) + 128];
	const struct caprule	*r = NULL;
	size_t			 i;

	if (imsg_get_data(imsg, &cr, sizeof(cr)) == -1 ||
	    memchr(cr.cr_reason, '\0', sizeof(cr.cr_reason)) == NULL ||
	    op == NULL || imsg_get_id(imsg) != op->co_id ||
	    (cr.cr_ok != 0 && cr.cr_ok != 1) ||
	    cr.cr_rule > op->co_nnew)
		fatalx("%s: IMSG_CAP_RESULT: bad message", __func__);
	(void)str_escape(cr.cr_reason, strlen(cr.cr_reason), reason,
	    sizeof(reason));
	if (cr.cr_rule > 0) {
		r = &op->co_new[cr.cr_rule - 1];
		(void)snprintf(why, sizeof(why), "rule %u \"%s\": %s",
		    cr.cr_rule, r->ru_expr, reason);
	} else
		(void)strlcpy(why, reason, sizeof(why));

	if (!cr.cr_ok) {
		switch (op->co_type) {
		case CAPOP_START:
			if (r == NULL || r->ru_fromconf) {
				log_warnx("capture.filters in %s: %s",
				    hs->p_conffile, why);
				parent_shutdown(1);
			}
			/* Not the file's fault: go on without ours. */
			log_warnx("%s/%s: %s; the rules added at run time are "
			    "dropped", hs->p_conf->c_log.lg_spool,
			    CAP_STATEFILE, why);
			retry = capop_new(CAPOP_START, 0);
			for (i = 0; i < op->co_nargs; i++)
				if (op->co_args[i].ru_fromconf)
					retry->co_args[retry->co_nargs++] =
					    op->co_args[i];
			TAILQ_INSERT_AFTER(&cap_ops, op, retry, co_entry);
			cap_nops++;
			break;
		case CAPOP_ENABLE:
			/* The file asked for it at start: stop, cleanly. */
			if (op->co_ctl == 0 && !cap_started) {
				log_warnx("capture.enabled: %s", why);
				parent_shutdown(1);
			}
			if (op->co_ctl == 0)
				log_warnx("reload: capture.enabled: %s", why);
			break;
		case CAPOP_RELOAD:
			log_warnx("reload: capture.filters: %s; the running "
			    "rules are kept", why);
			break;
		default:
			break;
		}
		capop_done(op, why);
		capop_next();
		return;
	}

	switch (op->co_type) {
	case CAPOP_ENABLE:
	case CAPOP_DISABLE:
		cap_started = 1;
		cap_enabled = op->co_type == CAPOP_ENABLE;
		log_info("packet capture on %s %s", cap_ifname,
		    cap_enabled ? "enabled" : "disabled");
		break;
	default:
		memcpy(cap_rules, op->co_new, op->co_nnew * sizeof(*cap_rules));
		cap_nrules = op->co_nnew;
		if (op->co_type == CAPOP_ADD || op->co_type == CAPOP_DEL ||
		    op->co_type == CAPOP_REPLACE)
			parent_cap_save();
		if (op->co_type == CAPOP_START && !cap_fileenabled)
			cap_started = 1;
		log_info("capture rules on %s: %zu", cap_ifname, cap_nrules);
		break;
	}
	capop_done(op, NULL);
	capop_next();
}

/*
 * After the children are up: settings, then the rules, then capture
 * itself if the file wants it.  Failing rules of the file, or a capture
 * that the file enables and cannot have, stop the suite.
 */
static void
parent_cap_start(void)
{
	struct capop	*op;
	char		 why[256];
	size_t		 i;

	(void)strlcpy(cap_ifname, hs->p_conf->c_capture.cp_interface,
	    sizeof(cap_ifname));
	cap_snaplen = hs->p_conf->c_capture.cp_snaplen;
	cap_ring = hs->p_conf->c_capture.cp_ring;
	(void)strlcpy(cap_database, hs->p_conf->c_fingerprint.fp_database,
	    sizeof(cap_database));
	cap_fileenabled = hs->p_conf->c_capture.cp_enabled;
	if (cap_iev() == NULL)
		return;
	cap_dbsent = cap_dbfd != -1;
	parent_cap_config(cap_dbfd);
	cap_dbfd = -1;
	op = capop_new(CAPOP_START, 0);
	op->co_nargs = parent_cap_confrules(hs->p_conf, op->co_args);
	for (i = 0; i < op->co_nargs; i++)
		if (!cap_expr_ok(op->co_args[i].ru_expr, why, sizeof(why)))
			fatalx("capture.filters[%zu] in %s: %s", i,
			    hs->p_conffile, why);
	op->co_nargs = parent_cap_load(op->co_args, op->co_nargs);
	if (capop_queue(op, why, sizeof(why)) == -1)
		fatalx("%s: %s", __func__, why);
	if (cap_fileenabled &&
	    capop_queue(capop_new(CAPOP_ENABLE, 0), why, sizeof(why)) == -1)
		fatalx("%s: %s", __func__, why);
}

/*
 * SIGHUP: the handle stays what it is (opening another needs the
 * capability the child gave up), the rest follows the file.
 */
static void
parent_cap_reload(void)
{
	const struct hs_config	*c = hs->p_conf;
	struct caprule		 r[HS_MAXFILTERS];
	struct capop		*op;
	char			 why[256];
	size_t			 i, n, nconf = 0;
	int			 same, bad = 0;

	if (cap_iev() == NULL)
		return;
	if (strcmp(c->c_capture.cp_interface, cap_ifname) != 0 ||
	    c->c_capture.cp_snaplen != cap_snaplen ||
	    c->c_capture.cp_ring != cap_ring)
		log_warnx("reload: capture.interface, capture.snaplen and "
		    "capture.ring take effect at the next start; still "
		    "capturing on %s", cap_ifname);
	if (strcmp(c->c_fingerprint.fp_database, cap_database) != 0 ||
	    (!cap_dbsent &&
	    (c->c_fingerprint.fp_packets & (FP_SYN | FP_SYNACK | FP_HTTP))))
		log_warnx("reload: fingerprint.database is read at start only; "
		    "a new one, or fingerprinting turned on, takes effect at "
		    "the next start");
	parent_cap_config(-1);

	n = parent_cap_confrules(c, r);
	for (i = 0; i < n && !bad; i++)
		if (!cap_expr_ok(r[i].ru_expr, why, sizeof(why))) {
			log_warnx("reload: capture.filters[%zu]: %s; the "
			    "running rules are kept", i, why);
			bad = 1;
		}
	for (i = 0; i < cap_nrules; i++)
		if (cap_rules[i].ru_fromconf)
			nconf++;
	same = n == nconf;
	for (i = 0; same && i < n; i++)
		same = strcmp(r[i].ru_expr, cap_rules[i].ru_expr) == 0;
	if (!bad && !same) {
		op = capop_new(CAPOP_RELOAD, 0);
		memcpy(op->co_args, r, n * sizeof(*r));
		op->co_nargs = n;
		if (capop_queue(op, why, sizeof(why)) == -1)
			log_warnx("reload: capture.filters: %s", why);
	}
	/* A switch the file flipped; one it left alone stays as set. */
	if (c->c_capture.cp_enabled != cap_fileenabled) {
		cap_fileenabled = c->c_capture.cp_enabled;
		if (capop_queue(capop_new(cap_fileenabled ? CAPOP_ENABLE :
		    CAPOP_DISABLE, 0), why, sizeof(why)) == -1)
			log_warnx("reload: capture.enabled: %s", why);
	}
}

/* The capture child's counters, for a status request. */
static void
parent_cap_stats(struct imsg *imsg)
{
	struct cap_stats_msg	 cs;

	if (imsg_get_data(imsg, &cs, sizeof(cs)) == -1 ||
	    memchr(cs.cs_interface, '\0', sizeof(cs.cs_interface)) == NULL ||
	    memchr(cs.cs_why, '\0', sizeof(cs.cs_why)) == NULL)
		fatalx("%s: IMSG_CAP_STATS: bad message", __func__);
	control_capture_stats(imsg_get_id(imsg), &cs);
}

static int
caphost_cmp(struct caphost *a, struct caphost *b)
{
	if (a->ch_msg.ho_af != b->ch_msg.ho_af)
		return (a->ch_msg.ho_af < b->ch_msg.ho_af ? -1 : 1);
	return (memcmp(a->ch_msg.ho_addr, b->ch_msg.ho_addr,
	    sizeof(a->ch_msg.ho_addr)));
}

/*
 * A host the capture child fingerprinted.  The table is bounded like the
 * child's: the host seen least recently makes room.
 */
static void
parent_cap_host(struct imsg *imsg)
{
	static const uint8_t	 zero[12];
	struct host_msg		 ho;
	struct caphost		 key, *ch;
	char			 text[HS_ADDRSTRLEN];

	/* One key per address: an IPv4 one is 4 bytes and zeros. */
	if (imsg_get_data(imsg, &ho, sizeof(ho)) == -1 ||
	    (ho.ho_af != AF_INET && ho.ho_af != AF_INET6) ||
	    (ho.ho_af == AF_INET && memcmp(ho.ho_addr + 4, zero,
	    sizeof(zero)) != 0) ||
	    inet_ntop(ho.ho_af, ho.ho_addr, text, sizeof(text)) == NULL ||
	    !str_printable(ho.ho_addrtext, sizeof(ho.ho_addrtext)) ||
	    strcmp(text, ho.ho_addrtext) != 0 ||
	    !str_printable(ho.ho_os, sizeof(ho.ho_os)) ||
	    !str_printable(ho.ho_class, sizeof(ho.ho_class)) ||
	    !str_printable(ho.ho_link, sizeof(ho.ho_link)) ||
	    (ho.ho_kind != HS_FP_SYN && ho.ho_kind != HS_FP_SYNACK) ||
	    ho.ho_distance < 0 || ho.ho_distance > 255 || ho.ho_count == 0)
		fatalx("%s: IMSG_CAP_HOST: bad message", __func__);
	memset(&key, 0, sizeof(key));
	key.ch_msg.ho_af = ho.ho_af;
	memcpy(key.ch_msg.ho_addr, ho.ho_addr, sizeof(ho.ho_addr));
	if ((ch = RB_FIND(caphost_tree, &cap_hosts, &key)) != NULL)
		TAILQ_REMOVE(&cap_hostlru, ch, ch_lru);
	else {
		if (cap_nhosts == CAP_HOSTS_MAX) {
			ch = TAILQ_LAST(&cap_hostlru, caphost_lru);
			TAILQ_REMOVE(&cap_hostlru, ch, ch_lru);
			RB_REMOVE(caphost_tree, &cap_hosts, ch);
		} else if ((ch = calloc(1, sizeof(*ch))) == NULL)
			fatal("%s: calloc", __func__);
		else
			cap_nhosts++;
		ch->ch_msg = ho;
		RB_INSERT(caphost_tree, &cap_hosts, ch);
	}
	ch->ch_msg = ho;
	TAILQ_INSERT_HEAD(&cap_hostlru, ch, ch_lru);
	/* Sessions from it say what it runs; programs get it too. */
	if (ho.ho_os[0] != '\0')
		parent_to_superserver(IMSG_SS_HOST, &ho, sizeof(ho), NULL, 0);
}

/*
 * A matched packet's payload, for the analyser the superserver runs.
 * The capture child parsed attacker bytes: the header is checked here,
 * the payload is the analyser's to doubt.
 */
static void
parent_cap_payload(struct imsg *imsg)
{
	struct packet_msg	 pm;
	struct ibuf		 ib;
	size_t			 n;

	if (imsg_get_ibuf(imsg, &ib) == -1 ||
	    ibuf_get(&ib, &pm, sizeof(pm)) == -1 ||
	    (n = ibuf_size(&ib)) == 0 || n > HS_DETECT_CHUNK ||
	    (pm.pm_af != AF_INET && pm.pm_af != AF_INET6) ||
	    pm.pm_proto < 0 || pm.pm_proto > 255 ||
	    pm.pm_sport < 0 || pm.pm_sport > 65535 ||
	    pm.pm_dport < 0 || pm.pm_dport > 65535 ||
	    pm.pm_usec < 0 || pm.pm_usec >= 1000000 || pm.pm_length < n)
		fatalx("%s: IMSG_CAP_PAYLOAD: bad message", __func__);
	parent_to_superserver(IMSG_SS_PACKET, &pm, sizeof(pm), ibuf_data(&ib),
	    n);
}

/* What capture learnt goes on, if the superserver runs and keeps up. */
static void
parent_to_superserver(uint32_t type, const void *hdr, size_t hlen,
    const void *data, size_t dlen)
{
	struct child	*c = &hs->p_child[PROC_SUPERSERVER];
	struct ibuf	*b;

	if (c->c_def == NULL || !c->c_running ||
	    imsgbuf_queuelen(&c->c_iev.ibuf) >= 4096)
		return;
	if ((b = imsg_create(&c->c_iev.ibuf, type, 0, 0, hlen + dlen)) ==
	    NULL || imsg_add(b, hdr, hlen) == -1 ||
	    (dlen > 0 && imsg_add(b, data, dlen) == -1))
		fatal("%s: imsg_create", __func__);
	imsg_close(&c->c_iev.ibuf, b);
	imsgev_add(&c->c_iev);
}

/* honeyspyctl: the capture calls.  0 when the answer comes later. */
static int
capctl_running(char *why, size_t len)
{
	const struct proc_def	*pd;
	size_t			 i;
	char			 off[128];

	if (cap_iev() != NULL)
		return (1);
	for (i = 0; i < PROC_TABLE_SIZE; i++) {
		pd = &proc_table[i];
		if (pd->pd_id == PROC_CAPTURE &&
		    !parent_feature(pd, off, sizeof(off))) {
			(void)snprintf(why, len, "packet capture is off: %s",
			    off);
			return (0);
		}
	}
	(void)strlcpy(why, "packet capture is not running", len);
	return (0);
}

int
capctl_add(uint32_t ctl, const char *expr, char *why, size_t len)
{
	struct capop	*op;

	if (!capctl_running(why, len) || !cap_expr_ok(expr, why, len))
		return (-1);
	op = capop_new(CAPOP_ADD, ctl);
	(void)strlcpy(op->co_args[0].ru_expr, expr,
	    sizeof(op->co_args[0].ru_expr));
	op->co_nargs = 1;
	return (capop_queue(op, why, len));
}

int
capctl_del(uint32_t ctl, uint32_t index, char *why, size_t len)
{
	struct capop	*op;

	if (!capctl_running(why, len))
		return (-1);
	op = capop_new(CAPOP_DEL, ctl);
	op->co_index = index;
	return (capop_queue(op, why, len));
}

/* The rules added at run time become these; the file's stay. */
int
capctl_replace(uint32_t ctl, char *const *exprs, size_t n, char *why,
    size_t len)
{
	struct capop	*op;
	size_t		 i;

	if (!capctl_running(why, len))
		return (-1);
	if (n > HS_MAXFILTERS) {
		(void)snprintf(why, len, "more than %d rules", HS_MAXFILTERS);
		return (-1);
	}
	for (i = 0; i < n; i++)
		if (!cap_expr_ok(exprs[i], why, len))
			return (-1);
	op = capop_new(CAPOP_REPLACE, ctl);
	for (i = 0; i < n; i++)
		(void)strlcpy(op->co_args[i].ru_expr, exprs[i],
		    sizeof(op->co_args[i].ru_expr));
	op->co_nargs = n;
	return (capop_queue(op, why, len));
}

int
capctl_enable(uint32_t ctl, int on, char *why, size_t len)
{
	if (!capctl_running(why, len))
		return (-1);
	return (capop_queue(capop_new(on ? CAPOP_ENABLE : CAPOP_DISABLE, ctl),
	    why, len));
}

/* getFilters (index 0) and getFilter N, answered from our list. */
int
capctl_get(struct imsgev *iev, uint32_t index, char *why, size_t len)
{
	struct ctl_filter	 cf;
	size_t			 i;

	if (!capctl_running(why, len))
		return (-1);
	if (index > cap_nrules) {
		(void)snprintf(why, len, "no rule %u; there %s %zu", index,
		    cap_nrules == 1 ? "is" : "are", cap_nrules);
		return (-1);
	}
	for (i = 0; i < cap_nrules; i++) {
		if (index != 0 && i != index - 1)
			continue;
		memset(&cf, 0, sizeof(cf));
		cf.fl_index = (uint32_t)i + 1;
		cf.fl_fromconf = cap_rules[i].ru_fromconf;
		(void)strlcpy(cf.fl_expr, cap_rules[i].ru_expr,
		    sizeof(cf.fl_expr));
		if (imsgev_compose(iev, IMSG_CTL_FILTER, 0, 0, -1, &cf,
		    sizeof(cf)) == -1) {
			(void)strlcpy(why, "cannot queue the reply", len);
			return (-1);
		}
	}
	return (0);
}

/* getHosts: the most recently seen first. */
int
capctl_hosts(struct imsgev *iev, char *why, size_t len)
{
	struct caphost	*ch;

	if (!capctl_running(why, len))
		return (-1);
	TAILQ_FOREACH(ch, &cap_hostlru, ch_lru)
		if (imsgev_compose(iev, IMSG_CTL_HOST, 0, 0, -1, &ch->ch_msg,
		    sizeof(ch->ch_msg)) == -1) {
			(void)strlcpy(why, "cannot queue the reply", len);
			return (-1);
		}
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
	link_shutdown();
	control_cleanup();
	log_info("terminating");
	exit(code);
}

/*
 * A sensor whose master pushed it a configuration runs that one, kept in
 * log.spool; the -f file only says where to look, and is used when the
 * pushed one is missing or no longer valid.
 */
static void
parent_pushed_config(void)
{
	static char		 path[PATH_MAX];
	struct hs_config	*c;

	if (hs->p_conf->c_node.n_mode != NODEMODE_SENSOR ||
	    !hs->p_conf->c_master.m_configured ||
	    link_pushed_config(hs->p_conf, path, sizeof(path)) == NULL ||
	    access(path, F_OK) == -1)
		return;
	if ((c = config_parse_file(path)) == NULL ||
	    c->c_node.n_mode != NODEMODE_SENSOR ||
	    !c->c_master.m_configured ||
	    strcmp(c->c_node.n_name, hs->p_conf->c_node.n_name) != 0) {
		log_warnx("%s, pushed by the master, is not usable; running %s",
		    path, hs->p_conffile);
		if (c != NULL)
			config_free(c);
		return;
	}
	log_info("running the configuration the master pushed, %s", path);
	config_free(hs->p_conf);
	hs->p_conf = c;
	hs->p_conffile = path;
}

static void
parent_stop_now(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	(void)arg;
	parent_shutdown(0);
}

/*
 * kill from a control client or the master: stop as SIGTERM would, a
 * second from now, so that the caller's answer has time to reach it.
 */
void
parent_stop_soon(void)
{
	static struct event	 ev;
	struct timeval		 tv = { 1, 0 };

	evtimer_set(&ev, parent_stop_now, NULL);
	if (evtimer_add(&ev, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}

/*
 * Virtual hosts, the parent's side.  netctl owns them: it gets the file's
 * hosts at start and each call as it comes, and answers every call with
 * IMSG_NET_RESULT.  The request id is the control client's, so that the
 * answer finds its way back; a client that left gets none.
 */
#define NET_PENDING_MAX	64
#define NET_OUIFILES	{ "/usr/share/nmap/nmap-mac-prefixes", \
			    "/usr/share/ieee-data/oui.txt" }

static int		 net_ouifd = -1;
static char		 net_ouifile[PATH_MAX];
static uint32_t		 net_pending[NET_PENDING_MAX];	/* 0: free */

/* The vendor list, which the jailed child reads through our fd. */
static void
parent_net_open(void)
{
	static const char *const files[] = NET_OUIFILES;
	size_t		 i;

	if (hs->p_child[PROC_NETCTL].c_def == NULL)
		return;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if ((net_ouifd = open(files[i], O_RDONLY | O_CLOEXEC)) != -1) {
			(void)strlcpy(net_ouifile, files[i],
			    sizeof(net_ouifile));
			return;
		}
	(void)strlcpy(net_ouifile, files[0], sizeof(net_ouifile));
}

static void
net_host_msg(const struct conf_host *h, struct alias_msg *am)
{
	memset(am, 0, sizeof(*am));
	am->al_af = h->h_address.a_af;
	memcpy(am->al_addr, &h->h_address.a_u, am->al_af == AF_INET ? 4 : 16);
	(void)strlcpy(am->al_addrtext, h->h_address.a_text,
	    sizeof(am->al_addrtext));
	am->al_hasmac = h->h_hasmac;
	memcpy(am->al_mac, h->h_mac, HS_MACLEN);
	(void)strlcpy(am->al_vendor, h->h_vendor, sizeof(am->al_vendor));
	(void)strlcpy(am->al_personality, h->h_personality,
	    sizeof(am->al_personality));
	am->al_failclosed = h->h_failclosed;
}

/* The node, the network, the vendor list and the file's hosts. */
static void
parent_net_start(void)
{
	struct imsgev		*iev;
	struct node_msg		 nm;
	struct net_config_msg	 nc;
	struct alias_msg	 am;
	struct conf_host	*h;

	if ((iev = child_iev(PROC_NETCTL)) == NULL) {
		if (net_ouifd != -1)
			close(net_ouifd);
		net_ouifd = -1;
		return;
	}
	memset(&nm, 0, sizeof(nm));
	(void)strlcpy(nm.nm_name, hs->p_conf->c_node.n_name,
	    sizeof(nm.nm_name));
	memset(&nc, 0, sizeof(nc));
	(void)strlcpy(nc.nc_bridge, hs->p_conf->c_network.nw_bridge,
	    sizeof(nc.nc_bridge));
	(void)strlcpy(nc.nc_uplink, hs->p_conf->c_network.nw_uplink,
	    sizeof(nc.nc_uplink));
	(void)strlcpy(nc.nc_ouifile, net_ouifile, sizeof(nc.nc_ouifile));
	if (imsgev_compose(iev, IMSG_CFG_NODE, 0, 0, -1, &nm,
	    sizeof(nm)) == -1 ||
	    imsgev_compose(iev, IMSG_NET_CONFIG, 0, 0, net_ouifd, &nc,
	    sizeof(nc)) == -1)
		fatal("%s: compose", __func__);
	net_ouifd = -1;
	TAILQ_FOREACH(h, &hs->p_conf->c_hosts, h_entry) {
		net_host_msg(h, &am);
		if (imsgev_compose(iev, IMSG_NET_HOST, 0, 0, -1, &am,
		    sizeof(am)) == -1)
			fatal("%s: compose", __func__);
	}
	if (imsgev_compose(iev, IMSG_CFG_DONE, 0, 0, -1, NULL, 0) == -1)
		fatal("%s: compose", __func__);
}

#define PERSONA_STATEFILE	"persona-state"	/* in log.spool */
#define PERSONA_QUEUE		4747
#define PERSONA_PENDING_MAX	16
#define PERSONA_HOSTS_MAX	64

/*
 * What the persona child told us, for getAliases; the calls it has yet
 * to answer (0: a free slot).
 */
static struct alias_msg	 persona_hosts[PERSONA_HOSTS_MAX];
static size_t		 persona_nhosts;
static uint32_t		 persona_pending[PERSONA_PENDING_MAX];

/*
 * The persona child: its queue, the shared per-connection state (a file
 * in the spool, so that it outlives the child) and the hosts that have a
 * personality.
 */
static void
parent_persona_start(void)
{
	struct imsgev			*iev;
	struct node_msg			 nm;
	struct persona_config_msg	 pc;
	struct alias_msg		 am;
	struct conf_host		*h;
	char				 path[PATH_MAX];
	int				 fd = -1;

	if ((iev = child_iev(PROC_PERSONA)) == NULL)
		return;
	memset(&nm, 0, sizeof(nm));
	(void)strlcpy(nm.nm_name, hs->p_conf->c_node.n_name,
	    sizeof(nm.nm_name));
	memset(&pc, 0, sizeof(pc));
	pc.pc_queue = PERSONA_QUEUE;
	if (hs->p_conf->c_log.lg_spool[0] != '\0') {
		if (snprintf(path, sizeof(path), "%s/%s",
		    hs->p_conf->c_log.lg_spool, PERSONA_STATEFILE) >=
		    (int)sizeof(path))
			fatalx("%s: spool path too long", __func__);
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
			log_warn("%s", path);
	}
	if (imsgev_compose(iev, IMSG_CFG_NODE, 0, 0, -1, &nm,
	    sizeof(nm)) == -1 ||
	    imsgev_compose(iev, IMSG_PERSONA_CONFIG, 0, 0, fd, &pc,
	    sizeof(pc)) == -1)
		fatal("%s: compose", __func__);
	TAILQ_FOREACH(h, &hs->p_conf->c_hosts, h_entry) {
		if (h->h_personality[0] == '\0')
			continue;
		net_host_msg(h, &am);
		if (imsgev_compose(iev, IMSG_PERSONA_HOST, 0, 0, -1, &am,
		    sizeof(am)) == -1)
			fatal("%s: compose", __func__);
	}
	if (imsgev_compose(iev, IMSG_CFG_DONE, 0, 0, -1, NULL, 0) == -1)
		fatal("%s: compose", __func__);
}

/* Whether netctl builds a topology, which capture must wait for. */
static int
net_defers_capture(void)
{
	return (child_iev(PROC_NETCTL) != NULL &&
	    (hs->p_conf->c_network.nw_uplink[0] != '\0' ||
	    !TAILQ_EMPTY(&hs->p_conf->c_hosts)));
}

/* Whether netctl runs, or why not, in why. */
static int
net_running(char *why, size_t len)
{
	const struct proc_def	*pd;
	size_t			 i;
	char			 off[128];

	if (child_iev(PROC_NETCTL) != NULL)
		return (1);
	for (i = 0; i < PROC_TABLE_SIZE; i++) {
		pd = &proc_table[i];
		if (pd->pd_id == PROC_NETCTL &&
		    !parent_feature(pd, off, sizeof(off))) {
			(void)snprintf(why, len, "virtual hosts are off: %s",
			    off);
			return (0);
		}
	}
	(void)strlcpy(why, "virtual hosts are not running", len);
	return (0);
}

static int
net_request(uint32_t type, uint32_t ctl, const void *data, size_t dlen,
    char *why, size_t len)
{
	struct imsgev	*iev;
	size_t		 i;

	if (!net_running(why, len))
		return (-1);
	iev = child_iev(PROC_NETCTL);
	for (i = 0; i < NET_PENDING_MAX; i++)
		if (net_pending[i] == 0)
			break;
	if (i == NET_PENDING_MAX) {
		(void)strlcpy(why, "too many alias calls waiting", len);
		return (-1);
	}
	net_pending[i] = ctl;
	if (imsgev_compose(iev, type, ctl, 0, -1, data, dlen) == -1)
		fatal("%s: compose", __func__);
	return (0);
}

/*
 * An address as typed, and what goes with it: a MAC, a vendor, or what
 * the file says about that host.  A vendor name is letters, digits and
 * a little punctuation, as in the vendor lists.
 */
static int
net_alias_msg(const struct ctl_alias *ca, struct alias_msg *am, char *why,
    size_t len)
{
	struct conf_host	*h;
	unsigned int		 b[HS_MACLEN];
	size_t			 i;
	char			 c;

	memset(am, 0, sizeof(*am));
	if (inet_pton(AF_INET, ca->ca_addr, am->al_addr) == 1)
		am->al_af = AF_INET;
	else if (inet_pton(AF_INET6, ca->ca_addr, am->al_addr) == 1)
		am->al_af = AF_INET6;
	else {
		(void)strlcpy(why, "not an IPv4 or IPv6 address", len);
		return (-1);
	}
	if (inet_ntop(am->al_af, am->al_addr, am->al_addrtext,
	    sizeof(am->al_addrtext)) == NULL)
		fatal("%s: inet_ntop", __func__);
	if (ca->ca_how[0] == '\0') {
		TAILQ_FOREACH(h, &hs->p_conf->c_hosts, h_entry)
			if (h->h_address.a_af == am->al_af &&
			    memcmp(&h->h_address.a_u, am->al_addr,
			    am->al_af == AF_INET ? 4 : 16) == 0) {
				net_host_msg(h, am);
				break;
			}
		return (0);
	}
	if (strlen(ca->ca_how) == 17 && sscanf(ca->ca_how,
	    "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
	    &b[5], &c) == 6) {
		for (i = 0; i < HS_MACLEN; i++)
			am->al_mac[i] = (uint8_t)b[i];
		if (am->al_mac[0] & 0x01) {
			(void)snprintf(why, len, "%s is a multicast MAC "
			    "address", ca->ca_addr[0] != '\0' ? ca->ca_how :
			    "");
			return (-1);
		}
		am->al_hasmac = 1;
		return (0);
	}
	for (i = 0; ca->ca_how[i] != '\0'; i++)
		if (!isalnum((unsigned char)ca->ca_how[i]) &&
		    strchr(" .,-&_()", ca->ca_how[i]) == NULL) {
			(void)strlcpy(why, "neither a MAC address "
			    "(xx:xx:xx:xx:xx:xx) nor a vendor name", len);
			return (-1);
		}
	if (strlcpy(am->al_vendor, ca->ca_how, sizeof(am->al_vendor)) >=
	    sizeof(am->al_vendor)) {
		(void)snprintf(why, len, "a vendor name has at most %zu bytes",
		    sizeof(am->al_vendor) - 1);
		return (-1);
	}
	return (0);
}

int
aliasctl_add(uint32_t ctl, const struct ctl_alias *ca, char *why, size_t len)
{
	struct alias_msg	 am;

	if (net_alias_msg(ca, &am, why, len) == -1)
		return (-1);
	return (net_request(IMSG_NET_ADD, ctl, &am, sizeof(am), why, len));
}

int
aliasctl_del(uint32_t ctl, const struct ctl_alias *ca, char *why, size_t len)
{
	struct alias_msg	 am;
	struct ctl_alias	 only = *ca;

	only.ca_how[0] = '\0';
	if (net_alias_msg(&only, &am, why, len) == -1)
		return (-1);
	return (net_request(IMSG_NET_DEL, ctl, &am, sizeof(am), why, len));
}

int
aliasctl_get(uint32_t ctl, char *why, size_t len)
{
	return (net_request(IMSG_NET_GET, ctl, NULL, 0, why, len));
}

/*
 * setFingerprint and getFingerprint: the persona child answers.  The
 * personality may be a fingerprint name with spaces; the failure policy
 * stays the configured one.
 */
static int
persona_request(uint32_t type, uint32_t ctl, const struct ctl_alias *ca,
    char *why, size_t len)
{
	struct imsgev		*iev;
	struct alias_msg	 am;
	struct ctl_alias	 only = *ca;
	size_t			 i;
	char			 off[128];

	only.ca_how[0] = '\0';
	if (net_alias_msg(&only, &am, why, len) == -1)
		return (-1);
	if ((iev = child_iev(PROC_PERSONA)) == NULL ||
	    persona_offwhy[0] != '\0') {
		(void)strlcpy(off, "the persona child is not running",
		    sizeof(off));
		for (i = 0; i < PROC_TABLE_SIZE; i++)
			if (proc_table[i].pd_id == PROC_PERSONA)
				(void)parent_feature(&proc_table[i], off,
				    sizeof(off));
		if (off[0] == '\0')
			(void)strlcpy(off, "the persona child is not running",
			    sizeof(off));
		(void)snprintf(why, len, "personalities are off: %s", off);
		return (-1);
	}
	if (type == IMSG_PERSONA_SET && strlcpy(am.al_personality,
	    ca->ca_how, sizeof(am.al_personality)) >=
	    sizeof(am.al_personality)) {
		(void)strlcpy(why, "personality name too long", len);
		return (-1);
	}
	for (i = 0; i < PERSONA_PENDING_MAX; i++)
		if (persona_pending[i] == 0)
			break;
	if (i == PERSONA_PENDING_MAX) {
		(void)strlcpy(why, "too many fingerprint calls waiting", len);
		return (-1);
	}
	persona_pending[i] = ctl;
	if (imsgev_compose(iev, type, ctl, 0, -1, &am, sizeof(am)) == -1)
		fatal("%s: compose", __func__);
	return (0);
}

int
personactl_set(uint32_t ctl, const struct ctl_alias *ca, char *why,
    size_t len)
{
	return (persona_request(IMSG_PERSONA_SET, ctl, ca, why, len));
}

int
personactl_get(uint32_t ctl, const struct ctl_alias *ca, char *why,
    size_t len)
{
	return (persona_request(IMSG_PERSONA_GET, ctl, ca, why, len));
}

/* For status: each host with a personality, as we last heard. */
int
persona_status(struct imsgev *iev)
{
	size_t	i;
	int	rv = 0;

	for (i = 0; i < persona_nhosts; i++)
		rv |= imsgev_compose(iev, IMSG_CTL_ALIAS, 0, 0, -1,
		    &persona_hosts[i], sizeof(persona_hosts[i]));
	return (rv);
}

/* A host's personality and whether it is rewritten, as we last heard. */
static void
persona_patch(struct alias_msg *am)
{
	size_t	i;

	for (i = 0; i < persona_nhosts; i++)
		if (persona_hosts[i].al_af == am->al_af &&
		    memcmp(persona_hosts[i].al_addr, am->al_addr, 16) == 0) {
			(void)strlcpy(am->al_personality,
			    persona_hosts[i].al_personality,
			    sizeof(am->al_personality));
			am->al_persona = persona_hosts[i].al_persona;
			return;
		}
	am->al_persona = am->al_personality[0] != '\0' ? PERSONA_FAILED :
	    PERSONA_NONE;
}

/* News from the persona child, or its answer to a call: checked. */
static void
parent_persona_reply(struct imsg *imsg)
{
	struct alias_msg	 am;
	struct net_result	 nr;
	struct ibuf		 ib;
	uint32_t		 id = imsg_get_id(imsg);
	size_t			 i, n;

	switch (imsg_get_type(imsg)) {
	case IMSG_PERSONA_OFF:
		if (imsg_get_ibuf(imsg, &ib) == -1 ||
		    (n = ibuf_size(&ib)) == 0 || n > sizeof(persona_offwhy) ||
		    ((const char *)ibuf_data(&ib))[n - 1] != '\0' ||
		    !str_printable(ibuf_data(&ib), n))
			fatalx("%s: IMSG_PERSONA_OFF: bad message", __func__);
		(void)strlcpy(persona_offwhy, ibuf_data(&ib),
		    sizeof(persona_offwhy));
		return;
	case IMSG_PERSONA_ALIAS:
		if (imsg_get_data(imsg, &am, sizeof(am)) == -1 ||
		    am.al_af != AF_INET ||
		    !str_printable(am.al_addrtext, sizeof(am.al_addrtext)) ||
		    !str_printable(am.al_personality,
		    sizeof(am.al_personality)) ||
		    am.al_persona > PERSONA_FAILED)
			fatalx("%s: IMSG_PERSONA_ALIAS: bad message", __func__);
		if (id != 0) {
			control_data(id, IMSG_CTL_ALIAS, &am, sizeof(am));
			return;
		}
		for (i = 0; i < persona_nhosts; i++)
			if (memcmp(persona_hosts[i].al_addr, am.al_addr,
			    4) == 0)
				break;
		if (i == PERSONA_HOSTS_MAX)
			fatalx("%s: too many hosts", __func__);
		persona_hosts[i] = am;
		if (i == persona_nhosts)
			persona_nhosts++;
		return;
	default:
		break;
	}
	for (i = 0; i < PERSONA_PENDING_MAX; i++)
		if (id != 0 && persona_pending[i] == id)
			break;
	if (i == PERSONA_PENDING_MAX)
		fatalx("%s: persona answers a call nobody made", __func__);
	if (imsg_get_data(imsg, &nr, sizeof(nr)) == -1 ||
	    !str_printable(nr.nr_reason, sizeof(nr.nr_reason)))
		fatalx("%s: IMSG_PERSONA_RESULT: bad message", __func__);
	persona_pending[i] = 0;
	control_reply(id, nr.nr_ok ? NULL : nr.nr_reason);
}

/* An alias for getAliases, or a call's outcome, from netctl: checked. */
static void
parent_net_reply(struct imsg *imsg)
{
	struct net_result	 nr;
	struct alias_msg	*am;
	uint32_t		 id = imsg_get_id(imsg);
	size_t			 i;

	for (i = 0; i < NET_PENDING_MAX; i++)
		if (id != 0 && net_pending[i] == id)
			break;
	if (i == NET_PENDING_MAX)
		fatalx("%s: netctl answers a call nobody made", __func__);
	if (imsg_get_type(imsg) == IMSG_NET_ALIAS) {
		if ((am = calloc(1, sizeof(*am))) == NULL)
			fatal("%s", __func__);
		if (imsg_get_data(imsg, am, sizeof(*am)) == -1 ||
		    !str_printable(am->al_addrtext, sizeof(am->al_addrtext)) ||
		    !str_printable(am->al_vendor, sizeof(am->al_vendor)) ||
		    memchr(am->al_personality, '\0',
		    sizeof(am->al_personality)) == NULL ||
		    !str_printable(am->al_ifname, sizeof(am->al_ifname)))
			fatalx("%s: IMSG_NET_ALIAS: bad message", __func__);
		persona_patch(am);
		control_data(id, IMSG_CTL_ALIAS, am, sizeof(*am));
		free(am);
		return;
	}
	if (imsg_get_data(imsg, &nr, sizeof(nr)) == -1 ||
	    !str_printable(nr.nr_reason, sizeof(nr.nr_reason)))
		fatalx("%s: IMSG_NET_RESULT: bad message", __func__);
	net_pending[i] = 0;
	control_reply(id, nr.nr_ok ? NULL : nr.nr_reason);
}
