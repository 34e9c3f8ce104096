import API
import CLinux
import Core
import Glibc
import Snapshots

extension CRIService {
    /// RunPodSandbox: the sandbox image (pulled when absent), a pinned network namespace wired
    /// by CNI, the sandbox's hosts/hostname/resolv.conf, and the pause container running in it.
    /// Anything done is undone when a later step fails.
    func runPodSandbox(_ config: Runtime_V1_PodSandboxConfig, handler: String) async throws -> String {
        let metadata = config.metadata
        guard !metadata.name.isEmpty, !metadata.namespace.isEmpty else {
            throw CtrError.invalidArgument("pod sandbox config: metadata.name and metadata.namespace are required")
        }
        let namespaces = config.linux.securityContext.namespaceOptions
        try CRISpec.checkSysctls(config.linux.sysctls, hostNetwork: namespaces.network == .node,
                                 hostIPC: namespaces.ipc == .node, pod: metadata.name)
        let handlerName = handler.isEmpty ? self.config.containerd.defaultRuntimeName : handler
        guard self.config.containerd.runtimes[handlerName] != nil else {
            throw CtrError.invalidArgument("pod sandbox \"\(metadata.name)\": unknown runtime handler \"\(handler)\"")
        }
        try CRISpec.checkCgroupDriver(parent: config.linux.cgroupParent, systemd: systemdCgroup(handlerName),
                                      pod: metadata.name)
        if !config.logDirectory.isEmpty {
            guard config.logDirectory.hasPrefix("/"), !config.logDirectory.split(separator: "/").contains("..") else {
                throw CtrError.invalidArgument(
                    "pod sandbox \"\(metadata.name)\": log directory \"\(config.logDirectory)\" must be an absolute path without \"..\"")
            }
        }
        let id = Identifier.random()
        let name = "\(metadata.name)_\(metadata.namespace)_\(metadata.uid)_\(metadata.attempt)"
        try reserve(name, for: id)
        var undo: [@Sendable () async -> Void] = [{ [self] in release(name) }]
        do {
            let image = try await ensureImage(self.config.sandboxImage)
            let root = state + "/sandboxes/" + id
            try makeDirectories(root, mode: 0o755)
            undo.append { try? FileTree.remove(root) }
            var sandbox = Sandbox(id: id, config: config, status: SandboxStatus(
                name: name, phase: .notReady, createdAt: Timestamp.now.unixNanos, netns: "", ips: [],
                runtimeHandler: handlerName, pid: 0, root: root))
            if !sandbox.hostNetwork { sandbox.status.netns = state + "/netns/" + id }
            try writeSandboxFiles(sandbox)
            let spec = try CRISpec.sandbox(sandbox, image: image, namespace: namespace,
                                           restrictOOMScoreAdj: self.config.restrictOOMScoreAdj,
                                           unsetSeccompProfile: self.config.unsetSeccompProfile,
                                           systemdCgroup: systemdCgroup(handlerName))
            // The record comes first: a daemon killed from here on finds the pod after its restart
            // (NOTREADY, with its netns path), and StopPodSandbox/RemovePodSandbox undo what was
            // made (mounts, CNI's address and veth), instead of leaving them without an owner.
            try await createRecord(id: id, kind: "sandbox", labels: config.labels, image: image, spec: spec,
                                   extensions: [CRIRecord.configExtension: try CRIRecord.message(config),
                                                CRIRecord.statusExtension: try CRIRecord.encode(sandbox.status)])
            undo.append { [self] in removeRecord(id) }
            if sandbox.config.linux.securityContext.namespaceOptions.ipc != .node {
                try SandboxShm.mount(root + "/shm")
                undo.append { SandboxShm.unmount(root + "/shm") }
            }
            // CNI runs while the pause container is being created: both need only the netns.
            let networking: Task<[String], any Error>?
            if !sandbox.hostNetwork {
                let netns = sandbox.status.netns
                try NetworkNamespace.create(netns)
                undo.append { NetworkNamespace.remove(netns) }
                let attachment = attachment(sandbox)
                let cni = self.cni
                let adding = Task { try await cni.add(attachment) }
                networking = adding
                undo.append {
                    _ = try? await adding.value
                    try? await BlockingThread.run { try cni.delete(attachment) }
                }
            } else {
                networking = nil
            }
            let mounts = try snapshotter.mounts(namespace, key: id)
            // The pause process starts while CNI is still setting up its network namespace (it
            // does not use the network); the pod is ready when both are done.
            let started = try await tasks.create(namespace, id, rootfs: mounts, io: TaskService.IO(),
                                                 runtimeBinary: runtimeBinary(handlerName),
                                                 systemdCgroup: systemdCgroup(handlerName), start: true)
            undo.append { [self] in
                _ = try? await tasks.kill(namespace, id, execID: nil, signal: SIGKILL, all: true)
                _ = try? await tasks.wait(namespace, id, execID: nil)
                _ = try? await tasks.delete(namespace, id, execID: nil)
            }
            if let networking { sandbox.status.ips = try await networking.value }
            sandbox.status.pid = started.pid
            sandbox.status.phase = .ready
            update(sandbox)
            try persist(sandbox)
            return id
        } catch {
            for step in undo.reversed() { await step() }
            throw error
        }
    }

    /// The OCI runtime binary of a runtime handler (`runtimes.<name>.options.BinaryName`).
    func runtimeBinary(_ handler: String) -> String? {
        config.containerd.runtimes[handler]?.binaryName
    }

    /// Whether a runtime handler uses runc's systemd cgroup driver (`options.SystemdCgroup`).
    func systemdCgroup(_ handler: String) -> Bool {
        config.containerd.runtimes[handler]?.systemdCgroup ?? false
    }

    /// The cgroup of the pod's sandbox (`id` is the sandbox's) or of one of its containers.
    func cgroupsPath(_ sandbox: Sandbox, id: String) -> String {
        CRISpec.cgroupsPath(parent: sandbox.config.linux.cgroupParent, id: id, namespace: namespace,
                            systemd: systemdCgroup(sandbox.status.runtimeHandler))
    }

    func attachment(_ sandbox: Sandbox) -> CNIAttachment {
        let metadata = sandbox.config.metadata
        let mappings: [JSONValue] = sandbox.config.portMappings.filter { $0.hostPort > 0 }.map { mapping in
            let proto: String
            switch mapping.protocol {
            case .udp: proto = "udp"
            case .sctp: proto = "sctp"
            default: proto = "tcp"
            }
            var fields: [(String, JSONValue)] = [("hostPort", .integer(Int64(mapping.hostPort))),
                                                 ("containerPort", .integer(Int64(mapping.containerPort))),
                                                 ("protocol", .string(proto))]
            if !mapping.hostIp.isEmpty { fields.append(("hostIP", .string(mapping.hostIp))) }
            return .object(fields)
        }
        return CNIAttachment(sandboxID: sandbox.id, netns: sandbox.status.netns, podName: metadata.name,
                             podNamespace: metadata.namespace, podUID: metadata.uid, portMappings: mappings)
    }

    /// hostname, hosts and resolv.conf for the pod's containers (bind-mounted into each).
    func writeSandboxFiles(_ sandbox: Sandbox) throws(CtrError) {
        let config = sandbox.config
        var hostname = config.hostname
        if hostname.isEmpty || sandbox.hostNetwork {
            hostname = (readTextFile("/proc/sys/kernel/hostname") ?? "localhost").trimmed
        }
        try writeFileAtomically(sandbox.status.root + "/hostname", Array((hostname + "\n").utf8), mode: 0o644, durable: false)
        let hosts = sandbox.hostNetwork ? (readTextFile("/etc/hosts") ?? "")
            : "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
                + "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
        try writeFileAtomically(sandbox.status.root + "/hosts", Array(hosts.utf8), mode: 0o644, durable: false)
        let dns = config.dnsConfig
        var resolv: String
        if dns.servers.isEmpty && dns.searches.isEmpty && dns.options.isEmpty {
            resolv = readTextFile("/etc/resolv.conf") ?? ""
        } else {
            resolv = ""
            if !dns.searches.isEmpty { resolv += "search " + dns.searches.joined(separator: " ") + "\n" }
            for server in dns.servers { resolv += "nameserver \(server)\n" }
            if !dns.options.isEmpty { resolv += "options " + dns.options.joined(separator: " ") + "\n" }
        }
        try writeFileAtomically(sandbox.status.root + "/resolv.conf", Array(resolv.utf8), mode: 0o644, durable: false)
    }

    /// The container record, then its snapshot prepared from the image's top layer. The record
    /// comes first: it holds the snapshot key against garbage collection, so no lease is needed.
    func createRecord(id: String, kind: String, labels: [String: String], image: CRIImage, spec: OCISpec,
                      extensions: [String: TypedValue]) async throws {
        var all = labels.filter { (try? Labels.validate([$0.key: $0.value])) != nil }
        all[CRIRecord.kindLabel] = kind
        _ = try metadata.createContainer(namespace, Container(
            id: id, labels: all, image: image.repoTags.first ?? image.id,
            runtime: Container.Runtime(name: "io.containerd.runc.v2"),
            spec: TypedValue(typeURL: OCISpec.typeURL, value: try spec.encoded()),
            snapshotter: config.containerd.snapshotter, snapshotKey: id, extensions: extensions))
        do {
            _ = try snapshotter.prepare(namespace, key: id, parent: image.resolved.chainID.description, labels: [:],
                                        lease: nil)
        } catch {
            try? metadata.deleteContainer(namespace, id)
            throw error
        }
    }

    func removeRecord(_ id: String) {
        try? metadata.deleteContainer(namespace, id)
        try? snapshotter.remove(namespace, key: id)
    }

    /// StopPodSandbox: stops every container of the pod, the pause container, and tears the
    /// network down. Stopping a stopped (or unknown) sandbox succeeds.
    func stopPodSandbox(_ id: String) async throws {
        guard let sandbox = try? self.sandbox(id) else { return }
        let members = store.withLock { $0.containers.values.filter { $0.status.sandboxID == sandbox.id }.map(\.id) }
        for container in members {
            try await stopContainer(container, timeout: 0)
        }
        if (try? await tasks.state(namespace, sandbox.id, execID: nil)) != nil {
            try? await tasks.kill(namespace, sandbox.id, execID: nil, signal: SIGKILL, all: true)
            let waited = try? await tasks.wait(namespace, sandbox.id, execID: nil)
            await handleExit(sandbox.id, status: Int32(bitPattern: waited?.exitStatus ?? 137),
                             at: waited?.exitedAt ?? Timestamp.now.unixNanos)
        }
        SandboxShm.unmount(sandbox.status.root + "/shm")
        var current = try self.sandbox(sandbox.id)
        if !current.status.netns.isEmpty {
            let attachment = attachment(current)
            let cni = self.cni
            try await BlockingThread.run { try cni.delete(attachment) }
            NetworkNamespace.remove(current.status.netns)
            current.status.netns = ""
        }
        current.status.phase = .notReady
        update(current)
        try persist(current)
    }

    /// RemovePodSandbox: stops it if needed, removes its containers, record, snapshot and files.
    func removePodSandbox(_ id: String) async throws {
        guard let sandbox = try? self.sandbox(id) else { return }
        try await stopPodSandbox(sandbox.id)
        let members = store.withLock { $0.containers.values.filter { $0.status.sandboxID == sandbox.id }.map(\.id) }
        for container in members { try await removeContainer(container) }
        // A pause task the stop did not find (its shim never got to create it: the daemon was
        // killed in between) goes with its shim and mount.
        _ = try? await tasks.delete(namespace, sandbox.id, execID: nil)
        removeRecord(sandbox.id)
        SandboxShm.unmount(sandbox.status.root + "/shm")
        try? FileTree.remove(sandbox.status.root)
        store.withLock { store in
            store.remove(sandbox: sandbox.id)
            store.names[sandbox.status.name] = nil
        }
    }

    func sandboxes() -> [Sandbox] {
        store.withLock { Array($0.sandboxes.values) }.sorted { $0.status.createdAt < $1.status.createdAt }
    }
}

/// Network namespaces pinned by a bind mount on a file, so they outlive their processes.
enum NetworkNamespace {
    static func create(_ path: String) throws(CtrError) {
        let fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard fd >= 0 else { throw .internalError("create network namespace \(path): \(Errno.current)") }
        close(fd)
        let error = ctr_pin_new_netns(path)
        if error != 0 {
            unlink(path)
            throw .internalError("create network namespace \(path): \(Errno(error))")
        }
    }

    static func remove(_ path: String) {
        _ = umount2(path, Int32(MNT_DETACH))
        unlink(path)
    }
}

/// The pod's /dev/shm: one tmpfs under the sandbox's directory, bind-mounted into the pause
/// container and every container sharing the pod's IPC namespace (POSIX shared memory lives in
/// /dev/shm, so a shared IPC namespace needs a shared /dev/shm too).
enum SandboxShm {
    static func mount(_ path: String) throws(CtrError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .internalError("create \(path): \(Errno.current)")
        }
        let flags = UInt(MS_NOSUID) | UInt(MS_NODEV) | UInt(MS_NOEXEC)
        guard Glibc.mount("shm", path, "tmpfs", flags, "mode=1777,size=65536k") == 0 else {
            throw .internalError("mount the pod's shm at \(path): \(Errno.current)")
        }
    }

    static func unmount(_ path: String) {
        _ = umount2(path, Int32(MNT_DETACH))
    }
}
