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

/* capture: pcap handles, rule sets and passive fingerprints (CAP_NET_RAW only to open). */

#ifndef HS_CAPTURE_H
#define HS_CAPTURE_H

struct proc_def;
struct json_t;
struct host_msg;

__attribute__((__noreturn__)) void capture_main(const struct proc_def *);

/* For the capture child's own files (flows.c, hosts.c). */
void		 capture_event_send(struct json_t *);
void		 capture_host_send(const struct host_msg *);
struct json_t	*capture_event_new(const char *);
int		 capture_set_stamp(struct json_t *, const char *,
		    const struct timeval *);
int		 capture_set_mac(struct json_t *, const char *, const uint8_t *);
const char	*capture_ifname(void);

#endif /* HS_CAPTURE_H */
