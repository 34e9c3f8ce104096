public import Core
public import GRPCCore
public import GRPCNIOTransportHTTP2Posix
import API
import Synchronization

/// Connections kept open across commands, one per socket, for `ctr shell`: a command run there
/// reuses the connection the previous one opened instead of paying a connect and an HTTP/2
/// handshake. A one-shot containerd-API command runs with a pool whose connection was opened
/// while its arguments were parsed (see `EarlyConnection`), and exits without closing it.
public final class ConnectionPool: Sendable {
    private struct Entry {
        let client: GRPCClient<HTTP2ClientTransport.Posix>
        let transport: HTTP2ClientTransport.Posix
        let running: Task<Void, Never>
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Sockets `open` found accepting connections, whose first `Connection.with` need not probe
    /// again (consumed by `takeProbed`).
    private let probed = Mutex<Set<String>>([])

    public init() {}

    /// The open client for `endpoint`, made and started on first use.
    func client(for endpoint: Endpoint) throws -> GRPCClient<HTTP2ClientTransport.Posix> {
        try entry(for: endpoint).client
    }

    private func entry(for endpoint: Endpoint) throws -> Entry {
        try entries.withLock { entries in
            if let entry = entries[endpoint.path] { return entry }
            let transport = try Connection.transport(endpoint)
            let client = GRPCClient(transport: transport)
            let running = Task<Void, Never> { try? await client.runConnections() }
            let entry = Entry(client: client, transport: transport, running: running)
            entries[endpoint.path] = entry
            return entry
        }
    }

    /// Starts opening a connection to `endpoint`, which the caller found accepting connections,
    /// on another thread while the caller goes on: making the client (its first use costs the
    /// process about 1 ms), connecting, the HTTP/2 handshake. A `client(for:)` meanwhile waits
    /// for that client rather than making another.
    ///
    /// gRPC channels connect lazily, on their first call; here a stream is made and dropped
    /// unused, which connects the channel without sending anything to the daemon (HTTP/2 gives
    /// a stream its identifier, and puts it on the wire, only with its first frame).
    public func open(_ endpoint: Endpoint) {
        probed.withLock { _ = $0.insert(endpoint.path) }
        Task.detached {
            guard let entry = try? self.entry(for: endpoint) else { return }
            _ = try? await entry.transport.withStream(descriptor: Self.connectProbe, options: .defaults) { _, _ in }
        }
    }

    /// The method named by the stream `open` makes and drops: never called.
    static let connectProbe = MethodDescriptor(fullyQualifiedService: "ctr.connect", method: "Open")

    /// Whether `open` already found `endpoint`'s socket accepting connections; true once.
    func takeProbed(_ endpoint: Endpoint) -> Bool {
        probed.withLock { $0.remove(endpoint.path) != nil }
    }

    /// Closes every connection, letting calls in flight finish.
    public func close() async {
        let all = entries.withLock { entries in
            defer { entries = [:] }
            return Array(entries.values)
        }
        for entry in all {
            entry.client.beginGracefulShutdown()
            await entry.running.value
        }
    }
}
