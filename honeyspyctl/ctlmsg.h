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
 * Control requests and replies, shared by honeyspyctl and the rpc child:
 * both ask a node's parent the same questions the same way.
 */

#ifndef HS_CTL_CTLMSG_H
#define HS_CTL_CTLMSG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "imsg.h"
#include "output.h"
#include "parser.h"

#define CTL_REPLY_MORE		0
#define CTL_REPLY_DONE		1
#define CTL_REPLY_FAILED	2

int	 ctl_request(const struct parse_result *, uint32_t *, const void **,
	    size_t *);
int	 ctl_reply_add(struct status_reply *, struct imsg *, char *, size_t);
void	 ctl_reply_free(struct status_reply *);
json_t	*ctl_reply_json(const struct parse_result *,
	    const struct status_reply *);
void	 ctl_reply_print(const struct parse_result *,
	    const struct status_reply *, int);

#endif /* HS_CTL_CTLMSG_H */
