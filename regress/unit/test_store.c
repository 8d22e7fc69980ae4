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

/* Unit tests for honeyspyd/store.c: the master's SQLite event store. */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include <sqlite3.h>

#include "store.h"

#define T0		1790000000000000LL	/* µs, some day in 2026 */
#define SEC		1000000LL
#define MAXIDS		4096

struct fixture {
	char		 f_dir[PATH_MAX];
	char		 f_path[PATH_MAX];
	struct store	*f_st;
};

/* What a query callback saw. */
struct seen {
	int64_t		 s_ids[MAXIDS];
	size_t		 s_n;
	int		 s_stopat;	/* return 1 at this many, if > 0 */
	char		 s_last[1024];
};

/* What the sensors callback saw. */
struct sensors {
	struct store_sensor	 ss[8];
	char			 features[8][128];
	size_t			 n;
};

static int	 setup(void **);
static int	 teardown(void **);
static int	 add(struct store *, const char *, const char *, int64_t,
		    int64_t, const char *, const char *);
static int	 add_padded(struct store *, const char *, const char *,
		    int64_t, int64_t, const char *, const char *, size_t);
static int	 collect(void *, int64_t, const char *, size_t);
static size_t	 query(struct store *, const struct store_query *,
		    struct seen *);
static int	 sensors_cb(void *, const struct store_sensor *);
static const struct store_sensor *sensor(struct store *, struct sensors *,
		    const char *);
static void	 reopen(struct fixture *);
static void	 raw_exec(const char *, const char *);
static void	 write_file(const char *, const void *, size_t);

static int
setup(void **state)
{
	struct fixture	*f;
	const char	*tmp;
	char		 err[512];

	assert_non_null(f = calloc(1, sizeof(*f)));
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	assert_true((size_t)snprintf(f->f_dir, sizeof(f->f_dir),
	    "%s/test_store.XXXXXX", tmp) < sizeof(f->f_dir));
	if (mkdtemp(f->f_dir) == NULL)
		fail_msg("mkdtemp %s: %s", f->f_dir, strerror(errno));
	assert_true((size_t)snprintf(f->f_path, sizeof(f->f_path),
	    "%s/events.db", f->f_dir) < sizeof(f->f_path));
	(void)umask(022);
	if (store_open(&f->f_st, f->f_path, err, sizeof(err)) == -1)
		fail_msg("store_open: %s", err);
	*state = f;
	return (0);
}

/* Removes everything the test left in its directory, files only. */
static int
teardown(void **state)
{
	struct fixture	*f = *state;
	struct dirent	*de;
	DIR		*d;
	char		 p[PATH_MAX];

	store_close(f->f_st);
	assert_non_null(d = opendir(f->f_dir));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		assert_true((size_t)snprintf(p, sizeof(p), "%s/%s",
		    f->f_dir, de->d_name) < sizeof(p));
		if (unlink(p) == -1 && rmdir(p) == -1)
			fail_msg("remove %s: %s", p, strerror(errno));
	}
	closedir(d);
	if (rmdir(f->f_dir) == -1)
		fail_msg("rmdir %s: %s", f->f_dir, strerror(errno));
	free(f);
	return (0);
}

/* An event shaped like the sensors' own, about 300 bytes. */
static int
add_padded(struct store *st, const char *sensor_name, const char *epoch,
    int64_t seq, int64_t t, const char *eventid, const char *src,
    size_t pad)
{
	struct store_event	 se;
	char			 json[4096], padding[2048];
	int			 n;

	assert_true(pad < sizeof(padding));
	memset(padding, 'x', pad);
	padding[pad] = '\0';
	n = snprintf(json, sizeof(json), "{\"eventid\":\"%s\","
	    "\"time\":%lld,\"sensor\":\"%s\",\"epoch\":\"%s\","
	    "\"seq\":%lld,\"src_ip\":\"%s\",\"src_port\":40522,"
	    "\"dst_ip\":\"192.0.2.10\",\"dst_port\":22,\"protocol\":\"ssh\","
	    "\"session\":\"c0ffee%010lld\",\"pad\":\"%s\"}", eventid,
	    (long long)t, sensor_name, epoch, (long long)seq,
	    src == NULL ? "" : src, (long long)seq, padding);
	assert_true(n > 0 && (size_t)n < sizeof(json));
	memset(&se, 0, sizeof(se));
	se.se_sensor = sensor_name;
	se.se_epoch = epoch;
	se.se_seq = seq;
	se.se_time = t;
	se.se_eventid = eventid;
	se.se_src_ip = src;
	se.se_json = json;
	se.se_jsonlen = (size_t)n;
	return (store_add(st, &se));
}

static int
add(struct store *st, const char *sensor_name, const char *epoch,
    int64_t seq, int64_t t, const char *eventid, const char *src)
{
	return (add_padded(st, sensor_name, epoch, seq, t, eventid, src, 20));
}

static int
collect(void *arg, int64_t id, const char *json, size_t len)
{
	struct seen	*s = arg;

	assert_int_equal(strlen(json), len);
	assert_true(s->s_n < MAXIDS);
	if (s->s_stopat > 0 && s->s_n == (size_t)s->s_stopat)
		return (1);
	s->s_ids[s->s_n++] = id;
	(void)strlcpy(s->s_last, json, sizeof(s->s_last));
	return (0);
}

/* One page into s (cleared first); returns how many came. */
static size_t
query(struct store *st, const struct store_query *sq, struct seen *s)
{
	int64_t	 next;

	memset(s, 0, sizeof(*s));
	if (store_query(st, sq, collect, s, &next) != 0)
		fail_msg("store_query: %s", store_error(st));
	assert_int_equal(next, 0);
	return (s->s_n);
}

static int
sensors_cb(void *arg, const struct store_sensor *ss)
{
	struct sensors	*s = arg;

	assert_true(s->n < sizeof(s->ss) / sizeof(s->ss[0]));
	s->ss[s->n] = *ss;
	if (ss->ss_features != NULL)
		(void)strlcpy(s->features[s->n], ss->ss_features,
		    sizeof(s->features[s->n]));
	s->ss[s->n].ss_features = ss->ss_features == NULL ? NULL :
	    s->features[s->n];
	s->n++;
	return (0);
}

/* Lists all sensors into s and returns the one named, or NULL. */
static const struct store_sensor *
sensor(struct store *st, struct sensors *s, const char *name)
{
	size_t	 i;

	memset(s, 0, sizeof(*s));
	if (store_sensors(st, sensors_cb, s) != 0)
		fail_msg("store_sensors: %s", store_error(st));
	for (i = 0; i < s->n; i++)
		if (strcmp(s->ss[i].ss_name, name) == 0)
			return (&s->ss[i]);
	return (NULL);
}

static void
reopen(struct fixture *f)
{
	char	 err[512];

	store_close(f->f_st);
	f->f_st = NULL;
	if (store_open(&f->f_st, f->f_path, err, sizeof(err)) == -1)
		fail_msg("reopen: %s", err);
}

/* Changes a file behind the store's back, as an operator could. */
static void
raw_exec(const char *path, const char *sql)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void
write_file(const char *path, const void *p, size_t len)
{
	int	 fd;

	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) !=
	    -1);
	assert_int_equal(write(fd, p, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void
test_open_mode(void **state)
{
	struct fixture	*f = *state;
	struct stat	 sb;
	char		 wal[PATH_MAX];

	assert_int_equal(stat(f->f_path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	assert_int_equal(store_begin(f->f_st), 0);
	assert_int_equal(add(f->f_st, "s1", "e1", 1, T0, "a", NULL), 1);
	assert_int_equal(store_commit(f->f_st), 0);
	assert_true((size_t)snprintf(wal, sizeof(wal), "%s-wal", f->f_path) <
	    sizeof(wal));
	assert_int_equal(stat(wal, &sb), 0);	/* WAL mode */
	assert_int_equal(sb.st_mode & 07777, 0640);
}

static void
test_dedup(void **state)
{
	struct fixture		*f = *state;
	struct store		*st = f->f_st;
	struct store_query	 sq;
	struct seen		 s;

	assert_int_equal(store_begin(st), 0);
	assert_int_equal(add(st, "s1", "aa01", 1, T0, "x.y", "203.0.113.1"),
	    1);
	assert_int_equal(add(st, "s1", "aa01", 1, T0, "x.y", "203.0.113.1"),
	    0);
	assert_int_equal(add(st, "s1", "aa01", 2, T0, "x.y", NULL), 1);
	assert_int_equal(store_commit(st), 0);

	assert_int_equal(store_begin(st), 0);
	/* Already committed: still a duplicate, even with other content. */
	assert_int_equal(add(st, "s1", "aa01", 1, T0 + 5, "other", NULL), 0);
	/* A new spool (epoch) starts its numbers again. */
	assert_int_equal(add(st, "s1", "bb02", 1, T0, "x.y", NULL), 1);
	/* Another sensor may use the same epoch and seq. */
	assert_int_equal(add(st, "s2", "aa01", 1, T0, "x.y", NULL), 1);
	/* The master's own events are never duplicates. */
	assert_int_equal(add(st, "master", "", 0, T0, "m", NULL), 1);
	assert_int_equal(add(st, "master", "", 0, T0, "m", NULL), 1);
	assert_int_equal(add(st, "master", "", -1, T0, "m", NULL), 1);
	assert_int_equal(store_commit(st), 0);

	memset(&sq, 0, sizeof(sq));
	assert_int_equal(query(st, &sq, &s), 7);
	/* The first copy stays. */
	memset(&sq, 0, sizeof(sq));
	sq.sq_eventid = "other";
	assert_int_equal(query(st, &sq, &s), 0);
}

static void
test_counts(void **state)
{
	struct fixture			*f = *state;
	struct store			*st = f->f_st;
	struct sensors			 s;
	const struct store_sensor	*ss;
	int				 i;

	assert_int_equal(store_sensor_seen(st, "s1", "198.51.100.2:41234",
	    "capabilities", "{\"capture\":true}", T0), 0);
	assert_int_equal(store_begin(st), 0);
	for (i = 1; i <= 10; i++)
		assert_int_equal(add(st, "s1", "e", i, T0 + i, "a", NULL), 1);
	for (i = 1; i <= 3; i++)
		assert_int_equal(add(st, "s2", "e", i, T0 + i, "a", NULL), 1);
	for (i = 1; i <= 3; i++)	/* duplicates are not counted */
		assert_int_equal(add(st, "s1", "e", i, T0 + i, "a", NULL), 0);
	assert_int_equal(add(st, "s1", "e", 11, T0, "a", NULL), 1);
	/* Nothing counted before the commit. */
	assert_non_null(ss = sensor(st, &s, "s1"));
	assert_int_equal(ss->ss_events, 0);
	assert_int_equal(store_commit(st), 0);

	assert_non_null(ss = sensor(st, &s, "s1"));
	assert_int_equal(ss->ss_events, 11);
	assert_string_equal(ss->ss_mode, "capabilities");
	/* A sensor that sent events before it was registered. */
	assert_non_null(ss = sensor(st, &s, "s2"));
	assert_int_equal(ss->ss_events, 3);
	assert_int_equal(ss->ss_first_seen, 0);
	assert_string_equal(ss->ss_address, "");
	assert_null(ss->ss_features);

	assert_int_equal(store_begin(st), 0);
	assert_int_equal(add(st, "s2", "e", 4, T0, "a", NULL), 1);
	assert_int_equal(store_commit(st), 0);
	assert_non_null(ss = sensor(st, &s, "s2"));
	assert_int_equal(ss->ss_events, 4);
	assert_non_null(ss = sensor(st, &s, "s1"));
	assert_int_equal(ss->ss_events, 11);
}

static void
test_rollback(void **state)
{
	struct fixture			*f = *state;
	struct store			*st = f->f_st;
	struct store_event		 se;
	struct store_query		 sq;
	struct sensors			 s;
	struct seen			 seen;
	const struct store_sensor	*ss;

	assert_int_equal(store_begin(st), 0);
	assert_int_equal(add(st, "s1", "e", 1, T0, "a", NULL), 1);
	assert_int_equal(store_commit(st), 0);

	/* Thrown away by the caller. */
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(add(st, "s1", "e", 2, T0, "a", NULL), 1);
	assert_int_equal(add(st, "s1", "e", 3, T0, "a", NULL), 1);
	store_rollback(st);

	/* Voided by a bad event: commit rolls back and fails. */
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(add(st, "s1", "e", 4, T0, "a", NULL), 1);
	memset(&se, 0, sizeof(se));
	se.se_sensor = "s1";
	se.se_epoch = "e";
	se.se_seq = 5;
	se.se_eventid = "a";
	se.se_json = "{\"a\":\0}";
	se.se_jsonlen = 7;
	assert_int_equal(store_add(st, &se), -1);
	assert_non_null(strstr(store_error(st), "NUL"));
	/* Everything else in the batch is refused now. */
	assert_int_equal(add(st, "s1", "e", 6, T0, "a", NULL), -1);
	assert_int_equal(store_commit(st), -1);
	assert_non_null(strstr(store_error(st), "NUL"));

	memset(&sq, 0, sizeof(sq));
	assert_int_equal(query(st, &sq, &seen), 1);
	assert_non_null(ss = sensor(st, &s, "s1"));
	assert_int_equal(ss->ss_events, 1);

	/* The same seqs are new again, and the counters start afresh. */
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(add(st, "s1", "e", 2, T0, "a", NULL), 1);
	assert_int_equal(add(st, "s1", "e", 4, T0, "a", NULL), 1);
	assert_int_equal(store_commit(st), 0);
	assert_non_null(ss = sensor(st, &s, "s1"));
	assert_int_equal(ss->ss_events, 3);
	assert_int_equal(query(st, &sq, &seen), 3);
}

static void
test_misuse(void **state)
{
	struct fixture		*f = *state;
	struct store		*st = f->f_st;
	struct store_event	 se;
	struct store_query	 sq;
	struct seen		 s;
	int64_t			 next, n;
	char			 longname[STORE_NAME_MAX + 1];

	assert_int_equal(add(st, "s1", "e", 1, T0, "a", NULL), -1);
	assert_non_null(strstr(store_error(st), "no batch"));
	assert_int_equal(store_commit(st), -1);
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_begin(st), -1);
	assert_int_equal(store_expire(st, T0, 0, &n), -1);
	assert_non_null(strstr(store_error(st), "inside a batch"));
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(add(st, longname, "e", 1, T0, "a", NULL), -1);
	assert_non_null(strstr(store_error(st), "longer"));
	store_rollback(st);

	assert_int_equal(store_begin(st), 0);
	memset(&se, 0, sizeof(se));
	se.se_sensor = "s1";
	se.se_epoch = "e";
	se.se_json = "{}";
	se.se_jsonlen = 2;
	assert_int_equal(store_add(st, &se), -1);	/* no eventid */
	assert_int_equal(store_commit(st), -1);

	assert_int_equal(store_sensor_seen(st, longname, NULL, NULL, NULL,
	    T0), -1);
	assert_int_equal(store_sensor_seen(st, "s1", NULL, "far-too-long-mode",
	    NULL, T0), -1);

	memset(&sq, 0, sizeof(sq));
	sq.sq_limit = STORE_QUERY_MAX + 1;
	assert_int_equal(store_query(st, &sq, collect, &s, &next), -1);
	assert_non_null(strstr(store_error(st), "limit"));
	sq.sq_limit = -1;
	assert_int_equal(store_query(st, &sq, collect, &s, &next), -1);
	sq.sq_limit = 0;
	sq.sq_after = -1;
	assert_int_equal(store_query(st, &sq, collect, &s, &next), -1);
	/* Nothing above went in. */
	sq.sq_after = 0;
	assert_int_equal(query(st, &sq, &s), 0);
}

static void
test_query_filters(void **state)
{
	struct fixture		*f = *state;
	struct store		*st = f->f_st;
	struct store_query	 sq;
	struct seen		 s;

	assert_int_equal(store_begin(st), 0);
	assert_int_equal(add(st, "s1", "e", 1, T0, "honeyspy.session.connect",
	    "203.0.113.1"), 1);
	assert_int_equal(add(st, "s1", "e", 2, T0 + 1,
	    "honeyspy.session.closed", "203.0.113.1"), 1);
	assert_int_equal(add(st, "s2", "e", 1, T0 + 2, "honeyspy.session",
	    "203.0.113.2"), 1);
	assert_int_equal(add(st, "s2", "e", 2, T0 + 3, "honeyspy.sessionx",
	    "203.0.113.2"), 1);
	assert_int_equal(add(st, "s2", "e", 3, T0 + 4, "honeyspy.login.failed",
	    "203.0.113.3"), 1);
	assert_int_equal(add(st, "master", "", 0, T0 + 5, "honeyspy.master.up",
	    NULL), 1);
	/* GLOB and LIKE metacharacters must be plain bytes here. */
	assert_int_equal(add(st, "s3", "e", 1, T0 + 6, "we*ird[x]?%_",
	    "2001:db8::1"), 1);
	assert_int_equal(add(st, "s3", "e", 2, T0 + 7, "weXird", NULL), 1);
	assert_int_equal(store_commit(st), 0);

	memset(&sq, 0, sizeof(sq));
	assert_int_equal(query(st, &sq, &s), 8);

	sq.sq_sensor = "s2";
	assert_int_equal(query(st, &sq, &s), 3);
	assert_non_null(strstr(s.s_last, "honeyspy.login.failed"));
	sq.sq_sensor = "nosuch";
	assert_int_equal(query(st, &sq, &s), 0);

	memset(&sq, 0, sizeof(sq));
	sq.sq_src_ip = "203.0.113.1";
	assert_int_equal(query(st, &sq, &s), 2);
	sq.sq_src_ip = "2001:db8::1";
	assert_int_equal(query(st, &sq, &s), 1);

	memset(&sq, 0, sizeof(sq));
	sq.sq_eventid = "honeyspy.session";	/* exact */
	assert_int_equal(query(st, &sq, &s), 1);
	sq.sq_eventid = "honeyspy.session.*";
	assert_int_equal(query(st, &sq, &s), 2);
	sq.sq_eventid = "honeyspy.session*";
	assert_int_equal(query(st, &sq, &s), 4);
	sq.sq_eventid = "honeyspy.*";
	assert_int_equal(query(st, &sq, &s), 6);
	sq.sq_eventid = "*";
	assert_int_equal(query(st, &sq, &s), 8);
	sq.sq_eventid = "we*ird[x]?%_";
	assert_int_equal(query(st, &sq, &s), 1);
	sq.sq_eventid = "we*ird[*";
	assert_int_equal(query(st, &sq, &s), 1);
	sq.sq_eventid = "we*";		/* prefix "we", as a GLOB would be */
	assert_int_equal(query(st, &sq, &s), 2);
	sq.sq_eventid = "we?ird*";
	assert_int_equal(query(st, &sq, &s), 0);
	sq.sq_eventid = "\xff\xff*";	/* no upper bound exists */
	assert_int_equal(query(st, &sq, &s), 0);

	/* Filters combine. */
	memset(&sq, 0, sizeof(sq));
	sq.sq_sensor = "s1";
	sq.sq_eventid = "honeyspy.session.closed";
	sq.sq_src_ip = "203.0.113.1";
	sq.sq_since = T0 + 1;
	sq.sq_until = T0 + 2;
	assert_int_equal(query(st, &sq, &s), 1);
	sq.sq_src_ip = "203.0.113.2";
	assert_int_equal(query(st, &sq, &s), 0);
}

static void
test_query_time(void **state)
{
	struct fixture		*f = *state;
	struct store		*st = f->f_st;
	struct store_query	 sq;
	struct seen		 s;
	int			 i;

	/* Delivered out of time order, as a spool catching up would. */
	assert_int_equal(store_begin(st), 0);
	for (i = 9; i >= 0; i--)
		assert_int_equal(add(st, "s1", "e", 10 - i, T0 + i * SEC, "a",
		    NULL), 1);
	assert_int_equal(store_commit(st), 0);

	memset(&sq, 0, sizeof(sq));
	sq.sq_since = T0 + 2 * SEC;
	assert_int_equal(query(st, &sq, &s), 8);
	sq.sq_since = 0;
	sq.sq_until = T0 + 2 * SEC;	/* exclusive */
	assert_int_equal(query(st, &sq, &s), 2);
	/* Results come in id order, not time order. */
	assert_true(s.s_ids[0] < s.s_ids[1]);
	assert_non_null(strstr(s.s_last, "\"seq\":10,"));
	sq.sq_since = T0 + 3 * SEC;
	sq.sq_until = T0 + 6 * SEC;
	assert_int_equal(query(st, &sq, &s), 3);
	sq.sq_since = T0 + 6 * SEC;
	sq.sq_until = T0 + 3 * SEC;
	assert_int_equal(query(st, &sq, &s), 0);
	sq.sq_since = T0 + 9 * SEC;
	sq.sq_until = 0;
	assert_int_equal(query(st, &sq, &s), 1);
}

/* session= and text=, the newest id, and the overview's figures. */
static void
test_query_session_text_stats(void **state)
{
	struct fixture		*f = *state;
	struct store		*st = f->f_st;
	struct store_query	 sq;
	struct seen		 s;
	json_t			*o, *v;
	int64_t			 last;
	int			 k;

	assert_int_equal(store_last_id(st, &last), 0);
	assert_int_equal(last, 0);
	assert_int_equal(store_begin(st), 0);
	for (k = 1; k <= 30; k++)
		assert_int_equal(add(st, "s1", "e", k, T0 + k * 1000000LL,
		    k % 3 == 0 ? "honeyspy.session.connect" :
		    k % 3 == 1 ? "honeyspy.detect.shellcode" :
		    "honeyspy.host.fingerprint", k % 2 ? "198.51.100.20" :
		    "198.51.100.21"), 1);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_last_id(st, &last), 0);
	assert_int_equal(last, 30);

	/* Each event's session is c0ffee and its seq. */
	memset(&sq, 0, sizeof(sq));
	sq.sq_session = "c0ffee0000000007";
	assert_int_equal(query(st, &sq, &s), 1);
	assert_non_null(strstr(s.s_last, "\"seq\":7,"));
	sq.sq_src_ip = "198.51.100.21";
	assert_int_equal(query(st, &sq, &s), 0);

	memset(&sq, 0, sizeof(sq));
	sq.sq_text = "c0ffee000000001";	/* 10 to 19 */
	assert_int_equal(query(st, &sq, &s), 10);
	sq.sq_text = "no such text";
	assert_int_equal(query(st, &sq, &s), 0);
	/* A LIKE pattern is only text here. */
	sq.sq_text = "%";
	assert_int_equal(query(st, &sq, &s), 0);

	memset(&sq, 0, sizeof(sq));
	sq.sq_since = T0;
	sq.sq_until = T0 + 3600 * 1000000LL;
	assert_non_null(o = store_stats(st, &sq));
	assert_int_equal(json_integer_value(json_object_get(o, "total")), 30);
	assert_int_equal(json_integer_value(json_object_get(o, "bucket")), 60);
	v = json_object_get(o, "ports");
	assert_int_equal(json_array_size(v), 1);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(v, 0), "port")), 22);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(v, 0), "n")), 10);
	v = json_object_get(o, "detections");
	assert_int_equal(json_array_size(v), 1);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(v, 0), "kind")), "shellcode");
	v = json_object_get(o, "sources");
	assert_int_equal(json_array_size(v), 2);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(v, 0), "n")), 15);
	v = json_object_get(o, "timeline");
	assert_true(json_array_size(v) >= 1);
	assert_true(json_integer_value(json_object_get(json_array_get(v, 0),
	    "t")) <= T0 / 1000000 + 1);
	json_decref(o);

	/* One source, and a range that holds nothing. */
	sq.sq_src_ip = "198.51.100.20";
	assert_non_null(o = store_stats(st, &sq));
	assert_int_equal(json_integer_value(json_object_get(o, "total")), 15);
	json_decref(o);
	sq.sq_src_ip = NULL;
	sq.sq_until = sq.sq_since;
	assert_null(store_stats(st, &sq));
}

static void
test_paging(void **state)
{
	struct fixture		*f = *state;
	struct store		*st = f->f_st;
	struct store_query	 sq;
	struct seen		 s;
	int64_t			 next, all[MAXIDS];
	size_t			 n = 0, i, pages = 0;
	int			 k;

	assert_int_equal(store_begin(st), 0);
	for (k = 1; k <= 250; k++) {
		assert_int_equal(add(st, k % 2 ? "s1" : "s2", "e", k, T0 + k,
		    "a", NULL), 1);
	}
	/* Others in between, which the filter must skip. */
	for (k = 1; k <= 50; k++)
		assert_int_equal(add(st, "s3", "e", k, T0, "b", NULL), 1);
	assert_int_equal(store_commit(st), 0);

	memset(&sq, 0, sizeof(sq));
	sq.sq_eventid = "a";
	sq.sq_limit = 100;
	do {
		memset(&s, 0, sizeof(s));
		assert_int_equal(store_query(st, &sq, collect, &s, &next), 0);
		pages++;
		assert_int_equal(s.s_n, pages < 3 ? 100 : 50);
		for (i = 0; i < s.s_n; i++) {
			assert_true(s.s_ids[i] > sq.sq_after);
			if (n > 0)
				assert_true(s.s_ids[i] > all[n - 1]);
			all[n++] = s.s_ids[i];
		}
		if (next != 0)
			assert_int_equal(next, s.s_ids[s.s_n - 1]);
		sq.sq_after = next;
	} while (next != 0);
	assert_int_equal(pages, 3);
	assert_int_equal(n, 250);
	/* No gap: the ids of one batch are consecutive. */
	for (i = 1; i < n; i++)
		assert_int_equal(all[i], all[i - 1] + 1);

	/* An exact multiple ends without an empty page. */
	memset(&sq, 0, sizeof(sq));
	sq.sq_eventid = "b";
	sq.sq_limit = 25;
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_query(st, &sq, collect, &s, &next), 0);
	assert_true(next != 0);
	sq.sq_after = next;
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_query(st, &sq, collect, &s, &next), 0);
	assert_int_equal(s.s_n, 25);
	assert_int_equal(next, 0);

	/* The default limit, and a callback that stops early. */
	memset(&sq, 0, sizeof(sq));
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_query(st, &sq, collect, &s, &next), 0);
	assert_int_equal(s.s_n, STORE_QUERY_DEFAULT);
	assert_true(next != 0);
	memset(&s, 0, sizeof(s));
	s.s_stopat = 7;
	assert_int_equal(store_query(st, &sq, collect, &s, &next), 1);
	assert_int_equal(s.s_n, 7);
	assert_int_equal(next, 0);
}

static void
test_expire_age(void **state)
{
	struct fixture			*f = *state;
	struct store			*st = f->f_st;
	struct store_query		 sq;
	struct sensors			 ss;
	struct seen			 s;
	const struct store_sensor	*p;
	char				*yaml;
	size_t				 len;
	int64_t				 deleted;
	int				 k;

	assert_int_equal(store_config_set(st, "s1", "a: 1\n", 5, T0), 0);
	/* More than one chunk of 10000 goes. */
	assert_int_equal(store_begin(st), 0);
	for (k = 0; k < 25000; k++)
		assert_int_equal(add(st, "s1", "e", k + 1, T0 + k, "a", NULL),
		    1);
	assert_int_equal(store_commit(st), 0);

	assert_int_equal(store_expire(st, T0 + 24000, 0, &deleted), 0);
	assert_int_equal(deleted, 24000);
	memset(&sq, 0, sizeof(sq));
	sq.sq_limit = STORE_QUERY_MAX;
	assert_int_equal(query(st, &sq, &s), 1000);
	sq.sq_until = T0 + 24000;
	assert_int_equal(query(st, &sq, &s), 0);

	assert_int_equal(store_expire(st, T0 + 24000, 0, &deleted), 0);
	assert_int_equal(deleted, 0);
	assert_int_equal(store_expire(st, 0, 0, &deleted), 0);
	assert_int_equal(deleted, 0);
	assert_int_equal(store_expire(st, -1, 0, &deleted), -1);

	/* Sensors and configs stay. */
	assert_non_null(p = sensor(st, &ss, "s1"));
	assert_int_equal(p->ss_events, 25000);
	assert_int_equal(store_config_get(st, "s1", &yaml, &len), 1);
	free(yaml);
}

static void
test_expire_size(void **state)
{
	struct fixture		*f = *state;
	struct store		*st = f->f_st;
	struct store_query	 sq;
	struct seen		 s;
	int64_t			 before, after, deleted, next, oldest;
	int			 k;

	assert_int_equal(store_begin(st), 0);
	for (k = 0; k < 30000; k++)
		assert_int_equal(add_padded(st, "s1", "e", k + 1, T0 + k, "a",
		    "203.0.113.9", 200), 1);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_size(st, &before), 0);
	assert_true(before > 8 * 1024 * 1024);

	assert_int_equal(store_expire(st, 0, before / 2, &deleted), 0);
	assert_int_equal(store_size(st, &after), 0);
	assert_true(after <= before / 2);
	/* Close to the limit, not a whole chunk beyond it. */
	assert_true(deleted > 10000 && deleted < 20000);

	/* What is left is the newest, with nothing missing in between. */
	memset(&sq, 0, sizeof(sq));
	sq.sq_limit = 1;
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_query(st, &sq, collect, &s, &next), 0);
	assert_non_null(strstr(s.s_last, "\"seq\":"));
	oldest = strtoll(strstr(s.s_last, "\"seq\":") + 6, NULL, 10);
	assert_int_equal(oldest, deleted + 1);
	sq.sq_limit = 0;
	sq.sq_until = T0 + deleted;
	assert_int_equal(query(st, &sq, &s), 0);

	/* Space below what sensors and configs need: all events go. */
	assert_int_equal(store_expire(st, 0, 1, &deleted), 0);
	assert_int_equal(deleted, 30000 - oldest + 1);
	memset(&sq, 0, sizeof(sq));
	assert_int_equal(query(st, &sq, &s), 0);
	/* Freed pages are reused before the file grows. */
	assert_int_equal(store_begin(st), 0);
	for (k = 0; k < 1000; k++)
		assert_int_equal(add(st, "s1", "f", k + 1, T0, "a", NULL), 1);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_size(st, &after), 0);
	assert_true(after < before / 4);
}

static void
test_config(void **state)
{
	struct fixture	*f = *state;
	struct store	*st = f->f_st;
	const char	 bin[] = "a: \"\0x\"\n";
	char		*yaml;
	size_t		 len;

	assert_int_equal(store_config_get(st, "s1", &yaml, &len), 0);
	assert_null(yaml);
	assert_int_equal(store_config_set(st, "s1", "sensor: {}\n", 11, T0),
	    0);
	assert_int_equal(store_config_get(st, "s1", &yaml, &len), 1);
	assert_int_equal(len, 11);
	assert_string_equal(yaml, "sensor: {}\n");
	free(yaml);

	/* Replaced whole, and kept byte for byte. */
	assert_int_equal(store_config_set(st, "s1", bin, sizeof(bin) - 1,
	    T0 + 1), 0);
	assert_int_equal(store_config_get(st, "s1", &yaml, &len), 1);
	assert_int_equal(len, sizeof(bin) - 1);
	assert_memory_equal(yaml, bin, len);
	assert_int_equal(yaml[len], '\0');
	free(yaml);

	assert_int_equal(store_config_set(st, "s2", "", 0, T0), 0);
	assert_int_equal(store_config_get(st, "s2", &yaml, &len), 1);
	assert_int_equal(len, 0);
	assert_string_equal(yaml, "");
	free(yaml);
	assert_int_equal(store_config_get(st, "s3", &yaml, &len), 0);
	assert_int_equal(store_config_set(st, "s3", NULL, 0, T0), -1);
}

static void
test_sensors(void **state)
{
	struct fixture			*f = *state;
	struct store			*st = f->f_st;
	struct sensors			 s;
	const struct store_sensor	*p;

	assert_int_equal(store_sensor_seen(st, "zeta", "192.0.2.1:1",
	    "root", NULL, T0), 0);
	assert_int_equal(store_sensor_seen(st, "alpha", "192.0.2.2:2",
	    "user", "{\"capture\":false}", T0 + 1), 0);
	assert_int_equal(store_sensor_seen(st, "mid", NULL, NULL, NULL,
	    T0 + 2), 0);
	/* NULL keeps, a value replaces; first_seen never moves. */
	assert_int_equal(store_sensor_seen(st, "alpha", "192.0.2.3:3", NULL,
	    NULL, T0 + 10), 0);

	assert_non_null(p = sensor(st, &s, "alpha"));
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ss[0].ss_name, "alpha");
	assert_string_equal(s.ss[1].ss_name, "mid");
	assert_string_equal(s.ss[2].ss_name, "zeta");
	assert_string_equal(p->ss_address, "192.0.2.3:3");
	assert_string_equal(p->ss_mode, "user");
	assert_string_equal(p->ss_features, "{\"capture\":false}");
	assert_int_equal(p->ss_first_seen, T0 + 1);
	assert_int_equal(p->ss_last_seen, T0 + 10);
	assert_int_equal(p->ss_events, 0);
	assert_non_null(p = sensor(st, &s, "mid"));
	assert_string_equal(p->ss_address, "");
	assert_null(p->ss_features);
	assert_int_equal(p->ss_first_seen, T0 + 2);

	/* Counted before it was ever seen: first_seen comes with the hello. */
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(add(st, "new", "e", 1, T0, "a", NULL), 1);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_sensor_seen(st, "new", "192.0.2.4:4",
	    "capabilities", NULL, T0 + 20), 0);
	assert_non_null(p = sensor(st, &s, "new"));
	assert_int_equal(p->ss_first_seen, T0 + 20);
	assert_int_equal(p->ss_events, 1);
}

static void
test_reopen(void **state)
{
	struct fixture			*f = *state;
	struct store_query		 sq;
	struct sensors			 s;
	struct seen			 seen;
	const struct store_sensor	*p;
	struct store			*st;
	char				*yaml, err[512];
	size_t				 len;
	pid_t				 pid;
	int				 k, status;

	assert_int_equal(store_sensor_seen(f->f_st, "s1", "192.0.2.1:1",
	    "root", "{}", T0), 0);
	assert_int_equal(store_config_set(f->f_st, "s1", "x: 1\n", 5, T0),
	    0);
	assert_int_equal(store_begin(f->f_st), 0);
	for (k = 1; k <= 20; k++)
		assert_int_equal(add(f->f_st, "s1", "e", k, T0 + k, "a", NULL),
		    1);
	assert_int_equal(store_commit(f->f_st), 0);
	/* A batch open at close is rolled back. */
	assert_int_equal(store_begin(f->f_st), 0);
	assert_int_equal(add(f->f_st, "s1", "e", 21, T0, "a", NULL), 1);
	reopen(f);

	/* One committed, one open when the process dies: only one stays. */
	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		if (store_open(&st, f->f_path, err, sizeof(err)) == -1 ||
		    store_begin(st) == -1 ||
		    add(st, "s2", "e", 1, T0, "a", NULL) != 1 ||
		    store_commit(st) == -1 || store_begin(st) == -1 ||
		    add(st, "s2", "e", 2, T0, "a", NULL) != 1 ||
		    add(st, "s1", "e", 22, T0, "a", NULL) != 1)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	reopen(f);
	memset(&sq, 0, sizeof(sq));
	assert_int_equal(query(f->f_st, &sq, &seen), 21);
	assert_non_null(p = sensor(f->f_st, &s, "s1"));
	assert_int_equal(p->ss_events, 20);
	assert_string_equal(p->ss_mode, "root");
	assert_non_null(p = sensor(f->f_st, &s, "s2"));
	assert_int_equal(p->ss_events, 1);
	assert_int_equal(store_config_get(f->f_st, "s1", &yaml, &len), 1);
	assert_string_equal(yaml, "x: 1\n");
	free(yaml);
	/* Dedup survives too. */
	assert_int_equal(store_begin(f->f_st), 0);
	assert_int_equal(add(f->f_st, "s1", "e", 20, T0, "a", NULL), 0);
	assert_int_equal(add(f->f_st, "s1", "e", 21, T0, "a", NULL), 1);
	assert_int_equal(store_commit(f->f_st), 0);
	reopen(f);
	assert_int_equal(query(f->f_st, &sq, &seen), 22);
}

static void
test_bad_files(void **state)
{
	struct fixture	*f = *state;
	struct store	*st;
	char		 path[PATH_MAX], err[512];
	char		 junk[8192];

	/* Text where a database should be. */
	assert_true((size_t)snprintf(path, sizeof(path), "%s/notdb",
	    f->f_dir) < sizeof(path));
	memset(junk, 'j', sizeof(junk));
	write_file(path, junk, sizeof(junk));
	assert_int_equal(store_open(&st, path, err, sizeof(err)), -1);
	assert_null(st);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "file is not a database"));

	/* Somebody else's database is left alone. */
	assert_true((size_t)snprintf(path, sizeof(path), "%s/other.db",
	    f->f_dir) < sizeof(path));
	raw_exec(path, "CREATE TABLE t (a); INSERT INTO t VALUES (1)");
	assert_int_equal(store_open(&st, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a HoneySpy event store"));

	/* A directory. */
	assert_int_equal(store_open(&st, f->f_dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, f->f_dir));

	/* A store from a newer program. */
	store_close(f->f_st);
	f->f_st = NULL;
	raw_exec(f->f_path, "UPDATE meta SET value = 2 WHERE key = 'schema'");
	assert_int_equal(store_open(&st, f->f_path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "schema version 2 is newer"));
	raw_exec(f->f_path, "UPDATE meta SET value = 1 WHERE key = 'schema'");
	reopen(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_mode, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dedup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_misuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_filters, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_query_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_session_text_stats,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire_age, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_expire_size, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sensors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, setup,
		    teardown),
	};

	return (cmocka_run_group_tests_name("store", tests, NULL, NULL));
}
