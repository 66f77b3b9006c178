#!/usr/bin/env bash
# The BPF pipeline on this host's kernel: the probe skeleton loads, attaches and runs, and
# `topo` on the live system agrees with what the kernel says itself.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
np=${NP_BIN:-$here/../build/numaplace}

if [ "$(id -u)" != 0 ]; then
	fail "host BPF tests need root"
	finish
	exit
fi
json=$("$np" topo --json) || fail "topo --json on the live system"
field() { printf '%s' "$json" | jq -r "$1"; }

check_eq "kernel release" "$(field .kernel.release)" "$(uname -r)"
check_eq "node count" "$(field '.nodes | length')" \
	"$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)"
check_eq "node 0 cpus" "$(field '.nodes[0].cpus')" "$(cat /sys/devices/system/node/node0/cpulist)"
check_eq "numa_balancing" "$(field .kernel.numa_balancing.mode)" \
	"$(cat /proc/sys/kernel/numa_balancing)"
check_eq "BTF present" "$(field .kernel.bpf.btf)" "true"
# tp_btf and raw_tp also prove the program ran: the probe waits for a sched_switch hit.
check_eq "tp_btf program loads, attaches and runs" "$(field .kernel.bpf.attach.tp_btf.usable)" true
check_eq "raw_tp program loads, attaches and runs" "$(field .kernel.bpf.attach.raw_tp.usable)" true
for kind in tracepoint kprobe fentry; do
	check "$kind probe gives an answer" test "$(field ".kernel.bpf.attach.$kind.usable")" != null
done
check "no BPF program left behind" sh -c "! bpftool prog show 2>/dev/null | grep -q probe_"
finish
