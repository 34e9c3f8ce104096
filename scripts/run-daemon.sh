#!/usr/bin/env bash
# One command from a fresh Debian machine to a running daemon: installs what ctr needs, builds
# the release binary and runs `ctr daemon` with its embedded defaults (socket /run/ctr/ctr.sock,
# root /var/lib/ctr, state /run/ctr; /etc/ctr/config.toml when it exists). Extra arguments go to
# the daemon.
#
# Where systemd is the init system, the daemon runs as the service packaging/ctr.service
# (scripts/install-service.sh: binary in /usr/local/bin, unit enabled and restarted, extra
# arguments in a drop-in); the command returns once the daemon answers. Elsewhere (or with
# CTR_FOREGROUND=1) the daemon runs in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
binary=$(./scripts/build-release.sh | tail -1)
if [ "${CTR_FOREGROUND:-0}" = 1 ] || [ ! -d /run/systemd/system ]; then
    exec "$binary" daemon "$@"
fi
exec ./scripts/install-service.sh "$binary" "$@"
