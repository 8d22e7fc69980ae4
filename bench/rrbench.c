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
 * rrbench: the load of bench/persona, both ends.
 *
 *   rrbench serve PORT           echo one byte back per byte read; a
 *                                connection whose first byte is 'B' gets
 *                                an endless stream instead
 *   rrbench rr ADDR PORT SECS    1-byte round trips on one connection:
 *                                prints round trips per second
 *   rrbench bulk ADDR PORT SECS  reads the stream: prints MB/s
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
serve_one(int s)
{
	static char	buf[65536];
	char		c;
	ssize_t		n;

	if (read(s, &c, 1) != 1)
		_exit(0);
	if (c == 'B') {
		memset(buf, 'x', sizeof(buf));
		while (write(s, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	do {
		if (write(s, &c, 1) != 1)
			_exit(0);
	} while ((n = read(s, &c, 1)) == 1);
	_exit(0);
}

static int
dial(const char *addr, const char *port)
{
	struct sockaddr_in	sin;
	int			s, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(port));
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		errx(2, "bad address %s", addr);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "connect %s:%s", addr, port);
	return (s);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	static char		 buf[65536];
	double			 t0, secs;
	long			 n = 0;
	ssize_t			 r;
	int			 s, c, one = 1;
	char			 ch = 'r';

	if (argc == 3 && strcmp(argv[1], "serve") == 0) {
		signal(SIGCHLD, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			err(1, "socket");
		(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)atoi(argv[2]));
		if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
		    listen(s, 64) == -1)
			err(1, "bind/listen");
		for (;;) {
			if ((c = accept(s, NULL, NULL)) == -1)
				continue;
			(void)setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
			if (fork() == 0) {
				close(s);
				serve_one(c);
			}
			close(c);
		}
	}
	if (argc != 5)
		errx(2, "usage: rrbench serve PORT | rr|bulk ADDR PORT SECS");
	secs = atof(argv[4]);
	s = dial(argv[2], argv[3]);
	if (strcmp(argv[1], "rr") == 0) {
		t0 = now();
		while (now() - t0 < secs) {
			if (write(s, &ch, 1) != 1 || read(s, &ch, 1) != 1)
				errx(1, "round trip %ld failed", n);
			n++;
		}
		printf("%.0f\n", (double)n / (now() - t0));
	} else {
		ch = 'B';
		if (write(s, &ch, 1) != 1)
			err(1, "write");
		t0 = now();
		while (now() - t0 < secs) {
			if ((r = read(s, buf, sizeof(buf))) <= 0)
				errx(1, "stream ended");
			n += r;
		}
		printf("%.1f\n", (double)n / (now() - t0) / 1e6);
	}
	close(s);
	return (0);
}
