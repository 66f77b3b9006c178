# Test helpers shared by the host tests and the VM scenarios (POSIX sh: the guest runs busybox).
# Every check prints "PASS: ..." or "FAIL: ..."; finish prints "N passed, M failed".
NP_PASSED=0
NP_FAILED=0

# expect_exit's captures (tests in two trees at once each set their own TMPDIR)
NP_TEST_OUT=${TMPDIR:-/tmp}/np-test.out
NP_TEST_ERR=${TMPDIR:-/tmp}/np-test.err

pass() { echo "PASS: $*"; NP_PASSED=$((NP_PASSED + 1)); }
fail() { echo "FAIL: $*"; NP_FAILED=$((NP_FAILED + 1)); }

# check DESCRIPTION COMMAND...: passes when the command succeeds
check() {
	_desc=$1
	shift
	if "$@"; then pass "$_desc"; else fail "$_desc"; fi
}

# check_eq DESCRIPTION ACTUAL EXPECTED
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', expected '$3'"; fi
}

# expect_exit DESCRIPTION CODE PATTERN COMMAND...: exit code CODE and stderr matching PATTERN
expect_exit() {
	_desc=$1 _code=$2 _pattern=$3
	shift 3
	"$@" >"$NP_TEST_OUT" 2>"$NP_TEST_ERR"
	_got=$?
	if [ "$_got" != "$_code" ]; then
		fail "$_desc: exit $_got, expected $_code ($(head -c 200 "$NP_TEST_ERR"))"
	elif ! grep -q -- "$_pattern" "$NP_TEST_ERR"; then
		fail "$_desc: stderr '$(head -c 200 "$NP_TEST_ERR")' does not mention '$_pattern'"
	else
		pass "$_desc"
	fi
}

# check_width DESCRIPTION FILE: every line of a text output fits 100 columns (issue #15)
check_width() {
	_long=$(awk 'length > 100 { print "line " FNR " has " length " columns: " substr($0, 1, 60) "..."; exit }' "$2")
	if [ -z "$_long" ]; then pass "$1: within 100 columns"; else fail "$1: $_long"; fi
}

# joined FILE: the text on one line, each line's leading spaces one space: a grep for a sentence
# finds it where the output wrapped it at 100 columns
joined() {
	awk '{ sub(/^ +/, ""); printf "%s%s", (NR > 1 ? " " : ""), $0 } END { print "" }' "$1"
}

# grep_joined PATTERN FILE: grep -q PATTERN in joined FILE
grep_joined() { joined "$2" | grep -q -- "$1"; }

finish() {
	echo "$NP_PASSED passed, $NP_FAILED failed"
	[ "$NP_FAILED" -eq 0 ]
}

# in_range VALUE LOW HIGH: VALUE is a number within [LOW, HIGH] (null never is)
in_range() {
	awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "null" && v != "" && v + 0 >= lo && v + 0 <= hi) }'
}

# wait_for FILE [TENTHS]: wait until FILE exists (default 10 s)
wait_for() {
	_i=0
	while [ ! -e "$1" ] && [ $_i -lt "${2:-100}" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -e "$1" ]
}
