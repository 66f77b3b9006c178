#!/usr/bin/env bash
# `make bench`: print the figures. np-bench switches kernel.bpf_stats_enabled on for its
# cost round only; it is put back as it was here, whatever happens. np-duty: what the daemon
# costs other processes between its sampling windows (NP_BENCH_DUTY_ROUNDS, 8). Then the
# footprint of `numaplace run` (tests/bench/footprint.sh) on this host and in the 2-node guest,
# that of `numaplace top -b` (tests/bench/top.sh) on this host, and the placement figures,
# measured in the 2-node guest (tests/vm/bench/placement.sh): memory for the 512 MB workload,
# the 256 MB reserve place keeps free by default, and the kernel, on each node; then place
# against AutoNUMA with tuned knobs, round by round (tests/vm/bench/race.sh). Last, what
# stopping a server while its mapped model file moves costs its readers
# (tests/vm/bench/pause.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
old=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'echo "$old" >/proc/sys/kernel/bpf_stats_enabled' EXIT
echo "== sampler on this host ($(uname -r), $(nproc) CPUs)"
"$here/../../build/np-bench"
echo
echo "== numaplace run's cost to other processes between its sampling windows (goal: within 1%)"
"$here/../../build/np-duty" "$here/../../build/numaplace" "${NP_BENCH_DUTY_ROUNDS:-8}"
echo
echo "== numaplace run's own footprint: 10 servers, 1000 threads, 1 s interval (targets <= 1% of a core, <= 32 MB)"
"$here/footprint.sh"
echo "-- the same in the 2-node guest, where the servers are placed and followed up (emulated CPUs: its CPU share is inflated 10-50x)"
"$here/../vm/run.sh" --show --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 \
	--timeout 600 bench/footprint | grep -v '^[0-9]* passed, [0-9]* failed$'
echo
echo "== numaplace top's own footprint: 10 servers, 1000 threads, 1 s refresh (targets <= 2% of a core, <= 32 MB)"
"$here/top.sh"
echo
echo "== placement in the 2-node guest (software emulation: booting and filling take a while)"
"$here/../vm/run.sh" --show --nodes 2 --cpus-per-node 2 --mem-per-node 1536 --dist 10,21/21,10 \
	--timeout "${NP_BENCH_VM_TIMEOUT:-1200}" bench/placement | grep -v '^[0-9]* passed, [0-9]* failed$'
echo
echo "== place against AutoNUMA with tuned knobs, same-run rounds, in the 2-node guest"
"$here/../vm/run.sh" --show --nodes 2 --cpus-per-node 2 --mem-per-node 1536 --dist 10,21/21,10 \
	--timeout "${NP_BENCH_RACE_TIMEOUT:-2400}" bench/race | grep -v '^[0-9]* passed, [0-9]* failed$'
echo
echo "== stopping the process while its mapped model file moves (--pause-ms), in the 2-node guest"
"$here/../vm/run.sh" --show --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 \
	--timeout 600 bench/pause | grep -v '^[0-9]* passed, [0-9]* failed$'
