public import Core
import FoundationEssentials
import Glibc
import NIOCore
import NIOPosix

/// The daemon's side of the shim protocol.
public struct ShimClient: Sendable {
    public let socket: String

    public init(socket: String) {
        self.socket = socket
    }

    /// Whether a shim answers on the socket.
    public var isAlive: Bool { UnixSocket.probe(socket) == nil }

    /// Sends `request` and waits for the answer on NIO's event loop: no thread waits, however
    /// long the answer takes (a `wait` lasts as long as its process), so a node with many
    /// containers does not hold a thread per container. Cancelling the task closes the connection.
    public func send(_ request: ShimRequest) async throws -> ShimResponse {
        guard var bytes = try? JSONEncoder().encode(request) else { throw CtrError.internalError("shim: cannot encode request") }
        bytes.append(UInt8(ascii: "\n"))
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let reply = loop.makePromise(of: [UInt8].self)
        let socket = self.socket
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ShimReplyHandler(reply: reply))
                    }
                }
                .connect(unixDomainSocketPath: socket).get()
        } catch {
            reply.fail(error)
            throw CtrError.unavailable("connect to \(socket): \(Self.describe(error))")
        }
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        let line = try await withTaskCancellationHandler {
            try await reply.futureResult.get()
        } onCancel: {
            channel.close(promise: nil)
        }
        guard let response = try? JSONDecoder().decode(ShimResponse.self, from: Data(line)) else {
            throw CtrError.internalError("shim \(socket): malformed response")
        }
        if let error = response.error { throw error }
        return response
    }

    /// An errno from NIO's connect as `Errno` prints it elsewhere ("no such file or directory").
    static func describe(_ error: any Error) -> String {
        if let io = error as? IOError { return "\(Errno(io.errnoCode))" }
        return "\(error)"
    }
}

/// Collects one answer line from the shim, then closes the connection.
final class ShimReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    static let limit = 16 << 20

    let reply: EventLoopPromise<[UInt8]>
    var line: [UInt8] = []
    var done = false

    init(reply: EventLoopPromise<[UInt8]>) { self.reply = reply }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
            line += bytes[..<newline]
            finish(context, .success(line))
        } else {
            line += bytes
            if line.count > Self.limit {
                finish(context, .failure(CtrError.internalError("shim: answer larger than \(Self.limit) bytes")))
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A shim that ends the connection with a last line and no newline still answered.
        finish(context, line.isEmpty ? .failure(CtrError.unavailable("the shim closed the connection without answering"))
            : .success(line))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(context, .failure(CtrError.unavailable("shim connection: \(ShimClient.describe(error))")))
    }

    private func finish(_ context: ChannelHandlerContext, _ result: Result<[UInt8], any Error>) {
        guard !done else { return }
        done = true
        reply.completeWith(result)
        context.close(promise: nil)
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
                         "--runtime-root", options.runtimeRoot,
                         "--cgroup-driver", options.systemdCgroup ? "systemd" : "cgroupfs"]
        let pid: pid_t
        do throws(CtrError) {
            pid = try Subprocess.spawn(arguments, stdin: null, stdout: pipe[1], stderr: log >= 0 ? log : null, newSession: true)
        } catch {
            close(pipe[1])
            throw error
        }
        close(pipe[1])
        // Reap the shim whenever it exits (it is our child until we exit).
        ChildReaper.shared.watch(pid)
        let line = LineSocket.readLine(pipe[0]) ?? []
        guard String(decoding: line, as: UTF8.self) == "ready" else {
            let reason = readTextFile(options.bundle + "/shim.log")?.split(separator: "\n").last.map(String.init) ?? "no reason logged"
            throw .internalError("shim for \"\(options.id)\" did not start: \(reason)")
        }
        return pid
    }
}
