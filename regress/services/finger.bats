#!/usr/bin/env bats
# The finger service with the real finger client and nmap, from the
# attacker's namespace, through the daemon's superserver.

load ../helpers
# shellcheck source-path=SCRIPTDIR
LAB_DIR="$BATS_TEST_DIRNAME/../lab"

setup_file() {
	hs_lab_setup_file hf
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
	hs_write_config finger
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 79
    program: $BIN/services/finger
    args: ["-H", "mailhub", "-r", "2.6.18-194.el5",
           "-u", "root:root:/root:/bin/bash:tty1",
           "-u", "jsmith:John Smith:/home/jsmith:/bin/bash:pts/1:203.0.113.9"]
EOF
	hs_start
}

teardown() {
	hs_teardown
}

attacker() {
	lab_exec attacker "$@"
}

@test "finger USER@HOST: the welcome banner and the user's record; the query is an event" {
	attacker finger -l "jsmith@$SENSOR" >"$HS_DIR/out"
	cat "$HS_DIR/out"
	grep -q 'Welcome to Linux version 2.6.18-194.el5 at mailhub !' "$HS_DIR/out"
	grep -Eq '^Login: jsmith[[:space:]]+Name: John Smith' "$HS_DIR/out"
	grep -q 'On since .* on pts/1 from 203.0.113.9' "$HS_DIR/out"
	hs_wait_event honeyspy.finger.request
	jq -e -s --arg a "$LAB_ATTACKER_IP" 'map(select(.eventid == "honeyspy.finger.request")) |
	    length == 1 and .[0].username == "jsmith" and .[0].src_ip == $a and
	    .[0].service == "finger" and .[0].dst_port == 79' "$HS_EVENTS"
	# The answer leaves in one write, so its transcript is one chunk
	# whatever the scheduler does, not an event per byte.
	hs_wait_event honeyspy.session.closed
	jq -e -s 'map(select(.eventid == "honeyspy.session.output")) |
	    length == 1 and (.[0].output | startswith("\r\nWelcome to Linux")
	    and endswith("No Plan.\r\n"))' "$HS_EVENTS"
}

@test "finger @HOST lists who is on; unknown names get the real error" {
	attacker finger "@$SENSOR" >"$HS_DIR/list"
	cat "$HS_DIR/list"
	grep -Eq '^Login +Name +Tty +Idle +Login Time' "$HS_DIR/list"
	grep -Eq '^jsmith +John Smit' "$HS_DIR/list"
	attacker finger "nosuch@$SENSOR" >"$HS_DIR/none"
	grep -q 'finger: nosuch: no such user.' "$HS_DIR/none"
}

@test "binary, over-long and forwarding queries are answered, never crash the service" {
	{ head -c 5000 /dev/urandom | tr -d '\n\000'; printf '\377\r\n'; } |
	    attacker socat -t 5 - "TCP:$SENSOR:79" >"$HS_DIR/bin"
	grep -q 'forwarding service denied' "$HS_DIR/bin"
	printf 'root@elsewhere\r\n' | attacker socat -t 5 - "TCP:$SENSOR:79" >"$HS_DIR/fwd"
	grep -q 'forwarding service denied' "$HS_DIR/fwd"
	hs_wait_event honeyspy.session.closed 2
	# The raw bytes of the query are kept, in base64, cut to a bound.
	jq -e -s 'map(select(.eventid == "honeyspy.finger.request" and
	    .query_encoding == "base64")) | .[0].query | length > 1300' \
	    "$HS_EVENTS"
	hs_alive
}

@test "nmap -sV names it as the Linux fingerd with the configured kernel and host" {
	attacker nmap -sV -Pn -p 79 "$SENSOR" >"$HS_DIR/nmap"
	cat "$HS_DIR/nmap"
	grep -Eq '^79/tcp +open +finger +OpenBSD fingerd \(ported to Linux\)' "$HS_DIR/nmap"
	grep -q 'Host: mailhub' "$HS_DIR/nmap"
	grep -q 'OS: Linux 2.6.18-194.el5' "$HS_DIR/nmap"
}
