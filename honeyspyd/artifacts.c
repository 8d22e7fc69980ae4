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
 * Artifacts: session input in which the analyser found an exploit, kept
 * in log.artifacts under its SHA-256.  The bytes arrive from the
 * superserver in order; each is written to a temporary name, hashed on
 * the way, and renamed to its digest when complete, so a reader never
 * sees half a file and the same payload twice is one file.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "log.h"
#include "proto.h"
#include "honeyspyd.h"

#define ARTIFACTS_PENDING	64	/* sessions being written at once */

struct pending {
	uint64_t	 pa_session;
	int		 pa_fd;
	size_t		 pa_len;
	EVP_MD_CTX	*pa_md;
	char		 pa_tmp[40];
};

static struct pending	 pending[ARTIFACTS_PENDING];
static int		 artifacts_dirfd = -1;
static char		 artifacts_path[PATH_MAX];

static struct pending	*pending_find(uint64_t, int);
static void		 pending_drop(struct pending *);

/* At start, with privileges: the directory exists and is ours. */
void
artifacts_open(const char *path, uid_t uid, gid_t gid, int root)
{
	if (strlcpy(artifacts_path, path, sizeof(artifacts_path)) >=
	    sizeof(artifacts_path))
		fatalx("log.artifacts %s: path too long", path);
	if (mkdir(path, 0750) == 0 && root && chown(path, uid, gid) == -1)
		fatal("log.artifacts: chown %s", path);
	if ((artifacts_dirfd = open(path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		log_warn("log.artifacts %s: artifacts will not be kept", path);
		return;
	}
}

static struct pending *
pending_find(uint64_t session, int create)
{
	struct pending	*pa, *free_slot = NULL;
	size_t		 i;

	for (i = 0; i < ARTIFACTS_PENDING; i++) {
		pa = &pending[i];
		if (pa->pa_md != NULL && pa->pa_session == session)
			return (pa);
		if (pa->pa_md == NULL && free_slot == NULL)
			free_slot = pa;
	}
	if (!create || free_slot == NULL)
		return (NULL);
	pa = free_slot;
	memset(pa, 0, sizeof(*pa));
	pa->pa_session = session;
	pa->pa_fd = -1;
	if ((pa->pa_md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(pa->pa_md, EVP_sha256(), NULL) != 1)
		fatalx("%s: EVP_DigestInit_ex", __func__);
	(void)snprintf(pa->pa_tmp, sizeof(pa->pa_tmp), ".tmp.%016" PRIx64,
	    session);
	if (artifacts_dirfd != -1 &&
	    (pa->pa_fd = openat(artifacts_dirfd, pa->pa_tmp, O_WRONLY |
	    O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) == -1)
		log_warn("log.artifacts %s/%s", artifacts_path, pa->pa_tmp);
	return (pa);
}

static void
pending_drop(struct pending *pa)
{
	if (pa->pa_fd != -1) {
		close(pa->pa_fd);
		(void)unlinkat(artifacts_dirfd, pa->pa_tmp, 0);
	}
	EVP_MD_CTX_free(pa->pa_md);
	pa->pa_md = NULL;
}

/* More of a session's artifact, from the superserver, which bounds it. */
void
artifacts_data(const struct detect_data *dd, const void *data, size_t len)
{
	struct pending	*pa;

	if ((pa = pending_find(dd->dd_session, 1)) == NULL) {
		log_warnx("%s: too many artifacts at once; session "
		    "%016" PRIx64 " loses its own", __func__, dd->dd_session);
		return;
	}
	if (pa->pa_len + len > HS_ARTIFACT_MAX)
		fatalx("%s: artifact over %d bytes", __func__,
		    HS_ARTIFACT_MAX);
	pa->pa_len += len;
	if (EVP_DigestUpdate(pa->pa_md, data, len) != 1)
		fatalx("%s: EVP_DigestUpdate", __func__);
	if (pa->pa_fd != -1 && write(pa->pa_fd, data, len) != (ssize_t)len) {
		log_warn("log.artifacts %s/%s", artifacts_path, pa->pa_tmp);
		close(pa->pa_fd);
		(void)unlinkat(artifacts_dirfd, pa->pa_tmp, 0);
		pa->pa_fd = -1;
	}
}

/*
 * The last of it: named by the digest we worked out, which must be the
 * one the analyser reported, since events already name it.
 */
void
artifacts_end(const struct detect_done *dn)
{
	struct pending	*pa;
	unsigned char	 md[32];
	unsigned int	 mdlen;
	char		 hex[65];
	size_t		 i;

	if ((pa = pending_find(dn->dn_session, 0)) == NULL)
		return;
	if (EVP_DigestFinal_ex(pa->pa_md, md, &mdlen) != 1)
		fatalx("%s: EVP_DigestFinal_ex", __func__);
	for (i = 0; i < sizeof(md); i++)
		(void)snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (memchr(dn->dn_sha256, '\0', sizeof(dn->dn_sha256)) == NULL ||
	    strcmp(hex, dn->dn_sha256) != 0 || pa->pa_len != dn->dn_length) {
		log_warnx("session %016" PRIx64 ": artifact digest mismatch, "
		    "not kept", dn->dn_session);
		pending_drop(pa);
		return;
	}
	if (pa->pa_fd != -1) {
		if (fdatasync(pa->pa_fd) == -1 ||
		    renameat(artifacts_dirfd, pa->pa_tmp, artifacts_dirfd,
		    hex) == -1) {
			log_warn("log.artifacts %s/%s", artifacts_path, hex);
			pending_drop(pa);
			return;
		}
		close(pa->pa_fd);
		pa->pa_fd = -1;
	}
	EVP_MD_CTX_free(pa->pa_md);
	pa->pa_md = NULL;
}
