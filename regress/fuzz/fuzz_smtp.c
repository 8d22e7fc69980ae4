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
 * libFuzzer target for the SMTP service.  Each input goes through every
 * parser function on its own (command line, HELO argument, MAIL options
 * and addresses, base64 and authentication data, message data and
 * headers), then through a whole session as a client's byte stream, so
 * that the state machine, the replies and the events see it too.
 */

#include <sys/types.h>
#include <sys/mman.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svc.h"
#include "smtp/smtp.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 artifacts[PATH_MAX];
static int	 devnull = -1;

static void	 parsers(const uint8_t *, size_t);
static void	 session(const uint8_t *, size_t);
static void	 clean(void);
static void	 done(void);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 fd[16];

	(void)argc;
	(void)argv;
	/* Events go nowhere, artifacts to memory. */
	if ((devnull = open("/dev/null", O_RDWR)) == -1)
		abort();
	(void)snprintf(fd, sizeof(fd), "%d", devnull);
	if (setenv("HONEYSPY_EVENT_FD", fd, 1) == -1)
		abort();
	svc_init("smtp");
	(void)snprintf(artifacts, sizeof(artifacts), "%s/fuzz_smtp.XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(artifacts) == NULL || atexit(done) != 0)
		abort();
	return (0);
}

static void
done(void)
{
	clean();
	(void)rmdir(artifacts);
}

static void
parsers(const uint8_t *data, size_t len)
{
	struct smtp_cmd	 cmd;
	struct smtp_msg	 m;
	static struct smtp_auth	 a;
	char		 line[SMTP_CMD_MAX + 1], copy[SMTP_CMD_MAX + 1];
	char		 addr[SMTP_ADDR_MAX + 1], err[256], val[256];
	char		 b64[4 * ((SMTP_CMD_MAX + 2) / 3) + 1];
	unsigned char	 dec[SMTP_CMD_MAX + 8];
	char		*name, *value;
	size_t		 n, i, hlen;
	int		 null, domain;

	n = len < SMTP_CMD_MAX ? len : SMTP_CMD_MAX;
	memcpy(line, data, n);
	line[n] = '\0';
	smtp_parse_command(line, n, &cmd);
	if (cmd.c_arg < line || cmd.c_arg > line + n)
		abort();
	(void)smtp_helo_ok(cmd.c_arg);

	(void)strlcpy(copy, cmd.c_arg, sizeof(copy));
	while (smtp_mail_option(copy, &name, &value)) {
		if (name <= copy || value <= name)
			abort();
		(void)smtp_xtext_ok(value);
	}
	for (null = 0; null < 2; null++) {
		if (smtp_parse_address(cmd.c_arg, null, addr, sizeof(addr),
		    &domain, err, sizeof(err)) == 0 &&
		    strlen(addr) > SMTP_ADDR_MAX)
			abort();
	}

	(void)smtp_b64decode((const char *)data, n, dec, sizeof(dec));
	smtp_b64encode((const char *)data, n, b64, sizeof(b64));
	if (smtp_b64decode(b64, strlen(b64), dec, sizeof(dec)) != (ssize_t)n ||
	    memcmp(dec, data, n) != 0)
		abort();
	smtp_auth_init(&a);
	(void)smtp_auth_add(&a, (const char *)data, n, 0);
	(void)smtp_auth_add(&a, (const char *)data, n, 1);
	(void)smtp_auth_add(&a, (const char *)data, n, 1);
	for (i = 0; i < (size_t)a.a_n; i++)
		if (a.a_item[i] < a.a_arena ||
		    a.a_item[i] + a.a_len[i] > a.a_arena + sizeof(a.a_arena))
			abort();

	smtp_msg_init(&m, 4096);
	for (i = 0; i < len; i++)
		if (smtp_msg_feed(&m, data[i]))
			break;
	if (m.m_len > m.m_max || m.m_len > m.m_total)
		abort();
	hlen = smtp_header_len(m.m_buf != NULL ? m.m_buf : "", m.m_len);
	if (hlen > m.m_len)
		abort();
	if (smtp_header_value(m.m_buf != NULL ? m.m_buf : "", hlen, "Subject",
	    val, sizeof(val)) >= (ssize_t)sizeof(val))
		abort();
	if (smtp_utf8_cut((const char *)data, len, len / 2) > len / 2)
		abort();
	smtp_msg_free(&m);
}

/* Messages stored by the session: gone again, so memory stays flat. */
static void
clean(void)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[PATH_MAX * 2];

	if ((d = opendir(artifacts)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", artifacts,
		    de->d_name);
		(void)unlink(path);
	}
	(void)closedir(d);
}

static void
session(const uint8_t *data, size_t len)
{
	struct smtp_conf	 conf;
	int			 fd;

	memset(&conf, 0, sizeof(conf));
	conf.sc_hostname = "mail.example.com";
	conf.sc_banner = "%h ESMTP Exim 4.69 %d";
	conf.sc_artifacts = artifacts;
	conf.sc_size_max = 4096;
	conf.sc_rcpt_max = 4;
	conf.sc_msg_max = 8;
	/* Generous, so that one input reaches deep into a session. */
	conf.sc_errors_max = 50;
	conf.sc_unknown_max = 50;
	conf.sc_nonmail_max = 50;
	conf.sc_timeout = 0;

	if ((fd = memfd_create("fuzz_smtp", 0)) == -1)
		abort();
	if (svc_write(fd, data, len) == -1 || lseek(fd, 0, SEEK_SET) == -1)
		abort();
	if (smtp_session(&conf, fd, devnull) == -1)
		abort();
	(void)close(fd);
	clean();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	parsers(data, len);
	session(data, len);
	return (0);
}
