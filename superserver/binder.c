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

/* binder: binds allowed listening sockets and passes them on (keeps CAP_NET_BIND_SERVICE). */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "net.h"
#include "proc.h"
#include "service.h"
#include "superserver/binder.h"

/* What the configuration allows us to bind: one entry per service. */
struct bind_allow {
	TAILQ_ENTRY(bind_allow)	 ba_entry;
	struct service_msg	 ba_sv;
};

static TAILQ_HEAD(, bind_allow)	 allowed = TAILQ_HEAD_INITIALIZER(allowed);

static int	binder_dispatch_parent(struct imsgev *, struct imsg *);
static struct bind_allow *binder_find(uint32_t);
static int	binder_allowed(const struct bind_msg *, char *, size_t);
static void	binder_bind(struct imsgev *, const struct bind_msg *);

__attribute__((__noreturn__)) void
binder_main(const struct proc_def *pd)
{
	struct hello_msg	 hm;

	proc_child_init(pd, &hm);
	proc_child_jail(pd, &hm);
	proc_child_setup_done(pd, &hm);
	proc_child_run(pd, binder_dispatch_parent);
}

static struct bind_allow *
binder_find(uint32_t id)
{
	struct bind_allow	*ba;

	TAILQ_FOREACH(ba, &allowed, ba_entry)
		if (ba->ba_sv.sv_id == id)
			return (ba);
	return (NULL);
}

/*
 * A request must name a configured service and ask for exactly its family,
 * address, protocol and port; "any" services are bound on the IPv6 (or,
 * without IPv6, IPv4) any-address.
 */
static int
binder_allowed(const struct bind_msg *bm, char *why, size_t len)
{
	struct bind_allow	*ba;
	const struct service_msg *sv;

	if ((ba = binder_find(bm->bm_id)) == NULL) {
		(void)snprintf(why, len, "service %u is not configured",
		    bm->bm_id);
		return (0);
	}
	sv = &ba->ba_sv;
	if (bm->bm_proto != sv->sv_proto || bm->bm_port != sv->sv_port) {
		(void)snprintf(why, len, "protocol or port differ from "
		    "service %u", bm->bm_id);
		return (0);
	}
	if (sv->sv_af == AF_UNSPEC) {
		if ((bm->bm_af != AF_INET && bm->bm_af != AF_INET6) ||
		    !net_is_any(bm->bm_addr)) {
			(void)snprintf(why, len, "service %u listens on any "
			    "address only", bm->bm_id);
			return (0);
		}
		return (1);
	}
	/* Both are zero-padded to 16 bytes, so the whole field compares. */
	if (bm->bm_af != sv->sv_af ||
	    memcmp(bm->bm_addr, sv->sv_addr, sizeof(bm->bm_addr)) != 0) {
		(void)snprintf(why, len, "address differs from service %u",
		    bm->bm_id);
		return (0);
	}
	return (1);
}

static void
binder_bind(struct imsgev *iev, const struct bind_msg *bm)
{
	struct bind_reply	 br;
	int			 fd = -1;

	memset(&br, 0, sizeof(br));
	br.br_id = bm->bm_id;
	if (!binder_allowed(bm, br.br_reason, sizeof(br.br_reason))) {
		log_warnx("refusing to bind: %s", br.br_reason);
		br.br_errno = EPERM;
	} else if ((fd = net_listen(bm->bm_af, bm->bm_addr, bm->bm_proto,
	    bm->bm_port, br.br_reason, sizeof(br.br_reason))) == -1) {
		br.br_errno = errno;
		log_warnx("service %u: %s", bm->bm_id, br.br_reason);
	}
	if (imsgev_compose(iev, IMSG_BIND_FD, 0, 0, fd, &br, sizeof(br)) == -1)
		fatal("%s: compose", __func__);
}

static int
binder_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct bind_allow	*ba;
	struct service_msg	 sv;
	struct bind_msg		 bm;
	char			 why[128];

	if (proc_child_common(iev, imsg))
		return (0);
	switch (imsg_get_type(imsg)) {
	case IMSG_CFG_SERVICE:
		if (imsg_get_data(imsg, &sv, sizeof(sv)) == -1)
			fatalx("%s: IMSG_CFG_SERVICE: bad size", __func__);
		if (!service_msg_valid(&sv, why, sizeof(why)))
			fatalx("%s: IMSG_CFG_SERVICE: %s", __func__, why);
		if ((ba = binder_find(sv.sv_id)) == NULL) {
			if ((ba = calloc(1, sizeof(*ba))) == NULL)
				fatal("%s: calloc", __func__);
			TAILQ_INSERT_TAIL(&allowed, ba, ba_entry);
		}
		ba->ba_sv = sv;
		break;
	case IMSG_CFG_DELSERVICE:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: IMSG_CFG_DELSERVICE: bad size", __func__);
		if ((ba = binder_find(imsg_get_id(imsg))) != NULL) {
			TAILQ_REMOVE(&allowed, ba, ba_entry);
			free(ba);
		}
		break;
	case IMSG_CFG_DONE:
		break;
	case IMSG_BIND_REQ:
		if (imsg_get_data(imsg, &bm, sizeof(bm)) == -1)
			fatalx("%s: IMSG_BIND_REQ: bad size", __func__);
		binder_bind(iev, &bm);
		break;
	default:
		fatalx("%s: unexpected imsg %u", __func__, imsg_get_type(imsg));
	}
	return (0);
}
