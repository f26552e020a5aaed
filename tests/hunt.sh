#!/bin/sh
# hunt.sh WBSIM SRCDIR - wbsim hunt: 4 shards run through GNU parallel -j2 and merged give a
# report byte-identical to the unsharded run's (every file of the directory); --jobs 2 and a
# resumed run give the same; the space file's errors are located; scenario i is drawn alone.
# Skipped (77) without GNU parallel (scripts/deps.sh installs it).  POSIX sh.
set -u
. "$(dirname "$0")/lib.sh"
wb_setup "$1" "$2"
command -v parallel >/dev/null 2>&1 || { echo "SKIP: GNU parallel is not installed" >&2; exit 77; }
parallel --version 2>/dev/null | grep -q "GNU parallel" || {
	echo "SKIP: 'parallel' is not GNU parallel" >&2
	exit 77
}
# a small space (tests/hunt/small.json: C1's neighbourhood, 6.1 only): a few seconds in debug and
# sanitizer builds
SPACE=$S/tests/hunt/small.json
ARGS="--count 16 --seed 2 --quiet"

# the whole run, in one process
# shellcheck disable=SC2086
"$W" hunt "$SPACE" $ARGS -o "$T/one" >"$T/one.out" 2>"$T/one.err"
rc=$?
[ "$rc" -eq 1 ] || { fail "unsharded run: exit $rc, expected 1 (failures found)"; cat "$T/one.err" >&2; }
grep -q '^| \[`lost:stale_write_begin`\]' "$T/one/index.md" || fail "no lost:stale_write_begin in the report"
[ -s "$T/one/signatures/lost-stale_write_begin/trace.json" ] || fail "no representative trace"

# 4 shards through GNU parallel, 2 at a time, then merged
# shellcheck disable=SC2086
parallel --will-cite -j2 "$W" hunt "$SPACE" $ARGS --shard {}/4 -o "$T/shard{}" ::: 1 2 3 4 \
	>"$T/shards.out" 2>"$T/shards.err"
rc=$?
[ "$rc" -le 4 ] || { fail "shards: exit $rc"; cat "$T/shards.err" >&2; }
"$W" hunt --merge "$T/shard1" "$T/shard2" "$T/shard3" "$T/shard4" -o "$T/merged" --quiet \
	>"$T/merged.out" 2>"$T/merged.err"
rc=$?
[ "$rc" -eq 1 ] || { fail "merge: exit $rc, expected 1"; cat "$T/merged.err" >&2; }
diff -r "$T/one" "$T/merged" >"$T/diff" || { fail "merged report differs from the unsharded one"; head -20 "$T/diff" >&2; }

# a merge with a shard missing is refused, saying which scenario has no result
"$W" hunt --merge "$T/shard1" "$T/shard2" -o "$T/partial" --quiet >/dev/null 2>"$T/partial.err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "have no result" "$T/partial.err" || fail "a partial merge: exit $rc"

# --jobs 2 and a resumed run: the same directory
# shellcheck disable=SC2086
"$W" hunt "$SPACE" $ARGS --jobs 2 -o "$T/jobs" >/dev/null 2>&1
diff -r "$T/one" "$T/jobs" >/dev/null || fail "--jobs 2 differs"
rm -f "$T/jobs/results/000003.json" "$T/jobs/results/000017.json" "$T/jobs/index.md"
# shellcheck disable=SC2086
"$W" hunt "$SPACE" $ARGS -o "$T/jobs" >/dev/null 2>&1
diff -r "$T/one" "$T/jobs" >/dev/null || fail "the resumed run differs"
# another hunt into the same directory is refused
"$W" hunt "$SPACE" --count 16 --seed 3 --quiet -o "$T/jobs" >/dev/null 2>"$T/other.err"
[ $? -eq 2 ] && grep -q "holds another hunt" "$T/other.err" || fail "another hunt's directory accepted"

# scenario i alone, as the run drew it; the default space's too
"$W" hunt "$SPACE" --seed 2 --draw 5 >"$T/d5.json" || fail "--draw"
"$W" run "$T/d5.json" --kernel 6.1 >/dev/null 2>&1
[ $? -le 1 ] || fail "the drawn scenario does not run"
grep -q '"name":"small-2-5"' "$T/d5.json" || fail "--draw: not scenario 5 of seed 2"
"$W" hunt "$S/hunts/default.json" --seed 1 --draw 0 >"$T/d0.json" || fail "--draw of the default space"
"$W" run "$T/d0.json" >/dev/null 2>&1
[ $? -le 1 ] || fail "the default space's scenario 0 does not run"

# a bad space: located errors, exit 2
printf '{\n  "wbsim_hunt": 1,\n  "name": "bad",\n  "pages": [3, 1],\n  "block_sizes": [1000]\n}\n' >"$T/bad.json"
"$W" hunt "$T/bad.json" --seed 1 --count 1 -o "$T/bad" >/dev/null 2>"$T/bad.err"
rc=$?
[ "$rc" -eq 2 ] || fail "bad space: exit $rc"
grep -q "bad.json:4:[0-9]*: error: /pages: MIN 3 is larger than MAX 1" "$T/bad.err" || { fail "no located /pages error"; cat "$T/bad.err" >&2; }
grep -q "bad.json:5:[0-9]*: error: /block_sizes/0: must be a power of two" "$T/bad.err" || fail "no located /block_sizes/0 error"
grep -q "^2 errors$" "$T/bad.err" || fail "no error count"

[ "$fails" -eq 0 ] || exit 1
echo "hunt: shards merged byte-identical, --jobs, resume, --draw, space errors: ok"
