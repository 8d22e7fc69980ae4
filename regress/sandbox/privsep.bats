#!/usr/bin/env bats
# Privilege separation as the kernel sees it: every claim is read from
# /proc, never from the daemon's own report.

load ../helpers

setup() {
	hs_require_root
	hs_setup_dir
	hs_write_config privsep
	HS_UID=$(id -u _honeyspy)
	HS_GID=$(id -g _honeyspy)
}

teardown() {
	hs_teardown
}

# name capeff(decimal) jailed
expected_table() {
	cat <<EOF
netctl $CAP_NET_ADMIN 1
capture 0 1
persona $CAP_NET_ADMIN 1
binder $CAP_NET_BIND_SERVICE 1
superserver 0 0
spawner $CAP_SPAWNER 0
rpc 0 1
EOF
}

@test "root mode: the parent runs as _honeyspy with no capabilities under seccomp" {
	hs_start
	[ "$(hs_status_field "$HS_PID" Seccomp)" = 2 ]
	[ "$(hs_status_field "$HS_PID" NoNewPrivs)" = 1 ]
	[ "$(hs_status_field "$HS_PID" Uid)" = "$HS_UID $HS_UID $HS_UID $HS_UID" ]
	[ "$(hs_status_field "$HS_PID" Gid)" = "$HS_GID $HS_GID $HS_GID $HS_GID" ]
	[ "$(hs_status_field "$HS_PID" Groups)" = "" ]
	[ "$(hs_status_field "$HS_PID" CapEff)" = 0000000000000000 ]
	[ "$(hs_status_field "$HS_PID" CapPrm)" = 0000000000000000 ]
	[ "$(hs_status_field "$HS_PID" CapBnd)" = 0000000000000000 ]
	[ "$(readlink "/proc/$HS_PID/root")" = / ]
}

@test "root mode: each child is jailed, unprivileged and holds exactly its table entry" {
	hs_start
	[ "$(hs_children | wc -l)" -eq 7 ]
	while read -r name caps jailed; do
		pid=$(hs_child_pid "$name")
		[ -n "$pid" ] || { echo "no $name child"; false; }
		echo "checking $name ($pid)"
		[ "$(hs_status_field "$pid" Seccomp)" = 2 ]
		[ "$(hs_status_field "$pid" Uid)" = "$HS_UID $HS_UID $HS_UID $HS_UID" ]
		[ "$(hs_status_field "$pid" Gid)" = "$HS_GID $HS_GID $HS_GID $HS_GID" ]
		[ "$(hs_capeff "$pid")" -eq "$caps" ]
		[ "$(printf '%d' "0x$(hs_status_field "$pid" CapPrm)")" -eq "$caps" ]
		[ "$(hs_status_field "$pid" CapBnd)" = 0000000000000000 ]
		if [ "$jailed" = 1 ]; then
			[ "$(readlink "/proc/$pid/root")" = "$HS_DIR/jail" ]
		else
			[ "$(readlink "/proc/$pid/root")" = / ]
		fi
	done < <(expected_table)
}

@test "a child that makes a syscall outside its table is killed by SIGSYS and the suite exits non-zero" {
	[ -x "$HS_REGRESS_BIN" ] || skip "honeyspyd-regress not built"
	HS_REGRESS_VIOLATE=1 "$HS_REGRESS_BIN" -d -f "$HS_CONF" -s "$HS_SOCK" \
	    >"$HS_LOG" 2>&1 &
	HS_PID=$!
	hs_wait_exit "$HS_PID" 10000
	run wait "$HS_PID"
	HS_PID=
	cat "$HS_LOG"
	[ "$status" -ne 0 ]
	grep -E 'lost child violator \(pid [0-9]+\): killed by signal 31 .*sandbox violation' "$HS_LOG"
}

@test "kill -9 of any child makes the whole suite exit non-zero within 1 s" {
	for name in netctl capture persona binder superserver spawner rpc; do
		hs_start
		pid=$(hs_child_pid "$name")
		[ -n "$pid" ]
		children=$(hs_children | awk '{ print $1 }')
		kill -KILL "$pid"
		hs_wait_exit "$HS_PID" 1000 || { echo "$name: still running after 1 s"; false; }
		run wait "$HS_PID"
		HS_PID=
		[ "$status" -ne 0 ]
		grep -E "lost child $name \(pid $pid\): killed by signal 9" "$HS_LOG"
		# The whole suite is gone, not only the parent.
		for c in $children; do
			if hs_alive "$c"; then echo "$c left"; false; fi
		done
		[ ! -e "$HS_SOCK" ]
	done
}

@test "SIGTERM and SIGINT shut down cleanly: exit 0, no children, no socket" {
	for sig in TERM INT; do
		hs_start
		children=$(hs_children | awk '{ print $1 }')
		kill -"$sig" "$HS_PID"
		hs_wait_exit "$HS_PID" 5000
		run wait "$HS_PID"
		HS_PID=
		echo "SIG$sig: exit $status"
		[ "$status" -eq 0 ]
		for pid in $children; do
			if hs_alive "$pid"; then echo "$pid left"; false; fi
		done
		[ ! -e "$HS_SOCK" ]
		grep -q terminating "$HS_LOG"
	done
}

@test "status reports mode, node and every process; -j gives the same as JSON" {
	hs_start
	run "$BIN/honeyspyctl" -s "$HS_SOCK" status
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"mode: root"* ]]
	[[ "$output" == *"node: privsep (sensor)"* ]]
	for name in parent netctl capture persona binder superserver spawner rpc; do
		echo "$output" | grep -E "^$name +[0-9]+ +$HS_UID +filter "
	done
	echo "$output" | grep -E "^netctl .* $HS_DIR/jail +cap_net_admin$"
	echo "$output" | grep -E '^web +off +web console: master mode only'

	run "$BIN/honeyspyctl" -j -s "$HS_SOCK" status
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.mode == "root" and .node == "privsep"'
	echo "$output" | jq -e --arg j "$HS_DIR/jail" \
	    '[.processes[] | select(.name == "binder")][0] |
	     .capabilities == "cap_net_bind_service" and .chroot == $j and
	     .seccomp == "filter"'
	# The report agrees with /proc.
	pid=$(echo "$output" | jq -r '.processes[] | select(.name == "persona") | .pid')
	[ "$pid" = "$(hs_child_pid persona)" ]
}

@test "a second daemon on the same socket refuses to start; a stale socket is removed" {
	hs_start
	run "$BIN/honeyspyd" -d -f "$HS_CONF" -s "$HS_SOCK"
	[ "$status" -ne 0 ]
	[[ "$output" == *"another honeyspyd is running"* ]]
	# Leave a stale socket behind as a crash would.
	kill -KILL "$HS_PID"
	hs_wait_exit "$HS_PID" 5000
	wait "$HS_PID" || true
	[ -S "$HS_SOCK" ]
	hs_start
	grep -q "removed stale control socket" "$HS_LOG"
}

@test "a configuration that cannot be loaded stops the start with a clear error" {
	printf 'node:\n  name: x\n  bogus: 1\n' >"$HS_CONF"
	run "$BIN/honeyspyd" -d -f "$HS_CONF" -s "$HS_SOCK"
	[ "$status" -eq 1 ]
	[[ "$output" == *"honeyspyd.yaml:3: node.bogus:"* ]]
	[ ! -e "$HS_SOCK" ]
}
