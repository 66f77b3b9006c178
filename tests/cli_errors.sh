# shellcheck shell=bash
# Sourced by cli.sh (its $np, $tmp, check, expect_exit...). Issue 15: errors that say what is
# wrong (a permission, not a missing node; the journal the undo needs; who holds the lock; the
# option as typed; the real bounds of a value), and the default configuration file run reads.

# an option typed with one dash is named as typed, with the spelling meant
expect_exit "errors: topo -json names '-json'" 2 "unknown option '-json' (did you mean --json?)" \
	"$np" topo -json
expect_exit "errors: report -duration 5 names '-duration'" 2 \
	"unknown option '-duration' (did you mean --duration?)" "$np" report -duration 5
expect_exit "errors: place --pid 1 -dry-run names '-dry-run'" 2 \
	"unknown option '-dry-run' (did you mean --dry-run?)" "$np" place --pid 1 -dry-run
expect_exit "errors: topo -bogus names '-bogus'" 2 "unknown option '-bogus'" "$np" topo -bogus
expect_exit "errors: topo -x is still '-x'" 2 "unknown option '-x'" "$np" topo -x

# a value out of range says the range
expect_exit "errors: report --duration 100000: its bound" 2 \
	"--duration '100000': expected seconds, more than 0 (at most 86400)" \
	"$np" report --duration 100000
expect_exit "errors: report --sample-every 0: its range" 2 "(1 to 1000000)" \
	"$np" report --sample-every 0
expect_exit "errors: place --sample 4000: its bound" 2 "(at most 3600)" \
	"$np" place --pid 1 --sample 4000
expect_exit "errors: place --max-rate: its range" 2 "(0 to 1000000)" \
	"$np" place --pid 1 --max-rate 2000000
expect_exit "errors: place --reserve: its range" 2 "(0 to 1073741824)" \
	"$np" place --pid 1 --reserve 2000000000
expect_exit "errors: place --pause-ms: its range" 2 "(0 to 10000)" \
	"$np" place --pid 1 --pause-ms 20000
expect_exit "errors: place --pause-below: its range" 2 "(1 to 1000000)" \
	"$np" place --pid 1 --pause-below 0
expect_exit "errors: place --node: its range" 2 "(0 to 63)" "$np" place --pid 1 --node 64
expect_exit "errors: place --pid: its range" 2 "(1 to 4194304)" "$np" place --pid 5000000
expect_exit "errors: run --node: its range" 2 "(0 to 63)" "$np" run --match x --node 99
expect_exit "errors: place --balancing tune: a knob's range" 2 "(1 to 100000000)" \
	"$np" place --pid 1 --balancing tune:scan_delay_ms=999999999

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	e=$tmp/errors
	mkdir -m 0700 "$e"
	sleep 300 &
	evictim=$!
	# without root, another user's process cannot be read: that is what place says
	expect_exit "errors: place --dry-run of root's process without root: needs root" 1 \
		"needs root to read /proc/$evictim/numa_maps" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$np" place --dry-run --pid $evictim --node 0
	expect_exit "errors: ... also without --node (was: no target node, give --node)" 1 \
		"needs root" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$np" place --dry-run --pid $evictim
	setpriv --reuid=65534 --regid=65534 --clear-groups sleep 300 &
	own=$!
	sleep 0.2
	setpriv --reuid=65534 --regid=65534 --clear-groups "$np" place --dry-run --pid $own \
		>"$e/own.out" 2>"$e/own.err"
	check_eq "errors: place --dry-run of one's own process without root: a plan (exit 0)" "$?" 0
	kill $own

	# place --journal F: the undo hint carries --journal F, and that command undoes it
	cpus=$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status)
	if [ "$cpus" != 0 ]; then
		taskset -p -c 0 $evictim >/dev/null
		"$np" place --pid $evictim --node 0 --sample 0 --only threads --journal "$e/pj" \
			>"$e/place.out" 2>"$e/place.err"
		check_eq "errors: place --journal F (victim widened from CPU 0)" "$?" 0
		check "errors: ... its undo hint names the journal" \
			grep -q "^undo: numaplace restore --journal $e/pj\$" "$e/place.out"
		check "errors: ... the hint's lines fit 100 columns" \
			awk '/^undo:/ { u = 1 } u && length > 100 { exit 1 }' "$e/place.out"
		hint=$(sed -n 's/^undo: numaplace //p' "$e/place.out")
		# shellcheck disable=SC2086
		"$np" $hint >"$e/restore.out" 2>"$e/restore.err"
		check_eq "errors: ... the hinted restore exits 0" "$?" 0
		check_eq "errors: ... and puts the mask back" \
			"$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/$evictim/status)" 0
	fi
	"$np" restore --journal "$e/none" >"$e/none.out" 2>&1
	check_eq "errors: restore --journal <missing>: exit 0 (nothing to undo)" "$?" 0
	check "errors: ... says that journal does not exist, by name" \
		grep -q "nothing to restore: no journal at $e/none" "$e/none.out"
	check "errors: ... and where place and run write theirs" \
		grep -q "keep their journal where --journal says" "$e/none.out"

	# a lock conflict is found before the plan is printed, and names who holds the lock
	timeout -s KILL 60 "$np" run --journal "$e/rj" --match no-such-server-xyz --interval 0.5 \
		>"$e/run.out" 2>"$e/run.err" &
	edaemon=$!
	holder=""
	for _ in $(seq 100); do
		holder=$(cat /proc/$edaemon/task/$edaemon/children 2>/dev/null | tr -d ' ')
		[ -n "$holder" ] && ls -l /proc/$holder/fd 2>/dev/null | grep -q /run/numaplace/lock &&
			break
		sleep 0.1
	done
	expect_exit "errors: lock: place names the holder's pid and command" 1 \
		"pid $holder (.*numaplace run --journal" \
		"$np" place --pid $evictim --node 0 --journal "$e/j2"
	check "errors: lock: ... before any plan is printed" test ! -s "$NP_TEST_OUT"
	check "errors: lock: ... still says why" grep -q "another numaplace is changing the system" \
		"$NP_TEST_ERR"
	printf '{"kind":"thread_affinity","id":999999,"tgid":999999,"start_time":1,"path":"","old_value":"0"}\n' \
		>"$e/j3"
	expect_exit "errors: lock: restore names the holder" 1 "pid $holder (" \
		"$np" restore --journal "$e/j3"
	kill -TERM $edaemon
	wait $edaemon
	check_eq "errors: lock: the run ends cleanly" "$?" 0
	kill $evictim

	# the man page's FILES promise: run reads /etc/numaplace/numaplace.conf when it exists and
	# neither --config nor --match is given (in a mount namespace, over a copy-on-write /etc)
	mkdir "$e/ov"
	unshare -m sh -c '
		mount -t tmpfs none "$1" && mkdir "$1/u" "$1/w" &&
		mount -t overlay overlay -o lowerdir=/etc,upperdir="$1/u",workdir="$1/w" /etc &&
		mkdir -p /etc/numaplace &&
		printf "[global]\ninterval = 7\n[match from-etc]\ncomm = ^no-such-xyz\$\n" \
			>/etc/numaplace/numaplace.conf &&
		"$2" run --check-config >"$3/etc.out" 2>"$3/etc.err"; echo $? >"$3/etc.rc"
		"$2" run --check-config --match other-xyz >"$3/match.out" 2>&1; echo $? >"$3/match.rc"
		printf "[match broken\n" >/etc/numaplace/numaplace.conf
		"$2" run --check-config >"$3/broken.out" 2>"$3/broken.err"; echo $? >"$3/broken.rc"
	' sh "$e/ov" "$np" "$e"
	check_eq "errors: run without --config reads /etc/numaplace/numaplace.conf" \
		"$(cat "$e/etc.rc")" 0
	check "errors: ... its sections" grep -q "^\[match from-etc\]" "$e/etc.out"
	check "errors: ... its [global]" grep -q "^interval = 7" "$e/etc.out"
	check "errors: ... --match alone reads no file" sh -c "! grep -q from-etc '$e/match.out'"
	check "errors: ... a broken default file is named" \
		grep -q "/etc/numaplace/numaplace.conf:1" "$e/broken.err"
	check_eq "errors: ... and refused (exit 2)" "$(cat "$e/broken.rc")" 2
fi
