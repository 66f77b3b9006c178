#!/usr/bin/env bash
# dist/ for containers and fleets: the Prometheus rules (promtool check rules, promtool test
# rules, every alert tested firing and not firing), the Kubernetes manifest against the
# Containerfile, the systemd unit and its own configuration (which numaplace itself must accept),
# and the Grafana dashboard (valid JSON, only metrics numaplace has). Checks that need a parser
# are in tests/tools/dist_check.py; a few mutated manifests show they catch what they should.
#
# NP_IMAGE=1 also builds the container image and runs it (tests/dist-image.sh; minutes, not in
# make check).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
np=${NP_BIN:-$top/build/numaplace}
py=/usr/bin/python3 # Debian's, with python3-yaml (a python3 earlier in PATH may lack it)
checker=$here/tools/dist_check.py
promtool=${PROMTOOL:-/var/cache/numaplace/promtool/usr/bin/promtool}
[ -x "$promtool" ] || promtool=$(command -v promtool || echo "$promtool")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# COMMAND... with its output shown only when it fails
quiet() {
	"$@" >"$tmp/quiet.out" 2>&1 || { cat "$tmp/quiet.out"; return 1; }
}

# the checker's own PASS/FAIL lines count here
run_checker() {
	local out
	out=$("$py" "$checker" "$top" "$@" 2>&1)
	echo "$out" | grep -E '^(PASS|FAIL)'
	NP_PASSED=$((NP_PASSED + $(echo "$out" | grep -c '^PASS:')))
	NP_FAILED=$((NP_FAILED + $(echo "$out" | grep -c '^FAIL:')))
	echo "$out" | grep -q '^PASS:' || fail "dist_check.py $1: no result ($(echo "$out" | tail -n 1))"
}

rules=$top/dist/prometheus/numaplace.rules.yml
rules_test=$top/dist/prometheus/numaplace.rules.test.yml
if [ -x "$promtool" ]; then
	check "promtool check rules" quiet "$promtool" check rules "$rules"
	# promtool resolves rule_files against the test file's directory
	check "promtool test rules (every alert)" quiet "$promtool" test rules "$rules_test"
	# a rule changed so that its test must notice: the remote-ratio alert never fires
	mkdir -p "$tmp/rules"
	sed 's/numaplace_process_remote_ratio > 0.5/numaplace_process_remote_ratio > 0.9/' \
		"$rules" >"$tmp/rules/numaplace.rules.yml"
	cp "$rules_test" "$tmp/rules/"
	check "promtool test rules fails for a broken alert" \
		sh -c "! '$promtool' test rules '$tmp/rules/numaplace.rules.test.yml' >/dev/null 2>&1"
else
	fail "promtool not found ($promtool; scripts/deps.sh unpacks it)"
fi
run_checker rules "$rules_test"

run_checker manifest

# The ConfigMap's configuration as numaplace reads it: accepted; without metrics_allow_remote
# its listen address (the pod's, for the probe and Prometheus) is refused.
"$py" "$checker" "$top" conf-out "$tmp/numaplace.conf"
if [ -x "$np" ]; then
	check "ConfigMap config: numaplace accepts it" \
		"$np" run --config "$tmp/numaplace.conf" --check-config >/dev/null
	grep -v '^metrics_allow_remote' "$tmp/numaplace.conf" >"$tmp/no-remote.conf"
	expect_exit "ConfigMap config: metrics_allow_remote is what lets it listen there" 2 \
		"not a loopback address" "$np" run --config "$tmp/no-remote.conf" --check-config
else
	fail "no $np to check the ConfigMap's configuration with (make)"
fi

# Mutations of the manifest the checker must refuse (a copy of dist/ each)
mutant() {
	local desc=$1 from=$2 to=$3 expect=$4
	rm -rf "$tmp/m" && mkdir -p "$tmp/m" && cp -r "$top/dist" "$tmp/m/"
	sed -i "s|$from|$to|" "$tmp/m/dist/kubernetes/numaplace.yaml"
	if cmp -s "$top/dist/kubernetes/numaplace.yaml" "$tmp/m/dist/kubernetes/numaplace.yaml"; then
		fail "mutant $desc: '$from' not found"
	elif "$py" "$checker" "$tmp/m" manifest >"$tmp/m.out"; grep -q "^FAIL: $expect" "$tmp/m.out"; then
		pass "mutant $desc: caught"
	else
		fail "mutant $desc: not caught ($expect)"
	fi
}
mutant "privileged" "privileged: false" "privileged: true" "container: not privileged"
mutant "probe port" "port: 9435" "port: 9436" "readiness probe: the port"
mutant "no CAP_SYS_NICE" "- SYS_NICE" "- NET_ADMIN" "container: every capability"
mutant "no hostPID" "hostPID: true" "hostPID: false" "DaemonSet: hostPID"
mutant "binary path" "- /usr/sbin/numaplace" "- /usr/bin/numaplace" "image: the binary"

run_checker dashboard "$top/dist/grafana/numaplace.json"
# the checker notices a metric that does not exist
sed 's/numaplace_agent_rss_bytes/numaplace_agent_rss_megabytes/' \
	"$top/dist/grafana/numaplace.json" >"$tmp/dash.json"
"$py" "$checker" "$top" dashboard "$tmp/dash.json" >"$tmp/dash.out"
check "dashboard check catches an unknown metric" \
	grep -q '^FAIL: .*numaplace_agent_rss_megabytes' "$tmp/dash.out"

if [ "${NP_IMAGE:-0}" = 1 ]; then
	out=$("$here/dist-image.sh" 2>&1)
	echo "$out" | grep -E '^(PASS|FAIL|SKIP)'
	NP_PASSED=$((NP_PASSED + $(echo "$out" | grep -c '^PASS:')))
	NP_FAILED=$((NP_FAILED + $(echo "$out" | grep -c '^FAIL:')))
fi
finish
