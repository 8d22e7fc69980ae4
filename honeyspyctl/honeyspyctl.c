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

/* honeyspyctl: ask a running honeyspyd what it is doing, and tell it what to do. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <sys/mman.h>

#include <err.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"
#include "output.h"
#include "parser.h"
#include "proto.h"
#include "service.h"
#include "util.h"

__dead static void	usage(void);
static int		ctl_connect(const char *);
static int		ctl_reply(struct imsgbuf *, const struct parse_result *,
			    int);
static void		*grow(void *, size_t *, size_t);
static void		 ctl_sandbox(void);

__dead static void
usage(void)
{
	(void)fprintf(stderr,
	    "usage: honeyspyctl [-j] [-s socket] command [argument ...]\n");
	exit(1);
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		errx(1, "socket path too long: %s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "connect %s", path);
	return (fd);
}

/*
 * Connected, nothing left to open: from here on we only talk to the
 * daemon and print, so that a reply crafted to exploit our parsing finds
 * no system call worth having.  Probes libc and jansson make on their
 * own (a random seed, a terminal check) fail softly.
 */
static void
ctl_sandbox(void)
{
	static const int	 allow[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev),
		SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(poll),
		SCMP_SYS(ppoll), SCMP_SYS(close), SCMP_SYS(fstat),
		SCMP_SYS(newfstatat), SCMP_SYS(brk), SCMP_SYS(munmap),
		SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(futex),
		SCMP_SYS(getrandom), SCMP_SYS(getpid), SCMP_SYS(gettid),
		SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
		SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
		SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(tgkill),
		SCMP_SYS(lseek),
	};
	static const int	 soft[] = {
		SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(ioctl),
		SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	};
	struct scmp_arg_cmp	 noexec;
	scmp_filter_ctx		 ctx;
	size_t			 i;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		errx(1, "seccomp_init failed");
	for (i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow[i], 0) < 0)
			errx(1, "seccomp_rule_add failed");
	for (i = 0; i < sizeof(soft) / sizeof(soft[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), soft[i],
		    0) < 0)
			errx(1, "seccomp_rule_add failed");
	/* Memory may be had, never made executable. */
	memset(&noexec, 0, sizeof(noexec));
	noexec.arg = 2;
	noexec.op = SCMP_CMP_MASKED_EQ;
	noexec.datum_a = PROT_EXEC;
	noexec.datum_b = 0;
	if (seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    &noexec) < 0 || seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW,
	    SCMP_SYS(mprotect), 1, &noexec) < 0)
		errx(1, "seccomp_rule_add failed");
	if (seccomp_load(ctx) < 0)
		errx(1, "seccomp_load failed");
	seccomp_release(ctx);
}

/* Room for one more element of size sz in an array of *n. */
static void *
grow(void *p, size_t *n, size_t sz)
{
	void	*np;

	if ((np = reallocarray(p, *n + 1, sz)) == NULL)
		err(1, "reallocarray");
	(*n)++;
	return (np);
}

int
main(int argc, char *argv[])
{
	const struct parse_result	*res;
	const char			*sock = HS_SOCKET;
	struct imsgbuf			 ibuf;
	uint32_t			 type = IMSG_NONE;
	const void			*data = NULL;
	size_t				 len = 0;
	int				 ch, fd, json = 0;

	while ((ch = getopt(argc, argv, "+js:")) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage();
	if ((res = parse(argc, argv)) == NULL)
		exit(1);

	switch (res->action) {
	case CTL_GETNAME:
	case CTL_STATUS:
		type = IMSG_CTL_STATUS;
		break;
	case CTL_RELOAD:
		type = IMSG_CTL_RELOAD;
		break;
	case CTL_ADDSERVICE:
	case CTL_DELSERVICE:
		type = res->action == CTL_ADDSERVICE ? IMSG_CTL_ADDSERVICE :
		    IMSG_CTL_DELSERVICE;
		data = &res->service;
		len = sizeof(res->service);
		break;
	case CTL_GETSERVICES:
		type = IMSG_CTL_GETSERVICES;
		break;
	case CTL_ADDFILTER:
	case CTL_DELFILTER:
	case CTL_GETFILTER:
		type = res->action == CTL_ADDFILTER ? IMSG_CTL_ADDFILTER :
		    res->action == CTL_DELFILTER ? IMSG_CTL_DELFILTER :
		    IMSG_CTL_GETFILTER;
		data = &res->filter;
		len = sizeof(res->filter);
		break;
	case CTL_REPLACEFILTERS:
		type = IMSG_CTL_REPLACEFILTERS;
		data = res->filters;
		len = res->filterslen;
		break;
	case CTL_GETFILTERS:
		type = IMSG_CTL_GETFILTERS;
		break;
	case CTL_ENABLEPCAP:
		type = IMSG_CTL_ENABLEPCAP;
		break;
	case CTL_DISABLEPCAP:
		type = IMSG_CTL_DISABLEPCAP;
		break;
	case CTL_GETHOSTS:
		type = IMSG_CTL_GETHOSTS;
		break;
	case CTL_NONE:
		usage();
	}

	fd = ctl_connect(sock);
	ctl_sandbox();
	if (imsgbuf_init(&ibuf, fd) == -1)
		err(1, "imsgbuf_init");
	if (imsg_compose(&ibuf, IMSG_CTL_HELLO, HS_PROTO_VERSION, 0, -1, NULL,
	    0) == -1 ||
	    imsg_compose(&ibuf, type, 0, 0, -1, data, len) == -1 ||
	    imsgbuf_flush(&ibuf) == -1)
		err(1, "write to %s", sock);
	return (ctl_reply(&ibuf, res, json));
}

/*
 * Read the reply up to its END or FAIL.  The daemon is trusted more than
 * most peers, but its strings are still checked before they are printed.
 */
static int
ctl_reply(struct imsgbuf *ibuf, const struct parse_result *res, int json)
{
	struct status_reply	 sr;
	struct imsg		 imsg;
	struct host_msg		*ho;
	struct ctl_filter	*cf;
	char			 reason[4096], esc[4 * 4096 + 1];
	int			 n, done = 0, ret = 0;

	memset(&sr, 0, sizeof(sr));
	while (!done) {
		if ((n = imsgbuf_get(ibuf, &imsg)) == -1)
			errx(1, "bad reply from the daemon");
		if (n == 0) {
			if ((n = imsgbuf_read(ibuf)) == -1)
				err(1, "read");
			if (n == 0)
				errx(1, "the daemon closed the connection");
			continue;
		}
		switch (imsg_get_type(&imsg)) {
		case IMSG_CTL_HELLO:
			if (imsg_get_id(&imsg) != HS_PROTO_VERSION)
				errx(1, "daemon speaks protocol %u, we speak %d",
				    imsg_get_id(&imsg), HS_PROTO_VERSION);
			break;
		case IMSG_CTL_STATUS:
			if (imsg_get_data(&imsg, &sr.st, sizeof(sr.st)) == -1 ||
			    memchr(sr.st.cs_node, '\0',
			    sizeof(sr.st.cs_node)) == NULL)
				errx(1, "bad status reply");
			break;
		case IMSG_CTL_PROC:
			sr.procs = grow(sr.procs, &sr.nprocs,
			    sizeof(*sr.procs));
			if (imsg_get_data(&imsg, &sr.procs[sr.nprocs - 1],
			    sizeof(*sr.procs)) == -1 ||
			    memchr(sr.procs[sr.nprocs - 1].ps_name, '\0',
			    HS_NAMELEN) == NULL ||
			    memchr(sr.procs[sr.nprocs - 1].ps_chroot, '\0',
			    PATH_MAX) == NULL)
				errx(1, "bad process reply");
			break;
		case IMSG_CTL_FEATURE:
			sr.features = grow(sr.features, &sr.nfeatures,
			    sizeof(*sr.features));
			if (imsg_get_data(&imsg, &sr.features[sr.nfeatures - 1],
			    sizeof(*sr.features)) == -1 ||
			    memchr(sr.features[sr.nfeatures - 1].cf_name, '\0',
			    HS_NAMELEN) == NULL ||
			    memchr(sr.features[sr.nfeatures - 1].cf_desc, '\0',
			    HS_NAMELEN) == NULL ||
			    memchr(sr.features[sr.nfeatures - 1].cf_reason,
			    '\0', sizeof(sr.features[0].cf_reason)) == NULL)
				errx(1, "bad feature reply");
			break;
		case IMSG_CTL_SERVICE:
			sr.services = grow(sr.services, &sr.nservices,
			    sizeof(*sr.services));
			if (imsg_get_data(&imsg, &sr.services[sr.nservices - 1],
			    sizeof(*sr.services)) == -1 ||
			    !service_msg_valid(&sr.services[sr.nservices -
			    1].si_sv, reason, sizeof(reason)))
				errx(1, "bad service reply");
			break;
		case IMSG_CTL_CAPTURE:
			if (imsg_get_data(&imsg, &sr.capture,
			    sizeof(sr.capture)) == -1 ||
			    memchr(sr.capture.cs_interface, '\0',
			    sizeof(sr.capture.cs_interface)) == NULL ||
			    memchr(sr.capture.cs_why, '\0',
			    sizeof(sr.capture.cs_why)) == NULL)
				errx(1, "bad capture reply");
			sr.have_capture = 1;
			break;
		case IMSG_CTL_FILTER:
			sr.filters = grow(sr.filters, &sr.nfilters,
			    sizeof(*sr.filters));
			cf = &sr.filters[sr.nfilters - 1];
			if (imsg_get_data(&imsg, cf, sizeof(*cf)) == -1 ||
			    memchr(cf->fl_expr, '\0',
			    sizeof(cf->fl_expr)) == NULL)
				errx(1, "bad filter reply");
			break;
		case IMSG_CTL_HOST:
			sr.hosts = grow(sr.hosts, &sr.nhosts,
			    sizeof(*sr.hosts));
			ho = &sr.hosts[sr.nhosts - 1];
			if (imsg_get_data(&imsg, ho, sizeof(*ho)) == -1 ||
			    memchr(ho->ho_addrtext, '\0',
			    sizeof(ho->ho_addrtext)) == NULL ||
			    memchr(ho->ho_os, '\0',
			    sizeof(ho->ho_os)) == NULL ||
			    memchr(ho->ho_class, '\0',
			    sizeof(ho->ho_class)) == NULL ||
			    memchr(ho->ho_link, '\0',
			    sizeof(ho->ho_link)) == NULL)
				errx(1, "bad host reply");
			break;
		case IMSG_CTL_END:
			done = 1;
			break;
		case IMSG_CTL_FAIL:
			if (imsg_get_strbuf(&imsg, reason, sizeof(reason)) == -1)
				(void)strlcpy(reason, "(unreadable reason)",
				    sizeof(reason));
			(void)str_escape(reason, strlen(reason), esc,
			    sizeof(esc));
			(void)fprintf(stderr, "honeyspyctl: %s\n", esc);
			ret = 1;
			done = 1;
			break;
		default:
			errx(1, "unexpected reply %u", imsg_get_type(&imsg));
		}
		imsg_free(&imsg);
	}
	if (ret == 0 && res->action == CTL_STATUS)
		output_status(&sr, json);
	else if (ret == 0 && res->action == CTL_GETNAME)
		(void)printf("%s\n", sr.st.cs_node);
	else if (ret == 0 && res->action == CTL_GETSERVICES)
		output_services(&sr, json);
	else if (ret == 0 && (res->action == CTL_GETFILTERS ||
	    res->action == CTL_GETFILTER))
		output_filters(&sr, json, res->action == CTL_GETFILTER);
	else if (ret == 0 && res->action == CTL_GETHOSTS)
		output_hosts(&sr, json);
	free(sr.filters);
	free(sr.hosts);
	free(sr.services);
	free(sr.procs);
	free(sr.features);
	return (ret);
}
