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
 * smtp_session: one SMTP connection, answered as Exim 4.69 answers with
 * its default configuration, an ACL that accepts every recipient and
 * PLAIN and LOGIN authenticators that accept every password.  Replies,
 * their order, the error counting that ends a session and the non-mail
 * command limit follow Exim's smtp_in.c; the texts are Exim's.  Every
 * message is kept as an artifact named by its SHA-256 and reported with
 * its envelope; nothing is delivered.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "svc.h"
#include "smtp.h"

/* Replies wait here until the client has been answered for all it sent. */
#define OUT_MAX		8192
/* The header section in an event, at most, before fitting. */
#define EV_HEADERS_MAX	8192
/* Room for an address plus "@" and our hostname (postmaster). */
#define ADDR_BUF	(SMTP_ADDR_MAX + 1 + 256 + 1)

struct session {
	const struct smtp_conf	*s_conf;
	struct svc_in		 s_in;
	int			 s_outfd;
	size_t			 s_outlen;
	int			 s_done;
	char			 s_peer[INET6_ADDRSTRLEN];
	char			 s_helo[SMTP_CMD_MAX + 1];
	int			 s_helo_seen;
	int			 s_esmtp;
	int			 s_auth_adv;	/* AUTH in the last EHLO reply */
	int			 s_pipe_adv;	/* PIPELINING likewise */
	int			 s_authed;
	char			*s_user;	/* authenticated as */
	size_t			 s_userlen;
	/* The mail transaction. */
	int			 s_has_sender;
	char			 s_sender[ADDR_BUF];
	char			**s_rcpt;
	size_t			 s_nrcpt;
	int			 s_rcpt_count;	/* RCPT commands, good or not */
	long			 s_size;	/* MAIL's SIZE=, or -1 */
	/* Exim's counters and flags. */
	int			 s_errors;
	int			 s_unknown;
	int			 s_nonmail;
	int			 s_mailcmds;
	int			 s_free_rset;	/* one RSET per message is free */
	int			 s_free_helo;	/* one HELO or EHLO likewise */
	int			 s_free_auth;	/* one AUTH per connection */
	int			 s_last_rej_mail;
	int			 s_last_rcpt;
	struct smtp_auth	 s_auth;
	char			 s_out[OUT_MAX];
	char			 s_line[SMTP_AUTH_LINE_MAX + 1];
};

/* How much of the long fields an event gets, cut down until it fits. */
struct fit {
	size_t	f_hdr;
	size_t	f_rcpt;
	size_t	f_field;
};

struct credentials {
	const char	*cr_method;
	int		 cr_ok;
	const unsigned char *cr_user;
	size_t		 cr_userlen;
	const unsigned char *cr_pass;
	size_t		 cr_passlen;
	const unsigned char *cr_authz;
	size_t		 cr_authzlen;
};

struct message {
	const struct smtp_msg	*mg_msg;
	const char		*mg_hex;
	const char		*mg_path;	/* NULL: not stored */
	const char		*mg_id;
	const char		*mg_reason;	/* refused: why */
	size_t			 mg_size;
};

typedef json_t	*(*build_fn)(struct session *, const void *,
		    const struct fit *);

static void	 out_flush(struct session *);
static void	 reply(struct session *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
static int	 line_buffered(const struct session *);
static int	 synprot(struct session *, int, const char *, const char *);
static void	 txn_reset(struct session *);
static void	 banner(struct session *);
static void	 peer_address(struct session *, int);
static void	 queue_id(char [17]);
static void	 command(struct session *);
static void	 cmd_helo(struct session *, struct smtp_cmd *, int);
static void	 cmd_auth(struct session *, struct smtp_cmd *);
static void	 cmd_mail(struct session *, struct smtp_cmd *, int *);
static void	 cmd_rcpt(struct session *, struct smtp_cmd *, int *, int *);
static void	 cmd_data(struct session *);
static void	 receive(struct session *);
static int	 set_field(json_t *, const char *, const void *, size_t,
		    size_t);
static json_t	*str_array(char **, size_t, size_t, int *, int *);
static void	 emit_fitted(struct session *, build_fn, const void *,
		    size_t);
static json_t	*build_login(struct session *, const void *,
		    const struct fit *);
static json_t	*build_message(struct session *, const void *,
		    const struct fit *);
static void	 credentials_item(const struct smtp_auth *, int,
		    const unsigned char **, size_t *);

static void
out_flush(struct session *s)
{
	if (s->s_outlen == 0)
		return;
	/* A client that went away ends the session; nothing to tell it. */
	if (svc_write(s->s_outfd, s->s_out, s->s_outlen) == -1)
		s->s_done = 1;
	s->s_outlen = 0;
}

static void
reply(struct session *s, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;
	int	 len;

	va_start(ap, fmt);
	len = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (len == -1) {
		s->s_done = 1;
		return;
	}
	if (s->s_outlen + (size_t)len > sizeof(s->s_out))
		out_flush(s);
	if ((size_t)len > sizeof(s->s_out)) {
		if (svc_write(s->s_outfd, text, (size_t)len) == -1)
			s->s_done = 1;
	} else {
		memcpy(s->s_out + s->s_outlen, text, (size_t)len);
		s->s_outlen += (size_t)len;
	}
	free(text);
}

/*
 * Whether a whole line waits in the input buffer.  Replies are sent
 * only when we have to wait for the client, so pipelined commands get
 * their answers together, as from Exim's buffered output.
 */
static int
line_buffered(const struct session *s)
{
	return (s->s_in.in_len > 0 && memchr(s->s_in.in_buf + s->s_in.in_off,
	    '\n', s->s_in.in_len) != NULL);
}

/*
 * Exim's synprot_error(): count the error, answer (unless code is 0),
 * and past smtp_max_synprot_errors say so and end the session.
 */
static int
synprot(struct session *s, int code, const char *data, const char *msg)
{
	int	 over;

	over = ++s->s_errors > s->s_conf->sc_errors_max;
	if (code > 0) {
		reply(s, "%d%c%s%s%s\r\n", code, over ? '-' : ' ',
		    data != NULL ? data : "", data != NULL ? ": " : "", msg);
		if (over)
			reply(s, "%d Too many syntax or protocol errors\r\n",
			    code);
	}
	if (over)
		s->s_done = 1;
	return (over);
}

static void
txn_reset(struct session *s)
{
	size_t	 i;

	s->s_has_sender = 0;
	s->s_sender[0] = '\0';
	for (i = 0; i < s->s_nrcpt; i++)
		free(s->s_rcpt[i]);
	s->s_nrcpt = 0;
	s->s_rcpt_count = 0;
	s->s_size = -1;
}

/* The client's address for the HELO reply, when we know it. */
static void
peer_address(struct session *s, int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	unsigned char		 a[sizeof(struct in6_addr)];
	const char		*env;
	const void		*p;

	s->s_peer[0] = '\0';
	if ((env = svc_getenv("HONEYSPY_SRC_IP", NULL)) != NULL &&
	    strlen(env) < sizeof(s->s_peer) &&
	    (inet_pton(AF_INET, env, a) == 1 ||
	    inet_pton(AF_INET6, env, a) == 1)) {
		(void)strlcpy(s->s_peer, env, sizeof(s->s_peer));
		return;
	}
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	if (ss.ss_family == AF_INET)
		p = &((struct sockaddr_in *)&ss)->sin_addr;
	else if (ss.ss_family == AF_INET6)
		p = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	else
		return;
	if (inet_ntop(ss.ss_family, p, s->s_peer, sizeof(s->s_peer)) == NULL)
		s->s_peer[0] = '\0';
}

/*
 * The greeting: the banner with %h and %d expanded, one "220-" line per
 * line of it, the last "220 ", as Exim sends smtp_banner.  The date is
 * Exim's tod_full, the RFC 5322 form.
 */
static void
banner(struct session *s)
{
	char		 date[64], *text, *p, *nl;
	const char	*b;
	struct tm	 tm;
	time_t		 now;
	size_t		 len = 0, cap;

	now = time(NULL);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		(void)strlcpy(date, "Thu, 01 Jan 1970 00:00:00 +0000",
		    sizeof(date));
	cap = strlen(s->s_conf->sc_banner) * (strlen(date) +
	    strlen(s->s_conf->sc_hostname) + 1) + 1;
	if ((text = malloc(cap)) == NULL) {
		s->s_done = 1;
		return;
	}
	for (b = s->s_conf->sc_banner; *b != '\0'; b++) {
		if (b[0] == '%' && b[1] == 'h') {
			len += strlcpy(text + len, s->s_conf->sc_hostname,
			    cap - len);
			b++;
		} else if (b[0] == '%' && b[1] == 'd') {
			len += strlcpy(text + len, date, cap - len);
			b++;
		} else if (b[0] == '%' && b[1] == '%') {
			text[len++] = '%';
			b++;
		} else
			text[len++] = *b;
	}
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\n'))
		len--;
	text[len] = '\0';
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		reply(s, "220-%s\r\n", p);
	}
	reply(s, "220 %s\r\n", p);
	free(text);
}

/* Exim's message id: time, pid and a fraction of a second in base 62. */
static void
queue_id(char id[17])
{
	static const char	 b62[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	struct timeval		 tv;
	unsigned long		 v;
	int			 i;

	(void)gettimeofday(&tv, NULL);
	for (v = (unsigned long)tv.tv_sec, i = 5; i >= 0; i--, v /= 62)
		id[i] = b62[v % 62];
	id[6] = '-';
	for (v = (unsigned long)getpid(), i = 12; i >= 7; i--, v /= 62)
		id[i] = b62[v % 62];
	id[13] = '-';
	/* Exim's id_resolution is 500 microseconds on Linux. */
	v = (unsigned long)tv.tv_usec / 500;
	id[15] = b62[v % 62];
	id[14] = b62[(v / 62) % 62];
	id[16] = '\0';
}

int
smtp_session(const struct smtp_conf *conf, int infd, int outfd)
{
	struct session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (-1);
	s->s_conf = conf;
	s->s_outfd = outfd;
	svc_in_init(&s->s_in, infd, conf->sc_timeout);
	if ((s->s_rcpt = calloc((size_t)conf->sc_rcpt_max,
	    sizeof(*s->s_rcpt))) == NULL) {
		free(s);
		return (-1);
	}
	peer_address(s, infd);
	txn_reset(s);
	s->s_free_rset = s->s_free_helo = s->s_free_auth = 1;
	banner(s);
	while (!s->s_done)
		command(s);
	out_flush(s);
	txn_reset(s);
	free(s->s_rcpt);
	freezero(s->s_user, s->s_userlen);
	explicit_bzero(&s->s_auth, sizeof(s->s_auth));
	free(s);
	return (0);
}

/* Read, check and run one command, in the order smtp_read_command() does. */
static void
command(struct session *s)
{
	struct smtp_cmd	 cmd;
	ssize_t		 n;
	int		 cut, mailcmd, was_rej_mail = 0, was_rcpt = 0;

	if (!line_buffered(s))
		out_flush(s);
	if (s->s_done)
		return;
	if ((n = svc_getline(&s->s_in, s->s_line, SMTP_CMD_MAX + 2,
	    &cut)) == -1) {
		if (errno == ETIMEDOUT)
			reply(s, "421 %s: SMTP command timeout - closing "
			    "connection\r\n", s->s_conf->sc_hostname);
		else
			reply(s, "421 %s lost input connection\r\n",
			    s->s_conf->sc_hostname);
		s->s_done = 1;
		return;
	}
	if (cut || (size_t)n > SMTP_CMD_MAX) {
		memset(&cmd, 0, sizeof(cmd));
		cmd.c_verb = SMTP_OTHER;
		cmd.c_arg = s->s_line + n;
	} else
		smtp_parse_command(s->s_line, (size_t)n, &cmd);

	if (cmd.c_verb != SMTP_OTHER && cmd.c_verb != SMTP_BADCHAR) {
		switch (cmd.c_verb) {
		case SMTP_RSET:
			mailcmd = s->s_free_rset;
			break;
		case SMTP_HELO:
		case SMTP_EHLO:
			mailcmd = s->s_free_helo;
			break;
		case SMTP_AUTH:
			mailcmd = s->s_free_auth;
			break;
		case SMTP_STARTTLS:
			/* Exim frees it per message; it never succeeds here. */
			mailcmd = 1;
			break;
		default:
			mailcmd = cmd.c_mailcmd;
			break;
		}
		if (!mailcmd && ++s->s_nonmail > s->s_conf->sc_nonmail_max) {
			reply(s, "554 Too many nonmail commands\r\n");
			s->s_done = 1;
			return;
		}
		if (cmd.c_badarg) {
			(void)synprot(s, 501, NULL, "unexpected argument data");
			goto done;
		}
	}

	switch (cmd.c_verb) {
	case SMTP_AUTH:
		cmd_auth(s, &cmd);
		break;
	case SMTP_HELO:
	case SMTP_EHLO:
		cmd_helo(s, &cmd, cmd.c_verb == SMTP_EHLO);
		break;
	case SMTP_MAIL:
		cmd_mail(s, &cmd, &was_rej_mail);
		break;
	case SMTP_RCPT:
		cmd_rcpt(s, &cmd, &was_rej_mail, &was_rcpt);
		break;
	case SMTP_DATA:
		cmd_data(s);
		break;
	case SMTP_VRFY:
		/* No acl_smtp_vrfy: Exim's implicit deny, code 252. */
		reply(s, "252 Administrative prohibition\r\n");
		break;
	case SMTP_EXPN:
		reply(s, "550 Administrative prohibition\r\n");
		break;
	case SMTP_ETRN:
		if (s->s_has_sender)
			(void)synprot(s, 503, NULL,
			    "ETRN is not permitted inside a transaction");
		else
			reply(s, "458 Administrative prohibition\r\n");
		break;
	case SMTP_STARTTLS:
		(void)synprot(s, 503, NULL,
		    "STARTTLS command used when not advertised");
		break;
	case SMTP_QUIT:
		reply(s, "221 %s closing connection\r\n",
		    s->s_conf->sc_hostname);
		s->s_done = 1;
		break;
	case SMTP_RSET:
		txn_reset(s);
		reply(s, "250 Reset OK\r\n");
		s->s_free_rset = 0;
		break;
	case SMTP_NOOP:
		reply(s, "250 OK\r\n");
		break;
	case SMTP_HELP:
		reply(s, "214-Commands supported:\r\n"
		    "214 AUTH HELO EHLO MAIL RCPT DATA NOOP QUIT RSET HELP\r\n");
		break;
	case SMTP_BADCHAR:
		(void)synprot(s, 0, NULL, "NULL character(s) present");
		reply(s, "501 NULL characters are not allowed in SMTP "
		    "commands\r\n");
		break;
	case SMTP_OTHER:
	default:
		if (s->s_unknown++ >= s->s_conf->sc_unknown_max) {
			reply(s, "500 Too many unrecognized commands\r\n");
			s->s_done = 1;
		} else
			(void)synprot(s, 500, NULL, "unrecognized command");
		break;
	}
done:
	s->s_last_rej_mail = was_rej_mail;
	s->s_last_rcpt = was_rcpt;
}

static void
cmd_helo(struct session *s, struct smtp_cmd *cmd, int esmtp)
{
	const char	*hello = esmtp ? "EHLO" : "HELO";

	s->s_free_helo = 0;
	if (!smtp_helo_ok(cmd->c_arg)) {
		reply(s, "501 Syntactically invalid %s argument(s)\r\n", hello);
		s->s_helo[0] = '\0';
		if (++s->s_errors > s->s_conf->sc_errors_max)
			s->s_done = 1;
		return;
	}
	/* Exim keeps the name as given; only its lookup copy is lowered. */
	(void)strlcpy(s->s_helo, cmd->c_arg, sizeof(s->s_helo));
	s->s_auth_adv = s->s_pipe_adv = 0;
	reply(s, "250%c%s Hello %s%s%s%s\r\n", esmtp ? '-' : ' ',
	    s->s_conf->sc_hostname, s->s_helo, s->s_peer[0] != '\0' ? " [" : "",
	    s->s_peer, s->s_peer[0] != '\0' ? "]" : "");
	if (esmtp) {
		reply(s, "250-SIZE %zu\r\n250-PIPELINING\r\n"
		    "250-AUTH PLAIN LOGIN\r\n250 HELP\r\n",
		    s->s_conf->sc_size_max);
		s->s_pipe_adv = s->s_auth_adv = 1;
	}
	s->s_helo_seen = 1;
	s->s_esmtp = esmtp;
	txn_reset(s);
}

/* Item i of the authenticator's data, or nothing. */
static void
credentials_item(const struct smtp_auth *a, int i, const unsigned char **p,
    size_t *len)
{
	if (i < a->a_n) {
		*p = a->a_item[i];
		*len = a->a_len[i];
	} else {
		*p = NULL;
		*len = 0;
	}
}

/*
 * AUTH PLAIN and LOGIN as Exim's plaintext authenticator runs them with
 * the usual server_prompts (":" and "Username:: : Password::"): data on
 * the command line fills the first items, a 334 prompt asks for each
 * item still missing.  Any password is good; the credentials go out as
 * a login event.
 */
static void
cmd_auth(struct session *s, struct smtp_cmd *cmd)
{
	static const char *const plain_prompts[] = { "" };
	static const char *const login_prompts[] = { "Username:",
	    "Password:" };
	const char *const *prompts;
	struct credentials	 cr;
	struct smtp_auth	*a = &s->s_auth;
	char			 b64[32], msg[SMTP_CMD_MAX + 64];
	char			*mech, *p;
	ssize_t			 n;
	size_t			 nprompts, i;
	int			 cut, ok;

	s->s_free_auth = 0;
	if (!s->s_auth_adv) {
		(void)synprot(s, 503, NULL,
		    "AUTH command used when not advertised");
		return;
	}
	if (s->s_authed) {
		(void)synprot(s, 503, NULL, "already authenticated");
		return;
	}
	if (s->s_has_sender) {
		(void)synprot(s, 503, NULL, "not permitted in mail transaction");
		return;
	}
	mech = p = cmd->c_arg;
	for (; *p != '\0' && *p != ' ' && *p != '\t'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) {
			(void)synprot(s, 501, NULL, "invalid character in "
			    "authentication mechanism name");
			return;
		}
	}
	if (*p != '\0') {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
	}
	memset(&cr, 0, sizeof(cr));
	if (strcasecmp(mech, "PLAIN") == 0) {
		cr.cr_method = "PLAIN";
		prompts = plain_prompts;
		nprompts = 1;
	} else if (strcasecmp(mech, "LOGIN") == 0) {
		cr.cr_method = "LOGIN";
		prompts = login_prompts;
		nprompts = 2;
	} else {
		(void)snprintf(msg, sizeof(msg),
		    "%s authentication mechanism not supported", mech);
		(void)synprot(s, 504, NULL, msg);
		return;
	}

	smtp_auth_init(a);
	if (*p != '\0' && smtp_auth_add(a, p, strlen(p), 0) == -1) {
		reply(s, "501 Invalid base64 data\r\n");
		return;
	}
	for (i = 0; i < nprompts && a->a_n < SMTP_AUTH_ITEMS; i++) {
		if ((int)i < a->a_n)
			continue;
		smtp_b64encode(prompts[i], strlen(prompts[i]), b64,
		    sizeof(b64));
		reply(s, "334 %s\r\n", b64);
		if (!line_buffered(s))
			out_flush(s);
		if (s->s_done)
			return;
		if ((n = svc_getline(&s->s_in, s->s_line, SMTP_AUTH_LINE_MAX,
		    &cut)) == -1) {
			if (errno == ETIMEDOUT)
				reply(s, "421 %s: SMTP command timeout - "
				    "closing connection\r\n",
				    s->s_conf->sc_hostname);
			s->s_done = 1;
			return;
		}
		if (strcmp(s->s_line, "*") == 0) {
			reply(s, "501 Authentication cancelled\r\n");
			return;
		}
		if (cut || smtp_auth_add(a, s->s_line, (size_t)n, 1) == -1) {
			reply(s, "501 Invalid base64 data\r\n");
			return;
		}
	}

	/* PLAIN is authzid, authcid, password; LOGIN user, password. */
	if (cr.cr_method[0] == 'P') {
		if (a->a_n >= 3) {
			credentials_item(a, 0, &cr.cr_authz, &cr.cr_authzlen);
			credentials_item(a, 1, &cr.cr_user, &cr.cr_userlen);
			credentials_item(a, 2, &cr.cr_pass, &cr.cr_passlen);
		} else {
			/* Refused, but report it as the client likely meant. */
			credentials_item(a, 0, &cr.cr_user, &cr.cr_userlen);
			credentials_item(a, 1, &cr.cr_pass, &cr.cr_passlen);
		}
		ok = a->a_n >= 3 && cr.cr_userlen > 0;
	} else {
		credentials_item(a, 0, &cr.cr_user, &cr.cr_userlen);
		credentials_item(a, 1, &cr.cr_pass, &cr.cr_passlen);
		ok = a->a_n >= 2 && cr.cr_userlen > 0;
	}
	cr.cr_ok = ok;
	if (!ok) {
		emit_fitted(s, build_login, &cr, 0);
		reply(s, "535 Incorrect authentication data\r\n");
		return;
	}
	s->s_authed = 1;
	if ((s->s_user = malloc(cr.cr_userlen + 1)) != NULL) {
		memcpy(s->s_user, cr.cr_user, cr.cr_userlen);
		s->s_user[cr.cr_userlen] = '\0';
		s->s_userlen = cr.cr_userlen;
	}
	emit_fitted(s, build_login, &cr, 0);
	reply(s, "235 Authentication succeeded\r\n");
}

static void
cmd_mail(struct session *s, struct smtp_cmd *cmd, int *was_rej_mail)
{
	struct message	 mg;
	char		 err[256], *name, *value, *end;
	unsigned long	 size;
	int		 domain;

	if (s->s_mailcmds < INT_MAX)
		s->s_mailcmds++;
	*was_rej_mail = 1;
	if (s->s_has_sender) {
		(void)synprot(s, 503, NULL, "sender already given");
		return;
	}
	if (*cmd->c_arg == '\0') {
		(void)synprot(s, 501, NULL,
		    "MAIL must have an address operand");
		return;
	}
	if (s->s_conf->sc_msg_max > 0 &&
	    s->s_mailcmds > s->s_conf->sc_msg_max) {
		reply(s, "421 too many messages in this connection\r\n");
		return;
	}
	txn_reset(s);

	/* ESMTP options come off the end, last first. */
	while (s->s_esmtp && smtp_mail_option(cmd->c_arg, &name, &value)) {
		errno = 0;
		if (strcasecmp(name, "SIZE") == 0 &&
		    (size = strtoul(value, &end, 10), *end == '\0')) {
			if ((size == ULONG_MAX && errno == ERANGE) ||
			    size > INT_MAX)
				size = INT_MAX;
			s->s_size = (long)size;
		} else if (strcasecmp(name, "AUTH") == 0) {
			/* Taken, or ignored as Exim ignores it, if valid. */
			if (strcmp(value, "<>") != 0 && !smtp_xtext_ok(value)) {
				smtp_mail_option_undo(name, value);
				(void)synprot(s, 501, NULL,
				    "invalid data for AUTH");
				return;
			}
		} else {
			/* Unknown: the address parser will complain. */
			smtp_mail_option_undo(name, value);
			break;
		}
	}
	if (smtp_parse_address(cmd->c_arg, 1, s->s_sender, sizeof(s->s_sender),
	    &domain, err, sizeof(err)) == -1) {
		s->s_sender[0] = '\0';
		(void)synprot(s, 501, cmd->c_arg, err);
		return;
	}
	if (s->s_size > 0 && (size_t)s->s_size > s->s_conf->sc_size_max) {
		reply(s, "552 Message size exceeds maximum permitted\r\n");
		memset(&mg, 0, sizeof(mg));
		mg.mg_reason = "size";
		mg.mg_size = (size_t)s->s_size;
		emit_fitted(s, build_message, &mg, 0);
		txn_reset(s);
		return;
	}
	if (!domain && s->s_sender[0] != '\0') {
		reply(s, "501 %s: sender address must contain a domain\r\n",
		    cmd->c_arg);
		s->s_sender[0] = '\0';
		return;
	}
	s->s_has_sender = 1;
	reply(s, "250 OK\r\n");
	*was_rej_mail = 0;
}

static void
cmd_rcpt(struct session *s, struct smtp_cmd *cmd, int *was_rej_mail,
    int *was_rcpt)
{
	char	 addr[ADDR_BUF], err[256];
	int	 domain;

	if (s->s_rcpt_count < INT_MAX)
		s->s_rcpt_count++;
	*was_rcpt = 1;
	if (!s->s_has_sender) {
		/* A MAIL refused in a pipelined group is not the client's fault. */
		if (s->s_pipe_adv && s->s_last_rej_mail) {
			reply(s, "503 sender not yet given\r\n");
			*was_rej_mail = 1;
		} else {
			(void)synprot(s, 503, NULL, "sender not yet given");
			*was_rcpt = 0;
		}
		return;
	}
	if (*cmd->c_arg == '\0') {
		(void)synprot(s, 501, NULL, "RCPT must have an address operand");
		return;
	}
	if (smtp_parse_address(cmd->c_arg, 0, addr, sizeof(addr), &domain, err,
	    sizeof(err)) == -1) {
		(void)synprot(s, 501, cmd->c_arg, err);
		return;
	}
	if (!domain) {
		/* RFC 5321 4.5.1: postmaster needs no domain, and gets ours. */
		if (strcasecmp(addr, "postmaster") != 0) {
			reply(s, "501 %s: recipient address must contain a "
			    "domain\r\n", cmd->c_arg);
			return;
		}
		(void)strlcat(addr, "@", sizeof(addr));
		(void)strlcat(addr, s->s_conf->sc_hostname, sizeof(addr));
	}
	if (s->s_rcpt_count > s->s_conf->sc_rcpt_max ||
	    s->s_nrcpt >= (size_t)s->s_conf->sc_rcpt_max) {
		reply(s, "452 too many recipients\r\n");
		return;
	}
	if ((s->s_rcpt[s->s_nrcpt] = strdup(addr)) == NULL) {
		reply(s, "451 Temporary local problem - please try later\r\n");
		return;
	}
	s->s_nrcpt++;
	reply(s, "250 Accepted\r\n");
}

static void
cmd_data(struct session *s)
{
	if (s->s_nrcpt == 0) {
		if (s->s_pipe_adv && s->s_last_rcpt)
			reply(s, "503 Valid RCPT command must precede DATA\r\n");
		else
			(void)synprot(s, 503, NULL,
			    "valid RCPT command must precede DATA");
		return;
	}
	reply(s, "354 Enter message, ending with \".\" on a line by "
	    "itself\r\n");
	receive(s);
	/* A new message starts: Exim's smtp_setup_msg() again. */
	txn_reset(s);
	s->s_free_rset = s->s_free_helo = 1;
}

/* The message, up to its dot; kept, reported and acknowledged. */
static void
receive(struct session *s)
{
	struct smtp_msg	 m;
	struct message	 mg;
	char		 hex[65], id[17], path[PATH_MAX];
	ssize_t		 r;
	unsigned char	 c;

	smtp_msg_init(&m, s->s_conf->sc_size_max);
	for (;;) {
		if (s->s_in.in_len == 0)
			out_flush(s);
		if (s->s_done) {
			smtp_msg_free(&m);
			return;
		}
		if ((r = svc_read(&s->s_in, &c, 1)) != 1) {
			if (r == -1 && errno == ETIMEDOUT)
				reply(s, "421 %s SMTP incoming data timeout - "
				    "closing connection.\r\n",
				    s->s_conf->sc_hostname);
			else
				reply(s, "421 Lost incoming connection\r\n");
			s->s_done = 1;
			smtp_msg_free(&m);
			return;
		}
		if (smtp_msg_feed(&m, c))
			break;
	}

	memset(&mg, 0, sizeof(mg));
	mg.mg_msg = &m;
	if (m.m_total > m.m_max) {
		mg.mg_reason = "size";
		mg.mg_size = m.m_total;
		emit_fitted(s, build_message, &mg, s->s_nrcpt);
		reply(s, "552 Message size exceeds maximum permitted\r\n");
	} else if (m.m_nomem) {
		mg.mg_reason = "memory";
		mg.mg_size = m.m_total;
		emit_fitted(s, build_message, &mg, s->s_nrcpt);
		reply(s, "451 Error while writing spool file\r\n");
	} else {
		queue_id(id);
		mg.mg_hex = hex;
		mg.mg_id = id;
		mg.mg_size = m.m_len;
		if (svc_artifact(s->s_conf->sc_artifacts,
		    m.m_buf != NULL ? m.m_buf : "", m.m_len, hex) == 0 &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s",
		    s->s_conf->sc_artifacts, hex) < sizeof(path))
			mg.mg_path = path;
		emit_fitted(s, build_message, &mg, s->s_nrcpt);
		/* Stored or not, the client sees a message taken. */
		reply(s, "250 OK id=%s\r\n", id);
	}
	smtp_msg_free(&m);
}

/* Attacker bytes, cut to max without splitting a character. */
static int
set_field(json_t *ev, const char *key, const void *data, size_t len,
    size_t max)
{
	size_t	 cut;

	cut = smtp_utf8_cut(data, len, max);
	if (hs_event_set_bytes(ev, key, data, cut) == -1)
		return (-1);
	return (cut < len);
}

/*
 * Strings as a JSON array, the first n of them each cut to max; if one
 * is not UTF-8 all are base64, which *b64 reports, as a single string
 * field's "_encoding" would.
 */
static json_t *
str_array(char **v, size_t nv, size_t max, int *b64, int *cut)
{
	json_t	*a, *e = NULL;
	char	*enc;
	size_t	 i, len, c, elen;
	int	 pass;

	*b64 = *cut = 0;
	for (pass = 0; pass < 2; pass++) {
		if ((a = json_array()) == NULL)
			return (NULL);
		for (i = 0; i < nv; i++) {
			len = strlen(v[i]);
			c = smtp_utf8_cut(v[i], len, max);
			if (c < len)
				*cut = 1;
			if (pass == 0)
				e = json_stringn(v[i], c);
			else {
				elen = 4 * ((c + 2) / 3) + 1;
				if ((enc = malloc(elen)) == NULL) {
					json_decref(a);
					return (NULL);
				}
				smtp_b64encode(v[i], c, enc, elen);
				e = json_string(enc);
				free(enc);
			}
			if (e == NULL || json_array_append_new(a, e) == -1)
				break;
		}
		if (i == nv)
			return (a);
		json_decref(a);
		if (pass == 0 && e != NULL)
			return (NULL);
		*b64 = 1;
	}
	return (NULL);
}

/* Build an event, shrinking its long fields until it fits one line. */
static void
emit_fitted(struct session *s, build_fn build, const void *arg, size_t nrcpt)
{
	struct fit	 f;
	json_t		*ev;
	char		*line;

	f.f_hdr = EV_HEADERS_MAX;
	f.f_rcpt = nrcpt;
	f.f_field = SMTP_AUTH_LINE_MAX;
	for (;;) {
		if ((ev = build(s, arg, &f)) == NULL)
			return;
		if ((line = hs_event_dump(ev, SVC_EVENT_MAX - 2)) != NULL) {
			free(line);
			svc_emit(ev);
			return;
		}
		json_decref(ev);
		if (errno != EMSGSIZE)
			return;
		if (f.f_hdr > 0)
			f.f_hdr = f.f_hdr > 256 ? f.f_hdr / 2 : 0;
		else if (f.f_rcpt > 1)
			f.f_rcpt /= 2;
		else if (f.f_field > 64)
			f.f_field /= 2;
		else
			return;
	}
}

static json_t *
build_login(struct session *s, const void *arg, const struct fit *f)
{
	const struct credentials *cr = arg;
	json_t		*ev;
	int		 cut = 0, r;

	(void)s;
	if ((ev = svc_event(cr->cr_ok ? "honeyspy.login.success" :
	    "honeyspy.login.failed")) == NULL)
		return (NULL);
	if (hs_event_set_str(ev, "method", cr->cr_method) == -1)
		goto fail;
	if ((r = set_field(ev, "username", cr->cr_user != NULL ?
	    (const void *)cr->cr_user : "", cr->cr_userlen, f->f_field)) == -1)
		goto fail;
	cut |= r;
	if ((r = set_field(ev, "password", cr->cr_pass != NULL ?
	    (const void *)cr->cr_pass : "", cr->cr_passlen, f->f_field)) == -1)
		goto fail;
	cut |= r;
	if (cr->cr_authz != NULL && cr->cr_authzlen > 0) {
		if ((r = set_field(ev, "authzid", cr->cr_authz,
		    cr->cr_authzlen, f->f_field)) == -1)
			goto fail;
		cut |= r;
	}
	if (cut && json_object_set_new(ev, "truncated", json_true()) == -1)
		goto fail;
	return (ev);
fail:
	json_decref(ev);
	return (NULL);
}

/*
 * honeyspy.smtp.message for a message taken, honeyspy.smtp.refused for
 * one refused (too big): the envelope, and for a message its headers,
 * subject and digest.
 */
static json_t *
build_message(struct session *s, const void *arg, const struct fit *f)
{
	const struct message	*mg = arg;
	const struct smtp_msg	*m = mg->mg_msg;
	json_t			*ev, *rcpt;
	char			 subject[2048];
	ssize_t			 sublen;
	size_t			 hlen;
	int			 cut = 0, r, b64, rcut;

	if ((ev = svc_event(mg->mg_reason != NULL ? "honeyspy.smtp.refused" :
	    "honeyspy.smtp.message")) == NULL)
		return (NULL);
	if (mg->mg_reason != NULL &&
	    hs_event_set_str(ev, "reason", mg->mg_reason) == -1)
		goto fail;
	if (s->s_helo_seen && s->s_helo[0] != '\0') {
		if ((r = set_field(ev, "helo", s->s_helo, strlen(s->s_helo),
		    f->f_field)) == -1)
			goto fail;
		cut |= r;
	}
	if ((r = set_field(ev, "mail_from", s->s_sender, strlen(s->s_sender),
	    f->f_field)) == -1)
		goto fail;
	cut |= r;
	if (s->s_nrcpt > 0) {
		if ((rcpt = str_array(s->s_rcpt, f->f_rcpt < s->s_nrcpt ?
		    f->f_rcpt : s->s_nrcpt, f->f_field, &b64, &rcut)) == NULL ||
		    json_object_set_new(ev, "rcpt_to", rcpt) == -1 ||
		    (b64 && hs_event_set_str(ev, "rcpt_to_encoding",
		    "base64") == -1) ||
		    hs_event_set_int(ev, "rcpt_count",
		    (long long)s->s_nrcpt) == -1)
			goto fail;
		cut |= rcut || f->f_rcpt < s->s_nrcpt;
	}
	if (s->s_user != NULL) {
		if ((r = set_field(ev, "username", s->s_user, s->s_userlen,
		    f->f_field)) == -1)
			goto fail;
		cut |= r;
	}
	if (hs_event_set_int(ev, "size", (long long)mg->mg_size) == -1)
		goto fail;
	if (mg->mg_hex != NULL) {
		if (hs_event_set_str(ev, "sha256", mg->mg_hex) == -1 ||
		    hs_event_set_str(ev, "queue_id", mg->mg_id) == -1)
			goto fail;
		if (mg->mg_path != NULL) {
			if (hs_event_set_bytes(ev, "artifact", mg->mg_path,
			    strlen(mg->mg_path)) == -1)
				goto fail;
		} else if (json_object_set_new(ev, "stored",
		    json_false()) == -1)
			goto fail;
	}
	if (m != NULL && m->m_len > 0 && m->m_len <= m->m_max) {
		hlen = smtp_header_len(m->m_buf, m->m_len);
		if ((sublen = smtp_header_value(m->m_buf, hlen, "Subject",
		    subject, sizeof(subject))) >= 0) {
			/* A full buffer was likely cut, maybe mid-character. */
			if ((size_t)sublen == sizeof(subject) - 1) {
				sublen = (ssize_t)smtp_utf8_cut(subject,
				    (size_t)sublen, (size_t)sublen - 1);
				cut = 1;
			}
			if ((r = set_field(ev, "subject", subject,
			    (size_t)sublen, f->f_field)) == -1)
				goto fail;
			cut |= r;
		}
		if (hlen > 0 && f->f_hdr > 0) {
			if ((r = set_field(ev, "headers", m->m_buf, hlen,
			    f->f_hdr)) == -1)
				goto fail;
			cut |= r;
		} else if (hlen > 0)
			cut = 1;
	}
	if (cut && json_object_set_new(ev, "truncated", json_true()) == -1)
		goto fail;
	return (ev);
fail:
	json_decref(ev);
	return (NULL);
}
