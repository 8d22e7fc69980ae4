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
 * The fake shell behind the SSH service: a line editor for terminals, a
 * small bash-like parser and a set of commands that read and change only
 * the session's fakefs.  It knows nothing of SSH: bytes go in through
 * shell_input() or shell_exec(), output collects in two bounded buffers
 * that the caller drains, and what the attacker typed becomes events.
 */

#ifndef HS_SSH_SHELL_H
#define HS_SSH_SHELL_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "fakefs.h"

#define SHELL_LINE_MAX		4096	/* longest command line kept */
#define SHELL_EXEC_MAX		65536	/* longest "ssh host cmd" run */
#define SHELL_OUT_MAX		1048576	/* output waiting for the client */
#define SHELL_CMD_OUT_MAX	262144	/* output of one command or pipe */
#define SHELL_VARS_MAX		64
#define SHELL_HIST_MAX		100
#define SHELL_DEPTH_MAX		3	/* nested $(...) and sh -c */
#define SHELL_LINES_MAX		10000	/* command lines in one session */

/* What the machine claims to be; every string is an option. */
struct shell_conf {
	const char	*sc_hostname;
	const char	*sc_release;	/* uname -r */
	const char	*sc_version;	/* uname -v */
	const char	*sc_machine;	/* uname -m */
	const char	*sc_issue;	/* /etc/issue, lsb */
	const char	*sc_motd;	/* NULL: one made from the above */
	const char	*sc_src;	/* client address, for w and last */
	const char	*sc_addr;	/* our address, for ifconfig */
	time_t		 sc_boot;	/* when the machine "booted" */
};

/* A growable buffer that stops growing at a limit and says so. */
struct sbuf {
	char	*sb_buf;
	size_t	 sb_len;
	size_t	 sb_cap;
	size_t	 sb_max;
	int	 sb_full;
};

enum shell_mode {
	SHELL_INTERACTIVE,		/* a terminal: echo, prompt, editing */
	SHELL_SCRIPT,			/* a shell without a terminal */
	SHELL_EXEC			/* one command from "ssh host cmd" */
};

struct shell_var {
	char	*sv_name;
	char	*sv_value;
};

struct shell {
	const struct shell_conf	*sh_conf;
	struct fakefs		*sh_fs;
	enum shell_mode		 sh_mode;
	int			 sh_pty;	/* output goes to a terminal */
	char			 sh_user[33];
	unsigned int		 sh_uid;
	unsigned int		 sh_gid;
	char			 sh_home[64];
	char			 sh_cwd[FS_PATH_MAX];
	char			 sh_oldpwd[FS_PATH_MAX];
	char			 sh_term[32];
	int			 sh_cols;
	int			 sh_rows;
	int			 sh_status;	/* $? */
	int			 sh_exit;	/* the shell has ended */
	unsigned int		 sh_pid;	/* bash's pid, for $$ and ps */
	unsigned long		 sh_lineno;
	unsigned long		 sh_nlines;
	int			 sh_depth;

	/* Line editor. */
	char			 sh_line[SHELL_LINE_MAX];
	size_t			 sh_len;
	size_t			 sh_full;	/* sh_len before the cut */
	int			 sh_esc;	/* escape sequence state */
	int			 sh_lastcr;
	char			*sh_hist[SHELL_HIST_MAX];
	size_t			 sh_nhist;
	size_t			 sh_histpos;

	struct shell_var	 sh_vars[SHELL_VARS_MAX];
	size_t			 sh_nvars;

	/* Waiting for the client: stdout and stderr. */
	struct sbuf		 sh_out[2];
};

/* Where a command reads and writes: pipes and redirections decide. */
struct cmd_io {
	const char	*io_in;		/* NULL: a terminal, nothing to read */
	size_t		 io_inlen;
	struct sbuf	*io_out;
	struct sbuf	*io_err;
	int		 io_tty;	/* io_out is the terminal */
};

typedef int	 (*cmd_fn)(struct shell *, int, char **, struct cmd_io *);

struct shell	*shell_new(const struct shell_conf *, const char *,
		    enum shell_mode);
void		 shell_free(struct shell *);
void		 shell_set_term(struct shell *, const char *, int, int);
void		 shell_start(struct shell *);
void		 shell_input(struct shell *, const void *, size_t);
void		 shell_eof(struct shell *);
void		 shell_exec(struct shell *, const char *, size_t);
int		 shell_run(struct shell *, const char *, size_t, struct cmd_io *);

/* shell.c: output. */
void		 sb_init(struct sbuf *, size_t);
void		 sb_free(struct sbuf *);
void		 sb_add(struct sbuf *, const void *, size_t);
void		 sb_puts(struct sbuf *, const char *);
void		 sb_printf(struct sbuf *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
void		 sb_consume(struct sbuf *, size_t);
const char	*shell_getvar(struct shell *, const char *);
int		 shell_setvar(struct shell *, const char *, const char *);
void		 shell_unsetvar(struct shell *, const char *);

/* Attacker text for an event field, cut to fit an event line. */
#define SHELL_FIELD_MAX		12000
void		 shell_event_text(json_t *, const char *, const void *,
		    size_t);
void		 shell_emit_input(struct shell *, const char *,
		    const char *, size_t, size_t);

/* cmds.c: the commands. */
cmd_fn		 cmd_lookup(const char *);
int		 cmd_known(const char *);
void		 cmd_not_found(struct shell *, const char *, struct cmd_io *);

/* fscontent.c: what the filesystem holds at login. */
int		 fs_populate(struct fakefs *, const struct shell_conf *,
		    const char *, unsigned int, const char *);

#endif /* HS_SSH_SHELL_H */
