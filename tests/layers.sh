#!/bin/sh
# SPDX-License-Identifier: MIT
#
# layers.sh - the layers include only what they may:
#   sim/    sim/ only (the engine knows nothing of kernels)
#   model/  sim/ and model/
#   viz/    sim/ and viz/
#   the engine's tests (test_sim.c, toy_model.[ch], naive.h): sim/ and themselves
# app/ and the other tests may include anything.  Every #include of a project
# header, in quotes or angle brackets, must name an allowed layer directory
# ("sim/sim.h"); a path that climbs out ("../model/world.h") is refused too.
#
# usage: tests/layers.sh SOURCE_DIR     check a source tree (exit 1 on a violation)
#        tests/layers.sh --selftest     check that a bad include is caught
set -u

# check_file FILE ALLOWED...: print each include of FILE outside ALLOWED; 1 if any.
check_file() {
	f=$1
	shift
	bad=0
	# project includes: "x" always, <x> when x starts with a directory of ours
	incs=$(sed -n -e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' \
		-e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\(\(sim\|model\|viz\|app\|tests\)\/[^>]*\)>.*/\1/p' \
		"$f")
	for inc in $incs; do
		ok=0
		case $inc in
		*..*) ;;
		*)
			for allowed in "$@"; do
				case $inc in
				"$allowed"*) ok=1 ;;
				esac
			done
			;;
		esac
		if [ $ok = 0 ]; then
			echo "$f: includes \"$inc\"; it may include only: $*" >&2
			bad=1
		fi
	done
	return $bad
}

check_tree() {
	root=$1
	fail=0
	n=0
	for f in "$root"/sim/*.[ch]; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		check_file "$f" sim/ || fail=1
	done
	for f in "$root"/model/*.[ch]; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		check_file "$f" sim/ model/ || fail=1
	done
	for f in "$root"/viz/*.[ch]; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		check_file "$f" sim/ viz/ || fail=1
	done
	for f in "$root"/tests/test_sim.c "$root"/tests/toy_model.c "$root"/tests/toy_model.h \
		"$root"/tests/naive.h; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		check_file "$f" sim/ tests/toy_model.h tests/naive.h || fail=1
	done
	if [ $n = 0 ]; then
		echo "layers.sh: no sources under $root" >&2
		return 1
	fi
	return $fail
}

if [ "${1:-}" = --selftest ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/sim" "$tmp/model" "$tmp/viz"
	printf '#include <stdio.h>\n#include "sim/sim.h"\n' >"$tmp/sim/a.c"
	printf '#include "sim/sim.h"\n#include "model/world.h"\n' >"$tmp/model/b.c"
	printf '#include "sim/xmalloc.h"\n#include "viz/viz.h"\n' >"$tmp/viz/c.c"
	check_tree "$tmp" 2>/dev/null || { echo "selftest: a good tree fails" >&2; exit 1; }
	for bad in '#include "model/world.h"' '#include <app/app.h>' '#include "../model/world.h"' \
		'  #  include "viz/viz.h"'; do
		printf '%s\n' "$bad" >"$tmp/sim/d.c"
		if check_tree "$tmp" 2>/dev/null; then
			echo "selftest: sim/ with '$bad' passes" >&2
			exit 1
		fi
	done
	rm "$tmp/sim/d.c"
	printf '#include "app/app.h"\n' >"$tmp/model/e.c"
	check_tree "$tmp" 2>/dev/null && { echo "selftest: model/ including app/ passes" >&2; exit 1; }
	rm "$tmp/model/e.c"
	printf '#include "model/world.h"\n' >"$tmp/viz/f.c"
	check_tree "$tmp" 2>/dev/null && { echo "selftest: viz/ including model/ passes" >&2; exit 1; }
	echo "layers.sh selftest: ok"
	exit 0
fi

[ $# = 1 ] || { echo "usage: layers.sh SOURCE_DIR | --selftest" >&2; exit 2; }
check_tree "$1" || exit 1
echo "layers: ok"
