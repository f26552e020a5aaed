#!/bin/sh
# oom.sh WBSIM SRCDIR FAILALLOC - regressions of the hardening review (issue 18) that
# need allocations counted or failed: the LD_PRELOAD library FAILALLOC (tests/failalloc.c).
#
# D5: every allocation that fails outside the search ends the command cleanly: run,
# explore, check, replay, dot and explain, each with its Nth allocation and all later
# ones failing for a spread of N up to the number it makes, exit with a result or with
# 2 or 4 and a message in the tool's prefix, never a signal (a NULL dereferenced) or a
# silently different result.
# D12: step records (and the diagram's edge lists) grow by doubling: what realloc has
# to copy per step does not grow with the length of the execution.
set -u
. "$(dirname "$0")/lib.sh"
wb_setup "$1" "$2"
L=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")

# the allocation calls a command makes: "failalloc: N calls, R reallocs of B bytes"
counts() {
	WBSIM_FAIL_ALLOC=count LD_PRELOAD=$L "$@" 2>&1 >/dev/null | sed -n 's/^failalloc: //p'
}

"$W" explore "$C1" --check off --trace-out "$T/c1.trace.json" --quiet >/dev/null 2>&1
[ -s "$T/c1.trace.json" ] || fail "no trace to start from"
total=$(counts "$W" run "$C1" --check off | cut -d' ' -f1)
[ "${total:-0}" -gt 100 ] || { fail "the library counts no allocations (LD_PRELOAD ignored?)"; exit 1; }

# D5.  "same": a result (exit 0 or 1) must be the one without failures; "all": every N,
# else N = 1, 2, 3, 4, 6, 8 and eighths of the count.
oom_case() {
	same=$1
	shift
	"$@" >"$T/want" 2>/dev/null
	want=$?
	total=$(counts "$@" | cut -d' ' -f1)
	ns="1 2 3 4 6 8"
	k=1
	while [ $k -le 8 ]; do
		ns="$ns $((total * k / 8))"
		k=$((k + 1))
	done
	[ "$same" = all ] && ns=$(seq 1 "$total")
	for n in $ns; do
		WBSIM_FAIL_ALLOC=$n LD_PRELOAD=$L "$@" >"$T/out" 2>"$T/err"
		rc=$?
		what="$* with allocation $n of $total failing"
		if [ $rc -ge 128 ] || grep -qiE 'sanitizer|runtime error|assert|abort' "$T/err"; then
			fail "$what: exit $rc"
			tail -3 "$T/err" >&2
		elif [ $rc -eq 2 ] || [ $rc -eq 4 ]; then
			last=$(tail -1 "$T/err")
			case "$last" in
			wbsim* | *": error: "* | [0-9]*" error"*) ;;
			*) fail "$what: exit $rc with no message in the tool's words: '$last'" ;;
			esac
		elif [ $rc -ne "$want" ]; then
			fail "$what: exit $rc, expected $want, 2 or 4"
		elif [ "$same" != any ] && ! cmp -s "$T/want" "$T/out"; then
			fail "$what: exit $rc with a different result"
		fi
	done
}
# every allocation of a small run: the loader, the model's set-up, the steps' records, --state
# and the JSON output (about 200)
printf '%s\n' '{"wbsim":1,"name":"tiny","file":{"size":4096},' \
	'"tasks":[{"name":"W","op":"write","offset":0,"length":4096,"data":"A"}]}' >"$T/tiny.json"
oom_case all "$W" run "$T/tiny.json" --state --json
oom_case same "$W" run "$C1" --check off
oom_case any "$W" explore "$C1" --check off --trace-out "$T/t.json"
oom_case any "$W" check "$C1"
oom_case same "$W" replay "$T/c1.trace.json"
oom_case same "$W" dot "$T/c1.trace.json"
oom_case any "$W" explain "$T/c1.trace.json"
for f in "$T"/*.tmp.*; do
	[ -e "$f" ] && fail "a temporary file was left behind: $f"
done

# D12: one write of 64 pages, and fourteen of them (4473 steps): the bytes realloc
# found in the blocks it grew, per step, about the same (one step record at a time
# would make it grow with the number of steps, 17 times more for the long run)
mk() {
	{
		printf '{"wbsim":1,"name":"grow","file":{"size":262144},"tasks":['
		i=0
		while [ "$i" -lt "$1" ]; do
			printf '{"name":"W%d","op":"write","offset":0,"length":262144,"data":"%s"' \
				$i "$(echo ABCDEFGHIJKLMNOP | cut -c$((i + 1)))"
			[ $i -gt 0 ] && printf ',"after":["W%d"]' $((i - 1))
			printf '},'
			i=$((i + 1))
		done
		printf '{"name":"WB","op":"writeback"}]}\n'
	} >"$T/$2.json"
	"$W" run "$T/$2.json" --check off --trace-out "$T/$2.trace.json" >"$T/$2.out" 2>&1
	grep -c '^ *[0-9][0-9]* ' "$T/$2.out"
}
short=$(mk 1 short)
long=$(mk 14 long)
[ "$long" -gt $((short * 10)) ] || fail "the long run has $long steps, the short $short"
for cmd in "run %s.json --check off" "replay %s.trace.json" "dot %s.trace.json"; do
	# shellcheck disable=SC2059,SC2046
	bs=$(counts "$W" $(printf "$cmd" "$T/short") | sed 's/.* of \([0-9]*\) bytes/\1/')
	# shellcheck disable=SC2059,SC2046
	bl=$(counts "$W" $(printf "$cmd" "$T/long") | sed 's/.* of \([0-9]*\) bytes/\1/')
	# per step, the long run may realloc at most twice what the short one does
	if [ $((bl / long)) -gt $((2 * bs / short + 1024)) ]; then
		# shellcheck disable=SC2059
		fail "$(printf "$cmd" X | cut -d' ' -f1): realloc'd $((bs / short)) bytes per step" \
			"for $short steps, $((bl / long)) for $long (growth one element at a time?)"
	fi
done

[ "$fails" -eq 0 ] || { echo "oom.sh: $fails failures" >&2; exit 1; }
echo "oom.sh: all passed"
