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

/* Wire types shared by every HoneySpy process: no functions here. */

#ifndef HS_PROTO_H
#define HS_PROTO_H

#include <sys/types.h>
#include <sys/socket.h>

#include <limits.h>
#include <stdint.h>

/* Bumped whenever a message below changes shape. */
#define HS_PROTO_VERSION	1

#define HS_PARENT_FD		3	/* a child's channel to its parent */
#define HS_USER			"_honeyspy"
#define HS_CHROOT		"/var/lib/honeyspy/empty"
#define HS_CONFIG		"/etc/honeyspy/honeyspyd.yaml"
#define HS_SOCKET		"/run/honeyspy/honeyspyd.sock"
/* The live-session analyser when it is not beside honeyspyd (make install). */
#ifndef HS_DETECT_PATH
#define HS_DETECT_PATH		"/usr/bin/honeyspy-detect"
#endif
#define HS_NAMELEN		64
#define HS_PERSONALITYLEN	256	/* nmap-os-db names run to 232 bytes */
#define HS_SVC_USER		"_honeyspy-svc"
/*
 * Programs run this much nicer than the daemon, so that the processes
 * every session passes through stay ahead of those attackers drive.
 */
#define HS_SVC_NICE		10
#define HS_SVC_NICE_MAX		19
#define HS_ADDRSTRLEN		48	/* INET6_ADDRSTRLEN and a NUL, rounded */
#define HS_QUERY_TEXTLEN	256	/* getEvents text=: a substring */
#define HS_ARGSLEN		1024	/* a service's argv, NUL-separated */
#define HS_MAXARGS		32
#define HS_EVENT_MAX		(64 * 1024)	/* one JSON event line */
#define HS_PROG_EVENT_MAX	(16 * 1024)	/* one from a service program */
#define HS_CTL_MAXMSG		(1024 * 1024 + 4096)	/* a control message */

enum proc_id {
	PROC_PARENT,
	PROC_NETCTL,
	PROC_CAPTURE,
	PROC_PERSONA,
	PROC_BINDER,
	PROC_SUPERSERVER,
	PROC_SPAWNER,
	PROC_RPC,
	PROC_WEB,
	PROC_OUTFILE,		/* master: outputs of type file */
	PROC_OUTSYSLOG,		/* master: outputs of type syslog */
	PROC_OUTNATS,		/* master: outputs of type nats */
	PROC_OUTWEBHOOK,	/* master: outputs of type webhook */
#ifdef HS_REGRESS
	PROC_REGRESS,		/* test-only child that breaks its sandbox */
#endif
	PROC_MAX
};

/* How the suite runs, decided at start from what it holds. */
enum hs_privmode {
	PRIVMODE_USER,		/* no capabilities */
	PRIVMODE_CAPS,		/* file capabilities, not root */
	PRIVMODE_ROOT
};

enum imsg_type {
	IMSG_NONE,

	/* parent <-> child: start-up and liveness */
	IMSG_HELLO,		/* both ways, peerid = HS_PROTO_VERSION */
	IMSG_STATUS_REQ,	/* parent -> child, peerid = request id */
	IMSG_STATUS,		/* child -> parent, struct proc_status_msg */
	IMSG_LOG,		/* child -> parent, struct log_msg + text */

	/* honeyspyctl <-> parent */
	IMSG_CTL_HELLO,		/* both ways, peerid = HS_PROTO_VERSION */
	IMSG_CTL_STATUS,	/* request: none; reply: struct ctl_status */
	IMSG_CTL_PROC,		/* reply: one struct proc_status_msg each */
	IMSG_CTL_FEATURE,	/* reply: one struct ctl_feature each */
	IMSG_CTL_RELOAD,	/* request: none */
	IMSG_CTL_END,		/* end of a successful reply */
	IMSG_CTL_FAIL,		/* reply: NUL-terminated reason */
	IMSG_CTL_ADDSERVICE,	/* request: struct ctl_service */
	IMSG_CTL_DELSERVICE,	/* request: struct ctl_service (addr/proto/port) */
	IMSG_CTL_GETSERVICES,	/* request: none */
	IMSG_CTL_SERVICE,	/* reply: one struct ctl_service_info each */

	/* parent -> children: configuration, ending in IMSG_CFG_DONE */
	IMSG_CFG_NODE,		/* struct node_msg */
	IMSG_CFG_SERVICE,	/* struct service_msg: add or replace */
	IMSG_CFG_DELSERVICE,	/* peerid = service id */
	IMSG_CFG_DONE,

	/* parent <-> binder */
	IMSG_BIND_REQ,		/* struct bind_msg */
	IMSG_BIND_FD,		/* struct bind_reply, with the fd on success */

	/* parent <-> superserver */
	IMSG_SS_LISTEN,		/* peerid = service id; fd, or none: bind it */
	IMSG_SS_LISTENING,	/* struct bind_reply: listening, or why not */
	IMSG_EVENT,		/* one JSON object, NUL-terminated */
	IMSG_SS_DRAIN,		/* both ways: end every session, then ack */

	/* parent -> superserver and spawner: their shared channel (fd) */
	IMSG_SPAWN_CHAN,

	/* superserver <-> spawner */
	IMSG_SPAWN_PAIR,	/* struct spawn_pair, fd: a program's end */
	IMSG_SPAWN_REQ,		/* struct spawn_msg, fd: the program's end,
				   unless sp_pair names one sent ahead */
	IMSG_SPAWN_STARTED,	/* struct spawn_reply: pid, or errno */
	IMSG_SPAWN_EXIT,	/* struct spawn_reply: wait status */
	IMSG_SPAWN_KILL,	/* struct spawn_reply: session to kill */

	/*
	 * parent -> spawner: how to run the payload analyser (struct
	 * service_msg); parent -> superserver: that it exists (none).
	 */
	IMSG_CFG_DETECT,

	/* superserver <-> analyser, over the analyser's stdin and stdout */
	IMSG_DETECT_DATA,	/* struct detect_data + input bytes */
	IMSG_DETECT_END,	/* struct detect_data: the session ended */
	IMSG_DETECT_FINDING,	/* struct detect_finding_msg */
	IMSG_DETECT_PAYLOAD,	/* struct detect_data + the artifact's bytes */
	IMSG_DETECT_DONE,	/* struct detect_done: nothing more follows */

	/* superserver -> parent: an artifact, in order, then its digest */
	IMSG_ARTIFACT_DATA,	/* struct detect_data + bytes */
	IMSG_ARTIFACT_END,	/* struct detect_done */

	/* honeyspyctl <-> parent: packet capture */
	IMSG_CTL_ADDFILTER,	/* request: struct ctl_filter (expression) */
	IMSG_CTL_DELFILTER,	/* request: struct ctl_filter (number) */
	IMSG_CTL_REPLACEFILTERS,	/* request: rules, NUL-separated */
	IMSG_CTL_GETFILTERS,	/* request: none */
	IMSG_CTL_GETFILTER,	/* request: struct ctl_filter (number) */
	IMSG_CTL_FILTER,	/* reply: one struct ctl_filter each */
	IMSG_CTL_ENABLEPCAP,	/* request: none */
	IMSG_CTL_DISABLEPCAP,	/* request: none */
	IMSG_CTL_CAPTURE,	/* status reply: struct cap_stats_msg */
	IMSG_CTL_GETHOSTS,	/* request: none */
	IMSG_CTL_HOST,		/* reply: one struct host_msg each */

	/*
	 * parent <-> capture.  Set-up is IMSG_CFG_NODE, IMSG_CAP_CONFIG and
	 * IMSG_CFG_DONE, after which the child opens its handle and seals
	 * itself; each change of rules is IMSG_CAP_RULE for every rule, then
	 * IMSG_CAP_APPLY, answered by IMSG_CAP_RESULT.
	 */
	IMSG_CAP_CONFIG,	/* struct capture_msg; fd: the p0f database */
	IMSG_CAP_RULE,		/* peerid = request; an expression + NUL */
	IMSG_CAP_APPLY,		/* peerid = request: the rules sent, as one */
	IMSG_CAP_ENABLE,	/* peerid = request */
	IMSG_CAP_DISABLE,	/* peerid = request */
	IMSG_CAP_RESULT,	/* peerid = request; struct cap_result */
	IMSG_CAP_STATS,		/* peerid = status request; cap_stats_msg */
	IMSG_CAP_HOST,		/* struct host_msg: a host fingerprinted */
	IMSG_CAP_PAYLOAD,	/* struct packet_msg + a matched packet's payload */

	/* parent -> superserver: what capture learnt, for sessions */
	IMSG_SS_HOST,		/* struct host_msg: a source's os */
	IMSG_SS_PACKET,		/* struct packet_msg + payload, to analyse */

	/* honeyspyctl and the rpc child <-> parent: more calls */
	IMSG_CTL_KILL,		/* request: none; the node stops after END */
	IMSG_CTL_GETSENSORS,	/* request: none; reply: IMSG_CTL_JSON each */
	IMSG_CTL_GETEVENTS,	/* request: struct ctl_query; reply: */
	IMSG_CTL_JSON,		/*   one JSON object each, NUL-terminated, */
	IMSG_CTL_CURSOR,	/*   then struct ctl_cursor */
	IMSG_CTL_SETCONFIG,	/* request: struct ctl_config + YAML + NUL */
	IMSG_CTL_GETCONFIG,	/* request: struct ctl_config; reply: JSON */

	/*
	 * parent <-> rpc.  Set-up is IMSG_CFG_NODE, IMSG_RPC_CONFIG and
	 * IMSG_CFG_DONE; the child reads its keys, then jails itself.
	 */
	IMSG_RPC_CONFIG,	/* struct rpc_config_msg */
	IMSG_RPC_CTL,		/* fd: the child's own control connection */
	IMSG_RPC_CRL,		/* a piece of the CRL; peerid 1: the last */
	IMSG_RPC_LINK,		/* sensor: peerid = link, data: int32 up */
	IMSG_RPC_EVENTS,	/* sensor: peerid = link; struct rpc_record + */
				/*   its JSON, one after the other */
	IMSG_RPC_ACK,		/* peerid = link; uint64_t: all up to it */
	IMSG_RPC_STORE,		/* master: struct rpc_store_msg + JSON */
	IMSG_RPC_SENSOR,	/* master: struct rpc_sensor_msg */
	IMSG_RPC_PUSH,		/* master: peerid = link; YAML + NUL */
	IMSG_RPC_LOCAL,		/* master: fd: the web child's admin link */

	/*
	 * parent <-> web.  Set-up is IMSG_CFG_NODE, IMSG_WEB_CONFIG, an
	 * IMSG_WEB_USER for each user and IMSG_CFG_DONE; then IMSG_WEB_RPC
	 * hands it its link into the rpc child, where its calls go.
	 */
	IMSG_WEB_CONFIG,	/* struct web_config_msg */
	IMSG_WEB_USER,		/* struct web_user_msg */
	IMSG_WEB_RPC,		/* fd: a link to the rpc child, as an admin */

	/* honeyspyctl and the rpc child <-> parent: the store's figures */
	IMSG_CTL_GETSTATS,	/* request: struct ctl_query; reply: JSON */

	/* honeyspyctl and the rpc child <-> parent: virtual hosts */
	IMSG_CTL_ADDALIAS,	/* request: struct ctl_alias */
	IMSG_CTL_DELALIAS,	/* request: struct ctl_alias (address) */
	IMSG_CTL_GETALIASES,	/* request: none */
	IMSG_CTL_ALIAS,		/* reply: one struct alias_msg each */
	IMSG_CTL_SETFINGERPRINT, /* request: struct ctl_alias (personality) */
	IMSG_CTL_GETFINGERPRINT, /* request: struct ctl_alias (address) */

	/*
	 * parent <-> netctl.  Set-up is IMSG_CFG_NODE, IMSG_NET_CONFIG (fd:
	 * the OUI list), IMSG_NET_HOST for every configured host, then
	 * IMSG_CFG_DONE; the child builds the topology before it seals
	 * itself.  Each call carries a request id in peerid and is answered
	 * by IMSG_NET_RESULT, getAliases first by IMSG_NET_ALIAS each.
	 */
	IMSG_NET_CONFIG,	/* struct net_config_msg; fd: vendor OUIs */
	IMSG_NET_HOST,		/* struct alias_msg: a host of the file */
	IMSG_NET_ADD,		/* peerid = request; struct alias_msg */
	IMSG_NET_DEL,		/* peerid = request; struct alias_msg */
	IMSG_NET_GET,		/* peerid = request; none */
	IMSG_NET_ALIAS,		/* peerid = request; struct alias_msg */
	IMSG_NET_RESULT,	/* peerid = request; struct net_result */

	/*
	 * parent <-> persona.  Set-up is IMSG_CFG_NODE, IMSG_PERSONA_CONFIG
	 * (fd: the shared per-connection state), IMSG_PERSONA_HOST for each
	 * host with a personality, then IMSG_CFG_DONE.
	 */
	IMSG_PERSONA_CONFIG,	/* struct persona_config_msg; fd: state */
	IMSG_PERSONA_HOST,	/* struct alias_msg */
	IMSG_PERSONA_SET,	/* peerid = request; struct alias_msg */
	IMSG_PERSONA_GET,	/* peerid = request; struct alias_msg */
	IMSG_PERSONA_ALIAS,	/* peerid = request or 0 (a change); */
				/*   struct alias_msg with al_persona */
	IMSG_PERSONA_RESULT,	/* peerid = request; struct net_result */
	IMSG_PERSONA_OFF,	/* the reason, NUL-terminated: no queue */

	/*
	 * parent <-> output children.  Set-up: IMSG_CFG_NODE, then
	 * IMSG_OUT_CONFIG for each output the child runs, IMSG_CFG_DONE.
	 * peerid is the output's index in the configuration afterwards.
	 */
	IMSG_OUT_CONFIG,	/* struct output_msg */
	IMSG_OUT_EVENT,		/* int64_t store id, then JSON + NUL */
	IMSG_OUT_ACK,		/* struct output_ack: delivered in order */
	IMSG_OUT_STATE,		/* struct output_state: up, or down and why */
};

/* The spawner's service id for the analyser: never a configured one. */
#define HS_DETECT_SERVICE	UINT32_MAX
#define HS_DETECT_CHUNK		8192	/* payload bytes per message */
#define HS_ARTIFACT_MAX		(1024 * 1024)	/* bytes kept per session */
#define HS_DETECT_TEXTLEN	256
#define HS_DETECT_ASMLEN	512

struct detect_data {
	uint64_t	dd_session;
};

/* One finding, its strings NUL-terminated (checked by the receiver). */
struct detect_finding_msg {
	uint64_t	df_session;
	uint64_t	df_offset;
	uint64_t	df_length;
	int32_t		df_kind;	/* enum detect_kind */
	int32_t		df_confidence;
	char		df_desc[HS_DETECT_TEXTLEN];
	char		df_arch[16];
	char		df_disasm[HS_DETECT_ASMLEN];
};

struct detect_done {
	uint64_t	dn_session;
	uint64_t	dn_length;	/* bytes analysed and kept */
	uint32_t	dn_findings;
	uint32_t	dn_truncated;	/* input beyond what is kept */
	char		dn_sha256[65];	/* of the kept bytes; "" if none */
	char		dn_pad[7];
};

/* What a child reports about itself, and the parent about itself. */
struct proc_status_msg {
	char		ps_name[HS_NAMELEN];
	int32_t		ps_pid;
	uint32_t	ps_uid;
	uint32_t	ps_gid;
	uint64_t	ps_capeff;	/* bit n set: capability n effective */
	int32_t		ps_seccomp;	/* 0 none, 2 filter (as /proc says) */
	int32_t		ps_chrooted;
	char		ps_chroot[PATH_MAX];
};

struct ctl_status {
	int32_t		cs_privmode;	/* enum hs_privmode */
	int32_t		cs_nodemode;	/* enum hs_nodemode (config.h) */
	char		cs_node[HS_NAMELEN];
	int64_t		cs_started;	/* time(3) of start */
};

struct ctl_feature {
	char		cf_name[HS_NAMELEN];
	char		cf_desc[HS_NAMELEN];
	int32_t		cf_enabled;
	char		cf_reason[128];	/* why it is off; empty when on */
};

/*
 * The parent's first message to a child, before the child sets up: how to
 * jail itself.  The parent resolves the user before anyone enters a chroot,
 * where the password database is out of reach.
 */
struct hello_msg {
	int32_t		hm_privmode;	/* enum hs_privmode */
	int32_t		hm_verbose;
	uint32_t	hm_uid;
	uint32_t	hm_gid;
	uint64_t	hm_permitted;	/* capabilities the suite holds */
	char		hm_chroot[PATH_MAX];
};

/* Who we are, for the events children write. */
struct node_msg {
	char		nm_name[HS_NAMELEN];
};

/*
 * One service, flattened for the children: the binder checks bind
 * requests against it, the superserver applies its limits, the spawner
 * starts its program.  Users are resolved by the parent.
 */
struct service_msg {
	uint32_t	sv_id;
	int32_t		sv_af;		/* AF_INET, AF_INET6; AF_UNSPEC: any */
	uint8_t		sv_addr[16];
	char		sv_addrtext[HS_ADDRSTRLEN];
	int32_t		sv_proto;	/* IPPROTO_TCP, IPPROTO_UDP */
	int32_t		sv_port;
	char		sv_name[HS_NAMELEN];
	char		sv_program[PATH_MAX];
	char		sv_args[HS_ARGSLEN];	/* sv_nargs strings */
	int32_t		sv_nargs;
	char		sv_personality[HS_PERSONALITYLEN];
	uint32_t	sv_uid;
	uint32_t	sv_gid;
	char		sv_directory[PATH_MAX];
	int32_t		sv_chroot;
	/* per service and per source */
	int32_t		sv_connections;	/* concurrent sessions */
	int32_t		sv_per_source;	/* concurrent sessions per source */
	int32_t		sv_rate;	/* new sessions per window per source */
	int32_t		sv_window;	/* seconds */
	int32_t		sv_timeout;	/* seconds a session may last */
	int32_t		sv_idle;	/* seconds a UDP session may idle */
	int64_t		sv_bytes;	/* bytes a session may move; 0: any */
	int64_t		sv_transcript;	/* bytes recorded per session */
	/* the program's rlimits */
	int64_t		sv_rl_cpu;	/* seconds */
	int64_t		sv_rl_as;	/* bytes */
	int64_t		sv_rl_nofile;
	int64_t		sv_rl_nproc;
	int64_t		sv_rl_fsize;	/* bytes */
	int32_t		sv_nice;	/* added to the spawner's nice */
};

struct bind_msg {
	uint32_t	bm_id;		/* service id */
	int32_t		bm_af;		/* AF_INET, AF_INET6 */
	uint8_t		bm_addr[16];	/* all zero: any */
	int32_t		bm_proto;
	int32_t		bm_port;
};

struct bind_reply {
	uint32_t	br_id;
	int32_t		br_errno;	/* 0: an fd travels with it */
	char		br_reason[128];
};

/*
 * The program's end of a socketpair, sent ahead of the request that names
 * it; requests name them in the order they were sent.
 */
struct spawn_pair {
	uint32_t	spp_pair;	/* never 0 */
	int32_t		spp_type;	/* SOCK_STREAM or SOCK_DGRAM */
};

/* A connection for the spawner to hand to a new program. */
struct spawn_msg {
	uint64_t	sp_session;
	uint32_t	sp_pair;	/* 0: the socket comes with this */
	uint32_t	sp_service;
	int32_t		sp_proto;
	char		sp_src[HS_ADDRSTRLEN];
	char		sp_dst[HS_ADDRSTRLEN];
	int32_t		sp_sport;
	int32_t		sp_dport;
	char		sp_remote_os[HS_NAMELEN];	/* empty: unknown */
};

struct spawn_reply {
	uint64_t	sr_session;
	int32_t		sr_pid;
	int32_t		sr_errno;	/* STARTED: why it did not start */
	int32_t		sr_status;	/* EXIT: as from waitpid(2) */
};

/* honeyspyctl addService/delService, as typed. */
struct ctl_service {
	char		cv_addr[HS_ADDRSTRLEN];
	int32_t		cv_proto;
	int32_t		cv_port;
	char		cv_program[PATH_MAX];
	char		cv_args[HS_ARGSLEN];
	int32_t		cv_nargs;
};

/* getServices: a service and whether it listens. */
struct ctl_service_info {
	struct service_msg	si_sv;
	int32_t			si_state;	/* 0 binding, 1 up, 2 failed */
};

/* A log line from a jailed child; the text follows, NUL-terminated. */
struct log_msg {
	int32_t		lm_priority;	/* syslog(3) priority */
};

#define HS_IFNAMELEN		16	/* IFNAMSIZ */
#define HS_FILTERLEN		1024	/* one pcap expression and its NUL */
#define HS_MAXFILTERS		64	/* rules, from the file and added */
#define HS_REASONLEN		512

/* capture_msg cm_fp_packets: what is fingerprinted */
#define HS_FP_SYN		0x01
#define HS_FP_SYNACK		0x02
#define HS_FP_MTU		0x04
#define HS_FP_HTTP		0x08
#define HS_FP_ALL		0x0f

/* The capture child's settings, from capture and fingerprint. */
struct capture_msg {
	char		cm_interface[HS_IFNAMELEN];
	int32_t		cm_snaplen;
	int64_t		cm_ring;	/* bytes of kernel buffer */
	int32_t		cm_fp_packets;	/* HS_FP_* */
	int32_t		cm_fp_fuzzy;
	char		cm_fp_database[PATH_MAX];	/* for messages */
};

/* getFilters and friends: a rule, its number, where it comes from. */
struct ctl_filter {
	uint32_t	fl_index;	/* 1-based */
	int32_t		fl_fromconf;	/* capture.filters, not added */
	char		fl_expr[HS_FILTERLEN];
};

/* Whether the rules (or an enable) took; which rule failed and why. */
struct cap_result {
	int32_t		cr_ok;
	uint32_t	cr_rule;	/* 1-based; 0: the union, the handle */
	char		cr_reason[HS_REASONLEN];	/* pcap's own words */
};

/* Counters of the capture child, for status and the stats event. */
struct cap_stats_msg {
	char		cs_interface[HS_IFNAMELEN];
	int32_t		cs_enabled;
	int32_t		cs_live;	/* a handle on the interface */
	char		cs_why[128];	/* why there is none */
	uint32_t	cs_rules;
	uint64_t	cs_received;	/* pcap_stats(3): passed the filter */
	uint64_t	cs_dropped;	/* no room in the buffer */
	uint64_t	cs_ifdropped;	/* dropped by the interface */
	uint64_t	cs_matched;	/* packets read */
	uint64_t	cs_events;	/* packet events sent */
	uint64_t	cs_summarized;	/* packets only counted in summaries */
	uint64_t	cs_lost;	/* events the parent was too slow for */
	uint64_t	cs_fingerprints;
};

/* A host seen by passive fingerprinting. */
struct host_msg {
	int32_t		ho_af;
	uint8_t		ho_addr[16];
	char		ho_addrtext[HS_ADDRSTRLEN];
	char		ho_os[HS_NAMELEN];	/* "Linux 3.11 and newer" */
	char		ho_class[16];		/* "unix", "win", "!" */
	char		ho_link[HS_NAMELEN];	/* from the MSS; "" unknown */
	int32_t		ho_kind;	/* HS_FP_SYN, HS_FP_SYNACK: seen last */
	int32_t		ho_fuzzy;
	int32_t		ho_generic;
	int32_t		ho_distance;	/* hops, as p0f guesses them */
	int64_t		ho_first;	/* time(3) */
	int64_t		ho_last;
	uint64_t	ho_count;
	int32_t		ho_sharing;	/* p0f saw ip sharing: NAT, LB */
	int32_t		ho_pad;
};

/*
 * A matched packet's payload for the analyser, with the flow it belongs
 * to; at most HS_DETECT_CHUNK bytes of it follow.
 */
struct packet_msg {
	int32_t		pm_af;
	uint8_t		pm_src[16];
	uint8_t		pm_dst[16];
	int32_t		pm_proto;
	int32_t		pm_sport;
	int32_t		pm_dport;
	int32_t		pm_usec;
	int64_t		pm_sec;		/* when it was captured */
	uint64_t	pm_length;	/* the payload's length on the wire */
};

/* setConfig and getConfig: which node (on a master), "" on a sensor. */
struct ctl_config {
	char		cc_node[HS_NAMELEN];
};

#define HS_CONFIG_MAX		(256 * 1024)	/* a pushed configuration */

/* getEvents: what to look for; times in microseconds, 0 unbounded. */
struct ctl_query {
	int64_t		cq_since;
	int64_t		cq_until;
	int64_t		cq_after;	/* paging: ids above this one; */
					/*   -1: none, only the last id */
	int32_t		cq_limit;	/* 0: the default */
	char		cq_sensor[HS_NAMELEN];
	char		cq_eventid[HS_NAMELEN];
	char		cq_src_ip[HS_ADDRSTRLEN];
	char		cq_session[HS_NAMELEN];
	char		cq_text[HS_QUERY_TEXTLEN];	/* in the JSON */
};

/* getEvents: the next page's "after" (0: none), and the last id read. */
struct ctl_cursor {
	int64_t		cc_next;
	int64_t		cc_last;
};

#define HS_WEB_USERS		64

/* What the web child needs before it jails itself. */
struct web_config_msg {
	struct sockaddr_storage wc_listen;
	char		wc_peer[280];	/* "address port N", for the log */
	char		wc_cert[PATH_MAX];
	char		wc_key[PATH_MAX];
	char		wc_ca[PATH_MAX];
	char		wc_root[PATH_MAX];
	char		wc_location[PATH_MAX];	/* libloc's database */
	int32_t		wc_timeout;	/* idle session, seconds */
};

struct web_user_msg {
	char		wu_name[HS_NAMELEN];
	char		wu_hash[256];
};

#define HS_RPC_MAXADDRS		8	/* addresses tried for the master */
#define HS_RPC_FEATURESLEN	1024

/* What the rpc child needs to know before it jails itself. */
struct rpc_config_msg {
	int32_t		rc_mode;	/* enum hs_nodemode */
	int32_t		rc_reconnect;	/* sensor: longest wait, seconds */
	int32_t		rc_heartbeat;	/* seconds */
	int32_t		rc_frame_max;	/* bytes */
	int32_t		rc_naddrs;	/* sensor: the master's addresses */
	struct sockaddr_storage rc_addrs[HS_RPC_MAXADDRS];
	char		rc_peer[280];	/* "host:port", for the log */
	struct sockaddr_storage rc_listen;	/* master */
	char		rc_ca[PATH_MAX];
	char		rc_cert[PATH_MAX];
	char		rc_key[PATH_MAX];
	char		rc_epoch[40];	/* sensor: the spool's id */
	char		rc_privmode[16];
	char		rc_features[HS_RPC_FEATURESLEN];	/* JSON */
	char		rc_config[65];	/* sensor: SHA-256 of its config */
	char		rc_pad[7];
};

/* One spooled event for the link: seq, then rr_len bytes of JSON. */
struct rpc_record {
	uint64_t	rr_seq;
	uint32_t	rr_len;
	uint32_t	rr_pad;
};

/* An event a sensor sent, decoded by the master's rpc child. */
struct rpc_store_msg {
	uint32_t	sm_link;
	uint32_t	sm_pad;
	int64_t		sm_seq;
	int64_t		sm_time;	/* microseconds */
	char		sm_sensor[HS_NAMELEN];
	char		sm_epoch[40];
	char		sm_eventid[HS_NAMELEN];
	char		sm_src_ip[HS_ADDRSTRLEN];	/* "" none */
};

/* A sensor joined, is still there, or left. */
#define RPC_SENSOR_LEFT		0
#define RPC_SENSOR_JOINED	1
#define RPC_SENSOR_SEEN		2

struct rpc_sensor_msg {
	int32_t		sn_state;
	uint32_t	sn_link;
	char		sn_name[HS_NAMELEN];
	char		sn_address[HS_ADDRSTRLEN + 8];
	char		sn_mode[16];
	char		sn_features[HS_RPC_FEATURESLEN];	/* JSON */
	char		sn_config[65];	/* SHA-256 of the config it runs */
	char		sn_pad[7];
};

#define HS_MACLEN		6
#define HS_VENDORLEN		64

/* The netctl child's settings, from network. */
struct net_config_msg {
	char		nc_bridge[HS_IFNAMELEN];
	char		nc_uplink[HS_IFNAMELEN];	/* "" none */
	char		nc_ouifile[PATH_MAX];	/* for messages */
};

/*
 * One virtual host.  To netctl: the address and what the operator asked
 * for (a MAC, a vendor, a personality); from netctl: the MAC it has, the
 * vendor whose OUI it carries, and the link it lives on.
 */
struct alias_msg {
	int32_t		al_af;		/* AF_INET, AF_INET6 */
	uint8_t		al_addr[16];
	char		al_addrtext[HS_ADDRSTRLEN];
	int32_t		al_hasmac;
	uint8_t		al_mac[HS_MACLEN];
	uint8_t		al_persona;	/* PERSONA_* */
	uint8_t		al_pad;
	char		al_vendor[HS_VENDORLEN];	/* "" none */
	char		al_personality[HS_PERSONALITYLEN];	/* "" none */
	char		al_ifname[HS_IFNAMELEN];	/* reply only */
	int32_t		al_fromconf;	/* from hosts, not added */
	int32_t		al_failclosed;	/* persona: drop when not rewritten */
};

/* Whether a host's packets are being rewritten. */
#define PERSONA_NONE		0	/* no personality */
#define PERSONA_ACTIVE		1
#define PERSONA_FAILED		2	/* unknown name, or the feature is off */

/* The persona child's settings. */
struct persona_config_msg {
	uint32_t	pc_queue;	/* NFQUEUE number */
	int32_t		pc_pad;
};

/* The outcome of a netctl call; the alias it concerned when it took. */
struct net_result {
	int32_t		nr_ok;
	int32_t		nr_pad;
	struct alias_msg nr_alias;
	char		nr_reason[HS_REASONLEN];
};

/* addAlias IP [MAC|vendor], delAlias IP, as typed. */
struct ctl_alias {
	char		ca_addr[HS_ADDRSTRLEN];
	/* a MAC, a vendor (HS_VENDORLEN at most) or a personality; "" */
	char		ca_how[HS_PERSONALITYLEN];
};

#define HS_URLLEN		256
#define HS_MAXSERVERS		8

/* A webhook's rules: eventid patterns and source prefixes to ignore. */
#define HS_HOOK_EVENTS		32
#define HS_HOOK_IGNORE		256

struct output_prefix {
	uint8_t		op_af;			/* AF_INET, AF_INET6 */
	uint8_t		op_bits;
	uint8_t		op_pad[2];
	uint8_t		op_addr[16];		/* host bits zero */
};

/* One output, as the parent hands it to the child that runs it. */
struct output_msg {
	int32_t		om_index;
	int32_t		om_type;		/* OUTPUT_* */
	char		om_name[HS_NAMELEN];
	char		om_node[HS_NAMELEN];	/* the master's own name */
	int32_t		om_queue;
	int32_t		om_retry;
	int64_t		om_rotate_size;
	int32_t		om_rotate_keep;
	int32_t		om_port;
	int32_t		om_transport;
	int32_t		om_facility;
	char		om_path[PATH_MAX];
	char		om_address[256];
	char		om_ca[PATH_MAX];
	char		om_cert[PATH_MAX];
	char		om_key[PATH_MAX];
	char		om_location[PATH_MAX];	/* enrichment; "" none */
	char		om_oui[PATH_MAX];
	int32_t		om_rdns;		/* reverse DNS */
	char		om_resolver[64];	/* "" resolv.conf's */
	char		om_servers[HS_MAXSERVERS][HS_URLLEN];	/* nats */
	int32_t		om_nservers;
	int32_t		om_create;
	int32_t		om_replicas;
	char		om_stream[64];
	char		om_subject[64];
	/* webhook: om_address, om_port, om_path (the request's target) */
	int32_t		om_tls;			/* https, not http */
	int32_t		om_format;		/* HOOK_* */
	int32_t		om_detections;		/* alert on any detections */
	int32_t		om_dedup;		/* seconds; 0 none */
	int32_t		om_rate;		/* alerts a window, at most */
	int32_t		om_window;		/* seconds */
	int32_t		om_nevents;
	int32_t		om_nignore;
	char		om_events[HS_HOOK_EVENTS][HS_NAMELEN];
	struct output_prefix om_ignore[HS_HOOK_IGNORE];
};

/* Everything up to and including oa_id is delivered: oa_count events. */
struct output_ack {
	int64_t		oa_id;
	uint32_t	oa_count;
	uint32_t	oa_pad;
};

struct output_state {
	int32_t		os_up;
	char		os_why[256];
};

#endif /* HS_PROTO_H */
