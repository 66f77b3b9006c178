# vm: --nodes 4 --cpus-per-node 1 --mem-per-node 384 --dist 10,12,20,22/12,10,22,20/20,22,10,12/22,20,12,10 --dev-node 2
# `numaplace report` in a 4-node guest: memory interleaved over all four nodes, threads on
# node 2, so three quarters of what they read is remote.
. /np/lib.sh
echo 0 >/proc/sys/kernel/numa_balancing

rm -f /tmp/ready
numactl --interleave=0-3 --cpunodebind=2 np-stream --mb 64 --threads 1 --seconds 300 \
	--ready /tmp/ready >/dev/null 2>&1 &
pid=$!
wait_for /tmp/ready 300 || fail "workload did not start"
json=$(numaplace report --pid "$pid" --duration 2 --json)
check_eq "report exit code" "$?" 0
field() { printf '%s' "$json" | jq -r "$1"; }
rr=$(field '.processes[0].remote_ratio')
check "interleaved over 4, threads on 2: remote_ratio $rr in 0.70-0.80" in_range "$rr" 0.70 0.80
check_eq "pages_by_node covers four nodes" "$(field '.processes[0].pages_by_node | length')" 4
check "each node holds about a quarter" \
	test "$(field '[.processes[0].pages_by_node[] | select(. > 3000)] | length')" -eq 4
check_eq "CPU time only on node 2" \
	"$(field '.processes[0].cpu_ns_by_node | to_entries | map(select(.value > 0) | .key) | join(",")')" 2
gpu=$(numaplace topo --json | jq -r '.devices[] | select(.kind == "accelerator") | .pci')
json=$(numaplace report --pid "$pid" --duration 1 --json --device "$gpu")
check_eq "--device on node 2 is the target" "$(field '.processes[0].target_node')" 2
numaplace report --pid "$pid" --duration 1 --device "$gpu" >/tmp/report.txt
check_width "report text with four nodes" /tmp/report.txt
cat /tmp/report.txt
kill "$pid"
wait "$pid" 2>/dev/null
finish
