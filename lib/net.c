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

/* Socket helpers shared by the binder and the superserver. */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

#define LISTEN_BACKLOG	512

int
net_is_any(const uint8_t *addr)
{
	static const uint8_t	 zero[16];

	return (memcmp(addr, zero, sizeof(zero)) == 0);
}

/* addr is 4 or 16 bytes in network order, as in struct service_msg. */
int
net_sockaddr(int af, const uint8_t *addr, int port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (port < 0 || port > 65535) {
		errno = EINVAL;
		return (-1);
	}
	switch (af) {
	case AF_INET:
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		memcpy(&sin->sin_addr, addr, sizeof(sin->sin_addr));
		*len = sizeof(*sin);
		return (0);
	case AF_INET6:
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		memcpy(&sin6->sin6_addr, addr, sizeof(sin6->sin6_addr));
		*len = sizeof(*sin6);
		return (0);
	}
	errno = EAFNOSUPPORT;
	return (-1);
}

/*
 * A listening socket for one service: TCP listens, UDP is only bound.  The
 * any-address on IPv6 also takes IPv4 (v4-mapped); an alias address may be
 * bound before netctl has added it (IP_FREEBIND).  On failure the reason,
 * with the step that failed, goes to why.
 */
int
net_listen(int af, const uint8_t *addr, int proto, int port, char *why,
    size_t whylen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 fd, type, on = 1, v6only;
	const char		*step;

	type = proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	if (net_sockaddr(af, addr, port, &ss, &sslen) == -1) {
		step = "address";
		goto fail;
	}
	step = "socket";
	if ((fd = socket(af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	step = "setsockopt";
	if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &on, sizeof(on)) == -1)
		goto failfd;
	if (af == AF_INET6) {
		v6only = !net_is_any(addr);
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
		    sizeof(v6only)) == -1 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &on,
		    sizeof(on)) == -1)
			goto failfd;
	} else if (setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &on,
	    sizeof(on)) == -1)
		goto failfd;
	/* UDP replies must leave from the address the peer sent to. */
	if (type == SOCK_DGRAM && (setsockopt(fd, IPPROTO_IP, IP_PKTINFO,
	    &on, sizeof(on)) == -1 || (af == AF_INET6 && setsockopt(fd,
	    IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) == -1)))
		goto failfd;
	step = "bind";
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1)
		goto failfd;
	step = "listen";
	if (type == SOCK_STREAM && listen(fd, LISTEN_BACKLOG) == -1)
		goto failfd;
	return (fd);
 failfd:
	{
		int	 saved = errno;

		close(fd);
		errno = saved;
	}
 fail:
	(void)snprintf(why, whylen, "%s: %s", step, strerror(errno));
	return (-1);
}

/* A listening TCP socket on an address already in a sockaddr. */
int
net_listen_tcp(const struct sockaddr_storage *ss, char *why, size_t whylen)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET6)
		return (net_listen(AF_INET6, (const uint8_t *)&sin6->sin6_addr,
		    IPPROTO_TCP, ntohs(sin6->sin6_port), why, whylen));
	return (net_listen(ss->ss_family, (const uint8_t *)&sin->sin_addr,
	    IPPROTO_TCP, ntohs(sin->sin_port), why, whylen));
}

/*
 * The printable address and port of a peer; a v4-mapped IPv6 address is
 * shown as the IPv4 address it is.  *af gets the family it was shown in.
 */
int
net_addrtext(const struct sockaddr_storage *ss, char *buf, size_t len,
    int *port)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 =
	    (const struct sockaddr_in6 *)ss;
	struct in_addr			 v4;

	switch (ss->ss_family) {
	case AF_INET:
		*port = ntohs(sin->sin_port);
		if (inet_ntop(AF_INET, &sin->sin_addr, buf, len) == NULL)
			return (-1);
		return (AF_INET);
	case AF_INET6:
		*port = ntohs(sin6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			memcpy(&v4, &sin6->sin6_addr.s6_addr[12], sizeof(v4));
			if (inet_ntop(AF_INET, &v4, buf, len) == NULL)
				return (-1);
			return (AF_INET);
		}
		if (inet_ntop(AF_INET6, &sin6->sin6_addr, buf, len) == NULL)
			return (-1);
		return (AF_INET6);
	}
	errno = EAFNOSUPPORT;
	return (-1);
}
