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
 * Passive fingerprints: SYNs, SYN+ACKs and HTTP through p0f, and the hosts
 * seen.
 */

#ifndef HS_HOSTS_H
#define HS_HOSTS_H

#include <sys/time.h>

#include <stddef.h>
#include <stdint.h>

#define HOSTS_MAX		4096	/* hosts remembered, least recent go */
#define HOSTS_FLUSH		512	/* updates to the parent per second */
#define HOSTS_EVENTS		100	/* fingerprint events per second */
#define HOSTS_EVENT_GAP		10	/* seconds between events of one host */
#define HOSTS_SYNS		1024	/* SYNs remembered for their MSS */
#define HOSTS_HTTP_FLOWS	4096	/* connections followed for HTTP */
#define HOSTS_HTTP_AGE		60	/* seconds a connection is followed */

struct pkt;

void		 hosts_init(const char *, size_t, const char *, int, int);
void		 hosts_configure(int, int);
const char	*hosts_filter(void);
void		 hosts_packet(const struct pkt *, const struct timeval *);
void		 hosts_tick(void);
uint64_t	 hosts_count(void);

#endif /* HS_HOSTS_H */
