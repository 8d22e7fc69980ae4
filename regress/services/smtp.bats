#!/usr/bin/env bats
# The SMTP open relay with real clients: the daemon runs the service in
# the lab's sensor namespace, swaks, nmap and socat talk to it from the
# attacker's, and each claim is checked against what the client printed,
# the event log and the artifacts on disk.

load ../helpers
# shellcheck source-path=SCRIPTDIR
LAB_DIR="$BATS_TEST_DIRNAME/../lab"

setup_file() {
	hs_lab_setup_file hs swaks nmap socat jq
}

teardown_file() {
	hs_lab_teardown_file
}

setup() {
	[ -z "${LAB_SKIP:-}" ] || skip "$LAB_SKIP"
	. "$LAB_DIR/lab.sh"
	hs_require_root
	[ -x "$BIN/services/smtp" ] || skip "needs $BIN/services/smtp"
	hs_setup_dir
	HS_WRAP="ip netns exec $LAB_SENSOR_NS"
	SENSOR=$LAB_SENSOR_IP
	SMTP_DIR=$HS_DIR/smtp
}

teardown() {
	hs_teardown
}

attacker() {
	lab_exec attacker "$@"
}

# smtp_start [ARGS...]: the daemon with the relay on port 25, started
# with ARGS, working (and keeping its artifacts) in $SMTP_DIR.
smtp_start() {
	local a args=""

	for a in -H mail.example.com "$@"; do
		args="$args${args:+, }\"$a\""
	done
	install -d -m 0755 -o _honeyspy-svc -g _honeyspy-svc "$SMTP_DIR"
	hs_write_config smtp
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 25
    program: $BIN/services/smtp
    args: [$args]
    directory: $SMTP_DIR
EOF
	hs_start
}

# The events with this eventid, one JSON object per line.
events() {
	jq -c --arg e "$1" 'select(.eventid == $e)' "$HS_EVENTS"
}

# What swaks says it sent after "354" (it shows the CRs it sends), as
# the server gets it: one leading dot of a line taken off (RFC 5321
# 4.5.2), the line that is a dot alone not part of it.
swaks_message() {
	awk '/^<-  354 / { on = 1; next }
	    on && /^ -> \.\r?$/ { exit }
	    on && /^ -> / { l = substr($0, 5); sub(/\r$/, "", l);
		sub(/^\./, "", l); printf "%s\r\n", l }' "$1"
}

# Run a socat client with the bytes of file $1, replies into file $2.
converse() {
	attacker socat -t 5 - "TCP:$SENSOR:25" <"$1" >"$2"
	cat "$2"
}

@test "swaks relays a message: 250 after DATA, an event with sender, recipients and subject, the exact message kept by its SHA-256" {
	smtp_start
	printf '%s\n' 'From: Cheap Deals <deals@spam.example>' \
	    'To: victim@victim.example' \
	    'Subject: Your parcel is waiting (ref 4471)' '' 'Hello,' \
	    '.a line that starts with a dot' '..and one with two' 'Bye' \
	    >"$HS_DIR/data"
	attacker swaks --server "$SENSOR" --port 25 --timeout 10 \
	    --ehlo relay-test.spam.example --from deals@spam.example \
	    --to victim@victim.example,boss@other.example \
	    --data "@$HS_DIR/data" >"$HS_DIR/swaks" 2>&1
	cat "$HS_DIR/swaks"
	# An old Exim, which offers no STARTTLS, relays to anyone.
	grep -Eq '^<-  220 mail\.example\.com ESMTP Exim 4\.69 [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} [-+][0-9]{4}$' "$HS_DIR/swaks"
	grep -q "^<-  250-mail.example.com Hello relay-test.spam.example \[$LAB_ATTACKER_IP\]$" "$HS_DIR/swaks"
	grep -q '^<-  250-AUTH PLAIN LOGIN$' "$HS_DIR/swaks"
	[ "$(grep -c STARTTLS "$HS_DIR/swaks")" -eq 0 ]
	[ "$(grep -c '^<-  250 Accepted$' "$HS_DIR/swaks")" -eq 2 ]
	sed -n '/^<-  354 /,$p' "$HS_DIR/swaks" |
	    grep -Eq '^<-  250 OK id=[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}$'

	hs_wait_event honeyspy.smtp.message
	ev=$(events honeyspy.smtp.message)
	echo "$ev"
	echo "$ev" | jq -e --arg a "$LAB_ATTACKER_IP" '
	    .mail_from == "deals@spam.example" and
	    .rcpt_to == ["victim@victim.example", "boss@other.example"] and
	    .rcpt_count == 2 and
	    .subject == "Your parcel is waiting (ref 4471)" and
	    .helo == "relay-test.spam.example" and
	    (.headers | startswith("From: Cheap Deals <deals@spam.example>\r\n")) and
	    .src_ip == $a and .service == "smtp"'

	# The artifact is the message exactly as sent, unstuffed.
	swaks_message "$HS_DIR/swaks" >"$HS_DIR/sent"
	grep -q '^\.a line that starts' "$HS_DIR/sent"
	sum=$(sha256sum <"$HS_DIR/sent" | cut -d' ' -f1)
	[ "$(echo "$ev" | jq -r .sha256)" = "$sum" ]
	[ "$(echo "$ev" | jq -r .size)" -eq "$(stat -c %s "$HS_DIR/sent")" ]
	[ "$(echo "$ev" | jq -r .artifact)" = "artifacts/$sum" ]
	cmp "$HS_DIR/sent" "$SMTP_DIR/artifacts/$sum"
}

@test "AUTH LOGIN and AUTH PLAIN: the credentials swaks sends are in login events" {
	smtp_start
	attacker swaks --server "$SENSOR" --port 25 --timeout 10 \
	    --ehlo ws01.example --from a@spam.example --to b@victim.example \
	    --auth LOGIN --auth-user 'webmaster@victim.example' \
	    --auth-password 'Summer2024!' >"$HS_DIR/login" 2>&1
	cat "$HS_DIR/login"
	grep -q '^<-  334 VXNlcm5hbWU6$' "$HS_DIR/login"
	grep -q '^<-  334 UGFzc3dvcmQ6$' "$HS_DIR/login"
	grep -q '^<-  235 Authentication succeeded$' "$HS_DIR/login"
	attacker swaks --server "$SENSOR" --port 25 --timeout 10 \
	    --ehlo ws01.example --from a@spam.example --to b@victim.example \
	    --auth PLAIN --auth-user admin --auth-password 'p@ss w0rd' \
	    >"$HS_DIR/plain" 2>&1
	cat "$HS_DIR/plain"
	grep -q '^<-  235 Authentication succeeded$' "$HS_DIR/plain"

	hs_wait_event honeyspy.smtp.message 2
	events honeyspy.login.success
	events honeyspy.login.success | jq -se '
	    length == 2 and
	    .[0].method == "LOGIN" and
	    .[0].username == "webmaster@victim.example" and
	    .[0].password == "Summer2024!" and
	    .[1].method == "PLAIN" and .[1].username == "admin" and
	    .[1].password == "p@ss w0rd"'
	# The messages say who sent them.
	events honeyspy.smtp.message | jq -se '
	    [.[].username] == ["webmaster@victim.example", "admin"]'
}

@test "an oversize message is refused with 552, declared or not, and the session goes on" {
	smtp_start -s 2000
	{
		printf 'Subject: too big\n\n'
		for i in $(seq 1 100); do
			printf 'line %03d of a message that is far too long\n' "$i"
		done
	} >"$HS_DIR/big"
	run attacker swaks --server "$SENSOR" --port 25 --timeout 10 \
	    --ehlo big.example --from a@spam.example --to b@victim.example \
	    --data "@$HS_DIR/big"
	echo "$output" | head -12
	echo "$output" | tail -6
	[ "$status" -ne 0 ]
	echo "$output" | grep -q '^<-  250-SIZE 2000'
	echo "$output" | grep -q '^<\*\* 552 Message size exceeds maximum permitted$'

	# Said up front with SIZE=, and then a message that fits.
	printf '%s\r\n' 'EHLO big.example' \
	    'MAIL FROM:<a@spam.example> SIZE=5000' \
	    'MAIL FROM:<a@spam.example> SIZE=100' 'RCPT TO:<b@victim.example>' \
	    'DATA' 'Subject: small' '' 'fits' '.' 'QUIT' >"$HS_DIR/script"
	converse "$HS_DIR/script" "$HS_DIR/replies"
	sed -n 7,12p "$HS_DIR/replies" | tr -d '\r' | sed 's/id=.*/id=/' >"$HS_DIR/got"
	printf '%s\n' '552 Message size exceeds maximum permitted' '250 OK' \
	    '250 Accepted' \
	    '354 Enter message, ending with "." on a line by itself' \
	    '250 OK id=' '221 mail.example.com closing connection' |
	    diff - "$HS_DIR/got"

	hs_wait_event honeyspy.smtp.message
	events honeyspy.smtp.refused
	events honeyspy.smtp.refused | jq -se '
	    length == 2 and all(.[]; .reason == "size") and
	    .[0].subject == "too big" and .[0].size > 2000 and
	    .[0].rcpt_to == ["b@victim.example"] and
	    .[1].size == 5000 and (.[1] | has("sha256") | not)'
	# Only the small message was kept.
	[ "$(find "$SMTP_DIR/artifacts" -type f | wc -l)" -eq 1 ]
	events honeyspy.smtp.message | jq -e '.subject == "small"'
}

@test "garbage and binary input get 500 and the session carries on, even through 64 KiB of noise" {
	# Exim's error limits, high enough that the noise is read to its end.
	smtp_start -e 100000 -u 100000 -n 100000
	{
		printf 'EHLO scanner.example\r\n'
		printf '\377\376\001\033[2J\200garbage\r\n'
		head -c 3000 /dev/zero | tr '\0' 'A'
		printf '\r\nGET / HTTP/1.0\r\nNO\000OP\r\nNOOP\r\nQUIT\r\n'
	} >"$HS_DIR/script"
	converse "$HS_DIR/script" "$HS_DIR/replies"
	tail -n +7 "$HS_DIR/replies" | tr -d '\r' >"$HS_DIR/got"
	printf '%s\n' '500 unrecognized command' '500 unrecognized command' \
	    '500 unrecognized command' \
	    '501 NULL characters are not allowed in SMTP commands' '250 OK' \
	    '221 mail.example.com closing connection' | diff - "$HS_DIR/got"

	# Random bytes, then a QUIT that must still be answered.
	{
		head -c 65536 /dev/urandom
		printf '\r\nQUIT\r\n'
	} >"$HS_DIR/noise"
	attacker socat -t 10 - "TCP:$SENSOR:25" <"$HS_DIR/noise" >"$HS_DIR/replies"
	echo "$(wc -l <"$HS_DIR/replies") replies, the last:"
	tail -n 1 "$HS_DIR/replies" | cat -v
	[ "$(wc -l <"$HS_DIR/replies")" -gt 50 ]
	grep -q '^500 unrecognized command' "$HS_DIR/replies"
	[ "$(tail -n 1 "$HS_DIR/replies")" = $'221 mail.example.com closing connection\r' ]
}

@test "commands out of sequence get 503; pipelined commands, dot-stuffing and bare LF are handled" {
	smtp_start
	# All of it in one write, before the greeting even arrives.
	printf '%s\r\n' 'RCPT TO:<x@victim.example>' 'DATA' 'EHLO pipe.example' \
	    'MAIL FROM:<bulk@spam.example>' 'RCPT TO:<x@victim.example>' \
	    'RCPT TO:<y@victim.example>' 'DATA' >"$HS_DIR/script"
	printf 'Subject: piped\r\n\r\n..dot\nbare LF\r\n.\r\nQUIT\r\n' \
	    >>"$HS_DIR/script"
	converse "$HS_DIR/script" "$HS_DIR/replies"
	tr -d '\r' <"$HS_DIR/replies" | sed 's/ id=.*/ id=/; s/^220 .*/220/' \
	    >"$HS_DIR/got"
	printf '%s\n' 220 '503 sender not yet given' \
	    '503 valid RCPT command must precede DATA' \
	    "250-mail.example.com Hello pipe.example [$LAB_ATTACKER_IP]" \
	    '250-SIZE 10485760' '250-PIPELINING' '250-AUTH PLAIN LOGIN' \
	    '250 HELP' '250 OK' '250 Accepted' '250 Accepted' \
	    '354 Enter message, ending with "." on a line by itself' \
	    '250 OK id=' '221 mail.example.com closing connection' |
	    diff - "$HS_DIR/got"
	hs_wait_event honeyspy.smtp.message
	ev=$(events honeyspy.smtp.message)
	echo "$ev"
	sum=$(echo "$ev" | jq -r .sha256)
	printf 'Subject: piped\r\n\r\n.dot\nbare LF\r\n' >"$HS_DIR/want"
	cmp "$HS_DIR/want" "$SMTP_DIR/artifacts/$sum"
	echo "$ev" | jq -e '.subject == "piped" and
	    .rcpt_to == ["x@victim.example", "y@victim.example"]'

	# Exim's default limits: the fourth unknown command ends it all.
	printf '%s\r\n' FOO BAR BAZ QUX NOOP >"$HS_DIR/script"
	converse "$HS_DIR/script" "$HS_DIR/replies"
	tail -n +2 "$HS_DIR/replies" | tr -d '\r' >"$HS_DIR/got"
	printf '%s\n' '500 unrecognized command' '500 unrecognized command' \
	    '500 unrecognized command' '500 Too many unrecognized commands' |
	    diff - "$HS_DIR/got"
}

@test "nmap -sV names it Exim smtpd 4.69" {
	smtp_start
	run attacker nmap -sV -p 25 -Pn "$SENSOR"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -Eq '^25/tcp +open +smtp +Exim smtpd 4\.69$'
	echo "$output" | grep -q 'Host: mail.example.com'
}
