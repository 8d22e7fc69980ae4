# Shared helpers for the integration tests that run the real daemon.
# Sourced by regress/*/*.bats with `load ../helpers`.
#
# Every test gets its own directory with a jail, a socket directory and a
# configuration; hs_teardown stops whatever the test started and removes
# the directory.  Nothing here sleeps for a fixed time: conditions are
# polled against a deadline.

HS_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BIN=${BIN:-$HS_TOP/bin}
HS_REGRESS_BIN=${HS_REGRESS_BIN:-$HS_TOP/build/cc/regress/honeyspyd-regress}

# Capability bits as /proc shows them.
CAP_NET_BIND_SERVICE=$((1 << 10))
CAP_NET_ADMIN=$((1 << 12))
CAP_NET_RAW=$((1 << 13))
CAP_KILL=$((1 << 5))
CAP_SETGID=$((1 << 6))
CAP_SETUID=$((1 << 7))
CAP_SYS_CHROOT=$((1 << 18))
CAP_SPAWNER=$((CAP_KILL | CAP_SETGID | CAP_SETUID | CAP_SYS_CHROOT))

# hs_lab_setup_file PREFIX [TOOL...]: the lab for one file's tests, named
# PREFIX and our pid, or why they skip, in LAB_SKIP for setup() to say:
# bats 1.8 cannot skip from setup_file.  LAB_DIR is the caller's.
hs_lab_setup_file() {
	local prefix=$1 tool

	shift
	. "$LAB_DIR/lab.sh"
	if [ "$(id -u)" -ne 0 ] || ! LAB_SKIP=$(lab_require); then
		export LAB_SKIP="${LAB_SKIP:-needs root}"
		return 0
	fi
	for tool; do
		if ! command -v "$tool" >/dev/null; then
			export LAB_SKIP="needs $tool"
			return 0
		fi
	done
	export LAB_PREFIX="$prefix$$"
	lab_watchdog "$$"
	lab_up
}

hs_lab_teardown_file() {
	. "$LAB_DIR/lab.sh"
	if [ -n "${LAB_PREFIX:-}" ]; then
		lab_down
	fi
}

hs_require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	getent passwd _honeyspy >/dev/null ||
	    skip "needs the _honeyspy user (scripts/install-deps)"
}

# A private directory tree for one test, reachable by the daemon's user.
hs_setup_dir() {
	HS_DIR=$(mktemp -d /tmp/hs-regress.XXXXXX)
	chmod 0755 "$HS_DIR"
	install -d -m 0755 "$HS_DIR/jail"
	install -d -m 0750 "$HS_DIR/run"
	if [ "$(id -u)" -eq 0 ]; then
		chown root:root "$HS_DIR/jail"
		chown _honeyspy:_honeyspy "$HS_DIR/run"
	fi
	HS_SOCK=$HS_DIR/run/honeyspyd.sock
	HS_CONF=$HS_DIR/honeyspyd.yaml
	HS_LOG=$HS_DIR/honeyspyd.log
	HS_PID=
	export HS_DIR HS_SOCK HS_CONF HS_LOG
}

# hs_write_config NAME [MODE]: the smallest useful configuration; append
# more (a services section, say) with hs_add_config <<EOF.
hs_write_config() {
	HS_EVENTS=$HS_DIR/run/events.json
	cat >"$HS_CONF" <<EOF
node:
  name: ${1:-regress}
  mode: ${2:-sensor}
  chroot: $HS_DIR/jail
log:
  file: $HS_EVENTS
  syslog: false
EOF
}

hs_add_config() {
	cat >>"$HS_CONF"
}

# hs_start [PROGRAM [ARGS...]]: start the daemon in the foreground in the
# background of this test, then wait until every child has answered.
hs_start() {
	local prog=${1:-$BIN/honeyspyd}

	[ $# -gt 0 ] && shift
	# HS_WRAP runs it elsewhere, such as in a lab namespace.
	${HS_WRAP:-} "$prog" -d "$@" -f "$HS_CONF" -s "$HS_SOCK" >"$HS_LOG" 2>&1 &
	HS_PID=$!
	hs_wait_ready
}

# User mode: copies of the programs that nobody can run, a socket
# directory nobody owns.
hs_setup_nobody() {
	install -d -m 0755 "$HS_DIR/bin"
	install -m 0755 "$BIN/honeyspyd" "$BIN/honeyspyctl" "$HS_DIR/bin/"
	chown nobody:nogroup "$HS_DIR/run"
}

# Start the daemon as nobody, with no capabilities: user mode.
hs_start_as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
	    "$HS_DIR/bin/honeyspyd" -d -f "$HS_CONF" -s "$HS_SOCK" \
	    >"$HS_LOG" 2>&1 &
	HS_PID=$!
	hs_wait_ready
}

# Poll until every process finished its set-up, the daemon answers and no
# service is still binding (10 s at most).
hs_wait_ready() {
	local i out

	for i in $(seq 1 200); do
		if grep -q 'ready: every process finished its set-up' \
		    "$HS_LOG" 2>/dev/null &&
		    "$BIN/honeyspyctl" -s "$HS_SOCK" status >/dev/null 2>&1 &&
		    out=$("$BIN/honeyspyctl" -s "$HS_SOCK" getServices \
		    2>/dev/null) && ! grep -q ' binding ' <<<"$out"; then
			return 0
		fi
		if ! hs_alive "$HS_PID"; then
			echo "daemon exited during start-up:" >&2
			cat "$HS_LOG" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "daemon did not answer within 10 s" >&2
	cat "$HS_LOG" >&2
	return 1
}

# A zombie has exited, even if nobody collected it yet.
hs_alive() {
	local state

	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# hs_wait_exit PID MS: true when PID is gone within MS milliseconds.
hs_wait_exit() {
	local deadline

	deadline=$(( $(date +%s%N) / 1000000 + $2 ))
	while hs_alive "$1"; do
		[ $(( $(date +%s%N) / 1000000 )) -le "$deadline" ] || return 1
		sleep 0.01
	done
	return 0
}

# The daemon's children, one "pid name" line each, straight from /proc.
hs_children() {
	local pid

	for pid in $(pgrep -P "$HS_PID"); do
		printf '%s %s\n' "$pid" "$(hs_proc_name "$pid")"
	done
}

# The process name from its command line: "honeyspyd: netctl" -> netctl.
hs_proc_name() {
	tr '\0' ' ' <"/proc/$1/cmdline" | sed -E 's/^honeyspyd: ([a-z]+).*/\1/'
}

hs_child_pid() {
	hs_children | awk -v n="$1" '$2 == n { print $1 }'
}

# hs_status_field PID FIELD: a line of /proc/PID/status, value only.
hs_status_field() {
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' \
	    "/proc/$1/status"
}

hs_capeff() {
	printf '%d' "0x$(hs_status_field "$1" CapEff)"
}

# hs_wait_event EVENTID [COUNT]: poll the event log (10 s at most).
hs_wait_event() {
	local i n

	for i in $(seq 1 200); do
		n=$(grep -c "\"eventid\":\"$1\"" "$HS_EVENTS" 2>/dev/null || true)
		[ "${n:-0}" -ge "${2:-1}" ] && return 0
		sleep 0.05
	done
	echo "no $1 event within 10 s" >&2
	cat "$HS_EVENTS" >&2 2>/dev/null
	cat "$HS_LOG" >&2
	return 1
}

# The session id of the last closed session.
hs_last_session() {
	jq -r 'select(.eventid == "honeyspy.session.closed") | .session' \
	    "$HS_EVENTS" | tail -n 1
}

# hs_transcript SESSION input|output: the recorded bytes, decoded.
hs_transcript() {
	local b

	jq -r --arg s "$1" --arg k "$2" 'select(.session == $s and has($k)) |
	    if .[$k + "_encoding"] == "base64" then .[$k]
	    else .[$k] | @base64 end' "$HS_EVENTS" |
	while read -r b; do
		printf '%s' "$b" | base64 -d
	done
}

hs_stop() {
	[ -n "$HS_PID" ] || return 0
	if hs_alive "$HS_PID"; then
		kill -TERM "$HS_PID" 2>/dev/null || true
		hs_wait_exit "$HS_PID" 5000 || kill -KILL "$HS_PID" 2>/dev/null
	fi
	wait "$HS_PID" 2>/dev/null || true
	HS_PID=
}

hs_teardown() {
	hs_stop
	# Children exit when the parent goes; make sure of it.
	if [ -n "${HS_DIR:-}" ]; then
		pkill -KILL -f -- "-s $HS_SOCK" 2>/dev/null || true
		# HS_KEEP=1 keeps the test's files to look at afterwards.
		if [ -n "${HS_KEEP:-}" ]; then
			echo "kept $HS_DIR" >&3
		else
			rm -rf "$HS_DIR"
		fi
	fi
}
