#!/bin/sh
# cli.sh WBSIM SRCDIR - the command line's contract: output, exit codes,
# determinism, schedules from explore replayed by run.  POSIX sh + grep only.
set -u
. "$(dirname "$0")/lib.sh"
wb_setup "$1" "$2"

# --- run: the canonical race under the three settings
expect_rc 1 "$W" run "$C1" --check off
has "W2       write_begin     page 1, UNWRITTEN mapping: zero [6144,8192)"
has "lost: [6144,8192) expected A*2048 (written by W1), found 0*2048"
has "W2 write_begin zeroed [6144,8192) of page 1 using an UNWRITTEN mapping with cookie 0, seq was 2; block 1 is WRITTEN"
has_err "wbsim run: warning: step 30: stale decision"
grep -q "stale decision" "$T/out" && fail "the stale-decision warning is on stdout"
has "verdict: corrupt"
expect_rc 0 "$W" run "$C1" --check after_lock
has "W2       iomap_valid     cookie=0 seq=2 -> STALE"
has "pos=4096 -> WRITTEN [0,8192) cookie=2"
has "read [4096,8192) from disk"
has "verdict: safe"
expect_rc 1 "$W" run "$C1" --check before_lock
has "verdict: corrupt"
expect_rc 0 "$W" run "$C1" --set validity_check=after_lock --state
has "  extents: [0,4096) WRITTEN [4096,8192) UNWRITTEN"
has "page 1: clean !uptodate"
expect_rc 1 "$W" run "$C1" --check off --json
has '"verdict": "corrupt"'
has '"stale_decisions": 1'

# --- determinism: the same seed gives byte-identical output
for seed in 1 2 3 42; do
	"$W" run "$C1" --check off --seed $seed >"$T/a" 2>&1
	"$W" run "$C1" --check off --seed $seed >"$T/b" 2>&1
	cmp -s "$T/a" "$T/b" || fail "--seed $seed: two runs differ"
done

# --- explore: exit codes, and the counterexample's schedule reproduces it
expect_rc 1 "$W" explore "$C1" --check off --trace-out "$T/cex.json"
has "states 721, transitions 1611, executions 2706974, failing 82460, max depth 35"
[ -s "$T/cex.json" ] || fail "no trace written"
has "  reproduce: wbsim run $C1 --check off --schedule W1:"
repro=$(sed -n 's/^  reproduce: wbsim //p' "$T/out")
lost=$(grep "  lost:" "$T/out")
eval "expect_rc 1 \"\$W\" $repro"
grep -qF -- "$lost" "$T/out" || fail "explore's reproduce line does not reproduce '$lost'"
# every setting of the command line is in it, in order, and a path is quoted for the shell
cp "$C1" "$T/c1 copy.json"
expect_rc 1 "$W" explore "$T/c1 copy.json" --set stable_pages=true --kernel 6.1 --reduce --quiet
has "  reproduce: wbsim run '$T/c1 copy.json' --set stable_pages=true --kernel 6.1 --schedule "
repro=$(sed -n 's/^  reproduce: wbsim //p' "$T/out")
eval "expect_rc 1 \"\$W\" $repro"
has "scenario c1-unwritten (kernel=6.1, validity_check=off"
expect_rc 0 "$W" explore "$C1" --check after_lock
has "verdict: safe"
expect_rc 1 "$W" explore "$C1" --check before_lock --json --quiet
has '"verdict": "corrupt"'
has '"complete": true'
expect_rc 4 "$W" explore "$C1" --check after_lock --max-states 100 --json --quiet
has '"verdict": "unknown"'
has '"complete": false'

# --max-memory: a scenario that needs more stops like --max-states, with a partial report
BIG=$S/tests/scale/bench-5p-2pass-2ev.json
expect_rc 4 "$W" explore "$BIG" --check after_lock --max-memory 16M --json --quiet
has '"verdict": "unknown"'
has '"complete": false'
has '"stopped_by": "max-memory"'
# (the index's doubling past 3/4 of 2^17 slots is what 16 MiB refuses: always at this state)
has '"states": 98305'
has_err "stopped at the memory limit of 16.0 MiB (--max-memory) after 98305 states"
grep -q '"executions": "[1-9][0-9]*"' "$T/out" || fail "no partial count of executions"
expect_rc 1 "$W" explore "$BIG" --check off --max-memory 20M
has "verdict: corrupt (exploration incomplete)"
has "stopped by: max-memory"
has "lost: [18432,20480) expected A*2048 (written by W1), found 0*2048"
has "shortest found counterexample:"

# --first: stop at the first failure, with what was found so far
expect_rc 1 "$W" explore "$C1" --check off --first
has "verdict: corrupt (exploration incomplete)"
has "stopped by: first-failure"
has "shortest found counterexample: 34 steps, 1 preemption"
has "lost: [6144,8192) expected A*2048 (written by W1), found 0*2048"
repro=$(sed -n 's/^  reproduce: wbsim //p' "$T/out")
eval "expect_rc 1 \"\$W\" $repro"
expect_rc 1 "$W" explore "$C1" --check off --first --reduce --json --quiet
has '"stopped_by": "first-failure"'
has '"shortest_found": true'
expect_rc 0 "$W" explore "$C1" --check after_lock --first
has "verdict: safe"
expect_rc 1 "$W" explore "$C1" --check off --json --quiet
grep -q shortest_found "$T/out" && fail "a complete search says shortest_found"
# check confirms a corrupt expectation at the first corruption (107,483 of 749,671 states)
sed 's/^  "name": \(.*\),$/  "name": \1, "expect": { "off": "corrupt" },/' "$BIG" >"$T/big.json"
expect_rc 0 "$W" check "$T/big.json" --json
has '"got": "corrupt"'
expect_rc 4 "$W" explore "$C1" --max-memory 1K --json --quiet
has '"states": 0'
has '"stopped_by": "max-memory"'
for bad in 0 12Q -5 1.5G; do
	expect_rc 2 "$W" explore "$C1" --max-memory "$bad"
	has_err "--max-memory: expected a size such as 512M or 4G, got '$bad'"
done
# under ulimit -v, without --max-memory (the default stays below the limit), and with a
# limit above it (an allocation fails): a partial report and exit 4, never an abort.
# Skipped where the binary cannot start under it (ASan reserves terabytes of address space).
if (ulimit -v 24576 && "$W" --help) >/dev/null 2>&1; then
	(ulimit -v 24576 && exec "$W" explore "$BIG" --check after_lock --json --quiet) \
		>"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" -eq 4 ] || { fail "under ulimit -v: exit $rc, expected 4"; cat "$T/err" >&2; }
	has '"stopped_by": "max-memory"'
	has_err "(the default: 80% of the memory available; --max-memory sets it)"
	has_err "hint: --reduce answers"
	has_err "hint: --compress stores each state"
	(ulimit -v 24576 && exec "$W" explore "$BIG" --check after_lock --max-memory 1T) \
		>"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" -eq 4 ] || { fail "out of memory: exit $rc, expected 4"; cat "$T/err" >&2; }
	has "stopped by: out-of-memory"
	has_err "out of memory: an allocation failed after"
else
	echo "cli.sh: the ulimit -v tests are skipped (the binary does not start under it)" >&2
fi

expect_rc 1 "$W" explore "$C1" --check off --census --fewest-preemptions
has "fewest-preemption counterexample: 28 steps, 1 preemption"
has "2624514 executions end in: B*6144 A*2048 (expected)"
has "82460 executions end in: B*6144 0*2048 (not expected)"
has "stale_decision  82460"
expect_rc 1 "$W" explore "$C1" --check before_lock --all-failing 5 --trace-out "$T/af.json"
[ -s "$T/af-1.json" ] || fail "--all-failing wrote no trace"
expect_rc 2 "$W" explore "$C1" --all-failing 5

# --- replay: traces reproduce; bad traces are exit 2 with a message
expect_rc 1 "$W" replay "$T/cex.json"
has "verdict: corrupt"
"$W" run "$C1" --check after_lock --trace-out "$T/safe.json" >/dev/null
expect_rc 0 "$W" replay "$T/safe.json"
expect_rc 0 "$W" replay "$T/safe.json" --at 32
has "after step 32 (W2 iomap_valid):"
head -c 400 "$T/cex.json" >"$T/trunc.json"
expect_rc 2 "$W" replay "$T/trunc.json"
has_err "not a valid trace"
sed 's/"length": 2048/"length": 1024/' "$T/cex.json" >"$T/edited.json"
expect_rc 2 "$W" replay "$T/edited.json"
has_err "the scenario inside the trace was changed"
sed 's/"choices": \[/"choices": [ 9,/' "$T/cex.json" >"$T/choice.json"
expect_rc 2 "$W" replay "$T/choice.json"
sed '0,/"step": "iomap_begin"/s//"step": "iomap_frobnicate"/' "$T/cex.json" >"$T/step.json"
expect_rc 2 "$W" replay "$T/step.json"
has_err "diverges from the trace at step 2"
sed 's/"wbsim_trace": 1,//' "$T/cex.json" >"$T/nover.json"
expect_rc 2 "$W" replay "$T/nover.json"
has_err "/wbsim_trace: missing"
sed 's/"verdict": "corrupt"/"verdict": "safe"/' "$T/cex.json" >"$T/verdict.json"
expect_rc 2 "$W" replay "$T/verdict.json"

# --- explain: golden outputs for C1 (its schedule) and the DELALLOC variant (shortest)
(cd "$T" && "$W" run "$C1" --check off --trace-out c1.trace.json >/dev/null 2>&1)
(cd "$T" && "$W" explore "$S/scenarios/v2-delalloc.json" --check off \
	--trace-out v2-delalloc.trace.json >/dev/null)
for g in c1 v2-delalloc; do
	(cd "$T" && "$W" explain $g.trace.json >"$T/$g.explain" 2>&1) || fail "explain $g failed"
	if [ -n "${WBSIM_UPDATE_GOLDEN:-}" ]; then
		cp "$T/$g.explain" "$S/tests/golden/explain-$g.txt"
	else
		diff -u "$S/tests/golden/explain-$g.txt" "$T/$g.explain" >&2 ||
			fail "wbsim explain $g differs from tests/golden/explain-$g.txt"
	fi
done
grep -qF "necessary    28 RC evict ->  29 W2 folio_get   reads-from [folio 1]" "$T/c1.explain" ||
	fail "explain: the eviction before W2's folio_get is not necessary"
# the stale sample: W2's iomap_begin before the conversion, a necessary from-read edge
grep -qF "necessary    10 W2 iomap_begin ->  27 WB/io1 io_complete   from-read [extent map]" \
	"$T/c1.explain" || fail "explain: no necessary from-read edge from W2's sample to the conversion"
for want in "  sample   step 10 W2 iomap_begin (xfs_buffered_write_iomap_begin)" \
	"  changed  step 27 WB/io1 io_complete (xfs_end_ioend): block 1 UNWRITTEN -> WRITTEN" \
	"  use      step 30 W2 write_begin (__iomap_write_begin)" \
	"   8 W1 rwsem_unlock ->   9 W2 rwsem_lock   reads-from [i_rwsem]: W2 runs after W1" \
	"  18 WB start_writeback ->  24 WB/io0 io_write   reads-from [folio 0]: step 18 starts WB/io0"; do
	grep -qF -- "$want" "$T/c1.explain" || fail "explain c1: no '$want'"
done
# one budget for the whole command: 0 is none; a bad value is a usage error
expect_rc 0 "$W" explain "$T/c1.trace.json" --time-limit 0
expect_rc 2 "$W" explain "$T/c1.trace.json" --time-limit -1
# a budget too small to explore: the pairs no replay decides are listed as undecided
expect_rc 0 "$W" explain "$T/c1.trace.json" --time-limit 0.000001
has "undecided    10 W2 iomap_begin ->  27 WB/io1 io_complete   from-read [extent map]"
has "undecided: the time limit of 1e-06 s for the whole command ran out"
expect_rc 2 "$W" explain "$T/safe.json"
has_err "no failure to explain"
# --- matrix: the tables of four catalogue scenarios (goldens), each consistent with its expect
for g in c1-unwritten patch1-mkwrite-cleanup patch5-generic346 wb-revalidate; do
	"$W" matrix "$S/scenarios/$g.json" >"$T/$g.matrix" 2>"$T/err"
	rc=$?
	[ "$rc" -eq 0 ] || { fail "matrix $g: exit $rc"; cat "$T/err" >&2; }
	if [ -n "${WBSIM_UPDATE_GOLDEN:-}" ]; then
		cp "$T/$g.matrix" "$S/tests/golden/matrix-$g.txt"
	else
		diff -u "$S/tests/golden/matrix-$g.txt" "$T/$g.matrix" >&2 ||
			fail "wbsim matrix $g differs from tests/golden/matrix-$g.txt"
	fi
	n=$(grep -c '^  \[.*: agrees$' "$T/$g.matrix")
	[ "$n" -ge 3 ] || fail "matrix $g: only $n expect entries agree"
	grep '^  \[' "$T/$g.matrix" | grep -v ': agrees\( (settings of no cell above)\)\{0,1\}$' >&2 &&
		fail "matrix $g: an expect entry not confirmed by the table"
	"$W" matrix "$S/scenarios/$g.json" --json >"$T/out" 2>"$T/err" || fail "matrix --json $g"
	grep -q '"result": "contradicts"' "$T/out" && fail "matrix --json $g: contradicts"
	"$W" matrix "$S/scenarios/$g.json" --full --md >"$T/out" 2>"$T/err" || fail "matrix --full $g"
	grep -q ': contradicts' "$T/out" && fail "matrix --full $g: contradicts"
done
grep -qF "validity_check=off                        -          corrupt    corrupt" \
	"$T/c1-unwritten.matrix" || fail "matrix c1: no corrupt 6.2 without the check"
expect_rc 0 "$W" matrix "$S/scenarios/patch1-mkwrite-cleanup.json" --base kernel=6.1,drop_writes=true
has "from kernel=6.1,drop_writes=true (deadlock): 2 of size 1"
has "    mkwrite_iomap_end=false"
has "[kernel=6.1,drop_writes=true,mkwrite_iomap_end=false] safe: agrees"
expect_rc 0 "$W" matrix "$C1" --md
has "| preset | **corrupt** | safe | safe |"
expect_rc 4 "$W" matrix "$C1" --max-states 50 --json
has '"verdict": "unknown"'
grep -q '"verdict": "safe"' "$T/out" && fail "matrix: a cell safe after 50 states"
expect_rc 2 "$W" matrix "$C1" --base kernel=6.2,drop_writes=true
has_err "drop_writes is not available with kernel 6.2"
expect_rc 2 "$W" matrix "$C1" --json --md
# --total-time: once spent, the remaining cells are undecided without exploring
expect_rc 4 "$W" matrix "$C1" --total-time 0.000001 --json
has '"stopped_by": "total-time"'
has '"explorations": 1,'
# the reproducer keeps short copies and mmap stores, and says what a wrong result looks like
(cd "$T" && "$W" explore "$S/scenarios/patch5-generic346.json" --kernel 6.1 \
	--trace-out p5.trace.json >/dev/null)
(cd "$T" && "$W" explain p5.trace.json >"$T/p5.explain" 2>&1) || fail "explain patch5 failed"
for want in "buf is a PROT_NONE page" "pwrite(fd, buf, 8, 1024) in the background    # W" \
	'mmap -w 0 4096" -c "mwrite -S 0x50 3072 8"' "# wrong: bytes [3072,3080) read 0*8 where P's P*8"; do
	grep -qF "$want" "$T/p5.explain" || fail "explain patch5: no '$want'"
done
# a truncate up racing through its EOF zeroing: the sketch holds it there, in the background
(cd "$T" && "$W" explore "$S/scenarios/truncate-up-zero-stale.json" --kernel 6.1 \
	--trace-out tr.trace.json >/dev/null)
(cd "$T" && "$W" explain tr.trace.json >"$T/tr.explain" 2>&1) || fail "explain truncate failed"
for want in "by step 21: TR write_begin zeroed [0,2048) of page 0 using a DELALLOC mapping" \
	"hold TR" 'truncate 8192" $MNT/f &    # TR' "# wrong: bytes [0,2048) read 0*2048 where W1's A*2048"; do
	grep -qF "$want" "$T/tr.explain" || fail "explain truncate-up-zero-stale: no '$want'"
done

# a stale writeback mapping: WB's lookup is the sample, the cached reuse is trusted, the IO uses it
(cd "$T" && "$W" explore "$S/scenarios/wb-revalidate.json" --set writeback_revalidate=false \
	--trace-out wbr.trace.json >/dev/null)
(cd "$T" && "$W" explain wbr.trace.json >"$T/wbr.explain" 2>&1) || fail "explain wb-revalidate failed"
for want in "the race: WB/io1 acts at step 39 on the extent map WB sampled at step 17" \
	"  changed  step 24 PH punch_range (xfs_free_file_space)" \
	"  trusted  step 35 WB map_blocks (xfs_map_blocks): block 1: cached UNWRITTEN"; do
	grep -qF -- "$want" "$T/wbr.explain" || fail "explain wb-revalidate: no '$want'"
done
# a deadlock: no stale window, and the sketch sets the drop_writes error tag and keeps the store
(cd "$T" && "$W" explore "$S/scenarios/patch1-mkwrite-cleanup.json" --kernel 6.1 \
	--set drop_writes=true --trace-out p1.trace.json >/dev/null)
(cd "$T" && "$W" explain p1.trace.json >"$T/p1.explain" 2>&1) || fail "explain patch1 failed"
for want in "the race: no stale window; a task never returns: P waits forever" \
	"echo 1 > /sys/fs/xfs/\$DEVNAME/errortag/drop_writes" 'mwrite -S 0x50 1024 1024" $MNT/f'; do
	grep -qF -- "$want" "$T/p1.explain" || fail "explain patch1: no '$want'"
done

# --- check
expect_rc 0 "$W" check "$S/scenarios"
has "0 failed"

# --- bad input: exit 2, nothing run
for f in "$S"/scenarios/invalid/*.json; do
	[ -e "$f" ] || continue
	expect_rc 2 "$W" run "$f"
	[ -s "$T/out" ] && fail "$f: printed to stdout"
done
expect_rc 2 "$W" run "$C1" --schedule "W1,NOPE"
has_err 'schedule entry "NOPE": no task named NOPE'
expect_rc 2 "$W" run "$C1" --schedule "W1,W1"
has_err "cannot take a single step: W1 has finished"
expect_rc 2 "$W" run "$C1" --check sideways
expect_rc 2 "$W" run "$T/missing.json"
expect_rc 2 "$W" frobnicate
expect_rc 2 "$W" run
expect_rc 0 "$W" --help
expect_rc 0 "$W" run --help
expect_rc 0 "$W" --version
has "wbsim "

# --- exposed bytes: text, JSON and explain say so
SC=$S/scenarios/short-copy-uninit.json
expect_rc 1 "$W" run "$SC" --kernel 6.1
has "exposed: ["
expect_rc 1 "$W" run "$SC" --kernel 6.2 --json
has '"exposed": true'
expect_rc 0 "$W" run "$SC" --kernel 6.2 --set partial_zero_uptodate=false
expect_rc 1 "$W" explore "$SC" --kernel 6.2 --trace-out "$T/sc.json"
expect_rc 0 "$W" explain "$T/sc.json"
has "exposed: found ?*"

# --- kernel presets: exactly the table's versions (as --help lists them); an unknown one names them
"$W" --help >"$T/help" 2>&1
versions=$(sed -n 's/^V is \(.*\): every switch.*/\1/p' "$T/help")
[ -n "$versions" ] || fail "--help lists no kernel versions"
case "$versions" in *6.1*6.2*) ;; *) fail "--help's versions lack 6.1 and 6.2: $versions" ;; esac
expect_rc 1 "$W" run "$C1" --kernel 6.1
has "kernel=6.1"
for k in $(echo "$versions" | sed 's/,/ /g; s/ or / /'); do
	[ "$k" = 6.1 ] && continue
	expect_rc 0 "$W" run "$C1" --kernel "$k"
	has "kernel=$k"
done
expect_rc 2 "$W" run "$C1" --kernel 9.9
has_err "bad value '9.9' for kernel (expected $versions)"
expect_rc 2 "$W" explore "$C1" --kernel 5.9
has_err "(expected $versions)"
expect_rc 0 "$W" run --help
has "[--kernel $(echo "$versions" | sed 's/, /|/g; s/ or /|/')]"

# --- settings errors: the command's name and the hint, like other usage errors
expect_rc 2 "$W" run "$C1" --set stable_pages
has_err "wbsim run: error: --set: expected KEY=VALUE, got 'stable_pages'"
has_err "Try 'wbsim run --help'."
expect_rc 1 "$W" run "$C1" --set off
has "validity_check=off"
expect_rc 2 "$W" explore "$C1" --check bogus
has_err "wbsim explore: error: bad value 'bogus' for validity_check"
has_err "Try 'wbsim explore --help'."
expect_rc 2 "$W" shrink "$C1" -o "$T/s.json" --kernel 9.9
has_err "wbsim shrink: error: bad value '9.9' for kernel"
has_err "Try 'wbsim shrink --help'."
expect_rc 2 "$W" simulate "$C1" --kernel 7.1 --set drop_writes=true
has_err "wbsim simulate: error: drop_writes is not available with kernel 7.1"
has_err "Try 'wbsim simulate --help'."
expect_rc 2 "$W" hunt "$S/hunts/default.json" --count 1 --seed 1 -o "$T/h" --set stable_pages
has_err "wbsim hunt: error: --set: expected KEY=VALUE, got 'stable_pages'"
expect_rc 2 "$W" matrix "$C1" --base kernel=6.1,stable_pages
has_err "wbsim matrix: error: --base kernel=6.1,stable_pages: expected KEY=VALUE, got 'stable_pages'"
has_err "Try 'wbsim matrix --help'."
expect_rc 2 "$W" explore "$C1" --order random
has_err "wbsim explore: error: --order: expected forward, reverse or shuffle, got 'random'"
# --- a scenario where a trace belongs says so
for c in replay dot explain fstest; do
	if [ $c = fstest ]; then
		expect_rc 2 "$W" $c "$C1" -o "$T/ft"
	else
		expect_rc 2 "$W" $c "$C1"
	fi
	has_err "$C1: error: this is a scenario file, not a trace"
done

if [ "$fails" -ne 0 ]; then
	echo "cli.sh: $fails failures" >&2
	exit 1
fi
echo "cli.sh: all passed"
