#!/usr/bin/env bats
# The superserver without privileges, on loopback: it binds its own high
# ports, programs run as the suite's user, and a stop still records the
# end of every session.

load ../helpers

setup() {
	hs_require_root
	hs_setup_dir
	hs_setup_nobody
	cat >"$HS_DIR/bin/who" <<'EOF'
#!/bin/sh
# The shell's own status, not awk's: gawk ignores SIGPIPE for itself.
echo "uid=$(id -u) nnp=$(awk '$1 == "NoNewPrivs:" { print $2 }' /proc/$$/status) files=$(ulimit -n) sigign=$(awk '$1 == "SigIgn:" { print $2 }' /proc/$$/status) nice=$(cut -d' ' -f19 /proc/$$/stat)"
exec cat
EOF
	chmod 0755 "$HS_DIR/bin/who"
	hs_write_config unprivileged
	hs_add_config <<EOF
services:
  - address: 127.0.0.1
    port: 7300
    program: $HS_DIR/bin/who
    rlimits: {files: 32, nice: 5}
EOF
}

teardown() {
	hs_teardown
}

@test "user mode: high ports work, programs run as the suite's user with no-new-privs, rlimits and nice" {
	hs_start_as_nobody
	# The daemon runs at our nice; the program 5 nicer, at most 19.
	nice=$(($(cut -d' ' -f19 /proc/self/stat) + 5))
	[ "$nice" -le 19 ] || nice=19
	run timeout 10 socat -t 10 - TCP:127.0.0.1:7300 <<<"ping"
	echo "$output"
	[ "$status" -eq 0 ]
	# No signal the suite ignores stays ignored in a program.
	[ "${lines[0]}" = "uid=$(id -u nobody) nnp=1 files=32 sigign=0000000000000000 nice=$nice" ]
	[ "${lines[1]}" = ping ]
	grep -q "spawner: user mode: service programs run as uid $(id -u nobody), not as their own users" "$HS_LOG"
}

@test "user mode: a port below 1024 is refused with the reason, and the daemon runs on" {
	hs_start_as_nobody
	run "$BIN/honeyspyctl" -s "$HS_SOCK" addService 127.0.0.1 tcp 80 /bin/cat
	[ "$status" -ne 0 ]
	[[ "$output" == *"port 80 needs cap_net_bind_service, which user mode lacks"* ]]
	hs_alive "$HS_PID"
	run "$BIN/honeyspyctl" -s "$HS_SOCK" addService 127.0.0.1 tcp 7301 /bin/cat
	[ "$status" -eq 0 ]
	run timeout 10 socat -t 10 - TCP:127.0.0.1:7301 <<<"pong"
	[ "$output" = pong ]
}

@test "a stop ends every live session in the log before the suite exits" {
	hs_start_as_nobody
	# The whole client leaves bats' fd 3 alone, or bats waits for it.
	(sleep 30 | socat - TCP:127.0.0.1:7300 >/dev/null) 3>&- &
	client=$!
	hs_wait_event honeyspy.session.output
	kill -TERM "$HS_PID"
	hs_wait_exit "$HS_PID" 5000
	run wait "$HS_PID"
	HS_PID=
	[ "$status" -eq 0 ]
	jq -e 'select(.eventid == "honeyspy.session.closed") |
	    .closed_by == "shutdown" and .bytes_out > 0' "$HS_EVENTS"
	pkill -f "socat - TCP:127.0.0.1:7300" 2>/dev/null || true
	pkill -P "$client" 2>/dev/null || true
	wait "$client" 2>/dev/null || true
}
