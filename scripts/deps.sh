#!/usr/bin/env bash
# Install what numaplace needs to build and test, and nothing that is already there.
# Idempotent: a machine that has everything runs no apt-get at all.
#
#   scripts/deps.sh          build + test dependencies (Debian 12 packages)
#   scripts/deps.sh --check  exit 1 when something is missing, install nothing
#   scripts/deps.sh --build  only what building build/numaplace needs (dist/Containerfile)
#   scripts/deps.sh --image  what building the container image here needs (scripts/image.sh)
set -euo pipefail

build_packages=(
	# build: BPF compiler, skeleton generator, libraries the agent links
	make gcc clang llvm bpftool pkg-config
	libbpf-dev libelf-dev zlib1g-dev libnuma-dev libjson-c-dev libinih-dev libpcre2-dev
	libncurses-dev
)
packages=(
	"${build_packages[@]}"
	# tests of dist/ (tests/dist.sh): the Kubernetes manifest parsed with Debian's PyYAML
	python3-yaml
	# tests: tools the VM scenarios use, the guest's busybox, initramfs packing
	numactl jq busybox-static cpio kmod qemu-system-x86 irqbalance numad
	# tests of top's interactive view (tests/cli_top_tmux.sh)
	tmux
	# tests of `make install`: the man page rendered without warnings
	groff-base man-db
	# fuzzing (tests/fuzz/): libFuzzer and the sanitizer runtimes for clang
	libclang-rt-14-dev
)

# promtool (tests/dist.sh: `promtool check rules`, `promtool test rules`) is in Debian's
# prometheus package, whose installation starts a Prometheus server on this host. So the
# package is only downloaded and unpacked into a cache directory: nothing runs, nothing is
# registered with dpkg.
PROMTOOL_DIR=${PROMTOOL_DIR:-/var/cache/numaplace/promtool}
promtool_fetch() {
	local tmp
	[[ -x "$PROMTOOL_DIR/usr/bin/promtool" ]] && return 0
	if [[ "${1:-}" == "--check" ]]; then
		echo "missing: promtool (in $PROMTOOL_DIR)" >&2
		return 1
	fi
	echo "deps.sh: unpacking promtool from Debian's prometheus package into $PROMTOOL_DIR"
	tmp=$(mktemp -d)
	# apt's download user cannot write a root-only temporary directory
	chmod 0755 "$tmp"
	(cd "$tmp" && apt-get download -qq prometheus 2>/dev/null) &&
		dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/x" &&
		install -D -m 0755 "$tmp/x/usr/bin/promtool" "$PROMTOOL_DIR/usr/bin/promtool"
	local rc=$?
	rm -rf "$tmp"
	return $rc
}

image_packages=(
	# podman builds dist/Containerfile; debootstrap makes its Debian 12 base from the mirror
	podman debootstrap
)

case "${1:-}" in
--build) packages=("${build_packages[@]}") ;;
--image) packages=("${image_packages[@]}") ;;
esac

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
	[[ "${1:-}" == "--build" || "${1:-}" == "--image" ]] && exit 0
	promtool_fetch "${1:-}"
	exit
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
[[ "${1:-}" == "--build" || "${1:-}" == "--image" ]] || promtool_fetch
