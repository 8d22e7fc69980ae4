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

/* Exploit-payload analysis: run the analyzers an operator enabled. */

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "detect.h"

#define DETECT_STEPS	100000
#define DETECT_MEMORY	(1024 * 1024)
#define DETECT_SCAN	(1024 * 1024)

const char *
detect_kind_name(enum detect_kind kind)
{
	switch (kind) {
	case DETECT_SHELLCODE:
		return ("shellcode");
	case DETECT_FORMAT_STRING:
		return ("format_string");
	case DETECT_OVERFLOW:
		return ("overflow");
	case DETECT_NKINDS:
		break;
	}
	return ("unknown");
}

/* The configuration's defaults (detect.limits in honeyspyd.yaml(5)). */
void
detect_limits_default(struct detect_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->dl_steps = DETECT_STEPS;
	lim->dl_memory = DETECT_MEMORY;
	lim->dl_scan = DETECT_SCAN;
}

/* How much of a buffer of LEN bytes the analyzers read under LIM. */
size_t
detect_scanlen(const struct detect_limits *lim, size_t len)
{
	size_t	 scan = lim != NULL && lim->dl_scan != 0 ? lim->dl_scan :
		    DETECT_SCAN;

	return (len < scan ? len : scan);
}

/*
 * Every enabled analyzer over one buffer.  Returns the number of findings,
 * or -1 when an analyzer failed; the others still run, so that one broken
 * analyzer costs no findings of the rest.  The emulator goes last: the
 * libunicorn we have can abort on some byte sequences ("tcg fatal
 * error"), and what the other analyzers found has been reported by then.
 */
int
detect_all(const uint8_t *buf, size_t len, const struct detect_limits *lim,
    unsigned int kinds, detect_cb cb, void *arg)
{
	struct detect_limits	 dflt;
	int			 n, total = 0, failed = 0;

	if (lim == NULL) {
		detect_limits_default(&dflt);
		lim = &dflt;
	}
	if (kinds & (1U << DETECT_FORMAT_STRING)) {
		if ((n = detect_format_string(buf, len, lim, cb, arg)) == -1)
			failed = 1;
		else
			total += n;
	}
	if (kinds & (1U << DETECT_OVERFLOW)) {
		if ((n = detect_overflow(buf, len, lim, cb, arg)) == -1)
			failed = 1;
		else
			total += n;
	}
	if (kinds & (1U << DETECT_SHELLCODE)) {
		if ((n = detect_shellcode(buf, len, lim, cb, arg)) == -1)
			failed = 1;
		else
			total += n;
	}
	return (failed ? -1 : total);
}

/*
 * Quote attacker bytes for a finding's description: printable ASCII stays,
 * quote and backslash and everything else become \xHH, so the quote
 * marks around it stay unambiguous.  Stops at what fits.
 */
void
detect_quote(const uint8_t *b, size_t len, char *out, size_t outlen)
{
	size_t	 i, o = 0, el;
	char	 esc[5];

	if (outlen == 0)
		return;
	for (i = 0; i < len; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\' &&
		    b[i] != '"') {
			esc[0] = (char)b[i];
			esc[1] = '\0';
		} else
			(void)snprintf(esc, sizeof(esc), "\\x%02x", b[i]);
		el = strlen(esc);
		if (o + el + 1 > outlen)
			break;
		memcpy(out + o, esc, el);
		o += el;
	}
	out[o] = '\0';
}

/* A hex digit's value, -1 if it is none; locale-free, unlike isxdigit(3). */
int
detect_hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}
