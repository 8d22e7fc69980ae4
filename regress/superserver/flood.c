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
 * Test-only TCP flood: opens TOTAL connections to an IPv4 or IPv6 address,
 * BURST at a time, sends one line on each and closes it.  Prints how many
 * connected; exits non-zero only on a usage or system error, since a
 * honeypot under flood is allowed to refuse.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FLOOD_MAXBURST	1024

int
main(int argc, char *argv[])
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	struct pollfd		 pfd[FLOOD_MAXBURST];
	socklen_t		 sslen;
	const char		*errstr;
	long long		 total, burst, done = 0, ok = 0, failed = 0;
	int			 port, i, n, e;
	socklen_t		 elen;

	if (argc != 5)
		errx(2, "usage: flood address port total burst");
	port = (int)strtonum(argv[2], 1, 65535, &errstr);
	if (errstr != NULL)
		errx(2, "port %s", errstr);
	total = strtonum(argv[3], 1, 10000000, &errstr);
	if (errstr != NULL)
		errx(2, "total %s", errstr);
	burst = strtonum(argv[4], 1, FLOOD_MAXBURST, &errstr);
	if (errstr != NULL)
		errx(2, "burst %s", errstr);
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, argv[1], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sslen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, argv[1], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sslen = sizeof(*sin6);
	} else
		errx(2, "not an address: %s", argv[1]);

	while (done < total) {
		n = (int)(total - done < burst ? total - done : burst);
		for (i = 0; i < n; i++) {
			pfd[i].fd = socket(ss.ss_family, SOCK_STREAM |
			    SOCK_NONBLOCK, 0);
			if (pfd[i].fd == -1)
				err(1, "socket");
			pfd[i].events = POLLOUT;
			if (connect(pfd[i].fd, (struct sockaddr *)&ss,
			    sslen) == -1 && errno != EINPROGRESS) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				failed++;
			}
		}
		/* Give a burst five seconds to connect, then move on. */
		if (poll(pfd, (nfds_t)n, 5000) == -1)
			err(1, "poll");
		for (i = 0; i < n; i++) {
			if (pfd[i].fd == -1)
				continue;
			elen = sizeof(e);
			if ((pfd[i].revents & POLLOUT) &&
			    getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &e,
			    &elen) == 0 && e == 0 &&
			    write(pfd[i].fd, "flood\n", 6) == 6)
				ok++;
			else
				failed++;
			close(pfd[i].fd);
		}
		done += n;
	}
	printf("connections: %lld, connected: %lld, failed: %lld\n", done, ok,
	    failed);
	return (0);
}
