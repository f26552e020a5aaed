#!/bin/sh
# harden.sh WBSIM SRCDIR - regressions of the hardening review (issue 18):
# outputs that are not regular files, lost standard output, empty checks,
# bounded error excerpts, no silent truncation, strict option values.
set -u
. "$(dirname "$0")/lib.sh"
wb_setup "$1" "$2"

# D1: a folio counts the faults holding it in 3 bits: an eighth fault on a page is refused at
# load (it wrapped the count to 0; tests/test_fidelity.c takes the seven that fit step by step)
expect_rc 2 "$W" run "$S/scenarios/invalid/faults-per-page-too-many.json"
has_err "more than 7 faults (read faults and mmap stores) on page 1"

# inputs the fuzz targets found crashing (tests/fuzz-crashes/): each ends cleanly now
for f in "$S"/tests/fuzz-crashes/scenario-*.json; do
	for cmd in run explore; do
		"$W" $cmd "$f" >"$T/out" 2>"$T/err"
		rc=$?
		if [ "$rc" -ge 128 ] || grep -q Sanitizer "$T/err"; then
			fail "$cmd $(basename "$f"): exit $rc"
		fi
	done
done

# D2: an output path that is not a regular file is written in place, never replaced
echo old >"$T/target"
ln -s target "$T/link"
expect_rc 1 "$W" explore "$C1" --check off --trace-out "$T/link" --dot "$T/link2"
[ -L "$T/link" ] || fail "--trace-out replaced a symlink"
grep -q '"steps"' "$T/target" || fail "--trace-out did not write through the symlink"
# a FIFO stands for a device (never /dev/null itself: a regression run as root would replace it)
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/fromfifo" &
reader=$!
expect_rc 1 "$W" run "$C1" --check off --trace-out "$T/fifo"
# the reader ends with the writer; if the FIFO was replaced it waits forever
i=0
while kill -0 $reader 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill $reader 2>/dev/null
wait $reader 2>/dev/null
[ -p "$T/fifo" ] || fail "--trace-out replaced a FIFO"
grep -q '"steps"' "$T/fromfifo" || fail "--trace-out did not write into the FIFO"
for f in "$T"/*.tmp.*; do
	[ -e "$f" ] && fail "a temporary file was left behind: $f"
done

# D3: results that cannot be written are an error (exit 2), never a silent success
if [ -w /dev/full ]; then
	for cmd in "run $C1 --check off" "explore $C1 --check after_lock" \
		"check $C1"; do
		# shellcheck disable=SC2086
		"$W" $cmd >/dev/full 2>"$T/err"
		rc=$?
		[ "$rc" -eq 2 ] || fail "$cmd >/dev/full: exit $rc, expected 2"
		has_err "cannot write the results to standard output"
	done
fi

# D7: nothing to check is an error, not "0 passed"
mkdir "$T/empty"
expect_rc 2 "$W" check "$T/empty"
has_err "holds no scenario"
cat >"$T/noexp.json" <<'JSON'
{"wbsim":1,"name":"noexp","file":{"size":4096,"extents":[]},
 "tasks":[{"name":"W","op":"write","offset":0,"length":4096,"data":"A"}]}
JSON
expect_rc 2 "$W" check "$T/noexp.json"
has_err 'no "expect"'

# D8: an error in a very long line shows a bounded excerpt
{
	printf '{"wbsim":1,"name":"long","description":"'
	i=0
	while [ $i -lt 2000 ]; do
		printf 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
		i=$((i + 1))
	done
	printf '", "file":{"size":4096,"extents":[]},"tasks":[{"name":"W","op":"write","offset":0,"length":4096,"data":"A","bogus":1}]}\n'
} >"$T/long.json"
expect_rc 2 "$W" run "$T/long.json"
has_err "bogus"
size=$(wc -c <"$T/err")
[ "$size" -lt 2000 ] || fail "a 200 KB line's error printed $size bytes"

# D11: no silent truncation of the extent map's text (1024 alternating extents)
{
	printf '{"wbsim":1,"name":"many","geometry":{"block_size":4096,"page_size":65536},'
	printf '"file":{"size":4194304,"extents":['
	b=0
	while [ $b -lt 1024 ]; do
		[ $b -gt 0 ] && printf ','
		if [ $((b % 2)) -eq 0 ]; then
			printf '{"offset":%d,"length":4096,"state":"unwritten"}' $((b * 4096))
		else
			printf '{"offset":%d,"length":4096,"state":"written","data":"X"}' $((b * 4096))
		fi
		b=$((b + 1))
	done
	printf ']},"tasks":[{"name":"W","op":"write","offset":0,"length":512,"data":"A"}]}\n'
} >"$T/many.json"
expect_rc 0 "$W" run "$T/many.json" --state
grep -qF "[4190208,4194304) WRITTEN" "$T/out" || fail "the extent map's text was cut"

# D13: option values are whole and numbers exact
expect_rc 2 "$W" run "$C1" --check off,kernel=6.1
has_err "no commas"
expect_rc 2 "$W" run "$C1" --kernel 6.1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
expect_rc 2 "$W" explore "$C1" --max-states 99999999999999999999999
expect_rc 2 "$W" run "$C1" --seed 18446744073709551616
expect_rc 2 "$W" explore "$C1" --max-states ' 5'

# D4: an output path that cannot be written is refused before the search; one that
# fails after it (no dot on PATH for --svg) still leaves the report
expect_rc 2 "$W" explore "$C1" --check off --trace-out /nonexistent-dir/t.json
has_err "cannot create it"
PATH=/nonexistent "$W" explore "$C1" --check off --svg "$T/x.svg" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 2 ] || fail "--svg without dot: exit $rc, expected 2"
grep -q "verdict: corrupt" "$T/out" || fail "--svg without dot dropped the report"

# D6: SIGTERM and SIGHUP stop explore and check with their partial report
BIG=$S/tests/scale/bench-5p-2pass-2ev.json
for sig in TERM HUP INT; do
	"$W" explore "$BIG" --check after_lock --quiet >"$T/out" 2>"$T/err" &
	pid=$!
	sleep 1
	kill -$sig $pid
	wait $pid
	rc=$?
	[ "$rc" -eq 4 ] || fail "explore, SIG$sig: exit $rc, expected 4"
	grep -q "stopped by: interrupt" "$T/out" || fail "explore, SIG$sig: no partial report"
done
sed '$ s/^}$/, "expect": { "after_lock": "safe" } }/' "$BIG" >"$T/bigexp.json"
"$W" check "$T/bigexp.json" >"$T/out" 2>"$T/err" &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
rc=$?
[ "$rc" -eq 4 ] || fail "check, SIGTERM: exit $rc, expected 4"
grep -q "0 passed, 0 failed, 1 undecided" "$T/out" || fail "check, SIGTERM: no summary"

# D9, D10: dot, explain and replay trust a trace only as far as it replays: an edited
# verdict, offset, i_size, footprint, warning or deadlock is refused by all three
"$W" explore "$C1" --check off --trace-out "$T/c1.json" >/dev/null 2>&1
n=0
for edit in 's/"verdict": "corrupt"/"verdict": "safe"/' \
	's/"offset": 6144,/"offset": -1,/' \
	'0,/"i_size": 8192/s//"i_size": 4096/' \
	'0,/"access": "read"/s//"access": "write"/' \
	's/"warnings": \[/"warnings": [ "edited",/'; do
	n=$((n + 1))
	sed "$edit" "$T/c1.json" >"$T/edit$n.json"
	cmp -s "$T/c1.json" "$T/edit$n.json" && { fail "edit $n changed nothing"; continue; }
	for cmd in replay dot explain; do
		expect_rc 2 "$W" $cmd "$T/edit$n.json"
	done
done

# papercuts: --all-failing's names keep *.trace.json; replay --json --at gives the world;
# a search without a failure says it writes no trace
expect_rc 1 "$W" explore "$C1" --check off --all-failing 2 --trace-out "$T/af.trace.json"
[ -s "$T/af-1.trace.json" ] || fail "--all-failing: no af-1.trace.json"
expect_rc 1 "$W" replay "$T/af-1.trace.json" --json --at 3
grep -q '"state": "  i_size' "$T/out" || fail "replay --json --at: no state"
expect_rc 0 "$W" explore "$C1" --check after_lock --trace-out "$T/none.json"
has_err "no failing execution: --trace-out not written"

# check's FAIL line on an unexpected failure says how to reproduce it, and that works
sed 's/"off": "corrupt"/"off": "safe"/' "$C1" >"$T/c1safe.json"
expect_rc 1 "$W" check "$T/c1safe.json"
repro=$(grep 'reproduce: wbsim run' "$T/out" | head -1 | sed 's/.*reproduce: wbsim //')
if [ -z "$repro" ]; then
	fail "check FAIL: no reproduce line"
else
	# shellcheck disable=SC2086
	"$W" $repro >"$T/out" 2>"$T/err"
	grep -q "verdict: corrupt" "$T/out" || fail "check's reproduce line does not reproduce"
fi

# "-" is standard input for a scenario; standard output is not for a diagram beside the report
"$W" run - --check off <"$C1" >"$T/out" 2>"$T/err"
grep -q "verdict: corrupt" "$T/out" || fail "run - did not read the scenario from standard input"
expect_rc 2 "$W" run "$C1" --dot -
has_err "standard output holds the report"

# "did you mean" for a near miss: a key, a value, a step
expect_rc 2 "$W" run "$S/scenarios/invalid/unknown-top-key.json"
has_err 'unknown key "sheduel" (did you mean "schedule"?)'
sed 's/"W2:write_end"/"W2:write_ned"/' "$C1" >"$T/typo.json"
expect_rc 2 "$W" run "$T/typo.json"
has_err '(did you mean "write_end"?)'

# --schedule on the command line: "did you mean" for a task or a step, as in scenario files
expect_rc 2 "$W" run "$C1" --schedule W1,W2:write_ned
has_err 'W2 never takes a step named write_ned (did you mean "write_end"?)'
expect_rc 2 "$W" run "$C1" --schedule w1
has_err 'no task named w1 (did you mean "W1"?)'
expect_rc 2 "$W" run "$C1" --schedule W3
has_err 'no task named W3 (the tasks are W1, W2, WB, RC)'

# getopt's complaints in the tool's own words and prefix
expect_rc 2 "$W" run "$C1" --bogus
has_err "wbsim run: error: unknown option '--bogus'"
expect_rc 2 "$W" explore "$C1" --max-states
has_err "wbsim explore: error: option '--max-states' needs a value"

[ "$fails" -eq 0 ] || { echo "harden.sh: $fails failures" >&2; exit 1; }
echo "harden.sh: all passed"
