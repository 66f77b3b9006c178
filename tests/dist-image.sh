#!/usr/bin/env bash
# The container image for real (make image-test, or NP_IMAGE=1 tests/dist.sh; minutes, so not in
# make check): built with podman from dist/Containerfile (scripts/image.sh), then run as the
# DaemonSet runs it. No kubelet here, and podman cannot start containers on this host (crun
# refuses hybrid cgroup hierarchies), so the pod is rebuilt by hand around the image's root:
# the host's /proc (hostPID), /sys and /dev, a journal directory, the ConfigMap's configuration
# mounted over the image's, the manifest's own command under the manifest's capabilities only
# (setpriv), then the readiness probe's GET /metrics and a SIGTERM.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
tag=${NP_IMAGE_TAG:-localhost/numaplace:dev}
tmp=$(mktemp -d)
ctr=
np_pid=
cleanup() {
	[ -n "$np_pid" ] && kill -KILL "$np_pid" 2>/dev/null
	[ -n "$ctr" ] && { podman umount "$ctr" >/dev/null; podman rm "$ctr" >/dev/null; }
	rm -rf "$tmp"
}
trap cleanup EXIT

t0=$(date +%s)
if ! "$top/scripts/image.sh" "$tag" >"$tmp/build.log" 2>&1; then
	tail -n 20 "$tmp/build.log"
	fail "image built ($tag)"
	finish
	exit
fi
pass "image built ($tag) in $(($(date +%s) - t0))s"

py=/usr/bin/python3
"$py" "$here/tools/dist_check.py" "$top" pod-out "$tmp"
"$py" "$here/tools/dist_check.py" "$top" conf-out "$tmp/numaplace.conf"
mapfile -t cmd <"$tmp/command"
caps=$(cat "$tmp/caps")
conf=$(awk 'prev == "--config" { print } { prev = $0 }' "$tmp/command")

entry=$(podman image inspect -f '{{json .Config.Entrypoint}}' "$tag")
check_eq "image: entrypoint is the binary the manifest runs" "$entry" "[\"${cmd[3]}\"]"
ctr=$(podman create "$tag")
root=$(podman mount "$ctr")
check "image: ${cmd[3]} in it" test -x "$root${cmd[3]}"
check "image: ${cmd[0]} in it" test -x "$root${cmd[0]}"
check "image: $conf in it" test -f "$root$conf"
check_eq "image: every library the binary links is in it" \
	"$(chroot "$root" ldd "${cmd[3]}" | grep -c 'not found')" 0
check "image: no compiler in the run stage" test ! -e "$root/usr/bin/gcc" -a ! -e "$root/usr/bin/clang"

# The pod. Two changes to the manifest's command: PID 1 of this test host (a sandbox's init)
# lets nobody open its namespaces, so nsenter joins our own cgroup namespace (the host's here,
# as /proc/1's is on a node); --dry-run, as nothing here is to be placed anyway. The port is a
# free one, not the ConfigMap's, in case something on this host holds 9435.
port=$((20000 + $$ % 10000))
sed "s/^metrics_listen = .*/metrics_listen = 0.0.0.0:$port/" "$tmp/numaplace.conf" >"$tmp/pod.conf"
podcmd=("${cmd[@]}" --dry-run)
podcmd[1]="--cgroup=/proc/$$/ns/cgroup"
cat >"$tmp/pod.sh" <<EOF
set -e
mount --rbind /proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mkdir -p "$root/run/numaplace"
mount -t tmpfs none "$root/run/numaplace"
mount --bind "$tmp/pod.conf" "$root$conf"
exec chroot "$root" /usr/bin/setpriv --bounding-set=-all,\$1 --inh-caps=-all -- \
	$(printf '%q ' "${podcmd[@]}")
EOF

unshare -m sh "$tmp/pod.sh" "$caps" >"$tmp/pod.out" 2>&1 &
np_pid=$!
ready=
for _ in $(seq 1 100); do
	curl -sf -o "$tmp/metrics" "http://127.0.0.1:$port/metrics" && ready=1 && break
	kill -0 "$np_pid" 2>/dev/null || break
	sleep 0.2
done
check "pod: readiness probe GET /metrics answers (BPF attached, config read)" test -n "$ready"
check "pod: metrics served" grep -q '^numaplace_intervals_total ' "$tmp/metrics"
# the capabilities it runs with: the manifest's, as far as this host's bounding set has them
want=0
for c in ${caps//,/ }; do
	n=$(grep -m1 -iE "define CAP_${c#+}[[:space:]]" /usr/include/linux/capability.h | awk '{print $3}')
	want=$((want | (1 << n)))
done
have=$((16#$(awk '/^CapBnd/ { print $2 }' /proc/self/status)))
eff=$((16#$(awk '/^CapEff/ { print $2 }' "/proc/$np_pid/status" 2>/dev/null || echo 0)))
check_eq "pod: runs with the manifest's capabilities only" "$eff" "$((want & have))"
[ $((want & ~have)) -ne 0 ] && echo "SKIP: capabilities this host lacks: $(printf '%#x' $((want & ~have)))"
check "pod: its BPF programs loaded under them" \
	sh -c "ls -l /proc/$np_pid/fd 2>/dev/null | grep -q bpf-prog"
kill -TERM "$np_pid"
wait "$np_pid"
rc=$?
np_pid=
check_eq "pod: SIGTERM, exit 0" "$rc" 0
check "pod: SIGTERM undoes its changes" grep -q 'restoring every change' "$tmp/pod.out"

# Without CAP_SYS_ADMIN the command fails at once: nsenter cannot join the host's cgroup
# namespace (and numaplace could not load BPF on kernels before 5.8).
unshare -m sh "$tmp/pod.sh" "${caps//+sys_admin,/}" >"$tmp/pod2.out" 2>&1
rc=$?
check "pod without CAP_SYS_ADMIN: refused (setns)" \
	sh -c "[ $rc -ne 0 ] && grep -q 'Operation not permitted' '$tmp/pod2.out'"
finish
