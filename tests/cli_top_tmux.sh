# shellcheck shell=bash
# Sourced by cli_top.sh ($np, $tmp, $top_probe): the interactive view driven in tmux, as a
# person would over SSH: the row appears, s sorts, d opens the detail pane, the frame follows
# resizes to 80x24 and 200x50, a terminal too small says so, q quits.

# top_screen: the pane's text now
top_screen() { tmux capture-pane -p -t np-top-test; }

# top_wait PATTERN: until the pane shows it (5 s)
top_wait() {
	for _i in $(seq 50); do
		top_screen | grep -q -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

# top_fits W H: no line of the pane wider than W, the row still there
top_fits() {
	top_screen >"$tmp/top-pane.txt"
	[ "$(awk -v w="$1" 'length > w' "$tmp/top-pane.txt" | wc -l)" -eq 0 ] &&
		[ "$(wc -l <"$tmp/top-pane.txt")" -le "$2" ] &&
		grep -Eq "^ *$top_probe np-top-probe " "$tmp/top-pane.txt"
}

if ! command -v tmux >/dev/null; then
	echo "SKIP: top's interactive view: tmux is not installed (scripts/deps.sh)"
else
	tmux kill-session -t np-top-test 2>/dev/null
	tmux new-session -d -s np-top-test -x 120 -y 40 \
		"'$np' top --pid $top_probe --interval 0.5; echo \$? >'$tmp/top-tui.rc'"
	check "top: the process's row appears" top_wait "^ *$top_probe np-top-probe "
	check "... with the node header and the keys" \
		sh -c "tmux capture-pane -p -t np-top-test | grep -q '^node 0  cpu' &&
			tmux capture-pane -p -t np-top-test | grep -q '^q quit  s sort'"
	tmux send-keys -t np-top-test s
	check "s: sorted by memory" top_wait "  sort mem  "
	tmux send-keys -t np-top-test d
	check "d: the detail pane" top_wait "^---- pid $top_probe ---"
	check "... its threads" top_wait "^  tid $top_probe "
	tmux resize-window -t np-top-test -x 80 -y 24
	sleep 1.2
	check "resized to 80x24: the frame fits" top_fits 80 24
	tmux resize-window -t np-top-test -x 200 -y 50
	sleep 1.2
	check "resized to 200x50: the frame fits" top_fits 200 50
	check "... and shows the UNIT and WHY columns" top_wait "  UNIT .* WHY$"
	tmux resize-window -t np-top-test -x 70 -y 20
	check "70x20: says the terminal is too small" \
		top_wait "numaplace top needs a terminal of at least 80x24"
	tmux resize-window -t np-top-test -x 100 -y 30
	check "... and draws again once it grows" top_wait "^ *$top_probe np-top-probe "
	tmux send-keys -t np-top-test p
	check "p: the plan, by place --dry-run itself" top_wait "plan for pid $top_probe (np-top-probe)"
	tmux send-keys -t np-top-test Escape
	check "... any key goes back to the view" top_wait "^ *$top_probe np-top-probe "
	tmux send-keys -t np-top-test q
	check "q: top quits" wait_for "$tmp/top-tui.rc" 50
	check_eq "... with exit 0" "$(cat "$tmp/top-tui.rc" 2>/dev/null)" 0
	tmux kill-session -t np-top-test 2>/dev/null
fi
