"""Memory of processes as a node operator reads it, and the shims that belong to a daemon.

- VmRSS (/proc/PID/status): resident pages mapped by the process, shared code counted whole in
  every process that maps it;
- Pss (/proc/PID/smaps_rollup): proportional set size, each shared page divided among the
  processes that map it, so that the PSS of a set of processes adds up to what the set costs;
- RssAnon (/proc/PID/status): anonymous memory: heap, stacks, copied-on-write pages.
"""
import os

LEGEND = ("VmRSS = resident pages mapped by the process, shared code counted whole; "
          "PSS = proportional set size, each shared page divided among the processes mapping it "
          "(/proc/PID/smaps_rollup); RssAnon = anonymous memory: heap, stacks, copied-on-write pages.")


def status_kib(pid, field):
    """One `Field:   N kB` line of /proc/PID/status, in KiB (0 if the field is absent)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def memory_kib(pid):
    """{"rss": VmRSS, "anon": RssAnon, "pss": Pss} of one process, in KiB."""
    figures = {"rss": status_kib(pid, "VmRSS"), "anon": status_kib(pid, "RssAnon"), "pss": 0}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                figures["pss"] = int(line.split()[1])
                break
    return figures


def total_kib(pids):
    """memory_kib summed over `pids`."""
    total = {"rss": 0, "anon": 0, "pss": 0}
    for pid in pids:
        for key, value in memory_kib(pid).items():
            total[key] += value
    return total


def processes():
    """(pid, argv) of every process whose command line is readable (kernel threads have none)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                raw = f.read()
        except OSError:
            continue
        if raw:
            yield int(entry), [part.decode(errors="replace") for part in raw.rstrip(b"\0").split(b"\0")]


def our_shim_pids(state_dir):
    """Our shims are the daemon's own binary run as `BINARY shim --namespace NS --id ID --bundle
    BUNDLE --socket SOCK --runtime runc --runtime-root ROOT`, their bundle and runtime root under
    the daemon's --state directory (the socket is under /run/ctr/s)."""
    prefix = state_dir.rstrip("/") + "/"
    return sorted(pid for pid, argv in processes()
                  if len(argv) > 1 and argv[1] == "shim" and any(arg.startswith(prefix) for arg in argv[2:]))


def containerd_shim_pids(address):
    """containerd's shims are `containerd-shim-runc-v2 -namespace NS -id ID -address SOCK`."""
    def ours(argv):
        if os.path.basename(argv[0]) != "containerd-shim-runc-v2":
            return False
        return any(flag in ("-address", "--address") and value == address for flag, value in zip(argv, argv[1:]))
    return sorted(pid for pid, argv in processes() if ours(argv))


def argv_of(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return [part.decode(errors="replace") for part in f.read().rstrip(b"\0").split(b"\0")]


def memory_rows(label, mine, theirs, target, how, what="the same processes"):
    """Three table rows from two memory_kib-style dicts (ours, containerd's), in MB: PSS with
    `target`, then RssAnon and VmRSS, informational."""
    return [
        (f"{label} PSS (MB)", mine["pss"] / 1024, theirs["pss"] / 1024, how, target),
        (f"{label} RssAnon (MB)", mine["anon"] / 1024, theirs["anon"] / 1024,
         f"{what}, anonymous memory", "—"),
        (f"{label} VmRSS (MB)", mine["rss"] / 1024, theirs["rss"] / 1024,
         f"{what}, resident set with shared code counted whole in each process", "—"),
    ]
