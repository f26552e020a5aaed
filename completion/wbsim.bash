# SPDX-License-Identifier: MIT
# bash completion for wbsim(1): the commands, each command's options, the values of --check,
# --kernel, --order and --set KEY=VALUE, scenario and trace files (*.json), directories for
# check.  Installed as share/bash-completion/completions/wbsim, where bash-completion loads it
# the first time wbsim is completed; it needs none of bash-completion's helpers, so
# `source wbsim.bash` works in a plain bash too.  Keep the lists in step with the help texts
# (docs/hacking.md, "The manual page and the completion"; tests/install.sh checks them).

_wbsim_commands="run explore replay dot explain check matrix shrink fstest hunt simulate help"

# The options of COMMAND, as its --help lists them.
_wbsim_options()
{
	local settings="--check --kernel --set"
	case $1 in
	run)
		echo "$settings --schedule --seed --state --trace-out --dot --svg --json --help" ;;
	explore)
		echo "$settings --max-states --max-depth --time-limit --max-memory --trace-out" \
			"--census --fewest-preemptions --preemption-bound --all-failing --order" \
			"--dot --svg --reduce --full --compress --first --threads --json --quiet" \
			"--help" ;;
	replay)
		echo "--at --json --help" ;;
	dot)
		echo "-o --svg --steps-only --focus --compare --help" ;;
	explain)
		echo "--time-limit --help" ;;
	check)
		echo "--time-limit --json --help" ;;
	matrix)
		echo "--base --time-limit --total-time --max-states --max-memory --reduce --full" \
			"--json --md --quiet --help" ;;
	shrink)
		echo "$settings -o --trace-out --time-limit --candidate-states --quiet --help" ;;
	fstest)
		echo "-o --number --help" ;;
	hunt)
		echo "--count --seed -o --kernel --set --max-states --jobs --shard --merge --draw" \
			"--json --quiet --help" ;;
	simulate)
		echo "$settings --runs --seed --threads --timing --vary --svg --trace-out --json" \
			"--quiet --help" ;;
	esac
}

# The values of the switch KEY of --set KEY=VALUE (model/config.c's tables).
_wbsim_switch_values()
{
	case $1 in
	kernel) echo "6.1 6.2 6.3 6.6 6.12 6.18 7.1" ;;
	validity_check) echo "off after_lock before_lock" ;;
	write_fail_cleanup) echo "truncate_punch locked_truncate_punch scan_punch" ;;
	mkwrite_iomap_end | drop_writes | writeback_revalidate | stable_pages | init_on_alloc | \
		partial_zero_uptodate | per_block_dirty | isize_extended_zero | zero_rework) echo "true false" ;;
	zero_dirty_unwritten) echo "skip flush flush_eof batch" ;;
	write_folios) echo "page large_no_order1 large" ;;
	writeback_map) echo "per_block per_range" ;;
	write_failed_truncate) echo "always rejected_only" ;;
	esac
}
_wbsim_switches="kernel validity_check write_fail_cleanup mkwrite_iomap_end drop_writes
writeback_revalidate stable_pages init_on_alloc partial_zero_uptodate per_block_dirty
zero_dirty_unwritten isize_extended_zero write_folios writeback_map write_failed_truncate
zero_rework"

# Complete CUR as a file: with "json", a directory or a *.json file (scenarios, traces, and
# check's directories); with "any", any file (outputs); with "dir", a directory.
_wbsim_files()
{
	local kind=$1 cur=$2 IFS=$'\n'
	compopt -o filenames 2>/dev/null
	case $kind in
	any) COMPREPLY+=($(compgen -f -- "$cur")) ;;
	dir) COMPREPLY+=($(compgen -d -- "$cur")) ;;
	json) COMPREPLY+=($(compgen -d -- "$cur") $(compgen -f -X '!*.json' -- "$cur")) ;;
	esac
}

# The values of OPTION, the word being completed CUR (of the command $cmd of _wbsim).
_wbsim_value()
{
	local opt=$1 cur=$2
	case $opt in
	--check) COMPREPLY=($(compgen -W "$(_wbsim_switch_values validity_check)" -- "$cur")) ;;
	--kernel) COMPREPLY=($(compgen -W "$(_wbsim_switch_values kernel)" -- "$cur")) ;;
	--order) COMPREPLY=($(compgen -W "forward reverse shuffle" -- "$cur")) ;;
	--set)
		if [[ $cur == *=* ]]; then
			COMPREPLY=($(compgen -P "${cur%%=*}=" \
				-W "$(_wbsim_switch_values "${cur%%=*}")" -- "${cur#*=}"))
		else
			COMPREPLY=($(compgen -S = -W "$_wbsim_switches" -- "$cur"))
			compopt -o nospace 2>/dev/null
		fi ;;
	-o) [[ $cmd == fstest || $cmd == hunt ]] && _wbsim_files dir "$cur" ||
		_wbsim_files any "$cur" ;;
	--trace-out | --dot | --svg) _wbsim_files any "$cur" ;;
	--timing) _wbsim_files json "$cur" ;;
	--schedule | --seed | --max-states | --max-depth | --time-limit | --max-memory | --threads | \
		--preemption-bound | --all-failing | --at | --base | --total-time | \
		--candidate-states | --number | --count | --jobs | --shard | --draw | --runs | \
		--vary) ;;	# a number, a schedule: nothing to offer
	*) return 1 ;;	# not an option that takes a value
	esac
	return 0
}

_wbsim()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd=${COMP_WORDS[1]} i
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "$_wbsim_commands --help -h -V --version" -- "$cur"))
		return
	fi
	[[ -n $(_wbsim_options "$cmd") ]] || return

	# bash splits "--kernel=6.1" and "--set key=value" at "=" (COMP_WORDBREAKS): the word
	# before the "=" is the option, or the switch of a --set.
	if [[ $cur == = || $prev == = ]]; then
		[[ $cur == = ]] && { cur=; i=1; } || i=2
		local left=${COMP_WORDS[COMP_CWORD - i]} before=${COMP_WORDS[COMP_CWORD - i - 1]}
		if [[ $before == --set ]]; then
			COMPREPLY=($(compgen -W "$(_wbsim_switch_values "$left")" -- "$cur"))
		else
			_wbsim_value "$left" "$cur"
		fi
		return
	fi
	if [[ $cur == --*=* ]]; then	# "=" not a word break
		_wbsim_value "${cur%%=*}" "${cur#*=}" &&
			COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
		return
	fi
	_wbsim_value "$prev" "$cur" && return

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_wbsim_options "$cmd")" -- "$cur"))
		return
	fi
	_wbsim_files json "$cur"
}
complete -F _wbsim wbsim
