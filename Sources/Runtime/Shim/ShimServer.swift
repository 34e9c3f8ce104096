import CLinux
import Core
import FoundationEssentials
import Glibc

/// `ctr shim`: supervises one container. It is the subreaper of the container's processes,
/// drives the OCI runtime (runc), copies stdio between the processes and the client's FIFOs (or a
/// terminal), records exit statuses (on disk too, for a daemon that restarts after the shim is
/// gone) and serves the control protocol on its socket. It outlives the daemon.
///
/// Single-threaded: one poll loop (this file) over the control socket, a self-pipe that SIGCHLD
/// writes to (`+Exits`), and the stdio pumps (`+Stdio`); requests are handled in `+Requests` and
/// `+Processes`, runc is driven through `OCIRuntime`.
final class ShimServer {
    /// The container's init process (exec ID nil) or one exec'd process.
    final class Process {
        let execID: String?
        var pid: Int32 = 0
        var status: ShimProcessState.Status = .created
        var exitStatus: UInt32 = 0
        var exitedAt: Int64 = 0
        let stdin: String
        let stdout: String
        let stderr: String
        let terminal: Bool
        var console: Int32 = -1
        var stdinPump: Pump?
        var outputPumps: [Pump] = []
        /// CRI log records instead of raw bytes, for `file://` outputs.
        var criLog = false
        var maxLogLine = 0
        /// Set when the process exited while its output was still being copied: waiters hear of
        /// the exit once the output is drained (or after a grace period).
        var exitPendingSince: ContinuousClock.Instant?

        init(execID: String?, stdin: String, stdout: String, stderr: String, terminal: Bool) {
            self.execID = execID
            self.stdin = stdin
            self.stdout = stdout
            self.stderr = stderr
            self.terminal = terminal
        }

        var key: String { execID ?? "" }

        var state: ShimProcessState {
            ShimProcessState(execID: execID, pid: pid, status: status, exitStatus: exitStatus, exitedAt: exitedAt,
                             stdin: stdin, stdout: stdout, stderr: stderr, terminal: terminal)
        }
    }

    let options: ShimOptions
    let runtime: any OCIRuntime
    var processes: [String: Process] = [:]
    var pumps: [Pump] = []
    var waiters: [(fd: Int32, key: String)] = []
    var listener: Int32 = -1
    var signals: Int32 = -1
    /// inotify on the container's `memory.events`, -1 until the container exists (or on v1).
    var oomWatch: Int32 = -1
    /// The parent cgroup's `oom_kill` count when the container started (cgroup v2).
    var parentOOMKills: UInt64?
    var exiting = false
    let decoder = JSONDecoder()
    let encoder = JSONEncoder()

    /// The host's cgroups (tests: a tree of their own).
    let cgroups: CgroupHierarchy
    /// The container's cgroup, from the bundle's spec (written before the shim starts), read once.
    lazy var containerCgroup: String? = ShimOptions.cgroupsPath(bundle: options.bundle)

    /// A shim for `options`, driving `runtime` (by default the binary `options.runtime` names).
    init(options: ShimOptions, runtime: (any OCIRuntime)? = nil, cgroups: CgroupHierarchy = .host) {
        self.options = options
        self.runtime = runtime ?? Runc(options: options)
        self.cgroups = cgroups
    }

    var exitFile: String { options.bundle + "/init.exit" }

    /// Sets up and runs the loop; returns when the container is deleted or the shim is shut down.
    /// `ready` is called once the socket accepts connections.
    func run(ready: () -> Void) throws(CtrError) {
        _ = ctr_set_child_subreaper()
        signal(SIGPIPE, SIG_IGN)
        signals = ctr_sigchld_fd()
        guard signals >= 0 else { throw .internalError("shim: SIGCHLD pipe: \(Errno.current)") }
        listener = try LineSocket.listen(options.socket)
        try? writeFileAtomically(options.bundle + "/shim.pid", Array("\(getpid())".utf8), durable: false)
        ready()
        while !exiting {
            loopOnce()
        }
        for waiter in waiters { close(waiter.fd) }
        if oomWatch >= 0 { close(oomWatch) }
        close(listener)
        unlink(options.socket)
    }

    /// One turn of the loop: wait for the socket, SIGCHLD or a pump, then serve what is ready.
    func loopOnce() {
        var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: signals, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: oomWatch, events: Int16(POLLIN), revents: 0)]
        for pump in pumps {
            if pump.offset < pump.buffer.count && !pump.targetBroken {
                fds.append(pollfd(fd: pump.target, events: Int16(POLLOUT), revents: 0))
            } else if !pump.sourceDone {
                fds.append(pollfd(fd: pump.source, events: Int16(POLLIN), revents: 0))
            } else {
                fds.append(pollfd(fd: -1, events: 0, revents: 0))
            }
        }
        // While an exit waits for its output to drain, wake up to let the grace period run out.
        let pending = processes.values.contains { $0.exitPendingSince != nil }
        let ready = poll(&fds, nfds_t(fds.count), pending ? 100 : -1)
        if ready < 0 { return }
        // An OOM kill first: its count is read while the cgroup is most likely still there.
        if fds[2].revents != 0 { recordOOM() }
        if fds[1].revents != 0 {
            ctr_drain_pipe(signals)
            reap()
        }
        for (index, pump) in pumps.enumerated() where fds[index + 3].revents != 0 {
            service(pump)
        }
        let finished = pumps.filter(\.finished)
        for pump in finished { pump.closeAll() }
        pumps.removeAll { $0.finished }
        notifyDrainedExits()
        if fds[0].revents != 0 {
            let connection = ctr_accept_cloexec(listener)
            if connection >= 0 { handle(connection) }
        }
    }
}
