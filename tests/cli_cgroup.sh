# shellcheck shell=bash
# Sourced by cli.sh: place --cgroup on this host's v1 cpuset hierarchy, when it has one and two
# CPUs (cgroup v2 is tested in the guest: tests/vm/scenarios/place-cgroup-2node.sh). A cgroup
# bound to the first CPU is extended to node 0's CPUs through the journal and restored
# exactly; the root cgroup's cpuset is not numaplace's to change; a kubepods cgroup is refused
# with exit 2, the kubelet's fix and nothing changed.
cs=$(awk '{ for (i = 7; i <= NF && $i != "-"; i++) ;
	    if ($(i + 1) == "cgroup" && $(i + 3) ~ /(^|,)cpuset(,|$)/) { print $5; exit } }' \
	/proc/self/mountinfo)
if [ "$(id -u)" = 0 ] && [ -n "$cs" ] && [ -f "$cs/cpuset.cpus" ] && [ "$(nproc)" -ge 2 ]; then
	node0=$(cat /sys/devices/system/node/node0/cpulist)
	cg=$cs/np-cli-$$
	mkdir "$cg"
	echo 0 >"$cg/cpuset.cpus"
	echo 0 >"$cg/cpuset.mems"
	sleep 300 &
	victim=$!
	echo $victim >"$cg/tasks"
	rm -f "$j" "$j.lock"
	expect_exit "place --cgroup move: the root cgroup's cpuset is not numaplace's" 2 \
		"bounds every cgroup below it" "$np" place --pid $$ --node 0 --sample 0 \
		--cgroup move --journal "$j"
	"$np" place --pid $victim --node 0 --only threads --sample 0 --cgroup extend \
		--journal "$j" >"$tmp/cg.out" 2>&1
	check_eq "place --cgroup extend: exit 0" "$?" 0
	check_eq "place --cgroup extend: cpuset.cpus has node 0's CPUs" "$(cat "$cg/cpuset.cpus")" \
		"$node0"
	check "place --cgroup extend: the plan says what becomes of the cpuset" grep_joined \
		"cgroup extend: the cpuset of cgroup /np-cli-$$ goes from CPUs 0, memory nodes 0 to CPUs $node0" \
		"$tmp/cg.out"
	check "place --cgroup extend: the outcome counts it" grep -q "cgroup  *set: changed 1, unchanged 1, vanished 0, failed 0" \
		"$tmp/cg.out"
	check "place --cgroup extend: journaled with old and new values" grep -q \
		"\"kind\":\"cgroup_cpuset\",\"id\":2,.*\"path\":\"/np-cli-$$\",\"old_value\":\"0\",\"new_value\":\"$node0\"" "$j"
	"$np" restore --journal "$j" >"$tmp/cg.out" 2>&1
	check_eq "restore: exit 0" "$?" 0
	check_eq "restore: cpuset.cpus back exactly" "$(cat "$cg/cpuset.cpus")" 0
	check "restore: counts the cgroup" grep -q "cgroups  *restored: changed 1" "$tmp/cg.out"

	# a kubepods cgroup (the kubelet's cgroupfs driver shape)
	kp=$cs/kubepods/burstable/pod0f7c3a52-9d1e-4b6a-8c2d-5e4f3a2b1c0d
	id=4f1c6b1d2e3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e
	mkdir -p "$kp/$id"
	for d in "$cs/kubepods" "$cs/kubepods/burstable" "$kp" "$kp/$id"; do
		echo 0 >"$d/cpuset.cpus"
		echo 0 >"$d/cpuset.mems"
	done
	echo $victim >"$kp/$id/tasks"
	for mode in move extend; do
		expect_exit "place --cgroup $mode: a kubepods cgroup is refused with the kubelet's fix" 2 \
			"kubelet owns the kubepods cgroup .*single-numa-node" "$np" place --pid $victim \
			--node 0 --sample 0 --cgroup $mode --journal "$j"
		check_eq "place --cgroup $mode: kubepods cpuset unchanged" "$(cat "$kp/$id/cpuset.cpus")" 0
		check "place --cgroup $mode: kubepods: no journal" test ! -e "$j"
	done
	kill $victim
	wait $victim 2>/dev/null
	rmdir "$kp/$id" "$kp" "$cs/kubepods/burstable" "$cs/kubepods" "$cg"
	rm -f "$j" "$j.lock"
fi
