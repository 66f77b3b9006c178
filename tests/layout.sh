#!/usr/bin/env bash
# The shape of the tree, checked: agent/ has one folder per pipeline stage, and a file sees only
# headers of its own stage or of an earlier one (README, Architecture). The build rebuilds what
# a change touches and nothing else.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
cd "$top" || exit 1

# The pipeline, earliest first: a stage may include headers of itself and the stages before it.
STAGES="lib topo sample model policy config act output run cli"
rank() {
	local i=0 s
	for s in $STAGES; do
		[ "$s" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}

# layering_violations FILE...: one line per include of a later stage, of a bare agent header,
# or of json-c where nothing is printed or kept as JSON
layering_violations() {
	local f stage r inc to tr
	for f in "$@"; do
		stage=${f#agent/}
		stage=${stage%%/*}
		r=$(rank "$stage")
		[ "$r" -ge 0 ] || { echo "$f: agent/$stage is not a stage of the pipeline"; continue; }
		while read -r inc; do
			case $inc in
			*.skel.h | *_shared.h) continue ;;
			*/*) to=${inc%%/*} ;;
			*)
				echo "$f: \"$inc\" without its stage folder"
				continue
				;;
			esac
			tr=$(rank "$to")
			if [ "$tr" -lt 0 ]; then
				echo "$f: \"$inc\" is in no stage"
			elif [ "$tr" -gt "$r" ]; then
				echo "$f ($stage) includes \"$inc\" of the later stage $to"
			fi
		done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
		# JSON is printed (output, run, cli) and the journal's format (lib); nothing else
		# needs json-c
		case $stage in lib | output | run | cli) ;;
		*) grep -l '^#include <json-c/' "$f" | sed 's/$/: json-c outside lib, output, run and cli/' ;;
		esac
	done
}

mapfile -t files < <(ls agent/*/*.[ch])
check "agent/ holds only stage folders" test -z "$(ls -p agent | grep -v /)"
check "include/ holds only what BPF and user space share" \
	test -z "$(ls include | grep -v '_shared\.h$')"
out=$(layering_violations "${files[@]}")
if [ -z "$out" ]; then pass "every include in agent/ goes to its own or an earlier stage"; else
	fail "layering:"$'\n'"$out"
fi

# The check itself: a planted back-edge and a planted bare include are caught.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" agent/model/zz_layout_probe.c' EXIT
printf '#include "act/act.h"\n#include "procfs.h"\n#include <json-c/json.h>\n' \
	>agent/model/zz_layout_probe.c
out=$(layering_violations agent/model/zz_layout_probe.c)
check "a model file including act/ is caught" grep -q 'later stage act' <<<"$out"
check "a bare include is caught" grep -q 'without its stage folder' <<<"$out"
check "json-c in model is caught" grep -q 'json-c outside' <<<"$out"
rm -f agent/model/zz_layout_probe.c

# Every function in agent/ fits in 100 lines (a body from its opening to its closing brace at
# the start of a line).
long=$(awk 'FNR == 1 { start = 0 }
	/^[a-z].*\(/ && !/;$/ { name = $0 }
	/^{/ { start = FNR }
	/^}/ && start { if (FNR - start - 1 > 100) printf "%s:%d %s (%d lines)\n", FILENAME, start, name, FNR - start - 1; start = 0 }' \
	agent/*/*.c)
if [ -z "$long" ]; then pass "no function in agent/ is longer than 100 lines"; else
	fail "functions longer than 100 lines:"$'\n'"$long"
fi

# A BPF program's change rebuilds the objects that embed its skeleton, and no other.
if [ -x build/numaplace ]; then
	# compiled objects: the -o of each compile (-c) line make would run
	compiled() { make -n -W "$1" build/numaplace 2>/dev/null | grep -- ' -c ' |
		grep -o -- '-o build/agent/[^ ]*\.o' | cut -c4- | sort -u; }
	rebuilt=$(compiled bpf/sample.bpf.c | tr '\n' ' ')
	check_eq "a change to sample.bpf.c recompiles only the sampler" "$rebuilt" \
		"build/agent/sample/sampler.o "
	rebuilt=$(compiled agent/lib/cpulist.h | wc -l)
	check "a change to a low-level header recompiles its users" test "$rebuilt" -gt 5
else
	fail "build/numaplace is not built"
fi
finish
