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

/* Byte buffers for the imsg write queue and the bounded parsers. */

#ifndef HS_BUF_H
#define HS_BUF_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

/*
 * Data lives in buf[rpos..wpos).  Writers append at wpos and may grow the
 * storage up to max; readers consume from rpos and never pass wpos.
 * A read-only view (ibuf_from_buffer) borrows someone else's memory, cannot
 * be written to and must never be passed to ibuf_free().
 */
struct ibuf {
	TAILQ_ENTRY(ibuf)	 entry;	/* used by the imsg write queue */
	unsigned char		*buf;
	size_t			 size;	/* bytes allocated */
	size_t			 max;	/* growth limit; == size if fixed */
	size_t			 wpos;	/* end of data */
	size_t			 rpos;	/* next byte a reader gets */
	int			 fd;	/* fd to pass along, or -1 */
	int			 flags;
};

#define IBUF_FL_READONLY	0x01	/* view: not ours to write or free */

/*
 * Writers.  ibuf_size() and ibuf_left() both count the bytes not read
 * yet (check either is 0 after parsing); ibuf_room() is what may still be
 * appended.  ibuf_seek()/ibuf_set() offsets count from the read position.
 */
struct ibuf	*ibuf_open(size_t);
struct ibuf	*ibuf_dynamic(size_t, size_t);
int		 ibuf_add(struct ibuf *, const void *, size_t);
int		 ibuf_add_ibuf(struct ibuf *, const struct ibuf *);
int		 ibuf_add_zero(struct ibuf *, size_t);
int		 ibuf_add_n8(struct ibuf *, uint64_t);
int		 ibuf_add_n16(struct ibuf *, uint64_t);
int		 ibuf_add_n32(struct ibuf *, uint64_t);
int		 ibuf_add_n64(struct ibuf *, uint64_t);
int		 ibuf_add_h16(struct ibuf *, uint64_t);
int		 ibuf_add_h32(struct ibuf *, uint64_t);
int		 ibuf_add_h64(struct ibuf *, uint64_t);
void		*ibuf_reserve(struct ibuf *, size_t);
void		*ibuf_seek(struct ibuf *, size_t, size_t);
int		 ibuf_set(struct ibuf *, size_t, const void *, size_t);
size_t		 ibuf_size(const struct ibuf *);
size_t		 ibuf_left(const struct ibuf *);
size_t		 ibuf_room(const struct ibuf *);
void		*ibuf_data(const struct ibuf *);
void		 ibuf_rewind(struct ibuf *);
void		 ibuf_fd_set(struct ibuf *, int);
int		 ibuf_fd_get(struct ibuf *);
void		 ibuf_free(struct ibuf *);

/* Read-only view of memory owned by the caller. */
void		 ibuf_from_buffer(struct ibuf *, const void *, size_t);

/*
 * Bounded readers: each fails with -1 and errno EBADMSG on short input,
 * consumes nothing on failure and never reads past the end.
 */
int		 ibuf_get(struct ibuf *, void *, size_t);
int		 ibuf_get_n8(struct ibuf *, uint8_t *);
int		 ibuf_get_n16(struct ibuf *, uint16_t *);
int		 ibuf_get_n32(struct ibuf *, uint32_t *);
int		 ibuf_get_n64(struct ibuf *, uint64_t *);
int		 ibuf_get_h16(struct ibuf *, uint16_t *);
int		 ibuf_get_h32(struct ibuf *, uint32_t *);
int		 ibuf_get_h64(struct ibuf *, uint64_t *);
int		 ibuf_get_ibuf(struct ibuf *, size_t, struct ibuf *);
int		 ibuf_get_strbuf(struct ibuf *, char *, size_t);
char		*ibuf_get_string(struct ibuf *, size_t);
int		 ibuf_skip(struct ibuf *, size_t);

#endif /* HS_BUF_H */
