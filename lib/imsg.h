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

/* imsg: typed messages, maybe with an fd, over a local stream socket. */

#ifndef HS_IMSG_H
#define HS_IMSG_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/uio.h>

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define IMSG_HEADER_SIZE	sizeof(struct imsg_hdr)
#define MAX_IMSGSIZE		16384		/* default, header included */
#define IMSG_FD_MARK		0x80000000U	/* in hdr.len: an fd follows */
#define IMSG_READ_SIZE		65536		/* one recvmsg at most */

/* On the wire, host byte order: both ends share one host. */
struct imsg_hdr {
	uint32_t	type;
	uint32_t	len;		/* header + payload, | IMSG_FD_MARK */
	uint32_t	peerid;
	uint32_t	pid;
};

struct imsg {
	struct imsg_hdr	 hdr;
	void		*data;		/* payload, NULL if empty */
	struct ibuf	*buf;		/* internal: storage and read cursor */
	int		 fd;		/* internal: use imsg_get_fd() */
};

/* Treat as opaque: members are private to imsg.c. */
struct imsgbuf {
	TAILQ_HEAD(, ibuf)	 w_bufs;	/* output queue */
	uint32_t		 w_queued;
	TAILQ_HEAD(, ibuf)	 r_msgs;	/* complete input messages */
	struct ibuf		*r_cur;		/* message being assembled */
	unsigned char		*r_buf;		/* recvmsg scratch */
	unsigned char		 r_hdr[sizeof(struct imsg_hdr)]; /* partial */
	size_t			 r_hdrlen;
	int			 r_hdrfd;	/* fd for the header in r_hdr */
	int			 r_hdrhere;	/* r_hdr began in this read */
	int			 r_err;		/* errno: stream broken */
	int			 r_fdlast;	/* last read ended with an fd */
	int			 fd;
	int			 flags;
	uint32_t		 maxsize;	/* header included */
	pid_t			 pid;
};

#define IMSGBUF_ALLOW_FDPASS	0x01

/*
 * Return values: imsgbuf_init/set_maxsize/write/flush 0 or -1;
 * imsgbuf_read 1 (data or EAGAIN), 0 (EOF), -1; imsg_get the full length
 * including the header (never 0 for a message), 0 if none is complete,
 * -1 once the stream is broken (ERANGE: bad length; EPERM: an fd arrived
 * without imsgbuf_allow_fdpass()); imsgbuf_get 1/0/-1; compose family
 * 1 or -1.  A fd given to the compose family belongs to the library.
 */
int	 imsgbuf_init(struct imsgbuf *, int);
void	 imsgbuf_allow_fdpass(struct imsgbuf *);
int	 imsgbuf_set_maxsize(struct imsgbuf *, uint32_t);
int	 imsgbuf_read(struct imsgbuf *);
int	 imsgbuf_write(struct imsgbuf *);
int	 imsgbuf_flush(struct imsgbuf *);
void	 imsgbuf_clear(struct imsgbuf *);
uint32_t imsgbuf_queuelen(struct imsgbuf *);
int	 imsgbuf_get(struct imsgbuf *, struct imsg *);
ssize_t	 imsg_get(struct imsgbuf *, struct imsg *);

int	 imsg_compose(struct imsgbuf *, uint32_t, uint32_t, pid_t, int,
	    const void *, size_t);
int	 imsg_composev(struct imsgbuf *, uint32_t, uint32_t, pid_t, int,
	    const struct iovec *, int);
int	 imsg_compose_ibuf(struct imsgbuf *, uint32_t, uint32_t, pid_t,
	    struct ibuf *);
int	 imsg_forward(struct imsgbuf *, struct imsg *);
struct ibuf *imsg_create(struct imsgbuf *, uint32_t, uint32_t, pid_t, size_t);
int	 imsg_add(struct ibuf *, const void *, size_t);
void	 imsg_close(struct imsgbuf *, struct ibuf *);

int	 imsg_get_fd(struct imsg *);
int	 imsg_get_data(struct imsg *, void *, size_t);
int	 imsg_get_buf(struct imsg *, void *, size_t);
int	 imsg_get_strbuf(struct imsg *, char *, size_t);
int	 imsg_get_ibuf(struct imsg *, struct ibuf *);
uint32_t imsg_get_type(struct imsg *);
uint32_t imsg_get_id(struct imsg *);
pid_t	 imsg_get_pid(struct imsg *);
size_t	 imsg_get_len(struct imsg *);
void	 imsg_free(struct imsg *);

#endif /* HS_IMSG_H */
