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

/*
 * connbench: the load generator of bench/superserver.
 *
 *   connbench [-k] tcp   ADDR PORT COUNT CONC SECONDS
 *   connbench [-k] spawn PROGRAM  COUNT CONC SECONDS
 *
 * Keeps CONC exchanges in flight until COUNT have started or SECONDS have
 * passed, whichever comes first, then lets the running ones finish.  One
 * exchange writes a numbered line, half-closes (not with -k), reads to
 * end-of-file and checks that exactly the line came back.
 *
 * tcp:   the exchange is a TCP connection to ADDR:PORT (IPv4).
 * spawn: the exchange is fork+exec of PROGRAM with one end of a socketpair
 *        as its stdin and stdout, then a wait for its exit; the limit a
 *        superserver cannot beat on this machine.
 *
 * Prints one line:  ok N errors E seconds S rate R
 * where rate counts correct exchanges per second.  Exits 1 if any
 * exchange failed, 2 on a usage or setup error.
 */

#define _GNU_SOURCE		/* pidfd_open through syscall(2) */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXCONC		256
#define LINEMAX		64
#define EXCHANGE_TIMEOUT 10.0		/* seconds for one exchange */

enum mode { MODE_TCP, MODE_SPAWN };

enum state {
	ST_IDLE,
	ST_CONNECTING,		/* tcp: waiting for the connect */
	ST_READING,		/* waiting for the reply */
	ST_REAPING		/* spawn: waiting for the exit */
};

struct slot {
	enum state	 state;
	int		 fd;
	int		 pidfd;
	pid_t		 pid;
	double		 started;
	char		 line[LINEMAX];
	size_t		 linelen;
	char		 reply[LINEMAX * 2];
	size_t		 replylen;
};

static enum mode		 mode;
static struct sockaddr_in	 sin_target;
static const char		*program;
static struct slot		 slots[MAXCONC];
static unsigned long		 started, ok, errors;
static int			 verbose_errors = 5;	/* print the first few */
static int			 halfclose = 1;

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
fail(struct slot *s, const char *what, int err)
{
	if (verbose_errors > 0) {
		verbose_errors--;
		if (err != 0)
			fprintf(stderr, "connbench: exchange %.*s: %s: %s\n",
			    (int)s->linelen - 1, s->line, what, strerror(err));
		else
			fprintf(stderr, "connbench: exchange %.*s: %s\n",
			    (int)s->linelen - 1, s->line, what);
	}
	errors++;
}

static void
slot_reset(struct slot *s)
{
	if (s->fd != -1)
		close(s->fd);
	if (s->pidfd != -1)
		close(s->pidfd);
	s->fd = s->pidfd = -1;
	s->pid = -1;
	s->state = ST_IDLE;
}

/* Kill and reap a spawned child that we give up on. */
static void
slot_abort(struct slot *s)
{
	if (s->pid > 0) {
		(void)kill(s->pid, SIGKILL);
		while (waitpid(s->pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	slot_reset(s);
}

static int
send_line(struct slot *s)
{
	ssize_t	n;

	/* A line this short fits any socket buffer in one write. */
	n = write(s->fd, s->line, s->linelen);
	if (n != (ssize_t)s->linelen) {
		fail(s, "write", n == -1 ? errno : EIO);
		return (-1);
	}
	if (halfclose && shutdown(s->fd, SHUT_WR) == -1) {
		fail(s, "shutdown", errno);
		return (-1);
	}
	s->state = ST_READING;
	return (0);
}

static void
slot_start(struct slot *s)
{
	int	sv[2];

	s->linelen = (size_t)snprintf(s->line, sizeof(s->line),
	    "connbench %lu %d\n", started, (int)getpid());
	s->replylen = 0;
	s->started = now();
	started++;

	if (mode == MODE_TCP) {
		s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (s->fd == -1) {
			fail(s, "socket", errno);
			slot_reset(s);
			return;
		}
		if (connect(s->fd, (struct sockaddr *)&sin_target,
		    sizeof(sin_target)) == 0) {
			if (send_line(s) == -1)
				slot_reset(s);
			return;
		}
		if (errno != EINPROGRESS) {
			fail(s, "connect", errno);
			slot_reset(s);
			return;
		}
		s->state = ST_CONNECTING;
		return;
	}

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		fail(s, "socketpair", errno);
		return;
	}
	switch ((s->pid = fork())) {
	case -1:
		fail(s, "fork", errno);
		close(sv[0]);
		close(sv[1]);
		return;
	case 0:
		if (dup2(sv[1], 0) == -1 || dup2(sv[1], 1) == -1)
			_exit(126);
		{
			char *const argv[] = { (char *)program, NULL };
			char *const envp[] = {
			    "PATH=/usr/bin:/bin", NULL };

			execve(program, argv, envp);
		}
		_exit(127);
	default:
		break;
	}
	close(sv[1]);
	s->fd = sv[0];
	if (fcntl(s->fd, F_SETFL, O_NONBLOCK) == -1) {
		fail(s, "fcntl", errno);
		slot_abort(s);
		return;
	}
	if ((s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0)) == -1) {
		fail(s, "pidfd_open", errno);
		slot_abort(s);
		return;
	}
	if (send_line(s) == -1)
		slot_abort(s);
}

/* The reply is complete: check it, then finish or wait for the exit. */
static void
slot_eof(struct slot *s)
{
	int	good;

	good = s->replylen == s->linelen &&
	    memcmp(s->reply, s->line, s->linelen) == 0;
	if (!good) {
		char	what[64];

		(void)snprintf(what, sizeof(what), "wrong reply (%zu bytes)",
		    s->replylen);
		fail(s, what, 0);
	}
	if (mode == MODE_TCP) {
		if (good)
			ok++;
		slot_reset(s);
		return;
	}
	close(s->fd);
	s->fd = -1;
	s->state = ST_REAPING;
	if (!good)
		s->replylen = (size_t)-1;	/* counted: reap only */
}

static void
slot_reap(struct slot *s)
{
	int	status;
	pid_t	r;

	while ((r = waitpid(s->pid, &status, WNOHANG)) == -1 && errno == EINTR)
		;
	if (r == 0)
		return;		/* spurious */
	if (r == -1)
		fail(s, "waitpid", errno);
	else if (s->replylen == (size_t)-1)
		;		/* already counted */
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail(s, "program failed", 0);
	else
		ok++;
	s->pid = -1;
	slot_reset(s);
}

static void
slot_io(struct slot *s, short revents)
{
	ssize_t	n;
	int	err;
	socklen_t len;

	if (s->state == ST_CONNECTING) {
		len = sizeof(err);
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			fail(s, "connect", err);
			slot_reset(s);
			return;
		}
		if (send_line(s) == -1)
			slot_reset(s);
		return;
	}
	if (s->state == ST_REAPING) {
		slot_reap(s);
		return;
	}
	(void)revents;
	for (;;) {
		n = read(s->fd, s->reply + s->replylen,
		    sizeof(s->reply) - s->replylen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n == -1) {
			fail(s, "read", errno);
			if (mode == MODE_SPAWN)
				slot_abort(s);
			else
				slot_reset(s);
			return;
		}
		if (n == 0) {
			slot_eof(s);
			return;
		}
		s->replylen += (size_t)n;
		if (s->replylen == sizeof(s->reply)) {
			fail(s, "reply too long", 0);
			if (mode == MODE_SPAWN)
				slot_abort(s);
			else
				slot_reset(s);
			return;
		}
	}
}

static long
number(const char *s, long lo, long hi, const char *what)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "connbench: bad %s: %s\n", what, s);
		exit(2);
	}
	return (v);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: connbench [-k] tcp ADDR PORT COUNT CONC SECONDS\n"
	    "       connbench [-k] spawn PROGRAM COUNT CONC SECONDS\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct pollfd	 pfd[MAXCONC];
	int		 map[MAXCONC];
	long		 count, conc, seconds;
	double		 t0, deadline, t;
	int		 i, n, active, r;

	if (argc > 1 && strcmp(argv[1], "-k") == 0) {
		halfclose = 0;
		argc--;
		argv++;
	}
	if (argc == 7 && strcmp(argv[1], "tcp") == 0) {
		mode = MODE_TCP;
		memset(&sin_target, 0, sizeof(sin_target));
		sin_target.sin_family = AF_INET;
		if (inet_pton(AF_INET, argv[2], &sin_target.sin_addr) != 1)
			usage();
		sin_target.sin_port = htons((uint16_t)number(argv[3], 1,
		    65535, "port"));
		argv += 4;
	} else if (argc == 6 && strcmp(argv[1], "spawn") == 0) {
		mode = MODE_SPAWN;
		program = argv[2];
		argv += 3;
	} else
		usage();
	count = number(argv[0], 1, 10000000, "count");
	conc = number(argv[1], 1, MAXCONC, "concurrency");
	seconds = number(argv[2], 1, 3600, "seconds");

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < MAXCONC; i++) {
		slots[i].fd = slots[i].pidfd = -1;
		slots[i].pid = -1;
		slots[i].state = ST_IDLE;
	}

	t0 = now();
	deadline = t0 + (double)seconds;
	for (;;) {
		t = now();
		active = 0;
		for (i = 0; i < conc; i++) {
			if (slots[i].state == ST_IDLE &&
			    started < (unsigned long)count && t < deadline)
				slot_start(&slots[i]);
			if (slots[i].state != ST_IDLE)
				active++;
		}
		if (active == 0)
			break;
		n = 0;
		for (i = 0; i < conc; i++) {
			struct slot *s = &slots[i];

			if (s->state == ST_IDLE)
				continue;
			if (t - s->started > EXCHANGE_TIMEOUT) {
				fail(s, "timed out", 0);
				if (mode == MODE_SPAWN)
					slot_abort(s);
				else
					slot_reset(s);
				continue;
			}
			if (s->state == ST_REAPING) {
				pfd[n].fd = s->pidfd;
				pfd[n].events = POLLIN;
			} else {
				pfd[n].fd = s->fd;
				pfd[n].events = s->state == ST_CONNECTING ?
				    POLLOUT : POLLIN;
			}
			pfd[n].revents = 0;
			map[n++] = i;
		}
		if (n == 0)
			continue;
		if ((r = poll(pfd, (nfds_t)n, 1000)) == -1) {
			if (errno == EINTR)
				continue;
			perror("connbench: poll");
			return (2);
		}
		for (i = 0; i < n && r > 0; i++) {
			if (pfd[i].revents == 0)
				continue;
			r--;
			slot_io(&slots[map[i]], pfd[i].revents);
		}
	}
	t = now() - t0;
	printf("ok %lu errors %lu seconds %.3f rate %.1f\n", ok, errors, t,
	    t > 0 ? (double)ok / t : 0.0);
	return (errors != 0 ? 1 : 0);
}
