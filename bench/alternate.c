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
 * alternate: sequential exchanges with two or more echo services on
 * 127.0.0.1, one connection to each in turn, the order reversed every
 * round.  For comparing two builds of a daemon side by side: a shared
 * machine's speed drifts by several percent within seconds, which
 * separate runs of bench/superserver carry into their ratios, and which
 * alternating connections cancel.  Not a benchmark of its own: each
 * service's code is colder than in a run of its own.
 *
 *   cc -O2 -o alternate bench/alternate.c
 *   alternate [-n rounds] port port [port ...]
 *
 * An exchange: connect, one line, half-close, read the echo to its end.
 * Prints each port's mean time per exchange and, for each port after
 * the first, the first's rate over its rate.  Exits 1 if any exchange
 * failed.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXPORTS	8
static const char	line[] = "alternate exchange\n";

static double
now_us(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3);
}

/* One exchange; 0 if the whole line came back, then end of file. */
static int
exchange(int port)
{
	struct sockaddr_in	 sin;
	char			 buf[256];
	size_t			 got = 0;
	ssize_t			 n;
	int			 fd, ok;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    write(fd, line, sizeof(line) - 1) == (ssize_t)(sizeof(line) - 1) &&
	    shutdown(fd, SHUT_WR) == 0;
	while (ok && (n = read(fd, buf + got, sizeof(buf) - got)) > 0)
		if ((got += (size_t)n) == sizeof(buf))
			break;
	close(fd);
	return (ok && got == sizeof(line) - 1 &&
	    memcmp(buf, line, got) == 0 ? 0 : -1);
}

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr, "usage: alternate [-n rounds] port port ...\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	double	 total[MAXPORTS] = { 0 }, t0;
	long	 errors[MAXPORTS] = { 0 }, rounds = 1000, r, failed = 0;
	int	 ports[MAXPORTS], nports = 0, ch, i, k;
	char	*end;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		switch (ch) {
		case 'n':
			errno = 0;
			rounds = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || rounds < 1 ||
			    rounds > 1000000)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || argc > MAXPORTS)
		usage();
	for (i = 0; i < argc; i++) {
		errno = 0;
		ports[i] = (int)strtol(argv[i], &end, 10);
		if (errno != 0 || *end != '\0' || ports[i] < 1 ||
		    ports[i] > 65535)
			usage();
		nports++;
	}

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nports; i++) {
			k = r % 2 ? i : nports - 1 - i;
			t0 = now_us();
			if (exchange(ports[k]) == -1)
				errors[k]++;
			total[k] += now_us() - t0;
		}
	}
	for (k = 0; k < nports; k++) {
		printf("port %d: %.1f us per exchange, %ld errors\n", ports[k],
		    total[k] / (double)rounds, errors[k]);
		failed += errors[k];
	}
	for (k = 1; k < nports; k++)
		printf("rate %d/%d: %.4f\n", ports[0], ports[k],
		    total[k] / total[0]);
	return (failed != 0);
}
