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

/* honeyspy-detect: run every exploit-payload analyzer over files an analyst extracted. */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "detect.h"
#include "util.h"
#include "worker.h"

#define DETECT_FILE_MAX	(256 * 1024 * 1024)	/* refuse bigger inputs */
#define DETECT_CPU	30			/* seconds per file */
/* unicorn reserves a 1 GiB translator buffer; guest memory is dl_memory */
#define DETECT_AS	(4096LL * 1024 * 1024)	/* bytes per file */

struct report {
	const char	*r_file;	/* escaped for output */
	char		 r_sha256[65];
	int		 r_json;
	int		 r_found;
};

__dead static void	usage(void);
static int		read_file(const char *, uint8_t **, size_t *);
static void		report(const struct detect_finding *, void *);
static void		send_finding(const struct detect_finding *, void *);
static void		printable(char *, size_t);
static int		analyse(const uint8_t *, size_t,
			    const struct detect_limits *, struct report *);

__dead static void
usage(void)
{
	(void)fprintf(stderr, "usage: honeyspy-detect [-j] file ...\n"
	    "       honeyspy-detect -w\n");
	exit(2);
}

/* The whole file, or stdin for "-", bounded. */
static int
read_file(const char *path, uint8_t **bufp, size_t *lenp)
{
	uint8_t	*buf = NULL, *nbuf;
	size_t	 len = 0, size = 0;
	ssize_t	 n;
	int	 fd, saved;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	for (;;) {
		if (len == size) {
			if (size >= DETECT_FILE_MAX) {
				errno = EFBIG;
				goto fail;
			}
			size = size == 0 ? 65536 : size * 2;
			if ((nbuf = realloc(buf, size)) == NULL)
				goto fail;
			buf = nbuf;
		}
		if ((n = read(fd, buf + len, size - len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	*bufp = buf;
	*lenp = len;
	return (0);
 fail:
	saved = errno;
	if (fd != STDIN_FILENO)
		close(fd);
	free(buf);
	errno = saved;
	return (-1);
}

static void
report(const struct detect_finding *df, void *arg)
{
	struct report	*r = arg;
	json_t		*o;
	char		 eventid[64];

	r->r_found++;
	if (!r->r_json) {
		(void)printf("%s: %s", r->r_file, detect_kind_name(df->df_kind));
		if (df->df_arch[0] != '\0')
			(void)printf(" %s", df->df_arch);
		(void)printf(" at %zu+%zu (confidence %d): %s\n",
		    df->df_offset, df->df_length, df->df_confidence,
		    df->df_desc);
		if (df->df_disasm[0] != '\0')
			(void)printf("    %s\n", df->df_disasm);
		return;
	}
	(void)snprintf(eventid, sizeof(eventid), "honeyspy.detect.%s",
	    detect_kind_name(df->df_kind));
	o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:i, s:s}",
	    "eventid", eventid, "file", r->r_file, "sha256", r->r_sha256,
	    "offset", (json_int_t)df->df_offset,
	    "length", (json_int_t)df->df_length,
	    "confidence", df->df_confidence, "description", df->df_desc);
	if (o == NULL)
		errx(2, "cannot encode a finding");
	if (df->df_arch[0] != '\0')
		(void)json_object_set_new(o, "arch", json_string(df->df_arch));
	if (df->df_disasm[0] != '\0')
		(void)json_object_set_new(o, "disassembly",
		    json_string(df->df_disasm));
	if (json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII) == -1)
		errx(2, "cannot write JSON");
	(void)putchar('\n');
	json_decref(o);
}

/* Terminate s and replace anything not printable ASCII. */
static void
printable(char *s, size_t len)
{
	size_t	 i;

	s[len - 1] = '\0';
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			s[i] = '?';
}

/* In the analysing child: each finding goes to the parent whole. */
static void
send_finding(const struct detect_finding *df, void *arg)
{
	int	*fd = arg;

	if (write(*fd, df, sizeof(*df)) != (ssize_t)sizeof(*df))
		_exit(3);
}

/*
 * Attacker code runs in an emulator, and an emulator can be made to crash
 * or spin: each file is analysed in a child under CPU and memory limits,
 * so that it costs that file's analysis and nothing else.  Returns 0, or
 * -1 when the analysis failed (what was found before is still reported).
 */
static int
analyse(const uint8_t *buf, size_t len, const struct detect_limits *lim,
    struct report *r)
{
	struct detect_finding	 df;
	struct rlimit		 rl;
	ssize_t			 n;
	pid_t			 pid;
	int			 p[2], status;

	if (pipe2(p, O_CLOEXEC) == -1)
		err(2, "pipe2");
	(void)fflush(stdout);
	if ((pid = fork()) == -1)
		err(2, "fork");
	if (pid == 0) {
		close(p[0]);
		rl.rlim_cur = rl.rlim_max = DETECT_CPU;
		(void)setrlimit(RLIMIT_CPU, &rl);
		rl.rlim_cur = rl.rlim_max = DETECT_AS;
		(void)setrlimit(RLIMIT_AS, &rl);
		_exit(detect_all(buf, len, lim, DETECT_ALL, send_finding,
		    &p[1]) == -1 ? 2 : 0);
	}
	close(p[1]);
	while ((n = read(p[0], &df, sizeof(df))) == (ssize_t)sizeof(df)) {
		/*
		 * The child ran attacker code in an emulator: its strings
		 * are held to the analyzers' contract, terminated printable
		 * ASCII, before they reach a terminal.
		 */
		printable(df.df_desc, sizeof(df.df_desc));
		printable(df.df_arch, sizeof(df.df_arch));
		printable(df.df_disasm, sizeof(df.df_disasm));
		if (df.df_kind < DETECT_NKINDS)
			report(&df, r);
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(2, "waitpid");
	if (WIFSIGNALED(status)) {
		warnx("%s: analysis stopped by signal %d (%s)", r->r_file,
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
		return (-1);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		warnx("%s: analysis failed", r->r_file);
		return (-1);
	}
	return (0);
}

int
main(int argc, char *argv[])
{
	struct detect_limits	 lim;
	struct report		 r;
	uint8_t			*buf;
	size_t			 len;
	char			 esc[4 * 1024 + 1];
	int			 ch, i, json = 0, found = 0, failed = 0;
	int			 worker = 0;

	while ((ch = getopt(argc, argv, "+jw")) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'w':
			worker = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (worker) {
		if (argc != 0 || json)
			usage();
		worker_main();
	}
	if (argc == 0)
		usage();
	detect_limits_default(&lim);

	for (i = 0; i < argc; i++) {
		/* A file name is printed, so it is escaped like any input. */
		(void)str_escape(argv[i], strlen(argv[i]), esc, sizeof(esc));
		if (read_file(argv[i], &buf, &len) == -1) {
			warn("%s", esc);
			failed = 1;
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.r_file = esc;
		r.r_json = json;
		sha256_hex(buf, len, r.r_sha256);
		if (r.r_sha256[0] == '\0')
			errx(2, "EVP_Digest failed");
		if (analyse(buf, len, &lim, &r) == -1)
			failed = 1;
		if (r.r_found > 0)
			found = 1;
		free(buf);
	}
	(void)fflush(stdout);
	if (failed)
		return (2);
	return (found ? 1 : 0);
}
