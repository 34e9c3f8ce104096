#!/usr/bin/env bash
# One command from a fresh Debian machine to a passing suite: installs what ctr needs, builds
# and runs every test (unit and end-to-end against the real daemon, runc and containerd).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
