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

/* The master's event store: one SQLite file, written by the parent alone. */

#ifndef HS_STORE_H
#define HS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define STORE_SCHEMA_VERSION	1
#define STORE_QUERY_DEFAULT	100
#define STORE_QUERY_MAX		10000
#define STORE_NAME_MAX		64	/* sizes of the store_sensor fields */
#define STORE_ADDRESS_MAX	64
#define STORE_MODE_MAX		16

struct store;

/* One event as the rpc child decoded it; the store copies what it keeps. */
struct store_event {
	const char	*se_sensor;	/* authenticated name: certificate CN */
	const char	*se_epoch;	/* sensor spool id (hex); "" for ours */
	int64_t		 se_seq;	/* <= 0: the master's, never a dup */
	int64_t		 se_time;	/* µs since the Unix epoch */
	const char	*se_eventid;	/* "honeyspy.session.connect" etc. */
	const char	*se_src_ip;	/* NULL when the event has none */
	const char	*se_json;	/* the whole event, compact JSON */
	size_t		 se_jsonlen;
};

/* Valid only during the store_sensors() callback. */
struct store_sensor {
	char		 ss_name[STORE_NAME_MAX];
	char		 ss_address[STORE_ADDRESS_MAX];	/* "192.0.2.2:41234" */
	char		 ss_mode[STORE_MODE_MAX];	/* "root", "user"... */
	const char	*ss_features;	/* JSON text; NULL if never told */
	int64_t		 ss_first_seen;	/* µs; 0 if never seen */
	int64_t		 ss_last_seen;
	int64_t		 ss_events;	/* events stored from it, ever */
};

struct store_query {
	int64_t		 sq_since;	/* µs, time >= since; 0: unbounded */
	int64_t		 sq_until;	/* µs, time < until; 0: unbounded */
	const char	*sq_sensor;	/* NULL: any */
	const char	*sq_eventid;	/* exact, or a prefix ending in '*' */
	const char	*sq_src_ip;
	const char	*sq_session;	/* the event's "session" */
	const char	*sq_text;	/* a substring of its JSON */
	int64_t		 sq_after;	/* paging: only ids greater than this */
	int		 sq_limit;	/* 1..STORE_QUERY_MAX; 0: the default */
};

/*
 * Every function returns -1 on error, and store_error() then says what
 * went wrong, with SQLite's own message where there is one.  Callbacks
 * return 0 to go on; anything else ends the walk and is returned.  They
 * must not call back into the store.
 */
int	 store_open(struct store **, const char *, char *, size_t);
void	 store_close(struct store *);
const char *store_error(struct store *);

/*
 * A batch is one transaction: store_add() returns 1 for stored, 0 for a
 * duplicate of (sensor, epoch, seq).  After an error in store_add(), or
 * in a write that joined it, the batch is void: store_commit() then rolls
 * it back and returns -1.  Once store_commit() has returned 0 the batch
 * is on disk and may be acked.
 */
int	 store_begin(struct store *);
int	 store_add(struct store *, const struct store_event *);
int	 store_commit(struct store *);
void	 store_rollback(struct store *);

/*
 * NULL address, mode or features keep the old value.  Like the config
 * functions, it joins the open batch if there is one.
 */
int	 store_sensor_seen(struct store *, const char *, const char *,
	    const char *, const char *, int64_t);
int	 store_sensors(struct store *,
	    int (*)(void *, const struct store_sensor *), void *);

int	 store_config_set(struct store *, const char *, const char *, size_t,
	    int64_t);
int	 store_config_get(struct store *, const char *, char **, size_t *);

/* *next: sq_after for the next page, 0 when this page was the last. */
int	 store_query(struct store *, const struct store_query *,
	    int (*)(void *, int64_t, const char *, size_t), void *, int64_t *);

/*
 * Deletes the events whose time is before the first argument (an absolute
 * cutoff in µs; 0: none), then the oldest ones until the space in use is
 * at most the second (bytes; 0: no limit).  Not inside a batch.
 */
int	 store_expire(struct store *, int64_t, int64_t, int64_t *);
int	 store_size(struct store *, int64_t *);
int	 store_last_id(struct store *, int64_t *);
json_t	*store_stats(struct store *, const struct store_query *);

int	 store_output_get(struct store *, const char *, int64_t *);
int	 store_output_set(struct store *, const char *, int64_t);

#endif /* HS_STORE_H */
