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

/* Wire types shared by every HoneySpy process: no functions here. */

#ifndef HS_PROTO_H
#define HS_PROTO_H

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>

/* Bumped whenever a message below changes shape. */
#define HS_PROTO_VERSION	1

#define HS_PARENT_FD		3	/* a child's channel to its parent */
#define HS_USER			"_honeyspy"
#define HS_CHROOT		"/var/lib/honeyspy/empty"
#define HS_CONFIG		"/etc/honeyspy/honeyspyd.yaml"
#define HS_SOCKET		"/run/honeyspy/honeyspyd.sock"
#define HS_NAMELEN		64

enum proc_id {
	PROC_PARENT,
	PROC_NETCTL,
	PROC_CAPTURE,
	PROC_PERSONA,
	PROC_BINDER,
	PROC_SUPERSERVER,
	PROC_RPC,
	PROC_WEB,
#ifdef HS_REGRESS
	PROC_REGRESS,		/* test-only child that breaks its sandbox */
#endif
	PROC_MAX
};

/* How the suite runs, decided at start from what it holds. */
enum hs_privmode {
	PRIVMODE_USER,		/* no capabilities */
	PRIVMODE_CAPS,		/* file capabilities, not root */
	PRIVMODE_ROOT
};

enum imsg_type {
	IMSG_NONE,

	/* parent <-> child: start-up and liveness */
	IMSG_HELLO,		/* both ways, peerid = HS_PROTO_VERSION */
	IMSG_STATUS_REQ,	/* parent -> child, peerid = request id */
	IMSG_STATUS,		/* child -> parent, struct proc_status_msg */
	IMSG_LOG,		/* child -> parent, struct log_msg + text */

	/* honeyspyctl <-> parent */
	IMSG_CTL_HELLO,		/* both ways, peerid = HS_PROTO_VERSION */
	IMSG_CTL_STATUS,	/* request: none; reply: struct ctl_status */
	IMSG_CTL_PROC,		/* reply: one struct proc_status_msg each */
	IMSG_CTL_FEATURE,	/* reply: one struct ctl_feature each */
	IMSG_CTL_RELOAD,	/* request: none */
	IMSG_CTL_END,		/* end of a successful reply */
	IMSG_CTL_FAIL,		/* reply: NUL-terminated reason */
};

/* What a child reports about itself, and the parent about itself. */
struct proc_status_msg {
	char		ps_name[HS_NAMELEN];
	int32_t		ps_pid;
	uint32_t	ps_uid;
	uint32_t	ps_gid;
	uint64_t	ps_capeff;	/* bit n set: capability n effective */
	int32_t		ps_seccomp;	/* 0 none, 2 filter (as /proc says) */
	int32_t		ps_chrooted;
	char		ps_chroot[PATH_MAX];
};

struct ctl_status {
	int32_t		cs_privmode;	/* enum hs_privmode */
	int32_t		cs_nodemode;	/* enum hs_nodemode (config.h) */
	char		cs_node[HS_NAMELEN];
	int64_t		cs_started;	/* time(3) of start */
};

struct ctl_feature {
	char		cf_name[HS_NAMELEN];
	char		cf_desc[HS_NAMELEN];
	int32_t		cf_enabled;
	char		cf_reason[128];	/* why it is off; empty when on */
};

/*
 * The parent's first message to a child, before the child sets up: how to
 * jail itself.  The parent resolves the user before anyone enters a chroot,
 * where the password database is out of reach.
 */
struct hello_msg {
	int32_t		hm_privmode;	/* enum hs_privmode */
	int32_t		hm_verbose;
	uint32_t	hm_uid;
	uint32_t	hm_gid;
	char		hm_chroot[PATH_MAX];
};

/* A log line from a jailed child; the text follows, NUL-terminated. */
struct log_msg {
	int32_t		lm_priority;	/* syslog(3) priority */
};

#endif /* HS_PROTO_H */
