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
 * libFuzzer target for one text analyzer, chosen at build time: FUZZ_KIND
 * and FUZZ_ANALYZER name it (fuzz_fmtstr, fuzz_overflow).  Any bytes in,
 * findings checked.
 */

#if !defined(FUZZ_KIND) || !defined(FUZZ_ANALYZER)
#error "build with -DFUZZ_KIND=... -DFUZZ_ANALYZER=..."
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t	 cur_len;

/* A finding must lie inside the input and describe it in printable ASCII. */
static void
check(const struct detect_finding *f, void *arg)
{
	const char	*p;
	int		*count = arg;

	if (f->df_kind != FUZZ_KIND || f->df_offset > cur_len ||
	    f->df_length > cur_len - f->df_offset ||
	    f->df_confidence < 0 || f->df_confidence > 100)
		abort();
	if (memchr(f->df_desc, '\0', sizeof(f->df_desc)) == NULL)
		abort();
	for (p = f->df_desc; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
	(*count)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct detect_limits	 lim;
	int			 count = 0, n;

	cur_len = len;
	if ((n = FUZZ_ANALYZER(data, len, NULL, check, &count)) < 0 ||
	    n != count)
		abort();

	/* A scan window that ends mid-input must stay inside it. */
	memset(&lim, 0, sizeof(lim));
	lim.dl_scan = len / 2 + 1;
	cur_len = len < lim.dl_scan ? len : lim.dl_scan;
	count = 0;
	if ((n = FUZZ_ANALYZER(data, len, &lim, check, &count)) < 0 ||
	    n != count)
		abort();
	return (0);
}
