# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 --timeout 400
# Interleave (issue 14): a CPU-only server bigger than one node's free memory.
#  S1. np-stream sized past node 0's free memory, started there (what spills lands on node 1):
#      `place --interleave 0,1` leaves each node holding 40-60% of its pages and every thread
#      on both nodes' CPUs; the JSON says interleave with the shares planned and reached;
#      restore puts the thread masks back (the memory stays).
#  S2. `run` with `placement = auto` (other settings default, sustain 1 for time) does the same
#      for a fresh server, which fits on no single node within the reserve; SIGTERM restores
#      its thread masks.
. /np/lib.sh
. /np/lib/place.sh
. /np/lib/run.sh

echo 0 >/proc/sys/kernel/numa_balancing # AutoNUMA must not move pages behind the test's back
all_cpus=$(cat /sys/devices/system/cpu/online)
free_mb() { awk '/MemFree/ { print int($4 / 1024) }' "/sys/devices/system/node/node$1/meminfo"; }
field() { jq -r "$1" /tmp/place.json; }
# both_in_range PID: each node holds 40-60% of its pages
both_in_range() { in_range "$(share_on "$1" 0)" 0.40 0.60 && in_range "$(share_on "$1" 1)" 0.40 0.60; }

# past node 0's free memory by 160 MB, and well within both nodes' room above their reserves
mb=$(($(free_mb 0) + 160))
echo "free: node 0 $(free_mb 0) MB, node 1 $(free_mb 1) MB; server of $mb MB"

# S1
start_stream --preferred=0 --cpunodebind=0 np-stream --mb "$mb" --threads 2 --seconds 600
echo "S1: before: node 0 $(share_on "$pid" 0), node 1 $(share_on "$pid" 1)"
check "S1: the server did not fit on node 0 ($(share_on "$pid" 1) on node 1)" \
	in_range "$(share_on "$pid" 1)" 0.01 0.40
numaplace place --pid "$pid" --interleave 0,1 --dry-run --sample 0 >/tmp/il.txt 2>&1
check_width "S1: the interleave plan (text)" /tmp/il.txt
cat /tmp/il.txt
before=$(snapshot "$pid")
numaplace place --pid "$pid" --interleave 0,1 --json >/tmp/place.json 2>/tmp/place.err
check_eq "S1: place exit code ($(cat /tmp/place.err))" "$?" 0
check_eq "S1: placement interleave" "$(field .placement)" interleave
check_eq "S1: over nodes 0-1" "$(field .plan.interleave.nodes)" 0-1
jq -c '.plan.interleave.shares, .result.interleave, .result.memory' /tmp/place.json
s0=$(share_on "$pid" 0) s1=$(share_on "$pid" 1)
check "S1: node 0 holds 40-60% of its pages ($s0)" in_range "$s0" 0.40 0.60
check "S1: node 1 holds 40-60% of its pages ($s1)" in_range "$s1" 0.40 0.60
for n in 0 1; do
	planned=$(jq -r ".plan.interleave.shares[] | select(.node == $n) | .share" /tmp/place.json)
	reached=$(jq -r ".result.interleave.shares[] | select(.node == $n) | .share" /tmp/place.json)
	check "S1: node $n reached its planned share ($reached of $planned, within 0.05)" \
		awk -v a="$reached" -v b="$planned" 'BEGIN { d = a - b; exit !(a != "" && d < 0.05 && d > -0.05) }'
done
check "S1: every thread on both nodes' CPUs ($all_cpus)" all_threads_on "$pid" "$all_cpus"
numaplace restore >/tmp/restore.out 2>&1
check_eq "S1: restore exit code" "$?" 0
check_eq "S1: restore puts every thread mask back" "$(snapshot "$pid")" "$before"
check "S1: the memory stays interleaved" both_in_range "$pid"
stop_stream

# S2
cat >/tmp/run.conf <<EOC
[global]
interval = 1
metrics_file = $metrics

[match server]
comm = ^np-stream\$
sustain = 1
placement = auto
EOC
numaplace run --check-config --config /tmp/run.conf >/tmp/effective.conf 2>&1
check "S2: --check-config prints placement = auto" grep -q '^placement = auto$' /tmp/effective.conf
# the server first, loaded: a server still loading fits on one node until it does not
start_stream --preferred=0 --cpunodebind=0 np-stream --mb "$mb" --threads 2 --seconds 600
masks=$(thread_masks "$pid")
start_agent --config /tmp/run.conf
check "S2: logged 'placed pid $pid (np-stream) interleaved over nodes 0-1'" \
	wait_log "placed pid $pid \(np-stream\) interleaved over nodes 0-1: .*fit on no single node" 600
wait_until 300 both_in_range "$pid"
check "S2: each node holds 40-60% of its pages within ${waited}s ($(share_on "$pid" 0), $(share_on "$pid" 1))" \
	both_in_range "$pid"
check "S2: every thread on both nodes' CPUs ($all_cpus)" all_threads_on "$pid" "$all_cpus"
sleep 3
check_eq "S2: placed once" "$(log_count "placed pid $pid ")" 1
show_log 6
stop_agent
check_eq "S2: agent exit code" "$agent_rc" 0
check_eq "S2: SIGTERM puts the thread masks back" "$(thread_masks "$pid")" "$masks"
stop_stream
finish
