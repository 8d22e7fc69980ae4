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

/* imsg: framed messages and fd passing over a local stream socket. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "imsg.h"

/*
 * A well-behaved peer sends at most one fd per sendmsg; room for a few more
 * lets us see (and close) extras instead of having the kernel truncate.
 */
#define IMSG_RECV_MAXFDS	8

static int	 imsgbuf_write_once(struct imsgbuf *);
static void	 imsgbuf_parse(struct imsgbuf *, const unsigned char *, size_t,
		    int);
static struct ibuf *imsg_new(struct imsgbuf *, uint32_t, uint32_t, uint32_t,
		    size_t);
static void	 imsg_close_fd(int);

/* close(2) that leaves errno alone, for use on error paths. */
static void
imsg_close_fd(int fd)
{
	int	save_errno;

	if (fd < 0)
		return;
	save_errno = errno;
	(void)close(fd);
	errno = save_errno;
}

int
imsgbuf_init(struct imsgbuf *ib, int fd)
{
	memset(ib, 0, sizeof(*ib));
	TAILQ_INIT(&ib->w_bufs);
	TAILQ_INIT(&ib->r_msgs);
	ib->r_hdrfd = -1;
	ib->fd = fd;
	ib->maxsize = MAX_IMSGSIZE;
	ib->pid = getpid();
	if (fd < 0) {
		errno = EBADF;
		return (-1);
	}
	return (0);
}

/*
 * Off by default: a peer that may send fds can fill our fd table or hand
 * us a directory outside the jail, so each channel opts in explicitly.
 */
void
imsgbuf_allow_fdpass(struct imsgbuf *ib)
{
	ib->flags |= IMSGBUF_ALLOW_FDPASS;
}

/* max is the payload limit; bit 31 of hdr.len is taken by IMSG_FD_MARK. */
int
imsgbuf_set_maxsize(struct imsgbuf *ib, uint32_t max)
{
	if (max > (IMSG_FD_MARK - 1) - IMSG_HEADER_SIZE) {
		errno = ERANGE;
		return (-1);
	}
	ib->maxsize = max + IMSG_HEADER_SIZE;
	return (0);
}

uint32_t
imsgbuf_queuelen(struct imsgbuf *ib)
{
	return (ib->w_queued);
}

void
imsgbuf_clear(struct imsgbuf *ib)
{
	struct ibuf	*b;

	while ((b = TAILQ_FIRST(&ib->w_bufs)) != NULL) {
		TAILQ_REMOVE(&ib->w_bufs, b, entry);
		ibuf_free(b);		/* closes an unsent fd */
	}
	ib->w_queued = 0;
	while ((b = TAILQ_FIRST(&ib->r_msgs)) != NULL) {
		TAILQ_REMOVE(&ib->r_msgs, b, entry);
		ibuf_free(b);
	}
	ibuf_free(ib->r_cur);
	ib->r_cur = NULL;
	imsg_close_fd(ib->r_hdrfd);
	ib->r_hdrfd = -1;
	explicit_bzero(ib->r_hdr, sizeof(ib->r_hdr));
	ib->r_hdrlen = 0;
	ib->r_hdrhere = 0;
	ib->r_err = 0;
	free(ib->r_buf);
	ib->r_buf = NULL;
}

/*
 * One sendmsg().  Returns 1 on progress (or nothing to do), 0 if the socket
 * would block, -1 on error.
 */
static int
imsgbuf_write_once(struct imsgbuf *ib)
{
	struct iovec	 iov[IOV_MAX];
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int))];
	}		 cmsgbuf;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct ibuf	*b, *next;
	ssize_t		 n;
	size_t		 sent;
	int		 i = 0, fd = -1;

	TAILQ_FOREACH(b, &ib->w_bufs, entry) {
		if (i >= IOV_MAX)
			break;
		/*
		 * The receiver pairs an fd with the first fd-marked header of
		 * the read it arrives with, so an fd must ride on a sendmsg
		 * that starts with its own header, and only one per sendmsg.
		 */
		if (b->fd != -1) {
			if (i > 0)
				break;
			fd = b->fd;
		}
		iov[i].iov_base = ibuf_data(b);
		iov[i].iov_len = ibuf_size(b);
		i++;
	}
	if (i == 0)
		return (1);

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = i;
	if (fd != -1) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = sizeof(cmsgbuf.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}

	/* MSG_NOSIGNAL: a dead peer is an EPIPE to handle, not a SIGPIPE. */
	while ((n = sendmsg(ib->fd, &msg, MSG_NOSIGNAL)) == -1) {
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			return (0);
		return (-1);
	}

	/* The kernel holds its own reference now; ours is done. */
	if (fd != -1) {
		b = TAILQ_FIRST(&ib->w_bufs);
		(void)close(b->fd);
		b->fd = -1;
	}

	sent = (size_t)n;
	for (b = TAILQ_FIRST(&ib->w_bufs); b != NULL; b = next) {
		next = TAILQ_NEXT(b, entry);
		if (ibuf_size(b) > sent) {
			b->rpos += sent;
			break;
		}
		sent -= ibuf_size(b);
		TAILQ_REMOVE(&ib->w_bufs, b, entry);
		ibuf_free(b);
		ib->w_queued--;
	}
	return (1);
}

int
imsgbuf_write(struct imsgbuf *ib)
{
	int	rv;

	/* An fd rides alone on its sendmsg, so a queue may take several. */
	while (imsgbuf_queuelen(ib) > 0) {
		if ((rv = imsgbuf_write_once(ib)) == -1)
			return (-1);
		if (rv == 0)
			break;
	}
	return (0);
}

/* Blocks until all is sent; poll() makes it safe on non-blocking sockets. */
int
imsgbuf_flush(struct imsgbuf *ib)
{
	struct pollfd	pfd;
	int		rv;

	while (imsgbuf_queuelen(ib) > 0) {
		if ((rv = imsgbuf_write_once(ib)) == -1)
			return (-1);
		if (rv == 1)
			continue;
		pfd.fd = ib->fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (pfd.revents & POLLNVAL) {
			errno = EBADF;
			return (-1);
		}
		/* POLLERR/POLLHUP: the next sendmsg() reports the error. */
	}
	return (0);
}

/*
 * Split received bytes into messages.  claim is the fd that came with this
 * read (or -1); the sender put it on the sendmsg that starts with its
 * header, so it belongs to the first fd-marked header that begins in this
 * read.  A header cut short by the end of the read keeps the fd until it
 * is complete.  Any fd nobody may claim is closed.
 */
static void
imsgbuf_parse(struct imsgbuf *ib, const unsigned char *p, size_t n, int claim)
{
	struct imsg_hdr	 hdr;
	struct ibuf	*b;
	size_t		 k, len;
	int		 fd;

	ib->r_hdrhere = 0;
	while (n > 0 && ib->r_err == 0) {
		if (ib->r_cur == NULL) {
			if (ib->r_hdrlen == 0)
				ib->r_hdrhere = 1;
			k = sizeof(hdr) - ib->r_hdrlen;
			if (k > n)
				k = n;
			memcpy(ib->r_hdr + ib->r_hdrlen, p, k);
			ib->r_hdrlen += k;
			p += k;
			n -= k;
			if (ib->r_hdrlen < sizeof(hdr))
				break;

			memcpy(&hdr, ib->r_hdr, sizeof(hdr));
			ib->r_hdrlen = 0;
			len = hdr.len & ~IMSG_FD_MARK;
			/*
			 * Past a bad length we cannot find the next header:
			 * the stream is lost for good.
			 */
			if (len < IMSG_HEADER_SIZE || len > ib->maxsize) {
				ib->r_err = ERANGE;
				break;
			}
			fd = -1;
			if (hdr.len & IMSG_FD_MARK) {
				if (ib->r_hdrhere) {
					fd = claim;
					claim = -1;
				} else {
					fd = ib->r_hdrfd;
					ib->r_hdrfd = -1;
				}
			}
			imsg_close_fd(ib->r_hdrfd);
			ib->r_hdrfd = -1;
			hdr.len = (uint32_t)len;
			if ((b = ibuf_open(len)) == NULL) {
				imsg_close_fd(fd);
				ib->r_err = errno;
				break;
			}
			(void)ibuf_add(b, &hdr, sizeof(hdr));
			b->fd = fd;
			ib->r_cur = b;
		}
		k = ibuf_room(ib->r_cur);
		if (k > n)
			k = n;
		(void)ibuf_add(ib->r_cur, p, k);
		p += k;
		n -= k;
		if (ibuf_room(ib->r_cur) == 0) {
			TAILQ_INSERT_TAIL(&ib->r_msgs, ib->r_cur, entry);
			ib->r_cur = NULL;
		}
	}

	if (claim != -1) {
		if (ib->r_err == 0 && ib->r_cur == NULL && ib->r_hdrlen > 0 &&
		    ib->r_hdrhere && ib->r_hdrfd == -1)
			ib->r_hdrfd = claim;
		else
			imsg_close_fd(claim);
	}
	if (ib->r_err != 0) {
		imsg_close_fd(ib->r_hdrfd);
		ib->r_hdrfd = -1;
	}
}

int
imsgbuf_read(struct imsgbuf *ib)
{
	union {
		struct cmsghdr	hdr;
		unsigned char	buf[CMSG_SPACE(sizeof(int) *
				    IMSG_RECV_MAXFDS)];
	}		 cmsgbuf;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cmsg;
	ssize_t		 n;
	size_t		 i, nfds;
	int		 f, fd = -1, refused = 0;

	ib->r_fdlast = 0;
	if (ib->r_err != 0) {
		errno = ib->r_err;
		return (-1);
	}
	if (ib->r_buf == NULL &&
	    (ib->r_buf = malloc(IMSG_READ_SIZE)) == NULL)
		return (-1);

	memset(&msg, 0, sizeof(msg));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = ib->r_buf;
	iov.iov_len = IMSG_READ_SIZE;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);

	/* CLOEXEC: a received fd must not leak into a program we exec. */
	while ((n = recvmsg(ib->fd, &msg, MSG_CMSG_CLOEXEC)) == -1) {
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return (1);
		return (-1);
	}

	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS ||
		    cmsg->cmsg_len < CMSG_LEN(0))
			continue;
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfds; i++) {
			memcpy(&f, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(int));
			if (!(ib->flags & IMSGBUF_ALLOW_FDPASS)) {
				refused = 1;
				imsg_close_fd(f);
			} else if (fd == -1)
				fd = f;
			else
				imsg_close_fd(f);	/* one per read */
		}
	}

	if (n == 0) {
		imsg_close_fd(fd);
		return (0);
	}
	/* The kernel ends a read with a message carrying fds. */
	ib->r_fdlast = fd != -1 || refused;
	/*
	 * An fd on a channel that never allowed them means the peer is not
	 * the program we think it is: fail closed instead of guessing.
	 */
	if (refused)
		ib->r_err = EPERM;
	else
		imsgbuf_parse(ib, ib->r_buf, (size_t)n, fd);
	explicit_bzero(ib->r_buf, (size_t)n);
	return (1);
}

int
imsgbuf_get(struct imsgbuf *ib, struct imsg *imsg)
{
	struct ibuf	*b;

	memset(imsg, 0, sizeof(*imsg));
	imsg->fd = -1;
	/* Messages completed before the stream broke are still valid. */
	if ((b = TAILQ_FIRST(&ib->r_msgs)) == NULL) {
		if (ib->r_err != 0) {
			errno = ib->r_err;
			return (-1);
		}
		return (0);
	}
	TAILQ_REMOVE(&ib->r_msgs, b, entry);
	(void)ibuf_get(b, &imsg->hdr, sizeof(imsg->hdr));
	imsg->fd = ibuf_fd_get(b);
	imsg->buf = b;
	imsg->data = ibuf_size(b) > 0 ? ibuf_data(b) : NULL;
	return (1);
}

/* Returns the whole length, header included, so an empty message is not 0. */
ssize_t
imsg_get(struct imsgbuf *ib, struct imsg *imsg)
{
	int	rv;

	if ((rv = imsgbuf_get(ib, imsg)) != 1)
		return (rv);
	return ((ssize_t)imsg->hdr.len);
}

static struct ibuf *
imsg_new(struct imsgbuf *ib, uint32_t type, uint32_t id, uint32_t pid,
    size_t datalen)
{
	struct imsg_hdr	 hdr;
	struct ibuf	*b;

	if (datalen > ib->maxsize - IMSG_HEADER_SIZE) {
		errno = ERANGE;
		return (NULL);
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.peerid = id;
	hdr.pid = pid;
	if ((b = ibuf_dynamic(IMSG_HEADER_SIZE + datalen, ib->maxsize)) == NULL)
		return (NULL);
	if (ibuf_add(b, &hdr, sizeof(hdr)) == -1) {
		ibuf_free(b);
		return (NULL);
	}
	return (b);
}

/* datalen sizes the buffer; imsg_add() may still grow it up to maxsize. */
struct ibuf *
imsg_create(struct imsgbuf *ib, uint32_t type, uint32_t id, pid_t pid,
    size_t datalen)
{
	if (pid == 0)
		pid = ib->pid;
	return (imsg_new(ib, type, id, (uint32_t)pid, datalen));
}

/* On failure the message is freed, so callers need no cleanup path. */
int
imsg_add(struct ibuf *msg, const void *data, size_t len)
{
	if (msg == NULL) {
		errno = EINVAL;
		return (-1);
	}
	if (ibuf_add(msg, data, len) == -1) {
		ibuf_free(msg);
		return (-1);
	}
	return (1);
}

void
imsg_close(struct imsgbuf *ib, struct ibuf *msg)
{
	uint32_t	len;

	if (msg == NULL)
		return;
	len = (uint32_t)ibuf_size(msg);
	if (msg->fd != -1)
		len |= IMSG_FD_MARK;
	(void)ibuf_set(msg, offsetof(struct imsg_hdr, len), &len, sizeof(len));
	TAILQ_INSERT_TAIL(&ib->w_bufs, msg, entry);
	ib->w_queued++;
}

int
imsg_compose(struct imsgbuf *ib, uint32_t type, uint32_t id, pid_t pid,
    int fd, const void *data, size_t datalen)
{
	struct iovec	iov;

	iov.iov_base = (void *)(uintptr_t)data;
	iov.iov_len = datalen;
	return (imsg_composev(ib, type, id, pid, fd, &iov, datalen ? 1 : 0));
}

int
imsg_composev(struct imsgbuf *ib, uint32_t type, uint32_t id, pid_t pid,
    int fd, const struct iovec *iov, int iovcnt)
{
	struct ibuf	*b;
	size_t		 len = 0;
	int		 i;

	if (fd < 0)
		fd = -1;
	if (iovcnt < 0) {
		errno = EINVAL;
		goto fail;
	}
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > SIZE_MAX - len) {
			errno = ERANGE;
			goto fail;
		}
		len += iov[i].iov_len;
	}
	if ((b = imsg_create(ib, type, id, pid, len)) == NULL)
		goto fail;
	for (i = 0; i < iovcnt; i++)
		if (imsg_add(b, iov[i].iov_base, iov[i].iov_len) == -1)
			goto fail;
	b->fd = fd;
	imsg_close(ib, b);
	return (1);

 fail:
	/* The fd was handed to us; on failure nobody else will close it. */
	imsg_close_fd(fd);
	return (-1);
}

/* Takes buf over in all cases.  fds go through imsg_compose() instead. */
int
imsg_compose_ibuf(struct imsgbuf *ib, uint32_t type, uint32_t id, pid_t pid,
    struct ibuf *buf)
{
	int	rv;

	if (buf == NULL) {
		errno = EINVAL;
		return (-1);
	}
	if (buf->fd != -1) {
		ibuf_free(buf);
		errno = EINVAL;
		return (-1);
	}
	rv = imsg_compose(ib, type, id, pid, -1, ibuf_data(buf),
	    ibuf_size(buf));
	ibuf_free(buf);
	return (rv);
}

/*
 * Requeue a received message unchanged (its pid included, so replies can
 * be routed back).  Its fd, if any, stays with msg: use imsg_compose().
 */
int
imsg_forward(struct imsgbuf *ib, struct imsg *msg)
{
	struct ibuf	*b;
	size_t		 len;

	len = imsg_get_len(msg);
	if ((b = imsg_new(ib, msg->hdr.type, msg->hdr.peerid, msg->hdr.pid,
	    len)) == NULL)
		return (-1);
	if (len > 0 && imsg_add(b, msg->data, len) == -1)
		return (-1);
	imsg_close(ib, b);
	return (1);
}

int
imsg_get_fd(struct imsg *imsg)
{
	int	fd;

	fd = imsg->fd;
	imsg->fd = -1;
	return (fd);
}

/* Exact size only: a short or long payload is a peer out of sync. */
int
imsg_get_data(struct imsg *imsg, void *data, size_t len)
{
	if (imsg->buf == NULL || ibuf_size(imsg->buf) != len) {
		errno = EBADMSG;
		return (-1);
	}
	return (ibuf_get(imsg->buf, data, len));
}

int
imsg_get_buf(struct imsg *imsg, void *data, size_t len)
{
	if (imsg->buf == NULL) {
		errno = EBADMSG;
		return (-1);
	}
	return (ibuf_get(imsg->buf, data, len));
}

/*
 * The rest of the payload as a string: it must fit in size bytes and hold
 * a NUL, which covers both a full char[size] field and a strlen()+1 string.
 */
int
imsg_get_strbuf(struct imsg *imsg, char *str, size_t size)
{
	size_t	n;

	n = imsg->buf == NULL ? 0 : ibuf_size(imsg->buf);
	if (size == 0 || n == 0 || n > size ||
	    memchr(ibuf_data(imsg->buf), '\0', n) == NULL) {
		if (size > 0)
			str[0] = '\0';
		errno = EBADMSG;
		return (-1);
	}
	(void)ibuf_get(imsg->buf, str, n);
	memset(str + n, 0, size - n);
	return (0);
}

/* A view of the unread payload; it dies with imsg_free(). */
int
imsg_get_ibuf(struct imsg *imsg, struct ibuf *view)
{
	if (imsg->buf == NULL) {
		ibuf_from_buffer(view, NULL, 0);
		return (0);
	}
	ibuf_from_buffer(view, ibuf_data(imsg->buf), ibuf_size(imsg->buf));
	return (0);
}

uint32_t
imsg_get_type(struct imsg *imsg)
{
	return (imsg->hdr.type);
}

uint32_t
imsg_get_id(struct imsg *imsg)
{
	return (imsg->hdr.peerid);
}

pid_t
imsg_get_pid(struct imsg *imsg)
{
	return ((pid_t)imsg->hdr.pid);
}

/* Payload length as received, whatever has been read from it since. */
size_t
imsg_get_len(struct imsg *imsg)
{
	if (imsg->hdr.len < IMSG_HEADER_SIZE)
		return (0);
	return (imsg->hdr.len - IMSG_HEADER_SIZE);
}

void
imsg_free(struct imsg *imsg)
{
	imsg_close_fd(imsg->fd);
	ibuf_free(imsg->buf);
	memset(imsg, 0, sizeof(*imsg));
	imsg->fd = -1;
}
