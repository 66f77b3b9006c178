# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 --dev-node 0,1 --timeout 300
# llama.cpp-shaped servers (tests/workload/np-llama.c: a thread per CPU, the model mapped shared
# and read-only as llama-server's default mmap, a stand-in GPU open) placed by `numaplace run
# --match np-llama` with the defaults (sustain 3, min_rss_mb 256; interval 1 as in run-2node C).
# The 288 MB model is page cache written on node 0.
#  A. One server on node 0 using node 1's GPU: placed on node 1, the model's pages with it.
#  B. Two replicas mapping the same model, both on node 0, both using node 1's GPU: both go to
#     node 1, and so do the pages they share (every sharer on one node: MPOL_MF_MOVE_ALL).
#  C. Two replicas, one using each GPU, each starting on the other node: they go to different
#     nodes; the shared pages stay where they are (no ping-pong), and run says which servers
#     share which file on which nodes (log and numaplace_shared_file_conflicts).
. /np/lib.sh
. /np/lib/place.sh
. /np/lib/run.sh
. /np/lib/engine.sh

interval=1
slack=1.5
model=/tmp/model.gguf
card0=$(card_on_node 0) card1=$(card_on_node 1)
# Replicas read with one thread each: moving pages two processes map (MOVE_ALL) while both read
# them hard is slow under TCG in the kernel itself (migratepages of the 288 MB with two readers
# in each replica had not ended after 190 s in this guest)
rthreads=1
cpus0=$(node_cpus 0) cpus1=$(node_cpus 1)
ncpus=$(grep -c ^processor /proc/cpuinfo)
check "setup: a stand-in GPU on each node (${card0:-none}, ${card1:-none})" test -n "$card0" -a -n "$card1"

# launch NAME NODE CARD [THREADS]: a server on NODE (CPUs, new memory) using CARD; its pid in
# $NAME, its start in ${NAME}_start. loaded NAME: wait until it has loaded, ${NAME}_ready then.
# (Replicas are launched together, so that both map the model before either is placed.)
launch() {
	rm -f /tmp/$1.ready
	eval "${1}_start=$(uptime_s)"
	numactl --cpunodebind=$2 --preferred=$2 np-llama --model $model --devices "$3" \
		${4:+--threads $4} --seconds 600 --ready /tmp/$1.ready >/tmp/$1.log 2>&1 &
	eval "$1=$!"
}
loaded() {
	wait_for /tmp/$1.ready 600 || fail "$1 did not load: $(cat /tmp/$1.log)"
	eval "${1}_ready=$(uptime_s)"
}
stop_llama() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
# A. one server, a thread per CPU
model_file $model 288 0
part_start
start_agent --match np-llama --interval $interval --metrics-file $metrics
launch solo 0 "$card1"
loaded solo
check_eq "A: a thread per CPU" "$(ls /proc/$solo/task | wc -l)" "$ncpus"
wait_until 300 main_on "$solo" "$cpus1"
wait_log "placed pid $solo \(" 100
check "A: placed on node 1, its GPU's" grep -q "placed pid $solo (np-llama) on node 1" "$agent_log"
check "A: placing started within $(decision_bound) s of loading ($(since "$solo_ready" "$(decided_at "$solo")") s)" \
	decided_within "$solo" "$solo_ready" "$(decision_bound)"
check "A: every thread on node 1's CPUs" all_threads_on "$solo" "$cpus1"
wait_until 200 share_at_least "$solo" 1 0.95
check "A: >= 95% of its pages on node 1, the mapped model's too ($(file_share_on "$solo" 1))" \
	share_at_least "$solo" 1 0.95
result "llama.cpp (one server)" "$solo" "$solo_start" "$solo_ready"
part_log
stop_agent TERM
check_eq "A: SIGTERM: exit code 0" "$agent_rc" 0
stop_llama "$solo"

# B. two replicas on one file, both headed to node 1
model_file $model 288 0
part_start
start_agent --match np-llama --interval $interval --metrics-file $metrics
launch ra 0 "$card1" $rthreads
launch rb 0 "$card1" $rthreads
loaded ra
loaded rb
wait_until 400 eval 'main_on "$ra" "$cpus1" && main_on "$rb" "$cpus1"'
# the placed line comes once the memory moved: the shared model's pages, mapped by two busy
# readers, move slowly (README: the cost of moving a model busy servers share)
wait_log "placed pid $ra \(" 600
wait_log "placed pid $rb \(" 600
check "B: replica 1 placed on node 1" grep -q "placed pid $ra (np-llama) on node 1" "$agent_log"
check "B: replica 2 placed on node 1" grep -q "placed pid $rb (np-llama) on node 1" "$agent_log"
check "B: replica 1: placing started within $(decision_bound "$rb") s of loading ($(since "$ra_ready" "$(decided_at "$ra")") s)" \
	decided_within "$ra" "$ra_ready" "$(decision_bound "$rb")"
check "B: replica 2: placing started within $(decision_bound "$ra") s of loading ($(since "$rb_ready" "$(decided_at "$rb")") s)" \
	decided_within "$rb" "$rb_ready" "$(decision_bound "$ra")"
# the pages both map: moved too, once both go to node 1
wait_until 200 eval 'share_at_least "$ra" 1 0.9 && share_at_least "$rb" 1 0.9'
check "B: the shared model moved to node 1 (replica 1: $(file_share_on "$ra" 1), replica 2: $(file_share_on "$rb" 1))" \
	eval 'share_at_least "$ra" 1 0.9 && share_at_least "$rb" 1 0.9'
result "llama.cpp replica 1 of 2, same node" "$ra" "$ra_start" "$ra_ready"
result "llama.cpp replica 2 of 2, same node" "$rb" "$rb_start" "$rb_ready"
check_eq "B: no conflict counted" "$(shared_conflicts)" 0
part_log
stop_agent TERM
check_eq "B: SIGTERM: exit code 0" "$agent_rc" 0
stop_llama "$ra"
stop_llama "$rb"

# C. two replicas on one file, one per GPU, each starting on the other node
model_file $model 288 0
part_start
start_agent --match np-llama --interval $interval --metrics-file $metrics
launch rx 1 "$card0" $rthreads
launch ry 0 "$card1" $rthreads
loaded rx
loaded ry
wait_until 400 eval 'main_on "$rx" "$cpus0" && main_on "$ry" "$cpus1"'
wait_log "placed pid $rx \(" 100
wait_log "placed pid $ry \(" 100
check "C: the replica using node 0's GPU placed on node 0" \
	grep -q "placed pid $rx (np-llama) on node 0" "$agent_log"
check "C: the replica using node 1's GPU placed on node 1" \
	grep -q "placed pid $ry (np-llama) on node 1" "$agent_log"
check "C: replica 1: placing started within $(decision_bound "$ry") s of loading ($(since "$rx_ready" "$(decided_at "$rx")") s)" \
	decided_within "$rx" "$rx_ready" "$(decision_bound "$ry")"
check "C: replica 2: placing started within $(decision_bound "$rx") s of loading ($(since "$ry_ready" "$(decided_at "$ry")") s)" \
	decided_within "$ry" "$ry_ready" "$(decision_bound "$rx")"
wait_log "$model" 100
check "C: the log names the shared model and both servers" \
	sh -c "grep -F '$model' '$agent_log' | grep 'pid $rx ' | grep -q 'pid $ry '"
check "C: the log says what fixes it (a copy per node, or no mmap)" \
	grep -q -E "copy.*per node|no-mmap|--no-mmap" "$agent_log"
wait_until 50 eval 'test "$(shared_conflicts)" -ge 1'
check "C: numaplace_shared_file_conflicts counts it ($(shared_conflicts))" test "$(shared_conflicts)" -ge 1
# no ping-pong: where the shared pages are does not change over 8 more intervals
first=$(file_share_on "$rx" 0)
sleep $((8 * interval))
check "C: the shared pages stay put (on node 0: $first, then $(file_share_on "$rx" 0))" \
	in_range "$(file_share_on "$rx" 0)" "$(awk -v f="$first" 'BEGIN { print f - 0.02 }')" "$(awk -v f="$first" 'BEGIN { print f + 0.02 }')"
check_eq "C: each replica placed once" "$(log_count "placed pid ")" 2
result "llama.cpp replica 1 of 2, other node" "$rx" "$rx_start" "$rx_ready"
result "llama.cpp replica 2 of 2, other node" "$ry" "$ry_start" "$ry_ready"
check "the agent still runs" agent_alive
part_log
stop_agent TERM
check_eq "C: SIGTERM: exit code 0" "$agent_rc" 0
stop_llama "$rx"
stop_llama "$ry"

finish
