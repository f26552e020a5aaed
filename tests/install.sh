#!/bin/bash
# install.sh CMAKE BUILDDIR SRCDIR - what `cmake --install` lays out, in a temporary prefix:
# bin/wbsim and -V; the manual page wbsim(1), rendered by man(1) and groff with every warning
# on and none printed; the bash completion, loaded by a plain bash; the catalogue and the docs.
# And that the page and the completion are in step with the help texts: every command of
# `wbsim --help`, every option of each `wbsim COMMAND --help` usage, the values of --check,
# --kernel, --order and the switches of --set (docs/hacking.md says how to keep them so).
set -u
CMAKE=$1
B=$(cd "$2" && pwd)
S=$(cd "$3" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T" # man-db may read the page as another user
P=$T/prefix
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

"$CMAKE" --install "$B" --prefix "$P" >"$T/install.log" 2>&1 || {
	cat "$T/install.log" >&2
	echo "FAIL: cmake --install $B --prefix $P" >&2
	exit 1
}
W=$P/bin/wbsim
MAN=$P/share/man/man1/wbsim.1
COMP=$P/share/bash-completion/completions/wbsim
DOC=$P/share/doc/wbsim

# --- the files
[ -x "$W" ] || fail "no executable bin/wbsim"
for f in "$MAN" "$COMP" "$DOC/README.md" "$P/share/wbsim/scenarios/c1-unwritten.json"; do
	[ -s "$f" ] || fail "not installed: ${f#"$P"/}"
done
for f in $(cd "$S" && find docs -type f); do
	cmp -s "$S/$f" "$DOC/$f" || fail "not installed: share/doc/wbsim/$f"
done
want=$(cd "$S/scenarios" && find . -type f | sort)
got=$(cd "$P/share/wbsim/scenarios" 2>/dev/null && find . -type f | sort)
[ "$want" = "$got" ] || fail "share/wbsim/scenarios differs from scenarios/"
for d in hunts timing; do
	want=$(cd "$S/$d" && find . -type f | sort)
	got=$(cd "$P/share/wbsim/$d" 2>/dev/null && find . -type f | sort)
	[ "$want" = "$got" ] || fail "share/wbsim/$d differs from $d/"
done

# --- -V and --version: the version of the build, the same as the page's
"$W" -V >"$T/v" 2>&1 || fail "wbsim -V exits $?"
"$W" --version >"$T/version" 2>&1 || fail "wbsim --version exits $?"
cmp -s "$T/v" "$T/version" || fail "-V and --version differ"
version=$(sed -n 's/^\.TH WBSIM 1 [^ ]* "wbsim \([^"]*\)".*/\1/p' "$MAN")
grep -Eq "^wbsim $version( \(git [0-9a-f]+\))?\$" "$T/v" ||
	fail "-V prints '$(cat "$T/v")', the page says version '$version'"

# --- the page renders with no warnings, in man(1) and in groff with every warning on
if ! command -v man >/dev/null || ! command -v groff >/dev/null; then
	fail "man or groff missing (scripts/deps.sh installs man-db and groff-base)"
else
	LC_ALL=C MANWIDTH=80 MAN_DISABLE_SECCOMP=1 man --warnings -l "$MAN" >"$T/man.txt" 2>"$T/man.err" ||
		fail "man -l exits $?"
	[ ! -s "$T/man.err" ] || fail "man --warnings -l: $(cat "$T/man.err")"
	grep -q '^SYNOPSIS' "$T/man.txt" || fail "the rendered page has no SYNOPSIS"
	groff -ww -man -z "$MAN" 2>"$T/groff.err" || fail "groff exits $?"
	[ ! -s "$T/groff.err" ] || fail "groff -ww: $(cat "$T/groff.err")"
fi

# --- the completion loads in a plain bash and registers wbsim
got=$(bash -c 'source "$1" && complete -p wbsim' sh "$COMP" 2>&1)
[ "$got" = "complete -F _wbsim wbsim" ] || fail "the completion does not load: $got"

# complete WORDS...: what the completion offers for the last word, one per line
complete_words() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _wbsim
		printf "%s\n" "${COMPREPLY[@]}" | sort -u' sh "$COMP" "$@"
}
# man_section CMD: the rendered text of the page's subsection "wbsim CMD ..."
man_section() {
	awk -v c="$1" '$0 ~ "^   wbsim " c "( |$)" { on = 1; next }
		on && /^ {0,3}[^ ]/ { on = 0 } on' "$T/man.txt"
}
# usage_options CMD: the options in the usage lines of `wbsim CMD --help`, one per line
usage_options() {
	"$W" "$1" --help | awk '/^usage:/ { on = 1 } on && /^$/ { exit } on' |
		grep -oE -- '(^|[][ |])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[][ |]*//' | sort -u
}
# top_options CMD: the options of CMD's lines in the usage of `wbsim --help`, one per line
top_options() {
	"$W" --help | awk -v c="$1" '/^  wbsim / { on = $2 == c } /^$/ { on = 0 } on' |
		grep -oE -- '(^|[][ |])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[][ |]*//' | sort -u
}
# same WHAT WANT GOT: two sorted lists are equal
same() {
	[ "$2" = "$3" ] || fail "$1: $(diff <(echo "$2") <(echo "$3") | grep '^[<>] .' |
		sed 's/^</missing/; s/^>/extra/' | tr '\n' ' ')"
}

# --- every command, in the completion and in the page; every option of each
cmds=$("$W" --help | sed -n 's/^  wbsim \([a-z][a-z]*\) .*/\1/p' | sort -u)
[ -n "$cmds" ] || fail "no command found in wbsim --help"
same "the completion's commands against wbsim --help" "$cmds" \
	"$(complete_words wbsim '' | grep -vx -e help -e '-.*')"
for c in $cmds; do
	opts=$(usage_options "$c")
	[ -n "$opts" ] || fail "no options found in wbsim $c --help"
	same "the options of 'wbsim $c' in wbsim --help against wbsim $c --help" \
		"$opts" "$(top_options "$c")"
	same "the completion of 'wbsim $c -' against its --help" \
		"$(printf '%s\n' $opts --help | sort -u)" "$(complete_words wbsim "$c" -)"
	man_section "$c" >"$T/sec"
	[ -s "$T/sec" ] || fail "the page has no subsection 'wbsim $c'"
	for o in $opts; do
		grep -qE -- "(^|[^a-zA-Z-])$o([^a-zA-Z-]|\$)" "$T/sec" ||
			fail "the page's 'wbsim $c' does not describe $o"
	done
done

# --- the values: --check, --kernel, --order, the switches of --set
help_run=$("$W" run --help | tr '\n' ' ' | tr -s ' ')
modes=$(echo "$help_run" | sed -n 's/.*--check MODE validity_check: \([a-z_, ]*\).*/\1/p' |
	sed 's/,\| or / /g' | tr ' ' '\n' | grep . | sort)
kernels=$("$W" run --help |
	sed -n 's/.*--kernel \([0-9.|]*\)\].*/\1/p' | tr '|' '\n' | sort)
orders=$("$W" explore --help | sed -n 's/.*--order \([a-z|]*\)\].*/\1/p' | tr '|' '\n' | sort)
switches=$(echo "$help_run" | sed -n 's/.*override a switch (\([a-z_, ]*\)).*/\1/p' |
	tr ', ' '\n\n' | grep . | sort)
for v in modes kernels orders switches; do
	[ -n "${!v}" ] || fail "no $v found in the help texts"
done
same "the completion of --check" "$modes" "$(complete_words wbsim run x --check '')"
same "the completion of --kernel" "$kernels" "$(complete_words wbsim run x --kernel '')"
same "the completion of --order" "$orders" "$(complete_words wbsim explore x --order '')"
same "the completion of --set" "$(echo "$switches" | sed 's/$/=/')" \
	"$(complete_words wbsim run x --set '')"
same "the completion of --set kernel=" "$kernels" \
	"$(complete_words wbsim run x --set kernel = '')"
awk '/^SETTINGS/ { on = 1; next } on && /^[^ ]/ { exit } on' "$T/man.txt" >"$T/settings"
for w in $modes $kernels $switches; do
	grep -qw -- "$w" "$T/settings" || fail "the page's SETTINGS do not name $w"
done

# --- the installed tool runs on the installed catalogue (one scenario: the cli test and
# `wbsim check scenarios` cover the rest; the whole catalogue takes seconds under ASan)
"$W" check "$P/share/wbsim/scenarios/c1-unwritten.json" >"$T/check" 2>&1 ||
	fail "wbsim check share/wbsim/scenarios/c1-unwritten.json exits $?: $(tail -3 "$T/check")"

if [ "$fails" -ne 0 ]; then
	echo "install.sh: $fails failure(s); docs/hacking.md says how to keep the page and the completion in step" >&2
	exit 1
fi
echo "install.sh: all passed ($(echo $cmds | wc -w) commands)"
