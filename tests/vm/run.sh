#!/usr/bin/env bash
# Boot Debian's kernel under QEMU (TCG) with a chosen NUMA layout and run one script inside.
#
#   tests/vm/run.sh [options] SCRIPT        SCRIPT: scenarios/NAME, demo/NAME or bench/NAME (no .sh)
#     --nodes N            NUMA nodes, 1-4 (2)
#     --cpus-per-node C    CPUs per node (1)
#     --mem-per-node MB    memory per node (512)
#     --dist ROWS          distance matrix, rows split by '/': "10,20/20,10" (10 local, 20 remote)
#     --dev-node K[,K2..]  put a PCI expander on each listed node holding a stand-in GPU
#                          (bochs-display); the first listed node's expander also holds the
#                          NIC (virtio-net-pci, no outside network); -1 for none (-1)
#     --timeout S          a guest still running after S seconds is killed and failed (180)
#     --initrd FILE        initramfs (build/vm/initramfs.cpio.gz)
#     --show               print everything the script prints, not only PASS/FAIL lines
#
# The guest's PASS/FAIL lines (and RESULT lines: measured figures) are read from the serial
# console. Prints "N passed, M failed";
# a guest that does not reach the end of its script counts as one more failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
nodes=2 cpus=1 mem=512 dist="" dev_node=-1 timeout=180 show=0
initrd=$top/build/vm/initramfs.cpio.gz

die() { echo "run.sh: $*" >&2; exit 2; }
while (($#)); do
	case $1 in
	--nodes) nodes=$2; shift ;;
	--cpus-per-node) cpus=$2; shift ;;
	--mem-per-node) mem=$2; shift ;;
	--dist) dist=$2; shift ;;
	--dev-node) dev_node=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--initrd) initrd=$2; shift ;;
	--show) show=1 ;;
	-*) die "unknown option $1" ;;
	*) script=$1 ;;
	esac
	shift
done
[[ -n "${script:-}" ]] || die "no script given"
[[ "$nodes" =~ ^[1-4]$ ]] || die "--nodes must be 1-4"
[[ -f "$initrd" ]] || die "no initramfs at $initrd (make vm-image)"
kdir=$("$top/scripts/guest-kernel.sh") || die "no guest kernel"

args=(-accel tcg,thread=multi -cpu max -machine pc -nodefaults -display none -no-reboot
	-serial stdio -m $((nodes * mem))M -smp $((nodes * cpus)),sockets=$nodes,cores=$cpus,threads=1
	-kernel "$kdir/vmlinuz" -initrd "$initrd"
	-append "console=ttyS0 quiet loglevel=${NP_LOGLEVEL:-3} panic=-1 np.script=$script")
for ((n = 0; n < nodes; n++)); do
	args+=(-object "memory-backend-ram,id=mem$n,size=${mem}M"
		-numa "node,nodeid=$n,cpus=$((n * cpus))-$((n * cpus + cpus - 1)),memdev=mem$n")
done
if [[ -n "$dist" ]]; then
	IFS=/ read -r -a rows <<<"$dist"
	((${#rows[@]} == nodes)) || die "--dist needs $nodes rows"
	for ((i = 0; i < nodes; i++)); do
		IFS=, read -r -a row <<<"${rows[$i]}"
		((${#row[@]} == nodes)) || die "--dist row $i needs $nodes values"
		for ((j = 0; j < nodes; j++)); do
			((i == j)) || args+=(-numa "dist,src=$i,dst=$j,val=${row[$j]}")
		done
	done
fi
if [[ "$dev_node" != -1 ]]; then
	[[ "$dev_node" =~ ^[0-3](,[0-3])*$ ]] || die "--dev-node: expected -1 or a list of nodes, got '$dev_node'"
	IFS=, read -r -a dev_nodes <<<"$dev_node"
	for k in "${dev_nodes[@]}"; do
		((k < nodes)) || die "--dev-node $k: only $nodes nodes"
		[[ " ${done_nodes:-} " != *" $k "* ]] || die "--dev-node $k listed twice"
		done_nodes="${done_nodes:-} $k"
		# One expander per node: its bus numbers (64 + 32 K ..) leave room for the others'.
		args+=(-device "pxb,id=pxb$k,bus_nr=$((64 + 32 * k)),numa_node=$k,bus=pci.0"
			-device "bochs-display,bus=pxb$k,addr=0x1")
	done
	# restrict=on: the user-mode network reaches nothing outside the guest.
	args+=(-netdev user,id=net0,restrict=on
		-device "virtio-net-pci,netdev=net0,bus=pxb${dev_nodes[0]},addr=0x2,vectors=4")
fi

log_dir=$top/build/vm/logs
mkdir -p "$log_dir"
log=$log_dir/${script//\//-}.log
# boot GUEST_LOG: the guest's console into the log. A guest kernel that hangs before init
# (seen under TCG: a soft lockup in the boot-time crypto self-tests, cryptomgr_test) is a
# test-bed failure, not a numaplace one: it is booted again once when init has not started
# (NP-BEGIN) within NP_BOOT_DEADLINE seconds. The console goes to the log unbuffered, so that
# what the guest printed is there to be seen while it runs.
boot() {
	rm -f "$log.pid"
	(timeout --kill-after=5 "$timeout" qemu-system-x86_64 "${args[@]}" -pidfile "$log.pid" \
		</dev/null 2>&1 | stdbuf -o0 tr -d '\r' >"$log") &
	local guest=$! waited=0
	while ((waited < ${NP_BOOT_DEADLINE:-150})) && kill -0 $guest 2>/dev/null; do
		grep -q -a '^NP-BEGIN' "$log" 2>/dev/null && break
		sleep 1
		waited=$((waited + 1))
	done
	if kill -0 $guest 2>/dev/null && ! grep -q -a '^NP-BEGIN' "$log"; then
		[[ -s "$log.pid" ]] && kill -TERM "$(cat "$log.pid")" 2>/dev/null
		wait $guest
		return 1
	fi
	wait $guest
	return 0
}

start=$(date +%s%N)
if ! boot; then
	echo "WARN: $script: the guest kernel did not reach init; booting it again (see $log.first)" >&2
	mv "$log" "$log.first"
	boot
fi
elapsed_ms=$((($(date +%s%N) - start) / 1000000))

passed=$(grep -a -c '^PASS: ' "$log")
failed=$(grep -a -c '^FAIL: ' "$log")
if ((show)); then
	sed -n '/^NP-BEGIN/,/^NP-END/{/^NP-BEGIN/d;/^NP-END/d;p}' "$log"
else
	grep -a -E '^(PASS|FAIL|RESULT): ' "$log"
fi
if grep -q 'soft lockup' "$log"; then
	echo "WARN: $script: the guest kernel reported a soft lockup (see $log)" >&2
fi
if ! grep -q '^NP-END' "$log"; then
	echo "FAIL: $script: guest did not finish within ${timeout}s (log: $log)"
	tail -n 15 "$log" | sed 's/^/    /'
	failed=$((failed + 1))
fi
printf 'vm: %s: %d.%ds (log: %s)\n' "$script" $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100)) "$log" >&2
echo "$passed passed, $failed failed"
((failed == 0))
