#!/usr/bin/env python3
"""Side-by-side benchmark of `ctr daemon` and Debian's containerd 1.6 on this machine.

Starts both daemons on temporary roots and sockets (containerd with its CRI plugin on and
restrict_oom_score_adj = true, as this machine needs), measures, and writes docs/benchmarks.md.
Every run measures both in the same session; numbers from different runs are not compared.
"""
import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory import LEGEND, argv_of, containerd_shim_pids, memory_kib, memory_rows, our_shim_pids, status_kib  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTAINERD = "/usr/bin/containerd"
CONTAINERD_CTR = "/usr/bin/ctr"
CONTAINERD_SHIM = "/usr/bin/containerd-shim-runc-v2"


def accepts(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


class Daemon:
    def __init__(self, name, argv, sock, workdir, shims):
        """`shims()` lists the pids of this daemon's shims."""
        self.name, self.argv, self.sock, self.workdir, self.shims = name, argv, sock, workdir, shims
        self.proc = None

    def start(self):
        """Starts the daemon and returns seconds until its socket accepts connections."""
        log = open(os.path.join(self.workdir, f"{self.name}.log"), "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=log)
        while not accepts(self.sock):
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {log.name}")
            if time.perf_counter() - t0 > 30:
                raise RuntimeError(f"{self.name} not ready after 30 s")
            time.sleep(0.001)
        return time.perf_counter() - t0

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def ours(binary, workdir):
    d = os.path.join(workdir, "ours")
    os.makedirs(d, exist_ok=True)
    sock = os.path.join(d, "ctr.sock")
    argv = [binary, "daemon", "--root", f"{d}/root", "--state", f"{d}/state", "--address", sock]
    return Daemon("ctr-daemon", argv, sock, workdir, lambda: our_shim_pids(f"{d}/state"))


def containerd(workdir, cri=None):
    d = os.path.join(workdir, "containerd")
    os.makedirs(d, exist_ok=True)
    sock = os.path.join(d, "containerd.sock")
    config = os.path.join(d, "config.toml")
    default_cri = f"""[plugins."io.containerd.grpc.v1.cri"]
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    conf_dir = "{d}/net.d"
"""
    with open(config, "w") as f:
        f.write(f"""version = 2
root = "{d}/root"
state = "{d}/state"
[grpc]
  address = "{sock}"
[ttrpc]
  address = "{sock}.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "{d}/opt"
{cri or default_cri}""")
    return Daemon("containerd", [CONTAINERD, "--config", config], sock, workdir, lambda: containerd_shim_pids(sock))


def wipe(daemon):
    base = os.path.dirname(daemon.sock)
    for sub in ("root", "state"):
        shutil.rmtree(os.path.join(base, sub), ignore_errors=True)


def command_ms(argv, runs):
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        samples.append((time.perf_counter() - t0) * 1000)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {r.stderr.decode()}")
    return statistics.median(samples)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def pull_rows(binary, workdir, a, b, runs):
    """Cold pulls of a ~200 MB, 5-layer image from a local registry: our ctr into our daemon vs
    containerd's ctr (`content fetch`: the same fetch-and-store work, without unpacking) into
    containerd. Also the daemon's peak RSS growth during the pull."""
    regdir = os.path.join(workdir, "registry")
    os.makedirs(regdir)
    port = free_port()
    with open(os.path.join(regdir, "config.yml"), "w") as f:
        f.write(f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {regdir}/data\n"
                f"http:\n  addr: 127.0.0.1:{port}\n")
    registry = subprocess.Popen(["/usr/bin/docker-registry", "serve", os.path.join(regdir, "config.yml")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        layout = os.path.join(regdir, "layout")
        subprocess.run(["bash", os.path.join(ROOT, "Tests/Fixtures/scripts/busybox-image.sh"), layout, "big", "50", "4"],
                       check=True, stdout=subprocess.DEVNULL)
        ref = f"127.0.0.1:{port}/bench/big:latest"
        subprocess.run(["skopeo", "copy", "-q", "--dest-tls-verify=false", f"oci:{layout}:big", f"docker://{ref}"],
                       check=True)
        commands = {
            a.name: lambda d: [binary, "--address", d.sock, "images", "pull", "--quiet", "--no-unpack", ref],
            b.name: lambda d: [CONTAINERD_CTR, "--address", d.sock, "content", "fetch", "--plain-http", ref],
        }
        times = {a.name: [], b.name: []}
        growth = {a.name: [], b.name: []}
        for _ in range(runs):
            for d in (a, b):
                wipe(d)
                d.start()
                time.sleep(0.5)
                before = status_kib(d.proc.pid, "RssAnon")
                peak = PeakSampler(d.proc.pid, "RssAnon")
                t0 = time.perf_counter()
                r = subprocess.run(commands[d.name](d), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                times[d.name].append(time.perf_counter() - t0)
                if r.returncode != 0:
                    raise RuntimeError(f"{d.name} pull failed: {r.stderr.decode()}")
                growth[d.name].append((peak.stop() - before) / 1024)
                d.stop()
        return [
            ("Cold pull, ~200 MB in 5 layers, median (s)", statistics.median(times[a.name]),
             statistics.median(times[b.name]),
             f"our `images pull` vs containerd's `content fetch` (no unpack on either side), {runs} runs", "≤ 1.0"),
            ("Daemon peak RSS growth during that pull (MB)", max(growth[a.name]), max(growth[b.name]),
             "anonymous memory (RssAnon, sampled every 5 ms) at its peak − before: the buffers a pull costs, "
             "without code pages faulted back in; target for ours: < 20 MB", "< 20 MB"),
        ]
    finally:
        registry.kill()
        registry.wait()


class PeakSampler:
    """Samples one /proc/PID/status field on a thread until stop(), which returns the peak."""

    def __init__(self, pid, field):
        import threading
        self.pid, self.field, self.peak = pid, field, status_kib(pid, field)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.done.wait(0.005):
            self.peak = max(self.peak, status_kib(self.pid, self.field))

    def stop(self):
        self.done.set()
        self.thread.join()
        return max(self.peak, status_kib(self.pid, self.field))


def shim_of(daemon, container):
    """The pid of `daemon`'s shim for `container` (ours: `--id ID`, containerd's: `-id ID`), or None."""
    for pid in daemon.shims():
        argv = argv_of(pid)
        if any(flag in ("--id", "-id") and value == container for flag, value in zip(argv, argv[1:])):
            return pid
    return None


def run_rows(binary, workdir, a, b, runs):
    """`ctr run --rm IMAGE id true` wall time, each client against its own daemon, and the memory
    (PSS, RssAnon, VmRSS) of the per-container supervisor (`ctr shim` vs `containerd-shim-runc-v2`)
    of an idle `sleep` container, read while its daemon runs."""
    layout = os.path.join(workdir, "run-layout")
    subprocess.run(["bash", os.path.join(ROOT, "Tests/Fixtures/scripts/busybox-image.sh"), layout, "v1"],
                   check=True, stdout=subprocess.DEVNULL)
    archive = os.path.join(workdir, "busybox.tar")
    subprocess.run(["skopeo", "copy", "-q", f"oci:{layout}:v1", f"oci-archive:{archive}:v1"], check=True)
    image = "docker.io/bench/busybox:v1"
    clients = {a.name: binary, b.name: CONTAINERD_CTR}
    times = {}
    shim = {}
    for d in (a, b):
        wipe(d)
        d.start()
        client = clients[d.name]
        base = [client, "--address", d.sock]
        subprocess.run(base + ["images", "import", "--base-name", "docker.io/bench/busybox", archive], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(base + ["run", "--rm", image, "warmup", "true"], check=True, stdout=subprocess.DEVNULL,
                       stdin=subprocess.DEVNULL)
        samples = []
        for index in range(runs):
            t0 = time.perf_counter()
            subprocess.run(base + ["run", "--rm", image, f"run-{index}", "true"], check=True,
                           stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            samples.append((time.perf_counter() - t0) * 1000)
        times[d.name] = statistics.median(samples)
        subprocess.run(base + ["run", "-d", image, "idle", "sleep", "1000"], check=True, stdout=subprocess.DEVNULL,
                       stdin=subprocess.DEVNULL)
        time.sleep(2)
        pid = shim_of(d, "idle")
        if pid is None:
            raise RuntimeError(f"no shim of {d.name} for container idle")
        shim[d.name] = memory_kib(pid)
        subprocess.run(base + ["tasks", "kill", "-s", "SIGKILL", "idle"], stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        subprocess.run(base + ["tasks", "rm", "idle"], stdout=subprocess.DEVNULL)
        subprocess.run(base + ["containers", "rm", "idle"], stdout=subprocess.DEVNULL)
        d.stop()
    return [
        ("`ctr run --rm IMAGE id true`, median (ms)", times[a.name], times[b.name],
         f"each client against its own daemon, {runs} runs, busybox image already unpacked", "≤ 1.0"),
    ] + memory_rows(
        "Shim of an idle container:", shim[a.name], shim[b.name], "≤ 0.5",
        "`ctr shim` vs `containerd-shim-runc-v2` of an idle `sleep` container, its daemon running. Our shim is "
        "the daemon's own binary, so its code pages are shared with the daemon and PSS divides them between "
        "the two; containerd's shim is a separate binary and carries its code alone. The node-overhead rows "
        "(daemon plus all shims) are the fair comparison", what="the same shims")


def cri_rows(binary, workdir, pods, list_pods, list_containers):
    """Pod start, daemon memory with pods, ListContainers and node-overhead rows (bench/cri_bench.py),
    each daemon configured with the same sandbox image, registry hosts and CNI bridge network."""
    import cri_bench
    a = ours(binary, workdir)

    def configure(daemon, section):
        if daemon is a:
            path = os.path.join(os.path.dirname(daemon.sock), "cri.toml")
            with open(path, "w") as f:
                f.write("version = 2\n" + section)
            daemon.argv = daemon.argv + ["--config", path]
        else:
            containerd(workdir, section)
        wipe(daemon)

    return cri_bench.cri_rows({"ours": a, "containerd": containerd(workdir)}, workdir, free_port(), pods, configure,
                              list_pods, list_containers, binary=binary)


def grpc_go_rows(workdir, a, b, calls):
    """A grpc-go client dialled as a kubelet dials (Tests/Fixtures/go/grpc-load, BDP and keepalive on),
    8 goroutines on one connection calling Version, against each running daemon in turn."""
    go = "/usr/lib/go-1.19/bin/go"
    if calls <= 0 or not os.path.exists(go):
        return []
    client = os.path.join(workdir, "grpc-load")
    env = dict(os.environ, GOPATH="/usr/share/gocode", GO111MODULE="off", GOFLAGS="", GOCACHE="/var/tmp/ctr-test-gocache")
    subprocess.run([go, "build", "-o", client, "."], cwd=os.path.join(ROOT, "Tests/Fixtures/go/grpc-load"), env=env,
                   check=True)
    reports = {}
    for d in (a, b):
        runs = [json.loads(subprocess.run([client, "-socket", d.sock, "-method", "/containerd.services.version.v1.Version/Version",
                                           "-calls", str(calls), "-workers", "8"], capture_output=True, text=True,
                                          check=True).stdout) for _ in range(3)]
        reports[d.name] = {"p99": statistics.median(r["p99_ms"] for r in runs),
                           "goaways": sum(r["connections"] - 1 for r in runs) * 10000 / (3 * calls),
                           "errors": sum(r["errors"] for r in runs)}
    ours_r, theirs_r = reports[a.name], reports[b.name]
    how = f"grpc-go 1.33 dialled as a kubelet dials, 8 goroutines, {calls} Version calls on one connection, median of 3 runs"
    return [
        ("grpc-go load: p99 latency (ms)", ours_r["p99"], theirs_r["p99"],
         how + f"; errors: ours {ours_r['errors']}, containerd {theirs_r['errors']}", "≤ 1.0"),
        ("grpc-go load: GOAWAYs per 10,000 calls", ours_r["goaways"], theirs_r["goaways"],
         "connections grpc-go had to open beyond the first, per 10,000 calls", "0"),
    ]


def shell_row(binary, workdir, daemon, theirs_version, commands=200):
    """`version` inside `ctr shell`: a script of 1 and of 1 + `commands` lines, run alternately; the
    difference per command is what a command costs in the shell (its connection kept open)."""
    def script(lines):
        path = os.path.join(workdir, f"shell-{lines}.txt")
        with open(path, "w") as f:
            f.write("version\n" * lines)
        return path

    short, long = script(1), script(1 + commands)
    samples = {short: [], long: []}
    for _ in range(5):
        for path in (short, long):
            with open(path) as stdin:
                t0 = time.perf_counter()
                r = subprocess.run([binary, "--address", daemon.sock, "shell", "--errexit"], stdin=stdin,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                samples[path].append((time.perf_counter() - t0) * 1000)
                if r.returncode != 0:
                    raise RuntimeError(f"ctr shell failed: {r.stderr.decode()}")
    per_command = (statistics.median(samples[long]) - statistics.median(samples[short])) / commands
    return ("`version` inside `ctr shell`, per command (ms)", per_command, theirs_version,
            f"(time of {1 + commands} lines − time of 1) / {commands}, median of 5 each; against containerd's "
            "one-shot `ctr version` round trip, what the same command costs without a shell", "≤ 2 ms")


def stripped_size(path, workdir):
    copy = os.path.join(workdir, os.path.basename(path) + ".stripped")
    shutil.copy(path, copy)
    subprocess.run(["strip", copy], check=True)
    return os.path.getsize(copy)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build-release/release/ctr"))
    parser.add_argument("--starts", type=int, default=10, help="daemon starts per daemon")
    parser.add_argument("--runs", type=int, default=50, help="`version` runs per client")
    parser.add_argument("--idle", type=float, default=10.0,
                        help="seconds between the one request and reading the idle daemon's memory")
    parser.add_argument("--pulls", type=int, default=3, help="cold pulls per daemon (0 skips the pull rows)")
    parser.add_argument("--container-runs", type=int, default=20, help="`ctr run --rm` runs per client (0 skips)")
    parser.add_argument("--pods", type=int, default=20, help="pod starts per daemon (0 skips the CRI rows)")
    parser.add_argument("--list-pods", type=int, default=50,
                        help="pods per daemon for the ListContainers and node-overhead rows")
    parser.add_argument("--list-containers", type=int, default=10, help="running containers in each of those pods")
    parser.add_argument("--grpc-calls", type=int, default=20000, help="grpc-go load calls per run (0 skips)")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs/benchmarks.md"))
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="ctr-bench-")
    rows = []
    try:
        ours_size = stripped_size(args.binary, workdir)
        theirs = [CONTAINERD, CONTAINERD_CTR, CONTAINERD_SHIM]
        theirs_size = sum(os.path.getsize(p) for p in theirs)
        rows.append(("Binary size, stripped (MB)", ours_size / 1e6, theirs_size / 1e6,
                     "containerd + ctr + containerd-shim-runc-v2", "≤ 0.5"))

        a, b = ours(args.binary, workdir), containerd(workdir)
        ready = {a.name: [], b.name: []}
        for _ in range(args.starts):
            for d in (a, b):
                wipe(d)
                ready[d.name].append(d.start() * 1000)
                d.stop()
        rows.append(("Start to ready, median (ms)", statistics.median(ready[a.name]),
                     statistics.median(ready[b.name]), f"socket accepts; {args.starts} cold starts each", "≤ 1.0"))

        version = {a.name: [args.binary, "--address", a.sock, "version"],
                   b.name: [CONTAINERD_CTR, "--address", b.sock, "version"]}
        for d in (a, b):
            wipe(d)
            d.start()
            command_ms(version[d.name], 1)
        time.sleep(args.idle)
        idle = {d.name: memory_kib(d.proc.pid) for d in (a, b)}
        rows += memory_rows(
            f"Idle daemon, CRI on, {args.idle:g} s after one request:", idle[a.name], idle[b.name], "≤ 0.5",
            "the daemon process after one `version` request from its own client, then idle", what="the same process")

        # Alternating, one run of each per round: the machine's speed drifts during a run.
        rounds = {a.name: [], b.name: []}
        for _ in range(args.runs):
            for d in (a, b):
                rounds[d.name].append(command_ms(version[d.name], 1))
        ours_version, theirs_version = statistics.median(rounds[a.name]), statistics.median(rounds[b.name])
        rows.append(("`ctr version` round trip, median (ms)", ours_version, theirs_version,
                     f"each client against its own daemon, {args.runs} runs each, alternating, process start "
                     "included", "≤ 1.0"))
        rows.append(shell_row(args.binary, workdir, a, theirs_version))
        rows += grpc_go_rows(workdir, a, b, args.grpc_calls)
        for d in (a, b):
            d.stop()
        if args.pulls > 0:
            rows += pull_rows(args.binary, workdir, a, b, args.pulls)
        if args.container_runs > 0:
            rows += run_rows(args.binary, workdir, a, b, args.container_runs)
        if args.pods > 0:
            rows += cri_rows(args.binary, workdir, args.pods, args.list_pods, args.list_containers)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    write(args, rows)


def write(args, rows):
    containerd_version = subprocess.run([CONTAINERD, "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# Benchmarks",
        "",
        "Produced by `bench/run.sh` (`bench/bench.py`): `ctr daemon` and Debian's containerd measured",
        "side by side in the same run on the same machine. Re-run after changes that touch speed or memory.",
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, kernel {platform.release()}",
        f"- containerd: `{containerd_version}`",
        f"- ctr: `scripts/build-release.sh` (Swift runtime linked statically, function sections, lld with identical "
        f"code folding, no PIE), stripped for the size row",
        "",
        "| Measure | ctr | containerd 1.6 | ratio | target | how |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, mine, theirs, how, target in rows:
        ratio = f"{mine / theirs:.2f}" if theirs else "—"
        lines.append(f"| {name} | {mine:.2f} | {theirs:.2f} | {ratio} | {target} | {how} |")
    lines += [
        "",
        "Ratios are ctr / containerd: below 1 means ctr is smaller or faster.",
        "",
        f"Memory columns: {LEGEND} MB here is 1024 KiB. Memory targets apply to PSS.",
        "",
    ]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
