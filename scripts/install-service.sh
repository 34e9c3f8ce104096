#!/usr/bin/env bash
# Installs ctr as the systemd service packaging/ctr.service and (re)starts it:
#   install-service.sh BINARY [DAEMON_FLAGS...]
# The binary goes to /usr/local/bin/ctr, the unit to /etc/systemd/system; flags go to the
# drop-in ctr.service.d/flags.conf (removed when none are given). The service is enabled and
# restarted; with Type=notify the restart returns once the daemon said READY=1, i.e. once its
# socket answers calls. scripts/run-daemon.sh calls this where systemd is the init system; the
# Debian guest test calls it too.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 BINARY [DAEMON_FLAGS...]" >&2; exit 2; }
binary=$1
shift
[ -d /run/systemd/system ] || { echo "$0: systemd is not the init system here" >&2; exit 1; }
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
systemctl enable --quiet ctr.service
systemctl restart ctr.service
systemctl --no-pager status ctr.service | head -n 5
echo "ctr daemon runs as ctr.service: journalctl -u ctr -f for its log, systemctl stop ctr to stop it"
