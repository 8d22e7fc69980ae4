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

/* Read honeyspyd.yaml with libyaml into hs_config, reporting every error. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <yaml.h>

#include "log.h"
#include "config.h"
#include "passwd.h"

#define CONF_MAXFILE	(1024 * 1024)	/* a config is never this big */
#define CONF_MAXDEPTH	32		/* deeper than any valid file */
#define CONF_PATHLEN	160		/* "services[255].limits.connections" */

/*
 * The document is first turned into this small tree so that the walker can
 * look at a whole mapping at once (duplicate keys, required keys) and keep
 * going after an error; libyaml's own document API would silently resolve
 * aliases, which we want to reject.
 */
enum ynode_type {
	YN_SCALAR,
	YN_MAP,
	YN_SEQ,
	YN_ALIAS
};

struct ynode {
	enum ynode_type	 yn_type;
	size_t		 yn_line;	/* 1-based */
	int		 yn_quoted;	/* never null, a number or a bool */
	int		 yn_anchor;
	int		 yn_tag;
	char		*yn_str;
	size_t		 yn_len;
	struct ynode	**yn_kids;	/* a map holds key, value, key, ... */
	size_t		 yn_nkids;
	size_t		 yn_cap;
	struct ynode	*yn_parent;
};

struct pstate {
	const char	*ps_file;
	int		 ps_errors;
	struct hs_config *ps_conf;
	size_t		 ps_sect[16];	/* line of each section; 0: absent */
};

typedef void	(*key_cb)(struct pstate *, int, struct ynode *, const char *,
		    void *);
typedef void	(*item_cb)(struct pstate *, size_t, struct ynode *,
		    const char *, void *);

static void	(*errsink)(void *, const char *);
static void	*errsink_arg;

static void	 perr(struct pstate *, size_t, const char *, const char *, ...)
		    __attribute__((__format__(printf, 4, 5)));
static const char *esc(const char *, size_t, char *, size_t);
static struct ynode *ynode_new(enum ynode_type, const yaml_event_t *);
static void	 ynode_add(struct ynode *, struct ynode *);
static void	 ynode_free(struct ynode *);
static size_t	 offset_line(const char *, size_t, size_t);
static struct ynode *yaml_tree(struct pstate *, const char *, size_t);
static int	 is_null(const struct ynode *);
static const char *type_name(const struct ynode *);
static int	 node_ok(struct pstate *, const struct ynode *, const char *);
static void	 subpath(char *, const char *, const char *);
static int	 map_walk(struct pstate *, struct ynode *, const char *,
		    const char *const [], key_cb, void *, unsigned int *);
static void	 seq_walk(struct pstate *, struct ynode *, const char *,
		    size_t, item_cb, void *);
static void	 need(struct pstate *, struct ynode *, const char *,
		    const char *const [], unsigned int, unsigned int);
static int	 get_scalar(struct pstate *, struct ynode *, const char *,
		    const char *);
static int	 get_string(struct pstate *, struct ynode *, const char *,
		    char *, size_t, int);
static int	 get_path(struct pstate *, struct ynode *, const char *,
		    char *, size_t, int);
static int	 get_number(struct pstate *, struct ynode *, const char *,
		    long long, long long, long long *);
static int	 get_int(struct pstate *, struct ynode *, const char *,
		    int, int, int *);
static int	 get_bool(struct pstate *, struct ynode *, const char *, int *);
static int	 get_word(struct pstate *, struct ynode *, const char *,
		    const char *const [], int *);
static void	 flags_item(struct pstate *, size_t, struct ynode *,
		    const char *, void *);
static int	 get_flags(struct pstate *, struct ynode *, const char *,
		    const char *const [], int *);
static int	 get_addr(struct pstate *, struct ynode *, const char *,
		    struct hs_addr *, int);
static int	 get_ifname(struct pstate *, struct ynode *, const char *,
		    char *, size_t);
static int	 get_name(struct pstate *, struct ynode *, const char *,
		    char *, size_t, const char *);
static int	 get_hostname(struct pstate *, struct ynode *, const char *,
		    char *, size_t);
static int	 get_mac(struct pstate *, struct ynode *, const char *,
		    uint8_t *);
static int	 valid_name(const char *, int);
static int	 valid_hostname(const char *);
static int	 addr_eq(const struct hs_addr *, const struct hs_addr *);
static void	 strlist_free(struct conf_strlist *);
static void	 config_defaults(struct hs_config *);
static void	 parse_top(struct pstate *, int, struct ynode *, const char *,
		    void *);
static void	 parse_node(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_master(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_listen(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_web(struct pstate *, int, struct ynode *, const char *,
		    void *);
static void	 parse_user(struct pstate *, size_t, struct ynode *,
		    const char *, void *);
static void	 parse_user_key(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_network(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_host(struct pstate *, size_t, struct ynode *,
		    const char *, void *);
static void	 parse_host_key(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_service(struct pstate *, size_t, struct ynode *,
		    const char *, void *);
static void	 parse_service_key(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_rlimits(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_limits(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_strlist_item(struct pstate *, size_t, struct ynode *,
		    const char *, void *);
static void	 parse_capture(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_fingerprint(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_detect(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_detect_limits(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_log(struct pstate *, int, struct ynode *, const char *,
		    void *);
static void	 parse_output(struct pstate *, size_t, struct ynode *,
		    const char *, void *);
static void	 parse_output_key(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_hook_url(struct pstate *, struct ynode *,
		    const char *, struct conf_output *);
static void	 parse_hook_event(struct pstate *, size_t, struct ynode *,
		    const char *, void *);
static void	 parse_hook_ignore(struct pstate *, size_t, struct ynode *,
		    const char *, void *);
static void	 parse_enrich(struct pstate *, int, struct ynode *,
		    const char *, void *);
static void	 parse_resolver(struct pstate *, struct ynode *, const char *,
		    char *, size_t);
static void	 check_modes(struct pstate *);

const char *const config_fp_names[] = {
	"syn", "synack", "mtu", "http", NULL
};
const char *const config_detect_names[] = {
	"shellcode", "format_string", "overflow", NULL
};
static const char *const mode_names[] = { "sensor", "master", NULL };
static const char *const proto_names[] = { "tcp", "udp", NULL };

enum { T_NODE, T_MASTER, T_LISTEN, T_WEB, T_NETWORK, T_HOSTS, T_SERVICES,
    T_CAPTURE, T_FINGERPRINT, T_DETECT, T_LOG, T_OUTPUTS, T_ENRICH };
static const char *const top_keys[] = { "node", "master", "listen", "web",
    "network", "hosts", "services", "capture", "fingerprint", "detect",
    "log", "outputs", "enrich", NULL };

enum { N_NAME, N_MODE, N_USER, N_CHROOT };
static const char *const node_keys[] = { "name", "mode", "user", "chroot",
    NULL };

enum { M_ADDRESS, M_PORT, M_CA, M_CERT, M_KEY, M_RECONNECT, M_CRL };
static const char *const master_keys[] = { "address", "port", "ca", "cert",
    "key", "reconnect", "crl", NULL };

enum { L_ADDRESS, L_PORT, L_CA, L_CERT, L_KEY, L_CRL };
static const char *const listen_keys[] = { "address", "port", "ca", "cert",
    "key", "crl", NULL };

enum { W_ADDRESS, W_PORT, W_USERS, W_ROOT, W_TIMEOUT };
static const char *const web_keys[] = { "address", "port", "users", "root",
    "session_timeout", NULL };

enum { U_NAME, U_PASSWORD };
static const char *const user_keys[] = { "name", "password", NULL };

enum { NW_BRIDGE, NW_UPLINK };
static const char *const network_keys[] = { "bridge", "uplink", NULL };

enum { H_ADDRESS, H_MAC, H_PERSONALITY, H_VENDOR, H_FAILURE };
static const char *const host_keys[] = { "address", "mac", "personality",
    "vendor", "failure", NULL };

enum { S_ADDRESS, S_PORT, S_PROTO, S_PROGRAM, S_ARGS, S_LIMITS, S_NAME,
    S_USER, S_DIRECTORY, S_CHROOT, S_RLIMITS };
static const char *const service_keys[] = { "address", "port", "proto",
    "program", "args", "limits", "name", "user", "directory", "chroot",
    "rlimits", NULL };

enum { SL_CONNECTIONS, SL_PER_SOURCE, SL_RATE, SL_TIMEOUT, SL_TRANSCRIPT,
    SL_BYTES, SL_IDLE, SL_WINDOW };
static const char *const limit_keys[] = { "connections", "per_source",
    "rate", "timeout", "transcript", "bytes", "idle", "window", NULL };

enum { RL_CPU, RL_MEMORY, RL_FILES, RL_PROCESSES, RL_FILESIZE, RL_NICE };
static const char *const rlimit_keys[] = { "cpu", "memory", "files",
    "processes", "filesize", "nice", NULL };

enum { CP_INTERFACE, CP_FILTERS, CP_ENABLED, CP_SNAPLEN, CP_RING };
static const char *const capture_keys[] = { "interface", "filters",
    "enabled", "snaplen", "ring", NULL };

enum { FP_DATABASE, FP_PACKETS, FP_FUZZY };
static const char *const fingerprint_keys[] = { "database", "packets",
    "fuzzy", NULL };

enum { D_ENABLED, D_LIMITS };
static const char *const detect_keys[] = { "enabled", "limits", NULL };

enum { DL_STEPS, DL_MEMORY, DL_SCAN };
static const char *const detect_limit_keys[] = { "steps", "memory", "scan",
    NULL };

enum { OT_TYPE, OT_NAME, OT_QUEUE, OT_RETRY, OT_PATH, OT_ROTATE_SIZE,
    OT_ROTATE_KEEP, OT_ADDRESS, OT_PORT, OT_TRANSPORT, OT_CA, OT_CERT, OT_KEY,
    OT_FACILITY, OT_SERVERS, OT_STREAM, OT_SUBJECT, OT_CREATE, OT_REPLICAS,
    OT_URL, OT_FORMAT, OT_EVENTS, OT_DETECTIONS, OT_IGNORE, OT_DEDUP, OT_RATE,
    OT_WINDOW };
static const char *const output_keys[] = { "type", "name", "queue", "retry",
    "path", "rotate_size", "rotate_keep", "address", "port", "transport",
    "ca", "cert", "key", "facility", "servers", "stream", "subject",
    "create", "replicas", "url", "format", "events", "detections",
    "ignore", "dedup", "rate", "window", NULL };

/* Which keys each output type takes besides the common ones. */
#define OT_COMMON	(1U << OT_TYPE | 1U << OT_NAME | 1U << OT_QUEUE | \
			    1U << OT_RETRY)
static const unsigned int output_type_keys[OUTPUT_NTYPES] = {
	[OUTPUT_FILE] = OT_COMMON | 1U << OT_PATH | 1U << OT_ROTATE_SIZE |
	    1U << OT_ROTATE_KEEP,
	[OUTPUT_SYSLOG] = OT_COMMON | 1U << OT_ADDRESS | 1U << OT_PORT |
	    1U << OT_TRANSPORT | 1U << OT_CA | 1U << OT_CERT | 1U << OT_KEY |
	    1U << OT_FACILITY,
	[OUTPUT_NATS] = OT_COMMON | 1U << OT_SERVERS | 1U << OT_STREAM |
	    1U << OT_SUBJECT | 1U << OT_CREATE | 1U << OT_REPLICAS |
	    1U << OT_CA | 1U << OT_CERT | 1U << OT_KEY,
	[OUTPUT_WEBHOOK] = OT_COMMON | 1U << OT_URL | 1U << OT_CA |
	    1U << OT_FORMAT | 1U << OT_EVENTS | 1U << OT_DETECTIONS |
	    1U << OT_IGNORE | 1U << OT_DEDUP | 1U << OT_RATE | 1U << OT_WINDOW,
};
static const unsigned int output_type_need[OUTPUT_NTYPES] = {
	[OUTPUT_FILE] = 1U << OT_PATH,
	[OUTPUT_SYSLOG] = 1U << OT_ADDRESS,
	[OUTPUT_NATS] = 1U << OT_SERVERS,
	[OUTPUT_WEBHOOK] = 1U << OT_URL,
};
static const char *const output_type_names[] = { "file", "syslog", "nats",
    "webhook", NULL };
static const char *const hook_format_names[] = { "json", "slack", NULL };
/* What a webhook alerts on unless told otherwise. */
static const char *const hook_default_events[] = { "honeyspy.detect.*",
    "honeyspy.login.success", NULL };
static const char *const transport_names[] = { "tls", "udp", NULL };
/* RFC 5424 section 6.2.1, by number. */
static const char *const facility_names[] = { "kern", "user", "mail",
    "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
    "ftp", "ntp", "security", "console", "clock", "local0", "local1",
    "local2", "local3", "local4", "local5", "local6", "local7", NULL };

enum { EN_LOCATION, EN_OUI, EN_RDNS, EN_RESOLVER };
static const char *const enrich_keys[] = { "location", "oui", "rdns",
    "resolver", NULL };

enum { LG_FILE, LG_SYSLOG, LG_SPOOL, LG_ARTIFACTS, LG_SPOOL_MAX,
    LG_DATABASE, LG_RETENTION, LG_DATABASE_MAX };
static const char *const log_keys[] = {
	"file", "syslog", "spool", "artifacts", "spool_max", "database",
	"retention", "database_max", NULL
};

/* What a list callback fills in, and how many it already holds. */
struct svc_ctx {
	struct conf_service	*sc_svc;
	unsigned int		 sc_seen;
	size_t			 sc_line;	/* of limits, for messages */
	int			 sc_badaddr;
};

struct strlist_ctx {
	struct conf_strlist	*sl_list;
	size_t			*sl_count;
};

const char *
config_nodemode_name(enum hs_nodemode mode)
{
	switch (mode) {
	case NODEMODE_SENSOR:
		return ("sensor");
	case NODEMODE_MASTER:
		return ("master");
	}
	return ("unknown");
}

const char *
config_proto_name(int proto)
{
	return (proto == IPPROTO_UDP ? "udp" : "tcp");
}

/* One diagnostic line, FILE:LINE: KEY: MESSAGE; KEY is left out at the top. */
static void
perr(struct pstate *ps, size_t line, const char *path, const char *fmt, ...)
{
	char	 msg[512], full[1024];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (errsink != NULL) {
		if (path != NULL && path[0] != '\0')
			(void)snprintf(full, sizeof(full), "%s:%zu: %s: %s",
			    ps->ps_file, line, path, msg);
		else
			(void)snprintf(full, sizeof(full), "%s:%zu: %s",
			    ps->ps_file, line, msg);
		errsink(errsink_arg, full);
	} else if (path != NULL && path[0] != '\0')
		log_warnx("%s:%zu: %s: %s", ps->ps_file, line, path, msg);
	else
		log_warnx("%s:%zu: %s", ps->ps_file, line, msg);
	ps->ps_errors++;
}

/*
 * Where errors go instead of the log while set: a configuration a master
 * pushes is checked for the admin who sent it, who must see every error.
 */
void
config_set_errsink(void (*sink)(void *, const char *), void *arg)
{
	errsink = sink;
	errsink_arg = arg;
}

/*
 * Values and unknown keys are echoed in diagnostics; keep odd bytes from
 * reaching the terminal and keep the line short.
 */
static const char *
esc(const char *s, size_t len, char *buf, size_t bufsz)
{
	size_t		 i, o = 0;
	unsigned char	 c;

	for (i = 0; i < len && o + 8 < bufsz; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, bufsz - o, "\\x%02x", c);
	}
	if (i < len && o + 4 <= bufsz) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return (buf);
}

static struct ynode *
ynode_new(enum ynode_type type, const yaml_event_t *ev)
{
	struct ynode	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		fatal("%s", __func__);
	n->yn_type = type;
	n->yn_line = ev->start_mark.line + 1;
	return (n);
}

static void
ynode_add(struct ynode *parent, struct ynode *kid)
{
	struct ynode	**k;
	size_t		  cap;

	if (parent->yn_nkids == parent->yn_cap) {
		cap = parent->yn_cap == 0 ? 8 : parent->yn_cap * 2;
		if ((k = reallocarray(parent->yn_kids, cap,
		    sizeof(*k))) == NULL)
			fatal("%s", __func__);
		parent->yn_kids = k;
		parent->yn_cap = cap;
	}
	parent->yn_kids[parent->yn_nkids++] = kid;
	kid->yn_parent = parent;
}

static void
ynode_free(struct ynode *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->yn_nkids; i++)
		ynode_free(n->yn_kids[i]);
	free(n->yn_kids);
	free(n->yn_str);
	free(n);
}

/* The reader reports bad encodings by byte offset only. */
static size_t
offset_line(const char *buf, size_t len, size_t off)
{
	size_t	 i, line = 1;

	for (i = 0; i < off && i < len; i++)
		if (buf[i] == '\n')
			line++;
	return (line);
}

/*
 * Build the tree from libyaml's events.  A syntax error ends the parse: the
 * scanner cannot resynchronise, so only its one message is reported.
 */
static struct ynode *
yaml_tree(struct pstate *ps, const char *buf, size_t len)
{
	yaml_parser_t	 parser;
	yaml_event_t	 ev;
	struct ynode	*root = NULL, *cur = NULL, *n;
	size_t		 depth = 0, ndocs = 0;
	int		 done = 0, failed = 0;
	const char	*anchor;
	const yaml_char_t *tag;

	if (!yaml_parser_initialize(&parser))
		fatalx("%s: yaml_parser_initialize", __func__);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done && !failed) {
		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.context != NULL)
				perr(ps, parser.problem_mark.line + 1, NULL,
				    "syntax error: %s %s (line %zu)",
				    parser.problem ? parser.problem : "error",
				    parser.context,
				    parser.context_mark.line + 1);
			else
				perr(ps, parser.error == YAML_READER_ERROR ?
				    offset_line(buf, len,
				    parser.problem_offset) :
				    parser.problem_mark.line + 1, NULL,
				    "syntax error: %s",
				    parser.problem ? parser.problem : "error");
			failed = 1;
			break;
		}
		n = NULL;
		anchor = NULL;
		tag = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++ndocs > 1) {
				perr(ps, ev.start_mark.line + 1, NULL,
				    "only one YAML document is allowed");
				failed = 1;
			}
			break;
		case YAML_ALIAS_EVENT:
			n = ynode_new(YN_ALIAS, &ev);
			break;
		case YAML_SCALAR_EVENT:
			n = ynode_new(YN_SCALAR, &ev);
			if ((n->yn_str = malloc(ev.data.scalar.length + 1)) ==
			    NULL)
				fatal("%s", __func__);
			memcpy(n->yn_str, ev.data.scalar.value,
			    ev.data.scalar.length);
			n->yn_str[ev.data.scalar.length] = '\0';
			n->yn_len = ev.data.scalar.length;
			n->yn_quoted = ev.data.scalar.style !=
			    YAML_PLAIN_SCALAR_STYLE;
			anchor = (const char *)ev.data.scalar.anchor;
			tag = ev.data.scalar.tag;
			break;
		case YAML_SEQUENCE_START_EVENT:
			n = ynode_new(YN_SEQ, &ev);
			anchor = (const char *)ev.data.sequence_start.anchor;
			tag = ev.data.sequence_start.tag;
			break;
		case YAML_MAPPING_START_EVENT:
			n = ynode_new(YN_MAP, &ev);
			anchor = (const char *)ev.data.mapping_start.anchor;
			tag = ev.data.mapping_start.tag;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (cur != NULL) {
				cur = cur->yn_parent;
				depth--;
			}
			break;
		default:
			break;
		}
		if (n != NULL) {
			n->yn_anchor = anchor != NULL;
			n->yn_tag = tag != NULL;
			if (cur != NULL)
				ynode_add(cur, n);
			else if (root == NULL)
				root = n;
			else
				ynode_free(n);	/* cannot happen: one root */
			if (n->yn_type == YN_MAP || n->yn_type == YN_SEQ) {
				/* the walker recurses; bound its stack */
				if (++depth > CONF_MAXDEPTH) {
					perr(ps, n->yn_line, NULL,
					    "nested deeper than %d levels",
					    CONF_MAXDEPTH);
					failed = 1;
				}
				cur = n;
			}
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (failed) {
		ynode_free(root);
		return (NULL);
	}
	if (root == NULL || is_null(root)) {
		perr(ps, root == NULL ? 1 : root->yn_line, NULL,
		    "configuration is empty");
		ynode_free(root);
		return (NULL);
	}
	return (root);
}

/* A plain empty, "~" or "null" scalar: a key given without a value. */
static int
is_null(const struct ynode *n)
{
	if (n->yn_type != YN_SCALAR || n->yn_quoted)
		return (0);
	return (n->yn_len == 0 || strcmp(n->yn_str, "~") == 0 ||
	    strcmp(n->yn_str, "null") == 0 || strcmp(n->yn_str, "Null") == 0 ||
	    strcmp(n->yn_str, "NULL") == 0);
}

static const char *
type_name(const struct ynode *n)
{
	switch (n->yn_type) {
	case YN_MAP:
		return ("a mapping");
	case YN_SEQ:
		return ("a list");
	case YN_ALIAS:
		return ("an alias");
	case YN_SCALAR:
		break;
	}
	if (is_null(n))
		return ("nothing");
	return (n->yn_quoted ? "a quoted string" : "a scalar");
}

/*
 * Anchors, aliases and tags would let one node stand for many places or
 * change its type; nothing here needs them, so they are refused outright.
 */
static int
node_ok(struct pstate *ps, const struct ynode *n, const char *path)
{
	int	 ok = 1;

	if (n->yn_type == YN_ALIAS) {
		perr(ps, n->yn_line, path, "aliases are not supported");
		return (0);
	}
	if (n->yn_anchor) {
		perr(ps, n->yn_line, path, "anchors are not supported");
		ok = 0;
	}
	if (n->yn_tag) {
		perr(ps, n->yn_line, path, "tags are not supported");
		ok = 0;
	}
	return (ok);
}

static void
subpath(char *dst, const char *path, const char *key)
{
	if (path[0] == '\0')
		(void)snprintf(dst, CONF_PATHLEN, "%s", key);
	else
		(void)snprintf(dst, CONF_PATHLEN, "%s.%s", path, key);
}

/*
 * Check a mapping's keys against a table and hand each known one to cb.
 * Null stands for an empty mapping, so "capture:" alone keeps the defaults.
 */
static int
map_walk(struct pstate *ps, struct ynode *n, const char *path,
    const char *const keys[], key_cb cb, void *arg, unsigned int *seen)
{
	struct ynode	*k, *v, *o;
	char		 sub[CONF_PATHLEN], ebuf[80];
	size_t		 i, j;
	int		 idx, dup;

	*seen = 0;
	if (!node_ok(ps, n, path))
		return (-1);
	if (is_null(n))
		return (0);
	if (n->yn_type != YN_MAP) {
		perr(ps, n->yn_line, path, "expected a mapping, got %s",
		    type_name(n));
		return (-1);
	}
	for (i = 0; i + 1 < n->yn_nkids; i += 2) {
		k = n->yn_kids[i];
		v = n->yn_kids[i + 1];
		if (!node_ok(ps, k, path))
			continue;
		if (k->yn_type != YN_SCALAR) {
			perr(ps, k->yn_line, path, "a key must be a string, "
			    "not %s", type_name(k));
			continue;
		}
		esc(k->yn_str, k->yn_len, ebuf, sizeof(ebuf));
		subpath(sub, path, ebuf);
		dup = 0;
		for (j = 0; j < i && !dup; j += 2) {
			o = n->yn_kids[j];
			if (o->yn_type == YN_SCALAR &&
			    o->yn_len == k->yn_len &&
			    memcmp(o->yn_str, k->yn_str, k->yn_len) == 0) {
				perr(ps, k->yn_line, sub, "duplicate key "
				    "(first at line %zu)", o->yn_line);
				dup = 1;
			}
		}
		if (dup)
			continue;
		for (idx = 0; keys[idx] != NULL; idx++)
			if (strlen(keys[idx]) == k->yn_len &&
			    memcmp(keys[idx], k->yn_str, k->yn_len) == 0)
				break;
		if (keys[idx] == NULL) {
			perr(ps, k->yn_line, sub, "unknown key");
			continue;
		}
		*seen |= 1U << idx;
		cb(ps, idx, v, sub, arg);
	}
	return (0);
}

/* Null stands for an empty list. */
static void
seq_walk(struct pstate *ps, struct ynode *n, const char *path, size_t max,
    item_cb cb, void *arg)
{
	char	 sub[CONF_PATHLEN];
	size_t	 i;

	if (!node_ok(ps, n, path) || is_null(n))
		return;
	if (n->yn_type != YN_SEQ) {
		perr(ps, n->yn_line, path, "expected a list, got %s",
		    type_name(n));
		return;
	}
	if (n->yn_nkids > max)
		perr(ps, n->yn_kids[max]->yn_line, path,
		    "too many entries (at most %zu)", max);
	for (i = 0; i < n->yn_nkids && i < max; i++) {
		(void)snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		cb(ps, i, n->yn_kids[i], sub, arg);
	}
}

/* Report each key in mask that a mapping lacks. */
static void
need(struct pstate *ps, struct ynode *n, const char *path,
    const char *const keys[], unsigned int mask, unsigned int seen)
{
	char	 sub[CONF_PATHLEN];
	int	 i;

	for (i = 0; keys[i] != NULL; i++) {
		if ((mask & (1U << i)) && !(seen & (1U << i))) {
			subpath(sub, path, keys[i]);
			perr(ps, n->yn_line, sub, "required key is missing");
		}
	}
}

static int
get_scalar(struct pstate *ps, struct ynode *n, const char *path,
    const char *what)
{
	if (!node_ok(ps, n, path))
		return (-1);
	if (n->yn_type != YN_SCALAR || is_null(n)) {
		perr(ps, n->yn_line, path, "expected %s, got %s", what,
		    type_name(n));
		return (-1);
	}
	return (0);
}

/* Truncation is an error: a shortened path or name would be a different one. */
static int
get_string(struct pstate *ps, struct ynode *n, const char *path, char *dst,
    size_t dstsz, int empty_ok)
{
	if (get_scalar(ps, n, path, "a string") == -1)
		return (-1);
	if (memchr(n->yn_str, '\0', n->yn_len) != NULL) {
		perr(ps, n->yn_line, path, "contains a NUL byte");
		return (-1);
	}
	if (n->yn_len >= dstsz) {
		perr(ps, n->yn_line, path, "too long (at most %zu bytes)",
		    dstsz - 1);
		return (-1);
	}
	if (n->yn_len == 0 && !empty_ok) {
		perr(ps, n->yn_line, path, "must not be empty");
		return (-1);
	}
	memcpy(dst, n->yn_str, n->yn_len + 1);
	return (0);
}

static int
get_path(struct pstate *ps, struct ynode *n, const char *path, char *dst,
    size_t dstsz, int absolute)
{
	char	 tmp[PATH_MAX];

	if (get_string(ps, n, path, tmp, sizeof(tmp) < dstsz ? sizeof(tmp) :
	    dstsz, 0) == -1)
		return (-1);
	if (absolute && tmp[0] != '/') {
		perr(ps, n->yn_line, path, "must be an absolute path");
		return (-1);
	}
	(void)strlcpy(dst, tmp, dstsz);
	return (0);
}

/* Numbers are plain decimal scalars; "25" in quotes is a string, not a port. */
static int
get_number(struct pstate *ps, struct ynode *n, const char *path,
    long long min, long long max, long long *out)
{
	const char	*errstr;
	char		 ebuf[80];
	long long	 v;

	if (get_scalar(ps, n, path, "an integer") == -1)
		return (-1);
	if (n->yn_quoted) {
		perr(ps, n->yn_line, path, "expected an integer, got %s",
		    type_name(n));
		return (-1);
	}
	esc(n->yn_str, n->yn_len, ebuf, sizeof(ebuf));
	if (strlen(n->yn_str) != n->yn_len) {
		perr(ps, n->yn_line, path, "\"%s\" is not an integer", ebuf);
		return (-1);
	}
	v = strtonum(n->yn_str, min, max, &errstr);
	if (errstr != NULL) {
		if (strcmp(errstr, "invalid") == 0)
			perr(ps, n->yn_line, path, "\"%s\" is not an integer",
			    ebuf);
		else
			perr(ps, n->yn_line, path, "%s is %s (%lld-%lld)",
			    ebuf, errstr, min, max);
		return (-1);
	}
	*out = v;
	return (0);
}

static int
get_int(struct pstate *ps, struct ynode *n, const char *path, int min,
    int max, int *out)
{
	long long	 v;

	if (get_number(ps, n, path, min, max, &v) == -1)
		return (-1);
	*out = (int)v;
	return (0);
}

static int
get_bool(struct pstate *ps, struct ynode *n, const char *path, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };
	char	 ebuf[80];
	int	 i;

	if (get_scalar(ps, n, path, "a boolean") == -1)
		return (-1);
	if (!n->yn_quoted) {
		for (i = 0; yes[i] != NULL; i++)
			if (strcasecmp(n->yn_str, yes[i]) == 0) {
				*out = 1;
				return (0);
			}
		for (i = 0; no[i] != NULL; i++)
			if (strcasecmp(n->yn_str, no[i]) == 0) {
				*out = 0;
				return (0);
			}
	}
	perr(ps, n->yn_line, path, "\"%s\" is not a boolean (true or false)",
	    esc(n->yn_str, n->yn_len, ebuf, sizeof(ebuf)));
	return (-1);
}

/* One word from a NULL-terminated table; *out is its index. */
static int
get_word(struct pstate *ps, struct ynode *n, const char *path,
    const char *const words[], int *out)
{
	char	 ebuf[80], list[512];
	int	 i;

	if (get_scalar(ps, n, path, "a word") == -1)
		return (-1);
	for (i = 0; words[i] != NULL; i++)
		if (strlen(words[i]) == n->yn_len &&
		    strcmp(words[i], n->yn_str) == 0) {
			*out = i;
			return (0);
		}
	list[0] = '\0';
	for (i = 0; words[i] != NULL; i++) {
		if (i > 0)
			(void)strlcat(list, ", ", sizeof(list));
		(void)strlcat(list, words[i], sizeof(list));
	}
	perr(ps, n->yn_line, path, "\"%s\" is not one of %s",
	    esc(n->yn_str, n->yn_len, ebuf, sizeof(ebuf)), list);
	return (-1);
}

struct flags_ctx {
	const char *const	*fc_words;
	int			 fc_mask;
	int			 fc_bad;
};

static void
flags_item(struct pstate *ps, size_t i, struct ynode *n, const char *path,
    void *arg)
{
	struct flags_ctx	*fc = arg;
	int			 w;

	(void)i;
	if (get_word(ps, n, path, fc->fc_words, &w) == -1) {
		fc->fc_bad = 1;
		return;
	}
	if (fc->fc_mask & (1 << w)) {
		perr(ps, n->yn_line, path, "%s is listed twice",
		    fc->fc_words[w]);
		fc->fc_bad = 1;
	}
	fc->fc_mask |= 1 << w;
}

/* A list of words from a table as a bit mask; an empty list is allowed. */
static int
get_flags(struct pstate *ps, struct ynode *n, const char *path,
    const char *const words[], int *out)
{
	struct flags_ctx	 fc;
	int			 before = ps->ps_errors;

	fc.fc_words = words;
	fc.fc_mask = 0;
	fc.fc_bad = 0;
	seq_walk(ps, n, path, 32, flags_item, &fc);
	if (fc.fc_bad || ps->ps_errors != before)
		return (-1);
	*out = fc.fc_mask;
	return (0);
}

static int
get_addr(struct pstate *ps, struct ynode *n, const char *path,
    struct hs_addr *a, int any_ok)
{
	char	 tmp[64], ebuf[80];

	if (get_scalar(ps, n, path, "an IP address") == -1)
		return (-1);
	memset(a, 0, sizeof(*a));
	if (any_ok && strcmp(n->yn_str, "*") == 0 && n->yn_len == 1) {
		a->a_af = AF_UNSPEC;
		(void)strlcpy(a->a_text, "*", sizeof(a->a_text));
		return (0);
	}
	if (n->yn_len < sizeof(tmp) && strlen(n->yn_str) == n->yn_len) {
		memcpy(tmp, n->yn_str, n->yn_len + 1);
		if (inet_pton(AF_INET, tmp, &a->a_u.v4) == 1)
			a->a_af = AF_INET;
		else if (inet_pton(AF_INET6, tmp, &a->a_u.v6) == 1)
			a->a_af = AF_INET6;
	}
	if (a->a_af == 0 || inet_ntop(a->a_af, &a->a_u, a->a_text,
	    sizeof(a->a_text)) == NULL) {
		perr(ps, n->yn_line, path, "\"%s\" is not an IP address%s",
		    esc(n->yn_str, n->yn_len, ebuf, sizeof(ebuf)),
		    any_ok ? " or \"*\"" : "");
		memset(a, 0, sizeof(*a));
		return (-1);
	}
	return (0);
}

/* The kernel's own rules for a network interface name. */
static int
get_ifname(struct pstate *ps, struct ynode *n, const char *path, char *dst,
    size_t dstsz)
{
	char	 tmp[IFNAMSIZ], ebuf[80];
	size_t	 i;

	if (get_string(ps, n, path, tmp, sizeof(tmp), 0) == -1)
		return (-1);
	for (i = 0; tmp[i] != '\0'; i++)
		if (tmp[i] == '/' || tmp[i] == ':' ||
		    isspace((unsigned char)tmp[i]) ||
		    !isprint((unsigned char)tmp[i]))
			break;
	if (tmp[i] != '\0' || strcmp(tmp, ".") == 0 ||
	    strcmp(tmp, "..") == 0) {
		perr(ps, n->yn_line, path, "\"%s\" is not a valid interface "
		    "name", esc(tmp, strlen(tmp), ebuf, sizeof(ebuf)));
		return (-1);
	}
	(void)strlcpy(dst, tmp, dstsz);
	return (0);
}

/* Letters, digits, '.', '_' and '-', not starting with '-'. */
static int
valid_name(const char *s, int dots)
{
	size_t	 i;

	if (s[0] == '\0' || s[0] == '-')
		return (0);
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && (!dots || s[i] != '.'))
			return (0);
	return (1);
}

/*
 * Node, user and account names end up in certificates, logs and file
 * names; a small character set keeps them safe everywhere.
 */
static int
get_name(struct pstate *ps, struct ynode *n, const char *path, char *dst,
    size_t dstsz, const char *what)
{
	char	 tmp[HS_NAMELEN], ebuf[80];

	if (get_string(ps, n, path, tmp, dstsz < sizeof(tmp) ? dstsz :
	    sizeof(tmp), 0) == -1)
		return (-1);
	if (!valid_name(tmp, 1)) {
		perr(ps, n->yn_line, path, "\"%s\" is not a valid %s "
		    "(letters, digits, '.', '_', '-')",
		    esc(tmp, strlen(tmp), ebuf, sizeof(ebuf)), what);
		return (-1);
	}
	(void)strlcpy(dst, tmp, dstsz);
	return (0);
}

/* A DNS name, or an IPv4 or IPv6 address. */
static int
valid_hostname(const char *s)
{
	struct in6_addr	 in6;
	size_t		 i, label = 0;
	int		 ok = 1;

	if (inet_pton(AF_INET6, s, &in6) == 1)
		return (1);
	for (i = 0; s[i] != '\0' && ok; i++) {
		if (s[i] == '.') {
			ok = label > 0;
			label = 0;
		} else if (isalnum((unsigned char)s[i]) || s[i] == '-')
			ok = ++label <= 63;
		else
			ok = 0;
	}
	if (i > 253 || s[0] == '-')
		ok = 0;
	return (ok);
}

static int
get_hostname(struct pstate *ps, struct ynode *n, const char *path,
    char *dst, size_t dstsz)
{
	char		 tmp[CONF_HOSTNAMELEN], ebuf[80];

	if (get_string(ps, n, path, tmp, sizeof(tmp), 0) == -1)
		return (-1);
	if (!valid_hostname(tmp)) {
		perr(ps, n->yn_line, path, "\"%s\" is not a host name or IP "
		    "address", esc(tmp, strlen(tmp), ebuf, sizeof(ebuf)));
		return (-1);
	}
	(void)strlcpy(dst, tmp, dstsz);
	return (0);
}

/* Spoofed hosts need unicast MACs: a multicast source would be dropped. */
static int
get_mac(struct pstate *ps, struct ynode *n, const char *path, uint8_t *mac)
{
	char		 tmp[32], ebuf[80];
	unsigned int	 b;
	size_t		 i;
	int		 ok;

	if (get_string(ps, n, path, tmp, sizeof(tmp), 0) == -1) {
		return (-1);
	}
	ok = strlen(tmp) == 17;
	for (i = 0; ok && i < CONF_MACLEN; i++) {
		if (!isxdigit((unsigned char)tmp[i * 3]) ||
		    !isxdigit((unsigned char)tmp[i * 3 + 1]) ||
		    (i < CONF_MACLEN - 1 && tmp[i * 3 + 2] != ':')) {
			ok = 0;
			break;
		}
		if (sscanf(tmp + i * 3, "%2x", &b) != 1)
			ok = 0;
		mac[i] = (uint8_t)b;
	}
	if (!ok) {
		perr(ps, n->yn_line, path, "\"%s\" is not a MAC address "
		    "(xx:xx:xx:xx:xx:xx)",
		    esc(n->yn_str, n->yn_len, ebuf, sizeof(ebuf)));
		return (-1);
	}
	if (mac[0] & 0x01) {
		perr(ps, n->yn_line, path, "%s is a multicast MAC address",
		    tmp);
		return (-1);
	}
	return (0);
}

static void
strlist_free(struct conf_strlist *l)
{
	struct conf_str	*s;

	while ((s = TAILQ_FIRST(l)) != NULL) {
		TAILQ_REMOVE(l, s, cs_entry);
		free(s);
	}
}

static void
config_defaults(struct hs_config *c)
{
	struct hs_addr	*a;

	c->c_node.n_mode = NODEMODE_SENSOR;
	(void)strlcpy(c->c_node.n_user, HS_USER, sizeof(c->c_node.n_user));
	(void)strlcpy(c->c_node.n_chroot, HS_CHROOT,
	    sizeof(c->c_node.n_chroot));
	c->c_master.m_port = CONF_DEFAULT_PORT;
	c->c_master.m_reconnect = 60;
	a = &c->c_listen.l_addr;
	a->a_af = AF_INET6;
	a->a_u.v6 = in6addr_any;
	(void)strlcpy(a->a_text, "::", sizeof(a->a_text));
	c->c_listen.l_port = CONF_DEFAULT_PORT;
	a = &c->c_web.w_addr;
	a->a_af = AF_INET;
	a->a_u.v4.s_addr = htonl(INADDR_LOOPBACK);
	(void)strlcpy(a->a_text, "127.0.0.1", sizeof(a->a_text));
	c->c_web.w_port = CONF_DEFAULT_WEBPORT;
	(void)strlcpy(c->c_web.w_root, CONF_DEFAULT_WEBROOT,
	    sizeof(c->c_web.w_root));
	c->c_web.w_timeout = 3600;
	TAILQ_INIT(&c->c_web.w_users);
	(void)strlcpy(c->c_network.nw_bridge, "honeyspy",
	    sizeof(c->c_network.nw_bridge));
	TAILQ_INIT(&c->c_hosts);
	TAILQ_INIT(&c->c_services);
	c->c_capture.cp_snaplen = 65535;
	c->c_capture.cp_ring = 4194304;
	TAILQ_INIT(&c->c_capture.cp_filters);
	(void)strlcpy(c->c_fingerprint.fp_database, "/etc/p0f/p0f.fp",
	    sizeof(c->c_fingerprint.fp_database));
	c->c_fingerprint.fp_packets = FP_SYN | FP_SYNACK;
	c->c_fingerprint.fp_fuzzy = 1;
	c->c_detect.d_enabled = DETECT_SHELLCODE | DETECT_FORMAT_STRING |
	    DETECT_OVERFLOW;
	c->c_detect.d_steps = 100000;
	c->c_detect.d_memory = 1048576;
	c->c_detect.d_scan = 1048576;
	(void)strlcpy(c->c_log.lg_file, "/var/log/honeyspy/events.json",
	    sizeof(c->c_log.lg_file));
	c->c_log.lg_syslog = 1;
	(void)strlcpy(c->c_log.lg_spool, "/var/spool/honeyspy",
	    sizeof(c->c_log.lg_spool));
	(void)strlcpy(c->c_log.lg_artifacts, "/var/lib/honeyspy/artifacts",
	    sizeof(c->c_log.lg_artifacts));
	c->c_log.lg_spool_max = 1LL << 30;
	(void)strlcpy(c->c_log.lg_database, "/var/lib/honeyspy/events.db",
	    sizeof(c->c_log.lg_database));
	c->c_log.lg_retention = 90;
	c->c_log.lg_database_max = 0;
	TAILQ_INIT(&c->c_outputs);
	(void)strlcpy(c->c_enrich.en_location, "/var/lib/location/database.db",
	    sizeof(c->c_enrich.en_location));
	(void)strlcpy(c->c_enrich.en_oui, "/usr/share/ieee-data/oui.txt",
	    sizeof(c->c_enrich.en_oui));
}

static void
parse_top(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;
	unsigned int		 seen;

	(void)arg;
	/* the key's line: a null section has no line of its own */
	ps->ps_sect[idx] = v->yn_line;
	switch (idx) {
	case T_NODE:
		(void)map_walk(ps, v, path, node_keys, parse_node, NULL,
		    &seen);
		break;
	case T_MASTER:
		c->c_master.m_configured = 1;
		if (map_walk(ps, v, path, master_keys, parse_master, NULL,
		    &seen) == 0)
			need(ps, v, path, master_keys, 1U << M_ADDRESS |
			    1U << M_CA | 1U << M_CERT | 1U << M_KEY, seen);
		break;
	case T_LISTEN:
		if (map_walk(ps, v, path, listen_keys, parse_listen, NULL,
		    &seen) == 0)
			need(ps, v, path, listen_keys, 1U << L_CA |
			    1U << L_CERT | 1U << L_KEY, seen);
		break;
	case T_WEB:
		(void)map_walk(ps, v, path, web_keys, parse_web, NULL, &seen);
		break;
	case T_NETWORK:
		(void)map_walk(ps, v, path, network_keys, parse_network, NULL,
		    &seen);
		break;
	case T_HOSTS:
		seq_walk(ps, v, path, CONF_MAX_HOSTS, parse_host, NULL);
		break;
	case T_SERVICES:
		seq_walk(ps, v, path, CONF_MAX_SERVICES, parse_service, NULL);
		break;
	case T_CAPTURE:
		(void)map_walk(ps, v, path, capture_keys, parse_capture, NULL,
		    &seen);
		break;
	case T_FINGERPRINT:
		(void)map_walk(ps, v, path, fingerprint_keys,
		    parse_fingerprint, NULL, &seen);
		break;
	case T_DETECT:
		(void)map_walk(ps, v, path, detect_keys, parse_detect, NULL,
		    &seen);
		break;
	case T_LOG:
		(void)map_walk(ps, v, path, log_keys, parse_log, NULL, &seen);
		break;
	case T_OUTPUTS:
		seq_walk(ps, v, path, CONF_MAX_OUTPUTS, parse_output, NULL);
		break;
	case T_ENRICH:
		(void)map_walk(ps, v, path, enrich_keys, parse_enrich, NULL,
		    &seen);
		break;
	}
}

static void
parse_node(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;
	int			 mode;

	(void)arg;
	switch (idx) {
	case N_NAME:
		(void)get_name(ps, v, path, c->c_node.n_name,
		    sizeof(c->c_node.n_name), "node name");
		break;
	case N_MODE:
		if (get_word(ps, v, path, mode_names, &mode) == 0)
			c->c_node.n_mode = mode == 1 ? NODEMODE_MASTER :
			    NODEMODE_SENSOR;
		break;
	case N_USER:
		/* useradd(8) limit: 32 bytes */
		(void)get_name(ps, v, path, c->c_node.n_user, 33,
		    "user name");
		break;
	case N_CHROOT:
		(void)get_path(ps, v, path, c->c_node.n_chroot,
		    sizeof(c->c_node.n_chroot), 1);
		break;
	}
}

static void
parse_master(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;

	(void)arg;
	switch (idx) {
	case M_ADDRESS:
		(void)get_hostname(ps, v, path, c->c_master.m_address,
		    sizeof(c->c_master.m_address));
		break;
	case M_PORT:
		(void)get_int(ps, v, path, 1, 65535, &c->c_master.m_port);
		break;
	case M_CA:
		(void)get_path(ps, v, path, c->c_master.m_ca,
		    sizeof(c->c_master.m_ca), 0);
		break;
	case M_CERT:
		(void)get_path(ps, v, path, c->c_master.m_cert,
		    sizeof(c->c_master.m_cert), 0);
		break;
	case M_KEY:
		(void)get_path(ps, v, path, c->c_master.m_key,
		    sizeof(c->c_master.m_key), 0);
		break;
	case M_RECONNECT:
		(void)get_int(ps, v, path, 1, 3600, &c->c_master.m_reconnect);
		break;
	case M_CRL:
		(void)get_path(ps, v, path, c->c_master.m_crl,
		    sizeof(c->c_master.m_crl), 0);
		break;
	}
}

static void
parse_listen(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;

	(void)arg;
	switch (idx) {
	case L_ADDRESS:
		(void)get_addr(ps, v, path, &c->c_listen.l_addr, 0);
		break;
	case L_PORT:
		(void)get_int(ps, v, path, 1, 65535, &c->c_listen.l_port);
		break;
	case L_CA:
		(void)get_path(ps, v, path, c->c_listen.l_ca,
		    sizeof(c->c_listen.l_ca), 0);
		break;
	case L_CERT:
		(void)get_path(ps, v, path, c->c_listen.l_cert,
		    sizeof(c->c_listen.l_cert), 0);
		break;
	case L_KEY:
		(void)get_path(ps, v, path, c->c_listen.l_key,
		    sizeof(c->c_listen.l_key), 0);
		break;
	case L_CRL:
		(void)get_path(ps, v, path, c->c_listen.l_crl,
		    sizeof(c->c_listen.l_crl), 0);
		break;
	}
}

static void
parse_web(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;

	(void)arg;
	switch (idx) {
	case W_ADDRESS:
		(void)get_addr(ps, v, path, &c->c_web.w_addr, 0);
		break;
	case W_PORT:
		(void)get_int(ps, v, path, 1, 65535, &c->c_web.w_port);
		break;
	case W_USERS:
		seq_walk(ps, v, path, CONF_MAX_USERS, parse_user, NULL);
		break;
	case W_ROOT:
		(void)get_path(ps, v, path, c->c_web.w_root,
		    sizeof(c->c_web.w_root), 0);
		break;
	case W_TIMEOUT:
		(void)get_int(ps, v, path, 5, 7 * 86400, &c->c_web.w_timeout);
		break;
	}
}

static void
parse_user(struct pstate *ps, size_t i, struct ynode *n, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;
	struct conf_user	*u, *o;
	unsigned int		 seen;
	size_t			 j = 0;

	(void)i;
	(void)arg;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		fatal("%s", __func__);
	TAILQ_INSERT_TAIL(&c->c_web.w_users, u, u_entry);
	c->c_web.w_nusers++;
	if (map_walk(ps, n, path, user_keys, parse_user_key, u, &seen) == -1)
		return;
	need(ps, n, path, user_keys, 1U << U_NAME | 1U << U_PASSWORD, seen);
	if (u->u_name[0] == '\0')
		return;
	TAILQ_FOREACH(o, &c->c_web.w_users, u_entry) {
		if (o == u)
			break;
		if (strcmp(o->u_name, u->u_name) == 0) {
			perr(ps, n->yn_line, path, "user %s is already "
			    "defined by web.users[%zu]", u->u_name, j);
			break;
		}
		j++;
	}
}

static void
parse_user_key(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct conf_user	*u = arg;
	size_t			 i;

	switch (idx) {
	case U_NAME:
		(void)get_name(ps, v, path, u->u_name, sizeof(u->u_name),
		    "user name");
		break;
	case U_PASSWORD:
		/* an opaque hash, but it is printed: keep it one clean line */
		if (get_string(ps, v, path, u->u_password,
		    sizeof(u->u_password), 0) == -1)
			break;
		for (i = 0; u->u_password[i] != '\0'; i++)
			if (!isgraph((unsigned char)u->u_password[i])) {
				perr(ps, v->yn_line, path, "a password hash "
				    "must be printable ASCII without spaces");
				return;
			}
		if (!passwd_valid(u->u_password))
			perr(ps, v->yn_line, path, "not a password hash "
			    "this version reads; make one with "
			    "\"honeyspyctl hash-password\"");
		break;
	}
}

static void
parse_network(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;

	(void)arg;
	switch (idx) {
	case NW_BRIDGE:
		(void)get_ifname(ps, v, path, c->c_network.nw_bridge,
		    sizeof(c->c_network.nw_bridge));
		break;
	case NW_UPLINK:
		(void)get_ifname(ps, v, path, c->c_network.nw_uplink,
		    sizeof(c->c_network.nw_uplink));
		break;
	}
}

static int
addr_eq(const struct hs_addr *a, const struct hs_addr *b)
{
	if (a->a_af != b->a_af)
		return (0);
	switch (a->a_af) {
	case AF_INET:
		return (a->a_u.v4.s_addr == b->a_u.v4.s_addr);
	case AF_INET6:
		return (memcmp(&a->a_u.v6, &b->a_u.v6, sizeof(a->a_u.v6)) ==
		    0);
	default:
		return (1);
	}
}

static void
parse_host(struct pstate *ps, size_t i, struct ynode *n, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;
	struct conf_host	*h, *o;
	unsigned int		 seen;
	size_t			 j = 0;

	(void)i;
	(void)arg;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		fatal("%s", __func__);
	TAILQ_INSERT_TAIL(&c->c_hosts, h, h_entry);
	c->c_nhosts++;
	if (map_walk(ps, n, path, host_keys, parse_host_key, h, &seen) == -1)
		return;
	need(ps, n, path, host_keys, 1U << H_ADDRESS, seen);
	if (h->h_address.a_af == 0)
		return;
	/* two aliases with one address would fight over ARP replies */
	TAILQ_FOREACH(o, &c->c_hosts, h_entry) {
		if (o == h)
			break;
		if (addr_eq(&o->h_address, &h->h_address)) {
			perr(ps, n->yn_line, path, "address %s is already "
			    "used by hosts[%zu]", h->h_address.a_text, j);
			break;
		}
		j++;
	}
}

static void
parse_host_key(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct conf_host	*h = arg;
	char			 buf[16];

	switch (idx) {
	case H_ADDRESS:
		(void)get_addr(ps, v, path, &h->h_address, 0);
		break;
	case H_MAC:
		if (get_mac(ps, v, path, h->h_mac) == 0)
			h->h_hasmac = 1;
		break;
	case H_PERSONALITY:
		(void)get_string(ps, v, path, h->h_personality,
		    sizeof(h->h_personality), 0);
		break;
	case H_VENDOR:
		/* netctl matches it against the OUI list's names */
		if (get_string(ps, v, path, h->h_vendor, sizeof(h->h_vendor),
		    0) == 0 && strlen(h->h_vendor) >= HS_VENDORLEN)
			perr(ps, v->yn_line, path, "too long (at most %d "
			    "bytes)", HS_VENDORLEN - 1);
		break;
	case H_FAILURE:
		if (get_string(ps, v, path, buf, sizeof(buf), 0) == -1)
			break;
		if (strcmp(buf, "closed") == 0)
			h->h_failclosed = 1;
		else if (strcmp(buf, "open") != 0)
			perr(ps, v->yn_line, path, "must be open or closed");
		break;
	}
}

static void
parse_service(struct pstate *ps, size_t i, struct ynode *n, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;
	struct conf_service	*s, *o;
	struct conf_limits	*l;
	struct svc_ctx		 sc;
	unsigned int		 seen;
	size_t			 j = 0;
	char			 sub[CONF_PATHLEN];

	(void)i;
	(void)arg;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("%s", __func__);
	config_service_init(s);
	l = &s->s_limits;
	TAILQ_INSERT_TAIL(&c->c_services, s, s_entry);
	c->c_nservices++;
	memset(&sc, 0, sizeof(sc));
	sc.sc_svc = s;
	if (map_walk(ps, n, path, service_keys, parse_service_key, &sc,
	    &seen) == -1)
		return;
	need(ps, n, path, service_keys, 1U << S_PORT | 1U << S_PROGRAM, seen);
	if (s->s_name[0] == '\0' && s->s_program[0] != '\0')
		config_service_default_name(s);
	if (l->l_per_source > l->l_connections) {
		subpath(sub, path, "limits.per_source");
		perr(ps, sc.sc_line ? sc.sc_line : n->yn_line, sub,
		    "%d is more than limits.connections (%d)",
		    l->l_per_source, l->l_connections);
	}
	if (s->s_port == 0 || sc.sc_badaddr)
		return;
	TAILQ_FOREACH(o, &c->c_services, s_entry) {
		if (o == s)
			break;
		if (o->s_port == s->s_port && o->s_proto == s->s_proto &&
		    addr_eq(&o->s_addr, &s->s_addr)) {
			perr(ps, n->yn_line, path, "%s %s port %d is already "
			    "used by services[%zu]", s->s_addr.a_text,
			    config_proto_name(s->s_proto), s->s_port, j);
			break;
		}
		j++;
	}
}

static void
parse_service_key(struct pstate *ps, int idx, struct ynode *v,
    const char *path, void *arg)
{
	struct svc_ctx		*sc = arg;
	struct conf_service	*s = sc->sc_svc;
	struct strlist_ctx	 sl;
	unsigned int		 seen;
	int			 proto;

	switch (idx) {
	case S_ADDRESS:
		if (get_addr(ps, v, path, &s->s_addr, 1) == -1)
			sc->sc_badaddr = 1;	/* no duplicate check */
		break;
	case S_PORT:
		(void)get_int(ps, v, path, 1, 65535, &s->s_port);
		break;
	case S_PROTO:
		if (get_word(ps, v, path, proto_names, &proto) == 0)
			s->s_proto = proto == 1 ? IPPROTO_UDP : IPPROTO_TCP;
		break;
	case S_PROGRAM:
		(void)get_path(ps, v, path, s->s_program,
		    sizeof(s->s_program), 0);
		break;
	case S_ARGS:
		sl.sl_list = &s->s_args;
		sl.sl_count = &s->s_nargs;
		seq_walk(ps, v, path, CONF_MAX_ARGS, parse_strlist_item, &sl);
		break;
	case S_LIMITS:
		sc->sc_line = v->yn_line;
		(void)map_walk(ps, v, path, limit_keys, parse_limits,
		    &s->s_limits, &seen);
		break;
	case S_NAME:
		(void)get_name(ps, v, path, s->s_name, sizeof(s->s_name),
		    "service name");
		break;
	case S_USER:
		(void)get_name(ps, v, path, s->s_user, sizeof(s->s_user),
		    "user name");
		break;
	case S_DIRECTORY:
		(void)get_path(ps, v, path, s->s_directory,
		    sizeof(s->s_directory), 1);
		break;
	case S_CHROOT:
		(void)get_bool(ps, v, path, &s->s_chroot);
		break;
	case S_RLIMITS:
		(void)map_walk(ps, v, path, rlimit_keys, parse_rlimits,
		    &s->s_rlimits, &seen);
		break;
	}
}

/* Free a service that is no longer on any list. */
void
config_service_free(struct conf_service *s)
{
	strlist_free(&s->s_args);
	free(s);
}

/* A service as if its mapping were empty: every default filled in. */
void
config_service_init(struct conf_service *s)
{
	struct conf_limits	*l = &s->s_limits;

	TAILQ_INIT(&s->s_args);
	s->s_addr.a_af = AF_UNSPEC;
	(void)strlcpy(s->s_addr.a_text, "*", sizeof(s->s_addr.a_text));
	s->s_proto = IPPROTO_TCP;
	l->l_connections = 64;
	l->l_per_source = 8;
	l->l_rate = 60;
	l->l_window = 60;
	l->l_timeout = 300;
	l->l_transcript = 1048576;
	l->l_bytes = 16 * 1048576;
	l->l_idle = 60;
	(void)strlcpy(s->s_user, HS_SVC_USER, sizeof(s->s_user));
	(void)strlcpy(s->s_directory, "/", sizeof(s->s_directory));
	s->s_rlimits.rl_cpu = 60;
	s->s_rlimits.rl_memory = 512 * 1048576LL;
	s->s_rlimits.rl_files = 64;
	s->s_rlimits.rl_processes = 256;
	s->s_rlimits.rl_filesize = 16 * 1048576;
	s->s_rlimits.rl_nice = HS_SVC_NICE;
}

/*
 * A service without a name is called after its program, for events:
 * "bin/services/smtp" becomes "smtp".  Characters a name may not hold
 * become '_'.
 */
void
config_service_default_name(struct conf_service *s)
{
	const char	*base;
	size_t		 i;

	if ((base = strrchr(s->s_program, '/')) != NULL)
		base++;
	else
		base = s->s_program;
	(void)strlcpy(s->s_name, base, sizeof(s->s_name));
	for (i = 0; s->s_name[i] != '\0'; i++)
		if (!isalnum((unsigned char)s->s_name[i]) &&
		    strchr("._-", s->s_name[i]) == NULL)
			s->s_name[i] = '_';
	if (s->s_name[0] == '\0')
		(void)strlcpy(s->s_name, "service", sizeof(s->s_name));
}

static void
parse_rlimits(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct conf_rlimits	*rl = arg;

	switch (idx) {
	case RL_CPU:
		(void)get_number(ps, v, path, 0, 86400, &rl->rl_cpu);
		break;
	case RL_MEMORY:
		(void)get_number(ps, v, path, 0, 1LL << 40, &rl->rl_memory);
		break;
	case RL_FILES:
		(void)get_number(ps, v, path, 0, 1048576, &rl->rl_files);
		break;
	case RL_PROCESSES:
		(void)get_number(ps, v, path, 0, 1048576,
		    &rl->rl_processes);
		break;
	case RL_FILESIZE:
		(void)get_number(ps, v, path, 0, 1LL << 40,
		    &rl->rl_filesize);
		break;
	case RL_NICE:
		(void)get_number(ps, v, path, 0, HS_SVC_NICE_MAX,
		    &rl->rl_nice);
		break;
	}
}

static void
parse_limits(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct conf_limits	*l = arg;

	switch (idx) {
	case SL_CONNECTIONS:
		(void)get_int(ps, v, path, 1, 65535, &l->l_connections);
		break;
	case SL_PER_SOURCE:
		(void)get_int(ps, v, path, 1, 65535, &l->l_per_source);
		break;
	case SL_RATE:
		(void)get_int(ps, v, path, 1, 60000, &l->l_rate);
		break;
	case SL_TIMEOUT:
		(void)get_int(ps, v, path, 1, 86400, &l->l_timeout);
		break;
	case SL_TRANSCRIPT:
		(void)get_number(ps, v, path, 0, 1073741824,
		    &l->l_transcript);
		break;
	case SL_BYTES:
		(void)get_number(ps, v, path, 0, 1LL << 40, &l->l_bytes);
		break;
	case SL_IDLE:
		(void)get_int(ps, v, path, 1, 86400, &l->l_idle);
		break;
	case SL_WINDOW:
		(void)get_int(ps, v, path, 1, 3600, &l->l_window);
		break;
	}
}

/* Service arguments and pcap filters: kept verbatim, one per entry. */
static void
parse_strlist_item(struct pstate *ps, size_t i, struct ynode *n,
    const char *path, void *arg)
{
	struct strlist_ctx	*sl = arg;
	struct conf_str		*s;

	(void)i;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("%s", __func__);
	if (get_string(ps, n, path, s->cs_str, sizeof(s->cs_str), 1) == -1) {
		free(s);
		return;
	}
	TAILQ_INSERT_TAIL(sl->sl_list, s, cs_entry);
	(*sl->sl_count)++;
}

static void
parse_capture(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;
	struct strlist_ctx	 sl;
	struct conf_str		*s;
	size_t			 i = 0;
	char			 sub[CONF_PATHLEN];

	(void)arg;
	switch (idx) {
	case CP_INTERFACE:
		(void)get_ifname(ps, v, path, c->c_capture.cp_interface,
		    sizeof(c->c_capture.cp_interface));
		break;
	case CP_FILTERS:
		sl.sl_list = &c->c_capture.cp_filters;
		sl.sl_count = &c->c_capture.cp_nfilters;
		seq_walk(ps, v, path, CONF_MAX_FILTERS, parse_strlist_item,
		    &sl);
		/* an empty filter would silently match every packet */
		TAILQ_FOREACH(s, &c->c_capture.cp_filters, cs_entry) {
			if (s->cs_str[0] == '\0') {
				(void)snprintf(sub, sizeof(sub), "%s[%zu]",
				    path, i);
				perr(ps, v->yn_line, sub, "empty filter");
			}
			i++;
		}
		break;
	case CP_ENABLED:
		(void)get_bool(ps, v, path, &c->c_capture.cp_enabled);
		break;
	case CP_SNAPLEN:
		(void)get_int(ps, v, path, 64, 262144,
		    &c->c_capture.cp_snaplen);
		break;
	case CP_RING:
		(void)get_number(ps, v, path, 65536, 1073741824,
		    &c->c_capture.cp_ring);
		break;
	}
}

static void
parse_fingerprint(struct pstate *ps, int idx, struct ynode *v,
    const char *path, void *arg)
{
	struct hs_config	*c = ps->ps_conf;

	(void)arg;
	switch (idx) {
	case FP_DATABASE:
		(void)get_path(ps, v, path, c->c_fingerprint.fp_database,
		    sizeof(c->c_fingerprint.fp_database), 0);
		break;
	case FP_PACKETS:
		(void)get_flags(ps, v, path, config_fp_names,
		    &c->c_fingerprint.fp_packets);
		break;
	case FP_FUZZY:
		(void)get_bool(ps, v, path, &c->c_fingerprint.fp_fuzzy);
		break;
	}
}

static void
parse_detect(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;
	unsigned int		 seen;

	(void)arg;
	switch (idx) {
	case D_ENABLED:
		(void)get_flags(ps, v, path, config_detect_names,
		    &c->c_detect.d_enabled);
		break;
	case D_LIMITS:
		(void)map_walk(ps, v, path, detect_limit_keys,
		    parse_detect_limits, NULL, &seen);
		break;
	}
}

static void
parse_detect_limits(struct pstate *ps, int idx, struct ynode *v,
    const char *path, void *arg)
{
	struct hs_config	*c = ps->ps_conf;

	(void)arg;
	switch (idx) {
	case DL_STEPS:
		(void)get_number(ps, v, path, 1000, 100000000,
		    &c->c_detect.d_steps);
		break;
	case DL_MEMORY:
		(void)get_number(ps, v, path, 65536, 268435456,
		    &c->c_detect.d_memory);
		break;
	case DL_SCAN:
		(void)get_number(ps, v, path, 0, 1073741824,
		    &c->c_detect.d_scan);
		break;
	}
}

static void
parse_log(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;

	(void)arg;
	switch (idx) {
	case LG_FILE:
		(void)get_path(ps, v, path, c->c_log.lg_file,
		    sizeof(c->c_log.lg_file), 0);
		break;
	case LG_SYSLOG:
		(void)get_bool(ps, v, path, &c->c_log.lg_syslog);
		break;
	case LG_SPOOL:
		(void)get_path(ps, v, path, c->c_log.lg_spool,
		    sizeof(c->c_log.lg_spool), 0);
		break;
	case LG_ARTIFACTS:
		(void)get_path(ps, v, path, c->c_log.lg_artifacts,
		    sizeof(c->c_log.lg_artifacts), 0);
		break;
	case LG_SPOOL_MAX:
		(void)get_number(ps, v, path, 1048576, 1LL << 40,
		    &c->c_log.lg_spool_max);
		break;
	case LG_DATABASE:
		(void)get_path(ps, v, path, c->c_log.lg_database,
		    sizeof(c->c_log.lg_database), 0);
		break;
	case LG_RETENTION:
		(void)get_int(ps, v, path, 0, 36500, &c->c_log.lg_retention);
		break;
	case LG_DATABASE_MAX:
		(void)get_number(ps, v, path, 0, 1LL << 42,
		    &c->c_log.lg_database_max);
		break;
	}
}

const char *
config_output_type_name(int type)
{
	if (type < 0 || type >= OUTPUT_NTYPES)
		return ("?");
	return (output_type_names[type]);
}

const char *
config_hook_format_name(int f)
{
	return (f == HOOK_SLACK ? "slack" : "json");
}

const char *
config_transport_name(int t)
{
	return (t == TRANSPORT_UDP ? "udp" : "tls");
}

const char *
config_facility_name(int f)
{
	if (f < 0 || f >= (int)(sizeof(facility_names) /
	    sizeof(facility_names[0])) - 1)
		return ("?");
	return (facility_names[f]);
}

static void
parse_output(struct pstate *ps, size_t i, struct ynode *n, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;
	struct conf_output	*o, *p;
	unsigned int		 seen, extra;
	char			 sub[CONF_PATHLEN];
	int			 k;

	(void)i;
	(void)arg;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		fatal("%s", __func__);
	o->o_type = -1;
	o->o_queue = 1000;
	o->o_retry = 60;
	o->o_rotate_size = 100LL * 1048576;
	o->o_rotate_keep = 10;
	o->o_facility = 16;	/* local0 */
	TAILQ_INIT(&o->o_servers);
	(void)strlcpy(o->o_stream, "HONEYSPY", sizeof(o->o_stream));
	(void)strlcpy(o->o_subject, "honeyspy", sizeof(o->o_subject));
	o->o_create = 1;
	o->o_replicas = 1;
	o->o_detections = 1;
	o->o_dedup = 300;
	o->o_rate = 30;
	o->o_window = 60;
	TAILQ_INSERT_TAIL(&c->c_outputs, o, o_entry);
	c->c_noutputs++;
	if (map_walk(ps, n, path, output_keys, parse_output_key, o,
	    &seen) == -1)
		return;
	need(ps, n, path, output_keys, 1U << OT_TYPE, seen);
	if (o->o_type < 0)
		return;
	need(ps, n, path, output_keys, output_type_need[o->o_type], seen);
	if ((extra = seen & ~output_type_keys[o->o_type]) != 0)
		for (k = 0; output_keys[k] != NULL; k++)
			if (extra & (1U << k)) {
				subpath(sub, path, output_keys[k]);
				perr(ps, n->yn_line, sub, "not used by a "
				    "%s output", output_type_names[o->o_type]);
			}
	if (o->o_name[0] == '\0')
		(void)strlcpy(o->o_name, output_type_names[o->o_type],
		    sizeof(o->o_name));
	if (o->o_type == OUTPUT_SYSLOG) {
		if (o->o_port == 0)
			o->o_port = o->o_transport == TRANSPORT_TLS ? 6514 :
			    514;
		if (o->o_transport == TRANSPORT_TLS && o->o_ca[0] == '\0') {
			subpath(sub, path, "ca");
			perr(ps, n->yn_line, sub, "required for transport "
			    "tls");
		}
		if (o->o_transport == TRANSPORT_UDP &&
		    (seen & (1U << OT_CA | 1U << OT_CERT | 1U << OT_KEY))) {
			subpath(sub, path, "transport");
			perr(ps, n->yn_line, sub, "udp takes no ca, cert or "
			    "key");
		}
	}
	if ((o->o_cert[0] == '\0') != (o->o_key[0] == '\0')) {
		subpath(sub, path, o->o_cert[0] ? "key" : "cert");
		perr(ps, n->yn_line, sub, "cert and key go together");
	}
	if (o->o_type == OUTPUT_WEBHOOK) {
		if (!(seen & (1U << OT_EVENTS)))
			for (k = 0; hook_default_events[k] != NULL; k++)
				(void)strlcpy(o->o_events[o->o_nevents++],
				    hook_default_events[k],
				    sizeof(o->o_events[0]));
		if (o->o_url[0] == '\0')
			;	/* said already */
		else if (!o->o_tls && (seen & (1U << OT_CA))) {
			subpath(sub, path, "ca");
			perr(ps, n->yn_line, sub, "not used with http");
		} else if (o->o_tls && o->o_ca[0] == '\0')
			(void)strlcpy(o->o_ca, HOOK_CA_DEFAULT,
			    sizeof(o->o_ca));
	}
	TAILQ_FOREACH(p, &c->c_outputs, o_entry) {
		if (p == o)
			break;
		if (strcmp(p->o_name, o->o_name) == 0) {
			subpath(sub, path, "name");
			perr(ps, n->yn_line, sub, "%s is already the name of "
			    "another output", o->o_name);
			break;
		}
	}
}

static void
parse_output_key(struct pstate *ps, int idx, struct ynode *v,
    const char *path, void *arg)
{
	struct conf_output	*o = arg;
	struct strlist_ctx	 sl;
	struct conf_str		*s;
	int			 w;

	switch (idx) {
	case OT_TYPE:
		if (get_word(ps, v, path, output_type_names, &w) == 0)
			o->o_type = w;
		break;
	case OT_NAME:
		(void)get_name(ps, v, path, o->o_name, sizeof(o->o_name),
		    "output name");
		break;
	case OT_QUEUE:
		(void)get_int(ps, v, path, 1, 100000, &o->o_queue);
		break;
	case OT_RETRY:
		(void)get_int(ps, v, path, 1, 86400, &o->o_retry);
		break;
	case OT_PATH:
		(void)get_path(ps, v, path, o->o_path, sizeof(o->o_path), 0);
		break;
	case OT_ROTATE_SIZE:
		(void)get_number(ps, v, path, 0, 1LL << 40,
		    &o->o_rotate_size);
		break;
	case OT_ROTATE_KEEP:
		(void)get_int(ps, v, path, 0, 1000, &o->o_rotate_keep);
		break;
	case OT_ADDRESS:
		(void)get_hostname(ps, v, path, o->o_address,
		    sizeof(o->o_address));
		break;
	case OT_PORT:
		(void)get_int(ps, v, path, 1, 65535, &o->o_port);
		break;
	case OT_TRANSPORT:
		if (get_word(ps, v, path, transport_names, &w) == 0)
			o->o_transport = w;
		break;
	case OT_CA:
		(void)get_path(ps, v, path, o->o_ca, sizeof(o->o_ca), 0);
		break;
	case OT_CERT:
		(void)get_path(ps, v, path, o->o_cert, sizeof(o->o_cert), 0);
		break;
	case OT_KEY:
		(void)get_path(ps, v, path, o->o_key, sizeof(o->o_key), 0);
		break;
	case OT_FACILITY:
		if (get_word(ps, v, path, facility_names, &w) == 0)
			o->o_facility = w;
		break;
	case OT_SERVERS:
		sl.sl_list = &o->o_servers;
		sl.sl_count = &o->o_nservers;
		seq_walk(ps, v, path, CONF_MAX_SERVERS, parse_strlist_item,
		    &sl);
		TAILQ_FOREACH(s, &o->o_servers, cs_entry)
			if (strncmp(s->cs_str, "nats://", 7) != 0 &&
			    strncmp(s->cs_str, "tls://", 6) != 0) {
				perr(ps, v->yn_line, path, "%s: not a nats:// "
				    "or tls:// URL", s->cs_str);
				break;
			} else if (strlen(s->cs_str) >= HS_URLLEN) {
				perr(ps, v->yn_line, path, "URL too long");
				break;
			}
		if (o->o_nservers == 0)
			perr(ps, v->yn_line, path, "at least one server");
		break;
	case OT_STREAM:
		if (get_string(ps, v, path, o->o_stream, sizeof(o->o_stream),
		    0) == 0 && (o->o_stream[0] == '\0' ||
		    strspn(o->o_stream, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_-") !=
		    strlen(o->o_stream)))
			perr(ps, v->yn_line, path, "letters, digits, '_' and "
			    "'-' only");
		break;
	case OT_SUBJECT:
		if (get_string(ps, v, path, o->o_subject,
		    sizeof(o->o_subject), 0) == 0 && (o->o_subject[0] == '\0' ||
		    strspn(o->o_subject, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_-.") !=
		    strlen(o->o_subject) || o->o_subject[0] == '.' ||
		    o->o_subject[strlen(o->o_subject) - 1] == '.' ||
		    strstr(o->o_subject, "..") != NULL))
			perr(ps, v->yn_line, path, "not a subject prefix: "
			    "tokens of letters, digits, '_' and '-' joined "
			    "by '.'");
		break;
	case OT_CREATE:
		(void)get_bool(ps, v, path, &o->o_create);
		break;
	case OT_REPLICAS:
		(void)get_int(ps, v, path, 1, 5, &o->o_replicas);
		break;
	case OT_URL:
		parse_hook_url(ps, v, path, o);
		break;
	case OT_FORMAT:
		if (get_word(ps, v, path, hook_format_names, &w) == 0)
			o->o_format = w;
		break;
	case OT_EVENTS:
		seq_walk(ps, v, path, HS_HOOK_EVENTS, parse_hook_event, o);
		break;
	case OT_DETECTIONS:
		(void)get_bool(ps, v, path, &o->o_detections);
		break;
	case OT_IGNORE:
		seq_walk(ps, v, path, HS_HOOK_IGNORE, parse_hook_ignore, o);
		break;
	case OT_DEDUP:
		(void)get_int(ps, v, path, 0, 86400, &o->o_dedup);
		break;
	case OT_RATE:
		(void)get_int(ps, v, path, 1, 10000, &o->o_rate);
		break;
	case OT_WINDOW:
		(void)get_int(ps, v, path, 1, 86400, &o->o_window);
		break;
	}
}

/*
 * https://host[:port][/path]: the host by name or address (IPv6 in
 * brackets), the path sent as it is.  Plain http goes to the loopback
 * address only, where nobody else can read the alerts on their way.
 */
static void
parse_hook_url(struct pstate *ps, struct ynode *v, const char *path,
    struct conf_output *o)
{
	char		 url[CONF_URLLEN], host[CONF_HOSTNAMELEN], ebuf[80];
	const char	*p, *end, *errstr;
	struct in6_addr	 in6;
	size_t		 len;
	long long	 port = 0;
	int		 bracket;

	if (get_string(ps, v, path, url, sizeof(url), 0) == -1)
		return;
	esc(url, strlen(url), ebuf, sizeof(ebuf));
	if (strncmp(url, "https://", 8) == 0) {
		o->o_tls = 1;
		p = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		o->o_tls = 0;
		p = url + 7;
	} else {
		perr(ps, v->yn_line, path, "\"%s\" is not an https:// URL",
		    ebuf);
		return;
	}
	if ((bracket = *p == '[')) {
		if ((end = strchr(p, ']')) == NULL)
			goto bad;
		len = (size_t)(end - p - 1);
		p++;
		end++;
	} else {
		end = p + strcspn(p, ":/?#");
		len = (size_t)(end - p);
	}
	if (len == 0 || len >= sizeof(host))
		goto bad;
	memcpy(host, p, len);
	host[len] = '\0';
	if (bracket ? inet_pton(AF_INET6, host, &in6) != 1 :
	    !valid_hostname(host))
		goto bad;
	p = end;
	if (*p == ':') {
		char	 num[8];

		len = strcspn(p + 1, "/?#");
		if (len == 0 || len >= sizeof(num))
			goto bad;
		memcpy(num, p + 1, len);
		num[len] = '\0';
		port = strtonum(num, 1, 65535, &errstr);
		if (errstr != NULL)
			goto bad;
		p += 1 + len;
	}
	if (*p != '\0' && *p != '/' && *p != '?')
		goto bad;
	for (end = p; *end != '\0'; end++)
		if (*end <= ' ' || *end >= 127 || *end == '#')
			goto bad;
	if (!o->o_tls && strcmp(host, "127.0.0.1") != 0 &&
	    strcmp(host, "::1") != 0) {
		perr(ps, v->yn_line, path, "\"%s\": http only to 127.0.0.1 "
		    "or [::1]; use https", ebuf);
		return;
	}
	(void)strlcpy(o->o_url, url, sizeof(o->o_url));
	(void)strlcpy(o->o_address, host, sizeof(o->o_address));
	o->o_port = port != 0 ? (int)port : o->o_tls ? 443 : 80;
	(void)snprintf(o->o_path, sizeof(o->o_path), "%s%s",
	    *p == '/' ? "" : "/", p);
	return;
 bad:
	perr(ps, v->yn_line, path, "\"%s\" is not a URL "
	    "(https://host[:port][/path])", ebuf);
}

/* An eventid, or a prefix of some ending in '*'. */
static void
parse_hook_event(struct pstate *ps, size_t i, struct ynode *n,
    const char *path, void *arg)
{
	struct conf_output	*o = arg;
	char			 tmp[HS_NAMELEN], ebuf[80];
	size_t			 k, len;

	(void)i;
	if (get_string(ps, n, path, tmp, sizeof(tmp), 0) == -1)
		return;
	len = strlen(tmp);
	for (k = 0; k < len; k++)
		if (!islower((unsigned char)tmp[k]) &&
		    !isdigit((unsigned char)tmp[k]) && tmp[k] != '.' &&
		    tmp[k] != '_' && tmp[k] != '-' &&
		    (tmp[k] != '*' || k != len - 1))
			break;
	if (k < len) {
		perr(ps, n->yn_line, path, "\"%s\" is not an eventid or a "
		    "prefix ending in '*'", esc(tmp, len, ebuf, sizeof(ebuf)));
		return;
	}
	(void)strlcpy(o->o_events[o->o_nevents++], tmp,
	    sizeof(o->o_events[0]));
}

/* An address or a prefix, v4 or v6; host bits are cleared. */
static void
parse_hook_ignore(struct pstate *ps, size_t i, struct ynode *n,
    const char *path, void *arg)
{
	struct conf_output	*o = arg;
	struct output_prefix	*op = &o->o_ignore[o->o_nignore];
	char			 tmp[64], ebuf[80], *slash;
	const char		*errstr = NULL;
	int			 max, k;

	(void)i;
	if (get_string(ps, n, path, tmp, sizeof(tmp), 0) == -1)
		return;
	memset(op, 0, sizeof(*op));
	if ((slash = strchr(tmp, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, tmp, op->op_addr) == 1) {
		op->op_af = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, tmp, op->op_addr) == 1) {
		op->op_af = AF_INET6;
		max = 128;
	} else
		max = -1;
	if (max > 0)
		op->op_bits = slash == NULL ? (uint8_t)max :
		    (uint8_t)strtonum(slash, 0, max, &errstr);
	if (max < 0 || errstr != NULL) {
		if (slash != NULL)
			slash[-1] = '/';
		perr(ps, n->yn_line, path, "\"%s\" is not an address or a "
		    "prefix (address/length)", esc(tmp, strlen(tmp), ebuf,
		    sizeof(ebuf)));
		return;
	}
	for (k = op->op_bits; k < max; k++)
		op->op_addr[k / 8] &= (uint8_t)~(0x80 >> (k % 8));
	o->o_nignore++;
}

static void
parse_enrich(struct pstate *ps, int idx, struct ynode *v, const char *path,
    void *arg)
{
	struct hs_config	*c = ps->ps_conf;

	(void)arg;
	/* An empty string turns that lookup off. */
	switch (idx) {
	case EN_LOCATION:
		if (is_null(v) || (v->yn_type == YN_SCALAR && v->yn_len == 0))
			c->c_enrich.en_location[0] = '\0';
		else
			(void)get_path(ps, v, path, c->c_enrich.en_location,
			    sizeof(c->c_enrich.en_location), 0);
		break;
	case EN_OUI:
		if (is_null(v) || (v->yn_type == YN_SCALAR && v->yn_len == 0))
			c->c_enrich.en_oui[0] = '\0';
		else
			(void)get_path(ps, v, path, c->c_enrich.en_oui,
			    sizeof(c->c_enrich.en_oui), 0);
		break;
	case EN_RDNS:
		(void)get_bool(ps, v, path, &c->c_enrich.en_rdns);
		break;
	case EN_RESOLVER:
		parse_resolver(ps, v, path, c->c_enrich.en_resolver,
		    sizeof(c->c_enrich.en_resolver));
		break;
	}
}

/*
 * A nameserver: an IPv4 address with an optional ":port", or an IPv6
 * one, in brackets when it has a port: what libevent's evdns takes.
 */
static void
parse_resolver(struct pstate *ps, struct ynode *v, const char *path,
    char *dst, size_t len)
{
	char		 tmp[CONF_ADDRSTRLEN + 8], host[CONF_ADDRSTRLEN + 8];
	char		*p, *end;
	uint8_t		 a[16];
	long		 port;

	if (get_string(ps, v, path, tmp, sizeof(tmp), 0) == -1)
		return;
	(void)strlcpy(host, tmp, sizeof(host));
	port = 53;
	if (host[0] == '[' && (p = strchr(host, ']')) != NULL) {
		*p++ = '\0';
		memmove(host, host + 1, strlen(host + 1) + 1);
		if (*p == ':')
			port = strtol(p + 1, &end, 10);
		else if (*p != '\0')
			port = -1;
		if (inet_pton(AF_INET6, host, a) != 1)
			port = -1;
	} else if ((p = strchr(host, ':')) != NULL &&
	    strchr(p + 1, ':') == NULL) {
		*p++ = '\0';
		port = strtol(p, &end, 10);
		if (*p == '\0' || *end != '\0' ||
		    inet_pton(AF_INET, host, a) != 1)
			port = -1;
	} else if (inet_pton(AF_INET, host, a) != 1 &&
	    inet_pton(AF_INET6, host, a) != 1)
		port = -1;
	if (port < 1 || port > 65535) {
		perr(ps, v->yn_line, path, "\"%s\" is not an address with "
		    "an optional port (192.0.2.53:5353, [2001:db8::53]:53)",
		    tmp);
		return;
	}
	(void)strlcpy(dst, tmp, len);
}

/*
 * Sections that the other mode would ignore are errors: an operator who
 * wrote them expects them to take effect.
 */
static void
check_modes(struct pstate *ps)
{
	static const int sensor_only[] = { T_MASTER, T_NETWORK, T_HOSTS,
	    T_SERVICES, T_CAPTURE, T_FINGERPRINT, T_DETECT, -1 };
	static const int master_only[] = { T_LISTEN, T_WEB, -1 };
	struct hs_config	*c = ps->ps_conf;
	const int		*t;
	int			 master = c->c_node.n_mode == NODEMODE_MASTER;

	for (t = master ? sensor_only : master_only; *t != -1; t++)
		if (ps->ps_sect[*t] != 0)
			perr(ps, ps->ps_sect[*t], top_keys[*t],
			    "only allowed when node.mode is %s",
			    master ? "sensor" : "master");
	if (master && ps->ps_sect[T_LISTEN] == 0)
		perr(ps, 1, "listen", "required when node.mode is master");
	/* A sensor with a master: the master forwards its events. */
	if (!master && ps->ps_sect[T_MASTER] != 0)
		for (t = (const int []){ T_OUTPUTS, T_ENRICH, -1 }; *t != -1;
		    t++)
			if (ps->ps_sect[*t] != 0)
				perr(ps, ps->ps_sect[*t], top_keys[*t],
				    "only on a master or a sensor without "
				    "one: a master forwards its sensors' "
				    "events");
}

struct hs_config *
config_parse_buf(const char *name, const char *buf, size_t len)
{
	struct pstate		 ps;
	struct hs_config	*c;
	struct ynode		*root;
	unsigned int		 seen;
	char			 host[HOST_NAME_MAX + 1];

	memset(&ps, 0, sizeof(ps));
	ps.ps_file = name;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("%s", __func__);
		return (NULL);
	}
	config_defaults(c);
	ps.ps_conf = c;
	if (strlcpy(c->c_file, name, sizeof(c->c_file)) >= sizeof(c->c_file)) {
		log_warnx("%s: file name too long", __func__);
		free(c);
		return (NULL);
	}
	if ((root = yaml_tree(&ps, buf, len)) == NULL)
		goto fail;
	if (map_walk(&ps, root, "", top_keys, parse_top, NULL, &seen) == 0) {
		check_modes(&ps);
		if (c->c_node.n_name[0] == '\0') {
			/* a sensor is known by name; default to the host's */
			if (gethostname(host, sizeof(host)) == -1)
				host[0] = '\0';
			host[sizeof(host) - 1] = '\0';
			(void)strlcpy(c->c_node.n_name, host,
			    sizeof(c->c_node.n_name));
			if (!valid_name(c->c_node.n_name, 1))
				perr(&ps, root->yn_line, "node.name", "the "
				    "host name is not a valid node name; "
				    "set node.name");
		}
		if (c->c_capture.cp_interface[0] == '\0')
			(void)strlcpy(c->c_capture.cp_interface,
			    c->c_network.nw_bridge,
			    sizeof(c->c_capture.cp_interface));
	}
	ynode_free(root);
	if (ps.ps_errors == 0)
		return (c);
 fail:
	config_free(c);
	return (NULL);
}

struct hs_config *
config_parse_file(const char *path)
{
	struct hs_config	*c;
	struct stat		 st;
	char			*buf;
	ssize_t			 n;
	size_t			 len = 0;
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("%s", path);
		return (NULL);
	}
	if (fstat(fd, &st) == -1) {
		log_warn("%s", path);
		close(fd);
		return (NULL);
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONF_MAXFILE) {
		log_warnx("%s: not a regular file of at most %d bytes", path,
		    CONF_MAXFILE);
		close(fd);
		return (NULL);
	}
	if ((buf = malloc(CONF_MAXFILE + 1)) == NULL) {
		log_warn("%s", __func__);
		close(fd);
		return (NULL);
	}
	/* read to EOF: the size may have changed since fstat */
	while ((n = read(fd, buf + len, CONF_MAXFILE + 1 - len)) > 0) {
		len += (size_t)n;
		if (len > CONF_MAXFILE)
			break;
	}
	if (n == -1 || len > CONF_MAXFILE) {
		if (n == -1)
			log_warn("%s", path);
		else
			log_warnx("%s: larger than %d bytes", path,
			    CONF_MAXFILE);
		free(buf);
		close(fd);
		return (NULL);
	}
	close(fd);
	c = config_parse_buf(path, buf, len);
	free(buf);
	return (c);
}

void
config_free(struct hs_config *c)
{
	struct conf_user	*u;
	struct conf_host	*h;
	struct conf_service	*s;
	struct conf_output	*o;

	if (c == NULL)
		return;
	while ((o = TAILQ_FIRST(&c->c_outputs)) != NULL) {
		TAILQ_REMOVE(&c->c_outputs, o, o_entry);
		strlist_free(&o->o_servers);
		free(o);
	}
	while ((u = TAILQ_FIRST(&c->c_web.w_users)) != NULL) {
		TAILQ_REMOVE(&c->c_web.w_users, u, u_entry);
		freezero(u, sizeof(*u));
	}
	while ((h = TAILQ_FIRST(&c->c_hosts)) != NULL) {
		TAILQ_REMOVE(&c->c_hosts, h, h_entry);
		free(h);
	}
	while ((s = TAILQ_FIRST(&c->c_services)) != NULL) {
		TAILQ_REMOVE(&c->c_services, s, s_entry);
		config_service_free(s);
	}
	strlist_free(&c->c_capture.cp_filters);
	free(c);
}
