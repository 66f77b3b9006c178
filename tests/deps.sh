#!/usr/bin/env bash
# scripts/deps.sh: on this host (Debian) every group is installed (--check passes); a missing
# package is named with its group and why, without apt-get; on Fedora, RHEL rebuilds, Arch and
# unknown systems (NP_OS_RELEASE: another os-release file) the packages are named with the
# command that installs them there, exit 1, and neither apt-get nor dpkg runs.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
deps=$top/scripts/deps.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for mode in --build --deb --test; do
	check "deps.sh --check $mode: all there" "$deps" --check "$mode"
done
expect_exit "deps.sh with a bad argument" 2 "usage" "$deps" --bogus

# stand-ins that record whether apt-get or dpkg ran, and a dpkg-query that finds nothing
mkdir "$tmp/bin"
for tool in apt-get dpkg; do
	printf '#!/bin/sh\necho "%s $*" >>%s/ran\nexit 1\n' "$tool" "$tmp" >"$tmp/bin/$tool"
done
printf '#!/bin/sh\nexit 1\n' >"$tmp/bin/dpkg-query"
chmod 0755 "$tmp/bin"/*
stubbed() { PATH="$tmp/bin:$PATH" "$@"; }
ran() { cat "$tmp/ran" 2>/dev/null; }

osr() { printf '%s\n' "$@" >"$tmp/os-release"; }
osr ID=ubuntu ID_LIKE=debian
check "Ubuntu: found as Debian's family" env NP_OS_RELEASE="$tmp/os-release" \
	"$deps" --check --build
expect_exit "Debian, a package missing: --check names the group and why" 1 \
	"deps.sh: missing build, to build: BPF compiler" stubbed "$deps" --check --build
check "... and the packages" grep -q "libbpf-dev" "$NP_TEST_ERR"

osr ID=fedora VERSION_ID=40
expect_exit "Fedora: exit 1 with the dnf command" 1 "dnf install make gcc clang" \
	stubbed env NP_OS_RELEASE="$tmp/os-release" "$deps" --build
check "Fedora: the devel packages" grep -q "libbpf-devel elfutils-libelf-devel" "$NP_TEST_ERR"
check "Fedora: no test packages for a build" sh -c "! grep -q qemu '$NP_TEST_ERR'"
check "Fedora: says why" grep -q "needs build, to build: BPF compiler" "$NP_TEST_ERR"
osr ID=rocky 'ID_LIKE="rhel centos fedora"'
expect_exit "Rocky (ID_LIKE rhel): the dnf command, with the test group" 1 "dnf install" \
	stubbed env NP_OS_RELEASE="$tmp/os-release" "$deps" --test
check "Rocky: QEMU among the test packages" grep -q "qemu-system-x86" "$NP_TEST_ERR"
osr ID=arch
expect_exit "Arch: the pacman command" 1 "pacman -S make gcc clang" \
	stubbed env NP_OS_RELEASE="$tmp/os-release" "$deps" --build
osr ID=nixos
expect_exit "an unknown system: Debian's names and how to build anyway" 1 "NP_SKIP_DEPS=1 make" \
	stubbed env NP_OS_RELEASE="$tmp/os-release" "$deps" --build
check_eq "no apt-get or dpkg ran in any of the above" "$(ran)" ""
check "elsewhere: every line within 100 columns" awk 'length > 100 { exit 1 }' "$NP_TEST_ERR"
check "NP_SKIP_DEPS=1: nothing checked" \
	stubbed env NP_SKIP_DEPS=1 NP_OS_RELEASE="$tmp/os-release" "$deps" --test

finish
