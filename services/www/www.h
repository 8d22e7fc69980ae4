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
 * www: an outdated web server, Apache 2.2 on Ubuntu or IIS 7.5, answering
 * as the real one does down to its error pages and header order, and
 * logging every request it gets.
 */

#ifndef HS_WWW_H
#define HS_WWW_H

#include <sys/types.h>

#include <limits.h>
#include <time.h>

#include "http/http.h"

enum www_persona {
	WWW_APACHE,
	WWW_IIS
};

/* What the server is: options and the connection's addresses. */
struct www {
	enum www_persona w_persona;
	const char	*w_server;	/* the Server header */
	const char	*w_name;	/* ServerName, when no Host is sent */
	const char	*w_docroot;	/* NULL: the built-in pages */
	char		 w_rootreal[PATH_MAX];
	const char	*w_artifacts;	/* keep bodies here, or NULL */
	time_t		 w_mtime;	/* the pages' date */
	int		 w_port;	/* the port the server listens on */
	int		 w_katimeout;	/* keep-alive, seconds */
	int		 w_kamax;	/* requests per connection */
	int		 w_kacount;	/* answers kept alive so far */
	const char	*w_local_ip;
	const char	*w_remote_ip;
	const char	*w_remote_port;
};

/* One answer, built before any of it is sent. */
struct reply {
	int		 rp_status;
	struct http_buf	 rp_hdrs;	/* the handler's, in order */
	const char	*rp_ctype;
	struct http_buf	 rp_body;
	int		 rp_close;	/* the connection ends after it */
	int		 rp_chunked;	/* no length: chunked or close */
};

/* One request and what the answer made of it, for the event. */
struct wreq {
	struct http_parser *q_p;
	struct http_request *q_r;
	char		*q_path;	/* decoded and normalised */
	const char	*q_query;	/* after '?', or NULL */
	char		 q_host[256];	/* Host, no port, lower case */
	int		 q_hostport;	/* its port, or 0 */
	int		 q_head;
	int		 q_timeout;
	const char	*q_error;	/* why the request was refused */
	char		*q_username;	/* a login form's fields */
	char		*q_password;
	char		*q_input;	/* a command injected into a CGI */
	struct reply	 q_rp;
};

/* A page of the server, built in or under the document root. */
struct wfile {
	int		 f_dir;
	const char	*f_data;
	size_t		 f_len;
	void		*f_alloc;	/* to free, when read from disk */
	time_t		 f_mtime;
	long		 f_usec;
	unsigned long	 f_ino;
	const char	*f_type;
};

struct wentry {
	char		*e_name;
	int		 e_dir;
	off_t		 e_size;
	time_t		 e_mtime;
};

/* www.c */
int		 www_host(struct wreq *);
const char	*www_server_name(const struct www *, const struct wreq *);
int		 www_server_port(const struct www *, const struct wreq *);
void		 www_reply_init(struct reply *, int);
void		 www_reply_free(struct reply *);
void		 www_send(const struct wreq *, const char *, size_t,
		    const char *, size_t);

/* apache.c */
void		 apache_handle(struct www *, struct wreq *);
void		 apache_fail(struct www *, struct wreq *);
void		 apache_send(struct www *, struct wreq *);
void		 apache_error(struct www *, struct wreq *, int,
		    const char *, const char *);
void		 apache_signature(struct www *, struct wreq *,
		    struct http_buf *, const char *);

/* iis.c */
void		 iis_handle(struct www *, struct wreq *);
void		 iis_fail(struct www *, struct wreq *);
void		 iis_send(struct www *, struct wreq *);

/* content.c */
int		 content_lookup(struct www *, const char *, struct wfile *);
int		 content_list(struct www *, const char *, struct wentry **,
		    size_t *);
void		 content_free_list(struct wentry *, size_t);
void		 content_free(struct wfile *);
const char	*content_type(const char *);
void		 content_etag(char *, size_t, const struct wfile *);
extern const unsigned char content_gif[];
extern const size_t content_giflen;

/* cgi.c */
int		 cgi_handle(struct www *, struct wreq *);
int		 pma_handle(struct www *, struct wreq *);

#endif /* HS_WWW_H */
