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
 * honeyspyctl's command grammar: a tree of keyword tables.  A word may be
 * abbreviated to any prefix that names one keyword; anything else is an
 * error that lists the words that would have been valid.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <limits.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdint.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parser.h"
#include "util.h"

enum token_type {
	ENDTOKEN,
	KEYWORD,
	ADDRESS,	/* an IPv4 or IPv6 address, or "*" */
	PROTO,		/* tcp or udp */
	PORT,
	PROGRAM,	/* a path, made absolute */
	ARGS,		/* every word that is left */
	NUMBER,		/* a rule's number */
	ALIASADDR,	/* a virtual host's IPv4 or IPv6 address */
	MACVENDOR,	/* a MAC address or a vendor's name */
	PERSONALITY,	/* an nmap fingerprint name, one argument */
	FILTER,		/* every word that is left: one pcap rule */
	FILTERS,	/* every word that is left: a rule each */
	QUERY,		/* every word that is left: key=value each */
	CONFIG		/* [node] and, for setConfig, the YAML */
};

struct token {
	enum token_type		 type;
	const char		*keyword;
	enum ctl_action		 value;
	const struct token	*next;
};

static const struct token t_end[] = {
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_args[] = {
	{ ARGS, "", CTL_NONE, NULL },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_program[] = {
	{ PROGRAM, "", CTL_NONE, t_args },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_addport[] = {
	{ PORT, "", CTL_NONE, t_program },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_addproto[] = {
	{ PROTO, "tcp", CTL_NONE, t_addport },
	{ PROTO, "udp", CTL_NONE, t_addport },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_addaddr[] = {
	{ ADDRESS, "", CTL_NONE, t_addproto },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_delport[] = {
	{ PORT, "", CTL_NONE, t_end },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_delproto[] = {
	{ PROTO, "tcp", CTL_NONE, t_delport },
	{ PROTO, "udp", CTL_NONE, t_delport },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_deladdr[] = {
	{ ADDRESS, "", CTL_NONE, t_delproto },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_number[] = {
	{ NUMBER, "", CTL_NONE, t_end },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_macvendor[] = {
	{ MACVENDOR, "", CTL_NONE, t_end },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_addalias[] = {
	{ ALIASADDR, "", CTL_NONE, t_macvendor },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_personality[] = {
	{ PERSONALITY, "", CTL_NONE, t_end },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_setfp[] = {
	{ ALIASADDR, "", CTL_NONE, t_personality },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_delalias[] = {
	{ ALIASADDR, "", CTL_NONE, t_end },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_filter[] = {
	{ FILTER, "", CTL_NONE, NULL },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_query[] = {
	{ QUERY, "", CTL_NONE, NULL },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_config[] = {
	{ CONFIG, "", CTL_NONE, NULL },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static const struct token t_filters[] = {
	{ FILTERS, "", CTL_NONE, NULL },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

/* The get* names are the original design's calls, kept for its operators. */
static const struct token t_main[] = {
	{ KEYWORD, "addAlias", CTL_ADDALIAS, t_addalias },
	{ KEYWORD, "addFilter", CTL_ADDFILTER, t_filter },
	{ KEYWORD, "addService", CTL_ADDSERVICE, t_addaddr },
	{ KEYWORD, "delAlias", CTL_DELALIAS, t_delalias },
	{ KEYWORD, "delFilter", CTL_DELFILTER, t_number },
	{ KEYWORD, "delService", CTL_DELSERVICE, t_deladdr },
	{ KEYWORD, "disablePcap", CTL_DISABLEPCAP, t_end },
	{ KEYWORD, "enablePcap", CTL_ENABLEPCAP, t_end },
	{ KEYWORD, "getAliases", CTL_GETALIASES, t_end },
	{ KEYWORD, "getFingerprint", CTL_GETFINGERPRINT, t_delalias },
	{ KEYWORD, "getFilter", CTL_GETFILTER, t_number },
	{ KEYWORD, "getConfig", CTL_GETCONFIG, t_config },
	{ KEYWORD, "getEvents", CTL_GETEVENTS, t_query },
	{ KEYWORD, "getFilters", CTL_GETFILTERS, t_end },
	{ KEYWORD, "getHosts", CTL_GETHOSTS, t_end },
	{ KEYWORD, "getName", CTL_GETNAME, t_end },
	{ KEYWORD, "getSensors", CTL_GETSENSORS, t_end },
	{ KEYWORD, "getServices", CTL_GETSERVICES, t_end },
	{ KEYWORD, "getStats", CTL_GETSTATS, t_query },
	{ KEYWORD, "getStatus", CTL_STATUS, t_end },
	{ KEYWORD, "info", CTL_INFO, t_end },
	{ KEYWORD, "kill", CTL_KILL, t_end },
	{ KEYWORD, "reload", CTL_RELOAD, t_end },
	{ KEYWORD, "replaceFilters", CTL_REPLACEFILTERS, t_filters },
	{ KEYWORD, "setConfig", CTL_SETCONFIG, t_config },
	{ KEYWORD, "setFingerprint", CTL_SETFINGERPRINT, t_setfp },
	{ KEYWORD, "status", CTL_STATUS, t_end },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static struct parse_result	 res;
static char			 errbuf[4096];

static void			 perr(const char *, ...)
				    __attribute__((__format__(__printf__, 1, 2)));

static const struct token	*match_token(const char *, const struct token *);
static void			 show_valid(const char *, const struct token *);
static int			 take_value(const struct token *, const char *);
static int			 take_args(int, char *[]);
static int			 take_filter(int, char *[]);
static int			 take_filters(int, char *[]);
static int			 take_query(int, char *[]);
static int			 take_config(int, char *[]);
static int			 take_time(const char *, const char *, int64_t *);

/*
 * Why the last parse failed, one complaint per line: honeyspyctl prints
 * it, the rpc child sends it back to whoever made the call.
 */
const char *
parse_error(void)
{
	return (errbuf);
}

/* After a failed parse: what it allocated for the request. */
void
parse_free(void)
{
	free(res.config);
	res.config = NULL;
}

static void
perr(const char *fmt, ...)
{
	va_list	 ap;
	size_t	 n = strlen(errbuf);

	va_start(ap, fmt);
	(void)vsnprintf(errbuf + n, sizeof(errbuf) - n, fmt, ap);
	va_end(ap);
}

const struct parse_result *
parse(int argc, char *argv[])
{
	const struct token	*table = t_main;
	const struct token	*match;

	memset(&res, 0, sizeof(res));
	errbuf[0] = '\0';
	for (; argc > 0; argc--, argv++) {
		if (table[0].type == ARGS || table[0].type == FILTER ||
		    table[0].type == FILTERS || table[0].type == QUERY ||
		    table[0].type == CONFIG) {
			if ((table[0].type == ARGS ? take_args(argc, argv) :
			    table[0].type == FILTER ? take_filter(argc, argv) :
			    table[0].type == QUERY ? take_query(argc, argv) :
			    table[0].type == CONFIG ? take_config(argc, argv) :
			    take_filters(argc, argv)) == -1)
				return (NULL);
			table = t_end;
			break;
		}
		if ((match = match_token(argv[0], table)) == NULL)
			return (NULL);
		if (match->value != CTL_NONE)
			res.action = match->value;
		if (take_value(match, argv[0]) == -1)
			return (NULL);
		table = match->next;
	}
	if (table == t_config && take_config(0, NULL) == -1)
		return (NULL);
	if (table == t_args || table == t_filters || table == t_query ||
	    table == t_config || table == t_macvendor)
		table = t_end;		/* no arguments is fine */
	if (table != t_end || res.action == CTL_NONE) {
		perr("missing argument:\n");
		show_valid(NULL, table);
		return (NULL);
	}
	return (&res);
}

/* Store what a value token matched. */
static int
take_value(const struct token *t, const char *word)
{
	struct ctl_service	*cv = &res.service;
	struct in6_addr		 in6;
	char			 cwd[PATH_MAX];
	const char		*errstr;
	size_t			 n;

	switch (t->type) {
	case ADDRESS:
		if (strlcpy(cv->cv_addr, word, sizeof(cv->cv_addr)) >=
		    sizeof(cv->cv_addr))
			return (-1);
		return (0);
	case PROTO:
		cv->cv_proto = strcmp(t->keyword, "udp") == 0 ? IPPROTO_UDP :
		    IPPROTO_TCP;
		return (0);
	case PORT:
		cv->cv_port = (int32_t)strtonum(word, 1, 65535, &errstr);
		if (errstr != NULL) {
			perr("port %s is %s\n", word, errstr);
			return (-1);
		}
		return (0);
	case ALIASADDR:
		if (inet_pton(AF_INET, word, &in6) != 1 &&
		    inet_pton(AF_INET6, word, &in6) != 1) {
			perr("%s is not an IPv4 or IPv6 address\n", word);
			return (-1);
		}
		(void)strlcpy(res.alias.ca_addr, word,
		    sizeof(res.alias.ca_addr));
		return (0);
	case MACVENDOR:
		if (strlen(word) >= HS_VENDORLEN ||
		    strlcpy(res.alias.ca_how, word, sizeof(res.alias.ca_how)) >=
		    sizeof(res.alias.ca_how)) {
			perr("vendor name too long\n");
			return (-1);
		}
		return (0);
	case PERSONALITY:
		if (word[0] == '\0' || !str_printable(word, strlen(word) + 1) ||
		    strlcpy(res.alias.ca_how, word, sizeof(res.alias.ca_how)) >=
		    sizeof(res.alias.ca_how)) {
			perr("personality: a printable name of at most %zu "
			    "bytes\n", sizeof(res.alias.ca_how) - 1);
			return (-1);
		}
		return (0);
	case NUMBER:
		res.filter.fl_index = (uint32_t)strtonum(word, 1, HS_MAXFILTERS,
		    &errstr);
		if (errstr != NULL) {
			perr("rule number %s is %s\n", word,
			    errstr);
			return (-1);
		}
		return (0);
	case PROGRAM:
		/* The daemon has another working directory than we do. */
		if (word[0] == '/')
			n = strlcpy(cv->cv_program, word,
			    sizeof(cv->cv_program));
		else if (getcwd(cwd, sizeof(cwd)) == NULL)
			return (-1);
		else
			n = (size_t)snprintf(cv->cv_program,
			    sizeof(cv->cv_program), "%s/%s", cwd, word);
		if (n >= sizeof(cv->cv_program)) {
			perr("program path too long\n");
			return (-1);
		}
		return (0);
	default:
		return (0);
	}
}

/* The program's arguments: every word left, NUL-separated. */
static int
take_args(int argc, char *argv[])
{
	struct ctl_service	*cv = &res.service;
	size_t			 off = 0, n;

	if (argc > HS_MAXARGS) {
		perr("more than %d arguments\n", HS_MAXARGS);
		return (-1);
	}
	for (; argc > 0; argc--, argv++) {
		n = strlen(argv[0]) + 1;
		if (n > sizeof(cv->cv_args) - off) {
			perr("arguments too long\n");
			return (-1);
		}
		memcpy(cv->cv_args + off, argv[0], n);
		off += n;
		cv->cv_nargs++;
	}
	return (0);
}

/*
 * addFilter's rule: the words that are left, joined by spaces, as the
 * original console took them (addFilter tcp[tcpflags] & tcp-syn != 0).
 */
static int
take_filter(int argc, char *argv[])
{
	char	*expr = res.filter.fl_expr;
	size_t	 size = sizeof(res.filter.fl_expr);

	for (; argc > 0; argc--, argv++) {
		if ((expr[0] != '\0' && strlcat(expr, " ", size) >= size) ||
		    strlcat(expr, argv[0], size) >= size) {
			perr("rule longer than %zu bytes\n",
			    size - 1);
			return (-1);
		}
	}
	return (0);
}

/* replaceFilters: a rule per word (quote each), NUL-separated. */
static int
take_filters(int argc, char *argv[])
{
	size_t	 n;

	if (argc > HS_MAXFILTERS) {
		perr("more than %d rules\n", HS_MAXFILTERS);
		return (-1);
	}
	for (; argc > 0; argc--, argv++) {
		n = strlen(argv[0]) + 1;
		if (n > HS_FILTERLEN ||
		    n > sizeof(res.filters) - res.filterslen) {
			perr("rules too long\n");
			return (-1);
		}
		memcpy(res.filters + res.filterslen, argv[0], n);
		res.filterslen += n;
	}
	return (0);
}

/*
 * A time for getEvents: seconds since the epoch, an RFC 3339 UTC time
 * ("2026-11-26T17:00:00Z", fraction allowed), or an age back from now
 * ("90s", "15m", "2h", "7d").  In microseconds.
 */
static int
take_time(const char *key, const char *v, int64_t *us)
{
	const char	*errstr;
	char		*end;
	long long	 n, mult = 0;
	size_t		 len = strlen(v);

	if (len > 1 && strchr("smhd", v[len - 1]) != NULL) {
		n = strtoll(v, &end, 10);
		if (end == v + len - 1 && n >= 0 && n <= 36500LL * 86400) {
			mult = v[len - 1] == 's' ? 1 : v[len - 1] == 'm' ? 60 :
			    v[len - 1] == 'h' ? 3600 : 86400;
			*us = ((int64_t)time(NULL) - n * mult) * 1000000;
			return (0);
		}
	}
	n = strtonum(v, 0, 253402300799LL, &errstr);
	if (errstr == NULL) {
		*us = n * 1000000;
		return (0);
	}
	if (rfc3339_us(v, us) == 0)
		return (0);
	perr("%s=%s: not a time (seconds, RFC 3339 UTC, or an age such as "
	    "2h)\n", key, v);
	return (-1);
}

/*
 * setConfig [NODE] YAML and getConfig [NODE]: the node is named on a
 * master, the daemon says if it is missing.  The request is built here,
 * in memory that outlives the words it came from.
 */
static int
take_config(int argc, char *argv[])
{
	const char	*node = NULL, *text = NULL;
	size_t		 len = 0;
	int		 set = res.action == CTL_SETCONFIG;

	if (set ? argc < 1 || argc > 2 : argc > 1) {
		perr("usage: %s\n", set ? "setConfig [node] YAML" :
		    "getConfig [node]");
		return (-1);
	}
	if (set) {
		node = argc == 2 ? argv[0] : NULL;
		text = argv[argc - 1];
		if ((len = strlen(text)) > HS_CONFIG_MAX) {
			perr("configuration longer than %d bytes\n",
			    HS_CONFIG_MAX);
			return (-1);
		}
	} else if (argc == 1)
		node = argv[0];
	free(res.config);
	res.configlen = sizeof(*res.config) + (set ? len + 1 : 0);
	if ((res.config = calloc(1, res.configlen)) == NULL) {
		perr("out of memory\n");
		return (-1);
	}
	if (node != NULL && strlcpy(res.config->cc_node, node,
	    sizeof(res.config->cc_node)) >= sizeof(res.config->cc_node)) {
		perr("node name too long: %s\n", node);
		return (-1);
	}
	if (set)
		memcpy((char *)(res.config + 1), text, len + 1);
	return (0);
}

/* getEvents' filters, key=value each. */
static int
take_query(int argc, char *argv[])
{
	struct ctl_query	*q = &res.query;
	const char		*errstr, *v;
	char			 key[16];
	size_t			 n, size;
	char			*dst;

	for (; argc > 0; argc--, argv++) {
		if ((v = strchr(argv[0], '=')) == NULL ||
		    (n = (size_t)(v - argv[0])) >= sizeof(key)) {
			perr("not key=value: %s\n", argv[0]);
			return (-1);
		}
		memcpy(key, argv[0], n);
		key[n] = '\0';
		v++;
		dst = NULL;
		size = 0;
		if (strcmp(key, "since") == 0) {
			if (take_time(key, v, &q->cq_since) == -1)
				return (-1);
		} else if (strcmp(key, "until") == 0) {
			if (take_time(key, v, &q->cq_until) == -1)
				return (-1);
		} else if (strcmp(key, "limit") == 0) {
			q->cq_limit = (int32_t)strtonum(v, 1, 10000, &errstr);
			if (errstr != NULL) {
				perr("limit %s is %s\n", v, errstr);
				return (-1);
			}
		} else if (strcmp(key, "after") == 0 &&
		    strcmp(v, "end") == 0) {
			q->cq_after = -1;
		} else if (strcmp(key, "after") == 0) {
			q->cq_after = strtonum(v, 0, INT64_MAX, &errstr);
			if (errstr != NULL) {
				perr("after %s is %s\n", v, errstr);
				return (-1);
			}
		} else if (strcmp(key, "sensor") == 0) {
			dst = q->cq_sensor;
			size = sizeof(q->cq_sensor);
		} else if (strcmp(key, "eventid") == 0) {
			dst = q->cq_eventid;
			size = sizeof(q->cq_eventid);
		} else if (strcmp(key, "src_ip") == 0) {
			dst = q->cq_src_ip;
			size = sizeof(q->cq_src_ip);
		} else if (strcmp(key, "session") == 0) {
			dst = q->cq_session;
			size = sizeof(q->cq_session);
		} else if (strcmp(key, "text") == 0) {
			dst = q->cq_text;
			size = sizeof(q->cq_text);
		} else {
			perr("unknown filter %s (since, until, sensor, "
			    "eventid, src_ip, session, text, limit, after)\n",
			    key);
			return (-1);
		}
		if (dst != NULL && (v[0] == '\0' ||
		    strlcpy(dst, v, size) >= size)) {
			perr("%s: empty or too long\n", key);
			return (-1);
		}
	}
	return (0);
}

static const struct token *
match_token(const char *word, const struct token *table)
{
	const struct token	*match = NULL;
	struct in6_addr		 a6;
	size_t			 i, len = strlen(word);
	int			 n = 0;

	/* Values first: a table holds either values or keywords. */
	for (i = 0; table[i].type != ENDTOKEN; i++) {
		switch (table[i].type) {
		case ADDRESS:
			if (strcmp(word, "*") == 0 ||
			    inet_pton(AF_INET, word, &a6) == 1 ||
			    inet_pton(AF_INET6, word, &a6) == 1)
				return (&table[i]);
			perr("not an address: %s\n", word);
			return (NULL);
		case PORT:
		case PROGRAM:
		case NUMBER:
		case ALIASADDR:
		case MACVENDOR:
		case PERSONALITY:
			return (&table[i]);
		default:
			break;
		}
	}
	for (i = 0; table[i].type != ENDTOKEN; i++) {
		if (strcmp(word, table[i].keyword) == 0)
			return (&table[i]);	/* exact beats prefix */
		if (len > 0 && strncmp(word, table[i].keyword, len) == 0) {
			match = &table[i];
			n++;
		}
	}
	if (n == 1)
		return (match);
	show_valid(word, table);
	return (NULL);
}

static void
show_valid(const char *word, const struct token *table)
{
	size_t	 i, len = word != NULL ? strlen(word) : 0;
	int	 ambiguous = 0;

	if (word != NULL) {
		for (i = 0; table[i].type != ENDTOKEN; i++)
			if (len > 0 && strncmp(word, table[i].keyword, len) == 0)
				ambiguous++;
		if (table[0].type == ENDTOKEN)
			perr("too many arguments: %s\n", word);
		else
			perr("%s argument: %s\n",
			    ambiguous > 1 ? "ambiguous" : "unknown", word);
	}
	if (table[0].type == ENDTOKEN)
		return;
	perr("valid commands/arguments:\n");
	for (i = 0; table[i].type != ENDTOKEN; i++) {
		switch (table[i].type) {
		case ADDRESS:
			perr("  <address or *>\n");
			break;
		case PORT:
			perr("  <port>\n");
			break;
		case PROGRAM:
			perr("  <program>\n");
			break;
		case ARGS:
			perr("  [argument ...]\n");
			break;
		case NUMBER:
			perr("  <rule number>\n");
			break;
		case ALIASADDR:
			perr("  <IPv4 or IPv6 address>\n");
			break;
		case MACVENDOR:
			perr("  [MAC address or vendor]\n");
			break;
		case PERSONALITY:
			perr("  <\"nmap fingerprint name\">\n");
			break;
		case FILTER:
			perr("  <pcap-filter expression>\n");
			break;
		case FILTERS:
			perr("  [\"expression\" ...]\n");
			break;
		case CONFIG:
			perr("  [node] [YAML]\n");
			break;
		case QUERY:
			perr("  [since=TIME] [until=TIME] [sensor=NAME] "
			    "[eventid=ID[*]] [src_ip=ADDR]\n"
			    "  [session=ID] [text=STRING] [limit=N] "
			    "[after=ID|end]\n");
			break;
		default:
			perr("  %s\n", table[i].keyword);
			break;
		}
	}
}
