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

/* Unit tests for lib/util.c: capability names and escaping of hostile bytes. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"

static void
test_caps_format(void **state)
{
	char	 buf[128], tiny[8];

	(void)state;
	assert_int_equal(caps_format(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "none");
	assert_int_equal(caps_format(caps_bit(12), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "cap_net_admin");
	assert_int_equal(caps_format(caps_bit(10) | caps_bit(13), buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "cap_net_bind_service,cap_net_raw");
	assert_int_equal(caps_format(caps_bit(62), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "cap_62");
	assert_int_equal(caps_format(caps_bit(12), tiny, sizeof(tiny)), -1);
	assert_int_equal(caps_bit(64), 0);
	assert_int_equal(caps_bit(-1), 0);
}

static void
test_str_escape(void **state)
{
	const char	 hostile[] = "ok\x1b[31m\\\n\0\xff";
	char		 buf[64], small[5];

	(void)state;
	assert_int_equal(str_escape(hostile, sizeof(hostile) - 1, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "ok\\x1b[31m\\\\\\n\\x00\\xff");
	/* Truncation is reported and never splits an escape. */
	assert_int_equal(str_escape("a\x01" "bc", 4, small, sizeof(small)), -1);
	assert_string_equal(small, "a");
	assert_int_equal(str_escape("", 0, small, sizeof(small)), 0);
	assert_string_equal(small, "");
}

static void
test_privmode_name(void **state)
{
	(void)state;
	assert_string_equal(privmode_name(PRIVMODE_USER), "user");
	assert_string_equal(privmode_name(PRIVMODE_CAPS), "capabilities");
	assert_string_equal(privmode_name(PRIVMODE_ROOT), "root");
	assert_string_equal(privmode_name((enum hs_privmode)7), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps_format),
		cmocka_unit_test(test_str_escape),
		cmocka_unit_test(test_privmode_name),
	};

	return (cmocka_run_group_tests_name("util", tests, NULL, NULL));
}
