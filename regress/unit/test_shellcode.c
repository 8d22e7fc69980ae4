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

/* cmocka tests of detect_shellcode: payloads found, text and noise not. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect.h"

/* i386: jmp/call/pop GetPC, NUL-terminate "/bin//sh" in place, execve. */
static const uint8_t sc_i386[] = {
	0xeb, 0x0e, 0x5b, 0x31, 0xc0, 0x88, 0x43, 0x08,
	0x31, 0xc9, 0x31, 0xd2, 0xb0, 0x0b, 0xcd, 0x80,
	0xe8, 0xed, 0xff, 0xff, 0xff, 0x2f, 0x62, 0x69,
	0x6e, 0x2f, 0x2f, 0x73, 0x68, 0x58
};

/* x86-64: push "/bin//sh" and execve it with a syscall. */
static const uint8_t sc_amd64[] = {
	0x31, 0xf6, 0x31, 0xd2, 0x48, 0xbb, 0x2f, 0x62,
	0x69, 0x6e, 0x2f, 0x2f, 0x73, 0x68, 0x56, 0x53,
	0x48, 0x89, 0xe7, 0x6a, 0x3b, 0x58, 0x0f, 0x05
};

/*
 * pwntools' ascii_shellcode encoding of its i386 shellcraft.sh(): printable
 * code that builds the payload on the stack with sub and push.
 */
static const char sc_ascii[] =
    "TX-&!!!-~_``-~~~~P\\%!!!!%@@@@-!!6!-V!~!-~e~<P-.)!!-~~[v-~~~~P-b"
    "!!c-~/_~P-!!Q3-!!~~-n4~~P-!!U!-/H~nP-O^@!-~~~>P-7&!!-~~!I-~~.~P-"
    "!!!!-!~!!-6~U=P-^!!!-~!`!-~>~PP-!6!!-a~Vf-~~~~P-!!!<-&'k~-~~~~P-"
    "\\YY!-~~~}PPPPPPPPPPPPPPPPPPPPP";

static const char english[] =
    "When the server answers a request it writes a short header, then the "
    "body; Please Read All Headers Before You Decide What Happens Next. "
    "QUESTIONS, ANSWERS AND NOTES ABOUT THE HONEYPOT WILL FOLLOW LATER.\r\n"
    "GET /index.html?q=100%25%20off&x=%2e%2e HTTP/1.1\r\n"
    "Authorization: Basic dXNlcjpwYXNzd29yZEFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n";

struct seen {
	int	 n;
	int	 conf;
	size_t	 off, len;
	char	 arch[16];
	char	 desc[DETECT_DESCLEN];
	char	 disasm[DETECT_ASMLEN];
};

static void
collect(const struct detect_finding *f, void *arg)
{
	struct seen	*s = arg;
	size_t		 i;

	assert_int_equal(f->df_kind, DETECT_SHELLCODE);
	assert_true(f->df_confidence > 0 && f->df_confidence <= 100);
	for (i = 0; f->df_disasm[i] != '\0'; i++)
		assert_true(f->df_disasm[i] >= 0x20 && f->df_disasm[i] <= 0x7e);
	assert_true(i < sizeof(f->df_disasm));
	if (s->n++ == 0 || f->df_confidence > s->conf) {
		s->conf = f->df_confidence;
		s->off = f->df_offset;
		s->len = f->df_length;
		strlcpy(s->arch, f->df_arch, sizeof(s->arch));
		strlcpy(s->desc, f->df_desc, sizeof(s->desc));
		strlcpy(s->disasm, f->df_disasm, sizeof(s->disasm));
	}
}

/* pre, payload, post into buf; returns the length. */
static size_t
frame(uint8_t *buf, size_t size, const char *pre, const void *p, size_t plen,
    const char *post)
{
	size_t	 n = strlen(pre), m = strlen(post);

	assert_true(n + plen + m <= size);
	memcpy(buf, pre, n);
	memcpy(buf + n, p, plen);
	memcpy(buf + n + plen, post, m);
	return (n + plen + m);
}

static int
run(const uint8_t *buf, size_t len, struct seen *s)
{
	struct detect_limits	 lim;

	memset(s, 0, sizeof(*s));
	memset(&lim, 0, sizeof(lim));	/* zero: the analyzer's defaults */
	return (detect_shellcode(buf, len, &lim, collect, s));
}

/* A payload inside an HTTP request line, behind the method and path. */
static void
test_i386_callpop(void **state)
{
	static const char	 pre[] = "GET /cgi-bin/", post[] =
	    " HTTP/1.1\r\nHost: example.com\r\n\r\n";
	uint8_t			 buf[256];
	struct seen		 s;
	size_t			 n;

	(void)state;
	n = frame(buf, sizeof(buf), pre, sc_i386, sizeof(sc_i386), post);
	assert_int_equal(run(buf, n, &s), 1);
	assert_string_equal(s.arch, "x86");
	assert_true(s.conf >= 80);
	assert_non_null(strstr(s.desc, "execve"));
	assert_non_null(strstr(s.desc, "GetPC"));
	assert_true(s.off <= sizeof(pre) - 1);
	assert_true(s.off + s.len >= sizeof(pre) - 1 + 16);
	assert_non_null(strstr(s.disasm, "pop ebx"));
}

static void
test_amd64_execve(void **state)
{
	struct seen	 s;

	(void)state;
	assert_int_equal(run(sc_amd64, sizeof(sc_amd64), &s), 1);
	assert_string_equal(s.arch, "x86_64");
	assert_non_null(strstr(s.desc, "execve"));
	assert_int_equal(s.off, 0);
	assert_int_equal(s.len, sizeof(sc_amd64));
	assert_true(strncmp(s.disasm, "xor esi, esi; xor edx, edx", 26) == 0);
}

/* A bare sled with nothing after it is still worth reporting. */
static void
test_sled(void **state)
{
	uint8_t		 buf[120];
	struct seen	 s;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	memset(buf + 10, 0x90, 100);
	assert_int_equal(run(buf, sizeof(buf), &s), 1);
	assert_int_equal(s.off, 10);
	assert_int_equal(s.len, 100);
	assert_true(s.conf < 60);
	assert_non_null(strstr(s.desc, "sled"));
}

/* Printable code is run with its address in the registers, and then
 * what it built on the stack; a base64 blob of the same length is not. */
static void
test_printable(void **state)
{
	static const char	 pre[] = "GET /scripts/", post[] =
	    " HTTP/1.0\r\n\r\n";
	uint8_t			 buf[512];
	struct seen		 s;
	size_t			 n, i;

	(void)state;
	n = frame(buf, sizeof(buf), pre, sc_ascii, sizeof(sc_ascii) - 1, post);
	assert_int_equal(run(buf, n, &s), 1);
	assert_string_equal(s.arch, "x86");
	assert_true(s.conf >= 80);
	assert_non_null(strstr(s.desc, "execve"));
	assert_non_null(strstr(s.desc, "built it on the stack"));
	assert_true(s.off >= sizeof(pre) - 2 && s.off <= sizeof(pre) - 1);
	assert_true(strncmp(s.disasm, "push esp; pop eax; sub eax", 26) == 0);

	for (i = 0; i < sizeof(sc_ascii) - 1; i++)
		buf[sizeof(pre) - 1 + i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
		    "mnopqrstuvwxyz0123456789+/"[(i * 7 + i / 3) % 64];
	assert_int_equal(run(buf, n, &s), 0);
}

/* Escaped binary is analysed as the server decodes it. */
static void
test_escaped(void **state)
{
	char		 buf[512];
	struct seen	 s;
	size_t		 i, n;

	(void)state;
	n = (size_t)snprintf(buf, sizeof(buf), "GET /cgi-bin/view?file=");
	for (i = 0; i < sizeof(sc_i386); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%%%02X",
		    sc_i386[i]);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, " HTTP/1.1\r\n\r\n");
	assert_int_equal(run((const uint8_t *)buf, n, &s), 1);
	assert_non_null(strstr(s.desc, "URL-encoded: execve"));
	assert_int_equal(s.off, 23);
	assert_int_equal(s.len, 3 * sizeof(sc_i386));

	n = (size_t)snprintf(buf, sizeof(buf), "echo -ne '");
	for (i = 0; i < sizeof(sc_i386); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\\x%02x",
		    sc_i386[i]);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "' > /tmp/x\n");
	assert_int_equal(run((const uint8_t *)buf, n, &s), 1);
	assert_non_null(strstr(s.desc, "\\x-escaped: execve"));

	/* UTF-8 text, URL-encoded: bytes that are not ASCII, and no code */
	n = (size_t)snprintf(buf, sizeof(buf), "GET /search?q=%s HTTP/1.1\r\n",
	    "%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82+%D0%BC%D0%B8%D1%80");
	assert_int_equal(run((const uint8_t *)buf, n, &s), 0);
}

/* Letters are inc/dec/push/pop in 32-bit code; they are no sled. */
static void
test_english(void **state)
{
	struct seen	 s;
	uint8_t		 buf[1024];
	size_t		 i;

	(void)state;
	assert_int_equal(run((const uint8_t *)english, sizeof(english) - 1,
	    &s), 0);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i % 26];
	assert_int_equal(run(buf, sizeof(buf), &s), 0);
}

static void
test_random(void **state)
{
	uint8_t		*buf;
	struct seen	 s;
	size_t		 i, len = 256 * 1024;
	uint32_t	 x = 0x2545f491;

	(void)state;
	assert_non_null(buf = malloc(len));
	for (i = 0; i < len; i++) {
		/* xorshift32: the same bytes on every run. */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)(x >> 24);
	}
	assert_int_equal(run(buf, len, &s), 0);
	free(buf);
}

/* Limits bound the work, and odd input is handled, not crashed on. */
static void
test_limits(void **state)
{
	struct detect_limits	 lim;
	struct seen		 s;
	uint8_t			 buf[64];

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(detect_shellcode(NULL, 0, NULL, collect, &s), 0);
	assert_int_equal(detect_shellcode(NULL, 1, NULL, collect, &s), -1);
	assert_int_equal(detect_shellcode(sc_amd64, sizeof(sc_amd64), NULL,
	    NULL, NULL), 1);

	/* The scan limit hides the syscall at the end of the payload. */
	memset(&lim, 0, sizeof(lim));
	lim.dl_scan = 16;
	assert_int_equal(detect_shellcode(sc_amd64, sizeof(sc_amd64), &lim,
	    collect, &s), 0);

	/* Too few steps to reach it. */
	memset(&lim, 0, sizeof(lim));
	lim.dl_steps = 3;
	assert_int_equal(detect_shellcode(sc_amd64, sizeof(sc_amd64), &lim,
	    collect, &s), 0);

	memset(&lim, 0, sizeof(lim));
	lim.dl_memory = 1;
	memset(buf, 0xcd, sizeof(buf));
	buf[1] = 0x80;
	assert_int_equal(detect_shellcode(buf, sizeof(buf), &lim, collect,
	    &s), 0);
	memcpy(buf + sizeof(buf) - sizeof(sc_amd64), sc_amd64,
	    sizeof(sc_amd64));
	assert_int_equal(detect_shellcode(buf, sizeof(buf), &lim, collect,
	    &s), 1);
}

/*
 * Second stages: pwntools' stager maps executable memory to read into,
 * its egg hunter and the classic Windows one (int 0x2e) ask the kernel
 * about one page after another; and its echo writes out what it pushed.
 * None has a GetPC or a sled.
 */
static void
test_second_stage(void **state)
{
	static const uint8_t stager[] = {
	    0x6a, 0x04, 0x31, 0xdb, 0x31, 0xc0, 0xb0, 0xc0, 0x89, 0xdd, 0x31,
	    0xc9, 0xb5, 0x10, 0x6a, 0xff, 0x5f, 0x6a, 0x07, 0x5a, 0x6a, 0x22,
	    0x5e, 0xcd, 0x80, 0x5b, 0x50, 0x89, 0xc1, 0x31, 0xd2, 0xb6, 0x10,
	    0x6a, 0x03, 0x58, 0xcd, 0x80, 0x01, 0xc1, 0x29, 0xc2, 0x75, 0xf5,
	    0x89, 0xdd, 0xc3 };
	static const uint8_t egg[] = {
	    0xfc, 0x68, 0x77, 0x30, 0x30, 0x74, 0x31, 0xc9, 0x6a, 0x21, 0x58,
	    0xcd, 0x80, 0x3c, 0xf2, 0x74, 0x19, 0x31, 0xd2, 0xb6, 0x04, 0x85,
	    0xd2, 0x74, 0x11, 0x6a, 0x01, 0x59, 0x89, 0xdf, 0x89, 0xe6, 0xf3,
	    0xa7, 0x74, 0x0e, 0x83, 0xc3, 0x04, 0x4a, 0x75, 0xeb, 0x66, 0x81,
	    0xcb, 0xff, 0x0f, 0x43, 0xeb, 0xd4 };
	static const uint8_t winegg[] = {
	    0x66, 0x81, 0xca, 0xff, 0x0f, 0x42, 0x52, 0x6a, 0x02, 0x58, 0xcd,
	    0x2e, 0x3c, 0x05, 0x5a, 0x74, 0xef, 0xb8, 0x77, 0x30, 0x30, 0x74,
	    0x8b, 0xfa, 0xaf, 0x75, 0xea, 0xaf, 0x75, 0xe7, 0xff, 0xe7 };
	/* pwntools' echo: text pushed, then written out */
	static const uint8_t echo[] = {
	    0x68, 0x01, 0x01, 0x01, 0x01, 0x81, 0x34, 0x24, 0x75, 0x0b, 0x01,
	    0x01, 0x68, 0x20, 0x77, 0x30, 0x30, 0x68, 0x64, 0x20, 0x62, 0x79,
	    0x68, 0x70, 0x77, 0x6e, 0x65, 0x6a, 0x04, 0x58, 0x6a, 0x01, 0x5b,
	    0x89, 0xe1, 0x6a, 0x0e, 0x5a, 0xcd, 0x80 };
	/* one int 0x2e, no loop: junk that traps */
	static const uint8_t once[] = {
	    0x6a, 0x02, 0x58, 0xcd, 0x2e, 0xc3 };
	uint8_t		 buf[256];
	struct seen	 s;
	size_t		 n;

	(void)state;
	n = frame(buf, sizeof(buf), "GET /", stager, sizeof(stager),
	    " HTTP/1.0\r\n\r\n");
	assert_int_equal(run(buf, n, &s), 1);
	assert_non_null(strstr(s.desc, "mmap2 syscall reached (asks for "
	    "executable memory)"));
	assert_true(s.conf >= 75);
	n = frame(buf, sizeof(buf), "USER ", egg, sizeof(egg), "\r\n");
	assert_int_equal(run(buf, n, &s), 1);
	assert_non_null(strstr(s.desc, "access syscall reached (an egg "
	    "hunter"));
	n = frame(buf, sizeof(buf), "GET /", winegg, sizeof(winegg),
	    " HTTP/1.0\r\n\r\n");
	assert_int_equal(run(buf, n, &s), 1);
	assert_non_null(strstr(s.desc, "int 0x2e syscall reached (an egg "
	    "hunter"));
	n = frame(buf, sizeof(buf), "GET /", echo, sizeof(echo),
	    " HTTP/1.0\r\n\r\n");
	assert_int_equal(run(buf, n, &s), 1);
	assert_non_null(strstr(s.desc, "write syscall reached"));
	n = frame(buf, sizeof(buf), "GET /", once, sizeof(once),
	    " HTTP/1.0\r\n\r\n");
	assert_int_equal(run(buf, n, &s), 0);
}

/*
 * Windows payloads for one service pack call APIs by their addresses:
 * WinExec("calc.exe") with the name pushed, and a command in the code
 * itself, found with call/pop.  A jump to such an address with nothing
 * the code wrote among its arguments is not one.
 */
static void
test_windows_hardcoded(void **state)
{
	static const uint8_t calc[] = {
	    0x31, 0xc0, 0x50, 0x68, 0x2e, 0x65, 0x78, 0x65, 0x68, 0x63, 0x61,
	    0x6c, 0x63, 0x89, 0xe0, 0x6a, 0x01, 0x50, 0xbb, 0xad, 0x23, 0x86,
	    0x7c, 0xff, 0xd3, 0x31, 0xc0, 0x50, 0xb8, 0xfa, 0xca, 0x81, 0x7c,
	    0xff, 0xd0 };
	static const uint8_t cmd[] = {
	    0xeb, 0x10, 0x58, 0x31, 0xdb, 0x88, 0x58, 0x1f, 0x6a, 0x05, 0x50,
	    0xba, 0xc7, 0x93, 0xc2, 0x77, 0xff, 0xd2, 0xe8, 0xeb, 0xff, 0xff,
	    0xff, 0x63, 0x6d, 0x64, 0x20, 0x2f, 0x63, 0x20, 0x6e, 0x65, 0x74,
	    0x20, 0x75, 0x73, 0x65, 0x72, 0x20, 0x68, 0x61, 0x78, 0x30, 0x72,
	    0x20, 0x70, 0x34, 0x73, 0x73, 0x20, 0x2f, 0x61, 0x64, 0x64, 0x23 };
	/* mov eax, 0x7c8623ad; push 1; call eax */
	static const uint8_t bare[] = {
	    0xb8, 0xad, 0x23, 0x86, 0x7c, 0x6a, 0x01, 0xff, 0xd0 };
	uint8_t		 buf[256];
	struct seen	 s;
	size_t		 n;

	(void)state;
	n = frame(buf, sizeof(buf), "GET /", calc, sizeof(calc),
	    " HTTP/1.0\r\n\r\n");
	assert_int_equal(run(buf, n, &s), 1);
	assert_string_equal(s.desc,
	    "call to 0x7c8623ad in Windows' DLLs, passing \"calc.exe\"");
	assert_string_equal(s.arch, "x86");
	n = frame(buf, sizeof(buf), "USER ", cmd, sizeof(cmd), "\r\n");
	assert_int_equal(run(buf, n, &s), 1);
	assert_non_null(strstr(s.desc, "passing \"cmd /c net user"));
	assert_non_null(strstr(s.desc, "after call/pop GetPC"));
	n = frame(buf, sizeof(buf), "GET /", bare, sizeof(bare),
	    " HTTP/1.0\r\n\r\n");
	assert_int_equal(run(buf, n, &s), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i386_callpop),
		cmocka_unit_test(test_amd64_execve),
		cmocka_unit_test(test_sled),
		cmocka_unit_test(test_second_stage),
		cmocka_unit_test(test_windows_hardcoded),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_escaped),
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_limits),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
