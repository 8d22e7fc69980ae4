#!/usr/bin/env bats
# Packet capture in the lab: the daemon captures on the sensor's interface,
# the attacker sends SYNs, pings and datagrams, and every claim is checked
# against the event log, honeyspyctl and /proc.

load ../helpers
# shellcheck source-path=SCRIPTDIR
LAB_DIR="$BATS_TEST_DIRNAME/../lab"

SYN_RULE='tcp[tcpflags] & tcp-syn != 0'

setup_file() {
	hs_lab_setup_file hs
}

teardown_file() {
	hs_lab_teardown_file
}

setup() {
	[ -z "${LAB_SKIP:-}" ] || skip "$LAB_SKIP"
	. "$LAB_DIR/lab.sh"
	hs_require_root
	hs_setup_dir
	HS_WRAP="ip netns exec $LAB_SENSOR_NS"
	SENSOR=$LAB_SENSOR_IP
	ATTACKER=$LAB_ATTACKER_IP
}

teardown() {
	hs_teardown
}

ctl() {
	"$BIN/honeyspyctl" -s "$HS_SOCK" "$@"
}

attacker() {
	lab_exec attacker "$@"
}

mac_of() {
	ip -n "$(lab_ns "$1")" -j link show dev "$(lab_if "$1")" |
	    jq -r '.[0].address'
}

# A connection attempt: one SYN to a closed port, answered by a RST.
syn() {
	attacker nc -z -w 2 "$SENSOR" "$1" || true
}

# cap_config [FP] RULE...: capture on the lab interface with these rules;
# FP is the fingerprint.packets list, off unless given as "fp=[...]".
cap_config() {
	local fp="[]"

	case ${1:-} in
	fp=*)	fp=${1#fp=}; shift ;;
	esac
	hs_write_config capture
	{
		echo "  spool: $HS_DIR/spool"
		echo "capture:"
		echo "  interface: $LAB_SENSOR_IF"
		echo "  enabled: true"
		echo "  filters:"
		for r; do printf '    - "%s"\n' "$r"; done
		echo "fingerprint:"
		echo "  packets: $fp"
	} | hs_add_config
}

# cap_wait JQ [COUNT]: poll the event log until COUNT events pass the jq
# filter JQ (10 s at most).
cap_wait() {
	local i n

	for i in $(seq 1 200); do
		n=$(jq -c "select($1)" "$HS_EVENTS" 2>/dev/null | wc -l)
		[ "$n" -ge "${2:-1}" ] && return 0
		sleep 0.05
	done
	echo "no ${2:-1} events passing $1 within 10 s" >&2
	cat "$HS_EVENTS" >&2 2>/dev/null
	cat "$HS_LOG" >&2
	return 1
}

cap_count() {
	jq -c "select($1)" "$HS_EVENTS" 2>/dev/null | wc -l
}

@test "SYNs and ICMP echo match the original design's rules, as events with the packet's fields" {
	cap_config "$SYN_RULE" icmp
	hs_start
	attacker ping -c 1 -W 2 "$SENSOR" >/dev/null
	syn 7777
	cap_wait '.eventid == "honeyspy.packet.match" and .protocol == "tcp"'
	cap_wait '.eventid == "honeyspy.packet.match" and .icmp_type == 0'
	amac=$(mac_of attacker)
	smac=$(mac_of sensor)

	echo=$(jq -c 'select(.eventid == "honeyspy.packet.match" and .icmp_type == 8)' "$HS_EVENTS")
	echo "$echo"
	echo "$echo" | jq -e --arg a "$ATTACKER" --arg s "$SENSOR" \
	    --arg am "$amac" --arg sm "$smac" --arg ifn "$LAB_SENSOR_IF" '
	    .src_ip == $a and .dst_ip == $s and .protocol == "icmp" and
	    .icmp_code == 0 and .src_mac == $am and .dst_mac == $sm and
	    .interface == $ifn and .sensor == "capture" and .filter == "icmp" and
	    .ip_version == 4 and .ip_tos == 0 and .ip_ttl == 64 and
	    .ip_length == 84 and .payload_length == 56 and .length == 98 and
	    .ip_flags == 2 and (.ip_id | type == "number") and
	    (.community_id | startswith("1:")) and
	    (.timestamp | test("^[0-9-]{10}T[0-9:]{8}\\.[0-9]{6}Z$"))'
	# The reply matches too, and belongs to the same flow.
	reply=$(jq -c 'select(.eventid == "honeyspy.packet.match" and .icmp_type == 0)' "$HS_EVENTS")
	echo "$reply" | jq -e --arg a "$ATTACKER" --arg am "$amac" \
	    '.dst_ip == $a and .dst_mac == $am'
	[ "$(echo "$echo" | jq -r .community_id)" = "$(echo "$reply" | jq -r .community_id)" ]

	tcp=$(jq -c 'select(.eventid == "honeyspy.packet.match" and .protocol == "tcp")' "$HS_EVENTS")
	echo "$tcp"
	# One SYN: the RST that answers it matches no rule.
	[ "$(echo "$tcp" | wc -l)" -eq 1 ]
	echo "$tcp" | jq -e --arg a "$ATTACKER" --arg s "$SENSOR" \
	    --arg r "$SYN_RULE" '
	    .src_ip == $a and .dst_ip == $s and .dst_port == 7777 and
	    .src_port > 1023 and .tcp_flags == "S" and .filter == $r and
	    .ip_length == 60 and .payload_length == 0 and .ip_ttl == 64 and
	    (.community_id | startswith("1:"))'
}

@test "a packet that matches no rule gives no event" {
	cap_config "$SYN_RULE"
	hs_start
	# A datagram, the port unreachable it earns, and a ping: none is a
	# SYN.  The SYN sent after them is the marker that all were read.
	echo probe | attacker nc -u -w 1 "$SENSOR" 5353 || true
	attacker ping -c 1 -W 2 "$SENSOR" >/dev/null
	syn 7001
	cap_wait '.eventid == "honeyspy.packet.match" and .dst_port == 7001'
	[ "$(cap_count '.eventid == "honeyspy.packet.match"')" -eq 1 ]
	[ "$(cap_count '.protocol == "udp" or .protocol == "icmp"')" -eq 0 ]
}

@test "an invalid rule is refused with pcap's message and the previous filter keeps working" {
	cap_config icmp
	hs_start
	run ctl addFilter 'tcp[tcpflags] & tcp-bogus != 0'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *'rule 2 "tcp[tcpflags] & tcp-bogus != 0": '*"syntax error"* ]]
	# Each rule compiles alone first: half of a union is refused too.
	run ctl addFilter 'udp) or (tcp'
	[ "$status" -ne 0 ]
	[[ "$output" == *"syntax error"* ]]
	run ctl replaceFilters tcp 'ip6 and'
	[ "$status" -ne 0 ]
	[[ "$output" == *'rule 3 "ip6 and"'* ]]
	run ctl getFilters
	echo "$output"
	[ "$(echo "$output" | tail -n +2 | wc -l)" -eq 1 ]
	[[ "$output" == *"1   config icmp"* ]]
	attacker ping -c 1 -W 2 "$SENSOR" >/dev/null
	cap_wait '.eventid == "honeyspy.packet.match" and .icmp_type == 8'
	hs_alive "$HS_PID"
}

@test "addFilter, getFilters, getFilter, delFilter and replaceFilters; added rules outlive a restart" {
	cap_config icmp
	hs_start
	ctl addFilter "$SYN_RULE"
	# The original console's form: the words of the rule, unquoted.
	ctl addFilter udp port 53
	run ctl getFilters
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "1   config icmp" ]
	[ "${lines[2]}" = "2   added  $SYN_RULE" ]
	[ "${lines[3]}" = "3   added  udp port 53" ]
	[ "$(ctl getFilter 2)" = "$SYN_RULE" ]
	ctl -j getFilters | jq -e 'length == 3 and .[2].rule == "udp port 53" and
	    .[0].from == "config" and .[1].from == "added"'
	run ctl getFilter 4
	[ "$status" -ne 0 ]
	[[ "$output" == *"no rule 4"* ]]
	# The file's rules are the file's.
	run ctl delFilter 1
	[ "$status" -ne 0 ]
	[[ "$output" == *"capture.filters"* ]]
	ctl delFilter 3
	[ "$(ctl getFilters | wc -l)" -eq 3 ]
	grep -qxF "$SYN_RULE" "$HS_DIR/spool/capture-filters"
	! grep -q "udp port 53" "$HS_DIR/spool/capture-filters" || false
	# The rule works at once.
	syn 7002
	cap_wait '.eventid == "honeyspy.packet.match" and .dst_port == 7002'

	hs_stop
	hs_start
	[ "$(ctl getFilter 2)" = "$SYN_RULE" ]
	syn 7003
	cap_wait '.eventid == "honeyspy.packet.match" and .dst_port == 7003'

	# replaceFilters replaces the added rules; the file's stay.
	ctl replaceFilters 'udp' 'arp'
	run ctl getFilters
	[ "${lines[1]}" = "1   config icmp" ]
	[ "${lines[2]}" = "2   added  udp" ]
	[ "${lines[3]}" = "3   added  arp" ]
	ctl replaceFilters
	[ "$(ctl getFilters | wc -l)" -eq 2 ]
	[ "$(grep -vc '^#' "$HS_DIR/spool/capture-filters")" -eq 0 ]
}

@test "the capture child holds no capability, is under seccomp and in the jail" {
	cap_config icmp
	hs_start
	pid=$(hs_child_pid capture)
	[ -n "$pid" ]
	[ "$(hs_status_field "$pid" CapEff)" = 0000000000000000 ]
	[ "$(hs_status_field "$pid" CapPrm)" = 0000000000000000 ]
	[ "$(hs_status_field "$pid" CapBnd)" = 0000000000000000 ]
	[ "$(hs_status_field "$pid" Seccomp)" = 2 ]
	[ "$(hs_status_field "$pid" Uid)" = "$(id -u _honeyspy) $(id -u _honeyspy) $(id -u _honeyspy) $(id -u _honeyspy)" ]
	[ "$(readlink "/proc/$pid/root")" = "$HS_DIR/jail" ]
	# And it still captures, and compiles rules, under all that.
	ctl addFilter "$SYN_RULE"
	# Names need files the jail has not: refused, not a dead child.
	run ctl addFilter host example.com
	[ "$status" -ne 0 ]
	[[ "$output" == *"unknown host 'example.com'"* ]]
	attacker ping -c 1 -W 2 "$SENSOR" >/dev/null
	cap_wait '.eventid == "honeyspy.packet.match" and .icmp_type == 8'
	[ "$(hs_child_pid capture)" = "$pid" ]
}

@test "disablePcap stops matching and logs the counters; enablePcap resumes; getStatus shows pcap's counters" {
	cap_config icmp
	hs_start
	attacker ping -c 2 -i 0.2 -W 2 "$SENSOR" >/dev/null
	cap_wait '.eventid == "honeyspy.packet.match" and .icmp_type == 0' 2
	ctl disablePcap
	cap_wait '.eventid == "honeyspy.capture.stats"'
	jq -e 'select(.eventid == "honeyspy.capture.stats") |
	    .enabled == false and .received >= 4 and .matched == 4 and
	    .events == 4 and .rules == 1' "$HS_EVENTS"
	ctl -j getStatus | jq -e '.capture.enabled == false and
	    .capture.live == true and .capture.received >= 4 and
	    .capture.matched == 4 and .capture.dropped == 0'
	attacker ping -c 1 -s 30 -W 2 "$SENSOR" >/dev/null
	ctl enablePcap
	attacker ping -c 1 -s 40 -W 2 "$SENSOR" >/dev/null
	cap_wait '.eventid == "honeyspy.packet.match" and .payload_length == 40'
	[ "$(cap_count '.payload_length == 30')" -eq 0 ]
	run ctl status
	echo "$output"
	[[ "$output" == *"capture on $LAB_SENSOR_IF: enabled, 1 rule"* ]]
	echo "$output" | grep -E '^packets: [0-9]+ received, 0 dropped, 0 dropped by the interface, 6 matched$'
}

@test "a flood gives a few events per flow and second, the rest in summaries with counts" {
	cap_config icmp
	# Small frames, so that the kernel's buffer holds the whole burst.
	sed -i 's/^capture:$/capture:\n  snaplen: 256/' "$HS_CONF"
	hs_start
	attacker ping -f -c 300 -s 16 "$SENSOR" >/dev/null
	# 600 packets: every one is an event or counted in a summary.
	for i in $(seq 1 200); do
		n=$(jq -s '[.[] | select(.eventid == "honeyspy.packet.match")] |
		    length' "$HS_EVENTS")
		c=$(jq -s '[.[] | select(.eventid == "honeyspy.packet.summary") |
		    .count] | add // 0' "$HS_EVENTS")
		[ $((n + c)) -ge 600 ] && break
		sleep 0.05
	done
	echo "events $n, summarized $c"
	[ $((n + c)) -eq 600 ]
	[ "$c" -gt 0 ]
	[ "$n" -lt 300 ]
	jq -e --arg a "$ATTACKER" 'select(.eventid == "honeyspy.packet.summary" and
	    .src_ip == $a) | .count > 0 and .events == 10 and
	    .protocol == "icmp" and (.community_id | startswith("1:")) and
	    .bytes == .count * 58' "$HS_EVENTS" | grep -q true
	ctl -j getStatus | jq -e '.capture.matched == 600 and
	    .capture.events + .capture.summarized == 600 and
	    .capture.lost == 0 and .capture.dropped == 0'
}

@test "p0f fingerprints the attacker's SYN: honeyspy.host.fingerprint and getHosts" {
	cap_config "fp=[syn, synack, mtu]"
	hs_start
	syn 7004
	cap_wait '.eventid == "honeyspy.host.fingerprint"'
	ev=$(jq -c 'select(.eventid == "honeyspy.host.fingerprint")' "$HS_EVENTS")
	echo "$ev"
	echo "$ev" | jq -e --arg a "$ATTACKER" --arg m "$(mac_of attacker)" '
	    .src_ip == $a and .dst_port == 7004 and .direction == "syn" and
	    .mac == $m and (.os | startswith("Linux")) and
	    .os_class == "unix" and .distance == "0" and
	    (.raw_sig | startswith("4:64+0:")) and .link == "Ethernet or modem"'
	# With no rule, capture matched nothing: fingerprints are their own.
	[ "$(cap_count '.eventid == "honeyspy.packet.match"')" -eq 0 ]
	# A second SYN adds nothing to the log, only to the table.
	syn 7005
	for i in $(seq 1 100); do
		ctl -j getHosts | jq -e '.[0].packets == 2' >/dev/null && break
		sleep 0.05
	done
	ctl -j getHosts | jq -e --arg a "$ATTACKER" 'length == 1 and
	    .[0].address == $a and (.[0].os | startswith("Linux")) and
	    .[0].seen == "syn" and .[0].packets == 2'
	[ "$(cap_count '.eventid == "honeyspy.host.fingerprint"')" -eq 1 ]
	run ctl getHosts
	echo "$output"
	echo "$output" | grep -E "^$ATTACKER +Linux"
}

# winsyn PORT: a SYN as Windows 7 or 8 sends it (p0f.fp), from the
# attacker's own address, sent with scapy.
winsyn() {
	attacker /usr/bin/python3 -c '
import sys
from scapy.all import IP, TCP, send
send(IP(dst=sys.argv[1], ttl=128, flags="DF") / TCP(sport=int(sys.argv[3]),
    dport=int(sys.argv[2]), flags="S", seq=int(sys.argv[3]) * 7919,
    window=8192, options=[("MSS", 1460),
    ("NOP", None), ("WScale", 8), ("NOP", None), ("NOP", None),
    ("SAckOK", b"")]), verbose=0)' "$SENSOR" "$1" "$((40000 + RANDOM % 20000))"
}

@test "another OS behind the same address is a host change, then ip sharing" {
	cap_config "fp=[syn]"
	hs_start
	syn 7010
	cap_wait '.eventid == "honeyspy.host.fingerprint"'
	# Windows now, from the attacker's address: p0f's "host change".
	winsyn 7011
	cap_wait '.eventid == "honeyspy.host.fingerprint" and
	    .sharing == "host change"'
	jq -s -e 'map(select(.eventid == "honeyspy.host.fingerprint" and
	    .sharing == "host change")) | .[0] | (.os | startswith("Windows"))
	    and (.sharing_reasons | split(",") | index("os_diff") != null) and
	    .sharing_score >= 8' "$HS_EVENTS"
	# Back and forth: the address is shared, as NAT would share it.
	syn 7012
	winsyn 7013
	syn 7014
	cap_wait '.eventid == "honeyspy.host.fingerprint" and .sharing == "nat"'
	ctl -j getHosts | jq -e --arg a "$ATTACKER" '.[] | select(.address ==
	    $a) | .ip_sharing == true'
}

@test "p0f fingerprints HTTP: the client's request and the server's response" {
	cap_config "fp=[http]"
	hs_start
	mkdir "$HS_DIR/www"
	echo hello >"$HS_DIR/www/index.html"
	ip netns exec "$LAB_SENSOR_NS" /usr/bin/python3 -m http.server \
	    -d "$HS_DIR/www" -b "$SENSOR" 7080 >/dev/null 2>&1 &
	SRV_PID=$!
	for i in $(seq 1 50); do
		attacker curl -s -o /dev/null -H 'Accept-Language: pl' \
		    "http://$SENSOR:7080/" && break
		sleep 0.1
	done
	cap_wait '.eventid == "honeyspy.host.fingerprint" and
	    .direction == "http_response"'
	kill "$SRV_PID" 2>/dev/null || true
	wait "$SRV_PID" 2>/dev/null || true
	jq -c 'select(.eventid == "honeyspy.host.fingerprint")' "$HS_EVENTS"
	jq -e --arg a "$ATTACKER" 'select(.eventid ==
	    "honeyspy.host.fingerprint" and .direction == "http_request") |
	    .src_ip == $a and .dst_port == 7080 and .http_lang == "Polish" and
	    .http_lang_code == "pl" and .http_version == "1.1" and
	    (.http_software | startswith("curl/")) and .params == "none" and
	    (.raw_sig | startswith("1:Host,User-Agent,Accept=[*/*]"))' \
	    "$HS_EVENTS" | grep -q true
	jq -e --arg s "$SENSOR" 'select(.eventid ==
	    "honeyspy.host.fingerprint" and .direction == "http_response") |
	    .src_ip == $s and .src_port == 7080 and .http_version == "1.0" and
	    (.http_software | startswith("SimpleHTTP/")) and
	    (.raw_sig | startswith("0:Server,Date,"))' "$HS_EVENTS" |
	    grep -q true
	# No SYN fingerprints were asked for, and getHosts has none.
	[ "$(cap_count '.eventid == "honeyspy.host.fingerprint" and
	    (.direction == "syn" or .direction == "synack")')" -eq 0 ]
	ctl -j getHosts | jq -e 'length == 0'
	[ "$(ctl -j getStatus | jq '.capture.fingerprints')" -ge 2 ]
}

@test "without its interface capture cannot be enabled; reload keeps the handle and says so" {
	cap_config icmp
	sed -i "s/interface: $LAB_SENSOR_IF/interface: hsnosuch0/" "$HS_CONF"
	run $HS_WRAP "$BIN/honeyspyd" -d -f "$HS_CONF" -s "$HS_SOCK"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"capture.enabled: no capture on hsnosuch0"* ]]
	[ ! -e "$HS_SOCK" ]

	# A rule of the file that does not compile stops the start.
	cap_config icmp 'tcp port'
	run $HS_WRAP "$BIN/honeyspyd" -d -f "$HS_CONF" -s "$HS_SOCK"
	[ "$status" -ne 0 ]
	[[ "$output" == *'capture.filters in '*'rule 2 "tcp port": '*"syntax error"* ]]

	cap_config icmp
	hs_start
	sed -i "s/interface: $LAB_SENSOR_IF/interface: lo/" "$HS_CONF"
	sed -i 's/- "icmp"/- "icmp"\n    - "udp"/' "$HS_CONF"
	ctl reload
	for i in $(seq 1 100); do
		[ "$(ctl getFilters | wc -l)" -eq 3 ] && break
		sleep 0.05
	done
	[ "$(ctl getFilter 2)" = udp ]
	grep -q "capture.interface, capture.snaplen and capture.ring take effect at the next start; still capturing on $LAB_SENSOR_IF" "$HS_LOG"
	attacker ping -c 1 -W 2 "$SENSOR" >/dev/null
	cap_wait '.eventid == "honeyspy.packet.match" and .interface == "'"$LAB_SENSOR_IF"'"'
}

# Raw bytes to the socket, as a hostile local client would send them.
send_raw() {
	printf "$1" | timeout 5 nc -N -U "$HS_SOCK" >/dev/null 2>&1 || true
}

# A 16-byte imsg header: type len peerid pid, little-endian like this host.
hdr() {
	printf '%08x%08x%08x%08x' "$1" "$2" "$3" "$4" |
	    sed -E 's/(..)(..)(..)(..)/\4\3\2\1/g; s/(..)/\\x\1/g'
}

@test "malformed capture requests close that client and never stop the daemon" {
	cap_config icmp
	hs_start
	# IMSG_CTL_ADDFILTER (39) cut short, and one whose rule has no NUL;
	# IMSG_CTL_REPLACEFILTERS (41) with an unterminated rule;
	# IMSG_CTL_GETFILTERS (42) with a payload.
	send_raw "$(hdr 5 16 1 0)$(hdr 39 20 0 0)AAAA"
	send_raw "$(hdr 5 16 1 0)$(hdr 39 1048 0 0)$(printf 'A%.0s' $(seq 1032))"
	send_raw "$(hdr 5 16 1 0)$(hdr 41 19 0 0)abc"
	send_raw "$(hdr 5 16 1 0)$(hdr 42 17 0 0)x"
	hs_alive "$HS_PID"
	grep -q "control: pid [0-9]*: malformed request (imsg 39, 4 bytes)" "$HS_LOG"
	grep -q "control: pid [0-9]*: malformed request (imsg 39, 1032 bytes)" "$HS_LOG"
	grep -q "control: pid [0-9]*: malformed request (imsg 41, 3 bytes)" "$HS_LOG"
	grep -q "control: pid [0-9]*: malformed request (imsg 42, 1 bytes)" "$HS_LOG"
	# Bytes a rule cannot hold are refused, not passed to pcap.
	run ctl addFilter "$(printf 'icmp\001')"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not printable ASCII (0x01)"* ]]
	run ctl addFilter "   "
	[ "$status" -ne 0 ]
	[[ "$output" == *"empty rule"* ]]
	[ "$(ctl getFilters | wc -l)" -eq 2 ]
	attacker ping -c 1 -W 2 "$SENSOR" >/dev/null
	cap_wait '.eventid == "honeyspy.packet.match" and .icmp_type == 8'
}

@test "a session from a fingerprinted source says what it runs; its program is told too" {
	cap_config "fp=[syn]" "$SYN_RULE"
	cat >"$HS_DIR/os" <<'EOS'
#!/bin/sh
printf '%s\n' "$HONEYD_REMOTE_OS"
EOS
	chmod 0755 "$HS_DIR/os"
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 7020
    program: $HS_DIR/os
EOF
	hs_start
	# The first SYN teaches the sensor; the sessions after it know.
	syn 7777
	cap_wait '.eventid == "honeyspy.host.fingerprint"'
	os=$(jq -r 'select(.eventid == "honeyspy.host.fingerprint") | .os' "$HS_EVENTS" | head -n 1)
	echo "fingerprinted as: $os"
	case $os in Linux*) ;; *) false ;; esac
	attacker socat -t 5 - "TCP:$SENSOR:7020" </dev/null >"$HS_DIR/got"
	[ "$(cat "$HS_DIR/got")" = "$os" ]
	hs_wait_event honeyspy.session.closed
	jq -e -s --arg os "$os" 'map(select(.eventid | startswith("honeyspy.session."))) |
	    length >= 2 and all(.os == $os)' "$HS_EVENTS"
}

@test "exploits in a matched packet's payload are found: a detect event with the packet's flow and an artifact" {
	cap_config 'udp port 9999'
	# log.artifacts, in the log section hs_write_config wrote.
	sed -i "s|^  syslog: false|  syslog: false\n  artifacts: $HS_DIR/artifacts|" "$HS_CONF"
	hs_start
	printf 'SITE EXEC %%08x.%%08x.%%08x.%%08x.%%7$n%%n\r\n' >"$HS_DIR/fmt"
	attacker socat -u "FILE:$HS_DIR/fmt" "UDP:$SENSOR:9999"
	cap_wait '.eventid == "honeyspy.detect.format_string"'
	ev=$(jq -c 'select(.eventid == "honeyspy.detect.format_string")' "$HS_EVENTS" | head -n 1)
	echo "$ev"
	echo "$ev" | jq -e --arg a "$ATTACKER" '.source == "packet" and .src_ip == $a and
	    .dst_port == 9999 and .protocol == "udp" and (.community_id | startswith("1:")) and
	    (.artifact | length == 64)'
	art=$(echo "$ev" | jq -r .artifact)
	for i in $(seq 1 100); do [ -e "$HS_DIR/artifacts/$art" ] && break; sleep 0.05; done
	cmp "$HS_DIR/fmt" "$HS_DIR/artifacts/$art"
	# The packet's own match event is there as well.
	[ "$(cap_count '.eventid == "honeyspy.packet.match" and .dst_port == 9999')" -ge 1 ]
}
