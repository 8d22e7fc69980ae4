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

/* persona: the nftables table that queues an alias's packets to us. */

#ifndef HS_PERSONA_RULES_H
#define HS_PERSONA_RULES_H

#include <stddef.h>
#include <stdint.h>

#define PR_TABLE	"honeyspy_persona"

/* What the rules need of a host. */
struct pr_host {
	uint32_t	ph_addr;	/* network order */
	int		ph_failclosed;
	uint8_t		ph_ttl;		/* of its ordinary segments */
	int		ph_df;
};

int	pr_open(char *, size_t);
int	pr_install(const struct pr_host *, size_t, uint16_t, char *, size_t);
int	pr_remove(char *, size_t);

#endif /* HS_PERSONA_RULES_H */
