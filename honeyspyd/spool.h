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
 * The sensor's durable event spool: events wait here, numbered, until the
 * master acknowledges them.
 *
 * Layout of the directory:
 *	epoch				32 hex chars: names this sequence space
 *	acked				last acknowledged seq (a hint: may lag)
 *	00000000000000000001.spool	"<seq> <json>\n" records, file named
 *					by the seq of its first record
 * Other names are ignored.  One process at a time: the directory is locked.
 *
 * Sequence numbers start at 1 and never repeat within an epoch.  When the
 * old sequence history cannot be trusted (no epoch file, or the segments
 * were removed by hand) spool_open makes a new epoch and starts at 1, so
 * the master never mistakes a new event for one it already stored.
 */

#ifndef HS_SPOOL_H
#define HS_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#define SPOOL_JSON_MAX		65536		/* longest event accepted */
#define SPOOL_EPOCH_LEN		32		/* hex chars, without NUL */
#define SPOOL_SEGMENT_DEFAULT	(8ULL * 1024 * 1024)
#define SPOOL_SEGMENT_MIN	4096ULL
#define SPOOL_MAX_MIN		(1024ULL * 1024)	/* smallest bound */

struct spool;

/*
 * Callback of spool_read.  json is NUL-terminated (len excludes the NUL)
 * and valid only during the call; the callback must not call into the
 * spool.  Return 0 to take the record, anything else to refuse it: the
 * read stops and the refused record comes first next time.
 */
typedef int	(*spool_cb)(void *, uint64_t seq, const char *json, size_t len);

/*
 * max_bytes: bound on the segment bytes, 0 for none, else at least
 * SPOOL_MAX_MIN.  segment_bytes: 0 for SPOOL_SEGMENT_DEFAULT, else at
 * least SPOOL_SEGMENT_MIN; lowered to max_bytes / 4 so that the bound
 * never throws away more than a quarter of the spool at once.
 * Returns 0, or -1 with the reason in err.
 */
int		 spool_open(struct spool **, const char *dir,
		    uint64_t max_bytes, uint64_t segment_bytes, char *err,
		    size_t errlen);
/* Appends not yet synced are discarded: call spool_sync first. */
void		 spool_close(struct spool *);
const char	*spool_epoch(const struct spool *);

/*
 * Buffer one event (1..SPOOL_JSON_MAX printable ASCII bytes) and return
 * its seq, or 0 on error.  Nothing reaches the disk before spool_sync.
 */
uint64_t	 spool_append(struct spool *, const char *json, size_t len);
/*
 * Write what is buffered and make it durable (fdatasync; the directory is
 * synced when segments came or went).  Only then may spool_read see it.
 * On failure the records stay buffered and the next call retries them;
 * if a segment could not even be cut back to its synced size, appends and
 * syncs fail from then on (spool_error still says why) until a reopen.
 */
int		 spool_sync(struct spool *);
uint64_t	 spool_last(const struct spool *);	/* 0: none yet */
uint64_t	 spool_synced(const struct spool *);	/* highest readable */
uint64_t	 spool_acked(const struct spool *);
/*
 * Cumulative acknowledgement.  A seq at or below the current one is
 * ignored; one above spool_synced() (never handed out by spool_read) is an
 * error.  Segments holding only acknowledged records are removed, except
 * the newest, which carries the sequence across a restart.
 */
int		 spool_ack(struct spool *, uint64_t seq);
/* Unacknowledged events the size bound removed since the last call. */
uint64_t	 spool_take_lost(struct spool *);
/*
 * Deliver synced records with seq >= from (or from the oldest one left if
 * from was removed), in order, at most max_records (0: no limit) and,
 * unless the first record alone is larger, at most max_bytes of json
 * (0: no limit).  *next gets the seq to pass as from next time; reading
 * on from there is cheap.  A from past spool_last() + 1 is an error.
 * Returns the number delivered, or -1.
 */
int		 spool_read(struct spool *, uint64_t from, spool_cb cb,
		    void *arg, size_t max_records, size_t max_bytes,
		    uint64_t *next);
const char	*spool_error(const struct spool *);

#endif /* HS_SPOOL_H */
