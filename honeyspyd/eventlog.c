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
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "honeyspyd.h"
#include "log.h"

static int	 eventlog_fd = -1;
static int	 eventlog_failing;
static char	 eventlog_path[PATH_MAX];

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
	iov[0].iov_base = (void *)(uintptr_t)line;
	iov[0].iov_len = len - 1;
	iov[1].iov_base = (void *)(uintptr_t)"\n";
	iov[1].iov_len = 1;
	if (writev(eventlog_fd, iov, 2) == -1) {
		if (!eventlog_failing)
			log_warn("log.file %s", eventlog_path);
		eventlog_failing = 1;
	} else
		eventlog_failing = 0;
}
