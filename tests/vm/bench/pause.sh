# Pause figures (`make bench`, in the 2-node guest): what stopping a server while its mapped model
# file moves costs its readers, and what it buys. A 256 MB file on a tmpfs, mapped and filled
# from node 0 (as llama.cpp maps its model), two readers pinned to node 1's CPUs streaming it in
# 256 KB chunks (np-stream --stalls). `numaplace place --node 1 --only memory --sample 0` moves
# it, once with the default --pause-ms (slices of 50 ms, when the mapped pages move slower than
# --pause-below while read) and once with --pause-ms 0 (never stopped), rounds alternated, each
# on a fresh workload. Per round: the longest gap a reader saw between two chunks it finished,
# before place (the guest's own jitter, 2 s) and while place ran; place's time for the move;
# pages moved and misplaced (place --json); how often and how long it stopped the process.
# Figures only: nothing here passes or fails on a time.
#
# Environment: NP_PAUSE_ROUNDS (3 per mode), NP_PAUSE_MB (256).
. /np/lib.sh
. /np/lib/place.sh # start_stream, stop_stream, node_cpus

rounds=${NP_PAUSE_ROUNDS:-3}
mb=${NP_PAUSE_MB:-256}
results=/tmp/pause-results
echo 0 >/proc/sys/kernel/numa_balancing # AutoNUMA must not move pages behind the bench's back
mkdir -p /weights && mount -t tmpfs -o size=$((mb + 32))m weights /weights

# stalls: the workload's longest reader gap (ms) since the last call
stalls() {
	_n=$(grep -c '^stalls ' /tmp/stream.log)
	kill -USR2 "$pid"
	for _i in $(seq 50); do
		[ "$(grep -c '^stalls ' /tmp/stream.log)" -gt "$_n" ] && break
		sleep 0.1
	done
	grep '^stalls ' /tmp/stream.log | tail -n 1 | awk '{ print $3 }'
}

# one MODE PAUSE_MS: a fresh workload, its baseline, place, one result line
one() {
	rm -f /weights/model
	start_stream --preferred=0 --cpunodebind=0 np-stream --mb "$mb" --threads 2 --seconds 600 \
		--file /weights/model --reader-cpus "$(node_cpus 1)" --stalls
	sleep 1
	stalls >/dev/null
	sleep 2
	base=$(stalls)
	numaplace place --pid "$pid" --node 1 --only memory --sample 0 --pause-ms "$2" --json \
		>/tmp/place.json 2>/tmp/place.err || echo "  place failed: $(cat /tmp/place.err)"
	stall=$(stalls)
	line=$(jq -r --arg m "$1" --arg b "$base" --arg s "$stall" '.result.memory |
		"\($m) \($b) \($s) \(.seconds) \(.pages_moved) \(.pages_misplaced) \(.pauses) \(.paused_seconds)"' \
		/tmp/place.json)
	echo "$line" >>"$results"
	echo "$line" | awk '{ printf "  %-9s longest stall %7.1f ms (%.1f ms before); %4.1f s to move; %6d of %6d pages moved; %3d stops, %.2f s stopped\n", $1, $3, $2, $4, $5, $6, $7, $8 }'
	stop_stream
}

rm -f "$results"
echo "== pausing: a $mb MB mapped file on node 0, 2 readers on node 1 (CPUs $(node_cpus 1)), guest $(uname -r), $(nproc) vCPUs (TCG)"
r=1
while [ "$r" -le "$rounds" ]; do
	echo "-- round $r"
	one "pause-50" 50
	one "no-pause" 0
	r=$((r + 1))
done
umount /weights

# side by side: the median and the range of each figure over the rounds
echo "-- $rounds rounds each: median (min-max)"
printf '  %-28s %22s %22s\n' "" "--pause-ms 50" "--pause-ms 0"
# med MODE COLUMN [DECIMALS]: "median (min-max)"
med() { awk -v m="$1" -v c="$2" '$1 == m { print $c }' "$results" | sort -n |
	awk -v d="${3:-1}" '{ v[NR] = $1 } END {
		f = "%." d "f"; printf f " (" f "-" f ")", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
row() { printf '  %-28s %22s %22s\n' "$1" "$(med pause-50 "$2" "${3:-1}")" "$(med no-pause "$2" "${3:-1}")"; }
row "longest reader stall, ms" 3
row "  before place (jitter), ms" 2
row "time to move, s" 4
row "pages moved" 5 0
row "pages misplaced" 6 0
row "stops" 7 0
row "time stopped, s" 8 2
finish
