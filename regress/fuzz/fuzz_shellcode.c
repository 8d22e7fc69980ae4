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
 * libFuzzer target for the shellcode analyzer: attacker bytes run in the
 * emulator, so no input may crash, hang or leak, and every finding must
 * stay inside the buffer and quote only printable ASCII.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_ctx {
	size_t	 len;
	int	 n;
};

static int
printable(const char *s, size_t size)
{
	size_t	 i;

	for (i = 0; i < size && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return (0);
	return (i < size);
}

static void
check(const struct detect_finding *f, void *arg)
{
	struct fuzz_ctx	*c = arg;

	c->n++;
	if (f->df_kind != DETECT_SHELLCODE || f->df_offset > c->len ||
	    f->df_length > c->len - f->df_offset ||
	    f->df_confidence < 0 || f->df_confidence > 100 ||
	    !printable(f->df_desc, sizeof(f->df_desc)) ||
	    !printable(f->df_arch, sizeof(f->df_arch)) ||
	    !printable(f->df_disasm, sizeof(f->df_disasm)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct detect_limits	 lim;
	struct fuzz_ctx		 c;
	int			 r;

	/* Small limits keep each input fast; the code paths are the same. */
	memset(&lim, 0, sizeof(lim));
	lim.dl_steps = 5000;
	lim.dl_memory = 64 * 1024;
	lim.dl_scan = 64 * 1024;
	memset(&c, 0, sizeof(c));
	c.len = len < lim.dl_scan ? len : lim.dl_scan;
	r = detect_shellcode(data, len, &lim, check, &c);
	/* -1 is an engine error (memory); anything else must match. */
	if (r != -1 && r != c.n)
		abort();
	return (0);
}
