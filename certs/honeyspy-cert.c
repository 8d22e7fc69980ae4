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

/* honeyspy-cert: the network's CA, issuing and revoking node certificates. */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <readpassphrase.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif

#define CERT_DIR	"/etc/honeyspy/certs"
#define CA_CN		"HoneySpy CA"
#define CERT_O		"HoneySpy"
#define CA_DAYS		3650		/* 10 years */
#define LEAF_DAYS	730		/* 2 years */
#define LEAF_DAYS_MAX	3650
#define CRL_DAYS	365		/* nextUpdate; revoke re-signs */
#define BACKDATE	300		/* seconds, for slow peer clocks */
#define NAME_LEN	63
#define SAN_MAX		16
#define SAN_LEN		253
#define PASS_LEN	1024
#define SERIAL_BYTES	16		/* 128 random bits */
#define TIME_LEN	21		/* 2026-01-02T03:04:05Z */
#define TIME_FMT	"%Y-%m-%dT%H:%M:%SZ"

#define INDEX_FILE	"index"
#define INDEX_TMP	"index.tmp"
#define CRL_FILE	"crl.pem"
#define CRL_TMP		"crl.tmp"
#define CA_KEY		"ca.key"
#define CA_CRT		"ca.crt"
#define CREATED_MAX	8

enum role {
	ROLE_MASTER,
	ROLE_SENSOR,
	ROLE_ADMIN,
	ROLE_MAX
};

static const char *const role_name[ROLE_MAX] = { "master", "sensor", "admin" };
static const char *const role_eku[ROLE_MAX] = {
	"serverAuth,clientAuth", "clientAuth", "clientAuth"
};

struct entry {
	char		 e_serial[2 * SERIAL_BYTES + 1];	/* hex */
	enum role	 e_role;
	char		 e_name[NAME_LEN + 1];
	char		 e_notafter[TIME_LEN];
	int		 e_revoked;
	char		 e_revdate[TIME_LEN];	/* "-" while valid */
};

struct index {
	struct entry	*ix_e;
	size_t		 ix_n;
};

__dead static void	usage(void);
__dead static void	sslerrx(const char *, ...)
			    __attribute__((__format__(__printf__, 1, 2)));
static void		cleanup(void);
static void		track(const char *);
static void		check_name(const char *);
static int		add_san(char *, size_t, const char *);
static int		mkdir_private(const char *);
static int		exists(const char *);
static FILE		*create_file(const char *, mode_t);
static void		close_file(FILE *, const char *);
static void		commit_rename(const char *, const char *);
static void		time_fmt(const ASN1_TIME *, char *, size_t);
static time_t		time_parse(const char *);
static int		role_parse(const char *);
static void		index_read(struct index *);
static void		index_write(const struct index *);
static struct entry	*index_find(const struct index *, const char *);
static struct entry	*index_add(struct index *);
static int		no_passphrase(char *, int, int, void *);
static void		load_ca(X509 **, EVP_PKEY **);
static void		get_passphrase(const char *, const char *, char *,
			    size_t);
static EVP_PKEY		*new_key(void);
static void		add_ext(X509 *, X509V3_CTX *, int, const char *);
static X509		*new_cert(enum role, const char *, EVP_PKEY *,
			    X509 *, EVP_PKEY *, long, const char *);
static void		write_key(const char *, EVP_PKEY *, const char *);
static void		write_cert(const char *, X509 *);
static void		write_crl(const struct index *, X509 *, EVP_PKEY *);
static void		cert_paths(enum role, const char *, char *, char *,
			    size_t);
static void		record(struct index *, enum role, const char *,
			    X509 *);
static void		cmd_init(const char *, const char *, long);
static void		cmd_issue(enum role, const char *, long,
			    const char *);
static void		cmd_list(void);
static void		cmd_revoke(const char *);

static const char	*certdir = CERT_DIR;
/* Files this run created; removed again unless the run completes. */
static char		 created[CREATED_MAX][PATH_MAX];
static int		 ncreated;
static int		 committed;

__dead static void
usage(void)
{
	(void)fprintf(stderr,
	    "usage: honeyspy-cert [-d dir] [-n name] [-s altname] [-V days] "
	    "init\n"
	    "       honeyspy-cert [-d dir] [-V days] sensor name\n"
	    "       honeyspy-cert [-d dir] [-p file] [-V days] admin name\n"
	    "       honeyspy-cert [-d dir] list\n"
	    "       honeyspy-cert [-d dir] revoke name\n");
	exit(2);
}

/* errx() with the first queued OpenSSL error appended. */
__dead static void
sslerrx(const char *fmt, ...)
{
	va_list		 ap;
	char		 msg[512], ebuf[256];
	unsigned long	 e;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((e = ERR_get_error()) == 0)
		errx(1, "%s", msg);
	ERR_error_string_n(e, ebuf, sizeof(ebuf));
	errx(1, "%s: %s", msg, ebuf);
}

/* atexit: a failed run leaves no half-issued key or certificate behind. */
static void
cleanup(void)
{
	int	 i;

	if (committed)
		return;
	for (i = ncreated - 1; i >= 0; i--)
		(void)unlink(created[i]);
}

static void
track(const char *path)
{
	if (ncreated >= CREATED_MAX)
		errx(1, "%s: too many files", __func__);
	if (strlcpy(created[ncreated], path, sizeof(created[0])) >=
	    sizeof(created[0]))
		errx(1, "%s: path too long", __func__);
	ncreated++;
}

/*
 * Names become file names and certificate CNs: a fixed alphabet, and no
 * leading dot or dash so that they are neither hidden nor taken for options.
 */
static void
check_name(const char *name)
{
	const char	*p;
	size_t		 len = strlen(name);

	if (len == 0 || len > NAME_LEN)
		errx(1, "invalid name \"%.*s\": 1 to %d characters", NAME_LEN,
		    name, NAME_LEN);
	for (p = name; *p != '\0'; p++)
		if (!isascii((unsigned char)*p) ||
		    (!isalnum((unsigned char)*p) && strchr("._-", *p) == NULL))
			errx(1, "invalid name \"%.*s\": only A-Z a-z 0-9 . _ -",
			    NAME_LEN, name);
	if (!isalnum((unsigned char)name[0]))
		errx(1, "invalid name \"%s\": must begin with a letter or "
		    "digit", name);
}

/*
 * One subjectAltName for the master: an IPv4 or IPv6 address, or a DNS
 * name.  The value goes into an OpenSSL extension string, where a comma
 * would start another entry, so only host name characters pass.
 * Returns -1 for anything else.
 */
static int
add_san(char *buf, size_t size, const char *name)
{
	struct in6_addr	 in6;
	struct in_addr	 in4;
	const char	*p, *type;
	size_t		 len = strlen(name);

	if (inet_pton(AF_INET, name, &in4) == 1 ||
	    inet_pton(AF_INET6, name, &in6) == 1)
		type = "IP:";
	else {
		if (len == 0 || len > SAN_LEN || name[0] == '.' ||
		    name[0] == '-' || name[len - 1] == '.' ||
		    strstr(name, "..") != NULL)
			return (-1);
		for (p = name; *p != '\0'; p++)
			if (!isascii((unsigned char)*p) ||
			    (!isalnum((unsigned char)*p) &&
			    *p != '-' && *p != '.'))
				return (-1);
		type = "DNS:";
	}
	if ((buf[0] != '\0' && strlcat(buf, ",", size) >= size) ||
	    strlcat(buf, type, size) >= size ||
	    strlcat(buf, name, size) >= size)
		errx(1, "too many alternative names");
	return (0);
}

/* Returns 1 when it made the directory, 0 when it was there. */
static int
mkdir_private(const char *path)
{
	struct stat	 st;

	if (mkdir(path, 0700) == 0)
		return (1);
	if (errno != EEXIST)
		err(1, "mkdir %s", path);
	if (stat(path, &st) == -1)
		err(1, "%s", path);
	if (!S_ISDIR(st.st_mode))
		errx(1, "%s: not a directory", path);
	return (0);
}

static int
exists(const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) == 0)
		return (1);
	if (errno != ENOENT)
		err(1, "%s/%s", certdir, path);
	return (0);
}

/* O_EXCL: an issued key or certificate is never overwritten. */
static FILE *
create_file(const char *path, mode_t mode)
{
	FILE	*fp;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode)) == -1)
		err(1, "%s/%s", certdir, path);
	track(path);
	if (fchmod(fd, mode) == -1)
		err(1, "chmod %s/%s", certdir, path);
	if ((fp = fdopen(fd, "w")) == NULL)
		err(1, "%s/%s", certdir, path);
	return (fp);
}

static void
close_file(FILE *fp, const char *path)
{
	if (fflush(fp) == EOF || ferror(fp) || fsync(fileno(fp)) == -1)
		err(1, "write %s/%s", certdir, path);
	if (fclose(fp) == EOF)
		err(1, "close %s/%s", certdir, path);
}

static void
commit_rename(const char *from, const char *to)
{
	if (rename(from, to) == -1)
		err(1, "rename %s/%s to %s", certdir, from, to);
}

static void
time_fmt(const ASN1_TIME *t, char *buf, size_t size)
{
	struct tm	 tm;

	if (!ASN1_TIME_to_tm(t, &tm))
		sslerrx("%s: bad certificate time", __func__);
	if (strftime(buf, size, TIME_FMT, &tm) == 0)
		errx(1, "%s: time does not fit", __func__);
}

static time_t
time_parse(const char *s)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, TIME_FMT, &tm)) == NULL || *end != '\0')
		return (-1);
	return (timegm(&tm));
}

static int
role_parse(const char *s)
{
	int	 r;

	for (r = 0; r < ROLE_MAX; r++)
		if (strcmp(s, role_name[r]) == 0)
			return (r);
	return (-1);
}

/*
 * The index is the record of what was issued, one certificate a line:
 * serial role name not-after status revocation-date.
 */
static void
index_read(struct index *ix)
{
	FILE		*fp;
	struct entry	*e;
	char		*line = NULL, *p, *f[7];
	size_t		 sz = 0, nf;
	ssize_t		 len;
	unsigned int	 lineno = 0;
	int		 r;

	memset(ix, 0, sizeof(*ix));
	if ((fp = fopen(INDEX_FILE, "re")) == NULL) {
		if (errno == ENOENT)
			errx(1, "%s: no certificate authority; run "
			    "\"honeyspy-cert init\" first", certdir);
		err(1, "%s/%s", certdir, INDEX_FILE);
	}
	while ((len = getline(&line, &sz, fp)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		nf = 0;
		for (p = line; p != NULL && nf < 7; )
			f[nf++] = strsep(&p, " ");
		e = index_add(ix);
		if (nf != 6 || (r = role_parse(f[1])) == -1 ||
		    strlcpy(e->e_serial, f[0], sizeof(e->e_serial)) >=
		    sizeof(e->e_serial) ||
		    strlcpy(e->e_name, f[2], sizeof(e->e_name)) >=
		    sizeof(e->e_name) ||
		    strlcpy(e->e_notafter, f[3], sizeof(e->e_notafter)) >=
		    sizeof(e->e_notafter) || time_parse(f[3]) == -1 ||
		    strlcpy(e->e_revdate, f[5], sizeof(e->e_revdate)) >=
		    sizeof(e->e_revdate))
			errx(1, "%s/%s:%u: malformed line", certdir,
			    INDEX_FILE, lineno);
		e->e_role = r;
		if (strcmp(f[4], "valid") == 0 && strcmp(f[5], "-") == 0)
			e->e_revoked = 0;
		else if (strcmp(f[4], "revoked") == 0 &&
		    time_parse(f[5]) != -1)
			e->e_revoked = 1;
		else
			errx(1, "%s/%s:%u: bad status", certdir, INDEX_FILE,
			    lineno);
	}
	if (ferror(fp))
		err(1, "%s/%s", certdir, INDEX_FILE);
	free(line);
	(void)fclose(fp);
}

/* To INDEX_TMP; the caller renames it into place once all else is done. */
static void
index_write(const struct index *ix)
{
	FILE			*fp;
	const struct entry	*e;
	size_t			 i;

	if (unlink(INDEX_TMP) == -1 && errno != ENOENT)
		err(1, "%s/%s", certdir, INDEX_TMP);
	fp = create_file(INDEX_TMP, 0600);
	(void)fprintf(fp, "# serial role name not-after status revoked\n");
	for (i = 0; i < ix->ix_n; i++) {
		e = &ix->ix_e[i];
		(void)fprintf(fp, "%s %s %s %s %s %s\n", e->e_serial,
		    role_name[e->e_role], e->e_name, e->e_notafter,
		    e->e_revoked ? "revoked" : "valid", e->e_revdate);
	}
	close_file(fp, INDEX_TMP);
}

/* Names are unique over all roles, so that "revoke NAME" is unambiguous. */
static struct entry *
index_find(const struct index *ix, const char *name)
{
	size_t	 i;

	for (i = 0; i < ix->ix_n; i++)
		if (strcmp(ix->ix_e[i].e_name, name) == 0)
			return (&ix->ix_e[i]);
	return (NULL);
}

static struct entry *
index_add(struct index *ix)
{
	struct entry	*ne;

	if ((ne = recallocarray(ix->ix_e, ix->ix_n, ix->ix_n + 1,
	    sizeof(*ne))) == NULL)
		err(1, "%s", __func__);
	ix->ix_e = ne;
	return (&ix->ix_e[ix->ix_n++]);
}

/* The CA key is not encrypted; never fall back to a terminal prompt. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return (-1);
}

static void
load_ca(X509 **cap, EVP_PKEY **keyp)
{
	FILE	*fp;

	if ((fp = fopen(CA_CRT, "re")) == NULL)
		err(1, "%s/%s", certdir, CA_CRT);
	if ((*cap = PEM_read_X509(fp, NULL, NULL, NULL)) == NULL)
		sslerrx("%s/%s", certdir, CA_CRT);
	(void)fclose(fp);
	if ((fp = fopen(CA_KEY, "re")) == NULL)
		err(1, "%s/%s", certdir, CA_KEY);
	if ((*keyp = PEM_read_PrivateKey(fp, NULL, no_passphrase,
	    NULL)) == NULL)
		sslerrx("%s/%s", certdir, CA_KEY);
	(void)fclose(fp);
	if (X509_check_private_key(*cap, *keyp) != 1)
		sslerrx("%s: %s does not match %s", certdir, CA_KEY, CA_CRT);
}

/* From the first line of file, or asked twice on the terminal. */
static void
get_passphrase(const char *file, const char *name, char *buf, size_t size)
{
	FILE	*fp;
	char	 again[PASS_LEN], prompt[128];
	size_t	 len;

	if (file != NULL) {
		if ((fp = fopen(file, "re")) == NULL)
			err(1, "%s", file);
		if (fgets(buf, (int)size, fp) == NULL) {
			if (ferror(fp))
				err(1, "%s", file);
			errx(1, "%s: empty passphrase", file);
		}
		len = strcspn(buf, "\r\n");
		if (buf[len] == '\0' && !feof(fp) && len == size - 1) {
			explicit_bzero(buf, size);
			errx(1, "%s: passphrase too long", file);
		}
		(void)fclose(fp);
		buf[len] = '\0';
		if (len == 0)
			errx(1, "%s: empty passphrase", file);
		return;
	}
	(void)snprintf(prompt, sizeof(prompt), "Passphrase for admin %s: ",
	    name);
	if (readpassphrase(prompt, buf, size, RPP_REQUIRE_TTY) == NULL)
		err(1, "cannot read passphrase (use -p file)");
	if (buf[0] == '\0')
		errx(1, "empty passphrase");
	if (readpassphrase("Repeat passphrase: ", again, sizeof(again),
	    RPP_REQUIRE_TTY) == NULL) {
		explicit_bzero(buf, size);
		err(1, "cannot read passphrase");
	}
	if (strcmp(buf, again) != 0) {
		explicit_bzero(buf, size);
		explicit_bzero(again, sizeof(again));
		errx(1, "passphrases do not match");
	}
	explicit_bzero(again, sizeof(again));
}

static EVP_PKEY *
new_key(void)
{
	EVP_PKEY	*key;

	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		sslerrx("EC P-256 key generation");
	return (key);
}

static void
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION	*ext;

	if ((ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value)) == NULL)
		sslerrx("extension %s=%s", OBJ_nid2sn(nid), value);
	if (!X509_add_ext(x, ext, -1))
		sslerrx("add extension %s", OBJ_nid2sn(nid));
	X509_EXTENSION_free(ext);
}

/*
 * A certificate for key: the self-signed CA when issuer is NULL, else a
 * leaf with OU=role and CN=name, signed by issuer for days days.
 */
static X509 *
new_cert(enum role role, const char *name, EVP_PKEY *key, X509 *issuer,
    EVP_PKEY *ikey, long days, const char *san)
{
	X509		*x;
	X509_NAME	*subj;
	BIGNUM		*bn;
	X509V3_CTX	 ctx;
	unsigned char	 rnd[SERIAL_BYTES];
	int		 ca = issuer == NULL;

	if ((x = X509_new()) == NULL || (subj = X509_NAME_new()) == NULL)
		sslerrx("%s", __func__);
	if (!X509_set_version(x, X509_VERSION_3))
		sslerrx("%s: version", __func__);

	/* Random, so that nobody can predict or collide with a serial. */
	do {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			sslerrx("%s: random serial", __func__);
		if ((bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) == NULL)
			sslerrx("%s: serial", __func__);
		if (BN_is_zero(bn)) {
			BN_free(bn);
			bn = NULL;
		}
	} while (bn == NULL);
	if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		sslerrx("%s: serial", __func__);
	BN_free(bn);
	explicit_bzero(rnd, sizeof(rnd));

	if (!X509_NAME_add_entry_by_txt(subj, "O", MBSTRING_ASC,
	    (const unsigned char *)CERT_O, -1, -1, 0) ||
	    (!ca && !X509_NAME_add_entry_by_txt(subj, "OU", MBSTRING_ASC,
	    (const unsigned char *)role_name[role], -1, -1, 0)) ||
	    !X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC,
	    (const unsigned char *)name, -1, -1, 0) ||
	    !X509_set_subject_name(x, subj) ||
	    !X509_set_issuer_name(x, ca ? subj :
	    X509_get_subject_name(issuer)))
		sslerrx("%s: subject", __func__);
	X509_NAME_free(subj);

	if (X509_gmtime_adj(X509_getm_notBefore(x), -BACKDATE) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0,
	    NULL) == NULL)
		sslerrx("%s: validity", __func__);
	if (!ca && ASN1_TIME_compare(X509_get0_notAfter(x),
	    X509_get0_notAfter(issuer)) > 0)
		errx(1, "%s: %ld days would outlast the CA; use -V", name,
		    days);
	if (!X509_set_pubkey(x, key))
		sslerrx("%s: public key", __func__);

	X509V3_set_ctx(&ctx, ca ? x : issuer, x, NULL, NULL, 0);
	if (!X509V3_set_issuer_pkey(&ctx, ca ? key : ikey))
		sslerrx("%s: issuer key", __func__);
	if (ca) {
		add_ext(x, &ctx, NID_basic_constraints,
		    "critical,CA:TRUE,pathlen:0");
		add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
		add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature");
		add_ext(x, &ctx, NID_ext_key_usage, role_eku[role]);
		if (san != NULL && san[0] != '\0')
			add_ext(x, &ctx, NID_subject_alt_name, san);
	}
	add_ext(x, &ctx, NID_subject_key_identifier, "hash");
	add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");

	if (X509_sign(x, ca ? key : ikey, EVP_sha256()) == 0)
		sslerrx("%s: sign", __func__);
	return (x);
}

/* PKCS#8, encrypted with AES-256 when pass is not NULL. */
static void
write_key(const char *path, EVP_PKEY *key, const char *pass)
{
	FILE	*fp;

	fp = create_file(path, 0600);
	if (!PEM_write_PrivateKey(fp, key, pass != NULL ? EVP_aes_256_cbc() :
	    NULL, (const unsigned char *)pass, pass != NULL ?
	    (int)strlen(pass) : 0, NULL, NULL))
		sslerrx("%s/%s", certdir, path);
	close_file(fp, path);
}

static void
write_cert(const char *path, X509 *x)
{
	FILE	*fp;

	fp = create_file(path, 0644);
	if (!PEM_write_X509(fp, x))
		sslerrx("%s/%s", certdir, path);
	close_file(fp, path);
}

/*
 * The whole revocation list, from the index, to CRL_TMP.  Its number is
 * one more than the revoked certificates, which only ever grow.
 */
static void
write_crl(const struct index *ix, X509 *ca, EVP_PKEY *cakey)
{
	X509_CRL		*crl;
	X509_REVOKED		*rev;
	X509_EXTENSION		*ext;
	ASN1_TIME		*t;
	ASN1_INTEGER		*ai;
	BIGNUM			*bn;
	X509V3_CTX		 ctx;
	FILE			*fp;
	const struct entry	*e;
	size_t			 i;
	long			 n = 1;

	if ((crl = X509_CRL_new()) == NULL ||
	    !X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)))
		sslerrx("%s", __func__);
	if ((t = X509_gmtime_adj(NULL, 0)) == NULL ||
	    !X509_CRL_set1_lastUpdate(crl, t) ||
	    X509_time_adj_ex(t, CRL_DAYS, 0, NULL) == NULL ||
	    !X509_CRL_set1_nextUpdate(crl, t))
		sslerrx("%s: update times", __func__);
	ASN1_TIME_free(t);

	for (i = 0; i < ix->ix_n; i++) {
		e = &ix->ix_e[i];
		if (!e->e_revoked)
			continue;
		n++;
		bn = NULL;
		if (BN_hex2bn(&bn, e->e_serial) == 0 ||
		    (ai = BN_to_ASN1_INTEGER(bn, NULL)) == NULL)
			errx(1, "%s/%s: bad serial %s", certdir, INDEX_FILE,
			    e->e_serial);
		if ((rev = X509_REVOKED_new()) == NULL ||
		    (t = ASN1_TIME_set(NULL, time_parse(e->e_revdate))) ==
		    NULL ||
		    !X509_REVOKED_set_serialNumber(rev, ai) ||
		    !X509_REVOKED_set_revocationDate(rev, t) ||
		    !X509_CRL_add0_revoked(crl, rev))
			sslerrx("%s: %s", __func__, e->e_name);
		ASN1_TIME_free(t);
		ASN1_INTEGER_free(ai);
		BN_free(bn);
	}
	if (!X509_CRL_sort(crl))
		sslerrx("%s: sort", __func__);

	X509V3_set_ctx(&ctx, ca, NULL, NULL, crl, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx,
	    NID_authority_key_identifier, "keyid:always")) == NULL ||
	    !X509_CRL_add_ext(crl, ext, -1))
		sslerrx("%s: authority key identifier", __func__);
	X509_EXTENSION_free(ext);
	if ((ai = ASN1_INTEGER_new()) == NULL || !ASN1_INTEGER_set(ai, n) ||
	    !X509_CRL_add1_ext_i2d(crl, NID_crl_number, ai, 0, 0))
		sslerrx("%s: number", __func__);
	ASN1_INTEGER_free(ai);
	if (X509_CRL_sign(crl, cakey, EVP_sha256()) == 0)
		sslerrx("%s: sign", __func__);

	if (unlink(CRL_TMP) == -1 && errno != ENOENT)
		err(1, "%s/%s", certdir, CRL_TMP);
	fp = create_file(CRL_TMP, 0644);
	if (!PEM_write_X509_CRL(fp, crl))
		sslerrx("%s/%s", certdir, CRL_TMP);
	close_file(fp, CRL_TMP);
	X509_CRL_free(crl);
}

static void
cert_paths(enum role role, const char *name, char *key, char *crt,
    size_t size)
{
	const char	*dir;
	int		 n1, n2;

	if (role == ROLE_MASTER) {
		n1 = snprintf(key, size, "master.key");
		n2 = snprintf(crt, size, "master.crt");
	} else {
		dir = role == ROLE_SENSOR ? "sensors" : "admins";
		n1 = snprintf(key, size, "%s/%s.key", dir, name);
		n2 = snprintf(crt, size, "%s/%s.crt", dir, name);
	}
	if (n1 < 0 || (size_t)n1 >= size || n2 < 0 || (size_t)n2 >= size)
		errx(1, "%s: path too long", name);
}

static void
record(struct index *ix, enum role role, const char *name, X509 *x)
{
	struct entry	*e;
	BIGNUM		*bn;
	char		*hex;

	e = index_add(ix);
	e->e_role = role;
	(void)strlcpy(e->e_name, name, sizeof(e->e_name));
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) ==
	    NULL || (hex = BN_bn2hex(bn)) == NULL)
		sslerrx("%s: serial", __func__);
	if (strlcpy(e->e_serial, hex, sizeof(e->e_serial)) >=
	    sizeof(e->e_serial))
		errx(1, "%s: serial too long", __func__);
	OPENSSL_free(hex);
	BN_free(bn);
	time_fmt(X509_get0_notAfter(x), e->e_notafter, sizeof(e->e_notafter));
	(void)strlcpy(e->e_revdate, "-", sizeof(e->e_revdate));
}

static void
cmd_init(const char *name, const char *san, long days)
{
	struct index	 ix;
	X509		*ca, *mc;
	EVP_PKEY	*cakey, *mkey;

	check_name(name);
	if (exists(CA_KEY) || exists(CA_CRT) || exists(INDEX_FILE))
		errx(1, "%s: a certificate authority exists already", certdir);
	if (exists("master.key") || exists("master.crt"))
		errx(1, "%s: a master certificate exists already", certdir);
	(void)mkdir_private("sensors");
	(void)mkdir_private("admins");

	cakey = new_key();
	ca = new_cert(ROLE_MAX, CA_CN, cakey, NULL, NULL, CA_DAYS, NULL);
	write_key(CA_KEY, cakey, NULL);
	write_cert(CA_CRT, ca);

	mkey = new_key();
	mc = new_cert(ROLE_MASTER, name, mkey, ca, cakey, days, san);
	write_key("master.key", mkey, NULL);
	write_cert("master.crt", mc);

	memset(&ix, 0, sizeof(ix));
	record(&ix, ROLE_MASTER, name, mc);
	index_write(&ix);
	write_crl(&ix, ca, cakey);
	track(CRL_FILE);
	track(INDEX_FILE);
	commit_rename(CRL_TMP, CRL_FILE);
	commit_rename(INDEX_TMP, INDEX_FILE);
	committed = 1;

	free(ix.ix_e);
	X509_free(mc);
	X509_free(ca);
	EVP_PKEY_free(mkey);
	EVP_PKEY_free(cakey);
}

static void
cmd_issue(enum role role, const char *name, long days, const char *passfile)
{
	struct index	 ix;
	struct entry	*e;
	X509		*ca, *x;
	EVP_PKEY	*cakey, *key;
	char		 kpath[PATH_MAX], cpath[PATH_MAX], pass[PASS_LEN];

	check_name(name);
	index_read(&ix);
	if ((e = index_find(&ix, name)) != NULL)
		errx(1, "%s: already issued (%s, serial %s, %s)", name,
		    role_name[e->e_role], e->e_serial,
		    e->e_revoked ? "revoked" : "valid");
	cert_paths(role, name, kpath, cpath, sizeof(kpath));
	if (exists(kpath) || exists(cpath))
		errx(1, "%s: %s/%s or %s exists already", name, certdir, kpath,
		    cpath);
	load_ca(&ca, &cakey);
	/* Ask before generating anything, so a failed prompt leaves nothing. */
	if (role == ROLE_ADMIN)
		get_passphrase(passfile, name, pass, sizeof(pass));

	key = new_key();
	x = new_cert(role, name, key, ca, cakey, days, NULL);
	write_key(kpath, key, role == ROLE_ADMIN ? pass : NULL);
	explicit_bzero(pass, sizeof(pass));
	write_cert(cpath, x);
	record(&ix, role, name, x);
	index_write(&ix);
	commit_rename(INDEX_TMP, INDEX_FILE);
	committed = 1;

	free(ix.ix_e);
	X509_free(x);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
}

static void
cmd_list(void)
{
	struct index		 ix;
	const struct entry	*e;
	const char		*status;
	time_t			 now = time(NULL);
	size_t			 i;

	index_read(&ix);
	for (i = 0; i < ix.ix_n; i++) {
		e = &ix.ix_e[i];
		if (e->e_revoked)
			status = "revoked";
		else if (time_parse(e->e_notafter) < now)
			status = "expired";
		else
			status = "valid";
		if (printf("%-6s %-16s %-32s %s %s\n", role_name[e->e_role],
		    e->e_name, e->e_serial, e->e_notafter, status) < 0)
			err(1, "stdout");
	}
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	free(ix.ix_e);
}

static void
cmd_revoke(const char *name)
{
	struct index	 ix;
	struct entry	*e;
	struct tm	 tm;
	X509		*ca;
	EVP_PKEY	*cakey;
	time_t		 now = time(NULL);

	check_name(name);
	index_read(&ix);
	if ((e = index_find(&ix, name)) == NULL)
		errx(1, "%s: no such certificate", name);
	if (e->e_revoked)
		errx(1, "%s: already revoked on %s", name, e->e_revdate);
	load_ca(&ca, &cakey);
	e->e_revoked = 1;
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(e->e_revdate, sizeof(e->e_revdate), TIME_FMT, &tm) == 0)
		errx(1, "%s: time", __func__);
	index_write(&ix);
	write_crl(&ix, ca, cakey);
	/* The index is the record the list is rebuilt from: it goes first. */
	commit_rename(INDEX_TMP, INDEX_FILE);
	committed = 1;
	commit_rename(CRL_TMP, CRL_FILE);

	free(ix.ix_e);
	X509_free(ca);
	EVP_PKEY_free(cakey);
}

int
main(int argc, char *argv[])
{
	const char	*errstr, *passfile = NULL, *mname = "master", *cmd;
	char		 san[SAN_MAX * (SAN_LEN + 5)] = "";
	long		 days = LEAF_DAYS;
	int		 ch, dfd, nsan = 0, init, list, issue;
	int		 nflag = 0, vflag = 0;

	while ((ch = getopt(argc, argv, "+d:n:p:s:V:")) != -1) {
		switch (ch) {
		case 'd':
			certdir = optarg;
			break;
		case 'n':
			mname = optarg;
			nflag = 1;
			break;
		case 'p':
			passfile = optarg;
			break;
		case 's':
			if (++nsan > SAN_MAX)
				errx(1, "at most %d alternative names",
				    SAN_MAX);
			if (add_san(san, sizeof(san), optarg) == -1)
				errx(1, "invalid alternative name \"%.*s\": "
				    "not an address or host name", SAN_LEN,
				    optarg);
			break;
		case 'V':
			days = strtonum(optarg, 1, LEAF_DAYS_MAX, &errstr);
			if (errstr != NULL)
				errx(1, "validity %s days is %s", optarg,
				    errstr);
			vflag = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	cmd = argv[0];
	init = strcmp(cmd, "init") == 0;
	list = strcmp(cmd, "list") == 0;
	issue = strcmp(cmd, "sensor") == 0 || strcmp(cmd, "admin") == 0;
	if (init || list) {
		if (argc != 1)
			usage();
	} else if (issue || strcmp(cmd, "revoke") == 0) {
		if (argc != 2)
			usage();
	} else
		usage();
	if (!init && (nflag || nsan > 0))
		usage();
	if (!init && !issue && vflag)
		usage();
	if (passfile != NULL && strcmp(cmd, "admin") != 0)
		usage();
	if (init) {
		check_name(mname);
		/* Without -s the master is known by its name, if it can be. */
		if (nsan == 0)
			(void)add_san(san, sizeof(san), mname);
	}

	(void)umask(077);
	if (atexit(cleanup) != 0)
		err(1, "atexit");
	/*
	 * The daemon reads the revocation list again after it gave up
	 * root: it may pass through the directory, not list it; the keys
	 * inside stay 0600 and the key directories 0700.
	 */
	if (init && mkdir_private(certdir) && chmod(certdir, 0711) == -1)
		err(1, "chmod %s", certdir);
	if ((dfd = open(certdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		err(1, "%s", certdir);
	/* One writer at a time: the index and the CRL are read-modify-write. */
	if (flock(dfd, list ? LOCK_SH : LOCK_EX) == -1)
		err(1, "lock %s", certdir);
	if (fchdir(dfd) == -1)
		err(1, "%s", certdir);

	if (init)
		cmd_init(mname, san, days);
	else if (list)
		cmd_list();
	else if (strcmp(cmd, "sensor") == 0)
		cmd_issue(ROLE_SENSOR, argv[1], days, NULL);
	else if (strcmp(cmd, "admin") == 0)
		cmd_issue(ROLE_ADMIN, argv[1], days, passfile);
	else
		cmd_revoke(argv[1]);
	(void)close(dfd);
	return (0);
}
