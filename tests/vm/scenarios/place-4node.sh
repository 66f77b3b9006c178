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
stop_stream
finish
