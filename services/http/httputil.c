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

/* http: reading requests off the connection, building answers, events. */

#include <sys/types.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "util.h"

/* The first cap tried for attacker strings in an event, then quartered. */
#define HTTP_EVCAP_FIRST	4096

static void	 http_buf_grow(struct http_buf *, size_t);
static void	 http_conn_record(struct http_conn *, const void *, size_t);
static int	 http_hexval(int);

void
http_conn_init(struct http_conn *c, int fd, int timeout, int idle)
{
	memset(c, 0, sizeof(*c));
	svc_in_init(&c->hc_in, fd, timeout);
	c->hc_timeout = timeout;
	c->hc_idle = idle;
}

static void
http_conn_record(struct http_conn *c, const void *data, size_t len)
{
	size_t	room;

	if (c->hc_tap == NULL)
		return;
	c->hc_tapped += len;
	room = c->hc_tapmax > c->hc_tap->b_len ?
	    c->hc_tapmax - c->hc_tap->b_len : 0;
	http_buf_add(c->hc_tap, data, len < room ? len : room);
}

/*
 * Record what the client sends from now on, starting with what is
 * buffered and not yet consumed; a NULL buffer stops recording.
 */
void
http_conn_tap(struct http_conn *c, struct http_buf *b, size_t max)
{
	c->hc_tap = b;
	c->hc_tapmax = max;
	c->hc_tapped = 0;
	if (b != NULL)
		http_conn_record(c, c->hc_buf + c->hc_off, c->hc_len);
}

/*
 * Feed the parser until it has a request or fails.  Bytes past the end
 * of the request stay buffered for the next one (pipelining) or for the
 * tunnel after a CONNECT.  With cfd != -1 a client that asked for it
 * gets "100 Continue" before it sends its body.
 */
enum http_read
http_read_request(struct http_conn *c, struct http_parser *p, int cfd)
{
	static const char	 cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	ssize_t			 n;
	size_t			 used;
	int			 sent = 0;

	for (;;) {
		if (c->hc_len > 0) {
			used = http_feed(p, c->hc_buf + c->hc_off, c->hc_len);
			c->hc_off += used;
			c->hc_len -= used;
			if (p->p_state != HTTP_S_MORE) {
				c->hc_count++;
				return (HTTP_R_REQUEST);
			}
		}
		if (cfd != -1 && !sent && p->p_req.r_expect &&
		    http_in_body(p) && p->p_req.r_bodylen == 0) {
			sent = 1;
			(void)svc_write(cfd, cont, sizeof(cont) - 1);
		}
		/* Between requests a client gets the keep-alive timeout. */
		c->hc_in.in_timeout = p->p_bytes == 0 && c->hc_count > 0 ?
		    c->hc_idle : c->hc_timeout;
		n = svc_read(&c->hc_in, c->hc_buf, sizeof(c->hc_buf));
		if (n <= 0) {
			http_partial(p);
			if (n == -1 && errno == ETIMEDOUT)
				return (HTTP_R_TIMEOUT);
			return (p->p_bytes > 0 ? HTTP_R_PARTIAL : HTTP_R_EOF);
		}
		c->hc_off = 0;
		c->hc_len = (size_t)n;
		http_conn_record(c, c->hc_buf, c->hc_len);
	}
}

/*
 * Apache's lingering close: say we are done, then read what the client
 * still sends for a while, so that closing with unread bytes does not
 * reset the connection and destroy the answer before it is read.
 */
void
http_linger(struct http_conn *c, int wfd)
{
	unsigned char	buf[4096];
	time_t		start = time(NULL);
	size_t		total = 0;
	ssize_t		n;

	(void)shutdown(wfd, SHUT_WR);
	c->hc_len = 0;
	c->hc_in.in_timeout = HTTP_LINGER_READ;
	while (time(NULL) - start < HTTP_LINGER_MAX &&
	    total < HTTP_LINGER_BYTES) {
		if ((n = svc_read(&c->hc_in, buf, sizeof(buf))) <= 0)
			break;
		total += (size_t)n;
	}
}

/* The next bytes without consuming them, reading if none are buffered. */
ssize_t
http_conn_peek(struct http_conn *c, const unsigned char **data, int timeout)
{
	ssize_t	n;

	if (c->hc_len == 0) {
		c->hc_in.in_timeout = timeout;
		if ((n = svc_read(&c->hc_in, c->hc_buf,
		    sizeof(c->hc_buf))) <= 0)
			return (n);
		c->hc_off = 0;
		c->hc_len = (size_t)n;
		http_conn_record(c, c->hc_buf, c->hc_len);
	}
	*data = c->hc_buf + c->hc_off;
	return ((ssize_t)c->hc_len);
}

/* Raw bytes after the requests (a tunnel): what is buffered first. */
ssize_t
http_conn_raw(struct http_conn *c, void *buf, size_t len, int timeout)
{
	size_t	take;
	ssize_t	n;

	if (c->hc_len > 0) {
		take = len < c->hc_len ? len : c->hc_len;
		memcpy(buf, c->hc_buf + c->hc_off, take);
		c->hc_off += take;
		c->hc_len -= take;
		return ((ssize_t)take);
	}
	c->hc_in.in_timeout = timeout;
	if ((n = svc_read(&c->hc_in, buf, len)) > 0)
		http_conn_record(c, buf, (size_t)n);
	return (n);
}

static void
http_buf_grow(struct http_buf *b, size_t more)
{
	size_t	 size;
	char	*p;

	if (more > SIZE_MAX / 2 - b->b_len)
		_exit(1);
	if (b->b_len + more + 1 <= b->b_size)
		return;
	size = b->b_size == 0 ? 1024 : b->b_size;
	while (size < b->b_len + more + 1)
		size *= 2;
	if ((p = realloc(b->b_data, size)) == NULL)
		_exit(1);
	b->b_data = p;
	b->b_size = size;
}

void
http_buf_add(struct http_buf *b, const void *data, size_t len)
{
	http_buf_grow(b, len);
	if (len > 0)
		memcpy(b->b_data + b->b_len, data, len);
	b->b_len += len;
	b->b_data[b->b_len] = '\0';
}

void
http_buf_str(struct http_buf *b, const char *s)
{
	http_buf_add(b, s, strlen(s));
}

void
http_buf_printf(struct http_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 len;

	va_start(ap, fmt);
	len = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (len == -1)
		_exit(1);
	http_buf_add(b, s, (size_t)len);
	free(s);
}

/* Attacker text inside a page: the five characters HTML gives meaning. */
void
http_buf_html(struct http_buf *b, const char *s)
{
	const char	*e;

	for (; *s != '\0'; s = e) {
		e = s + strcspn(s, "<>&\"'");
		http_buf_add(b, s, (size_t)(e - s));
		switch (*e) {
		case '<':
			http_buf_str(b, "&lt;");
			break;
		case '>':
			http_buf_str(b, "&gt;");
			break;
		case '&':
			http_buf_str(b, "&amp;");
			break;
		case '"':
			http_buf_str(b, "&quot;");
			break;
		case '\'':
			http_buf_str(b, "&#39;");
			break;
		default:
			continue;
		}
		e++;
	}
}

void
http_buf_reset(struct http_buf *b)
{
	b->b_len = 0;
	if (b->b_data != NULL)
		b->b_data[0] = '\0';
}

void
http_buf_free(struct http_buf *b)
{
	free(b->b_data);
	memset(b, 0, sizeof(*b));
}

/* RFC 1123 date, as every server of the time wrote it. */
void
http_date(char *buf, size_t len, time_t t)
{
	static const char	*days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
				    "Fri", "Sat" };
	static const char	*months[] = { "Jan", "Feb", "Mar", "Apr",
				    "May", "Jun", "Jul", "Aug", "Sep", "Oct",
				    "Nov", "Dec" };
	struct tm		 tm;

	if (gmtime_r(&t, &tm) == NULL) {
		(void)strlcpy(buf, "Thu, 01 Jan 1970 00:00:00 GMT", len);
		return;
	}
	(void)snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int
http_hexval(int c)
{
	if (isdigit(c))
		return (c - '0');
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/*
 * Decode %XX in place, as Apache's ap_unescape_url(): 0 done, -1 a bad
 * escape (400), -2 an escaped slash or NUL (404).
 */
int
http_unescape(char *s)
{
	char	*w = s;
	int	 hi, lo, bad = 0;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*w++ = *s;
			continue;
		}
		if ((hi = http_hexval((unsigned char)s[1])) == -1 ||
		    (lo = http_hexval((unsigned char)s[2])) == -1) {
			*w = '\0';
			return (-1);
		}
		if (hi * 16 + lo == 0 || hi * 16 + lo == '/')
			bad = 1;
		*w++ = (char)(hi * 16 + lo);
		s += 2;
	}
	*w = '\0';
	if (bad) {
		/* Keep the string whole for the log: no NUL inside. */
		return (-2);
	}
	return (0);
}

/*
 * Remove "." and ".." segments from an absolute path in place, as
 * Apache's ap_getparents(); -1 when ".." would climb above "/".
 */
int
http_normalize(char *path)
{
	char	*r = path, *w = path, *seg;
	size_t	 len;
	int	 last;

	if (*path != '/')
		return (-1);
	while (*r == '/') {
		seg = r + 1;
		len = strcspn(seg, "/");
		last = seg[len] == '\0';
		if ((len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.')) {
			if (len == 2) {
				if (w == path)
					return (-1);
				while (w > path && *--w != '/')
					;
			}
			/* "/a/." and "/a/b/.." both name the directory. */
			if (last)
				*w++ = '/';
			r = seg + len;
			continue;
		}
		memmove(w, r, len + 1);
		w += len + 1;
		r = seg + len;
	}
	if (w == path)
		*w++ = '/';
	*w = '\0';
	return (0);
}

const char *
http_reason(int status)
{
	switch (status) {
	case 100:
		return ("Continue");
	case 200:
		return ("OK");
	case 204:
		return ("No Content");
	case 206:
		return ("Partial Content");
	case 301:
		return ("Moved Permanently");
	case 302:
		return ("Found");
	case 304:
		return ("Not Modified");
	case 400:
		return ("Bad Request");
	case 401:
		return ("Unauthorized");
	case 403:
		return ("Forbidden");
	case 404:
		return ("Not Found");
	case 405:
		return ("Method Not Allowed");
	case 407:
		return ("Proxy Authentication Required");
	case 408:
		return ("Request Timeout");
	case 411:
		return ("Length Required");
	case 413:
		return ("Request Entity Too Large");
	case 414:
		return ("Request-URI Too Long");
	case 417:
		return ("Expectation Failed");
	case 431:
		return ("Request Header Fields Too Large");
	case 500:
		return ("Internal Server Error");
	case 501:
		return ("Not Implemented");
	case 502:
		return ("Bad Gateway");
	case 503:
		return ("Service Unavailable");
	case 504:
		return ("Gateway Timeout");
	case 505:
		return ("HTTP Version Not Supported");
	default:
		return ("Unknown");
	}
}

/* Attacker bytes, at most cap of them; 1 when cut, 0 whole, -1 failed. */
int
http_set_capped(json_t *ev, const char *key, const void *data, size_t len,
    size_t cap)
{
	if (hs_event_set_bytes(ev, key, data, len < cap ? len : cap) == -1)
		return (-1);
	return (len > cap);
}

/*
 * The headers as an object, one key per name (repeats joined with ", "
 * as HTTP allows), each value cut to cap bytes, and fewer of them as cap
 * shrinks.  Names ending in "_encoding" would forge our own markers.
 */
json_t *
http_headers_json(const struct http_request *r, size_t cap)
{
	struct http_buf	 v;
	json_t		*o;
	size_t		 i, j, n, nl, max = cap / 16;

	if ((o = json_object()) == NULL)
		return (NULL);
	memset(&v, 0, sizeof(v));
	for (i = 0, n = 0; i < r->r_nhdrs && n < max; i++) {
		for (j = 0; j < i; j++)
			if (strcasecmp(r->r_hdrs[j].h_name,
			    r->r_hdrs[i].h_name) == 0)
				break;
		if (j < i)
			continue;
		nl = strlen(r->r_hdrs[i].h_name);
		if (nl >= 9 && strcasecmp(r->r_hdrs[i].h_name + nl - 9,
		    "_encoding") == 0)
			continue;
		if (nl > cap)
			continue;
		http_buf_reset(&v);
		http_buf_str(&v, r->r_hdrs[i].h_value);
		for (j = i + 1; j < r->r_nhdrs && v.b_len <= cap; j++)
			if (strcasecmp(r->r_hdrs[j].h_name,
			    r->r_hdrs[i].h_name) == 0) {
				http_buf_str(&v, ", ");
				http_buf_str(&v, r->r_hdrs[j].h_value);
			}
		if (http_set_capped(o, r->r_hdrs[i].h_name, v.b_data,
		    v.b_len, cap) == -1)
			continue;
		n++;
	}
	http_buf_free(&v);
	return (o);
}

/*
 * Emit the event build() makes, with attacker strings cut shorter until
 * it fits the superserver's line: an event that is too long is dropped
 * whole, and escaping can make a string six times longer.
 */
void
http_emit(http_evbuild build, void *arg)
{
	json_t	*ev;
	char	*line;
	size_t	 cap = HTTP_EVCAP_FIRST;

	for (;;) {
		if ((ev = build(arg, cap)) == NULL)
			return;
		if ((line = hs_event_dump(ev, SVC_EVENT_MAX - 2)) != NULL) {
			free(line);
			svc_emit(ev);
			return;
		}
		json_decref(ev);
		if (cap == 0)
			return;
		cap /= 4;
	}
}

/*
 * What every request event says, whichever service got it: the method,
 * the target (named as the service calls it), the version, the raw line
 * when it did not parse, the headers, the User-Agent, and the body with
 * its digest.  Each string is capped as http_emit asks.
 */
json_t *
http_request_event(const char *eventid, const struct http_request *r,
    const char *targetkey, const char *sha, size_t cap)
{
	const char	*v;
	json_t		*ev, *h;
	char		 ver[16];

	if ((ev = svc_event(eventid)) == NULL)
		return (NULL);
	if (r->r_method != NULL)
		(void)http_set_capped(ev, "method", r->r_method,
		    strlen(r->r_method), cap);
	if (r->r_target != NULL)
		(void)http_set_capped(ev, targetkey, r->r_target,
		    strlen(r->r_target), cap);
	/* A line that did not parse is the only record of what came. */
	if (r->r_target == NULL && r->r_line != NULL)
		(void)http_set_capped(ev, "request", r->r_line, r->r_linelen,
		    cap);
	if (r->r_major != 0 || r->r_minor != 0) {
		(void)snprintf(ver, sizeof(ver), "HTTP/%d.%d", r->r_major,
		    r->r_minor);
		(void)hs_event_set_str(ev, "version", ver);
	}
	if ((h = http_headers_json(r, cap)) != NULL &&
	    json_object_set_new(ev, "headers", h) == -1) {
		json_decref(ev);
		return (NULL);
	}
	if ((v = http_header(r, "User-Agent")) != NULL)
		(void)http_set_capped(ev, "user_agent", v, strlen(v), cap);
	if (r->r_bodylen > 0) {
		(void)http_set_capped(ev, "body", r->r_body, r->r_bodylen,
		    cap);
		(void)hs_event_set_int(ev, "body_length",
		    (long long)r->r_bodylen);
		(void)hs_event_set_str(ev, "sha256", sha);
	}
	return (ev);
}

/* A request body's digest, and the body itself kept under it in dir. */
void
http_body_keep(const struct http_request *r, const char *dir, char sha[65])
{
	sha[0] = '\0';
	if (r->r_bodylen == 0)
		return;
	if (dir != NULL)
		(void)svc_artifact(dir, r->r_body, r->r_bodylen, sha);
	else
		sha256_hex(r->r_body, r->r_bodylen, sha);
}
