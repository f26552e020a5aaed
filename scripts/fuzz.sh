#!/bin/sh
# fuzz.sh [-d DIR] [-n RUNS] [-t TIMEOUT] [SECONDS] [TARGET...] - build the libFuzzer
# targets (clang, ASan + UBSan, the model's invariants after every step) and
# run each for SECONDS (default 60; 0 is no time limit) or RUNS executions,
# whichever comes first: the scenario loader with the model on what it
# accepts, the trace reader with its replay check, the schedule and settings
# parsers.  TARGETs are scenario, trace, settings (default: all three, one
# after another).
#
# DIR (default build/fuzz) holds a campaign: corpus/TARGET (seeded from the
# catalogue, the invalid scenarios, the conformance set, traces the tool
# writes and the campaign's saved corpus, fuzz/corpus.tar.gz), the target
# binaries it runs (bin/, copied, so a rebuild does not change a running
# campaign), a log per session (log/) and crashes (crash-TARGET-*).  Running
# again with the same DIR continues the campaign from its corpus; SIGINT or
# SIGTERM stops a session with its count (not a failure).  TIMEOUT (default
# 30 s) is libFuzzer's limit per input, in wall-clock time: raise it for a
# campaign run under nice on a loaded machine, where a cheap input can wait
# that long for a CPU.
#
# A campaign outlives its machine through the repository:
#   fuzz.sh -d DIR --save    merges DIR's corpus into fuzz/corpus.tar.gz
#                            (minimised by libFuzzer's -merge) and appends
#                            each stopped or finished session of DIR not yet
#                            recorded to the ledger, fuzz/campaign.tsv; commit
#                            both.  Run it with DIR's sessions stopped.
#   fuzz.sh [-d DIR] --total the runs and findings of every session: the
#                            ledger's, and DIR's not yet in it.
# --no-saved starts without the saved corpus (the test suite's few seconds).
#
# Prints each target's runs; a crash (or leak, timeout, out-of-memory) leaves
# its input in DIR/crash-TARGET-* and fails (exit 1).
set -eu
cd "$(dirname "$0")/.."
usage() {
	echo "usage: fuzz.sh [-d DIR] [-n RUNS] [-t TIMEOUT] [--no-saved] [SECONDS] [TARGET...];" \
		"fuzz.sh [-d DIR] --total; fuzz.sh -d DIR --save" >&2
	exit 2
}
number() {
	case "$1" in
	'' | *[!0-9]*) usage ;;
	esac
}
B=build/fuzz
D=$B
runs=0
timeout=30
secs=60
total=false
save=false
use_saved=true
LEDGER=fuzz/campaign.tsv
SAVED=fuzz/corpus.tar.gz
while [ $# -gt 0 ]; do
	case "$1" in
	-d)
		[ $# -ge 2 ] || usage
		D=$2
		shift 2
		;;
	-n)
		[ $# -ge 2 ] || usage
		number "$2"
		runs=$2
		shift 2
		;;
	-t)
		[ $# -ge 2 ] || usage
		number "$2"
		timeout=$2
		shift 2
		;;
	--total)
		total=true
		shift
		;;
	--save)
		save=true
		shift
		;;
	--no-saved)
		use_saved=false
		shift
		;;
	-*) usage ;;
	*) break ;;
	esac
done
if [ $# -gt 0 ] && [ "$1" = "${1#[a-z]}" ]; then
	number "$1"
	secs=$1
	shift
fi
targets=${*:-scenario trace settings}
for t in $targets; do
	case "$t" in
	scenario | trace | settings) ;;
	*) usage ;;
	esac
done

# The executions of a session: libFuzzer's final count (also printed when SIGINT or SIGTERM
# stops it), or the last "#N" status line of one that was killed.
session_runs() {
	r=$(grep -a '^stat::number_of_executed_units:' "$1" | tail -1 | tr -dc '0-9')
	[ -n "$r" ] || r=$(grep -ao '^#[0-9][0-9]*' "$1" | tail -1 | tr -d '#')
	echo "${r:-0}"
}
# Did a session's log end in a finding (a sanitizer report, a deadly signal, a leak)?  A
# slow unit (over 10 s, as a loaded machine makes some) is not one.
session_findings() {
	if grep -aqE '^==[0-9]+==ERROR|^SUMMARY: |deadly signal|ERROR: libFuzzer' "$1"; then
		echo 1
	else
		echo 0
	fi
}
# Is the session over (libFuzzer printed its final statistics)?
session_over() {
	grep -aq '^stat::number_of_executed_units:' "$1"
}
# The ledger's rows: target, session (the log's name), runs, findings, the commit fuzzed.
if $total; then
	for t in $targets; do
		sum=0 n=0 found=0
		if [ -f "$LEDGER" ]; then
			eval "$(awk -F '\t' -v t="$t" '$1 == t { r += $3; f += $4; n++ }
				END { printf "sum=%d n=%d found=%d\n", r, n, f }' "$LEDGER")"
		fi
		for log in "$D"/log/fuzz_"$t".*.log; do
			[ -f "$log" ] || continue
			[ -f "$LEDGER" ] && grep -q "	$(basename "$log")	" "$LEDGER" && continue
			sum=$((sum + $(session_runs "$log")))
			found=$((found + $(session_findings "$log")))
			n=$((n + 1))
		done
		echo "fuzz_$t: $sum runs in $n sessions, $found with a finding"
	done
	exit 0
fi
if $save; then
	[ -d "$D/log" ] || usage
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/old"
	[ -f "$SAVED" ] && tar -xzf "$SAVED" -C "$tmp/old"
	for t in scenario trace settings; do
		[ -x "$D/bin/fuzz_$t" ] || continue
		mkdir -p "$tmp/new/$t" "$tmp/old/$t" "$tmp/cur/$t"
		# a copy: a running session would remove files under the merge
		cp -r "$D/corpus/$t/." "$tmp/cur/$t/"
		"$D/bin/fuzz_$t" -merge=1 -max_len=16384 -timeout=300 -rss_limit_mb=3072 \
			-close_fd_mask=3 "$tmp/new/$t" "$tmp/old/$t" "$tmp/cur/$t" >"$tmp/merge-$t.log" 2>&1 || {
			echo "fuzz.sh: merging the $t corpus failed (see below)" >&2
			tail -20 "$tmp/merge-$t.log" >&2
			exit 1
		}
		for log in "$D"/log/fuzz_"$t".*.log; do
			[ -f "$log" ] || continue
			name=$(basename "$log")
			[ -f "$LEDGER" ] && grep -q "	$name	" "$LEDGER" && continue
			if ! session_over "$log"; then
				echo "fuzz.sh: $name is still running (or was killed): not recorded" >&2
				continue
			fi
			built=$(sed -n 's/^wbsim-commit: //p' "$log" | head -1)
			printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$name" "$(session_runs "$log")" \
				"$(session_findings "$log")" "${built:-unknown}" >>"$LEDGER"
		done
		echo "fuzz_$t: $(find "$tmp/new/$t" -type f | wc -l) inputs kept"
	done
	# reproducible: sorted names, no times or owners
	(cd "$tmp/new" && find . -type f | LC_ALL=C sort |
		tar --owner=0 --group=0 --numeric-owner --mtime=@0 -cf - -T - | gzip -n -9) >"$SAVED.new"
	mv -f "$SAVED.new" "$SAVED"
	echo "saved: $SAVED, $LEDGER"
	exit 0
fi

command -v clang >/dev/null 2>&1 || {
	echo "fuzz.sh: needs clang (Debian package clang)" >&2
	exit 2
}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
mkdir -p "$D/corpus/scenario" "$D/corpus/trace" "$D/corpus/settings" "$D/bin" "$D/log"
# the campaign's saved corpus: inputs that earlier sessions, on other machines, found
if $use_saved && [ -f "$SAVED" ]; then
	tar -xzf "$SAVED" -C "$D/corpus"
fi
for f in scenarios/*.json scenarios/invalid/*.json tests/conformance/random-*.json; do
	cp "$f" "$D/corpus/scenario/" 2>/dev/null || true
done
for f in scenarios/c1-unwritten.json scenarios/v1-1k-blocks.json scenarios/patch1-mkwrite-cleanup.json \
	scenarios/eof-zero-stale.json scenarios/short-copy-uninit.json; do
	n=$(basename "$f" .json)
	[ -e "$D/corpus/trace/$n.trace.json" ] ||
		"$B/wbsim" explore "$f" --check off --trace-out "$D/corpus/trace/$n.trace.json" \
			--quiet >/dev/null 2>&1 || true
done
for s in "W1" "W2:write_end" "WB/io0:io_complete" "RC:evict@3" "validity_check=off" \
	"kernel=6.1,drop_writes=true" "write_fail_cleanup=scan_punch,stable_pages=true"; do
	printf '%s' "$s" >"$D/corpus/settings/$(printf '%s' "$s" | cksum | cut -d' ' -f1)"
done
status=0
for t in $targets; do
	cp "$B/fuzz/fuzz_$t" "$D/bin/fuzz_$t.new"
	mv -f "$D/bin/fuzz_$t.new" "$D/bin/fuzz_$t"
	log="$D/log/fuzz_$t.$(date -u +%Y%m%dT%H%M%S).log"
	# the commit of the sources built, for the ledger (a dirty tree says so)
	printf 'wbsim-commit: %s%s\n' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
		"$(git diff --quiet HEAD 2>/dev/null || echo +changes)" >"$log"
	rc=0
	"$D/bin/fuzz_$t" -max_total_time="$secs" -runs="$([ "$runs" -gt 0 ] && echo "$runs" || echo -1)" \
		-dict=fuzz/json.dict -max_len=16384 -timeout="$timeout" -rss_limit_mb=3072 \
		-print_final_stats=1 -close_fd_mask=3 -artifact_prefix="$D/crash-$t-" \
		"$D/corpus/$t" >>"$log" 2>&1 || rc=$?
	if [ $rc -eq 0 ]; then
		echo "fuzz_$t: $(session_runs "$log") runs, no crash (log: $log)"
	elif [ $rc -eq 72 ]; then # libFuzzer's exit code when interrupted
		echo "fuzz_$t: stopped after $(session_runs "$log") runs, no crash (log: $log)"
	else
		echo "fuzz_$t: FAILED (see $log and $D/crash-$t-*)" >&2
		tail -30 "$log" >&2
		status=1
	fi
done
exit $status
