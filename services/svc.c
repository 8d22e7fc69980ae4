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

/* svc: events, bounded line input and artifacts for the fake services. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "proto.h"
#include "svc.h"
#include "util.h"

_Static_assert(SVC_EVENT_MAX == HS_PROG_EVENT_MAX,
    "svc.h and proto.h disagree on an event's size");

static const char	*svc_progname = "service";
static int		 svc_evfd = -1;		/* -1: syslog */
static const char	*svc_usage_event = "honeyspy.service.config";
static const char	*svc_usage_text = "";

static int	svc_fill(struct svc_in *);
static void	svc_addr(json_t *, const char *, const char *, int);

void
svc_init(const char *name)
{
	const char	*s, *errstr;
	int		 fd;

	svc_progname = name;
	/* A client that goes away is an error to handle, not a signal. */
	(void)signal(SIGPIPE, SIG_IGN);
	if ((s = getenv("HONEYSPY_EVENT_FD")) != NULL) {
		fd = (int)strtonum(s, 0, INT_MAX, &errstr);
		if (errstr == NULL && fd != STDIN_FILENO &&
		    fd != STDOUT_FILENO && fcntl(fd, F_GETFD) != -1) {
			svc_evfd = fd;
			return;
		}
	}
	openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

const char *
svc_name(void)
{
	return (svc_progname);
}

/* An environment variable, or the default when it is unset or empty. */
const char *
svc_getenv(const char *name, const char *def)
{
	const char	*v;

	if ((v = getenv(name)) == NULL || *v == '\0')
		return (def);
	return (v);
}

/* Where the connection comes from, when no superserver tells us. */
static void
svc_addr(json_t *ev, const char *ipkey, const char *portkey, int local)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 text[INET6_ADDRSTRLEN];
	const void		*a;
	int			 port;

	if ((local ? getsockname(STDIN_FILENO, (struct sockaddr *)&ss, &len) :
	    getpeername(STDIN_FILENO, (struct sockaddr *)&ss, &len)) == -1)
		return;
	if (ss.ss_family == AF_INET) {
		a = &((struct sockaddr_in *)&ss)->sin_addr;
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	} else
		return;
	if (inet_ntop(ss.ss_family, a, text, sizeof(text)) == NULL)
		return;
	(void)hs_event_set_str(ev, ipkey, text);
	(void)hs_event_set_int(ev, portkey, port);
}

/*
 * A new event.  Under the superserver it adds the sensor and session
 * fields itself (ours would be overwritten); elsewhere we say what we can.
 */
json_t *
svc_event(const char *eventid)
{
	json_t	*ev;
	char	 host[256];

	if (svc_evfd != -1)
		return (hs_event_new(eventid, ""));
	if (gethostname(host, sizeof(host)) == -1)
		(void)strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	if ((ev = hs_event_new(eventid, host)) == NULL)
		return (NULL);
	(void)hs_event_set_str(ev, "service", svc_progname);
	svc_addr(ev, "src_ip", "src_port", 0);
	svc_addr(ev, "dst_ip", "dst_port", 1);
	return (ev);
}

/* Send one event and free it; a service never stops over its log. */
void
svc_emit(json_t *ev)
{
	char	*line;
	size_t	 len;

	if (ev == NULL)
		return;
	line = hs_event_dump(ev, SVC_EVENT_MAX - 2);
	json_decref(ev);
	if (line == NULL)
		return;
	if (svc_evfd == -1) {
		syslog(LOG_INFO, "%s", line);
		free(line);
		return;
	}
	len = strlen(line);
	line[len++] = '\n';
	(void)svc_write(svc_evfd, line, len);
	free(line);
}

void
svc_in_init(struct svc_in *in, int fd, int timeout)
{
	memset(in, 0, sizeof(*in));
	in->in_fd = fd;
	in->in_timeout = timeout;
}

/* Refill the buffer: 1 read some, 0 end of input, -1 error or timeout. */
static int
svc_fill(struct svc_in *in)
{
	struct pollfd	 pfd;
	ssize_t		 n;
	int		 r;

	if (in->in_eof)
		return (0);
	if (in->in_off > 0) {
		memmove(in->in_buf, in->in_buf + in->in_off, in->in_len);
		in->in_off = 0;
	}
	if (in->in_timeout > 0) {
		pfd.fd = in->in_fd;
		pfd.events = POLLIN;
		while ((r = poll(&pfd, 1, in->in_timeout * 1000)) == -1)
			if (errno != EINTR)
				return (-1);
		if (r == 0) {
			errno = ETIMEDOUT;
			return (-1);
		}
	}
	while ((n = read(in->in_fd, in->in_buf + in->in_len,
	    sizeof(in->in_buf) - in->in_len)) == -1)
		if (errno != EINTR)
			return (-1);
	if (n == 0) {
		in->in_eof = 1;
		return (0);
	}
	in->in_len += (size_t)n;
	return (1);
}

/*
 * One line without its "\n" or "\r\n", NUL-terminated in buf.  A line
 * longer than buf is cut to fit, the rest of it read and dropped, and
 * *cut set.  Embedded NULs stay (the length says where the line ends).
 * A last line without a newline still counts.  Returns the length, or
 * -1 at the end of input (errno 0), on error or on timeout (ETIMEDOUT).
 */
ssize_t
svc_getline(struct svc_in *in, char *buf, size_t size, int *cut)
{
	char	*nl;
	size_t	 len = 0, take;
	int	 r, dropped = 0;

	if (size == 0) {
		errno = EINVAL;
		return (-1);
	}
	for (;;) {
		nl = memchr(in->in_buf + in->in_off, '\n', in->in_len);
		take = nl != NULL ? (size_t)(nl - (in->in_buf + in->in_off)) :
		    in->in_len;
		if (len + take >= size) {
			dropped = 1;
			if (len < size - 1)
				memcpy(buf + len, in->in_buf + in->in_off,
				    size - 1 - len);
			len = size - 1;
		} else {
			memcpy(buf + len, in->in_buf + in->in_off, take);
			len += take;
		}
		if (nl != NULL) {
			in->in_off += take + 1;
			in->in_len -= take + 1;
			break;
		}
		in->in_off = in->in_len = 0;
		if ((r = svc_fill(in)) == -1)
			return (-1);
		if (r == 0) {
			if (len == 0 && !dropped) {
				errno = 0;
				return (-1);
			}
			break;
		}
	}
	if (!dropped && len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (cut != NULL)
		*cut = dropped;
	return ((ssize_t)len);
}

/* Up to len raw bytes, from the buffer first: 0 at the end, -1 error. */
ssize_t
svc_read(struct svc_in *in, void *out, size_t len)
{
	size_t	take;
	int	r;

	if (in->in_len == 0) {
		in->in_off = 0;
		if ((r = svc_fill(in)) <= 0)
			return (r);
	}
	take = len < in->in_len ? len : in->in_len;
	memcpy(out, in->in_buf + in->in_off, take);
	in->in_off += take;
	in->in_len -= take;
	return ((ssize_t)take);
}

/* All of it, or -1. */
int
svc_write(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

int
svc_printf(int fd, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 len, r;

	va_start(ap, fmt);
	len = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (len == -1)
		return (-1);
	r = svc_write(fd, s, (size_t)len);
	free(s);
	return (r);
}

/*
 * Keep data as dir/<sha256>: written to a temporary name and linked into
 * place, so a reader never sees half a file and the same bytes twice are
 * one file.  The digest goes to hex even when storing fails.
 */
int
svc_artifact(const char *dir, const void *data, size_t len, char hex[65])
{
	char	 tmp[PATH_MAX], path[PATH_MAX];
	int	 fd, saved;

	sha256_hex(data, len, hex);
	if (hex[0] == '\0')
		return (-1);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, hex) >=
	    sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.tmp.XXXXXX", dir) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if (access(path, F_OK) == 0)
		return (0);
	if (mkdir(dir, 0750) == -1 && errno != EEXIST)
		return (-1);
	if ((fd = mkstemp(tmp)) == -1)
		return (-1);
	if (svc_write(fd, data, len) == -1 || fsync(fd) == -1) {
		saved = errno;
		(void)close(fd);
		(void)unlink(tmp);
		errno = saved;
		return (-1);
	}
	if (close(fd) == -1 || (link(tmp, path) == -1 && errno != EEXIST)) {
		saved = errno;
		(void)unlink(tmp);
		errno = saved;
		return (-1);
	}
	(void)unlink(tmp);
	return (0);
}

/* What svc_usage says, and the event it says it in. */
void
svc_set_usage(const char *eventid, const char *usage)
{
	svc_usage_event = eventid;
	svc_usage_text = usage;
}

/*
 * A configuration error.  Under the superserver stderr is the event log,
 * so it is said there, for the operator; run by hand, on stderr too.
 */
void
svc_usage(const char *why)
{
	json_t	*ev;

	if ((ev = svc_event(svc_usage_event)) != NULL) {
		(void)hs_event_set_str(ev, "message", why);
		svc_emit(ev);
	}
	if (getenv("HONEYSPY_EVENT_FD") == NULL)
		(void)fprintf(stderr, "%s: %s\n%s\n", svc_progname, why,
		    svc_usage_text);
	exit(1);
}

/* A number option within its bounds, or svc_usage(what). */
int
svc_num(const char *s, long long min, long long max, const char *what)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(s, min, max, &errstr);
	if (errstr != NULL)
		svc_usage(what);
	return ((int)v);
}
