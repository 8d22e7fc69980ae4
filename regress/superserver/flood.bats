#!/usr/bin/env bats
# A connection flood on loopback: the daemon stays responsive, the log
# summarises what it refused instead of growing with it, and the
# superserver gives back every descriptor and its memory afterwards.

load ../helpers

FLOOD_BIN=${HS_FLOOD_BIN:-$HS_TOP/build/cc/regress/flood}

setup() {
	hs_require_root
	[ -x "$FLOOD_BIN" ] || skip "flood client not built"
	hs_setup_dir
}

teardown() {
	hs_teardown
}

fdcount() {
	ls "/proc/$1/fd" | wc -l
}

rss_kib() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"
}

@test "20,000 connections in bursts: status answers within 1 s, fds and memory come back" {
	hs_write_config flood
	hs_add_config <<EOF
services:
  - address: 127.0.0.1
    port: 7200
    program: /bin/cat
    limits: {connections: 64, per_source: 64, rate: 60000, window: 2}
EOF
	hs_start
	ss=$(hs_child_pid superserver)
	# Warm up, so that the baseline includes what one session allocates.
	"$FLOOD_BIN" 127.0.0.1 7200 200 50
	for i in $(seq 1 200); do
		[ "$(jq -s '[.[] | select(.eventid == "honeyspy.session.connect")] | length' "$HS_EVENTS")" = \
		  "$(jq -s '[.[] | select(.eventid == "honeyspy.session.closed")] | length' "$HS_EVENTS")" ] && break
		sleep 0.05
	done
	fd0=$(fdcount "$ss")
	rss0=$(rss_kib "$ss")

	"$FLOOD_BIN" 127.0.0.1 7200 20000 250 >"$HS_DIR/flood.out" &
	flood=$!
	checks=0
	while hs_alive "$flood"; do
		run timeout 1 "$BIN/honeyspyctl" -s "$HS_SOCK" status
		[ "$status" -eq 0 ] || { echo "status took over 1 s (exit $status)"; false; }
		checks=$((checks + 1))
	done
	wait "$flood"
	flood_end=$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)
	cat "$HS_DIR/flood.out"
	echo "status answered $checks times during the flood"
	[ "$checks" -ge 1 ]
	grep -q '^connections: 20000,' "$HS_DIR/flood.out"

	# Every session ends; the superserver holds what it held before.
	for i in $(seq 1 400); do
		[ "$(fdcount "$ss")" -le "$fd0" ] && break
		sleep 0.05
	done
	echo "superserver fds: $fd0 before, $(fdcount "$ss") after"
	[ "$(fdcount "$ss")" -le "$fd0" ]
	rss1=$(rss_kib "$ss")
	echo "superserver RSS: $rss0 KiB before, $rss1 KiB after"
	[ "$rss1" -le $((rss0 + 2048)) ]

	# Refusals come as a few summaries, not one line each; the last
	# window closes after the flood.
	for i in $(seq 1 200); do
		jq -e --arg t "$flood_end" 'select(.eventid ==
		    "honeyspy.session.limited" and .timestamp > $t)' \
		    "$HS_EVENTS" >/dev/null && break
		sleep 0.05
	done
	limited=$(grep -c '"honeyspy.session.limited"' "$HS_EVENTS")
	refused=$(jq -s '[.[] | select(.eventid == "honeyspy.session.limited") | .count] | add' "$HS_EVENTS")
	sessions=$(grep -c '"honeyspy.session.connect"' "$HS_EVENTS")
	echo "sessions $sessions, refused $refused in $limited events"
	[ "$limited" -le 20 ]
	[ $((sessions + refused)) -ge 10000 ]
	hs_alive "$HS_PID"
}
