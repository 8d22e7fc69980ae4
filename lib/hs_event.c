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

/* Builds and serializes HoneySpy events; the only code that shapes them. */

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "hs_event.h"

#define ENCODING_SUFFIX	"_encoding"
#define EVENT_KEY_MAX	128

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ICMP types that have a reply type; everything else is one-way. */
static const struct {
	uint8_t		proto;
	uint8_t		a, b;
} icmp_pairs[] = {
	{ IPPROTO_ICMP, 8, 0 },		/* echo */
	{ IPPROTO_ICMP, 13, 14 },	/* timestamp */
	{ IPPROTO_ICMP, 15, 16 },	/* information */
	{ IPPROTO_ICMP, 10, 9 },	/* router solicitation */
	{ IPPROTO_ICMP, 17, 18 },	/* address mask */
	{ IPPROTO_ICMPV6, 128, 129 },	/* echo */
	{ IPPROTO_ICMPV6, 130, 131 },	/* multicast listener */
	{ IPPROTO_ICMPV6, 133, 134 },	/* router solicitation */
	{ IPPROTO_ICMPV6, 135, 136 },	/* neighbour solicitation */
	{ IPPROTO_ICMPV6, 139, 140 },	/* node information */
	{ IPPROTO_ICMPV6, 144, 145 },	/* home agent discovery */
};

struct dumpbuf {
	char		*buf;
	size_t		 len;
	size_t		 size;
	size_t		 max;
	int		 toolong;
};

static int	 event_set(json_t *, const char *, json_t *);
static int	 encoding_key(char *, size_t, const char *);
static int	 icmp_counterpart(uint8_t, uint16_t, uint16_t *);
static int	 dump_append(struct dumpbuf *, const char *, size_t);
static int	 dump_cb(const char *, size_t, void *);

int
hs_event_timestamp(char *buf, size_t len, const struct timespec *ts)
{
	struct tm	 tm;
	int		 n;

	if (ts == NULL || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L) {
		errno = EINVAL;
		return (-1);
	}
	if (gmtime_r(&ts->tv_sec, &tm) == NULL)
		return (-1);
	/* RFC 3339 only has four-digit years; anything else breaks sorting. */
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) {
		errno = EOVERFLOW;
		return (-1);
	}
	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)(ts->tv_nsec / 1000));
	if (n < 0 || (size_t)n >= len) {
		errno = ENOSPC;
		return (-1);
	}
	return (0);
}

json_t *
hs_event_new(const char *eventid, const char *sensor)
{
	return (hs_event_new_at(eventid, sensor, NULL));
}

/* An event that happened at *ts, or now when ts is NULL. */
json_t *
hs_event_new_at(const char *eventid, const char *sensor,
    const struct timespec *ts)
{
	struct timespec	 now;
	char		 stamp[EVENT_TIMESTAMP_LEN];
	json_t		*ev;

	if (eventid == NULL || sensor == NULL) {
		errno = EINVAL;
		return (NULL);
	}
	if (ts == NULL) {
		if (clock_gettime(CLOCK_REALTIME, &now) == -1)
			return (NULL);
		ts = &now;
	}
	if (hs_event_timestamp(stamp, sizeof(stamp), ts) == -1)
		return (NULL);
	if ((ev = json_object()) == NULL)
		return (NULL);
	if (hs_event_set_str(ev, "eventid", eventid) == -1 ||
	    hs_event_set_str(ev, "timestamp", stamp) == -1 ||
	    hs_event_set_str(ev, "sensor", sensor) == -1) {
		json_decref(ev);
		return (NULL);
	}
	return (ev);
}

/* Takes ownership of v whatever happens, as json_object_set_new() does. */
static int
event_set(json_t *ev, const char *key, json_t *v)
{
	if (v == NULL)
		return (-1);
	if (!json_is_object(ev) || key == NULL) {
		json_decref(v);
		errno = EINVAL;
		return (-1);
	}
	return (json_object_set_new(ev, key, v) == 0 ? 0 : -1);
}

int
hs_event_set_str(json_t *ev, const char *key, const char *value)
{
	if (value == NULL) {
		errno = EINVAL;
		return (-1);
	}
	/* json_string() refuses invalid UTF-8, so the log stays parseable. */
	return (event_set(ev, key, json_string(value)));
}

int
hs_event_set_int(json_t *ev, const char *key, long long value)
{
	return (event_set(ev, key, json_integer(value)));
}

int
hs_event_set_double(json_t *ev, const char *key, double value)
{
	/* json_real() refuses NaN and infinities, which JSON cannot carry. */
	return (event_set(ev, key, json_real(value)));
}

static int
encoding_key(char *buf, size_t len, const char *key)
{
	int	 n;

	if (key == NULL) {
		errno = EINVAL;
		return (-1);
	}
	n = snprintf(buf, len, "%s%s", key, ENCODING_SUFFIX);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

/* Base64 of any bytes, NUL-terminated, for the caller to free. */
char *
hs_b64_encode(const void *data, size_t len)
{
	char	*out;
	size_t	 olen;
	int	 n;

	/* EVP_EncodeBlock() counts in int; keep its output below INT_MAX. */
	if (len > (size_t)INT_MAX / 4 * 3) {
		errno = EMSGSIZE;
		return (NULL);
	}
	olen = (len + 2) / 3 * 4;
	if ((out = malloc(olen + 1)) == NULL)
		return (NULL);
	n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	if (n < 0 || (size_t)n != olen) {
		free(out);
		errno = EINVAL;
		return (NULL);
	}
	return (out);
}

int
hs_event_set_bytes(json_t *ev, const char *key, const void *data, size_t len)
{
	char	 enckey[EVENT_KEY_MAX];
	char	*b64;
	json_t	*s;

	if (!json_is_object(ev) || (data == NULL && len != 0)) {
		errno = EINVAL;
		return (-1);
	}
	if (encoding_key(enckey, sizeof(enckey), key) == -1)
		return (-1);

	/* Text keeps its exact bytes, NULs included, as a JSON string. */
	if ((s = json_stringn(len == 0 ? "" : data, len)) != NULL) {
		if (json_object_set_new(ev, key, s) == -1)
			return (-1);
		/* A stale marker would make consumers decode text as base64. */
		(void)json_object_del(ev, enckey);
		return (0);
	}

	/*
	 * Anything else would be rejected or mangled by every JSON parser
	 * downstream, and a lossy replacement would destroy the evidence.
	 */
	if ((b64 = hs_b64_encode(data, len)) == NULL)
		return (-1);
	s = json_string(b64);
	free(b64);
	if (event_set(ev, key, s) == -1 ||
	    event_set(ev, enckey, json_string("base64")) == -1) {
		/* No field beats a field that decodes to something else. */
		(void)json_object_del(ev, key);
		(void)json_object_del(ev, enckey);
		return (-1);
	}
	return (0);
}

void *
hs_event_get_bytes(json_t *ev, const char *key, size_t *lenp)
{
	char		 enckey[EVENT_KEY_MAX];
	const char	*s;
	json_t		*v, *enc;
	unsigned char	*out;
	size_t		 slen, pad;
	int		 n;

	if (lenp == NULL || encoding_key(enckey, sizeof(enckey), key) == -1) {
		errno = EINVAL;
		return (NULL);
	}
	if (!json_is_string(v = json_object_get(ev, key))) {
		errno = ENOENT;
		return (NULL);
	}
	s = json_string_value(v);
	slen = json_string_length(v);

	if ((enc = json_object_get(ev, enckey)) == NULL) {
		/* A spare NUL lets text callers use the result as a string. */
		if ((out = malloc(slen + 1)) == NULL)
			return (NULL);
		memcpy(out, s, slen);
		out[slen] = '\0';
		*lenp = slen;
		return (out);
	}
	if (!json_is_string(enc) ||
	    strcmp(json_string_value(enc), "base64") != 0) {
		errno = EINVAL;
		return (NULL);
	}

	/*
	 * EVP_DecodeBlock() skips blanks and returns the padding as zero
	 * bytes, so accept only the exact shape hs_event_set_bytes() writes.
	 */
	pad = 0;
	if (slen >= 1 && s[slen - 1] == '=')
		pad++;
	if (slen >= 2 && s[slen - 2] == '=')
		pad++;
	if (slen == 0 || slen % 4 != 0 || slen > INT_MAX ||
	    strspn(s, b64_alphabet) != slen - pad) {
		errno = EINVAL;
		return (NULL);
	}
	if ((out = malloc(slen / 4 * 3 + 1)) == NULL)
		return (NULL);
	n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)slen);
	if (n < 0 || (size_t)n < pad) {
		free(out);
		errno = EINVAL;
		return (NULL);
	}
	*lenp = (size_t)n - pad;
	out[*lenp] = '\0';
	return (out);
}

int
hs_event_set_sha256(json_t *ev, const char *key, const unsigned char digest[32])
{
	static const char	 hexdigits[] = "0123456789abcdef";
	char			 hex[32 * 2 + 1];
	size_t			 i;

	if (digest == NULL) {
		errno = EINVAL;
		return (-1);
	}
	for (i = 0; i < 32; i++) {
		hex[i * 2] = hexdigits[digest[i] >> 4];
		hex[i * 2 + 1] = hexdigits[digest[i] & 0x0f];
	}
	hex[sizeof(hex) - 1] = '\0';
	return (hs_event_set_str(ev, key, hex));
}

static int
icmp_counterpart(uint8_t proto, uint16_t type, uint16_t *peer)
{
	size_t	 i;

	for (i = 0; i < sizeof(icmp_pairs) / sizeof(icmp_pairs[0]); i++) {
		if (icmp_pairs[i].proto != proto)
			continue;
		if (icmp_pairs[i].a == type) {
			*peer = icmp_pairs[i].b;
			return (1);
		}
		if (icmp_pairs[i].b == type) {
			*peer = icmp_pairs[i].a;
			return (1);
		}
	}
	return (0);
}

int
community_id(char *out, size_t outlen, uint16_t seed, int af,
    const void *saddr, const void *daddr, uint8_t proto, uint16_t sport,
    uint16_t dport, int hasports)
{
	static EVP_MD	*sha1;
	unsigned char	 msg[2 + 16 + 16 + 1 + 1 + 2 + 2];
	unsigned char	 md[EVP_MAX_MD_SIZE];
	const void	*a1, *a2;
	unsigned int	 mdlen;
	size_t		 alen, n;
	uint16_t	 p1, p2, peer;
	int		 cmp, oneway = 0;

	if (out == NULL || saddr == NULL || daddr == NULL) {
		errno = EINVAL;
		return (-1);
	}
	if (af == AF_INET)
		alen = sizeof(struct in_addr);
	else if (af == AF_INET6)
		alen = sizeof(struct in6_addr);
	else {
		errno = EAFNOSUPPORT;
		return (-1);
	}
	if (outlen < COMMUNITY_ID_LEN) {
		errno = ENOSPC;
		return (-1);
	}

	p1 = sport;
	p2 = dport;
	/*
	 * ICMP has no ports: the type stands for the source port and the
	 * reply's type for the destination, so request and reply meet on
	 * one id; messages without a reply keep their code and direction.
	 */
	if (hasports && (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)) {
		if (icmp_counterpart(proto, sport, &peer))
			p2 = peer;
		else
			oneway = 1;
	}

	a1 = saddr;
	a2 = daddr;
	if (!oneway) {
		/* Byte order of network-order addresses is numeric order. */
		cmp = memcmp(saddr, daddr, alen);
		if (cmp > 0 || (cmp == 0 && hasports && p1 > p2)) {
			a1 = daddr;
			a2 = saddr;
			peer = p1;
			p1 = p2;
			p2 = peer;
		}
	}

	n = 0;
	msg[n++] = seed >> 8;
	msg[n++] = seed & 0xff;
	memcpy(msg + n, a1, alen);
	n += alen;
	memcpy(msg + n, a2, alen);
	n += alen;
	msg[n++] = proto;
	msg[n++] = 0;
	if (hasports) {
		msg[n++] = p1 >> 8;
		msg[n++] = p1 & 0xff;
		msg[n++] = p2 >> 8;
		msg[n++] = p2 & 0xff;
	}

	/* Fetched once: an implicit fetch per call costs more than SHA-1. */
	if (sha1 == NULL && (sha1 = EVP_MD_fetch(NULL, "SHA1", NULL)) == NULL) {
		errno = ENOSYS;
		return (-1);
	}
	if (EVP_Digest(msg, n, md, &mdlen, sha1, NULL) != 1 ||
	    mdlen != 20) {
		errno = EINVAL;
		return (-1);
	}
	memcpy(out, "1:", 2);
	if (EVP_EncodeBlock((unsigned char *)out + 2, md, (int)mdlen) !=
	    COMMUNITY_ID_LEN - 3) {
		errno = EINVAL;
		return (-1);
	}
	return (0);
}

int
hs_event_set_flow(json_t *ev, int af, const void *saddr, const void *daddr,
    uint8_t proto, uint16_t sport, uint16_t dport)
{
	char		 src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	char		 cid[COMMUNITY_ID_LEN], num[4];
	const char	*pname;
	int		 hasports;

	if (inet_ntop(af, saddr, src, sizeof(src)) == NULL ||
	    inet_ntop(af, daddr, dst, sizeof(dst)) == NULL)
		return (-1);

	hasports = 1;
	switch (proto) {
	case IPPROTO_TCP:
		pname = "tcp";
		break;
	case IPPROTO_UDP:
		pname = "udp";
		break;
	case IPPROTO_SCTP:
		pname = "sctp";
		break;
	case IPPROTO_ICMP:
		pname = "icmp";
		break;
	case IPPROTO_ICMPV6:
		pname = "icmp6";
		break;
	default:
		/* A string either way, so the store sees one type per field. */
		(void)snprintf(num, sizeof(num), "%u", proto);
		pname = num;
		hasports = 0;
		break;
	}
	if (community_id(cid, sizeof(cid), 0, af, saddr, daddr, proto,
	    sport, dport, hasports) == -1)
		return (-1);

	if (hs_event_set_str(ev, "protocol", pname) == -1 ||
	    hs_event_set_str(ev, "src_ip", src) == -1 ||
	    hs_event_set_str(ev, "dst_ip", dst) == -1)
		return (-1);
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
		/* Type and code are not ports; do not let queries mix them. */
		if (hs_event_set_int(ev, "icmp_type", sport) == -1 ||
		    hs_event_set_int(ev, "icmp_code", dport) == -1)
			return (-1);
	} else if (hasports) {
		if (hs_event_set_int(ev, "src_port", sport) == -1 ||
		    hs_event_set_int(ev, "dst_port", dport) == -1)
			return (-1);
	}
	return (hs_event_set_str(ev, "community_id", cid));
}

/* Stops jansson as soon as the line is too long, not after building it. */
static int
dump_append(struct dumpbuf *db, const char *data, size_t len)
{
	size_t		 need, nsize;
	char		*nbuf;

	if (len > db->max - db->len) {
		db->toolong = 1;
		return (-1);
	}
	if (db->len + len + 1 > db->size) {
		need = db->len + len + 1;
		nsize = db->size == 0 ? 256 : db->size;
		while (nsize < need && nsize <= SIZE_MAX / 2)
			nsize *= 2;
		if (nsize < need || nsize > db->max + 1)
			nsize = db->max + 1;
		if ((nbuf = realloc(db->buf, nsize)) == NULL)
			return (-1);
		db->buf = nbuf;
		db->size = nsize;
	}
	memcpy(db->buf + db->len, data, len);
	db->len += len;
	db->buf[db->len] = '\0';
	return (0);
}

/*
 * jansson escapes control bytes and, with JSON_ENSURE_ASCII, everything
 * past 0x7f, but leaves DEL itself raw.  DEL only occurs inside strings,
 * so it becomes \u007f and every line stays printable ASCII.
 */
static int
dump_cb(const char *data, size_t len, void *arg)
{
	struct dumpbuf	*db = arg;
	const char	*del;

	while ((del = memchr(data, 0x7f, len)) != NULL) {
		if (dump_append(db, data, (size_t)(del - data)) == -1 ||
		    dump_append(db, "\\u007f", 6) == -1)
			return (-1);
		len -= (size_t)(del - data) + 1;
		data = del + 1;
	}
	return (dump_append(db, data, len));
}

/*
 * One line from three parts, in this order: head (an event's eventid,
 * timestamp and sensor), common (members already dumped, without their
 * braces, that many events share: a session's flow, say) and the event's
 * own members in tail.  The shared members are dumped once, not once
 * per event.  As hs_event_dump otherwise; no key may be in two parts.
 */
char *
hs_event_dump_joined(json_t *head, const char *common, json_t *tail,
    size_t maxlen)
{
	struct dumpbuf	 db;
	size_t		 at;

	if (!json_is_object(head) || json_object_size(head) == 0 ||
	    !json_is_object(tail) || common == NULL || maxlen == SIZE_MAX) {
		errno = EINVAL;
		return (NULL);
	}
	memset(&db, 0, sizeof(db));
	db.max = maxlen;
	if (json_dump_callback(head, dump_cb, &db,
	    JSON_COMPACT | JSON_ENSURE_ASCII) == -1)
		goto fail;
	/* Its closing brace goes; the tail brings one. */
	db.len--;
	if (*common != '\0' && (dump_append(&db, ",", 1) == -1 ||
	    dump_append(&db, common, strlen(common)) == -1))
		goto fail;
	at = db.len;
	if (json_dump_callback(tail, dump_cb, &db,
	    JSON_COMPACT | JSON_ENSURE_ASCII) == -1)
		goto fail;
	/* "{}" becomes "}", and "{k:v...}" becomes ",k:v...}". */
	if (json_object_size(tail) == 0) {
		db.len = at;
		if (dump_append(&db, "}", 1) == -1)
			goto fail;
	} else
		db.buf[at] = ',';
	return (db.buf);
 fail:
	free(db.buf);
	errno = db.toolong ? EMSGSIZE : ENOMEM;
	return (NULL);
}

char *
hs_event_dump(json_t *ev, size_t maxlen)
{
	struct dumpbuf	 db;

	if (!json_is_object(ev) || maxlen == SIZE_MAX) {
		errno = EINVAL;
		return (NULL);
	}
	memset(&db, 0, sizeof(db));
	db.max = maxlen;
	/*
	 * Compact output keeps one event per line: jansson escapes every
	 * control byte in strings, so no raw newline can reach the log.
	 * ASCII-only output also keeps C1 controls and bidi tricks in
	 * attacker text from acting on a terminal that tails the log.
	 */
	if (json_dump_callback(ev, dump_cb, &db,
	    JSON_COMPACT | JSON_ENSURE_ASCII) == -1) {
		free(db.buf);
		errno = db.toolong ? EMSGSIZE : ENOMEM;
		return (NULL);
	}
	if (db.buf == NULL && (db.buf = strdup("")) == NULL)
		return (NULL);
	return (db.buf);
}
