# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 --dev-node 0,1 --timeout 300
# A vLLM-shaped server with tensor parallelism 2 (tests/workload/np-vllm.c), placed by
# `numaplace run --match VLLM::Worker` with the defaults (sustain 3, min_rss_mb 256; interval 1
# as in run-2node C): a parent and two workers titled "VLLM::Worker_TP0"/"_TP1" (comm
# "VLLM::Worker_TP", 15 characters), each holding both stand-in GPUs' device files open and
# using one, which only the NVML double says (tests/nvml/, its state written here; numaplace
# loads it by its soname through LD_LIBRARY_PATH=/opt/np-nvml). Each worker starts on its GPU's
# other node with 288 MB of weights, 32 MB of them pinned long-term (io_uring registered
# buffers, as CUDA pins host memory). Expected: each worker on its GPU's node (threads and the
# movable memory), the pinned pages counted as pinned and not as failures, the parent left
# alone, each worker placed once; SIGTERM puts the threads back.
. /np/lib.sh
. /np/lib/place.sh
. /np/lib/run.sh
. /np/lib/engine.sh

interval=1
slack=1.5
mb=288 pin_mb=32
card0=$(card_on_node 0) card1=$(card_on_node 1)
cpus0=$(node_cpus 0) cpus1=$(node_cpus 1)
all_cpus=$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status)
check "setup: a stand-in GPU on each node (${card0:-none}, ${card1:-none})" test -n "$card0" -a -n "$card1"
check "setup: the NVML test double is in the guest (/opt/np-nvml)" test -f /opt/np-nvml/libnvidia-ml.so.1

# NVML's view. Its indices follow the PCI order; bus IDs as NVML writes them (8-digit domain,
# upper case). GPU "a" is node 0's card, "b" node 1's. Each worker holds 2 GiB on its own GPU;
# TP1 also has a 256 MiB context on GPU 0, as the CUDA driver keeps one there: its GPU is the
# one where it holds most.
bdf0=$(bdf_of_card "$card0") bdf1=$(bdf_of_card "$card1")
nvml_bus() { echo "0000$1" | tr a-f A-F; }
if [ "$(printf '%s\n' "$bdf0" "$bdf1" | sort | head -n 1)" = "$bdf0" ]; then
	idx0=0 idx1=1
else
	idx0=1 idx1=0
fi
state=/tmp/nvml.state
write_state() {
	{
		echo "# written by engine-vllm-2node.sh"
		echo "gpu $idx0 $(nvml_bus "$bdf0") GPU-0a0a0a0a-0000-4000-8000-000000000000 NP stand-in A"
		echo "gpu $idx1 $(nvml_bus "$bdf1") GPU-0b0b0b0b-0000-4000-8000-000000000001 NP stand-in B"
		echo "proc $idx0 $tp0 2147483648 compute"
		echo "proc $idx1 $tp1 2147483648 compute"
		echo "proc 0 $tp1 268435456 compute"
	} >$state.tmp && mv $state.tmp $state
}

before=$(snapshot)
export LD_LIBRARY_PATH=/opt/np-nvml NP_TEST_NVML_STATE=$state
start_agent --match 'VLLM::Worker' --interval $interval --metrics-file $metrics
unset LD_LIBRARY_PATH NP_TEST_NVML_STATE

rm -f /tmp/vllm.pids /tmp/vllm.go /tmp/vllm.ready
start=$(uptime_s)
np-vllm --mb $mb --pin-mb $pin_mb --devices "$card0,$card1" --worker-nodes 1,0 --threads 2 \
	--seconds 600 --pids /tmp/vllm.pids --go /tmp/vllm.go --ready /tmp/vllm.ready >/tmp/vllm.log 2>&1 &
server=$!
wait_for /tmp/vllm.pids 100
tp0=$(awk '$1 == "TP0" { print $2 }' /tmp/vllm.pids)
tp1=$(awk '$1 == "TP1" { print $2 }' /tmp/vllm.pids)
write_state
: >/tmp/vllm.go
wait_for /tmp/vllm.ready 600 || fail "np-vllm did not load: $(cat /tmp/vllm.log)"
ready=$(uptime_s)
check_eq "setup: the workers' comm is the title cut to 15 characters" \
	"$(cat /proc/$tp0/comm) $(cat /proc/$tp1/comm)" "VLLM::Worker_TP VLLM::Worker_TP"
check "setup: TP0 ($tp0) starts on node 1, away from its GPU" main_on "$tp0" "$cpus1"
check "setup: TP1 ($tp1) starts on node 0, away from its GPU" main_on "$tp1" "$cpus0"
check "setup: each worker holds both GPUs open" \
	test "$(ls -l /proc/$tp0/fd /proc/$tp1/fd | grep -c /dev/dri/card)" -eq 4
check "setup: $pin_mb MB of each worker pinned (VmPin $(awk '/^VmPin/ { print $2 }' /proc/$tp0/status) kB)" \
	test "$(awk '/^VmPin/ { print int($2 / 1024) }' /proc/$tp0/status)" -ge $pin_mb

# Placed: each worker on its GPU's node. Bound: found once it holds min_rss_mb, then sustain
# (3) intervals of measurement, one placement after the other (memory at the rate budget).
wait_until 400 eval 'main_on "$tp0" "$cpus0" && main_on "$tp1" "$cpus1"'
wait_log "placed pid $tp1 \(" 100
wait_log "placed pid $tp0 \(" 100
check "TP0 managed under its 15-character comm" \
	grep -q "managing pid $tp0 (VLLM::Worker_TP) \[match cli\]" "$agent_log"
check "TP1 managed under its 15-character comm" \
	grep -q "managing pid $tp1 (VLLM::Worker_TP) \[match cli\]" "$agent_log"
check "TP0 placed on node 0, its GPU's (NVML), not on its memory's" \
	grep -q "placed pid $tp0 (VLLM::Worker_TP) on node 0" "$agent_log"
check "TP1 placed on node 1, its GPU's (NVML)" \
	grep -q "placed pid $tp1 (VLLM::Worker_TP) on node 1" "$agent_log"
check "the log names NVML as the source of TP0's GPU" grep -q -E "pid $tp0 .*nvml" "$agent_log"
check "TP0: placing started within $(decision_bound "$tp1") s of loading ($(since "$ready" "$(decided_at "$tp0")") s)" \
	decided_within "$tp0" "$ready" "$(decision_bound "$tp1")"
check "TP1: placing started within $(decision_bound "$tp0") s of loading ($(since "$ready" "$(decided_at "$tp1")") s)" \
	decided_within "$tp1" "$ready" "$(decision_bound "$tp0")"
check "TP0: every thread on node 0's CPUs" all_threads_on "$tp0" "$cpus0"
check "TP1: every thread on node 1's CPUs" all_threads_on "$tp1" "$cpus1"
# The pinned 32 MB of 288 stay where they are (move_pages: EBUSY); the rest moves: >= 80% on
# the GPU's node, and not all of it (the pin holds: the test bed itself is sound).
wait_until 200 eval 'share_at_least "$tp0" 0 0.80 && share_at_least "$tp1" 1 0.80'
check "TP0: >= 80% of its pages on node 0 ($(share_on "$tp0" 0))" share_at_least "$tp0" 0 0.80
check "TP1: >= 80% of its pages on node 1 ($(share_on "$tp1" 1))" share_at_least "$tp1" 1 0.80
check "TP0: its pinned pages stayed on node 1 ($(share_on "$tp0" 1) there)" share_at_least "$tp0" 1 0.05
pinned0=$(sed -n "s/.*pid $tp0 (VLLM::Worker_TP): memory: \([0-9.]*\) MB pinned long-term.*/\1/p" "$agent_log" | head -n 1)
check "the log counts TP0's pinned pages as pinned (${pinned0:-no line} MB of $pin_mb)" \
	in_range "${pinned0:-}" $((pin_mb - 4)) $((pin_mb + 4))
check_eq "the pinned pages are not failures (numaplace_actions_failed_total)" \
	"$(metric numaplace_actions_failed_total)" 0
check "the parent ($server) is not managed" sh -c "! grep -q 'managing pid $server ' $agent_log"
check "the parent's CPUs are untouched ($all_cpus)" main_on "$server" "$all_cpus"
result vllm-TP0 "$tp0" "$start" "$ready"
result vllm-TP1 "$tp1" "$start" "$ready"
# no second placement, no ping-pong: 5 more intervals
sleep $((5 * interval))
check_eq "TP0 placed once" "$(log_count "placed pid $tp0 \(")" 1
check_eq "TP1 placed once" "$(log_count "placed pid $tp1 \(")" 1
check "the agent still runs" agent_alive
stop_agent TERM
check_eq "SIGTERM: exit code 0" "$agent_rc" 0
check_eq "SIGTERM: settings and IRQ masks as before" "$(snapshot)" "$before"
sleep 0.3
check "SIGTERM: TP0's threads back on node 1's CPUs" all_threads_on "$tp0" "$cpus1"
check "SIGTERM: TP1's threads back on node 0's CPUs" all_threads_on "$tp1" "$cpus0"
[ "$NP_FAILED" -eq 0 ] || show_log 30
kill "$server" 2>/dev/null
wait "$server" 2>/dev/null

finish
