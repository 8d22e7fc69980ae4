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

/* Unit tests for detect/fmtstr.c: format-string attacks and benign percents. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect.h"

struct seen {
	int	 count;
	int	 maxconf;
	size_t	 offset;
	size_t	 length;
	char	 desc[DETECT_DESCLEN];
	int	 unprintable;	/* a description left printable ASCII */
};

static void
collect(const struct detect_finding *f, void *arg)
{
	struct seen	*s = arg;
	const char	*p;

	assert_int_equal(f->df_kind, DETECT_FORMAT_STRING);
	for (p = f->df_desc; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			s->unprintable = 1;
	if (s->count++ == 0) {
		s->offset = f->df_offset;
		s->length = f->df_length;
		memcpy(s->desc, f->df_desc, sizeof(s->desc));
	}
	if (f->df_confidence > s->maxconf)
		s->maxconf = f->df_confidence;
}

static int
scan(const void *buf, size_t len, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return (detect_format_string(buf, len, NULL, collect, s));
}

static int
scan_str(const char *str, struct seen *s)
{
	return (scan(str, strlen(str), s));
}

/* Deterministic noise: the test must not pass or fail by luck. */
static uint64_t
xorshift(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return (*st);
}

static void
test_writes(void **state)
{
	struct seen	 s;
	static const char *const high[] = {
		"USER %7$n\r\n",
		"HELO x%12$hhn%13$hhn\r\n",
		"GET /?q=AAAA%08x.%08x.%n HTTP/1.1\r\n",
		"name=%hn%hn%hn",
		"PASS %lln%ln\r\n",
		"SITE EXEC %3384c%25$hn\r\n",
	};
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(high) / sizeof(high[0]); i++) {
		assert_int_equal(scan_str(high[i], &s), 1);
		assert_true(s.maxconf >= 85);
	}
	/* A lone bare "%n" in text: reported, but with less confidence. */
	assert_int_equal(scan_str("USER %n\r\nPASS x\r\n", &s), 1);
	assert_int_equal(s.offset, 5);
	assert_int_equal(s.length, 2);
	assert_true(s.maxconf < 85);
}

static void
test_pwntools(void **state)
{
	/* fmtstr_payload(6, {0x804a010: 0xdeadbeef}), i386 */
	static const uint8_t i386[] = "%173c%18$hhn%17c%19$hhn%32c%20$hhn"
	    "%17c%21$hhnaaa\x12\xa0\x04\x08\x11\xa0\x04\x08\x13\xa0\x04\x08"
	    "\x10\xa0\x04\x08";
	/* fmtstr_payload(12, {0x601018: 0xdeadbeef}), amd64 */
	static const uint8_t amd64[] = "%239c%18$lln%190c%19$hhn%17c%20$hhn"
	    "%32c%21$hhnaa\x18\x10`\0\0\0\0\0\x1a\x10`\0\0\0\0\0\x19\x10`"
	    "\0\0\0\0\0\x1b\x10`\0\0\0\0\0";
	struct seen	 s;

	(void)state;
	assert_int_equal(scan(i386, sizeof(i386) - 1, &s), 1);
	assert_int_equal(s.offset, 0);
	assert_int_equal(s.length, 45);
	assert_true(s.maxconf >= 90);
	assert_non_null(strstr(s.desc, "4 writes"));
	assert_non_null(strstr(s.desc, "direct parameter access"));
	assert_int_equal(s.unprintable, 0);

	assert_int_equal(scan(amd64, sizeof(amd64) - 1, &s), 1);
	assert_true(s.maxconf >= 90);
	assert_int_equal(s.unprintable, 0);
}

static void
test_reads(void **state)
{
	struct seen	 s;
	static const char *const medium[] = {
		"USER AAAA%08x.%08x.%08x.%08x\r\n",
		"%p%p%p%p%p%p",
		"User-Agent: %s%s%s%s%s%s%s\r\n",
		"MAIL FROM:<%lx|%lx|%lx|%lx@x>\r\n",
		"USER %d%d%d%d%d%d\r\n",
		"x%15$sx",
		"x%3$x\r\n",
	};
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(medium) / sizeof(medium[0]); i++) {
		assert_int_equal(scan_str(medium[i], &s), 1);
		assert_true(s.maxconf >= 50 && s.maxconf < 85);
	}
}

static void
test_urlencoded(void **state)
{
	struct seen	 s;

	(void)state;
	assert_int_equal(scan_str("GET /a?q=%25x%25x%25x%25x HTTP/1.1\r\n",
	    &s), 1);
	assert_non_null(strstr(s.desc, "URL-encoded"));
	assert_int_equal(scan_str("GET /?a=%25n&b=1 HTTP/1.0\r\n", &s), 1);
	assert_true(s.maxconf >= 60);
	/* "%2515%24s" is "%15$s" with the '$' escaped as well. */
	assert_int_equal(scan_str("GET /x%2515%24sx HTTP/1.1\r\n", &s), 1);
	assert_non_null(strstr(s.desc, "direct parameter access"));
	assert_int_equal(scan_str("GET /%2512%24hhn%2513%24hhn HTTP/1.1\r\n",
	    &s), 1);
	assert_true(s.maxconf >= 90);
	/* In URL-encoded binary "%90n" is the byte 0x90 and an 'n'... */
	assert_int_equal(scan_str("GET /t?sig=%8B%E4%C0%90nA%FF%3A%9Cq "
	    "HTTP/1.1\r\n", &s), 0);
	/* ...but not among widths, which are decimal: "%08x", "%14$". */
	assert_int_equal(scan_str("USER %96c%14$hhn%16c%15$hhn%65c%16$hhn"
	    "\r\n", &s), 1);
	assert_int_equal(scan_str("PASS AAAA%08x.%08x.%08x.%08x.%90n\r\n",
	    &s), 1);
}

/* Fields as SMB and DCE/RPC carry them, and as IIS decodes them. */
static void
test_other_encodings(void **state)
{
	static const char u16[] =
	    "\x05\x00\x00\x03\\\0\\\0s\0r\0v\0\\\0"
	    "%\0x\0%\0x\0%\0x\0%\0x\0%\0n\0\0\0";
	static const char path16[] =
	    "%\0S\0y\0s\0t\0e\0m\0R\0o\0o\0t\0%\0\\\0"
	    "5\0000\0%\0 \0d\0o\0n\0e\0\0\0";
	struct seen	 s;

	(void)state;
	assert_int_equal(scan(u16, sizeof(u16) - 1, &s), 1);
	assert_non_null(strstr(s.desc, "UTF-16: \"%x%x%x%x%n\""));
	assert_int_equal(s.offset, 16);
	assert_int_equal(s.length, 20);
	assert_int_equal(scan(path16, sizeof(path16) - 1, &s), 0);
	assert_int_equal(scan_str("GET /scripts/%u0025n%u0025n HTTP/1.0\r\n",
	    &s), 1);
	assert_non_null(strstr(s.desc, "%u-escaped: \"%n%n\""));
	assert_int_equal(s.offset, 13);
	assert_int_equal(s.length, 14);
	/* a %u escape of a letter alone is IIS Unicode, not a format */
	assert_int_equal(scan_str("GET /%u0025%u0041%u0042 HTTP/1.0\r\n",
	    &s), 0);
}

static void
test_benign_text(void **state)
{
	struct seen	 s;
	static const char *const benign[] = {
		"I am 100% sure, and 50% of them agree.",
		"Summer sale: 50%-off everything, 20% off shoes!",
		("GET /search?q=caf%C3%A9%20cr%C3%A8me&p=%2Fetc%2F%3A%2c%2C"
		    "%0D%0A%2d%2d HTTP/1.1\r\n"),
		"LOG: processed %d items in %s seconds\n",
		"printf(\"%s: %d\\n\", name, count);",
		"SELECT * FROM t WHERE name LIKE '%foo%' OR x LIKE '%bar%';",
		"set PATH=%PATH%;C:\\Tools & echo %USERPROFILE% %APPDATA%",
		"Hello %name%, your order %order_id% has shipped.",
		"comment=Hello+%25name%25%2C+100%25+sure",
		"%d %s\n%d %s\n%d %s\n%d %s\n",
		"%d %s\\n%d %s\\n",
		"%25d+%25s%0A%25d+%25s%0A",
		"date +%Y-%m-%d %H:%M:%S",
		"%s, %s, %s and %s",
		"%d:%d:%d.%d",
		"%1$s is newer than %2$s",
		"CPU 93% mem 41% disk 77% swap 0%",
		"see prototype%.next for details",
		("GET /what%20new%20names%20now?x=rock%20n%20roll&y=%20n+z"
		    "&c=a%20n&d=%10s%10s%10s HTTP/1.1\r\n"),
		"%%n%%n%%n%%n",
		"",
	};
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(benign) / sizeof(benign[0]); i++)
		assert_int_equal(scan_str(benign[i], &s), 0);
}

static void
test_random_binary(void **state)
{
	struct seen	 s;
	uint64_t	 st = 0x9e3779b97f4a7c15ULL;
	uint8_t		*buf;
	size_t		 len = 4 * 1024 * 1024, i;

	(void)state;
	buf = malloc(len);
	assert_non_null(buf);
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(xorshift(&st) >> 32);
	/* Plant "%n" pairs in binary context: chance, not an attack. */
	for (i = 1000; i + 2 < len; i += 65536) {
		buf[i] = '%';
		buf[i + 1] = 'n';
	}
	assert_int_equal(scan(buf, len, &s), 0);
	free(buf);
}

static void
test_limits(void **state)
{
	struct detect_limits	 lim;
	struct seen		 s;
	char			 buf[4096];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	memcpy(buf + 3000, " %7$n ", 6);
	memset(&lim, 0, sizeof(lim));
	lim.dl_scan = 2048;
	memset(&s, 0, sizeof(s));
	assert_int_equal(detect_format_string((uint8_t *)buf, sizeof(buf),
	    &lim, collect, &s), 0);
	lim.dl_scan = sizeof(buf);
	assert_int_equal(detect_format_string((uint8_t *)buf, sizeof(buf),
	    &lim, collect, &s), 1);
	/* No callback: the count alone. */
	assert_int_equal(detect_format_string((uint8_t *)buf, sizeof(buf),
	    NULL, NULL, NULL), 1);
	assert_int_equal(detect_format_string(NULL, 0, NULL, NULL, NULL), 0);
	assert_int_equal(detect_format_string(NULL, 1, NULL, NULL, NULL), -1);
	/* A directive cut by the end of the buffer is not one. */
	assert_int_equal(scan("x%12$hh", 7, &s), 0);
}

static void
test_escaping(void **state)
{
	static const uint8_t	 hostile[] =
	    "\x1b[31m%n%n\"\\\xff%n%n\x1b[0m";
	struct seen		 s;

	(void)state;
	assert_int_equal(scan(hostile, sizeof(hostile) - 1, &s), 1);
	assert_int_equal(s.unprintable, 0);
	assert_null(strchr(s.desc, '\x1b'));
}

static void
test_flood(void **state)
{
	struct seen	 s;
	char		*buf;
	size_t		 len = 100000, i;
	int		 n;

	(void)state;
	/* Many clusters: the callbacks are capped, the scan terminates. */
	buf = malloc(len);
	assert_non_null(buf);
	for (i = 0; i + 10 <= len; i += 10)
		memcpy(buf + i, "%1$n      ", 10);
	n = scan(buf, len, &s);
	assert_true(n > 0 && n <= 64);
	assert_int_equal(n, s.count);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writes),
		cmocka_unit_test(test_pwntools),
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_urlencoded),
		cmocka_unit_test(test_other_encodings),
		cmocka_unit_test(test_benign_text),
		cmocka_unit_test(test_random_binary),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_flood),
	};

	return (cmocka_run_group_tests_name("fmtstr", tests, NULL, NULL));
}
