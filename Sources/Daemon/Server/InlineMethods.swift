import GRPCCore
import SwiftProtobuf
import Transport

extension InlineUnaryMethod {
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

extension InlineUnaryMethod {
    /// A method answered with one message, encoded here.
    static func message<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        _ handler: @escaping @Sendable (Input) throws -> Output
    ) -> InlineUnaryMethod {
        encoded { (input: Input) in [try handler(input).serializedBytes()] }
    }
}

/// A plugin with methods its handlers can answer inline (see `InlineUnaryMethod`), by path
/// (`/runtime.v1.RuntimeService/ListContainers`).
protocol InlineMethodProvider {
    var inlineMethods: [String: InlineUnaryMethod] { get }
}
