import API
import Core
import FoundationEssentials
import Glibc
import Runtime
import Snapshots

extension CRIService {
    /// ExecSync: runs `command` in the running container, its stdout and stderr captured in files,
    /// and returns both with the exit code. After `timeout` seconds (0 = none) it is killed.
    func execSync(_ id: String, command: [String], timeout: Int64) async throws -> Runtime_V1_ExecSyncResponse {
        let container = try self.container(id)
        guard container.status.phase == .running else {
            throw CtrError.failedPrecondition("container \"\(id)\" is not running")
        }
        guard !command.isEmpty else { throw CtrError.invalidArgument("exec in container \"\(id)\": no command") }
        let processJSON = try execProcess(container.id, command: command, tty: false)
        let execID = "exec-" + Identifier.random().prefix(16)
        let directory = state + "/exec/" + execID
        try makeDirectories(directory, mode: 0o700)
        defer { try? FileTree.remove(directory) }
        var finished: ShimProcessState?
        do {
            try await tasks.exec(namespace, container.id, execID: execID, spec: processJSON, io: TaskService.IO(
                stdout: "file://" + directory + "/stdout", stderr: "file://" + directory + "/stderr"), start: true)
            finished = try await waitExec(container.id, execID, seconds: timeout)
            if finished == nil {
                try? await tasks.kill(namespace, container.id, execID: execID, signal: SIGKILL, all: false)
                _ = try? await tasks.wait(namespace, container.id, execID: execID)
            }
        } catch {
            _ = try? await tasks.delete(namespace, container.id, execID: execID)
            throw error
        }
        _ = try? await tasks.delete(namespace, container.id, execID: execID)
        guard let finished else {
            throw CtrError(.deadlineExceeded, "exec in container \"\(id)\": timeout \(timeout)s exceeded")
        }
        return .with {
            $0.stdout = Data(Self.readCapped(directory + "/stdout"))
            $0.stderr = Data(Self.readCapped(directory + "/stderr"))
            $0.exitCode = Int32(bitPattern: finished.exitStatus)
        }
    }

    /// The OCI process of an exec in container `id`: the container's own, running `command`.
    func execProcess(_ id: String, command: [String], tty: Bool) throws -> [UInt8] {
        var process: OCISpec.Process
        if let known = execProcesses.withLock({ $0[id] }) {
            process = known
        } else {
            guard let record = try metadata.container(namespace, id).spec,
                  let decoded = (try? JSONDecoder().decode(OCISpec.self, from: Data(record.value)))?.process
            else {
                throw CtrError.internalError("container \"\(id)\": no runtime spec")
            }
            execProcesses.withLock { $0[id] = decoded }
            process = decoded
        }
        process.args = command
        process.terminal = tty
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(process))
    }

    /// The descriptors of a streaming exec that has started: our end of each FIFO the shim uses.
    struct StreamingExec: Sendable {
        var execID: String
        var directory: String
        var exit: TaskService.ExecExit
        var stdin: Int32?
        var stdout: Int32?
        var stderr: Int32?
    }

    /// Starts `command` in container `id` with FIFOs for the streams asked for. Each FIFO is held
    /// open read-write from before the shim opens it, so that nothing written is lost and the shim
    /// never sees an early end; once the process has started, the output FIFOs are reopened
    /// read-only (so their end shows when the shim closes them) and stdin's stays our writer.
    func startStreamingExec(_ id: String, command: [String], tty: Bool, stdin: Bool, stdout: Bool,
                            stderr: Bool) async throws -> StreamingExec {
        let processJSON = try execProcess(id, command: command, tty: tty)
        let execID = "exec-" + Identifier.random().prefix(16)
        let directory = state + "/exec/" + execID
        try makeDirectories(directory, mode: 0o700)
        var held: [String: Int32] = [:]
        let exit: TaskService.ExecExit
        func cleanUp() {
            for fd in held.values { close(fd) }
            try? FileTree.remove(directory)
        }
        do {
            for (name, wanted) in [("stdin", stdin), ("stdout", stdout), ("stderr", stderr && !tty)] where wanted {
                let path = directory + "/" + name
                guard mkfifo(path, 0o600) == 0 else { throw CtrError.internalError("exec: mkfifo \(path): \(Errno.current)") }
                let fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
                guard fd >= 0 else { throw CtrError.internalError("exec: open \(path): \(Errno.current)") }
                held[name] = fd
            }
            let io = TaskService.IO(stdin: held["stdin"] == nil ? "" : directory + "/stdin",
                                    stdout: held["stdout"] == nil ? "" : directory + "/stdout",
                                    stderr: held["stderr"] == nil ? "" : directory + "/stderr", terminal: tty)
            exit = try await tasks.execAndWait(namespace, id, execID: execID, spec: processJSON, io: io).exit
        } catch {
            cleanUp()
            throw error
        }
        var result = StreamingExec(execID: execID, directory: directory, exit: exit, stdin: held["stdin"])
        for name in ["stdout", "stderr"] {
            guard let placeholder = held[name] else { continue }
            let reader = open(directory + "/" + name, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            close(placeholder)
            if name == "stdout" { result.stdout = reader >= 0 ? reader : nil } else { result.stderr = reader >= 0 ? reader : nil }
        }
        return result
    }

    /// Forgets a finished streaming exec: the shim's record and the FIFOs.
    func endStreamingExec(_ id: String, _ exec: StreamingExec) async {
        _ = try? await tasks.delete(namespace, id, execID: exec.execID)
        try? FileTree.remove(exec.directory)
    }

    func waitExec(_ id: String, _ execID: String, seconds: Int64) async throws -> ShimProcessState? {
        let tasks = self.tasks
        let namespace = self.namespace
        if seconds <= 0 { return try await tasks.wait(namespace, id, execID: execID) }
        return try await within(seconds: seconds) { try await tasks.wait(namespace, id, execID: execID) }
    }

    /// A file's first 16 MiB.
    static func readCapped(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        return FileIO.readAll(fd, limit: 16 << 20).bytes
    }
}
