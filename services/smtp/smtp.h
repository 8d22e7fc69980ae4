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
 * smtp: an open relay that answers as Exim 4.69 did with its default
 * configuration plus plaintext PLAIN and LOGIN authenticators.  The
 * parser (smtp_parse.c) only reads bytes and fills structures; the
 * session (smtp_session.c) talks to the client, keeps each message as an
 * artifact and reports it; smtp.c holds main() and the options.
 */

#ifndef HS_SMTP_H
#define HS_SMTP_H

#include <sys/types.h>

#include <stddef.h>

/* Exim's smtp_cmd_buffer_size: a longer command is unrecognized. */
#define SMTP_CMD_MAX		2048
/* Exim's big_buffer, which holds an AUTH response line. */
#define SMTP_AUTH_LINE_MAX	16384
/* Exim's ADDRESS_MAXLENGTH. */
#define SMTP_ADDR_MAX		512
/* Items an authenticator splits its data into (Exim's EXPAND_MAXN). */
#define SMTP_AUTH_ITEMS		20

enum smtp_verb {
	SMTP_OTHER = 0,		/* unrecognized, or too long */
	SMTP_BADCHAR,		/* holds a NUL */
	SMTP_RSET,
	SMTP_HELO,
	SMTP_EHLO,
	SMTP_AUTH,
	SMTP_STARTTLS,
	SMTP_MAIL,
	SMTP_RCPT,
	SMTP_DATA,
	SMTP_QUIT,
	SMTP_NOOP,
	SMTP_ETRN,
	SMTP_VRFY,
	SMTP_EXPN,
	SMTP_HELP
};

/* One command line, split. */
struct smtp_cmd {
	enum smtp_verb	 c_verb;
	int		 c_mailcmd;	/* part of a mail transaction */
	int		 c_badarg;	/* data after a verb that takes none */
	char		*c_arg;		/* into the line, NUL-terminated */
};

/* The message as it arrives after DATA, unstuffed, in memory. */
struct smtp_msg {
	char	*m_buf;
	size_t	 m_len;		/* bytes kept */
	size_t	 m_cap;
	size_t	 m_max;		/* keep no more than this */
	size_t	 m_total;	/* bytes received, kept or not */
	int	 m_state;	/* where in a line the last byte was */
	int	 m_nomem;
};

/* Data items an authenticator was given: pointers into its arena. */
struct smtp_auth {
	const unsigned char	*a_item[SMTP_AUTH_ITEMS];
	size_t			 a_len[SMTP_AUTH_ITEMS];
	int			 a_n;
	size_t			 a_used;
	unsigned char		 a_arena[SMTP_CMD_MAX +
				     2 * SMTP_AUTH_LINE_MAX];
};

/* What the options set; the defaults are in smtp.c. */
struct smtp_conf {
	const char	*sc_hostname;
	const char	*sc_banner;	/* %h: hostname, %d: date */
	const char	*sc_artifacts;	/* directory */
	size_t		 sc_size_max;	/* message bytes */
	int		 sc_rcpt_max;
	int		 sc_msg_max;	/* messages per connection */
	int		 sc_errors_max;	/* syntax or protocol errors */
	int		 sc_unknown_max;
	int		 sc_nonmail_max;
	int		 sc_timeout;	/* seconds */
};

/* smtp_parse.c */
void	 smtp_parse_command(char *, size_t, struct smtp_cmd *);
int	 smtp_helo_ok(const char *);
int	 smtp_mail_option(char *, char **, char **);
void	 smtp_mail_option_undo(char *, char *);
int	 smtp_parse_address(const char *, int, char *, size_t, int *,
	    char *, size_t);
int	 smtp_xtext_ok(const char *);
ssize_t	 smtp_b64decode(const char *, size_t, unsigned char *, size_t);
void	 smtp_b64encode(const char *, size_t, char *, size_t);
void	 smtp_auth_init(struct smtp_auth *);
int	 smtp_auth_add(struct smtp_auth *, const char *, size_t, int);
void	 smtp_msg_init(struct smtp_msg *, size_t);
int	 smtp_msg_feed(struct smtp_msg *, int);
void	 smtp_msg_free(struct smtp_msg *);
size_t	 smtp_header_len(const char *, size_t);
ssize_t	 smtp_header_value(const char *, size_t, const char *, char *,
	    size_t);
size_t	 smtp_utf8_cut(const char *, size_t, size_t);

/* smtp_session.c */
int	 smtp_session(const struct smtp_conf *, int, int);

#endif /* HS_SMTP_H */
