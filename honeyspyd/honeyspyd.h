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

/* The parent process: its state, shared by honeyspyd.c and control.c only. */

#ifndef HS_HONEYSPYD_H
#define HS_HONEYSPYD_H

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>

#include "proc.h"
#include "proto.h"

struct hs_config;

struct child {
	const struct proc_def	*c_def;
	pid_t			 c_pid;
	int			 c_running;	/* not reaped yet */
	int			 c_ready;	/* said hello */
	int			 c_fd;
	struct imsgev		 c_iev;
	struct event		 c_wait;	/* closed channel, not yet reaped */
	int			 c_waits;
	int			 c_drained;	/* answered IMSG_SS_DRAIN */
};

struct parent {
	struct hs_config	*p_conf;
	const char		*p_conffile;
	const char		*p_socket;
	enum hs_privmode	 p_privmode;
	uint64_t		 p_permitted;
	uid_t			 p_uid;		/* what we run as after drop */
	gid_t			 p_gid;
	int			 p_debug;
	int			 p_verbose;
	time_t			 p_started;
	char			 p_cwd[PATH_MAX];	/* where we started */
	char			 p_self[PATH_MAX];	/* our own executable */
	int			 p_stopping;
	struct child		 p_child[PROC_MAX];
	const struct proc_def	*p_table;
	size_t			 p_ntable;
};

extern struct parent	*hs;

/* honeyspyd.c */
int	parent_status_request(uint32_t);
int	parent_reload(void);
int	parent_feature(const struct proc_def *, char *, size_t);

/* honeyspyd.c: packet capture */
int	capctl_add(uint32_t, const char *, char *, size_t);
int	capctl_del(uint32_t, uint32_t, char *, size_t);
int	capctl_replace(uint32_t, char *const *, size_t, char *, size_t);
int	capctl_enable(uint32_t, int, char *, size_t);
int	capctl_get(struct imsgev *, uint32_t, char *, size_t);
int	capctl_hosts(struct imsgev *, char *, size_t);

/* honeyspyd.c: virtual hosts */
struct ctl_alias;
int	aliasctl_add(uint32_t, const struct ctl_alias *, char *, size_t);
int	aliasctl_del(uint32_t, const struct ctl_alias *, char *, size_t);
int	aliasctl_get(uint32_t, char *, size_t);
int	personactl_set(uint32_t, const struct ctl_alias *, char *, size_t);
int	personactl_get(uint32_t, const struct ctl_alias *, char *, size_t);
int	persona_status(struct imsgev *);

/* services.c */
struct ctl_service;
struct imsg;
struct imsgev *child_iev(enum proc_id);
void	services_init(void);
void	services_reload(void);
void	services_bind_reply(struct imsg *);
void	services_listening(struct imsg *);
int	services_ctl_add(uint32_t, const struct ctl_service *, char *, size_t);
int	services_ctl_del(const struct ctl_service *, char *, size_t);
void	services_ctl_get(struct imsgev *);
void	services_ctl_gone(uint32_t);

/* artifacts.c */
struct detect_data;
struct detect_done;
void	artifacts_open(const char *, uid_t, gid_t, int);
void	artifacts_data(const struct detect_data *, const void *, size_t);
void	artifacts_end(const struct detect_done *);

/* eventlog.c */
void	eventlog_open(const char *, uid_t, gid_t, int);
void	eventlog_reopen(void);
void	eventlog_write(const char *, size_t);
void	eventlog_flush(void);
void	eventlog_hold(void);

/* outputs.c: a master's outputs, the parent's side */
struct store;
int	outputs_wanted(enum proc_id, char *, size_t);
void	outputs_init(void);
void	outputs_start(struct store *);
void	outputs_feed(void);
int	outputs_dispatch(struct imsg *, enum proc_id);

/* link.c: the rpc child, the spool (sensor) and the store (master) */
struct ctl_query;
void	link_init(void);
void	link_start(void);

/* webui.c */
int	webui_wanted(char *, size_t);
void	webui_start(void);
void	webui_reload(void);
void	link_open(void);
void	link_reload(void);
void	link_event(const char *, size_t);
int	link_dispatch(struct imsg *);
void	link_shutdown(void);
int	link_in_batch(void);
int	master_ctl_sensors(struct imsgev *, char *, size_t);
int	master_ctl_stats(struct imsgev *, const struct ctl_query *, char *,
	    size_t);
int	master_ctl_events(struct imsgev *, const struct ctl_query *, char *,
	    size_t);
int	link_ctl_setconfig(struct imsgev *, const char *, const char *, size_t,
	    char *, size_t);
int	link_ctl_getconfig(struct imsgev *, const char *, char *, size_t);
const char *link_pushed_config(const struct hs_config *, char *, size_t);

/* honeyspyd.c */
void	parent_stop_soon(void);

/* control.c */
void	control_adopt(int, const char *);
void	control_reply(uint32_t, const char *);
void	control_data(uint32_t, uint32_t, const void *, size_t);
void	control_init(const char *, uid_t, gid_t, enum hs_privmode);
void	control_listen(void);
void	control_cleanup(void);
void	control_status_reply(uint32_t, enum proc_id,
	    const struct proc_status_msg *);
void	control_capture_stats(uint32_t, const struct cap_stats_msg *);

#endif /* HS_HONEYSPYD_H */
