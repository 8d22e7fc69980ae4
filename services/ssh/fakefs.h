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
 * The filesystem the fake shell shows: a flat table of absolute paths,
 * built afresh for every session and changed only in memory, within
 * fixed limits, so that nothing an attacker does reaches the real disk.
 */

#ifndef HS_SSH_FAKEFS_H
#define HS_SSH_FAKEFS_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

#define FS_PATH_MAX		1024	/* longest canonical path */
#define FS_NODES_MAX		2048	/* files and directories, all told */
#define FS_FILE_MAX		65536	/* largest file a session may write */
#define FS_DATA_MAX		1048576	/* bytes a session may write in all */

struct fs_node {
	char		*fn_path;	/* absolute and canonical */
	const char	*fn_name;	/* last component, inside fn_path */
	mode_t		 fn_mode;	/* type and permission bits */
	unsigned int	 fn_uid;
	unsigned int	 fn_gid;
	size_t		 fn_size;	/* what ls says */
	char		*fn_data;	/* what cat shows; NULL for binaries */
	size_t		 fn_len;
	time_t		 fn_mtime;
	int		 fn_user;	/* written in this session */
};

struct fakefs {
	struct fs_node	**fs_nodes;
	size_t		 fs_n;
	size_t		 fs_cap;
	size_t		 fs_bytes;	/* written by the session */
};

struct fakefs	*fs_new(void);
void		 fs_free(struct fakefs *);
int		 fs_resolve(const char *, const char *, const char *, char *,
		    size_t);
struct fs_node	*fs_lookup(struct fakefs *, const char *);
struct fs_node	*fs_add(struct fakefs *, const char *, mode_t, unsigned int,
		    unsigned int, time_t, const void *, size_t);
struct fs_node	*fs_add_binary(struct fakefs *, const char *, mode_t, size_t,
		    time_t);
int		 fs_write(struct fakefs *, struct fs_node *, const void *,
		    size_t, int);
int		 fs_remove(struct fakefs *, const char *);
size_t		 fs_list(struct fakefs *, const char *, struct fs_node **,
		    size_t);
const char	*fs_parent(const char *, char *, size_t);

#endif /* HS_SSH_FAKEFS_H */
