# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 --dev-node 1 --timeout 240
# `numaplace run` under churn, every server bound to node 1 by its section:
#  1. A long-lived server starts a thread every 50 ms that pins itself to node 0 and lives
#     100 ms, for the whole scenario.
#  2. For 25 s, matching servers start and exit one after another (lifetimes 0.7-2.5 s: some
#     exit before they are seen, some while the agent places them). Their journal records go
#     once they have exited: within the compaction's period (10 intervals) the journal holds
#     only records of processes that still run.
#  3. A managed server is killed and, within the interval, a process of another program
#     (np-stream run as np-other: no section matches it) gets its pid (ns_last_pid). The
#     agent must say the old one exited and never touch the new one: its threads stay on
#     node 0's CPUs, its memory on node 0, no placed/follow-up line names the pid again.
#     The dead server's journal records go too, though its pid lives on.
#  4. A server starting a thread every 10 ms (each lives 20 s): some are born while the agent
#     walks the task list to pin them; SIGTERM must give every thread the old mask back.
# Throughout: the agent stays up and logs no error; the long-lived server stays placed.
# Then SIGTERM: exit 0, everything as before.
. /np/lib.sh
. /np/lib/place.sh
. /np/lib/run.sh

cpus0=$(node_cpus 0) cpus1=$(node_cpus 1)
echo 0 >/proc/sys/kernel/numa_balancing
interval=1
ln -sf /usr/bin/np-stream /tmp/np-other # comm "np-other": the same program under a name no section matches

cat >/tmp/run.conf <<EOF
[global]
interval = $interval
metrics_file = $metrics

[match servers]
comm = ^np-stream\$
node = 1
min_rss_mb = 16
min_cpu = 0.3
sustain = 1
min_move_interval = 5
EOF

before=$(snapshot)
start_agent --config /tmp/run.conf

# 1. thread churn
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 48 --threads 2 --seconds 600 \
	--spawn-every 50 --spawn-life 100 --spawn-cpus "$cpus0"
long=$pid
wait_until 100 main_on "$long" "$cpus1"
check "1: the thread-churning server placed on node 1 (${waited}s)" main_on "$long" "$cpus1"

# 2. process churn, in the background
churn() {
	_end=$(($(cut -d. -f1 /proc/uptime) + 25))
	_n=0
	while [ "$(cut -d. -f1 /proc/uptime)" -lt $_end ]; do
		case $((_n % 3)) in 0) _life=0.7 ;; 1) _life=1.5 ;; *) _life=2.5 ;; esac
		numactl --preferred=0 --cpunodebind=0 np-stream --mb 24 --threads 2 --seconds $_life >/dev/null 2>&1
		_n=$((_n + 1))
	done
	echo $_n >/tmp/churn.count
}
churn &
churner=$!
strays=""
for i in 1 2 3 4 5 6 7 8 9 10; do
	sleep 2
	agent_alive || break
	strays="$strays$(stray_threads "$long" "$cpus1" $((interval + 1)) | tr '\n' ' ')"
done
wait "$churner"
echo "2: $(cat /tmp/churn.count) short-lived servers; the agent managed $(log_count 'managing pid') processes, saw $(log_count ' exited') exit, placed $(log_count 'placed pid')"
check "2: the agent survived the churn" agent_alive
check "2: the long-lived server's old threads stayed on node 1 (missed: ${strays:-none})" test -z "$strays"
check "2: the agent saw short-lived servers come and go" test "$(log_count ' exited')" -ge 3
# the agent compacts at most once in 10 intervals, after it forgot a process: some 11
# intervals for the last exits to be noticed and the next compaction to come (30 s allowed, as
# intervals that place servers under TCG overrun their second)
churn_lines=$(journal_lines) churn_ended=$(journal_ended)
wait_until 300 no_ended_records
ended=$(journal_ended)
cp "$journal" /tmp/journal.2 # one version (each write renames a new file in): counts agree
lines=$(wc -l </tmp/journal.2)
long_lines=$(grep -c "\"tgid\":$long," /tmp/journal.2)
# records of no process (IRQs, settings, bans): none expected here, allowed anyway
unowned=$(grep -v -c -E '"kind":"(thread_affinity|process_paused)"' /tmp/journal.2)
echo "2: journal: $churn_lines lines when the churn ended ($churn_ended of exited servers)," \
	"$lines ${waited}s later ($long_lines of the long-lived server, $unowned of no process);" \
	"$(journal_dropped) dropped by the agent so far"
check "2: the exited servers' records left the journal (${waited}s; $ended left)" \
	test "$ended" -eq 0
check "2: the journal holds the live server's records and no more ($lines lines)" \
	test "$lines" -le $((long_lines + unowned))
# the long-lived server ends a thread every 50 ms, and the follow-ups journal those they pin:
# the records of ended threads go too (about 2 an interval come, the journal was just compacted;
# without that, some 60-100 of them had piled up by now)
ended_threads=$(journal_ended_threads /tmp/journal.2)
check "2: records of the long-lived server's ended threads left too ($ended_threads left)" \
	test "$ended_threads" -le 20

# 3. a reused pid
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 48 --threads 2 --seconds 600 \
	--spawn-every 200 --spawn-life 1000 --spawn-cpus "$cpus0"
victim=$pid
wait_until 100 main_on "$victim" "$cpus1"
check "3: the server placed on node 1 before it dies (pid $victim)" main_on "$victim" "$cpus1"
wait_log "follow-up pid $victim " 30 # its self-pinning threads keep the agent busy with it
mark=$(log_count .)
check "3: the kernel lets a test choose the next pid (ns_last_pid)" test -e /proc/sys/kernel/ns_last_pid
kill -9 "$victim"
wait "$victim" 2>/dev/null
other=""
for try in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	echo $((victim - 1)) >/proc/sys/kernel/ns_last_pid
	numactl --preferred=0 --cpunodebind=0 /tmp/np-other --mb 48 --threads 2 --seconds 600 \
		--ready /tmp/ready.other >/tmp/other.log 2>&1 &
	other=$!
	[ "$other" = "$victim" ] && break
	kill "$other"
	wait "$other" 2>/dev/null
done
check_eq "3: another program got the dead server's pid (after $try tries)" "$other" "$victim"
wait_for /tmp/ready.other 600 || fail "3: np-other did not start: $(cat /tmp/other.log)"
touched=""
for i in 1 2 3 4 5 6 7 8 9 10; do
	sleep 0.5
	all_threads_on "$other" "$cpus0" || touched="$touched $(thread_masks "$other" | tr '\n' ' ')"
done
check "3: the new process's threads stay on node 0's CPUs for 5 intervals (${touched:-untouched})" test -z "$touched"
check "3: its memory stays on node 0 ($(share_on "$other" 0))" share_at_least "$other" 0 0.95
check "3: the agent said the old server exited" grep -q -E "pid $victim \(np-stream\) exited" "$agent_log"
grep -E "pid $victim " "$agent_log" | tail -n 3 | sed 's/^/    3: agent: /'
# once the agent knows the old server is gone, nothing more for that pid (an act under way at
# the kill may still log; the masks and pages above show whom it touched)
exited_line=$(log_line "pid $victim \(np-stream\) exited")
acted=$(tail -n +$((${exited_line:-$mark} + 1)) "$agent_log" | grep -E "(placed|follow-up) pid $victim |managing pid $victim ")
check "3: no placement, follow-up or management of pid $victim after the agent saw it exit (${acted:-none})" test -z "$acted"

wait_until 300 no_ended_records
left=$(grep -c "\"tgid\":$victim," "$journal")
check "3: the dead server's journal records left, though its pid lives on (${waited}s; $left left)" \
	test "$left" -eq 0

errors=$(grep -E "numaplace: error" "$agent_log" | head -n 5)
check "the agent logged no error (${errors:-none})" test -z "$errors"
check "the long-lived server is still on node 1" no_stray_threads "$long" "$cpus1" $((interval + 1))
# a server exiting mid-move makes move_pages(2) answer EINVAL (its memory is gone before its
# pid): that is an exit, not a failure
einval=$(grep -E "move_pages.*Invalid argument" "$agent_log" | head -n 3)
check "servers that exit mid-move are not move failures (${einval:-none})" test -z "$einval"
grep -E "numaplace: warning" "$agent_log" | head -n 5 | sed 's/^/    agent: /'
echo "log: $(log_count .) lines; metrics: actions failed $(metric numaplace_actions_failed_total), intervals $(metric numaplace_intervals_total)"
# 4. threads born while the agent pins the others: one every 10 ms, each living 20 s (the
# agent is stopped before the first dies), so some are born during the placement's walk over
# the task list
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 32 --threads 2 --seconds 600 \
	--spawn-every 10 --spawn-life 20000
busy=$pid
wait_until 100 main_on "$busy" "$cpus1"
check "4: the thread-spawning server placed on node 1 ($(ls /proc/$busy/task | wc -l) threads)" main_on "$busy" "$cpus1"
wait_log "placed pid $busy " 100
echo "4: journaled threads of pid $busy: $(grep -c "\"tgid\":$busy," $journal)," \
	"with the target mask as their old mask: $(grep "\"tgid\":$busy," $journal |
		grep -c "\"old_value\":\"$cpus1\",\"new_value\":\"$cpus1\"")"

check "the agent still runs" agent_alive
cp "$journal" /tmp/journal.end
lines=$(wc -l </tmp/journal.end) dropped=$(journal_dropped)
ended_threads=$(journal_ended_threads /tmp/journal.end)
echo "journal: $lines lines before SIGTERM ($ended_threads of threads that ended in servers" \
	"still running), $dropped dropped by the agent (without: $((lines + dropped)))"
stop_agent TERM
check_eq "SIGTERM: exit code 0" "$agent_rc" 0
check_eq "SIGTERM: IRQ masks and settings as before" "$(snapshot)" "$before"
sleep 0.3
check "SIGTERM: the long-lived server's threads back on node 0's CPUs" all_threads_on "$long" "$cpus0"
check "SIGTERM: the process at the reused pid untouched" all_threads_on "$other" "$cpus0"
check "SIGTERM: every thread of the spawning server back on node 0's CPUs, those born during the placement too ($(mask_counts "$busy" | tr '\n' ' '))" \
	masks_all "$busy" "$cpus0"
[ "$NP_FAILED" -eq 0 ] || show_log 40
kill "$long" "$other" "$busy"
wait "$long" "$other" "$busy" 2>/dev/null

finish
