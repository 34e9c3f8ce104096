import API
import Core
import FoundationEssentials
import Glibc
import Runtime
import Snapshots

extension CRIService {
    /// CreateContainer: the container's spec, snapshot and record; its task starts later.
    func createContainer(sandboxID: String, _ config: Runtime_V1_ContainerConfig) async throws -> String {
        let sandbox = try self.sandbox(sandboxID)
        let metadata = config.metadata
        guard !metadata.name.isEmpty else {
            throw CtrError.invalidArgument("container config: metadata.name is required")
        }
        var logPath = ""
        if !config.logPath.isEmpty {
            guard !config.logPath.hasPrefix("/"), !config.logPath.split(separator: "/").contains("..") else {
                throw CtrError.invalidArgument(
                    "container \"\(metadata.name)\": log path \"\(config.logPath)\" must be relative to the pod's log directory, without \"..\"")
            }
            guard !sandbox.logDirectory.isEmpty else {
                throw CtrError.invalidArgument("container \"\(metadata.name)\": a log path needs the pod's log directory")
            }
            logPath = sandbox.logDirectory + "/" + config.logPath
        }
        guard let image = try await localImage(config.image.image) else {
            throw CtrError.notFound("container \"\(metadata.name)\": image \"\(config.image.image)\" not found")
        }
        if config.linux.securityContext.hasSelinuxOptions && !CRIService.selinuxEnabled {
            logger.debug("SELinux is off on this host: the container's selinux_options are ignored",
                         metadata: ["container": "\(metadata.name)"])
        }
        let pod = sandbox.config.metadata
        let name = "\(metadata.name)_\(pod.name)_\(pod.namespace)_\(pod.uid)_\(metadata.attempt)"
        let id = Identifier.random()
        try reserve(name, for: id)
        do {
            let spec = try CRISpec.container(id: id, config, sandbox: sandbox, image: image, namespace: namespace,
                                             restrictOOMScoreAdj: self.config.restrictOOMScoreAdj,
                                             user: try await resolveUser(config, image: image),
                                             unsetSeccompProfile: self.config.unsetSeccompProfile,
                                             targetPID: try targetPID(config, sandbox: sandbox),
                                             systemdCgroup: systemdCgroup(sandbox.status.runtimeHandler))
            let status = ContainerStatus(
                name: name, sandboxID: sandbox.id, image: config.image.image, imageID: image.id,
                imageRef: image.repoDigests.first ?? image.id, logPath: logPath, phase: .created,
                createdAt: Timestamp.now.unixNanos)
            try await createRecord(id: id, kind: "container", labels: config.labels, image: image, spec: spec,
                                   extensions: [CRIRecord.configExtension: try CRIRecord.message(config),
                                                CRIRecord.statusExtension: try CRIRecord.encode(status)])
            update(CRIContainer(id: id, config: config, status: status))
            emit(.containerCreatedEvent, containerID: id, sandboxID: sandbox.id)
            return id
        } catch {
            release(name)
            throw error
        }
    }

    /// Whether the kernel runs SELinux (its filesystem is mounted).
    static let selinuxEnabled = access("/sys/fs/selinux/enforce", F_OK) == 0

    /// The process whose PID namespace a container with namespace mode TARGET joins: the
    /// running container `target_id` of the same pod (an ephemeral debug container's target).
    func targetPID(_ config: Runtime_V1_ContainerConfig, sandbox: Sandbox) throws -> Int32? {
        let options = config.linux.securityContext.namespaceOptions
        guard options.pid == .target else { return nil }
        let name = config.metadata.name
        let target = try container(options.targetID)
        guard target.status.sandboxID == sandbox.id else {
            throw CtrError.invalidArgument(
                "container \"\(name)\": target container \"\(options.targetID)\" is in another pod")
        }
        guard target.status.phase == .running, target.status.pid > 0 else {
            throw CtrError.failedPrecondition(
                "container \"\(name)\": target container \"\(options.targetID)\" is not running")
        }
        return target.status.pid
    }

    /// The user a container runs as, resolved against the image's /etc/passwd and /etc/group as
    /// containerd resolves it: `run_as_username`, else `run_as_user`, else the image's `User`,
    /// else root. The groups of /etc/group that list the user become supplementary groups
    /// (numeric users included: uid 65534 is `nobody` if the image says so). `run_as_group`
    /// without a user is refused, as the CRI spec asks.
    func resolveUser(_ config: Runtime_V1_ContainerConfig, image: CRIImage) async throws -> UserDatabase.Resolved {
        let security = config.linux.securityContext
        let name = config.metadata.name
        if security.hasRunAsGroup && !security.hasRunAsUser && security.runAsUsername.isEmpty {
            throw CtrError.invalidArgument(
                "container \"\(name)\": run_as_group \(security.runAsGroup.value) is given without run_as_user or run_as_username")
        }
        let wanted: String
        if !security.runAsUsername.isEmpty {
            wanted = security.runAsUsername
        } else if security.hasRunAsUser {
            guard security.runAsUser.value >= 0, security.runAsUser.value <= Int64(UInt32.max) else {
                throw CtrError.invalidArgument("container \"\(name)\": run_as_user \(security.runAsUser.value) is out of range")
            }
            wanted = String(security.runAsUser.value)
        } else if case .string(let imageUser)? = image.resolved.runConfig?["User"], !imageUser.isEmpty {
            wanted = imageUser
        } else {
            wanted = "0"
        }
        let (passwd, group) = try imageUserFiles(image)
        do {
            return try UserDatabase.resolve(wanted, passwd: passwd, group: group)
        } catch {
            throw CtrError(error.code == .notFound ? .invalidArgument : error.code,
                           "container \"\(name)\": \(error.message)")
        }
    }

    /// The image's /etc/passwd and /etc/group (nil where absent), from the cache or from a
    /// read-only view of its layers.
    func imageUserFiles(_ image: CRIImage) throws -> (passwd: String?, group: String?) {
        let chain = image.resolved.chainID.description
        if let cached = userFiles.withLock({ $0[chain] }) { return cached }
        let key = "cri-user-" + Identifier.random().prefix(16)
        let mounts = try snapshotter.view(namespace, key: key, parent: chain, labels: [:], lease: nil)
        defer { try? snapshotter.remove(namespace, key: key) }
        let files = try Mounter.withTemporaryMount(mounts, base: state + "/exec") { root in
            (FileTree.readConfined("etc/passwd", in: root), FileTree.readConfined("etc/group", in: root))
        }
        userFiles.withLock { cache in
            if cache.count >= 256 { cache.removeAll() }  // bounded: many images come and go on a node
            cache[chain] = files
        }
        return files
    }

    /// StartContainer: creates the task with its output going to the CRI log file, and starts it.
    func startContainer(_ id: String) async throws {
        var container = try self.container(id)
        guard container.status.phase == .created else {
            throw CtrError.failedPrecondition("container \"\(id)\" is \(container.status.phase.rawValue), not created")
        }
        let sandbox = try self.sandbox(container.status.sandboxID)
        guard sandbox.status.phase == .ready else {
            throw CtrError.failedPrecondition("container \"\(id)\": pod sandbox \"\(sandbox.id)\" is not ready")
        }
        var io = TaskService.IO(terminal: container.config.tty)
        if !container.status.logPath.isEmpty {
            let directory = String(container.status.logPath[..<(container.status.logPath.lastIndex(of: "/") ?? container.status.logPath.endIndex)])
            try makeDirectories(directory, mode: 0o755)
            io.stdout = "file://" + container.status.logPath
            io.stderr = container.config.tty ? "" : "file://" + container.status.logPath
            io.logFormat = "cri"
            io.maxLogLine = self.config.maxContainerLogLineSize
        }
        if container.config.stdin { io.stdin = try openContainerStdin(id) }
        let mounts = try snapshotter.mounts(namespace, key: id)
        do {
            let started = try await tasks.create(namespace, id, rootfs: mounts, io: io,
                                                 runtimeBinary: runtimeBinary(sandbox.status.runtimeHandler),
                                                 systemdCgroup: systemdCgroup(sandbox.status.runtimeHandler), start: true)
            container.status.pid = started.pid
            container.status.startedAt = Timestamp.now.unixNanos
            container.status.phase = .running
        } catch {
            _ = try? await tasks.delete(namespace, id, execID: nil)
            closeContainerStdin(id)
            container.status.phase = .exited
            container.status.finishedAt = Timestamp.now.unixNanos
            container.status.exitCode = 128
            container.status.reason = "StartError"
            container.status.message = CtrError.message(of: error)
            update(container)
            try? persist(container)
            throw error
        }
        update(container)
        try persist(container)
        emit(.containerStartedEvent, containerID: id, sandboxID: sandbox.id)
    }

    /// StopContainer: the image's stop signal (SIGTERM), then SIGKILL once `timeout` seconds
    /// pass. Stopping a stopped container succeeds.
    func stopContainer(_ id: String, timeout: Int64) async throws {
        let container = try self.container(id)
        guard container.status.phase == .running else { return }
        if timeout > 0 {
            try? await tasks.kill(namespace, container.id, execID: nil, signal: stopSignal(container), all: false)
            if let exited = try await waitExit(container.id, seconds: timeout) {
                await handleExit(container.id, status: Int32(bitPattern: exited.exitStatus), at: exited.exitedAt)
                return
            }
        }
        try? await tasks.kill(namespace, container.id, execID: nil, signal: SIGKILL, all: true)
        let exited = try await waitExit(container.id, seconds: 30)
        await handleExit(container.id, status: Int32(bitPattern: exited?.exitStatus ?? 137),
                         at: exited?.exitedAt ?? Timestamp.now.unixNanos)
    }

    /// The task's exit, or nil when it does not exit within `seconds`.
    func waitExit(_ id: String, seconds: Int64) async throws -> (exitStatus: UInt32, exitedAt: Int64)? {
        let tasks = self.tasks
        let namespace = self.namespace
        return try await within(seconds: seconds) {
            do {
                let state = try await tasks.wait(namespace, id, execID: nil)
                return (state.exitStatus, state.exitedAt)
            } catch where CtrError.is(error, .notFound) {
                return (0, Timestamp.now.unixNanos)
            }
        }
    }

    func stopSignal(_ container: CRIContainer) -> Int32 {
        SIGTERM
    }

    /// RemoveContainer: a running container is killed first; record, snapshot and task go.
    /// Removing an unknown container succeeds.
    func removeContainer(_ id: String) async throws {
        guard let container = try? self.container(id) else { return }
        if container.status.phase == .running {
            try await stopContainer(container.id, timeout: 0)
        } else if let task = try? await tasks.state(namespace, container.id, execID: nil), task.status != .stopped {
            // A task the record does not know runs (a start cut short by a crash): it goes too.
            try? await tasks.kill(namespace, container.id, execID: nil, signal: SIGKILL, all: true)
            _ = try? await waitExit(container.id, seconds: 30)
        }
        _ = try? await tasks.delete(namespace, container.id, execID: nil)
        removeRecord(container.id)
        closeContainerStdin(container.id)
        execProcesses.withLock { $0[container.id] = nil }
        try? FileTree.remove(state + "/io/" + container.id)
        store.withLock { store in
            store.remove(container: container.id)
            store.names[container.status.name] = nil
        }
        emit(.containerDeletedEvent, containerID: container.id, sandboxID: container.status.sandboxID)
    }

    func containers() -> [CRIContainer] {
        store.withLock { Array($0.containers.values) }.sorted { $0.status.createdAt < $1.status.createdAt }
    }

    /// UpdateContainerResources: new CPU and memory limits for a running container's cgroup.
    func updateResources(_ id: String, _ resources: Runtime_V1_LinuxContainerResources) async throws {
        let container = try self.container(id)
        guard container.status.phase == .running || container.status.phase == .created else {
            throw CtrError.failedPrecondition("container \"\(id)\" is \(container.status.phase.rawValue)")
        }
        var spec = OCISpec.defaultSpec(id: id, namespace: namespace)
        spec.linux?.resources = OCISpec.Resources()
        try CRISpec.applyResources(resources, to: &spec, restrictOOMScoreAdj: config.restrictOOMScoreAdj)
        var updated = container
        updated.config.linux.resources = resources
        if container.status.phase == .running, let linux = spec.linux?.resources {
            // runc update takes an OCI LinuxResources document: what was given, nothing else.
            let document: Data
            do {
                document = try JSONEncoder().encode(linux)
            } catch {
                throw CtrError.internalError("container \"\(id)\": encoding its resources: \(error)")
            }
            try await tasks.update(namespace, id, resources: String(decoding: document, as: UTF8.self))
        }
        update(updated)
        var record = try metadata.container(namespace, id)
        record.extensions[CRIRecord.configExtension] = try CRIRecord.message(updated.config)
        _ = try metadata.updateContainer(namespace, record, paths: ["extensions." + CRIRecord.configExtension])
    }

    func reopenLog(_ id: String) async throws {
        let container = try self.container(id)
        guard container.status.phase == .running else {
            throw CtrError.failedPrecondition("container \"\(id)\" is not running")
        }
        try await tasks.reopenLogs(namespace, id)
    }

    /// Publishes a container event with the pod's and the pod's containers' statuses.
    func emit(_ type: Runtime_V1_ContainerEventType, containerID: String, sandboxID: String) {
        guard containerEvents.hasSubscribers else { return }
        var event = Runtime_V1_ContainerEventResponse.with {
            $0.containerID = containerID
            $0.containerEventType = type
            $0.createdAt = Timestamp.now.unixNanos
        }
        if let sandbox = try? self.sandbox(sandboxID) {
            event.podSandboxStatus = podSandboxStatus(sandbox)
            event.containersStatuses = containers().filter { $0.status.sandboxID == sandboxID }.map(containerStatus)
        }
        containerEvents.publish(event)
    }
}
