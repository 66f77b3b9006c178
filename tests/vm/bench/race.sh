# Placement speed against AutoNUMA with tuned knobs (`make bench`, in the 2-node guest), round by
# round. Two workloads, each filled from node 0 while its two readers already run on node 1's
# CPUs, so that only the memory is misplaced:
#   anon     a 512 MB anonymous buffer (NP_RACE_ANON_MB)
#   mapped   a 256 MB model file on a tmpfs, mapped and read (NP_RACE_FILE_MB), as llama.cpp
#            maps its model
# Each round runs both contenders, each on a fresh workload, the order alternating round by
# round: AutoNUMA switched on at t0 with a 100 ms scan period and a scan size covering the
# buffer, and `numaplace place --pid PID --node 1 --only threads,memory` started at t0 with its
# defaults. Time: from t0 until 95% of the process's resident pages sit on node 1 (numa_maps,
# polled every NP_RACE_POLL s, 0.1). A tie counts for AutoNUMA. Pages moved: pgmigrate_success over the round; misplaced:
# resident pages off node 1 at t0. Figures only: nothing here passes or fails on a time.
#
# Environment: NP_RACE_ROUNDS (10), NP_RACE_TIMEOUT (30 s per contender).
. /np/lib.sh
. /np/lib/place.sh # start_stream, stop_stream, node_cpus
. /np/lib/run.sh   # free_mb

rounds=${NP_RACE_ROUNDS:-10}
limit=${NP_RACE_TIMEOUT:-30}
poll=${NP_RACE_POLL:-0.1}
knobs=/sys/kernel/debug/sched/numa_balancing
results=/tmp/race-results
balancing_was=$(cat /proc/sys/kernel/numa_balancing)
knobs_was=""
for k in scan_delay_ms scan_period_min_ms scan_size_mb; do knobs_was="$knobs_was $k=$(cat $knobs/$k)"; done
mkdir -p /weights && mount -t tmpfs -o size=320m weights /weights

now() { cut -d' ' -f1 /proc/uptime; }
moved() { awk '$1 == "pgmigrate_success" { print $2 }' /proc/vmstat; }
# pages PID: "ON_NODE_1 TOTAL" in 4 KiB pages over every mapping (a THP counts 512)
pages() {
	awk '{
			k = 4
			for (i = 2; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { split($i, a, "="); k = a[2] }
			for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) {
				split(substr($i, 2), a, "="); n = a[2] * k / 4; total += n
				if (a[1] == 1) on += n
			}
		}
		END { printf "%d %d\n", on, total }' "/proc/$1/numa_maps" 2>/dev/null
}

# workload KIND: filled from node 0 with AutoNUMA off, readers pinned to node 1's CPUs
workload() {
	echo 0 >/proc/sys/kernel/numa_balancing
	rm -f /weights/model
	if [ "$1" = anon ]; then
		start_stream --cpunodebind=0 np-stream --mb "${NP_RACE_ANON_MB:-512}" --threads 2 \
			--seconds 3600 --reader-cpus "$(node_cpus 1)"
	else
		start_stream --preferred=0 --cpunodebind=0 np-stream --mb "${NP_RACE_FILE_MB:-256}" \
			--threads 2 --seconds 3600 --file /weights/model --reader-cpus "$(node_cpus 1)"
	fi
	sleep 1 # the readers have pinned themselves
}

# contend KIND WHO: one contender on a fresh workload, one result line "KIND WHO SECONDS
# MOVED MISPLACED" (SECONDS "-" when 95% was not reached within the limit)
contend() {
	workload "$1"
	set -- "$1" "$2" $(pages "$pid")
	misplaced=$(($4 - $3)) mig0=$(moved) t0=$(now) reach=- helper=""
	if [ "$2" = autonuma ]; then
		echo 1 >/proc/sys/kernel/numa_balancing
	else
		numaplace place --pid "$pid" --node 1 --only threads,memory >/tmp/race-place.log 2>&1 &
		helper=$!
	fi
	while :; do
		t=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
		p=$(pages "$pid")
		on=${p% *} total=${p#* }
		# an unreadable numa_maps (the workload died) is no arrival
		if [ "$reach" = - ] && [ "${total:-0}" -gt 0 ] && [ $((on * 100)) -ge $((total * 95)) ]; then
			reach=$t
		fi
		# done: reached, and place (if it is the contender) has exited; or out of time
		if [ "$reach" != - ] && { [ -z "$helper" ] || ! kill -0 "$helper" 2>/dev/null; }; then
			break
		fi
		awk -v t="$t" -v l="$limit" 'BEGIN { exit !(t >= l) }' && break
		sleep "$poll"
	done
	[ -n "$helper" ] && { wait "$helper" || echo "  place failed: $(tail -n 3 /tmp/race-place.log)"; }
	sleep 1 # late moves count too
	echo "$1 $2 $reach $(($(moved) - mig0)) $misplaced" >>"$results"
	echo "  round $r, $1: $2 at 95% after $reach s, $(($(moved) - mig0)) pages moved of $misplaced"
	stop_stream
}

# the tuned knobs, for the whole bench (they matter only while numa_balancing is 1)
echo 100 >$knobs/scan_delay_ms
echo 100 >$knobs/scan_period_min_ms
echo $((${NP_RACE_ANON_MB:-512} * 2)) >$knobs/scan_size_mb
# QEMU backs guest memory on first touch: the first contender to use a node's memory would pay
# the host's page faults. Every node's free memory is touched once before the rounds.
for node in 0 1; do
	numactl --membind=$node --cpunodebind=$node np-stream --mb $(($(free_mb $node) - 200)) \
		--threads 1 --seconds 0.1 >/dev/null 2>&1
done
rm -f "$results"
echo "== place against AutoNUMA (scan_delay_ms 100, scan_period_min_ms 100, scan_size_mb" \
	"$(cat $knobs/scan_size_mb)), guest $(uname -r), $(nproc) vCPUs (TCG), $rounds rounds"
r=1
while [ "$r" -le "$rounds" ]; do
	for kind in anon mapped; do
		if [ $((r % 2)) -eq 1 ]; then
			contend "$kind" place
			contend "$kind" autonuma
		else
			contend "$kind" autonuma
			contend "$kind" place
		fi
	done
	r=$((r + 1))
done
echo "$balancing_was" >/proc/sys/kernel/numa_balancing
for kv in $knobs_was; do echo "${kv#*=}" >"$knobs/${kv%%=*}"; done
umount /weights

# side by side: per round and kind, seconds to 95% for each, pages moved / misplaced, the winner
awk -v rounds="$rounds" '
	{ key = $1 " " $2; n[key]++; s[key, n[key]] = $3; m[key, n[key]] = $4; p[key, n[key]] = $5 }
	function cell(kind, who, r) {
		return sprintf("%6s s %6d/%-6d", s[kind " " who, r], m[kind " " who, r], p[kind " " who, r])
	}
	function ahead(kind, r,    a, b) {
		a = s[kind " place", r]; b = s[kind " autonuma", r]
		if (a == "-") return "autonuma"
		if (b == "-" || a + 0 < b + 0) return "place"
		return "autonuma"
	}
	END {
		printf "  %-5s  %-22s %-22s %-9s  %-22s %-22s %s\n", "round", "anon 512 MB: place",
			"autonuma", "ahead", "mapped 256 MB: place", "autonuma", "ahead"
		printf "  %-5s  %-22s %-22s %-9s  %-22s %-22s\n", "", "to 95%  moved/misplaced", "", "", "", ""
		for (r = 1; r <= rounds; r++) {
			wa = ahead("anon", r); wm = ahead("mapped", r)
			wins["anon"] += wa == "place"; wins["mapped"] += wm == "place"
			printf "  %-5d  %s %s %-9s  %s %s %s\n", r, cell("anon", "place", r),
				cell("anon", "autonuma", r), wa, cell("mapped", "place", r),
				cell("mapped", "autonuma", r), wm
		}
		printf "  place ahead: anon in %d of %d rounds, mapped in %d of %d (goal: 8 of 10 each)\n",
			wins["anon"], rounds, wins["mapped"], rounds
	}' "$results"
finish
