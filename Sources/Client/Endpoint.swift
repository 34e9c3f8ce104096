public import Core

/// Where a client connects: a Unix socket path, given plain or as `unix://PATH`.
public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    public var path: String

    public init(_ address: String) throws(CtrError) {
        var path = address
        if path.hasPrefix("unix://") {
            path.removeFirst("unix://".count)
        } else if path.contains("://") {
            throw .invalidArgument("address \"\(address)\": only unix:// sockets are supported")
        }
        if path.isEmpty { throw .invalidArgument("address must not be empty") }
        self.path = path
    }

    public var description: String { path }

    /// The default socket of `ctr daemon`.
    public static let defaultDaemon = "/run/ctr/ctr.sock"

    /// Fails fast with a hint when nothing listens on the socket, instead of letting gRPC retry
    /// until the deadline.
    public func checkReachable(hint: String) throws(CtrError) {
        if let code = UnixSocket.probe(path) {
            throw .unavailable("cannot connect to \(path): \(Errno(code)): \(hint)")
        }
    }
}
