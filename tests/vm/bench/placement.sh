# Placement figures (`make bench`, in the 2-node guest): how fast a 512 MB inference-like process
# whose memory sits on node 0 and whose readers run on node 1 ends up with its memory on node 1,
# and how many pages each contender moved to get there. Contenders, each on a fresh workload:
# AutoNUMA (default knobs, then tuned knobs), `numaplace place` (defaults, then without sampling
# or rate budget), Debian's numad.
#
# Ground truth is the kernel's: the process's pages per node from /proc/PID/numa_maps, polled
# every POLL seconds from the contender's start (t0); pages moved from /proc/vmstat deltas over
# the whole observation; pages misplaced = resident pages off the target node at t0. Figures
# only: nothing here passes or fails on a time.
#
# Environment: NP_BENCH_MB (512), NP_BENCH_TIMEOUT (60 s per contender), NP_BENCH_POLL (0.15),
# NP_BENCH_ROUNDS (2: every row but numad's is measured that many times, each on its own line).
. /np/lib.sh
. /np/lib/place.sh # start_stream, stop_stream, node_cpus, thread_masks

mb=${NP_BENCH_MB:-512}
limit=${NP_BENCH_TIMEOUT:-60}
poll=${NP_BENCH_POLL:-0.15}
settle=3 # seconds watched after 95% is reached (or after the contender exits), for late moves
target=1
target_cpus=$(node_cpus $target)
knobs=/sys/kernel/debug/sched/numa_balancing
balancing_was=$(cat /proc/sys/kernel/numa_balancing)
results=/tmp/bench-results

now() { cut -d' ' -f1 /proc/uptime; }
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
knob_values() {
	for k in scan_delay_ms scan_period_min_ms scan_period_max_ms scan_size_mb; do
		printf '%s=%s ' "$k" "$(cat $knobs/$k)"
	done
}

# pages PID: "ON_TARGET TOTAL" in 4 KiB pages, summed over every mapping in numa_maps
# (N<node>=<pages> counts pages of kernelpagesize_kB; THP counts as 512 base pages).
pages() {
	awk -v t="$target" '{
			k = 4
			for (i = 2; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { split($i, a, "="); k = a[2] }
			for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) {
				split(substr($i, 2), a, "="); n = a[2] * k / 4; total += n
				if (a[1] == t) on += n
			}
		}
		END { printf "%d %d\n", on, total }' "/proc/$1/numa_maps" 2>/dev/null
}

# The workload: the loader first-touches the buffer from node 0's CPUs, then two readers pin
# themselves to node 1's CPUs and stream it. AutoNUMA stays off while it fills.
start_workload() {
	echo 0 >/proc/sys/kernel/numa_balancing
	start_stream --cpunodebind=0 np-stream --mb "$mb" --threads 2 --seconds 3600 \
		--reader-cpus "$target_cpus"
	sleep 1 # the readers have pinned themselves
}

# begin: t0 and the counters, right before the contender starts
begin() {
	set -- $(pages "$pid")
	misplaced=$(($2 - $1))
	total0=$2
	mig0=$(vmstat pgmigrate_success)
	numa0=$(vmstat numa_pages_migrated)
	thp0=$(vmstat thp_migration_success)
	fail0=$(vmstat pgmigrate_fail)
	t0=$(now)
}

# watch NAME [CONTENDER_PID]: poll until 95% is on the target, then `settle` more seconds (and
# until CONTENDER_PID, if given, has exited); give up at the time limit. One result line.
watch() {
	name=$1 helper=${2:-}
	reach="" exited="" on=0 total=$total0
	while :; do
		t=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
		set -- $(pages "$pid")
		[ -n "${1:-}" ] && on=$1 total=$2
		if [ -z "$reach" ] && [ $((on * 100)) -ge $((total * 95)) ]; then reach=$t; fi
		if [ -n "$helper" ] && [ -z "$exited" ] && ! kill -0 "$helper" 2>/dev/null; then exited=$t; fi
		done_at=${reach:-}
		[ -n "$helper" ] && done_at=${exited:-}
		[ -n "$helper" ] && [ -n "$exited" ] && [ -n "$reach" ] &&
			done_at=$(awk -v a="$reach" -v b="$exited" 'BEGIN { print (a > b ? a : b) }')
		if [ -n "$done_at" ] && awk -v t="$t" -v d="$done_at" -v s="$settle" 'BEGIN { exit !(t >= d + s) }'; then
			break
		fi
		awk -v t="$t" -v l="$limit" 'BEGIN { exit !(t >= l) }' && break
		sleep "$poll"
	done
	moved=$(($(vmstat pgmigrate_success) - mig0))
	echo "$name|${reach:-not reached in ${limit}s}|$misplaced|$moved|$(($(vmstat numa_pages_migrated) - numa0))|$(($(vmstat thp_migration_success) - thp0))|$(($(vmstat pgmigrate_fail) - fail0))|$on|$total|$t" >>"$results"
	echo "  $name: 95% at ${reach:-never} s; misplaced $misplaced pages; pgmigrate_success +$moved; share on node $target $((on * 1000 / (total > 0 ? total : 1)))/1000 after ${t} s"
}

rm -f "$results"
echo "== placement: $mb MB on node 0, 2 readers pinned to node $target (CPUs $target_cpus), guest $(uname -r), $(nproc) vCPUs (TCG)"

# 1. AutoNUMA, default knobs: switched on at t0, the readers' hinting faults pull the pages.
autonuma_default() {
	echo "-- AutoNUMA, default knobs: $(knob_values)"
	start_workload
	begin
	echo 1 >/proc/sys/kernel/numa_balancing
	watch "AutoNUMA (default knobs)$round"
	stop_stream
}

# 2. AutoNUMA with a fast scan: a period of 100 ms and the whole buffer per scan.
autonuma_tuned() {
	saved=$(knob_values)
	echo 100 >$knobs/scan_delay_ms
	echo 100 >$knobs/scan_period_min_ms
	echo $((mb * 2)) >$knobs/scan_size_mb
	echo "-- AutoNUMA, tuned knobs: $(knob_values)"
	start_workload
	begin
	echo 1 >/proc/sys/kernel/numa_balancing
	watch "AutoNUMA (tuned knobs)$round"
	stop_stream
	for kv in $saved; do echo "${kv#*=}" >"$knobs/${kv%%=*}"; done
}

# 3. numaplace place: threads and memory, AutoNUMA off, t0 = the command's start. Once with its
# defaults (1 s of BPF sampling for hot pages, --max-rate 1024), once without sampling or budget.
# The reference row after them is np-move (tests/bench/np-move.c): move_pages(2) alone, from two
# threads, one address per huge page, what any mover could reach here.
# run_helper NAME COMMAND...: a fresh workload, then COMMAND (its word PID becomes the pid)
run_helper() {
	name=$1
	shift
	start_workload
	for a in "$@"; do
		shift
		[ "$a" = PID ] && a=$pid
		set -- "$@" "$a"
	done
	echo "-- $*"
	begin
	"$@" >/tmp/helper.log 2>&1 &
	helper=$!
	watch "$name$round" "$helper"
	wait "$helper"
	echo "  exit code $?; its output:"
	sed 's/^/    /' /tmp/helper.log
	stop_stream
}
has_place=$(numaplace --help | grep -c '^  place ')
place_rows() {
	if [ "$has_place" -gt 0 ]; then
		run_helper "numaplace place" numaplace place --pid PID --node "$target" --only threads,memory
		run_helper "numaplace --sample 0 --max-rate 0" numaplace place --pid PID --node "$target" \
			--only threads,memory --sample 0 --max-rate 0
	else
		echo "-- numaplace: this build has no 'place' command; row not measured"
		echo "numaplace place|not measured (no place command)|-|-|-|-|-|0|0|-" >>"$results"
	fi
	run_helper "reference: np-move, 2 threads" np-move --pid PID --node "$target" --threads 2
}

rounds=${NP_BENCH_ROUNDS:-2}
r=1
while [ "$r" -le "$rounds" ]; do
	round=""
	[ "$rounds" -gt 1 ] && round=" #$r"
	autonuma_default
	autonuma_tuned
	place_rows
	r=$((r + 1))
done
round=""

# 4. numad (Debian's), AutoNUMA off: it daemonizes, logs to /var/log/numad.log, keeps its pid in
# /var/run/numad.pid, and `numad -i 0` stops it. It cannot be given a target node: it picks the
# node(s) itself from free memory, idle CPUs and where the process's memory already is, binds
# every thread's affinity there and calls migrate_pages(2). It only considers processes above
# 300 MB resident and half a CPU, and it re-evaluates a process at most every 300 s, counted
# from a bind time of 0 for a process it never bound: nothing is bound while CLOCK_MONOTONIC
# (the uptime) is below 300 s, so this row waits for that. It changes khugepaged's
# scan_sleep_millisecs (put back afterwards). Intervals: its defaults (-i 5:15).
echo "-- numad $(numad -V 2>&1 | head -n 1), default options"
up=$(cut -d. -f1 /proc/uptime)
if [ "$up" -lt 300 ]; then
	echo "  (waiting $((300 - up)) s: numad binds nothing before 300 s of uptime)"
	sleep $((300 - up))
fi
mkdir -p /var/run /var/log
: >/var/log/numad.log
thp_sleep=/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs
thp_sleep_was=$(cat $thp_sleep)
start_workload
begin
numad
watch "numad (defaults)"
numad -i 0
sleep 1
echo "  numad's log:"
grep -E "Advising pid $pid |PID $pid moved|would not move|Changing THP" /var/log/numad.log | sed 's/^/    /'
chosen=$(sed -n "s/.*Advising pid $pid .* to nodes (\(.*\))/\1/p" /var/log/numad.log | tail -n 1)
echo "  numad's choice for pid $pid: nodes ${chosen:-none (it did not bind it)}"
echo "  threads' CPUs afterwards (tid cpus): $(thread_masks "$pid" | tr '\n' ' ')"
stop_stream
echo "$thp_sleep_was" >$thp_sleep

echo "$balancing_was" >/proc/sys/kernel/numa_balancing

echo
echo "== placement of $mb MB from node 0 to node $target (pages of 4 KiB; moved = pgmigrate_success delta)"
printf '%-36s %18s %10s %10s %9s %10s %9s\n' contender "s to 95%" misplaced moved "moved/mis" numa_migr "on target"
while IFS='|' read -r name reach mis moved numa thp fail on total t; do
	ratio=$(awk -v m="$moved" -v p="$mis" 'BEGIN { if (p > 0 && m != "-") printf "%.2f", m / p; else print "-" }')
	share=$(awk -v o="$on" -v t="$total" 'BEGIN { if (t > 0) printf "%.1f%%", 100 * o / t; else print "-" }')
	printf '%-36s %18s %10s %10s %9s %10s %9s\n' "$name" "$reach" "$mis" "$moved" "$ratio" "$numa" "$share"
done <"$results"
echo "(THP moves and pgmigrate_fail per row: $(cut -d'|' -f1,6,7 "$results" | tr '\n' ';'))"
