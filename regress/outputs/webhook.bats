#!/usr/bin/env bats
#
# Webhook outputs: the alerts a master posts over HTTPS, to a receiver
# of our own on loopback (hookd.py): which events alert, dedup, the
# ignore list, the rate limit and its summary, the Slack format, a
# receiver that is away or failing, and one whose certificate we do not
# trust.  Events come from the sensor's ticker service and, crafted, from
# peer.py posing as the sensor.

load ../helpers
load ../rpc/common

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	getent passwd _honeyspy >/dev/null || return 0
	rpc_setup_net hs-hook
	HOOK_PORT=$(rpc_free_port)
	HOOK_BAD=$(rpc_free_port)
	export HOOK_PORT HOOK_BAD
	local c=$RPC_DIR/certs

	# Another network's CA: its certificate for 127.0.0.1 is no good.
	"$BIN/honeyspy-cert" -d "$RPC_DIR/other" -s 127.0.0.1 init >/dev/null

	install -d -m 0700 "$RPC_DIR/hook" "$RPC_DIR/bad"
	hook_start hook "$HOOK_PORT" "$c"
	hook_start bad "$HOOK_BAD" "$RPC_DIR/other"

	rpc_write_master
	cat >>"$RPC_DIR/master/conf.yaml" <<EOC
outputs:
  - type: webhook
    name: hook
    url: https://127.0.0.1:$HOOK_PORT/json
    ca: $c/ca.crt
    ignore: [192.0.2.0/24, "2001:db8::/32"]
    retry: 1
  - type: webhook
    name: slack
    url: https://127.0.0.1:$HOOK_PORT/slack
    ca: $c/ca.crt
    format: slack
    ignore: [192.0.2.0/24, "2001:db8::/32"]
    retry: 1
  - type: webhook
    name: rated
    url: https://127.0.0.1:$HOOK_PORT/rated
    ca: $c/ca.crt
    events: [honeyspy.test.rate]
    detections: false
    rate: 2
    window: 3
    retry: 1
  - type: webhook
    name: badca
    url: https://127.0.0.1:$HOOK_BAD/x
    ca: $c/ca.crt
    retry: 1
EOC
	rpc_start_net
}

teardown_file() {
	[ -n "${RPC_DIR:-}" ] || return 0
	local n

	for n in s1 master; do
		rpc_kill "$n" TERM || true
	done
	hook_stop hook
	hook_stop bad
	[ -n "${HOOK_KEEP:-}" ] || rm -rf "$RPC_DIR"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	[ -n "${RPC_DIR:-}" ] || skip "needs the _honeyspy user"
}

# hook_start NAME PORT CERTDIR: a receiver with that CA's master cert.
hook_start() {
	local d=$RPC_DIR/$1 i

	rm -f "$d/ready"
	/usr/bin/python3 "$HS_TOP/regress/outputs/hookd.py" "$2" \
	    "$3/master.crt" "$3/master.key" "$d" >>"$d/log" 2>&1 &
	echo $! >"$d/pid"
	disown $!
	for i in $(seq 1 200); do
		[ -f "$d/ready" ] && return 0
		sleep 0.05
	done
	echo "hookd $1 did not start" >&2
	return 1
}

hook_stop() {
	local d=$RPC_DIR/$1 pid

	[ -f "$d/pid" ] || return 0
	pid=$(cat "$d/pid")
	kill -TERM "$pid" 2>/dev/null || true
	hs_wait_exit "$pid" 10000 || true
	rm -f "$d/pid"
}

# What the receiver took at a path, one JSON body a line.
hook_got() {
	cat "$RPC_DIR/hook/$1.jsonl" 2>/dev/null || true
}

# hook_inject JSON...: events from "s1", through a link of their own.
HOOK_EPOCH=0
hook_inject() {
	HOOK_EPOCH=$((HOOK_EPOCH + 1))
	run env PEER_EPOCH="$(printf 'beef%04x%04x' $$ "$HOOK_EPOCH")" \
	    /usr/bin/python3 "$HS_TOP/regress/rpc/peer.py" 127.0.0.1 \
	    "$RPC_PORT" "$RPC_DIR/certs/ca.crt" \
	    "$RPC_DIR/certs/sensors/s1.crt" "$RPC_DIR/certs/sensors/s1.key" \
	    - event "$@"
	echo "$output"
	[ "$status" -eq 0 ]
}

# hook_event EVENTID SRC [EXTRA]: a crafted event's JSON.
hook_event() {
	printf '{"timestamp":"2026-11-27T00:00:00.000000Z","eventid":"%s","sensor":"s1","src_ip":"%s","src_port":4242,"dst_ip":"127.0.0.1","dst_port":22,"protocol":"tcp","service":"ssh"%s}' \
	    "$1" "$2" "${3:-}"
}

# hook_judged OUTPUT: wait until an output judged every stored event up
# to the last of the crafted or ticker ones, so that what it posts is
# all there is.
hook_judged() {
	local last i c

	last=$(rpc_sql "select max(id) from events where eventid not like 'honeyspy.output.%'")
	for i in $(seq 1 400); do
		c=$(rpc_sql "select cursor from outputs where name = '$1'")
		[ "${c:-0}" -ge "$last" ] && return 0
		sleep 0.05
	done
	echo "output $1 at ${c:-none}, not $last" >&2
	tail -5 "$RPC_DIR/master/log" >&2
	return 1
}

# hook_wait PATH N [JQ]: until the receiver has N bodies at PATH
# (matching the jq filter, if given).
hook_wait() {
	local i n

	for i in $(seq 1 400); do
		n=$(hook_got "$1" | jq -c "select(${3:-true})" | wc -l)
		[ "$n" -ge "$2" ] && return 0
		sleep 0.05
	done
	echo "$1: $n bodies, want $2" >&2
	hook_got "$1" >&2
	return 1
}

@test "a tick session alerts nobody, and is delivered all the same" {
	nc -d 127.0.0.1 "$RPC_TICK" >/dev/null
	rpc_wait_sql "select count(*) from events where eventid = 'honeyspy.test.tick'" 1000 30
	hook_judged hook
	hook_judged slack
	hook_judged rated
	[ -z "$(hook_got json)" ]
	[ -z "$(hook_got slack)" ]
	[ -z "$(hook_got rated)" ]
	# From here on peer.py speaks for s1; the sensor itself would take
	# its link back.
	rpc_kill s1 TERM
}

@test "a detection posts exactly one alert, with the event" {
	hook_inject "$(hook_event honeyspy.detect.shellcode 198.51.100.7 \
	    ',"confidence":90,"description":"x86 decoder loop"')"
	hook_judged hook
	hook_wait json 1
	[ "$(hook_got json | wc -l)" -eq 1 ]
	id=$(rpc_sql "select id from events where eventid = 'honeyspy.detect.shellcode' and src_ip = '198.51.100.7'")
	hook_got json | jq -e --arg id "master:$id" '
	    .id == $id and
	    .event.eventid == "honeyspy.detect.shellcode" and
	    .event.src_ip == "198.51.100.7" and .event.sensor == "s1" and
	    .event.confidence == 90 and
	    (.text | startswith("HoneySpy honeyspy.detect.shellcode on s1: from 198.51.100.7")) and
	    (.text | contains("service ssh"))'
}

@test "slack format: one line of text, nothing else" {
	hook_judged slack
	hook_wait slack 1
	[ "$(hook_got slack | wc -l)" -eq 1 ]
	hook_got slack | jq -e 'keys == ["text"] and
	    (.text | startswith("HoneySpy honeyspy.detect.shellcode on s1: from 198.51.100.7"))'
}

@test "detections alert on any event; login.success too; both by default" {
	hook_inject "$(hook_event honeyspy.session.closed 198.51.100.8 \
	    ',"detections":[{"kind":"overflow"},{"kind":"shellcode"},{"kind":"overflow"}]')" \
	    "$(hook_event honeyspy.login.success 198.51.100.9 ',"username":"root"')" \
	    "$(hook_event honeyspy.login.failed 198.51.100.9 ',"username":"root"')"
	hook_judged hook
	hook_wait json 3
	[ "$(hook_got json | wc -l)" -eq 3 ]
	hook_got json | jq -se '.[1].event.eventid == "honeyspy.session.closed" and
	    (.[1].text | endswith("detections overflow,shellcode")) and
	    .[2].event.eventid == "honeyspy.login.success" and
	    (.[2].text | contains("user root"))'
	# rated alerts on its own eventid only, detections: false.
	hook_judged rated
	[ -z "$(hook_got rated)" ]
}

@test "dedup: the same alert twice in the window posts once" {
	before=$(hook_got json | wc -l)
	hook_inject "$(hook_event honeyspy.detect.overflow 198.51.100.10)" \
	    "$(hook_event honeyspy.detect.overflow 198.51.100.10)"
	# Another source is another alert.
	hook_inject "$(hook_event honeyspy.detect.overflow 198.51.100.11)"
	[ "$(rpc_sql "select count(*) from events where eventid = 'honeyspy.detect.overflow'")" -eq 3 ]
	hook_judged hook
	hook_wait json $((before + 2))
	[ "$(hook_got json | wc -l)" -eq $((before + 2)) ]
	[ "$(hook_got json | jq -c 'select(.event.src_ip == "198.51.100.10")' |
	    wc -l)" -eq 1 ]
}

@test "ignore: sources in an ignored prefix never alert" {
	before=$(hook_got json | wc -l)
	hook_inject "$(hook_event honeyspy.detect.shellcode 192.0.2.55)" \
	    "$(hook_event honeyspy.detect.shellcode 2001:db8::7)" \
	    "$(hook_event honeyspy.detect.shellcode 192.0.3.1)"
	hook_judged hook
	hook_wait json $((before + 1))
	[ "$(hook_got json | wc -l)" -eq $((before + 1)) ]
	hook_got json | tail -n 1 | jq -e '.event.src_ip == "192.0.3.1"'
}

@test "rate: two alerts in the window, then a summary of the rest" {
	hook_inject "$(hook_event honeyspy.test.rate 198.51.100.21)" \
	    "$(hook_event honeyspy.test.rate 198.51.100.22)" \
	    "$(hook_event honeyspy.test.rate 198.51.100.23)" \
	    "$(hook_event honeyspy.test.rate 198.51.100.24)" \
	    "$(hook_event honeyspy.test.rate 198.51.100.25)"
	hook_judged rated
	hook_wait rated 2
	[ "$(hook_got rated | jq -c 'select(.event)' | wc -l)" -eq 2 ]
	hook_got rated | jq -se '.[0].event.src_ip == "198.51.100.21" and
	    .[1].event.src_ip == "198.51.100.22"'
	# Three held back; said once the window lets one more through.
	hook_wait rated 1 '.suppressed == 3'
	hook_got rated | jq -se '.[2].text | test("^HoneySpy: 3 alerts suppressed")'
	[ "$(hook_got rated | wc -l)" -eq 3 ]
}

@test "a receiver away, then failing: down, then every alert in order" {
	before=$(hook_got json | wc -l)
	hook_stop hook
	hook_inject "$(hook_event honeyspy.detect.shellcode 198.51.100.31)" \
	    "$(hook_event honeyspy.detect.shellcode 198.51.100.32)"
	rpc_wait_grep "$RPC_DIR/master/events.json" \
	    '"eventid":"honeyspy.output.down".*"output":"hook"'
	grep '"eventid":"honeyspy.output.down".*"output":"hook"' \
	    "$RPC_DIR/master/events.json" | tail -n 1 |
	    jq -e '.message | test("127.0.0.1.*/json: ")'
	# Back, but answering 500 for a while: still retried.
	echo 500 >"$RPC_DIR/hook/status"
	hook_start hook "$HOOK_PORT" "$RPC_DIR/certs"
	rpc_wait_grep "$RPC_DIR/hook/refused" '^500 /json' 2
	rm -f "$RPC_DIR/hook/status"
	hook_wait json $((before + 2))
	rpc_wait_grep "$RPC_DIR/master/events.json" \
	    '"eventid":"honeyspy.output.up".*"output":"hook"'
	hook_judged hook
	[ "$(hook_got json | wc -l)" -eq $((before + 2)) ]
	hook_got json | tail -n 2 | jq -se '.[0].event.src_ip == "198.51.100.31" and
	    .[1].event.src_ip == "198.51.100.32"'
}

@test "a receiver whose certificate we do not trust is down, TLS says why" {
	rpc_wait_grep "$RPC_DIR/master/events.json" \
	    '"eventid":"honeyspy.output.down".*"output":"badca"'
	grep '"eventid":"honeyspy.output.down".*"output":"badca"' \
	    "$RPC_DIR/master/events.json" | head -n 1 |
	    jq -e '.message | test("TLS: certificate verify failed")'
	[ ! -s "$RPC_DIR/bad/x.jsonl" ]
	# Nothing past its first alert was acknowledged.
	c=$(rpc_sql "select cursor from outputs where name = 'badca'")
	first=$(rpc_sql "select min(id) from events where eventid = 'honeyspy.detect.shellcode'")
	[ "$c" -lt "$first" ]
}
