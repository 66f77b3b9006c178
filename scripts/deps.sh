#!/usr/bin/env bash
# Install what numaplace needs, group by group, and nothing that is already there: one line
# per group with missing packages says what is installed and why. A machine that has
# everything runs no apt-get at all.
#
#   scripts/deps.sh --build  what building build/numaplace needs (make, dist/Containerfile)
#   scripts/deps.sh --deb    that, and what `make deb` needs
#   scripts/deps.sh --test   that, and what the tests, make demo and make bench need (CI);
#                            also the default without an argument
#   scripts/deps.sh --image  what building the container image here needs (scripts/image.sh)
#   --check before or after a mode: install nothing, exit 1 when something is missing
#
# Debian and Ubuntu (ID or ID_LIKE in /etc/os-release): installed with apt-get. Fedora, RHEL
# and its rebuilds, Arch: the missing packages are named with the command that installs them,
# exit 1 (this script installs nothing there). Elsewhere: the Debian names, exit 1.
# NP_OS_RELEASE reads another os-release file (tests); NP_SKIP_DEPS=1 checks nothing.
set -euo pipefail

mode="test" check=''
for arg in "$@"; do
	case "$arg" in
	--build) mode=build ;;
	--deb) mode=deb ;;
	--test) mode="test" ;;
	--image) mode=image ;;
	--check) check=1 ;;
	*)
		echo "usage: scripts/deps.sh [--check] [--build|--deb|--test|--image]" >&2
		exit 2
		;;
	esac
done
[[ "${NP_SKIP_DEPS:-}" == 1 ]] && exit 0

# The distribution's family: debian, fedora, arch, or its own ID
os_family() {
	local ID='' ID_LIKE='' word
	# shellcheck disable=SC1090
	[[ -r "$os_release" ]] && . "$os_release"
	for word in $ID $ID_LIKE; do
		case "$word" in
		debian | ubuntu) echo debian && return ;;
		fedora | rhel | centos) echo fedora && return ;;
		arch) echo arch && return ;;
		esac
	done
	echo "${ID:-unknown}"
}
os_release=${NP_OS_RELEASE:-/etc/os-release}
family=$(os_family)
# shellcheck disable=SC1090
os_name=$(ID='' && . "$os_release" 2>/dev/null; echo "${ID:-unknown}")

# The groups a mode needs, in order
case "$mode" in
build) groups=(build) ;;
deb) groups=(build deb) ;;
test) groups=(build deb test) ;;
image) groups=(image) ;;
esac

# Why each group is there (said when it installs something)
declare -A why=(
	[build]="to build: BPF compiler, skeleton generator, the libraries numaplace links"
	[deb]="for make deb: dpkg-shlibdeps computes the package's Depends"
	[test]="for tests, demo, bench: the VM test bed, lintian, PyYAML, libFuzzer"
	[image]="for make image: podman and debootstrap build dist/Containerfile"
)
# A group's line: the group, why, then its packages (wrapped to 100 columns)
say() {
	printf 'deps.sh: %s %s, %s:\n' "$1" "$2" "${why[$2]}"
	shift 2
	echo "$*" | fold -s -w 90 | sed 's/ *$//; s/^/    /'
}

# Debian and Ubuntu names. Two are picked by what apt knows: bpftool is its own package on
# Debian, linux-tools on Ubuntu; libFuzzer is libclang-rt-N-dev since clang 14 on Debian, for
# the installed clang's N.
apt_known() { apt-cache show "$1" >/dev/null 2>&1; }
apt_group() {
	case "$1" in
	build)
		local bpftool=bpftool
		apt_known bpftool || ! apt_known linux-tools-common || bpftool=linux-tools-common
		echo make gcc clang llvm "$bpftool" pkg-config libbpf-dev libelf-dev zlib1g-dev \
			libnuma-dev libjson-c-dev libinih-dev libpcre2-dev libncurses-dev
		;;
	deb) echo dpkg-dev binutils ;;
	test)
		local n rt
		n=$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
		# clang not installed yet: the version Debian's clang package would bring
		[[ -n "$n" ]] || n=$(apt-cache show clang 2>/dev/null |
			sed -n 's/^Depends:.*clang-\([0-9]*\).*/\1/p' | head -1)
		rt=libclang-rt-${n:-14}-dev
		apt_known "$rt" || ! apt_known "libclang-common-${n:-14}-dev" ||
			rt=libclang-common-${n:-14}-dev
		echo python3-yaml numactl jq busybox-static cpio kmod qemu-system-x86 irqbalance numad \
			groff-base man-db lintian tmux "$rt"
		;;
	image) echo podman debootstrap ;;
	esac
}
dnf_group() {
	case "$1" in
	build)
		echo make gcc clang llvm bpftool pkgconf-pkg-config libbpf-devel elfutils-libelf-devel \
			zlib-devel numactl-devel json-c-devel inih-devel pcre2-devel ncurses-devel
		;;
	deb) echo dpkg-dev binutils ;;
	test)
		echo python3-pyyaml numactl jq busybox cpio kmod qemu-system-x86 irqbalance numad \
			groff-base man-db lintian tmux compiler-rt
		;;
	image) echo podman debootstrap ;;
	esac
}
pacman_group() {
	case "$1" in
	build) echo make gcc clang llvm bpf pkgconf libbpf libelf zlib numactl json-c libinih pcre2 ncurses ;;
	deb) echo dpkg binutils ;;
	test)
		echo python-yaml numactl jq busybox cpio kmod qemu-system-x86 irqbalance groff man-db \
			lintian tmux compiler-rt
		;;
	image) echo podman debootstrap ;;
	esac
}

# The packages of a group that are not installed
missing_of() {
	local pkg
	for pkg in "$@"; do
		case "$family" in
		debian)
			[[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" == "install ok installed" ]] ||
				echo "$pkg"
			;;
		fedora) rpm -q "$pkg" >/dev/null 2>&1 || echo "$pkg" ;;
		arch) pacman -Q "$pkg" >/dev/null 2>&1 || echo "$pkg" ;;
		*) echo "$pkg" ;;
		esac
	done
}

# promtool (tests/dist.sh: `promtool check rules`, `promtool test rules`) is in Debian's
# prometheus package, whose installation starts a Prometheus server on this host. So the
# package is only downloaded and unpacked into a cache directory: nothing runs, nothing is
# registered with dpkg.
PROMTOOL_DIR=${PROMTOOL_DIR:-/var/cache/numaplace/promtool}
promtool_fetch() {
	local tmp
	[[ -x "$PROMTOOL_DIR/usr/bin/promtool" ]] && return 0
	if [[ -n "$check" ]]; then
		echo "missing: promtool (in $PROMTOOL_DIR)" >&2
		return 1
	fi
	echo "deps.sh: test: unpacking promtool from Debian's prometheus package into $PROMTOOL_DIR"
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

# Not Debian or Ubuntu: name what to install, install nothing
elsewhere() {
	local group all=() pkgs tool
	for group in "${groups[@]}"; do
		case "$family" in
		fedora) read -ra pkgs <<<"$(dnf_group "$group")" ;;
		arch) read -ra pkgs <<<"$(pacman_group "$group")" ;;
		*) read -ra pkgs <<<"$(apt_group "$group")" ;;
		esac
		mapfile -t pkgs < <(missing_of "${pkgs[@]}")
		((${#pkgs[@]})) || continue
		say needs "$group" "${pkgs[@]}" >&2
		all+=("${pkgs[@]}")
	done
	((${#all[@]})) || exit 0
	case "$family" in
	fedora) tool="dnf install" ;;
	arch) tool="pacman -S" ;;
	*) tool= ;;
	esac
	if [[ -n "$tool" ]]; then
		echo "deps.sh: installs packages only on Debian and Ubuntu; on $os_name, as root:" >&2
		echo "$tool ${all[*]}" | fold -s -w 90 | sed 's/ *$//; s/^/    /' >&2
	else
		echo "deps.sh: unknown distribution '$family'; the names above are Debian's:" >&2
		echo "    install their equivalents, then build with NP_SKIP_DEPS=1 make" >&2
	fi
	exit 1
}

[[ "$family" == debian ]] || elsewhere

missing=()
for group in "${groups[@]}"; do
	read -ra pkgs <<<"$(apt_group "$group")"
	mapfile -t pkgs < <(missing_of "${pkgs[@]}")
	((${#pkgs[@]})) || continue
	if [[ -n "$check" ]]; then
		say missing "$group" "${pkgs[@]}" >&2
	else
		say installing "$group" "${pkgs[@]}"
	fi
	missing+=("${pkgs[@]}")
done

if ((${#missing[@]})); then
	[[ -z "$check" ]] || exit 1
	if ((EUID != 0)); then
		echo "deps.sh: need root to install: ${missing[*]}" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[[ "$mode" != test ]] || promtool_fetch
