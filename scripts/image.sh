#!/usr/bin/env bash
# Build the container image (dist/Containerfile) with podman on a machine that reaches no
# container registry, only Debian's package mirror: the Debian 12 base is made here with
# debootstrap (cached as localhost/numaplace-base:bookworm), and the build runs with chroot
# isolation, which needs no OCI runtime (crun refuses to create containers on hosts with hybrid
# cgroup hierarchies, as this test machine has).
#
#   scripts/image.sh [TAG]     default localhost/numaplace:dev   (make image)
#
# With a registry, the plain `podman build -f dist/Containerfile -t TAG .` does the same from
# docker.io's debian:bookworm-slim.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tag=${1:-localhost/numaplace:dev}
base=localhost/numaplace-base:bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

"$top/scripts/deps.sh" --image
if ! podman image exists "$base"; then
	rootfs=$(mktemp -d)
	trap 'rm -rf "$rootfs"' EXIT
	echo "image.sh: making the Debian 12 base with debootstrap ($mirror)"
	debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
	rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
	tar -C "$rootfs" -c . | podman import -q - "$base" >/dev/null
fi
# --network=host: the build stage installs packages from the mirror
podman build -q --isolation=chroot --network=host --build-arg BASE="$base" \
	-f "$top/dist/Containerfile" -t "$tag" "$top"
