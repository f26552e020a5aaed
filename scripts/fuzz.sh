#!/bin/sh
# fuzz.sh [SECONDS] - build the libFuzzer targets (clang, ASan + UBSan, the
# model's invariants after every step) and run each for SECONDS (default 60):
# the scenario loader with the model on what it accepts, the trace reader with
# its replay check, the schedule and settings parsers.  Corpora start from the
# catalogue, the invalid scenarios, the conformance set and traces the tool
# writes, and persist in build/fuzz/corpus/.  Prints each target's runs; a
# crash leaves its input in build/fuzz/crash-TARGET-* and fails (exit 1).
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
case "$secs" in
'' | *[!0-9]*)
	echo "usage: fuzz.sh [SECONDS]" >&2
	exit 2
	;;
esac
command -v clang >/dev/null 2>&1 || {
	echo "fuzz.sh: needs clang (Debian package clang)" >&2
	exit 2
}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
B=build/fuzz
mkdir -p "$B/corpus/scenario" "$B/corpus/trace" "$B/corpus/settings"
for f in scenarios/*.json scenarios/invalid/*.json tests/conformance/random-*.json; do
	cp "$f" "$B/corpus/scenario/" 2>/dev/null || true
done
for f in scenarios/c1-unwritten.json scenarios/v1-1k-blocks.json scenarios/patch1-mkwrite-cleanup.json \
	scenarios/eof-zero-stale.json scenarios/short-copy-uninit.json; do
	n=$(basename "$f" .json)
	[ -e "$B/corpus/trace/$n.trace.json" ] ||
		"$B/wbsim" explore "$f" --check off --trace-out "$B/corpus/trace/$n.trace.json" \
			--quiet >/dev/null 2>&1 || true
done
for s in "W1" "W2:write_end" "WB/io0:io_complete" "RC:evict@3" "validity_check=off" \
	"kernel=6.1,drop_writes=true" "write_fail_cleanup=scan_punch,stable_pages=true"; do
	printf '%s' "$s" >"$B/corpus/settings/$(printf '%s' "$s" | cksum | cut -d' ' -f1)"
done
status=0
for t in scenario trace settings; do
	log="$B/fuzz_$t.log"
	if "$B/fuzz/fuzz_$t" -max_total_time="$secs" -dict=fuzz/json.dict -max_len=16384 \
		-timeout=30 -rss_limit_mb=3072 -print_final_stats=1 -close_fd_mask=3 \
		-artifact_prefix="$B/crash-$t-" "$B/corpus/$t" >"$log" 2>&1; then
		runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | cut -d' ' -f2)
		echo "fuzz_$t: ${runs:-?} runs in ${secs} s, no crash"
	else
		echo "fuzz_$t: FAILED (see $log and $B/crash-$t-*)" >&2
		tail -30 "$log" >&2
		status=1
	fi
done
exit $status
