#!/usr/bin/env bash
# The cgroup scenario, on whatever layout the host has (cgroup v1 or hybrid, or unified v2) and
# with either cgroup driver; the same script runs on the CI machine (v1 hybrid, cgroupfs) and in
# the Debian guest (v2 under systemd, both drivers):
#   cgroup-scenario.sh DRIVER IMAGE WORKDIR
# DRIVER is cgroupfs or systemd and must match the daemon's SystemdCgroup; IMAGE is a busybox
# image already in the daemon's k8s.io namespace; the daemon is found as every ctr command finds
# it (CONTAINERD_ADDRESS, -a). ctr is $CTR, or ctr in PATH. With CONTAINERD_CTR (containerd's
# own ctr), that client must read our task metrics too.
# A pod (host network) and containers start under `ctr cri`; the memory and CPU limits must land
# in the layout's files; `ctr cri stats` and `ctr tasks metrics` must show CPU and memory; a
# container over its memory limit must end OOMKilled with 137; after removal, the cgroups must be
# gone. Prints one line per check; the first failed check ends it with status 1.
set -euo pipefail
driver=$1
image=$2
work=$3
ctr=${CTR:-ctr}
mkdir -p "$work/logs"

ok() { echo "ok    [$driver] $*"; }
fail() {
    echo "FAIL  [$driver] $*"
    exit 1
}
# Generous per-call timeouts: in a guest without KVM every instruction is emulated.
cri() { "$ctr" cri --timeout 120s "$@"; }

if [ -e /sys/fs/cgroup/cgroup.controllers ]; then layout=unified; else layout=v1; fi
uid=$(tr -d '-' < /proc/sys/kernel/random/uuid | cut -c1-12)
if [ "$driver" = systemd ]; then
    parent="ctrtest-pod$uid.slice"
    parent_path="/ctrtest.slice/ctrtest-pod$uid.slice"
else
    parent="/ctrtest/pod$uid"
    parent_path="/ctrtest/pod$uid"
fi
echo "      [$driver] layout $layout, cgroup parent $parent"

# Where the cgroup of the pod's sandbox or container ID keeps CONTROLLER's files.
cgroup_dir() {
    local leaf
    if [ "$driver" = systemd ]; then leaf="cri-containerd-$2.scope"; else leaf="$2"; fi
    if [ "$layout" = unified ]; then
        echo "/sys/fs/cgroup$parent_path/$leaf"
    else
        echo "/sys/fs/cgroup/$1$parent_path/$leaf"
    fi
}

# A number from a JSON document: the first "value" after KEY (the CRI's UInt64Value).
json_value() {
    tr -d ' \n' | grep -o "\"$1\":{[^}]*\"value\":\"\?[0-9]*" | head -n1 | grep -o '[0-9]*$' || true
}

cat > "$work/pod.json" <<EOF
{"metadata": {"name": "cgroups-$driver", "namespace": "default", "uid": "$uid", "attempt": 0},
 "log_directory": "$work/logs",
 "linux": {"cgroup_parent": "$parent", "security_context": {"namespace_options": {"network": 2}}}}
EOF
# Busy for a moment (CPU), then 4 MiB in a shell variable (memory), then asleep (in a loop: ash
# would exec a last lone command, dropping the variable).
cat > "$work/busy.json" <<EOF
{"metadata": {"name": "busy"}, "image": {"image": "$image"},
 "command": ["sh", "-c", "i=0; while [ \$i -lt 20000 ]; do i=\$((i+1)); done; x=a; for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22; do x=\$x\$x; done; while true; do sleep 3600; done"],
 "log_path": "busy.log",
 "linux": {"resources": {"memory_limit_in_bytes": 67108864, "cpu_period": 100000, "cpu_quota": 50000}}}
EOF
# Doubles a string until the memory limit stops it.
cat > "$work/hog.json" <<EOF
{"metadata": {"name": "hog"}, "image": {"image": "$image"},
 "command": ["sh", "-c", "x=a; while true; do x=\$x\$x; done"],
 "log_path": "hog.log",
 "linux": {"resources": {"memory_limit_in_bytes": 16777216}}}
EOF

pod=$(cri runp "$work/pod.json") || fail "RunPodSandbox failed"
ok "pod $pod started"
busy=$(cri create "$pod" "$work/busy.json" "$work/pod.json") || fail "CreateContainer busy failed"
cri start "$busy" >/dev/null || fail "StartContainer busy failed"
ok "container busy $busy started"

# The limits, in the layout's own files.
if [ "$layout" = unified ]; then
    memory=$(cat "$(cgroup_dir memory "$busy")/memory.max")
    cpu=$(cat "$(cgroup_dir cpu "$busy")/cpu.max")
    [ "$memory" = 67108864 ] || fail "memory.max is '$memory', not 67108864"
    [ "$cpu" = "50000 100000" ] || fail "cpu.max is '$cpu', not '50000 100000'"
    ok "limits in memory.max ($memory) and cpu.max ($cpu)"
else
    memory=$(cat "$(cgroup_dir memory "$busy")/memory.limit_in_bytes")
    cpu=$(cat "$(cgroup_dir cpu "$busy")/cpu.cfs_quota_us")
    [ "$memory" = 67108864 ] || fail "memory.limit_in_bytes is '$memory', not 67108864"
    [ "$cpu" = 50000 ] || fail "cpu.cfs_quota_us is '$cpu', not 50000"
    ok "limits in memory.limit_in_bytes ($memory) and cpu.cfs_quota_us ($cpu)"
fi
[ -d "$(cgroup_dir memory "$pod")" ] || fail "the sandbox's cgroup $(cgroup_dir memory "$pod") does not exist"

# Stats and metrics: CPU and memory, once the container has done its work.
for attempt in $(seq 1 60); do
    stats=$(cri stats -o json --id "$busy")
    cpu_used=$(json_value usageCoreNanoSeconds <<<"$stats")
    working_set=$(json_value workingSetBytes <<<"$stats")
    if [ "${cpu_used:-0}" -gt 0 ] && [ "${working_set:-0}" -gt 1048576 ]; then break; fi
    sleep 0.5
done
[ "${cpu_used:-0}" -gt 0 ] || fail "ctr cri stats shows no CPU: $stats"
[ "${working_set:-0}" -gt 1048576 ] || fail "ctr cri stats shows a working set of '${working_set:-}' bytes: $stats"
ok "ctr cri stats: cpu ${cpu_used} ns, working set ${working_set} bytes"
pod_stats=$(cri statsp -o json --id "$pod")
[ "$(json_value usageCoreNanoSeconds <<<"$pod_stats")" -gt 0 ] || fail "ctr cri statsp shows no CPU: $pod_stats"
ok "ctr cri statsp: the pod's CPU"

metrics=$("$ctr" -n k8s.io tasks metrics "$busy") || fail "ctr tasks metrics failed"
if [ "$layout" = unified ]; then cpu_row=cpu.usage_usec; memory_row=memory.usage; else cpu_row=cpuacct.usage; memory_row=memory.usage_in_bytes; fi
cpu_metric=$(awk -v row="$cpu_row" '$1 == row { print $2 }' <<<"$metrics")
memory_metric=$(awk -v row="$memory_row" '$1 == row { print $2 }' <<<"$metrics")
[ "${cpu_metric:-0}" -gt 0 ] && [ "${memory_metric:-0}" -gt 0 ] || fail "ctr tasks metrics: $metrics"
ok "ctr tasks metrics: $cpu_row $cpu_metric, $memory_row $memory_metric"
if [ -n "${CONTAINERD_CTR:-}" ]; then
    theirs=$("$CONTAINERD_CTR" -n k8s.io tasks metrics "$busy") || fail "containerd's ctr tasks metrics failed"
    their_cpu=$(awk -v row="$cpu_row" '$1 == row { print $2 }' <<<"$theirs")
    their_memory=$(awk -v row="$memory_row" '$1 == row { print $2 }' <<<"$theirs")
    [ "${their_cpu:-0}" -gt 0 ] && [ "${their_memory:-0}" -gt 0 ] \
        || fail "containerd's ctr does not read our metrics as it reads its own: $theirs"
    ok "containerd's ctr tasks metrics reads ours: $cpu_row $their_cpu, $memory_row $their_memory"
fi

# Over the memory limit: the kernel kills it, the CRI says OOMKilled with 137.
hog=$(cri create "$pod" "$work/hog.json" "$work/pod.json") || fail "CreateContainer hog failed"
cri start "$hog" >/dev/null || fail "StartContainer hog failed"
for attempt in $(seq 1 240); do
    inspected=$(cri inspect -o json "$hog")
    if grep -q '"state": *"CONTAINER_EXITED"' <<<"$inspected"; then break; fi
    sleep 0.5
done
grep -q '"state": *"CONTAINER_EXITED"' <<<"$inspected" || fail "the hog did not exit: $inspected"
grep -q '"reason": *"OOMKilled"' <<<"$inspected" || fail "the hog's reason is not OOMKilled: $inspected"
grep -q '"exitCode": *137' <<<"$inspected" || fail "the hog's exit code is not 137: $inspected"
ok "a container over its memory limit: OOMKilled, 137"

# Removal takes the cgroups with it.
cri stop -t 0 "$busy" >/dev/null || fail "StopContainer failed"
cri rm "$busy" "$hog" >/dev/null || fail "RemoveContainer failed"
cri stopp "$pod" >/dev/null || fail "StopPodSandbox failed"
cri rmp "$pod" >/dev/null || fail "RemovePodSandbox failed"
for id in "$busy" "$hog" "$pod"; do
    for attempt in $(seq 1 20); do
        [ -d "$(cgroup_dir memory "$id")" ] || break
        sleep 0.5
    done
    [ ! -d "$(cgroup_dir memory "$id")" ] || fail "cgroup $(cgroup_dir memory "$id") is still there"
done
ok "the pod's and containers' cgroups are gone"

# The pod's parent is the kubelet's to remove; here it is ours.
if [ "$driver" = systemd ]; then
    systemctl stop "ctrtest-pod$uid.slice" 2>/dev/null || true
else
    for controller in $( [ "$layout" = unified ] && echo . || ls /sys/fs/cgroup); do
        base=/sys/fs/cgroup/$controller
        [ "$controller" = . ] && base=/sys/fs/cgroup
        rmdir "$base$parent_path" "$base/ctrtest" 2>/dev/null || true
    done
fi
echo "passed [$driver] cgroup scenario on the $layout layout"
