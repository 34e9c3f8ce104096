public import Core
import API
import Crypto
import Glibc
import Logging
public import Runtime
import Snapshots
public import Store
import Synchronization

/// The in-process task service: one `ctr shim` per container, a bundle per task under the
/// runtime plugin's state directory (`<namespace>/<id>`), runc state under `runc/<namespace>`.
/// Tasks outlive the daemon; on start it finds every bundle again, live shim or not.
public final class TaskService: Sendable {
    struct Entry: Sendable {
        var namespace: String
        var id: String
        var bundle: String
        var shim: ShimClient
    }

    let metadata: MetadataStore
    let state: String
    let runtime: String
    let events: EventExchange
    let logger: Logger
    private let entries = Mutex<[String: Entry]>([:])
    private let watched = Mutex<Set<String>>([])

    init(metadata: MetadataStore, state: String, runtime: String, events: EventExchange, logger: Logger) throws(CtrError) {
        self.metadata = metadata
        self.state = state
        self.runtime = runtime
        self.events = events
        self.logger = logger
        try makeDirectories(state, mode: 0o711)
        try makeDirectories(Self.socketDirectory, mode: 0o711)
        restore()
    }

    static let socketDirectory = "/run/ctr/s"

    static func key(_ namespace: String, _ id: String) -> String { namespace + "/" + id }

    func bundle(_ namespace: String, _ id: String) -> String { "\(state)/\(namespace)/\(id)" }
    func runtimeRoot(_ namespace: String) -> String { "\(state)/runc/\(namespace)" }

    /// Shim sockets live under /run/ctr/s, named by a hash of the bundle (paths stay short).
    static func socketPath(bundle: String) -> String {
        let hash = SHA256.hash(data: Array(bundle.utf8)).prefix(12).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
        return "\(socketDirectory)/\(hash).sock"
    }

    /// Finds the bundles of tasks started before this daemon and watches the live ones.
    func restore() {
        for namespace in FileTree.list(state) where namespace != "runc" {
            for id in FileTree.list(state + "/" + namespace) {
                let bundle = bundle(namespace, id)
                let entry = Entry(namespace: namespace, id: id, bundle: bundle,
                                  shim: ShimClient(socket: Self.socketPath(bundle: bundle)))
                entries.withLock { $0[Self.key(namespace, id)] = entry }
                if entry.shim.isAlive {
                    logger.info("reconnected to shim", metadata: ["container.id": "\(id)", "namespace": "\(namespace)"])
                    watchExit(entry, execID: nil)
                } else {
                    logger.warning("shim is gone; the task is reported stopped", metadata: ["container.id": "\(id)"])
                }
            }
        }
    }

    func entry(_ namespace: String, _ id: String) throws(CtrError) -> Entry {
        guard let entry = entries.withLock({ $0[Self.key(namespace, id)] }) else {
            throw .notFound("task \"\(id)\": not found")
        }
        return entry
    }

    // MARK: Lifecycle

    public struct IO: Sendable {
        public var stdin: String
        public var stdout: String
        public var stderr: String
        public var terminal: Bool
        /// "cri": `file://` outputs get CRI log records, lines split at `maxLogLine` bytes.
        public var logFormat: String?
        public var maxLogLine: Int?

        public init(stdin: String = "", stdout: String = "", stderr: String = "", terminal: Bool = false,
                    logFormat: String? = nil, maxLogLine: Int? = nil) {
            self.stdin = stdin
            self.stdout = stdout
            self.stderr = stderr
            self.terminal = terminal
            self.logFormat = logFormat
            self.maxLogLine = maxLogLine
        }
    }

    /// Creates the task of container `id`: bundle, rootfs mounted from `rootfs`, shim, `runc create`.
    /// `runtimeBinary` replaces the configured OCI runtime (a CRI handler's `BinaryName`);
    /// `systemdCgroup` has runc make the cgroup through systemd (the handler's `SystemdCgroup`).
    /// With `start`, starts it too (one runc invocation, `runc run --detach`), publishing both events.
    public func create(_ namespace: String, _ id: String, rootfs: [Mount], io: IO,
                       runtimeBinary: String? = nil, systemdCgroup: Bool = false,
                       start: Bool = false) async throws -> ShimProcessState {
        let container = try metadata.container(namespace, id)
        guard container.runtime.name.hasPrefix("io.containerd.runc.") || container.runtime.name == "io.containerd.runtime.v1.linux" else {
            throw CtrError.invalidArgument("container \"\(id)\": runtime \"\(container.runtime.name)\" is not supported (io.containerd.runc.v2 is)")
        }
        guard let spec = container.spec, !spec.value.isEmpty else {
            throw CtrError.invalidArgument("container \"\(id)\": no OCI spec")
        }
        let key = Self.key(namespace, id)
        let bundle = bundle(namespace, id)
        let reserved = entries.withLock { entries -> Bool in
            if entries[key] != nil { return false }
            entries[key] = Entry(namespace: namespace, id: id, bundle: bundle, shim: ShimClient(socket: Self.socketPath(bundle: bundle)))
            return true
        }
        guard reserved else { throw CtrError.alreadyExists("task \"\(id)\": already exists") }
        do {
            try makeDirectories(state + "/" + namespace, mode: 0o711)
            try? FileTree.remove(bundle)
            try makeDirectories(bundle, mode: 0o711)
            try makeDirectories(bundle + "/rootfs", mode: 0o755)
            try writeFileAtomically(bundle + "/config.json", spec.value, durable: false)
            if !rootfs.isEmpty { try Mounter.mount(rootfs, at: bundle + "/rootfs") }
            try makeDirectories(runtimeRoot(namespace), mode: 0o711)
            let options = ShimOptions(namespace: namespace, id: id, bundle: bundle, socket: Self.socketPath(bundle: bundle),
                                      runtime: runtimeBinary ?? runtime, runtimeRoot: runtimeRoot(namespace),
                                      systemdCgroup: systemdCgroup)
            _ = try await BlockingThread.run { try ShimLauncher.start(options) }
            var request = ShimRequest(op: .create)
            request.stdin = io.stdin
            request.stdout = io.stdout
            request.stderr = io.stderr
            request.terminal = io.terminal
            request.logFormat = io.logFormat
            request.maxLogLine = io.maxLogLine
            request.start = start
            let shim = ShimClient(socket: options.socket)
            let created: ShimProcessState
            do {
                guard let state = try await shim.send(request).state else { throw CtrError.internalError("shim: no state") }
                created = state
            } catch {
                _ = try? await shim.send(ShimRequest(op: .shutdown))
                throw error
            }
            events.publish(namespace: namespace, topic: EventTopic.taskCreate, event: Containerd_Events_TaskCreate.with {
                $0.containerID = id
                $0.bundle = bundle
                $0.rootfs = rootfs.map { .init($0) }
                $0.io = .with {
                    $0.stdin = io.stdin
                    $0.stdout = io.stdout
                    $0.stderr = io.stderr
                    $0.terminal = io.terminal
                }
                $0.pid = UInt32(created.pid)
            })
            if start, let entry = entries.withLock({ $0[key] }) { started(entry, execID: nil, pid: created.pid) }
            return created
        } catch {
            Mounter.unmountAll(bundle + "/rootfs")
            try? FileTree.remove(bundle)
            entries.withLock { $0[key] = nil }
            throw error
        }
    }

    public func start(_ namespace: String, _ id: String, execID: String?) async throws -> ShimProcessState {
        let entry = try entry(namespace, id)
        var request = ShimRequest(op: .start, execID: execID)
        request.execID = execID
        guard let state = try await entry.shim.send(request).state else { throw CtrError.internalError("shim: no state") }
        started(entry, execID: execID, pid: state.pid)
        return state
    }

    /// A process started: its start event, and a watcher for its exit.
    func started(_ entry: Entry, execID: String?, pid: Int32) {
        if let execID {
            events.publish(namespace: entry.namespace, topic: EventTopic.taskExecStarted, event: Containerd_Events_TaskExecStarted.with {
                $0.containerID = entry.id
                $0.execID = execID
                $0.pid = UInt32(pid)
            })
        } else {
            events.publish(namespace: entry.namespace, topic: EventTopic.taskStart, event: Containerd_Events_TaskStart.with {
                $0.containerID = entry.id
                $0.pid = UInt32(pid)
            })
        }
        watchExit(entry, execID: execID)
    }

    /// Publishes `/tasks/exit` when the process exits (one watcher per process).
    func watchExit(_ entry: Entry, execID: String?) {
        let key = Self.key(entry.namespace, entry.id) + "/" + (execID ?? "")
        guard watched.withLock({ $0.insert(key).inserted }) else { return }
        let events = events
        Task.detached {
            defer { _ = self.watched.withLock { $0.remove(key) } }
            guard let (exited, orphaned) = await self.awaitExit(entry, execID: execID) else { return }
            events.publish(namespace: entry.namespace, topic: EventTopic.taskExit, event: Containerd_Events_TaskExit.with {
                $0.containerID = entry.id
                $0.id = execID ?? entry.id
                $0.pid = UInt32(exited.pid)
                $0.exitStatus = exited.exitStatus
                $0.exitedAt = .init(Timestamp(unixNanos: exited.exitedAt))
            })
            if orphaned {
                _ = try? Subprocess.run([self.runtime, "--root", self.runtimeRoot(entry.namespace), "delete", "--force", entry.id])
            }
        }
    }

    /// Waits for a process's exit through its shim. When the shim dies while the container runs
    /// (killed, OOM), nothing supervises the container any more: as containerd does, the task
    /// ends; runc kills what is left, and the exit is the shim's record of it, or 137 (killed).
    /// nil: no exit to publish (the task was deleted, or an exec's shim went away).
    private func awaitExit(_ entry: Entry, execID: String?) async -> (ShimProcessState, orphaned: Bool)? {
        // A connection broken while the shim still answers a probe is asked again: a dying
        // shim's listening socket can outlive its connections by a moment.
        for _ in 0..<50 {
            if Task.isCancelled { return nil }
            do {
                guard let state = try await entry.shim.send(ShimRequest(op: .wait, execID: execID)).state else { return nil }
                return (state, false)
            } catch {
                guard execID == nil, CtrError.is(error, .unavailable),
                      entries.withLock({ $0[Self.key(entry.namespace, entry.id)] != nil })
                else { return nil }
                if entry.shim.isAlive {
                    try? await Task.sleep(for: .milliseconds(100))
                    continue
                }
                logger.warning("shim died; ending its task", metadata: ["container.id": "\(entry.id)"])
                // SIGKILL first (quick) and the exit published next; `runc delete` comes after
                // that: with no subreaper left, the killed process may stay a zombie until the
                // host's init reaps it, and runc's cgroup removal waits for that.
                _ = try? Subprocess.run([runtime, "--root", runtimeRoot(entry.namespace), "kill", entry.id, "KILL"])
                var dead = deadState(entry)
                if readSmallFile(entry.bundle + "/init.exit") == nil { dead.exitStatus = 137 }
                return (dead, true)
            }
        }
        logger.warning("shim connection keeps breaking; no longer waiting for its task",
                       metadata: ["container.id": "\(entry.id)"])
        return nil
    }

    /// The state of a process; a task whose shim is gone reads its exit from the bundle.
    public func state(_ namespace: String, _ id: String, execID: String?) async throws -> ShimProcessState {
        try await processState(.state, namespace, id, execID: execID)
    }

    /// Asks the shim for a process's state (`op` .state answers now, .wait once it exited); a
    /// task whose shim is gone reads its exit from the bundle.
    private func processState(_ op: ShimRequest.Operation, _ namespace: String, _ id: String,
                              execID: String?) async throws -> ShimProcessState {
        let entry = try entry(namespace, id)
        do {
            guard let state = try await entry.shim.send(ShimRequest(op: op, execID: execID)).state else {
                throw CtrError.internalError("shim: no state")
            }
            return state
        } catch where CtrError.is(error, .unavailable) && execID == nil {
            return deadState(entry)
        }
    }

    func deadState(_ entry: Entry) -> ShimProcessState {
        let exit = readSmallFile(entry.bundle + "/init.exit")?.split(separator: " ")
        let pid = readSmallFile(entry.bundle + "/init.pid").flatMap { Int32($0) } ?? 0
        return ShimProcessState(execID: nil, pid: pid, status: .stopped,
                                exitStatus: exit?.first.flatMap { UInt32($0) } ?? 255,
                                exitedAt: exit?.dropFirst().first.flatMap { Int64($0) } ?? Timestamp.now.unixNanos,
                                stdin: "", stdout: "", stderr: "", terminal: false)
    }

    public func list(_ namespace: String) async -> [(id: String, state: ShimProcessState)] {
        let ids = entries.withLock { $0.values.filter { $0.namespace == namespace }.map(\.id) }.sorted()
        var result: [(String, ShimProcessState)] = []
        for id in ids {
            if let state = try? await state(namespace, id, execID: nil) { result.append((id, state)) }
        }
        return result
    }

    public func kill(_ namespace: String, _ id: String, execID: String?, signal: Int32, all: Bool) async throws {
        var request = ShimRequest(op: .kill, execID: execID)
        request.signal = signal
        request.all = all
        _ = try await entry(namespace, id).shim.send(request)
    }

    /// Adds an exec process; with `start`, starts it in the same shim request and returns its state.
    @discardableResult
    public func exec(_ namespace: String, _ id: String, execID: String, spec: [UInt8], io: IO,
                     start: Bool = false) async throws -> ShimProcessState? {
        let entry = try entry(namespace, id)
        let request = Self.execRequest(execID: execID, spec: spec, io: io, start: start, wait: false)
        let response = try await entry.shim.send(request)
        execAdded(namespace, id, execID: execID)
        guard start else { return nil }
        guard let state = response.state else { throw CtrError.internalError("shim: no state") }
        started(entry, execID: execID, pid: state.pid)
        return state
    }

    /// Adds and starts an exec process, and waits for its exit on the same shim connection:
    /// returns its state once started, and its exit to come (what `wait` would answer).
    public func execAndWait(_ namespace: String, _ id: String, execID: String, spec: [UInt8],
                            io: IO) async throws -> (started: ShimProcessState, exit: ExecExit) {
        let entry = try entry(namespace, id)
        let request = Self.execRequest(execID: execID, spec: spec, io: io, start: true, wait: true)
        let (response, exit) = try await entry.shim.sendAndWait(request)
        execAdded(namespace, id, execID: execID)
        guard let state = response.state else { throw CtrError.internalError("shim: no state") }
        started(entry, execID: execID, pid: state.pid)
        return (state, ExecExit(exit: exit))
    }

    /// The exit of an exec started by `execAndWait`.
    public struct ExecExit: Sendable {
        let exit: ShimExit

        /// Calls `body` with the exit, on the event loop that reads it.
        public func whenComplete(_ body: @escaping @Sendable (Result<ShimProcessState, any Error>) -> Void) {
            exit.whenComplete { result in
                body(result.flatMap { response in
                    response.state.map { .success($0) } ?? .failure(CtrError.internalError("shim: no state"))
                })
            }
        }
    }

    static func execRequest(execID: String, spec: [UInt8], io: IO, start: Bool, wait: Bool) -> ShimRequest {
        var request = ShimRequest(op: .exec, execID: execID)
        request.start = start ? true : nil
        request.wait = wait ? true : nil
        request.document = String(decoding: spec, as: UTF8.self)
        request.stdin = io.stdin
        request.stdout = io.stdout
        request.stderr = io.stderr
        request.terminal = io.terminal
        request.logFormat = io.logFormat
        request.maxLogLine = io.maxLogLine
        return request
    }

    func execAdded(_ namespace: String, _ id: String, execID: String) {
        events.publish(namespace: namespace, topic: EventTopic.taskExecAdded, event: Containerd_Events_TaskExecAdded.with {
            $0.containerID = id
            $0.execID = execID
        })
    }


    public func wait(_ namespace: String, _ id: String, execID: String?) async throws -> ShimProcessState {
        try await processState(.wait, namespace, id, execID: execID)
    }

    /// Deletes a stopped task (or an exec process): runc state, rootfs mount, bundle, shim.
    public func delete(_ namespace: String, _ id: String, execID: String?) async throws -> ShimProcessState {
        let entry = try entry(namespace, id)
        if let execID {
            guard let state = try await entry.shim.send(ShimRequest(op: .delete, execID: execID)).state else {
                throw CtrError.internalError("shim: no state")
            }
            return state
        }
        var final: ShimProcessState
        do {
            guard let state = try await entry.shim.send(ShimRequest(op: .delete)).state else {
                throw CtrError.internalError("shim: no state")
            }
            final = state
        } catch where CtrError.is(error, .unavailable) {
            // The shim is gone: clean up after it.
            final = deadState(entry)
            _ = try? Subprocess.run([runtime, "--root", runtimeRoot(namespace), "delete", "--force", id])
        } catch where CtrError.is(error, .notFound) {
            // A shim that never created the container: the daemon was killed between starting
            // the shim and asking it to create. The shim goes, with the bundle and its mount.
            _ = try? await entry.shim.send(ShimRequest(op: .shutdown))
            final = deadState(entry)
            _ = try? Subprocess.run([runtime, "--root", runtimeRoot(namespace), "delete", "--force", id])
        }
        Mounter.unmountAll(entry.bundle + "/rootfs")
        try? FileTree.remove(entry.bundle)
        unlink(entry.shim.socket)
        entries.withLock { $0[Self.key(namespace, id)] = nil }
        events.publish(namespace: namespace, topic: EventTopic.taskDelete, event: Containerd_Events_TaskDelete.with {
            $0.containerID = id
            $0.id = id
            $0.pid = UInt32(final.pid)
            $0.exitStatus = final.exitStatus
            $0.exitedAt = .init(Timestamp(unixNanos: final.exitedAt))
        })
        return final
    }

    /// Whether the kernel's OOM killer killed a process of the task's cgroup: the shim's record
    /// (kept even when the cgroup is already gone), or the cgroup's own count.
    public func oomKilled(_ namespace: String, _ id: String) -> Bool {
        guard let entry = try? entry(namespace, id) else { return false }
        if access(ShimOptions.oomRecord(bundle: entry.bundle), F_OK) == 0 { return true }
        guard let path = try? cgroupPath(namespace, id) else { return false }
        return (CgroupHierarchy.host.oomKills(path) ?? 0) > 0
    }

    /// The OCI `cgroupsPath` of a task, from its spec: a path, or runc's systemd `slice:prefix:name`.
    public func cgroupPath(_ namespace: String, _ id: String) throws(CtrError) -> String {
        ShimOptions.cgroupsPath(bundle: try entry(namespace, id).bundle) ?? "/\(namespace)/\(id)"
    }
}
