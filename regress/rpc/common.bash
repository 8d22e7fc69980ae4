# Shared by the tests that run a master and sensors on loopback
# (regress/rpc, regress/outputs): the network's files, configurations,
# start and kill, the admin console, the store, and polling.  The caller
# loads ../helpers first, then calls rpc_setup_net (or sets RPC_DIR,
# RPC_PORT, RPC_FINGER and RPC_TICK itself).

# rpc_setup_net NAME: a directory /tmp/NAME.XXXXXX for the whole file,
# free ports, the network's CA with the master's certificate (for
# 127.0.0.1), sensor s1's, admin alice's (passphrase in $RPC_DIR/pass),
# and the ticker: a service that reports N events of its own and ends.
rpc_setup_net() {
	local c

	RPC_DIR=$(mktemp -d "/tmp/$1.XXXXXX")
	chmod 0755 "$RPC_DIR"
	RPC_PORT=$(rpc_free_port)
	RPC_FINGER=$(rpc_free_port)
	RPC_TICK=$(rpc_free_port)
	export RPC_DIR RPC_PORT RPC_FINGER RPC_TICK
	c=$RPC_DIR/certs
	"$BIN/honeyspy-cert" -d "$c" -s 127.0.0.1 init >/dev/null
	"$BIN/honeyspy-cert" -d "$c" sensor s1 >/dev/null
	printf 'correct horse\n' >"$RPC_DIR/pass"
	"$BIN/honeyspy-cert" -d "$c" -p "$RPC_DIR/pass" admin alice >/dev/null
	cat >"$RPC_DIR/ticker" <<'EOS'
#!/bin/sh
exec awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "{\"eventid\":\"honeyspy.test.tick\",\"n\":%d}\n", i > "/dev/stderr" }'
EOS
	chmod 0755 "$RPC_DIR/ticker"
}

# Start the master and sensor s1 as configured, and wait for the link.
rpc_start_net() {
	rpc_write_sensor s1
	rpc_start master
	rpc_start s1
	rpc_wait_online s1
}

rpc_free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

rpc_write_master() {
	install -d -m 0755 "$RPC_DIR/master" "$RPC_DIR/master/jail"
	cat >"$RPC_DIR/master/conf.yaml" <<EOC
node:
  name: master
  mode: master
  chroot: $RPC_DIR/master/jail
listen:
  address: 127.0.0.1
  port: $RPC_PORT
  ca: $RPC_DIR/certs/ca.crt
  cert: $RPC_DIR/certs/master.crt
  key: $RPC_DIR/certs/master.key
  crl: $RPC_DIR/certs/crl.pem
log:
  file: $RPC_DIR/master/events.json
  syslog: false
  spool: $RPC_DIR/master/spool
  artifacts: $RPC_DIR/master/artifacts
  database: $RPC_DIR/master/db/events.db
EOC
}

# rpc_write_sensor NAME [CERTDIR]
rpc_write_sensor() {
	local d=$RPC_DIR/$1 certs=${2:-$RPC_DIR/certs}

	install -d -m 0755 "$d" "$d/jail"
	cat >"$d/conf.yaml" <<EOC
node:
  name: $1
  mode: sensor
  chroot: $d/jail
master:
  address: 127.0.0.1
  port: $RPC_PORT
  ca: $certs/ca.crt
  cert: $certs/sensors/$1.crt
  key: $certs/sensors/$1.key
  reconnect: 2
services:
  - address: 127.0.0.1
    port: $RPC_FINGER
    program: $BIN/services/finger
  - address: 127.0.0.1
    port: $RPC_TICK
    program: $RPC_DIR/ticker
    args: ["1000"]
    limits:
      rate: 60000
capture:
  enabled: false
log:
  file: $d/events.json
  syslog: false
  spool: $d/spool
  artifacts: $d/artifacts
EOC
	if [ "$1" != s1 ]; then
		# A second sensor on this host: other ports.
		sed -i -e "s/port: $RPC_FINGER/port: $(rpc_free_port)/" \
		    -e "s/port: $RPC_TICK/port: $(rpc_free_port)/" \
		    "$d/conf.yaml"
	fi
}

# rpc_start NODE: in a session of its own, so that kill -9 takes the
# whole suite at once, as a crash would.
rpc_start() {
	local d=$RPC_DIR/$1 i

	install -d -m 0750 -o _honeyspy -g _honeyspy "$d/run"
	setsid "$BIN/honeyspyd" -d -f "$d/conf.yaml" -s "$d/run/ctl.sock" \
	    >>"$d/log" 2>&1 &
	echo $! >"$d/pid"
	# Killed on purpose later: no job notices in the test output.
	disown $!
	for i in $(seq 1 200); do
		"$BIN/honeyspyctl" -s "$d/run/ctl.sock" status >/dev/null 2>&1 &&
		    return 0
		hs_alive "$(cat "$d/pid")" || break
		sleep 0.05
	done
	echo "$1 did not start:" >&2
	cat "$d/log" >&2
	return 1
}

# rpc_kill NODE SIGNAL: the whole suite, then wait for it to be gone.
rpc_kill() {
	local d=$RPC_DIR/$1 pid

	[ -f "$d/pid" ] || return 0
	pid=$(cat "$d/pid")
	kill -"$2" -- -"$pid" 2>/dev/null || return 0
	hs_wait_exit "$pid" 10000
	while pgrep -s "$pid" >/dev/null; do sleep 0.01; done
	rm -f "$d/pid"
}

# The console, as admin alice (or whoever ADMIN names).
rpc_ctl() {
	local who=${ADMIN:-alice}

	"$BIN/honeyspyctl" -m "127.0.0.1:$RPC_PORT" -C "$RPC_DIR/certs/ca.crt" \
	    -c "$RPC_DIR/certs/admins/$who.crt" \
	    -k "$RPC_DIR/certs/admins/$who.key" -p "$RPC_DIR/pass" "$@"
}

# SQL on the master's store, as the daemon's user so that the WAL files
# stay its own.
rpc_sql() {
	runuser -u _honeyspy -- sqlite3 "$RPC_DIR/master/db/events.db" "$1"
}

rpc_wait_online() {
	local i

	for i in $(seq 1 400); do
		rpc_ctl -j getSensors 2>/dev/null |
		    jq -e --arg n "$1" '.[] | select(.name == $n and .online)' \
		    >/dev/null && return 0
		sleep 0.05
	done
	echo "$1 not online within 20 s" >&2
	rpc_ctl -j getSensors >&2
	grep -v 'admin alice' "$RPC_DIR/master/log" >&2
	tail -5 "$RPC_DIR/master/events.json" >&2
	cat "$RPC_DIR/$1/log" >&2
	return 1
}

# rpc_wait_sql SQL VALUE [SECONDS]
rpc_wait_sql() {
	local i v

	for i in $(seq 1 $((${3:-20} * 20))); do
		v=$(rpc_sql "$1" 2>/dev/null) && [ "$v" = "$2" ] && return 0
		sleep 0.05
	done
	echo "$1: $v, not $2" >&2
	return 1
}

# rpc_wait_grep FILE PATTERN [COUNT [SECONDS]]: poll for lines matching
# an extended regular expression (SECONDS at most, 20 unless given).
rpc_wait_grep() {
	local i n

	for i in $(seq 1 $((${4:-20} * 20))); do
		n=$(grep -Ec -- "$2" "$1" 2>/dev/null || true)
		[ "${n:-0}" -ge "${3:-1}" ] && return 0
		sleep 0.05
	done
	echo "no $2 in $1" >&2
	return 1
}

# rpc_wait_log NODE PATTERN: a line of the node's event log.
rpc_wait_log() {
	rpc_wait_grep "$RPC_DIR/$1/events.json" "$2"
}
