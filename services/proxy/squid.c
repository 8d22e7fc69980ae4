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
 * proxy: Squid 2.7's answers, from its English error templates and the
 * headers clientBuildReplyHeader() adds.  Squid 2 speaks HTTP/1.0.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proxy.h"

static const struct {
	const char	*e_name;
	const char	*e_body;	/* after the URL, before the footer */
} squid_errors[] = {
	{ "ERR_INVALID_URL",
	    "<P>\nThe following error was encountered:\n<UL>\n<LI>\n"
	    "<STRONG>\nInvalid URL\n</STRONG>\n</UL>\n\n<P>\n"
	    "Some aspect of the requested URL is incorrect.  Possible "
	    "problems:\n<UL>\n"
	    "<LI>Missing or incorrect access protocol (should be "
	    "`<CODE>http://</CODE>'' or similar)\n"
	    "<LI>Missing hostname\n"
	    "<LI>Illegal double-escape in the URL-Path\n"
	    "<LI>Illegal character in hostname; underscores are not allowed\n"
	    "</UL>\n" },
	{ "ERR_ACCESS_DENIED",
	    "<P>\nThe following error was encountered:\n<UL>\n<LI>\n"
	    "<STRONG>\nAccess Denied.\n</STRONG>\n<P>\n"
	    "Access control configuration prevents your request from\n"
	    "being allowed at this time.  Please contact your service "
	    "provider if\nyou feel this is incorrect.\n</UL>\n" },
	{ "ERR_CONNECT_FAIL",
	    "<P>\nThe following error was encountered:\n<UL>\n<LI>\n"
	    "<STRONG>\nConnection to %s Failed\n</STRONG>\n</UL>\n\n<P>\n"
	    "The system returned:\n<PRE><I>    (111) Connection refused"
	    "</I></PRE>\n\n<P>\n"
	    "The remote host or network may be down.  Please try the "
	    "request again.\n" },
	{ "ERR_TOO_BIG",
	    "<P>\nThe following error was encountered:\n<UL>\n<LI>\n"
	    "<STRONG>\nThe request or reply is too large.\n</STRONG>\n"
	    "</UL>\n\n<P>\n"
	    "If you are making a POST or PUT request, then your request "
	    "body\n(the thing you are trying to upload) is too large.  If "
	    "you are\nmaking a GET request, then the reply body (what you "
	    "are trying\nto download) is too large.   These limits have "
	    "been established\nby the Internet Service Provider who "
	    "operates this cache.  Please\ncontact them directly if you "
	    "feel this is an error.\n" },
	{ "ERR_UNSUP_REQ",
	    "<P>\nThe following error was encountered:\n<UL>\n<LI>\n"
	    "<STRONG>\nUnsupported Request Method and Protocol\n</STRONG>\n"
	    "</UL>\n\n<P>\n"
	    "Squid does not support all request methods for all access "
	    "protocols.\nFor example, you can not POST a Gopher request.\n" },
	{ "ERR_INVALID_REQ",
	    "<P>\nThe following error was encountered:\n<UL>\n<LI>\n"
	    "<STRONG>\nInvalid Request\n</STRONG>\n</UL>\n\n<P>\n"
	    "Some aspect of the HTTP Request is invalid.  Possible "
	    "problems:\n<UL>\n"
	    "<LI>Missing or unknown request method\n"
	    "<LI>Missing URL\n"
	    "<LI>Missing HTTP Identifier (HTTP/1.0)\n"
	    "<LI>Request is too large\n"
	    "<LI>Content-Length missing for POST or PUT requests\n"
	    "<LI>Illegal character in hostname; underscores are not "
	    "allowed\n</UL>\n" },
	{ NULL, NULL }
};

static const char	*squid_reason(int);

static const char *
squid_reason(int st)
{
	switch (st) {
	case 200:
		return ("OK");
	case 403:
		return ("Forbidden");
	case 413:
		return ("Request Entity Too Large");
	case 414:
		return ("Request-URI Too Large");
	case 501:
		return ("Not Implemented");
	case 503:
		return ("Service Unavailable");
	case 504:
		return ("Gateway Time-out");
	default:
		return ("Bad Request");
	}
}

/*
 * errorpage.c: the template for name with %U the URL (or, for an invalid
 * request, %R the request line), the footer with %T and %h.
 */
void
squid_error(struct proxy *px, struct preq *q, int st, const char *name,
    const char *url, int xerrno)
{
	struct http_request	*r = q->q_r;
	struct http_buf		 h, b;
	char			 date[64];
	size_t			 i;

	memset(&h, 0, sizeof(h));
	memset(&b, 0, sizeof(b));
	for (i = 0; squid_errors[i].e_name != NULL &&
	    strcmp(squid_errors[i].e_name, name) != 0; i++)
		;
	if (squid_errors[i].e_name == NULL)
		i = 0;
	http_date(date, sizeof(date), time(NULL));
	http_buf_str(&b, "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 "
	    "Transitional//EN\" \"http://www.w3.org/TR/html4/loose.dtd\">\n"
	    "<HTML><HEAD><META HTTP-EQUIV=\"Content-Type\" "
	    "CONTENT=\"text/html; charset=iso-8859-1\">\n"
	    "<TITLE>ERROR: The requested URL could not be retrieved</TITLE>\n"
	    "<STYLE type=\"text/css\"><!--BODY{background-color:#ffffff;"
	    "font-family:verdana,sans-serif}PRE{font-family:sans-serif}--></"
	    "STYLE>\n</HEAD><BODY>\n<H1>ERROR</H1>\n"
	    "<H2>The requested URL could not be retrieved</H2>\n"
	    "<HR noshade size=\"1px\">\n");
	if (strcmp(name, "ERR_INVALID_REQ") == 0) {
		http_buf_str(&b, "<P>\nWhile trying to process the request:\n"
		    "<PRE>\n");
		if (r->r_line != NULL)
			http_buf_html(&b, r->r_line);
		http_buf_str(&b, "\n\n</PRE>\n");
	} else {
		http_buf_str(&b, "<P>\nWhile trying to retrieve the URL:\n"
		    "<A HREF=\"");
		http_buf_html(&b, url != NULL ? url : "");
		http_buf_str(&b, "\">");
		http_buf_html(&b, url != NULL ? url : "");
		http_buf_str(&b, "</A>\n");
	}
	if (strcmp(name, "ERR_CONNECT_FAIL") == 0)
		http_buf_printf(&b, squid_errors[i].e_body,
		    r->r_host != NULL ? r->r_host : "");
	else
		http_buf_str(&b, squid_errors[i].e_body);
	http_buf_printf(&b, "<P>Your cache administrator is <A "
	    "HREF=\"mailto:webmaster\">webmaster</A>. \n\n<BR clear=\"all\">\n"
	    "<HR noshade size=\"1px\">\n<ADDRESS>\n"
	    "Generated %s by %s (%s)\n</ADDRESS>\n</BODY></HTML>\n", date,
	    px->px_host, px->px_server);

	q->q_status = st;
	q->q_close = 1;
	http_buf_printf(&h, "HTTP/1.0 %d %s\r\nServer: %s\r\nDate: %s\r\n"
	    "Content-Type: text/html\r\nContent-Length: %zu\r\n"
	    "Expires: %s\r\nX-Squid-Error: %s %d\r\n"
	    "X-Cache: MISS from %s\r\nX-Cache-Lookup: %s from %s:%d\r\n"
	    "Via: 1.0 %s:%d (%s)\r\nProxy-Connection: close\r\n\r\n",
	    st, squid_reason(st), px->px_server, date, b.b_len, date, name,
	    xerrno, px->px_host, strcmp(name, "ERR_CONNECT_FAIL") == 0 ?
	    "MISS" : "NONE", px->px_host, px->px_port, px->px_host,
	    px->px_port, px->px_server);
	if (!q->q_head)
		http_buf_add(&h, b.b_data, b.b_len);
	(void)svc_write(STDOUT_FILENO, h.b_data, h.b_len);
	http_buf_free(&h);
	http_buf_free(&b);
}

/*
 * A fetch that "worked": the page with its origin's headers, and Squid's
 * own after them.  Inside a tunnel the origin answers alone.
 */
void
squid_page(struct proxy *px, struct preq *q, int direct)
{
	struct http_request	*r = q->q_r;
	struct http_buf		 h;
	char			 date[64], mod[64];
	int			 ka;

	memset(&h, 0, sizeof(h));
	http_date(date, sizeof(date), time(NULL));
	http_date(mod, sizeof(mod), px->px_pagetime);
	ka = r->r_keepalive || http_token(http_header(r, "Proxy-Connection"),
	    "keep-alive");
	if (http_token(http_header(r, "Proxy-Connection"), "close"))
		ka = 0;
	q->q_status = 200;
	http_buf_printf(&h, "HTTP/%s 200 OK\r\nDate: %s\r\nServer: %s\r\n"
	    "Last-Modified: %s\r\nETag: \"%lx-%zx-%llx\"\r\n"
	    "Accept-Ranges: bytes\r\nContent-Length: %zu\r\n"
	    "Vary: Accept-Encoding\r\n", direct ? "1.1" : "1.0", date,
	    px->px_origin, mod, (unsigned long)(0x2a0a5 + px->px_pagelen),
	    px->px_pagelen, (unsigned long long)px->px_pagetime * 1000000ULL,
	    px->px_pagelen);
	if (direct) {
		if (!r->r_keepalive)
			http_buf_str(&h, "Connection: close\r\n");
		ka = r->r_keepalive;
		http_buf_printf(&h, "Content-Type: %s\r\n\r\n",
		    px->px_pagetype);
	} else
		http_buf_printf(&h, "Content-Type: %s\r\n"
		    "X-Cache: MISS from %s\r\n"
		    "X-Cache-Lookup: MISS from %s:%d\r\n"
		    "Via: 1.1 %s:%d (%s)\r\nProxy-Connection: %s\r\n\r\n",
		    px->px_pagetype, px->px_host, px->px_host, px->px_port,
		    px->px_host, px->px_port, px->px_server,
		    ka ? "keep-alive" : "close");
	q->q_close = !ka;
	if (!q->q_head)
		http_buf_add(&h, px->px_page, px->px_pagelen);
	(void)svc_write(STDOUT_FILENO, h.b_data, h.b_len);
	http_buf_free(&h);
}

/* sslStart(): exactly this, then the bytes flow. */
void
squid_established(struct proxy *px, struct preq *q)
{
	static const char	ok[] = "HTTP/1.0 200 Connection established"
				    "\r\n\r\n";

	(void)px;
	q->q_status = 200;
	(void)svc_write(STDOUT_FILENO, ok, sizeof(ok) - 1);
}
