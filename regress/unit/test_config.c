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

/* cmocka tests of config_parse_buf: good and bad inputs, print round trip. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <cmocka.h>

#include "log.h"
#include "config.h"

/* Diagnostics are collected here instead of cluttering the TAP stream. */
static char	 diag[8192];
static int	 ndiag;

static void	 sink(int, const char *, int);
static struct hs_config *parse(const char *);
static char	*print(const struct hs_config *);
static int	 setup(void **);
static int	 has_diag(const char *);
static void	 expect_bad(const char *, int, const char *);

static void
sink(int priority, const char *line, int fatal_msg)
{
	(void)priority;
	(void)fatal_msg;
	(void)strlcat(diag, line, sizeof(diag));
	(void)strlcat(diag, "\n", sizeof(diag));
	ndiag++;
}

static int
setup(void **state)
{
	(void)state;
	diag[0] = '\0';
	ndiag = 0;
	return (0);
}

static struct hs_config *
parse(const char *yaml)
{
	return (config_parse_buf("t.yaml", yaml, strlen(yaml)));
}

static char *
print(const struct hs_config *c)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	config_print(fp, c);
	assert_int_equal(fclose(fp), 0);
	return (buf);
}

static int
has_diag(const char *s)
{
	return (strstr(diag, s) != NULL);
}

/* The input must fail with exactly n diagnostics, one containing what. */
static void
expect_bad(const char *yaml, int n, const char *what)
{
	struct hs_config	*c;

	c = parse(yaml);
	if (c != NULL)
		config_free(c);
	assert_null(c);
	if (ndiag != n || !has_diag(what))
		fail_msg("wanted %d lines with \"%s\", got %d:\n%s", n, what,
		    ndiag, diag);
}

static void
test_minimal_defaults(void **state)
{
	struct hs_config	*c;
	struct conf_service	*s;

	(void)state;
	c = parse("node: {name: n1}\nservices:\n  - {port: 25, program: x}\n");
	assert_non_null(c);
	assert_int_equal(ndiag, 0);
	assert_string_equal(c->c_file, "t.yaml");
	assert_string_equal(c->c_node.n_name, "n1");
	assert_int_equal(c->c_node.n_mode, NODEMODE_SENSOR);
	assert_string_equal(c->c_node.n_user, HS_USER);
	assert_string_equal(c->c_node.n_chroot, HS_CHROOT);
	assert_int_equal(c->c_master.m_configured, 0);
	assert_string_equal(c->c_network.nw_bridge, "honeyspy");
	assert_string_equal(c->c_capture.cp_interface, "honeyspy");
	assert_int_equal(c->c_capture.cp_enabled, 0);
	assert_int_equal(c->c_capture.cp_snaplen, 65535);
	assert_int_equal(c->c_capture.cp_ring, 4194304);
	assert_int_equal(c->c_fingerprint.fp_packets, FP_SYN | FP_SYNACK);
	assert_int_equal(c->c_fingerprint.fp_fuzzy, 1);
	assert_int_equal(c->c_detect.d_enabled, DETECT_SHELLCODE |
	    DETECT_FORMAT_STRING | DETECT_OVERFLOW);
	assert_int_equal(c->c_log.lg_syslog, 1);
	assert_int_equal(c->c_nservices, 1);
	s = TAILQ_FIRST(&c->c_services);
	assert_int_equal(s->s_addr.a_af, AF_UNSPEC);
	assert_int_equal(s->s_port, 25);
	assert_int_equal(s->s_proto, IPPROTO_TCP);
	assert_int_equal(s->s_limits.l_connections, 64);
	assert_int_equal(s->s_limits.l_per_source, 8);
	assert_int_equal(s->s_limits.l_rate, 60);
	assert_int_equal(s->s_limits.l_timeout, 300);
	assert_int_equal(s->s_limits.l_transcript, 1048576);
	assert_string_equal(config_nodemode_name(c->c_node.n_mode), "sensor");
	config_free(c);
}

static void
test_default_name(void **state)
{
	struct hs_config	*c;

	(void)state;
	/* the host name may not be a valid node name; either is fine */
	c = parse("log: {syslog: no}\n");
	if (c != NULL) {
		assert_true(c->c_node.n_name[0] != '\0');
		config_free(c);
	} else
		assert_true(has_diag("node.name"));
}

static void
test_master(void **state)
{
	struct hs_config	*c;
	struct conf_user	*u;

	(void)state;
	c = parse("node: {name: m, mode: master}\n"
	    "listen: {address: \"2001:db8::7\", ca: /a, cert: /b, key: /c}\n"
	    "web:\n  users:\n    - {name: u1, password: \"$scrypt$ln=15,r=8,p=1$XA/eJb0+4Vgc7TF5A4G6Wg==$o2ROpaA9DfDaAZe2hwkM8RTvztF1tRdCxr0OruZ7tKs=\"}\n"
	    "    - {name: u2, password: \"$scrypt$ln=15,r=8,p=1$JEhzUX3zAikNQhKiRlbOMw==$qdvOfWZQ6cd6cQYK3jhtxa0iFxb9F4lmlsPUZX1riQg=\"}\n");
	assert_non_null(c);
	assert_int_equal(c->c_node.n_mode, NODEMODE_MASTER);
	assert_string_equal(config_nodemode_name(NODEMODE_MASTER), "master");
	assert_int_equal(c->c_listen.l_addr.a_af, AF_INET6);
	assert_string_equal(c->c_listen.l_addr.a_text, "2001:db8::7");
	assert_int_equal(c->c_listen.l_port, CONF_DEFAULT_PORT);
	assert_string_equal(c->c_web.w_addr.a_text, "127.0.0.1");
	assert_int_equal(c->c_web.w_port, CONF_DEFAULT_WEBPORT);
	assert_int_equal(c->c_web.w_nusers, 2);
	u = TAILQ_LAST(&c->c_web.w_users, conf_userlist);
	assert_string_equal(u->u_name, "u2");
	assert_string_equal(u->u_password, "$scrypt$ln=15,r=8,p=1$JEhzUX3zAikNQhKiRlbOMw==$qdvOfWZQ6cd6cQYK3jhtxa0iFxb9F4lmlsPUZX1riQg=");
	config_free(c);
}

static void
test_hosts_and_lists(void **state)
{
	struct hs_config	*c;
	struct conf_host	*h;
	struct conf_service	*s;
	struct conf_str		*a;

	(void)state;
	c = parse("node: {name: s}\n"
	    "hosts:\n  - address: 198.51.100.9\n    mac: 02:0A:0b:0c:0d:0e\n"
	    "    personality: Linux\n"
	    "services:\n  - address: 198.51.100.9\n    port: 53\n"
	    "    proto: udp\n    program: /p\n    args: [a, \"\", c]\n"
	    "capture: {filters: [icmp, \"port 53\"], enabled: on}\n"
	    "fingerprint: {packets: [http, mtu], fuzzy: off}\n"
	    "detect: {enabled: [overflow]}\n");
	assert_non_null(c);
	h = TAILQ_FIRST(&c->c_hosts);
	assert_int_equal(h->h_address.a_af, AF_INET);
	assert_int_equal(h->h_hasmac, 1);
	assert_int_equal(h->h_mac[0], 0x02);
	assert_int_equal(h->h_mac[5], 0x0e);
	assert_string_equal(h->h_personality, "Linux");
	s = TAILQ_FIRST(&c->c_services);
	assert_int_equal(s->s_proto, IPPROTO_UDP);
	assert_int_equal(s->s_nargs, 3);
	a = TAILQ_FIRST(&s->s_args);
	assert_string_equal(a->cs_str, "a");
	a = TAILQ_NEXT(a, cs_entry);
	assert_string_equal(a->cs_str, "");
	assert_int_equal(c->c_capture.cp_nfilters, 2);
	assert_int_equal(c->c_capture.cp_enabled, 1);
	assert_int_equal(c->c_fingerprint.fp_packets, FP_HTTP | FP_MTU);
	assert_int_equal(c->c_fingerprint.fp_fuzzy, 0);
	assert_int_equal(c->c_detect.d_enabled, DETECT_OVERFLOW);
	config_free(c);
}

static void
test_bad_inputs(void **state)
{
	(void)state;
	expect_bad("", 1, "t.yaml:1: configuration is empty");
	setup(NULL);
	expect_bad("# only\n", 1, "configuration is empty");
	setup(NULL);
	expect_bad("node: {name: x}\nbogus: 1\n", 1, "t.yaml:2: bogus: "
	    "unknown key");
	setup(NULL);
	expect_bad("node: {name: x, nmae: y}\n", 1, "node.nmae: unknown key");
	setup(NULL);
	expect_bad("node: {name: x}\nhosts: {address: 198.51.100.1}\n", 1,
	    "hosts: expected a list, got a mapping");
	setup(NULL);
	expect_bad("node: {name: x}\nservices: [{port: abc, program: p}]\n",
	    1, "services[0].port: \"abc\" is not an integer");
	setup(NULL);
	expect_bad("node: {name: x}\nservices: [{port: 65536, program: p}]\n",
	    1, "services[0].port: 65536 is too large (1-65535)");
	setup(NULL);
	expect_bad("node: {name: x}\nhosts: [{address: 198.51.100.300}]\n", 1,
	    "hosts[0].address: \"198.51.100.300\" is not an IP address");
	setup(NULL);
	expect_bad("node: {name: x}\nhosts: [{address: 198.51.100.1, "
	    "mac: \"02:00:00:00:00\"}]\n", 1, "hosts[0].mac:");
	setup(NULL);
	expect_bad("node: {name: x}\nservices: [{port: 1, proto: icmp, "
	    "program: p}]\n", 1, "services[0].proto: \"icmp\" is not one of");
	setup(NULL);
	expect_bad("node: {name: x}\nnode: {name: y}\n", 1,
	    "t.yaml:2: node: duplicate key (first at line 1)");
	setup(NULL);
	expect_bad("node:\n  name: x\n   user: y\n", 1, "t.yaml:3: syntax "
	    "error:");
	setup(NULL);
	expect_bad("node: {name: &a x}\nlog: *a\n", 2, "aliases are not "
	    "supported");
	setup(NULL);
	expect_bad("node: {name: !!str x}\n", 1, "tags are not supported");
	setup(NULL);
	expect_bad("node: {name: x}\n---\nnode: {name: y}\n", 1,
	    "only one YAML document");
	setup(NULL);
	expect_bad("node: {name: x}\nhosts: [{address: 198.51.100.1}, "
	    "{address: 198.51.100.1}]\n", 1, "hosts[1]: address 198.51.100.1 "
	    "is already used by hosts[0]");
	setup(NULL);
	expect_bad("node: {name: x}\nservices: [{port: 1, program: p}, "
	    "{port: 1, program: q, address: \"*\"}]\n", 1,
	    "services[1]: * tcp port 1 is already used by services[0]");
	setup(NULL);
	expect_bad("node: {name: \"a\\0b\"}\n", 1, "contains a NUL byte");
	setup(NULL);
	expect_bad("node: {name: x, mode: master}\n", 1,
	    "listen: required when node.mode is master");
	setup(NULL);
	expect_bad("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]\n", 1, "nested deeper");
}

static void
test_all_errors_reported(void **state)
{
	(void)state;
	expect_bad("node:\n  name: x\n  mode: nope\n"
	    "services:\n  - port: 0\n    program: p\n    colour: red\n"
	    "  - program: q\ncapture:\n  snaplen: 1\n  enabled: 2\n"
	    "log:\n  file: \"\"\n", 7, "t.yaml:3: node.mode:");
	assert_true(has_diag("t.yaml:5: services[0].port: 0 is too small"));
	assert_true(has_diag("t.yaml:7: services[0].colour: unknown key"));
	assert_true(has_diag("t.yaml:8: services[1].port: required key is "
	    "missing"));
	assert_true(has_diag("t.yaml:10: capture.snaplen:"));
	assert_true(has_diag("t.yaml:11: capture.enabled:"));
	assert_true(has_diag("t.yaml:13: log.file: must not be empty"));
}

static void
test_roundtrip(void **state)
{
	static const char *const inputs[] = {
		"node: {name: rt}\n",
		"node: {name: rt}\nmaster: {address: master.example.org, "
		    "ca: /a, cert: /b, key: /c, reconnect: 5}\n"
		    "network: {bridge: br0, uplink: eth1}\n"
		    "hosts: [{address: \"2001:DB8::0:1\", mac: 02:00:00:00:00:"
		    "AA, vendor: \"\\u00e9\\t\\\"x\\\"\\U0001F600\\x01\"}]\n"
		    "services:\n  - {port: 2222, proto: udp, program: \"a b\", "
		    "args: [\"\", \"\\n\", \"*\", \"#\", \"'\"], limits: "
		    "{transcript: 0, rate: 7}}\n"
		    "capture: {filters: [\"tcp[13] & 2 != 0\"], ring: 65536}\n"
		    "detect: {enabled: [], limits: {scan: 0}}\n",
		"node: {name: m, mode: master, chroot: /x}\n"
		    "listen: {ca: /a, cert: /b, key: /c, crl: /d, port: 1}\n"
		    "web: {users: [{name: a, password: \"$scrypt$ln=15,r=8,"
		    "p=1$XA/eJb0+4Vgc7TF5A4G6Wg==$o2ROpaA9DfDaAZe2hwkM8RTvztF1"
		    "tRdCxr0OruZ7tKs=\"}], root: \"rel/ui\", "
		    "session_timeout: 5}\n"
		    "log: {syslog: false, file: rel/f, spool: s}\n",
	};
	struct hs_config	*c1, *c2;
	char			*p1, *p2;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		c1 = parse(inputs[i]);
		if (c1 == NULL)
			fail_msg("input %zu rejected:\n%s", i, diag);
		p1 = print(c1);
		c2 = config_parse_buf("printed", p1, strlen(p1));
		if (c2 == NULL)
			fail_msg("output %zu rejected:\n%s\n%s", i, diag, p1);
		p2 = print(c2);
		assert_string_equal(p1, p2);
		free(p1);
		free(p2);
		config_free(c1);
		config_free(c2);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_minimal_defaults, setup),
		cmocka_unit_test_setup(test_default_name, setup),
		cmocka_unit_test_setup(test_master, setup),
		cmocka_unit_test_setup(test_hosts_and_lists, setup),
		cmocka_unit_test_setup(test_bad_inputs, setup),
		cmocka_unit_test_setup(test_all_errors_reported, setup),
		cmocka_unit_test_setup(test_roundtrip, setup),
	};

	log_init(1, LOG_DAEMON);
	log_setsink(sink);
	return (cmocka_run_group_tests_name("config", tests, NULL, NULL));
}
