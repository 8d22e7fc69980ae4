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

/* spawn_env: a service program's argv and environment, built without I/O. */

#include <sys/types.h>

#include <netinet/in.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"
#include "superserver/spawn_env.h"

/* Where the next string goes in one of the fixed buffers. */
struct spawn_out {
	char	*so_buf;
	size_t	 so_len;
	size_t	 so_size;
};

static int	out_addc(struct spawn_out *, char);
static int	out_adds(struct spawn_out *, const char *);
static int	env_add(struct spawn_envp *, struct spawn_out *, const char *,
		    const char *);
static int	terminated(const char *, size_t);

#define TERMINATED(a)	terminated((a), sizeof(a))

_Static_assert(STDERR_FILENO == 2, "HONEYSPY_EVENT_FD is written as 2");

static int
terminated(const char *s, size_t size)
{
	return (memchr(s, '\0', size) != NULL);
}

static int
out_addc(struct spawn_out *o, char c)
{
	/* Keep one byte for the NUL that ends every string. */
	if (o->so_len + 1 >= o->so_size) {
		errno = E2BIG;
		return (-1);
	}
	o->so_buf[o->so_len++] = c;
	o->so_buf[o->so_len] = '\0';
	return (0);
}

static int
out_adds(struct spawn_out *o, const char *s)
{
	for (; *s != '\0'; s++)
		if (out_addc(o, *s) == -1)
			return (-1);
	return (0);
}

/*
 * honeyd's substitution: "$ipsrc", "$ipdst", "$sport", "$dport" and
 * "$date" are replaced wherever they start, even inside a longer word
 * ("$sportX" gives "2222X"), because honeyd scripts were written for that.
 * Unlike honeyd we scan once, so a value is never substituted again, and
 * we work on one argument at a time with no shell in between.  Any other
 * "$word" is left as it is.
 */
int
spawn_subst(const char *in, const struct spawn_msg *sp, time_t now,
    char *out, size_t outsz)
{
	struct spawn_out	 o;
	struct tm		 tm;
	char			 sport[8], dport[8], date[SPAWN_DATELEN];
	const struct {
		const char	*name;
		const char	*value;
	} vars[] = {
		{ "$ipsrc", sp->sp_src },
		{ "$ipdst", sp->sp_dst },
		{ "$sport", sport },
		{ "$dport", dport },
		{ "$date", date },
	};
	size_t			 i, len;

	if (outsz == 0) {
		errno = E2BIG;
		return (-1);
	}
	out[0] = '\0';
	if (!TERMINATED(sp->sp_src) || !TERMINATED(sp->sp_dst) ||
	    sp->sp_sport < 0 || sp->sp_sport > 65535 ||
	    sp->sp_dport < 0 || sp->sp_dport > 65535) {
		errno = EINVAL;
		return (-1);
	}
	(void)snprintf(sport, sizeof(sport), "%d", (int)sp->sp_sport);
	(void)snprintf(dport, sizeof(dport), "%d", (int)sp->sp_dport);
	/* UTC: the spawner has no time zone of its own to speak of. */
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof(date), "%Y-%m-%d", &tm) == 0) {
		errno = EINVAL;
		return (-1);
	}

	o.so_buf = out;
	o.so_len = 0;
	o.so_size = outsz;
	while (*in != '\0') {
		if (*in == '$') {
			for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
				len = strlen(vars[i].name);
				if (strncmp(in, vars[i].name, len) == 0)
					break;
			}
			if (i < sizeof(vars) / sizeof(vars[0])) {
				if (out_adds(&o, vars[i].value) == -1)
					return (-1);
				in += len;
				continue;
			}
		}
		if (out_addc(&o, *in++) == -1)
			return (-1);
	}
	return (0);
}

/*
 * argv[0] is the program as configured; each configured argument follows
 * with honeyd's variables substituted.
 */
int
spawn_argv_build(struct spawn_argv *sa, const struct service_msg *sv,
    const struct spawn_msg *sp, time_t now)
{
	const char	*arg, *end;
	size_t		 off, len;
	int		 i;

	memset(sa, 0, sizeof(*sa));
	if (!TERMINATED(sv->sv_program) || sv->sv_program[0] == '\0' ||
	    sv->sv_nargs < 0 || sv->sv_nargs > HS_MAXARGS) {
		errno = EINVAL;
		return (-1);
	}
	if ((len = strlen(sv->sv_program)) >= sizeof(sa->sa_buf)) {
		errno = E2BIG;
		return (-1);
	}
	memcpy(sa->sa_buf, sv->sv_program, len + 1);
	sa->sa_argv[sa->sa_argc++] = sa->sa_buf;
	off = len + 1;

	arg = sv->sv_args;
	end = sv->sv_args + sizeof(sv->sv_args);
	for (i = 0; i < sv->sv_nargs; i++) {
		/* Each argument must end inside sv_args, whatever nargs. */
		if (arg >= end || memchr(arg, '\0', (size_t)(end - arg)) ==
		    NULL) {
			errno = EINVAL;
			return (-1);
		}
		if (off >= sizeof(sa->sa_buf)) {
			errno = E2BIG;
			return (-1);
		}
		if (spawn_subst(arg, sp, now, sa->sa_buf + off,
		    sizeof(sa->sa_buf) - off) == -1)
			return (-1);
		sa->sa_argv[sa->sa_argc++] = sa->sa_buf + off;
		off += strlen(sa->sa_buf + off) + 1;
		arg += strlen(arg) + 1;
	}
	sa->sa_argv[sa->sa_argc] = NULL;
	return (0);
}

/*
 * NAME=value, copied: the environment is built for every session, and
 * formatting each of its strings took a seventh of the spawner's time.
 */
static int
env_add(struct spawn_envp *se, struct spawn_out *o, const char *name,
    const char *value)
{
	size_t	 nlen = strlen(name), vlen = strlen(value);
	char	*p;

	if (se->se_envc >= SPAWN_ENV_MAX || o->so_len > o->so_size ||
	    o->so_size - o->so_len < nlen + vlen + 2) {
		errno = E2BIG;
		return (-1);
	}
	p = o->so_buf + o->so_len;
	memcpy(p, name, nlen);
	p[nlen] = '=';
	memcpy(p + nlen + 1, value, vlen + 1);
	se->se_envp[se->se_envc++] = p;
	o->so_len += nlen + vlen + 2;
	return (0);
}

/*
 * The whole environment, nothing inherited: honeyd's variables so that
 * its scripts run unchanged, then ours, then a minimal login-like set.
 * HONEYD_TEMPLATE_NAME is honeyd's template, which was named after the
 * personality or else after the host's address.
 */
int
spawn_envp_build(struct spawn_envp *se, const struct service_msg *sv,
    const struct spawn_msg *sp)
{
	struct spawn_out	 o;
	const char		*proto, *tmpl;
	char			 sport[8], dport[8], session[17];

	se->se_envc = 0;
	se->se_envp[0] = NULL;
	if (!TERMINATED(sv->sv_directory) || !TERMINATED(sv->sv_name) ||
	    !TERMINATED(sv->sv_personality) || !TERMINATED(sp->sp_src) ||
	    !TERMINATED(sp->sp_dst) || !TERMINATED(sp->sp_remote_os) ||
	    sp->sp_sport < 0 || sp->sp_sport > 65535 ||
	    sp->sp_dport < 0 || sp->sp_dport > 65535) {
		errno = EINVAL;
		return (-1);
	}
	switch (sp->sp_proto) {
	case IPPROTO_TCP:
		proto = "tcp";
		break;
	case IPPROTO_UDP:
		proto = "udp";
		break;
	default:
		errno = EINVAL;
		return (-1);
	}
	tmpl = sv->sv_personality[0] != '\0' ? sv->sv_personality :
	    sp->sp_dst;
	(void)snprintf(sport, sizeof(sport), "%d", (int)sp->sp_sport);
	(void)snprintf(dport, sizeof(dport), "%d", (int)sp->sp_dport);
	(void)snprintf(session, sizeof(session), "%016" PRIx64,
	    sp->sp_session);

	o.so_buf = se->se_buf;
	o.so_len = 0;
	o.so_size = sizeof(se->se_buf);
	if (env_add(se, &o, "PATH", "/usr/local/bin:/usr/bin:/bin") ||
	    env_add(se, &o, "HOME", sv->sv_directory) ||
	    env_add(se, &o, "LANG", "C") ||
	    env_add(se, &o, "SHELL", "/bin/sh") ||
	    env_add(se, &o, "HONEYD_IP_SRC", sp->sp_src) ||
	    env_add(se, &o, "HONEYD_SRC_PORT", sport) ||
	    env_add(se, &o, "HONEYD_IP_DST", sp->sp_dst) ||
	    env_add(se, &o, "HONEYD_DST_PORT", dport) ||
	    env_add(se, &o, "HONEYD_PERSONALITY", sv->sv_personality) ||
	    env_add(se, &o, "HONEYD_TEMPLATE_NAME", tmpl) ||
	    env_add(se, &o, "HONEYD_INTERFACE", "honeyspy") ||
	    env_add(se, &o, "HONEYD_HOME", sv->sv_directory))
		return (-1);
	if (sp->sp_remote_os[0] != '\0' &&
	    env_add(se, &o, "HONEYD_REMOTE_OS", sp->sp_remote_os))
		return (-1);
	/* Where a HoneySpy service writes its events (stderr): see svc.h. */
	if (env_add(se, &o, "HONEYSPY_EVENT_FD", "2") ||
	    env_add(se, &o, "HONEYSPY_SRC_IP", sp->sp_src) ||
	    env_add(se, &o, "HONEYSPY_SRC_PORT", sport) ||
	    env_add(se, &o, "HONEYSPY_DST_IP", sp->sp_dst) ||
	    env_add(se, &o, "HONEYSPY_DST_PORT", dport) ||
	    env_add(se, &o, "HONEYSPY_PROTO", proto) ||
	    env_add(se, &o, "HONEYSPY_SESSION", session) ||
	    env_add(se, &o, "HONEYSPY_SERVICE", sv->sv_name) ||
	    env_add(se, &o, "HONEYSPY_PERSONALITY", sv->sv_personality))
		return (-1);
	if (sp->sp_remote_os[0] != '\0' &&
	    env_add(se, &o, "HONEYSPY_REMOTE_OS", sp->sp_remote_os))
		return (-1);
	se->se_envp[se->se_envc] = NULL;
	return (0);
}
