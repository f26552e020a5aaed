#!/bin/sh
# The test command: install what is missing, then build and run the whole suite
# twice: a Debug build with -Werror (wb_world_check after every step), and an
# ASan+UBSan build.  Run from anywhere; build trees go under build/.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
for preset in debug asan-ubsan; do
	echo "== $preset ==" >&2
	cmake --preset "$preset" >/dev/null
	cmake --build --preset "$preset" -j "$jobs"
	ctest --preset "$preset" -j "$jobs" --output-on-failure
done
echo "test.sh: all tests passed (debug -Werror, asan-ubsan)" >&2
