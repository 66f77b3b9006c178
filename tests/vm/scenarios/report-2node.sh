# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 512 --dist 10,21/21,10 --dev-node 1
# `numaplace report` against ground truth: an inference-like workload (np-stream: a loader
# fills 64 MB, two readers stream it) placed deliberately with numactl.
. /np/lib.sh
. /np/lib/place.sh # start_stream, stop_stream

gpu=$(numaplace topo --json | jq -r '.devices[] | select(.kind == "accelerator") | .pci')
balancing=$(cat /proc/sys/kernel/numa_balancing)
echo 0 >/proc/sys/kernel/numa_balancing # placement under test must not move meanwhile

report() { json=$(numaplace report --pid "$pid" --json "$@"); }
field() { printf '%s' "$json" | jq -r "$1"; }

# numastat -p's Total row, in MB per node, against pages_by_node: within 1% of the total.
# khugepaged may fill a huge page between two reads, so numastat runs right before and right
# after a short report, and either must agree.
numastat_total() { numastat -p "$pid" | awk '$1 == "Total" { $1 = ""; print }'; }
compare_numastat() {
	before=$(numastat_total)
	report --duration 0.2
	after=$(numastat_total)
	ours=$(field '.processes[0].pages_by_node | map(. * 4096 / 1048576) | map(tostring) | join(" ")')
	if agrees "$ours" "$before" || agrees "$ours" "$after"; then
		pass "$1: pages_by_node ($ours MB) = numastat -p ($before) within 1%"
	else
		fail "$1: pages_by_node ($ours MB) differs from numastat -p ($before / $after)"
	fi
}
agrees() {
	awk -v a="$1" -v b="$2" 'BEGIN {
			n = split(a, x, " "); m = split(b, y, " "); total = y[m]
			if (m != n + 1 || total <= 0) exit 1
			for (i = 1; i <= n; i++) { d = x[i] - y[i]; if (d < 0) d = -d; if (d > 0.01 * total + 0.01) exit 1 }
		}'
}

# 1. memory on node 0, threads on node 1: everything they read is remote
start_stream --membind=0 --cpunodebind=1 np-stream --mb 64 --threads 2 --seconds 300
report --duration 2
check_eq "report exit code" "$?" 0
rr=$(field '.processes[0].remote_ratio')
check "memory on 0, threads on 1: remote_ratio $rr >= 0.95" in_range "$rr" 0.95 1
check "threads ran on node 1 only" \
	test "$(field '.processes[0].cpu_ns_by_node | if .[0] * 50 < .[1] then "yes" else "no" end')" = yes
check_eq "reader threads listed" "$(field '.processes[0].per_thread | length')" 3
check_eq "target without a device: the memory's node" "$(field '.processes[0].target_node')" 0
compare_numastat "membind 0"
report --duration 1 --device "$gpu"
check_eq "--device $gpu makes node 1 the target" "$(field '.processes[0].target_node')" 1
check "target reason names the device" sh -c "printf '%s' '$(field .processes[0].target_reason)' | grep -q '$gpu'"
numaplace report --pid "$pid" --duration 1 --device "$gpu" >/tmp/report.txt
check "table recommends numaplace place to node 1" grep -q "numaplace place --pid $pid --node 1" /tmp/report.txt
check "table recommends numactl for the next start" grep -q "numactl --cpunodebind=1 --membind=1" /tmp/report.txt
check_width "report text" /tmp/report.txt
cat /tmp/report.txt
stop_stream

# 1b. no --device: the GPU the process has open (/dev/dri, bochs DRM driver) gives the target
card=$(ls /dev/dri/card* 2>/dev/null | head -n 1)
check "the stand-in GPU has a DRM device" test -n "$card"
start_stream --membind=0 --cpunodebind=0 np-stream --mb 16 --threads 1 --seconds 300 --open "$card"
report --duration 1
check_eq "open GPU ($card) found" "$(field '.processes[0].devices | join(",")')" "$gpu"
check_eq "its node is the target" "$(field '.processes[0].target_node')" 1
check_eq "the reason names it" "$(field '.processes[0].target_reason')" "uses accelerator $gpu on node 1"
stop_stream

# 2. memory and threads on node 1: nothing remote
start_stream --membind=1 --cpunodebind=1 np-stream --mb 64 --threads 2 --seconds 300
report --duration 2
rr=$(field '.processes[0].remote_ratio')
check "memory and threads on 1: remote_ratio $rr <= 0.05" in_range "$rr" 0 0.05
compare_numastat "membind 1"
stop_stream

# 3. memory interleaved over both nodes, threads on node 1: half remote
start_stream --interleave=0,1 --cpunodebind=1 np-stream --mb 64 --threads 2 --seconds 300
report --duration 2
rr=$(field '.processes[0].remote_ratio')
check "interleaved, threads on 1: remote_ratio $rr in 0.45-0.55" in_range "$rr" 0.45 0.55
compare_numastat "interleave"
stop_stream

# 4. a loader on node 0 fills memory that readers on node 1 read: first touch is remote
rm -f /tmp/ready
numactl --cpunodebind=0 np-stream --mb 32 --threads 2 --seconds 300 --delay 1 --reader-cpus 2-3 \
	--ready /tmp/ready >/dev/null 2>&1 &
pid=$!
report --duration 5 --sample-every 1
ft=$(field '.processes[0].first_touch_remote_ratio')
check "loader on 0, readers on 1: first_touch_remote_ratio $ft >= 0.9" in_range "$ft" 0.9 1
check "fault samples were resolved" test "$(field '.processes[0].samples_resolved')" -ge 16
check_eq "no samples dropped" "$(field .drops.fault_samples)" 0
stop_stream

# 5. a process that exits during the window is reported as exited
rm -f /tmp/ready
# (it runs 3 s: under a loaded host, loading the sampler takes a while, and the CPU time of a
# process that exited before the sampler attached is rightly unknown)
np-stream --mb 8 --threads 1 --seconds 3 --ready /tmp/ready >/dev/null 2>&1 &
pid=$!
wait_for /tmp/ready
report --duration 8
check_eq "exited mid-window: exit code" "$?" 0
check_eq "exited mid-window: reported as exited" "$(field '.processes[0].exited')" true
check "exited mid-window: its CPU time is kept" test "$(field '.processes[0].cpu_ns_by_node | add')" -gt 0

# 6. AutoNUMA on: hinting faults (kprobe on this kernel) and the migrations they cause,
# checked against the kernel's own counters in /proc/vmstat.
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
echo 100 >/sys/kernel/debug/sched/numa_balancing/scan_delay_ms
echo 100 >/sys/kernel/debug/sched/numa_balancing/scan_period_min_ms
echo 1 >/proc/sys/kernel/numa_balancing
# The workload waits 2 s before its fill so the window sees AutoNUMA's whole reaction:
# scanning, hinting faults, and the migration of the readers' remote pages.
migrated_before=$(vmstat numa_pages_migrated)
numactl --cpunodebind=0 np-stream --mb 64 --threads 2 --seconds 300 --delay 2 --reader-cpus 2-3 \
	>/dev/null 2>&1 &
pid=$!
report --duration 12
migrated_after=$(vmstat numa_pages_migrated)
echo "vmstat: $(grep -E '^numa_(hint_faults|pages_migrated|pte_updates) ' /proc/vmstat | tr '\n' ' ')"
check_eq "kprobe source active" "$(field .sources.task_numa_fault_kprobe)" true
check "hinting faults seen" test "$(field '.processes[0].autonuma.hint_faults_local + .processes[0].autonuma.hint_faults_remote')" -gt 0
check "remote_ratio_sampled from hinting faults" \
	test "$(field .processes[0].remote_ratio_sampled_source)" = hinting-faults
mig=$(field .kernel_migrations.numa_misplaced_pages)
check "kernel migrated pages for AutoNUMA ($mig)" test "$mig" -gt 0
# The report's window lies within the two vmstat reads.
check "AutoNUMA migrations within vmstat's count ($mig <= $((migrated_after - migrated_before)))" \
	test "$mig" -le $((migrated_after - migrated_before))
check "AutoNUMA migrations charged to the process" test "$(field .processes[0].autonuma.pages_migrated)" -gt 0
stop_stream
echo 1000 >/sys/kernel/debug/sched/numa_balancing/scan_delay_ms
echo 1000 >/sys/kernel/debug/sched/numa_balancing/scan_period_min_ms
echo "$balancing" >/proc/sys/kernel/numa_balancing

# Issue 16: `numaplace top -b` shows a misplaced server (memory on 0, threads on 1) with its
# remote ratio and target, then, after `place`, the same server local.
echo 0 >/proc/sys/kernel/numa_balancing
start_stream --membind=0 --cpunodebind=1 np-stream --mb 64 --threads 2 --seconds 300
numaplace top -b -n 1 --interval 2 --pid "$pid" >/tmp/top1.txt 2>&1
check_eq "top -b: exit 0" "$?" 0
cat /tmp/top1.txt
check "top -b: a header for each node" test "$(grep -c '^node [01]  cpu' /tmp/top1.txt)" -eq 2
check "top -b: every line fits 100 columns" test "$(awk 'length > 100' /tmp/top1.txt | wc -l)" -eq 0
check "top -b: the misplaced server remote (95-100%), target node 0" \
	sh -c "grep -E '^ *$pid np-stream ' /tmp/top1.txt | grep -Eq ' (9[5-9]|100)% +0 '"
numaplace place --pid "$pid" >/tmp/top-place.txt 2>&1
check_eq "place: exit 0" "$?" 0
numaplace top -b -n 1 --interval 2 --pid "$pid" >/tmp/top2.txt 2>&1
cat /tmp/top2.txt
check "top -b after place: the same server local (0-5%), target node 0" \
	sh -c "grep -E '^ *$pid np-stream ' /tmp/top2.txt | grep -Eq ' [0-5]% +0 '"
numaplace restore >/dev/null
stop_stream
echo "$balancing" >/proc/sys/kernel/numa_balancing

# Bad input: exit 2, a message naming the problem, nothing sampled.
expect_exit "unknown device" 2 "no such accelerator" numaplace report --device 0000:ff:00.0
expect_exit "NIC is not an accelerator" 2 "no such accelerator" \
	numaplace report --device "$(numaplace topo --json | jq -r '.devices[] | select(.kind == "nic") | .pci')"
finish
