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


/* Web console password hashes: scrypt, checked against RFC 7914 too. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "passwd.h"

static void
test_roundtrip(void **state)
{
	char	 h1[PASSWD_HASHLEN], h2[PASSWD_HASHLEN];

	(void)state;
	assert_int_equal(passwd_hash("correct horse", 13, h1, sizeof(h1)), 0);
	assert_int_equal(passwd_hash("correct horse", 13, h2, sizeof(h2)), 0);
	assert_true(strncmp(h1, "$scrypt$ln=15,r=8,p=1$", 22) == 0);
	/* A new salt each time. */
	assert_string_not_equal(h1, h2);
	assert_true(passwd_valid(h1));
	assert_int_equal(passwd_verify("correct horse", 13, h1), 1);
	assert_int_equal(passwd_verify("correct horse", 13, h2), 1);
	assert_int_equal(passwd_verify("correct horsE", 13, h1), 0);
	assert_int_equal(passwd_verify("correct hors", 12, h1), 0);
	assert_int_equal(passwd_verify("", 0, h1), 0);
	/* No such user: as slow, never a match. */
	assert_int_equal(passwd_verify("correct horse", 13, NULL), 0);
	assert_int_equal(passwd_hash("x", 1, h1, 20), -1);
}

/* RFC 7914 section 12, the second vector: "password", "NaCl", N=1024. */
static void
test_rfc7914(void **state)
{
	static const char h[] = "$scrypt$ln=10,r=8,p=16$TmFDbA==$"
	    "/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWIurzDZLiKjiG/xCSedmDDa"
	    "xyevuUqD7m2DYMvfoswGQA==";

	(void)state;
	assert_true(passwd_valid(h));
	assert_int_equal(passwd_verify("password", 8, h), 1);
	assert_int_equal(passwd_verify("Password", 8, h), 0);
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = {
		"", "$6$salt$hash", "$2b$12$abcdefghijklmnopqrstuv",
		"$scrypt$", "$scrypt$ln=15,r=8,p=1$",
		"$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ=",
		"$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ=$",
		"$scrypt$ln=15,r=8,p=1$!!!!$AAAAAAAAAAAAAAAAAAAAAA==",
		"$scrypt$ln=9,r=8,p=1$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAA==",
		"$scrypt$ln=21,r=8,p=1$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAA==",
		"$scrypt$ln=15,r=0,p=1$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAA==",
		"$scrypt$ln=15,r=8,p=1x$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAA==",
		"$scrypt$ln=15,r=8,p=1$c2Fs$AAAAAAAAAAAAAAAAAAAAAA==",
		"$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ=$AAAA",
		"plain text password",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (passwd_valid(bad[i]))
			fail_msg("accepted %s", bad[i]);
		assert_int_equal(passwd_verify("x", 1, bad[i]), -1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_rfc7914),
		cmocka_unit_test(test_malformed),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
