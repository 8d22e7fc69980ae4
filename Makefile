# HoneySpy: build, test and run.  See README.md.
#
#   make            build bin/honeyspyd and bin/honeyspyctl
#   make run        install dependencies, build, run the demo master and sensor
#   make check      install dependencies, build, run every test (one prove run)
#   make check-unit only the cmocka unit tests (SAN=1: ASan and UBSan)
#   make fuzz       run each libFuzzer target for FUZZ_TIME seconds
#   make bench      every bench/ script, each against its peer in one run
#   make lint       mandoc -Tlint, shellcheck, the policies' own checks
#   make install    programs, services, configs, man pages, policies
#                   (PREFIX=/usr, DESTDIR); make install-caps, uninstall
#   make clean

CC		?= cc
PKG_CONFIG	?= pkg-config
PROVE		?= prove
FUZZ_TIME	?= 60
SAN		?=
BINDIR		?= bin

PKGS		 = libevent libevent_openssl yaml-0.1 libcap-ng libseccomp \
		   libbsd-overlay jansson libssl libcrypto unicorn capstone libssh \
		   libpcap sqlite3 libedit libsystemd \
		   libnl-3.0 libnl-route-3.0 libnftables libloc libnats \
		   libnetfilter_queue libnftnl libmnl zlib

WARNINGS	 = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes \
		   -Wmissing-declarations -Wshadow -Wpointer-arith -Wcast-qual \
		   -Wsign-compare -Werror
HARDEN_CFLAGS	 = -fstack-protector-strong -fPIE
HARDEN_LDFLAGS	 = -pie -Wl,-z,relro,-z,now -Wl,--as-needed
OPT		?= -O2 -g

ifeq ($(SAN),1)
# Sanitizer builds go to their own tree so that they never mix with the
# normal objects; _FORTIFY_SOURCE is left out because it hides what ASan
# would report.
BUILD		?= build/san
SANFLAGS	 = -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all
else
BUILD		?= build/$(notdir $(CC))
SANFLAGS	 =
HARDEN_CFLAGS	+= -D_FORTIFY_SOURCE=2
endif

PKG_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm

ALL_CFLAGS	 = -std=c11 -D_GNU_SOURCE $(OPT) $(WARNINGS) $(HARDEN_CFLAGS) \
		   $(SANFLAGS) -I. -Ilib -Iprivsep -Ihoneyspyd -Ihoneyspyctl -Idetect \
		   -Iservices $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS	 = $(HARDEN_LDFLAGS) $(SANFLAGS) $(LDFLAGS)

# Shared plumbing, bottom layer.
LIB_SRCS	 = lib/log.c lib/imsg.c lib/buf.c lib/util.c lib/net.c \
		   lib/service.c lib/hs_event.c lib/frame.c lib/calls.c \
		   lib/tls.c lib/passwd.c

# Children: one directory per process.
CHILD_SRCS	 = netctl/netctl.c netctl/kernel.c \
		   $(sort $(wildcard capture/*.c)) \
		   persona/persona.c persona/osdb.c persona/rewrite.c \
		   persona/rules.c \
		   superserver/binder.c superserver/superserver.c \
		   superserver/spawner.c superserver/spawn_env.c \
		   $(RPC_SRCS) web/web.c $(OUTPUT_SRCS)

# A master's outputs, one child per kind.
OUTPUT_SRCS	 = outputs/output.c outputs/ecs.c outputs/file.c \
		   outputs/syslog.c outputs/nats.c outputs/webhook.c lib/enrich.c

# The rpc child runs calls the way honeyspyctl asks them.
RPC_SRCS	 = rpc/rpc.c honeyspyctl/parser.c honeyspyctl/ctlmsg.c \
		   honeyspyctl/output.c

PRIVSEP_SRCS	 = privsep/proc.c privsep/drop.c privsep/sandbox.c \
		   privsep/sandbox_program.c

HONEYSPYD_SRCS	 = honeyspyd/honeyspyd.c honeyspyd/parse.c honeyspyd/webui.c \
		   honeyspyd/printconf.c honeyspyd/control.c \
		   honeyspyd/services.c honeyspyd/eventlog.c \
		   honeyspyd/artifacts.c honeyspyd/link.c honeyspyd/spool.c \
		   honeyspyd/store.c honeyspyd/outputs.c \
		   $(CHILD_SRCS) $(PRIVSEP_SRCS) $(LIB_SRCS)

HONEYSPYCTL_SRCS = honeyspyctl/honeyspyctl.c honeyspyctl/parser.c lib/service.c \
		   honeyspyctl/ctlmsg.c honeyspyctl/remote.c lib/frame.c \
		   lib/tls.c lib/calls.c lib/passwd.c \
		   honeyspyctl/output.c lib/log.c lib/imsg.c lib/buf.c \
		   lib/util.c

# Exploit-payload analysis: the library and the analysts' tool.
DETECT_SRCS	 = detect/detect.c detect/shellcode.c detect/fmtstr.c \
		   detect/overflow.c
HONEYSPY_DETECT_SRCS = detect/honeyspy-detect.c detect/worker.c \
		   $(DETECT_SRCS) lib/util.c lib/log.c lib/imsg.c lib/buf.c

# Fake services: one program each, built from services/NAME/ plus the
# shared event and input helpers; www and proxy share the HTTP parser.
SERVICES	 = $(filter-out http,$(patsubst services/%/,%,$(sort \
		   $(wildcard services/*/))))
SVC_SRCS	 = services/svc.c lib/hs_event.c lib/util.c
HTTP_SRCS	 = $(wildcard services/http/*.c)
www_SVC_EXTRA	 = $(HTTP_SRCS)
proxy_SVC_EXTRA	 = $(HTTP_SRCS)
SERVICE_BINS	 = $(addprefix $(BINDIR)/services/,$(SERVICES))

# The network's certificate authority.
HONEYSPY_CERT_SRCS = certs/honeyspy-cert.c

# Test-only daemon: the same sources built with HS_REGRESS, which adds a
# child that breaks out of its seccomp table on purpose.
REGRESS_SRCS	 = $(HONEYSPYD_SRCS) regress/sandbox/violator.c

UNIT_TESTS	 = test_buf test_imsg test_config test_util test_event \
		   test_spawn_env test_shellcode test_fmtstr test_overflow \
		   test_decode test_p0f test_spool test_store test_enrich \
		   test_passwd test_persona
test_buf_SRCS	 = regress/unit/test_buf.c lib/buf.c
test_imsg_SRCS	 = regress/unit/test_imsg.c lib/imsg.c lib/buf.c
test_persona_SRCS = regress/unit/test_persona.c persona/osdb.c \
		   persona/rewrite.c
test_config_SRCS = regress/unit/test_config.c honeyspyd/parse.c lib/passwd.c \
		   honeyspyd/printconf.c lib/log.c lib/util.c
test_util_SRCS	 = regress/unit/test_util.c lib/util.c lib/log.c
test_event_SRCS	 = regress/unit/test_event.c lib/hs_event.c
test_spawn_env_SRCS = regress/unit/test_spawn_env.c superserver/spawn_env.c
test_shellcode_SRCS = regress/unit/test_shellcode.c $(DETECT_SRCS)
test_fmtstr_SRCS = regress/unit/test_fmtstr.c $(DETECT_SRCS)
test_overflow_SRCS = regress/unit/test_overflow.c $(DETECT_SRCS)
test_decode_SRCS = regress/unit/test_decode.c capture/decode.c
test_p0f_SRCS	 = regress/unit/test_p0f.c capture/decode.c capture/p0f.c
test_spool_SRCS	 = regress/unit/test_spool.c honeyspyd/spool.c
test_store_SRCS	 = regress/unit/test_store.c honeyspyd/store.c
test_enrich_SRCS = regress/unit/test_enrich.c lib/enrich.c
test_passwd_SRCS = regress/unit/test_passwd.c lib/passwd.c

FUZZ_TARGETS	 = fuzz_imsg fuzz_config fuzz_event fuzz_shellcode \
		   fuzz_fmtstr fuzz_overflow fuzz_smtp fuzz_http fuzz_ssh \
		   fuzz_decode fuzz_p0f fuzz_frame fuzz_persona
fuzz_persona_SRCS = regress/fuzz/fuzz_persona.c persona/rewrite.c \
		   persona/osdb.c
fuzz_frame_SRCS	 = regress/fuzz/fuzz_frame.c lib/frame.c lib/calls.c
fuzz_imsg_SRCS	 = regress/fuzz/fuzz_imsg.c lib/imsg.c lib/buf.c
fuzz_config_SRCS = regress/fuzz/fuzz_config.c honeyspyd/parse.c lib/passwd.c \
		   honeyspyd/printconf.c lib/log.c lib/util.c
fuzz_event_SRCS	 = regress/fuzz/fuzz_event.c lib/hs_event.c
fuzz_shellcode_SRCS = regress/fuzz/fuzz_shellcode.c $(DETECT_SRCS)
fuzz_fmtstr_SRCS = regress/fuzz/fuzz_analyzer.c $(DETECT_SRCS)
fuzz_fmtstr_DEFS = -DFUZZ_KIND=DETECT_FORMAT_STRING \
		   -DFUZZ_ANALYZER=detect_format_string
fuzz_overflow_SRCS = regress/fuzz/fuzz_analyzer.c $(DETECT_SRCS)
fuzz_overflow_DEFS = -DFUZZ_KIND=DETECT_OVERFLOW \
		   -DFUZZ_ANALYZER=detect_overflow
fuzz_smtp_SRCS	 = regress/fuzz/fuzz_smtp.c services/smtp/smtp_parse.c \
		   services/smtp/smtp_session.c $(SVC_SRCS)
fuzz_http_SRCS	 = regress/fuzz/fuzz_http.c $(HTTP_SRCS) $(SVC_SRCS)
fuzz_decode_SRCS = regress/fuzz/fuzz_decode.c capture/decode.c
fuzz_p0f_SRCS	 = regress/fuzz/fuzz_p0f.c capture/decode.c capture/p0f.c
fuzz_ssh_SRCS	 = regress/fuzz/fuzz_ssh.c services/ssh/shell.c \
		   services/ssh/cmds.c services/ssh/fakefs.c \
		   services/ssh/fscontent.c $(SVC_SRCS)

# Integration tests, one directory per area.
BATS_TESTS	 = $(sort $(wildcard regress/*/*.bats))

objs		 = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
robjs		 = $(patsubst %.c,$(BUILD)/regress-obj/%.o,$(1))

UNIT_BINS	 = $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))
REGRESS_BIN	 = $(BUILD)/regress/honeyspyd-regress
FLOOD_BIN	 = $(BUILD)/regress/flood
P0FCHECK_BIN	 = $(BUILD)/regress/p0fcheck
NATSCHECK_BIN	 = $(BUILD)/regress/natscheck
QHOLD_BIN	 = $(BUILD)/regress/qhold

.PHONY: all run check check-unit check-integration fuzz lint clean deps bench \
	regress-bins install install-caps uninstall

all: $(BINDIR)/honeyspyd $(BINDIR)/honeyspyctl $(BINDIR)/honeyspy-detect \
	$(BINDIR)/honeyspy-cert $(SERVICE_BINS)

deps:
	@scripts/install-deps

$(BINDIR)/honeyspyd: $(call objs,$(HONEYSPYD_SRCS))
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BINDIR)/honeyspyctl: $(call objs,$(HONEYSPYCTL_SRCS))
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BINDIR)/honeyspy-detect: $(call objs,$(HONEYSPY_DETECT_SRCS))
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BINDIR)/honeyspy-cert: $(call objs,$(HONEYSPY_CERT_SRCS))
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

define service_rule
$(BINDIR)/services/$(1): $(call objs,$(wildcard services/$(1)/*.c) \
	    $($(1)_SVC_EXTRA) $(SVC_SRCS))
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(PKG_LIBS)
endef
$(foreach s,$(SERVICES),$(eval $(call service_rule,$(s))))

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/regress-obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DHS_REGRESS -MMD -MP -c -o $@ $<

$(REGRESS_BIN): $(call robjs,$(REGRESS_SRCS))
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

define unit_rule
$(BUILD)/unit/$(1): $(call objs,$($(1)_SRCS))
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(PKG_LIBS) -lcmocka
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

regress-bins: all $(UNIT_BINS) $(REGRESS_BIN) $(FLOOD_BIN) $(P0FCHECK_BIN) \
	$(NATSCHECK_BIN) $(QHOLD_BIN)

$(QHOLD_BIN): $(call objs,regress/persona/qhold.c)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(NATSCHECK_BIN): $(call objs,regress/outputs/natscheck.c)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(FLOOD_BIN): $(call objs,regress/superserver/flood.c)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(P0FCHECK_BIN): $(call objs,regress/capture/p0fcheck.c capture/decode.c \
	    capture/p0f.c)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# One prove run over unit programs and bats files, so the whole suite ends
# in a single "Result:" line; an empty list is a failure, never a pass.
check: deps
	@$(MAKE) --no-print-directory regress-bins
	@tests="$(UNIT_BINS) $(BATS_TESTS)"; \
	[ -n "$$(echo $$tests)" ] || { echo "no tests found" >&2; exit 1; }; \
	BIN=$(abspath $(BINDIR)) HS_REGRESS_BIN=$(abspath $(REGRESS_BIN)) \
	HS_FLOOD_BIN=$(abspath $(FLOOD_BIN)) CMOCKA_MESSAGE_OUTPUT=TAP \
	HS_P0FCHECK_BIN=$(abspath $(P0FCHECK_BIN)) \
	HS_NATSCHECK_BIN=$(abspath $(NATSCHECK_BIN)) \
	HS_QHOLD_BIN=$(abspath $(QHOLD_BIN)) \
	    $(PROVE) -f -e regress/run-test $$tests

check-unit: $(UNIT_BINS)
	@[ -n "$(UNIT_BINS)" ] || { echo "no tests found" >&2; exit 1; }
	@CMOCKA_MESSAGE_OUTPUT=TAP $(PROVE) -f -e regress/run-test $(UNIT_BINS)

check-integration: regress-bins
	@BIN=$(abspath $(BINDIR)) HS_REGRESS_BIN=$(abspath $(REGRESS_BIN)) \
	    HS_FLOOD_BIN=$(abspath $(FLOOD_BIN)) \
	    HS_P0FCHECK_BIN=$(abspath $(P0FCHECK_BIN)) \
	    HS_NATSCHECK_BIN=$(abspath $(NATSCHECK_BIN)) \
	    HS_QHOLD_BIN=$(abspath $(QHOLD_BIN)) \
	    $(PROVE) -f -e regress/run-test $(BATS_TESTS)

# As root the control socket is the default one, so that a plain
# "bin/honeyspyctl status" finds it; a user gets one under build/.
run: deps all
	@exec scripts/run-demo

# libFuzzer needs clang whatever CC is.
FUZZ_CC		?= clang
FUZZ_CFLAGS	 = -std=c11 -D_GNU_SOURCE -g -O1 $(WARNINGS) \
		   -fsanitize=fuzzer,address,undefined -Ilib -Iprivsep \
		   -Ihoneyspyd -Idetect -Iservices -I. $(PKG_CFLAGS)
FUZZ_BINS	 = $(addprefix build/fuzz/,$(FUZZ_TARGETS))

define fuzz_rule
build/fuzz/$(1): $($(1)_SRCS) $(wildcard lib/*.h honeyspyd/*.h \
	    services/*.h services/*/*.h capture/*.h persona/*.h)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) $($(1)_DEFS) -o $$@ $($(1)_SRCS) \
	    $$(PKG_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

# FUZZ_SKIP names targets not to run (see .ci/run for why).
FUZZ_SKIP	?=

fuzz: $(FUZZ_BINS)
	@for f in $(filter-out $(FUZZ_SKIP),$(FUZZ_TARGETS)); do \
		mkdir -p build/fuzz/corpus/$$f; \
		echo "fuzz: $$f for $(FUZZ_TIME)s"; \
		seeds=; [ -d regress/fuzz/seeds/$$f ] && \
		    seeds=regress/fuzz/seeds/$$f; \
		build/fuzz/$$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		    build/fuzz/corpus/$$f $$seeds \
		    2>build/fuzz/$$f.log || { tail -50 build/fuzz/$$f.log; \
		    exit 1; }; \
		grep -E '^stat::number_of_executed_units' build/fuzz/$$f.log; \
	done

# Benchmarks are separate from tests: they print figures, never pass/fail
# on timing.  Results go to bench/RESULTS.md with the command that made them.
bench: deps all
	@for b in bench/*; do \
		[ -f "$$b" ] && [ -x "$$b" ] || continue; \
		echo "== $$b"; "$$b" || exit 1; \
	done

lint:
	mandoc -Tlint -W warning man/*.[0-9]
	scripts/check-man-keys
	shellcheck scripts/install-deps regress/run-test regress/lab/lab.sh \
	    regress/config/update-golden.sh .ci/run bench/superserver \
	    bench/fingerprint bench/capture bench/events bench/outputs \
	    bench/persona \
	    scripts/run-demo \
	    scripts/mkusers scripts/check-man-keys policy/rc/honeyspyd \
	    policy/check regress/web/npm-setup
	policy/check


# Installation (FHS).  The daemon's own paths (/etc/honeyspy, /var/...,
# /run/honeyspy) are fixed in the code, so only the program directories
# follow PREFIX.  Installing for real as root also creates the users and
# gives the state directories to them; a DESTDIR install (packaging) only
# sets modes unless OWNERS=yes.
PREFIX		?= /usr
DESTDIR		?=
sbindir		?= $(PREFIX)/sbin
bindir		?= $(PREFIX)/bin
libexecdir	?= $(PREFIX)/libexec
datadir		?= $(PREFIX)/share
mandir		?= $(datadir)/man
docdir		?= $(datadir)/doc/honeyspy
sysconfdir	?= /etc
localstatedir	?= /var
runstatedir	?= /run
unitdir		?= /lib/systemd/system
INSTALL		?= install
SETCAP		?= setcap
IS_ROOT		:= $(shell [ "$$(id -u)" -eq 0 ] && echo yes)
OWNERS		?= $(if $(DESTDIR),no,$(IS_ROOT))
own		 = $(if $(filter yes,$(OWNERS)),-o $(1) -g $(2))
HS_CAPS		 = cap_net_bind_service,cap_net_raw,cap_net_admin+ep
MAN1		 = $(wildcard man/*.1)
MAN5		 = $(wildcard man/*.5)
MAN8		 = $(wildcard man/*.8)
POLICY_DIRS	 = selinux apparmor grsecurity

# Where honeyspyd looks for the live-session analyser when it is not beside
# it, as after make install.
HS_DETECT_DEF	 = -DHS_DETECT_PATH='"$(bindir)/honeyspy-detect"'
$(BUILD)/obj/honeyspyd/services.o: ALL_CFLAGS += $(HS_DETECT_DEF)
$(BUILD)/regress-obj/honeyspyd/services.o: ALL_CFLAGS += $(HS_DETECT_DEF)

install: all
	@[ "$(OWNERS)" != yes ] || scripts/mkusers
	$(INSTALL) -d -m 0755 $(DESTDIR)$(sbindir) $(DESTDIR)$(bindir) \
	    $(DESTDIR)$(libexecdir)/honeyspy/services \
	    $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(mandir)/man5 \
	    $(DESTDIR)$(mandir)/man8 $(DESTDIR)$(docdir)/examples \
	    $(DESTDIR)$(datadir)/honeyspy/policy $(DESTDIR)$(unitdir) \
	    $(DESTDIR)$(sysconfdir)/init.d
	$(INSTALL) -m 0755 $(BINDIR)/honeyspyd $(BINDIR)/honeyspyctl \
	    $(DESTDIR)$(sbindir)
	$(INSTALL) -m 0755 $(BINDIR)/honeyspy-cert $(BINDIR)/honeyspy-detect \
	    $(DESTDIR)$(bindir)
	$(INSTALL) -m 0755 $(SERVICE_BINS) \
	    $(DESTDIR)$(libexecdir)/honeyspy/services
	$(INSTALL) -m 0644 $(MAN1) $(DESTDIR)$(mandir)/man1
	$(INSTALL) -m 0644 $(MAN5) $(DESTDIR)$(mandir)/man5
	$(INSTALL) -m 0644 $(MAN8) $(DESTDIR)$(mandir)/man8
	@# Configuration: the keys stay readable by the daemon's group only,
	@# and an operator's honeyspyd.yaml is never overwritten.
	$(INSTALL) -d -m 0750 $(call own,root,_honeyspy) \
	    $(DESTDIR)$(sysconfdir)/honeyspy $(DESTDIR)$(sysconfdir)/honeyspy/certs
	for f in etc/sensor.yaml etc/master.yaml; do \
		sed 's|/usr/libexec/honeyspy|$(libexecdir)/honeyspy|g' $$f \
		    >$(DESTDIR)$(docdir)/examples/$${f#etc/} || exit 1; \
		chmod 0644 $(DESTDIR)$(docdir)/examples/$${f#etc/}; \
	done
	[ -e $(DESTDIR)$(sysconfdir)/honeyspy/honeyspyd.yaml ] || \
	    $(INSTALL) -m 0640 $(call own,root,_honeyspy) \
	    $(DESTDIR)$(docdir)/examples/sensor.yaml \
	    $(DESTDIR)$(sysconfdir)/honeyspy/honeyspyd.yaml
	@# State: the jail is empty and root's; the rest is the daemon's.
	$(INSTALL) -d -m 0755 $(call own,root,root) \
	    $(DESTDIR)$(localstatedir)/lib/honeyspy \
	    $(DESTDIR)$(localstatedir)/lib/honeyspy/empty
	$(INSTALL) -d -m 0750 $(call own,_honeyspy,_honeyspy) \
	    $(DESTDIR)$(localstatedir)/lib/honeyspy/artifacts \
	    $(DESTDIR)$(localstatedir)/log/honeyspy \
	    $(DESTDIR)$(localstatedir)/spool/honeyspy \
	    $(DESTDIR)$(runstatedir)/honeyspy
	@# Service manager files, with the paths of this installation.
	sed 's|/usr/sbin/|$(sbindir)/|g' policy/systemd/honeyspyd.service \
	    >$(DESTDIR)$(unitdir)/honeyspyd.service
	chmod 0644 $(DESTDIR)$(unitdir)/honeyspyd.service
	sed 's|/usr/sbin/|$(sbindir)/|g' policy/rc/honeyspyd \
	    >$(DESTDIR)$(sysconfdir)/init.d/honeyspyd
	chmod 0755 $(DESTDIR)$(sysconfdir)/init.d/honeyspyd
	@# The web console's pages (web.root's default under PREFIX=/usr).
	$(INSTALL) -d -m 0755 $(DESTDIR)$(datadir)/honeyspy/web
	for f in web/ui/*; do \
		[ -f "$$f" ] || continue; \
		$(INSTALL) -m 0644 "$$f" $(DESTDIR)$(datadir)/honeyspy/web || \
		    exit 1; \
	done
	@# Mandatory access control policies, to be loaded by the operator
	@# (see each directory's README).
	for d in $(POLICY_DIRS); do \
		[ -d policy/$$d ] || continue; \
		$(INSTALL) -d -m 0755 $(DESTDIR)$(datadir)/honeyspy/policy/$$d; \
		$(INSTALL) -m 0644 policy/$$d/* \
		    $(DESTDIR)$(datadir)/honeyspy/policy/$$d || exit 1; \
	done

# File capabilities instead of root: only the daemon's group may run it.
install-caps: install
	chgrp _honeyspy $(DESTDIR)$(sbindir)/honeyspyd
	chmod 0750 $(DESTDIR)$(sbindir)/honeyspyd
	$(SETCAP) $(HS_CAPS) $(DESTDIR)$(sbindir)/honeyspyd

# Everything install put in place, except what holds the operator's data:
# a changed honeyspyd.yaml, certificates, events, logs and the spool.
uninstall:
	rm -f $(DESTDIR)$(sbindir)/honeyspyd $(DESTDIR)$(sbindir)/honeyspyctl \
	    $(DESTDIR)$(bindir)/honeyspy-cert $(DESTDIR)$(bindir)/honeyspy-detect \
	    $(addprefix $(DESTDIR)$(libexecdir)/honeyspy/services/,$(SERVICES)) \
	    $(addprefix $(DESTDIR)$(mandir)/man1/,$(notdir $(MAN1))) \
	    $(addprefix $(DESTDIR)$(mandir)/man5/,$(notdir $(MAN5))) \
	    $(addprefix $(DESTDIR)$(mandir)/man8/,$(notdir $(MAN8))) \
	    $(DESTDIR)$(unitdir)/honeyspyd.service \
	    $(DESTDIR)$(sysconfdir)/init.d/honeyspyd
	if cmp -s $(DESTDIR)$(sysconfdir)/honeyspy/honeyspyd.yaml \
	    $(DESTDIR)$(docdir)/examples/sensor.yaml; then \
		rm -f $(DESTDIR)$(sysconfdir)/honeyspy/honeyspyd.yaml; fi
	rm -rf $(DESTDIR)$(docdir) $(DESTDIR)$(datadir)/honeyspy
	rmdir $(DESTDIR)$(libexecdir)/honeyspy/services \
	    $(DESTDIR)$(libexecdir)/honeyspy \
	    $(DESTDIR)$(sysconfdir)/honeyspy/certs $(DESTDIR)$(sysconfdir)/honeyspy \
	    $(DESTDIR)$(localstatedir)/lib/honeyspy/artifacts \
	    $(DESTDIR)$(localstatedir)/lib/honeyspy/empty \
	    $(DESTDIR)$(localstatedir)/lib/honeyspy \
	    $(DESTDIR)$(localstatedir)/log/honeyspy \
	    $(DESTDIR)$(localstatedir)/spool/honeyspy \
	    $(DESTDIR)$(runstatedir)/honeyspy 2>/dev/null || true

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
