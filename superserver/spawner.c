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

/* spawner: starts service programs as their own users and reaps them. */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "service.h"
#include "util.h"
#include "superserver/spawn_env.h"
#include "superserver/spawner.h"

/*
 * Live programs at most.  Each holds a process, a socket and a table
 * entry; past this the superserver is told EAGAIN and drops the
 * connection, which is better than the host running out of processes.
 */
#define SPAWNER_MAX_PROGRAMS	4096

/* The first fd a program does not get: 0-1 the connection, 2 its events. */
#define SPAWNER_FIRSTFD		3

struct spawner_service {
	TAILQ_ENTRY(spawner_service)	 svc_entry;
	struct service_msg		 svc_sv;
};
TAILQ_HEAD(spawner_services, spawner_service);

/*
 * A list is enough: at most SPAWNER_MAX_PROGRAMS entries, searched once
 * per start, exit or kill, which is noise next to a fork and an exec.
 */
struct spawner_session {
	TAILQ_ENTRY(spawner_session)	 ses_entry;
	uint64_t			 ses_id;
	pid_t				 ses_pid;
	uint32_t			 ses_service;
	int				 ses_timed;
	struct event			 ses_timer;
};
TAILQ_HEAD(spawner_sessions, spawner_session);

/*
 * Program ends of socketpairs the superserver made ahead, one list per
 * socket type, in the order it sent them, which is the order in which its
 * requests name them.  It keeps up to 128 of each: more is a peer out of
 * step.
 */
struct spawner_pair {
	TAILQ_ENTRY(spawner_pair)	 pr_entry;
	uint32_t			 pr_id;
	int				 pr_fd;
};
TAILQ_HEAD(spawner_pairs, spawner_pair);
#define SPAWNER_MAX_PAIRS	512

/* Where a program's start-up failed, left in our memory by the child. */
enum spawn_step {
	STEP_SETPGID,
	STEP_AFFINITY,
	STEP_FDS,
	STEP_SIGNALS,
	STEP_RLIMIT,
	STEP_CHROOT,
	STEP_CHDIR,
	STEP_IDS,
	STEP_CAPS,
	STEP_NNP,
	STEP_VERIFY,
	STEP_NICE,
	STEP_EXEC
};

static const char *const spawn_step_names[] = {
	"setpgid", "CPU affinity", "file descriptors", "signals", "setrlimit",
	"chroot", "chdir", "change ids", "drop capabilities", "no_new_privs",
	"verify", "scheduling", "execve"
};

struct spawn_failure {
	int32_t		sf_step;	/* enum spawn_step */
	int32_t		sf_errno;
};

/*
 * What the clone(2) child needs, and where it says why it failed; it
 * lives on our stack, which the child shares until it execs or exits.
 */
struct spawner_child_ctx {
	const struct service_msg	*cc_sv;
	int				 cc_conn;
	int				 cc_evfd;	/* its stderr */
	volatile struct spawn_failure	 cc_failed;	/* sf_step -1: none */
};

/* The child's stack: CLONE_VFORK means one child at a time uses it. */
static unsigned char	 spawner_stack[64 * 1024]
			    __attribute__((__aligned__(16)));

static int	spawner_child(void *);
static void	spawner_note_ignored(void);
static int	spawner_dispatch_parent(struct imsgev *, struct imsg *);
static int	spawner_dispatch_ss(struct imsgev *, struct imsg *);
static void	spawner_ss_closed(struct imsgev *);
static void	spawner_check_service(const struct service_msg *);
static const struct service_msg *
		spawner_check_request(const struct spawn_msg *);
static int	spawner_addr_ok(int, const char *);
static struct spawner_service *spawner_service_find(uint32_t);
static void	spawner_service_set(const struct service_msg *);
static void	spawner_service_del(uint32_t);
static void	spawner_start(const struct service_msg *,
		    const struct spawn_msg *, int);
static __dead void spawner_exec(const struct service_msg *, int, int,
		    volatile struct spawn_failure *);
static void	spawner_note_hard(void);
static void	spawner_slots_init(void);
static int	spawner_slots_fill(int, int);
static void	spawner_slots_clear(void);
static int	spawner_quiet(void);
static void	spawner_cpu_narrow(void);
static void	spawner_cpu_widen(void);
static void	spawner_sched(int);
static int	spawner_rlimit(int, int64_t);
static int	spawner_verify(uid_t, gid_t, int);
static int	spawner_can_setids(void);
static void	spawner_reply(uint32_t, uint64_t, pid_t, int, int, int);
static void	spawner_sigchld(int, short, void *);
static void	spawner_timeout(int, short, void *);
static void	spawner_killgroup(pid_t);
static void	spawner_killall(void);
static void	spawner_session_free(struct spawner_session *);
static struct spawner_session *spawner_session_byid(uint64_t);
static struct spawner_session *spawner_session_bypid(pid_t);
static struct spawner_pairs *spawner_pairs_of(int);
static void	spawner_pair_add(const struct spawn_pair *, int);
static int	spawner_pair_take(int, uint32_t);

static struct spawner_services	 services =
				    TAILQ_HEAD_INITIALIZER(services);
static struct spawner_sessions	 sessions =
				    TAILQ_HEAD_INITIALIZER(sessions);
static size_t			 sessions_live;
static size_t			 analysers_live;	/* of those */
static struct spawner_pairs	 pairs[] = {	/* stream, datagram */
	TAILQ_HEAD_INITIALIZER(pairs[0]), TAILQ_HEAD_INITIALIZER(pairs[1])
};
static size_t			 npairs;
static struct imsgev		 iev_ss;	/* to the superserver */
static int			 iev_ss_attached;
static struct event		 ev_sigchld;
static char			 spawner_node[HS_NAMELEN];
/* Whether programs get their own uid, or share ours. */
static int			 spawner_setids;
/* Built before fork, read by the child: too big for the stack. */
static uint64_t			 spawner_ignored;	/* bit sig-1: SIG_IGN */
static int			 spawner_nice;	/* ours; programs add theirs */
static rlim_t			 spawner_hard[RLIM_NLIMITS];	/* ours */
static cpu_set_t		 spawner_cpus;	/* ours, and the programs' */
static int			 spawner_ncpus;	/* in it, when last read */
static int			 spawner_narrowed;	/* to one of them */
static int			 spawner_batch;	/* SCHED_BATCH, while quiet */
static int			 spawner_sched_failed;
static struct spawn_argv	 spawn_args;
static struct spawn_envp	 spawn_env;
/*
 * Two fds low in our table, each on a placeholder: a program's connection
 * and its events wait there while it starts.  With them low, the child can
 * share our table until its first step and then copy only the part up to
 * them, not the socketpairs made ahead that we hold, which it would copy
 * and close one by one otherwise.
 */
static int			 spawner_slot[2] = { -1, -1 };
static int			 spawner_slot_end;	/* past both */
static int			 spawner_placeholder = -1;
static int			 spawner_unshare;	/* the kernel can */
static int			 spawner_nnp;	/* we have no_new_privs */

#define TERMINATED(a)	(memchr((a), '\0', sizeof(a)) != NULL)

__attribute__((__noreturn__)) void
spawner_main(const struct proc_def *pd)
{
	struct hello_msg	 hm;

	proc_child_init(pd, &hm);
	proc_child_jail(pd, &hm);
	proc_child_setup_done(pd, &hm);
	spawner_note_ignored();
	spawner_note_hard();
	spawner_slots_init();
	/* The seccomp table came with it, and children inherit it. */
	spawner_nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
	if (sched_getaffinity(0, sizeof(spawner_cpus), &spawner_cpus) == 0)
		spawner_ncpus = CPU_COUNT(&spawner_cpus);
	errno = 0;
	if ((spawner_nice = getpriority(PRIO_PROCESS, 0)) == -1 && errno != 0)
		fatal("%s: getpriority", __func__);
	/*
	 * A session of our own, without a terminal, for the programs to
	 * share: none of them can then open the operator's terminal when
	 * the daemon runs in the foreground.
	 */
	if (setsid() == -1)
		fatal("%s: setsid", __func__);

	/*
	 * Without CAP_SETUID and CAP_SETGID (user mode, or capabilities mode
	 * with only the network ones) no program can get a user of its own.
	 */
	if (hm.hm_privmode != PRIVMODE_USER && spawner_can_setids())
		spawner_setids = 1;
	else
		log_info("%s mode: service programs run as uid %u, not as "
		    "their own users", privmode_name(hm.hm_privmode),
		    (unsigned)getuid());
	/* However we leave, no program may outlive us unsupervised. */
	if (atexit(spawner_killall) != 0)
		fatalx("%s: atexit", __func__);
	/* IMSG_SPAWN_CHAN brings the superserver's channel over this one. */
	imsgbuf_allow_fdpass(&proc_child_iev()->ibuf);
	signal_set(&ev_sigchld, SIGCHLD, spawner_sigchld, NULL);
	if (signal_add(&ev_sigchld, NULL) == -1)
		fatal("%s: signal_add", __func__);
	proc_child_run(pd, spawner_dispatch_parent);
}

/*
 * The parent is our only source of truth: anything unexpected from it
 * means we are out of step, and a crash is the honest answer.
 */
static int
spawner_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct node_msg		 nm;
	struct service_msg	 sv;
	int			 fd;

	if (proc_child_common(iev, imsg))
		return (0);
	switch (imsg_get_type(imsg)) {
	case IMSG_CFG_NODE:
		if (imsg_get_data(imsg, &nm, sizeof(nm)) == -1)
			fatalx("%s: IMSG_CFG_NODE: bad size", __func__);
		if (!TERMINATED(nm.nm_name))
			fatalx("%s: IMSG_CFG_NODE: name not terminated",
			    __func__);
		(void)strlcpy(spawner_node, nm.nm_name, sizeof(spawner_node));
		break;
	case IMSG_CFG_SERVICE:
		if (imsg_get_data(imsg, &sv, sizeof(sv)) == -1)
			fatalx("%s: IMSG_CFG_SERVICE: bad size", __func__);
		spawner_check_service(&sv);
		spawner_service_set(&sv);
		break;
	case IMSG_CFG_DETECT:
		if (imsg_get_data(imsg, &sv, sizeof(sv)) == -1 ||
		    sv.sv_id != HS_DETECT_SERVICE)
			fatalx("%s: IMSG_CFG_DETECT: bad message", __func__);
		spawner_check_service(&sv);
		spawner_service_set(&sv);
		break;
	case IMSG_CFG_DELSERVICE:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: IMSG_CFG_DELSERVICE: bad size", __func__);
		spawner_service_del(imsg_get_id(imsg));
		break;
	case IMSG_CFG_DONE:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: IMSG_CFG_DONE: bad size", __func__);
		log_debug("configuration done, node %s", spawner_node);
		break;
	case IMSG_SPAWN_CHAN:
		/* One superserver, one channel: a second means confusion. */
		if (iev_ss_attached)
			fatalx("%s: IMSG_SPAWN_CHAN: already attached",
			    __func__);
		if ((fd = imsg_get_fd(imsg)) == -1)
			fatalx("%s: IMSG_SPAWN_CHAN: expected an fd", __func__);
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: IMSG_SPAWN_CHAN: bad size", __func__);
		if (fd_nonblock(fd) == -1)
			fatal("%s: fd_nonblock", __func__);
		imsgev_init(&iev_ss, fd, "superserver", spawner_dispatch_ss,
		    spawner_ss_closed, NULL);
		imsgbuf_allow_fdpass(&iev_ss.ibuf);
		imsgev_add(&iev_ss);
		iev_ss_attached = 1;
		break;
	default:
		fatalx("%s: unexpected imsg %u", __func__,
		    imsg_get_type(imsg));
	}
	return (0);
}

/*
 * The superserver runs with less privilege than we do and handles
 * attacker bytes all day: everything it says is checked against the
 * configuration, and a malformed message ends the suite (crash-only).
 */
static int
spawner_dispatch_ss(struct imsgev *iev, struct imsg *imsg)
{
	const struct service_msg	*sv;
	struct spawner_session		*ses;
	struct spawn_msg		 sp;
	struct spawn_pair		 spp;
	struct spawn_reply		 sr;
	int				 fd;

	(void)iev;
	switch (imsg_get_type(imsg)) {
	case IMSG_SPAWN_PAIR:
		if ((fd = imsg_get_fd(imsg)) == -1)
			fatalx("%s: IMSG_SPAWN_PAIR: expected an fd", __func__);
		if (imsg_get_data(imsg, &spp, sizeof(spp)) == -1 ||
		    spp.spp_pair == 0 || (spp.spp_type != SOCK_STREAM &&
		    spp.spp_type != SOCK_DGRAM))
			fatalx("%s: IMSG_SPAWN_PAIR: bad message", __func__);
		spawner_pair_add(&spp, fd);
		break;
	case IMSG_SPAWN_REQ:
		fd = imsg_get_fd(imsg);
		if (imsg_get_data(imsg, &sp, sizeof(sp)) == -1)
			fatalx("%s: IMSG_SPAWN_REQ: bad size", __func__);
		if ((fd == -1) == (sp.sp_pair == 0))
			fatalx("%s: IMSG_SPAWN_REQ: not one socket", __func__);
		sv = spawner_check_request(&sp);
		if (fd == -1)
			fd = spawner_pair_take(sp.sp_proto == IPPROTO_UDP ?
			    SOCK_DGRAM : SOCK_STREAM, sp.sp_pair);
		spawner_start(sv, &sp, fd);
		break;
	case IMSG_SPAWN_KILL:
		if ((fd = imsg_get_fd(imsg)) != -1)
			fatalx("%s: IMSG_SPAWN_KILL: unexpected fd", __func__);
		if (imsg_get_data(imsg, &sr, sizeof(sr)) == -1)
			fatalx("%s: IMSG_SPAWN_KILL: bad size", __func__);
		/* Unknown: it exited and its EXIT crossed this request. */
		if ((ses = spawner_session_byid(sr.sr_session)) != NULL)
			spawner_killgroup(ses->ses_pid);
		break;
	default:
		fatalx("%s: unexpected imsg %u", __func__,
		    imsg_get_type(imsg));
	}
	return (0);
}

static struct spawner_pairs *
spawner_pairs_of(int type)
{
	return (type == SOCK_STREAM ? &pairs[0] : &pairs[1]);
}

static void
spawner_pair_add(const struct spawn_pair *spp, int fd)
{
	struct spawner_pair	*pr;

	if (npairs >= SPAWNER_MAX_PAIRS)
		fatalx("%s: over %d socketpairs ahead", __func__,
		    SPAWNER_MAX_PAIRS);
	if ((pr = calloc(1, sizeof(*pr))) == NULL)
		fatal("%s: calloc", __func__);
	pr->pr_id = spp->spp_pair;
	pr->pr_fd = fd;
	TAILQ_INSERT_TAIL(spawner_pairs_of(spp->spp_type), pr, pr_entry);
	npairs++;
}

/* The oldest pair of the type, which must be the one named. */
static int
spawner_pair_take(int type, uint32_t id)
{
	struct spawner_pairs	*list = spawner_pairs_of(type);
	struct spawner_pair	*pr;
	int			 fd;

	if ((pr = TAILQ_FIRST(list)) == NULL || pr->pr_id != id)
		fatalx("%s: socketpair %u is not the next one", __func__, id);
	TAILQ_REMOVE(list, pr, pr_entry);
	npairs--;
	fd = pr->pr_fd;
	free(pr);
	return (fd);
}

/* Without the superserver nobody can use a program: stop them all. */
static void
spawner_ss_closed(struct imsgev *iev)
{
	(void)iev;
	log_info("superserver channel closed");
	exit(0);
}

static void
spawner_check_service(const struct service_msg *sv)
{
	char	 why[128];

	if (!service_msg_valid(sv, why, sizeof(why)))
		fatalx("%s: service %u: %s", __func__, sv->sv_id, why);
	/* Legal, but a program could then signal the suite's processes. */
	if (spawner_setids && sv->sv_uid == getuid())
		log_warnx("service %s: program runs as the suite's own user",
		    sv->sv_name);
}

static const struct service_msg *
spawner_check_request(const struct spawn_msg *sp)
{
	struct spawner_service	*svc;
	const struct service_msg *sv;
	const char		*c;

	if ((svc = spawner_service_find(sp->sp_service)) == NULL)
		fatalx("%s: unknown service %u", __func__, sp->sp_service);
	sv = &svc->svc_sv;
	if (!TERMINATED(sp->sp_src) || !TERMINATED(sp->sp_dst) ||
	    !TERMINATED(sp->sp_remote_os))
		fatalx("%s: string not terminated", __func__);
	if (!spawner_addr_ok(sv->sv_af, sp->sp_src) ||
	    !spawner_addr_ok(sv->sv_af, sp->sp_dst))
		fatalx("%s: bad address for service %u", __func__,
		    sp->sp_service);
	if (sp->sp_sport < 0 || sp->sp_sport > 65535 ||
	    sp->sp_dport < 0 || sp->sp_dport > 65535)
		fatalx("%s: bad port", __func__);
	if (sp->sp_proto != sv->sv_proto)
		fatalx("%s: protocol %d, service %u has %d", __func__,
		    sp->sp_proto, sp->sp_service, sv->sv_proto);
	/* It goes into the environment and the logs: printable ASCII only. */
	for (c = sp->sp_remote_os; *c != '\0'; c++)
		if (*c < 0x20 || *c > 0x7e)
			fatalx("%s: remote OS not printable", __func__);
	if (spawner_session_byid(sp->sp_session) != NULL)
		fatalx("%s: session %016" PRIx64 " already running", __func__,
		    sp->sp_session);
	return (sv);
}

static int
spawner_addr_ok(int af, const char *s)
{
	struct in6_addr	 a;

	switch (af) {
	case AF_INET:
	case AF_INET6:
		return (inet_pton(af, s, &a) == 1);
	default:
		return (inet_pton(AF_INET, s, &a) == 1 ||
		    inet_pton(AF_INET6, s, &a) == 1);
	}
}

static struct spawner_service *
spawner_service_find(uint32_t id)
{
	struct spawner_service	*svc;

	TAILQ_FOREACH(svc, &services, svc_entry)
		if (svc->svc_sv.sv_id == id)
			return (svc);
	return (NULL);
}

/* Running programs keep going; the new settings apply from the next. */
static void
spawner_service_set(const struct service_msg *sv)
{
	struct spawner_service	*svc;

	if ((svc = spawner_service_find(sv->sv_id)) == NULL) {
		if ((svc = calloc(1, sizeof(*svc))) == NULL)
			fatal("%s: calloc", __func__);
		TAILQ_INSERT_TAIL(&services, svc, svc_entry);
	}
	svc->svc_sv = *sv;
	log_debug("service %u (%s): %s", sv->sv_id, sv->sv_name,
	    sv->sv_program);
}

static void
spawner_service_del(uint32_t id)
{
	struct spawner_service	*svc;

	if ((svc = spawner_service_find(id)) == NULL)
		fatalx("%s: unknown service %u", __func__, id);
	TAILQ_REMOVE(&services, svc, svc_entry);
	free(svc);
}

/*
 * Start one program on the connection fd, which we always close.  The
 * child shares our memory until it execs, and a failure before that is
 * written into it; a missing or unusable program becomes an error reply
 * instead of a session that dies at once.
 */
static void
spawner_start(const struct service_msg *sv, const struct spawn_msg *sp,
    int fd)
{
	struct spawner_session	*ses;
	struct spawn_failure	 sf;
	struct timeval		 tv;
	sigset_t		 all, old;
	struct spawner_child_ctx child;
	pid_t			 pid;
	int			 evp[2], status, saved, quiet;

	if (sessions_live >= SPAWNER_MAX_PROGRAMS) {
		log_warnx("session %016" PRIx64 ": %zu programs running, "
		    "refused", sp->sp_session, sessions_live);
		spawner_reply(IMSG_SPAWN_STARTED, sp->sp_session, 0, EAGAIN, 0,
		    -1);
		close(fd);
		return;
	}
	if (spawn_argv_build(&spawn_args, sv, sp, time(NULL)) == -1 ||
	    spawn_envp_build(&spawn_env, sv, sp) == -1) {
		saved = errno;
		log_warn("session %016" PRIx64 ": %s: arguments",
		    sp->sp_session, sv->sv_name);
		spawner_reply(IMSG_SPAWN_STARTED, sp->sp_session, 0, saved, 0,
		    -1);
		close(fd);
		return;
	}
	/* CAP_SETUID reaches uid 0 too; a root program is never wanted. */
	if (spawner_setids && (sv->sv_uid == 0 || sv->sv_gid == 0)) {
		log_warnx("service %s: refusing to run a program as root",
		    sv->sv_name);
		spawner_reply(IMSG_SPAWN_STARTED, sp->sp_session, 0, EPERM, 0,
		    -1);
		close(fd);
		return;
	}
	/*
	 * The program's stderr is a pipe whose other end goes to the
	 * superserver with our answer: its events, one JSON line each.  The
	 * superserver's end is non-blocking, as it needs; the child clears
	 * the flag on its own.
	 */
	if (pipe2(evp, O_CLOEXEC | O_NONBLOCK) == -1) {
		saved = errno;
		log_warn("%s: pipe2", __func__);
		spawner_reply(IMSG_SPAWN_STARTED, sp->sp_session, 0, saved, 0,
		    -1);
		close(fd);
		return;
	}

	/* The program's two files move to the slots, until it has them. */
	if (spawner_slots_fill(fd, evp[1]) == -1) {
		saved = errno;
		log_warn("%s: dup3", __func__);
		spawner_reply(IMSG_SPAWN_STARTED, sp->sp_session, 0, saved, 0,
		    -1);
		close(evp[0]);
		close(evp[1]);
		close(fd);
		return;
	}
	close(evp[1]);
	close(fd);

	/*
	 * Block signals across fork so that the child never runs one of our
	 * handlers (libevent's would write into our signal pipe); the child
	 * resets every disposition before it unblocks them.
	 */
	if (sigfillset(&all) == -1 || sigprocmask(SIG_BLOCK, &all, &old) == -1)
		fatal("%s: sigprocmask", __func__);
	/*
	 * Like posix_spawn(3): the child borrows our memory instead of
	 * copying our page tables, and we sleep until it has exec'd or
	 * exited, so what it wrote into child.cc_failed is there to read.
	 * It borrows our fd table as well, when it can take its own copy
	 * of just the start of it.
	 */
	child.cc_sv = sv;
	child.cc_conn = spawner_slot[0];
	child.cc_evfd = spawner_slot[1];
	child.cc_failed.sf_step = -1;
	child.cc_failed.sf_errno = 0;
	quiet = spawner_quiet();
	spawner_sched(quiet);
	if (quiet)
		spawner_cpu_narrow();
	pid = clone(spawner_child, spawner_stack + sizeof(spawner_stack),
	    CLONE_VM | CLONE_VFORK | (spawner_unshare ? CLONE_FILES : 0) |
	    SIGCHLD, &child);
	saved = errno;
	spawner_cpu_widen();
	spawner_slots_clear();
	if (sigprocmask(SIG_SETMASK, &old, NULL) == -1)
		fatal("%s: sigprocmask", __func__);
	if (pid == -1) {
		log_warnx("%s: fork: %s", __func__, strerror(saved));
		close(evp[0]);
		spawner_reply(IMSG_SPAWN_STARTED, sp->sp_session, 0, saved, 0,
		    -1);
		return;
	}

	sf.sf_step = child.cc_failed.sf_step;
	sf.sf_errno = child.cc_failed.sf_errno;
	if (sf.sf_step != -1) {
		if (sf.sf_step < 0 || sf.sf_step > STEP_EXEC) {
			sf.sf_step = STEP_EXEC;
			sf.sf_errno = EIO;
		}
		/* It _exits right after failing: reap it here, no session. */
		while (waitpid(pid, &status, 0) == -1)
			if (errno != EINTR)
				fatal("%s: waitpid", __func__);
		log_warnx("session %016" PRIx64 ": %s: %s: %s", sp->sp_session,
		    sv->sv_program, spawn_step_names[sf.sf_step],
		    strerror(sf.sf_errno));
		close(evp[0]);
		spawner_reply(IMSG_SPAWN_STARTED, sp->sp_session, 0,
		    sf.sf_errno != 0 ? sf.sf_errno : EIO, 0, -1);
		return;
	}

	if ((ses = calloc(1, sizeof(*ses))) == NULL)
		fatal("%s: calloc", __func__);
	ses->ses_id = sp->sp_session;
	ses->ses_pid = pid;
	ses->ses_service = sv->sv_id;
	TAILQ_INSERT_TAIL(&sessions, ses, ses_entry);
	sessions_live++;
	if (ses->ses_service == HS_DETECT_SERVICE)
		analysers_live++;
	if (sv->sv_timeout > 0) {
		evtimer_set(&ses->ses_timer, spawner_timeout, ses);
		timerclear(&tv);
		tv.tv_sec = sv->sv_timeout;
		if (evtimer_add(&ses->ses_timer, &tv) == -1)
			fatal("%s: evtimer_add", __func__);
		ses->ses_timed = 1;
	}
	log_debug("session %016" PRIx64 ": %s started, pid %d",
	    sp->sp_session, sv->sv_program, (int)pid);
	spawner_reply(IMSG_SPAWN_STARTED, sp->sp_session, pid, 0, 0, evp[0]);
}

/*
 * sched_setattr(2)'s argument in its first version (Linux 3.14), which
 * the kernel takes by its size; glibc 2.36 has neither the call nor it.
 */
struct spawner_sched_attr {
	uint32_t	 size;
	uint32_t	 sched_policy;
	uint64_t	 sched_flags;
	int32_t		 sched_nice;
	uint32_t	 sched_priority;
	uint64_t	 sched_runtime;
	uint64_t	 sched_deadline;
	uint64_t	 sched_period;
};

/*
 * The kernel's own sigaction: glibc refuses its two internal real-time
 * signals (32 and 33), yet whoever started us may have left them ignored,
 * and an ignored signal stays ignored across exec.
 */
struct spawner_ksigaction {
	void		(*ks_handler)(int);
	unsigned long	 ks_flags;
	void		(*ks_restorer)(void);
	uint64_t	 ks_mask;
};

static int
spawner_ksigaction(int sig, const struct spawner_ksigaction *act,
    struct spawner_ksigaction *old)
{
	return ((int)syscall(SYS_rt_sigaction, sig, act, old,
	    sizeof(uint64_t)));
}

/*
 * Which signals we ignore, once: those dispositions would survive exec,
 * so each child resets exactly these instead of asking for every signal.
 */
static void
spawner_note_ignored(void)
{
	struct spawner_ksigaction	 ks;
	int				 sig;

	/* A plain mask: glibc's sigset functions refuse 32 and 33 too. */
	spawner_ignored = 0;
	for (sig = 1; sig < NSIG && sig <= 64; sig++) {
		if (spawner_ksigaction(sig, NULL, &ks) == -1)
			continue;
		if (ks.ks_handler == SIG_IGN)
			spawner_ignored |= (uint64_t)1 << (sig - 1);
	}
}

/* The clone(2) entry: on its own stack, in our memory, until execve. */
static int
spawner_child(void *arg)
{
	struct spawner_child_ctx	*c = arg;

	spawner_exec(c->cc_sv, c->cc_conn, c->cc_evfd, &c->cc_failed);
	/* NOTREACHED */
	return (127);
}

/*
 * The child: become the program.  Only async-signal-safe calls from here;
 * a failure is left in *failed as (step, errno), which the spawner reads
 * once we are gone.
 */
static __dead void
spawner_exec(const struct service_msg *sv, int conn, int evfd,
    volatile struct spawn_failure *failed)
{
	struct spawner_ksigaction ks;
	sigset_t		 none;
	uid_t			 uid;
	gid_t			 gid;
	int			 sig, step, changeids, prio;

	/*
	 * Its own process group, so that one kill(-pid) ends all of it.  Not
	 * a session of its own: we have no controlling terminal to leave,
	 * and each new session would cost a scheduler group (autogroup).
	 */
	step = STEP_SETPGID;
	if (setpgid(0, 0) == -1)
		goto fail;

	/* Our CPUs, all of them: only where it starts was ours to choose. */
	step = STEP_AFFINITY;
	if (spawner_narrowed && sched_setaffinity(0, sizeof(spawner_cpus),
	    &spawner_cpus) == -1)
		goto fail;

	/*
	 * The fds first, while no rlimit counts them: the spawner may hold
	 * more than a program is allowed.  Until here the table may be the
	 * spawner's own: our copy takes only what lies below the end of
	 * the slots, which are clear of 0-2, so that no dup2 below
	 * overwrites one we still need.  Then nothing past stderr reaches
	 * the program, our copy of the parent channel above all, which is
	 * not close-on-exec.
	 */
	step = STEP_FDS;
	if (spawner_unshare && close_range((unsigned int)spawner_slot_end,
	    ~0U, CLOSE_RANGE_UNSHARE) == -1)
		goto fail;
	/*
	 * Programs read their stdin and write their stderr blocking: both
	 * files lose every flag, O_NONBLOCK and whatever else the sender
	 * may have left on the connection.
	 */
	if (fcntl(conn, F_SETFL, 0) == -1 || fcntl(evfd, F_SETFL, 0) == -1)
		goto fail;
	if (dup2(conn, STDIN_FILENO) == -1 ||
	    dup2(conn, STDOUT_FILENO) == -1 ||
	    dup2(evfd, STDERR_FILENO) == -1)
		goto fail;
	closefrom(SPAWNER_FIRSTFD);

	/*
	 * We ignore SIGINT, SIGTERM, SIGHUP and SIGPIPE, and ignored signals
	 * stay ignored across exec: a program would then survive what its
	 * author expects to stop it.
	 */
	step = STEP_SIGNALS;
	memset(&ks, 0, sizeof(ks));
	ks.ks_handler = SIG_DFL;
	/* Handlers reset themselves at exec; only ignored signals persist. */
	for (sig = 1; sig < NSIG && sig <= 64; sig++) {
		if ((spawner_ignored & ((uint64_t)1 << (sig - 1))) == 0)
			continue;
		if (spawner_ksigaction(sig, &ks, NULL) == -1)
			goto fail;
	}
	if (sigemptyset(&none) == -1 ||
	    sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		goto fail;

	step = STEP_RLIMIT;
	if (spawner_rlimit(RLIMIT_CPU, sv->sv_rl_cpu) == -1 ||
	    spawner_rlimit(RLIMIT_AS, sv->sv_rl_as) == -1 ||
	    spawner_rlimit(RLIMIT_NOFILE, sv->sv_rl_nofile) == -1 ||
	    spawner_rlimit(RLIMIT_NPROC, sv->sv_rl_nproc) == -1 ||
	    spawner_rlimit(RLIMIT_FSIZE, sv->sv_rl_fsize) == -1)
		goto fail;

	if (sv->sv_chroot) {
		step = STEP_CHROOT;
		if (chroot(sv->sv_directory) == -1)
			goto fail;
	}

	step = STEP_IDS;
	if ((changeids = spawner_setids)) {
		uid = sv->sv_uid;
		gid = sv->sv_gid;
		if (setgroups(1, &gid) == -1 ||
		    setresgid(gid, gid, gid) == -1 ||
		    setresuid(uid, uid, uid) == -1)
			goto fail;
	} else {
		uid = getuid();
		gid = getgid();
	}

	/*
	 * As the program's user: the directory is for it to reach, and
	 * need not be open to us.
	 */
	step = STEP_CHDIR;
	if (chdir(sv->sv_chroot ? "/" : sv->sv_directory) == -1)
		goto fail;

	/*
	 * Moving between two non-zero uids keeps the capabilities we hold,
	 * so they go explicitly; exec alone would also drop them, but the
	 * program must not hold them even for an instant of its own.
	 */
	step = STEP_CAPS;
	{
		struct __user_cap_header_struct	 hdr;
		struct __user_cap_data_struct	 data[2];

		memset(&hdr, 0, sizeof(hdr));
		memset(data, 0, sizeof(data));
		hdr.version = _LINUX_CAPABILITY_VERSION_3;
		/*
		 * The ambient set goes with them: the kernel keeps it
		 * within both the permitted and the inheritable set.
		 */
		if (syscall(SYS_capset, &hdr, data) == -1)
			goto fail;
	}

	/* Inherited from us, when our seccomp table brought it. */
	step = STEP_NNP;
	if (!spawner_nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		goto fail;

	step = STEP_VERIFY;
	if (spawner_verify(uid, gid, changeids) == -1)
		goto fail;

	/*
	 * Last, so that everything up to here still runs at our priority:
	 * we wait for it.  Nicer programs leave the CPU to the processes
	 * all sessions pass through, which then never queue behind them.
	 * The policy is the usual one, whatever ours is (spawner_sched).
	 */
	step = STEP_NICE;
	if (sv->sv_nice > 0 || spawner_batch) {
		struct spawner_sched_attr attr;

		if ((prio = spawner_nice + sv->sv_nice) > HS_SVC_NICE_MAX)
			prio = HS_SVC_NICE_MAX;
		memset(&attr, 0, sizeof(attr));
		attr.size = sizeof(attr);
		attr.sched_policy = SCHED_OTHER;
		attr.sched_nice = prio;
		if (syscall(SYS_sched_setattr, 0, &attr, 0) == -1)
			goto fail;
	}

	step = STEP_EXEC;
	execve(spawn_args.sa_argv[0], spawn_args.sa_argv, spawn_env.se_envp);
 fail:
	failed->sf_errno = errno;
	failed->sf_step = step;
	_exit(127);
}


/*
 * The slots, taken once, before anything else fills our table, and the
 * file they hold while empty: the read end of a pipe nobody writes to.
 * Whether the kernel can unshare a table's start (Linux 5.9) is asked
 * of our own table, which nobody shares: that does nothing.
 */
static void
spawner_slots_init(void)
{
	int	 p[2], i;

	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("%s: pipe2", __func__);
	close(p[1]);
	spawner_placeholder = p[0];
	for (i = 0; i < 2; i++)
		if ((spawner_slot[i] = fcntl(p[0], F_DUPFD_CLOEXEC,
		    SPAWNER_FIRSTFD)) == -1)
			fatal("%s: fcntl", __func__);
	spawner_slot_end = (spawner_slot[0] > spawner_slot[1] ?
	    spawner_slot[0] : spawner_slot[1]) + 1;
	spawner_unshare = close_range(~0U, ~0U, CLOSE_RANGE_UNSHARE) == 0;
	if (!spawner_unshare)
		log_debug("%s: close_range: %s; children copy our whole fd "
		    "table", __func__, strerror(errno));
}

/* The connection and the events into the slots; -1 leaves them empty. */
static int
spawner_slots_fill(int conn, int evfd)
{
	if (dup3(conn, spawner_slot[0], O_CLOEXEC) == -1)
		return (-1);
	if (dup3(evfd, spawner_slot[1], O_CLOEXEC) == -1) {
		spawner_slots_clear();
		return (-1);
	}
	return (0);
}

/*
 * Back to the placeholder.  A slot we could not empty would keep the
 * program's end of its connection open here, and its session would
 * never see the end: better to stop.
 */
static void
spawner_slots_clear(void)
{
	int	 i;

	for (i = 0; i < 2; i++)
		if (dup3(spawner_placeholder, spawner_slot[i],
		    O_CLOEXEC) == -1)
			fatal("%s: dup3", __func__);
}

/*
 * Fewer programs run than we have CPUs.  The payload analyser is not
 * counted: it waits for input nearly all the time.  A program that has
 * exited but waits for us to reap it would be, and sequential clients
 * come back before we do: at the border we reap first.
 */
static int
spawner_quiet(void)
{
	if (sessions_live - analysers_live == (size_t)spawner_ncpus)
		spawner_sigchld(SIGCHLD, 0, NULL);
	return (sessions_live - analysers_live < (size_t)spawner_ncpus);
}

/*
 * While fewer programs run than we have CPUs, the next one starts on the
 * CPU we run on.  The kernel would start it on the idlest CPU, which is
 * then an idle one: waking that CPU costs an interrupt (and an exit to
 * the hypervisor in a VM), its caches are cold, and we wait all the while,
 * as the child runs in our memory until its exec; the program then runs
 * there too, away from the superserver it talks to.  On a quiet sensor
 * that made each connection a fifth slower.  With as many programs as
 * CPUs the kernel's choice stands, and spreads them.  The child takes our
 * whole set back first thing, so no program stays tied to one CPU.
 */
static void
spawner_cpu_narrow(void)
{
	cpu_set_t	 one;
	int		 cpu;

	/* Still narrowed, if widening failed: the children widen. */
	if (spawner_narrowed)
		return;
	/* Read again: the operator may have changed it since. */
	if (sched_getaffinity(0, sizeof(spawner_cpus), &spawner_cpus) == -1)
		return;
	spawner_ncpus = CPU_COUNT(&spawner_cpus);
	if (spawner_ncpus < 2 || !spawner_quiet() ||
	    (cpu = sched_getcpu()) == -1 || !CPU_ISSET(cpu, &spawner_cpus))
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) == 0)
		spawner_narrowed = 1;
}

/* Back to our own set; failing that, the children still take it back. */
static void
spawner_cpu_widen(void)
{
	if (!spawner_narrowed)
		return;
	if (sched_setaffinity(0, sizeof(spawner_cpus), &spawner_cpus) == -1) {
		log_warn("%s: sched_setaffinity", __func__);
		return;
	}
	spawner_narrowed = 0;
}

/*
 * While fewer programs run than we have CPUs, our wake-ups do not take
 * the CPU from whoever runs there (SCHED_BATCH): what we do then, answer
 * the superserver and reap, can wait for the next free moment, and
 * whatever runs, the program the client waits on most of all, need not.
 * Sequential connections came about 5 % faster.  Under load we take our
 * turn as usual: with SCHED_BATCH throughout, the CPUs went idle for 2.5
 * to 4.5 % of the time and 32 connections in flight came 5 to 10 %
 * slower (bench/RESULTS.md).
 * Children would inherit the policy; each program sets the usual one.
 */
static void
spawner_sched(int quiet)
{
	struct sched_param	 param;

	if (quiet == spawner_batch || spawner_sched_failed)
		return;
	memset(&param, 0, sizeof(param));
	if (sched_setscheduler(0, quiet ? SCHED_BATCH : SCHED_OTHER,
	    &param) == -1) {
		log_warn("%s: sched_setscheduler, no longer tried", __func__);
		spawner_sched_failed = 1;
		return;
	}
	spawner_batch = quiet;
}

/*
 * Our hard limits, read once: the children read them at every spawn
 * otherwise, in the vfork the spawner waits for.
 */
static void
spawner_note_hard(void)
{
	struct rlimit	 rl;
	int		 r;

	for (r = 0; r < RLIM_NLIMITS; r++) {
		if (getrlimit(r, &rl) == -1)
			fatal("%s: getrlimit %d", __func__, r);
		spawner_hard[r] = rl.rlim_max;
	}
}

/*
 * Both limits at the configured value, or at the hard limit we were
 * given if that is lower: raising it needs a capability we do not hold,
 * and the tighter limit already does the job.  Should someone have
 * lowered our hard limit since we noted it, the current one is read.
 */
static int
spawner_rlimit(int resource, int64_t value)
{
	struct rlimit	 rl;
	rlim_t		 max = spawner_hard[resource];
	int		 try;

	if (value == 0)
		return (0);
	for (try = 0; try < 2; try++) {
		if (try == 1) {
			if (getrlimit(resource, &rl) == -1)
				return (-1);
			max = rl.rlim_max;
		}
		rl.rlim_cur = rl.rlim_max = (rlim_t)value;
		if (max != RLIM_INFINITY && rl.rlim_max > max)
			rl.rlim_cur = rl.rlim_max = max;
		if (setrlimit(resource, &rl) == 0)
			return (0);
		if (errno != EPERM)
			return (-1);
	}
	return (-1);
}

/* Trust but verify: the ids we asked for, one group, no capability. */
static int
spawner_verify(uid_t uid, gid_t gid, int changeids)
{
	struct __user_cap_header_struct	 hdr;
	struct __user_cap_data_struct	 data[2];
	uid_t				 ru, eu, su;
	gid_t				 rg, eg, sg, groups[2];
	int				 i;

	if (getresuid(&ru, &eu, &su) == -1 ||
	    getresgid(&rg, &eg, &sg) == -1)
		return (-1);
	if (ru != uid || eu != uid || su != uid ||
	    rg != gid || eg != gid || sg != gid)
		goto bad;
	if (changeids) {
		if (getgroups(2, groups) != 1 || groups[0] != gid)
			goto bad;
		if (uid != 0 && setresuid(0, 0, 0) != -1)
			goto bad;
	}
	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &hdr, data) == -1)
		return (-1);
	for (i = 0; i < 2; i++)
		if (data[i].effective != 0 || data[i].permitted != 0 ||
		    data[i].inheritable != 0)
			goto bad;
	return (0);
 bad:
	errno = EPERM;
	return (-1);
}

/* Whether we may set a program's uid, gid and groups. */
static int
spawner_can_setids(void)
{
	struct __user_cap_header_struct	 hdr;
	struct __user_cap_data_struct	 data[2];

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &hdr, data) == -1)
		fatal("%s: capget", __func__);
	return ((data[0].effective & (1U << CAP_SETUID)) != 0 &&
	    (data[0].effective & (1U << CAP_SETGID)) != 0);
}

static void
spawner_reply(uint32_t type, uint64_t session, pid_t pid, int err,
    int status, int fd)
{
	struct spawn_reply	 sr;

	memset(&sr, 0, sizeof(sr));
	sr.sr_session = session;
	sr.sr_pid = pid;
	sr.sr_errno = err;
	sr.sr_status = status;
	/* An exit only spares the superserver a kill request: it can wait. */
	if (type == IMSG_SPAWN_EXIT && fd == -1) {
		if (imsgev_compose_later(&iev_ss, type, 0, 0, &sr,
		    sizeof(sr)) == -1)
			fatal("%s: compose", __func__);
	} else if (imsgev_compose(&iev_ss, type, 0, 0, fd, &sr,
	    sizeof(sr)) == -1)
		fatal("%s: compose", __func__);
}

/*
 * Reap every program that ended.  waitid(WNOWAIT) looks first and leaves
 * the zombie in place: while it exists its pid, and so its process group
 * id, cannot be reused, and the group kill that ends its stragglers can
 * hit nothing else.  Only then is it reaped and reported.
 */
static void
spawner_sigchld(int sig, short event, void *arg)
{
	struct spawner_session	*ses;
	siginfo_t		 si;
	pid_t			 pid;
	int			 status;

	(void)sig;
	(void)event;
	(void)arg;
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			fatal("%s: waitid", __func__);
		}
		if ((pid = si.si_pid) == 0)
			break;
		if ((ses = spawner_session_bypid(pid)) != NULL)
			spawner_killgroup(pid);
		while (waitpid(pid, &status, 0) == -1)
			if (errno != EINTR)
				fatal("%s: waitpid %d", __func__, (int)pid);
		if (ses == NULL) {
			log_warnx("%s: reaped pid %d, not a session", __func__,
			    (int)pid);
			continue;
		}
		log_debug("session %016" PRIx64 ": pid %d ended, status %#x",
		    ses->ses_id, (int)pid, (unsigned)status);
		spawner_reply(IMSG_SPAWN_EXIT, ses->ses_id, pid, 0, status,
		    -1);
		spawner_session_free(ses);
	}
}

/* The wall clock ran out: the reaper reports the exit as for any other. */
static void
spawner_timeout(int fd, short event, void *arg)
{
	struct spawner_session	*ses = arg;

	(void)fd;
	(void)event;
	ses->ses_timed = 0;
	log_info("session %016" PRIx64 ": time limit reached, killing pid %d",
	    ses->ses_id, (int)ses->ses_pid);
	spawner_killgroup(ses->ses_pid);
}

static void
spawner_killgroup(pid_t pid)
{
	/* ESRCH: the group is already empty. */
	if (kill(-pid, SIGKILL) == -1 && errno != ESRCH)
		log_warn("%s: kill -%d", __func__, (int)pid);
}

static void
spawner_killall(void)
{
	struct spawner_session	*ses;

	TAILQ_FOREACH(ses, &sessions, ses_entry)
		spawner_killgroup(ses->ses_pid);
}

static void
spawner_session_free(struct spawner_session *ses)
{
	if (ses->ses_timed)
		evtimer_del(&ses->ses_timer);
	TAILQ_REMOVE(&sessions, ses, ses_entry);
	sessions_live--;
	if (ses->ses_service == HS_DETECT_SERVICE)
		analysers_live--;
	free(ses);
}

static struct spawner_session *
spawner_session_byid(uint64_t id)
{
	struct spawner_session	*ses;

	TAILQ_FOREACH(ses, &sessions, ses_entry)
		if (ses->ses_id == id)
			return (ses);
	return (NULL);
}

static struct spawner_session *
spawner_session_bypid(pid_t pid)
{
	struct spawner_session	*ses;

	TAILQ_FOREACH(ses, &sessions, ses_entry)
		if (ses->ses_pid == pid)
			return (ses);
	return (NULL);
}
