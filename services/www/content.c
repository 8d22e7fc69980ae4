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

/* www: the pages, from the built-in tree or the operator's docroot. */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "www.h"

/* Largest file served from the docroot; larger ones are refused (403). */
#define CONTENT_FILE_MAX	(16 * 1024 * 1024)
/* Most entries a listing shows. */
#define CONTENT_LIST_MAX	1000

/* Where a built-in entry lives: the docroot, or an alias outside it. */
enum {
	IN_ROOT,
	IN_ALIAS
};

struct builtin {
	const char	*b_path;	/* without a trailing slash */
	int		 b_where;
	int		 b_dir;
	const char	*b_data;
	size_t		 b_len;
	int		 b_age;		/* seconds after -m */
};

/* A transparent 20x22 GIF, the size of Apache's icons. */
const unsigned char content_gif[] = {
	0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x14, 0x00, 0x16, 0x00, 0x80,
	0x00, 0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x21, 0xf9, 0x04,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x14,
	0x00, 0x16, 0x00, 0x00, 0x02, 0xf8, 0x04, 0x08, 0x10, 0x20, 0x40,
	0x80, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00,
	0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02,
	0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08,
	0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20,
	0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80,
	0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x01,
	0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04,
	0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10,
	0x20, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40,
	0x80, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00,
	0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02,
	0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08,
	0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20,
	0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80,
	0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x01,
	0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04,
	0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10,
	0x20, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40,
	0x80, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00,
	0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02,
	0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08,
	0x10, 0x20, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20,
	0x50, 0x00, 0x3b
};
const size_t content_giflen = sizeof(content_gif);

#define S(s)	s, sizeof(s) - 1

static const char apache_index[] =
    "<html><body><h1>It works!</h1>\n"
    "<p>This is the default web page for this server.</p>\n"
    "<p>The web server software is running but no content has been added, "
    "yet.</p>\n"
    "</body></html>\n";

static const char git_config[] =
    "[core]\n"
    "\trepositoryformatversion = 0\n"
    "\tfilemode = true\n"
    "\tbare = false\n"
    "\tlogallrefupdates = true\n"
    "[remote \"origin\"]\n"
    "\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
    "\turl = git@bitbucket.org:webdev/site.git\n"
    "[branch \"master\"]\n"
    "\tremote = origin\n"
    "\tmerge = refs/heads/master\n";

static const char git_exclude[] =
    "# git ls-files --others --exclude-from=.git/info/exclude\n"
    "# Lines that start with '#' are comments.\n"
    "# For a project mostly in C, the following would be a good set of\n"
    "# exclude patterns (uncomment them if you want to use them):\n"
    "# *.[oa]\n"
    "# *~\n";

static const char git_logs[] =
    "0000000000000000000000000000000000000000 "
    "5d1f0c3b9e2a7c84f6b13e0d92a4c7f1e8b6d203 deploy <deploy@web01> "
    "1299233692 +0000\tclone: from git@bitbucket.org:webdev/site.git\n";

static const char iis_start[] =
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
    "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\r\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n"
    "<head>\r\n"
    "<meta http-equiv=\"Content-Type\" content=\"text/html; "
    "charset=iso-8859-1\" />\r\n"
    "<title>IIS7</title>\r\n"
    "<style type=\"text/css\">\r\n"
    "<!--\r\n"
    "body {\r\n"
    "\tcolor:#000000;\r\n"
    "\tbackground-color:#B3B3B3;\r\n"
    "\tmargin:0;\r\n"
    "}\r\n"
    "\r\n"
    "#container {\r\n"
    "\tmargin-left:auto;\r\n"
    "\tmargin-right:auto;\r\n"
    "\ttext-align:center;\r\n"
    "\t}\r\n"
    "\r\n"
    "a img {\r\n"
    "\tborder:none;\r\n"
    "}\r\n"
    "\r\n"
    "-->\r\n"
    "</style>\r\n"
    "</head>\r\n"
    "<body>\r\n"
    "<div id=\"container\">\r\n"
    "<a href=\"http://go.microsoft.com/fwlink/?linkid=66138&amp;"
    "clcid=0x409\"><img src=\"welcome.png\" alt=\"IIS7\" width=\"571\" "
    "height=\"411\" /></a>\r\n"
    "</div>\r\n"
    "</body>\r\n"
    "</html>";

static const struct builtin apache_tree[] = {
	{ "/index.html", IN_ROOT, 0, S(apache_index), 0 },
	{ "/.git", IN_ROOT, 1, NULL, 0, 86400 * 200 },
	{ "/.git/HEAD", IN_ROOT, 0, S("ref: refs/heads/master\n"),
	    86400 * 200 },
	{ "/.git/config", IN_ROOT, 0, S(git_config), 86400 * 200 },
	{ "/.git/description", IN_ROOT, 0,
	    S("Unnamed repository; edit this file 'description' to name "
	    "the repository.\n"), 86400 * 200 },
	{ "/.git/branches", IN_ROOT, 1, NULL, 0, 86400 * 200 },
	{ "/.git/hooks", IN_ROOT, 1, NULL, 0, 86400 * 200 },
	{ "/.git/info", IN_ROOT, 1, NULL, 0, 86400 * 200 },
	{ "/.git/info/exclude", IN_ROOT, 0, S(git_exclude), 86400 * 200 },
	{ "/.git/logs", IN_ROOT, 1, NULL, 0, 86400 * 200 },
	{ "/.git/logs/HEAD", IN_ROOT, 0, S(git_logs), 86400 * 200 },
	{ "/.git/objects", IN_ROOT, 1, NULL, 0, 86400 * 200 },
	{ "/.git/objects/info", IN_ROOT, 1, NULL, 0, 86400 * 200 },
	{ "/.git/objects/pack", IN_ROOT, 1, NULL, 0, 86400 * 200 },
	{ "/.git/refs", IN_ROOT, 1, NULL, 0, 86400 * 200 },
	{ "/.git/refs/heads", IN_ROOT, 1, NULL, 0, 86400 * 200 },
	{ "/.git/refs/heads/master", IN_ROOT, 0,
	    S("5d1f0c3b9e2a7c84f6b13e0d92a4c7f1e8b6d203\n"), 86400 * 200 },
	{ "/.git/refs/tags", IN_ROOT, 1, NULL, 0, 86400 * 200 },
	{ "/icons", IN_ALIAS, 1, NULL, 0, -86400 * 30 },
	{ "/icons/back.gif", IN_ALIAS, 0, NULL, 0, -86400 * 30 },
	{ "/icons/binary.gif", IN_ALIAS, 0, NULL, 0, -86400 * 30 },
	{ "/icons/blank.gif", IN_ALIAS, 0, NULL, 0, -86400 * 30 },
	{ "/icons/compressed.gif", IN_ALIAS, 0, NULL, 0, -86400 * 30 },
	{ "/icons/folder.gif", IN_ALIAS, 0, NULL, 0, -86400 * 30 },
	{ "/icons/image2.gif", IN_ALIAS, 0, NULL, 0, -86400 * 30 },
	{ "/icons/layout.gif", IN_ALIAS, 0, NULL, 0, -86400 * 30 },
	{ "/icons/script.gif", IN_ALIAS, 0, NULL, 0, -86400 * 30 },
	{ "/icons/text.gif", IN_ALIAS, 0, NULL, 0, -86400 * 30 },
	{ "/icons/unknown.gif", IN_ALIAS, 0, NULL, 0, -86400 * 30 },
	{ NULL, 0, 0, NULL, 0, 0 }
};

static const struct builtin iis_tree[] = {
	{ "/iisstart.htm", IN_ROOT, 0, S(iis_start), 0 },
	{ "/welcome.png", IN_ROOT, 0, NULL, 0, 0 },
	{ "/aspnet_client", IN_ROOT, 1, NULL, 0, 3600 },
	{ "/aspnet_client/system_web", IN_ROOT, 1, NULL, 0, 3600 },
	{ "/aspnet_client/system_web/2_0_50727", IN_ROOT, 1, NULL, 0,
	    3600 },
	{ NULL, 0, 0, NULL, 0, 0 }
};

#undef S

static const struct {
	const char	*m_ext;
	const char	*m_type;
} content_types[] = {
	{ "html", "text/html" },
	{ "htm", "text/html" },
	{ "shtml", "text/html" },
	{ "txt", "text/plain" },
	{ "css", "text/css" },
	{ "xml", "text/xml" },
	{ "js", "application/javascript" },
	{ "json", "application/json" },
	{ "gif", "image/gif" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "ico", "image/x-icon" },
	{ "svg", "image/svg+xml" },
	{ "pdf", "application/pdf" },
	{ "zip", "application/zip" },
	{ "gz", "application/x-gzip" },
	{ "tgz", "application/x-gtar" },
	{ "tar", "application/x-tar" },
	{ "bz2", "application/x-bzip2" },
	{ "sql", "text/x-sql" },
	{ "php", "application/x-httpd-php" },
	{ "sh", "application/x-sh" },
	{ "exe", "application/x-msdos-program" },
	{ "bin", "application/octet-stream" },
	{ "doc", "application/msword" },
	{ "xls", "application/vnd.ms-excel" },
	{ NULL, NULL }
};

static const struct builtin *content_tree(const struct www *);
static const struct builtin *content_builtin(const struct www *,
		    const char *, size_t, int);
static size_t	 content_key(const char *, char *, size_t);
static unsigned long content_hash(const char *);
static int	 content_disk(struct www *, const char *, char *, size_t);
static int	 content_alias(const struct www *, const char *);

/* The type mod_mime finds for a name, or NULL. */
const char *
content_type(const char *name)
{
	const char	*dot, *slash;
	size_t		 i;

	slash = strrchr(name, '/');
	dot = strrchr(slash != NULL ? slash : name, '.');
	if (dot == NULL)
		return (NULL);
	for (i = 0; content_types[i].m_ext != NULL; i++)
		if (strcasecmp(dot + 1, content_types[i].m_ext) == 0)
			return (content_types[i].m_type);
	return (NULL);
}

/* Apache's FileETag INode MTime Size. */
void
content_etag(char *buf, size_t len, const struct wfile *f)
{
	(void)snprintf(buf, len, "%lx-%zx-%llx", f->f_ino, f->f_len,
	    (unsigned long long)f->f_mtime * 1000000ULL +
	    (unsigned long long)f->f_usec);
}

static const struct builtin *
content_tree(const struct www *w)
{
	return (w->w_persona == WWW_IIS ? iis_tree : apache_tree);
}

/* A path as a table key: no empty segments, no trailing slash. */
static size_t
content_key(const char *path, char *key, size_t size)
{
	size_t	n = 0;

	for (; *path != '\0'; path++) {
		if (*path == '/' && (path[1] == '/' || path[1] == '\0'))
			continue;
		if (n + 1 >= size)
			return (size);
		key[n++] = *path;
	}
	key[n] = '\0';
	return (n);
}

static const struct builtin *
content_builtin(const struct www *w, const char *key, size_t len, int alias)
{
	const struct builtin	*b;

	for (b = content_tree(w); b->b_path != NULL; b++) {
		if (alias != -1 && b->b_where != alias)
			continue;
		/* Windows does not care about case; Linux does. */
		if (strlen(b->b_path) == len &&
		    (w->w_persona == WWW_IIS ?
		    strncasecmp(b->b_path, key, len) :
		    strncmp(b->b_path, key, len)) == 0)
			return (b);
	}
	return (NULL);
}

/* Whether a path is under one of the aliases that a docroot leaves alone. */
static int
content_alias(const struct www *w, const char *key)
{
	const struct builtin	*b;
	size_t			 len;

	for (b = content_tree(w); b->b_path != NULL; b++) {
		if (b->b_where != IN_ALIAS || !b->b_dir)
			continue;
		len = strlen(b->b_path);
		if (strncmp(key, b->b_path, len) == 0 &&
		    (key[len] == '\0' || key[len] == '/'))
			return (1);
	}
	return (0);
}

/* Stable inode numbers for built-in pages, in the range ext3 gives. */
static unsigned long
content_hash(const char *s)
{
	unsigned long	h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return (0x20000 + h % 0x60000);
}

/*
 * The real path of a docroot path, if it stays inside the docroot: a
 * symbolic link out of it is as missing as a file that is not there.
 */
static int
content_disk(struct www *w, const char *path, char *real, size_t size)
{
	char	 full[PATH_MAX];
	size_t	 rl;

	if (size < PATH_MAX)
		return (-1);
	if ((size_t)snprintf(full, sizeof(full), "%s%s", w->w_rootreal,
	    path) >= sizeof(full))
		return (-1);
	if (realpath(full, real) == NULL)
		return (errno == EACCES ? -2 : -1);
	rl = strlen(w->w_rootreal);
	if (strncmp(real, w->w_rootreal, rl) != 0 ||
	    (real[rl] != '/' && real[rl] != '\0'))
		return (-1);
	return (0);
}

/*
 * Find a page: 0 and *f filled in, -1 not found, -2 forbidden.  A path
 * ending in '/' names a directory only.
 */
int
content_lookup(struct www *w, const char *path, struct wfile *f)
{
	const struct builtin	*b;
	char			 key[PATH_MAX], real[PATH_MAX];
	struct stat		 st;
	size_t			 len, plen = strlen(path);
	ssize_t			 n;
	int			 fd, r, slash;

	slash = plen > 0 && path[plen - 1] == '/';

	memset(f, 0, sizeof(*f));
	if ((len = content_key(path, key, sizeof(key))) >= sizeof(key))
		return (-1);
	if (w->w_docroot == NULL || content_alias(w, key)) {
		if (len == 0) {
			f->f_dir = 1;
			f->f_mtime = w->w_mtime;
			return (0);
		}
		if ((b = content_builtin(w, key, len, w->w_docroot == NULL ?
		    -1 : IN_ALIAS)) == NULL || (slash && !b->b_dir))
			return (-1);
		f->f_dir = b->b_dir;
		f->f_mtime = w->w_mtime + b->b_age;
		f->f_usec = (long)(content_hash(b->b_path) % 1000000);
		f->f_ino = content_hash(b->b_path);
		if ((f->f_type = content_type(b->b_path)) == NULL)
			f->f_type = "text/plain";
		if (b->b_data != NULL) {
			f->f_data = b->b_data;
			f->f_len = b->b_len;
		} else if (!b->b_dir) {
			/* Icons, and the IIS logo: a picture of nothing. */
			f->f_data = (const char *)content_gif;
			f->f_len = content_giflen;
		}
		return (0);
	}
	if ((r = content_disk(w, path, real, sizeof(real))) != 0)
		return (r);
	if ((fd = open(real, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return (errno == EACCES ? -2 : -1);
	if (fstat(fd, &st) == -1) {
		(void)close(fd);
		return (-1);
	}
	f->f_mtime = st.st_mtim.tv_sec;
	f->f_usec = st.st_mtim.tv_nsec / 1000;
	f->f_ino = (unsigned long)st.st_ino;
	if (S_ISDIR(st.st_mode)) {
		(void)close(fd);
		f->f_dir = 1;
		return (0);
	}
	if (!S_ISREG(st.st_mode) || slash) {
		(void)close(fd);
		return (S_ISREG(st.st_mode) ? -1 : -2);
	}
	if (st.st_size > CONTENT_FILE_MAX) {
		(void)close(fd);
		return (-2);
	}
	/* Apache's DefaultType, and what IIS would not serve at all. */
	if ((f->f_type = content_type(real)) == NULL)
		f->f_type = "text/plain";
	if ((f->f_alloc = malloc((size_t)st.st_size + 1)) == NULL) {
		(void)close(fd);
		return (-2);
	}
	for (len = 0; len < (size_t)st.st_size; len += (size_t)n) {
		if ((n = read(fd, (char *)f->f_alloc + len,
		    (size_t)st.st_size - len)) == -1 && errno == EINTR)
			n = 0;
		else if (n <= 0)
			break;
	}
	(void)close(fd);
	f->f_data = f->f_alloc;
	f->f_len = len;
	return (0);
}

void
content_free(struct wfile *f)
{
	free(f->f_alloc);
	memset(f, 0, sizeof(*f));
}

/* A directory's entries, unsorted: 0, or -1 when it cannot be read. */
int
content_list(struct www *w, const char *path, struct wentry **ep,
    size_t *np)
{
	const struct builtin	*b;
	struct wentry		*e = NULL;
	struct dirent		*de;
	struct stat		 st;
	DIR			*d;
	char			 key[PATH_MAX], real[PATH_MAX];
	char			 link[PATH_MAX], target[PATH_MAX];
	const char		*name;
	size_t			 n = 0, len, rl;
	int			 fd;

	*ep = NULL;
	*np = 0;
	if ((len = content_key(path, key, sizeof(key))) >= sizeof(key))
		return (-1);
	if (w->w_docroot == NULL || content_alias(w, key)) {
		for (b = content_tree(w); b->b_path != NULL; b++) {
			if (w->w_docroot != NULL && b->b_where != IN_ALIAS)
				continue;
			if (strncmp(b->b_path, key, len) != 0 ||
			    b->b_path[len] != '/')
				continue;
			name = b->b_path + len + 1;
			if (strchr(name, '/') != NULL)
				continue;
			if ((e = reallocarray(e, n + 1, sizeof(*e))) == NULL)
				_exit(1);
			if ((e[n].e_name = strdup(name)) == NULL)
				_exit(1);
			e[n].e_dir = b->b_dir;
			e[n].e_size = b->b_dir ? -1 : b->b_data != NULL ?
			    (off_t)b->b_len : (off_t)content_giflen;
			e[n].e_mtime = w->w_mtime + b->b_age;
			n++;
		}
		*ep = e;
		*np = n;
		return (0);
	}
	if (content_disk(w, path, real, sizeof(real)) != 0)
		return (-1);
	rl = strlen(w->w_rootreal);
	if ((d = opendir(real)) == NULL)
		return (-1);
	fd = dirfd(d);
	while ((de = readdir(d)) != NULL && n < CONTENT_LIST_MAX) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		/* A link out of the docroot is not shown, not even its size. */
		if (S_ISLNK(st.st_mode) && ((size_t)snprintf(link,
		    sizeof(link), "%s/%s", real, de->d_name) >= sizeof(link) ||
		    realpath(link, target) == NULL ||
		    strncmp(target, w->w_rootreal, rl) != 0 ||
		    (target[rl] != '/' && target[rl] != '\0') ||
		    stat(target, &st) == -1))
			continue;
		if ((e = reallocarray(e, n + 1, sizeof(*e))) == NULL)
			_exit(1);
		if ((e[n].e_name = strdup(de->d_name)) == NULL)
			_exit(1);
		e[n].e_dir = S_ISDIR(st.st_mode);
		e[n].e_size = e[n].e_dir ? -1 : st.st_size;
		e[n].e_mtime = st.st_mtim.tv_sec;
		n++;
	}
	(void)closedir(d);
	*ep = e;
	*np = n;
	return (0);
}

void
content_free_list(struct wentry *e, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(e[i].e_name);
	free(e);
}
