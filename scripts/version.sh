#!/usr/bin/env bash
# numaplace's version, one home for the binary (--version, JSON "version") and the Debian
# package: a tag v1.2 gives 1.2, 3 commits after it 1.2+3+gabc1234, a tree without tags
# 0.<commits>+g<hash>; +dirty when the work tree has changes; 0.0.0 outside git. It starts with
# a digit and holds only what a Debian upstream version may (digits, letters, . + ~).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
v=$(git -C "$top" describe --tags --match 'v[0-9]*' --always --dirty 2>/dev/null) || v=0.0.0
v=${v#v}
# a bare commit hash (no tag yet) may start with a digit too
if [[ ! $v =~ ^[0-9] || $v =~ ^[0-9a-f]{7,40}(-dirty)?$ ]]; then
	v="0.$(git -C "$top" rev-list --count HEAD 2>/dev/null || echo 0)+g$v"
fi
printf '%s\n' "$v" | tr -c 'A-Za-z0-9.+~\n' '+'
