#!/bin/sh
# `numaplace top`'s own footprint (`make bench`): CPU share of one core and peak RSS of
# `numaplace top -b` at a 1 s refresh while it traces PROCS servers with THREADS threads in
# all. Target (issue 16): <= 2% of a core, <= 32 MB. Figures only: nothing passes or fails.
#
# Measured as tests/bench/footprint.sh measures `run`: utime + stime from /proc/PID/stat over
# SECONDS once the first frames are out, VmHWM from /proc/PID/status at the end. The BPF
# programs run in the traced threads' context and are not charged to top (np-bench's figure).
# The servers are np-stream under the name np-topbench, readers sleeping SLEEP_MS after each
# pass: mostly idle, as servers between requests.
#
# Environment: NP_TOP_PROCS (10), NP_TOP_THREADS (1000), NP_TOP_SECONDS (20), NP_TOP_MB (8),
# NP_TOP_SLEEP_MS (1000), NP_BIN.
set -u

top=$(cd "$(dirname "$0")/../.." 2>/dev/null && pwd)
np=${NP_BIN:-$top/build/numaplace}
stream=$(dirname "$np")/np-stream
procs=${NP_TOP_PROCS:-10}
threads=${NP_TOP_THREADS:-1000}
seconds=${NP_TOP_SECONDS:-20}
mb=${NP_TOP_MB:-8}
sleep_ms=${NP_TOP_SLEEP_MS:-1000}
per_proc=$((threads / procs))

[ -x "$np" ] && [ -x "$stream" ] || { echo "top bench: build numaplace and np-stream first" >&2; exit 1; }
tmp=$(mktemp -d /tmp/np-topbench.XXXXXX)
viewer="" servers=""
cleanup() {
	[ -n "$viewer" ] && kill -TERM "$viewer" 2>/dev/null && wait "$viewer" 2>/dev/null
	[ -n "$servers" ] && kill $servers 2>/dev/null && wait $servers 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

ln -s "$stream" "$tmp/np-topbench"
i=0
while [ $i -lt "$procs" ]; do
	"$tmp/np-topbench" --mb "$mb" --threads "$per_proc" --seconds $((seconds + 600)) \
		--reader-sleep-ms "$sleep_ms" --ready "$tmp/ready.$i" >"$tmp/server.$i.log" 2>&1 &
	servers="$servers $!"
	i=$((i + 1))
done
i=0
while [ $i -lt "$procs" ]; do
	n=0
	while [ ! -e "$tmp/ready.$i" ] && [ $n -lt 1800 ]; do sleep 0.1; n=$((n + 1)); done
	[ -e "$tmp/ready.$i" ] || { echo "top bench: server $i did not start: $(cat "$tmp/server.$i.log")" >&2; exit 1; }
	i=$((i + 1))
done
nthreads=0
for p in $servers; do nthreads=$((nthreads + $(status_kb "$p" Threads))); done

"$np" top -b --interval 1 --match '^np-topbench$' >"$tmp/frames.txt" 2>"$tmp/top.err" &
viewer=$!
# settle: the first frames are out
n=0
while [ "$(grep -c '^numaplace top ' "$tmp/frames.txt")" -lt 3 ] && [ $n -lt 300 ]; do
	kill -0 "$viewer" 2>/dev/null || { echo "top bench: top exited: $(tail -n 5 "$tmp/top.err")" >&2; viewer=""; exit 1; }
	sleep 0.1
	n=$((n + 1))
done
f0=$(grep -c '^numaplace top ' "$tmp/frames.txt")
t0=$(uptime_s) c0=$(ticks "$viewer")
sleep "$seconds"
t1=$(uptime_s) c1=$(ticks "$viewer")
f1=$(grep -c '^numaplace top ' "$tmp/frames.txt")
hwm=$(status_kb "$viewer" VmHWM) rss=$(status_kb "$viewer" VmRSS)
rows=$(awk '/^numaplace top /{ n = 0 } / np-topbench /{ n++ } END { print n }' "$tmp/frames.txt")

echo "top footprint on this host ($(uname -r), $(nproc) CPUs): top -b --interval 1 over $procs servers," \
	"$nthreads threads in all ($mb MB each, readers sleeping $sleep_ms ms), measured over $seconds s"
echo "  frames in the window: $((f1 - f0)); rows in the last frame: $rows"
awk -v c=$((c1 - c0)) -v hz="$hz" -v t0="$t0" -v t1="$t1" -v hwm="$hwm" -v rss="$rss" 'BEGIN {
		span = t1 - t0
		printf "  top CPU: %.2f%% of one core (%.2f s of CPU in %.1f s)   target <= 2%%\n",
			100 * c / hz / span, c / hz, span
		printf "  top peak RSS (VmHWM): %.1f MB (VmRSS now %.1f MB)   target <= 32 MB\n", hwm / 1024, rss / 1024
	}'
grep -E 'warning|error' "$tmp/top.err" | head -n 3 | sed 's/^/  top said: /'
exit 0
