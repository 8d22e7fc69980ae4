#!/usr/bin/env bats
#
# A master's outputs: every stored event leaves through each configured
# output, at least once, in the order stored, and an output that was down
# or a master that was killed catches up without loss.  Real peers: a
# private rsyslogd receiving RFC 5425 over TLS (and RFC 5426 over UDP),
# and ECS JSON lines checked with jq.  Everything runs on loopback.

load ../helpers
load ../rpc/common

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	getent passwd _honeyspy >/dev/null || return 0
	rpc_setup_net hs-out
	OUT_TLS=$(rpc_free_port)
	OUT_UDP=$(rpc_free_port)
	OUT_DNS=$(rpc_free_port)
	export OUT_TLS OUT_UDP OUT_DNS
	local c=$RPC_DIR/certs
	# A sensor that never runs, for the events a test sends itself: a
	# hello as s1 would race the real s1 when it links again, and the
	# master keeps the newer link of two with one name.
	"$BIN/honeyspy-cert" -d "$c" sensor e1 >/dev/null

	# The receiving end: rsyslog with TLS only, and UDP, each into a
	# file of its own, one message (structured data and text) a line.
	install -d -m 0700 "$RPC_DIR/rs"
	cat >"$RPC_DIR/rs/rsyslog.conf" <<EOF
global(workDirectory="$RPC_DIR/rs"
    defaultNetstreamDriverCAFile="$c/ca.crt"
    defaultNetstreamDriverCertFile="$c/master.crt"
    defaultNetstreamDriverKeyFile="$c/master.key")
module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1"
    streamDriver.authMode="x509/name" permittedPeer=["master"])
module(load="imudp")
template(name="full" type="string"
    string="%hostname% %app-name% %msgid% %structured-data% %msg%\n")
ruleset(name="tls") {
    action(type="omfile" file="$RPC_DIR/rs/tls.log" template="full")
}
ruleset(name="udp") {
    action(type="omfile" file="$RPC_DIR/rs/udp.log" template="full")
}
input(type="imtcp" address="127.0.0.1" port="$OUT_TLS" ruleset="tls")
input(type="imudp" address="127.0.0.1" port="$OUT_UDP" ruleset="udp")
*.* action(type="omfile" file="$RPC_DIR/rs/internal.log")
EOF
	/usr/sbin/rsyslogd -N1 -f "$RPC_DIR/rs/rsyslog.conf" >/dev/null 2>&1 ||
	    return 0
	out_rsyslog_start

	# A nameserver for reverse DNS: one name, for the public address the
	# enrichment test names; NXDOMAIN for every other.
	dnsmasq -C /dev/null -k --port="$OUT_DNS" --listen-address=127.0.0.1 \
	    --bind-interfaces --no-resolv --no-hosts --bogus-priv --address=/#/ \
	    --ptr-record=139.6.0.193.in-addr.arpa,k.ripe.example \
	    --pid-file="$RPC_DIR/dnsmasq.pid" >"$RPC_DIR/dnsmasq.log" 2>&1 &
	disown $!

	rpc_write_master
	cat >>"$RPC_DIR/master/conf.yaml" <<EOC
enrich:
  rdns: true
  resolver: 127.0.0.1:$OUT_DNS
outputs:
  - type: file
    name: ecs
    path: $RPC_DIR/master/out/ecs.json
    rotate_size: 200000
    rotate_keep: 100
  - type: syslog
    name: siem
    address: 127.0.0.1
    port: $OUT_TLS
    ca: $c/ca.crt
    cert: $c/master.crt
    key: $c/master.key
    retry: 2
  - type: syslog
    name: udp
    address: 127.0.0.1
    port: $OUT_UDP
    transport: udp
    facility: local3
EOC
	install -d -m 0750 -o _honeyspy -g _honeyspy "$RPC_DIR/master/out"
	rpc_start_net
}

teardown_file() {
	[ -n "${RPC_DIR:-}" ] || return 0
	local n

	for n in s1 master; do
		rpc_kill "$n" TERM || true
	done
	out_rsyslog_stop
	[ ! -f "$RPC_DIR/dnsmasq.pid" ] ||
	    kill "$(cat "$RPC_DIR/dnsmasq.pid")" 2>/dev/null || true
	[ -n "${OUT_KEEP:-}" ] || rm -rf "$RPC_DIR"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	[ -n "${RPC_DIR:-}" ] || skip "needs the _honeyspy user"
	[ -f "$RPC_DIR/rs/pid" ] || skip "rsyslog did not start"
}

out_rsyslog_start() {
	local i

	/usr/sbin/rsyslogd -f "$RPC_DIR/rs/rsyslog.conf" -i "$RPC_DIR/rs/pid"
	for i in $(seq 1 200); do
		ss -Hltn "sport = :$OUT_TLS" | grep -q . && return 0
		sleep 0.05
	done
	return 1
}

out_rsyslog_stop() {
	local pid

	[ -f "$RPC_DIR/rs/pid" ] || return 0
	pid=$(cat "$RPC_DIR/rs/pid")
	kill -TERM "$pid" 2>/dev/null || true
	hs_wait_exit "$pid" 10000 || true
	rm -f "$RPC_DIR/rs/pid"
}

# Ticks as each output has them, one "n" a line, duplicates kept.
out_ecs_ticks() {
	cat "$RPC_DIR"/master/out/ecs.json* 2>/dev/null |
	    jq -r 'select(.honeyspy.eventid == "honeyspy.test.tick") |
	    .honeyspy.n'
}

out_syslog_ticks() {
	grep -h ' honeyspy.test.tick ' "$RPC_DIR/rs/$1.log" 2>/dev/null |
	    sed -n 's/.*"n":\([0-9]*\).*/\1/p'
}

# out_wait_ticks FUNC [ARG] N: poll until FUNC lists every tick 0..N-1
# (each at least once), 30 s at most.
out_wait_ticks() {
	local f=$1 arg=$2 n=$3 i got

	for i in $(seq 1 600); do
		got=$($f "$arg" | sort -un | wc -l)
		[ "$got" -ge "$n" ] && return 0
		sleep 0.05
	done
	echo "$f $arg: $got distinct ticks, want $n" >&2
	tail -5 "$RPC_DIR/master/log" >&2
	return 1
}

# A session of the ticker service: 1000 events, n = 0..999.
out_ticks() {
	# -d: hold the connection until the program ends.
	nc -d 127.0.0.1 "$RPC_TICK" >/dev/null
}

@test "every stored event leaves through the file, TLS and UDP outputs" {
	before=$(rpc_sql "select count(*) from events where eventid = 'honeyspy.test.tick'")
	[ "$before" -eq 0 ]
	out_ticks
	rpc_wait_sql "select count(*) from events where eventid = 'honeyspy.test.tick'" 1000 30
	out_wait_ticks out_ecs_ticks "" 1000
	out_wait_ticks out_syslog_ticks tls 1000
	# UDP may drop datagrams when the receiver is busy: some arrive.
	out_wait_ticks out_syslog_ticks udp 1
	# Each once while nothing failed, and in the order stored: within
	# every file, and over the TLS link.
	[ "$(out_ecs_ticks | wc -l)" -eq 1000 ]
	[ "$(out_syslog_ticks tls | wc -l)" -eq 1000 ]
	for f in "$RPC_DIR"/master/out/ecs.json*; do
		jq -s -e 'map(.event.sequence) | . == sort' "$f" >/dev/null
	done
	out_syslog_ticks tls | sort -n -c
}

@test "file output: ECS fields, one event.id per stored event, rotation" {
	f=$RPC_DIR/master/out/ecs.json
	# rotate_size 200000: the 1000 ticks spread over several files.
	[ -f "$f.1" ]
	[ "$(cat "$f"* | jq -s 'map(.event.id) | unique | length')" -eq \
	    "$(cat "$f"* | wc -l)" ]
	line=$(cat "$f"* | jq -c 'select(.honeyspy.eventid ==
	    "honeyspy.session.connect" and .honeyspy.sensor == "s1")' |
	    head -n 1)
	[ -n "$line" ]
	jq -e '.["@timestamp"] == .honeyspy.timestamp and
	    .ecs.version != null and
	    (.event.id | test("^master:[0-9]+$")) and
	    .event.kind == "event" and .event.module == "honeyspy" and
	    .event.action == "session.connect" and
	    .event.dataset == "honeyspy.session" and
	    .observer.name == "s1" and .observer.type == "honeypot" and
	    .source.ip == "127.0.0.1" and (.source.port | type) == "number" and
	    .destination.ip == "127.0.0.1" and
	    .destination.port == ($tick | tonumber) and
	    .network.transport == "tcp" and
	    (.network.community_id | startswith("1:"))' \
	    --arg tick "$RPC_TICK" <<<"$line"
	# The file and its directory stay the daemon's.
	[ "$(stat -c %U "$f")" = _honeyspy ]
	[ "$(stat -c %a "$f")" = 640 ]
}

@test "syslog output: RFC 5424 header and structured data over TLS" {
	line=$(grep -m 1 ' honeyspy.session.connect ' "$RPC_DIR/rs/tls.log")
	echo "$line"
	[[ "$line" == "s1 honeyspy honeyspy.session.connect [honeyspy@32473 id=\"master:"* ]]
	[[ "$line" == *' sensor="s1"'* ]]
	[[ "$line" == *' src_ip="127.0.0.1"'* ]]
	[[ "$line" == *" dst_port=\"$RPC_TICK\""* ]]
	# The message is the event itself, as JSON.
	json=${line#*] }
	json=${json#$'\xef\xbb\xbf'}
	jq -e '.eventid == "honeyspy.session.connect" and .sensor == "s1"' \
	    <<<"$json"
	# UDP carries the configured facility: local3 is 19, notice 5.
	grep -q ' honeyspy.session.connect ' "$RPC_DIR/rs/udp.log"
}

@test "an output that was down catches up, and says it was down" {
	out_rsyslog_stop
	out_ticks
	rpc_wait_sql "select count(*) from events where eventid = 'honeyspy.test.tick'" 2000 30
	rpc_wait_grep "$RPC_DIR/master/events.json" \
	    '"eventid":"honeyspy.output.down".*"output":"siem"'
	out_wait_ticks out_ecs_ticks "" 1000
	out_rsyslog_start
	rpc_wait_grep "$RPC_DIR/master/events.json" \
	    '"eventid":"honeyspy.output.up".*"output":"siem"'
	# Both sessions of ticks, every one there at least twice.
	for i in $(seq 1 600); do
		[ "$(out_syslog_ticks tls | sort -n | uniq -c |
		    awk '$1 >= 2' | wc -l)" -eq 1000 ] && break
		sleep 0.05
	done
	[ "$(out_syslog_ticks tls | sort -n | uniq -c | awk '$1 >= 2' |
	    wc -l)" -eq 1000 ]
}

@test "a master killed with events not yet forwarded resumes at its cursor" {
	# The syslog peer is away, so its output falls behind; then the
	# master dies without a word and starts again.
	out_rsyslog_stop
	out_ticks
	rpc_wait_sql "select count(*) from events where eventid = 'honeyspy.test.tick'" 3000 30
	rpc_wait_grep "$RPC_DIR/master/events.json" \
	    '"eventid":"honeyspy.output.down".*"output":"siem"' 2
	behind=$(rpc_sql "select cursor from outputs where name = 'siem'")
	last=$(rpc_sql "select max(id) from events where eventid = 'honeyspy.test.tick'")
	[ "$behind" -lt "$last" ]
	rpc_kill master KILL
	rpc_start master
	out_rsyslog_start
	# Every tick of the third session reaches the peer.
	for i in $(seq 1 600); do
		n=$(out_syslog_ticks tls | sort -n | uniq -c | awk '$1 >= 3' |
		    wc -l)
		[ "$n" -eq 1000 ] && break
		sleep 0.05
	done
	[ "$n" -eq 1000 ]
	for i in $(seq 1 600); do
		c=$(rpc_sql "select cursor from outputs where name = 'siem'")
		[ "$c" -ge "$last" ] && break
		sleep 0.05
	done
	[ "$c" -ge "$last" ]
	# The file output had them all before the kill, and still has.
	[ "$(out_ecs_ticks | sort -n | uniq -c | awk '$1 >= 3' | wc -l)" -eq 1000 ]
}

@test "enrichment: country and AS from libloc, the name from reverse DNS" {
	command -v jq >/dev/null
	[ -f /var/lib/location/database.db ] || skip "no libloc database"
	# An event as a sensor would send it, naming a public address: no
	# packet goes anywhere, only the event's field names one.
	run /usr/bin/python3 "$HS_TOP/regress/rpc/peer.py" 127.0.0.1 \
	    "$RPC_PORT" "$RPC_DIR/certs/ca.crt" \
	    "$RPC_DIR/certs/sensors/e1.crt" "$RPC_DIR/certs/sensors/e1.key" \
	    - event '{"timestamp":"2026-11-27T00:00:00.000000Z","eventid":"honeyspy.session.connect","sensor":"e1","src_ip":"193.0.6.139","src_port":4242,"dst_ip":"127.0.0.1","dst_port":22,"protocol":"tcp","username":"\u001b[31mroot"}'
	echo "$output"
	[ "$status" -eq 0 ]
	for i in $(seq 1 400); do
		line=$(cat "$RPC_DIR"/master/out/ecs.json* |
		    jq -c 'select(.source.ip == "193.0.6.139")' | head -n 1)
		[ -n "$line" ] && break
		sleep 0.05
	done
	echo "$line"
	jq -e '.source.geo.country_iso_code == "NL" and
	    .source.as.number == 3333 and
	    (.source.as.organization.name | test("RIPE")) and
	    .source.domain == "k.ripe.example"' <<<"$line"
	grep -q 'src_ip="193.0.6.139".*src_country="NL" src_asn="3333" src_hostname="k.ripe.example"' \
	    "$RPC_DIR/rs/tls.log"
	# An attacker's control characters do not reach the syslog message.
	grep -q 'src_ip="193.0.6.139".* username="?\[31mroot"' \
	    "$RPC_DIR/rs/tls.log"
	# Addresses without a name get none.
	cat "$RPC_DIR"/master/out/ecs.json* | jq -e -s \
	    'map(select(.source.ip == "127.0.0.1" and .source.domain != null)) |
	    length == 0'
}
