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
 * The file output: one ECS JSON object per line, for Filebeat or Vector.
 * A batch is acknowledged once fdatasync(2) says it is on disk.  When the
 * file would pass rotate_size it becomes NAME.1 (NAME.1 becomes NAME.2,
 * and so on up to rotate_keep) and a new one starts.  The directory is
 * opened before the jail; files are made in it afterwards, by our user.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "outputs/output.h"

#define FILE_BATCH	1000	/* events per write and sync */

struct file_out {
	int		 fo_dirfd;
	int		 fo_fd;		/* -1 until the first write */
	char		 fo_base[NAME_MAX + 1];
	off_t		 fo_size;
};

static int	file_setup(struct output *, char *, size_t);
static void	file_kick(struct output *);
static int	file_open(struct output *);
static int	file_rotate(struct output *);
static int	file_write(int, const char *, size_t);

const struct output_ops output_file_ops = { file_setup, file_kick };

static int
file_setup(struct output *o, char *why, size_t len)
{
	struct file_out	*fo;
	char		 dir[PATH_MAX], *slash;

	if ((fo = calloc(1, sizeof(*fo))) == NULL) {
		(void)snprintf(why, len, "%s", strerror(errno));
		return (-1);
	}
	fo->fo_fd = -1;
	(void)strlcpy(dir, o->o_conf.om_path, sizeof(dir));
	if ((slash = strrchr(dir, '/')) == NULL || slash[1] == '\0' ||
	    strlcpy(fo->fo_base, slash + 1, sizeof(fo->fo_base)) >=
	    sizeof(fo->fo_base)) {
		(void)snprintf(why, len, "%s: not a file path",
		    o->o_conf.om_path);
		free(fo);
		return (-1);
	}
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fo->fo_dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		(void)snprintf(why, len, "%s: %s", dir, strerror(errno));
		free(fo);
		return (-1);
	}
	o->o_priv = fo;
	return (0);
}

static int
file_open(struct output *o)
{
	struct file_out	*fo = o->o_priv;
	struct stat	 st;

	if ((fo->fo_fd = openat(fo->fo_dirfd, fo->fo_base, O_WRONLY |
	    O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640)) == -1)
		return (-1);
	if (fstat(fo->fo_fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		if (errno == 0)
			errno = EINVAL;
		(void)close(fo->fo_fd);
		fo->fo_fd = -1;
		return (-1);
	}
	fo->fo_size = st.st_size;
	return (0);
}

/* NAME.k-1 -> NAME.k down to NAME -> NAME.1; keep 0 just starts anew. */
static int
file_rotate(struct output *o)
{
	struct file_out	*fo = o->o_priv;
	char		 from[NAME_MAX + 16], to[NAME_MAX + 16];
	int		 k;

	(void)close(fo->fo_fd);
	fo->fo_fd = -1;
	if (o->o_conf.om_rotate_keep == 0) {
		if (unlinkat(fo->fo_dirfd, fo->fo_base, 0) == -1 &&
		    errno != ENOENT)
			return (-1);
		return (file_open(o));
	}
	for (k = o->o_conf.om_rotate_keep; k > 1; k--) {
		(void)snprintf(from, sizeof(from), "%s.%d", fo->fo_base, k - 1);
		(void)snprintf(to, sizeof(to), "%s.%d", fo->fo_base, k);
		if (renameat(fo->fo_dirfd, from, fo->fo_dirfd, to) == -1 &&
		    errno != ENOENT)
			return (-1);
	}
	(void)snprintf(to, sizeof(to), "%s.1", fo->fo_base);
	if (renameat(fo->fo_dirfd, fo->fo_base, fo->fo_dirfd, to) == -1)
		return (-1);
	return (file_open(o));
}

static int
file_write(int fd, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

static void
file_kick(struct output *o)
{
	struct file_out		*fo = o->o_priv;
	struct out_event	*oe;
	json_t			*ev, *ecs;
	char			*line, *buf = NULL;
	size_t			 n, len = 0, cap = 0, l;

	while (!TAILQ_EMPTY(&o->o_queue)) {
		if (fo->fo_fd == -1 && file_open(o) == -1) {
			output_failed(o, "%s: %s", o->o_conf.om_path,
			    strerror(errno));
			break;
		}
		len = 0;
		n = 0;
		TAILQ_FOREACH(oe, &o->o_queue, oe_entry) {
			if (n == FILE_BATCH)
				break;
			n++;
			if ((ev = output_event(o, oe)) == NULL)
				continue;	/* skipped */
			ecs = ecs_map(ev, oe->oe_id, o->o_conf.om_node);
			json_decref(ev);
			if (ecs == NULL || (line = json_dumps(ecs,
			    JSON_COMPACT)) == NULL)
				fatalx("%s: out of memory", __func__);
			json_decref(ecs);
			l = strlen(line);
			if (len + l + 1 > cap) {
				cap = (len + l + 1) * 2;
				if ((buf = realloc(buf, cap)) == NULL)
					fatal("%s", __func__);
			}
			memcpy(buf + len, line, l);
			buf[len + l] = '\n';
			len += l + 1;
			free(line);
		}
		if (o->o_conf.om_rotate_size > 0 && fo->fo_size > 0 &&
		    fo->fo_size + (off_t)len > o->o_conf.om_rotate_size &&
		    file_rotate(o) == -1) {
			output_failed(o, "%s: rotate: %s", o->o_conf.om_path,
			    strerror(errno));
			break;
		}
		if (file_write(fo->fo_fd, buf, len) == -1 ||
		    fdatasync(fo->fo_fd) == -1) {
			output_failed(o, "%s: %s", o->o_conf.om_path,
			    strerror(errno));
			/* Start over in a fresh file descriptor. */
			(void)close(fo->fo_fd);
			fo->fo_fd = -1;
			break;
		}
		fo->fo_size += (off_t)len;
		output_delivered(o, n);
	}
	free(buf);
}
