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
 * finger: the finger daemon of an old Linux box (RFC 1288, netkit style).
 * One query line; an empty one lists who is on, names get a long record
 * each, unknown names the real error, forwarding is refused.  With the
 * welcome banner on, it looks like netkit fingerd run with -w.
 */

#include <sys/types.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "svc.h"

#define FINGER_MAXUSERS		32
#define FINGER_QUERY_MAX	1024
#define FINGER_MAXNAMES		16

struct fuser {
	char	*fu_login;
	char	*fu_name;
	char	*fu_dir;
	char	*fu_shell;
	char	*fu_tty;	/* NULL: not logged in */
	char	*fu_from;
};

static struct fuser	 users[FINGER_MAXUSERS];
static size_t		 nusers;
static const char	*hostname = "srv01";
static const char	*release = "2.6.32-5-amd64";
static int		 welcome = 1;
static time_t		 boot;
static FILE		*reply;		/* the answer, sent in one write */
static char		*replybuf;
static size_t		 replylen;

static void	usage(void) __attribute__((__noreturn__));
static void	user_add(const char *);
static const struct fuser *user_find(const char *);
static void	reply_send(void);
static void	out(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));
static void	put_welcome(time_t);
static void	put_listing(time_t);
static void	put_user(const struct fuser *, time_t);
static void	put_date(char *, size_t, time_t, const char *);

static void
usage(void)
{
	fprintf(stderr, "usage: finger [-n] [-H hostname] [-r release] "
	    "[-t timeout] [-u login:name:dir:shell[:tty[:from]]]\n");
	exit(2);
}

/*
 * The answer leaves in one piece, as from fingerd's buffered filter: a
 * write per byte would reach the log as an output event per byte.
 */
static void
reply_send(void)
{
	if (fclose(reply) == EOF)
		err(1, "answer");
	if (replylen > 0 && svc_write(STDOUT_FILENO, replybuf, replylen) == -1)
		exit(0);
	free(replybuf);
}

/* Lines end in CRLF on the wire, as fingerd's output filter makes them. */
static void
out(const char *fmt, ...)
{
	va_list	 ap;
	char	*s, *p;
	int	 len;

	va_start(ap, fmt);
	len = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (len == -1)
		exit(1);
	for (p = s; *p != '\0'; p++) {
		if (*p == '\n')
			(void)putc('\r', reply);
		(void)putc(*p, reply);
	}
	free(s);
}

static void
user_add(const char *spec)
{
	char	*copy, *f[6];
	size_t	 i;

	if (nusers == FINGER_MAXUSERS)
		errx(2, "too many users");
	if ((copy = strdup(spec)) == NULL)
		err(1, NULL);
	memset(f, 0, sizeof(f));
	for (i = 0; i < 6 && copy != NULL; i++)
		f[i] = strsep(&copy, ":");
	if (f[0] == NULL || *f[0] == '\0' || f[3] == NULL)
		errx(2, "-u %s: want login:name:dir:shell[:tty[:from]]", spec);
	users[nusers].fu_login = f[0];
	users[nusers].fu_name = f[1];
	users[nusers].fu_dir = f[2];
	users[nusers].fu_shell = f[3];
	users[nusers].fu_tty = f[4] != NULL && *f[4] != '\0' ? f[4] : NULL;
	users[nusers].fu_from = f[5] != NULL && *f[5] != '\0' ? f[5] : NULL;
	nusers++;
}

static const struct fuser *
user_find(const char *login)
{
	size_t	i;

	for (i = 0; i < nusers; i++)
		if (strcmp(users[i].fu_login, login) == 0)
			return (&users[i]);
	return (NULL);
}

static void
put_date(char *buf, size_t size, time_t t, const char *fmt)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, fmt, &tm) == 0)
		(void)strlcpy(buf, "?", size);
}

/* What netkit fingerd -w prints before the answer: uname and uptime. */
static void
put_welcome(time_t now)
{
	char	 clock[16];
	long	 up = (long)(now - boot) / 60;
	size_t	 i, on = 0;

	for (i = 0; i < nusers; i++)
		if (users[i].fu_tty != NULL)
			on++;
	put_date(clock, sizeof(clock), now, "%H:%M:%S");
	/* The banner's own "\r\n\n" is fingerd's, not the output filter's. */
	(void)fprintf(reply, "\r\nWelcome to Linux version %s at %s !\r\n\n",
	    release, hostname);
	out(" %s up %ld days, %2ld:%02ld, %zu user%s,  load average: "
	    "0.08, 0.03, 0.01\n\n", clock, up / 1440, (up / 60) % 24, up % 60,
	    on, on == 1 ? "" : "s");
}

static void
put_listing(time_t now)
{
	char	 when[32];
	size_t	 i;

	out("Login     Name       Tty      Idle  Login Time   Office     "
	    "Office Phone\n");
	for (i = 0; i < nusers; i++) {
		if (users[i].fu_tty == NULL)
			continue;
		put_date(when, sizeof(when), now - 3600 * (time_t)(i + 1),
		    "%b %e %H:%M");
		out("%-9.9s %-10.10s %-8.8s %4s  %s", users[i].fu_login,
		    users[i].fu_name, users[i].fu_tty, i == 0 ? "" : "1:02",
		    when);
		if (users[i].fu_from != NULL)
			out(" (%s)", users[i].fu_from);
		out("\n");
	}
}

static void
put_user(const struct fuser *u, time_t now)
{
	char	 when[64];

	out("Login: %-16s\t\t\tName: %s\n", u->fu_login, u->fu_name);
	out("Directory: %-25s\tShell: %s\n", u->fu_dir, u->fu_shell);
	if (u->fu_tty != NULL) {
		put_date(when, sizeof(when), now - 3600, "%a %b %e %H:%M (UTC)");
		out("On since %s on %s", when, u->fu_tty);
		if (u->fu_from != NULL)
			out(" from %s", u->fu_from);
		out("\n");
	} else {
		put_date(when, sizeof(when), now - 86400 * 3 - 4000,
		    "%a %b %e %H:%M (UTC)");
		out("Last login %s on pts/0\n", when);
	}
	out("No mail.\nNo Plan.\n");
}

int
main(int argc, char *argv[])
{
	struct svc_in	 in;
	const struct fuser *u;
	char		 query[FINGER_QUERY_MAX], *q, *word, *names;
	json_t		*ev, *list, *v;
	ssize_t		 len;
	time_t		 now;
	size_t		 i;
	int		 ch, cut, timeout = 30, n = 0, verbose = 0;
	const char	*errstr;

	svc_init("finger");
	while ((ch = getopt(argc, argv, "H:nr:t:u:")) != -1) {
		switch (ch) {
		case 'H':
			hostname = optarg;
			break;
		case 'n':
			welcome = 0;
			break;
		case 'r':
			release = optarg;
			break;
		case 't':
			timeout = (int)strtonum(optarg, 1, 3600, &errstr);
			if (errstr != NULL)
				errx(2, "-t %s: %s", optarg, errstr);
			break;
		case 'u':
			user_add(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (nusers == 0) {
		user_add("root:root:/root:/bin/bash:tty1");
		user_add("admin:Administrator:/home/admin:/bin/bash:pts/0:"
		    "10.0.0.12");
		user_add("www-data:www-data:/var/www:/bin/sh");
		user_add("backup:backup:/var/backups:/bin/sh");
	}
	now = time(NULL);
	/* Up for a while, and the same while for every query this hour. */
	boot = now - 86400 * 47 - (now % 3600) * 7;

	if ((reply = open_memstream(&replybuf, &replylen)) == NULL)
		err(1, "open_memstream");
	svc_in_init(&in, STDIN_FILENO, timeout);
	if ((len = svc_getline(&in, query, sizeof(query), &cut)) == -1) {
		if (errno == 0 || errno == ETIMEDOUT)
			return (0);
		return (1);
	}

	ev = svc_event("honeyspy.finger.request");
	if (ev != NULL)
		(void)hs_event_set_bytes(ev, "query", query, (size_t)len);
	list = json_array();

	if (welcome)
		put_welcome(now);
	q = query;
	/* "/W" asks for the long form, as RFC 1288 says. */
	while (*q == ' ' || *q == '\t')
		q++;
	if (q[0] == '/' && (q[1] == 'W' || q[1] == 'w') &&
	    (q[2] == ' ' || q[2] == '\t' || q[2] == '\0')) {
		verbose = 1;
		q += 2;
	}
	if (strchr(q, '@') != NULL || memchr(query, '\0', (size_t)len) != NULL
	    || cut) {
		out("finger: forwarding service denied\n");
	} else {
		names = q;
		while ((word = strsep(&names, " \t")) != NULL) {
			if (*word == '\0')
				continue;
			if (n++ == FINGER_MAXNAMES)
				break;
			/* Not UTF-8: null here, exact bytes in "query". */
			if (list != NULL && ((v = json_string(word)) != NULL ||
			    (v = json_null()) != NULL))
				(void)json_array_append_new(list, v);
			if ((u = user_find(word)) != NULL) {
				if (n > 1)
					out("\n");
				put_user(u, now);
			} else
				out("finger: %s: no such user.\n", word);
		}
		if (n == 0 && !verbose)
			put_listing(now);
		else if (n == 0) {
			for (i = 0; i < nusers; i++)
				if (users[i].fu_tty != NULL) {
					if (n++ > 0)
						out("\n");
					put_user(&users[i], now);
				}
		}
	}
	if (ev != NULL && list != NULL && json_array_size(list) > 0) {
		if (json_array_size(list) == 1)
			(void)hs_event_set_str(ev, "username",
			    json_string_value(json_array_get(list, 0)));
		(void)json_object_set(ev, "usernames", list);
	}
	json_decref(list);
	reply_send();
	svc_emit(ev);
	return (0);
}
