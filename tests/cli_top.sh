# shellcheck shell=bash
# Sourced by cli.sh (its $np, $tmp, check...). Issue 16: `numaplace top`, batch mode (-b) on
# this host's kernel and the interactive view driven in tmux.

cp "$(command -v sleep)" "$tmp/np-top-probe"
"$tmp/np-top-probe" 300 &
top_probe=$!

sleep 0 &
top_gone=$!
wait $top_gone
expect_exit "top: a pid that is gone" 2 "top: --pid $top_gone: no such process" \
	"$np" top -b -n 1 --pid $top_gone
expect_exit "top: a bad interval" 2 "top: --interval '0': expected seconds, 0.1 to 3600" \
	"$np" top -b --interval 0 --pid $top_probe
expect_exit "top: too short an interval" 2 "top: --interval '0.05': expected seconds" \
	"$np" top -b --interval 0.05 --pid $top_probe
expect_exit "top: a bad count" 2 "top: --count '0': expected 1 or more" \
	"$np" top -b -n 0 --pid $top_probe
expect_exit "top: -n without -b" 2 "top: -n counts batch frames: give -b too" \
	"$np" top -n 2 --pid $top_probe
expect_exit "top: --all with --pid" 2 "top: --all cannot be combined" \
	"$np" top -b --all --pid $top_probe
expect_exit "top: interactive without a terminal" 2 \
	"top: stdout is not a terminal; use -b for batch mode" "$np" top --pid $top_probe
check "top --help explains the columns" sh -c "'$np' top --help | grep -q 'REMOTE the expected'"
check "numaplace --help lists top" sh -c "'$np' --help | grep -q '^  top '"

if [ "$(id -u)" = 0 ]; then
	"$np" top -b -n 2 --interval 0.5 --pid $top_probe >"$tmp/top.txt" 2>"$tmp/top.err"
	check_eq "top -b -n 2: exit 0" "$?" 0
	check_eq "... two frames" "$(grep -c '^numaplace top ' "$tmp/top.txt")" 2
	check_eq "... a blank line between them" "$(grep -c '^$' "$tmp/top.txt")" 1
	check_eq "... a node header each" "$(grep -c '^node 0  cpu ' "$tmp/top.txt")" 2
	check_eq "... the process's row in each" \
		"$(grep -Ec "^ *$top_probe np-top-probe +1 " "$tmp/top.txt")" 2
	check "... every line fits 100 columns" test "$(awk 'length > 100' "$tmp/top.txt" | wc -l)" -eq 0
	"$np" top -b -n 1 --interval 0.3 --match '^np-top-probe$' >"$tmp/top-m.txt" 2>&1
	check "top --match: the row" grep -Eq "^ *$top_probe np-top-probe " "$tmp/top-m.txt"
	check "... and only it" test "$(grep -c '1 of 1 processes' "$tmp/top-m.txt")" -eq 1
	. "$here/cli_top_tmux.sh"
fi
kill $top_probe 2>/dev/null
