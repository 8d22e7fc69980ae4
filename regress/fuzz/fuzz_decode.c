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
 * libFuzzer target for the packet decoder: every frame, read as every link
 * type we support and with every captured length up to the whole input,
 * decodes without reading past it, and what comes out stays inside it.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "capture/decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	check(const struct pkt *, const uint8_t *, size_t);

static const int dlts[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4,
	DLT_IPV6, DLT_NULL, DLT_LOOP, 101, 12345
};

static void
check(const struct pkt *p, const uint8_t *data, size_t caplen)
{
	if (p->p_payload != NULL &&
	    (p->p_payload < data || p->p_payload > data + caplen ||
	    p->p_paylen > (size_t)(data + caplen - p->p_payload)))
		abort();
	if (p->p_tcpoptlen > PKT_TCPOPT_MAX || p->p_linklen > caplen)
		abort();
	if ((p->p_flags & PKT_F_TCP) && p->p_thlen >= 20 &&
	    p->p_tcpoptlen > p->p_thlen - 20)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pkt	 p;
	uint8_t		*copy;
	size_t		 i;

	/* An exact-size heap copy, so that ASan sees any read past it. */
	if ((copy = malloc(len == 0 ? 1 : len)) == NULL)
		abort();
	memcpy(copy, data, len);
	for (i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
		(void)pkt_decode(&p, dlts[i], copy, len, len);
		check(&p, copy, len);
		/* Claimed longer than captured: a snap length cut it. */
		(void)pkt_decode(&p, dlts[i], copy, len, len + 1500);
		check(&p, copy, len);
	}
	(void)pkt_decode(&p, DLT_EN10MB, NULL, 0, 0);
	free(copy);
	return (0);
}
