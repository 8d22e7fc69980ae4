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

/* The master's event store on SQLite: events, sensors and configurations. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"

/* "HSpy" in the file header, so that a stranger's database is refused. */
#define STORE_APPLICATION_ID	0x48537079
#define STORE_BUSY_MS		5000
#define STORE_ERRLEN		512
#define STORE_EVENTID_MAX	256	/* for query filters only */
/* Bounds on one retention transaction, so that the WAL stays small. */
#define STORE_EXPIRE_CHUNK	10000
#define STORE_EXPIRE_MINCHUNK	100

/* One prepared query per combination of filters; see store_query_stmt(). */
#define QF_SINCE	0x01
#define QF_UNTIL	0x02
#define QF_SENSOR	0x04
#define QF_SRC_IP	0x08
#define QF_EVENTID	0x10	/* exact */
#define QF_PREFIX	0x20	/* eventid >= prefix */
#define QF_PREFIX_HI	0x40	/* and eventid < its successor */
#define STATS_BUCKETS	60

#define QF_SESSION	0x80
#define QF_TEXT		0x100	/* a substring of the event's JSON */
#define QF_MAX		0x200

/* Events stored from one sensor in the open batch. */
struct store_count {
	char		*sc_name;
	int64_t		 sc_n;
};

struct store {
	sqlite3			*st_db;
	sqlite3_stmt		*st_begin;
	sqlite3_stmt		*st_commit;
	sqlite3_stmt		*st_rollback;
	sqlite3_stmt		*st_insert;
	sqlite3_stmt		*st_count;
	sqlite3_stmt		*st_seen;
	sqlite3_stmt		*st_sensors;
	sqlite3_stmt		*st_cfgset;
	sqlite3_stmt		*st_cfgget;
	sqlite3_stmt		*st_expire;
	sqlite3_stmt		*st_size;
	sqlite3_stmt		*st_outget;
	sqlite3_stmt		*st_outset;
	sqlite3_stmt		*st_query[QF_MAX];
	struct store_count	*st_counts;
	size_t			 st_ncounts;
	size_t			 st_maxcounts;
	size_t			 st_lastcount;
	int			 st_inbatch;
	int			 st_failed;	/* the open batch is void */
	char			 st_err[STORE_ERRLEN];
};

/*
 * Version 1.  NOT NULL columns are safe beside the insert's ON CONFLICT
 * clause because that clause names the dedup key: any other violation is
 * an error, never a silent "duplicate".  NULL seq (the master's own
 * events) never collides in a UNIQUE index.
 */
static const char *const store_schema[] = {
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"
	" time INTEGER NOT NULL,"
	" sensor TEXT NOT NULL,"
	" epoch TEXT NOT NULL,"
	" seq INTEGER,"
	" eventid TEXT NOT NULL,"
	" src_ip TEXT,"
	" event TEXT NOT NULL,"
	" UNIQUE (sensor, epoch, seq))",
	"CREATE INDEX events_time ON events (time)",
	"CREATE INDEX events_sensor ON events (sensor, time)",
	"CREATE INDEX events_eventid ON events (eventid, time)",
	"CREATE INDEX events_src_ip ON events (src_ip, time)"
	" WHERE src_ip IS NOT NULL",
	"CREATE TABLE sensors ("
	" name TEXT PRIMARY KEY,"
	" address TEXT,"
	" mode TEXT,"
	" features TEXT,"
	" first_seen INTEGER,"
	" last_seen INTEGER,"
	" events INTEGER NOT NULL DEFAULT 0)",
	"CREATE TABLE configs ("
	" node TEXT PRIMARY KEY,"
	" yaml BLOB NOT NULL,"
	" updated INTEGER NOT NULL)",
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY,"
	" value INTEGER NOT NULL)",
};

/*
 * Per connection, so set at every open.  synchronous=FULL syncs the WAL
 * at each commit: an acked batch survives a power cut, not just a crash.
 * A checkpoint every 64 MB of WAL, not 4 MB, copies an index leaf that
 * many batches touch back once; that measured some 10% faster.
 */
static const char *const store_pragmas[] = {
	"PRAGMA synchronous = FULL",
	"PRAGMA temp_store = MEMORY",
	"PRAGMA cache_size = -65536",
	"PRAGMA wal_autocheckpoint = 16384",
	"PRAGMA journal_size_limit = 67108864",
	"PRAGMA foreign_keys = OFF",
};

static void	 store_err(struct store *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 store_dberr(struct store *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 store_void(struct store *);
static int	 store_prepare(struct store *, const char *, sqlite3_stmt **);
static int	 store_exec(struct store *, const char *);
static int	 store_step_done(struct store *, sqlite3_stmt *, const char *);
static int	 store_int(struct store *, const char *, int64_t *);
static int	 store_setup(struct store *, const char *);
static int	 store_schema_check(struct store *, const char *);
static int	 store_prepare_all(struct store *);
static void	 store_counts_clear(struct store *);
static int	 store_count_add(struct store *, const char *);
static int	 store_bind_text(struct store *, sqlite3_stmt *, int,
		    const char *);
static int	 store_check_len(struct store *, const char *, const char *,
		    size_t, int);
static int	 store_query_stmt(struct store *, int, sqlite3_stmt **);
static int	 store_prefix_hi(const char *, size_t, char **, size_t *);
static int64_t	 store_expire_chunk(struct store *, int64_t, int64_t);

static void
store_err(struct store *st, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(st->st_err, sizeof(st->st_err), fmt, ap);
	va_end(ap);
}

/* Call before sqlite3_reset(): the message belongs to the last call. */
static void
store_dberr(struct store *st, const char *fmt, ...)
{
	va_list	 ap;
	char	 what[STORE_ERRLEN / 2];

	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	(void)snprintf(st->st_err, sizeof(st->st_err), "%s: %s", what,
	    sqlite3_errmsg(st->st_db));
}

/*
 * A write that fails inside a batch may have left part of itself, or
 * SQLite may have rolled the whole transaction back: either way nothing
 * of the batch may be acked.
 */
static void
store_void(struct store *st)
{
	if (st->st_inbatch)
		st->st_failed = 1;
}

static int
store_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt)
{
	if (sqlite3_prepare_v3(st->st_db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    stmt, NULL) != SQLITE_OK) {
		store_dberr(st, "prepare \"%.64s\"", sql);
		return (-1);
	}
	return (0);
}

/* For statements that run rarely; pragmas that answer are stepped over. */
static int
store_exec(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(st->st_db, sql, -1, &stmt, NULL) !=
	    SQLITE_OK) {
		store_dberr(st, "%s", sql);
		return (-1);
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		store_dberr(st, "%s", sql);
		sqlite3_finalize(stmt);
		return (-1);
	}
	sqlite3_finalize(stmt);
	return (0);
}

/* Runs a statement that returns no rows, and resets it either way. */
static int
store_step_done(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		store_dberr(st, "%s", what);
		sqlite3_reset(stmt);
		return (-1);
	}
	sqlite3_reset(stmt);
	return (0);
}

/* One integer from a statement that returns one row. */
static int
store_int(struct store *st, const char *sql, int64_t *v)
{
	sqlite3_stmt	*stmt;

	if (sqlite3_prepare_v2(st->st_db, sql, -1, &stmt, NULL) !=
	    SQLITE_OK) {
		store_dberr(st, "%s", sql);
		return (-1);
	}
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_dberr(st, "%s", sql);
		sqlite3_finalize(stmt);
		return (-1);
	}
	*v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return (0);
}

int
store_open(struct store **stp, const char *path, char *err, size_t errlen)
{
	struct store	*st;
	struct stat	 sb;
	int		 fd;

	*stp = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	/*
	 * SQLite would create the file 0644; events name attackers' and
	 * our own addresses, so the file is made here.  Its -wal and -shm
	 * files copy its mode.
	 */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) == -1) {
		store_err(st, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &sb) == -1) {
		store_err(st, "%s: fstat: %s", path, strerror(errno));
		close(fd);
		goto fail;
	}
	close(fd);
	if (!S_ISREG(sb.st_mode)) {
		store_err(st, "%s: not a regular file", path);
		goto fail;
	}
	if (sqlite3_open_v2(path, &st->st_db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (st->st_db == NULL)
			store_err(st, "%s: out of memory", path);
		else
			store_dberr(st, "%s", path);
		goto fail;
	}
	/*
	 * Where each output got to; added after schema 1 shipped, so made
	 * when missing rather than by a schema change.
	 */
	if (store_setup(st, path) == -1 ||
	    store_exec(st, "CREATE TABLE IF NOT EXISTS outputs ("
	    " name TEXT PRIMARY KEY, cursor INTEGER NOT NULL)") == -1 ||
	    store_prepare_all(st) == -1)
		goto fail;
	*stp = st;
	return (0);

 fail:
	(void)snprintf(err, errlen, "%s", st->st_err);
	store_close(st);
	return (-1);
}

static int
store_setup(struct store *st, const char *path)
{
	sqlite3_stmt	*stmt;
	size_t		 i;

	(void)sqlite3_extended_result_codes(st->st_db, 1);
	(void)sqlite3_busy_timeout(st->st_db, STORE_BUSY_MS);
	/* The file is ours, but nothing in it should run code for us. */
	(void)sqlite3_db_config(st->st_db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	(void)sqlite3_db_config(st->st_db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0,
	    NULL);

	/* The first statement to read the file: a non-database fails here. */
	if (sqlite3_prepare_v2(st->st_db, "PRAGMA journal_mode = WAL", -1,
	    &stmt, NULL) != SQLITE_OK) {
		store_dberr(st, "%s", path);
		return (-1);
	}
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_dberr(st, "%s", path);
		sqlite3_finalize(stmt);
		return (-1);
	}
	if (sqlite3_column_text(stmt, 0) == NULL ||
	    strcmp((const char *)sqlite3_column_text(stmt, 0), "wal") != 0) {
		store_err(st, "%s: cannot use write-ahead logging (mode %s)",
		    path, sqlite3_column_text(stmt, 0) == NULL ? "unknown" :
		    (const char *)sqlite3_column_text(stmt, 0));
		sqlite3_finalize(stmt);
		return (-1);
	}
	sqlite3_finalize(stmt);

	for (i = 0; i < sizeof(store_pragmas) / sizeof(store_pragmas[0]); i++)
		if (store_exec(st, store_pragmas[i]) == -1)
			return (-1);

	/* IMMEDIATE: two masters starting at once must not both create. */
	if (store_exec(st, "BEGIN IMMEDIATE") == -1)
		return (-1);
	if (store_schema_check(st, path) == -1) {
		(void)sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL);
		return (-1);
	}
	return (store_exec(st, "COMMIT"));
}

/* Creates the schema in an empty file, or checks the one that is there. */
static int
store_schema_check(struct store *st, const char *path)
{
	char		 sql[64];
	int64_t		 appid, ntables, version;
	size_t		 i;

	if (store_int(st, "PRAGMA application_id", &appid) == -1 ||
	    store_int(st, "SELECT count(*) FROM sqlite_master", &ntables) ==
	    -1)
		return (-1);
	if (appid == 0 && ntables == 0) {
		for (i = 0; i < sizeof(store_schema) / sizeof(store_schema[0]);
		    i++)
			if (store_exec(st, store_schema[i]) == -1)
				return (-1);
		(void)snprintf(sql, sizeof(sql),
		    "INSERT INTO meta VALUES ('schema', %d)",
		    STORE_SCHEMA_VERSION);
		if (store_exec(st, sql) == -1)
			return (-1);
		(void)snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
		    STORE_APPLICATION_ID);
		return (store_exec(st, sql));
	}
	if (appid != STORE_APPLICATION_ID) {
		store_err(st, "%s: a database, but not a HoneySpy event store",
		    path);
		return (-1);
	}
	if (store_int(st, "SELECT value FROM meta WHERE key = 'schema'",
	    &version) == -1) {
		store_err(st, "%s: no schema version in the store", path);
		return (-1);
	}
	if (version > STORE_SCHEMA_VERSION) {
		store_err(st, "%s: schema version %lld is newer than this "
		    "program's (%d): refusing to touch it", path,
		    (long long)version, STORE_SCHEMA_VERSION);
		return (-1);
	}
	if (version < 1) {
		store_err(st, "%s: bad schema version %lld", path,
		    (long long)version);
		return (-1);
	}
	/* Version 1 is the first; upgrades from older ones would go here. */
	return (0);
}

static int
store_prepare_all(struct store *st)
{
	if (store_prepare(st, "BEGIN IMMEDIATE", &st->st_begin) == -1 ||
	    store_prepare(st, "COMMIT", &st->st_commit) == -1 ||
	    store_prepare(st, "ROLLBACK", &st->st_rollback) == -1 ||
	    store_prepare(st, "INSERT INTO events"
	    " (time, sensor, epoch, seq, eventid, src_ip, event)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (sensor, epoch, seq) DO NOTHING",
	    &st->st_insert) == -1 ||
	    store_prepare(st, "INSERT INTO sensors (name, events)"
	    " VALUES (?1, ?2)"
	    " ON CONFLICT (name) DO UPDATE SET"
	    " events = events + excluded.events",
	    &st->st_count) == -1 ||
	    store_prepare(st, "INSERT INTO sensors"
	    " (name, address, mode, features, first_seen, last_seen)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
	    " ON CONFLICT (name) DO UPDATE SET"
	    " address = coalesce(excluded.address, address),"
	    " mode = coalesce(excluded.mode, mode),"
	    " features = coalesce(excluded.features, features),"
	    " first_seen = coalesce(first_seen, excluded.first_seen),"
	    " last_seen = excluded.last_seen",
	    &st->st_seen) == -1 ||
	    store_prepare(st, "SELECT name, address, mode, features,"
	    " first_seen, last_seen, events FROM sensors ORDER BY name",
	    &st->st_sensors) == -1 ||
	    store_prepare(st, "INSERT INTO configs (node, yaml, updated)"
	    " VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (node) DO UPDATE SET"
	    " yaml = excluded.yaml, updated = excluded.updated",
	    &st->st_cfgset) == -1 ||
	    store_prepare(st, "SELECT yaml FROM configs WHERE node = ?1",
	    &st->st_cfgget) == -1 ||
	    store_prepare(st, "DELETE FROM events WHERE id IN"
	    " (SELECT id FROM events WHERE time < ?1 ORDER BY time LIMIT ?2)",
	    &st->st_expire) == -1 ||
	    store_prepare(st, "SELECT (page_count - freelist_count) * page_size"
	    " FROM pragma_page_count(), pragma_freelist_count(),"
	    " pragma_page_size()", &st->st_size) == -1 ||
	    store_prepare(st, "SELECT cursor FROM outputs WHERE name = ?1",
	    &st->st_outget) == -1 ||
	    store_prepare(st, "INSERT INTO outputs (name, cursor)"
	    " VALUES (?1, ?2)"
	    " ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor",
	    &st->st_outset) == -1)
		return (-1);
	return (0);
}

void
store_close(struct store *st)
{
	size_t	 i;

	if (st == NULL)
		return;
	if (st->st_inbatch)
		store_rollback(st);
	free(st->st_counts);
	sqlite3_finalize(st->st_begin);
	sqlite3_finalize(st->st_commit);
	sqlite3_finalize(st->st_rollback);
	sqlite3_finalize(st->st_insert);
	sqlite3_finalize(st->st_count);
	sqlite3_finalize(st->st_seen);
	sqlite3_finalize(st->st_sensors);
	sqlite3_finalize(st->st_cfgset);
	sqlite3_finalize(st->st_cfgget);
	sqlite3_finalize(st->st_outget);
	sqlite3_finalize(st->st_outset);
	sqlite3_finalize(st->st_expire);
	sqlite3_finalize(st->st_size);
	for (i = 0; i < QF_MAX; i++)
		sqlite3_finalize(st->st_query[i]);
	/* Every statement is finalized, so this cannot be refused busy. */
	(void)sqlite3_close(st->st_db);
	free(st);
}

const char *
store_error(struct store *st)
{
	return (st->st_err);
}

int
store_begin(struct store *st)
{
	if (st->st_inbatch) {
		store_err(st, "begin: a batch is already open");
		return (-1);
	}
	if (store_step_done(st, st->st_begin, "begin") == -1)
		return (-1);
	st->st_inbatch = 1;
	st->st_failed = 0;
	return (0);
}

static void
store_counts_clear(struct store *st)
{
	size_t	 i;

	for (i = 0; i < st->st_ncounts; i++)
		free(st->st_counts[i].sc_name);
	st->st_ncounts = 0;
	st->st_lastcount = 0;
}

/* A batch mostly comes from one sensor, so the last hit is tried first. */
static int
store_count_add(struct store *st, const char *name)
{
	struct store_count	*sc;
	size_t			 i, n;

	if (st->st_ncounts > 0 &&
	    strcmp(st->st_counts[st->st_lastcount].sc_name, name) == 0) {
		st->st_counts[st->st_lastcount].sc_n++;
		return (0);
	}
	for (i = 0; i < st->st_ncounts; i++)
		if (strcmp(st->st_counts[i].sc_name, name) == 0) {
			st->st_counts[i].sc_n++;
			st->st_lastcount = i;
			return (0);
		}
	if (st->st_ncounts == st->st_maxcounts) {
		n = st->st_maxcounts == 0 ? 8 : st->st_maxcounts * 2;
		if ((sc = reallocarray(st->st_counts, n, sizeof(*sc))) ==
		    NULL) {
			store_err(st, "counters: %s", strerror(errno));
			return (-1);
		}
		st->st_counts = sc;
		st->st_maxcounts = n;
	}
	sc = &st->st_counts[st->st_ncounts];
	if ((sc->sc_name = strdup(name)) == NULL) {
		store_err(st, "counters: %s", strerror(errno));
		return (-1);
	}
	sc->sc_n = 1;
	st->st_lastcount = st->st_ncounts++;
	return (0);
}

/* NULL binds NULL; the text is the caller's until the statement resets. */
static int
store_bind_text(struct store *st, sqlite3_stmt *stmt, int i, const char *s)
{
	int	 rc;

	if (s == NULL)
		rc = sqlite3_bind_null(stmt, i);
	else
		rc = sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		store_dberr(st, "bind %d", i);
		return (-1);
	}
	return (0);
}

/* A string that must be there (unless nullok) and fit in max bytes. */
static int
store_check_len(struct store *st, const char *what, const char *s,
    size_t max, int nullok)
{
	if (s == NULL) {
		if (nullok)
			return (0);
		store_err(st, "%s: missing", what);
		return (-1);
	}
	if (strnlen(s, max) >= max) {
		store_err(st, "%s: longer than %zu bytes", what, max - 1);
		return (-1);
	}
	return (0);
}

int
store_add(struct store *st, const struct store_event *se)
{
	sqlite3_stmt	*stmt = st->st_insert;
	int		 stored;

	if (!st->st_inbatch) {
		store_err(st, "add: no batch open");
		return (-1);
	}
	if (st->st_failed)		/* keeps the first error's message */
		return (-1);
	/*
	 * A refused event voids the batch too: the caller then acks nothing
	 * of it, which is never wrong, and needs one rule only.
	 */
	if (store_check_len(st, "add: sensor", se->se_sensor,
	    STORE_NAME_MAX, 0) == -1)
		goto refuse;
	if (*se->se_sensor == '\0') {
		store_err(st, "add: empty sensor name");
		goto refuse;
	}
	if (se->se_epoch == NULL || se->se_eventid == NULL ||
	    se->se_json == NULL || se->se_jsonlen == 0) {
		store_err(st, "add: sensor %s: event without an epoch, an "
		    "eventid or JSON text", se->se_sensor);
		goto refuse;
	}
	/* Readers get the text as a C string: a NUL would cut it short. */
	if (se->se_jsonlen > INT32_MAX ||
	    memchr(se->se_json, '\0', se->se_jsonlen) != NULL) {
		store_err(st, "add: sensor %s: JSON text too long or with a "
		    "NUL byte", se->se_sensor);
		goto refuse;
	}
	if (sqlite3_bind_int64(stmt, 1, se->se_time) != SQLITE_OK ||
	    store_bind_text(st, stmt, 2, se->se_sensor) == -1 ||
	    store_bind_text(st, stmt, 3, se->se_epoch) == -1 ||
	    (se->se_seq > 0 ? sqlite3_bind_int64(stmt, 4, se->se_seq) :
	    sqlite3_bind_null(stmt, 4)) != SQLITE_OK ||
	    store_bind_text(st, stmt, 5, se->se_eventid) == -1 ||
	    store_bind_text(st, stmt, 6, se->se_src_ip) == -1 ||
	    sqlite3_bind_text(stmt, 7, se->se_json, (int)se->se_jsonlen,
	    SQLITE_STATIC) != SQLITE_OK) {
		store_dberr(st, "add: bind");
		goto refuse;
	}
	if (store_step_done(st, stmt, "add: insert") == -1)
		goto refuse;
	/* ON CONFLICT DO NOTHING: no row changed means a duplicate. */
	stored = sqlite3_changes(st->st_db) > 0;
	if (stored && store_count_add(st, se->se_sensor) == -1)
		goto refuse;
	return (stored);

 refuse:
	st->st_failed = 1;
	return (-1);
}

/*
 * The counters go in with the events they count, so that a crash keeps
 * both or neither.
 */
int
store_commit(struct store *st)
{
	struct store_count	*sc;
	size_t			 i;

	if (!st->st_inbatch) {
		store_err(st, "commit: no batch open");
		return (-1);
	}
	if (st->st_failed)
		goto fail;
	for (i = 0; i < st->st_ncounts; i++) {
		sc = &st->st_counts[i];
		if (sqlite3_bind_text(st->st_count, 1, sc->sc_name, -1,
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_int64(st->st_count, 2, sc->sc_n) !=
		    SQLITE_OK) {
			store_dberr(st, "commit: bind");
			goto fail;
		}
		if (store_step_done(st, st->st_count, "commit: counters") ==
		    -1)
			goto fail;
	}
	if (store_step_done(st, st->st_commit, "commit") == -1)
		goto fail;
	store_counts_clear(st);
	st->st_inbatch = 0;
	st->st_failed = 0;
	return (0);

 fail:
	store_rollback(st);
	return (-1);
}

/* Leaves store_error() alone: the reason for the rollback is what counts. */
void
store_rollback(struct store *st)
{
	/* SQLite may have rolled back already, after an I/O error or ENOMEM. */
	if (st->st_inbatch && !sqlite3_get_autocommit(st->st_db)) {
		(void)sqlite3_step(st->st_rollback);
		sqlite3_reset(st->st_rollback);
	}
	store_counts_clear(st);
	st->st_inbatch = 0;
	st->st_failed = 0;
}

int
store_sensor_seen(struct store *st, const char *name, const char *address,
    const char *mode, const char *features, int64_t now)
{
	sqlite3_stmt	*stmt = st->st_seen;

	if (store_check_len(st, "sensor name", name, STORE_NAME_MAX, 0) ==
	    -1 || store_check_len(st, "sensor address", address,
	    STORE_ADDRESS_MAX, 1) == -1 || store_check_len(st, "sensor mode",
	    mode, STORE_MODE_MAX, 1) == -1)
		return (-1);
	if (*name == '\0') {
		store_err(st, "sensor name: empty");
		return (-1);
	}
	if (store_bind_text(st, stmt, 1, name) == -1 ||
	    store_bind_text(st, stmt, 2, address) == -1 ||
	    store_bind_text(st, stmt, 3, mode) == -1 ||
	    store_bind_text(st, stmt, 4, features) == -1 ||
	    sqlite3_bind_int64(stmt, 5, now) != SQLITE_OK) {
		store_dberr(st, "sensor %s: bind", name);
		return (-1);
	}
	if (store_step_done(st, stmt, "sensor seen") == -1) {
		store_void(st);
		return (-1);
	}
	return (0);
}

int
store_sensors(struct store *st, int (*cb)(void *, const struct store_sensor *),
    void *arg)
{
	sqlite3_stmt		*stmt = st->st_sensors;
	struct store_sensor	 ss;
	const char		*s;
	int			 rc, ret = 0;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&ss, 0, sizeof(ss));
		s = (const char *)sqlite3_column_text(stmt, 0);
		if (s == NULL || strlcpy(ss.ss_name, s, sizeof(ss.ss_name)) >=
		    sizeof(ss.ss_name)) {
			store_err(st, "sensors: bad name in the store");
			ret = -1;
			break;
		}
		if ((s = (const char *)sqlite3_column_text(stmt, 1)) != NULL &&
		    strlcpy(ss.ss_address, s, sizeof(ss.ss_address)) >=
		    sizeof(ss.ss_address)) {
			store_err(st, "sensor %s: address too long",
			    ss.ss_name);
			ret = -1;
			break;
		}
		if ((s = (const char *)sqlite3_column_text(stmt, 2)) != NULL &&
		    strlcpy(ss.ss_mode, s, sizeof(ss.ss_mode)) >=
		    sizeof(ss.ss_mode)) {
			store_err(st, "sensor %s: mode too long", ss.ss_name);
			ret = -1;
			break;
		}
		ss.ss_features = (const char *)sqlite3_column_text(stmt, 3);
		ss.ss_first_seen = sqlite3_column_int64(stmt, 4);
		ss.ss_last_seen = sqlite3_column_int64(stmt, 5);
		ss.ss_events = sqlite3_column_int64(stmt, 6);
		if ((ret = cb(arg, &ss)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_dberr(st, "sensors");
		ret = -1;
	}
	sqlite3_reset(stmt);
	return (ret);
}

int
store_config_set(struct store *st, const char *node, const char *yaml,
    size_t len, int64_t now)
{
	sqlite3_stmt	*stmt = st->st_cfgset;

	if (store_check_len(st, "config node", node, STORE_NAME_MAX, 0) == -1)
		return (-1);
	if (yaml == NULL || len > INT32_MAX) {
		store_err(st, "config %s: no text, or too long", node);
		return (-1);
	}
	/* A zero-length blob from a NULL pointer would be NULL. */
	if (store_bind_text(st, stmt, 1, node) == -1 ||
	    sqlite3_bind_blob(stmt, 2, len == 0 ? "" : yaml, (int)len,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 3, now) != SQLITE_OK) {
		store_dberr(st, "config %s: bind", node);
		return (-1);
	}
	if (store_step_done(st, stmt, "config set") == -1) {
		store_void(st);
		return (-1);
	}
	return (0);
}

/* The copy has a NUL after its len bytes, for parsers that want one. */
int
store_config_get(struct store *st, const char *node, char **yaml,
    size_t *len)
{
	sqlite3_stmt	*stmt = st->st_cfgget;
	const void	*p;
	char		*copy;
	int		 n, rc;

	*yaml = NULL;
	*len = 0;
	if (store_check_len(st, "config node", node, STORE_NAME_MAX, 0) == -1)
		return (-1);
	if (store_bind_text(st, stmt, 1, node) == -1)
		return (-1);
	if ((rc = sqlite3_step(stmt)) == SQLITE_DONE) {
		sqlite3_reset(stmt);
		return (0);
	}
	if (rc != SQLITE_ROW) {
		store_dberr(st, "config %s", node);
		sqlite3_reset(stmt);
		return (-1);
	}
	p = sqlite3_column_blob(stmt, 0);
	n = sqlite3_column_bytes(stmt, 0);
	if (n < 0 || (n > 0 && p == NULL)) {
		store_dberr(st, "config %s: read", node);
		sqlite3_reset(stmt);
		return (-1);
	}
	if ((copy = malloc((size_t)n + 1)) == NULL) {
		store_err(st, "config %s: %s", node, strerror(errno));
		sqlite3_reset(stmt);
		return (-1);
	}
	if (n > 0)
		memcpy(copy, p, (size_t)n);
	copy[n] = '\0';
	sqlite3_reset(stmt);
	*yaml = copy;
	*len = (size_t)n;
	return (1);
}

/*
 * The text of each query comes from fixed pieces picked by the filters
 * in use, so that the planner sees exactly the index it can use; values
 * are only ever bound.  Numbered parameters keep the binding the same
 * for every piece set: ?8 always appears, so all of ?1..?8 exist.
 */
static int
store_query_stmt(struct store *st, int qf, sqlite3_stmt **stmt)
{
	char	 sql[512];

	if (st->st_query[qf] != NULL) {
		*stmt = st->st_query[qf];
		return (0);
	}
	(void)snprintf(sql, sizeof(sql),
	    "SELECT id, event FROM events WHERE id > ?1%s%s%s%s%s%s%s%s"
	    " ORDER BY id LIMIT ?11",
	    (qf & QF_SINCE) ? " AND time >= ?2" : "",
	    (qf & QF_UNTIL) ? " AND time < ?3" : "",
	    (qf & QF_SENSOR) ? " AND sensor = ?4" : "",
	    (qf & QF_EVENTID) ? " AND eventid = ?5" :
	    (qf & QF_PREFIX) ? " AND eventid >= ?5" : "",
	    (qf & QF_PREFIX_HI) ? " AND eventid < ?6" : "",
	    (qf & QF_SRC_IP) ? " AND src_ip = ?7" : "",
	    (qf & QF_SESSION) ? " AND json_extract(event, '$.session') = ?9" :
	    "",
	    (qf & QF_TEXT) ? " AND instr(event, ?10) > 0" : "");
	if (store_prepare(st, sql, &st->st_query[qf]) == -1)
		return (-1);
	*stmt = st->st_query[qf];
	return (0);
}

/*
 * The least string above every one that starts with the prefix, in
 * SQLite's BINARY (memcmp) order: drop trailing 0xff bytes and raise the
 * last one left.  None exists when nothing is left; *hi is NULL then.
 */
static int
store_prefix_hi(const char *prefix, size_t len, char **hi, size_t *hilen)
{
	char	*s;

	*hi = NULL;
	*hilen = 0;
	while (len > 0 && (unsigned char)prefix[len - 1] == 0xff)
		len--;
	if (len == 0)
		return (0);
	if ((s = malloc(len)) == NULL)
		return (-1);
	memcpy(s, prefix, len);
	s[len - 1] = (char)((unsigned char)s[len - 1] + 1);
	*hi = s;
	*hilen = len;
	return (0);
}

int
store_query(struct store *st, const struct store_query *sq,
    int (*cb)(void *, int64_t, const char *, size_t), void *arg,
    int64_t *next)
{
	sqlite3_stmt	*stmt;
	const char	*eid = sq->sq_eventid, *text;
	char		*hi = NULL;
	size_t		 eidlen = 0, hilen = 0;
	int64_t		 id, last = 0;
	int		 qf = 0, limit, n = 0, rc, ret = 0;

	*next = 0;
	limit = sq->sq_limit == 0 ? STORE_QUERY_DEFAULT : sq->sq_limit;
	if (limit < 1 || limit > STORE_QUERY_MAX) {
		store_err(st, "query: limit %d not in 1..%d", sq->sq_limit,
		    STORE_QUERY_MAX);
		return (-1);
	}
	if (sq->sq_after < 0) {
		store_err(st, "query: negative paging id");
		return (-1);
	}
	if (sq->sq_since != 0)
		qf |= QF_SINCE;
	if (sq->sq_until != 0)
		qf |= QF_UNTIL;
	if (sq->sq_sensor != NULL)
		qf |= QF_SENSOR;
	if (sq->sq_src_ip != NULL)
		qf |= QF_SRC_IP;
	if (sq->sq_session != NULL)
		qf |= QF_SESSION;
	if (sq->sq_text != NULL)
		qf |= QF_TEXT;
	if (eid != NULL) {
		if ((eidlen = strnlen(eid, STORE_EVENTID_MAX)) ==
		    STORE_EVENTID_MAX) {
			store_err(st, "query: eventid too long");
			return (-1);
		}
		if (eidlen > 0 && eid[eidlen - 1] == '*') {
			/* A range, not GLOB: no metacharacters to escape. */
			eidlen--;
			if (store_prefix_hi(eid, eidlen, &hi, &hilen) == -1) {
				store_err(st, "query: %s", strerror(errno));
				return (-1);
			}
			if (eidlen > 0)
				qf |= QF_PREFIX;
			if (hi != NULL)
				qf |= QF_PREFIX_HI;
		} else
			qf |= QF_EVENTID;
	}
	if (store_query_stmt(st, qf, &stmt) == -1) {
		free(hi);
		return (-1);
	}

	/* One row more than asked tells whether another page follows. */
	if (sqlite3_bind_int64(stmt, 1, sq->sq_after) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 2, sq->sq_since) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 3, sq->sq_until) != SQLITE_OK ||
	    store_bind_text(st, stmt, 4, sq->sq_sensor) == -1 ||
	    (eid != NULL ? sqlite3_bind_text(stmt, 5, eid, (int)eidlen,
	    SQLITE_STATIC) : sqlite3_bind_null(stmt, 5)) != SQLITE_OK ||
	    (hi != NULL ? sqlite3_bind_text(stmt, 6, hi, (int)hilen,
	    SQLITE_STATIC) : sqlite3_bind_null(stmt, 6)) != SQLITE_OK ||
	    store_bind_text(st, stmt, 7, sq->sq_src_ip) == -1 ||
	    sqlite3_bind_int(stmt, 11, limit + 1) != SQLITE_OK ||
	    store_bind_text(st, stmt, 9, sq->sq_session) == -1 ||
	    store_bind_text(st, stmt, 10, sq->sq_text) == -1) {
		store_dberr(st, "query: bind");
		sqlite3_reset(stmt);
		free(hi);
		return (-1);
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		if (n == limit) {
			*next = last;
			break;
		}
		text = (const char *)sqlite3_column_text(stmt, 1);
		if (text == NULL) {
			store_err(st, "query: event %lld has no text",
			    (long long)id);
			ret = -1;
			break;
		}
		if ((ret = cb(arg, id, text, sqlite3_column_bytes(stmt, 1))) !=
		    0)
			break;
		last = id;
		n++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_dberr(st, "query");
		ret = -1;
	}
	if (ret != 0)
		*next = 0;
	sqlite3_reset(stmt);
	free(hi);
	return (ret);
}

int
store_size(struct store *st, int64_t *bytes)
{
	if (sqlite3_step(st->st_size) != SQLITE_ROW) {
		store_dberr(st, "size");
		sqlite3_reset(st->st_size);
		return (-1);
	}
	*bytes = sqlite3_column_int64(st->st_size, 0);
	sqlite3_reset(st->st_size);
	return (0);
}

/*
 * Deletes up to n of the oldest events before cutoff in a transaction of
 * its own, so that the WAL and the pause in the parent's loop stay
 * bounded; returns how many went, or -1.
 */
static int64_t
store_expire_chunk(struct store *st, int64_t cutoff, int64_t n)
{
	int64_t	 deleted;

	if (store_step_done(st, st->st_begin, "expire: begin") == -1)
		return (-1);
	if (sqlite3_bind_int64(st->st_expire, 1, cutoff) != SQLITE_OK ||
	    sqlite3_bind_int64(st->st_expire, 2, n) != SQLITE_OK) {
		store_dberr(st, "expire: bind");
		goto fail;
	}
	if (store_step_done(st, st->st_expire, "expire: delete") == -1)
		goto fail;
	deleted = sqlite3_changes(st->st_db);
	if (store_step_done(st, st->st_commit, "expire: commit") == -1)
		goto fail;
	return (deleted);

 fail:
	if (!sqlite3_get_autocommit(st->st_db)) {
		(void)sqlite3_step(st->st_rollback);
		sqlite3_reset(st->st_rollback);
	}
	return (-1);
}

/*
 * Sensors and configs are never touched: a sensor's count says what it
 * ever sent.  Freed pages are reused, not returned: the file stops
 * growing at about max_bytes, it does not shrink.
 */
int
store_expire(struct store *st, int64_t older_than, int64_t max_bytes,
    int64_t *deleted)
{
	int64_t	 n, size, chunk, total = 0;
	int	 ret = -1;

	if (st->st_inbatch) {
		store_err(st, "expire: inside a batch");
		goto done;
	}
	if (older_than < 0 || max_bytes < 0) {
		store_err(st, "expire: negative limit");
		goto done;
	}
	if (older_than != 0) {
		do {
			if ((n = store_expire_chunk(st, older_than,
			    STORE_EXPIRE_CHUNK)) == -1)
				goto done;
			total += n;
		} while (n == STORE_EXPIRE_CHUNK);
	}
	while (max_bytes != 0) {
		if (store_size(st, &size) == -1)
			goto done;
		if (size <= max_bytes)
			break;
		/*
		 * An event takes a few hundred bytes with its index entries:
		 * a chunk of excess/1024 frees about half the excess, so the
		 * size closes in on the limit instead of overshooting it by
		 * a whole chunk.
		 */
		chunk = (size - max_bytes) / 1024;
		if (chunk < STORE_EXPIRE_MINCHUNK)
			chunk = STORE_EXPIRE_MINCHUNK;
		if (chunk > STORE_EXPIRE_CHUNK)
			chunk = STORE_EXPIRE_CHUNK;
		if ((n = store_expire_chunk(st, INT64_MAX, chunk)) == -1)
			goto done;
		if (n == 0)		/* only sensors and configs left */
			break;
		total += n;
	}
	ret = 0;

 done:
	if (deleted != NULL)
		*deleted = total;
	return (ret);
}

/* The id of the last event an output delivered; 0 if it never did. */
int
store_output_get(struct store *st, const char *name, int64_t *cursor)
{
	sqlite3_stmt	*stmt = st->st_outget;
	int		 rc;

	*cursor = 0;
	if (store_bind_text(st, stmt, 1, name) == -1)
		return (-1);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		*cursor = sqlite3_column_int64(stmt, 0);
	else if (rc != SQLITE_DONE) {
		store_dberr(st, "output %s", name);
		sqlite3_reset(stmt);
		return (-1);
	}
	sqlite3_reset(stmt);
	return (0);
}

/* Inside the open batch, or on its own when none is open. */
int
store_output_set(struct store *st, const char *name, int64_t cursor)
{
	sqlite3_stmt	*stmt = st->st_outset;

	if (store_bind_text(st, stmt, 1, name) == -1 ||
	    sqlite3_bind_int64(stmt, 2, cursor) != SQLITE_OK) {
		store_dberr(st, "output %s: bind", name);
		sqlite3_reset(stmt);
		return (-1);
	}
	return (store_step_done(st, stmt, "output cursor"));
}

/* The id of the newest event, 0 when there is none. */
int
store_last_id(struct store *st, int64_t *id)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	*id = 0;
	if (sqlite3_prepare_v2(st->st_db, "SELECT max(id) FROM events", -1,
	    &stmt, NULL) != SQLITE_OK) {
		store_dberr(st, "last id");
		return (-1);
	}
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW) {
		store_dberr(st, "last id");
		return (-1);
	}
	return (0);
}

/*
 * A statistics query over sq's range (?1, ?2) and, when given, its sensor
 * (?3) and source (?4), prepared and bound; NULL with the error set.
 */
static sqlite3_stmt *
stats_prepare(struct store *st, const struct store_query *sq,
    const char *sql)
{
	sqlite3_stmt	*stmt;

	if (sqlite3_prepare_v2(st->st_db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		store_dberr(st, "stats");
		return (NULL);
	}
	if (sqlite3_bind_int64(stmt, 1, sq->sq_since) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 2, sq->sq_until) != SQLITE_OK ||
	    (sq->sq_sensor != NULL &&
	    store_bind_text(st, stmt, 3, sq->sq_sensor) == -1) ||
	    (sq->sq_src_ip != NULL &&
	    store_bind_text(st, stmt, 4, sq->sq_src_ip) == -1)) {
		store_dberr(st, "stats: bind");
		sqlite3_finalize(stmt);
		return (NULL);
	}
	return (stmt);
}

/*
 * One aggregate of the overview: rows of (key, count) for the events in
 * the range that the where clause picks, largest first.
 */
static int
stats_top(struct store *st, const struct store_query *sq, const char *what,
    const char *where, int limit, json_t *list, const char *name, int intkey)
{
	sqlite3_stmt	*stmt;
	char		 sql[768];
	json_t		*o;
	int		 rc, n;

	n = snprintf(sql, sizeof(sql), "SELECT %s AS k, count(*) AS n FROM "
	    "events WHERE time >= ?1 AND time < ?2%s%s%s GROUP BY k "
	    "HAVING k IS NOT NULL ORDER BY %s LIMIT %d", what,
	    sq->sq_sensor != NULL ? " AND sensor = ?3" : "",
	    sq->sq_src_ip != NULL ? " AND src_ip = ?4" : "", where,
	    intkey == 2 ? "k" : "n DESC, k", limit);
	if (n < 0 || (size_t)n >= sizeof(sql)) {
		store_err(st, "stats: query too long");
		return (-1);
	}
	if ((stmt = stats_prepare(st, sq, sql)) == NULL)
		return (-1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (intkey)
			o = json_pack("{s:I, s:I}", name,
			    (json_int_t)sqlite3_column_int64(stmt, 0), "n",
			    (json_int_t)sqlite3_column_int64(stmt, 1));
		else
			o = json_pack("{s:s?, s:I}", name,
			    (const char *)sqlite3_column_text(stmt, 0), "n",
			    (json_int_t)sqlite3_column_int64(stmt, 1));
		if (o == NULL || json_array_append_new(list, o) == -1) {
			sqlite3_finalize(stmt);
			store_err(st, "stats: out of memory");
			return (-1);
		}
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_dberr(st, "stats");
		return (-1);
	}
	return (0);
}

/* How many events, and the first and last (seconds), in the range. */
static int
stats_range(struct store *st, const struct store_query *sq, json_t *o)
{
	sqlite3_stmt	*stmt;
	char		 sql[256];
	int		 rc;

	(void)snprintf(sql, sizeof(sql), "SELECT count(*), min(time), "
	    "max(time) FROM events WHERE time >= ?1 AND time < ?2%s%s",
	    sq->sq_sensor != NULL ? " AND sensor = ?3" : "",
	    sq->sq_src_ip != NULL ? " AND src_ip = ?4" : "");
	if ((stmt = stats_prepare(st, sq, sql)) == NULL)
		return (-1);
	if ((rc = sqlite3_step(stmt)) != SQLITE_ROW) {
		store_dberr(st, "stats");
		sqlite3_finalize(stmt);
		return (-1);
	}
	if (json_object_set_new(o, "total", json_integer(
	    sqlite3_column_int64(stmt, 0))) == -1 ||
	    json_object_set_new(o, "first", json_integer(
	    sqlite3_column_int64(stmt, 1) / 1000000)) == -1 ||
	    json_object_set_new(o, "last", json_integer(
	    sqlite3_column_int64(stmt, 2) / 1000000)) == -1) {
		sqlite3_finalize(stmt);
		store_err(st, "stats: out of memory");
		return (-1);
	}
	sqlite3_finalize(stmt);
	return (0);
}

/*
 * The overview of a time range (µs; since < until): totals, a timeline
 * of at most STATS_BUCKETS buckets, and the top ports, services, source
 * addresses, operating systems, detections and event kinds.
 */
json_t *
store_stats(struct store *st, const struct store_query *sq)
{
	static const struct {
		const char	*name;	/* in the result */
		const char	*key;	/* of each row */
		const char	*what;
		const char	*where;
		int		 limit;
		int		 intkey;
	} tops[] = {
		{ "ports", "port", "json_extract(event, '$.dst_port')",
		    " AND eventid = 'honeyspy.session.connect'", 10, 1 },
		{ "services", "service", "json_extract(event, '$.service')",
		    " AND eventid = 'honeyspy.session.connect'", 10, 0 },
		{ "sources", "src_ip", "src_ip",
		    " AND src_ip IS NOT NULL AND eventid NOT LIKE "
		    "'honeyspy.sensor.%' AND eventid NOT LIKE 'honeyspy.rpc.%'",
		    200, 0 },
		{ "os", "os", "json_extract(event, '$.os')",
		    " AND eventid = 'honeyspy.host.fingerprint'", 10, 0 },
		{ "detections", "kind", "substr(eventid, 17)",
		    " AND eventid >= 'honeyspy.detect.' AND "
		    "eventid < 'honeyspy.detect/'", 10, 0 },
		{ "eventids", "eventid", "eventid", "", 20, 0 },
		{ "timeline", "t", NULL, "", 0, 2 },
	};
	struct store_query	 q = *sq;
	json_t			*o, *list;
	char			 what[128];
	int64_t			 bucket, span;
	size_t			 i;

	if (q.sq_until <= q.sq_since) {
		store_err(st, "stats: an empty time range");
		return (NULL);
	}
	span = q.sq_until - q.sq_since;
	/* Whole minutes, hours or days, about 60 of them. */
	bucket = span / STATS_BUCKETS;
	if (bucket <= 60000000LL)
		bucket = 60000000LL;
	else if (bucket <= 3600000000LL)
		bucket = (bucket + 59999999LL) / 60000000LL * 60000000LL;
	else
		bucket = (bucket + 3599999999LL) / 3600000000LL *
		    3600000000LL;
	if ((o = json_pack("{s:I, s:I, s:I}", "since",
	    (json_int_t)(q.sq_since / 1000000), "until",
	    (json_int_t)(q.sq_until / 1000000), "bucket",
	    (json_int_t)(bucket / 1000000))) == NULL) {
		store_err(st, "stats: out of memory");
		return (NULL);
	}
	for (i = 0; i < sizeof(tops) / sizeof(tops[0]); i++) {
		if ((list = json_array()) == NULL ||
		    json_object_set_new(o, tops[i].name, list) == -1) {
			store_err(st, "stats: out of memory");
			json_decref(o);
			return (NULL);
		}
		if (tops[i].what == NULL) {
			(void)snprintf(what, sizeof(what), "time / %lld * %lld "
			    "/ 1000000", (long long)bucket, (long long)bucket);
			if (stats_top(st, &q, what, "", 10000, list,
			    tops[i].key, 2) == -1) {
				json_decref(o);
				return (NULL);
			}
			continue;
		}
		if (stats_top(st, &q, tops[i].what, tops[i].where,
		    tops[i].limit, list, tops[i].key, tops[i].intkey) == -1) {
			json_decref(o);
			return (NULL);
		}
	}
	if (stats_range(st, &q, o) == -1) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}
