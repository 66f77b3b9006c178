#!/usr/bin/env bash
# `make demo`: boot the 2-node test guest with the stand-in GPU on node 1 and show numaplace.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
echo "Booting a 2-node QEMU guest (software emulation, about 10 s) ..."
exec "$here/run.sh" --show --nodes 2 --cpus-per-node 2 --mem-per-node 1024 --dist 10,21/21,10 \
	--dev-node 1 demo/tour 2>/dev/null | grep -v ' passed, [0-9]* failed$'
