#!/usr/bin/env bats
# Exploit-payload detection measured on a labelled corpus: attacks that
# real tools generate (pwntools shellcraft, encoders, fmtstr_payload,
# cyclic; nasm GetPC decoders) in protocol contexts, and benign traffic
# and binary data.  Required: >= 95 % detected per kind, <= 0.5 % of
# benign samples flagged.  The figures are printed as TAP comments.

PY=/usr/bin/python3

setup_file() {
	export BIN=${BIN:-$BATS_TEST_DIRNAME/../../bin}
	if ! "$PY" -c 'import pwn' 2>/dev/null; then
		export DETECT_SKIP="needs Debian's python3-pwntools (scripts/install-deps)"
		return 0
	fi
	CORPUS=$(mktemp -d /tmp/hs-detect.XXXXXX)
	export CORPUS
	# Each generator numbers its own samples: one directory each.
	mkdir "$CORPUS/sc" "$CORPUS/tx"
	"$PY" "$BATS_TEST_DIRNAME/gen_shellcode_corpus.py" "$CORPUS/sc" >/dev/null
	"$PY" "$BATS_TEST_DIRNAME/gen_text_corpus.py" "$CORPUS/tx" >/dev/null
	# One run over everything; exit 1 means "something was found", 2 an
	# error: only libunicorn's own abort is allowed as one (a test below
	# counts them), and the other analyzers have run on that file.
	local rc=0
	"$BIN/honeyspy-detect" -j "$CORPUS"/sc/*.bin "$CORPUS"/tx/*.bin \
	    >"$CORPUS/findings.json" 2>"$CORPUS/errors" || rc=$?
	cat "$CORPUS/errors" >&2
	[ "$rc" -le 1 ] || { [ "$rc" -eq 2 ] &&
	    ! grep -qv -e 'analysis stopped by signal 6 (Aborted)$' \
	    -e 'tcg fatal error$' "$CORPUS/errors"; }
}

teardown_file() {
	[ -z "${CORPUS:-}" ] || rm -rf "$CORPUS"
}

setup() {
	[ -z "${DETECT_SKIP:-}" ] || skip "$DETECT_SKIP"
}

# rate KIND: detected and total attack samples of that kind.
rate() {
	local total found

	total=$(find "$CORPUS" -name "attack-$1-*.bin" | wc -l)
	found=$(jq -r --arg k "honeyspy.detect.$1" \
	    'select(.eventid == $k) | .file' "$CORPUS/findings.json" |
	    grep "/attack-$1-" | sort -u | wc -l)
	echo "$found $total"
}

check_kind() {
	local found total

	read -r found total < <(rate "$1")
	echo "# $1: $found of $total detected" >&3
	[ "$total" -ge 20 ]
	# >= 95 %
	[ $((found * 100)) -ge $((total * 95)) ]
}

@test "shellcode: at least 95% of the attack samples are detected" {
	check_kind shellcode
}

@test "format strings: at least 95% of the attack samples are detected" {
	check_kind format_string
}

@test "overflows: at least 95% of the attack samples are detected" {
	check_kind overflow
}

@test "benign traffic and binary data: at most 0.5% flagged" {
	total=$(find "$CORPUS" -name 'benign-*.bin' | wc -l)
	flagged=$(jq -r '.file' "$CORPUS/findings.json" | grep '/benign-' |
	    sort -u | wc -l)
	echo "# benign: $flagged of $total flagged" >&3
	jq -r 'select(.file | test("/benign-")) |
	    "# " + .file + ": " + .eventid + " " + .description' \
	    "$CORPUS/findings.json" | head -20 >&3
	[ "$total" -ge 200 ]
	[ $((flagged * 1000)) -le $((total * 5)) ]
}

@test "an emulator abort costs that file's shellcode analysis only" {
	local files aborted f

	files=$(find "$CORPUS" -name '*.bin' | wc -l)
	aborted=$(grep -c 'analysis stopped by signal' "$CORPUS/errors" || true)
	echo "# emulator aborts: $aborted of $files files" >&3
	[ $((aborted * 100)) -le "$files" ]
	# the analyzers that run first still reported on each of them
	for f in $(sed -n 's/^honeyspy-detect: \(.*\): analysis stopped.*/\1/p' \
	    "$CORPUS/errors" | grep '/attack-overflow-'); do
		jq -s -e --arg f "$f" 'map(select(.file == $f and
		    .eventid == "honeyspy.detect.overflow")) | length > 0' \
		    "$CORPUS/findings.json" >/dev/null
	done
}

@test "honeyspy-detect: exit 1 on a finding, 0 on none, 2 on an error" {
	printf 'GET /index.html HTTP/1.1\r\nHost: example.org\r\n\r\n' \
	    >"$CORPUS/plain.txt"
	run "$BIN/honeyspy-detect" "$CORPUS/plain.txt"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	f=$(find "$CORPUS" -name 'attack-format_string-*.bin' | sort | head -n 1)
	run "$BIN/honeyspy-detect" "$f"
	[ "$status" -eq 1 ]
	[[ "$output" == *"format_string at "* ]]
	run "$BIN/honeyspy-detect" "$CORPUS/nonexistent"
	[ "$status" -eq 2 ]
	[[ "$output" == *"nonexistent: No such file or directory"* ]]
	run "$BIN/honeyspy-detect" -j "$f"
	[ "$status" -eq 1 ]
	echo "$output" | jq -e '.eventid == "honeyspy.detect.format_string" and
	    (.sha256 | length) == 64 and .confidence > 0'
}
