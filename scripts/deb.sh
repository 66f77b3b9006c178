#!/usr/bin/env bash
# Build the Debian package of numaplace with dpkg-deb alone (no debian/ source tree, no
# debhelper): what `make install` puts on a host, at Debian's paths, with the example
# configuration as a conffile and maintainer scripts (dist/deb/) that tell systemd and stop
# the service before removal. `make deb` runs it.
#
#   scripts/deb.sh VERSION [BUILD_DIR [BINARY]]
#                   BUILD_DIR/numaplace_<debian version>_<arch>.deb of BINARY (BUILD_DIR/numaplace)
#   scripts/deb.sh --version VERSION     the Debian version made of VERSION, printed
#
# VERSION is the Makefile's (git describe). A Debian version starts with a digit: a tag v1.2
# or 1.2-3-gabc1234 gives 1.2 or 1.2+3+gabc1234; a tree without tags gives 0.<commits>+g<hash>.
# The "-1" after it is the packaging's revision.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

deb_version() {
	local v=${1#v}
	# a bare commit hash (no tag yet) may start with a digit too
	if [[ ! $v =~ ^[0-9] || $v =~ ^[0-9a-f]{7,40}(-dirty)?$ ]]; then
		v="0.$(git -C "$top" rev-list --count HEAD 2>/dev/null || echo 0)+g$v"
	fi
	v=$(printf '%s' "$v" | tr -c 'A-Za-z0-9.+~' '+')
	printf '%s-1\n' "$v"
}

if [[ "${1:-}" == "--version" ]]; then
	deb_version "${2:?usage: scripts/deb.sh --version VERSION}"
	exit 0
fi
if (($# < 1)) || [[ "$1" == -* ]]; then
	echo "usage: scripts/deb.sh VERSION [BUILD_DIR [BINARY]]" >&2
	exit 2
fi
version=$(deb_version "$1")
build=$(cd "${2:-$top/build}" && pwd)
bin=${3:-$build/numaplace}
[[ -x "$bin" ]] || { echo "deb.sh: no $bin (make first)" >&2; exit 2; }
for tool in dpkg-deb dpkg-shlibdeps strip gzip; do
	command -v "$tool" >/dev/null || {
		echo "deb.sh: needs $tool (scripts/deps.sh --deb installs it)" >&2
		exit 2
	}
done
arch=$(dpkg --print-architecture)
# Files carry the last commit's time, so that a rebuild of the same tree gives the same package
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null ||
	date +%s)}
maintainer=${DEB_MAINTAINER:-$(git -C "$top" log -1 --format='%an <%ae>' 2>/dev/null ||
	echo 'numaplace maintainers <root@localhost>')}
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
unitdir=${unitdir:-/lib/systemd/system}

stage=$build/deb/numaplace
rm -rf "$build/deb"
mkdir -p "$stage/DEBIAN"
umask 022

# The files: those of `make install`, at Debian's paths
files() {
	local doc=$stage/usr/share/doc/numaplace
	install -D -m 0755 "$bin" "$stage/usr/sbin/numaplace"
	# as dh_strip does; debug information is not shipped
	strip --remove-section=.comment --remove-section=.note --strip-unneeded \
		"$stage/usr/sbin/numaplace"
	install -d -m 0755 "$stage/usr/share/man/man8" "$stage$unitdir" "$doc"
	gzip -9n <"$top/dist/numaplace.8" >"$stage/usr/share/man/man8/numaplace.8.gz"
	sed -e 's|@SBINDIR@|/usr/sbin|g' -e 's|@SYSCONFDIR@|/etc|g' "$top/dist/numaplace.service" \
		>"$stage$unitdir/numaplace.service"
	install -D -m 0644 "$top/dist/numaplace.conf" "$stage/etc/numaplace/numaplace.conf"
	install -m 0644 "$top/dist/deb/copyright" "$doc/copyright"
	install -D -m 0644 "$top/dist/deb/lintian-overrides" \
		"$stage/usr/share/lintian/overrides/numaplace"
	changelog | gzip -9n >"$doc/changelog.Debian.gz"
	chmod 0644 "$stage/usr/share/man/man8/numaplace.8.gz" "$stage$unitdir/numaplace.service" \
		"$doc/changelog.Debian.gz"
}

changelog() {
	printf 'numaplace (%s) unstable; urgency=medium\n\n' "$version"
	printf '  * Built by make deb from git %s.\n\n' \
		"$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
	printf ' -- %s  %s\n' "$maintainer" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
}

# Depends: the packages of the shared libraries the binary links, at least the versions
# their shlibs/symbols files name; dpkg-shlibdeps wants a debian/control, a minimal one will do
depends() {
	local tmp out
	tmp=$(mktemp -d)
	mkdir "$tmp/debian"
	printf 'Source: numaplace\n\nPackage: numaplace\nArchitecture: any\n' >"$tmp/debian/control"
	out=$(cd "$tmp" && dpkg-shlibdeps -O "-e$stage/usr/sbin/numaplace")
	rm -rf "$tmp"
	printf '%s\n' "$out" | sed -n 's/^shlibs:Depends=//p'
}

control() {
	cat <<EOF
Package: numaplace
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $(depends)
Section: admin
Priority: optional
Description: keep inference servers on their NUMA node
 numaplace samples, with BPF programs, where the threads of inference servers
 (vLLM, Ollama, llama.cpp, ...) run and where their memory sits, and places
 them on one NUMA node: it pins threads, migrates pages, steers the IRQs of
 their network devices and tunes automatic NUMA balancing, journaling every
 change so that it can be undone.
 .
 The service is installed but not enabled: review
 /etc/numaplace/numaplace.conf, then run systemctl enable --now numaplace.
EOF
}

files
control >"$stage/DEBIAN/control"
echo /etc/numaplace/numaplace.conf >"$stage/DEBIAN/conffiles"
install -m 0755 "$top/dist/deb/postinst" "$top/dist/deb/prerm" "$top/dist/deb/postrm" \
	"$stage/DEBIAN/"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
	xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

out=$build/numaplace_${version}_$arch.deb
rm -f "$build"/numaplace_*_"$arch".deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
echo "$out"
