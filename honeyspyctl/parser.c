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
 * honeyspyctl's command grammar: a tree of keyword tables.  A word may be
 * abbreviated to any prefix that names one keyword; anything else is an
 * error that lists the words that would have been valid.
 */

#include <stdio.h>
#include <string.h>

#include "parser.h"

enum token_type {
	ENDTOKEN,
	KEYWORD
};

struct token {
	enum token_type		 type;
	const char		*keyword;
	enum ctl_action		 value;
	const struct token	*next;
};

static const struct token t_end[] = {
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

/* The get* names are the original design's calls, kept for its operators. */
static const struct token t_main[] = {
	{ KEYWORD, "getName", CTL_GETNAME, t_end },
	{ KEYWORD, "getStatus", CTL_STATUS, t_end },
	{ KEYWORD, "reload", CTL_RELOAD, t_end },
	{ KEYWORD, "status", CTL_STATUS, t_end },
	{ ENDTOKEN, "", CTL_NONE, NULL }
};

static struct parse_result	 res;

static const struct token	*match_token(const char *, const struct token *);
static void			 show_valid(const char *, const struct token *);

const struct parse_result *
parse(int argc, char *argv[])
{
	const struct token	*table = t_main;
	const struct token	*match;

	memset(&res, 0, sizeof(res));
	for (; argc > 0; argc--, argv++) {
		if ((match = match_token(argv[0], table)) == NULL)
			return (NULL);
		if (match->value != CTL_NONE)
			res.action = match->value;
		table = match->next;
	}
	if (table != t_end || res.action == CTL_NONE) {
		(void)fprintf(stderr, "missing argument:\n");
		show_valid(NULL, table);
		return (NULL);
	}
	return (&res);
}

static const struct token *
match_token(const char *word, const struct token *table)
{
	const struct token	*match = NULL;
	size_t			 i, len = strlen(word);
	int			 n = 0;

	for (i = 0; table[i].type != ENDTOKEN; i++) {
		if (strcmp(word, table[i].keyword) == 0)
			return (&table[i]);	/* exact beats prefix */
		if (len > 0 && strncmp(word, table[i].keyword, len) == 0) {
			match = &table[i];
			n++;
		}
	}
	if (n == 1)
		return (match);
	show_valid(word, table);
	return (NULL);
}

static void
show_valid(const char *word, const struct token *table)
{
	size_t	 i, len = word != NULL ? strlen(word) : 0;
	int	 ambiguous = 0;

	if (word != NULL) {
		for (i = 0; table[i].type != ENDTOKEN; i++)
			if (len > 0 && strncmp(word, table[i].keyword, len) == 0)
				ambiguous++;
		if (table[0].type == ENDTOKEN)
			(void)fprintf(stderr, "too many arguments: %s\n", word);
		else
			(void)fprintf(stderr, "%s argument: %s\n",
			    ambiguous > 1 ? "ambiguous" : "unknown", word);
	}
	if (table[0].type == ENDTOKEN)
		return;
	(void)fprintf(stderr, "valid commands/arguments:\n");
	for (i = 0; table[i].type != ENDTOKEN; i++)
		(void)fprintf(stderr, "  %s\n", table[i].keyword);
}
