#!/bin/sh
# One CRI client's pod and container lifecycle, over and over, until it is killed: run a pod,
# create and start a container in it, stop and remove the pod. Calls that fail (the daemon is
# being killed and restarted under it) are ignored; each round uses a new attempt number, so a
# pod left half-made by a crash never blocks the next name.
#   cri-churn.sh CTR SOCKET DIR INDEX IMAGE
ctr=$1 socket=$2 dir=$3 index=$4 image=$5
export CONTAINER_RUNTIME_ENDPOINT="unix://$socket"
round=0
while :; do
    round=$((round + 1))
    pod_json="$dir/churn-$index-pod.json"
    printf '{"metadata": {"name": "churn-%s", "namespace": "default", "uid": "churn-%s", "attempt": %s}, "log_directory": "%s/churn-logs-%s"}\n' \
        "$index" "$index" "$round" "$dir" "$index" > "$pod_json"
    printf '{"metadata": {"name": "worker"}, "image": {"image": "%s"}, "command": ["/bin/sleep", "600"], "log_path": "worker-%s.log"}\n' \
        "$image" "$round" > "$dir/churn-$index-container.json"
    pod=$("$ctr" cri runp --timeout 30s "$pod_json" 2>/dev/null) || { sleep 0.1; continue; }
    container=$("$ctr" cri create --timeout 30s "$pod" "$dir/churn-$index-container.json" "$pod_json" 2>/dev/null) \
        && "$ctr" cri start --timeout 30s "$container" >/dev/null 2>&1
    "$ctr" cri stopp --timeout 30s "$pod" >/dev/null 2>&1
    "$ctr" cri rmp --timeout 30s "$pod" >/dev/null 2>&1
done
