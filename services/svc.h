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
 * svc: what every fake service program shares.
 *
 * A service talks to its client on stdin and stdout (inetd style) and
 * reports what matters to an analyst as events: one JSON object per line
 * on the descriptor named by HONEYSPY_EVENT_FD, which the superserver
 * reads, stamps with the session's fields and logs.  Run by any other
 * inetd the variable is unset and events go to syslog instead, so that
 * nothing meant for the analyst ever reaches the attacker.
 */

#ifndef HS_SVC_H
#define HS_SVC_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>

#include <jansson.h>

#include "hs_event.h"

/* Longest protocol line a service reads; longer lines are cut, not fatal. */
#define SVC_LINE_MAX		8192
/* Longest event line a service sends; the superserver drops longer ones. */
#define SVC_EVENT_MAX		16384

/* Buffered input from the client, with an idle timeout. */
struct svc_in {
	int	 in_fd;
	int	 in_timeout;		/* seconds; 0 waits forever */
	int	 in_eof;
	size_t	 in_off;
	size_t	 in_len;
	char	 in_buf[16384];
};

void	 svc_init(const char *);
const char *svc_name(void);
json_t	*svc_event(const char *);
void	 svc_emit(json_t *);

void	 svc_in_init(struct svc_in *, int, int);
ssize_t	 svc_getline(struct svc_in *, char *, size_t, int *);
ssize_t	 svc_read(struct svc_in *, void *, size_t);
int	 svc_write(int, const void *, size_t);
int	 svc_printf(int, const char *, ...)
	    __attribute__((__format__(printf, 2, 3)));
int	 svc_artifact(const char *, const void *, size_t, char [65]);
const char *svc_getenv(const char *, const char *);
void	 svc_set_usage(const char *, const char *);
__attribute__((__noreturn__)) void svc_usage(const char *);
int	 svc_num(const char *, long long, long long, const char *);

#endif /* HS_SVC_H */
