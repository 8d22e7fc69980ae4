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

/* Format-string attack detector: printf directives in attacker input. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "detect.h"

/*
 * Directives at most this many (decoded) bytes apart form one cluster.
 * Exploits pack them ("%x.%x.%x", "%12$hhn%190c%13$hhn"); prose and
 * program messages spread them out ("%s, %s", "%s - %s").
 */
#define FMT_GAP		1
/* Text bytes needed next to a cluster, and on both sides of a lone one. */
#define FMT_CTX		4
#define FMT_CTX_LONE	8
/* gettext messages use "%1$s".."%4$s"; a stack walk reaches further. */
#define FMT_ARGNO_MIN	5
/* Reads needed before a run of %x/%p/%s alone is an attack. */
#define FMT_MINREADS	4
/* Bounds on numbers inside one directive; printf accepts no more. */
#define FMT_MAXDIGITS	10
/* Quoted bytes in a description. */
#define FMT_QUOTE	48
/* URL-encoded binary: escapes of non-text bytes this near a "%90n". */
#define FMT_URLNEAR	32
#define FMT_URLBIN	4
/* A flood of clusters says nothing new; cap the callbacks. */
#define FMT_MAXFIND	64
/* Text in other encodings, decoded and scanned again: fields per buffer,
 * characters of each at most, characters it needs at least. */
#define FMT_VIEWS	8
#define FMT_VIEWMAX	4096
#define FMT_VIEWMIN	4

struct fmt_dir {
	size_t	 fd_start;	/* offset of the introducing '%' */
	size_t	 fd_end;	/* one past the conversion */
	int	 fd_conv;
	int	 fd_dollar;	/* %N$ direct parameter access */
	int	 fd_argno;	/* the N, when fd_dollar */
	int	 fd_modified;	/* flags, width, precision or length */
	int	 fd_encoded;	/* introduced by URL-encoded "%25" */
};

struct fmt_cluster {
	size_t	 fc_start;
	size_t	 fc_end;
	int	 fc_count;
	int	 fc_writes;
	int	 fc_reads;
	int	 fc_leaks;	/* %x, %p, %s: what a stack walk uses */
	int	 fc_strongdollar;
	int	 fc_dollar;
	int	 fc_modwrite;	/* a write with length, width or flag */
	int	 fc_encoded;
};

/*
 * Where a scanned buffer lies in the input: the input itself, or a field
 * decoded from it (UTF-16, each character two bytes of it; %u escapes,
 * reported whole).
 */
struct fmt_view {
	size_t		 fv_base;	/* its offset in the input */
	size_t		 fv_scale;	/* input bytes a byte; 0: whole */
	size_t		 fv_span;	/* input bytes, when whole */
	const char	*fv_how;	/* ", UTF-16" */
};

static size_t	 fmt_dollar(const uint8_t *, size_t, size_t, size_t);
static int	 fmt_gap(const uint8_t *, size_t);
static int	 fmt_digits(const uint8_t *, size_t, size_t *);
static int	 fmt_parse(const uint8_t *, size_t, size_t, size_t,
		    struct fmt_dir *);
static int	 fmt_urlescape(const uint8_t *, size_t,
		    const struct fmt_dir *);
static int	 fmt_xdigit(uint8_t);
static int	 fmt_text(uint8_t);
static int	 fmt_context(const uint8_t *, size_t, size_t, size_t, int);
static int	 fmt_flush(const uint8_t *, size_t,
		    const struct fmt_cluster *, const struct fmt_view *,
		    detect_cb, void *);
static int	 fmt_scan(const uint8_t *, size_t, const struct fmt_view *,
		    int, detect_cb, void *);
static size_t	 fmt_utf16(const uint8_t *, size_t, size_t, size_t *,
		    uint8_t *);
static size_t	 fmt_uescape(const uint8_t *, size_t, size_t, size_t *,
		    uint8_t *);

/*
 * Length of the '$' of direct parameter access at i, 0 if none.  A URL
 * escapes it as "%24" along with the "%25" that introduced it.
 */
static size_t
fmt_dollar(const uint8_t *b, size_t len, size_t i, size_t intro)
{
	if (i < len && b[i] == '$')
		return (1);
	if (intro > 1 && i + 2 < len && b[i] == '%' && b[i + 1] == '2' &&
	    b[i + 2] == '4')
		return (3);
	return (0);
}

/*
 * How many bytes separate two directives once URL escapes are decoded,
 * or -1 if the gap ends the string.  A field does not span lines, a C
 * string ends at NUL, and prose often has one template per line.
 * Newlines come raw, URL-escaped or as a C/JSON escape.
 */
static int
fmt_gap(const uint8_t *b, size_t len)
{
	size_t	 k;
	int	 gap = 0;

	for (k = 0; k < len; k++, gap++) {
		if (b[k] == '\n' || b[k] == '\r' || b[k] == '\0')
			return (-1);
		if (b[k] == '\\' && k + 1 < len &&
		    (b[k + 1] == 'n' || b[k + 1] == 'r'))
			return (-1);
		if (b[k] == '%' && k + 2 < len && fmt_xdigit(b[k + 1]) &&
		    fmt_xdigit(b[k + 2])) {
			if (b[k + 1] == '0' && (b[k + 2] == 'a' ||
			    b[k + 2] == 'A' || b[k + 2] == 'd' ||
			    b[k + 2] == 'D'))
				return (-1);
			k += 2;
		}
	}
	return (gap);
}

/* Skip up to FMT_MAXDIGITS decimal digits; 0 if there were none. */
static int
fmt_digits(const uint8_t *b, size_t len, size_t *i)
{
	int	 n = 0;

	while (*i < len && b[*i] >= '0' && b[*i] <= '9') {
		if (++n > FMT_MAXDIGITS)
			return (-1);
		(*i)++;
	}
	return (n);
}

/*
 * Parse one printf directive whose introducer ("%" or "%25") starts at
 * off and is intro bytes long: 1 if it is one, 0 if not, -1 if it is
 * one but reads as prose.  Follows the C and POSIX grammar, minus
 * the space and quote flags: "100% sure" and "50% off" would otherwise
 * read as "% s" and "% o".
 */
static int
fmt_parse(const uint8_t *b, size_t len, size_t off, size_t intro,
    struct fmt_dir *d)
{
	size_t	 i = off + intro, mark, k;
	int	 n, c;

	memset(d, 0, sizeof(*d));
	d->fd_start = off;
	d->fd_encoded = intro > 1;

	/* glibc's NL_ARGMAX is 4096: four digits at most. */
	mark = i;
	if ((n = fmt_digits(b, len, &i)) == -1)
		return (0);
	if (n > 0 && n < 5 && (k = fmt_dollar(b, len, i, intro)) > 0 &&
	    b[mark] != '0') {
		d->fd_dollar = 1;
		for (; mark < i; mark++)
			d->fd_argno = d->fd_argno * 10 + (b[mark] - '0');
		i += k;
	} else
		i = mark;

	mark = i;
	while (i < len && (b[i] == '-' || b[i] == '+' || b[i] == '#' ||
	    b[i] == '0') && i - mark < 8) {
		d->fd_modified = 1;
		i++;
	}
	if (i < len && b[i] == '*') {
		d->fd_modified = 1;
		i++;
		mark = i;
		if ((n = fmt_digits(b, len, &i)) == -1)
			return (0);
		if (n > 0) {
			if ((k = fmt_dollar(b, len, i, intro)) == 0)
				return (0);
			i += k;
		}
	} else {
		if ((n = fmt_digits(b, len, &i)) == -1)
			return (0);
		if (n > 0)
			d->fd_modified = 1;
	}
	if (i < len && b[i] == '.') {
		d->fd_modified = 1;
		i++;
		/* A bare "." is legal C, but it is prose: "%.next". */
		if (i < len && b[i] == '*')
			i++;
		else if (fmt_digits(b, len, &i) <= 0)
			return (0);
	}
	if (i < len && (b[i] == 'h' || b[i] == 'l')) {
		c = b[i++];
		if (i < len && b[i] == c)
			i++;
		d->fd_modified = 1;
	} else if (i < len && (b[i] == 'L' || b[i] == 'q' || b[i] == 'j' ||
	    b[i] == 'z' || b[i] == 't')) {
		d->fd_modified = 1;
		i++;
	}
	if (i >= len)
		return (0);
	c = b[i];
	if (strchr("diouxXcspn", c) == NULL || c == '\0')
		return (0);
	d->fd_conv = c;
	d->fd_end = i + 1;

	/*
	 * A bare directive glued to a lowercase word is prose or a template
	 * variable: "%name%", "100%sure", "50%discount".
	 */
	if (!d->fd_modified && !d->fd_dollar && d->fd_end < len &&
	    b[d->fd_end] >= 'a' && b[d->fd_end] <= 'z')
		return (-1);
	/*
	 * Likewise a URL escape before a word: "%20new", "%09name" and
	 * "rock%20n%20roll" read as a width of 20 or 9 and a %n.  Not
	 * "%17c%20$hhn" though: there the next escape is a directive.
	 */
	i = d->fd_end;
	if (intro == 1 && i == off + 4 && fmt_xdigit(b[off + 1]) &&
	    fmt_xdigit(b[off + 2]) && i < len &&
	    ((b[i] >= 'a' && b[i] <= 'z') || b[i] == '+' || b[i] == '&' ||
	    b[i] == '=' || (b[i] == '%' && i + 2 < len &&
	    fmt_xdigit(b[i + 1]) && fmt_xdigit(b[i + 2]) &&
	    (i + 3 >= len || b[i + 3] == '\0' ||
	    strchr("$diouxXcspn", b[i + 3]) == NULL))))
		return (-1);
	return (1);
}

/*
 * "%2c", "%0d", "%3a" are URL escapes (",", CR, ":") that also parse as
 * directives; real URLs are full of them.  len: of the buffer.
 */
static int
fmt_urlescape(const uint8_t *b, size_t len, const struct fmt_dir *d)
{
	size_t	 p = d->fd_start + (d->fd_encoded ? 3 : 1), k, lo, hi;
	int	 v, nbin = 0;

	if (d->fd_end - p < 2 || !fmt_xdigit(b[p]) || !fmt_xdigit(b[p + 1]))
		return (0);
	if (d->fd_end - p == 2)
		return (1);
	/*
	 * "%90n" is a write with a width, or the byte 0x90 and a letter in
	 * URL-encoded binary (a signature, an upload, shellcode): the
	 * latter when escapes of bytes that are not text, and that no
	 * directive could be ("%8b", "%e8"), surround it.
	 */
	if (d->fd_encoded)
		return (0);
	lo = d->fd_start > FMT_URLNEAR ? d->fd_start - FMT_URLNEAR : 0;
	hi = d->fd_end + FMT_URLNEAR < len ? d->fd_end + FMT_URLNEAR : len;
	for (k = lo; k + 2 < hi; k++) {
		if (b[k] != '%' || k == d->fd_start || !fmt_xdigit(b[k + 1]) ||
		    !fmt_xdigit(b[k + 2]))
			continue;
		/* "%08x", "%96c": decimal digits are a directive's width */
		if (b[k + 1] <= '9' && b[k + 2] <= '9')
			continue;
		v = detect_hexval(b[k + 1]) << 4 | detect_hexval(b[k + 2]);
		if (v < 0x20 || v >= 0x7f)
			nbin++;
		k += 2;
	}
	return (nbin >= FMT_URLBIN);
}

/* Locale-free: isxdigit(3) may widen its set under some locales. */
static int
fmt_xdigit(uint8_t c)
{
	return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F'));
}

static int
fmt_text(uint8_t c)
{
	return ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\r' ||
	    c == '\n');
}

/*
 * Is the cluster [start, end) embedded in text?  Random binary holds
 * "%n" by chance about once in 64 KiB, almost never with text around it.
 * both: require text on both sides, else on either side.  The ends of
 * the buffer count as text: a request may be nothing but the payload.
 */
static int
fmt_context(const uint8_t *b, size_t len, size_t start, size_t end, int both)
{
	size_t	 k, want = both ? FMT_CTX_LONE : FMT_CTX;
	int	 before = 1, after = 1;

	for (k = 1; k <= want && k <= start; k++)
		if (!fmt_text(b[start - k]))
			before = 0;
	for (k = 0; k < want && end + k < len; k++)
		if (!fmt_text(b[end + k]))
			after = 0;
	return (both ? before && after : before || after);
}

/* Decide whether one cluster is an attack and report it; 1 if reported. */
static int
fmt_flush(const uint8_t *b, size_t len, const struct fmt_cluster *c,
    const struct fmt_view *v, detect_cb cb, void *arg)
{
	struct detect_finding	 f;
	char			 q[FMT_QUOTE * 4 + 1];
	size_t			 qlen;
	int			 conf, ctx;

	if (c->fc_count == 0)
		return (0);
	/* A lone directive needs text on both sides, a group on one. */
	ctx = fmt_context(b, len, c->fc_start, c->fc_end, c->fc_count == 1);
	if (!ctx)
		return (0);

	if (c->fc_writes > 0) {
		if (c->fc_dollar || c->fc_writes > 1 || c->fc_modwrite)
			conf = 90;
		else if (c->fc_reads > 0)
			conf = 85;
		else
			conf = 60;	/* one bare "%n" in text */
		if (c->fc_dollar && c->fc_writes > 1)
			conf = 95;
	} else if (c->fc_leaks >= FMT_MINREADS)
		conf = c->fc_leaks >= 2 * FMT_MINREADS ? 70 : 60;
	else if (c->fc_strongdollar || c->fc_dollar > 1)
		conf = 55;
	else
		return (0);

	memset(&f, 0, sizeof(f));
	f.df_kind = DETECT_FORMAT_STRING;
	f.df_offset = v->fv_scale ? v->fv_base + c->fc_start * v->fv_scale :
	    v->fv_base;
	f.df_length = v->fv_scale ? (c->fc_end - c->fc_start) * v->fv_scale :
	    v->fv_span;
	f.df_confidence = conf;
	qlen = c->fc_end - c->fc_start < FMT_QUOTE ? c->fc_end - c->fc_start :
	    FMT_QUOTE;
	detect_quote(b + c->fc_start, qlen, q, sizeof(q));
	/* A description cut short is still a description. */
	if (snprintf(f.df_desc, sizeof(f.df_desc),
	    "format string: %d write%s, %d read%s%s%s%s: \"%s\"%s",
	    c->fc_writes, c->fc_writes == 1 ? "" : "s",
	    c->fc_reads, c->fc_reads == 1 ? "" : "s",
	    c->fc_dollar ? ", direct parameter access" : "",
	    c->fc_encoded ? ", URL-encoded" : "",
	    v->fv_how != NULL ? v->fv_how : "", q,
	    qlen < c->fc_end - c->fc_start ? "..." : "") < 0)
		f.df_desc[0] = '\0';
	if (cb != NULL)
		cb(&f, arg);
	return (1);
}

/*
 * UTF-16LE text around the "%" at i (as in SMB and DCE/RPC strings): its
 * characters, decoded into out, at most FMT_VIEWMAX; where it starts in
 * *from.  0 if it is not such text.
 */
static size_t
fmt_utf16(const uint8_t *b, size_t len, size_t i, size_t *from, uint8_t *out)
{
	size_t	 s = i, e = i, n = 0;

	while (s >= 2 && b[s - 1] == 0 && fmt_text(b[s - 2]) &&
	    i - (s - 2) < 2 * FMT_VIEWMAX)
		s -= 2;
	while (e + 1 < len && b[e + 1] == 0 && fmt_text(b[e]) &&
	    (e + 2 - s) / 2 <= FMT_VIEWMAX)
		e += 2;
	if ((e - s) / 2 < FMT_VIEWMIN)
		return (0);
	for (*from = s; s < e; s += 2)
		out[n++] = b[s];
	return (n);
}

/*
 * A field that IIS decodes from "%u00XX" escapes (and "%XX" ones), begun
 * by the "%u0025" at i: its bytes into out, at most FMT_VIEWMAX; its
 * input length in *span.  0 if it holds no format directive's start.
 */
static size_t
fmt_uescape(const uint8_t *b, size_t len, size_t i, size_t *span, uint8_t *out)
{
	size_t	 n = 0, s = i;
	int	 h[4];

	while (i < len && n < FMT_VIEWMAX && b[i] > 0x20 && b[i] < 0x7f &&
	    b[i] != '&' && b[i] != '"') {
		if (b[i] == '%' && i + 5 < len && (b[i + 1] | 0x20) == 'u' &&
		    (h[0] = detect_hexval(b[i + 2])) == 0 &&
		    (h[1] = detect_hexval(b[i + 3])) == 0 &&
		    (h[2] = detect_hexval(b[i + 4])) >= 0 &&
		    (h[3] = detect_hexval(b[i + 5])) >= 0) {
			out[n++] = (uint8_t)(h[2] << 4 | h[3]);
			i += 6;
		} else if (b[i] == '%' && i + 2 < len &&
		    (h[0] = detect_hexval(b[i + 1])) >= 0 &&
		    (h[1] = detect_hexval(b[i + 2])) >= 0) {
			out[n++] = (uint8_t)(h[0] << 4 | h[1]);
			i += 3;
		} else
			out[n++] = b[i++];
	}
	*span = i - s;
	return (n);
}

/* One pass over b, as the view says it lies in the input. */
static int
fmt_scan(const uint8_t *buf, size_t n, const struct fmt_view *v, int found,
    detect_cb cb, void *arg)
{
	struct fmt_cluster	 c;
	struct fmt_dir		 d;
	size_t			 i;
	int			 ok, gap = -1, lastconv = 0, same = 0;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < n && found < FMT_MAXFIND; i++) {
		if (buf[i] != '%')
			continue;
		if (i + 1 < n && buf[i + 1] == '%') {
			i++;		/* "%%" prints a percent sign */
			continue;
		}
		/*
		 * In a URL "%25" is the percent sign itself, so "%25n" is
		 * "%n" once the server decodes it.  Prefer that reading,
		 * and keep it when it finds prose: "%25name%25" is an
		 * escaped template, not "%25n" with a width.
		 */
		ok = 0;
		if (i + 3 < n && buf[i + 1] == '2' && buf[i + 2] == '5')
			ok = fmt_parse(buf, n, i, 3, &d);
		if (ok == 0)
			ok = fmt_parse(buf, n, i, 1, &d);
		if (ok != 1 || fmt_urlescape(buf, n, &d))
			continue;

		if (c.fc_count > 0 && (d.fd_start > c.fc_end + 3 * FMT_GAP ||
		    (gap = fmt_gap(buf + c.fc_end, d.fd_start - c.fc_end)) ==
		    -1 || gap > FMT_GAP)) {
			found += fmt_flush(buf, n, &c, v, cb, arg);
			memset(&c, 0, sizeof(c));
		}
		if (c.fc_count == 0)
			c.fc_start = d.fd_start;
		c.fc_end = d.fd_end;
		c.fc_count++;
		if (d.fd_conv == 'n') {
			c.fc_writes++;
			if (d.fd_modified)
				c.fc_modwrite = 1;
		} else
			c.fc_reads++;
		/*
		 * Integers walk the stack too, but programs print them
		 * in groups ("%d:%d:%d.%d"); only "%d%d%d" glued
		 * together is a walk.
		 */
		if (c.fc_count > 1 && gap == 0 && d.fd_conv == lastconv)
			same++;
		else
			same = 1;
		if (strchr("xXps", d.fd_conv) != NULL)
			c.fc_leaks++;
		else if (strchr("diuo", d.fd_conv) != NULL && same > 1)
			c.fc_leaks += same == 2 ? 2 : 1;
		lastconv = d.fd_conv;
		if (d.fd_dollar)
			c.fc_dollar++;
		if (d.fd_dollar && (d.fd_conv != 's' ||
		    d.fd_argno >= FMT_ARGNO_MIN))
			c.fc_strongdollar++;
		if (d.fd_encoded)
			c.fc_encoded = 1;
		i = d.fd_end - 1;
	}
	if (found < FMT_MAXFIND)
		found += fmt_flush(buf, n, &c, v, cb, arg);
	return (found);
}

int
detect_format_string(const uint8_t *buf, size_t len,
    const struct detect_limits *lim, detect_cb cb, void *arg)
{
	struct fmt_view		 v = { 0, 1, 0, NULL };
	uint8_t			 dec[FMT_VIEWMAX];
	const uint8_t		*pct;
	size_t			 i, n, m, at;
	int			 found, views = 0;

	if (buf == NULL && len > 0)
		return (-1);
	n = detect_scanlen(lim, len);

	found = fmt_scan(buf, n, &v, 0, cb, arg);
	/* fields in UTF-16, and escaped as IIS decodes them */
	for (i = 0; i + 1 < n && views < FMT_VIEWS && found < FMT_MAXFIND;
	    i++) {
		if ((pct = memchr(buf + i, '%', n - i - 1)) == NULL)
			break;
		i = (size_t)(pct - buf);
		if (buf[i + 1] == 0 &&
		    (m = fmt_utf16(buf, n, i, &at, dec)) > 0) {
			v.fv_base = at;
			v.fv_scale = 2;
			v.fv_how = ", UTF-16";
			i = at + 2 * m - 1;
		} else if (i + 5 < n && memcmp(buf + i + 1, "u0025", 5) == 0 &&
		    (m = fmt_uescape(buf, n, i, &v.fv_span, dec)) > 0) {
			v.fv_base = i;
			v.fv_scale = 0;
			v.fv_how = ", %u-escaped";
			i += v.fv_span - 1;
		} else
			continue;
		views++;
		found = fmt_scan(dec, m, &v, found, cb, arg);
	}
	return (found);
}
