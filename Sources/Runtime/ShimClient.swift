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
        try await exchange(request, answers: 1).first
    }

    /// Sends an exec with `start` and `wait` set: returns the answer that it started, and its
    /// exit still to come on the same connection.
    public func sendAndWait(_ request: ShimRequest) async throws -> (started: ShimResponse, exit: ShimExit) {
        let (first, exit) = try await exchange(request, answers: 2)
        guard let exit else { throw CtrError.internalError("shim: no exit to wait for") }
        return (first, exit)
    }

    /// Connects, writes the request and reads `answers` lines, all on one event loop; the
    /// caller's task resumes once, with the first answer (and the rest still to come).
    private func exchange(_ request: ShimRequest, answers: Int) async throws -> (first: ShimResponse, exit: ShimExit?) {
        guard var bytes = try? JSONEncoder().encode(request) else { throw CtrError.internalError("shim: cannot encode request") }
        bytes.append(UInt8(ascii: "\n"))
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let replies = (0..<answers).map { _ in loop.makePromise(of: [UInt8].self) }
        let socket = self.socket
        let connected = ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ShimReplyHandler(replies: replies))
                }
            }
            .connect(unixDomainSocketPath: socket)
            .flatMapErrorThrowing { error -> any Channel in
                let failure = CtrError.unavailable("connect to \(socket): \(Self.describe(error))")
                for reply in replies { reply.fail(failure) }
                throw failure
            }
        let first = connected.flatMap { channel in
            channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
            return replies[0].futureResult
        }
        let line = try await withTaskCancellationHandler {
            try await first.get()
        } onCancel: {
            connected.whenSuccess { $0.close(promise: nil) }
        }
        let exit = answers > 1 ? ShimExit(socket: socket, answer: replies[1].futureResult) : nil
        return (try Self.decode(line, socket: socket), exit)
    }

    static func decode(_ line: [UInt8], socket: String) throws -> ShimResponse {
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

/// A process's exit, answered later on the connection that started it (`sendAndWait`).
public struct ShimExit: Sendable {
    let socket: String
    let answer: EventLoopFuture<[UInt8]>

    /// Calls `body` with the exit on the event loop that reads it, without a task waiting: for
    /// callers that live on an event loop themselves and would only hop back to it.
    public func whenComplete(_ body: @escaping @Sendable (Result<ShimResponse, any Error>) -> Void) {
        let socket = self.socket
        answer.whenComplete { result in
            body(result.flatMap { line in Result { try ShimClient.decode(line, socket: socket) } })
        }
    }
}

/// Collects the answer lines the shim sends (one per promise, in order), then closes the
/// connection. A connection that ends early fails the answers still missing.
final class ShimReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    static let limit = 16 << 20

    let replies: [EventLoopPromise<[UInt8]>]
    var answered = 0
    var line: [UInt8] = []

    init(replies: [EventLoopPromise<[UInt8]>]) { self.replies = replies }

    var done: Bool { answered >= replies.count }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        var bytes = (buffer.readBytes(length: buffer.readableBytes) ?? [])[...]
        while !done, !bytes.isEmpty {
            if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                line += bytes[..<newline]
                bytes = bytes[(newline + 1)...]
                answer(context, .success(line))
                line = []
            } else {
                line += bytes
                bytes = []
                if line.count > Self.limit {
                    fail(context, CtrError.internalError("shim: answer larger than \(Self.limit) bytes"))
                }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A shim that ends the connection with a last line and no newline still answered.
        if !done, !line.isEmpty {
            answer(context, .success(line))
            line = []
        }
        fail(context, CtrError.unavailable("the shim closed the connection without answering"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, CtrError.unavailable("shim connection: \(ShimClient.describe(error))"))
    }

    private func answer(_ context: ChannelHandlerContext, _ result: Result<[UInt8], any Error>) {
        guard !done else { return }
        replies[answered].completeWith(result)
        answered += 1
        if done { context.close(promise: nil) }
    }

    /// Fails every answer still missing.
    private func fail(_ context: ChannelHandlerContext, _ error: any Error) {
        while !done { answer(context, .failure(error)) }
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
