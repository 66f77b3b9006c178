# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 --dev-node 1 --timeout 400
# Pages pinned long-term (io_uring registered buffers, as CUDA pins host buffers): move_pages(2)
# returns a positive count for them and stops at their batch. `place` counts them as pinned,
# not failed, moves the rest, and exits 0.
. /np/lib.sh
. /np/lib/place.sh

echo 0 >/proc/sys/kernel/numa_balancing # AutoNUMA must not move pages behind the test's back
field() { jq -r "$1" /tmp/place.json; }

# P1: 128 MB on node 0, the first 32 MB of it registered with io_uring; placed on node 1
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 128 --pin-mb 32 --threads 2 --seconds 600
check "P1: the workload pinned its buffer" grep -q "pinned 32 MB" /tmp/stream.log
numaplace place --pid "$pid" --node 1 --sample 0 --json >/tmp/place.json 2>/tmp/place.err
check_eq "P1: place exit code" "$?" 0
cat /tmp/place.err
pinned=$(field .result.memory.pages_pinned) moved=$(field .result.memory.pages_moved)
misplaced=$(field .result.memory.pages_misplaced) failed=$(field .result.memory.pages_failed)
echo "P1: misplaced $misplaced moved $moved pinned $pinned failed $failed busy $(field .result.memory.pages_busy)"
# 32 MB is 8192 pages; a huge page the range ends in is pinned whole (up to 2 MB more)
check "P1: 32-36 MB counted as pinned ($pinned pages)" in_range "$pinned" 8192 9216
check_eq "P1: no page failed" "$failed" 0
check_eq "P1: no error" "$(field .result.memory.error)" null
check "P1: the rest moved (moved $moved + pinned $pinned of $misplaced)" \
	test $((moved + pinned)) -ge $((misplaced * 98 / 100))
check "P1: the pinned pages are still on node 0 ($(share_on $pid 0))" in_range "$(share_on $pid 0)" 0.2 0.35
numaplace restore >/dev/null
# the text output names them
numaplace place --pid "$pid" --node 0 --sample 0 >/tmp/place.txt 2>&1
check_eq "P1: place back to node 0 exit code" "$?" 0
numaplace place --pid "$pid" --node 1 --sample 0 >/tmp/place.txt 2>&1
check_eq "P1: text place exit code" "$?" 0
cat /tmp/place.txt
check "P1: the text says what stayed pinned" grep -q "MB pinned" /tmp/place.txt
numaplace restore >/dev/null
stop_stream

finish
