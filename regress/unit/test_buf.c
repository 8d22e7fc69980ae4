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

/* Unit tests for lib/buf.c: writers, growth limits and the bounded readers. */

#include <sys/types.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static const unsigned char seq[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09
};

/* Every reader, given too few bytes, must fail and consume nothing. */
static void
test_short_readers(void **state)
{
	struct ibuf	 b, v;
	unsigned char	 out[16];
	char		 s[8];
	uint8_t		 u8;
	uint16_t	 u16;
	uint32_t	 u32;
	uint64_t	 u64;
	size_t		 n;

	(void)state;
	for (n = 0; n < 8; n++) {
		ibuf_from_buffer(&b, seq, n);
		if (n < 1) {
			errno = 0;
			assert_int_equal(ibuf_get_n8(&b, &u8), -1);
			assert_int_equal(errno, EBADMSG);
		}
		if (n < 2) {
			errno = 0;
			assert_int_equal(ibuf_get_n16(&b, &u16), -1);
			assert_int_equal(errno, EBADMSG);
			errno = 0;
			assert_int_equal(ibuf_get_h16(&b, &u16), -1);
			assert_int_equal(errno, EBADMSG);
		}
		if (n < 4) {
			errno = 0;
			assert_int_equal(ibuf_get_n32(&b, &u32), -1);
			assert_int_equal(errno, EBADMSG);
			errno = 0;
			assert_int_equal(ibuf_get_h32(&b, &u32), -1);
			assert_int_equal(errno, EBADMSG);
		}
		errno = 0;
		assert_int_equal(ibuf_get_n64(&b, &u64), -1);
		assert_int_equal(errno, EBADMSG);
		errno = 0;
		assert_int_equal(ibuf_get_h64(&b, &u64), -1);
		assert_int_equal(errno, EBADMSG);
		errno = 0;
		assert_int_equal(ibuf_get(&b, out, n + 1), -1);
		assert_int_equal(errno, EBADMSG);
		errno = 0;
		assert_int_equal(ibuf_get_ibuf(&b, n + 1, &v), -1);
		assert_int_equal(errno, EBADMSG);
		errno = 0;
		assert_int_equal(ibuf_skip(&b, n + 1), -1);
		assert_int_equal(errno, EBADMSG);
		errno = 0;
		assert_null(ibuf_get_string(&b, n + 1));
		assert_int_equal(errno, EBADMSG);
		errno = 0;
		assert_int_equal(ibuf_get_strbuf(&b, s, n + 1), -1);
		assert_int_equal(errno, EBADMSG);
		/* Nothing was consumed by any of the failures. */
		assert_int_equal(ibuf_size(&b), n);
		assert_int_equal(ibuf_left(&b), n);
		assert_ptr_equal(ibuf_data(&b), n ? seq : NULL);
	}

	/* A failure after some successful reads leaves the cursor there. */
	ibuf_from_buffer(&b, seq, 5);
	assert_int_equal(ibuf_get_n32(&b, &u32), 0);
	assert_int_equal(ibuf_get_n16(&b, &u16), -1);
	assert_int_equal(ibuf_size(&b), 1);
	assert_int_equal(ibuf_get_n8(&b, &u8), 0);
	assert_int_equal(u8, 0x05);
	assert_int_equal(ibuf_size(&b), 0);
	assert_int_equal(ibuf_get_n8(&b, &u8), -1);
	assert_int_equal(ibuf_skip(&b, 0), 0);
}

static void
test_byte_order(void **state)
{
	struct ibuf	 b, *w;
	const unsigned char *p;
	uint8_t		 u8;
	uint16_t	 u16, h16;
	uint32_t	 u32, h32;
	uint64_t	 u64, h64;

	(void)state;
	ibuf_from_buffer(&b, seq, sizeof(seq));
	assert_int_equal(ibuf_get_n8(&b, &u8), 0);
	assert_int_equal(u8, 0x01);
	assert_int_equal(ibuf_get_n16(&b, &u16), 0);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(ibuf_get_n32(&b, &u32), 0);
	assert_int_equal(u32, 0x04050607);
	assert_int_equal(ibuf_size(&b), 2);

	ibuf_from_buffer(&b, seq, 8);
	assert_int_equal(ibuf_get_n64(&b, &u64), 0);
	assert_true(u64 == 0x0102030405060708ULL);

	/* Host order is whatever memcpy gives. */
	ibuf_from_buffer(&b, seq, 8);
	memcpy(&h16, seq, 2);
	assert_int_equal(ibuf_get_h16(&b, &u16), 0);
	assert_int_equal(u16, h16);
	ibuf_from_buffer(&b, seq, 8);
	memcpy(&h32, seq, 4);
	assert_int_equal(ibuf_get_h32(&b, &u32), 0);
	assert_int_equal(u32, h32);
	ibuf_from_buffer(&b, seq, 8);
	memcpy(&h64, seq, 8);
	assert_int_equal(ibuf_get_h64(&b, &u64), 0);
	assert_true(u64 == h64);

	/* Writers: network order on the wire, and the reverse trip. */
	assert_non_null(w = ibuf_open(64));
	assert_int_equal(ibuf_add_n8(w, 0xaa), 0);
	assert_int_equal(ibuf_add_n16(w, 0x1234), 0);
	assert_int_equal(ibuf_add_n32(w, 0x56789abc), 0);
	assert_int_equal(ibuf_add_n64(w, 0x0102030405060708ULL), 0);
	assert_int_equal(ibuf_add_h16(w, 0xbeef), 0);
	assert_int_equal(ibuf_add_h32(w, 0xdeadbeef), 0);
	assert_int_equal(ibuf_add_h64(w, 42), 0);
	assert_int_equal(ibuf_size(w), 1 + 2 + 4 + 8 + 2 + 4 + 8);
	p = ibuf_data(w);
	assert_int_equal(p[0], 0xaa);
	assert_int_equal(p[1], 0x12);
	assert_int_equal(p[2], 0x34);
	assert_int_equal(p[3], 0x56);
	assert_int_equal(p[6], 0xbc);
	assert_int_equal(p[7], 0x01);
	assert_int_equal(p[14], 0x08);
	assert_int_equal(ibuf_get_n8(w, &u8), 0);
	assert_int_equal(u8, 0xaa);
	assert_int_equal(ibuf_get_n16(w, &u16), 0);
	assert_int_equal(u16, 0x1234);
	assert_int_equal(ibuf_get_n32(w, &u32), 0);
	assert_int_equal(u32, 0x56789abc);
	assert_int_equal(ibuf_get_n64(w, &u64), 0);
	assert_true(u64 == 0x0102030405060708ULL);
	assert_int_equal(ibuf_get_h16(w, &u16), 0);
	assert_int_equal(u16, 0xbeef);
	assert_int_equal(ibuf_get_h32(w, &u32), 0);
	assert_int_equal(u32, 0xdeadbeef);
	assert_int_equal(ibuf_get_h64(w, &u64), 0);
	assert_int_equal(u64, 42);
	assert_int_equal(ibuf_size(w), 0);

	/* A value wider than its field is refused, not truncated. */
	errno = 0;
	assert_int_equal(ibuf_add_n8(w, 0x100), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ibuf_add_n16(w, 0x10000), -1);
	assert_int_equal(ibuf_add_n32(w, 0x100000000ULL), -1);
	assert_int_equal(ibuf_add_h16(w, 0x10000), -1);
	assert_int_equal(ibuf_add_h32(w, 0x100000000ULL), -1);
	ibuf_free(w);
}

static void
test_strbuf(void **state)
{
	struct ibuf	 b;
	char		 s[8];
	const char	 term[8] = "abc";
	const char	 unterm[8] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' };
	const char	 lastnul[8] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 0 };

	(void)state;
	ibuf_from_buffer(&b, term, sizeof(term));
	assert_int_equal(ibuf_get_strbuf(&b, s, sizeof(s)), 0);
	assert_string_equal(s, "abc");
	assert_int_equal(ibuf_size(&b), 0);

	ibuf_from_buffer(&b, lastnul, sizeof(lastnul));
	assert_int_equal(ibuf_get_strbuf(&b, s, sizeof(s)), 0);
	assert_string_equal(s, "abcdefg");

	/* No NUL in the field: refused, output left empty, nothing read. */
	ibuf_from_buffer(&b, unterm, sizeof(unterm));
	memset(s, 'x', sizeof(s));
	errno = 0;
	assert_int_equal(ibuf_get_strbuf(&b, s, sizeof(s)), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(s[0], '\0');
	assert_int_equal(ibuf_size(&b), sizeof(unterm));

	/* A NUL just past the field does not count. */
	ibuf_from_buffer(&b, lastnul, sizeof(lastnul));
	assert_int_equal(ibuf_get_strbuf(&b, s, 7), -1);
	assert_int_equal(errno, EBADMSG);

	assert_int_equal(ibuf_get_strbuf(&b, s, 0), -1);
}

static void
test_string(void **state)
{
	struct ibuf	 b;
	char		*s;
	const char	 withnul[] = "hello";	/* 6 bytes incl. NUL */
	const char	 embedded[] = { 'a', '\0', 'b' };

	(void)state;
	ibuf_from_buffer(&b, withnul, 5);
	assert_non_null(s = ibuf_get_string(&b, 5));
	assert_string_equal(s, "hello");
	free(s);
	assert_int_equal(ibuf_size(&b), 0);

	ibuf_from_buffer(&b, withnul, sizeof(withnul));
	assert_non_null(s = ibuf_get_string(&b, sizeof(withnul)));
	assert_string_equal(s, "hello");
	free(s);

	ibuf_from_buffer(&b, withnul, 0);
	assert_non_null(s = ibuf_get_string(&b, 0));
	assert_string_equal(s, "");
	free(s);

	ibuf_from_buffer(&b, embedded, sizeof(embedded));
	errno = 0;
	assert_null(ibuf_get_string(&b, sizeof(embedded)));
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(ibuf_size(&b), sizeof(embedded));
}

static void
test_dynamic(void **state)
{
	struct ibuf	*b;
	unsigned char	 chunk[10], big[1000];
	size_t		 i;

	(void)state;
	memset(chunk, 'z', sizeof(chunk));
	assert_null(ibuf_dynamic(10, 5));
	assert_int_equal(errno, EINVAL);

	assert_non_null(b = ibuf_dynamic(4, 100));
	for (i = 0; i < 10; i++)
		assert_int_equal(ibuf_add(b, chunk, sizeof(chunk)), 0);
	assert_int_equal(ibuf_size(b), 100);
	assert_int_equal(ibuf_room(b), 0);
	errno = 0;
	assert_int_equal(ibuf_add(b, chunk, 1), -1);
	assert_int_equal(errno, ERANGE);
	assert_null(ibuf_reserve(b, 1));
	assert_int_equal(ibuf_size(b), 100);
	ibuf_free(b);

	/* A single large append past max fails without partial writes. */
	assert_non_null(b = ibuf_dynamic(0, 999));
	assert_int_equal(ibuf_add(b, big, sizeof(big)), -1);
	assert_int_equal(ibuf_size(b), 0);
	memset(big, 7, sizeof(big));
	assert_int_equal(ibuf_add(b, big, 999), 0);
	assert_memory_equal(ibuf_data(b), big, 999);
	assert_int_equal(ibuf_add(b, (const void *)SIZE_MAX, SIZE_MAX), -1);
	assert_int_equal(errno, ERANGE);
	ibuf_free(b);

	/* A fixed buffer never grows. */
	assert_non_null(b = ibuf_open(8));
	assert_int_equal(ibuf_room(b), 8);
	assert_int_equal(ibuf_add(b, chunk, 8), 0);
	assert_int_equal(ibuf_add_n8(b, 1), -1);
	assert_int_equal(errno, ERANGE);
	ibuf_free(b);

	ibuf_free(NULL);
}

static void
test_seek_reserve_view(void **state)
{
	struct ibuf	*b, v, ro;
	unsigned char	*p;
	uint32_t	 u32;
	uint16_t	 u16;

	(void)state;
	assert_non_null(b = ibuf_dynamic(0, 64));
	assert_non_null(p = ibuf_reserve(b, 4));
	assert_int_equal(ibuf_add_n16(b, 0x0a0b), 0);
	assert_int_equal(ibuf_set(b, 0, "\0\0\0\x2a", 4), 0);
	assert_int_equal(ibuf_set(b, 4, "xyz", 3), -1);
	assert_int_equal(errno, ERANGE);
	assert_null(ibuf_seek(b, 7, 0));
	assert_null(ibuf_seek(b, 1, SIZE_MAX));
	assert_non_null(ibuf_seek(b, 4, 2));

	/* A sub-view is bounded by its own length, not the parent's. */
	assert_int_equal(ibuf_get_ibuf(b, 4, &v), 0);
	assert_int_equal(ibuf_size(b), 2);
	assert_int_equal(ibuf_get_n32(&v, &u32), 0);
	assert_int_equal(u32, 42);
	assert_int_equal(ibuf_get_n16(&v, &u16), -1);
	assert_int_equal(ibuf_get_n16(b, &u16), 0);
	assert_int_equal(u16, 0x0a0b);
	ibuf_rewind(b);
	assert_int_equal(ibuf_size(b), 6);
	assert_int_equal(ibuf_skip(b, 6), 0);
	assert_int_equal(ibuf_left(b), 0);
	ibuf_free(b);

	/* Views are read-only. */
	ibuf_from_buffer(&ro, seq, sizeof(seq));
	assert_int_equal(ibuf_add(&ro, "x", 1), -1);
	assert_int_equal(ibuf_set(&ro, 0, "x", 1), -1);
	assert_int_equal(ibuf_room(&ro), 0);
	assert_int_equal(ibuf_size(&ro), sizeof(seq));
	assert_int_equal(ibuf_fd_get(&ro), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_readers),
		cmocka_unit_test(test_byte_order),
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_dynamic),
		cmocka_unit_test(test_seek_reserve_view),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
