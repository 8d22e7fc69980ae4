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
 * shell: line editing, parsing and running of command lines.
 *
 * The parser knows enough of bash for what attackers type: words with
 * quotes and backslashes, $VAR and $(...) expansion, ; && || & and |,
 * and the redirections > >> < 2> 2>&1 &>.  Everything is bounded: line
 * length, token count, word size, nesting, output.  Whatever it cannot
 * parse gets a bash-like error, never a crash.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "svc.h"
#include "shell.h"

#define TOK_MAX		512		/* tokens in one command line */
#define WORD_MAX	65536		/* bytes in one word after expansion */
#define ARGV_MAX	256
#define REDIR_MAX	8
#define PIPE_MAX	32		/* commands in one pipeline */

enum tok_type {
	T_WORD, T_SEMI, T_AND, T_OR, T_PIPE, T_BG, T_REDIR
};

enum redir_mode {
	R_OUT, R_APPEND, R_IN, R_DUP, R_BOTH
};

struct token {
	enum tok_type	 t_type;
	char		*t_word;	/* T_WORD, NUL-terminated */
	size_t		 t_len;
	int		 t_fd;		/* T_REDIR: which fd */
	enum redir_mode	 t_mode;
	int		 t_dupfd;	/* R_DUP: 2>&1 */
};

struct lexer {
	struct shell	*lx_sh;
	struct cmd_io	*lx_io;
	const char	*lx_s;
	size_t		 lx_len;
	size_t		 lx_i;
	struct token	*lx_toks;
	size_t		 lx_ntoks;
	struct sbuf	 lx_word;
	int		 lx_inword;
	int		 lx_quoted;	/* the word had quotes: not an fd */
	const char	*lx_err;	/* a syntax error, for the message */
	int		 lx_noexec;	/* checking only: no $(...) runs */
};

struct redir {
	int		 r_fd;
	enum redir_mode	 r_mode;
	int		 r_dupfd;
	const char	*r_target;
};

struct simple {
	char		*s_argv[ARGV_MAX + 1];
	int		 s_argc;
	struct redir	 s_redir[REDIR_MAX];
	int		 s_nredir;
};

static void	 shell_prompt(struct shell *);
static void	 shell_line(struct shell *, const char *, size_t, size_t);
static void	 shell_flush(struct shell *, struct sbuf *, int);
static void	 editor_key(struct shell *, unsigned char);
static void	 editor_redraw(struct shell *);
static void	 history_add(struct shell *, const char *, size_t);
static int	 lex(struct lexer *);
static int	 lex_word_end(struct lexer *);
static int	 lex_push(struct lexer *, enum tok_type);
static int	 lex_dollar(struct lexer *);
static int	 lex_subst(struct lexer *, size_t, size_t);
static int	 parse_pipeline(struct token *, size_t, struct simple *, int *,
		    char *, size_t);
static int	 run_list(struct shell *, const char *, size_t,
		    struct cmd_io *, struct simple *, int);
static const char *tok_text(const struct token *);
static int	 exec_pipeline(struct shell *, struct simple *, int,
		    struct cmd_io *);
static int	 exec_simple(struct shell *, struct simple *, struct cmd_io *);
static int	 exec_path(struct shell *, int, char **, struct cmd_io *);
static int	 redirect_out(struct shell *, const char *, struct sbuf *, int,
		    struct cmd_io *);
static int	 is_name(const char *, size_t);
static int	 is_keyword(const char *, int);
static int	 in_path(struct shell *, const char *);
static int	 syntax_error(struct shell *, struct cmd_io *, const char *);

/* Output buffers. */

void
sb_init(struct sbuf *sb, size_t max)
{
	memset(sb, 0, sizeof(*sb));
	sb->sb_max = max;
}

void
sb_free(struct sbuf *sb)
{
	free(sb->sb_buf);
	memset(sb, 0, sizeof(*sb));
}

/* Append what fits; past the limit the rest is dropped and noted. */
void
sb_add(struct sbuf *sb, const void *data, size_t len)
{
	size_t	 ncap;
	char	*nb;

	if (len == 0)
		return;
	if (sb->sb_len + len > sb->sb_max || sb->sb_len + len < sb->sb_len) {
		sb->sb_full = 1;
		len = sb->sb_max - sb->sb_len;
		if (len == 0)
			return;
	}
	if (sb->sb_len + len + 1 > sb->sb_cap) {
		ncap = sb->sb_cap ? sb->sb_cap : 256;
		while (ncap < sb->sb_len + len + 1)
			ncap *= 2;
		if ((nb = realloc(sb->sb_buf, ncap)) == NULL) {
			sb->sb_full = 1;
			return;
		}
		sb->sb_buf = nb;
		sb->sb_cap = ncap;
	}
	memcpy(sb->sb_buf + sb->sb_len, data, len);
	sb->sb_len += len;
	sb->sb_buf[sb->sb_len] = '\0';
}

void
sb_puts(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void
sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 len;

	va_start(ap, fmt);
	len = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (len < 0) {
		sb->sb_full = 1;
		return;
	}
	sb_add(sb, s, (size_t)len);
	free(s);
}

void
sb_consume(struct sbuf *sb, size_t n)
{
	if (n >= sb->sb_len) {
		sb->sb_len = 0;
		if (sb->sb_buf != NULL)
			sb->sb_buf[0] = '\0';
		return;
	}
	memmove(sb->sb_buf, sb->sb_buf + n, sb->sb_len - n);
	sb->sb_len -= n;
	sb->sb_buf[sb->sb_len] = '\0';
}

/* Events. */

/*
 * Set an event field to attacker bytes, cut so that the event still fits
 * one event line even when every byte needs a six-character escape; a
 * cut field comes with "<key>_truncated" and the full length.
 */
void
shell_event_text(json_t *ev, const char *key, const void *data, size_t len)
{
	const unsigned char	*p = data;
	char			 tkey[64];
	size_t			 i, cost = 0;

	for (i = 0; i < len; i++) {
		cost += (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' &&
		    p[i] != '\\') ? 1 : 6;
		if (cost > SHELL_FIELD_MAX)
			break;
	}
	(void)hs_event_set_bytes(ev, key, data, i);
	if (i < len && (size_t)snprintf(tkey, sizeof(tkey), "%s_length",
	    key) < sizeof(tkey))
		(void)hs_event_set_int(ev, tkey, (long long)len);
}

void
shell_emit_input(struct shell *sh, const char *eventid, const char *data,
    size_t len, size_t full)
{
	json_t	*ev;

	if ((ev = svc_event(eventid)) == NULL)
		return;
	shell_event_text(ev, "input", data, len);
	if (full > len)
		(void)hs_event_set_int(ev, "input_length", (long long)full);
	(void)hs_event_set_str(ev, "username", sh->sh_user);
	svc_emit(ev);
}

/* Variables. */

const char *
shell_getvar(struct shell *sh, const char *name)
{
	size_t	 i;

	for (i = 0; i < sh->sh_nvars; i++)
		if (strcmp(sh->sh_vars[i].sv_name, name) == 0)
			return (sh->sh_vars[i].sv_value);
	return (NULL);
}

int
shell_setvar(struct shell *sh, const char *name, const char *value)
{
	struct shell_var	*v = NULL;
	char			*nv;
	size_t			 i;

	if (strlen(value) > 4096)
		return (-1);
	for (i = 0; i < sh->sh_nvars; i++)
		if (strcmp(sh->sh_vars[i].sv_name, name) == 0)
			v = &sh->sh_vars[i];
	if ((nv = strdup(value)) == NULL)
		return (-1);
	if (v == NULL) {
		if (sh->sh_nvars >= SHELL_VARS_MAX || strlen(name) > 64) {
			free(nv);
			return (-1);
		}
		v = &sh->sh_vars[sh->sh_nvars];
		if ((v->sv_name = strdup(name)) == NULL) {
			free(nv);
			return (-1);
		}
		sh->sh_nvars++;
	} else
		free(v->sv_value);
	v->sv_value = nv;
	return (0);
}

void
shell_unsetvar(struct shell *sh, const char *name)
{
	size_t	 i;

	for (i = 0; i < sh->sh_nvars; i++) {
		if (strcmp(sh->sh_vars[i].sv_name, name) != 0)
			continue;
		free(sh->sh_vars[i].sv_name);
		free(sh->sh_vars[i].sv_value);
		sh->sh_vars[i] = sh->sh_vars[--sh->sh_nvars];
		return;
	}
}

/* The session. */

struct shell *
shell_new(const struct shell_conf *conf, const char *user,
    enum shell_mode mode)
{
	struct shell	*sh;
	char		 path[FS_PATH_MAX];
	size_t		 i;

	if ((sh = calloc(1, sizeof(*sh))) == NULL)
		return (NULL);
	sh->sh_conf = conf;
	sh->sh_mode = mode;
	sh->sh_pty = mode == SHELL_INTERACTIVE;
	/* A name bash could show: printable, no slash, not too long. */
	for (i = 0; user[i] != '\0' && i < sizeof(sh->sh_user) - 1; i++)
		sh->sh_user[i] = (isalnum((unsigned char)user[i]) ||
		    strchr("._-", user[i]) != NULL) ? user[i] : '_';
	sh->sh_user[i] = '\0';
	if (sh->sh_user[0] == '\0' || sh->sh_user[0] == '.')
		(void)strlcpy(sh->sh_user, "user", sizeof(sh->sh_user));
	if (strcmp(sh->sh_user, "root") == 0) {
		sh->sh_uid = sh->sh_gid = 0;
		(void)strlcpy(sh->sh_home, "/root", sizeof(sh->sh_home));
	} else {
		sh->sh_uid = sh->sh_gid = 1000;
		(void)snprintf(sh->sh_home, sizeof(sh->sh_home), "/home/%s",
		    sh->sh_user);
	}
	(void)strlcpy(sh->sh_cwd, sh->sh_home, sizeof(sh->sh_cwd));
	(void)strlcpy(sh->sh_oldpwd, sh->sh_home, sizeof(sh->sh_oldpwd));
	(void)strlcpy(sh->sh_term, "xterm", sizeof(sh->sh_term));
	sh->sh_cols = 80;
	sh->sh_rows = 24;
	/* A pid that moves, as a busy machine's would. */
	sh->sh_pid = 2000 + (unsigned int)(time(NULL) % 20000);
	sb_init(&sh->sh_out[0], SHELL_OUT_MAX);
	sb_init(&sh->sh_out[1], SHELL_OUT_MAX);
	if ((sh->sh_fs = fs_new()) == NULL ||
	    fs_populate(sh->sh_fs, conf, sh->sh_user, sh->sh_uid,
	    sh->sh_home) == -1) {
		shell_free(sh);
		return (NULL);
	}
	if (fs_resolve("/", "/", sh->sh_home, path, sizeof(path)) == -1 ||
	    fs_lookup(sh->sh_fs, path) == NULL)
		(void)strlcpy(sh->sh_cwd, "/", sizeof(sh->sh_cwd));
	(void)shell_setvar(sh, "PATH", "/usr/local/sbin:/usr/local/bin:"
	    "/usr/sbin:/usr/bin:/sbin:/bin");
	(void)shell_setvar(sh, "SHELL", "/bin/bash");
	(void)shell_setvar(sh, "LANG", "en_US.UTF-8");
	return (sh);
}

void
shell_free(struct shell *sh)
{
	size_t	 i;

	if (sh == NULL)
		return;
	fs_free(sh->sh_fs);
	for (i = 0; i < sh->sh_nhist; i++)
		free(sh->sh_hist[i]);
	for (i = 0; i < sh->sh_nvars; i++) {
		free(sh->sh_vars[i].sv_name);
		free(sh->sh_vars[i].sv_value);
	}
	sb_free(&sh->sh_out[0]);
	sb_free(&sh->sh_out[1]);
	free(sh);
}

void
shell_set_term(struct shell *sh, const char *term, int cols, int rows)
{
	size_t	 i;

	if (term != NULL) {
		for (i = 0; term[i] != '\0' && i < sizeof(sh->sh_term) - 1; i++)
			sh->sh_term[i] = isalnum((unsigned char)term[i]) ||
			    term[i] == '-' ? term[i] : '_';
		sh->sh_term[i] = '\0';
	}
	if (cols > 0 && cols <= 1000)
		sh->sh_cols = cols;
	if (rows > 0 && rows <= 1000)
		sh->sh_rows = rows;
}

/* The login banner and the first prompt of an interactive session. */
void
shell_start(struct shell *sh)
{
	const struct shell_conf	*c = sh->sh_conf;
	struct sbuf		 out;
	char			 when[64];
	time_t			 last;
	struct tm		 tm;

	if (sh->sh_mode != SHELL_INTERACTIVE)
		return;
	sb_init(&out, SHELL_CMD_OUT_MAX);
	if (c->sc_motd != NULL)
		sb_puts(&out, c->sc_motd);
	else
		sb_printf(&out, "Welcome to %s (GNU/Linux %s %s)\n\n"
		    " * Documentation:  https://help.ubuntu.com/\n\n",
		    c->sc_issue, c->sc_release, c->sc_machine);
	/* The previous login: a day and a bit ago, from the office. */
	last = time(NULL) - 97531;
	if (gmtime_r(&last, &tm) != NULL &&
	    strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", &tm) > 0)
		sb_printf(&out, "Last login: %s from 10.0.2.15\n", when);
	shell_flush(sh, &out, 0);
	sb_free(&out);
	shell_prompt(sh);
}

static void
shell_prompt(struct shell *sh)
{
	const char	*cwd = sh->sh_cwd;
	size_t		 hlen = strlen(sh->sh_home);
	char		 host[64];
	size_t		 i;

	if (sh->sh_mode != SHELL_INTERACTIVE || sh->sh_exit)
		return;
	/* bash's \h: the hostname up to the first dot. */
	for (i = 0; sh->sh_conf->sc_hostname[i] != '\0' &&
	    sh->sh_conf->sc_hostname[i] != '.' && i < sizeof(host) - 1; i++)
		host[i] = sh->sh_conf->sc_hostname[i];
	host[i] = '\0';
	if (strncmp(cwd, sh->sh_home, hlen) == 0 &&
	    (cwd[hlen] == '\0' || cwd[hlen] == '/'))
		sb_printf(&sh->sh_out[0], "%s@%s:~%s%c ", sh->sh_user, host,
		    cwd + hlen, sh->sh_uid == 0 ? '#' : '$');
	else
		sb_printf(&sh->sh_out[0], "%s@%s:%s%c ", sh->sh_user, host,
		    cwd, sh->sh_uid == 0 ? '#' : '$');
}

/*
 * Command output to the client.  On a terminal both streams are one and
 * every "\n" becomes "\r\n", as the tty's onlcr would make it.
 */
static void
shell_flush(struct shell *sh, struct sbuf *sb, int stream)
{
	const char	*p, *nl, *end;

	if (sb->sb_len == 0)
		return;
	if (!sh->sh_pty) {
		sb_add(&sh->sh_out[stream], sb->sb_buf, sb->sb_len);
		return;
	}
	p = sb->sb_buf;
	end = sb->sb_buf + sb->sb_len;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			sb_add(&sh->sh_out[0], p, (size_t)(end - p));
			break;
		}
		sb_add(&sh->sh_out[0], p, (size_t)(nl - p));
		sb_add(&sh->sh_out[0], "\r\n", 2);
		p = nl + 1;
	}
}

/*
 * Run one command line as typed, log it, and show what it printed.  full
 * is how long the line was before it was cut to len, for the log.
 */
static void
shell_line(struct shell *sh, const char *line, size_t len, size_t full)
{
	struct sbuf	 out, err;
	struct cmd_io	 io;

	sh->sh_lineno++;
	if (len == 0)
		return;
	if (++sh->sh_nlines > SHELL_LINES_MAX) {
		sh->sh_exit = 1;
		return;
	}
	shell_emit_input(sh, "honeyspy.command.input", line, len, full);
	if (sh->sh_mode == SHELL_INTERACTIVE)
		history_add(sh, line, len);
	sb_init(&out, SHELL_CMD_OUT_MAX);
	sb_init(&err, SHELL_CMD_OUT_MAX);
	io.io_in = NULL;
	io.io_inlen = 0;
	io.io_out = &out;
	io.io_tty = sh->sh_pty;
	/* On a terminal, errors come in order with the rest. */
	io.io_err = sh->sh_pty ? &out : &err;
	sh->sh_status = shell_run(sh, line, len, &io);
	shell_flush(sh, &out, 0);
	shell_flush(sh, &err, 1);
	sb_free(&out);
	sb_free(&err);
}

/* "ssh host cmd": run it, and the shell is done. */
void
shell_exec(struct shell *sh, const char *cmd, size_t len)
{
	shell_line(sh, cmd, len > SHELL_EXEC_MAX ? SHELL_EXEC_MAX : len, len);
	sh->sh_exit = 1;
}

/* Bytes from the client. */
void
shell_input(struct shell *sh, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 i;

	for (i = 0; i < len && !sh->sh_exit; i++) {
		if (sh->sh_mode == SHELL_INTERACTIVE) {
			editor_key(sh, p[i]);
			continue;
		}
		/* Without a terminal: plain lines, no echo, no prompt. */
		if (p[i] == '\n') {
			shell_line(sh, sh->sh_line, sh->sh_len, sh->sh_full);
			sh->sh_len = sh->sh_full = 0;
			sh->sh_line[0] = '\0';
			continue;
		}
		sh->sh_full++;
		if (sh->sh_len < SHELL_LINE_MAX - 1) {
			sh->sh_line[sh->sh_len++] = (char)p[i];
			sh->sh_line[sh->sh_len] = '\0';
		}
	}
}

/* The client closed its side: what is left runs, then the shell ends. */
void
shell_eof(struct shell *sh)
{
	if (sh->sh_exit)
		return;
	if (sh->sh_mode == SHELL_SCRIPT && sh->sh_len > 0)
		shell_line(sh, sh->sh_line, sh->sh_len, sh->sh_full);
	sh->sh_len = 0;
	sh->sh_exit = 1;
}

static void
history_add(struct shell *sh, const char *line, size_t len)
{
	char	*copy;

	if ((copy = strndup(line, len)) == NULL)
		return;
	if (sh->sh_nhist == SHELL_HIST_MAX) {
		free(sh->sh_hist[0]);
		memmove(sh->sh_hist, sh->sh_hist + 1,
		    (SHELL_HIST_MAX - 1) * sizeof(sh->sh_hist[0]));
		sh->sh_nhist--;
	}
	sh->sh_hist[sh->sh_nhist++] = copy;
	sh->sh_histpos = sh->sh_nhist;
}

/* The prompt and the line again, after ^L or a history recall. */
static void
editor_redraw(struct shell *sh)
{
	sb_puts(&sh->sh_out[0], "\r\033[K");
	shell_prompt(sh);
	sb_add(&sh->sh_out[0], sh->sh_line, sh->sh_len);
}

/* One byte typed on the terminal. */
static void
editor_key(struct shell *sh, unsigned char c)
{
	const char	*h;
	size_t		 n;

	/* Escape sequences: arrows recall history, the rest is ignored. */
	if (sh->sh_esc == 1) {
		sh->sh_esc = (c == '[' || c == 'O') ? 2 : 0;
		return;
	}
	if (sh->sh_esc == 2) {
		if (c >= 0x40 && c <= 0x7e) {
			sh->sh_esc = 0;
			if ((c == 'A' && sh->sh_histpos > 0) ||
			    (c == 'B' && sh->sh_histpos < sh->sh_nhist)) {
				sh->sh_histpos += c == 'A' ? -1 : 1;
				h = sh->sh_histpos < sh->sh_nhist ?
				    sh->sh_hist[sh->sh_histpos] : "";
				sh->sh_len = strlcpy(sh->sh_line, h,
				    sizeof(sh->sh_line));
				if (sh->sh_len >= sizeof(sh->sh_line))
					sh->sh_len = sizeof(sh->sh_line) - 1;
				editor_redraw(sh);
			}
		} else if (c < 0x20 || c > 0x3f)
			sh->sh_esc = 0;
		return;
	}
	if (c == '\n' && sh->sh_lastcr) {
		sh->sh_lastcr = 0;
		return;
	}
	sh->sh_lastcr = c == '\r';
	switch (c) {
	case '\r':
	case '\n':
		sb_puts(&sh->sh_out[0], "\r\n");
		n = sh->sh_len;
		sh->sh_len = 0;
		shell_line(sh, sh->sh_line, n, n);
		sh->sh_line[0] = '\0';
		shell_prompt(sh);
		break;
	case 0x03:		/* ^C */
		sb_puts(&sh->sh_out[0], "^C\r\n");
		sh->sh_len = 0;
		sh->sh_status = 130;
		shell_prompt(sh);
		break;
	case 0x04:		/* ^D on an empty line: a login shell says */
		if (sh->sh_len == 0) {
			sb_puts(&sh->sh_out[0], "logout\r\n");
			sh->sh_exit = 1;
		}
		break;
	case 0x7f:
	case 0x08:
		if (sh->sh_len == 0)
			break;
		/* A whole UTF-8 character, not its last byte. */
		while (sh->sh_len > 1 &&
		    ((unsigned char)sh->sh_line[sh->sh_len - 1] & 0xc0) ==
		    0x80)
			sh->sh_len--;
		sh->sh_len--;
		sb_puts(&sh->sh_out[0], "\b \b");
		break;
	case 0x15:		/* ^U */
		while (sh->sh_len > 0) {
			sh->sh_len--;
			sb_puts(&sh->sh_out[0], "\b \b");
		}
		break;
	case 0x17:		/* ^W */
		while (sh->sh_len > 0 && sh->sh_line[sh->sh_len - 1] == ' ') {
			sh->sh_len--;
			sb_puts(&sh->sh_out[0], "\b \b");
		}
		while (sh->sh_len > 0 && sh->sh_line[sh->sh_len - 1] != ' ') {
			sh->sh_len--;
			sb_puts(&sh->sh_out[0], "\b \b");
		}
		break;
	case 0x0c:		/* ^L */
		sb_puts(&sh->sh_out[0], "\033[H\033[2J");
		editor_redraw(sh);
		break;
	case 0x1b:
		sh->sh_esc = 1;
		break;
	case '\t':
		sb_puts(&sh->sh_out[0], "\a");
		break;
	default:
		if (c < 0x20)
			break;
		if (sh->sh_len >= SHELL_LINE_MAX - 1) {
			sb_puts(&sh->sh_out[0], "\a");
			break;
		}
		sh->sh_line[sh->sh_len++] = (char)c;
		sb_add(&sh->sh_out[0], &c, 1);
		break;
	}
	sh->sh_line[sh->sh_len] = '\0';
}

/* Parsing. */

static int
is_name(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || (!isalpha((unsigned char)s[0]) && s[0] != '_'))
		return (0);
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return (0);
	return (1);
}

static int
lex_push(struct lexer *lx, enum tok_type type)
{
	struct token	*t;

	if (lx->lx_ntoks >= TOK_MAX) {
		lx->lx_err = "too many words";
		return (-1);
	}
	t = &lx->lx_toks[lx->lx_ntoks++];
	memset(t, 0, sizeof(*t));
	t->t_type = type;
	return (0);
}

static int
lex_word_end(struct lexer *lx)
{
	struct token	*t;

	if (!lx->lx_inword)
		return (0);
	if (lex_push(lx, T_WORD) == -1)
		return (-1);
	t = &lx->lx_toks[lx->lx_ntoks - 1];
	if ((t->t_word = malloc(lx->lx_word.sb_len + 1)) == NULL) {
		lx->lx_ntoks--;
		lx->lx_err = "out of memory";
		return (-1);
	}
	if (lx->lx_word.sb_len > 0)
		memcpy(t->t_word, lx->lx_word.sb_buf, lx->lx_word.sb_len);
	t->t_word[lx->lx_word.sb_len] = '\0';
	t->t_len = lx->lx_word.sb_len;
	lx->lx_word.sb_len = 0;
	lx->lx_inword = 0;
	lx->lx_quoted = 0;
	return (0);
}

/*
 * $(...) or `...`: the text between from and to runs as a nested command
 * line and its output, less trailing newlines, joins the word.
 */
static int
lex_subst(struct lexer *lx, size_t from, size_t to)
{
	struct shell	*sh = lx->lx_sh;
	struct sbuf	 out;
	struct cmd_io	 io;

	lx->lx_inword = 1;
	if (lx->lx_noexec || sh->sh_depth >= SHELL_DEPTH_MAX)
		return (0);
	sb_init(&out, WORD_MAX);
	io.io_in = NULL;
	io.io_inlen = 0;
	io.io_out = &out;
	io.io_err = lx->lx_io->io_err;
	io.io_tty = 0;
	sh->sh_depth++;
	sh->sh_status = shell_run(sh, lx->lx_s + from, to - from, &io);
	sh->sh_depth--;
	while (out.sb_len > 0 && out.sb_buf[out.sb_len - 1] == '\n')
		out.sb_len--;
	sb_add(&lx->lx_word, out.sb_buf, out.sb_len);
	sb_free(&out);
	return (0);
}

/* After a '$' outside single quotes. */
static int
lex_dollar(struct lexer *lx)
{
	struct shell	*sh = lx->lx_sh;
	const char	*s = lx->lx_s, *v;
	char		 name[65], num[16];
	size_t		 i = lx->lx_i, start, depth;

	if (i >= lx->lx_len) {
		sb_add(&lx->lx_word, "$", 1);
		lx->lx_inword = 1;
		return (0);
	}
	if (s[i] == '(') {
		start = i + 1;
		for (depth = 1, i = start; i < lx->lx_len; i++) {
			if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && --depth == 0)
				break;
		}
		if (i >= lx->lx_len) {
			lx->lx_err = "unexpected EOF while looking for "
			    "matching `)'";
			return (-1);
		}
		lx->lx_i = i + 1;
		return (lex_subst(lx, start, i));
	}
	lx->lx_inword = 1;
	if (s[i] == '{') {
		start = ++i;
		while (i < lx->lx_len && s[i] != '}')
			i++;
		if (i >= lx->lx_len) {
			lx->lx_err = "unexpected EOF while looking for "
			    "matching `}'";
			return (-1);
		}
		lx->lx_i = i + 1;
	} else if (strchr("?$#0!-@*123456789", s[i]) != NULL) {
		start = i;
		lx->lx_i = ++i;
	} else if (isalpha((unsigned char)s[i]) || s[i] == '_') {
		start = i;
		while (i < lx->lx_len && (isalnum((unsigned char)s[i]) ||
		    s[i] == '_'))
			i++;
		lx->lx_i = i;
	} else {
		sb_add(&lx->lx_word, "$", 1);
		return (0);
	}
	if (i - start >= sizeof(name))
		return (0);
	memcpy(name, s + start, i - start);
	name[i - start] = '\0';
	v = NULL;
	if (strcmp(name, "?") == 0) {
		(void)snprintf(num, sizeof(num), "%d", sh->sh_status);
		v = num;
	} else if (strcmp(name, "$") == 0) {
		(void)snprintf(num, sizeof(num), "%u", sh->sh_pid);
		v = num;
	} else if (strcmp(name, "#") == 0)
		v = "0";
	else if (strcmp(name, "0") == 0)
		v = "-bash";
	else if (strcmp(name, "HOME") == 0)
		v = sh->sh_home;
	else if (strcmp(name, "PWD") == 0)
		v = sh->sh_cwd;
	else if (strcmp(name, "OLDPWD") == 0)
		v = sh->sh_oldpwd;
	else if (strcmp(name, "USER") == 0 || strcmp(name, "LOGNAME") == 0)
		v = sh->sh_user;
	else if (strcmp(name, "HOSTNAME") == 0)
		v = sh->sh_conf->sc_hostname;
	else if (strcmp(name, "TERM") == 0)
		v = sh->sh_term;
	else if (strcmp(name, "UID") == 0 || strcmp(name, "EUID") == 0) {
		(void)snprintf(num, sizeof(num), "%u", sh->sh_uid);
		v = num;
	} else if (strcmp(name, "RANDOM") == 0) {
		(void)snprintf(num, sizeof(num), "%d", (int)arc4random_uniform(
		    32768));
		v = num;
	} else
		v = shell_getvar(sh, name);
	if (v != NULL)
		sb_puts(&lx->lx_word, v);
	return (0);
}

/* Split a command line into tokens; -1 with lx_err on a syntax error. */
static int
lex(struct lexer *lx)
{
	const char	*s = lx->lx_s;
	struct token	*t;
	size_t		 start;
	char		 c;
	int		 fd;

	while (lx->lx_i < lx->lx_len) {
		if (lx->lx_word.sb_full) {
			lx->lx_err = "word too long";
			return (-1);
		}
		c = s[lx->lx_i++];
		switch (c) {
		case ' ':
		case '\t':
		case '\r':
			if (lex_word_end(lx) == -1)
				return (-1);
			break;
		case '\n':
			/*
			 * A newline ends a command, unless nothing came before
			 * or an operator still wants its right-hand side.
			 */
			if (lex_word_end(lx) == -1)
				return (-1);
			if (lx->lx_ntoks == 0 ||
			    lx->lx_toks[lx->lx_ntoks - 1].t_type != T_WORD)
				break;
			return (lex_push(lx, T_SEMI));
		case ';':
			if (lex_word_end(lx) == -1)
				return (-1);
			return (lex_push(lx, T_SEMI));
		case '#':
			if (lx->lx_inword) {
				sb_add(&lx->lx_word, &c, 1);
				break;
			}
			/* A comment, to the end of the line. */
			while (lx->lx_i < lx->lx_len && s[lx->lx_i] != '\n')
				lx->lx_i++;
			break;
		case '&':
		case '|':
			if (lex_word_end(lx) == -1)
				return (-1);
			if (lx->lx_i < lx->lx_len && s[lx->lx_i] == c) {
				lx->lx_i++;
				return (lex_push(lx, c == '&' ? T_AND : T_OR));
			} else if (c == '&' && lx->lx_i < lx->lx_len &&
			    s[lx->lx_i] == '>') {
				lx->lx_i++;
				if (lex_push(lx, T_REDIR) == -1)
					return (-1);
				t = &lx->lx_toks[lx->lx_ntoks - 1];
				t->t_fd = 1;
				t->t_mode = R_BOTH;
			} else {
				if (c == '|' && lx->lx_i < lx->lx_len &&
				    s[lx->lx_i] == '&')
					lx->lx_i++;
				if (c == '&')
					return (lex_push(lx, T_BG));
				if (lex_push(lx, T_PIPE) == -1)
					return (-1);
			}
			break;
		case '>':
		case '<':
			/* "2>": a lone unquoted digit just before is the fd. */
			fd = c == '>' ? 1 : 0;
			if (lx->lx_inword && !lx->lx_quoted &&
			    lx->lx_word.sb_len == 1 &&
			    isdigit((unsigned char)lx->lx_word.sb_buf[0])) {
				fd = lx->lx_word.sb_buf[0] - '0';
				lx->lx_word.sb_len = 0;
				lx->lx_inword = 0;
			} else if (lex_word_end(lx) == -1)
				return (-1);
			if (lex_push(lx, T_REDIR) == -1)
				return (-1);
			t = &lx->lx_toks[lx->lx_ntoks - 1];
			t->t_fd = fd;
			t->t_mode = c == '>' ? R_OUT : R_IN;
			if (c == '>' && lx->lx_i < lx->lx_len &&
			    s[lx->lx_i] == '>') {
				lx->lx_i++;
				t->t_mode = R_APPEND;
			} else if (c == '>' && lx->lx_i + 1 < lx->lx_len &&
			    s[lx->lx_i] == '&' &&
			    isdigit((unsigned char)s[lx->lx_i + 1])) {
				t->t_mode = R_DUP;
				t->t_dupfd = s[lx->lx_i + 1] - '0';
				lx->lx_i += 2;
			}
			break;
		case '\\':
			lx->lx_inword = 1;
			if (lx->lx_i < lx->lx_len) {
				c = s[lx->lx_i++];
				if (c != '\n')
					sb_add(&lx->lx_word, &c, 1);
			}
			break;
		case '\'':
			lx->lx_inword = lx->lx_quoted = 1;
			start = lx->lx_i;
			while (lx->lx_i < lx->lx_len && s[lx->lx_i] != '\'')
				lx->lx_i++;
			if (lx->lx_i >= lx->lx_len) {
				lx->lx_err = "unexpected EOF while looking for "
				    "matching `''";
				return (-1);
			}
			sb_add(&lx->lx_word, s + start, lx->lx_i - start);
			lx->lx_i++;
			break;
		case '"':
			lx->lx_inword = lx->lx_quoted = 1;
			for (;;) {
				if (lx->lx_i >= lx->lx_len) {
					lx->lx_err = "unexpected EOF while "
					    "looking for matching `\"'";
					return (-1);
				}
				c = s[lx->lx_i++];
				if (c == '"')
					break;
				if (c == '\\' && lx->lx_i < lx->lx_len &&
				    strchr("$`\"\\\n", s[lx->lx_i]) != NULL) {
					c = s[lx->lx_i++];
					if (c != '\n')
						sb_add(&lx->lx_word, &c, 1);
				} else if (c == '$') {
					if (lex_dollar(lx) == -1)
						return (-1);
				} else if (c == '`') {
					start = lx->lx_i;
					while (lx->lx_i < lx->lx_len &&
					    s[lx->lx_i] != '`')
						lx->lx_i++;
					if (lx->lx_i >= lx->lx_len) {
						lx->lx_err = "unexpected EOF "
						    "while looking for "
						    "matching ``'";
						return (-1);
					}
					if (lex_subst(lx, start, lx->lx_i++) ==
					    -1)
						return (-1);
				} else
					sb_add(&lx->lx_word, &c, 1);
			}
			break;
		case '$':
			if (lex_dollar(lx) == -1)
				return (-1);
			break;
		case '`':
			start = lx->lx_i;
			while (lx->lx_i < lx->lx_len && s[lx->lx_i] != '`')
				lx->lx_i++;
			if (lx->lx_i >= lx->lx_len) {
				lx->lx_err = "unexpected EOF while looking for "
				    "matching ``'";
				return (-1);
			}
			if (lex_subst(lx, start, lx->lx_i++) == -1)
				return (-1);
			break;
		default:
			lx->lx_inword = 1;
			sb_add(&lx->lx_word, &c, 1);
			break;
		}
	}
	return (lex_word_end(lx));
}

static int
syntax_error(struct shell *sh, struct cmd_io *io, const char *msg)
{
	(void)sh;
	sb_printf(io->io_err, "bash: %s\n", msg);
	return (2);
}

static const char *
tok_text(const struct token *t)
{
	switch (t->t_type) {
	case T_SEMI:
		return (";");
	case T_AND:
		return ("&&");
	case T_OR:
		return ("||");
	case T_PIPE:
		return ("|");
	case T_BG:
		return ("&");
	case T_REDIR:
		return ("newline");
	default:
		return (t->t_word);
	}
}

/*
 * One pipeline's tokens, without the separator that ended it, into
 * simple commands.  -1 with a bash-like message on a syntax error.
 */
static int
parse_pipeline(struct token *toks, size_t ntoks, struct simple *cmds,
    int *ncmds, char *msg, size_t msgsize)
{
	struct simple	*c = &cmds[0];
	struct token	*t;
	struct redir	*r;
	size_t		 i;

	memset(c, 0, sizeof(*c));
	*ncmds = 1;
	for (i = 0; i < ntoks; i++) {
		t = &toks[i];
		if (t->t_type == T_WORD) {
			if (c->s_argc < ARGV_MAX)
				c->s_argv[c->s_argc++] = t->t_word;
			continue;
		}
		if (t->t_type == T_REDIR) {
			if (t->t_mode != R_DUP && (i + 1 >= ntoks ||
			    toks[i + 1].t_type != T_WORD)) {
				(void)snprintf(msg, msgsize, "syntax error near "
				    "unexpected token `%s'", i + 1 < ntoks ?
				    tok_text(&toks[i + 1]) : "newline");
				return (-1);
			}
			if (c->s_nredir < REDIR_MAX) {
				r = &c->s_redir[c->s_nredir++];
				r->r_fd = t->t_fd;
				r->r_mode = t->t_mode;
				r->r_dupfd = t->t_dupfd;
				r->r_target = t->t_mode == R_DUP ? NULL :
				    toks[i + 1].t_word;
			}
			if (t->t_mode != R_DUP)
				i++;
			continue;
		}
		/* A pipe: the command before it must not be empty. */
		if (c->s_argc == 0 && c->s_nredir == 0) {
			(void)snprintf(msg, msgsize, "syntax error near "
			    "unexpected token `%s'", tok_text(t));
			return (-1);
		}
		if (*ncmds == PIPE_MAX) {
			(void)snprintf(msg, msgsize, "too many commands");
			return (-1);
		}
		c = &cmds[(*ncmds)++];
		memset(c, 0, sizeof(*c));
	}
	if (c->s_argc == 0 && c->s_nredir == 0 && *ncmds > 1) {
		(void)snprintf(msg, msgsize, "syntax error: unexpected end of "
		    "file");
		return (-1);
	}
	return (0);
}

/*
 * Go through a command line one pipeline at a time: lex it (which
 * expands $VAR and runs $(...)), then run it, so that "cd /tmp; echo
 * $PWD" and "false; echo $?" see what ran before.  With check set
 * nothing runs: bash refuses a line with a syntax error as a whole, so
 * the line is checked first.  Returns the last status, or 2 with the
 * message on a syntax error; when checking, 0 or -1.
 */
static int
run_list(struct shell *sh, const char *line, size_t len, struct cmd_io *io,
    struct simple *cmds, int check)
{
	struct lexer	 lx;
	struct token	*last;
	enum tok_type	 sep = T_SEMI;
	char		 msg[128];
	size_t		 i, n;
	int		 ncmds, skip = 0, status = sh->sh_status, r = 0;

	memset(&lx, 0, sizeof(lx));
	lx.lx_sh = sh;
	lx.lx_io = io;
	lx.lx_s = line;
	lx.lx_len = len;
	lx.lx_noexec = check;
	sb_init(&lx.lx_word, WORD_MAX);
	if ((lx.lx_toks = calloc(TOK_MAX, sizeof(*lx.lx_toks))) == NULL)
		return (1);
	while (lx.lx_i < lx.lx_len && !sh->sh_exit) {
		for (i = 0; i < lx.lx_ntoks; i++)
			free(lx.lx_toks[i].t_word);
		lx.lx_ntoks = 0;
		lx.lx_noexec = check || skip;
		if (lex(&lx) == -1) {
			if (strncmp(lx.lx_err, "unexpected EOF", 14) == 0) {
				sb_printf(io->io_err, "bash: %s\n", lx.lx_err);
				r = syntax_error(sh, io,
				    "syntax error: unexpected end of file");
			} else
				r = syntax_error(sh, io, lx.lx_err);
			break;
		}
		if ((n = lx.lx_ntoks) == 0)
			break;
		last = &lx.lx_toks[n - 1];
		sep = T_SEMI;
		if (last->t_type == T_SEMI || last->t_type == T_AND ||
		    last->t_type == T_OR || last->t_type == T_BG) {
			sep = last->t_type;
			n--;
			if (n == 0) {
				(void)snprintf(msg, sizeof(msg), "syntax error "
				    "near unexpected token `%s'",
				    tok_text(last));
				r = syntax_error(sh, io, msg);
				break;
			}
		}
		if (parse_pipeline(lx.lx_toks, n, cmds, &ncmds, msg,
		    sizeof(msg)) == -1) {
			r = syntax_error(sh, io, msg);
			break;
		}
		if (!check && !skip)
			status = sh->sh_status = exec_pipeline(sh, cmds,
			    ncmds, io);
		if (sep == T_AND)
			skip = status != 0;
		else if (sep == T_OR)
			skip = status == 0;
		else
			skip = 0;
	}
	/* "a &&" at the very end wants more input than there is. */
	if (r == 0 && check && (sep == T_AND || sep == T_OR) &&
	    lx.lx_i >= lx.lx_len)
		r = syntax_error(sh, io, "syntax error: unexpected end of file");
	for (i = 0; i < lx.lx_ntoks; i++)
		free(lx.lx_toks[i].t_word);
	free(lx.lx_toks);
	sb_free(&lx.lx_word);
	if (check)
		return (r != 0 ? -1 : 0);
	return (r != 0 ? r : status);
}

/*
 * Parse and run a command line; its output goes to io.  Returns the exit
 * status of the last pipeline that ran.
 */
int
shell_run(struct shell *sh, const char *line, size_t len, struct cmd_io *io)
{
	struct simple	*cmds;
	int		 status;

	if ((cmds = calloc(PIPE_MAX, sizeof(*cmds))) == NULL)
		return (1);
	if (run_list(sh, line, len, io, cmds, 1) == -1) {
		free(cmds);
		return (2);
	}
	status = run_list(sh, line, len, io, cmds, 0);
	free(cmds);
	return (status);
}

/* Each command's output is the next one's input; the last writes to io. */
static int
exec_pipeline(struct shell *sh, struct simple *cmds, int ncmds,
    struct cmd_io *io)
{
	struct sbuf	 pipebuf[2];
	struct cmd_io	 cio;
	int		 k, status = 0, cur = 0;

	sb_init(&pipebuf[0], SHELL_CMD_OUT_MAX);
	sb_init(&pipebuf[1], SHELL_CMD_OUT_MAX);
	for (k = 0; k < ncmds && !sh->sh_exit; k++) {
		cio.io_err = io->io_err;
		if (k == 0) {
			cio.io_in = io->io_in;
			cio.io_inlen = io->io_inlen;
		} else {
			cio.io_in = pipebuf[cur].sb_buf != NULL ?
			    pipebuf[cur].sb_buf : "";
			cio.io_inlen = pipebuf[cur].sb_len;
		}
		cio.io_tty = 0;
		if (k == ncmds - 1) {
			cio.io_out = io->io_out;
			cio.io_tty = io->io_tty;
		} else {
			pipebuf[!cur].sb_len = 0;
			pipebuf[!cur].sb_full = 0;
			cio.io_out = &pipebuf[!cur];
		}
		status = exec_simple(sh, &cmds[k], &cio);
		cur = !cur;
	}
	sb_free(&pipebuf[0]);
	sb_free(&pipebuf[1]);
	return (status);
}

/* "> file": the fakefs gets what the command printed. */
static int
redirect_out(struct shell *sh, const char *target, struct sbuf *sb,
    int append, struct cmd_io *io)
{
	char		 path[FS_PATH_MAX], dir[FS_PATH_MAX];
	struct fs_node	*n;

	if (strcmp(target, "/dev/null") == 0 || strcmp(target, "/dev/zero") ==
	    0)
		return (0);
	if (strcmp(target, "/dev/stdout") == 0 || strcmp(target,
	    "/dev/tty") == 0) {
		sb_add(io->io_out, sb->sb_buf, sb->sb_len);
		return (0);
	}
	if (strcmp(target, "/dev/stderr") == 0) {
		sb_add(io->io_err, sb->sb_buf, sb->sb_len);
		return (0);
	}
	if (target[0] == '\0') {
		sb_puts(io->io_err, "bash: : No such file or directory\n");
		return (1);
	}
	if (fs_resolve(sh->sh_cwd, sh->sh_home, target, path,
	    sizeof(path)) == -1) {
		sb_printf(io->io_err, "bash: %s: File name too long\n", target);
		return (1);
	}
	if ((n = fs_lookup(sh->sh_fs, path)) == NULL) {
		if (fs_lookup(sh->sh_fs, fs_parent(path, dir, sizeof(dir))) ==
		    NULL) {
			sb_printf(io->io_err,
			    "bash: %s: No such file or directory\n", target);
			return (1);
		}
		if (sh->sh_uid != 0 && strncmp(path, "/tmp/", 5) != 0 &&
		    strncmp(path, sh->sh_home, strlen(sh->sh_home)) != 0) {
			sb_printf(io->io_err, "bash: %s: Permission denied\n",
			    target);
			return (1);
		}
		n = fs_add(sh->sh_fs, path, S_IFREG | 0644, sh->sh_uid,
		    sh->sh_gid, time(NULL), "", 0);
	}
	if (n == NULL || S_ISDIR(n->fn_mode)) {
		sb_printf(io->io_err, "bash: %s: Is a directory\n", target);
		return (1);
	}
	n->fn_mtime = time(NULL);
	if (fs_write(sh->sh_fs, n, sb->sb_buf, sb->sb_len, append) == -1) {
		sb_printf(io->io_err, "bash: echo: write error: "
		    "No space left on device\n");
		return (1);
	}
	return (0);
}

/* A program named by its path, or a script the attacker wrote. */
static int
exec_path(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	char		 path[FS_PATH_MAX];
	struct fs_node	*n;
	cmd_fn		 fn;
	char		*copy;
	size_t		 len;
	int		 status;

	if (fs_resolve(sh->sh_cwd, sh->sh_home, argv[0], path,
	    sizeof(path)) == -1 || (n = fs_lookup(sh->sh_fs, path)) == NULL) {
		sb_printf(io->io_err, "bash: %s: No such file or directory\n",
		    argv[0]);
		return (127);
	}
	if (S_ISDIR(n->fn_mode)) {
		sb_printf(io->io_err, "bash: %s: Is a directory\n", argv[0]);
		return (126);
	}
	if (!n->fn_user && (fn = cmd_lookup(n->fn_name)) != NULL)
		return (fn(sh, argc, argv, io));
	if ((n->fn_mode & 0111) == 0) {
		sb_printf(io->io_err, "bash: %s: Permission denied\n", argv[0]);
		return (126);
	}
	if (n->fn_data == NULL || memchr(n->fn_data, '\0', n->fn_len) !=
	    NULL || (n->fn_len >= 4 && memcmp(n->fn_data, "\177ELF", 4) == 0)) {
		sb_printf(io->io_err, "bash: %s: cannot execute binary file\n",
		    argv[0]);
		return (126);
	}
	if (sh->sh_depth >= SHELL_DEPTH_MAX)
		return (0);
	/* The script may rewrite its own file while it runs. */
	if ((copy = malloc(n->fn_len + 1)) == NULL)
		return (1);
	memcpy(copy, n->fn_data, n->fn_len);
	copy[n->fn_len] = '\0';
	len = n->fn_len;
	sh->sh_depth++;
	status = shell_run(sh, copy, len, io);
	sh->sh_depth--;
	free(copy);
	return (status);
}

/* A program the filesystem has, though no command of ours plays it. */
static int
in_path(struct shell *sh, const char *name)
{
	static const char *const dirs[] = { "/usr/local/sbin",
	    "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin", NULL };
	const char *const *d;
	struct fs_node	*n;
	char		 path[FS_PATH_MAX];

	for (d = dirs; *d != NULL; d++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", *d, name) >=
		    sizeof(path))
			return (0);
		if ((n = fs_lookup(sh->sh_fs, path)) != NULL &&
		    S_ISREG(n->fn_mode) && !n->fn_user)
			return (1);
	}
	return (0);
}

/* Keywords that lead a command (lead) or stand for a whole one. */
static int
is_keyword(const char *w, int lead)
{
	static const char *const leading[] = { "if", "then", "else", "elif",
	    "do", "while", "until", "!", "time", NULL };
	static const char *const whole[] = { "fi", "done", "esac", "for",
	    "case", "function", "{", "}", "select", NULL };
	const char *const *k;

	for (k = lead ? leading : whole; *k != NULL; k++)
		if (strcmp(w, *k) == 0)
			return (1);
	return (0);
}

static int
exec_simple(struct shell *sh, struct simple *c, struct cmd_io *io)
{
	struct sbuf	 out, err;
	struct cmd_io	 cio;
	struct fs_node	*n;
	char		 path[FS_PATH_MAX];
	const char	*eq;
	cmd_fn		 fn;
	int		 i, start, first, status, outto = -1, errto = -1;
	int		 errdup = 0, outapp = 0, errapp = 0, bothdup = 0;

	cio = *io;
	/* Redirections first, as bash opens them before running. */
	for (i = 0; i < c->s_nredir; i++) {
		struct redir *r = &c->s_redir[i];

		switch (r->r_mode) {
		case R_IN:
			if (strcmp(r->r_target, "/dev/null") == 0) {
				cio.io_in = "";
				cio.io_inlen = 0;
				break;
			}
			if (fs_resolve(sh->sh_cwd, sh->sh_home, r->r_target,
			    path, sizeof(path)) == -1 ||
			    (n = fs_lookup(sh->sh_fs, path)) == NULL) {
				sb_printf(io->io_err, "bash: %s: No such file "
				    "or directory\n", r->r_target);
				return (1);
			}
			cio.io_in = n->fn_data != NULL ? n->fn_data : "";
			cio.io_inlen = n->fn_data != NULL ? n->fn_len : 0;
			break;
		case R_DUP:
			if (r->r_fd == 2 && r->r_dupfd == 1)
				errdup = 1;
			break;
		case R_BOTH:
			outto = i;
			bothdup = 1;
			break;
		case R_OUT:
		case R_APPEND:
			if (r->r_fd == 2) {
				errto = i;
				errapp = r->r_mode == R_APPEND;
			} else if (r->r_fd == 1) {
				outto = i;
				outapp = r->r_mode == R_APPEND;
			}
			break;
		}
	}
	sb_init(&out, SHELL_CMD_OUT_MAX);
	sb_init(&err, SHELL_CMD_OUT_MAX);
	if (outto != -1) {
		cio.io_out = &out;
		cio.io_tty = 0;
	}
	if (errto != -1)
		cio.io_err = &err;
	if (errdup || bothdup)
		cio.io_err = cio.io_out;

	/*
	 * Compound commands are beyond us; rather than "command not found",
	 * which no bash says, their keywords are passed over, so that the
	 * usual "if [ -f x ]; then ...; fi" does something plausible.
	 */
	for (start = 0; start < c->s_argc && is_keyword(c->s_argv[start], 1);
	    start++)
		;
	/* Leading NAME=value words set variables. */
	for (first = start; first < c->s_argc; first++) {
		if ((eq = strchr(c->s_argv[first], '=')) == NULL ||
		    !is_name(c->s_argv[first], (size_t)(eq - c->s_argv[first])))
			break;
	}
	status = 0;
	if (first < c->s_argc && is_keyword(c->s_argv[first], 0))
		;
	else if (first == c->s_argc) {
		for (i = start; i < c->s_argc; i++) {
			eq = strchr(c->s_argv[i], '=');
			c->s_argv[i][eq - c->s_argv[i]] = '\0';
			(void)shell_setvar(sh, c->s_argv[i], eq + 1);
		}
	} else if (strchr(c->s_argv[first], '/') != NULL)
		status = exec_path(sh, c->s_argc - first, c->s_argv + first,
		    &cio);
	else if ((fn = cmd_lookup(c->s_argv[first])) != NULL)
		status = fn(sh, c->s_argc - first, c->s_argv + first, &cio);
	else if (in_path(sh, c->s_argv[first]))
		status = 0;	/* a program we do not play: it says nothing */
	else {
		cmd_not_found(sh, c->s_argv[first], &cio);
		status = 127;
	}
	if (outto != -1 && redirect_out(sh, c->s_redir[outto].r_target, &out,
	    outapp, io) != 0)
		status = 1;
	if (errto != -1 && !errdup && !bothdup &&
	    redirect_out(sh, c->s_redir[errto].r_target, &err, errapp,
	    io) != 0)
		status = 1;
	sb_free(&out);
	sb_free(&err);
	return (status);
}
