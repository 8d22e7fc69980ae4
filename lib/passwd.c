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
 * Web console passwords: scrypt (RFC 7914) from OpenSSL, kept in a
 * self-describing string so that the cost can rise without breaking the
 * hashes already in configurations:
 *
 *	$scrypt$ln=15,r=8,p=1$<base64 salt>$<base64 key>
 */

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "passwd.h"

#define PW_PREFIX	"$scrypt$"
#define PW_SALTLEN	16
#define PW_KEYLEN	32
#define PW_LN		15		/* N = 2^15: 32 MiB, tens of ms */
#define PW_R		8
#define PW_P		1
#define PW_LN_MAX	20		/* what a configuration may ask */
#define PW_MAXMEM	((uint64_t)1 << 30)

struct pw_parsed {
	int		ln, r, p;
	unsigned char	salt[64];
	size_t		saltlen;
	unsigned char	key[64];
	size_t		keylen;
};

static int
b64_decode(const char *s, size_t slen, unsigned char *out, size_t outmax,
    size_t *outlen)
{
	unsigned char	 buf[128];
	int		 n;
	size_t		 pad = 0;

	if (slen == 0 || slen % 4 != 0 || slen / 4 * 3 > sizeof(buf))
		return (-1);
	if ((n = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)slen)) < 0)
		return (-1);
	if (s[slen - 1] == '=')
		pad++;
	if (s[slen - 2] == '=')
		pad++;
	if ((size_t)n < pad || (size_t)n - pad > outmax)
		return (-1);
	*outlen = (size_t)n - pad;
	memcpy(out, buf, *outlen);
	explicit_bzero(buf, sizeof(buf));
	return (0);
}

static int
pw_parse(const char *hash, struct pw_parsed *pp)
{
	const char	*salt, *key, *end;
	int		 n = 0;

	memset(pp, 0, sizeof(*pp));
	if (strncmp(hash, PW_PREFIX, strlen(PW_PREFIX)) != 0)
		return (-1);
	hash += strlen(PW_PREFIX);
	if (sscanf(hash, "ln=%d,r=%d,p=%d%n", &pp->ln, &pp->r, &pp->p,
	    &n) != 3 || n == 0 || hash[n] != '$')
		return (-1);
	if (pp->ln < 10 || pp->ln > PW_LN_MAX || pp->r < 1 || pp->r > 32 ||
	    pp->p < 1 || pp->p > 16)
		return (-1);
	salt = hash + n + 1;
	if ((key = strchr(salt, '$')) == NULL)
		return (-1);
	end = key + 1 + strlen(key + 1);
	if (b64_decode(salt, (size_t)(key - salt), pp->salt,
	    sizeof(pp->salt), &pp->saltlen) == -1 || pp->saltlen < 4 ||
	    b64_decode(key + 1, (size_t)(end - key - 1), pp->key,
	    sizeof(pp->key), &pp->keylen) == -1 || pp->keylen < 16)
		return (-1);
	return (0);
}

static int
pw_derive(const char *pw, size_t len, const struct pw_parsed *pp,
    unsigned char *key, size_t keylen)
{
	if (EVP_PBE_scrypt(pw, len, pp->salt, pp->saltlen,
	    (uint64_t)1 << pp->ln, (uint64_t)pp->r, (uint64_t)pp->p,
	    PW_MAXMEM, key, keylen) != 1) {
		errno = ENOMEM;
		return (-1);
	}
	return (0);
}

int
passwd_valid(const char *hash)
{
	struct pw_parsed	 pp;

	return (pw_parse(hash, &pp) == 0);
}

int
passwd_hash(const char *pw, size_t len, char *out, size_t outlen)
{
	struct pw_parsed	 pp;
	char			 salt[64], key[64];
	int			 n;

	memset(&pp, 0, sizeof(pp));
	pp.ln = PW_LN;
	pp.r = PW_R;
	pp.p = PW_P;
	pp.saltlen = PW_SALTLEN;
	pp.keylen = PW_KEYLEN;
	if (RAND_bytes(pp.salt, PW_SALTLEN) != 1) {
		errno = EIO;
		return (-1);
	}
	if (pw_derive(pw, len, &pp, pp.key, pp.keylen) == -1)
		return (-1);
	(void)EVP_EncodeBlock((unsigned char *)salt, pp.salt, PW_SALTLEN);
	(void)EVP_EncodeBlock((unsigned char *)key, pp.key, PW_KEYLEN);
	explicit_bzero(&pp, sizeof(pp));
	n = snprintf(out, outlen, "%sln=%d,r=%d,p=%d$%s$%s", PW_PREFIX, PW_LN,
	    PW_R, PW_P, salt, key);
	explicit_bzero(key, sizeof(key));
	if (n < 0 || (size_t)n >= outlen) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

/*
 * 1 when pw matches, 0 when not, -1 when the hash cannot be used.  A NULL
 * hash (no such user) costs as much as a real one, so that a guess does
 * not learn which names exist from the time it takes.
 */
int
passwd_verify(const char *pw, size_t len, const char *hash)
{
	static const char	 dummy[] = PW_PREFIX "ln=15,r=8,p=1$"
	    "AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	struct pw_parsed	 pp;
	unsigned char		 key[64];
	int			 ok;

	if (pw_parse(hash != NULL ? hash : dummy, &pp) == -1)
		return (-1);
	if (pw_derive(pw, len, &pp, key, pp.keylen) == -1)
		return (-1);
	ok = CRYPTO_memcmp(key, pp.key, pp.keylen) == 0;
	explicit_bzero(key, sizeof(key));
	explicit_bzero(&pp, sizeof(pp));
	return (hash != NULL && ok);
}
