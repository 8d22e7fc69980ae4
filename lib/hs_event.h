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

/* HoneySpy event objects: the one JSON shape for the log, RPC and store. */

#ifndef HS_HS_EVENT_H
#define HS_HS_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <netinet/in.h>

#include <jansson.h>

/* "2026-11-26T17:52:04.123456Z" plus the NUL. */
#define EVENT_TIMESTAMP_LEN	28
/* "1:" + base64 of a SHA-1 digest plus the NUL. */
#define COMMUNITY_ID_LEN	31

json_t	*hs_event_new(const char *, const char *);
json_t	*hs_event_new_at(const char *, const char *, const struct timespec *);
int	 hs_event_timestamp(char *, size_t, const struct timespec *);
int	 hs_event_set_str(json_t *, const char *, const char *);
int	 hs_event_set_int(json_t *, const char *, long long);
int	 hs_event_set_double(json_t *, const char *, double);
int	 hs_event_set_bytes(json_t *, const char *, const void *, size_t);
void	*hs_event_get_bytes(json_t *, const char *, size_t *);
int	 hs_event_set_sha256(json_t *, const char *, const unsigned char [32]);
int	 community_id(char *, size_t, uint16_t, int, const void *,
	    const void *, uint8_t, uint16_t, uint16_t, int);
int	 hs_event_set_flow(json_t *, int, const void *, const void *, uint8_t,
	    uint16_t, uint16_t);
char	*hs_event_dump(json_t *, size_t);
char	*hs_event_dump_joined(json_t *, const char *, json_t *, size_t);
char	*hs_b64_encode(const void *, size_t);

#endif /* HS_HS_EVENT_H */
