# What `make demo` shows inside the 2-node guest (stand-in GPU and NIC on node 1).
echo
echo "== A 2-node guest (Debian's $(uname -r) under QEMU): what does numaplace see?"
echo "\$ numaplace topo"
numaplace topo
gpu=$(numaplace topo --json | jq -r '.devices[] | select(.kind == "accelerator") | .pci')

echo
echo "== An inference-like server (64 MB of weights, 2 reader threads) that uses the GPU on"
echo "   node 1 but was started on node 0: its threads and memory both sit on the wrong node."
echo 0 >/proc/sys/kernel/numa_balancing
numactl --cpunodebind=0 --membind=0 np-stream --mb 64 --threads 2 --seconds 60 \
	--ready /tmp/ready >/dev/null 2>&1 &
pid=$!
while [ ! -e /tmp/ready ]; do sleep 0.1; done
echo "\$ numaplace report --pid $pid --device $gpu --duration 2"
numaplace report --pid "$pid" --device "$gpu" --duration 2
kill "$pid"
