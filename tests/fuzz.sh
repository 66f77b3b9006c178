#!/usr/bin/env bash
# Run the libFuzzer harnesses of tests/fuzz/ (built by `make fuzz-build` into build/fuzz/), each
# for FUZZ_SECONDS (default 60), starting from its seed corpus tests/fuzz/corpus/NAME. New
# corpus entries are kept in build/fuzz/corpus/NAME (the tree is never written); a crash, a
# sanitizer report or a broken invariant leaves its input in build/fuzz/crashes/ and is a
# failure.
#
#   tests/fuzz.sh            every harness
#   tests/fuzz.sh journal    one (or several) by name
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
seconds=${FUZZ_SECONDS:-60}
bin=$top/build/fuzz
passed=0 failed=0

names=("$@")
if ((${#names[@]} == 0)); then
	for f in "$here"/fuzz/fuzz_*.c; do
		n=${f##*/fuzz_}
		names+=("${n%.c}")
	done
fi

for name in "${names[@]}"; do
	if [[ ! -x $bin/fuzz_$name ]]; then
		echo "FAIL $name: $bin/fuzz_$name not built (make fuzz-build)"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$bin/corpus/$name" "$bin/crashes" "$bin/logs"
	log=$bin/logs/$name.log
	# -timeout: an input that takes 10 s is a hang; -rss_limit_mb: 2 GB is a runaway.
	# -max_len: a config or a journal is longer than libFuzzer's default of 4 KB.
	"$bin/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-max_len=16384 -print_final_stats=1 -artifact_prefix="$bin/crashes/$name-" \
		"$bin/corpus/$name" "$here/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if ((rc == 0)); then
		echo "PASS $name: ${runs:-?} inputs in ${seconds}s"
		passed=$((passed + 1))
	else
		echo "FAIL $name (exit $rc), log $log:"
		grep -E -A12 'ERROR:|invariant broken|runtime error|Test unit written' "$log" |
			head -n 30 | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
((failed == 0))
