import Core
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Streaming
import Synchronization

/// The CRI plugin's stream server: the HTTP endpoint behind the URLs that Exec, Attach and
/// PortForward hand out. Each connection sends one upgrade request naming a token; the server
/// answers 101 and speaks SPDY/3.1 or WebSocket with the Kubernetes remotecommand or portforward
/// protocol until the command ends, the client leaves or the session sits idle too long.
final class StreamServer: Sendable {
    let listener: any Channel
    let connections: ConnectionTable
    let service: CRIService
    let logger: Logger
    /// The URL prefix handed out: `http://host:port`, or `https://` with TLS.
    let base: String

    private init(listener: any Channel, connections: ConnectionTable, base: String, service: CRIService, logger: Logger) {
        self.listener = listener
        self.connections = connections
        self.base = base
        self.service = service
        self.logger = logger
    }

    /// Binds `address:port` (port 0: a free one) and starts accepting, over TLS when `tls` is given.
    static func start(service: CRIService, address: String, port: Int, tls: NIOSSLContext? = nil, idleTimeout: Duration,
                      logger: Logger) async throws -> StreamServer {
        let connections = ConnectionTable()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // What a session may queue for a client that does not read: small, since a node may
            // have many attached clients (kubectl attach, logs tools) that fall behind.
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 << 10, high: 128 << 10))
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                connections.channels.withLock { $0[id] = channel }
                channel.closeFuture.whenComplete { _ in _ = connections.channels.withLock { $0.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(
                        StreamConnectionHandler(service: service, idleTimeout: idleTimeout, logger: logger))
                }
            }
        let listener: any Channel
        do {
            listener = try await bootstrap.bind(host: address, port: port).get()
        } catch {
            throw CtrError.invalidArgument("stream server: cannot listen on \(address):\(port): \(error)")
        }
        let bound = listener.localAddress?.port ?? port
        let host = address.contains(":") ? "[\(address)]" : address
        return StreamServer(listener: listener, connections: connections, base: "\(tls == nil ? "http" : "https")://\(host):\(bound)", service: service,
                            logger: logger)
    }

    var port: Int { listener.localAddress?.port ?? 0 }

    /// Stops accepting and ends every open session: each is told the daemon is stopping and its
    /// process (an exec) is killed, as when its client leaves.
    func close() async {
        try? await listener.close()
        let open = connections.channels.withLock { Array($0.values) }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(StreamServerStopping())
        }
        for channel in open { try? await channel.closeFuture.get() }
        // An exec whose session ended is killed and deleted before the daemon goes.
        await service.streamWork.drain()
        logger.info("stream server stopped", metadata: ["sessions.ended": "\(open.count)"])
    }
}

/// The open connections, for a stop that ends them.
final class ConnectionTable: Sendable {
    let channels = Mutex<[ObjectIdentifier: any Channel]>([:])
}

/// Sent through every open connection's pipeline when the server stops.
struct StreamServerStopping {}
