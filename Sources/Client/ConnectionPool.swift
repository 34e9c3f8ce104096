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
        let running: Task<Void, Never>
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// The open client for `endpoint`, made and started on first use.
    func client(for endpoint: Endpoint) throws -> GRPCClient<HTTP2ClientTransport.Posix> {
        try entries.withLock { entries in
            if let entry = entries[endpoint.path] { return entry.client }
            let client = GRPCClient(transport: try Connection.transport(endpoint))
            let running = Task<Void, Never> { try? await client.runConnections() }
            entries[endpoint.path] = Entry(client: client, running: running)
            return client
        }
    }

    /// Starts opening a connection to `endpoint` on another thread while the caller goes on:
    /// making the client (its first use costs the process about 2 ms), connecting, the HTTP/2
    /// handshake. A `client(for:)` meanwhile waits for that client rather than making another.
    public func open(_ endpoint: Endpoint) {
        Task.detached { _ = try? self.client(for: endpoint) }
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
