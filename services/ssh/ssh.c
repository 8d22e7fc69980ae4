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
 * ssh: a fake SSH server with a fake shell, inetd-style.
 *
 * libssh speaks the protocol on the connection we are given as fd 0.
 * Every password and keyboard-interactive attempt is logged with its
 * credentials and judged by a configurable policy; whoever gets in finds
 * the shell of shell.c, whose every command line is logged too.  Nothing
 * the client sends ever runs: the shell only pretends.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "svc.h"
#include "shell.h"

#define SSH_DEFAULT_BANNER	"OpenSSH_5.9p1 Debian-5ubuntu1.4"
#define SSH_DEFAULT_HOST	"web01"
#define SSH_DEFAULT_RELEASE	"3.2.0-58-generic"
#define SSH_DEFAULT_VERSION	"#88-Ubuntu SMP Tue Dec 3 17:37:58 UTC 2013"
#define SSH_DEFAULT_ISSUE	"Ubuntu 12.04.4 LTS"
#define SSH_INPUT_MAX		1048576	/* bytes a session may send */
#define SSH_CREDS_MAX		1024
#define SSH_MOTD_MAX		8192
#define SSH_FLUSH_CHUNK		32768

/*
 * Old clients and bots still speak SHA-1 and CBC; new ones want
 * curve25519 and AEAD ciphers.  We take both, as a server of any age
 * that has seen some upgrades would.
 */
#define SSH_KEX		"curve25519-sha256,curve25519-sha256@libssh.org," \
			"ecdh-sha2-nistp256,ecdh-sha2-nistp384," \
			"ecdh-sha2-nistp521,diffie-hellman-group16-sha512," \
			"diffie-hellman-group18-sha512," \
			"diffie-hellman-group14-sha256," \
			"diffie-hellman-group14-sha1,diffie-hellman-group1-sha1"
#define SSH_HOSTKEYS	"ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512," \
			"rsa-sha2-256,ssh-rsa"
#define SSH_CIPHERS	"chacha20-poly1305@openssh.com," \
			"aes128-gcm@openssh.com,aes256-gcm@openssh.com," \
			"aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc," \
			"aes192-cbc,aes256-cbc,3des-cbc"
#define SSH_MACS	"hmac-sha2-256-etm@openssh.com," \
			"hmac-sha2-512-etm@openssh.com,hmac-sha2-256," \
			"hmac-sha2-512,hmac-sha1"

/* One line of the acceptance policy: user and password, "*" for any. */
struct cred {
	const char	*cr_user;
	const char	*cr_pass;
	int		 cr_deny;	/* "user:!pass" refuses that password */
};

struct options {
	const char	*o_banner;
	const char	*o_keydir;
	int		 o_accept_after;	/* 0: only the credentials */
	int		 o_maxtries;
	int		 o_idle;
	int		 o_session;
	int		 o_grace;
	struct cred	 o_creds[SSH_CREDS_MAX];
	size_t		 o_ncreds;
	struct shell_conf o_conf;
};

struct ctx {
	struct options		*c_opt;
	ssh_session		 c_session;
	ssh_channel		 c_channel;
	struct shell		*c_shell;
	char			 c_user[256];	/* who got in */
	char			 c_kbduser[256];
	int			 c_authed;
	int			 c_attempts;
	int			 c_toomany;
	int			 c_pty;
	char			 c_term[32];
	int			 c_cols;
	int			 c_rows;
	int			 c_closing;
	int			 c_chanclosed;
	int			 c_eof;		/* the client sent EOF */
	time_t			 c_closing_at;
	time_t			 c_last;
	size_t			 c_bytes_in;
	struct ssh_server_callbacks_struct	 c_server_cb;
	struct ssh_channel_callbacks_struct	 c_chan_cb;
};

/* SIGALRM: a time limit is up.  Before the key exchange, just go. */
static volatile sig_atomic_t	 expired;
static volatile sig_atomic_t	 serving;

static const struct cred default_creds[] = {
	{ "root", "root", 0 },
	{ "root", "123456", 0 },
	{ "root", "password", 0 },
	{ "admin", "admin", 0 },
	{ "ubuntu", "ubuntu", 0 },
};

static void	 usage(void) __attribute__((__noreturn__));
static int	 add_cred(struct options *, const char *);
static int	 load_creds(struct options *, const char *);
static char	*read_small(const char *, size_t);
static int	 hostkeys(ssh_bind, const char *);
static ssh_key	 hostkey(const char *, enum ssh_keytypes_e, int);
static int	 login(struct ctx *, const char *, const char *, const char *);
static void	 start_shell(struct ctx *, enum shell_mode);
static void	 flush(struct ctx *);
static void	 feed(struct ctx *, const void *, size_t);
static void	 serve(struct ctx *, ssh_event);
static void	 emit_client_version(ssh_session);
static void	 quiet_log(int, const char *, const char *, void *);
static void	 on_alarm(int);

static int	 cb_auth_none(ssh_session, const char *, void *);
static int	 cb_auth_password(ssh_session, const char *, const char *,
		    void *);
static int	 cb_auth_pubkey(ssh_session, const char *, struct ssh_key_struct *,
		    char, void *);
static ssh_channel cb_channel_open(ssh_session, void *);
static int	 cb_message(ssh_session, ssh_message, void *);
static int	 cb_data(ssh_session, ssh_channel, void *, uint32_t, int,
		    void *);
static void	 cb_eof(ssh_session, ssh_channel, void *);
static void	 cb_close(ssh_session, ssh_channel, void *);
static int	 cb_pty(ssh_session, ssh_channel, const char *, int, int, int,
		    int, void *);
static int	 cb_window(ssh_session, ssh_channel, int, int, int, int,
		    void *);
static int	 cb_shell(ssh_session, ssh_channel, void *);
static int	 cb_exec(ssh_session, ssh_channel, const char *, void *);
static int	 cb_env(ssh_session, ssh_channel, const char *, const char *,
		    void *);
static int	 cb_subsystem(ssh_session, ssh_channel, const char *, void *);

static void
usage(void)
{
	fprintf(stderr, "usage: ssh [-b banner] [-c credfile] [-g grace] "
	    "[-H hostname] [-i issue]\n"
	    "           [-k keydir] [-M motdfile] [-m maxtries] [-n attempts] "
	    "[-r release]\n"
	    "           [-T seconds] [-t idle] [-u user:password] "
	    "[-v version]\n");
	exit(1);
}

/*
 * "user:password"; the password may hold colons, the user may not.  The
 * policy lasts as long as the program: its strings are never freed.
 */
static int
add_cred(struct options *o, const char *s)
{
	const char	*colon;
	struct cred	*c;
	char		*user, *pass;
	int		 deny;

	if ((colon = strchr(s, ':')) == NULL || colon == s ||
	    o->o_ncreds >= SSH_CREDS_MAX)
		return (-1);
	deny = colon[1] == '!';
	if ((user = strndup(s, (size_t)(colon - s))) == NULL)
		return (-1);
	if ((pass = strdup(colon + 1 + deny)) == NULL) {
		free(user);
		return (-1);
	}
	c = &o->o_creds[o->o_ncreds++];
	c->cr_user = user;
	c->cr_pass = pass;
	c->cr_deny = deny;
	return (0);
}

static int
load_creds(struct options *o, const char *path)
{
	FILE	*fp;
	char	 line[1024];
	size_t	 len;
	int	 lineno = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (add_cred(o, line) == -1) {
			fprintf(stderr, "ssh: %s:%d: not user:password\n", path,
			    lineno);
			(void)fclose(fp);
			errno = EINVAL;
			return (-1);
		}
	}
	(void)fclose(fp);
	return (0);
}

/* A small text file, NUL-terminated, or NULL. */
static char *
read_small(const char *path, size_t max)
{
	char	*buf;
	ssize_t	 n;
	size_t	 len = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (NULL);
	if ((buf = malloc(max + 1)) == NULL) {
		(void)close(fd);
		return (NULL);
	}
	while (len < max && (n = read(fd, buf + len, max - len)) > 0)
		len += (size_t)n;
	(void)close(fd);
	buf[len] = '\0';
	return (buf);
}

/*
 * A host key from dir, made on first use.  Two connections may race on
 * the first run: each writes a whole key to a temporary file and links
 * it into place, so the first one wins and the other uses the winner's.
 * When the directory cannot be written the key lives for this session.
 */
static ssh_key
hostkey(const char *dir, enum ssh_keytypes_e type, int bits)
{
	char		 path[PATH_MAX], tmp[PATH_MAX];
	const char	*name;
	ssh_key		 key = NULL, theirs = NULL;
	int		 fd;

	name = type == SSH_KEYTYPE_RSA ? "rsa" :
	    type == SSH_KEYTYPE_ED25519 ? "ed25519" : "ecdsa";
	if ((size_t)snprintf(path, sizeof(path), "%s/ssh_host_%s_key", dir,
	    name) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.ssh_host_%s_key.XXXXXX",
	    dir, name) >= sizeof(tmp))
		return (NULL);
	if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) ==
	    SSH_OK)
		return (key);
	if (ssh_pki_generate(type, bits, &key) != SSH_OK)
		return (NULL);
	/* A key file we cannot read is the operator's: leave it alone. */
	if (access(path, F_OK) == 0)
		return (key);
	if ((fd = mkstemp(tmp)) == -1)
		return (key);
	(void)close(fd);
	if (ssh_pki_export_privkey_file(key, NULL, NULL, NULL, tmp) !=
	    SSH_OK) {
		(void)unlink(tmp);
		return (key);
	}
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		(void)close(fd);
	}
	if (link(tmp, path) == -1 && errno == EEXIST &&
	    ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &theirs) ==
	    SSH_OK) {
		ssh_key_free(key);
		key = theirs;
	}
	(void)unlink(tmp);
	return (key);
}

static int
hostkeys(ssh_bind bind, const char *dir)
{
	static const struct {
		enum ssh_keytypes_e	 type;
		int			 bits;
	} kt[] = {
		{ SSH_KEYTYPE_RSA, 2048 },
		{ SSH_KEYTYPE_ECDSA_P256, 256 },
		{ SSH_KEYTYPE_ED25519, 0 },
	};
	ssh_key	 key;
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < sizeof(kt) / sizeof(kt[0]); i++) {
		if ((key = hostkey(dir, kt[i].type, kt[i].bits)) == NULL)
			continue;
		/* The bind owns the key from here. */
		if (ssh_bind_options_set(bind, SSH_BIND_OPTIONS_IMPORT_KEY,
		    key) != SSH_OK) {
			ssh_key_free(key);
			continue;
		}
		n++;
	}
	return (n > 0 ? 0 : -1);
}

/*
 * One login attempt: logged with what was tried, then judged.  The
 * policy's lines are read in order and the first that names the user
 * and password decides; -n lets the Nth attempt in whatever it is.
 */
static int
login(struct ctx *c, const char *user, const char *pass, const char *method)
{
	struct options	*o = c->c_opt;
	const struct cred *cr, *creds;
	size_t		 i, n;
	json_t		*ev;
	int		 ok = 0, decided = 0;

	c->c_last = time(NULL);
	c->c_attempts++;
	if (o->o_ncreds > 0) {
		creds = o->o_creds;
		n = o->o_ncreds;
	} else if (o->o_accept_after == 0) {
		creds = default_creds;
		n = sizeof(default_creds) / sizeof(default_creds[0]);
	} else {
		creds = NULL;
		n = 0;
	}
	for (i = 0; i < n && !decided; i++) {
		cr = &creds[i];
		if (strcmp(cr->cr_user, "*") != 0 &&
		    strcmp(cr->cr_user, user) != 0)
			continue;
		if (strcmp(cr->cr_pass, "*") != 0 &&
		    strcmp(cr->cr_pass, pass) != 0)
			continue;
		ok = !cr->cr_deny;
		decided = 1;
	}
	if (!decided && o->o_accept_after > 0 &&
	    c->c_attempts >= o->o_accept_after)
		ok = 1;
	if ((ev = svc_event(ok ? "honeyspy.login.success" :
	    "honeyspy.login.failed")) != NULL) {
		shell_event_text(ev, "username", user, strlen(user));
		shell_event_text(ev, "password", pass, strlen(pass));
		(void)hs_event_set_str(ev, "method", method);
		(void)hs_event_set_int(ev, "attempt", c->c_attempts);
		svc_emit(ev);
	}
	if (ok) {
		c->c_authed = 1;
		(void)strlcpy(c->c_user, user, sizeof(c->c_user));
		/* Logged in: the session limit replaces the login grace. */
		(void)alarm((unsigned int)o->o_session);
	} else if (c->c_attempts >= o->o_maxtries)
		c->c_toomany = 1;
	return (ok);
}

static int
cb_auth_none(ssh_session session, const char *user, void *arg)
{
	(void)session;
	(void)user;
	(void)arg;
	return (SSH_AUTH_DENIED);
}

static int
cb_auth_password(ssh_session session, const char *user, const char *pass,
    void *arg)
{
	struct ctx	*c = arg;

	(void)session;
	if (c->c_authed)
		return (SSH_AUTH_DENIED);
	return (login(c, user != NULL ? user : "", pass != NULL ? pass : "",
	    "password") ? SSH_AUTH_SUCCESS : SSH_AUTH_DENIED);
}

/* Keys are never good enough; which ones were offered is worth noting. */
static int
cb_auth_pubkey(ssh_session session, const char *user,
    struct ssh_key_struct *pubkey, char state, void *arg)
{
	struct ctx	*c = arg;
	unsigned char	*hash = NULL;
	size_t		 hlen;
	char		*fp;
	json_t		*ev;

	(void)session;
	c->c_last = time(NULL);
	if (state != SSH_PUBLICKEY_STATE_NONE || pubkey == NULL)
		return (SSH_AUTH_DENIED);
	if (ssh_get_publickey_hash(pubkey, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != SSH_OK)
		return (SSH_AUTH_DENIED);
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	if (fp != NULL && (ev = svc_event("honeyspy.client.fingerprint")) !=
	    NULL) {
		shell_event_text(ev, "username", user != NULL ? user : "",
		    user != NULL ? strlen(user) : 0);
		(void)hs_event_set_str(ev, "fingerprint", fp);
		(void)hs_event_set_str(ev, "key_type",
		    ssh_key_type_to_char(ssh_key_type(pubkey)));
		svc_emit(ev);
	}
	ssh_string_free_char(fp);
	return (SSH_AUTH_DENIED);
}

/* Keyboard-interactive: one "Password: " prompt, as PAM would ask. */
static int
cb_message(ssh_session session, ssh_message msg, void *arg)
{
	struct ctx	*c = arg;
	const char	*prompts[] = { "Password: " };
	char		 echo[] = { 0 };
	const char	*user, *pass;

	if (ssh_message_type(msg) != SSH_REQUEST_AUTH ||
	    ssh_message_subtype(msg) != SSH_AUTH_METHOD_INTERACTIVE ||
	    c->c_authed)
		return (1);
	if (!ssh_message_auth_kbdint_is_response(msg)) {
		user = ssh_message_auth_user(msg);
		(void)strlcpy(c->c_kbduser, user != NULL ? user : "",
		    sizeof(c->c_kbduser));
		(void)ssh_message_auth_interactive_request(msg, "", "", 1,
		    prompts, echo);
		return (0);
	}
	pass = ssh_userauth_kbdint_getnanswers(session) >= 1 ?
	    ssh_userauth_kbdint_getanswer(session, 0) : NULL;
	if (login(c, c->c_kbduser, pass != NULL ? pass : "",
	    "keyboard-interactive"))
		(void)ssh_message_auth_reply_success(msg, 0);
	else
		(void)ssh_message_reply_default(msg);
	return (0);
}

static ssh_channel
cb_channel_open(ssh_session session, void *arg)
{
	struct ctx	*c = arg;

	if (!c->c_authed || c->c_channel != NULL)
		return (NULL);
	if ((c->c_channel = ssh_channel_new(session)) == NULL)
		return (NULL);
	ssh_callbacks_init(&c->c_chan_cb);
	c->c_chan_cb.userdata = c;
	c->c_chan_cb.channel_data_function = cb_data;
	c->c_chan_cb.channel_eof_function = cb_eof;
	c->c_chan_cb.channel_close_function = cb_close;
	c->c_chan_cb.channel_pty_request_function = cb_pty;
	c->c_chan_cb.channel_pty_window_change_function = cb_window;
	c->c_chan_cb.channel_shell_request_function = cb_shell;
	c->c_chan_cb.channel_exec_request_function = cb_exec;
	c->c_chan_cb.channel_env_request_function = cb_env;
	c->c_chan_cb.channel_subsystem_request_function = cb_subsystem;
	if (ssh_set_channel_callbacks(c->c_channel, &c->c_chan_cb) !=
	    SSH_OK) {
		ssh_channel_free(c->c_channel);
		c->c_channel = NULL;
	}
	return (c->c_channel);
}

/* Client bytes for the shell, within the session's input budget. */
static void
feed(struct ctx *c, const void *data, size_t len)
{
	c->c_last = time(NULL);
	c->c_bytes_in += len;
	if (c->c_bytes_in > SSH_INPUT_MAX) {
		c->c_shell->sh_exit = 1;
		return;
	}
	shell_input(c->c_shell, data, len);
}

static int
cb_data(ssh_session session, ssh_channel channel, void *data, uint32_t len,
    int is_stderr, void *arg)
{
	struct ctx	*c = arg;

	(void)session;
	(void)channel;
	(void)is_stderr;
	/* Before the shell, data waits in libssh's buffer: see serve(). */
	if (c->c_shell == NULL)
		return (0);
	feed(c, data, len);
	return ((int)len);
}

/* Noted only: data sent before the shell may still wait in the buffer. */
static void
cb_eof(ssh_session session, ssh_channel channel, void *arg)
{
	struct ctx	*c = arg;

	(void)session;
	(void)channel;
	c->c_eof = 1;
}

static void
cb_close(ssh_session session, ssh_channel channel, void *arg)
{
	struct ctx	*c = arg;

	(void)session;
	(void)channel;
	c->c_chanclosed = 1;
}

static int
cb_pty(ssh_session session, ssh_channel channel, const char *term, int cols,
    int rows, int pxw, int pxh, void *arg)
{
	struct ctx	*c = arg;
	json_t		*ev;

	(void)session;
	(void)channel;
	(void)pxw;
	(void)pxh;
	c->c_last = time(NULL);
	c->c_pty = 1;
	(void)strlcpy(c->c_term, term != NULL ? term : "xterm",
	    sizeof(c->c_term));
	c->c_cols = cols;
	c->c_rows = rows;
	if ((ev = svc_event("honeyspy.client.size")) != NULL) {
		(void)hs_event_set_int(ev, "width", cols);
		(void)hs_event_set_int(ev, "height", rows);
		shell_event_text(ev, "term", c->c_term, strlen(c->c_term));
		svc_emit(ev);
	}
	return (0);
}

static int
cb_window(ssh_session session, ssh_channel channel, int cols, int rows,
    int pxw, int pxh, void *arg)
{
	struct ctx	*c = arg;

	(void)session;
	(void)channel;
	(void)pxw;
	(void)pxh;
	c->c_cols = cols;
	c->c_rows = rows;
	if (c->c_shell != NULL)
		shell_set_term(c->c_shell, NULL, cols, rows);
	return (0);
}

static void
start_shell(struct ctx *c, enum shell_mode mode)
{
	c->c_shell = shell_new(&c->c_opt->o_conf, c->c_user, mode);
	if (c->c_shell == NULL)
		return;
	shell_set_term(c->c_shell, c->c_pty ? c->c_term : NULL, c->c_cols,
	    c->c_rows);
	/* "ssh -t host cmd": one stream, and "\r\n" as a tty makes it. */
	c->c_shell->sh_pty = c->c_pty;
}

static int
cb_shell(ssh_session session, ssh_channel channel, void *arg)
{
	struct ctx	*c = arg;

	(void)session;
	(void)channel;
	if (c->c_shell != NULL)
		return (-1);
	c->c_last = time(NULL);
	start_shell(c, c->c_pty ? SHELL_INTERACTIVE : SHELL_SCRIPT);
	if (c->c_shell == NULL)
		return (-1);
	shell_start(c->c_shell);
	return (0);
}

static int
cb_exec(ssh_session session, ssh_channel channel, const char *cmd, void *arg)
{
	struct ctx	*c = arg;

	(void)session;
	(void)channel;
	if (c->c_shell != NULL || cmd == NULL)
		return (-1);
	c->c_last = time(NULL);
	start_shell(c, SHELL_EXEC);
	if (c->c_shell == NULL)
		return (-1);
	/* Runs now; its output goes out after the request's reply. */
	shell_exec(c->c_shell, cmd, strlen(cmd));
	return (0);
}

/* sshd takes LANG and LC_* (AcceptEnv); the shell ignores them. */
static int
cb_env(ssh_session session, ssh_channel channel, const char *name,
    const char *value, void *arg)
{
	(void)session;
	(void)channel;
	(void)value;
	(void)arg;
	return (name != NULL && (strcmp(name, "LANG") == 0 ||
	    strncmp(name, "LC_", 3) == 0) ? 0 : -1);
}

static int
cb_subsystem(ssh_session session, ssh_channel channel, const char *name,
    void *arg)
{
	(void)session;
	(void)channel;
	(void)name;
	(void)arg;
	return (-1);
}

/* Shell output to the client, no more than its window takes. */
static void
flush(struct ctx *c)
{
	struct sbuf	*sb;
	uint32_t	 win;
	size_t		 n;
	int		 stream, w;

	for (stream = 0; stream < 2; stream++) {
		sb = &c->c_shell->sh_out[stream];
		while (sb->sb_len > 0 && ssh_channel_is_open(c->c_channel)) {
			if ((win = ssh_channel_window_size(c->c_channel)) == 0)
				return;
			n = sb->sb_len;
			if (n > win)
				n = win;
			if (n > SSH_FLUSH_CHUNK)
				n = SSH_FLUSH_CHUNK;
			w = stream == 0 ?
			    ssh_channel_write(c->c_channel, sb->sb_buf,
			    (uint32_t)n) :
			    ssh_channel_write_stderr(c->c_channel, sb->sb_buf,
			    (uint32_t)n);
			if (w <= 0)
				return;
			sb_consume(sb, (size_t)w);
		}
	}
}

static void
on_alarm(int sig)
{
	(void)sig;
	if (!serving)
		_exit(0);
	expired = 1;
}

/* stderr carries our events: libssh must not write there. */
static void
quiet_log(int level, const char *function, const char *buffer, void *arg)
{
	(void)level;
	(void)function;
	(void)buffer;
	(void)arg;
}

static void
emit_client_version(ssh_session session)
{
	const char	*v;
	json_t		*ev;

	if ((v = ssh_get_clientbanner(session)) == NULL)
		return;
	if ((ev = svc_event("honeyspy.client.version")) == NULL)
		return;
	shell_event_text(ev, "version", v, strlen(v));
	svc_emit(ev);
}

static void
serve(struct ctx *c, ssh_event event)
{
	struct options	*o = c->c_opt;
	char		 buf[4096];
	time_t		 now;
	int		 n;

	for (;;) {
		if (ssh_event_dopoll(event, 200) == SSH_ERROR || expired)
			break;
		if ((ssh_get_status(c->c_session) &
		    (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0)
			break;
		if (c->c_toomany && !c->c_authed)
			break;
		now = time(NULL);
		if (now - c->c_last > o->o_idle)
			break;
		if (c->c_chanclosed)
			break;
		if (c->c_shell == NULL || c->c_channel == NULL)
			continue;
		/*
		 * What came before the shell request was left in libssh's
		 * buffer; it is the shell's now, and only then the EOF.
		 */
		while (!c->c_shell->sh_exit &&
		    ssh_channel_poll(c->c_channel, 0) > 0 &&
		    (n = ssh_channel_read_nonblocking(c->c_channel, buf,
		    sizeof(buf), 0)) > 0)
			feed(c, buf, (size_t)n);
		if (c->c_eof)
			shell_eof(c->c_shell);
		flush(c);
		if (c->c_closing) {
			if (now - c->c_closing_at > 2)
				break;
			continue;
		}
		if (!c->c_shell->sh_exit || c->c_shell->sh_out[0].sb_len > 0 ||
		    c->c_shell->sh_out[1].sb_len > 0)
			continue;
		(void)ssh_channel_request_send_exit_status(c->c_channel,
		    c->c_shell->sh_status);
		(void)ssh_channel_send_eof(c->c_channel);
		(void)ssh_channel_close(c->c_channel);
		c->c_closing = 1;
		c->c_closing_at = now;
	}
}

int
main(int argc, char *argv[])
{
	static struct options	 o;
	static struct ctx	 c;
	ssh_bind		 bind;
	ssh_session		 session;
	ssh_event		 event;
	struct sigaction	 sa;
	const char		*errstr;
	char			*motd;
	int			 ch, verbosity = 0;

	svc_init("ssh");
	(void)umask(077);
	(void)ssh_set_log_level(SSH_LOG_NOLOG);
	(void)ssh_set_log_callback(quiet_log);
	o.o_banner = SSH_DEFAULT_BANNER;
	o.o_keydir = ".";
	o.o_maxtries = 6;
	o.o_idle = 300;
	o.o_session = 3600;
	o.o_grace = 120;
	o.o_conf.sc_hostname = SSH_DEFAULT_HOST;
	o.o_conf.sc_release = SSH_DEFAULT_RELEASE;
	o.o_conf.sc_version = SSH_DEFAULT_VERSION;
	o.o_conf.sc_machine = "x86_64";
	o.o_conf.sc_issue = SSH_DEFAULT_ISSUE;

	while ((ch = getopt(argc, argv, "b:c:g:H:i:k:M:m:n:r:T:t:u:v:")) !=
	    -1) {
		switch (ch) {
		case 'b':
			if (strlen(optarg) > 100 || optarg[0] == '\0' ||
			    strpbrk(optarg, "\r\n") != NULL)
				errx(1, "-b: bad banner");
			o.o_banner = optarg;
			break;
		case 'c':
			if (load_creds(&o, optarg) == -1)
				err(1, "-c %s", optarg);
			break;
		case 'g':
			o.o_grace = (int)strtonum(optarg, 1, 86400, &errstr);
			if (errstr != NULL)
				errx(1, "-g %s: %s", optarg, errstr);
			break;
		case 'H':
			if (strlen(optarg) > 63 || optarg[0] == '\0' ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
			    strlen(optarg))
				errx(1, "-H: bad hostname");
			o.o_conf.sc_hostname = optarg;
			break;
		case 'i':
			o.o_conf.sc_issue = optarg;
			break;
		case 'k':
			o.o_keydir = optarg;
			break;
		case 'M':
			if ((motd = read_small(optarg, SSH_MOTD_MAX)) == NULL)
				err(1, "-M %s", optarg);
			o.o_conf.sc_motd = motd;
			break;
		case 'm':
			o.o_maxtries = (int)strtonum(optarg, 1, 1000, &errstr);
			if (errstr != NULL)
				errx(1, "-m %s: %s", optarg, errstr);
			break;
		case 'n':
			o.o_accept_after = (int)strtonum(optarg, 1, 1000,
			    &errstr);
			if (errstr != NULL)
				errx(1, "-n %s: %s", optarg, errstr);
			break;
		case 'r':
			o.o_conf.sc_release = optarg;
			break;
		case 'T':
			o.o_session = (int)strtonum(optarg, 1, 86400, &errstr);
			if (errstr != NULL)
				errx(1, "-T %s: %s", optarg, errstr);
			break;
		case 't':
			o.o_idle = (int)strtonum(optarg, 1, 86400, &errstr);
			if (errstr != NULL)
				errx(1, "-t %s: %s", optarg, errstr);
			break;
		case 'u':
			if (add_cred(&o, optarg) == -1)
				errx(1, "-u: not user:password");
			break;
		case 'v':
			o.o_conf.sc_version = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (strlen(o.o_conf.sc_issue) > 200 ||
	    strlen(o.o_conf.sc_release) > 100 ||
	    strlen(o.o_conf.sc_version) > 200)
		errx(1, "-i, -r or -v too long");
	o.o_conf.sc_src = svc_getenv("HONEYSPY_SRC_IP", "10.0.2.2");
	o.o_conf.sc_addr = svc_getenv("HONEYSPY_DST_IP", "10.0.2.20");
	/* Up 41 days, give or take the time of day. */
	o.o_conf.sc_boot = time(NULL) - 41 * 86400 - 11520;

	/*
	 * Until someone logs in, the login grace bounds everything; then the
	 * session limit.  Once we serve, the loop ends the session politely.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	(void)sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) == -1)
		err(1, "sigaction");
	(void)alarm((unsigned int)o.o_grace);

	if ((bind = ssh_bind_new()) == NULL)
		errx(1, "ssh_bind_new");
	if (ssh_bind_options_set(bind, SSH_BIND_OPTIONS_PROCESS_CONFIG,
	    &(bool){ false }) != SSH_OK ||
	    ssh_bind_options_set(bind, SSH_BIND_OPTIONS_LOG_VERBOSITY,
	    &verbosity) != SSH_OK ||
	    ssh_bind_options_set(bind, SSH_BIND_OPTIONS_BANNER,
	    o.o_banner) != SSH_OK ||
	    ssh_bind_options_set(bind, SSH_BIND_OPTIONS_KEY_EXCHANGE,
	    SSH_KEX) != SSH_OK ||
	    ssh_bind_options_set(bind, SSH_BIND_OPTIONS_HOSTKEY_ALGORITHMS,
	    SSH_HOSTKEYS) != SSH_OK ||
	    ssh_bind_options_set(bind, SSH_BIND_OPTIONS_CIPHERS_C_S,
	    SSH_CIPHERS) != SSH_OK ||
	    ssh_bind_options_set(bind, SSH_BIND_OPTIONS_CIPHERS_S_C,
	    SSH_CIPHERS) != SSH_OK ||
	    ssh_bind_options_set(bind, SSH_BIND_OPTIONS_HMAC_C_S,
	    SSH_MACS) != SSH_OK ||
	    ssh_bind_options_set(bind, SSH_BIND_OPTIONS_HMAC_S_C,
	    SSH_MACS) != SSH_OK)
		errx(1, "ssh_bind_options_set: %s", ssh_get_error(bind));
	if (hostkeys(bind, o.o_keydir) == -1)
		errx(1, "no host key");

	if ((session = ssh_new()) == NULL)
		errx(1, "ssh_new");
	if (ssh_bind_accept_fd(bind, session, STDIN_FILENO) != SSH_OK)
		errx(1, "ssh_bind_accept_fd: %s", ssh_get_error(bind));

	c.c_opt = &o;
	c.c_session = session;
	c.c_last = time(NULL);
	c.c_cols = 80;
	c.c_rows = 24;
	ssh_callbacks_init(&c.c_server_cb);
	c.c_server_cb.userdata = &c;
	c.c_server_cb.auth_none_function = cb_auth_none;
	c.c_server_cb.auth_password_function = cb_auth_password;
	c.c_server_cb.auth_pubkey_function = cb_auth_pubkey;
	c.c_server_cb.channel_open_request_session_function = cb_channel_open;
	if (ssh_set_server_callbacks(session, &c.c_server_cb) != SSH_OK)
		errx(1, "ssh_set_server_callbacks");
	ssh_set_message_callback(session, cb_message, &c);
	ssh_set_auth_methods(session, SSH_AUTH_METHOD_PASSWORD |
	    SSH_AUTH_METHOD_INTERACTIVE | SSH_AUTH_METHOD_PUBLICKEY);

	if (ssh_handle_key_exchange(session) != SSH_OK) {
		/* A scanner that only wanted the banner, or garbage. */
		emit_client_version(session);
		ssh_silent_disconnect(session);
		ssh_free(session);
		ssh_bind_free(bind);
		return (0);
	}
	emit_client_version(session);
	c.c_last = time(NULL);
	serving = 1;

	if ((event = ssh_event_new()) == NULL ||
	    ssh_event_add_session(event, session) != SSH_OK)
		errx(1, "ssh_event");
	serve(&c, event);

	if (c.c_shell != NULL)
		flush(&c);
	/*
	 * libssh's goodbye ("Bye Bye") is its own; OpenSSH leaves that to
	 * the client, or just closes.
	 */
	ssh_silent_disconnect(session);
	ssh_event_free(event);
	shell_free(c.c_shell);
	ssh_free(session);
	ssh_bind_free(bind);
	return (0);
}
