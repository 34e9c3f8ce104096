#!/usr/bin/env bash
# One command from a fresh Debian machine to a running daemon: installs what ctr needs, builds
# the release binary and runs `ctr daemon` in the foreground with its embedded defaults
# (socket /run/ctr/ctr.sock, root /var/lib/ctr, state /run/ctr). Extra arguments go to the daemon.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
binary=$(./scripts/build-release.sh | tail -1)
exec "$binary" daemon "$@"
