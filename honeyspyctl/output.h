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

/* honeyspyctl's output: tables for people, JSON for programs. */

#ifndef HS_CTL_OUTPUT_H
#define HS_CTL_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "proto.h"

struct status_reply {
	struct ctl_status	 st;
	struct proc_status_msg	*procs;
	size_t			 nprocs;
	struct ctl_feature	*features;
	size_t			 nfeatures;
	struct ctl_service_info	*services;
	size_t			 nservices;
	int			 have_capture;
	struct cap_stats_msg	 capture;
	struct ctl_filter	*filters;
	size_t			 nfilters;
	struct host_msg		*hosts;
	size_t			 nhosts;
	struct alias_msg	*aliases;
	size_t			 naliases;
	json_t			*items;		/* IMSG_CTL_JSON, in order */
	int64_t			 cursor;	/* getEvents: next "after" */
	int64_t			 last;		/* getEvents: the last id */
};

void	output_status(const struct status_reply *, int);
void	output_json(json_t *);
void	output_text(const char *);
json_t	*status_json(const struct status_reply *);
json_t	*services_json(const struct status_reply *);
json_t	*filters_json(const struct status_reply *, int);
json_t	*hosts_json(const struct status_reply *);
void	output_services(const struct status_reply *, int);
void	output_filters(const struct status_reply *, int, int);
void	output_hosts(const struct status_reply *, int);
json_t	*aliases_json(const struct status_reply *);
void	output_aliases(const struct status_reply *, int);
json_t	*fingerprint_json(const struct status_reply *);
void	output_fingerprint(const struct status_reply *, int);
void	output_sensors(const struct status_reply *, int);

#endif /* HS_CTL_OUTPUT_H */
