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
 * Test-only child, built into honeyspyd-regress and never into honeyspyd:
 * it sets up like any child, then opens an inet socket, which no child's
 * table allows.  The kernel must kill it with SIGSYS, and the suite must
 * notice and exit non-zero.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include "log.h"
#include "proc.h"
#include "regress/sandbox/violator.h"

__attribute__((__noreturn__)) void
violator_main(const struct proc_def *pd)
{
	struct hello_msg	 hm;

	proc_child_init(pd, &hm);
	proc_child_jail(pd, &hm);
	proc_child_setup_done(pd, &hm);
	log_info("opening a socket outside my sandbox");
	(void)socket(AF_INET, SOCK_STREAM, 0);
	fatalx("still alive after a forbidden syscall");
}
