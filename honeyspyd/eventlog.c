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

/* The local event log: one JSON object per line, written by the parent only. */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "honeyspyd.h"
#include "log.h"

/*
 * Lines wait here until the end of the event loop's turn, so that a busy
 * turn costs one write(2), not one per event.  They are in our memory
 * either way; a crash of the parent ends the suite.
 */
#define EVENTLOG_BUF	(64 * 1024)

static int	 eventlog_fd = -1;
static int	 eventlog_failing;
static char	 eventlog_path[PATH_MAX];
static char	 eventlog_buf[EVENTLOG_BUF];
static size_t	 eventlog_used;
static struct event eventlog_ev;
static int	 eventlog_armed;
static int	 eventlog_held;		/* the event loop exists: hold lines */

static void	 eventlog_put(const struct iovec *, int);
static void	 eventlog_flush_cb(int, short, void *);

/*
 * Open (as root, before the drop) the file that events are appended to,
 * and give it to the daemon's user so that a reopen after rotation works
 * without privileges.  A missing last directory is created.
 */
void
eventlog_open(const char *path, uid_t uid, gid_t gid, int root)
{
	char	 dir[PATH_MAX];
	int	 fd;

	if (strlcpy(eventlog_path, path, sizeof(eventlog_path)) >=
	    sizeof(eventlog_path))
		fatalx("log.file %s: path too long", path);
	(void)strlcpy(dir, path, sizeof(dir));
	if (mkdir(dirname(dir), 0750) == 0 && root &&
	    chown(dir, uid, gid) == -1)
		fatal("log.file: chown %s", dir);
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640)) == -1)
		fatal("log.file %s", path);
	if (root && fchown(fd, uid, gid) == -1)
		fatal("log.file %s: fchown", path);
	eventlog_fd = fd;
	/* fatal() and every other exit write what is still held. */
	if (atexit(eventlog_flush) != 0)
		fatalx("%s: atexit", __func__);
}

/* SIGHUP: follow a rotated file; keep the old one if that fails. */
void
eventlog_reopen(void)
{
	int	 fd;

	if (eventlog_fd == -1)
		return;
	if ((fd = open(eventlog_path, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0640)) == -1) {
		log_warn("log.file %s: reopen", eventlog_path);
		return;
	}
	eventlog_flush();
	close(eventlog_fd);
	eventlog_fd = fd;
	eventlog_failing = 0;
}

/*
 * One event from a child.  The line was made by our own encoder, but the
 * child is less trusted than we are: it must be bounded, terminated and
 * plain printable ASCII (attacker bytes inside are escaped), or the child
 * is broken and the suite stops.
 */
void
eventlog_write(const char *line, size_t len)
{
	struct iovec	 iov[2];
	size_t		 i;

	if (len < 3 || line[len - 1] != '\0' || line[0] != '{' ||
	    line[len - 2] != '}')
		fatalx("%s: malformed event", __func__);
	for (i = 0; i < len - 1; i++)
		if ((unsigned char)line[i] < 0x20 ||
		    (unsigned char)line[i] > 0x7e)
			fatalx("%s: event with a raw control byte", __func__);
	if (eventlog_fd == -1)
		return;
	if (eventlog_used + len > sizeof(eventlog_buf))
		eventlog_flush();
	if (len > sizeof(eventlog_buf)) {
		iov[0].iov_base = (void *)(uintptr_t)line;
		iov[0].iov_len = len - 1;
		iov[1].iov_base = (void *)(uintptr_t)"\n";
		iov[1].iov_len = 1;
		eventlog_put(iov, 2);
		return;
	}
	memcpy(eventlog_buf + eventlog_used, line, len - 1);
	eventlog_buf[eventlog_used + len - 1] = '\n';
	eventlog_used += len;
	if (!eventlog_held)
		eventlog_flush();
	else if (!eventlog_armed) {
		event_set(&eventlog_ev, -1, 0, eventlog_flush_cb, NULL);
		event_active(&eventlog_ev, EV_WRITE, 1);
		eventlog_armed = 1;
	}
}

/* From now on lines wait for the end of the turn: the event loop exists. */
void
eventlog_hold(void)
{
	eventlog_held = 1;
}

/* Write what is held, now. */
void
eventlog_flush(void)
{
	struct iovec	 iov;

	if (eventlog_armed) {
		event_del(&eventlog_ev);
		eventlog_armed = 0;
	}
	if (eventlog_used == 0)
		return;
	iov.iov_base = eventlog_buf;
	iov.iov_len = eventlog_used;
	eventlog_used = 0;
	eventlog_put(&iov, 1);
}

static void
eventlog_flush_cb(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	(void)arg;
	eventlog_armed = 0;
	eventlog_flush();
}

/* Whole lines to the file; O_APPEND keeps a short write's tail after it. */
static void
eventlog_put(const struct iovec *iov, int iovcnt)
{
	struct iovec	 left[2];
	ssize_t		 n;
	size_t		 skip;
	int		 i, cnt;

	memcpy(left, iov, (size_t)iovcnt * sizeof(*iov));
	cnt = iovcnt;
	for (i = 0; i < cnt;) {
		if ((n = writev(eventlog_fd, left + i, cnt - i)) == -1) {
			if (errno == EINTR)
				continue;
			if (!eventlog_failing)
				log_warn("log.file %s", eventlog_path);
			eventlog_failing = 1;
			return;
		}
		for (skip = (size_t)n; i < cnt && skip >= left[i].iov_len; i++)
			skip -= left[i].iov_len;
		if (i < cnt) {
			left[i].iov_base = (char *)left[i].iov_base + skip;
			left[i].iov_len -= skip;
		}
	}
	eventlog_failing = 0;
}
