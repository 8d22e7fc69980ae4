#!/usr/bin/env bats
# make install, install-caps and uninstall into staging trees, the systemd
# unit as systemd itself judges it, and the rc script driving the installed
# daemon.  Everything stays under per-test temporary directories.

load ../helpers

setup() {
	hs_require_root
	hs_setup_dir
	STAGE=$HS_DIR/stage
	# The daemon's user walks into the staged tree.
	install -d -m 0755 "$STAGE"
}

teardown() {
	# The rc script starts the daemon as a daemon: stop it by its socket.
	local pid

	pid=$("$BIN/honeyspyctl" -s "$HS_SOCK" status 2>/dev/null |
	    awk '$1 == "parent" { print $2 }') || true
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		hs_wait_exit "$pid" 5000 || kill -KILL "$pid" 2>/dev/null || true
	fi
	hs_teardown
}

# stage_install [VAR=VALUE...]: make install into $STAGE.
stage_install() {
	make -C "$HS_TOP" --no-print-directory BINDIR="$BIN" \
	    DESTDIR="$STAGE" "$@" install >"$HS_DIR/make.log" 2>&1 || {
		cat "$HS_DIR/make.log" >&2
		return 1
	}
}

# want PATH MODE OWNER:GROUP
want() {
	local got

	got=$(stat -c '%a %U:%G' "$STAGE$1") || return 1
	if [ "$got" != "$2 $3" ]; then
		echo "$1: $got, want $2 $3" >&2
		return 1
	fi
}

# A sensor with one service on a port only root or a capability may bind.
write_rc_config() {
	hs_write_config rcsensor
	hs_add_config <<EOF
services:
  - address: 127.0.0.1
    port: 79
    program: $STAGE/usr/libexec/honeyspy/services/finger
EOF
}

rc() {
	DAEMON=$STAGE/usr/sbin/honeyspyd CTL=$STAGE/usr/sbin/honeyspyctl \
	    CONFIG=$HS_CONF SOCKET=$HS_SOCK WAIT=10 \
	    "$STAGE/etc/init.d/honeyspyd" "$@"
}

# The service binds after the control socket answers: poll (10 s).
finger_answers() {
	local i

	for i in $(seq 1 200); do
		printf 'root\r\n' | nc -w 5 127.0.0.1 79 2>/dev/null |
		    grep -q 'Login' && return 0
		sleep 0.05
	done
	return 1
}

@test "make install: every file in its FHS place, owner and mode" {
	stage_install OWNERS=yes
	want /usr/sbin/honeyspyd 755 root:root
	want /usr/sbin/honeyspyctl 755 root:root
	want /usr/bin/honeyspy-cert 755 root:root
	want /usr/bin/honeyspy-detect 755 root:root
	for s in smtp ssh proxy www finger; do
		want "/usr/libexec/honeyspy/services/$s" 755 root:root
	done
	want /etc/honeyspy 750 root:_honeyspy
	want /etc/honeyspy/certs 750 root:_honeyspy
	want /etc/honeyspy/honeyspyd.yaml 640 root:_honeyspy
	want /var/lib/honeyspy 755 root:root
	want /var/lib/honeyspy/empty 755 root:root
	want /var/lib/honeyspy/artifacts 750 _honeyspy:_honeyspy
	want /var/log/honeyspy 750 _honeyspy:_honeyspy
	want /var/spool/honeyspy 750 _honeyspy:_honeyspy
	want /run/honeyspy 750 _honeyspy:_honeyspy
	want /lib/systemd/system/honeyspyd.service 644 root:root
	want /etc/init.d/honeyspyd 755 root:root
	want /usr/share/man/man8/honeyspyd.8 644 root:root
	want /usr/share/man/man8/honeyspyctl.8 644 root:root
	want /usr/share/man/man5/honeyspyd.yaml.5 644 root:root
	want /usr/share/man/man1/honeyspy-cert.1 644 root:root
	want /usr/share/doc/honeyspy/examples/sensor.yaml 644 root:root
	want /usr/share/doc/honeyspy/examples/master.yaml 644 root:root
	# The jail is empty, and the installed examples check.
	[ -z "$(ls -A "$STAGE/var/lib/honeyspy/empty")" ]
	run "$STAGE/usr/sbin/honeyspyd" -n -f "$STAGE/etc/honeyspy/honeyspyd.yaml"
	[ "$status" -eq 0 ]
	[ "$output" = "configuration OK" ]
	run "$STAGE/usr/sbin/honeyspyd" -n \
	    -f "$STAGE/usr/share/doc/honeyspy/examples/master.yaml"
	[ "$status" -eq 0 ]
	# Every policy directory that exists went along.
	for p in selinux apparmor grsecurity; do
		[ ! -d "$HS_TOP/policy/$p" ] ||
		    [ -d "$STAGE/usr/share/honeyspy/policy/$p" ]
	done
	# A second install keeps the operator's configuration.
	echo "# changed" >>"$STAGE/etc/honeyspy/honeyspyd.yaml"
	stage_install OWNERS=yes
	tail -n 1 "$STAGE/etc/honeyspy/honeyspyd.yaml" | grep -qx '# changed'
}

@test "the MAC policies compile, link and name paths make install made" {
	stage_install OWNERS=yes
	run "$HS_TOP/policy/check" -d "$STAGE"
	echo "$output" | grep -v '^ok ' || true
	[ "$status" -eq 0 ]
	[[ "$output" == *"all checks passed"* ]]
}

@test "systemd unit: systemd-analyze verify is silent, exposure at most 2.0" {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	# Installed at a prefix inside the test, so the unit's paths are real.
	make -C "$HS_TOP" --no-print-directory BINDIR="$BIN" \
	    PREFIX="$STAGE/usr" sysconfdir="$STAGE/etc" \
	    localstatedir="$STAGE/var" runstatedir="$STAGE/run" \
	    unitdir="$STAGE/lib/systemd/system" OWNERS=no install \
	    >"$HS_DIR/make.log" 2>&1
	unit=$STAGE/lib/systemd/system/honeyspyd.service
	grep -qx "ExecStart=$STAGE/usr/sbin/honeyspyd -d" "$unit"
	run env MANPATH="$STAGE/usr/share/man" systemd-analyze verify "$unit"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run systemd-analyze security --offline=true --threshold=20 "$unit"
	echo "$output" | tail -n 1
	[ "$status" -eq 0 ]
	level=$(echo "$output" | sed -n 's/.*Overall exposure level.*: \([0-9.]*\).*/\1/p')
	awk -v l="$level" 'BEGIN { exit !(l != "" && l <= 2.0) }'
}

@test "the unit's way: its own user, ambient capabilities only" {
	stage_install OWNERS=yes
	write_rc_config
	# What systemd does for User= and AmbientCapabilities= in the unit.
	caps=+net_bind_service,+net_raw,+net_admin
	setpriv --reuid=_honeyspy --regid=_honeyspy --clear-groups \
	    --inh-caps="$caps" --ambient-caps="$caps" \
	    --bounding-set=-all,"$caps" --no-new-privs -- \
	    "$STAGE/usr/sbin/honeyspyd" -d -f "$HS_CONF" -s "$HS_SOCK" \
	    >"$HS_LOG" 2>&1 &
	HS_PID=$!
	hs_wait_ready
	run "$BIN/honeyspyctl" -s "$HS_SOCK" status
	echo "$output"
	[[ "$output" == *"mode: capabilities"* ]]
	finger_answers
	# The binder kept only its one capability.
	[ "$(hs_capeff "$(hs_child_pid binder)")" -eq "$CAP_NET_BIND_SERVICE" ]
}

@test "Type=notify: READY=1 reaches the service manager once every process is up" {
	stage_install OWNERS=yes
	write_rc_config
	sock=$HS_DIR/run/notify.sock
	# The service manager's end: one datagram, printed.  The daemon
	# says it after dropping root, as it does under systemd.
	/usr/bin/python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
s.settimeout(20)
print(s.recv(4096).decode())
' "$sock" >"$HS_DIR/notified" 2>&1 &
	listener=$!
	for i in $(seq 1 100); do
		[ -S "$sock" ] && break
		sleep 0.05
	done
	NOTIFY_SOCKET=$sock "$STAGE/usr/sbin/honeyspyd" -d -f "$HS_CONF" \
	    -s "$HS_SOCK" >"$HS_LOG" 2>&1 &
	HS_PID=$!
	wait "$listener"
	cat "$HS_DIR/notified"
	[ "$(cat "$HS_DIR/notified")" = "READY=1" ]
	# By then every process had finished its set-up, and said so first.
	grep -q 'ready: every process finished its set-up' "$HS_LOG"
	run "$BIN/honeyspyctl" -s "$HS_SOCK" status
	for name in parent netctl capture persona binder superserver spawner; do
		echo "$output" | grep -qE "^$name +[0-9]+ "
	done
	finger_answers
}

@test "make install-caps: file capabilities, only the daemon's group may run it" {
	command -v getcap >/dev/null || skip "no getcap"
	stage_install OWNERS=yes
	make -C "$HS_TOP" --no-print-directory BINDIR="$BIN" \
	    DESTDIR="$STAGE" OWNERS=yes install-caps >"$HS_DIR/make.log" 2>&1
	want /usr/sbin/honeyspyd 750 root:_honeyspy
	run getcap "$STAGE/usr/sbin/honeyspyd"
	echo "$output"
	[[ "$output" == *cap_net_bind_service,cap_net_admin,cap_net_raw=ep* ]]
	write_rc_config
	setpriv --reuid=_honeyspy --regid=_honeyspy --clear-groups -- \
	    "$STAGE/usr/sbin/honeyspyd" -d -f "$HS_CONF" -s "$HS_SOCK" \
	    >"$HS_LOG" 2>&1 &
	HS_PID=$!
	hs_wait_ready
	run "$BIN/honeyspyctl" -s "$HS_SOCK" status
	[[ "$output" == *"mode: capabilities"* ]]
	finger_answers
	# Anyone else is refused at exec.
	run runuser -u nobody -- "$STAGE/usr/sbin/honeyspyd" -n -f "$HS_CONF"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
}

@test "rc script: start, status, reload, restart, stop" {
	stage_install OWNERS=yes
	write_rc_config
	run rc status
	[ "$status" -eq 3 ]
	run rc start
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "honeyspyd: started" ]
	finger_answers
	run rc status
	[ "$status" -eq 0 ]
	[[ "$output" == "honeyspyd: running (pid "*")" ]]
	pid=${output##*pid }
	pid=${pid%)}
	run rc start
	[ "$status" -eq 0 ]
	[ "$output" = "honeyspyd: already running" ]

	# A bad configuration is refused before the running daemon sees it.
	cp "$HS_CONF" "$HS_DIR/good.yaml"
	echo "bogus: 1" >>"$HS_CONF"
	run rc reload
	[ "$status" -eq 6 ]
	cp "$HS_DIR/good.yaml" "$HS_CONF"

	# Reload: a new service comes up in the same daemon.
	hs_add_config <<EOF
  - address: 127.0.0.1
    port: 2525
    program: $STAGE/usr/libexec/honeyspy/services/smtp
EOF
	run rc reload
	[ "$status" -eq 0 ]
	for i in $(seq 1 100); do
		"$BIN/honeyspyctl" -s "$HS_SOCK" getServices 2>/dev/null |
		    grep -q '2525 .*listening' && break
		sleep 0.05
	done
	nc -w 5 127.0.0.1 2525 </dev/null | grep -q '^220 '
	run rc status
	[ "$output" = "honeyspyd: running (pid $pid)" ]

	run rc restart
	echo "$output"
	[ "$status" -eq 0 ]
	run rc status
	[ "$status" -eq 0 ]
	[ "$output" != "honeyspyd: running (pid $pid)" ]
	pid=${output##*pid }
	pid=${pid%)}

	run rc stop
	[ "$status" -eq 0 ]
	[ "$output" = "honeyspyd: stopped" ]
	! hs_alive "$pid" || false
	[ ! -e "$HS_SOCK" ]
	run rc status
	[ "$status" -eq 3 ]
	run rc stop
	[ "$status" -eq 0 ]
}

@test "rc script: an invalid configuration is not started" {
	stage_install OWNERS=yes
	write_rc_config
	echo "bogus: 1" >>"$HS_CONF"
	run rc start
	echo "$output"
	[ "$status" -eq 6 ]
	[[ "$output" == *"is invalid, not starting"* ]]
	run rc status
	[ "$status" -eq 3 ]
}

@test "make uninstall: nothing left but the operator's data" {
	stage_install OWNERS=yes
	echo '{"eventid":"kept"}' >"$STAGE/var/log/honeyspy/events.json"
	make -C "$HS_TOP" --no-print-directory BINDIR="$BIN" \
	    DESTDIR="$STAGE" uninstall >"$HS_DIR/make.log" 2>&1
	run find "$STAGE" -type f
	echo "$output"
	[ "$output" = "$STAGE/var/log/honeyspy/events.json" ]
	# A changed configuration stays too; an unchanged one goes.
	stage_install OWNERS=yes
	echo "# mine" >>"$STAGE/etc/honeyspy/honeyspyd.yaml"
	make -C "$HS_TOP" --no-print-directory BINDIR="$BIN" \
	    DESTDIR="$STAGE" uninstall >"$HS_DIR/make.log" 2>&1
	[ -f "$STAGE/etc/honeyspy/honeyspyd.yaml" ]
	[ ! -e "$STAGE/usr/sbin/honeyspyd" ]
}
