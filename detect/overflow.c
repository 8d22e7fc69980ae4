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

/* Overflow detector: oversized fields, fillers, sprayed return addresses. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "detect.h"

/*
 * Field limits.  Each is the point past which no real client goes, not
 * the RFC figure: servers refuse longer input, so a client that sent it
 * would never have worked.  The RFC figure is in the comment.
 */
#define OV_HTTP_METHOD	32	/* longest registered method is 17 */
#define OV_HTTP_URI	8192	/* Apache, nginx, Tomcat refuse more */
#define OV_HTTP_HNAME	256
#define OV_HTTP_HLINE	16384	/* Apache/nginx refuse over 8 KiB */
#define OV_HTTP_UESC	8	/* "%uXXXX" escapes in a request URI */
#define OV_SMTP_LINE	1024	/* RFC 5321 4.5.3.1.4: 512 with CRLF */
#define OV_SMTP_PATH	512	/* RFC 5321 4.5.3.1.3: 256 */
#define OV_SMTP_AUTH	16384	/* RFC 4954 4: 12288 for AUTH lines */
#define OV_FTP_NAME	512	/* user names and passwords */
#define OV_FTP_PATH	4096	/* PATH_MAX, including the NUL */

/* Runs and repeats. */
#define OV_RUN_FILLER	256	/* letters, digits, 0x90: filler */
#define OV_RUN_PUNCT	1024	/* other printable: "-----", "=====" */
#define OV_RUN_NUL	512	/* NULs, and only inside text */
#define OV_BLOB_CTX	16	/* encoder output that marks a blob */
#define OV_PERIOD_MAX	8
#define OV_PAT_MIN	256	/* bytes of a repeated printable pattern */
#define OV_ADDR_REPS	8	/* repeats of a plausible return address */
#define OV_ADDR_FREPS	4	/* repeats of any value after filler */
#define OV_FILLER_CTX	64	/* filler that makes a value suspect */
#define OV_NUL_CTX	16	/* text bytes around a NUL run */
#define OV_CYCLIC_MIN	40	/* matched bytes of a cyclic pattern */
#define OV_QUOTE	32
#define OV_MAXFIND	64	/* a flood of findings says nothing new */

enum ov_state {
	OV_NONE,
	OV_HTTP_HDRS,
	OV_HTTP_BODY,
	OV_SMTP_DATA
};

struct ov_ctx {
	const uint8_t	*b;
	size_t		 n;
	detect_cb	 cb;
	void		*arg;
	int		 found;
	size_t		 filler_end;	/* end of the last filler */
	int		 have_filler;
};

struct ov_cmd {
	const char	*oc_word;	/* upper case, ':' included if any */
	const char	*oc_proto;
	int		 oc_kind;
	size_t		 oc_limit;
};

#define OC_LINE		0	/* only the whole line is bounded */
#define OC_ARG		1	/* the argument is bounded */
#define OC_PATH		2	/* SMTP path: "<...>" or to a space */

/*
 * Command words shared by SMTP, FTP and POP3.  Matching is on the word
 * at the start of the line, so a shell line "user ..." also matches;
 * the limits are high enough that it does no harm.
 */
static const struct ov_cmd ov_cmds[] = {
	{ "MAIL FROM:",	"SMTP",	OC_PATH,	OV_SMTP_PATH },
	{ "RCPT TO:",	"SMTP",	OC_PATH,	OV_SMTP_PATH },
	{ "HELO",	"SMTP",	OC_ARG,		OV_SMTP_PATH },
	{ "EHLO",	"SMTP",	OC_ARG,		OV_SMTP_PATH },
	{ "VRFY",	"SMTP",	OC_ARG,		OV_SMTP_PATH },
	{ "EXPN",	"SMTP",	OC_ARG,		OV_SMTP_PATH },
	{ "AUTH",	"SMTP",	OC_LINE,	OV_SMTP_AUTH },
	{ "ETRN",	"SMTP",	OC_ARG,		OV_SMTP_PATH },
	{ "BDAT",	"SMTP",	OC_LINE,	OV_SMTP_LINE },
	{ "STARTTLS",	"SMTP",	OC_LINE,	OV_SMTP_LINE },
	{ "RSET",	"SMTP",	OC_LINE,	OV_SMTP_LINE },
	{ "USER",	"FTP",	OC_ARG,		OV_FTP_NAME },
	{ "PASS",	"FTP",	OC_ARG,		OV_FTP_NAME },
	{ "ACCT",	"FTP",	OC_ARG,		OV_FTP_NAME },
	{ "CWD",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "XCWD",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "RETR",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "STOR",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "STOU",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "APPE",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "DELE",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "RMD",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "XRMD",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "MKD",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "XMKD",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "LIST",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "NLST",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "MLSD",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "MLST",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "SIZE",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "MDTM",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "RNFR",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "RNTO",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "SITE",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "SMNT",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "STAT",	"FTP",	OC_ARG,		OV_FTP_PATH },
	{ "PORT",	"FTP",	OC_LINE,	OV_SMTP_LINE },
	{ "EPRT",	"FTP",	OC_LINE,	OV_SMTP_LINE },
	{ "TYPE",	"FTP",	OC_LINE,	OV_SMTP_LINE },
	{ "MODE",	"FTP",	OC_LINE,	OV_SMTP_LINE },
	{ "REST",	"FTP",	OC_LINE,	OV_SMTP_LINE },
	{ "OPTS",	"FTP",	OC_LINE,	OV_SMTP_LINE },
	{ "NOOP",	"SMTP/FTP", OC_LINE,	OV_SMTP_LINE },
	{ "HELP",	"SMTP/FTP", OC_LINE,	OV_SMTP_LINE },
	{ "QUIT",	"SMTP/FTP", OC_LINE,	OV_SMTP_LINE },
};

/*
 * Headers whose values have a syntax that bounds them: a DNS name and a
 * port, a number, a date, a token list.  The limit is past anything a
 * real client sends; exploits of small web servers put their overflow in
 * exactly these (and "Range: bytes=0-,5-0,5-1,..." is Apache Killer).
 */
static const struct {
	const char	*oh_name;
	size_t		 oh_limit;
} ov_hdrs[] = {
	{ "Host",		300 },	/* 253 + ":65535", IPv6 brackets */
	{ "Content-Length",	32 },
	{ "Content-Type",	1024 },	/* a boundary is at most 70 */
	{ "Accept-Language",	1024 },
	{ "Accept-Encoding",	1024 },
	{ "Accept-Charset",	1024 },
	{ "Connection",		256 },
	{ "Transfer-Encoding",	256 },
	{ "Expect",		256 },
	{ "Range",		1024 },
	{ "If-Modified-Since",	128 },
	{ "If-Unmodified-Since", 128 },
	{ "Date",		128 },
};

static const char *const ov_methods[] = {
	"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH",
	"CONNECT", "TRACE"
};

static void	 ov_report(struct ov_ctx *, size_t, size_t, int,
		    const char *, ...) __attribute__((format(printf, 5, 6)));
static int	 ov_upper(int);
static int	 ov_prefix(const uint8_t *, size_t, const char *);
static int	 ov_b64(uint8_t);
static int	 ov_alnum(uint8_t);
static int	 ov_xdigit(uint8_t);
static int	 ov_text(uint8_t);
static int	 ov_conf(size_t, size_t);
static int	 ov_http_request(struct ov_ctx *, size_t, size_t);
static void	 ov_http_header(struct ov_ctx *, size_t, size_t);
static void	 ov_http_uescapes(struct ov_ctx *, size_t, size_t);
static size_t	 ov_wordlen(const struct ov_cmd *);
static int	 ov_command(struct ov_ctx *, size_t, size_t);
static void	 ov_lines(struct ov_ctx *);
static int	 ov_blob_adjacent(const struct ov_ctx *, size_t, size_t);
static int	 ov_blob_window(const struct ov_ctx *, size_t, size_t);
static int	 ov_primitive(const uint8_t *, int);
static int	 ov_address(const uint8_t *, int, uint64_t *);
static void	 ov_run(struct ov_ctx *, size_t, size_t);
static void	 ov_repeat(struct ov_ctx *, int, size_t, size_t);
static void	 ov_periodic(struct ov_ctx *);
static int	 ov_lyndon_next(int *, int *, int, int);
static size_t	 ov_match_debruijn(const uint8_t *, size_t, int);
static int	 ov_debruijn_start(const uint8_t *, size_t, int);
static size_t	 ov_match_msf(const uint8_t *, size_t);
static void	 ov_cyclic(struct ov_ctx *);

static void
ov_report(struct ov_ctx *c, size_t off, size_t len, int conf,
    const char *fmt, ...)
{
	struct detect_finding	 f;
	va_list			 ap;

	if (c->found >= OV_MAXFIND)
		return;
	memset(&f, 0, sizeof(f));
	f.df_kind = DETECT_OVERFLOW;
	f.df_offset = off;
	f.df_length = len;
	f.df_confidence = conf;
	va_start(ap, fmt);
	(void)vsnprintf(f.df_desc, sizeof(f.df_desc), fmt, ap);
	va_end(ap);
	c->found++;
	if (c->cb != NULL)
		c->cb(&f, c->arg);
}

/* Locale-free classes: attacker bytes must not depend on setlocale(3). */
static int
ov_upper(int ch)
{
	return (ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
}

static int
ov_xdigit(uint8_t ch)
{
	return ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
	    (ch >= 'A' && ch <= 'F'));
}

static int
ov_alnum(uint8_t ch)
{
	return ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= 'A' && ch <= 'Z'));
}

static int
ov_b64(uint8_t ch)
{
	return (ov_alnum(ch) || ch == '+' || ch == '/' || ch == '=' ||
	    ch == '-' || ch == '_');
}

static int
ov_text(uint8_t ch)
{
	return ((ch >= 0x20 && ch < 0x7f) || ch == '\t' || ch == '\r' ||
	    ch == '\n');
}

/* Case-insensitive word at the start of a line, ending at SP or EOL. */
static int
ov_prefix(const uint8_t *p, size_t len, const char *word)
{
	size_t	 wl = strlen(word), i;

	if (len < wl)
		return (0);
	for (i = 0; i < wl; i++)
		if (ov_upper(p[i]) != word[i])
			return (0);
	if (word[wl - 1] == ':')
		return (1);
	return (len == wl || p[wl] == ' ');
}

/* Further over the limit, surer: nobody overshoots 4x by accident. */
static int
ov_conf(size_t len, size_t limit)
{
	if (len >= 4 * limit)
		return (85);
	if (len >= 2 * limit)
		return (75);
	return (60);
}

/*
 * "METHOD SP URI SP HTTP/x.y".  A well-known method without the version
 * counts too: a long enough URI may have pushed it out of the capture.
 * Returns 1 if the line was a request line with a version.
 */
static int
ov_http_request(struct ov_ctx *c, size_t ls, size_t ll)
{
	const uint8_t	*p = c->b + ls;
	size_t		 m, us, ue, i;
	int		 versioned = 0, known = 0;
	char		 q[OV_QUOTE * 4 + 1];

	for (m = 0; m < ll && ((p[m] >= 'A' && p[m] <= 'Z') || p[m] == '-' ||
	    p[m] == '_'); m++)
		;
	if (m == 0 || m >= ll || p[m] != ' ')
		return (-1);
	if (ll >= m + 10 && memcmp(p + ll - 9, " HTTP/", 6) == 0 &&
	    p[ll - 3] >= '0' && p[ll - 3] <= '9' && p[ll - 2] == '.' &&
	    p[ll - 1] >= '0' && p[ll - 1] <= '9')
		versioned = 1;
	for (i = 0; i < sizeof(ov_methods) / sizeof(ov_methods[0]); i++)
		if (strlen(ov_methods[i]) == m &&
		    memcmp(p, ov_methods[i], m) == 0)
			known = 1;
	if (!versioned && !known)
		return (-1);

	us = m + 1;
	ue = versioned ? ll - 9 : ll;
	if (m > OV_HTTP_METHOD) {
		detect_quote(p, OV_QUOTE, q, sizeof(q));
		ov_report(c, ls, m, ov_conf(m, OV_HTTP_METHOD),
		    "HTTP method of %zu bytes (limit %d): \"%s...\"", m,
		    OV_HTTP_METHOD, q);
	}
	if (ue > us && ue - us > OV_HTTP_URI) {
		detect_quote(p + us, OV_QUOTE, q, sizeof(q));
		ov_report(c, ls + us, ue - us, ov_conf(ue - us, OV_HTTP_URI),
		    "HTTP request URI of %zu bytes (limit %d): \"%s...\"",
		    ue - us, OV_HTTP_URI, q);
	}
	ov_http_uescapes(c, ls + us, ue > us ? ue - us : 0);
	return (versioned);
}

/*
 * "%uXXXX": IIS's own escape for a 16-bit word, which no browser sends
 * and no standard knows.  Code Red carried its code in the URI this way
 * ("/default.ida?NNNN...%u9090%u6858..."), and scanners use it to get
 * past filters that decode only "%XX".  A handful of them is a finding.
 */
static void
ov_http_uescapes(struct ov_ctx *c, size_t us, size_t ul)
{
	const uint8_t	*p = c->b + us;
	size_t		 i, j, n = 0, first = 0;
	char		 q[OV_QUOTE * 4 + 1];

	for (i = 0; i + 6 <= ul; i++) {
		if (p[i] != '%' || (p[i + 1] != 'u' && p[i + 1] != 'U'))
			continue;
		for (j = 2; j < 6 && ov_xdigit(p[i + j]); j++)
			;
		if (j < 6)
			continue;
		if (n++ == 0)
			first = i;
		i += 5;
	}
	if (n < OV_HTTP_UESC)
		return;
	detect_quote(p + first, OV_QUOTE, q, sizeof(q));
	ov_report(c, us + first, ul - first, n >= 2 * OV_HTTP_UESC ? 85 : 70,
	    "HTTP request URI with %zu %%u-escaped words (IIS encoding, as "
	    "in Code Red): \"%s...\"", n, q);
}

static void
ov_http_header(struct ov_ctx *c, size_t ls, size_t ll)
{
	const uint8_t	*p = c->b + ls;
	size_t		 k, v, i;
	char		 q[OV_QUOTE * 4 + 1];

	for (k = 0; k < ll && p[k] != ':' && p[k] > 0x20 && p[k] < 0x7f; k++)
		;
	if (k > OV_HTTP_HNAME) {
		detect_quote(p, OV_QUOTE, q, sizeof(q));
		ov_report(c, ls, k, ov_conf(k, OV_HTTP_HNAME),
		    "HTTP header name of %zu bytes (limit %d): \"%s...\"", k,
		    OV_HTTP_HNAME, q);
	} else if (ll > OV_HTTP_HLINE) {
		detect_quote(p, k < OV_QUOTE ? k : OV_QUOTE, q, sizeof(q));
		ov_report(c, ls, ll, ov_conf(ll, OV_HTTP_HLINE),
		    "HTTP header \"%s\" of %zu bytes (limit %d)", q, ll,
		    OV_HTTP_HLINE);
	} else if (k < ll && p[k] == ':') {
		for (v = k + 1; v < ll && (p[v] == ' ' || p[v] == '\t'); v++)
			;
		for (i = 0; i < sizeof(ov_hdrs) / sizeof(ov_hdrs[0]); i++) {
			if (strlen(ov_hdrs[i].oh_name) != k ||
			    strncasecmp((const char *)p, ov_hdrs[i].oh_name,
			    k) != 0)
				continue;
			if (ll - v > ov_hdrs[i].oh_limit)
				ov_report(c, ls + v, ll - v,
				    ov_conf(ll - v, ov_hdrs[i].oh_limit),
				    "HTTP %s value of %zu bytes (limit %zu)",
				    ov_hdrs[i].oh_name, ll - v,
				    ov_hdrs[i].oh_limit);
			break;
		}
	}
}

/* The command word as reported, without the colon of "MAIL FROM:". */
static size_t
ov_wordlen(const struct ov_cmd *oc)
{
	size_t	 wl = strlen(oc->oc_word);

	return (oc->oc_word[wl - 1] == ':' ? wl - 1 : wl);
}

/* SMTP, FTP and POP3 commands.  Returns 1 for SMTP "DATA". */
static int
ov_command(struct ov_ctx *c, size_t ls, size_t ll)
{
	const struct ov_cmd	*oc = NULL;
	const uint8_t		*p = c->b + ls;
	size_t			 i, as, ae, wl, lim;
	char			 q[OV_QUOTE * 4 + 1];

	if (ov_prefix(p, ll, "DATA"))
		return (1);
	for (i = 0; i < sizeof(ov_cmds) / sizeof(ov_cmds[0]); i++)
		if (ov_prefix(p, ll, ov_cmds[i].oc_word)) {
			oc = &ov_cmds[i];
			break;
		}
	if (oc == NULL)
		return (0);

	wl = strlen(oc->oc_word);
	as = wl;
	while (as < ll && p[as] == ' ')
		as++;
	ae = ll;
	if (oc->oc_kind == OC_PATH) {
		/* The path ends at '>'; ESMTP parameters may follow. */
		for (i = as; i < ll; i++)
			if ((p[as] == '<' && p[i] == '>') ||
			    (p[as] != '<' && p[i] == ' '))
				break;
		ae = i < ll && p[i] == '>' ? i + 1 : i;
	}
	if (oc->oc_kind != OC_LINE && ae - as > oc->oc_limit) {
		detect_quote(p + as, OV_QUOTE, q, sizeof(q));
		ov_report(c, ls + as, ae - as, ov_conf(ae - as, oc->oc_limit),
		    "%s %.*s argument of %zu bytes (limit %zu): \"%s...\"",
		    oc->oc_proto, (int)ov_wordlen(oc), oc->oc_word, ae - as,
		    oc->oc_limit, q);
	} else if (ll > (lim = oc->oc_kind == OC_LINE ? oc->oc_limit :
	    oc->oc_limit + OV_SMTP_LINE)) {
		/* Room for the word and ESMTP parameters after the field. */
		detect_quote(p, OV_QUOTE, q, sizeof(q));
		ov_report(c, ls, ll, ov_conf(ll, lim),
		    "%s %.*s line of %zu bytes (limit %zu): \"%s...\"",
		    oc->oc_proto, (int)ov_wordlen(oc), oc->oc_word, ll, lim, q);
	}
	return (0);
}

/*
 * Walk the lines, following just enough state to tell commands from
 * message bodies: an SMTP body or an HTTP body is free-form and has no
 * field limits.
 */
static void
ov_lines(struct ov_ctx *c)
{
	enum ov_state	 st = OV_NONE;
	const uint8_t	*nl;
	size_t		 ls = 0, le, ll;
	int		 r;

	while (ls < c->n && c->found < OV_MAXFIND) {
		nl = memchr(c->b + ls, '\n', c->n - ls);
		le = nl != NULL ? (size_t)(nl - c->b) : c->n;
		ll = le - ls;
		if (ll > 0 && c->b[ls + ll - 1] == '\r')
			ll--;

		switch (st) {
		case OV_SMTP_DATA:
			if (ll == 1 && c->b[ls] == '.')
				st = OV_NONE;
			break;
		case OV_HTTP_HDRS:
			if (ll == 0)
				st = OV_HTTP_BODY;
			else
				ov_http_header(c, ls, ll);
			break;
		case OV_HTTP_BODY:
		case OV_NONE:
			if ((r = ov_http_request(c, ls, ll)) == 1)
				st = OV_HTTP_HDRS;
			else if (r == -1 && st == OV_NONE &&
			    ov_command(c, ls, ll))
				st = OV_SMTP_DATA;
			break;
		}
		ls = le + 1;
	}
}

/*
 * Does a base64 or hex blob touch [s, e)?  Encoded zeros come out as a
 * run of 'A' or '0', encoded repeats as a repeated pattern, and blobs
 * travel in JSON and form fields without line breaks.  An exploit's
 * filler sits between protocol syntax instead ("USER ", "?id=", CRLF).
 * The test is for encoder output next to the run: OV_BLOB_CTX bytes of
 * the alphabet, mixing lower case with digits or capitals, and varied.
 */
static int
ov_blob_adjacent(const struct ov_ctx *c, size_t s, size_t e)
{
	return (ov_blob_window(c, s >= OV_BLOB_CTX ? s - OV_BLOB_CTX : 0, s) ||
	    ov_blob_window(c, e, e + OV_BLOB_CTX <= c->n ? e + OV_BLOB_CTX :
	    c->n));
}

static int
ov_blob_window(const struct ov_ctx *c, size_t s, size_t e)
{
	uint8_t		 seen[256];
	size_t		 k;
	int		 lower = 0, other = 0, distinct = 0;

	if (e - s < OV_BLOB_CTX)
		return (0);
	memset(seen, 0, sizeof(seen));
	for (k = s; k < e; k++) {
		if (!ov_b64(c->b[k]))
			return (0);
		if (c->b[k] >= 'a' && c->b[k] <= 'z')
			lower = 1;
		else if (ov_alnum(c->b[k]))
			other = 1;
		if (!seen[c->b[k]]++)
			distinct++;
	}
	return (lower && other && distinct >= OV_BLOB_CTX / 2);
}

/* Has pattern p[0..len) no shorter period? */
static int
ov_primitive(const uint8_t *p, int len)
{
	int	 d, k;

	for (d = 1; d < len; d++) {
		if (len % d != 0)
			continue;
		for (k = d; k < len; k++)
			if (p[k] != p[k - d])
				break;
		if (k == len)
			return (0);
	}
	return (1);
}

/*
 * Does the little-endian value look like a code or stack address on
 * i386 or amd64 Linux, or in a 32-bit Windows DLL (system DLLs load at
 * 0x6.. to 0x7f.., third-party ones at their default base 0x10..)?
 * -1.0f is 0xbf800000 and +inf 0x7f800000, hence the low-half test.
 */
static int
ov_address(const uint8_t *p, int width, uint64_t *vp)
{
	uint64_t	 v = 0;
	int		 k;

	for (k = width - 1; k >= 0; k--)
		v = v << 8 | p[k];
	*vp = v;
	if (width == 4)
		return ((v >> 24) == 0x08 || (v >> 24) == 0xf7 ||
		    (((v >> 24) == 0xbf || (v >> 24) == 0x10 ||
		    ((v >> 24) >= 0x60 && (v >> 24) <= 0x7f)) &&
		    (v & 0xffff) != 0 && v != 0x7fffffff));
	return ((v >> 40) == 0x7f || (v >> 40) == 0x55 || (v >> 40) == 0x56 ||
	    (v >= 0x400000 && v < 0x1000000));
}

/* A run of one byte value over [s, e). */
static void
ov_run(struct ov_ctx *c, size_t s, size_t e)
{
	size_t		 len = e - s, k;
	uint8_t		 v = c->b[s];
	int		 conf;

	if (ov_alnum(v) || v == 0x90) {
		if (len >= OV_FILLER_CTX) {
			c->have_filler = 1;
			c->filler_end = e;
		}
		if (len < OV_RUN_FILLER || (ov_alnum(v) &&
		    ov_blob_adjacent(c, s, e)))
			return;
		conf = len >= 4 * OV_RUN_FILLER ? 80 : 70;
	} else if (v > 0x20 && v < 0x7f) {
		if (len < OV_RUN_PUNCT)
			return;
		conf = 50;
	} else if (v == 0x00) {
		/*
		 * Images, archives and TLS pad with zeros; a NUL run only
		 * means something where the protocol is text.
		 */
		if (len < OV_RUN_NUL || s < OV_NUL_CTX ||
		    c->n - e < OV_NUL_CTX)
			return;
		for (k = 1; k <= OV_NUL_CTX; k++)
			if (!ov_text(c->b[s - k]) || !ov_text(c->b[e + k - 1]))
				return;
		conf = 40;
	} else
		return;
	if (v > 0x20 && v < 0x7f)
		ov_report(c, s, len, conf, "run of %zu x 0x%02x ('%c')", len,
		    v, v == '\\' || v == '\'' ? '?' : v);
	else
		ov_report(c, s, len, conf, "run of %zu x 0x%02x", len, v);
}

/* [s, e) repeats a pattern of per bytes, per > 1. */
static void
ov_repeat(struct ov_ctx *c, int per, size_t s, size_t e)
{
	const uint8_t	*p = c->b + s;
	size_t		 len = e - s, reps, r;
	uint64_t	 v;
	int		 k, printable = 1, alnum = 0, after_filler, in_text;
	char		 q[OV_PERIOD_MAX * 4 + 1];

	if (!ov_primitive(p, per))
		return;
	for (k = 0; k < per; k++) {
		if (p[k] <= 0x20 || p[k] >= 0x7f)
			printable = 0;
		if (ov_alnum(p[k]))
			alnum++;
	}
	if (printable) {
		if (len < OV_PAT_MIN || 2 * alnum < per ||
		    ov_blob_adjacent(c, s, e))
			return;
		detect_quote(p, (size_t)per, q, sizeof(q));
		ov_report(c, s, len, len >= 4 * OV_PAT_MIN ? 70 : 60,
		    "repeated pattern \"%s\" x %zu (%zu bytes)", q,
		    len / (size_t)per, len);
		return;
	}
	/* "A\0A\0A\0": filler in UTF-16, for Windows' wide-string APIs */
	if (per == 2 && (p[0] == 0) != (p[1] == 0) &&
	    (ov_alnum(p[0] | p[1]) || (p[0] | p[1]) == 0x90)) {
		k = p[0] | p[1];
		if (len / 2 >= OV_FILLER_CTX) {
			c->have_filler = 1;
			c->filler_end = e;
		}
		if (len / 2 >= OV_RUN_FILLER)
			ov_report(c, s, len, len / 2 >= 4 * OV_RUN_FILLER ?
			    80 : 70, "UTF-16 run of %zu x 0x%02x", len / 2, k);
		return;
	}
	if (per != 4 && per != 8)
		return;
	after_filler = c->have_filler && c->filler_end <= s &&
	    s - c->filler_end <= 8;
	/*
	 * Executables and core files hold tables of one pointer; only
	 * a spray that follows filler or protocol text is an exploit.
	 */
	in_text = 1;
	for (r = 1; r <= OV_NUL_CTX && r <= s; r++)
		if (!ov_text(c->b[s - r]))
			in_text = 0;
	/* The run may begin mid-value; try each alignment. */
	for (r = 0; r < (size_t)per && r < len && (after_filler || in_text);
	    r++) {
		reps = (len - r) / (size_t)per;
		if (reps < OV_ADDR_REPS)
			break;
		if (ov_address(p + r, per, &v) && reps >= OV_ADDR_REPS) {
			ov_report(c, s + r, reps * (size_t)per,
			    reps >= 2 * OV_ADDR_REPS ? 80 : 70,
			    "return address 0x%0*llx repeated %zu times",
			    per * 2, (unsigned long long)v, reps);
			return;
		}
	}
	/* Any value sprayed right after a filler run is a return address. */
	if (after_filler) {
		reps = len / (size_t)per;
		(void)ov_address(p, per, &v);
		ov_report(c, s, reps * (size_t)per, 65,
		    "value 0x%0*llx repeated %zu times after filler", per * 2,
		    (unsigned long long)v, reps);
	}
}

/*
 * One pass keeps, for each period 1..8, how many bytes in a row equal
 * the byte that many places back; a broken streak is a finished region.
 * Linear in the input and constant in memory.
 */
static void
ov_periodic(struct ov_ctx *c)
{
	size_t	 streak[OV_PERIOD_MAX + 1];
	size_t	 i, s;
	int	 p;

	memset(streak, 0, sizeof(streak));
	for (i = 1; i <= c->n && c->found < OV_MAXFIND; i++) {
		for (p = 1; p <= OV_PERIOD_MAX; p++) {
			if (i < (size_t)p)
				continue;
			if (i < c->n && c->b[i] == c->b[i - p]) {
				streak[p]++;
				continue;
			}
			if (streak[p] == 0)
				continue;
			s = i - streak[p] - (size_t)p;
			if (p == 1)
				ov_run(c, s, i);
			else if (streak[p] >= (size_t)p)
				ov_repeat(c, p, s, i);
			streak[p] = 0;
		}
	}
}

/*
 * Next symbol of the lexicographically least de Bruijn sequence over k
 * symbols with windows of n (the one pwntools' cyclic() sends), built
 * from Lyndon words one at a time (Duval).  State: w[0..*m) and the
 * word being emitted, kept in w[n..n + *m) by the caller.  Returns the
 * length of the next Lyndon word to emit, 0 when exhausted.
 */
static int
ov_lyndon_next(int *w, int *m, int k, int n)
{
	int	 len;

	while (*m > 0) {
		w[*m - 1]++;
		len = *m;
		memcpy(w + n, w, (size_t)len * sizeof(*w));
		while (*m < n) {
			w[*m] = w[*m - len];
			(*m)++;
		}
		while (*m > 0 && w[*m - 1] == k - 1)
			(*m)--;
		if (n % len == 0)
			return (len);
	}
	return (0);
}

/*
 * How many bytes of p match cyclic(n=wn) from its start, over whatever
 * alphabet it was made with (pwntools' default is a-z, "alphabet=" takes
 * any).  The sequence opens with its first symbol wn times, then each
 * other symbol in turn after wn - 1 more of the first ("aaaabaaacaaad"):
 * that names the alphabet and its order; the rest must follow.
 */
static size_t
ov_match_debruijn(const uint8_t *p, size_t len, int wn)
{
	int	 w[2 * OV_PERIOD_MAX], m = 1, wl, j, k = 1;
	uint8_t	 sym[256];
	int	 seen[256];
	size_t	 i = 0, g;

	memset(seen, 0, sizeof(seen));
	sym[0] = p[0];
	seen[p[0]] = 1;
	/* the groups "0..0x" after the first symbol: each x a new one */
	for (g = 1; g + (size_t)wn <= len; g += (size_t)wn) {
		for (j = 0; j < wn - 1; j++)
			if (p[g + (size_t)j] != sym[0])
				break;
		if (j < wn - 1 || seen[p[g + (size_t)wn - 1]])
			break;
		sym[k++] = p[g + (size_t)wn - 1];
		seen[p[g + (size_t)wn - 1]] = 1;
	}
	if (k < 3)
		return (0);
	if (g + (size_t)wn > len) {
		/* cut short before the alphabet ran out: all of it matched */
		for (i = g; i < len && p[i] == sym[0]; i++)
			;
		return (i);
	}
	w[0] = -1;
	while (i < len) {
		if ((wl = ov_lyndon_next(w, &m, k, wn)) == 0)
			break;
		for (j = 0; j < wl; j++, i++)
			if (i >= len || p[i] != sym[w[wn + j]])
				return (i);
	}
	return (i);
}

/*
 * Whether p opens a cyclic(n=wn): its first symbol wn times, then two
 * others each after wn - 1 more of it.
 */
static int
ov_debruijn_start(const uint8_t *p, size_t len, int wn)
{
	size_t	 j, n = (size_t)wn;

	if (len < 3 * n + 1)
		return (0);
	for (j = 1; j <= 3 * n; j++)
		if ((j % n == 0) != (p[j] != p[0]))
			return (0);
	return (p[n] != p[2 * n] && p[n] != p[3 * n] && p[2 * n] != p[3 * n]);
}

/* How many bytes of p match Metasploit's pattern_create "Aa0Aa1...". */
static size_t
ov_match_msf(const uint8_t *p, size_t len)
{
	size_t	 i, t;
	int	 want;

	for (i = 0; i < len && i < 26 * 26 * 10 * 3; i++) {
		t = i / 3;
		switch (i % 3) {
		case 0:
			want = 'A' + (int)(t / 260);
			break;
		case 1:
			want = 'a' + (int)(t / 10 % 26);
			break;
		default:
			want = '0' + (int)(t % 10);
			break;
		}
		if (p[i] != want)
			break;
	}
	return (i);
}

/*
 * Offset-finding patterns from exploit kits.  Each is matched from its
 * start, which is how they are sent; the scan resumes past a match, so
 * the total work stays linear.
 */
static void
ov_cyclic(struct ov_ctx *c)
{
	const uint8_t	*hit, *b = c->b;
	size_t		 n = c->n, pos, m, s, e, at, next;
	int		 wn;

	/*
	 * pwntools' cyclic() opens with its first symbol wn times: only the
	 * last 8 or 4 bytes of a run of one byte can start one, n=8 tried
	 * first (its start holds n=4's).  Runs shorter than 4 are skipped
	 * by looking ahead, as a string search would.
	 */
	for (pos = 0; pos + 4 <= n && c->found < OV_MAXFIND; pos = next) {
		if (b[pos + 3] != b[pos + 2]) {
			next = pos + 3;
			continue;
		}
		if (b[pos + 2] != b[pos + 1]) {
			next = pos + 2;
			continue;
		}
		if (b[pos + 1] != b[pos]) {
			next = pos + 1;
			continue;
		}
		for (s = pos; s > 0 && b[s - 1] == b[pos]; s--)
			;
		for (e = pos + 4; e < n && b[e] == b[pos]; e++)
			;
		next = e;
		for (wn = 8; wn >= 4; wn -= 4) {
			if (e - s < (size_t)wn)
				continue;
			at = e - (size_t)wn;
			if (ov_debruijn_start(b + at, n - at, wn) &&
			    (m = ov_match_debruijn(b + at, n - at, wn)) >=
			    OV_CYCLIC_MIN) {
				ov_report(c, at, m, 85, "cyclic (n=%d) of %zu "
				    "bytes", wn, m);
				next = at + m;
				break;
			}
		}
	}
	/* Metasploit's pattern_create */
	pos = 0;
	while (pos < c->n && c->found < OV_MAXFIND) {
		hit = memmem(c->b + pos, c->n - pos, "Aa0Aa1Aa2Aa3", 12);
		if (hit == NULL)
			break;
		pos = (size_t)(hit - c->b);
		m = ov_match_msf(hit, c->n - pos);
		if (m >= OV_CYCLIC_MIN)
			ov_report(c, pos, m, 85, "Metasploit pattern of %zu "
			    "bytes", m);
		pos += m > 0 ? m : 1;
	}
}

int
detect_overflow(const uint8_t *buf, size_t len,
    const struct detect_limits *lim, detect_cb cb, void *arg)
{
	struct ov_ctx		 c;

	if (buf == NULL && len > 0)
		return (-1);

	memset(&c, 0, sizeof(c));
	c.b = buf;
	c.n = detect_scanlen(lim, len);
	c.cb = cb;
	c.arg = arg;
	if (c.n == 0)
		return (0);
	ov_lines(&c);
	ov_periodic(&c);
	ov_cyclic(&c);
	return (c.found);
}
