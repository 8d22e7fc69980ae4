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

/* honeyspyctl: ask a running honeyspyd what it is doing, and tell it what to do. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <sys/mman.h>

#include <err.h>
#include <errno.h>
#include <readpassphrase.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"
#include "ctlmsg.h"
#include "passwd.h"
#include "remote.h"
#include "proto.h"
#include "service.h"
#include "util.h"

__dead static void	usage(void);
static int		ctl_connect(const char *);
static int		ctl_reply(struct imsgbuf *, const struct parse_result *,
			    int);
static void		 ctl_sandbox(void);
static int		 hash_password(const char *, int, char *[]);

__dead static void
usage(void)
{
	(void)fprintf(stderr,
	    "usage: honeyspyctl [-j] [-s socket] command [argument ...]\n"
	    "       honeyspyctl [-j] -m host[:port] -C ca -c cert -k key "
	    "[-p passfile]\n"
	    "                   [command [argument ...]]\n"
	    "       honeyspyctl [-p passfile] hash-password\n");
	exit(1);
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		errx(1, "socket path too long: %s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "connect %s", path);
	return (fd);
}

/*
 * Connected, nothing left to open: from here on we only talk to the
 * daemon and print, so that a reply crafted to exploit our parsing finds
 * no system call worth having.  Probes libc and jansson make on their
 * own (a random seed, a terminal check) fail softly.
 */
static void
ctl_sandbox(void)
{
	static const int	 allow[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev),
		SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(poll),
		SCMP_SYS(ppoll), SCMP_SYS(close), SCMP_SYS(fstat),
		SCMP_SYS(newfstatat), SCMP_SYS(brk), SCMP_SYS(munmap),
		SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(futex),
		SCMP_SYS(getrandom), SCMP_SYS(getpid), SCMP_SYS(gettid),
		SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
		SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
		SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(tgkill),
		SCMP_SYS(lseek),
	};
	static const int	 soft[] = {
		SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(ioctl),
		SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	};
	struct scmp_arg_cmp	 noexec;
	scmp_filter_ctx		 ctx;
	size_t			 i;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		errx(1, "seccomp_init failed");
	for (i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow[i], 0) < 0)
			errx(1, "seccomp_rule_add failed");
	for (i = 0; i < sizeof(soft) / sizeof(soft[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), soft[i],
		    0) < 0)
			errx(1, "seccomp_rule_add failed");
	/* Memory may be had, never made executable. */
	memset(&noexec, 0, sizeof(noexec));
	noexec.arg = 2;
	noexec.op = SCMP_CMP_MASKED_EQ;
	noexec.datum_a = PROT_EXEC;
	noexec.datum_b = 0;
	if (seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    &noexec) < 0 || seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW,
	    SCMP_SYS(mprotect), 1, &noexec) < 0)
		errx(1, "seccomp_rule_add failed");
	if (seccomp_load(ctx) < 0)
		errx(1, "seccomp_load failed");
	seccomp_release(ctx);
}

/*
 * A web console password's hash for the master's configuration, from a
 * file's first line or asked twice at the terminal.
 */
static int
hash_password(const char *passfile, int argc, char *argv[])
{
	char	 pw[1024], again[1024], hash[PASSWD_HASHLEN];
	char	 why[PATH_MAX + 64] = "";
	int	 ch, n;

	optind = 1;
	while ((ch = getopt(argc, argv, "p:")) != -1) {
		switch (ch) {
		case 'p':
			passfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (passfile != NULL) {
		if ((n = pw_file(passfile, pw, sizeof(pw), why,
		    sizeof(why))) == -1)
			errx(1, "%s", why);
		pw[n] = '\0';
	} else {
		if (readpassphrase("Password: ", pw, sizeof(pw),
		    RPP_REQUIRE_TTY) == NULL)
			err(1, "cannot ask for the password (use -p file)");
		if (readpassphrase("Again: ", again, sizeof(again),
		    RPP_REQUIRE_TTY) == NULL)
			err(1, "cannot ask for the password (use -p file)");
		n = strcmp(pw, again);
		explicit_bzero(again, sizeof(again));
		if (n != 0)
			errx(1, "the passwords differ");
	}
	if (strlen(pw) < 8) {
		explicit_bzero(pw, sizeof(pw));
		errx(1, "a password needs at least 8 characters");
	}
	if (passwd_hash(pw, strlen(pw), hash, sizeof(hash)) == -1)
		err(1, "hash-password");
	explicit_bzero(pw, sizeof(pw));
	(void)printf("%s\n", hash);
	return (0);
}

int
main(int argc, char *argv[])
{
	const struct parse_result	*res;
	const char			*sock = HS_SOCKET;
	struct imsgbuf			 ibuf;
	uint32_t			 type = IMSG_NONE;
	const void			*data = NULL;
	size_t				 len = 0;
	struct remote_opts		 ro;
	int				 ch, fd, json = 0;

	memset(&ro, 0, sizeof(ro));
	while ((ch = getopt(argc, argv, "+C:c:jk:m:p:s:")) != -1) {
		switch (ch) {
		case 'C':
			ro.ro_ca = optarg;
			break;
		case 'c':
			ro.ro_cert = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'k':
			ro.ro_key = optarg;
			break;
		case 'm':
			ro.ro_master = optarg;
			break;
		case 'p':
			ro.ro_passfile = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && strcmp(argv[0], "hash-password") == 0)
		return (hash_password(ro.ro_passfile, argc, argv));
	/* A master's console: calls go over TLS, not the local socket. */
	if (ro.ro_master != NULL) {
		ro.ro_json = json;
		return (remote_main(&ro, argc, argv));
	}
	if (ro.ro_ca != NULL || ro.ro_cert != NULL || ro.ro_key != NULL ||
	    ro.ro_passfile != NULL || argc == 0)
		usage();
	if ((res = parse(argc, argv)) == NULL) {
		(void)fputs(parse_error(), stderr);
		exit(1);
	}

	if (ctl_request(res, &type, &data, &len) == -1)
		usage();

	fd = ctl_connect(sock);
	ctl_sandbox();
	if (imsgbuf_init(&ibuf, fd) == -1 ||
	    imsgbuf_set_maxsize(&ibuf, HS_CTL_MAXMSG) == -1)
		err(1, "imsgbuf_init");
	if (imsg_compose(&ibuf, IMSG_CTL_HELLO, HS_PROTO_VERSION, 0, -1, NULL,
	    0) == -1 ||
	    imsg_compose(&ibuf, type, 0, 0, -1, data, len) == -1 ||
	    imsgbuf_flush(&ibuf) == -1)
		err(1, "write to %s", sock);
	return (ctl_reply(&ibuf, res, json));
}

/* Read the reply up to its END or FAIL, then print it. */
static int
ctl_reply(struct imsgbuf *ibuf, const struct parse_result *res, int json)
{
	struct status_reply	 sr;
	struct imsg		 imsg;
	char			 why[8192], esc[4 * 8192 + 1];
	int			 n, rv = CTL_REPLY_MORE;

	memset(&sr, 0, sizeof(sr));
	while (rv == CTL_REPLY_MORE) {
		if ((n = imsgbuf_get(ibuf, &imsg)) == -1)
			errx(1, "bad reply from the daemon");
		if (n == 0) {
			if ((n = imsgbuf_read(ibuf)) == -1)
				err(1, "read");
			if (n == 0)
				errx(1, "the daemon closed the connection");
			continue;
		}
		rv = ctl_reply_add(&sr, &imsg, why, sizeof(why));
		imsg_free(&imsg);
		if (rv == -1)
			errx(1, "%s", why);
	}
	if (rv == CTL_REPLY_FAILED) {
		(void)str_escape(why, strlen(why), esc, sizeof(esc));
		(void)fprintf(stderr, "honeyspyctl: %s\n", esc);
		ctl_reply_free(&sr);
		return (1);
	}
	ctl_reply_print(res, &sr, json);
	ctl_reply_free(&sr);
	return (0);
}
