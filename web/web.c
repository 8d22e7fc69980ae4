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
 * web: the master's HTTPS console.  It serves the files of web.root and a
 * JSON API; every question it asks goes, as the logged-in user, over its
 * admin link into the rpc child, which answers it like any admin's call
 * (sensor calls through runOnNode).  It holds no capability, no store and
 * no key but the certificate's, and lives in the jail.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "calls.h"
#include "enrich.h"
#include "frame.h"
#include "hs_event.h"
#include "log.h"
#include "net.h"
#include "passwd.h"
#include "proc.h"
#include "util.h"
#include "web/web.h"

#define WEB_FILES_MAX		64
#define WEB_FILES_BYTES		(8 * 1024 * 1024)
#define WEB_BODY_MAX		(1024 * 1024)
#define WEB_HEADERS_MAX		(16 * 1024)
#define WEB_TIMEOUT		60	/* seconds a connection may idle */
#define WEB_SESSIONS_MAX	256
#define WEB_FAILS_MAX		1024
#define WEB_FAIL_WINDOW		60	/* seconds */
#define WEB_FAIL_LIMIT		5	/* failed logins per window */
#define WEB_CALLS_MAX		512	/* waiting for the rpc child */
#define WEB_JOB_CALLS		5
#define WEB_LIVE_CLIENTS	64
#define WEB_LIVE_PAGE		500
#define WEB_LIVE_EVERY_MS	250
#define WEB_LIVE_KEEPALIVE	15	/* seconds */
#define WEB_LIVE_BACKLOG	(4 * 1024 * 1024)	/* bytes a reader may lag */
#define WEB_EXPORT_MAX		200000	/* events in one export */
#define WEB_TRANSCRIPT_PAGES	64
#define WEB_COOKIE		"hs_session"
#define WEB_TOKEN_BYTES		32
#define WEB_TOKEN_LEN		(2 * WEB_TOKEN_BYTES)

static const char web_csp[] = "default-src 'none'; script-src 'self'; "
    "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

struct web_file {
	char		 wf_name[NAME_MAX + 1];
	const char	*wf_type;
	char		*wf_data;
	size_t		 wf_len;
};

struct web_session {
	TAILQ_ENTRY(web_session) ws_entry;
	char		 ws_id[WEB_TOKEN_LEN + 1];
	char		 ws_csrf[WEB_TOKEN_LEN + 1];
	char		 ws_user[HS_NAMELEN];
	time_t		 ws_last;
};

struct web_fail {
	char		 wf_addr[HS_ADDRSTRLEN];
	time_t		 wf_first;
	int		 wf_count;
};

struct web_job;
typedef void	(*web_job_done)(struct web_job *);

/*
 * One HTTP request's work: the calls it made to the rpc child, their
 * answers, and what to do when the last one is in.  The request is gone
 * (NULL) when its client left first; the answers are then dropped.
 */
struct web_job {
	TAILQ_ENTRY(web_job)	 wj_entry;
	struct evhttp_request	*wj_req;
	struct evhttp_connection *wj_conn;
	web_job_done		 wj_done;
	int			 wj_waiting;
	json_t			*wj_result[WEB_JOB_CALLS];
	char			*wj_error[WEB_JOB_CALLS];
	json_t			*wj_state;	/* the handler's own */
	char			 wj_user[HS_NAMELEN];
	int			 wj_pages;
};

struct web_call {
	TAILQ_ENTRY(web_call)	 wc_entry;
	int64_t			 wc_id;
	struct web_job		*wc_job;	/* NULL: the live poll */
	int			 wc_slot;
};

struct web_live {
	TAILQ_ENTRY(web_live)	 wl_entry;
	struct evhttp_request	*wl_req;
	struct evhttp_connection *wl_conn;
	int			 wl_started;	/* its answer has begun */
};

static struct web_config_msg	 conf;
static char			 node[HS_NAMELEN];
static struct web_user_msg	 users[HS_WEB_USERS];
static size_t			 nusers;
static struct web_file		 files[WEB_FILES_MAX];
static size_t			 nfiles;
static SSL_CTX			*ctx;
static int			 listen_fd = -1;
static struct evhttp		*http;
static struct enrich		*enrich;
static struct bufferevent	*rpc_bev;
static int64_t			 rpc_next_id = 1;
static TAILQ_HEAD(, web_call)	 calls = TAILQ_HEAD_INITIALIZER(calls);
static int			 ncalls;
static TAILQ_HEAD(, web_job)	 jobs = TAILQ_HEAD_INITIALIZER(jobs);
static TAILQ_HEAD(, web_session) sessions =
    TAILQ_HEAD_INITIALIZER(sessions);
static int			 nsessions;
static struct web_fail		 fails[WEB_FAILS_MAX];
static TAILQ_HEAD(, web_live)	 lives = TAILQ_HEAD_INITIALIZER(lives);
static int			 nlives;
static int64_t			 live_cursor = -1;	/* -1: not known yet */
static int			 live_polling;
static struct event		 live_ev;
static time_t			 live_keepalive;

static int	 web_dispatch_parent(struct imsgev *, struct imsg *);
static void	 web_setup(struct imsgev *);
static void	 web_load_files(void);
static SSL_CTX	*web_tls(void);
static struct bufferevent *web_bevcb(struct event_base *, void *);
static void	 web_request(struct evhttp_request *, void *);
static void	 web_headers(struct evhttp_request *);
static void	 web_reply(struct evhttp_request *, int, json_t *);
static void	 web_error(struct evhttp_request *, int, const char *);
static void	 web_static(struct evhttp_request *, const char *);
static void	 web_api(struct evhttp_request *, const char *);
static const char *web_peer(struct evhttp_request *, char *, size_t);
static struct web_session *web_session(struct evhttp_request *, int *);
static void	 web_token(char *);
static json_t	*web_body(struct evhttp_request *, const char **);
static void	 api_login(struct evhttp_request *);
static void	 api_logout(struct evhttp_request *, struct web_session *);
static void	 api_sensors(struct evhttp_request *, struct web_session *);
static void	 api_events(struct evhttp_request *, struct web_session *, int);
static void	 api_stats(struct evhttp_request *, struct web_session *);
static void	 api_attacker(struct evhttp_request *, struct web_session *);
static void	 api_transcript(struct evhttp_request *,
		    struct web_session *);
static void	 api_call(struct evhttp_request *, struct web_session *);
static void	 api_live(struct evhttp_request *);
static struct web_job *job_new(struct evhttp_request *, struct web_session *,
		    web_job_done);
static void	 job_free(struct web_job *);
static int	 job_call(struct web_job *, int, const char *, json_t *);
static void	 job_fail(struct web_job *, const char *);
static void	 web_conn_closed(struct evhttp_connection *, void *);
static void	 rpc_channel(int);
static void	 rpc_read(struct bufferevent *, void *);
static void	 rpc_event(struct bufferevent *, short, void *);
static int	 rpc_send(const char *, const char *, json_t *, int64_t *);
static void	 rpc_answer(int64_t, int, json_t *, const char *);
static void	 live_tick(int, short, void *);
static void	 live_poll(void);
static void	 live_answer(json_t *, const char *);
static void	 live_send(struct web_live *, json_t *, int64_t);
static void	 live_free(struct web_live *);
static void	 live_start(struct web_live *);

__attribute__((__noreturn__)) void
web_main(const struct proc_def *pd)
{
	struct hello_msg	 hm;
	struct timeval		 tv = { 0, WEB_LIVE_EVERY_MS * 1000 };

	proc_child_init(pd, &hm);
	/* Certificate, key, files and database are read before the jail. */
	web_setup(proc_child_iev());
	proc_child_jail(pd, &hm);
	proc_child_setup_done(pd, &hm);

	if ((http = evhttp_new(proc_child_base())) == NULL)
		fatalx("%s: evhttp_new failed", __func__);
	evhttp_set_bevcb(http, web_bevcb, NULL);
	evhttp_set_gencb(http, web_request, NULL);
	evhttp_set_max_body_size(http, WEB_BODY_MAX);
	evhttp_set_max_headers_size(http, WEB_HEADERS_MAX);
	evhttp_set_timeout(http, WEB_TIMEOUT);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD);
	if (evhttp_accept_socket(http, listen_fd) == -1)
		fatalx("%s: evhttp_accept_socket failed", __func__);
	evtimer_set(&live_ev, live_tick, NULL);
	if (evtimer_add(&live_ev, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
	log_info("web console on https://%s", conf.wc_peer);
	proc_child_run(pd, web_dispatch_parent);
}

/* Before the jail: the settings and users, then what they name. */
static void
web_setup(struct imsgev *iev)
{
	struct imsg		 imsg;
	char			 err[512];
	int			 done = 0, have = 0;

	while (!done) {
		proc_child_next(iev, &imsg);
		switch (imsg_get_type(&imsg)) {
		case IMSG_CFG_NODE:
			proc_child_node(&imsg, node, sizeof(node));
			break;
		case IMSG_WEB_CONFIG:
			if (imsg_get_data(&imsg, &conf, sizeof(conf)) == -1 ||
			    memchr(conf.wc_peer, '\0', sizeof(conf.wc_peer)) ==
			    NULL ||
			    memchr(conf.wc_cert, '\0', sizeof(conf.wc_cert)) ==
			    NULL ||
			    memchr(conf.wc_key, '\0', sizeof(conf.wc_key)) ==
			    NULL ||
			    memchr(conf.wc_ca, '\0', sizeof(conf.wc_ca)) ==
			    NULL ||
			    memchr(conf.wc_root, '\0', sizeof(conf.wc_root)) ==
			    NULL ||
			    memchr(conf.wc_location, '\0',
			    sizeof(conf.wc_location)) == NULL ||
			    conf.wc_timeout < 1)
				fatalx("%s: IMSG_WEB_CONFIG: bad message",
				    __func__);
			have = 1;
			break;
		case IMSG_WEB_USER:
			if (nusers == HS_WEB_USERS ||
			    imsg_get_data(&imsg, &users[nusers],
			    sizeof(users[0])) == -1 ||
			    memchr(users[nusers].wu_name, '\0',
			    sizeof(users[0].wu_name)) == NULL ||
			    memchr(users[nusers].wu_hash, '\0',
			    sizeof(users[0].wu_hash)) == NULL)
				fatalx("%s: IMSG_WEB_USER: bad message",
				    __func__);
			nusers++;
			break;
		case IMSG_CFG_DONE:
			done = 1;
			break;
		default:
			fatalx("%s: unexpected imsg %u", __func__,
			    imsg_get_type(&imsg));
		}
		imsg_free(&imsg);
	}
	if (!have)
		fatalx("%s: no configuration", __func__);

	if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS |
	    OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL) != 1)
		fatalx("%s: OPENSSL_init_ssl", __func__);
	ctx = web_tls();
	web_load_files();
	/* Without the database the console still works, without places. */
	if (conf.wc_location[0] != '\0' &&
	    (enrich = enrich_open(conf.wc_location, "", err,
	    sizeof(err))) == NULL)
		log_warnx("no countries and AS numbers: %s", err);

	if ((listen_fd = net_listen_tcp(&conf.wc_listen, err, sizeof(err))) ==
	    -1)
		fatalx("%s: %s", conf.wc_peer, err);
}

/* The master's own certificate; no client certificates here. */
static SSL_CTX *
web_tls(void)
{
	SSL_CTX		*c;
	unsigned long	 e;

	if ((c = SSL_CTX_new(TLS_server_method())) == NULL)
		fatalx("SSL_CTX_new failed");
	if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(c, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1)
		fatalx("cannot set the TLS versions and ciphers");
	(void)SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
	if (SSL_CTX_use_certificate_chain_file(c, conf.wc_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(c, conf.wc_key, SSL_FILETYPE_PEM) !=
	    1 || SSL_CTX_check_private_key(c) != 1) {
		e = ERR_peek_last_error();
		fatalx("certificate %s, key %s: %s", conf.wc_cert,
		    conf.wc_key, e != 0 && ERR_reason_error_string(e) != NULL ?
		    ERR_reason_error_string(e) : "unusable");
	}
	ERR_clear_error();
	return (c);
}

static const char *
web_type(const char *name)
{
	static const struct {
		const char	*ext;
		const char	*type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".json", "application/json" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".woff2", "font/woff2" },
	};
	const char	*dot;
	size_t		 i;

	if ((dot = strrchr(name, '.')) == NULL)
		return (NULL);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return (types[i].type);
	return (NULL);
}

/*
 * Every regular file directly in web.root, read now: the jail has none of
 * them.  Names are plain (letters, digits, '.', '-', '_'), and a type we
 * do not know is not served.
 */
static void
web_load_files(void)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	struct web_file	*wf;
	size_t		 total = 0, off;
	ssize_t		 n;
	int		 dfd, fd;

	if ((d = opendir(conf.wc_root)) == NULL)
		fatal("web.root %s", conf.wc_root);
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    strspn(de->d_name, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") !=
		    strlen(de->d_name) || web_type(de->d_name) == NULL)
			continue;
		if ((fd = openat(dfd, de->d_name, O_RDONLY | O_CLOEXEC |
		    O_NOFOLLOW)) == -1)
			continue;
		if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
			(void)close(fd);
			continue;
		}
		if (nfiles == WEB_FILES_MAX ||
		    total + (size_t)st.st_size > WEB_FILES_BYTES)
			fatalx("web.root %s: more than %d files or %d bytes",
			    conf.wc_root, WEB_FILES_MAX, WEB_FILES_BYTES);
		wf = &files[nfiles];
		(void)strlcpy(wf->wf_name, de->d_name, sizeof(wf->wf_name));
		wf->wf_type = web_type(de->d_name);
		wf->wf_len = (size_t)st.st_size;
		if ((wf->wf_data = malloc(wf->wf_len + 1)) == NULL)
			fatal("%s", __func__);
		for (off = 0; off < wf->wf_len; off += (size_t)n)
			if ((n = read(fd, wf->wf_data + off,
			    wf->wf_len - off)) <= 0)
				fatal("web.root %s/%s", conf.wc_root,
				    de->d_name);
		(void)close(fd);
		total += wf->wf_len;
		nfiles++;
	}
	(void)closedir(d);
	if (nfiles == 0)
		log_warnx("web.root %s: no files to serve", conf.wc_root);
	else
		log_debug("%zu files, %zu bytes", nfiles, total);
}

static int
web_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	if (proc_child_common(iev, imsg))
		return (0);
	switch (imsg_get_type(imsg)) {
	case IMSG_WEB_RPC:
		rpc_channel(imsg_get_fd(imsg));
		return (0);
	default:
		break;
	}
	fatalx("%s: unexpected imsg %u", __func__, imsg_get_type(imsg));
}

/*
 * TLS for each connection evhttp accepts.  Given no bufferevent, evhttp
 * would make a plain one and speak HTTP in clear text: out of memory here
 * is fatal instead, and the service manager restarts us.
 */
static struct bufferevent *
web_bevcb(struct event_base *base, void *arg)
{
	struct bufferevent	*bev;
	SSL			*ssl;

	(void)arg;
	if ((ssl = SSL_new(ctx)) == NULL ||
	    (bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("%s: no TLS for a new connection", __func__);
	return (bev);
}

/* What every answer says about itself, errors included. */
static void
web_headers(struct evhttp_request *req)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	(void)evhttp_add_header(h, "Content-Security-Policy", web_csp);
	(void)evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	(void)evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	(void)evhttp_add_header(h, "X-Frame-Options", "DENY");
	(void)evhttp_add_header(h, "Cross-Origin-Opener-Policy",
	    "same-origin");
	(void)evhttp_add_header(h, "Cross-Origin-Resource-Policy",
	    "same-origin");
	(void)evhttp_add_header(h, "Strict-Transport-Security",
	    "max-age=31536000");
}

static void
web_reply(struct evhttp_request *req, int code, json_t *o)
{
	struct evbuffer	*b;
	char		*text;

	if (o == NULL) {
		web_error(req, 500, "out of memory");
		return;
	}
	text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (text == NULL || (b = evbuffer_new()) == NULL) {
		free(text);
		evhttp_send_error(req, 500, NULL);
		return;
	}
	(void)evbuffer_add(b, text, strlen(text));
	free(text);
	web_headers(req);
	(void)evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	(void)evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, code, code == 200 ? "OK" : code == 401 ?
	    "Unauthorized" : code == 403 ? "Forbidden" : code == 404 ?
	    "Not Found" : code == 429 ? "Too Many Requests" : code == 400 ?
	    "Bad Request" : code == 415 ? "Unsupported Media Type" :
	    code == 405 ? "Method Not Allowed" : "Error", b);
	evbuffer_free(b);
}

static void
web_error(struct evhttp_request *req, int code, const char *why)
{
	json_t	*o;

	if ((o = json_pack("{s:s}", "error", why)) == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	web_reply(req, code, o);
}

static const char *
web_peer(struct evhttp_request *req, char *buf, size_t len)
{
	struct evhttp_connection	*c = evhttp_request_get_connection(req);
	const struct sockaddr		*sa;
	int				 port;

	if (c == NULL || (sa = evhttp_connection_get_addr(c)) == NULL ||
	    net_addrtext((const struct sockaddr_storage *)sa, buf, len,
	    &port) == -1)
		(void)strlcpy(buf, "?", len);
	return (buf);
}

static void
web_request(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path;

	(void)arg;
	if (uri == NULL || (path = evhttp_uri_get_path(uri)) == NULL ||
	    path[0] != '/') {
		web_error(req, 400, "bad request");
		return;
	}
	if (strncmp(path, "/api/", 5) == 0)
		web_api(req, path + 5);
	else
		web_static(req, path);
}

static void
web_static(struct evhttp_request *req, const char *path)
{
	struct evbuffer	*b;
	const char	*name = path + 1;
	size_t		 i;

	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
		web_error(req, 405, "method not allowed");
		return;
	}
	if (*name == '\0')
		name = "index.html";
	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i].wf_name, name) == 0)
			break;
	if (i == nfiles) {
		web_error(req, 404, "not found");
		return;
	}
	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	(void)evbuffer_add_reference(b, files[i].wf_data, files[i].wf_len,
	    NULL, NULL);
	web_headers(req);
	(void)evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", files[i].wf_type);
	(void)evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-cache");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

/* 64 hex digits from the system's random source. */
static void
web_token(char *buf)
{
	unsigned char	 r[WEB_TOKEN_BYTES];
	size_t		 i;

	if (RAND_bytes(r, sizeof(r)) != 1)
		fatalx("%s: RAND_bytes failed", __func__);
	for (i = 0; i < sizeof(r); i++)
		(void)snprintf(buf + 2 * i, 3, "%02x", r[i]);
	explicit_bzero(r, sizeof(r));
}

/*
 * The request's session from its cookie, refreshed; NULL with *expired
 * set when the cookie names one that timed out.
 */
static struct web_session *
web_session(struct evhttp_request *req, int *expired)
{
	struct web_session	*ws, *tmp;
	const char		*c, *p;
	char			 id[WEB_TOKEN_LEN + 1];
	time_t			 now = time(NULL);
	size_t			 n;

	*expired = 0;
	if ((c = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Cookie")) == NULL)
		return (NULL);
	for (p = c; (p = strstr(p, WEB_COOKIE "=")) != NULL; p++)
		if (p == c || p[-1] == ' ' || p[-1] == ';')
			break;
	if (p == NULL)
		return (NULL);
	p += strlen(WEB_COOKIE "=");
	n = strspn(p, "0123456789abcdef");
	if (n != WEB_TOKEN_LEN)
		return (NULL);
	memcpy(id, p, n);
	id[n] = '\0';
	TAILQ_FOREACH_SAFE(ws, &sessions, ws_entry, tmp) {
		if (CRYPTO_memcmp(ws->ws_id, id, WEB_TOKEN_LEN) != 0)
			continue;
		if (now - ws->ws_last > conf.wc_timeout) {
			TAILQ_REMOVE(&sessions, ws, ws_entry);
			nsessions--;
			explicit_bzero(ws, sizeof(*ws));
			free(ws);
			*expired = 1;
			return (NULL);
		}
		ws->ws_last = now;
		return (ws);
	}
	return (NULL);
}

/* A POST's JSON body, an object; NULL with why. */
static json_t *
web_body(struct evhttp_request *req, const char **why)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	const char	*ct;
	json_error_t	 jerr;
	json_t		*o;
	size_t		 len = evbuffer_get_length(in);
	unsigned char	*p;

	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';')) {
		*why = "the body must be application/json";
		return (NULL);
	}
	if (len == 0 || (p = evbuffer_pullup(in, (ev_ssize_t)len)) == NULL) {
		*why = "an empty body";
		return (NULL);
	}
	if ((o = json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL || !json_is_object(o)) {
		json_decref(o);
		*why = "the body is not a JSON object";
		return (NULL);
	}
	return (o);
}

static void
web_api(struct evhttp_request *req, const char *what)
{
	struct web_session	*ws;
	const char		*tok;
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	int			 expired, post = cmd == EVHTTP_REQ_POST;

	if (strcmp(what, "login") == 0) {
		if (!post)
			web_error(req, 405, "login is a POST");
		else
			api_login(req);
		return;
	}
	if ((ws = web_session(req, &expired)) == NULL) {
		web_error(req, 401, expired ? "session expired" :
		    "not logged in");
		return;
	}
	if (post) {
		/* The token is only in the page: another site cannot know it. */
		tok = evhttp_find_header(evhttp_request_get_input_headers(req),
		    "X-CSRF-Token");
		if (tok == NULL || strlen(tok) != WEB_TOKEN_LEN ||
		    CRYPTO_memcmp(tok, ws->ws_csrf, WEB_TOKEN_LEN) != 0) {
			web_error(req, 403, "missing or wrong CSRF token");
			return;
		}
		if (strcmp(what, "logout") == 0)
			api_logout(req, ws);
		else if (strcmp(what, "call") == 0)
			api_call(req, ws);
		else
			web_error(req, 404, "no such call");
		return;
	}
	if (strcmp(what, "me") == 0)
		web_reply(req, 200, json_pack("{s:s, s:s, s:s, s:i}", "user",
		    ws->ws_user, "csrf", ws->ws_csrf, "node", node,
		    "timeout", conf.wc_timeout));
	else if (strcmp(what, "sensors") == 0)
		api_sensors(req, ws);
	else if (strcmp(what, "events") == 0)
		api_events(req, ws, 0);
	else if (strcmp(what, "events/export") == 0)
		api_events(req, ws, 1);
	else if (strcmp(what, "stats") == 0)
		api_stats(req, ws);
	else if (strcmp(what, "attacker") == 0)
		api_attacker(req, ws);
	else if (strcmp(what, "transcript") == 0)
		api_transcript(req, ws);
	else if (strcmp(what, "live") == 0)
		api_live(req);
	else
		web_error(req, 404, "no such call");
}

/*
 * Failed logins per address in a fixed window; the oldest entry goes
 * when the table is full.  Returns the seconds to wait, 0 to go on.
 */
static int
fail_check(const char *addr, int record)
{
	struct web_fail	*f = NULL, *old = &fails[0];
	time_t		 now = time(NULL);
	size_t		 i;

	for (i = 0; i < WEB_FAILS_MAX; i++) {
		if (strcmp(fails[i].wf_addr, addr) == 0) {
			f = &fails[i];
			break;
		}
		if (fails[i].wf_first < old->wf_first)
			old = &fails[i];
	}
	if (f != NULL && now - f->wf_first >= WEB_FAIL_WINDOW) {
		f->wf_first = now;
		f->wf_count = 0;
	}
	if (f != NULL && f->wf_count >= WEB_FAIL_LIMIT)
		return ((int)(WEB_FAIL_WINDOW - (now - f->wf_first)));
	if (!record)
		return (0);
	if (f == NULL) {
		f = old;
		(void)strlcpy(f->wf_addr, addr, sizeof(f->wf_addr));
		f->wf_first = now;
		f->wf_count = 0;
	}
	f->wf_count++;
	return (0);
}

static void
api_login(struct evhttp_request *req)
{
	struct web_session	*ws, *oldest;
	const char		*why, *user, *pw, *hash = NULL;
	char			 addr[HS_ADDRSTRLEN], cookie[160], msg[96];
	json_t			*o;
	size_t			 i;
	int			 wait, ok;

	(void)web_peer(req, addr, sizeof(addr));
	if ((wait = fail_check(addr, 0)) > 0) {
		(void)snprintf(msg, sizeof(msg), "too many failed logins; try "
		    "again in %d s", wait);
		web_error(req, 429, msg);
		return;
	}
	if ((o = web_body(req, &why)) == NULL) {
		web_error(req, strstr(why, "application/json") != NULL ? 415 :
		    400, why);
		return;
	}
	user = json_string_value(json_object_get(o, "user"));
	pw = json_string_value(json_object_get(o, "password"));
	/* A NUL inside would end the name early: "admin\u0000x" is not admin. */
	if (user == NULL || pw == NULL ||
	    strlen(user) != json_string_length(json_object_get(o, "user"))) {
		json_decref(o);
		web_error(req, 400, "user and password are needed");
		return;
	}
	for (i = 0; i < nusers; i++)
		if (strcmp(users[i].wu_name, user) == 0)
			hash = users[i].wu_hash;
	ok = passwd_verify(pw, json_string_length(json_object_get(o,
	    "password")), hash) == 1;
	if (!ok) {
		(void)fail_check(addr, 1);
		if (str_printable(user, strlen(user) + 1) &&
		    strlen(user) < 64)
			log_warnx("failed login for %s from %s", user,
			    addr);
		else
			log_warnx("failed login from %s", addr);
		json_decref(o);
		web_error(req, 401, "wrong user or password");
		return;
	}
	if (nsessions >= WEB_SESSIONS_MAX) {
		oldest = TAILQ_FIRST(&sessions);
		TAILQ_FOREACH(ws, &sessions, ws_entry)
			if (ws->ws_last < oldest->ws_last)
				oldest = ws;
		TAILQ_REMOVE(&sessions, oldest, ws_entry);
		explicit_bzero(oldest, sizeof(*oldest));
		free(oldest);
		nsessions--;
	}
	if ((ws = calloc(1, sizeof(*ws))) == NULL) {
		json_decref(o);
		web_error(req, 500, "out of memory");
		return;
	}
	web_token(ws->ws_id);
	web_token(ws->ws_csrf);
	(void)strlcpy(ws->ws_user, user, sizeof(ws->ws_user));
	ws->ws_last = time(NULL);
	TAILQ_INSERT_TAIL(&sessions, ws, ws_entry);
	nsessions++;
	json_decref(o);
	log_info("%s logged in from %s", ws->ws_user, addr);
	(void)snprintf(cookie, sizeof(cookie), WEB_COOKIE "=%s; Path=/; "
	    "Secure; HttpOnly; SameSite=Strict", ws->ws_id);
	(void)evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Set-Cookie", cookie);
	web_reply(req, 200, json_pack("{s:s, s:s, s:s, s:i}", "user",
	    ws->ws_user, "csrf", ws->ws_csrf, "node", node, "timeout",
	    conf.wc_timeout));
}

static void
api_logout(struct evhttp_request *req, struct web_session *ws)
{
	log_info("%s logged out", ws->ws_user);
	TAILQ_REMOVE(&sessions, ws, ws_entry);
	nsessions--;
	explicit_bzero(ws, sizeof(*ws));
	free(ws);
	(void)evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Set-Cookie", WEB_COOKIE "=; Path=/; Secure; HttpOnly; "
	    "SameSite=Strict; Max-Age=0");
	web_reply(req, 200, json_object());
}

/* --- calls to the rpc child --- */

static void
rpc_channel(int fd)
{
	if (fd == -1 || rpc_bev != NULL)
		fatalx("%s: bad link", __func__);
	if (fd_nonblock(fd) == -1 ||
	    (rpc_bev = bufferevent_socket_new(proc_child_base(), fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("%s: cannot set up the link", __func__);
	bufferevent_setcb(rpc_bev, rpc_read, NULL, rpc_event, NULL);
	if (bufferevent_enable(rpc_bev, EV_READ | EV_WRITE) == -1)
		fatalx("%s: bufferevent_enable", __func__);
}

/* The rpc child is part of us: without it there is no console. */
static void
rpc_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)arg;
	fatalx("the link to the rpc child %s",
	    (what & BEV_EVENT_EOF) ? "closed" : "broke");
}

static void
rpc_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct rpc_msg	 m;
	unsigned char	*p;
	json_t		*o;
	size_t		 len;
	char		 why[256];
	int		 r;

	(void)arg;
	for (;;) {
		if ((p = evbuffer_pullup(in, FRAME_HEADER)) == NULL)
			return;
		r = frame_length(p, evbuffer_get_length(in),
		    FRAME_MAX_DEFAULT, &len, why, sizeof(why));
		if (r == 0)
			return;
		if (r == -1)
			fatalx("from the rpc child: %s", why);
		if (evbuffer_get_length(in) < FRAME_HEADER + len)
			return;
		if ((p = evbuffer_pullup(in, (ev_ssize_t)(FRAME_HEADER +
		    len))) == NULL)
			fatal("%s: evbuffer_pullup", __func__);
		if ((o = frame_decode(p + FRAME_HEADER, len, &m, why,
		    sizeof(why))) == NULL || m.m_kind != RPC_REPLY)
			fatalx("from the rpc child: %s", o == NULL ? why :
			    "not a reply");
		rpc_answer(m.m_id, m.m_ok, m.m_result, m.m_error);
		json_decref(o);
		(void)evbuffer_drain(in, FRAME_HEADER + len);
	}
}

/* Send one call; its id in *id.  -1 when it cannot be sent now. */
static int
rpc_send(const char *user, const char *call, json_t *args, int64_t *id)
{
	json_t	*o;
	char	*frame;
	size_t	 len;

	if (rpc_bev == NULL || ncalls >= WEB_CALLS_MAX) {
		json_decref(args);
		return (-1);
	}
	*id = rpc_next_id++;
	if (user != NULL)
		o = json_pack("{s:I, s:s, s:o, s:s}", "id", (json_int_t)*id,
		    "call", call, "args", args, "as", user);
	else
		o = json_pack("{s:I, s:s, s:o}", "id", (json_int_t)*id,
		    "call", call, "args", args);
	if (o == NULL)
		return (-1);
	frame = frame_encode(o, FRAME_MAX_DEFAULT, &len);
	json_decref(o);
	if (frame == NULL)
		return (-1);
	if (bufferevent_write(rpc_bev, frame, len) == -1) {
		free(frame);
		return (-1);
	}
	free(frame);
	return (0);
}

static void
rpc_answer(int64_t id, int ok, json_t *result, const char *error)
{
	struct web_call	*wc;
	struct web_job	*wj;

	TAILQ_FOREACH(wc, &calls, wc_entry)
		if (wc->wc_id == id)
			break;
	if (wc == NULL) {
		log_warnx("an answer to no call (%lld)", (long long)id);
		return;
	}
	TAILQ_REMOVE(&calls, wc, wc_entry);
	ncalls--;
	if ((wj = wc->wc_job) == NULL) {
		free(wc);
		live_answer(ok ? result : NULL, ok ? NULL : error != NULL ?
		    error : "failed");
		return;
	}
	if (ok)
		wj->wj_result[wc->wc_slot] = json_incref(result);
	else if ((wj->wj_error[wc->wc_slot] = strdup(error != NULL ? error :
	    "failed")) == NULL)
		wj->wj_error[wc->wc_slot] = NULL;
	free(wc);
	if (--wj->wj_waiting > 0)
		return;
	if (wj->wj_req == NULL) {
		job_free(wj);
		return;
	}
	wj->wj_done(wj);
}

/* --- jobs: the HTTP side of the calls --- */

static void
web_conn_closed(struct evhttp_connection *conn, void *arg)
{
	struct web_job	*wj;
	struct web_live	*wl, *tmp;

	(void)arg;
	TAILQ_FOREACH(wj, &jobs, wj_entry)
		if (wj->wj_conn == conn) {
			wj->wj_req = NULL;
			wj->wj_conn = NULL;
		}
	TAILQ_FOREACH_SAFE(wl, &lives, wl_entry, tmp)
		if (wl->wl_conn == conn) {
			wl->wl_req = NULL;
			live_free(wl);
		}
}

static struct web_job *
job_new(struct evhttp_request *req, struct web_session *ws, web_job_done done)
{
	struct web_job	*wj;

	if ((wj = calloc(1, sizeof(*wj))) == NULL) {
		web_error(req, 500, "out of memory");
		return (NULL);
	}
	wj->wj_req = req;
	wj->wj_conn = evhttp_request_get_connection(req);
	wj->wj_done = done;
	if (ws != NULL)
		(void)strlcpy(wj->wj_user, ws->ws_user, sizeof(wj->wj_user));
	if (wj->wj_conn != NULL)
		evhttp_connection_set_closecb(wj->wj_conn, web_conn_closed,
		    NULL);
	TAILQ_INSERT_TAIL(&jobs, wj, wj_entry);
	return (wj);
}

static void
job_reset(struct web_job *wj)
{
	int	 i;

	for (i = 0; i < WEB_JOB_CALLS; i++) {
		json_decref(wj->wj_result[i]);
		wj->wj_result[i] = NULL;
		free(wj->wj_error[i]);
		wj->wj_error[i] = NULL;
	}
}

static void
job_free(struct web_job *wj)
{
	job_reset(wj);
	json_decref(wj->wj_state);
	TAILQ_REMOVE(&jobs, wj, wj_entry);
	free(wj);
}

/* A call for slot; args is taken.  -1 when it could not go. */
static int
job_call(struct web_job *wj, int slot, const char *call, json_t *args)
{
	struct web_call	*wc;
	int64_t		 id;

	if (args == NULL || (wc = calloc(1, sizeof(*wc))) == NULL) {
		json_decref(args);
		return (-1);
	}
	if (rpc_send(wj->wj_user[0] != '\0' ? wj->wj_user : NULL, call, args,
	    &id) == -1) {
		free(wc);
		return (-1);
	}
	wc->wc_id = id;
	wc->wc_job = wj;
	wc->wc_slot = slot;
	TAILQ_INSERT_TAIL(&calls, wc, wc_entry);
	ncalls++;
	wj->wj_waiting++;
	return (0);
}

/* The job ends in an error; when calls are out, once they are in. */
static void
job_fail(struct web_job *wj, const char *why)
{
	if (wj->wj_req != NULL)
		web_error(wj->wj_req, 503, why);
	wj->wj_req = NULL;
	if (wj->wj_waiting == 0)
		job_free(wj);
}

/* The first error among the answers, or NULL. */
static const char *
job_error(struct web_job *wj)
{
	int	 i;

	for (i = 0; i < WEB_JOB_CALLS; i++)
		if (wj->wj_error[i] != NULL)
			return (wj->wj_error[i]);
	return (NULL);
}

static void
job_reply(struct web_job *wj, json_t *o)
{
	web_reply(wj->wj_req, 200, o);
	wj->wj_req = NULL;
	job_free(wj);
}

/* The answer's error, as a failed request (not the caller's fault). */
static int
job_failed(struct web_job *wj)
{
	const char	*e;

	if ((e = job_error(wj)) == NULL)
		return (0);
	web_error(wj->wj_req, 502, e);
	wj->wj_req = NULL;
	job_free(wj);
	return (1);
}

/* --- the API --- */

static void
sensors_done(struct web_job *wj)
{
	json_t		*s;
	size_t		 i;
	const char	*k[] = { "first_seen", "last_seen" };
	int		 j;

	if (job_failed(wj))
		return;
	/* The store keeps microseconds; pages count in seconds. */
	json_array_foreach(wj->wj_result[0], i, s)
		for (j = 0; j < 2; j++)
			(void)json_object_set_new(s, k[j], json_integer(
			    json_integer_value(json_object_get(s, k[j])) /
			    1000000));
	job_reply(wj, json_pack("{s:O}", "sensors", wj->wj_result[0]));
}

static void
api_sensors(struct evhttp_request *req, struct web_session *ws)
{
	struct web_job	*wj;

	if ((wj = job_new(req, ws, sensors_done)) == NULL)
		return;
	if (job_call(wj, 0, "getSensors", json_array()) == -1)
		job_fail(wj, "the master is busy; try again");
}

/*
 * The query's filters as getEvents (or getStats) arguments: key=value
 * each, values as given (the call checks them) unless empty.  NULL with
 * why when one cannot be a value.
 */
static json_t *
query_args(struct evhttp_request *req, const char *const *keys,
    struct evkeyvalq *q, const char **why)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*qs = evhttp_uri_get_query(uri), *v, *k;
	json_t			*args;
	char			 arg[512];
	size_t			 i;

	TAILQ_INIT(q);
	if (qs != NULL && evhttp_parse_query_str(qs, q) == -1) {
		*why = "a malformed query";
		return (NULL);
	}
	if ((args = json_array()) == NULL) {
		*why = "out of memory";
		return (NULL);
	}
	for (i = 0; keys[i] != NULL; i++) {
		if ((v = evhttp_find_header(q, keys[i])) == NULL ||
		    v[0] == '\0')
			continue;
		/* "q" is the text filter's name in the page's URLs */
		k = strcmp(keys[i], "q") == 0 ? "text" : keys[i];
		if (strlen(v) > 255 || (size_t)snprintf(arg, sizeof(arg),
		    "%s=%s", k, v) >= sizeof(arg)) {
			json_decref(args);
			*why = "a filter is too long";
			return (NULL);
		}
		if (json_array_append_new(args, json_string(arg)) == -1) {
			json_decref(args);
			*why = "a filter is not valid UTF-8";
			return (NULL);
		}
	}
	return (args);
}

static int
query_int(struct evkeyvalq *q, const char *key, long long min, long long max,
    long long dflt, long long *v)
{
	const char	*s, *errstr;

	if ((s = evhttp_find_header(q, key)) == NULL || s[0] == '\0') {
		*v = dflt;
		return (0);
	}
	*v = strtonum(s, min, max, &errstr);
	return (errstr != NULL ? -1 : 0);
}

static void	 export_page(struct web_job *);

static void
events_done(struct web_job *wj)
{
	json_t	*r;

	if (job_failed(wj))
		return;
	r = wj->wj_result[0];
	job_reply(wj, json_pack("{s:O, s:I, s:I}", "events",
	    json_object_get(r, "events"), "next",
	    json_integer_value(json_object_get(r, "next")), "last",
	    json_integer_value(json_object_get(r, "last"))));
}

static const char *const event_keys[] = { "since", "until", "sensor",
    "eventid", "src_ip", "session", "q", NULL };

static void
api_events(struct evhttp_request *req, struct web_session *ws, int export)
{
	struct evkeyvalq	 q;
	struct web_job		*wj;
	const char		*why;
	json_t			*args;
	long long		 after, limit;
	char			 arg[64];

	if ((args = query_args(req, event_keys, &q, &why)) == NULL) {
		web_error(req, 400, why);
		return;
	}
	if (query_int(&q, "after", 0, INT64_MAX, 0, &after) == -1 ||
	    query_int(&q, "limit", 1, 1000, 100, &limit) == -1) {
		evhttp_clear_headers(&q);
		json_decref(args);
		web_error(req, 400, "after and limit are numbers (limit: 1 to "
		    "1000)");
		return;
	}
	evhttp_clear_headers(&q);
	if (after > 0) {
		(void)snprintf(arg, sizeof(arg), "after=%lld", after);
		(void)json_array_append_new(args, json_string(arg));
	}
	if (!export) {
		(void)snprintf(arg, sizeof(arg), "limit=%lld", limit);
		(void)json_array_append_new(args, json_string(arg));
	}
	if ((wj = job_new(req, ws, export ? export_page : events_done)) ==
	    NULL) {
		json_decref(args);
		return;
	}
	if (export) {
		/* the filters, kept for each page after the first */
		wj->wj_state = json_incref(args);
		(void)json_array_append_new(args, json_string("limit=1000"));
	}
	if (job_call(wj, 0, "getEvents", args) == -1)
		job_fail(wj, "the master is busy; try again");
}

/*
 * An export streams page after page as JSON lines; a client that stops
 * reading stops the export.
 */
static void
export_page(struct web_job *wj)
{
	struct evkeyvalq	*h;
	struct evbuffer		*b;
	json_t			*r, *evs, *args;
	size_t			 i;
	int64_t			 next;
	char			*line, arg[64];

	if (wj->wj_pages == 0) {
		if (job_failed(wj))
			return;
		h = evhttp_request_get_output_headers(wj->wj_req);
		web_headers(wj->wj_req);
		(void)evhttp_add_header(h, "Content-Type",
		    "application/x-ndjson");
		(void)evhttp_add_header(h, "Cache-Control", "no-store");
		(void)evhttp_add_header(h, "Content-Disposition",
		    "attachment; filename=\"honeyspy-events.jsonl\"");
		evhttp_send_reply_start(wj->wj_req, 200, "OK");
	} else if (job_error(wj) != NULL) {
		/* Too late for a status: the stream just ends short. */
		log_warnx("export stopped: %s", job_error(wj));
		evhttp_send_reply_end(wj->wj_req);
		wj->wj_req = NULL;
		job_free(wj);
		return;
	}
	r = wj->wj_result[0];
	evs = json_object_get(r, "events");
	next = json_integer_value(json_object_get(r, "next"));
	if ((b = evbuffer_new()) == NULL)
		fatal("%s: evbuffer_new", __func__);
	for (i = 0; i < json_array_size(evs); i++) {
		if ((line = json_dumps(json_array_get(evs, i), JSON_COMPACT |
		    JSON_ENSURE_ASCII)) == NULL)
			continue;
		(void)evbuffer_add_printf(b, "%s\n", line);
		free(line);
	}
	evhttp_send_reply_chunk(wj->wj_req, b);
	evbuffer_free(b);
	wj->wj_pages++;
	job_reset(wj);
	if (next <= 0 || (long long)wj->wj_pages * 1000 >= WEB_EXPORT_MAX) {
		evhttp_send_reply_end(wj->wj_req);
		wj->wj_req = NULL;
		job_free(wj);
		return;
	}
	args = json_deep_copy(wj->wj_state);
	(void)snprintf(arg, sizeof(arg), "after=%lld", (long long)next);
	(void)json_array_append_new(args, json_string(arg));
	(void)json_array_append_new(args, json_string("limit=1000"));
	if (job_call(wj, 0, "getEvents", args) == -1) {
		evhttp_send_reply_end(wj->wj_req);
		wj->wj_req = NULL;
		job_free(wj);
	}
}

/* Countries of the top sources, from the database, largest first. */
static json_t *
stats_countries(json_t *sources)
{
	struct enrich_ip	 ei;
	json_t			*by, *list, *v, *o;
	const char		*cc, *k;
	size_t			 i;

	if ((by = json_object()) == NULL || (list = json_array()) == NULL) {
		json_decref(by);
		return (NULL);
	}
	for (i = 0; i < json_array_size(sources); i++) {
		v = json_array_get(sources, i);
		memset(&ei, 0, sizeof(ei));
		if (enrich == NULL || json_string_value(json_object_get(v,
		    "src_ip")) == NULL || enrich_ip(enrich, json_string_value(
		    json_object_get(v, "src_ip")), &ei) == -1)
			ei.ei_country[0] = '\0';
		cc = ei.ei_country;
		(void)json_object_set_new(by, cc, json_integer(
		    json_integer_value(json_object_get(by, cc)) +
		    json_integer_value(json_object_get(v, "n"))));
	}
	json_object_foreach(by, k, v) {
		if ((o = json_pack("{s:s, s:O}", "country", k, "n", v)) != NULL)
			(void)json_array_append_new(list, o);
	}
	json_decref(by);
	/* A few dozen at most: sort in place. */
	for (i = 1; i < json_array_size(list); i++) {
		size_t	 j;

		for (j = i; j > 0 && json_integer_value(json_object_get(
		    json_array_get(list, j - 1), "n")) < json_integer_value(
		    json_object_get(json_array_get(list, j), "n")); j--) {
			o = json_incref(json_array_get(list, j));
			(void)json_array_set(list, j, json_array_get(list,
			    j - 1));
			(void)json_array_set_new(list, j - 1, o);
		}
	}
	while (json_array_size(list) > 10)
		(void)json_array_remove(list, 10);
	return (list);
}

static void
stats_done(struct web_job *wj)
{
	json_t	*r;

	if (job_failed(wj))
		return;
	r = json_incref(wj->wj_result[0]);
	(void)json_object_set_new(r, "countries", stats_countries(
	    json_object_get(r, "sources")));
	/* The addresses behind the countries stay here. */
	while (json_array_size(json_object_get(r, "sources")) > 10)
		(void)json_array_remove(json_object_get(r, "sources"), 10);
	job_reply(wj, r);
}

static const char *const stats_keys[] = { "since", "until", "sensor",
    "src_ip", NULL };

static void
api_stats(struct evhttp_request *req, struct web_session *ws)
{
	struct evkeyvalq	 q;
	struct web_job		*wj;
	const char		*why;
	json_t			*args;

	if ((args = query_args(req, stats_keys, &q, &why)) == NULL) {
		web_error(req, 400, why);
		return;
	}
	evhttp_clear_headers(&q);
	if ((wj = job_new(req, ws, stats_done)) == NULL) {
		json_decref(args);
		return;
	}
	if (job_call(wj, 0, "getStats", args) == -1)
		job_fail(wj, "the master is busy; try again");
}

static void
attacker_done(struct web_job *wj)
{
	struct enrich_ip	 ei;
	json_t			*o, *fps, *st;
	const char		*ip;

	if (job_failed(wj))
		return;
	ip = json_string_value(json_object_get(wj->wj_state, "ip"));
	memset(&ei, 0, sizeof(ei));
	if (enrich == NULL || enrich_ip(enrich, ip, &ei) == -1)
		memset(&ei, 0, sizeof(ei));
	fps = json_object_get(wj->wj_result[0], "events");
	st = wj->wj_result[3];
	o = json_pack("{s:s, s:s, s:I, s:s, s:O, s:O, s:O, s:O, s:O, s:O}",
	    "ip", ip, "country", ei.ei_country, "asn", (json_int_t)ei.ei_asn,
	    "as_name", ei.ei_as_org,
	    "first_seen", json_object_get(st, "first") != NULL ?
	    json_object_get(st, "first") : json_null(),
	    "last_seen", json_object_get(st, "last") != NULL ?
	    json_object_get(st, "last") : json_null(),
	    "events", json_object_get(st, "total") != NULL ?
	    json_object_get(st, "total") : json_null(),
	    "fingerprint", json_array_size(fps) > 0 ?
	    json_array_get(fps, json_array_size(fps) - 1) : json_null(),
	    "sessions", json_object_get(wj->wj_result[1], "events"),
	    "detections", json_object_get(wj->wj_result[2], "events"));
	/* Each session's end too: its bytes, duration and who closed. */
	if (o != NULL)
		(void)json_array_extend(json_object_get(o, "sessions"),
		    json_object_get(wj->wj_result[4], "events"));
	job_reply(wj, o);
}

static void
api_attacker(struct evhttp_request *req, struct web_session *ws)
{
	struct evkeyvalq	 q;
	struct in6_addr		 a6;
	struct web_job		*wj;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*ip = NULL, *qs = evhttp_uri_get_query(uri);
	char			 src[HS_ADDRSTRLEN + 8];
	int			 bad;

	TAILQ_INIT(&q);
	if (qs == NULL || evhttp_parse_query_str(qs, &q) == -1 ||
	    (ip = evhttp_find_header(&q, "ip")) == NULL ||
	    strlen(ip) >= HS_ADDRSTRLEN || (inet_pton(AF_INET, ip, &a6) != 1 &&
	    inet_pton(AF_INET6, ip, &a6) != 1)) {
		evhttp_clear_headers(&q);
		web_error(req, 400, "ip= must be an IPv4 or IPv6 address");
		return;
	}
	(void)snprintf(src, sizeof(src), "src_ip=%s", ip);
	if ((wj = job_new(req, ws, attacker_done)) == NULL) {
		evhttp_clear_headers(&q);
		return;
	}
	wj->wj_state = json_pack("{s:s}", "ip", ip);
	evhttp_clear_headers(&q);
	bad = job_call(wj, 0, "getEvents", json_pack("[s, s, s]", src,
	    "eventid=honeyspy.host.fingerprint", "limit=1000")) == -1 ||
	    job_call(wj, 1, "getEvents", json_pack("[s, s, s]", src,
	    "eventid=honeyspy.session.connect", "limit=500")) == -1 ||
	    job_call(wj, 2, "getEvents", json_pack("[s, s, s]", src,
	    "eventid=honeyspy.detect.*", "limit=500")) == -1 ||
	    job_call(wj, 3, "getStats", json_pack("[s, s]", src,
	    "since=1")) == -1 ||
	    job_call(wj, 4, "getEvents", json_pack("[s, s, s]", src,
	    "eventid=honeyspy.session.closed", "limit=500")) == -1;
	if (bad)
		job_fail(wj, "the master is busy; try again");
}

/*
 * A session's transcript: the stored chunks of both directions, as the
 * exact bytes (base64), with the detections and the ends of the session.
 */
static void
transcript_add(json_t *t, json_t *ev)
{
	const char	*eid = json_string_value(json_object_get(ev, "eventid"));
	const char	*key, *data, *enc;
	char		 enckey[64], *b64;
	json_t		*o;
	size_t		 len;

	if (eid == NULL)
		return;
	if (strcmp(eid, "honeyspy.session.connect") == 0) {
		(void)json_object_set(t, "connect", ev);
		return;
	}
	if (strcmp(eid, "honeyspy.session.closed") == 0) {
		(void)json_object_set(t, "closed", ev);
		return;
	}
	if (strncmp(eid, "honeyspy.detect.", 16) == 0) {
		(void)json_array_append(json_object_get(t, "detections"), ev);
		return;
	}
	if (strcmp(eid, "honeyspy.session.input") == 0)
		key = "input";
	else if (strcmp(eid, "honeyspy.session.output") == 0)
		key = "output";
	else {
		(void)json_array_append(json_object_get(t, "other"), ev);
		return;
	}
	if ((data = json_string_value(json_object_get(ev, key))) == NULL)
		return;
	len = json_string_length(json_object_get(ev, key));
	(void)snprintf(enckey, sizeof(enckey), "%s_encoding", key);
	enc = json_string_value(json_object_get(ev, enckey));
	if (enc != NULL && strcmp(enc, "base64") == 0) {
		o = json_pack("{s:O, s:s, s:s}", "timestamp",
		    json_object_get(ev, "timestamp"), "direction", key,
		    "data", data);
	} else {
		/* text, its exact bytes (NULs too): base64 for the page */
		if ((b64 = hs_b64_encode(data, len)) == NULL)
			return;
		o = json_pack("{s:O, s:s, s:s}", "timestamp",
		    json_object_get(ev, "timestamp"), "direction", key,
		    "data", b64);
		free(b64);
	}
	if (o != NULL)
		(void)json_array_append_new(json_object_get(t, "chunks"), o);
}

static void
transcript_done(struct web_job *wj)
{
	json_t		*r, *evs, *args;
	int64_t		 next;
	size_t		 i;
	char		 arg[64];

	if (job_failed(wj))
		return;
	r = wj->wj_result[0];
	evs = json_object_get(r, "events");
	for (i = 0; i < json_array_size(evs); i++)
		transcript_add(json_object_get(wj->wj_state, "t"),
		    json_array_get(evs, i));
	next = json_integer_value(json_object_get(r, "next"));
	job_reset(wj);
	if (next > 0 && ++wj->wj_pages < WEB_TRANSCRIPT_PAGES) {
		args = json_deep_copy(json_object_get(wj->wj_state, "args"));
		(void)snprintf(arg, sizeof(arg), "after=%lld",
		    (long long)next);
		(void)json_array_append_new(args, json_string(arg));
		if (job_call(wj, 0, "getEvents", args) == -1)
			job_fail(wj, "the master is busy; try again");
		return;
	}
	if (next > 0)
		(void)json_object_set_new(json_object_get(wj->wj_state, "t"),
		    "truncated", json_true());
	job_reply(wj, json_incref(json_object_get(wj->wj_state, "t")));
}

static const char *const transcript_keys[] = { "sensor", "session",
    "src_ip", NULL };

static void
api_transcript(struct evhttp_request *req, struct web_session *ws)
{
	struct evkeyvalq	 q;
	struct web_job		*wj;
	const char		*why, *sensor, *session;
	json_t			*args;

	if ((args = query_args(req, transcript_keys, &q, &why)) == NULL) {
		web_error(req, 400, why);
		return;
	}
	sensor = evhttp_find_header(&q, "sensor");
	session = evhttp_find_header(&q, "session");
	if (sensor == NULL || session == NULL || sensor[0] == '\0' ||
	    session[0] == '\0') {
		evhttp_clear_headers(&q);
		json_decref(args);
		web_error(req, 400, "sensor= and session= are needed");
		return;
	}
	if ((wj = job_new(req, ws, transcript_done)) == NULL) {
		evhttp_clear_headers(&q);
		json_decref(args);
		return;
	}
	(void)json_array_append_new(args, json_string("limit=1000"));
	wj->wj_state = json_pack("{s:O, s:{s:s, s:s, s:n, s:n, s:[], s:[], "
	    "s:[]}}", "args", args, "t", "sensor", sensor, "session", session,
	    "connect", "closed", "chunks", "detections", "other");
	evhttp_clear_headers(&q);
	if (wj->wj_state == NULL) {
		json_decref(args);
		job_fail(wj, "out of memory");
		return;
	}
	if (job_call(wj, 0, "getEvents", args) == -1)
		job_fail(wj, "the master is busy; try again");
}

/*
 * Any call, as the console makes it: to the master, or with a node to
 * that sensor through runOnNode.  The answer is the call's, ok or not.
 */
static void
call_done(struct web_job *wj)
{
	json_t	*o;

	if (wj->wj_error[0] != NULL)
		o = json_pack("{s:b, s:s}", "ok", 0, "error",
		    wj->wj_error[0]);
	else
		o = json_pack("{s:b, s:O}", "ok", 1, "reply",
		    wj->wj_result[0]);
	job_reply(wj, o);
}

static void
api_call(struct evhttp_request *req, struct web_session *ws)
{
	struct web_job	*wj;
	const char	*why, *call, *nodename;
	json_t		*o, *args, *a;
	size_t		 i;

	if ((o = web_body(req, &why)) == NULL) {
		web_error(req, strstr(why, "application/json") != NULL ? 415 :
		    400, why);
		return;
	}
	call = json_string_value(json_object_get(o, "call"));
	nodename = json_string_value(json_object_get(o, "node"));
	a = json_object_get(o, "args");
	if (call == NULL || !call_name_valid(call) ||
	    (a != NULL && !json_is_array(a)) || json_array_size(a) > 32 ||
	    (json_object_get(o, "node") != NULL && nodename == NULL)) {
		json_decref(o);
		web_error(req, 400, "call must be a name, args a list, node a "
		    "name");
		return;
	}
	if ((args = json_array()) == NULL) {
		json_decref(o);
		web_error(req, 500, "out of memory");
		return;
	}
	if (nodename != NULL && nodename[0] != '\0') {
		(void)json_array_append_new(args, json_string(nodename));
		(void)json_array_append_new(args, json_string(call));
		call = "runOnNode";
	}
	for (i = 0; i < json_array_size(a); i++)
		(void)json_array_append(args, json_array_get(a, i));
	if ((wj = job_new(req, ws, call_done)) == NULL) {
		json_decref(args);
		json_decref(o);
		return;
	}
	if (job_call(wj, 0, call, args) == -1)
		job_fail(wj, "the master is busy; try again");
	json_decref(o);
}

/* --- live: server-sent events --- */

static void
live_free(struct web_live *wl)
{
	TAILQ_REMOVE(&lives, wl, wl_entry);
	nlives--;
	if (wl->wl_req != NULL && wl->wl_started)
		evhttp_send_reply_end(wl->wl_req);
	else if (wl->wl_req != NULL)
		web_error(wl->wl_req, 503, "the live stream stopped");
	free(wl);
}

static void
api_live(struct evhttp_request *req)
{
	struct evkeyvalq	 q;
	struct web_live		*wl;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*qs = evhttp_uri_get_query(uri), *last;
	long long		 after = -1;
	const char		*errstr;

	if (nlives >= WEB_LIVE_CLIENTS) {
		web_error(req, 503, "too many live pages open");
		return;
	}
	TAILQ_INIT(&q);
	if (qs != NULL && evhttp_parse_query_str(qs, &q) == 0 &&
	    evhttp_find_header(&q, "after") != NULL) {
		after = strtonum(evhttp_find_header(&q, "after"), 0,
		    INT64_MAX, &errstr);
		if (errstr != NULL)
			after = -1;
	}
	evhttp_clear_headers(&q);
	if ((last = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Last-Event-ID")) != NULL) {
		after = strtonum(last, 0, INT64_MAX, &errstr);
		if (errstr != NULL)
			after = -1;
	}
	if ((wl = calloc(1, sizeof(*wl))) == NULL) {
		web_error(req, 500, "out of memory");
		return;
	}
	wl->wl_req = req;
	wl->wl_conn = evhttp_request_get_connection(req);
	/*
	 * The first reader sets where the stream starts: where it left off
	 * (a restart of ours loses it nothing), or now.  Later ones join
	 * the stream where it is.
	 */
	if (nlives == 0 && !live_polling)
		live_cursor = after;
	evhttp_connection_set_closecb(wl->wl_conn, web_conn_closed, NULL);
	TAILQ_INSERT_TAIL(&lives, wl, wl_entry);
	nlives++;
	/*
	 * "Now" must be fixed before the page hears that the stream is
	 * open, or what it causes next could be stored before the cursor
	 * and never sent: without a cursor, the answer waits for one.
	 */
	if (live_cursor >= 0)
		live_start(wl);
	live_poll();
}

static void
live_start(struct web_live *wl)
{
	struct evkeyvalq	*h;
	struct evbuffer		*b;

	h = evhttp_request_get_output_headers(wl->wl_req);
	web_headers(wl->wl_req);
	(void)evhttp_add_header(h, "Content-Type", "text/event-stream");
	(void)evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_send_reply_start(wl->wl_req, 200, "OK");
	if ((b = evbuffer_new()) == NULL)
		fatal("%s: evbuffer_new", __func__);
	(void)evbuffer_add_printf(b, "retry: 2000\n: %s\n\n", node);
	evhttp_send_reply_chunk(wl->wl_req, b);
	evbuffer_free(b);
	wl->wl_started = 1;
}

/*
 * Events for one reader; the last carries the cursor, so that a reader
 * that comes back (Last-Event-ID) misses nothing.
 */
static void
live_send(struct web_live *wl, json_t *evs, int64_t last)
{
	struct evbuffer	*b, *out;
	size_t		 i;
	char		*text;

	out = bufferevent_get_output(evhttp_connection_get_bufferevent(
	    wl->wl_conn));
	if (evbuffer_get_length(out) > WEB_LIVE_BACKLOG) {
		log_warnx("a live page does not keep up; ending it");
		live_free(wl);
		return;
	}
	if ((b = evbuffer_new()) == NULL)
		fatal("%s: evbuffer_new", __func__);
	for (i = 0; i < json_array_size(evs); i++) {
		if ((text = json_dumps(json_array_get(evs, i), JSON_COMPACT |
		    JSON_ENSURE_ASCII)) == NULL)
			continue;
		if (i + 1 == json_array_size(evs))
			(void)evbuffer_add_printf(b, "id: %lld\n",
			    (long long)last);
		(void)evbuffer_add_printf(b, "event: event\ndata: %s\n\n",
		    text);
		free(text);
	}
	if (evbuffer_get_length(b) > 0)
		evhttp_send_reply_chunk(wl->wl_req, b);
	evbuffer_free(b);
}

/*
 * One question at a time, from the common cursor: where the first reader
 * said it left off, or the newest event when it said nothing.
 */
static void
live_poll(void)
{
	struct web_call	*wc;
	char		 arg[64];
	int64_t		 id;

	if (live_polling || nlives == 0)
		return;
	if (live_cursor < 0)
		(void)strlcpy(arg, "after=end", sizeof(arg));
	else
		(void)snprintf(arg, sizeof(arg), "after=%lld",
		    (long long)live_cursor);
	if ((wc = calloc(1, sizeof(*wc))) == NULL)
		return;
	if (rpc_send(NULL, "getEvents", json_pack("[s, s]", arg, "limit=500"),
	    &id) == -1) {
		free(wc);
		return;
	}
	wc->wc_id = id;
	TAILQ_INSERT_TAIL(&calls, wc, wc_entry);
	ncalls++;
	live_polling = 1;
}

static void
live_answer(json_t *r, const char *error)
{
	static int	 warned;
	struct web_live	*wl, *tmp;
	json_t		*evs;
	int64_t		 last;

	live_polling = 0;
	if (r == NULL) {
		if (!warned)
			log_warnx("live events: %s", error);
		warned = 1;
		return;
	}
	warned = 0;
	evs = json_object_get(r, "events");
	last = json_integer_value(json_object_get(r, "last"));
	if (live_cursor >= 0 && json_array_size(evs) > 0)
		TAILQ_FOREACH_SAFE(wl, &lives, wl_entry, tmp)
			if (wl->wl_started)
				live_send(wl, evs, last);
	if (last > live_cursor)
		live_cursor = last;
	/* Readers that waited for "now" have it. */
	if (live_cursor >= 0)
		TAILQ_FOREACH(wl, &lives, wl_entry)
			if (!wl->wl_started)
				live_start(wl);
	/* A full page: more are waiting, ask again at once. */
	if (json_integer_value(json_object_get(r, "next")) > 0)
		live_poll();
}

static void
live_tick(int fd, short event, void *arg)
{
	struct timeval	 tv = { 0, WEB_LIVE_EVERY_MS * 1000 };
	struct web_live	*wl, *tmp;
	struct evbuffer	*b;
	time_t		 now = time(NULL);

	(void)fd;
	(void)event;
	(void)arg;
	if (nlives == 0)
		live_cursor = -1;	/* the next reader starts from now */
	else
		live_poll();
	if (now - live_keepalive >= WEB_LIVE_KEEPALIVE) {
		live_keepalive = now;
		TAILQ_FOREACH_SAFE(wl, &lives, wl_entry, tmp) {
			if (!wl->wl_started)
				continue;
			if ((b = evbuffer_new()) == NULL)
				fatal("%s: evbuffer_new", __func__);
			(void)evbuffer_add_printf(b, ": keepalive\n\n");
			evhttp_send_reply_chunk(wl->wl_req, b);
			evbuffer_free(b);
		}
	}
	if (evtimer_add(&live_ev, &tv) == -1)
		fatal("%s: evtimer_add", __func__);
}
