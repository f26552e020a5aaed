#!/bin/sh
# SPDX-License-Identifier: MIT
# dot.sh WBSIM SRCDIR [--update] - wbsim dot: golden DOT files compared byte for
# byte, every diagram rendered by the real `dot -Tsvg` with nothing on stderr,
# the C1 picture's facts, determinism, run/explore --dot against wbsim dot,
# --svg, --compare and the errors.
# Goldens change only with --update (or WBSIM_UPDATE_GOLDEN=1).  POSIX sh.
set -u
. "$(dirname "$0")/lib.sh"
wb_setup "$1" "$2"
UPDATE=${WBSIM_UPDATE_GOLDEN:-0}
[ "${3:-}" = "--update" ] && UPDATE=1
G=$S/tests/golden

# Graphviz is required: CI installs it, and a missing dot must not pass silently.
if ! command -v dot >/dev/null 2>&1; then
	echo "FAIL: Graphviz's dot is not on PATH (install graphviz): the diagram tests need it" >&2
	exit 1
fi

# render F.dot: dot -Tsvg must exit 0 and print nothing
render() {
	dot -Tsvg "$1" -o "$1.svg" 2>"$T/dot.err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "dot -Tsvg $1 exited $rc"
	[ -s "$T/dot.err" ] && { fail "dot -Tsvg $1 printed:"; cat "$T/dot.err" >&2; }
	grep -q "<svg" "$1.svg" || fail "dot -Tsvg $1: no SVG"
}

# wdot OUT.dot ARGS...: wbsim dot ARGS > OUT.dot, exit 0, no stderr, rendered
wdot() {
	out=$1
	shift
	"$W" dot "$@" >"$out" 2>"$T/w.err"
	rc=$?
	[ "$rc" -eq 0 ] || { fail "wbsim dot $* exited $rc"; cat "$T/w.err" >&2; }
	[ -s "$T/w.err" ] && { fail "wbsim dot $* printed on stderr"; cat "$T/w.err" >&2; }
	render "$out"
}

# golden NAME: compare $T/NAME with tests/golden/NAME, or update it
golden() {
	if [ "$UPDATE" = 1 ]; then
		mkdir -p "$G" && cp "$T/$1" "$G/$1" && echo "updated tests/golden/$1"
	elif ! cmp -s "$T/$1" "$G/$1"; then
		fail "$1 differs from tests/golden/$1" \
			"(if intended: tests/dot.sh WBSIM SRCDIR --update)"
		diff -u "$G/$1" "$T/$1" | head -40 >&2
	fi
}

has() { grep -qF -- "$2" "$1" || fail "$1 lacks '$2'"; }

# expect_rc RC ARGS...: wbsim dot with an expected exit code, stderr kept in $T/err
expect_rc() {
	want=$1
	shift
	"$W" dot "$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "wbsim dot $*: exit $got, expected $want"
		cat "$T/err" >&2
	fi
}

# --- the traces
"$W" run "$C1" --check off --trace-out "$T/c1.json" >/dev/null 2>&1
"$W" run "$C1" --check after_lock --trace-out "$T/c1a.json" >/dev/null
"$W" run "$C1" --check before_lock --trace-out "$T/c1b.json" >/dev/null 2>&1
"$W" explore "$C1" --check off --trace-out "$T/cex.json" >/dev/null
for f in c1 c1a c1b cex; do
	[ -s "$T/$f.json" ] || fail "no trace $f.json"
done

# --- goldens: C1 under off from the scenario's schedule, compact, and the comparison
wdot "$T/c1-unwritten-off.dot" "$T/c1.json"
wdot "$T/c1-unwritten-off-steps.dot" "$T/c1.json" --steps-only
wdot "$T/c1-unwritten-compare.dot" --compare "$T/c1.json"
for g in c1-unwritten-off.dot c1-unwritten-off-steps.dot c1-unwritten-compare.dot; do
	golden "$g"
done

# --- what the C1 picture says
D=$T/c1-unwritten-off.dot
has "$D" "W1's A*2048 at [6144,8192) lost: found 0*2048"
has "$D" "step 30 W2 write_begin: cookie 0 vs seq 2"
red='color="#c62828"'
grep -q "^[[:space:]]*s30 \[label=\"30 write_begin.*STALE: cookie 0 vs seq 2.*$red" "$D" ||
	fail "the corrupting node s30 does not show 'cookie 0 vs seq 2' in red"
has "$D" "subgraph cluster_win10 {"
has "$D" "stale window: the mapping of step 10"
has "$D" 's27 -> s28 [label="folio 1"'
has "$D" 's28 -> s29 [label="folio 1"'
has "$D" 's8 -> s9 [label="i_rwsem"'
has "$D" "s30 -> lost"
has "$D" "seq 1->2"
has "$D" "extents: [0,8192) WRITTEN"
dups=$(grep -- '-> s[0-9]* \[label=' "$D" | awk '{ print $1, $3 }' | sort | uniq -d)
[ -z "$dups" ] || fail "more than one edge for a (source, target) pair: $dups"
has "$T/c1-unwritten-off-steps.dot" '"1-6 W1: rwsem_lock..write_end\l"'
has "$T/c1-unwritten-compare.dot" 'label="validity_check=off: corrupt"'
has "$T/c1-unwritten-compare.dot" 'label="validity_check=after_lock: safe"'

# the fix at work: the seq bump reaches the failing iomap_valid
wdot "$T/c1a.dot" "$T/c1a.json"
has "$T/c1a.dot" 's29 -> s32 [label="seq"'
has "$T/c1a.dot" "stale mapping caught: step 11's"

# --- every other diagram renders cleanly, and twice gives the same bytes
wdot "$T/c1b.dot" "$T/c1b.json"
wdot "$T/cex.dot" "$T/cex.json"
wdot "$T/cex-steps.dot" "$T/cex.json" --steps-only
wdot "$T/cex-compare.dot" --compare "$T/cex.json" --steps-only
wdot "$T/c1b-compare.dot" --compare "$T/c1b.json"
has "$T/c1b-compare.dot" "the trace's schedule does not fit here"
wdot "$T/again.dot" "$T/c1.json"
cmp -s "$T/again.dot" "$D" || fail "two runs of wbsim dot differ"
wdot "$T/again-compare.dot" --compare "$T/c1.json"
cmp -s "$T/again-compare.dot" "$T/c1-unwritten-compare.dot" || fail "two --compare runs differ"

# --compare SETTINGS SETTINGS: any two settings; the default's two spelled out give the same bytes
wdot "$T/explicit-compare.dot" "$T/c1.json" --compare validity_check=off validity_check=after_lock
cmp -s "$T/explicit-compare.dot" "$T/c1-unwritten-compare.dot" ||
	fail "--compare validity_check=off validity_check=after_lock differs from --compare"
"$W" explore "$S/scenarios/patch5-generic346.json" --kernel 6.1 --trace-out "$T/p5.json" >/dev/null
wdot "$T/p5-compare.dot" --compare kernel=6.1 kernel=6.2 "$T/p5.json"
has "$T/p5-compare.dot" 'label="kernel=6.1: corrupt"'
has "$T/p5-compare.dot" 'label="kernel=6.2: safe"'
has "$T/p5-compare.dot" "under kernel=6.1 and under kernel=6.2"
has "$T/p5-compare.dot" "(recorded under kernel=6.1, validity_check=off"
wdot "$T/wbr-compare.dot" "$T/c1.json" --compare off,writeback_revalidate=false after_lock
has "$T/wbr-compare.dot" 'label="off,writeback_revalidate=false: corrupt"'
expect_rc 2 "$T/c1.json" --compare kernel=6.2,drop_writes=true kernel=6.1
grep -q "drop_writes is not available with kernel 6.2" "$T/err" || fail "--compare: refused settings"
expect_rc 2 "$T/c1.json" --compare kernel=6.1
grep -q "two SETTINGS or none" "$T/err" || fail "--compare with one setting: no message"
expect_rc 2 --compare a=b c=d e=f
grep -q "is the TRACE" "$T/err" || fail "--compare without a trace: no message"

# --focus: the corrupting step's happens-before cone; W2's steps after it and WB/io0 folded
wdot "$T/c1-focus.dot" "$T/c1.json" --focus
has "$T/c1-focus.dot" 's31 [label="31-34 W2: copy..rwsem_unlock\l"'
has "$T/c1-focus.dot" 's24 [label="24-25 WB/io0: io_write..io_complete\l"'
has "$T/c1-focus.dot" "STALE: cookie 0 vs seq 2"
has "$T/c1-focus.dot" 's27 -> s28 [label="folio 1"'
wdot "$T/c1-focus-steps.dot" "$T/c1.json" --focus --steps-only
wdot "$T/c1-focus-compare.dot" "$T/c1.json" --focus --compare

# --- run/explore --dot draw the execution itself: the bytes wbsim dot draws from its trace
"$W" run "$C1" --check off --dot "$T/run.dot" >/dev/null 2>&1
cmp -s "$T/run.dot" "$D" || fail "run --dot differs from wbsim dot of the run's trace"
"$W" explore "$C1" --check off --dot "$T/explore.dot" >/dev/null
cmp -s "$T/explore.dot" "$T/cex.dot" || fail "explore --dot differs from wbsim dot of its trace"

# --- -o and --svg
expect_rc 0 "$T/c1.json" -o "$T/o.dot" --svg "$T/o.svg"
[ -s "$T/out" ] && fail "-o: DOT also went to stdout"
cmp -s "$T/o.dot" "$D" || fail "-o wrote something else than stdout"
grep -q "<svg" "$T/o.svg" || fail "--svg wrote no SVG"
expect_rc 0 "$T/c1.json" --svg "$T/only.svg"
[ -s "$T/out" ] && fail "--svg alone printed DOT"
grep -q "<svg" "$T/only.svg" || fail "--svg alone wrote no SVG"
ls "$T" | grep -q '\.tmp\.' && fail "a temporary file was left behind"
sh "$S/scripts/readme-svg.sh" "$W" "$T/readme.svg" >/dev/null 2>"$T/err" ||
	{ fail "scripts/readme-svg.sh failed"; cat "$T/err" >&2; }
grep -q "<svg" "$T/readme.svg" || fail "scripts/readme-svg.sh wrote no SVG"

# --- errors: exit 2 with a message
expect_rc 2 "$T/missing.json"
expect_rc 2
expect_rc 2 "$T/c1.json" --frobnicate
head -c 300 "$T/c1.json" >"$T/trunc.json"
expect_rc 2 "$T/trunc.json"
grep -q "not a valid trace" "$T/err" || fail "truncated trace: no message"
expect_rc 2 "$T/c1.json" -o "$T/no/such/dir/x.dot"
grep -q "cannot write" "$T/err" || fail "unwritable -o: no message"
PATH=/nonexistent "$W" dot "$T/c1.json" --svg "$T/x.svg" >"$T/out" 2>"$T/err"
[ $? -eq 2 ] || fail "dot missing: exit code is not 2"
grep -q "no 'dot' on PATH" "$T/err" || fail "dot missing: no clear message"
[ -e "$T/x.svg" ] && fail "dot missing: an SVG was written"
expect_rc 2 "$T/c1.json" --svg "$T/no/such/dir/x.svg"
grep -q "dot -Tsvg" "$T/err" || fail "dot failing: no message"
sed 's/"access": "read"/"access": "peek"/' "$T/c1.json" >"$T/badfp.json"
expect_rc 2 "$T/badfp.json"
grep -q "diverges from the trace at step [0-9]* (footprint)" "$T/err" || fail "bad footprint: no message"
# --compare where neither the trace's schedule nor the scenario's fits under off
sed '/"schedule":/d; /"schedules":/,/},/d; /"expect_schedule"/d;
     s/\("expect": {[^}]*}\),/\1/' "$C1" >"$T/nosched.json"
"$W" explore "$T/nosched.json" --check before_lock --trace-out "$T/nsb.json" >/dev/null
expect_rc 2 --compare "$T/nsb.json"
grep -q "the scenario has no schedule of its own" "$T/err" || fail "--compare misfit: no reason"
expect_rc 0 --help
grep -q "usage: wbsim dot" "$T/out" || fail "--help"

if [ "$fails" -ne 0 ]; then
	echo "dot.sh: $fails failures" >&2
	exit 1
fi
echo "dot.sh: all passed"
