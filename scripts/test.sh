#!/usr/bin/env bash
# One command from a fresh Debian machine to a passing suite: installs what ctr needs, builds
# and runs every test (unit and end-to-end against the real daemon, runc and containerd).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# grpcio (gRPC's C core) from PyPI for the load tests, in the virtualenv the bench uses too.
[ -x .build-bench-venv/bin/python ] || python3 -m venv .build-bench-venv
.build-bench-venv/bin/python -c 'import grpc' 2>/dev/null || .build-bench-venv/bin/pip install -q grpcio
./scripts/check-prerequisites.sh
# Task cgroups go with their tasks, but the per-namespace parents (/sys/fs/cgroup/*/default,
# k8s.io) stay, as containerd leaves them: remove the empty ones this run created.
before=$(ls -d /sys/fs/cgroup/*/default /sys/fs/cgroup/*/k8s.io 2>/dev/null || true)
# Each `swift test` run leaves a few empty /tmp/TemporaryDirectory.* behind (swift-corelibs-foundation's
# temporary directories, not ours): remove those this run made too.
temporaries=$(ls -d /tmp/TemporaryDirectory.* 2>/dev/null || true)
clean_up() {
    for parent in /sys/fs/cgroup/*/default /sys/fs/cgroup/*/k8s.io; do
        if [ -d "$parent" ] && ! grep -qxF "$parent" <<<"$before"; then rmdir "$parent" 2>/dev/null || true; fi
    done
    for directory in /tmp/TemporaryDirectory.*; do
        if [ -d "$directory" ] && ! grep -qxF "$directory" <<<"$temporaries"; then rm -rf "$directory"; fi
    done
}
trap clean_up EXIT
swift build --build-tests
# The unit suites run first and apart: the end-to-end suites wait on processes and sockets with
# blocking calls, which hold the threads of the shared task pool that the transport tests' calls
# and deadlines need (on 2 cores a deadline test saw its call answered after 68 s when they ran
# together).
swift test --skip-build --skip IntegrationTests
swift test --skip-build --filter IntegrationTests --skip GuestTests
# The Debian guest VM takes both cores for minutes: alone, after everything else. Its image is
# cached in /var/cache/ctr-guest between runs on one machine (keyed by what it is made of).
swift test --skip-build --filter GuestTests
# The parsers of what others send us, fuzzed with libFuzzer for a minute each (a crash fails the run).
./scripts/fuzz.sh 60
