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
 * smtp_parse: everything the SMTP service reads from a client, turned
 * into structures without any I/O, so that a fuzzer can drive it.  The
 * rules are Exim 4.69's (smtp_in.c, parse.c, auths/), since that is what
 * the service must look like from the outside.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtp.h"

enum { MSG_LINE, MSG_MID, MSG_DOT, MSG_DOTCR };

struct smtp_verbs {
	const char	*v_name;
	enum smtp_verb	 v_verb;
	int		 v_hasarg;
	int		 v_mailcmd;
};

/* Exim's cmd_list, in its order, with its flags. */
static const struct smtp_verbs verbs[] = {
	{ "rset",	SMTP_RSET,	0, 0 },
	{ "helo",	SMTP_HELO,	1, 0 },
	{ "ehlo",	SMTP_EHLO,	1, 0 },
	{ "auth",	SMTP_AUTH,	1, 1 },
	{ "starttls",	SMTP_STARTTLS,	0, 0 },
	{ "mail from:",	SMTP_MAIL,	1, 1 },
	{ "rcpt to:",	SMTP_RCPT,	1, 1 },
	{ "data",	SMTP_DATA,	0, 1 },
	{ "quit",	SMTP_QUIT,	0, 1 },
	{ "noop",	SMTP_NOOP,	1, 0 },
	{ "etrn",	SMTP_ETRN,	1, 0 },
	{ "vrfy",	SMTP_VRFY,	1, 0 },
	{ "expn",	SMTP_EXPN,	1, 0 },
	{ "help",	SMTP_HELP,	1, 0 }
};

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int	is_space(int);
static int	is_alpha(int);
static int	is_alnum(int);
static int	is_atom(int);
static int	is_xdigit(int);
static int	b64val(int);
static const char *skip_space(const char *);
static const char *read_word(const char *, int *);
static const char *read_local(const char *, const char **);
static const char *read_domain(const char *, const char **);
static const char *read_route(const char *, const char **);
static int	addr_fail(char *, size_t, const char *, const char *,
		    const char *);
static void	msg_put(struct smtp_msg *, int);

/* The C locale's isspace(), whatever the locale and the sign of char. */
static int
is_space(int c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r');
}

static int
is_alpha(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

static int
is_alnum(int c)
{
	return (is_alpha(c) || (c >= '0' && c <= '9'));
}

static int
is_xdigit(int c)
{
	return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F'));
}

/* A character of an RFC 822 atom; top-bit bytes pass, as in Exim. */
static int
is_atom(int c)
{
	c = (unsigned char)c;
	if (c <= ' ' || c == 0x7f)
		return (0);
	return (strchr("()<>@,;:\\\".[]", c) == NULL);
}

static const char *
skip_space(const char *s)
{
	while (is_space((unsigned char)*s))
		s++;
	return (s);
}

/*
 * Split a command line the way Exim's smtp_read_command() does: NULs make
 * it unusable, trailing white space goes, the verb is matched without
 * regard to case and must end the line or be followed by a space (or,
 * for "mail from:" and "rcpt to:", by anything).  line[len] must exist.
 */
void
smtp_parse_command(char *line, size_t len, struct smtp_cmd *cmd)
{
	size_t	 i, n;
	char	*arg;

	memset(cmd, 0, sizeof(*cmd));
	if (memchr(line, '\0', len) != NULL) {
		line[len] = '\0';
		cmd->c_verb = SMTP_BADCHAR;
		cmd->c_arg = line + len;
		return;
	}
	while (len > 0 && is_space((unsigned char)line[len - 1]))
		len--;
	line[len] = '\0';
	cmd->c_verb = SMTP_OTHER;
	cmd->c_arg = line + len;
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		n = strlen(verbs[i].v_name);
		if (len < n || strncasecmp(line, verbs[i].v_name, n) != 0)
			continue;
		if (verbs[i].v_name[n - 1] != ':' && line[n] != '\0' &&
		    line[n] != ' ')
			continue;
		arg = line + n;
		while (is_space((unsigned char)*arg))
			arg++;
		cmd->c_verb = verbs[i].v_verb;
		cmd->c_mailcmd = verbs[i].v_mailcmd;
		cmd->c_badarg = !verbs[i].v_hasarg && *arg != '\0';
		cmd->c_arg = arg;
		return;
	}
}

/*
 * Exim's check_helo() with no helo_accept_junk and no helo_allow_chars:
 * an address literal, or letters, digits, dots and hyphens.
 */
int
smtp_helo_ok(const char *s)
{
	char		 lit[SMTP_CMD_MAX + 1];
	unsigned char	 a[sizeof(struct in6_addr)];
	const char	*p;
	size_t		 len = strlen(s);

	if (len == 0)
		return (0);
	if (s[0] == '[') {
		if (len < 2 || s[len - 1] != ']' || len - 2 >= sizeof(lit))
			return (0);
		memcpy(lit, s + 1, len - 2);
		lit[len - 2] = '\0';
		if (strncasecmp(lit, "IPv6:", 5) == 0)
			return (inet_pton(AF_INET6, lit + 5, a) == 1);
		if (strncasecmp(lit, "IPv4:", 5) == 0)
			return (inet_pton(AF_INET, lit + 5, a) == 1);
		return (inet_pton(AF_INET, lit, a) == 1 ||
		    inet_pton(AF_INET6, lit, a) == 1);
	}
	for (p = s; *p != '\0'; p++)
		if (!is_alnum((unsigned char)*p) && *p != '.' && *p != '-')
			return (0);
	return (1);
}

/*
 * Take the last NAME=VALUE off a MAIL argument, as Exim's
 * extract_option() does: the value is everything after the last '=' of
 * the last word, the name the letters before it, and a space must come
 * before the name.  The argument is cut before the name; undo puts it
 * back when the option turns out to be unknown.
 */
int
smtp_mail_option(char *data, char **name, char **value)
{
	char	*v, *n;
	size_t	 len = strlen(data);

	if (len == 0)
		return (0);
	v = data + len - 1;
	while (v > data && is_space((unsigned char)*v))
		v--;
	v[1] = '\0';
	while (v > data && *v != '=' && !is_space((unsigned char)*v))
		v--;
	if (*v != '=')
		return (0);
	n = v;
	while (n > data && is_alpha((unsigned char)n[-1]))
		n--;
	if (n == data || n[-1] != ' ')
		return (0);
	n[-1] = '\0';
	*v = '\0';
	*name = n;
	*value = v + 1;
	return (1);
}

void
smtp_mail_option_undo(char *name, char *value)
{
	name[-1] = ' ';
	value[-1] = '=';
}

/* The xtext of MAIL's AUTH= (RFC 3461), as auth_xtextdecode() checks it. */
int
smtp_xtext_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 33 || (unsigned char)*s > 127 ||
		    *s == '=')
			return (0);
		if (*s == '+') {
			if (!is_xdigit((unsigned char)s[1]) ||
			    !is_xdigit((unsigned char)s[2]))
				return (0);
			s += 2;
		}
	}
	return (1);
}

/* An atom or a quoted string; *ok is 0 for an unmatched quote. */
static const char *
read_word(const char *s, int *ok)
{
	*ok = 1;
	if (*s == '"') {
		for (s++; *s != '"'; s++) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == '\0') {
				*ok = 0;
				return (s);
			}
		}
		return (s + 1);
	}
	while (is_atom(*s))
		s++;
	return (s);
}

/* Dot-separated words; *err is set when there are none or one is bad. */
static const char *
read_local(const char *s, const char **err)
{
	const char	*e;
	int		 ok;

	*err = NULL;
	for (;;) {
		e = read_word(s, &ok);
		if (!ok) {
			*err = "unmatched doublequote in local part";
			return (e);
		}
		if (e == s) {
			*err = "missing or malformed local part";
			return (e);
		}
		s = e;
		if (*s != '.')
			return (s);
		s++;
	}
}

static const char *
read_domain(const char *s, const char **err)
{
	const char	*start = s;

	*err = NULL;
	if (*s == '[') {
		for (s++; *s != ']'; s++)
			if (*s == '\0' || *s == '[' || *s == '\\' ||
			    (unsigned char)*s < ' ') {
				*err = "malformed domain literal";
				return (s);
			}
		return (s + 1);
	}
	for (;;) {
		while (is_atom(*s))
			s++;
		if (s == start || s[-1] == '.') {
			*err = "domain missing or malformed";
			return (s);
		}
		if (*s != '.')
			return (s);
		s++;
	}
}

/* "@a,@b:" before the address: RFC 5321 says to ignore it, Exim does. */
static const char *
read_route(const char *s, const char **err)
{
	*err = NULL;
	for (;;) {
		if (*s != '@') {
			*err = "colon expected after route list";
			return (s);
		}
		s = read_domain(s + 1, err);
		if (*err != NULL)
			return (s);
		if (*s == ':')
			return (s + 1);
		if (*s != ',') {
			*err = "colon expected after route list";
			return (s);
		}
		s++;
	}
}

static int
addr_fail(char *err, size_t errsize, const char *msg, const char *at,
    const char *start)
{
	if (at == NULL)
		(void)snprintf(err, errsize, "%s", msg);
	else
		(void)snprintf(err, errsize, "malformed address: %.32s may not "
		    "follow %.*s", at, (int)(at - start), start);
	return (-1);
}

/*
 * The address of a MAIL or RCPT argument, a cut-down Exim
 * parse_extract_address(): "<addr>", "<@route:addr>", "phrase <addr>" or
 * a bare addr, addr being local@domain or a bare local part (*domain 0).
 * "<>" is allowed only with allow_null.  On error, -1 and Exim's text.
 */
int
smtp_parse_address(const char *in, int allow_null, char *out, size_t outsize,
    int *domain, char *err, size_t errsize)
{
	const char	*s, *lp, *le, *dp = NULL, *de = NULL, *e, *lt;
	size_t		 len;
	int		 routed = 0;

	*domain = 0;
	if (outsize > 0)
		out[0] = '\0';
	s = skip_space(in);
	/* A phrase before <route-addr>: words, no '@' (that is an addr-spec). */
	if (*s != '<' && (lt = strchr(s, '<')) != NULL &&
	    memchr(s, '@', (size_t)(lt - s)) == NULL)
		s = lt;
	if (*s == '<') {
		s = skip_space(s + 1);
		if (*s == '@') {
			s = read_route(s, &e);
			if (e != NULL)
				return (addr_fail(err, errsize, e, NULL, in));
			routed = 1;
		}
		if (allow_null && !routed && *s == '>') {
			lp = le = s;
		} else {
			lp = s;
			s = read_local(s, &e);
			if (e != NULL)
				return (addr_fail(err, errsize, e, NULL, in));
			le = s;
			if (*s == '@') {
				dp = s + 1;
				s = read_domain(dp, &e);
				if (e != NULL)
					return (addr_fail(err, errsize, e,
					    NULL, in));
				de = s;
			} else if (routed)
				return (addr_fail(err, errsize, "domain missing "
				    "in source-routed address", NULL, in));
		}
		s = skip_space(s);
		if (*s != '>') {
			if (*s == '\0')
				return (addr_fail(err, errsize,
				    "'>' missing at end of address", NULL, in));
			return (addr_fail(err, errsize, NULL, s, in));
		}
		s = skip_space(s + 1);
	} else {
		lp = s;
		if (*s == '\0')
			return (addr_fail(err, errsize, "empty address", NULL,
			    in));
		s = read_local(s, &e);
		if (e != NULL)
			return (addr_fail(err, errsize, e, NULL, in));
		le = s;
		if (*s == '@') {
			dp = s + 1;
			s = read_domain(dp, &e);
			if (e != NULL)
				return (addr_fail(err, errsize, e, NULL, in));
			de = s;
		}
		s = skip_space(s);
	}
	if (*s != '\0')
		return (addr_fail(err, errsize, NULL, s, in));
	len = (size_t)(le - lp) + (dp != NULL ? 1 + (size_t)(de - dp) : 0);
	if (len > SMTP_ADDR_MAX || len >= outsize) {
		(void)snprintf(err, errsize, "address is ridiculously long: "
		    "%.64s...", lp);
		return (-1);
	}
	memcpy(out, lp, (size_t)(le - lp));
	len = (size_t)(le - lp);
	if (dp != NULL) {
		out[len++] = '@';
		memcpy(out + len, dp, (size_t)(de - dp));
		len += (size_t)(de - dp);
		*domain = 1;
	}
	out[len] = '\0';
	return (0);
}

static int
b64val(int c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(b64chars, c)) == NULL)
		return (-1);
	return ((int)(p - b64chars));
}

/*
 * Exim's auth_b64decode(): whole quanta only, padding only at the very
 * end, nothing else allowed; the input ends at its first NUL as Exim's
 * string would.  Returns the decoded length or -1.
 */
ssize_t
smtp_b64decode(const char *in, size_t len, unsigned char *out, size_t outsize)
{
	size_t	 i = 0, o = 0;
	int	 x, y;

	len = strnlen(in, len);
	if (outsize < len / 4 * 3 + 3)
		return (-1);
	while (i < len) {
		if ((x = b64val((unsigned char)in[i++])) == -1 || i == len ||
		    (y = b64val((unsigned char)in[i++])) == -1 || i == len)
			return (-1);
		out[o++] = (unsigned char)((x << 2) | (y >> 4));
		if (in[i] == '=') {
			if (i + 2 != len || in[i + 1] != '=')
				return (-1);
			break;
		}
		if ((x = b64val((unsigned char)in[i++])) == -1 || i == len)
			return (-1);
		out[o++] = (unsigned char)(((y << 4) | (x >> 2)) & 0xff);
		if (in[i] == '=') {
			if (i + 1 != len)
				return (-1);
			break;
		}
		if ((y = b64val((unsigned char)in[i++])) == -1)
			return (-1);
		out[o++] = (unsigned char)(((x << 6) | y) & 0xff);
	}
	return ((ssize_t)o);
}

/* Base64 of a prompt; out must hold 4 * ((len + 2) / 3) + 1 bytes. */
void
smtp_b64encode(const char *in, size_t len, char *out, size_t outsize)
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 i, o = 0;
	unsigned int		 v;

	if (outsize < 4 * ((len + 2) / 3) + 1) {
		if (outsize > 0)
			out[0] = '\0';
		return;
	}
	for (i = 0; i < len; i += 3) {
		v = (unsigned int)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned int)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		out[o++] = b64chars[(v >> 18) & 63];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = i + 1 < len ? b64chars[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? b64chars[v & 63] : '=';
	}
	out[o] = '\0';
}

void
smtp_auth_init(struct smtp_auth *a)
{
	a->a_n = 0;
	a->a_used = 0;
}

/*
 * Decode one piece of authentication data and split it into items at its
 * NULs, as Exim's plaintext authenticator does.  Data on the AUTH line
 * itself may be "=" for one empty item and adds nothing when empty; an
 * answer to a prompt adds at least one item.  -1: not valid base64.
 */
int
smtp_auth_add(struct smtp_auth *a, const char *data, size_t len, int prompted)
{
	unsigned char	*clear, *end, *nul;
	ssize_t		 n;

	if (!prompted && len == 1 && data[0] == '=') {
		if (a->a_n < SMTP_AUTH_ITEMS) {
			a->a_item[a->a_n] = a->a_arena + a->a_used;
			a->a_len[a->a_n++] = 0;
		}
		return (0);
	}
	if ((n = smtp_b64decode(data, len, a->a_arena + a->a_used,
	    sizeof(a->a_arena) - a->a_used)) == -1)
		return (-1);
	clear = a->a_arena + a->a_used;
	end = clear + n;
	a->a_used += (size_t)n;
	if (!prompted && clear == end)
		return (0);
	do {
		if (a->a_n >= SMTP_AUTH_ITEMS)
			break;
		if ((nul = memchr(clear, '\0', (size_t)(end - clear))) == NULL)
			nul = end;
		a->a_item[a->a_n] = clear;
		a->a_len[a->a_n++] = (size_t)(nul - clear);
		clear = nul + 1;
	} while (clear < end);
	return (0);
}

void
smtp_msg_init(struct smtp_msg *m, size_t max)
{
	memset(m, 0, sizeof(*m));
	m->m_max = max;
	m->m_state = MSG_LINE;
}

void
smtp_msg_free(struct smtp_msg *m)
{
	free(m->m_buf);
	m->m_buf = NULL;
	m->m_len = m->m_cap = 0;
}

/* Keep a byte while the message is within its limit; count it anyway. */
static void
msg_put(struct smtp_msg *m, int c)
{
	size_t	 cap;
	char	*p;

	m->m_total++;
	if (m->m_nomem || m->m_total > m->m_max)
		return;
	if (m->m_len == m->m_cap) {
		cap = m->m_cap == 0 ? 65536 : m->m_cap * 2;
		if (cap > m->m_max)
			cap = m->m_max;
		if ((p = realloc(m->m_buf, cap)) == NULL) {
			m->m_nomem = 1;
			return;
		}
		m->m_buf = p;
		m->m_cap = cap;
	}
	m->m_buf[m->m_len++] = (char)c;
}

/*
 * One byte of message data.  A line that starts with a dot loses it
 * (RFC 5321 4.5.2); a dot alone on a line ends the message, the line
 * ending in CRLF or, as Exim allows, a bare LF.  Everything else is kept
 * exactly as sent, line endings included.  Returns 1 at the end.
 */
int
smtp_msg_feed(struct smtp_msg *m, int c)
{
	switch (m->m_state) {
	case MSG_LINE:
		if (c == '.') {
			m->m_state = MSG_DOT;
			return (0);
		}
		break;
	case MSG_DOT:
		if (c == '\n')
			return (1);
		if (c == '\r') {
			m->m_state = MSG_DOTCR;
			return (0);
		}
		break;
	case MSG_DOTCR:
		if (c == '\n')
			return (1);
		msg_put(m, '\r');
		break;
	default:
		break;
	}
	msg_put(m, c);
	m->m_state = c == '\n' ? MSG_LINE : MSG_MID;
	return (0);
}

/*
 * Length of the header section: up to the empty line, or to the first
 * line that is neither a field ("name:") nor a continuation of one.
 */
size_t
smtp_header_len(const char *msg, size_t len)
{
	const char	*nl, *p, *end;
	size_t		 off = 0, next, clen;

	while (off < len) {
		nl = memchr(msg + off, '\n', len - off);
		next = nl != NULL ? (size_t)(nl - msg) + 1 : len;
		clen = (nl != NULL ? (size_t)(nl - msg) : len) - off;
		if (clen > 0 && msg[off + clen - 1] == '\r')
			clen--;
		if (clen == 0)
			return (off);
		p = msg + off;
		end = p + clen;
		if (*p == ' ' || *p == '\t') {
			if (off == 0)
				return (0);
		} else {
			while (p < end && (unsigned char)*p > ' ' &&
			    (unsigned char)*p < 0x7f && *p != ':')
				p++;
			if (p == msg + off || p == end || *p != ':')
				return (off);
		}
		off = next;
	}
	return (off);
}

/*
 * The first field called name in a header section, unfolded (line breaks
 * inside it removed) and without the white space around it, copied to
 * out and NUL-terminated.  Returns its length, or -1 if there is none.
 */
ssize_t
smtp_header_value(const char *hdr, size_t hlen, const char *name, char *out,
    size_t outsize)
{
	const char	*p, *end = hdr + hlen, *nl;
	size_t		 nlen = strlen(name), o = 0;
	int		 found = 0;

	if (outsize == 0)
		return (-1);
	for (p = hdr; p < end; p = nl != NULL ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (found) {
			if (*p != ' ' && *p != '\t')
				break;
		} else if ((size_t)(end - p) > nlen && p[nlen] == ':' &&
		    strncasecmp(p, name, nlen) == 0) {
			found = 1;
			p += nlen + 1;
		} else
			continue;
		for (; p < end && p != nl; p++) {
			if (*p == '\r' || (o == 0 && (*p == ' ' ||
			    *p == '\t')))
				continue;
			if (o < outsize - 1)
				out[o++] = *p;
		}
	}
	if (!found)
		return (-1);
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t'))
		o--;
	out[o] = '\0';
	return ((ssize_t)o);
}

/* Where to cut len bytes to at most max without splitting a UTF-8 char. */
size_t
smtp_utf8_cut(const char *s, size_t len, size_t max)
{
	size_t	 cut, back;

	if (len <= max)
		return (len);
	cut = max;
	for (back = 0; back < 3 && cut > 0 &&
	    ((unsigned char)s[cut] & 0xc0) == 0x80; back++)
		cut--;
	return (cut);
}
