# vm: --nodes 4 --cpus-per-node 1 --mem-per-node 384 --dist 10,12,20,22/12,10,22,20/20,22,10,12/22,20,12,10 --dev-node 2
# `numaplace topo` in a 4-node guest with unequal distances and the devices on node 2.
. /np/lib.sh

json=$(numaplace topo --json)
check_eq "topo --json exit code" "$?" 0
field() { printf '%s' "$json" | jq -r "$1"; }

check_eq "four nodes" "$(field '.nodes | map(.id) | join(",")')" "0,1,2,3"
check_eq "one CPU per node" "$(field '.nodes | map(.cpus) | join(" ")')" "0 1 2 3"
check_eq "distances" "$(field '.nodes | map(.distances | join(",")) | join("/")')" \
	"10,12,20,22/12,10,22,20/20,22,10,12/22,20,12,10"
for n in 0 1 2 3; do
	check_eq "node $n distance row matches sysfs" \
		"$(field ".nodes[$n].distances | join(\" \")")" "$(cat /sys/devices/system/node/node$n/distance)"
done
check_eq "stand-in GPU on node 2" "$(field '.devices[] | select(.kind == "accelerator") | .node')" 2
check_eq "NIC on node 2" "$(field '.devices[] | select(.kind == "nic") | .node')" 2
check "NIC has IRQs" test "$(field '.devices[] | select(.kind == "nic") | .irqs | length')" -ge 2
numaplace topo
finish
