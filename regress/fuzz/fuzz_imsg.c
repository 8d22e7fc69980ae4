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

/* libFuzzer target: arbitrary bytes (and fds) into imsgbuf_read/imsg_get. */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "imsg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_send(int, const uint8_t *, size_t, int);
static int	fuzz_drain(struct imsgbuf *);
static void	fuzz_parse(struct imsg *);
static int	lowest_free_fd(void);

/*
 * Input layout:
 *   byte 0: bits 0-1 chunking (fixed, byte-at-a-time, self-described,
 *           one piece), bit 2 allow fd passing, bits 3-4 how often a chunk
 *           carries an fd (never, every 4th, every 2nd, always)
 *   byte 1: payload limit in units of 64 bytes, 255 = default
 *   byte 2: chunk size for fixed chunking
 *   rest:   the raw stream
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imsgbuf	 ib;
	const uint8_t	*p;
	size_t		 left, chunk;
	unsigned int	 mode, fdfreq, n = 0;
	int		 sv[2], nullfd, base, dead = 0, rv;

	if (size < 3)
		return (0);
	mode = data[0] & 0x03;
	fdfreq = (data[0] >> 3) & 0x03;

	base = lowest_free_fd();
	if ((nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		abort();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	/* Non-blocking both ways: a stall becomes a visible failure. */
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(sv[1], F_SETFL, O_NONBLOCK) == -1)
		abort();
	if (imsgbuf_init(&ib, sv[1]) == -1)
		abort();
	if (data[0] & 0x04)
		imsgbuf_allow_fdpass(&ib);
	if (data[1] != 255 && imsgbuf_set_maxsize(&ib, data[1] * 64U) == -1)
		abort();

	p = data + 3;
	left = size - 3;
	/* Once the channel is broken nobody reads: stop before it fills. */
	while (left > 0 && !dead) {
		switch (mode) {
		case 0:
			chunk = (size_t)data[2] + 1;
			break;
		case 1:
			chunk = 1;
			break;
		case 2:
			/* The stream decides where its own cuts fall. */
			chunk = (size_t)*p % 64 + 1;
			break;
		default:
			chunk = 32768;
			break;
		}
		if (chunk > left)
			chunk = left;
		fuzz_send(sv[0], p, chunk,
		    fdfreq != 0 && n % (8U >> fdfreq) == 0 ? nullfd : -1);
		p += chunk;
		left -= chunk;
		n++;
		if (fuzz_drain(&ib) == -1)
			dead = 1;
	}
	close(sv[0]);
	while (!dead) {
		if ((rv = imsgbuf_read(&ib)) == -1)
			break;
		if (fuzz_drain(&ib) == -1 || rv == 0)
			break;
	}

	imsgbuf_clear(&ib);
	close(sv[1]);
	close(nullfd);
	/* Every received fd must have been closed by the library or us. */
	if (lowest_free_fd() != base)
		abort();
	return (0);
}

static int
lowest_free_fd(void)
{
	int	fd;

	if ((fd = fcntl(0, F_DUPFD_CLOEXEC, 0)) == -1)
		abort();
	close(fd);
	return (fd);
}

static void
fuzz_send(int s, const uint8_t *data, size_t len, int fd)
{
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int))];
	}		 cmsgbuf;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;

	memset(&msg, 0, sizeof(msg));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = (void *)(uintptr_t)data;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd != -1) {
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = sizeof(cmsgbuf.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	/* Chunks are small and drained after each send: this never blocks. */
	if (sendmsg(s, &msg, MSG_NOSIGNAL) != (ssize_t)len)
		abort();
}

/* Read what is pending, then consume every complete message. */
static int
fuzz_drain(struct imsgbuf *ib)
{
	struct imsg	m;
	ssize_t		n;
	int		pending;

	for (;;) {
		if (ioctl(ib->fd, FIONREAD, &pending) == -1)
			abort();
		if (pending <= 0)
			break;
		if (imsgbuf_read(ib) != 1)
			return (-1);
		while ((n = imsg_get(ib, &m)) > 0) {
			if ((size_t)n < IMSG_HEADER_SIZE ||
			    imsg_get_len(&m) != (size_t)n - IMSG_HEADER_SIZE)
				abort();
			fuzz_parse(&m);
			imsg_free(&m);
		}
		if (n == -1)
			return (-1);
	}
	return (0);
}

/* Exercise the accessors the way a dispatch function would. */
static void
fuzz_parse(struct imsg *m)
{
	struct ibuf	 view, sub;
	unsigned char	 tmp[64];
	char		 str[32], *s;
	uint64_t	 u64;
	uint32_t	 u32;
	uint16_t	 u16;
	uint8_t		 u8, op;
	int		 fd;

	(void)imsg_get_id(m);
	(void)imsg_get_pid(m);
	switch (imsg_get_type(m) % 5) {
	case 0:
		(void)imsg_get_data(m, &u32, sizeof(u32));
		break;
	case 1:
		(void)imsg_get_strbuf(m, str, sizeof(str));
		break;
	case 2:
		if ((fd = imsg_get_fd(m)) != -1)
			close(fd);
		(void)imsg_get_buf(m, tmp, sizeof(tmp) / 2);
		(void)imsg_get_data(m, tmp, sizeof(tmp) / 4);
		break;
	default:
		/* Leave any fd for imsg_free() to close. */
		if (imsg_get_ibuf(m, &view) == -1)
			abort();
		while (ibuf_get_n8(&view, &op) == 0) {
			switch (op % 12) {
			case 0:
				(void)ibuf_get_n16(&view, &u16);
				break;
			case 1:
				(void)ibuf_get_n32(&view, &u32);
				break;
			case 2:
				(void)ibuf_get_n64(&view, &u64);
				break;
			case 3:
				(void)ibuf_get_h16(&view, &u16);
				break;
			case 4:
				(void)ibuf_get_h32(&view, &u32);
				break;
			case 5:
				(void)ibuf_get_h64(&view, &u64);
				break;
			case 6:
				(void)ibuf_get_strbuf(&view, str,
				    (size_t)op % sizeof(str));
				break;
			case 7:
				if ((s = ibuf_get_string(&view, op % 40)) !=
				    NULL)
					free(s);
				break;
			case 8:
				(void)ibuf_skip(&view, op % 16);
				break;
			case 9:
				if (ibuf_get_ibuf(&view, op % 24, &sub) == 0 &&
				    ibuf_get(&sub, tmp, ibuf_size(&sub)) == -1)
					abort();
				break;
			case 10:
				(void)ibuf_get(&view, tmp, op % sizeof(tmp));
				break;
			default:
				(void)ibuf_get_n8(&view, &u8);
				break;
			}
		}
		if (ibuf_size(&view) != 0)
			abort();
		break;
	}
}
