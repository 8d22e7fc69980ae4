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

/* http: an incremental HTTP/1.x request parser that does no I/O. */

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http.h"

enum {
	PH_LINE,		/* request line */
	PH_HEADER,		/* header lines */
	PH_BODY,		/* Content-Length bytes */
	PH_CHUNK_SIZE,		/* chunk-size line */
	PH_CHUNK_DATA,
	PH_CHUNK_END,		/* the CRLF after a chunk's data */
	PH_TRAILER,		/* trailer lines after the last chunk */
	PH_END			/* done or failed: nothing more is read */
};

static void	*http_alloc(void *, size_t, size_t);
static char	*http_strndup(const char *, size_t);
static void	 http_fail(struct http_parser *, int, const char *);
static void	 http_fail_line(struct http_parser *, int, const char *);
static size_t	 http_collect(struct http_parser *, const unsigned char *,
		    size_t, size_t, int *);
static int	 http_tchar(int);
static int	 http_ctl(const char *, size_t, int);
static void	 http_request_line(struct http_parser *);
static int	 http_target(struct http_request *);
static int	 http_authority(const char *, size_t, char **, int *);
static void	 http_header_line(struct http_parser *);
static void	 http_headers_done(struct http_parser *);
static int	 http_content_length(struct http_parser *, size_t *);
static void	 http_body_add(struct http_parser *, const unsigned char *,
		    size_t);
static void	 http_chunk_size(struct http_parser *);
static void	 http_trailer_line(struct http_parser *);
static void	 http_done(struct http_parser *);

void
http_limits_default(struct http_limits *lim)
{
	lim->hl_line = HTTP_LINE_MAX;
	lim->hl_field = HTTP_FIELD_MAX;
	lim->hl_fields = HTTP_FIELDS_MAX;
	lim->hl_headers = HTTP_HEADERS_MAX;
	lim->hl_body = HTTP_BODY_MAX;
}

/* Out of memory under a bounded parser means the rlimit is wrong: stop. */
static void *
http_alloc(void *old, size_t n, size_t size)
{
	void	*p;

	if ((p = reallocarray(old, n == 0 ? 1 : n, size)) == NULL)
		_exit(1);
	return (p);
}

static char *
http_strndup(const char *s, size_t len)
{
	char	*p;

	p = http_alloc(NULL, len + 1, 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

void
http_init(struct http_parser *p, const struct http_limits *lim)
{
	memset(p, 0, sizeof(*p));
	if (lim != NULL)
		p->p_lim = *lim;
	else
		http_limits_default(&p->p_lim);
	p->p_state = HTTP_S_MORE;
	p->p_phase = PH_LINE;
}

/* Forget the request, keep the limits and the line buffer. */
void
http_reset(struct http_parser *p)
{
	struct http_request	*r = &p->p_req;
	size_t			 i;

	free(r->r_line);
	free(r->r_bad);
	free(r->r_method);
	free(r->r_target);
	free(r->r_scheme);
	free(r->r_host);
	free(r->r_path);
	for (i = 0; i < r->r_nhdrs; i++) {
		free(r->r_hdrs[i].h_name);
		free(r->r_hdrs[i].h_value);
	}
	free(r->r_hdrs);
	free(r->r_body);
	memset(r, 0, sizeof(*r));
	p->p_state = HTTP_S_MORE;
	p->p_status = 0;
	p->p_error = NULL;
	p->p_bytes = 0;
	p->p_phase = PH_LINE;
	p->p_llen = 0;
	p->p_lcut = 0;
	p->p_blank = 0;
	p->p_clen = 0;
	p->p_ntrail = 0;
}

void
http_free(struct http_parser *p)
{
	http_reset(p);
	free(p->p_lbuf);
	p->p_lbuf = NULL;
	p->p_lsize = 0;
}

static void
http_fail(struct http_parser *p, int status, const char *why)
{
	p->p_state = HTTP_S_ERROR;
	p->p_status = status;
	p->p_error = why;
	p->p_phase = PH_END;
	p->p_req.r_keepalive = 0;
}

/* Fail on the header line just collected, and keep it. */
static void
http_fail_line(struct http_parser *p, int status, const char *why)
{
	free(p->p_req.r_bad);
	p->p_req.r_bad = http_strndup(p->p_lbuf, p->p_llen);
	http_fail(p, status, why);
}

static void
http_done(struct http_parser *p)
{
	p->p_state = HTTP_S_DONE;
	p->p_phase = PH_END;
}

/* RFC 7230 tchar. */
static int
http_tchar(int c)
{
	if (c >= 0x80 || c <= 0x20 || c == 0x7f)
		return (0);
	return (strchr("\"(),/:;<=>?@[\\]{}", c) == NULL);
}

/* A control byte other than the allowed tab: binary, not HTTP. */
static int
http_ctl(const char *s, size_t len, int tab)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] == 0x7f)
			return (1);
		if ((unsigned char)s[i] < 0x20 && !(tab && s[i] == '\t'))
			return (1);
	}
	return (0);
}

/*
 * Add bytes to the line being collected, up to and including a LF.
 * Returns what it consumed; *done says the line is complete, NUL
 * terminated without its CRLF in p_lbuf.  A line whose content exceeds
 * max sets p_lcut at once: waiting for its end would let a client make
 * us hold or wait for any amount.
 */
static size_t
http_collect(struct http_parser *p, const unsigned char *d, size_t len,
    size_t max, int *done)
{
	const unsigned char	*nl;
	size_t			 take, used, need;

	*done = 0;
	nl = memchr(d, '\n', len);
	take = nl != NULL ? (size_t)(nl - d) : len;
	used = nl != NULL ? take + 1 : take;
	/* One byte beyond max may be the CR of the CRLF. */
	if (take > max + 1 - p->p_llen) {
		take = max + 1 - p->p_llen;
		p->p_lcut = 1;
		used = take;
	}
	need = p->p_llen + take + 1;
	if (need > p->p_lsize) {
		size_t	size = p->p_lsize == 0 ? 256 : p->p_lsize;

		while (size < need)
			size *= 2;
		p->p_lbuf = http_alloc(p->p_lbuf, size, 1);
		p->p_lsize = size;
	}
	memcpy(p->p_lbuf + p->p_llen, d, take);
	p->p_llen += take;
	p->p_lbuf[p->p_llen] = '\0';
	if (p->p_lcut)
		return (used);
	if (nl != NULL) {
		if (p->p_llen > 0 && p->p_lbuf[p->p_llen - 1] == '\r')
			p->p_lbuf[--p->p_llen] = '\0';
		if (p->p_llen > max)
			p->p_lcut = 1;
		else
			*done = 1;
	}
	return (used);
}

size_t
http_feed(struct http_parser *p, const void *data, size_t len)
{
	const unsigned char	*d = data;
	size_t			 off = 0, n, take, old, end;
	int			 done;

	while (off < len && p->p_phase != PH_END) {
		switch (p->p_phase) {
		case PH_LINE:
			/*
			 * Blank lines before a request are skipped, as Apache
			 * does; a lone CR there is taken for half of one.
			 */
			if (p->p_llen == 0 && (d[off] == '\n' ||
			    d[off] == '\r')) {
				if (d[off++] == '\n' &&
				    ++p->p_blank > HTTP_BLANK_MAX) {
					http_fail(p, 400,
					    "too many blank lines");
					return (off);
				}
				continue;
			}
			old = p->p_llen;
			n = http_collect(p, d + off, len - off,
			    p->p_lim.hl_line, &done);
			off += n;
			p->p_bytes += n;
			/*
			 * Binary is refused at once, not after 8 KB of it; a
			 * last CR may still turn out to end the line.
			 */
			if (old > 0)
				old--;
			end = p->p_llen;
			if (!done && end > 0 && p->p_lbuf[end - 1] == '\r')
				end--;
			if (end > old && http_ctl(p->p_lbuf + old, end - old,
			    1)) {
				p->p_req.r_line = http_strndup(p->p_lbuf,
				    p->p_llen);
				p->p_req.r_linelen = p->p_llen;
				http_fail(p, 400, "binary request line");
				break;
			}
			if (p->p_lcut) {
				p->p_req.r_line = http_strndup(p->p_lbuf,
				    p->p_llen);
				p->p_req.r_linelen = p->p_llen;
				http_fail(p, 414, "request line too long");
				break;
			}
			if (done)
				http_request_line(p);
			break;
		case PH_HEADER:
		case PH_TRAILER:
		case PH_CHUNK_SIZE:
		case PH_CHUNK_END:
			n = http_collect(p, d + off, len - off,
			    p->p_phase == PH_CHUNK_SIZE ? HTTP_CHUNKLINE_MAX :
			    p->p_phase == PH_CHUNK_END ? 0 : p->p_lim.hl_field,
			    &done);
			off += n;
			p->p_bytes += n;
			if (p->p_lcut) {
				if (p->p_phase == PH_HEADER ||
				    p->p_phase == PH_TRAILER)
					http_fail_line(p, 431,
					    "header too long");
				else
					http_fail(p, 400, "bad chunk");
				break;
			}
			if (!done)
				break;
			if (p->p_phase == PH_HEADER)
				http_header_line(p);
			else if (p->p_phase == PH_TRAILER)
				http_trailer_line(p);
			else if (p->p_phase == PH_CHUNK_SIZE)
				http_chunk_size(p);
			else
				p->p_phase = PH_CHUNK_SIZE;
			p->p_llen = 0;
			break;
		case PH_BODY:
		case PH_CHUNK_DATA:
			take = len - off < p->p_clen ? len - off : p->p_clen;
			http_body_add(p, d + off, take);
			off += take;
			p->p_bytes += take;
			p->p_clen -= take;
			if (p->p_clen > 0)
				break;
			if (p->p_phase == PH_BODY)
				http_done(p);
			else
				p->p_phase = PH_CHUNK_END;
			break;
		}
	}
	return (off);
}

/*
 * The client stopped inside a request line: keep what came of it as the
 * line, for the record.
 */
void
http_partial(struct http_parser *p)
{
	if (p->p_phase == PH_LINE && p->p_req.r_line == NULL &&
	    p->p_llen > 0) {
		p->p_req.r_line = http_strndup(p->p_lbuf, p->p_llen);
		p->p_req.r_linelen = p->p_llen;
	}
}

/* Whether the parser waits for body bytes (for 100-continue). */
int
http_in_body(const struct http_parser *p)
{
	return (p->p_phase == PH_BODY || p->p_phase == PH_CHUNK_SIZE ||
	    p->p_phase == PH_CHUNK_DATA);
}

static void
http_request_line(struct http_parser *p)
{
	struct http_request	*r = &p->p_req;
	char			*l = p->p_lbuf, *m, *t, *v;
	size_t			 ml, tl, vl, i;

	r->r_line = http_strndup(l, p->p_llen);
	r->r_linelen = p->p_llen;
	p->p_llen = 0;
	/* Apache also takes tabs and runs of blanks between the words. */
	m = r->r_line;
	for (ml = 0; m[ml] != '\0' && m[ml] != ' ' && m[ml] != '\t'; ml++)
		;
	for (t = m + ml; *t == ' ' || *t == '\t'; t++)
		;
	for (tl = 0; t[tl] != '\0' && t[tl] != ' ' && t[tl] != '\t'; tl++)
		;
	for (v = t + tl; *v == ' ' || *v == '\t'; v++)
		;
	for (vl = strlen(v); vl > 0 && (v[vl - 1] == ' ' ||
	    v[vl - 1] == '\t'); vl--)
		;
	if (ml == 0) {
		http_fail(p, 400, "no method");
		return;
	}
	r->r_method = http_strndup(m, ml);
	for (i = 0; i < ml; i++)
		if (!http_tchar((unsigned char)m[i])) {
			http_fail(p, 400, "bad method");
			return;
		}
	if (tl == 0) {
		http_fail(p, 400, "no request target");
		return;
	}
	r->r_target = http_strndup(t, tl);
	if (vl == 0) {
		/* HTTP/0.9: no version, no headers, no body. */
		r->r_major = 0;
		r->r_minor = 9;
	} else if (vl == 8 && strncmp(v, "HTTP/", 5) == 0 &&
	    isdigit((unsigned char)v[5]) && v[6] == '.' &&
	    isdigit((unsigned char)v[7])) {
		r->r_major = v[5] - '0';
		r->r_minor = v[7] - '0';
	} else {
		http_fail(p, 400, "bad version");
		return;
	}
	if (http_target(r) == -1) {
		http_fail(p, 400, "bad request target");
		return;
	}
	if (r->r_major == 0) {
		if (r->r_minor != 9) {
			http_fail(p, 400, "bad version");
			return;
		}
		http_done(p);
		return;
	}
	p->p_phase = PH_HEADER;
}

/* Split the request-target into its form and parts. */
static int
http_target(struct http_request *r)
{
	const char	*t = r->r_target, *a, *e;
	size_t		 i;

	if (strcmp(r->r_method, "CONNECT") == 0) {
		r->r_form = HTTP_FORM_AUTHORITY;
		if (http_authority(t, strlen(t), &r->r_host,
		    &r->r_port) == -1 || r->r_port == 0)
			return (-1);
		return (0);
	}
	if (strcmp(t, "*") == 0) {
		r->r_form = HTTP_FORM_ASTERISK;
		return (0);
	}
	if (t[0] == '/') {
		r->r_form = HTTP_FORM_ORIGIN;
		r->r_path = http_strndup(t, strlen(t));
		return (0);
	}
	/* scheme "://" authority path-abempty [ "?" query ] */
	if (!isalpha((unsigned char)t[0]))
		return (-1);
	for (i = 1; isalnum((unsigned char)t[i]) || t[i] == '+' ||
	    t[i] == '-' || t[i] == '.'; i++)
		;
	if (strncmp(t + i, "://", 3) != 0)
		return (-1);
	r->r_form = HTTP_FORM_ABSOLUTE;
	r->r_scheme = http_strndup(t, i);
	a = t + i + 3;
	e = a + strcspn(a, "/?#");
	if (http_authority(a, (size_t)(e - a), &r->r_host, &r->r_port) == -1)
		return (-1);
	if (*e == '/')
		r->r_path = http_strndup(e, strlen(e));
	else {
		/* "http://host?q" asks for "/?q". */
		r->r_path = http_alloc(NULL, strlen(e) + 2, 1);
		r->r_path[0] = '/';
		(void)strlcpy(r->r_path + 1, *e == '#' ? "" : e,
		    strlen(e) + 1);
	}
	return (0);
}

/* [userinfo "@"] host [":" port]; port 0 when absent. */
static int
http_authority(const char *s, size_t len, char **hostp, int *portp)
{
	const char	*at, *h, *he, *pp;
	size_t		 i;
	int		 port = 0;

	if ((at = memrchr(s, '@', len)) != NULL) {
		len -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	h = s;
	if (len > 0 && s[0] == '[') {
		if ((he = memchr(s, ']', len)) == NULL)
			return (-1);
		for (i = 1; h + i < he; i++)
			if (!isxdigit((unsigned char)h[i]) && h[i] != ':' &&
			    h[i] != '.')
				return (-1);
		he++;
	} else {
		he = memchr(s, ':', len);
		if (he == NULL)
			he = s + len;
		for (i = 0; h + i < he; i++)
			if (!isalnum((unsigned char)h[i]) &&
			    strchr("-._~%!$&'()*+,;=", h[i]) == NULL)
				return (-1);
	}
	if (he == h || (he == h + 2 && h[0] == '['))
		return (-1);
	pp = he;
	if (pp < s + len) {
		if (*pp != ':')
			return (-1);
		for (pp++; pp < s + len; pp++) {
			if (!isdigit((unsigned char)*pp))
				return (-1);
			port = port * 10 + (*pp - '0');
			if (port > 65535)
				return (-1);
		}
	}
	*hostp = http_strndup(h, (size_t)(he - h));
	*portp = port;
	return (0);
}

static void
http_header_line(struct http_parser *p)
{
	struct http_request	*r = &p->p_req;
	char			*l = p->p_lbuf, *v, *colon;
	size_t			 nl, vl, i;

	if (p->p_llen == 0) {
		http_headers_done(p);
		return;
	}
	/* obs-fold: RFC 7230 lets a server refuse it, and we do. */
	if (l[0] == ' ' || l[0] == '\t') {
		http_fail_line(p, 400, "folded header");
		return;
	}
	if (r->r_nhdrs >= p->p_lim.hl_fields) {
		http_fail(p, 431, "too many headers");
		return;
	}
	r->r_hdrbytes += p->p_llen + 2;
	if (r->r_hdrbytes > p->p_lim.hl_headers) {
		http_fail(p, 431, "headers too large");
		return;
	}
	if ((colon = memchr(l, ':', p->p_llen)) == NULL || colon == l) {
		http_fail_line(p, 400, "header without colon");
		return;
	}
	nl = (size_t)(colon - l);
	for (i = 0; i < nl; i++)
		if (!http_tchar((unsigned char)l[i])) {
			http_fail_line(p, 400, "bad header name");
			return;
		}
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	vl = p->p_llen - (size_t)(v - l);
	while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	if (http_ctl(v, vl, 1)) {
		http_fail_line(p, 400,
		    "control byte in header");
		return;
	}
	r->r_hdrs = http_alloc(r->r_hdrs, r->r_nhdrs + 1,
	    sizeof(*r->r_hdrs));
	r->r_hdrs[r->r_nhdrs].h_name = http_strndup(l, nl);
	r->r_hdrs[r->r_nhdrs].h_value = http_strndup(v, vl);
	r->r_nhdrs++;
}

/* The first header of that name, or NULL. */
const char *
http_header(const struct http_request *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->r_nhdrs; i++)
		if (strcasecmp(r->r_hdrs[i].h_name, name) == 0)
			return (r->r_hdrs[i].h_value);
	return (NULL);
}

/* Whether a comma-separated header value lists the token. */
int
http_token(const char *list, const char *tok)
{
	const char	*s = list, *e;
	size_t		 tl = strlen(tok), l;

	if (list == NULL)
		return (0);
	while (*s != '\0') {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		e = s + strcspn(s, ",;");
		l = (size_t)(e - s);
		while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t'))
			l--;
		if (l == tl && l > 0 && strncasecmp(s, tok, tl) == 0)
			return (1);
		s = e;
		if (*s == ';')
			s += strcspn(s, ",");
	}
	return (0);
}

int
http_version_ge(const struct http_request *r, int major, int minor)
{
	return (r->r_major > major ||
	    (r->r_major == major && r->r_minor >= minor));
}

static void
http_headers_done(struct http_parser *p)
{
	struct http_request	*r = &p->p_req;
	const char		*te, *last, *conn, *expect;
	size_t			 i, nhost = 0, clen = 0;
	int			 hascl;

	for (i = 0; i < r->r_nhdrs; i++)
		if (strcasecmp(r->r_hdrs[i].h_name, "Host") == 0)
			nhost++;
	if (nhost > 1) {
		http_fail(p, 400, "more than one Host");
		return;
	}
	if (nhost == 0 && http_version_ge(r, 1, 1) &&
	    r->r_form != HTTP_FORM_ABSOLUTE &&
	    r->r_form != HTTP_FORM_AUTHORITY) {
		http_fail(p, 400, "HTTP/1.1 without Host");
		return;
	}
	conn = http_header(r, "Connection");
	if (http_token(conn, "close"))
		r->r_keepalive = 0;
	else if (http_version_ge(r, 1, 1))
		r->r_keepalive = 1;
	else
		r->r_keepalive = http_token(conn, "keep-alive");

	if ((expect = http_header(r, "Expect")) != NULL &&
	    http_version_ge(r, 1, 1)) {
		if (strcasecmp(expect, "100-continue") != 0) {
			http_fail(p, 417, "unknown expectation");
			return;
		}
		r->r_expect = 1;
	}

	/* What follows a CONNECT is the tunnel, never a body. */
	if (r->r_form == HTTP_FORM_AUTHORITY) {
		http_done(p);
		return;
	}
	if ((hascl = http_content_length(p, &clen)) == -1)
		return;
	if ((te = http_header(r, "Transfer-Encoding")) != NULL) {
		/* The last coding decides; only chunked can end a body. */
		last = te;
		for (i = 0; te[i] != '\0'; i++)
			if (te[i] == ',')
				last = te + i + 1;
		while (*last == ' ' || *last == '\t')
			last++;
		if (strncasecmp(last, "chunked", 7) != 0 ||
		    strspn(last + 7, " \t") != strlen(last + 7)) {
			http_fail(p, 501, "unknown transfer coding");
			return;
		}
		r->r_chunked = 1;
		/* Both framings at once is how requests get smuggled. */
		if (hascl)
			r->r_keepalive = 0;
		p->p_phase = PH_CHUNK_SIZE;
		return;
	}
	if (clen == 0) {
		http_done(p);
		return;
	}
	p->p_clen = clen;
	p->p_phase = PH_BODY;
}

/* 1 and *lenp when framed by Content-Length, 0 without, -1 failed. */
static int
http_content_length(struct http_parser *p, size_t *lenp)
{
	struct http_request	*r = &p->p_req;
	const char		*s;
	size_t			 i, v;
	int			 seen = 0, digits;

	*lenp = 0;
	for (i = 0; i < r->r_nhdrs; i++) {
		if (strcasecmp(r->r_hdrs[i].h_name, "Content-Length") != 0)
			continue;
		/* "5, 5" is one length said twice; anything else is not. */
		for (s = r->r_hdrs[i].h_value; ; s++) {
			while (*s == ' ' || *s == '\t')
				s++;
			v = 0;
			digits = 0;
			for (; isdigit((unsigned char)*s); s++, digits++) {
				if (v > (SIZE_MAX - 9) / 10) {
					http_fail(p, 413, "body too large");
					return (-1);
				}
				v = v * 10 + (size_t)(*s - '0');
			}
			while (*s == ' ' || *s == '\t')
				s++;
			if (digits == 0 || (*s != ',' && *s != '\0') ||
			    (seen && v != *lenp)) {
				http_fail(p, 400, "bad Content-Length");
				return (-1);
			}
			seen = 1;
			*lenp = v;
			if (*s == '\0')
				break;
		}
	}
	if (seen && *lenp > p->p_lim.hl_body &&
	    http_header(r, "Transfer-Encoding") == NULL) {
		http_fail(p, 413, "body too large");
		return (-1);
	}
	return (seen);
}

static void
http_body_add(struct http_parser *p, const unsigned char *d, size_t len)
{
	struct http_request	*r = &p->p_req;

	if (len == 0)
		return;
	r->r_body = http_alloc(r->r_body, r->r_bodylen + len + 1, 1);
	memcpy(r->r_body + r->r_bodylen, d, len);
	r->r_bodylen += len;
	r->r_body[r->r_bodylen] = '\0';
}

static void
http_chunk_size(struct http_parser *p)
{
	const char	*s = p->p_lbuf;
	size_t		 v = 0;
	int		 digits = 0, c;

	for (; isxdigit((unsigned char)*s); s++, digits++) {
		c = tolower((unsigned char)*s);
		c = isdigit(c) ? c - '0' : c - 'a' + 10;
		if (v > (p->p_lim.hl_body - p->p_req.r_bodylen) / 16 + 1) {
			http_fail(p, 413, "body too large");
			return;
		}
		v = v * 16 + (size_t)c;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (digits == 0 || (*s != '\0' && *s != ';') ||
	    http_ctl(p->p_lbuf, p->p_llen, 1)) {
		http_fail(p, 400, "bad chunk size");
		return;
	}
	if (v > p->p_lim.hl_body - p->p_req.r_bodylen) {
		http_fail(p, 413, "body too large");
		return;
	}
	if (v == 0) {
		p->p_phase = PH_TRAILER;
		return;
	}
	p->p_clen = v;
	p->p_phase = PH_CHUNK_DATA;
}

/* Trailers count against the header limits and are dropped. */
static void
http_trailer_line(struct http_parser *p)
{
	struct http_request	*r = &p->p_req;
	const char		*colon;
	size_t			 i;

	if (p->p_llen == 0) {
		http_done(p);
		return;
	}
	if (p->p_lbuf[0] == ' ' || p->p_lbuf[0] == '\t') {
		http_fail(p, 400, "folded trailer");
		return;
	}
	r->r_hdrbytes += p->p_llen + 2;
	if (r->r_nhdrs + ++p->p_ntrail > p->p_lim.hl_fields ||
	    r->r_hdrbytes > p->p_lim.hl_headers) {
		http_fail(p, 431, "trailers too large");
		return;
	}
	if ((colon = memchr(p->p_lbuf, ':', p->p_llen)) == NULL ||
	    colon == p->p_lbuf) {
		http_fail(p, 400, "trailer without colon");
		return;
	}
	for (i = 0; p->p_lbuf + i < colon; i++)
		if (!http_tchar((unsigned char)p->p_lbuf[i])) {
			http_fail(p, 400, "bad trailer name");
			return;
		}
	if (http_ctl(colon, p->p_llen - (size_t)(colon - p->p_lbuf), 1))
		http_fail(p, 400, "control byte in trailer");
}
