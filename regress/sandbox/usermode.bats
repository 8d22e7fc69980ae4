#!/usr/bin/env bats
# Without root the suite still runs: as a plain user it starts only what
# needs no privilege, and with file capabilities each child keeps only its
# own.  Both are checked from /proc.

load ../helpers

setup() {
	hs_require_root
	hs_setup_dir
	hs_write_config unprivileged
	# The programs and the socket directory must be reachable by nobody.
	hs_setup_nobody
	NOBODY=$(id -u nobody)
}

teardown() {
	hs_teardown
}

@test "user mode: no privileged children, each disabled feature logged once" {
	hs_start_as_nobody
	run "$BIN/honeyspyctl" -s "$HS_SOCK" status
	echo "$output"
	[[ "$output" == *"mode: user"* ]]
	for f in netctl capture persona binder; do
		echo "$output" | grep -E "^$f +off +.*which user mode lacks"
		[ "$(grep -c "($f) disabled" "$HS_LOG")" -eq 1 ]
	done
	[ "$(grep -c 'user mode: services listen on ports 1024 and up only' "$HS_LOG")" -eq 1 ]
	[ "$(hs_children | awk '{ print $2 }' | sort | tr '\n' ' ')" = "rpc spawner superserver " ]
	for pid in "$HS_PID" $(pgrep -P "$HS_PID"); do
		[ "$(hs_status_field "$pid" Seccomp)" = 2 ]
		[ "$(hs_status_field "$pid" Uid)" = "$NOBODY $NOBODY $NOBODY $NOBODY" ]
		[ "$(hs_capeff "$pid")" -eq 0 ]
	done
}

@test "user mode: nothing listens below port 1024" {
	hs_start_as_nobody
	pids=$(printf '%s|' "$HS_PID" $(pgrep -P "$HS_PID"))
	pids=${pids%|}
	run bash -c "ss -Hltunp | grep -E 'pid=($pids),' || true"
	echo "$output"
	while read -r _ _ _ _ local _; do
		[ -n "$local" ] || continue
		port=${local##*:}
		[ "$port" -ge 1024 ]
	done <<<"$output"
}

@test "capabilities mode: file capabilities, one per child, none in the parent" {
	command -v setcap >/dev/null || skip "setcap not installed"
	setcap cap_net_bind_service,cap_net_raw,cap_net_admin+ep \
	    "$HS_DIR/bin/honeyspyd" || skip "file capabilities unsupported on $HS_DIR"
	hs_start_as_nobody
	run "$BIN/honeyspyctl" -s "$HS_SOCK" status
	echo "$output"
	[[ "$output" == *"mode: capabilities"* ]]
	[ "$(hs_capeff "$HS_PID")" -eq 0 ]
	[ "$(hs_status_field "$HS_PID" Seccomp)" = 2 ]
	[ "$(hs_capeff "$(hs_child_pid netctl)")" -eq "$CAP_NET_ADMIN" ]
	[ "$(hs_capeff "$(hs_child_pid persona)")" -eq "$CAP_NET_ADMIN" ]
	[ "$(hs_capeff "$(hs_child_pid binder)")" -eq "$CAP_NET_BIND_SERVICE" ]
	[ "$(hs_capeff "$(hs_child_pid capture)")" -eq 0 ]
	[ "$(hs_capeff "$(hs_child_pid superserver)")" -eq 0 ]
	[ "$(hs_capeff "$(hs_child_pid rpc)")" -eq 0 ]
	# File capabilities without cap_setuid: programs keep the user.
	[ "$(hs_capeff "$(hs_child_pid spawner)")" -eq 0 ]
	for pid in $(pgrep -P "$HS_PID"); do
		[ "$(hs_status_field "$pid" Seccomp)" = 2 ]
		[ "$(hs_status_field "$pid" Uid)" = "$NOBODY $NOBODY $NOBODY $NOBODY" ]
	done
}
