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

/* Unit tests for honeyspyd/spool.c: round trips, the cursor, acks, recovery. */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "spool.h"

#define KB		1024ULL
#define MB		(1024ULL * 1024)

struct fixture {
	char	 top[PATH_MAX];		/* from mkdtemp, removed afterwards */
	char	 dir[PATH_MAX + 8];	/* the spool, made by spool_open */
};

/* What a spool_read callback saw; events are derived from their seq. */
struct seen {
	uint64_t	*seqs;
	size_t		 n, cap;
	size_t		 fixed;		/* every event this long; 0: varied */
	uint64_t	 refuse;	/* refuse this seq once; 0: never */
};

static int	 setup(void **);
static int	 teardown(void **);
static int	 rm_one(const char *, const struct stat *, int, struct FTW *);
static size_t	 ev_len(const struct seen *, uint64_t);
static void	 ev_make(char *, size_t, uint64_t);
static uint64_t	 put(struct spool *, struct seen *, size_t);
static int	 collect(void *, uint64_t, const char *, size_t);
static size_t	 read_all(struct spool *, struct seen *, uint64_t, size_t,
		    size_t, uint64_t *);
static size_t	 count_segments(const char *, uint64_t *, uint64_t *,
		    uint64_t *);
static void	 seg_path(char *, size_t, const char *, uint64_t);
static void	 file_append(const char *, const char *, size_t);
static struct spool *open_ok(const char *, uint64_t, uint64_t);

static int
setup(void **state)
{
	struct fixture	*fx;
	const char	*tmp;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return (-1);
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	(void)snprintf(fx->top, sizeof(fx->top), "%s/test_spool.XXXXXX", tmp);
	if (mkdtemp(fx->top) == NULL) {
		free(fx);
		return (-1);
	}
	(void)snprintf(fx->dir, sizeof(fx->dir), "%s/spool", fx->top);
	*state = fx;
	return (0);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	int		 rc;

	rc = nftw(fx->top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return (rc);
}

static size_t
ev_len(const struct seen *s, uint64_t seq)
{
	if (s->fixed != 0)
		return (s->fixed);
	return (40 + (size_t)((seq * 7919) % 500));
}

/* {"seq":N,"p":"ccc..."} exactly len bytes, the filler chosen by seq. */
static void
ev_make(char *buf, size_t len, uint64_t seq)
{
	int	 n;

	n = snprintf(buf, len + 1, "{\"seq\":%" PRIu64 ",\"p\":\"", seq);
	assert_true(n > 0 && (size_t)n + 2 <= len);
	memset(buf + n, 'a' + (int)(seq % 26), len - 2 - (size_t)n);
	buf[len - 2] = '"';
	buf[len - 1] = '}';
	buf[len] = '\0';
}

/* Append n events; returns the last seq. */
static uint64_t
put(struct spool *sp, struct seen *s, size_t n)
{
	char		*buf;
	uint64_t	 seq = 0, want;
	size_t		 i;

	assert_non_null(buf = malloc(SPOOL_JSON_MAX + 1));
	for (i = 0; i < n; i++) {
		want = spool_last(sp) + 1;
		ev_make(buf, ev_len(s, want), want);
		seq = spool_append(sp, buf, ev_len(s, want));
		assert_int_equal(seq, want);
	}
	free(buf);
	return (seq);
}

static int
collect(void *arg, uint64_t seq, const char *json, size_t len)
{
	struct seen	*s = arg;
	char		*buf;

	if (s->refuse == seq) {
		s->refuse = 0;
		return (1);
	}
	assert_int_equal(len, ev_len(s, seq));
	assert_int_equal(json[len], '\0');
	assert_non_null(buf = malloc(len + 1));
	ev_make(buf, len, seq);
	assert_memory_equal(json, buf, len + 1);
	free(buf);
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		assert_non_null(s->seqs = reallocarray(s->seqs, s->cap,
		    sizeof(*s->seqs)));
	}
	s->seqs[s->n++] = seq;
	return (0);
}

/* Read everything from from on in chunks; checks the order. */
static size_t
read_all(struct spool *sp, struct seen *s, uint64_t from, size_t chunk,
    size_t max_bytes, uint64_t *next)
{
	size_t	 start = s->n, i;
	int	 r;

	*next = from;
	do {
		r = spool_read(sp, *next, collect, s, chunk, max_bytes, next);
		assert_true(r >= 0);
		if (chunk != 0)
			assert_true((size_t)r <= chunk);
	} while (r > 0);
	for (i = start + 1; i < s->n; i++)
		assert_int_equal(s->seqs[i], s->seqs[i - 1] + 1);
	return (s->n - start);
}

static void
seg_path(char *buf, size_t len, const char *dir, uint64_t first)
{
	(void)snprintf(buf, len, "%s/%020" PRIu64 ".spool", dir, first);
}

/* Segment files in dir: count, bytes, lowest and highest first seq. */
static size_t
count_segments(const char *dir, uint64_t *bytes, uint64_t *lo, uint64_t *hi)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 path[PATH_MAX * 2];
	uint64_t	 v;
	size_t		 n = 0;

	*bytes = 0;
	*lo = UINT64_MAX;
	*hi = 0;
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != 26 ||
		    strcmp(de->d_name + 20, ".spool") != 0 ||
		    strspn(de->d_name, "0123456789") != 20)
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(lstat(path, &st), 0);
		if (!S_ISREG(st.st_mode))
			continue;
		v = strtoull(de->d_name, NULL, 10);
		if (v == 0)
			continue;
		*bytes += (uint64_t)st.st_size;
		if (v < *lo)
			*lo = v;
		if (v > *hi)
			*hi = v;
		n++;
	}
	closedir(d);
	return (n);
}

static void
file_append(const char *path, const char *data, size_t len)
{
	int	 fd;

	assert_true((fd = open(path, O_WRONLY | O_APPEND)) != -1);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static struct spool *
open_ok(const char *dir, uint64_t max, uint64_t seg)
{
	struct spool	*sp;
	char		 err[256];

	if (spool_open(&sp, dir, max, seg, err, sizeof(err)) == -1)
		fail_msg("spool_open: %s", err);
	return (sp);
}

static void
test_roundtrip(void **state)
{
	struct fixture	*fx = *state;
	struct spool	*sp;
	struct seen	 s = { 0 };
	struct stat	 st;
	char		 path[PATH_MAX * 2], line[64];
	uint64_t	 next;
	FILE		*f;
	size_t		 i;

	sp = open_ok(fx->dir, 0, 0);
	assert_int_equal(stat(fx->dir, &st), 0);
	/* 0750 less the umask: never writable or readable by others. */
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0727, 0700);
	assert_int_equal(strlen(spool_epoch(sp)), SPOOL_EPOCH_LEN);
	assert_int_equal(strspn(spool_epoch(sp), "0123456789abcdef"),
	    SPOOL_EPOCH_LEN);
	assert_int_equal(spool_last(sp), 0);
	assert_int_equal(spool_acked(sp), 0);

	/* Bad events are refused and take no number. */
	assert_int_equal(spool_append(sp, "", 0), 0);
	assert_int_equal(spool_append(sp, "{\"a\":\n1}", 8), 0);
	assert_true(strlen(spool_error(sp)) > 0);
	assert_int_equal(spool_append(sp, "{\"a\":\0}", 7), 0);
	assert_int_equal(spool_append(sp, "{\"a\":\x80}", 7), 0);
	assert_int_equal(spool_last(sp), 0);

	assert_int_equal(put(sp, &s, 100), 100);
	/* Not synced: invisible. */
	assert_int_equal(spool_read(sp, 1, collect, &s, 0, 0, &next), 0);
	assert_int_equal(next, 1);
	assert_int_equal(spool_synced(sp), 0);
	assert_int_equal(spool_sync(sp), 0);
	assert_int_equal(spool_synced(sp), 100);
	assert_int_equal(read_all(sp, &s, 1, 0, 0, &next), 100);
	assert_int_equal(s.seqs[0], 1);
	assert_int_equal(next, 101);
	/* Reading from an earlier point again works (a resend). */
	assert_int_equal(read_all(sp, &s, 42, 0, 0, &next), 59);
	assert_int_equal(s.seqs[100], 42);
	/* Caught up: nothing, and from stays. */
	assert_int_equal(spool_read(sp, 101, collect, &s, 0, 0, &next), 0);
	assert_int_equal(next, 101);
	assert_int_equal(spool_read(sp, 102, collect, &s, 0, 0, &next), -1);

	/* Operators can grep it. */
	seg_path(path, sizeof(path), fx->dir, 1);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(strncmp(line, "1 {\"seq\":1,\"p\":\"bbb", 19), 0);
	fclose(f);

	/* Unsynced appends die with the process, their numbers with them. */
	put(sp, &s, 3);
	spool_close(sp);
	sp = open_ok(fx->dir, 0, 0);
	assert_int_equal(spool_last(sp), 100);
	assert_int_equal(put(sp, &s, 1), 101);
	assert_int_equal(spool_sync(sp), 0);
	s.n = 0;
	assert_int_equal(read_all(sp, &s, 1, 0, 0, &next), 101);
	for (i = 0; i < s.n; i++)
		assert_int_equal(s.seqs[i], i + 1);
	spool_close(sp);
	free(s.seqs);
}

/* Small chunks through many segments, with appends in between. */
static void
test_cursor(void **state)
{
	struct fixture	*fx = *state;
	struct spool	*sp;
	struct seen	 s = { 0 };
	uint64_t	 next, bytes, lo, hi;
	size_t		 round, i;
	int		 r;

	sp = open_ok(fx->dir, 0, SPOOL_SEGMENT_MIN);
	next = 1;
	for (round = 0; round < 20; round++) {
		put(sp, &s, 50 + round);
		assert_int_equal(spool_sync(sp), 0);
		for (;;) {
			r = spool_read(sp, next, collect, &s, 7, 0, &next);
			assert_true(r >= 0 && r <= 7);
			if (r == 0)
				break;
		}
		assert_int_equal(next, spool_last(sp) + 1);
	}
	assert_int_equal(s.n, spool_last(sp));
	for (i = 0; i < s.n; i++)
		assert_int_equal(s.seqs[i], i + 1);
	/* That crossed many segment boundaries. */
	assert_true(count_segments(fx->dir, &bytes, &lo, &hi) > 20);
	assert_int_equal(lo, 1);

	/* max_bytes: stop before passing it, but never deliver nothing. */
	s.n = 0;
	r = spool_read(sp, 1, collect, &s, 0, 1, &next);
	assert_int_equal(r, 1);
	assert_int_equal(next, 2);
	r = spool_read(sp, next, collect, &s, 0, 1200, &next);
	assert_true(r >= 2 && r <= 30);
	bytes = 0;
	for (i = 1; i < s.n; i++)
		bytes += ev_len(&s, s.seqs[i]);
	assert_true(bytes <= 1200);
	assert_true(bytes + ev_len(&s, next) > 1200);

	/* A refused record stops the read and comes first next time. */
	s.n = 0;
	s.refuse = 5;
	assert_int_equal(spool_read(sp, 1, collect, &s, 10, 0, &next), 4);
	assert_int_equal(next, 5);
	assert_int_equal(spool_read(sp, next, collect, &s, 10, 0, &next), 10);
	assert_int_equal(next, 15);
	for (i = 0; i < s.n; i++)
		assert_int_equal(s.seqs[i], i + 1);

	/* A random jump backwards, then on from there. */
	s.n = 0;
	assert_int_equal(read_all(sp, &s, 333, 11, 0, &next),
	    spool_last(sp) - 333 + 1);
	assert_int_equal(s.seqs[0], 333);
	spool_close(sp);
	free(s.seqs);
}

static void
test_ack(void **state)
{
	struct fixture	*fx = *state;
	struct spool	*sp;
	struct seen	 s = { 0 };
	char		 path[PATH_MAX * 2], buf[64];
	uint64_t	 next, bytes, lo, hi, lo2, n;
	size_t		 nseg;
	FILE		*f;

	sp = open_ok(fx->dir, 0, SPOOL_SEGMENT_MIN);
	put(sp, &s, 500);
	assert_int_equal(spool_sync(sp), 0);
	nseg = count_segments(fx->dir, &bytes, &lo, &hi);
	assert_true(nseg > 10);

	/* Part way: the oldest file left holds the first unacked record. */
	assert_int_equal(spool_ack(sp, 250), 0);
	assert_int_equal(spool_acked(sp), 250);
	assert_true(count_segments(fx->dir, &bytes, &lo, &hi) < nseg);
	assert_true(lo > 1 && lo <= 251);
	s.n = 0;
	assert_int_equal(spool_read(sp, lo, collect, &s, 0, 0, &next),
	    500 - lo + 1);
	/* Reading from a trimmed seq starts at the oldest one left. */
	s.n = 0;
	assert_int_equal(read_all(sp, &s, 1, 0, 0, &next), 500 - lo + 1);
	assert_int_equal(s.seqs[0], lo);
	(void)snprintf(path, sizeof(path), "%s/acked", fx->dir);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "250\n");

	/* Old and repeated acks are ignored, acks from the future refused. */
	assert_int_equal(spool_ack(sp, 100), 0);
	assert_int_equal(spool_ack(sp, 250), 0);
	assert_int_equal(spool_acked(sp), 250);
	assert_int_equal(spool_ack(sp, 501), -1);
	assert_non_null(strstr(spool_error(sp), "501"));

	/*
	 * A cursor in a segment that an ack removes: the master may ack
	 * what an earlier connection delivered while we resend.
	 */
	s.n = 0;
	assert_int_equal(spool_read(sp, lo, collect, &s, 3, 0, &next), 3);
	assert_int_equal(spool_ack(sp, 400), 0);
	count_segments(fx->dir, &bytes, &lo2, &hi);
	assert_true(lo2 > lo + 3 && lo2 <= 401);
	assert_int_equal(read_all(sp, &s, next, 5, 0, &next), 500 - lo2 + 1);
	assert_int_equal(s.seqs[3], lo2);

	put(sp, &s, 5);
	/* Appended but not synced: the master cannot have it. */
	assert_int_equal(spool_ack(sp, 503), -1);
	assert_int_equal(spool_sync(sp), 0);
	assert_int_equal(spool_ack(sp, 503), 0);

	/* Everything acked: one file left, and it keeps the numbering. */
	assert_int_equal(spool_ack(sp, 505), 0);
	assert_int_equal(count_segments(fx->dir, &bytes, &lo, &hi), 1);
	spool_close(sp);
	sp = open_ok(fx->dir, 0, SPOOL_SEGMENT_MIN);
	assert_int_equal(spool_last(sp), 505);
	assert_int_equal(spool_acked(sp), 505);
	assert_int_equal(put(sp, &s, 1), 506);
	assert_int_equal(spool_sync(sp), 0);
	s.n = 0;
	assert_int_equal(spool_read(sp, 506, collect, &s, 0, 0, &next), 1);
	assert_int_equal(s.seqs[0], 506);

	/* Many rounds of full acks never lose the count either. */
	for (n = 0; n < 30; n++) {
		put(sp, &s, 20);
		assert_int_equal(spool_sync(sp), 0);
		assert_int_equal(spool_ack(sp, spool_last(sp)), 0);
		if (n % 10 == 9) {
			spool_close(sp);
			sp = open_ok(fx->dir, 0, SPOOL_SEGMENT_MIN);
		}
	}
	assert_int_equal(spool_last(sp), 506 + 600);
	assert_true(count_segments(fx->dir, &bytes, &lo, &hi) <= 2);
	spool_close(sp);
	free(s.seqs);
}

static void
test_torn(void **state)
{
	struct fixture	*fx = *state;
	struct spool	*sp;
	struct seen	 s = { 0 };
	struct stat	 st, st2;
	char		 path[PATH_MAX * 2], err[256], *zeros;
	uint64_t	 next, bytes, lo, hi;
	int		 fd;

	sp = open_ok(fx->dir, 0, SPOOL_SEGMENT_MIN);
	put(sp, &s, 100);
	assert_int_equal(spool_sync(sp), 0);
	spool_close(sp);
	count_segments(fx->dir, &bytes, &lo, &hi);
	assert_true(hi > 1);
	seg_path(path, sizeof(path), fx->dir, hi);
	assert_int_equal(stat(path, &st), 0);

	/* Died half way through writing record 101. */
	file_append(path, "101 {\"seq\":101,\"p\":\"xx", 22);
	sp = open_ok(fx->dir, 0, SPOOL_SEGMENT_MIN);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st2.st_size, st.st_size);
	assert_int_equal(spool_last(sp), 100);
	assert_int_equal(put(sp, &s, 1), 101);
	assert_int_equal(spool_sync(sp), 0);
	assert_int_equal(read_all(sp, &s, 1, 0, 0, &next), 101);
	spool_close(sp);

	/* A tail of zeros (a power cut) longer than the read buffer. */
	assert_int_equal(stat(path, &st), 0);
	assert_non_null(zeros = calloc(1, 300 * KB));
	file_append(path, zeros, 300 * KB);
	free(zeros);
	sp = open_ok(fx->dir, 0, SPOOL_SEGMENT_MIN);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st2.st_size, st.st_size);
	assert_int_equal(spool_last(sp), 101);
	spool_close(sp);

	/* A newest segment that is nothing but a torn record. */
	sp = open_ok(fx->dir, 0, SPOOL_SEGMENT_MIN);
	put(sp, &s, 60);
	assert_int_equal(spool_sync(sp), 0);
	spool_close(sp);
	count_segments(fx->dir, &bytes, &lo, &hi);
	seg_path(path, sizeof(path), fx->dir, 162);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0640)) !=
	    -1);
	assert_int_equal(write(fd, "162 {\"a", 7), 7);
	close(fd);
	sp = open_ok(fx->dir, 0, SPOOL_SEGMENT_MIN);
	assert_int_equal(spool_last(sp), 161);
	assert_int_equal(put(sp, &s, 1), 162);
	assert_int_equal(spool_sync(sp), 0);
	s.n = 0;
	assert_int_equal(read_all(sp, &s, 150, 0, 0, &next), 13);
	spool_close(sp);

	/* Damage elsewhere is not guessed around. */
	seg_path(path, sizeof(path), fx->dir, lo);
	file_append(path, "7 {\"late\":1}\n", 13);
	assert_int_equal(spool_open(&sp, fx->dir, 0, SPOOL_SEGMENT_MIN, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "belongs"));
	assert_int_equal(truncate(path, 0), 0);
	file_append(path, "junk\n", 5);
	assert_int_equal(spool_open(&sp, fx->dir, 0, SPOOL_SEGMENT_MIN, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "malformed"));
	free(s.seqs);
}

static void
test_bound(void **state)
{
	struct fixture	*fx = *state;
	struct spool	*sp;
	struct seen	 s = { .fixed = 300 };
	char		 err[256];
	uint64_t	 next, bytes, lo, hi, total = 0, acked;
	size_t		 i;

	assert_int_equal(spool_open(&sp, fx->dir, MB - 1, 0, err,
	    sizeof(err)), -1);
	assert_int_equal(spool_open(&sp, fx->dir, 0, 100, err,
	    sizeof(err)), -1);

	/* The segment size drops to a quarter of the bound. */
	sp = open_ok(fx->dir, MB, 0);
	for (i = 0; i < 100; i++) {
		put(sp, &s, 100);
		assert_int_equal(spool_sync(sp), 0);
		count_segments(fx->dir, &bytes, &lo, &hi);
		assert_true(bytes <= MB);
		total += spool_take_lost(sp);
	}
	assert_int_equal(spool_take_lost(sp), 0);
	/* Nothing was acked, so everything before the oldest file is lost. */
	assert_true(lo > 1);
	assert_int_equal(total, lo - 1);
	assert_true(bytes > MB / 2);
	assert_true(count_segments(fx->dir, &bytes, &lo, &hi) <= 5);

	/* From a lost seq, reading starts at the oldest record left. */
	assert_int_equal(read_all(sp, &s, 1, 100, 0, &next),
	    spool_last(sp) - lo + 1);
	assert_int_equal(s.seqs[0], lo);

	/* Acknowledged records are not counted as lost. */
	acked = spool_last(sp) - 100;
	assert_int_equal(spool_ack(sp, acked), 0);
	put(sp, &s, 4000);
	assert_int_equal(spool_sync(sp), 0);
	count_segments(fx->dir, &bytes, &lo, &hi);
	assert_true(bytes <= MB);
	assert_true(lo > acked + 1);
	assert_int_equal(spool_take_lost(sp), lo - acked - 1);

	/* A batch larger than the bound: only its newest part stays. */
	put(sp, &s, 10000);
	assert_true(spool_take_lost(sp) > 0);
	assert_int_equal(spool_sync(sp), 0);
	count_segments(fx->dir, &bytes, &lo, &hi);
	assert_true(bytes <= MB);
	s.n = 0;
	assert_int_equal(read_all(sp, &s, acked, 0, 0, &next),
	    spool_last(sp) - lo + 1);
	assert_int_equal(next, spool_last(sp) + 1);
	spool_close(sp);

	/* And the numbering survives all that. */
	sp = open_ok(fx->dir, MB, 0);
	assert_int_equal(spool_last(sp), next - 1);
	spool_close(sp);
	free(s.seqs);
}

static void
test_epoch(void **state)
{
	struct fixture	*fx = *state;
	struct spool	*sp, *sp2;
	struct seen	 s = { 0 };
	char		 epoch[SPOOL_EPOCH_LEN + 1], path[PATH_MAX * 2];
	char		 err[256], buf[64];
	uint64_t	 bytes, lo, hi;
	FILE		*f;

	sp = open_ok(fx->dir, 0, 0);
	(void)strlcpy(epoch, spool_epoch(sp), sizeof(epoch));
	put(sp, &s, 10);
	assert_int_equal(spool_sync(sp), 0);

	/* One process at a time. */
	assert_int_equal(spool_open(&sp2, fx->dir, 0, 0, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "in use"));
	spool_close(sp);

	sp = open_ok(fx->dir, 0, 0);
	assert_string_equal(spool_epoch(sp), epoch);
	spool_close(sp);
	(void)snprintf(path, sizeof(path), "%s/epoch", fx->dir);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_int_equal(strlen(buf), SPOOL_EPOCH_LEN + 1);
	assert_int_equal(strncmp(buf, epoch, SPOOL_EPOCH_LEN), 0);

	/* Segments removed by hand: the numbering restarts, in a new epoch. */
	count_segments(fx->dir, &bytes, &lo, &hi);
	seg_path(path, sizeof(path), fx->dir, lo);
	assert_int_equal(unlink(path), 0);
	sp = open_ok(fx->dir, 0, 0);
	assert_string_not_equal(spool_epoch(sp), epoch);
	assert_int_equal(spool_last(sp), 0);
	assert_int_equal(spool_acked(sp), 0);
	(void)strlcpy(epoch, spool_epoch(sp), sizeof(epoch));
	spool_close(sp);
	sp = open_ok(fx->dir, 0, 0);
	assert_string_equal(spool_epoch(sp), epoch);
	spool_close(sp);

	/* A mangled epoch is not replaced behind the operator's back. */
	(void)snprintf(path, sizeof(path), "%s/epoch", fx->dir);
	assert_int_equal(truncate(path, 10), 0);
	assert_int_equal(spool_open(&sp, fx->dir, 0, 0, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "epoch"));
	free(s.seqs);
}

static void
test_junk(void **state)
{
	struct fixture	*fx = *state;
	struct spool	*sp;
	struct seen	 s = { 0 };
	static const char *const junk[] = {
		"README", "00000000000000000001.spool.bak", "123.spool",
		"00000000000000000000.spool", "99999999999999999999.spool",
		"epoch.old", "0000000000000000000x.spool",
	};
	char		 path[PATH_MAX * 2];
	uint64_t	 next, bytes, lo, hi;
	size_t		 i;
	int		 fd;

	assert_int_equal(mkdir(fx->dir, 0700), 0);
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", fx->dir, junk[i]);
		assert_true((fd = open(path, O_WRONLY | O_CREAT, 0600)) != -1);
		assert_int_equal(write(fd, "x y\nnot a record", 16), 16);
		close(fd);
	}
	/* Named like segments but not plain files. */
	(void)snprintf(path, sizeof(path), "%s/00000000000000000050.spool",
	    fx->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	(void)snprintf(path, sizeof(path), "%s/00000000000000000060.spool",
	    fx->dir);
	assert_int_equal(symlink("README", path), 0);

	sp = open_ok(fx->dir, 0, SPOOL_SEGMENT_MIN);
	put(sp, &s, 200);
	assert_int_equal(spool_sync(sp), 0);
	assert_int_equal(spool_ack(sp, 150), 0);
	spool_close(sp);
	sp = open_ok(fx->dir, 0, SPOOL_SEGMENT_MIN);
	assert_int_equal(spool_last(sp), 200);
	assert_int_equal(read_all(sp, &s, 151, 0, 0, &next), 50);
	spool_close(sp);
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", fx->dir, junk[i]);
		assert_int_equal(access(path, F_OK), 0);
	}
	count_segments(fx->dir, &bytes, &lo, &hi);
	assert_true(lo > 1);
	free(s.seqs);
}

static void
test_big(void **state)
{
	struct fixture	*fx = *state;
	struct spool	*sp;
	struct seen	 s = { .fixed = SPOOL_JSON_MAX };
	char		*buf, path[PATH_MAX * 2];
	uint64_t	 next, bytes, lo, hi;
	size_t		 i;
	int		 r;

	sp = open_ok(fx->dir, 0, SPOOL_SEGMENT_MIN);
	assert_non_null(buf = malloc(SPOOL_JSON_MAX + 2));
	ev_make(buf, SPOOL_JSON_MAX + 1, 1);
	assert_int_equal(spool_append(sp, buf, SPOOL_JSON_MAX + 1), 0);
	free(buf);
	put(sp, &s, 20);
	assert_int_equal(spool_sync(sp), 0);
	assert_int_equal(count_segments(fx->dir, &bytes, &lo, &hi), 20);
	next = 1;
	for (i = 0; i < 20; i++) {
		r = spool_read(sp, next, collect, &s, 0, 1, &next);
		assert_int_equal(r, 1);
	}
	assert_int_equal(spool_read(sp, next, collect, &s, 0, 1, &next), 0);
	spool_close(sp);

	/* And through recovery, with a torn 64 KiB record at the end. */
	sp = open_ok(fx->dir, 0, 256 * KB);
	put(sp, &s, 7);
	assert_int_equal(spool_sync(sp), 0);
	spool_close(sp);
	count_segments(fx->dir, &bytes, &lo, &hi);
	assert_non_null(buf = malloc(SPOOL_JSON_MAX + 1));
	ev_make(buf, SPOOL_JSON_MAX, 28);
	seg_path(path, sizeof(path), fx->dir, hi);
	file_append(path, "28 ", 3);
	file_append(path, buf, SPOOL_JSON_MAX - 1);
	free(buf);
	sp = open_ok(fx->dir, 0, 256 * KB);
	assert_int_equal(spool_last(sp), 27);
	s.n = 0;
	assert_int_equal(read_all(sp, &s, 1, 3, 200 * KB, &next), 27);
	spool_close(sp);
	free(s.seqs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_epoch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big, setup, teardown),
	};

	return (cmocka_run_group_tests_name("spool", tests, NULL, NULL));
}
