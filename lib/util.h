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

#ifndef HS_UTIL_H
#define HS_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif

/*
 * For RB_GENERATE_INTERNAL: static, and unused functions are fine.
 * libbsd leaves __unused undefined (it clashes with Linux headers).
 */
#define HS_RB_STATIC	__attribute__((__unused__)) static

const char	*privmode_name(enum hs_privmode);
int		 caps_format(uint64_t, char *, size_t);
uint64_t	 caps_bit(int);
int		 str_escape(const char *, size_t, char *, size_t);
int		 fd_nonblock(int);
int		 str_printable(const char *, size_t);
int		 rfc3339_us(const char *, int64_t *);
void		 sha256_hex(const void *, size_t, char [65]);

#endif /* HS_UTIL_H */
