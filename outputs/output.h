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
 * Output children: each runs the outputs of one kind.  The parent hands
 * them stored events in id order, at most each output's queue at a time;
 * an output acknowledges a prefix of its queue once its peer has it, and
 * the parent keeps that point in the store, so that an output that was
 * down resumes where it stopped (at least once; consumers deduplicate on
 * event.id).
 */

#ifndef HS_OUTPUT_H
#define HS_OUTPUT_H

#include <sys/queue.h>

#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <jansson.h>
#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct proc_def;
struct enrich;

struct out_event {
	TAILQ_ENTRY(out_event)	 oe_entry;
	int64_t			 oe_id;
	size_t			 oe_len;
	char			 oe_json[];	/* NUL-terminated */
};
TAILQ_HEAD(out_queue, out_event);

struct output;

struct output_ops {
	/* Before the jail: open files, read keys, resolve the peer. */
	int	(*oo_setup)(struct output *, char *, size_t);
	/* Deliver what is queued; may finish later (output_delivered). */
	void	(*oo_kick)(struct output *);
};

struct output {
	struct output_msg	 o_conf;
	const struct output_ops	*o_ops;
	struct out_queue	 o_queue;
	size_t			 o_nqueued;
	int			 o_up;		/* -1 not said yet */
	int			 o_backoff;	/* seconds; 0 when up */
	int			 o_waiting;	/* a retry is armed */
	struct event		 o_retry_ev;
	struct event		 o_kick_ev;	/* after this turn's events */
	int			 o_kick_armed;
	void			*o_priv;
};

extern const struct output_ops	output_file_ops;
extern const struct output_ops	output_syslog_ops;
extern const struct output_ops	output_nats_ops;
extern const struct output_ops	output_webhook_ops;

__attribute__((__noreturn__)) void	output_main(const struct proc_def *);

void		 output_delivered(struct output *, size_t);
void		 output_failed(struct output *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
void		 output_up(struct output *);
json_t		*output_parse(struct output *, const struct out_event *);
json_t		*output_event(struct output *, const struct out_event *);
SSL_CTX		*output_tls_client(struct output *, char *, size_t);
struct enrich	*output_enrich(void);

json_t		*ecs_map(json_t *, int64_t, const char *);

#endif /* HS_OUTPUT_H */
