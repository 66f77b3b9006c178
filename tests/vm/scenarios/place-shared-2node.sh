# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 --dev-node 1 --timeout 400
# Two processes mapping one file (two llama.cpp servers sharing a model): its pages move with a
# placement only when both are on the target node (MPOL_MF_MOVE_ALL); when they are headed to
# different nodes, place says so (the conflict and its fix) and leaves the pages where they are,
# so they do not go back and forth.
. /np/lib.sh
. /np/lib/place.sh

echo 0 >/proc/sys/kernel/numa_balancing # AutoNUMA must not move pages behind the test's back
field() { jq -r "$1" /tmp/place.json; }
place() { numaplace place --sample 0 --json "$@" >/tmp/place.json 2>/tmp/place.err; }

mkdir -p /weights && mount -t tmpfs -o size=300m weights /weights
# A fills the file on node 0; B maps it too; both bound to node 0's CPUs
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 128 --threads 1 --seconds 600 --file /weights/model.gguf
a=$pid
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 128 --threads 1 --seconds 600 --file /weights/model.gguf
b=$pid
check "both map the file, on node 0" in_range "$(file_share_on $a 0)" 0.95 1

# C1: A to node 1 while B stays on node 0: a conflict, the shared pages stay
numaplace place --pid "$a" --node 1 --sample 0 --dry-run >/tmp/dry.txt 2>&1
cat /tmp/dry.txt
check "C1: the plan names the sharer and the fix" grep_joined "shares /weights/model.gguf (128 MB) with pid $b (np-stream) on node 0: its pages stay.*--no-mmap" /tmp/dry.txt
# --force: most of its memory stays off node 1, which place declines without it (issue 14)
place --pid "$a" --node 1 --force
check_eq "C1: place exit code" "$?" 0
check_eq "C1: conflict" "$(field '.plan.shared_files[0].conflict')" true
check_eq "C1: the sharer" "$(field '.plan.shared_files[0].sharers[0] | "\(.pid) \(.node)"')" "$b 0"
check "C1: the file's pages stay on node 0 ($(file_share_on $a 0))" in_range "$(file_share_on $a 0)" 0.95 1
shared=$(field .result.memory.pages_shared)
check "C1: counted as shared ($shared pages)" test "$shared" -ge 30000

# S1: B to node 1 too: every process mapping the file is there, its pages move along
place --pid "$b" --node 1
check_eq "S1: place exit code" "$?" 0
check_eq "S1: no conflict" "$(field '.plan.shared_files[0].conflict')" false
check_eq "S1: the sharer is A on node 1" "$(field '.plan.shared_files[0].sharers[0] | "\(.pid) \(.node)"')" "$a 1"
check "S1: the file's pages on node 1 ($(file_share_on $b 1))" in_range "$(file_share_on $b 1)" 0.95 1
check "S1: ... for A too ($(file_share_on $a 1))" in_range "$(file_share_on $a 1)" 0.95 1
echo "S1: $(field '.result.memory | "moved \(.pages_moved) of \(.pages_misplaced), shared \(.pages_shared)"')"

# C2: A back to node 0 while B stays on node 1: a conflict again, the pages do not go back
# --force: most of its memory stays off node 0, which place declines without it (issue 14)
place --pid "$a" --node 0 --force
check_eq "C2: place exit code" "$?" 0
check_eq "C2: conflict" "$(field '.plan.shared_files[0].conflict')" true
check "C2: the file's pages stay on node 1 ($(file_share_on $a 1))" in_range "$(file_share_on $a 1)" 0.95 1

numaplace restore >/dev/null
kill "$a" "$b" 2>/dev/null
wait "$a" "$b" 2>/dev/null

# `numaplace run`: the fleet's node of a managed sharer counts
. /np/lib/run.sh
replicas() {
	rm -f /weights/model.gguf
	start_stream --preferred=0 --cpunodebind=0 np-stream --mb 128 --threads 1 --seconds "$1" --file /weights/model.gguf
	a=$pid
	start_stream --preferred=0 --cpunodebind=0 np-stream --mb 128 --threads 1 --seconds "$2" --file /weights/model.gguf
	b=$pid
}
sections() {
	printf '[global]\ninterval = 1\nmetrics_file = %s\n' "$metrics"
	while [ $# -gt 0 ]; do
		printf '[match %s]\ncmdline = %s\nmin_rss_mb = 32\nsustain = 1\nnode = %s\n' "$1" "$2" "$3"
		shift 3
	done
}

# R1: both replicas headed to node 1: the file's pages move along
replicas 601 602
sections both 'seconds 60[12]' 1 >/tmp/run.conf
start_agent --config /tmp/run.conf
check "R1: A placed on node 1" wait_log "placed pid $a \(np-stream\) on node 1" 300
check "R1: B placed on node 1" wait_log "placed pid $b \(np-stream\) on node 1" 300
check "R1: the log says the shared pages move along" \
	grep -q "shares /weights/model.gguf (128 MB) with pid [0-9]* (np-stream) on node 1: every process mapping it is on node 1, its pages move along" "$agent_log"
check "R1: the file's pages on node 1 ($(file_share_on $a 1))" in_range "$(file_share_on $a 1)" 0.95 1
stop_agent
check_eq "R1: the agent ends cleanly" "$agent_rc" 0
show_log 8
kill "$a" "$b" 2>/dev/null
wait "$a" "$b" 2>/dev/null

# R2: one replica per node: a conflict, logged with its fix and counted; the pages stay
replicas 603 604
sections a 'seconds 603' 0 b 'seconds 604' 1 >/tmp/run.conf
start_agent --config /tmp/run.conf
check "R2: B placed on node 1" wait_log "placed pid $b \(np-stream\) on node 1" 300
check "R2: the log names the conflict and its fix" \
	grep -q "pid $b (np-stream) on node 1 shares /weights/model.gguf (128 MB) with pid $a (np-stream) on node 0: its pages stay where they are.*llama.cpp --no-mmap, Ollama use_mmap false" "$agent_log"
sleep 3 # follow-ups come and go: the pages still do not move
check "R2: the file's pages stay on node 0 ($(file_share_on $b 0))" in_range "$(file_share_on $b 0)" 0.95 1
check "R2: the conflict is counted" test "$(metric numaplace_shared_file_conflicts_total)" -ge 1
stop_agent
check_eq "R2: the agent ends cleanly" "$agent_rc" 0
show_log 8
kill "$a" "$b" 2>/dev/null
wait "$a" "$b" 2>/dev/null
umount /weights
finish
