#!/usr/bin/env bash
# The node scenario, run inside the Debian guest (systemd as PID 1, cgroup v2 unified) by
# guest.sh's scenario unit. Its directory (the read-only share) holds: ctr and the Swift
# libraries it loads, the repository's scripts/install-service.sh and packaging/ctr.service (in
# the same layout), this script, cgroup-scenario.sh, the OCI archives busybox.tar (tag v1) and
# pause.tar (tag pause), and containerd-ctr (Debian containerd's own ctr, a second client).
# Checks:
#   - scripts/install-service.sh (what the README's run command does under systemd) installs,
#     enables and starts the service;
#   - `systemctl start ctr` returns only once the socket answers (Type=notify, READY=1): a call
#     made right after it returns succeeds, and the unit is active (running);
#   - `systemctl restart ctr` keeps a running container (same PID, and its exit code later);
#   - the cgroup scenario with the cgroupfs driver, then with SystemdCgroup = true;
#   - `systemctl stop ctr` stops it cleanly (Result=success, status 0).
# Prints one line per check; the first failure ends it with status 1.
set -euo pipefail
share=$(dirname "$(readlink -f "$0")")
work=/var/tmp/ctr-node
rm -rf "$work"
mkdir -p "$work" /etc/ctr

ok() { echo "ok    [node] $*"; }
fail() {
    echo "FAIL  [node] $*"
    journalctl -u ctr --no-pager -n 40 2>/dev/null || true
    exit 1
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

echo "      [node] $(uname -r), init $(cat /proc/1/comm), $(stat -fc %T /sys/fs/cgroup), runc $(runc --version | head -n1)"
[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || fail "/sys/fs/cgroup is not cgroup v2"
# The binary's run path names /opt/swift/usr/lib/swift/linux: there, the libraries it brought.
mkdir -p /opt/swift/usr/lib/swift
ln -sfn "$share" /opt/swift/usr/lib/swift/linux
export CONTAINERD_ADDRESS=/run/ctr/ctr.sock
export CONTAINERD_CTR=$share/containerd-ctr

write_config() {
    cat > /etc/ctr/config.toml <<EOF
version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "example.com/busybox:pause"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    SystemdCgroup = $1
EOF
}
write_config false
"$share/scripts/install-service.sh" "$share/ctr" >/dev/null || fail "scripts/install-service.sh failed"
[ "$(systemctl is-enabled ctr)" = enabled ] && [ "$(systemctl is-active ctr)" = active ] \
    || fail "after install-service.sh ctr.service is $(systemctl is-enabled ctr), $(systemctl is-active ctr)"
ok "scripts/install-service.sh installed, enabled and started ctr.service"
systemctl stop ctr || fail "systemctl stop ctr failed"

# Readiness: the call right after `systemctl start` returns must succeed at once.
started=$(now_ms)
systemctl start ctr || fail "systemctl start ctr failed"
returned=$(now_ms)
ctr --connect-timeout 1s version >/dev/null 2>"$work/version.err" \
    || fail "a call right after systemctl start returned failed: $(cat "$work/version.err")"
answered=$(now_ms)
state=$(systemctl show -p ActiveState -p SubState --value ctr | paste -sd/)
[ "$state" = active/running ] || fail "ctr.service is $state, not active/running"
ok "systemctl start ctr returned after $((returned - started)) ms; a call right after answered in $((answered - returned)) ms; active (running)"

for archive in busybox pause; do
    ctr -n k8s.io images import --base-name example.com/busybox "$share/$archive.tar" >/dev/null \
        || fail "importing $archive.tar failed"
done
ctr images import --base-name example.com/busybox "$share/busybox.tar" >/dev/null || fail "importing busybox.tar failed"
ok "images imported"

# A container that outlives a restart of the service, and whose exit code arrives afterwards.
ctr run -d example.com/busybox:v1 keeper sh -c 'while [ ! -e /stop ]; do sleep 0.1; done; exit 7' \
    || fail "ctr run -d keeper failed"
task_field() { ctr tasks ls | awk -v id="$1" -v n="$2" '$1 == id { print $n }'; }
pid=$(task_field keeper 2)
[ -n "$pid" ] && [ "$(task_field keeper 3)" = RUNNING ] || fail "keeper is not running: $(ctr tasks ls)"
systemctl restart ctr || fail "systemctl restart ctr failed"
ctr --connect-timeout 1s version >/dev/null || fail "no answer right after systemctl restart returned"
[ "$(task_field keeper 2)" = "$pid" ] && [ "$(task_field keeper 3)" = RUNNING ] \
    || fail "after the restart keeper is '$(task_field keeper 2) $(task_field keeper 3)', not '$pid RUNNING'"
kill -0 "$pid" || fail "keeper's process $pid is gone"
ctr tasks exec --exec-id stopper keeper sh -c ": > /stop" || fail "exec in keeper after the restart failed"
for attempt in $(seq 1 100); do
    [ "$(task_field keeper 3)" = STOPPED ] && break
    sleep 0.2
done
status=$(ctr tasks ls -o json | tr -d ' \n' | grep -o '"id":"keeper"[^}]*' | grep -o '"exitStatus":[0-9]*' | cut -d: -f2)
[ "$(task_field keeper 3)" = STOPPED ] && [ "$status" = 7 ] \
    || fail "keeper after the restart: $(task_field keeper 3), exit status '$status' (want STOPPED, 7)"
ctr tasks rm keeper >/dev/null && ctr containers rm keeper >/dev/null
ok "systemctl restart ctr kept keeper running (pid $pid), its exit status 7 arrived after the restart"

CTR=/usr/local/bin/ctr bash "$share/cgroup-scenario.sh" cgroupfs example.com/busybox:v1 "$work/cgroupfs" \
    || fail "the cgroup scenario failed with the cgroupfs driver"
driver=$(ctr cri runtime-config | awk '/[Cc]group/ { print $NF }')
[ "$driver" = cgroupfs ] || fail "RuntimeConfig reports the cgroup driver '$driver', not cgroupfs"

write_config true
systemctl restart ctr || fail "systemctl restart ctr with SystemdCgroup = true failed"
ctr --connect-timeout 1s version >/dev/null || fail "no answer after the restart with SystemdCgroup = true"
driver=$(ctr cri runtime-config | awk '/[Cc]group/ { print $NF }')
[ "$driver" = systemd ] || fail "RuntimeConfig reports the cgroup driver '$driver', not systemd"
ok "RuntimeConfig reports the systemd driver"
CTR=/usr/local/bin/ctr bash "$share/cgroup-scenario.sh" systemd example.com/busybox:v1 "$work/systemd" \
    || fail "the cgroup scenario failed with the systemd driver"

systemctl stop ctr || fail "systemctl stop ctr failed"
result=$(systemctl show -p Result --value ctr)
main_status=$(systemctl show -p ExecMainStatus --value ctr)
[ "$result" = success ] && [ "$main_status" = 0 ] || fail "systemctl stop ctr: Result=$result, status $main_status"
[ ! -e /run/ctr/ctr.sock ] || fail "the socket is still there after the stop"
ok "systemctl stop ctr: Result=success, exit status 0, socket removed"
echo "passed [node] node scenario"
