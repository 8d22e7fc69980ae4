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

/* persona: compile a personality from nmap-os-db and p0f.fp entries. */

#include <sys/types.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "persona/rewrite.h"

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80

static int	 pfp_value(const char *, const char *, char *, size_t);
static long	 pfp_hex(const char *, const char *, long);
static void	 pfp_tcp(const char *, struct pfp_tcp *);
static void	 pfp_line(const char *, struct pfp *);
static enum pfp_ipid pfp_ipid(const char *, const char *, uint16_t *);
static long	 p0f_release(const char *, long);
static long	 p0f_alt(const char *, const char *, size_t);
static const char *p0f_windows(const char *);
static long	 p0f_names(const char *, const char *, const char *);
static const char *p0f_line(const char *, const char *, char *, size_t);
static const char *p0f_value(const char *);
static void	 p0f_take(const char *, const char *, struct pfp *);
static int	 p0f_sig(const char *, struct pfp *);
static int	 pfp_no_synack(const char *);
static const char *pfp_entry(const char *, size_t, const char *);
static int	 pfp_resolve(const char *, size_t, const char *, char *,
		    size_t);
static long	 pfp_mid(const char *, const char *, long);

/* The middle of a hex range "a-b", or the value. */
static long
pfp_mid(const char *args, const char *key, long dflt)
{
	char	 v[PFP_OSTRLEN], *end, *p;
	long	 a, b;

	if (pfp_value(args, key, v, sizeof(v)) == -1 || v[0] == '\0')
		return (dflt);
	p = v;
	if (*p == '>' || *p == '<')
		return (pfp_hex(args, key, dflt));
	a = strtol(p, &end, 16);
	if (end == p)
		return (dflt);
	if (*end == '-') {
		p = end + 1;
		b = strtol(p, &end, 16);
		if (end != p && b >= a)
			return ((a + b) / 2);
	}
	return (a);
}

/*
 * The first alternative of KEY's value in a test's "K=V%K=V" list.
 * Alternatives are '|'-separated; any of them matches, so the first will.
 */
static int
pfp_value(const char *args, const char *key, char *out, size_t len)
{
	const char	*p = args, *e;
	size_t		 kl = strlen(key), n;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			p += kl + 1;
			n = strcspn(p, "|%)");
			if (n >= len)
				return (-1);
			memcpy(out, p, n);
			out[n] = '\0';
			return (0);
		}
		if ((e = strchr(p, '%')) == NULL)
			break;
		p = e + 1;
	}
	return (-1);
}

/* A number in hex; ranges give their low end, ">X" X+1 and "<X" X-1. */
static long
pfp_hex(const char *args, const char *key, long dflt)
{
	char	 v[PFP_OSTRLEN], *end;
	long	 n;
	int	 gt = 0, lt = 0;
	char	*p = v;

	if (pfp_value(args, key, v, sizeof(v)) == -1 || v[0] == '\0')
		return (dflt);
	if (*p == '>')
		gt = 1, p++;
	else if (*p == '<')
		lt = 1, p++;
	n = strtol(p, &end, 16);
	if (end == p)
		return (dflt);
	if (gt)
		n++;
	if (lt && n > 0)
		n--;
	return (n);
}

static enum pfp_ipid
pfp_ipid(const char *args, const char *key, uint16_t *fixed)
{
	char	v[PFP_OSTRLEN];

	if (pfp_value(args, key, v, sizeof(v)) == -1)
		return (IPID_LINUX);
	if (strcmp(v, "Z") == 0)
		return (IPID_Z);
	if (strcmp(v, "I") == 0)
		return (IPID_I);
	if (strcmp(v, "BI") == 0)
		return (IPID_BI);
	if (strcmp(v, "RI") == 0)
		return (IPID_RI);
	if (strcmp(v, "RD") == 0)
		return (IPID_RD);
	if (isxdigit((unsigned char)v[0])) {
		*fixed = (uint16_t)strtoul(v, NULL, 16);
		return (IPID_FIXED);
	}
	return (IPID_LINUX);
}

static int
pfp_ttl(const char *args)
{
	char	 v[PFP_OSTRLEN], *end;
	long	 t, lo = -1, hi = -1;

	/*
	 * nmap scores T, the TTL the target sent, when it knows how far
	 * away the target is, and TG, its guess, when not.  A few entries
	 * have a TG outside T's range: T wins, from the middle of it.
	 */
	if (pfp_value(args, "T", v, sizeof(v)) == 0 && v[0] != '\0') {
		lo = hi = strtol(v, &end, 16);
		if (end == v)
			lo = hi = -1;
		else if (*end == '-')
			hi = strtol(end + 1, NULL, 16);
		if (hi < lo)
			hi = lo;
	}
	t = pfp_hex(args, "TG", -1);
	if (t > 0 && t < 256 && (lo == -1 || (t >= lo && t <= hi)))
		return ((int)t);
	/* T=100: 255, one hop away */
	if (lo > 255)
		return (t > 0 && t < 256 ? (int)t : 255);
	if (lo > 0 && hi < 256)
		return ((int)((lo + hi) / 2));
	return (64);
}

static void
pfp_tcp(const char *args, struct pfp_tcp *t)
{
	char	 v[PFP_OSTRLEN];
	size_t	 i;

	memset(t, 0, sizeof(*t));
	t->pt_present = 1;
	t->pt_r = pfp_value(args, "R", v, sizeof(v)) == -1 || v[0] == 'Y';
	if (!t->pt_r)
		return;
	t->pt_df = pfp_value(args, "DF", v, sizeof(v)) == 0 && v[0] == 'Y';
	t->pt_ttl = pfp_ttl(args);
	t->pt_w = (uint32_t)pfp_hex(args, "W", 0);
	t->pt_s = 'O';
	if (pfp_value(args, "S", v, sizeof(v)) == 0)
		t->pt_s = v[1] == '+' ? '+' : v[0];
	t->pt_a = 'O';
	if (pfp_value(args, "A", v, sizeof(v)) == 0)
		t->pt_a = v[1] == '+' ? '+' : v[0];
	if (pfp_value(args, "F", v, sizeof(v)) == 0) {
		t->pt_hasflags = 1;
		for (i = 0; v[i] != '\0'; i++)
			switch (v[i]) {
			case 'E': t->pt_flags |= TH_ECE; break;
			case 'U': t->pt_flags |= TH_URG; break;
			case 'A': t->pt_flags |= TH_ACK; break;
			case 'P': t->pt_flags |= TH_PUSH; break;
			case 'R': t->pt_flags |= TH_RST; break;
			case 'S': t->pt_flags |= TH_SYN; break;
			case 'F': t->pt_flags |= TH_FIN; break;
			default: break;
			}
	}
	if (pfp_value(args, "O", t->pt_o, sizeof(t->pt_o)) == 0)
		t->pt_haso = 1;
	t->pt_rd = (uint32_t)pfp_hex(args, "RD", 0);
	if (pfp_value(args, "Q", v, sizeof(v)) == 0) {
		t->pt_quirk_r = strchr(v, 'R') != NULL;
		t->pt_quirk_u = strchr(v, 'U') != NULL;
	}
	t->pt_cc = 'N';
	if (pfp_value(args, "CC", v, sizeof(v)) == 0)
		t->pt_cc = v[0];
}

/* One "TEST(args)" line of an entry. */
static void
pfp_line(const char *line, struct pfp *pf)
{
	char		 test[8], v[PFP_OSTRLEN], key[4];
	const char	*args;
	size_t		 n, i;
	long		 ts;

	n = strcspn(line, "(");
	if (n == 0 || n >= sizeof(test) || line[n] != '(')
		return;
	memcpy(test, line, n);
	test[n] = '\0';
	args = line + n + 1;

	if (strcmp(test, "SEQ") == 0) {
		pf->pf_ti = pfp_ipid(args, "TI", &pf->pf_ti_fixed);
		pf->pf_ci = pfp_ipid(args, "CI", &pf->pf_ci_fixed);
		pf->pf_ii = pfp_ipid(args, "II", &pf->pf_ii_fixed);
		pf->pf_ss = pfp_value(args, "SS", v, sizeof(v)) == 0 &&
		    v[0] == 'S';
		pf->pf_isn_gcd = (int)pfp_hex(args, "GCD", 1);
		if (pf->pf_isn_gcd < 1)
			pf->pf_isn_gcd = 1;
		pf->pf_isn_isr = (int)pfp_mid(args, "ISR", 0x108);
		pf->pf_isn_sp = (int)pfp_mid(args, "SP", 0x100);
		/*
		 * Without a TS test nmap does not score the clock: a random
		 * one, and the options say whether there is one at all.
		 */
		pf->pf_ts = PFP_TS_RANDOM;
		pf->pf_ts_log2 = 0;
		if (pfp_value(args, "TS", v, sizeof(v)) == 0 && v[0] == 'U')
			pf->pf_ts = PFP_TS_NONE;
		else if (pfp_value(args, "TS", v, sizeof(v)) == 0) {
			ts = strtol(v, NULL, 16);
			/* nmap's buckets: 1 is 2 Hz, 7 100 Hz, 8 200 Hz */
			if (ts == 0)
				pf->pf_ts = 0;
			else if (ts == 1)
				pf->pf_ts = 2;
			else if (ts == 7)
				pf->pf_ts = 100;
			else if (ts == 8)
				pf->pf_ts = 200;
			else if (ts > 0 && ts < 0x1e)
				pf->pf_ts = 1 << ts;
			else if (ts >= 0x1e && ts < 0x28)
				/* a random clock: nmap names the rate it saw */
				pf->pf_ts_log2 = (int)ts;
			else
				pf->pf_ts = PFP_TS_RANDOM;
		}
	} else if (strcmp(test, "OPS") == 0) {
		for (i = 0; i < 6; i++) {
			(void)snprintf(key, sizeof(key), "O%zu", i + 1);
			if (pfp_value(args, key, pf->pf_o[i],
			    sizeof(pf->pf_o[i])) == -1)
				pf->pf_o[i][0] = '\0';
		}
	} else if (strcmp(test, "WIN") == 0) {
		for (i = 0; i < 6; i++) {
			(void)snprintf(key, sizeof(key), "W%zu", i + 1);
			pf->pf_w[i] = (uint32_t)pfp_hex(args, key, 0);
		}
	} else if (strcmp(test, "ECN") == 0)
		pfp_tcp(args, &pf->pf_t[0]);
	else if (test[0] == 'T' && test[1] >= '1' && test[1] <= '7' &&
	    test[2] == '\0')
		pfp_tcp(args, &pf->pf_t[test[1] - '0']);
	else if (strcmp(test, "U1") == 0) {
		pf->pf_u_r = pfp_value(args, "R", v, sizeof(v)) == -1 ||
		    v[0] == 'Y';
		pf->pf_u_df = pfp_value(args, "DF", v, sizeof(v)) == 0 &&
		    v[0] == 'Y';
		pf->pf_u_ttl = pfp_ttl(args);
		pf->pf_u_ipl = (int)pfp_hex(args, "IPL", -1);
		pf->pf_u_un = (uint32_t)pfp_hex(args, "UN", 0);
		pf->pf_u_ripl = -1;
		if (pfp_value(args, "RIPL", v, sizeof(v)) == 0 && v[0] != 'G')
			pf->pf_u_ripl = (int)strtol(v, NULL, 16);
		pf->pf_u_rid = -1;
		if (pfp_value(args, "RID", v, sizeof(v)) == 0 && v[0] != 'G')
			pf->pf_u_rid = (int)strtol(v, NULL, 16);
		pf->pf_u_ripck = 'G';
		if (pfp_value(args, "RIPCK", v, sizeof(v)) == 0)
			pf->pf_u_ripck = v[0];
		pf->pf_u_ruck = -1;
		if (pfp_value(args, "RUCK", v, sizeof(v)) == 0 && v[0] != 'G')
			pf->pf_u_ruck = (int)strtol(v, NULL, 16);
		pf->pf_u_rud = 'G';
		if (pfp_value(args, "RUD", v, sizeof(v)) == 0)
			pf->pf_u_rud = v[0];
	} else if (strcmp(test, "IE") == 0) {
		pf->pf_ie_r = pfp_value(args, "R", v, sizeof(v)) == -1 ||
		    v[0] == 'Y';
		pf->pf_ie_ttl = pfp_ttl(args);
		pf->pf_ie_dfi = 'N';
		if (pfp_value(args, "DFI", v, sizeof(v)) == 0)
			pf->pf_ie_dfi = v[0];
		pf->pf_ie_cd = -2;
		if (pfp_value(args, "CD", v, sizeof(v)) == 0) {
			if (v[0] == 'Z')
				pf->pf_ie_cd = -1;
			else if (v[0] == 'S')
				pf->pf_ie_cd = -2;
			else if (v[0] == 'O')
				pf->pf_ie_cd = -3;
			else
				pf->pf_ie_cd = (int)strtol(v, NULL, 16) & 0xff;
		}
	}
}

/* The next line of BUF from *P, cut to fit LINE, without its CR. */
static int
pfp_next_line(const char **p, const char *end, char *line, size_t size)
{
	const char	*nl;
	size_t		 n;

	if (*p >= end)
		return (0);
	if ((nl = memchr(*p, '\n', end - *p)) == NULL)
		nl = end;
	n = nl - *p;
	if (n >= size)
		n = size - 1;
	memcpy(line, *p, n);
	line[n] = '\0';
	if (n > 0 && line[n - 1] == '\r')
		line[n - 1] = '\0';
	*p = nl + 1;
	return (1);
}

/* Whether LINE is one of an entry's tests, "SEQ(...)" to "IE(...)". */
static int
pfp_is_test(const char *line)
{
	static const char *const tests[] = { "SEQ(", "OPS(", "WIN(", "ECN(",
	    "T1(", "T2(", "T3(", "T4(", "T5(", "T6(", "T7(", "U1(", "IE(" };
	size_t	 i;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (strncmp(line, tests[i], strlen(tests[i])) == 0)
			return (1);
	return (0);
}

/*
 * Whether a test line says the machine never answered a SYN to its open
 * port with a SYN+ACK (SEQ(R=N), a T1 without one): a filtered port,
 * which an alias whose services answer cannot give.
 */
static int
pfp_no_synack(const char *line)
{
	char	v[PFP_OSTRLEN];

	if (strncmp(line, "SEQ(R=N", 7) == 0)
		return (1);
	if (strncmp(line, "T1(", 3) != 0)
		return (0);
	if (pfp_value(line + 3, "R", v, sizeof(v)) == 0 && v[0] == 'N')
		return (1);
	return (pfp_value(line + 3, "F", v, sizeof(v)) == 0 &&
	    (strchr(v, 'S') == NULL || strchr(v, 'A') == NULL));
}

/*
 * The entry called NAME in an nmap-os-db held in BUF, or NULL.  Many
 * names have several entries, taken from different machines; nmap
 * prints the name whichever one matches.  We answer as the one with the
 * fewest alternatives ("A|B") in its tests: it describes one machine
 * most exactly, and a stack that answers with the first alternative of
 * each of an entry's many can match none of them well.  The first of
 * the fewest wins; an entry taken behind a filter (pfp_no_synack) only
 * when the name has no other.
 */
static const char *
pfp_entry(const char *buf, size_t len, const char *name)
{
	const char	*p = buf, *end = buf + len, *at = NULL, *best = NULL;
	char		 line[1024];
	size_t		 alts = 0, fewest = SIZE_MAX;
	const char	*c;

	for (;;) {
		const char	*here = p;
		int		 more = pfp_next_line(&p, end, line,
				    sizeof(line));

		/* an entry ends at a blank line, the next entry or the end */
		if (at != NULL && (!more || line[0] == '\0' ||
		    strncmp(line, "Fingerprint ", 12) == 0)) {
			if (alts < fewest) {
				fewest = alts;
				best = at;
			}
			at = NULL;
		}
		if (!more)
			break;
		if (strncmp(line, "Fingerprint ", 12) == 0 &&
		    strcmp(line + 12, name) == 0) {
			at = here;
			alts = 0;
		} else if (at != NULL && pfp_is_test(line)) {
			for (c = line; (c = strchr(c, '|')) != NULL; c++)
				alts++;
			if (pfp_no_synack(line))
				alts += 100000;
		}
	}
	return (best);
}

/*
 * The name nmap-os-db has for NAME when it has no entry of that name
 * exactly: the same but for case, or else the shortest that begins with
 * it and goes on with something other than a letter or digit ("FreeBSD
 * 10.3" for "FreeBSD 10.3-RELEASE").  Into OUT; -1 when none.
 */
static int
pfp_resolve(const char *buf, size_t len, const char *name, char *out,
    size_t olen)
{
	const char	*p = buf, *end = buf + len, *v;
	char		 line[1024];
	size_t		 n = strlen(name), best = SIZE_MAX, rank;

	if (n == 0)
		return (-1);
	while (pfp_next_line(&p, end, line, sizeof(line))) {
		if (strncmp(line, "Fingerprint ", 12) != 0)
			continue;
		v = line + 12;
		if (strncasecmp(v, name, n) != 0)
			continue;
		if (v[n] == '\0')
			rank = 0;
		else if (!isalnum((unsigned char)v[n]))
			rank = strlen(v);
		else
			continue;
		if (rank < best && strlen(v) < olen) {
			best = rank;
			(void)strlcpy(out, v, olen);
		}
	}
	return (best == SIZE_MAX ? -1 : 0);
}

/*
 * Compile the entry for NAME (see pfp_entry and pfp_resolve); PF's name
 * is the one nmap-os-db has.  -1 with the reason when there is none.
 */
int
pfp_parse_nmap(const char *buf, size_t len, const char *name, struct pfp *pf,
    char *why, size_t wlen)
{
	const char	*p, *end = buf + len, *best;
	char		 line[1024];

	memset(pf, 0, sizeof(*pf));
	if (strlcpy(pf->pf_name, name, sizeof(pf->pf_name)) >=
	    sizeof(pf->pf_name) ||
	    ((best = pfp_entry(buf, len, name)) == NULL &&
	    (pfp_resolve(buf, len, name, pf->pf_name,
	    sizeof(pf->pf_name)) == -1 ||
	    (best = pfp_entry(buf, len, pf->pf_name)) == NULL))) {
		(void)snprintf(why, wlen, "no nmap fingerprint called \"%s\"",
		    name);
		pf->pf_name[0] = '\0';
		return (-1);
	}
	p = best;
	(void)pfp_next_line(&p, end, line, sizeof(line));	/* its name */
	while (pfp_next_line(&p, end, line, sizeof(line)) &&
	    line[0] != '\0' && strncmp(line, "Fingerprint ", 12) != 0)
		pfp_line(line, pf);
	if (!pf->pf_t[1].pt_present) {
		(void)snprintf(why, wlen, "no nmap fingerprint called \"%s\"",
		    name);
		return (-1);
	}
	return (0);
}

int
pfp_load_nmap(FILE *fp, const char *name, struct pfp *pf, char *why,
    size_t wlen)
{
	char	*buf = NULL;
	size_t	 len = 0, cap = 0, n;
	int	 rv;

	for (;;) {
		if (len + 65536 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			if ((buf = realloc(buf, cap)) == NULL) {
				(void)snprintf(why, wlen, "out of memory");
				return (-1);
			}
		}
		n = fread(buf + len, 1, cap - len, fp);
		if (n == 0)
			break;
		len += n;
	}
	rewind(fp);
	rv = pfp_parse_nmap(buf, len, name, pf, why, wlen);
	free(buf);
	return (rv);
}

/*
 * Options as nmap writes them (M5B4NW8ST11...) into wire format.  TSVAL
 * and TSECR fill a T whose digits say nonzero; HASTS says whether the
 * peer offered timestamps at all.  Pads with EOL to a multiple of 4.
 * Returns the length or -1.
 */
int
pfp_options(const char *o, uint8_t *out, size_t len, uint32_t tsval,
    uint32_t tsecr, int hasts)
{
	size_t		 n = 0, k;
	unsigned long	 v;
	char		*end;

	(void)hasts;
	while (*o != '\0') {
		switch (*o) {
		case 'M':
			v = strtoul(o + 1, &end, 16);
			if (n + 4 > len)
				return (-1);
			out[n++] = 2;
			out[n++] = 4;
			out[n++] = (v >> 8) & 0xff;
			out[n++] = v & 0xff;
			o = end;
			continue;
		case 'W':
			v = strtoul(o + 1, &end, 16);
			if (n + 3 > len)
				return (-1);
			out[n++] = 3;
			out[n++] = 3;
			out[n++] = v & 0xff;
			o = end;
			continue;
		case 'T':
			if (n + 10 > len || o[1] == '\0' || o[2] == '\0')
				return (-1);
			out[n++] = 8;
			out[n++] = 10;
			if (o[1] == '0')
				tsval = 0;
			if (o[2] == '0')
				tsecr = 0;
			for (k = 0; k < 4; k++)
				out[n++] = (tsval >> (24 - 8 * k)) & 0xff;
			for (k = 0; k < 4; k++)
				out[n++] = (tsecr >> (24 - 8 * k)) & 0xff;
			o += 3;
			continue;
		case 'S':
			if (n + 2 > len)
				return (-1);
			out[n++] = 4;
			out[n++] = 2;
			break;
		case 'N':
			if (n + 1 > len)
				return (-1);
			out[n++] = 1;
			break;
		case 'L':
			if (n + 1 > len)
				return (-1);
			out[n++] = 0;
			break;
		default:
			return (-1);
		}
		o++;
	}
	while (n % 4 != 0) {
		if (n + 1 > len)
			return (-1);
		out[n++] = 0;
	}
	return ((int)n);
}

/*
 * A release "MAJOR.MINOR..." as one number, MINOR (or DFLT without one)
 * counting up to 999; -1 without a number at V.
 */
static long
p0f_release(const char *v, long dflt)
{
	unsigned long	 major, minor;
	char		*end;

	if (!isdigit((unsigned char)*v))
		return (-1);
	major = strtoul(v, &end, 10);
	if (major > 100000)
		return (-1);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return ((long)major * 1000 + dflt);
	minor = strtoul(end + 1, NULL, 10);
	return ((long)major * 1000 + (long)(minor > 999 ? 999 : minor));
}

/*
 * How far the version at V is from one alternative of a p0f flavour: a
 * release ("8", "10.x"), a range ("2.4-2.6", "8.x-9.x") or a word ("XP").
 * 0 when it covers V, -1 when they cannot be compared.
 */
static long
p0f_alt(const char *v, const char *alt, size_t n)
{
	char	 lo[32], *hi, *p;
	long	 r, a, b;

	if (n == 0 || n >= sizeof(lo))
		return (-1);
	memcpy(lo, alt, n);
	lo[n] = '\0';
	if (!isdigit((unsigned char)lo[0]))
		return (strncmp(v, lo, n) == 0 && (v[n] == '\0' ||
		    v[n] == ' ' || v[n] == ',' || v[n] == ')') ? 0 : -1);
	while ((p = strstr(lo, ".x")) != NULL)
		memmove(p, p + 2, strlen(p + 2) + 1);
	hi = lo;
	if ((p = strchr(lo, '-')) != NULL) {
		*p = '\0';
		hi = p + 1;
	}
	/* HP-UX writes its releases "B.11.31" */
	if (isupper((unsigned char)v[0]) && v[1] == '.')
		v += 2;
	if ((r = p0f_release(v, 0)) == -1 || (a = p0f_release(lo, 0)) == -1 ||
	    (b = p0f_release(hi, 999)) == -1)
		return (-1);
	return (r < a ? a - r : r > b ? r - b : 0);
}

/*
 * p0f's Windows labels stand for two stacks: "XP" for NT 5 (2000, XP,
 * Server 2003), "7 or 8" for NT 6 and later.  The version to look for in
 * a label for the Windows release at V.
 */
static const char *
p0f_windows(const char *v)
{
	static const struct {
		const char	*release, *as;
	} nt[] = {
		{ "2000", "XP" }, { "Server 2003", "XP" },
		{ "Vista", "7" }, { "Server 2008", "7" },
		{ "Server 2012", "7" }, { "Server 2016", "7" },
		{ "Server 2019", "7" }, { "Server 2022", "7" },
		{ "10", "7" }, { "11", "7" },
	};
	size_t	 i, n;

	for (i = 0; i < sizeof(nt) / sizeof(nt[0]); i++) {
		n = strlen(nt[i].release);
		if (strncmp(v, nt[i].release, n) == 0 && (v[n] == '\0' ||
		    v[n] == ' ' || v[n] == ',' || v[n] == ')'))
			return (nt[i].as);
	}
	return (v);
}

/*
 * How far a p0f label is from this personality: 0 when the label's OS is
 * a word of the nmap name (or as nmap spells it: "macOS" and "OS X" for
 * p0f's "Mac OS X", "Tru64 UNIX" for "Tru64") followed by a version one
 * of the flavour's alternatives covers ("7 or 8", "2.4-2.6", "9.x");
 * else the distance between the nearest release and the flavour's (not
 * for Windows, whose releases are not numbered in order); -1 for
 * another system.
 */
static long
p0f_names(const char *pname, const char *os, const char *flavor)
{
	static const char *const spell[][3] = {
		{ "Mac OS X", "macOS", "OS X" },
		{ "Tru64", "Tru64 UNIX", NULL },
	};
	const char	*names[3] = { os, NULL, NULL };
	const char	*f, *at, *next, *v;
	size_t		 i, k, n;
	long		 d, best = -1;
	int		 win;

	for (i = 0; i < sizeof(spell) / sizeof(spell[0]); i++)
		if (strcmp(os, spell[i][0]) == 0)
			for (k = 1; k < 3; k++)
				names[k] = spell[i][k];
	for (k = 0; k < 3 && names[k] != NULL; k++) {
		n = strlen(names[k]);
		for (at = pname; (at = strstr(at, names[k])) != NULL;
		    at += n) {
			if ((at != pname && at[-1] != ' ' && at[-1] != '(') ||
			    at[n] != ' ')
				continue;
			v = at + n + 1;
			if ((win = strcmp(os, "Windows") == 0))
				v = p0f_windows(v);
			for (f = flavor; *f != '\0'; f = next + 4) {
				next = strstr(f, " or ");
				d = p0f_alt(v, f, next != NULL ?
				    (size_t)(next - f) : strlen(f));
				/* Windows 95 to ME are not near NT */
				if (d >= 0 && (best == -1 || d < best) &&
				    (d == 0 || !win))
					best = d;
				if (next == NULL)
					break;
			}
		}
	}
	return (best);
}

/*
 * One "sig = ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass".  A
 * signature with window scaling is left out: ordinary connections go
 * without it.  Returns 1 when taken.
 */
static int
p0f_sig(const char *sig, struct pfp *pf)
{
	struct pfp_p0f	*ps;
	char		 f[8][96], o[PFP_OSTRLEN], tok[16];
	const char	*p = sig, *e;
	size_t		 i, n, on = 0;
	unsigned long	 w, mss = 0;

	for (i = 0; i < 8; i++) {
		e = strchr(p, i < 7 ? ':' : '\0');
		if (e == NULL)
			return (0);
		n = (size_t)(e - p);
		if (n >= sizeof(f[i]))
			return (0);
		memcpy(f[i], p, n);
		f[i][n] = '\0';
		p = e + 1;
	}
	if (pf->pf_p0f >= PFP_P0FMAX)
		return (0);
	ps = &pf->pf_p0f_sig[pf->pf_p0f];
	memset(ps, 0, sizeof(*ps));
	if (f[3][0] != '*' && ((mss = strtoul(f[3], NULL, 10)) == 0 ||
	    mss > 0xffff))
		return (0);
	/* f[4] is "wsize,scale" */
	if (strchr(f[4], ',') == NULL)
		return (0);
	if (strncmp(f[4], "mss*", 4) == 0) {
		w = strtoul(f[4] + 4, NULL, 10);
		ps->ps_wmss = 1;
	} else if (f[4][0] == '*')
		w = 0xffff;
	else
		w = strtoul(f[4], NULL, 10);
	if (w == 0 || w > 0xffff)
		return (0);
	o[0] = '\0';
	for (p = f[5]; *p != '\0'; p = *e == ',' ? e + 1 : e) {
		e = p + strcspn(p, ",");
		n = (size_t)(e - p);
		if (n >= sizeof(tok))
			return (0);
		memcpy(tok, p, n);
		tok[n] = '\0';
		if (strcmp(tok, "mss") == 0)
			n = (size_t)snprintf(o + on, sizeof(o) - on, "M5B4");
		else if (strcmp(tok, "nop") == 0)
			n = (size_t)snprintf(o + on, sizeof(o) - on, "N");
		else if (strcmp(tok, "ws") == 0)
			return (0);
		else if (strcmp(tok, "sok") == 0)
			n = (size_t)snprintf(o + on, sizeof(o) - on, "S");
		else if (strcmp(tok, "ts") == 0)
			n = (size_t)snprintf(o + on, sizeof(o) - on, "%s",
			    strstr(f[6], "ts1-") != NULL ? "T01" : "T11");
		else if (strncmp(tok, "eol", 3) == 0)
			n = (size_t)snprintf(o + on, sizeof(o) - on, "L");
		else
			return (0);
		if (n >= sizeof(o) - on)
			return (0);
		on += n;
	}
	(void)strlcpy(ps->ps_o, o, sizeof(ps->ps_o));
	ps->ps_w = (uint32_t)w;
	ps->ps_mss = (uint16_t)mss;
	ps->ps_df = strstr(f[6], "df") != NULL;
	ps->ps_id = strstr(f[6], "id+") != NULL ||
	    (!ps->ps_df && strstr(f[6], "id-") == NULL);
	pf->pf_p0f_ttl = (int)strtol(f[1], NULL, 10);
	pf->pf_p0f_df = ps->ps_df;
	pf->pf_p0f++;
	return (1);
}

/* One line of BUF from P into LINE, cut to fit; where the next starts. */
static const char *
p0f_line(const char *p, const char *end, char *line, size_t size)
{
	const char	*nl;
	size_t		 n;

	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
		nl = end;
	n = (size_t)(nl - p);
	if (n >= size)
		n = size - 1;
	memcpy(line, p, n);
	line[n] = '\0';
	return (nl < end ? nl + 1 : end);
}

/* The value after "key =" in LINE. */
static const char *
p0f_value(const char *line)
{
	const char	*v;

	if ((v = strchr(line, '=')) == NULL)
		return (NULL);
	v++;
	while (*v == ' ')
		v++;
	return (v);
}

/* Into PF, the label whose line starts at P and its signatures. */
static void
p0f_take(const char *p, const char *end, struct pfp *pf)
{
	char		 line[512];
	const char	*v;

	pf->pf_p0f = 0;
	p = p0f_line(p, end, line, sizeof(line));
	if ((v = p0f_value(line)) != NULL)
		(void)strlcpy(pf->pf_p0f_label, v, sizeof(pf->pf_p0f_label));
	while (p < end) {
		p = p0f_line(p, end, line, sizeof(line));
		if (line[0] == '[' || strncmp(line, "label", 5) == 0)
			break;
		if (strncmp(line, "sig", 3) == 0 &&
		    (v = p0f_value(line)) != NULL)
			(void)p0f_sig(v, pf);
	}
}

/*
 * The SYN+ACK signatures without window scaling of the p0f.fp
 * [tcp:response] label that names this personality (the first that has
 * any), or else of the one of its system with the nearest release.
 * Ordinary connections then answer with these, so that p0f agrees with
 * nmap where it knows the system.
 */
int
pfp_parse_p0f(const char *buf, size_t len, struct pfp *pf)
{
	const char	*p = buf, *end = buf + len, *at, *v, *best_at = NULL;
	char		 line[512], os[64], flavor[64];
	int		 section = 0;
	long		 d, best = -1;

	while (p < end) {
		at = p;
		p = p0f_line(p, end, line, sizeof(line));
		if (line[0] == '[') {
			section = strcmp(line, "[tcp:response]") == 0;
			continue;
		}
		if (!section || strncmp(line, "label", 5) != 0 ||
		    (v = p0f_value(line)) == NULL)
			continue;
		/* label = s:class:NAME:FLAVOR */
		if (sscanf(v, "%*[^:]:%*[^:]:%63[^:]:%63[^\n]", os,
		    flavor) != 2)
			continue;
		if ((d = p0f_names(pf->pf_name, os, flavor)) < 0 ||
		    (best != -1 && d >= best))
			continue;
		p0f_take(at, end, pf);
		if (pf->pf_p0f == 0)
			continue;
		best = d;
		best_at = at;
		if (d == 0)
			break;
	}
	pf->pf_p0f = 0;
	pf->pf_p0f_label[0] = '\0';
	if (best_at == NULL)
		return (-1);
	p0f_take(best_at, end, pf);
	return (0);
}
