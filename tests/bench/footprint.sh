#!/bin/sh
# The agent's footprint (`make bench`): CPU share of one core and peak RSS of `numaplace run`
# while it manages PROCS processes with THREADS threads in all at a 1 s interval. Targets:
# <= 1% of a core, <= 32 MB. Figures only: nothing here passes or fails on them.
#
# POSIX sh, run on the host (tests/bench/run.sh) and, copied into the initramfs as
# /np/bench/footprint.sh, in the 2-node guest. On the host the CPU figure is real (the guest
# is emulated, its CPU time 10-50x inflated), but with one NUMA node nothing is ever placed,
# so the agent only finds and watches the servers; in the guest every server is placed on the
# last node first and then followed up, the full steady state.
#
# What is measured: utime + stime of the agent from /proc/PID/stat over SECONDS, after every
# server is managed (and, with two nodes or more, placed), and VmHWM from /proc/PID/status at
# the end. The BPF programs run in the context of the traced threads and are not charged to
# the agent: their cost per event is np-bench's figure (tests/bench/np-bench.c).
#
# The servers are np-stream run under the name np-footprint (a symlink, so no other process
# of the host matches): MB each, readers that pass over it and sleep SLEEP_MS, mostly idle
# like a server between requests. The agent uses its own journal and metrics file.
#
# Environment: NP_FOOTPRINT_PROCS (10), NP_FOOTPRINT_THREADS (1000), NP_FOOTPRINT_SECONDS,
# NP_FOOTPRINT_MB, NP_FOOTPRINT_SLEEP_MS (host 60 s, 8 MB, 1000 ms; guest 30 s, 2 MB, 2000 ms),
# NP_BIN.
set -u

top=$(cd "$(dirname "$0")/../.." 2>/dev/null && pwd)
np=${NP_BIN:-$top/build/numaplace}
stream=$(dirname "$np")/np-stream
# the guest's CPUs are emulated: smaller buffers, longer sleeps, or 1000 readers swamp it
if [ -e /np/lib.sh ]; then
	where=guest default_seconds=30 default_mb=2 default_sleep=2000
else
	where=host default_seconds=60 default_mb=8 default_sleep=1000
fi
procs=${NP_FOOTPRINT_PROCS:-10}
threads=${NP_FOOTPRINT_THREADS:-1000}
seconds=${NP_FOOTPRINT_SECONDS:-$default_seconds}
mb=${NP_FOOTPRINT_MB:-$default_mb}
sleep_ms=${NP_FOOTPRINT_SLEEP_MS:-$default_sleep}
per_proc=$((threads / procs))

[ -x "$np" ] && [ -x "$stream" ] || { echo "footprint: build numaplace and np-stream first" >&2; exit 1; }
tmp=$(mktemp -d /tmp/np-footprint.XXXXXX)
agent="" servers=""
cleanup() {
	[ -n "$agent" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	[ -n "$servers" ] && kill $servers 2>/dev/null && wait $servers 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nodes=$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)
last=$(($(ls -d /sys/devices/system/node/node[0-9]* | sed 's/.*node//' | sort -n | tail -n 1)))
metric() { awk -v n="$1" '$1 == n { print $2; exit }' "$tmp/metrics.prom" 2>/dev/null; }
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

cat >"$tmp/run.conf" <<EOF
[global]
interval = 1
journal = $tmp/journal
metrics_file = $tmp/metrics.prom

[match footprint]
comm = ^np-footprint\$
node = $last
min_rss_mb = 1
min_cpu = 0
EOF

# the servers: the first node's CPUs and memory, so that with two nodes the agent places them
ln -s "$stream" "$tmp/np-footprint"
bind=""
[ "$nodes" -gt 1 ] && command -v numactl >/dev/null && bind="numactl --cpunodebind=0 --preferred=0"
i=0
while [ $i -lt "$procs" ]; do
	$bind "$tmp/np-footprint" --mb "$mb" --threads "$per_proc" --seconds $((seconds + 600)) \
		--reader-sleep-ms "$sleep_ms" --ready "$tmp/ready.$i" >"$tmp/server.$i.log" 2>&1 &
	servers="$servers $!"
	i=$((i + 1))
done
i=0
while [ $i -lt "$procs" ]; do
	n=0
	while [ ! -e "$tmp/ready.$i" ] && [ $n -lt 1800 ]; do sleep 0.1; n=$((n + 1)); done
	[ -e "$tmp/ready.$i" ] || { echo "footprint: server $i did not start: $(cat "$tmp/server.$i.log")" >&2; exit 1; }
	i=$((i + 1))
done
nthreads=0
for p in $servers; do nthreads=$((nthreads + $(status_kb "$p" Threads))); done

"$np" run --config "$tmp/run.conf" 2>"$tmp/agent.log" &
agent=$!
# settle: every server managed, and placed where there is somewhere to place it
want_placed=0
[ "$nodes" -gt 1 ] && want_placed=$procs
n=0
while [ $n -lt 1200 ]; do
	kill -0 "$agent" 2>/dev/null || { echo "footprint: the agent exited: $(tail -n 5 "$tmp/agent.log")" >&2; agent=""; exit 1; }
	[ "$(metric numaplace_managed_processes)" = "$procs" ] &&
		[ "$(grep -c 'placed pid' "$tmp/agent.log")" -ge "$want_placed" ] && break
	sleep 0.5
	n=$((n + 1))
done
managed=$(metric numaplace_managed_processes)
placed=$(grep -c 'placed pid' "$tmp/agent.log")
sleep 3 # the placements' follow-ups

t0=$(uptime_s) c0=$(ticks "$agent") m0=$(metric numaplace_agent_cpu_seconds_total) i0=$(metric numaplace_intervals_total)
sleep "$seconds"
t1=$(uptime_s) c1=$(ticks "$agent") m1=$(metric numaplace_agent_cpu_seconds_total) i1=$(metric numaplace_intervals_total)
hwm=$(status_kb "$agent" VmHWM) rss=$(status_kb "$agent" VmRSS)
last_interval=$(metric numaplace_last_interval_seconds)

echo "agent footprint in the $where ($(uname -r), $(nproc) CPUs, $nodes NUMA node(s)): $procs servers," \
	"$nthreads threads in all ($mb MB each, readers sleeping $sleep_ms ms), interval 1 s, measured over $seconds s"
echo "  managed $managed, placed $placed, $(grep -c 'follow-up' "$tmp/agent.log") follow-up lines;" \
	"intervals in the window: $((${i1:-0} - ${i0:-0}))"
awk -v c=$((c1 - c0)) -v hz="$hz" -v t0="$t0" -v t1="$t1" -v m0="${m0:-0}" -v m1="${m1:-0}" \
	-v hwm="$hwm" -v rss="$rss" -v li="${last_interval:-0}" 'BEGIN {
		span = t1 - t0
		printf "  agent CPU: %.2f%% of one core (%.2f s of CPU in %.1f s; its own metric says %.2f s)   target <= 1%%\n",
			100 * c / hz / span, c / hz, span, m1 - m0
		printf "  agent peak RSS (VmHWM): %.1f MB (VmRSS now %.1f MB)   target <= 32 MB\n", hwm / 1024, rss / 1024
		printf "  last interval took %.1f ms of wall time\n", li * 1000
	}'
grep -E 'warning|error' "$tmp/agent.log" | head -n 3 | sed 's/^/  agent said: /'
exit 0
