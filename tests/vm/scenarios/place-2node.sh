# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 --dev-node 1 --timeout 400
# `numaplace place` and `restore` against the kernel's own figures: after place, >= 95% of the
# process's pages on the target node (numa_maps), every thread's Cpus_allowed_list the node's
# CPUs, the NIC's IRQs within them; after restore, every recorded value back (snapshots).
. /np/lib.sh
. /np/lib/place.sh

gpu=$(numaplace topo --json | jq -r '.devices[] | select(.kind == "accelerator") | .pci')
nic=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
cpus0=$(node_cpus 0) cpus1=$(node_cpus 1)
echo 0 >/proc/sys/kernel/numa_balancing # AutoNUMA must not move pages behind the test's back
place() { numaplace place --pid "$pid" --json "$@" >/tmp/place.json 2>/tmp/place.err; }
field() { jq -r "$1" /tmp/place.json; }

# S1: memory on node 0, threads pinned to node 1. No device: the memory's node is the target,
# so the threads move (cheap) and the memory stays.
start_stream --preferred=0 --cpunodebind=1 np-stream --mb 128 --threads 2 --seconds 600
before=$(snapshot "$pid")
place
check_eq "S1: place exit code" "$?" 0
check_eq "S1: target is the memory's node" "$(field .target_node)" 0
check "S1: every thread on node 0's CPUs ($cpus0)" all_threads_on "$pid" "$cpus0"
check "S1: memory stays on node 0 ($(share_on $pid 0))" in_range "$(share_on $pid 0)" 0.95 1
numaplace restore >/tmp/restore.out
check_eq "S1: restore exit code" "$?" 0
check_eq "S1: restore puts every thread mask back" "$(snapshot "$pid")" "$before"
# ... and with the GPU's node as the target, the memory moves
place --device "$gpu"
check_eq "S1 --device: target node" "$(field .target_node)" 1
check "S1 --device: every thread on node 1's CPUs ($cpus1)" all_threads_on "$pid" "$cpus1"
share=$(share_on "$pid" 1)
check "S1 --device: >= 95% of the pages on node 1 ($share)" in_range "$share" 0.95 1
moved=$(field .result.memory.pages_moved) misplaced=$(field .result.memory.pages_misplaced)
check "S1 --device: moved ($moved) no more than misplaced ($misplaced)" test "$moved" -le "$misplaced"
check "S1 --device: moved nearly all misplaced pages" test "$moved" -ge $((misplaced * 95 / 100))
numaplace restore >/dev/null
check_eq "S1 --device: restore puts every thread mask back" "$(snapshot "$pid")" "$before"
stop_stream

# S2: memory interleaved over both nodes, threads free
start_stream --interleave=0,1 np-stream --mb 128 --threads 2 --seconds 600
before=$(snapshot "$pid")
place --device "$gpu" --nic "$nic"
check_eq "S2: place exit code" "$?" 0
share=$(share_on "$pid" 1)
check "S2: >= 95% of the pages on node 1 ($share)" in_range "$share" 0.95 1
check "S2: every thread on node 1's CPUs" all_threads_on "$pid" "$cpus1"
nic_irqs=$(irqs_of_nic "$nic")
check "S2: the NIC has MSI-X IRQs ($nic_irqs)" test -n "$nic_irqs"
check "S2: the NIC's IRQs ($nic_irqs) steered to $cpus1" irqs_within "$nic_irqs" "$cpus1"
numaplace restore >/dev/null
check_eq "S2: restore puts thread and IRQ masks back" "$(snapshot "$pid")" "$before"
numaplace restore >/tmp/restore.out
check_eq "S2: a second restore is a no-op" "$?" 0
check "S2: ... and says so" grep -q "nothing to restore" /tmp/restore.out
stop_stream

# S3: memory and threads on node 0, the process has the stand-in GPU on node 1 open
card=$(ls /dev/dri/card* | head -n 1)
start_stream --membind=0 --cpunodebind=0 np-stream --mb 128 --threads 2 --seconds 600 --open "$card"
before=$(snapshot "$pid")
numaplace place --pid "$pid" --dry-run >/tmp/dry.txt
check_eq "S3: dry run exit code" "$?" 0
check_eq "S3: dry run changes nothing" "$(snapshot "$pid")" "$before"
check "S3: dry run shows the plan" grep -q "move 1[23][0-9] of" /tmp/dry.txt
check_width "S3: the plan" /tmp/dry.txt
check "S3: dry run leaves no journal" test ! -e /run/numaplace/journal
cat /tmp/dry.txt
place --balancing off
check_eq "S3: target is the GPU's node without --device" "$(field .target_node)" 1
check_eq "S3: the reason names the GPU" "$(field .target_reason)" "uses accelerator $gpu on node 1"
share=$(share_on "$pid" 1)
check "S3: >= 95% of the pages on node 1 ($share) despite membind=0" in_range "$share" 0.95 1
check "S3: every thread on node 1's CPUs" all_threads_on "$pid" "$cpus1"
check_eq "S3: numa_balancing switched off" "$(cat /proc/sys/kernel/numa_balancing)" 0
numaplace restore >/dev/null
check_eq "S3: restore" "$(snapshot "$pid")" "$before"
stop_stream

# S5: the weights are a 256 MB file on a tmpfs, mmap'ed and read by two threads. The plan says
# how long at most it stops the process; --pause-below makes every file batch after the probe
# move with it stopped, and the readers' longest stall (np-stream --stalls: the longest gap
# between two 256 KB chunks read, since the last SIGUSR2) stays within one stop: the plan's
# slice, twice the guest's own jitter (the longest stall in 2 s before; it grows with the
# host's load as the stalls do) and 100 ms for the emulated CPUs. Measured: 109 ms with 46 ms
# of jitter. Back to back, stops of 50 ms were one stall of 0.2 s (20 ms of jitter) to 0.7 s
# to the readers.
stall() { # the longest stall since the last call, in ms
	_n=$(grep -c '^stalls ' /tmp/stream.log)
	kill -USR2 "$pid"
	for _i in $(seq 50); do
		[ "$(grep -c '^stalls ' /tmp/stream.log)" -gt "$_n" ] && break
		sleep 0.1
	done
	grep '^stalls ' /tmp/stream.log | tail -n 1 | awk '{ print $3 }'
}
mkdir -p /weights && mount -t tmpfs -o size=300m weights /weights
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 256 --threads 2 --seconds 600 --file /weights/model.gguf --stalls
check "S5: the file's pages start on node 0" in_range "$(file_share_on $pid 0)" 0.95 1
numaplace place --pid "$pid" --device "$gpu" --dry-run >/tmp/plan.txt 2>&1
check "S5: the plan says how long at most it stops the process" \
	grep -q -E '^  pauses     the process for at most 50 ms at a time and 1[23]\.[0-9] s in all$' /tmp/plan.txt
stall >/dev/null
sleep 2
jitter=$(stall)
place --device "$gpu" --pause-below 1000000
check_eq "S5: place exit code" "$?" 0
longest=$(stall)
slice=$(field .plan.pause.slice_ms)
# 256 MB at 20 MB/s, and what the binary and its libraries map from files: 12.8 s and a little
check_eq "S5: the plan's pause slice in the JSON" "$slice" 50
check "S5: the plan's pause total in the JSON ($(field .plan.pause.max_total_ms) ms)" \
	in_range "$(field .plan.pause.max_total_ms)" 12800 14000
echo "S5: $(field .result.memory.pauses) stops, $(field .result.memory.paused_seconds) s in all; longest reader stall $longest ms ($jitter ms before)"
check "S5: the process was stopped ($(field .result.memory.pauses) times)" test "$(field .result.memory.pauses)" -gt 0
check "S5: the readers' longest stall ($longest ms) within a stop: $slice + 2 x $jitter + 100 ms" \
	in_range "$longest" 0 "$(awk -v s="$slice" -v j="$jitter" 'BEGIN { print s + 2 * j + 100 }')"
share=$(file_share_on "$pid" 1)
check "S5: >= 95% of the mapped file pages on node 1 ($share)" in_range "$share" 0.95 1
echo "S5: $(field '.result.memory | "moved \(.pages_moved) of \(.pages_misplaced) in \(.duration_s) s, busy \(.pages_busy)"')"
numaplace restore >/dev/null
stop_stream
umount /weights

finish
