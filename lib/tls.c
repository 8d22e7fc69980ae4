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


/* TLS contexts and peer identities for the RPC links. */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "calls.h"
#include "tls.h"

/* The last OpenSSL error as text, or a fallback; clears the queue. */
const char *
tls_error(char *buf, size_t len)
{
	unsigned long	 e;

	if ((e = ERR_peek_last_error()) == 0)
		(void)snprintf(buf, len, "unknown TLS error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return (buf);
}

/* Files a daemon reads have no passphrase: never fall back to a prompt. */
static int
tls_no_prompt(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return (-1);
}

/*
 * A context for one side of the link.  The CA file's certificates are
 * kept in *cas so that the trust store can be built again with a new CRL
 * after the process can no longer open files.  key_cb asks for an
 * encrypted key's passphrase (NULL: the key must be plain, and nothing
 * ever prompts).
 */
SSL_CTX *
tls_ctx_new(int server, const char *ca, const char *cert, const char *key,
    pem_password_cb *key_cb, void *cb_arg, STACK_OF(X509) **cas, char *err,
    size_t errlen)
{
	SSL_CTX		*ctx;
	STACK_OF(X509_INFO) *infos = NULL;
	X509_INFO	*xi;
	EVP_PKEY	*pkey = NULL;
	BIO		*bio = NULL;
	FILE		*fp;
	char		 e[256];
	int		 i;

	*cas = NULL;
	if ((ctx = SSL_CTX_new(server ? TLS_server_method() :
	    TLS_client_method())) == NULL) {
		(void)snprintf(err, errlen, "SSL_CTX_new: %s",
		    tls_error(e, sizeof(e)));
		return (NULL);
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
		(void)snprintf(err, errlen, "cannot limit to TLS 1.3: %s",
		    tls_error(e, sizeof(e)));
		goto fail;
	}
	/* No tickets: every link is one long session, and no resumption. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);

	if ((bio = BIO_new_file(ca, "r")) == NULL ||
	    (infos = PEM_X509_INFO_read_bio(bio, NULL, tls_no_prompt,
	    NULL)) == NULL) {
		(void)snprintf(err, errlen, "%s: %s", ca,
		    tls_error(e, sizeof(e)));
		goto fail;
	}
	if ((*cas = sk_X509_new_null()) == NULL)
		goto oom;
	for (i = 0; i < sk_X509_INFO_num(infos); i++) {
		xi = sk_X509_INFO_value(infos, i);
		if (xi->x509 == NULL)
			continue;
		if (sk_X509_push(*cas, xi->x509) == 0)
			goto oom;
		xi->x509 = NULL;
	}
	if (sk_X509_num(*cas) == 0) {
		(void)snprintf(err, errlen, "%s: no certificate in it", ca);
		goto fail;
	}
	if (tls_set_trust(ctx, *cas, NULL, 0, err, errlen) == -1)
		goto fail;

	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		(void)snprintf(err, errlen, "%s: %s", cert,
		    tls_error(e, sizeof(e)));
		goto fail;
	}
	if ((fp = fopen(key, "r")) == NULL) {
		(void)snprintf(err, errlen, "%s: %s", key, strerror(errno));
		goto fail;
	}
	pkey = PEM_read_PrivateKey(fp, NULL, key_cb != NULL ? key_cb :
	    tls_no_prompt, cb_arg);
	fclose(fp);
	if (pkey == NULL) {
		(void)snprintf(err, errlen, "%s: cannot read the key (%s)",
		    key, ERR_GET_REASON(ERR_peek_last_error()) ==
		    EVP_R_BAD_DECRYPT || ERR_GET_REASON(
		    ERR_peek_last_error()) == PEM_R_BAD_DECRYPT ?
		    "wrong passphrase" : tls_error(e, sizeof(e)));
		ERR_clear_error();
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey(ctx, pkey) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		(void)snprintf(err, errlen, "%s does not match %s", key, cert);
		ERR_clear_error();
		goto fail;
	}
	EVP_PKEY_free(pkey);
	pkey = NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	/* The CA signs every peer directly. */
	SSL_CTX_set_verify_depth(ctx, 1);
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(bio);
	return (ctx);
 oom:
	(void)snprintf(err, errlen, "out of memory");
 fail:
	EVP_PKEY_free(pkey);
	if (*cas != NULL)
		sk_X509_pop_free(*cas, X509_free);
	*cas = NULL;
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(bio);
	SSL_CTX_free(ctx);
	return (NULL);
}

/*
 * (Re)build the trust store: the CA certificates, and the revocation list
 * when there is one (PEM, any number of CRLs).  With a CRL every peer's
 * certificate is checked against it; the old store is only replaced once
 * the new one is complete.
 */
int
tls_set_trust(SSL_CTX *ctx, STACK_OF(X509) *cas, const void *crl,
    size_t crllen, char *err, size_t errlen)
{
	X509_STORE	*st;
	X509_CRL	*c;
	BIO		*bio = NULL;
	char		 e[256];
	int		 i, ncrl = 0;

	if ((st = X509_STORE_new()) == NULL)
		goto oom;
	for (i = 0; i < sk_X509_num(cas); i++)
		if (X509_STORE_add_cert(st, sk_X509_value(cas, i)) != 1) {
			(void)snprintf(err, errlen, "CA: %s",
			    tls_error(e, sizeof(e)));
			goto fail;
		}
	if (crl != NULL && crllen > 0) {
		if (crllen > INT_MAX ||
		    (bio = BIO_new_mem_buf(crl, (int)crllen)) == NULL)
			goto oom;
		while ((c = PEM_read_bio_X509_CRL(bio, NULL, tls_no_prompt,
		    NULL)) != NULL) {
			if (X509_STORE_add_crl(st, c) != 1) {
				X509_CRL_free(c);
				(void)snprintf(err, errlen, "CRL: %s",
				    tls_error(e, sizeof(e)));
				goto fail;
			}
			X509_CRL_free(c);
			ncrl++;
		}
		ERR_clear_error();	/* the end of the PEM stream */
		if (ncrl == 0) {
			(void)snprintf(err, errlen, "no CRL in the file");
			goto fail;
		}
		if (X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK) != 1)
			goto oom;
	}
	SSL_CTX_set_cert_store(ctx, st);
	BIO_free(bio);
	return (0);
 oom:
	(void)snprintf(err, errlen, "out of memory");
 fail:
	BIO_free(bio);
	X509_STORE_free(st);
	return (-1);
}

/*
 * The role (ROLE_*) and name a certificate gives its holder: exactly one
 * OU among sensor, admin and master, and a CN that is a valid node name.
 */
int
tls_cert_role(X509 *x, int *role, char *name, size_t len)
{
	X509_NAME	*subj;
	char		 ou[32];

	if ((subj = X509_get_subject_name(x)) == NULL ||
	    X509_NAME_entry_count(subj) == 0)
		return (-1);
	if (X509_NAME_get_index_by_NID(subj, NID_organizationalUnitName, -1) ==
	    -1 ||
	    X509_NAME_get_index_by_NID(subj, NID_organizationalUnitName,
	    X509_NAME_get_index_by_NID(subj, NID_organizationalUnitName,
	    -1)) != -1 ||
	    X509_NAME_get_text_by_NID(subj, NID_organizationalUnitName, ou,
	    sizeof(ou)) <= 0 ||
	    X509_NAME_get_text_by_NID(subj, NID_commonName, name,
	    (int)len) <= 0 || !call_name_valid(name))
		return (-1);
	if (strcmp(ou, "sensor") == 0)
		*role = ROLE_SENSOR;
	else if (strcmp(ou, "admin") == 0)
		*role = ROLE_ADMIN;
	else if (strcmp(ou, "master") == 0)
		*role = ROLE_MASTER;
	else
		return (-1);
	return (0);
}

/* The verified peer's role and name; -1 when it has none we accept. */
int
tls_peer(SSL *ssl, int *role, char *name, size_t len)
{
	X509	*x;

	if (SSL_get_verify_result(ssl) != X509_V_OK ||
	    (x = SSL_get0_peer_certificate(ssl)) == NULL)
		return (-1);
	return (tls_cert_role(x, role, name, len));
}
