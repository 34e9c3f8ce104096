#!/usr/bin/env bash
# One command from a fresh Debian machine to a passing suite: installs what ctr needs, builds
# and runs every test (unit and end-to-end against the real daemon, runc and containerd).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/check-prerequisites.sh
# Task cgroups go with their tasks, but the per-namespace parents (/sys/fs/cgroup/*/default,
# k8s.io) stay, as containerd leaves them: remove the empty ones this run created.
before=$(ls -d /sys/fs/cgroup/*/default /sys/fs/cgroup/*/k8s.io 2>/dev/null || true)
remove_cgroup_parents() {
    for parent in /sys/fs/cgroup/*/default /sys/fs/cgroup/*/k8s.io; do
        if [ -d "$parent" ] && ! grep -qxF "$parent" <<<"$before"; then rmdir "$parent" 2>/dev/null || true; fi
    done
}
trap remove_cgroup_parents EXIT
swift build --build-tests
swift test --skip-build
