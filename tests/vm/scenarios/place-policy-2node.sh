# vm: --nodes 2 --cpus-per-node 1 --mem-per-node 512 --timeout 300
# `numaplace place` and a memory policy that keeps new pages off the target node: the plan
# warns (text and JSON) for bind, prefer, prefer (many) and interleave away from node 1, not
# for a policy that includes it; move_pages(2) moves a bind:0 process's pages to node 1
# anyway and they stay there, while the memory it allocates afterwards, with every thread
# on node 1, still comes from node 0 (and, under no policy, from node 1).
. /np/lib.sh
. /np/lib/place.sh

echo 0 >/proc/sys/kernel/numa_balancing # AutoNUMA must not move pages behind the test's back
journal=/run/numaplace/journal
# dry [ARGS]: the plan for node 1, text in /tmp/dry.txt, then JSON in /tmp/dry.json
dry() {
	numaplace place --pid "$pid" --node 1 --dry-run --sample 0 "$@" >/tmp/dry.txt 2>&1 &&
		numaplace place --pid "$pid" --node 1 --dry-run --sample 0 --json "$@" >/tmp/dry.json
}
field() { jq -r "$1" "${2:-/tmp/dry.json}"; }
policy_warnings() { jq -r '.plan.warnings[] | select(contains("memory policy"))' /tmp/dry.json; }
# mb_on NODE: the process's resident MB on NODE (numa_maps)
mb_on() {
	awk -v want="N$1" '{
		ps = 4
		for (i = 1; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { split($i, a, "="); ps = a[2] }
		for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split($i, a, "="); if (a[1] == want) kb += a[2] * ps }
	} END { printf "%d\n", kb / 1024 }' "/proc/$pid/numa_maps"
}
# grow: np-stream's main thread maps and touches --grow-mb more
grow() {
	rm -f /tmp/ready
	kill -USR1 "$pid"
	wait_for /tmp/ready 300 || fail "np-stream did not grow"
}

# What this kernel writes in numa_maps' policy field (the unit tests' fixtures)
for p in --membind=0 "--balancing --membind=0" --preferred=0 --preferred-many=0 --interleave=0,1; do
	echo "numactl $p: $(numactl $p cat /proc/self/numa_maps | sed -n '1s/^[0-9a-f]* \(.*\) file=.*/\1/p')"
done

# P1: numactl --membind=0, threads on node 0. The dry run warns, in text and JSON.
start_stream --membind=0 --cpunodebind=0 np-stream --mb 64 --threads 1 --seconds 600 --grow-mb 32
dry
check_eq "P1 bind:0: dry run exit code" "$?" 0
cat /tmp/dry.txt
check "P1 bind:0: the plan warns of the policy" \
	grep_joined "warning:   its memory policy is bind:0 (numactl --membind): pages moved to node 1 stay there, but new ones still come only from node 0; restart it with numactl --membind=1" /tmp/dry.txt
check_eq "P1 bind:0: JSON memory_policy" "$(field .plan.memory_policy)" "bind:0"
check "P1 bind:0: JSON warnings hold it" test -n "$(policy_warnings)"
# ... and place moves the pages all the same: move_pages(2) ignores the policy
before0=$(mb_on 0)
numaplace place --pid "$pid" --node 1 --sample 0 --json >/tmp/place.json 2>/tmp/place.err
check_eq "P1 bind:0: place exit code" "$?" 0
cat /tmp/place.err
check "P1 bind:0: the plan it acted on warned" \
	test -n "$(jq -r '.plan.warnings[] | select(contains("bind:0"))' /tmp/place.json)"
share=$(share_on "$pid" 1)
check "P1 bind:0: >= 95% of the pages moved to node 1 ($share, $before0 MB were on node 0)" \
	in_range "$share" 0.95 1
echo "P1 bind:0: $(field '.result.memory | "moved \(.pages_moved) of \(.pages_misplaced), busy \(.pages_busy), shared \(.pages_shared), failed \(.pages_failed)"' /tmp/place.json)"
check "P1 bind:0: every thread on node 1's CPUs" all_threads_on "$pid" "$(node_cpus 1)"
# new memory, touched by the main thread on node 1, comes from node 0: what the warning says
on0=$(mb_on 0) on1=$(mb_on 1)
grow
sleep 1
check "P1 bind:0: 32 MB allocated after place land on node 0 ($on0 -> $(mb_on 0) MB)" \
	in_range $(($(mb_on 0) - on0)) 31 33
check "P1 bind:0: the moved pages stay on node 1 ($(mb_on 1) MB, $on1 before)" \
	test "$(mb_on 1)" -ge "$on1"
numaplace restore >/dev/null
check "P1 bind:0: restore clears the journal" test ! -e "$journal"
stop_stream

# P2: no policy, the same place: no warning, and new memory follows the threads to node 1
start_stream --cpunodebind=0 np-stream --mb 64 --threads 1 --seconds 600 --grow-mb 32
dry
check_eq "P2 default: JSON memory_policy" "$(field .plan.memory_policy)" "default"
check_eq "P2 default: no policy warning" "$(policy_warnings)" ""
numaplace place --pid "$pid" --node 1 --sample 0 >/dev/null 2>&1
check_eq "P2 default: place exit code" "$?" 0
before1=$(mb_on 1)
grow
check "P2 default: 32 MB allocated after place land on node 1 ($before1 -> $(mb_on 1) MB)" \
	test "$(mb_on 1)" -ge $((before1 + 31))
numaplace restore >/dev/null
stop_stream

# P3: prefer, prefer (many) and interleave away from node 1; each warns its own way
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 16 --threads 1 --seconds 600
dry
check_eq "P3 prefer:0: JSON memory_policy" "$(field .plan.memory_policy)" "prefer:0"
check "P3 prefer:0: warns" grep_joined "its memory policy is prefer:0 (numactl --preferred): pages moved to node 1 stay there, but new ones still come from node 0 while it has room; restart it with numactl --preferred=1" /tmp/dry.txt
dry --only threads
check "P3 prefer:0 --only threads: warns for the threads" \
	grep_joined "with its threads on node 1, new pages still come from node 0 while it has room" /tmp/dry.txt
stop_stream
start_stream --preferred-many=0 --cpunodebind=0 np-stream --mb 16 --threads 1 --seconds 600
dry
check_eq "P3 prefer (many):0: JSON memory_policy" "$(field .plan.memory_policy)" "prefer (many):0"
check "P3 prefer (many):0: warns" grep_joined "its memory policy is prefer (many):0 (numactl --preferred-many)" /tmp/dry.txt
stop_stream
start_stream --interleave=0,1 --cpunodebind=0 np-stream --mb 16 --threads 1 --seconds 600
dry
check_eq "P3 interleave:0-1: JSON memory_policy" "$(field .plan.memory_policy)" "interleave:0-1"
check "P3 interleave:0-1: warns though node 1 is one of its nodes" \
	grep_joined "new ones are still spread over nodes 0-1, 1 in 2 off node 1" /tmp/dry.txt
stop_stream
start_stream --balancing --membind=0 --cpunodebind=0 np-stream --mb 16 --threads 1 --seconds 600
dry
check_eq "P3 bind with the balancing flag: JSON memory_policy" "$(field .plan.memory_policy)" "bind:0"
check "P3 bind with the balancing flag: warns" grep_joined "its memory policy is bind:0" /tmp/dry.txt
stop_stream

# P4: policies that include node 1: new pages come from the node of the CPU asking; no warning
start_stream --membind=0,1 --cpunodebind=0 np-stream --mb 16 --threads 1 --seconds 600
dry
check_eq "P4 bind:0-1: JSON memory_policy" "$(field .plan.memory_policy)" "bind:0-1"
check_eq "P4 bind:0-1: no policy warning" "$(policy_warnings)" ""
stop_stream
start_stream --preferred=1 --cpunodebind=0 np-stream --mb 16 --threads 1 --seconds 600
dry
check_eq "P4 prefer:1: no policy warning" "$(policy_warnings)" ""
stop_stream

finish
