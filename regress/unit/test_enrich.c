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

/* Offline enrichment: the OUI list in both formats, libloc lookups. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "enrich.h"

#define LOCATION_DB	"/var/lib/location/database.db"

static char	 oui_path[] = "/tmp/test_enrich.XXXXXX";

/* IEEE and nmap lines, a duplicate, junk, and a vendor with controls. */
static const char oui_text[] =
    "OUI/MA-L                                 Organization\n"
    "company_id                               Organization\n"
    "\n"
    "00-22-72   (hex)\t\tAmerican Micro-Fuel Device Corp.\n"
    "002272     (base 16)\t\tAmerican Micro-Fuel Device Corp.\n"
    "\t\t\t\t2181 Buchanan Loop\n"
    "00-0C-29   (hex)\t\tVMware, Inc.\n"
    "000C29 VMware again\n"
    "08BBCC Bell\x01Labs  \n"
    "ZZZZZZ Not a prefix\n"
    "0A0B0C\n";

static int
setup(void **state)
{
	int	 fd;

	(void)state;
	if ((fd = mkstemp(oui_path)) == -1)
		return (-1);
	if (write(fd, oui_text, sizeof(oui_text) - 1) !=
	    (ssize_t)(sizeof(oui_text) - 1)) {
		close(fd);
		return (-1);
	}
	close(fd);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	(void)unlink(oui_path);
	return (0);
}

static void
test_oui(void **state)
{
	struct enrich	*e;
	char		 err[256];
	const char	*v;

	(void)state;
	e = enrich_open("", oui_path, err, sizeof(err));
	assert_non_null(e);
	/* 002272, 000C29 (twice: one kept) and 08BBCC */
	assert_int_equal(enrich_vendors(e), 3);
	assert_string_equal(enrich_mac(e, "00:22:72:01:02:03"),
	    "American Micro-Fuel Device Corp.");
	assert_string_equal(enrich_mac(e, "00-22-72-01-02-03"),
	    "American Micro-Fuel Device Corp.");
	v = enrich_mac(e, "00:0c:29:aa:bb:cc");
	assert_non_null(v);
	assert_true(strcmp(v, "VMware, Inc.") == 0 ||
	    strcmp(v, "VMware again") == 0);
	/* Controls become '?', trailing blanks go. */
	assert_string_equal(enrich_mac(e, "08:bb:cc:00:00:01"), "Bell?Labs");
	assert_null(enrich_mac(e, "02:00:00:00:00:01"));
	assert_null(enrich_mac(e, "not a mac"));
	assert_null(enrich_mac(e, ""));
	enrich_close(e);
}

static void
test_open_errors(void **state)
{
	char	 err[256];

	(void)state;
	assert_null(enrich_open("", "/nonexistent/oui.txt", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/oui.txt"));
	/* A file that is not a location database. */
	assert_null(enrich_open(oui_path, "", err, sizeof(err)));
	assert_non_null(strstr(err, "not a location database"));
	/* A list without one entry is refused, not silently empty. */
	assert_null(enrich_open("", "/dev/null", err, sizeof(err)));
	assert_non_null(strstr(err, "no OUI entries"));
}

static void
test_location(void **state)
{
	struct enrich		*e;
	struct enrich_ip	 ei;
	json_t			*ev;
	char			 err[256];

	(void)state;
	if (access(LOCATION_DB, R_OK) == -1)
		skip();
	e = enrich_open(LOCATION_DB, oui_path, err, sizeof(err));
	assert_non_null(e);
	assert_int_equal(enrich_ip(e, "193.0.6.139", &ei), 0);
	assert_string_equal(ei.ei_country, "NL");
	assert_int_equal(ei.ei_asn, 3333);
	assert_non_null(strstr(ei.ei_as_org, "RIPE"));
	assert_int_equal(enrich_ip(e, "2001:67c:2e8:22::c100:68b", &ei), 0);
	assert_int_equal(ei.ei_asn, 3333);
	/* Documentation and private ranges are in no network. */
	assert_int_equal(enrich_ip(e, "198.51.100.20", &ei), -1);
	assert_int_equal(enrich_ip(e, "10.1.2.3", &ei), -1);
	assert_int_equal(enrich_ip(e, "not an address", &ei), -1);

	ev = json_pack("{s:s, s:s}", "src_ip", "193.0.6.139", "mac",
	    "00:22:72:01:02:03");
	assert_int_equal(enrich_event(e, ev), 4);
	assert_string_equal(json_string_value(json_object_get(ev,
	    "src_country")), "NL");
	assert_int_equal(json_integer_value(json_object_get(ev, "src_asn")),
	    3333);
	assert_string_equal(json_string_value(json_object_get(ev,
	    "mac_vendor")), "American Micro-Fuel Device Corp.");
	json_decref(ev);
	/* Fields of the wrong type are left alone. */
	ev = json_pack("{s:i, s:b}", "src_ip", 7, "mac", 1);
	assert_int_equal(enrich_event(e, ev), 0);
	json_decref(ev);
	enrich_close(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oui),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_location),
	};

	return (cmocka_run_group_tests_name("enrich", tests, setup, teardown));
}
