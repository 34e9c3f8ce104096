import GRPCCore
import NIOCore
import NIOHTTP2
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The daemon's gRPC server transport: HTTP/2 with prior knowledge on a Unix socket, for
/// grpc-swift's `GRPCServer`.
///
/// grpc-swift-nio-transport gives every call an HTTP/2 child channel with a pipeline of its own,
/// async sequences over it, a task for the stream and one for the call; measured, that machinery
/// was most of a small call's CPU time, twice what containerd spends on one. Here a connection
/// is one pipeline (`NIOHTTP2Handler`, `GRPCConnectionHandler`), a call is an entry in its table
/// (`ServerStream`) and one task runs the handler.
public final class UnixGRPCTransport: ServerTransport, Sendable {
    public typealias Bytes = WireBytes

    public struct Settings: Sendable {
        /// The largest request message accepted (RESOURCE_EXHAUSTED beyond).
        public var maxRequestSize: Int
        /// Flow-control window per stream and per connection.
        public var windowSize: Int
        /// The largest DATA frame a client may send.
        public var maxFrameSize: Int
        /// Calls one connection may have open at once (each costs buffers and a task).
        public var maxConcurrentStreams: Int
        /// A client PING sooner than this after the last, with nothing sent between, is a strike
        /// (grpc-go's enforcement policy default: 5 minutes).
        public var minimumPingInterval: TimeAmount = .minutes(5)
        /// Strikes allowed before the connection ends with GOAWAY(ENHANCE_YOUR_CALM).
        public var maximumPingStrikes = 2
        /// A connection that has sent no frame by then (not even its preface) is closed, as
        /// grpc-go closes one after 120 s.
        public var prefaceTimeout: TimeAmount = .seconds(120)
        /// A connection with no call open for this long is ended gracefully (GOAWAY, then close
        /// once the client has seen it), as grpc-go's `MaxConnectionIdle`; nil: never.
        public var maxConnectionIdle: TimeAmount?

        public init(maxRequestSize: Int, windowSize: Int = 65_535, maxFrameSize: Int = 16_384,
                    maxConcurrentStreams: Int = 1000) {
            self.maxRequestSize = maxRequestSize
            self.windowSize = windowSize
            self.maxFrameSize = maxFrameSize
            self.maxConcurrentStreams = maxConcurrentStreams
        }
    }

    public let path: String
    public let settings: Settings
    private let group: any EventLoopGroup
    private let tracker = ConnectionTracker()
    private let methods = Mutex<[String: MethodDescriptor]>([:])

    private let inlineMethods: [String: InlineUnaryMethod]

    public init(path: String, settings: Settings, inlineMethods: [String: InlineUnaryMethod] = [:],
         group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.path = path
        self.settings = settings
        self.inlineMethods = inlineMethods
        self.group = group
    }

    public func configure(context: GRPCServerContext) {
        methods.withLock { methods in
            for method in context.methods { methods["/" + method.fullyQualifiedMethod] = method }
        }
    }

    /// Returns once the socket accepts connections; throws if binding it failed.
    public func waitUntilListening() async throws {
        try await tracker.waitUntilListening()
    }

    public func listen(
        streamHandler: @escaping @Sendable (RPCStream<Inbound, Outbound>, ServerContext) async -> Void
    ) async throws {
        let dispatcher = RPCDispatcher(handler: streamHandler, methods: methods.withLock { $0 },
                                       peer: "unix:\(path)", tracker: tracker)
        let settings = self.settings
        let tracker = self.tracker
        let inlineMethods = self.inlineMethods
        let http2Settings: HTTP2Settings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: settings.maxConcurrentStreams),
            HTTP2Setting(parameter: .initialWindowSize, value: settings.windowSize),
            HTTP2Setting(parameter: .maxFrameSize, value: settings.maxFrameSize),
            HTTP2Setting(parameter: .maxHeaderListSize, value: 1 << 16),
        ]
        // Control frames (PING, SETTINGS, …) are limited only at a flood's rate: the ping policy
        // judges PINGs, and swift-nio-http2's default (200 per 30 s) would end the connection of
        // a grpc-go client whose BDP estimator pings after every response it reads.
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = http2Settings
        connection.controlFrameRateLimit.maximumCount = 30_000
        connection.controlFrameRateLimit.windowLength = .seconds(30)
        let configuration = connection
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Self.listenBacklog)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = GRPCConnectionHandler(settings: settings, dispatcher: dispatcher,
                                                        inlineMethods: inlineMethods)
                    try channel.pipeline.syncOperations.addHandler(
                        NIOHTTP2Handler(mode: .server, connectionConfiguration: configuration))
                    try channel.pipeline.syncOperations.addHandler(handler)
                    let bound = NIOLoopBound(handler, eventLoop: channel.eventLoop)
                    tracker.opened(channel, quiesce: {
                        channel.eventLoop.execute { bound.value.quiesce() }
                    })
                }
            }
        let listener: any Channel
        do {
            listener = try await bootstrap.bind(unixDomainSocketPath: path).get()
        } catch {
            tracker.listenFailed(error)
            throw error
        }
        tracker.listening(listener)
        await withTaskCancellationHandler {
            try? await listener.closeFuture.get()
            await tracker.waitUntilIdle()
        } onCancel: {
            tracker.closeAll()
        }
    }

    /// The kernel's limit on pending connections (`net.core.somaxconn`), as Go listens: a burst of
    /// connects waits in the queue instead of being refused.
    static let listenBacklog: Int32 = {
        let fd = open("/proc/sys/net/core/somaxconn", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 4096 }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = read(fd, &bytes, bytes.count)
        let text = String(decoding: bytes.prefix(max(count, 0)), as: UTF8.self).filter(\.isNumber)
        return Int32(text) ?? 4096
    }()

    public func beginGracefulShutdown() {
        tracker.quiesce()
    }
}

/// Starts a task for each call a connection receives.
final class RPCDispatcher: Sendable {
    typealias Handler = @Sendable (RPCStream<UnixGRPCTransport.Inbound, UnixGRPCTransport.Outbound>,
                                   ServerContext) async -> Void
    private let handler: Handler
    private let methods: [String: MethodDescriptor]
    private let peer: String
    private let tracker: ConnectionTracker

    init(handler: @escaping Handler, methods: [String: MethodDescriptor], peer: String, tracker: ConnectionTracker) {
        self.handler = handler
        self.methods = methods
        self.peer = peer
        self.tracker = tracker
    }

    func start(_ rpc: ServerStream, path: String) {
        let descriptor = methods[path] ?? RPCDispatcher.descriptor(path)
        let handler = self.handler
        let peer = self.peer
        let tracker = self.tracker
        tracker.callStarted()
        let task = Task {
            await TransportShutdown.$signal.withValue(tracker.shutdown) {
                await withServerContextRPCCancellationHandle { cancellation in
                    rpc.attach(cancellation: cancellation)
                    let stream = RPCStream(
                        descriptor: descriptor,
                        inbound: RPCAsyncSequence(wrapping: ServerRequestParts(stream: rpc)),
                        outbound: RPCWriter.Closable(wrapping: ServerResponseWriter(stream: rpc)))
                    await handler(stream, ServerContext(descriptor: descriptor, remotePeer: peer, localPeer: peer,
                                                        cancellation: cancellation))
                }
            }
            await rpc.finishResponses(nil)
            tracker.callFinished()
        }
        rpc.attach(task: task)
    }

    /// `/package.Service/Method`; a path without a method names no method, which the router
    /// answers with UNIMPLEMENTED.
    static func descriptor(_ path: String) -> MethodDescriptor {
        let name = path.dropFirst()
        guard let slash = name.lastIndex(of: "/") else {
            return MethodDescriptor(fullyQualifiedService: String(name), method: "")
        }
        return MethodDescriptor(fullyQualifiedService: String(name[..<slash]),
                                method: String(name[name.index(after: slash)...]))
    }
}

/// The listener, the open connections and the running calls: what graceful shutdown waits for
/// and cancellation closes.
final class ConnectionTracker: Sendable {
    private struct Connection {
        let channel: any Channel
        let quiesce: @Sendable () -> Void
    }

    private struct State {
        var listener: (any Channel)?
        var listenError: (any Error)?
        var listeningWaiters: [CheckedContinuation<Void, any Error>] = []
        var connections: [ObjectIdentifier: Connection] = [:]
        var calls = 0
        var quiescing = false
        var idleWaiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    /// Tells long-lived calls that the server is stopping (see `TransportShutdown`).
    let shutdown = ShutdownSignal()

    func listening(_ listener: any Channel) {
        let (waiters, quiescing) = state.withLock { state in
            state.listener = listener
            defer { state.listeningWaiters = [] }
            return (state.listeningWaiters, state.quiescing)
        }
        for waiter in waiters { waiter.resume() }
        // Stopped while the socket was being bound.
        if quiescing { listener.close(promise: nil) }
    }

    func listenFailed(_ error: any Error) {
        let waiters = state.withLock { state in
            state.listenError = error
            defer { state.listeningWaiters = [] }
            return state.listeningWaiters
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    func waitUntilListening() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
                let ready: Result<Void, any Error>? = state.withLock { state in
                    if state.listener != nil { return .success(()) }
                    if let error = state.listenError { return .failure(error) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.listeningWaiters.append(waiter)
                    return nil
                }
                if let ready { waiter.resume(with: ready) }
            }
        } onCancel: {
            let waiters = state.withLock { state in
                defer { state.listeningWaiters = [] }
                return state.listeningWaiters
            }
            for waiter in waiters { waiter.resume(throwing: CancellationError()) }
        }
    }

    func opened(_ channel: any Channel, quiesce: @escaping @Sendable () -> Void) {
        let key = ObjectIdentifier(channel)
        let quiescing = state.withLock { state in
            state.connections[key] = Connection(channel: channel, quiesce: quiesce)
            return state.quiescing
        }
        if quiescing { quiesce() }
        channel.closeFuture.whenComplete { _ in
            let waiter = self.state.withLock { state in
                state.connections[key] = nil
                return self.takeIdleWaiter(&state)
            }
            waiter?.resume()
        }
    }

    func callStarted() {
        state.withLock { $0.calls += 1 }
    }

    func callFinished() {
        let waiter = state.withLock { state in
            state.calls -= 1
            return takeIdleWaiter(&state)
        }
        waiter?.resume()
    }

    /// Stops accepting; each connection says GOAWAY and closes once its calls are done.
    func quiesce() {
        shutdown.begin()
        let (listener, connections) = state.withLock { state in
            state.quiescing = true
            return (state.listener, Array(state.connections.values))
        }
        listener?.close(promise: nil)
        for connection in connections { connection.quiesce() }
    }

    /// Closes everything now: calls still running are cancelled.
    func closeAll() {
        let (listener, connections) = state.withLock { state in
            state.quiescing = true
            return (state.listener, Array(state.connections.values))
        }
        listener?.close(promise: nil)
        for connection in connections { connection.channel.close(promise: nil) }
    }

    func waitUntilIdle() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state in
                if state.calls == 0 && state.connections.isEmpty { return true }
                state.idleWaiter = waiter
                return false
            }
            if idle { waiter.resume() }
        }
    }

    private func takeIdleWaiter(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        guard state.calls == 0 && state.connections.isEmpty else { return nil }
        defer { state.idleWaiter = nil }
        return state.idleWaiter
    }
}
