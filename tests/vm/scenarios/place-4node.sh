# vm: --nodes 4 --cpus-per-node 1 --mem-per-node 512 --dist 10,16,32,32/16,10,32,32/32,32,10,16/32,32,16,10 --dev-node 2 --timeout 240
# S4: a 4-node guest with the stand-in GPU on node 2; the process holds the GPU open and its
# memory is spread over nodes 0, 1 and 3. place finds node 2 itself and moves everything there.
. /np/lib.sh
. /np/lib/place.sh

gpu=$(numaplace topo --json | jq -r '.devices[] | select(.kind == "accelerator") | .pci')
nic=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
card=$(ls /dev/dri/card* | head -n 1)
cpus2=$(node_cpus 2)
echo 0 >/proc/sys/kernel/numa_balancing

start_stream --interleave=0,1,3 np-stream --mb 96 --threads 2 --seconds 600 --open "$card"
for n in 0 1 3; do
	check "S4: node $n holds about a third before ($(share_on $pid $n))" in_range "$(share_on $pid $n)" 0.25 0.42
done
before=$(snapshot "$pid")
numaplace place --pid "$pid" --nic "$nic" --json >/tmp/place.json 2>/tmp/place.err
check_eq "S4: place exit code" "$?" 0
check_eq "S4: target is the GPU's node" "$(jq -r .target_node /tmp/place.json)" 2
share=$(share_on "$pid" 2)
check "S4: >= 95% of the pages on node 2 ($share)" in_range "$share" 0.95 1
check "S4: every thread on node 2's CPUs ($cpus2)" all_threads_on "$pid" "$cpus2"
nic_irqs=$(irqs_of_nic "$nic")
check "S4: the NIC's IRQs ($nic_irqs) steered to $cpus2" irqs_within "$nic_irqs" "$cpus2"
jq -c '.result.memory' /tmp/place.json
numaplace restore >/dev/null
check_eq "S4: restore puts every recorded value back" "$(snapshot "$pid")" "$before"

# S5: interleaved over three of the four nodes (its memory now on node 2, off the set): each
# node of the set within 0.08 of its planned share, threads on their CPUs, node 2 emptied
numaplace place --pid "$pid" --interleave 0,1,3 --json >/tmp/place.json 2>/tmp/place.err
check_eq "S5: place --interleave 0,1,3 exit code" "$?" 0
jq -c '.plan.interleave.shares, .result.interleave' /tmp/place.json
for n in 0 1 3; do
	planned=$(jq -r ".plan.interleave.shares[] | select(.node == $n) | .share" /tmp/place.json)
	share=$(share_on "$pid" "$n")
	check "S5: node $n holds its planned share ($share of $planned, within 0.08)" \
		awk -v a="$share" -v b="$planned" 'BEGIN { d = a - b; exit !(b > 0.1 && d < 0.08 && d > -0.08) }'
done
check "S5: node 2 keeps almost nothing ($(share_on "$pid" 2))" in_range "$(share_on "$pid" 2)" 0 0.05
cpus013=$(jq -r .plan.cpus /tmp/place.json)
check "S5: the plan's CPUs ($cpus013) are not node 2's ($cpus2)" test "$cpus013" != "$cpus2"
check "S5: every thread on them" all_threads_on "$pid" "$cpus013"
numaplace restore >/dev/null
check_eq "S5: restore puts every recorded value back" "$(snapshot "$pid")" "$before"
stop_stream
finish
