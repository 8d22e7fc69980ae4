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

/* fakefs: the in-memory filesystem of one fake shell session. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakefs.h"

static int	fs_cmp(const void *, const void *);
static void	fs_node_free(struct fs_node *);

struct fakefs *
fs_new(void)
{
	return (calloc(1, sizeof(struct fakefs)));
}

static void
fs_node_free(struct fs_node *n)
{
	if (n == NULL)
		return;
	free(n->fn_path);
	free(n->fn_data);
	free(n);
}

void
fs_free(struct fakefs *fs)
{
	size_t	 i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->fs_n; i++)
		fs_node_free(fs->fs_nodes[i]);
	free(fs->fs_nodes);
	free(fs);
}

/*
 * The canonical absolute path of arg seen from cwd, with "~" meaning
 * home: no "." or ".." components, no double or trailing slash.  There
 * are no symbolic links, so ".." is purely lexical, as in bash's cd.
 * Returns -1 (ENAMETOOLONG) when the result would not fit.
 */
int
fs_resolve(const char *cwd, const char *home, const char *arg, char *out,
    size_t size)
{
	char		 tmp[FS_PATH_MAX * 2 + 2];
	const char	*p, *comp;
	size_t		 len, clen;
	int		 n;

	if (size < 2) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if (arg[0] == '~' && (arg[1] == '\0' || arg[1] == '/'))
		n = snprintf(tmp, sizeof(tmp), "%s/%s", home, arg + 1);
	else if (arg[0] == '/')
		n = snprintf(tmp, sizeof(tmp), "%s", arg);
	else
		n = snprintf(tmp, sizeof(tmp), "%s/%s", cwd, arg);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	out[0] = '\0';
	len = 0;
	for (p = tmp; *p != '\0';) {
		while (*p == '/')
			p++;
		comp = p;
		while (*p != '\0' && *p != '/')
			p++;
		clen = (size_t)(p - comp);
		if (clen == 0 || (clen == 1 && comp[0] == '.'))
			continue;
		if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
			continue;
		}
		if (len + 1 + clen >= size || len + 1 + clen >= FS_PATH_MAX) {
			errno = ENAMETOOLONG;
			return (-1);
		}
		out[len++] = '/';
		memcpy(out + len, comp, clen);
		len += clen;
		out[len] = '\0';
	}
	if (len == 0) {
		out[0] = '/';
		out[1] = '\0';
	}
	return (0);
}

/* The directory holding a canonical path, into buf. */
const char *
fs_parent(const char *path, char *buf, size_t size)
{
	const char	*slash;
	size_t		 len;

	if ((slash = strrchr(path, '/')) == NULL || slash == path)
		len = 1;
	else
		len = (size_t)(slash - path);
	if (len >= size)
		len = size - 1;
	memcpy(buf, path, len);
	buf[len] = '\0';
	return (buf);
}

struct fs_node *
fs_lookup(struct fakefs *fs, const char *path)
{
	size_t	 i;

	for (i = 0; i < fs->fs_n; i++)
		if (strcmp(fs->fs_nodes[i]->fn_path, path) == 0)
			return (fs->fs_nodes[i]);
	return (NULL);
}

/*
 * Add a file or directory at a canonical path, or replace the one there.
 * The parent must exist and be a directory.  data is copied.
 */
struct fs_node *
fs_add(struct fakefs *fs, const char *path, mode_t mode, unsigned int uid,
    unsigned int gid, time_t mtime, const void *data, size_t len)
{
	struct fs_node	*n, **nodes;
	struct fs_node	*parent;
	char		 dir[FS_PATH_MAX];

	if (path[0] != '/' || strlen(path) >= FS_PATH_MAX) {
		errno = ENAMETOOLONG;
		return (NULL);
	}
	if (strcmp(path, "/") != 0) {
		parent = fs_lookup(fs, fs_parent(path, dir, sizeof(dir)));
		if (parent == NULL) {
			errno = ENOENT;
			return (NULL);
		}
		if (!S_ISDIR(parent->fn_mode)) {
			errno = ENOTDIR;
			return (NULL);
		}
	}
	if ((n = fs_lookup(fs, path)) != NULL) {
		if (S_ISDIR(n->fn_mode) != S_ISDIR(mode)) {
			errno = S_ISDIR(n->fn_mode) ? EISDIR : EEXIST;
			return (NULL);
		}
		n->fn_mode = mode;
		n->fn_mtime = mtime;
		if (data != NULL && fs_write(fs, n, data, len, 0) == -1)
			return (NULL);
		return (n);
	}
	if (fs->fs_n >= FS_NODES_MAX) {
		errno = ENOSPC;
		return (NULL);
	}
	if (fs->fs_n == fs->fs_cap) {
		nodes = reallocarray(fs->fs_nodes, fs->fs_cap ? fs->fs_cap * 2 :
		    256, sizeof(*nodes));
		if (nodes == NULL)
			return (NULL);
		fs->fs_nodes = nodes;
		fs->fs_cap = fs->fs_cap ? fs->fs_cap * 2 : 256;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return (NULL);
	if ((n->fn_path = strdup(path)) == NULL) {
		free(n);
		return (NULL);
	}
	n->fn_name = strcmp(path, "/") == 0 ? n->fn_path :
	    strrchr(n->fn_path, '/') + 1;
	n->fn_mode = mode;
	n->fn_uid = uid;
	n->fn_gid = gid;
	n->fn_mtime = mtime;
	n->fn_size = S_ISDIR(mode) ? 4096 : 0;
	if (data != NULL && len > 0) {
		if ((n->fn_data = malloc(len)) == NULL) {
			fs_node_free(n);
			return (NULL);
		}
		memcpy(n->fn_data, data, len);
		n->fn_len = n->fn_size = len;
	} else if (S_ISREG(mode) && data != NULL) {
		/* An empty file: cat shows nothing, not "binary". */
		if ((n->fn_data = strdup("")) == NULL) {
			fs_node_free(n);
			return (NULL);
		}
	}
	fs->fs_nodes[fs->fs_n++] = n;
	return (n);
}

/* A program: ls shows its size, cat shows nothing readable. */
struct fs_node *
fs_add_binary(struct fakefs *fs, const char *path, mode_t mode, size_t size,
    time_t mtime)
{
	struct fs_node	*n;

	if ((n = fs_add(fs, path, S_IFREG | mode, 0, 0, mtime, NULL, 0)) ==
	    NULL)
		return (NULL);
	n->fn_size = size;
	return (n);
}

/*
 * What a session writes: bounded per file and in all, so that a loop of
 * appends cannot grow us without end.  Over a limit is ENOSPC/EFBIG.
 */
int
fs_write(struct fakefs *fs, struct fs_node *n, const void *data, size_t len,
    int append)
{
	char	*nd;
	size_t	 keep, total;

	if (S_ISDIR(n->fn_mode)) {
		errno = EISDIR;
		return (-1);
	}
	keep = append && n->fn_data != NULL ? n->fn_len : 0;
	if (len > FS_FILE_MAX || keep > FS_FILE_MAX - len) {
		errno = EFBIG;
		return (-1);
	}
	total = keep + len;
	if (fs->fs_bytes + len > FS_DATA_MAX) {
		errno = ENOSPC;
		return (-1);
	}
	if ((nd = malloc(total + 1)) == NULL)
		return (-1);
	if (keep > 0)
		memcpy(nd, n->fn_data, keep);
	if (len > 0)
		memcpy(nd + keep, data, len);
	nd[total] = '\0';
	free(n->fn_data);
	n->fn_data = nd;
	n->fn_len = n->fn_size = total;
	n->fn_user = 1;
	fs->fs_bytes += len;
	return (0);
}

/* Remove a path and everything below it. */
int
fs_remove(struct fakefs *fs, const char *path)
{
	size_t	 i, plen;
	int	 found = 0;

	plen = strlen(path);
	if (strcmp(path, "/") == 0) {
		errno = EBUSY;
		return (-1);
	}
	for (i = 0; i < fs->fs_n;) {
		const char *p = fs->fs_nodes[i]->fn_path;

		if (strcmp(p, path) == 0 ||
		    (strncmp(p, path, plen) == 0 && p[plen] == '/')) {
			fs_node_free(fs->fs_nodes[i]);
			fs->fs_nodes[i] = fs->fs_nodes[--fs->fs_n];
			found = 1;
			continue;
		}
		i++;
	}
	if (!found) {
		errno = ENOENT;
		return (-1);
	}
	return (0);
}

/* ls order: case and leading dots ignored, as in an English locale. */
static int
fs_cmp(const void *a, const void *b)
{
	const struct fs_node	*na = *(struct fs_node *const *)a;
	const struct fs_node	*nb = *(struct fs_node *const *)b;
	const char		*sa = na->fn_name, *sb = nb->fn_name;
	int			 r;

	while (*sa == '.')
		sa++;
	while (*sb == '.')
		sb++;
	if ((r = strcasecmp(sa, sb)) != 0)
		return (r);
	return (strcmp(na->fn_name, nb->fn_name));
}

/* The entries of a directory, sorted; at most max of them. */
size_t
fs_list(struct fakefs *fs, const char *dir, struct fs_node **out, size_t max)
{
	char	 parent[FS_PATH_MAX];
	size_t	 i, n = 0;

	for (i = 0; i < fs->fs_n && n < max; i++) {
		if (strcmp(fs->fs_nodes[i]->fn_path, "/") == 0)
			continue;
		fs_parent(fs->fs_nodes[i]->fn_path, parent, sizeof(parent));
		if (strcmp(parent, dir) == 0)
			out[n++] = fs->fs_nodes[i];
	}
	qsort(out, n, sizeof(*out), fs_cmp);
	return (n);
}
