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

/* honeyspyctl's output: tables for people, JSON for programs. */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "output.h"
#include "util.h"

static const char	*nodemode_name(int);
static const char	*seccomp_name(int);
static void		 format_time(int64_t, char *, size_t);
static void		 output_status_text(const struct status_reply *);
static json_t		*capture_json(const struct cap_stats_msg *);

static const char *
nodemode_name(int mode)
{
	switch (mode) {
	case 0:
		return ("sensor");
	case 1:
		return ("master");
	}
	return ("unknown");
}

static const char *
seccomp_name(int state)
{
	switch (state) {
	case 0:
		return ("none");
	case 1:
		return ("strict");
	case 2:
		return ("filter");
	}
	return ("unknown");
}

static void
format_time(int64_t t, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)strlcpy(buf, "-", len);
}

void
output_status(const struct status_reply *sr, int json)
{
	if (json)
		output_json(status_json(sr));
	else
		output_status_text(sr);
}

static const char *persona_state(const struct alias_msg *);

static void
output_status_text(const struct status_reply *sr)
{
	const struct proc_status_msg	*ps;
	const struct ctl_feature	*cf;
	const struct cap_stats_msg	*cs;
	char				 caps[512], when[32], why[4 * 128 + 1];
	size_t				 i;

	format_time(sr->st.cs_started, when, sizeof(when));
	(void)printf("mode: %s\n", privmode_name(sr->st.cs_privmode));
	(void)printf("node: %s (%s)\n", sr->st.cs_node,
	    nodemode_name(sr->st.cs_nodemode));
	(void)printf("started: %s\n\n", when);
	(void)printf("%-12s %7s %6s %-8s %-24s %s\n", "PROCESS", "PID", "UID",
	    "SECCOMP", "CHROOT", "CAPABILITIES");
	for (i = 0; i < sr->nprocs; i++) {
		ps = &sr->procs[i];
		if (caps_format(ps->ps_capeff, caps, sizeof(caps)) == -1)
			(void)strlcpy(caps, "?", sizeof(caps));
		(void)printf("%-12s %7d %6u %-8s %-24s %s\n", ps->ps_name,
		    ps->ps_pid, ps->ps_uid, seccomp_name(ps->ps_seccomp),
		    ps->ps_chrooted ? ps->ps_chroot : "-", caps);
	}
	(void)printf("\n%-12s %-4s %s\n", "FEATURE", "", "");
	for (i = 0; i < sr->nfeatures; i++) {
		cf = &sr->features[i];
		if (cf->cf_enabled)
			(void)printf("%-12s %-4s %s\n", cf->cf_name, "on",
			    cf->cf_desc);
		else
			(void)printf("%-12s %-4s %s: %s\n", cf->cf_name, "off",
			    cf->cf_desc, cf->cf_reason);
	}
	if (sr->naliases > 0)
		(void)printf("\n%-39s %-9s %s\n", "HOST", "REWRITING",
		    "PERSONALITY");
	for (i = 0; i < sr->naliases; i++)
		(void)printf("%-39s %-9s %s\n", sr->aliases[i].al_addrtext,
		    persona_state(&sr->aliases[i]),
		    sr->aliases[i].al_personality);
	if (!sr->have_capture)
		return;
	cs = &sr->capture;
	(void)str_escape(cs->cs_why, strlen(cs->cs_why), why, sizeof(why));
	if (cs->cs_live)
		(void)printf("\ncapture on %s: %s, %u rule%s\n",
		    cs->cs_interface, cs->cs_enabled ? "enabled" : "disabled",
		    cs->cs_rules, cs->cs_rules == 1 ? "" : "s");
	else
		(void)printf("\ncapture on %s: unavailable (%s), %u rule%s\n",
		    cs->cs_interface, why, cs->cs_rules,
		    cs->cs_rules == 1 ? "" : "s");
	(void)printf("packets: %llu received, %llu dropped, %llu dropped by "
	    "the interface, %llu matched\n",
	    (unsigned long long)cs->cs_received,
	    (unsigned long long)cs->cs_dropped,
	    (unsigned long long)cs->cs_ifdropped,
	    (unsigned long long)cs->cs_matched);
	(void)printf("events: %llu sent, %llu packets summarized, %llu lost; "
	    "%llu fingerprints\n", (unsigned long long)cs->cs_events,
	    (unsigned long long)cs->cs_summarized,
	    (unsigned long long)cs->cs_lost,
	    (unsigned long long)cs->cs_fingerprints);
}

static json_t *
capture_json(const struct cap_stats_msg *cs)
{
	return (json_pack("{s:s, s:b, s:b, s:s, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I}", "interface", cs->cs_interface,
	    "enabled", cs->cs_enabled, "live", cs->cs_live,
	    "reason", cs->cs_why,
	    "rules", (json_int_t)cs->cs_rules,
	    "received", (json_int_t)cs->cs_received,
	    "dropped", (json_int_t)cs->cs_dropped,
	    "ifdropped", (json_int_t)cs->cs_ifdropped,
	    "matched", (json_int_t)cs->cs_matched,
	    "events", (json_int_t)cs->cs_events,
	    "summarized", (json_int_t)cs->cs_summarized,
	    "lost", (json_int_t)cs->cs_lost,
	    "fingerprints", (json_int_t)cs->cs_fingerprints));
}

/*
 * getFilters as a numbered table, getFilter as the bare rule, so that
 * it can be given back to addFilter as it is.
 */
json_t *
filters_json(const struct status_reply *sr, int one)
{
	const struct ctl_filter	*cf;
	json_t			*root, *o;
	char			 esc[4 * HS_FILTERLEN + 1];
	size_t			 i;

	if ((root = json_array()) == NULL)
		return (NULL);
	for (i = 0; i < sr->nfilters; i++) {
		cf = &sr->filters[i];
		(void)str_escape(cf->fl_expr, strlen(cf->fl_expr), esc,
		    sizeof(esc));
		o = json_pack("{s:I, s:s, s:s}", "number",
		    (json_int_t)cf->fl_index, "from",
		    cf->fl_fromconf ? "config" : "added", "rule", esc);
		(void)json_array_append_new(root, o);
	}
	if (one && json_array_size(root) == 1) {
		o = json_incref(json_array_get(root, 0));
		json_decref(root);
		return (o);
	}
	return (root);
}

void
output_filters(const struct status_reply *sr, int json, int one)
{
	const struct ctl_filter	*cf;
	char			 esc[4 * HS_FILTERLEN + 1];
	size_t			 i;

	if (json) {
		output_json(filters_json(sr, one));
		return;
	}
	if (!one)
		(void)printf("%-3s %-6s %s\n", "#", "FROM", "RULE");
	for (i = 0; i < sr->nfilters; i++) {
		cf = &sr->filters[i];
		(void)str_escape(cf->fl_expr, strlen(cf->fl_expr), esc,
		    sizeof(esc));
		if (one)
			(void)printf("%s\n", esc);
		else
			(void)printf("%-3u %-6s %s\n", cf->fl_index,
			    cf->fl_fromconf ? "config" : "added", esc);
	}
}

/* getHosts: what passive fingerprinting made of each sender. */
json_t *
hosts_json(const struct status_reply *sr)
{
	const struct host_msg	*ho;
	json_t			*root, *o;
	char			 first[32], last[32], os[4 * HS_NAMELEN + 1];
	char			 link[4 * HS_NAMELEN + 1];
	size_t			 i;

	if ((root = json_array()) == NULL)
		return (NULL);
	for (i = 0; i < sr->nhosts; i++) {
		ho = &sr->hosts[i];
		format_time(ho->ho_first, first, sizeof(first));
		format_time(ho->ho_last, last, sizeof(last));
		(void)str_escape(ho->ho_os, strlen(ho->ho_os), os, sizeof(os));
		(void)str_escape(ho->ho_link, strlen(ho->ho_link), link,
		    sizeof(link));
		o = json_pack("{s:s, s:o, s:s, s:o, s:s, s:i, s:b, s:b, s:s, "
		    "s:s, s:I, s:b}", "address", ho->ho_addrtext,
		    "os", os[0] != '\0' ? json_string(os) : json_null(),
		    "class", ho->ho_class,
		    "link", link[0] != '\0' ? json_string(link) : json_null(),
		    "seen", ho->ho_kind == HS_FP_SYNACK ? "synack" : "syn",
		    "distance", ho->ho_distance, "fuzzy", ho->ho_fuzzy,
		    "generic", ho->ho_generic, "first", first, "last", last,
		    "packets", (json_int_t)ho->ho_count,
		    "ip_sharing", ho->ho_sharing != 0);
		(void)json_array_append_new(root, o);
	}
	return (root);
}

void
output_hosts(const struct status_reply *sr, int json)
{
	const struct host_msg	*ho;
	char			 last[32], os[4 * HS_NAMELEN + 1];
	size_t			 i;

	if (json) {
		output_json(hosts_json(sr));
		return;
	}
	(void)printf("%-39s %-32s %4s %-6s %-20s %7s\n", "ADDRESS", "OS",
	    "DIST", "SEEN", "LAST", "PACKETS");
	for (i = 0; i < sr->nhosts; i++) {
		ho = &sr->hosts[i];
		format_time(ho->ho_last, last, sizeof(last));
		(void)str_escape(ho->ho_os, strlen(ho->ho_os), os, sizeof(os));
		(void)printf("%-39s %-32s %4d %-6s %-20s %7llu\n",
		    ho->ho_addrtext, os[0] != '\0' ? os : "?",
		    ho->ho_distance, ho->ho_kind == HS_FP_SYNACK ?
		    "synack" : "syn", last, (unsigned long long)ho->ho_count);
	}
}

static void
mac_text(const uint8_t *mac, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
	    mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static const char *
persona_state(const struct alias_msg *am)
{
	switch (am->al_persona) {
	case PERSONA_ACTIVE:
		return ("yes");
	case PERSONA_FAILED:
		return ("no");
	default:
		return ("-");
	}
}

/* getAliases: the virtual hosts, as netctl has them. */
json_t *
aliases_json(const struct status_reply *sr)
{
	const struct alias_msg	*am;
	json_t			*root, *o;
	char			 mac[18], vendor[4 * HS_VENDORLEN + 1];
	size_t			 i;

	if ((root = json_array()) == NULL)
		return (NULL);
	for (i = 0; i < sr->naliases; i++) {
		am = &sr->aliases[i];
		mac_text(am->al_mac, mac, sizeof(mac));
		(void)str_escape(am->al_vendor, strlen(am->al_vendor), vendor,
		    sizeof(vendor));
		o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:b}", "address",
		    am->al_addrtext, "mac", mac, "vendor", vendor[0] != '\0' ?
		    json_string(vendor) : json_null(), "interface",
		    am->al_ifname, "source", am->al_fromconf ? "config" :
		    "call", "personality", am->al_personality[0] != '\0' ?
		    json_string(am->al_personality) : json_null(),
		    "rewriting", am->al_persona == PERSONA_ACTIVE);
		(void)json_array_append_new(root, o);
	}
	return (root);
}

void
output_aliases(const struct status_reply *sr, int json)
{
	const struct alias_msg	*am;
	char			 mac[18], vendor[4 * HS_VENDORLEN + 1];
	size_t			 i;

	if (json) {
		output_json(aliases_json(sr));
		return;
	}
	/* the vendor last: it is the one name that may have spaces */
	(void)printf("%-39s %-17s %-10s %-9s %-6s %s\n", "ADDRESS", "MAC",
	    "INTERFACE", "REWRITING", "SOURCE", "VENDOR");
	for (i = 0; i < sr->naliases; i++) {
		am = &sr->aliases[i];
		mac_text(am->al_mac, mac, sizeof(mac));
		(void)str_escape(am->al_vendor, strlen(am->al_vendor), vendor,
		    sizeof(vendor));
		(void)printf("%-39s %-17s %-10s %-9s %-6s %s\n",
		    am->al_addrtext, mac, am->al_ifname, persona_state(am),
		    am->al_fromconf ? "config" : "call", vendor[0] != '\0' ?
		    vendor : "-");
		if (am->al_personality[0] != '\0')
			(void)printf("%-39s personality %s\n", "",
			    am->al_personality);
	}
}

static const char *
service_state(int state)
{
	switch (state) {
	case 0:
		return ("binding");
	case 1:
		return ("listening");
	case 2:
		return ("failed");
	}
	return ("unknown");
}

/*
 * One line per service; arguments are the operator's own words, escaped
 * all the same so that no byte reaches the terminal raw.
 */
json_t *
services_json(const struct status_reply *sr)
{
	const struct service_msg	*sv;
	json_t				*root, *o, *args;
	char				 esc[4 * HS_ARGSLEN + 1];
	const char			*a;
	size_t				 i;
	int				 j;

	if ((root = json_array()) == NULL)
		return (NULL);
	for (i = 0; i < sr->nservices; i++) {
		sv = &sr->services[i].si_sv;
		args = json_array();
		for (j = 0, a = sv->sv_args; j < sv->sv_nargs;
		    j++, a += strlen(a) + 1) {
			(void)str_escape(a, strlen(a), esc, sizeof(esc));
			(void)json_array_append_new(args, json_string(esc));
		}
		(void)str_escape(sv->sv_program, strlen(sv->sv_program), esc,
		    sizeof(esc));
		o = json_pack("{s:i, s:s, s:s, s:s, s:i, s:s, s:o, s:s}",
		    "id", (int)sv->sv_id, "name", sv->sv_name,
		    "address", sv->sv_addrtext, "protocol",
		    sv->sv_proto == IPPROTO_UDP ? "udp" : "tcp",
		    "port", sv->sv_port, "program", esc, "args", args,
		    "state", service_state(sr->services[i].si_state));
		(void)json_array_append_new(root, o);
	}
	return (root);
}

void
output_services(const struct status_reply *sr, int json)
{
	const struct service_msg	*sv;
	char				 esc[4 * HS_ARGSLEN + 1], line[8192];
	const char			*a;
	size_t				 i;
	int				 j;

	if (json) {
		output_json(services_json(sr));
		return;
	}
	(void)printf("%-4s %-12s %-24s %-5s %5s %-9s %s\n", "ID", "NAME",
	    "ADDRESS", "PROTO", "PORT", "STATE", "PROGRAM");
	for (i = 0; i < sr->nservices; i++) {
		sv = &sr->services[i].si_sv;
		(void)str_escape(sv->sv_program, strlen(sv->sv_program), line,
		    sizeof(line));
		for (j = 0, a = sv->sv_args; j < sv->sv_nargs;
		    j++, a += strlen(a) + 1) {
			(void)str_escape(a, strlen(a), esc, sizeof(esc));
			(void)strlcat(line, " ", sizeof(line));
			(void)strlcat(line, esc, sizeof(line));
		}
		(void)printf("%-4u %-12s %-24s %-5s %5d %-9s %s\n", sv->sv_id,
		    sv->sv_name, sv->sv_addrtext, sv->sv_proto ==
		    IPPROTO_UDP ? "udp" : "tcp", sv->sv_port,
		    service_state(sr->services[i].si_state), line);
	}
}

json_t *
status_json(const struct status_reply *sr)
{
	const struct proc_status_msg	*ps;
	const struct ctl_feature	*cf;
	json_t				*root, *procs, *feats, *o, *hosts;
	char				 caps[512], when[32], hex[24];
	size_t				 i;

	format_time(sr->st.cs_started, when, sizeof(when));
	procs = json_array();
	for (i = 0; i < sr->nprocs; i++) {
		ps = &sr->procs[i];
		if (caps_format(ps->ps_capeff, caps, sizeof(caps)) == -1)
			(void)strlcpy(caps, "?", sizeof(caps));
		(void)snprintf(hex, sizeof(hex), "%016llx",
		    (unsigned long long)ps->ps_capeff);
		o = json_pack("{s:s, s:i, s:I, s:I, s:s, s:s, s:s, s:i, s:o}",
		    "name", ps->ps_name, "pid", ps->ps_pid,
		    "uid", (json_int_t)ps->ps_uid,
		    "gid", (json_int_t)ps->ps_gid,
		    "capabilities", caps, "capeff", hex,
		    "seccomp", seccomp_name(ps->ps_seccomp),
		    "seccomp_mode", ps->ps_seccomp,
		    "chroot", ps->ps_chrooted ? json_string(ps->ps_chroot) :
		    json_null());
		(void)json_array_append_new(procs, o);
	}
	feats = json_array();
	for (i = 0; i < sr->nfeatures; i++) {
		cf = &sr->features[i];
		o = json_pack("{s:s, s:s, s:b, s:s}", "name", cf->cf_name,
		    "description", cf->cf_desc, "enabled", cf->cf_enabled,
		    "reason", cf->cf_reason);
		(void)json_array_append_new(feats, o);
	}
	root = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}",
	    "mode", privmode_name(sr->st.cs_privmode),
	    "node", sr->st.cs_node,
	    "node_mode", nodemode_name(sr->st.cs_nodemode),
	    "started", when, "processes", procs, "features", feats);
	if (root != NULL && sr->have_capture)
		(void)json_object_set_new(root, "capture",
		    capture_json(&sr->capture));
	if (root != NULL && sr->naliases > 0) {
		hosts = json_array();
		for (i = 0; hosts != NULL && i < sr->naliases; i++)
			(void)json_array_append_new(hosts, json_pack(
			    "{s:s, s:s, s:b}", "address",
			    sr->aliases[i].al_addrtext, "personality",
			    sr->aliases[i].al_personality, "rewriting",
			    sr->aliases[i].al_persona == PERSONA_ACTIVE));
		(void)json_object_set_new(root, "personalities", hosts);
	}
	return (root);
}

/* Indented JSON on stdout; consumes o. */
void
output_json(json_t *o)
{
	if (o == NULL || json_dumpf(o, stdout, JSON_INDENT(2)) == -1)
		(void)fprintf(stderr, "honeyspyctl: cannot encode JSON\n");
	(void)printf("\n");
	json_decref(o);
}

/* getSensors: each sensor the master knows, connected or not. */
void
output_sensors(const struct status_reply *sr, int json)
{
	json_t		*o;
	size_t		 i;
	const char	*name, *addr, *mode;
	char		 last[32];

	if (json) {
		output_json(sr->items != NULL ? json_incref(sr->items) :
		    json_array());
		return;
	}
	(void)printf("%-20s %-8s %-28s %-12s %-20s %s\n", "SENSOR", "STATE",
	    "ADDRESS", "MODE", "LAST SEEN", "EVENTS");
	for (i = 0; sr->items != NULL && i < json_array_size(sr->items);
	    i++) {
		o = json_array_get(sr->items, i);
		name = json_string_value(json_object_get(o, "name"));
		addr = json_string_value(json_object_get(o, "address"));
		mode = json_string_value(json_object_get(o, "mode"));
		format_time(json_integer_value(json_object_get(o,
		    "last_seen")) / 1000000, last, sizeof(last));
		(void)printf("%-20s %-8s %-28s %-12s %-20s %lld\n",
		    name != NULL ? name : "?",
		    json_is_true(json_object_get(o, "online")) ? "online" :
		    "offline", addr != NULL ? addr : "-",
		    mode != NULL ? mode : "-", last,
		    (long long)json_integer_value(json_object_get(o,
		    "events")));
	}
}

/*
 * A document (a configuration) as it is, line by line, but with no other
 * control byte than the line breaks reaching the terminal.
 */
void
output_text(const char *text)
{
	char		 esc[4 * 1024 + 1];
	const char	*nl;
	size_t		 n;

	while (*text != '\0') {
		nl = strchr(text, '\n');
		n = nl != NULL ? (size_t)(nl - text) : strlen(text);
		while (n > 0) {
			size_t	 take = n > 1024 ? 1024 : n;

			(void)str_escape(text, take, esc, sizeof(esc));
			(void)fputs(esc, stdout);
			text += take;
			n -= take;
		}
		(void)putchar('\n');
		if (nl == NULL)
			break;
		text = nl + 1;
	}
}

/* setFingerprint, getFingerprint: one host's personality. */
json_t *
fingerprint_json(const struct status_reply *sr)
{
	const struct alias_msg	*am;

	if (sr->naliases == 0)
		return (json_null());
	am = &sr->aliases[0];
	return (json_pack("{s:s, s:s, s:b, s:s}", "address", am->al_addrtext,
	    "personality", am->al_personality, "rewriting",
	    am->al_persona == PERSONA_ACTIVE, "failure",
	    am->al_failclosed ? "closed" : "open"));
}

void
output_fingerprint(const struct status_reply *sr, int json)
{
	const struct alias_msg	*am;

	if (json) {
		output_json(fingerprint_json(sr));
		return;
	}
	if (sr->naliases == 0)
		return;
	am = &sr->aliases[0];
	(void)printf("%s %s (%s, fails %s)\n", am->al_addrtext,
	    am->al_personality, am->al_persona == PERSONA_ACTIVE ?
	    "rewriting" : "not rewriting", am->al_failclosed ? "closed" :
	    "open");
}
