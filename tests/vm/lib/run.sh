# Helpers of the `numaplace run` scenarios (busybox sh, after lib/place.sh): start and stop the
# agent, wait for its log lines and its metrics, find threads it should have pinned.
#
# Each scenario writes its configuration with `metrics_file = $metrics`: the agent's first
# metrics file (numaplace_intervals_total >= 1) is the sign that it runs. The agent's stderr
# goes through a FIFO to stamp_log, which keeps it as is in $agent_log and with the guest's
# uptime before each line in $agent_log.t (when the agent said it, within a read: the agent
# writes whole lines to an unbuffered stderr).

agent_log=/tmp/agent.log
metrics=/tmp/np.prom
journal=/run/numaplace/journal

# stamp_log: stdin to $agent_log, and with "UPTIME " before each line to $agent_log.t
# (builtins only: no fork per line)
stamp_log() {
	while IFS= read -r _line; do
		read -r _up _rest </proc/uptime
		echo "$_line" >>"$agent_log"
		echo "$_up $_line" >>"$agent_log.t"
	done
}

# log_time ERE: the uptime of the first log line that matches (empty: none)
log_time() { grep -E -- "$1" "$agent_log.t" | head -n 1 | cut -d' ' -f1; }

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# elapsed SINCE: seconds from the uptime SINCE to now, two decimals
elapsed() { awk -v a="$(uptime_s)" -v b="$1" 'BEGIN { printf "%.2f\n", a - b }'; }

# le A B: A <= B (decimals)
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'; }

# start_agent ARGS...: `numaplace run ARGS` in the background, stderr to $agent_log (stdout to
# $agent_log.out); $agent is its pid. Waits until it completed an interval (its metrics file),
# at most 30 s; fails (with the log's tail) when it exits or stays silent.
start_agent() {
	rm -f "$metrics" "$agent_log" "$agent_log.t" /tmp/agent.fifo
	: >"$agent_log"
	: >"$agent_log.t"
	mkfifo /tmp/agent.fifo
	stamp_log </tmp/agent.fifo &
	stamper=$!
	numaplace run "$@" >"$agent_log.out" 2>/tmp/agent.fifo &
	agent=$!
	_i=0
	while [ $_i -lt 300 ]; do
		[ "$(metric numaplace_intervals_total)" -ge 1 ] 2>/dev/null && return 0
		if ! kill -0 "$agent" 2>/dev/null; then
			wait "$agent"
			fail "agent exited at start (rc $?): $(tail -n 5 "$agent_log" | tr '\n' '|')"
			return 1
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "agent wrote no metrics file with an interval within 30 s: $(tail -n 5 "$agent_log" | tr '\n' '|')"
	return 1
}

# stop_agent [SIGNAL]: send SIGNAL (TERM) and wait up to 60 s; $agent_rc is its exit code
# (-1: it had to be killed).
stop_agent() {
	kill -"${1:-TERM}" "$agent" 2>/dev/null
	_i=0
	while kill -0 "$agent" 2>/dev/null && [ $_i -lt 600 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if kill -0 "$agent" 2>/dev/null; then
		kill -9 "$agent"
		wait "$agent" 2>/dev/null
		agent_rc=-1
	else
		wait "$agent"
		agent_rc=$?
	fi
	wait "$stamper" 2>/dev/null # the log is complete
}

# agent_alive: the agent still runs
agent_alive() { kill -0 "$agent" 2>/dev/null; }

# metric NAME [LABEL-REGEX]: the value of the first sample of NAME whose labels match
metric() {
	awk -v name="$1" -v want="${2:-}" '
		$1 == name || index($1, name "{") == 1 {
			if (want == "" || $1 ~ want) { print $2; exit }
		}' "$metrics" 2>/dev/null
}

# metric_is NAME LABEL-REGEX VALUE: the sample has that value now (for wait_until)
metric_is() { [ "$(metric "$1" "$2")" = "$3" ]; }

# proc_labels PID: the labels of PID's series (match, container, unit, slot: no pid, so they
# outlive a restart), as its numaplace_process_info sample names them
proc_labels() {
	awk -v pid="pid=\"$1\"" 'index($1, "numaplace_process_info{") == 1 && index($1, pid) {
		l = $1; sub(/^[^{]*[{]/, "", l); sub(/,pid=.*/, "", l); print l; exit }' \
		"${2:-$metrics}" 2>/dev/null
}

# proc_metric NAME PID: the value of PID's sample of NAME
proc_metric() {
	_l=$(proc_labels "$2")
	[ -n "$_l" ] && awk -v key="$1{$_l}" '$1 == key { print $2; exit }' "$metrics" 2>/dev/null
}

# proc_metric_is NAME PID VALUE (for wait_until)
proc_metric_is() { [ "$(proc_metric "$1" "$2")" = "$3" ]; }

# wait_log ERE [TENTHS]: wait until a line of the agent's log matches (default 10 s)
wait_log() {
	_i=0
	while ! grep -q -E -- "$1" "$agent_log" && [ $_i -lt "${2:-100}" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep -q -E -- "$1" "$agent_log"
}

# log_count ERE: lines of the agent's log that match
log_count() { grep -c -E -- "$1" "$agent_log"; }

# log_line ERE: number of the first line that matches (empty: none)
log_line() { grep -n -E -- "$1" "$agent_log" | head -n 1 | cut -d: -f1; }

# show_log [LINES]: the log's tail, indented, for a failure's context
show_log() { tail -n "${1:-15}" "$agent_log" | sed 's/^/    agent: /'; }

# wait_until TENTHS COMMAND...: poll COMMAND every 0.1 s until it succeeds or TENTHS tenths of
# a second have passed (by the clock: a slow COMMAND does not stretch the limit); $waited is
# how long it took in seconds (decimals)
wait_until() {
	_limit=$1 _t0=$(uptime_s)
	shift
	while ! "$@"; do
		awk -v a="$(uptime_s)" -v b="$_t0" -v l="$_limit" 'BEGIN { exit !((a - b) * 10 >= l) }' && break
		sleep 0.1
	done
	waited=$(elapsed "$_t0")
	"$@"
}

# mask_counts PID: "COUNT CPULIST" per distinct thread mask (one awk: fast with many threads)
# (through cat: busybox awk stops at a file gone since the glob was expanded, a thread that exited)
mask_counts() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/^Cpus_allowed_list/ { n[$2]++ } END { for (m in n) print n[m], m }'
}

# masks_all PID CPULIST: every thread's mask is CPULIST (mask_counts has one line, CPULIST)
masks_all() { [ "$(mask_counts "$1" | awk '{ print $2 }')" = "$2" ]; }

# main_on PID CPULIST: the main thread's Cpus_allowed_list is CPULIST
main_on() { [ "$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$1/status" 2>/dev/null)" = "$2" ]; }

# share_at_least PID NODE SHARE: at least SHARE of its resident pages are on NODE
share_at_least() { in_range "$(share_on "$1" "$2")" "$3" 1; }

# stray_threads PID CPULIST AGE: the threads not on CPULIST that are at least AGE seconds
# old ("TID:MASK:AGE" each): those a daemon placing new threads within an interval missed
stray_threads() {
	_now=$(uptime_s)
	for _t in /proc/"$1"/task/*; do
		_mask=$(awk '/^Cpus_allowed_list/ { print $2 }' "$_t/status" 2>/dev/null)
		[ -n "$_mask" ] && [ "$_mask" != "$2" ] || continue
		# starttime is field 22 of stat, the 20th after the ") " that ends comm
		_start=$(sed 's/.*) //' "$_t/stat" 2>/dev/null | awk '{ print $20 }')
		[ -n "$_start" ] || continue
		awk -v now="$_now" -v st="$_start" -v age="$3" -v id="${_t##*/}:$_mask" \
			'BEGIN { a = now - st / 100; if (a >= age) printf "%s:%.1fs\n", id, a }'
	done
}

# no_stray_threads PID CPULIST AGE: none (for check)
no_stray_threads() { [ -z "$(stray_threads "$@")" ]; }

# child_of PID: its newest child process (one awk over every /proc/N/stat: busybox has no pgrep)
child_of() {
	awk -v p="$1" '{ sub(/.*\) /, "") } $2 == p { print FILENAME }' /proc/[0-9]*/stat 2>/dev/null |
		sed 's|/proc/\([0-9]*\)/stat|\1|' | sort -n | tail -n 1
}

# born_at PID: its start time as an uptime (seconds)
born_at() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $20 / 100 }'; }

# card_on_node NODE: /dev/dri/cardN of the stand-in GPU on NODE
card_on_node() {
	for _c in /sys/class/drm/card[0-9]*; do
		case ${_c##*/} in *-*) continue ;; esac
		[ "$(cat "$_c/device/numa_node")" = "$1" ] && echo "/dev/dri/${_c##*/}" && return 0
	done
	return 1
}

# bdf_of_card CARD: the PCI address behind /dev/dri/cardN
bdf_of_card() { basename "$(readlink -f "/sys/class/drm/${1##*/}/device")"; }

# journal_lines: records in the journal now (0: none)
journal_lines() {
	if [ -f "$journal" ]; then wc -l <"$journal"; else echo 0; fi
}

# journal_ended: thread and pause records in the journal of processes that have ended (their
# pid gone, or now a process started after the record's thread: one that reused the pid), which
# no restore can act on any more. One look at every /proc/N/stat: "PID STARTTIME" each.
journal_ended() {
	[ -f "$journal" ] || { echo 0; return; }
	cat /proc/[0-9]*/stat 2>/dev/null |
		awk '{ pid = $1; sub(/.*\) /, ""); print pid, $20 }' >/tmp/starts
	awk 'NR == FNR { start[$1] = $2; next }
		/"kind":"(thread_affinity|process_paused)"/ {
			match($0, /"tgid":[0-9]+/); tgid = substr($0, RSTART + 7, RLENGTH - 7)
			match($0, /"start_time":[0-9]+/); st = substr($0, RSTART + 13, RLENGTH - 13)
			if (!(tgid in start) || start[tgid] + 0 > st + 0) n++
		}
		END { print n + 0 }' /tmp/starts "$journal"
}

# journal_ended_threads [FILE]: thread records in the journal (or FILE, a copy) whose thread has
# ended (its tid gone, or now another thread's: start time differs), whatever became of its
# process
journal_ended_threads() {
	_j=${1:-$journal}
	[ -f "$_j" ] || { echo 0; return; }
	cat /proc/[0-9]*/task/[0-9]*/stat 2>/dev/null |
		awk '{ tid = $1; sub(/.*\) /, ""); print tid, $20 }' >/tmp/thread_starts
	awk 'NR == FNR { start[$1] = $2; next }
		/"kind":"thread_affinity"/ {
			match($0, /"id":[0-9]+/); id = substr($0, RSTART + 5, RLENGTH - 5)
			match($0, /"start_time":[0-9]+/); st = substr($0, RSTART + 13, RLENGTH - 13)
			if (!(id in start) || start[id] + 0 != st + 0) n++
		}
		END { print n + 0 }' /tmp/thread_starts "$_j"
}

# no_ended_records: none (for wait_until)
no_ended_records() { [ "$(journal_ended)" -eq 0 ]; }

# journal_dropped: records the agent said it dropped from the journal, in all
journal_dropped() {
	sed -n 's/.*journal: \([0-9]*\) records* of exited processes dropped.*/\1/p' "$agent_log" |
		awk '{ n += $1 } END { print n + 0 }'
}

free_mb() { awk '/MemFree/ { print int($4 / 1024) }' "/sys/devices/system/node/node$1/meminfo"; }
