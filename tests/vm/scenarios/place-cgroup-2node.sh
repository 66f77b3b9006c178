# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 --dev-node 1 --timeout 500
# `place --cgroup` against a real cgroup v2 cpuset: a docker-like scope bound to node 0 whose
# process holds the node-1 GPU. Plain place refuses (exit 2) naming the docker fix and changes
# nothing; --cgroup move sets the scope's cpuset to node 1 and the threads and >= 95% of the
# memory follow; restore puts cpuset.cpus and cpuset.mems back exactly; --cgroup extend adds
# node 1; a kubepods-style cgroup is refused with exit 2, the kubelet's fix and nothing changed.
. /np/lib.sh
. /np/lib/place.sh

cpus0=$(node_cpus 0) cpus1=$(node_cpus 1)
card=$(ls /dev/dri/card* | head -n 1)
echo 0 >/proc/sys/kernel/numa_balancing # AutoNUMA must not move pages behind the test's back

# cgroup v2 with the cpuset controller down to the scope (the guest's init mounts none)
cg=/sys/fs/cgroup
mount -t cgroup2 none $cg || fail "mount cgroup2"
echo +cpuset >$cg/cgroup.subtree_control
id=4f1c6b1d2e3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e
scope=$cg/system.slice/docker-$id.scope
# mkcg DIR...: each made, its parent handing it the cpuset controller; the last bound to node 0
mkcg() {
	for d in "$@"; do
		[ -n "${last:-}" ] && echo +cpuset >"$last/cgroup.subtree_control"
		mkdir -p "$d"
		last=$d
	done
	echo "$cpus0" >"$last/cpuset.cpus"
	echo 0 >"$last/cpuset.mems"
	last=
}
mkcg $cg/system.slice "$scope"
cpuset_of() { echo "$(cat "$1/cpuset.cpus") / $(cat "$1/cpuset.mems")"; }

# start_in CGROUP: np-stream started inside it (the shell goes in for the fork, then back)
start_in() {
	echo $$ >"$1/cgroup.procs"
	start_stream --membind=0 --cpunodebind=0 np-stream --mb 128 --threads 2 --seconds 600 \
		--open "$card"
	echo $$ >$cg/cgroup.procs
	check_eq "the workload runs in $(basename "$1")" "$(cut -d: -f3 /proc/$pid/cgroup)" \
		"${1#$cg}"
}
place() { numaplace place --pid "$pid" "$@" >/tmp/place.out 2>/tmp/place.err; }

start_in "$scope"
check "the memory starts on node 0" in_range "$(share_on $pid 0)" 0.95 1
before=$(snapshot "$pid") cs_before=$(cpuset_of "$scope")
check_eq "the scope is bound to node 0" "$cs_before" "$cpus0 / 0"

# C1: plain place: refused, the docker fix named, nothing changed
place
check_eq "C1: plain place refuses: exit 2" "$?" 2
cat /tmp/place.err
check "C1: names the conflict" grep -q "node 1 (CPUs $cpus1) is outside the cpuset of cgroup /system.slice/docker-$id.scope (CPUs $cpus0, memory node 0)" /tmp/place.err
check "C1: names the docker fix" grep -q "fix: docker update --cpuset-cpus $cpus1 --cpuset-mems 1 $(echo $id | cut -c1-12)" /tmp/place.err
check "C1: and numaplace's own" grep -q "numaplace place --cgroup move" /tmp/place.err
check_eq "C1: the cpuset is unchanged" "$(cpuset_of "$scope")" "$cs_before"
check_eq "C1: no thread or IRQ changed" "$(snapshot "$pid")" "$before"
check "C1: no journal" test ! -e /run/numaplace/journal
check "C1: report does not recommend a plain place" sh -c \
	"numaplace report --pid $pid --duration 0.5 | grep -q 'docker update --cpuset-cpus $cpus1'"

# C2: --cgroup move: the cpuset, the threads and the memory go to node 1
place --cgroup move --json
check_eq "C2: --cgroup move: exit 0" "$?" 0
cat /tmp/place.err
check_eq "C2: the scope's cpuset is node 1's" "$(cpuset_of "$scope")" "$cpus1 / 1"
check_eq "C2: effective too" "$(cat "$scope/cpuset.cpus.effective") / $(cat "$scope/cpuset.mems.effective")" "$cpus1 / 1"
check "C2: every thread on node 1's CPUs ($cpus1)" all_threads_on "$pid" "$cpus1"
share=$(share_on "$pid" 1)
check "C2: >= 95% of the pages on node 1 ($share)" in_range "$share" 0.95 1
check_eq "C2: the outcome counts the cgroup files" \
	"$(jq -c '.result.cgroup | [.mode, .changed, .failed, .vanished, .first_error]' /tmp/place.out)" \
	'["move",4,0,0,null]'
check "C2: journaled as cgroup_cpuset records" grep -q '"kind":"cgroup_cpuset"' /run/numaplace/journal

# C3: restore: the cpuset back exactly, and the threads with it
numaplace restore >/tmp/restore.out 2>&1
check_eq "C3: restore exit code" "$?" 0
cat /tmp/restore.out
check_eq "C3: cpuset.cpus and cpuset.mems back exactly" "$(cpuset_of "$scope")" "$cs_before"
check_eq "C3: thread masks back" "$(snapshot "$pid")" "$before"

# C4: --cgroup extend: node 1 added, the threads and the memory on node 1
place --cgroup extend
check_eq "C4: --cgroup extend: exit 0" "$?" 0
check_eq "C4: the scope's cpuset has both nodes" "$(cpuset_of "$scope")" "0-3 / 0-1"
check "C4: every thread on node 1's CPUs ($cpus1)" all_threads_on "$pid" "$cpus1"
share=$(share_on "$pid" 1)
check "C4: >= 95% of the pages on node 1 ($share)" in_range "$share" 0.95 1
numaplace restore >/dev/null 2>&1
check_eq "C4: restore puts the cpuset back exactly" "$(cpuset_of "$scope")" "$cs_before"

# C6: run: the same conflict refuses the placement (counted, the fix logged); with
# cgroup_cpuset = move the daemon rewrites the cpuset, and its journal undoes it
gpu=$(numaplace topo --json | jq -r '.devices[] | select(.kind == "accelerator") | .pci')
runconf() {
	printf '[global]\ninterval = 1\nmetrics_file = /tmp/m.prom\n[match server]\n'
	# the container rule: its 12-digit short id, as `docker ps` shows it
	printf 'container = ^%s\ndevice = %s\nmin_rss_mb = 32\nsustain = 1\n%s\n' \
		"$(echo "$id" | cut -c1-12)" "$gpu" "$1"
}
runconf "" >/tmp/run.conf
numaplace run --config /tmp/run.conf --once >/tmp/run.out 2>/tmp/run.log
check_eq "C6: run --once: exit 0" "$?" 0
check "C6: run manages it by its container rule, naming the container" grep -q \
	"managing pid $pid (np-stream) \\[match server\\]: container $(echo "$id" | cut -c1-12) (docker)" \
	/tmp/run.log
check "C6: run logs the conflict and the docker fix" grep -q \
	"cannot place it: node 1 .*fix: docker update --cpuset-cpus $cpus1 --cpuset-mems 1" /tmp/run.log
check "C6: numaplace_cpuset_conflicts_total counts it" grep -q \
	"^numaplace_cpuset_conflicts_total [1-9]" /tmp/m.prom
check_eq "C6: the cpuset is unchanged" "$(cpuset_of "$scope")" "$cs_before"
check_eq "C6: no thread or IRQ changed" "$(snapshot "$pid")" "$before"
runconf "cgroup_cpuset = move" >/tmp/run.conf
numaplace run --config /tmp/run.conf --once >/tmp/run.out 2>/tmp/run.log
check_eq "C6 move: run --once: exit 0" "$?" 0
check_eq "C6 move: the scope's cpuset is node 1's" "$(cpuset_of "$scope")" "$cpus1 / 1"
check "C6 move: every thread on node 1's CPUs ($cpus1)" all_threads_on "$pid" "$cpus1"
check "C6 move: >= 95% of the pages on node 1" in_range "$(share_on "$pid" 1)" 0.95 1
numaplace restore >/dev/null 2>&1
check_eq "C6 move: restore puts the cpuset back exactly" "$(cpuset_of "$scope")" "$cs_before"
grep -i "cgroup\|cpuset" /tmp/run.log | head -n 5
stop_stream

# C5: a kubepods cgroup (the kubelet's systemd driver): refused with exit 2, nothing changed
pod=$cg/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f7c3a52_9d1e_4b6a_8c2d_5e4f3a2b1c0d.slice
kube=$pod/cri-containerd-$id.scope
mkcg $cg/kubepods.slice $cg/kubepods.slice/kubepods-burstable.slice "$pod" "$kube"
start_in "$kube"
before=$(snapshot "$pid") cs_before=$(cpuset_of "$kube")
for mode in keep move extend; do
	place --cgroup $mode
	check_eq "C5 $mode: a kubepods cgroup is refused: exit 2" "$?" 2
	check "C5 $mode: the kubelet's fix" grep -q "single-numa-node" /tmp/place.err
	check_eq "C5 $mode: the cpuset is unchanged" "$(cpuset_of "$kube")" "$cs_before"
	check_eq "C5 $mode: no thread or IRQ changed" "$(snapshot "$pid")" "$before"
	check "C5 $mode: no journal" test ! -e /run/numaplace/journal
done
cat /tmp/place.err
stop_stream

finish
