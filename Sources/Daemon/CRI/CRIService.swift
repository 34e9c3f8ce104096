import API
import Core
import Glibc
import Logging
import Snapshots
import Store
import Synchronization

/// The CRI plugin's domain side: pods and containers of namespace `k8s.io` on the daemon's own
/// content store, snapshotter, differ and task service, called in process. The gRPC adapters
/// (`CRIRuntimeGRPC`, `CRIImagesGRPC`) decode, call and encode.
final class CRIService: Sendable {
    struct Store: Sendable {
        private(set) var sandboxes: [String: Sandbox] = [:]
        private(set) var containers: [String: CRIContainer] = [:]
        /// Reserved names (sandbox and container names are unique) → ID.
        var names: [String: String] = [:]
        /// The encoded entries of every pod / container by creation time, joined into one part:
        /// the answer to an unfiltered list (a kubelet relists every second), dropped on any change.
        private var allSandboxes: [[UInt8]]?
        private var allContainers: [[UInt8]]?

        /// Stores a container with its list entry encoded, so lists only concatenate bytes.
        mutating func put(_ container: CRIContainer) {
            var container = container
            container.listEntry = CRIWire.listEntry(CRIWire.summary(container))
            containers[container.id] = container
            allContainers = nil
        }

        mutating func put(_ sandbox: Sandbox) {
            var sandbox = sandbox
            sandbox.listEntry = CRIWire.listEntry(CRIWire.summary(sandbox))
            sandboxes[sandbox.id] = sandbox
            allSandboxes = nil
        }

        mutating func remove(container id: String) {
            containers[id] = nil
            allContainers = nil
        }

        mutating func remove(sandbox id: String) {
            sandboxes[id] = nil
            allSandboxes = nil
        }

        /// The list entries of the containers `include` accepts (all when nil), oldest first.
        mutating func containerEntries(_ include: ((CRIContainer) -> Bool)?) -> [[UInt8]] {
            if include == nil, let allContainers { return allContainers }
            let entries = Self.entries(containers.values, include, createdAt: \.status.createdAt, entry: \.listEntry)
            guard include == nil else { return entries }
            let all = [Array(entries.joined())]
            allContainers = all
            return all
        }

        /// The list entries of the pods `include` accepts (all when nil), oldest first.
        mutating func sandboxEntries(_ include: ((Sandbox) -> Bool)?) -> [[UInt8]] {
            if include == nil, let allSandboxes { return allSandboxes }
            let entries = Self.entries(sandboxes.values, include, createdAt: \.status.createdAt, entry: \.listEntry)
            guard include == nil else { return entries }
            let all = [Array(entries.joined())]
            allSandboxes = all
            return all
        }

        private static func entries<Item>(_ items: some Sequence<Item>, _ include: ((Item) -> Bool)?,
                                          createdAt: KeyPath<Item, Int64>, entry: KeyPath<Item, [UInt8]>) -> [[UInt8]] {
            var chosen: [(Int64, [UInt8])] = []
            for item in items where include?(item) ?? true {
                chosen.append((item[keyPath: createdAt], item[keyPath: entry]))
            }
            return chosen.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    let config: CRIConfig
    let daemon: DaemonConfig
    let namespace = Namespace.criName
    let metadata: MetadataStore
    let content: ContentService
    let snapshotter: LocalSnapshotter
    let differ: LocalDiffService
    let tasks: TaskService
    let events: EventExchange
    let logger: Logger
    /// The plugin's state directory: sandbox files, CNI cache, netns pins, exec output.
    let state: String
    let cni: CNIRunner
    let store = Mutex<Store>(Store())
    let containerEvents = CRIEventHub()
    let podCIDR = Mutex<String>("")
    let imageCache = Mutex<[Digest: ResolvedImage]>([:])
    /// The /etc/passwd and /etc/group of image root filesystems, by chain ID: read once per image
    /// (layers never change), not on every CreateContainer.
    let userFiles = Mutex<[String: (passwd: String?, group: String?)]>([:])
    /// Pulls in progress by image name and credentials: a kubelet pulling in parallel gets one
    /// pull per image, the others wait for it instead of fetching the same blobs beside it.
    let pulls = Mutex<[String: Task<String, any Error>]>([:])
    /// The tokens of issued Exec, Attach and PortForward URLs.
    let streamTokens = StreamTokens()
    /// Kills and clean-ups that streaming sessions leave behind them.
    let streamWork = StreamWork()
    /// `http://host:port` of the stream server once it listens.
    let streamBase = Mutex<String?>(nil)
    /// For containers created with `stdin: true`: our write end of the stdin FIFO the shim reads,
    /// held so the container's stdin stays open between attachers (closed by `stdin_once`).
    let stdinHolders = Mutex<[String: Int32]>([:])
    /// The OCI process of each container that has had an exec, decoded from its spec once (a
    /// container's process does not change after creation): the template of its execs.
    let execProcesses = Mutex<[String: OCISpec.Process]>([:])
    /// ImageFsInfo's last answer (see `ImageFilesystemUsage`).
    let imageFilesystem = Mutex(ImageFilesystemUsage())

    init(config: CRIConfig, daemon: DaemonConfig, metadata: MetadataStore, content: ContentService,
         snapshotter: LocalSnapshotter, differ: LocalDiffService, tasks: TaskService, events: EventExchange,
         state: String, logger: Logger) throws(CtrError) {
        self.config = config
        self.daemon = daemon
        self.metadata = metadata
        self.content = content
        self.snapshotter = snapshotter
        self.differ = differ
        self.tasks = tasks
        self.events = events
        self.state = state
        self.logger = logger
        self.cni = CNIRunner(binDirs: config.cni.binDir.split(separator: ":").map(String.init),
                             confDir: config.cni.confDir, cacheDir: state + "/cni")
        for directory in [state, state + "/sandboxes", state + "/netns", state + "/exec", state + "/io"] {
            try makeDirectories(directory, mode: 0o711)
        }
        try load()
    }

    /// Reads every sandbox and container record of namespace `k8s.io`.
    func load() throws(CtrError) {
        var loaded = Store()
        for record in try metadata.containers(namespace) {
            switch record.labels[CRIRecord.kindLabel] {
            case "sandbox":
                guard let config = CRIRecord.message(Runtime_V1_PodSandboxConfig.self, record.extensions[CRIRecord.configExtension]),
                      let status = CRIRecord.decode(SandboxStatus.self, record.extensions[CRIRecord.statusExtension])
                else { continue }
                loaded.put(Sandbox(id: record.id, config: config, status: status))
                loaded.names[status.name] = record.id
            case "container":
                guard let config = CRIRecord.message(Runtime_V1_ContainerConfig.self, record.extensions[CRIRecord.configExtension]),
                      let status = CRIRecord.decode(ContainerStatus.self, record.extensions[CRIRecord.statusExtension])
                else { continue }
                loaded.put(CRIContainer(id: record.id, config: config, status: status))
                loaded.names[status.name] = record.id
            default:
                continue
            }
        }
        store.withLock { $0 = loaded }
        removeOrphans(known: Set(loaded.sandboxes.keys))
    }

    /// Sandbox directories and network namespaces no record owns: what a daemon killed in
    /// RunPodSandbox before the pod's record was written had made (its files, nothing else since
    /// the record comes before any mount or network; older versions made more).
    func removeOrphans(known: Set<String>) {
        for id in FileTree.list(state + "/sandboxes") where !known.contains(id) {
            SandboxShm.unmount(state + "/sandboxes/" + id + "/shm")
            try? FileTree.remove(state + "/sandboxes/" + id)
            logger.info("removed the files of a sandbox with no record", metadata: ["sandbox.id": "\(id)"])
        }
        for id in FileTree.list(state + "/netns") where !known.contains(id) {
            NetworkNamespace.remove(state + "/netns/" + id)
        }
    }

    /// Starts following task exits and settles what changed while the daemon was down, before
    /// the plugin serves: a client never sees a pod READY whose pause process is gone.
    func start() async {
        let exits: AsyncStream<EventEnvelope>
        do {
            exits = try events.subscribe(filters: ["topic==\"\(EventTopic.taskExit)\",namespace==\"\(namespace)\""])
        } catch {
            logger.error("cannot follow task exits", metadata: ["error": "\(error)"])
            return
        }
        Task.detached { [self] in
            for await envelope in exits {
                guard let exit = try? Containerd_Events_TaskExit(serializedBytes: envelope.event.value),
                      exit.id == exit.containerID else { continue }
                await handleExit(exit.containerID, status: Int32(bitPattern: exit.exitStatus),
                                 at: Timestamp(exit.exitedAt).unixNanos)
            }
        }
        await reconcile()
    }

    /// Containers and sandboxes recorded running whose task has stopped (or is gone) are settled;
    /// a container recorded created whose task runs (the daemon was killed in StartContainer
    /// after runc started it) is running, as its task says.
    func reconcile() async {
        let created = store.withLock { $0.containers.values.filter { $0.status.phase == .created }.map(\.id) }
        for id in created {
            guard let task = try? await tasks.state(namespace, id, execID: nil), task.status != .created else { continue }
            let adopted: CRIContainer? = store.withLock { store in
                guard var container = store.containers[id], container.status.phase == .created else { return nil }
                container.status.phase = .running
                container.status.pid = task.pid
                container.status.startedAt = Timestamp.now.unixNanos
                store.put(container)
                return container
            }
            if let adopted {
                try? persist(adopted)
                logger.info("container started before the daemon stopped: running", metadata: ["container.id": "\(id)"])
            }
        }
        let running = store.withLock { store in
            store.containers.values.filter { $0.status.phase == .running }.map(\.id)
                + store.sandboxes.values.filter { $0.status.phase == .ready }.map(\.id)
        }
        for id in running {
            let taskState = try? await tasks.state(namespace, id, execID: nil)
            if taskState == nil || taskState?.status == .stopped {
                await handleExit(id, status: Int32(bitPattern: taskState?.exitStatus ?? 255),
                                 at: taskState?.exitedAt ?? Timestamp.now.unixNanos)
            }
        }
    }

    /// Records the exit of a container's or sandbox's init process and deletes its task (the
    /// shim goes, the rootfs is unmounted). Idempotent.
    func handleExit(_ id: String, status: Int32, at: Int64) async {
        enum Target { case container(CRIContainer), sandbox(Sandbox), none }
        let oomKilled = tasks.oomKilled(namespace, id)
        let target: Target = store.withLock { store in
            if var container = store.containers[id], container.status.phase == .running {
                container.status.phase = .exited
                container.status.exitCode = status
                container.status.finishedAt = at
                container.status.reason = oomKilled ? "OOMKilled" : status == 0 ? "Completed" : "Error"
                store.put(container)
                return .container(container)
            }
            if var sandbox = store.sandboxes[id], sandbox.status.phase == .ready {
                sandbox.status.phase = .notReady
                store.put(sandbox)
                return .sandbox(sandbox)
            }
            return .none
        }
        switch target {
        case .container(let container):
            closeContainerStdin(id)
            try? persist(container)
            emit(.containerStoppedEvent, containerID: id, sandboxID: container.status.sandboxID)
        case .sandbox(let sandbox):
            try? persist(sandbox)
        case .none:
            break
        }
        _ = try? await tasks.delete(namespace, id, execID: nil)
    }

    // MARK: Records

    func persist(_ sandbox: Sandbox) throws(CtrError) {
        var record = try metadata.container(namespace, sandbox.id)
        record.extensions[CRIRecord.statusExtension] = try CRIRecord.encode(sandbox.status)
        _ = try metadata.updateContainer(namespace, record, paths: ["extensions." + CRIRecord.statusExtension])
    }

    func persist(_ container: CRIContainer) throws(CtrError) {
        var record = try metadata.container(namespace, container.id)
        record.extensions[CRIRecord.statusExtension] = try CRIRecord.encode(container.status)
        _ = try metadata.updateContainer(namespace, record, paths: ["extensions." + CRIRecord.statusExtension])
    }

    func reserve(_ name: String, for id: String) throws(CtrError) {
        try store.withLock { (store) throws(CtrError) in
            if let holder = store.names[name], holder != id {
                throw .alreadyExists("name \"\(name)\" is reserved for \"\(holder)\"")
            }
            store.names[name] = id
        }
    }

    func release(_ name: String) {
        store.withLock { _ = $0.names.removeValue(forKey: name) }
    }

    func sandbox(_ id: String) throws(CtrError) -> Sandbox {
        guard let sandbox = store.withLock({ store in Self.find(id, in: store.sandboxes) }) else {
            throw .notFound("pod sandbox \"\(id)\": not found")
        }
        return sandbox
    }

    func container(_ id: String) throws(CtrError) -> CRIContainer {
        guard let container = store.withLock({ store in Self.find(id, in: store.containers) }) else {
            throw .notFound("container \"\(id)\": not found")
        }
        return container
    }

    /// By full ID, or by a unique ID prefix (crictl passes truncated IDs).
    static func find<T>(_ id: String, in table: [String: T]) -> T? {
        if let exact = table[id] { return exact }
        guard !id.isEmpty else { return nil }
        let matches = table.filter { $0.key.hasPrefix(id) }
        return matches.count == 1 ? matches.first?.value : nil
    }

    func update(_ container: CRIContainer) {
        store.withLock { $0.put(container) }
    }

    func update(_ sandbox: Sandbox) {
        store.withLock { $0.put(sandbox) }
    }
}
