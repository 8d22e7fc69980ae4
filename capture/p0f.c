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
 * Passive OS fingerprints: p0f v3 signature files, SYN and SYN+ACK matching,
 * HTTP request and response matching.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "capture/decode.h"
#include "capture/p0f.h"

/*
 * The semantics are p0f 3.09b's, so that a p0f.fp written against p0f
 * means the same here; the code and the data layout are our own.
 */

#define P0F_MAXOPT		24	/* option layout entries kept, as p0f */
#define P0F_BUCKETS		256	/* by option layout, which must match */
#define P0F_LINEMAX		4096
#define P0F_MAXFILE		(16 * 1024 * 1024)
#define P0F_SPECIAL_MSS		1331	/* p0f-sendsyn's probe, with... */
#define P0F_SPECIAL_WIN		1337	/* ... this window */
#define NAME_CHARS		" ./-_!?()"

/* Quirks, in the order p0f prints them. */
#define Q_DF			0x00000001
#define Q_NZ_ID			0x00000002
#define Q_ZERO_ID		0x00000004
#define Q_ECN			0x00000008
#define Q_NZ_MBZ		0x00000010
#define Q_FLOW			0x00000020
#define Q_ZERO_SEQ		0x00000040
#define Q_NZ_ACK		0x00000080
#define Q_ZERO_ACK		0x00000100
#define Q_NZ_URG		0x00000200
#define Q_URG			0x00000400
#define Q_PUSH			0x00000800
#define Q_TS1_ZERO		0x00001000
#define Q_TS2_NZ		0x00002000
#define Q_OPT_EOL_NZ		0x00004000
#define Q_EXWS			0x00008000
#define Q_OPT_BAD		0x00010000

static const struct {
	const char	*q_name;
	uint32_t	 q_bit;
	int		 q_ver;		/* the only IP version it exists for */
} quirk_tab[] = {
	{ "df",		Q_DF,		4 },
	{ "id+",	Q_NZ_ID,	4 },
	{ "id-",	Q_ZERO_ID,	4 },
	{ "ecn",	Q_ECN,		0 },
	{ "0+",		Q_NZ_MBZ,	4 },
	{ "flow",	Q_FLOW,		6 },
	{ "seq-",	Q_ZERO_SEQ,	0 },
	{ "ack+",	Q_NZ_ACK,	0 },
	{ "ack-",	Q_ZERO_ACK,	0 },
	{ "uptr+",	Q_NZ_URG,	0 },
	{ "urgf+",	Q_URG,		0 },
	{ "pushf+",	Q_PUSH,		0 },
	{ "ts1-",	Q_TS1_ZERO,	0 },
	{ "ts2+",	Q_TS2_NZ,	0 },
	{ "opt+",	Q_OPT_EOL_NZ,	0 },
	{ "exws",	Q_EXWS,		0 },
	{ "bad",	Q_OPT_BAD,	0 },
};

/* TCP option kinds as they appear in a layout. */
#define OPT_EOL			0
#define OPT_NOP			1
#define OPT_MSS			2
#define OPT_WS			3
#define OPT_SOK			4
#define OPT_SACK		5
#define OPT_TS			8

/* How a signature states the window. */
#define WIN_NORMAL		0
#define WIN_ANY			1
#define WIN_MOD			2
#define WIN_MSS			3
#define WIN_MTU			4

/* A signature, or a packet reduced to the same shape for matching. */
struct tcpsig {
	int		 ts_ver;		/* 4, 6, -1: either */
	uint8_t		 ts_ttl;		/* initial TTL / observed TTL */
	uint8_t		 ts_olen;
	int32_t		 ts_mss;		/* -1: any */
	uint8_t		 ts_wtype;		/* WIN_* */
	uint16_t	 ts_win;
	int16_t		 ts_wscale;		/* -1: any */
	uint8_t		 ts_layout[P0F_MAXOPT];
	uint8_t		 ts_nopt;
	uint8_t		 ts_eolpad;
	uint32_t	 ts_quirks;
	int		 ts_pclass;		/* -1 any, 0 none, 1 some */
	uint16_t	 ts_tothdr;		/* packets only */
	uint32_t	 ts_ts1;		/* packets only */
	uint32_t	 ts_lhash;
};

struct label {
	int		 lb_generic;
	int		 lb_userland;		/* class "!" */
	uint32_t	 lb_line;
	char		 lb_class[P0F_CLASSLEN];
	char		 lb_name[P0F_NAMELEN];	/* [mtu]: the link */
	char		 lb_flavor[P0F_FLAVORLEN];
};

struct sigrec {
	struct tcpsig	 sr_sig;
	const struct label *sr_label;
	uint32_t	 sr_line;
	int		 sr_badttl;		/* "64-": the tool randomises */
};

struct bucket {
	struct sigrec	**bk_v;
	size_t		 bk_n;
	size_t		 bk_cap;
};

struct mtusig {
	uint16_t	 ms_mtu;
	const struct label *ms_label;
};

/*
 * HTTP header names are numbered in the order first seen: the ones below,
 * then those of the signatures.  The roles say how p0f prints a header in
 * a raw_sig: "?" for one that comes and goes, and no value for one whose
 * value says nothing about the software.
 */
#define HN_REQ_OPT		0x01
#define HN_RESP_OPT		0x02
#define HN_REQ_NOVAL		0x04
#define HN_RESP_NOVAL		0x08

#define HID_UA			0	/* indices in http_names[] */
#define HID_SERVER		1
#define HID_LANG		2

static const struct {
	const char	*hn_name;
	uint8_t		 hn_roles;
} http_names[] = {
	{ "User-Agent",			HN_REQ_NOVAL },
	{ "Server",			HN_RESP_NOVAL },
	{ "Accept-Language",		0 },
	{ "Host",			HN_REQ_NOVAL },
	{ "Date",			HN_RESP_NOVAL },
	{ "Content-Type",		HN_RESP_NOVAL },
	{ "Cookie",			HN_REQ_OPT },
	{ "Referer",			HN_REQ_OPT },
	{ "Origin",			HN_REQ_OPT },
	{ "Range",			HN_REQ_OPT },
	{ "If-Modified-Since",		HN_REQ_OPT },
	{ "If-None-Match",		HN_REQ_OPT },
	{ "Via",			HN_REQ_OPT },
	{ "X-Forwarded-For",		HN_REQ_OPT },
	{ "Authorization",		HN_REQ_OPT },
	{ "Proxy-Authorization",	HN_REQ_OPT },
	{ "Cache-Control",		HN_REQ_OPT | HN_RESP_OPT },
	{ "Set-Cookie",			HN_RESP_OPT },
	{ "Last-Modified",		HN_RESP_OPT },
	{ "ETag",			HN_RESP_OPT },
	{ "Content-Length",		HN_RESP_OPT },
	{ "Content-Disposition",	HN_RESP_OPT },
	{ "Expires",			HN_RESP_OPT },
	{ "Pragma",			HN_RESP_OPT },
	{ "Location",			HN_RESP_OPT },
	{ "Refresh",			HN_RESP_OPT },
	{ "Content-Range",		HN_RESP_OPT },
	{ "Vary",			HN_RESP_OPT },
	{ "Connection",			0 },
	{ "Accept",			0 },
	{ "Accept-Encoding",		0 },
	{ "Accept-Charset",		0 },
	{ "Keep-Alive",			0 },
	{ "Accept-Ranges",		0 },
};
#define HTTP_NNAMES	(sizeof(http_names) / sizeof(http_names[0]))

/* Headers a client or server usually sends: raw_sig lists those missing. */
static const char *const http_usual[2][9] = {
	{ "Host", "User-Agent", "Connection", "Accept", "Accept-Encoding",
	    "Accept-Language", "Accept-Charset", "Keep-Alive", NULL },
	{ "Content-Type", "Connection", "Keep-Alive", "Accept-Ranges",
	    "Date", NULL },
};

/*
 * ISO 639-1 codes with their English names, for Accept-Language; where
 * ISO gives several names, the one p0f reports, so that logs agree.
 */
static const struct {
	char		 lg_code[3];
	const char	*lg_name;
} languages[] = {
	{ "aa", "Afar" },
	{ "ab", "Abkhazian" },
	{ "ae", "Avestan" },
	{ "af", "Afrikaans" },
	{ "ak", "Akan" },
	{ "am", "Amharic" },
	{ "an", "Aragonese" },
	{ "ar", "Arabic" },
	{ "as", "Assamese" },
	{ "av", "Avaric" },
	{ "ay", "Aymara" },
	{ "az", "Azerbaijani" },
	{ "ba", "Bashkir" },
	{ "be", "Belarusian" },
	{ "bg", "Bulgarian" },
	{ "bh", "Bihari" },
	{ "bi", "Bislama" },
	{ "bm", "Bambara" },
	{ "bn", "Bengali" },
	{ "bo", "Tibetan" },
	{ "br", "Breton" },
	{ "bs", "Bosnian" },
	{ "ca", "Catalan" },
	{ "ce", "Chechen" },
	{ "ch", "Chamorro" },
	{ "co", "Corsican" },
	{ "cr", "Cree" },
	{ "cs", "Czech" },
	{ "cu", "Church Slavic" },
	{ "cv", "Chuvash" },
	{ "cy", "Welsh" },
	{ "da", "Danish" },
	{ "de", "German" },
	{ "dv", "Dhivehi" },
	{ "dz", "Dzongkha" },
	{ "ee", "Ewe" },
	{ "el", "Modern Greek" },
	{ "en", "English" },
	{ "eo", "Esperanto" },
	{ "es", "Spanish" },
	{ "et", "Estonian" },
	{ "eu", "Basque" },
	{ "fa", "Persian" },
	{ "ff", "Fulah" },
	{ "fi", "Finnish" },
	{ "fj", "Fijian" },
	{ "fo", "Faroese" },
	{ "fr", "French" },
	{ "fy", "Western Frisian" },
	{ "ga", "Irish" },
	{ "gd", "Scottish Gaelic" },
	{ "gl", "Galician" },
	{ "gn", "Guarani" },
	{ "gu", "Gujarati" },
	{ "gv", "Manx" },
	{ "ha", "Hausa" },
	{ "he", "Hebrew" },
	{ "hi", "Hindi" },
	{ "ho", "Hiri Motu" },
	{ "hr", "Croatian" },
	{ "ht", "Haitian" },
	{ "hu", "Hungarian" },
	{ "hy", "Armenian" },
	{ "hz", "Herero" },
	{ "ia", "Interlingua" },
	{ "id", "Indonesian" },
	{ "ie", "Interlingue" },
	{ "ig", "Igbo" },
	{ "ii", "Sichuan Yi" },
	{ "ik", "Inupiaq" },
	{ "io", "Ido" },
	{ "is", "Icelandic" },
	{ "it", "Italian" },
	{ "iu", "Inuktitut" },
	{ "ja", "Japanese" },
	{ "jv", "Javanese" },
	{ "ka", "Georgian" },
	{ "kg", "Kongo" },
	{ "ki", "Kikuyu" },
	{ "kj", "Kuanyama" },
	{ "kk", "Kazakh" },
	{ "kl", "Kalaallisut" },
	{ "km", "Central Khmer" },
	{ "kn", "Kannada" },
	{ "ko", "Korean" },
	{ "kr", "Kanuri" },
	{ "ks", "Kashmiri" },
	{ "ku", "Kurdish" },
	{ "kv", "Komi" },
	{ "kw", "Cornish" },
	{ "ky", "Kirghiz" },
	{ "la", "Latin" },
	{ "lb", "Luxembourgish" },
	{ "lg", "Ganda" },
	{ "li", "Limburgan" },
	{ "ln", "Lingala" },
	{ "lo", "Lao" },
	{ "lt", "Lithuanian" },
	{ "lu", "Luba-Katanga" },
	{ "lv", "Latvian" },
	{ "mg", "Malagasy" },
	{ "mh", "Marshallese" },
	{ "mi", "Maori" },
	{ "mk", "Macedonian" },
	{ "ml", "Malayalam" },
	{ "mn", "Mongolian" },
	{ "mr", "Marathi" },
	{ "ms", "Malay" },
	{ "mt", "Maltese" },
	{ "my", "Burmese" },
	{ "na", "Nauru" },
	{ "nb", "Norwegian Bokmal" },
	{ "nd", "North Ndebele" },
	{ "ne", "Nepali" },
	{ "ng", "Ndonga" },
	{ "nl", "Dutch" },
	{ "nn", "Norwegian Nynorsk" },
	{ "no", "Norwegian" },
	{ "nr", "South Ndebele" },
	{ "nv", "Navajo" },
	{ "ny", "Nyanja" },
	{ "oc", "Occitan" },
	{ "oj", "Ojibwa" },
	{ "om", "Oromo" },
	{ "or", "Oriya" },
	{ "os", "Ossetian" },
	{ "pa", "Panjabi" },
	{ "pi", "Pali" },
	{ "pl", "Polish" },
	{ "ps", "Pushto" },
	{ "pt", "Portuguese" },
	{ "qu", "Quechua" },
	{ "rm", "Romansh" },
	{ "rn", "Rundi" },
	{ "ro", "Romanian" },
	{ "ru", "Russian" },
	{ "rw", "Kinyarwanda" },
	{ "sa", "Sanskrit" },
	{ "sc", "Sardinian" },
	{ "sd", "Sindhi" },
	{ "se", "Northern Sami" },
	{ "sg", "Sango" },
	{ "sh", "Serbo-Croatian" },
	{ "si", "Sinhala" },
	{ "sk", "Slovak" },
	{ "sl", "Slovenian" },
	{ "sm", "Samoan" },
	{ "sn", "Shona" },
	{ "so", "Somali" },
	{ "sq", "Albanian" },
	{ "sr", "Serbian" },
	{ "ss", "Swati" },
	{ "st", "Southern Sotho" },
	{ "su", "Sundanese" },
	{ "sv", "Swedish" },
	{ "sw", "Swahili" },
	{ "ta", "Tamil" },
	{ "te", "Telugu" },
	{ "tg", "Tajik" },
	{ "th", "Thai" },
	{ "ti", "Tigrinya" },
	{ "tk", "Turkmen" },
	{ "tl", "Tagalog" },
	{ "tn", "Tswana" },
	{ "to", "Tonga" },
	{ "tr", "Turkish" },
	{ "ts", "Tsonga" },
	{ "tt", "Tatar" },
	{ "tw", "Twi" },
	{ "ty", "Tahitian" },
	{ "ug", "Uighur" },
	{ "uk", "Ukrainian" },
	{ "ur", "Urdu" },
	{ "uz", "Uzbek" },
	{ "ve", "Venda" },
	{ "vi", "Vietnamese" },
	{ "vo", "Volapuk" },
	{ "wa", "Walloon" },
	{ "wo", "Wolof" },
	{ "xh", "Xhosa" },
	{ "yi", "Yiddish" },
	{ "yo", "Yoruba" },
	{ "za", "Zhuang" },
	{ "zh", "Chinese" },
	{ "zu", "Zulu" },
};

/* One header of a signature, or of a message being matched. */
struct hhdr {
	int32_t		 hh_id;			/* -1: not a known name */
	int		 hh_opt;		/* "?": may be absent */
	int		 hh_hasval;
	const char	*hh_val;		/* hh_vlen bytes, no NUL */
	size_t		 hh_vlen;
};

struct httpsig {
	int		 hs_ver;		/* 0, 1, -1: either */
	struct hhdr	 hs_hdr[P0F_HTTP_MAXHDRS];
	size_t		 hs_nhdr;
	int32_t		 hs_miss[P0F_HTTP_MAXHDRS];
	size_t		 hs_nmiss;
	char		*hs_sw;			/* NULL: none expected */
	const struct label *hs_label;
	uint32_t	 hs_line;
};

/* A header block as read off the wire, pointing into the caller's bytes. */
struct hmsg {
	int		 hm_ver;
	struct hhdr	 hm_hdr[P0F_HTTP_MAXHDRS];
	const char	*hm_name[P0F_HTTP_MAXHDRS];
	size_t		 hm_nlen[P0F_HTTP_MAXHDRS];
	size_t		 hm_n;
	const struct hhdr *hm_sw;		/* User-Agent or Server */
	const struct hhdr *hm_lang;		/* Accept-Language */
};

struct p0f_db {
	char		(*db_classes)[P0F_CLASSLEN];
	size_t		 db_nclasses;
	struct label	**db_labels;
	size_t		 db_nlabels;
	struct bucket	 db_tcp[2][P0F_BUCKETS];
	size_t		 db_ntcp[2];
	struct mtusig	*db_mtu;
	size_t		 db_nmtu;
	char		**db_hnames;
	size_t		 db_nhnames;
	struct httpsig	**db_http[2];
	size_t		 db_nhttp[2];
};

/* Parser state: which lines may come next. */
#define ST_NEED_SECT		0
#define ST_NEED_LABEL		1
#define ST_NEED_SYS		2
#define ST_NEED_SIG		3

#define MOD_NONE		0
#define MOD_TCP			1
#define MOD_MTU			2
#define MOD_HTTP		3

struct parser {
	struct p0f_db	*pa_db;
	const char	*pa_name;
	uint32_t	 pa_line;
	int		 pa_state;
	int		 pa_mod;
	int		 pa_dir;
	struct label	*pa_label;
	char		*pa_err;
	size_t		 pa_errlen;
};

struct uphost {
	int		 uh_af;
	uint8_t		 uh_addr[PKT_ADDRLEN];
	uint32_t	 uh_ts1;
	uint64_t	 uh_ms;
};

struct p0f_uptime {
	struct uphost	*ut_v;
	size_t		 ut_mask;
};

static int	perr(struct parser *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));
static int	parse_line(struct parser *, char *);
static int	parse_section(struct parser *, const char *);
static int	parse_classes(struct parser *, const char *);
static int	parse_label(struct parser *, const char *);
static int	parse_sys(struct parser *, const char *);
static int	parse_mtu(struct parser *, const char *);
static int	parse_http(struct parser *, const char *);
static int	parse_tcp(struct parser *, const char *);
static int	hname_char(int);
static int32_t	hname_find(const struct p0f_db *, const char *, size_t);
static int32_t	hname_add(struct p0f_db *, const char *, size_t);
static void	httpsig_free(struct httpsig *);
static int	contains(const char *, size_t, const char *, size_t);
static const struct httpsig *http_find(const struct p0f_db *, int, int,
		    const struct hhdr *, size_t, const int32_t *, size_t, int);
static int	http_read(const struct p0f_db *, int, const uint8_t *, size_t,
		    struct hmsg *);
static int	http_pairs(const struct p0f_db *, int, const uint8_t *, size_t,
		    size_t, struct hmsg *);
static size_t	http_show(const char *, size_t, int);
static void	http_dump(const struct p0f_db *, int, const struct hmsg *,
		    char *, size_t);
static int	is_alpha(int);
static int	parse_num(const char **, long, long, long *);
static int	parse_layout(struct parser *, const char **, struct tcpsig *);
static int	parse_quirks(struct parser *, const char **, struct tcpsig *);
static int	name_char(int);
static int	class_known(const struct p0f_db *, const char *, size_t);
static int	bucket_add(struct bucket *, struct sigrec *);
static uint32_t	layout_hash(const uint8_t *, uint8_t);
static uint8_t	guess_dist(uint8_t);
static int	win_multi(const struct tcpsig *, uint16_t, int *);
static const struct sigrec *find_match(const struct p0f_db *, int,
		    const struct tcpsig *, int, uint16_t, int *, uint8_t *);
static int	pkt_to_sig(const struct pkt *, struct tcpsig *, int *);
static void	dump_sig(const struct tcpsig *, uint16_t, int, char *, size_t);
static void	appendf(char *, size_t, size_t *, const char *, ...)
		    __attribute__((__format__(__printf__, 4, 5)));
static uint16_t	get16(const uint8_t *);
static uint32_t	get32(const uint8_t *);

static uint16_t
get16(const uint8_t *b)
{
	return ((uint16_t)((b[0] << 8) | b[1]));
}

static uint32_t
get32(const uint8_t *b)
{
	return (((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	    ((uint32_t)b[2] << 8) | (uint32_t)b[3]);
}

static int
perr(struct parser *pa, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 n;

	if (pa->pa_err == NULL || pa->pa_errlen == 0)
		return (-1);
	n = snprintf(pa->pa_err, pa->pa_errlen, "%s:%u: ", pa->pa_name,
	    pa->pa_line);
	if (n < 0 || (size_t)n >= pa->pa_errlen)
		return (-1);
	va_start(ap, fmt);
	(void)vsnprintf(pa->pa_err + n, pa->pa_errlen - n, fmt, ap);
	va_end(ap);
	/* Messages quote the file, and go to logs and terminals. */
	for (p = pa->pa_err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	return (-1);
}

struct p0f_db *
p0f_db_open(const char *path, char *err, size_t errlen)
{
	struct p0f_db	*db = NULL;
	struct stat	 st;
	char		*buf = NULL;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &st) == -1) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > P0F_MAXFILE) {
		(void)snprintf(err, errlen, "%s: not a regular file of at most "
		    "%d bytes", path, P0F_MAXFILE);
		goto done;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto done;
	}
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			(void)snprintf(err, errlen, "%s: short read", path);
			goto done;
		}
		off += (size_t)n;
	}
	db = p0f_db_parse(path, buf, off, err, errlen);
 done:
	free(buf);
	(void)close(fd);
	return (db);
}

struct p0f_db *
p0f_db_parse(const char *name, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct parser	 pa;
	char		 line[P0F_LINEMAX];
	const char	*eol;
	size_t		 off = 0, n;

	memset(&pa, 0, sizeof(pa));
	pa.pa_name = name;
	pa.pa_err = err;
	pa.pa_errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((pa.pa_db = calloc(1, sizeof(*pa.pa_db))) == NULL) {
		(void)snprintf(err, errlen, "%s: out of memory", name);
		return (NULL);
	}
	for (n = 0; n < HTTP_NNAMES; n++)
		if (hname_add(pa.pa_db, http_names[n].hn_name,
		    strlen(http_names[n].hn_name)) != (int32_t)n) {
			(void)perr(&pa, "out of memory");
			goto fail;
		}
	if (len > 0 && memchr(buf, '\0', len) != NULL) {
		/* The line it is on, so that the user can find it. */
		for (pa.pa_line = 1, n = 0; buf[n] != '\0'; n++)
			if (buf[n] == '\n')
				pa.pa_line++;
		(void)perr(&pa, "NUL byte");
		goto fail;
	}
	while (off < len) {
		pa.pa_line++;
		eol = memchr(buf + off, '\n', len - off);
		n = (eol != NULL ? (size_t)(eol - buf) : len) - off;
		if (n >= sizeof(line)) {
			(void)perr(&pa, "line longer than %zu bytes",
			    sizeof(line) - 1);
			goto fail;
		}
		memcpy(line, buf + off, n);
		line[n] = '\0';
		off += n + 1;
		if (parse_line(&pa, line) == -1)
			goto fail;
	}
	if (pa.pa_state == ST_NEED_SYS) {
		(void)perr(&pa, "label without 'sys' at end of file");
		goto fail;
	}
	return (pa.pa_db);
 fail:
	p0f_db_free(pa.pa_db);
	return (NULL);
}

void
p0f_db_free(struct p0f_db *db)
{
	size_t	 i, d, b;

	if (db == NULL)
		return;
	for (d = 0; d < 2; d++)
		for (b = 0; b < P0F_BUCKETS; b++) {
			for (i = 0; i < db->db_tcp[d][b].bk_n; i++)
				free(db->db_tcp[d][b].bk_v[i]);
			free(db->db_tcp[d][b].bk_v);
		}
	for (d = 0; d < 2; d++) {
		for (i = 0; i < db->db_nhttp[d]; i++)
			httpsig_free(db->db_http[d][i]);
		free(db->db_http[d]);
	}
	for (i = 0; i < db->db_nhnames; i++)
		free(db->db_hnames[i]);
	free(db->db_hnames);
	for (i = 0; i < db->db_nlabels; i++)
		free(db->db_labels[i]);
	free(db->db_labels);
	free(db->db_classes);
	free(db->db_mtu);
	free(db);
}

void
p0f_db_stats(const struct p0f_db *db, struct p0f_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->ps_classes = db->db_nclasses;
	st->ps_labels = db->db_nlabels;
	st->ps_tcp[P0F_REQUEST] = db->db_ntcp[P0F_REQUEST];
	st->ps_tcp[P0F_RESPONSE] = db->db_ntcp[P0F_RESPONSE];
	st->ps_mtu = db->db_nmtu;
	st->ps_http[P0F_REQUEST] = db->db_nhttp[P0F_REQUEST];
	st->ps_http[P0F_RESPONSE] = db->db_nhttp[P0F_RESPONSE];
}

static int
parse_line(struct parser *pa, char *line)
{
	char	*p = line, *e, *key, *val;
	size_t	 n;

	while (*p == ' ' || *p == '\t')
		p++;
	/* A trailing CR or blank would otherwise end up in a value. */
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
	    p[n - 1] == '\r'))
		p[--n] = '\0';
	if (*p == '\0' || *p == ';')
		return (0);
	if (*p == '[')
		return (parse_section(pa, p));

	key = p;
	while (isalpha((unsigned char)*p) || *p == '_')
		p++;
	e = p;
	while (*p == ' ' || *p == '\t')
		p++;
	if (e == key || *p != '=')
		return (perr(pa, "expected 'name = value'"));
	*e = '\0';
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	val = p;

	if (strcmp(key, "classes") == 0) {
		if (pa->pa_state != ST_NEED_SECT)
			return (perr(pa, "'classes' after the first section"));
		return (parse_classes(pa, val));
	}
	if (strcmp(key, "label") == 0) {
		if (pa->pa_state != ST_NEED_LABEL &&
		    pa->pa_state != ST_NEED_SIG)
			return (perr(pa, "misplaced 'label'"));
		return (parse_label(pa, val));
	}
	if (strcmp(key, "sys") == 0) {
		if (pa->pa_state != ST_NEED_SYS)
			return (perr(pa, "'sys' only follows a label of "
			    "class '!'"));
		return (parse_sys(pa, val));
	}
	if (strcmp(key, "sig") == 0) {
		if (pa->pa_state == ST_NEED_SYS)
			return (perr(pa, "label of class '!' needs 'sys' "
			    "before 'sig'"));
		if (pa->pa_state != ST_NEED_SIG)
			return (perr(pa, "'sig' without a label"));
		switch (pa->pa_mod) {
		case MOD_TCP:
			return (parse_tcp(pa, val));
		case MOD_MTU:
			return (parse_mtu(pa, val));
		default:
			return (parse_http(pa, val));
		}
	}
	if (strcmp(key, "ua_os") == 0) {
		/* Only helps p0f's NAT guesses, which we do not make. */
		if (pa->pa_mod != MOD_HTTP || pa->pa_dir != P0F_REQUEST ||
		    pa->pa_state != ST_NEED_LABEL)
			return (perr(pa, "misplaced 'ua_os'"));
		return (0);
	}
	return (perr(pa, "unknown field '%.32s'", key));
}

static int
parse_section(struct parser *pa, const char *s)
{
	if (strcmp(s, "[mtu]") == 0) {
		pa->pa_mod = MOD_MTU;
		pa->pa_dir = 0;
	} else if (strcmp(s, "[tcp:request]") == 0) {
		pa->pa_mod = MOD_TCP;
		pa->pa_dir = P0F_REQUEST;
	} else if (strcmp(s, "[tcp:response]") == 0) {
		pa->pa_mod = MOD_TCP;
		pa->pa_dir = P0F_RESPONSE;
	} else if (strcmp(s, "[http:request]") == 0) {
		pa->pa_mod = MOD_HTTP;
		pa->pa_dir = P0F_REQUEST;
	} else if (strcmp(s, "[http:response]") == 0) {
		pa->pa_mod = MOD_HTTP;
		pa->pa_dir = P0F_RESPONSE;
	} else
		return (perr(pa, "unknown section '%.40s'", s));
	if (pa->pa_state == ST_NEED_SYS)
		return (perr(pa, "label of class '!' without 'sys'"));
	pa->pa_state = ST_NEED_LABEL;
	pa->pa_label = NULL;
	return (0);
}

static int
name_char(int c)
{
	return (isalnum((unsigned char)c) ||
	    (c != '\0' && strchr(NAME_CHARS, c) != NULL));
}

static int
class_known(const struct p0f_db *db, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < db->db_nclasses; i++)
		if (strlen(db->db_classes[i]) == len &&
		    strncasecmp(db->db_classes[i], s, len) == 0)
			return (1);
	return (0);
}

static int
parse_classes(struct parser *pa, const char *v)
{
	struct p0f_db	*db = pa->pa_db;
	const char	*e;
	void		*nv;

	while (*v != '\0') {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (*v == '\0')
			break;
		for (e = v; isalnum((unsigned char)*e); e++)
			;
		if (e == v || (*e != '\0' && *e != ',' && *e != ' ' &&
		    *e != '\t'))
			return (perr(pa, "malformed class name"));
		if ((size_t)(e - v) >= P0F_CLASSLEN)
			return (perr(pa, "class name longer than %d bytes",
			    P0F_CLASSLEN - 1));
		if (!class_known(db, v, (size_t)(e - v))) {
			nv = reallocarray(db->db_classes, db->db_nclasses + 1,
			    sizeof(*db->db_classes));
			if (nv == NULL)
				return (perr(pa, "out of memory"));
			db->db_classes = nv;
			memcpy(db->db_classes[db->db_nclasses], v,
			    (size_t)(e - v));
			db->db_classes[db->db_nclasses][e - v] = '\0';
			db->db_nclasses++;
		}
		v = e;
	}
	return (0);
}

static int
parse_label(struct parser *pa, const char *v)
{
	struct p0f_db	*db = pa->pa_db;
	struct label	*lb;
	const char	*c, *e;
	void		*nv;
	size_t		 i;

	if ((lb = calloc(1, sizeof(*lb))) == NULL)
		return (perr(pa, "out of memory"));
	nv = reallocarray(db->db_labels, db->db_nlabels + 1,
	    sizeof(*db->db_labels));
	if (nv == NULL) {
		free(lb);
		return (perr(pa, "out of memory"));
	}
	db->db_labels = nv;
	db->db_labels[db->db_nlabels++] = lb;
	lb->lb_line = pa->pa_line;
	pa->pa_label = lb;

	/* Printable text goes to logs and JSON: refuse control bytes. */
	for (c = v; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			return (perr(pa, "label has a non-printable byte"));

	if (pa->pa_mod == MOD_MTU) {
		if (*v == '\0')
			return (perr(pa, "empty MTU label"));
		if (strlen(v) >= sizeof(lb->lb_name))
			return (perr(pa, "MTU label longer than %zu bytes",
			    sizeof(lb->lb_name) - 1));
		memcpy(lb->lb_name, v, strlen(v) + 1);
		pa->pa_state = ST_NEED_SIG;
		return (0);
	}

	if ((v[0] != 's' && v[0] != 'g') || v[1] != ':')
		return (perr(pa, "label must start with 's:' or 'g:'"));
	lb->lb_generic = v[0] == 'g';
	c = v + 2;
	for (e = c; isalnum((unsigned char)*e) || *e == '!'; e++)
		;
	if (e == c || *e != ':')
		return (perr(pa, "malformed class in label"));
	if (e - c == 1 && *c == '!') {
		lb->lb_userland = 1;
		lb->lb_class[0] = '!';
	} else {
		for (i = 0; i < db->db_nclasses; i++)
			if (strlen(db->db_classes[i]) == (size_t)(e - c) &&
			    strncasecmp(db->db_classes[i], c, e - c) == 0)
				break;
		if (i == db->db_nclasses)
			return (perr(pa, "unknown class '%.*s' (not in "
			    "'classes')", (int)(e - c > 32 ? 32 : e - c), c));
		memcpy(lb->lb_class, db->db_classes[i],
		    sizeof(lb->lb_class));
	}
	c = e + 1;
	for (e = c; name_char(*e); e++)
		;
	if (e == c || *e != ':')
		return (perr(pa, "malformed name in label"));
	if ((size_t)(e - c) >= sizeof(lb->lb_name))
		return (perr(pa, "name longer than %zu bytes",
		    sizeof(lb->lb_name) - 1));
	memcpy(lb->lb_name, c, e - c);
	lb->lb_name[e - c] = '\0';
	c = e + 1;
	if (strlen(c) >= sizeof(lb->lb_flavor))
		return (perr(pa, "flavor longer than %zu bytes",
		    sizeof(lb->lb_flavor) - 1));
	memcpy(lb->lb_flavor, c, strlen(c) + 1);

	pa->pa_state = lb->lb_userland ? ST_NEED_SYS : ST_NEED_SIG;
	return (0);
}

/* We keep no use for 'sys' (p0f's NAT heuristics), but check its form. */
static int
parse_sys(struct parser *pa, const char *v)
{
	const char	*e;
	int		 cl, n = 0;

	while (*v != '\0') {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (*v == '\0')
			break;
		cl = *v == '@';
		if (cl)
			v++;
		for (e = v; name_char(*e); e++)
			;
		if (e == v || (*e != '\0' && *e != ','))
			return (perr(pa, "malformed 'sys' entry"));
		if (cl && !class_known(pa->pa_db, v, (size_t)(e - v)))
			return (perr(pa, "unknown class '@%.*s'",
			    (int)(e - v > 32 ? 32 : e - v), v));
		n++;
		v = e;
	}
	if (n == 0)
		return (perr(pa, "empty 'sys'"));
	pa->pa_state = ST_NEED_SIG;
	return (0);
}

static int
parse_mtu(struct parser *pa, const char *v)
{
	struct p0f_db	*db = pa->pa_db;
	const char	*p = v;
	long		 mtu;
	void		*nv;

	if (parse_num(&p, 1, 65535, &mtu) == -1 || *p != '\0')
		return (perr(pa, "MTU must be a number from 1 to 65535"));
	nv = reallocarray(db->db_mtu, db->db_nmtu + 1, sizeof(*db->db_mtu));
	if (nv == NULL)
		return (perr(pa, "out of memory"));
	db->db_mtu = nv;
	db->db_mtu[db->db_nmtu].ms_mtu = (uint16_t)mtu;
	db->db_mtu[db->db_nmtu].ms_label = pa->pa_label;
	db->db_nmtu++;
	return (0);
}

static int
hname_char(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_');
}

static int
is_alpha(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/* A header name's number, or -1; names are case-sensitive, as in p0f. */
static int32_t
hname_find(const struct p0f_db *db, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < db->db_nhnames; i++)
		if (strncmp(db->db_hnames[i], s, len) == 0 &&
		    db->db_hnames[i][len] == '\0')
			return ((int32_t)i);
	return (-1);
}

static int32_t
hname_add(struct p0f_db *db, const char *s, size_t len)
{
	int32_t	 id;
	void	*nv;
	char	*name;

	if ((id = hname_find(db, s, len)) != -1)
		return (id);
	if (db->db_nhnames >= INT32_MAX)
		return (-1);
	if ((name = strndup(s, len)) == NULL)
		return (-1);
	nv = reallocarray(db->db_hnames, db->db_nhnames + 1,
	    sizeof(*db->db_hnames));
	if (nv == NULL) {
		free(name);
		return (-1);
	}
	db->db_hnames = nv;
	db->db_hnames[db->db_nhnames] = name;
	return ((int32_t)db->db_nhnames++);
}

static void
httpsig_free(struct httpsig *hs)
{
	size_t	 i;

	if (hs == NULL)
		return;
	for (i = 0; i < hs->hs_nhdr; i++)
		free((char *)(uintptr_t)hs->hs_hdr[i].hh_val);
	free(hs->hs_sw);
	free(hs);
}

/* sig = ver:horder:habsent:expsw */
static int
parse_http(struct parser *pa, const char *v)
{
	struct p0f_db		*db = pa->pa_db;
	struct httpsig		*hs;
	struct hhdr		*hh;
	const struct httpsig	*dup;
	const char		*p = v, *e;
	char			*val;
	void			*nv;
	int32_t			 id;
	int			 opt;

	if ((*p != '0' && *p != '1' && *p != '*') || p[1] != ':')
		return (perr(pa, "HTTP version must be 0, 1 or *"));
	if ((hs = calloc(1, sizeof(*hs))) == NULL)
		return (perr(pa, "out of memory"));
	hs->hs_ver = *p == '*' ? -1 : *p - '0';
	hs->hs_label = pa->pa_label;
	hs->hs_line = pa->pa_line;
	p += 2;

	while (*p != ':') {
		if (hs->hs_nhdr >= P0F_HTTP_MAXHDRS) {
			(void)perr(pa, "more than %d headers",
			    P0F_HTTP_MAXHDRS);
			goto fail;
		}
		opt = *p == '?';
		if (opt)
			p++;
		for (e = p; hname_char(*e); e++)
			;
		if (e == p) {
			(void)perr(pa, "malformed header name near '%.16s'",
			    p);
			goto fail;
		}
		if ((id = hname_add(db, p, (size_t)(e - p))) == -1) {
			(void)perr(pa, "out of memory");
			goto fail;
		}
		hh = &hs->hs_hdr[hs->hs_nhdr++];
		hh->hh_id = id;
		hh->hh_opt = opt;
		p = e;
		if (*p == '=') {
			if (p[1] != '[') {
				(void)perr(pa, "'=' must be followed by '['");
				goto fail;
			}
			p += 2;
			for (e = p; *e != '\0' && *e != ']'; e++)
				;
			if (e == p || *e == '\0') {
				(void)perr(pa, "malformed header value");
				goto fail;
			}
			if ((val = strndup(p, (size_t)(e - p))) == NULL) {
				(void)perr(pa, "out of memory");
				goto fail;
			}
			hh->hh_val = val;
			hh->hh_vlen = (size_t)(e - p);
			hh->hh_hasval = 1;
			p = e + 1;
		}
		if (*p == ',')
			p++;
		else if (*p != ':') {
			(void)perr(pa, "malformed header list near '%.16s'",
			    p);
			goto fail;
		}
	}
	p++;

	while (*p != ':') {
		if (hs->hs_nmiss >= P0F_HTTP_MAXHDRS) {
			(void)perr(pa, "more than %d absent headers",
			    P0F_HTTP_MAXHDRS);
			goto fail;
		}
		for (e = p; hname_char(*e); e++)
			;
		if (e == p) {
			(void)perr(pa, "malformed absent header near '%.16s'",
			    p);
			goto fail;
		}
		if ((id = hname_add(db, p, (size_t)(e - p))) == -1) {
			(void)perr(pa, "out of memory");
			goto fail;
		}
		hs->hs_miss[hs->hs_nmiss++] = id;
		p = e;
		if (*p == ',')
			p++;
		else if (*p != ':') {
			(void)perr(pa, "malformed absent header list near "
			    "'%.16s'", p);
			goto fail;
		}
	}
	p++;

	if (*p != '\0') {
		if (strchr(p, ':') != NULL) {
			(void)perr(pa, "HTTP signature has more than four "
			    "fields");
			goto fail;
		}
		if ((hs->hs_sw = strdup(p)) == NULL) {
			(void)perr(pa, "out of memory");
			goto fail;
		}
	}

	/* As for TCP: a signature an earlier one covers is a mistake. */
	dup = http_find(db, pa->pa_dir, hs->hs_ver, hs->hs_hdr, hs->hs_nhdr,
	    hs->hs_miss, hs->hs_nmiss, 1);
	if (dup != NULL) {
		(void)perr(pa, "signature already covered by line %u",
		    dup->hs_line);
		goto fail;
	}
	nv = reallocarray(db->db_http[pa->pa_dir], db->db_nhttp[pa->pa_dir] + 1,
	    sizeof(*db->db_http[pa->pa_dir]));
	if (nv == NULL) {
		(void)perr(pa, "out of memory");
		goto fail;
	}
	db->db_http[pa->pa_dir] = nv;
	db->db_http[pa->pa_dir][db->db_nhttp[pa->pa_dir]++] = hs;
	return (0);
 fail:
	httpsig_free(hs);
	return (-1);
}

/* Decimal digits, at least one, within [lo, hi]. */
static int
parse_num(const char **pp, long lo, long hi, long *out)
{
	const char	*p = *pp;
	long		 n = 0;

	if (!isdigit((unsigned char)*p))
		return (-1);
	while (isdigit((unsigned char)*p)) {
		n = n * 10 + (*p - '0');
		if (n > hi)
			return (-1);
		p++;
	}
	if (n < lo)
		return (-1);
	*pp = p;
	*out = n;
	return (0);
}

static int
parse_layout(struct parser *pa, const char **pp, struct tcpsig *ts)
{
	const char	*p = *pp;
	long		 n;
	uint8_t		 kind;

	while (*p != ':') {
		if (ts->ts_nopt >= P0F_MAXOPT)
			return (perr(pa, "more than %d TCP options",
			    P0F_MAXOPT));
		if (strncmp(p, "eol+", 4) == 0) {
			p += 4;
			if (parse_num(&p, 0, 255, &n) == -1)
				return (perr(pa, "malformed 'eol+N'"));
			if (*p != ':')
				return (perr(pa, "'eol' must be the last "
				    "option"));
			ts->ts_eolpad = (uint8_t)n;
			ts->ts_layout[ts->ts_nopt++] = OPT_EOL;
			break;
		}
		if (strncmp(p, "nop", 3) == 0) {
			kind = OPT_NOP;
			p += 3;
		} else if (strncmp(p, "mss", 3) == 0) {
			kind = OPT_MSS;
			p += 3;
		} else if (strncmp(p, "ws", 2) == 0) {
			kind = OPT_WS;
			p += 2;
		} else if (strncmp(p, "sok", 3) == 0) {
			kind = OPT_SOK;
			p += 3;
		} else if (strncmp(p, "sack", 4) == 0) {
			kind = OPT_SACK;
			p += 4;
		} else if (strncmp(p, "ts", 2) == 0) {
			kind = OPT_TS;
			p += 2;
		} else if (*p == '?') {
			p++;
			if (parse_num(&p, 0, 255, &n) == -1)
				return (perr(pa, "malformed '?N' option"));
			kind = (uint8_t)n;
		} else
			return (perr(pa, "unknown TCP option near '%.16s'",
			    p));
		ts->ts_layout[ts->ts_nopt++] = kind;
		if (*p == ',')
			p++;
		else if (*p != ':')
			return (perr(pa, "malformed TCP option list"));
		else
			break;
	}
	if (*p != ':')
		return (perr(pa, "malformed TCP option list"));
	*pp = p + 1;
	return (0);
}

static int
parse_quirks(struct parser *pa, const char **pp, struct tcpsig *ts)
{
	const char	*p = *pp;
	size_t		 i, n;

	while (*p != ':') {
		for (i = 0; i < sizeof(quirk_tab) / sizeof(quirk_tab[0]); i++) {
			n = strlen(quirk_tab[i].q_name);
			if (strncmp(p, quirk_tab[i].q_name, n) == 0 &&
			    (p[n] == ',' || p[n] == ':'))
				break;
		}
		if (i == sizeof(quirk_tab) / sizeof(quirk_tab[0]))
			return (perr(pa, "unknown quirk near '%.16s'", p));
		if (quirk_tab[i].q_ver != 0 && ts->ts_ver != -1 &&
		    ts->ts_ver != quirk_tab[i].q_ver)
			return (perr(pa, "quirk '%s' is not valid for IPv%d",
			    quirk_tab[i].q_name, ts->ts_ver));
		ts->ts_quirks |= quirk_tab[i].q_bit;
		p += n;
		if (*p == ',')
			p++;
	}
	*pp = p + 1;
	return (0);
}

/* sig = ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass */
static int
parse_tcp(struct parser *pa, const char *v)
{
	struct p0f_db	*db = pa->pa_db;
	struct sigrec	*sr;
	struct tcpsig	*ts;
	const struct sigrec *dup;
	const char	*p = v;
	long		 n, add;
	int		 fuzzy;
	uint8_t		 dist;

	if ((sr = calloc(1, sizeof(*sr))) == NULL)
		return (perr(pa, "out of memory"));
	ts = &sr->sr_sig;
	sr->sr_label = pa->pa_label;
	sr->sr_line = pa->pa_line;

	if ((*p != '4' && *p != '6' && *p != '*') || p[1] != ':') {
		free(sr);
		return (perr(pa, "IP version must be 4, 6 or *"));
	}
	ts->ts_ver = *p == '*' ? -1 : *p - '0';
	p += 2;

	if (parse_num(&p, 1, 255, &n) == -1)
		goto bad_ttl;
	if (*p == '-' && p[1] == ':') {
		sr->sr_badttl = 1;
		p++;
	} else if (*p == '+') {
		p++;
		if (parse_num(&p, 0, 255, &add) == -1 || n + add > 255)
			goto bad_ttl;
		n += add;
	}
	if (*p++ != ':')
		goto bad_ttl;
	ts->ts_ttl = (uint8_t)n;

	if (parse_num(&p, 0, 255, &n) == -1 || *p++ != ':') {
		free(sr);
		return (perr(pa, "IP option length must be 0 to 255"));
	}
	ts->ts_olen = (uint8_t)n;

	if (*p == '*' && p[1] == ':') {
		ts->ts_mss = -1;
		p += 2;
	} else if (parse_num(&p, 0, 65535, &n) == 0 && *p == ':') {
		ts->ts_mss = (int32_t)n;
		p++;
	} else {
		free(sr);
		return (perr(pa, "MSS must be * or 0 to 65535"));
	}

	if (*p == '*' && p[1] == ',') {
		ts->ts_wtype = WIN_ANY;
		p += 2;
	} else {
		if (*p == '%') {
			p++;
			ts->ts_wtype = WIN_MOD;
			if (parse_num(&p, 2, 65535, &n) == -1)
				goto bad_win;
		} else if (strncmp(p, "mss*", 4) == 0 ||
		    strncmp(p, "mtu*", 4) == 0) {
			ts->ts_wtype = p[1] == 's' ? WIN_MSS : WIN_MTU;
			p += 4;
			if (parse_num(&p, 1, 1000, &n) == -1)
				goto bad_win;
		} else {
			ts->ts_wtype = WIN_NORMAL;
			if (parse_num(&p, 0, 65535, &n) == -1)
				goto bad_win;
		}
		if (*p++ != ',')
			goto bad_win;
		ts->ts_win = (uint16_t)n;
	}

	if (*p == '*' && p[1] == ':') {
		ts->ts_wscale = -1;
		p += 2;
	} else if (parse_num(&p, 0, 255, &n) == 0 && *p == ':') {
		ts->ts_wscale = (int16_t)n;
		p++;
	} else {
		free(sr);
		return (perr(pa, "window scale must be * or 0 to 255"));
	}

	if (parse_layout(pa, &p, ts) == -1 || parse_quirks(pa, &p, ts) == -1) {
		free(sr);
		return (-1);
	}

	if (strcmp(p, "*") == 0)
		ts->ts_pclass = -1;
	else if (strcmp(p, "0") == 0)
		ts->ts_pclass = 0;
	else if (strcmp(p, "+") == 0)
		ts->ts_pclass = 1;
	else {
		free(sr);
		return (perr(pa, "payload class must be 0, + or *"));
	}
	ts->ts_lhash = layout_hash(ts->ts_layout, ts->ts_nopt);

	/*
	 * As p0f: a signature that an earlier one already matches exactly
	 * could never be reported, which is a mistake in the file.
	 */
	dup = find_match(db, pa->pa_dir, ts, 1, 0, &fuzzy, &dist);
	if (dup != NULL) {
		free(sr);
		return (perr(pa, "signature already covered by line %u",
		    dup->sr_line));
	}
	if (bucket_add(&db->db_tcp[pa->pa_dir][ts->ts_lhash % P0F_BUCKETS],
	    sr) == -1) {
		free(sr);
		return (perr(pa, "out of memory"));
	}
	db->db_ntcp[pa->pa_dir]++;
	return (0);

 bad_ttl:
	free(sr);
	return (perr(pa, "initial TTL must be N, N- or N+M, 1 to 255"));
 bad_win:
	free(sr);
	return (perr(pa, "window must be *, N, %%N, mss*N or mtu*N"));
}

static int
bucket_add(struct bucket *bk, struct sigrec *sr)
{
	void	*nv;
	size_t	 ncap;

	if (bk->bk_n == bk->bk_cap) {
		ncap = bk->bk_cap == 0 ? 8 : bk->bk_cap * 2;
		if ((nv = reallocarray(bk->bk_v, ncap, sizeof(*bk->bk_v))) ==
		    NULL)
			return (-1);
		bk->bk_v = nv;
		bk->bk_cap = ncap;
	}
	bk->bk_v[bk->bk_n++] = sr;
	return (0);
}

/* FNV-1a: only to spread layouts over buckets; equality is checked. */
static uint32_t
layout_hash(const uint8_t *l, uint8_t n)
{
	uint32_t	 h = 2166136261u;
	uint8_t		 i;

	h = (h ^ n) * 16777619u;
	for (i = 0; i < n; i++)
		h = (h ^ l[i]) * 16777619u;
	return (h);
}

/* Hops from the nearest usual initial TTL, for packets no sig explains. */
static uint8_t
guess_dist(uint8_t ttl)
{
	if (ttl <= 32)
		return (32 - ttl);
	if (ttl <= 64)
		return (64 - ttl);
	if (ttl <= 128)
		return (128 - ttl);
	return (255 - ttl);
}

/*
 * Is the window a multiple of the MSS, of the MTU, or of one of the
 * values stacks are known to use by mistake?  The order is p0f's and
 * matters: the first divisor that fits decides.  Returns the multiplier
 * and sets *mtu, or -1.
 */
static int
win_multi(const struct tcpsig *ts, uint16_t syn_mss, int *mtu)
{
	int	 div[12], ismtu[12], nd = 0, i;
	int	 win = ts->ts_win, mss = ts->ts_mss;

	if (win == 0 || mss < 100 || ts->ts_wtype != WIN_NORMAL)
		return (-1);
#define ADD(d, m)	do { div[nd] = (d); ismtu[nd] = (m); nd++; } while (0)
	ADD(mss, 0);
	/* Some stacks take the timestamp option's 12 bytes off. */
	if (ts->ts_ts1 != 0)
		ADD(mss - 12, 0);
	/* The MTU of some other interface, mostly Ethernet's. */
	ADD(1500 - 40, 0);
	ADD(1500 - 40 - 12, 0);
	if (ts->ts_ver == 6) {
		ADD(1500 - 60, 0);
		ADD(1500 - 60 - 12, 0);
	}
	ADD(mss + 40, 1);
	ADD(mss + ts->ts_tothdr, 1);
	if (ts->ts_ver == 6)
		ADD(mss + 60, 1);
	ADD(1500, 1);
	/* A SYN+ACK may follow the MSS of the SYN it answers. */
	if (syn_mss != 0) {
		ADD(syn_mss, 0);
		ADD(syn_mss - 12, 0);
	}
#undef ADD
	for (i = 0; i < nd; i++)
		if (div[i] > 0 && win % div[i] == 0) {
			*mtu = ismtu[i];
			return (win / div[i]);
		}
	return (-1);
}

/*
 * p0f's search: the first exact specific signature wins; failing that
 * the first exact generic one; failing that (with P0F_FUZZY, decided by
 * the caller) the first approximate one.  dupe compares two signatures
 * from the file instead of a packet with a signature.
 */
static const struct sigrec *
find_match(const struct p0f_db *db, int dir, const struct tcpsig *ts,
    int dupe, uint16_t syn_mss, int *fuzzyp, uint8_t *distp)
{
	const struct bucket	*bk;
	const struct sigrec	*sr, *fmatch = NULL, *gmatch = NULL;
	const struct tcpsig	*rs;
	uint32_t		 rq, del, add;
	int			 use_mtu = 0, wm, fuzzy;
	size_t			 i;

	*fuzzyp = 0;
	*distp = 0;
	wm = win_multi(ts, syn_mss, &use_mtu);
	bk = &db->db_tcp[dir][ts->ts_lhash % P0F_BUCKETS];
	for (i = 0; i < bk->bk_n; i++) {
		sr = bk->bk_v[i];
		rs = &sr->sr_sig;
		if (rs->ts_nopt != ts->ts_nopt ||
		    memcmp(rs->ts_layout, ts->ts_layout, ts->ts_nopt) != 0)
			continue;

		/* A "*" signature drops the quirks the packet's IP lacks. */
		rq = rs->ts_quirks;
		if (rs->ts_ver == -1)
			rq &= ts->ts_ver == 4 ? ~Q_FLOW :
			    ~(Q_DF | Q_NZ_ID | Q_ZERO_ID);
		fuzzy = 0;
		if (rq != ts->ts_quirks) {
			del = (rq ^ ts->ts_quirks) & rq;
			add = (rq ^ ts->ts_quirks) & ts->ts_quirks;
			/*
			 * Middleboxes clear DF and zero the ID, and add ECN:
			 * only those differences are worth a fuzzy match.
			 */
			if (fmatch != NULL || (del & ~(Q_DF | Q_NZ_ID)) ||
			    (add & ~(Q_ZERO_ID | Q_ECN)))
				continue;
			fuzzy = 1;
		}
		if (rs->ts_eolpad != ts->ts_eolpad ||
		    rs->ts_olen != ts->ts_olen)
			continue;
		if (sr->sr_badttl) {
			if (rs->ts_ttl < ts->ts_ttl)
				continue;
		} else if (rs->ts_ttl < ts->ts_ttl ||
		    rs->ts_ttl - ts->ts_ttl > P0F_MAX_DIST)
			fuzzy = 1;

		if (rs->ts_mss != -1 && rs->ts_mss != ts->ts_mss)
			continue;
		if (rs->ts_wscale != -1 && rs->ts_wscale != ts->ts_wscale)
			continue;
		if (rs->ts_pclass != -1 && rs->ts_pclass != ts->ts_pclass)
			continue;

		if (ts->ts_wtype != WIN_NORMAL) {
			/* Two signatures: the same notation or nothing. */
			if (rs->ts_wtype != ts->ts_wtype ||
			    rs->ts_win != ts->ts_win)
				continue;
		} else {
			switch (rs->ts_wtype) {
			case WIN_NORMAL:
				if (rs->ts_win != ts->ts_win)
					continue;
				break;
			case WIN_MOD:
				if (ts->ts_win % rs->ts_win != 0)
					continue;
				break;
			case WIN_MSS:
				if (use_mtu || rs->ts_win != wm)
					continue;
				break;
			case WIN_MTU:
				if (!use_mtu || rs->ts_win != wm)
					continue;
				break;
			default:	/* WIN_ANY */
				break;
			}
		}

		if (!fuzzy) {
			if (!sr->sr_label->lb_generic) {
				*distp = rs->ts_ttl - ts->ts_ttl;
				return (sr);
			}
			if (gmatch == NULL)
				gmatch = sr;
		} else if (fmatch == NULL)
			fmatch = sr;
	}
	if (dupe)
		return (NULL);
	if (gmatch != NULL) {
		*distp = gmatch->sr_sig.ts_ttl - ts->ts_ttl;
		return (gmatch);
	}
	/* Tools forge their packets: near enough says nothing about them. */
	if (fmatch != NULL && fmatch->sr_label->lb_userland)
		fmatch = NULL;
	if (fmatch == NULL || fmatch->sr_sig.ts_ttl < ts->ts_ttl ||
	    (!fmatch->sr_badttl &&
	    fmatch->sr_sig.ts_ttl - ts->ts_ttl > P0F_MAX_DIST))
		*distp = guess_dist(ts->ts_ttl);
	else
		*distp = fmatch->sr_sig.ts_ttl - ts->ts_ttl;
	if (fmatch != NULL)
		*fuzzyp = 1;
	return (fmatch);
}

/*
 * Reduce a decoded packet to what p0f looks at.  Returns P0F_REQUEST or
 * P0F_RESPONSE, or -1 for anything p0f would not fingerprint.
 */
static int
pkt_to_sig(const struct pkt *p, struct tcpsig *ts, int *dirp)
{
	const uint8_t	*o = p->p_tcpopt;
	size_t		 i = 0, n = p->p_tcpoptlen, l;
	uint16_t	 type;
	uint8_t		 kind;

	memset(ts, 0, sizeof(*ts));
	if (!(p->p_flags & PKT_F_TCP) || (p->p_flags & PKT_F_FRAG) ||
	    (p->p_ipflags & PKT_IP_MF) || p->p_fragoff != 0)
		return (-1);
	/* Options cut short by the snap length would give a wrong layout. */
	if (p->p_thlen < 20 || (size_t)p->p_thlen - 20 != n)
		return (-1);
	type = p->p_tcpflags & (PKT_TH_SYN | PKT_TH_ACK | PKT_TH_FIN |
	    PKT_TH_RST);
	if (type == PKT_TH_SYN)
		*dirp = P0F_REQUEST;
	else if (type == (PKT_TH_SYN | PKT_TH_ACK))
		*dirp = P0F_RESPONSE;
	else
		return (-1);

	ts->ts_ttl = p->p_ttl;
	if ((p->p_tos & 0x03) != 0)
		ts->ts_quirks |= Q_ECN;
	if (p->p_af == AF_INET) {
		ts->ts_ver = 4;
		ts->ts_olen = (uint8_t)(p->p_ipoptlen > 255 ? 255 :
		    p->p_ipoptlen);
		ts->ts_tothdr = (uint16_t)(p->p_iphlen + p->p_thlen);
		if (p->p_ipflags & PKT_IP_RES)
			ts->ts_quirks |= Q_NZ_MBZ;
		if (p->p_ipflags & PKT_IP_DF) {
			ts->ts_quirks |= Q_DF;
			if (p->p_ipid != 0)
				ts->ts_quirks |= Q_NZ_ID;
		} else if (p->p_ipid == 0)
			ts->ts_quirks |= Q_ZERO_ID;
	} else if (p->p_af == AF_INET6) {
		/* p0f.fp's olen is 0 for all IPv6: p0f never saw headers. */
		ts->ts_ver = 6;
		ts->ts_tothdr = (uint16_t)(40 + p->p_thlen);
		if (p->p_flow != 0)
			ts->ts_quirks |= Q_FLOW;
	} else
		return (-1);

	if (p->p_tcpflags & (PKT_TH_ECE | PKT_TH_CWR | PKT_TH_NS))
		ts->ts_quirks |= Q_ECN;
	if (p->p_seq == 0)
		ts->ts_quirks |= Q_ZERO_SEQ;
	/*
	 * p0f 3.09b tests one bit of a raw word for "ack+" (a bug that sees
	 * a different bit on each byte order); we test the whole number.
	 */
	if (p->p_tcpflags & PKT_TH_ACK) {
		if (p->p_ack == 0)
			ts->ts_quirks |= Q_ZERO_ACK;
	} else if (p->p_ack != 0)
		ts->ts_quirks |= Q_NZ_ACK;
	if (p->p_tcpflags & PKT_TH_URG)
		ts->ts_quirks |= Q_URG;
	else if (p->p_urp != 0)
		ts->ts_quirks |= Q_NZ_URG;
	if (p->p_tcpflags & PKT_TH_PUSH)
		ts->ts_quirks |= Q_PUSH;

	ts->ts_win = p->p_win;
	ts->ts_wtype = WIN_NORMAL;
	ts->ts_pclass = p->p_wirepaylen != 0 || p->p_paylen != 0;

	/*
	 * The layout is every option kind in order, malformed ones too:
	 * a broken stack is as telling as a correct one.  Lengths of the
	 * fixed-size options are not trusted, as p0f does not.
	 */
	while (i < n && ts->ts_nopt < P0F_MAXOPT) {
		kind = o[i++];
		ts->ts_layout[ts->ts_nopt++] = kind;
		switch (kind) {
		case OPT_EOL:
			ts->ts_eolpad = (uint8_t)(n - i);
			for (; i < n; i++)
				if (o[i] != 0)
					ts->ts_quirks |= Q_OPT_EOL_NZ;
			break;
		case OPT_NOP:
			break;
		case OPT_MSS:
			if (n - i < 3)
				goto bad;
			if (o[i] != 4)
				ts->ts_quirks |= Q_OPT_BAD;
			ts->ts_mss = get16(o + i + 1);
			i += 3;
			break;
		case OPT_WS:
			if (n - i < 2)
				goto bad;
			if (o[i] != 3)
				ts->ts_quirks |= Q_OPT_BAD;
			ts->ts_wscale = o[i + 1];
			if (ts->ts_wscale > 14)
				ts->ts_quirks |= Q_EXWS;
			i += 2;
			break;
		case OPT_SOK:
			if (n - i < 1)
				goto bad;
			if (o[i] != 2)
				ts->ts_quirks |= Q_OPT_BAD;
			i += 1;
			break;
		case OPT_TS:
			if (n - i < 9)
				goto bad;
			if (o[i] != 10)
				ts->ts_quirks |= Q_OPT_BAD;
			ts->ts_ts1 = get32(o + i + 1);
			if (ts->ts_ts1 == 0)
				ts->ts_quirks |= Q_TS1_ZERO;
			if (*dirp == P0F_REQUEST && get32(o + i + 5) != 0)
				ts->ts_quirks |= Q_TS2_NZ;
			i += 9;
			break;
		case OPT_SACK:
			/* Variable: trust the length only in its range. */
			if (i == n || o[i] < 10 || o[i] > 34 ||
			    (size_t)o[i] - 1 > n - i)
				goto bad;
			i += o[i] - 1;
			break;
		default:
			if (i == n || o[i] < 2 || o[i] > 40 ||
			    (size_t)o[i] - 1 > n - i)
				goto bad;
			l = o[i];
			i += l - 1;
			break;
		}
	}
	if (i != n) {
 bad:
		ts->ts_quirks |= Q_OPT_BAD;
	}
	ts->ts_lhash = layout_hash(ts->ts_layout, ts->ts_nopt);
	return (*dirp);
}

static void
appendf(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*off += (size_t)n;
	if (*off >= len)
		*off = len;
}

/* p0f's raw_sig, so that our output can be pasted into a p0f.fp. */
static void
dump_sig(const struct tcpsig *ts, uint16_t syn_mss, int dir, char *buf,
    size_t len)
{
	size_t		 off = 0, i, nq = 0;
	uint8_t		 dist = guess_dist(ts->ts_ttl);
	int		 mtu = 0, wm;

	buf[0] = '\0';
	if (dist > P0F_MAX_DIST)
		appendf(buf, len, &off, "%d:%u+?:%u:", ts->ts_ver, ts->ts_ttl,
		    ts->ts_olen);
	else
		appendf(buf, len, &off, "%d:%u+%u:%u:", ts->ts_ver,
		    ts->ts_ttl, dist, ts->ts_olen);
	/* Hosts echo p0f-sendsyn's odd MSS: suggest a wildcard. */
	if (ts->ts_mss == P0F_SPECIAL_MSS && dir == P0F_RESPONSE)
		appendf(buf, len, &off, "*:");
	else
		appendf(buf, len, &off, "%d:", (int)ts->ts_mss);
	wm = win_multi(ts, syn_mss, &mtu);
	if (wm > 0)
		appendf(buf, len, &off, "%s*%d", mtu ? "mtu" : "mss", wm);
	else
		appendf(buf, len, &off, "%u", ts->ts_win);
	appendf(buf, len, &off, ",%d:", (int)ts->ts_wscale);
	for (i = 0; i < ts->ts_nopt; i++) {
		const char *sep = i != 0 ? "," : "";

		switch (ts->ts_layout[i]) {
		case OPT_EOL:
			appendf(buf, len, &off, "%seol+%u", sep,
			    ts->ts_eolpad);
			break;
		case OPT_NOP:
			appendf(buf, len, &off, "%snop", sep);
			break;
		case OPT_MSS:
			appendf(buf, len, &off, "%smss", sep);
			break;
		case OPT_WS:
			appendf(buf, len, &off, "%sws", sep);
			break;
		case OPT_SOK:
			appendf(buf, len, &off, "%ssok", sep);
			break;
		case OPT_SACK:
			appendf(buf, len, &off, "%ssack", sep);
			break;
		case OPT_TS:
			appendf(buf, len, &off, "%sts", sep);
			break;
		default:
			appendf(buf, len, &off, "%s?%u", sep,
			    ts->ts_layout[i]);
			break;
		}
	}
	appendf(buf, len, &off, ":");
	for (i = 0; i < sizeof(quirk_tab) / sizeof(quirk_tab[0]); i++)
		if (ts->ts_quirks & quirk_tab[i].q_bit)
			appendf(buf, len, &off, "%s%s", nq++ ? "," : "",
			    quirk_tab[i].q_name);
	appendf(buf, len, &off, ":%s", ts->ts_pclass ? "+" : "0");
}

int
p0f_match(const struct p0f_db *db, const struct pkt *p, uint16_t syn_mss,
    int flags, struct p0f_result *res)
{
	const struct sigrec	*sr;
	const struct label	*lb;
	struct tcpsig		 ts;
	size_t			 i;
	int			 dir, fuzzy;
	uint8_t			 dist;

	memset(res, 0, sizeof(*res));
	if (pkt_to_sig(p, &ts, &dir) == -1)
		return (-1);
	res->pr_dir = dir;
	res->pr_ttl = ts.ts_ttl;
	res->pr_tos = p->p_tos >> 2;
	/* p0f only uses a peer MSS to explain a SYN+ACK's window. */
	if (dir == P0F_REQUEST)
		syn_mss = 0;
	dump_sig(&ts, syn_mss, dir, res->pr_rawsig,
	    sizeof(res->pr_rawsig));
	/* p0f's own probe, which it treats as a tool whatever matches. */
	if (dir == P0F_REQUEST && ts.ts_win == P0F_SPECIAL_WIN &&
	    ts.ts_mss == P0F_SPECIAL_MSS)
		res->pr_flags |= P0F_R_SENDSYN;

	sr = find_match(db, dir, &ts, 0, syn_mss, &fuzzy, &dist);
	if (sr != NULL && fuzzy && !(flags & P0F_FUZZY)) {
		sr = NULL;
		dist = guess_dist(ts.ts_ttl);
	}
	res->pr_dist = dist;
	if (dist > P0F_MAX_DIST)
		res->pr_flags |= P0F_R_EXCESSDIST;
	if (sr != NULL) {
		lb = sr->sr_label;
		res->pr_flags |= P0F_R_MATCH;
		if (lb->lb_generic)
			res->pr_flags |= P0F_R_GENERIC;
		if (fuzzy)
			res->pr_flags |= P0F_R_FUZZY;
		if (lb->lb_userland)
			res->pr_flags |= P0F_R_USERLAND;
		if (sr->sr_badttl)
			res->pr_flags |= P0F_R_BADTTL;
		res->pr_line = sr->sr_line;
		memcpy(res->pr_class, lb->lb_class, sizeof(res->pr_class));
		memcpy(res->pr_genre, lb->lb_name, sizeof(res->pr_genre));
		memcpy(res->pr_flavor, lb->lb_flavor, sizeof(res->pr_flavor));
		(void)snprintf(res->pr_label, sizeof(res->pr_label),
		    "%c:%s:%s:%s", lb->lb_generic ? 'g' : 's', lb->lb_class,
		    lb->lb_name, lb->lb_flavor);
		(void)snprintf(res->pr_os, sizeof(res->pr_os), "%s%s%s",
		    lb->lb_name, lb->lb_flavor[0] != '\0' ? " " : "",
		    lb->lb_flavor);
	}

	/* A tool's MSS is whatever it chose, not its link's. */
	if (ts.ts_mss > 0 &&
	    !(res->pr_flags & (P0F_R_USERLAND | P0F_R_SENDSYN)) &&
	    ts.ts_mss + (ts.ts_ver == 4 ? 40 : 60) <= 65535) {
		res->pr_mtu = (uint16_t)(ts.ts_mss +
		    (ts.ts_ver == 4 ? 40 : 60));
		res->pr_flags |= P0F_R_MTU;
		for (i = 0; i < db->db_nmtu; i++)
			if (db->db_mtu[i].ms_mtu == res->pr_mtu) {
				memcpy(res->pr_link,
				    db->db_mtu[i].ms_label->lb_name,
				    sizeof(res->pr_link));
				res->pr_flags |= P0F_R_LINK;
				break;
			}
	}
	return (0);
}

void
p0f_params(const struct p0f_result *res, char *buf, size_t len)
{
	size_t	 off = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (res->pr_flags & P0F_R_GENERIC)
		appendf(buf, len, &off, " generic");
	if (res->pr_flags & P0F_R_FUZZY)
		appendf(buf, len, &off, " fuzzy");
	if (res->pr_flags & P0F_R_BADTTL)
		appendf(buf, len, &off, " random_ttl");
	if (res->pr_flags & P0F_R_EXCESSDIST)
		appendf(buf, len, &off, " excess_dist");
	if (res->pr_tos != 0)
		appendf(buf, len, &off, " tos:0x%02x", res->pr_tos);
	if (buf[0] == '\0')
		(void)snprintf(buf, len, "none");
	else
		memmove(buf, buf + 1, strlen(buf));
}

void
p0f_dist(const struct p0f_result *res, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s%u",
	    res->pr_flags & P0F_R_BADTTL ? "<= " : "", res->pr_dist);
}

/* strstr(3) on a C string of hlen bytes, for a needle of nlen bytes. */
static int
contains(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	size_t	 i;

	if (nlen == 0)
		return (1);
	if (hlen < nlen)
		return (0);
	for (i = 0; i + nlen <= hlen; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
			return (1);
	return (0);
}

/*
 * p0f's search: the first specific signature that fits wins, failing that
 * the first generic one.  A signature fits when its version is the
 * message's, its headers appear in its order (others may come between)
 * with each value it names inside the message's, each of its "?" headers
 * is there in order or nowhere, and none of its absent ones is there.
 * dupe compares a new signature from the file with the earlier ones: its
 * "?" headers are not there for certain, and only a specific earlier
 * signature that bans as much covers it.
 */
static const struct httpsig *
http_find(const struct p0f_db *db, int dir, int ver, const struct hhdr *h,
    size_t n, const int32_t *miss, size_t nmiss, int dupe)
{
	const struct httpsig	*rs, *gmatch = NULL;
	const struct hhdr	*rh;
	size_t			 i, ri, ti, j, k;

	for (i = 0; i < db->db_nhttp[dir]; i++) {
		rs = db->db_http[dir][i];
		if (rs->hs_ver != -1 && rs->hs_ver != ver)
			continue;
		/* Every header it needs, among those that are there. */
		for (ri = 0; ri < rs->hs_nhdr; ri++) {
			rh = &rs->hs_hdr[ri];
			if (rh->hh_opt)
				continue;
			for (j = 0; j < n; j++)
				if (h[j].hh_id == rh->hh_id && !h[j].hh_opt)
					break;
			if (j == n)
				break;
		}
		if (ri != rs->hs_nhdr)
			continue;
		/* Then in its order, with its values. */
		for (ri = 0, ti = 0; ri < rs->hs_nhdr; ri++) {
			rh = &rs->hs_hdr[ri];
			for (j = ti; j < n && h[j].hh_id != rh->hh_id; j++)
				;
			if (j == n) {
				if (!rh->hh_opt)
					break;
				for (j = 0; j < ti; j++)
					if (h[j].hh_id == rh->hh_id)
						break;
				if (j < ti)
					break;
				continue;
			}
			if (rh->hh_hasval && (!h[j].hh_hasval ||
			    !contains(h[j].hh_val, h[j].hh_vlen, rh->hh_val,
			    rh->hh_vlen)))
				break;
			ti = j + 1;
		}
		if (ri != rs->hs_nhdr)
			continue;
		for (k = 0; k < rs->hs_nmiss; k++) {
			for (j = 0; j < n; j++)
				if (h[j].hh_id == rs->hs_miss[k])
					break;
			if (j < n)
				break;
		}
		if (k != rs->hs_nmiss)
			continue;
		if (dupe) {
			if (rs->hs_nmiss > nmiss)
				continue;
			for (k = 0; k < rs->hs_nmiss; k++) {
				for (j = 0; j < nmiss; j++)
					if (miss[j] == rs->hs_miss[k])
						break;
				if (j == nmiss)
					break;
			}
			if (k != rs->hs_nmiss)
				continue;
		}
		if (!rs->hs_label->lb_generic)
			return (rs);
		if (gmatch == NULL)
			gmatch = rs;
	}
	return (dupe ? NULL : gmatch);
}

/*
 * The first line of a request or response, p0f's way: a GET or HEAD of a
 * path ending in "HTTP/1.x", or a status line starting with it, no control
 * bytes, at most P0F_HTTP_MAXLINE bytes.
 */
static int
http_read(const struct p0f_db *db, int dir, const uint8_t *b, size_t len,
    struct hmsg *hm)
{
	size_t		 off, least, at;

	memset(hm, 0, sizeof(*hm));
	/* p0f waits for 15 (13) bytes, then wants a line of 14 (13). */
	least = dir == P0F_REQUEST ? 14 : 13;
	if (len < (dir == P0F_REQUEST ? 15 : 13))
		return (P0F_HTTP_MORE);
	if (dir == P0F_REQUEST && memcmp(b, "GET /", 5) != 0 &&
	    memcmp(b, "HEAD /", 6) != 0)
		return (P0F_HTTP_NOTHTTP);
	for (off = 0; off < len && off < P0F_HTTP_MAXLINE && b[off] != '\n';
	    off++)
		if (b[off] != '\r' && (b[off] < 0x20 || b[off] > 0x7f))
			return (P0F_HTTP_NOTHTTP);
	if (off == P0F_HTTP_MAXLINE || off < least)
		return (P0F_HTTP_NOTHTTP);
	if (off == len)
		return (P0F_HTTP_MORE);
	if (dir == P0F_REQUEST) {
		/* off >= 14: the version is inside the line. */
		at = off - 8 - (b[off - 1] == '\r');
		if (memcmp(b + at, "HTTP/1.", 7) != 0)
			return (P0F_HTTP_NOTHTTP);
		hm->hm_ver = b[at + 7] == '1';
	} else {
		if (memcmp(b, "HTTP/1.", 7) != 0)
			return (P0F_HTTP_NOTHTTP);
		hm->hm_ver = b[7] == '1';
	}
	return (http_pairs(db, dir, b, len, off + 1, hm));
}

/* "Name: value" lines up to an empty one. */
static int
http_pairs(const struct p0f_db *db, int dir, const uint8_t *b, size_t len,
    size_t pos, struct hmsg *hm)
{
	struct hhdr	*hh;
	const uint8_t	*nul;
	size_t		 off, nlen, vstart, vlen;

	while (pos < len) {
		if (b[pos] == '\r' || b[pos] == '\n')
			return (P0F_HTTP_DONE);
		if (hm->hm_n >= P0F_HTTP_MAXHDRS)
			return (P0F_HTTP_NOTHTTP);
		for (off = pos, nlen = 0; off < len && hname_char(b[off]) &&
		    nlen <= P0F_HTTP_MAXNAME; off++)
			nlen++;
		if (off == len)
			return (P0F_HTTP_MORE);
		if (nlen == 0 || nlen > P0F_HTTP_MAXNAME || b[off] != ':')
			return (P0F_HTTP_NOTHTTP);
		off++;
		/* One blank goes; any more are part of the value. */
		if (off < len && (b[off] == ' ' || b[off] == '\t'))
			off++;
		for (vstart = off, vlen = 0; off < len &&
		    vlen <= P0F_HTTP_MAXVAL && b[off] != '\n'; off++)
			vlen++;
		if (vlen > P0F_HTTP_MAXVAL)
			return (P0F_HTTP_NOTHTTP);
		if (off == len)
			return (P0F_HTTP_MORE);
		if (vlen > 0 && b[off - 1] == '\r')
			vlen--;

		hh = &hm->hm_hdr[hm->hm_n];
		hh->hh_id = hname_find(db, (const char *)(b + pos), nlen);
		hm->hm_name[hm->hm_n] = (const char *)(b + pos);
		hm->hm_nlen[hm->hm_n] = nlen;
		if (vlen > 0) {
			/* p0f compares values as C strings. */
			hh->hh_hasval = 1;
			hh->hh_val = (const char *)(b + vstart);
			if ((nul = memchr(b + vstart, '\0', vlen)) != NULL)
				vlen = (size_t)(nul - (b + vstart));
			hh->hh_vlen = vlen;
			if (dir == P0F_REQUEST && hh->hh_id == HID_UA)
				hm->hm_sw = hh;
			else if (dir == P0F_REQUEST && hh->hh_id == HID_LANG)
				hm->hm_lang = hh;
			else if (dir == P0F_RESPONSE &&
			    hh->hh_id == HID_SERVER)
				hm->hm_sw = hh;
		}
		hm->hm_n++;
		pos = off + 1;
	}
	return (P0F_HTTP_MORE);
}

/* How many bytes of a value raw_sig shows: p0f's printable run. */
static size_t
http_show(const char *v, size_t len, int pipe)
{
	size_t	 i;

	for (i = 0; i < len && i < P0F_HTTP_SHOW; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] >= 0x80 ||
		    v[i] == ']' || (pipe && v[i] == '|'))
			break;
	return (i);
}

/* p0f's raw_sig for a header block. */
static void
http_dump(const struct p0f_db *db, int dir, const struct hmsg *hm,
    char *buf, size_t len)
{
	const struct hhdr	*hh;
	const char *const	*u;
	size_t			 off = 0, i, j, n;
	int32_t			 id;
	uint8_t			 roles;
	int			 opt, prev = 0;

	buf[0] = '\0';
	appendf(buf, len, &off, "%d:", hm->hm_ver);
	for (i = 0; i < hm->hm_n; i++) {
		hh = &hm->hm_hdr[i];
		if (hh->hh_id >= 0) {
			roles = (size_t)hh->hh_id < HTTP_NNAMES ?
			    http_names[hh->hh_id].hn_roles : 0;
			opt = (roles & (dir == P0F_REQUEST ? HN_REQ_OPT :
			    HN_RESP_OPT)) != 0;
			appendf(buf, len, &off, "%s%s%s", i > 0 ? "," : "",
			    opt ? "?" : "", db->db_hnames[hh->hh_id]);
			if (!hh->hh_hasval || opt || (roles &
			    (dir == P0F_REQUEST ? HN_REQ_NOVAL :
			    HN_RESP_NOVAL)))
				continue;
			n = http_show(hh->hh_val, hh->hh_vlen, 1);
		} else {
			appendf(buf, len, &off, "%s%.*s", i > 0 ? "," : "",
			    (int)hm->hm_nlen[i], hm->hm_name[i]);
			if (!hh->hh_hasval)
				continue;
			n = http_show(hh->hh_val, hh->hh_vlen, 0);
		}
		if (n > 0)
			appendf(buf, len, &off, "=[%.*s]", (int)n, hh->hh_val);
	}
	appendf(buf, len, &off, ":");
	for (u = http_usual[dir]; *u != NULL; u++) {
		id = hname_find(db, *u, strlen(*u));
		for (j = 0; j < hm->hm_n; j++)
			if (hm->hm_hdr[j].hh_id == id)
				break;
		if (j == hm->hm_n) {
			appendf(buf, len, &off, "%s%s", prev ? "," : "", *u);
			prev = 1;
		}
	}
	appendf(buf, len, &off, ":");
	if (hm->hm_sw != NULL) {
		n = http_show(hm->hm_sw->hh_val, hm->hm_sw->hh_vlen, 0);
		appendf(buf, len, &off, "%.*s", (int)n, hm->hm_sw->hh_val);
	}
}

int
p0f_http_match(const struct p0f_db *db, int dir, const uint8_t *buf,
    size_t len, struct p0f_http *res)
{
	struct hmsg		 hm;
	const struct httpsig	*rs;
	const struct label	*lb;
	const struct hhdr	*lg;
	size_t			 i, n;
	int			 rv;

	memset(res, 0, sizeof(*res));
	res->ph_dir = dir;
	if ((dir != P0F_REQUEST && dir != P0F_RESPONSE) || buf == NULL)
		return (P0F_HTTP_NOTHTTP);
	if (len > P0F_HTTP_MAXDATA)
		len = P0F_HTTP_MAXDATA;
	rv = http_read(db, dir, buf, len, &hm);
	if (rv == P0F_HTTP_MORE && len == P0F_HTTP_MAXDATA)
		rv = P0F_HTTP_NOTHTTP;
	if (rv != P0F_HTTP_DONE)
		return (rv);

	res->ph_ver = (uint8_t)hm.hm_ver;
	http_dump(db, dir, &hm, res->ph_rawsig, sizeof(res->ph_rawsig));
	if (hm.hm_sw == NULL)
		res->ph_flags |= P0F_H_ANONYMOUS;
	else {
		n = http_show(hm.hm_sw->hh_val, hm.hm_sw->hh_vlen, 0);
		memcpy(res->ph_sw, hm.hm_sw->hh_val, n);
		res->ph_sw[n] = '\0';
	}
	lg = hm.hm_lang;
	if (lg != NULL && lg->hh_vlen >= 2 && is_alpha(lg->hh_val[0]) &&
	    is_alpha(lg->hh_val[1]) &&
	    (lg->hh_vlen == 2 || !is_alpha(lg->hh_val[2]))) {
		res->ph_flags |= P0F_H_LANG;
		memcpy(res->ph_langcode, lg->hh_val, 2);
		for (i = 0; i < sizeof(languages) / sizeof(languages[0]); i++)
			if (memcmp(languages[i].lg_code, lg->hh_val, 2) == 0) {
				(void)strlcpy(res->ph_lang,
				    languages[i].lg_name,
				    sizeof(res->ph_lang));
				break;
			}
	}

	rs = http_find(db, dir, hm.hm_ver, hm.hm_hdr, hm.hm_n, NULL, 0, 0);
	if (rs == NULL)
		return (P0F_HTTP_DONE);
	lb = rs->hs_label;
	res->ph_flags |= P0F_H_MATCH;
	if (lb->lb_generic)
		res->ph_flags |= P0F_H_GENERIC;
	if (lb->lb_userland)
		res->ph_flags |= P0F_H_USERLAND;
	if (rs->hs_sw != NULL && hm.hm_sw != NULL &&
	    !contains(hm.hm_sw->hh_val, hm.hm_sw->hh_vlen, rs->hs_sw,
	    strlen(rs->hs_sw)))
		res->ph_flags |= P0F_H_DISHONEST;
	res->ph_line = rs->hs_line;
	memcpy(res->ph_class, lb->lb_class, sizeof(res->ph_class));
	memcpy(res->ph_genre, lb->lb_name, sizeof(res->ph_genre));
	memcpy(res->ph_flavor, lb->lb_flavor, sizeof(res->ph_flavor));
	(void)snprintf(res->ph_label, sizeof(res->ph_label), "%c:%s:%s:%s",
	    lb->lb_generic ? 'g' : 's', lb->lb_class, lb->lb_name,
	    lb->lb_flavor);
	(void)snprintf(res->ph_app, sizeof(res->ph_app), "%s%s%s",
	    lb->lb_name, lb->lb_flavor[0] != '\0' ? " " : "", lb->lb_flavor);
	return (P0F_HTTP_DONE);
}

void
p0f_http_params(const struct p0f_http *res, char *buf, size_t len)
{
	size_t	 off = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (res->ph_flags & P0F_H_DISHONEST)
		appendf(buf, len, &off, " dishonest");
	if (res->ph_flags & P0F_H_ANONYMOUS)
		appendf(buf, len, &off, " anonymous");
	if (res->ph_flags & P0F_H_GENERIC)
		appendf(buf, len, &off, " generic");
	if (buf[0] == '\0')
		(void)snprintf(buf, len, "none");
	else
		memmove(buf, buf + 1, strlen(buf));
}

const char *
p0f_http_lang(const struct p0f_http *res)
{
	if (!(res->ph_flags & P0F_H_LANG))
		return ("none");
	return (res->ph_lang[0] != '\0' ? res->ph_lang : "???");
}

/*
 * A per-address table of at least max slots (a power of two, at most
 * 2^24), zeroed; *mask picks a slot from a hash.
 */
static void *
slots_new(size_t max, size_t size, size_t *mask)
{
	void	*v;
	size_t	 n = 1;

	if (max == 0 || max > (1u << 24))
		max = 1u << 24;
	while (n < max)
		n <<= 1;
	if ((v = calloc(n, size)) == NULL)
		return (NULL);
	*mask = n - 1;
	return (v);
}

struct p0f_uptime *
p0f_uptime_new(size_t max)
{
	struct p0f_uptime	*ut;

	if ((ut = calloc(1, sizeof(*ut))) == NULL)
		return (NULL);
	if ((ut->ut_v = slots_new(max, sizeof(*ut->ut_v),
	    &ut->ut_mask)) == NULL) {
		free(ut);
		return (NULL);
	}
	return (ut);
}

void
p0f_uptime_free(struct p0f_uptime *ut)
{
	if (ut == NULL)
		return;
	free(ut->ut_v);
	free(ut);
}

/*
 * One slot per address hash, overwritten on a collision: a bounded table
 * that an attacker spraying addresses can only make forget, never grow.
 */
int
p0f_uptime_check(struct p0f_uptime *ut, const struct pkt *p, uint64_t now_ms,
    struct p0f_result *res)
{
	struct uphost	*uh;
	uint64_t	 ms;
	uint32_t	 h = 2166136261u, tsd, freq;
	double		 ffreq;
	size_t		 i, alen;
	uint16_t	 type;
	int		 found = 0;

	if (!(p->p_flags & PKT_F_TCP) || !(p->p_tcpoptflags & PKT_TO_TS) ||
	    p->p_ts1 == 0 || (res->pr_flags & (P0F_R_USERLAND | P0F_R_SENDSYN)))
		return (0);
	alen = p->p_af == AF_INET ? 4 : PKT_ADDRLEN;
	for (i = 0; i < alen; i++)
		h = (h ^ p->p_src[i]) * 16777619u;
	uh = &ut->ut_v[h & ut->ut_mask];
	if (uh->uh_af == p->p_af &&
	    memcmp(uh->uh_addr, p->p_src, alen) == 0 && uh->uh_ts1 != 0 &&
	    now_ms >= uh->uh_ms) {
		/* p0f's limits: 25 ms to 10 minutes, at least 5 ticks. */
		ms = now_ms - uh->uh_ms;
		tsd = p->p_ts1 - uh->uh_ts1;
		if (ms >= 25 && ms <= 600000 && tsd >= 5 &&
		    !(ms < 100 && (~tsd) / 1000 < 1500 / 100)) {
			if (tsd > ~tsd)
				ffreq = ~tsd * -1000.0 / (double)ms;
			else
				ffreq = tsd * 1000.0 / (double)ms;
			if (ffreq >= 0.7 && ffreq <= 1500.0) {
				freq = (uint32_t)ffreq;
				/* The usual clocks are round numbers. */
				if (freq == 0)
					freq = 1;
				else if (freq <= 10)
					;
				else if (freq <= 50)
					freq = (freq + 3) / 5 * 5;
				else if (freq <= 100)
					freq = (freq + 7) / 10 * 10;
				else if (freq <= 500)
					freq = (freq + 33) / 50 * 50;
				else
					freq = (freq + 67) / 100 * 100;
				res->pr_tsfreq = freq;
				res->pr_tsfreq_raw = ffreq;
				res->pr_uptime_min = p->p_ts1 / freq / 60;
				res->pr_uptime_mod_days = 0xffffffffu /
				    (freq * 60 * 60 * 24);
				res->pr_flags |= P0F_R_UPTIME;
				found = 1;
			}
		}
	}
	/*
	 * As p0f, only an OS's SYN or SYN+ACK is a reference: tools make
	 * up their timestamps.
	 */
	type = p->p_tcpflags & (PKT_TH_SYN | PKT_TH_ACK | PKT_TH_FIN |
	    PKT_TH_RST);
	if ((type == PKT_TH_SYN || type == (PKT_TH_SYN | PKT_TH_ACK)) &&
	    !(res->pr_flags & (P0F_R_USERLAND | P0F_R_SENDSYN))) {
		uh->uh_af = p->p_af;
		memcpy(uh->uh_addr, p->p_src, PKT_ADDRLEN);
		uh->uh_ts1 = p->p_ts1;
		uh->uh_ms = now_ms;
	}
	return (found);
}

/* p0f's constants for comparing signatures from one address. */
#define NAT_SCORES	16	/* scores kept per address and kind */
#define NAT_NEAR_TTL	9	/* hops within which any TTL change counts */
#define NAT_LOCAL_TTL	5	/* beyond it, a small change counts less */
#define NAT_SMALL_TTL	2
#define NAT_PORT_DROP	64	/* a source port that falls this far back */

struct nathost {
	int		 nh_af;
	uint8_t		 nh_addr[PKT_ADDRLEN];
	int		 nh_dir;
	int		 nh_valid;
	int		 nh_matched;
	int		 nh_fuzzy;
	int		 nh_badttl;
	uint32_t	 nh_genre;	/* hashes of what is compared */
	uint32_t	 nh_label;
	uint32_t	 nh_line;
	uint32_t	 nh_quirks;
	uint32_t	 nh_olayout;
	uint8_t		 nh_ttl;
	uint16_t	 nh_mss;
	uint16_t	 nh_port;
	uint8_t		 nh_scores[NAT_SCORES];
	uint32_t	 nh_reasons;
};

struct p0f_nat {
	struct nathost	*nt_v;
	size_t		 nt_mask;
};

static uint32_t
nat_hash(const char *s, size_t n)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < n && s[i] != '\0'; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return (h);
}

/* Field n (0-based) of a raw_sig "ver:ittl:olen:mss:wsize,scale:..." */
static uint32_t
nat_sigfield(const char *sig, int n)
{
	const char	*p = sig, *e;

	for (; n > 0 && p != NULL; n--)
		if ((p = strchr(p, ':')) != NULL)
			p++;
	if (p == NULL)
		return (0);
	e = strchr(p, ':');
	return (nat_hash(p, e != NULL ? (size_t)(e - p) : strlen(p)));
}

struct p0f_nat *
p0f_nat_new(size_t max)
{
	struct p0f_nat	*nt;

	if ((nt = calloc(1, sizeof(*nt))) == NULL)
		return (NULL);
	if ((nt->nt_v = slots_new(max, sizeof(*nt->nt_v),
	    &nt->nt_mask)) == NULL) {
		free(nt);
		return (NULL);
	}
	return (nt);
}

void
p0f_nat_free(struct p0f_nat *nt)
{
	if (nt == NULL)
		return;
	free(nt->nt_v);
	free(nt);
}

void
p0f_nat_reasons(uint32_t r, char *buf, size_t len)
{
	static const char *const names[] = { "os_diff", "sig_diff",
	    "x_known", "ttl", "port", "mtu", "fuzzy" };
	size_t	 i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (r & (1u << i)) {
			if (buf[0] != '\0')
				(void)strlcat(buf, ",", len);
			(void)strlcat(buf, names[i], len);
		}
}

/*
 * Score how unlike its predecessor this SYN (or SYN+ACK) is, the way p0f
 * weighs it: another OS counts most, then TTLs, MSS, option layouts
 * and source ports.  One big difference is a host change; many
 * over the last signatures mean the address is shared (NAT for clients,
 * a load balancer for servers).  Tools' signatures are no reference.
 */
void
p0f_nat_check(struct p0f_nat *nt, const struct pkt *p, struct p0f_result *res)
{
	struct nathost	 cur, *nh;
	uint32_t	 h = 2166136261u, reason = 0;
	size_t		 i, alen, over0 = 0, over1 = 0, over2 = 0, over5 = 0;
	int		 score = 0, diff = 0, ttld, req;

	if (res->pr_flags & (P0F_R_USERLAND | P0F_R_SENDSYN))
		return;
	req = res->pr_dir == P0F_REQUEST;
	alen = p->p_af == AF_INET ? 4 : PKT_ADDRLEN;
	for (i = 0; i < alen; i++)
		h = (h ^ p->p_src[i]) * 16777619u;
	h = (h ^ (uint32_t)req) * 16777619u;
	nh = &nt->nt_v[h & nt->nt_mask];

	memset(&cur, 0, sizeof(cur));
	cur.nh_af = p->p_af;
	memcpy(cur.nh_addr, p->p_src, PKT_ADDRLEN);
	cur.nh_dir = req;
	cur.nh_valid = 1;
	cur.nh_matched = (res->pr_flags & P0F_R_MATCH) != 0;
	cur.nh_fuzzy = (res->pr_flags & P0F_R_FUZZY) != 0;
	cur.nh_badttl = (res->pr_flags & P0F_R_BADTTL) != 0;
	cur.nh_genre = nat_hash(res->pr_genre, sizeof(res->pr_genre));
	cur.nh_label = nat_hash(res->pr_label, sizeof(res->pr_label));
	cur.nh_line = res->pr_line;
	cur.nh_olayout = nat_sigfield(res->pr_rawsig, 5);
	cur.nh_quirks = nat_sigfield(res->pr_rawsig, 6);
	cur.nh_ttl = res->pr_ttl;
	cur.nh_mss = (p->p_tcpoptflags & PKT_TO_MSS) ? p->p_mss : 0;
	cur.nh_port = p->p_sport;

	if (!nh->nh_valid || nh->nh_af != p->p_af || nh->nh_dir != req ||
	    memcmp(nh->nh_addr, p->p_src, alen) != 0) {
		/* First of its kind here (or the slot was taken over). */
		*nh = cur;
		return;
	}
	memcpy(cur.nh_scores, nh->nh_scores, sizeof(cur.nh_scores));
	cur.nh_reasons = nh->nh_reasons;

	if (!cur.nh_matched || !nh->nh_matched) {
		/* Unknown signatures may be tools: weigh their changes less. */
		if (cur.nh_quirks != nh->nh_quirks) {
			score += 2;
			reason |= P0F_NAT_UNK;
		} else if (req && cur.nh_olayout != nh->nh_olayout) {
			score += 1;
			reason |= P0F_NAT_UNK;
		}
		if (req && cur.nh_matched != nh->nh_matched) {
			score += 1;
			reason |= P0F_NAT_TOUNK;
		}
	} else if (cur.nh_genre != nh->nh_genre) {
		score += 8;
		reason |= P0F_NAT_OS;
		diff = 1;
	} else if (req) {
		if (cur.nh_label != nh->nh_label) {
			score += 2;
			reason |= P0F_NAT_OS;
		} else if (cur.nh_line != nh->nh_line) {
			score += 1;
			reason |= P0F_NAT_OS;
		} else if (cur.nh_fuzzy != nh->nh_fuzzy) {
			score += 1;
			reason |= P0F_NAT_FUZZY;
		}
	}
	ttld = (int)cur.nh_ttl - (int)nh->nh_ttl;
	if (!diff && ttld != 0 && !cur.nh_badttl && !nh->nh_badttl &&
	    (res->pr_dist <= NAT_NEAR_TTL || ttld > 1)) {
		score += res->pr_dist > NAT_LOCAL_TTL &&
		    abs(ttld) <= NAT_SMALL_TTL ? 1 : 4;
		reason |= P0F_NAT_TTL;
	}
	if (req && nh->nh_port != 0 && cur.nh_port < nh->nh_port &&
	    nh->nh_port - cur.nh_port >= NAT_PORT_DROP) {
		score += 1;
		reason |= P0F_NAT_PORT;
	}
	if (cur.nh_mss != nh->nh_mss) {
		score += 1;
		reason |= P0F_NAT_MSS;
	}
	/*
	 * Unlike p0f, no clock comparison: Linux has drawn a random TCP
	 * timestamp offset for every connection since 4.10, so two SYNs of
	 * one host disagree as much as those of two hosts.
	 */

	memmove(cur.nh_scores, cur.nh_scores + 1, NAT_SCORES - 1);
	cur.nh_scores[NAT_SCORES - 1] = (uint8_t)(score > 255 ? 255 : score);
	cur.nh_reasons |= reason;
	res->pr_nat_score = (uint32_t)score;
	if (score > 0) {
		for (i = 0; i < NAT_SCORES; i++) {
			if (cur.nh_scores[i] > 5)
				over5++;
			if (cur.nh_scores[i] > 2)
				over2++;
			if (cur.nh_scores[i] > 1)
				over1++;
			if (cur.nh_scores[i] > 0)
				over0++;
		}
		if (over5 > 2 || over2 > 4 || over1 > 6 || over0 > 8) {
			res->pr_flags |= P0F_R_SHARING;
			res->pr_nat_reasons = cur.nh_reasons;
			memset(cur.nh_scores, 0, sizeof(cur.nh_scores));
			cur.nh_reasons = 0;
		} else if (score > 1) {
			res->pr_flags |= P0F_R_HOSTCHANGE;
			res->pr_nat_reasons = reason;
		}
	}
	*nh = cur;
}
