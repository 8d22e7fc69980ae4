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
 * libFuzzer target for what a peer's bytes meet first on an RPC link:
 * the frame decoder, then the call table's checks and the conversion to
 * honeyspyctl's words.  Nothing may crash, and whatever is accepted must
 * be one of the four shapes with its members of the right types.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calls.h"
#include "frame.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct call_def	*cd, *inner;
	struct rpc_msg		 m;
	json_t			*o;
	char			 why[512], **argv;
	size_t			 flen;
	int			 r, argc, role, node;

	/* The length prefix, against a small limit and the default one. */
	r = frame_length(data, len, 4096, &flen, why, sizeof(why));
	if (r == 1 && (flen == 0 || flen > 4096))
		abort();
	if (len < 2)
		return (0);
	role = 1 << (data[0] % 3);
	node = data[0] & 0x80 ? NODE_MASTER : NODE_SENSOR;
	if ((o = frame_decode(data + 1, len - 1, &m, why, sizeof(why))) ==
	    NULL) {
		if (why[0] == '\0')
			abort();
		return (0);
	}
	switch (m.m_kind) {
	case RPC_REQUEST:
		if (m.m_call == NULL || !json_is_array(m.m_args) ||
		    m.m_id < 0)
			abort();
		if ((cd = call_find(m.m_call, node)) == NULL)
			break;
		if (call_check(cd, role, m.m_args, 0, why, sizeof(why)) == -1)
			break;
		if (strcmp(cd->cd_name, "runOnNode") == 0 &&
		    json_array_size(m.m_args) >= 2 &&
		    (inner = call_find(json_string_value(
		    json_array_get(m.m_args, 1)), NODE_SENSOR)) != NULL)
			(void)call_check(inner, ROLE_MASTER, m.m_args, 2, why,
			    sizeof(why));
		if ((argv = call_argv(cd, m.m_args, 0, &argc)) == NULL)
			abort();
		call_argv_free(argv, argc);
		break;
	case RPC_REPLY:
		if (m.m_ok ? m.m_result == NULL : m.m_error == NULL)
			abort();
		break;
	case RPC_EVENT:
		if (m.m_seq < 1 || !json_is_object(m.m_event))
			abort();
		break;
	case RPC_ACK:
		if (m.m_ack < 0)
			abort();
		break;
	}
	json_decref(o);
	return (0);
}
