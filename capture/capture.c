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

/* capture: pcap handles, rule sets and passive fingerprints (CAP_NET_RAW only to open). */

/*
 * The child opens its pcap handle while it still holds CAP_NET_RAW, then
 * lets go of every capability and installs its seccomp table before it
 * reads a packet: everything it reads after that is the attacker's.  The
 * parent keeps the list of rules; here each list is compiled on the open
 * handle, a rule at a time and then as the union, and the parent learns
 * whether it took.  The handle's filter is the union of the rules (while
 * capture is enabled) or the SYNs that fingerprinting needs; each rule is
 * run again in userland to tell which, if any, a packet matched.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>

#include <errno.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <jansson.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hs_event.h"
#include "log.h"
#include "proc.h"
#include "capture/capture.h"
#include "capture/decode.h"
#include "capture/flows.h"
#include "capture/hosts.h"

#define CAP_BATCH		256	/* packets per read event */
#define CAP_STATS_INTERVAL	60	/* seconds between stats events */
#define CAP_QUEUE_MAX		8192	/* messages waiting for the parent */
#define CAP_EVENT_MAX		8192	/* bytes of one event line */
#define CAP_DB_MAX		(8 * 1024 * 1024)	/* bytes of p0f.fp */
#define CAP_TIMEOUT_MS		100	/* the longest a packet waits */

struct rule {
	char			*r_expr;
	struct bpf_program	 r_prog;
};

static int		capture_setup(struct imsgev *);
static void		capture_conf(struct imsg *, int);
static void		capture_open(void);
static void		capture_db(int);
static int		capture_dispatch_parent(struct imsgev *, struct imsg *);
static void		capture_rule(struct imsg *);
static void		capture_apply(uint32_t);
static void		capture_enable(uint32_t, int);
static void		capture_result(uint32_t, int, uint32_t, const char *,
			    ...) __attribute__((__format__(printf, 4, 5)));
static int		capture_install(char *const *, size_t, int, char *,
			    size_t);
static void		capture_reinstall(void);
static void		capture_rearm(void);
static void		capture_read(int, short, void *);
static void		capture_packet(u_char *, const struct pcap_pkthdr *,
			    const u_char *);
static int		capture_match(const struct pcap_pkthdr *,
			    const u_char *);
static void		capture_packet_event(const struct pkt *,
			    const struct pcap_pkthdr *, int);
static void		capture_summary(const struct flow_sum *);
static void		capture_payload_send(const struct pkt *,
			    const struct pcap_pkthdr *);
static void		capture_tick(int, short, void *);
static void		capture_stats_timer(int, short, void *);
static void		capture_stats_update(void);
static void		capture_stats_event(void);
static void		capture_stats_fill(struct cap_stats_msg *);

static struct imsgev	*iev_parent;
static char		 sensor[HS_NAMELEN];
static struct capture_msg conf;
static pcap_t		*cap;		/* live, or dead: compiling only */
static int		 cap_live;
static char		 cap_why[128];	/* why it is not live */
static int		 cap_dlt;
static bpf_u_int32	 cap_mask = PCAP_NETMASK_UNKNOWN;
static int		 cap_enabled;
static struct bpf_program cap_kernel;	/* what the handle runs */
static int		 cap_have_kernel;
static int		 cap_reading;
static struct rule	 rules[HS_MAXFILTERS];
static size_t		 nrules;
static char		*pending[HS_MAXFILTERS];	/* a request's rules */
static size_t		 npending;
static uint32_t		 pending_id;
static struct event	 ev_read, ev_tick, ev_stats;
static struct cap_stats_msg stats;
static struct pcap_stat	 last_ps;

__attribute__((__noreturn__)) void
capture_main(const struct proc_def *pd)
{
	struct hello_msg	 hm;
	struct timeval		 tick = { 1, 0 };
	struct timeval		 every = { CAP_STATS_INTERVAL, 0 };
	int			 dbfd;

	proc_child_init(pd, &hm);
	proc_child_jail(pd, &hm);
	iev_parent = proc_child_iev();
	/* Jailed, holding CAP_NET_RAW alone: what to open comes next. */
	dbfd = capture_setup(iev_parent);
	capture_open();
	capture_db(dbfd);
	proc_child_setup_done(pd, &hm);

	/* From here on no capability, no file, and packets to read. */
	if (cap_live)
		event_set(&ev_read, pcap_get_selectable_fd(cap),
		    EV_READ | EV_PERSIST, capture_read, NULL);
	event_set(&ev_tick, -1, EV_PERSIST, capture_tick, NULL);
	event_set(&ev_stats, -1, EV_PERSIST, capture_stats_timer, NULL);
	if (event_add(&ev_tick, &tick) == -1 ||
	    event_add(&ev_stats, &every) == -1)
		fatal("%s: event_add", __func__);
	capture_rearm();
	proc_child_run(pd, capture_dispatch_parent);
}

/*
 * Before the handle can be opened we must know where: the parent's node
 * name, the settings and the p0f database arrive first, ending in
 * IMSG_CFG_DONE.  Returns the database's fd, or -1.
 */
static int
capture_setup(struct imsgev *iev)
{
	struct imsg	 imsg;
	int		 done = 0, dbfd = -1, have = 0;

	while (!done) {
		proc_child_next(iev, &imsg);
		switch (imsg_get_type(&imsg)) {
		case IMSG_CFG_NODE:
			capture_conf(&imsg, 0);
			break;
		case IMSG_CAP_CONFIG:
			if (have)
				fatalx("%s: IMSG_CAP_CONFIG: twice", __func__);
			capture_conf(&imsg, 1);
			dbfd = imsg_get_fd(&imsg);
			have = 1;
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
	return (dbfd);
}

/*
 * The node's name, or the settings.  The interface, snaplen and ring are
 * read at start only: a handle cannot be opened again without
 * CAP_NET_RAW, so the parent warns that a change needs a restart.
 */
static void
capture_conf(struct imsg *imsg, int settings)
{
	struct node_msg		 nm;
	struct capture_msg	 cm;

	if (!settings) {
		if (imsg_get_data(imsg, &nm, sizeof(nm)) == -1 ||
		    memchr(nm.nm_name, '\0', sizeof(nm.nm_name)) == NULL)
			fatalx("%s: IMSG_CFG_NODE: bad message", __func__);
		(void)strlcpy(sensor, nm.nm_name, sizeof(sensor));
		return;
	}
	if (imsg_get_data(imsg, &cm, sizeof(cm)) == -1 ||
	    memchr(cm.cm_interface, '\0', sizeof(cm.cm_interface)) == NULL ||
	    cm.cm_interface[0] == '\0' ||
	    memchr(cm.cm_fp_database, '\0',
	    sizeof(cm.cm_fp_database)) == NULL ||
	    cm.cm_snaplen < 64 || cm.cm_snaplen > 262144 ||
	    cm.cm_ring < 65536 || cm.cm_ring > 1073741824 ||
	    (cm.cm_fp_packets & ~HS_FP_ALL) != 0 ||
	    (cm.cm_fp_fuzzy != 0 && cm.cm_fp_fuzzy != 1))
		fatalx("%s: IMSG_CAP_CONFIG: bad message", __func__);
	if (conf.cm_interface[0] == '\0') {
		conf = cm;
		return;
	}
	conf.cm_fp_packets = cm.cm_fp_packets;
	conf.cm_fp_fuzzy = cm.cm_fp_fuzzy;
	hosts_configure(cm.cm_fp_packets, cm.cm_fp_fuzzy);
}

/*
 * Open the interface while CAP_NET_RAW is still ours.  An interface that
 * cannot be opened leaves a dead handle, good for checking rules only;
 * the parent decides whether that is fatal (capture.enabled) or not.
 */
static void
capture_open(void)
{
	static struct bpf_insn	 reject[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct bpf_program	 none = { 1, reject };
	char			 errbuf[PCAP_ERRBUF_SIZE];
	bpf_u_int32		 net, mask;
	int			 rv;

	errbuf[0] = '\0';
	if ((cap = pcap_create(conf.cm_interface, errbuf)) == NULL) {
		(void)strlcpy(cap_why, errbuf, sizeof(cap_why));
		goto dead;
	}
	/*
	 * Blocks, not packets: the kernel hands over a block of the ring
	 * when it is full or CAP_TIMEOUT_MS after its first packet, so a
	 * flood costs a wake-up per block instead of one per packet (in
	 * immediate mode the context switches alone lost packets at 200k/s
	 * that tcpdump kept).  An event waits at most that long.
	 * Promiscuous: the fake hosts have MAC addresses of their own, and
	 * their traffic is what we are here to see.
	 */
	if (pcap_set_snaplen(cap, conf.cm_snaplen) != 0 ||
	    pcap_set_buffer_size(cap, (int)conf.cm_ring) != 0 ||
	    pcap_set_promisc(cap, 1) != 0 ||
	    pcap_set_immediate_mode(cap, 0) != 0 ||
	    pcap_set_timeout(cap, CAP_TIMEOUT_MS) != 0)
		fatalx("%s: cannot set up a pcap handle", __func__);
	if ((rv = pcap_activate(cap)) < 0) {
		(void)strlcpy(cap_why, pcap_geterr(cap)[0] != '\0' ?
		    pcap_geterr(cap) : pcap_statustostr(rv), sizeof(cap_why));
		pcap_close(cap);
		goto dead;
	}
	if (rv > 0)
		log_warnx("capture on %s: %s", conf.cm_interface,
		    pcap_geterr(cap));
	if (pcap_setnonblock(cap, 1, errbuf) == -1)
		fatalx("%s: %s: %s", __func__, conf.cm_interface, errbuf);
	/* Nothing is wanted until the rules say what. */
	if (pcap_setfilter(cap, &none) == -1)
		fatalx("%s: %s: %s", __func__, conf.cm_interface,
		    pcap_geterr(cap));
	/* For "ip broadcast" and the like; unknown is fine otherwise. */
	if (pcap_lookupnet(conf.cm_interface, &net, &mask, errbuf) == 0)
		cap_mask = mask;
	cap_dlt = pcap_datalink(cap);
	cap_live = 1;
	log_debug("capturing on %s (%s)", conf.cm_interface,
	    pcap_datalink_val_to_name(cap_dlt));
	return;
 dead:
	log_debug("no capture on %s: %s", conf.cm_interface, cap_why);
	if ((cap = pcap_open_dead(DLT_EN10MB, conf.cm_snaplen)) == NULL)
		fatalx("%s: pcap_open_dead", __func__);
	cap_dlt = DLT_EN10MB;
}

/*
 * The p0f database, read from the fd the parent opened: the jail has no
 * files.  A database that does not load turns fingerprinting off, loudly.
 */
static void
capture_db(int fd)
{
	char	*buf = NULL;
	size_t	 len = 0, size = 0;
	ssize_t	 n;

	if (fd == -1) {
		hosts_init(NULL, 0, conf.cm_fp_database, conf.cm_fp_packets,
		    conf.cm_fp_fuzzy);
		return;
	}
	for (;;) {
		if (len == size) {
			if (size == CAP_DB_MAX) {
				log_warnx("fingerprint.database %s: larger "
				    "than %d bytes; fingerprinting off",
				    conf.cm_fp_database, CAP_DB_MAX);
				goto fail;
			}
			size = size == 0 ? 65536 : size * 2;
			if (size > CAP_DB_MAX)
				size = CAP_DB_MAX;
			if ((buf = realloc(buf, size)) == NULL)
				fatal("%s: realloc", __func__);
		}
		if ((n = read(fd, buf + len, size - len)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("fingerprint.database %s: read; "
			    "fingerprinting off", conf.cm_fp_database);
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	/* It says why itself when the file does not load. */
	hosts_init(buf, len, conf.cm_fp_database, conf.cm_fp_packets,
	    conf.cm_fp_fuzzy);
	free(buf);
	return;
 fail:
	close(fd);
	free(buf);
	hosts_init(NULL, 0, conf.cm_fp_database, 0, 0);
}

static int
capture_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct cap_stats_msg	 cs;
	uint32_t		 type = imsg_get_type(imsg);

	/* Counters first, so the parent has them when the status comes. */
	if (type == IMSG_STATUS_REQ) {
		capture_stats_update();
		capture_stats_fill(&cs);
		if (imsgev_compose(iev, IMSG_CAP_STATS, imsg_get_id(imsg), 0,
		    -1, &cs, sizeof(cs)) == -1)
			fatal("%s: compose", __func__);
	}
	if (proc_child_common(iev, imsg))
		return (0);
	switch (type) {
	case IMSG_CFG_NODE:
		capture_conf(imsg, 0);
		break;
	case IMSG_CAP_CONFIG:
		if (imsg_get_fd(imsg) != -1)
			fatalx("%s: IMSG_CAP_CONFIG: a second database",
			    __func__);
		capture_conf(imsg, 1);
		/* Fingerprinting may want other packets now. */
		capture_reinstall();
		capture_rearm();
		break;
	case IMSG_CFG_DONE:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: IMSG_CFG_DONE: bad size", __func__);
		break;
	case IMSG_CAP_RULE:
		capture_rule(imsg);
		break;
	case IMSG_CAP_APPLY:
		if (imsg_get_len(imsg) != 0 || (npending > 0 &&
		    imsg_get_id(imsg) != pending_id))
			fatalx("%s: IMSG_CAP_APPLY: bad message", __func__);
		capture_apply(imsg_get_id(imsg));
		break;
	case IMSG_CAP_ENABLE:
	case IMSG_CAP_DISABLE:
		if (imsg_get_len(imsg) != 0 || npending > 0)
			fatalx("%s: IMSG_CAP_%sABLE: bad message", __func__,
			    type == IMSG_CAP_ENABLE ? "EN" : "DIS");
		capture_enable(imsg_get_id(imsg), type == IMSG_CAP_ENABLE);
		break;
	default:
		fatalx("%s: unexpected imsg %u", __func__, type);
	}
	return (0);
}

/*
 * One rule of a request.  The parent checked it (printable, bounded);
 * we check again, because a rule is text that pcap's parser will see.
 */
static void
capture_rule(struct imsg *imsg)
{
	char	 expr[HS_FILTERLEN];
	size_t	 i;

	if (npending > 0 && imsg_get_id(imsg) != pending_id)
		fatalx("%s: rules of two requests mixed", __func__);
	if (npending == HS_MAXFILTERS)
		fatalx("%s: more than %d rules", __func__, HS_MAXFILTERS);
	if (imsg_get_len(imsg) == 0 ||
	    imsg_get_strbuf(imsg, expr, sizeof(expr)) == -1 ||
	    strlen(expr) + 1 != imsg_get_len(imsg) || expr[0] == '\0')
		fatalx("%s: IMSG_CAP_RULE: bad message", __func__);
	for (i = 0; expr[i] != '\0'; i++)
		if ((unsigned char)expr[i] < 0x20 ||
		    (unsigned char)expr[i] > 0x7e)
			fatalx("%s: IMSG_CAP_RULE: not printable", __func__);
	pending_id = imsg_get_id(imsg);
	if ((pending[npending++] = strdup(expr)) == NULL)
		fatal("%s: strdup", __func__);
}

/*
 * The rules of a request become the rules, all or nothing: each alone
 * must compile, then their union, then the handle must take it.  Any
 * failure leaves the running filter as it was.
 */
static void
capture_apply(uint32_t id)
{
	struct rule	 nr[HS_MAXFILTERS];
	char		 why[HS_REASONLEN];
	size_t		 i, n = npending, done = 0;

	memset(nr, 0, sizeof(nr));
	for (i = 0; i < n; i++) {
		if (pcap_compile(cap, &nr[i].r_prog, pending[i], 1,
		    cap_mask) == -1) {
			capture_result(id, 0, (uint32_t)i + 1, "%s",
			    pcap_geterr(cap));
			goto fail;
		}
		done++;
	}
	if (capture_install(pending, n, cap_enabled, why, sizeof(why)) ==
	    -1) {
		capture_result(id, 0, 0, "%s", why);
		goto fail;
	}
	for (i = 0; i < nrules; i++) {
		free(rules[i].r_expr);
		pcap_freecode(&rules[i].r_prog);
	}
	for (i = 0; i < n; i++) {
		rules[i].r_expr = pending[i];
		rules[i].r_prog = nr[i].r_prog;
		pending[i] = NULL;
	}
	nrules = n;
	npending = 0;
	stats.cs_rules = (uint32_t)nrules;
	log_debug("%zu rule%s on %s", nrules, nrules == 1 ? "" : "s",
	    conf.cm_interface);
	capture_result(id, 1, 0, "%s", "");
	return;
 fail:
	for (i = 0; i < done; i++)
		pcap_freecode(&nr[i].r_prog);
	for (i = 0; i < n; i++) {
		free(pending[i]);
		pending[i] = NULL;
	}
	npending = 0;
}

static void
capture_enable(uint32_t id, int on)
{
	char	*texts[HS_MAXFILTERS];
	char	 why[HS_REASONLEN];
	size_t	 i;
	int	 was = cap_enabled;

	if (on && !cap_live) {
		capture_result(id, 0, 0, "no capture on %s: %s",
		    conf.cm_interface, cap_why);
		return;
	}
	for (i = 0; i < nrules; i++)
		texts[i] = rules[i].r_expr;
	if (capture_install(texts, nrules, on, why, sizeof(why)) == -1) {
		capture_result(id, 0, 0, "%s", why);
		return;
	}
	cap_enabled = on;
	stats.cs_enabled = on;
	capture_rearm();
	if (was && !on) {
		/* The last word on this run of capture. */
		capture_stats_update();
		capture_stats_event();
	}
	log_debug("capture on %s %s", conf.cm_interface,
	    on ? "enabled" : "disabled");
	capture_result(id, 1, 0, "%s", "");
}

static void
capture_result(uint32_t id, int ok, uint32_t rule, const char *fmt, ...)
{
	struct cap_result	 cr;
	va_list			 ap;

	memset(&cr, 0, sizeof(cr));
	cr.cr_ok = ok;
	cr.cr_rule = rule;
	va_start(ap, fmt);
	(void)vsnprintf(cr.cr_reason, sizeof(cr.cr_reason), fmt, ap);
	va_end(ap);
	if (imsgev_compose(iev_parent, IMSG_CAP_RESULT, id, 0, -1, &cr,
	    sizeof(cr)) == -1)
		fatal("%s: compose", __func__);
}

/*
 * Compile what the handle should pass and give it to the handle: the
 * union of the rules while enabled, or'ed with what fingerprinting needs.
 * The union is compiled even when it will not run, so that a request is
 * refused now and not at the next enablePcap.  On failure the handle
 * keeps what it had.
 */
static int
capture_install(char *const *texts, size_t n, int enabled, char *why,
    size_t len)
{
	struct bpf_program	 prog;
	const char		*fp = hosts_filter();
	char			*expr = NULL;
	size_t			 i, size = 1;
	int			 rv = -1;

	for (i = 0; i < n; i++)
		size += strlen(texts[i]) + sizeof(" or ()");
	if (fp != NULL)
		size += strlen(fp) + sizeof(" or ()");
	if ((expr = calloc(1, size)) == NULL)
		fatal("%s: calloc", __func__);
	for (i = 0; i < n; i++) {
		if (i > 0)
			(void)strlcat(expr, " or ", size);
		(void)strlcat(expr, "(", size);
		(void)strlcat(expr, texts[i], size);
		(void)strlcat(expr, ")", size);
	}
	if (n > 0) {
		if (pcap_compile(cap, &prog, expr, 1, cap_mask) == -1) {
			(void)snprintf(why, len, "the rules together: %s",
			    pcap_geterr(cap));
			goto done;
		}
		pcap_freecode(&prog);
	}
	if (!enabled)
		expr[0] = '\0';
	if (fp != NULL) {
		if (expr[0] != '\0')
			(void)strlcat(expr, " or ", size);
		(void)strlcat(expr, "(", size);
		(void)strlcat(expr, fp, size);
		(void)strlcat(expr, ")", size);
	}
	if (expr[0] == '\0') {
		/* Nothing wanted: a program that takes no packet. */
		prog.bf_len = 1;
		if ((prog.bf_insns = calloc(1, sizeof(*prog.bf_insns))) ==
		    NULL)
			fatal("%s: calloc", __func__);
		prog.bf_insns[0].code = BPF_RET | BPF_K;
		prog.bf_insns[0].k = 0;
	} else if (pcap_compile(cap, &prog, expr, 1, cap_mask) == -1) {
		(void)snprintf(why, len, "%s", pcap_geterr(cap));
		goto done;
	}
	if (cap_live && pcap_setfilter(cap, &prog) == -1) {
		(void)snprintf(why, len, "%s", pcap_geterr(cap));
		pcap_freecode(&prog);
		if (cap_have_kernel && pcap_setfilter(cap, &cap_kernel) == -1)
			fatalx("%s: %s: cannot restore the filter: %s",
			    __func__, conf.cm_interface, pcap_geterr(cap));
		goto done;
	}
	if (cap_have_kernel)
		pcap_freecode(&cap_kernel);
	cap_kernel = prog;
	cap_have_kernel = 1;
	rv = 0;
 done:
	free(expr);
	return (rv);
}

/* The rules as they are, with what fingerprinting wants now. */
static void
capture_reinstall(void)
{
	char	*texts[HS_MAXFILTERS];
	char	 why[HS_REASONLEN];
	size_t	 i;

	for (i = 0; i < nrules; i++)
		texts[i] = rules[i].r_expr;
	if (capture_install(texts, nrules, cap_enabled, why, sizeof(why)) ==
	    -1)
		log_warnx("capture on %s: filter unchanged: %s",
		    conf.cm_interface, why);
}

/* Read while there is anything to read for. */
static void
capture_rearm(void)
{
	int	 want;

	want = cap_live && (cap_enabled || hosts_filter() != NULL);
	if (want && !cap_reading) {
		if (event_add(&ev_read, NULL) == -1)
			fatal("%s: event_add", __func__);
	} else if (!want && cap_reading)
		event_del(&ev_read);
	cap_reading = want;
}

static void
capture_read(int fd, short event, void *arg)
{
	struct timespec	 now;

	(void)fd;
	(void)event;
	(void)arg;
	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		fatal("%s: clock_gettime", __func__);
	flows_tick(now.tv_sec, capture_summary);
	/* A handle that fails now has lost its interface: start over. */
	if (pcap_dispatch(cap, CAP_BATCH, capture_packet, NULL) ==
	    PCAP_ERROR)
		fatalx("capture on %s: %s", conf.cm_interface,
		    pcap_geterr(cap));
}

static void
capture_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct pkt	 p;
	int		 rule;

	(void)arg;
	(void)pkt_decode(&p, cap_dlt, bytes, h->caplen, h->len);
	if (cap_enabled && (rule = capture_match(h, bytes)) != -1) {
		stats.cs_matched++;
		if (flows_admit(&p, &h->ts))
			capture_packet_event(&p, h, rule);
		else
			stats.cs_summarized++;
	}
	hosts_packet(&p, &h->ts);
}

/* The first rule that matches, or -1: the handle passes SYNs for p0f too. */
static int
capture_match(const struct pcap_pkthdr *h, const u_char *bytes)
{
	size_t	 i;

	for (i = 0; i < nrules; i++)
		if (pcap_offline_filter(&rules[i].r_prog, h, bytes) != 0)
			return ((int)i);
	return (-1);
}

int
capture_set_stamp(json_t *ev, const char *key, const struct timeval *tv)
{
	struct timespec	 ts;
	char		 stamp[EVENT_TIMESTAMP_LEN];

	ts.tv_sec = tv->tv_sec;
	ts.tv_nsec = (long)tv->tv_usec * 1000;
	if (ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L ||
	    hs_event_timestamp(stamp, sizeof(stamp), &ts) == -1)
		return (-1);
	return (hs_event_set_str(ev, key, stamp));
}

int
capture_set_mac(json_t *ev, const char *key, const uint8_t *mac)
{
	char	 text[18];

	(void)snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x",
	    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return (hs_event_set_str(ev, key, text));
}

/*
 * honeyspy.packet.match: the packet's time, where it came in, its link
 * and IP headers and its flow.  The fields follow the original design's
 * log line: MACs, version, TOS, length, ID, protocol, flags, TTL.
 */
static void
capture_packet_event(const struct pkt *p, const struct pcap_pkthdr *h,
    int rule)
{
	static const char	 letters[] = "FSRPAUECN";
	json_t			*ev;
	char			 flags[sizeof(letters)];
	uint16_t		 sport, dport;
	int			 i, n, ipflags, rv = 0;

	if ((ev = capture_event_new("honeyspy.packet.match")) == NULL) {
		log_warnx("%s: cannot build event", __func__);
		return;
	}
	rv |= capture_set_stamp(ev, "timestamp", &h->ts);
	rv |= hs_event_set_str(ev, "filter", rules[rule].r_expr);
	rv |= hs_event_set_int(ev, "length", h->len);
	if (p->p_flags & PKT_F_ETHER) {
		rv |= capture_set_mac(ev, "src_mac", p->p_ethsrc);
		if (p->p_dlt == DLT_EN10MB)
			rv |= capture_set_mac(ev, "dst_mac", p->p_ethdst);
	}
	if (p->p_flags & PKT_F_VLAN)
		rv |= hs_event_set_int(ev, "vlan", p->p_vlan);
	if (!(p->p_flags & PKT_F_IP)) {
		rv |= hs_event_set_int(ev, "ethertype", p->p_ethertype);
		goto send;
	}
	rv |= hs_event_set_int(ev, "ip_version", p->p_ipver);
	rv |= hs_event_set_int(ev, "ip_tos", p->p_tos);
	rv |= hs_event_set_int(ev, "ip_length", p->p_iplen);
	rv |= hs_event_set_int(ev, "ip_ttl", p->p_ttl);
	if (p->p_af == AF_INET) {
		/* As on the wire: 4 reserved, 2 don't fragment, 1 more. */
		ipflags = ((p->p_ipflags & PKT_IP_RES) ? 4 : 0) |
		    ((p->p_ipflags & PKT_IP_DF) ? 2 : 0) |
		    ((p->p_ipflags & PKT_IP_MF) ? 1 : 0);
		rv |= hs_event_set_int(ev, "ip_id", p->p_ipid);
		rv |= hs_event_set_int(ev, "ip_flags", ipflags);
	} else
		rv |= hs_event_set_int(ev, "ip_flow", p->p_flow);
	flows_ports(p, &sport, &dport);
	if (hs_event_set_flow(ev, p->p_af, p->p_src, p->p_dst, p->p_proto,
	    sport, dport) == -1)
		rv = -1;
	if (p->p_flags & PKT_F_TCP) {
		for (i = 0, n = 0; letters[i] != '\0'; i++)
			if (p->p_tcpflags & (1 << i))
				flags[n++] = letters[i];
		flags[n] = '\0';
		rv |= hs_event_set_str(ev, "tcp_flags", flags);
		rv |= hs_event_set_int(ev, "tcp_window", p->p_win);
	}
	rv |= hs_event_set_int(ev, "payload_length",
	    (long long)p->p_wirepaylen);
	if (p->p_flags & PKT_F_FRAG)
		rv |= hs_event_set_int(ev, "fragment_offset", p->p_fragoff);
	if (p->p_flags & PKT_F_TRUNC)
		rv |= json_object_set_new(ev, "truncated", json_true());
	if (p->p_flags & PKT_F_BAD)
		rv |= json_object_set_new(ev, "malformed", json_true());
 send:
	if (rv != 0) {
		log_warnx("%s: cannot build event", __func__);
		json_decref(ev);
		return;
	}
	stats.cs_events++;
	capture_event_send(ev);
	if ((p->p_flags & PKT_F_IP) && p->p_paylen > 0)
		capture_payload_send(p, h);
}

/*
 * The payload of a packet that made an event goes on to the analyser
 * (through the parent and the superserver), so exploits are found in
 * captured traffic too.  A flood is already cut down to its events.
 */
static void
capture_payload_send(const struct pkt *p, const struct pcap_pkthdr *h)
{
	struct packet_msg	 pm;
	struct ibuf		*b;
	uint16_t		 sport, dport;
	size_t			 n;

	if (imsgbuf_queuelen(&iev_parent->ibuf) >= CAP_QUEUE_MAX)
		return;
	memset(&pm, 0, sizeof(pm));
	pm.pm_af = p->p_af;
	memcpy(pm.pm_src, p->p_src, sizeof(pm.pm_src));
	memcpy(pm.pm_dst, p->p_dst, sizeof(pm.pm_dst));
	pm.pm_proto = p->p_proto;
	flows_ports(p, &sport, &dport);
	pm.pm_sport = sport;
	pm.pm_dport = dport;
	pm.pm_sec = h->ts.tv_sec;
	pm.pm_usec = (int32_t)h->ts.tv_usec;
	n = p->p_paylen > HS_DETECT_CHUNK ? HS_DETECT_CHUNK : p->p_paylen;
	/* A header that claims less than was captured: say what we have. */
	pm.pm_length = p->p_wirepaylen > n ? p->p_wirepaylen : n;
	if ((b = imsg_create(&iev_parent->ibuf, IMSG_CAP_PAYLOAD, 0, 0,
	    sizeof(pm) + n)) == NULL ||
	    imsg_add(b, &pm, sizeof(pm)) == -1 ||
	    imsg_add(b, p->p_payload, n) == -1)
		fatal("%s: imsg_create", __func__);
	imsg_close(&iev_parent->ibuf, b);
	imsgev_add(iev_parent);
}

/* honeyspy.packet.summary: what a flow sent past its share of events. */
static void
capture_summary(const struct flow_sum *fs)
{
	json_t	*ev;
	int	 rv = 0;

	if ((ev = capture_event_new("honeyspy.packet.summary")) == NULL) {
		log_warnx("%s: cannot build event", __func__);
		return;
	}
	rv |= hs_event_set_int(ev, "count", (long long)fs->fs_count);
	rv |= hs_event_set_int(ev, "bytes", (long long)fs->fs_bytes);
	rv |= hs_event_set_int(ev, "events", (long long)fs->fs_events);
	rv |= hs_event_set_int(ev, "window", 1);
	rv |= capture_set_stamp(ev, "first", &fs->fs_first);
	rv |= capture_set_stamp(ev, "last", &fs->fs_last);
	if (fs->fs_untracked) {
		rv |= json_object_set_new(ev, "untracked", json_true());
		goto send;
	}
	if (fs->fs_ether) {
		rv |= capture_set_mac(ev, "src_mac", fs->fs_ethsrc);
		if (cap_dlt == DLT_EN10MB)
			rv |= capture_set_mac(ev, "dst_mac", fs->fs_ethdst);
	}
	if (fs->fs_af == 0)
		rv |= hs_event_set_int(ev, "ethertype", fs->fs_ethertype);
	else if (hs_event_set_flow(ev, fs->fs_af, fs->fs_src, fs->fs_dst,
	    fs->fs_proto, fs->fs_sport, fs->fs_dport) == -1)
		rv = -1;
 send:
	if (rv != 0) {
		log_warnx("%s: cannot build event", __func__);
		json_decref(ev);
		return;
	}
	capture_event_send(ev);
}

/*
 * Once a second: close the flood window even when traffic stopped, and
 * bring the parent's table of hosts up to date.
 */
static void
capture_tick(int fd, short event, void *arg)
{
	struct timespec	 now;

	(void)fd;
	(void)event;
	(void)arg;
	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		fatal("%s: clock_gettime", __func__);
	flows_tick(now.tv_sec, capture_summary);
	hosts_tick();
}

static void
capture_stats_timer(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	(void)arg;
	capture_stats_update();
	if (cap_enabled)
		capture_stats_event();
}

/*
 * pcap's counters are 32 bits and wrap; ours are the sums of their
 * differences.
 */
static void
capture_stats_update(void)
{
	struct pcap_stat	 ps;

	if (!cap_live)
		return;
	if (pcap_stats(cap, &ps) == -1) {
		log_warnx("capture on %s: %s", conf.cm_interface,
		    pcap_geterr(cap));
		return;
	}
	stats.cs_received += (uint32_t)(ps.ps_recv - last_ps.ps_recv);
	stats.cs_dropped += (uint32_t)(ps.ps_drop - last_ps.ps_drop);
	stats.cs_ifdropped += (uint32_t)(ps.ps_ifdrop - last_ps.ps_ifdrop);
	last_ps = ps;
}

static void
capture_stats_fill(struct cap_stats_msg *cs)
{
	*cs = stats;
	(void)strlcpy(cs->cs_interface, conf.cm_interface,
	    sizeof(cs->cs_interface));
	(void)strlcpy(cs->cs_why, cap_live ? "" : cap_why,
	    sizeof(cs->cs_why));
	cs->cs_live = cap_live;
	cs->cs_enabled = cap_enabled;
	cs->cs_rules = (uint32_t)nrules;
	cs->cs_fingerprints = hosts_count();
}

/* honeyspy.capture.stats: every minute while enabled, and at the end. */
static void
capture_stats_event(void)
{
	struct cap_stats_msg	 cs;
	json_t			*ev;
	int			 rv = 0;

	capture_stats_fill(&cs);
	if ((ev = capture_event_new("honeyspy.capture.stats")) == NULL) {
		log_warnx("%s: cannot build event", __func__);
		return;
	}
	rv |= json_object_set_new(ev, "enabled", json_boolean(cs.cs_enabled));
	rv |= hs_event_set_int(ev, "rules", cs.cs_rules);
	rv |= hs_event_set_int(ev, "received", (long long)cs.cs_received);
	rv |= hs_event_set_int(ev, "dropped", (long long)cs.cs_dropped);
	rv |= hs_event_set_int(ev, "ifdropped", (long long)cs.cs_ifdropped);
	rv |= hs_event_set_int(ev, "matched", (long long)cs.cs_matched);
	rv |= hs_event_set_int(ev, "events", (long long)cs.cs_events);
	rv |= hs_event_set_int(ev, "summarized",
	    (long long)cs.cs_summarized);
	rv |= hs_event_set_int(ev, "lost", (long long)cs.cs_lost);
	rv |= hs_event_set_int(ev, "fingerprints",
	    (long long)cs.cs_fingerprints);
	if (rv != 0) {
		log_warnx("%s: cannot build event", __func__);
		json_decref(ev);
		return;
	}
	capture_event_send(ev);
}

/* An event with the fields every event of this child has. */
json_t *
capture_event_new(const char *eventid)
{
	json_t	*ev;

	if ((ev = hs_event_new(eventid, sensor)) == NULL)
		return (NULL);
	if (hs_event_set_str(ev, "interface", conf.cm_interface) == -1) {
		json_decref(ev);
		return (NULL);
	}
	return (ev);
}

/*
 * Hand a finished event to the parent, which owns the event log.  When
 * the parent falls behind, events are counted as lost rather than queued
 * without bound: a flood must not cost us our memory.
 */
void
capture_event_send(json_t *ev)
{
	char	*line;

	if (imsgbuf_queuelen(&iev_parent->ibuf) >= CAP_QUEUE_MAX) {
		stats.cs_lost++;
		json_decref(ev);
		return;
	}
	if ((line = hs_event_dump(ev, CAP_EVENT_MAX - 1)) == NULL)
		log_warn("%s: event_dump", __func__);
	else if (imsgev_compose(iev_parent, IMSG_EVENT, 0, 0, -1, line,
	    strlen(line) + 1) == -1)
		fatal("%s: compose", __func__);
	free(line);
	json_decref(ev);
}

void
capture_host_send(const struct host_msg *ho)
{
	if (imsgbuf_queuelen(&iev_parent->ibuf) >= CAP_QUEUE_MAX)
		return;
	if (imsgev_compose(iev_parent, IMSG_CAP_HOST, 0, 0, -1, ho,
	    sizeof(*ho)) == -1)
		fatal("%s: compose", __func__);
}

const char *
capture_ifname(void)
{
	return (conf.cm_interface);
}
