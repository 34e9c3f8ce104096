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
        guard let record = try metadata.container(namespace, container.id).spec,
              var process = (try? JSONDecoder().decode(OCISpec.self, from: Data(record.value)))?.process
        else {
            throw CtrError.internalError("container \"\(id)\": no runtime spec")
        }
        process.args = command
        process.terminal = false
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let processJSON = Array(try encoder.encode(process))
        let execID = "exec-" + Identifier.random().prefix(16)
        let directory = state + "/exec/" + execID
        try makeDirectories(directory, mode: 0o700)
        defer { try? FileTree.remove(directory) }
        try await tasks.exec(namespace, container.id, execID: execID, spec: processJSON, io: TaskService.IO(
            stdout: "file://" + directory + "/stdout", stderr: "file://" + directory + "/stderr"))
        var finished: ShimProcessState?
        do {
            _ = try await tasks.start(namespace, container.id, execID: execID)
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
