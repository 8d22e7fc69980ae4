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

/* Unit tests for lib/imsg.c: framing, limits, fd pairing and partial I/O. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "imsg.h"

/* Both ends of one channel; sv[0] belongs to tx, sv[1] to rx. */
struct pair {
	int		sv[2];
	struct imsgbuf	tx;
	struct imsgbuf	rx;
};

static int	pair_setup(void **);
static int	pair_teardown(void **);
static void	raw_write(int, const void *, size_t);
static void	raw_hdr(int, uint32_t, uint32_t);
static int	fd_is_open(int);
static int	count_fds(void);
static void	drain_one(struct pair *, struct imsg *);

static int
pair_setup(void **state)
{
	struct pair	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (-1);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->sv) == -1)
		return (-1);
	if (imsgbuf_init(&p->tx, p->sv[0]) == -1 ||
	    imsgbuf_init(&p->rx, p->sv[1]) == -1)
		return (-1);
	imsgbuf_allow_fdpass(&p->rx);
	*state = p;
	return (0);
}

static int
pair_teardown(void **state)
{
	struct pair	*p = *state;

	imsgbuf_clear(&p->tx);
	imsgbuf_clear(&p->rx);
	if (p->sv[0] != -1)
		close(p->sv[0]);
	if (p->sv[1] != -1)
		close(p->sv[1]);
	free(p);
	return (0);
}

static void
raw_write(int fd, const void *data, size_t len)
{
	assert_int_equal(write(fd, data, len), (ssize_t)len);
}

static void
raw_hdr(int fd, uint32_t type, uint32_t len)
{
	struct imsg_hdr	hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = len;
	hdr.pid = 1;
	raw_write(fd, &hdr, sizeof(hdr));
}

static int
fd_is_open(int fd)
{
	return (fcntl(fd, F_GETFD) != -1 || errno != EBADF);
}

static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return (n - 1);		/* the DIR's own fd */
}

/* Read until one message is there; every read must succeed. */
static void
drain_one(struct pair *p, struct imsg *m)
{
	ssize_t	n;

	while ((n = imsg_get(&p->rx, m)) == 0)
		assert_int_equal(imsgbuf_read(&p->rx), 1);
	assert_true(n >= (ssize_t)IMSG_HEADER_SIZE);
}

static void
test_roundtrip(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	uint32_t	 i, v;
	ssize_t		 n;

	for (i = 0; i < 5; i++) {
		v = i * 1000;
		assert_int_equal(imsg_compose(&p->tx, 10 + i, 100 + i,
		    i == 0 ? 0 : (pid_t)(4242 + i), -1, &v, sizeof(v)), 1);
	}
	/* Header-only message: must not look like "no message". */
	assert_int_equal(imsg_compose(&p->tx, 99, 7, 0, -1, NULL, 0), 1);
	assert_int_equal(imsgbuf_queuelen(&p->tx), 6);
	assert_int_equal(imsgbuf_flush(&p->tx), 0);
	assert_int_equal(imsgbuf_queuelen(&p->tx), 0);

	for (i = 0; i < 5; i++) {
		drain_one(p, &m);
		assert_int_equal(imsg_get_type(&m), 10 + i);
		assert_int_equal(imsg_get_id(&m), 100 + i);
		assert_int_equal(imsg_get_pid(&m),
		    i == 0 ? getpid() : (pid_t)(4242 + i));
		assert_int_equal(imsg_get_len(&m), sizeof(v));
		assert_int_equal(m.hdr.len, IMSG_HEADER_SIZE + sizeof(v));
		assert_int_equal(imsg_get_fd(&m), -1);
		assert_int_equal(imsg_get_data(&m, &v, sizeof(v)), 0);
		assert_int_equal(v, i * 1000);
		imsg_free(&m);
	}
	n = imsg_get(&p->rx, &m);
	assert_int_equal(n, IMSG_HEADER_SIZE);
	assert_int_equal(imsg_get_type(&m), 99);
	assert_int_equal(imsg_get_len(&m), 0);
	assert_null(m.data);
	assert_int_equal(imsg_get_data(&m, NULL, 0), 0);
	imsg_free(&m);
	assert_int_equal(imsg_get(&p->rx, &m), 0);
	assert_int_equal(imsgbuf_get(&p->rx, &m), 0);
}

static void
test_create_add_forward(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m, f;
	struct ibuf	*b, view;
	struct iovec	 iov[3];
	uint32_t	 a;
	uint16_t	 s;
	char		 str[16];

	assert_non_null(b = imsg_create(&p->tx, 1, 2, 0, 2));
	assert_int_equal(imsg_add(b, "ab", 2), 1);
	assert_int_equal(imsg_add(b, "cdef", 4), 1);	/* grows */
	imsg_close(&p->tx, b);

	iov[0].iov_base = (void *)(uintptr_t)"x";
	iov[0].iov_len = 1;
	iov[1].iov_base = NULL;
	iov[1].iov_len = 0;
	iov[2].iov_base = (void *)(uintptr_t)"yz";
	iov[2].iov_len = 3;
	assert_int_equal(imsg_composev(&p->tx, 3, 4, 0, -1, iov, 3), 1);

	assert_non_null(b = ibuf_open(6));
	assert_int_equal(ibuf_add_n32(b, 0xcafe), 0);
	assert_int_equal(ibuf_add_n16(b, 7), 0);
	assert_int_equal(imsg_compose_ibuf(&p->tx, 5, 6, 0, b), 1);
	assert_int_equal(imsgbuf_flush(&p->tx), 0);

	drain_one(p, &m);
	assert_int_equal(imsg_get_type(&m), 1);
	assert_int_equal(imsg_get_len(&m), 6);
	assert_memory_equal(m.data, "abcdef", 6);
	imsg_free(&m);

	drain_one(p, &m);
	assert_int_equal(imsg_get_type(&m), 3);
	assert_int_equal(imsg_get_strbuf(&m, str, sizeof(str)), 0);
	assert_string_equal(str, "xyz");
	/* Forward it back the other way, pid included. */
	assert_int_equal(imsg_forward(&p->rx, &m), 1);
	assert_int_equal(imsgbuf_flush(&p->rx), 0);
	imsg_free(&m);
	while ((imsg_get(&p->tx, &f)) == 0)
		assert_int_equal(imsgbuf_read(&p->tx), 1);
	assert_int_equal(imsg_get_type(&f), 3);
	assert_int_equal(imsg_get_id(&f), 4);
	assert_int_equal(imsg_get_pid(&f), getpid());
	assert_int_equal(imsg_get_len(&f), 4);
	assert_memory_equal(f.data, "xyz", 4);
	imsg_free(&f);

	drain_one(p, &m);
	assert_int_equal(imsg_get_type(&m), 5);
	assert_int_equal(imsg_get_ibuf(&m, &view), 0);
	assert_int_equal(ibuf_get_n32(&view, &a), 0);
	assert_int_equal(a, 0xcafe);
	assert_int_equal(ibuf_get_n16(&view, &s), 0);
	assert_int_equal(s, 7);
	assert_int_equal(ibuf_size(&view), 0);
	/* Piecewise reads through the message itself. */
	assert_int_equal(imsg_get_buf(&m, &a, sizeof(a)), 0);
	assert_int_equal(imsg_get_buf(&m, &a, sizeof(a)), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(imsg_get_data(&m, &s, sizeof(s)), 0);
	imsg_free(&m);

	/* imsg_add frees the message when it would exceed maxsize. */
	assert_non_null(b = imsg_create(&p->tx, 1, 0, 0, 0));
	assert_int_equal(imsg_add(b, NULL, 0), 1);
	{
		static char	big[MAX_IMSGSIZE];

		assert_int_equal(imsg_add(b, big, sizeof(big)), -1);
		assert_int_equal(errno, ERANGE);
	}
}

static void
test_fdpass(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	char		 c[8];
	int		 pp[2], fd;

	assert_int_equal(pipe2(pp, O_CLOEXEC), 0);
	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, pp[1], "w", 1), 1);
	assert_int_equal(imsgbuf_flush(&p->tx), 0);
	/* Sent: the library has closed its copy. */
	assert_false(fd_is_open(pp[1]));

	drain_one(p, &m);
	fd = imsg_get_fd(&m);
	assert_true(fd >= 0);
	assert_int_equal(imsg_get_fd(&m), -1);
	imsg_free(&m);
	assert_true(fd_is_open(fd));
	assert_int_equal(write(fd, "hello", 5), 5);
	close(fd);
	assert_int_equal(read(pp[0], c, sizeof(c)), 5);
	assert_memory_equal(c, "hello", 5);
	/* No other copy of the write end survives anywhere. */
	assert_int_equal(read(pp[0], c, sizeof(c)), 0);
	close(pp[0]);
}

/* Two fds in one write batch must each land on their own message. */
static void
test_two_fds(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	struct stat	 st, sa, sb;
	int		 a[2], b[2], i, fd;
	uint32_t	 tag;

	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	assert_int_equal(fstat(a[1], &sa), 0);
	assert_int_equal(fstat(b[1], &sb), 0);

	tag = 1;
	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, -1, &tag, 4), 1);
	tag = 2;
	assert_int_equal(imsg_compose(&p->tx, 2, 0, 0, a[1], &tag, 4), 1);
	tag = 3;
	assert_int_equal(imsg_compose(&p->tx, 3, 0, 0, -1, &tag, 4), 1);
	tag = 4;
	assert_int_equal(imsg_compose(&p->tx, 4, 0, 0, b[1], &tag, 4), 1);
	tag = 5;
	assert_int_equal(imsg_compose(&p->tx, 5, 0, 0, -1, &tag, 4), 1);
	assert_int_equal(imsgbuf_flush(&p->tx), 0);

	for (i = 1; i <= 5; i++) {
		drain_one(p, &m);
		assert_int_equal(imsg_get_type(&m), i);
		fd = imsg_get_fd(&m);
		if (i == 2 || i == 4) {
			assert_true(fd >= 0);
			assert_int_equal(fstat(fd, &st), 0);
			assert_true(st.st_ino == (i == 2 ? sa.st_ino :
			    sb.st_ino));
			/* Received fds are close-on-exec. */
			assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
			close(fd);
		} else
			assert_int_equal(fd, -1);
		imsg_free(&m);
	}
	close(a[0]);
	close(b[0]);
}

/*
 * The kernel ends a read with the message carrying an fd, however much
 * follows; r_fdlast says so, for readers that then read on.
 */
static void
test_fd_ends_read(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	int		 a[2], b[2], fd;
	uint32_t	 tag = 0;

	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, a[1], &tag, 4), 1);
	assert_int_equal(imsg_compose(&p->tx, 2, 0, 0, b[1], &tag, 4), 1);
	assert_int_equal(imsg_compose(&p->tx, 3, 0, 0, -1, &tag, 4), 1);
	assert_int_equal(imsgbuf_flush(&p->tx), 0);

	/* First read: message 1 and its fd, nothing more. */
	assert_int_equal(imsgbuf_read(&p->rx), 1);
	assert_int_equal(p->rx.r_fdlast, 1);
	assert_true(imsg_get(&p->rx, &m) > 0);
	assert_int_equal(imsg_get_type(&m), 1);
	assert_true((fd = imsg_get_fd(&m)) >= 0);
	close(fd);
	imsg_free(&m);
	assert_int_equal(imsg_get(&p->rx, &m), 0);

	/* Second: message 2 with its fd, sent with message 3 behind it. */
	assert_int_equal(imsgbuf_read(&p->rx), 1);
	assert_int_equal(p->rx.r_fdlast, 1);
	assert_true(imsg_get(&p->rx, &m) > 0);
	assert_int_equal(imsg_get_type(&m), 2);
	assert_true((fd = imsg_get_fd(&m)) >= 0);
	close(fd);
	imsg_free(&m);
	assert_true(imsg_get(&p->rx, &m) > 0);
	assert_int_equal(imsg_get_type(&m), 3);
	assert_int_equal(imsg_get_fd(&m), -1);
	imsg_free(&m);

	/* Then nothing to read, so no fd. */
	assert_int_equal(fcntl(p->sv[1], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(imsgbuf_read(&p->rx), 1);
	assert_int_equal(p->rx.r_fdlast, 0);
	assert_int_equal(imsg_get(&p->rx, &m), 0);
	close(a[0]);
	close(b[0]);
}

static void
test_oversized_compose(void **state)
{
	struct pair	*p = *state;
	static char	 big[MAX_IMSGSIZE + 1];
	int		 pp[2];

	errno = 0;
	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, -1, big,
	    MAX_IMSGSIZE - IMSG_HEADER_SIZE + 1), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(imsgbuf_queuelen(&p->tx), 0);

	/* The fd is ours even when compose fails. */
	assert_int_equal(pipe(pp), 0);
	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, pp[1], big,
	    MAX_IMSGSIZE), -1);
	assert_int_equal(errno, ERANGE);
	assert_false(fd_is_open(pp[1]));
	close(pp[0]);

	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, -1, big,
	    MAX_IMSGSIZE - IMSG_HEADER_SIZE), 1);
	imsgbuf_clear(&p->tx);

	assert_int_equal(imsgbuf_set_maxsize(&p->tx, 100), 0);
	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, -1, big, 101), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, -1, big, 100), 1);
	assert_int_equal(imsgbuf_set_maxsize(&p->tx, UINT32_MAX), -1);
	assert_int_equal(errno, ERANGE);
}

/* After a bad length the stream cannot be resynchronised: stay failed. */
static void
test_bad_header(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	uint32_t	 bad[] = { MAX_IMSGSIZE + 1, IMSG_HEADER_SIZE - 1, 0,
			     IMSG_FD_MARK | 8, UINT32_MAX };
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		imsgbuf_clear(&p->rx);
		/* A good message first: it is still delivered. */
		assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, -1, "ok", 2),
		    1);
		assert_int_equal(imsgbuf_flush(&p->tx), 0);
		raw_hdr(p->sv[0], 2, bad[i]);
		assert_int_equal(imsgbuf_read(&p->rx), 1);
		assert_int_equal(imsg_get(&p->rx, &m), 2 + IMSG_HEADER_SIZE);
		imsg_free(&m);
		errno = 0;
		assert_int_equal(imsg_get(&p->rx, &m), -1);
		assert_int_equal(errno, ERANGE);
		assert_int_equal(imsgbuf_get(&p->rx, &m), -1);
		/* Even a good message later does not revive the channel. */
		assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, -1, "ok", 2),
		    1);
		assert_int_equal(imsgbuf_flush(&p->tx), 0);
		assert_int_equal(imsgbuf_read(&p->rx), -1);
		assert_int_equal(errno, ERANGE);
		assert_int_equal(imsg_get(&p->rx, &m), -1);
		assert_int_equal(errno, ERANGE);
		/* Discard the unread good message before the next round. */
		{
			char	junk[64];

			assert_int_equal(read(p->sv[1], junk, sizeof(junk)),
			    2 + IMSG_HEADER_SIZE);
		}
	}

	/* A smaller receive limit applies to incoming headers too. */
	imsgbuf_clear(&p->rx);
	assert_int_equal(imsgbuf_set_maxsize(&p->rx, 4), 0);
	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, -1, "12345", 5), 1);
	assert_int_equal(imsgbuf_flush(&p->tx), 0);
	assert_int_equal(imsgbuf_read(&p->rx), 1);
	assert_int_equal(imsg_get(&p->rx, &m), -1);
	assert_int_equal(errno, ERANGE);
}

static void
test_truncated(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;

	raw_hdr(p->sv[0], 7, IMSG_HEADER_SIZE + 16);
	raw_write(p->sv[0], "0123", 4);
	assert_int_equal(imsgbuf_read(&p->rx), 1);
	assert_int_equal(imsg_get(&p->rx, &m), 0);
	raw_write(p->sv[0], "456789abcde", 11);
	assert_int_equal(imsgbuf_read(&p->rx), 1);
	assert_int_equal(imsg_get(&p->rx, &m), 0);
	raw_write(p->sv[0], "f", 1);
	assert_int_equal(imsgbuf_read(&p->rx), 1);
	assert_int_equal(imsg_get(&p->rx, &m), IMSG_HEADER_SIZE + 16);
	assert_int_equal(imsg_get_type(&m), 7);
	assert_memory_equal(m.data, "0123456789abcdef", 16);
	imsg_free(&m);

	/* EOF in the middle of a message: nothing, then 0, no leak. */
	raw_hdr(p->sv[0], 8, IMSG_HEADER_SIZE + 16);
	close(p->sv[0]);
	p->sv[0] = -1;
	assert_int_equal(imsgbuf_read(&p->rx), 1);
	assert_int_equal(imsg_get(&p->rx, &m), 0);
	assert_int_equal(imsgbuf_read(&p->rx), 0);
	assert_int_equal(imsg_get(&p->rx, &m), 0);
}

static void
test_many_in_one_read(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	uint64_t	 i, v;

	for (i = 0; i < 500; i++)
		assert_int_equal(imsg_compose(&p->tx, 1, (uint32_t)i, 0, -1,
		    &i, sizeof(i)), 1);
	assert_int_equal(imsgbuf_flush(&p->tx), 0);
	assert_int_equal(imsgbuf_read(&p->rx), 1);	/* 12000 bytes */
	for (i = 0; i < 500; i++) {
		assert_int_equal(imsg_get(&p->rx, &m),
		    IMSG_HEADER_SIZE + sizeof(v));
		assert_int_equal(imsg_get_id(&m), i);
		assert_int_equal(imsg_get_data(&m, &v, sizeof(v)), 0);
		assert_true(v == i);
		imsg_free(&m);
	}
	assert_int_equal(imsg_get(&p->rx, &m), 0);
}

/* The peer dribbles the stream out one byte per write(2). */
static void
test_byte_at_a_time(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	struct ibuf	*w;
	const unsigned char *raw;
	struct imsg_hdr	 hdr;
	size_t		 i, len, got = 0;
	ssize_t		 n;
	int		 type;

	assert_non_null(w = ibuf_dynamic(0, 4096));
	for (type = 1; type <= 3; type++) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.type = type;
		hdr.len = IMSG_HEADER_SIZE + type * 10;
		hdr.peerid = type;
		assert_int_equal(ibuf_add(w, &hdr, sizeof(hdr)), 0);
		for (i = 0; i < (size_t)type * 10; i++)
			assert_int_equal(ibuf_add_n8(w, type), 0);
	}
	raw = ibuf_data(w);
	len = ibuf_size(w);
	for (i = 0; i < len; i++) {
		raw_write(p->sv[0], raw + i, 1);
		assert_int_equal(imsgbuf_read(&p->rx), 1);
		n = imsg_get(&p->rx, &m);
		if (n == 0)
			continue;
		got++;
		assert_int_equal(imsg_get_type(&m), got);
		assert_int_equal(n, IMSG_HEADER_SIZE + got * 10);
		/* Returned exactly when its last byte arrived. */
		assert_int_equal(i + 1,
		    got == 1 ? 26 : got == 2 ? 26 + 36 : 26 + 36 + 46);
		assert_int_equal(((unsigned char *)m.data)[got * 10 - 1], got);
		imsg_free(&m);
	}
	assert_int_equal(got, 3);
	ibuf_free(w);
}

static void
test_eof(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;

	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, -1, NULL, 0), 1);
	assert_int_equal(imsgbuf_flush(&p->tx), 0);
	close(p->sv[0]);
	p->sv[0] = -1;
	assert_int_equal(imsgbuf_read(&p->rx), 1);
	assert_int_equal(imsgbuf_read(&p->rx), 0);
	assert_int_equal(imsg_get(&p->rx, &m), IMSG_HEADER_SIZE);
	imsg_free(&m);

	/* And the writer sees EPIPE, not SIGPIPE. */
	assert_int_equal(imsg_compose(&p->rx, 1, 0, 0, -1, "x", 1), 1);
	errno = 0;
	assert_int_equal(imsgbuf_write(&p->rx), -1);
	assert_int_equal(errno, EPIPE);
	assert_int_equal(imsgbuf_flush(&p->rx), -1);
}

static void
test_get_data_size(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	uint32_t	 v32 = 5;
	uint64_t	 v64;
	uint16_t	 v16;

	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, -1, &v32, 4), 1);
	assert_int_equal(imsgbuf_flush(&p->tx), 0);
	drain_one(p, &m);
	errno = 0;
	assert_int_equal(imsg_get_data(&m, &v64, sizeof(v64)), -1);
	assert_int_equal(errno, EBADMSG);
	errno = 0;
	assert_int_equal(imsg_get_data(&m, &v16, sizeof(v16)), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(imsg_get_data(&m, NULL, 0), -1);
	v32 = 0;
	assert_int_equal(imsg_get_data(&m, &v32, sizeof(v32)), 0);
	assert_int_equal(v32, 5);
	imsg_free(&m);
}

static void
test_strbuf(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	char		 s[8];
	const char	 unterm[4] = { 'a', 'b', 'c', 'd' };

	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, -1, unterm, 4), 1);
	assert_int_equal(imsg_compose(&p->tx, 2, 0, 0, -1, "abcdefgh", 9), 1);
	assert_int_equal(imsg_compose(&p->tx, 3, 0, 0, -1, "abc", 4), 1);
	assert_int_equal(imsg_compose(&p->tx, 4, 0, 0, -1, NULL, 0), 1);
	assert_int_equal(imsgbuf_flush(&p->tx), 0);

	drain_one(p, &m);
	memset(s, 'x', sizeof(s));
	errno = 0;
	assert_int_equal(imsg_get_strbuf(&m, s, sizeof(s)), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(s[0], '\0');
	imsg_free(&m);

	drain_one(p, &m);		/* terminated, but too long */
	assert_int_equal(imsg_get_strbuf(&m, s, sizeof(s)), -1);
	assert_int_equal(errno, EBADMSG);
	imsg_free(&m);

	drain_one(p, &m);
	assert_int_equal(imsg_get_strbuf(&m, s, sizeof(s)), 0);
	assert_string_equal(s, "abc");
	imsg_free(&m);

	drain_one(p, &m);
	assert_int_equal(imsg_get_strbuf(&m, s, sizeof(s)), -1);
	imsg_free(&m);
}

/*
 * Fill a small non-blocking socket so that sends come back partial, then
 * drain: every message must arrive intact and in order.
 */
static void
test_partial_write(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	unsigned char	 buf[1500], got[1500];
	struct ibuf	*head;
	int		 sz = 4096, i, j, received = 0, rounds = 0;
	int		 partial = 0;
	size_t		 len;
	const int	 total = 300;

	assert_int_equal(setsockopt(p->sv[0], SOL_SOCKET, SO_SNDBUF, &sz,
	    sizeof(sz)), 0);
	assert_int_equal(setsockopt(p->sv[1], SOL_SOCKET, SO_RCVBUF, &sz,
	    sizeof(sz)), 0);
	assert_int_equal(fcntl(p->sv[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(fcntl(p->sv[1], F_SETFL, O_NONBLOCK), 0);

	for (i = 0; i < total; i++) {
		len = 100 + (size_t)(i * 37) % 1400;
		for (j = 0; j < (int)len; j++)
			buf[j] = (unsigned char)(i + j);
		assert_int_equal(imsg_compose(&p->tx, 1, (uint32_t)i, 0, -1,
		    buf, len), 1);
	}
	/* Write until the socket is full: the queue must not drain. */
	for (j = 0; j < 1000; j++)
		assert_int_equal(imsgbuf_write(&p->tx), 0);
	assert_true(imsgbuf_queuelen(&p->tx) > 0);
	assert_true(imsgbuf_queuelen(&p->tx) < (uint32_t)total);
	/* Nothing read yet: the receiver sees EAGAIN as 1 and no message. */
	assert_int_equal(imsg_get(&p->rx, &m), 0);

	while (received < total) {
		assert_true(++rounds < 100000);
		assert_int_equal(imsgbuf_read(&p->rx), 1);
		while (imsg_get(&p->rx, &m) > 0) {
			len = 100 + (size_t)(received * 37) % 1400;
			assert_int_equal(imsg_get_id(&m), received);
			assert_int_equal(imsg_get_len(&m), len);
			assert_int_equal(imsg_get_data(&m, got, len), 0);
			for (j = 0; j < (int)len; j++)
				assert_int_equal(got[j],
				    (unsigned char)(received + j));
			imsg_free(&m);
			received++;
		}
		assert_int_equal(imsgbuf_write(&p->tx), 0);
		/* White-box: a message half sent, the rest still queued. */
		head = TAILQ_FIRST(&p->tx.w_bufs);
		if (head != NULL && head->rpos > 0)
			partial++;
	}
	assert_true(partial > 0);
	assert_int_equal(imsgbuf_queuelen(&p->tx), 0);
	/* An empty non-blocking socket is EAGAIN, reported as 1. */
	assert_int_equal(imsgbuf_read(&p->rx), 1);

	/* flush() polls through EAGAIN on a non-blocking socket. */
	for (i = 0; i < 50; i++)
		assert_int_equal(imsg_compose(&p->tx, 2, 0, 0, -1, buf,
		    1000), 1);
	if (fork() == 0) {
		/* Child: slow reader so the parent must wait in poll. */
		for (received = 0; received < 50;) {
			usleep(1000);
			if (imsgbuf_read(&p->rx) != 1)
				_exit(1);
			while (imsg_get(&p->rx, &m) > 0) {
				imsg_free(&m);
				received++;
			}
		}
		_exit(0);
	}
	assert_int_equal(imsgbuf_flush(&p->tx), 0);
	{
		int	status;

		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

static void
test_unclaimed_fd(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	int		 pp[2], fd, before;

	assert_int_equal(pipe(pp), 0);
	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, pp[1], NULL, 0), 1);
	assert_int_equal(imsgbuf_flush(&p->tx), 0);
	before = count_fds();
	drain_one(p, &m);
	fd = m.fd;		/* peek without claiming */
	assert_true(fd >= 0);
	assert_true(fd_is_open(fd));
	assert_int_equal(count_fds(), before + 1);
	imsg_free(&m);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(count_fds(), before);
	close(pp[0]);

	/* Queued but unsent fds are closed by imsgbuf_clear. */
	assert_int_equal(pipe(pp), 0);
	assert_int_equal(imsg_compose(&p->tx, 1, 0, 0, pp[1], NULL, 0), 1);
	imsgbuf_clear(&p->tx);
	assert_false(fd_is_open(pp[1]));
	close(pp[0]);
}

/* A header that claims an fd which never came gets -1, not a stale fd. */
static void
test_fd_mark_without_fd(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;

	raw_hdr(p->sv[0], 1, IMSG_FD_MARK | IMSG_HEADER_SIZE);
	drain_one(p, &m);
	assert_int_equal(imsg_get_type(&m), 1);
	assert_int_equal(m.hdr.len, IMSG_HEADER_SIZE);
	assert_int_equal(imsg_get_fd(&m), -1);
	imsg_free(&m);
}

static void
send_fds(int s, const void *data, size_t len, const int *fds, int nfds)
{
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int) * 4)];
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
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
	assert_int_equal(sendmsg(s, &msg, 0), (ssize_t)len);
}

/* A hostile peer sends three fds at once: we keep one, close the rest. */
static void
test_extra_fds(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	struct imsg_hdr	 hdr[2];
	int		 fds[3], before, fd;

	memset(hdr, 0, sizeof(hdr));
	hdr[0].type = 1;
	hdr[0].len = IMSG_FD_MARK | IMSG_HEADER_SIZE;
	hdr[1].type = 2;
	hdr[1].len = IMSG_FD_MARK | IMSG_HEADER_SIZE;
	assert_true((fds[0] = open("/dev/null", O_RDONLY)) >= 0);
	fds[1] = fds[2] = fds[0];
	before = count_fds();
	send_fds(p->sv[0], hdr, sizeof(hdr), fds, 3);
	assert_int_equal(imsgbuf_read(&p->rx), 1);
	assert_int_equal(count_fds(), before + 1);
	assert_true(imsg_get(&p->rx, &m) > 0);
	assert_true((fd = imsg_get_fd(&m)) >= 0);
	close(fd);
	imsg_free(&m);
	/* Only the first marked header of the read gets the fd. */
	assert_true(imsg_get(&p->rx, &m) > 0);
	assert_int_equal(imsg_get_fd(&m), -1);
	imsg_free(&m);
	assert_int_equal(count_fds(), before);
	close(fds[0]);
}

/* Without imsgbuf_allow_fdpass() an incoming fd breaks the channel. */
static void
test_fd_refused(void **state)
{
	struct pair	*p = *state;
	struct imsgbuf	 rx;
	struct imsg	 m;
	struct imsg_hdr	 hdr;
	int		 fd, before;

	assert_int_equal(imsgbuf_init(&rx, p->sv[1]), 0);
	memset(&hdr, 0, sizeof(hdr));
	hdr.len = IMSG_FD_MARK | IMSG_HEADER_SIZE;
	assert_true((fd = open("/dev/null", O_RDONLY)) >= 0);
	before = count_fds();
	send_fds(p->sv[0], &hdr, sizeof(hdr), &fd, 1);
	close(fd);
	assert_int_equal(imsgbuf_read(&rx), 1);
	assert_int_equal(count_fds(), before - 1);
	errno = 0;
	assert_int_equal(imsg_get(&rx, &m), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(imsgbuf_read(&rx), -1);
	imsgbuf_clear(&rx);

	/* No socket, no channel. */
	assert_int_equal(imsgbuf_init(&rx, -1), -1);
	assert_int_equal(errno, EBADF);
}

/* An fd whose header is cut off by the end of a read stays paired. */
static void
test_fd_split_header(void **state)
{
	struct pair	*p = *state;
	struct imsg	 m;
	struct imsg_hdr	 hdr;
	struct stat	 st, sn;
	int		 fd, got;

	memset(&hdr, 0, sizeof(hdr));
	hdr.type = 9;
	hdr.len = IMSG_FD_MARK | (IMSG_HEADER_SIZE + 1);
	assert_true((fd = open("/dev/null", O_RDONLY)) >= 0);
	assert_int_equal(fstat(fd, &sn), 0);
	send_fds(p->sv[0], &hdr, 5, &fd, 1);
	close(fd);
	assert_int_equal(imsgbuf_read(&p->rx), 1);
	assert_int_equal(imsg_get(&p->rx, &m), 0);
	raw_write(p->sv[0], (char *)&hdr + 5, sizeof(hdr) - 5);
	raw_write(p->sv[0], "z", 1);
	drain_one(p, &m);
	assert_int_equal(imsg_get_type(&m), 9);
	assert_true((got = imsg_get_fd(&m)) >= 0);
	assert_int_equal(fstat(got, &st), 0);
	assert_true(st.st_ino == sn.st_ino && st.st_dev == sn.st_dev);
	close(got);
	imsg_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, pair_setup, pair_teardown)
		T(test_roundtrip),
		T(test_create_add_forward),
		T(test_fdpass),
		T(test_two_fds),
		T(test_fd_ends_read),
		T(test_oversized_compose),
		T(test_bad_header),
		T(test_truncated),
		T(test_many_in_one_read),
		T(test_byte_at_a_time),
		T(test_eof),
		T(test_get_data_size),
		T(test_strbuf),
		T(test_partial_write),
		T(test_unclaimed_fd),
		T(test_fd_mark_without_fd),
		T(test_extra_fds),
		T(test_fd_refused),
		T(test_fd_split_header),
#undef T
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
