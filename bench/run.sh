#!/usr/bin/env bash
# Builds the release binary (static Swift runtime) and benchmarks it against Debian's
# containerd 1.6 side by side; writes docs/benchmarks.md. Run as root on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# `ctr run` here uses namespace "bench": remove its empty parent cgroups afterwards.
trap 'for parent in /sys/fs/cgroup/*/bench; do [ -d "$parent" ] && rmdir "$parent" 2>/dev/null; done; true' EXIT
binary=$(./scripts/build-release.sh | tail -1)
# The CRI rows use grpcio (from PyPI) in a virtualenv kept under .build-bench-venv.
[ -x .build-bench-venv/bin/python ] || python3 -m venv .build-bench-venv
.build-bench-venv/bin/pip install -q grpcio grpcio-tools
.build-bench-venv/bin/python bench/bench.py --binary "$binary" "$@"
