#!/usr/bin/env bats
# TCP/IP personalities in the lab: each alias answers nmap -O, p0f and an
# ordinary session as its configured OS, from the attacker's side of the
# segment; the sensor's own address still looks like the sensor.
# PERSONA_ALL=1 runs nmap three times per personality instead of once.
# PERSONA_FILE=FILE (one nmap-os-db name a line, at most 64) tries other
# personalities in the first two tests; the later tests expect the twelve.

load ../helpers
# shellcheck source-path=SCRIPTDIR
LAB_DIR="$BATS_TEST_DIRNAME/../lab"

# Twelve personalities across families; at least nine must be named.
PERSONAS=(
	"Microsoft Windows 10 1607"
	"Microsoft Windows 7 SP1"
	"Microsoft Windows XP SP3"
	"Microsoft Windows Server 2016"
	"OpenBSD 6.3"
	"FreeBSD 11.2-RELEASE"
	"NetBSD 7.0"
	"Apple macOS 10.12.5 (Sierra)"
	"Oracle Solaris 11"
	"Cisco IOS 15.5"
	"HP LaserJet 1320 printer"
	"Linux 2.4.20"
)
DEFAULT_PERSONAS=("${PERSONAS[@]}")
if [ -n "${PERSONA_FILE:-}" ]; then
	mapfile -t PERSONAS < <(grep -v '^[[:space:]]*$' "$PERSONA_FILE" |
	    head -n 64)
fi
BASE=50		# PERSONAS[i] lives on 198.51.100.(BASE + i)
QHOLD=${HS_QHOLD_BIN:-$HS_TOP/build/cc/regress/qhold}
OPEN=7000
CLOSED=7001

setup_file() {
	hs_lab_setup_file pa nmap p0f tcpdump socat nft
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
	install -d -m 0750 -o _honeyspy -g _honeyspy "$HS_DIR/spool"
}

teardown() {
	[ -z "${KEEP_PID:-}" ] || kill "$KEEP_PID" 2>/dev/null || true
	hs_teardown
	[ -z "${LAB_SENSOR_NS:-}" ] || leftovers_remove
}

attacker() {
	lab_exec attacker "$@"
}

sensor() {
	lab_exec sensor "$@"
}

leftovers_remove() {
	local l

	sensor nft delete table ip honeyspy_persona 2>/dev/null || true
	sensor nft delete table bridge honeyspy 2>/dev/null || true
	for l in $(sensor ip -br link | awk '{ sub(/@.*/, "", $1); print $1 }' |
	    grep -E '^(hsv[0-9]+|honeyspy)$'); do
		sensor ip link del "$l" 2>/dev/null || true
	done
	sensor ip addr replace "$LAB_SENSOR_IP/$LAB_PLEN" dev "$LAB_SENSOR_IF"
}

addr_of() {
	echo "198.51.100.$((BASE + $1))"
}

# Segments the attacker's kernel dropped for an old timestamp (PAWS).
pawsestab() {
	attacker nstat -saz TcpExtPAWSEstab |
	    awk '$1 == "TcpExtPAWSEstab" { print $2 }'
}

# persona_config [FAILURE]: every personality on its own alias, one
# service on every address.
persona_config() {
	local i

	hs_write_config sensor1
	hs_add_config <<EOF
network:
  uplink: $LAB_SENSOR_IF
services:
  - address: 0.0.0.0
    port: $OPEN
    program: /bin/cat
hosts:
EOF
	for i in "${!PERSONAS[@]}"; do
		printf '  - address: %s\n    personality: "%s"\n' \
		    "$(addr_of "$i")" "${PERSONAS[$i]}" >>"$HS_CONF"
		[ -z "${1:-}" ] || printf '    failure: %s\n' "$1" >>"$HS_CONF"
	done
	sed -i "s|^  syslog: false|  syslog: false\n  spool: $HS_DIR/spool|" \
	    "$HS_CONF"
}

# Wait until the persona child has its rules in.
wait_rules() {
	local _

	for _ in $(seq 1 100); do
		sensor nft list table ip honeyspy_persona >/dev/null 2>&1 &&
		    return 0
		sleep 0.1
	done
	return 1
}

# The sensor's own fingerprint, less what changes from run to run (the
# sequence tests, the scan line): OPS, WIN, ECN and T1-T7 of nmap -O.
primary_fp() {
	attacker nmap -O -Pn -n -d -p 7200,$CLOSED "$LAB_SENSOR_IP" 2>&1 |
	    sed -n 's/^OS://p' | tr -d '\n' | grep -oE \
	    '(OPS|WIN|ECN|T[1-7])\([^)]*\)'
}

# named NAME FILE: nmap's output names NAME as an exact match or as its
# first guess.
named() {
	local exact guess

	exact=$(sed -n 's/^OS details: //p' "$2")
	guess=$(sed -n 's/^Aggressive OS guesses: //p' "$2")
	NAMED_HOW=exact
	[[ ", $exact," == *", $1,"* ]] && return 0
	NAMED_HOW="first guess"
	[[ "$guess" == "$1 ("* ]]
}

@test "nmap -O names the configured OS for at least 3 in 4 personalities" {
	local i runs=1 r ok=0 tries=0

	[ -z "${PERSONA_ALL:-}" ] || runs=3
	# the sensor's own stack, before any rule of ours
	sensor socat TCP-LISTEN:7200,reuseaddr,fork EXEC:cat &
	KEEP_PID=$!
	primary_fp >"$HS_DIR/primary.before"
	cat "$HS_DIR/primary.before"
	[ -s "$HS_DIR/primary.before" ]
	persona_config
	hs_start
	wait_rules
	for r in $(seq 1 "$runs"); do
		for i in "${!PERSONAS[@]}"; do
			echo "$i $(addr_of "$i") $r"
		done
	done | xargs -P 4 -L 1 sh -c 'ip netns exec "$0" nmap -O -Pn -n \
	    -p '"$OPEN,$CLOSED"' "$2" >"'"$HS_DIR"'/nmap.$1.$3" 2>&1' \
	    "$LAB_ATTACKER_NS"
	for r in $(seq 1 "$runs"); do
		for i in "${!PERSONAS[@]}"; do
			tries=$((tries + 1))
			if named "${PERSONAS[$i]}" "$HS_DIR/nmap.$i.$r"; then
				ok=$((ok + 1))
				echo "named ($NAMED_HOW): ${PERSONAS[$i]}"
			else
				echo "missed: ${PERSONAS[$i]}"
				grep -E '^(OS details|Aggressive|Running|No exact|Too many)' \
				    "$HS_DIR/nmap.$i.$r" || true
			fi
		done
	done
	echo "$ok of $tries named"
	[ $((ok * 4)) -ge $((tries * 3)) ]

	# the sensor itself: the same options, windows and answers as before
	primary_fp >"$HS_DIR/primary.after"
	diff -u "$HS_DIR/primary.before" "$HS_DIR/primary.after"
}

@test "p0f labels each alias's SYN+ACK where p0f.fp knows the OS" {
	local p0f_pid i a label got n=0 bad=0

	persona_config
	hs_start
	wait_rules
	attacker p0f -i "$LAB_ATTACKER_IF" -o "$HS_DIR/p0f.log" \
	    >"$HS_DIR/p0f.out" 2>&1 &
	p0f_pid=$!
	for _ in $(seq 1 50); do
		grep -q 'Entered main event loop' "$HS_DIR/p0f.out" && break
		sleep 0.1
	done
	for i in "${!PERSONAS[@]}"; do
		echo hello |
		    attacker socat -t 2 - "TCP:$(addr_of "$i"):$OPEN" >/dev/null
	done
	echo hello | attacker socat -t 2 - "TCP:$LAB_SENSOR_IP:$OPEN" >/dev/null
	for _ in $(seq 1 50); do
		[ "$(grep -c 'mod=syn+ack' "$HS_DIR/p0f.log" 2>/dev/null)" -ge \
		    $((${#PERSONAS[@]} + 1)) ] && break
		sleep 0.1
	done
	kill "$p0f_pid"
	# Each personality that p0f.fp has a SYN+ACK label for ("s:win:Windows:
	# 7 or 8") must get that label; the others are printed.
	for i in "${!PERSONAS[@]}"; do
		a=$(addr_of "$i")
		label=$(sed -n "s/.*persona: $a: ordinary connections as p0f's \"s:[^:]*:\([^\"]*\)\"/\1/p" \
		    "$HS_LOG" | tail -n 1)
		got=$(grep -F "srv=$a/$OPEN|" "$HS_DIR/p0f.log" |
		    grep -F 'mod=syn+ack' | sed -n 's/.*|os=\([^|]*\)|.*/\1/p' |
		    tail -n 1)
		if [ -z "$label" ]; then
			echo "no label: ${PERSONAS[$i]}: p0f said ${got:-nothing}"
			continue
		fi
		n=$((n + 1))
		if [ "$got" = "${label/:/ }" ]; then
			echo "labelled: ${PERSONAS[$i]}: $got"
		else
			echo "mislabelled: ${PERSONAS[$i]}: wanted ${label/:/ }, p0f said ${got:-nothing}"
			bad=$((bad + 1))
		fi
	done
	echo "$((n - bad)) of $n labelled"
	[ "$bad" -eq 0 ]
	if [ -z "${PERSONA_FILE:-}" ]; then
		# of the twelve, p0f.fp has SYN+ACK labels for all but NetBSD,
		# Cisco IOS and the printer: Windows 10 and Server 2016 as
		# "7 or 8", macOS as "Mac OS X 10.x", OpenBSD 6.3, FreeBSD
		# 11.2 and Solaris 11 as the nearest release it has
		[ "$n" -eq 9 ]
	fi
	# the sensor keeps its own TTL: not one of the personas'
	grep -F "srv=$LAB_SENSOR_IP/$OPEN|" "$HS_DIR/p0f.log" |
	    grep -F 'raw_sig=4:64+0:'
}

@test "tcpdump: every packet of a plain session has the persona's TTL, window and options" {
	local a tdpid

	persona_config
	hs_start
	wait_rules
	a=$(addr_of 1)		# Windows 7 SP1: TTL 128, MSS, NOP, WS 8, SACK, TS
	attacker tcpdump -i "$LAB_ATTACKER_IF" -n -U -w "$HS_DIR/s.pcap" \
	    "tcp and host $a" 2>"$HS_DIR/tcpdump.err" &
	tdpid=$!
	for _ in $(seq 1 100); do
		grep -q 'listening on' "$HS_DIR/tcpdump.err" && break
		sleep 0.05
	done
	head -c 200000 /dev/zero | tr '\0' x >"$HS_DIR/sent"
	attacker socat -t 3 - "TCP:$a:$OPEN" <"$HS_DIR/sent" >"$HS_DIR/got"
	cmp "$HS_DIR/sent" "$HS_DIR/got"
	sleep 0.5
	kill -TERM "$tdpid"
	wait "$tdpid" || true
	tcpdump -r "$HS_DIR/s.pcap" -n -v "src host $a" >"$HS_DIR/s.txt" 2>/dev/null
	# every packet from the alias: TTL 128, DF, a nonzero IP ID
	[ "$(grep -c 'ttl ' "$HS_DIR/s.txt")" -ge 10 ]
	run grep -E 'ttl ' "$HS_DIR/s.txt"
	run grep -vE 'ttl 128, id [1-9][0-9]*, .*flags \[DF\]' <<<"$output"
	echo "$output"
	[ -z "$output" ]
	# the SYN+ACK is Windows 7's, as p0f.fp has it for a client whose
	# window scale we took out (so that the kernel's windows need no
	# translating)
	grep -A1 'Flags \[S\.\]' "$HS_DIR/s.txt" |
	    grep -E 'win 8192, options \[mss [0-9]+,sackOK,TS val [0-9]+ ecr [0-9]+\]'
	# the rest: timestamps (and SACK blocks) only, windows unscaled
	tcpdump -r "$HS_DIR/s.pcap" -n "src host $a" 2>/dev/null |
	    grep -v 'Flags \[S' >"$HS_DIR/rest.txt"
	[ "$(wc -l <"$HS_DIR/rest.txt")" -ge 5 ]
	run grep -vE 'options \[nop,nop,TS val [0-9]+ ecr [0-9]+(,nop,nop,sack [^]]*)?\]' \
	    "$HS_DIR/rest.txt"
	echo "$output"
	[ -z "$output" ]
	# (the kernel's own scale, 2^10 here, would show tens, not thousands)
	grep -oE 'win [0-9]+' "$HS_DIR/rest.txt" |
	    awk '$2 > max { max = $2 } END { exit !(max >= 4096) }'
}

@test "Windows XP's clock at zero: the client's PAWS test drops no segment of a plain session" {
	local a before after got

	persona_config
	hs_start
	wait_rules
	a=$(addr_of 2)		# Windows XP SP3: TS val 0 in its SYN+ACK
	before=$(pawsestab)
	# The kernel's clock starts at random: below 2^31 in half of the
	# sessions, where a zero after it fails the test (RFC 7323).
	for _ in $(seq 1 16); do
		got=$(echo hello | attacker socat -t 2 - "TCP:$a:$OPEN")
		[ "$got" = hello ]
	done
	after=$(pawsestab)
	echo "PAWSEstab before $before, after $after"
	[ "$after" -eq "$before" ]
}

@test "rules come and go with the suite; a killed suite's are replaced" {
	persona_config
	hs_start
	wait_rules
	run sensor nft list table ip honeyspy_persona
	echo "$output"
	# per alias: five inbound (all but TCP; FIN, SYN, RST, URG; no ACK;
	# nmap's two bare-ACK windows) and two outbound (all but TCP; FIN,
	# SYN, RST, URG); the rest of TCP gets its TTL and DF in the kernel
	[ "$(grep -c "queue num" <<<"$output")" -eq $((7 * ${#PERSONAS[@]})) ]
	grep -q 'bypass' <<<"$output"
	hs_stop
	run sensor nft list table ip honeyspy_persona
	[ "$status" -ne 0 ]

	hs_start
	wait_rules
	pids="$(pgrep -P "$HS_PID" | tr '\n' ' ') $HS_PID"
	# shellcheck disable=SC2086
	kill -KILL $pids
	for p in $pids; do hs_wait_exit "$p" 5000; done
	wait "$HS_PID" 2>/dev/null || true
	HS_PID=
	# left behind, with bypass: the aliases still answer, unshaped
	sensor nft list table ip honeyspy_persona >/dev/null
	run attacker ping -c 1 -W 2 "$(addr_of 4)"
	echo "$output"
	grep -q 'ttl=64' <<<"$output"
	hs_start
	wait_rules
	run sensor nft list table ip honeyspy_persona
	[ "$(grep -c "queue num" <<<"$output")" -eq $((7 * ${#PERSONAS[@]})) ]
	# and the counters go on from the state file: nmap still sees it
	attacker nmap -O -Pn -n -p $OPEN,$CLOSED "$(addr_of 4)" \
	    >"$HS_DIR/nmap.restart" 2>&1
	grep -E '^(OS details|Aggressive|Running)' "$HS_DIR/nmap.restart" || true
	named "OpenBSD 6.3" "$HS_DIR/nmap.restart"
}

@test "a master on the sensor's host leaves its fake hosts and personalities alone" {
	local m=$HS_DIR/master mpid before after

	persona_config
	hs_start
	wait_rules
	snapshot() {
		sensor nft list table ip honeyspy_persona 2>/dev/null
		sensor nft list table bridge honeyspy
		sensor ip -br link | awk '{ print $1 }' | sort
		sensor ip rule
	}
	before=$(snapshot)
	install -d -m 0755 "$m" "$m/jail"
	install -d -m 0750 -o _honeyspy -g _honeyspy "$m/db"
	"$BIN/honeyspy-cert" -d "$m/certs" -s 127.0.0.1 init >/dev/null
	cat >"$m/conf.yaml" <<EOC
node: {name: m, mode: master, chroot: $m/jail}
listen:
  address: 127.0.0.1
  port: 7300
  ca: $m/certs/ca.crt
  cert: $m/certs/master.crt
  key: $m/certs/master.key
log: {file: $m/events.json, syslog: false, database: $m/db/events.db}
EOC
	sensor "$BIN/honeyspyd" -d -f "$m/conf.yaml" -s "$m/ctl.sock" \
	    >"$m/log" 2>&1 &
	mpid=$!
	for _ in $(seq 1 100); do
		grep -q 'ready: every process' "$m/log" && break
		hs_alive "$mpid" || break
		sleep 0.1
	done
	cat "$m/log"
	grep -q 'ready: every process' "$m/log"
	! grep -qE '^(persona|netctl):' "$m/log" || false
	run "$BIN/honeyspyctl" -s "$m/ctl.sock" status
	echo "$output"
	grep -E '^persona +off +.*not on a master' <<<"$output"
	grep -E '^netctl +off +.*not on a master' <<<"$output"
	kill -TERM "$mpid"
	hs_wait_exit "$mpid" 5000
	after=$(snapshot)
	[ "$before" = "$after" ]
	# and the sensor still holds its queue and rewrites
	run "$BIN/honeyspyctl" -s "$HS_SOCK" -j getAliases
	[ "$(jq '[.[] | select(.rewriting)] | length' <<<"$output")" -eq \
	    "${#PERSONAS[@]}" ]
}

@test "a live connection to an alias survives a restart of the suite" {
	local a

	persona_config
	# An ordinary connection keeps the kernel's sequence numbers,
	# timestamps and unscaled window, so nothing of it lives only in the
	# child; what does (the counters and clocks nmap's probes see, the
	# probes in flight) is in the shared state file, kept across.
	a=$(addr_of 1)
	# a listener of the sensor's own, so that it outlives the suite
	sensor socat TCP-LISTEN:7100,reuseaddr,fork EXEC:cat &
	KEEP_PID=$!
	hs_start
	wait_rules
	mkfifo "$HS_DIR/in"
	attacker socat -t 30 - "TCP:$a:7100" <"$HS_DIR/in" >"$HS_DIR/out" &
	exec 7>"$HS_DIR/in"
	echo before >&7
	for _ in $(seq 1 50); do
		grep -q before "$HS_DIR/out" && break
		sleep 0.1
	done
	grep -q before "$HS_DIR/out"
	hs_stop
	hs_start
	wait_rules
	grep 'kept the state' "$HS_LOG"
	echo after >&7
	for _ in $(seq 1 50); do
		grep -q after "$HS_DIR/out" && break
		sleep 0.1
	done
	exec 7>&-
	cat "$HS_DIR/out"
	grep -q after "$HS_DIR/out"
	# and what nmap measures goes on from where it was
	attacker nmap -O -Pn -n -p $OPEN,$CLOSED "$a" >"$HS_DIR/nmap.after" 2>&1
	grep -E '^(OS details|Aggressive)' "$HS_DIR/nmap.after" || true
	named "Microsoft Windows 7 SP1" "$HS_DIR/nmap.after"
}

@test "failure: closed keeps an alias silent while nothing rewrites it" {
	persona_config closed
	hs_start
	wait_rules
	run attacker ping -c 1 -W 2 "$(addr_of 4)"
	echo "$output"
	grep -q 'ttl=255' <<<"$output"	# OpenBSD 6.3 answers echo with 255
	run sensor nft list table ip honeyspy_persona
	run grep -c bypass <<<"$output"
	[ "$output" -eq 0 ]
	pids="$(pgrep -P "$HS_PID" | tr '\n' ' ') $HS_PID"
	# shellcheck disable=SC2086
	kill -KILL $pids
	for p in $pids; do hs_wait_exit "$p" 5000; done
	wait "$HS_PID" 2>/dev/null || true
	HS_PID=
	# the aliases are still there, but nothing leaves them as Linux
	sensor ip -br addr | grep -F "$(addr_of 4)/"
	run attacker ping -c 1 -W 2 "$(addr_of 4)"
	echo "$output"
	[ "$status" -ne 0 ]
	run attacker ping -c 1 -W 2 "$LAB_SENSOR_IP"
	[ "$status" -eq 0 ]
	# the next start takes over the table it left
	hs_start
	wait_rules
	run attacker ping -c 1 -W 2 "$(addr_of 4)"
	grep -q 'ttl=255' <<<"$output"
}

@test "sixty-four hosts, names as long as nmap-os-db's: all rewritten" {
	local long="Apple Mac OS X 10.5 (Leopard) - 10.6.8 (Snow Leopard) or iOS 4.0 - 4.2.1 (Darwin 9.0.0b5 - 10.8.0)"
	local i n=64

	# PRW_MAXALIAS hosts: one batch of 7 rules each, and names of every
	# length, the longest first
	PERSONAS=("$long")
	for i in $(seq 1 $((n - 1))); do
		PERSONAS+=("${DEFAULT_PERSONAS[$((i % ${#DEFAULT_PERSONAS[@]}))]}")
	done
	persona_config
	hs_start
	wait_rules
	! grep -E 'personalities are off|no nmap fingerprint' "$HS_LOG" || false
	run sensor nft list table ip honeyspy_persona
	[ "$(grep -c "queue num" <<<"$output")" -eq $((7 * n)) ]
	run "$BIN/honeyspyctl" -s "$HS_SOCK" -j getAliases
	[ "$(jq '[.[] | select(.rewriting)] | length' <<<"$output")" -eq "$n" ]
	jq -e --arg p "$long" '.[] | select(.address == "'"$(addr_of 0)"'") |
	    .personality == $p' <<<"$output"
	run "$BIN/honeyspyctl" -s "$HS_SOCK" getFingerprint "$(addr_of 0)"
	[[ "$output" == *"$long"* ]]
	attacker nmap -O -Pn -n -p $OPEN,$CLOSED "$(addr_of 0)" \
	    >"$HS_DIR/nmap.long" 2>&1
	grep -E '^(OS details|Aggressive|No exact)' "$HS_DIR/nmap.long" || true
	named "$long" "$HS_DIR/nmap.long"
}

@test "setFingerprint, getFingerprint and getAliases through honeyspyctl" {
	local a ctl

	persona_config
	hs_start
	wait_rules
	ctl="$BIN/honeyspyctl -s $HS_SOCK"
	a=$(addr_of 4)
	run $ctl getFingerprint "$a"
	echo "$output"
	[ "$output" = "$a OpenBSD 6.3 (rewriting, fails open)" ]
	$ctl setFingerprint "$a" "Cisco IOS 15.5"
	run $ctl -j getFingerprint "$a"
	echo "$output"
	[ "$(jq -r .personality <<<"$output")" = "Cisco IOS 15.5" ]
	[ "$(jq -r .rewriting <<<"$output")" = true ]
	attacker nmap -O -Pn -n -p $OPEN,$CLOSED "$a" >"$HS_DIR/nmap.set" 2>&1
	grep -E '^(OS details|Aggressive)' "$HS_DIR/nmap.set" || true
	named "Cisco IOS 15.5" "$HS_DIR/nmap.set"

	# refused: a name nmap does not have, a host without one
	run $ctl setFingerprint "$a" "No Such OS 1.0"
	[ "$status" -ne 0 ]
	[[ "$output" == *'no nmap fingerprint called "No Such OS 1.0"'* ]]
	run $ctl getFingerprint "$a"
	[[ "$output" == *"Cisco IOS 15.5"* ]]
	run $ctl getFingerprint 198.51.100.99
	[ "$status" -ne 0 ]
	[[ "$output" == *"has no personality"* ]]

	run $ctl -j getAliases
	echo "$output"
	[ "$(jq -r --arg a "$a" '.[] | select(.address == $a) |
	    "\(.personality) \(.rewriting)"' <<<"$output")" = \
	    "Cisco IOS 15.5 true" ]
	[ "$(jq '[.[] | select(.rewriting)] | length' <<<"$output")" -eq \
	    ${#PERSONAS[@]} ]
	run $ctl -j status
	[ "$(jq -r --arg a "$a" '.personalities[] | select(.address == $a) |
	    "\(.personality) \(.rewriting)"' <<<"$output")" = \
	    "Cisco IOS 15.5 true" ]
}

@test "user mode: personalities are off, and the calls say why" {
	hs_setup_nobody
	hs_write_config sensor1
	hs_start_as_nobody
	hs_wait_ready
	run "$BIN/honeyspyctl" -s "$HS_SOCK" setFingerprint 198.51.100.70 \
	    "OpenBSD 6.3"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"personalities are off: needs cap_net_admin"* ]]
	run "$BIN/honeyspyctl" -s "$HS_SOCK" status
	echo "$output"
	grep -E "persona.*cap_net_admin" <<<"$output"
}

@test "no NFQUEUE to be had: personalities are off, the rest runs on" {
	local ctl="$BIN/honeyspyctl -s $HS_SOCK"

	[ -x "$QHOLD" ] || skip "needs $QHOLD (make regress-bins)"
	# someone else holds the queue: the kernel refuses it to us
	sensor "$QHOLD" 4747 >"$HS_DIR/qhold.out" 2>&1 &
	KEEP_PID=$!
	for _ in $(seq 1 50); do
		grep -q holding "$HS_DIR/qhold.out" && break
		sleep 0.1
	done
	grep -q holding "$HS_DIR/qhold.out"
	persona_config
	hs_start
	for _ in $(seq 1 50); do
		grep -q 'personalities are off' "$HS_LOG" && break
		sleep 0.1
	done
	grep 'personalities are off: NFQUEUE 4747' "$HS_LOG"
	run $ctl status
	echo "$output"
	grep -E 'persona.*NFQUEUE 4747' <<<"$output"
	run $ctl setFingerprint "$(addr_of 4)" "OpenBSD 6.3"
	[ "$status" -ne 0 ]
	[[ "$output" == *"personalities are off: NFQUEUE 4747"* ]]
	run $ctl -j getAliases
	[ "$(jq '[.[] | select(.rewriting)] | length' <<<"$output")" -eq 0 ]
	# no table of ours, and the aliases answer as the sensor does
	run sensor nft list table ip honeyspy_persona
	[ "$status" -ne 0 ]
	echo hello | attacker socat -t 2 - "TCP:$(addr_of 4):$OPEN" |
	    grep -q hello
}
