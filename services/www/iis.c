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
 * www: IIS 7.5 on Windows Server 2008 R2 as a remote client sees it:
 * the short "Server Error" pages, and HTTP.sys answering what never
 * reaches IIS with its own pages and its own Server header.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "www.h"

#define IIS_ALLOW	"GET, HEAD, OPTIONS, TRACE"
#define IIS_PUBLIC	"OPTIONS, TRACE, GET, HEAD, POST"

static const struct {
	int		 st;
	const char	*title;
	const char	*text;
} iis_errors[] = {
	{ 403, "403 - Forbidden: Access is denied.",
	    "You do not have permission to view this directory or page "
	    "using the credentials that you supplied." },
	{ 404, "404 - File or directory not found.",
	    "The resource you are looking for might have been removed, had "
	    "its name changed, or is temporarily unavailable." },
	{ 405, "405 - HTTP verb used to access this page is not allowed.",
	    "The page you are looking for cannot be displayed because an "
	    "invalid method (HTTP verb) was used to attempt access." },
	{ 500, "500 - Internal server error.",
	    "There is a problem with the resource you are looking for, and "
	    "it cannot be displayed." },
	{ 501, "501 - Header values specify a method that is not "
	    "implemented.",
	    "The page you are looking for cannot be displayed because a "
	    "header value in the request does not match certain "
	    "configuration settings on the Web server. For example, a "
	    "request header might specify a POST to a static file that "
	    "cannot be posted to, or specify a Transfer-Encoding value that "
	    "cannot make use of compression." },
	{ 0, NULL, NULL }
};

static void	 iis_error(struct www *, struct wreq *, int);
static void	 iis_httpsys(struct www *, struct wreq *, int, const char *,
		    const char *);
static void	 iis_file(struct www *, struct wreq *, struct wfile *);
static void	 iis_listing(struct www *, struct wreq *);
static void	 iis_moved(struct www *, struct wreq *);
static int	 iis_cmp(const void *, const void *);

/*
 * IIS writes its headers first, then Server, X-Powered-By and Date,
 * then the length: rp_hdrs holds the first part.
 */
void
iis_send(struct www *w, struct wreq *q)
{
	struct http_request	*r = q->q_r;
	struct reply		*rp = &q->q_rp;
	struct http_buf		 h;
	char			 date[64];

	memset(&h, 0, sizeof(h));
	if (r->r_method != NULL && r->r_major == 0 && r->r_minor == 9) {
		rp->rp_close = 1;
		www_send(q, "", 0, rp->rp_body.b_data, rp->rp_body.b_len);
		return;
	}
	if (!r->r_keepalive || w->w_kacount >= w->w_kamax)
		rp->rp_close = 1;
	http_date(date, sizeof(date), time(NULL));
	http_buf_printf(&h, "HTTP/1.1 %d %s\r\n", rp->rp_status,
	    http_reason(rp->rp_status));
	http_buf_add(&h, rp->rp_hdrs.b_data, rp->rp_hdrs.b_len);
	http_buf_printf(&h, "Server: %s\r\nX-Powered-By: ASP.NET\r\n"
	    "Date: %s\r\n", w->w_server, date);
	if (rp->rp_close && http_token(http_header(r, "Connection"), "close"))
		http_buf_str(&h, "Connection: close\r\n");
	if (rp->rp_status != 304)
		http_buf_printf(&h, "Content-Length: %zu\r\n",
		    rp->rp_body.b_len);
	http_buf_str(&h, "\r\n");
	w->w_kacount++;
	www_send(q, h.b_data, h.b_len, rp->rp_body.b_data, rp->rp_body.b_len);
	http_buf_free(&h);
}

/* The custom error page IIS shows remote clients. */
static void
iis_error(struct www *w, struct wreq *q, int st)
{
	struct reply	*rp = &q->q_rp;
	size_t		 i;

	for (i = 0; iis_errors[i].st != 0 && iis_errors[i].st != st; i++)
		;
	if (iis_errors[i].st == 0)
		i = 3;
	www_reply_init(rp, iis_errors[i].st);
	if (st == 405)
		http_buf_str(&rp->rp_hdrs, "Allow: " IIS_ALLOW "\r\n");
	http_buf_str(&rp->rp_hdrs, "Content-Type: text/html\r\n");
	http_buf_printf(&rp->rp_body,
	    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
	    "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\r\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n<head>\r\n"
	    "<meta http-equiv=\"Content-Type\" content=\"text/html; "
	    "charset=iso-8859-1\"/>\r\n<title>%s</title>\r\n"
	    "<style type=\"text/css\">\r\n<!--\r\n"
	    "body{margin:0;font-size:.7em;font-family:Verdana, Arial, "
	    "Helvetica, sans-serif;background:#EEEEEE;}\r\n"
	    "fieldset{padding:0 15px 10px 15px;} \r\n"
	    "h1{font-size:2.4em;margin:0;color:#FFF;}\r\n"
	    "h2{font-size:1.7em;margin:0;color:#CC0000;} \r\n"
	    "h3{font-size:1.2em;margin:10px 0 0 0;color:#000000;} \r\n"
	    "#header{width:96%%;margin:0 0 0 0;padding:6px 2%% 6px 2%%;"
	    "font-family:\"trebuchet MS\", Verdana, sans-serif;color:#FFF;\r\n"
	    "background-color:#555555;}\r\n"
	    "#content{margin:0 0 0 2%%;position:relative;}\r\n"
	    ".content-container{background:#FFF;width:96%%;margin-top:8px;"
	    "padding:10px;position:relative;}\r\n-->\r\n</style>\r\n"
	    "</head>\r\n<body>\r\n"
	    "<div id=\"header\"><h1>Server Error</h1></div>\r\n"
	    "<div id=\"content\">\r\n"
	    " <div class=\"content-container\"><fieldset>\r\n"
	    "  <h2>%s</h2>\r\n  <h3>%s</h3>\r\n"
	    " </fieldset></div>\r\n</div>\r\n</body>\r\n</html>\r\n",
	    iis_errors[i].title, iis_errors[i].title, iis_errors[i].text);
	iis_send(w, q);
}

/* What HTTP.sys refuses before IIS sees it: its page, its Server. */
static void
iis_httpsys(struct www *w, struct wreq *q, int st, const char *title,
    const char *text)
{
	struct reply	*rp = &q->q_rp;
	struct http_buf	 h;
	char		 date[64];

	(void)w;
	www_reply_init(rp, st);
	rp->rp_close = 1;
	http_buf_printf(&rp->rp_body,
	    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\""
	    "\"http://www.w3.org/TR/html4/strict.dtd\">\r\n"
	    "<HTML><HEAD><TITLE>%s</TITLE>\r\n"
	    "<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; "
	    "charset=us-ascii\"></HEAD>\r\n<BODY><h2>%s</h2>\r\n"
	    "<hr><p>%s</p>\r\n</BODY></HTML>\r\n", http_reason(st), title,
	    text);
	memset(&h, 0, sizeof(h));
	http_date(date, sizeof(date), time(NULL));
	http_buf_printf(&h, "HTTP/1.1 %d %s\r\nContent-Type: text/html; "
	    "charset=us-ascii\r\nServer: Microsoft-HTTPAPI/2.0\r\n"
	    "Date: %s\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n",
	    st, http_reason(st), date, rp->rp_body.b_len);
	www_send(q, h.b_data, h.b_len, rp->rp_body.b_data,
	    rp->rp_body.b_len);
	http_buf_free(&h);
}

void
iis_fail(struct www *w, struct wreq *q)
{
	const char	*err = q->q_p->p_error != NULL ? q->q_p->p_error : "";
	int		 st = q->q_p->p_status;

	/* HTTP.sys drops a request that stalls without a word. */
	if (q->q_timeout) {
		q->q_rp.rp_close = 1;
		return;
	}
	if (st == 414)
		iis_httpsys(w, q, 414, "Request URL Too Long",
		    "HTTP Error 414. The request URL is too long.");
	else if (st == 413)
		iis_httpsys(w, q, 413, "Request Entity Too Large",
		    "HTTP Error 413. The request entity is too large.");
	else if (st == 431)
		iis_httpsys(w, q, 400, "Bad Request - Request Too Long",
		    "HTTP Error 400. The size of the request headers is too "
		    "long.");
	else if (st == 501)
		iis_httpsys(w, q, 501, "Not Implemented",
		    "HTTP Error 501. The request transfer encoding type is not "
		    "supported.");
	else if (strcmp(err, "bad version") == 0)
		iis_httpsys(w, q, 505, "HTTP Version Not Supported",
		    "HTTP Error 505. The request HTTP version is not "
		    "supported.");
	else if (strcmp(err, "bad method") == 0 ||
	    strcmp(err, "binary request line") == 0)
		iis_httpsys(w, q, 400, "Bad Request - Invalid Verb",
		    "HTTP Error 400. The request verb is invalid.");
	else if (strcmp(err, "bad request target") == 0)
		iis_httpsys(w, q, 400, "Bad Request - Invalid URL",
		    "HTTP Error 400. The request URL is invalid.");
	else if (strcmp(err, "HTTP/1.1 without Host") == 0 ||
	    strcmp(err, "more than one Host") == 0)
		iis_httpsys(w, q, 400, "Bad Request - Invalid Hostname",
		    "HTTP Error 400. The request hostname is invalid.");
	else if (strstr(err, "header") != NULL)
		iis_httpsys(w, q, 400, "Bad Request - Invalid Header",
		    "HTTP Error 400. The request has an invalid header name.");
	else
		iis_httpsys(w, q, 400, "Bad Request",
		    "HTTP Error 400. The request is badly formed.");
}

static void
iis_file(struct www *w, struct wreq *q, struct wfile *f)
{
	struct reply		*rp = &q->q_rp;
	const char		*inm;
	char			 date[64], etag[64];
	unsigned long long	 ft;

	/* The ETag is the FILETIME of the last write, and a change count. */
	ft = ((unsigned long long)f->f_mtime + 11644473600ULL) * 10000000ULL +
	    (unsigned long long)f->f_usec * 10ULL;
	(void)snprintf(etag, sizeof(etag), "\"%llx:0\"", ft);
	http_date(date, sizeof(date), f->f_mtime);
	if ((inm = http_header(q->q_r, "If-None-Match")) != NULL &&
	    strstr(inm, etag) != NULL) {
		www_reply_init(rp, 304);
		http_buf_printf(&rp->rp_hdrs, "Last-Modified: %s\r\n"
		    "Accept-Ranges: bytes\r\nETag: %s\r\n", date, etag);
		iis_send(w, q);
		return;
	}
	www_reply_init(rp, 200);
	http_buf_printf(&rp->rp_hdrs, "Content-Type: %s\r\n"
	    "Last-Modified: %s\r\nAccept-Ranges: bytes\r\nETag: %s\r\n",
	    f->f_type, date, etag);
	http_buf_add(&rp->rp_body, f->f_data, f->f_len);
	iis_send(w, q);
}

static void
iis_moved(struct www *w, struct wreq *q)
{
	struct reply	*rp = &q->q_rp;
	struct http_buf	 loc;
	int		 port = www_server_port(w, q);

	memset(&loc, 0, sizeof(loc));
	http_buf_printf(&loc, "http://%s", www_server_name(w, q));
	if (port != 80)
		http_buf_printf(&loc, ":%d", port);
	http_buf_str(&loc, q->q_path);
	http_buf_str(&loc, "/");
	www_reply_init(rp, 301);
	http_buf_printf(&rp->rp_hdrs, "Content-Type: text/html; "
	    "charset=UTF-8\r\nLocation: %s\r\n", loc.b_data);
	http_buf_str(&rp->rp_body, "<head><title>Document Moved</title>"
	    "</head>\n<body><h1>Object Moved</h1>This document may be found "
	    "<a HREF=\"");
	http_buf_html(&rp->rp_body, loc.b_data);
	http_buf_str(&rp->rp_body, "\">here</a></body>");
	http_buf_free(&loc);
	iis_send(w, q);
}

static int
iis_cmp(const void *a, const void *b)
{
	const struct wentry	*x = a, *y = b;

	return (strcasecmp(x->e_name, y->e_name));
}

/* Directory browsing, for a docroot that has no default document. */
static void
iis_listing(struct www *w, struct wreq *q)
{
	struct reply	*rp = &q->q_rp;
	struct http_buf	*b = &rp->rp_body;
	struct wentry	*e;
	struct tm	 tm;
	char		 day[32], hm[32], size[32], *parent;
	size_t		 n, i;
	int		 h;

	if (w->w_docroot == NULL || content_list(w, q->q_path, &e, &n) == -1) {
		iis_error(w, q, 403);
		return;
	}
	qsort(e, n, sizeof(*e), iis_cmp);
	www_reply_init(rp, 200);
	http_buf_str(&rp->rp_hdrs, "Content-Type: text/html; "
	    "charset=UTF-8\r\n");
	http_buf_str(b, "<html><head><title>");
	http_buf_html(b, www_server_name(w, q));
	http_buf_str(b, " - ");
	http_buf_html(b, q->q_path);
	http_buf_str(b, "</title></head><body><H1>");
	http_buf_html(b, www_server_name(w, q));
	http_buf_str(b, " - ");
	http_buf_html(b, q->q_path);
	http_buf_str(b, "</H1><hr>\r\n\r\n<pre>");
	if (strcmp(q->q_path, "/") != 0) {
		if ((parent = strdup(q->q_path)) == NULL)
			_exit(1);
		parent[strlen(parent) - 1] = '\0';
		*(strrchr(parent, '/') + 1) = '\0';
		http_buf_str(b, "<A HREF=\"");
		http_buf_html(b, parent);
		http_buf_str(b, "\">[To Parent Directory]</A><br><br>");
		free(parent);
	}
	for (i = 0; i < n; i++) {
		if (localtime_r(&e[i].e_mtime, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		(void)snprintf(day, sizeof(day), "%d/%d/%d", tm.tm_mon + 1,
		    tm.tm_mday, tm.tm_year + 1900);
		h = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
		(void)snprintf(hm, sizeof(hm), "%d:%02d %s", h, tm.tm_min,
		    tm.tm_hour < 12 ? "AM" : "PM");
		if (e[i].e_dir)
			(void)strlcpy(size, "&lt;dir&gt;", sizeof(size));
		else
			(void)snprintf(size, sizeof(size), "%lld",
			    (long long)e[i].e_size);
		http_buf_printf(b, "%10s %8s %*s <A HREF=\"", day, hm,
		    e[i].e_dir ? 20 : 12, size);
		http_buf_html(b, q->q_path);
		http_buf_html(b, e[i].e_name);
		http_buf_str(b, e[i].e_dir ? "/\">" : "\">");
		http_buf_html(b, e[i].e_name);
		http_buf_str(b, "</A><br>");
	}
	http_buf_str(b, "</pre><hr></body></html>");
	content_free_list(e, n);
	iis_send(w, q);
}

void
iis_handle(struct www *w, struct wreq *q)
{
	static const char *const docs[] = { "Default.htm", "Default.asp",
	    "index.htm", "index.html", "iisstart.htm", "default.aspx", NULL };
	struct http_request	*r = q->q_r;
	struct wfile		 f, idx;
	struct http_buf		 ipath;
	const char		*m = r->r_method;
	char			*path, *qm;
	size_t			 i;
	int			 lr, st, get;

	q->q_head = strcmp(m, "HEAD") == 0;
	get = strcmp(m, "GET") == 0 || q->q_head;
	if (www_host(q) == -1) {
		iis_httpsys(w, q, 400, "Bad Request - Invalid Hostname",
		    "HTTP Error 400. The request hostname is invalid.");
		return;
	}
	if (r->r_form == HTTP_FORM_AUTHORITY || r->r_form ==
	    HTTP_FORM_ASTERISK) {
		if (strcmp(m, "OPTIONS") != 0) {
			iis_httpsys(w, q, 400, "Bad Request - Invalid URL",
			    "HTTP Error 400. The request URL is invalid.");
			return;
		}
	}
	if (strcmp(m, "OPTIONS") == 0) {
		www_reply_init(&q->q_rp, 200);
		http_buf_str(&q->q_rp.rp_hdrs, "Allow: " IIS_PUBLIC "\r\n"
		    "Public: " IIS_PUBLIC "\r\n");
		iis_send(w, q);
		return;
	}
	if ((path = strdup(r->r_path)) == NULL)
		_exit(1);
	if ((qm = strchr(path, '?')) != NULL) {
		*qm = '\0';
		q->q_query = r->r_path + (qm - path) + 1;
	}
	q->q_path = path;
	if ((st = http_unescape(path)) == -1 || http_normalize(path) == -1) {
		iis_httpsys(w, q, 400, "Bad Request - Invalid URL",
		    "HTTP Error 400. The request URL is invalid.");
		return;
	}
	if (st == -2) {
		iis_error(w, q, 404);
		return;
	}
	if (strcmp(m, "TRACE") == 0) {
		www_reply_init(&q->q_rp, 200);
		http_buf_str(&q->q_rp.rp_hdrs,
		    "Content-Type: message/http\r\n");
		http_buf_add(&q->q_rp.rp_body, r->r_line, r->r_linelen);
		http_buf_str(&q->q_rp.rp_body, "\r\n");
		for (i = 0; i < r->r_nhdrs; i++)
			http_buf_printf(&q->q_rp.rp_body, "%s: %s\r\n",
			    r->r_hdrs[i].h_name, r->r_hdrs[i].h_value);
		http_buf_str(&q->q_rp.rp_body, "\r\n");
		iis_send(w, q);
		return;
	}
	if ((lr = content_lookup(w, path, &f)) != 0) {
		iis_error(w, q, lr == -2 ? 403 : 404);
		return;
	}
	if (!f.f_dir) {
		if (get)
			iis_file(w, q, &f);
		else
			iis_error(w, q, 405);
		content_free(&f);
		return;
	}
	content_free(&f);
	if (path[strlen(path) - 1] != '/') {
		iis_moved(w, q);
		return;
	}
	for (i = 0; docs[i] != NULL; i++) {
		memset(&ipath, 0, sizeof(ipath));
		http_buf_printf(&ipath, "%s%s", path, docs[i]);
		lr = content_lookup(w, ipath.b_data, &idx);
		http_buf_free(&ipath);
		if (lr == 0 && !idx.f_dir) {
			if (get)
				iis_file(w, q, &idx);
			else
				iis_error(w, q, 405);
			content_free(&idx);
			return;
		}
		content_free(&idx);
	}
	if (get)
		iis_listing(w, q);
	else
		iis_error(w, q, 405);
}
