import Core
import Runtime

/// The task operations that are one shim request each and change nothing the daemon keeps.
extension TaskService {
    /// A new terminal size for the process's pty.
    public func resize(_ namespace: String, _ id: String, execID: String?, width: UInt32, height: UInt32) async throws {
        var request = ShimRequest(op: .resize, execID: execID)
        request.width = width
        request.height = height
        try await send(namespace, id, request)
    }

    /// Closes the process's stdin (the client's end of it).
    public func closeStdin(_ namespace: String, _ id: String, execID: String?) async throws {
        try await send(namespace, id, ShimRequest(op: .closeIO, execID: execID))
    }

    /// Freezes (`true`) or thaws every process of the task.
    public func pause(_ namespace: String, _ id: String, _ paused: Bool) async throws {
        try await send(namespace, id, ShimRequest(op: paused ? .pause : .resume))
    }

    /// The pids of the task's processes.
    public func pids(_ namespace: String, _ id: String) async throws -> [Int32] {
        try await send(namespace, id, ShimRequest(op: .pids)).pids ?? []
    }

    /// New resources (an OCI `LinuxResources` JSON document) for the task's cgroup.
    public func update(_ namespace: String, _ id: String, resources: String) async throws {
        var request = ShimRequest(op: .update)
        request.document = resources
        try await send(namespace, id, request)
    }

    /// Reopens the task's log files (after they were rotated).
    public func reopenLogs(_ namespace: String, _ id: String) async throws {
        try await send(namespace, id, ShimRequest(op: .reopenLog))
    }

    @discardableResult
    private func send(_ namespace: String, _ id: String, _ request: ShimRequest) async throws -> ShimResponse {
        try await entry(namespace, id).shim.send(request)
    }
}
