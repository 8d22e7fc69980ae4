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

/* Logging for every HoneySpy process: stderr in the foreground, syslog otherwise. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX	1024

static int		 log_debug_mode;
static int		 log_verbose;
static const char	*log_procname;
static log_sink_t	 log_sink;

static void	log_str(int, int, const char *);
static void	log_fmt(int, int, int, const char *, va_list)
		    __attribute__((__format__(printf, 4, 0)));

void
log_init(int debug, int facility)
{
	log_debug_mode = debug;
	log_verbose = 0;
	if (!log_debug_mode)
		openlog(getprogname(), LOG_PID | LOG_NDELAY, facility);
	tzset();
}

void
log_procinit(const char *name)
{
	log_procname = name;
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

void
log_setsink(log_sink_t sink)
{
	log_sink = sink;
}

/*
 * Write one finished line where it belongs.  The parent also uses this for
 * the lines its children send, which already carry the child's name.
 */
void
log_line(int priority, const char *line)
{
	int	 saved_errno = errno;

	if (log_debug_mode) {
		(void)fprintf(stderr, "%s\n", line);
		(void)fflush(stderr);
	} else
		syslog(priority, "%s", line);
	errno = saved_errno;
}

static void
log_str(int priority, int fatal_msg, const char *msg)
{
	char	 line[LOG_LINE_MAX + 2 * 64];

	if (log_procname != NULL && log_procname[0] != '\0')
		(void)snprintf(line, sizeof(line), "%s: %s", log_procname, msg);
	else
		(void)strlcpy(line, msg, sizeof(line));
	if (log_sink != NULL)
		log_sink(priority, line, fatal_msg);
	else
		log_line(priority, line);
}

/* Format a message, optionally followed by strerror of the saved errno. */
static void
log_fmt(int priority, int fatal_msg, int with_errno, const char *fmt,
    va_list ap)
{
	char	 msg[LOG_LINE_MAX];
	int	 saved_errno = errno;

	if (fmt == NULL)
		(void)strlcpy(msg, strerror(saved_errno), sizeof(msg));
	else {
		(void)vsnprintf(msg, sizeof(msg), fmt, ap);
		if (with_errno) {
			(void)strlcat(msg, ": ", sizeof(msg));
			(void)strlcat(msg, strerror(saved_errno), sizeof(msg));
		}
	}
	log_str(priority, fatal_msg, msg);
	errno = saved_errno;
}

void
vlog(int priority, const char *fmt, va_list ap)
{
	log_fmt(priority, 0, 0, fmt, ap);
}

void
logit(int priority, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_fmt(priority, 0, 0, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	log_fmt(LOG_ERR, 0, 1, emsg, ap);
	va_end(ap);
}

void
log_warnx(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	log_fmt(LOG_ERR, 0, 0, emsg, ap);
	va_end(ap);
}

void
log_info(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	log_fmt(LOG_INFO, 0, 0, emsg, ap);
	va_end(ap);
}

void
log_debug(const char *emsg, ...)
{
	va_list	 ap;

	if (!log_verbose)
		return;
	va_start(ap, emsg);
	log_fmt(LOG_DEBUG, 0, 0, emsg, ap);
	va_end(ap);
}

__dead void
fatal(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	log_fmt(LOG_CRIT, 1, 1, emsg, ap);
	va_end(ap);
	exit(1);
}

__dead void
fatalx(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	log_fmt(LOG_CRIT, 1, 0, emsg, ap);
	va_end(ap);
	exit(1);
}
