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


/* RPC frames: length prefix, JSON object, and the four message shapes. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

static int	msg_int(json_t *, const char *, int64_t, int64_t, int64_t *,
		    char *, size_t);

/*
 * How long the frame at the head of buf is, once its header is there.
 * Returns 1 with *len set (payload bytes, the header not counted), 0 when
 * the header is not complete yet, -1 when the length can never be right.
 */
int
frame_length(const unsigned char *buf, size_t avail, size_t max, size_t *len,
    char *why, size_t whylen)
{
	uint32_t	 n;

	if (avail < FRAME_HEADER)
		return (0);
	n = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
	    (uint32_t)buf[2] << 8 | (uint32_t)buf[3];
	if (n == 0) {
		(void)snprintf(why, whylen, "empty frame");
		return (-1);
	}
	if (n > max) {
		(void)snprintf(why, whylen, "frame of %u bytes is over the "
		    "limit of %zu", n, max);
		return (-1);
	}
	*len = n;
	return (1);
}

void
frame_header(unsigned char hdr[FRAME_HEADER], size_t len)
{
	hdr[0] = (unsigned char)(len >> 24);
	hdr[1] = (unsigned char)(len >> 16);
	hdr[2] = (unsigned char)(len >> 8);
	hdr[3] = (unsigned char)len;
}

/*
 * A member that must be an integer in [min, max].  JSON has no integer
 * type of its own; jansson's is what the text spelled without a fraction.
 */
static int
msg_int(json_t *o, const char *key, int64_t min, int64_t max, int64_t *v,
    char *why, size_t whylen)
{
	json_t		*j;
	json_int_t	 n;

	if ((j = json_object_get(o, key)) == NULL || !json_is_integer(j)) {
		(void)snprintf(why, whylen, "\"%s\" is not an integer", key);
		return (-1);
	}
	n = json_integer_value(j);
	if (n < min || n > max) {
		(void)snprintf(why, whylen, "\"%s\" is out of range", key);
		return (-1);
	}
	*v = (int64_t)n;
	return (0);
}

/*
 * Parse a frame's payload into one of the four shapes.  Returns the object
 * (the caller owns it; m's pointers live inside it), or NULL with why.
 */
json_t *
frame_decode(const void *buf, size_t len, struct rpc_msg *m, char *why,
    size_t whylen)
{
	json_error_t	 jerr;
	json_t		*o, *j;
	size_t		 n;

	memset(m, 0, sizeof(*m));
	if (whylen > 0)
		why[0] = '\0';
	if (memchr(buf, '\0', len) != NULL) {
		(void)snprintf(why, whylen, "NUL byte in frame");
		return (NULL);
	}
	if ((o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		(void)snprintf(why, whylen, "not JSON: %s at byte %d",
		    jerr.text, jerr.position);
		return (NULL);
	}
	if (!json_is_object(o)) {
		(void)snprintf(why, whylen, "frame is not a JSON object");
		goto bad;
	}
	n = json_object_size(o);
	if (json_object_get(o, "call") != NULL) {
		m->m_kind = RPC_REQUEST;
		if ((j = json_object_get(o, "as")) != NULL) {
			if (!json_is_string(j) || json_string_length(j) == 0 ||
			    json_string_length(j) > 64 ||
			    strlen(json_string_value(j)) !=
			    json_string_length(j)) {
				(void)snprintf(why, whylen,
				    "\"as\" is not a name");
				goto bad;
			}
			m->m_as = json_string_value(j);
			n--;
		}
		if (n != 3 ||
		    msg_int(o, "id", 0, FRAME_ID_MAX, &m->m_id, why,
		    whylen) == -1)
			goto shape;
		j = json_object_get(o, "call");
		if (!json_is_string(j) || json_string_length(j) == 0 ||
		    json_string_length(j) > 64 ||
		    strlen(json_string_value(j)) != json_string_length(j)) {
			(void)snprintf(why, whylen, "\"call\" is not a name");
			goto bad;
		}
		m->m_call = json_string_value(j);
		if ((m->m_args = json_object_get(o, "args")) == NULL ||
		    !json_is_array(m->m_args)) {
			(void)snprintf(why, whylen, "\"args\" is not an array");
			goto bad;
		}
	} else if ((j = json_object_get(o, "ok")) != NULL) {
		m->m_kind = RPC_REPLY;
		if (n != 3 || !json_is_boolean(j) ||
		    msg_int(o, "id", 0, FRAME_ID_MAX, &m->m_id, why,
		    whylen) == -1)
			goto shape;
		m->m_ok = json_is_true(j);
		if (m->m_ok) {
			if ((m->m_result = json_object_get(o, "result")) ==
			    NULL)
				goto shape;
		} else {
			j = json_object_get(o, "error");
			if (!json_is_string(j))
				goto shape;
			m->m_error = json_string_value(j);
		}
	} else if (json_object_get(o, "seq") != NULL) {
		m->m_kind = RPC_EVENT;
		if (n != 2 ||
		    msg_int(o, "seq", 1, INT64_MAX, &m->m_seq, why,
		    whylen) == -1)
			goto shape;
		if ((m->m_event = json_object_get(o, "event")) == NULL ||
		    !json_is_object(m->m_event)) {
			(void)snprintf(why, whylen, "\"event\" is not an "
			    "object");
			goto bad;
		}
	} else if (json_object_get(o, "ack") != NULL) {
		m->m_kind = RPC_ACK;
		if (n != 1 ||
		    msg_int(o, "ack", 0, INT64_MAX, &m->m_ack, why,
		    whylen) == -1)
			goto shape;
	} else
		goto shape;
	return (o);
 shape:
	if (whylen > 0 && why[0] == '\0')
		(void)snprintf(why, whylen, "frame is not a request, reply, "
		    "event or ack");
 bad:
	json_decref(o);
	memset(m, 0, sizeof(*m));
	return (NULL);
}

/*
 * A whole frame for o, header included, in one allocation, or NULL when
 * it cannot be encoded or would be over max.
 */
char *
frame_encode(json_t *o, size_t max, size_t *len)
{
	char	*text, *frame;
	size_t	 n;

	if ((text = json_dumps(o, JSON_COMPACT)) == NULL)
		return (NULL);
	n = strlen(text);
	if (n == 0 || n > max || (frame = malloc(n + FRAME_HEADER)) == NULL) {
		free(text);
		return (NULL);
	}
	frame_header((unsigned char *)frame, n);
	memcpy(frame + FRAME_HEADER, text, n);
	free(text);
	*len = n + FRAME_HEADER;
	return (frame);
}
