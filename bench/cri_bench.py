"""CRI rows of the benchmark: the same Python gRPC client (grpcio, stubs compiled from our
proto/cri/api.proto at run time) drives `ctr daemon` and containerd 1.6's CRI plugin.

- pod start: RunPodSandbox + CreateContainer + StartContainer, bridge network through CNI;
- daemon memory (PSS, RssAnon, VmRSS) with 20 running pods (one running container each);
- ListContainers with 500 running containers in 50 pods;
- node overhead with those 50 pods: daemon plus all of its shims, PSS and RssAnon summed;
- 20 pods started at once by 20 client threads, wall time;
- 200 pods of one container each: daemon memory and threads, node overhead.
"""
import concurrent.futures
import importlib
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory import memory_kib, memory_rows, total_kib  # noqa: E402
from stream_bench import exec_measure, stream_measure, stream_rows  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_stubs(workdir):
    """Compiles the CRI proto into `workdir` and imports the generated modules."""
    from grpc_tools import protoc
    out = os.path.join(workdir, "cri_stubs")
    os.makedirs(out, exist_ok=True)
    proto_root = os.path.join(ROOT, "proto")
    import grpc_tools
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    code = protoc.main(["protoc", f"-I{proto_root}", f"-I{well_known}", f"--python_out={out}",
                        f"--grpc_python_out={out}", os.path.join(proto_root, "cri/api.proto")])
    if code != 0:
        raise RuntimeError("protoc failed on proto/cri/api.proto")
    sys.path.insert(0, out)
    return importlib.import_module("cri.api_pb2"), importlib.import_module("cri.api_pb2_grpc")


class Registry:
    """docker-registry on a free loopback port with busybox and a pause image (busybox sleeping)."""

    def __init__(self, workdir, port):
        self.dir = os.path.join(workdir, "cri-registry")
        os.makedirs(self.dir, exist_ok=True)
        self.host = f"127.0.0.1:{port}"
        with open(os.path.join(self.dir, "config.yml"), "w") as f:
            f.write(f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {self.dir}/data\n"
                    f"http:\n  addr: {self.host}\n")
        self.proc = subprocess.Popen(["/usr/bin/docker-registry", "serve", os.path.join(self.dir, "config.yml")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        layout = os.path.join(self.dir, "layout")
        script = os.path.join(ROOT, "Tests/Fixtures/scripts/busybox-image.sh")
        for tag, command in (("busybox", "/bin/sh"), ("pause", "/bin/sleep 2147483647")):
            subprocess.run(["bash", script, layout, tag], check=True, stdout=subprocess.DEVNULL,
                           env=dict(os.environ, IMAGE_CMD=command))
            subprocess.run(["skopeo", "copy", "-q", "--dest-tls-verify=false", f"oci:{layout}:{tag}",
                            f"docker://{self.host}/{tag}:1"], check=True)
        self.hosts = os.path.join(self.dir, "hosts")
        os.makedirs(os.path.join(self.hosts, self.host), exist_ok=True)
        with open(os.path.join(self.hosts, self.host, "hosts.toml"), "w") as f:
            f.write(f'server = "http://{self.host}"\n[host."http://{self.host}"]\n  capabilities = ["pull", "resolve"]\n')

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def cri_config(registry, net_dir):
    return f"""[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{registry.host}/pause:1"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "{net_dir}"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "{registry.hosts}"
"""


def write_network(net_dir, ipam_dir, bridge, subnet):
    os.makedirs(net_dir, exist_ok=True)
    with open(os.path.join(net_dir, "10-bench.conflist"), "w") as f:
        f.write(f"""{{"cniVersion": "1.0.0", "name": "{bridge}", "plugins": [
  {{"type": "bridge", "bridge": "{bridge}", "isGateway": false, "ipMasq": false,
   "ipam": {{"type": "host-local", "ranges": [[{{"subnet": "{subnet}"}}]], "dataDir": "{ipam_dir}"}}}}]}}""")


class Client:
    def __init__(self, pb, rpc, sock):
        import grpc
        self.pb = pb
        self.channel = grpc.insecure_channel(f"unix://{sock}")
        self.runtime = rpc.RuntimeServiceStub(self.channel)
        self.images = rpc.ImageServiceStub(self.channel)

    def pod_config(self, name, logs):
        pb = self.pb
        return pb.PodSandboxConfig(
            metadata=pb.PodSandboxMetadata(name=name, namespace="bench", uid=f"uid-{name}", attempt=0),
            hostname=name, log_directory=os.path.join(logs, name), linux=pb.LinuxPodSandboxConfig())

    def container_config(self, name, image, command):
        pb = self.pb
        return pb.ContainerConfig(metadata=pb.ContainerMetadata(name=name), image=pb.ImageSpec(image=image),
                                  command=command, log_path=f"{name}.log", linux=pb.LinuxContainerConfig())

    def start_pod(self, name, image, logs, start_container=True, containers=1):
        pb = self.pb
        config = self.pod_config(name, logs)
        pod = self.runtime.RunPodSandbox(pb.RunPodSandboxRequest(config=config), timeout=120).pod_sandbox_id
        ids = []
        for index in range(containers):
            cid = self.runtime.CreateContainer(pb.CreateContainerRequest(
                pod_sandbox_id=pod, config=self.container_config(f"c{index}", image, ["/bin/sleep", "100000"]),
                sandbox_config=config), timeout=60).container_id
            if start_container:
                self.runtime.StartContainer(pb.StartContainerRequest(container_id=cid), timeout=60)
            ids.append(cid)
        return pod, ids

    def remove_all(self):
        pb = self.pb
        for pod in self.runtime.ListPodSandbox(pb.ListPodSandboxRequest(), timeout=60).items:
            self.runtime.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=pod.id), timeout=120)
            self.runtime.RemovePodSandbox(pb.RemovePodSandboxRequest(pod_sandbox_id=pod.id), timeout=120)


def tear_down(client, daemon, bridge, label):
    """Whatever happened, no pod, shim, mount or bridge outlives the run."""
    try:
        client.remove_all()
    except Exception as error:
        print(f"cleanup of {label}: {error}", file=sys.stderr)
    client.channel.close()
    daemon.stop()
    subprocess.run(["ip", "link", "del", bridge], stderr=subprocess.DEVNULL)


def cri_rows(daemons, workdir, port, pod_runs, write_daemon_config, list_pods=50, list_containers=10, binary=None,
             exec_runs=40, burst_pods=20, scale_pods=200):
    """`daemons` maps "ours"/"containerd" to Daemon objects (with `shims()` listing the pids of
    their shims); `write_daemon_config(daemon, cri_toml)` gives a daemon its CRI section before it
    starts.

    Pod starts and memory with 20 pods are measured one daemon at a time, the other one idle
    without pods. Both daemons then get `list_pods` pods of `list_containers` running containers,
    and ListContainers is timed in alternating batches, so that the machine getting busier or
    quieter during the run weighs on both alike. After those calls, with both nodes still full,
    the node overhead is read: the daemon plus all of its shims. Last, both nodes emptied, one
    daemon at a time (the other idle and empty): `burst_pods` pods started at once by as many
    client threads (wall time), then `scale_pods` pods of one container each, started four at a
    time, and the daemon's memory and threads and the node overhead read with all of them running."""
    pb, rpc = load_stubs(workdir)
    registry = Registry(workdir, port)
    results = {}
    running = []
    containers = list_pods * list_containers
    try:
        for index, (key, daemon) in enumerate(daemons.items()):
            base = os.path.join(workdir, f"cri-{key}")
            bridge = f"ctrb{index}"
            write_network(os.path.join(base, "net.d"), os.path.join(base, "ipam"), bridge, f"10.235.{index}.0/24")
            write_daemon_config(daemon, cri_config(registry, os.path.join(base, "net.d")))
            daemon.start()
            client = Client(pb, rpc, daemon.sock)
            running.append((key, client, daemon, bridge))
            image = f"{registry.host}/busybox:1"
            client.images.PullImage(pb.PullImageRequest(image=pb.ImageSpec(image=image)), timeout=120)
            client.images.PullImage(pb.PullImageRequest(image=pb.ImageSpec(image=f"{registry.host}/pause:1")),
                                    timeout=120)
            logs = os.path.join(base, "logs")
            client.start_pod("warmup", image, logs)
            client.remove_all()
            samples = []
            for run in range(pod_runs):
                t0 = time.perf_counter()
                client.start_pod(f"start-{run}", image, logs)
                samples.append((time.perf_counter() - t0) * 1000)
                client.remove_all()
            for run in range(20):
                client.start_pod(f"mem-{run}", image, logs)
            time.sleep(3)
            with_pods = memory_kib(daemon.proc.pid)
            # No pod left while the next daemon is measured: its runc would copy our mounts.
            client.remove_all()
            # After the memory row, so that what streaming leaves in the heap does not count there.
            streams = stream_measure(client, daemon, binary, image, logs) if binary else None
            results[key] = {"start": statistics.median(samples), "list": [], "pods": with_pods, "streams": streams}
        if binary:
            execs = exec_measure({key: (client, daemon) for key, client, daemon, _ in running}, binary,
                                 f"{registry.host}/busybox:1",
                                 {key: os.path.join(workdir, f"cri-{key}", "logs") for key, _, _, _ in running}, exec_runs)
            for key in results:
                results[key]["streams"]["exec"] = execs[key]
                results[key]["streams"]["runc"] = execs["runc-" + key]
        for key, client, _, _ in running:
            image = f"{registry.host}/busybox:1"
            logs = os.path.join(workdir, f"cri-{key}", "logs")
            for run in range(list_pods):
                client.start_pod(f"list-{run}", image, logs, containers=list_containers)
            listed = client.runtime.ListContainers(pb.ListContainersRequest(), timeout=60)
            assert len(listed.containers) == containers, len(listed.containers)
            states = {c.state for c in listed.containers}
            assert states == {pb.CONTAINER_RUNNING}, states
            for _ in range(10):
                client.runtime.ListContainers(pb.ListContainersRequest(), timeout=60)
        for _ in range(10):
            for key, client, _, _ in running:
                for _ in range(20):
                    t0 = time.perf_counter()
                    client.runtime.ListContainers(pb.ListContainersRequest(), timeout=60)
                    results[key]["list"].append((time.perf_counter() - t0) * 1000)
        # Live completion of `cri stop <TAB>` with every container there: the binary's completion
        # entry point, as the bash script runs it, against each daemon (same client).
        if binary:
            for key, _, daemon, _ in running:
                results[key]["complete"] = []
            for _ in range(5):
                for key, _, daemon, _ in running:
                    line = f"ctr -r {daemon.sock} cri stop "
                    for _ in range(4):
                        t0 = time.perf_counter()
                        done = subprocess.run([binary, "__complete", "bash", line, " \t\n\"'@><=;|&(:"],
                                              capture_output=True, text=True)
                        results[key]["complete"].append((time.perf_counter() - t0) * 1000)
                        offered = len(done.stdout.splitlines()) - 1
                        assert offered == containers, f"{key}: {offered} IDs offered, {done.stderr}"
        for result in results.values():
            result["list"] = statistics.median(result["list"])
            if "complete" in result:
                result["complete"] = statistics.median(result["complete"])
        time.sleep(3)
        for key, _, daemon, _ in running:
            shims = daemon.shims()
            results[key]["shims"] = len(shims)
            results[key]["node"] = total_kib([daemon.proc.pid] + shims)
            results[key]["threads"] = threads_of(daemon.proc.pid)
        for _, client, _, _ in running:
            client.remove_all()
        for key, client, daemon, _ in running:
            image = f"{registry.host}/busybox:1"
            logs = os.path.join(workdir, f"cri-{key}", "logs")
            with concurrent.futures.ThreadPoolExecutor(burst_pods) as pool:
                t0 = time.perf_counter()
                list(pool.map(lambda run: client.start_pod(f"burst-{run}", image, logs), range(burst_pods)))
                results[key]["burst"] = (time.perf_counter() - t0) * 1000
            client.remove_all()
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda run: client.start_pod(f"scale-{run}", image, logs), range(scale_pods)))
            listed = client.runtime.ListContainers(pb.ListContainersRequest(), timeout=60)
            assert len(listed.containers) == scale_pods, len(listed.containers)
            time.sleep(3)
            shims = daemon.shims()
            results[key]["scale"] = memory_kib(daemon.proc.pid)
            results[key]["scale_node"] = total_kib([daemon.proc.pid] + shims)
            results[key]["scale_shims"] = len(shims)
            results[key]["scale_threads"] = threads_of(daemon.proc.pid)
            client.remove_all()
    finally:
        for key, client, daemon, bridge in running:
            tear_down(client, daemon, bridge, key)
        registry.stop()
    ours, theirs = results["ours"], results["containerd"]
    streaming = stream_rows({key: result["streams"] for key, result in results.items()}, exec_runs) if binary else []
    return streaming + [
        ("Pod start: RunPodSandbox + CreateContainer + StartContainer, median (ms)", ours["start"], theirs["start"],
         f"same Python gRPC client, bridge network through CNI, images present, {pod_runs} pods", "≤ 0.8"),
    ] + memory_rows(
        "Daemon with 20 running pods:", ours["pods"], theirs["pods"], "≤ 0.5",
        "the daemon process; each pod runs one `sleep` container", what="the same process",
    ) + [
        (f"ListContainers with {containers} containers in {list_pods} pods, median (ms)", ours["list"], theirs["list"],
         "same client, 200 calls on one connection after 10 warm-up calls, in batches alternating between the "
         "daemons; all containers and pods running", "≤ 0.5"),
    ] + ([
        (f"Live completion of `cri stop <TAB>` with {containers} containers, median (ms)", ours["complete"],
         theirs["complete"], "our binary's completion entry point as the bash script runs it (process start, "
         "ListContainers, printing every ID), 20 runs against each daemon", "≤ 100 ms"),
    ] if binary else []) + memory_rows(
        f"Node overhead, {list_pods} pods × {list_containers} containers:", ours["node"], theirs["node"], "≤ 0.5",
        f"daemon plus all of its shims, summed, read after the ListContainers calls with every container running: "
        f"ours {ours['shims']} shims (one per container and one per pod sandbox), containerd {theirs['shims']} "
        f"(1.6 runs a pod's sandbox and containers under one shim). Processes inside the containers not counted",
        what="the same processes, summed",
    ) + [
        (f"Daemon threads, {list_pods} pods × {list_containers} containers", ours["threads"], theirs["threads"],
         "/proc/PID/status Threads of the daemon process, read with the node-overhead rows", "≤ 0.5"),
        (f"{burst_pods} pods started at once, wall time (ms)", ours["burst"], theirs["burst"],
         f"same client, {burst_pods} threads each starting one pod (RunPodSandbox + CreateContainer + StartContainer), "
         "one daemon at a time, the other idle and empty", "≤ 0.8"),
    ] + memory_rows(
        f"Daemon with {scale_pods} pods:", ours["scale"], theirs["scale"], "≤ 0.5",
        f"the daemon process; {scale_pods} pods of one `sleep` container each, started four at a time, one daemon "
        "at a time", what="the same process",
    ) + memory_rows(
        f"Node overhead, {scale_pods} pods:", ours["scale_node"], theirs["scale_node"], "≤ 0.5",
        f"daemon plus all of its shims, summed: ours {ours['scale_shims']} shims, containerd {theirs['scale_shims']}",
        what="the same processes, summed",
    ) + [
        (f"Daemon threads, {scale_pods} pods", ours["scale_threads"], theirs["scale_threads"],
         "/proc/PID/status Threads of the daemon process, read with the rows above", "≤ 0.5"),
    ]


def threads_of(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0
