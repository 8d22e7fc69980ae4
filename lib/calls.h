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
 * The fixed RPC call table: every call a peer may make, where it runs,
 * who may make it and what its arguments are.  Nothing is looked up by
 * any other means; a call not in this table does not exist.
 */

#ifndef HS_CALLS_H
#define HS_CALLS_H

#include <stddef.h>

#include <jansson.h>

/* Where a call runs. */
#define NODE_SENSOR		0x01
#define NODE_MASTER		0x02

/* Who may make it: the OU of the caller's certificate. */
#define ROLE_SENSOR		0x01
#define ROLE_ADMIN		0x02
#define ROLE_MASTER		0x04

#define CALL_MAXARGS		80
#define CALL_ARGLEN		1024	/* one word; CALL_TEXTLEN for text */
#define CALL_TEXTLEN		(256 * 1024)

enum call_exec {
	EXEC_LINK,	/* the rpc child answers it */
	EXEC_CONTROL	/* the node's parent, as honeyspyctl would ask it */
};

enum call_arg {
	ARG_NAME,	/* a node name: [A-Za-z0-9._-], 1..63 */
	ARG_CALL,	/* a call name, checked again where it runs */
	ARG_ADDR,	/* an IPv4 or IPv6 address, or "*" */
	ARG_PROTO,	/* tcp or udp */
	ARG_PORT,	/* 1..65535 */
	ARG_NUMBER,	/* a rule number, 1..64 */
	ARG_PATH,	/* an absolute path */
	ARG_WORD,	/* any printable text up to CALL_ARGLEN */
	ARG_QUERY,	/* key=value of getEvents */
	ARG_TEXT,	/* a document (YAML) up to CALL_TEXTLEN */
	ARG_OBJECT	/* a JSON object */
};

struct call_def {
	const char	*cd_name;
	int		 cd_nodes;
	int		 cd_roles;
	enum call_exec	 cd_exec;
	int		 cd_min;
	int		 cd_max;	/* -1: up to CALL_MAXARGS */
	enum call_arg	 cd_args[6];	/* the last one repeats */
	int		 cd_nargs;	/* entries in cd_args */
	const char	*cd_usage;
};

const struct call_def	*call_find(const char *, int);
int			 call_check(const struct call_def *, int, json_t *,
			    size_t, char *, size_t);
char			**call_argv(const struct call_def *, json_t *, size_t,
			    int *);
void			 call_argv_free(char **, int);
const char		*call_role_name(int);
int			 call_name_valid(const char *);

#endif /* HS_CALLS_H */
