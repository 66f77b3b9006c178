# Helpers of the engine-shaped scenarios (busybox sh, after lib/place.sh and lib/run.sh):
# model files, and the figures the closing note of issue 12 asks for per shape (time from the
# server's start until it is placed, memory moved), printed as "RESULT: ..." lines (run.sh
# shows them with the PASS and FAIL lines).

# model_file PATH MB NODE: a model file in tmpfs (the guest has no disk: its page cache), its
# pages on NODE, as a file read by a process on NODE leaves them
model_file() {
	rm -f "$1"
	numactl --membind="$3" dd if=/dev/zero of="$1" bs=1M count="$2" 2>/dev/null
}

# rss_mb PID: its resident memory (MB)
rss_mb() { awk '/^VmRSS/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }

# moved_mb PID: what the agent moved for PID so far, placement and follow-ups (MB, from its
# numaplace_process_pages_moved_total; 4 KiB pages)
moved_mb() {
	awk -v p="$(metric numaplace_process_pages_moved_total "pid=\"$1\"")" \
		'BEGIN { printf "%.0f\n", p * 4 / 1024 }'
}

# placed_at PID: the uptime of the agent's "placed pid PID" line (empty: not placed); the line
# is written once the placement (memory included) is done
placed_at() { log_time "placed pid $1 \("; }

# since A B: B - A seconds, two decimals ("never" when B is empty)
since() { if [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", b - a }'; else echo never; fi; }

# result SHAPE PID START [READY]: one line of figures for the closing note: seconds from START
# (the server's start, an uptime) and from READY (loaded) to the placed line, MB moved of MB
# resident, the share of its pages on each node
result() {
	_at=$(placed_at "$2")
	echo "RESULT: $1 (pid $2): placed $(since "$3" "$_at") s after its start${4:+, $(since "$4" "$_at") s after it had loaded}; moved $(moved_mb "$2") MB of $(rss_mb "$2") MB resident; pages on node 0/1: $(share_on "$2" 0)/$(share_on "$2" 1)"
}

# shared_conflicts: the agent's count of shared files whose sharers went to different nodes
shared_conflicts() {
	_c=$(metric numaplace_shared_file_conflicts)
	[ -n "$_c" ] || _c=$(metric numaplace_shared_file_conflicts_total)
	echo "${_c:-0}"
}
