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
	awk -v p="$(proc_metric numaplace_process_pages_moved_total "$1")" \
		'BEGIN { printf "%.0f\n", p * 4 / 1024 }'
}

# placed_at PID: the uptime of the agent's "placed pid PID" line (empty: not placed); the line
# is written once the placement is done, its memory moved
placed_at() { log_time "placed pid $1 \("; }

# found_at PID: the uptime of the agent's "managing pid PID" line
found_at() { log_time "managing pid $1 \("; }

# move_s PID: how long its placement's memory move took, as the placed line says
move_s() { sed -n "s/.*placed pid $1 .* moved in \([0-9.]*\) s.*/\1/p" "$agent_log" | head -n 1; }

# decided_at PID: when the placement started (its placed line less its move)
decided_at() {
	_p=$(placed_at "$1")
	[ -n "$_p" ] && awk -v p="$_p" -v m="$(move_s "$1")" 'BEGIN { printf "%.2f\n", p - m }'
}

# decided_within PID LOADED BOUND: its placement started at most BOUND s after LOADED (an uptime)
decided_within() { [ -n "$(decided_at "$1")" ] && le "$(since "$2" "$(decided_at "$1")")" "$3"; }

# decision_bound [OTHER-PID]: how long after loading a placement may start: found (it holds
# min_rss_mb) at the latest an interval after loading, then sustain (3) intervals measured, an
# interval's slack, and 2 s of the agent's own work under TCG beside busy readers; plus the
# memory move of OTHER-PID when the agent placed that one first (one placement at a time)
decision_bound() {
	awk -v i="$interval" -v s="$slack" -v m="$([ -n "${1:-}" ] && move_s "$1")" \
		'BEGIN { print 4 * i + s + 2 + m }'
}

# since A B: B - A seconds, two decimals ("never" when B is empty)
since() { if [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", b - a }'; else echo never; fi; }

# result SHAPE PID START READY: one line of figures for the closing note: seconds from START
# (the server's start, an uptime) to the placed line (memory moved), and from READY (loaded)
# to the agent finding it, deciding and having placed it; MB moved of MB resident (placement
# and follow-ups), the move's time, the share of its pages on each node
result() {
	echo "RESULT: $1 (pid $2): placed $(since "$3" "$(placed_at "$2")") s after its start;" \
		"after loading: found $(since "$4" "$(found_at "$2")") s, placing from" \
		"$(since "$4" "$(decided_at "$2")") s, placed $(since "$4" "$(placed_at "$2")") s;" \
		"moved $(moved_mb "$2") MB of $(rss_mb "$2") MB resident (move $(move_s "$2") s);" \
		"pages on node 0/1: $(share_on "$2" 0)/$(share_on "$2" 1)"
}

# part_log: the agent's log so far when this part of the scenario failed a check (call
# part_start first)
part_start() { part_failed=$NP_FAILED; }
part_log() { [ "$NP_FAILED" -eq "$part_failed" ] || show_log "${1:-25}"; }

# shared_conflicts: the agent's count of shared files whose sharers went to different nodes
shared_conflicts() {
	_c=$(metric numaplace_shared_file_conflicts)
	[ -n "$_c" ] || _c=$(metric numaplace_shared_file_conflicts_total)
	echo "${_c:-0}"
}
