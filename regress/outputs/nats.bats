#!/usr/bin/env bats
#
# The NATS JetStream output against a real three-node JetStream cluster
# (Debian's nats-server) on loopback: every stored event lands in the
# stream exactly once, also when a node is killed while events flow and
# when the whole cluster was away for a while.  A consumer written with
# libnats (natscheck) reads the stream back.

load ../helpers
load ../rpc/common

NATSCHECK=${HS_NATSCHECK_BIN:-$HS_TOP/build/cc/regress/natscheck}

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	getent passwd _honeyspy >/dev/null || return 0
	command -v nats-server >/dev/null || return 0
	rpc_setup_net hs-nats
	local i routes=

	for i in 1 2 3; do
		eval "NATS_PORT$i=$(rpc_free_port) NATS_ROUTE$i=$(rpc_free_port)"
		eval "routes=\$routes\${routes:+,}nats://127.0.0.1:\$NATS_ROUTE$i"
	done
	export NATS_PORT1 NATS_PORT2 NATS_PORT3 NATS_ROUTE1 NATS_ROUTE2 \
	    NATS_ROUTE3
	NATS_ROUTES=$routes
	NATS_URLS="nats://127.0.0.1:$NATS_PORT1,nats://127.0.0.1:$NATS_PORT2,nats://127.0.0.1:$NATS_PORT3"
	export NATS_ROUTES NATS_URLS
	for i in 1 2 3; do
		nats_start "$i"
	done
	nats_wait_leader
	rpc_write_master
	cat >>"$RPC_DIR/master/conf.yaml" <<EOC
outputs:
  - type: nats
    name: js
    servers:
      - nats://127.0.0.1:$NATS_PORT1
      - nats://127.0.0.1:$NATS_PORT2
      - nats://127.0.0.1:$NATS_PORT3
    stream: HONEYSPY
    replicas: 3
    retry: 2
EOC
	rpc_start_net
}

teardown_file() {
	[ -n "${RPC_DIR:-}" ] || return 0
	local n

	for n in s1 master; do
		rpc_kill "$n" TERM || true
	done
	for n in 1 2 3; do
		nats_stop "$n" TERM
	done
	[ -n "${OUT_KEEP:-}" ] || rm -rf "$RPC_DIR"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	[ -n "${RPC_DIR:-}" ] || skip "needs the _honeyspy user and nats-server"
}

# nats_start N: node N of the cluster, its store under $RPC_DIR.
nats_start() {
	local port route

	eval "port=\$NATS_PORT$1 route=\$NATS_ROUTE$1"
	install -d "$RPC_DIR/nats$1"
	nats-server -js -sd "$RPC_DIR/nats$1" -n "n$1" -a 127.0.0.1 \
	    -p "$port" --cluster_name hs \
	    --cluster "nats://127.0.0.1:$route" --routes "$NATS_ROUTES" \
	    >>"$RPC_DIR/nats$1.log" 2>&1 &
	echo $! >"$RPC_DIR/nats$1.pid"
	disown $!
}

nats_stop() {
	local pid

	[ -f "$RPC_DIR/nats$1.pid" ] || return 0
	pid=$(cat "$RPC_DIR/nats$1.pid")
	kill -"$2" "$pid" 2>/dev/null || true
	hs_wait_exit "$pid" 10000 || true
	rm -f "$RPC_DIR/nats$1.pid"
}

# The logs' lines on a JetStream metadata leader, all nodes together.
nats_leaders() {
	cat "$RPC_DIR"/nats*.log 2>/dev/null | grep -c 'metadata leader' ||
	    true
}

# nats_wait_leader [BEFORE]: a leader line beyond the BEFORE there were.
# The logs survive a restart, so a leader of the cluster's last life
# must not count for the new one.
nats_wait_leader() {
	local i

	for i in $(seq 1 400); do
		[ "$(nats_leaders)" -gt "${1:-0}" ] && return 0
		sleep 0.05
	done
	return 1
}

# What the stream holds, one "subject msgid json" line a message.  Right
# after a node died the cluster may still be electing leaders: a read
# that fails is tried again, ten times at most.
nats_read() {
	local i

	for i in $(seq 1 10); do
		if "$NATSCHECK" "$NATS_URLS" HONEYSPY 'honeyspy.>' \
		    >"$RPC_DIR/natscheck.out" 2>"$RPC_DIR/natscheck.err"; then
			cat "$RPC_DIR/natscheck.out"
			return 0
		fi
		sleep 0.2
	done
	cat "$RPC_DIR/natscheck.err" >&2
	return 1
}

# Poll until the stream holds as many messages as the store has events
# (the output's own up and down events are stored and sent too), 60 s.
nats_wait_all() {
	local i n want

	for i in $(seq 1 300); do
		want=$(rpc_sql "select count(*) from events")
		n=$(nats_read | wc -l) || n=0
		[ "$n" -eq "$want" ] && return 0
		sleep 0.2
	done
	echo "stream holds $n messages, the store $want events" >&2
	cat "$RPC_DIR/natscheck.err" >&2
	grep -i 'output' "$RPC_DIR/master/log" | tail -5 >&2
	return 1
}

@test "every stored event is in the stream once, on its subject" {
	nc -d 127.0.0.1 "$RPC_TICK" >/dev/null
	rpc_wait_sql "select count(*) from events where eventid = 'honeyspy.test.tick'" 1000 30
	nats_wait_all
	out=$(nats_read)
	# One message per stored event: the ids are the store's, each once.
	[ "$(awk '{ print $2 }' <<<"$out" | sort -u | wc -l)" -eq \
	    "$(wc -l <<<"$out")" ]
	[ "$(awk '{ print $2 }' <<<"$out" | sed 's/^master://' | sort -n |
	    tr '\n' ' ')" = "$(rpc_sql 'select id from events order by id' |
	    tr '\n' ' ')" ]
	# Subjects: honeyspy.SENSOR.EVENTID.
	[ "$(grep -c '^honeyspy\.s1\.honeyspy\.test\.tick master:[0-9]* {' \
	    <<<"$out")" -eq 1000 ]
	grep -q '^honeyspy\.master\.honeyspy\.sensor\.joined ' <<<"$out"
	# The message is the event.
	grep '^honeyspy\.s1\.honeyspy\.session\.connect ' <<<"$out" |
	    head -n 1 | cut -d' ' -f3- |
	    jq -e '.sensor == "s1" and .src_ip == "127.0.0.1"'
	# The stream is the output's, replicated on all three nodes.
	grep -q 'stream HONEYSPY ready' "$RPC_DIR/master/log"
}

@test "a node killed while events flow: nothing lost, nothing twice" {
	before=$(rpc_sql "select count(*) from events")
	(
		for i in 1 2 3; do
			nc -d 127.0.0.1 "$RPC_TICK" >/dev/null
		done
	) &
	gen=$!
	# Kill a node once the new events have started to arrive.
	for i in $(seq 1 400); do
		n=$(rpc_sql "select count(*) from events")
		[ "$n" -gt $((before + 500)) ] && break
		sleep 0.02
	done
	nats_stop 1 KILL
	wait "$gen"
	rpc_wait_sql "select count(*) from events where eventid = 'honeyspy.test.tick'" 4000 60
	nats_wait_all
	out=$(nats_read)
	[ "$(awk '{ print $2 }' <<<"$out" | sort -u | wc -l)" -eq \
	    "$(wc -l <<<"$out")" ]
	[ "$(grep -c '"eventid":"honeyspy.test.tick"' <<<"$out")" -ge 4000 ]
	nats_start 1
}

@test "the whole cluster away: the output waits, then catches up" {
	down=$(grep -c '"eventid":"honeyspy.output.down".*"output":"js"' \
	    "$RPC_DIR/master/events.json" || true)
	up=$(grep -c '"eventid":"honeyspy.output.up".*"output":"js"' \
	    "$RPC_DIR/master/events.json" || true)
	for i in 1 2 3; do
		nats_stop "$i" TERM
	done
	# Events come while no server is there: the output says so.
	nc -d 127.0.0.1 "$RPC_TICK" >/dev/null
	rpc_wait_sql "select count(*) from events where eventid = 'honeyspy.test.tick'" 5000 30
	rpc_wait_grep "$RPC_DIR/master/events.json" \
	    '"eventid":"honeyspy.output.down".*"output":"js"' $((down + 1))
	leaders=$(nats_leaders)
	for i in 1 2 3; do
		nats_start "$i"
	done
	nats_wait_leader "$leaders"
	# Then the stream needs its own leader, and the output its next try:
	# each try that comes too early waits 5 s for acknowledgements and
	# up to 2.5 s more before the next.
	rpc_wait_grep "$RPC_DIR/master/events.json" \
	    '"eventid":"honeyspy.output.up".*"output":"js"' $((up + 1)) 60
	nats_wait_all
	out=$(nats_read)
	[ "$(awk '{ print $2 }' <<<"$out" | sort -u | wc -l)" -eq \
	    "$(wc -l <<<"$out")" ]
	c=$(rpc_sql "select cursor from outputs where name = 'js'")
	[ "$c" -ge "$(rpc_sql "select max(id) from events where eventid = 'honeyspy.test.tick'")" ]
}
