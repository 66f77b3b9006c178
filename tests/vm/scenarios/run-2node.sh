# vm: --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 --dev-node 1 --timeout 300
# `numaplace run`, the daemon, with a server it must place (stand-in GPU and NIC on node 1):
#  A. --dry-run --once changes nothing; --once places and keeps (journal, restore undoes).
#  B. The agent first, then a server misplaced on node 0 (memory and threads): placed within
#     two intervals (sustain = 1: one interval to find it, one to measure it; with sustain K
#     the spec's bound is K + 1 intervals), memory and NIC IRQs follow; threads the server
#     starts later pin themselves to node 0 and must be on node 1 within an interval (+1 s),
#     so must a child process; placed once, never again (follow-ups only); then SIGTERM:
#     exit 0, numa_balancing, knobs, IRQ masks exactly as before, every thread back on its
#     old CPUs.
#  D. A server placed while it still loads: its readers, born after the placement with the
#     inherited mask, go back to the old mask on SIGTERM too.
#  C. The command-line form with the defaults (`--match np-stream --device BDF`, sustain 3,
#     min_rss_mb 256): a 288 MB server placed within sustain + 1 intervals (+ slack).
. /np/lib.sh
. /np/lib/place.sh
. /np/lib/run.sh

gpu=$(numaplace topo --json | jq -r '.devices[] | select(.kind == "accelerator") | .pci')
nic=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
nic_irqs=$(irqs_of_nic "$nic")
cpus0=$(node_cpus 0) cpus1=$(node_cpus 1)
interval=1
slack=1.5 # the agent's own work per interval under TCG, and pinning
# AutoNUMA on, as on a stock host: the agent's `balancing = off` must switch it off and back.
# The servers' memory and threads start on the same node, so it has nothing to move by itself.
echo 1 >/proc/sys/kernel/numa_balancing

cat >/tmp/run.conf <<EOF
[global]
interval = $interval
balancing = off
metrics_file = $metrics
metrics_listen = 127.0.0.1:9435

[match server]
comm = ^np-stream\$
device = $gpu
nic = $nic
min_rss_mb = 32
sustain = 1
min_move_interval = 5
EOF

# A. --dry-run --once, then --once
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 64 --threads 2 --seconds 600
before=$(snapshot "$pid")
numaplace run --config /tmp/run.conf --dry-run --once >/tmp/dry.out 2>/tmp/dry.log
check_eq "A --dry-run --once: exit code" "$?" 0
check_eq "A --dry-run --once: nothing changed" "$(snapshot "$pid")" "$before"
check "A --dry-run --once: no journal" test ! -s $journal
check "A --dry-run --once: the decision names pid $pid and node 1" \
	grep -q "pid $pid .*node 1" /tmp/dry.out /tmp/dry.log
sed 's/^/    dry-run: /' /tmp/dry.out /tmp/dry.log | head -n 10
numaplace run --config /tmp/run.conf --once >/tmp/once.out 2>/tmp/once.log
check_eq "A --once: exit code" "$?" 0
check "A --once: logged the placement" grep -q "placed pid $pid (np-stream) on node 1" /tmp/once.log
check "A --once: every thread on node 1's CPUs ($cpus1)" all_threads_on "$pid" "$cpus1"
check "A --once: >= 95% of the pages on node 1 ($(share_on "$pid" 1))" share_at_least "$pid" 1 0.95
check "A --once: the NIC's IRQs ($nic_irqs) on node 1's CPUs" irqs_within "$nic_irqs" "$cpus1"
check_eq "A --once: numa_balancing off, kept after exit" "$(cat /proc/sys/kernel/numa_balancing)" 0
check "A --once: the changes are in the journal" test -s $journal
check "A --once: its summary (1 matched, 1 placed)" \
	grep -q "summary: 1 matched, 1 placed, 0 skipped$" /tmp/once.log
numaplace restore >/tmp/restore.out 2>&1
check_eq "A --once then restore: exit code" "$?" 0
check_eq "A --once then restore: everything back" "$(snapshot "$pid")" "$before"
stop_stream

# B. the agent first, then the server
before=$(snapshot)
start_agent --config /tmp/run.conf
check_eq "B: numa_balancing off while the agent runs" "$(cat /proc/sys/kernel/numa_balancing)" 0
check_eq "B: no process managed yet" "$(metric numaplace_managed_processes)" 0
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 96 --threads 2 --seconds 600 \
	--spawn-every 250 --spawn-life 4000 --spawn-cpus "$cpus0" --child-after 5
ready=$(uptime_s)
wait_until 200 main_on "$pid" "$cpus1"
placed_after=$(elapsed "$ready")
seen=$(log_time "managing pid $pid \(np-stream\) \[match server\]")
echo "B: ready at $ready, managed from ${seen:-never}, placed ${placed_after}s after ready"
check "B: placed within 2 intervals + ${slack}s of being ready (${placed_after}s)" \
	le "$placed_after" "$(awk -v i=$interval -v s=$slack 'BEGIN { print 2 * i + s }')"
check "B: logged 'managing pid $pid (np-stream) [match server]'" test -n "$seen"
check "B: logged 'placed pid $pid (np-stream) on node 1: ...'" \
	wait_log "placed pid $pid \(np-stream\) on node 1: " 50
wait_until 150 share_at_least "$pid" 1 0.95
check "B: >= 95% of the pages on node 1 within ${waited}s ($(share_on "$pid" 1))" share_at_least "$pid" 1 0.95
check "B: the NIC's IRQs ($nic_irqs) on node 1's CPUs" irqs_within "$nic_irqs" "$cpus1"
check_eq "B: metrics: one managed process" "$(metric numaplace_managed_processes)" 1
wait_until 25 proc_metric_is numaplace_process_target_node "$pid" 1 # rewritten each interval
check_eq "B: metrics: its target node" "$(proc_metric numaplace_process_target_node "$pid")" 1
wget -q -O /tmp/scrape.prom http://127.0.0.1:9435/metrics 2>/tmp/scrape.err
check_eq "B: metrics over HTTP: a scrape answers ($(cat /tmp/scrape.err))" "$?" 0
check "B: metrics over HTTP: the managed server's target node" \
	grep -q -x -F "numaplace_process_target_node{$(proc_labels "$pid" /tmp/scrape.prom)} 1" /tmp/scrape.prom
# The child process is born 5 s after the start and pins itself to node 0: placed within an
# interval (+ slack) of its birth. Watched from its birth to 10 s after it.
child="" child_pinned_after=""
i=0
while [ $i -lt 150 ] && [ -z "$child_pinned_after" ]; do
	[ -n "$child" ] || child=$(child_of "$pid")
	if [ -n "$child" ] && all_threads_on "$child" "$cpus1"; then
		child_pinned_after=$(elapsed "$(born_at "$child")")
	fi
	sleep 0.1
	i=$((i + 1))
done
check "B: the server forked its child (pid ${child:-none})" test -n "$child"
check "B: the child placed within an interval + ${slack}s of its birth (${child_pinned_after:-never}s)" \
	le "${child_pinned_after:-999}" "$(awk -v i=$interval -v s=$slack 'BEGIN { print i + s }')"
# (its comm: np-child, or np-stream when the agent saw it before its prctl)
check "B: logged 'managing pid $child (COMM) [match server], child of pid $pid'" \
	grep -q -E "managing pid $child \(np-(child|stream)\) \[match server\], child of pid $pid" "$agent_log"
# Threads born every 250 ms pin themselves to node 0 and live 4 s. Watched for 5 s: any
# thread older than an interval + 1 s still off node 1 was missed.
strays=""
for i in 1 2 3 4 5; do
	sleep 1
	strays="$strays$(stray_threads "$pid" "$cpus1" $((interval + 1)) | tr '\n' ' ')"
done
check "B: threads born later pinned within an interval + 1 s (missed: ${strays:-none})" test -z "$strays"
check "B: logged follow-ups pinning them" grep -q -E "follow-up pid $pid \(np-stream\) on node 1: [0-9]+ new threads? pinned" "$agent_log"
# A follow-up that can move nothing (pages the kernel will not move: shared libraries) is
# not an event worth a line every interval.
check "B: follow-ups that move nothing are not logged every interval ($(log_count "follow-up pid $pid .* 0\.0 of") lines in $(log_count .) )" \
	test "$(log_count "follow-up pid $pid .* 0\.0 of")" -le 5
check_eq "B: placed once, never again (follow-ups only)" \
	"$(log_count "placed pid $pid \(")" 1
check "B: the agent still runs" agent_alive
numaplace status >/tmp/status.txt 2>&1
check_eq "B: status: exit 0" "$?" 0
check "B: status: the server, placed on node 1, its placement changed it" grep -q -E \
	"^ *$pid np-stream +server +1 placed +[0-9T:-]+Z changed$" /tmp/status.txt
sed 's/^/    status: /' /tmp/status.txt
numaplace status --json >/tmp/status.json
check_eq "B: status --json: its node, state and last placement's result" \
	"$(jq -r ".processes[] | select(.pid == $pid) | [.node, .state, .last_placement.result] | map(tostring) | join(\" \")" /tmp/status.json)" \
	"1 placed changed"
check "B: status --json: the journal's records" jq -e '.daemon.journal.records > 0' /tmp/status.json
stop_agent TERM
numaplace status >/dev/null 2>/tmp/status.err
check_eq "B: status after SIGTERM: not running, exit 1" "$?:$(cat /tmp/status.err)" \
	"1:numaplace: not running"
check_eq "B: SIGTERM: exit code 0" "$agent_rc" 0
check "B: SIGTERM: logged that it restored the changes" grep -q -E "restored [0-9]+ changes" "$agent_log"
check_eq "B: SIGTERM: numa_balancing, knobs and IRQ masks as before" "$(snapshot)" "$before"
sleep 0.3
check "B: SIGTERM: every thread of the server back on node 0's CPUs ($(thread_masks "$pid" | awk '{ print $2 }' | sort | uniq -c | tr '\n' ' '))" \
	all_threads_on "$pid" "$cpus0"
check "B: SIGTERM: the child back on node 0's CPUs" eval '[ -n "$child" ] && all_threads_on "$child" "$cpus0"'
check "B: SIGTERM: journal empty" test ! -s $journal
[ "$NP_FAILED" -eq 0 ] || show_log 40
stop_stream

# D. a server placed while it still loads (its main thread alone busy for 4 s after the
# fill): its readers are born after the placement, with the node-1 mask they inherit from the
# main thread. SIGTERM must give them the process's old mask too, as restore does after place.
before=$(snapshot)
start_agent --config /tmp/run.conf
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 64 --threads 2 --seconds 600 --readers-after 4
ready=$(uptime_s)
placed=$(log_time "placed pid $pid \(")
check "D: placed while it loaded, before its readers started (placed at ${placed:-never}, readers at $ready)" \
	le "${placed:-999999}" "$ready"
check "D: its readers, born after, on node 1's CPUs too" all_threads_on "$pid" "$cpus1"
stop_agent TERM
check_eq "D: SIGTERM: exit code 0" "$agent_rc" 0
check_eq "D: SIGTERM: IRQ masks and settings as before" "$(snapshot)" "$before"
check "D: SIGTERM: every thread back on node 0's CPUs, the readers born after the placement too ($(thread_masks "$pid" | awk '{ print $2 }' | sort | uniq -c | tr '\n' ' '))" \
	all_threads_on "$pid" "$cpus0"
[ "$NP_FAILED" -eq 0 ] || show_log 10
stop_stream

# C. the command-line form, defaults (sustain 3, min_rss_mb 256)
before=$(snapshot)
start_agent --match np-stream --device "$gpu" --interval $interval --metrics-file $metrics
start_stream --preferred=0 --cpunodebind=0 np-stream --mb 288 --threads 2 --seconds 600
ready=$(uptime_s)
wait_until 300 main_on "$pid" "$cpus1"
placed=$(uptime_s)
placed_after=$(elapsed "$ready")
seen=$(log_time "managing pid $pid \(np-stream\) \[match cli\]")
echo "C: ready at $ready, managed from ${seen:-never}, placed at $placed"
check "C: placed within sustain + 1 = 4 intervals + ${slack}s of being ready (${placed_after}s)" \
	le "$placed_after" "$(awk -v i=$interval -v s=$slack 'BEGIN { print 4 * i + s }')"
check "C: logged 'managing pid $pid (np-stream) [match cli]'" test -n "$seen"
# hysteresis: at least sustain - 1 whole intervals of measurement after it was found
check "C: not placed before sustain - 1 = 2 intervals after being managed" \
	le "$(awk -v s="${seen:-0}" -v i=$interval 'BEGIN { print s + 2 * i - 0.3 }')" "$placed"
wait_until 200 share_at_least "$pid" 1 0.95
check "C: >= 95% of the pages on node 1 within ${waited}s ($(share_on "$pid" 1))" share_at_least "$pid" 1 0.95
check "C: the agent does not manage itself" sh -c "! grep -q 'managing pid $agent ' $agent_log"
stop_agent TERM
check_eq "C: SIGTERM: exit code 0" "$agent_rc" 0
check_eq "C: SIGTERM: numa_balancing, knobs and IRQ masks as before" "$(snapshot)" "$before"
check "C: SIGTERM: every thread back on node 0's CPUs" all_threads_on "$pid" "$cpus0"
[ "$NP_FAILED" -eq 0 ] || show_log 20
stop_stream

finish
