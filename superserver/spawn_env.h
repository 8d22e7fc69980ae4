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

/* spawn_env: a service program's argv and environment, built without I/O. */

#ifndef HS_SPAWN_ENV_H
#define HS_SPAWN_ENV_H

#include <sys/types.h>

#include <limits.h>
#include <time.h>

#include "proto.h"

/*
 * Room for the program path plus the arguments after substitution: each
 * variable may grow an argument (an IPv6 address for "$ipsrc"), so the
 * arguments get four times their configured size; what does not fit is
 * an error, never a cut.
 */
/* The program, then its arguments. */
#define SPAWN_ARGV_MAX		(HS_MAXARGS + 1)
#define SPAWN_ARGBUF		(PATH_MAX + 4 * HS_ARGSLEN)

/* Every variable we set, at most; two of them hold a whole path. */
#define SPAWN_ENV_MAX		24
#define SPAWN_ENVBUF		(2 * PATH_MAX + 4096)

/* "$date" becomes the UTC day, as honeyd's local day: YYYY-MM-DD. */
#define SPAWN_DATELEN		sizeof("YYYY-MM-DD")

struct spawn_argv {
	char	*sa_argv[SPAWN_ARGV_MAX + 1];	/* NULL-terminated */
	size_t	 sa_argc;
	char	 sa_buf[SPAWN_ARGBUF];
};

struct spawn_envp {
	char	*se_envp[SPAWN_ENV_MAX + 1];	/* NULL-terminated */
	size_t	 se_envc;
	char	 se_buf[SPAWN_ENVBUF];
};

/*
 * All return 0, or -1 with errno E2BIG (a result does not fit) or EINVAL
 * (a field is not terminated or out of range).  The pointers in the
 * structs point into the structs themselves: do not copy them.
 */
int	spawn_subst(const char *, const struct spawn_msg *, time_t, char *,
	    size_t);
int	spawn_argv_build(struct spawn_argv *, const struct service_msg *,
	    const struct spawn_msg *, time_t);
int	spawn_envp_build(struct spawn_envp *, const struct service_msg *,
	    const struct spawn_msg *);

#endif /* HS_SPAWN_ENV_H */
