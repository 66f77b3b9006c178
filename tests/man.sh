#!/usr/bin/env bash
# The man page against the binary (issue 15): every option a command's --help shows is in that
# command's section of numaplace(8) (its synopsis or its .SS under COMMANDS), every option the
# section describes is in --help, every command is there, and man renders it without a warning.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
np=${NP_BIN:-$here/../build/numaplace}
page=$here/../dist/numaplace.8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The page's source as text: \- is -, font changes and \~ go, so "\-\-pause\-ms" reads --pause-ms.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\~/ /g' -e 's/\\&//g' "$page" >"$tmp/page.txt"

# man_section CMD: the synopsis entry (.SY "numaplace CMD" to .YS) and the .SS CMD section
# (to the next .SS or .SH) of the page.
man_section() {
	awk -v cmd="$1" '
		$0 == ".SY \"numaplace " cmd "\"" { s = 1 }
		s { print } s && /^\.YS/ { s = 0 }
		$0 == ".SS " cmd { t = 1; next }
		t && /^\.S[SH] / { t = 0 }
		t { print }' "$tmp/page.txt"
}

# options TEXT-FILE: the options a text names, one a line: --long, and -x where it stands alone
options() {
	grep -o -E -- '(^|[][ ,|("])--?[a-zA-Z][a-zA-Z0-9-]*' "$1" | sed -E 's/^[][ ,|("]//' |
		grep -v -E -- '^-[a-zA-Z][a-zA-Z0-9]' | sort -u
}

commands=$("$np" --help | awk '/^commands:/ { c = 1; next } c && NF { print $1 } c && !NF { c = 0 }')
check "man: numaplace --help lists commands" test -n "$commands"
for cmd in $commands; do
	man_section "$cmd" >"$tmp/$cmd.man"
	check "man: has a section for $cmd" grep -q . "$tmp/$cmd.man"
	"$np" "$cmd" --help >"$tmp/$cmd.help"
	check_eq "man: numaplace $cmd --help exits 0" "$?" 0
	# --help itself is said once for every command, in DESCRIPTION
	options "$tmp/$cmd.help" | grep -v -x -e --help >"$tmp/$cmd.help.opts"
	options "$tmp/$cmd.man" >"$tmp/$cmd.man.opts"
	missing=$(comm -23 "$tmp/$cmd.help.opts" "$tmp/$cmd.man.opts" | tr '\n' ' ')
	check_eq "man: every option of '$cmd --help' is in its man section" "$missing" ""
	# the section's own entries (.TP then the option), not options of others it mentions
	awk '/^\.TP/ { getline; print }' "$tmp/$cmd.man" >"$tmp/$cmd.tp"
	options "$tmp/$cmd.tp" >"$tmp/$cmd.tp.opts"
	extra=$(comm -13 "$tmp/$cmd.help.opts" "$tmp/$cmd.tp.opts" | tr '\n' ' ')
	check_eq "man: every option the $cmd section describes is in its --help" "$extra" ""
done
check "man: says every command takes --help" grep -q -- "--help" "$tmp/page.txt"
check "man: names --version" grep -q -- "--version" "$tmp/page.txt"
check "man: dated December 2026" grep -q '^\.TH NUMAPLACE 8 "December 2026"' "$page"

# what the page says of defaults, against --help
check "man: place --sample defaults to auto (as --help says)" \
	sh -c "grep -q 'auto, the' '$tmp/place.help' && grep -A3 '^.BI --sample \" SECS\"' '$tmp/page.txt' | grep -q 'auto'"
check "man: run --once runs two intervals (as --help says)" \
	sh -c "grep -q 'two intervals' '$tmp/run.help' && grep -A2 '^.B --once' '$tmp/page.txt' | grep -q 'two intervals'"
check "man: the default configuration file, as run --help names it" \
	sh -c "grep -q /etc/numaplace/numaplace.conf '$tmp/run.help' && grep -q 'without it and' '$tmp/run.help' && grep -q 'when that file exists' '$tmp/run.man'"
check "man: the process match rule" grep -q '^\.BI process " = REGEX"' "$tmp/page.txt"

# rendered without a warning, as the install test renders the installed copy
groff -man -ww -z "$page" >"$tmp/groff.err" 2>&1
check_eq "man: groff -man -ww finds nothing to warn about" "$(cat "$tmp/groff.err")" ""
MANWIDTH=80 man --warnings -l "$page" >"$tmp/man.txt" 2>"$tmp/man.err"
check_eq "man: man --warnings -l renders it silently" "$(cat "$tmp/man.err")" ""
check "man: rendered lines fit 80 columns" awk 'length > 80 { exit 1 }' "$tmp/man.txt"

finish
