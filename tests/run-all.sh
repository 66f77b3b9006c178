#!/usr/bin/env bash
# `make check`: every test stage, then one closing line with the totals.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
export NP_FIXTURES=$top/build/fixtures NP_BIN=$top/build/numaplace
passed=0 failed=0
start=$(date +%s)

stage() {
	local name=$1 out t0=$(date +%s)
	shift
	echo "=== $name"
	out=$("$@" 2>&1 | tee /dev/stderr)
	read -r p f < <(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' | tail -n 1)
	# A stage that dies before its closing line counts as one failure.
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
	echo "=== $name: ${p:-0} passed, ${f:-crashed} failed in $(($(date +%s) - t0))s"
}

"$here/fixtures/mkfixtures.sh" "$NP_FIXTURES"
stage layout "$here/layout.sh"
stage deps "$here/deps.sh"
stage unit "$top/build/unit-tests"
stage cli "$here/cli.sh"
stage man "$here/man.sh"
stage host-bpf "$here/host-bpf.sh"
stage nvml "$here/nvml.sh"
stage dist "$here/dist.sh"
# make deb, the package's contents and lintian, then installed and purged on this host
stage deb "$here/deb.sh"
# each libFuzzer harness for a few seconds (make fuzz runs them a minute each)
stage fuzz env FUZZ_SECONDS="${FUZZ_SECONDS:-5}" "$here/fuzz.sh"
stage vm "$here/vm/run-all.sh"

echo "make check took $(($(date +%s) - start))s"
echo "total: $passed passed, $failed failed"
((failed == 0))
