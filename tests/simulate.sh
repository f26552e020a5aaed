#!/bin/sh
# simulate.sh WBSIM SRCDIR - wbsim simulate (issue 21): C1 in simulated time.  The same seed
# gives the same report with 1 and 2 threads; a stall before W2's folio_get of page 1 makes C1
# fail with validity_check off and never with after_lock; the first failing run's trace
# replays; --vary gives a monotone table and, when gnuplot is there, an SVG plot; --json has
# its members; bad timing and bad options are refused.
set -u
. "$(dirname "$0")/lib.sh"
wb_setup "$1" "$2"
STALL=$S/timing/c1-writer-stall.json

has() { grep -qF -- "$2" "$T/$1" || { fail "$1 lacks '$2'"; cat "$T/$1" >&2; }; }

# the stall: failures with the check off, a trace that replays to the same corruption
expect_rc 1 "$W" simulate "$C1" --check off --timing "$STALL" --runs 3000 --seed 5 \
	--trace-out "$T/first.trace.json"
has out "failing"
has out "95% interval"
has out "stale window"
has out "trace: $T/first.trace.json"
cp "$T/out" "$T/one-thread"
expect_rc 1 "$W" replay "$T/first.trace.json"
has out "verdict: corrupt"
has out "W2 write_begin zeroed"
expect_rc 0 "$W" dot "$T/first.trace.json" -o "$T/first.dot"

# threads split the runs without changing the report
expect_rc 1 "$W" simulate "$C1" --check off --timing "$STALL" --runs 3000 --seed 5 --threads 2 \
	--trace-out "$T/first.trace.json"
cmp -s "$T/out" "$T/one-thread" || fail "--threads 2 changed the report"

# the fix: no failure, and the rule of three says what that bounds
expect_rc 0 "$W" simulate "$C1" --check after_lock --timing "$STALL" --runs 3000
has out "failing 0"
has out "by the rule of three, below 3/3000 = 0.001"
has out "the validity check found a stale mapping"

# --json
expect_rc 1 "$W" simulate "$C1" --check off --timing "$STALL" --runs 500 --json
python3 - "$T/out" <<'PY' || fail "--json members"
import json, sys
o = json.load(open(sys.argv[1]))
for k in ("runs", "failing_runs", "probability", "ci_low", "ci_high", "first_failure",
          "stale_window_ns"):
    assert k in o, k
assert o["runs"] == "500" and int(o["failing_runs"]) > 0
assert o["ci_low"] <= o["probability"] <= o["ci_high"]
PY

# --vary: the longer the stall, the likelier the failure
expect_rc 1 "$W" simulate "$C1" --check off --timing "$STALL" --runs 2000 \
	--vary delays.0.delay=1ms,100ms,1s,5s
python3 - "$T/out" <<'PY' || { fail "--vary table not monotone"; cat "$T/out" >&2; }
import sys
rows = [l.split() for l in open(sys.argv[1]) if l[:1].isdigit()]
p = [float(r[3]) for r in rows]
assert len(p) == 4 and p == sorted(p) and p[-1] > p[0], p
PY
# a switch too
expect_rc 1 "$W" simulate "$C1" --timing "$STALL" --runs 500 --vary check=off,after_lock
has out "check"

# --svg: drawn by gnuplot when it is installed (the rest of the test does not need it)
if command -v gnuplot >/dev/null; then
	expect_rc 1 "$W" simulate "$C1" --check off --timing "$STALL" --runs 500 \
		--vary delays.0.delay=10ms,1s --svg "$T/p.svg"
	grep -q "<svg" "$T/p.svg" 2>/dev/null || fail "--svg wrote no SVG"
else
	echo "simulate.sh: gnuplot missing, --svg not tested (scripts/deps.sh installs it)"
fi

# a scenario's own "timing" section, and --timing over it
sed '$ s/^}$/, "timing": { "delays": [ { "task": "W2", "step": "folio_get", "page": 1, "delay": "2s" } ] } }/' \
	"$C1" >"$T/c1t.json"
expect_rc 1 "$W" simulate "$T/c1t.json" --check off --runs 300
has out "timing: the scenario's"
has out "delay: W2 before folio_get of page 1: 2 s"
expect_rc 1 "$W" simulate "$T/c1t.json" --check off --runs 300 --timing "$STALL"
has out "delay: W2 before folio_get of page 1: 1 s"

# Ctrl-C (and SIGTERM) stop with the runs done so far
for sig in INT TERM; do
	"$W" simulate "$C1" --runs 1000000000 --quiet >"$T/out" 2>"$T/err" &
	pid=$!
	sleep 1
	kill -$sig $pid
	wait $pid
	rc=$?
	[ "$rc" -eq 4 ] || fail "simulate, SIG$sig: exit $rc, expected 4"
	has out "(stopped by interrupt)"
done

# errors: located, with did-you-mean; usage
printf '{ "delays": [ { "task": "W2", "step": "folio_gte", "delay": "1ms" } ] }\n' >"$T/bad.json"
expect_rc 2 "$W" simulate "$C1" --timing "$T/bad.json"
has err "bad.json:1:39: error: /delays/0/step: W2 never takes a step named \"folio_gte\" (did you mean \"folio_get\"?)"
expect_rc 2 "$W" simulate "$C1" --vary delays.0.delay=1ms
has err "--vary delays.0.delay"
expect_rc 2 "$W" simulate "$C1" --vary reclaim_per_second=fast
has err "reclaim_per_second: expected a number"
expect_rc 2 "$W" simulate "$C1" --svg "$T/x.svg"
has err "--svg plots a --vary sweep"
expect_rc 2 "$W" simulate "$C1" --threads 0
expect_rc 2 "$W" simulate "$C1" --runs x

[ "$fails" -eq 0 ] && echo "simulate.sh: ok" && exit 0
echo "simulate.sh: $fails failures" >&2
exit 1
