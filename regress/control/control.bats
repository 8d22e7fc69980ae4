#!/usr/bin/env bats
# The control socket and honeyspyctl: access, grammar, hostile clients,
# reload.

load ../helpers

setup() {
	hs_require_root
	hs_setup_dir
	hs_write_config control
	hs_start
}

teardown() {
	hs_teardown
}

ctl() {
	"$BIN/honeyspyctl" -s "$HS_SOCK" "$@"
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

@test "the socket is mode 0660, owner root, group _honeyspy" {
	[ "$(stat -c '%a %U %G' "$HS_SOCK")" = "660 root _honeyspy" ]
}

@test "a user outside the group is kept out, by the file mode and by SO_PEERCRED" {
	install -m 0755 "$BIN/honeyspyctl" "$HS_DIR/honeyspyctl"
	chmod 0755 "$HS_DIR/run"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$HS_DIR/honeyspyctl" -s "$HS_SOCK" status
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
	# Even with the file opened up by mistake, the daemon says no.
	chmod 0666 "$HS_SOCK"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$HS_DIR/honeyspyctl" -s "$HS_SOCK" status
	[ "$status" -ne 0 ]
	grep -q "control: refusing uid $(id -u nobody)" "$HS_LOG"
	# A member of the group is let in.
	run setpriv --reuid=nobody --regid=nogroup \
	    --groups="$(getent group _honeyspy | cut -d: -f3)" \
	    "$HS_DIR/honeyspyctl" -s "$HS_SOCK" getName
	[ "$status" -eq 0 ]
	[ "$output" = control ]
}

@test "keywords may be abbreviated; ambiguous and unknown words list the valid ones" {
	run ctl st
	[ "$status" -eq 0 ]
	[[ "$output" == *"mode: root"* ]]
	run ctl getN
	[ "$status" -eq 0 ]
	[ "$output" = control ]
	run ctl get
	[ "$status" -ne 0 ]
	[[ "$output" == *"ambiguous argument: get"* ]]
	[[ "$output" == *getName* && "$output" == *getStatus* ]]
	run ctl frobnicate
	[ "$status" -ne 0 ]
	[[ "$output" == *"unknown argument: frobnicate"* ]]
	[[ "$output" == *reload* && "$output" == *status* ]]
	run ctl status extra
	[ "$status" -ne 0 ]
	[[ "$output" == *"too many arguments: extra"* ]]
}

@test "malformed control requests close that client and never stop the daemon" {
	# Garbage, a header that lies about its length, a request without
	# hello, a bad version, an unknown request, a request with a payload,
	# and a message cut short.
	send_raw 'GET / HTTP/1.0\r\n\r\n'
	send_raw "$(hdr 5 4294967295 1 0)"
	send_raw "$(hdr 6 16 0 0)"
	send_raw "$(hdr 5 16 99 0)"
	send_raw "$(hdr 5 16 1 0)$(hdr 4242 16 0 0)"
	send_raw "$(hdr 5 16 1 0)$(hdr 6 20 0 0)AAAA"
	send_raw "$(hdr 5 16 1 0)$(hdr 6 4096 0 0)short"
	hs_alive "$HS_PID"
	run ctl status
	[ "$status" -eq 0 ]
	grep -q "control: pid [0-9]*: bad hello" "$HS_LOG"
	grep -q "control: pid [0-9]*: malformed request (imsg 4242" "$HS_LOG"
	grep -q "control: pid [0-9]*: malformed request (imsg 6, 4 bytes)" "$HS_LOG"
	grep -q "bad message from control client" "$HS_LOG"
}

@test "a flood of idle clients is capped and does not stop the daemon" {
	local pids=()

	for i in $(seq 1 40); do
		nc -U "$HS_SOCK" </dev/null >/dev/null 2>&1 3>&- &
		pids+=($!)
	done
	for i in $(seq 1 100); do
		grep -q "control: too many clients" "$HS_LOG" && break
		sleep 0.05
	done
	grep -q "control: too many clients" "$HS_LOG"
	kill "${pids[@]}" 2>/dev/null || true
	wait "${pids[@]}" 2>/dev/null || true
	hs_alive "$HS_PID"
	# Once they are gone, a real client is served again.
	for i in $(seq 1 100); do
		ctl status >/dev/null 2>&1 && break
		sleep 0.05
	done
	run ctl status
	[ "$status" -eq 0 ]
}

@test "SIGHUP and reload load a good file and keep the old one on a bad file" {
	hs_write_config renamed
	kill -HUP "$HS_PID"
	for i in $(seq 1 100); do
		[ "$(ctl getName)" = renamed ] && break
		sleep 0.05
	done
	[ "$(ctl getName)" = renamed ]

	printf 'node:\n  name: broken\n  mode: bogus\n' >"$HS_CONF"
	kill -HUP "$HS_PID"
	for i in $(seq 1 100); do
		grep -q "keeping the running configuration" "$HS_LOG" && break
		sleep 0.05
	done
	grep -q "honeyspyd.yaml:3: node.mode:" "$HS_LOG"
	grep -q "keeping the running configuration" "$HS_LOG"
	[ "$(ctl getName)" = renamed ]

	run ctl reload
	[ "$status" -ne 0 ]
	[[ "$output" == *"configuration has errors"* ]]
	hs_write_config again
	run ctl reload
	[ "$status" -eq 0 ]
	[ "$(ctl getName)" = again ]
	hs_alive "$HS_PID"
}
