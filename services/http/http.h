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
 * http: the HTTP/1.x request parser shared by the web server and the
 * proxy, and the few helpers both build their answers with.
 *
 * The parser does no I/O: bytes are pushed in with http_feed() in pieces
 * of any size, so that the fuzzer drives exactly the code an attacker
 * does.  Everything it keeps is bounded by struct http_limits, and every
 * malformed, oversized or binary request ends in an error state with the
 * status a server would answer (400, 413, 414, 431, 501), never in a crash
 * or in a wait for bytes that cannot make the request valid.
 */

#ifndef HS_HTTP_H
#define HS_HTTP_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "svc.h"

/* Apache's LimitRequestLine, LimitRequestFieldSize, LimitRequestFields. */
#define HTTP_LINE_MAX		8190
#define HTTP_FIELD_MAX		8190
#define HTTP_FIELDS_MAX		100
#define HTTP_HEADERS_MAX	65536
#define HTTP_BODY_MAX		(1024 * 1024)
/* A chunk-size line: hex digits and extensions nobody needs many of. */
#define HTTP_CHUNKLINE_MAX	1024
/* Lingering close: seconds per read, in all, and bytes at most. */
#define HTTP_LINGER_READ	2
#define HTTP_LINGER_MAX		30
#define HTTP_LINGER_BYTES	(1024 * 1024)
/* Empty lines tolerated before a request line, as Apache does. */
#define HTTP_BLANK_MAX		100

struct http_limits {
	size_t		 hl_line;	/* request line, bytes */
	size_t		 hl_field;	/* one header line, bytes */
	size_t		 hl_fields;	/* header and trailer lines */
	size_t		 hl_headers;	/* all header lines, bytes */
	size_t		 hl_body;	/* body, dechunked */
};

/* Forms of the request-target (RFC 7230 section 5.3). */
enum http_form {
	HTTP_FORM_NONE,
	HTTP_FORM_ORIGIN,		/* /path?query */
	HTTP_FORM_ABSOLUTE,		/* http://host:port/path */
	HTTP_FORM_AUTHORITY,		/* host:port, CONNECT only */
	HTTP_FORM_ASTERISK		/* *, OPTIONS */
};

enum http_state {
	HTTP_S_MORE,			/* give me more bytes */
	HTTP_S_DONE,			/* a whole request is in p_req */
	HTTP_S_ERROR			/* p_status says what to answer */
};

struct http_header {
	char		*h_name;
	char		*h_value;
};

struct http_request {
	/* The request line as received, binary bytes and all. */
	char		*r_line;
	size_t		 r_linelen;
	/* The header line that made the request fail, for error pages. */
	char		*r_bad;
	char		*r_method;
	char		*r_target;
	enum http_form	 r_form;
	int		 r_major;
	int		 r_minor;	/* 0.9: no version sent */
	/* From an absolute or authority target; NULL otherwise. */
	char		*r_scheme;
	char		*r_host;
	char		*r_path;	/* path and query, "/" at least */
	int		 r_port;	/* 0 when the target names none */

	struct http_header *r_hdrs;
	size_t		 r_nhdrs;
	size_t		 r_hdrbytes;

	unsigned char	*r_body;
	size_t		 r_bodylen;
	int		 r_chunked;
	int		 r_keepalive;	/* another request may follow */
	int		 r_expect;	/* sent Expect: 100-continue */
};

struct http_parser {
	struct http_limits p_lim;
	enum http_state	 p_state;
	int		 p_status;	/* on HTTP_S_ERROR */
	const char	*p_error;	/* why, for the log */
	struct http_request p_req;
	size_t		 p_bytes;	/* taken for this request */

	int		 p_phase;	/* private to http.c from here on */
	char		*p_lbuf;	/* the line being collected */
	size_t		 p_llen;
	size_t		 p_lsize;
	int		 p_lcut;	/* the line outgrew its limit */
	size_t		 p_blank;
	size_t		 p_clen;	/* body or chunk bytes left */
	size_t		 p_ntrail;
};

/* A growing buffer for building answers; allocation failure is fatal. */
struct http_buf {
	char		*b_data;
	size_t		 b_len;
	size_t		 b_size;
};

/* Reading requests from the client: svc_in plus what the parser left. */
struct http_conn {
	struct svc_in	 hc_in;
	unsigned char	 hc_buf[16384];
	size_t		 hc_off;
	size_t		 hc_len;
	int		 hc_timeout;	/* within a request */
	int		 hc_idle;	/* waiting for the next request */
	int		 hc_count;	/* requests read so far */
	/* While set, a copy of the bytes read, up to hc_tapmax of them. */
	struct http_buf	*hc_tap;
	size_t		 hc_tapmax;
	size_t		 hc_tapped;	/* bytes read while tapped */
};

enum http_read {
	HTTP_R_REQUEST,			/* parser done or in error */
	HTTP_R_EOF,			/* clean end between requests */
	HTTP_R_PARTIAL,			/* end inside a request */
	HTTP_R_TIMEOUT			/* partial if p_bytes > 0 */
};

/* Builds an event whose attacker strings are cut to cap bytes. */
typedef json_t	*(*http_evbuild)(void *, size_t);

void		 http_limits_default(struct http_limits *);
void		 http_init(struct http_parser *,
		    const struct http_limits *);
void		 http_reset(struct http_parser *);
void		 http_free(struct http_parser *);
size_t		 http_feed(struct http_parser *, const void *, size_t);
int		 http_in_body(const struct http_parser *);
void		 http_partial(struct http_parser *);
const char	*http_header(const struct http_request *, const char *);
int		 http_token(const char *, const char *);
int		 http_version_ge(const struct http_request *, int, int);

void		 http_conn_init(struct http_conn *, int, int, int);
enum http_read	 http_read_request(struct http_conn *,
		    struct http_parser *, int);
ssize_t		 http_conn_raw(struct http_conn *, void *, size_t, int);
void		 http_linger(struct http_conn *, int);
ssize_t		 http_conn_peek(struct http_conn *,
		    const unsigned char **, int);
void		 http_conn_tap(struct http_conn *, struct http_buf *,
		    size_t);

void		 http_buf_add(struct http_buf *, const void *, size_t);
void		 http_buf_str(struct http_buf *, const char *);
void		 http_buf_printf(struct http_buf *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
void		 http_buf_html(struct http_buf *, const char *);
void		 http_buf_reset(struct http_buf *);
void		 http_buf_free(struct http_buf *);

void		 http_date(char *, size_t, time_t);
int		 http_unescape(char *);
int		 http_normalize(char *);
const char	*http_reason(int);

int		 http_set_capped(json_t *, const char *, const void *,
		    size_t, size_t);
json_t		*http_headers_json(const struct http_request *, size_t);
json_t		*http_request_event(const char *, const struct http_request *,
		    const char *, const char *, size_t);
void		 http_body_keep(const struct http_request *, const char *,
		    char [65]);
void		 http_emit(http_evbuild, void *);

#endif /* HS_HTTP_H */
