# shellcheck shell=sh
# lib.sh - what the shell tests share (sourced, POSIX sh): the tool and the
# source tree as absolute paths, a scratch directory removed on exit, and
# failure counting with the usual checks.
#
#   . "$(dirname "$0")/lib.sh"; wb_setup WBSIM SRCDIR
#   expect_rc RC CMD...; has TEXT; has_err TEXT; fail MESSAGE
#   wb_finish NAME     exit 1 with a count if anything failed
# A script that needs another `has` defines its own after sourcing this.

# wb_setup WBSIM SRCDIR: W (the tool), S (the sources), C1, T (scratch), fails
# shellcheck disable=SC2034 # W, S, C1 and fails are read by the sourcing script
wb_setup() {
	W=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
	S=$(cd "$2" && pwd)
	C1=$S/scenarios/c1-unwritten.json
	T=$(mktemp -d)
	trap 'rm -rf "$T"' EXIT
	fails=0
}

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# expect_rc RC CMD...: run, keep stdout/stderr in $T/out $T/err
expect_rc() {
	want=$1
	shift
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq "$want" ] || { fail "exit $got, expected $want: $*"; cat "$T/err" >&2; }
}

has() { grep -qF -- "$1" "$T/out" || fail "stdout lacks '$1'"; }
has_err() { grep -qF -- "$1" "$T/err" || fail "stderr lacks '$1'"; }
