#!/usr/bin/env bats
# Virtual hosts in the lab: netctl puts the sensor's interface on a bridge
# of its own and adds aliases with their own MACs; everything is checked
# from the attacker's side of the segment with arping, nmap, tcpdump and
# scapy, and in the sensor's namespace after the daemon is gone.

load ../helpers
# shellcheck source-path=SCRIPTDIR
LAB_DIR="$BATS_TEST_DIRNAME/../lab"

ALIAS4=198.51.100.50
ALIAS6=2001:db8::50
MAC6=02:00:5e:10:00:50

setup_file() {
	hs_lab_setup_file nc arping nmap tcpdump nft python3 socat
}

teardown_file() {
	hs_lab_teardown_file
}

setup() {
	[ -z "${LAB_SKIP:-}" ] || skip "$LAB_SKIP"
	. "$LAB_DIR/lab.sh"
	hs_require_root
	hs_setup_dir
	# shellcheck disable=SC2034 # hs_start reads it
	HS_WRAP="ip netns exec $LAB_SENSOR_NS"
}

teardown() {
	hs_teardown
	# A test that failed half-way must not leave the next one a bridge.
	[ -z "${LAB_SENSOR_NS:-}" ] || net_leftovers_remove
}

ctl() {
	"$BIN/honeyspyctl" -s "$HS_SOCK" "$@"
}

attacker() {
	lab_exec attacker "$@"
}

sensor() {
	lab_exec sensor "$@"
}

net_leftovers_remove() {
	local l

	sensor nft delete table bridge honeyspy 2>/dev/null || true
	for l in $(sensor ip -br link | awk '{ sub(/@.*/, "", $1); print $1 }' |
	    grep -E '^(hsv[0-9]+|honeyspy)$'); do
		sensor ip link del "$l" 2>/dev/null || true
	done
	sensor ip addr replace "$LAB_SENSOR_IP/$LAB_PLEN" dev "$LAB_SENSOR_IF"
	sensor ip addr replace "$LAB_SENSOR_IP6/$LAB_PLEN6" dev \
	    "$LAB_SENSOR_IF" nodad
}

sensor_mac() {
	sensor cat "/sys/class/net/$LAB_SENSOR_IF/address"
}

# net_config [EXTRA]: the uplink, two hosts of the file and a TCP and a
# UDP service on the IPv4 alias.
net_config() {
	hs_write_config sensor1
	hs_add_config <<EOF
network:
  uplink: $LAB_SENSOR_IF
hosts:
  - address: $ALIAS4
    vendor: VMware
  - address: $ALIAS6
    mac: $MAC6
services:
  - address: $ALIAS4
    port: 7000
    program: /bin/cat
  - address: $ALIAS4
    port: 7001
    proto: udp
    program: /bin/cat
EOF
}

# alias_mac ADDR: the MAC netctl gave the alias, as getAliases says.
alias_mac() {
	ctl -j getAliases | jq -r --arg a "$1" '.[] | select(.address == $a) | .mac'
}

# Nothing of ours in the sensor's namespace, and its address back home.
assert_clean() {
	run sensor nft list ruleset
	[ "$status" -eq 0 ]
	[[ "$output" != *honeyspy* ]]
	run sensor ip -br link
	echo "$output"
	run grep -E '^(hsv[0-9]+|honeyspy)[@ ]' <<<"$output"
	[ "$status" -ne 0 ]
	run sensor ip rule
	run grep -E 'lookup 4[78][0-9]{3}' <<<"$output"
	[ "$status" -ne 0 ]
	sensor ip -br addr show dev "$LAB_SENSOR_IF" | grep -F "$LAB_SENSOR_IP/"
	sensor ip -br addr show dev "$LAB_SENSOR_IF" | grep -F "$LAB_SENSOR_IP6/"
}

@test "arping and nmap -sn find each alias with its own MAC and vendor" {
	net_config
	hs_start
	mac4=$(alias_mac "$ALIAS4")
	echo "mac4=$mac4"
	# VMware's OUI, as nmap knows it
	grep -qi "^$(echo "${mac4:0:8}" | tr -d : | tr a-f A-F) VMware$" \
	    /usr/share/nmap/nmap-mac-prefixes
	[ "$(alias_mac "$ALIAS6")" = "$MAC6" ]
	[ "$mac4" != "$(sensor_mac)" ]

	run attacker arping -c 2 -w 3 "$ALIAS4"
	echo "$output"
	[ "$status" -eq 0 ]
	# every answer from the alias's MAC, and only from it
	[ "$(grep -c 'bytes from' <<<"$output")" -ge 2 ]
	run grep -vi "$mac4" < <(grep 'bytes from' <<<"$output")
	[ "$status" -ne 0 ]

	run attacker nmap -sn -n "$ALIAS4"
	echo "$output"
	grep -i "MAC Address: $mac4 (VMware)" <<<"$output"

	run attacker nmap -6 -sn -n "$ALIAS6"
	echo "$output"
	grep -i "MAC Address: $MAC6" <<<"$output"

	# the sensor itself still answers, with its own MAC
	run attacker nmap -sn -n "$LAB_SENSOR_IP"
	grep -i "MAC Address: $(sensor_mac)" <<<"$output"
	hs_wait_event honeyspy.alias.added 2
}

@test "no frame pairs the sensor's MAC with an alias; the alias's services answer" {
	net_config
	hs_start
	mac4=$(alias_mac "$ALIAS4")
	attacker ip neigh flush dev "$LAB_ATTACKER_IF"
	attacker tcpdump -i "$LAB_ATTACKER_IF" -e -n -U -w "$HS_DIR/seg.pcap" \
	    2>"$HS_DIR/tcpdump.err" &
	tcpdump_pid=$!
	for _ in $(seq 1 100); do
		grep -q 'listening on' "$HS_DIR/tcpdump.err" && break
		sleep 0.05
	done
	attacker arping -c 1 -w 2 "$ALIAS4"
	attacker ping -c 2 -W 2 "$ALIAS4"
	attacker ping -6 -c 2 -W 2 "$ALIAS6"
	echo hello-tcp >"$HS_DIR/sent"
	attacker socat -t 5 - "TCP:$ALIAS4:7000" <"$HS_DIR/sent" >"$HS_DIR/got"
	cmp "$HS_DIR/sent" "$HS_DIR/got"
	echo hello-udp | attacker socat -t 2 - "UDP:$ALIAS4:7001" \
	    >"$HS_DIR/gotu"
	grep -q hello-udp "$HS_DIR/gotu"
	# the alias asks for the attacker's MAC on its own, too
	sensor ping -I "$ALIAS4" -c 1 -W 2 "$LAB_ATTACKER_IP"
	# a background job ignores SIGINT: stop tcpdump itself, which
	# writes out what it has on SIGTERM
	pkill -TERM -f -- "-w $HS_DIR/seg.pcap" || true
	wait "$tcpdump_pid" || true

	run /usr/bin/python3 "$BATS_TEST_DIRNAME/l2check.py" frames "$HS_DIR/seg.pcap" \
	    "$(sensor_mac)" "$ALIAS4=$mac4" "$ALIAS6=$MAC6"
	echo "$output"
	[ "$status" -eq 0 ]
	# the alias did talk: ARP, echo replies, TCP and UDP
	[ "$(awk -v a="$ALIAS4" '$1 == a { print $2 }' <<<"$output")" -ge 8 ]
	[ "$(awk -v a="$ALIAS6" '$1 == a { print $2 }' <<<"$output")" -ge 2 ]
	# and the nftables safety net never had to drop a frame
	run sensor nft list chain bridge honeyspy out
	echo "$output"
	run grep -E 'counter packets [1-9]' <<<"$output"
	[ "$status" -ne 0 ]
}

@test "ARP like an ordinary host: no reply to malformed ARP, one to a good request" {
	net_config
	hs_start
	mac4=$(alias_mac "$ALIAS4")
	run attacker /usr/bin/python3 "$BATS_TEST_DIRNAME/l2check.py" badarp \
	    "$LAB_ATTACKER_IF" "$ALIAS4" "$mac4"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "addAlias, getAliases and delAlias through honeyspyctl, with events" {
	net_config
	hs_start
	ctl addAlias 198.51.100.60 Apple
	ctl addAlias 198.51.100.61 02:11:22:33:44:55
	run ctl getAliases
	echo "$output"
	grep -E '^198\.51\.100\.60 .* call +Apple$' <<<"$output"
	grep -E '^198\.51\.100\.61 +02:11:22:33:44:55 ' <<<"$output"
	run attacker nmap -sn -n 198.51.100.60
	echo "$output"
	grep -E 'MAC Address: .* \(Apple\)' <<<"$output"

	# refused before anything is made: off the network, taken, bad MAC
	run ctl addAlias 203.0.113.5
	[ "$status" -ne 0 ]
	[[ "$output" == *"not on the network"* ]]
	run ctl addAlias "$LAB_SENSOR_IP"
	[ "$status" -ne 0 ]
	run ctl addAlias 198.51.100.62 01:00:5e:00:00:01
	[ "$status" -ne 0 ]
	run ctl addAlias 198.51.100.60
	[ "$status" -ne 0 ]

	ctl delAlias 198.51.100.61
	run ctl delAlias 198.51.100.61
	[ "$status" -ne 0 ]
	run attacker arping -c 1 -w 1 198.51.100.61
	[ "$status" -ne 0 ]
	[ "$(ctl -j getAliases | jq length)" -eq 3 ]
	hs_wait_event honeyspy.alias.removed 1
	[ "$(jq -c 'select(.eventid == "honeyspy.alias.added" and
	    .alias == "198.51.100.60" and .vendor == "Apple" and
	    .source == "call")' "$HS_EVENTS" | wc -l)" -eq 1 ]
}

@test "SIGTERM removes everything; after kill -9 the next start cleans up first" {
	net_config
	hs_start
	mac4=$(alias_mac "$ALIAS4")
	hs_stop
	assert_clean

	hs_start
	# the whole suite, children first: netctl gets no chance to clean
	pids="$(pgrep -P "$HS_PID" | tr '\n' ' ') $HS_PID"
	# shellcheck disable=SC2086
	kill -KILL $pids
	for p in $pids; do hs_wait_exit "$p" 5000; done
	wait "$HS_PID" 2>/dev/null || true
	HS_PID=
	sensor ip -br link | grep -E '^hsv0@honeyspy'
	sensor nft list table bridge honeyspy >/dev/null

	hs_start
	grep 'left by a previous run' "$HS_LOG"
	# the same MAC as before: derived, not drawn
	[ "$(alias_mac "$ALIAS4")" = "$mac4" ]
	attacker arping -c 1 -w 2 "$ALIAS4"
	hs_stop
	assert_clean
}

@test "user mode: no netctl, and the alias calls say why" {
	hs_setup_nobody
	hs_write_config sensor1
	hs_start_as_nobody
	hs_wait_ready
	run "$BIN/honeyspyctl" -s "$HS_SOCK" addAlias 198.51.100.70
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"virtual hosts are off"* ]]
	grep 'virtual hosts and MAC addresses (netctl) disabled' "$HS_LOG"
}
