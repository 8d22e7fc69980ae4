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
 * TLS for the RPC links, the same on every side: TLS 1.3 only, both peers
 * present a certificate that chains to the network's CA, and the peer's
 * role and name come from that certificate (OU and CN).
 */

#ifndef HS_TLS_H
#define HS_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#define TLS_NAMELEN	64

SSL_CTX		*tls_ctx_new(int, const char *, const char *, const char *,
		    pem_password_cb *, void *, STACK_OF(X509) **, char *,
		    size_t);
int		 tls_set_trust(SSL_CTX *, STACK_OF(X509) *, const void *,
		    size_t, char *, size_t);
int		 tls_peer(SSL *, int *, char *, size_t);
int		 tls_cert_role(X509 *, int *, char *, size_t);
const char	*tls_error(char *, size_t);

#endif /* HS_TLS_H */
