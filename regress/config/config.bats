#!/usr/bin/env bats
#
# Golden tests for honeyspyd.yaml parsing: good-*.yaml must print their .ok
# with -nv, bad-*.yaml must fail with exactly the diagnostics in their .ok,
# and every canonical form must parse again to itself.
# Regenerate the .ok files with update-golden.sh after a deliberate change.

setup() {
	BIN=${BIN:-"$BATS_TEST_DIRNAME/../../bin"}
	HONEYSPYD="$BIN/honeyspyd"
	TOP="$BATS_TEST_DIRNAME/../.."
	[ -x "$HONEYSPYD" ] || {
		echo "no $HONEYSPYD: build it first" >&2
		return 1
	}
	# messages carry the file name as given: run from this directory
	cd "$BATS_TEST_DIRNAME" || return 1
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/hsconfig.XXXXXX")
}

teardown() {
	[ -z "${TMP:-}" ] || rm -rf "$TMP"
}

# $1: a .yaml whose canonical form must parse again to the same output.
roundtrip() {
	local y=$1

	"$HONEYSPYD" -nv -f "$y" >"$TMP/out1" 2>"$TMP/err1" || {
		echo "$y: -nv failed: $(cat "$TMP/err1")"
		return 1
	}
	grep -v '^# configuration OK$' "$TMP/out1" >"$TMP/canon.yaml"
	"$HONEYSPYD" -nv -f "$TMP/canon.yaml" >"$TMP/out2" 2>"$TMP/err2" || {
		echo "$y: canonical form rejected: $(cat "$TMP/err2")"
		return 1
	}
	diff -u "$TMP/out1" "$TMP/out2" || {
		echo "$y: canonical form is not stable"
		return 1
	}
}

@test "there are good and bad cases, each with its .ok" {
	local n=0 y
	for y in good-*.yaml bad-*.yaml; do
		[ -f "$y" ] || continue
		[ -f "${y%.yaml}.ok" ] || { echo "missing ${y%.yaml}.ok"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 10 ]
}

@test "good configurations print their golden canonical form" {
	local y failed=0
	for y in good-*.yaml; do
		run "$HONEYSPYD" -nv -f "$y"
		if [ "$status" -ne 0 ]; then
			echo "$y: exit $status: $output"
			failed=1
			continue
		fi
		"$HONEYSPYD" -nv -f "$y" 2>/dev/null | diff -u "${y%.yaml}.ok" - ||
		    failed=1
	done
	[ "$failed" -eq 0 ]
}

@test "good configurations pass -n with 'configuration OK'" {
	local y out failed=0
	for y in good-*.yaml; do
		out=$("$HONEYSPYD" -n -f "$y" 2>/dev/null) || {
			echo "$y: exit $?"
			failed=1
		}
		[ "$out" = "configuration OK" ] || {
			echo "$y: printed '$out'"
			failed=1
		}
	done
	[ "$failed" -eq 0 ]
}

@test "bad configurations exit 1 with their golden diagnostics" {
	local y rc failed=0
	for y in bad-*.yaml; do
		rc=0
		"$HONEYSPYD" -n -f "$y" >"$TMP/out" 2>"$TMP/err" || rc=$?
		if [ "$rc" -ne 1 ]; then
			echo "$y: exit $rc, expected 1"
			failed=1
		fi
		if [ -s "$TMP/out" ]; then
			echo "$y: printed on stdout: $(cat "$TMP/out")"
			failed=1
		fi
		diff -u "${y%.yaml}.ok" "$TMP/err" || failed=1
	done
	[ "$failed" -eq 0 ]
}

@test "canonical output parses again to the identical output" {
	local y failed=0
	for y in good-*.yaml "$TOP"/etc/*.yaml; do
		roundtrip "$y" || failed=1
	done
	[ "$failed" -eq 0 ]
}

@test "shipped etc/*.yaml pass -n" {
	local y n=0 failed=0
	for y in "$TOP"/etc/*.yaml; do
		[ -f "$y" ] || continue
		n=$((n + 1))
		run "$HONEYSPYD" -n -f "$y"
		if [ "$status" -ne 0 ] || [ "$output" != "configuration OK" ]; then
			echo "$y: exit $status: $output"
			failed=1
		fi
	done
	[ "$n" -ge 3 ] && [ "$failed" -eq 0 ]
}

@test "a missing file is an error" {
	run "$HONEYSPYD" -n -f "$TMP/does-not-exist.yaml"
	[ "$status" -eq 1 ]
}
