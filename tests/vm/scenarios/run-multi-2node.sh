# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 --dev-node 0,1 --timeout 240
# `numaplace run` with several servers and no node in the configuration (one match section,
# the model decides), a stand-in GPU on each node:
#  A. Two servers, each holding the GPU of the other node open (/dev/dri/cardN) and started
#     with memory and threads on the wrong node: each ends on its GPU's node (threads,
#     >= 95% of the pages), each placed once.
#  B. Two CPU-only servers, memory on node 0, threads free, each keeping two CPUs busy: they
#     do not fit together on node 0's two CPUs, so they are spread, one per node (memory;
#     the one moved is pinned to its node, the other may stay unpinned, its reads local).
# Then SIGTERM: exit 0, every thread back to its old CPUs, IRQs and settings as before.
. /np/lib.sh
. /np/lib/place.sh
. /np/lib/run.sh

cpus0=$(node_cpus 0) cpus1=$(node_cpus 1) all_cpus=$(cat /sys/devices/system/cpu/online)
card0=$(card_on_node 0) card1=$(card_on_node 1)
gpu0=$(bdf_of_card "$card0") gpu1=$(bdf_of_card "$card1")
check_eq "the guest has two stand-in GPUs" \
	"$(numaplace topo --json | jq -c '[.devices[] | select(.kind == "accelerator") | .node] | sort')" "[0,1]"
check "a DRM card on each node ($card0 $gpu0 on 0, $card1 $gpu1 on 1)" test -n "$card0" -a -n "$card1"
echo 0 >/proc/sys/kernel/numa_balancing # the agent's work alone moves pages
interval=1

cat >/tmp/run.conf <<EOF
[global]
interval = $interval
metrics_file = $metrics

[match servers]
comm = ^np-stream\$
min_rss_mb = 32
sustain = 1
min_move_interval = 5
EOF

# node_of_threads PID: the node whose CPUs every thread of PID is pinned to (empty: none)
node_of_threads() {
	if all_threads_on "$1" "$cpus0"; then echo 0; elif all_threads_on "$1" "$cpus1"; then echo 1; fi
}
both_on() { [ "$(node_of_threads "$1")" = "$2" ] && [ "$(node_of_threads "$3")" = "$4" ]; }
both_somewhere() { [ -n "$(node_of_threads "$1")" ] && [ -n "$(node_of_threads "$2")" ]; }

# launch NAME NUMACTL-ARGS... -- NP-STREAM-ARGS: start one server in the background; its pid
# in $launched (the scenario starts two at once, so start_stream's single ready file won't do)
launch() {
	_name=$1
	shift
	rm -f "/tmp/ready.$_name"
	numactl "$@" --ready "/tmp/ready.$_name" >"/tmp/$_name.log" 2>&1 &
	launched=$!
}

before=$(snapshot)
start_agent --config /tmp/run.conf

# A. two servers, two GPUs
launch a --preferred=0 --cpunodebind=0 np-stream --mb 64 --threads 2 --seconds 600 --open "$card1"
a=$launched
launch b --preferred=1 --cpunodebind=1 np-stream --mb 64 --threads 2 --seconds 600 --open "$card0"
b=$launched
wait_for /tmp/ready.a 600 || fail "server a did not start: $(cat /tmp/a.log)"
wait_for /tmp/ready.b 600 || fail "server b did not start: $(cat /tmp/b.log)"
wait_until 200 both_on "$a" 1 "$b" 0
echo "A: both placed ${waited}s after both were ready"
check "A: server a (GPU on node 1, started on node 0): every thread on node 1's CPUs" all_threads_on "$a" "$cpus1"
check "A: server b (GPU on node 0, started on node 1): every thread on node 0's CPUs" all_threads_on "$b" "$cpus0"
wait_until 150 share_at_least "$a" 1 0.95
check "A: server a: >= 95% of its pages on node 1 ($(share_on "$a" 1))" share_at_least "$a" 1 0.95
wait_until 150 share_at_least "$b" 0 0.95
check "A: server b: >= 95% of its pages on node 0 ($(share_on "$b" 0))" share_at_least "$b" 0 0.95
check "A: server a's placement names its GPU's node" \
	grep -q "placed pid $a (np-stream) on node 1: .*accelerator is on node 1" "$agent_log"
check "A: server b's placement names its GPU's node" \
	grep -q "placed pid $b (np-stream) on node 0: .*accelerator is on node 0" "$agent_log"
# the file is rewritten at the end of each interval: give it two
wait_until 25 proc_metric_is numaplace_process_target_node "$a" 1
check_eq "A: metrics: server a's target node" "$(proc_metric numaplace_process_target_node "$a")" 1
wait_until 25 proc_metric_is numaplace_process_target_node "$b" 0
check_eq "A: metrics: server b's target node" "$(proc_metric numaplace_process_target_node "$b")" 0
check_eq "A: metrics: two managed processes" "$(metric numaplace_managed_processes)" 2
sleep 3 # a few more intervals: nothing moves back
check "A: server a still on node 1 a few intervals later" all_threads_on "$a" "$cpus1"
check "A: server b still on node 0 a few intervals later" all_threads_on "$b" "$cpus0"
check_eq "A: each placed once" "$(log_count "placed pid ($a|$b) \(")" 2
kill "$a" "$b"
wait "$a" "$b" 2>/dev/null
both_exited() { wait_log "pid $a \(np-stream\) exited" 30 && wait_log "pid $b \(np-stream\) exited" 30; }
check "A: the agent noticed both exits" both_exited
[ "$NP_FAILED" -eq 0 ] || show_log 30

# B. two CPU-only servers that do not fit together on node 0
launch c --preferred=0 np-stream --mb 64 --threads 2 --seconds 600
c=$launched
launch d --preferred=0 np-stream --mb 64 --threads 2 --seconds 600
d=$launched
wait_for /tmp/ready.c 600 || fail "server c did not start: $(cat /tmp/c.log)"
wait_for /tmp/ready.d 600 || fail "server d did not start: $(cat /tmp/d.log)"
# Spread means each ends with its memory on its own node; the one moved is pinned there, the
# one left where its memory is may stay unpinned (its reads are local once the other is gone:
# below the threshold, nothing to place).
# mem_node PID: the node holding >= 95% of its pages (empty: none)
mem_node() {
	if share_at_least "$1" 0 0.95; then echo 0; elif share_at_least "$1" 1 0.95; then echo 1; fi
}
spread() {
	_mc=$(mem_node "$c") _md=$(mem_node "$d")
	[ -n "$_mc" ] && [ -n "$_md" ] && [ "$_mc" != "$_md" ]
}
# (busy CPUs are guest CPU time: on a loaded host the vCPUs run less and the two may look
# like they fit for a while, hence a minute)
wait_until 600 spread
mem_c=$(mem_node "$c") mem_d=$(mem_node "$d")
node_c=$(node_of_threads "$c") node_d=$(node_of_threads "$d")
echo "B: ${waited}s after both were ready: server c memory on node ${mem_c:-both}, threads pinned to ${node_c:-none};" \
	"server d memory on node ${mem_d:-both}, threads pinned to ${node_d:-none}"
check "B: spread: their memory one per node (c on ${mem_c:-both}, d on ${mem_d:-both})" spread
check "B: one of them placed (pinned) on the other node" test -n "$node_c$node_d"
check "B: server c pinned, if at all, to its memory's node" test -z "$node_c" -o "$node_c" = "$mem_c"
check "B: server d pinned, if at all, to its memory's node" test -z "$node_d" -o "$node_d" = "$mem_d"
check "B: the log says why (spread, or a node that does not fit it)" \
	grep -q -E "placed pid ($c|$d) \(np-stream\) on node [01]: .*(spread|does not fit)" "$agent_log"
grep -E "(placed|managing) pid ($c|$d) " "$agent_log.t" | sed 's/^/    B: agent: /'
sleep 3
check "B: still spread a few intervals later, the same pinning" eval \
	'spread && [ "$(node_of_threads "$c")" = "$node_c" ] && [ "$(node_of_threads "$d")" = "$node_d" ]'
check_eq "B: each placed at most once" "$(log_count "placed pid ($c|$d) \(")" "$(echo "$node_c$node_d" | wc -c | awk '{ print $1 - 1 }')"

stop_agent TERM
check_eq "SIGTERM: exit code 0" "$agent_rc" 0
check_eq "SIGTERM: IRQ masks and settings as before" "$(snapshot)" "$before"
check "SIGTERM: server c's threads free again ($all_cpus)" all_threads_on "$c" "$all_cpus"
check "SIGTERM: server d's threads free again ($all_cpus)" all_threads_on "$d" "$all_cpus"
[ "$NP_FAILED" -eq 0 ] || show_log 30
kill "$c" "$d"
wait "$c" "$d" 2>/dev/null

finish
