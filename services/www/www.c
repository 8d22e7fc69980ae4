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

/* www: the outdated web server's main loop, options and events. */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "www.h"

/* The page files' date unless -m says otherwise. */
#define WWW_MTIME_DEFAULT	"2011-03-04 10:14:52"

/* Apache's KeepAliveTimeout and MaxKeepAliveRequests; IIS's timeout. */
#define WWW_KA_APACHE		15
#define WWW_KA_IIS		120
#define WWW_KA_MAX		100

struct wev {
	struct www	*ev_w;
	struct wreq	*ev_q;
	char		 ev_sha[65];
};

static time_t	 www_parse_date(const char *);
static int	 www_local_port(void);
static json_t	*www_event(void *, size_t);
static void	 www_log(struct www *, struct wreq *);
static void	 www_req_free(struct wreq *);

/* "YYYY-MM-DD [HH:MM:SS]" in UTC, or seconds since the epoch. */
static time_t
www_parse_date(const char *s)
{
	struct tm	 tm;
	const char	*e, *errstr;
	long long	 v;

	v = strtonum(s, 0, 4102444800LL, &errstr);
	if (errstr == NULL)
		return ((time_t)v);
	memset(&tm, 0, sizeof(tm));
	if ((e = strptime(s, "%Y-%m-%d %H:%M:%S", &tm)) == NULL) {
		memset(&tm, 0, sizeof(tm));
		e = strptime(s, "%Y-%m-%d", &tm);
	}
	if (e == NULL || *e != '\0')
		return ((time_t)-1);
	return (timegm(&tm));
}

static int
www_local_port(void)
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
	return (80);
}

/*
 * The host the client asked for, as Apache's fix_hostname() takes it:
 * from an absolute URI or the Host header, without the port, in lower
 * case.  -1 for a host Apache refuses.
 */
int
www_host(struct wreq *q)
{
	const struct http_request	*r = q->q_r;
	const char			*h, *end, *colon, *errstr;
	size_t				 len, i;

	q->q_host[0] = '\0';
	q->q_hostport = 0;
	if (r->r_form == HTTP_FORM_ABSOLUTE && r->r_host != NULL) {
		if (strlen(r->r_host) >= sizeof(q->q_host))
			return (-1);
		for (i = 0; r->r_host[i] != '\0'; i++)
			q->q_host[i] = (char)tolower(
			    (unsigned char)r->r_host[i]);
		q->q_host[i] = '\0';
		q->q_hostport = r->r_port;
		return (0);
	}
	if ((h = http_header(r, "Host")) == NULL || *h == '\0')
		return (0);
	end = h + strlen(h);
	if (*h == '[') {
		if ((colon = strchr(h, ']')) == NULL)
			return (-1);
		colon++;
		if (*colon != ':' && *colon != '\0')
			return (-1);
	} else
		colon = strchr(h, ':');
	if (colon == NULL)
		colon = end;
	if (*colon == ':' && colon[1] != '\0') {
		q->q_hostport = (int)strtonum(colon + 1, 1, 65535, &errstr);
		if (errstr != NULL)
			return (-1);
	}
	len = (size_t)(colon - h);
	if (len >= sizeof(q->q_host))
		return (-1);
	for (i = 0; i < len; i++) {
		if (h[i] == '/' || h[i] == '\\' ||
		    (h[i] == '.' && i > 0 && h[i - 1] == '.'))
			return (-1);
		q->q_host[i] = (char)tolower((unsigned char)h[i]);
	}
	q->q_host[len] = '\0';
	return (0);
}

const char *
www_server_name(const struct www *w, const struct wreq *q)
{
	return (q->q_host[0] != '\0' ? q->q_host : w->w_name);
}

int
www_server_port(const struct www *w, const struct wreq *q)
{
	return (q->q_hostport != 0 ? q->q_hostport : w->w_port);
}

void
www_reply_init(struct reply *rp, int status)
{
	http_buf_free(&rp->rp_hdrs);
	http_buf_free(&rp->rp_body);
	memset(rp, 0, sizeof(*rp));
	rp->rp_status = status;
}

void
www_reply_free(struct reply *rp)
{
	http_buf_free(&rp->rp_hdrs);
	http_buf_free(&rp->rp_body);
}

/* Head and body in one write where they fit, so no client sees a gap. */
void
www_send(const struct wreq *q, const char *head, size_t hlen,
    const char *body, size_t blen)
{
	struct http_buf	b;

	memset(&b, 0, sizeof(b));
	http_buf_add(&b, head, hlen);
	if (!q->q_head && body != NULL)
		http_buf_add(&b, body, blen);
	(void)svc_write(STDOUT_FILENO, b.b_data, b.b_len);
	http_buf_free(&b);
}

static json_t *
www_event(void *arg, size_t cap)
{
	struct wev		*wv = arg;
	struct wreq		*q = wv->ev_q;
	struct http_request	*r = q->q_r;
	const char		*v;
	json_t			*ev;

	if ((ev = http_request_event("honeyspy.http.request", r, "uri",
	    wv->ev_sha, cap)) == NULL)
		return (NULL);
	if ((v = http_header(r, "Host")) != NULL)
		(void)http_set_capped(ev, "host", v, strlen(v), cap);
	if (q->q_rp.rp_status != 0)
		(void)hs_event_set_int(ev, "status", q->q_rp.rp_status);
	if (q->q_error != NULL)
		(void)hs_event_set_str(ev, "error", q->q_error);
	if (q->q_username != NULL)
		(void)http_set_capped(ev, "username", q->q_username,
		    strlen(q->q_username), cap);
	if (q->q_password != NULL)
		(void)http_set_capped(ev, "password", q->q_password,
		    strlen(q->q_password), cap);
	if (q->q_input != NULL)
		(void)http_set_capped(ev, "input", q->q_input,
		    strlen(q->q_input), cap);
	return (ev);
}

static void
www_log(struct www *w, struct wreq *q)
{
	struct wev		 wv;
	struct http_request	*r = q->q_r;

	memset(&wv, 0, sizeof(wv));
	wv.ev_w = w;
	wv.ev_q = q;
	http_body_keep(r, w->w_artifacts, wv.ev_sha);
	http_emit(www_event, &wv);
}

static void
www_req_free(struct wreq *q)
{
	free(q->q_path);
	free(q->q_username);
	free(q->q_password);
	free(q->q_input);
	www_reply_free(&q->q_rp);
	memset(q, 0, sizeof(*q));
}

int
main(int argc, char *argv[])
{
	struct www		 w;
	struct wreq		 q;
	struct http_limits	 lim;
	struct http_parser	 p;
	struct http_conn	 c;
	enum http_read		 rd;
	const char		*mtime = WWW_MTIME_DEFAULT;
	int			 ch, timeout = 300, katimeout = -1;
	int			 apache;

	svc_init("www");
	svc_set_usage("honeyspy.http.config",
	    "usage: www [-p apache | iis] "
	    "[-a dir] [-B bytes] [-d docroot] [-k seconds] [-m date] "
	    "[-n name] [-s server] [-t seconds]");
	memset(&w, 0, sizeof(w));
	http_limits_default(&lim);
	w.w_persona = WWW_APACHE;
	w.w_name = "127.0.1.1";
	w.w_kamax = WWW_KA_MAX;
	while ((ch = getopt(argc, argv, "a:B:d:k:m:n:p:s:t:")) != -1) {
		switch (ch) {
		case 'a':
			w.w_artifacts = optarg;
			break;
		case 'B':
			lim.hl_body = (size_t)svc_num(optarg, 0, 64 << 20,
			    "-B: body limit out of range");
			break;
		case 'd':
			w.w_docroot = optarg;
			break;
		case 'k':
			katimeout = svc_num(optarg, 1, 3600,
			    "-k: keep-alive timeout out of range");
			break;
		case 'm':
			mtime = optarg;
			break;
		case 'n':
			w.w_name = optarg;
			break;
		case 'p':
			if (strcasecmp(optarg, "apache") == 0)
				w.w_persona = WWW_APACHE;
			else if (strcasecmp(optarg, "iis") == 0)
				w.w_persona = WWW_IIS;
			else
				svc_usage("-p: apache or iis");
			break;
		case 's':
			w.w_server = optarg;
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
	apache = w.w_persona == WWW_APACHE;
	if (w.w_server == NULL)
		w.w_server = apache ? "Apache/2.2.14 (Ubuntu)" :
		    "Microsoft-IIS/7.5";
	if ((w.w_mtime = www_parse_date(mtime)) == (time_t)-1)
		svc_usage("-m: not a date");
	w.w_katimeout = katimeout != -1 ? katimeout :
	    apache ? WWW_KA_APACHE : WWW_KA_IIS;
	if (w.w_docroot != NULL && realpath(w.w_docroot, w.w_rootreal) ==
	    NULL)
		svc_usage("-d: no such directory");
	w.w_port = www_local_port();
	w.w_local_ip = svc_getenv("HONEYSPY_DST_IP", "127.0.0.1");
	w.w_remote_ip = svc_getenv("HONEYSPY_SRC_IP", "127.0.0.1");
	w.w_remote_port = svc_getenv("HONEYSPY_SRC_PORT", "0");

	http_conn_init(&c, STDIN_FILENO, timeout, w.w_katimeout);
	http_init(&p, &lim);
	memset(&q, 0, sizeof(q));
	for (;;) {
		rd = http_read_request(&c, &p, STDOUT_FILENO);
		if (rd == HTTP_R_EOF ||
		    (rd == HTTP_R_TIMEOUT && p.p_bytes == 0))
			break;
		q.q_p = &p;
		q.q_r = &p.p_req;
		if (rd == HTTP_R_PARTIAL) {
			/* Nobody to answer, but what came is evidence. */
			q.q_error = "incomplete request";
			www_log(&w, &q);
			break;
		}
		if (rd == HTTP_R_TIMEOUT || p.p_state == HTTP_S_ERROR) {
			q.q_timeout = rd == HTTP_R_TIMEOUT;
			q.q_error = q.q_timeout ? "timeout" : p.p_error;
			if (apache)
				apache_fail(&w, &q);
			else
				iis_fail(&w, &q);
			www_log(&w, &q);
			break;
		}
		if (apache)
			apache_handle(&w, &q);
		else
			iis_handle(&w, &q);
		www_log(&w, &q);
		if (q.q_rp.rp_close)
			break;
		www_req_free(&q);
		http_reset(&p);
	}
	www_req_free(&q);
	http_free(&p);
	http_linger(&c, STDOUT_FILENO);
	return (0);
}
