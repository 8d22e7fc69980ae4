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
 * libFuzzer target for the event encoder: any bytes an attacker sends must
 * come out as one line of printable ASCII (no terminal escape, no line
 * break, no DEL) that decodes back to exactly those bytes.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hs_event.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	json_t	*ev, *back;
	char	*line, *bytes;
	size_t	 i, blen;

	if ((ev = json_object()) == NULL)
		abort();
	if (hs_event_set_bytes(ev, "input", data, len) == -1)
		abort();
	if ((line = hs_event_dump(ev, 8 * len + 64)) == NULL)
		abort();
	for (i = 0; line[i] != '\0'; i++)
		if ((unsigned char)line[i] < 0x20 ||
		    (unsigned char)line[i] > 0x7e)
			abort();
	/* Attacker bytes may hold NUL, which jansson decodes only on request. */
	if ((back = json_loads(line, JSON_ALLOW_NUL, NULL)) == NULL)
		abort();
	if ((bytes = hs_event_get_bytes(back, "input", &blen)) == NULL ||
	    blen != len || memcmp(bytes, data, len) != 0)
		abort();
	free(bytes);
	json_decref(back);
	free(line);
	json_decref(ev);
	return (0);
}
