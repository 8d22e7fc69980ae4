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

/* Unit tests for detect/overflow.c: long fields, fillers, return addresses. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect.h"

#define MAXSEEN	16

struct seen {
	int	 count;
	size_t	 offset[MAXSEEN];
	size_t	 length[MAXSEEN];
	int	 conf[MAXSEEN];
	char	 desc[MAXSEEN][DETECT_DESCLEN];
	int	 unprintable;
};

/* A growable test input; the tests build payloads byte by byte. */
struct input {
	uint8_t	*b;
	size_t	 len;
	size_t	 size;
};

/* Shared, so that the teardown frees it even after a failed assertion. */
static struct input	 tin;

static int
teardown(void **state)
{
	(void)state;
	free(tin.b);
	memset(&tin, 0, sizeof(tin));
	return (0);
}

static void
collect(const struct detect_finding *f, void *arg)
{
	struct seen	*s = arg;
	const char	*p;

	assert_int_equal(f->df_kind, DETECT_OVERFLOW);
	for (p = f->df_desc; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			s->unprintable = 1;
	if (s->count < MAXSEEN) {
		s->offset[s->count] = f->df_offset;
		s->length[s->count] = f->df_length;
		s->conf[s->count] = f->df_confidence;
		memcpy(s->desc[s->count], f->df_desc, DETECT_DESCLEN);
	}
	s->count++;
}

static int
scan(const struct input *in, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return (detect_overflow(in->b, in->len, NULL, collect, s));
}

/* Index of the first finding whose description holds needle, or -1. */
static int
has(const struct seen *s, const char *needle)
{
	int	 i;

	for (i = 0; i < s->count && i < MAXSEEN; i++)
		if (strstr(s->desc[i], needle) != NULL)
			return (i);
	return (-1);
}

static void
put(struct input *in, const void *p, size_t len)
{
	uint8_t	*nb;
	size_t	 ns;

	if (in->len + len > in->size) {
		ns = (in->len + len) * 2;
		nb = realloc(in->b, ns);
		assert_non_null(nb);
		in->b = nb;
		in->size = ns;
	}
	memcpy(in->b + in->len, p, len);
	in->len += len;
}

static void
puts_(struct input *in, const char *s)
{
	put(in, s, strlen(s));
}

static void
fill(struct input *in, uint8_t c, size_t n)
{
	while (n-- > 0)
		put(in, &c, 1);
}

static void
put32(struct input *in, uint32_t v, int times)
{
	uint8_t	 le[4];

	le[0] = v;
	le[1] = v >> 8;
	le[2] = v >> 16;
	le[3] = v >> 24;
	while (times-- > 0)
		put(in, le, sizeof(le));
}

static void
put64(struct input *in, uint64_t v, int times)
{
	uint8_t	 le[8];
	int	 k;

	for (k = 0; k < 8; k++)
		le[k] = v >> (8 * k);
	while (times-- > 0)
		put(in, le, sizeof(le));
}

static uint64_t
xorshift(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return (*st);
}

/* Text that is long but has no runs: only the field length can tell. */
static void
letters(struct input *in, size_t n, uint64_t *st)
{
	uint8_t	 c;

	while (n-- > 0) {
		c = 'a' + xorshift(st) % 26;
		put(in, &c, 1);
	}
}

static void
base64ish(struct input *in, size_t n, uint64_t *st)
{
	static const char	 al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	uint8_t			 c;

	while (n-- > 0) {
		c = al[xorshift(st) % (sizeof(al) - 1)];
		put(in, &c, 1);
	}
}

static void
reset(struct input *in)
{
	in->len = 0;
}

static void
test_fields(void **state)
{
	struct seen	 s;
	uint64_t	 st = 1;
	int		 i;

	(void)state;
	puts_(&tin, "USER ");
	fill(&tin, 'A', 2000);
	puts_(&tin, "\r\nPASS x\r\n");
	assert_true(scan(&tin, &s) >= 2);
	assert_true((i = has(&s, "FTP USER argument of 2000 bytes")) >= 0);
	assert_int_equal(s.offset[i], 5);
	assert_int_equal(s.length[i], 2000);
	assert_true(has(&s, "run of 2000 x 0x41") >= 0);

	reset(&tin);
	puts_(&tin, "EHLO x\r\nMAIL FROM:<");
	letters(&tin, 4096, &st);
	puts_(&tin, "@x>\r\nQUIT\r\n");
	assert_int_equal(scan(&tin, &s), 1);
	assert_non_null(strstr(s.desc[0],
	    "SMTP MAIL FROM argument of 4100 bytes (limit 512)"));

	reset(&tin);
	puts_(&tin, "HELO ");
	letters(&tin, 3000, &st);
	puts_(&tin, "\r\n");
	assert_int_equal(scan(&tin, &s), 1);
	assert_true(has(&s, "SMTP HELO argument") >= 0);

	reset(&tin);
	letters(&tin, 100, &st);
	for (i = 0; i < 100; i++)
		tin.b[i] -= 'a' - 'A';	/* methods are upper case */
	puts_(&tin, " / HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(scan(&tin, &s), 1);
	assert_true(has(&s, "HTTP method of 100 bytes") >= 0);

	reset(&tin);
	puts_(&tin, "GET /");
	letters(&tin, 12000, &st);
	puts_(&tin, " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(scan(&tin, &s), 1);
	assert_true(has(&s, "HTTP request URI of 12001 bytes") >= 0);

	reset(&tin);
	puts_(&tin, "GET / HTTP/1.1\r\nX-");
	letters(&tin, 600, &st);
	puts_(&tin, ": 1\r\n\r\n");
	assert_int_equal(scan(&tin, &s), 1);
	assert_true(has(&s, "HTTP header name") >= 0);
	assert_int_equal(s.unprintable, 0);
}

static void
test_runs(void **state)
{
	struct seen	 s;
	int		 i;

	(void)state;
	fill(&tin, 'A', 1024);
	assert_int_equal(scan(&tin, &s), 1);
	assert_string_equal(s.desc[0], "run of 1024 x 0x41 ('A')");
	assert_int_equal(s.offset[0], 0);
	assert_int_equal(s.length[0], 1024);

	/* A NOP sled between binary bytes. */
	reset(&tin);
	put32(&tin, 0xdeadbeef, 1);
	fill(&tin, 0x90, 300);
	put32(&tin, 0xcafef00d, 1);
	assert_int_equal(scan(&tin, &s), 1);
	assert_string_equal(s.desc[0], "run of 300 x 0x90");
	assert_int_equal(s.offset[0], 4);

	/* Classic: filler, one return address, sled, code. */
	reset(&tin);
	fill(&tin, 'A', 600);
	put32(&tin, 0xbffff6c0, 1);
	fill(&tin, 0x90, 400);
	puts_(&tin, "\x31\xc0\x50\x68//sh\x68/bin\x89\xe3\x50\x53\x89\xe1");
	assert_int_equal(scan(&tin, &s), 2);

	/* NULs count only inside text. */
	reset(&tin);
	puts_(&tin, "GET /index.html HTTP/1.1\r\nHost: ");
	fill(&tin, 0, 1000);
	puts_(&tin, "\r\nAccept: */*\r\n\r\n");
	assert_int_equal(scan(&tin, &s), 2);
	assert_true(has(&s, "run of 1000 x 0x00") >= 0);
	assert_true(has(&s, "HTTP Host value of 1000 bytes (limit 300)") >= 0);

	/* Patterns. */
	reset(&tin);
	puts_(&tin, "USER ");
	for (i = 0; i < 100; i++)
		puts_(&tin, "ABCD");
	puts_(&tin, "\r\n");
	assert_int_equal(scan(&tin, &s), 1);
	assert_true(has(&s, "repeated pattern \"ABCD\" x 100") >= 0);
}

static void
test_cyclic(void **state)
{
	/* pwntools cyclic(160) and cyclic(120, n=8), Metasploit's pattern */
	static const char	 c4[] =
	    "aaaabaaacaaadaaaeaaafaaagaaahaaaiaaaja"
	    "aakaaalaaamaaanaaaoaaapaaaqaaaraaasaaataaauaaavaaawaaaxaaayaaaz"
	    "aabbaabcaabdaabeaabfaabgaabhaabiaabjaabkaablaabmaabnaaboaab";
	static const char	 c8[] =
	    "aaaaaaaabaaaaaaacaaaaaaadaaaaaaaeaaaaa"
	    "aafaaaaaaagaaaaaaahaaaaaaaiaaaaaaajaaaaaaakaaaaaaalaaaaaaamaaaa"
	    "aaanaaaaaaaoaaaaaaa";
	static const char	 msf[] =
	    "Aa0Aa1Aa2Aa3Aa4Aa5Aa6Aa7Aa8Aa9Ab0Ab1Ab"
	    "2Ab3Ab4Ab5Ab6Ab7Ab8Ab9Ac0Ac1Ac2Ac3Ac4Ac5Ac6Ac7Ac8Ac9Ad0Ad1Ad2A";
	struct seen		 s;
	int			 i;

	(void)state;
	puts_(&tin, "PASS ");
	puts_(&tin, c4);
	puts_(&tin, "\r\n");
	assert_int_equal(scan(&tin, &s), 1);
	assert_string_equal(s.desc[0], "cyclic (n=4) of 160 bytes");
	assert_int_equal(s.offset[0], 5);

	reset(&tin);
	puts_(&tin, c8);
	assert_int_equal(scan(&tin, &s), 1);
	assert_string_equal(s.desc[0], "cyclic (n=8) of 120 bytes");

	reset(&tin);
	puts_(&tin, "GET /");
	puts_(&tin, msf);
	puts_(&tin, " HTTP/1.0\r\n\r\n");
	assert_int_equal(scan(&tin, &s), 1);
	assert_true((i = has(&s, "Metasploit pattern of")) >= 0);
	assert_int_equal(s.offset[i], 5);

	/* cyclic() over another alphabet, found from its start */
	reset(&tin);
	puts_(&tin, "PASS 000010002000300040005000600070008000900110012001"
	    "3001400150016001700180019002100220023002400250026002\r\n");
	assert_int_equal(scan(&tin, &s), 1);
	assert_string_equal(s.desc[0], "cyclic (n=4) of 100 bytes");
	reset(&tin);
	puts_(&tin, "AAAAAAAABAAAAAAACAAAAAAADAAAAAAAEAAAAAAAFAAAAAAAGAAAAAAAH"
	    "AAAAAAAIAAAAAAAJAAAAAAAKAAAAAAALAAAAAAA");
	assert_int_equal(scan(&tin, &s), 1);
	assert_string_equal(s.desc[0], "cyclic (n=8) of 96 bytes");

	/* A start without the rest is a coincidence. */
	reset(&tin);
	puts_(&tin, "aaaabaaacaaadxyz and more words");
	assert_int_equal(scan(&tin, &s), 0);
	reset(&tin);
	puts_(&tin, "ids 0000100020003 and 1111211131114 in a table");
	assert_int_equal(scan(&tin, &s), 0);
}

static void
test_return_addresses(void **state)
{
	struct seen	 s;
	int		 i;

	(void)state;
	fill(&tin, 'A', 100);
	put32(&tin, 0xbffff6c0, 32);
	assert_int_equal(scan(&tin, &s), 1);
	assert_string_equal(s.desc[0],
	    "return address 0xbffff6c0 repeated 32 times");
	assert_int_equal(s.offset[0], 100);
	assert_int_equal(s.length[0], 128);

	/* After filler any value is suspect, four times are enough. */
	reset(&tin);
	fill(&tin, 'A', 300);
	put32(&tin, 0x12345678, 4);
	assert_int_equal(scan(&tin, &s), 2);
	assert_true(has(&s, "value 0x12345678 repeated 4 times") >= 0);

	/* amd64 stack addresses after a command word. */
	reset(&tin);
	puts_(&tin, "USER abcdefghijklmnop");
	put64(&tin, 0x00007fffffffe3b0ULL, 16);
	puts_(&tin, "\r\n");
	assert_int_equal(scan(&tin, &s), 1);
	assert_true((i = has(&s,
	    "return address 0x00007fffffffe3b0 repeated 16 times")) >= 0);
	assert_int_equal(s.offset[i], 21);

	/* A pointer table inside binary data is not an exploit. */
	reset(&tin);
	put32(&tin, 0x0001feed, 8);
	put32(&tin, 0xfaceb00c, 1);
	put64(&tin, 0x0000000000401000ULL, 16);
	put32(&tin, 0x0001feed, 1);
	assert_int_equal(scan(&tin, &s), 0);
}

static void
test_benign_sessions(void **state)
{
	struct seen	 s;
	uint64_t	 st = 7;

	(void)state;
	/* A browser with a fat cookie and a JWT. */
	puts_(&tin, "GET /shop/cart?utm_source=newsletter&utm_medium=email&"
	    "q=caf%C3%A9%20cr%C3%A8me HTTP/1.1\r\nHost: example.com\r\n"
	    "Cookie: session=");
	base64ish(&tin, 7000, &st);
	puts_(&tin, "\r\nAuthorization: Bearer eyJhbGciOiJSUzI1NiJ9.");
	base64ish(&tin, 3000, &st);
	puts_(&tin, "\r\n\r\n");
	/* A JSON body: a base64 blob of zeroed memory is a run of 'A'. */
	puts_(&tin, "{\"blob\": \"");
	base64ish(&tin, 100, &st);
	fill(&tin, 'A', 2000);
	base64ish(&tin, 100, &st);
	puts_(&tin, "\"}");
	/* swaks-like SMTP with a long body line, which has no limit. */
	puts_(&tin, "EHLO client.example.org\r\n"
	    "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"
	    "MAIL FROM:<alice@example.org> SIZE=1234 BODY=8BITMIME\r\n"
	    "RCPT TO:<bob@example.net>\r\nDATA\r\nSubject: 100% sure\r\n\r\n");
	letters(&tin, 5000, &st);
	puts_(&tin, "\r\n.\r\nQUIT\r\n");
	/* FTP */
	puts_(&tin, "USER anonymous\r\nPASS guest@\r\nCWD /pub/linux/debian\r\n"
	    "TYPE I\r\nPASV\r\nRETR ls-lR.gz\r\nQUIT\r\n");
	assert_int_equal(scan(&tin, &s), 0);

	/* PNG-like data with zero runs, and a TLS hello with zero padding. */
	reset(&tin);
	puts_(&tin, "\x89PNG\r\n\x1a\n");
	put32(&tin, 0x0d000000, 1);
	puts_(&tin, "IHDR");
	fill(&tin, 0, 4096);
	fill(&tin, 0xff, 4096);
	puts_(&tin, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
	base64ish(&tin, 32, &st);
	puts_(&tin, "\x00\x15\x01\x80");
	fill(&tin, 0, 384);
	assert_int_equal(scan(&tin, &s), 0);
}

static void
test_random_binary(void **state)
{
	struct seen	 s;
	uint64_t	 st = 0x243f6a8885a308d3ULL, v;
	size_t		 i;

	(void)state;
	for (i = 0; i < 4 * 1024 * 1024; i += 8) {
		v = xorshift(&st);
		put(&tin, &v, sizeof(v));
	}
	assert_int_equal(scan(&tin, &s), 0);
}

static void
test_limits(void **state)
{
	struct detect_limits	 lim;
	struct seen		 s;
	int			 n;

	(void)state;
	fill(&tin, 'x', 1);
	fill(&tin, 'A', 5000);
	memset(&lim, 0, sizeof(lim));
	lim.dl_scan = 200;
	memset(&s, 0, sizeof(s));
	assert_int_equal(detect_overflow(tin.b, tin.len, &lim, collect, &s), 0);
	lim.dl_scan = 1000;
	assert_int_equal(detect_overflow(tin.b, tin.len, &lim, collect, &s), 1);
	assert_int_equal(s.length[0], 999);
	assert_int_equal(detect_overflow(tin.b, tin.len, NULL, NULL, NULL), 1);
	assert_int_equal(detect_overflow(NULL, 0, NULL, NULL, NULL), 0);
	assert_int_equal(detect_overflow(NULL, 1, NULL, NULL, NULL), -1);

	/* A flood of findings is capped. */
	reset(&tin);
	for (n = 0; n < 1000; n++) {
		fill(&tin, 'A', 300);
		puts_(&tin, "\r\n");
	}
	n = scan(&tin, &s);
	assert_true(n > 0 && n <= 64);
}

static void
test_escaping(void **state)
{
	struct seen	 s;

	(void)state;
	puts_(&tin, "MAIL FROM:<\x1b[31m\"\\\xff");
	fill(&tin, 'B', 4000);
	puts_(&tin, ">\r\n");
	assert_int_equal(scan(&tin, &s), 2);
	assert_int_equal(s.unprintable, 0);
	assert_true(has(&s, "\\x1b[31m\\x22\\x5c\\xff") >= 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_fields, teardown),
		cmocka_unit_test_teardown(test_runs, teardown),
		cmocka_unit_test_teardown(test_cyclic, teardown),
		cmocka_unit_test_teardown(test_return_addresses, teardown),
		cmocka_unit_test_teardown(test_benign_sessions, teardown),
		cmocka_unit_test_teardown(test_random_binary, teardown),
		cmocka_unit_test_teardown(test_limits, teardown),
		cmocka_unit_test_teardown(test_escaping, teardown),
	};

	return (cmocka_run_group_tests_name("overflow", tests, NULL, NULL));
}
