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

/* Small helpers shared by the daemon and honeyspyctl. */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/capability.h>

#include <openssl/evp.h>

#include "util.h"

static const char *const cap_names[] = {
	[CAP_CHOWN] = "cap_chown",
	[CAP_DAC_OVERRIDE] = "cap_dac_override",
	[CAP_DAC_READ_SEARCH] = "cap_dac_read_search",
	[CAP_FOWNER] = "cap_fowner",
	[CAP_FSETID] = "cap_fsetid",
	[CAP_KILL] = "cap_kill",
	[CAP_SETGID] = "cap_setgid",
	[CAP_SETUID] = "cap_setuid",
	[CAP_SETPCAP] = "cap_setpcap",
	[CAP_LINUX_IMMUTABLE] = "cap_linux_immutable",
	[CAP_NET_BIND_SERVICE] = "cap_net_bind_service",
	[CAP_NET_BROADCAST] = "cap_net_broadcast",
	[CAP_NET_ADMIN] = "cap_net_admin",
	[CAP_NET_RAW] = "cap_net_raw",
	[CAP_IPC_LOCK] = "cap_ipc_lock",
	[CAP_IPC_OWNER] = "cap_ipc_owner",
	[CAP_SYS_MODULE] = "cap_sys_module",
	[CAP_SYS_RAWIO] = "cap_sys_rawio",
	[CAP_SYS_CHROOT] = "cap_sys_chroot",
	[CAP_SYS_PTRACE] = "cap_sys_ptrace",
	[CAP_SYS_PACCT] = "cap_sys_pacct",
	[CAP_SYS_ADMIN] = "cap_sys_admin",
	[CAP_SYS_BOOT] = "cap_sys_boot",
	[CAP_SYS_NICE] = "cap_sys_nice",
	[CAP_SYS_RESOURCE] = "cap_sys_resource",
	[CAP_SYS_TIME] = "cap_sys_time",
	[CAP_SYS_TTY_CONFIG] = "cap_sys_tty_config",
	[CAP_MKNOD] = "cap_mknod",
	[CAP_LEASE] = "cap_lease",
	[CAP_AUDIT_WRITE] = "cap_audit_write",
	[CAP_AUDIT_CONTROL] = "cap_audit_control",
	[CAP_SETFCAP] = "cap_setfcap",
	[CAP_MAC_OVERRIDE] = "cap_mac_override",
	[CAP_MAC_ADMIN] = "cap_mac_admin",
	[CAP_SYSLOG] = "cap_syslog",
	[CAP_WAKE_ALARM] = "cap_wake_alarm",
	[CAP_BLOCK_SUSPEND] = "cap_block_suspend",
	[CAP_AUDIT_READ] = "cap_audit_read",
};

const char *
privmode_name(enum hs_privmode mode)
{
	switch (mode) {
	case PRIVMODE_USER:
		return ("user");
	case PRIVMODE_CAPS:
		return ("capabilities");
	case PRIVMODE_ROOT:
		return ("root");
	}
	return ("unknown");
}

uint64_t
caps_bit(int cap)
{
	if (cap < 0 || cap > 63)
		return (0);
	return ((uint64_t)1 << cap);
}

/*
 * Names of the capabilities set in mask, comma separated, or "none".
 * Returns -1 when the result does not fit.
 */
int
caps_format(uint64_t mask, char *buf, size_t len)
{
	size_t	 i;
	char	 num[16];

	if (len == 0)
		return (-1);
	buf[0] = '\0';
	if (mask == 0)
		return (strlcpy(buf, "none", len) >= len ? -1 : 0);
	for (i = 0; i < 64; i++) {
		const char	*name;

		if ((mask & ((uint64_t)1 << i)) == 0)
			continue;
		if (i < sizeof(cap_names) / sizeof(cap_names[0]) &&
		    cap_names[i] != NULL)
			name = cap_names[i];
		else {
			(void)snprintf(num, sizeof(num), "cap_%zu", i);
			name = num;
		}
		if (buf[0] != '\0' && strlcat(buf, ",", len) >= len)
			return (-1);
		if (strlcat(buf, name, len) >= len)
			return (-1);
	}
	return (0);
}

/*
 * Copy src (srclen bytes, may hold NULs) into dst so that it is safe for a
 * log line or a terminal: printable ASCII stays, backslash and everything
 * else becomes a C-style escape.  Returns -1 when dst was too small; dst is
 * terminated and holds what fitted either way.
 */
int
str_escape(const char *src, size_t srclen, char *dst, size_t dstlen)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, o = 0;
	unsigned char		 c;
	char			 esc[5];
	size_t			 n;

	if (dstlen == 0)
		return (-1);
	for (i = 0; i < srclen; i++) {
		c = (unsigned char)src[i];
		if (c == '\\') {
			esc[0] = '\\';
			esc[1] = '\\';
			n = 2;
		} else if (c >= 0x20 && c < 0x7f) {
			esc[0] = (char)c;
			n = 1;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			esc[0] = '\\';
			esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
			n = 2;
		} else {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 0xf];
			n = 4;
		}
		if (o + n >= dstlen) {
			dst[o] = '\0';
			return (-1);
		}
		memcpy(dst + o, esc, n);
		o += n;
	}
	dst[o] = '\0';
	return (0);
}

int
fd_nonblock(int fd)
{
	int	 flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return (-1);
	if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return (-1);
	return (0);
}

/*
 * An RFC 3339 UTC time as events carry it, "2026-11-26T17:00:00.123456Z"
 * (any fraction, or none), in microseconds since the epoch.  0 or -1.
 */
int
rfc3339_us(const char *s, int64_t *us)
{
	struct tm	 tm;
	const char	*p;
	int64_t		 frac = 0, scale = 100000;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if ((p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return (-1);
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++) {
			frac += (*p - '0') * scale;
			scale /= 10;
		}
	if (strcmp(p, "Z") != 0 || (t = timegm(&tm)) == (time_t)-1)
		return (-1);
	*us = (int64_t)t * 1000000 + frac;
	return (0);
}

/* The SHA-256 of buf in lower-case hex; "" if it cannot be had. */
void
sha256_hex(const void *buf, size_t len, char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[32];
	unsigned int		 mdlen = sizeof(md);
	size_t			 i;

	out[0] = '\0';
	if (EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return;
	for (i = 0; i < sizeof(md); i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[64] = '\0';
}

/*
 * A string a less trusted process filled in: NUL-terminated within size,
 * and printable ASCII up to the NUL.
 */
int
str_printable(const char *s, size_t size)
{
	size_t	 i;

	for (i = 0; i < size && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return (0);
	return (i < size);
}
