#!/usr/bin/env bats
# Exploit detection on live sessions: attacks sent from the attacker's
# namespace to a service, found by the analyser the superserver runs,
# reported as events, listed in the closed event, kept as artifacts; and
# an analyser that dies is replaced without losing anything else.

load ../helpers
# shellcheck source-path=SCRIPTDIR
LAB_DIR="$BATS_TEST_DIRNAME/../lab"
PY=/usr/bin/python3

setup_file() {
	hs_lab_setup_file hd
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
	hs_write_config detect
	# The service answers with one line and reads everything.
	cat >"$HS_DIR/sink" <<'EOS'
#!/bin/sh
printf '220 ready\r\n'
exec cat >/dev/null
EOS
	chmod 0755 "$HS_DIR/sink"
	hs_add_config <<EOF
  artifacts: $HS_DIR/artifacts
services:
  - address: $SENSOR
    port: 2121
    program: $HS_DIR/sink
  - address: $SENSOR
    port: 2122
    program: /bin/cat
EOF
	hs_start
}

teardown() {
	hs_teardown
}

attacker() {
	lab_exec attacker "$@"
}

# The analyser's pid, once our spawner has started it.
analyser_pid() {
	local i pid
	for i in $(seq 1 200); do
		pid=$(pgrep -P "$(hs_child_pid spawner)" -f -- 'honeyspy-detect -w' || true)
		[ -n "$pid" ] && { echo "$pid"; return 0; }
		sleep 0.05
	done
	return 1
}

send() {
	attacker socat -t 5 - "TCP:$SENSOR:2121" <"$1" >/dev/null
}

@test "shellcode sent to a service: a detect event, the closed event lists it, the input is kept by its sha256" {
	"$PY" -c "
import sys
from pwn import asm, context, shellcraft
context.arch = 'i386'
sys.stdout.buffer.write(b'USER ' + b'\x90' * 64 + asm(shellcraft.i386.linux.sh()) + b'\r\n')
" >"$HS_DIR/attack"
	send "$HS_DIR/attack"
	hs_wait_event honeyspy.session.closed
	ses=$(hs_last_session)
	jq -c --arg s "$ses" 'select(.session == $s)' "$HS_EVENTS" >"$HS_DIR/ses"
	cat "$HS_DIR/ses"
	jq -e -s '
	    (map(select(.eventid == "honeyspy.detect.shellcode")) | length >= 1 and
	     .[0].arch == "x86" and (.[0].description | test("execve")) and
	     .[0].confidence > 0 and .[0].offset >= 5 and .[0].direction == "input") and
	    (map(select(.eventid == "honeyspy.session.closed"))[0] |
	     (.detections | map(.kind) | index("shellcode") != null) and
	     (.artifact | length == 64))' "$HS_DIR/ses"
	# The closed event is the session's last.
	[ "$(tail -n 1 "$HS_DIR/ses" | jq -r .eventid)" = honeyspy.session.closed ]
	art=$(jq -r 'select(.eventid == "honeyspy.session.closed") | .artifact' "$HS_DIR/ses")
	cmp "$HS_DIR/attack" "$HS_DIR/artifacts/$art"
	[ "$(sha256sum <"$HS_DIR/artifacts/$art" | cut -d' ' -f1)" = "$art" ]
}

@test "shellcode URL-encoded or printable in a request line is found as the server would decode it" {
	"$PY" -c "
import sys, urllib.parse
from pwn import asm, context, shellcraft
context.arch = 'i386'
sc = asm(shellcraft.i386.linux.sh())
sys.stdout.buffer.write(b'GET /cgi-bin/view?file=' +
    urllib.parse.quote_from_bytes(b'\x90' * 16 + sc).encode() +
    b' HTTP/1.0\r\nHost: x\r\n\r\n')
" >"$HS_DIR/url"
	"$PY" -c "
import sys
from pwn import asm, context, shellcraft
import pwnlib.encoders.i386.ascii_shellcode as ascii
context.arch = 'i386'
sc = ascii.encode(asm(shellcraft.i386.linux.sh()))
sys.stdout.buffer.write(b'GET /scripts/' + sc + b' HTTP/1.0\r\n\r\n')
" >"$HS_DIR/ascii"
	send "$HS_DIR/url"
	send "$HS_DIR/ascii"
	hs_wait_event honeyspy.session.closed 2
	jq -e -s 'map(select(.eventid == "honeyspy.detect.shellcode" and
	    (.description | test("^URL-encoded: execve")))) | length >= 1' \
	    "$HS_EVENTS"
	jq -e -s 'map(select(.eventid == "honeyspy.detect.shellcode" and
	    (.description | test("^execve syscall reached by printable code"))))
	    | length >= 1' "$HS_EVENTS"
}

@test "format strings and overflows are found; a benign session has no detections and no artifact" {
	printf 'SITE EXEC %%08x.%%08x.%%08x.%%08x.%%7$n%%n\r\n' >"$HS_DIR/fmt"
	send "$HS_DIR/fmt"
	{ printf 'USER '; head -c 6000 /dev/zero | tr '\0' A; printf 'BBBB\r\n'; } >"$HS_DIR/ovf"
	send "$HS_DIR/ovf"
	printf 'USER anonymous\r\nPASS guest@example.com\r\nLIST 100%% done\r\nQUIT\r\n' >"$HS_DIR/benign"
	send "$HS_DIR/benign"
	hs_wait_event honeyspy.session.closed 3
	jq -e -s 'map(select(.eventid == "honeyspy.detect.format_string")) | length >= 1' "$HS_EVENTS"
	jq -e -s 'map(select(.eventid == "honeyspy.detect.overflow")) | length >= 1' "$HS_EVENTS"
	sha=$(sha256sum <"$HS_DIR/benign" | cut -d' ' -f1)
	jq -e -s --arg h "$sha" 'map(select(.eventid == "honeyspy.session.closed" and .sha256 == $h))[0] |
	    .detections == null and .artifact == null and .detect_error == null' "$HS_EVENTS"
	[ ! -e "$HS_DIR/artifacts/$sha" ]
}

@test "the analyser runs confined: no capabilities, seccomp, not the daemon's user, not dumpable" {
	pid=$(analyser_pid)
	grep -E '^(Uid|CapEff|CapPrm|Seccomp|NoNewPrivs):' "/proc/$pid/status"
	[ "$(awk '/^Seccomp:/ {print $2}' "/proc/$pid/status")" = 2 ]
	[ "$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status")" = 0000000000000000 ]
	[ "$(awk '/^CapPrm:/ {print $2}' "/proc/$pid/status")" = 0000000000000000 ]
	[ "$(awk '/^NoNewPrivs:/ {print $2}' "/proc/$pid/status")" = 1 ]
	[ "$(stat -c %U "/proc/$pid")" = _honeyspy-svc ]
	# Not dumpable: /proc/PID/mem and the fd table are root's.
	[ "$(stat -c %U "/proc/$pid/fd")" = root ]
}

@test "an analyser that crashes is logged and replaced; sessions go on, none is lost" {
	pid=$(analyser_pid)
	kill -SEGV "$pid"
	# While it is gone, or restarting, sessions are served and recorded.
	printf 'hello\r\n' >"$HS_DIR/plain"
	send "$HS_DIR/plain"
	for i in $(seq 1 200); do
		new=$(pgrep -P "$(hs_child_pid spawner)" -f -- 'honeyspy-detect -w' || true)
		[ -n "$new" ] && [ "$new" != "$pid" ] && break
		sleep 0.05
	done
	[ -n "$new" ] && [ "$new" != "$pid" ]
	for i in $(seq 1 200); do
		grep -q 'payload analyser was killed by signal 11' "$HS_LOG" &&
		    break
		sleep 0.05
	done
	cat "$HS_LOG"
	grep -q 'payload analyser was killed by signal 11' "$HS_LOG"
	printf 'GET /%%n%%n%%n%%n%%x%%x%%x%%x HTTP/1.0\r\n\r\n' >"$HS_DIR/fmt"
	send "$HS_DIR/fmt"
	hs_wait_event honeyspy.detect.format_string
	hs_wait_event honeyspy.session.closed 2
	hs_alive
}

@test "each direction is analysed on its own: what a service echoes back is found in its output too" {
	printf 'GET /%%n%%n%%n%%n%%x%%x%%x%%x HTTP/1.0\r\n\r\n' >"$HS_DIR/fmt"
	attacker socat -t 5 - "TCP:$SENSOR:2122" <"$HS_DIR/fmt" >"$HS_DIR/echo"
	cmp "$HS_DIR/fmt" "$HS_DIR/echo"
	hs_wait_event honeyspy.session.closed
	jq -e -s '(map(select(.eventid == "honeyspy.detect.format_string") | .direction) | sort) == ["input", "output"]' "$HS_EVENTS"
	jq -e -s 'map(select(.eventid == "honeyspy.session.closed"))[0] |
	    (.detections | map(.direction) | sort) == ["input", "output"] and
	    .artifact == .artifact_output' "$HS_EVENTS"
}
