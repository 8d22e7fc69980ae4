#!/usr/bin/env bats
# The outdated web server with curl, socat and nmap from the attacker's
# namespace, through the daemon's superserver: what the client got must
# be what Apache 2.2 (or IIS) sends, and every request an event.

load ../helpers
# shellcheck source-path=SCRIPTDIR
LAB_DIR="$BATS_TEST_DIRNAME/../lab"

setup_file() {
	hs_lab_setup_file hw
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
	# A docroot of the operator's, for the listing on port 8080.
	install -d -m 0755 "$HS_DIR/docroot/backup" "$HS_DIR/www"
	printf 'user=admin\n' >"$HS_DIR/docroot/notes.txt"
	head -c 3000 /dev/zero >"$HS_DIR/docroot/backup/db.sql"
	printf 'secret\n' >"$HS_DIR/docroot/.htpasswd"
	hs_write_config www
	hs_add_config <<EOF
services:
  - address: $SENSOR
    port: 80
    program: $BIN/services/www
    directory: $HS_DIR/www
  - address: $SENSOR
    port: 8080
    program: $BIN/services/www
    args: ["-d", "$HS_DIR/docroot", "-n", "web01"]
    directory: $HS_DIR/www
  - address: $SENSOR
    port: 8081
    program: $BIN/services/www
    args: ["-p", "iis"]
    directory: $HS_DIR/www
EOF
	hs_start
}

teardown() {
	hs_teardown
}

attacker() {
	lab_exec attacker "$@"
}

# The events of one kind, as a JSON array.
events() {
	jq -s --arg e "$1" 'map(select(.eventid == $e))' "$HS_EVENTS"
}

@test "GET /: Apache's Server header and its 'It works!' page; the request is an event" {
	attacker curl -si "http://$SENSOR/" >"$HS_DIR/out"
	cat "$HS_DIR/out"
	grep -q '^HTTP/1.1 200 OK' "$HS_DIR/out"
	grep -q '^Server: Apache/2.2.14 (Ubuntu)' "$HS_DIR/out"
	grep -q '^Date: .* GMT' "$HS_DIR/out"
	grep -q '^ETag: "[0-9a-f]*-b1-[0-9a-f]*"' "$HS_DIR/out"
	grep -q '^Content-Length: 177' "$HS_DIR/out"
	grep -q '<html><body><h1>It works!</h1>' "$HS_DIR/out"
	hs_wait_event honeyspy.http.request
	events honeyspy.http.request | jq -e --arg a "$LAB_ATTACKER_IP" '.[0] |
	    .method == "GET" and .uri == "/" and .version == "HTTP/1.1" and
	    .status == 200 and (.user_agent | startswith("curl/")) and
	    .headers.Accept == "*/*" and .src_ip == $a and
	    .service == "www" and .dst_port == 80'
}

@test "a missing page gets Apache's 404 page with its signature, .ht files a 403" {
	attacker curl -si "http://$SENSOR/admin/login.php" >"$HS_DIR/404"
	cat "$HS_DIR/404"
	grep -q '^HTTP/1.1 404 Not Found' "$HS_DIR/404"
	grep -q '^Content-Type: text/html; charset=iso-8859-1' "$HS_DIR/404"
	cat >"$HS_DIR/want" <<EOF
<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL /admin/login.php was not found on this server.</p>
<hr>
<address>Apache/2.2.14 (Ubuntu) Server at $SENSOR Port 80</address>
</body></html>
EOF
	attacker curl -s "http://$SENSOR/admin/login.php" | cmp - "$HS_DIR/want"
	attacker curl -s -o /dev/null -w '%{http_code}\n' \
	    "http://$SENSOR:8080/.htpasswd" >"$HS_DIR/403"
	grep -qx 403 "$HS_DIR/403"
}

@test "directories: Apache's 'Index of /' for the docroot, the redirect to the slash, /.git/" {
	attacker curl -s "http://$SENSOR:8080/" >"$HS_DIR/index"
	cat "$HS_DIR/index"
	grep -q '<title>Index of /</title>' "$HS_DIR/index"
	grep -q '<a href="?C=N;O=D">Name</a>' "$HS_DIR/index"
	grep -q '<img src="/icons/text.gif" alt="\[TXT\]"></td><td><a href="notes.txt">notes.txt</a>' "$HS_DIR/index"
	grep -q '<a href="backup/">backup/</a>' "$HS_DIR/index"
	run grep -q htpasswd "$HS_DIR/index"
	[ "$status" -eq 1 ]
	grep -q "<address>Apache/2.2.14 (Ubuntu) Server at $SENSOR Port 8080</address>" "$HS_DIR/index"
	attacker curl -si "http://$SENSOR:8080/backup" >"$HS_DIR/moved"
	grep -q '^HTTP/1.1 301 Moved Permanently' "$HS_DIR/moved"
	grep -q "^Location: http://$SENSOR:8080/backup/" "$HS_DIR/moved"
	attacker curl -s "http://$SENSOR:8080/backup/" >"$HS_DIR/sub"
	grep -q '<a href="/">Parent Directory</a>' "$HS_DIR/sub"
	grep -q '<a href="db.sql">db.sql</a></td><td align="right">.*</td><td align="right">2.9K</td>' "$HS_DIR/sub"
	attacker curl -s "http://$SENSOR:8080/notes.txt" | grep -qx 'user=admin'
	attacker curl -s "http://$SENSOR/.git/" >"$HS_DIR/git"
	grep -q '<title>Index of /.git/</title>' "$HS_DIR/git"
	attacker curl -s "http://$SENSOR/.git/HEAD" | grep -qx 'ref: refs/heads/master'
	attacker curl -s "http://$SENSOR/.git/config" | grep -q '\[remote "origin"\]'
}

@test "CGI: test-cgi and printenv report the request, phf 'runs' what follows a newline" {
	attacker curl -s "http://$SENSOR/cgi-bin/test-cgi?x+y" >"$HS_DIR/test"
	cat "$HS_DIR/test"
	grep -qx 'CGI/1.0 test script report:' "$HS_DIR/test"
	grep -qx 'argc is 2. argv is x y.' "$HS_DIR/test"
	grep -qx "REMOTE_ADDR = $LAB_ATTACKER_IP" "$HS_DIR/test"
	grep -qx 'SERVER_SOFTWARE = Apache/2.2.14 (Ubuntu)' "$HS_DIR/test"
	attacker curl -s -A 'Mozilla/4.0 (probe)' "http://$SENSOR/cgi-bin/printenv" >"$HS_DIR/env"
	grep -qx 'HTTP_USER_AGENT="Mozilla/4.0 (probe)"' "$HS_DIR/env"
	grep -qx 'SCRIPT_FILENAME="/usr/lib/cgi-bin/printenv"' "$HS_DIR/env"
	attacker curl -s "http://$SENSOR/cgi-bin/phf?Qalias=x%0a/bin/cat%20/etc/passwd" >"$HS_DIR/phf"
	cat "$HS_DIR/phf"
	grep -q '^root:x:0:0:root:/root:/bin/bash' "$HS_DIR/phf"
	attacker curl -s -o /dev/null -w '%{http_code}\n' "http://$SENSOR/cgi-bin/" | grep -qx 403
	hs_wait_event honeyspy.http.request 4
	events honeyspy.http.request | jq -e 'map(select(.uri |
	    startswith("/cgi-bin/phf"))) | .[0].input == "/bin/cat /etc/passwd"'
}

@test "POST: the body is in the event, text as is and binary in base64; logins are kept" {
	attacker curl -s -d 'pma_username=admin&pma_password=s3cret&server=1' \
	    "http://$SENSOR/phpmyadmin/index.php" >"$HS_DIR/pma"
	grep -q '#1045 - Access denied for user &#39;admin&#39;@&#39;localhost&#39;' "$HS_DIR/pma"
	grep -q 'name="pma_username"' "$HS_DIR/pma"
	printf '\000\377\033[31mbin' >"$HS_DIR/bin"
	attacker curl -s -o /dev/null --data-binary "@$HS_DIR/bin" "http://$SENSOR/upload.php"
	hs_wait_event honeyspy.http.request 2
	events honeyspy.http.request | jq -e '.[0] | .method == "POST" and
	    .body == "pma_username=admin&pma_password=s3cret&server=1" and
	    .body_length == 47 and (.sha256 | length) == 64 and
	    .username == "admin" and .password == "s3cret" and
	    .headers["Content-Type"] == "application/x-www-form-urlencoded"'
	events honeyspy.http.request | jq -e --arg b "$(base64 <"$HS_DIR/bin")" \
	    '.[1] | .uri == "/upload.php" and .status == 404 and
	    .body_encoding == "base64" and .body == $b'
}

@test "keep-alive, HEAD, OPTIONS and TRACE as old Apache answers them" {
	attacker curl -sv -H 'Connection: keep-alive' "http://$SENSOR/" \
	    "http://$SENSOR/index.html" -o /dev/null -o /dev/null 2>"$HS_DIR/ka"
	cat "$HS_DIR/ka"
	grep -q 'Re-using existing connection' "$HS_DIR/ka"
	grep -q '< Keep-Alive: timeout=15, max=100' "$HS_DIR/ka"
	grep -q '< Keep-Alive: timeout=15, max=99' "$HS_DIR/ka"
	attacker curl -sI "http://$SENSOR/index.html" >"$HS_DIR/head"
	grep -q '^Content-Length: 177' "$HS_DIR/head"
	attacker curl -si -X OPTIONS "http://$SENSOR/" >"$HS_DIR/options"
	grep -q '^Allow: GET,HEAD,POST,OPTIONS,TRACE' "$HS_DIR/options"
	attacker curl -s -X TRACE -H 'X-Probe: 1' "http://$SENSOR/" >"$HS_DIR/trace"
	cat "$HS_DIR/trace"
	grep -q '^TRACE / HTTP/1.1' "$HS_DIR/trace"
	grep -q '^X-Probe: 1' "$HS_DIR/trace"
	attacker curl -si -X DEBUG "http://$SENSOR/" >"$HS_DIR/501"
	grep -q '^HTTP/1.1 501 Method Not Implemented' "$HS_DIR/501"
	grep -q '<p>DEBUG to / not supported.<br />' "$HS_DIR/501"
}

@test "malformed, oversized and binary requests get 400 or 414, and the server goes on" {
	printf '\026\003\001\002\000\001\000\001\374\003\003' |
	    attacker socat -t 5 - "TCP:$SENSOR:80" >"$HS_DIR/tls"
	cat "$HS_DIR/tls"
	grep -q '^HTTP/1.1 400 Bad Request' "$HS_DIR/tls"
	grep -q '<address>Apache/2.2.14 (Ubuntu) Server at 127.0.1.1 Port 80</address>' "$HS_DIR/tls"
	printf 'GET / HTTP/1.1\r\nHost: a\r\nNoColonHere\r\n\r\n' |
	    attacker socat -t 5 - "TCP:$SENSOR:80" >"$HS_DIR/colon"
	grep -q "Request header field is missing ':' separator" "$HS_DIR/colon"
	printf 'GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n  folded\r\n\r\n' |
	    attacker socat -t 5 - "TCP:$SENSOR:80" | grep -q '^HTTP/1.1 400 Bad Request'
	{ printf 'GET /'; head -c 10000 /dev/zero | tr '\0' a; printf ' HTTP/1.0\r\n\r\n'; } |
	    attacker socat -t 5 - "TCP:$SENSOR:80" >"$HS_DIR/long"
	grep -q '^HTTP/1.1 414 Request-URI Too Large' "$HS_DIR/long"
	{ printf 'GET / HTTP/1.1\r\nHost: a\r\n'; for i in $(seq 1 120); do printf 'X-%d: y\r\n' "$i"; done; printf '\r\n'; } |
	    attacker socat -t 5 - "TCP:$SENSOR:80" >"$HS_DIR/many"
	grep -q "The number of request header fields exceeds this server's limit." "$HS_DIR/many"
	attacker curl -s "http://$SENSOR/" | grep -q 'It works!'
	hs_wait_event honeyspy.http.request 6
	events honeyspy.http.request | jq -e '.[0] | .status == 400 and
	    .error == "binary request line" and .request_encoding == "base64"'
	events honeyspy.http.request | jq -e 'map(.status) | index(414) != null'
}

@test "the IIS persona: its Server header and its 404 page" {
	attacker curl -si "http://$SENSOR:8081/nothere.aspx" >"$HS_DIR/iis"
	cat "$HS_DIR/iis"
	grep -q '^HTTP/1.1 404 Not Found' "$HS_DIR/iis"
	grep -q '^Server: Microsoft-IIS/7.5' "$HS_DIR/iis"
	grep -q '^X-Powered-By: ASP.NET' "$HS_DIR/iis"
	grep -q '<h2>404 - File or directory not found.</h2>' "$HS_DIR/iis"
	attacker curl -s "http://$SENSOR:8081/" | grep -q '<title>IIS7</title>'
}

@test "nmap -sV names Apache httpd 2.2.14 on Ubuntu" {
	attacker nmap -sV -Pn -p 80 "$SENSOR" >"$HS_DIR/nmap"
	cat "$HS_DIR/nmap"
	grep -Eq '^80/tcp +open +http +Apache httpd 2\.2\.14 \(\(Ubuntu\)\)' "$HS_DIR/nmap"
}
