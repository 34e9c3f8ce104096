import Core
import Glibc

extension ShimServer {
    /// `runc create` (or, when the request says start, `runc run --detach`) of the init process.
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

    /// Records an exec'd process (its spec in the bundle); `start` runs it.
    func addExec(_ request: ShimRequest) throws(CtrError) -> Process {
        guard let execID = request.execID, !execID.isEmpty, let spec = request.document else {
            throw .invalidArgument("exec: an exec ID and a process spec are required")
        }
        if processes[execID] != nil { throw .alreadyExists("process \"\(execID)\": already exists") }
        // Read once by `runc exec`, and an exec does not outlive its shim: no fsync (the bench's
        // state directory is on disk, where it cost the exec round trip milliseconds).
        try writeFileAtomically(options.bundle + "/exec-\(execID).json", Array(spec.utf8), durable: false)
        let process = Process(execID: execID, stdin: request.stdin ?? "", stdout: request.stdout ?? "",
                              stderr: request.stderr ?? "", terminal: request.terminal ?? false)
        process.criLog = request.logFormat == "cri"
        process.maxLogLine = request.maxLogLine ?? 0
        processes[execID] = process
        return process
    }

    /// `runc start` for the init process, `runc exec --detach` for an exec'd one.
    func start(_ execID: String?) throws(CtrError) -> Process {
        let process = try process(execID)
        guard process.status == .created else {
            throw .failedPrecondition("process \"\(process.execID ?? options.id)\" is \(process.status.rawValue), not created")
        }
        if let execID {
            let pidFile = options.bundle + "/exec-\(execID).pid"
            try launch(process, arguments: ["exec", "--detach", "--pid-file", pidFile,
                                            "--process", options.bundle + "/exec-\(execID).json"], pidFile: pidFile)
        } else {
            try runtime.run(["start", options.id], stdio: nil)
        }
        process.status = .running
        return process
    }

    /// Signals the init process through runc (`all`: every process of the container) or an exec'd
    /// process directly.
    func kill(_ execID: String?, signal: Int32, all: Bool) throws(CtrError) {
        let process = try process(execID)
        if process.status == .stopped && !all {
            throw .notFound("process \"\(process.execID ?? options.id)\" already finished")
        }
        if process.execID == nil {
            try runtime.run(["kill"] + (all ? ["--all"] : []) + [options.id, String(signal)], stdio: nil)
        } else if Glibc.kill(process.pid, signal) != 0 {
            throw .internalError("kill \(process.pid): \(Errno.current)")
        }
    }

    /// The container's processes, as runc lists them.
    func pids() throws(CtrError) -> [Int32] {
        let output = try runtime.run(["ps", "--format", "json", options.id], stdio: nil)
        guard case .array(let items) = try JSONValue.parse(output) else { return [] }
        return items.compactMap { if case .integer(let pid) = $0 { return Int32(pid) } else { return nil } }
    }

    /// Runs `runc create`, `run` or `exec` with the process's stdio and reads its pid.
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
            try runtime.run(arguments + extra + [options.id], stdio: fds)
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

    /// Forgets a stopped process; deleting the init process removes the container from runc and
    /// ends the shim.
    func delete(_ execID: String?) throws(CtrError) -> Process {
        let process = try process(execID)
        if process.status == .running || process.status == .paused {
            throw .failedPrecondition("task must be stopped before deletion: \(process.status.rawValue)")
        }
        if execID == nil {
            // A created but never started task is killed first.
            _ = try? runtime.run(["delete", "--force", options.id], stdio: nil)
            exiting = true
        }
        if process.console >= 0 { close(process.console) }
        processes[process.key] = nil
        return process
    }
}
