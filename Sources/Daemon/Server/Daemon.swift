public import Core
public import Logging
import API
import GRPCCore
import NIOCore
import NIOPosix
import Transport
import ServiceLifecycle
import Glibc

/// `ctr daemon`: loads the plugins, serves their gRPC services on one Unix socket, and on SIGTERM
/// or SIGINT stops accepting, lets in-flight calls finish (bounded), closes the plugins in reverse
/// order and removes the socket.
public struct Daemon: Sendable {
    public var config: DaemonConfig
    public var registrations: [PluginRegistration]
    public var logger: Logger
    /// How long in-flight calls may run after a stop signal before they are cancelled.
    public var drainTimeout: Duration = .seconds(10)

    /// Sizes NIO's shared event loop group, before anything uses it: half the cores, at least
    /// one. A connection is served by one loop however many there are, and the services run as
    /// tasks on the global executor's threads; on this 2-core machine a second loop was only one
    /// more thread (a node's daemon threads are a target: issue 17).
    public static func sizeEventLoops() {
        NIOSingletons.groupLoopCountSuggestion = max(1, System.coreCount / 2)
    }

    public init(config: DaemonConfig, registrations: [PluginRegistration], logger: Logger) {
        self.config = config
        self.registrations = registrations
        self.logger = logger
    }

    public func run() async throws {
        let started = ContinuousClock.now
        let notifier = ServiceNotifier.fromEnvironment()
        if let source = config.source {
            logger.info("config loaded", metadata: ["config.file": "\(source)"])
        }
        if !config.ignoredKeys.isEmpty {
            logger.warning("config keys ignored: ctr does not use them",
                           metadata: ["keys": "\(config.ignoredKeys.joined(separator: ","))"])
        }
        try makeDirectories(config.root, mode: 0o711)
        try makeDirectories(config.state, mode: 0o711)
        let socket = try SocketGuard(path: config.grpc.address)

        let loaded: PluginLoader.Loaded
        do {
            loaded = try await PluginLoader(registrations: registrations, config: config, logger: logger).load()
        } catch {
            socket.release()
            throw error
        }
        let services = loaded.instances.flatMap { $0.instance.rpcServices }
        let grpcConfig = config.grpc
        let inline = loaded.instances.compactMap { $0.instance as? any InlineMethodProvider }
            .reduce(into: [String: InlineUnaryMethod]()) { $0.merge($1.inlineMethods) { first, _ in first } }
        let transport = UnixGRPCTransport(path: grpcConfig.address, settings: grpcConfig.transportSettings,
                                          inlineMethods: inline)
        let server = GRPCServer(transport: transport, services: services, interceptors: [NamespaceInterceptor()])
        // Freed memory goes back to the system after a peak (no thread of its own for that).
        let trimming = MultiThreadedEventLoopGroup.singleton.next().scheduleRepeatedTask(
            initialDelay: .seconds(5), delay: .seconds(5)) { _ in ResidentMemory.trimIfWorthIt() }
        defer { trimming.cancel() }
        let logger = self.logger
        let serving = ServerService(server: server, transport: transport, socket: socket, grpc: grpcConfig,
                                    logger: logger, started: started, notifier: notifier,
                                    stopBudget: drainTimeout + .seconds(15))
        var groupConfig = ServiceGroupConfiguration(
            services: [.init(service: serving)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        groupConfig.maximumGracefulShutdownDuration = drainTimeout
        groupConfig.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfig)
        do {
            try await group.run()
        } catch {
            logger.error("server failed", metadata: ["error": "\(error)"])
            notifier.notify(["STOPPING=1", "STATUS=server failed: \(error)"])
            await loaded.close(logger: logger)
            socket.release()
            throw error
        }
        notifier.extendTimeout(.seconds(30), status: "closing plugins")
        await loaded.close(logger: logger)
        socket.release()
        logger.info("daemon stopped")
    }
}

/// The gRPC server as a lifecycle `Service`.
struct ServerService: Service {
    let server: GRPCServer<UnixGRPCTransport>
    let transport: UnixGRPCTransport
    let socket: SocketGuard
    let grpc: DaemonConfig.GRPCSection
    let logger: Logger
    let started: ContinuousClock.Instant
    let notifier: ServiceNotifier
    /// How long a stop may take, as told to systemd: the drain and the cancellation after it.
    let stopBudget: Duration

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                group.addTask {
                    try await transport.waitUntilListening()
                    try socket.secure(uid: grpc.uid, gid: grpc.gid)
                    let elapsed = ContinuousClock.now - started
                    logger.info("daemon ready", metadata: [
                        "address": "\(grpc.address)",
                        "startup.ms": "\(elapsed.milliseconds)",
                    ])
                    notifier.ready(status: "serving on \(grpc.address)")
                }
            }
        } onGracefulShutdown: {
            logger.info("stop requested: draining in-flight calls")
            notifier.stopping(budget: stopBudget)
            server.beginGracefulShutdown()
        }
    }
}

extension DaemonConfig.GRPCSection {
    /// The transport's settings from `[grpc]` (durations were checked when the config was read).
    var transportSettings: UnixGRPCTransport.Settings {
        func amount(_ text: String) -> TimeAmount {
            let duration = (try? Duration.parseGo(text)) ?? .zero
            let (seconds, attoseconds) = duration.components
            return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
        var settings = UnixGRPCTransport.Settings(maxRequestSize: maxRecvMessageSize, windowSize: GRPCTuning.windowSize,
                                                  maxFrameSize: GRPCTuning.maxFrameSize,
                                                  maxConcurrentStreams: maxConcurrentStreams)
        settings.minimumPingInterval = amount(keepaliveMinTime)
        settings.prefaceTimeout = amount(prefaceTimeout)
        let idle = amount(maxConnectionIdle)
        settings.maxConnectionIdle = idle > .zero ? idle : nil
        return settings
    }
}
