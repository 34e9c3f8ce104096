#!/usr/bin/env python3
"""Profiles which functions a running daemon uses, for the linker to place together
(scripts/code-order.txt.gz, passed to lld's --symbol-ordering-file by build-release.sh).
scripts/order-code.sh runs the whole procedure; this is one profiling pass.

Why: the code a daemon runs after start-up is spread over most of the 26 MB text segment, and
each touched page brings its neighbours into the process's resident set: fault-around maps the
cached pages of the 64 KB around a fault, and the page cache holds the binary in large folios
(readahead is 8 MB here), which a fault maps whole. Placed next to each other, the functions the
daemon uses fill a few MB, and its resident code shrinks to about that.

How: the binary is evicted from the page cache before the daemon starts and the disk's readahead
is 0 for the run (restored after): each first touch of a page is then a fault of its own, reading
that page only. Start-up code is traced too, so the list names the functions start-up uses as well
as those serving requests. Shims run the same binary: a page a shim brought into the cache can be
mapped into the daemon by fault-around without a fault of its own. Where debugfs allows it,
fault-around is set to one page for the run, which closes that gap; where it does not (kernel
lockdown), such shim code is counted as the daemon's, which only places it among the used code.
The pass
drives the work bench/ measures (pulls, pod starts, 20 running pods, ListContainers over 500
containers, `ctr run`, list calls; clients are grpcio and a copy of the binary) and records
- the daemon's page faults (perf), each naming the function at the faulting address, and
- with --paged, its present code pages (/proc/PID/pagemap, sampled): on a binary linked with
  scripts/one-function-per-page.ld every function starts a page of its own, so a present page
  names its function; in a normal binary a page holds dozens and says too little.
The functions found are added to --previous (kept first) and written to --output. Functions
missing from a later build are ignored by the linker: a stale list costs locality, nothing else.
Private functions (`.L…` sections: merged-function thunks, object destroyers) have no symbol to
order by; with --map (the link map) a fault in one adds a `section FILE(SECTION)` line, which
build-release.sh turns into a linker-script placement.
Run as root with a release build that still has its symbols.
"""
import argparse
import bisect
import gzip
import os
import re
import signal
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import bench  # noqa: E402
import cri_bench  # noqa: E402

PAGE = 4096


def code_ranges(pid, binary):
    """(start, end, file offset) of the binary's executable mappings in process `pid`."""
    real = os.path.realpath(binary)
    ranges = []
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 6 and fields[1][2] == "x" and os.path.realpath(fields[5]) == real:
                start, end = (int(x, 16) for x in fields[0].split("-"))
                ranges.append((start, end))
    return ranges


def present_pages(pid, ranges):
    pages = []
    with open(f"/proc/{pid}/pagemap", "rb") as f:
        for start, end in ranges:
            f.seek(start // PAGE * 8)
            data = f.read((end - start) // PAGE * 8)
            for index in range(len(data) // 8):
                (entry,) = struct.unpack_from("<Q", data, index * 8)
                if entry >> 63:
                    pages.append(start + index * PAGE)
    return pages


class Sampler:
    """Reads the present pages every 100 ms and keeps their union: a page found once counts,
    even if the kernel unmaps it later (pages are not all still mapped at the end)."""

    def __init__(self, pid, ranges):
        self.pid, self.ranges, self.pages, self.done = pid, ranges, set(), threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.done.wait(0.1):
            self.pages.update(present_pages(self.pid, self.ranges))

    def stop(self):
        self.done.set()
        self.thread.join()
        self.pages.update(present_pages(self.pid, self.ranges))
        return sorted(self.pages)


def functions(binary):
    """(address, size, name) of every defined text symbol, by address."""
    out = subprocess.run(["llvm-nm", "--defined-only", "-S", "-n", "--no-demangle", binary],
                         check=True, capture_output=True, text=True).stdout
    result = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2] in "tTwW":
            result.append((int(fields[0], 16), int(fields[1], 16), fields[3]))
    return result


def workload(binary, workdir, client_binary, daemon, port):
    pb, rpc = cri_bench.load_stubs(workdir)
    registry = cri_bench.Registry(workdir, port)
    base = os.path.join(workdir, "cri")
    bridge = "ctrb9"
    cri_bench.write_network(os.path.join(base, "net.d"), os.path.join(base, "ipam"), bridge, "10.235.9.0/24")
    config = os.path.join(workdir, "cri.toml")
    with open(config, "w") as f:
        f.write("version = 2\n" + cri_bench.cri_config(registry, os.path.join(base, "net.d")))
    daemon.argv = daemon.argv + ["--config", config]
    daemon.start()
    # The trace starts at "daemon ready"; give the daemon a moment to get there.
    time.sleep(1)
    sampler = Sampler(daemon.proc.pid, code_ranges(daemon.proc.pid, binary))
    faults = os.path.join(workdir, "faults.data")
    perf = subprocess.Popen(["perf", "record", "-q", "-e", "page-faults", "-d", "-p", str(daemon.proc.pid),
                             "-o", faults], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    client = cri_bench.Client(pb, rpc, daemon.sock)
    ctr = [client_binary, "--address", daemon.sock]
    try:
        image = f"{registry.host}/busybox:1"
        client.images.PullImage(pb.PullImageRequest(image=pb.ImageSpec(image=image)), timeout=120)
        client.images.PullImage(pb.PullImageRequest(image=pb.ImageSpec(image=f"{registry.host}/pause:1")), timeout=120)
        logs = os.path.join(base, "logs")
        for run in range(3):
            client.start_pod(f"start-{run}", image, logs)
            client.remove_all()
        pods = [client.start_pod(f"rss-{run}", image, logs) for run in range(20)]
        for pod, ids in pods[:3]:
            client.runtime.PodSandboxStatus(pb.PodSandboxStatusRequest(pod_sandbox_id=pod, verbose=True), timeout=60)
            client.runtime.ContainerStatus(pb.ContainerStatusRequest(container_id=ids[0], verbose=True), timeout=60)
            client.runtime.ExecSync(pb.ExecSyncRequest(container_id=ids[0], cmd=["true"], timeout=10), timeout=60)
        client.runtime.ListContainerStats(pb.ListContainerStatsRequest(), timeout=60)
        client.runtime.ListPodSandboxStats(pb.ListPodSandboxStatsRequest(), timeout=60)
        client.runtime.Status(pb.StatusRequest(), timeout=60)
        client.images.ListImages(pb.ListImagesRequest(), timeout=60)
        client.images.ImageFsInfo(pb.ImageFsInfoRequest(), timeout=60)
        client.remove_all()
        for run in range(20):
            client.start_pod(f"list-{run}", image, logs, start_container=False, containers=25)
        for _ in range(50):
            client.runtime.ListContainers(pb.ListContainersRequest(), timeout=60)
            client.runtime.ListPodSandbox(pb.ListPodSandboxRequest(), timeout=60)
        client.remove_all()
        # The containerd API, through a copy of the binary so its pages are not the daemon's.
        subprocess.run(ctr + ["-n", "bench", "images", "pull", "--plain-http", "--hosts-dir", registry.hosts, image],
                       check=True, stdout=subprocess.DEVNULL)
        for run in range(3):
            subprocess.run(ctr + ["-n", "bench", "run", "--rm", image, f"run-{run}", "true"], check=True)
        for command in (["images", "ls"], ["containers", "ls"], ["tasks", "ls"], ["namespaces", "ls"],
                        ["plugins", "ls"], ["version"]):
            subprocess.run(ctr + ["-n", "bench"] + command, check=True, stdout=subprocess.DEVNULL)
        pages = sampler.stop()
        perf.send_signal(signal.SIGINT)
        perf.wait()
        out = subprocess.run(["perf", "script", "-i", faults, "-F", "pid,addr"], check=True,
                             capture_output=True, text=True).stdout
        # Shims are children of the daemon, and perf follows them: keep the daemon's own faults.
        addresses = [int(fields[1], 16) for fields in (line.split() for line in out.splitlines())
                     if len(fields) == 2 and fields[0] == str(daemon.proc.pid)]
        return pages, addresses
    finally:
        if perf.poll() is None:
            perf.kill()
            perf.wait()
        cri_bench.tear_down(client, daemon, bridge, "ctr daemon")
        registry.stop()


def private_sections(map_path):
    """(address, size, linker-script pattern) of every `.text..L*` input section in an lld link
    map: private functions (merged-function thunks, object destroyers) that have no symbol."""
    result = []
    with open(map_path) as f:
        for line in f:
            fields = line.split()
            if len(fields) != 5 or not fields[4].endswith(")") or ":(.text..L" not in fields[4]:
                continue
            source, section = fields[4][:-1].rsplit(":(", 1)
            if source.endswith(")") and "(" in source:
                archive, member = source[:-1].split("(", 1)
                pattern = f"*{os.path.basename(archive)}:{member}({section})"
            else:
                pattern = f"*/{os.path.basename(os.path.dirname(source))}/{os.path.basename(source)}({section})"
            # Only what a linker-script pattern takes literally (no spaces, quotes or brackets).
            if re.fullmatch(r"[*]?[A-Za-z0-9_.+/:-]+\([A-Za-z0-9_.$]+\)", pattern):
                result.append((int(fields[0], 16), int(fields[2], 16), pattern))
    result.sort()
    return result


def read_list(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return [line.strip() for line in f if line.strip()]


def readahead_file(path):
    """The sysfs readahead setting of the block device holding `path`."""
    device = os.stat(path).st_dev
    base = f"/sys/dev/block/{os.major(device)}:{os.minor(device)}"
    for candidate in (os.path.join(base, "queue/read_ahead_kb"), os.path.join(base, "../queue/read_ahead_kb")):
        if os.path.exists(candidate):
            return candidate
    raise RuntimeError(f"no readahead setting for {path}'s device {base}")


class FaultAround:
    """The kernel's fault-around size (debugfs), set for the run where the kernel lets us."""

    PATH = "/sys/kernel/debug/fault_around_bytes"

    def __init__(self):
        self.original = None
        try:
            with open(self.PATH) as f:
                self.original = f.read().strip()
        except OSError as error:
            print(f"fault-around stays as it is ({self.PATH}: {error.strerror})", file=sys.stderr)

    def set(self, value):
        if self.original is not None:
            with open(self.PATH, "w") as f:
                f.write(value)

    def restore(self):
        self.set(self.original)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="release build of ctr with its symbols")
    parser.add_argument("--paged", action="store_true",
                        help="the binary is linked with one-function-per-page.ld: present pages name functions")
    parser.add_argument("--normal", action="store_true",
                        help="no tracing: page cache, readahead and fault-around as in production")
    parser.add_argument("--previous", help="list to extend (gzip or text)")
    parser.add_argument("--map", help="the binary's lld link map, to name private functions by section")
    parser.add_argument("--output", required=True, help="where the list goes (gzip)")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    # A freshly written binary has dirty page-cache pages, which cannot be evicted until written
    # back: they would be mapped around every fault and count as touched.
    with open(binary, "rb") as f:
        os.fsync(f.fileno())
    workdir = tempfile.mkdtemp(prefix="ctr-order-")
    try:
        client_binary = os.path.join(workdir, "ctr-client")
        shutil.copy(binary, client_binary)
        daemon = bench.ours(binary, workdir)
        setting = readahead_file(binary)
        with open(setting) as f:
            readahead = f.read().strip()
        around = FaultAround()
        try:
            with open(setting, "w") as f:
                f.write(readahead if args.normal else "0")
            if not args.normal:
                around.set(str(PAGE))
            # Nothing of the binary stays cached from before (a copy leaves it all cached, in
            # large folios that fault-around would map whole).
            with open(binary, "rb") as f:
                os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
            pages, addresses = workload(binary, workdir, client_binary, daemon, bench.free_port())
        finally:
            with open(setting, "w") as f:
                f.write(readahead)
            around.restore()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    names = read_list(args.previous) if args.previous else []
    seen = set(names)
    found = set()
    symbols = functions(binary)
    starts = [address for address, _, _ in symbols]
    private = private_sections(args.map) if args.map else []
    private_starts = [address for address, _, _ in private]
    sections = []
    for address in addresses:
        index = bisect.bisect_right(starts, address) - 1
        if index >= 0 and address < symbols[index][0] + max(symbols[index][1], 1):
            found.add(symbols[index][2])
            continue
        index = bisect.bisect_right(private_starts, address) - 1
        if index >= 0 and address < private[index][0] + private[index][1]:
            entry = "section " + private[index][2]
            if entry not in seen and entry not in sections:
                sections.append(entry)
    if args.paged:
        touched = set(pages)

        def present(address, size):
            first, last = address // PAGE * PAGE, (address + max(size, 1) - 1) // PAGE * PAGE
            return any(page in touched for page in range(first, last + PAGE, PAGE))

        for address, size, name in symbols:
            if present(address, size):
                found.add(name)
        for address, size, pattern in private:
            entry = "section " + pattern
            if present(address, size) and entry not in seen and entry not in sections:
                sections.append(entry)
    added = []
    for _, _, name in symbols:
        if name in found and name not in seen:
            seen.add(name)
            added.append(name)
    with gzip.open(args.output, "wt") as f:
        f.write("".join(name + "\n" for name in names + sections + added))
    print(f"{len(pages)} code pages present, {len(addresses)} faults; {len(added)} functions and "
          f"{len(sections)} private sections added to {len(names)}, written to {args.output}")


if __name__ == "__main__":
    main()
