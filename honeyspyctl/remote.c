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

/* honeyspyctl's remote admin console: calls to a master over mutual TLS. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netdb.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <limits.h>
#include <malloc.h>
#include <readpassphrase.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "calls.h"
#include "frame.h"
#include "remote.h"
#include "tls.h"
#include "util.h"

#define PASS_LEN	1024		/* OpenSSL's PEM_BUFSIZE */
#define HOST_LEN	256
#define ADDR_LEN	(HOST_LEN + 16)	/* "[host]:port" */
#define LINE_MAX_LEN	FRAME_MAX_DEFAULT
#define HISTORY_SIZE	1000

/* What the key's passphrase callback needs, and why it failed. */
struct pw_arg {
	const char	*pw_key;
	const char	*pw_file;
	int		 pw_given;	/* a passphrase went to OpenSSL */
	char		 pw_why[PATH_MAX + 64];
};

/* One link to a master. */
struct link {
	SSL_CTX		*l_ctx;
	SSL		*l_ssl;
	int		 l_fd;
	int64_t		 l_id;		/* of the last request */
	int		 l_answered;	/* a reply came: the master took us */
	int		 l_broken;	/* a fatal error: no close_notify */
	const char	*l_ca;
	char		 l_addr[ADDR_LEN];	/* for messages */
	char		 l_name[TLS_NAMELEN];	/* the master's CN */
};

/* Why an SSL call failed, taken from OpenSSL before anything else runs. */
struct tls_fail {
	int		 tf_ret;	/* what the call returned */
	int		 tf_serr;	/* SSL_get_error() */
	int		 tf_errno;
	unsigned long	 tf_first;	/* the first error queued */
	unsigned long	 tf_alert;	/* an alert the peer sent, or 0 */
};

/* The console's words, split out of one line. */
struct words {
	char		*w_buf;
	char		**w_argv;
	int		 w_argc;
};

/*
 * The calls "help" shows, grouped as DESIGN.md lists them; only those
 * that the call table has and lets an admin make are shown.
 */
static const char *const help_calls[] = {
	"getName", "info", "getStatus", "getSensors", "runOnNode", "kill",
	"reload", "addService", "delService", "getServices", "addFilter",
	"delFilter", "replaceFilters", "getFilters", "getFilter",
	"enablePcap", "disablePcap", "addAlias", "delAlias", "getAliases",
	"setFingerprint", "getFingerprint", "getHosts", "getConfig",
	"setConfig", "getEvents",
};

static void	*ossl_malloc(size_t, const char *, int);
static void	*ossl_realloc(void *, size_t, const char *, int);
static void	 ossl_free(void *, const char *, int);
static int	 parse_master(const char *, char *, size_t, char *, size_t);
static int	 pw_cb(char *, int, int, void *);
static int	 file_check(const char *, const char *);
static const char *esc(const char *, char *, size_t);
static void	 cert_desc(X509 *, char *, size_t);
static int	 tcp_connect(const char *, const char *, const char *);
static int	 cert_alert(int);
static void	 fail_get(struct link *, int, struct tls_fail *);
static void	 fail_tell(struct link *, const struct tls_fail *, int);
static void	 link_error(struct link *, int, int);
static int	 key_drop(struct link *);
static int	 link_open(struct link *, const struct remote_opts *);
static void	 link_close(struct link *);
static int	 link_read(struct link *, void *, size_t);
static int	 link_call(struct link *, int, char *[], json_t **,
		    struct rpc_msg *);
static void	 print_text(FILE *, const char *, size_t, int);
static int	 strings_only(json_t *);
static void	 print_result(json_t *, int);
static int	 words_split(const char *, struct words *, const char **);
static void	 words_free(struct words *);
static void	 console_help(int, char *[]);
static int	 console_line(struct link *, const char *, int, int *);
static const char *console_prompt(EditLine *);
static char	*history_path(void);
static void	 history_save(History *, const char *);
static int	 console(struct link *, int);
static int	 oneshot(struct link *, int, int, char *[]);

/*
 * OpenSSL frees the decrypted key's DER, and its decoders' copies of it,
 * without wiping them, so a copy of the key would outlive key_drop() in
 * the free heap.  Every block OpenSSL frees is wiped first instead.
 */
static void *
ossl_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return (malloc(n));
}

static void *
ossl_realloc(void *p, size_t n, const char *file, int line)
{
	void	*np;
	size_t	 old;

	if (p == NULL)
		return (ossl_malloc(n, file, line));
	if (n == 0) {
		ossl_free(p, file, line);
		return (NULL);
	}
	/* realloc(3) would free the old block unwiped when it moves it. */
	old = malloc_usable_size(p);
	if ((np = malloc(n)) == NULL)
		return (NULL);
	memcpy(np, p, old < n ? old : n);
	ossl_free(p, file, line);
	return (np);
}

static void
ossl_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

/*
 * "HOST:PORT", "[ADDR]:PORT", "[ADDR]", "HOST" or a bare IPv6 address
 * (more than one colon, so no port can be told from it).
 */
static int
parse_master(const char *spec, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char	*p, *end, *errstr;
	size_t		 n;

	if (spec[0] == '[') {
		if ((end = strchr(spec, ']')) == NULL)
			goto bad;
		p = end + 1;
		if (*p == ':')
			p++;
		else if (*p == '\0')
			p = NULL;
		else
			goto bad;
		spec++;
		n = (size_t)(end - spec);
	} else if ((end = strchr(spec, ':')) != NULL &&
	    strchr(end + 1, ':') == NULL) {
		p = end + 1;
		n = (size_t)(end - spec);
	} else {
		p = NULL;
		n = strlen(spec);
	}
	if (n == 0 || n >= hostlen)
		goto bad;
	memcpy(host, spec, n);
	host[n] = '\0';
	if (p == NULL)
		p = REMOTE_PORT;
	(void)strtonum(p, 1, 65535, &errstr);
	if (errstr != NULL || strlcpy(port, p, portlen) >= portlen) {
		warnx("%s: port %s", spec, errstr != NULL ? errstr :
		    "too long");
		return (-1);
	}
	return (0);
 bad:
	warnx("%s: not HOST:PORT, [ADDRESS]:PORT or HOST", spec);
	return (-1);
}

/*
 * The first line of the pass file, as honeyspy-cert -p reads it.  Read
 * with read(2) into our own buffer so that no stdio buffer keeps a copy
 * of the passphrase after it was freed.
 */
int
pw_file(const char *path, char *buf, int size, char *why, size_t whylen)
{
	char	 line[PASS_LEN + 2];
	size_t	 n = 0, len;
	ssize_t	 r;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		(void)snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while (n < sizeof(line) && memchr(line, '\n', n) == NULL &&
	    (r = read(fd, line + n, sizeof(line) - n)) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			(void)snprintf(why, whylen, "%s: %s", path,
			    strerror(errno));
			(void)close(fd);
			explicit_bzero(line, sizeof(line));
			return (-1);
		}
		n += (size_t)r;
	}
	(void)close(fd);
	for (len = 0; len < n && line[len] != '\n' && line[len] != '\r';
	    len++)
		;
	if (len == 0)
		(void)snprintf(why, whylen, "%s: empty passphrase", path);
	else if (len == sizeof(line) || len >= (size_t)size)
		(void)snprintf(why, whylen, "%s: passphrase too long", path);
	else
		memcpy(buf, line, len);
	explicit_bzero(line, sizeof(line));
	return (why[0] == '\0' ? (int)len : -1);
}

/*
 * OpenSSL calls this only when the key is encrypted, so a plain key never
 * prompts.  The passphrase goes straight into OpenSSL's buffer, which it
 * wipes; pw_file wipes its own.
 */
static int
pw_cb(char *buf, int size, int rwflag, void *arg)
{
	struct pw_arg	*pw = arg;
	char		 prompt[PATH_MAX + 32];
	size_t		 len;
	int		 n;

	(void)rwflag;
	if (size <= 1)
		return (-1);
	if (pw->pw_file != NULL) {
		if ((n = pw_file(pw->pw_file, buf, size, pw->pw_why,
		    sizeof(pw->pw_why))) > 0)
			pw->pw_given = 1;
		return (n);
	}
	(void)snprintf(prompt, sizeof(prompt), "Enter passphrase for %s: ",
	    pw->pw_key);
	if (readpassphrase(prompt, buf, (size_t)size, RPP_REQUIRE_TTY) ==
	    NULL) {
		if (errno == ENOTTY || errno == ENXIO)
			(void)snprintf(pw->pw_why, sizeof(pw->pw_why),
			    "%s: the key is encrypted and there is no "
			    "terminal to ask for its passphrase (use -p file)",
			    pw->pw_key);
		else
			(void)snprintf(pw->pw_why, sizeof(pw->pw_why),
			    "%s: cannot ask for the passphrase: %s",
			    pw->pw_key, strerror(errno));
		explicit_bzero(buf, (size_t)size);
		return (-1);
	}
	if ((len = strlen(buf)) == 0) {
		(void)snprintf(pw->pw_why, sizeof(pw->pw_why),
		    "%s: empty passphrase", pw->pw_key);
		return (-1);
	}
	pw->pw_given = 1;
	return ((int)len);
}

/*
 * OpenSSL says "system lib" for a file it cannot open; say what is wrong
 * with it instead.
 */
static int
file_check(const char *path, const char *what)
{
	int	 fd;

	if (path == NULL) {
		warnx("a remote console needs %s", what);
		return (-1);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		warn("%s", path);
		return (-1);
	}
	(void)close(fd);
	return (0);
}

/* s made safe for a terminal, truncated to fit buf. */
static const char *
esc(const char *s, char *buf, size_t len)
{
	(void)str_escape(s, strlen(s), buf, len);
	return (buf);
}

/* "OU x, CN y" of a certificate that is not what we wanted, escaped. */
static void
cert_desc(X509 *x, char *buf, size_t len)
{
	X509_NAME	*subj;
	char		 ou[64], cn[64], eou[4 * 64], ecn[4 * 64];

	ou[0] = cn[0] = '\0';
	if (x != NULL && (subj = X509_get_subject_name(x)) != NULL) {
		if (X509_NAME_get_text_by_NID(subj,
		    NID_organizationalUnitName, ou, sizeof(ou)) < 0)
			ou[0] = '\0';
		if (X509_NAME_get_text_by_NID(subj, NID_commonName, cn,
		    sizeof(cn)) < 0)
			cn[0] = '\0';
	}
	(void)snprintf(buf, len, "certificate OU %s, CN %s",
	    ou[0] != '\0' ? esc(ou, eou, sizeof(eou)) : "(none)",
	    cn[0] != '\0' ? esc(cn, ecn, sizeof(ecn)) : "(none)");
}

/* Each address of host in turn, as ssh does; the last error is told. */
static int
tcp_connect(const char *host, const char *port, const char *addr)
{
	struct addrinfo	 hints, *res, *ai;
	int		 fd = -1, error, saved = 0, on = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((error = getaddrinfo(host, port, &hints, &res)) != 0) {
		warnx("%s: %s", host, error == EAI_SYSTEM ? strerror(errno) :
		    gai_strerror(error));
		return (-1);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1) {
			saved = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		saved = errno;
		(void)close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		errno = saved;
		warn("connect %s", addr);
		return (-1);
	}
	/* A console may sit idle for hours: notice a master that vanished. */
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	return (fd);
}

/* Alerts with which a TLS server says no to a client's certificate. */
static int
cert_alert(int alert)
{
	switch (alert) {
	case SSL_AD_BAD_CERTIFICATE:
	case SSL_AD_UNSUPPORTED_CERTIFICATE:
	case SSL_AD_CERTIFICATE_REVOKED:
	case SSL_AD_CERTIFICATE_EXPIRED:
	case SSL_AD_CERTIFICATE_UNKNOWN:
	case SSL_AD_UNKNOWN_CA:
	case SSL_AD_ACCESS_DENIED:
	case SSL_AD_CERTIFICATE_REQUIRED:
		return (1);
	}
	return (0);
}

/* Call right after the SSL call that returned ret; empties the queue. */
static void
fail_get(struct link *l, int ret, struct tls_fail *tf)
{
	unsigned long	 e;

	memset(tf, 0, sizeof(*tf));
	tf->tf_errno = errno;
	tf->tf_ret = ret;
	tf->tf_serr = SSL_get_error(l->l_ssl, ret);
	while ((e = ERR_get_error()) != 0) {
		if (tf->tf_first == 0)
			tf->tf_first = e;
		if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
		    ERR_GET_REASON(e) > SSL_AD_REASON_OFFSET &&
		    ERR_GET_REASON(e) < SSL_AD_REASON_OFFSET + 256)
			tf->tf_alert = e;
	}
}

/*
 * Tell why an SSL call on the link failed, in the terms of what went
 * wrong rather than of OpenSSL.  With TLS 1.3 the client's handshake is
 * over before the master has checked our certificate, so a refusal only
 * shows up afterwards: as an alert, or as a close when the master only
 * disliked the certificate's role after the handshake.
 */
static void
fail_tell(struct link *l, const struct tls_fail *tf, int handshake)
{
	unsigned long	 first = tf->tf_first, alert = tf->tf_alert;
	const char	*desc;
	long		 v;
	char		 buf[256];
	int		 saved = tf->tf_errno, ret = tf->tf_ret;

	l->l_broken = 1;
	if (handshake &&
	    (v = SSL_get_verify_result(l->l_ssl)) != X509_V_OK) {
		switch (v) {
		case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		case X509_V_ERR_CERT_SIGNATURE_FAILURE:
			warnx("%s: the master's certificate is not signed by "
			    "the CA in %s (%s)", l->l_addr, l->l_ca,
			    X509_verify_cert_error_string(v));
			break;
		case X509_V_ERR_INVALID_PURPOSE:
			/* A sensor's or an admin's: not for a server. */
			warnx("%s is not a HoneySpy master (its certificate "
			    "is not a server's: %s)", l->l_addr,
			    X509_verify_cert_error_string(v));
			break;
		default:
			warnx("%s: the master's certificate does not verify "
			    "(%s)", l->l_addr,
			    X509_verify_cert_error_string(v));
		}
		return;
	}
	if (alert != 0) {
		desc = SSL_alert_desc_string_long((int)(ERR_GET_REASON(alert) -
		    SSL_AD_REASON_OFFSET));
		if (strcmp(desc, "unknown") == 0 &&
		    (desc = ERR_reason_error_string(alert)) == NULL)
			desc = "unknown alert";
		if (cert_alert(ERR_GET_REASON(alert) - SSL_AD_REASON_OFFSET))
			warnx("the master refused our certificate (%s)", desc);
		else if (handshake)
			warnx("%s: the TLS handshake failed (%s)", l->l_addr,
			    desc);
		else
			warnx("%s: the master ended the link (%s)", l->l_addr,
			    desc);
		return;
	}
	if (tf->tf_serr == SSL_ERROR_ZERO_RETURN || (first == 0 && (ret == 0 ||
	    saved == 0 || saved == ECONNRESET || saved == EPIPE)) ||
	    (ERR_GET_LIB(first) == ERR_LIB_SSL &&
	    ERR_GET_REASON(first) == SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
		if (handshake)
			warnx("%s: the link closed during the TLS handshake "
			    "(not a HoneySpy master?)", l->l_addr);
		else if (!l->l_answered)
			warnx("%s: the master closed the link before "
			    "answering (did it refuse our certificate?)",
			    l->l_addr);
		else
			warnx("%s: the master closed the link", l->l_addr);
		return;
	}
	if (first == 0) {
		warnx("%s: %s", l->l_addr, strerror(saved));
		return;
	}
	if (handshake && ERR_GET_LIB(first) == ERR_LIB_SSL &&
	    (ERR_GET_REASON(first) == SSL_R_WRONG_VERSION_NUMBER ||
	    ERR_GET_REASON(first) == SSL_R_PACKET_LENGTH_TOO_LONG ||
	    ERR_GET_REASON(first) == SSL_R_RECORD_LENGTH_MISMATCH)) {
		warnx("%s does not speak TLS (not a HoneySpy master?)",
		    l->l_addr);
		return;
	}
	ERR_error_string_n(first, buf, sizeof(buf));
	warnx("%s: TLS %s failed: %s", l->l_addr, handshake ? "handshake" :
	    "link", buf);
}

static void
link_error(struct link *l, int ret, int handshake)
{
	struct tls_fail	 tf;

	fail_get(l, ret, &tf);
	fail_tell(l, &tf, handshake);
}

/*
 * TLS 1.3 signs with our key once, in the handshake, and we offer no
 * post-handshake authentication, so the key is of no more use.  Put the
 * certificate's public key in its place, in the link and in the context
 * it was copied from, and the last reference to the private key goes:
 * OpenSSL wipes it as it frees it.
 */
static int
key_drop(struct link *l)
{
	X509	*x;
	int	 ret = -1;

	if ((x = SSL_get_certificate(l->l_ssl)) == NULL || X509_up_ref(x) != 1)
		return (-1);
	if (SSL_use_cert_and_key(l->l_ssl, x, NULL, NULL, 1) == 1 &&
	    SSL_CTX_use_cert_and_key(l->l_ctx, x, NULL, NULL, 1) == 1)
		ret = 0;
	X509_free(x);
	ERR_clear_error();
	return (ret);
}

/* Key, then connection, then handshake, then the master's identity. */
static int
link_open(struct link *l, const struct remote_opts *ro)
{
	struct pw_arg	 pw;
	STACK_OF(X509)	*cas = NULL;
	char		 host[HOST_LEN], port[16], err[PATH_MAX + 256];
	char		 name[TLS_NAMELEN], desc[600], prefix[PATH_MAX + 32];
	int		 role, ret;

	memset(l, 0, sizeof(*l));
	l->l_fd = -1;
	l->l_ca = ro->ro_ca;
	if (ro->ro_master == NULL) {
		warnx("no master given");
		return (-1);
	}
	if (parse_master(ro->ro_master, host, sizeof(host), port,
	    sizeof(port)) == -1 ||
	    file_check(ro->ro_ca, "the network's CA certificate (-C)") == -1 ||
	    file_check(ro->ro_cert, "an admin's certificate (-c)") == -1 ||
	    file_check(ro->ro_key, "an admin's key (-k)") == -1)
		return (-1);
	(void)snprintf(l->l_addr, sizeof(l->l_addr),
	    strchr(host, ':') != NULL ? "[%s]:%s" : "%s:%s", host, port);

	/* The passphrase is asked before connecting: a master will not wait. */
	memset(&pw, 0, sizeof(pw));
	pw.pw_key = ro->ro_key;
	pw.pw_file = ro->ro_passfile;
	l->l_ctx = tls_ctx_new(0, ro->ro_ca, ro->ro_cert, ro->ro_key, pw_cb,
	    &pw, &cas, err, sizeof(err));
	if (l->l_ctx == NULL) {
		/*
		 * A key that does not decrypt fails in one of several ways
		 * (bad padding, then bad DER once in 256 times), and not
		 * every OpenSSL names it the same: when we gave a passphrase
		 * and the key still did not read, the passphrase was wrong.
		 */
		(void)snprintf(prefix, sizeof(prefix),
		    "%s: cannot read the key (", ro->ro_key);
		if (pw.pw_why[0] != '\0')
			warnx("%s", pw.pw_why);
		else if (pw.pw_given && strncmp(err, prefix,
		    strlen(prefix)) == 0)
			warnx("%swrong passphrase)", prefix);
		else
			warnx("%s", err);
		return (-1);
	}
	/* Only for a CRL the context never needs again. */
	sk_X509_pop_free(cas, X509_free);
	/* A sensor's or the master's certificate would only be refused. */
	if (tls_cert_role(SSL_CTX_get0_certificate(l->l_ctx), &role, name,
	    sizeof(name)) == -1 || role != ROLE_ADMIN) {
		cert_desc(SSL_CTX_get0_certificate(l->l_ctx), desc,
		    sizeof(desc));
		warnx("%s: not an admin's certificate (%s)", ro->ro_cert, desc);
		return (-1);
	}

	if ((l->l_fd = tcp_connect(host, port, l->l_addr)) == -1)
		return (-1);
	if ((l->l_ssl = SSL_new(l->l_ctx)) == NULL ||
	    SSL_set_fd(l->l_ssl, l->l_fd) != 1) {
		warnx("%s: %s", l->l_addr, tls_error(err, sizeof(err)));
		return (-1);
	}
	ERR_clear_error();
	if ((ret = SSL_connect(l->l_ssl)) != 1) {
		link_error(l, ret, 1);
		return (-1);
	}
	if (key_drop(l) == -1) {
		warnx("%s: cannot drop the key after the handshake", l->l_addr);
		return (-1);
	}
	if (tls_peer(l->l_ssl, &role, l->l_name, sizeof(l->l_name)) == -1 ||
	    role != ROLE_MASTER) {
		cert_desc(SSL_get0_peer_certificate(l->l_ssl), desc,
		    sizeof(desc));
		warnx("%s is not a HoneySpy master (%s)", l->l_addr, desc);
		return (-1);
	}
	return (0);
}

static void
link_close(struct link *l)
{
	if (l->l_ssl != NULL) {
		/* A close_notify, so that the master logs a clean end. */
		if (!l->l_broken && SSL_is_init_finished(l->l_ssl))
			(void)SSL_shutdown(l->l_ssl);
		SSL_free(l->l_ssl);
	}
	SSL_CTX_free(l->l_ctx);
	if (l->l_fd != -1)
		(void)close(l->l_fd);
	ERR_clear_error();
	memset(l, 0, sizeof(*l));
	l->l_fd = -1;
}

/* Exactly len bytes, or -1 with the reason told. */
static int
link_read(struct link *l, void *buf, size_t len)
{
	size_t	 off = 0;
	int	 n;

	while (off < len) {
		ERR_clear_error();
		n = SSL_read(l->l_ssl, (char *)buf + off, len - off > INT_MAX ?
		    INT_MAX : (int)(len - off));
		if (n <= 0) {
			link_error(l, n, 0);
			return (-1);
		}
		off += (size_t)n;
	}
	return (0);
}

/*
 * Send one call and wait for its reply.  Every argument goes as a string,
 * the words as typed: the master checks them against the call table.
 * Returns 1 with the reply in *op and m, 0 when the call could not be
 * sent (told; the link is fine), -1 when the link failed (told).
 */
static int
link_call(struct link *l, int argc, char *argv[], json_t **op,
    struct rpc_msg *m)
{
	struct tls_fail	 wf, rf;
	unsigned char	 hdr[FRAME_HEADER];
	json_t		*req = NULL, *args, *s, *o;
	char		*frame = NULL, *buf, why[256], ewhy[4 * 256];
	size_t		 len;
	int		 i, n;

	*op = NULL;
	if ((req = json_object()) == NULL || (args = json_array()) == NULL ||
	    json_object_set_new(req, "args", args) == -1)
		goto oom;
	for (i = 0; i < argc; i++) {
		if ((s = json_string(argv[i])) == NULL) {
			if (i == 0)
				warnx("the call's name is not UTF-8 text");
			else
				warnx("argument %d is not UTF-8 text", i);
			json_decref(req);
			return (0);
		}
		if (i == 0) {
			if (json_object_set_new(req, "call", s) == -1)
				goto oom;
		} else if (json_array_append_new(args, s) == -1)
			goto oom;
	}
	if (l->l_id >= FRAME_ID_MAX)
		l->l_id = 0;
	if (json_object_set_new(req, "id", json_integer(++l->l_id)) == -1)
		goto oom;
	if ((frame = frame_encode(req, FRAME_MAX_DEFAULT, &len)) == NULL) {
		warnx("%s: the call is too large to send", argv[0]);
		json_decref(req);
		return (0);
	}
	json_decref(req);
	req = NULL;
	ERR_clear_error();
	if ((n = SSL_write(l->l_ssl, frame, (int)len)) <= 0) {
		free(frame);
		fail_get(l, n, &wf);
		/*
		 * A master that refused our certificate may have reset the
		 * link before our first call reached it; its alert, which
		 * says why, is then still waiting to be read.
		 */
		if (!l->l_answered &&
		    (n = SSL_read(l->l_ssl, hdr, 1)) <= 0) {
			fail_get(l, n, &rf);
			if (rf.tf_alert != 0)
				wf = rf;
		}
		fail_tell(l, &wf, 0);
		return (-1);
	}
	free(frame);

	/*
	 * Anything but our reply is skipped: a late reply to a call we gave
	 * up on, or a frame a newer master sends.  A frame that does not
	 * parse means the link can no longer be trusted to be in step.
	 */
	for (;;) {
		if (link_read(l, hdr, sizeof(hdr)) == -1)
			return (-1);
		if (frame_length(hdr, sizeof(hdr), FRAME_MAX_DEFAULT, &len,
		    why, sizeof(why)) != 1) {
			warnx("%s: bad frame from the master: %s", l->l_addr,
			    why);
			return (-1);
		}
		if ((buf = malloc(len)) == NULL)
			err(1, NULL);
		if (link_read(l, buf, len) == -1) {
			free(buf);
			return (-1);
		}
		o = frame_decode(buf, len, m, why, sizeof(why));
		free(buf);
		if (o == NULL) {
			warnx("%s: bad frame from the master: %s", l->l_addr,
			    esc(why, ewhy, sizeof(ewhy)));
			return (-1);
		}
		if (m->m_kind == RPC_REPLY)
			l->l_answered = 1;
		if (m->m_kind == RPC_REPLY && m->m_id == l->l_id) {
			*op = o;
			return (1);
		}
		json_decref(o);
	}
 oom:
	err(1, NULL);
}

/*
 * Text from the master, which may hold an attacker's bytes: everything
 * but printable ASCII is escaped.  With lines, newlines stay newlines so
 * that a document (a configuration) reads as one.
 */
static void
print_text(FILE *fp, const char *s, size_t len, int lines)
{
	char	 buf[4 * 256 + 1];
	size_t	 i, n;

	for (i = 0; i < len; i += n) {
		n = len - i > 256 ? 256 : len - i;
		if (lines) {
			const char	*nl;

			if ((nl = memchr(s + i, '\n', n)) != NULL)
				n = (size_t)(nl - (s + i));
			if (n == 0) {
				(void)fputc('\n', fp);
				n = 1;
				continue;
			}
		}
		(void)str_escape(s + i, n, buf, sizeof(buf));
		(void)fputs(buf, fp);
	}
	if (!lines || len == 0 || s[len - 1] != '\n')
		(void)fputc('\n', fp);
}

static int
strings_only(json_t *a)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			return (0);
	return (1);
}

/*
 * People get strings as text, lists of strings a line each, numbers as
 * they are, and anything else as indented JSON; programs (-j) get one
 * line of JSON.  JSON output escapes every control and non-ASCII
 * character, so no reply can send a terminal an escape sequence.
 */
static void
print_result(json_t *res, int json)
{
	json_t	*v;
	size_t	 i;
	char	*s;
	int	 flags;

	if (json)
		flags = JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII;
	else
		flags = JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY |
		    JSON_ENSURE_ASCII;
	if (!json) {
		switch (json_typeof(res)) {
		case JSON_STRING:
			print_text(stdout, json_string_value(res),
			    json_string_length(res), 1);
			return;
		case JSON_NULL:
			return;
		case JSON_ARRAY:
			if (!strings_only(res))
				break;
			json_array_foreach(res, i, v)
				print_text(stdout, json_string_value(v),
				    json_string_length(v), 0);
			return;
		default:
			break;
		}
	}
	if ((s = json_dumps(res, flags)) == NULL)
		err(1, "json_dumps");
	(void)printf("%s\n", s);
	free(s);
}

/*
 * Split a line into words the way a shell would: blanks separate,
 * single quotes keep everything, double quotes keep everything but \"
 * and \\, a backslash outside quotes keeps the next character, and a
 * word that begins with # starts a comment.  No expansions.
 */
static int
words_split(const char *line, struct words *w, const char **why)
{
	const char	*p;
	char		*o, **v;
	char		 q = '\0';
	int		 inword = 0;

	memset(w, 0, sizeof(*w));
	/* Quotes and backslashes only shrink a word, so this is room enough. */
	if ((w->w_buf = malloc(strlen(line) + 1)) == NULL)
		err(1, NULL);
	o = w->w_buf;
	for (p = line;; p++) {
		if (q == '\'') {
			if (*p == '\0')
				goto unbalanced;
			if (*p == '\'')
				q = '\0';
			else
				*o++ = *p;
			continue;
		}
		if (q == '"') {
			if (*p == '\0')
				goto unbalanced;
			if (*p == '"')
				q = '\0';
			else if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				*o++ = *++p;
			else
				*o++ = *p;
			continue;
		}
		if (*p == '\\' && p[1] == '\n') {
			p++;
			continue;
		}
		if (*p == '\0' || *p == ' ' || *p == '\t' || *p == '\n' ||
		    *p == '\r') {
			if (inword) {
				*o++ = '\0';
				inword = 0;
			}
			if (*p == '\0')
				break;
			continue;
		}
		if (!inword) {
			if (*p == '#')
				break;
			if (w->w_argc > CALL_MAXARGS + 1) {
				*why = "too many words";
				goto fail;
			}
			if ((v = reallocarray(w->w_argv, w->w_argc + 2,
			    sizeof(*v))) == NULL)
				err(1, NULL);
			w->w_argv = v;
			w->w_argv[w->w_argc++] = o;
			w->w_argv[w->w_argc] = NULL;
			inword = 1;
		}
		if (*p == '\'' || *p == '"')
			q = *p;
		else if (*p == '\\') {
			if (p[1] == '\0') {
				*why = "backslash at the end of the line";
				goto fail;
			}
			*o++ = *++p;
		} else
			*o++ = *p;
	}
	return (0);
 unbalanced:
	*why = q == '\'' ? "unbalanced '" : "unbalanced \"";
 fail:
	words_free(w);
	return (-1);
}

static void
words_free(struct words *w)
{
	free(w->w_buf);
	free(w->w_argv);
	memset(w, 0, sizeof(*w));
}

/* "help": the usage of each call, or of those named. */
static void
console_help(int argc, char *argv[])
{
	const struct call_def	*cd;
	char			 ebuf[4 * 64 + 1];
	size_t			 i;
	int			 j;

	if (argc > 1) {
		for (j = 1; j < argc; j++) {
			if ((cd = call_find(argv[j], NODE_MASTER |
			    NODE_SENSOR)) == NULL ||
			    (cd->cd_roles & ROLE_ADMIN) == 0)
				(void)printf("%s: no such call\n",
				    esc(argv[j], ebuf, sizeof(ebuf)));
			else
				(void)printf("usage: %s\n", cd->cd_usage);
		}
		return;
	}
	(void)printf("Calls (the master checks their arguments):\n");
	for (i = 0; i < sizeof(help_calls) / sizeof(help_calls[0]); i++) {
		if ((cd = call_find(help_calls[i], NODE_MASTER |
		    NODE_SENSOR)) == NULL || (cd->cd_roles & ROLE_ADMIN) == 0)
			continue;
		(void)printf("  %s%s\n", cd->cd_usage,
		    (cd->cd_nodes & NODE_MASTER) == 0 ?
		    "  (with runOnNode)" : "");
	}
	(void)printf("Console:\n"
	    "  help [CALL ...]\n"
	    "  quit, exit\n"
	    "Quote arguments that hold blanks: addFilter \"tcp port 80\"\n");
}

/*
 * One console line.  Returns 1 to go on, 0 to quit, -1 when the link
 * failed.  *failed is set when the line asked for something that failed.
 */
static int
console_line(struct link *l, const char *line, int json, int *failed)
{
	struct words	 w;
	struct rpc_msg	 m;
	json_t		*o;
	const char	*why;
	int		 ret;

	if (words_split(line, &w, &why) == -1) {
		warnx("%s", why);
		*failed = 1;
		return (1);
	}
	if (w.w_argc == 0) {
		words_free(&w);
		return (1);
	}
	if (strcmp(w.w_argv[0], "quit") == 0 ||
	    strcmp(w.w_argv[0], "exit") == 0) {
		words_free(&w);
		return (0);
	}
	if (strcmp(w.w_argv[0], "help") == 0 || strcmp(w.w_argv[0], "?") == 0) {
		console_help(w.w_argc, w.w_argv);
		words_free(&w);
		return (1);
	}
	ret = link_call(l, w.w_argc, w.w_argv, &o, &m);
	words_free(&w);
	if (ret == -1)
		return (-1);
	if (ret == 0) {
		*failed = 1;
		return (1);
	}
	if (m.m_ok)
		print_result(m.m_result, json);
	else {
		(void)fflush(stdout);
		(void)fputs("error: ", stderr);
		print_text(stderr, m.m_error, strlen(m.m_error), 0);
		*failed = 1;
	}
	json_decref(o);
	(void)fflush(stdout);
	return (1);
}

static const char *
console_prompt(EditLine *el)
{
	(void)el;
	return ("honeyspy> ");
}

/* $HOME/.honeyspyctl_history, or NULL when there is no home. */
static char *
history_path(void)
{
	const char	*home;
	char		*path;

	if ((home = getenv("HOME")) == NULL || home[0] == '\0')
		return (NULL);
	if (asprintf(&path, "%s/%s", home, REMOTE_HISTORY) == -1)
		return (NULL);
	return (path);
}

/*
 * The history holds what was asked of the network's nodes: mode 0600,
 * also when the file already existed with a looser mode.  Failing to
 * keep it is no reason to fail the console.
 */
static void
history_save(History *hist, const char *path)
{
	HistEvent	 ev;
	FILE		*fp;
	int		 fd;

	if (path == NULL)
		return;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		return;
	if (fchmod(fd, 0600) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		(void)close(fd);
		return;
	}
	(void)history(hist, &ev, H_SAVE_FP, fp);
	(void)fclose(fp);
}

/*
 * The interactive console.  On a terminal, libedit edits lines and keeps
 * the history; otherwise lines are read as they come, for scripts, and
 * nothing but the replies is printed.  Returns the exit status.
 */
static int
console(struct link *l, int json)
{
	EditLine	*el = NULL;
	History		*hist = NULL;
	HistEvent	 ev;
	struct rpc_msg	 m;
	json_t		*o;
	const char	*cline;
	char		*line = NULL, *hpath = NULL, *probe[] = { "getName" };
	size_t		 cap = 0;
	ssize_t		 len;
	int		 tty, count, ret = 1, failed = 0;

	tty = isatty(STDIN_FILENO);
	if (tty) {
		/*
		 * With TLS 1.3 the master judges our certificate after our
		 * side of the handshake is over: one call shows whether it
		 * took us before the banner says we are connected.
		 */
		if (link_call(l, 1, probe, &o, &m) != 1)
			return (1);
		json_decref(o);
		(void)printf("connected to %s (master %s)\n", l->l_addr,
		    l->l_name);
		(void)fflush(stdout);

		hpath = history_path();
		if ((hist = history_init()) == NULL ||
		    (el = el_init(getprogname(), stdin, stdout, stderr)) ==
		    NULL)
			errx(1, "cannot set up line editing");
		(void)history(hist, &ev, H_SETSIZE, HISTORY_SIZE);
		(void)history(hist, &ev, H_SETUNIQUE, 1);
		if (hpath != NULL)
			(void)history(hist, &ev, H_LOAD, hpath);
		(void)el_set(el, EL_HIST, history, hist);
		(void)el_set(el, EL_PROMPT, console_prompt);
		(void)el_set(el, EL_EDITOR, "emacs");
		/* Ctrl-C and friends leave the terminal as they found it. */
		(void)el_set(el, EL_SIGNAL, 1);
		(void)el_source(el, NULL);
	}

	for (;;) {
		if (tty) {
			if ((cline = el_gets(el, &count)) == NULL ||
			    count <= 0) {
				(void)putchar('\n');
				ret = 0;
				break;
			}
			if (strspn(cline, " \t\r\n") != strlen(cline))
				(void)history(hist, &ev, H_ENTER, cline);
		} else {
			if ((len = getline(&line, &cap, stdin)) == -1) {
				if (ferror(stdin)) {
					warn("stdin");
					failed = 1;
				}
				ret = failed;
				break;
			}
			if (len > LINE_MAX_LEN || (size_t)len != strlen(line)) {
				warnx("line too long or with a NUL byte");
				failed = 1;
				continue;
			}
			cline = line;
		}
		switch (console_line(l, cline, json, &failed)) {
		case 0:
			ret = tty ? 0 : failed;
			goto done;
		case -1:
			ret = 1;
			goto done;
		}
	}
 done:
	if (tty) {
		history_save(hist, hpath);
		el_end(el);
		history_end(hist);
	}
	free(hpath);
	free(line);
	return (ret);
}

static int
oneshot(struct link *l, int json, int argc, char *argv[])
{
	struct rpc_msg	 m;
	json_t		*o;
	int		 ret;

	if (link_call(l, argc, argv, &o, &m) != 1)
		return (1);
	if (m.m_ok) {
		print_result(m.m_result, json);
		ret = 0;
	} else {
		(void)fflush(stdout);
		(void)fprintf(stderr, "%s: ", getprogname());
		print_text(stderr, m.m_error, strlen(m.m_error), 0);
		ret = 1;
	}
	json_decref(o);
	return (ret);
}

int
remote_main(const struct remote_opts *ro, int argc, char *argv[])
{
	struct link	 l;
	int		 ret;

	/*
	 * Only possible before OpenSSL's first allocation; if honeyspyctl
	 * made one already, the key is still dropped, only not wiped from
	 * the free heap.
	 */
	(void)CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free);
	/* A master that goes away must be an error message, not a signal. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		err(1, "signal");
	if (link_open(&l, ro) == -1) {
		link_close(&l);
		return (1);
	}
	if (argc == 0)
		ret = console(&l, ro->ro_json);
	else
		ret = oneshot(&l, ro->ro_json, argc, argv);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		/* A reader that went away (| head) needs no message. */
		if (errno != EPIPE)
			warn("stdout");
		ret = 1;
	}
	link_close(&l);
	return (ret);
}
