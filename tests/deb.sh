#!/usr/bin/env bash
# The Debian package (make deb, scripts/deb.sh): its files, their modes and owner, the conffile,
# Depends against the libraries the binary links, lintian without errors, warnings or hardening
# findings (the packaged binary is built with dpkg-buildflags); then the package installed on
# this host with apt-get, enabled, reinstalled, removed and purged, and `make uninstall`,
# leaving the host as it was.
#
# This test host does not run systemd as PID 1, so the maintainer scripts are run twice: as
# they are (no systemd: they must call no systemctl at all), and in a private mount namespace
# where /run/systemd/system exists (what the scripts test for), policy-rc.d allows actions, and
# a systemctl earlier in PATH records each call and whether numaplace's binary was still there
# (is-enabled and enable go to the real systemctl, offline). In both, /var/cache/numaplace is
# a tmpfs seeded with a measurement and another file, so that purge is seen to take only
# numaplace's own files and the host's cache stays untouched.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

# Inside the namespace: `tests/deb.sh --ns FAKE_SYSTEMD COMMAND...`
if [[ "${1:-}" == --ns ]]; then
	fake=$2
	shift 2
	cache=/var/cache/numaplace
	mount -t tmpfs -o mode=0755 none "$cache" || exit 99
	echo '{}' >"$cache/measure-0123456789abcdef.json"
	mkdir "$cache/other"
	if [[ "$fake" == 1 ]]; then
		run=/run/systemd
		[[ -d $run ]] || run=/run
		mount -t tmpfs -o mode=0755 none "$run" && mkdir -p /run/systemd/system || exit 99
		if [[ -e /usr/sbin/policy-rc.d ]]; then
			mount --bind "$NP_DEB_TMP/policy-rc.d" /usr/sbin/policy-rc.d || exit 99
		fi
	fi
	"$@"
	rc=$?
	ls -A "$cache" >"$NP_DEB_TMP/cache.after"
	exit $rc
fi

. "$here/lib.sh"
tmp=$(mktemp -d)
export NP_DEB_TMP=$tmp
arch=$(dpkg --print-architecture)
link=/etc/systemd/system/multi-user.target.wants/numaplace.service
made_cache=

cleanup() {
	if dpkg-query -W -f='${Status}' numaplace 2>/dev/null | grep -q ' installed$\|config-files'; then
		in_ns 0 dpkg --purge numaplace >/dev/null 2>&1
	fi
	rm -f "$link"
	[[ -z "$made_cache" ]] || rmdir /var/cache/numaplace
	rm -rf "$tmp"
}
trap cleanup EXIT

# in_ns FAKE_SYSTEMD COMMAND...: COMMAND in a private mount namespace, the recorder in PATH
in_ns() {
	PATH="$tmp/bin:$PATH" unshare -m --propagation private "$0" --ns "$@"
}
# ns_apt FAKE_SYSTEMD ARGS...: apt-get in the namespace, waiting for another apt-get's lock;
# DPkg::Path empty keeps PATH (with the recorder) for dpkg and the maintainer scripts
ns_apt() {
	in_ns "$1" apt-get -y -q -o DPkg::Lock::Timeout=300 -o DPkg::Path= "${@:2}" \
		>>"$tmp/apt.out" 2>&1
}

# --- the package itself
if make -s -C "$top" deb >"$tmp/make.out" 2>&1; then
	pass "make deb"
else
	fail "make deb: $(tail -n 3 "$tmp/make.out")"
	finish
	exit
fi
debs=$(ls "$top"/build/numaplace_*_"$arch".deb)
deb=$(echo "$debs" | head -n 1)
check_eq "make deb leaves one package" "$(echo "$debs" | wc -l)" 1
version=$(dpkg-deb -f "$deb" Version)
check "Debian version $version starts with a digit" grep -q '^[0-9]' <<<"$version"
check_eq "file name" "${deb##*/}" "numaplace_${version}_$arch.deb"

unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
unitdir=${unitdir:-/lib/systemd/system}
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $1, $2, $6 }' | sort >"$tmp/files"
cat >"$tmp/files.want" <<EOF
-rw-r--r-- root/root .$unitdir/numaplace.service
-rw-r--r-- root/root ./etc/numaplace/numaplace.conf
-rw-r--r-- root/root ./usr/share/doc/numaplace/changelog.Debian.gz
-rw-r--r-- root/root ./usr/share/doc/numaplace/copyright
-rw-r--r-- root/root ./usr/share/lintian/overrides/numaplace
-rw-r--r-- root/root ./usr/share/man/man8/numaplace.8.gz
-rwxr-xr-x root/root ./usr/sbin/numaplace
EOF
sort -o "$tmp/files.want" "$tmp/files.want"
check "files, modes and owners ($(tr '\n' ';' <"$tmp/files"))" cmp -s "$tmp/files" "$tmp/files.want"
check "directories are 0755 root/root" \
	awk '$1 ~ /^d/ && ($1 != "drwxr-xr-x" || $2 != "root/root") { exit 1 }' \
	<(dpkg-deb -c "$deb")

mkdir "$tmp/x"
dpkg-deb -R "$deb" "$tmp/x"
check "the man page is dist/numaplace.8, gzip -9n" \
	cmp -s <(gunzip -c "$tmp/x/usr/share/man/man8/numaplace.8.gz") "$top/dist/numaplace.8"
check "the example config is dist/numaplace.conf" \
	cmp -s "$tmp/x/etc/numaplace/numaplace.conf" "$top/dist/numaplace.conf"
check "the unit runs /usr/sbin/numaplace with /etc/numaplace/numaplace.conf" grep -qx \
	'ExecStart=/usr/sbin/numaplace run --config /etc/numaplace/numaplace.conf' \
	"$tmp/x$unitdir/numaplace.service"
check_eq "conffiles" "$(cat "$tmp/x/DEBIAN/conffiles")" /etc/numaplace/numaplace.conf
for script in postinst prerm postrm; do
	check "$script is an executable shell script" test -x "$tmp/x/DEBIAN/$script"
done
check "md5sums match the files" sh -c "cd '$tmp/x' && md5sum --quiet -c DEBIAN/md5sums"

# Depends: the package of every library the binary asks for, with a minimum version
depends=$(dpkg-deb -f "$deb" Depends)
for lib in $(objdump -p "$tmp/x/usr/sbin/numaplace" | awk '$1 == "NEEDED" { print $2 }'); do
	pkg=$(dpkg -S "*/$lib" 2>/dev/null | cut -d: -f1 | sort -u | head -n 1)
	check "Depends has $lib's package ${pkg:-?} with a version" \
		grep -q "\(^\|, \)${pkg:-none} (>= [^)]*)" <<<"$depends"
done

cp "$deb" "$tmp/first.deb"
make -s -C "$top" deb >/dev/null 2>&1
check "a rebuild from the same tree gives the same bytes" cmp -s "$deb" "$tmp/first.deb"

lintian -I "$deb" 2>&1 | grep -v 'running with root privileges' >"$tmp/lintian.out"
check "lintian: no error or warning ($(grep '^[EW]:' "$tmp/lintian.out" | head -n 3 |
	tr '\n' ';'))" sh -c "! grep -q '^[EW]:' '$tmp/lintian.out'"
check "lintian: the binary is built with the hardening flags" \
	sh -c "! grep -q 'hardening-' '$tmp/lintian.out'"

# --- installed and removed on this host
if dpkg-query -W numaplace >/dev/null 2>&1 || [[ -e /usr/sbin/numaplace || -e /etc/numaplace ]] ||
	[[ -e "$link" ]] || ! command -v unshare >/dev/null || ((EUID != 0)); then
	echo "skip: installing needs root, unshare, and a host without numaplace installed"
	finish
	exit
fi
[[ -d /var/cache/numaplace ]] || { mkdir -p /var/cache/numaplace && made_cache=1; }
mkdir "$tmp/bin"
printf '#!/bin/sh\nexit 0\n' >"$tmp/policy-rc.d"
# the recorder: each call, and whether the watched binary was there at that moment
cat >"$tmp/bin/systemctl" <<EOF
#!/bin/sh
bin=present
[ -e "\${NP_WATCH:-/usr/sbin/numaplace}" ] || bin=absent
echo "\$* bin=\$bin" >>"$tmp/systemctl.log"
case " \$* " in
*" is-enabled "* | *" enable "*) SYSTEMD_OFFLINE=1 exec /usr/bin/systemctl "\$@" ;;
esac
exit 0
EOF
chmod 0755 "$tmp/bin/systemctl" "$tmp/policy-rc.d"
log=$tmp/systemctl.log
: >"$log"

# Without systemd: installed and purged, and no systemctl call at all
check "without systemd: apt-get install ./$(basename "$deb")" ns_apt 0 install "$deb"
check "installed: binary, unit, config" test -x /usr/sbin/numaplace -a \
	-f "$unitdir/numaplace.service" -a -f /etc/numaplace/numaplace.conf
check "installed: numaplace --help runs" sh -c '/usr/sbin/numaplace --help >/dev/null 2>&1'
check "installed: the conffile is registered" \
	grep -q '/etc/numaplace/numaplace.conf' <<<"$(dpkg-query -W -f='${Conffiles}' numaplace)"
check "without systemd: purge" ns_apt 0 purge numaplace
check "purged: binary, unit and /etc/numaplace are gone" test ! -e /usr/sbin/numaplace -a \
	! -e "$unitdir/numaplace.service" -a ! -e /etc/numaplace
check_eq "purge takes numaplace's measurement, not the other cache files" \
	"$(cat "$tmp/cache.after")" other
check_eq "without systemd: no systemctl call" "$(cat "$log")" ""

# With systemd: daemon-reload, not enabled or started; kept enabled across a reinstall;
# stopped before removal; the enablement gone with the purge
check "systemd: apt-get install" ns_apt 1 install "$deb"
check "systemd: postinst reloads systemd" grep -q '^--system daemon-reload' "$log"
check "systemd: postinst neither enables nor starts" sh -c "! grep -q 'enable\|start' '$log'"
check "the service can be enabled (systemctl enable, offline)" \
	sh -c 'SYSTEMD_OFFLINE=1 systemctl enable numaplace.service >/dev/null 2>&1'
check "enabled: $link" test -L "$link"
: >"$log"
check "systemd: apt-get install --reinstall" ns_apt 1 install --reinstall "$deb"
check "systemd: an upgrade restarts the enabled service" \
	grep -q 'restart numaplace.service' "$log"
: >"$log"
check "systemd: apt-get remove" ns_apt 1 remove numaplace
check "systemd: prerm stopped the service while its binary was there" \
	grep -q 'stop numaplace.service bin=present' "$log"
check_eq "systemd: then postrm reloaded systemd" "$(tail -n 1 "$log")" \
	"--system daemon-reload bin=absent"
check "removed: the binary is gone, the changed-or-not config stays" \
	test ! -e /usr/sbin/numaplace -a -f /etc/numaplace/numaplace.conf
check "systemd: apt-get purge" ns_apt 1 purge numaplace
check "purged: config, enablement link and package record are gone" test ! -e /etc/numaplace \
	-a ! -L "$link" -a -z "$(dpkg-query -W -f='${Status}' numaplace 2>/dev/null)"
check "purged: deb-systemd-helper keeps no state of numaplace" \
	sh -c '! ls /var/lib/systemd/deb-systemd-helper-enabled 2>/dev/null | grep -q numaplace'

# make uninstall: the service stopped first where systemd runs, no systemctl call elsewhere
prefix=$tmp/prefix
mk=(make -s -C "$top" PREFIX="$prefix" SYSCONFDIR="$prefix/etc")
ns_make() { in_ns "$1" "${mk[@]}" "$2" >/dev/null 2>&1; }
export NP_WATCH=$prefix/sbin/numaplace
"${mk[@]}" install >/dev/null
: >"$log"
check "make uninstall without systemd" ns_make 0 uninstall
check_eq "make uninstall without systemd: no systemctl call" "$(cat "$log")" ""
"${mk[@]}" install >/dev/null
check "make uninstall with systemd" ns_make 1 uninstall
check "make uninstall stopped the active service while its binary was there" \
	grep -q '^stop numaplace.service bin=present' "$log"
check "make uninstall removed the binary" test ! -e "$prefix/sbin/numaplace"

finish
