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

#ifndef HS_LOG_H
#define HS_LOG_H

#include <stdarg.h>

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif

/*
 * A jailed child cannot reach /dev/log; it installs a sink that ships each
 * formatted line to its parent instead.  The sink must not log.
 */
typedef void	(*log_sink_t)(int priority, const char *line, int fatal);

void	log_init(int debug, int facility);
void	log_procinit(const char *name);
void	log_setverbose(int verbose);
void	log_setsink(log_sink_t sink);
void	log_line(int priority, const char *line);
void	logit(int priority, const char *fmt, ...)
	    __attribute__((__format__(printf, 2, 3)));
void	vlog(int priority, const char *fmt, va_list ap)
	    __attribute__((__format__(printf, 2, 0)));
void	log_warn(const char *emsg, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	log_warnx(const char *emsg, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	log_info(const char *emsg, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	log_debug(const char *emsg, ...)
	    __attribute__((__format__(printf, 1, 2)));
__dead void	fatal(const char *emsg, ...)
	    __attribute__((__format__(printf, 1, 2)));
__dead void	fatalx(const char *emsg, ...)
	    __attribute__((__format__(printf, 1, 2)));

#endif /* HS_LOG_H */
