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
 * smtp: an open mail relay that delivers nothing.  It answers as an old
 * Exim does, takes any sender, recipient and password, keeps every
 * message as an artifact named by its SHA-256 and reports envelope,
 * headers and credentials as events.  Options set the persona and the
 * limits; see honeyspy-smtp(8).
 */

#include <sys/types.h>

#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svc.h"
#include "smtp.h"

static void	usage(void) __attribute__((__noreturn__));
static int	text_ok(const char *, int);
static long long number(int, const char *, long long, long long);

static void
usage(void)
{
	fprintf(stderr, "usage: smtp [-A dir] [-b banner] [-e errors] "
	    "[-H hostname] [-m messages]\n"
	    "            [-n nonmail] [-r recipients] [-s size] [-t timeout] "
	    "[-u unknown]\n");
	exit(2);
}

/* Printable, so that a reply stays one well-formed line (or several). */
static int
text_ok(const char *s, int newlines)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n' && newlines)
			continue;
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return (0);
	}
	return (1);
}

static long long
number(int opt, const char *arg, long long min, long long max)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(arg, min, max, &errstr);
	if (errstr != NULL)
		errx(2, "-%c %s: %s", opt, arg, errstr);
	return (v);
}

int
main(int argc, char *argv[])
{
	struct smtp_conf	 conf;
	int			 ch;

	svc_init("smtp");
	memset(&conf, 0, sizeof(conf));
	conf.sc_hostname = "mail.example.com";
	conf.sc_banner = "%h ESMTP Exim 4.69 %d";
	conf.sc_artifacts = "artifacts";
	conf.sc_size_max = 10 * 1024 * 1024;
	conf.sc_rcpt_max = 100;
	conf.sc_msg_max = 1000;
	conf.sc_errors_max = 3;
	conf.sc_unknown_max = 3;
	conf.sc_nonmail_max = 10;
	conf.sc_timeout = 300;

	while ((ch = getopt(argc, argv, "A:b:e:H:m:n:r:s:t:u:")) != -1) {
		switch (ch) {
		case 'A':
			if (*optarg == '\0')
				errx(2, "-A: empty directory");
			conf.sc_artifacts = optarg;
			break;
		case 'b':
			if (*optarg == '\0' || !text_ok(optarg, 1) ||
			    strlen(optarg) > 512)
				errx(2, "-b: want 1 to 512 printable "
				    "characters");
			conf.sc_banner = optarg;
			break;
		case 'e':
			conf.sc_errors_max = (int)number(ch, optarg, 0, 1000000);
			break;
		case 'H':
			if (*optarg == '\0' || !text_ok(optarg, 0) ||
			    strchr(optarg, ' ') != NULL || strlen(optarg) > 255)
				errx(2, "-H: want a host name of 1 to 255 "
				    "characters");
			conf.sc_hostname = optarg;
			break;
		case 'm':
			conf.sc_msg_max = (int)number(ch, optarg, 0, 1000000);
			break;
		case 'n':
			conf.sc_nonmail_max = (int)number(ch, optarg, 0,
			    1000000);
			break;
		case 'r':
			conf.sc_rcpt_max = (int)number(ch, optarg, 1, 100000);
			break;
		case 's':
			conf.sc_size_max = (size_t)number(ch, optarg, 1,
			    INT_MAX);
			break;
		case 't':
			conf.sc_timeout = (int)number(ch, optarg, 1, 86400);
			break;
		case 'u':
			conf.sc_unknown_max = (int)number(ch, optarg, 0,
			    1000000);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	return (smtp_session(&conf, STDIN_FILENO, STDOUT_FILENO) == 0 ? 0 : 1);
}
