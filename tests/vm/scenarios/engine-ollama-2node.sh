# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 --dev-node 1 --timeout 300
# An Ollama-shaped server (tests/workload/np-ollama.c) placed by `numaplace run --match ...` with
# the defaults (sustain 3, min_rss_mb 256; interval 1 as in run-2node C). The server starts on
# node 0 and stays small; a request (a file in its directory) starts a runner child that maps
# the 288 MB model (page cache on node 0) and opens the stand-in GPU on node 1; with no request
# for 4 s the server stops it, and the next request starts a new one. The first runner is
# `ollama runner --model ...` shape (the server's own binary again: comm "np-ollama", matched
# by its command line; Ollama's newest releases start llama.cpp's llama-server instead, the
# llama.cpp shape), the second the older "ollama_llama_server" (comm "ollama_llama_se",
# 15 characters; the regex is anchored: the server's own command line names it too).
# Expected: every runner placed on node 1 (the first moves the model's pages, the second finds
# them there already), the server itself never managed, never moved.
. /np/lib.sh
. /np/lib/place.sh
. /np/lib/run.sh
. /np/lib/engine.sh

interval=1
slack=1.5
dir=/tmp/ollama model=/tmp/model.gguf
card=$(card_on_node 1)
cpus0=$(node_cpus 0) cpus1=$(node_cpus 1)
check "setup: the stand-in GPU on node 1 (${card:-none})" test -n "$card"
mkdir -p $dir
model_file $model 288 0

# requests_on / requests_off: a client sending a request a second, or none
requests_on() {
	: >/tmp/ollama.busy
	(while [ -e /tmp/ollama.busy ]; do : >$dir/request.$$; sleep 1; done) &
	client=$!
}
requests_off() {
	rm -f /tmp/ollama.busy
	wait "$client" 2>/dev/null
}
# runner_of GEN: the pid of the runner of generation GEN (empty: none yet)
runner_of() { awk -v g="$1" '$1 == g { print $2 }' $dir/runners 2>/dev/null; }
has_runner() { [ -n "$(runner_of "$1")" ]; }
runner_exited() { grep -q "^exit $1\$" $dir/runners; }

before=$(snapshot)
start_agent --match '^ollama_llama_se|np-ollama runner' --interval $interval --metrics-file $metrics
start=$(uptime_s)
numactl --cpunodebind=0 --preferred=0 np-ollama serve --dir $dir --model $model --devices "$card" \
	--idle-ms 4000 --runner-names runner,ollama_llama_server --threads 2 --seconds 600 \
	>/tmp/ollama.log 2>&1 &
server=$!

# place_runner GEN COMM: a request, the runner of generation GEN, placed on node 1
place_runner() {
	asked=$(uptime_s)
	requests_on
	wait_until 100 has_runner "$1"
	r=$(runner_of "$1")
	check "runner $1 started on request (pid ${r:-none})" test -n "$r"
	wait_for $dir/ready.$r 600
	loaded=$(uptime_s)
	check_eq "runner $1: comm" "$(cat /proc/$r/comm)" "$2"
	check "runner $1: starts on node 0, the server's" all_threads_on "$r" "$cpus0"
	wait_until 300 main_on "$r" "$cpus1"
	wait_log "placed pid $r \(" 100
	check "runner $1: managed under [match cli]" grep -q "managing pid $r ($2) \[match cli\]" "$agent_log"
	check "runner $1: placed on node 1, its GPU's" grep -q "placed pid $r ($2) on node 1" "$agent_log"
	check "runner $1: placing started within $(decision_bound) s of loading ($(since "$loaded" "$(decided_at "$r")") s)" \
		decided_within "$r" "$loaded" "$(decision_bound)"
	check "runner $1: every thread on node 1's CPUs" all_threads_on "$r" "$cpus1"
	wait_until 200 share_at_least "$r" 1 0.9
	check "runner $1: >= 90% of its pages on node 1 ($(share_on "$r" 1))" share_at_least "$r" 1 0.9
	result "ollama-runner-$1 ($2)" "$r" "$asked" "$loaded"
	echo "    (runner $1: started $(since "$asked" "$(born_at "$r")") s after its request)"
}

# unload GEN: no more requests; the server stops the runner after its idle time
unload() {
	requests_off
	wait_until 150 runner_exited "$r"
	check "runner $1: stopped after 4 s without a request (${waited}s)" runner_exited "$r"
	wait_until 50 metric_is numaplace_managed_processes "" 0
	check_eq "runner $1: no longer managed" "$(metric numaplace_managed_processes)" 0
}

place_runner 0 np-ollama
moved0=$(moved_mb "$r")
check "runner 0 moved the model's pages (${moved0} MB)" test "$moved0" -ge 200
unload 0
place_runner 1 ollama_llama_se
unload 1

check "the server ($server) was never managed" sh -c "! grep -q 'managing pid $server ' $agent_log"
check "the server's threads still on node 0's CPUs" all_threads_on "$server" "$cpus0"
check_eq "each runner placed once" "$(log_count "placed pid ")" 2
check "the agent still runs" agent_alive
stop_agent TERM
check_eq "SIGTERM: exit code 0" "$agent_rc" 0
check_eq "SIGTERM: settings and IRQ masks as before" "$(snapshot)" "$before"
[ "$NP_FAILED" -eq 0 ] || show_log 30
kill "$server" 2>/dev/null
wait "$server" 2>/dev/null

finish
