# shellcheck shell=bash
# Sourced by cli.sh (its $np, $tmp, run, check...). Issue 13: who a process belongs to, from
# real cgroups this test makes: the unit and container rules of run, report's identity, and
# metrics whose series do not pile up when a server restarts again and again.

# The mount point of the hierarchy a process's "0::" path (cgroup v2) or, without one, its v1
# name=systemd path is read from; "" when there is neither.
id_cgroup_mount() {
	awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo | grep . ||
		awk '$9 == "cgroup" && $NF ~ /name=systemd/ { print $5; exit }' /proc/self/mountinfo
}

# id_cgroup_make DIR: mkdir -p below the mount, remembering what this test made (removed later).
id_made=""
id_cgroup_make() {
	_d=$idm
	for _c in $(echo "$1" | tr / ' '); do
		_d=$_d/$_c
		if [ ! -d "$_d" ]; then
			mkdir "$_d" || return 1
			id_made="$_d $id_made"
		fi
	done
}

id_cleanup() {
	for _d in $id_made; do
		rmdir "$_d" 2>/dev/null || sleep 0.3
		rmdir "$_d" 2>/dev/null
	done
	id_made=""
}

# id_probe NAME CGROUP: a sleeping process called NAME moved into CGROUP (relative to the mount)
id_probe() {
	cp "$(command -v sleep)" "$tmp/$1"
	"$tmp/$1" 120 &
	id_pid=$!
	echo "$id_pid" >"$idm/$2/cgroup.procs"
}

idm=$(id_cgroup_mount)
if [ "$(id -u)" != 0 ] || [ -z "$idm" ]; then
	echo "SKIP: identity tests need root and a cgroup v2 or v1 name=systemd mount"
else
	hex=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	unit=np-unit-$$.service
	pass "identity tests: cgroups made under $idm"

	# The rules: printed by --check-config, a bad regex refused with exit 2 as the others.
	printf '[match svc]\nunit = ^np-unit-[0-9]+[.]service$\n[match ctr]\ncontainer = ^0123456789ab$\n' \
		>"$tmp/id.conf"
	run --config "$tmp/id.conf" --check-config >"$tmp/id-check.out" 2>&1
	check "run --check-config prints unit =" grep -qx 'unit = ^np-unit-\[0-9\]+\[.\]service\$' "$tmp/id-check.out"
	check "run --check-config prints container =" grep -qx 'container = ^0123456789ab\$' "$tmp/id-check.out"
	printf '[match a]\ncontainer = (\n' >"$tmp/id-bad.conf"
	expect_exit "run: a bad container regex" 2 "id-bad.conf:2: \[match a\] container: invalid regular expression" \
		"$np" run --config "$tmp/id-bad.conf" --check-config
	printf '[match a]\nunit = *x\n' >"$tmp/id-bad2.conf"
	expect_exit "run: a bad unit regex" 2 "id-bad2.conf:2: \[match a\] unit: invalid regular expression" \
		"$np" run --config "$tmp/id-bad2.conf" --check-config

	# unit = : a process in a service's cgroup (made here: systemd need not be PID 1)
	if id_cgroup_make "np-test.slice/$unit"; then
		id_probe np-id-unit "np-test.slice/$unit"
		psvc=$id_pid
		printf '[match other]\nunit = ^np-other[.]service$\nmin_rss_mb = 0\nmin_cpu = 0\n[match svc]\nunit = ^np-unit-[0-9]+[.]service$\nmin_rss_mb = 0\nmin_cpu = 0\n' \
			>"$tmp/id-unit.conf"
		run --config "$tmp/id-unit.conf" --dry-run --once --interval 0.5 >/dev/null 2>"$tmp/id-unit.err"
		check "run --once: unit = takes the process of that unit, and says its unit" grep -q \
			"managing pid $psvc (np-id-unit) \[match svc\]: unit $unit$" "$tmp/id-unit.err" ||
			sed 's/^/    /' "$tmp/id-unit.err" | head -5
		check_eq "... and no other process" "$(grep -c 'managing pid' "$tmp/id-unit.err")" 1
		# the cgroup prefix reads the same path: on a hybrid host the "0::" line comes last
		printf '[match cg]\ncgroup = /np-test.slice\nmin_rss_mb = 0\nmin_cpu = 0\n' >"$tmp/id-cg.conf"
		run --config "$tmp/id-cg.conf" --dry-run --once --interval 0.5 >/dev/null 2>"$tmp/id-cg.err"
		check "run --once: cgroup = takes it too, whatever line of /proc/PID/cgroup holds the path" \
			grep -q "managing pid $psvc (np-id-unit) \[match cg\]: unit $unit$" "$tmp/id-cg.err"
		kill "$psvc"
		wait "$psvc" 2>/dev/null
	else
		fail "could not make a cgroup for the unit test under $idm"
	fi

	# container = : a process in a docker-shaped scope, by its short id
	if id_cgroup_make "system.slice/docker-$hex.scope"; then
		id_probe np-id-ctr "system.slice/docker-$hex.scope"
		pctr=$id_pid
		printf '[match ctr]\ncontainer = ^0123456789ab$\nmin_rss_mb = 0\nmin_cpu = 0\n' >"$tmp/id-ctr.conf"
		run --config "$tmp/id-ctr.conf" --dry-run --once --interval 0.5 >/dev/null 2>"$tmp/id-ctr.err"
		check "run --once: container = takes the process in that container, and says so" grep -q \
			"managing pid $pctr (np-id-ctr) \[match ctr\]: container 0123456789ab (docker)$" \
			"$tmp/id-ctr.err" || sed 's/^/    /' "$tmp/id-ctr.err" | head -5
		check_eq "... and no other process" "$(grep -c 'managing pid' "$tmp/id-ctr.err")" 1
		"$np" report --pid "$pctr" --duration 0.5 --json >"$tmp/id-report.json" 2>/dev/null
		check_eq "report --json: its container" \
			"$(jq -c ".processes[] | select(.pid == $pctr) | [.container.runtime, .container.id, .container.pod_uid, .unit, .cgroup]" "$tmp/id-report.json")" \
			"[\"docker\",\"$hex\",null,null,\"/system.slice/docker-$hex.scope\"]"
		"$np" report --pid "$pctr" --duration 0.5 >"$tmp/id-report.txt" 2>/dev/null
		check "report: one line says its container" grep -q '^ *in: container 0123456789ab (docker)$' \
			"$tmp/id-report.txt"
		kill "$pctr"
		wait "$pctr" 2>/dev/null
	else
		fail "could not make a docker-shaped cgroup under $idm"
	fi
	id_cleanup
	check "the test's cgroups are gone" test ! -d "$idm/system.slice/docker-$hex.scope" -a \
		! -d "$idm/np-test.slice"

	# Metrics across restarts: a matched server killed and started 30 times leaves one set of
	# labels for its series (slot 0 of its section), its pids only in numaplace_process_info.
	cp "$(command -v sleep)" "$tmp/np-id-short"
	printf '[match short]\ncomm = ^np-id-short$\nmin_rss_mb = 0\nmin_cpu = 0\n' >"$tmp/id-short.conf"
	timeout -s TERM 120 "$np" run --journal "$tmp/id-journal" --config "$tmp/id-short.conf" \
		--dry-run --interval 0.2 --metrics-file "$tmp/id.prom" >/dev/null 2>"$tmp/id-short.err" &
	prun=$!
	wait_for "$tmp/id.prom" 300
	: >"$tmp/id-series"
	for i in $(seq 30); do
		"$tmp/np-id-short" 60 &
		pshort=$!
		for t in 1 2 3 4 5 6 7 8; do
			sleep 0.1
			grep '^numaplace_process_' "$tmp/id.prom" >>"$tmp/id-series" 2>/dev/null
		done
		kill "$pshort"
		wait "$pshort" 2>/dev/null
		sleep 0.3
	done
	kill -TERM "$prun"
	wait "$prun"
	pids_seen=$(grep '^numaplace_process_info{' "$tmp/id-series" | grep -o 'pid="[0-9]*"' | sort -u | wc -l)
	sets=$(grep '^numaplace_process_pages{' "$tmp/id-series" | sed 's/ .*//' | sort -u | wc -l)
	check "metrics: run saw many of the 30 servers (info series of $pids_seen pids)" test "$pids_seen" -ge 20
	nodes=$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)
	check_eq "metrics: numaplace_process_pages kept one label set per node across them" \
		"$sets" "$nodes"
	check "... labelled by match, container, unit and slot" grep -q \
		'^numaplace_process_pages{match="short",container="",unit="",slot="0",node="[0-9]*"} ' \
		"$tmp/id-series"
	check_eq "... none carries a pid but the info series" \
		"$(grep -v '^numaplace_process_info{' "$tmp/id-series" | grep -c 'pid=')" 0
fi
