import GRPCCore
import NIOCore
import SwiftProtobuf

/// A unary method that the daemon's transport answers on the connection's event loop as soon as
/// the request is whole: no task, no thread hop, no executor.
///
/// Only for handlers that read in-memory state under a lock and return at once, such as the CRI
/// list calls a kubelet makes every second. The same method stays registered with the router,
/// which serves it over any other transport and when a request is not a single message.
struct InlineUnaryMethod: Sendable {
    let respond: @Sendable (_ request: ByteBuffer) -> Result<WireBytes, RPCError>

    /// A method whose response is already-encoded list entries (see `CRIWire`).
    static func encoded<Input: SwiftProtobuf.Message>(
        _ handler: @escaping @Sendable (Input) throws -> [[UInt8]]
    ) -> InlineUnaryMethod {
        InlineUnaryMethod { request in
            let input: Input
            do {
                input = try Input(serializedBytes: Array(request.readableBytesView))
            } catch {
                return .failure(RPCError(code: .invalidArgument,
                                         message: "cannot decode the \(Input.protoMessageName) request: \(error)"))
            }
            do {
                return .success(WireBytes(concatenating: try handler(input)))
            } catch let error as RPCError {
                return .failure(error)
            } catch let error as any RPCErrorConvertible {
                return .failure(RPCError(error))
            } catch {
                return .failure(RPCError(code: .unknown, message: "\(error)"))
            }
        }
    }
}

/// A plugin with methods its handlers can answer inline (see `InlineUnaryMethod`), by path
/// (`/runtime.v1.RuntimeService/ListContainers`).
protocol InlineMethodProvider {
    var inlineMethods: [String: InlineUnaryMethod] { get }
}
