#!/bin/sh
# Install what wbsim needs to build and test on Debian, if anything is missing.
# CI (CI=true) always refreshes the package lists and installs, as root.
# --bench also installs what bench/bench.py --spin needs (SPIN's verifier, Debian package spin);
# the tests and CI do not need it.  man-db and groff-base: tests/install.sh renders the manual
# page with man and groff, warnings on.  parallel (GNU parallel): tests/hunt.sh runs hunt shards
# through it, as the README shows.  gnuplot-nox: wbsim simulate --svg (its test skips the plot
# without it).
set -eu
PKGS="build-essential cmake pkg-config libjansson-dev libcmocka-dev libxxhash-dev graphviz
python3-jsonschema shellcheck man-db groff-base parallel gnuplot-nox"
for arg in "$@"; do
	case "$arg" in
	--bench) PKGS="$PKGS spin" ;;
	*)
		echo "usage: deps.sh [--bench]" >&2
		exit 2
		;;
	esac
done
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -z "$missing" ] && [ "${CI:-}" != "true" ]; then
	exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 && SUDO="sudo" || {
		echo "deps.sh: missing packages:$missing (run as root, or install them)" >&2
		exit 1
	}
fi
echo "deps.sh: installing$missing" >&2
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y $PKGS
