#!/usr/bin/env bash
# One command from a fresh Debian machine to a running daemon: installs what ctr needs, builds
# the release binary and runs `ctr daemon` with its embedded defaults (socket /run/ctr/ctr.sock,
# root /var/lib/ctr, state /run/ctr). Extra arguments go to the daemon.
#
# Where systemd is the init system, the daemon runs as the service packaging/ctr.service: the
# binary goes to /usr/local/bin/ctr, the unit to /etc/systemd/system, extra arguments to a
# drop-in, and the service is enabled and (re)started; the command returns once it is ready.
# Elsewhere (or with CTR_FOREGROUND=1) the daemon runs in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
binary=$(./scripts/build-release.sh | tail -1)
if [ "${CTR_FOREGROUND:-0}" = 1 ] || [ ! -d /run/systemd/system ]; then
    exec "$binary" daemon "$@"
fi
install -m 0755 "$binary" /usr/local/bin/ctr.new
mv -f /usr/local/bin/ctr.new /usr/local/bin/ctr
install -m 0644 packaging/ctr.service /etc/systemd/system/ctr.service
dropin=/etc/systemd/system/ctr.service.d/flags.conf
if [ $# -gt 0 ]; then
    mkdir -p "$(dirname "$dropin")"
    quoted=$(printf ' %q' "$@")
    printf '[Service]\nExecStart=\nExecStart=/usr/local/bin/ctr daemon%s\n' "$quoted" > "$dropin"
else
    rm -f "$dropin"
fi
systemctl daemon-reload
systemctl enable ctr.service
# Type=notify: restart returns once the daemon said READY=1 (or failed).
systemctl restart ctr.service
systemctl --no-pager status ctr.service | head -n 5
echo "ctr daemon runs as ctr.service: journalctl -u ctr -f for its log, systemctl stop ctr to stop it"
