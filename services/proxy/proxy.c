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
 * proxy: the open proxy's main loop.  Requests for http:// URLs get the
 * page, CONNECT gets "Connection established" and a tunnel that leads
 * nowhere: TLS and anything else is swallowed and recorded, HTTP inside
 * it is answered as the origin would, and a tunnel to a mail port finds
 * an SMTP server that accepts every message, which is what spammers use
 * open proxies for.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "proxy.h"
#include "util.h"

/* The largest page -f may name. */
#define PROXY_PAGE_MAX		(1024 * 1024)
/* Tunnel bytes swallowed before the tunnel is closed. */
#define PROXY_TUNNEL_MAX	(16 * 1024 * 1024)
/* Longest SMTP line taken, and messages accepted per tunnel. */
#define PROXY_SMTP_LINE		4096
#define PROXY_SMTP_RCPTS	1024

static const char proxy_default_page[] =
    "<html><body><h1>It works!</h1>\n"
    "<p>This is the default web page for this server.</p>\n"
    "<p>The web server software is running but no content has been added, "
    "yet.</p>\n"
    "</body></html>\n";

struct pev {
	struct proxy	*ev_px;
	struct preq	*ev_q;
	char		 ev_sha[65];
};

/* What a tunnel carried, for its event. */
struct tunnel {
	const char	*t_host;
	int		 t_port;
	const char	*t_mode;	/* tls, http, smtp, raw */
	struct http_buf	 t_data;	/* the first bytes sent */
	size_t		 t_bytes;
	char		*t_sni;
	struct http_buf	 t_from;	/* MAIL FROM and RCPT TO */
	struct http_buf	 t_rcpt;
	int		 t_msgs;
	size_t		 t_nrcpt;
	char		 t_sha[65];
};

static int	 proxy_local_port(void);
static void	 proxy_load_page(struct proxy *, const char *);
static json_t	*proxy_event(void *, size_t);
static json_t	*proxy_tunnel_event(void *, size_t);
static void	 proxy_log(struct proxy *, struct preq *);
static void	 proxy_fail(struct proxy *, struct preq *, int);
static void	 proxy_handle(struct proxy *, struct preq *,
		    struct http_conn *);
static int	 proxy_port_allowed(const struct proxy *, int);
static void	 proxy_tunnel(struct proxy *, struct preq *,
		    struct http_conn *);
static void	 proxy_tunnel_http(struct proxy *, struct tunnel *,
		    struct http_conn *);
static void	 proxy_tunnel_smtp(struct proxy *, struct tunnel *,
		    struct http_conn *);
static ssize_t	 proxy_line(struct http_conn *, char *, size_t, int);
static char	*proxy_sni(const unsigned char *, size_t);
static int	 proxy_is_http(const unsigned char *, size_t);

static int
proxy_local_port(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	const char		*s, *errstr;
	int			 port;

	if ((s = getenv("HONEYSPY_DST_PORT")) != NULL) {
		port = (int)strtonum(s, 1, 65535, &errstr);
		if (errstr == NULL)
			return (port);
	}
	if (getsockname(STDIN_FILENO, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET)
			return (ntohs(((struct sockaddr_in *)&ss)->sin_port));
		if (ss.ss_family == AF_INET6)
			return (ntohs(
			    ((struct sockaddr_in6 *)&ss)->sin6_port));
	}
	return (3128);
}

static void
proxy_load_page(struct proxy *px, const char *file)
{
	struct http_buf	 b;
	char		 buf[8192];
	const char	*dot;
	ssize_t		 n;
	int		 fd;

	memset(&b, 0, sizeof(b));
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		svc_usage("-f: cannot open the page");
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || b.b_len + (size_t)n > PROXY_PAGE_MAX)
			svc_usage("-f: cannot read the page, or too large");
		http_buf_add(&b, buf, (size_t)n);
	}
	(void)close(fd);
	px->px_page = b.b_data != NULL ? b.b_data : strdup("");
	px->px_pagelen = b.b_len;
	dot = strrchr(file, '.');
	if (dot != NULL && strcasecmp(dot, ".txt") == 0)
		px->px_pagetype = "text/plain";
	else if (dot != NULL && strcasecmp(dot, ".xml") == 0)
		px->px_pagetype = "text/xml";
	else if (dot != NULL && strcasecmp(dot, ".json") == 0)
		px->px_pagetype = "application/json";
}

static json_t *
proxy_event(void *arg, size_t cap)
{
	struct pev		*pv = arg;
	struct preq		*q = pv->ev_q;
	struct http_request	*r = q->q_r;
	const char		*v;
	json_t			*ev;
	char			 where[300];
	int			 port;

	if ((ev = http_request_event("honeyspy.proxy.request", r, "url",
	    pv->ev_sha, cap)) == NULL)
		return (NULL);
	if (r->r_host != NULL) {
		(void)http_set_capped(ev, "host", r->r_host,
		    strlen(r->r_host), cap);
		port = r->r_port;
		if (port == 0 && r->r_scheme != NULL)
			port = strcasecmp(r->r_scheme, "https") == 0 ? 443 :
			    strcasecmp(r->r_scheme, "ftp") == 0 ? 21 : 80;
		if (port != 0)
			(void)hs_event_set_int(ev, "port", port);
	} else if ((v = http_header(r, "Host")) != NULL)
		(void)http_set_capped(ev, "host", v, strlen(v), cap);
	if (q->q_thost != NULL) {
		/* A request made inside a tunnel, to where it leads. */
		(void)snprintf(where, sizeof(where), "%s:%d", q->q_thost,
		    q->q_tport);
		(void)http_set_capped(ev, "tunnel", where, strlen(where), cap);
	}
	if (q->q_status != 0)
		(void)hs_event_set_int(ev, "status", q->q_status);
	if (q->q_error != NULL)
		(void)hs_event_set_str(ev, "error", q->q_error);
	return (ev);
}

static void
proxy_log(struct proxy *px, struct preq *q)
{
	struct pev		 pv;
	struct http_request	*r = q->q_r;

	memset(&pv, 0, sizeof(pv));
	pv.ev_px = px;
	pv.ev_q = q;
	http_body_keep(r, px->px_artifacts, pv.ev_sha);
	http_emit(proxy_event, &pv);
}

/* What Squid answers a request the parser refused. */
static void
proxy_fail(struct proxy *px, struct preq *q, int status)
{
	const char	*url = q->q_r->r_target;

	switch (status) {
	case 413:
	case 414:
		squid_error(px, q, status, "ERR_TOO_BIG", url, 0);
		break;
	case 431:
		squid_error(px, q, 413, "ERR_TOO_BIG", url, 0);
		break;
	case 501:
		squid_error(px, q, 501, "ERR_UNSUP_REQ", url, 0);
		break;
	default:
		squid_error(px, q, 400, "ERR_INVALID_REQ", url, 0);
		break;
	}
}

/* -C: CONNECT only to these ports, as Squid's SSL_ports ACL. */
static int
proxy_port_allowed(const struct proxy *px, int port)
{
	const char	*s = px->px_ports, *e;
	char		 num[8];
	size_t		 len;

	if (s == NULL)
		return (1);
	for (; *s != '\0'; s = *e == '\0' ? e : e + 1) {
		e = s + strcspn(s, ",");
		len = (size_t)(e - s);
		if (len == 0 || len >= sizeof(num))
			continue;
		memcpy(num, s, len);
		num[len] = '\0';
		if (atoi(num) == port)
			return (1);
	}
	return (0);
}

static void
proxy_handle(struct proxy *px, struct preq *q, struct http_conn *c)
{
	struct http_request	*r = q->q_r;
	const char		*scheme;

	q->q_head = strcmp(r->r_method, "HEAD") == 0;
	if (px->px_mode == PROXY_DENY) {
		squid_error(px, q, 403, "ERR_ACCESS_DENIED", r->r_target, 0);
		proxy_log(px, q);
		return;
	}
	if (r->r_form == HTTP_FORM_AUTHORITY) {
		if (!proxy_port_allowed(px, r->r_port)) {
			squid_error(px, q, 403, "ERR_ACCESS_DENIED",
			    r->r_target, 0);
			proxy_log(px, q);
			return;
		}
		if (px->px_mode == PROXY_ERROR) {
			squid_error(px, q, 503, "ERR_CONNECT_FAIL",
			    r->r_target, 111);
			proxy_log(px, q);
			return;
		}
		squid_established(px, q);
		proxy_log(px, q);
		proxy_tunnel(px, q, c);
		q->q_close = 1;
		return;
	}
	if (r->r_form != HTTP_FORM_ABSOLUTE) {
		/* Squid is no web server: a path alone is no URL to it. */
		squid_error(px, q, 400, "ERR_INVALID_URL", r->r_target, 0);
		proxy_log(px, q);
		return;
	}
	scheme = r->r_scheme;
	if (strcasecmp(scheme, "cache_object") == 0)
		squid_error(px, q, 403, "ERR_ACCESS_DENIED", r->r_target, 0);
	else if (strcasecmp(scheme, "http") != 0 &&
	    strcasecmp(scheme, "ftp") != 0)
		squid_error(px, q, 501, "ERR_UNSUP_REQ", r->r_target, 0);
	else if (px->px_mode == PROXY_ERROR || strcasecmp(scheme, "ftp") == 0)
		squid_error(px, q, 503, "ERR_CONNECT_FAIL", r->r_target, 111);
	else
		squid_page(px, q, 0);
	proxy_log(px, q);
}

/* Whether bytes start like a request line: a method and a space. */
static int
proxy_is_http(const unsigned char *d, size_t len)
{
	size_t	i;

	for (i = 0; i < len && i < 16 && isupper(d[i]); i++)
		;
	return (i > 0 && i < len && d[i] == ' ');
}

/* The server name of a TLS ClientHello, bounds checked at every step. */
static char *
proxy_sni(const unsigned char *d, size_t len)
{
	size_t	off, end, elen, n, type;
	char	*s;

	if (len < 9 || d[0] != 0x16 || d[1] != 0x03 || d[5] != 0x01)
		return (NULL);
	/* Record and handshake headers, version, random. */
	off = 9 + 2 + 32;
	if (off + 1 > len)
		return (NULL);
	off += 1 + d[off];		/* session id */
	if (off + 2 > len)
		return (NULL);
	off += 2 + ((size_t)d[off] << 8 | d[off + 1]);	/* ciphers */
	if (off + 1 > len)
		return (NULL);
	off += 1 + d[off];		/* compression methods */
	if (off + 2 > len)
		return (NULL);
	end = off + 2 + ((size_t)d[off] << 8 | d[off + 1]);
	off += 2;
	if (end > len)
		end = len;
	while (off + 4 <= end) {
		type = (size_t)d[off] << 8 | d[off + 1];
		elen = (size_t)d[off + 2] << 8 | d[off + 3];
		off += 4;
		if (elen > end - off)
			return (NULL);
		if (type == 0) {
			if (elen < 5 || d[off + 2] != 0)
				return (NULL);
			n = (size_t)d[off + 3] << 8 | d[off + 4];
			if (n == 0 || n > elen - 5)
				return (NULL);
			if ((s = strndup((const char *)d + off + 5, n)) ==
			    NULL)
				_exit(1);
			return (s);
		}
		off += elen;
	}
	return (NULL);
}

static json_t *
proxy_tunnel_event(void *arg, size_t cap)
{
	struct tunnel	*t = arg;
	json_t		*ev;
	char		 where[300];

	if ((ev = svc_event("honeyspy.proxy.tunnel")) == NULL)
		return (NULL);
	(void)http_set_capped(ev, "host", t->t_host, strlen(t->t_host), cap);
	(void)hs_event_set_int(ev, "port", t->t_port);
	(void)snprintf(where, sizeof(where), "%s:%d", t->t_host, t->t_port);
	(void)http_set_capped(ev, "url", where, strlen(where), cap);
	(void)hs_event_set_str(ev, "mode", t->t_mode);
	(void)hs_event_set_int(ev, "bytes", (long long)t->t_bytes);
	if (t->t_data.b_len > 0) {
		(void)http_set_capped(ev, "data", t->t_data.b_data,
		    t->t_data.b_len, cap);
		(void)hs_event_set_str(ev, "sha256", t->t_sha);
	}
	if (t->t_sni != NULL)
		(void)http_set_capped(ev, "sni", t->t_sni, strlen(t->t_sni),
		    cap);
	if (t->t_msgs > 0)
		(void)hs_event_set_int(ev, "messages", t->t_msgs);
	if (t->t_from.b_len > 0)
		(void)http_set_capped(ev, "mail_from", t->t_from.b_data,
		    t->t_from.b_len, cap);
	if (t->t_rcpt.b_len > 0)
		(void)http_set_capped(ev, "rcpt_to", t->t_rcpt.b_data,
		    t->t_rcpt.b_len, cap);
	return (ev);
}

/* One line from the tunnel, CRLF removed, cut to size: -1 at the end. */
static ssize_t
proxy_line(struct http_conn *c, char *out, size_t size, int timeout)
{
	const unsigned char	*d, *nl;
	unsigned char		 tmp[PROXY_SMTP_LINE];
	ssize_t			 n;
	size_t			 len = 0, take;

	for (;;) {
		if ((n = http_conn_peek(c, &d, timeout)) <= 0)
			return (len > 0 ? (ssize_t)len : -1);
		nl = memchr(d, '\n', (size_t)n);
		take = nl != NULL ? (size_t)(nl - d) + 1 : (size_t)n;
		if (take > sizeof(tmp))
			take = sizeof(tmp);
		if (http_conn_raw(c, tmp, take, timeout) != (ssize_t)take)
			return (-1);
		if (len < size - 1) {
			n = (ssize_t)(take < size - 1 - len ? take :
			    size - 1 - len);
			memcpy(out + len, tmp, (size_t)n);
			len += (size_t)n;
		}
		if (nl != NULL && take == (size_t)(nl - d) + 1)
			break;
	}
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		len--;
	out[len] = '\0';
	return ((ssize_t)len);
}

/*
 * A tunnel to a mail port: Postfix on the other end, taking every
 * message and delivering none.
 */
static void
proxy_tunnel_smtp(struct proxy *px, struct tunnel *t, struct http_conn *c)
{
	char	 line[PROXY_SMTP_LINE], id[11];
	ssize_t	 n;
	size_t	 i;
	int	 data = 0;

	t->t_mode = "smtp";
	(void)svc_printf(STDOUT_FILENO, "220 %s ESMTP Postfix (Ubuntu)\r\n",
	    t->t_host);
	while ((n = proxy_line(c, line, sizeof(line), px->px_tidle)) != -1) {
		if (c->hc_tapped > PROXY_TUNNEL_MAX)
			break;
		if (data) {
			if (strcmp(line, ".") != 0)
				continue;
			data = 0;
			t->t_msgs++;
			for (i = 0; i < sizeof(id) - 1; i++)
				id[i] = "0123456789ABCDEF"[
				    arc4random_uniform(16)];
			id[sizeof(id) - 1] = '\0';
			(void)svc_printf(STDOUT_FILENO,
			    "250 2.0.0 Ok: queued as %s\r\n", id);
			continue;
		}
		if (strncasecmp(line, "EHLO", 4) == 0)
			(void)svc_printf(STDOUT_FILENO, "250-%s\r\n"
			    "250-PIPELINING\r\n250-SIZE 10240000\r\n"
			    "250-VRFY\r\n250-ETRN\r\n"
			    "250-ENHANCEDSTATUSCODES\r\n"
			    "250-8BITMIME\r\n250 DSN\r\n", t->t_host);
		else if (strncasecmp(line, "HELO", 4) == 0)
			(void)svc_printf(STDOUT_FILENO, "250 %s\r\n",
			    t->t_host);
		else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
			if (t->t_from.b_len > 0)
				http_buf_str(&t->t_from, ", ");
			http_buf_str(&t->t_from, line + 10);
			(void)svc_printf(STDOUT_FILENO, "250 2.1.0 Ok\r\n");
		} else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
			if (t->t_nrcpt++ < PROXY_SMTP_RCPTS) {
				if (t->t_rcpt.b_len > 0)
					http_buf_str(&t->t_rcpt, ", ");
				http_buf_str(&t->t_rcpt, line + 8);
			}
			(void)svc_printf(STDOUT_FILENO, "250 2.1.5 Ok\r\n");
		} else if (strcasecmp(line, "DATA") == 0) {
			data = 1;
			(void)svc_printf(STDOUT_FILENO,
			    "354 End data with <CR><LF>.<CR><LF>\r\n");
		} else if (strcasecmp(line, "QUIT") == 0) {
			(void)svc_printf(STDOUT_FILENO, "221 2.0.0 Bye\r\n");
			break;
		} else if (strcasecmp(line, "RSET") == 0 ||
		    strcasecmp(line, "NOOP") == 0)
			(void)svc_printf(STDOUT_FILENO, "250 2.0.0 Ok\r\n");
		else if (strcasecmp(line, "STARTTLS") == 0)
			(void)svc_printf(STDOUT_FILENO, "454 4.7.0 TLS not "
			    "available due to local problem\r\n");
		else
			(void)svc_printf(STDOUT_FILENO, "502 5.5.2 Error: "
			    "command not recognized\r\n");
	}
}

/* HTTP inside the tunnel: the origin answers, one request after another. */
static void
proxy_tunnel_http(struct proxy *px, struct tunnel *t, struct http_conn *c)
{
	struct http_parser	 p;
	struct preq		 q;
	enum http_read		 rd;

	t->t_mode = "http";
	http_init(&p, NULL);
	for (;;) {
		rd = http_read_request(c, &p, -1);
		if (rd == HTTP_R_EOF ||
		    (rd == HTTP_R_TIMEOUT && p.p_bytes == 0))
			break;
		memset(&q, 0, sizeof(q));
		q.q_p = &p;
		q.q_r = &p.p_req;
		q.q_thost = t->t_host;
		q.q_tport = t->t_port;
		if (rd != HTTP_R_REQUEST || p.p_state == HTTP_S_ERROR) {
			q.q_error = rd != HTTP_R_REQUEST ?
			    "incomplete request" : p.p_error;
			proxy_log(px, &q);
			break;
		}
		q.q_head = strcmp(p.p_req.r_method, "HEAD") == 0;
		squid_page(px, &q, 1);
		proxy_log(px, &q);
		if (q.q_close || c->hc_tapped > PROXY_TUNNEL_MAX)
			break;
		http_reset(&p);
	}
	http_free(&p);
}

/*
 * What a client sends through CONNECT stays here: recorded up to -b
 * bytes, counted, and closed when it stops or grows too long.
 */
static void
proxy_tunnel(struct proxy *px, struct preq *q, struct http_conn *c)
{
	struct tunnel		 t;
	const unsigned char	*d;
	unsigned char		 buf[16384];
	ssize_t			 n;

	memset(&t, 0, sizeof(t));
	t.t_host = q->q_r->r_host;
	t.t_port = q->q_r->r_port;
	t.t_mode = "raw";
	http_conn_tap(c, &t.t_data, px->px_tkeep);
	if (t.t_port == 25 || t.t_port == 587 || t.t_port == 2525)
		proxy_tunnel_smtp(px, &t, c);
	else if ((n = http_conn_peek(c, &d, px->px_tidle)) > 0) {
		if (d[0] == 0x16) {
			t.t_mode = "tls";
			t.t_sni = proxy_sni(d, (size_t)n);
		}
		if (proxy_is_http(d, (size_t)n))
			proxy_tunnel_http(px, &t, c);
		else
			while (c->hc_tapped < PROXY_TUNNEL_MAX &&
			    http_conn_raw(c, buf, sizeof(buf),
			    px->px_tidle) > 0)
				;
	}
	t.t_bytes = c->hc_tapped;
	http_conn_tap(c, NULL, 0);
	if (t.t_data.b_len > 0) {
		if (px->px_artifacts != NULL)
			(void)svc_artifact(px->px_artifacts, t.t_data.b_data,
			    t.t_data.b_len, t.t_sha);
		else
			sha256_hex(t.t_data.b_data, t.t_data.b_len,
			    t.t_sha);
	}
	http_emit(proxy_tunnel_event, &t);
	http_buf_free(&t.t_data);
	http_buf_free(&t.t_from);
	http_buf_free(&t.t_rcpt);
	free(t.t_sni);
}

int
main(int argc, char *argv[])
{
	struct proxy		 px;
	struct preq		 q;
	struct http_limits	 lim;
	struct http_parser	 p;
	struct http_conn	 c;
	enum http_read		 rd;
	const char		*page = NULL;
	int			 ch, timeout = 300, idle = 120;

	svc_init("proxy");
	svc_set_usage("honeyspy.proxy.config",
	    "usage: proxy [-m page | error | deny] "
	    "[-a dir] [-B bytes] [-b bytes] [-C ports] [-f file] [-H host] "
	    "[-k seconds] [-o server] [-s server] [-T seconds] [-t seconds]");
	memset(&px, 0, sizeof(px));
	http_limits_default(&lim);
	px.px_mode = PROXY_PAGE;
	px.px_server = "squid/2.7.STABLE9";
	px.px_host = "localhost.localdomain";
	px.px_origin = "Apache/2.2.22 (Ubuntu)";
	px.px_pagetype = "text/html";
	px.px_pagetime = 1331550895;
	px.px_tidle = 30;
	px.px_tkeep = 65536;
	while ((ch = getopt(argc, argv, "a:B:b:C:f:H:k:m:o:s:T:t:")) != -1) {
		switch (ch) {
		case 'a':
			px.px_artifacts = optarg;
			break;
		case 'B':
			lim.hl_body = (size_t)svc_num(optarg, 0, 64 << 20,
			    "-B: body limit out of range");
			break;
		case 'b':
			px.px_tkeep = (size_t)svc_num(optarg, 0, 16 << 20,
			    "-b: tunnel bytes out of range");
			break;
		case 'C':
			px.px_ports = strcmp(optarg, "all") == 0 ? NULL :
			    optarg;
			break;
		case 'f':
			page = optarg;
			break;
		case 'H':
			px.px_host = optarg;
			break;
		case 'k':
			idle = svc_num(optarg, 1, 3600,
			    "-k: keep-alive timeout out of range");
			break;
		case 'm':
			if (strcmp(optarg, "page") == 0)
				px.px_mode = PROXY_PAGE;
			else if (strcmp(optarg, "error") == 0)
				px.px_mode = PROXY_ERROR;
			else if (strcmp(optarg, "deny") == 0)
				px.px_mode = PROXY_DENY;
			else
				svc_usage("-m: page, error or deny");
			break;
		case 'o':
			px.px_origin = optarg;
			break;
		case 's':
			px.px_server = optarg;
			break;
		case 'T':
			px.px_tidle = svc_num(optarg, 1, 3600,
			    "-T: tunnel timeout out of range");
			break;
		case 't':
			timeout = svc_num(optarg, 1, 86400,
			    "-t: timeout out of range");
			break;
		default:
			svc_usage("unknown option");
		}
	}
	if (optind != argc)
		svc_usage("unexpected argument");
	if (page != NULL)
		proxy_load_page(&px, page);
	else {
		px.px_page = strdup(proxy_default_page);
		px.px_pagelen = sizeof(proxy_default_page) - 1;
	}
	if (px.px_page == NULL)
		_exit(1);
	px.px_port = proxy_local_port();

	http_conn_init(&c, STDIN_FILENO, timeout, idle);
	http_init(&p, &lim);
	for (;;) {
		rd = http_read_request(&c, &p, -1);
		if (rd == HTTP_R_EOF ||
		    (rd == HTTP_R_TIMEOUT && p.p_bytes == 0))
			break;
		memset(&q, 0, sizeof(q));
		q.q_p = &p;
		q.q_r = &p.p_req;
		if (rd != HTTP_R_REQUEST) {
			/* Squid says nothing to a request that never ends. */
			q.q_error = rd == HTTP_R_TIMEOUT ? "timeout" :
			    "incomplete request";
			proxy_log(&px, &q);
			break;
		}
		if (p.p_state == HTTP_S_ERROR) {
			q.q_error = p.p_error;
			proxy_fail(&px, &q, p.p_status);
			proxy_log(&px, &q);
			break;
		}
		proxy_handle(&px, &q, &c);
		px.px_requests++;
		if (q.q_close)
			break;
		http_reset(&p);
	}
	http_free(&p);
	http_linger(&c, STDOUT_FILENO);
	free(px.px_page);
	return (0);
}
