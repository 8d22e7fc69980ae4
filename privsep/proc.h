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

/* Process plumbing: imsg channels on libevent, child start-up and demotion. */

#ifndef HS_PROC_H
#define HS_PROC_H

#include <sys/types.h>

#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <stdint.h>

#include "imsg.h"
#include "proto.h"

struct imsgev;

/*
 * Handles one message from a peer.  Returns 0 when it took the message,
 * -1 when the message was bad: the caller then decides what a bad message
 * from that peer means (fatal for a sibling process, a close for a client).
 */
typedef int	(*imsgev_handler)(struct imsgev *, struct imsg *);
/* Called once when the peer closes the channel or it breaks. */
typedef void	(*imsgev_closed)(struct imsgev *);

struct imsgev {
	struct imsgbuf	 ibuf;
	struct event	 ev_read;	/* persistent */
	struct event	 ev_write;	/* pending while the socket is full */
	struct event	 ev_flush;	/* active, or a timer, while queued */
	int		 flushing;	/* IMSGEV_FLUSH_* */
	int		 attached;
	imsgev_handler	 handler;
	imsgev_closed	 closed;
	void		*data;
	const char	*name;
};

/* What a process is allowed to keep, and where it lives. */
/*
 * Where a child runs: a master's children serve the network, a sensor's
 * fake its hosts; one that changes the kernel's network set-up never runs
 * on a master, which may share its host with a sensor.
 */
#define PD_ANY		0
#define PD_MASTER	1
#define PD_SENSOR	2

struct proc_def {
	enum proc_id	 pd_id;
	const char	*pd_name;
	__attribute__((__noreturn__)) void (*pd_main)(const struct proc_def *);
	uint64_t	 pd_caps;	/* effective while running */
	uint64_t	 pd_setup_caps;	/* held only until setup is done */
	int		 pd_chroot;	/* jailed in node.chroot */
	int		 pd_where;	/* PD_ANY, PD_MASTER or PD_SENSOR */
	int		 pd_caps_optional;	/* runs without them too */
	const char	*pd_feature;	/* what an operator loses without it */
};

/* imsg on libevent */
void	imsgev_init(struct imsgev *, int, const char *, imsgev_handler,
	    imsgev_closed, void *);
/*
 * Output waits for the end of the loop's turn, or, sent "later", up to
 * IMSGEV_LATER_MS so that one write and one wake-up of the reader carry
 * many messages; IMSGEV_LATER_MAX queued messages go at once.
 */
#define IMSGEV_FLUSH_NONE	0
#define IMSGEV_FLUSH_NOW	1
#define IMSGEV_FLUSH_LATER	2
#define IMSGEV_LATER_MS		10
#define IMSGEV_LATER_MAX	128

void	imsgev_add(struct imsgev *);
void	imsgev_flush_later(struct imsgev *);
void	imsgev_clear(struct imsgev *);
int	imsgev_compose_later(struct imsgev *, uint32_t, uint32_t, pid_t,
	    const void *, size_t);
int	imsgev_compose(struct imsgev *, uint32_t, uint32_t, pid_t, int,
	    const void *, size_t);

/* parent side */
pid_t	proc_start(const char *, const struct proc_def *, int, int, int *);

/* child side, in this order */
void	proc_child_init(const struct proc_def *, struct hello_msg *);
void	proc_child_jail(const struct proc_def *, const struct hello_msg *);
void	proc_child_setup_done(const struct proc_def *,
	    const struct hello_msg *);
__attribute__((__noreturn__)) void
	proc_child_run(const struct proc_def *, imsgev_handler);
int	proc_child_common(struct imsgev *, struct imsg *);
void	proc_child_next(struct imsgev *, struct imsg *);
void	proc_child_node(struct imsg *, char *, size_t);
struct imsgev	*proc_child_iev(void);
struct event_base *proc_child_base(void);

/* both */
void	proc_self_status(const char *, struct proc_status_msg *);
void	proc_drop(uid_t, gid_t, uint64_t, enum hs_privmode);
void	proc_check_jail(const char *);
enum hs_privmode proc_privmode(uint64_t *);

/* sandbox.c */
void	sandbox_install(enum proc_id);
int	sandbox_state(void);

#endif /* HS_PROC_H */
