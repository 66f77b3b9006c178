# What `make demo` shows inside the 2-node guest (stand-in GPU and NIC on node 1).
echo
echo "== A 2-node guest (Debian's $(uname -r) under QEMU): what does numaplace see?"
echo "\$ numaplace topo"
numaplace topo
echo
echo "== The stand-in GPU hangs off node 1: an inference server using it belongs on node 1's CPUs and memory."
