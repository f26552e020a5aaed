#!/bin/sh
# shrink.sh WBSIM SRCDIR - wbsim shrink: a catalogue race padded with tasks that play no part
# in it comes back as C1's race (at most 4 tasks, a counterexample of at most 40 steps, the same
# kind of failure), valid, with an expect that `check` confirms and a trace `replay` reproduces;
# the result is deterministic.  POSIX sh + grep only.
set -u
. "$(dirname "$0")/lib.sh"
wb_setup "$1" "$2"
PAD=$S/tests/shrink/c1-padded.json

# --- the padded C1: 7 tasks, 4 pages -> C1's race
# (a small budget per candidate keeps it fast; the default finds the same)
expect_rc 1 "$W" shrink "$PAD" --check off -o "$T/small.json" --trace-out "$T/small-trace.json" \
	--candidate-states 50000
cp "$T/out" "$T/summary"
has "shrink $PAD (off): corrupt, kind write_begin"
has "  before: 7 tasks, 4 pages,"
tasks=$(sed -n 's/^  after:  \([0-9]*\) tasks\{0,1\},.*/\1/p' "$T/out")
steps=$(sed -n 's/^  after: .* counterexample of \([0-9]*\) steps$/\1/p' "$T/out")
[ -n "$tasks" ] && [ "$tasks" -le 4 ] || fail "the result has '$tasks' tasks, expected at most 4"
[ -n "$steps" ] && [ "$steps" -le 40 ] || fail "the counterexample has '$steps' steps, expected at most 40"
grep -q "  by:   step [0-9]*: W2 write_begin zeroed" "$T/out" || fail "not a stale write_begin"
grep -qF '"off": "corrupt"' "$T/small.json" || fail "no expect for the setting"
grep -qF "Shrunk by wbsim shrink from $PAD under validity_check=off" "$T/small.json" ||
	fail "the description does not say where it comes from"
# the result is a valid scenario whose expect holds, and its trace replays
expect_rc 0 "$W" check "$T/small.json"
expect_rc 1 "$W" replay "$T/small-trace.json"
has "verdict: corrupt"
# deterministic: the same scenario twice
expect_rc 1 "$W" shrink "$S/scenarios/c1-unwritten.json" --check off -o "$T/c1a.json" --quiet
expect_rc 1 "$W" shrink "$S/scenarios/c1-unwritten.json" --check off -o "$T/c1b.json" --quiet
cmp -s "$T/c1a.json" "$T/c1b.json" || fail "two shrinks of the same scenario differ"
grep -qF '"name": "c1-unwritten-shrunk"' "$T/c1a.json" || fail "the result's name"

# --- other kinds keep theirs
expect_rc 1 "$W" shrink "$S/scenarios/truncate-up-zero-stale.json" --check off -o "$T/tr.json"
has "kind eof-zeroing"
expect_rc 1 "$W" shrink "$S/scenarios/short-copy-uninit.json" --check off -o "$T/sc.json"
has "kind exposure"
has "  exposed: ["
expect_rc 1 "$W" shrink "$S/scenarios/wb-revalidate.json" --set writeback_revalidate=false \
	-o "$T/wb.json"
has "kind writeback"
grep -qF '"writeback_revalidate=false": "corrupt"' "$T/wb.json" || fail "expect key of --set"
expect_rc 0 "$W" check "$T/wb.json"
expect_rc 1 "$W" shrink "$S/scenarios/patch1-mkwrite-cleanup.json" --kernel 6.1 \
	--set drop_writes=true -o "$T/p1.json"
has "deadlock, kind deadlock"
has "  stuck: "

# --- a safe scenario, usage and input errors
expect_rc 0 "$W" shrink "$S/scenarios/c1-unwritten.json" --check after_lock -o "$T/safe.json"
has "safe under after_lock: nothing to shrink"
[ -e "$T/safe.json" ] && fail "a safe scenario was written"
expect_rc 2 "$W" shrink "$PAD" --check off
has_err "-o FILE is required"
expect_rc 2 "$W" shrink "$S/scenarios/invalid/write-length-zero.json" -o "$T/x.json"
has_err "error: /tasks/1/length: must be > 0"
expect_rc 2 "$W" shrink "$PAD" --candidate-states 0 -o "$T/x.json"
expect_rc 0 "$W" shrink --help
has "usage: wbsim shrink SCENARIO -o FILE"

[ "$fails" -eq 0 ] || { echo "$fails failures" >&2; exit 1; }
echo "shrink: all passed"
