#!/usr/bin/env bats
#
# The web console across the lab: the master in the master's namespace
# (198.51.100.30), the sensor in the sensor's (198.51.100.10) linked to it
# over the segment, attacks from the attacker's namespace (198.51.100.20)
# with socat, and Chromium on the master's host watching them arrive.
# The same scenarios as regress/web/web.bats (e2e.mjs), with real
# addresses instead of loopback.

load ../helpers
load ../rpc/common
# shellcheck source-path=SCRIPTDIR
LAB_DIR="$BATS_TEST_DIRNAME/../lab"
WEB_E2E=$BATS_TEST_DIRNAME/e2e.mjs

setup_file() {
	hs_lab_setup_file wl socat chromium node curl jq
	[ -z "${LAB_SKIP:-}" ] || return 0
	if ! getent passwd _honeyspy >/dev/null; then
		export LAB_SKIP="needs the _honeyspy user (scripts/install-deps)"
		return 0
	fi
	if [ ! -d "$BATS_TEST_DIRNAME/node_modules/playwright-core" ] &&
	    ! "$BATS_TEST_DIRNAME/npm-setup" >&2; then
		export LAB_SKIP="cannot install playwright-core (regress/web/npm-setup)"
		return 0
	fi
	RPC_DIR=$(mktemp -d /tmp/hs-weblab.XXXXXX)
	chmod 0755 "$RPC_DIR"
	RPC_PORT=7433
	WEB_PORT=8443
	FINGER_PORT=79
	WEB_URL=https://$LAB_MASTER_IP:$WEB_PORT
	WEB_SHOTS=$(mktemp -d /tmp/hs-weblab-screenshots.XXXXXX)
	chmod 0755 "$WEB_SHOTS"
	export RPC_DIR RPC_PORT WEB_PORT FINGER_PORT WEB_URL WEB_SHOTS
	echo "# screenshots: $WEB_SHOTS" >&3

	"$BIN/honeyspy-cert" -d "$RPC_DIR/certs" -s "$LAB_MASTER_IP" init \
	    >/dev/null
	"$BIN/honeyspy-cert" -d "$RPC_DIR/certs" sensor s1 >/dev/null
	printf 'lab console pass\n' >"$RPC_DIR/web.pass"
	weblab_write_master
	weblab_write_sensor
	weblab_start master "$LAB_MASTER_NS"
	weblab_start s1 "$LAB_SENSOR_NS"
	weblab_wait_online
}

teardown_file() {
	local n

	if [ -n "${RPC_DIR:-}" ]; then
		for n in s1 master; do
			rpc_kill "$n" TERM || true
		done
		if [ -n "${HS_ARTIFACTS:-}" ] && [ -d "${WEB_SHOTS:-}" ]; then
			mkdir -p "$HS_ARTIFACTS/weblab" &&
			    cp "$WEB_SHOTS"/*.png "$HS_ARTIFACTS/weblab/" \
			    2>/dev/null || true
		fi
		[ -n "${WEB_KEEP:-}" ] || rm -rf "$RPC_DIR"
	fi
	hs_lab_teardown_file
}

setup() {
	[ -z "${LAB_SKIP:-}" ] || skip "$LAB_SKIP"
	. "$LAB_DIR/lab.sh"
}

weblab_write_master() {
	install -d -m 0755 "$RPC_DIR/master" "$RPC_DIR/master/jail"
	cat >"$RPC_DIR/master/conf.yaml" <<EOC
node:
  name: master
  mode: master
  chroot: $RPC_DIR/master/jail
listen:
  address: $LAB_MASTER_IP
  port: $RPC_PORT
  ca: $RPC_DIR/certs/ca.crt
  cert: $RPC_DIR/certs/master.crt
  key: $RPC_DIR/certs/master.key
web:
  address: $LAB_MASTER_IP
  port: $WEB_PORT
  root: $HS_TOP/web/ui
  users:
    - name: admin
      password: "$("$BIN/honeyspyctl" -p "$RPC_DIR/web.pass" hash-password)"
log:
  file: $RPC_DIR/master/events.json
  syslog: false
  spool: $RPC_DIR/master/spool
  artifacts: $RPC_DIR/master/artifacts
  database: $RPC_DIR/master/db/events.db
EOC
}

# The finger service on the sensor's lab address, port 79 (the binder's),
# and capture on its lab interface, so that p0f names the attacker's OS.
weblab_write_sensor() {
	install -d -m 0755 "$RPC_DIR/s1" "$RPC_DIR/s1/jail"
	cat >"$RPC_DIR/s1/conf.yaml" <<EOC
node:
  name: s1
  mode: sensor
  chroot: $RPC_DIR/s1/jail
master:
  address: $LAB_MASTER_IP
  port: $RPC_PORT
  ca: $RPC_DIR/certs/ca.crt
  cert: $RPC_DIR/certs/sensors/s1.crt
  key: $RPC_DIR/certs/sensors/s1.key
  reconnect: 2
services:
  - address: $LAB_SENSOR_IP
    port: $FINGER_PORT
    program: $BIN/services/finger
capture:
  interface: $LAB_SENSOR_IF
log:
  file: $RPC_DIR/s1/events.json
  syslog: false
  spool: $RPC_DIR/s1/spool
  artifacts: $RPC_DIR/s1/artifacts
EOC
}

# weblab_start NODE NAMESPACE: as rpc_start, inside the namespace.
weblab_start() {
	local d=$RPC_DIR/$1 i

	install -d -m 0750 -o _honeyspy -g _honeyspy "$d/run"
	setsid ip netns exec "$2" "$BIN/honeyspyd" -d -f "$d/conf.yaml" \
	    -s "$d/run/ctl.sock" >>"$d/log" 2>&1 &
	echo $! >"$d/pid"
	disown $!
	for i in $(seq 1 200); do
		grep -q 'ready: every process finished its set-up' "$d/log" &&
		    return 0
		hs_alive "$(cat "$d/pid")" || break
		sleep 0.05
	done
	echo "$1 did not start:" >&2
	cat "$d/log" >&2
	return 1
}

# The master's own socket says when s1 is linked.
weblab_wait_online() {
	local i

	for i in $(seq 1 400); do
		"$BIN/honeyspyctl" -s "$RPC_DIR/master/run/ctl.sock" -j getSensors \
		    2>/dev/null | jq -e '.[] | select(.name == "s1" and .online)' \
		    >/dev/null && return 0
		sleep 0.05
	done
	echo "s1 not online" >&2
	cat "$RPC_DIR/master/log" "$RPC_DIR/s1/log" >&2
	return 1
}

# weblab_e2e SCENARIO: Chromium on the master's host, attacks from the
# attacker's.
weblab_e2e() {
	run env HS_URL="$WEB_URL" HS_USER=admin \
	    HS_PASSWORD_FILE="$RPC_DIR/web.pass" HS_SENSOR=s1 \
	    HS_SHOTS="$WEB_SHOTS" HS_SINCE="$(date +%s)" \
	    HS_ATTACKER="$LAB_ATTACKER_IP" \
	    HS_SEND="ip netns exec $LAB_ATTACKER_NS socat -t 2 - TCP:$LAB_SENSOR_IP:$FINGER_PORT" \
	    HS_CTL="$BIN/honeyspyctl -s $RPC_DIR/s1/run/ctl.sock" \
	    ip netns exec "$LAB_MASTER_NS" node "$WEB_E2E" "$@"
	echo "$output"
	[ "$status" -eq 0 ]
}

# curl from the master's host, checking the certificate for its address.
weblab_curl() {
	lab_exec master curl -sS --cacert "$RPC_DIR/certs/ca.crt" "$@"
}

@test "lab: the console on the master's address, verified by its certificate" {
	local code

	code=$(weblab_curl -o /dev/null -w '%{http_code}' "$WEB_URL/api/me")
	[ "$code" = 401 ]
	# Only there: the sensor's host cannot reach a console on loopback,
	# and the master's address answers from the segment.
	run lab_exec attacker curl -sS --cacert "$RPC_DIR/certs/ca.crt" \
	    -o /dev/null -w '%{http_code}' "$WEB_URL/api/me"
	[ "$output" = 401 ]
}

@test "lab: an attack from the attacker's host reaches the Live, session and attacker pages" {
	weblab_e2e live
	# The page's attacker is the lab's attacker, and the API agrees.
	weblab_curl -c "$BATS_TEST_TMPDIR/jar" -H 'Content-Type: application/json' \
	    --data "$(jq -nc --rawfile p "$RPC_DIR/web.pass" \
	    '{user: "admin", password: ($p | rtrimstr("\n"))}')" \
	    "$WEB_URL/api/login" >/dev/null
	weblab_curl -b "$BATS_TEST_TMPDIR/jar" \
	    "$WEB_URL/api/attacker?ip=$LAB_ATTACKER_IP" | jq -e --arg s "$LAB_SENSOR_IP" \
	    '.events > 0 and (.sessions | length) > 0 and
	    (.sessions | all(.dst_ip == $s and .dst_port == 79)) and
	    (.fingerprint.os | test("Linux")) and .fingerprint.distance == "0"'
}

@test "lab: an exploit from the attacker's host is marked in its session" {
	weblab_e2e detect
}

@test "lab: the attacker's markup and escapes stay inert" {
	weblab_e2e xss
}
