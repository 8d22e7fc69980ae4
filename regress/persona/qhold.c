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
 * qhold: take an NFQUEUE number and keep it until killed, so that a test
 * can see what the persona child does when its queue is not to be had.
 * Usage: qhold QUEUE
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libnetfilter_queue/libnetfilter_queue.h>

static int
cb(struct nfq_q_handle *qh, struct nfgenmsg *m, struct nfq_data *d, void *a)
{
	(void)qh;
	(void)m;
	(void)d;
	(void)a;
	return (0);
}

int
main(int argc, char *argv[])
{
	struct nfq_handle	*h;

	if (argc != 2) {
		fprintf(stderr, "usage: qhold queue\n");
		return (2);
	}
	if ((h = nfq_open()) == NULL ||
	    nfq_create_queue(h, (uint16_t)atoi(argv[1]), cb, NULL) == NULL) {
		perror("qhold");
		return (1);
	}
	printf("holding %s\n", argv[1]);
	fflush(stdout);
	for (;;)
		pause();
}
