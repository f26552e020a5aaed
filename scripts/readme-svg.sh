#!/bin/sh
# SPDX-License-Identifier: MIT
# readme-svg.sh [WBSIM [OUT.svg]] - regenerate the README's picture,
# docs/c1-unwritten.svg: the canonical race (C1) under validity_check=off from
# the scenario's schedule, drawn by wbsim dot and rendered by Graphviz's dot.
# WBSIM defaults to build/release/wbsim; run from anywhere.
# Paths given are relative to the current directory; the defaults to the source tree.
set -eu
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
W=${1:+$(abs "$1")}
OUT=${2:+$(abs "$2")}
cd "$(dirname "$0")/.."
W=${W:-build/release/wbsim}
OUT=${OUT:-docs/c1-unwritten.svg}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

rc=0
"$W" run scenarios/c1-unwritten.json --check off --trace-out "$T/c1.json" >/dev/null || rc=$?
if [ "$rc" -ne 1 ]; then
	echo "readme-svg.sh: expected the C1 run to find the corruption (exit 1), got $rc" >&2
	exit 1
fi
"$W" dot "$T/c1.json" --svg "$OUT"
echo "readme-svg.sh: wrote $OUT"
