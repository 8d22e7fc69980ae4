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

/* Jail checks, uid and capability drops, and working out what we hold. */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <linux/capability.h>

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <stdint.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "util.h"

/* The capabilities HoneySpy can use; anything else is dropped on sight. */
static const int hs_caps[] = {
	CAP_NET_BIND_SERVICE, CAP_NET_RAW, CAP_NET_ADMIN,
	/* the spawner's, to run programs as their own user */
	CAP_SETUID, CAP_SETGID, CAP_SYS_CHROOT, CAP_KILL
};

/*
 * A jail that its own user could write to is no jail: refuse anything not
 * owned by root or writable by group or others.
 */
void
proc_check_jail(const char *dir)
{
	struct stat	 st;

	if (dir[0] != '/')
		fatalx("chroot %s: not an absolute path", dir);
	if (stat(dir, &st) == -1)
		fatal("chroot %s", dir);
	if (!S_ISDIR(st.st_mode))
		fatalx("chroot %s: not a directory", dir);
	if (st.st_uid != 0)
		fatalx("chroot %s: not owned by root", dir);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		fatalx("chroot %s: writable by group or others", dir);
}

/*
 * Keep exactly the capabilities in keep.  As root, also become uid/gid with
 * no supplementary groups and an empty bounding set, so that nothing can
 * win a capability back through exec.
 */
void
proc_drop(uid_t uid, gid_t gid, uint64_t keep, enum hs_privmode mode)
{
	int	 cap;

	if (mode == PRIVMODE_USER)
		return;
	capng_clear(CAPNG_SELECT_BOTH);
	for (cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if ((keep & caps_bit(cap)) == 0)
			continue;
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    cap) == -1)
			fatalx("%s: capng_update %d", __func__, cap);
	}
	if (mode == PRIVMODE_ROOT) {
		if (capng_change_id(uid, gid, CAPNG_DROP_SUPP_GRP |
		    CAPNG_CLEAR_BOUNDING | CAPNG_CLEAR_AMBIENT) != 0)
			fatalx("cannot drop privileges to uid %u gid %u",
			    (unsigned)uid, (unsigned)gid);
		/* Trust but verify: root must be gone for good. */
		if (getuid() != uid || geteuid() != uid || getgid() != gid ||
		    getegid() != gid)
			fatalx("%s: still holding old ids", __func__);
		/* Only a process that keeps CAP_SETUID may get root back. */
		if (uid != 0 && (keep & caps_bit(CAP_SETUID)) == 0 &&
		    setuid(0) != -1)
			fatalx("%s: could regain root", __func__);
	} else if (capng_apply(CAPNG_SELECT_CAPS) != 0)
		fatalx("%s: cannot drop capabilities", __func__);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1)
		fatal("%s: PR_SET_KEEPCAPS", __func__);
}

/*
 * Root, file capabilities, or neither.  In capabilities mode *permitted
 * gets the HoneySpy capabilities we were given; the rest is ignored.
 */
enum hs_privmode
proc_privmode(uint64_t *permitted)
{
	size_t	 i;

	*permitted = 0;
	if (geteuid() == 0) {
		for (i = 0; i < sizeof(hs_caps) / sizeof(hs_caps[0]); i++)
			*permitted |= caps_bit(hs_caps[i]);
		return (PRIVMODE_ROOT);
	}
	capng_get_caps_process();
	for (i = 0; i < sizeof(hs_caps) / sizeof(hs_caps[0]); i++)
		if (capng_have_capability(CAPNG_PERMITTED, hs_caps[i]))
			*permitted |= caps_bit(hs_caps[i]);
	return ((*permitted & (caps_bit(CAP_NET_BIND_SERVICE) |
	    caps_bit(CAP_NET_RAW) | caps_bit(CAP_NET_ADMIN))) != 0 ?
	    PRIVMODE_CAPS : PRIVMODE_USER);
}
