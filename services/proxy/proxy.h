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
 * proxy: an open HTTP proxy, an old Squid by its answers, that takes
 * every request and tunnel and forwards none of them.  It has no code
 * that opens a socket or resolves a name: what it "fetches" is a page
 * it already has, and what goes into a tunnel stays there.
 */

#ifndef HS_PROXY_H
#define HS_PROXY_H

#include <sys/types.h>

#include <time.h>

#include "http/http.h"

enum proxy_mode {
	PROXY_PAGE,		/* every fetch succeeds with the page */
	PROXY_ERROR,		/* every fetch fails: connection refused */
	PROXY_DENY		/* access denied, as a closed proxy */
};

struct proxy {
	enum proxy_mode	 px_mode;
	const char	*px_server;	/* squid/2.7.STABLE9 */
	const char	*px_host;	/* visible_hostname */
	const char	*px_origin;	/* the pages' Server header */
	char		*px_page;	/* what every fetch returns */
	size_t		 px_pagelen;
	const char	*px_pagetype;
	time_t		 px_pagetime;
	const char	*px_artifacts;
	const char	*px_ports;	/* CONNECT ports, or NULL */
	int		 px_port;	/* our http_port */
	int		 px_tidle;	/* tunnel idle timeout */
	size_t		 px_tkeep;	/* tunnel bytes recorded */
	int		 px_requests;	/* answered so far */
};

/* One request and its answer, for the event. */
struct preq {
	struct http_parser *q_p;
	struct http_request *q_r;
	int		 q_status;
	const char	*q_error;
	const char	*q_via;		/* "tunnel" inside a CONNECT */
	const char	*q_thost;	/* the tunnel's target */
	int		 q_tport;
	int		 q_close;
	int		 q_head;
};

/* squid.c */
void	 squid_error(struct proxy *, struct preq *, int, const char *,
	    const char *, int);
void	 squid_page(struct proxy *, struct preq *, int);
void	 squid_established(struct proxy *, struct preq *);

#endif /* HS_PROXY_H */
