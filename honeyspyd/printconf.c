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

/* Print a parsed configuration as canonical YAML that parses back to itself. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

static void	 print_str(FILE *, const char *);
static void	 print_kstr(FILE *, int, const char *, const char *);
static void	 print_flags(FILE *, int, const char *, const char *const [],
		    int);
static void	 print_outputs(FILE *, const struct hs_config *);
static void	 print_hook(FILE *, const struct conf_output *);
static void	 print_strlist(FILE *, int, const char *,
		    const struct conf_strlist *);
static size_t	 utf8_decode(const unsigned char *, uint32_t *);

/*
 * Length of the valid UTF-8 sequence at s and its code point, or 0.
 * Overlong forms and surrogates are refused so that every byte of an odd
 * string is either printed as its code point or escaped on its own.
 */
static size_t
utf8_decode(const unsigned char *s, uint32_t *cp)
{
	size_t		 n, i;
	uint32_t	 c, min;

	if (s[0] < 0x80)
		return (0);
	else if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (n);
}

/*
 * Always double-quoted and pure ASCII: strings come from operators but may
 * hold attacker-chosen text (filters, banners), and must neither break the
 * YAML nor reach a terminal raw.  Non-ASCII goes out as \u or \U escapes,
 * which libyaml turns back into the same UTF-8.
 */
static void
print_str(FILE *fp, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 n;

	fputc('"', fp);
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			fprintf(fp, "\\%c", *p);
			p++;
		} else if (*p >= 0x20 && *p < 0x7f) {
			fputc(*p, fp);
			p++;
		} else if (*p == '\n') {
			fputs("\\n", fp);
			p++;
		} else if (*p == '\t') {
			fputs("\\t", fp);
			p++;
		} else if (*p == '\r') {
			fputs("\\r", fp);
			p++;
		} else if ((n = utf8_decode(p, &cp)) > 0) {
			if (cp > 0xffff)
				fprintf(fp, "\\U%08x", (unsigned int)cp);
			else
				fprintf(fp, "\\u%04x", (unsigned int)cp);
			p += n;
		} else {
			fprintf(fp, "\\x%02x", *p);
			p++;
		}
	}
	fputc('"', fp);
}

static void
print_kstr(FILE *fp, int indent, const char *key, const char *val)
{
	fprintf(fp, "%*s%s: ", indent, "", key);
	print_str(fp, val);
	fputc('\n', fp);
}

/* Bit masks go out in table order, so the output does not depend on input. */
static void
print_flags(FILE *fp, int indent, const char *key, const char *const names[],
    int mask)
{
	const char	*sep = "";
	int		 i;

	fprintf(fp, "%*s%s: [", indent, "", key);
	for (i = 0; names[i] != NULL; i++)
		if (mask & (1 << i)) {
			fprintf(fp, "%s%s", sep, names[i]);
			sep = ", ";
		}
	fputs("]\n", fp);
}

static void
print_strlist(FILE *fp, int indent, const char *key,
    const struct conf_strlist *l)
{
	const struct conf_str	*s;

	if (TAILQ_EMPTY(l)) {
		fprintf(fp, "%*s%s: []\n", indent, "", key);
		return;
	}
	fprintf(fp, "%*s%s:\n", indent, "", key);
	TAILQ_FOREACH(s, l, cs_entry) {
		fprintf(fp, "%*s  - ", indent, "");
		print_str(fp, s->cs_str);
		fputc('\n', fp);
	}
}

/*
 * Every key with its effective value, in the order of the manual.  Only
 * the sections of the configured mode are printed (the others would be
 * rejected), and optional keys without a default only when set.
 */
void
config_print(FILE *fp, const struct hs_config *c)
{
	const struct conf_user		*u;
	const struct conf_host		*h;
	const struct conf_service	*s;
	const struct conf_limits	*l;
	const uint8_t			*m;
	int				 master;

	master = c->c_node.n_mode == NODEMODE_MASTER;

	fputs("node:\n", fp);
	print_kstr(fp, 2, "name", c->c_node.n_name);
	fprintf(fp, "  mode: %s\n", config_nodemode_name(c->c_node.n_mode));
	print_kstr(fp, 2, "user", c->c_node.n_user);
	print_kstr(fp, 2, "chroot", c->c_node.n_chroot);

	if (!master && c->c_master.m_configured) {
		fputs("master:\n", fp);
		print_kstr(fp, 2, "address", c->c_master.m_address);
		fprintf(fp, "  port: %d\n", c->c_master.m_port);
		print_kstr(fp, 2, "ca", c->c_master.m_ca);
		print_kstr(fp, 2, "cert", c->c_master.m_cert);
		print_kstr(fp, 2, "key", c->c_master.m_key);
		fprintf(fp, "  reconnect: %d\n", c->c_master.m_reconnect);
		if (c->c_master.m_crl[0] != '\0')
			print_kstr(fp, 2, "crl", c->c_master.m_crl);
	}

	if (master) {
		fputs("listen:\n", fp);
		print_kstr(fp, 2, "address", c->c_listen.l_addr.a_text);
		fprintf(fp, "  port: %d\n", c->c_listen.l_port);
		print_kstr(fp, 2, "ca", c->c_listen.l_ca);
		print_kstr(fp, 2, "cert", c->c_listen.l_cert);
		print_kstr(fp, 2, "key", c->c_listen.l_key);
		if (c->c_listen.l_crl[0] != '\0')
			print_kstr(fp, 2, "crl", c->c_listen.l_crl);

		fputs("web:\n", fp);
		print_kstr(fp, 2, "address", c->c_web.w_addr.a_text);
		fprintf(fp, "  port: %d\n", c->c_web.w_port);
		print_kstr(fp, 2, "root", c->c_web.w_root);
		fprintf(fp, "  session_timeout: %d\n", c->c_web.w_timeout);
		if (TAILQ_EMPTY(&c->c_web.w_users))
			fputs("  users: []\n", fp);
		else
			fputs("  users:\n", fp);
		TAILQ_FOREACH(u, &c->c_web.w_users, u_entry) {
			fputs("    - name: ", fp);
			print_str(fp, u->u_name);
			fputc('\n', fp);
			print_kstr(fp, 6, "password", u->u_password);
		}
	} else {
		fputs("network:\n", fp);
		print_kstr(fp, 2, "bridge", c->c_network.nw_bridge);
		if (c->c_network.nw_uplink[0] != '\0')
			print_kstr(fp, 2, "uplink", c->c_network.nw_uplink);

		fputs(TAILQ_EMPTY(&c->c_hosts) ? "hosts: []\n" : "hosts:\n",
		    fp);
		TAILQ_FOREACH(h, &c->c_hosts, h_entry) {
			fputs("  - address: ", fp);
			print_str(fp, h->h_address.a_text);
			fputc('\n', fp);
			if (h->h_hasmac) {
				m = h->h_mac;
				fprintf(fp, "    mac: \"%02x:%02x:%02x:%02x:"
				    "%02x:%02x\"\n", m[0], m[1], m[2], m[3],
				    m[4], m[5]);
			}
			if (h->h_personality[0] != '\0')
				print_kstr(fp, 4, "personality",
				    h->h_personality);
			if (h->h_vendor[0] != '\0')
				print_kstr(fp, 4, "vendor", h->h_vendor);
			if (h->h_failclosed)
				fputs("    failure: closed\n", fp);
		}

		fputs(TAILQ_EMPTY(&c->c_services) ? "services: []\n" :
		    "services:\n", fp);
		TAILQ_FOREACH(s, &c->c_services, s_entry) {
			l = &s->s_limits;
			fputs("  - address: ", fp);
			print_str(fp, s->s_addr.a_text);
			fputc('\n', fp);
			fprintf(fp, "    port: %d\n", s->s_port);
			fprintf(fp, "    proto: %s\n",
			    config_proto_name(s->s_proto));
			print_kstr(fp, 4, "name", s->s_name);
			print_kstr(fp, 4, "program", s->s_program);
			print_strlist(fp, 4, "args", &s->s_args);
			print_kstr(fp, 4, "user", s->s_user);
			print_kstr(fp, 4, "directory", s->s_directory);
			fprintf(fp, "    chroot: %s\n",
			    s->s_chroot ? "true" : "false");
			fputs("    limits:\n", fp);
			fprintf(fp, "      connections: %d\n",
			    l->l_connections);
			fprintf(fp, "      per_source: %d\n", l->l_per_source);
			fprintf(fp, "      rate: %d\n", l->l_rate);
			fprintf(fp, "      window: %d\n", l->l_window);
			fprintf(fp, "      timeout: %d\n", l->l_timeout);
			fprintf(fp, "      transcript: %lld\n",
			    l->l_transcript);
			fprintf(fp, "      bytes: %lld\n", l->l_bytes);
			fprintf(fp, "      idle: %d\n", l->l_idle);
			fputs("    rlimits:\n", fp);
			fprintf(fp, "      cpu: %lld\n", s->s_rlimits.rl_cpu);
			fprintf(fp, "      memory: %lld\n",
			    s->s_rlimits.rl_memory);
			fprintf(fp, "      files: %lld\n",
			    s->s_rlimits.rl_files);
			fprintf(fp, "      processes: %lld\n",
			    s->s_rlimits.rl_processes);
			fprintf(fp, "      filesize: %lld\n",
			    s->s_rlimits.rl_filesize);
			fprintf(fp, "      nice: %lld\n", s->s_rlimits.rl_nice);
		}

		fputs("capture:\n", fp);
		print_kstr(fp, 2, "interface", c->c_capture.cp_interface);
		print_strlist(fp, 2, "filters", &c->c_capture.cp_filters);
		fprintf(fp, "  enabled: %s\n",
		    c->c_capture.cp_enabled ? "true" : "false");
		fprintf(fp, "  snaplen: %d\n", c->c_capture.cp_snaplen);
		fprintf(fp, "  ring: %lld\n", c->c_capture.cp_ring);

		fputs("fingerprint:\n", fp);
		print_kstr(fp, 2, "database", c->c_fingerprint.fp_database);
		print_flags(fp, 2, "packets", config_fp_names,
		    c->c_fingerprint.fp_packets);
		fprintf(fp, "  fuzzy: %s\n",
		    c->c_fingerprint.fp_fuzzy ? "true" : "false");

		fputs("detect:\n", fp);
		print_flags(fp, 2, "enabled", config_detect_names,
		    c->c_detect.d_enabled);
		fputs("  limits:\n", fp);
		fprintf(fp, "    steps: %lld\n", c->c_detect.d_steps);
		fprintf(fp, "    memory: %lld\n", c->c_detect.d_memory);
		fprintf(fp, "    scan: %lld\n", c->c_detect.d_scan);
	}

	fputs("log:\n", fp);
	print_kstr(fp, 2, "file", c->c_log.lg_file);
	fprintf(fp, "  syslog: %s\n", c->c_log.lg_syslog ? "true" : "false");
	print_kstr(fp, 2, "spool", c->c_log.lg_spool);
	print_kstr(fp, 2, "artifacts", c->c_log.lg_artifacts);
	fprintf(fp, "  spool_max: %lld\n", c->c_log.lg_spool_max);
	if (c->c_node.n_mode == NODEMODE_MASTER) {
		print_kstr(fp, 2, "database", c->c_log.lg_database);
		fprintf(fp, "  retention: %d\n", c->c_log.lg_retention);
		fprintf(fp, "  database_max: %lld\n",
		    c->c_log.lg_database_max);
	}
	if (c->c_node.n_mode == NODEMODE_MASTER || c->c_noutputs > 0)
		print_outputs(fp, c);
}

static void
print_outputs(FILE *fp, const struct hs_config *c)
{
	const struct conf_output	*o;

	if (TAILQ_EMPTY(&c->c_outputs))
		fputs("outputs: []\n", fp);
	else
		fputs("outputs:\n", fp);
	TAILQ_FOREACH(o, &c->c_outputs, o_entry) {
		fprintf(fp, "  - type: %s\n", config_output_type_name(o->o_type));
		print_kstr(fp, 4, "name", o->o_name);
		fprintf(fp, "    queue: %d\n", o->o_queue);
		fprintf(fp, "    retry: %d\n", o->o_retry);
		switch (o->o_type) {
		case OUTPUT_FILE:
			print_kstr(fp, 4, "path", o->o_path);
			fprintf(fp, "    rotate_size: %lld\n",
			    o->o_rotate_size);
			fprintf(fp, "    rotate_keep: %d\n", o->o_rotate_keep);
			break;
		case OUTPUT_SYSLOG:
			print_kstr(fp, 4, "address", o->o_address);
			fprintf(fp, "    port: %d\n", o->o_port);
			fprintf(fp, "    transport: %s\n",
			    config_transport_name(o->o_transport));
			if (o->o_ca[0] != '\0')
				print_kstr(fp, 4, "ca", o->o_ca);
			if (o->o_cert[0] != '\0') {
				print_kstr(fp, 4, "cert", o->o_cert);
				print_kstr(fp, 4, "key", o->o_key);
			}
			fprintf(fp, "    facility: %s\n",
			    config_facility_name(o->o_facility));
			break;
		case OUTPUT_NATS:
			print_strlist(fp, 4, "servers", &o->o_servers);
			print_kstr(fp, 4, "stream", o->o_stream);
			print_kstr(fp, 4, "subject", o->o_subject);
			fprintf(fp, "    create: %s\n",
			    o->o_create ? "true" : "false");
			fprintf(fp, "    replicas: %d\n", o->o_replicas);
			if (o->o_ca[0] != '\0')
				print_kstr(fp, 4, "ca", o->o_ca);
			if (o->o_cert[0] != '\0') {
				print_kstr(fp, 4, "cert", o->o_cert);
				print_kstr(fp, 4, "key", o->o_key);
			}
			break;
		case OUTPUT_WEBHOOK:
			print_hook(fp, o);
			break;
		}
	}
	fputs("enrich:\n", fp);
	print_kstr(fp, 2, "location", c->c_enrich.en_location);
	print_kstr(fp, 2, "oui", c->c_enrich.en_oui);
	fprintf(fp, "  rdns: %s\n", c->c_enrich.en_rdns ? "true" : "false");
	if (c->c_enrich.en_resolver[0] != '\0')
		print_kstr(fp, 2, "resolver", c->c_enrich.en_resolver);
}

static void
print_hook(FILE *fp, const struct conf_output *o)
{
	char	 addr[INET6_ADDRSTRLEN];
	int	 i;

	print_kstr(fp, 4, "url", o->o_url);
	if (o->o_tls)
		print_kstr(fp, 4, "ca", o->o_ca);
	fprintf(fp, "    format: %s\n", config_hook_format_name(o->o_format));
	if (o->o_nevents == 0)
		fputs("    events: []\n", fp);
	else
		fputs("    events:\n", fp);
	for (i = 0; i < o->o_nevents; i++) {
		fputs("      - ", fp);
		print_str(fp, o->o_events[i]);
		fputc('\n', fp);
	}
	fprintf(fp, "    detections: %s\n", o->o_detections ? "true" :
	    "false");
	if (o->o_nignore == 0)
		fputs("    ignore: []\n", fp);
	else
		fputs("    ignore:\n", fp);
	for (i = 0; i < o->o_nignore; i++) {
		if (inet_ntop(o->o_ignore[i].op_af, o->o_ignore[i].op_addr,
		    addr, sizeof(addr)) == NULL)
			(void)strlcpy(addr, "?", sizeof(addr));
		fprintf(fp, "      - \"%s/%u\"\n", addr,
		    o->o_ignore[i].op_bits);
	}
	fprintf(fp, "    dedup: %d\n", o->o_dedup);
	fprintf(fp, "    rate: %d\n", o->o_rate);
	fprintf(fp, "    window: %d\n", o->o_window);
}
