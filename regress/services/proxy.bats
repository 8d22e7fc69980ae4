#!/usr/bin/env bats
# The open proxy with curl, socat and nmap from the attacker's namespace,
# through the daemon's superserver, while tcpdump watches every interface
# of the sensor's namespace: the client must get believable answers, the
# events must say where it wanted to go, and the sensor must send nothing
# anywhere but back to the client.

load ../helpers
# shellcheck source-path=SCRIPTDIR
LAB_DIR="$BATS_TEST_DIRNAME/../lab"

setup_file() {
	hs_lab_setup_file hp
}

teardown_file() {
	hs_lab_teardown_file
}

setup() {
	[ -z "${LAB_SKIP:-}" ] || skip "$LAB_SKIP"
	. "$LAB_DIR/lab.sh"
	hs_require_root
	hs_setup_dir
	HS_WRAP="ip netns exec $LAB_SENSOR_NS"
	SENSOR=$LAB_SENSOR_IP
	TCPDUMP_PID=
	install -d -m 0755 "$HS_DIR/proxy"
	hs_write_config proxy
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 3128
    program: $BIN/services/proxy
    args: ["-T", "2"]
    directory: $HS_DIR/proxy
  - address: $SENSOR
    port: 8080
    program: $BIN/services/proxy
    args: ["-m", "error", "-H", "cache1.example.net", "-C", "443"]
    directory: $HS_DIR/proxy
EOF
	hs_start
}

teardown() {
	if [ -n "$TCPDUMP_PID" ]; then
		kill "$TCPDUMP_PID" 2>/dev/null || true
		wait "$TCPDUMP_PID" 2>/dev/null || true
	fi
	hs_teardown
}

attacker() {
	lab_exec attacker "$@"
}

events() {
	jq -s --arg e "$1" 'map(select(.eventid == $e))' "$HS_EVENTS"
}

# Capture everything on every interface of the sensor, from now on.
capture_start() {
	local i

	ip netns exec "$LAB_SENSOR_NS" tcpdump -i any -nn -U -Z root \
	    -w "$HS_DIR/cap.pcap" 2>"$HS_DIR/tcpdump.err" &
	TCPDUMP_PID=$!
	for i in $(seq 1 200); do
		grep -q 'listening on' "$HS_DIR/tcpdump.err" && return 0
		sleep 0.05
	done
	cat "$HS_DIR/tcpdump.err" >&2
	return 1
}

capture_stop() {
	kill -INT "$TCPDUMP_PID"
	wait "$TCPDUMP_PID" || true
	TCPDUMP_PID=
	cat "$HS_DIR/tcpdump.err"
}

@test "GET http:// and CONNECT through it: believable answers, events with target and headers, no packet out" {
	capture_start
	attacker curl -si -H 'X-Forwarded-For: 10.9.8.7' \
	    -x "http://$SENSOR:3128" http://198.51.100.77/ >"$HS_DIR/get"
	cat "$HS_DIR/get"
	grep -q '^HTTP/1.0 200 OK' "$HS_DIR/get"
	grep -q '^Via: 1.1 localhost.localdomain:3128 (squid/2.7.STABLE9)' "$HS_DIR/get"
	grep -q '^X-Cache: MISS from localhost.localdomain' "$HS_DIR/get"
	grep -q '<html><body><h1>It works!</h1>' "$HS_DIR/get"
	run attacker curl -sv --max-time 20 -x "http://$SENSOR:3128" \
	    https://198.51.100.77/
	echo "$output"
	[ "$status" -ne 0 ]
	grep -q '< HTTP/1.0 200 Connection established' <<<"$output"
	run attacker curl -sv --max-time 20 -x "http://$SENSOR:3128" \
	    https://www.example.com/
	[ "$status" -ne 0 ]
	hs_wait_event honeyspy.session.closed 3
	capture_stop

	events honeyspy.proxy.request | jq -e --arg a "$LAB_ATTACKER_IP" '.[0] |
	    .method == "GET" and .url == "http://198.51.100.77/" and
	    .host == "198.51.100.77" and .port == 80 and .status == 200 and
	    .headers["X-Forwarded-For"] == "10.9.8.7" and
	    .headers["Proxy-Connection"] == "Keep-Alive" and
	    (.user_agent | startswith("curl/")) and .src_ip == $a and
	    .service == "proxy" and .dst_port == 3128'
	events honeyspy.proxy.request | jq -e '.[1] | .method == "CONNECT" and
	    .url == "198.51.100.77:443" and .host == "198.51.100.77" and
	    .port == 443 and .status == 200'
	events honeyspy.proxy.tunnel | jq -e '.[0] | .host == "198.51.100.77" and
	    .port == 443 and .mode == "tls" and .bytes > 100 and
	    .data_encoding == "base64" and (.sha256 | length) == 64'
	events honeyspy.proxy.tunnel | jq -e '.[1] | .sni == "www.example.com"'

	# Nothing but the client's own connections to the proxy, ARP between
	# the two hosts, and the kernel's IPv6 housekeeping on the links the
	# daemon brings up (ICMPv6, or MLD behind its hop-by-hop header, to
	# link-scope multicast): no SYN, no DNS, no ARP for the target.
	tcpdump -nn -r "$HS_DIR/cap.pcap" >"$HS_DIR/all" 2>/dev/null
	grep -q "$LAB_ATTACKER_IP.* > $SENSOR.3128: Flags \[S\]" "$HS_DIR/all"
	tcpdump -nn -r "$HS_DIR/cap.pcap" "not (tcp and host $LAB_ATTACKER_IP and
	    port 3128) and not (arp and host $LAB_ATTACKER_IP and host $SENSOR)
	    and not ((icmp6 or ip6 proto 0) and dst net ff02::/16)" \
	    >"$HS_DIR/other" 2>/dev/null
	cat "$HS_DIR/other"
	[ ! -s "$HS_DIR/other" ]
	run grep -Eq '198\.51\.100\.77|example\.com' "$HS_DIR/all"
	[ "$status" -eq 1 ]
}

@test "nmap -sV names Squid http proxy 2.7.STABLE9" {
	attacker nmap -sV -Pn -p 3128 "$SENSOR" >"$HS_DIR/nmap"
	cat "$HS_DIR/nmap"
	grep -Eq '^3128/tcp +open +http-proxy +Squid http proxy 2\.7\.STABLE9' "$HS_DIR/nmap"
}

@test "Squid's error pages: a path is no URL, a failing fetch, a CONNECT port not allowed" {
	attacker curl -si "http://$SENSOR:3128/" >"$HS_DIR/invalid"
	cat "$HS_DIR/invalid"
	grep -q '^HTTP/1.0 400 Bad Request' "$HS_DIR/invalid"
	grep -q '^Server: squid/2.7.STABLE9' "$HS_DIR/invalid"
	grep -q '^X-Squid-Error: ERR_INVALID_URL 0' "$HS_DIR/invalid"
	grep -q '<TITLE>ERROR: The requested URL could not be retrieved</TITLE>' "$HS_DIR/invalid"
	attacker curl -si -x "http://$SENSOR:8080" http://192.0.2.1/x >"$HS_DIR/fail"
	cat "$HS_DIR/fail"
	grep -q '^HTTP/1.0 503 Service Unavailable' "$HS_DIR/fail"
	grep -q '^X-Squid-Error: ERR_CONNECT_FAIL 111' "$HS_DIR/fail"
	grep -q 'Connection to 192.0.2.1 Failed' "$HS_DIR/fail"
	grep -q 'by cache1.example.net (squid/2.7.STABLE9)' "$HS_DIR/fail"
	printf 'CONNECT 192.0.2.1:25 HTTP/1.0\r\n\r\n' |
	    attacker socat -t 5 - "TCP:$SENSOR:8080" >"$HS_DIR/denied"
	grep -q '^HTTP/1.0 403 Forbidden' "$HS_DIR/denied"
	grep -q '^X-Squid-Error: ERR_ACCESS_DENIED 0' "$HS_DIR/denied"
	hs_wait_event honeyspy.proxy.request 3
	events honeyspy.proxy.request | jq -e 'map(.status) | sort == [400, 403, 503]'
}

@test "CONNECT to a mail port finds an SMTP server that takes the spam; the envelope is in the event" {
	printf 'CONNECT mx.example.org:25 HTTP/1.0\r\n\r\nEHLO bot\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nSubject: offer\r\n\r\nbuy now\r\n.\r\nQUIT\r\n' |
	    attacker socat -t 5 - "TCP:$SENSOR:3128" >"$HS_DIR/smtp"
	cat "$HS_DIR/smtp"
	grep -q '^HTTP/1.0 200 Connection established' "$HS_DIR/smtp"
	grep -q '^220 mx.example.org ESMTP Postfix' "$HS_DIR/smtp"
	grep -q '^250 2.0.0 Ok: queued as [0-9A-F]*' "$HS_DIR/smtp"
	grep -q '^221 2.0.0 Bye' "$HS_DIR/smtp"
	hs_wait_event honeyspy.proxy.tunnel
	events honeyspy.proxy.tunnel | jq -e '.[0] | .mode == "smtp" and
	    .port == 25 and .messages == 1 and .mail_from == "<a@example.net>" and
	    .rcpt_to == "<b@example.org>" and (.data | contains("buy now"))'
}

@test "malformed and binary requests get Squid's invalid-request page and the proxy goes on" {
	printf '\026\003\001\002\000\001\374' |
	    attacker socat -t 5 - "TCP:$SENSOR:3128" >"$HS_DIR/bin"
	cat "$HS_DIR/bin"
	grep -q '^HTTP/1.0 400 Bad Request' "$HS_DIR/bin"
	grep -q '^X-Squid-Error: ERR_INVALID_REQ 0' "$HS_DIR/bin"
	{ printf 'GET http://x/ HTTP/1.1\r\n'; for i in $(seq 1 200); do printf 'X-%d: y\r\n' "$i"; done; printf '\r\n'; } |
	    attacker socat -t 5 - "TCP:$SENSOR:3128" | grep -q '^HTTP/1.0 413'
	attacker curl -s -x "http://$SENSOR:3128" http://198.51.100.77/ | grep -q 'It works!'
	hs_wait_event honeyspy.proxy.request 3
	events honeyspy.proxy.request | jq -e '.[0] | .status == 400 and
	    .error == "binary request line" and .request_encoding == "base64"'
}
