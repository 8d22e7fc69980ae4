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

/* Byte buffers: growable writers and bounded readers for peer input. */

#include <sys/types.h>

#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

static int	 ibuf_realloc(struct ibuf *, size_t);
static void	*ibuf_at(const struct ibuf *, size_t);
static int	 ibuf_add_n(struct ibuf *, uint64_t, uint64_t, const void *,
		    size_t);

/*
 * Pointer to offset off of the storage.  Empty buffers may have no storage,
 * and NULL + 0 is undefined behaviour, so that case is kept apart.
 */
static void *
ibuf_at(const struct ibuf *b, size_t off)
{
	if (b->buf == NULL)
		return (NULL);
	return (b->buf + off);
}

struct ibuf *
ibuf_open(size_t size)
{
	struct ibuf	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return (NULL);
	if (size > 0 && (b->buf = calloc(size, 1)) == NULL) {
		free(b);
		return (NULL);
	}
	b->size = b->max = size;
	b->fd = -1;
	return (b);
}

struct ibuf *
ibuf_dynamic(size_t len, size_t max)
{
	struct ibuf	*b;

	/* A limit below the initial size is a caller bug, not a resize. */
	if (max == 0 || len > max) {
		errno = EINVAL;
		return (NULL);
	}
	if ((b = ibuf_open(len)) == NULL)
		return (NULL);
	b->max = max;
	return (b);
}

/* Make room for len more bytes; doubling keeps appends amortised O(1). */
static int
ibuf_realloc(struct ibuf *b, size_t len)
{
	unsigned char	*p;
	size_t		 need, nsize;

	if (b->flags & IBUF_FL_READONLY) {
		errno = EPERM;
		return (-1);
	}
	if (len > SIZE_MAX - b->wpos || b->wpos + len > b->max) {
		errno = ERANGE;
		return (-1);
	}
	need = b->wpos + len;
	if (need <= b->size)
		return (0);
	nsize = b->size < 64 ? 64 : b->size;
	while (nsize < need && nsize <= SIZE_MAX / 2)
		nsize *= 2;
	if (nsize < need || nsize > b->max)
		nsize = b->max;
	/* recallocarray zeroes the old block before freeing it. */
	if ((p = recallocarray(b->buf, b->size, nsize, 1)) == NULL)
		return (-1);
	b->buf = p;
	b->size = nsize;
	return (0);
}

void *
ibuf_reserve(struct ibuf *b, size_t len)
{
	void	*p;

	if (ibuf_realloc(b, len) == -1)
		return (NULL);
	p = ibuf_at(b, b->wpos);
	b->wpos += len;
	return (p);
}

int
ibuf_add(struct ibuf *b, const void *data, size_t len)
{
	void	*p;

	if ((p = ibuf_reserve(b, len)) == NULL && len > 0)
		return (-1);
	if (len > 0)
		memcpy(p, data, len);
	return (0);
}

int
ibuf_add_ibuf(struct ibuf *b, const struct ibuf *from)
{
	return (ibuf_add(b, ibuf_data(from), ibuf_size(from)));
}

int
ibuf_add_zero(struct ibuf *b, size_t len)
{
	void	*p;

	if ((p = ibuf_reserve(b, len)) == NULL && len > 0)
		return (-1);
	if (len > 0)
		memset(p, 0, len);
	return (0);
}

/* Values wider than the field are refused rather than silently truncated. */
static int
ibuf_add_n(struct ibuf *b, uint64_t value, uint64_t limit, const void *p,
    size_t len)
{
	if (value > limit) {
		errno = EINVAL;
		return (-1);
	}
	return (ibuf_add(b, p, len));
}

int
ibuf_add_n8(struct ibuf *b, uint64_t value)
{
	uint8_t	v = (uint8_t)value;

	return (ibuf_add_n(b, value, UINT8_MAX, &v, sizeof(v)));
}

int
ibuf_add_n16(struct ibuf *b, uint64_t value)
{
	uint16_t	v = htobe16((uint16_t)value);

	return (ibuf_add_n(b, value, UINT16_MAX, &v, sizeof(v)));
}

int
ibuf_add_n32(struct ibuf *b, uint64_t value)
{
	uint32_t	v = htobe32((uint32_t)value);

	return (ibuf_add_n(b, value, UINT32_MAX, &v, sizeof(v)));
}

int
ibuf_add_n64(struct ibuf *b, uint64_t value)
{
	uint64_t	v = htobe64(value);

	return (ibuf_add(b, &v, sizeof(v)));
}

int
ibuf_add_h16(struct ibuf *b, uint64_t value)
{
	uint16_t	v = (uint16_t)value;

	return (ibuf_add_n(b, value, UINT16_MAX, &v, sizeof(v)));
}

int
ibuf_add_h32(struct ibuf *b, uint64_t value)
{
	uint32_t	v = (uint32_t)value;

	return (ibuf_add_n(b, value, UINT32_MAX, &v, sizeof(v)));
}

int
ibuf_add_h64(struct ibuf *b, uint64_t value)
{
	return (ibuf_add(b, &value, sizeof(value)));
}

/* Patch len bytes at offset pos of the unread data (e.g. a length field). */
void *
ibuf_seek(struct ibuf *b, size_t pos, size_t len)
{
	if (pos > ibuf_size(b) || len > ibuf_size(b) - pos) {
		errno = ERANGE;
		return (NULL);
	}
	return (ibuf_at(b, b->rpos + pos));
}

int
ibuf_set(struct ibuf *b, size_t pos, const void *data, size_t len)
{
	void	*p;

	if (b->flags & IBUF_FL_READONLY) {
		errno = EPERM;
		return (-1);
	}
	if ((p = ibuf_seek(b, pos, len)) == NULL && len > 0)
		return (-1);
	if (len > 0)
		memcpy(p, data, len);
	return (0);
}

/* Bytes not consumed yet: what a writer built, or what a reader has left. */
size_t
ibuf_size(const struct ibuf *b)
{
	return (b->wpos - b->rpos);
}

/*
 * Same as ibuf_size(): parsers call this to prove nothing trails a message,
 * so it must never answer 0 while unread bytes remain.
 */
size_t
ibuf_left(const struct ibuf *b)
{
	return (ibuf_size(b));
}

/* How many more bytes a writer may append (0 for a read-only view). */
size_t
ibuf_room(const struct ibuf *b)
{
	if (b->flags & IBUF_FL_READONLY)
		return (0);
	return (b->max - b->wpos);
}

void *
ibuf_data(const struct ibuf *b)
{
	return (ibuf_at(b, b->rpos));
}

void
ibuf_rewind(struct ibuf *b)
{
	b->rpos = 0;
}

/* The buffer owns fd from now on: ibuf_free() closes it if still set. */
void
ibuf_fd_set(struct ibuf *b, int fd)
{
	if (b->fd != -1)
		(void)close(b->fd);
	b->fd = fd;
}

/* Hands the fd over to the caller; later calls return -1. */
int
ibuf_fd_get(struct ibuf *b)
{
	int	fd;

	fd = b->fd;
	b->fd = -1;
	return (fd);
}

void
ibuf_free(struct ibuf *b)
{
	int	save_errno;

	if (b == NULL)
		return;
	save_errno = errno;
	if (b->fd != -1)
		(void)close(b->fd);
	/* Buffers carry keys and attacker data alike: wipe before release. */
	if (!(b->flags & IBUF_FL_READONLY))
		freezero(b->buf, b->size);
	free(b);
	errno = save_errno;
}

void
ibuf_from_buffer(struct ibuf *b, const void *data, size_t len)
{
	memset(b, 0, sizeof(*b));
	/*
	 * The storage pointer is not const because writers share the struct;
	 * the READONLY flag is what stops anyone writing through it.
	 */
	b->buf = len > 0 ? (unsigned char *)(uintptr_t)data : NULL;
	b->size = b->max = b->wpos = len;
	b->fd = -1;
	b->flags = IBUF_FL_READONLY;
}

int
ibuf_get(struct ibuf *b, void *dst, size_t len)
{
	if (len > ibuf_size(b)) {
		errno = EBADMSG;
		return (-1);
	}
	if (len > 0)
		memcpy(dst, ibuf_data(b), len);
	b->rpos += len;
	return (0);
}

int
ibuf_get_n8(struct ibuf *b, uint8_t *v)
{
	return (ibuf_get(b, v, sizeof(*v)));
}

int
ibuf_get_n16(struct ibuf *b, uint16_t *v)
{
	uint16_t	x;

	if (ibuf_get(b, &x, sizeof(x)) == -1)
		return (-1);
	*v = be16toh(x);
	return (0);
}

int
ibuf_get_n32(struct ibuf *b, uint32_t *v)
{
	uint32_t	x;

	if (ibuf_get(b, &x, sizeof(x)) == -1)
		return (-1);
	*v = be32toh(x);
	return (0);
}

int
ibuf_get_n64(struct ibuf *b, uint64_t *v)
{
	uint64_t	x;

	if (ibuf_get(b, &x, sizeof(x)) == -1)
		return (-1);
	*v = be64toh(x);
	return (0);
}

int
ibuf_get_h16(struct ibuf *b, uint16_t *v)
{
	return (ibuf_get(b, v, sizeof(*v)));
}

int
ibuf_get_h32(struct ibuf *b, uint32_t *v)
{
	return (ibuf_get(b, v, sizeof(*v)));
}

int
ibuf_get_h64(struct ibuf *b, uint64_t *v)
{
	return (ibuf_get(b, v, sizeof(*v)));
}

/* A read-only view of the next len bytes, valid as long as b's storage. */
int
ibuf_get_ibuf(struct ibuf *b, size_t len, struct ibuf *view)
{
	if (len > ibuf_size(b)) {
		errno = EBADMSG;
		return (-1);
	}
	ibuf_from_buffer(view, ibuf_data(b), len);
	b->rpos += len;
	return (0);
}

/*
 * A fixed-size char[dstlen] field from a peer.  Nothing guarantees the
 * sender terminated it, so a field without a NUL is refused outright.
 */
int
ibuf_get_strbuf(struct ibuf *b, char *dst, size_t dstlen)
{
	if (dstlen == 0 || dstlen > ibuf_size(b) ||
	    memchr(ibuf_data(b), '\0', dstlen) == NULL) {
		if (dstlen > 0)
			dst[0] = '\0';
		errno = EBADMSG;
		return (-1);
	}
	memcpy(dst, ibuf_data(b), dstlen);
	b->rpos += dstlen;
	return (0);
}

/*
 * len bytes as a new NUL-terminated string.  A NUL is allowed only as the
 * last byte: an embedded one would make the string we act on differ from
 * the bytes the peer sent (and from what a length check saw).
 */
char *
ibuf_get_string(struct ibuf *b, size_t len)
{
	const char	*src;
	char		*s;
	size_t		 n;

	if (len > ibuf_size(b) || len == SIZE_MAX) {
		errno = EBADMSG;
		return (NULL);
	}
	src = ibuf_data(b);
	n = len;
	if (n > 0 && src[n - 1] == '\0')
		n--;
	if (n > 0 && memchr(src, '\0', n) != NULL) {
		errno = EBADMSG;
		return (NULL);
	}
	if ((s = malloc(n + 1)) == NULL)
		return (NULL);
	if (n > 0)
		memcpy(s, src, n);
	s[n] = '\0';
	b->rpos += len;
	return (s);
}

int
ibuf_skip(struct ibuf *b, size_t len)
{
	if (len > ibuf_size(b)) {
		errno = EBADMSG;
		return (-1);
	}
	b->rpos += len;
	return (0);
}
