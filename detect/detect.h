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

/* Exploit-payload analysis: shellcode, format strings and overflows. */

#ifndef HS_DETECT_H
#define HS_DETECT_H

#include <stddef.h>
#include <stdint.h>

enum detect_kind {
	DETECT_SHELLCODE,
	DETECT_FORMAT_STRING,
	DETECT_OVERFLOW,
	DETECT_NKINDS
};

#define DETECT_ALL	((1U << DETECT_NKINDS) - 1)
#define DETECT_DESCLEN	256
#define DETECT_ASMLEN	512

/*
 * One finding.  Every string is printable ASCII and NUL-terminated: the
 * analyzers escape whatever attacker bytes they quote.
 */
struct detect_finding {
	enum detect_kind	 df_kind;
	size_t			 df_offset;	/* into the analysed buffer */
	size_t			 df_length;
	int			 df_confidence;	/* 0 to 100 */
	char			 df_desc[DETECT_DESCLEN];
	char			 df_arch[16];	/* shellcode: x86, x86_64 */
	char			 df_disasm[DETECT_ASMLEN]; /* shellcode */
};

/* What one analysis may cost; zero means the default. */
struct detect_limits {
	uint64_t		 dl_steps;	/* emulated instructions */
	uint64_t		 dl_memory;	/* emulator memory, bytes */
	size_t			 dl_scan;	/* bytes looked at */
};

/* Called for each finding; the finding is valid during the call only. */
typedef void	(*detect_cb)(const struct detect_finding *, void *);

const char	*detect_kind_name(enum detect_kind);
void		 detect_limits_default(struct detect_limits *);
size_t		 detect_scanlen(const struct detect_limits *, size_t);
void		 detect_quote(const uint8_t *, size_t, char *, size_t);
int		 detect_hexval(uint8_t);

/* Each returns the number of findings reported, or -1 on an error. */
int	detect_shellcode(const uint8_t *, size_t, const struct detect_limits *,
	    detect_cb, void *);
int	detect_format_string(const uint8_t *, size_t,
	    const struct detect_limits *, detect_cb, void *);
int	detect_overflow(const uint8_t *, size_t, const struct detect_limits *,
	    detect_cb, void *);
int	detect_all(const uint8_t *, size_t, const struct detect_limits *,
	    unsigned int, detect_cb, void *);

#endif /* HS_DETECT_H */
