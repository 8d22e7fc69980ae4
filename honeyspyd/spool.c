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
 * The sensor's durable event spool: numbered events in segment files until
 * the master has them.  Crash safety rests on three rules:
 *  - a segment is complete and fdatasync'd before the next one is created,
 *    so only the newest can end in a torn record, and that record was never
 *    synced, so never read, so never sent: cutting it off loses nothing;
 *  - the newest segment that exists on disk is never removed until a newer
 *    one is durable, so its name or its last record always tells the next
 *    seq after a restart;
 *  - when that history is gone anyway, a new epoch is made rather than
 *    numbers handed out again.
 */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spool.h"

#define SPOOL_DIGITS	20			/* of UINT64_MAX */
#define SPOOL_SUFFIX	".spool"
#define SPOOL_NAMELEN	(SPOOL_DIGITS + sizeof(SPOOL_SUFFIX))
#define SPOOL_RECMAX	(SPOOL_DIGITS + 1 + SPOOL_JSON_MAX + 1)
#define SPOOL_RDBUF	(2 * 64 * 1024)		/* holds the longest record */
#define SPOOL_WBUF_KEEP	(4 * 1024 * 1024)	/* free larger when empty */
#define SPOOL_EPOCH	"epoch"
#define SPOOL_EPOCH_TMP	"epoch.tmp"
#define SPOOL_ACKED	"acked"
#define SPOOL_ACKED_TMP	"acked.tmp"

struct spool_seg {
	uint64_t	 sg_first;	/* the seq in its name */
	uint64_t	 sg_last;	/* last record; sg_first - 1: none */
	uint64_t	 sg_size;	/* bytes, the buffered ones included */
	uint64_t	 sg_dsize;	/* bytes written and synced */
	int		 sg_created;	/* the file and its name are durable */
};

/* A buffered reader over one segment, used by the cursor and by recovery. */
struct spool_rd {
	int		 rd_fd;		/* -1 until there is something */
	uint64_t	 rd_seg;	/* sg_first of the segment */
	uint64_t	 rd_expect;	/* seq the next record must carry */
	uint64_t	 rd_off;	/* file offset of rd_buf[0] */
	size_t		 rd_pos;	/* next record in rd_buf */
	size_t		 rd_len;	/* bytes held in rd_buf */
	char		*rd_buf;	/* SPOOL_RDBUF bytes */
};

struct spool_rec {
	uint64_t	 rc_seq;
	char		*rc_json;	/* in rd_buf, ends at the newline */
	size_t		 rc_len;	/* of the json */
	size_t		 rc_size;	/* of the whole record */
};

struct spool {
	int		 sp_dirfd;	/* holds the lock too */
	char		 sp_epoch[SPOOL_EPOCH_LEN + 1];
	uint64_t	 sp_max;	/* 0: unbounded */
	uint64_t	 sp_segmax;
	struct spool_seg *sp_segs;	/* oldest first */
	size_t		 sp_nsegs;
	size_t		 sp_segcap;
	uint64_t	 sp_total;	/* sum of sg_size */
	uint64_t	 sp_last;
	uint64_t	 sp_synced;
	uint64_t	 sp_acked;
	uint64_t	 sp_lost;
	uint64_t	*sp_doomed;	/* dropped segments still to unlink */
	size_t		 sp_ndoomed;
	size_t		 sp_doomcap;
	int		 sp_dirty;	/* the directory needs an fsync */
	int		 sp_broken;	/* a segment is in an unknown state */
	int		 sp_wfd;
	uint64_t	 sp_wseg;	/* the segment sp_wfd is on */
	char		*sp_wbuf;	/* records not yet written */
	size_t		 sp_woff;
	size_t		 sp_wlen;
	size_t		 sp_wcap;
	struct spool_rd	 sp_rd;		/* the read cursor */
	int		 sp_rvalid;
	uint64_t	 sp_rnext;	/* what *next said last time */
	char		 sp_err[256];
};

static void	 spool_err(struct spool *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
static void	 spool_errx(struct spool *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
static void	 spool_segname(char *, size_t, uint64_t);
static int	 spool_parsename(const char *, uint64_t *);
static int	 spool_segcmp(const void *, const void *);
static int	 spool_readdir(struct spool *);
static int	 spool_readsmall(struct spool *, const char *, char *, size_t,
		    size_t *);
static int	 spool_getepoch(struct spool *, int *);
static uint64_t	 spool_getacked(struct spool *);
static int	 spool_putfile(struct spool *, const char *, const char *,
		    const char *, size_t, int);
static int	 spool_mkepoch(struct spool *);
static int	 spool_lastnl(struct spool *, int, const char *, uint64_t,
		    uint64_t *);
static int	 spool_scan(struct spool *, struct spool_seg *, int);
static int	 spool_mkfirst(struct spool *, uint64_t);
static int	 spool_syncparent(struct spool *, const char *);
static int	 spool_rd_next(struct spool *, struct spool_rd *,
		    const struct spool_seg *, struct spool_rec *);
static void	 spool_rd_reset(struct spool_rd *, uint64_t);
static void	 spool_forget(struct spool *);
static int	 spool_reserve(struct spool *, size_t);
static int	 spool_flush(struct spool *, struct spool_seg *);
static ssize_t	 spool_find(const struct spool *, uint64_t);
static size_t	 spool_u64fmt(char *, uint64_t);

static void
spool_err(struct spool *sp, const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;
	size_t	 n;

	va_start(ap, fmt);
	(void)vsnprintf(sp->sp_err, sizeof(sp->sp_err), fmt, ap);
	va_end(ap);
	n = strlen(sp->sp_err);
	(void)snprintf(sp->sp_err + n, sizeof(sp->sp_err) - n, ": %s",
	    strerror(saved));
	errno = saved;
}

static void
spool_errx(struct spool *sp, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(sp->sp_err, sizeof(sp->sp_err), fmt, ap);
	va_end(ap);
}

static void
spool_segname(char *buf, size_t len, uint64_t first)
{
	(void)snprintf(buf, len, "%0*" PRIu64 SPOOL_SUFFIX, SPOOL_DIGITS,
	    first);
}

/* Only names we make count: 20 digits, ".spool", not 0. */
static int
spool_parsename(const char *name, uint64_t *seq)
{
	uint64_t	 v = 0, d;
	size_t		 i;

	if (strlen(name) != SPOOL_NAMELEN - 1 ||
	    strcmp(name + SPOOL_DIGITS, SPOOL_SUFFIX) != 0)
		return (-1);
	for (i = 0; i < SPOOL_DIGITS; i++) {
		if (name[i] < '0' || name[i] > '9')
			return (-1);
		d = (uint64_t)(name[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return (-1);
		v = v * 10 + d;
	}
	if (v == 0)
		return (-1);
	*seq = v;
	return (0);
}

static int
spool_segcmp(const void *a, const void *b)
{
	const struct spool_seg	*x = a, *y = b;

	return (x->sg_first < y->sg_first ? -1 : x->sg_first > y->sg_first);
}

/* Digits of v without a terminator; buf holds SPOOL_DIGITS. */
static size_t
spool_u64fmt(char *buf, uint64_t v)
{
	char	 tmp[SPOOL_DIGITS];
	size_t	 n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return (n);
}

/*
 * Collect the segment files.  Everything else, and anything that is not a
 * plain file (a symlink could point the spool at a file we must not
 * truncate), is left alone.
 */
static int
spool_readdir(struct spool *sp)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	struct spool_seg *ns;
	uint64_t	 seq;
	int		 fd;

	if ((fd = dup(sp->sp_dirfd)) == -1) {
		spool_err(sp, "dup");
		return (-1);
	}
	if ((d = fdopendir(fd)) == NULL) {
		spool_err(sp, "fdopendir");
		close(fd);
		return (-1);
	}
	rewinddir(d);
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				spool_err(sp, "readdir");
				goto fail;
			}
			break;
		}
		if (spool_parsename(de->d_name, &seq) == -1)
			continue;
		if (de->d_type != DT_REG) {
			if (de->d_type != DT_UNKNOWN)
				continue;
			if (fstatat(sp->sp_dirfd, de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == -1) {
				spool_err(sp, "%s", de->d_name);
				goto fail;
			}
			if (!S_ISREG(st.st_mode))
				continue;
		}
		if (sp->sp_nsegs == sp->sp_segcap) {
			if ((ns = reallocarray(sp->sp_segs,
			    sp->sp_segcap + 16, sizeof(*ns))) == NULL) {
				spool_err(sp, "reallocarray");
				goto fail;
			}
			sp->sp_segs = ns;
			sp->sp_segcap += 16;
		}
		memset(&sp->sp_segs[sp->sp_nsegs], 0, sizeof(*ns));
		sp->sp_segs[sp->sp_nsegs++].sg_first = seq;
	}
	closedir(d);
	if (sp->sp_nsegs > 0)
		qsort(sp->sp_segs, sp->sp_nsegs, sizeof(*sp->sp_segs),
		    spool_segcmp);
	return (0);
 fail:
	closedir(d);
	return (-1);
}

/* A small file whole; *len = (size_t)-1 when it does not exist. */
static int
spool_readsmall(struct spool *sp, const char *name, char *buf, size_t size,
    size_t *len)
{
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd;

	if ((fd = openat(sp->sp_dirfd, name, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW)) == -1) {
		if (errno == ENOENT) {
			*len = (size_t)-1;
			return (0);
		}
		spool_err(sp, "%s", name);
		return (-1);
	}
	while (off < size) {
		if ((n = read(fd, buf + off, size - off)) == -1) {
			if (errno == EINTR)
				continue;
			spool_err(sp, "%s: read", name);
			close(fd);
			return (-1);
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	*len = off;
	return (0);
}

/* The epoch must be exactly what we write, or the spool is not ours. */
static int
spool_getepoch(struct spool *sp, int *have)
{
	char	 buf[SPOOL_EPOCH_LEN + 2];
	size_t	 len, i;

	*have = 0;
	if (spool_readsmall(sp, SPOOL_EPOCH, buf, sizeof(buf), &len) == -1)
		return (-1);
	if (len == (size_t)-1)
		return (0);
	if (len == SPOOL_EPOCH_LEN + 1 && buf[SPOOL_EPOCH_LEN] == '\n')
		len--;
	if (len != SPOOL_EPOCH_LEN)
		goto bad;
	for (i = 0; i < len; i++)
		if ((buf[i] < '0' || buf[i] > '9') &&
		    (buf[i] < 'a' || buf[i] > 'f'))
			goto bad;
	memcpy(sp->sp_epoch, buf, SPOOL_EPOCH_LEN);
	sp->sp_epoch[SPOOL_EPOCH_LEN] = '\0';
	*have = 1;
	return (0);
 bad:
	spool_errx(sp, "%s: not %d hex digits", SPOOL_EPOCH, SPOOL_EPOCH_LEN);
	return (-1);
}

/*
 * The ack is a hint that saves a resend; a file that is missing or
 * mangled (it is not synced) just means the master gets duplicates.
 */
static uint64_t
spool_getacked(struct spool *sp)
{
	char		 buf[SPOOL_DIGITS + 2];
	size_t		 len, i;
	uint64_t	 v = 0, d;

	if (spool_readsmall(sp, SPOOL_ACKED, buf, sizeof(buf), &len) == -1 ||
	    len == (size_t)-1)
		return (0);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len == 0 || len > SPOOL_DIGITS)
		return (0);
	for (i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return (0);
		d = (uint64_t)(buf[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return (0);
		v = v * 10 + d;
	}
	return (v);
}

/* Replace name atomically; durable also syncs the file and directory. */
static int
spool_putfile(struct spool *sp, const char *name, const char *tmp,
    const char *data, size_t len, int durable)
{
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd;

	if ((fd = openat(sp->sp_dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC | O_NOFOLLOW, 0640)) == -1) {
		spool_err(sp, "%s", tmp);
		return (-1);
	}
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			spool_err(sp, "%s: write", tmp);
			goto fail;
		}
		off += (size_t)n;
	}
	if (durable && fsync(fd) == -1) {
		spool_err(sp, "%s: fsync", tmp);
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		spool_err(sp, "%s: close", tmp);
		goto fail;
	}
	fd = -1;
	if (renameat(sp->sp_dirfd, tmp, sp->sp_dirfd, name) == -1) {
		spool_err(sp, "rename %s", tmp);
		goto fail;
	}
	if (durable && fsync(sp->sp_dirfd) == -1) {
		spool_err(sp, "fsync directory");
		return (-1);
	}
	return (0);
 fail:
	if (fd != -1)
		close(fd);
	(void)unlinkat(sp->sp_dirfd, tmp, 0);
	return (-1);
}

static int
spool_mkepoch(struct spool *sp)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 r[SPOOL_EPOCH_LEN / 2];
	char			 buf[SPOOL_EPOCH_LEN + 1];
	size_t			 i;

	arc4random_buf(r, sizeof(r));
	for (i = 0; i < sizeof(r); i++) {
		buf[2 * i] = hex[r[i] >> 4];
		buf[2 * i + 1] = hex[r[i] & 0xf];
	}
	buf[SPOOL_EPOCH_LEN] = '\n';
	/* Durable before any seq is handed out under it. */
	if (spool_putfile(sp, SPOOL_EPOCH, SPOOL_EPOCH_TMP, buf, sizeof(buf),
	    1) == -1)
		return (-1);
	memcpy(sp->sp_epoch, buf, SPOOL_EPOCH_LEN);
	sp->sp_epoch[SPOOL_EPOCH_LEN] = '\0';
	return (0);
}

/* *end = the offset just past the last newline (0: none), read backwards. */
static int
spool_lastnl(struct spool *sp, int fd, const char *name, uint64_t size,
    uint64_t *end)
{
	char		*buf = sp->sp_rd.rd_buf, *nl;
	uint64_t	 off = size;
	size_t		 n;
	ssize_t		 r;

	while (off > 0) {
		n = off > SPOOL_RDBUF ? SPOOL_RDBUF : (size_t)off;
		if ((r = pread(fd, buf, n, (off_t)(off - n))) == -1) {
			if (errno == EINTR)
				continue;
			spool_err(sp, "%s: read", name);
			return (-1);
		}
		if ((size_t)r != n) {
			spool_errx(sp, "%s: short read", name);
			return (-1);
		}
		off -= n;
		if ((nl = memrchr(buf, '\n', n)) != NULL) {
			*end = off + (uint64_t)(nl - buf) + 1;
			return (0);
		}
	}
	*end = 0;
	return (0);
}

/*
 * Check one segment and learn its last seq.  Bytes after the last newline
 * are a record the process died writing; in the newest segment they are
 * cut off (never synced, so never sent).  Anywhere else, and any bad or
 * out-of-order whole record, is damage that an operator has to look at:
 * guessing could hand out a seq twice.
 */
static int
spool_scan(struct spool *sp, struct spool_seg *sg, int newest)
{
	struct spool_rd	 rd;
	struct spool_rec rec;
	struct stat	 st;
	char		 name[SPOOL_NAMELEN];
	uint64_t	 end;
	int		 fd, r;

	spool_segname(name, sizeof(name), sg->sg_first);
	if ((fd = openat(sp->sp_dirfd, name, (newest ? O_RDWR : O_RDONLY) |
	    O_CLOEXEC | O_NOFOLLOW)) == -1) {
		spool_err(sp, "%s", name);
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		spool_err(sp, "%s: fstat", name);
		goto fail;
	}
	if (spool_lastnl(sp, fd, name, (uint64_t)st.st_size, &end) == -1)
		goto fail;
	if (end < (uint64_t)st.st_size) {
		if (!newest) {
			spool_errx(sp, "%s: torn record at offset %" PRIu64
			    " in a segment that is not the newest", name, end);
			goto fail;
		}
		if (ftruncate(fd, (off_t)end) == -1 || fdatasync(fd) == -1) {
			spool_err(sp, "%s: cutting a torn record", name);
			goto fail;
		}
	}
	memset(&rd, 0, sizeof(rd));
	rd.rd_fd = fd;
	rd.rd_buf = sp->sp_rd.rd_buf;
	sg->sg_last = sg->sg_first - 1;
	sg->sg_size = sg->sg_dsize = end;
	sg->sg_created = 1;
	while ((r = spool_rd_next(sp, &rd, sg, &rec)) == 1) {
		if (rec.rc_seq != sg->sg_last + 1) {
			spool_errx(sp, "%s: offset %" PRIu64 ": seq %" PRIu64
			    " where %" PRIu64 " belongs", name,
			    rd.rd_off + rd.rd_pos, rec.rc_seq, sg->sg_last + 1);
			goto fail;
		}
		sg->sg_last = rec.rc_seq;
		rd.rd_pos += rec.rc_size;
	}
	if (r == -1)
		goto fail;
	close(fd);
	return (0);
 fail:
	close(fd);
	return (-1);
}

/* The empty segment that carries the next seq in its name. */
static int
spool_mkfirst(struct spool *sp, uint64_t first)
{
	char	 name[SPOOL_NAMELEN];
	int	 fd;

	spool_segname(name, sizeof(name), first);
	if ((fd = openat(sp->sp_dirfd, name, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC | O_NOFOLLOW, 0640)) == -1) {
		spool_err(sp, "%s", name);
		return (-1);
	}
	close(fd);
	if (fsync(sp->sp_dirfd) == -1) {
		spool_err(sp, "fsync directory");
		return (-1);
	}
	if (spool_reserve(sp, 1) == -1)
		return (-1);
	memset(&sp->sp_segs[0], 0, sizeof(sp->sp_segs[0]));
	sp->sp_segs[0].sg_first = first;
	sp->sp_segs[0].sg_last = first - 1;
	sp->sp_segs[0].sg_created = 1;
	sp->sp_nsegs = 1;
	return (0);
}

/* A directory we made: its name must survive a power cut as well. */
static int
spool_syncparent(struct spool *sp, const char *dir)
{
	char	 buf[PATH_MAX];
	int	 fd;

	if (strlcpy(buf, dir, sizeof(buf)) >= sizeof(buf)) {
		spool_errx(sp, "%s: path too long", dir);
		return (-1);
	}
	if ((fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || fsync(fd) == -1) {
		spool_err(sp, "fsync %s", buf);
		if (fd != -1)
			close(fd);
		return (-1);
	}
	close(fd);
	return (0);
}

int
spool_open(struct spool **spp, const char *dir, uint64_t max_bytes,
    uint64_t segment_bytes, char *err, size_t errlen)
{
	struct spool	*sp;
	uint64_t	 acked, last;
	size_t		 i;
	int		 have_epoch;

	*spp = NULL;
	if (max_bytes != 0 && max_bytes < SPOOL_MAX_MIN) {
		(void)snprintf(err, errlen, "spool size %" PRIu64
		    " below the minimum %llu", max_bytes, SPOOL_MAX_MIN);
		return (-1);
	}
	if (segment_bytes == 0)
		segment_bytes = SPOOL_SEGMENT_DEFAULT;
	else if (segment_bytes < SPOOL_SEGMENT_MIN) {
		(void)snprintf(err, errlen, "segment size %" PRIu64
		    " below the minimum %llu", segment_bytes,
		    SPOOL_SEGMENT_MIN);
		return (-1);
	}
	if (max_bytes != 0 && segment_bytes > max_bytes / 4)
		segment_bytes = max_bytes / 4;

	if ((sp = calloc(1, sizeof(*sp))) == NULL) {
		(void)snprintf(err, errlen, "calloc: %s", strerror(errno));
		return (-1);
	}
	sp->sp_dirfd = sp->sp_wfd = sp->sp_rd.rd_fd = -1;
	sp->sp_max = max_bytes;
	sp->sp_segmax = segment_bytes;
	if ((sp->sp_rd.rd_buf = malloc(SPOOL_RDBUF)) == NULL) {
		spool_err(sp, "malloc");
		goto fail;
	}
	if (mkdir(dir, 0750) == 0) {
		if (spool_syncparent(sp, dir) == -1)
			goto fail;
	} else if (errno != EEXIST) {
		spool_err(sp, "mkdir %s", dir);
		goto fail;
	}
	if ((sp->sp_dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		spool_err(sp, "%s", dir);
		goto fail;
	}
	/* Two writers would interleave records and reuse numbers. */
	if (flock(sp->sp_dirfd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			spool_errx(sp, "%s: in use by another process", dir);
		else
			spool_err(sp, "%s: flock", dir);
		goto fail;
	}
	if (spool_readdir(sp) == -1 || spool_getepoch(sp, &have_epoch) == -1)
		goto fail;
	for (i = 0; i < sp->sp_nsegs; i++) {
		if (spool_scan(sp, &sp->sp_segs[i], i + 1 == sp->sp_nsegs) ==
		    -1)
			goto fail;
		if (i > 0 && sp->sp_segs[i].sg_first <=
		    sp->sp_segs[i - 1].sg_last) {
			spool_errx(sp, "segment %" PRIu64 " overlaps the one "
			    "before it", sp->sp_segs[i].sg_first);
			goto fail;
		}
		sp->sp_total += sp->sp_segs[i].sg_size;
	}
	last = sp->sp_nsegs > 0 ? sp->sp_segs[sp->sp_nsegs - 1].sg_last : 0;
	acked = spool_getacked(sp);

	/*
	 * Without the epoch, or without the segments that carry the
	 * numbering (removed by hand), or with an ack for numbers we never
	 * gave out, the master may hold seqs we would give out again.
	 * A new epoch keeps them apart; the acks of the old one mean nothing.
	 */
	if (!have_epoch || sp->sp_nsegs == 0 || acked > last) {
		/* Ack first: an old ack must never stand under the new epoch. */
		if (unlinkat(sp->sp_dirfd, SPOOL_ACKED, 0) == -1 &&
		    errno != ENOENT) {
			spool_err(sp, "%s", SPOOL_ACKED);
			goto fail;
		}
		acked = 0;
		if (spool_mkepoch(sp) == -1)
			goto fail;
	}
	if (sp->sp_nsegs == 0) {
		if (spool_mkfirst(sp, 1) == -1)
			goto fail;
		last = 0;
	}
	sp->sp_last = sp->sp_synced = last;
	sp->sp_acked = acked;
	*spp = sp;
	return (0);
 fail:
	(void)snprintf(err, errlen, "%s", sp->sp_err);
	spool_close(sp);
	return (-1);
}

void
spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->sp_rd.rd_fd != -1)
		close(sp->sp_rd.rd_fd);
	if (sp->sp_wfd != -1)
		close(sp->sp_wfd);
	if (sp->sp_dirfd != -1)
		close(sp->sp_dirfd);		/* and the lock with it */
	free(sp->sp_rd.rd_buf);
	free(sp->sp_wbuf);
	free(sp->sp_segs);
	free(sp->sp_doomed);
	free(sp);
}

const char *
spool_epoch(const struct spool *sp)
{
	return (sp->sp_epoch);
}

const char *
spool_error(const struct spool *sp)
{
	return (sp->sp_err);
}

uint64_t
spool_last(const struct spool *sp)
{
	return (sp->sp_last);
}

uint64_t
spool_synced(const struct spool *sp)
{
	return (sp->sp_synced);
}

uint64_t
spool_acked(const struct spool *sp)
{
	return (sp->sp_acked);
}

uint64_t
spool_take_lost(struct spool *sp)
{
	uint64_t	 n = sp->sp_lost;

	sp->sp_lost = 0;
	return (n);
}

/* Room for n more segments, so that appending cannot fail half way. */
static int
spool_reserve(struct spool *sp, size_t n)
{
	struct spool_seg	*ns;
	size_t			 cap;

	if (sp->sp_segcap - sp->sp_nsegs >= n)
		return (0);
	cap = sp->sp_segcap + (n > 16 ? n : 16);
	if ((ns = reallocarray(sp->sp_segs, cap, sizeof(*ns))) == NULL) {
		spool_err(sp, "reallocarray");
		return (-1);
	}
	sp->sp_segs = ns;
	sp->sp_segcap = cap;
	return (0);
}

/* Drop the oldest segment from memory; its file is someone else's job. */
static void
spool_forget(struct spool *sp)
{
	uint64_t	 first = sp->sp_segs[0].sg_first;

	if (sp->sp_rvalid && sp->sp_rd.rd_seg == first) {
		/* An open fd would keep the blocks of an unlinked file. */
		spool_rd_reset(&sp->sp_rd, 0);
		sp->sp_rvalid = 0;
	}
	if (sp->sp_wfd != -1 && sp->sp_wseg == first) {
		close(sp->sp_wfd);
		sp->sp_wfd = -1;
	}
	sp->sp_total -= sp->sp_segs[0].sg_size;
	memmove(&sp->sp_segs[0], &sp->sp_segs[1],
	    (sp->sp_nsegs - 1) * sizeof(sp->sp_segs[0]));
	sp->sp_nsegs--;
}

uint64_t
spool_append(struct spool *sp, const char *json, size_t len)
{
	struct spool_seg	*sg;
	uint64_t		*nd, seq, total, from;
	size_t			 i, k, hlen, reclen, cap, keep, pending;
	char			 hdr[SPOOL_DIGITS + 1], *nb;
	int			 newseg;

	if (sp->sp_broken) {
		/* sp_err still says what broke it. */
		return (0);
	}
	if (len == 0 || len > SPOOL_JSON_MAX) {
		spool_errx(sp, "event of %zu bytes", len);
		return (0);
	}
	/* A newline or a NUL would split or hide records. */
	for (i = 0; i < len; i++)
		if ((unsigned char)json[i] < 0x20 ||
		    (unsigned char)json[i] > 0x7e) {
			spool_errx(sp, "event with a byte 0x%02x at %zu",
			    (unsigned char)json[i], i);
			return (0);
		}
	if (sp->sp_last == UINT64_MAX) {
		spool_errx(sp, "sequence numbers exhausted");
		return (0);
	}
	seq = sp->sp_last + 1;
	hlen = spool_u64fmt(hdr, seq);
	hdr[hlen++] = ' ';
	reclen = hlen + len + 1;

	/*
	 * Plan first, change nothing until every allocation is done.  The
	 * bound drops whole segments, oldest first.  The newest one may go
	 * only when this record starts a new segment, which then carries the
	 * numbering.
	 */
	newseg = sp->sp_nsegs == 0 ||
	    sp->sp_segs[sp->sp_nsegs - 1].sg_size >= sp->sp_segmax;
	total = sp->sp_total;
	k = 0;
	while (sp->sp_max != 0 && total + reclen > sp->sp_max &&
	    k < sp->sp_nsegs) {
		if (k + 1 == sp->sp_nsegs) {
			if (sp->sp_segs[k].sg_size == 0)
				break;
			newseg = 1;
		}
		total -= sp->sp_segs[k].sg_size;
		k++;
	}
	if (spool_reserve(sp, 1) == -1)
		return (0);
	if (sp->sp_doomcap - sp->sp_ndoomed < k) {
		cap = sp->sp_ndoomed + k + 16;
		if ((nd = reallocarray(sp->sp_doomed, cap, sizeof(*nd))) ==
		    NULL) {
			spool_err(sp, "reallocarray");
			return (0);
		}
		sp->sp_doomed = nd;
		sp->sp_doomcap = cap;
	}
	/*
	 * Room for the record after the pending bytes, by moving them to
	 * the front if that is enough (keep: those that survive the drops).
	 */
	pending = sp->sp_wlen - sp->sp_woff;
	keep = pending;
	for (i = 0; i < k; i++)
		keep -= sp->sp_segs[i].sg_size - sp->sp_segs[i].sg_dsize;
	if (sp->sp_wcap - sp->sp_wlen < reclen && sp->sp_wcap - keep < reclen) {
		cap = sp->sp_wcap > 0 ? sp->sp_wcap : 64 * 1024;
		while (cap - pending < reclen)
			cap *= 2;
		if ((nb = malloc(cap)) == NULL) {
			spool_err(sp, "malloc");
			return (0);
		}
		if (pending > 0)
			memcpy(nb, sp->sp_wbuf + sp->sp_woff, pending);
		free(sp->sp_wbuf);
		sp->sp_wbuf = nb;
		sp->sp_wcap = cap;
		sp->sp_wlen = pending;
		sp->sp_woff = 0;
	}

	for (i = 0; i < k; i++) {
		sg = &sp->sp_segs[0];
		/* Lost: what the master has not acknowledged. */
		from = sg->sg_first > sp->sp_acked ? sg->sg_first :
		    sp->sp_acked + 1;
		if (sg->sg_last >= from)
			sp->sp_lost += sg->sg_last - from + 1;
		/* Its pending bytes are the oldest, so at the front. */
		sp->sp_woff += sg->sg_size - sg->sg_dsize;
		/*
		 * Unlinked by spool_sync, after the newer segments are
		 * durable: this may be the one that carries the numbering.
		 */
		if (sg->sg_created)
			sp->sp_doomed[sp->sp_ndoomed++] = sg->sg_first;
		spool_forget(sp);
	}
	if (sp->sp_woff == sp->sp_wlen)
		sp->sp_woff = sp->sp_wlen = 0;
	else if (sp->sp_wcap - sp->sp_wlen < reclen) {
		memmove(sp->sp_wbuf, sp->sp_wbuf + sp->sp_woff,
		    sp->sp_wlen - sp->sp_woff);
		sp->sp_wlen -= sp->sp_woff;
		sp->sp_woff = 0;
	}
	if (newseg) {
		sg = &sp->sp_segs[sp->sp_nsegs++];
		memset(sg, 0, sizeof(*sg));
		sg->sg_first = seq;
	} else
		sg = &sp->sp_segs[sp->sp_nsegs - 1];
	memcpy(sp->sp_wbuf + sp->sp_wlen, hdr, hlen);
	memcpy(sp->sp_wbuf + sp->sp_wlen + hlen, json, len);
	sp->sp_wbuf[sp->sp_wlen + hlen + len] = '\n';
	sp->sp_wlen += reclen;
	sg->sg_size += reclen;
	sg->sg_last = seq;
	sp->sp_total += reclen;
	sp->sp_last = seq;
	return (seq);
}

/*
 * Write one segment's pending bytes and make them durable.  On failure
 * the file is cut back to what was durable, so that a retry cannot write
 * a record twice; if even that fails, its state is unknown and the spool
 * refuses further writes.
 */
static int
spool_flush(struct spool *sp, struct spool_seg *sg)
{
	char		 name[SPOOL_NAMELEN];
	const char	*p = sp->sp_wbuf + sp->sp_woff;
	size_t		 len = (size_t)(sg->sg_size - sg->sg_dsize), off = 0;
	ssize_t		 n;
	int		 flags;

	spool_segname(name, sizeof(name), sg->sg_first);
	if (sp->sp_wfd == -1 || sp->sp_wseg != sg->sg_first) {
		if (sp->sp_wfd != -1)
			close(sp->sp_wfd);
		flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW;
		/* A file of that name can only be a failed earlier try. */
		if (!sg->sg_created)
			flags |= O_CREAT | O_TRUNC;
		if ((sp->sp_wfd = openat(sp->sp_dirfd, name, flags, 0640)) ==
		    -1) {
			spool_err(sp, "%s", name);
			return (-1);
		}
		sp->sp_wseg = sg->sg_first;
	}
	while (off < len) {
		if ((n = write(sp->sp_wfd, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			spool_err(sp, "%s: write", name);
			goto fail;
		}
		off += (size_t)n;
	}
	if (fdatasync(sp->sp_wfd) == -1) {
		spool_err(sp, "%s: fdatasync", name);
		goto fail;
	}
	if (!sg->sg_created) {
		if (fsync(sp->sp_dirfd) == -1) {
			spool_err(sp, "fsync directory");
			goto fail;
		}
		sg->sg_created = 1;
	}
	sg->sg_dsize = sg->sg_size;
	sp->sp_woff += len;
	sp->sp_synced = sg->sg_last;
	return (0);
 fail:
	/*
	 * After a failed fdatasync the kernel may have dropped the pages;
	 * writing them again is the only way to know they are on disk.
	 */
	if (ftruncate(sp->sp_wfd, (off_t)sg->sg_dsize) == -1)
		sp->sp_broken = 1;
	return (-1);
}

int
spool_sync(struct spool *sp)
{
	char	 name[SPOOL_NAMELEN];
	size_t	 i;

	if (sp->sp_broken)
		return (-1);
	/* In order: a segment is durable before the next one exists. */
	for (i = 0; i < sp->sp_nsegs; i++)
		if (sp->sp_segs[i].sg_dsize < sp->sp_segs[i].sg_size &&
		    spool_flush(sp, &sp->sp_segs[i]) == -1)
			return (-1);
	sp->sp_woff = sp->sp_wlen = 0;
	if (sp->sp_wcap > SPOOL_WBUF_KEEP) {
		/* A burst is over; do not keep its memory forever. */
		free(sp->sp_wbuf);
		sp->sp_wbuf = NULL;
		sp->sp_wcap = 0;
	}
	for (i = 0; i < sp->sp_ndoomed; i++) {
		spool_segname(name, sizeof(name), sp->sp_doomed[i]);
		if (unlinkat(sp->sp_dirfd, name, 0) == -1 && errno != ENOENT) {
			spool_err(sp, "unlink %s", name);
			memmove(sp->sp_doomed, sp->sp_doomed + i,
			    (sp->sp_ndoomed - i) * sizeof(*sp->sp_doomed));
			sp->sp_ndoomed -= i;
			return (-1);
		}
		sp->sp_dirty = 1;
	}
	sp->sp_ndoomed = 0;
	if (sp->sp_dirty) {
		if (fsync(sp->sp_dirfd) == -1) {
			spool_err(sp, "fsync directory");
			return (-1);
		}
		sp->sp_dirty = 0;
	}
	return (0);
}

int
spool_ack(struct spool *sp, uint64_t seq)
{
	char	 name[SPOOL_NAMELEN], buf[SPOOL_DIGITS + 1];
	size_t	 len;

	if (seq <= sp->sp_acked)
		return (0);
	if (seq > sp->sp_synced) {
		spool_errx(sp, "ack of %" PRIu64 " beyond the last synced "
		    "record %" PRIu64, seq, sp->sp_synced);
		return (-1);
	}
	sp->sp_acked = seq;
	/* The newest file on disk stays: it carries the numbering. */
	while (sp->sp_nsegs > 1 && sp->sp_segs[0].sg_last <= seq &&
	    sp->sp_segs[1].sg_created) {
		spool_segname(name, sizeof(name), sp->sp_segs[0].sg_first);
		if (unlinkat(sp->sp_dirfd, name, 0) == -1 && errno != ENOENT) {
			spool_err(sp, "unlink %s", name);
			return (-1);
		}
		spool_forget(sp);
		sp->sp_dirty = 1;
	}
	len = spool_u64fmt(buf, seq);
	buf[len++] = '\n';
	return (spool_putfile(sp, SPOOL_ACKED, SPOOL_ACKED_TMP, buf, len, 0));
}

static void
spool_rd_reset(struct spool_rd *rd, uint64_t first)
{
	if (rd->rd_fd != -1)
		close(rd->rd_fd);
	rd->rd_fd = -1;
	rd->rd_seg = first;
	rd->rd_expect = first;
	rd->rd_off = 0;
	rd->rd_pos = rd->rd_len = 0;
}

/*
 * The next whole record of sg below its synced size, not consumed: 1, or
 * 0 at the end, or -1 if the file is damaged or unreadable.
 */
static int
spool_rd_next(struct spool *sp, struct spool_rd *rd,
    const struct spool_seg *sg, struct spool_rec *rec)
{
	char		 name[SPOOL_NAMELEN];
	char		*p, *q, *nl = NULL;
	size_t		 have, want;
	uint64_t	 end, seq, d;
	ssize_t		 n;

	for (;;) {
		p = rd->rd_buf + rd->rd_pos;
		have = rd->rd_len - rd->rd_pos;
		if (have > 0 && (nl = memchr(p, '\n', have)) != NULL)
			break;
		end = rd->rd_off + rd->rd_len;
		if (end >= sg->sg_dsize) {
			if (have == 0)
				return (0);
			spool_segname(name, sizeof(name), sg->sg_first);
			spool_errx(sp, "%s: offset %" PRIu64 ": record cut "
			    "short", name, rd->rd_off + rd->rd_pos);
			return (-1);
		}
		if (rd->rd_pos > 0) {
			memmove(rd->rd_buf, p, have);
			rd->rd_off += rd->rd_pos;
			rd->rd_pos = 0;
			rd->rd_len = have;
		}
		if (rd->rd_len == SPOOL_RDBUF) {
			spool_segname(name, sizeof(name), sg->sg_first);
			spool_errx(sp, "%s: offset %" PRIu64 ": record too "
			    "long", name, rd->rd_off);
			return (-1);
		}
		if (rd->rd_fd == -1) {
			spool_segname(name, sizeof(name), sg->sg_first);
			if ((rd->rd_fd = openat(sp->sp_dirfd, name, O_RDONLY |
			    O_CLOEXEC | O_NOFOLLOW)) == -1) {
				spool_err(sp, "%s", name);
				return (-1);
			}
		}
		want = SPOOL_RDBUF - rd->rd_len;
		if (want > sg->sg_dsize - end)
			want = (size_t)(sg->sg_dsize - end);
		if ((n = pread(rd->rd_fd, rd->rd_buf + rd->rd_len, want,
		    (off_t)end)) == -1) {
			if (errno == EINTR)
				continue;
			spool_segname(name, sizeof(name), sg->sg_first);
			spool_err(sp, "%s: read", name);
			return (-1);
		}
		if (n == 0) {
			spool_segname(name, sizeof(name), sg->sg_first);
			spool_errx(sp, "%s: shorter than %" PRIu64 " bytes",
			    name, sg->sg_dsize);
			return (-1);
		}
		rd->rd_len += (size_t)n;
	}

	seq = 0;
	for (q = p; q < nl && *q >= '0' && *q <= '9'; q++) {
		d = (uint64_t)(*q - '0');
		if (seq > (UINT64_MAX - d) / 10)
			goto bad;
		seq = seq * 10 + d;
	}
	if (q == p || *p == '0' || q == nl || *q != ' ' || q + 1 == nl ||
	    (size_t)(nl - q - 1) > SPOOL_JSON_MAX)
		goto bad;
	rec->rc_seq = seq;
	rec->rc_json = q + 1;
	rec->rc_len = (size_t)(nl - q - 1);
	rec->rc_size = (size_t)(nl - p) + 1;
	return (1);
 bad:
	spool_segname(name, sizeof(name), sg->sg_first);
	spool_errx(sp, "%s: offset %" PRIu64 ": malformed record", name,
	    rd->rd_off + rd->rd_pos);
	return (-1);
}

/* Index of the segment named first, or -1 if it is gone. */
static ssize_t
spool_find(const struct spool *sp, uint64_t first)
{
	size_t	 lo = 0, hi = sp->sp_nsegs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sp->sp_segs[mid].sg_first == first)
			return ((ssize_t)mid);
		if (sp->sp_segs[mid].sg_first < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (-1);
}

int
spool_read(struct spool *sp, uint64_t from, spool_cb cb, void *arg,
    size_t max_records, size_t max_bytes, uint64_t *next)
{
	struct spool_rd		*rd = &sp->sp_rd;
	struct spool_rec	 rec;
	struct spool_seg	*sg;
	size_t			 i, lo, hi, mid, n = 0, bytes = 0;
	ssize_t			 idx = -1;
	int			 r;

	if (from == 0)
		from = 1;
	if (from > sp->sp_last + 1) {
		spool_errx(sp, "read from %" PRIu64 " beyond the last record %"
		    PRIu64, from, sp->sp_last);
		return (-1);
	}
	if (max_records == 0 || max_records > INT_MAX)
		max_records = INT_MAX;

	/*
	 * Carry on where the last call stopped if the caller asks for that;
	 * otherwise (a reconnect, a resend) find the segment again and skip
	 * up to from within it.
	 */
	if (sp->sp_rvalid && from == sp->sp_rnext)
		idx = spool_find(sp, rd->rd_seg);
	if (idx == -1) {
		lo = 0;
		hi = sp->sp_nsegs;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (sp->sp_segs[mid].sg_first <= from)
				lo = mid + 1;
			else
				hi = mid;
		}
		/* lo segments start at or before from; else the oldest. */
		idx = lo > 0 ? (ssize_t)lo - 1 : 0;
		spool_rd_reset(rd, sp->sp_segs[idx].sg_first);
		sp->sp_rnext = from;
		sp->sp_rvalid = 1;
	}
	i = (size_t)idx;

	while (n < max_records) {
		sg = &sp->sp_segs[i];
		if ((r = spool_rd_next(sp, rd, sg, &rec)) == -1)
			goto fail;
		if (r == 0) {
			/*
			 * Move on only once this segment is complete and
			 * the next one has reached the disk.
			 */
			if (sg->sg_dsize < sg->sg_size ||
			    i + 1 == sp->sp_nsegs ||
			    !sp->sp_segs[i + 1].sg_created)
				break;
			spool_rd_reset(rd, sp->sp_segs[++i].sg_first);
			continue;
		}
		if (rec.rc_seq != rd->rd_expect) {
			spool_errx(sp, "segment %" PRIu64 ": seq %" PRIu64
			    " where %" PRIu64 " belongs", sg->sg_first,
			    rec.rc_seq, rd->rd_expect);
			goto fail;
		}
		if (rec.rc_seq < from) {
			rd->rd_pos += rec.rc_size;
			rd->rd_expect++;
			continue;
		}
		if (max_bytes != 0 && n > 0 && bytes + rec.rc_len > max_bytes)
			break;
		rec.rc_json[rec.rc_len] = '\0';
		r = cb(arg, rec.rc_seq, rec.rc_json, rec.rc_len);
		rec.rc_json[rec.rc_len] = '\n';
		if (r != 0) {
			sp->sp_rnext = rec.rc_seq;
			break;
		}
		rd->rd_pos += rec.rc_size;
		rd->rd_expect++;
		sp->sp_rnext = rec.rc_seq + 1;
		bytes += rec.rc_len;
		n++;
	}
	*next = sp->sp_rnext;
	return ((int)n);
 fail:
	spool_rd_reset(rd, 0);
	sp->sp_rvalid = 0;
	return (-1);
}
