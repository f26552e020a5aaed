#!/bin/sh
# fuzz_smoke.sh SRCDIR - each libFuzzer target for a few seconds, when clang is
# installed (exit 77, skipped, when not): scripts/fuzz.sh --no-saved 5.
command -v clang >/dev/null 2>&1 || { echo "fuzz_smoke.sh: no clang, skipped"; exit 77; }
exec "$1/scripts/fuzz.sh" --no-saved 5
