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
 * www: Apache 2.2 as Ubuntu 10.04 shipped it (ServerTokens OS, signature
 * on, mod_deflate, mod_autoindex with FancyIndexing and HTMLTable), from
 * the texts and the header order of its http_protocol.c.
 */

#include <sys/types.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "www.h"

#define APACHE_ALLOW	"GET,HEAD,POST,OPTIONS,TRACE"
#define APACHE_DOCTYPE	\
	"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n"

static const struct {
	int		 st;
	const char	*line;
} apache_lines[] = {
	{ 200, "200 OK" },
	{ 301, "301 Moved Permanently" },
	{ 302, "302 Found" },
	{ 304, "304 Not Modified" },
	{ 400, "400 Bad Request" },
	{ 401, "401 Authorization Required" },
	{ 403, "403 Forbidden" },
	{ 404, "404 Not Found" },
	{ 405, "405 Method Not Allowed" },
	{ 408, "408 Request Time-out" },
	{ 411, "411 Length Required" },
	{ 413, "413 Request Entity Too Large" },
	{ 414, "414 Request-URI Too Large" },
	{ 417, "417 Expectation Failed" },
	{ 500, "500 Internal Server Error" },
	{ 501, "501 Method Not Implemented" },
	{ 503, "503 Service Temporarily Unavailable" },
	{ 0, NULL }
};

/* The methods Apache 2.2 has a number for; others get 501. */
static const char *const apache_methods[] = {
	"GET", "HEAD", "PUT", "POST", "DELETE", "CONNECT", "OPTIONS",
	"TRACE", "PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE",
	"LOCK", "UNLOCK", "VERSION-CONTROL", "CHECKOUT", "UNCHECKOUT",
	"CHECKIN", "UPDATE", "LABEL", "REPORT", "MKWORKSPACE",
	"MKACTIVITY", "BASELINE-CONTROL", "MERGE", NULL
};

/* Sort order of a listing, from its ?C=x;O=y query. */
static char	 apache_sortkey = 'N';
static char	 apache_sortdir = 'A';

static const char *apache_line(int);
static const char *apache_uri(const struct wreq *);
static int	 apache_drops(int);
static void	 apache_canned(struct www *, struct wreq *, int,
		    const char *, const char *, struct http_buf *);
static void	 apache_options(struct www *, struct wreq *);
static void	 apache_trace(struct www *, struct wreq *);
static void	 apache_file(struct www *, struct wreq *, struct wfile *);
static int	 apache_fresh(const struct wreq *, const struct wfile *,
		    const char *);
static void	 apache_redirect_dir(struct www *, struct wreq *);
static void	 apache_listing(struct www *, struct wreq *);
static int	 apache_ignored(const char *);
static void	 apache_icon(const struct wentry *, const char **,
		    const char **);
static int	 apache_cmp(const void *, const void *);
static void	 apache_strfsize(off_t, char *, size_t);
static void	 apache_sortlink(struct http_buf *, const char *, char);
static void	 apache_uri_escape(struct http_buf *, const char *);
static int	 apache_compressible(const char *);

static const char *
apache_line(int st)
{
	size_t	i;

	for (i = 0; apache_lines[i].line != NULL; i++)
		if (apache_lines[i].st == st)
			return (apache_lines[i].line);
	return ("500 Internal Server Error");
}

/* r->uri: the decoded path, or what the client sent if it has none. */
static const char *
apache_uri(const struct wreq *q)
{
	if (q->q_path != NULL)
		return (q->q_path);
	if (q->q_r->r_target != NULL)
		return (q->q_r->r_target);
	return ("");
}

/* ap_status_drops_connection(): these end the connection. */
static int
apache_drops(int st)
{
	return (st == 400 || st == 408 || st == 411 || st == 413 ||
	    st == 414 || st == 500 || st == 501 || st == 503);
}

/* mod_deflate on Ubuntu compresses, and so varies, these types only. */
static int
apache_compressible(const char *type)
{
	return (type != NULL && (strncmp(type, "text/html", 9) == 0 ||
	    strncmp(type, "text/plain", 10) == 0 ||
	    strncmp(type, "text/xml", 8) == 0));
}

/* ap_psignature(): ServerSignature On. */
void
apache_signature(struct www *w, struct wreq *q, struct http_buf *b,
    const char *prefix)
{
	http_buf_str(b, prefix);
	http_buf_str(b, "<address>");
	http_buf_str(b, w->w_server);
	http_buf_str(b, " Server at ");
	http_buf_html(b, www_server_name(w, q));
	http_buf_printf(b, " Port %d</address>\n", www_server_port(w, q));
}

/* get_canned_error_string() of Apache 2.2. */
static void
apache_canned(struct www *w, struct wreq *q, int st, const char *note,
    const char *location, struct http_buf *b)
{
	const char	*method = q->q_r->r_method != NULL ?
			    q->q_r->r_method : "";
	const char	*expect;

	(void)w;
	switch (st) {
	case 301:
	case 302:
		http_buf_str(b, "<p>The document has moved <a href=\"");
		http_buf_html(b, location != NULL ? location : "");
		http_buf_str(b, "\">here</a>.</p>\n");
		break;
	case 400:
		http_buf_str(b, "<p>Your browser sent a request that this "
		    "server could not understand.<br />\n");
		if (note != NULL)
			http_buf_str(b, note);
		http_buf_str(b, "</p>\n");
		break;
	case 403:
		http_buf_str(b, "<p>You don't have permission to access ");
		http_buf_html(b, apache_uri(q));
		http_buf_str(b, "\non this server.</p>\n");
		break;
	case 404:
		http_buf_str(b, "<p>The requested URL ");
		http_buf_html(b, apache_uri(q));
		http_buf_str(b, " was not found on this server.</p>\n");
		break;
	case 405:
		http_buf_str(b, "<p>The requested method ");
		http_buf_html(b, method);
		http_buf_str(b, " is not allowed for the URL ");
		http_buf_html(b, apache_uri(q));
		http_buf_str(b, ".</p>\n");
		break;
	case 408:
		http_buf_str(b, "<p>Server timeout waiting for the HTTP "
		    "request from the client.</p>\n");
		break;
	case 413:
		http_buf_str(b, "The requested resource<br />");
		http_buf_html(b, apache_uri(q));
		http_buf_str(b, "<br />\ndoes not allow request data with ");
		http_buf_html(b, method);
		http_buf_str(b, " requests, or the amount of data provided "
		    "in\nthe request exceeds the capacity limit.\n");
		break;
	case 414:
		http_buf_str(b, "<p>The requested URL's length exceeds the "
		    "capacity\nlimit for this server.<br />\n");
		if (note != NULL)
			http_buf_str(b, note);
		http_buf_str(b, "</p>\n");
		break;
	case 417:
		expect = http_header(q->q_r, "Expect");
		http_buf_str(b, "<p>The expectation given in the Expect "
		    "request-header\nfield could not be met by this "
		    "server.</p>\n<p>The client sent<pre>\n    Expect: ");
		http_buf_html(b, expect != NULL ? expect : "");
		http_buf_str(b, "\n</pre>\nbut we only allow the "
		    "100-continue expectation.</p>\n");
		break;
	case 501:
		http_buf_str(b, "<p>");
		http_buf_html(b, method);
		http_buf_str(b, " to ");
		http_buf_html(b, apache_uri(q));
		http_buf_str(b, " not supported.<br />\n");
		if (note != NULL)
			http_buf_str(b, note);
		http_buf_str(b, "</p>\n");
		break;
	default:
		http_buf_str(b, "<p>The server encountered an internal "
		    "error or\nmisconfiguration and was unable to complete\n"
		    "your request.</p>\n<p>Please contact the server "
		    "administrator,\n webmaster@localhost and inform them of "
		    "the time the error occurred,\nand anything you might "
		    "have done that may have\ncaused the error.</p>\n"
		    "<p>More information about this error may be available\n"
		    "in the server error log.</p>\n");
		break;
	}
}

/* ap_send_error_response(): the page, and the headers it comes with. */
void
apache_error(struct www *w, struct wreq *q, int st, const char *note,
    const char *location)
{
	struct reply	*rp = &q->q_rp;
	const char	*line = apache_line(st);

	www_reply_init(rp, st);
	http_buf_str(&rp->rp_body, APACHE_DOCTYPE "<html><head>\n<title>");
	http_buf_str(&rp->rp_body, line);
	http_buf_str(&rp->rp_body, "</title>\n</head><body>\n<h1>");
	http_buf_str(&rp->rp_body, line + 4);
	http_buf_str(&rp->rp_body, "</h1>\n");
	apache_canned(w, q, st, note, location, &rp->rp_body);
	apache_signature(w, q, &rp->rp_body, "<hr>\n");
	http_buf_str(&rp->rp_body, "</body></html>\n");

	if (st == 405 || st == 501)
		http_buf_str(&rp->rp_hdrs, "Allow: " APACHE_ALLOW "\r\n");
	if (location != NULL)
		http_buf_printf(&rp->rp_hdrs, "Location: %s\r\n", location);
	http_buf_printf(&rp->rp_hdrs, "Vary: Accept-Encoding\r\n"
	    "Content-Length: %zu\r\n", rp->rp_body.b_len);
	rp->rp_ctype = "text/html; charset=iso-8859-1";
	if (apache_drops(st))
		rp->rp_close = 1;
}

/*
 * The answer on the wire.  The header order is Apache's: Date and
 * Server, the handler's headers, then Keep-Alive and Connection as
 * ap_set_keepalive() adds them, Content-Type last; X-Pad where its
 * terminate_header() pads.
 */
void
apache_send(struct www *w, struct wreq *q)
{
	struct http_request	*r = q->q_r;
	struct reply		*rp = &q->q_rp;
	struct http_buf		 h, body;
	char			 date[64];
	int			 ka, kasent, chunked;

	memset(&h, 0, sizeof(h));
	memset(&body, 0, sizeof(body));
	/* HTTP/0.9 has no status line and no headers: just the body. */
	if (r->r_method != NULL && r->r_major == 0 && r->r_minor == 9) {
		rp->rp_close = 1;
		www_send(q, "", 0, rp->rp_body.b_data, rp->rp_body.b_len);
		return;
	}
	chunked = rp->rp_chunked && http_version_ge(r, 1, 1);
	if (rp->rp_chunked && !chunked)
		rp->rp_close = 1;
	kasent = http_token(http_header(r, "Connection"), "keep-alive");
	ka = !rp->rp_close && r->r_keepalive && !apache_drops(rp->rp_status) &&
	    w->w_kacount < w->w_kamax;

	http_date(date, sizeof(date), time(NULL));
	http_buf_printf(&h, "HTTP/1.1 %s\r\nDate: %s\r\nServer: %s\r\n",
	    apache_line(rp->rp_status), date, w->w_server);
	if (rp->rp_status == 304) {
		/* A 304 copies Connection and Keep-Alive first. */
		if (ka && kasent)
			http_buf_printf(&h, "Connection: Keep-Alive\r\n"
			    "Keep-Alive: timeout=%d, max=%d\r\n",
			    w->w_katimeout, w->w_kamax - w->w_kacount);
		else if (!ka)
			http_buf_str(&h, "Connection: close\r\n");
		http_buf_add(&h, rp->rp_hdrs.b_data, rp->rp_hdrs.b_len);
	} else {
		http_buf_add(&h, rp->rp_hdrs.b_data, rp->rp_hdrs.b_len);
		if (ka && kasent)
			http_buf_printf(&h, "Keep-Alive: timeout=%d, max=%d\r\n"
			    "Connection: Keep-Alive\r\n", w->w_katimeout,
			    w->w_kamax - w->w_kacount);
		else if (!ka)
			http_buf_str(&h, "Connection: close\r\n");
		if (chunked)
			http_buf_str(&h, "Transfer-Encoding: chunked\r\n");
		if (rp->rp_ctype != NULL)
			http_buf_printf(&h, "Content-Type: %s\r\n",
			    rp->rp_ctype);
	}
	if (h.b_len >= 255 && h.b_len <= 257)
		http_buf_str(&h, "X-Pad: avoid browser bug\r\n");
	http_buf_str(&h, "\r\n");
	if (ka)
		w->w_kacount++;
	else
		rp->rp_close = 1;

	if (chunked && rp->rp_body.b_len > 0) {
		http_buf_printf(&body, "%zx\r\n", rp->rp_body.b_len);
		http_buf_add(&body, rp->rp_body.b_data, rp->rp_body.b_len);
		http_buf_str(&body, "\r\n0\r\n\r\n");
	} else if (chunked)
		http_buf_str(&body, "0\r\n\r\n");
	else
		http_buf_add(&body, rp->rp_body.b_data, rp->rp_body.b_len);
	www_send(q, h.b_data, h.b_len, body.b_data, body.b_len);
	http_buf_free(&h);
	http_buf_free(&body);
}

/* A request the parser refused, or one that never finished arriving. */
void
apache_fail(struct www *w, struct wreq *q)
{
	struct http_parser	*p = q->q_p;
	struct http_request	*r = q->q_r;
	struct http_buf		 note;
	const char		*err = p->p_error != NULL ? p->p_error : "";
	int			 st = q->q_timeout ? 408 : p->p_status;

	memset(&note, 0, sizeof(note));
	/* A request line that never ended is dropped without a word. */
	if (q->q_timeout && r->r_method == NULL) {
		q->q_rp.rp_close = 1;
		return;
	}
	(void)www_host(q);
	q->q_head = r->r_method != NULL && strcmp(r->r_method, "HEAD") == 0;
	/* Apache 2.2 knows no 431: its header limits answer 400. */
	if (st == 431 && strcmp(err, "header too long") == 0) {
		/* 2.2.14 still echoes the field (CVE-2012-0053). */
		http_buf_str(&note, "Size of a request header field exceeds "
		    "server limit.<br />\n<pre>\n");
		if (r->r_bad != NULL)
			http_buf_html(&note, r->r_bad);
		http_buf_str(&note, "</pre>\n");
		st = 400;
	} else if (st == 431) {
		http_buf_str(&note, "The number of request header fields "
		    "exceeds this server's limit.");
		st = 400;
	} else if (st == 400 && strcmp(err, "header without colon") == 0) {
		http_buf_str(&note, "Request header field is missing ':' "
		    "separator.<br />\n<pre>\n");
		if (r->r_bad != NULL)
			http_buf_html(&note, r->r_bad);
		http_buf_str(&note, "</pre>\n");
	}
	apache_error(w, q, st, note.b_len > 0 ? note.b_data : NULL, NULL);
	q->q_rp.rp_close = 1;
	apache_send(w, q);
	http_buf_free(&note);
}

static void
apache_options(struct www *w, struct wreq *q)
{
	struct reply	*rp = &q->q_rp;

	www_reply_init(rp, 200);
	http_buf_str(&rp->rp_hdrs, "Allow: " APACHE_ALLOW "\r\n"
	    "Vary: Accept-Encoding\r\nContent-Length: 0\r\n");
	rp->rp_ctype = "text/html";
	apache_send(w, q);
}

/* ap_send_http_trace(): the request as it came, as message/http. */
static void
apache_trace(struct www *w, struct wreq *q)
{
	struct http_request	*r = q->q_r;
	struct reply		*rp = &q->q_rp;
	size_t			 i;

	if (r->r_bodylen > 0) {
		apache_error(w, q, 413, NULL, NULL);
		apache_send(w, q);
		return;
	}
	www_reply_init(rp, 200);
	http_buf_add(&rp->rp_body, r->r_line, r->r_linelen);
	http_buf_str(&rp->rp_body, "\r\n");
	for (i = 0; i < r->r_nhdrs; i++)
		http_buf_printf(&rp->rp_body, "%s: %s\r\n",
		    r->r_hdrs[i].h_name, r->r_hdrs[i].h_value);
	http_buf_str(&rp->rp_body, "\r\n");
	rp->rp_chunked = 1;
	rp->rp_ctype = "message/http";
	apache_send(w, q);
}

/* If-None-Match and If-Modified-Since, as ap_meets_conditions(). */
static int
apache_fresh(const struct wreq *q, const struct wfile *f, const char *etag)
{
	const char	*inm, *ims;
	struct tm	 tm;
	char		 quoted[128];

	(void)snprintf(quoted, sizeof(quoted), "\"%s\"", etag);
	if ((inm = http_header(q->q_r, "If-None-Match")) != NULL)
		return (strcmp(inm, "*") == 0 || strstr(inm, quoted) != NULL);
	if ((ims = http_header(q->q_r, "If-Modified-Since")) != NULL) {
		memset(&tm, 0, sizeof(tm));
		if (strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &tm) == NULL)
			return (0);
		return (f->f_mtime <= timegm(&tm) && timegm(&tm) <=
		    time(NULL));
	}
	return (0);
}

/* default_handler() for a file that exists. */
static void
apache_file(struct www *w, struct wreq *q, struct wfile *f)
{
	struct reply	*rp = &q->q_rp;
	char		 date[64], etag[96];
	int		 vary = apache_compressible(f->f_type);

	content_etag(etag, sizeof(etag), f);
	if (apache_fresh(q, f, etag)) {
		www_reply_init(rp, 304);
		http_buf_printf(&rp->rp_hdrs, "ETag: \"%s\"\r\n", etag);
		if (vary)
			http_buf_str(&rp->rp_hdrs, "Vary: Accept-Encoding\r\n");
		apache_send(w, q);
		return;
	}
	www_reply_init(rp, 200);
	http_date(date, sizeof(date), f->f_mtime);
	http_buf_printf(&rp->rp_hdrs, "Last-Modified: %s\r\nETag: \"%s\"\r\n"
	    "Accept-Ranges: bytes\r\nContent-Length: %zu\r\n", date, etag,
	    f->f_len);
	if (vary)
		http_buf_str(&rp->rp_hdrs, "Vary: Accept-Encoding\r\n");
	rp->rp_ctype = f->f_type;
	http_buf_add(&rp->rp_body, f->f_data, f->f_len);
	apache_send(w, q);
}

/* Characters ap_os_escape_path() leaves alone. */
static void
apache_uri_escape(struct http_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) ||
		    strchr("$-_.+!*'(),:@&=/~", *s) != NULL)
			http_buf_add(b, s, 1);
		else
			http_buf_printf(b, "%%%02x", (unsigned char)*s);
	}
}

/* mod_dir: a directory named without its slash moves to it. */
static void
apache_redirect_dir(struct www *w, struct wreq *q)
{
	struct http_buf	 loc;
	int		 port = www_server_port(w, q);

	memset(&loc, 0, sizeof(loc));
	http_buf_printf(&loc, "http://%s", www_server_name(w, q));
	if (port != 80)
		http_buf_printf(&loc, ":%d", port);
	apache_uri_escape(&loc, q->q_path);
	http_buf_str(&loc, "/");
	if (q->q_query != NULL) {
		http_buf_str(&loc, "?");
		http_buf_str(&loc, q->q_query);
	}
	apache_error(w, q, 301, NULL, loc.b_data);
	apache_send(w, q);
	http_buf_free(&loc);
}

/* IndexIgnore .??* *~ *# RCS CVS *,v *,t */
static int
apache_ignored(const char *name)
{
	size_t	l = strlen(name);

	if (name[0] == '.' && l >= 3)
		return (1);
	if (l > 0 && (name[l - 1] == '~' || name[l - 1] == '#'))
		return (1);
	if (strcmp(name, "RCS") == 0 || strcmp(name, "CVS") == 0)
		return (1);
	if (l >= 2 && name[l - 2] == ',' &&
	    (name[l - 1] == 'v' || name[l - 1] == 't'))
		return (1);
	return (0);
}

/* The first match in the order of Ubuntu's autoindex.conf. */
static void
apache_icon(const struct wentry *e, const char **icon, const char **alt)
{
	const char	*type, *dot;

	*alt = "   ";
	if (e->e_dir) {
		*icon = "/icons/folder.gif";
		*alt = "DIR";
		return;
	}
	dot = strrchr(e->e_name, '.');
	if ((type = content_type(e->e_name)) == NULL)
		type = "";
	if (dot != NULL && (strcmp(dot, ".gz") == 0 ||
	    strcmp(dot, ".Z") == 0 || strcmp(dot, ".z") == 0)) {
		*icon = "/icons/compressed.gif";
		*alt = "CMP";
	} else if (strncmp(type, "text/", 5) == 0) {
		*icon = "/icons/text.gif";
		*alt = "TXT";
	} else if (strncmp(type, "image/", 6) == 0) {
		*icon = "/icons/image2.gif";
		*alt = "IMG";
	} else if (dot == NULL)
		*icon = "/icons/unknown.gif";
	else if (strcmp(dot, ".bin") == 0 || strcmp(dot, ".exe") == 0)
		*icon = "/icons/binary.gif";
	else if (strcmp(dot, ".tgz") == 0 || strcmp(dot, ".zip") == 0 ||
	    strcmp(dot, ".tar") == 0)
		*icon = "/icons/compressed.gif";
	else if (strcmp(dot, ".pdf") == 0)
		*icon = "/icons/layout.gif";
	else if (strcmp(dot, ".conf") == 0 || strcmp(dot, ".sh") == 0)
		*icon = "/icons/script.gif";
	else
		*icon = "/icons/unknown.gif";
}

/* apr_strfsize(). */
static void
apache_strfsize(off_t size, char *buf, size_t len)
{
	const char	 ord[] = "KMGTPE";
	const char	*o = ord;
	int		 remain;

	if (size < 0) {
		(void)strlcpy(buf, "  - ", len);
		return;
	}
	if (size < 973) {
		(void)snprintf(buf, len, "%3d ", (int)size);
		return;
	}
	for (;;) {
		remain = (int)(size & 1023);
		size >>= 10;
		if (size >= 973) {
			++o;
			continue;
		}
		if (size < 9 || (size == 9 && remain < 973)) {
			if ((remain = ((remain * 5) + 256) / 512) >= 10) {
				++size;
				remain = 0;
			}
			(void)snprintf(buf, len, "%d.%d%c", (int)size, remain,
			    *o);
			return;
		}
		if (remain >= 512)
			++size;
		(void)snprintf(buf, len, "%3d%c", (int)size, *o);
		return;
	}
}

static int
apache_cmp(const void *a, const void *b)
{
	const struct wentry	*x = a, *y = b;
	int			 r = 0;

	if (apache_sortdir == 'D') {
		x = b;
		y = a;
	}
	switch (apache_sortkey) {
	case 'M':
		r = x->e_mtime < y->e_mtime ? -1 : x->e_mtime > y->e_mtime;
		break;
	case 'S':
		r = x->e_size < y->e_size ? -1 : x->e_size > y->e_size;
		break;
	}
	if (r == 0)
		r = strverscmp(x->e_name, y->e_name);
	return (r);
}

/* emit_link(): the column now sorted on links to the other direction. */
static void
apache_sortlink(struct http_buf *b, const char *label, char col)
{
	http_buf_printf(b, "<a href=\"?C=%c;O=%c\">%s</a>", col,
	    apache_sortkey == col && apache_sortdir == 'A' ? 'D' : 'A', label);
}

/* mod_autoindex with FancyIndexing, HTMLTable and VersionSort. */
static void
apache_listing(struct www *w, struct wreq *q)
{
	struct reply	*rp = &q->q_rp;
	struct http_buf	*b = &rp->rp_body;
	struct wentry	*e;
	const char	*icon, *alt, *s;
	char		*parent, size[16], when[64];
	struct tm	 tm;
	size_t		 n, i;

	if (content_list(w, q->q_path, &e, &n) == -1) {
		apache_error(w, q, 403, NULL, NULL);
		apache_send(w, q);
		return;
	}
	apache_sortkey = 'N';
	apache_sortdir = 'A';
	for (s = q->q_query; s != NULL && *s != '\0'; s++) {
		if (s[0] == 'C' && s[1] == '=' &&
		    strchr("NMSD", s[2]) != NULL && s[2] != '\0')
			apache_sortkey = s[2];
		if (s[0] == 'O' && s[1] == '=' && (s[2] == 'A' || s[2] == 'D'))
			apache_sortdir = s[2];
	}
	qsort(e, n, sizeof(*e), apache_cmp);

	www_reply_init(rp, 200);
	http_buf_str(b, "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 "
	    "Final//EN\">\n<html>\n <head>\n  <title>Index of ");
	http_buf_html(b, q->q_path);
	http_buf_str(b, "</title>\n </head>\n <body>\n<h1>Index of ");
	http_buf_html(b, q->q_path);
	http_buf_str(b, "</h1>\n<table><tr><th><img src=\"/icons/blank.gif\" "
	    "alt=\"[ICO]\"></th><th>");
	apache_sortlink(b, "Name", 'N');
	http_buf_str(b, "</th><th>");
	apache_sortlink(b, "Last modified", 'M');
	http_buf_str(b, "</th><th>");
	apache_sortlink(b, "Size", 'S');
	http_buf_str(b, "</th><th>");
	apache_sortlink(b, "Description", 'D');
	http_buf_str(b, "</th></tr><tr><th colspan=\"5\"><hr></th></tr>\n");

	/* The root has no parent; others link to it by its full path. */
	if (strcmp(q->q_path, "/") != 0) {
		if ((parent = strdup(q->q_path)) == NULL)
			_exit(1);
		parent[strlen(parent) - 1] = '\0';
		*(strrchr(parent, '/') + 1) = '\0';
		http_buf_str(b, "<tr><td valign=\"top\"><img "
		    "src=\"/icons/back.gif\" alt=\"[DIR]\"></td><td><a "
		    "href=\"");
		apache_uri_escape(b, parent);
		http_buf_str(b, "\">Parent Directory</a></td><td>&nbsp;</td>"
		    "<td align=\"right\">  - </td><td>&nbsp;</td></tr>\n");
		free(parent);
	}
	for (i = 0; i < n; i++) {
		if (apache_ignored(e[i].e_name))
			continue;
		apache_icon(&e[i], &icon, &alt);
		http_buf_printf(b, "<tr><td valign=\"top\"><img src=\"%s\" "
		    "alt=\"[%s]\"></td><td><a href=\"", icon, alt);
		apache_uri_escape(b, e[i].e_name);
		if (e[i].e_dir)
			http_buf_str(b, "/");
		http_buf_str(b, "\">");
		http_buf_html(b, e[i].e_name);
		if (e[i].e_dir)
			http_buf_str(b, "/");
		if (localtime_r(&e[i].e_mtime, &tm) == NULL ||
		    strftime(when, sizeof(when), "%d-%b-%Y %H:%M  ",
		    &tm) == 0)
			(void)strlcpy(when, "01-Jan-1970 00:00  ",
			    sizeof(when));
		apache_strfsize(e[i].e_size, size, sizeof(size));
		http_buf_printf(b, "</a></td><td align=\"right\">%s</td>"
		    "<td align=\"right\">%s</td><td>&nbsp;</td></tr>\n", when,
		    size);
	}
	http_buf_str(b, "<tr><th colspan=\"5\"><hr></th></tr>\n</table>\n");
	apache_signature(w, q, b, "");
	http_buf_str(b, "</body></html>\n");
	content_free_list(e, n);

	http_buf_printf(&rp->rp_hdrs, "Vary: Accept-Encoding\r\n"
	    "Content-Length: %zu\r\n", b->b_len);
	rp->rp_ctype = "text/html;charset=UTF-8";
	apache_send(w, q);
}

void
apache_handle(struct www *w, struct wreq *q)
{
	struct http_request	*r = q->q_r;
	struct wfile		 f, idx;
	struct http_buf		 ipath;
	const char		*m = r->r_method, *base;
	char			*path, *qm;
	size_t			 i;
	int			 lr, st;

	q->q_head = strcmp(m, "HEAD") == 0;
	if (www_host(q) == -1 || r->r_form == HTTP_FORM_AUTHORITY ||
	    (r->r_form == HTTP_FORM_ASTERISK && strcmp(m, "OPTIONS") != 0)) {
		apache_error(w, q, 400, NULL, NULL);
		apache_send(w, q);
		return;
	}
	if (r->r_form == HTTP_FORM_ASTERISK) {
		apache_options(w, q);
		return;
	}
	if ((path = strdup(r->r_path)) == NULL)
		_exit(1);
	if ((qm = strchr(path, '?')) != NULL) {
		*qm = '\0';
		q->q_query = r->r_path + (qm - path) + 1;
	}
	/* An escaped slash or NUL is 404 for the path as it was sent. */
	if ((st = http_unescape(path)) == -2) {
		free(path);
		q->q_path = strndup(r->r_path, strcspn(r->r_path, "?"));
		if (q->q_path == NULL)
			_exit(1);
		apache_error(w, q, 404, NULL, NULL);
		apache_send(w, q);
		return;
	}
	q->q_path = path;
	if (st == -1 || http_normalize(path) == -1) {
		apache_error(w, q, 400, NULL, NULL);
		apache_send(w, q);
		return;
	}
	for (i = 0; apache_methods[i] != NULL; i++)
		if (strcmp(m, apache_methods[i]) == 0)
			break;
	if (apache_methods[i] == NULL) {
		apache_error(w, q, 501, NULL, NULL);
		apache_send(w, q);
		return;
	}
	if (strcmp(m, "TRACE") == 0) {
		apache_trace(w, q);
		return;
	}
	if (strcmp(m, "OPTIONS") == 0) {
		apache_options(w, q);
		return;
	}

	base = strrchr(path, '/') + 1;
	if (strncmp(base, ".ht", 3) == 0 ||
	    strcmp(path, "/server-status") == 0 ||
	    strncmp(path, "/server-status/", 15) == 0 ||
	    strcmp(path, "/cgi-bin/") == 0) {
		apache_error(w, q, 403, NULL, NULL);
		apache_send(w, q);
		return;
	}
	if (strncmp(path, "/cgi-bin/", 9) == 0 && cgi_handle(w, q))
		return;
	if ((strncmp(path, "/phpmyadmin", 11) == 0 &&
	    (path[11] == '\0' || path[11] == '/')) && pma_handle(w, q))
		return;
	if (strcmp(m, "PUT") == 0) {
		apache_error(w, q, 405, NULL, NULL);
		apache_send(w, q);
		return;
	}

	if ((lr = content_lookup(w, path, &f)) != 0) {
		apache_error(w, q, lr == -2 ? 403 : 404, NULL, NULL);
		apache_send(w, q);
		return;
	}
	if (f.f_dir) {
		content_free(&f);
		if (path[strlen(path) - 1] != '/') {
			apache_redirect_dir(w, q);
			return;
		}
		memset(&ipath, 0, sizeof(ipath));
		http_buf_printf(&ipath, "%sindex.html", path);
		if (content_lookup(w, ipath.b_data, &idx) == 0 &&
		    !idx.f_dir) {
			/* The index is what the client gets, and is named. */
			free(q->q_path);
			q->q_path = ipath.b_data;
			if (strcmp(m, "GET") == 0 || q->q_head)
				apache_file(w, q, &idx);
			else {
				apache_error(w, q, 405, NULL, NULL);
				apache_send(w, q);
			}
			content_free(&idx);
			return;
		}
		content_free(&idx);
		http_buf_free(&ipath);
		if (strcmp(m, "GET") == 0 || q->q_head)
			apache_listing(w, q);
		else {
			apache_error(w, q, 405, NULL, NULL);
			apache_send(w, q);
		}
		return;
	}
	if (strcmp(m, "GET") == 0 || q->q_head)
		apache_file(w, q, &f);
	else {
		apache_error(w, q, 405, NULL, NULL);
		apache_send(w, q);
	}
	content_free(&f);
}
