#!/usr/bin/env bats
#
# The test lab itself: build it, reach every host over IPv4 and IPv6,
# check that nothing leaks into the caller's namespace, tear it down and
# build it again.  Needs root; skipped otherwise.

# shellcheck source-path=SCRIPTDIR

LAB_DIR="$BATS_TEST_DIRNAME"

setup_file()
{
	. "$LAB_DIR/lab.sh"
	# bats 1.8 cannot skip from setup_file: pass the reason to setup().
	if ! LAB_SKIP=$(lab_require); then
		export LAB_SKIP
		return 0
	fi
	# One prefix for the whole file: each test runs in its own process.
	export LAB_PREFIX="hs$$"
	# teardown_file cleans up after failures and ^C; the watchdog
	# also after a run killed outright.
	lab_watchdog "$$"
	lab_up
}

teardown_file()
{
	. "$LAB_DIR/lab.sh"
	if [ -n "${LAB_PREFIX:-}" ]; then
		lab_down
	fi
}

setup()
{
	if [ -n "${LAB_SKIP:-}" ]; then
		skip "$LAB_SKIP"
	fi
	. "$LAB_DIR/lab.sh"
}

# Names in the caller's namespace that carry our prefix.
leftovers()
{
	ip netns list | awk -v p="$LAB_PREFIX-" 'index($1, p) == 1'
	ip -o link show | awk -F': ' -v p="$LAB_PREFIX" \
	    '{ sub(/@.*/, "", $2) } index($2, p) == 1 { print $2 }'
}

@test "attacker reaches sensor and master over IPv4" {
	lab_wait_ping attacker "$LAB_SENSOR_IP"
	lab_wait_ping attacker "$LAB_MASTER_IP"
	lab_wait_ping sensor "$LAB_MASTER_IP"
}

@test "attacker reaches sensor and master over IPv6" {
	lab_wait_ping attacker "$LAB_SENSOR_IP6"
	lab_wait_ping attacker "$LAB_MASTER_IP6"
	lab_wait_ping sensor "$LAB_MASTER_IP6"
}

@test "hosts carry their addresses, no default route" {
	run lab_exec sensor ip -o addr show dev "$LAB_SENSOR_IF"
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet $LAB_SENSOR_IP/24 "* ]]
	[[ "$output" == *"inet6 $LAB_SENSOR_IP6/64 "* ]]
	[[ "$output" != *tentative* ]]
	for h in sensor attacker master; do
		run lab_exec "$h" ip route show default
		[ -z "$output" ]
		run lab_exec "$h" ip -6 route show default
		[ -z "$output" ]
	done
}

@test "the lab is isolated from the caller's namespace" {
	# No links, addresses or routes of ours out here.
	run ip -o link show
	[[ "$output" != *"$LAB_PREFIX"* ]]
	run ip -o addr show
	[[ "$output" != *198.51.100.* ]]
	[[ "$output" != *2001:db8::* ]]
	run ip route show table all
	[[ "$output" != *198.51.100.* ]]
	run ip -6 route show table all
	[[ "$output" != *2001:db8:* ]]
	# A lab host cannot leave the lab: no route out, so ping fails
	# locally without sending anything.
	run lab_exec attacker ping -4 -n -c 1 -W 1 203.0.113.1
	[ "$status" -ne 0 ]
	run lab_exec attacker ping -6 -n -c 1 -W 1 2001:db8:ffff::1
	[ "$status" -ne 0 ]
	# From out here the sensor is not on any link we own.  Only ping it
	# when there is no route at all, so nothing is sent anywhere.
	if ! ip route get "$LAB_SENSOR_IP" >/dev/null 2>&1; then
		run ping -4 -n -c 1 -W 1 "$LAB_SENSOR_IP"
		[ "$status" -ne 0 ]
	else
		run ip route get "$LAB_SENSOR_IP"
		[[ "$output" != *"dev $LAB_PREFIX"* ]]
		[[ "$output" != local* ]]
	fi
}

@test "lab_down removes everything, a second cycle works" {
	lab_down
	run leftovers
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# Idempotent.
	lab_down
	lab_up
	lab_wait_ping attacker "$LAB_SENSOR_IP"
	lab_wait_ping attacker "$LAB_SENSOR_IP6"
	# Up twice in a row rebuilds instead of failing.
	lab_up
	lab_wait_ping master "$LAB_SENSOR_IP"
	lab_down
	run leftovers
	[ -z "$output" ]
	# Leave the lab as setup_file made it for any later test.
	lab_up
}

@test "lab_down cleans up a partly built lab" {
	lab_down
	ip netns add "$LAB_SWITCH_NS"
	ip netns add "$LAB_SENSOR_NS"
	lab_down
	run leftovers
	[ -z "$output" ]
	lab_up
}

@test "lab_addr_add adds usable aliases" {
	lab_addr_add sensor 198.51.100.11/24
	lab_addr_add sensor 2001:db8::11/64
	lab_wait_ping attacker 198.51.100.11
	lab_wait_ping attacker 2001:db8::11
}
