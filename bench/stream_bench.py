"""CRI streaming rows of the benchmark, measured on one daemon at a time with the same client
(`ctr cri`, the release binary under test) against both:

- exec round trip: the Exec call, the connection to the stream server, `true` and its exit code,
  process start of the client included;
- port-forward: 256 MiB fetched with curl through one forwarded connection to a pod's HTTP server;
- daemon memory growth while 20 attached clients read nothing and the container keeps writing.
"""
import os
import statistics
import subprocess
import time

from memory import memory_kib


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise RuntimeError(f"timed out: {what}")


def stream_measure(client, daemon, binary, image, logs, runs):
    pb = client.pb
    env = dict(os.environ, CONTAINER_RUNTIME_ENDPOINT="unix://" + daemon.sock)
    config = client.pod_config("stream", logs)
    pod = client.runtime.RunPodSandbox(pb.RunPodSandboxRequest(config=config), timeout=120).pod_sandbox_id

    def start(name, command):
        cid = client.runtime.CreateContainer(pb.CreateContainerRequest(
            pod_sandbox_id=pod, config=client.container_config(name, image, command), sandbox_config=config),
            timeout=60).container_id
        client.runtime.StartContainer(pb.StartContainerRequest(container_id=cid), timeout=60)
        return cid

    result = {}
    sleeper = start("sleeper", ["/bin/sleep", "100000"])
    exec_command = [binary, "cri", "exec", sleeper, "true"]
    subprocess.run(exec_command, env=env, check=True)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(exec_command, env=env, check=True)
        samples.append((time.perf_counter() - t0) * 1000)
    result["exec"] = statistics.median(samples)

    start("server", ["/bin/sh", "-c", "mkdir -p /www && /bin/busybox dd if=/dev/zero of=/www/big bs=1048576 count=256 "
                                      "2>/dev/null && exec /bin/busybox httpd -f -p 8080 -h /www"])
    forward = subprocess.Popen([binary, "cri", "port-forward", pod, "0:8080"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        line = forward.stdout.readline()
        port = int(line.split("127.0.0.1:")[1].split(" ")[0])
        url = f"http://127.0.0.1:{port}/big"

        def served():
            code = subprocess.run(["curl", "-s", "-o", "/dev/null", "-I", "-w", "%{http_code}", url],
                                  capture_output=True, text=True).stdout
            return code == "200"
        wait_for(served, 60, "the pod's HTTP server")
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            fetched = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{size_download}", url],
                                     capture_output=True, text=True, check=True).stdout
            times.append(time.perf_counter() - t0)
            assert int(float(fetched)) == 256 << 20, fetched
        result["forward"] = statistics.median(times)
    finally:
        forward.terminate()
        forward.wait()

    talker = start("talker", ["/bin/sh", "-c", "while true; do echo 0123456789012345678901234567890123456789; done"])
    time.sleep(2)
    before = memory_kib(daemon.proc.pid)
    attachers = [subprocess.Popen([binary, "cri", "attach", talker], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL) for _ in range(20)]
    try:
        time.sleep(10)
        after = memory_kib(daemon.proc.pid)
    finally:
        for process in attachers:
            process.kill()
            process.wait()
    result["growth"] = {key: after[key] - before[key] for key in after}
    client.runtime.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=pod), timeout=120)
    client.runtime.RemovePodSandbox(pb.RemovePodSandboxRequest(pod_sandbox_id=pod), timeout=120)
    return result


def stream_rows(results, runs):
    ours, theirs = results["ours"], results["containerd"]
    return [
        ("Exec round trip: Exec + connect + `true` + exit code, median (ms)", ours["exec"], theirs["exec"],
         f"`ctr cri exec ID true` (the same client, SPDY) against each daemon, client process start included, "
         f"{runs} runs", "≤ 0.8"),
        ("Port-forward, 256 MiB through one forwarded connection, median (s)", ours["forward"], theirs["forward"],
         "curl through `ctr cri port-forward` (the same client) to busybox httpd in a CNI pod, 3 fetches; "
         "time, so ≤ 1.0 means throughput ≥ containerd's", "≤ 1.0"),
        ("Daemon memory growth, 20 attached clients reading nothing for 10 s, RssAnon (MB)",
         ours["growth"]["anon"] / 1024, theirs["growth"]["anon"] / 1024,
         "`ctr cri attach` ×20 with stdout never read while the container writes without pause; the daemon's "
         f"RssAnon after minus before (PSS growth: ours {ours['growth']['pss'] / 1024:.2f} MB, containerd "
         f"{theirs['growth']['pss'] / 1024:.2f} MB)", "< 20 MB"),
    ]
