#!/usr/bin/env bash
# Run every VM scenario: each file's "# vm:" line gives the guest's layout (see run.sh).
#   tests/vm/run-all.sh [NAME-SUBSTRING]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
for file in "$here"/scenarios/*.sh; do
	name=$(basename "$file" .sh)
	[[ -z "${1:-}" || "$name" == *"$1"* ]] || continue
	read -r -a layout <<<"$(sed -n 's/^# vm: //p' "$file" | head -n 1)"
	echo "--- vm scenario $name: ${layout[*]}"
	out=$("$here/run.sh" "${layout[@]}" "scenarios/$name")
	echo "$out" | grep -v ' passed, [0-9]* failed$'
	read -r p f < <(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' | tail -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
done
echo "$passed passed, $failed failed"
((failed == 0))
