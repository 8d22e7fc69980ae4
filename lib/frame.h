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
 * RPC frames (DESIGN.md section 3): a 4-byte big-endian length, then one
 * UTF-8 JSON object.  The decoder is the first thing that reads a peer's
 * bytes, so it trusts nothing: sizes are checked before anything is
 * allocated, and an object must have exactly the members of one of the
 * four message shapes.
 */

#ifndef HS_FRAME_H
#define HS_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define FRAME_HEADER		4
#define FRAME_MAX_DEFAULT	(1024 * 1024)
#define FRAME_ID_MAX		((int64_t)1 << 53)	/* exact in JSON */

enum rpc_kind {
	RPC_REQUEST,	/* {"id":N,"call":"name","args":[...]} */
	RPC_REPLY,	/* {"id":N,"ok":true,"result":...} or ok:false, error */
	RPC_EVENT,	/* {"seq":N,"event":{...}} */
	RPC_ACK		/* {"ack":N} */
};

struct rpc_msg {
	enum rpc_kind	 m_kind;
	int64_t		 m_id;		/* request, reply */
	const char	*m_call;	/* request */
	json_t		*m_args;	/* request: an array */
	const char	*m_as;		/* request: on whose behalf; */
					/*   only a local link may say */
	int		 m_ok;		/* reply */
	json_t		*m_result;	/* reply, when ok */
	const char	*m_error;	/* reply, when not ok */
	int64_t		 m_seq;		/* event */
	json_t		*m_event;	/* event: an object */
	int64_t		 m_ack;		/* ack */
};

int	 frame_length(const unsigned char *, size_t, size_t, size_t *,
	    char *, size_t);
void	 frame_header(unsigned char [FRAME_HEADER], size_t);
json_t	*frame_decode(const void *, size_t, struct rpc_msg *, char *, size_t);
char	*frame_encode(json_t *, size_t, size_t *);

#endif /* HS_FRAME_H */
