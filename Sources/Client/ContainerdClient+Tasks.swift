public import Core
import API
import FoundationEssentials
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf

/// A task's process as the Tasks service reports it.
public struct TaskProcess: Sendable, Equatable {
    public enum Status: String, Sendable {
        case unknown = "UNKNOWN", created = "CREATED", running = "RUNNING", stopped = "STOPPED", paused = "PAUSED",
             pausing = "PAUSING"
    }

    public var containerID: String
    public var id: String
    public var pid: UInt32
    public var status: Status
    public var exitStatus: UInt32
    public var exitedAt: Timestamp?
    public var stdin: String
    public var stdout: String
    public var stderr: String
    public var terminal: Bool
}

/// The stdio a task's process is created with: FIFO paths, or none.
public struct TaskIO: Sendable {
    public var stdin: String
    public var stdout: String
    public var stderr: String
    public var terminal: Bool

    public init(stdin: String = "", stdout: String = "", stderr: String = "", terminal: Bool = false) {
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.terminal = terminal
    }
}

extension ContainerdClient {
    private var tasks: Containerd_Services_Tasks_V1_Tasks.Client<HTTP2ClientTransport.Posix> {
        .init(wrapping: connection.grpc)
    }

    static func process(_ message: Containerd_V1_Types_Process) -> TaskProcess {
        let status: TaskProcess.Status
        switch message.status {
        case .created: status = .created
        case .running: status = .running
        case .stopped: status = .stopped
        case .paused: status = .paused
        case .pausing: status = .pausing
        default: status = .unknown
        }
        return TaskProcess(containerID: message.containerID, id: message.id, pid: message.pid, status: status,
                           exitStatus: message.exitStatus,
                           exitedAt: message.hasExitedAt ? Timestamp(message.exitedAt) : nil,
                           stdin: message.stdin, stdout: message.stdout, stderr: message.stderr, terminal: message.terminal)
    }

    public func createTask(_ id: String, rootfs: [Mount], io: TaskIO) async throws(CtrError) -> UInt32 {
        let request = Containerd_Services_Tasks_V1_CreateTaskRequest.with {
            $0.containerID = id
            $0.rootfs = rootfs.map { .init($0) }
            $0.stdin = io.stdin
            $0.stdout = io.stdout
            $0.stderr = io.stderr
            $0.terminal = io.terminal
        }
        return try await call { try await tasks.create(request, metadata: metadata, options: connection.callOptions).pid }
    }

    public func startTask(_ id: String, execID: String = "") async throws(CtrError) -> UInt32 {
        let request = Containerd_Services_Tasks_V1_StartRequest.with {
            $0.containerID = id
            $0.execID = execID
        }
        return try await call { try await tasks.start(request, metadata: metadata, options: connection.callOptions).pid }
    }

    /// Deletes a stopped task and returns its exit status.
    @discardableResult
    public func deleteTask(_ id: String, execID: String = "") async throws(CtrError) -> UInt32 {
        if execID.isEmpty {
            let request = Containerd_Services_Tasks_V1_DeleteTaskRequest.with { $0.containerID = id }
            return try await call { try await tasks.delete(request, metadata: metadata, options: connection.callOptions).exitStatus }
        }
        let request = Containerd_Services_Tasks_V1_DeleteProcessRequest.with {
            $0.containerID = id
            $0.execID = execID
        }
        return try await call { try await tasks.deleteProcess(request, metadata: metadata, options: connection.callOptions).exitStatus }
    }

    public func getTask(_ id: String, execID: String = "") async throws(CtrError) -> TaskProcess {
        let request = Containerd_Services_Tasks_V1_GetRequest.with {
            $0.containerID = id
            $0.execID = execID
        }
        return try await call {
            Self.process(try await tasks.get(request, metadata: metadata, options: connection.callOptions).process)
        }
    }

    public func listTasks() async throws(CtrError) -> [TaskProcess] {
        try await call {
            try await tasks.list(.init(), metadata: metadata, options: connection.callOptions).tasks.map(Self.process)
        }
    }

    public func killTask(_ id: String, signal: Int32, all: Bool = false, execID: String = "") async throws(CtrError) {
        let request = Containerd_Services_Tasks_V1_KillRequest.with {
            $0.containerID = id
            $0.execID = execID
            $0.signal = UInt32(signal)
            $0.all = all
        }
        _ = try await call { try await tasks.kill(request, metadata: metadata, options: connection.callOptions) }
    }

    public func execProcess(_ id: String, execID: String, spec: OCISpec.Process, io: TaskIO) async throws(CtrError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let document = try? encoder.encode(spec) else { throw .internalError("exec: cannot encode the process spec") }
        let request = Containerd_Services_Tasks_V1_ExecProcessRequest.with {
            $0.containerID = id
            $0.execID = execID
            $0.stdin = io.stdin
            $0.stdout = io.stdout
            $0.stderr = io.stderr
            $0.terminal = io.terminal
            $0.spec = .with {
                $0.typeURL = OCISpec.processTypeURL
                $0.value = document
            }
        }
        _ = try await call { try await tasks.exec(request, metadata: metadata, options: connection.callOptions) }
    }

    public func resizeTask(_ id: String, execID: String = "", width: UInt32, height: UInt32) async throws(CtrError) {
        let request = Containerd_Services_Tasks_V1_ResizePtyRequest.with {
            $0.containerID = id
            $0.execID = execID
            $0.width = width
            $0.height = height
        }
        _ = try await call { try await tasks.resizePty(request, metadata: metadata, options: connection.callOptions) }
    }

    public func closeTaskStdin(_ id: String, execID: String = "") async throws(CtrError) {
        let request = Containerd_Services_Tasks_V1_CloseIORequest.with {
            $0.containerID = id
            $0.execID = execID
            $0.stdin = true
        }
        _ = try await call { try await tasks.closeIO(request, metadata: metadata, options: connection.callOptions) }
    }

    public func pauseTask(_ id: String) async throws(CtrError) {
        _ = try await call {
            try await tasks.pause(.with { $0.containerID = id }, metadata: metadata, options: connection.callOptions)
        }
    }

    public func resumeTask(_ id: String) async throws(CtrError) {
        _ = try await call {
            try await tasks.resume(.with { $0.containerID = id }, metadata: metadata, options: connection.callOptions)
        }
    }

    public func taskPids(_ id: String) async throws(CtrError) -> [UInt32] {
        try await call {
            try await tasks.listPids(.with { $0.containerID = id }, metadata: metadata, options: connection.callOptions)
                .processes.map(\.pid)
        }
    }

    /// Waits for the process to exit (no deadline) and returns its exit status.
    public func waitTask(_ id: String, execID: String = "") async throws(CtrError) -> UInt32 {
        let request = Containerd_Services_Tasks_V1_WaitRequest.with {
            $0.containerID = id
            $0.execID = execID
        }
        return try await call {
            try await tasks.wait(request, metadata: metadata, options: .defaults).exitStatus
        }
    }
}

/// The cgroup figures of a task (from `io.containerd.cgroups.v1.Metrics`).
/// A task's cgroup metrics as containerd's `ctr tasks metrics` shows them: the rows depend on the
/// host's cgroup layout (`io.containerd.cgroups.v1.Metrics` or `.v2.Metrics`).
public struct TaskMetrics: Sendable, Equatable {
    public var id: String
    public var timestamp: Timestamp
    /// (name, value), in containerd's order and with its names.
    public var rows: [(String, String)]

    public static func == (lhs: TaskMetrics, rhs: TaskMetrics) -> Bool {
        lhs.id == rhs.id && lhs.timestamp == rhs.timestamp && lhs.rows.elementsEqual(rhs.rows) { $0 == $1 }
    }

    public subscript(_ name: String) -> String? { rows.first { $0.0 == name }?.1 }

    static func rows(_ data: Io_Containerd_Cgroups_V1_Metrics) -> [(String, String)] {
        [("memory.usage_in_bytes", String(data.memory.usage.usage)),
         ("memory.limit_in_bytes", String(data.memory.usage.limit)),
         ("memory.stat.cache", String(data.memory.totalCache)),
         ("cpuacct.usage", String(data.cpu.usage.total)),
         ("cpuacct.usage_percpu", "[" + data.cpu.usage.perCpu.map(String.init).joined(separator: " ") + "]"),
         ("pids.current", String(data.pids.current)),
         ("pids.limit", String(data.pids.limit))]
    }

    static func rows(_ data: Io_Containerd_Cgroups_V2_Metrics) -> [(String, String)] {
        [("pids.current", String(data.pids.current)),
         ("pids.limit", String(data.pids.limit)),
         ("cpu.usage_usec", String(data.cpu.usageUsec)),
         ("cpu.user_usec", String(data.cpu.userUsec)),
         ("cpu.system_usec", String(data.cpu.systemUsec)),
         ("cpu.nr_periods", String(data.cpu.nrPeriods)),
         ("cpu.nr_throttled", String(data.cpu.nrThrottled)),
         ("cpu.throttled_usec", String(data.cpu.throttledUsec)),
         ("memory.usage", String(data.memory.usage)),
         ("memory.usage_limit", String(data.memory.usageLimit)),
         ("memory.swap_usage", String(data.memory.swapUsage)),
         ("memory.swap_limit", String(data.memory.swapLimit))]
    }
}

extension ContainerdClient {
    /// Metrics of the task `id`, cgroup v1 or v2 data as containerd encodes it.
    public func taskMetrics(_ id: String) async throws(CtrError) -> TaskMetrics {
        let request = Containerd_Services_Tasks_V1_MetricsRequest.with { $0.filters = ["id==\(id)"] }
        let response = try await call {
            try await Containerd_Services_Tasks_V1_Tasks.Client(wrapping: connection.grpc)
                .metrics(request, metadata: metadata, options: connection.callOptions)
        }
        guard let metric = response.metrics.first(where: { $0.id == id }) else {
            throw .notFound("no metrics for task \"\(id)\" (is it running?)")
        }
        let bytes = Array(metric.data.value)
        let rows: [(String, String)]
        if metric.data.typeURL.hasSuffix("io.containerd.cgroups.v1.Metrics"),
           let data = try? Io_Containerd_Cgroups_V1_Metrics(serializedBytes: bytes) {
            rows = TaskMetrics.rows(data)
        } else if metric.data.typeURL.hasSuffix("io.containerd.cgroups.v2.Metrics"),
                  let data = try? Io_Containerd_Cgroups_V2_Metrics(serializedBytes: bytes) {
            rows = TaskMetrics.rows(data)
        } else {
            throw .unimplemented("task \"\(id)\": metrics of type \(metric.data.typeURL) are not understood")
        }
        return TaskMetrics(id: id, timestamp: Timestamp(metric.timestamp), rows: rows)
    }
}
