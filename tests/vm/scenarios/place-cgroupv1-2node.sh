# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 --timeout 400
# `place` inside a cgroup v1 cpuset (the guest's init mounts no cgroups: the v1 cpuset
# controller is free to mount). The plan stays within the cpuset's CPUs, the outcome is what
# the kernel did (every thread's mask read back: a mask the cpuset narrowed is a failure with
# its reason, never "pinned"), and a target outside the cpuset's mems is refused before any
# page moves. Node 0 has CPUs 0-1, node 1 CPUs 2-3.
. /np/lib.sh
. /np/lib/place.sh

cg=/sys/fs/cgroup/cpuset
# as systemd lays it out: a tmpfs at /sys/fs/cgroup (sysfs takes no mkdir), a dir per controller
mount -t tmpfs cgroup /sys/fs/cgroup && mkdir -p "$cg" && mount -t cgroup -o cpuset none "$cg"
check "the v1 cpuset hierarchy is mounted" test -f "$cg/cpuset.cpus"
# cpuset DIR CPUS MEMS: a v1 cpuset
cpuset() {
	mkdir -p "$cg/$1" && echo "$2" >"$cg/$1/cpuset.cpus" && echo "$3" >"$cg/$1/cpuset.mems"
}
cpuset one 2 1        # ONE CPU of node 1, node 1's memory
cpuset node1 2-3 0-1  # node 1's CPUs, both nodes' memory
cpuset nomem 2-3 0    # node 1's CPUs, node 0's memory only
echo 0 >/proc/sys/kernel/numa_balancing # AutoNUMA must not move pages behind the test's back
field() { jq -r "$1" /tmp/place.json; }
# pages_on PID NODE: the process's resident pages on NODE (numa_maps' N<node>= counts)
pages_on() {
	awk -v want="N$2" '{ for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) {
		split($i, a, "="); if (a[1] == want) n += a[2] } } END { print n + 0 }' \
		"/proc/$1/numa_maps"
}
# threads_not PID CPULIST: threads whose mask the kernel shows is not CPULIST
threads_not() { thread_masks "$1" | awk -v want="$2" '$2 != "" && $2 != want' | wc -l; }

# C1: the whole process in a cpuset of CPU 2 and node 1; its memory was made on node 0 first
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 128 --threads 2 --seconds 600
echo "$pid" >"$cg/one/cgroup.procs"
check "C1: the memory starts on node 0 ($(share_on $pid 0))" in_range "$(share_on $pid 0)" 0.95 1
numaplace place --pid "$pid" --node 1 --dry-run >/tmp/dry.txt 2>&1
check_eq "C1: dry run exit code" "$?" 0
cat /tmp/dry.txt
check "C1: the plan puts the threads onto CPU 2, the cpuset's" grep -q "threads onto CPUs 2 " /tmp/dry.txt
check "C1: the plan claims no CPU outside the cpuset" test "$(grep -c '2-3\|CPUs 3' /tmp/dry.txt)" -eq 0
numaplace place --pid "$pid" --node 1 --dry-run --json >/tmp/place.json
check_eq "C1: the JSON plan's CPUs" "$(field .plan.cpus)" 2
check_eq "C1: node 1 is a memory node of the cpuset: nothing refused" "$(field .plan.memory_refused)" null
numaplace place --pid "$pid" --node 1 >/tmp/place.txt 2>&1
check_eq "C1: place exit code" "$?" 0
cat /tmp/place.txt
check "C1: every thread's mask is CPU 2 (sched_getaffinity)" all_threads_on "$pid" 2
check "C1: the outcome claims no CPU the kernel refused" test "$(grep -c '2-3\|CPUs 3' /tmp/place.txt)" -eq 0
check "C1: no thread failed" grep -q "threads .* failed 0$" /tmp/place.txt
share=$(share_on "$pid" 1)
check "C1: >= 95% of the pages moved to node 1 ($share)" in_range "$share" 0.95 1
numaplace restore >/dev/null
stop_stream

# C2: the process in node1 (CPUs 2-3), one of its threads alone in `one` (CPU 2): a v1 cpuset
# holds threads, not only processes. The plan (the main thread's cpuset) says 2-3;
# sched_setaffinity(2-3) succeeds for that thread while the kernel keeps CPU 2.
start_stream --preferred=1 --cpunodebind=1 np-stream --mb 32 --threads 2 --seconds 600
echo "$pid" >"$cg/node1/cgroup.procs"
lone=$(ls /proc/"$pid"/task | grep -v "^$pid\$" | head -n 1)
echo "$lone" >"$cg/one/tasks"
# the others on CPU 3 alone, so that pinning them to 2-3 is a change
for t in $(ls /proc/"$pid"/task | grep -v "^$lone\$"); do taskset -p 8 "$t" >/dev/null; done
nthreads=$(ls /proc/"$pid"/task | wc -l)
before=$(snapshot "$pid")
numaplace place --pid "$pid" --node 1 --only threads --json >/tmp/place.json 2>/tmp/place.err
check_eq "C2: place exit code (a thread failed)" "$?" 1
check_eq "C2: the plan's CPUs (the process's cpuset)" "$(field .plan.cpus)" 2-3
check_eq "C2: threads failed" "$(field .result.threads.failed)" 1
check_eq "C2: threads pinned: all but the lone one" "$(field .result.threads.changed)" $((nthreads - 1))
err=$(field .result.threads.first_error)
check_eq "C2: the reason" "$err" "thread $lone: the kernel kept CPU 2 only, not 2-3: the cgroup cpuset allows 2"
check_eq "C2: the kernel kept CPU 2 for thread $lone" "$(thread_masks $pid | awk -v t=$lone '$1 == t { print $2 }')" 2
check_eq "C2: every other thread on 2-3, as many as pinned" "$(threads_not $pid 2-3)" 1
numaplace restore >/dev/null
check_eq "C2: restore comes back to the masks before" "$(snapshot "$pid")" "$before"
stop_stream

# C3: a cpuset whose mems exclude the target: known before anything changes. Its threads alone
# on node 1 would read every page remotely (worse than now), so the placement is refused as a
# whole, the cpuset conflict named with its fix, nothing changed, no page moved.
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 128 --threads 2 --seconds 600
echo "$pid" >"$cg/nomem/cgroup.procs"
on0=$(pages_on "$pid" 0) on1=$(pages_on "$pid" 1)
before=$(snapshot "$pid")
numaplace place --pid "$pid" --node 1 --dry-run >/tmp/dry.txt 2>&1
check_eq "C3: dry run exit code (the cpuset conflict)" "$?" 2
cat /tmp/dry.txt
check "C3: names the cpuset's memory node" grep_joined "node 1 (CPUs 2-3) is outside the cpuset of cgroup .*memory node 0" /tmp/dry.txt
check "C3: gives the fix (the cgroup's cpuset files)" grep_joined "fix: .*cpuset.mems" /tmp/dry.txt
numaplace place --pid "$pid" --node 1 >/tmp/place.txt 2>&1
check_eq "C3: place exit code (refused, nothing changed)" "$?" 2
check "C3: says nothing changed" grep -q "nothing changed" /tmp/place.txt
check_eq "C3: no page reached node 1 (numa_maps: $on1 before)" "$(pages_on "$pid" 1)" "$on1"
check "C3: node 0 keeps its pages ($on0 before, $(pages_on $pid 0) after)" test "$(pages_on "$pid" 0)" -ge "$on0"
check_eq "C3: the threads' masks as before" "$(snapshot "$pid")" "$before"
stop_stream

for d in one node1 nomem; do rmdir "$cg/$d"; done
umount "$cg"
umount /sys/fs/cgroup
finish
