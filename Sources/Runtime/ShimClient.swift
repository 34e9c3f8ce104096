public import Core
import FoundationEssentials
import Glibc

/// The daemon's side of the shim protocol.
public struct ShimClient: Sendable {
    public let socket: String

    public init(socket: String) {
        self.socket = socket
    }

    /// Whether a shim answers on the socket.
    public var isAlive: Bool { UnixSocket.probe(socket) == nil }

    /// Sends `request` and waits for the answer (blocking: use `send` from async code).
    public func call(_ request: ShimRequest) throws(CtrError) -> ShimResponse {
        let fd = try LineSocket.connect(socket)
        defer { close(fd) }
        guard var bytes = try? JSONEncoder().encode(request) else { throw .internalError("shim: cannot encode request") }
        bytes.append(UInt8(ascii: "\n"))
        if let code = FileIO.writeAll(fd, Array(bytes)[...]) {
            throw .unavailable("shim \(socket): \(Errno(code))")
        }
        guard let line = LineSocket.readLine(fd) else {
            throw .unavailable("shim \(socket) closed the connection without answering")
        }
        guard let response = try? JSONDecoder().decode(ShimResponse.self, from: Data(line)) else {
            throw .internalError("shim \(socket): malformed response")
        }
        if let error = response.error { throw error }
        return response
    }

    /// `call` on a thread of its own, so a long wait does not hold a cooperative thread.
    public func send(_ request: ShimRequest) async throws -> ShimResponse {
        try await BlockingThread.run { try call(request) }
    }
}

/// Starts `ctr shim` processes.
public enum ShimLauncher {
    /// The running binary, which is also the shim.
    public static var executable: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return "ctr" }
        let path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // A binary replaced (upgraded) while the daemon runs: the new one at the same path.
        if path.hasSuffix(" (deleted)") { return String(path.dropLast(" (deleted)".count)) }
        return path
    }

    /// Starts a shim in a session of its own and waits until its socket is up. The shim's
    /// diagnostics go to `shim.log` in the bundle.
    public static func start(_ options: ShimOptions) throws(CtrError) -> pid_t {
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { throw .internalError("shim: pipe: \(Errno.current)") }
        _ = fcntl(pipe[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipe[1], F_SETFD, FD_CLOEXEC)
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        let log = open(options.bundle + "/shim.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        defer {
            close(null)
            if log >= 0 { close(log) }
            close(pipe[0])
        }
        let arguments = [executable, "shim", "--namespace", options.namespace, "--id", options.id,
                         "--bundle", options.bundle, "--socket", options.socket, "--runtime", options.runtime,
                         "--runtime-root", options.runtimeRoot]
        let pid: pid_t
        do throws(CtrError) {
            pid = try Subprocess.spawn(arguments, stdin: null, stdout: pipe[1], stderr: log >= 0 ? log : null, newSession: true)
        } catch {
            close(pipe[1])
            throw error
        }
        close(pipe[1])
        // Reap the shim whenever it exits (it is our child until we exit).
        BlockingThread.start { _ = Subprocess.wait(pid) }
        let line = LineSocket.readLine(pipe[0]) ?? []
        guard String(decoding: line, as: UTF8.self) == "ready" else {
            let reason = readTextFile(options.bundle + "/shim.log")?.split(separator: "\n").last.map(String.init) ?? "no reason logged"
            throw .internalError("shim for \"\(options.id)\" did not start: \(reason)")
        }
        return pid
    }
}
