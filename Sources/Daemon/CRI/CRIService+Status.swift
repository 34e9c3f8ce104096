import API
import Core
import FoundationEssentials
import Glibc
import Runtime
import Snapshots

extension CRIService {
    func podSandboxStatus(_ sandbox: Sandbox) -> Runtime_V1_PodSandboxStatus {
        .with {
            $0.id = sandbox.id
            $0.metadata = sandbox.config.metadata
            $0.state = sandbox.state
            $0.createdAt = sandbox.status.createdAt
            if let first = sandbox.status.ips.first {
                $0.network.ip = first
                $0.network.additionalIps = sandbox.status.ips.dropFirst().map { ip in .with { $0.ip = ip } }
            }
            $0.linux.namespaces.options = sandbox.config.linux.securityContext.namespaceOptions
            $0.labels = sandbox.config.labels
            $0.annotations = sandbox.config.annotations
            $0.runtimeHandler = sandbox.status.runtimeHandler
        }
    }

    func podSandboxInfo(_ sandbox: Sandbox) -> String {
        JSONValue.object([
            ("pid", .integer(Int64(sandbox.status.pid))),
            ("processStatus", .string(sandbox.status.phase == .ready ? "running" : "stopped")),
            ("netNamespacePath", .string(sandbox.status.netns)),
            ("runtimeHandler", .string(sandbox.status.runtimeHandler)),
            ("sandboxRoot", .string(sandbox.status.root)),
            ("image", .string(config.sandboxImage)),
            ("snapshotter", .string(config.containerd.snapshotter)),
            ("snapshotKey", .string(sandbox.id)),
        ]).serialized()
    }

    func containerStatus(_ container: CRIContainer) -> Runtime_V1_ContainerStatus {
        .with {
            $0.id = container.id
            $0.metadata = container.config.metadata
            $0.state = CRIWire.state(container.status.phase)
            $0.createdAt = container.status.createdAt
            $0.startedAt = container.status.startedAt
            $0.finishedAt = container.status.finishedAt
            $0.exitCode = container.status.exitCode
            $0.image = container.config.image
            $0.image.image = container.status.image
            $0.imageRef = container.status.imageRef
            $0.imageID = container.status.imageID
            $0.reason = container.status.reason
            $0.message = container.status.message
            $0.labels = container.config.labels
            $0.annotations = container.config.annotations
            $0.mounts = container.config.mounts
            $0.logPath = container.status.logPath
            $0.resources.linux = container.config.linux.resources
        }
    }

    func containerInfo(_ container: CRIContainer) -> String {
        let spec = (try? metadata.container(namespace, container.id).spec).flatMap { typed in
            try? JSONValue.parse(String(decoding: typed?.value ?? [], as: UTF8.self))
        }
        return JSONValue.object([
            ("sandboxID", .string(container.status.sandboxID)),
            ("pid", .integer(Int64(container.status.phase == .running ? container.status.pid : 0))),
            ("removing", .bool(false)),
            ("snapshotKey", .string(container.id)),
            ("snapshotter", .string(config.containerd.snapshotter)),
            ("runtimeType", .string("io.containerd.runc.v2")),
            ("runtimeSpec", spec ?? .null),
        ]).serialized()
    }

    // MARK: Exec

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
        let execID = "exec-" + generateID().prefix(16)
        let directory = state + "/exec/" + execID
        try makeDirectory(directory, mode: 0o700)
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

    // MARK: Stats

    func containerStats(_ container: CRIContainer) -> Runtime_V1_ContainerStats {
        let now = Timestamp.now.unixNanos
        let cgroup = cgroupPath(container)
        let usage = try? snapshotter.usage(namespace, key: container.id)
        return .with {
            $0.attributes = .with {
                $0.id = container.id
                $0.metadata = container.config.metadata
                $0.labels = container.config.labels
                $0.annotations = container.config.annotations
            }
            if container.status.phase == .running {
                let figures = Self.cgroupFigures(cgroup)
                $0.cpu = figures.cpu(at: now)
                $0.memory = figures.memory(at: now)
            }
            $0.writableLayer = .with {
                $0.timestamp = now
                $0.fsID.mountpoint = snapshotter.root
                $0.usedBytes = .with { $0.value = UInt64(max(0, usage?.size ?? 0)) }
                $0.inodesUsed = .with { $0.value = UInt64(max(0, usage?.inodes ?? 0)) }
            }
        }
    }

    struct CgroupFigures {
        var cpu: UInt64 = 0
        var memory: UInt64 = 0
        var workingSet: UInt64 = 0
        var rss: UInt64 = 0
        var pageFaults: UInt64 = 0
        var majorPageFaults: UInt64 = 0

        static func += (total: inout CgroupFigures, other: CgroupFigures) {
            total.cpu += other.cpu
            total.memory += other.memory
            total.workingSet += other.workingSet
            total.rss += other.rss
            total.pageFaults += other.pageFaults
            total.majorPageFaults += other.majorPageFaults
        }

        func cpu(at now: Int64) -> Runtime_V1_CpuUsage {
            .with {
                $0.timestamp = now
                $0.usageCoreNanoSeconds = .with { $0.value = cpu }
            }
        }

        func memory(at now: Int64) -> Runtime_V1_MemoryUsage {
            .with {
                $0.timestamp = now
                $0.workingSetBytes = .with { $0.value = workingSet }
                $0.usageBytes = .with { $0.value = memory }
                $0.rssBytes = .with { $0.value = rss }
                $0.pageFaults = .with { $0.value = pageFaults }
                $0.majorPageFaults = .with { $0.value = majorPageFaults }
            }
        }
    }

    /// cgroup v1 CPU and memory figures; the working set is usage minus inactive file pages, as
    /// kubelet computes it.
    static func cgroupFigures(_ cgroup: String) -> CgroupFigures {
        let memory = "/sys/fs/cgroup/memory" + cgroup
        var figures = CgroupFigures()
        figures.cpu = CgroupMetrics.number("/sys/fs/cgroup/cpuacct" + cgroup + "/cpuacct.usage")
        if figures.cpu == UInt64.max { figures.cpu = 0 }
        let usage = CgroupMetrics.number(memory + "/memory.usage_in_bytes")
        figures.memory = usage == UInt64.max ? 0 : usage
        let stat = CgroupMetrics.table(memory + "/memory.stat")
        let inactive = stat["total_inactive_file"] ?? 0
        figures.workingSet = figures.memory > inactive ? figures.memory - inactive : 0
        figures.rss = stat["total_rss"] ?? 0
        figures.pageFaults = stat["total_pgfault"] ?? 0
        figures.majorPageFaults = stat["total_pgmajfault"] ?? 0
        return figures
    }

    func podSandboxStats(_ sandbox: Sandbox) -> Runtime_V1_PodSandboxStats {
        let now = Timestamp.now.unixNanos
        let members = containers().filter { $0.status.sandboxID == sandbox.id }
        var total = sandbox.status.phase == .ready
            ? Self.cgroupFigures(CRISpec.cgroupsPath(parent: sandbox.config.linux.cgroupParent, id: sandbox.id, namespace: namespace))
            : CgroupFigures()
        for member in members where member.status.phase == .running {
            total += Self.cgroupFigures(cgroupPath(member))
        }
        return .with {
            $0.attributes = .with {
                $0.id = sandbox.id
                $0.metadata = sandbox.config.metadata
                $0.labels = sandbox.config.labels
                $0.annotations = sandbox.config.annotations
            }
            $0.linux = .with {
                $0.cpu = total.cpu(at: now)
                $0.memory = total.memory(at: now)
                $0.containers = members.map(containerStats)
            }
        }
    }

    /// A container's cgroup, under its pod's cgroup parent.
    func cgroupPath(_ container: CRIContainer) -> String {
        CRISpec.cgroupsPath(parent: (try? sandbox(container.status.sandboxID))?.config.linux.cgroupParent ?? "",
                            id: container.id, namespace: namespace)
    }
}
