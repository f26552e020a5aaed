#!/bin/sh
# The main job: install what is missing, build (Release), explore the canonical
# race with the check off, and write its counterexample trace.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)"
set +e
./build/release/wbsim explore scenarios/c1-unwritten.json --check off --trace-out c1-unwritten.trace.json --svg c1-unwritten.svg
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "demo.sh: expected the race to be found (exit 1), got $rc" >&2; exit 1; }
echo "demo.sh: counterexample trace in c1-unwritten.trace.json, its diagram in c1-unwritten.svg" >&2
