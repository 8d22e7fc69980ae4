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

/* Checks of struct service_msg, for every process that receives one. */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "service.h"

#define TERMINATED(a)	(memchr((a), '\0', sizeof(a)) != NULL)

/*
 * Whether a service message is whole: every string terminated inside its
 * field, exactly sv_nargs arguments, values in range.  why gets the first
 * problem found.
 */
int
service_msg_valid(const struct service_msg *sv, char *why, size_t len)
{
	const char	*p, *end;
	int		 i;

	if (!TERMINATED(sv->sv_addrtext) || !TERMINATED(sv->sv_name) ||
	    !TERMINATED(sv->sv_program) || !TERMINATED(sv->sv_personality) ||
	    !TERMINATED(sv->sv_directory)) {
		(void)snprintf(why, len, "unterminated string");
		return (0);
	}
	if (sv->sv_af != AF_UNSPEC && sv->sv_af != AF_INET &&
	    sv->sv_af != AF_INET6) {
		(void)snprintf(why, len, "bad address family %d", sv->sv_af);
		return (0);
	}
	if (sv->sv_proto != IPPROTO_TCP && sv->sv_proto != IPPROTO_UDP) {
		(void)snprintf(why, len, "bad protocol %d", sv->sv_proto);
		return (0);
	}
	if (sv->sv_port < 1 || sv->sv_port > 65535) {
		(void)snprintf(why, len, "bad port %d", sv->sv_port);
		return (0);
	}
	if (sv->sv_chroot != 0 && sv->sv_chroot != 1) {
		(void)snprintf(why, len, "bad chroot flag %d", sv->sv_chroot);
		return (0);
	}
	if (sv->sv_program[0] != '/' || sv->sv_directory[0] != '/') {
		(void)snprintf(why, len, "program and directory must be "
		    "absolute");
		return (0);
	}
	if (sv->sv_nargs < 0 || sv->sv_nargs > HS_MAXARGS) {
		(void)snprintf(why, len, "bad argument count %d",
		    sv->sv_nargs);
		return (0);
	}
	p = sv->sv_args;
	end = sv->sv_args + sizeof(sv->sv_args);
	for (i = 0; i < sv->sv_nargs; i++) {
		if ((p = memchr(p, '\0', (size_t)(end - p))) == NULL) {
			(void)snprintf(why, len, "arguments overrun");
			return (0);
		}
		p++;
	}
	if (sv->sv_connections < 1 || sv->sv_per_source < 1 ||
	    sv->sv_rate < 1 || sv->sv_window < 1 || sv->sv_timeout < 1 ||
	    sv->sv_idle < 1 ||
	    sv->sv_bytes < 0 || sv->sv_transcript < 0 || sv->sv_rl_cpu < 0 ||
	    sv->sv_rl_as < 0 || sv->sv_rl_nofile < 0 || sv->sv_rl_nproc < 0 ||
	    sv->sv_rl_fsize < 0 || sv->sv_nice < 0 ||
	    sv->sv_nice > HS_SVC_NICE_MAX) {
		(void)snprintf(why, len, "limit out of range");
		return (0);
	}
	return (1);
}
