#!/usr/bin/env bats
# A standalone sensor (no master) with outputs: its events go to a store
# of its own, which the outputs read as a master's do.  A sensor with a
# master may not have outputs: the master forwards its events.

load ../helpers

setup() {
	hs_require_root
	hs_setup_dir
	install -d -m 0750 -o _honeyspy -g _honeyspy "$HS_DIR/out"
	hs_write_config standalone1
	hs_add_config <<EOF
  database: $HS_DIR/db/events.db
services:
  - address: 127.0.0.1
    port: 7301
    program: $BIN/services/finger
outputs:
  - type: file
    path: $HS_DIR/out/ecs.json
EOF
}

teardown() {
	hs_teardown
}

@test "a standalone sensor's events reach its file output from its own store" {
	hs_start
	printf 'root\r\n' | nc -q 5 127.0.0.1 7301 >/dev/null
	for i in $(seq 1 200); do
		grep -q '"action":"session.closed"' "$HS_DIR/out/ecs.json" \
		    2>/dev/null && break
		sleep 0.05
	done
	jq -e -s 'map(select(.event.action == "session.connect")) |
	    length == 1 and .[0].observer.name == "standalone1" and
	    .[0].destination.port == 7301 and
	    (.[0].event.id | startswith("standalone1:"))' "$HS_DIR/out/ecs.json"
	jq -e -s 'map(select(.event.action == "session.closed")) | length == 1' \
	    "$HS_DIR/out/ecs.json"
	# The store is the sensor's, and the cursor in it is at the end.
	for i in $(seq 1 200); do
		v=$(runuser -u _honeyspy -- sqlite3 "$HS_DIR/db/events.db" \
		    "select (select max(id) from events) = cursor from outputs where name = 'file'")
		[ "$v" = 1 ] && break
		sleep 0.05
	done
	[ "$v" = 1 ]
	# Its status shows the output's process, and no master's.
	run "$BIN/honeyspyctl" -s "$HS_SOCK" status
	echo "$output" | grep -qE '^out-file +[0-9]+ '
	echo "$output" | grep -qE '^web +off +web console: master mode only'
}

@test "a sensor with a master may not have outputs" {
	hs_add_config <<EOF
master:
  address: 127.0.0.1
  ca: /etc/honeyspy/ca.crt
  cert: /etc/honeyspy/s.crt
  key: /etc/honeyspy/s.key
EOF
	run "$BIN/honeyspyd" -n -f "$HS_CONF"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"outputs: only on a master or a sensor without one"* ]]
}
