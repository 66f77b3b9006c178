# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 512 --dist 10,21/21,10 --dev-node 1
# `numaplace topo` in a 2-node guest: nodes, CPUs, distances, and the stand-in GPU and NIC on
# node 1 with the NIC's MSI-X vectors, compared with what the guest kernel says directly.
. /np/lib.sh

json=$(numaplace topo --json)
check_eq "topo --json exit code" "$?" 0
field() { printf '%s' "$json" | jq -r "$1"; }
nic=$(field '.devices[] | select(.kind == "nic") | .pci')
gpu=$(field '.devices[] | select(.kind == "accelerator") | .pci')

check_eq "two nodes" "$(field '.nodes | map(.id) | join(",")')" "0,1"
check_eq "node 0 cpus" "$(field '.nodes[0].cpus')" "0-1"
check_eq "node 1 cpus" "$(field '.nodes[1].cpus')" "2-3"
check_eq "node 0 distances" "$(field '.nodes[0].distances | join(",")')" "10,21"
check_eq "node 1 distances" "$(field '.nodes[1].distances | join(",")')" "21,10"
for n in 0 1; do
	total_kb=$(awk '/MemTotal/ { print $4 }' /sys/devices/system/node/node$n/meminfo)
	check_eq "node $n mem_total_mb" "$(field ".nodes[$n].mem_total_mb")" $((total_kb / 1024))
	check "node $n mem_free_mb is below its total" \
		test "$(field ".nodes[$n].mem_free_mb")" -lt "$(field ".nodes[$n].mem_total_mb")"
done
numactl --hardware | grep -q "node 1 cpus: 2 3"
check_eq "numactl agrees on node 1's CPUs" "$?" 0

check_eq "one accelerator" "$(field '[.devices[] | select(.kind == "accelerator")] | length')" 1
check_eq "stand-in GPU is bochs-display" "$(field ".devices[] | select(.pci == \"$gpu\") | .vendor + .device + .class")" \
	"0x12340x11110x038000"
check_eq "stand-in GPU on node 1" "$(field ".devices[] | select(.pci == \"$gpu\") | .node")" 1
check_eq "one NIC" "$(field '[.devices[] | select(.kind == "nic")] | length')" 1
check_eq "NIC on node 1" "$(field ".devices[] | select(.pci == \"$nic\") | .node")" 1
check_eq "NIC driver" "$(field ".devices[] | select(.pci == \"$nic\") | .driver")" virtio-pci
check_eq "NIC interface" "$(field ".devices[] | select(.pci == \"$nic\") | .netdevs | join(\",\")")" eth0
msi=$(ls /sys/bus/pci/devices/$nic/msi_irqs | sort -n | tr '\n' ',' | sed 's/,$//')
check "NIC has MSI-X vectors" test -n "$msi"
check_eq "NIC irqs are its MSI-X vectors" "$(field ".devices[] | select(.pci == \"$nic\") | .irqs | join(\",\")")" "$msi"
for irq in $(echo "$msi" | tr , ' '); do
	grep -q "^ *$irq: .*PCI-MSI" /proc/interrupts || fail "IRQ $irq is not an MSI in /proc/interrupts"
done

# The guest kernel (Debian 6.1) allows kprobes and fentry: every attach type must load here.
for kind in tp_btf raw_tp tracepoint kprobe fentry; do
	check_eq "$kind usable in the guest" "$(field ".kernel.bpf.attach.$kind.usable")" true
done
check_eq "numa_balancing mode" "$(field .kernel.numa_balancing.mode)" "$(cat /proc/sys/kernel/numa_balancing)"
check_eq "scan knobs from debugfs" "$(field .kernel.numa_balancing.knobs_source)" debugfs
check_eq "scan_delay_ms" "$(field .kernel.numa_balancing.knobs.scan_delay_ms)" \
	"$(cat /sys/kernel/debug/sched/numa_balancing/scan_delay_ms)"

numaplace topo >/tmp/topo.txt
check_eq "topo table exit code" "$?" 0
check "table shows the GPU on node 1" grep -q "^$gpu  accelerator .* 1 " /tmp/topo.txt
cat /tmp/topo.txt
finish
