#!/usr/bin/env bash
# Install what numaplace needs to build and test, and nothing that is already there.
# Idempotent: a machine that has everything runs no apt-get at all.
#
#   scripts/deps.sh          build + test dependencies (Debian 12 packages)
#   scripts/deps.sh --check  exit 1 when something is missing, install nothing
set -euo pipefail

packages=(
	# build: BPF compiler, skeleton generator, libraries the agent links
	make gcc clang llvm bpftool pkg-config
	libbpf-dev libelf-dev zlib1g-dev libnuma-dev libjson-c-dev libinih-dev libpcre2-dev
	# tests: tools the VM scenarios use, the guest's busybox, initramfs packing
	numactl jq busybox-static cpio kmod qemu-system-x86 irqbalance numad
	# tests of `make install`: the man page rendered without warnings
	groff-base man-db
	# fuzzing (tests/fuzz/): libFuzzer and the sanitizer runtimes for clang
	libclang-rt-14-dev
)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
	exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
	echo "missing packages: ${missing[*]}" >&2
	exit 1
fi
if ((EUID != 0)); then
	echo "deps.sh: need root to install: ${missing[*]}" >&2
	exit 1
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
