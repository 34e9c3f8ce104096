"""CRI streaming rows of the benchmark, measured on one daemon at a time with the same client
(`ctr cri`, the release binary under test) against both:

- exec round trip (`exec_measure`, both daemons at once, alternating): the Exec call, the
  connection to the stream server, `true` and its exit code, process start of the client included;
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


def stream_measure(client, daemon, binary, image, logs):
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


def exec_measure(sessions, binary, image, logs, runs):
    """`ctr cri exec ID true` against each daemon in turn, `runs` rounds: one run of each daemon per
    round, so that the machine getting busier or quieter during the run weighs on both alike.
    `sessions` maps a key to (client, daemon), each daemon without pods; each gets one pod with a
    sleeping container, removed afterwards. Each round also times `runc exec` of the same container without any daemon: the
    floor both daemons share. Returns the median per key (and per "runc-" + key), in ms."""
    commands = {}
    try:
        for key, (client, daemon) in sessions.items():
            _, (cid,) = client.start_pod("exec", image, logs[key])
            env = dict(os.environ, CONTAINER_RUNTIME_ENDPOINT="unix://" + daemon.sock)
            commands[key] = ([binary, "cri", "exec", cid, "true"], env)
            subprocess.run(commands[key][0], env=env, check=True)
            # The same exec by runc alone, in the foreground, on the runc root the daemon's shim
            # uses (containerd 1.6's shim keeps /run/containerd/runc whatever its state dir is).
            roots = [os.path.join(os.path.dirname(daemon.sock), "state/io.containerd.runtime.v2.task/runc/k8s.io"),
                     "/run/containerd/runc/k8s.io"]
            root = next(r for r in roots if os.path.isdir(os.path.join(r, cid)))
            commands["runc-" + key] = (["runc", "--root", root, "exec", cid, "true"], None)
        samples = {key: [] for key in commands}
        for _ in range(runs):
            for key, (argv, env) in commands.items():
                # Every run starts from a quiet machine: on cgroup v1, moving a process into a
                # cgroup (runc exec does, for the new process) waits for an RCU grace period
                # (about 10 ms here) unless another move happened a moment before, so runs made
                # back to back would time each other's leftovers.
                time.sleep(0.1)
                t0 = time.perf_counter()
                subprocess.run(argv, env=env, check=True)
                samples[key].append((time.perf_counter() - t0) * 1000)
        return {key: statistics.median(values) for key, values in samples.items()}
    finally:
        for client, _ in sessions.values():
            client.remove_all()


def stream_rows(results, runs):
    ours, theirs = results["ours"], results["containerd"]
    return [
        ("Exec round trip: Exec + connect + `true` + exit code, median (ms)", ours["exec"], theirs["exec"],
         f"`ctr cri exec ID true` (the same client, SPDY) against each daemon, client process start included, "
         f"{runs} runs each, alternating between the daemons", "≤ 0.8"),
        ("Exec floor: `runc exec ID true` alone in the same container, median (ms)", ours["runc"], theirs["runc"],
         "runc in the foreground on the runc root of each daemon's shim, no daemon, shim or client: the share of "
         "the row above that both daemons pay alike", "—"),
        ("Port-forward, 256 MiB through one forwarded connection, median (s)", ours["forward"], theirs["forward"],
         "curl through `ctr cri port-forward` (the same client) to busybox httpd in a CNI pod, 3 fetches; "
         "time, so ≤ 1.0 means throughput ≥ containerd's", "≤ 1.0"),
        ("Daemon memory growth, 20 attached clients reading nothing for 10 s, RssAnon (MB)",
         ours["growth"]["anon"] / 1024, theirs["growth"]["anon"] / 1024,
         "`ctr cri attach` ×20 with stdout never read while the container writes without pause; the daemon's "
         f"RssAnon after minus before (PSS growth: ours {ours['growth']['pss'] / 1024:.2f} MB, containerd "
         f"{theirs['growth']['pss'] / 1024:.2f} MB)", "< 20 MB"),
    ]
