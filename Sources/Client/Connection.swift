public import Core
public import GRPCCore
public import GRPCNIOTransportHTTP2Posix
import API
import NIOCore

/// How a client reaches a daemon.
public struct ConnectionOptions: Sendable {
    public var endpoint: Endpoint
    /// Per-call deadline; nil waits as long as the call takes.
    public var timeout: Duration?
    /// How long to wait for the socket to accept connections; zero fails at once.
    public var connectTimeout: Duration
    /// What to tell the user when nothing listens on the socket.
    public var unreachableHint: String

    public init(endpoint: Endpoint, timeout: Duration? = nil, connectTimeout: Duration = .zero,
                unreachableHint: String = "is \"ctr daemon\" running?") {
        self.endpoint = endpoint
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.unreachableHint = unreachableHint
    }
}

/// One open gRPC connection to a daemon's socket, with the error mapping applied to every call.
public struct Connection: Sendable {
    public let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    public let options: ConnectionOptions

    /// Where `with` takes its connection from when set (`ctr shell`); otherwise each `with` opens
    /// and closes its own.
    @TaskLocal public static var pool: ConnectionPool?

    /// Opens a connection, runs `body`, closes the connection. A daemon that is not listening
    /// fails at once with the hint; errors from calls arrive as `CtrError`, other errors `body`
    /// throws (e.g. an exit code) pass through unchanged.
    public static func with<T: Sendable>(
        _ options: ConnectionOptions, _ body: (Connection) async throws -> T
    ) async throws -> T {
        let deadline = ContinuousClock.now + options.connectTimeout
        // A pool that opened this connection early has just probed the socket.
        while pool?.takeProbed(options.endpoint) != true {
            do {
                try options.endpoint.checkReachable(hint: options.unreachableHint)
                break
            } catch {
                if ContinuousClock.now >= deadline { throw error }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        do {
            if let pool {
                return try await body(Connection(grpc: try pool.client(for: options.endpoint), options: options))
            }
            return try await withGRPCClient(transport: try transport(options.endpoint)) { grpc in
                try await body(Connection(grpc: grpc, options: options))
            }
        } catch let error as RPCError {
            throw ErrorMapping.ctrError(error)
        } catch let error as RuntimeError {
            throw ErrorMapping.ctrError(error)
        }
    }

    /// The HTTP/2 transport to a daemon's socket, tuned as the daemon's server is.
    static func transport(_ endpoint: Endpoint) throws -> HTTP2ClientTransport.Posix {
        try HTTP2ClientTransport.Posix(
            target: .unixDomainSocket(path: endpoint.path),
            transportSecurity: .plaintext,
            config: .defaults { config in
                config.http2.targetWindowSize = GRPCTuning.windowSize
                config.http2.maxFrameSize = GRPCTuning.maxFrameSize
                config.channelDebuggingCallbacks.onCreateTCPConnection = { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ServerPingAnswerer(), position: .first)
                    }
                }
            })
    }

    /// Call options carrying the deadline.
    public var callOptions: CallOptions {
        var call = CallOptions.defaults
        call.timeout = options.timeout
        return call
    }
}

extension Connection {
    /// For a process that runs one client command: NIO's shared event loop group gets one
    /// thread instead of one per core. A command's connections need no more, and each thread is
    /// paid for at start. Must come before anything uses NIO (NIO traps otherwise).
    public static func useOneEventLoop() {
        NIOSingletons.groupLoopCountSuggestion = 1
    }
}
