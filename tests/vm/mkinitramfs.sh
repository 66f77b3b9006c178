#!/usr/bin/env bash
# Build the VM test bed's initramfs: busybox, numaplace with its libraries, the tools the
# scenarios use (irqbalance and numad are Debian's own, run in the guest as on a host), the
# guest kernel's virtio-net modules (in dependency order), tests/lib.sh, the scenario, demo and
# bench scripts (with tests/bench/footprint.sh), and /init.
#
#   tests/vm/mkinitramfs.sh KERNEL_DIR OUT.cpio.gz
set -euo pipefail

kdir=${1:?usage: mkinitramfs.sh KERNEL_DIR OUT.cpio.gz}
out=${2:?usage: mkinitramfs.sh KERNEL_DIR OUT.cpio.gz}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
np_bin=${NP_BIN:-$top/build/numaplace}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,np,lib/modules/np}

cp /bin/busybox "$stage/bin/busybox"

# copy_with_libs FILE DEST: the binary plus every shared library ldd names, at the same paths.
copy_with_libs() {
	install -D -m 0755 "$1" "$stage$2"
	ldd "$1" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
		[[ -e "$stage$lib" ]] || install -D -m 0755 "$lib" "$stage$lib"
	done
}
copy_with_libs "$np_bin" /usr/bin/numaplace
copy_with_libs "$(dirname "$np_bin")/np-stream" /usr/bin/np-stream
copy_with_libs "$(dirname "$np_bin")/np-irq" /usr/bin/np-irq
copy_with_libs "$(dirname "$np_bin")/np-move" /usr/bin/np-move
for engine in np-vllm np-ollama np-llama; do # the engine-shaped workloads
	copy_with_libs "$(dirname "$np_bin")/$engine" "/usr/bin/$engine"
done
# The NVML test double (tests/nvml/), when built: found only by its soname, through
# LD_LIBRARY_PATH=/opt/np-nvml, never on the guest's default library path.
nvml=$top/build/tests/nvml/libnvidia-ml.so.1
[[ ! -f "$nvml" ]] || install -D -m 0755 "$nvml" "$stage/opt/np-nvml/libnvidia-ml.so.1"
for tool in numactl numastat migratepages jq bpftool irqbalance numad; do
	path=$(PATH=$PATH:/usr/sbin:/sbin command -v "$tool") || { echo "mkinitramfs: $tool not installed (scripts/deps.sh)" >&2; exit 1; }
	copy_with_libs "$path" "/usr/bin/$tool"
done

# Modules: the NIC's (virtio-net) and the stand-in GPU's DRM driver (bochs, so that
# /dev/dri exists as it does for a real GPU). modprobe resolves the order (virtio_ring before
# virtio, drm before bochs ...); the guest insmods them in exactly that order.
kver=$(ls "$kdir/lib/modules")
modprobe -d "$kdir" -S "$kver" --show-depends -a virtio_pci virtio_net bochs |
	awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r ko; do
		name=$(basename "$ko")
		cp "$ko" "$stage/lib/modules/np/$name"
		echo "$name" >>"$stage/etc/np-modules"
	done

cp "$top/tests/lib.sh" "$stage/np/lib.sh"
mkdir -p "$stage/np/lib"
cp "$here"/lib/*.sh "$stage/np/lib/"
mkdir -p "$stage/np/scenarios" "$stage/np/demo" "$stage/np/bench"
cp "$here"/scenarios/*.sh "$stage/np/scenarios/"
cp "$here"/demo/*.sh "$stage/np/demo/" 2>/dev/null || true
cp "$here"/bench/*.sh "$stage/np/bench/" 2>/dev/null || true
cp "$top/tests/bench/footprint.sh" "$stage/np/bench/footprint.sh" # the host's footprint bench, also run in the guest
install -m 0755 "$here/init" "$stage/init"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
