# What `make demo` shows inside the 2-node guest (stand-in GPU and NIC on node 1).
say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "A 2-node machine (Debian's $(uname -r) under QEMU) with a GPU on node 1: what numaplace sees"
run numaplace topo
gpu=$(numaplace topo --json | jq -r '.devices[] | select(.kind == "accelerator") | .pci')
card=$(ls /dev/dri/card* | head -n 1)

say "An inference server uses that GPU. A loader on node 0 read its 256 MB of weights, so they
   sit on node 0, while its two reader threads run on node 1. Every weight read crosses nodes."
echo 0 >/proc/sys/kernel/numa_balancing
numactl --cpunodebind=0 np-stream --mb 256 --threads 2 --reader-cpus 2-3 --seconds 600 \
	--open "$card" --ready /tmp/ready >/dev/null 2>&1 &
pid=$!
while [ ! -e /tmp/ready ]; do sleep 0.1; done
run numaplace report --pid "$pid" --duration 2

say "What would place do? --dry-run prints the plan and changes nothing."
nic=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
run numaplace place --pid "$pid" --nic "$nic" --dry-run

say "Place it: threads first, then the GPU's and the NIC's IRQs, then the memory (hot pages first)."
run numaplace place --pid "$pid" --nic "$nic" --progress

say "The same report again: its reads are local now."
run numaplace report --pid "$pid" --duration 2

say "Undo: thread masks, IRQ masks and settings go back as they were (memory stays)."
run numaplace restore
kill "$pid"
