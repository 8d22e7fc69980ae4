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

/* Unit tests for superserver/spawn_env.c: honeyd substitution, environment. */

#include <sys/types.h>

#include <netinet/in.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "proto.h"
#include "superserver/spawn_env.h"

/* 2026-03-04 05:06:07 UTC */
#define NOW	((time_t)1772600767)

static void	sample(struct service_msg *, struct spawn_msg *, int);
static void	set_args(struct service_msg *, const char *const *, int);

static void
set_args(struct service_msg *sv, const char *const *args, int n)
{
	size_t	 off = 0, len;
	int	 i;

	memset(sv->sv_args, 0, sizeof(sv->sv_args));
	for (i = 0; i < n; i++) {
		len = strlen(args[i]) + 1;
		assert_true(off + len <= sizeof(sv->sv_args));
		memcpy(sv->sv_args + off, args[i], len);
		off += len;
	}
	sv->sv_nargs = n;
}

static void
sample(struct service_msg *sv, struct spawn_msg *sp, int v6)
{
	memset(sv, 0, sizeof(*sv));
	memset(sp, 0, sizeof(*sp));
	sv->sv_id = 7;
	sv->sv_af = v6 ? AF_INET6 : AF_INET;
	sv->sv_proto = v6 ? IPPROTO_UDP : IPPROTO_TCP;
	sv->sv_port = v6 ? 53 : 23;
	(void)strcpy(sv->sv_name, v6 ? "dns" : "telnet");
	(void)strcpy(sv->sv_program, "/usr/lib/honeyspy/telnet");
	(void)strcpy(sv->sv_directory, "/var/lib/honeyspy/telnet");
	if (!v6)
		(void)strcpy(sv->sv_personality, "Linux 2.6.11 - 2.6.20");
	sp->sp_session = v6 ? UINT64_C(0xdeadbeef0001) : 42;
	sp->sp_service = 7;
	sp->sp_proto = sv->sv_proto;
	(void)strcpy(sp->sp_src, v6 ? "2001:db8::66" : "198.51.100.66");
	(void)strcpy(sp->sp_dst, v6 ? "2001:db8::10" : "198.51.100.10");
	sp->sp_sport = v6 ? 5353 : 40000;
	sp->sp_dport = sv->sv_port;
	if (v6)
		(void)strcpy(sp->sp_remote_os, "Windows XP SP1+, 2000 SP3");
}

static void
test_subst_each(void **state)
{
	struct service_msg	 sv;
	struct spawn_msg	 sp;
	char			 out[256];
	const struct {
		const char	*in, *want;
	} cases[] = {
		{ "$ipsrc", "198.51.100.66" },
		{ "$ipdst", "198.51.100.10" },
		{ "$sport", "40000" },
		{ "$dport", "23" },
		{ "$date", "2026-03-04" },
		{ "", "" },
		{ "plain", "plain" },
	};
	size_t			 i;

	(void)state;
	sample(&sv, &sp, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(spawn_subst(cases[i].in, &sp, NOW, out,
		    sizeof(out)), 0);
		assert_string_equal(out, cases[i].want);
	}
}

static void
test_subst_mixed(void **state)
{
	struct service_msg	 sv;
	struct spawn_msg	 sp;
	char			 out[256];

	(void)state;
	sample(&sv, &sp, 1);
	assert_int_equal(spawn_subst("$ipsrc:$sport->[$ipdst]:$dport", &sp,
	    NOW, out, sizeof(out)), 0);
	assert_string_equal(out, "2001:db8::66:5353->[2001:db8::10]:53");
	assert_int_equal(spawn_subst("log-$date.txt", &sp, NOW, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "log-2026-03-04.txt");
	/* honeyd matches a prefix; the rest of the word stays. */
	assert_int_equal(spawn_subst("$sportX$dport", &sp, NOW, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "5353X53");
	/* Unknown words, a lone '$' and a trailing '$' are left alone. */
	assert_int_equal(spawn_subst("$HOME $ip $ $dat $", &sp, NOW, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "$HOME $ip $ $dat $");
	assert_int_equal(spawn_subst("$$ipsrc", &sp, NOW, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "$2001:db8::66");
}

static void
test_subst_truncation(void **state)
{
	struct service_msg	 sv;
	struct spawn_msg	 sp;
	char			 out[14];

	(void)state;
	sample(&sv, &sp, 0);
	/* "198.51.100.66" is 13 bytes: fits exactly with its NUL. */
	assert_int_equal(spawn_subst("$ipsrc", &sp, NOW, out, sizeof(out)),
	    0);
	assert_string_equal(out, "198.51.100.66");
	errno = 0;
	assert_int_equal(spawn_subst("$ipsrc.", &sp, NOW, out, sizeof(out)),
	    -1);
	assert_int_equal(errno, E2BIG);
	errno = 0;
	assert_int_equal(spawn_subst("x", &sp, NOW, out, 0), -1);
	assert_int_equal(errno, E2BIG);
	assert_int_equal(spawn_subst("", &sp, NOW, out, 1), 0);
	assert_int_equal(spawn_subst("x", &sp, NOW, out, 1), -1);
	/* A peer's unterminated or out-of-range field is refused. */
	memset(sp.sp_src, 'A', sizeof(sp.sp_src));
	errno = 0;
	assert_int_equal(spawn_subst("x", &sp, NOW, out, sizeof(out)), -1);
	assert_int_equal(errno, EINVAL);
	sample(&sv, &sp, 0);
	sp.sp_dport = 65536;
	assert_int_equal(spawn_subst("x", &sp, NOW, out, sizeof(out)), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_argv(void **state)
{
	struct service_msg	 sv;
	struct spawn_msg	 sp;
	struct spawn_argv	*sa;
	const char *const	 args[] = { "-s", "$ipsrc", "--port=$dport",
				    "", "$date" };

	(void)state;
	assert_non_null(sa = calloc(1, sizeof(*sa)));
	sample(&sv, &sp, 0);
	set_args(&sv, args, 5);
	assert_int_equal(spawn_argv_build(sa, &sv, &sp, NOW), 0);
	assert_int_equal(sa->sa_argc, 6);
	assert_string_equal(sa->sa_argv[0], "/usr/lib/honeyspy/telnet");
	assert_string_equal(sa->sa_argv[1], "-s");
	assert_string_equal(sa->sa_argv[2], "198.51.100.66");
	assert_string_equal(sa->sa_argv[3], "--port=23");
	assert_string_equal(sa->sa_argv[4], "");
	assert_string_equal(sa->sa_argv[5], "2026-03-04");
	assert_null(sa->sa_argv[6]);

	/* No arguments at all. */
	sv.sv_nargs = 0;
	assert_int_equal(spawn_argv_build(sa, &sv, &sp, NOW), 0);
	assert_int_equal(sa->sa_argc, 1);
	assert_null(sa->sa_argv[1]);

	/* More strings claimed than sv_args holds. */
	set_args(&sv, args, 2);
	memset(sv.sv_args + 10, 'x', sizeof(sv.sv_args) - 10);
	sv.sv_nargs = 3;
	errno = 0;
	assert_int_equal(spawn_argv_build(sa, &sv, &sp, NOW), -1);
	assert_int_equal(errno, EINVAL);
	sv.sv_nargs = HS_MAXARGS + 1;
	assert_int_equal(spawn_argv_build(sa, &sv, &sp, NOW), -1);
	sv.sv_nargs = -1;
	assert_int_equal(spawn_argv_build(sa, &sv, &sp, NOW), -1);
	free(sa);
}

static void
test_argv_truncation(void **state)
{
	struct service_msg	 sv;
	struct spawn_msg	 sp;
	struct spawn_argv	*sa;
	size_t			 off;
	int			 i;

	(void)state;
	assert_non_null(sa = calloc(1, sizeof(*sa)));
	sample(&sv, &sp, 1);
	(void)strcpy(sp.sp_src,
	    "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
	/*
	 * A program path of PATH_MAX - 1 bytes, then HS_MAXARGS arguments of
	 * five "$ipsrc" each: every 6-byte name becomes 45 bytes, more than
	 * the room left after the path.
	 */
	memset(sv.sv_program, 'p', sizeof(sv.sv_program) - 1);
	sv.sv_program[0] = '/';
	sv.sv_program[sizeof(sv.sv_program) - 1] = '\0';
	memset(sv.sv_args, 0, sizeof(sv.sv_args));
	for (i = 0, off = 0; i < HS_MAXARGS; i++, off += 31)
		memcpy(sv.sv_args + off, "$ipsrc$ipsrc$ipsrc$ipsrc$ipsrc", 30);
	sv.sv_nargs = HS_MAXARGS;
	errno = 0;
	assert_int_equal(spawn_argv_build(sa, &sv, &sp, NOW), -1);
	assert_int_equal(errno, E2BIG);
	/* With a short path the same arguments fit. */
	(void)strcpy(sv.sv_program, "/bin/echo");
	assert_int_equal(spawn_argv_build(sa, &sv, &sp, NOW), 0);
	assert_int_equal(sa->sa_argc, HS_MAXARGS + 1);
	assert_int_equal(strlen(sa->sa_argv[HS_MAXARGS]), 5 * 45);
	/* The longest path alone fits; one without a NUL does not. */
	memset(sv.sv_program, 'p', sizeof(sv.sv_program) - 1);
	sv.sv_program[0] = '/';
	sv.sv_nargs = 0;
	assert_int_equal(spawn_argv_build(sa, &sv, &sp, NOW), 0);
	sv.sv_program[sizeof(sv.sv_program) - 1] = 'p';
	errno = 0;
	assert_int_equal(spawn_argv_build(sa, &sv, &sp, NOW), -1);
	assert_int_equal(errno, EINVAL);
	free(sa);
}

static void
check_env(const struct spawn_envp *se, const char *const *want, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && i < se->se_envc; i++)
		assert_string_equal(se->se_envp[i], want[i]);
	assert_int_equal(se->se_envc, n);
	assert_null(se->se_envp[n]);
}

static void
test_env_ipv4(void **state)
{
	struct service_msg	 sv;
	struct spawn_msg	 sp;
	struct spawn_envp	*se;
	const char *const	 want[] = {
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME=/var/lib/honeyspy/telnet",
		"LANG=C",
		"SHELL=/bin/sh",
		"HONEYD_IP_SRC=198.51.100.66",
		"HONEYD_SRC_PORT=40000",
		"HONEYD_IP_DST=198.51.100.10",
		"HONEYD_DST_PORT=23",
		"HONEYD_PERSONALITY=Linux 2.6.11 - 2.6.20",
		"HONEYD_TEMPLATE_NAME=Linux 2.6.11 - 2.6.20",
		"HONEYD_INTERFACE=honeyspy",
		"HONEYD_HOME=/var/lib/honeyspy/telnet",
		"HONEYSPY_EVENT_FD=2",
		"HONEYSPY_SRC_IP=198.51.100.66",
		"HONEYSPY_SRC_PORT=40000",
		"HONEYSPY_DST_IP=198.51.100.10",
		"HONEYSPY_DST_PORT=23",
		"HONEYSPY_PROTO=tcp",
		"HONEYSPY_SESSION=000000000000002a",
		"HONEYSPY_SERVICE=telnet",
		"HONEYSPY_PERSONALITY=Linux 2.6.11 - 2.6.20",
	};
	size_t			 i;

	(void)state;
	assert_non_null(se = calloc(1, sizeof(*se)));
	sample(&sv, &sp, 0);
	assert_int_equal(spawn_envp_build(se, &sv, &sp), 0);
	check_env(se, want, sizeof(want) / sizeof(want[0]));
	/* The remote OS is unknown here: neither variable may appear. */
	for (i = 0; i < se->se_envc; i++)
		assert_null(strstr(se->se_envp[i], "REMOTE_OS"));
	free(se);
}

static void
test_env_ipv6(void **state)
{
	struct service_msg	 sv;
	struct spawn_msg	 sp;
	struct spawn_envp	*se;
	const char *const	 want[] = {
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME=/var/lib/honeyspy/telnet",
		"LANG=C",
		"SHELL=/bin/sh",
		"HONEYD_IP_SRC=2001:db8::66",
		"HONEYD_SRC_PORT=5353",
		"HONEYD_IP_DST=2001:db8::10",
		"HONEYD_DST_PORT=53",
		"HONEYD_PERSONALITY=",
		"HONEYD_TEMPLATE_NAME=2001:db8::10",
		"HONEYD_INTERFACE=honeyspy",
		"HONEYD_HOME=/var/lib/honeyspy/telnet",
		"HONEYD_REMOTE_OS=Windows XP SP1+, 2000 SP3",
		"HONEYSPY_EVENT_FD=2",
		"HONEYSPY_SRC_IP=2001:db8::66",
		"HONEYSPY_SRC_PORT=5353",
		"HONEYSPY_DST_IP=2001:db8::10",
		"HONEYSPY_DST_PORT=53",
		"HONEYSPY_PROTO=udp",
		"HONEYSPY_SESSION=0000deadbeef0001",
		"HONEYSPY_SERVICE=dns",
		"HONEYSPY_PERSONALITY=",
		"HONEYSPY_REMOTE_OS=Windows XP SP1+, 2000 SP3",
	};

	(void)state;
	assert_non_null(se = calloc(1, sizeof(*se)));
	sample(&sv, &sp, 1);
	assert_int_equal(spawn_envp_build(se, &sv, &sp), 0);
	check_env(se, want, sizeof(want) / sizeof(want[0]));
	free(se);
}

static void
test_env_errors(void **state)
{
	struct service_msg	 sv;
	struct spawn_msg	 sp;
	struct spawn_envp	*se;

	(void)state;
	assert_non_null(se = calloc(1, sizeof(*se)));

	/* Two full-length paths and everything else still fit. */
	sample(&sv, &sp, 1);
	memset(sv.sv_directory, 'd', sizeof(sv.sv_directory) - 1);
	sv.sv_directory[sizeof(sv.sv_directory) - 1] = '\0';
	memset(sv.sv_personality, 'q', sizeof(sv.sv_personality) - 1);
	memset(sp.sp_remote_os, 'r', sizeof(sp.sp_remote_os) - 1);
	assert_int_equal(spawn_envp_build(se, &sv, &sp), 0);

	sample(&sv, &sp, 0);
	sv.sv_directory[sizeof(sv.sv_directory) - 1] = 'x';
	memset(sv.sv_directory, 'd', sizeof(sv.sv_directory));
	errno = 0;
	assert_int_equal(spawn_envp_build(se, &sv, &sp), -1);
	assert_int_equal(errno, EINVAL);

	sample(&sv, &sp, 0);
	memset(sp.sp_remote_os, 'r', sizeof(sp.sp_remote_os));
	assert_int_equal(spawn_envp_build(se, &sv, &sp), -1);

	sample(&sv, &sp, 0);
	sp.sp_proto = IPPROTO_ICMP;
	errno = 0;
	assert_int_equal(spawn_envp_build(se, &sv, &sp), -1);
	assert_int_equal(errno, EINVAL);

	sample(&sv, &sp, 0);
	sp.sp_sport = -1;
	assert_int_equal(spawn_envp_build(se, &sv, &sp), -1);
	free(se);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subst_each),
		cmocka_unit_test(test_subst_mixed),
		cmocka_unit_test(test_subst_truncation),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_argv_truncation),
		cmocka_unit_test(test_env_ipv4),
		cmocka_unit_test(test_env_ipv6),
		cmocka_unit_test(test_env_errors),
	};

	return (cmocka_run_group_tests_name("spawn_env", tests, NULL, NULL));
}
