import API
import Core
import FoundationEssentials
import GRPCCore
import Runtime
import SwiftProtobuf

/// `containerd.services.tasks.v1.Tasks` over the task service.
struct TasksGRPC: Containerd_Services_Tasks_V1_Tasks.SimpleServiceProtocol {
    let tasks: TaskService

    static func process(_ id: String, _ state: ShimProcessState) -> Containerd_V1_Types_Process {
        .with {
            $0.containerID = id
            $0.id = state.execID ?? id
            $0.pid = UInt32(max(0, state.pid))
            switch state.status {
            case .created: $0.status = .created
            case .running: $0.status = .running
            case .stopped: $0.status = .stopped
            case .paused: $0.status = .paused
            }
            $0.stdin = state.stdin
            $0.stdout = state.stdout
            $0.stderr = state.stderr
            $0.terminal = state.terminal
            $0.exitStatus = state.exitStatus
            if state.exitedAt > 0 { $0.exitedAt = .init(Timestamp(unixNanos: state.exitedAt)) }
        }
    }

    static func execID(_ text: String) -> String? { text.isEmpty ? nil : text }

    func create(request: Containerd_Services_Tasks_V1_CreateTaskRequest, context: ServerContext) async throws
        -> Containerd_Services_Tasks_V1_CreateTaskResponse
    {
        if request.hasCheckpoint { throw CtrError.unimplemented("create task \"\(request.containerID)\": checkpoints are not supported") }
        let state = try await tasks.create(try RequestNamespace.current(), request.containerID,
                                           rootfs: request.rootfs.map(Mount.init),
                                           io: .init(stdin: request.stdin, stdout: request.stdout, stderr: request.stderr,
                                                     terminal: request.terminal))
        return .with {
            $0.containerID = request.containerID
            $0.pid = UInt32(state.pid)
        }
    }

    func start(request: Containerd_Services_Tasks_V1_StartRequest, context: ServerContext) async throws
        -> Containerd_Services_Tasks_V1_StartResponse
    {
        let state = try await tasks.start(try RequestNamespace.current(), request.containerID, execID: Self.execID(request.execID))
        return .with { $0.pid = UInt32(state.pid) }
    }

    func delete(request: Containerd_Services_Tasks_V1_DeleteTaskRequest, context: ServerContext) async throws
        -> Containerd_Services_Tasks_V1_DeleteResponse
    {
        let state = try await tasks.delete(try RequestNamespace.current(), request.containerID, execID: nil)
        return .with {
            $0.id = request.containerID
            $0.pid = UInt32(state.pid)
            $0.exitStatus = state.exitStatus
            $0.exitedAt = .init(Timestamp(unixNanos: state.exitedAt))
        }
    }

    func deleteProcess(request: Containerd_Services_Tasks_V1_DeleteProcessRequest, context: ServerContext) async throws
        -> Containerd_Services_Tasks_V1_DeleteResponse
    {
        let state = try await tasks.delete(try RequestNamespace.current(), request.containerID, execID: request.execID)
        return .with {
            $0.id = request.execID
            $0.pid = UInt32(state.pid)
            $0.exitStatus = state.exitStatus
            $0.exitedAt = .init(Timestamp(unixNanos: state.exitedAt))
        }
    }

    func get(request: Containerd_Services_Tasks_V1_GetRequest, context: ServerContext) async throws
        -> Containerd_Services_Tasks_V1_GetResponse
    {
        let state = try await tasks.state(try RequestNamespace.current(), request.containerID, execID: Self.execID(request.execID))
        return .with { $0.process = Self.process(request.containerID, state) }
    }

    func list(request: Containerd_Services_Tasks_V1_ListTasksRequest, context: ServerContext) async throws
        -> Containerd_Services_Tasks_V1_ListTasksResponse
    {
        let all = await tasks.list(try RequestNamespace.current())
        return .with { $0.tasks = all.map { Self.process($0.id, $0.state) } }
    }

    func kill(request: Containerd_Services_Tasks_V1_KillRequest, context: ServerContext) async throws -> Google_Protobuf_Empty {
        try await tasks.kill(try RequestNamespace.current(), request.containerID, execID: Self.execID(request.execID),
                             signal: Int32(request.signal), all: request.all)
        return Google_Protobuf_Empty()
    }

    func exec(request: Containerd_Services_Tasks_V1_ExecProcessRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        guard !request.execID.isEmpty else { throw CtrError.invalidArgument("exec: an exec ID is required") }
        try await tasks.exec(try RequestNamespace.current(), request.containerID, execID: request.execID,
                             spec: Array(request.spec.value),
                             io: .init(stdin: request.stdin, stdout: request.stdout, stderr: request.stderr,
                                       terminal: request.terminal))
        return Google_Protobuf_Empty()
    }

    func resizePty(request: Containerd_Services_Tasks_V1_ResizePtyRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        try await tasks.resize(try RequestNamespace.current(), request.containerID, execID: Self.execID(request.execID),
                               width: request.width, height: request.height)
        return Google_Protobuf_Empty()
    }

    func closeIO(request: Containerd_Services_Tasks_V1_CloseIORequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        if request.stdin {
            try await tasks.closeStdin(try RequestNamespace.current(), request.containerID,
                                       execID: Self.execID(request.execID))
        }
        return Google_Protobuf_Empty()
    }

    func pause(request: Containerd_Services_Tasks_V1_PauseTaskRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        let namespace = try RequestNamespace.current()
        try await tasks.pause(namespace, request.containerID, true)
        tasks.events.publish(namespace: namespace, topic: EventTopic.taskPaused,
                             event: Containerd_Events_TaskPaused.with { $0.containerID = request.containerID })
        return Google_Protobuf_Empty()
    }

    func resume(request: Containerd_Services_Tasks_V1_ResumeTaskRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        let namespace = try RequestNamespace.current()
        try await tasks.pause(namespace, request.containerID, false)
        tasks.events.publish(namespace: namespace, topic: EventTopic.taskResumed,
                             event: Containerd_Events_TaskResumed.with { $0.containerID = request.containerID })
        return Google_Protobuf_Empty()
    }

    func listPids(request: Containerd_Services_Tasks_V1_ListPidsRequest, context: ServerContext) async throws
        -> Containerd_Services_Tasks_V1_ListPidsResponse
    {
        let pids = try await tasks.pids(try RequestNamespace.current(), request.containerID)
        return .with { $0.processes = pids.map { pid in .with { $0.pid = UInt32(pid) } } }
    }

    func checkpoint(request: Containerd_Services_Tasks_V1_CheckpointTaskRequest, context: ServerContext) async throws
        -> Containerd_Services_Tasks_V1_CheckpointTaskResponse
    {
        throw CtrError.unimplemented("checkpoint task \"\(request.containerID)\": checkpoints are not supported")
    }

    func update(request: Containerd_Services_Tasks_V1_UpdateTaskRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        try await tasks.update(try RequestNamespace.current(), request.containerID,
                               resources: String(decoding: request.resources.value, as: UTF8.self))
        return Google_Protobuf_Empty()
    }

    func metrics(request: Containerd_Services_Tasks_V1_MetricsRequest, context: ServerContext) async throws
        -> Containerd_Services_Tasks_V1_MetricsResponse
    {
        let namespace = try RequestNamespace.current()
        let filters = try Filter.parseAll(request.filters)
        var metrics: [Containerd_Types_Metric] = []
        for (id, state) in await tasks.list(namespace) where state.status == .running || state.status == .paused {
            guard Filter.any(filters, { path in path.first == "id" ? id : nil }),
                  let figures = CgroupMetrics.read(try tasks.cgroupPath(namespace, id))
            else { continue }
            metrics.append(.with {
                $0.id = id
                $0.timestamp = .init(Timestamp.now)
                $0.data = .with {
                    $0.typeURL = figures.typeURL
                    $0.value = figures.serialized()
                }
            })
        }
        return .with { $0.metrics = metrics }
    }

    func wait(request: Containerd_Services_Tasks_V1_WaitRequest, context: ServerContext) async throws
        -> Containerd_Services_Tasks_V1_WaitResponse
    {
        let state = try await tasks.wait(try RequestNamespace.current(), request.containerID, execID: Self.execID(request.execID))
        return .with {
            $0.exitStatus = state.exitStatus
            $0.exitedAt = .init(Timestamp(unixNanos: state.exitedAt))
        }
    }
}

/// `io.containerd.grpc.v1.tasks`.
struct TasksGRPCPlugin: PluginInstance {
    let tasks: TaskService
    var rpcServices: [any RegistrableRPCService] { [TasksGRPC(tasks: tasks)] }
    var serviceNames: [String] { [Containerd_Services_Tasks_V1_Tasks.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "tasks", requires: [.runtime]) { context in
        TasksGRPCPlugin(tasks: try context.plugin(.runtime, as: RuntimePlugin.self).tasks)
    }
}
