#!/usr/bin/env bats
# The superserver with real clients: the daemon runs in the lab's sensor
# namespace, nc and socat connect from the attacker's, and every claim is
# checked against what the client saw and what the event log recorded.

load ../helpers
# shellcheck source-path=SCRIPTDIR
LAB_DIR="$BATS_TEST_DIRNAME/../lab"

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
}

teardown() {
	hs_teardown
}

attacker() {
	lab_exec attacker "$@"
}

# A payload no text encoding survives: NUL, 0xff, a lone continuation
# byte, an escape sequence, DEL, and a line of text.
payload() {
	printf 'GET / HTTP/1.0\r\n\000\377\200\033[31mred\\x41\177\n%s\n' "$1"
}

@test "TCP: the client gets the service's answer, and the transcript is byte for byte what crossed" {
	hs_write_config tcp
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 7000
    program: /bin/cat
EOF
	hs_start
	payload tcp >"$HS_DIR/sent"
	attacker socat -t 10 - "TCP:$SENSOR:7000" <"$HS_DIR/sent" >"$HS_DIR/got"
	cmp "$HS_DIR/sent" "$HS_DIR/got"
	hs_wait_event honeyspy.session.closed
	ses=$(hs_last_session)
	hs_transcript "$ses" input >"$HS_DIR/in"
	hs_transcript "$ses" output >"$HS_DIR/out"
	cmp "$HS_DIR/sent" "$HS_DIR/in"
	cmp "$HS_DIR/sent" "$HS_DIR/out"
	closed=$(jq -c --arg s "$ses" 'select(.session == $s and .eventid == "honeyspy.session.closed")' "$HS_EVENTS")
	echo "$closed"
	size=$(stat -c %s "$HS_DIR/sent")
	[ "$(echo "$closed" | jq .bytes_in)" -eq "$size" ]
	[ "$(echo "$closed" | jq .bytes_out)" -eq "$size" ]
	[ "$(echo "$closed" | jq -r .sha256)" = "$(sha256sum <"$HS_DIR/sent" | cut -d' ' -f1)" ]
	echo "$closed" | jq -e --arg a "$LAB_ATTACKER_IP" --arg s "$SENSOR" \
	    '.src_ip == $a and .dst_ip == $s and .dst_port == 7000 and
	     .protocol == "tcp" and .service == "cat" and .sensor == "tcp" and
	     (.community_id | startswith("1:")) and .duration >= 0'
	# Every event of the session carries the same flow.
	[ "$(jq -r --arg s "$ses" 'select(.session == $s) | .community_id' "$HS_EVENTS" | sort -u | wc -l)" -eq 1 ]
}

@test "TCP over IPv6, and a transcript bounded by limits.transcript while all is relayed" {
	hs_write_config tcp6
	hs_add_config <<EOF
services:
  - address: "*"
    port: 7002
    program: /bin/cat
    limits: {transcript: 1000}
EOF
	hs_start
	head -c 5000 /dev/urandom >"$HS_DIR/sent"
	attacker socat -t 10 - "TCP:[$LAB_SENSOR_IP6]:7002" <"$HS_DIR/sent" >"$HS_DIR/got"
	cmp "$HS_DIR/sent" "$HS_DIR/got"
	hs_wait_event honeyspy.session.closed
	ses=$(hs_last_session)
	in=$(hs_transcript "$ses" input | wc -c)
	out=$(hs_transcript "$ses" output | wc -c)
	echo "recorded in=$in out=$out"
	[ $((in + out)) -eq 1000 ]
	jq -e --arg s "$ses" --arg a "$LAB_ATTACKER_IP6" \
	    'select(.session == $s and .eventid == "honeyspy.session.closed") |
	     .bytes_in == 5000 and .bytes_out == 5000 and .src_ip == $a' \
	    "$HS_EVENTS"
}

@test "a program's events: JSON lines on its stderr, stamped with the session, forgeries and floods refused" {
	hs_write_config progev
	# What a service says: a good event, one that forges our fields, one
	# in a reserved area, a honeyd-style complaint, an over-long line,
	# and a last event written just before a quick exit.
	cat >"$HS_DIR/talker" <<'EOS'
#!/bin/sh
printf 'hello\n'
printf '{"eventid":"honeyspy.login.failed","username":"root","password":"a\\u0000b"}\n' >&2
printf '{"eventid":"honeyspy.login.success","session":"forged","src_ip":"192.0.2.1","username":"u"}\n' >&2
printf '{"eventid":"honeyspy.session.closed","bytes_in":0}\n' >&2
printf 'line 3: nosuchcmd: not found\033[31m\n' >&2
head -c 20000 /dev/zero | tr '\0' x >&2; printf '\n' >&2
printf '{"eventid":"honeyspy.command.input","input":"last"}' >&2
EOS
	chmod 0755 "$HS_DIR/talker"
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 7010
    program: $HS_DIR/talker
EOF
	hs_start
	attacker socat -t 10 - "TCP:$SENSOR:7010" </dev/null >"$HS_DIR/got"
	[ "$(cat "$HS_DIR/got")" = hello ]
	hs_wait_event honeyspy.session.closed
	ses=$(hs_last_session)
	jq -c --arg s "$ses" 'select(.session == $s)' "$HS_EVENTS" >"$HS_DIR/ses"
	cat "$HS_DIR/ses"
	jq -e --arg a "$LAB_ATTACKER_IP" -s '
	    (map(select(.eventid == "honeyspy.login.failed")) | length == 1 and
	     .[0].username == "root" and .[0].password == "a\u0000b" and
	     .[0].src_ip == $a and .[0].sensor == "progev") and
	    (map(select(.eventid == "honeyspy.login.success")) | length == 1 and
	     .[0].src_ip == $a and .[0].username == "u") and
	    (map(select(.eventid == "honeyspy.session.closed")) | length == 1 and
	     .[0].events_dropped == 1) and
	    (map(select(.eventid == "honeyspy.service.message")) | length == 2) and
	    (map(select(.eventid == "honeyspy.command.input")) | .[0].input == "last")' \
	    "$HS_DIR/ses"
	# The forged closed event was kept as text, never as an event.
	grep -q 'line 3: nosuchcmd' "$HS_DIR/ses"
	# The closed event comes last.
	[ "$(tail -n 1 "$HS_DIR/ses" | jq -r .eventid)" = honeyspy.session.closed ]
}

@test "a program that exits while the client still sends: its last words reach the client and the transcript" {
	hs_write_config early
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 7011
    program: /bin/sh
    args: ["-c", "head -c 10 >/dev/null; echo bye"]
EOF
	hs_start
	head -c 2000000 /dev/zero | attacker socat -t 10 - "TCP:$SENSOR:7011" >"$HS_DIR/got" || true
	[ "$(cat "$HS_DIR/got")" = bye ]
	hs_wait_event honeyspy.session.closed
	ses=$(hs_last_session)
	[ "$(hs_transcript "$ses" output)" = bye ]
}

@test "a byte per segment, and a program writing a byte at a time: the transcript gathers into chunks" {
	hs_write_config gather
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 7012
    program: /bin/sh
    args: ["-c", "cat >/dev/null; i=0; while [ \$i -lt 500 ]; do printf x; i=\$((i + 1)); done"]
EOF
	hs_start
	# 2000 segments of one byte each over about a second, as a slow
	# flood would send them; then the answer, written a byte at a time.
	# It prints how long each direction took.
	attacker /usr/bin/python3 -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], 7012))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
t0 = time.monotonic()
for i in range(2000):
    s.send(bytes([i % 256]))
    time.sleep(0.0005)
t1 = time.monotonic()
s.shutdown(socket.SHUT_WR)
got = s.recv(4096)
t2 = time.monotonic()
while True:
    b = s.recv(4096)
    if not b:
        break
    got += b
assert got == b"x" * 500, got
print(t1 - t0, time.monotonic() - t2)
' "$SENSOR" >"$HS_DIR/took"
	hs_wait_event honeyspy.session.closed
	ses=$(hs_last_session)
	/usr/bin/python3 -c 'import sys; sys.stdout.buffer.write(bytes(i % 256 for i in range(2000)))' >"$HS_DIR/sent"
	hs_transcript "$ses" input >"$HS_DIR/in"
	cmp "$HS_DIR/sent" "$HS_DIR/in"
	[ "$(hs_transcript "$ses" output)" = "$(printf 'x%.0s' $(seq 500))" ]
	# A chunk gathers for 100 ms: some ten events a second, not an
	# event per byte.
	read -r tin tout <"$HS_DIR/took"
	n_in=$(jq -s --arg s "$ses" 'map(select(.session == $s and .eventid == "honeyspy.session.input")) | length' "$HS_EVENTS")
	n_out=$(jq -s --arg s "$ses" 'map(select(.session == $s and .eventid == "honeyspy.session.output")) | length' "$HS_EVENTS")
	echo "input: $n_in events in $tin s; output: $n_out events in $tout s"
	/usr/bin/python3 -c 'import sys; n, t = int(sys.argv[1]), float(sys.argv[2]); sys.exit(not 1 <= n <= 10 * t + 2)' "$n_in" "$tin"
	/usr/bin/python3 -c 'import sys; n, t = int(sys.argv[1]), float(sys.argv[2]); sys.exit(not 1 <= n <= 10 * t + 2)' "$n_out" "$tout"
	# Each chunk carries the time of its first byte, in order.
	jq -s -e --arg s "$ses" 'map(select(.session == $s)) | map(.timestamp) as $t | $t == ($t | sort)' "$HS_EVENTS"
}

@test "what a program heard comes before the event it made of it in the log" {
	cat >"$HS_DIR/heard" <<'EOS'
#!/bin/sh
read -r line
printf '{"eventid":"honeyspy.command.input","input":"%s"}\n' "$line" >&2
cat >/dev/null
EOS
	chmod 0755 "$HS_DIR/heard"
	hs_write_config heard
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 7013
    program: $HS_DIR/heard
EOF
	hs_start
	# The client stays, silent, until the program's event is logged: the
	# line it sent is a chunk still gathering when the program speaks.
	coproc client { attacker socat -t 10 - "TCP:$SENSOR:7013"; }
	echo whoami >&"${client[1]}"
	hs_wait_event honeyspy.command.input
	eval "exec ${client[1]}>&-"
	hs_wait_event honeyspy.session.closed
	ses=$(hs_last_session)
	jq -r --arg s "$ses" 'select(.session == $s) | .eventid' "$HS_EVENTS" >"$HS_DIR/order"
	cat "$HS_DIR/order"
	printf '%s\n' honeyspy.session.connect honeyspy.session.input \
	    honeyspy.command.input honeyspy.session.closed | diff - "$HS_DIR/order"
	jq -e -s --arg s "$ses" 'map(select(.session == $s)) |
	    .[1].input == "whoami\n" and .[2].input == "whoami"' "$HS_EVENTS"
}

@test "UDP: one pseudo-session per source, datagrams relayed and recorded exactly" {
	hs_write_config udp
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 7001
    proto: udp
    program: /bin/cat
    limits: {idle: 1}
EOF
	hs_start
	payload udp >"$HS_DIR/sent"
	attacker nc -u -w1 "$SENSOR" 7001 <"$HS_DIR/sent" >"$HS_DIR/got"
	cmp "$HS_DIR/sent" "$HS_DIR/got"
	hs_wait_event honeyspy.session.closed
	ses=$(hs_last_session)
	hs_transcript "$ses" input >"$HS_DIR/in"
	cmp "$HS_DIR/sent" "$HS_DIR/in"
	jq -e --arg s "$ses" 'select(.session == $s and .eventid == "honeyspy.session.closed") |
	    .protocol == "udp" and .closed_by == "idle"' "$HS_EVENTS"
}

@test "UDP: a 60 KB datagram of control bytes is recorded whole" {
	hs_write_config bigudp
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 7006
    proto: udp
    program: /bin/cat
    limits: {idle: 1, transcript: 1048576}
EOF
	hs_start
	# The worst case for the encoder: every byte needs an escape.
	head -c 60000 /dev/zero | tr '\0' '\033' >"$HS_DIR/sent"
	attacker socat -b 65000 -u - "UDP:$SENSOR:7006" <"$HS_DIR/sent"
	hs_wait_event honeyspy.session.closed
	ses=$(hs_last_session)
	hs_transcript "$ses" input >"$HS_DIR/in"
	cmp "$HS_DIR/sent" "$HS_DIR/in"
	[ "$(jq -s --arg s "$ses" '[.[] | select(.session == $s and .eventid == "honeyspy.session.input")] | length' "$HS_EVENTS")" -eq 15 ]
}

@test "a script written for honeyd gets its environment and arguments, as the service user" {
	cat >"$HS_DIR/honeyd.sh" <<'EOF'
#!/bin/sh
# The way honeyd's scripts read their connection.
echo "args: $*"
echo "src=$HONEYD_IP_SRC:$HONEYD_SRC_PORT dst=$HONEYD_IP_DST:$HONEYD_DST_PORT"
echo "personality=$HONEYD_PERSONALITY template=$HONEYD_TEMPLATE_NAME"
echo "session=$HONEYSPY_SESSION proto=$HONEYSPY_PROTO"
echo "uid=$(id -u) pwd=$(pwd) nice=$(cut -d' ' -f19 /proc/$$/stat)"
echo "cpus=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' /proc/$$/status)"
read -r line
echo "you said: $line"
EOF
	chmod 0755 "$HS_DIR/honeyd.sh"
	hs_write_config honeyd
	hs_add_config <<EOF
hosts:
  - address: $SENSOR
    personality: "Microsoft Windows XP Professional SP1"
services:
  - address: $SENSOR
    port: 23
    program: $HS_DIR/honeyd.sh
    args: [-s, "\$ipsrc", "\$sport", "\$ipdst", "\$dport"]
    directory: /tmp
EOF
	hs_start
	run attacker sh -c "echo hello | socat -t 10 - TCP:$SENSOR:23"
	echo "$output"
	[ "$status" -eq 0 ]
	hs_wait_event honeyspy.session.closed
	ses=$(hs_last_session)
	sport=$(jq -r --arg s "$ses" 'select(.session == $s and .eventid == "honeyspy.session.connect") | .src_port' "$HS_EVENTS")
	[[ "$output" == *"args: -s $LAB_ATTACKER_IP $sport $SENSOR 23"* ]]
	[[ "$output" == *"src=$LAB_ATTACKER_IP:$sport dst=$SENSOR:23"* ]]
	[[ "$output" == *"personality=Microsoft Windows XP Professional SP1 template=Microsoft Windows XP Professional SP1"* ]]
	[[ "$output" == *"session=$ses proto=tcp"* ]]
	# Programs run 10 nicer than the daemon by default, at most 19.
	nice=$(($(cut -d' ' -f19 /proc/self/stat) + 10))
	[ "$nice" -le 19 ] || nice=19
	[[ "$output" == *"uid=$(id -u _honeyspy-svc) pwd=/tmp nice=$nice"* ]]
	# It starts on the spawner's CPU on a quiet sensor, yet may run on
	# every CPU the daemon may.
	cpus=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' /proc/self/status)
	[[ "$output" == *"cpus=$cpus"* ]]
	[[ "$output" == *"you said: hello"* ]]
}

@test "limits: the connection over the limit is closed at once and summarised in one event" {
	hs_write_config limits
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 7003
    program: /bin/sleep
    args: ["30"]
    limits: {connections: 1, per_source: 1, window: 1}
EOF
	hs_start
	# The first session holds the only slot.
	attacker sh -c "sleep 20 | nc $SENSOR 7003" 3>&- &
	holder=$!
	hs_wait_event honeyspy.session.connect
	for i in 1 2 3; do
		run attacker timeout 5 socat -u "TCP:$SENSOR:7003" -
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
	# One summary per window; the three may straddle a window boundary.
	refused() {
		jq -s '[.[] | select(.eventid == "honeyspy.session.limited") |
		    .count] | add // 0' "$HS_EVENTS"
	}
	for i in $(seq 1 100); do
		[ "$(refused)" -ge 3 ] && break
		sleep 0.05
	done
	[ "$(refused)" -eq 3 ]
	[ "$(grep -c '"honeyspy.session.limited"' "$HS_EVENTS")" -le 2 ]
	jq -e 'select(.eventid == "honeyspy.session.limited") |
	    .limit == "connections" and .dst_port == 7003' "$HS_EVENTS"
	[ "$(grep -c '"honeyspy.session.connect"' "$HS_EVENTS")" -eq 1 ]
	kill "$holder" 2>/dev/null || true
	wait "$holder" 2>/dev/null || true
}

@test "a program that never exits is killed at its time limit, with its process group" {
	hs_write_config timeout
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 7004
    program: /bin/sh
    args: ["-c", "sleep 300 & sleep 300"]
    limits: {timeout: 1}
EOF
	hs_start
	run attacker timeout 10 socat -u "TCP:$SENSOR:7004" -
	[ "$status" -eq 0 ]
	hs_wait_event honeyspy.session.closed
	jq -e 'select(.eventid == "honeyspy.session.closed") |
	    .closed_by == "timeout" and .duration < 5' "$HS_EVENTS"
	for i in $(seq 1 100); do
		pgrep -u _honeyspy-svc sleep >/dev/null || break
		sleep 0.05
	done
	[ -z "$(pgrep -u _honeyspy-svc sleep || true)" ]
}

@test "a program that exits early closes the client" {
	hs_write_config early
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 7005
    program: /bin/echo
    args: ["220 ready"]
EOF
	hs_start
	# The client never closes its side; the service's exit must end the
	# connection.
	run attacker timeout 10 socat -u "TCP:$SENSOR:7005" -
	[ "$status" -eq 0 ]
	[ "$output" = "220 ready" ]
	hs_wait_event honeyspy.session.closed
	jq -e 'select(.eventid == "honeyspy.session.closed") |
	    .closed_by == "service" and .duration < 5' "$HS_EVENTS"
}

@test "services at run time: add, list, remove, and clear errors that leave the daemon running" {
	cp /bin/true "$HS_DIR/noexec" && chmod 0644 "$HS_DIR/noexec"
	hs_write_config runtime
	hs_start
	ctl() { "$BIN/honeyspyctl" -s "$HS_SOCK" "$@"; }
	ctl addService "$SENSOR" tcp 25 /bin/echo "220 mail.example.org ESMTP"
	run attacker timeout 5 socat -u "TCP:$SENSOR:25" -
	[ "$output" = "220 mail.example.org ESMTP" ]
	run ctl getServices
	echo "$output"
	echo "$output" | grep -E "^1 +echo +$SENSOR +tcp +25 listening /bin/echo 220 mail.example.org ESMTP$"
	run ctl addService "$SENSOR" tcp 25 /bin/cat
	[ "$status" -ne 0 ]
	[[ "$output" == *"a service on $SENSOR tcp port 25 exists"* ]]
	run ctl addService "$SENSOR" tcp 26 /nonexistent
	[ "$status" -ne 0 ]
	[[ "$output" == *"program /nonexistent: No such file or directory"* ]]
	run ctl addService "$SENSOR" tcp 26 "$HS_DIR/noexec"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not an executable file"* ]]
	# A port someone else holds: the bind error, from the kernel.
	lab_exec sensor socat TCP-LISTEN:27,bind="$SENSOR",reuseaddr - </dev/null >/dev/null 3>&- &
	squatter=$!
	for i in $(seq 1 100); do
		lab_exec sensor ss -Hltn "sport = :27" | grep -q LISTEN && break
		sleep 0.05
	done
	run ctl addService "$SENSOR" tcp 27 /bin/cat
	kill "$squatter" 2>/dev/null || true
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"bind: Address already in use"* ]]
	run ctl delService "$SENSOR" tcp 25
	[ "$status" -eq 0 ]
	run attacker timeout 5 socat -u "TCP:$SENSOR:25" -
	[ "$status" -ne 0 ]
	run ctl delService "$SENSOR" tcp 25
	[ "$status" -ne 0 ]
	[[ "$output" == *"no service on $SENSOR tcp port 25"* ]]
	hs_alive "$HS_PID"
	[ "$(ctl getServices | wc -l)" -eq 1 ]
}

@test "SIGHUP applies the services section: new ones start, changed ones update, gone ones stop" {
	hs_write_config reload
	cp "$HS_CONF" "$HS_DIR/base.yaml"
	hs_add_config <<EOF2
services:
  - address: $SENSOR
    port: 7020
    program: /bin/echo
    args: [first]
  - address: $SENSOR
    port: 7021
    program: /bin/echo
    args: [gone soon]
EOF2
	hs_start
	"$BIN/honeyspyctl" -s "$HS_SOCK" addService "$SENSOR" tcp 7023 /bin/echo "added at run time"
	cp "$HS_DIR/base.yaml" "$HS_CONF"
	hs_add_config <<EOF2
services:
  - address: $SENSOR
    port: 7020
    program: /bin/echo
    args: [second]
  - address: $SENSOR
    port: 7022
    program: /bin/echo
    args: [new]
EOF2
	kill -HUP "$HS_PID"
	for i in $(seq 1 200); do
		out=$("$BIN/honeyspyctl" -s "$HS_SOCK" getServices)
		grep -q ' 7022 listening' <<<"$out" &&
		    ! grep -q ' 7021 ' <<<"$out" && break
		sleep 0.05
	done
	echo "$out"
	run attacker timeout 5 socat -u "TCP:$SENSOR:7020" -
	[ "$output" = second ]
	run attacker timeout 5 socat -u "TCP:$SENSOR:7022" -
	[ "$output" = new ]
	run attacker timeout 5 socat -u "TCP:$SENSOR:7023" -
	[ "$output" = "added at run time" ]
	run attacker timeout 5 socat -u "TCP:$SENSOR:7021" -
	[ "$status" -ne 0 ]
	grep -q "service echo on $SENSOR tcp port 7020 updated" "$HS_LOG"
	grep -q "service echo on $SENSOR tcp port 7021 removed" "$HS_LOG"
}
