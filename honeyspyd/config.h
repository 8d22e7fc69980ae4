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

/* honeyspyd.yaml in memory: fixed structs filled and checked by parse.c. */

#ifndef HS_CONFIG_H
#define HS_CONFIG_H

#include <sys/types.h>
#include <sys/queue.h>

#include <net/if.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>

#include "proto.h"

/*
 * Fixed maxima keep every list bounded, so that a hostile or mistaken file
 * cannot make the parent (or the children it pushes the config to) grow
 * without limit.
 */
#define CONF_MAX_USERS		64
#define CONF_MAX_HOSTS		1024
#define CONF_MAX_SERVICES	256
#define CONF_MAX_ARGS		32
#define CONF_MAX_FILTERS	64
#define CONF_HOSTNAMELEN	256	/* DNS name plus NUL */
#define CONF_STRLEN		256	/* personality, vendor, password hash */
#define CONF_ARGLEN		1024	/* a service argument, a pcap filter */
#define CONF_ADDRSTRLEN		46	/* INET6_ADDRSTRLEN */
#define CONF_URLLEN		1024	/* a webhook's URL */
#define CONF_MACLEN		6

#define CONF_DEFAULT_PORT	7433
#define CONF_DEFAULT_WEBPORT	8443
#define CONF_DEFAULT_WEBROOT	"/usr/share/honeyspy/web"

enum hs_nodemode {
	NODEMODE_SENSOR,
	NODEMODE_MASTER
};

/* An IP address as the operator wrote it, already checked. */
struct hs_addr {
	int		 a_af;		/* AF_INET, AF_INET6, AF_UNSPEC "*" */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	}		 a_u;
	char		 a_text[CONF_ADDRSTRLEN];	/* inet_ntop form */
};

/* One string of a list: service arguments, pcap filters. */
struct conf_str {
	TAILQ_ENTRY(conf_str)	 cs_entry;
	char			 cs_str[CONF_ARGLEN];
};
TAILQ_HEAD(conf_strlist, conf_str);

struct conf_user {
	TAILQ_ENTRY(conf_user)	 u_entry;
	char			 u_name[HS_NAMELEN];
	char			 u_password[CONF_STRLEN];	/* a hash */
};
TAILQ_HEAD(conf_userlist, conf_user);

struct conf_host {
	TAILQ_ENTRY(conf_host)	 h_entry;
	struct hs_addr		 h_address;
	int			 h_hasmac;
	uint8_t			 h_mac[CONF_MACLEN];
	char			 h_personality[CONF_STRLEN];	/* "" unset */
	char			 h_vendor[CONF_STRLEN];		/* "" unset */
	int			 h_failclosed;	/* persona: drop unrewritten */
};
TAILQ_HEAD(conf_hostlist, conf_host);

struct conf_limits {
	int			 l_connections;	/* concurrent, per service */
	int			 l_per_source;	/* concurrent, per source IP */
	int			 l_rate;	/* new per window per source */
	int			 l_window;	/* seconds */
	int			 l_timeout;	/* seconds per session */
	long long		 l_transcript;	/* bytes kept; 0 none */
	long long		 l_bytes;	/* bytes moved; 0 any */
	int			 l_idle;	/* seconds a UDP session idles */
};

/*
 * What a service program may use: setrlimit(2) values, 0 to leave as is,
 * and how much nicer than the daemon it runs.
 */
struct conf_rlimits {
	long long		 rl_cpu;	/* seconds */
	long long		 rl_memory;	/* address space, bytes */
	long long		 rl_files;
	long long		 rl_processes;
	long long		 rl_filesize;	/* bytes */
	long long		 rl_nice;	/* added to the daemon's nice */
};

struct conf_service {
	TAILQ_ENTRY(conf_service) s_entry;
	struct hs_addr		 s_addr;	/* AF_UNSPEC: any address */
	int			 s_port;
	int			 s_proto;	/* IPPROTO_TCP, IPPROTO_UDP */
	char			 s_program[PATH_MAX];
	struct conf_strlist	 s_args;
	size_t			 s_nargs;
	struct conf_limits	 s_limits;
	char			 s_name[HS_NAMELEN];	/* for events */
	char			 s_user[HS_NAMELEN];
	char			 s_directory[PATH_MAX];
	int			 s_chroot;
	struct conf_rlimits	 s_rlimits;
};
TAILQ_HEAD(conf_servicelist, conf_service);

/* Where a master forwards its events, each kind in its own process. */
enum conf_output_type {
	OUTPUT_FILE,		/* JSON lines, ECS field names */
	OUTPUT_SYSLOG,		/* RFC 5424 over TLS (RFC 5425) or UDP */
	OUTPUT_NATS,		/* NATS JetStream */
	OUTPUT_WEBHOOK,		/* alerts: JSON POST over HTTPS */
	OUTPUT_NTYPES
};

enum conf_hook_format {
	HOOK_JSON,		/* the event in a small envelope */
	HOOK_SLACK		/* a Slack incoming webhook's {"text"} */
};

enum conf_transport {
	TRANSPORT_TLS,
	TRANSPORT_UDP
};

#define CONF_MAX_OUTPUTS	16
#define CONF_MAX_SERVERS	8	/* NATS servers of one output */
#define CONF_STREAMLEN		64	/* a JetStream stream name */
#define HOOK_CA_DEFAULT		"/etc/ssl/certs/ca-certificates.crt"

struct conf_output {
	TAILQ_ENTRY(conf_output) o_entry;
	int			 o_type;	/* OUTPUT_* */
	char			 o_name[HS_NAMELEN];	/* unique; cursor */
	int			 o_queue;	/* events in flight */
	int			 o_retry;	/* longest backoff, seconds */
	/* file */
	char			 o_path[PATH_MAX];
	long long		 o_rotate_size;	/* bytes; 0 never */
	int			 o_rotate_keep;	/* old files kept */
	/* syslog */
	char			 o_address[CONF_HOSTNAMELEN];
	int			 o_port;	/* 0: the transport's */
	int			 o_transport;	/* TRANSPORT_* */
	char			 o_ca[PATH_MAX];
	char			 o_cert[PATH_MAX];	/* "" no client cert */
	char			 o_key[PATH_MAX];
	int			 o_facility;	/* 0..23 */
	/* nats; ca, cert and key as for syslog */
	struct conf_strlist	 o_servers;	/* nats://host:port */
	size_t			 o_nservers;
	char			 o_stream[CONF_STREAMLEN];
	char			 o_subject[CONF_STREAMLEN];	/* prefix */
	int			 o_create;	/* make the stream */
	int			 o_replicas;

	/* webhook: also o_address, o_port, o_path, o_ca */
	char			 o_url[CONF_URLLEN];
	int			 o_tls;		/* https */
	int			 o_format;	/* HOOK_* */
	char			 o_events[HS_HOOK_EVENTS][HS_NAMELEN];
	int			 o_nevents;
	int			 o_detections;
	struct output_prefix	 o_ignore[HS_HOOK_IGNORE];
	int			 o_nignore;
	int			 o_dedup;	/* seconds; 0 none */
	int			 o_rate;	/* alerts a window */
	int			 o_window;	/* seconds */
};
TAILQ_HEAD(conf_outputlist, conf_output);

/* Packet kinds the capture child fingerprints (p0f.fp sections). */
#define FP_SYN			0x01	/* tcp:request */
#define FP_SYNACK		0x02	/* tcp:response */
#define FP_MTU			0x04	/* mtu */
#define FP_HTTP			0x08	/* http:request, http:response */

/* Payload analyzers in detect/. */
#define DETECT_SHELLCODE	0x01
#define DETECT_FORMAT_STRING	0x02
#define DETECT_OVERFLOW		0x04

struct hs_config {
	char			 c_file[PATH_MAX];
	struct {
		char		 n_name[HS_NAMELEN];
		enum hs_nodemode n_mode;
		char		 n_user[HS_NAMELEN];
		char		 n_chroot[PATH_MAX];
	}			 c_node;
	struct {				/* sensor: link to its master */
		int		 m_configured;	/* 0: standalone sensor */
		char		 m_address[CONF_HOSTNAMELEN];
		int		 m_port;
		char		 m_ca[PATH_MAX];
		char		 m_cert[PATH_MAX];
		char		 m_key[PATH_MAX];
		int		 m_reconnect;	/* max backoff, seconds */
		char		 m_crl[PATH_MAX];	/* "" none */
	}			 c_master;
	struct {				/* master: sensors and admins */
		struct hs_addr	 l_addr;
		int		 l_port;
		char		 l_ca[PATH_MAX];
		char		 l_cert[PATH_MAX];
		char		 l_key[PATH_MAX];
		char		 l_crl[PATH_MAX];	/* "" none */
	}			 c_listen;
	struct {				/* master: HTTPS UI */
		struct hs_addr	 w_addr;
		int		 w_port;
		struct conf_userlist w_users;
		size_t		 w_nusers;
		char		 w_root[PATH_MAX];	/* the UI's files */
		int		 w_timeout;	/* idle session, seconds */
	}			 c_web;
	struct {
		char		 nw_bridge[IFNAMSIZ];
		char		 nw_uplink[IFNAMSIZ];	/* "" none */
	}			 c_network;
	struct conf_hostlist	 c_hosts;
	size_t			 c_nhosts;
	struct conf_servicelist	 c_services;
	size_t			 c_nservices;
	struct {
		int		 cp_enabled;
		char		 cp_interface[IFNAMSIZ]; /* default: bridge */
		int		 cp_snaplen;
		long long	 cp_ring;		/* bytes */
		struct conf_strlist cp_filters;		/* verbatim pcap */
		size_t		 cp_nfilters;
	}			 c_capture;
	struct {
		char		 fp_database[PATH_MAX];
		int		 fp_packets;		/* FP_* */
		int		 fp_fuzzy;
	}			 c_fingerprint;
	struct {
		int		 d_enabled;		/* DETECT_* */
		long long	 d_steps;		/* emulation steps */
		long long	 d_memory;		/* bytes */
		long long	 d_scan;		/* bytes per session */
	}			 c_detect;
	struct conf_outputlist	 c_outputs;		/* master */
	size_t			 c_noutputs;
	struct {				/* master: for outputs */
		char		 en_location[PATH_MAX];	/* "" none */
		char		 en_oui[PATH_MAX];	/* "" none */
		int		 en_rdns;		/* reverse DNS */
		char		 en_resolver[CONF_ADDRSTRLEN + 8];
	}			 c_enrich;
	struct {
		char		 lg_file[PATH_MAX];
		int		 lg_syslog;
		char		 lg_spool[PATH_MAX];
		char		 lg_artifacts[PATH_MAX];
		long long	 lg_spool_max;		/* bytes */
		char		 lg_database[PATH_MAX];	/* master */
		int		 lg_retention;		/* days; 0 forever */
		long long	 lg_database_max;	/* bytes; 0 any */
	}			 c_log;
};

struct hs_config	*config_parse_file(const char *);
struct hs_config	*config_parse_buf(const char *, const char *, size_t);
void			 config_set_errsink(void (*)(void *, const char *),
			    void *);
void			 config_free(struct hs_config *);
void			 config_service_init(struct conf_service *);
void			 config_service_default_name(struct conf_service *);
void			 config_service_free(struct conf_service *);
void			 config_print(FILE *, const struct hs_config *);
const char		*config_nodemode_name(enum hs_nodemode);
const char		*config_proto_name(int);
const char		*config_output_type_name(int);
const char		*config_transport_name(int);
const char		*config_hook_format_name(int);
const char		*config_facility_name(int);

/* Names for the FP_* and DETECT_* bits, in bit order; NULL-terminated. */
extern const char *const config_fp_names[];
extern const char *const config_detect_names[];

#endif /* HS_CONFIG_H */
