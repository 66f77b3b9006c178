# Helpers of the placement scenarios (busybox sh): start a workload, read ground truth from
# the kernel (numa_maps, task status, /proc/irq, sysctls), snapshot what place may change.

# start_stream NUMACTL-ARGS... -- NP-STREAM-ARGS...: start np-stream under numactl, wait for
# its buffer to be filled and its readers to run; $pid is the process.
start_stream() {
	rm -f /tmp/ready
	numactl "$@" --ready /tmp/ready >/tmp/stream.log 2>&1 &
	pid=$!
	wait_for /tmp/ready 600 || fail "workload did not start: $(cat /tmp/stream.log)"
}
stop_stream() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# share_on PID NODE: fraction of the process's resident pages (anonymous and mapped file,
# huge pages in base pages) on NODE, from numa_maps
share_on() {
	awk -v want="N$2" '{
		ps = 4
		for (i = 1; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { split($i, a, "="); ps = a[2] }
		for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) {
			split($i, a, "="); total += a[2] * ps; if (a[1] == want) on += a[2] * ps
		}
	} END { printf "%.3f\n", total ? on / total : 0 }' "/proc/$1/numa_maps"
}

# file_share_on PID NODE: the same for the file-backed mappings only
file_share_on() {
	grep ' file=' "/proc/$1/numa_maps" | awk -v want="N$2" '{
		for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) {
			split($i, a, "="); total += a[2]; if (a[1] == want) on += a[2]
		}
	} END { printf "%.3f\n", total ? on / total : 0 }'
}

node_cpus() { cat "/sys/devices/system/node/node$1/cpulist"; }

# thread_masks PID: "TID CPULIST" per thread
thread_masks() {
	for t in /proc/"$1"/task/*; do
		echo "${t##*/} $(awk '/^Cpus_allowed_list/ { print $2 }' "$t/status" 2>/dev/null)"
	done
}

# all_threads_on PID CPULIST: every thread's Cpus_allowed_list is CPULIST
all_threads_on() {
	[ -z "$(thread_masks "$1" | awk -v want="$2" '$2 != "" && $2 != want')" ]
}

# snapshot [PID]: everything place may change, in a comparable form
snapshot() {
	[ -n "${1:-}" ] && thread_masks "$1"
	for f in /proc/irq/*/smp_affinity_list; do echo "$f $(cat "$f")"; done
	echo "numa_balancing $(cat /proc/sys/kernel/numa_balancing)"
	for f in /sys/kernel/debug/sched/numa_balancing/*; do echo "$f $(cat "$f")"; done
	numaplace topo --json | jq -c '.kernel.irqbalance // empty'
}

# irqs_of_nic IFACE: its MSI-X vectors
# (virtio-net's device link is the virtio device; its parent is the PCI function)
irqs_of_nic() {
	_dev=$(readlink -f "/sys/class/net/$1/device")
	[ -d "$_dev/msi_irqs" ] || _dev=${_dev%/*}
	ls "$_dev/msi_irqs" 2>/dev/null | tr "\n" " "
}

# irqs_within IRQS CPULIST: there are IRQs, and every one's smp_affinity_list is CPULIST
irqs_within() {
	_want=$2
	[ -n "$1" ] || return 1
	for _irq in $1; do
		[ "$(cat /proc/irq/$_irq/smp_affinity_list)" = "$_want" ] || return 1
	done
}
