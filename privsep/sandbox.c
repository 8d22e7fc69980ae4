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

/* One seccomp allowlist per process; anything not listed kills the process. */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/if_packet.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "sandbox_program.h"

/*
 * What every process's event loop needs: channel I/O, libevent's epoll,
 * time, memory without ever making it executable, and a clean exit.
 */
static const int base_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(close),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
	SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep),
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(restart_syscall),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getuid),
	SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
	SCMP_SYS(getresuid), SCMP_SYS(getresgid), SCMP_SYS(capget),
	SCMP_SYS(futex), SCMP_SYS(getrandom), SCMP_SYS(sched_yield),
	SCMP_SYS(fcntl),
	/* abort(3) signals itself; it is how a failed assertion ends. */
	SCMP_SYS(tgkill),
};

/*
 * Probes that libc may make on its own (locale, time zone, nss) fail
 * softly instead of killing the process; the jail has nothing to find.
 */
static const int soft_syscalls[] = {
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(stat), SCMP_SYS(lstat),
	SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(access),
	SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(readlink),
};

/*
 * The parent: control clients, reaping and signalling children, reading
 * the configuration again on SIGHUP, the event log and syslog.
 */
static const int parent_syscalls[] = {
	SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(getsockopt),
	SCMP_SYS(connect), SCMP_SYS(sendto), SCMP_SYS(shutdown),
	SCMP_SYS(wait4), SCMP_SYS(waitid), SCMP_SYS(kill),
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(stat), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(lseek),
	SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rt_sigaction),
	SCMP_SYS(getdents64), SCMP_SYS(umask),
	/* artifacts: written, synced, renamed to their digest */
	SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(renameat2),
	SCMP_SYS(fdatasync), SCMP_SYS(fsync),
	/* the spool (sensor) and SQLite's store with its WAL (master) */
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(ftruncate),
	SCMP_SYS(fallocate), SCMP_SYS(lstat), SCMP_SYS(readlink),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	SCMP_SYS(getcwd), SCMP_SYS(fchown), SCMP_SYS(fchmod), SCMP_SYS(flock),
	/* the rpc child's control connection */
	SCMP_SYS(socketpair),
};

/*
 * The rpc child: a sensor connects to its master, a master accepts its
 * peers (it bound its port before the jail); TLS needs no more.
 */
static const int rpc_syscalls[] = {
	SCMP_SYS(connect), SCMP_SYS(accept), SCMP_SYS(accept4),
	SCMP_SYS(setsockopt), SCMP_SYS(getsockopt), SCMP_SYS(getpeername),
	SCMP_SYS(getsockname), SCMP_SYS(shutdown), SCMP_SYS(recvfrom),
	SCMP_SYS(sendto),
};

/*
 * web: connections on the socket bound before the jail, and its link to
 * the rpc child; it opens nothing.  lseek(2): as the outputs', for the
 * location database's stream at exit.
 */
static const int web_syscalls[] = {
	SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockopt), SCMP_SYS(getpeername), SCMP_SYS(getsockname),
	SCMP_SYS(shutdown), SCMP_SYS(recvfrom), SCMP_SYS(sendto),
	SCMP_SYS(lseek),
};

/* The binder: sockets for the allowed services, nothing else. */
static const int binder_syscalls[] = {
	SCMP_SYS(setsockopt), SCMP_SYS(bind), SCMP_SYS(listen),
};

/*
 * The superserver: accept, relay, socketpairs for programs; in user mode
 * it binds its own listeners, which needs no privilege below 1024 anyway.
 */
static const int superserver_syscalls[] = {
	SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(socketpair),
	SCMP_SYS(setsockopt), SCMP_SYS(getsockopt), SCMP_SYS(bind),
	SCMP_SYS(listen), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(shutdown), SCMP_SYS(recvfrom), SCMP_SYS(sendto),
};

/*
 * The capture child, past its set-up: the pcap handle's poll and reads
 * (the ring is mapped already), a new filter (libpcap drains the socket
 * with recvfrom(2) when it swaps one) and its counters.  A rule that names
 * a host has libc's resolver ask uname(2) for our own name.
 */
static const int capture_syscalls[] = {
	SCMP_SYS(recvfrom), SCMP_SYS(uname),
	/* libpcap asks which interface when its handle's went away */
	SCMP_SYS(getsockname),
};

/*
 * netctl: rtnetlink through libnl and nfnetlink through libnftables on
 * sockets opened before the jail (libnftables sizes its socket's buffers
 * and waits for replies with pselect6), and the frames that announce a
 * new host on the packet and ICMPv6 sockets.
 */
static const int netctl_syscalls[] = {
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(select),
	SCMP_SYS(pselect6), SCMP_SYS(getsockname),
};

/* persona: its queue and the nftables socket, both netlink. */
static const int persona_syscalls[] = {
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(getsockname),
};

/*
 * A file output: new files, rotation and syncs in the directory it opened
 * before the jail.
 */
static const int outfile_syscalls[] = {
	SCMP_SYS(openat), SCMP_SYS(renameat), SCMP_SYS(renameat2),
	SCMP_SYS(unlinkat), SCMP_SYS(fdatasync), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(lseek),
};

/*
 * The syslog, NATS and webhook outputs: TCP (TLS) or UDP clients to the
 * addresses they resolved before the jail; libevent hands an address to
 * getaddrinfo(3), which takes a numeric one without a look-up.  At exit,
 * stdio gives back what it read ahead of the location database's stream:
 * lseek(2).
 */
static const int outnet_syscalls[] = {
	SCMP_SYS(connect), SCMP_SYS(setsockopt), SCMP_SYS(getsockopt),
	SCMP_SYS(getpeername), SCMP_SYS(getsockname), SCMP_SYS(shutdown),
	SCMP_SYS(recvfrom), SCMP_SYS(sendto), SCMP_SYS(lseek),
};

/*
 * And the NATS output's: libnats's client threads and the pipe it wakes
 * them with.  clone(2) only for threads: see below.
 */
static const int outnats_syscalls[] = {
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(pipe2),
	SCMP_SYS(sched_getaffinity), SCMP_SYS(select), SCMP_SYS(pselect6),
};

static int	sandbox_installed;

static void	sandbox_allow(scmp_filter_ctx, const int *, size_t);
static void	sandbox_inet_sockets(scmp_filter_ctx);
static void	sandbox_capture(scmp_filter_ctx);
static void	sandbox_sndbuf(scmp_filter_ctx);
static void	sandbox_fionread(scmp_filter_ctx);
static void	sandbox_netctl(scmp_filter_ctx);
static void	sandbox_rule(scmp_filter_ctx, uint32_t, int, unsigned int,
		    const struct scmp_arg_cmp *);

#ifdef HS_SANDBOX_DEBUG
static void
sandbox_violation(int sig, siginfo_t *info, void *ctx)
{
	char	 msg[128];
	int	 len;

	(void)sig;
	(void)ctx;
	len = snprintf(msg, sizeof(msg), "sandbox: syscall %d not allowed\n",
	    info->si_syscall);
	/* Nothing else to do if it fails: we are leaving anyway. */
	if (len > 0 && write(STDERR_FILENO, msg, (size_t)len) == -1)
		_exit(2);
	_exit(1);
}
#endif

/* libseccomp's SCMP_A* macros leave fields out, which clang warns about. */
struct scmp_arg_cmp
sandbox_arg(unsigned int arg, enum scmp_compare op, uint64_t a, uint64_t b)
{
	struct scmp_arg_cmp	 cmp;

	memset(&cmp, 0, sizeof(cmp));
	cmp.arg = arg;
	cmp.op = op;
	cmp.datum_a = a;
	cmp.datum_b = b;
	return (cmp);
}

static void
sandbox_rule(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned int argc,
    const struct scmp_arg_cmp *argv)
{
	int	 r;

	if ((r = seccomp_rule_add_array(ctx, action, nr, argc, argv)) < 0)
		fatalx("%s: syscall %d: %s", __func__, nr, strerror(-r));
}

static void
sandbox_allow(scmp_filter_ctx ctx, const int *nrs, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		sandbox_rule(ctx, SCMP_ACT_ALLOW, nrs[i], 0, NULL);
}

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* socket(2) for IPv4 and IPv6 only: no raw, packet or netlink sockets. */
static void
sandbox_inet_sockets(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp	 cmp;

	cmp = sandbox_arg(0, SCMP_CMP_EQ, AF_INET, 0);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, &cmp);
	cmp = sandbox_arg(0, SCMP_CMP_EQ, AF_INET6, 0);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, &cmp);
}

/*
 * pcap_setfilter(3) attaches socket filters, pcap_stats(3) reads the
 * packet socket's counters and a failed read asks for the socket's error;
 * no other option may change.  Compiling a rule that names a host or a
 * service makes libc look for nscd and DNS: those sockets fail softly,
 * and the rule with them, with pcap's own message.
 */
static void
sandbox_capture(scmp_filter_ctx ctx)
{
	static const int	 setopts[] = { SO_ATTACH_FILTER,
				    SO_DETACH_FILTER };
	struct scmp_arg_cmp	 cmp[2];
	size_t			 i;

	for (i = 0; i < NITEMS(setopts); i++) {
		cmp[0] = sandbox_arg(1, SCMP_CMP_EQ, SOL_SOCKET, 0);
		cmp[1] = sandbox_arg(2, SCMP_CMP_EQ, (uint64_t)setopts[i], 0);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setsockopt), 2,
		    cmp);
	}
	cmp[0] = sandbox_arg(1, SCMP_CMP_EQ, SOL_PACKET, 0);
	cmp[1] = sandbox_arg(2, SCMP_CMP_EQ, PACKET_STATISTICS, 0);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getsockopt), 2, cmp);
	cmp[0] = sandbox_arg(1, SCMP_CMP_EQ, SOL_SOCKET, 0);
	cmp[1] = sandbox_arg(2, SCMP_CMP_EQ, SO_ERROR, 0);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getsockopt), 2, cmp);
	sandbox_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 0, NULL);
}

/* libnftables reads and grows its netlink socket's buffers; no more. */
static void
sandbox_netctl(scmp_filter_ctx ctx)
{
	static const int	 opts[] = { SO_SNDBUF, SO_RCVBUF,
				    SO_SNDBUFFORCE, SO_RCVBUFFORCE };
	struct scmp_arg_cmp	 cmp[2];
	size_t			 i;

	for (i = 0; i < NITEMS(opts); i++) {
		cmp[0] = sandbox_arg(1, SCMP_CMP_EQ, SOL_SOCKET, 0);
		cmp[1] = sandbox_arg(2, SCMP_CMP_EQ, (uint64_t)opts[i], 0);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setsockopt), 2,
		    cmp);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getsockopt), 2,
		    cmp);
	}
}

/* libevent sizes its reads with ioctl(2) FIONREAD; no other ioctl. */
static void
sandbox_fionread(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp	 cmp;

	cmp = sandbox_arg(1, SCMP_CMP_EQ, FIONREAD, 0);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, &cmp);
}

/* setsockopt(2) for SO_SNDBUF and SO_SNDBUFFORCE only. */
static void
sandbox_sndbuf(scmp_filter_ctx ctx)
{
	static const int	 opts[] = { SO_SNDBUF, SO_SNDBUFFORCE };
	struct scmp_arg_cmp	 cmp[2];
	size_t			 i;

	for (i = 0; i < NITEMS(opts); i++) {
		cmp[0] = sandbox_arg(1, SCMP_CMP_EQ, SOL_SOCKET, 0);
		cmp[1] = sandbox_arg(2, SCMP_CMP_EQ, (uint64_t)opts[i], 0);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setsockopt), 2,
		    cmp);
	}
}

/*
 * Install the table for this process.  Called last in set-up; failing to
 * install is fatal, because running unconfined is worse than not running.
 */
void
sandbox_install(enum proc_id id)
{
	scmp_filter_ctx		 ctx;
	struct scmp_arg_cmp	 noexec;
	struct scmp_arg_cmp	 unixonly;
	struct scmp_arg_cmp	 thread;
	uint32_t		 deflt = SCMP_ACT_KILL_PROCESS;
	size_t			 i;
	int			 r;

#ifdef HS_SANDBOX_DEBUG
	struct sigaction	 sa;
#endif

	/*
	 * Service programs inherit the spawner's filter, so its table is
	 * theirs: a list of what no service needs, in sandbox_program.c.
	 */
	if (id == PROC_SPAWNER) {
		sandbox_install_program();
		sandbox_installed = 1;
		return;
	}
#ifdef HS_SANDBOX_DEBUG
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_violation;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		fatal("%s: sigaction", __func__);
	deflt = SCMP_ACT_TRAP;
#endif
	if ((ctx = seccomp_init(deflt)) == NULL)
		fatalx("%s: seccomp_init failed", __func__);
	/* Threads a library started already get the table too. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) != 0)
		fatalx("%s: seccomp_attr_set TSYNC failed", __func__);

	sandbox_allow(ctx, base_syscalls, NITEMS(base_syscalls));
	/* Memory may be mapped or changed, never made executable. */
	noexec = sandbox_arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, &noexec);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, &noexec);

	switch (id) {
	case PROC_BINDER:
		sandbox_allow(ctx, binder_syscalls, NITEMS(binder_syscalls));
		sandbox_inet_sockets(ctx);
		break;
	case PROC_SUPERSERVER:
		sandbox_allow(ctx, superserver_syscalls,
		    NITEMS(superserver_syscalls));
		sandbox_inet_sockets(ctx);
		sandbox_fionread(ctx);
		break;
	case PROC_CAPTURE:
		sandbox_allow(ctx, capture_syscalls, NITEMS(capture_syscalls));
		sandbox_capture(ctx);
		break;
	case PROC_RPC:
		sandbox_allow(ctx, rpc_syscalls, NITEMS(rpc_syscalls));
		sandbox_inet_sockets(ctx);
		sandbox_fionread(ctx);
		break;
	case PROC_WEB:
		sandbox_allow(ctx, web_syscalls, NITEMS(web_syscalls));
		sandbox_fionread(ctx);
		break;
	case PROC_NETCTL:
		sandbox_allow(ctx, netctl_syscalls, NITEMS(netctl_syscalls));
		sandbox_netctl(ctx);
		break;
	case PROC_PERSONA:
		sandbox_allow(ctx, persona_syscalls, NITEMS(persona_syscalls));
		break;
	case PROC_OUTFILE:
		sandbox_allow(ctx, outfile_syscalls, NITEMS(outfile_syscalls));
		/* With enrich.rdns, every output asks a nameserver. */
		sandbox_allow(ctx, outnet_syscalls, NITEMS(outnet_syscalls));
		sandbox_inet_sockets(ctx);
		break;
	case PROC_OUTNATS:
		sandbox_allow(ctx, outnats_syscalls, NITEMS(outnats_syscalls));
		/* Threads, never a new process; clone3 hides its flags. */
		thread = sandbox_arg(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD,
		    CLONE_THREAD);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, &thread);
		sandbox_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0,
		    NULL);
		/* FALLTHROUGH */
	case PROC_OUTSYSLOG:
	case PROC_OUTWEBHOOK:
		sandbox_allow(ctx, outnet_syscalls, NITEMS(outnet_syscalls));
		sandbox_inet_sockets(ctx);
		sandbox_fionread(ctx);
		break;
	case PROC_PARENT:
		sandbox_allow(ctx, parent_syscalls, NITEMS(parent_syscalls));
		/*
		 * syslog(3) reconnects to /dev/log and sd_notify(3) tells
		 * systemd we are ready, enlarging its socket's send buffer;
		 * nothing else.
		 */
		unixonly = sandbox_arg(0, SCMP_CMP_EQ, AF_UNIX, 0);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
		    &unixonly);
		sandbox_sndbuf(ctx);
		break;
	default:
		break;
	}
	if (id != PROC_PARENT)
		for (i = 0; i < NITEMS(soft_syscalls); i++) {
			/* the file output may open, in its directory */
			if (id == PROC_OUTFILE &&
			    (soft_syscalls[i] == SCMP_SYS(openat) ||
			    soft_syscalls[i] == SCMP_SYS(newfstatat)))
				continue;
			sandbox_rule(ctx, SCMP_ACT_ERRNO(EACCES),
			    soft_syscalls[i], 0, NULL);
		}

	if ((r = seccomp_load(ctx)) < 0)
		fatalx("%s: seccomp_load: %s", __func__, strerror(-r));
	seccomp_release(ctx);
	sandbox_installed = 1;
}

/* As /proc/PID/status says: 0 none, 2 filter. */
int
sandbox_state(void)
{
	return (sandbox_installed ? 2 : 0);
}
