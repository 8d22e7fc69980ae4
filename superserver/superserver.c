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

/* superserver: accepts, limits and relays connections to service programs. */

#include <sys/types.h>

#include "log.h"
#include "proc.h"
#include "superserver/superserver.h"

static int	superserver_dispatch_parent(struct imsgev *, struct imsg *);

__attribute__((__noreturn__)) void
superserver_main(const struct proc_def *pd)
{
	struct hello_msg	 hm;

	proc_child_init(pd, &hm);
	proc_child_jail(pd, &hm);
	proc_child_setup_done(pd, &hm);
	proc_child_run(pd, superserver_dispatch_parent);
}

static int
superserver_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	if (proc_child_common(iev, imsg))
		return (0);
	fatalx("%s: unexpected imsg %u", __func__, imsg_get_type(imsg));
}
