# shellcheck shell=sh
#
# HoneySpy test lab: a small network built from network namespaces.
#
# Source this file from a bats test or a shell script, then call lab_up.
# Four namespaces are made, all named after one per-run prefix: a switch
# holding a Linux bridge and three hosts (sensor, attacker, master), each
# joined to the bridge by a veth pair whose bridge end lives in the switch.
# Nothing is created in, or routed through, the caller's namespace.
#
# Addresses come from TEST-NET-2 (198.51.100.0/24) and 2001:db8::/64.
# Every link and namespace carries the prefix; lab_down removes exactly
# those.  Plain scripts call lab_cleanup_on_exit after sourcing this file;
# bats tests call lab_down from teardown_file.
#
# Written for POSIX sh (dash, bash, ksh); no arrays and no "local".

LAB_NET=198.51.100.0/24
LAB_NET6=2001:db8::/64
LAB_PLEN=24
LAB_PLEN6=64
LAB_SENSOR_IP=198.51.100.10
LAB_ATTACKER_IP=198.51.100.20
LAB_MASTER_IP=198.51.100.30
LAB_SENSOR_IP6=2001:db8::10
LAB_ATTACKER_IP6=2001:db8::20
LAB_MASTER_IP6=2001:db8::30
export LAB_NET LAB_NET6 LAB_PLEN LAB_PLEN6
export LAB_SENSOR_IP LAB_ATTACKER_IP LAB_MASTER_IP
export LAB_SENSOR_IP6 LAB_ATTACKER_IP6 LAB_MASTER_IP6

# Seconds lab_wait_ping waits before giving up, unless told otherwise.
: "${LAB_TIMEOUT:=10}"

_lab_err()
{
	echo "lab: $*" >&2
}

# Decide the prefix and derive every name from it.  The prefix is
# "hs" followed by $LAB_ID, or by the shell's pid when LAB_ID is unset.
# Interface names are the prefix plus two characters, so the prefix may
# be at most 13 characters long (IFNAMSIZ is 16, including the NUL).
_lab_names()
{
	if [ -z "${LAB_PREFIX:-}" ]; then
		LAB_PREFIX="hs${LAB_ID:-$$}"
	fi
	case $LAB_PREFIX in
	*[!A-Za-z0-9]*|"")
		_lab_err "bad prefix '$LAB_PREFIX': letters and digits only"
		return 1
		;;
	esac
	if [ "${#LAB_PREFIX}" -gt 13 ]; then
		_lab_err "prefix '$LAB_PREFIX' longer than 13 characters"
		return 1
	fi
	LAB_SWITCH_NS="$LAB_PREFIX-switch"
	LAB_SENSOR_NS="$LAB_PREFIX-sensor"
	LAB_ATTACKER_NS="$LAB_PREFIX-attacker"
	LAB_MASTER_NS="$LAB_PREFIX-master"
	LAB_BRIDGE="${LAB_PREFIX}br"
	LAB_SENSOR_IF="${LAB_PREFIX}s"
	LAB_ATTACKER_IF="${LAB_PREFIX}a"
	LAB_MASTER_IF="${LAB_PREFIX}m"
	export LAB_PREFIX LAB_SWITCH_NS LAB_SENSOR_NS LAB_ATTACKER_NS
	export LAB_MASTER_NS LAB_BRIDGE LAB_SENSOR_IF LAB_ATTACKER_IF
	export LAB_MASTER_IF
}

# Print the namespace of a host: sensor, attacker, master or switch.
lab_ns()
{
	_lab_names || return 1
	case $1 in
	sensor)		echo "$LAB_SENSOR_NS" ;;
	attacker)	echo "$LAB_ATTACKER_NS" ;;
	master)		echo "$LAB_MASTER_NS" ;;
	switch)		echo "$LAB_SWITCH_NS" ;;
	*)
		_lab_err "unknown host '$1' (sensor, attacker, master, switch)"
		return 1
		;;
	esac
}

# Print the lab interface of a host, as named inside its namespace.
lab_if()
{
	_lab_names || return 1
	case $1 in
	sensor)		echo "$LAB_SENSOR_IF" ;;
	attacker)	echo "$LAB_ATTACKER_IF" ;;
	master)		echo "$LAB_MASTER_IF" ;;
	switch)		echo "$LAB_BRIDGE" ;;
	*)
		_lab_err "unknown host '$1' (sensor, attacker, master, switch)"
		return 1
		;;
	esac
}

# Print a reason and fail when the lab cannot be built here.
lab_require()
{
	if [ "$(id -u)" -ne 0 ]; then
		echo "lab: needs root to create network namespaces"
		return 1
	fi
	if ! command -v ip >/dev/null 2>&1; then
		echo "lab: ip(8) from iproute2 not found"
		return 1
	fi
	if ! ip netns list >/dev/null 2>&1; then
		echo "lab: 'ip netns' is not available"
		return 1
	fi
	if ! command -v ping >/dev/null 2>&1; then
		echo "lab: ping(8) not found"
		return 1
	fi
	return 0
}

# Run a command inside a host's namespace.
lab_exec()
{
	if [ $# -lt 2 ]; then
		_lab_err "usage: lab_exec host command [argument ...]"
		return 2
	fi
	_lab_ns=$(lab_ns "$1") || return 1
	shift
	ip netns exec "$_lab_ns" "$@"
}

# Add an address to a host's lab interface: lab_addr_add host addr/plen.
# IPv6 addresses skip duplicate address detection.
lab_addr_add()
{
	if [ $# -ne 2 ]; then
		_lab_err "usage: lab_addr_add host address/prefixlen"
		return 2
	fi
	_lab_ns=$(lab_ns "$1") || return 1
	_lab_if=$(lab_if "$1") || return 1
	case $2 in
	*/*)	;;
	*)
		_lab_err "lab_addr_add: '$2' has no prefix length"
		return 2
		;;
	esac
	case $2 in
	*:*)	ip -n "$_lab_ns" -6 addr add "$2" dev "$_lab_if" nodad ;;
	*)	ip -n "$_lab_ns" -4 addr add "$2" dev "$_lab_if" ;;
	esac
}

# Poll until ADDR answers a ping from HOST, for at most LAB_TIMEOUT
# seconds (or the third argument).
lab_wait_ping()
{
	if [ $# -lt 2 ]; then
		_lab_err "usage: lab_wait_ping host address [seconds]"
		return 2
	fi
	_lab_ns=$(lab_ns "$1") || return 1
	case $2 in
	*:*)	_lab_fam=-6 ;;
	*)	_lab_fam=-4 ;;
	esac
	_lab_end=$(( $(date +%s) + ${3:-$LAB_TIMEOUT} ))
	while :; do
		if ip netns exec "$_lab_ns" \
		    ping "$_lab_fam" -n -q -c 1 -W 1 "$2" >/dev/null 2>&1; then
			return 0
		fi
		if [ "$(date +%s)" -ge "$_lab_end" ]; then
			_lab_err "$2 unreachable from $1 after ${3:-$LAB_TIMEOUT}s"
			return 1
		fi
		# Poll interval: a refused ping returns at once.
		sleep 0.1
	done
}

# Make a host namespace with its end of a veth pair on the bridge.
_lab_host()
{
	_lab_h_ns=$1 _lab_h_if=$2 _lab_h_br=$3 _lab_h_ip=$4 _lab_h_ip6=$5

	ip netns add "$_lab_h_ns" || return 1
	# Set before the interface arrives, so that it inherits them.
	ip netns exec "$_lab_h_ns" sh -c '
		sysctl -qw net.ipv6.conf.all.accept_dad=0 &&
		sysctl -qw net.ipv6.conf.default.accept_dad=0 &&
		sysctl -qw net.ipv6.conf.all.accept_ra=0 &&
		sysctl -qw net.ipv6.conf.default.accept_ra=0' || return 1
	ip -n "$_lab_h_ns" link set lo up || return 1
	# Created in the switch namespace, peer placed in the host's:
	# neither end ever exists in the caller's namespace.
	ip -n "$LAB_SWITCH_NS" link add "$_lab_h_br" type veth \
	    peer name "$_lab_h_if" netns "$_lab_h_ns" || return 1
	ip -n "$LAB_SWITCH_NS" link set "$_lab_h_br" master "$LAB_BRIDGE" ||
	    return 1
	ip -n "$LAB_SWITCH_NS" link set "$_lab_h_br" up || return 1
	ip netns exec "$_lab_h_ns" \
	    sysctl -qw "net.ipv6.conf.$_lab_h_if.accept_dad=0" || return 1
	ip -n "$_lab_h_ns" -4 addr add "$_lab_h_ip/$LAB_PLEN" \
	    dev "$_lab_h_if" || return 1
	ip -n "$_lab_h_ns" -6 addr add "$_lab_h_ip6/$LAB_PLEN6" \
	    dev "$_lab_h_if" nodad || return 1
	ip -n "$_lab_h_ns" link set "$_lab_h_if" up
}

_lab_build()
{
	ip netns add "$LAB_SWITCH_NS" || return 1
	# The switch only forwards frames; it needs no addresses of its own.
	ip netns exec "$LAB_SWITCH_NS" sh -c '
		sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
		sysctl -qw net.ipv6.conf.default.disable_ipv6=1' || return 1
	ip -n "$LAB_SWITCH_NS" link set lo up || return 1
	ip -n "$LAB_SWITCH_NS" link add "$LAB_BRIDGE" type bridge \
	    stp_state 0 forward_delay 0 mcast_snooping 0 || return 1
	ip -n "$LAB_SWITCH_NS" link set "$LAB_BRIDGE" up || return 1

	_lab_host "$LAB_SENSOR_NS" "$LAB_SENSOR_IF" "${LAB_PREFIX}bs" \
	    "$LAB_SENSOR_IP" "$LAB_SENSOR_IP6" || return 1
	_lab_host "$LAB_ATTACKER_NS" "$LAB_ATTACKER_IF" "${LAB_PREFIX}ba" \
	    "$LAB_ATTACKER_IP" "$LAB_ATTACKER_IP6" || return 1
	_lab_host "$LAB_MASTER_NS" "$LAB_MASTER_IF" "${LAB_PREFIX}bm" \
	    "$LAB_MASTER_IP" "$LAB_MASTER_IP6" || return 1
}

# Build the lab.  Leftovers of an earlier run with the same prefix are
# removed first; on any failure everything built so far is removed.
lab_up()
{
	_lab_why=$(lab_require) || {
		_lab_err "${_lab_why#lab: }"
		return 1
	}
	_lab_names || return 1
	lab_down || return 1
	if ! _lab_build; then
		_lab_err "building the lab failed; removing what was made"
		lab_down
		return 1
	fi
}

# Stop the processes still running in a namespace (daemons a test left
# behind), so that deleting the namespace really frees it.
_lab_killns()
{
	_lab_pids=$(ip netns pids "$1" 2>/dev/null) || return 0
	[ -n "$_lab_pids" ] || return 0
	# shellcheck disable=SC2086 # one pid per word
	kill -TERM $_lab_pids 2>/dev/null
	_lab_end=$(( $(date +%s) + 5 ))
	while [ -n "$(ip netns pids "$1" 2>/dev/null)" ]; do
		if [ "$(date +%s)" -ge "$_lab_end" ]; then
			# shellcheck disable=SC2046 # one pid per word
			kill -KILL $(ip netns pids "$1" 2>/dev/null) \
			    2>/dev/null
			break
		fi
		sleep 0.1
	done
}

# Remove everything lab_up made: only names carrying this run's prefix.
# Safe to call at any time, any number of times.
lab_down()
{
	_lab_names || return 1
	_lab_rc=0
	for _lab_n in "$LAB_SENSOR_NS" "$LAB_ATTACKER_NS" "$LAB_MASTER_NS" \
	    "$LAB_SWITCH_NS"; do
		if [ -e "/run/netns/$_lab_n" ] || ip netns list 2>/dev/null |
		    awk -v n="$_lab_n" '$1 == n { f = 1 } END { exit !f }'
		then
			_lab_killns "$_lab_n"
			ip netns del "$_lab_n" || _lab_rc=1
		fi
	done
	# Links are made only inside the lab's namespaces and go away with
	# them.  Should one have been moved out, remove it by its exact name.
	for _lab_n in "$LAB_BRIDGE" "$LAB_SENSOR_IF" "$LAB_ATTACKER_IF" \
	    "$LAB_MASTER_IF" "${LAB_PREFIX}bs" "${LAB_PREFIX}ba" \
	    "${LAB_PREFIX}bm"; do
		if ip link show dev "$_lab_n" >/dev/null 2>&1; then
			ip link del dev "$_lab_n" || _lab_rc=1
		fi
	done
	return "$_lab_rc"
}

# For plain scripts: remove the lab when the script ends, however it ends.
lab_cleanup_on_exit()
{
	trap 'lab_down' EXIT
	trap 'lab_down; trap - EXIT; exit 130' INT
	trap 'lab_down; trap - EXIT; exit 143' TERM
	trap 'lab_down; trap - EXIT; exit 129' HUP
}

# Remove the lab once process PID has gone, even when it was killed
# before it could clean up.  The watcher runs in a session of its own, so
# a signal sent to the caller's process group does not reach it, and it
# holds none of the caller's descriptors, so the caller never waits for
# it.  It is plain sh because the functions above do not cross the exec.
lab_watchdog()
{
	_lab_names || return 1
	# shellcheck disable=SC2016 # expanded by the inner shell
	setsid sh -c '
		while kill -0 "$1" 2>/dev/null; do
			sleep 0.5
		done
		shift
		for ns; do
			pids=$(ip netns pids "$ns" 2>/dev/null)
			[ -z "$pids" ] || kill -KILL $pids
			ip netns del "$ns"
		done' lab-watchdog "$1" "$LAB_SENSOR_NS" "$LAB_ATTACKER_NS" \
	    "$LAB_MASTER_NS" "$LAB_SWITCH_NS" </dev/null >/dev/null 2>&1 3>&- &
}
