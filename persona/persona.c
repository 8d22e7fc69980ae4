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

/* persona: per-host TCP/IP personalities through NFQUEUE (keeps CAP_NET_ADMIN). */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netlink.h>
#include <libnfnetlink/libnfnetlink.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "log.h"
#include "proc.h"
#include "util.h"
#include "persona/persona.h"
#include "persona/rewrite.h"
#include "persona/rules.h"

#define PERSONA_OSDB	"/usr/share/nmap/nmap-os-db"
#define PERSONA_P0F	"/etc/p0f/p0f.fp"
#define PERSONA_QUEUE	4747
#define PERSONA_BUF	(65536 + 4096)
#define PERSONA_QLEN	16384
#define PERSONA_INPLACE	4096	/* bigger: rewritten in place */
#define PERSONA_RCVBUF	(16 * 1024 * 1024)

/* A host with a personality, as configured or set by a call. */
struct phost {
	int		 ph_used;
	struct alias_msg ph_msg;	/* al_persona says how it goes */
	uint32_t	 ph_addr;	/* network order */
};

static struct prw		 rw;
static struct phost		 hosts[PRW_MAXALIAS];
static struct pfp		 pfps[PRW_MAXALIAS];	/* hosts[i]'s */
static struct nfq_handle	*nfq;
static struct nfq_q_handle	*nfq_q;
static struct event		 nfq_ev;
static char			*osdb, *p0fdb;
static size_t			 osdb_len, p0fdb_len;
static int			 rules_in;
static uint16_t			 queue_num;
static char			 off_reason[HS_REASONLEN / 2];	/* "" on */
static uint8_t			 pktbuf[PERSONA_BUF];

static int	persona_dispatch_parent(struct imsgev *, struct imsg *);
static void	persona_setup(struct imsgev *);
static char	*persona_file(const char *, size_t *);
static void	persona_state(int);
static int	persona_queue(uint16_t, char *, size_t);
static void	persona_read(int, short, void *);
static int	persona_packet(struct nfq_q_handle *, struct nfgenmsg *,
		    struct nfq_data *, void *);
static void	persona_shutdown(void);
static uint32_t	persona_random(void);
static int	persona_check(struct alias_msg *, char *, size_t);
static struct phost *persona_find(const struct alias_msg *);
static int	persona_set(struct alias_msg *, char *, size_t);
static int	persona_rules(char *, size_t);
static void	persona_off(const char *);
static void	persona_tell(uint32_t, const struct phost *);
static void	persona_result(uint32_t, const struct alias_msg *,
		    const char *);

__attribute__((__noreturn__)) void
persona_main(const struct proc_def *pd)
{
	struct hello_msg	 hm;
	char			 why[HS_REASONLEN];

	proc_child_init(pd, &hm);
	/* the fingerprint databases live outside the jail */
	osdb = persona_file(PERSONA_OSDB, &osdb_len);
	p0fdb = persona_file(PERSONA_P0F, &p0fdb_len);
	if (pr_open(why, sizeof(why)) == -1)
		fatalx("%s", why);
	proc_child_jail(pd, &hm);
	if (atexit(persona_shutdown) != 0)
		fatalx("%s: atexit", __func__);
	persona_setup(proc_child_iev());
	proc_child_setup_done(pd, &hm);
	if (off_reason[0] == '\0') {
		event_set(&nfq_ev, nfq_fd(nfq), EV_READ | EV_PERSIST,
		    persona_read, NULL);
		if (event_add(&nfq_ev, NULL) == -1)
			fatalx("%s: event_add", __func__);
	}
	proc_child_run(pd, persona_dispatch_parent);
}

static uint32_t
persona_random(void)
{
	return (arc4random());
}

/* A database read whole, or NULL (logged) when it cannot be. */
static char *
persona_file(const char *path, size_t *lenp)
{
	FILE	*fp;
	char	*buf = NULL, *nbuf;
	size_t	 cap = 0, n, len = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return (NULL);
	}
	for (;;) {
		if (len + 65536 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			if ((nbuf = realloc(buf, cap)) == NULL)
				fatal("%s", __func__);
			buf = nbuf;
		}
		if ((n = fread(buf + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	if (ferror(fp))
		fatal("%s: %s", __func__, path);
	(void)fclose(fp);
	*lenp = len;
	return (buf);
}

/*
 * The per-connection state: the file the parent opened for us, mapped
 * shared, so that a child that starts again keeps rewriting the
 * connections the last one saw.  Without it, memory of our own.
 */
static void
persona_state(int fd)
{
	struct prw_state	*st;
	struct stat		 sb;
	int			 fresh = 0;

	if (fd != -1) {
		if (fstat(fd, &sb) == -1)
			fatal("%s: fstat", __func__);
		if ((size_t)sb.st_size != sizeof(*st)) {
			if (ftruncate(fd, sizeof(*st)) == -1)
				fatal("%s: ftruncate", __func__);
			fresh = 1;
		}
		st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
		close(fd);
	} else {
		st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		fresh = 1;
	}
	if (st == MAP_FAILED)
		fatal("%s: mmap", __func__);
	if (fresh || !prw_state_valid(st))
		prw_state_reset(st);
	else
		log_info("persona: kept the state of %u connections",
		    (unsigned)PRW_NFLOWS);
	prw_init(&rw, st, persona_random);
}

static void
persona_setup(struct imsgev *iev)
{
	struct imsg			 imsg;
	struct persona_config_msg	 pc;
	struct alias_msg		 am;
	char				 why[HS_REASONLEN];
	int				 done = 0, have = 0, fd;
	size_t				 i;

	memset(&pc, 0, sizeof(pc));
	while (!done) {
		proc_child_next(iev, &imsg);
		switch (imsg_get_type(&imsg)) {
		case IMSG_CFG_NODE:
			break;
		case IMSG_PERSONA_CONFIG:
			if (have || imsg_get_data(&imsg, &pc,
			    sizeof(pc)) == -1 || pc.pc_queue == 0 ||
			    pc.pc_queue > 65535)
				fatalx("%s: IMSG_PERSONA_CONFIG: bad message",
				    __func__);
			fd = imsg_get_fd(&imsg);
			persona_state(fd);
			queue_num = (uint16_t)pc.pc_queue;
			have = 1;
			break;
		case IMSG_PERSONA_HOST:
			if (!have || imsg_get_data(&imsg, &am,
			    sizeof(am)) == -1)
				fatalx("%s: IMSG_PERSONA_HOST: bad message",
				    __func__);
			if (persona_check(&am, why, sizeof(why)) == -1 ||
			    persona_set(&am, why, sizeof(why)) == -1)
				log_warnx("persona: %s: %s", am.al_addrtext,
				    why);
			break;
		case IMSG_CFG_DONE:
			if (!have || imsg_get_len(&imsg) != 0)
				fatalx("%s: IMSG_CFG_DONE: bad message",
				    __func__);
			done = 1;
			break;
		default:
			fatalx("%s: unexpected imsg %u", __func__,
			    imsg_get_type(&imsg));
		}
		imsg_free(&imsg);
	}
	/*
	 * No queue (a kernel without nfnetlink_queue, or none of ours):
	 * the feature is off, and says why; the rest of the suite runs on.
	 */
	if (persona_queue(queue_num, why, sizeof(why)) == -1)
		persona_off(why);
	else if (persona_rules(why, sizeof(why)) == -1) {
		/*
		 * Nothing of ours may stay behind: rules that queue to a
		 * child that no longer reads its queue hold every packet.
		 */
		persona_off(why);
		persona_shutdown();
		(void)pr_remove(why, sizeof(why));
	}
	for (i = 0; i < PRW_MAXALIAS; i++)
		if (hosts[i].ph_used)
			persona_tell(0, &hosts[i]);
}

/* The feature is off: say why, once, and leave packets alone. */
static void
persona_off(const char *why)
{
	size_t	i;

	(void)strlcpy(off_reason, why, sizeof(off_reason));
	log_warnx("persona: personalities are off: %s", why);
	for (i = 0; i < PRW_MAXALIAS; i++)
		if (hosts[i].ph_used) {
			hosts[i].ph_msg.al_persona = PERSONA_FAILED;
			prw_del(&rw, hosts[i].ph_addr);
		}
	if (imsgev_compose(proc_child_iev(), IMSG_PERSONA_OFF, 0, 0, -1,
	    off_reason, strlen(off_reason) + 1) == -1)
		fatal("%s: compose", __func__);
}

/* An address and a name from the parent: terminated, IPv4, printable. */
static int
persona_check(struct alias_msg *am, char *why, size_t len)
{
	if (memchr(am->al_personality, '\0', sizeof(am->al_personality)) ==
	    NULL || memchr(am->al_addrtext, '\0',
	    sizeof(am->al_addrtext)) == NULL ||
	    !str_printable(am->al_addrtext, sizeof(am->al_addrtext)) ||
	    !str_printable(am->al_personality, sizeof(am->al_personality)))
		fatalx("persona: a host with a bad address or name");
	if (am->al_af != AF_INET) {
		(void)snprintf(why, len, "only IPv4 hosts have personalities");
		return (-1);
	}
	return (0);
}

static struct phost *
persona_find(const struct alias_msg *am)
{
	size_t	i;

	for (i = 0; i < PRW_MAXALIAS; i++)
		if (hosts[i].ph_used && memcmp(&hosts[i].ph_addr, am->al_addr,
		    sizeof(hosts[i].ph_addr)) == 0)
			return (&hosts[i]);
	return (NULL);
}

/*
 * Give the host AM's personality, compiled afresh; a name the database
 * does not have leaves an existing host as it was.  A new host needs its
 * rules: the caller installs them.
 */
static int
persona_set(struct alias_msg *am, char *why, size_t len)
{
	struct phost	*ph;
	struct pfp	 pf;
	size_t		 i;

	if (am->al_personality[0] == '\0') {
		(void)snprintf(why, len, "no personality");
		return (-1);
	}
	if (osdb == NULL) {
		(void)snprintf(why, len, "%s could not be read", PERSONA_OSDB);
		return (-1);
	}
	if (pfp_parse_nmap(osdb, osdb_len, am->al_personality, &pf, why,
	    len) == -1)
		return (-1);
	if (strcmp(pf.pf_name, am->al_personality) != 0)
		log_info("persona: %s: \"%s\" is nmap-os-db's \"%s\"",
		    am->al_addrtext, am->al_personality, pf.pf_name);
	if (p0fdb != NULL && pfp_parse_p0f(p0fdb, p0fdb_len, &pf) == 0)
		log_info("persona: %s: ordinary connections as p0f's \"%s\"",
		    am->al_addrtext, pf.pf_p0f_label);
	if ((ph = persona_find(am)) == NULL) {
		for (i = 0; i < PRW_MAXALIAS; i++)
			if (!hosts[i].ph_used)
				break;
		if (i == PRW_MAXALIAS) {
			(void)snprintf(why, len, "too many hosts (at most %d)",
			    PRW_MAXALIAS);
			return (-1);
		}
		ph = &hosts[i];
		memset(ph, 0, sizeof(*ph));
		ph->ph_used = 1;
		memcpy(&ph->ph_addr, am->al_addr, sizeof(ph->ph_addr));
		ph->ph_msg.al_failclosed = am->al_failclosed != 0;
	}
	i = (size_t)(ph - hosts);
	pfps[i] = pf;
	(void)strlcpy(ph->ph_msg.al_addrtext, am->al_addrtext,
	    sizeof(ph->ph_msg.al_addrtext));
	(void)strlcpy(ph->ph_msg.al_personality, am->al_personality,
	    sizeof(ph->ph_msg.al_personality));
	ph->ph_msg.al_af = AF_INET;
	memcpy(ph->ph_msg.al_addr, &ph->ph_addr, sizeof(ph->ph_addr));
	ph->ph_msg.al_persona = off_reason[0] == '\0' ? PERSONA_ACTIVE :
	    PERSONA_FAILED;
	if (off_reason[0] == '\0' && prw_add(&rw, ph->ph_addr, &pfps[i]) == -1)
		fatalx("%s: prw_add", __func__);
	log_info("persona: %s is \"%s\"%s", am->al_addrtext,
	    am->al_personality, ph->ph_msg.al_failclosed ?
	    " (fails closed)" : "");
	return (0);
}

/* The table for every host we have, replacing the last one. */
static int
persona_rules(char *why, size_t len)
{
	struct pr_host	 rh[PRW_MAXALIAS];
	size_t		 i, n = 0;

	for (i = 0; i < PRW_MAXALIAS; i++)
		if (hosts[i].ph_used) {
			rh[n].ph_addr = hosts[i].ph_addr;
			rh[n].ph_failclosed = hosts[i].ph_msg.al_failclosed;
			prw_ordinary(&pfps[i], &rh[n].ph_ttl, &rh[n].ph_df);
			n++;
		}
	if (pr_install(rh, n, queue_num, why, len) == -1)
		return (-1);
	rules_in = 1;
	return (0);
}

/* A host's state, to a call (ID) or as news (0). */
static void
persona_tell(uint32_t id, const struct phost *ph)
{
	if (imsgev_compose(proc_child_iev(), IMSG_PERSONA_ALIAS, id, 0, -1,
	    &ph->ph_msg, sizeof(ph->ph_msg)) == -1)
		fatal("%s: compose", __func__);
}

static void
persona_result(uint32_t id, const struct alias_msg *am, const char *why)
{
	struct net_result	nr;

	memset(&nr, 0, sizeof(nr));
	nr.nr_ok = why == NULL;
	if (am != NULL)
		nr.nr_alias = *am;
	if (why != NULL)
		(void)strlcpy(nr.nr_reason, why, sizeof(nr.nr_reason));
	if (imsgev_compose(proc_child_iev(), IMSG_PERSONA_RESULT, id, 0, -1,
	    &nr, sizeof(nr)) == -1)
		fatal("%s: compose", __func__);
}

static int
persona_queue(uint16_t queue, char *why, size_t len)
{
	int	one = 1;

	if ((nfq = nfq_open()) == NULL) {
		(void)snprintf(why, len, "no NFQUEUE: %s", strerror(errno));
		return (-1);
	}
	if ((nfq_q = nfq_create_queue(nfq, queue, persona_packet,
	    NULL)) == NULL) {
		(void)snprintf(why, len, "NFQUEUE %u: %s", queue,
		    strerror(errno));
		return (-1);
	}
	if (nfq_set_mode(nfq_q, NFQNL_COPY_PACKET, 0xffff) == -1 ||
	    nfq_set_queue_maxlen(nfq_q, PERSONA_QLEN) == -1) {
		(void)snprintf(why, len, "NFQUEUE %u: %s", queue,
		    strerror(errno));
		return (-1);
	}
	/*
	 * Room for a burst: a packet that finds the socket full is lost to
	 * us, and one that finds the queue full passes unrewritten.
	 */
	if (nfnl_rcvbufsiz(nfq_nfnlh(nfq), PERSONA_RCVBUF) < PERSONA_RCVBUF / 2)
		log_warnx("persona: a smaller socket buffer than asked for");
	if (setsockopt(nfq_fd(nfq), SOL_NETLINK, NETLINK_NO_ENOBUFS, &one,
	    sizeof(one)) == -1)
		log_warn("%s: NETLINK_NO_ENOBUFS", __func__);
	/* a full queue lets packets pass rather than stall the host */
	if (nfq_set_queue_flags(nfq_q, NFQA_CFG_F_FAIL_OPEN,
	    NFQA_CFG_F_FAIL_OPEN) == -1)
		log_warn("%s: fail-open", __func__);
	/*
	 * Whole GSO packets, one trip for up to 64 kB: the rewriter makes
	 * full checksums of what it changes, and the kernel segments later.
	 */
	if (nfq_set_queue_flags(nfq_q, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO) == -1)
		log_warn("%s: GSO", __func__);
	return (0);
}

static void
persona_read(int fd, short ev, void *arg)
{
	static char	 buf[PERSONA_BUF + 1024];
	ssize_t		 n;
	int		 i;

	(void)ev;
	(void)arg;
	/* a few at a time, so that the parent's channel is not starved */
	for (i = 0; i < 64; i++) {
		if ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			if (errno == ENOBUFS) {
				log_warnx("persona: queue overran");
				continue;
			}
			fatal("%s: recv", __func__);
		}
		(void)nfq_handle_packet(nfq, buf, (int)n);
	}
}

static int
persona_packet(struct nfq_q_handle *qh, struct nfgenmsg *nfmsg,
    struct nfq_data *nfa, void *data)
{
	struct nfqnl_msg_packet_hdr	*ph;
	struct timespec			 ts;
	unsigned char			*p;
	uint8_t				*pkt;
	size_t				 len, cap;
	uint32_t			 id, now;
	int				 n, out, v;

	(void)nfmsg;
	(void)data;
	if ((ph = nfq_get_msg_packet_hdr(nfa)) == NULL)
		return (0);
	id = ntohl(ph->packet_id);
	if ((n = nfq_get_payload(nfa, &p)) < 0 || (size_t)n > PERSONA_BUF)
		return (nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL));
	len = (size_t)n;
	out = ph->hook == NF_INET_LOCAL_OUT;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint32_t)((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	/*
	 * A big packet (a GSO one of a bulk stream) is rewritten where it
	 * lies in the receive buffer, with no room to grow: only a SYN+ACK
	 * or a reset grows, and those are small.  Small ones are copied.
	 */
	if (len > PERSONA_INPLACE) {
		pkt = p;
		cap = len;
	} else {
		memcpy(pktbuf, p, len);
		pkt = pktbuf;
		cap = sizeof(pktbuf);
	}
	v = prw_packet(&rw, out, pkt, &len, cap, now);
	if (v == PRW_DROP)
		return (nfq_set_verdict(qh, id, NF_DROP, 0, NULL));
	/*
	 * Unchanged goes back without its bytes: the kernel keeps its own
	 * checksum state, which for a segment of ours may be only partial.
	 */
	if (v == PRW_ACCEPT)
		return (nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL));
	return (nfq_set_verdict(qh, id, NF_ACCEPT, (uint32_t)len, pkt));
}

/* Leave the kernel as we found it: packets flow again unqueued. */
static void
persona_shutdown(void)
{
	char	why[HS_REASONLEN];

	if (rules_in && pr_remove(why, sizeof(why)) == -1)
		log_warnx("persona: %s", why);
	rules_in = 0;
	if (nfq_q != NULL)
		(void)nfq_destroy_queue(nfq_q);
	nfq_q = NULL;
}

static int
persona_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct alias_msg	 am;
	struct phost		*ph;
	char			 why[HS_REASONLEN];
	uint32_t		 id = imsg_get_id(imsg);
	int			 isnew;

	if (proc_child_common(iev, imsg))
		return (0);
	switch (imsg_get_type(imsg)) {
	case IMSG_PERSONA_SET:
		if (imsg_get_data(imsg, &am, sizeof(am)) == -1)
			fatalx("%s: IMSG_PERSONA_SET: bad size", __func__);
		if (persona_check(&am, why, sizeof(why)) == -1) {
			persona_result(id, &am, why);
			return (0);
		}
		if (off_reason[0] != '\0') {
			(void)snprintf(why, sizeof(why),
			    "personalities are off: %s", off_reason);
			persona_result(id, &am, why);
			return (0);
		}
		isnew = persona_find(&am) == NULL;
		if (persona_set(&am, why, sizeof(why)) == -1) {
			persona_result(id, &am, why);
			return (0);
		}
		if (isnew && persona_rules(why, sizeof(why)) == -1)
			fatalx("persona: cannot install the queue rules: %s",
			    why);
		ph = persona_find(&am);
		persona_tell(id, ph);
		persona_tell(0, ph);
		persona_result(id, &ph->ph_msg, NULL);
		return (0);
	case IMSG_PERSONA_GET:
		if (imsg_get_data(imsg, &am, sizeof(am)) == -1)
			fatalx("%s: IMSG_PERSONA_GET: bad size", __func__);
		(void)persona_check(&am, why, sizeof(why));
		if ((ph = persona_find(&am)) == NULL) {
			(void)snprintf(why, sizeof(why), "%s has no "
			    "personality", am.al_addrtext);
			persona_result(id, &am, why);
			return (0);
		}
		persona_tell(id, ph);
		persona_result(id, &ph->ph_msg, NULL);
		return (0);
	default:
		break;
	}
	fatalx("%s: unexpected imsg %u", __func__, imsg_get_type(imsg));
}
