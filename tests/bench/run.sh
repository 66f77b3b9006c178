#!/usr/bin/env bash
# `make bench`: print the figures. np-bench switches kernel.bpf_stats_enabled on for its
# cost round only; it is put back as it was here, whatever happens.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
old=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'echo "$old" >/proc/sys/kernel/bpf_stats_enabled' EXIT
echo "== sampler on this host ($(uname -r), $(nproc) CPUs)"
"$here/../../build/np-bench"
