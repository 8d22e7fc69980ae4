#!/usr/bin/env bats
#
# Master and sensors: the mutual-TLS link, the call table, the admin
# console, revocation, and events that survive killed processes.  One
# master and one sensor run on loopback for the whole file; tests that
# kill them start them again.

load ../helpers
load common

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	getent passwd _honeyspy >/dev/null || return 0
	rpc_setup_net hs-rpc
	local c=$RPC_DIR/certs

	"$BIN/honeyspy-cert" -d "$c" sensor s2 >/dev/null
	printf 'wrong horse\n' >"$RPC_DIR/badpass"
	"$BIN/honeyspy-cert" -d "$c" -p "$RPC_DIR/pass" admin bob >/dev/null
	# A second network's CA, and its sensor: never ours.
	"$BIN/honeyspy-cert" -d "$RPC_DIR/other" -s 127.0.0.1 init >/dev/null
	"$BIN/honeyspy-cert" -d "$RPC_DIR/other" sensor s1 >/dev/null

	rpc_write_master
	rpc_start_net
}

teardown_file() {
	[ -n "${RPC_DIR:-}" ] || return 0
	local n

	for n in s1 s2 master; do
		rpc_kill "$n" TERM || true
	done
	rm -rf "$RPC_DIR"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	[ -n "${RPC_DIR:-}" ] || skip "needs the _honeyspy user"
}

@test "a sensor's events reach the master's store" {
	printf 'root\r\n' | nc -q 5 127.0.0.1 "$RPC_FINGER" >/dev/null
	rpc_wait_sql "select count(*) from events where sensor = 's1' and eventid = 'honeyspy.finger.request'" 1
	rpc_wait_sql "select count(*) from events where sensor = 's1' and eventid = 'honeyspy.session.closed'" 1
	run rpc_ctl -j getEvents sensor=s1 eventid=honeyspy.finger.request
	[ "$status" -eq 0 ]
	jq -e '.events | length == 1' <<<"$output"
	jq -e '.events[0].sensor == "s1" and .events[0].src_ip == "127.0.0.1"' \
	    <<<"$output"
	# The same on the master's own control socket, one event a line.
	run "$BIN/honeyspyctl" -s "$RPC_DIR/master/run/ctl.sock" getEvents \
	    sensor=s1 eventid='honeyspy.session.*' limit=1000
	[ "$status" -eq 0 ]
	jq -s -e 'map(.eventid) | index("honeyspy.session.closed") != null' \
	    <<<"$output"
}

@test "getSensors shows a linked sensor with its mode and event count" {
	run rpc_ctl -j getSensors
	[ "$status" -eq 0 ]
	jq -e '.[] | select(.name == "s1") | .online and .mode == "root" and
	    .events > 0 and (.address | startswith("127.0.0.1:")) and
	    .features.superserver == true' <<<"$output"
	run "$BIN/honeyspyctl" -s "$RPC_DIR/master/run/ctl.sock" getSensors
	[ "$status" -eq 0 ]
	grep -E '^s1 +online +127\.0\.0\.1:[0-9]+ +root ' <<<"$output"
}

@test "runOnNode reaches the sensor, and both sides log the call" {
	run rpc_ctl getName
	[ "$status" -eq 0 ]
	[ "$output" = master ]
	run rpc_ctl runOnNode s1 getName
	[ "$status" -eq 0 ]
	[ "$output" = s1 ]
	run rpc_ctl -j runOnNode s1 getServices
	[ "$status" -eq 0 ]
	jq -e --argjson p "$RPC_FINGER" \
	    '.[] | select(.port == $p) | .name == "finger" and
	    .state == "listening"' <<<"$output"
	rpc_wait_log s1 '"eventid":"honeyspy.rpc.call".*"call":"getServices"'
	jq -s -e 'map(select(.eventid == "honeyspy.rpc.call" and
	    .call == "getServices")) | last | .caller == "master/alice" and
	    .role == "master" and .ok == true' "$RPC_DIR/s1/events.json"
	rpc_wait_log master '"eventid":"honeyspy.rpc.call".*"target":"s1"'
	jq -s -e 'map(select(.eventid == "honeyspy.rpc.call" and
	    .target == "s1" and .call == "getServices")) | last |
	    .caller == "alice" and .role == "admin" and .ok == true' \
	    "$RPC_DIR/master/events.json"
}

@test "setConfig checks, keeps and pushes a sensor's configuration" {
	local port port2 conf

	port=$(rpc_free_port)
	# s1's own, with one more service.
	conf=$(sed '/^capture:/,$d' "$RPC_DIR/s1/conf.yaml"
	    printf '%s\n' "  - address: 127.0.0.1" "    port: $port" \
	    "    program: $BIN/services/finger"
	    sed -n '/^capture:/,$p' "$RPC_DIR/s1/conf.yaml")
	# The parser's own errors come back, every one.
	run rpc_ctl setConfig s1 "$(printf '%s\nbogus: 1\nlog:\n  frobs: 2\n' "$conf")"
	[ "$status" -eq 1 ]
	[[ "$output" == *"setConfig(s1):"*": bogus: unknown key"* ]]
	[[ "$output" == *": log: duplicate key"* ]]
	run rpc_ctl setConfig s1 "$(printf '%s\n' "$conf" | sed 's/name: s1/name: s9/')"
	[ "$status" -eq 1 ]
	[[ "$output" == *"node.name is s9, not s1"* ]]
	# A good one is kept on the master and applied on the sensor.
	run rpc_ctl -j setConfig s1 "$conf"
	echo "$output"
	[ "$status" -eq 0 ]
	jq -e '.applied == true' <<<"$output"
	run rpc_ctl -j runOnNode s1 getServices
	jq -e --argjson p "$port" '.[] | select(.port == $p) | .state ==
	    "listening"' <<<"$output"
	[ -f "$RPC_DIR/s1/spool/pushed.yaml" ]
	run rpc_ctl getConfig s1
	[ "$output" = "$conf" ]
	run rpc_ctl runOnNode s1 getConfig
	[ "$output" = "$conf" ]
	# The sensor starts again with what it was sent.
	rpc_kill s1 TERM
	rpc_start s1
	grep 'running the configuration the master pushed' "$RPC_DIR/s1/log"
	rpc_wait_online s1
	printf 'root\r\n' | nc -q 5 127.0.0.1 "$port" | grep -q Login
	# Set while it is away, it gets it when it links again.
	rpc_kill s1 TERM
	port2=$(rpc_free_port)
	run rpc_ctl -j setConfig s1 "${conf//port: $port/port: $port2}"
	jq -e '.stored == true and .applied == false' <<<"$output"
	rpc_start s1
	rpc_wait_grep "$RPC_DIR/s1/log" 'service finger listening on 127.0.0.1 tcp port '"$port2"
	[ "$(rpc_ctl runOnNode s1 getConfig)" = "${conf//port: $port/port: $port2}" ]
}

@test "a sensor restarted while its master pushes it a configuration runs on" {
	local i port conf

	# The push meets the sensor's own start: services still binding are
	# replaced while the binder answers for them.
	for i in 1 2 3 4 5 6 7 8; do
		port=$(rpc_free_port)
		conf=$(sed '/^capture:/,$d' "$RPC_DIR/s1/conf.yaml"
		    printf '%s\n' "  - address: 127.0.0.1" "    port: $port" \
		    "    program: $BIN/services/finger"
		    sed -n '/^capture:/,$p' "$RPC_DIR/s1/conf.yaml")
		rpc_kill s1 TERM
		run rpc_ctl -j setConfig s1 "$conf"
		echo "$output"
		jq -e '.stored == true and .applied == false' <<<"$output"
		rpc_start s1
		rpc_wait_grep "$RPC_DIR/s1/log" \
		    "service finger listening on 127.0.0.1 tcp port $port"
		hs_alive "$(cat "$RPC_DIR/s1/pid")" || {
			tail -20 "$RPC_DIR/s1/log"
			false
		}
	done
	rpc_wait_online s1
	! grep -q 'bad IMSG' "$RPC_DIR/s1/log" || false
}

@test "calls are checked against the table: name, role and arguments" {
	run rpc_ctl frobnicate
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown call frobnicate"* ]]
	run rpc_ctl runOnNode s1 delFilter seven
	[ "$status" -eq 1 ]
	[[ "$output" == *"delFilter: argument 1: not a number"* ]]
	run rpc_ctl runOnNode s1 addService 127.0.0.1 tcp 99999 /bin/true
	[ "$status" -eq 1 ]
	[[ "$output" == *"argument 3"* ]]
	run rpc_ctl runOnNode nosuch getName
	[ "$status" -eq 1 ]
	[[ "$output" == *"sensor nosuch is not connected"* ]]
	run rpc_ctl runOnNode s1 getSensors
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown sensor call getSensors"* ]]
	# A sensor's certificate is not an admin's.
	run /usr/bin/python3 "$BATS_TEST_DIRNAME/peer.py" 127.0.0.1 \
	    "$RPC_PORT" "$RPC_DIR/certs/ca.crt" \
	    "$RPC_DIR/certs/sensors/s2.crt" "$RPC_DIR/certs/sensors/s2.key" - \
	    call getEvents
	[ "$status" -eq 0 ]
	jq -e '.ok == false and (.error | contains("not allowed for the sensor role"))' <<<"$output"
	# Nor may an admin say hello as a sensor.
	run /usr/bin/python3 "$BATS_TEST_DIRNAME/peer.py" 127.0.0.1 \
	    "$RPC_PORT" "$RPC_DIR/certs/ca.crt" \
	    "$RPC_DIR/certs/admins/alice.crt" \
	    "$RPC_DIR/certs/admins/alice.key" "$RPC_DIR/pass" call heartbeat
	jq -e '.ok == false and (.error | contains("not allowed for the admin role"))' <<<"$output"
}

# rpc_rejected_count: how many honeyspy.rpc.rejected the master logged.
rpc_rejected_count() {
	grep -c '"eventid":"honeyspy.rpc.rejected"' \
	    "$RPC_DIR/master/events.json" || true
}

# rpc_expect_rejected BEFORE REASON: exactly one more, for that reason.
rpc_expect_rejected() {
	local i

	for i in $(seq 1 200); do
		[ "$(rpc_rejected_count)" -gt "$1" ] && break
		sleep 0.05
	done
	[ "$(rpc_rejected_count)" -eq $(($1 + 1)) ]
	jq -s -e --arg r "$2" 'map(select(.eventid ==
	    "honeyspy.rpc.rejected")) | last | .reason | contains($r)' \
	    "$RPC_DIR/master/events.json"
}

# rpc_sign_expired CSR CRT: our CA signs a certificate that ran out in 2020.
rpc_sign_expired() {
	local d=$RPC_DIR/oldca

	install -d -m 0700 "$d"
	: >"$d/index.txt"
	echo 01 >"$d/serial"
	cat >"$d/ca.cnf" <<EOC
[ca]
default_ca = old
[old]
database = $d/index.txt
new_certs_dir = $d
serial = $d/serial
default_md = sha256
policy = any
[any]
organizationName = optional
organizationalUnitName = optional
commonName = supplied
EOC
	openssl ca -batch -config "$d/ca.cnf" -cert "$RPC_DIR/certs/ca.crt" \
	    -keyfile "$RPC_DIR/certs/ca.key" -in "$1" -out "$2" -notext \
	    -preserveDN -startdate 20200101000000Z -enddate 20200102000000Z \
	    2>/dev/null
}

@test "peers without a good certificate never get a session" {
	local c=$RPC_DIR/certs n

	n=$(rpc_rejected_count)
	openssl s_client -connect "127.0.0.1:$RPC_PORT" -tls1_3 \
	    -CAfile "$c/ca.crt" </dev/null >/dev/null 2>&1 || true
	rpc_expect_rejected "$n" "no certificate"

	n=$(rpc_rejected_count)
	openssl s_client -connect "127.0.0.1:$RPC_PORT" -tls1_2 \
	    -cert "$c/sensors/s2.crt" -key "$c/sensors/s2.key" \
	    </dev/null >/dev/null 2>&1 || true
	rpc_expect_rejected "$n" "unsupported protocol"

	n=$(rpc_rejected_count)
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$RPC_DIR/self.key" -out "$RPC_DIR/self.crt" -days 2 \
	    -subj "/O=HoneySpy/OU=sensor/CN=s9" 2>/dev/null
	openssl s_client -connect "127.0.0.1:$RPC_PORT" -cert "$RPC_DIR/self.crt" \
	    -key "$RPC_DIR/self.key" </dev/null >/dev/null 2>&1 || true
	rpc_expect_rejected "$n" "self-signed certificate"

	n=$(rpc_rejected_count)
	openssl s_client -connect "127.0.0.1:$RPC_PORT" \
	    -cert "$RPC_DIR/other/sensors/s1.crt" \
	    -key "$RPC_DIR/other/sensors/s1.key" </dev/null >/dev/null 2>&1 ||
	    true
	rpc_expect_rejected "$n" "unable to get local issuer certificate"

	# Signed by our CA, but its time is over.
	n=$(rpc_rejected_count)
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$RPC_DIR/old.key" -out "$RPC_DIR/old.csr" \
	    -subj "/O=HoneySpy/OU=sensor/CN=old" 2>/dev/null
	rpc_sign_expired "$RPC_DIR/old.csr" "$RPC_DIR/old.crt"
	openssl s_client -connect "127.0.0.1:$RPC_PORT" -cert "$RPC_DIR/old.crt" \
	    -key "$RPC_DIR/old.key" </dev/null >/dev/null 2>&1 || true
	rpc_expect_rejected "$n" "certificate has expired"

	# Ours, but a master's: only sensors and admins connect to a master.
	n=$(rpc_rejected_count)
	openssl s_client -connect "127.0.0.1:$RPC_PORT" -cert "$c/master.crt" \
	    -key "$c/master.key" </dev/null >/dev/null 2>&1 || true
	rpc_expect_rejected "$n" "wrong role"
}

@test "a sensor refuses a master that is not its own" {
	# The master of another network, with its own CA.
	local port

	port=$(rpc_free_port)
	sed -e "s#$RPC_DIR/certs#$RPC_DIR/other#" -e "s/port: $RPC_PORT/port: $port/" \
	    -e "s#$RPC_DIR/master/#$RPC_DIR/othermaster/#g" \
	    "$RPC_DIR/master/conf.yaml" >"$RPC_DIR/othermaster.yaml"
	install -d -m 0755 "$RPC_DIR/othermaster" "$RPC_DIR/othermaster/jail"
	cp "$RPC_DIR/othermaster.yaml" "$RPC_DIR/othermaster/conf.yaml"
	rpc_start othermaster
	rpc_write_sensor s2
	sed -i "s/port: $RPC_PORT/port: $port/" "$RPC_DIR/s2/conf.yaml"
	rpc_start s2
	rpc_wait_grep "$RPC_DIR/s2/log" \
	    'self-signed certificate in certificate chain|unable to get local issuer certificate' ||
	    true
	rpc_kill s2 TERM
	rpc_kill othermaster TERM
	# Its chain ends in a CA that is not ours: the sensor says so, as an
	# event too.
	grep -E 'rejected master 127.0.0.1 port '"$port"': (self-signed certificate in certificate chain|unable to get local issuer certificate)' \
	    "$RPC_DIR/s2/log"
	jq -s -e --argjson p "$port" 'map(select(.eventid ==
	    "honeyspy.rpc.rejected" and .src_port == $p)) | length >= 1' \
	    "$RPC_DIR/s2/events.json"
	! grep -q 'linked to the master' "$RPC_DIR/s2/log" || false
	# That master saw why: our sensor did not know its CA.
	grep 'rejected 127.0.0.1 port [0-9]*: tlsv1 alert unknown ca' \
	    "$RPC_DIR/othermaster/log"
	# Our own master, once its certificate is on the sensor's list.
	cp -a "$RPC_DIR/certs" "$RPC_DIR/revoked"
	"$BIN/honeyspy-cert" -d "$RPC_DIR/revoked" revoke master
	rpc_write_sensor s2
	sed -i "s#^  reconnect: 2#  reconnect: 2\n  crl: $RPC_DIR/revoked/crl.pem#" \
	    "$RPC_DIR/s2/conf.yaml"
	: >"$RPC_DIR/s2/log"
	rpc_start s2
	rpc_wait_grep "$RPC_DIR/s2/log" \
	    "rejected master 127.0.0.1 port $RPC_PORT: certificate revoked"
	rpc_kill s2 TERM
	! grep -q 'linked to the master' "$RPC_DIR/s2/log" || false
}

@test "revoking a sensor ends its link and keeps it out" {
	rpc_write_sensor s2
	rm -rf "$RPC_DIR/s2/spool"
	: >"$RPC_DIR/s2/log"
	rpc_start s2
	rpc_wait_online s2
	"$BIN/honeyspy-cert" -d "$RPC_DIR/certs" revoke s2
	# The master sees the new list within seconds and closes the link;
	# each attempt to come back is refused.
	rpc_wait_grep "$RPC_DIR/master/log" \
	    'rejected s2 from 127.0.0.1 .*certificate revoked'
	rpc_wait_grep "$RPC_DIR/master/log" \
	    'rejected 127.0.0.1 port [0-9]*: certificate revoked'
	run rpc_ctl -j getSensors
	jq -e '.[] | select(.name == "s2") | .online == false' <<<"$output"
	rpc_kill s2 TERM
}

@test "a malformed or oversized frame closes that link only" {
	local c=$RPC_DIR/certs left

	# s1 left before, when earlier tests restarted it: count from here.
	left=$(grep -c 'sensor s1 .* left' "$RPC_DIR/master/log" || true)
	run /usr/bin/python3 "$BATS_TEST_DIRNAME/peer.py" 127.0.0.1 \
	    "$RPC_PORT" "$c/ca.crt" "$c/admins/alice.crt" \
	    "$c/admins/alice.key" "$RPC_DIR/pass" badframes
	echo "$output"
	[ "$status" -eq 0 ]
	grep 'bad frame: frame of 2097152 bytes is over the limit' \
	    "$RPC_DIR/master/log"
	grep 'bad frame: not JSON' "$RPC_DIR/master/log"
	grep 'bad frame: frame is not a request, reply, event or ack' \
	    "$RPC_DIR/master/log"
	# Everyone else carries on: the sensor's link never dropped.
	[ "$(grep -c 'sensor s1 .* left' "$RPC_DIR/master/log")" -eq "$left" ]
	run rpc_ctl runOnNode s1 getName
	[ "$output" = s1 ]
}

@test "the console says why it cannot connect" {
	run "$BIN/honeyspyctl" -m "127.0.0.1:$RPC_PORT" \
	    -C "$RPC_DIR/certs/ca.crt" -c "$RPC_DIR/certs/admins/alice.crt" \
	    -k "$RPC_DIR/certs/admins/alice.key" -p "$RPC_DIR/badpass" getName
	[ "$status" -eq 1 ]
	[[ "$output" == *"wrong passphrase"* ]]
	ADMIN=bob rpc_ctl getName
	"$BIN/honeyspy-cert" -d "$RPC_DIR/certs" revoke bob
	# The master looks at the list every few seconds.
	for i in $(seq 1 300); do
		ADMIN=bob rpc_ctl getName >/dev/null 2>&1 || break
		sleep 0.05
	done
	ADMIN=bob run rpc_ctl getName
	[ "$status" -eq 1 ]
	[[ "$output" == *"refused our certificate"* ]]
	[[ "$output" == *"revoked"* ]]
	# The interactive console reads calls from a pipe too.
	run rpc_ctl <<<"$(printf 'getName\nrunOnNode s1 getName\nfrobnicate\n')"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == master ]]
	[[ "${lines[1]}" == s1 ]]
	[[ "$output" == *"unknown call frobnicate"* ]]
}

@test "sslscan finds nothing below TLS 1.3, no anonymous or NULL cipher" {
	command -v sslscan >/dev/null || skip "needs sslscan"
	run sslscan --no-colour --no-heartbleed "127.0.0.1:$RPC_PORT"
	echo "$output"
	grep -E '^TLSv1\.3 +enabled' <<<"$output"
	for p in SSLv2 SSLv3 TLSv1.0 TLSv1.1 TLSv1.2; do
		grep -E "^$p +disabled" <<<"$output"
	done
	! grep -E '^(Accepted|Preferred) .*(NULL|ADH|AECDH|anon)' <<<"$output" || false
	grep -E '^(Accepted|Preferred) +TLSv1\.3' <<<"$output"
	! grep -E '^(Accepted|Preferred) +(SSLv|TLSv1\.[012])' <<<"$output" || false
}

@test "100,000 events survive three master kills and a sensor kill" {
	local marks i t total=100000 sessions=100

	# Kill the master at three random points of the run.
	marks=$(( 5000 + RANDOM % 20000 ))
	marks="$marks $(( 35000 + RANDOM % 20000 )) $(( 65000 + RANDOM % 20000 ))"
	ticks() {
		grep -c '"eventid":"honeyspy.test.tick"' \
		    "$RPC_DIR/s1/events.json" || true
	}
	(
		for i in $(seq 1 $sessions); do
			# -d: hold the connection until the program ends.
			nc -d 127.0.0.1 "$RPC_TICK" >/dev/null
		done
	) 3>&- &
	local gen=$!
	for t in $marks; do
		while [ "$(ticks)" -lt "$t" ]; do
			hs_alive "$gen" || break
			sleep 0.05
		done
		rpc_kill master KILL
		rpc_start master
	done
	wait "$gen"
	# The last sessions' events may still be on their way to the log.
	for i in $(seq 1 600); do
		[ "$(ticks)" -ge "$total" ] && break
		sleep 0.05
	done
	[ "$(ticks)" -eq "$total" ] || {
		echo "sensor logged $(ticks) ticks" >&2
		grep -c session.closed "$RPC_DIR/s1/events.json" >&2
		grep session.closed "$RPC_DIR/s1/events.json" | grep -v '"events_dropped"' | tail -2 >&2
		grep events_dropped "$RPC_DIR/s1/events.json" | tail -2 >&2
		false
	}
	# And the sensor itself, while the master may still be catching up.
	rpc_kill s1 KILL
	rpc_start s1
	rpc_wait_sql "select count(*) from events where sensor = 's1' and eventid = 'honeyspy.test.tick'" "$total" 180
	run rpc_sql "select count(distinct json_extract(event, '\$.session') || '/' || json_extract(event, '\$.n')), count(distinct seq) from events where sensor = 's1' and eventid = 'honeyspy.test.tick'"
	[ "$output" = "$total|$total" ]
	# Nothing the sensor logged is missing from the store.
	run rpc_sql "select count(*) from events where sensor = 's1'"
	[ "$output" -ge "$(wc -l <"$RPC_DIR/s1/events.json")" ]
}

@test "kill through runOnNode stops the sensor" {
	local pid

	pid=$(cat "$RPC_DIR/s1/pid")
	run rpc_ctl runOnNode s1 kill
	[ "$status" -eq 0 ]
	hs_wait_exit "$pid" 10000
	grep 'stop requested by the rpc child' "$RPC_DIR/s1/log"
	rm -f "$RPC_DIR/s1/pid"
	for i in $(seq 1 200); do
		rpc_ctl -j getSensors | jq -e '.[] | select(.name == "s1") |
		    .online == false' >/dev/null && break
		sleep 0.05
	done
	rpc_ctl -j getSensors | jq -e '.[] | select(.name == "s1") |
	    .online == false'
}
