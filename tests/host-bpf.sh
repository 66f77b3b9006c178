#!/usr/bin/env bash
# The BPF pipeline on this host's kernel: the probe skeleton loads, attaches and runs, and
# `topo` on the live system agrees with what the kernel says itself.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
np=${NP_BIN:-$here/../build/numaplace}

if [ "$(id -u)" != 0 ]; then
	fail "host BPF tests need root"
	finish
	exit
fi
json=$("$np" topo --json) || fail "topo --json on the live system"
field() { printf '%s' "$json" | jq -r "$1"; }

check_eq "kernel release" "$(field .kernel.release)" "$(uname -r)"
check_eq "node count" "$(field '.nodes | length')" \
	"$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)"
check_eq "node 0 cpus" "$(field '.nodes[0].cpus')" "$(cat /sys/devices/system/node/node0/cpulist)"
check_eq "numa_balancing" "$(field .kernel.numa_balancing.mode)" \
	"$(cat /proc/sys/kernel/numa_balancing)"
check_eq "BTF present" "$(field .kernel.bpf.btf)" "true"
# tp_btf and raw_tp also prove the program ran: the probe waits for a sched_switch hit.
check_eq "tp_btf program loads, attaches and runs" "$(field .kernel.bpf.attach.tp_btf.usable)" true
check_eq "raw_tp program loads, attaches and runs" "$(field .kernel.bpf.attach.raw_tp.usable)" true
for kind in tracepoint kprobe fentry; do
	check "$kind probe gives an answer" test "$(field ".kernel.bpf.attach.$kind.usable")" != null
done

# The sampler on this kernel (tp_btf, no kprobes): a one-node host reads nothing remotely.
stream=${NP_STREAM:-$here/../build/np-stream}
"$stream" --mb 32 --threads 2 --seconds 30 --delay 0.5 >/dev/null 2>&1 &
pid=$!
json=$("$np" report --pid "$pid" --duration 2 --sample-every 1 --json)
check_eq "report on this kernel exits 0" "$?" 0
check_eq "sampler programs are tp_btf" "$(field .sources.program_type)" tp_btf
check_eq "kprobe source refused here, and said so" "$(field .sources.task_numa_fault_kprobe)" false
check "the refusal names its cause" test "$(field .sources.task_numa_fault_kprobe_error)" != null
check_eq "one node: remote_ratio 0" "$(field '.processes[0].remote_ratio')" 0
check "CPU time was charged to node 0" test "$(field '.processes[0].cpu_ns_by_node[0]')" -gt 100000000
check "the fill's faults were sampled" test "$(field '.processes[0].samples')" -ge 64
check_eq "no samples dropped" "$(field .drops.fault_samples)" 0
check_eq "three threads listed" "$(field '.processes[0].per_thread | length')" 3
# The raw_tp twins (kernels without tp_btf) measure the same.
json=$(NP_FORCE_RAW_TP=1 "$np" report --pid "$pid" --duration 1 --json)
check_eq "raw_tp twins load and attach" "$(field .sources.program_type)" raw_tp
check "raw_tp twins charge CPU time" test "$(field '.processes[0].cpu_ns_by_node[0]')" -gt 100000000
check_eq "raw_tp twins list the threads" "$(field '.processes[0].per_thread | length')" 3

# --all reports whatever ran, the workload among it.
json=$("$np" report --all --duration 1 --json)
check "--all includes the workload" test "$(field "[.processes[] | select(.pid == $pid)] | length")" -eq 1

# Ctrl-C ends the window early and the report is still written (-o FILE).
"$np" report --pid "$pid" --duration 60 --json -o /tmp/np-report.json &
reporter=$!
sleep 1.5
kill -INT "$reporter"
wait "$reporter"
check_eq "SIGINT: report exits 0" "$?" 0
json=$(cat /tmp/np-report.json)
check "SIGINT: the window ended early" awk -v w="$(field .window_s)" 'BEGIN { exit !(w > 0.5 && w < 10) }'
check_eq "SIGINT: the report has the process" "$(field '.processes[0].pid')" "$pid"
rm -f /tmp/np-report.json

# A countdown on a terminal, nothing extra when piped.
"$np" report --pid "$pid" --duration 1 >/dev/null 2>/tmp/np-report.err
check "piped: no progress line" sh -c "! grep -q 'sampling:' /tmp/np-report.err"
if command -v script >/dev/null; then
	check "on a terminal: a countdown" sh -c \
		"script -qec '$np report --pid $pid --duration 1' /dev/null | grep -q 'sampling:.*s left'"
fi
rm -f /tmp/np-report.err

json=$("$np" report --match '^np-stream$' --duration 1 --json)
check_eq "--match finds the workload by name" "$(field '[.processes[].pid] | join(",")')" "$pid"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
# A process whose main thread left (pthread_exit) lives on in its readers: still measured.
rm -f /tmp/np-ready
"$stream" --mb 32 --threads 2 --seconds 10 --main-exits --ready /tmp/np-ready >/dev/null 2>&1 &
zpid=$!
for _ in $(seq 50); do [ -e /tmp/np-ready ] && break; sleep 0.1; done
sleep 0.2
json=$("$np" report --pid "$zpid" --duration 1 --json)
check_eq "main thread gone: process not exited" "$(field '.processes[0].exited')" false
check "main thread gone: residency still read" \
	test "$(field '.processes[0].pages_by_node[0]')" -gt 8000
kill "$zpid" 2>/dev/null
wait "$zpid" 2>/dev/null
rm -f /tmp/np-ready

# Children forked by a traced process during the window are traced too (servers fork workers).
# (the shell sleeps first: the sampler must be attached before the fork, which takes longer
# on a loaded host)
sh -c "sleep 3; '$stream' --mb 8 --threads 1 --seconds 1 >/dev/null 2>&1; true" &
parent=$!
json=$("$np" report --pid "$parent" --duration 6 --json)
check "forked child followed" test "$(field .events.forks_followed)" -ge 1
check "the exec in the child was seen" test "$(field .events.execs)" -ge 1
check_eq "the forked worker is reported with its CPU time" \
	"$(field '[.processes[] | select(.comm == "np-stream") | .cpu_ns_by_node[0] > 100000000] | any')" true
wait "$parent"

# The daemon's snapshots while the traced process starts and ends threads: the exit handler
# deletes map entries during every read, and a snapshot must list each thread once.
snap=${NP_SNAP:-$here/../build/np-snap}
"$stream" --mb 1 --threads 1 --seconds 15 --reader-sleep-ms 5 --spawn-every 0.2 \
	--spawn-life 20 >/dev/null 2>&1 &
churn=$!
sleep 0.5
check "snapshots under thread churn list each thread once" "$snap" "$churn" 3
check "so does the key walk (kernels without batch lookup)" \
	env NP_FORCE_MAP_WALK=1 "$snap" "$churn" 3
check "the daemon's windows: detached and attached before every snapshot, CPU time only grows" \
	env NP_SNAP_TOGGLE=1 "$snap" "$churn" 3
kill "$churn" 2>/dev/null
wait "$churn" 2>/dev/null

# `run` traces only in sampling windows (issue 18): with nothing to manage, no link is attached
# after the start's check window; a new matching process opens one, judged it closes again.
# (a dry run in a private /run/numaplace, on a program name of its own: nothing else is touched)
links_of() {
	n=0
	for f in /proc/"$1"/fd/*; do [ "$(readlink "$f")" = anon_inode:bpf_link ] && n=$((n + 1)); done
	echo "$n"
}
# polls up to 10 s for the daemon's bpf links to be (eq) or not be (ne) zero
wait_links() {
	for _ in $(seq 100); do [ "$(links_of "$1")" -"$2" 0 ] && return 0; sleep 0.1; done
	return 1
}
duty=$(mktemp -d)
cp "$stream" "$duty/np-duty-probe"
printf '[global]\ninterval = 0.3\ntrace_window = 1\ntrace_every = 100000\nmetrics_file = %s\n%s\n' \
	"$duty/m.prom" '[match probe]
comm = ^np-duty-probe$
min_rss_mb = 0
min_cpu = 0' >"$duty/conf"
unshare -m sh -c "mount -t tmpfs none /run/numaplace && exec '$np' run --dry-run --config '$duty/conf'" \
	>"$duty/log" 2>&1 &
daemon=$!
sleep 0.5
check "run: the start's check window has the programs attached" wait_links "$daemon" ne
check "run, nothing matching: no link attached after the window" wait_links "$daemon" eq
sleep 1
check_eq "run, nothing matching: still none a second later" "$(links_of "$daemon")" 0
check "run: numaplace_sampler_attached 0 between windows" grep -qx 'numaplace_sampler_attached 0' "$duty/m.prom"
"$duty/np-duty-probe" --mb 8 --threads 2 --seconds 30 >/dev/null 2>&1 &
probe=$!
check "run: a new matching process opens a window (links attached)" wait_links "$daemon" ne
check "run: the log says why" grep -q 'tracing: window 2 opens for a new managed process' "$duty/log"
check "run: judged, the window closes (no link)" wait_links "$daemon" eq
check "run: two windows counted" grep -qx 'numaplace_sampling_windows_total 2' "$duty/m.prom"
kill "$probe" "$daemon" 2>/dev/null
wait "$probe" "$daemon" 2>/dev/null
rm -rf "$duty"

# A busy thread alone on its CPU may not be switched out for seconds: the switch handler never
# sees it switched in. Its CPU time is still counted from the window's start (the agent marks
# the threads running when tracing begins), not 0.
busy_dir=$(mktemp -d)
cp "$(command -v sh)" "$busy_dir/np-busy"
taskset -c "$(($(nproc) - 1))" "$busy_dir/np-busy" -c 'while :; do :; done' &
busy=$!
sleep 0.3
busy_cpu=$("$np" report --duration 1 --pid "$busy" --json 2>/dev/null |
	jq '[.processes[] | select(.pid == '"$busy"') | .cpu_ns_by_node[]] | add // 0')
check "report: a busy thread running when tracing began has its CPU time (${busy_cpu} ns in 1 s)" \
	test "${busy_cpu:-0}" -ge 600000000
kill "$busy" 2>/dev/null
wait "$busy" 2>/dev/null
rm -rf "$busy_dir"

# A slice is charged at the thread's next switch-in (no map lookup at switch-out): a thread
# that ran in the window and then blocked until its end is charged by the report's read of
# /proc. Blocked on a fifo before the window opens, it runs a burst inside it and blocks again.
burst_dir=$(mktemp -d)
mkfifo "$burst_dir/go"
cp "$(command -v sh)" "$burst_dir/np-burst"
"$burst_dir/np-burst" -c 'while read x <"$0"; do i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; done' \
	"$burst_dir/go" &
burst=$!
"$np" report --duration 3 --pid "$burst" --json >"$burst_dir/r.json" 2>/dev/null &
report=$!
wait_links "$report" ne # tracing has begun
burst_before=$(cut -d' ' -f1 "/proc/$burst/schedstat")
echo go >"$burst_dir/go"
wait "$report"
burst_ran=$(($(cut -d' ' -f1 "/proc/$burst/schedstat") - burst_before))
burst_cpu=$(jq '[.processes[] | select(.pid == '"$burst"') | .cpu_ns_by_node[]] | add // 0' \
	"$burst_dir/r.json")
check "report: a burst then blocked to the window's end is counted (${burst_cpu} of ${burst_ran} ns)" \
	test "${burst_cpu:-0}" -ge $((burst_ran * 9 / 10)) -a "$burst_ran" -ge 100000000
kill "$burst" 2>/dev/null
wait "$burst" 2>/dev/null
rm -rf "$burst_dir"

# The kernel frees a program after its last holder exits, from a work queue: give it 2 s.
ours_loaded() { bpftool prog show 2>/dev/null | grep -qE 'probe_|switch_|fault_'; }
for _ in $(seq 20); do ours_loaded && sleep 0.1; done
check "no BPF program left behind" sh -c "! bpftool prog show 2>/dev/null | grep -qE 'probe_|switch_|fault_'"
finish
