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
 * cmds: what the fake shell can run.  Each command answers the way the
 * real one on Ubuntu 12.04 does, reading and changing only the session's
 * fakefs; downloaders record what they were asked to fetch and fetch
 * nothing.
 */

#include <sys/param.h>
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "svc.h"
#include "shell.h"

#define OPERANDS_MAX	256
#define LS_MAX		1024

struct args {
	char	 a_flag[128];		/* single-letter options seen */
	char	*a_val[128];		/* their values, for those that take one */
	char	*a_op[OPERANDS_MAX];	/* operands, in order */
	int	 a_nop;
	const char *a_long;		/* the first --long option */
};

struct cmd {
	const char	*c_name;
	cmd_fn		 c_fn;
};

struct ls_ent {
	struct fs_node	*le_node;
	const char	*le_name;
};

struct proc_ent {
	const char	*p_user;
	unsigned int	 p_pid;
	unsigned int	 p_ppid;
	unsigned int	 p_vsz;
	unsigned int	 p_rss;
	const char	*p_stat;
	const char	*p_cmd;
};

static void	 args_parse(int, char **, const char *, struct args *);
static struct fs_node *arg_node(struct shell *, const char *, char *);
static int	 may_read(struct shell *, const char *);
static const char *uid_name(struct shell *, unsigned int);
static void	 human(char *, size_t, size_t);
static size_t	 unescape(const char *, char *, size_t, int, int *);
static void	 fmt_uptime(struct shell *, struct sbuf *);
static void	 ls_long(struct shell *, struct ls_ent *, size_t, int,
		    struct sbuf *);
static void	 ls_short(struct shell *, struct ls_ent *, size_t,
		    struct cmd_io *);
static void	 ls_mode(mode_t, char *);
static int	 url_host(const char *, char *, size_t, int *);
static void	 download_event(struct shell *, const char *, const char *);
static int	 run_text(struct shell *, const char *, size_t,
		    struct cmd_io *);
static const char *input_of(struct cmd_io *, size_t *);
static int	 cat_file(struct shell *, const char *, const char *,
		    struct cmd_io *, const char **, size_t *);

static int	 cmd_apt(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_awk(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_busybox(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_cat(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_cd(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_chmod(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_chown(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_clear(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_cp(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_crontab(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_curl(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_cut(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_date(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_df(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_echo(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_env(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_exit(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_export(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_false(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_free(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_grep(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_head(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_history(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_hostname(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_id(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_ifconfig(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_ls(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_lscpu(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_mkdir(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_mv(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_nohup(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_nproc(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_passwd(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_printf(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_ps(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_pwd(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_rm(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_sh(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_source(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_sudo(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_tail(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_test(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_top(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_touch(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_true(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_type(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_uname(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_unset(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_uptime(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_w(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_wc(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_wget(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_which(struct shell *, int, char **, struct cmd_io *);
static int	 cmd_whoami(struct shell *, int, char **, struct cmd_io *);

/* Sorted by name: cmd_lookup() searches it with bsearch(3). */
static const struct cmd cmds[] = {
	{ ".", cmd_source },
	{ ":", cmd_true },
	{ "[", cmd_test },
	{ "apt-get", cmd_apt },
	{ "awk", cmd_awk },
	{ "bash", cmd_sh },
	{ "busybox", cmd_busybox },
	{ "cat", cmd_cat },
	{ "cd", cmd_cd },
	{ "chgrp", cmd_chown },
	{ "chmod", cmd_chmod },
	{ "chown", cmd_chown },
	{ "chpasswd", cmd_true },
	{ "clear", cmd_clear },
	{ "cp", cmd_cp },
	{ "crontab", cmd_crontab },
	{ "curl", cmd_curl },
	{ "cut", cmd_cut },
	{ "dash", cmd_sh },
	{ "date", cmd_date },
	{ "df", cmd_df },
	{ "dmesg", cmd_true },
	{ "echo", cmd_echo },
	{ "egrep", cmd_grep },
	{ "env", cmd_env },
	{ "exit", cmd_exit },
	{ "export", cmd_export },
	{ "false", cmd_false },
	{ "fgrep", cmd_grep },
	{ "free", cmd_free },
	{ "grep", cmd_grep },
	{ "head", cmd_head },
	{ "history", cmd_history },
	{ "hostname", cmd_hostname },
	{ "id", cmd_id },
	{ "ifconfig", cmd_ifconfig },
	{ "kill", cmd_true },
	{ "killall", cmd_true },
	{ "logout", cmd_exit },
	{ "ls", cmd_ls },
	{ "lscpu", cmd_lscpu },
	{ "mkdir", cmd_mkdir },
	{ "mv", cmd_mv },
	{ "nohup", cmd_nohup },
	{ "nproc", cmd_nproc },
	{ "passwd", cmd_passwd },
	{ "perl", cmd_true },
	{ "pkill", cmd_true },
	{ "printenv", cmd_env },
	{ "printf", cmd_printf },
	{ "ps", cmd_ps },
	{ "pwd", cmd_pwd },
	{ "python", cmd_true },
	{ "rm", cmd_rm },
	{ "rmdir", cmd_rm },
	{ "sh", cmd_sh },
	{ "sleep", cmd_true },
	{ "source", cmd_source },
	{ "su", cmd_true },
	{ "sudo", cmd_sudo },
	{ "sync", cmd_true },
	{ "tail", cmd_tail },
	{ "test", cmd_test },
	{ "top", cmd_top },
	{ "touch", cmd_touch },
	{ "true", cmd_true },
	{ "type", cmd_type },
	{ "ulimit", cmd_true },
	{ "uname", cmd_uname },
	{ "unset", cmd_unset },
	{ "uptime", cmd_uptime },
	{ "w", cmd_w },
	{ "wc", cmd_wc },
	{ "wget", cmd_wget },
	{ "which", cmd_which },
	{ "who", cmd_w },
	{ "whoami", cmd_whoami },
};

/* Builtins have no file; the rest must be somewhere in $PATH to run. */
static const char *const builtins[] = {
	".", ":", "[", "cd", "exit", "export", "history", "logout", "source",
	"type", "ulimit", "unset", NULL
};

static const char *const path_dirs[] = {
	"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin",
	"/bin", NULL
};

/* A quiet Ubuntu 12.04 LAMP server, as ps aux would list it. */
static const struct proc_ent procs[] = {
	{ "root", 1, 0, 24448, 2268, "Ss", "/sbin/init" },
	{ "root", 2, 0, 0, 0, "S", "[kthreadd]" },
	{ "root", 3, 2, 0, 0, "S", "[ksoftirqd/0]" },
	{ "root", 6, 2, 0, 0, "S", "[migration/0]" },
	{ "root", 7, 2, 0, 0, "S", "[watchdog/0]" },
	{ "root", 8, 2, 0, 0, "S", "[migration/1]" },
	{ "root", 10, 2, 0, 0, "S", "[ksoftirqd/1]" },
	{ "root", 12, 2, 0, 0, "S", "[watchdog/1]" },
	{ "root", 13, 2, 0, 0, "S<", "[cpuset]" },
	{ "root", 14, 2, 0, 0, "S<", "[khelper]" },
	{ "root", 15, 2, 0, 0, "S", "[kdevtmpfs]" },
	{ "root", 16, 2, 0, 0, "S<", "[netns]" },
	{ "root", 18, 2, 0, 0, "S", "[sync_supers]" },
	{ "root", 19, 2, 0, 0, "S", "[bdi-default]" },
	{ "root", 21, 2, 0, 0, "S<", "[kblockd]" },
	{ "root", 24, 2, 0, 0, "S", "[khubd]" },
	{ "root", 28, 2, 0, 0, "S", "[khungtaskd]" },
	{ "root", 29, 2, 0, 0, "S", "[kswapd0]" },
	{ "root", 30, 2, 0, 0, "SN", "[ksmd]" },
	{ "root", 31, 2, 0, 0, "S", "[fsnotify_mark]" },
	{ "root", 48, 2, 0, 0, "S<", "[kthrotld]" },
	{ "root", 255, 2, 0, 0, "S", "[jbd2/sda1-8]" },
	{ "root", 256, 2, 0, 0, "S<", "[ext4-dio-unwrit]" },
	{ "root", 349, 1, 17236, 636, "S", "upstart-udev-bridge --daemon" },
	{ "root", 352, 1, 21580, 1484, "Ss", "/sbin/udevd --daemon" },
	{ "syslog", 602, 1, 249472, 1520, "Sl",
	    "rsyslogd -c5" },
	{ "102", 611, 1, 23844, 1084, "Ss",
	    "dbus-daemon --system --fork --activation=upstart" },
	{ "root", 655, 1, 49948, 2900, "Ss", "/usr/sbin/sshd -D" },
	{ "root", 760, 1, 15996, 436, "S", "upstart-socket-bridge --daemon" },
	{ "root", 843, 1, 14496, 956, "Ss+", "/sbin/getty -8 38400 tty4" },
	{ "root", 848, 1, 14496, 952, "Ss+", "/sbin/getty -8 38400 tty5" },
	{ "root", 853, 1, 14496, 960, "Ss+", "/sbin/getty -8 38400 tty2" },
	{ "root", 855, 1, 14496, 952, "Ss+", "/sbin/getty -8 38400 tty3" },
	{ "root", 858, 1, 14496, 956, "Ss+", "/sbin/getty -8 38400 tty6" },
	{ "root", 862, 1, 4392, 620, "Ss", "acpid -c /etc/acpi/events -s "
	    "/var/run/acpid.socket" },
	{ "daemon", 864, 1, 16912, 376, "Ss", "atd" },
	{ "root", 866, 1, 19108, 1040, "Ss", "cron" },
	{ "mysql", 890, 1, 492568, 44744, "Ssl", "/usr/sbin/mysqld" },
	{ "whoopsie", 912, 1, 185908, 4436, "Ssl", "whoopsie" },
	{ "root", 1023, 1, 71372, 3196, "Ss", "/usr/sbin/apache2 -k start" },
	{ "www-data", 1026, 1023, 71104, 1948, "S",
	    "/usr/sbin/apache2 -k start" },
	{ "www-data", 1027, 1023, 360536, 2536, "Sl",
	    "/usr/sbin/apache2 -k start" },
	{ "www-data", 1028, 1023, 360536, 2536, "Sl",
	    "/usr/sbin/apache2 -k start" },
	{ "root", 1101, 1, 14496, 956, "Ss+", "/sbin/getty -8 38400 tty1" },
	{ "ntp", 1190, 1, 37708, 2184, "Ss", "/usr/sbin/ntpd -p "
	    "/var/run/ntpd.pid -g -u 107:113" },
};

cmd_fn
cmd_lookup(const char *name)
{
	size_t	 lo = 0, hi = sizeof(cmds) / sizeof(cmds[0]), mid;
	int	 r;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((r = strcmp(name, cmds[mid].c_name)) == 0)
			return (cmds[mid].c_fn);
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (NULL);
}

int
cmd_known(const char *name)
{
	return (cmd_lookup(name) != NULL);
}

void
cmd_not_found(struct shell *sh, const char *name, struct cmd_io *io)
{
	json_t	*ev;

	if (sh->sh_mode == SHELL_SCRIPT)
		sb_printf(io->io_err, "bash: line %lu: %s: command not found\n",
		    sh->sh_lineno, name);
	else
		sb_printf(io->io_err, "bash: %s: command not found\n", name);
	if ((ev = svc_event("honeyspy.command.failed")) != NULL) {
		shell_event_text(ev, "input", name, strlen(name));
		svc_emit(ev);
	}
}

/*
 * GNU-style options: "-abc" anywhere before "--" sets flags a, b and c;
 * a letter in withval takes the rest of its word or the next one.
 */
static void
args_parse(int argc, char **argv, const char *withval, struct args *a)
{
	int		 i, j, dashdash = 0;
	unsigned char	 ch;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (dashdash || argv[i][0] != '-' || argv[i][1] == '\0') {
			if (a->a_nop < OPERANDS_MAX)
				a->a_op[a->a_nop++] = argv[i];
			continue;
		}
		if (argv[i][1] == '-') {
			if (a->a_long == NULL)
				a->a_long = argv[i];
			continue;
		}
		for (j = 1; argv[i][j] != '\0'; j++) {
			ch = (unsigned char)argv[i][j];
			if (ch >= 128)
				continue;
			a->a_flag[ch] = 1;
			if (strchr(withval, ch) == NULL)
				continue;
			if (argv[i][j + 1] != '\0')
				a->a_val[ch] = argv[i] + j + 1;
			else if (i + 1 < argc)
				a->a_val[ch] = argv[++i];
			break;
		}
	}
}

static struct fs_node *
arg_node(struct shell *sh, const char *arg, char *path)
{
	if (fs_resolve(sh->sh_cwd, sh->sh_home, arg, path, FS_PATH_MAX) == -1)
		return (NULL);
	return (fs_lookup(sh->sh_fs, path));
}

/* Only root reads root's home and the shadow file. */
static int
may_read(struct shell *sh, const char *path)
{
	if (sh->sh_uid == 0)
		return (1);
	if (strcmp(path, "/root") == 0 || strncmp(path, "/root/", 6) == 0 ||
	    strcmp(path, "/etc/shadow") == 0 ||
	    strncmp(path, "/var/lib/mysql", 14) == 0)
		return (0);
	return (1);
}

static const char *
uid_name(struct shell *sh, unsigned int uid)
{
	switch (uid) {
	case 0:
		return ("root");
	case 4:
		return ("adm");
	case 8:
		return ("mail");
	case 42:
		return ("shadow");
	case 50:
		return ("staff");
	case 104:
		return ("crontab");
	case 106:
		return ("mysql");
	case 112:
		return ("mysql");
	case 1000:
		return (sh->sh_uid == 0 ? "ubuntu" : sh->sh_user);
	default:
		return ("root");
	}
}

/* ls -h and df -h: 4.0K, 898K, 1.8M. */
static void
human(char *buf, size_t size, size_t n)
{
	const char	*units = "KMGT";
	double		 v = (double)n;
	int		 u = -1;

	if (n < 1024) {
		(void)snprintf(buf, size, "%zu", n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (v < 10)
		(void)snprintf(buf, size, "%.1f%c", v + 0.05, units[u]);
	else
		(void)snprintf(buf, size, "%.0f%c", v + 0.5, units[u]);
}

/*
 * echo -e and printf escapes into out.  With octal0 (echo), \0NNN is
 * octal; printf takes \NNN.  *stop is set by \c.
 */
static size_t
unescape(const char *s, char *out, size_t size, int octal0, int *stop)
{
	size_t		 n = 0;
	unsigned int	 v;
	int		 k;
	char		 c;

	*stop = 0;
	while (*s != '\0' && n < size) {
		if (*s != '\\' || s[1] == '\0') {
			out[n++] = *s++;
			continue;
		}
		s++;
		c = *s++;
		switch (c) {
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'r': out[n++] = '\r'; break;
		case 'a': out[n++] = '\a'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'v': out[n++] = '\v'; break;
		case 'e': out[n++] = '\033'; break;
		case '\\': out[n++] = '\\'; break;
		case 'c':
			*stop = 1;
			return (n);
		case 'x':
			for (v = 0, k = 0; k < 2 && isxdigit((unsigned char)*s);
			    k++, s++)
				v = v * 16 + (unsigned int)(isdigit(
				    (unsigned char)*s) ? *s - '0' :
				    tolower((unsigned char)*s) - 'a' + 10);
			if (k == 0) {
				out[n++] = '\\';
				if (n < size)
					out[n++] = 'x';
			} else
				out[n++] = (char)v;
			break;
		default:
			if (c >= '0' && c <= '7' && (c != '0' || !octal0)) {
				v = (unsigned int)(c - '0');
				for (k = 1; k < 3 && *s >= '0' && *s <= '7';
				    k++, s++)
					v = v * 8 + (unsigned int)(*s - '0');
				out[n++] = (char)v;
			} else if (c == '0') {
				for (v = 0, k = 0; k < 3 && *s >= '0' &&
				    *s <= '7'; k++, s++)
					v = v * 8 + (unsigned int)(*s - '0');
				out[n++] = (char)v;
			} else {
				out[n++] = '\\';
				if (n < size)
					out[n++] = c;
			}
			break;
		}
	}
	return (n);
}

/* Standard input, or "" when there is none (a terminal nobody types on). */
static const char *
input_of(struct cmd_io *io, size_t *len)
{
	*len = io->io_in != NULL ? io->io_inlen : 0;
	return (io->io_in != NULL ? io->io_in : "");
}

/*
 * The contents of a file operand ("-" is stdin) or an error message in
 * cat's words, prefixed with name.  0 on success.
 */
static int
cat_file(struct shell *sh, const char *name, const char *arg,
    struct cmd_io *io, const char **data, size_t *len)
{
	static const char	 elf[] = "\177ELF\002\001\001\0\0\0\0\0\0\0\0\0"
	    "\002\0>\0\001\0\0\0";
	char			 path[FS_PATH_MAX];
	struct fs_node		*n;

	if (strcmp(arg, "-") == 0) {
		*data = input_of(io, len);
		return (0);
	}
	if ((n = arg_node(sh, arg, path)) == NULL) {
		sb_printf(io->io_err, "%s: %s: No such file or directory\n",
		    name, arg);
		return (1);
	}
	if (!may_read(sh, path)) {
		sb_printf(io->io_err, "%s: %s: Permission denied\n", name, arg);
		return (1);
	}
	if (S_ISDIR(n->fn_mode)) {
		sb_printf(io->io_err, "%s: %s: Is a directory\n", name, arg);
		return (1);
	}
	if (n->fn_data == NULL) {
		*data = elf;
		*len = n->fn_size > 0 ? sizeof(elf) - 1 : 0;
		return (0);
	}
	*data = n->fn_data;
	*len = n->fn_len;
	return (0);
}

/*
 * Run a script.  Its text is copied first: the script may well rewrite
 * or remove the very file it came from while it runs.
 */
static int
run_text(struct shell *sh, const char *text, size_t len, struct cmd_io *io)
{
	struct cmd_io	 cio = *io;
	char		*copy;
	int		 status;

	if (sh->sh_depth >= SHELL_DEPTH_MAX)
		return (0);
	if ((copy = malloc(len + 1)) == NULL)
		return (1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	cio.io_in = NULL;
	cio.io_inlen = 0;
	sh->sh_depth++;
	status = shell_run(sh, copy, len, &cio);
	sh->sh_depth--;
	free(copy);
	return (status);
}

/* Builtins. */

static int
cmd_true(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	(void)sh;
	(void)argc;
	(void)argv;
	(void)io;
	return (0);
}

static int
cmd_false(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	(void)sh;
	(void)argc;
	(void)argv;
	(void)io;
	return (1);
}

static int
cmd_exit(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	(void)argv;
	/* A login shell says goodbye. */
	if (sh->sh_mode == SHELL_INTERACTIVE && sh->sh_depth == 0)
		sb_puts(io->io_out, "logout\n");
	sh->sh_exit = 1;
	if (argc > 1)
		return ((int)strtol(argv[1], NULL, 10) & 0xff);
	return (sh->sh_status);
}

static int
cmd_cd(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	char		 path[FS_PATH_MAX];
	const char	*arg = argc > 1 ? argv[1] : sh->sh_home;
	struct fs_node	*n;

	if (strcmp(arg, "-") == 0) {
		arg = sh->sh_oldpwd;
		sb_printf(io->io_out, "%s\n", arg);
	}
	if ((n = arg_node(sh, arg, path)) == NULL) {
		sb_printf(io->io_err, "bash: cd: %s: No such file or directory\n",
		    arg);
		return (1);
	}
	if (!S_ISDIR(n->fn_mode)) {
		sb_printf(io->io_err, "bash: cd: %s: Not a directory\n", arg);
		return (1);
	}
	if (!may_read(sh, path)) {
		sb_printf(io->io_err, "bash: cd: %s: Permission denied\n", arg);
		return (1);
	}
	(void)strlcpy(sh->sh_oldpwd, sh->sh_cwd, sizeof(sh->sh_oldpwd));
	(void)strlcpy(sh->sh_cwd, path, sizeof(sh->sh_cwd));
	return (0);
}

static int
cmd_pwd(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	(void)argc;
	(void)argv;
	sb_printf(io->io_out, "%s\n", sh->sh_cwd);
	return (0);
}

static int
cmd_export(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	char	*eq;
	int	 i;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		if ((eq = strchr(argv[i], '=')) == NULL)
			continue;
		*eq = '\0';
		if (argv[i][0] == '\0' || shell_setvar(sh, argv[i], eq + 1) ==
		    -1) {
			*eq = '=';
			sb_printf(io->io_err, "bash: export: `%s': not a valid "
			    "identifier\n", argv[i]);
			return (1);
		}
	}
	return (0);
}

static int
cmd_unset(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	int	 i;

	(void)io;
	for (i = 1; i < argc; i++)
		shell_unsetvar(sh, argv[i]);
	return (0);
}

static int
cmd_history(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	size_t	 i;

	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		for (i = 0; i < sh->sh_nhist; i++)
			free(sh->sh_hist[i]);
		sh->sh_nhist = sh->sh_histpos = 0;
		return (0);
	}
	for (i = 0; i < sh->sh_nhist; i++)
		sb_printf(io->io_out, "%5zu  %s\n", i + 1, sh->sh_hist[i]);
	return (0);
}

static int
cmd_type(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	char		 path[FS_PATH_MAX];
	int		 i, j, status = 0, found;

	for (i = 1; i < argc; i++) {
		found = 0;
		for (j = 0; builtins[j] != NULL; j++)
			if (strcmp(argv[i], builtins[j]) == 0)
				found = 1;
		if (found) {
			sb_printf(io->io_out, "%s is a shell builtin\n", argv[i]);
			continue;
		}
		for (j = 0; path_dirs[j] != NULL && !found; j++) {
			(void)snprintf(path, sizeof(path), "%s/%s",
			    path_dirs[j], argv[i]);
			if (strchr(argv[i], '/') == NULL &&
			    fs_lookup(sh->sh_fs, path) != NULL) {
				sb_printf(io->io_out, "%s is %s\n", argv[i],
				    path);
				found = 1;
			}
		}
		if (!found) {
			sb_printf(io->io_err, "bash: type: %s: not found\n",
			    argv[i]);
			status = 1;
		}
	}
	return (status);
}

static int
cmd_which(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	char	 path[FS_PATH_MAX];
	int	 i, j, status = 0, found;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		found = 0;
		for (j = 0; path_dirs[j] != NULL && !found; j++) {
			(void)snprintf(path, sizeof(path), "%s/%s",
			    path_dirs[j], argv[i]);
			if (strchr(argv[i], '/') == NULL &&
			    fs_lookup(sh->sh_fs, path) != NULL) {
				sb_printf(io->io_out, "%s\n", path);
				found = 1;
			}
		}
		if (!found)
			status = 1;
	}
	return (status);
}

static int
cmd_source(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	const char	*data;
	size_t		 len;

	if (argc < 2) {
		sb_printf(io->io_err, "bash: %s: filename argument required\n"
		    "%s: usage: %s filename [arguments]\n", argv[0], argv[0],
		    argv[0]);
		return (2);
	}
	if (cat_file(sh, "bash", argv[1], io, &data, &len) != 0)
		return (1);
	return (run_text(sh, data, len, io));
}

/* sh -c CMD, sh FILE, or commands piped in: "curl ... | sh". */
static int
cmd_sh(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	const char	*data;
	size_t		 len;
	int		 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0) {
			if (i + 1 >= argc) {
				sb_printf(io->io_err, "%s: -c: option requires "
				    "an argument\n", argv[0]);
				return (2);
			}
			return (run_text(sh, argv[i + 1], strlen(argv[i + 1]),
			    io));
		}
		if (argv[i][0] == '-')
			continue;
		if (cat_file(sh, argv[0], argv[i], io, &data, &len) != 0)
			return (127);
		return (run_text(sh, data, len, io));
	}
	if (io->io_in != NULL && io->io_inlen > 0)
		return (run_text(sh, io->io_in, io->io_inlen, io));
	return (0);
}

static int
cmd_sudo(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	cmd_fn	 fn;
	int	 i = 1;

	while (i < argc && argv[i][0] == '-')
		i++;
	if (i >= argc) {
		sb_puts(io->io_err, "usage: sudo -h | -K | -k | -L | -V\n");
		return (1);
	}
	if ((fn = cmd_lookup(argv[i])) == NULL) {
		sb_printf(io->io_err, "sudo: %s: command not found\n", argv[i]);
		return (1);
	}
	(void)sh;
	return (fn(sh, argc - i, argv + i, io));
}

static int
cmd_nohup(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	cmd_fn	 fn;

	if (argc < 2) {
		sb_puts(io->io_err, "nohup: missing operand\n"
		    "Try `nohup --help' for more information.\n");
		return (125);
	}
	if ((fn = cmd_lookup(argv[1])) == NULL) {
		sb_printf(io->io_err, "nohup: failed to run command `%s': "
		    "No such file or directory\n", argv[1]);
		return (127);
	}
	return (fn(sh, argc - 1, argv + 1, io));
}

/* busybox APPLET: ours if we have it, else what busybox says. */
static int
cmd_busybox(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	cmd_fn	 fn;

	if (argc < 2) {
		sb_puts(io->io_out, "BusyBox v1.18.5 (Ubuntu 1:1.18.5-1ubuntu4."
		    "1) multi-call binary.\nCopyright (C) 1998-2009 Erik "
		    "Andersen, Rob Landley, Denys Vlasenko\nand others. Licensed "
		    "under GPLv2.\nSee source distribution for full notice.\n\n"
		    "Usage: busybox [function] [arguments]...\n");
		return (0);
	}
	if ((fn = cmd_lookup(argv[1])) == NULL) {
		sb_printf(io->io_err, "%s: applet not found\n", argv[1]);
		return (127);
	}
	return (fn(sh, argc - 1, argv + 1, io));
}

/* test and [: files, strings and numbers, one test, maybe negated. */
static int
cmd_test(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	char		 path[FS_PATH_MAX];
	struct fs_node	*n;
	const char	*op;
	long		 a, b;
	int		 neg = 0, r, i = 1;

	if (strcmp(argv[0], "[") == 0) {
		if (strcmp(argv[argc - 1], "]") != 0) {
			sb_puts(io->io_err, "bash: [: missing `]'\n");
			return (2);
		}
		argc--;
	}
	if (i < argc && strcmp(argv[i], "!") == 0) {
		neg = 1;
		i++;
	}
	switch (argc - i) {
	case 0:
		r = 0;
		break;
	case 1:
		r = argv[i][0] != '\0';
		break;
	case 2:
		op = argv[i];
		if (strcmp(op, "-z") == 0 || strcmp(op, "-n") == 0) {
			r = (argv[i + 1][0] == '\0') == (op[1] == 'z');
			break;
		}
		n = arg_node(sh, argv[i + 1], path);
		if (strcmp(op, "-d") == 0)
			r = n != NULL && S_ISDIR(n->fn_mode);
		else if (strcmp(op, "-f") == 0)
			r = n != NULL && S_ISREG(n->fn_mode);
		else if (strcmp(op, "-x") == 0)
			r = n != NULL && (n->fn_mode & 0111) != 0;
		else if (strcmp(op, "-s") == 0)
			r = n != NULL && n->fn_size > 0;
		else if (strcmp(op, "-e") == 0 || strcmp(op, "-r") == 0 ||
		    strcmp(op, "-w") == 0)
			r = n != NULL;
		else {
			sb_printf(io->io_err, "bash: %s: %s: unary operator "
			    "expected\n", argv[0], op);
			return (2);
		}
		break;
	case 3:
		op = argv[i + 1];
		a = strtol(argv[i], NULL, 10);
		b = strtol(argv[i + 2], NULL, 10);
		if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0)
			r = strcmp(argv[i], argv[i + 2]) == 0;
		else if (strcmp(op, "!=") == 0)
			r = strcmp(argv[i], argv[i + 2]) != 0;
		else if (strcmp(op, "-eq") == 0)
			r = a == b;
		else if (strcmp(op, "-ne") == 0)
			r = a != b;
		else if (strcmp(op, "-lt") == 0)
			r = a < b;
		else if (strcmp(op, "-le") == 0)
			r = a <= b;
		else if (strcmp(op, "-gt") == 0)
			r = a > b;
		else if (strcmp(op, "-ge") == 0)
			r = a >= b;
		else {
			sb_printf(io->io_err, "bash: %s: %s: binary operator "
			    "expected\n", argv[0], op);
			return (2);
		}
		break;
	default:
		sb_printf(io->io_err, "bash: %s: too many arguments\n",
		    argv[0]);
		return (2);
	}
	return (r != neg ? 0 : 1);
}

/* Files. */

static void
ls_mode(mode_t mode, char *s)
{
	s[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : '-';
	s[1] = mode & 0400 ? 'r' : '-';
	s[2] = mode & 0200 ? 'w' : '-';
	s[3] = mode & 04000 ? (mode & 0100 ? 's' : 'S') :
	    (mode & 0100 ? 'x' : '-');
	s[4] = mode & 040 ? 'r' : '-';
	s[5] = mode & 020 ? 'w' : '-';
	s[6] = mode & 02000 ? (mode & 010 ? 's' : 'S') :
	    (mode & 010 ? 'x' : '-');
	s[7] = mode & 04 ? 'r' : '-';
	s[8] = mode & 02 ? 'w' : '-';
	s[9] = mode & 01000 ? (mode & 01 ? 't' : 'T') :
	    (mode & 01 ? 'x' : '-');
	s[10] = '\0';
}

static void
ls_long(struct shell *sh, struct ls_ent *e, size_t n, int hum,
    struct sbuf *out)
{
	struct fs_node	*kids[LS_MAX];
	char		 mode[11], size[32], date[32];
	size_t		 i, k, nk, wl = 1, wu = 1, wg = 1, ws = 1;
	unsigned int	 links[LS_MAX];
	struct tm	 tm;
	time_t		 now = time(NULL);

	for (i = 0; i < n; i++) {
		links[i] = 1;
		if (S_ISDIR(e[i].le_node->fn_mode)) {
			nk = fs_list(sh->sh_fs, e[i].le_node->fn_path, kids,
			    LS_MAX);
			links[i] = 2;
			for (k = 0; k < nk; k++)
				if (S_ISDIR(kids[k]->fn_mode))
					links[i]++;
		}
		(void)snprintf(size, sizeof(size), "%u", links[i]);
		wl = MAX(wl, strlen(size));
		wu = MAX(wu, strlen(uid_name(sh, e[i].le_node->fn_uid)));
		wg = MAX(wg, strlen(uid_name(sh, e[i].le_node->fn_gid)));
		if (hum)
			human(size, sizeof(size), e[i].le_node->fn_size);
		else
			(void)snprintf(size, sizeof(size), "%zu",
			    e[i].le_node->fn_size);
		ws = MAX(ws, strlen(size));
	}
	for (i = 0; i < n; i++) {
		ls_mode(e[i].le_node->fn_mode, mode);
		if (hum)
			human(size, sizeof(size), e[i].le_node->fn_size);
		else
			(void)snprintf(size, sizeof(size), "%zu",
			    e[i].le_node->fn_size);
		date[0] = '\0';
		if (gmtime_r(&e[i].le_node->fn_mtime, &tm) != NULL)
			(void)strftime(date, sizeof(date),
			    e[i].le_node->fn_mtime > now - 15552000 &&
			    e[i].le_node->fn_mtime < now + 3600 ?
			    "%b %e %H:%M" : "%b %e  %Y", &tm);
		sb_printf(out, "%s %*u %-*s %-*s %*s %s %s\n", mode, (int)wl,
		    links[i], (int)wu, uid_name(sh, e[i].le_node->fn_uid),
		    (int)wg, uid_name(sh, e[i].le_node->fn_gid), (int)ws, size,
		    date, e[i].le_name);
	}
}

/* Names in columns on a terminal, as GNU ls fills them: down, then across. */
static void
ls_short(struct shell *sh, struct ls_ent *e, size_t n, struct cmd_io *io)
{
	size_t	 rows, ncols, c, r, i, w, total, width[LS_MAX];

	if (n == 0)
		return;
	if (!io->io_tty) {
		for (i = 0; i < n; i++)
			sb_printf(io->io_out, "%s\n", e[i].le_name);
		return;
	}
	for (rows = 1; rows <= n; rows++) {
		ncols = (n + rows - 1) / rows;
		total = 0;
		for (c = 0; c < ncols; c++) {
			width[c] = 0;
			for (r = 0; r < rows && c * rows + r < n; r++)
				width[c] = MAX(width[c],
				    strlen(e[c * rows + r].le_name));
			total += width[c] + (c + 1 < ncols ? 2 : 0);
		}
		if (total < (size_t)sh->sh_cols || ncols == 1)
			break;
	}
	if (rows > n)
		rows = n;
	ncols = (n + rows - 1) / rows;
	for (r = 0; r < rows; r++) {
		for (c = 0; c < ncols; c++) {
			i = c * rows + r;
			if (i >= n)
				break;
			w = strlen(e[i].le_name);
			sb_puts(io->io_out, e[i].le_name);
			if (c + 1 < ncols && (c + 1) * rows + r < n)
				sb_printf(io->io_out, "%*s",
				    (int)(width[c] + 2 - w), "");
		}
		sb_puts(io->io_out, "\n");
	}
}

static int
cmd_ls(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;
	struct fs_node	*kids[LS_MAX], *n, *parent;
	struct ls_ent	*ents, files[OPERANDS_MAX];
	char		 path[FS_PATH_MAX], dir[FS_PATH_MAX];
	static char	 dotname[] = ".";
	char		*dot[] = { dotname };
	char		**ops;
	size_t		 nk, ne, nf = 0, k, tmp;
	int		 i, nop, status = 0, shown = 0, lng, all;

	args_parse(argc, argv, "", &a);
	if (a.a_long != NULL && strcmp(a.a_long, "--color=auto") != 0 &&
	    strcmp(a.a_long, "--color") != 0) {
		sb_printf(io->io_err, "ls: unrecognized option '%s'\n"
		    "Try `ls --help' for more information.\n", a.a_long);
		return (2);
	}
	lng = a.a_flag['l'] || a.a_flag['g'] || a.a_flag['o'];
	all = a.a_flag['a'] ? 2 : a.a_flag['A'] ? 1 : 0;
	ops = a.a_nop > 0 ? a.a_op : dot;
	nop = a.a_nop > 0 ? a.a_nop : 1;
	if ((ents = calloc(LS_MAX + 2, sizeof(*ents))) == NULL)
		return (1);

	/* Missing operands first, then files, then directories. */
	for (i = 0; i < nop; i++) {
		if ((n = arg_node(sh, ops[i], path)) == NULL) {
			sb_printf(io->io_err, "ls: cannot access %s: No such "
			    "file or directory\n", ops[i]);
			status = 2;
			continue;
		}
		if (!S_ISDIR(n->fn_mode) || a.a_flag['d']) {
			files[nf].le_node = n;
			files[nf++].le_name = ops[i];
		}
	}
	if (nf > 0) {
		if (lng)
			ls_long(sh, files, nf, a.a_flag['h'], io->io_out);
		else
			ls_short(sh, files, nf, io);
		shown = 1;
	}
	for (i = 0; i < nop && !a.a_flag['d']; i++) {
		if ((n = arg_node(sh, ops[i], path)) == NULL ||
		    !S_ISDIR(n->fn_mode))
			continue;
		if (shown)
			sb_puts(io->io_out, "\n");
		if (nop > 1)
			sb_printf(io->io_out, "%s:\n", ops[i]);
		shown = 1;
		if (!may_read(sh, path)) {
			sb_printf(io->io_err, "ls: cannot open directory %s: "
			    "Permission denied\n", ops[i]);
			status = 2;
			continue;
		}
		nk = fs_list(sh->sh_fs, path, kids, LS_MAX);
		ne = 0;
		if (all == 2) {
			ents[ne].le_node = n;
			ents[ne++].le_name = ".";
			parent = fs_lookup(sh->sh_fs, fs_parent(path, dir,
			    sizeof(dir)));
			ents[ne].le_node = parent != NULL ? parent : n;
			ents[ne++].le_name = "..";
		}
		for (k = 0; k < nk; k++) {
			if (kids[k]->fn_name[0] == '.' && all == 0)
				continue;
			ents[ne].le_node = kids[k];
			ents[ne++].le_name = kids[k]->fn_name;
		}
		if (a.a_flag['r'])
			for (k = 0; k < ne / 2; k++) {
				struct ls_ent t = ents[k];

				ents[k] = ents[ne - 1 - k];
				ents[ne - 1 - k] = t;
			}
		if (lng) {
			tmp = 0;
			for (k = 0; k < ne; k++)
				tmp += (ents[k].le_node->fn_size + 4095) / 4096 * 4;
			if (a.a_flag['h'] && tmp >= 1024)
				sb_printf(io->io_out, "total %zu.%zuM\n",
				    tmp / 1024, (tmp % 1024) * 10 / 1024);
			else
				sb_printf(io->io_out, "total %zu\n", tmp);
			ls_long(sh, ents, ne, a.a_flag['h'], io->io_out);
		} else
			ls_short(sh, ents, ne, io);
	}
	free(ents);
	return (status);
}

static int
cmd_cat(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;
	const char	*data;
	size_t		 len;
	int		 i, status = 0;

	args_parse(argc, argv, "", &a);
	if (a.a_nop == 0) {
		data = input_of(io, &len);
		sb_add(io->io_out, data, len);
		return (0);
	}
	for (i = 0; i < a.a_nop; i++) {
		if (cat_file(sh, "cat", a.a_op[i], io, &data, &len) != 0) {
			status = 1;
			continue;
		}
		sb_add(io->io_out, data, len);
	}
	return (status);
}

static int
cmd_mkdir(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;
	char		 path[FS_PATH_MAX], sub[FS_PATH_MAX];
	struct fs_node	*n;
	size_t		 k;
	int		 i, status = 0;

	args_parse(argc, argv, "m", &a);
	if (a.a_nop == 0) {
		sb_puts(io->io_err, "mkdir: missing operand\n"
		    "Try `mkdir --help' for more information.\n");
		return (1);
	}
	for (i = 0; i < a.a_nop; i++) {
		if ((n = arg_node(sh, a.a_op[i], path)) != NULL) {
			if (!a.a_flag['p'] || !S_ISDIR(n->fn_mode)) {
				sb_printf(io->io_err, "mkdir: cannot create "
				    "directory `%s': File exists\n", a.a_op[i]);
				status = 1;
			}
			continue;
		}
		if (path[0] == '\0')
			continue;
		/* With -p every missing parent too. */
		for (k = 1; a.a_flag['p'] && path[k] != '\0'; k++) {
			if (path[k] != '/')
				continue;
			memcpy(sub, path, k);
			sub[k] = '\0';
			if (fs_lookup(sh->sh_fs, sub) == NULL)
				(void)fs_add(sh->sh_fs, sub, S_IFDIR | 0755,
				    sh->sh_uid, sh->sh_gid, time(NULL), NULL, 0);
		}
		if (fs_add(sh->sh_fs, path, S_IFDIR | 0755, sh->sh_uid,
		    sh->sh_gid, time(NULL), NULL, 0) == NULL) {
			sb_printf(io->io_err, "mkdir: cannot create directory "
			    "`%s': %s\n", a.a_op[i], errno == ENOTDIR ?
			    "Not a directory" : "No such file or directory");
			status = 1;
		}
	}
	return (status);
}

static int
cmd_touch(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;
	char		 path[FS_PATH_MAX];
	struct fs_node	*n;
	int		 i, status = 0;

	args_parse(argc, argv, "dtr", &a);
	if (a.a_nop == 0) {
		sb_puts(io->io_err, "touch: missing file operand\n"
		    "Try `touch --help' for more information.\n");
		return (1);
	}
	for (i = 0; i < a.a_nop; i++) {
		if ((n = arg_node(sh, a.a_op[i], path)) != NULL) {
			n->fn_mtime = time(NULL);
			continue;
		}
		if (path[0] == '\0' || fs_add(sh->sh_fs, path, S_IFREG | 0644,
		    sh->sh_uid, sh->sh_gid, time(NULL), "", 0) == NULL) {
			sb_printf(io->io_err, "touch: cannot touch `%s': No "
			    "such file or directory\n", a.a_op[i]);
			status = 1;
		}
	}
	return (status);
}

static int
cmd_rm(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;
	char		 path[FS_PATH_MAX];
	struct fs_node	*n, *kids[1];
	int		 i, status = 0, rmdir;

	rmdir = strcmp(argv[0], "rmdir") == 0;
	args_parse(argc, argv, "", &a);
	if (a.a_nop == 0 && !a.a_flag['f']) {
		sb_printf(io->io_err, "%s: missing operand\nTry `%s --help' "
		    "for more information.\n", argv[0], argv[0]);
		return (1);
	}
	for (i = 0; i < a.a_nop; i++) {
		if ((n = arg_node(sh, a.a_op[i], path)) == NULL) {
			if (!a.a_flag['f']) {
				sb_printf(io->io_err, "%s: %s `%s': No such "
				    "file or directory\n", argv[0], rmdir ?
				    "failed to remove" : "cannot remove",
				    a.a_op[i]);
				status = 1;
			}
			continue;
		}
		if (S_ISDIR(n->fn_mode) && rmdir &&
		    fs_list(sh->sh_fs, path, kids, 1) > 0) {
			sb_printf(io->io_err, "rmdir: failed to remove `%s': "
			    "Directory not empty\n", a.a_op[i]);
			status = 1;
			continue;
		}
		if (S_ISDIR(n->fn_mode) && !rmdir && !a.a_flag['r'] &&
		    !a.a_flag['R']) {
			sb_printf(io->io_err, "rm: cannot remove `%s': Is a "
			    "directory\n", a.a_op[i]);
			status = 1;
			continue;
		}
		if (strcmp(path, "/") == 0 || (!n->fn_user && sh->sh_uid != 0)) {
			sb_printf(io->io_err, "%s: cannot remove `%s': "
			    "Permission denied\n", argv[0], a.a_op[i]);
			status = 1;
			continue;
		}
		(void)fs_remove(sh->sh_fs, path);
	}
	return (status);
}

static int
cmd_cp(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;
	char		 src[FS_PATH_MAX], dst[FS_PATH_MAX];
	char		 tmp[FS_PATH_MAX * 2 + 2];
	struct fs_node	*s, *d;
	char		*data = NULL;
	size_t		 len, size;
	int		 mv;

	mv = strcmp(argv[0], "mv") == 0;
	args_parse(argc, argv, "", &a);
	if (a.a_nop < 2) {
		sb_printf(io->io_err, "%s: missing %s operand\nTry `%s --help' "
		    "for more information.\n", argv[0], a.a_nop == 0 ? "file" :
		    "destination file", argv[0]);
		return (1);
	}
	if ((s = arg_node(sh, a.a_op[0], src)) == NULL) {
		sb_printf(io->io_err, "%s: cannot stat `%s': No such file or "
		    "directory\n", argv[0], a.a_op[0]);
		return (1);
	}
	if (S_ISDIR(s->fn_mode)) {
		sb_printf(io->io_err, "%s: omitting directory `%s'\n", argv[0],
		    a.a_op[0]);
		return (1);
	}
	if ((d = arg_node(sh, a.a_op[1], dst)) != NULL &&
	    S_ISDIR(d->fn_mode)) {
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", dst,
		    s->fn_name) >= sizeof(tmp) ||
		    fs_resolve("/", "/", tmp, dst, sizeof(dst)) == -1)
			return (1);
	}
	if (strcmp(src, dst) == 0) {
		sb_printf(io->io_err, "%s: `%s' and `%s' are the same file\n",
		    argv[0], a.a_op[0], a.a_op[1]);
		return (1);
	}
	size = s->fn_size;
	len = s->fn_data != NULL ? s->fn_len : 0;
	if (s->fn_data != NULL && (data = malloc(len + 1)) == NULL)
		return (1);
	if (data != NULL)
		memcpy(data, s->fn_data, len);
	d = fs_add(sh->sh_fs, dst, s->fn_mode, sh->sh_uid, sh->sh_gid,
	    time(NULL), data != NULL ? "" : NULL, 0);
	if (d == NULL || (data != NULL &&
	    fs_write(sh->sh_fs, d, data, len, 0) == -1)) {
		sb_printf(io->io_err, "%s: cannot create regular file `%s': "
		    "No such file or directory\n", argv[0], a.a_op[1]);
		free(data);
		return (1);
	}
	free(data);
	d->fn_size = size;
	if (mv && strcmp(src, dst) != 0)
		(void)fs_remove(sh->sh_fs, src);
	return (0);
}

static int
cmd_mv(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	return (cmd_cp(sh, argc, argv, io));
}

static int
cmd_chmod(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	char		 path[FS_PATH_MAX];
	struct fs_node	*n;
	const char	*m = NULL;
	mode_t		 mode = 0;
	int		 i, status = 0, set = 0;

	for (i = 1; i < argc; i++) {
		if (m == NULL && argv[i][0] == '-' && argv[i][1] != 'x' &&
		    argv[i][1] != 'w' && argv[i][1] != 'r')
			continue;
		if (m == NULL) {
			m = argv[i];
			if (m[0] >= '0' && m[0] <= '7') {
				mode = (mode_t)strtoul(m, NULL, 8) & 07777;
				set = 1;
			}
			continue;
		}
		if ((n = arg_node(sh, argv[i], path)) == NULL) {
			sb_printf(io->io_err, "chmod: cannot access `%s': No "
			    "such file or directory\n", argv[i]);
			status = 1;
			continue;
		}
		if (set)
			n->fn_mode = (n->fn_mode & S_IFMT) | mode;
		else if (strchr(m, '+') != NULL && strchr(m, 'x') != NULL)
			n->fn_mode |= strchr(m, 'u') != NULL ? 0100 : 0111;
		else if (strchr(m, '-') != NULL && strchr(m, 'x') != NULL)
			n->fn_mode &= ~(mode_t)0111;
	}
	if (m == NULL || (i == argc && status == 0 && argc < 3)) {
		sb_printf(io->io_err, "chmod: missing operand%s\nTry `chmod "
		    "--help' for more information.\n", m == NULL ? "" :
		    " after `777'");
		return (1);
	}
	return (status);
}

static int
cmd_chown(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	char	 path[FS_PATH_MAX];
	int	 i, seen = 0, status = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		if (!seen++)
			continue;
		if (arg_node(sh, argv[i], path) == NULL) {
			sb_printf(io->io_err, "%s: cannot access `%s': No such "
			    "file or directory\n", argv[0], argv[i]);
			status = 1;
		} else if (sh->sh_uid != 0) {
			sb_printf(io->io_err, "%s: changing ownership of `%s': "
			    "Operation not permitted\n", argv[0], argv[i]);
			status = 1;
		}
	}
	return (status);
}

/* Text tools, for pipes. */

static int
cmd_echo(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	char	*buf;
	size_t	 n;
	int	 i = 1, j, nl = 1, esc = 0, stop = 0;

	(void)sh;
	/* Only words made of n, e and E are options. */
	for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		for (j = 1; argv[i][j] != '\0'; j++)
			if (strchr("neE", argv[i][j]) == NULL)
				break;
		if (argv[i][j] != '\0')
			break;
		for (j = 1; argv[i][j] != '\0'; j++) {
			if (argv[i][j] == 'n')
				nl = 0;
			else
				esc = argv[i][j] == 'e';
		}
	}
	for (; i < argc && !stop; i++) {
		if (esc) {
			n = strlen(argv[i]);
			if ((buf = malloc(n + 1)) == NULL)
				return (1);
			n = unescape(argv[i], buf, n, 1, &stop);
			sb_add(io->io_out, buf, n);
			free(buf);
		} else
			sb_puts(io->io_out, argv[i]);
		if (i + 1 < argc && !stop)
			sb_puts(io->io_out, " ");
	}
	if (nl && !stop)
		sb_puts(io->io_out, "\n");
	return (0);
}

static int
cmd_printf(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	const char	*f, *arg;
	char		*buf, spec[32];
	size_t		 n, k;
	int		 ai = 2, stop = 0, used;

	(void)sh;
	if (argc < 2) {
		sb_puts(io->io_err, "printf: usage: printf [-v var] format "
		    "[arguments]\n");
		return (2);
	}
	n = strlen(argv[1]);
	do {
		used = 0;
		for (f = argv[1]; *f != '\0' && !stop;) {
			if (*f == '\\') {
				char	 one[8], tmp[8];
				size_t	 l;

				/* One escape at a time: \NNN, \xHH, \n ... */
				l = 1;
				while (f[l] != '\0' && l < 4 && (l == 1 ||
				    isxdigit((unsigned char)f[l])))
					l++;
				memcpy(one, f, l);
				one[l] = '\0';
				k = unescape(one, tmp, sizeof(tmp), 0, &stop);
				sb_add(io->io_out, tmp, k);
				f += l;
				continue;
			}
			if (*f != '%') {
				sb_add(io->io_out, f++, 1);
				continue;
			}
			if (f[1] == '%') {
				sb_add(io->io_out, "%", 1);
				f += 2;
				continue;
			}
			/* A conversion: flags, width, precision, letter. */
			for (k = 1; f[k] != '\0' && strchr("-+ #0123456789.",
			    f[k]) != NULL && k < sizeof(spec) - 3; k++)
				;
			if (f[k] == '\0')
				break;
			arg = ai < argc ? argv[ai++] : "";
			used = 1;
			memcpy(spec, f, k);
			switch (f[k]) {
			case 'd':
			case 'i':
			case 'u':
			case 'x':
			case 'X':
			case 'o':
			case 'c':
				spec[k] = 'l';
				spec[k + 1] = f[k] == 'i' ? 'd' : f[k];
				spec[k + 2] = '\0';
				if (f[k] == 'c')
					sb_add(io->io_out, arg, arg[0] ? 1 : 0);
				else
					sb_printf(io->io_out, spec,
					    strtol(arg, NULL, 0));
				break;
			case 'b':
				buf = malloc(strlen(arg) + 1);
				if (buf == NULL)
					return (1);
				sb_add(io->io_out, buf, unescape(arg, buf,
				    strlen(arg), 1, &stop));
				free(buf);
				break;
			default:
				spec[k] = 's';
				spec[k + 1] = '\0';
				sb_printf(io->io_out, spec, arg);
				break;
			}
			f += k + 1;
		}
	} while (used && ai < argc && !stop && n > 0);
	return (0);
}

static int
cmd_grep(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;
	const char	*pat, *data, *p, *nl, *end, *hit;
	char		*line;
	size_t		 len, plen, count, lineno;
	int		 i, first, status = 1, match, nfiles;

	args_parse(argc, argv, "emABC", &a);
	pat = a.a_val['e'];
	first = 0;
	if (pat == NULL) {
		if (a.a_nop == 0) {
			sb_puts(io->io_err, "Usage: grep [OPTION]... PATTERN "
			    "[FILE]...\nTry `grep --help' for more "
			    "information.\n");
			return (2);
		}
		pat = a.a_op[first++];
	}
	plen = strlen(pat);
	nfiles = a.a_nop - first;
	for (i = first; i < a.a_nop || (nfiles == 0 && i == first); i++) {
		if (nfiles == 0)
			data = input_of(io, &len);
		else if (cat_file(sh, "grep", a.a_op[i], io, &data, &len) !=
		    0) {
			status = 2;
			continue;
		}
		count = lineno = 0;
		for (p = data, end = data + len; p < end; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
				nl = end;
			lineno++;
			if ((line = strndup(p, (size_t)(nl - p))) == NULL)
				return (2);
			/* Fixed strings; ^ and $ anchor, as often typed. */
			if (plen > 0 && pat[0] == '^')
				match = (a.a_flag['i'] ? strncasecmp(line,
				    pat + 1, plen - 1) : strncmp(line, pat + 1,
				    plen - 1)) == 0;
			else {
				hit = a.a_flag['i'] ? strcasestr(line, pat) :
				    strstr(line, pat);
				match = hit != NULL;
			}
			free(line);
			if (match == (a.a_flag['v'] != 0))
				continue;
			count++;
			status = status == 2 ? 2 : 0;
			if (a.a_flag['c'] || a.a_flag['q'] || a.a_flag['l'])
				continue;
			if (nfiles > 1)
				sb_printf(io->io_out, "%s:", a.a_op[i]);
			if (a.a_flag['n'])
				sb_printf(io->io_out, "%zu:", lineno);
			sb_add(io->io_out, p, (size_t)(nl - p));
			sb_puts(io->io_out, "\n");
			if (nl == end)
				break;
		}
		if (a.a_flag['c'] && !a.a_flag['q']) {
			if (nfiles > 1)
				sb_printf(io->io_out, "%s:", a.a_op[i]);
			sb_printf(io->io_out, "%zu\n", count);
		} else if (a.a_flag['l'] && count > 0)
			sb_printf(io->io_out, "%s\n", nfiles > 0 ? a.a_op[i] :
			    "(standard input)");
	}
	return (status);
}

static int
cmd_wc(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;
	const char	*data;
	size_t		 len, k, lines, words, bytes, tl = 0, tw = 0, tb = 0;
	int		 i, inword, status = 0, nf, only;

	args_parse(argc, argv, "", &a);
	if (!a.a_flag['l'] && !a.a_flag['w'] && !a.a_flag['c'] &&
	    !a.a_flag['m'])
		a.a_flag['l'] = a.a_flag['w'] = a.a_flag['c'] = 1;
	only = (a.a_flag['l'] != 0) + (a.a_flag['w'] != 0) +
	    (a.a_flag['c'] || a.a_flag['m']);
	nf = a.a_nop;
	for (i = 0; i < nf || (nf == 0 && i == 0); i++) {
		if (nf == 0)
			data = input_of(io, &len);
		else if (cat_file(sh, "wc", a.a_op[i], io, &data, &len) != 0) {
			status = 1;
			continue;
		}
		lines = words = 0;
		bytes = len;
		for (k = 0, inword = 0; k < len; k++) {
			if (data[k] == '\n')
				lines++;
			if (isspace((unsigned char)data[k]))
				inword = 0;
			else if (!inword) {
				inword = 1;
				words++;
			}
		}
		tl += lines;
		tw += words;
		tb += bytes;
		/* One count of stdin stands alone, unpadded. */
		if (nf == 0 && only == 1) {
			sb_printf(io->io_out, "%zu\n", a.a_flag['l'] ? lines :
			    a.a_flag['w'] ? words : bytes);
			continue;
		}
		if (a.a_flag['l'])
			sb_printf(io->io_out, "%*zu", nf == 0 ? 7 : 1, lines);
		if (a.a_flag['w'])
			sb_printf(io->io_out, "%s%*zu", a.a_flag['l'] ? " " :
			    "", nf == 0 ? 7 : 1, words);
		if (a.a_flag['c'] || a.a_flag['m'])
			sb_printf(io->io_out, "%s%*zu", a.a_flag['l'] ||
			    a.a_flag['w'] ? " " : "", nf == 0 ? 7 : 1, bytes);
		if (nf > 0)
			sb_printf(io->io_out, " %s", a.a_op[i]);
		sb_puts(io->io_out, "\n");
	}
	if (nf > 1)
		sb_printf(io->io_out, "%zu %zu %zu total\n", tl, tw, tb);
	return (status);
}

/* head and tail: -n N, -N, files or stdin. */
static int
head_tail(struct shell *sh, int argc, char **argv, struct cmd_io *io,
    int tail)
{
	struct args	 a;
	const char	*data, *p, *end;
	size_t		 len, want = 10, have;
	int		 i, status = 0;

	if (argc > 1 && argv[1][0] == '-' && isdigit((unsigned char)argv[1][1]))
		want = (size_t)strtoul(argv[1] + 1, NULL, 10);
	args_parse(argc, argv, "nc0123456789", &a);
	if (a.a_val['n'] != NULL)
		want = (size_t)strtoul(a.a_val['n'][0] == '+' ||
		    a.a_val['n'][0] == '-' ? a.a_val['n'] + 1 : a.a_val['n'],
		    NULL, 10);
	for (i = 0; i < a.a_nop || (a.a_nop == 0 && i == 0); i++) {
		if (a.a_nop == 0)
			data = input_of(io, &len);
		else if (cat_file(sh, argv[0], a.a_op[i], io, &data, &len) !=
		    0) {
			status = 1;
			continue;
		}
		if (a.a_nop > 1)
			sb_printf(io->io_out, "%s==> %s <==\n", i > 0 ? "\n" :
			    "", a.a_op[i]);
		end = data + len;
		if (!tail) {
			for (p = data, have = 0; p < end && have < want; p++)
				if (*p == '\n')
					have++;
			sb_add(io->io_out, data, (size_t)(p - data));
			continue;
		}
		p = end;
		if (p > data && p[-1] == '\n')
			p--;
		for (have = 0; p > data; p--)
			if (p[-1] == '\n' && ++have == want)
				break;
		sb_add(io->io_out, p, (size_t)(end - p));
	}
	return (status);
}

static int
cmd_head(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	return (head_tail(sh, argc, argv, io, 0));
}

static int
cmd_tail(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	return (head_tail(sh, argc, argv, io, 1));
}

/* cut -d X -f N[,M]... */
static int
cmd_cut(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;
	const char	*data, *p, *nl, *end, *f, *fe;
	char		 delim = '\t', want[64], *endp;
	size_t		 len, field;
	int		 i, k, first, status = 0;

	args_parse(argc, argv, "dfcb", &a);
	if (a.a_val['f'] == NULL) {
		sb_puts(io->io_err, "cut: you must specify a list of bytes, "
		    "characters, or fields\nTry `cut --help' for more "
		    "information.\n");
		return (1);
	}
	if (a.a_val['d'] != NULL && a.a_val['d'][0] != '\0')
		delim = a.a_val['d'][0];
	memset(want, 0, sizeof(want));
	for (p = a.a_val['f']; *p != '\0';) {
		k = (int)strtol(p, &endp, 10);
		if ((f = endp) == p)
			break;
		if (k > 0 && k < 64)
			want[k] = 1;
		if (*f == '-')
			for (i = k; i < 64; i++)
				want[i] = 1;
		p = f;
		while (*p != '\0' && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
	for (i = 0; i < a.a_nop || (a.a_nop == 0 && i == 0); i++) {
		if (a.a_nop == 0)
			data = input_of(io, &len);
		else if (cat_file(sh, "cut", a.a_op[i], io, &data, &len) != 0) {
			status = 1;
			continue;
		}
		for (p = data, end = data + len; p < end; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
				nl = end;
			if (memchr(p, delim, (size_t)(nl - p)) == NULL) {
				sb_add(io->io_out, p, (size_t)(nl - p));
				sb_puts(io->io_out, "\n");
				continue;
			}
			first = 1;
			for (f = p, field = 1; f <= nl; field++) {
				if ((fe = memchr(f, delim, (size_t)(nl - f))) ==
				    NULL)
					fe = nl;
				if (field < 64 && want[field]) {
					if (!first)
						sb_add(io->io_out, &delim, 1);
					sb_add(io->io_out, f, (size_t)(fe - f));
					first = 0;
				}
				f = fe + 1;
			}
			sb_puts(io->io_out, "\n");
		}
	}
	return (status);
}

/* awk '{print $N, ...}' with -F, enough for the usual one-liners. */
static int
cmd_awk(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;
	const char	*prog = NULL, *data, *p, *nl, *end, *q, *pr;
	const char	*fs[64], *fe[64];
	char		 sep = 0, pat[256];
	size_t		 len, nf, k, plen = 0;
	int		 i, idx, status = 0, started;

	args_parse(argc, argv, "Fv", &a);
	if (a.a_val['F'] != NULL && a.a_val['F'][0] != '\0')
		sep = a.a_val['F'][0];
	if (a.a_nop == 0) {
		sb_puts(io->io_err, "usage: awk [-F value] [-v var=value] "
		    "[--] 'program text' [file ...]\n");
		return (2);
	}
	prog = a.a_op[0];
	/* An optional /pattern/ before the action. */
	pat[0] = '\0';
	if (prog[0] == '/' && (q = strchr(prog + 1, '/')) != NULL &&
	    (size_t)(q - prog - 1) < sizeof(pat)) {
		plen = (size_t)(q - prog - 1);
		memcpy(pat, prog + 1, plen);
		pat[plen] = '\0';
	}
	pr = strstr(prog, "print");
	for (i = 1; i < a.a_nop || (a.a_nop == 1 && i == 1); i++) {
		if (a.a_nop == 1)
			data = input_of(io, &len);
		else if (cat_file(sh, "awk", a.a_op[i], io, &data, &len) != 0) {
			status = 2;
			continue;
		}
		for (p = data, end = data + len; p < end; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
				nl = end;
			if (plen > 0 && memmem(p, (size_t)(nl - p), pat,
			    plen) == NULL)
				continue;
			/* Split into fields. */
			for (nf = 0, q = p; q < nl && nf < 64;) {
				if (sep == 0) {
					while (q < nl && isspace((unsigned char)*q))
						q++;
					if (q >= nl)
						break;
					fs[nf] = q;
					while (q < nl &&
					    !isspace((unsigned char)*q))
						q++;
					fe[nf++] = q;
				} else {
					fs[nf] = q;
					while (q < nl && *q != sep)
						q++;
					fe[nf++] = q;
					if (q < nl)
						q++;
					else
						break;
				}
			}
			if (pr == NULL) {
				sb_add(io->io_out, p, (size_t)(nl - p));
				sb_puts(io->io_out, "\n");
				continue;
			}
			started = 0;
			for (q = pr + 5; *q != '\0' && *q != '}' && *q != ';';
			    q++) {
				if (*q == ',' ) {
					sb_puts(io->io_out, " ");
					continue;
				}
				if (*q == '"') {
					for (q++; *q != '\0' && *q != '"'; q++)
						sb_add(io->io_out, q, 1);
					if (*q == '\0')
						break;
					continue;
				}
				if (*q != '$')
					continue;
				if (strncmp(q + 1, "NF", 2) == 0) {
					idx = (int)nf;
					q += 2;
				} else {
					idx = (int)strtol(q + 1, NULL, 10);
					while (isdigit((unsigned char)q[1]))
						q++;
				}
				started = 1;
				if (idx == 0)
					sb_add(io->io_out, p, (size_t)(nl - p));
				else if ((size_t)idx <= nf) {
					k = (size_t)idx - 1;
					sb_add(io->io_out, fs[k],
					    (size_t)(fe[k] - fs[k]));
				}
			}
			if (!started && strchr(pr + 5, '$') == NULL &&
			    strchr(pr + 5, '"') == NULL)
				sb_add(io->io_out, p, (size_t)(nl - p));
			sb_puts(io->io_out, "\n");
			if (nl == end)
				break;
		}
	}
	return (status);
}

/* The machine. */

static int
cmd_uname(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	const struct shell_conf	*c = sh->sh_conf;
	struct args		 a;
	const char		*parts[8];
	int			 n = 0, i, all;

	args_parse(argc, argv, "", &a);
	if (a.a_long != NULL && strcmp(a.a_long, "--all") != 0) {
		sb_printf(io->io_err, "uname: unrecognized option '%s'\n"
		    "Try `uname --help' for more information.\n", a.a_long);
		return (1);
	}
	all = a.a_flag['a'] || a.a_long != NULL;
	if (all || a.a_flag['s'])
		parts[n++] = "Linux";
	if (all || a.a_flag['n'])
		parts[n++] = c->sc_hostname;
	if (all || a.a_flag['r'])
		parts[n++] = c->sc_release;
	if (all || a.a_flag['v'])
		parts[n++] = c->sc_version;
	if (all || a.a_flag['m'])
		parts[n++] = c->sc_machine;
	if (all || a.a_flag['p'])
		parts[n++] = c->sc_machine;
	if (all || a.a_flag['i'])
		parts[n++] = c->sc_machine;
	if (all || a.a_flag['o'])
		parts[n++] = "GNU/Linux";
	if (n == 0)
		parts[n++] = "Linux";
	for (i = 0; i < n; i++)
		sb_printf(io->io_out, "%s%s", i ? " " : "", parts[i]);
	sb_puts(io->io_out, "\n");
	return (0);
}

static int
cmd_id(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;

	args_parse(argc, argv, "", &a);
	if (a.a_nop > 0 && strcmp(a.a_op[0], sh->sh_user) != 0 &&
	    strcmp(a.a_op[0], "root") != 0) {
		sb_printf(io->io_err, "id: %s: No such user\n", a.a_op[0]);
		return (1);
	}
	if (a.a_nop > 0 && strcmp(a.a_op[0], "root") == 0) {
		sb_puts(io->io_out, "uid=0(root) gid=0(root) groups=0(root)\n");
		return (0);
	}
	if (a.a_flag['u'] || a.a_flag['g']) {
		if (a.a_flag['n'])
			sb_printf(io->io_out, "%s\n", sh->sh_user);
		else
			sb_printf(io->io_out, "%u\n", sh->sh_uid);
		return (0);
	}
	if (sh->sh_uid == 0)
		sb_puts(io->io_out, "uid=0(root) gid=0(root) groups=0(root)\n");
	else
		sb_printf(io->io_out, "uid=1000(%s) gid=1000(%s) "
		    "groups=1000(%s),4(adm),24(cdrom),27(sudo),30(dip),"
		    "46(plugdev),110(lpadmin),111(sambashare)\n", sh->sh_user,
		    sh->sh_user, sh->sh_user);
	return (0);
}

static int
cmd_whoami(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	(void)argc;
	(void)argv;
	sb_printf(io->io_out, "%s\n", sh->sh_user);
	return (0);
}

static int
cmd_hostname(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	if (argc > 1 && argv[1][0] != '-') {
		if (sh->sh_uid != 0) {
			sb_puts(io->io_err, "hostname: you must be root to "
			    "change the host name\n");
			return (1);
		}
		return (0);
	}
	sb_printf(io->io_out, "%s\n", sh->sh_conf->sc_hostname);
	return (0);
}

static void
fmt_uptime(struct shell *sh, struct sbuf *out)
{
	time_t		 now = time(NULL), up;
	struct tm	 tm;
	char		 clock[16] = "00:00:00";
	long long	 days, hours, mins;

	up = now - sh->sh_conf->sc_boot;
	if (up < 0)
		up = 0;
	days = (long long)up / 86400;
	hours = ((long long)up % 86400) / 3600;
	mins = ((long long)up % 3600) / 60;
	if (gmtime_r(&now, &tm) != NULL)
		(void)strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	sb_printf(out, " %s up ", clock);
	if (days > 0)
		sb_printf(out, "%lld day%s, ", days, days == 1 ? "" : "s");
	if (hours > 0)
		sb_printf(out, "%2lld:%02lld", hours, mins);
	else
		sb_printf(out, "%lld min", mins);
	sb_puts(out, ",  1 user,  load average: 0.00, 0.01, 0.05\n");
}

static int
cmd_uptime(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	(void)argc;
	(void)argv;
	fmt_uptime(sh, io->io_out);
	return (0);
}

static int
cmd_w(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	time_t		 login = time(NULL);
	struct tm	 tm;
	char		 when[16] = "00:00", from[17], full[32];

	(void)argc;
	if (gmtime_r(&login, &tm) != NULL)
		(void)strftime(when, sizeof(when), "%H:%M", &tm);
	(void)strlcpy(from, sh->sh_conf->sc_src, sizeof(from));
	if (strcmp(argv[0], "who") == 0) {
		if (gmtime_r(&login, &tm) != NULL)
			(void)strftime(full, sizeof(full), "%Y-%m-%d %H:%M",
			    &tm);
		sb_printf(io->io_out, "%-8s pts/0        %s (%s)\n",
		    sh->sh_user, full, sh->sh_conf->sc_src);
		return (0);
	}
	fmt_uptime(sh, io->io_out);
	sb_printf(io->io_out, "USER     TTY      FROM             LOGIN@   "
	    "IDLE   JCPU   PCPU WHAT\n%-8.8s pts/0    %-16s %-5s    0.00s  "
	    "0.00s  0.00s w\n", sh->sh_user, from, when);
	return (0);
}

static int
cmd_ps(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	const struct proc_ent	*p;
	struct tm		 tm;
	char			 start[16] = "Jan01", user[16];
	size_t			 i, np = sizeof(procs) / sizeof(procs[0]);
	int			 full = 0, ef = 0, k;
	unsigned int		 spid;
	time_t			 boot = sh->sh_conf->sc_boot, now = time(NULL);
	char			 today[16] = "00:00";

	for (k = 1; k < argc; k++) {
		if (strchr(argv[k], 'a') != NULL || strchr(argv[k], 'x') !=
		    NULL)
			full = 1;
		if (strchr(argv[k], 'e') != NULL || strchr(argv[k], 'f') !=
		    NULL || strchr(argv[k], 'A') != NULL)
			ef = 1;
	}
	if (gmtime_r(&boot, &tm) != NULL)
		(void)strftime(start, sizeof(start), "%b%d", &tm);
	/* The login's own processes started today. */
	if (gmtime_r(&now, &tm) != NULL)
		(void)strftime(today, sizeof(today), "%H:%M", &tm);
	spid = sh->sh_pid - 12;
	(void)strlcpy(user, sh->sh_user, sizeof(user));
	if (!full && !ef) {
		sb_printf(io->io_out, "  PID TTY          TIME CMD\n"
		    "%5u pts/0    00:00:00 bash\n%5u pts/0    00:00:00 ps\n",
		    sh->sh_pid, sh->sh_pid + 31);
		return (0);
	}
	if (ef)
		sb_puts(io->io_out, "UID        PID  PPID  C STIME TTY          "
		    "TIME CMD\n");
	else
		sb_puts(io->io_out, "USER       PID %CPU %MEM    VSZ   RSS TTY"
		    "      STAT START   TIME COMMAND\n");
	for (i = 0; i < np; i++) {
		p = &procs[i];
		if (ef)
			sb_printf(io->io_out, "%-8.8s %5u %5u  0 %s ?        "
			    "00:00:%02u %s\n", p->p_user, p->p_pid, p->p_ppid,
			    start, p->p_rss / 4000, p->p_cmd);
		else
			sb_printf(io->io_out, "%-8.8s %5u  0.0  %3.1f %6u %5u "
			    "?        %-4s %s   0:%02u %s\n", p->p_user,
			    p->p_pid, (double)p->p_rss / 20499.88, p->p_vsz,
			    p->p_rss, p->p_stat, start, p->p_rss / 4000,
			    p->p_cmd);
	}
	if (ef) {
		sb_printf(io->io_out, "root     %5u   655  0 %s ?        "
		    "00:00:00 sshd: %s@pts/0\n", spid, today, user);
		sb_printf(io->io_out, "%-8.8s %5u %5u  0 %s pts/0    "
		    "00:00:00 -bash\n", user, sh->sh_pid, spid, today);
		sb_printf(io->io_out, "%-8.8s %5u %5u  0 %s pts/0    "
		    "00:00:00 ps %s\n", user, sh->sh_pid + 31, sh->sh_pid,
		    today, argc > 1 ? argv[1] : "");
	} else {
		sb_printf(io->io_out, "root     %5u  0.0  0.1  73436  3552 ?"
		    "        Ss   %s   0:00 sshd: %s@pts/0\n", spid, today, user);
		sb_printf(io->io_out, "%-8.8s %5u  0.0  0.1  21196  3972 "
		    "pts/0    Ss   %s   0:00 -bash\n", user, sh->sh_pid, today);
		sb_printf(io->io_out, "%-8.8s %5u  0.0  0.0  16872  1268 "
		    "pts/0    R+   %s   0:00 ps %s\n", user, sh->sh_pid + 31,
		    today, argc > 1 ? argv[1] : "");
	}
	return (0);
}

static int
cmd_top(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	(void)argc;
	(void)argv;
	sb_puts(io->io_out, "top - ");
	{
		struct sbuf	 up;

		sb_init(&up, 256);
		fmt_uptime(sh, &up);
		if (up.sb_buf != NULL)
			sb_puts(io->io_out, up.sb_buf + 1);
		sb_free(&up);
	}
	sb_puts(io->io_out, "Tasks:  98 total,   1 running,  97 sleeping,   0 "
	    "stopped,   0 zombie\nCpu(s):  0.3%us,  0.2%sy,  0.0%ni, 99.5%id,"
	    "  0.0%wa,  0.0%hi,  0.0%si,  0.0%st\nMem:   2049988k total,  "
	    "1183064k used,   866924k free,   180156k buffers\nSwap:  "
	    "2095100k total,        0k used,  2095100k free,   732436k "
	    "cached\n\n  PID USER      PR  NI  VIRT  RES  SHR S %CPU %MEM    "
	    "TIME+  COMMAND\n  890 mysql     20   0  481m  43m 7984 S  0.3  "
	    "2.2   2:13.07 mysqld\n    1 root      20   0 24448 2268 1344 S  "
	    "0.0  0.1   0:01.12 init\n    2 root      20   0     0    0    0 "
	    "S  0.0  0.0   0:00.00 kthreadd\n");
	return (0);
}

static int
cmd_free(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	static const unsigned long long v[] = { 2049988, 1183064, 866924, 0,
	    180156, 732436, 270472, 1779516, 2095100, 0, 2095100 };
	unsigned long long	 d[11];
	struct args		 a;
	size_t			 i;

	(void)sh;
	args_parse(argc, argv, "s", &a);
	if (a.a_flag['h'] || a.a_long != NULL) {
		sb_printf(io->io_err, "free: invalid option -- '%c'\n"
		    "usage: free [-b|-k|-m|-g] [-l] [-o] [-t] [-s delay] "
		    "[-c count] [-V]\n", a.a_flag['h'] ? 'h' : '-');
		return (1);
	}
	for (i = 0; i < 11; i++)
		d[i] = a.a_flag['m'] ? v[i] / 1024 : a.a_flag['g'] ?
		    v[i] / 1048576 : a.a_flag['b'] ? v[i] * 1024 : v[i];
	sb_printf(io->io_out, "             total       used       free     "
	    "shared    buffers     cached\nMem:    %10llu %10llu %10llu "
	    "%10llu %10llu %10llu\n-/+ buffers/cache: %10llu %10llu\n"
	    "Swap:   %10llu %10llu %10llu\n", d[0], d[1], d[2], d[3], d[4],
	    d[5], d[6], d[7], d[8], d[9], d[10]);
	return (0);
}

static int
cmd_df(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;

	(void)sh;
	args_parse(argc, argv, "", &a);
	if (a.a_flag['h'])
		sb_puts(io->io_out, "Filesystem      Size  Used Avail Use% "
		    "Mounted on\n/dev/sda1        20G  2.3G   17G  13% /\n"
		    "udev            991M  4.0K  991M   1% /dev\n"
		    "tmpfs           401M  280K  401M   1% /run\n"
		    "none            5.0M     0  5.0M   0% /run/lock\n"
		    "none           1002M     0 1002M   0% /run/shm\n");
	else
		sb_puts(io->io_out, "Filesystem     1K-blocks    Used "
		    "Available Use% Mounted on\n/dev/sda1       20509308 "
		    "2388112  17072516  13% /\nudev              1014388       "
		    "4   1014384   1% /dev\ntmpfs              410000     280 "
		    "   409720   1% /run\nnone                 5120       0 "
		    "     5120   0% /run/lock\nnone              1024996       "
		    "0   1024996   0% /run/shm\n");
	return (0);
}

static int
cmd_nproc(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	(void)sh;
	(void)argc;
	(void)argv;
	sb_puts(io->io_out, "2\n");
	return (0);
}

static int
cmd_lscpu(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	(void)argc;
	(void)argv;
	sb_printf(io->io_out, "Architecture:          %s\n"
	    "CPU op-mode(s):        32-bit, 64-bit\nByte Order:            "
	    "Little Endian\nCPU(s):                2\nOn-line CPU(s) list:   "
	    "0,1\nThread(s) per core:    1\nCore(s) per socket:    2\n"
	    "Socket(s):             1\nNUMA node(s):          1\n"
	    "Vendor ID:             GenuineIntel\nCPU family:            6\n"
	    "Model:                 45\nStepping:              7\n"
	    "CPU MHz:               1999.999\nBogoMIPS:              3999.99\n"
	    "Hypervisor vendor:     Xen\nVirtualization type:   full\n"
	    "L1d cache:             32K\nL1i cache:             32K\n"
	    "L2 cache:              256K\nL3 cache:              20480K\n"
	    "NUMA node0 CPU(s):     0,1\n", sh->sh_conf->sc_machine);
	return (0);
}

static int
cmd_date(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	time_t		 now = time(NULL);
	struct tm	 tm;
	char		 buf[128];

	(void)sh;
	if (gmtime_r(&now, &tm) == NULL)
		return (1);
	if (argc > 1 && argv[1][0] == '+' && strlen(argv[1]) < 64 &&
	    strchr(argv[1], 'n') == NULL) {
		if (strftime(buf, sizeof(buf), argv[1] + 1, &tm) == 0)
			buf[0] = '\0';
	} else
		(void)strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S UTC %Y",
		    &tm);
	sb_printf(io->io_out, "%s\n", buf);
	return (0);
}

static int
cmd_env(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	size_t	 i;

	(void)argc;
	(void)argv;
	sb_printf(io->io_out, "TERM=%s\nSHELL=/bin/bash\nSSH_CLIENT=%s 51234 22"
	    "\nSSH_TTY=/dev/pts/0\nUSER=%s\nMAIL=/var/mail/%s\nPWD=%s\n"
	    "HOME=%s\nSHLVL=1\nLOGNAME=%s\nSSH_CONNECTION=%s 51234 %s 22\n"
	    "_=/usr/bin/env\n", sh->sh_term, sh->sh_conf->sc_src, sh->sh_user,
	    sh->sh_user, sh->sh_cwd, sh->sh_home, sh->sh_user,
	    sh->sh_conf->sc_src, sh->sh_conf->sc_addr);
	for (i = 0; i < sh->sh_nvars; i++)
		if (strcmp(sh->sh_vars[i].sv_name, "SHELL") != 0)
			sb_printf(io->io_out, "%s=%s\n",
			    sh->sh_vars[i].sv_name, sh->sh_vars[i].sv_value);
	return (0);
}

static int
cmd_clear(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	(void)sh;
	(void)argc;
	(void)argv;
	sb_puts(io->io_out, "\033[H\033[2J");
	return (0);
}

static int
cmd_crontab(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;

	args_parse(argc, argv, "u", &a);
	if (a.a_flag['l'])
		sb_printf(io->io_err, "no crontab for %s\n", sh->sh_user);
	return (a.a_flag['l'] ? 1 : 0);
}

static int
cmd_passwd(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	(void)argc;
	(void)argv;
	if (sh->sh_uid != 0)
		sb_printf(io->io_out, "Changing password for %s.\n",
		    sh->sh_user);
	sb_puts(io->io_err, "passwd: Authentication token manipulation "
	    "error\npasswd: password unchanged\n");
	return (10);
}

static int
cmd_ifconfig(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	(void)argc;
	(void)argv;
	sb_printf(io->io_out, "eth0      Link encap:Ethernet  HWaddr "
	    "52:54:00:3a:7c:19  \n          inet addr:%s  Bcast:0.0.0.0  "
	    "Mask:255.255.255.0\n          UP BROADCAST RUNNING MULTICAST  "
	    "MTU:1500  Metric:1\n          RX packets:4783129 errors:0 "
	    "dropped:0 overruns:0 frame:0\n          TX packets:3920114 "
	    "errors:0 dropped:0 overruns:0 carrier:0\n          collisions:0 "
	    "txqueuelen:1000 \n          RX bytes:1839920271 (1.8 GB)  TX "
	    "bytes:938402871 (938.4 MB)\n\nlo        Link encap:Local Loopback"
	    "  \n          inet addr:127.0.0.1  Mask:255.0.0.0\n          UP "
	    "LOOPBACK RUNNING  MTU:16436  Metric:1\n          RX packets:2214 "
	    "errors:0 dropped:0 overruns:0 frame:0\n          TX packets:2214 "
	    "errors:0 dropped:0 overruns:0 carrier:0\n          collisions:0 "
	    "txqueuelen:0 \n          RX bytes:196742 (196.7 KB)  TX "
	    "bytes:196742 (196.7 KB)\n\n", sh->sh_conf->sc_addr);
	return (0);
}

static int
cmd_apt(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	int	 i;

	if (sh->sh_uid != 0) {
		sb_puts(io->io_err, "E: Could not open lock file /var/lib/dpkg/"
		    "lock - open (13: Permission denied)\nE: Unable to lock the "
		    "administration directory (/var/lib/dpkg/), are you root?\n");
		return (100);
	}
	if (argc < 2) {
		sb_puts(io->io_out, "apt 0.8.16~exp12ubuntu10.16 for amd64 "
		    "compiled on Nov 14 2013 16:44:12\nUsage: apt-get [options] "
		    "command\n");
		return (0);
	}
	sb_puts(io->io_out, "Reading package lists... Done\n");
	if (strcmp(argv[1], "install") != 0)
		return (0);
	sb_puts(io->io_out, "Building dependency tree       \nReading state "
	    "information... Done\n");
	for (i = 2; i < argc; i++)
		if (argv[i][0] != '-') {
			sb_printf(io->io_err, "E: Unable to locate package %s\n",
			    argv[i]);
			return (100);
		}
	return (0);
}

/* Downloads: the URL is what we are after; nothing is fetched. */

/* The host of a URL, and whether it is an address. */
static int
url_host(const char *url, char *host, size_t size, int *isaddr)
{
	const char	*p, *e;
	size_t		 len;

	if ((p = strstr(url, "://")) != NULL)
		p += 3;
	else
		p = url;
	if ((e = strchr(p, '@')) != NULL && e < p + strcspn(p, "/"))
		p = e + 1;
	len = strcspn(p, ":/?#");
	if (len == 0 || len >= size)
		return (-1);
	memcpy(host, p, len);
	host[len] = '\0';
	*isaddr = strspn(host, "0123456789.") == len;
	return (0);
}

static void
download_event(struct shell *sh, const char *program, const char *url)
{
	json_t	*ev;

	if ((ev = svc_event("honeyspy.command.download")) == NULL)
		return;
	shell_event_text(ev, "url", url, strlen(url));
	(void)hs_event_set_str(ev, "program", program);
	(void)hs_event_set_str(ev, "username", sh->sh_user);
	svc_emit(ev);
}

static int
cmd_wget(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;
	char		 host[256], stamp[32];
	char		*url;
	time_t		 now = time(NULL);
	struct tm	 tm;
	int		 i, isaddr, quiet;

	(void)sh;
	args_parse(argc, argv, "OoPtTUeY", &a);
	quiet = a.a_flag['q'];
	if (a.a_nop == 0) {
		sb_puts(io->io_err, "wget: missing URL\nUsage: wget [OPTION]... "
		    "[URL]...\n\nTry `wget --help' for more options.\n");
		return (1);
	}
	stamp[0] = '\0';
	if (gmtime_r(&now, &tm) != NULL)
		(void)strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	for (i = 0; i < a.a_nop; i++) {
		if (strstr(a.a_op[i], "://") == NULL) {
			if (asprintf(&url, "http://%s", a.a_op[i]) == -1)
				return (1);
		} else if ((url = strdup(a.a_op[i])) == NULL)
			return (1);
		download_event(sh, argv[0], url);
		if (url_host(url, host, sizeof(host), &isaddr) == -1) {
			if (!quiet)
				sb_printf(io->io_err, "%s: Invalid URL %s: "
				    "Invalid host name.\n", url, url);
			free(url);
			continue;
		}
		if (!quiet)
			sb_printf(io->io_err, "--%s--  %s\n", stamp, url);
		if (quiet)
			;
		else if (isaddr)
			sb_printf(io->io_err, "Connecting to %s:%s... failed: "
			    "Connection refused.\n", host,
			    strncmp(url, "https", 5) == 0 ? "443" : "80");
		else
			sb_printf(io->io_err, "Resolving %s (%s)... failed: "
			    "Name or service not known.\nwget: unable to "
			    "resolve host address `%s'\n", host, host, host);
		free(url);
	}
	return (4);
}

static int
cmd_curl(struct shell *sh, int argc, char **argv, struct cmd_io *io)
{
	struct args	 a;
	char		 host[256];
	int		 i, isaddr, quiet, status = 0;

	args_parse(argc, argv, "oOHdAeuXxTrwmFbc", &a);
	/* -O takes no value; args_parse gave it the URL: put it back. */
	if (a.a_val['O'] != NULL && a.a_nop < OPERANDS_MAX)
		a.a_op[a.a_nop++] = a.a_val['O'];
	quiet = a.a_flag['s'] && !a.a_flag['S'];
	if (a.a_nop == 0) {
		sb_puts(io->io_err, "curl: try 'curl --help' or 'curl --manual' "
		    "for more information\n");
		return (2);
	}
	for (i = 0; i < a.a_nop; i++) {
		download_event(sh, "curl", a.a_op[i]);
		if (url_host(a.a_op[i], host, sizeof(host), &isaddr) == -1) {
			if (!quiet)
				sb_puts(io->io_err, "curl: (3) <url> malformed\n");
			status = 3;
			continue;
		}
		if (isaddr) {
			if (!quiet)
				sb_puts(io->io_err, "curl: (7) couldn't connect "
				    "to host\n");
			status = 7;
		} else {
			if (!quiet)
				sb_printf(io->io_err, "curl: (6) Couldn't "
				    "resolve host '%s'\n", host);
			status = 6;
		}
	}
	return (status);
}
