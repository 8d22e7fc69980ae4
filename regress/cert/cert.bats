#!/usr/bin/env bats
# honeyspy-cert: the CA, master, sensor and admin certificates it makes are
# checked with the openssl command line tool, including a mutual TLS 1.3
# handshake between the master and a sensor, and a revoked certificate
# failing CRL checks.  Every test starts from a fresh CA in its own
# directory under /tmp.

# Each test is a function run in one shell with teardown, which sees SPID.
# shellcheck disable=SC2030,SC2031

PY=/usr/bin/python3

setup() {
	BIN=${BIN:-$BATS_TEST_DIRNAME/../../bin}
	HC=$BIN/honeyspy-cert
	T=$(mktemp -d /tmp/hs-cert.XXXXXX)
	D=$T/certs
	printf 'correct horse battery\n' >"$T/pass"
	"$HC" -d "$D" -s master.example -s 127.0.0.1 init
	"$HC" -d "$D" sensor s1
	"$HC" -d "$D" -p "$T/pass" admin alice
}

teardown() {
	if [ -n "${SPID:-}" ]; then
		kill "$SPID" 2>/dev/null || true
		wait "$SPID" 2>/dev/null || true
	fi
	[ -z "${T:-}" ] || rm -rf "$T"
}

# Start s_server on a free loopback port with the master's certificate;
# extra arguments go to s_server.  Sets SPID and PORT.
start_server() {
	timeout 20 openssl s_server -rev -accept 127.0.0.1:0 -naccept 1 \
	    -tls1_3 -cert "$D/master.crt" -key "$D/master.key" \
	    -CAfile "$D/ca.crt" -Verify 1 -verify_return_error "$@" \
	    </dev/null >"$T/server.out" 2>&1 &
	SPID=$!
	for _ in $(seq 200); do
		PORT=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$T/server.out")
		[ -n "$PORT" ] && return 0
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$T/server.out"
	return 1
}

# client NAME: a sensor connects to the server with its certificate.
client() {
	echo hello | timeout 20 openssl s_client \
	    -connect "127.0.0.1:$PORT" -tls1_3 \
	    -cert "$D/sensors/$1.crt" -key "$D/sensors/$1.key" \
	    -CAfile "$D/ca.crt" -verify 1 -verify_return_error \
	    -verify_hostname master.example
}

@test "init makes a directory others may only pass through, the CA, the master and a CRL" {
	[ "$(stat -c %a "$D")" = 711 ]
	[ "$(stat -c %a "$D/sensors")" = 700 ]
	[ "$(stat -c %a "$D/admins")" = 700 ]
	[ "$(stat -c %a "$D/ca.key")" = 600 ]
	[ "$(stat -c %a "$D/master.key")" = 600 ]
	[ "$(stat -c %a "$D/sensors/s1.key")" = 600 ]
	[ "$(stat -c %a "$D/admins/alice.key")" = 600 ]
	for f in ca.crt master.crt sensors/s1.crt admins/alice.crt crl.pem \
	    index; do
		[ -s "$D/$f" ]
	done
	run openssl x509 -in "$D/ca.crt" -noout -text
	[ "$status" -eq 0 ]
	[[ "$output" == *"CA:TRUE, pathlen:0"* ]]
	[[ "$output" == *"Certificate Sign, CRL Sign"* ]]
	run openssl crl -in "$D/crl.pem" -noout -text -CAfile "$D/ca.crt"
	[ "$status" -eq 0 ]
	[[ "$output" == *"verify OK"* ]]
	[[ "$output" == *"Next Update:"* ]]
	[[ "$output" == *"No Revoked Certificates"* ]]
}

@test "every certificate verifies against the CA" {
	for c in master.crt sensors/s1.crt admins/alice.crt; do
		run openssl verify -CAfile "$D/ca.crt" "$D/$c"
		[ "$status" -eq 0 ]
		[[ "$output" == *": OK" ]]
	done
	run openssl verify -CAfile "$D/ca.crt" -purpose sslserver \
	    "$D/master.crt"
	[ "$status" -eq 0 ]
	for c in master.crt sensors/s1.crt admins/alice.crt; do
		run openssl verify -CAfile "$D/ca.crt" -purpose sslclient \
		    "$D/$c"
		[ "$status" -eq 0 ]
	done
	# Only the master may serve.
	run openssl verify -CAfile "$D/ca.crt" -purpose sslserver \
	    "$D/sensors/s1.crt"
	[ "$status" -ne 0 ]
}

@test "subjects carry the role in OU and the name in CN" {
	run openssl x509 -in "$D/master.crt" -noout -subject
	[ "$output" = "subject=O = HoneySpy, OU = master, CN = master" ]
	run openssl x509 -in "$D/sensors/s1.crt" -noout -subject
	[ "$output" = "subject=O = HoneySpy, OU = sensor, CN = s1" ]
	run openssl x509 -in "$D/admins/alice.crt" -noout -subject
	[ "$output" = "subject=O = HoneySpy, OU = admin, CN = alice" ]
	run openssl x509 -in "$D/master.crt" -noout -ext subjectAltName
	[[ "$output" == *"DNS:master.example, IP Address:127.0.0.1"* ]]
	run openssl x509 -in "$D/sensors/s1.crt" -noout -text
	[[ "$output" == *"CA:FALSE"* ]]
	[[ "$output" == *"TLS Web Client Authentication"* ]]
	[[ "$output" == *"Subject Key Identifier"* ]]
	[[ "$output" == *"Authority Key Identifier"* ]]
}

@test "keys are EC P-256" {
	for k in ca.key master.key sensors/s1.key; do
		run openssl pkey -in "$D/$k" -noout -text
		[ "$status" -eq 0 ]
		[[ "$output" == *"Private-Key: (256 bit)"* ]]
		[[ "$output" == *"NIST CURVE: P-256"* ]]
	done
	run openssl pkey -in "$D/admins/alice.key" -passin "file:$T/pass" \
	    -noout -text
	[ "$status" -eq 0 ]
	[[ "$output" == *"NIST CURVE: P-256"* ]]
}

@test "the admin key is encrypted with the passphrase" {
	run head -1 "$D/admins/alice.key"
	[ "$output" = "-----BEGIN ENCRYPTED PRIVATE KEY-----" ]
	run openssl pkey -in "$D/admins/alice.key" -passin pass: -noout
	[ "$status" -ne 0 ]
	printf 'wrong\n' >"$T/wrong"
	run openssl pkey -in "$D/admins/alice.key" -passin "file:$T/wrong" \
	    -noout
	[ "$status" -ne 0 ]
	run openssl pkey -in "$D/admins/alice.key" -passin "file:$T/pass" \
	    -noout
	[ "$status" -eq 0 ]
	# The key matches its certificate.
	a=$(openssl pkey -in "$D/admins/alice.key" -passin "file:$T/pass" \
	    -pubout)
	b=$(openssl x509 -in "$D/admins/alice.crt" -noout -pubkey)
	[ "$a" = "$b" ]
}

@test "an admin key needs a passphrase: empty file, no terminal" {
	: >"$T/empty"
	run "$HC" -d "$D" -p "$T/empty" admin bob
	[ "$status" -ne 0 ]
	[[ "$output" == "honeyspy-cert: "*"empty passphrase"* ]]
	run setsid -w "$HC" -d "$D" admin bob </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == "honeyspy-cert: "* ]]
	[ ! -e "$D/admins/bob.key" ]
	[ ! -e "$D/admins/bob.crt" ]
	run "$HC" -d "$D" list
	[[ "$output" != *bob* ]]
}

@test "on a terminal the passphrase is asked twice and must match" {
	# answer.py CMD... -- ANSWER...: each answer goes to the next prompt.
	cat >"$T/answer.py" <<'PY'
import os, pty, sys
sep = sys.argv.index("--")
args, answers = sys.argv[1:sep], sys.argv[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(args[0], args)
out, i = b"", 0
while True:
    try:
        d = os.read(fd, 1024)
    except OSError:
        break
    if not d:
        break
    out += d
    if i < len(answers) and out.count(b"assphrase") > i:
        os.write(fd, answers[i].encode() + b"\n")
        i += 1
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
PY
	run timeout 20 "$PY" "$T/answer.py" "$HC" -d "$D" admin bob -- one two
	[ "$status" -ne 0 ]
	[[ "$output" == *"passphrases do not match"* ]]
	[ ! -e "$D/admins/bob.key" ]
	run timeout 20 "$PY" "$T/answer.py" "$HC" -d "$D" admin bob -- "" ""
	[ "$status" -ne 0 ]
	[[ "$output" == *"empty passphrase"* ]]
	run timeout 20 "$PY" "$T/answer.py" "$HC" -d "$D" admin bob -- \
	    s3cret s3cret
	[ "$status" -eq 0 ]
	[[ "$output" == *"Passphrase for admin bob: "*"Repeat passphrase: "* ]]
	[[ "$output" != *s3cret* ]]
	run openssl pkey -in "$D/admins/bob.key" -passin pass:s3cret -noout
	[ "$status" -eq 0 ]
}

@test "master and sensor complete a mutual TLS 1.3 handshake" {
	start_server
	run client s1
	[ "$status" -eq 0 ]
	[[ "$output" == *"Verification: OK"* ]]
	[[ "$output" == *"Verified peername: master.example"* ]]
	[[ "$output" == *"TLSv1.3"* ]]
	wait "$SPID"
	SPID=
	run cat "$T/server.out"
	[[ "$output" == *"CONNECTION ESTABLISHED"* ]]
	[[ "$output" == *"Protocol version: TLSv1.3"* ]]
	want="Peer certificate: O = HoneySpy, OU = sensor, CN = s1"
	[[ "$output" == *"$want"* ]]
	[[ "$output" == *"Verification: OK"* ]]
}

# In TLS 1.3 the client may finish before the server has judged its
# certificate, so a refusal shows in the server's output, not always in the
# client's exit status.
@test "a certificate from another CA is refused by the master" {
	"$HC" -d "$T/other" init
	"$HC" -d "$T/other" sensor s1
	cp "$T/other/sensors/s1.key" "$D/sensors/stranger.key"
	cp "$T/other/sensors/s1.crt" "$D/sensors/stranger.crt"
	start_server
	run client stranger
	wait "$SPID" || true
	SPID=
	run cat "$T/server.out"
	[[ "$output" == *"CONNECTION FAILURE"* ]]
	[[ "$output" != *"CONNECTION ESTABLISHED"* ]]
}

@test "a revoked sensor fails CRL checks, others still pass" {
	"$HC" -d "$D" sensor s2
	"$HC" -d "$D" revoke s2
	run openssl verify -crl_check -CRLfile "$D/crl.pem" \
	    -CAfile "$D/ca.crt" "$D/sensors/s2.crt"
	[ "$status" -ne 0 ]
	[[ "$output" == *"certificate revoked"* ]]
	for c in master.crt sensors/s1.crt admins/alice.crt; do
		run openssl verify -crl_check -CRLfile "$D/crl.pem" \
		    -CAfile "$D/ca.crt" "$D/$c"
		[ "$status" -eq 0 ]
	done
	serial=$(openssl x509 -in "$D/sensors/s2.crt" -noout -serial)
	run openssl crl -in "$D/crl.pem" -noout -text
	[[ "$output" == *"Serial Number: ${serial#serial=}"* ]]
	# A second revocation re-signs the list with both and a new number.
	"$HC" -d "$D" revoke alice
	run openssl verify -crl_check -CRLfile "$D/crl.pem" \
	    -CAfile "$D/ca.crt" "$D/admins/alice.crt"
	[ "$status" -ne 0 ]
	run openssl verify -crl_check -CRLfile "$D/crl.pem" \
	    -CAfile "$D/ca.crt" "$D/sensors/s2.crt"
	[ "$status" -ne 0 ]
	run openssl crl -in "$D/crl.pem" -noout -crlnumber
	[ "$output" = "crlNumber=0x03" ]
}

@test "a master that checks the CRL refuses a revoked sensor" {
	"$HC" -d "$D" sensor s2
	"$HC" -d "$D" revoke s2
	start_server -crl_check -CRL "$D/crl.pem"
	run client s2
	wait "$SPID" || true
	SPID=
	run cat "$T/server.out"
	[[ "$output" == *"certificate revoked"* ]]
	[[ "$output" == *"CONNECTION FAILURE"* ]]
	[[ "$output" != *"CONNECTION ESTABLISHED"* ]]
}

@test "revoke refuses unknown and already revoked names" {
	run "$HC" -d "$D" revoke nobody
	[ "$status" -ne 0 ]
	[ "$output" = "honeyspy-cert: nobody: no such certificate" ]
	"$HC" -d "$D" revoke s1
	run "$HC" -d "$D" revoke s1
	[ "$status" -ne 0 ]
	[[ "$output" == "honeyspy-cert: s1: already revoked"* ]]
}

@test "bad names are refused" {
	long=$(printf '%064d' 0)
	for n in '' '../x' 'a/b' 'a b' '.hidden' '-x' 'é' "$long" 'a,b' \
	    'a*'; do
		run "$HC" -d "$D" sensor "$n"
		[ "$status" -ne 0 ]
		[[ "$output" == "honeyspy-cert: invalid name"* ]]
	done
	run "$HC" -d "$D" sensor "${long#0}"
	[ "$status" -eq 0 ]
	run "$HC" -d "$D" sensor A.b_c-9
	[ "$status" -eq 0 ]
	run "$HC" -d "$T/x" -n 'bad name' init
	[ "$status" -ne 0 ]
	[ ! -e "$T/x/ca.key" ]
	run "$HC" -d "$T/y" -s 'a,DNS:evil' init
	[ "$status" -ne 0 ]
	[[ "$output" == "honeyspy-cert: invalid alternative name"* ]]
}

@test "nothing is issued twice and init refuses an existing CA" {
	run "$HC" -d "$D" sensor s1
	[ "$status" -ne 0 ]
	[[ "$output" == "honeyspy-cert: s1: already issued"* ]]
	# Names are unique over all roles.
	run "$HC" -d "$D" -p "$T/pass" admin s1
	[ "$status" -ne 0 ]
	run "$HC" -d "$D" sensor alice
	[ "$status" -ne 0 ]
	run "$HC" -d "$D" sensor master
	[ "$status" -ne 0 ]
	# A revoked name stays taken.
	"$HC" -d "$D" revoke s1
	run "$HC" -d "$D" sensor s1
	[ "$status" -ne 0 ]
	sum=$(cat "$D/ca.key" "$D/ca.crt" "$D/master.crt" | md5sum)
	run "$HC" -d "$D" init
	[ "$status" -ne 0 ]
	[[ "$output" == *"a certificate authority exists already"* ]]
	[ "$(cat "$D/ca.key" "$D/ca.crt" "$D/master.crt" | md5sum)" = "$sum" ]
}

@test "commands without a CA fail" {
	run "$HC" -d "$T/none" sensor s1
	[ "$status" -ne 0 ]
	run "$HC" -d "$T" list
	[ "$status" -ne 0 ]
	[[ "$output" == *"no certificate authority"* ]]
}

@test "list shows role, name, serial, not-after and status" {
	"$HC" -d "$D" -V 30 sensor s2
	"$HC" -d "$D" revoke s2
	run "$HC" -d "$D" list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	read -r role name serial notafter st <<<"${lines[0]}"
	[ "$role $name $st" = "master master valid" ]
	s=$(openssl x509 -in "$D/master.crt" -noout -serial)
	[ "$serial" = "${s#serial=}" ]
	[[ "$notafter" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]]
	e=$(openssl x509 -in "$D/master.crt" -noout -enddate)
	[ "$(date -u -d "${e#notAfter=}" +%FT%TZ)" = "$notafter" ]
	read -r role name serial notafter st <<<"${lines[1]}"
	[ "$role $name $st" = "sensor s1 valid" ]
	read -r role name serial notafter st <<<"${lines[2]}"
	[ "$role $name $st" = "admin alice valid" ]
	read -r role name serial notafter st <<<"${lines[3]}"
	[ "$role $name $st" = "sensor s2 revoked" ]
	# -V sets the validity in days.
	e=$(openssl x509 -in "$D/sensors/s2.crt" -noout -enddate)
	end=$(date -u -d "${e#notAfter=}" +%s)
	now=$(date -u +%s)
	[ $((end - now)) -gt $((29 * 86400)) ]
	[ $((end - now)) -le $((30 * 86400)) ]
}

@test "usage errors exit non-zero" {
	run "$HC"
	[ "$status" -ne 0 ]
	run "$HC" -d "$D" frobnicate
	[ "$status" -ne 0 ]
	run "$HC" -d "$D" sensor
	[ "$status" -ne 0 ]
	run "$HC" -d "$D" -p "$T/pass" sensor s9
	[ "$status" -ne 0 ]
	run "$HC" -d "$D" -V 0 sensor s9
	[ "$status" -ne 0 ]
	run "$HC" -d "$D" -V 4000 sensor s9
	[ "$status" -ne 0 ]
	[ ! -e "$D/sensors/s9.crt" ]
}
