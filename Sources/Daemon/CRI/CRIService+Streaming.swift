import API
import Core
import CLinux
import Glibc

extension CRIService {
    /// Exec: checks the request and returns a single-use URL on the stream server.
    func exec(_ request: Runtime_V1_ExecRequest) throws(CtrError) -> String {
        let container = try runningContainer(request.containerID, for: "exec")
        guard !request.cmd.isEmpty else { throw .invalidArgument("exec in container \"\(container.id)\": no command") }
        try Self.checkStdio(container.id, verb: "exec", stdin: request.stdin, stdout: request.stdout, stderr: request.stderr,
                            tty: request.tty)
        return try streamURL(.exec(containerID: container.id, command: request.cmd, tty: request.tty, stdin: request.stdin,
                                   stdout: request.stdout, stderr: request.stderr))
    }

    /// Attach: as Exec, to the container's own process; stdin only to a container created with it.
    func attach(_ request: Runtime_V1_AttachRequest) throws(CtrError) -> String {
        let container = try runningContainer(request.containerID, for: "attach")
        try Self.checkStdio(container.id, verb: "attach", stdin: request.stdin, stdout: request.stdout,
                            stderr: request.stderr, tty: request.tty)
        if request.stdin && !container.config.stdin {
            throw .invalidArgument("attach to container \"\(container.id)\": stdin requested, but the container was not created with stdin")
        }
        return try streamURL(.attach(containerID: container.id, tty: request.tty, stdin: request.stdin,
                                     stdout: request.stdout, stderr: request.stderr && !request.tty))
    }

    /// PortForward: the pod must be ready; ports may also come later, in a WebSocket URL's query.
    func portForward(_ request: Runtime_V1_PortForwardRequest) throws(CtrError) -> String {
        let sandbox = try self.sandbox(request.podSandboxID)
        guard sandbox.status.phase == .ready else {
            throw .failedPrecondition("port-forward to pod sandbox \"\(sandbox.id)\": it is not ready")
        }
        if let bad = request.port.first(where: { !(1...65535).contains($0) }) {
            throw .invalidArgument("port-forward to pod sandbox \"\(sandbox.id)\": invalid port \(bad), must be 1-65535")
        }
        return try streamURL(.portForward(sandboxID: sandbox.id, ports: request.port))
    }

    func runningContainer(_ id: String, for verb: String) throws(CtrError) -> CRIContainer {
        let container = try self.container(id)
        guard container.status.phase == .running else {
            throw .failedPrecondition("\(verb) in container \"\(container.id)\": it is \(container.status.phase.rawValue), not running")
        }
        return container
    }

    static func checkStdio(_ id: String, verb: String, stdin: Bool, stdout: Bool, stderr: Bool, tty: Bool) throws(CtrError) {
        guard stdin || stdout || stderr else {
            throw .invalidArgument("\(verb) in container \"\(id)\": one of stdin, stdout and stderr must be requested")
        }
        if tty && stderr {
            throw .invalidArgument("\(verb) in container \"\(id)\": tty and stderr cannot both be requested (a terminal has one output)")
        }
    }

    func streamURL(_ request: StreamRequest) throws(CtrError) -> String {
        guard let base = streamBase.withLock({ $0 }) else {
            throw .unavailable("the stream server is not running")
        }
        return base + "/" + request.path + "/" + streamTokens.issue(request)
    }
}

extension CRIService {
    func containerStdinPath(_ id: String) -> String { state + "/io/" + id + "/stdin" }

    /// Makes the stdin FIFO of a container created with `stdin: true` and holds it open for
    /// writing, so the container reads nothing (rather than an end) until someone attaches.
    func openContainerStdin(_ id: String) throws(CtrError) -> String {
        let path = containerStdinPath(id)
        try makeDirectories(state + "/io/" + id, mode: 0o700)
        unlink(path)
        guard mkfifo(path, 0o600) == 0 else { throw .internalError("container \"\(id)\": mkfifo \(path): \(Errno.current)") }
        let fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .internalError("container \"\(id)\": open \(path): \(Errno.current)") }
        let previous = stdinHolders.withLock { holders in
            defer { holders[id] = fd }
            return holders[id]
        }
        if let previous { close(previous) }
        return path
    }

    /// Lets go of a container's stdin: once no attacher writes either, the container reads its end.
    func closeContainerStdin(_ id: String) {
        if let fd = stdinHolders.withLock({ $0.removeValue(forKey: id) }) { close(fd) }
    }

    /// An attacher that wrote stdin went away: with `stdin_once`, the container's stdin ends too.
    func attachedStdinClosed(_ id: String) {
        guard let container = try? self.container(id), container.config.stdinOnce else { return }
        closeContainerStdin(id)
    }

    /// A TCP connection to `port` on the loopback of pod `sandboxID`'s network namespace (the
    /// host's with host networking), made on a thread of its own that enters the namespace.
    func connectInPod(_ sandboxID: String, port: Int) async throws -> Int32 {
        let netns = try sandbox(sandboxID).status.netns
        return try await BlockingThread.run { () throws -> Int32 in
            if !netns.isEmpty {
                let error = ctr_enter_netns(netns)
                guard error == 0 else { throw CtrError.unavailable("enter the pod's network namespace \(netns): \(Errno(error))") }
            }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw CtrError.internalError("socket: \(Errno.current)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard result == 0 else {
                let error = Errno.current
                close(fd)
                throw CtrError.unavailable("connect to 127.0.0.1:\(port) in pod \(sandboxID): \(error)")
            }
            return fd
        }
    }
}

extension CRIService {
    /// UpdatePodSandboxResources: the kubelet has already resized the pod's cgroup and tells the
    /// runtime, best effort (CRI). Recorded with the pod and shown by PodSandboxStatus (verbose).
    func updatePodSandboxResources(_ id: String, overhead: Runtime_V1_LinuxContainerResources?,
                                   resources: Runtime_V1_LinuxContainerResources?) throws(CtrError) {
        var sandbox = try self.sandbox(id)
        do {
            sandbox.status.overhead = try overhead?.jsonString()
            sandbox.status.resources = try resources?.jsonString()
        } catch {
            throw .invalidArgument("pod sandbox \"\(sandbox.id)\": resources: \(error)")
        }
        update(sandbox)
        try persist(sandbox)
    }
}
