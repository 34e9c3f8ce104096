#!/usr/bin/env bash
# Regenerates scripts/code-order.txt.gz, the order in which build-release.sh places the functions
# a running daemon uses (see scripts/order-code.py for why and how). Run as root on an idle
# machine with perf (Debian linux-perf), runc, CNI plugins and docker-registry; 3–5 minutes.
# Regenerate after large changes: functions the list does not name stay where the linker puts
# them, and each one the daemon runs brings its neighbourhood into memory.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build-bench-venv/bin/python ] || python3 -m venv .build-bench-venv
.build-bench-venv/bin/pip install -q grpcio grpcio-tools
work=$(mktemp -d /tmp/ctr-order.XXXXXX)
# `ctr run` here uses namespace "bench": its empty parent cgroups go too.
trap 'rm -rf "$work"; for parent in /sys/fs/cgroup/*/bench; do [ -d "$parent" ] && rmdir "$parent" 2>/dev/null; done; true' EXIT
profile() { .build-bench-venv/bin/python scripts/order-code.py "$@"; }
# 1. One function per page: the pages the daemon maps name the functions it runs.
binary=$(CTR_LINK_PAGED=1 CTR_LINK_MAP="$work/paged.map" ./scripts/build-release.sh | tail -1)
cp "$binary" "$work/paged"
profile --binary "$work/paged" --paged --map "$work/paged.map" --output "$work/order-0.gz"
# 2. Linked in that order, twice more: each page fault outside the ordered functions names one
#    the first pass missed (run only by some timings, or sharing a page with another), or a
#    private function, which the link map names by input section.
for pass in 1 2; do
    cp "$work/order-$((pass - 1)).gz" scripts/code-order.txt.gz
    binary=$(CTR_LINK_MAP="$work/ctr.map" ./scripts/build-release.sh | tail -1)
    cp "$binary" "$work/ordered"
    profile --binary "$work/ordered" --map "$work/ctr.map" --previous "$work/order-$((pass - 1)).gz" \
        --output "$work/order-$pass.gz"
done
cp "$work/order-2.gz" scripts/code-order.txt.gz
./scripts/build-release.sh
