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


/* The RPC call table and its argument checks. */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"

#define ANY	(NODE_SENSOR | NODE_MASTER)
#define OPS	(ROLE_ADMIN | ROLE_MASTER)	/* who drives a node */

/*
 * Sorted by name.  A sensor takes orders from its master only; the master
 * from admins, and it forwards runOnNode to a sensor in the master's role.
 * The original design's names are kept for its operators.
 */
static const struct call_def calls[] = {
	{ "addAlias", NODE_SENSOR, OPS, EXEC_CONTROL, 1, 2,
	    { ARG_ADDR, ARG_WORD }, 2, "addAlias IP [MAC|VENDOR]" },
	{ "addFilter", ANY, OPS, EXEC_CONTROL, 1, -1,
	    { ARG_WORD }, 1, "addFilter EXPRESSION" },
	{ "addService", ANY, OPS, EXEC_CONTROL, 4, 4 + 32,
	    { ARG_ADDR, ARG_PROTO, ARG_PORT, ARG_PATH, ARG_WORD }, 5,
	    "addService ADDR tcp|udp PORT PROGRAM [ARGS...]" },
	{ "delAlias", NODE_SENSOR, OPS, EXEC_CONTROL, 1, 1,
	    { ARG_ADDR }, 1, "delAlias IP" },
	{ "delFilter", ANY, OPS, EXEC_CONTROL, 1, 1,
	    { ARG_NUMBER }, 1, "delFilter N" },
	{ "delService", ANY, OPS, EXEC_CONTROL, 3, 3,
	    { ARG_ADDR, ARG_PROTO, ARG_PORT }, 3,
	    "delService ADDR tcp|udp PORT" },
	{ "disablePcap", ANY, OPS, EXEC_CONTROL, 0, 0, { 0 }, 0,
	    "disablePcap" },
	{ "enablePcap", ANY, OPS, EXEC_CONTROL, 0, 0, { 0 }, 0,
	    "enablePcap" },
	{ "getAliases", NODE_SENSOR, OPS, EXEC_CONTROL, 0, 0, { 0 }, 0,
	    "getAliases" },
	{ "getConfig", NODE_MASTER, ROLE_ADMIN, EXEC_CONTROL, 1, 1,
	    { ARG_NAME }, 1, "getConfig SENSOR" },
	{ "getConfig", NODE_SENSOR, ROLE_MASTER, EXEC_CONTROL, 0, 0,
	    { 0 }, 0, "getConfig" },
	{ "getEvents", NODE_MASTER, ROLE_ADMIN, EXEC_CONTROL, 0, 10,
	    { ARG_QUERY }, 1,
	    "getEvents [since=T] [until=T] [sensor=S] [eventid=E] "
	    "[src_ip=A] [session=ID] [text=S] [limit=N] [after=ID|end]" },
	{ "getFilter", ANY, OPS, EXEC_CONTROL, 1, 1,
	    { ARG_NUMBER }, 1, "getFilter N" },
	{ "getFilters", ANY, OPS, EXEC_CONTROL, 0, 0, { 0 }, 0,
	    "getFilters" },
	{ "getFingerprint", NODE_SENSOR, OPS, EXEC_CONTROL, 1, 1,
	    { ARG_ADDR }, 1, "getFingerprint IP" },
	{ "getHosts", ANY, OPS, EXEC_CONTROL, 0, 0, { 0 }, 0, "getHosts" },
	{ "getName", ANY, OPS, EXEC_CONTROL, 0, 0, { 0 }, 0, "getName" },
	{ "getSensors", NODE_MASTER, ROLE_ADMIN, EXEC_CONTROL, 0, 0, { 0 }, 0,
	    "getSensors" },
	{ "getServices", ANY, OPS, EXEC_CONTROL, 0, 0, { 0 }, 0,
	    "getServices" },
	{ "getStats", NODE_MASTER, ROLE_ADMIN, EXEC_CONTROL, 0, 4,
	    { ARG_QUERY }, 1,
	    "getStats [since=T] [until=T] [sensor=S] [src_ip=A]" },
	{ "getStatus", ANY, OPS, EXEC_CONTROL, 0, 0, { 0 }, 0, "getStatus" },
	{ "heartbeat", NODE_MASTER, ROLE_SENSOR, EXEC_LINK, 0, 0, { 0 }, 0,
	    "heartbeat" },
	{ "hello", NODE_MASTER, ROLE_SENSOR, EXEC_LINK, 1, 1,
	    { ARG_OBJECT }, 1, "hello {...}" },
	{ "info", ANY, OPS, EXEC_CONTROL, 0, 0, { 0 }, 0, "info" },
	{ "kill", ANY, OPS, EXEC_CONTROL, 0, 0, { 0 }, 0, "kill" },
	{ "reload", ANY, OPS, EXEC_CONTROL, 0, 0, { 0 }, 0, "reload" },
	{ "replaceFilters", ANY, OPS, EXEC_CONTROL, 0, 64,
	    { ARG_WORD }, 1, "replaceFilters [EXPRESSION...]" },
	{ "runOnNode", NODE_MASTER, ROLE_ADMIN, EXEC_LINK, 2, -1,
	    { ARG_NAME, ARG_CALL, ARG_WORD }, 3,
	    "runOnNode SENSOR CALL [ARGS...]" },
	{ "setConfig", NODE_MASTER, ROLE_ADMIN, EXEC_CONTROL, 2, 2,
	    { ARG_NAME, ARG_TEXT }, 2, "setConfig SENSOR YAML" },
	{ "setConfig", NODE_SENSOR, ROLE_MASTER, EXEC_CONTROL, 1, 1,
	    { ARG_TEXT }, 1, "setConfig YAML" },
	{ "setFingerprint", NODE_SENSOR, OPS, EXEC_CONTROL, 2, 2,
	    { ARG_ADDR, ARG_TEXT }, 2, "setFingerprint IP PERSONALITY" },
};

static int	arg_check(enum call_arg, json_t *, char *, size_t);
static int	printable(const char *, size_t, int);

/* The call of that name that runs on this kind of node, or NULL. */
const struct call_def *
call_find(const char *name, int node)
{
	size_t	 i;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (strcmp(calls[i].cd_name, name) == 0 &&
		    (calls[i].cd_nodes & node) != 0)
			return (&calls[i]);
	return (NULL);
}

const char *
call_role_name(int role)
{
	switch (role) {
	case ROLE_SENSOR:
		return ("sensor");
	case ROLE_ADMIN:
		return ("admin");
	case ROLE_MASTER:
		return ("master");
	}
	return ("unknown");
}

/* A node's name as certificates and configurations spell it. */
int
call_name_valid(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > 63 || s[0] == '.' || s[0] == '-')
		return (0);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-')
			return (0);
	return (1);
}

/* Text with no control bytes; tabs and newlines only where allowed. */
static int
printable(const char *s, size_t n, int text)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] == 0x7f)
			return (0);
		if ((unsigned char)s[i] >= 0x20)
			continue;
		if (text && (s[i] == '\n' || s[i] == '\t' || s[i] == '\r'))
			continue;
		return (0);
	}
	return (1);
}

static int
arg_check(enum call_arg type, json_t *a, char *why, size_t whylen)
{
	const char	*s;
	struct in6_addr	 in6;
	json_int_t	 v;
	size_t		 n;
	char		*end;
	long long	 ll;

	if (type == ARG_OBJECT) {
		if (!json_is_object(a)) {
			(void)snprintf(why, whylen, "not an object");
			return (-1);
		}
		return (0);
	}
	if ((type == ARG_PORT || type == ARG_NUMBER) && json_is_integer(a)) {
		v = json_integer_value(a);
		if (v < 1 || v > (type == ARG_PORT ? 65535 : 64)) {
			(void)snprintf(why, whylen, "%" JSON_INTEGER_FORMAT
			    " is out of range", v);
			return (-1);
		}
		return (0);
	}
	if (!json_is_string(a)) {
		(void)snprintf(why, whylen, "not a string");
		return (-1);
	}
	s = json_string_value(a);
	n = json_string_length(a);
	if (strlen(s) != n || n > (type == ARG_TEXT ? CALL_TEXTLEN :
	    CALL_ARGLEN - 1) || !printable(s, n, type == ARG_TEXT)) {
		(void)snprintf(why, whylen, "too long or not printable");
		return (-1);
	}
	switch (type) {
	case ARG_NAME:
	case ARG_CALL:
		if (!call_name_valid(s)) {
			(void)snprintf(why, whylen, "not a name");
			return (-1);
		}
		return (0);
	case ARG_ADDR:
		if (strcmp(s, "*") != 0 && inet_pton(AF_INET, s, &in6) != 1 &&
		    inet_pton(AF_INET6, s, &in6) != 1) {
			(void)snprintf(why, whylen, "not an address");
			return (-1);
		}
		return (0);
	case ARG_PROTO:
		if (strcmp(s, "tcp") != 0 && strcmp(s, "udp") != 0) {
			(void)snprintf(why, whylen, "not tcp or udp");
			return (-1);
		}
		return (0);
	case ARG_PORT:
	case ARG_NUMBER:
		ll = strtoll(s, &end, 10);
		if (n == 0 || !isdigit((unsigned char)s[0]) || *end != '\0' ||
		    ll < 1 || ll > (type == ARG_PORT ? 65535 : 64)) {
			(void)snprintf(why, whylen, "not a number from 1 to %d",
			    type == ARG_PORT ? 65535 : 64);
			return (-1);
		}
		return (0);
	case ARG_PATH:
		if (s[0] != '/') {
			(void)snprintf(why, whylen, "not an absolute path");
			return (-1);
		}
		return (0);
	case ARG_QUERY:
		if ((end = strchr(s, '=')) == NULL || end == s) {
			(void)snprintf(why, whylen, "not key=value");
			return (-1);
		}
		return (0);
	case ARG_WORD:
	case ARG_TEXT:
	case ARG_OBJECT:
		return (0);
	}
	return (-1);
}

/*
 * Whether a caller of that role may make the call with args[first...].
 * Returns 0, or -1 with the reason in why.
 */
int
call_check(const struct call_def *cd, int role, json_t *args, size_t first,
    char *why, size_t whylen)
{
	size_t	 i, n, max;
	char	 what[128];

	if ((cd->cd_roles & role) == 0) {
		(void)snprintf(why, whylen, "%s: not allowed for the %s role",
		    cd->cd_name, call_role_name(role));
		return (-1);
	}
	n = json_array_size(args) - (first < json_array_size(args) ?
	    first : json_array_size(args));
	max = cd->cd_max == -1 ? CALL_MAXARGS : (size_t)cd->cd_max;
	if (n < (size_t)cd->cd_min || n > max) {
		(void)snprintf(why, whylen, "%s: wrong number of arguments; "
		    "usage: %s", cd->cd_name, cd->cd_usage);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (arg_check(cd->cd_args[i < (size_t)cd->cd_nargs ? i :
		    (size_t)cd->cd_nargs - 1], json_array_get(args, first + i),
		    what, sizeof(what)) == -1) {
			(void)snprintf(why, whylen, "%s: argument %zu: %s; "
			    "usage: %s", cd->cd_name, i + 1, what,
			    cd->cd_usage);
			return (-1);
		}
	}
	return (0);
}

/*
 * The call as honeyspyctl's grammar takes it: its name, then each checked
 * argument as a word.  NULL when out of memory.
 */
char **
call_argv(const struct call_def *cd, json_t *args, size_t first, int *argc)
{
	char	**argv;
	json_t	 *a;
	size_t	  i, n;
	char	  num[32];

	n = json_array_size(args) > first ? json_array_size(args) - first : 0;
	if ((argv = calloc(n + 2, sizeof(*argv))) == NULL)
		return (NULL);
	if ((argv[0] = strdup(cd->cd_name)) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		a = json_array_get(args, first + i);
		if (json_is_integer(a)) {
			(void)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			    json_integer_value(a));
			argv[i + 1] = strdup(num);
		} else if (json_is_string(a))
			argv[i + 1] = strdup(json_string_value(a));
		else
			argv[i + 1] = json_dumps(a, JSON_COMPACT);
		if (argv[i + 1] == NULL)
			goto fail;
	}
	*argc = (int)n + 1;
	return (argv);
 fail:
	call_argv_free(argv, (int)n + 1);
	return (NULL);
}

void
call_argv_free(char **argv, int argc)
{
	int	 i;

	if (argv == NULL)
		return;
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}
