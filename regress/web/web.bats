#!/usr/bin/env bats
#
# The master's web console end to end: a real master (web: on loopback,
# root: this tree's web/ui, a user whose hash honeyspyctl hash-password
# made) and a real sensor s1, its finger service attacked with socat from
# loopback, and Debian's Chromium driven headless by playwright-core
# (e2e.mjs, one scenario per test).  curl checks what a browser would not
# show: the headers, 401 and 403.  Screenshots go to a directory printed
# at the start, kept after the run, and copied to $HS_ARTIFACTS when set.

load ../helpers
load ../rpc/common

WEB_E2E=$BATS_TEST_DIRNAME/e2e.mjs

setup_file() {
	export WEB_SKIP=""
	if [ "$(id -u)" -ne 0 ]; then
		WEB_SKIP="needs root"
		return 0
	fi
	if ! getent passwd _honeyspy >/dev/null; then
		WEB_SKIP="needs the _honeyspy user (scripts/install-deps)"
		return 0
	fi
	if [ ! -x /usr/bin/chromium ]; then
		WEB_SKIP="needs Debian's chromium (scripts/install-deps)"
		return 0
	fi
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		WEB_SKIP="needs node and npm (scripts/install-deps)"
		return 0
	fi
	if [ ! -d "$BATS_TEST_DIRNAME/node_modules/playwright-core" ] &&
	    ! "$BATS_TEST_DIRNAME/npm-setup" >&2; then
		WEB_SKIP="cannot install playwright-core (regress/web/npm-setup)"
		return 0
	fi

	rpc_setup_net hs-webui
	WEB_PORT=$(rpc_free_port)
	WEB_URL=https://127.0.0.1:$WEB_PORT
	WEB_SINCE=$(date +%s)
	export WEB_PORT WEB_URL WEB_SINCE

	printf 'tr0ub4dor&3 console\n' >"$RPC_DIR/web.pass"
	if ! WEB_HASH=$("$BIN/honeyspyctl" hash-password -p "$RPC_DIR/web.pass"); then
		WEB_SKIP="honeyspyctl has no hash-password"
		return 0
	fi
	export WEB_HASH
	WEB_SHOTS=$(mktemp -d /tmp/hs-web-screenshots.XXXXXX)
	chmod 0755 "$WEB_SHOTS"
	export WEB_SHOTS
	echo "# screenshots: $WEB_SHOTS" >&3

	web_write_master 3600
	rpc_write_sensor s1
	# Capture on loopback, so that the filter calls compile on a
	# live handle.
	sed -i 's/^capture:$/capture:\n  interface: lo/' "$RPC_DIR/s1/conf.yaml"
	rpc_start master
	web_wait_up
	rpc_start s1
	rpc_wait_online s1
}

teardown_file() {
	[ -n "${RPC_DIR:-}" ] || return 0
	local n

	for n in s1 master; do
		rpc_kill "$n" TERM || true
	done
	if [ -n "${HS_ARTIFACTS:-}" ] && [ -d "${WEB_SHOTS:-}" ]; then
		mkdir -p "$HS_ARTIFACTS/web" &&
		    cp "$WEB_SHOTS"/*.png "$HS_ARTIFACTS/web/" 2>/dev/null || true
	fi
	[ -n "${WEB_KEEP:-}" ] || rm -rf "$RPC_DIR"
}

setup() {
	# The first test reads files only.
	[ "$BATS_TEST_NUMBER" -eq 1 ] || [ -z "$WEB_SKIP" ] || skip "$WEB_SKIP"
}

# web_write_master SESSION_TIMEOUT: the master of rpc/common with the
# web console.
web_write_master() {
	rpc_write_master
	cat >>"$RPC_DIR/master/conf.yaml" <<EOC
web:
  address: 127.0.0.1
  port: $WEB_PORT
  root: $HS_TOP/web/ui
  session_timeout: $1
  users:
    - name: admin
      password: "$WEB_HASH"
EOC
}

# Poll until the console answers (401 to /api/me: up, not logged in).
web_wait_up() {
	local i code

	for i in $(seq 1 200); do
		code=$(web_curl -o /dev/null -w '%{http_code}' "$WEB_URL/api/me" \
		    2>/dev/null) && [ "$code" = 401 ] && return 0
		sleep 0.05
	done
	echo "the web console did not answer on $WEB_URL" >&2
	cat "$RPC_DIR/master/log" >&2
	return 1
}

# curl that checks the master's certificate against the network's CA.
web_curl() {
	curl -sS --cacert "$RPC_DIR/certs/ca.crt" "$@"
}

# web_login JAR: log in as admin with a cookie jar; prints the CSRF token.
web_login() {
	web_curl -c "$1" -H 'Content-Type: application/json' \
	    --data "$(jq -nc --rawfile p "$RPC_DIR/web.pass" \
	    '{user: "admin", password: ($p | rtrimstr("\n"))}')" \
	    "$WEB_URL/api/login" | jq -er .csrf
}

# web_e2e SCENARIO: one scenario of e2e.mjs in Chromium.
web_e2e() {
	run env HS_URL="$WEB_URL" HS_USER=admin \
	    HS_PASSWORD_FILE="$RPC_DIR/web.pass" HS_SENSOR=s1 \
	    HS_SHOTS="$WEB_SHOTS" HS_SINCE="$WEB_SINCE" \
	    HS_SEND="socat -t 2 - TCP:127.0.0.1:$RPC_FINGER" \
	    HS_CTL="$BIN/honeyspyctl -s $RPC_DIR/s1/run/ctl.sock" \
	    HS_SESSION_TIMEOUT="${WEB_TIMEOUT:-3600}" \
	    HS_FREE_PORT="$(rpc_free_port)" HS_PROGRAM="$BIN/services/finger" \
	    HS_TICK="socat -t 5 /dev/null TCP:127.0.0.1:$RPC_TICK" \
	    node "$WEB_E2E" "$@"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "the console's files: no inline script, handler, style attribute, HTML from strings or anything external" {
	local ui=$HS_TOP/web/ui

	[ -f "$ui/index.html" ]
	# Every file directly in root: the server serves no subdirectory.
	run find "$ui" -mindepth 1 -not -type f
	[ -z "$output" ]
	run grep -nE '<script[^>]*>[^<]|<script>| on[a-z]+=|style=|javascript:' "$ui/index.html"
	echo "$output"
	[ "$status" -eq 1 ]
	# (Comments may name what the code never does.)
	run grep -nE 'innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|setAttribute\(.(on|style)|\.href *=|\.src *=' "$ui"/*.js
	echo "$output"
	[ "$(grep -vcE '^[^:]+:[0-9]+: *(\*|//|/\*)' <<<"$output")" -eq 0 ]
	# An href is set in util.js alone, from route() or apiHref().
	run grep -nE "setAttribute\(.href" "$ui"/*.js
	echo "$output"
	[ "$(grep -vc '^[^:]*/util\.js:' <<<"$output")" -eq 0 ]
	# Nothing from elsewhere: the only URL is SVG's namespace name.
	run grep -nE 'https?://|//[a-z0-9.-]+\.[a-z]{2,}/|@import|url\(' "$ui"/*
	echo "$output"
	[ "$(grep -vc 'http://www.w3.org/2000/svg' <<<"$output")" -eq 0 ]
}

@test "static files and the API carry CSP and the other security headers" {
	local h

	h=$(web_curl -D - -o /dev/null "$WEB_URL/")
	echo "$h"
	grep -qi "^content-security-policy: .*default-src 'none'" <<<"$h"
	grep -qi "^content-security-policy: .*script-src 'self'" <<<"$h"
	! grep -qi "^content-security-policy: .*unsafe-inline" <<<"$h" || false
	grep -qi '^x-content-type-options: nosniff' <<<"$h"
	grep -qi '^x-frame-options: deny' <<<"$h"
	grep -qi '^strict-transport-security: ' <<<"$h"
	grep -qi '^content-type: text/html' <<<"$h"
	h=$(web_curl -D - -o /dev/null "$WEB_URL/app.js")
	grep -qi '^content-type: [a-z]*/javascript' <<<"$h"
	h=$(web_curl -D - -o /dev/null "$WEB_URL/api/sensors")
	echo "$h"
	grep -qE '^HTTP/[0-9.]+ 401' <<<"$h"
	grep -qi "^content-security-policy: .*default-src 'none'" <<<"$h"
	grep -qi '^cache-control: no-store' <<<"$h"
}

@test "a wrong password is refused (401); a POST without the CSRF token (403)" {
	local jar=$RPC_DIR/jar.curl tok

	run web_curl -w '\n%{http_code}' -H 'Content-Type: application/json' \
	    --data '{"user":"admin","password":"not it"}' "$WEB_URL/api/login"
	echo "$output"
	[ "${lines[1]}" = 401 ]
	[ "$(jq -r .error <<<"${lines[0]}")" = "wrong user or password" ]

	tok=$(web_login "$jar")
	[ -n "$tok" ]
	grep -q 'hs_session' "$jar"
	# The cookie is Secure and HttpOnly (curl marks those #HttpOnly_).
	grep -q '^#HttpOnly_127.0.0.1.*TRUE.*hs_session' "$jar"

	run web_curl -b "$jar" -w '\n%{http_code}' -H 'Content-Type: application/json' \
	    --data '{"node":"s1","call":"getFilters","args":[]}' "$WEB_URL/api/call"
	echo "$output"
	[ "${lines[1]}" = 403 ]
	[ "$(jq -r .error <<<"${lines[0]}")" = "missing or wrong CSRF token" ]

	run web_curl -b "$jar" -w '\n%{http_code}' -H 'Content-Type: application/json' \
	    -H "X-CSRF-Token: ${tok}x" \
	    --data '{"node":"s1","call":"getFilters","args":[]}' "$WEB_URL/api/call"
	[ "${lines[1]}" = 403 ]

	run web_curl -b "$jar" -w '\n%{http_code}' -H 'Content-Type: application/json' \
	    -H "X-CSRF-Token: $tok" \
	    --data '{"node":"s1","call":"getFilters","args":[]}' "$WEB_URL/api/call"
	echo "$output"
	[ "${lines[-1]}" = 200 ]
	[ "$(head -n -1 <<<"$output" | jq -r .ok)" = true ]

	# Logout needs the token too, and ends the session.
	run web_curl -b "$jar" -o /dev/null -w '%{http_code}' \
	    -H 'Content-Type: application/json' --data '{}' "$WEB_URL/api/logout"
	[ "$output" = 403 ]
	run web_curl -b "$jar" -o /dev/null -w '%{http_code}' \
	    -H 'Content-Type: application/json' -H "X-CSRF-Token: $tok" \
	    --data '{}' "$WEB_URL/api/logout"
	[ "$output" = 200 ]
	run web_curl -b "$jar" -o /dev/null -w '%{http_code}' "$WEB_URL/api/sensors"
	[ "$output" = 401 ]
}

@test "browser: a wrong password, then the overview's charts and s1 online" {
	web_e2e login
}

@test "browser: an attack appears on the Live page without a reload; its session and attacker pages" {
	web_e2e live
}

@test "browser: a format string sent to a service: the detection, its bytes marked in the session" {
	web_e2e detect
}

@test "browser: attackers' markup, javascript: URLs and terminal escapes are shown as sent and stay inert" {
	web_e2e xss
}

@test "browser: 1000 events searched and paged through with the next cursors" {
	web_e2e paging
}

@test "browser: a capture rule added and deleted on the Sensors page is applied by the sensor" {
	web_e2e filter
	# After the page deleted it, the sensor has none of its own.
	run "$BIN/honeyspyctl" -s "$RPC_DIR/s1/run/ctl.sock" -j getFilters
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq '[.[] | select(.from == "added")] | length' <<<"$output")" -eq 0 ]
}

@test "browser: a service added and removed on the Sensors page listens on the sensor, then not" {
	web_e2e service
}

@test "browser: capture on and off, a fake host, a personality: each action shows the sensor's answer" {
	web_e2e actions
}

@test "browser: a configuration pushed from the Sensors page: a bad one refused, a good one applied" {
	web_e2e config
}

@test "browser: shutting s1 down after the confirmation takes it offline" {
	local pid

	pid=$(cat "$RPC_DIR/s1/pid")
	web_e2e kill
	hs_wait_exit "$pid" 10000
	rm -f "$RPC_DIR/s1/pid"
	rpc_ctl -j getSensors | jq -e '.[] | select(.name == "s1" and (.online | not))'
}

@test "an idle session expires after web.session_timeout" {
	local jar=$RPC_DIR/jar-expire.curl tok deadline code body

	export WEB_TIMEOUT=5
	rpc_kill master TERM
	web_write_master "$WEB_TIMEOUT"
	rpc_start master
	web_wait_up

	tok=$(web_login "$jar")
	code=$(web_curl -b "$jar" -o /dev/null -w '%{http_code}' "$WEB_URL/api/me")
	[ "$code" = 200 ]
	# Any request would renew the session: wait out its idle time on the
	# clock, then ask once.
	deadline=$(( $(date +%s) + WEB_TIMEOUT + 1 ))
	while [ "$(date +%s)" -le "$deadline" ]; do sleep 0.1; done
	body=$(web_curl -b "$jar" -w '\n%{http_code}' "$WEB_URL/api/sensors")
	echo "$body"
	[ "$(tail -n 1 <<<"$body")" = 401 ]
	[ "$(head -n 1 <<<"$body" | jq -r .error)" = "session expired" ]
	# Its CSRF token died with it.
	code=$(web_curl -b "$jar" -o /dev/null -w '%{http_code}' \
	    -H 'Content-Type: application/json' -H "X-CSRF-Token: $tok" \
	    --data '{"call":"getSensors"}' "$WEB_URL/api/call")
	[ "$code" = 401 ]

	web_e2e expire
}

@test "browser: too many failed logins are refused (429) with the server's words" {
	web_e2e ratelimit
	run web_curl -w '\n%{http_code}' -H 'Content-Type: application/json' \
	    --data "$(jq -nc --rawfile p "$RPC_DIR/web.pass" \
	    '{user: "admin", password: ($p | rtrimstr("\n"))}')" \
	    "$WEB_URL/api/login"
	echo "$output"
	[ "${lines[1]}" = 429 ]
	jq -er '.error | test("^too many failed logins; try again in [0-9]+ s$")' <<<"${lines[0]}"
}
