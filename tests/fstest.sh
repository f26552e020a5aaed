#!/bin/sh
# fstest.sh WBSIM SRCDIR - wbsim fstest: the test it writes from C1's counterexample (and from
# a shrunk scenario's) passes bash -n and shellcheck, its helper compiles with -Wall -Werror,
# its golden output is fstests'; traces of other kinds are refused.  Nothing is run on a kernel.
set -u
. "$(dirname "$0")/lib.sh"
wb_setup "$1" "$2"
CC=${CC:-cc}

command -v shellcheck >/dev/null || fail "shellcheck is missing (scripts/deps.sh installs it)"

# check DIR NNN: the generated files are well formed
check() {
	[ -x "$1/$2" ] || fail "$1/$2 missing or not executable"
	bash -n "$1/$2" || fail "$1/$2: bash -n"
	shellcheck -s bash "$1/$2" || fail "$1/$2: shellcheck"
	printf 'QA output created by %s\nSilence is golden\n' "$2" | cmp -s - "$1/$2.out" ||
		fail "$1/$2.out is not the golden output"
	grep -q "_require_scratch" "$1/$2" || fail "$1/$2: no _require_scratch"
	grep -q "write_delay_ms" "$1/$2" || fail "$1/$2: no error injection knob"
	"$CC" -Wall -Wextra -Werror -pthread -o "$1/stall" "$1/wbsim_stall_$2.c" ||
		fail "$1/wbsim_stall_$2.c does not compile"
	grep -q "NOT RUN ON A KERNEL" "$1/README" || fail "$1/README does not say it was not run"
}

# C1's counterexample
expect_rc 1 "$W" explore "$S/scenarios/c1-unwritten.json" --check off --trace-out "$T/c1.json" --quiet
expect_rc 0 "$W" fstest "$T/c1.json" -o "$T/c1" --number 42
check "$T/c1" 042
grep -qF '"$here/src/wbsim_stall_042" "$file" 0 6144 0x42 4096' "$T/c1/042" ||
	fail "the helper does not stall W2 at page 1"
grep -qF 'sync_range -b -w -a 4096 4096' "$T/c1/042" || fail "page 1 not written back"
# a DELALLOC race (v2), whose file starts with holes
expect_rc 1 "$W" explore "$S/scenarios/v2-delalloc.json" --check off --trace-out "$T/v2.json" --quiet
expect_rc 0 "$W" fstest "$T/v2.json" -o "$T/v2"
check "$T/v2" 999

# refused: another kind, a safe trace, usage
expect_rc 1 "$W" explore "$S/scenarios/eof-zero-stale.json" --check off --trace-out "$T/ez.json" --quiet
expect_rc 2 "$W" fstest "$T/ez.json" -o "$T/ez"
has_err "this trace's failure is of kind eof-zeroing"
expect_rc 2 "$W" fstest "$T/c1.json"
has_err "-o DIR is required"
expect_rc 0 "$W" fstest --help

[ "$fails" -eq 0 ] || { echo "$fails failures" >&2; exit 1; }
echo "fstest: all passed"
