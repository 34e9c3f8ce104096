import GRPCCore
import NIOCore

/// A unary method that the transport answers on the connection's event loop as soon as the
/// request is whole: no task, no thread hop, no executor.
///
/// Only for handlers that read in-memory state under a lock and return at once, such as the CRI
/// list calls a kubelet makes every second. The same method stays registered with the router,
/// which serves it over any other transport, when a request is not a single message, and when
/// `respond` declines the request (returns nil: one that needs more than memory, say).
public struct InlineUnaryMethod: Sendable {
    public let respond: @Sendable (_ request: ByteBuffer) -> Result<WireBytes, RPCError>?

    public init(respond: @escaping @Sendable (_ request: ByteBuffer) -> Result<WireBytes, RPCError>?) {
        self.respond = respond
    }
}
