#!/usr/bin/env bash
# The command line: fixture trees give exactly the expected JSON, bad input is refused cleanly.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
np=${NP_BIN:-$here/../build/numaplace}
fixtures=${NP_FIXTURES:-$here/../build/fixtures}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in epyc-2s-8gpu nps4-1s laptop cloud-vm; do
	"$np" topo --json --root "$fixtures/$f" >"$tmp/$f.json" 2>"$tmp/$f.err"
	if diff -u "$here/fixtures/$f.expected.json" "$tmp/$f.json" >"$tmp/$f.diff"; then
		pass "topo --json --root $f matches $f.expected.json"
	else
		fail "topo --json --root $f differs:"
		head -40 "$tmp/$f.diff"
	fi
	"$np" topo --root "$fixtures/$f" >"$tmp/$f.txt"
	check_eq "topo --root $f (table) exit code" "$?" 0
done
check "cloud-vm table says node unknown for its devices" \
	test "$(grep -c ' unknown ' "$tmp/cloud-vm.txt")" -eq 4
check "epyc table lists no ASPEED device" sh -c "! grep -q 1a03 '$tmp/epyc-2s-8gpu.txt'"
check "epyc table shows the banned IRQs" grep -q 'banned irqs: 200-201' "$tmp/epyc-2s-8gpu.txt"

# Usage errors: exit 2 and a message that names the problem.
expect_exit "no command" 2 "usage" "$np"
expect_exit "unknown command" 2 "unknown command 'frobnicate'" "$np" frobnicate
expect_exit "unknown topo flag" 2 "unknown option '--bogus'" "$np" topo --bogus
expect_exit "unknown short flag" 2 "unknown option '-x'" "$np" topo -x
expect_exit "--root without a value" 2 "needs a value" "$np" topo --root
expect_exit "--root pointing nowhere" 2 "/nonexistent/np: No such file" "$np" topo --root /nonexistent/np
expect_exit "--root naming a file" 2 "not a directory" "$np" topo --root /etc/hostname
expect_exit "stray argument" 2 "unexpected argument 'extra'" "$np" topo extra

# Runtime errors: exit 1 and the file that failed.
mkdir -p "$tmp/empty"
expect_exit "--root without a /sys tree" 1 "node/online" "$np" topo --root "$tmp/empty"
cp -a "$fixtures/laptop" "$tmp/broken"
rm "$tmp/broken/sys/devices/system/node/node0/meminfo"
mkdir "$tmp/broken/sys/devices/system/node/node0/meminfo" # unreadable even for root
expect_exit "unreadable meminfo" 1 "node0/meminfo: Is a directory" "$np" topo --root "$tmp/broken"

# report: bad input is refused before anything is loaded into the kernel.
expect_exit "report: unknown pid" 2 "--pid 999999: no such process" "$np" report --pid 999999
expect_exit "report: malformed pid list" 2 "comma-separated" "$np" report --pid 1,,2
expect_exit "report: duplicate pid" 2 "distinct" "$np" report --pid 1,1
expect_exit "report: --sample-every 0" 2 "sample-every" "$np" report --sample-every 0
expect_exit "report: bad duration" 2 "duration" "$np" report --duration soon
expect_exit "report: negative duration" 2 "duration" "$np" report --duration -1
expect_exit "report: bad regex" 2 "regular expression" "$np" report --match '('
expect_exit "report: no match" 2 "no running process matches" "$np" report --match 'no-such-server-xyz'
expect_exit "report: --all with --pid" 2 "cannot be combined" "$np" report --all --pid 1
expect_exit "report: unknown device" 2 "no such accelerator" "$np" report --device 0000:ff:00.0
expect_exit "report: unknown flag" 2 "unknown option '--frob'" "$np" report --frob
expect_exit "report: -o into a missing directory" 1 "/nonexistent/x.json" "$np" report --pid 1 -o /nonexistent/x.json

if command -v setpriv >/dev/null; then
	expect_exit "report: not root" 1 "needs root" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$np" report --pid 1 --duration 1
fi

check "--help exits 0" "$np" topo --help >/dev/null
check "--version exits 0" "$np" --version >/dev/null
finish
