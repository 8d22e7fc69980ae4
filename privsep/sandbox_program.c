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

/* The seccomp deny-list of the spawner and of every service program. */

#include <sys/types.h>
#include <sys/socket.h>

#include <linux/sched.h>

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "sandbox_program.h"

/*
 * Service programs are whatever the operator configured: shells, perl,
 * python, small C servers.  No allowlist could hold them all, and a filter
 * is inherited across exec, so the spawner's table is a deny-list: every
 * program may do what an ordinary unprivileged process does, and dies on
 * the calls that only serve to attack the kernel or the rest of the host.
 * An attacker who owns a program is the case this table is for.
 *
 *  - ptrace, process_vm_*, pidfd_getfd, kcmp: reading or steering other
 *    processes; the programs of one service share a uid.
 *  - mount and the new mount API, pivot_root, unshare, setns, and clone
 *    with namespace flags (below): unprivileged user namespaces hand out
 *    CAP_SYS_ADMIN over a fresh namespace, the most used route to kernel
 *    bugs from an unprivileged process.
 *  - bpf, perf_event_open, userfaultfd, io_uring_*, keyctl and friends:
 *    large kernel interfaces with a long record of local exploits, and
 *    io_uring performs its operations where seccomp never sees them.
 *  - modules, kexec, reboot, swap, acct, quotactl, clock and time setting,
 *    iopl/ioperm, syslog, *_by_handle_at: administration that needs a
 *    capability the programs never hold; a call means someone is probing.
 *  - personality other than PER_LINUX or a query: READ_IMPLIES_EXEC and
 *    ADDR_NO_RANDOMIZE turn off protections for the next exec.
 *  - socket() for AF_PACKET and SOCK_RAW: raw wire access, which a fake
 *    service never needs.  AF_NETLINK fails with EACCES instead of
 *    killing: getaddrinfo(3) with AI_ADDRCONFIG and getifaddrs(3) probe
 *    it and cope without, and an open proxy resolves names that way.
 */
static const int program_kill[] = {
	SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev), SCMP_SYS(pidfd_getfd), SCMP_SYS(kcmp),
	SCMP_SYS(mount), SCMP_SYS(umount), SCMP_SYS(umount2),
	SCMP_SYS(pivot_root), SCMP_SYS(unshare), SCMP_SYS(setns),
	SCMP_SYS(fsopen), SCMP_SYS(fsconfig), SCMP_SYS(fsmount),
	SCMP_SYS(fspick), SCMP_SYS(move_mount), SCMP_SYS(open_tree),
	SCMP_SYS(mount_setattr),
	SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
	SCMP_SYS(init_module), SCMP_SYS(finit_module),
	SCMP_SYS(delete_module),
	SCMP_SYS(bpf), SCMP_SYS(perf_event_open), SCMP_SYS(userfaultfd),
	SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter),
	SCMP_SYS(io_uring_register),
	SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key),
	SCMP_SYS(swapon), SCMP_SYS(swapoff), SCMP_SYS(reboot), SCMP_SYS(acct),
	SCMP_SYS(quotactl), SCMP_SYS(quotactl_fd),
	SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at),
	SCMP_SYS(iopl), SCMP_SYS(ioperm), SCMP_SYS(syslog),
	SCMP_SYS(settimeofday), SCMP_SYS(stime), SCMP_SYS(clock_settime),
	SCMP_SYS(adjtimex), SCMP_SYS(clock_adjtime),
};

/* clone(2) flags that create a namespace; unshare(2) is killed outright. */
static const uint64_t clone_ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
};

/* The architectures pass clone(2)'s flags first, except s390. */
#if defined(__s390__) || defined(__s390x__)
#define CLONE_FLAGS_ARG		1
#else
#define CLONE_FLAGS_ARG		0
#endif

/* socket(2)'s type without SOCK_CLOEXEC and SOCK_NONBLOCK. */
#define SOCK_TYPE_MASK		0xf
#define LOW32			UINT64_C(0xffffffff)

static void	program_rule_action(scmp_filter_ctx, uint32_t, int, unsigned int,
		    const struct scmp_arg_cmp *);
static void	program_rule(scmp_filter_ctx, int, unsigned int,
		    const struct scmp_arg_cmp *);

static void
program_rule_action(scmp_filter_ctx ctx, uint32_t action, int nr,
    unsigned int argc, const struct scmp_arg_cmp *argv)
{
	int	 r;

	if ((r = seccomp_rule_add_array(ctx, action, nr, argc, argv)) < 0)
		fatalx("%s: syscall %d: %s", __func__, nr, strerror(-r));
}

static void
program_rule(scmp_filter_ctx ctx, int nr, unsigned int argc,
    const struct scmp_arg_cmp *argv)
{
	program_rule_action(ctx, SCMP_ACT_KILL_PROCESS, nr, argc, argv);
}

/*
 * Build and load the deny-list.  libseccomp starts the filter with an
 * architecture check, so a 32-bit or x32 syscall from a 64-bit process
 * (int 0x80, the x32 bit) cannot reach a different table that nothing
 * here lists; we make that check kill the process as well.  The kernel's
 * no_new_privs bit comes with the load, and failing to load is fatal:
 * running programs unconfined is worse than not running them.
 */
void
sandbox_install_program(void)
{
	scmp_filter_ctx		 ctx;
	struct scmp_arg_cmp	 cmp;
	size_t			 i;
	unsigned int		 bit;
	uint64_t		 pair;
	int			 r;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		fatalx("%s: seccomp_init failed", __func__);
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0)
		fatalx("%s: bad-arch action: %s", __func__, strerror(-r));
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1)) < 0)
		fatalx("%s: no_new_privs: %s", __func__, strerror(-r));

	for (i = 0; i < sizeof(program_kill) / sizeof(program_kill[0]); i++)
		program_rule(ctx, program_kill[i], 0, NULL);

	for (i = 0; i < sizeof(clone_ns_flags) / sizeof(clone_ns_flags[0]);
	    i++) {
		cmp = sandbox_arg(CLONE_FLAGS_ARG, SCMP_CMP_MASKED_EQ,
		    clone_ns_flags[i], clone_ns_flags[i]);
		program_rule(ctx, SCMP_SYS(clone), 1, &cmp);
	}
	/*
	 * clone3(2) passes its flags in memory, out of the filter's sight.
	 * ENOSYS makes libc fall back to clone(2), which we can inspect.
	 */
	if ((r = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(ENOSYS),
	    SCMP_SYS(clone3), 0, NULL)) < 0)
		fatalx("%s: clone3: %s", __func__, strerror(-r));

	/*
	 * personality(2) reads only the low 32 bits.  They are neither 0
	 * (PER_LINUX) nor 0xffffffff (a query) exactly when some bit is set
	 * and the next one, cyclically, is clear: one rule per position,
	 * because libseccomp takes a single comparison per argument.
	 */
	for (bit = 0; bit < 32; bit++) {
		pair = (UINT64_C(1) << bit) | (UINT64_C(1) << ((bit + 1) % 32));
		cmp = sandbox_arg(0, SCMP_CMP_MASKED_EQ, pair,
		    UINT64_C(1) << bit);
		program_rule(ctx, SCMP_SYS(personality), 1, &cmp);
	}

	/* socket(2): the kernel reads domain and type as 32-bit ints. */
	cmp = sandbox_arg(0, SCMP_CMP_MASKED_EQ, LOW32, AF_NETLINK);
	program_rule_action(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
	    &cmp);
	cmp = sandbox_arg(0, SCMP_CMP_MASKED_EQ, LOW32, AF_PACKET);
	program_rule(ctx, SCMP_SYS(socket), 1, &cmp);
	cmp = sandbox_arg(1, SCMP_CMP_MASKED_EQ, SOCK_TYPE_MASK, SOCK_RAW);
	program_rule(ctx, SCMP_SYS(socket), 1, &cmp);

	if ((r = seccomp_load(ctx)) < 0)
		fatalx("%s: seccomp_load: %s", __func__, strerror(-r));
	seccomp_release(ctx);
}
