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

/* The parent's view of the fake services: configure, bind, listen, add, remove. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "honeyspyd.h"
#include "log.h"
#include "proc.h"
#include "service.h"
#include "util.h"

enum psvc_state {
	PSVC_BINDING,		/* asked the binder or the superserver */
	PSVC_LISTENING,
	PSVC_FAILED
};

struct psvc {
	TAILQ_ENTRY(psvc)	 ps_entry;
	struct service_msg	 ps_msg;
	enum psvc_state		 ps_state;
	uint32_t		 ps_ctl;	/* control client waiting, or 0 */
	int			 ps_fromconf;	/* from the file, not addService */
	int			 ps_seen;	/* in the file being reloaded */
};

static TAILQ_HEAD(, psvc)	 psvcs = TAILQ_HEAD_INITIALIZER(psvcs);
static uint32_t			 psvc_nextid = 1;

static int	 svc_build(const struct conf_service *, struct service_msg *,
		    char *, size_t);
static int	 svc_program_ok(const char *, char *, size_t);
static struct psvc *psvc_find(uint32_t);
static struct psvc *psvc_match(int, const uint8_t *, int, int);
static void	 psvc_configure(const struct psvc *);
static void	 psvc_listen(struct psvc *);
static void	 psvc_failed(struct psvc *, const char *);
static void	 psvc_remove(struct psvc *);
static void	 detect_configure(void);

/* A running child's channel, or NULL. */
struct imsgev *
child_iev(enum proc_id id)
{
	struct child	*c = &hs->p_child[id];

	if (c->c_def == NULL || !c->c_running || c->c_fd == -1)
		return (NULL);
	return (&c->c_iev);
}

static int
compose(enum proc_id id, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t len)
{
	struct imsgev	*iev;

	if ((iev = child_iev(id)) == NULL) {
		if (fd != -1)
			close(fd);
		return (0);
	}
	if (imsgev_compose(iev, type, peerid, 0, fd, data, len) == -1)
		fatal("%s: compose", __func__);
	return (1);
}

/*
 * A program must exist and be executable before we listen for it, so that
 * a typo is an error now, not a failure on every connection.
 */
static int
svc_program_ok(const char *path, char *why, size_t len)
{
	struct stat	 st;

	if (stat(path, &st) == -1) {
		(void)snprintf(why, len, "program %s: %s", path,
		    strerror(errno));
		return (0);
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) {
		(void)snprintf(why, len, "program %s: not an executable file",
		    path);
		return (0);
	}
	return (1);
}

/* Flatten a configured service for the children. */
static int
svc_build(const struct conf_service *s, struct service_msg *sv, char *why,
    size_t len)
{
	struct conf_host	*h;
	struct conf_str		*a;
	struct passwd		*pw;
	char			*p;
	size_t			 left, n;

	memset(sv, 0, sizeof(*sv));
	sv->sv_af = s->s_addr.a_af;
	if (s->s_addr.a_af == AF_INET)
		memcpy(sv->sv_addr, &s->s_addr.a_u.v4, 4);
	else if (s->s_addr.a_af == AF_INET6)
		memcpy(sv->sv_addr, &s->s_addr.a_u.v6, 16);
	(void)strlcpy(sv->sv_addrtext, s->s_addr.a_text,
	    sizeof(sv->sv_addrtext));
	sv->sv_proto = s->s_proto;
	sv->sv_port = s->s_port;
	(void)strlcpy(sv->sv_name, s->s_name, sizeof(sv->sv_name));
	/* Relative programs are taken from where honeyspyd was started. */
	if (s->s_program[0] == '/')
		n = strlcpy(sv->sv_program, s->s_program,
		    sizeof(sv->sv_program));
	else
		n = (size_t)snprintf(sv->sv_program, sizeof(sv->sv_program),
		    "%s/%s", hs->p_cwd, s->s_program);
	if (n >= sizeof(sv->sv_program)) {
		(void)snprintf(why, len, "program path too long");
		return (-1);
	}
	p = sv->sv_args;
	left = sizeof(sv->sv_args);
	TAILQ_FOREACH(a, &s->s_args, cs_entry) {
		n = strlen(a->cs_str) + 1;
		if (n > left) {
			(void)snprintf(why, len, "arguments too long");
			return (-1);
		}
		memcpy(p, a->cs_str, n);
		p += n;
		left -= n;
		sv->sv_nargs++;
	}
	TAILQ_FOREACH(h, &hs->p_conf->c_hosts, h_entry)
		if (h->h_address.a_af == s->s_addr.a_af &&
		    strcmp(h->h_address.a_text, s->s_addr.a_text) == 0)
			(void)strlcpy(sv->sv_personality, h->h_personality,
			    sizeof(sv->sv_personality));
	if (hs->p_privmode == PRIVMODE_ROOT) {
		if ((pw = getpwnam(s->s_user)) == NULL) {
			(void)snprintf(why, len, "unknown user %s", s->s_user);
			return (-1);
		}
		if (pw->pw_uid == 0 || pw->pw_uid == hs->p_uid) {
			(void)snprintf(why, len, "user %s must be neither root "
			    "nor the daemon's user", s->s_user);
			return (-1);
		}
		sv->sv_uid = pw->pw_uid;
		sv->sv_gid = pw->pw_gid;
	} else {
		sv->sv_uid = hs->p_uid;
		sv->sv_gid = hs->p_gid;
	}
	(void)strlcpy(sv->sv_directory, s->s_directory,
	    sizeof(sv->sv_directory));
	sv->sv_chroot = s->s_chroot;
	sv->sv_connections = s->s_limits.l_connections;
	sv->sv_per_source = s->s_limits.l_per_source;
	sv->sv_rate = s->s_limits.l_rate;
	sv->sv_window = s->s_limits.l_window;
	sv->sv_timeout = s->s_limits.l_timeout;
	sv->sv_idle = s->s_limits.l_idle;
	sv->sv_bytes = s->s_limits.l_bytes;
	sv->sv_transcript = s->s_limits.l_transcript;
	sv->sv_rl_cpu = s->s_rlimits.rl_cpu;
	sv->sv_rl_as = s->s_rlimits.rl_memory;
	sv->sv_rl_nofile = s->s_rlimits.rl_files;
	sv->sv_rl_nproc = s->s_rlimits.rl_processes;
	sv->sv_rl_fsize = s->s_rlimits.rl_filesize;
	sv->sv_nice = (int32_t)s->s_rlimits.rl_nice;
	if (!service_msg_valid(sv, why, len))
		return (-1);
	if (hs->p_privmode == PRIVMODE_USER && sv->sv_port < 1024) {
		(void)snprintf(why, len, "port %d needs cap_net_bind_service, "
		    "which user mode lacks", sv->sv_port);
		return (-1);
	}
	return (svc_program_ok(sv->sv_program, why, len) ? 0 : -1);
}

static struct psvc *
psvc_find(uint32_t id)
{
	struct psvc	*ps;

	TAILQ_FOREACH(ps, &psvcs, ps_entry)
		if (ps->ps_msg.sv_id == id)
			return (ps);
	return (NULL);
}

static struct psvc *
psvc_match(int af, const uint8_t *addr, int proto, int port)
{
	struct psvc	*ps;

	TAILQ_FOREACH(ps, &psvcs, ps_entry)
		if (ps->ps_msg.sv_af == af && ps->ps_msg.sv_proto == proto &&
		    ps->ps_msg.sv_port == port &&
		    memcmp(ps->ps_msg.sv_addr, addr, 16) == 0)
			return (ps);
	return (NULL);
}

/* The children that act on services: each hears every change. */
static void
compose_services(uint32_t type, uint32_t peerid, const void *data,
    size_t len)
{
	static const enum proc_id	 ids[] = {
		PROC_BINDER, PROC_SUPERSERVER, PROC_SPAWNER
	};
	size_t				 i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		(void)compose(ids[i], type, peerid, -1, data, len);
}

/*
 * The payload analyser, honeyspy-detect -w beside us, runs like a service
 * program: started by the spawner as the services' user, under rlimits,
 * with no port of its own.  The superserver feeds it and restarts it.
 * Without the program, sessions are only recorded; we say so once.
 */
static void
detect_configure(void)
{
	struct conf_service	 s;
	struct conf_str		 arg;
	struct service_msg	 sv;
	char			 dir[PATH_MAX], why[256], *slash;

	if (child_iev(PROC_SUPERSERVER) == NULL ||
	    child_iev(PROC_SPAWNER) == NULL)
		return;
	config_service_init(&s);
	s.s_addr.a_af = AF_INET;
	s.s_addr.a_u.v4.s_addr = htonl(INADDR_LOOPBACK);
	(void)strlcpy(s.s_addr.a_text, "127.0.0.1", sizeof(s.s_addr.a_text));
	s.s_proto = IPPROTO_TCP;
	s.s_port = 1;
	(void)strlcpy(s.s_name, "detect", sizeof(s.s_name));
	/* Beside us in a build tree, where make install put it otherwise. */
	(void)strlcpy(dir, hs->p_self, sizeof(dir));
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if (strlcat(dir, "/honeyspy-detect", sizeof(dir)) >= sizeof(dir) ||
	    access(dir, X_OK) == -1)
		(void)strlcpy(dir, HS_DETECT_PATH, sizeof(dir));
	if (strlcpy(s.s_program, dir, sizeof(s.s_program)) >=
	    sizeof(s.s_program)) {
		log_warnx("exploit detection on live sessions disabled: "
		    "path too long");
		return;
	}
	memset(&arg, 0, sizeof(arg));
	(void)strlcpy(arg.cs_str, "-w", sizeof(arg.cs_str));
	TAILQ_INSERT_TAIL(&s.s_args, &arg, cs_entry);
	s.s_nargs = 1;
	/* A day at most, then a fresh one; unicorn maps 1 GiB up front. */
	s.s_limits.l_timeout = 86400;
	s.s_rlimits.rl_memory = 4096 * 1048576LL;
	s.s_rlimits.rl_files = 16;
	s.s_rlimits.rl_filesize = 0;
	/* It works for the superserver, which waits for its verdicts. */
	s.s_rlimits.rl_nice = 0;
	if (svc_build(&s, &sv, why, sizeof(why)) == -1) {
		log_warnx("exploit detection on live sessions disabled: %s",
		    why);
		return;
	}
	sv.sv_id = HS_DETECT_SERVICE;
	(void)compose(PROC_SPAWNER, IMSG_CFG_DETECT, 0, -1, &sv, sizeof(sv));
	(void)compose(PROC_SUPERSERVER, IMSG_CFG_DETECT, 0, -1, NULL, 0);
}

/* Who we are, for the events the superserver and the spawner write. */
static void
send_node(void)
{
	struct node_msg	 nm;

	memset(&nm, 0, sizeof(nm));
	(void)strlcpy(nm.nm_name, hs->p_conf->c_node.n_name,
	    sizeof(nm.nm_name));
	(void)compose(PROC_SUPERSERVER, IMSG_CFG_NODE, 0, -1, &nm, sizeof(nm));
	(void)compose(PROC_SPAWNER, IMSG_CFG_NODE, 0, -1, &nm, sizeof(nm));
}

/* A configured service that cannot even be described to the children. */
static void
conf_failed(const struct conf_service *s, const char *why)
{
	log_warnx("service %s on %s %s port %d: %s; not started", s->s_name,
	    s->s_addr.a_text, config_proto_name(s->s_proto), s->s_port, why);
}

static void
psvc_configure(const struct psvc *ps)
{
	compose_services(IMSG_CFG_SERVICE, 0, &ps->ps_msg, sizeof(ps->ps_msg));
}

/*
 * With a binder, it makes the socket and we pass it on; without one (user
 * mode) the superserver binds the port itself.
 */
static void
psvc_listen(struct psvc *ps)
{
	struct bind_msg	 bm;

	ps->ps_state = PSVC_BINDING;
	if (child_iev(PROC_BINDER) != NULL) {
		memset(&bm, 0, sizeof(bm));
		bm.bm_id = ps->ps_msg.sv_id;
		bm.bm_af = ps->ps_msg.sv_af == AF_UNSPEC ? AF_INET6 :
		    ps->ps_msg.sv_af;
		memcpy(bm.bm_addr, ps->ps_msg.sv_addr, sizeof(bm.bm_addr));
		bm.bm_proto = ps->ps_msg.sv_proto;
		bm.bm_port = ps->ps_msg.sv_port;
		(void)compose(PROC_BINDER, IMSG_BIND_REQ, 0, -1, &bm,
		    sizeof(bm));
	} else
		(void)compose(PROC_SUPERSERVER, IMSG_SS_LISTEN,
		    ps->ps_msg.sv_id, -1, NULL, 0);
}

static void
psvc_remove(struct psvc *ps)
{
	compose_services(IMSG_CFG_DELSERVICE, ps->ps_msg.sv_id, NULL, 0);
	TAILQ_REMOVE(&psvcs, ps, ps_entry);
	free(ps);
}

/*
 * A service that cannot listen: a configured one stays listed as failed
 * with its reason in the log; one added at run time is taken back and the
 * client told why.
 */
static void
psvc_failed(struct psvc *ps, const char *why)
{
	log_warnx("service %s on %s %s port %d: %s", ps->ps_msg.sv_name,
	    ps->ps_msg.sv_addrtext, config_proto_name(ps->ps_msg.sv_proto), ps->ps_msg.sv_port, why);
	ps->ps_state = PSVC_FAILED;
	if (ps->ps_ctl != 0) {
		control_reply(ps->ps_ctl, why);
		psvc_remove(ps);
	}
}

/*
 * A child's reason is text we did not write: escaped before it reaches
 * our log or a control client.
 */
static void
psvc_failed_reason(struct psvc *ps, const struct bind_reply *br)
{
	char	 why[4 * sizeof(br->br_reason) + 1];

	(void)str_escape(br->br_reason, strlen(br->br_reason), why,
	    sizeof(why));
	psvc_failed(ps, why);
}

/* Configure and start every service of the configuration. */
void
services_init(void)
{
	struct conf_service	*s;
	struct psvc		*ps;
	char			 why[256];
	int			 sp[2];

	send_node();

	TAILQ_FOREACH(s, &hs->p_conf->c_services, s_entry) {
		if ((ps = calloc(1, sizeof(*ps))) == NULL)
			fatal("%s: calloc", __func__);
		if (svc_build(s, &ps->ps_msg, why, sizeof(why)) == -1) {
			conf_failed(s, why);
			free(ps);
			continue;
		}
		ps->ps_msg.sv_id = psvc_nextid++;
		ps->ps_fromconf = 1;
		TAILQ_INSERT_TAIL(&psvcs, ps, ps_entry);
		psvc_configure(ps);
	}
	compose_services(IMSG_CFG_DONE, 0, NULL, 0);
	detect_configure();

	/* The superserver and the spawner talk directly, fds and all. */
	if (child_iev(PROC_SUPERSERVER) != NULL &&
	    child_iev(PROC_SPAWNER) != NULL) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0, sp) == -1)
			fatal("%s: socketpair", __func__);
		(void)compose(PROC_SUPERSERVER, IMSG_SPAWN_CHAN, 0, sp[0],
		    NULL, 0);
		(void)compose(PROC_SPAWNER, IMSG_SPAWN_CHAN, 0, sp[1], NULL, 0);
	}
	TAILQ_FOREACH(ps, &psvcs, ps_entry)
		psvc_listen(ps);
}

/*
 * After SIGHUP: the file says which services run.  Gone ones stop, new
 * ones start, and a changed one (same address, protocol and port) is
 * updated in place, so that its socket and its running sessions stay.
 * Services added at run time stay unless the file names their port.
 */
void
services_reload(void)
{
	struct conf_service	*s;
	struct service_msg	 sv;
	struct psvc		*ps, *next;
	char			 why[256];

	send_node();

	TAILQ_FOREACH(ps, &psvcs, ps_entry)
		ps->ps_seen = 0;
	TAILQ_FOREACH(s, &hs->p_conf->c_services, s_entry) {
		if (svc_build(s, &sv, why, sizeof(why)) == -1) {
			conf_failed(s, why);
			continue;
		}
		if ((ps = psvc_match(sv.sv_af, sv.sv_addr, sv.sv_proto,
		    sv.sv_port)) != NULL && ps->ps_ctl == 0) {
			sv.sv_id = ps->ps_msg.sv_id;
			ps->ps_seen = 1;
			if (memcmp(&sv, &ps->ps_msg, sizeof(sv)) == 0)
				continue;
			ps->ps_msg = sv;
			ps->ps_fromconf = 1;
			psvc_configure(ps);
			log_info("service %s on %s %s port %d updated",
			    sv.sv_name, sv.sv_addrtext, config_proto_name(s->s_proto), sv.sv_port);
			if (ps->ps_state == PSVC_FAILED)
				psvc_listen(ps);
			continue;
		}
		if (ps != NULL)
			continue;	/* an addService still binding */
		if ((ps = calloc(1, sizeof(*ps))) == NULL)
			fatal("%s: calloc", __func__);
		ps->ps_msg = sv;
		ps->ps_msg.sv_id = psvc_nextid++;
		ps->ps_fromconf = 1;
		ps->ps_seen = 1;
		TAILQ_INSERT_TAIL(&psvcs, ps, ps_entry);
		psvc_configure(ps);
		psvc_listen(ps);
	}
	for (ps = TAILQ_FIRST(&psvcs); ps != NULL; ps = next) {
		next = TAILQ_NEXT(ps, ps_entry);
		if (!ps->ps_fromconf || ps->ps_seen || ps->ps_ctl != 0)
			continue;
		log_info("service %s on %s %s port %d removed",
		    ps->ps_msg.sv_name, ps->ps_msg.sv_addrtext,
		    config_proto_name(ps->ps_msg.sv_proto),
		    ps->ps_msg.sv_port);
		psvc_remove(ps);
	}
}

/* The binder's answer: pass the socket on, or give up on the service. */
void
services_bind_reply(struct imsg *imsg)
{
	struct bind_reply	 br;
	struct psvc		*ps;
	int			 fd;

	fd = imsg_get_fd(imsg);
	if (imsg_get_data(imsg, &br, sizeof(br)) == -1 ||
	    memchr(br.br_reason, '\0', sizeof(br.br_reason)) == NULL ||
	    br.br_id == 0 || br.br_id >= psvc_nextid ||
	    (br.br_errno == 0) != (fd != -1))
		fatalx("%s: bad IMSG_BIND_FD from the binder", __func__);
	/*
	 * Removed while the binder worked (a reload, a pushed configuration
	 * or delService in the meantime): the socket is nobody's.  Ids are
	 * never used twice, so this one cannot be a newer service's.
	 */
	if ((ps = psvc_find(br.br_id)) == NULL) {
		log_debug("%s: service %u went while it was bound", __func__,
		    br.br_id);
		if (fd != -1)
			(void)close(fd);
		return;
	}
	if (ps->ps_state != PSVC_BINDING)
		fatalx("%s: IMSG_BIND_FD for a service not binding", __func__);
	if (br.br_errno != 0) {
		psvc_failed_reason(ps, &br);
		return;
	}
	(void)compose(PROC_SUPERSERVER, IMSG_SS_LISTEN, br.br_id, fd, NULL, 0);
}

/* The superserver listens, or says why it cannot. */
void
services_listening(struct imsg *imsg)
{
	struct bind_reply	 br;
	struct psvc		*ps;

	if (imsg_get_data(imsg, &br, sizeof(br)) == -1 ||
	    memchr(br.br_reason, '\0', sizeof(br.br_reason)) == NULL ||
	    br.br_id == 0 || br.br_id >= psvc_nextid)
		fatalx("%s: bad IMSG_SS_LISTENING from the superserver",
		    __func__);
	/* Removed meanwhile: the superserver has its removal queued too. */
	if ((ps = psvc_find(br.br_id)) == NULL)
		return;
	if (ps->ps_state != PSVC_BINDING)
		fatalx("%s: IMSG_SS_LISTENING for a service not binding",
		    __func__);
	if (br.br_errno != 0) {
		psvc_failed_reason(ps, &br);
		return;
	}
	ps->ps_state = PSVC_LISTENING;
	log_info("service %s listening on %s %s port %d", ps->ps_msg.sv_name,
	    ps->ps_msg.sv_addrtext, config_proto_name(ps->ps_msg.sv_proto), ps->ps_msg.sv_port);
	if (ps->ps_ctl != 0) {
		control_reply(ps->ps_ctl, NULL);
		ps->ps_ctl = 0;
	}
}

/* Parse what a control client typed into a service with defaults. */
static int
ctl_to_conf(const struct ctl_service *cv, struct conf_service *s,
    int program, char *why, size_t len)
{
	struct conf_str	*a;
	const char	*p, *end;
	int		 i;

	config_service_init(s);
	if (memchr(cv->cv_addr, '\0', sizeof(cv->cv_addr)) == NULL ||
	    memchr(cv->cv_program, '\0', sizeof(cv->cv_program)) == NULL) {
		(void)snprintf(why, len, "malformed request");
		return (-1);
	}
	if (strcmp(cv->cv_addr, "*") == 0)
		s->s_addr.a_af = AF_UNSPEC;
	else if (inet_pton(AF_INET, cv->cv_addr, &s->s_addr.a_u.v4) == 1)
		s->s_addr.a_af = AF_INET;
	else if (inet_pton(AF_INET6, cv->cv_addr, &s->s_addr.a_u.v6) == 1)
		s->s_addr.a_af = AF_INET6;
	else {
		(void)snprintf(why, len, "not an address: %.64s",
		    cv->cv_addr);
		return (-1);
	}
	(void)strlcpy(s->s_addr.a_text, cv->cv_addr, sizeof(s->s_addr.a_text));
	if (cv->cv_proto != IPPROTO_TCP && cv->cv_proto != IPPROTO_UDP) {
		(void)snprintf(why, len, "protocol must be tcp or udp");
		return (-1);
	}
	s->s_proto = cv->cv_proto;
	if (cv->cv_port < 1 || cv->cv_port > 65535) {
		(void)snprintf(why, len, "port must be 1 to 65535");
		return (-1);
	}
	s->s_port = cv->cv_port;
	if (!program)
		return (0);
	if (strlcpy(s->s_program, cv->cv_program, sizeof(s->s_program)) >=
	    sizeof(s->s_program) || s->s_program[0] != '/') {
		(void)snprintf(why, len, "program must be an absolute path");
		return (-1);
	}
	if (cv->cv_nargs < 0 || cv->cv_nargs > HS_MAXARGS) {
		(void)snprintf(why, len, "too many arguments");
		return (-1);
	}
	p = cv->cv_args;
	end = cv->cv_args + sizeof(cv->cv_args);
	for (i = 0; i < cv->cv_nargs; i++) {
		if (memchr(p, '\0', (size_t)(end - p)) == NULL) {
			(void)snprintf(why, len, "malformed arguments");
			return (-1);
		}
		if ((a = calloc(1, sizeof(*a))) == NULL)
			fatal("%s: calloc", __func__);
		if (strlcpy(a->cs_str, p, sizeof(a->cs_str)) >=
		    sizeof(a->cs_str)) {
			free(a);
			(void)snprintf(why, len, "argument too long");
			return (-1);
		}
		TAILQ_INSERT_TAIL(&s->s_args, a, cs_entry);
		s->s_nargs++;
		p += strlen(p) + 1;
	}
	config_service_default_name(s);
	return (0);
}

/*
 * addService: checked, configured and bound like a configured service;
 * the client hears back once it listens, or why it cannot.
 */
int
services_ctl_add(uint32_t ctl, const struct ctl_service *cv, char *why,
    size_t len)
{
	struct conf_service	*s;
	struct psvc		*ps;
	int			 rv = -1;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("%s: calloc", __func__);
	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		fatal("%s: calloc", __func__);
	if (ctl_to_conf(cv, s, 1, why, len) == -1 ||
	    svc_build(s, &ps->ps_msg, why, len) == -1)
		goto done;
	if (psvc_match(ps->ps_msg.sv_af, ps->ps_msg.sv_addr,
	    ps->ps_msg.sv_proto, ps->ps_msg.sv_port) != NULL) {
		(void)snprintf(why, len, "a service on %s %s port %d exists",
		    ps->ps_msg.sv_addrtext, config_proto_name(ps->ps_msg.sv_proto), ps->ps_msg.sv_port);
		goto done;
	}
	ps->ps_msg.sv_id = psvc_nextid++;
	ps->ps_ctl = ctl;
	TAILQ_INSERT_TAIL(&psvcs, ps, ps_entry);
	psvc_configure(ps);
	psvc_listen(ps);
	ps = NULL;
	rv = 0;
 done:
	free(ps);
	config_service_free(s);
	return (rv);
}

int
services_ctl_del(const struct ctl_service *cv, char *why, size_t len)
{
	struct conf_service	*s;
	struct service_msg	 sv;
	struct psvc		*ps;
	int			 rv = -1;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("%s: calloc", __func__);
	memset(&sv, 0, sizeof(sv));
	if (ctl_to_conf(cv, s, 0, why, len) == -1)
		goto done;
	if (s->s_addr.a_af == AF_INET)
		memcpy(sv.sv_addr, &s->s_addr.a_u.v4, 4);
	else if (s->s_addr.a_af == AF_INET6)
		memcpy(sv.sv_addr, &s->s_addr.a_u.v6, 16);
	if ((ps = psvc_match(s->s_addr.a_af, sv.sv_addr, s->s_proto,
	    s->s_port)) == NULL || ps->ps_ctl != 0) {
		(void)snprintf(why, len, "no service on %s %s port %d",
		    s->s_addr.a_text, config_proto_name(s->s_proto), s->s_port);
		goto done;
	}
	log_info("service %s on %s %s port %d removed", ps->ps_msg.sv_name,
	    ps->ps_msg.sv_addrtext, config_proto_name(s->s_proto),
	    s->s_port);
	psvc_remove(ps);
	rv = 0;
 done:
	config_service_free(s);
	return (rv);
}

/* getServices: every service with its state, then the caller's END. */
void
services_ctl_get(struct imsgev *iev)
{
	struct psvc		*ps;
	struct ctl_service_info	 si;

	TAILQ_FOREACH(ps, &psvcs, ps_entry) {
		if (ps->ps_ctl != 0)
			continue;
		memset(&si, 0, sizeof(si));
		si.si_sv = ps->ps_msg;
		si.si_state = ps->ps_state;
		if (imsgev_compose(iev, IMSG_CTL_SERVICE, 0, 0, -1, &si,
		    sizeof(si)) == -1)
			log_warn("%s: compose", __func__);
	}
}

/* A control client left: nobody waits for these additions any more. */
void
services_ctl_gone(uint32_t ctl)
{
	struct psvc	*ps;

	TAILQ_FOREACH(ps, &psvcs, ps_entry)
		if (ps->ps_ctl == ctl)
			ps->ps_ctl = (uint32_t)-1;
}
