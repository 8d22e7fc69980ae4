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

/* Unit tests for lib/event.c: field encoding, Community ID, one-line dumps. */

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "hs_event.h"

/*
 * Reply types per the Community ID specification, kept apart from the
 * library's table so that a typo there cannot hide itself here.
 */
static const int icmp4_pairs[][2] = {
	{ 8, 0 }, { 13, 14 }, { 15, 16 }, { 10, 9 }, { 17, 18 }
};
static const int icmp6_pairs[][2] = {
	{ 128, 129 }, { 130, 131 }, { 133, 134 }, { 135, 136 }, { 139, 140 },
	{ 144, 145 }
};

static int	 reply_type(int, int);
static int	 parse_addr(const char *, void *);
static uint64_t	 rng_next(uint64_t *);

static int
reply_type(int proto, int type)
{
	const int	(*p)[2];
	size_t		 i, n;

	if (proto == IPPROTO_ICMP) {
		p = icmp4_pairs;
		n = sizeof(icmp4_pairs) / sizeof(icmp4_pairs[0]);
	} else {
		p = icmp6_pairs;
		n = sizeof(icmp6_pairs) / sizeof(icmp6_pairs[0]);
	}
	for (i = 0; i < n; i++) {
		if (p[i][0] == type)
			return (p[i][1]);
		if (p[i][1] == type)
			return (p[i][0]);
	}
	return (-1);
}

static int
parse_addr(const char *s, void *addr)
{
	if (inet_pton(AF_INET, s, addr) == 1)
		return (AF_INET);
	if (inet_pton(AF_INET6, s, addr) == 1)
		return (AF_INET6);
	fail_msg("bad address in vectors: %s", s);
	/* NOTREACHED */
	return (-1);
}

/* Deterministic, so a failing length can be replayed. */
static uint64_t
rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

static void
test_community_id_vectors(void **state)
{
	struct in6_addr	 sa, da;
	const char	*dir;
	char		 path[4096], line[512], id[COMMUNITY_ID_LEN];
	char		 proto[8], saddr[64], daddr[64], sport[8], dport[8];
	char		 seed[8], expected[64];
	FILE		*fp;
	int		 af, daf, p, hasports, sp, dp, rtype;
	int		 lines, reverses;

	(void)state;
	if ((dir = getenv("HS_TESTDATA")) == NULL || *dir == '\0')
		dir = "regress/data";
	assert_true((size_t)snprintf(path, sizeof(path),
	    "%s/community-id/vectors.tsv", dir) < sizeof(path));
	if ((fp = fopen(path, "r")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));

	lines = reverses = 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		assert_int_equal(sscanf(line, "%7s %63s %63s %7s %7s %7s %63s",
		    proto, saddr, daddr, sport, dport, seed, expected), 7);
		p = atoi(proto);
		af = parse_addr(saddr, &sa);
		daf = parse_addr(daddr, &da);
		assert_int_equal(af, daf);
		hasports = strcmp(sport, "-") != 0;
		sp = hasports ? atoi(sport) : 0;
		dp = hasports ? atoi(dport) : 0;

		memset(id, 'x', sizeof(id));
		assert_int_equal(community_id(id, sizeof(id), atoi(seed), af,
		    &sa, &da, p, sp, dp, hasports), 0);
		if (strcmp(id, expected) != 0)
			fail_msg("%s: got %s", line, id);
		lines++;

		/* The reply travels the other way; one-way ICMP has none. */
		if (p == IPPROTO_ICMP || p == IPPROTO_ICMPV6) {
			if ((rtype = reply_type(p, sp)) == -1)
				continue;
			sp = rtype;
		} else {
			rtype = sp;
			sp = dp;
			dp = rtype;
		}
		assert_int_equal(community_id(id, sizeof(id), atoi(seed), af,
		    &da, &sa, p, sp, dp, hasports), 0);
		if (strcmp(id, expected) != 0)
			fail_msg("reverse of %s: got %s", line, id);
		reverses++;
	}
	assert_int_equal(ferror(fp), 0);
	fclose(fp);
	assert_true(lines > 0);
	assert_true(reverses > 0 && reverses < lines);
}

static void
test_community_id_errors(void **state)
{
	struct in_addr	 a = { htonl(0x01020304) };
	struct in_addr	 b = { htonl(0x05060708) };
	char		 id[COMMUNITY_ID_LEN];

	(void)state;
	assert_int_equal(community_id(id, sizeof(id) - 1, 0, AF_INET, &a, &b,
	    6, 1, 2, 1), -1);
	assert_int_equal(community_id(id, sizeof(id), 0, AF_UNIX, &a, &b,
	    6, 1, 2, 1), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	assert_int_equal(community_id(id, sizeof(id), 0, AF_INET, &a, &a,
	    6, 7, 7, 1), 0);
	assert_int_equal(strlen(id), COMMUNITY_ID_LEN - 1);
}

static void
test_event_flow(void **state)
{
	struct in_addr	 a = { htonl(0x01020304) };
	struct in_addr	 b = { htonl(0x05060708) };
	json_t		*ev;

	(void)state;
	assert_non_null(ev = hs_event_new("honeyspy.session.connect", "s1"));
	assert_int_equal(hs_event_set_flow(ev, AF_INET, &a, &b, IPPROTO_TCP,
	    1122, 3344), 0);
	assert_string_equal(json_string_value(json_object_get(ev, "src_ip")),
	    "1.2.3.4");
	assert_string_equal(json_string_value(json_object_get(ev, "dst_ip")),
	    "5.6.7.8");
	assert_int_equal(json_integer_value(json_object_get(ev, "src_port")),
	    1122);
	assert_int_equal(json_integer_value(json_object_get(ev, "dst_port")),
	    3344);
	assert_string_equal(json_string_value(json_object_get(ev,
	    "protocol")), "tcp");
	assert_string_equal(json_string_value(json_object_get(ev,
	    "community_id")), "1:wCb3OG7yAFWelaUydu0D+125CLM=");
	json_decref(ev);

	assert_non_null(ev = hs_event_new("honeyspy.packet.match", "s1"));
	assert_int_equal(hs_event_set_flow(ev, AF_INET, &a, &b, 46, 0, 0), 0);
	assert_string_equal(json_string_value(json_object_get(ev,
	    "protocol")), "46");
	assert_null(json_object_get(ev, "src_port"));
	assert_string_equal(json_string_value(json_object_get(ev,
	    "community_id")), "1:ikv3kmf89luf73WPz1jOs49S768=");
	json_decref(ev);

	assert_non_null(ev = hs_event_new("honeyspy.packet.match", "s1"));
	assert_int_equal(hs_event_set_flow(ev, AF_INET, &a, &b, IPPROTO_ICMP,
	    8, 0), 0);
	assert_string_equal(json_string_value(json_object_get(ev,
	    "protocol")), "icmp");
	assert_int_equal(json_integer_value(json_object_get(ev, "icmp_type")),
	    8);
	assert_null(json_object_get(ev, "src_port"));
	assert_string_equal(json_string_value(json_object_get(ev,
	    "community_id")), "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
	json_decref(ev);
}

static void
test_timestamp(void **state)
{
	struct timespec	 ts;
	char		 buf[EVENT_TIMESTAMP_LEN];
	const char	*s;
	json_t		*ev;

	(void)state;
	ts.tv_sec = 1795715524;
	ts.tv_nsec = 123456789;
	assert_int_equal(hs_event_timestamp(buf, sizeof(buf), &ts), 0);
	assert_string_equal(buf, "2026-11-26T17:52:04.123456Z");
	ts.tv_nsec = 1000;
	assert_int_equal(hs_event_timestamp(buf, sizeof(buf), &ts), 0);
	assert_string_equal(buf, "2026-11-26T17:52:04.000001Z");
	ts.tv_nsec = 999;
	assert_int_equal(hs_event_timestamp(buf, sizeof(buf), &ts), 0);
	assert_string_equal(buf, "2026-11-26T17:52:04.000000Z");
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	assert_int_equal(hs_event_timestamp(buf, sizeof(buf), &ts), 0);
	assert_string_equal(buf, "1970-01-01T00:00:00.000000Z");
	ts.tv_sec = -1;
	ts.tv_nsec = 999999999;
	assert_int_equal(hs_event_timestamp(buf, sizeof(buf), &ts), 0);
	assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");

	assert_int_equal(hs_event_timestamp(buf, sizeof(buf) - 1, &ts), -1);
	ts.tv_nsec = 1000000000;
	assert_int_equal(hs_event_timestamp(buf, sizeof(buf), &ts), -1);
	ts.tv_nsec = -1;
	assert_int_equal(hs_event_timestamp(buf, sizeof(buf), &ts), -1);

	assert_non_null(ev = hs_event_new("honeyspy.sensor.joined", "sensor-1"));
	assert_string_equal(json_string_value(json_object_get(ev, "eventid")),
	    "honeyspy.sensor.joined");
	assert_string_equal(json_string_value(json_object_get(ev, "sensor")),
	    "sensor-1");
	s = json_string_value(json_object_get(ev, "timestamp"));
	assert_non_null(s);
	assert_int_equal(strlen(s), EVENT_TIMESTAMP_LEN - 1);
	assert_int_equal(s[10], 'T');
	assert_int_equal(s[19], '.');
	assert_int_equal(s[26], 'Z');
	json_decref(ev);

	assert_null(hs_event_new("honeyspy.bad.\xff", "s"));
	assert_null(hs_event_new(NULL, "s"));

	/* An event of a given time: a transcript chunk's first byte. */
	ts.tv_sec = 1795780324;
	ts.tv_nsec = 123456789;
	assert_non_null(ev = hs_event_new_at("honeyspy.session.input", "s1",
	    &ts));
	assert_string_equal(json_string_value(json_object_get(ev,
	    "timestamp")), "2026-11-27T11:52:04.123456Z");
	json_decref(ev);
	ts.tv_nsec = -1;
	assert_null(hs_event_new_at("honeyspy.session.input", "s1", &ts));
}

static void
test_scalars(void **state)
{
	json_t	*ev;

	(void)state;
	assert_non_null(ev = hs_event_new("honeyspy.session.closed", "s"));
	assert_int_equal(hs_event_set_str(ev, "username", "r\xc3\xb6\x6ft"), 0);
	assert_int_equal(hs_event_set_str(ev, "password", "bad\xff"), -1);
	assert_null(json_object_get(ev, "password"));
	assert_int_equal(hs_event_set_int(ev, "bytes_in", 9007199254740993LL),
	    0);
	assert_int_equal(json_integer_value(json_object_get(ev, "bytes_in")),
	    9007199254740993LL);
	assert_int_equal(hs_event_set_double(ev, "duration", 1.5), 0);
	assert_int_equal(hs_event_set_double(ev, "bad", NAN), -1);
	assert_int_equal(hs_event_set_double(ev, "bad", INFINITY), -1);
	assert_null(json_object_get(ev, "bad"));
	assert_int_equal(hs_event_set_str(NULL, "k", "v"), -1);
	json_decref(ev);
}

static void
check_text(const char *data, size_t len)
{
	json_t		*ev, *v;
	unsigned char	*back;
	size_t		 blen;

	assert_non_null(ev = json_object());
	/* A marker left from binary input must not survive new text. */
	assert_int_equal(hs_event_set_bytes(ev, "input", "\xff", 1), 0);
	assert_int_equal(hs_event_set_bytes(ev, "input", data, len), 0);
	assert_null(json_object_get(ev, "input_encoding"));
	v = json_object_get(ev, "input");
	assert_true(json_is_string(v));
	assert_int_equal(json_string_length(v), len);
	assert_memory_equal(json_string_value(v), data, len);
	assert_non_null(back = hs_event_get_bytes(ev, "input", &blen));
	assert_int_equal(blen, len);
	assert_memory_equal(back, data, len);
	free(back);
	json_decref(ev);
}

static void
check_binary(const char *data, size_t len, const char *b64)
{
	json_t		*ev;
	unsigned char	*back;
	size_t		 blen;

	assert_non_null(ev = json_object());
	assert_int_equal(hs_event_set_bytes(ev, "input", data, len), 0);
	assert_string_equal(json_string_value(json_object_get(ev, "input")),
	    b64);
	assert_string_equal(json_string_value(json_object_get(ev,
	    "input_encoding")), "base64");
	assert_non_null(back = hs_event_get_bytes(ev, "input", &blen));
	assert_int_equal(blen, len);
	assert_memory_equal(back, data, len);
	free(back);
	json_decref(ev);
}

static void
test_bytes(void **state)
{
	const char	 ascii[] = "uname -a; cat /etc/passwd\r\n";
	const char	 utf8[] = "caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80";
	const char	 nul[] = "a\0b\0";
	json_t		*ev;
	char		*line;

	(void)state;
	check_text("", 0);
	check_text(ascii, sizeof(ascii) - 1);
	check_text(utf8, sizeof(utf8) - 1);
	check_text(nul, sizeof(nul) - 1);

	check_binary("\xff", 1, "/w==");
	check_binary("\x80", 1, "gA==");		/* lone continuation */
	check_binary("\xc0\xaf", 2, "wK8=");		/* overlong '/' */
	check_binary("\xe0\x80\xaf", 3, "4ICv");	/* overlong, 3 bytes */
	check_binary("\xed\xa0\x80", 3, "7aCA");	/* UTF-16 surrogate */
	check_binary("\xf4\x90\x80\x80", 4, "9JCAgA==");	/* > U+10FFFF */
	check_binary("ok\xc3", 3, "b2vD");		/* cut-off sequence */
	check_binary("\0\xfe", 2, "AP4=");

	/* NUL bytes survive the trip through a log line. */
	assert_non_null(ev = json_object());
	assert_int_equal(hs_event_set_bytes(ev, "input", "a\0b", 3), 0);
	assert_non_null(line = hs_event_dump(ev, 1024));
	assert_string_equal(line, "{\"input\":\"a\\u0000b\"}");
	free(line);
	json_decref(ev);

	assert_int_equal(hs_event_set_bytes(NULL, "input", "a", 1), -1);
}

static void
test_bytes_roundtrip(void **state)
{
	static const size_t	 big[] = { 1000, 4095, 4096, 4097, 65536,
	    100003 };
	unsigned char		*buf, *back, *back2;
	json_t			*ev, *ev2;
	json_error_t		 jerr;
	uint64_t		 rng = 0x9e3779b97f4a7c15ULL;
	size_t			 len, blen, i, j, n;
	char			*line;

	(void)state;
	n = 300 + sizeof(big) / sizeof(big[0]);
	for (j = 0; j < n; j++) {
		len = j < 300 ? j : big[j - 300];
		assert_non_null(buf = malloc(len + 1));
		for (i = 0; i < len; i++)
			buf[i] = rng_next(&rng) & 0xff;
		/* Every other short buffer is ASCII, to exercise both paths. */
		if (j < 300 && j % 2 == 0)
			for (i = 0; i < len; i++)
				buf[i] &= 0x7f;

		assert_non_null(ev = json_object());
		assert_int_equal(hs_event_set_bytes(ev, "input", buf, len), 0);
		assert_non_null(back = hs_event_get_bytes(ev, "input", &blen));
		assert_int_equal(blen, len);
		assert_memory_equal(back, buf, len);

		/* What the master parses must decode to the same bytes. */
		assert_non_null(line = hs_event_dump(ev, SIZE_MAX - 1));
		assert_null(strchr(line, '\n'));
		ev2 = json_loads(line, JSON_ALLOW_NUL, &jerr);
		assert_non_null(ev2);
		assert_non_null(back2 = hs_event_get_bytes(ev2, "input", &blen));
		assert_int_equal(blen, len);
		assert_memory_equal(back2, buf, len);

		free(back2);
		json_decref(ev2);
		free(line);
		free(back);
		json_decref(ev);
		free(buf);
	}
}

static void
test_get_bytes_bad(void **state)
{
	json_t	*ev;
	size_t	 len;

	(void)state;
	assert_non_null(ev = json_object());
	assert_null(hs_event_get_bytes(ev, "input", &len));
	assert_int_equal(json_object_set_new(ev, "input", json_string("/w=")),
	    0);
	assert_int_equal(json_object_set_new(ev, "input_encoding",
	    json_string("base64")), 0);
	assert_null(hs_event_get_bytes(ev, "input", &len));
	assert_int_equal(json_object_set_new(ev, "input",
	    json_string(" /w=")), 0);
	assert_null(hs_event_get_bytes(ev, "input", &len));
	assert_int_equal(json_object_set_new(ev, "input",
	    json_string("/=w=")), 0);
	assert_null(hs_event_get_bytes(ev, "input", &len));
	assert_int_equal(json_object_set_new(ev, "input_encoding",
	    json_string("rot13")), 0);
	assert_null(hs_event_get_bytes(ev, "input", &len));
	json_decref(ev);
}

static void
test_dump(void **state)
{
	json_t	*ev, *del;
	char	*line, *big;
	size_t	 len;

	(void)state;
	/* DEL is ASCII yet no printable character: it must be escaped too. */
	assert_non_null(del = json_object());
	assert_int_equal(hs_event_set_bytes(del, "input", "a\x7f\x7f" "b", 4),
	    0);
	assert_non_null(line = hs_event_dump(del, 4096));
	assert_null(strchr(line, 0x7f));
	assert_string_equal(line, "{\"input\":\"a\\u007f\\u007fb\"}");
	{
		json_t	*back;
		size_t	 blen;
		char	*bytes;

		assert_non_null(back = json_loads(line, 0, NULL));
		assert_non_null(bytes = hs_event_get_bytes(back, "input",
		    &blen));
		assert_int_equal(blen, 4);
		assert_memory_equal(bytes, "a\x7f\x7f" "b", 4);
		free(bytes);
		json_decref(back);
	}
	free(line);
	json_decref(del);
	assert_non_null(ev = json_object());
	assert_int_equal(hs_event_set_str(ev, "eventid", "honeyspy.command.input"),
	    0);
	assert_int_equal(hs_event_set_bytes(ev, "input",
	    "ls\n\r\x1b[2J\xc2\x9b" "1m", 12), 0);
	assert_non_null(line = hs_event_dump(ev, 4096));
	assert_null(strchr(line, '\n'));
	assert_null(strchr(line, '\r'));
	assert_null(strchr(line, '\x1b'));
	assert_string_equal(line, "{\"eventid\":\"honeyspy.command.input\","
	    "\"input\":\"ls\\n\\r\\u001B[2J\\u009B1m\"}");
	len = strlen(line);
	free(line);


	assert_non_null(line = hs_event_dump(ev, len));
	assert_int_equal(strlen(line), len);
	free(line);
	errno = 0;
	assert_null(hs_event_dump(ev, len - 1));
	assert_int_equal(errno, EMSGSIZE);

	/* An attacker's megabyte must be refused, not copied twice first. */
	assert_non_null(big = malloc(1 << 20));
	memset(big, 'A', 1 << 20);
	assert_int_equal(hs_event_set_bytes(ev, "input", big, 1 << 20), 0);
	free(big);
	errno = 0;
	assert_null(hs_event_dump(ev, 65536));
	assert_int_equal(errno, EMSGSIZE);
	assert_non_null(line = hs_event_dump(ev, 2 << 20));
	assert_true(strlen(line) > 1 << 20);
	free(line);

	assert_null(hs_event_dump(NULL, 100));
	json_decref(ev);
}

/* Head, shared members dumped once, the event's own: one valid object. */
static void
test_dump_joined(void **state)
{
	json_t	*head, *tail, *back;
	char	*line;
	size_t	 len;

	(void)state;
	assert_non_null(head = json_object());
	assert_int_equal(hs_event_set_str(head, "eventid", "x.y"), 0);
	assert_non_null(tail = json_object());
	assert_non_null(line = hs_event_dump_joined(head,
	    "\"session\":\"01\",\"src_port\":7", tail, 4096));
	assert_string_equal(line,
	    "{\"eventid\":\"x.y\",\"session\":\"01\",\"src_port\":7}");
	free(line);
	assert_int_equal(hs_event_set_bytes(tail, "input", "a\x7f\n", 3), 0);
	assert_int_equal(hs_event_set_int(tail, "n", 2), 0);
	assert_non_null(line = hs_event_dump_joined(head, "\"s\":1", tail,
	    4096));
	assert_string_equal(line, "{\"eventid\":\"x.y\",\"s\":1,"
	    "\"input\":\"a\\u007f\\n\",\"n\":2}");
	assert_non_null(back = json_loads(line, JSON_REJECT_DUPLICATES, NULL));
	assert_int_equal(json_object_size(back), 4);
	json_decref(back);
	len = strlen(line);
	free(line);
	/* No shared members at all. */
	assert_non_null(line = hs_event_dump_joined(head, "", tail, 4096));
	assert_string_equal(line, "{\"eventid\":\"x.y\","
	    "\"input\":\"a\\u007f\\n\",\"n\":2}");
	free(line);
	/* The bound is on the whole line. */
	assert_non_null(line = hs_event_dump_joined(head, "\"s\":1", tail,
	    len));
	free(line);
	errno = 0;
	assert_null(hs_event_dump_joined(head, "\"s\":1", tail, len - 1));
	assert_int_equal(errno, EMSGSIZE);
	errno = 0;
	assert_null(hs_event_dump_joined(tail, NULL, head, 4096));
	assert_int_equal(errno, EINVAL);
	json_decref(head);
	json_decref(tail);
}

static void
test_sha256(void **state)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	json_t		*ev;

	(void)state;
	assert_int_equal(EVP_Digest("abc", 3, md, &mdlen, EVP_sha256(), NULL),
	    1);
	assert_int_equal(mdlen, 32);
	assert_non_null(ev = json_object());
	assert_int_equal(hs_event_set_sha256(ev, "sha256", md), 0);
	assert_string_equal(json_string_value(json_object_get(ev, "sha256")),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	json_decref(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_community_id_vectors),
		cmocka_unit_test(test_community_id_errors),
		cmocka_unit_test(test_event_flow),
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_bytes_roundtrip),
		cmocka_unit_test(test_get_bytes_bad),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_dump_joined),
		cmocka_unit_test(test_sha256),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
