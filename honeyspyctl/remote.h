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

#ifndef HS_CTL_REMOTE_H
#define HS_CTL_REMOTE_H

#define REMOTE_PORT		"7433"	/* when -m names no port */
#define REMOTE_HISTORY		".honeyspyctl_history"	/* under $HOME */

struct remote_opts {
	const char	*ro_master;	/* HOST:PORT, [ADDR]:PORT or HOST */
	const char	*ro_ca, *ro_cert, *ro_key;
	const char	*ro_passfile;	/* -p: passphrase file; NULL: ask */
	int		 ro_json;	/* -j: print replies as JSON */
};

/*
 * With argc == 0 an interactive console, else the one call argv[0] with
 * arguments argv[1...].  Returns the exit status.
 */
int	remote_main(const struct remote_opts *, int, char *[]);

/* The first line of a passphrase file, or -1 and why. */
int	pw_file(const char *, char *, int, char *, size_t);

#endif /* HS_CTL_REMOTE_H */
