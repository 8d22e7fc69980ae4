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
 * honeyspy-detect -w: the analyser the superserver runs beside the
 * services.  Input of live sessions arrives over stdin as imsg, findings
 * and artifacts go back over stdout.  Attacker code runs in an emulator
 * here, so this process holds nothing worth taking: it is started by the
 * spawner as an unprivileged user, then shuts itself into a seccomp
 * filter that allows memory and its two descriptors only, and a CPU
 * timer per analysis ends it if the emulator spins.  When it dies the
 * superserver starts another; what it held was only a copy.
 */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/tree.h>

#include <err.h>
#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "detect.h"
#include "imsg.h"
#include "proto.h"
#include "worker.h"

#define WORKER_CPU		10	/* seconds of CPU per analysis */
#define WORKER_AS		(4096LL * 1024 * 1024)
#define WORKER_TOTAL		(256 * 1024 * 1024)	/* all sessions */
#define WORKER_STEP		4096	/* new bytes worth a look */
#define WORKER_OVERLAP		1024	/* looked at again, for what spans */
#define WORKER_MAXREPORTED	64	/* findings per session */
#define WORKER_QUEUE_MAX	256	/* answers held before a write */

struct wfound {
	int	 wf_kind;
	size_t	 wf_offset;
	size_t	 wf_length;
};

struct wsession {
	RB_ENTRY(wsession)	 ws_entry;
	uint64_t		 ws_id;
	uint8_t			*ws_buf;
	size_t			 ws_len;
	size_t			 ws_size;
	size_t			 ws_done;	/* analysed up to here */
	int			 ws_truncated;
	struct wfound		 ws_found[WORKER_MAXREPORTED];
	size_t			 ws_nfound;
	uint32_t		 ws_findings;
};
RB_HEAD(wsessions, wsession);

static int	ws_cmp(struct wsession *, struct wsession *);
/* libbsd leaves __unused undefined (it clashes with Linux headers). */
#define WS_RB_ATTR	__attribute__((__unused__)) static
RB_GENERATE_INTERNAL(wsessions, wsession, ws_entry, ws_cmp, WS_RB_ATTR)

struct wanalysis {
	struct wsession	*wa_ses;
	size_t		 wa_base;	/* the analysed region's offset */
};

static struct wsessions		 wsessions = RB_INITIALIZER(&wsessions);
static struct imsgbuf		 wout;
static struct detect_limits	 wlim;
static size_t			 wtotal;

static void	worker_limits(void);
static void	worker_sandbox(void);
static void	worker_warmup(void);
static void	worker_ignore(const struct detect_finding *, void *);
static struct wsession *ws_get(uint64_t, int);
static void	ws_free(struct wsession *);
static void	ws_data(struct wsession *, const uint8_t *, size_t);
static void	ws_analyse(struct wsession *, size_t);
static void	ws_end(struct wsession *);
static void	ws_found(const struct detect_finding *, void *);
static void	wsend(uint32_t, const void *, size_t, const void *, size_t);

static int
ws_cmp(struct wsession *a, struct wsession *b)
{
	return (a->ws_id < b->ws_id ? -1 : a->ws_id > b->ws_id);
}

/*
 * Queue one message.  The queue is written out before we wait for input
 * again, so that the answers to one read go in one write; a long queue
 * goes at once.
 */
static void
wsend(uint32_t type, const void *hdr, size_t hlen, const void *data,
    size_t dlen)
{
	struct ibuf	*b;

	if ((b = imsg_create(&wout, type, 0, 0, hlen + dlen)) == NULL ||
	    imsg_add(b, hdr, hlen) == -1 ||
	    (dlen > 0 && imsg_add(b, data, dlen) == -1))
		_exit(3);
	imsg_close(&wout, b);
	if (imsgbuf_queuelen(&wout) >= WORKER_QUEUE_MAX &&
	    imsgbuf_flush(&wout) == -1)
		_exit(3);
}

static struct wsession *
ws_get(uint64_t id, int create)
{
	struct wsession	 key, *ws;

	key.ws_id = id;
	if ((ws = RB_FIND(wsessions, &wsessions, &key)) != NULL || !create)
		return (ws);
	if ((ws = calloc(1, sizeof(*ws))) == NULL)
		_exit(3);
	ws->ws_id = id;
	RB_INSERT(wsessions, &wsessions, ws);
	return (ws);
}

static void
ws_free(struct wsession *ws)
{
	RB_REMOVE(wsessions, &wsessions, ws);
	wtotal -= ws->ws_size;
	free(ws->ws_buf);
	free(ws);
}

/* Keep the session's first dl_scan bytes; the rest is only counted. */
static void
ws_data(struct wsession *ws, const uint8_t *data, size_t len)
{
	size_t	 room, nsize;
	uint8_t	*nbuf;

	room = wlim.dl_scan - ws->ws_len;
	if (len > room) {
		ws->ws_truncated = 1;
		len = room;
	}
	if (len == 0)
		return;
	if (ws->ws_len + len > ws->ws_size) {
		nsize = ws->ws_size == 0 ? 16384 : ws->ws_size;
		while (nsize < ws->ws_len + len)
			nsize *= 2;
		if (nsize > wlim.dl_scan)
			nsize = wlim.dl_scan;
		if (wtotal + (nsize - ws->ws_size) > WORKER_TOTAL) {
			ws->ws_truncated = 1;
			return;
		}
		if ((nbuf = realloc(ws->ws_buf, nsize)) == NULL)
			_exit(3);
		wtotal += nsize - ws->ws_size;
		ws->ws_buf = nbuf;
		ws->ws_size = nsize;
	}
	memcpy(ws->ws_buf + ws->ws_len, data, len);
	ws->ws_len += len;
	if (ws->ws_len - ws->ws_done >= WORKER_STEP)
		ws_analyse(ws, ws->ws_done > WORKER_OVERLAP ?
		    ws->ws_done - WORKER_OVERLAP : 0);
}

/*
 * A finding, unless one of its kind already covers the same bytes: the
 * incremental passes and the last one over the whole see the same code.
 */
static void
ws_found(const struct detect_finding *df, void *arg)
{
	struct wanalysis		*wa = arg;
	struct wsession			*ws = wa->wa_ses;
	struct detect_finding_msg	 m;
	struct wfound			*wf;
	size_t				 off = wa->wa_base + df->df_offset, i;

	for (i = 0; i < ws->ws_nfound; i++) {
		wf = &ws->ws_found[i];
		if (wf->wf_kind == (int)df->df_kind &&
		    off < wf->wf_offset + (wf->wf_length ? wf->wf_length : 1) &&
		    wf->wf_offset < off + (df->df_length ? df->df_length : 1))
			return;
	}
	if (ws->ws_nfound == WORKER_MAXREPORTED)
		return;
	wf = &ws->ws_found[ws->ws_nfound++];
	wf->wf_kind = (int)df->df_kind;
	wf->wf_offset = off;
	wf->wf_length = df->df_length;
	ws->ws_findings++;

	memset(&m, 0, sizeof(m));
	m.df_session = ws->ws_id;
	m.df_offset = off;
	m.df_length = df->df_length;
	m.df_kind = (int32_t)df->df_kind;
	m.df_confidence = df->df_confidence;
	(void)strlcpy(m.df_desc, df->df_desc, sizeof(m.df_desc));
	(void)strlcpy(m.df_arch, df->df_arch, sizeof(m.df_arch));
	(void)strlcpy(m.df_disasm, df->df_disasm, sizeof(m.df_disasm));
	wsend(IMSG_DETECT_FINDING, &m, sizeof(m), NULL, 0);
}

/* Analyse from start to the end of what we hold, under the CPU timer. */
static void
ws_analyse(struct wsession *ws, size_t start)
{
	struct itimerval	 it;
	struct wanalysis	 wa;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = WORKER_CPU;
	if (setitimer(ITIMER_PROF, &it, NULL) == -1)
		_exit(3);
	wa.wa_ses = ws;
	wa.wa_base = start;
	(void)detect_all(ws->ws_buf + start, ws->ws_len - start, &wlim,
	    DETECT_ALL, ws_found, &wa);
	memset(&it, 0, sizeof(it));
	if (setitimer(ITIMER_PROF, &it, NULL) == -1)
		_exit(3);
	ws->ws_done = ws->ws_len;
}

/*
 * The session ended: one pass over the whole, then the bytes themselves
 * when anything was found, so the analyst can keep them, and the total.
 */
static void
ws_end(struct wsession *ws)
{
	struct detect_done	 dn;
	struct detect_data	 dd;
	unsigned char		 md[32];
	unsigned int		 mdlen;
	size_t			 off, n, i;

	if (ws->ws_len > 0)
		ws_analyse(ws, 0);
	memset(&dn, 0, sizeof(dn));
	dn.dn_session = ws->ws_id;
	dn.dn_findings = ws->ws_findings;
	dn.dn_truncated = (uint32_t)ws->ws_truncated;
	if (ws->ws_findings > 0) {
		dd.dd_session = ws->ws_id;
		for (off = 0; off < ws->ws_len; off += n) {
			n = ws->ws_len - off;
			if (n > HS_DETECT_CHUNK)
				n = HS_DETECT_CHUNK;
			wsend(IMSG_DETECT_PAYLOAD, &dd, sizeof(dd),
			    ws->ws_buf + off, n);
		}
		if (EVP_Digest(ws->ws_buf, ws->ws_len, md, &mdlen,
		    EVP_sha256(), NULL) != 1)
			_exit(3);
		for (i = 0; i < 32; i++)
			(void)snprintf(dn.dn_sha256 + 2 * i, 3, "%02x", md[i]);
		dn.dn_length = ws->ws_len;
	}
	wsend(IMSG_DETECT_DONE, &dn, sizeof(dn), NULL, 0);
	ws_free(ws);
}

static void
worker_limits(void)
{
	struct rlimit	 rl;

	rl.rlim_cur = rl.rlim_max = WORKER_AS;
	if (setrlimit(RLIMIT_AS, &rl) == -1)
		err(2, "setrlimit RLIMIT_AS");
	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_CORE, &rl) == -1 ||
	    setrlimit(RLIMIT_FSIZE, &rl) == -1)
		err(2, "setrlimit");
	/* No one of our uid may read our memory, or trace us. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		err(2, "prctl");
}

static void
worker_ignore(const struct detect_finding *df, void *arg)
{
	(void)df;
	(void)arg;
}

/*
 * Let everything the emulator loads lazily be loaded before the filter
 * shuts the door: one analysis of code that decodes itself.
 */
static void
worker_warmup(void)
{
	static const uint8_t	 getpc[] = {
		0x90, 0x90, 0x90, 0x90, 0xeb, 0x0e, 0x5e, 0x31, 0xc9, 0xb1,
		0x10, 0x80, 0x36, 0xaa, 0x46, 0xe2, 0xfa, 0xeb, 0x05, 0xe8,
		0xed, 0xff, 0xff, 0xff, 0x9b, 0x6a, 0xa1, 0x1a, 0x67, 0x2a,
		0x31, 0x23, 0x23, 0x3d, 0x3d, 0x3d, 0x3d, 0x3d, 0x3d, 0x3d
	};

	(void)detect_all(getpc, sizeof(getpc), &wlim, DETECT_ALL,
	    worker_ignore, NULL);
}

/*
 * Memory, our two descriptors, time and the way out.  The emulator
 * needs executable mappings for its translated code: the one thing the
 * daemon's own filters forbid, and why this runs apart.  Opening files
 * fails with EACCES rather than killing us, since libraries probe /proc.
 */
static void
worker_sandbox(void)
{
	static const int	 allow[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv),
		SCMP_SYS(writev), SCMP_SYS(recvmsg), SCMP_SYS(sendmsg),
		SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect),
		SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(brk),
		SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
		SCMP_SYS(rt_sigprocmask), SCMP_SYS(setitimer),
		SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
		SCMP_SYS(futex), SCMP_SYS(getrandom), SCMP_SYS(close),
		SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(getpid),
		SCMP_SYS(gettid), SCMP_SYS(tgkill), SCMP_SYS(sched_yield),
	};
	static const int	 deny[] = {
		SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(access),
		SCMP_SYS(faccessat), SCMP_SYS(readlink), SCMP_SYS(stat),
	};
	scmp_filter_ctx		 ctx;
	size_t			 i;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		errx(2, "seccomp_init");
	for (i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow[i], 0) < 0)
			errx(2, "seccomp_rule_add");
	for (i = 0; i < sizeof(deny) / sizeof(deny[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), deny[i],
		    0) < 0)
			errx(2, "seccomp_rule_add");
	if (seccomp_load(ctx) < 0)
		errx(2, "seccomp_load");
	seccomp_release(ctx);
}

__dead void
worker_main(void)
{
	struct imsgbuf		 win;
	struct imsg		 imsg;
	struct detect_data	 dd;
	struct wsession		*ws;
	struct ibuf		 ib;
	ssize_t			 n;
	int			 r;

	detect_limits_default(&wlim);
	if (imsgbuf_init(&win, STDIN_FILENO) == -1 ||
	    imsgbuf_init(&wout, STDOUT_FILENO) == -1)
		err(2, "imsgbuf_init");
	worker_limits();
	worker_warmup();
	worker_sandbox();

	for (;;) {
		if (imsgbuf_flush(&wout) == -1)
			_exit(3);
		if ((r = imsgbuf_read(&win)) == -1)
			errx(2, "read: %s", strerror(errno));
		if (r == 0)
			exit(0);	/* the superserver is gone */
		for (;;) {
			if ((n = imsg_get(&win, &imsg)) == -1)
				errx(2, "bad message from the superserver");
			if (n == 0)
				break;
			if (imsg_get_ibuf(&imsg, &ib) == -1 ||
			    ibuf_get(&ib, &dd, sizeof(dd)) == -1)
				errx(2, "short message from the superserver");
			switch (imsg_get_type(&imsg)) {
			case IMSG_DETECT_DATA:
				ws = ws_get(dd.dd_session, 1);
				ws_data(ws, ibuf_data(&ib), ibuf_size(&ib));
				break;
			case IMSG_DETECT_END:
				ws = ws_get(dd.dd_session, 1);
				ws_end(ws);
				break;
			default:
				errx(2, "unexpected message %u",
				    imsg_get_type(&imsg));
			}
			imsg_free(&imsg);
		}
	}
}
