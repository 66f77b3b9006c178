#!/usr/bin/env bash
# Fetch Debian's linux-image-amd64 for the VM test bed without installing it on the host:
# the package is downloaded and unpacked into a cache, so the host's /boot stays untouched.
# Prints the directory that holds vmlinuz and lib/modules/<version>/ (with modules.dep).
#
#   scripts/guest-kernel.sh [CACHE_DIR]     default /var/cache/numaplace/guest-kernel
set -euo pipefail

cache=${1:-${NP_KERNEL_CACHE:-/var/cache/numaplace/guest-kernel}}
mkdir -p "$cache"

# Reuse whatever kernel was fetched before: the cache is only ever filled by this script.
existing=$(find "$cache" -mindepth 2 -maxdepth 2 -name vmlinuz 2>/dev/null | sort | tail -n 1)
if [[ -n "$existing" && -z "${NP_KERNEL_REFRESH:-}" ]]; then
	dirname "$existing"
	exit 0
fi

pkg_of() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'; }
pkg=$(pkg_of)
if [[ -z "$pkg" ]]; then
	apt-get update -qq >&2
	pkg=$(pkg_of)
fi
[[ -n "$pkg" ]] || { echo "guest-kernel.sh: cannot resolve linux-image-amd64" >&2; exit 1; }

kver=${pkg#linux-image-}
dest="$cache/$kver"
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
	{ echo "guest-kernel.sh: apt-get download $pkg failed" >&2; exit 1; }
dpkg-deb -x "$tmp"/*.deb "$tmp/root"
# The package ships no modules.dep (depmod runs at install time): make it here.
depmod -b "$tmp/root" "$kver"

mkdir -p "$tmp/out"
cp "$tmp/root/boot/vmlinuz-$kver" "$tmp/out/vmlinuz"
mv "$tmp/root/lib" "$tmp/out/lib"
rm -rf "$dest"
mv "$tmp/out" "$dest"
echo "$dest"
