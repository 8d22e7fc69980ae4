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

/* netctl's kernel side: links, addresses, routes (libnl), nftables. */

#ifndef HS_NETCTL_KERNEL_H
#define HS_NETCTL_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* Everything we make carries one of these, so that we find it again. */
#define NK_IFPREFIX		"hsv"		/* a virtual host's link */
#define NK_IFALIAS		"honeyspy"	/* ifalias of every link we make */
#define NK_NFT_TABLE		"honeyspy"	/* bridge family */
#define NK_RT_TABLE_BASE	47000	/* routing table of alias n: base + n */
#define NK_RT_TABLES		2048
#define NK_RULE_PRIO		1000	/* before the main table's 32766 */

struct nk_alias {
	int		 ka_af;
	uint8_t		 ka_addr[16];
	uint8_t		 ka_mac[HS_MACLEN];
	int		 ka_index;	/* name and routing table */
	char		 ka_ifname[HS_IFNAMELEN];
};

void	nk_open(void);
void	nk_open_raw(void);
void	nk_cleanup(const char *, const char *);
int	nk_build(const char *, const char *, char *, size_t);
int	nk_addr_ok(int, const uint8_t *, char *, size_t);
int	nk_alias_add(struct nk_alias *, char *, size_t);
void	nk_alias_del(const struct nk_alias *);
void	nk_teardown(void);

#endif /* HS_NETCTL_KERNEL_H */
