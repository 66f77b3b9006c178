#!/usr/bin/env bash
# NVML on a host without NVIDIA hardware: numaplace's NVML code and `report` against the test
# double build/tests/nvml/libnvidia-ml.so.1 (make nvml-double), found by its soname through
# LD_LIBRARY_PATH exactly as the real library would be; and without it (quietly no answer).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
np=${NP_BIN:-$top/build/numaplace}
prog=$top/build/np-nvml-check
lib=$top/build/tests/nvml
fixtures=${NP_FIXTURES:-$top/build/fixtures}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# np-nvml-check's own PASS/FAIL lines count here
run_prog() {
	local desc=$1 out
	shift
	out=$("$@" 2>"$tmp/err")
	echo "$out" | sed "s/^\(PASS\|FAIL\): /\1: $desc: /" | grep -E '^(PASS|FAIL|  )'
	NP_PASSED=$((NP_PASSED + $(echo "$out" | grep -c '^PASS:')))
	NP_FAILED=$((NP_FAILED + $(echo "$out" | grep -c '^FAIL:')))
	echo "$out" | grep -q ' passed, 0 failed$' || fail "$desc: did not finish cleanly"
}

run_prog "no library" env -u LD_LIBRARY_PATH -u NP_TEST_NVML_STATE "$prog" absent
check_eq "no library: nothing on stderr" "$(cat "$tmp/err")" ""
run_prog "library, no state file" env -u NP_TEST_NVML_STATE LD_LIBRARY_PATH="$lib" "$prog" absent
check_eq "library, no state file: nothing on stderr" "$(cat "$tmp/err")" ""

{
	echo "# gpu INDEX BUSID UUID NAME; proc GPU PID BYTES|- compute|graphics"
	echo "gpu 0 00000000:21:00.0 GPU-aaaaaaaa-0000-0000-0000-000000000000 NVIDIA H100 80GB HBM3"
	echo "gpu 1 00000000:81:00.0 GPU-bbbbbbbb-0000-0000-0000-000000000001 NVIDIA H100 80GB HBM3"
	echo "proc 0 4242 1000000000 compute"
	echo "proc 1 4242 3000000000 compute"
	echo "proc 1 4242 2000000000 graphics"
	echo "proc 0 4243 - compute"
	for pid in $(seq 5000 5039); do echo "proc 0 $pid 1048576 compute"; done
} >"$tmp/state"
run_prog "double" env LD_LIBRARY_PATH="$lib" NP_TEST_NVML_STATE="$tmp/state" "$prog" present \
	"$fixtures"

# report: this host lists no GPU, so a process NVML names is "an accelerator not identified";
# without the double the same shell is not
report() {
	"$np" report --pid $$ --duration 1 --json 2>"$tmp/report.err" |
		jq -r '.processes[0] | "\(.devices_unidentified) \(.accelerator_source)"'
}
echo "proc 0 $$ 1000000 compute" >"$tmp/state"
echo "gpu 0 00000000:21:00.0 GPU-aaaaaaaa-0000-0000-0000-000000000000 NVIDIA H100" >>"$tmp/state"
check_eq "report --json without NVML" "$(unset LD_LIBRARY_PATH NP_TEST_NVML_STATE; report)" "false null"
check_eq "report --json with the double: NVML names this shell's GPU" \
	"$(LD_LIBRARY_PATH="$lib" NP_TEST_NVML_STATE="$tmp/state" report)" "true null"
check_eq "report: NVML quiet on stderr" "$(grep -ci nvml "$tmp/report.err")" 0

# the double is for tests: make install leaves it out
make -s -C "$top" install DESTDIR="$tmp/inst" >/dev/null 2>&1
check "make install installs numaplace" test -x "$tmp/inst/usr/local/sbin/numaplace"
check_eq "make install leaves the NVML double out" \
	"$(find "$tmp/inst" -name 'libnvidia-ml*' | wc -l)" 0
finish
