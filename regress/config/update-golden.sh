#!/bin/sh
# Regenerate the golden .ok files of regress/config from the current
# honeyspyd.  Review the diff before keeping it: this records whatever
# the binary prints, right or wrong.
#
# usage: regress/config/update-golden.sh	(BIN=dir to use another build)
set -eu

dir=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-"$dir/../../bin"}
honeyspyd="$BIN/honeyspyd"
[ -x "$honeyspyd" ] || { echo "update-golden: no $honeyspyd" >&2; exit 1; }

# diagnostics name the file as given: run from here, like config.bats
cd "$dir"
for y in good-*.yaml; do
	"$honeyspyd" -nv -f "$y" >"${y%.yaml}.ok" || {
		echo "update-golden: $y was rejected" >&2
		exit 1
	}
done
for y in bad-*.yaml; do
	rc=0
	"$honeyspyd" -n -f "$y" >/dev/null 2>"${y%.yaml}.ok" || rc=$?
	if [ "$rc" -ne 1 ]; then
		echo "update-golden: $y exited $rc, expected 1" >&2
		exit 1
	fi
done
set -- ./*.ok
echo "update-golden: regenerated $# files"
