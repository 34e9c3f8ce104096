import CLinux
public import Core
import FoundationEssentials
import Glibc

/// Where a shim keeps what it serves.
public struct ShimOptions: Sendable {
    public var namespace: String
    public var id: String
    /// The bundle: `config.json`, `rootfs`, pid and exit files, runc's log.
    public var bundle: String
    /// The control socket.
    public var socket: String
    /// The OCI runtime binary (runc).
    public var runtime: String
    /// runc's `--root` (its state directory).
    public var runtimeRoot: String

    public init(namespace: String, id: String, bundle: String, socket: String, runtime: String, runtimeRoot: String) {
        self.namespace = namespace
        self.id = id
        self.bundle = bundle
        self.socket = socket
        self.runtime = runtime
        self.runtimeRoot = runtimeRoot
    }
}

/// `ctr shim`: supervises one container. It is the subreaper of the container's processes,
/// drives runc, copies stdio between the processes and the client's FIFOs (or a terminal),
/// records exit statuses (on disk too, for a daemon that restarts after the shim is gone) and
/// serves the control protocol on its socket. It outlives the daemon. Single-threaded: one poll
/// loop over the socket, a SIGCHLD signalfd and the stdio pumps.
public final class ShimServer {
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

    /// Copies bytes from one descriptor to another without blocking the loop.
    final class Pump {
        var source: Int32
        var target: Int32
        var buffer: [UInt8] = []
        var offset = 0
        var sourceDone = false
        var targetBroken = false
        /// CRI log records instead of raw bytes.
        var formatter: CRILogFormatter?
        /// The file the target was opened from (reopened on request).
        var logPath: String?

        init(source: Int32, target: Int32) {
            self.source = source
            self.target = target
        }

        var finished: Bool { sourceDone && (offset >= buffer.count || targetBroken) }

        func closeAll() {
            if source >= 0 { close(source) }
            if target >= 0 { close(target) }
            source = -1
            target = -1
        }
    }

    let options: ShimOptions
    var processes: [String: Process] = [:]
    var pumps: [Pump] = []
    var waiters: [(fd: Int32, key: String)] = []
    var listener: Int32 = -1
    var signals: Int32 = -1
    var exiting = false
    let decoder = JSONDecoder()
    let encoder = JSONEncoder()

    public init(options: ShimOptions) {
        self.options = options
    }

    var exitFile: String { options.bundle + "/init.exit" }

    /// Sets up and runs the loop; returns when the container is deleted or the shim is shut down.
    /// `ready` is called once the socket accepts connections.
    public func run(ready: () -> Void) throws(CtrError) {
        _ = ctr_set_child_subreaper()
        signal(SIGPIPE, SIG_IGN)
        signals = ctr_sigchld_fd()
        guard signals >= 0 else { throw .internalError("shim: SIGCHLD pipe: \(UnixSocket.describe(errno))") }
        listener = try LineSocket.listen(options.socket)
        try? writeFileAtomically(options.bundle + "/shim.pid", Array("\(getpid())".utf8), durable: false)
        ready()
        while !exiting {
            loopOnce()
        }
        for waiter in waiters { close(waiter.fd) }
        close(listener)
        unlink(options.socket)
    }

    func loopOnce() {
        var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
        for pump in pumps {
            if pump.offset < pump.buffer.count && !pump.targetBroken {
                fds.append(pollfd(fd: pump.target, events: Int16(POLLOUT), revents: 0))
            } else if !pump.sourceDone {
                fds.append(pollfd(fd: pump.source, events: Int16(POLLIN), revents: 0))
            } else {
                fds.append(pollfd(fd: -1, events: 0, revents: 0))
            }
        }
        let pending = processes.values.contains { $0.exitPendingSince != nil }
        let ready = poll(&fds, nfds_t(fds.count), pending ? 100 : -1)
        if ready < 0 { return }
        if fds[1].revents != 0 {
            ctr_drain_pipe(signals)
            reap()
        }
        for (index, pump) in pumps.enumerated() where fds[index + 2].revents != 0 {
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

    // MARK: Stdio

    func service(_ pump: Pump) {
        if pump.offset < pump.buffer.count && !pump.targetBroken {
            let written = pump.buffer[pump.offset...].withUnsafeBytes { write(pump.target, $0.baseAddress, $0.count) }
            if written > 0 {
                pump.offset += written
                if pump.offset >= pump.buffer.count {
                    pump.buffer.removeAll(keepingCapacity: true)
                    pump.offset = 0
                }
            } else if written < 0 && errno != EAGAIN && errno != EINTR {
                pump.targetBroken = true
            }
            return
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { read(pump.source, $0.baseAddress, $0.count) }
        if count > 0 {
            if !pump.targetBroken {
                pump.buffer = pump.formatter?.format(chunk[0..<count]) ?? Array(chunk[0..<count])
                pump.offset = 0
            }
        } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
            // End of stream (EIO from a terminal whose other side closed counts too).
            pump.sourceDone = true
            if let rest = pump.formatter?.flush(), !rest.isEmpty, !pump.targetBroken {
                pump.buffer = rest
                pump.offset = 0
            }
        }
    }

    func addPump(source: Int32, target: Int32) -> Pump {
        _ = fcntl(source, F_SETFL, fcntl(source, F_GETFL) | O_NONBLOCK)
        _ = fcntl(target, F_SETFL, fcntl(target, F_GETFL) | O_NONBLOCK)
        let pump = Pump(source: source, target: target)
        pumps.append(pump)
        return pump
    }

    func closePump(_ pump: Pump?) {
        guard let pump else { return }
        pump.closeAll()
        pumps.removeAll { $0 === pump }
    }

    /// Descriptors for the process's stdin, stdout and stderr (the caller closes them once runc
    /// has them), with pumps to and from the FIFOs the client named.
    func openIO(_ process: Process) throws(CtrError) -> [Int32] {
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard null >= 0 else { throw .internalError("shim: open /dev/null: \(UnixSocket.describe(errno))") }
        var fds = [null, dup(null), dup(null)]
        if process.terminal { return fds }
        if !process.stdin.isEmpty {
            var pipe: [Int32] = [0, 0]
            let fifo = open(process.stdin, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard fifo >= 0, ctr_pipe_cloexec(&pipe) == 0 else {
                throw .invalidArgument("open stdin \(process.stdin): \(UnixSocket.describe(errno))")
            }
            close(fds[0])
            fds[0] = pipe[0]
            process.stdinPump = addPump(source: fifo, target: pipe[1])
        }
        for (index, path) in [(1, process.stdout), (2, process.stderr)] where !path.isEmpty {
            var pipe: [Int32] = [0, 0]
            let name = index == 1 ? "stdout" : "stderr"
            let file = Self.filePath(path)
            // A FIFO opens read-write: opening never blocks and writes never fail for want of a reader.
            let target = file.map { open($0, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640) }
                ?? open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
            guard target >= 0, ctr_pipe_cloexec(&pipe) == 0 else {
                throw .invalidArgument("open \(name) \(file ?? path): \(UnixSocket.describe(errno))")
            }
            close(fds[index])
            fds[index] = pipe[1]
            let pump = addPump(source: pipe[0], target: target)
            pump.logPath = file
            if file != nil && process.criLog {
                pump.formatter = CRILogFormatter(stream: name, maxLine: process.maxLogLine)
            }
            process.outputPumps.append(pump)
        }
        return fds
    }

    /// After runc sent the terminal's master over the console socket: pumps both ways.
    func attachConsole(_ process: Process, socket: Int32) throws(CtrError) {
        let connection = ctr_accept_cloexec(socket)
        guard connection >= 0 else { throw .internalError("shim: console socket: \(UnixSocket.describe(errno))") }
        defer { close(connection) }
        let master = ctr_receive_fd(connection)
        guard master >= 0 else { throw .internalError("shim: no terminal received from runc") }
        process.console = master
        if !process.stdout.isEmpty {
            let file = Self.filePath(process.stdout)
            let target = file.map { open($0, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640) }
                ?? open(process.stdout, O_RDWR | O_NONBLOCK | O_CLOEXEC)
            if target >= 0 {
                let pump = addPump(source: dup(master), target: target)
                pump.logPath = file
                if file != nil && process.criLog {
                    pump.formatter = CRILogFormatter(stream: "stdout", maxLine: process.maxLogLine)
                }
            }
        }
        if !process.stdin.isEmpty {
            let fifo = open(process.stdin, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            if fifo >= 0 { process.stdinPump = addPump(source: fifo, target: dup(master)) }
        }
    }

    // MARK: Exits

    func reap() {
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 { break }
            guard let process = processes.values.first(where: { $0.pid == pid && $0.status != .stopped }) else { continue }
            process.status = .stopped
            process.exitStatus = UInt32(Subprocess.exitCode(status))
            process.exitedAt = Timestamp.now.unixNanos
            closePump(process.stdinPump)
            process.stdinPump = nil
            if process.execID == nil {
                try? writeFileAtomically(exitFile, Array("\(process.exitStatus) \(process.exitedAt)".utf8))
            }
            if process.outputPumps.contains(where: { pump in pumps.contains { $0 === pump } }) {
                process.exitPendingSince = .now
            } else {
                notifyWaiters(process)
            }
        }
    }

    /// Tells waiters of exits whose output has been copied out, or that waited long enough (a
    /// background child may hold the output open).
    func notifyDrainedExits() {
        for process in processes.values {
            guard let since = process.exitPendingSince else { continue }
            process.outputPumps.removeAll { pump in !pumps.contains { $0 === pump } }
            if process.outputPumps.isEmpty || ContinuousClock.now - since > .seconds(2) {
                process.exitPendingSince = nil
                notifyWaiters(process)
            }
        }
    }

    /// The path of a `file://` URL; nil for a plain path (a FIFO).
    static func filePath(_ path: String) -> String? {
        path.hasPrefix("file://") ? String(path.dropFirst("file://".count)) : nil
    }

    /// Reopens every log file being written (kubelet moved the old one away).
    func reopenLogs() throws(CtrError) {
        for pump in pumps {
            guard let path = pump.logPath else { continue }
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
            guard fd >= 0 else { throw .internalError("reopen log \(path): \(UnixSocket.describe(errno))") }
            close(pump.target)
            pump.target = fd
        }
    }

    func notifyWaiters(_ process: Process) {
        var response = ShimResponse()
        response.state = process.state
        for waiter in waiters where waiter.key == process.key {
            send(response, to: waiter.fd)
            close(waiter.fd)
        }
        waiters.removeAll { $0.key == process.key }
    }

    // MARK: Requests

    func handle(_ connection: Int32) {
        guard let line = LineSocket.readLine(connection),
              let request = try? decoder.decode(ShimRequest.self, from: Data(line))
        else {
            send(ShimResponse(error: .invalidArgument("shim: malformed request")), to: connection)
            close(connection)
            return
        }
        do throws(CtrError) {
            if let response = try perform(request, connection: connection) {
                send(response, to: connection)
                close(connection)
            }
        } catch {
            send(ShimResponse(error: error), to: connection)
            close(connection)
        }
    }

    func send(_ response: ShimResponse, to fd: Int32) {
        guard var bytes = try? encoder.encode(response) else { return }
        bytes.append(UInt8(ascii: "\n"))
        _ = FileIO.writeAll(fd, Array(bytes)[...])
    }

    func process(_ execID: String?) throws(CtrError) -> Process {
        guard let process = processes[execID ?? ""] else {
            if let execID { throw .notFound("process \"\(execID)\" of task \"\(options.id)\": not found") }
            throw .notFound("task \"\(options.id)\": not created")
        }
        return process
    }

    func stateResponse(_ process: Process) -> ShimResponse {
        var response = ShimResponse()
        response.state = process.state
        return response
    }

    /// Runs one request; nil means the response comes later (wait).
    func perform(_ request: ShimRequest, connection: Int32) throws(CtrError) -> ShimResponse? {
        switch request.op {
        case .create:
            return stateResponse(try create(request))
        case .exec:
            guard let execID = request.execID, !execID.isEmpty, let spec = request.document else {
                throw .invalidArgument("exec: an exec ID and a process spec are required")
            }
            if processes[execID] != nil { throw .alreadyExists("process \"\(execID)\": already exists") }
            try writeFileAtomically(options.bundle + "/exec-\(execID).json", Array(spec.utf8))
            let process = Process(execID: execID, stdin: request.stdin ?? "", stdout: request.stdout ?? "",
                                  stderr: request.stderr ?? "", terminal: request.terminal ?? false)
            process.criLog = request.logFormat == "cri"
            process.maxLogLine = request.maxLogLine ?? 0
            processes[execID] = process
            return stateResponse(process)
        case .start:
            let process = try process(request.execID)
            guard process.status == .created else {
                throw .failedPrecondition("process \"\(process.execID ?? options.id)\" is \(process.status.rawValue), not created")
            }
            if process.execID == nil {
                try runc(["start", options.id])
                process.status = .running
            } else {
                try startExec(process)
            }
            return stateResponse(process)
        case .state:
            return stateResponse(try process(request.execID))
        case .kill:
            let process = try process(request.execID)
            let signal = request.signal ?? SIGTERM
            if process.status == .stopped && !(request.all ?? false) {
                throw .notFound("process \"\(process.execID ?? options.id)\" already finished")
            }
            if process.execID == nil {
                try runc(["kill"] + ((request.all ?? false) ? ["--all"] : []) + [options.id, String(signal)])
            } else if Glibc.kill(process.pid, signal) != 0 {
                throw .internalError("kill \(process.pid): \(UnixSocket.describe(errno))")
            }
            return ShimResponse()
        case .wait:
            let process = try process(request.execID)
            if process.status == .stopped && process.exitPendingSince == nil { return stateResponse(process) }
            waiters.append((connection, process.key))
            return nil
        case .resize:
            let process = try process(request.execID)
            guard process.console >= 0 else { throw .failedPrecondition("process \"\(process.execID ?? options.id)\" has no terminal") }
            _ = ctr_set_window_size(process.console, UInt16(clamping: request.height ?? 24), UInt16(clamping: request.width ?? 80))
            return ShimResponse()
        case .closeIO:
            let process = try process(request.execID)
            closePump(process.stdinPump)
            process.stdinPump = nil
            return ShimResponse()
        case .pause, .resume:
            let process = try process(nil)
            try runc([request.op == .pause ? "pause" : "resume", options.id])
            process.status = request.op == .pause ? .paused : .running
            return ShimResponse()
        case .pids:
            let output = try runc(["ps", "--format", "json", options.id])
            var response = ShimResponse()
            if case .array(let items) = try JSONValue.parse(output) {
                response.pids = items.compactMap { if case .integer(let pid) = $0 { return Int32(pid) } else { return nil } }
            }
            return response
        case .update:
            guard let document = request.document else { throw .invalidArgument("update: resources are required") }
            let path = options.bundle + "/resources.json"
            try writeFileAtomically(path, Array(document.utf8))
            try runc(["update", "--resources", path, options.id])
            return ShimResponse()
        case .delete:
            return try delete(request.execID)
        case .shutdown:
            exiting = true
            return ShimResponse()
        case .reopenLog:
            try reopenLogs()
            return ShimResponse()
        }
    }

    func create(_ request: ShimRequest) throws(CtrError) -> Process {
        if processes[""] != nil { throw .alreadyExists("task \"\(options.id)\": already exists") }
        let process = Process(execID: nil, stdin: request.stdin ?? "", stdout: request.stdout ?? "",
                              stderr: request.stderr ?? "", terminal: request.terminal ?? false)
        process.criLog = request.logFormat == "cri"
        process.maxLogLine = request.maxLogLine ?? 0
        let pidFile = options.bundle + "/init.pid"
        let startNow = request.start ?? false
        try launch(process, arguments: (startNow ? ["run", "--detach"] : ["create"])
                       + ["--bundle", options.bundle, "--pid-file", pidFile], pidFile: pidFile)
        // An early exit is not lost: the process is our child (subreaper) and is reaped, with its
        // pid known by then, when the request is done.
        if startNow { process.status = .running }
        processes[""] = process
        return process
    }

    func startExec(_ process: Process) throws(CtrError) {
        guard let execID = process.execID else { return }
        let pidFile = options.bundle + "/exec-\(execID).pid"
        try launch(process, arguments: ["exec", "--detach", "--pid-file", pidFile,
                                        "--process", options.bundle + "/exec-\(execID).json"], pidFile: pidFile)
        process.status = .running
    }

    /// Runs `runc create` or `runc exec` with the process's stdio and reads its pid.
    func launch(_ process: Process, arguments: [String], pidFile: String) throws(CtrError) {
        let fds = try openIO(process)
        var console: Int32 = -1
        var consolePath = ""
        var extra: [String] = []
        if process.terminal {
            consolePath = options.socket + ".console-\(process.key.isEmpty ? "init" : process.key)"
            console = try LineSocket.listen(consolePath)
            extra = ["--console-socket", consolePath]
        }
        defer {
            for fd in fds { close(fd) }
            if console >= 0 {
                close(console)
                unlink(consolePath)
            }
        }
        do throws(CtrError) {
            try runc(arguments + extra + [options.id], stdio: fds)
            if process.terminal { try attachConsole(process, socket: console) }
        } catch {
            for pump in pumps where pump === process.stdinPump { closePump(pump) }
            throw error
        }
        guard let text = readTextFile(pidFile), let pid = Int32(text.trimmed) else {
            throw .internalError("runc did not write \(pidFile)")
        }
        process.pid = pid
    }

    func delete(_ execID: String?) throws(CtrError) -> ShimResponse {
        let process = try process(execID)
        if process.status == .running || process.status == .paused {
            throw .failedPrecondition("task must be stopped before deletion: \(process.status.rawValue)")
        }
        if execID == nil {
            // A created but never started task is killed first.
            _ = try? runc(["delete", "--force", options.id])
            exiting = true
        }
        if process.console >= 0 { close(process.console) }
        processes[process.key] = nil
        return stateResponse(process)
    }

    // MARK: runc

    /// Runs runc with its log in the bundle; on failure the error is runc's last logged message.
    @discardableResult
    func runc(_ arguments: [String], stdio: [Int32]? = nil) throws(CtrError) -> String {
        let log = options.bundle + "/log.json"
        let full = [options.runtime, "--root", options.runtimeRoot, "--log", log, "--log-format", "json"] + arguments
        if let stdio {
            let pid = try Subprocess.spawn(full, stdin: stdio[0], stdout: stdio[1], stderr: stdio[2])
            let status = Subprocess.wait(pid)
            if status != 0 { throw .internalError(Self.failure(arguments[0], Self.lastError(log) ?? "exit status \(status)")) }
            return ""
        }
        let result = try Subprocess.run(full)
        if result.status != 0 {
            let message = Self.lastError(log) ?? result.error.trimmed
            throw .internalError(Self.failure(arguments[0], message))
        }
        return result.output
    }

    static func failure(_ operation: String, _ message: String) -> String {
        message.hasPrefix("runc ") ? message : "runc \(operation) failed: \(message)"
    }

    static func lastError(_ log: String) -> String? {
        guard let text = readTextFile(log) else { return nil }
        for line in text.split(separator: "\n").reversed() {
            guard let entry = try? JSONValue.parse(String(line)), entry["level"]?.stringValue == "error" else { continue }
            return entry["msg"]?.stringValue
        }
        return nil
    }
}


/// `ctr shim …` without the command tree: the shim parses its few flags itself, so a supervisor
/// process touches as little of the binary (and starts as few threads) as possible.
public enum ShimMain {
    public static func run(_ arguments: [String]) -> Never {
        var values: [String: String] = ["--runtime": "runc"]
        var index = 0
        while index + 1 < arguments.count {
            values[arguments[index]] = arguments[index + 1]
            index += 2
        }
        guard let namespace = values["--namespace"], let id = values["--id"], let bundle = values["--bundle"],
              let socket = values["--socket"], let runtime = values["--runtime"], let runtimeRoot = values["--runtime-root"]
        else {
            StandardError.write("ctr shim: --namespace, --id, --bundle, --socket and --runtime-root are required\n")
            exit(2)
        }
        let server = ShimServer(options: ShimOptions(namespace: namespace, id: id, bundle: bundle, socket: socket,
                                                     runtime: runtime, runtimeRoot: runtimeRoot))
        do throws(CtrError) {
            try server.run {
                StandardOutput.write(Array("ready\n".utf8))
                // Nobody reads stdout any more: the daemon may be gone.
                let null = open("/dev/null", O_WRONLY)
                if null >= 0 {
                    dup2(null, 1)
                    close(null)
                }
            }
        } catch {
            StandardError.write("ctr shim: \(error)\n")
            exit(1)
        }
        exit(0)
    }
}
