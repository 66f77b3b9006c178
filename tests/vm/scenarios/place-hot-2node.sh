# vm: --nodes 2 --cpus-per-node 1 --mem-per-node 512 --timeout 180
# `numaplace place` moves the sampled hot pages first. A 128 MB model file on a tmpfs, all
# on node 0: one thread keeps faulting on its top 8 MB (a mapping of its own, the last of the
# file's memory in address order, starting 1 MB into a 2 MB region; minor faults that leave
# the pages where they are), a reader streams the 120 MB below without a fault. A reserve on
# node 1 leaves room for at most 48 MB: hot first, the hot part goes and the rest of the room
# goes to the memory below; unsampled (the most resident mapping first), the 120 MB below would
# take all of it and the hot part would stay on node 0.
. /np/lib.sh
. /np/lib/place.sh
. /np/lib/run.sh # free_mb, uptime_s, elapsed

echo 0 >/proc/sys/kernel/numa_balancing # AutoNUMA must not move pages behind the test's back
field() { jq -r "$1" /tmp/place.json; }
# share START NODE: the fraction of the resident pages of the mapping at START on NODE, from
# one read of numa_maps (the hot part's count changes while its thread faults)
share() {
	awk -v start="$1" -v want="N$2" '$1 == start {
		for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) {
			split($i, a, "="); all += a[2]; if (a[1] == want) on += a[2]
		}
	} END { printf "%.3f\n", all ? on / all : 0 }' "/proc/$pid/numa_maps"
}

mkdir -p /weights && mount -t tmpfs -o size=160m weights /weights
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 128 --hot-mb 8 --threads 1 --seconds 600 --file /weights/m
hot=$(sed -n 's/^hot \([0-9a-f]*\)-.*/\1/p' /tmp/stream.log)
# the file's two mappings in address order: the rest, then the hot part
maps=$(awk '/ file=\/weights\/m / { print $1 }' "/proc/$pid/numa_maps" | tr '\n' ' ')
cold=${maps%% *}
grep ' file=/weights/m ' "/proc/$pid/numa_maps"
check_eq "the hot part is a mapping of its own, above the rest of the file" "$maps" "$cold $hot "
s=$(share "$hot" 0)
check "before: the hot part on node 0 ($s)" in_range "$s" 0.99 1
s=$(share "$cold" 0)
check "before: the rest on node 0 ($s)" in_range "$s" 0.99 1

reserve=$(($(free_mb 1) - 48))
t0=$(uptime_s) faults0=$(awk '{ print $10 }' "/proc/$pid/stat")
# --force: most of its memory stays off node 1, which place declines without it (issue 14)
numaplace place --pid "$pid" --node 1 --only memory --sample 1 --reserve $reserve --force --json \
	>/tmp/place.json 2>/tmp/place.err
check_eq "place exit code" "$?" 0
echo "place took $(elapsed "$t0") s: $(field '.result.memory | "moved \(.pages_moved) (\(.pages_hot_moved) hot) of \(.pages_misplaced) misplaced in \(.duration_s) s, \(.pauses) pauses"')"
echo "meanwhile the hot thread took $(awk -v f0="$faults0" -v t="$(elapsed "$t0")" \
	'{ printf "%d", ($10 - f0) / t }' "/proc/$pid/stat") minor faults a second"
cat /tmp/place.err
grep ' file=/weights/m ' "/proc/$pid/numa_maps"
hot_pages=$((8 * 256))
# 8 MB from 1 MB into a 2 MB region: 5 regions
check "the hot part's 5 regions sampled ($(field .plan.hot_regions))" test "$(field .plan.hot_regions)" -ge 5
# the hot part, and what else its outermost 2 MB regions hold (1 MB below and above it)
hot_moved=$(field .result.memory.pages_hot_moved)
check "the outcome counts the hot part as moved first ($hot_moved pages of $hot_pages)" \
	in_range "$hot_moved" $((hot_pages * 95 / 100)) $((hot_pages + 512))
s=$(share "$hot" 1)
check "after: the hot part on node 1 ($s)" in_range "$s" 0.95 1
# the room left after the hot part went to the rest, and most stayed
s=$(share "$cold" 1)
check "after: part of the rest on node 1, most on node 0 ($s)" in_range "$s" 0.1 0.5
stop_stream
umount /weights

finish
